//! DynamoDB's operations, one file per family: `tables` (the control plane), `items`
//! (single-item reads and writes), `scan`. Each handler takes the engine and a typed
//! request, and returns the response body. Shared request rules live in `validate`, and
//! capacity arithmetic in `capacity`.

pub mod account;
#[cfg(feature = "extras")]
pub mod backups;
pub mod batch;
pub mod capacity;
pub mod continuous_backups;
#[cfg(feature = "extras")]
pub mod dax;
#[cfg(feature = "extras")]
pub mod exchange;
#[cfg(feature = "extras")]
pub mod exports;
pub mod expressions;
#[cfg(feature = "extras")]
pub mod imports;
pub mod index_keys;
pub mod insights;
pub mod introspection;
pub mod items;
#[cfg(feature = "extras")]
pub mod kinesis;
#[cfg(feature = "extras")]
pub mod legacy_global_tables;
pub mod metrics;
#[cfg(feature = "extras")]
pub mod partiql;
#[cfg(feature = "extras")]
pub mod principals;
pub mod query;
pub mod read;
#[cfg(feature = "extras")]
pub mod regions;
#[cfg(feature = "extras")]
pub mod replica_auto_scaling;
#[cfg(feature = "extras")]
pub mod replica_updates;
#[cfg(feature = "extras")]
pub mod resource_policies;
#[cfg(feature = "extras")]
pub mod restore;
pub mod scan;
pub mod simulation;
pub mod streams;
pub mod tables;
pub mod tags;
pub mod transactions;
#[cfg(feature = "extras")]
pub mod triggers;
pub mod ttl;
pub mod update_table;
pub mod validate;
pub mod zones;
