//! Throughput: who may consume capacity, and when, on the virtual clock. Every partition of
//! a table (and of each global index) has a read and a write token bucket; a request is
//! admitted before it has any effect, or refused with ProvisionedThroughputExceededException.
//!
//! The model, in DynamoDB's documented terms:
//!
//! - **Provisioned**: a table's (or a GSI's) RCU/WCU are divided evenly among its partitions;
//!   a split divides the parent's allocation equally among its children. A bucket holds one
//!   second of its allocation and refills continuously; what would overflow it is kept as
//!   burst credit, up to 300 seconds of the allocation. A request is admitted while the
//!   partition has tokens or burst credit left, and takes all its units even if that
//!   overdraws the bucket (the debt is repaid from the refill before anything else is
//!   admitted): a Query page is charged for what it read, as DynamoDB does.
//! - **Per-partition limits**: whatever the allocation, a partition serves at most 3,000 read
//!   and 1,000 write units in one second of the virtual clock (KeyRangeThroughputExceeded).
//!   While a table has fewer partitions than its throughput implies (ceil(RCU/3000 +
//!   WCU/1000); on demand, its current capacity), each partition stands for several and its
//!   limit is scaled by implied / actual.
//! - **Adaptive capacity** reacts to throttling: once a partition has been refused for lack
//!   of tokens while the table as a whole still had unused provisioned capacity in that
//!   second, then from the next second on it may borrow the table's unused capacity of the
//!   current second (the table's rate minus what all its partitions consumed) once its own
//!   tokens and burst are gone, up to its per-partition limit.
//! - **On demand**: no buckets. A table (or GSI) can serve in any one second up to its warm
//!   throughput (12,000 read and 4,000 write units; a table switched from provisioned keeps
//!   at least its highest provisioned values) or double its previous peak, whichever is
//!   more, capped at the 40,000-unit per-table quota. A second's consumption becomes the
//!   "previous peak" once it is 30 minutes old: exceeding double the peak within 30 minutes
//!   throttles, sustained traffic doubles the ceiling every 30 minutes.
//! - **GSI back-pressure**: a write that would change a GSI whose capacity is exhausted is
//!   refused as a whole, naming the index.
//!
//! With the simulation's `throttling` off (the default) the buckets still account, so the
//! metrics and the cost estimate see the workload, but nothing is ever refused and no
//! bucket goes into debt. Consumption and throttles are counted per virtual second in each
//! partition and group; a second is written to the metrics series ([`crate::metrics`]) when
//! the next request touches it, so a request costs a few arithmetic operations.

use std::collections::{BTreeMap, VecDeque};

use serde_json::{Value, json};

use crate::contract::{CapacityMode, PartitionThroughput, ThroughputSide};
use crate::error::{DynamoError, ErrorKind};
use crate::index::IndexKind;
use crate::key::PrimaryKey;
use crate::metrics::{Gauges, Resource, TableMetrics};
use crate::table::{BillingMode, Table};
use crate::units::{Consumption, write_units};
use crate::value::{Item, item_size};

/// Most read units one partition serves in a second.
pub const PARTITION_READ_LIMIT: f64 = 3_000.0;
/// Most write units one partition serves in a second.
pub const PARTITION_WRITE_LIMIT: f64 = 1_000.0;
/// Burst credit keeps up to this many seconds of unused capacity.
pub const BURST_SECONDS: f64 = 300.0;
/// What a new on-demand table (or index) serves at once: its warm throughput.
pub const WARM_READ: f64 = 12_000.0;
pub const WARM_WRITE: f64 = 4_000.0;
/// The default per-table quota of read (or write) units per second.
pub const TABLE_QUOTA: f64 = 40_000.0;
/// An on-demand second counts as the previous peak once this old.
pub const PEAK_WINDOW_MILLIS: u64 = 30 * 60 * 1000;

const TABLE_MESSAGE: &str = "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.";
const INDEX_MESSAGE: &str = "The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API.";
const ON_DEMAND_TABLE_MESSAGE: &str = "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html.";
const ON_DEMAND_INDEX_MESSAGE: &str = "Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index so please try again shortly.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    Read,
    Write,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Read => "Read",
            Direction::Write => "Write",
        }
    }

    fn partition_limit(self) -> f64 {
        self.pick(PARTITION_READ_LIMIT, PARTITION_WRITE_LIMIT)
    }

    fn pick<T>(self, read: T, write: T) -> T {
        match self {
            Direction::Read => read,
            Direction::Write => write,
        }
    }
}

/// Which limit refused a request, as `ThrottlingReasons` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The partition's tokens and burst credit (and any adaptive boost) are spent.
    Provisioned,
    /// A partition's own per-second limit, or an on-demand table's current capacity.
    KeyRange,
    /// The per-table quota of an on-demand table.
    AccountLimit,
}

impl Limit {
    fn name(self) -> &'static str {
        match self {
            Limit::Provisioned => "ProvisionedThroughputExceeded",
            Limit::KeyRange => "KeyRangeThroughputExceeded",
            Limit::AccountLimit => "AccountLimitExceeded",
        }
    }
}

/// Why one part of a request was refused, and on what.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub direction: Direction,
    pub limit: Limit,
    /// The global index refused, or None for the table.
    pub index: Option<String>,
    pub on_demand: bool,
    /// The table's or index's ARN.
    pub resource: String,
}

impl Refusal {
    /// `TableWriteProvisionedThroughputExceeded` and its fifteen siblings.
    pub fn reason(&self) -> String {
        let resource = if self.index.is_some() {
            "Index"
        } else {
            "Table"
        };
        format!("{resource}{}{}", self.direction.name(), self.limit.name())
    }

    pub fn message(&self) -> &'static str {
        match (self.index.is_some(), self.on_demand) {
            (false, false) => TABLE_MESSAGE,
            (true, false) => INDEX_MESSAGE,
            (false, true) => ON_DEMAND_TABLE_MESSAGE,
            (true, true) => ON_DEMAND_INDEX_MESSAGE,
        }
    }

    /// The `CancellationReasons` entry of a throttled transaction action.
    pub fn cancellation_reason(&self) -> Value {
        let code = if self.on_demand {
            "ThrottlingError"
        } else {
            "ProvisionedThroughputExceeded"
        };
        json!({"Code": code, "Message": self.message()})
    }
}

