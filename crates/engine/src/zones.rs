//! Availability zones. Every partition has one replica in each of the region's three zones
//! (`replica` r lives in zone r), so taking a zone down takes one replica of every
//! partition with it, as an AZ outage does. With one zone down DynamoDB keeps serving:
//! partitions whose leader was there elect a new one from the two that remain, writes
//! reach their quorum of two on those, and eventually consistent reads go to the replicas
//! that are up. The replica in the down zone misses every write meanwhile and catches up
//! once the zone returns. With two zones down no partition has a quorum, and the engine
//! refuses data-plane requests with a 500 InternalServerError (a model: DynamoDB does not
//! document what clients see then). Which zones are down is engine-wide state, persisted
//! like the clock.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::engine::Engine;
use crate::replica::{REPLICAS, ZONE_SUFFIXES};

/// Which of the three zones are down.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zones {
    down: [bool; REPLICAS],
}

impl Zones {
    pub fn is_up(&self, replica: usize) -> bool {
        !self.down[replica]
    }

    pub fn any_down(&self) -> bool {
        self.down.iter().any(|&d| d)
    }

    /// Whether two zones are up: enough for every partition's write quorum and for a
    /// leader to be elected.
    pub fn has_quorum(&self) -> bool {
        self.down.iter().filter(|&&d| !d).count() >= 2
    }

    /// Marks `replica`'s zone up or down; returns whether that changed anything.
    pub fn set(&mut self, replica: usize, up: bool) -> bool {
        let changed = self.down[replica] == up;
        self.down[replica] = !up;
        changed
    }

    /// Whether each zone is up, by replica.
    pub fn up(&self) -> [bool; REPLICAS] {
        self.down.map(|d| !d)
    }

    /// The replica that takes over from a leader in a down zone: the next one up, in zone
    /// order after it. None while the leader's zone is up (or no other zone is).
    pub fn successor(&self, leader: usize) -> Option<usize> {
        if self.is_up(leader) {
            return None;
        }
        (1..REPLICAS)
            .map(|step| (leader + step) % REPLICAS)
            .find(|&r| self.is_up(r))
    }
}

/// The zone replica `r` lives in, by its full name (`us-east-1a`).
pub fn zone_name(engine: &Engine, replica: usize) -> String {
    format!("{}{}", engine.config.region, ZONE_SUFFIXES[replica])
}

/// Moves every leadership out of down zones: each partition whose leader's zone is down is
/// led by the next replica up, which first applies what it lacked. Records one FAILOVER
/// event per table that changed.
pub(crate) fn elect_leaders(engine: &mut Engine, now: u64) {
    let zones = engine.zones;
    let names: Vec<String> = (0..REPLICAS).map(|r| zone_name(engine, r)).collect();
    let mut moved: Vec<(String, Vec<Value>)> = Vec::new();
    for (table, contents) in &mut engine.tables {
        let mut changes = Vec::new();
        for (id, replicas) in contents.replica_sets_mut() {
            if let Some(to) = zones.successor(replicas.leader) {
                let from = replicas.leader;
                changes.push(json!({"PartitionId": id, "From": from, "To": to, "FromZone": names[from], "ToZone": names[to]}));
                replicas.fail_over(to, now);
            }
        }
        if !changes.is_empty() {
            moved.push((table.clone(), changes));
        }
    }
    for (table, changes) in moved {
        engine
            .events
            .record(now, "FAILOVER", &table, || json!({"NewLeaders": changes}));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_zone_down_keeps_a_quorum_and_two_do_not() {
        let mut zones = Zones::default();
        assert!(zones.has_quorum() && !zones.any_down());
        zones.set(0, false);
        assert!(zones.has_quorum());
        zones.set(2, false);
        assert!(!zones.has_quorum());
    }

    #[test]
    fn a_leader_in_a_down_zone_is_succeeded_by_the_next_zone_up() {
        let mut zones = Zones::default();
        zones.set(1, false);
        assert_eq!(zones.successor(1), Some(2));
        assert_eq!(zones.successor(0), None, "a leader whose zone is up stays");
        zones.set(2, false);
        assert_eq!(zones.successor(1), Some(0));
    }
}
