//! A group: the capacity of a table or of one of its global indexes, with its mode, its
//! partitions' buckets and its own current second. It follows splits and reshapes, says
//! which limit would refuse a demand, and takes what is admitted.

use std::collections::BTreeMap;

use super::{
    Bucket, Direction, Limit, Mode, PARTITION_READ_LIMIT, PARTITION_WRITE_LIMIT, PartitionCapacity,
    Scaling, TABLE_QUOTA, WARM_READ, WARM_WRITE, Window,
};

/// The capacity of a table, or of one of its global indexes: its mode, its partitions'
/// buckets, and its own current second.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The global index's name, or None for the table.
    pub index: Option<String>,
    pub arn: String,
    pub mode: Mode,
    pub partitions: crate::id_map::IdMap<PartitionCapacity>,
    pub window: Window,
    pub read_scaling: Scaling,
    pub write_scaling: Scaling,
    /// The highest provisioned values the group has had (an on-demand floor).
    highest_provisioned: (f64, f64),
    /// Partition ids in keyspace order, as last seen.
    layout: Vec<u32>,
    /// The keyspace's layout fingerprint for `layout`, once known: compared instead of the
    /// ids (an index may have thousands of partitions).
    pub(super) fingerprint: Option<u64>,
    /// The busiest second so far, each direction (for right-sizing).
    pub busiest: (f64, f64),
}

impl Group {
    /// A group over `partitions` (ids in keyspace order), buckets full at `since`.
    pub fn new(
        index: Option<String>,
        arn: String,
        mode: Mode,
        partitions: &[u32],
        since: u64,
    ) -> Self {
        let n = partitions.len().max(1) as f64;
        let (read, write) = (mode.rate(Direction::Read), mode.rate(Direction::Write));
        Group {
            index,
            arn,
            mode,
            partitions: partitions
                .iter()
                .map(|&id| (id, PartitionCapacity::new(read / n, write / n, since)))
                .collect(),
            window: Window::starting(since),
            read_scaling: Scaling::new(WARM_READ.max(read)),
            write_scaling: Scaling::new(WARM_WRITE.max(write)),
            highest_provisioned: (read, write),
            layout: partitions.to_vec(),
            fingerprint: None,
            busiest: (0.0, 0.0),
        }
    }

    pub fn rate(&self, direction: Direction) -> f64 {
        self.mode.rate(direction)
    }

    pub fn is_on_demand(&self) -> bool {
        self.mode == Mode::OnDemand
    }

    pub fn scaling(&self, direction: Direction) -> &Scaling {
        direction.pick(&self.read_scaling, &self.write_scaling)
    }

    /// The partitions the group's throughput implies (DynamoDB's historical formula; on
    /// demand, from its current capacity).
    pub fn implied_partitions(&self) -> f64 {
        let (read, write) = match self.mode {
            Mode::Provisioned { read, write } => (read, write),
            Mode::OnDemand => (self.read_scaling.capacity(), self.write_scaling.capacity()),
        };
        let needed = match self.mode {
            Mode::Provisioned { .. } => read / PARTITION_READ_LIMIT + write / PARTITION_WRITE_LIMIT,
            Mode::OnDemand => (read / PARTITION_READ_LIMIT).max(write / PARTITION_WRITE_LIMIT),
        };
        needed.ceil().max(1.0)
    }

    /// One partition's per-second limit, scaled while the group has fewer partitions than
    /// its throughput implies.
    pub fn partition_limit(&self, direction: Direction) -> f64 {
        let actual = self.partitions.len().max(1) as f64;
        direction.partition_limit() * (self.implied_partitions() / actual).max(1.0)
    }

    /// Burst credit held by all partitions.
    pub fn burst(&self, direction: Direction) -> f64 {
        self.partitions
            .values()
            .map(|p| p.bucket(direction).burst)
            .sum()
    }

    /// Whether the layout (partition ids in keyspace order) is `ids`.
    pub(super) fn has_layout<P: crate::partition::Position>(
        &self,
        keyspace: &crate::partition::Keyspace<P>,
    ) -> bool {
        match self.fingerprint {
            Some(fingerprint) => fingerprint == keyspace.layout_fingerprint(),
            None => self.layout == keyspace.partition_ids(),
        }
    }

    /// Follows one split as it happens, instead of a full reshape on the next request: the
    /// children take the parent's place in the layout and divide its allocation. Does
    /// nothing unless the layout holds the parent (a later reshape then catches up).
    pub(super) fn follow_split(&mut self, split: &crate::partition::Split) {
        let Some(at) = self.layout.iter().position(|&id| id == split.parent) else {
            return;
        };
        self.layout.splice(at..=at, split.children);
        self.fingerprint = self
            .fingerprint
            .map(|f| crate::partition::fingerprint_after(f, split));
        self.on_split(split.parent, &split.children);
    }

