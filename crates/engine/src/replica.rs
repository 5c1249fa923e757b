//! The three replicas of a partition, one per availability zone, one of them the leader.
//!
//! A write is acknowledged once two replicas have it: the leader and one follower. The
//! other follower applies it later, after the simulated replication lag. Which follower
//! joins the quorum is decided here, in [`ReplicaSet::record`]: the one that is up and has
//! applied the most (a coin decides between two equally current ones), and it first
//! applies every earlier write it still lacks. So a follower that acknowledges a write has
//! everything before it, and under steady writes at most one follower is behind.
//!
//! Rather than keep three copies of the data, a partition keeps one (the leader's) plus a short log of
//! recent writes with the value each replaced and the time each replica applies it. A
//! replica's view of an item is the leader's value unless some write to it is not yet
//! visible there, in which case it is the value the earliest such write replaced. Writes
//! apply in log order on every replica, so the entries every replica has applied are a
//! prefix of the log and are dropped. The log shares the replaced value with the write that
//! replaced it (an `Arc`), so logging a write copies nothing.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use crate::value::Item;

/// Replicas per partition, and which one an index names.
pub const REPLICAS: usize = 3;

/// The availability-zone suffix of each replica (`us-east-1` + `a`).
pub const ZONE_SUFFIXES: [&str; REPLICAS] = ["a", "b", "c"];

/// Which copy a read is served from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadView {
    /// The leader: strongly consistent.
    Leader,
    /// A replica, chosen for an eventually consistent read, at a virtual time.
    Replica { replica: usize, now: u64 },
}

/// How a read is served: from the leader, or from replicas chosen for an eventually
/// consistent read. `seed` is drawn once per request from the engine's generator, so each
/// partition's replica is chosen at random but the same one serves the whole request;
/// `up` says which replicas' zones are up (only those serve).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consistency {
    Strong,
    Eventual {
        seed: u64,
        now: u64,
        up: [bool; REPLICAS],
    },
}