/// The error a throttled request answers with: the first refusal's message, every refusal
/// in `ThrottlingReasons`.
pub fn throttled_error(refusals: &[Refusal]) -> DynamoError {
    let message = refusals.first().map_or(TABLE_MESSAGE, Refusal::message);
    let mut error = DynamoError::new(ErrorKind::ProvisionedThroughputExceededException, message);
    let reasons: Vec<Value> = refusals
        .iter()
        .map(|r| json!({"reason": r.reason(), "resource": r.resource}))
        .collect();
    let mut extra = serde_json::Map::new();
    extra.insert("ThrottlingReasons".into(), Value::Array(reasons));
    error.extra = Some(extra);
    error
}

/// One second of the virtual clock: what was consumed and refused in it, in both
/// directions, and the second before.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Window {
    pub second: u64,
    pub read: f64,
    pub write: f64,
    pub throttled_reads: u64,
    pub throttled_writes: u64,
    /// Units consumed in the second before `second` (0 if it was idle).
    pub previous_read: f64,
    pub previous_write: f64,
    /// Requests refused in the second before `second`.
    pub previous_throttled_reads: u64,
    pub previous_throttled_writes: u64,
}

impl Window {
    fn starting(now: u64) -> Self {
        Window {
            second: now / 1000,
            ..Default::default()
        }
    }

    /// Moves to the second holding `now`; returns the second that ended, if anything
    /// happened in it.
    fn roll(&mut self, now: u64) -> Option<Window> {
        let second = now / 1000;
        if second <= self.second {
            return None;
        }
        let ended = *self;
        let next = second == self.second + 1;
        *self = Window {
            second,
            previous_read: if next { ended.read } else { 0.0 },
            previous_write: if next { ended.write } else { 0.0 },
            previous_throttled_reads: if next { ended.throttled_reads } else { 0 },
            previous_throttled_writes: if next { ended.throttled_writes } else { 0 },
            ..Default::default()
        };
        ended.is_busy().then_some(ended)
    }

    /// Whether anything was consumed or refused in the window's second.
    pub fn is_busy(&self) -> bool {
        self.read > 0.0 || self.write > 0.0 || self.throttled_reads > 0 || self.throttled_writes > 0
    }

    pub fn used(&self, direction: Direction) -> f64 {
        direction.pick(self.read, self.write)
    }

    fn add(&mut self, direction: Direction, units: f64) {
        match direction {
            Direction::Read => self.read += units,
            Direction::Write => self.write += units,
        }
    }

    fn count_throttle(&mut self, direction: Direction) {
        match direction {
            Direction::Read => self.throttled_reads += 1,
            Direction::Write => self.throttled_writes += 1,
        }
    }
}

/// One direction of one partition's provisioned capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    /// Allocated units per second.
    pub rate: f64,
    /// Tokens left in the current second's allocation (at most `rate`; below 0 a debt).
    pub tokens: f64,
    /// Unused capacity kept for bursts (at most 300 seconds of `rate`).
    pub burst: f64,
    refilled_at: u64,
    /// Adaptive capacity: from this time on the partition may borrow the table's unused
    /// capacity.
    pub boosted_from: Option<u64>,
}

impl Bucket {
    /// A bucket full for its first second, with no burst credit yet.
    fn full(rate: f64, at: u64) -> Self {
        Bucket {
            rate,
            tokens: rate,
            burst: 0.0,
            refilled_at: at,
            boosted_from: None,
        }
    }

    /// Adds what the allocation earned since the last refill: debt first, then the
    /// second's tokens, the overflow to burst credit.
    fn refill(&mut self, now: u64) {
        if now <= self.refilled_at {
            return;
        }
        let earned = self.rate * (now - self.refilled_at) as f64 / 1000.0;
        self.refilled_at = now;
        let into_tokens = earned.min((self.rate - self.tokens).max(0.0));
        self.tokens += into_tokens;
        self.burst = (self.burst + earned - into_tokens).min(self.rate * BURST_SECONDS);
    }

    /// Tokens and burst credit left.
    pub fn available(&self) -> f64 {
        self.tokens.max(0.0) + self.burst
    }

    fn boosted(&self, now: u64) -> bool {
        self.boosted_from.is_some_and(|from| from <= now)
    }

    /// Takes `units`: tokens first, then burst credit; what remains is borrowed (nothing
    /// charged here) or a debt, never below `floor`.
    fn take(&mut self, units: f64, borrow: bool, floor: f64) {
        let from_tokens = units.min(self.tokens.max(0.0));
        self.tokens -= from_tokens;
        let from_burst = (units - from_tokens).min(self.burst);
        self.burst -= from_burst;
        let rest = units - from_tokens - from_burst;
        if rest > 0.0 && !borrow {
            self.tokens = (self.tokens - rest).max(floor);
        }
    }

    /// A new allocation: the levels stay, clamped to what the new rate can hold.
    fn set_rate(&mut self, rate: f64, now: u64) {
        self.refill(now);
        self.rate = rate;
        self.tokens = self.tokens.min(rate);
        self.burst = self.burst.min(rate * BURST_SECONDS);
    }

    /// One of `parts` equal shares (a split child's).
    fn share(&self, parts: f64) -> Bucket {
        Bucket {
            rate: self.rate / parts,
            tokens: self.tokens / parts,
            burst: self.burst / parts,
            refilled_at: self.refilled_at,
            boosted_from: None,
        }
    }
}

/// A partition's buckets and its current second.
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionCapacity {
    pub read: Bucket,
    pub write: Bucket,
    pub window: Window,
}

impl PartitionCapacity {
    fn new(read_rate: f64, write_rate: f64, at: u64) -> Self {
        PartitionCapacity {
            read: Bucket::full(read_rate, at),
            write: Bucket::full(write_rate, at),
            window: Window::starting(at),
        }
    }

    pub fn bucket(&self, direction: Direction) -> &Bucket {
        direction.pick(&self.read, &self.write)
    }

    fn bucket_mut(&mut self, direction: Direction) -> &mut Bucket {
        match direction {
            Direction::Read => &mut self.read,
            Direction::Write => &mut self.write,
        }
    }
}

