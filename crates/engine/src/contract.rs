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
    pub role: ReplicaRole,
    pub available: bool,
    /// The item as this replica holds it (DynamoDB JSON); null when it holds none.
    #[serde(default)]
    pub item: Option<Value>,
    /// True when this copy differs from the leader's.
    pub stale: bool,
}

/// `Dynoscope_DescribePartitions`: the partitions of a table (or of one of its secondary
/// indexes) in keyspace order of creation, and the splits that made them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PartitionsDescription {
    pub table_name: String,
    /// The index whose partitions these are; absent for the table's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_name: Option<String>,
    pub partitions: Vec<PartitionDescription>,
    pub splits: Vec<SplitDescription>,
}

/// One partition: its hash range, contents, replicas and throughput.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PartitionDescription {
    pub partition_id: u64,
    /// The partition it split from; absent for a partition the table was created with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_partition_id: Option<u64>,
    /// First hash of its range, 16 hex digits.
    pub hash_range_start: String,
    /// Last hash of its range, 16 hex digits.
    pub hash_range_end: String,
    pub item_count: u64,
    pub size_bytes: u64,
    /// Writes the leader took that some follower has not applied yet.
    pub lagging_writes: usize,
    pub replicas: Vec<PartitionReplica>,
    /// When a split fell inside one partition key: the key values the range starts at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at_key: Option<Value>,
    /// When a split fell inside one partition key: the key values the range ends before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_before_key: Option<Value>,
    /// Its share of the table's capacity now; null when the engine keeps none for it.
    #[serde(default)]
    pub throughput: Option<PartitionThroughput>,
    /// Where its items (or index entries) hash, when the request asked (`Density`): the
    /// count in each of [`DENSITY_SLICES`] equal slices of its hash range, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub density: Vec<u32>,
}

/// How many slices of its hash range a partition's density counts.
pub const DENSITY_SLICES: usize = 64;

/// One of a partition's three replicas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PartitionReplica {
    pub replica: usize,
    pub availability_zone: String,
    pub role: ReplicaRole,
    /// Whether its availability zone is up.
    pub available: bool,
    /// True when it has applied every write the leader took.
    pub caught_up: bool,
    pub lagging_writes: usize,
    /// Virtual time up to which it has applied the leader's writes; absent when it has
    /// applied them all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_until_millis: Option<u64>,
}

/// A partition's token buckets and consumption, read and write.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PartitionThroughput {
    pub mode: CapacityMode,
    pub read: ThroughputSide,
    pub write: ThroughputSide,
}

/// How a table pays for throughput.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CapacityMode {
    OnDemand,
    Provisioned,
}

/// One direction of a partition's throughput. The bucket members are present for
/// provisioned tables, the on-demand capacity for on-demand ones.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ThroughputSide {
    pub consumed_this_second: f64,
    pub consumed_last_second: f64,
    /// Requests refused on this partition this second and the last.
    #[serde(default)]
    pub throttled_this_second: u64,
    #[serde(default)]
    pub throttled_last_second: u64,
    /// The most any one partition serves per second.
    pub partition_limit_per_second: f64,
    /// What the whole on-demand table can serve per second now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_demand_table_capacity_per_second: Option<f64>,
    /// The partition's share of the provisioned capacity, units per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocated_capacity_units: Option<f64>,
    /// Tokens in the bucket (negative while repaying an overdraft).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst_credit: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst_credit_max: Option<f64>,
    /// True while adaptive capacity lends the partition more than its share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adaptive_boost: Option<bool>,
}

/// One split in a table's (or index's) history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SplitDescription {
    pub at_millis: u64,
    pub parent_partition_id: u64,
    pub child_partition_ids: Vec<u64>,
    /// Where the parent's range was cut, 16 hex digits.
    pub split_hash: String,
    /// `SIZE` or `THROUGHPUT`.
    pub reason: String,
    /// True when the cut fell between items of one partition key.
    pub within_partition_key: bool,
}

/// `Dynoscope_GetMetrics`: a table's (or one index's or partition's) metrics, one datapoint
/// per period that saw activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetricsDescription {
    pub table_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_id: Option<u64>,
    pub resolution: MetricsResolution,
    pub period_seconds: u64,
    pub start_millis: u64,
    /// The end of the span asked about (exclusive); the engine's now + 1 ms by default.
    pub end_millis: u64,
    pub datapoints: Vec<Datapoint>,
}

/// The length of a metrics period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MetricsResolution {
    Second,
    Minute,
}

