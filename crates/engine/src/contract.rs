//! The typed contract of the `Dynoscope_` operations: response shapes as serde types that
//! the engine builds its answers from and the browser app reads them back into, so neither
//! side re-derives the other's field names. Added operation by operation as the UI moves
//! onto them; each type is named after what it describes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::simulation::{LagRange, SimulationSettings};

/// `Dynoscope_LocateItem`: where an item (or its entry in a secondary index) lives and what
/// each replica holds of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ItemLocation {
    pub table_name: String,
    /// The index whose entry for the item this is; absent for the item itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_name: Option<String>,
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

/// `Dynoscope_DescribeSimulation` and `Dynoscope_SetSimulation`: the settings in force (a
/// table's, or the engine's default) and the engine-wide ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SimulationDescription {
    pub settings: SimulationView,
    pub engine: EngineView,
}

/// A range of lag in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LagView {
    pub min_millis: u64,
    pub max_millis: u64,
}

/// The simulation's settings as the wire states them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SimulationView {
    pub replication_lag: LagView,
    pub gsi_propagation: LagView,
    pub throttling: bool,
    pub ttl_delete_delay_millis: u64,
    pub partition_size_limit_bytes: u64,
    pub item_collection_limit_bytes: u64,
    pub heat_split_units_per_second: u64,
    pub heat_split_seconds: u32,
}

/// The engine-wide settings that live in its configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EngineView {
    pub control_plane_millis: u64,
    pub seed: u64,
}

/// Which preset a table's simulation follows, judged by its lags (what a person sees).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresetName {
    /// No lag: DynamoDB as clients usually see it.
    Off,
    /// The playground's visible lag.
    Playground,
    /// Anything else, set through the API.
    Custom,
}

impl From<&SimulationSettings> for SimulationView {
    fn from(s: &SimulationSettings) -> Self {
        let lag = |l: &LagRange| LagView {
            min_millis: l.min_millis,
            max_millis: l.max_millis,
        };
        SimulationView {
            replication_lag: lag(&s.replication_lag),
            gsi_propagation: lag(&s.gsi_propagation),
            throttling: s.throttling,
            ttl_delete_delay_millis: s.ttl_delete_delay_millis,
            partition_size_limit_bytes: s.partition_size_limit_bytes,
            item_collection_limit_bytes: s.item_collection_limit_bytes,
            heat_split_units_per_second: s.heat_split_units_per_second,
            heat_split_seconds: s.heat_split_seconds,
        }
    }
}

impl SimulationView {
    /// The preset whose lags these are.
    pub fn preset(&self) -> PresetName {
        let lags = |s: &SimulationSettings| {
            let view = SimulationView::from(s);
            (view.replication_lag, view.gsi_propagation)
        };
        let own = (self.replication_lag, self.gsi_propagation);
        if own == lags(&SimulationSettings::off()) {
            PresetName::Off
        } else if own == lags(&SimulationSettings::playground()) {
            PresetName::Playground
        } else {
            PresetName::Custom
        }
    }
}