/// How a group pays: provisioned units per second, or on demand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    Provisioned { read: f64, write: f64 },
    OnDemand,
}

impl Mode {
    fn of_table(billing: BillingMode) -> Mode {
        match billing {
            BillingMode::Provisioned {
                read_capacity_units,
                write_capacity_units,
            } => Mode::Provisioned {
                read: read_capacity_units as f64,
                write: write_capacity_units as f64,
            },
            BillingMode::PayPerRequest => Mode::OnDemand,
        }
    }

    fn of_index(throughput: Option<(u64, u64)>) -> Mode {
        match throughput {
            Some((read, write)) => Mode::Provisioned {
                read: read as f64,
                write: write as f64,
            },
            None => Mode::OnDemand,
        }
    }

    fn rate(self, direction: Direction) -> f64 {
        match self {
            Mode::Provisioned { read, write } => direction.pick(read, write),
            Mode::OnDemand => 0.0,
        }
    }
}

/// An on-demand group's scaling state in one direction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scaling {
    /// The previous peak: the busiest second at least 30 minutes old.
    pub peak: f64,
    /// The least it serves in a second: warm throughput, or the highest provisioned value.
    pub floor: f64,
    /// Seconds busier than the peak (each busier than the one before), with when they end.
    rising: VecDeque<(u64, f64)>,
}

impl Scaling {
    fn new(floor: f64) -> Self {
        Scaling {
            peak: 0.0,
            floor,
            rising: VecDeque::new(),
        }
    }

    /// What the group can serve in one second now.
    pub fn capacity(&self) -> f64 {
        self.floor.max(2.0 * self.peak).min(TABLE_QUOTA)
    }