    /// Divides a split parent's allocation and levels equally among its children.
    pub fn on_split(&mut self, parent: u32, children: &[u32]) {
        let Some(old) = self.partitions.remove(&parent) else {
            return;
        };
        let parts = children.len().max(1) as f64;
        for &child in children {
            let window = Window {
                read: old.window.read / parts,
                write: old.window.write / parts,
                previous_read: old.window.previous_read / parts,
                previous_write: old.window.previous_write / parts,
                throttled_reads: 0,
                throttled_writes: 0,
                previous_throttled_reads: 0,
                previous_throttled_writes: 0,
                second: old.window.second,
            };
            self.partitions.insert(
                child,
                PartitionCapacity {
                    read: old.read.share(parts),
                    write: old.write.share(parts),
                    window,
                },
            );
        }
    }

    /// Follows the keyspace (splits divide their parent's allocation and its current second;
    /// partitions the group cannot place get an even share) and a new mode (allocations
    /// divided evenly again). Returns the partitions that went away without children, with
    /// their last windows.
    pub(super) fn reshape(
        &mut self,
        mode: Mode,
        partitions: &[(u32, Option<u32>)],
        now: u64,
    ) -> Vec<(u32, Window)> {
        // Sets, not scans: an index can have thousands of partitions, and a split reshapes.
        let ids: std::collections::BTreeSet<u32> = partitions.iter().map(|&(id, _)| id).collect();
        let present = |id: u32| ids.contains(&id);
        let mut children_of: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for &(id, parent) in partitions {
            if let Some(parent) = parent.filter(|&p| {
                !self.partitions.contains_key(&id)
                    && self.partitions.contains_key(&p)
                    && !present(p)
            }) {
                children_of.entry(parent).or_default().push(id);
            }
        }
        let mut gone = Vec::new();
        for (parent, children) in children_of {
            self.on_split(parent, &children);
        }
        let unplaced = partitions
            .iter()
            .any(|(id, _)| !self.partitions.contains_key(id));
        for &(id, _) in partitions {
            self.partitions
                .get_or_insert_with(id, || PartitionCapacity::new(0.0, 0.0, now));
        }
        let stale: Vec<u32> = self.partitions.keys().filter(|&id| !present(id)).collect();
        for id in stale {
            if let Some(p) = self.partitions.remove(&id) {
                gone.push((id, p.window));
            }
        }
        self.layout = partitions.iter().map(|&(id, _)| id).collect();
        self.fingerprint = None;
        if mode != self.mode || unplaced {
            self.set_mode(mode, now);
        }
        gone
    }

    fn set_mode(&mut self, mode: Mode, now: u64) {
        let was_on_demand = self.mode == Mode::OnDemand;
        self.mode = mode;
        let n = self.partitions.len().max(1) as f64;
        let (read, write) = (mode.rate(Direction::Read), mode.rate(Direction::Write));
        self.highest_provisioned = (
            self.highest_provisioned.0.max(read),
            self.highest_provisioned.1.max(write),
        );
        for partition in self.partitions.values_mut() {
            if was_on_demand && mode != Mode::OnDemand {
                partition.read = Bucket::full(read / n, now);
                partition.write = Bucket::full(write / n, now);
            } else {
                partition.read.set_rate(read / n, now);
                partition.write.set_rate(write / n, now);
            }
        }
        if mode == Mode::OnDemand && !was_on_demand {
            self.read_scaling.floor = WARM_READ.max(self.highest_provisioned.0);
            self.write_scaling.floor = WARM_WRITE.max(self.highest_provisioned.1);
        }
    }

    /// Brings the group's second and one partition's buckets up to `now`; returns the
    /// seconds that ended (the group's, then the partition's).
    pub(super) fn advance(&mut self, partition: u32, now: u64) -> (Option<Window>, Option<Window>) {
        let group_ended = self.window.roll(now);
        if let Some(ended) = group_ended {
            let ended_at = (ended.second + 1) * 1000;
            self.read_scaling.observe(ended_at, ended.read, now);
            self.write_scaling.observe(ended_at, ended.write, now);
            self.busiest = (
                self.busiest.0.max(ended.read),
                self.busiest.1.max(ended.write),
            );
        }
        let partition_ended = self.partitions.get_mut(&partition).and_then(|p| {
            p.read.refill(now);
            p.write.refill(now);
            p.window.roll(now)
        });
        (group_ended, partition_ended)
    }