/// One period's sums (consumed, throttled) and gauges (the latest in the period; the
/// highest for the replication lag and index backlog).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Datapoint {
    pub start_millis: u64,
    pub consumed_read_capacity_units: f64,
    pub consumed_write_capacity_units: f64,
    pub provisioned_read_capacity_units: f64,
    pub provisioned_write_capacity_units: f64,
    pub throttled_read_requests: u64,
    pub throttled_write_requests: u64,
    pub read_burst_credit: f64,
    pub write_burst_credit: f64,
    pub item_count: u64,
    pub size_bytes: u64,
    pub replication_lagging_writes: u64,
    pub index_propagation_backlog: u64,
}

/// `Dynoscope_DescribeClock`, `Dynoscope_SetClock` and `Dynoscope_AdvanceClock`: the
/// virtual clock after the call.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClockDescription {
    pub clock: ClockView,
}

/// The virtual clock: its time and how it moves.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClockView {
    pub now_millis: u64,
    pub mode: ClockModeName,
    /// Virtual milliseconds per host millisecond; present when real-time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
}

/// How the virtual clock moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ClockModeName {
    /// Only when told to (AdvanceClock).
    Stepped,
    /// With the host's clock, at a speed.
    Realtime,
}

/// `Dynoscope_DescribeZones` and `Dynoscope_SetZoneAvailability`: the availability zones
/// and whether enough are up for a quorum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ZonesDescription {
    pub zones: Vec<ZoneView>,
    pub has_quorum: bool,
}

/// One availability zone: the replica slot it hosts in every partition, and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ZoneView {
    pub zone_name: String,
    pub replica: usize,
    pub state: ZoneState,
}

/// Whether an availability zone is serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ZoneState {
    Up,
    Down,
}

/// A replica's part in its partition's replication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReplicaRole {
    /// Takes the writes and serves strongly consistent reads.
    Leader,
    /// Applies the leader's writes after a lag; may serve eventually consistent reads.
    Follower,
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
    /// Global tables: how long a write takes to reach the other regions (dynoscope-server
    /// only).
    #[cfg(feature = "extras")]
    #[serde(default = "no_lag")]
    pub global_replication_lag: LagView,
}

#[cfg(feature = "extras")]
fn no_lag() -> LagView {
    LagView {
        min_millis: 0,
        max_millis: 0,
    }
}

/// The engine-wide settings that live in its configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EngineView {
    pub control_plane_millis: u64,
    pub seed: u64,
    /// How long a write transaction holds its items (0: no holds; dynoscope-server only).
    #[serde(default)]
    pub transaction_millis: u64,
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
            #[cfg(feature = "extras")]
            global_replication_lag: lag(&s.global_replication_lag),
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

/// What one Query or Scan page read: the `Detail` of its `READ` event in
/// `Dynoscope_GetEvents`. The read units are the bytes read (every entry the page read,
/// before any filter or projection, summed) rounded up to 4 KB, halved when eventually
/// consistent; a local index adds the units of each item it fetched from the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PageReadDetail {
    /// `Query` or `Scan`.
    pub operation: String,
    pub index_name: Option<String>,
    pub items_read: u64,
    pub bytes_read: u64,
    pub consistent: bool,
    pub read_units: f64,
    pub table_fetch_read_units: f64,
}

impl PageReadDetail {
    /// The 4 KB blocks the bytes read were rounded up to (at least one): the read units,
    /// or twice them for an eventually consistent read, which costs half.
    pub fn blocks(&self) -> f64 {
        if self.consistent {
            self.read_units
        } else {
            self.read_units * 2.0
        }
    }

    /// What the consistency does to the price, in words.
    pub fn price_words(&self) -> &'static str {
        if self.consistent {
            "strongly consistent: full price"
        } else {
            "eventually consistent: half price"
        }
    }
}

/// One request in the activity log (`Dynoscope_GetActivity`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActivityEntry {
    /// Increases by one per request logged, so a reader can ask for what came after.
    pub sequence: u64,
    /// The virtual time it was served at.
    pub at_millis: u64,
    /// Who sent it: `ui`, `console`, `cli`, `api` (window.dynoscope), `scenario`, `load`,
    /// `model`, or `client` when the front end names no one.
    pub source: String,
    pub operation: String,
    /// The tables the request names (several for batches and transactions).
    pub table_names: Vec<String>,
    /// `OK`, or the name of the error DynamoDB answered with.
    pub outcome: String,
    /// The error's message; absent for a success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Capacity units the request consumed, table and indexes together (read and write).
    pub read_capacity_units: f64,
    pub write_capacity_units: f64,
}

/// `Dynoscope_GetActivity`: logged requests after a sequence number, filtered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActivityDescription {
    pub entries: Vec<ActivityEntry>,
    /// The newest entry's sequence number, filtered or not (0 before any).
    pub last_sequence: u64,
    /// How many entries the log keeps; older ones fall off.
    pub capacity: u64,
}