impl Consistency {
    /// The replica that serves this read in partition `partition_id`.
    pub fn view_for(&self, partition_id: u32) -> ReadView {
        match *self {
            Consistency::Strong => ReadView::Leader,
            Consistency::Eventual { seed, now, up } => {
                let mut z = seed ^ (u64::from(partition_id).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                z = (z ^ (z >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z ^= z >> 29;
                // The n-th replica that is up (all three, normally).
                let serving = up.iter().filter(|&&u| u).count().max(1) as u64;
                let nth = (z % serving) as usize;
                let replica = (0..REPLICAS).filter(|&r| up[r]).nth(nth).unwrap_or(nth);
                ReadView::Replica { replica, now }
            }
        }
    }
}

/// How one write reaches the replicas, drawn once per write
/// ([`crate::simulation::SimulationSettings::replication`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replication {
    /// How long after the write the follower outside the quorum applies it.
    pub lag: u64,
    /// Decides between two followers that have applied equally much.
    pub coin: bool,
    /// Which replicas' zones are up; a replica in a down zone applies the write when its
    /// zone is back ([`ReplicaSet::rejoin`]).
    pub up: [bool; REPLICAS],
}

impl Replication {
    /// Every replica applies the write at once: restores, backfills, an unsimulated engine.
    pub const IMMEDIATE: Replication = Replication {
        lag: 0,
        coin: false,
        up: [true; REPLICAS],
    };
}

/// One write not yet applied everywhere.
#[derive(Debug, Clone)]
struct PendingWrite<P> {
    position: P,
    /// What the write replaced (None: the item did not exist).
    old: Option<Arc<Item>>,
    /// When each replica applies it.
    visible_at: [u64; REPLICAS],
}

/// A partition's replicas: who leads, and the log of writes some replica still lacks.
#[derive(Debug, Clone)]
pub struct ReplicaSet<P> {
    pub leader: usize,
    pending: VecDeque<PendingWrite<P>>,
    /// When each replica applies the latest write it has been given (apply order is log order).
    last_visible: [u64; REPLICAS],
}

impl<P> Default for ReplicaSet<P> {
    fn default() -> Self {
        ReplicaSet {
            leader: 0,
            pending: VecDeque::new(),
            last_visible: [0; REPLICAS],
        }
    }
}

impl<P: Ord + Clone> ReplicaSet<P> {
    /// Records a write made at `now` and returns when each replica applies it. The leader
    /// applies it at once, and so does the quorum follower, which first catches up on every
    /// write it lacks; the other follower applies it `lag` later (or when its zone is back),
    /// never before the writes ahead of it.
    pub fn record(
        &mut self,
        position: &P,
        old: Option<&Arc<Item>>,
        now: u64,
        replication: Replication,
    ) -> [u64; REPLICAS] {
        self.forget_applied(now);
        let quorum = self.quorum_follower(now, replication);
        self.catch_up(quorum, now);
        let mut visible_at = [now; REPLICAS];
        for r in (0..REPLICAS).filter(|&r| r != self.leader && r != quorum) {
            visible_at[r] = if replication.up[r] {
                now.saturating_add(replication.lag)
                    .max(self.last_visible[r])
            } else {
                u64::MAX
            };
        }
        for (r, &at) in visible_at.iter().enumerate() {
            self.last_visible[r] = self.last_visible[r].max(at);
        }
        if visible_at.iter().any(|&t| t > now) {
            self.pending.push_back(PendingWrite {
                position: position.clone(),
                old: old.cloned(),
                visible_at,
            });
        }
        visible_at
    }

    /// The follower that acknowledges a write made at `now`: one that is up, and of those
    /// the one that has applied the most; `coin` decides a tie.
    fn quorum_follower(&self, now: u64, replication: Replication) -> usize {
        let mut followers = (0..REPLICAS).filter(|&r| r != self.leader);
        let (a, b) = (followers.next().unwrap_or(0), followers.next().unwrap_or(0));
        let applied_until = |r: usize| match replication.up[r] {
            true => self.last_visible[r].max(now),
            false => u64::MAX,
        };
        match applied_until(a).cmp(&applied_until(b)) {
            std::cmp::Ordering::Less => a,
            std::cmp::Ordering::Greater => b,
            std::cmp::Ordering::Equal if replication.coin => b,
            std::cmp::Ordering::Equal => a,
        }
    }

    /// `replica` applies at `now` every write it has not applied yet.
    fn catch_up(&mut self, replica: usize, now: u64) {
        // Nothing it lacks: it has applied everything given to it (the usual case for the
        // quorum follower, which keeps this off the write path's cost).
        if self.last_visible[replica] <= now {
            return;
        }
        for write in &mut self.pending {
            write.visible_at[replica] = write.visible_at[replica].min(now);
        }
        self.last_visible[replica] = self.last_visible[replica].min(now);
    }

    /// Makes `to` the leader at `now` (its zone is up, the old leader's is not). A new leader
    /// first learns every write it lacks from the quorum that acknowledged it, so it holds
    /// what the old leader held: its pending writes apply now.
    pub fn fail_over(&mut self, to: usize, now: u64) {
        self.leader = to;
        self.catch_up(to, now);
        self.forget_applied(now);
    }

    /// A replica whose zone comes back applies the writes it missed at `at`, in log order.
    pub fn rejoin(&mut self, replica: usize, at: u64) {
        for write in &mut self.pending {
            if write.visible_at[replica] == u64::MAX {
                write.visible_at[replica] = at;
            }
        }
        if self.last_visible[replica] == u64::MAX {
            self.last_visible[replica] = at;
        }
    }

    /// Drops the log's prefix that every replica has applied by `now`.
    pub fn forget_applied(&mut self, now: u64) {
        while self
            .pending
            .front()
            .is_some_and(|w| w.visible_at.iter().all(|&t| t <= now))
        {
            self.pending.pop_front();
        }
    }

    /// Writes some replica still lacks at `now`.
    pub fn lagging_writes(&self, now: u64) -> usize {
        self.pending
            .iter()
            .filter(|w| w.visible_at.iter().any(|&t| t > now))
            .count()
    }

    /// How a replica sees `position`, if its view differs from the leader's: `Some(old)`
    /// with the value it still holds.
    pub fn override_at(&self, position: &P, view: ReadView) -> Option<Option<&Item>> {
        let ReadView::Replica { replica, now } = view else {
            return None;
        };
        self.pending
            .iter()
            .find(|w| w.visible_at[replica] > now && w.position == *position)
            .map(|w| w.old.as_deref())
    }

    /// Every position a replica sees differently from the leader, with its value there.
    pub fn overrides(&self, view: ReadView) -> BTreeMap<&P, Option<&Item>> {
        let mut out = BTreeMap::new();
        if let ReadView::Replica { replica, now } = view {
            for w in self.pending.iter().filter(|w| w.visible_at[replica] > now) {
                // The earliest unapplied write holds the value the replica still has.
                out.entry(&w.position).or_insert(w.old.as_deref());
            }
        }
        out
    }

    /// Whether nothing is pending at all (reads can skip the log).
    pub fn is_caught_up(&self) -> bool {
        self.pending.is_empty()
    }

    /// Splits the log at `at`: entries before it stay, entries from it on go to the returned
    /// set, which keeps the same leader and apply times.
    pub fn split_off(&mut self, at: &P) -> ReplicaSet<P> {
        let (stay, go): (VecDeque<_>, VecDeque<_>) =
            self.pending.drain(..).partition(|w| w.position < *at);
        self.pending = stay;
        ReplicaSet {
            leader: self.leader,
            pending: go,
            last_visible: self.last_visible,
        }
    }

    /// Writes `replica` has not applied by `now`.
    pub fn lagging_at(&self, replica: usize, now: u64) -> usize {
        self.pending
            .iter()
            .filter(|w| w.visible_at[replica] > now)
            .count()
    }

    /// When `replica` applies the last write it has been given (for display).
    pub fn applied_until(&self, replica: usize) -> u64 {
        self.last_visible[replica]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::AttributeValue;

    fn item(v: &str) -> Item {
        Item::from([("v".to_string(), AttributeValue::S(v.into()))])
    }

    fn logged(v: &str) -> Arc<Item> {
        Arc::new(item(v))
    }

    /// Replicas 0 (leader) and 1 acknowledge; replica 2 applies the write `millis` later.
    fn lag(millis: u64) -> Replication {
        Replication {
            lag: millis,
            ..Replication::IMMEDIATE
        }
    }

    /// Replica 2's zone is down.
    fn zone_c_down() -> Replication {
        Replication {
            up: [true, true, false],
            ..Replication::IMMEDIATE
        }
    }

    #[test]
    fn a_lagging_replica_sees_the_value_before_the_write_until_it_applies_it() {
        let mut set: ReplicaSet<u32> = ReplicaSet::default();
        set.record(&7, Some(&logged("old")), 1_000, lag(500));
        let early = ReadView::Replica {
            replica: 2,
            now: 1_200,
        };
        assert_eq!(set.override_at(&7, early), Some(Some(&item("old"))));
        assert_eq!(
            set.override_at(
                &7,
                ReadView::Replica {
                    replica: 1,
                    now: 1_200
                }
            ),
            None
        );
        assert_eq!(
            set.override_at(
                &7,
                ReadView::Replica {
                    replica: 2,
                    now: 1_500
                }
            ),
            None
        );
    }

    #[test]
    fn replicas_apply_writes_in_log_order() {
        let mut set: ReplicaSet<u32> = ReplicaSet::default();
        set.record(&1, None, 1_000, lag(900));
        let second = set.record(&2, None, 1_100, lag(10));
        assert_eq!(
            second[2], 1_900,
            "a later write cannot overtake an earlier one"
        );
    }

    #[test]
    fn the_earliest_unapplied_write_decides_what_a_replica_holds() {
        let mut set: ReplicaSet<u32> = ReplicaSet::default();
        set.record(&1, None, 1_000, lag(800));
        set.record(&1, Some(&logged("first")), 1_100, lag(800));
        let view = ReadView::Replica {
            replica: 2,
            now: 1_050,
        };
        assert_eq!(
            set.override_at(&1, view),
            Some(None),
            "the item did not exist yet there"
        );
        assert_eq!(set.overrides(view).get(&1), Some(&None));
    }

    #[test]
    fn a_replica_in_a_down_zone_applies_nothing_until_it_rejoins() {
        let mut set: ReplicaSet<u32> = ReplicaSet::default();
        set.record(&1, None, 1_000, zone_c_down());
        set.record(&2, None, 1_100, lag(0));
        let view = |now| ReadView::Replica { replica: 2, now };
        assert_eq!(
            set.override_at(&2, view(1_000_000)),
            Some(None),
            "still behind, in log order"
        );
        set.rejoin(2, 2_000);
        assert_eq!(set.override_at(&1, view(1_999)), Some(None));
        assert_eq!(set.override_at(&2, view(2_000)), None);
        assert_eq!(set.lagging_writes(2_000), 0);
    }

    #[test]
    fn a_new_leader_first_applies_every_write_it_lacked() {
        let mut set: ReplicaSet<u32> = ReplicaSet::default();
        set.record(&1, Some(&logged("old")), 1_000, lag(900));
        set.fail_over(2, 1_100);
        assert_eq!(set.leader, 2);
        assert_eq!(
            set.override_at(
                &1,
                ReadView::Replica {
                    replica: 2,
                    now: 1_100
                }
            ),
            None
        );
    }

    #[test]
    fn eventually_consistent_reads_are_served_only_by_replicas_that_are_up() {
        for seed in 0..64 {
            let read = Consistency::Eventual {
                seed,
                now: 0,
                up: [false, true, true],
            };
            assert!(
                matches!(read.view_for(7), ReadView::Replica { replica: 1 | 2, .. }),
                "seed {seed}"
            );
        }
    }

    #[test]
    fn applied_writes_are_forgotten() {
        let mut set: ReplicaSet<u32> = ReplicaSet::default();
        set.record(&1, None, 1_000, lag(100));
        set.record(&2, None, 5_000, lag(0));
        assert_eq!(set.lagging_writes(5_000), 0);
        assert!(set.pending.is_empty());
    }

    #[test]
    fn a_follower_that_acknowledges_a_write_first_applies_every_write_before_it() {
        let mut set: ReplicaSet<u32> = ReplicaSet::default();
        set.record(&1, None, 1_000, lag(900));
        let zone_b_down = Replication {
            up: [true, false, true],
            ..Replication::IMMEDIATE
        };
        set.record(&2, None, 1_100, zone_b_down);
        let c = |now| ReadView::Replica { replica: 2, now };
        assert_eq!(set.override_at(&1, c(1_100)), None, "caught up on write 1");
        assert_eq!(set.override_at(&2, c(1_100)), None);
    }

    #[test]
    fn under_steady_writes_at_most_one_follower_is_behind() {
        let mut set: ReplicaSet<u32> = ReplicaSet::default();
        for n in 0..200u32 {
            let now = 1_000 + u64::from(n) * 50;
            let replication = Replication {
                coin: n % 3 == 0,
                ..lag(1_000)
            };
            set.record(&n, None, now, replication);
            let behind = (1..REPLICAS).filter(|&r| set.lagging_at(r, now) > 0);
            assert!(behind.count() <= 1, "write {n}");
        }
    }
}