    /// The limit that would refuse `units` more on `partition` (`group_units` more on the
    /// whole group), if any.
    pub fn refusal(
        &self,
        partition: u32,
        direction: Direction,
        units: f64,
        group_units: f64,
        now: u64,
    ) -> Option<Limit> {
        let p = self.partitions.get(&partition)?;
        if p.window.used(direction) + units > self.partition_limit(direction) {
            return Some(Limit::KeyRange);
        }
        let group_used = self.window.used(direction);
        match self.mode {
            Mode::OnDemand => {
                let capacity = self.scaling(direction).capacity();
                (group_used + group_units > capacity).then_some(if capacity >= TABLE_QUOTA {
                    Limit::AccountLimit
                } else {
                    Limit::KeyRange
                })
            }
            Mode::Provisioned { .. } => {
                let bucket = p.bucket(direction);
                let borrows = bucket.boosted(now) && group_used < self.rate(direction);
                (bucket.available() <= 0.0 && !borrows).then_some(Limit::Provisioned)
            }
        }
    }

    /// Consumes `units` on `partition`. `enforce` off: the buckets drain but never borrow
    /// or go into debt.
    pub(super) fn take(
        &mut self,
        partition: u32,
        direction: Direction,
        units: f64,
        enforce: bool,
        now: u64,
    ) {
        let borrowable = self.window.used(direction) < self.rate(direction);
        let provisioned = !self.is_on_demand();
        if let Some(p) = self.partitions.get_mut(&partition) {
            p.window.add(direction, units);
            if provisioned {
                let bucket = p.bucket_mut(direction);
                let borrow = enforce && borrowable && bucket.boosted(now);
                bucket.take(units, borrow, if enforce { f64::NEG_INFINITY } else { 0.0 });
            }
        }
        self.window.add(direction, units);
    }

    /// Counts a refusal on `partition`; a partition refused for want of tokens while the
    /// group had capacity to spare is boosted from the next second (adaptive capacity).
    pub(super) fn note_refusal(
        &mut self,
        partition: u32,
        direction: Direction,
        limit: Limit,
        now: u64,
    ) {
        let spare = self.window.used(direction) < self.rate(direction);
        if let Some(p) = self.partitions.get_mut(&partition) {
            p.window.count_throttle(direction);
            let bucket = p.bucket_mut(direction);
            if limit == Limit::Provisioned && spare && bucket.boosted_from.is_none() {
                bucket.boosted_from = Some((now / 1000 + 1) * 1000);
            }
        }
    }

    /// The provisioned capacity the group holds (0 on demand), each direction.
    pub fn provisioned(&self) -> (f64, f64) {
        (self.rate(Direction::Read), self.rate(Direction::Write))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provisioned(read: f64, write: f64, partitions: &[u32]) -> Group {
        Group::new(
            None,
            "arn".into(),
            Mode::Provisioned { read, write },
            partitions,
            0,
        )
    }

    fn write(group: &mut Group, partition: u32, now: u64) -> Option<Limit> {
        group.advance(partition, now);
        let refusal = group.refusal(partition, Direction::Write, 1.0, 1.0, now);
        match refusal {
            None => group.take(partition, Direction::Write, 1.0, true, now),
            Some(limit) => group.note_refusal(partition, Direction::Write, limit, now),
        }
        refusal
    }

    #[test]
    fn adaptive_capacity_boosts_a_refused_partition_from_the_next_second() {
        let mut group = provisioned(0.0, 20.0, &[1, 2]);
        let refused: Vec<_> = (0..11).map(|_| write(&mut group, 1, 0)).collect();
        assert_eq!(refused[9], None);
        assert_eq!(refused[10], Some(Limit::Provisioned));
        assert_eq!(
            group.partitions.get(&1).unwrap().write.boosted_from,
            Some(1_000)
        );
        // Next second: its own 10, then 10 borrowed from the idle partition's share.
        let admitted = (0..25)
            .filter(|_| write(&mut group, 1, 1_000).is_none())
            .count();
        assert_eq!(admitted, 20);
    }

    #[test]
    fn a_split_divides_the_parent_equally() {
        let mut group = provisioned(300.0, 100.0, &[0]);
        group.on_split(0, &[1, 2]);
        assert_eq!(group.partitions.get(&1).unwrap().write.rate, 50.0);
        assert_eq!(group.partitions.get(&2).unwrap().read.rate, 150.0);
        assert!(!group.partitions.contains_key(&0));
    }
}