/// `Dynoscope_EstimateCost`: each table's workload so far priced on demand, provisioned as
/// held and provisioned for its busiest second, with the price list and its notes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CostEstimate {
    pub now_millis: u64,
    pub prices: PriceList,
    /// How the prices are applied (what is simplified), in sentences.
    pub notes: Vec<String>,
    pub tables: Vec<TableCost>,
    /// Every table's totals added up.
    #[serde(rename = "TotalUSD")]
    pub total_usd: CostTotals,
}

/// The prices an estimate uses (`data/prices.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PriceList {
    pub region: String,
    pub table_class: String,
    pub currency: String,
    pub hours_per_month: f64,
    pub on_demand_read: PriceQuote,
    pub on_demand_write: PriceQuote,
    pub provisioned_read: PriceQuote,
    pub provisioned_write: PriceQuote,
    pub storage: PriceQuote,
}

/// One price: dollars per a unit such as `1M WRU`, and where it was published.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PriceQuote {
    #[serde(rename = "USD")]
    pub usd: f64,
    pub per: String,
    pub source: String,
}

/// One table's workload priced three ways, storage apart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableCost {
    pub table_name: String,
    /// `PAY_PER_REQUEST` or `PROVISIONED`: the mode the table is in now.
    pub billing_mode: String,
    pub elapsed_millis: u64,
    pub elapsed_hours: f64,
    pub on_demand: CostLines,
    pub provisioned: ProvisionedCost,
    pub storage: CostLines,
    /// Each pricing model's total, storage included.
    #[serde(rename = "TotalUSD")]
    pub total_usd: CostTotals,
}

/// Provisioned capacity priced as the table held it, and as just enough for its peak.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProvisionedCost {
    pub as_held: CostLines,
    pub right_sized: RightSizedCost,
}

/// Capacity for the busiest second seen (whole units, at least one each way).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RightSizedCost {
    pub peak_read_capacity_units: f64,
    pub peak_write_capacity_units: f64,
    pub provisioned_read_capacity_units: f64,
    pub provisioned_write_capacity_units: f64,
    pub cost: CostLines,
}

/// Priced lines and their sum.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CostLines {
    pub lines: Vec<CostLine>,
    #[serde(rename = "TotalUSD")]
    pub total_usd: f64,
}

/// A quantity times its rate, with the arithmetic written out
/// (`12 WRU × $0.625 per 1M WRU = $0.00000750`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CostLine {
    pub item: String,
    pub quantity: f64,
    pub unit: String,
    #[serde(rename = "RateUSD")]
    pub rate_usd: f64,
    pub rate_per: String,
    #[serde(rename = "CostUSD")]
    pub cost_usd: f64,
    pub arithmetic: String,
}

/// The three pricing models' totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CostTotals {
    pub on_demand: f64,
    pub provisioned_as_held: f64,
    pub provisioned_right_sized: f64,
}

/// `Dynoscope_GetEvents`: the event history after a sequence number, oldest first. Each
/// event's `Detail` depends on its `Kind` (the engine's `events` module says what each holds; a `READ`
/// event's is a [`PageReadDetail`]). The engine answers with borrowed events (`E` is
/// `&Event`), readers read owned ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventsDescription<E = crate::events::Event> {
    pub events: Vec<E>,
    /// The newest event's sequence number (0 before any).
    pub last_sequence: u64,
    /// Whether the engine records events at all.
    pub recording: bool,
}

/// How IAM judged (or would judge) one action a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccessDecision {
    /// A statement allows it and none denies it.
    Allowed,
    /// A statement denies it (whatever allows it).
    ExplicitDeny,
    /// No statement allows it.
    ImplicitDeny,
    /// The access key names no principal: it acts as the account's administrator.
    Administrator,
}

/// `Dynoscope_ExplainAccess`: each action a request needs, how it was judged and by which
/// statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessExplanation {
    /// The principal's user ARN; `None` for a key that names no principal.
    pub principal: Option<String>,
    /// `ALLOWED` when every action is, else the first refusal.
    pub decision: AccessDecision,
    pub authorizations: Vec<AuthorizationView>,
}

/// One action on one resource, with the request's condition keys and the deciding
/// statement (`Policy` and `Statement` count from 0; none when nothing applied).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthorizationView {
    pub action: String,
    pub resource: String,
    pub context_keys: std::collections::BTreeMap<String, Vec<String>>,
    pub decision: AccessDecision,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// A principal as `Dynoscope_PutPrincipal`, `Dynoscope_ListPrincipals` and
