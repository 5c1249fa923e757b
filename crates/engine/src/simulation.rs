//! The simulation's settings: how the distributed behaviours DynamoDB does not let clients
//! see are modelled on the virtual clock. One global default and optional per-table
//! overrides, changeable at run time. `off` (the engine's default, and the native
//! endpoint's) makes the engine behave like a single up-to-date copy, which is what
//! clients of the real service almost always observe; `playground` (the browser's) makes
//! lag visible without being absurd.

use serde::{Deserialize, Serialize};

use crate::replica::{REPLICAS, Replication};
use crate::rng::SeededRng;

/// A uniform range of milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LagRange {
    pub min_millis: u64,
    pub max_millis: u64,
}

impl LagRange {
    pub const NONE: LagRange = LagRange {
        min_millis: 0,
        max_millis: 0,
    };

    pub fn is_none(&self) -> bool {
        self.max_millis == 0
    }

    /// A draw from the range.
    pub fn sample(&self, rng: &mut SeededRng) -> u64 {
        if self.max_millis <= self.min_millis {
            return self.max_millis;
        }
        self.min_millis + rng.below(self.max_millis - self.min_millis + 1)
    }
}

/// How one table (or the engine, by default) is simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulationSettings {
    /// How long after a write the replica outside the write quorum applies it.
    pub replication_lag: LagRange,
    /// How long after a write a global secondary index reflects it.
    pub gsi_propagation: LagRange,
    /// How long after an item's TTL expiry the sweeper deletes it.
    #[serde(default = "default_ttl_delay")]
    pub ttl_delete_delay_millis: u64,
    /// A partition holding more than this splits in two. DynamoDB's limit is 10 GB; the
    /// playground scales it down so a few hundred items show it.
    #[serde(default = "default_partition_size")]
    pub partition_size_limit_bytes: u64,
    /// On a table with a local index, one partition key's items and index entries may hold
    /// at most this much. DynamoDB's limit is 10 GB; the playground scales it like partitions.
    #[serde(default = "default_partition_size")]
    pub item_collection_limit_bytes: u64,
    /// A partition splits for heat after `heat_split_seconds` seconds in a row each
    /// consuming at least this many write units (or three times as many read units).
    #[serde(default = "default_heat_units")]
    pub heat_split_units_per_second: u64,
    #[serde(default = "default_heat_seconds")]
    pub heat_split_seconds: u32,
    /// Whether requests beyond a table's throughput are refused (throttled). Off, the
    /// capacity model still accounts, for metrics and cost, but never refuses.
    #[serde(default)]
    pub throttling: bool,
    /// How long after a write to a global table its other replicas apply it (the `regions`
    /// module; `extras` only).
    #[cfg(feature = "extras")]
    #[serde(default = "default_global_lag")]
    pub global_replication_lag: LagRange,
}

/// Settings stored before global tables existed: no lag.
#[cfg(feature = "extras")]
fn default_global_lag() -> LagRange {
    LagRange::NONE
}

/// DynamoDB deletes expired items "typically within 48 hours".
const TTL_DELAY_DYNAMODB: u64 = 48 * 3_600_000;

fn default_ttl_delay() -> u64 {
    TTL_DELAY_DYNAMODB
}

/// DynamoDB's partition size limit: 10 GB.
const PARTITION_SIZE_DYNAMODB: u64 = 10 * 1024 * 1024 * 1024;

fn default_partition_size() -> u64 {
    PARTITION_SIZE_DYNAMODB
}

/// Model: 80% of a partition's 1,000 WCU, sustained for a minute (as `off()` sets).
fn default_heat_units() -> u64 {
    800
}

fn default_heat_seconds() -> u32 {
    60
}

impl SimulationSettings {
    /// Every copy up to date at once; expired items deleted after DynamoDB's typical 48 h.
    pub const fn off() -> Self {
        SimulationSettings {
            replication_lag: LagRange::NONE,
            gsi_propagation: LagRange::NONE,
            ttl_delete_delay_millis: TTL_DELAY_DYNAMODB,
            partition_size_limit_bytes: PARTITION_SIZE_DYNAMODB,
            item_collection_limit_bytes: PARTITION_SIZE_DYNAMODB,
            heat_split_units_per_second: 800,
            heat_split_seconds: 60,
            throttling: false,
            #[cfg(feature = "extras")]
            global_replication_lag: LagRange::NONE,
        }
    }

    /// Lag a person can see: DynamoDB says replicas converge "usually within one second",
    /// and GSIs "within a fraction of a second"; the playground stretches both a little.
    pub const fn playground() -> Self {
        SimulationSettings {
            replication_lag: LagRange {
                min_millis: 200,
                max_millis: 1500,
            },
            gsi_propagation: LagRange {
                min_millis: 300,
                max_millis: 2000,
            },
            ttl_delete_delay_millis: 5_000,
            // 10 GB scaled to 10 KB: a few dozen small items fill a partition.
            partition_size_limit_bytes: 10 * 1024,
            item_collection_limit_bytes: 10 * 1024,
            // Scaled like sizes: ten write units a second for three seconds heat a partition.
            heat_split_units_per_second: 10,
            heat_split_seconds: 3,
            throttling: true,
            // AWS: global tables replicate "usually within a second"; the playground shows it.
            #[cfg(feature = "extras")]
            global_replication_lag: LagRange {
                min_millis: 500,
                max_millis: 1500,
            },
        }
    }

    /// How a write reaches the replicas whose zones are `up`: the lag of the follower
    /// outside the write quorum, and the coin `ReplicaSet::record` uses to
    /// pick the quorum between two followers equally current.
    pub fn replication(&self, up: [bool; REPLICAS], rng: &mut SeededRng) -> Replication {
        if self.replication_lag.is_none() {
            return Replication {
                up,
                ..Replication::IMMEDIATE
            };
        }
        let coin = rng.below(2) == 1;
        let lag = self.replication_lag.sample(rng);
        Replication { lag, coin, up }
    }
}

impl Default for SimulationSettings {
    fn default() -> Self {
        Self::off()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_means_no_lag_anywhere() {
        let mut rng = SeededRng::new(1);
        let replication = SimulationSettings::off().replication([true; REPLICAS], &mut rng);
        assert_eq!(replication, Replication::IMMEDIATE);
    }
}
