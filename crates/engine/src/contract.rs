//! The typed contract of the `Dynoscope_` operations: response shapes as serde types that
//! the engine builds its answers from and the browser app reads them back into, so neither
//! side re-derives the other's field names. Added operation by operation as the UI moves
//! onto them; each type is named after what it describes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `Dynoscope_LocateItem`: where an item lives and what each replica holds of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ItemLocation {
    pub table_name: String,
    pub partition_id: u64,
    /// The partition key's hash, 16 hex digits.
    pub hash: String,
    pub replicas: Vec<ReplicaCopy>,
}

/// One replica's copy of an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicaCopy {
    pub replica: usize,
    pub availability_zone: String,
    /// `LEADER` or `FOLLOWER`.
    pub role: String,
    pub available: bool,
    /// The item as this replica holds it (DynamoDB JSON); null when it holds none.
    #[serde(default)]
    pub item: Option<Value>,
    /// True when this copy differs from the leader's.
    pub stale: bool,
}