/// `Dynoscope_DeletePrincipal` answer it: as set, with its user ARN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrincipalView {
    pub access_key_id: String,
    pub name: String,
    /// Identity policy documents, as JSON text.
    pub policies: Vec<String>,
    /// Values of policy variables beyond `aws:username` and `aws:userid`.
    #[serde(default)]
    pub variables: std::collections::BTreeMap<String, String>,
    pub arn: String,
}

/// `Dynoscope_PutPrincipal` and `Dynoscope_DeletePrincipal`: the principal set or removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrincipalAnswer {
    pub principal: PrincipalView,
}

/// `Dynoscope_ListPrincipals`: every principal, by access key id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrincipalsList {
    pub principals: Vec<PrincipalView>,
}

/// `Dynoscope_DescribeRegions` and `Dynoscope_SetRegionAvailability`: every region the
/// engine knows (the home region, those holding replicas, those taken down), by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegionsDescription {
    /// The virtual clock's now, which due times are compared with.
    pub now_millis: u64,
    pub regions: Vec<RegionView>,
}

/// One region: its tables, whether it answers, and the replications on their way to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegionView {
    pub region_name: String,
    /// The region unaddressed requests go to.
    pub home: bool,
    /// False once taken down (`Dynoscope_SetRegionAvailability`).
    pub available: bool,
    pub tables: Vec<String>,
    pub in_flight: Vec<ReplicationInFlight>,
}

/// A write on its way to a region's replica: applied there once due (and the region is up).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicationInFlight {
    pub table_name: String,
    /// The region the write was made in.
    pub from_region: String,
    /// `PUT` or `DELETE`.
    pub operation: String,
    /// The item as written (DynamoDB JSON); null for a delete.
    #[serde(default)]
    pub item: Option<Value>,
    pub written_at_millis: u64,
    pub due_at_millis: u64,
}

/// `Dynoscope_DescribeDax` and `Dynoscope_SetDax`: the simulated DAX cluster's settings,
/// counters and the live entries of both caches.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DaxDescription {
    pub settings: DaxSettings,
    pub statistics: DaxStatistics,
    pub item_cache: Vec<DaxItemEntry>,
    pub query_cache: Vec<DaxQueryEntry>,
}

/// How long each cache keeps an entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DaxSettings {
    pub item_ttl_millis: u64,
    pub query_ttl_millis: u64,
}

/// What the cluster has served since the engine started (a flush keeps them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DaxStatistics {
    pub item_hits: u64,
    pub item_misses: u64,
    pub query_hits: u64,
    pub query_misses: u64,
    /// Writes sent through DAX: the table first, then the item cache.
    pub write_throughs: u64,
    /// Requests DAX does not cache (strongly consistent reads, transactions).
    pub pass_throughs: u64,
}

/// One live entry of the item cache.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DaxItemEntry {
    pub table_name: String,
    /// The item's key (DynamoDB JSON).
    pub key: Value,
    /// The item as cached (DynamoDB JSON); null: cached as not found.
    #[serde(default)]
    pub item: Option<Value>,
    pub cached_at_millis: u64,
    pub expires_at_millis: u64,
    /// The table's item differs from the cached one (written to the table directly).
    pub stale: bool,
}

/// One live entry of the query cache: a whole Query or Scan request and its answer's count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DaxQueryEntry {
    pub operation: String,
    pub table_name: String,
    pub request: Value,
    #[serde(default)]
    pub count: Option<u64>,
    pub cached_at_millis: u64,
    pub expires_at_millis: u64,
}

/// How a request is sent, beside its operation and body: to which region, through which
/// path and as whom. The browser's `send(op, request, options)` takes it as
/// `{region, via: "dax", accessKeyId}`; the endpoint reads the same from the request's
/// signature and port. The default is the home region, straight to the table, as the
/// account's administrator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestOptions {
    /// The region the request is addressed to; absent: the engine's home region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `dax` to go through the simulated DAX cluster; absent: straight to DynamoDB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<Via>,
    /// The access key id of the principal the request is evaluated as; absent: the
    /// account's administrator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
}

/// The path a request takes when it does not go straight to DynamoDB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// The simulated DAX cluster in front of the home region's tables.
    Dax,
}

impl RequestOptions {
    /// Whether these are the defaults, which every build of the engine serves: the home
    /// region (named or not), no DAX, no principal.
    pub fn is_default_for(&self, home_region: &str) -> bool {
        self.region
            .as_deref()
            .is_none_or(|r| r.is_empty() || r == home_region)
            && self.via.is_none()
            && self.access_key_id.is_none()
    }
}
