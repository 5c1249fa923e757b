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

mod admission;
mod bucket;
mod capacity;
mod group;
mod refusal;
mod table;

pub use admission::{
    ReadHeat, admit_read, admit_transaction, admit_write, charge_failed_write, condition_check,
    partition_of, plan_write, settle_write, transaction_read,
};
pub use bucket::{Bucket, Mode, PartitionCapacity, Scaling, Window};
pub use capacity::Capacity;
pub use group::Group;
pub use refusal::{Direction, Limit, Refusal, throttled_error};
pub use table::{Demand, TableCapacity, Target};

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