    /// Notes a finished second, and lets seconds 30 minutes old become the peak.
    fn observe(&mut self, ended_at: u64, used: f64, now: u64) {
        if used > self.peak && self.rising.back().is_none_or(|&(_, v)| used > v) {
            self.rising.push_back((ended_at, used));
        }
        while let Some(&(at, used)) = self.rising.front() {
            if at + PEAK_WINDOW_MILLIS > now {
                break;
            }
            self.peak = self.peak.max(used);
            self.rising.pop_front();
        }
    }
}

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
    fingerprint: Option<u64>,
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
    fn has_layout<P: crate::partition::Position>(
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
    fn follow_split(&mut self, split: &crate::partition::Split) {
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
    fn reshape(
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
    fn advance(&mut self, partition: u32, now: u64) -> (Option<Window>, Option<Window>) {
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
    fn take(&mut self, partition: u32, direction: Direction, units: f64, enforce: bool, now: u64) {
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
    fn note_refusal(&mut self, partition: u32, direction: Direction, limit: Limit, now: u64) {
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

/// What a request consumes of one group on one partition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Demand {
    pub target: Target,
    pub partition: u32,
    pub direction: Direction,
    pub units: f64,
}

/// The table itself, or a global index by its position in the table's indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Table,
    Index(usize),
}

/// A table's capacity: its own group and one per global index.
#[derive(Debug, Clone, PartialEq)]
pub struct TableCapacity {
    table_id: String,
    pub table: Group,
    /// One entry per index of the table, in its order: a group for a global index, none
    /// for a local one (local indexes consume the table's capacity).
    pub indexes: Vec<Option<Group>>,
    index_shapes: Vec<(String, Option<(u64, u64)>)>,
}

fn layout_of<P: crate::partition::Position>(
    partitions: &[crate::partition::Partition<P>],
) -> Vec<(u32, Option<u32>)> {
    partitions.iter().map(|p| (p.id, p.parent)).collect()
}

impl TableCapacity {
    /// The capacity of `table` as it is, its buckets full as of its creation.
    pub fn new(table: &Table) -> Self {
        let definition = &table.definition;
        let ids: Vec<u32> = table.partitions().iter().map(|p| p.id).collect();
        let mut group = Group::new(
            None,
            definition.arn.clone(),
            Mode::of_table(definition.billing),
            &ids,
            definition.created_at_millis,
        );
        group.fingerprint = Some(table.items().layout_fingerprint());
        let mut capacity = TableCapacity {
            table_id: definition.table_id.clone(),
            table: group,
            indexes: Vec::new(),
            index_shapes: Vec::new(),
        };
        capacity.reshape_indexes(table, definition.created_at_millis);
        capacity
    }

    /// Whether this is the capacity of this very table (not an earlier one of that name).
    pub fn is_of(&self, table: &Table) -> bool {
        self.table_id == table.definition.table_id
    }

    /// Whether nothing about the table's throughput or partitions changed.
    pub fn matches(&self, table: &Table) -> bool {
        let definition = &table.definition;
        self.table.mode == Mode::of_table(definition.billing)
            && self.table.has_layout(table.items())
            && self.index_shapes.len() == definition.indexes.len()
            && self
                .index_shapes
                .iter()
                .zip(&definition.indexes)
                .all(|((name, t), d)| *name == d.name && *t == d.throughput)
            && self
                .indexes
                .iter()
                .zip(table.indexes())
                .all(|(group, index)| group.as_ref().is_none_or(|g| g.has_layout(&index.entries)))
    }

    /// Follows the table: its mode, its splits, its indexes. Returns the partitions of the
    /// table that went away, with their last windows.
    pub fn reshape(&mut self, table: &Table, now: u64) -> Vec<(u32, Window)> {
        let gone = self.table.reshape(
            Mode::of_table(table.definition.billing),
            &layout_of(table.partitions()),
            now,
        );
        self.table.fingerprint = Some(table.items().layout_fingerprint());
        self.reshape_indexes(table, now);
        gone
    }

    /// Divides a split parent's allocation equally among its children.
    pub fn on_split(&mut self, parent: u32, children: &[u32]) {
        self.table.on_split(parent, children);
    }

    fn reshape_indexes(&mut self, table: &Table, now: u64) {
        let mut old: Vec<Group> = self.indexes.drain(..).flatten().collect();
        for index in table.indexes() {
            let definition = &index.definition;
            let group = (definition.kind == IndexKind::Global).then(|| {
                let mode = Mode::of_index(definition.throughput);
                let layout = layout_of(index.entries.partitions());
                let mut group = match old
                    .iter()
                    .position(|g| g.index.as_deref() == Some(definition.name.as_str()))
                {
                    Some(at) => {
                        let mut group = old.swap_remove(at);
                        group.reshape(mode, &layout, now);
                        group
                    }
                    None => {
                        let ids: Vec<u32> = layout.iter().map(|&(id, _)| id).collect();
                        let since = definition
                            .active_from_millis
                            .max(table.definition.created_at_millis)
                            .min(now);
                        Group::new(
                            Some(definition.name.clone()),
                            definition.arn.clone(),
                            mode,
                            &ids,
                            since,
                        )
                    }
                };
                group.fingerprint = Some(index.entries.layout_fingerprint());
                group
            });
            self.indexes.push(group);
        }
        self.index_shapes = table
            .definition
            .indexes
            .iter()
            .map(|d| (d.name.clone(), d.throughput))
            .collect();
    }

    pub fn group(&self, target: Target) -> Option<&Group> {
        match target {
            Target::Table => Some(&self.table),
            Target::Index(at) => self.indexes.get(at)?.as_ref(),
        }
    }

    fn group_mut(&mut self, target: Target) -> Option<&mut Group> {
        match target {
            Target::Table => Some(&mut self.table),
            Target::Index(at) => self.indexes.get_mut(at)?.as_mut(),
        }
    }

    /// Provisioned capacity held by the table and its global indexes, each direction.
    pub fn provisioned_total(&self) -> (f64, f64) {
        self.groups()
            .map(Group::provisioned)
            .fold((0.0, 0.0), |(r, w), (gr, gw)| (r + gr, w + gw))
    }

    /// The table's group, then each global index's.
    pub fn groups(&self) -> impl Iterator<Item = &Group> {
        std::iter::once(&self.table).chain(self.indexes.iter().flatten())
    }
}

/// Everything the engine keeps per table: capacity and metrics.
#[derive(Debug)]
pub struct TableState {
    pub capacity: TableCapacity,
    pub metrics: TableMetrics,
}

/// The capacity and metrics of every table: the engine's throughput simulation.
#[derive(Debug, Default)]
pub struct Capacity {
    tables: BTreeMap<String, TableState>,
    /// Read and write units taken since the engine started, every table together: the
    /// activity log reads what one request consumed as the difference.
    consumed: (f64, f64),
}

/// The gauges of a table, a global index or a partition, as of now.
fn gauges(table: &Table, group: &Group, resource: &Resource, at: u64) -> Gauges {
    let (provisioned_read, provisioned_write) = group.provisioned();
    let mut gauges = Gauges {
        provisioned_read,
        provisioned_write,
        ..Default::default()
    };
    match resource {
        Resource::Table => {
            gauges.burst_read = group.burst(Direction::Read);
            gauges.burst_write = group.burst(Direction::Write);
            gauges.item_count = table.item_count();
            gauges.size_bytes = table.size_bytes();
            gauges.lagging_writes = table
                .partitions()
                .iter()
                .map(|p| p.replicas.lagging_writes(at) as u64)
                .sum();
            gauges.index_backlog = table
                .indexes()
                .iter()
                .map(|i| i.pending_changes() as u64)
                .sum();
        }
        Resource::Index(name) => {
            gauges.burst_read = group.burst(Direction::Read);
            gauges.burst_write = group.burst(Direction::Write);
            if let Some(index) = table.index(name) {
                gauges.item_count = index.entries.item_count();
                gauges.size_bytes = index.entries.size_bytes();
                gauges.index_backlog = index.pending_changes() as u64;
            }
        }
        Resource::Partition(id) => {
            let n = group.partitions.len().max(1) as f64;
            gauges.provisioned_read = provisioned_read / n;
            gauges.provisioned_write = provisioned_write / n;
            if let Some(p) = group.partitions.get(id) {
                gauges.provisioned_read = p.read.rate;
                gauges.provisioned_write = p.write.rate;
                gauges.burst_read = p.read.burst;
                gauges.burst_write = p.write.burst;
            }
            if let Some(p) = table.partitions().iter().find(|p| p.id == *id) {
                gauges.item_count = p.item_count() as u64;
                gauges.size_bytes = p.size_bytes();
                gauges.lagging_writes = p.replicas.lagging_writes(at) as u64;
            }
        }
    }
    gauges
}

/// Bytes DynamoDB bills as storage: items and index entries, each with 100 bytes of
/// overhead.
pub fn billable_bytes(table: &Table) -> u64 {
    const OVERHEAD: u64 = 100;
    let items = table.size_bytes() + OVERHEAD * table.item_count();
    let entries: u64 = table
        .indexes()
        .iter()
        .map(|i| i.entries.size_bytes() + OVERHEAD * i.entries.item_count())
        .sum();
    items + entries
}

impl TableState {
    fn new(table: &Table, now: u64) -> Self {
        let capacity = TableCapacity::new(table);
        let mut metrics = TableMetrics::new(table.definition.created_at_millis.min(now));
        metrics.totals.provisioned = capacity.provisioned_total();
        TableState { capacity, metrics }
    }

    /// Brings a group's second and one of its partitions up to `now`, writing the seconds
    /// that ended to the metrics with the gauges they ended with.
    fn advance(&mut self, table: &Table, target: Target, partition: u32, now: u64) {
        let Some(group) = self.capacity.group_mut(target) else {
            return;
        };
        let (group_ended, partition_ended) = group.advance(partition, now);
        if group_ended.is_none() && partition_ended.is_none() {
            return;
        }
        let group = self.capacity.group(target).expect("found above");
        let resource = match target {
            Target::Table => Resource::Table,
            Target::Index(_) => Resource::Index(group.index.clone().unwrap_or_default()),
        };
        if let Some(ended) = group_ended {
            let at = (ended.second + 1) * 1000;
            self.metrics
                .record(&resource, &ended, gauges(table, group, &resource, at));
            self.metrics.totals.add(&ended);
            if target == Target::Table {
                self.metrics
                    .totals
                    .integrate_storage(billable_bytes(table), at);
            }
        }
        if let (Some(ended), Target::Table) = (partition_ended, target) {
            let resource = Resource::Partition(partition);
            let at = (ended.second + 1) * 1000;
            self.metrics
                .record(&resource, &ended, gauges(table, group, &resource, at));
        }
    }

    /// Brings every bucket `demands` touch up to `now`.
    fn advance_all(&mut self, table: &Table, demands: &[Demand], now: u64) {
        for d in demands {
            self.advance(table, d.target, d.partition, now);
        }
    }

    /// [`Capacity::check`] on this table's state (which it advances to `now`).
    fn check(
        &mut self,
        table: &Table,
        now: u64,
        enforce: bool,
        demands: &[Demand],
    ) -> Vec<(usize, Refusal)> {
        self.advance_all(table, demands, now);
        if !enforce {
            return Vec::new();
        }
        let capacity = &self.capacity;
        let mut refused = Vec::new();
        for (i, d) in demands.iter().enumerate().filter(|(_, d)| d.units > 0.0) {
            let Some(group) = capacity.group(d.target) else {
                continue;
            };
            let same_group = |e: &&Demand| e.target == d.target && e.direction == d.direction;
            let group_units: f64 = demands.iter().filter(same_group).map(|e| e.units).sum();
            let bucket_units: f64 = demands
                .iter()
                .filter(same_group)
                .filter(|e| e.partition == d.partition)
                .map(|e| e.units)
                .sum();
            if let Some(limit) =
                group.refusal(d.partition, d.direction, bucket_units, group_units, now)
            {
                let refusal = Refusal {
                    direction: d.direction,
                    limit,
                    index: group.index.clone(),
                    on_demand: group.is_on_demand(),
                    resource: group.arn.clone(),
                };
                refused.push((i, refusal));
            }
        }
        refused
    }

    /// Takes `demands` from buckets already brought up to `now`.
    fn take_advanced(&mut self, now: u64, enforce: bool, demands: &[Demand]) {
        for d in demands.iter().filter(|d| d.units > 0.0) {
            if let Some(group) = self.capacity.group_mut(d.target) {
                group.take(d.partition, d.direction, d.units, enforce, now);
            }
        }
    }

    /// [`Capacity::refused`] on this table's state.
    fn refused(&mut self, now: u64, demands: &[Demand], refusals: &[(usize, Refusal)]) {
        if let Some((i, _)) = refusals.first() {
            self.capacity
                .table
                .window
                .count_throttle(demands[*i].direction);
        }
        for (i, refusal) in refusals {
            let d = demands[*i];
            if let Some(group) = self.capacity.group_mut(d.target) {
                group.note_refusal(d.partition, d.direction, refusal.limit, now);
                if d.target != Target::Table {
                    group.window.count_throttle(d.direction);
                }
            }
        }
    }

    /// Follows the table if it changed: the provisioned capacity held so far is added up
    /// first, and partitions that went away leave their last busy second in the metrics.
    fn follow(&mut self, table: &Table, now: u64) {
        if self.capacity.matches(table) {
            return;
        }
        self.metrics.totals.integrate_provisioned(now);
        for (id, window) in self
            .capacity
            .reshape(table, now)
            .into_iter()
            .filter(|(_, w)| w.is_busy())
        {
            let resource = Resource::Partition(id);
            let gauges = gauges(table, &self.capacity.table, &resource, now);
            self.metrics.record(&resource, &window, gauges);
        }
        self.metrics.totals.provisioned = self.capacity.provisioned_total();
    }
}

impl Capacity {
    /// The state of `table`, created or brought in line with the table as it now is.
    pub fn state(&mut self, table: &Table, now: u64) -> &mut TableState {
        let name = &table.definition.name;
        if !self
            .tables
            .get(name)
            .is_some_and(|s| s.capacity.is_of(table))
        {
            self.tables
                .insert(name.clone(), TableState::new(table, now));
        }
        let state = self.tables.get_mut(name).expect("inserted above");
        state.follow(table, now);
        state
    }

    /// Puts back metrics saved before a reload for `table`, with the busiest second each
    /// group (the table's, or a global index's by name) had seen.
    pub fn restore_metrics(
        &mut self,
        table: &Table,
        now: u64,
        metrics: TableMetrics,
        busiest: &[(Option<String>, (f64, f64))],
    ) {
        let state = self.state(table, now);
        state.metrics = metrics;
        state.metrics.totals.provisioned = state.capacity.provisioned_total();
        let groups = std::iter::once(&mut state.capacity.table)
            .chain(state.capacity.indexes.iter_mut().flatten());
        for group in groups {
            if let Some((_, seen)) = busiest.iter().find(|(index, _)| *index == group.index) {
                group.busiest = *seen;
            }
        }
    }

    /// Forgets tables that no longer exist.
    pub fn retain(&mut self, exists: impl Fn(&str) -> bool) {
        self.tables.retain(|name, _| exists(name));
    }

    /// Checks `demands` against `table`'s capacity without taking anything: with `enforce`
    /// off never refuses. Demands on the same bucket are checked together. Returns the
    /// refused demands by position.
    pub fn check(
        &mut self,
        table: &Table,
        now: u64,
        enforce: bool,
        demands: &[Demand],
    ) -> Vec<(usize, Refusal)> {
        self.state(table, now).check(table, now, enforce, demands)
    }

    /// Takes `demands` (checked first when `enforce` is on).
    pub fn take(&mut self, table: &Table, now: u64, enforce: bool, demands: &[Demand]) {
        let state = self.state(table, now);
        for d in demands.iter().filter(|d| d.units > 0.0) {
            state.advance(table, d.target, d.partition, now);
        }
        state.take_advanced(now, enforce, demands);
        self.count_consumed(demands);
    }

    /// Read and write units taken since the engine started.
    pub fn consumed(&self) -> (f64, f64) {
        self.consumed
    }

    fn count_consumed(&mut self, demands: &[Demand]) {
        for d in demands {
            match d.direction {
                Direction::Read => self.consumed.0 += d.units,
                Direction::Write => self.consumed.1 += d.units,
            }
        }
    }

    /// Counts a refused request: once on the table, and on each refused partition or
    /// index; boosts partitions adaptive capacity should help.
    pub fn refused(
        &mut self,
        table: &Table,
        now: u64,
        demands: &[Demand],
        refusals: &[(usize, Refusal)],
    ) {
        self.state(table, now).refused(now, demands, refusals);
    }

    /// Admits one request's demands on one table, all or none; with `enforce` off only
    /// accounts them.
    pub fn admit(
        &mut self,
        table: &Table,
        now: u64,
        enforce: bool,
        demands: &[Demand],
    ) -> Result<(), DynamoError> {
        let state = self.state(table, now);
        let refusals = state.check(table, now, enforce, demands);
        if refusals.is_empty() {
            state.take_advanced(now, enforce, demands);
            self.count_consumed(demands);
            return Ok(());
        }
        state.refused(now, demands, &refusals);
        let refusals: Vec<Refusal> = refusals.into_iter().map(|(_, r)| r).collect();
        Err(throttled_error(&refusals))
    }

    /// Follows a split of `table`'s partitions (`Target::Table`) or of a global index's at
    /// once, so the next request needs no reshape: with splits for heat an index can split
    /// hundreds of times, and a reshape looks at every partition.
    pub fn follow_split(&mut self, table: &Table, target: Target, split: &crate::partition::Split) {
        let Some(state) = self
            .tables
            .get_mut(&table.definition.name)
            .filter(|s| s.capacity.is_of(table))
        else {
            return;
        };
        if let Some(group) = state.capacity.group_mut(target) {
            group.follow_split(split);
        }
    }

    /// The state of a table, if it has one.
    pub fn get(&self, name: &str) -> Option<&TableState> {
        self.tables.get(name)
    }

    /// Brings every second of `table` up to `now` (for metrics and estimates to read).
    pub fn flush(&mut self, table: &Table, now: u64) {
        let state = self.state(table, now);
        let partitions: Vec<u32> = state.capacity.table.partitions.keys().collect();
        for id in partitions {
            state.advance(table, Target::Table, id, now);
        }
        for (at, group) in state.capacity.indexes.clone().iter().enumerate() {
            let Some(group) = group else { continue };
            for id in group.partitions.keys() {
                state.advance(table, Target::Index(at), id, now);
            }
        }
        state.metrics.totals.integrate_provisioned(now);
        state
            .metrics
            .totals
            .integrate_storage(billable_bytes(table), now);
    }

    /// The second in progress of a resource of `table`, as a sample (None when idle).
    pub fn live_sample(
        &mut self,
        table: &Table,
        resource: &Resource,
        now: u64,
    ) -> Option<crate::metrics::Sample> {
        let gauges = self.gauges_now(table, resource, now)?;
        let capacity = &self.tables.get(&table.definition.name)?.capacity;
        let window = match resource {
            Resource::Table => capacity.table.window,
            Resource::Index(name) => {
                capacity
                    .indexes
                    .iter()
                    .flatten()
                    .find(|g| g.index.as_deref() == Some(name))?
                    .window
            }
            Resource::Partition(id) => capacity.table.partitions.get(id)?.window,
        };
        (window.is_busy() && window.second == now / 1000)
            .then(|| crate::metrics::Sample::of(&window, gauges))
    }

    /// What `table` has done so far, for the cost estimate: units consumed (the second in
    /// progress included), capacity held, the busiest seconds and the storage held.
    pub fn usage(&mut self, table: &Table, now: u64) -> crate::metrics::Usage {
        self.flush(table, now);
        let state = self.state(table, now);
        let totals = &state.metrics.totals;
        let live = |g: &Group| {
            if g.window.second == now / 1000 {
                (g.window.read, g.window.write)
            } else {
                (0.0, 0.0)
            }
        };
        let (live_read, live_write) = state
            .capacity
            .groups()
            .map(live)
            .fold((0.0, 0.0), |(r, w), (gr, gw)| (r + gr, w + gw));
        let (peak_read, peak_write) = state.capacity.groups().fold((0.0, 0.0), |(r, w), g| {
            let (lr, lw) = live(g);
            (r + g.busiest.0.max(lr), w + g.busiest.1.max(lw))
        });
        crate::metrics::Usage {
            table_name: table.definition.name.clone(),
            billing_mode: match table.definition.billing {
                BillingMode::Provisioned { .. } => "PROVISIONED",
                BillingMode::PayPerRequest => "PAY_PER_REQUEST",
            },
            elapsed_millis: now.saturating_sub(totals.since_millis),
            read_units: totals.read_units + live_read,
            write_units: totals.write_units + live_write,
            read_capacity_hours: totals.provisioned_unit_millis.0 / 3_600_000.0,
            write_capacity_hours: totals.provisioned_unit_millis.1 / 3_600_000.0,
            peak_read,
            peak_write,
            storage_byte_millis: totals.storage_byte_millis,
        }
    }

    /// The current gauges of a resource of `table` (for the second in progress).
    pub fn gauges_now(&mut self, table: &Table, resource: &Resource, now: u64) -> Option<Gauges> {
        let state = self.state(table, now);
        let group = match resource {
            Resource::Table | Resource::Partition(_) => &state.capacity.table,
            Resource::Index(name) => state
                .capacity
                .indexes
                .iter()
                .flatten()
                .find(|g| g.index.as_deref() == Some(name))?,
        };
        Some(gauges(table, group, resource, now))
    }

    /// A partition's throughput for Dynoscope_DescribePartitions: allocation, token and
    /// burst levels, and what it consumed this second and the last.
    pub fn describe_partition(
        &mut self,
        table: &Table,
        index: Option<&str>,
        partition: u32,
        now: u64,
    ) -> Option<PartitionThroughput> {
        let target = match index {
            None => Target::Table,
            Some(name) => Target::Index(
                table
                    .indexes()
                    .iter()
                    .position(|i| i.definition.name == name)?,
            ),
        };
        let state = self.state(table, now);
        state.advance(table, target, partition, now);
        let group = state.capacity.group(target)?;
        let p = group.partitions.get(&partition)?;
        let on_demand = group.is_on_demand();
        let side = |d: Direction| {
            let bucket = p.bucket(d);
            let provisioned = |value: f64| (!on_demand).then_some(value);
            ThroughputSide {
                consumed_this_second: p.window.used(d),
                consumed_last_second: d.pick(p.window.previous_read, p.window.previous_write),
                throttled_this_second: d.pick(p.window.throttled_reads, p.window.throttled_writes),
                throttled_last_second: d.pick(
                    p.window.previous_throttled_reads,
                    p.window.previous_throttled_writes,
                ),
                partition_limit_per_second: group.partition_limit(d),
                on_demand_table_capacity_per_second: on_demand.then(|| group.scaling(d).capacity()),
                allocated_capacity_units: provisioned(bucket.rate),
                tokens: provisioned(bucket.tokens),
                burst_credit: provisioned(bucket.burst),
                burst_credit_max: provisioned(bucket.rate * BURST_SECONDS),
                adaptive_boost: (!on_demand).then(|| bucket.boosted(now)),
            }
        };
        Some(PartitionThroughput {
            mode: if on_demand {
                CapacityMode::OnDemand
            } else {
                CapacityMode::Provisioned
            },
            read: side(Direction::Read),
            write: side(Direction::Write),
        })
    }
}

/// The partition of `table` holding `key`.
pub fn partition_of(table: &Table, key: &PrimaryKey) -> u32 {
    table
        .items()
        .partition_for(&crate::partition::ItemPosition::of(key.clone()))
        .id
}

/// Which keyspace a Query or Scan page heats, and with how many read units.
pub enum ReadHeat {
    /// The table's partitions (local index reads included: they live with the items).
    Table(f64),
    /// The global index at this position among the table's indexes.
    GlobalIndex(usize, f64),
}

/// What a request consumed (or will), as demands: the table's units (local indexes
/// included) on `partition`, each global index's on the partition `index_partition` names.
pub fn demands_of(
    table: &Table,
    direction: Direction,
    partition: u32,
    consumption: &Consumption,
    index_partition: impl Fn(usize) -> u32,
) -> Vec<Demand> {
    let mut table_units = consumption.table;
    let mut demands = Vec::with_capacity(1 + consumption.indexes.len());
    for (name, kind, units) in &consumption.indexes {
        match kind {
            IndexKind::Local => table_units += units,
            IndexKind::Global => {
                if let Some(at) = table
                    .indexes()
                    .iter()
                    .position(|i| i.definition.name == *name)
                {
                    demands.push(Demand {
                        target: Target::Index(at),
                        partition: index_partition(at),
                        direction,
                        units: *units,
                    });
                }
            }
        }
    }
    demands.insert(
        0,
        Demand {
            target: Target::Table,
            partition,
            direction,
            units: table_units,
        },
    );
    demands
}

/// What a write will consume before it is applied, by the same arithmetic the write's
/// ConsumedCapacity uses (`factor` 2 for a transaction): the larger of the item before and
/// after, and each index entry it changes.
pub fn plan_write(table: &Table, key: &PrimaryKey, new: Option<&Item>, factor: f64) -> Vec<Demand> {
    let (partition, old) = table.locate(key);
    let size = new.map_or(0, item_size).max(old.map_or(0, item_size));
    let schema = table.key_schema();
    let mut table_units = factor * write_units(size);
    let mut demands = Vec::with_capacity(1 + table.indexes().len());
    demands.push(Demand {
        target: Target::Table,
        partition,
        direction: Direction::Write,
        units: 0.0,
    });
    for (at, index) in table.indexes().iter().enumerate() {
        let definition = &index.definition;
        let plan = definition.write_plan(schema, old, new);
        match definition.kind {
            IndexKind::Local => table_units += factor * plan.units(),
            IndexKind::Global => {
                for (hash, units) in plan.touched() {
                    let partition = index.entries.partition_of(hash).id;
                    demands.push(Demand {
                        target: Target::Index(at),
                        partition,
                        direction: Direction::Write,
                        units: factor * units,
                    });
                }
            }
        }
    }
    demands[0].units = table_units;
    demands
}

/// What a write whose condition failed consumes: the item's size (the larger of before and
/// after) rounded up to 1 KB, or one unit for a missing item; no index is touched.
pub fn failed_write(table: &Table, key: &PrimaryKey, new_size: Option<usize>) -> Demand {
    let units = match table.get(key) {
        Some(old) => write_units(item_size(old).max(new_size.unwrap_or(0))),
        None => 1.0,
    };
    Demand {
        target: Target::Table,
        partition: partition_of(table, key),
        direction: Direction::Write,
        units,
    }
}

/// What a transaction's ConditionCheck consumes: two write units per KB of the item.
pub fn condition_check(table: &Table, key: &PrimaryKey) -> Demand {
    let units = 2.0 * write_units(table.get(key).map_or(0, item_size));
    Demand {
        target: Target::Table,
        partition: partition_of(table, key),
        direction: Direction::Write,
        units,
    }
}

/// What one TransactGetItems read consumes: two strongly consistent reads of the item.
pub fn transaction_read(table: &Table, key: &PrimaryKey) -> Demand {
    let units = 2.0 * crate::units::read_units(table.get(key).map_or(0, item_size), true);
    Demand {
        target: Target::Table,
        partition: partition_of(table, key),
        direction: Direction::Read,
        units,
    }
}

/// Admission for a transaction, all or nothing: `actions` lists each action's table and
/// demands, in order. Either everything is taken, or nothing is and the answer is one
/// cancellation reason per action (a throttled one, or `None`).
pub fn admit_transaction(
    engine: &mut crate::Engine,
    actions: &[(&str, Vec<Demand>)],
) -> Result<(), Vec<Value>> {
    let now = engine.now_millis();
    let mut tables: Vec<&str> = actions.iter().map(|(name, _)| *name).collect();
    crate::sorting::sort(&mut tables);
    tables.dedup();
    let mut reasons: Vec<Value> = vec![json!({"Code": "None"}); actions.len()];
    let mut refused_any = false;
    let mut batches = Vec::new();
    for name in tables {
        let enforce = engine.simulation_for(name).throttling;
        let Some(table) = engine.tables.get(name) else {
            continue;
        };
        let mut owners = Vec::new();
        let mut demands = Vec::new();
        for (at, (_, action)) in actions.iter().enumerate().filter(|(_, (n, _))| *n == name) {
            owners.extend(std::iter::repeat_n(at, action.len()));
            demands.extend(action.iter().copied());
        }
        let refusals = engine.capacity.check(table, now, enforce, &demands);
        for (i, refusal) in &refusals {
            reasons[owners[*i]] = refusal.cancellation_reason();
        }
        refused_any |= !refusals.is_empty();
        batches.push((name, enforce, demands, refusals));
    }
    for (name, enforce, demands, refusals) in batches {
        let Some(table) = engine.tables.get(name) else {
            continue;
        };
        if !refused_any {
            engine.capacity.take(table, now, enforce, &demands);
        } else if !refusals.is_empty() {
            engine.capacity.refused(table, now, &demands, &refusals);
        }
    }
    if refused_any { Err(reasons) } else { Ok(()) }
}

/// How a write was admitted: already accounted (throttling on, or a failed condition), or
/// to be accounted from what it consumed once applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Ticket {
    Admitted,
    Pending,
}

/// Admission for one item write, before it has any effect. With throttling on, works out
/// what the write will consume and admits it or refuses it; with throttling off, does
/// nothing now ([`settle_write`] accounts it once applied).
pub fn admit_write(
    engine: &mut crate::Engine,
    table_name: &str,
    key: &PrimaryKey,
    new: Option<&Item>,
) -> Result<Ticket, DynamoError> {
    if !engine.simulation_for(table_name).throttling {
        return Ok(Ticket::Pending);
    }
    let now = engine.now_millis();
    let Some(table) = engine.tables.get(table_name) else {
        return Ok(Ticket::Pending);
    };
    let demands = plan_write(table, key, new, 1.0);
    engine.capacity.admit(table, now, true, &demands)?;
    Ok(Ticket::Admitted)
}

/// A write whose condition failed still consumes write capacity: accounts it, and answers
/// a throttle (which wins over the condition failure) when it does not fit.
pub fn charge_failed_write(
    engine: &mut crate::Engine,
    table_name: &str,
    key: &PrimaryKey,
    new_size: Option<usize>,
) -> Result<(), DynamoError> {
    let enforce = engine.simulation_for(table_name).throttling;
    let now = engine.now_millis();
    let Some(table) = engine.tables.get(table_name) else {
        return Ok(());
    };
    let demand = failed_write(table, key, new_size);
    engine.capacity.admit(table, now, enforce, &[demand])
}

/// After a write: accounts what it consumed if it was not admitted up front.
pub fn settle_write(
    engine: &mut crate::Engine,
    table_name: &str,
    ticket: Ticket,
    key: &PrimaryKey,
    consumption: &Consumption,
    index_writes: &[(usize, u64, f64)],
) {
    if ticket == Ticket::Admitted {
        return;
    }
    let now = engine.now_millis();
    let Some(table) = engine.tables.get(table_name) else {
        return;
    };
    // The table's units, local indexes included; each global index's on the partitions the
    // write touched there.
    let local: f64 = consumption
        .indexes
        .iter()
        .filter(|(_, kind, _)| *kind == IndexKind::Local)
        .map(|(_, _, u)| u)
        .sum();
    let mut demands = Vec::with_capacity(1 + index_writes.len());
    demands.push(Demand {
        target: Target::Table,
        partition: partition_of(table, key),
        direction: Direction::Write,
        units: consumption.table + local,
    });
    for &(at, hash, units) in index_writes {
        let partition = table.indexes()[at].entries.partition_of(hash).id;
        demands.push(Demand {
            target: Target::Index(at),
            partition,
            direction: Direction::Write,
            units,
        });
    }
    engine.capacity.take(table, now, false, &demands);
}

/// Admission for a read after it has read (it costs what it read), before it answers:
/// `partition` is the partition read, of the table or of the global index the consumption
/// names.
pub fn admit_read(
    capacity: &mut Capacity,
    table: &Table,
    now: u64,
    enforce: bool,
    partition: u32,
    consumption: &Consumption,
) -> Result<(), DynamoError> {
    if consumption.indexes.is_empty() {
        let demand = Demand {
            target: Target::Table,
            partition,
            direction: Direction::Read,
            units: consumption.table,
        };
        return capacity.admit(table, now, enforce, &[demand]);
    }
    let global = consumption
        .indexes
        .iter()
        .any(|(_, kind, _)| *kind == IndexKind::Global);
    let table_partition = if global {
        table.partitions().first().map_or(0, |p| p.id)
    } else {
        partition
    };
    let demands = demands_of(table, Direction::Read, table_partition, consumption, |_| {
        partition
    });
    capacity.admit(table, now, enforce, &demands)
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
    fn a_bucket_holds_one_second_and_keeps_the_overflow_as_burst() {
        let mut bucket = Bucket::full(10.0, 0);
        bucket.refill(60_000);
        assert_eq!((bucket.tokens, bucket.burst), (10.0, 600.0));
        bucket.refill(10_000_000);
        assert_eq!(bucket.burst, 3_000.0, "300 seconds at most");
    }

    #[test]
    fn a_debt_is_repaid_before_tokens_return() {
        let mut bucket = Bucket::full(10.0, 0);
        bucket.take(25.0, false, f64::NEG_INFINITY);
        assert_eq!(bucket.tokens, -15.0);
        bucket.refill(2_000);
        assert_eq!((bucket.tokens, bucket.burst), (5.0, 0.0));
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

    #[test]
    fn on_demand_doubles_the_peak_once_it_is_30_minutes_old() {
        let mut scaling = Scaling::new(WARM_WRITE);
        assert_eq!(scaling.capacity(), 4_000.0);
        scaling.observe(1_000, 4_000.0, 1_000);
        assert_eq!(scaling.capacity(), 4_000.0);
        scaling.observe(2_000, 100.0, 1_000 + PEAK_WINDOW_MILLIS);
        assert_eq!(scaling.capacity(), 8_000.0);
    }

    #[test]
    fn throttle_reasons_name_resource_direction_and_limit() {
        let refusal = Refusal {
            direction: Direction::Write,
            limit: Limit::Provisioned,
            index: Some("g".into()),
            on_demand: false,
            resource: "arn:i".into(),
        };
        assert_eq!(refusal.reason(), "IndexWriteProvisionedThroughputExceeded");
        let error = throttled_error(&[refusal]);
        assert_eq!(
            error.kind,
            ErrorKind::ProvisionedThroughputExceededException
        );
        assert_eq!(error.to_json()["ThrottlingReasons"][0]["resource"], "arn:i");
    }
}
