//! Dynoscope's engine: Amazon DynamoDB as a pure Rust library.
//!
//! Everything goes through one door, [`Engine::dispatch`]: an operation name and a
//! DynamoDB JSON request in, a DynamoDB JSON response or a [`DynamoError`] out. The engine
//! does no I/O and reads no wall clock: time is the engine's virtual clock, set by whoever
//! drives it, and randomness comes from a seeded generator, so every behaviour reproduces.
//! Durable effects are reported as [`persist::Change`]s for a front end to store.
//!
//! Modules are named after DynamoDB's concepts: [`value`] (AttributeValue, items and their
//! sizes), [`number`] (DynamoDB's 38-digit decimal), [`key`] (key schemas and item keys),
//! [`partition`] (hashing and the partitions that hold items), [`table`], [`ops`] (one file
//! per operation family), [`dispatch`] (names to handlers), [`clock`] and [`rng`].

pub mod activity;
#[cfg(feature = "extras")]
pub mod backup;
pub mod clock;
pub mod contract;
pub mod database_file;
pub mod dispatch;
pub mod engine;
pub mod error;
pub mod events;
pub mod expr;
pub mod heat;
pub mod history;
pub mod id_map;
pub mod index;
pub mod key;
pub mod metrics;
pub mod number;
pub mod ops;
pub mod partiql;
pub mod partition;
pub mod persist;
#[cfg(feature = "extras")]
pub mod pitr;
pub mod replica;
pub mod ring;
pub mod rng;
pub mod simulation;
pub mod sorting;
pub mod splits;
pub mod stream;
pub mod table;
pub mod throughput;
pub mod tokens;
pub mod ttl;
mod typed;
pub mod units;
pub mod value;
pub mod write;
pub mod zones;

pub use engine::{Engine, EngineConfig};
pub use error::{DynamoError, ErrorKind};
pub use persist::{Change, MemoryStore, Snapshot, Store, StoredRecord, Unreadable};
