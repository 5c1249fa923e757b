//! Heat: each partition's recent traffic, for splits for throughput. A partition is hot in
//! a second when it consumed at least the threshold (write units, or read units weighed at
//! a third); once it has been hot for enough seconds in a row it should split, as
//! DynamoDB splits a partition that sustains high traffic. One map per keyspace: a table's
//! items, or a global index's entries.

use crate::id_map::IdMap;

/// One partition's current second and streak.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Heat {
    second: u64,
    units: f64,
    streak: u32,
}

/// The heat of every partition of one keyspace, by partition id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeatMap {
    partitions: IdMap<Heat>,
}

impl HeatMap {
    /// Counts `units` against partition `id` at `now`; returns whether it has now been hot
    /// (at least `threshold` units a second) for `sustain` seconds in a row.
    pub fn note(&mut self, id: u32, units: f64, now: u64, threshold: u64, sustain: u32) -> bool {
        // Reads count in thirds (and half units): sums of them fall a hair short of whole
        // numbers, so "at least the threshold" allows for that.
        let hot = |units: f64| units + 1e-9 >= threshold as f64;
        let second = now / 1000;
        let heat = self.partitions.get_or_insert_with(id, || Heat {
            second,
            units: 0.0,
            streak: 0,
        });
        if second != heat.second {
            let was_hot = hot(heat.units);
            heat.streak = if was_hot && second == heat.second + 1 {
                heat.streak + 1
            } else {
                0
            };
            heat.second = second;
            heat.units = 0.0;
        }
        heat.units += units;
        let hot_now = hot(heat.units);
        heat.streak + u32::from(hot_now) >= sustain.max(1)
    }

    /// Forgets a partition (it split).
    pub fn forget(&mut self, id: u32) {
        self.partitions.remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_adding_up_to_the_threshold_reach_it() {
        let mut heat = HeatMap::default();
        let sixth = 0.5 / 3.0;
        assert!(
            (0..60)
                .map(|_| heat.note(1, sixth, 0, 10, 1))
                .last()
                .unwrap()
        );
    }

    #[test]
    fn a_partition_must_be_hot_for_consecutive_seconds() {
        let mut heat = HeatMap::default();
        assert!(!heat.note(1, 10.0, 0, 10, 2));
        assert!(heat.note(1, 10.0, 1_000, 10, 2));
        assert!(!heat.note(2, 10.0, 0, 10, 2));
        assert!(!heat.note(2, 10.0, 2_000, 10, 2), "a gap breaks the streak");
    }
}
