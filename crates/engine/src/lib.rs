//! Dynoscope's engine: Amazon DynamoDB as a pure Rust library.
//!
//! Everything goes through one door, [`Engine::dispatch`]: an operation name and a
//! DynamoDB JSON request in, a DynamoDB JSON response or a [`DynamoError`] out. The engine
//! does no I/O and reads no wall clock: time is the engine's virtual clock, set by whoever
//! drives it, and randomness comes from a seeded generator, so every behaviour reproduces.
//! Durable effects are reported as [`Change`]s for a front end to store.
//!
//! Modules are named after DynamoDB's concepts: `value` (AttributeValue, items and their
//! sizes), `number` (DynamoDB's 38-digit decimal), `key` (key schemas and item keys),
//! `partition` (hashing and the partitions that hold items), `table`, `ops` (one file per
//! operation family), `dispatch` (names to handlers), `clock` and `rng`. They are private:
//! what front ends use is the list below, in one place. Three modules are public as a whole,
//! every item in them being for front ends: [`contract`], [`database_file`] and [`sorting`].

mod activity;
#[cfg(feature = "extras")]
mod auto_scaling;
#[cfg(feature = "extras")]
mod backup;
mod clock;
pub mod contract;
pub mod database_file;
#[cfg(feature = "extras")]
mod dax;
mod dispatch;
mod edition;
mod engine;
mod error;
mod events;
mod expr;
mod heat;
mod history;
#[cfg(feature = "extras")]
mod holds;
#[cfg(feature = "extras")]
mod iam;
mod id_map;
mod index;
mod key;
mod metrics;
#[cfg(feature = "extras")]
mod mrsc;
mod number;
mod ops;
#[cfg(feature = "extras")]
mod partiql;
mod partition;
mod persist;
#[cfg(feature = "extras")]
mod pitr;
#[cfg(feature = "extras")]
mod regions;
mod replica;
mod ring;
mod rng;
mod simulation;
pub mod sorting;
mod splits;
mod stream;
mod table;
mod throughput;
mod tokens;
#[cfg(feature = "extras")]
mod triggers;
mod ttl;
mod typed;
mod units;
mod value;
mod write;
mod zones;

// The door: an engine, the requests it answers, and its errors.
pub use dispatch::{OPERATIONS, is_streams_operation};
pub use edition::{FULL_ONLY_OPERATIONS, needs_full, snapshot_needs_full};
pub use engine::{Engine, EngineConfig};
pub use error::{DynamoError, ErrorKind};

// DynamoDB's data: attribute values and items (with their wire JSON and size), numbers, key
// values and the partition hash of a partition key.
pub use key::KeyValue;
pub use number::Number;
pub use partition::partition_hash;
pub use value::{AttributeValue, Item, item_from_json, item_size, item_to_json};

// Persistence: the changes a front end stores and the snapshot it gives back (the whole
// database as one file is `database_file`), and the history a reload keeps (stored as the
// setting `HISTORY_SETTING`, keeping at most `STREAM_RECORDS_KEPT` stream records).
pub use history::{SETTING as HISTORY_SETTING, STREAM_RECORDS_KEPT};
pub use persist::{Change, MemoryStore, Snapshot, Store, StoredRecord, Unreadable};

// The simulation: the clock's modes and its time format, the settings, the seeded
// generator, the zones replicas live in, burst capacity, the event history and the
// activity log's size.
pub use activity::{CAPACITY as ACTIVITY_CAPACITY, DEFAULT_SOURCE};
pub use clock::{ClockMode, iso8601_millis};
pub use events::Event;
pub use replica::ZONE_SUFFIXES;
pub use rng::SeededRng;
pub use simulation::SimulationSettings;
pub use throughput::BURST_SECONDS;

// What the engine does on its own (a partition split reaching the stream, a TTL deletion),
// to be driven directly by tests.
pub use stream::{split_shard, ttl_delete};

// Exports and imports (`extras`): the jobs a front end carries out against its S3 files,
// and what it reports back.
#[cfg(feature = "extras")]
pub use ops::exchange::Failure as ExchangeFailure;
#[cfg(feature = "extras")]
pub use ops::exports::{ExportJob, ExportResult};
#[cfg(feature = "extras")]
pub use ops::imports::{ImportJob, ImportResult};

// Stream triggers (`extras`): the invocations a front end runs, and what it reports back.
#[cfg(feature = "extras")]
pub use triggers::{FunctionError, Invocation, InvocationOutcome};
