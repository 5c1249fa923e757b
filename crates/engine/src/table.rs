//! A table: its definition (what CreateTable fixed and later calls changed, persisted as
//! JSON), its keyspace of partitions holding the items, and its secondary indexes. Every
//! item write goes through [`Table::write`], which keeps the indexes in step and reports
//! what each index was charged.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::DynamoError;
use crate::heat::HeatMap;
use crate::index::{Index, IndexDefinition, IndexKind};
use crate::key::{KeySchema, PrimaryKey, ScalarType};
use crate::partition::{
    IndexPosition, ItemPosition, Keyspace, Partition, Position, Split, WriteTiming, partition_hash,
};
use crate::replica::Consistency;
use crate::ttl::ExpiryQueue;
use crate::value::Item;

/// How the table pays for throughput.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BillingMode {
    Provisioned {
        read_capacity_units: u64,
        write_capacity_units: u64,
    },
    PayPerRequest,
}

/// What the table is, independent of what it holds. Persisted as the table's `state`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableDefinition {
    pub name: String,
    pub key_schema: KeySchema,
    /// `AttributeDefinitions` in the order given.
    pub attribute_definitions: Vec<(String, ScalarType)>,
    pub billing: BillingMode,
    /// When CreateTable was accepted, in virtual-clock milliseconds.
    pub created_at_millis: u64,
    /// The table becomes ACTIVE this many milliseconds after creation.
    pub creating_for_millis: u64,
    pub table_id: String,
    pub arn: String,
    #[serde(default)]
    pub deletion_protection: bool,
    /// Global indexes first, then local ones, each in the order given.
    #[serde(default)]
    pub indexes: Vec<IndexDefinition>,
    /// The table is UPDATING until this time (an UpdateTable in progress).
    #[serde(default)]
    pub updating_until_millis: u64,
    #[serde(default)]
    pub stream: Option<StreamSettings>,
    #[serde(default)]
    pub ttl: Option<TtlSettings>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// `STANDARD` or `STANDARD_INFREQUENT_ACCESS`, when one was given.
    #[serde(default)]
    pub table_class: Option<String>,
    /// Server-side encryption with a KMS key, when asked for (the key ARN).
    #[serde(default)]
    pub sse_kms_key_arn: Option<String>,
    #[serde(default)]
    pub throughput_history: ThroughputHistory,
    /// When the billing mode last changed to pay-per-request (never, for a table always
    /// provisioned).
    #[serde(default)]
    pub pay_per_request_since_millis: Option<u64>,
    /// OnDemandThroughput's maximum read and write request units per second (-1: no maximum).
    #[serde(default)]
    pub on_demand_maximum: Option<(i64, i64)>,
    /// Point-in-time recovery, while enabled (UpdateContinuousBackups).
    #[serde(default)]
    pub point_in_time_recovery: Option<PointInTimeRecovery>,
    /// UpdateContributorInsights on the table itself.
    #[serde(default)]
    pub contributor_insights: Option<ContributorInsightsSettings>,
    /// UpdateContributorInsights on global indexes, by index name (an entry goes with its
    /// index).
    #[serde(default)]
    pub index_contributor_insights: BTreeMap<String, ContributorInsightsSettings>,
    /// Where the table was restored from, when it was (RestoreTableFromBackup,
    /// RestoreTableToPointInTime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg(feature = "extras")]
    pub restore_summary: Option<RestoreSummary>,
    /// Resource-based policies (PutResourcePolicy): the table's and its stream's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg(feature = "extras")]
    pub resource_policy: Option<ResourcePolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg(feature = "extras")]
    pub stream_resource_policy: Option<ResourcePolicy>,
    /// Kinesis Data Streams destinations (EnableKinesisStreamingDestination), in the order
    /// first enabled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg(feature = "extras")]
    pub kinesis_destinations: Vec<KinesisDestination>,
    /// A global table's replication group: every member region (this one included), the
    /// same in each member's definition; empty for a table with no replicas.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg(feature = "extras")]
    pub replicas: Vec<crate::regions::ReplicaSetting>,
    /// A global table's multi-Region strong consistency (MultiRegionConsistency STRONG) and
    /// its witness; `None` for eventual consistency. The same in each member's definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg(feature = "extras")]
    pub strong_consistency: Option<crate::mrsc::StrongConsistency>,
    /// Auto scaling settings (UpdateTableReplicaAutoScaling), kept, not acted on. The same
    /// in each member's definition.
    #[serde(
        default,
        skip_serializing_if = "crate::auto_scaling::AutoScaling::is_empty"
    )]
    #[cfg(feature = "extras")]
    pub auto_scaling: crate::auto_scaling::AutoScaling,
    /// The region of a definition stored from another region than the home region (only
    /// in the stored form: a restore takes it out and puts the table in that region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg(feature = "extras")]
    pub region: Option<String>,
}

#[cfg(feature = "extras")]
/// A resource-based policy document as given, and its revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourcePolicy {
    pub policy: String,
    pub revision_id: String,
}

#[cfg(feature = "extras")]
/// A Kinesis Data Streams destination of a table: enabled or disabled since a moment, its
/// status ENABLING/DISABLING/UPDATING until the control-plane delay has passed. No data is
/// sent anywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KinesisDestination {
    pub stream_arn: String,
    pub enabled: bool,
    /// `MILLISECOND` or `MICROSECOND`.
    pub precision: String,
    /// When it was last enabled, disabled or updated, and whether that was an update.
    pub changed_at_millis: u64,
    pub settles_at_millis: u64,
    #[serde(default)]
    pub updating: bool,
}

#[cfg(feature = "extras")]
impl KinesisDestination {
    /// The status an Enable, Disable or Update answers with: the change just begun.
    pub fn changing_status(&self) -> &'static str {
        match (self.enabled, self.updating) {
            (true, true) => "UPDATING",
            (true, false) => "ENABLING",
            (false, _) => "DISABLING",
        }
    }

    /// `DestinationStatus` at `now`.
    pub fn status(&self, now_millis: u64) -> &'static str {
        let settled = now_millis >= self.settles_at_millis;
        match (self.enabled, settled, self.updating) {
            (true, true, _) => "ACTIVE",
            (true, false, true) => "UPDATING",
            (true, false, false) => "ENABLING",
            (false, true, _) => "DISABLED",
            (false, false, _) => "DISABLING",
        }
    }
}

#[cfg(feature = "extras")]
/// DescribeTable's `RestoreSummary`: the backup or table a restored table came from and
/// the moment it holds; the restore is in progress while the table is CREATING.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreSummary {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_backup_arn: Option<String>,
    pub source_table_arn: String,
    pub restore_date_time_millis: u64,
}

/// A table's stream, once enabled: what it records and its label (its creation time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamSettings {
    pub enabled: bool,
    pub view_type: String,
    pub label: String,
    pub arn: String,
}

/// UpdateTimeToLive's setting, and when it last changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TtlSettings {
    pub attribute_name: String,
    pub enabled: bool,
    pub changed_at_millis: u64,
}

/// Point-in-time recovery: since when the table can be restored, and how far back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointInTimeRecovery {
    pub enabled_at_millis: u64,
    pub recovery_period_in_days: u32,
}

impl PointInTimeRecovery {
    /// How far back a restore can reach, in milliseconds.
    pub fn period_millis(&self) -> u64 {
        u64::from(self.recovery_period_in_days) * 86_400_000
    }
}

/// Contributor insights on a table or a global index: the last action asked for (ENABLE
/// or DISABLE) with its mode, when it was asked for, and when the change settles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributorInsightsSettings {
    pub enabled: bool,
    /// `ACCESSED_AND_THROTTLED_KEYS` or `THROTTLED_KEYS`.
    pub mode: String,
    pub changed_at_millis: u64,
    pub settles_at_millis: u64,
}

impl ContributorInsightsSettings {
    /// `ENABLING` or `DISABLING` until the change settles, then `ENABLED` or `DISABLED`.
    pub fn status(&self, now_millis: u64) -> &'static str {
        match (self.enabled, now_millis < self.settles_at_millis) {
            (true, true) => "ENABLING",
            (true, false) => "ENABLED",
            (false, true) => "DISABLING",
            (false, false) => "DISABLED",
        }
    }
}

/// When provisioned throughput last rose and fell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThroughputHistory {
    pub last_increase_millis: Option<u64>,
    pub last_decrease_millis: Option<u64>,
    pub decreases_today: u32,
}

impl TableDefinition {
    /// `CREATING` until the control-plane delay has passed, `UPDATING` while an update is
    /// in progress, then `ACTIVE`.
    pub fn status(&self, now_millis: u64) -> &'static str {
        if now_millis < self.created_at_millis + self.creating_for_millis {
            "CREATING"
        } else if now_millis < self.updating_until_millis {
            "UPDATING"
        } else {
            "ACTIVE"
        }
    }

    pub fn index(&self, name: &str) -> Option<&IndexDefinition> {
        self.indexes.iter().find(|i| i.name == name)
    }
}

/// What one item write did: the item it replaced and the units each index was charged
/// (only indexes whose entry changed appear).
#[derive(Debug, Default)]
pub struct WriteOutcome {
    /// The partition that holds the item.
    pub partition_id: u32,
    /// The item the write replaced, shared with the replicas' log.
    pub old: Option<std::sync::Arc<Item>>,
    pub index_units: Vec<(String, IndexKind, f64)>,
    /// Each global index partition the write touched: the index's position among the
    /// table's indexes, the partition hash of the entry written or removed, and the write
    /// units spent there (a moved entry touches two), for capacity and heat.
    pub index_writes: Vec<(usize, u64, f64)>,
}

/// A table, its items and its indexes.
#[derive(Debug, Clone)]
pub struct Table {
    pub definition: TableDefinition,
    items: Keyspace<ItemPosition>,
    indexes: Vec<Index>,
    /// Items by expiry, while TTL is enabled.
    expiries: ExpiryQueue,
    /// Every split so far, oldest first.
    splits: Vec<SplitRecord>,
    /// Per partition: how hot its recent seconds were.
    heat: HeatMap,
}

pub use crate::partition::SplitRecord;

/// Partitions a new table starts with. Provisioned: DynamoDB's documented formula, one
/// partition per 3,000 RCU plus one per 1,000 WCU, rounded up. On-demand: a model (AWS does
/// not document it): one partition, which splits as the table grows in size and traffic.
pub fn initial_partitions(billing: BillingMode) -> u32 {
    match billing {
        BillingMode::Provisioned {
            read_capacity_units,
            write_capacity_units,
        } => crate::partition::partitions_for_throughput(read_capacity_units, write_capacity_units),
        BillingMode::PayPerRequest => 1,
    }
}

/// Whether a value could be a key: not empty, and within the key size limits.
fn valid_key(key: &PrimaryKey) -> bool {
    let fits = |v: &crate::key::KeyValue, max: usize| v.size() > 0 && v.size() <= max;
    fits(&key.hash, crate::key::MAX_HASH_KEY_BYTES)
        && key
            .range
            .as_ref()
            .is_none_or(|r| fits(r, crate::key::MAX_RANGE_KEY_BYTES))
}

/// Most partitions one keyspace grows to by size splits (a guard for tiny limits).
const MAX_PARTITIONS: usize = 4096;

impl Table {
    pub fn new(definition: TableDefinition) -> Self {
        let indexes = definition.indexes.iter().cloned().map(Index::new).collect();
        let items = Keyspace::with_partitions(initial_partitions(definition.billing));
        Table {
            definition,
            items,
            indexes,
            expiries: ExpiryQueue::default(),
            splits: Vec::new(),
            heat: HeatMap::default(),
        }
    }

    pub fn key_schema(&self) -> &KeySchema {
        &self.definition.key_schema
    }

    pub fn partitions(&self) -> &[Partition<ItemPosition>] {
        self.items.partitions()
    }

    pub fn item_count(&self) -> u64 {
        self.items.item_count()
    }

    pub fn size_bytes(&self) -> u64 {
        self.items.size_bytes()
    }

    pub fn items(&self) -> &Keyspace<ItemPosition> {
        &self.items
    }

    /// Each partition's id and replicas, to change who leads.
    pub fn replica_sets_mut(
        &mut self,
    ) -> impl Iterator<Item = (u32, &mut crate::replica::ReplicaSet<ItemPosition>)> {
        self.items.replica_sets_mut()
    }

    pub fn indexes(&self) -> &[Index] {
        &self.indexes
    }

    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|i| i.definition.name == name)
    }

    pub fn get(&self, key: &PrimaryKey) -> Option<&Item> {
        self.items.get(&ItemPosition::of(key.clone()))
    }

    /// The partition that holds (or would hold) `key`, and the item, in one lookup.
    pub fn locate(&self, key: &PrimaryKey) -> (u32, Option<&Item>) {
        let position = ItemPosition::of(key.clone());
        let partition = self.items.partition_for(&position);
        (partition.id, partition.get(&position))
    }

    /// The item as a read of `consistency` sees it.
    pub fn get_with(&self, key: &PrimaryKey, consistency: Consistency) -> Option<&Item> {
        self.items
            .get_with(&ItemPosition::of(key.clone()), consistency)
    }

    /// The leader of the partition holding `key`.
    pub fn leader_at(&self, position: &ItemPosition) -> usize {
        self.items.partition_for(position).replicas.leader
    }

    /// Rejects an item that cannot be written: index key attributes of the wrong type or
    /// empty. Call before [`Table::write`]; the table key is checked by the key schema.
    pub fn check_item(&self, item: &Item) -> Result<(), DynamoError> {
        self.definition
            .indexes
            .iter()
            .try_for_each(|index| index.check_item(item))
    }

    /// Puts (`Some`) or deletes (`None`) the item under `key`, keeping every index in step.
    pub fn write(
        &mut self,
        key: PrimaryKey,
        new: Option<Item>,
        timing: &WriteTiming,
    ) -> WriteOutcome {
        self.write_at(&ItemPosition::of(key), new, timing)
    }

    /// [`Table::write`] at a position already worked out.
    pub fn write_at(
        &mut self,
        position: &ItemPosition,
        new: Option<Item>,
        timing: &WriteTiming,
    ) -> WriteOutcome {
        let (old, stored) = self.items.write(position.clone(), new, timing);
        let table_schema = &self.definition.key_schema;
        let mut index_units = Vec::new();
        let mut global_lags = timing.index_lags.iter().copied();
        let mut index_writes = Vec::new();
        for (at, index) in self.indexes.iter_mut().enumerate() {
            let lag = match index.definition.kind {
                IndexKind::Global => global_lags.next().unwrap_or(0),
                IndexKind::Local => 0,
            };
            let def = &index.definition;
            let plan = def.write_plan(table_schema, old.as_deref(), stored);
            let units = plan.units();
            if units == 0.0 {
                // The entry did not change (or the item is in the index neither before nor
                // after): nothing to land, nothing to bill.
                continue;
            }
            let old_position = old
                .as_deref()
                .and_then(|item| def.position_of(&position.key, item));
            let new_entry = stored.and_then(|item| def.entry_of(table_schema, &position.key, item));
            index_units.push((def.name.clone(), def.kind, units));
            if def.kind == IndexKind::Global {
                index_writes.extend(plan.touched().map(|(hash, units)| (at, hash, units)));
            }
            index.propagate(old_position, new_entry, timing.now, lag);
        }
        if let Some(ttl) = self.definition.ttl.as_ref().filter(|t| t.enabled) {
            self.expiries
                .track(&ttl.attribute_name, &position.key, old.as_deref(), stored);
        }
        let partition_id = self.items.partition_for(position).id;
        WriteOutcome {
            partition_id,
            old,
            index_units,
            index_writes,
        }
    }

    /// The TTL attribute, while TTL is enabled.
    fn ttl_attribute(&self) -> Option<String> {
        self.definition
            .ttl
            .as_ref()
            .filter(|t| t.enabled)
            .map(|t| t.attribute_name.clone())
    }

    /// Rebuilds the expiry queue from every item (TTL enabled, or a table restored); empties
    /// it when TTL is off.
    pub fn rebuild_expiries(&mut self) {
        self.expiries.clear();
        let Some(attribute) = self.ttl_attribute() else {
            return;
        };
        for (position, item) in self.items.walk(0, None) {
            self.expiries
                .track(&attribute, &position.key, None, Some(item));
        }
    }

    /// Keys of items the TTL sweeper should delete by `now`, after `delay`.
    pub fn take_expired(&mut self, now: u64, delay: u64) -> Vec<PrimaryKey> {
        if self.expiries.is_empty() {
            return Vec::new();
        }
        self.expiries.take_due(now, delay)
    }

    /// Lands every global index change due by `now`.
    pub fn catch_up(&mut self, now: u64) {
        for index in &mut self.indexes {
            index.catch_up(now);
        }
    }

    /// How many global indexes a write to this table updates.
    pub fn global_index_count(&self) -> usize {
        self.indexes
            .iter()
            .filter(|i| i.definition.kind == IndexKind::Global)
            .count()
    }

    /// Whether the table has a local secondary index, which makes item collections matter.
    pub fn has_local_index(&self) -> bool {
        self.definition
            .indexes
            .iter()
            .any(|i| i.kind == IndexKind::Local)
    }

    /// The size of one item collection: the items sharing a partition key value, plus
    /// their entries in local indexes.
    pub fn item_collection_bytes(&self, partition_key: &crate::key::KeyValue) -> u64 {
        let hash = partition_hash(partition_key);
        let lowest = ItemPosition {
            hash,
            key: PrimaryKey {
                hash: partition_key.clone(),
                range: None,
            },
        };
        let items: u64 = self
            .items
            .range_in(
                hash,
                std::ops::Bound::Included(&lowest),
                std::ops::Bound::Unbounded,
            )
            .take_while(|(p, _)| p.key.hash == *partition_key)
            .map(|(_, item)| crate::value::item_size(item) as u64)
            .sum();
        let entries: u64 = self
            .indexes
            .iter()
            .filter(|i| i.definition.kind == IndexKind::Local)
            .flat_map(|index| {
                let lowest = IndexPosition {
                    hash,
                    index_key: PrimaryKey {
                        hash: partition_key.clone(),
                        range: None,
                    },
                    table_key: IndexPosition::lowest_at(hash).table_key,
                };
                index
                    .entries
                    .range_in(
                        hash,
                        std::ops::Bound::Included(&lowest),
                        std::ops::Bound::Unbounded,
                    )
                    .take_while(|(p, _)| p.index_key.hash == *partition_key)
                    .map(|(_, item)| crate::value::item_size(item) as u64)
                    .collect::<Vec<_>>()
            })
            .sum();
        items + entries
    }

    /// Splits every partition holding more than `limit` bytes at its median, until none does
    /// (or its items share one hash and cannot be divided by it). Returns the splits made.
    pub fn split_oversized(&mut self, limit: u64, now: u64) -> Vec<Split> {
        let mut made = Vec::new();
        let mut i = 0;
        while i < self.items.partitions().len() {
            match self.split_if_over(i, limit, now) {
                Some(split) => made.push(split),
                None => i += 1,
            }
        }
        self.split_oversized_indexes(limit, now);
        made
    }

    /// After a write: splits the written partition while it is over `limit` (a write only
    /// grows its own partition), and any oversized index partition.
    pub fn split_after_write(
        &mut self,
        position: &ItemPosition,
        limit: u64,
        now: u64,
    ) -> Vec<Split> {
        let mut made = Vec::new();
        while let Some(split) = self.split_if_over(self.items.index_of(position), limit, now) {
            made.push(split);
        }
        self.split_oversized_indexes(limit, now);
        made
    }

    /// Splits partition `i` if it holds more than `limit` and can be divided.
    fn split_if_over(&mut self, i: usize, limit: u64, now: u64) -> Option<Split> {
        if self.items.partitions().len() >= MAX_PARTITIONS
            || self.items.partitions()[i].size_bytes() <= limit
        {
            return None;
        }
        // An item collection may be divided by sort key, unless a local index keeps it whole.
        let point = self.items.split_point(i, !self.has_local_index())?;
        let split = self.items.split(i, point);
        self.splits.push(SplitRecord {
            at_millis: now,
            split,
            reason: "SIZE",
        });
        Some(split)
    }

    /// Splits every oversized partition of every index (index splits have no stream).
    fn split_oversized_indexes(&mut self, limit: u64, now: u64) {
        for index in &mut self.indexes {
            // Most writes find no oversized index partition without looking at any.
            let Some(first) = index.entries.first_over(limit) else {
                continue;
            };
            let mut j = first;
            while j < index.entries.partitions().len()
                && index.entries.partitions().len() < MAX_PARTITIONS
            {
                let oversized = index.entries.partitions()[j].size_bytes() > limit;
                match oversized
                    .then(|| index.entries.split_point(j, true))
                    .flatten()
                {
                    Some(point) => {
                        let split = index.entries.split(j, point);
                        index.splits.push(SplitRecord {
                            at_millis: now,
                            split,
                            reason: "SIZE",
                        });
                    }
                    None => j += 1,
                }
            }
        }
    }

    /// Counts `units` (write units, or read units / 3) against the partition holding `key`,
    /// and splits it when it has been hot for `sustain` seconds in a row: at least
    /// `threshold` units in each. Returns the split, if one happened.
    pub fn note_heat(
        &mut self,
        position: &ItemPosition,
        units: f64,
        now: u64,
        threshold: u64,
        sustain: u32,
    ) -> Option<Split> {
        self.note_heat_in(
            self.items.index_of(position),
            units,
            now,
            threshold,
            sustain,
        )
    }

    /// [`Table::note_heat`] for a read of the partition holding `hash` (a Query's partition
    /// key, or where a Scan page starts).
    pub fn note_read_heat(
        &mut self,
        hash: u64,
        units: f64,
        now: u64,
        threshold: u64,
        sustain: u32,
    ) -> Option<Split> {
        self.note_heat_in(
            self.items.partition_index(hash),
            units,
            now,
            threshold,
            sustain,
        )
    }

    fn note_heat_in(
        &mut self,
        index: usize,
        units: f64,
        now: u64,
        threshold: u64,
        sustain: u32,
    ) -> Option<Split> {
        let id = self.items.partitions()[index].id;
        if !self.heat.note(id, units, now, threshold, sustain)
            || self.items.partitions().len() >= MAX_PARTITIONS
        {
            return None;
        }
        let point = self.items.split_point(index, !self.has_local_index())?;
        self.heat.forget(id);
        let split = self.items.split(index, point);
        self.splits.push(SplitRecord {
            at_millis: now,
            split,
            reason: "THROUGHPUT",
        });
        Some(split)
    }

    /// Counts `units` against the partition of global index `at` holding `hash` (an index
    /// write, or a read at a third of its units) and splits it once it has been hot long
    /// enough, as the table's own partitions do. Index splits open no stream shard.
    pub fn note_index_heat(
        &mut self,
        at: usize,
        hash: u64,
        units: f64,
        now: u64,
        threshold: u64,
        sustain: u32,
    ) -> Option<Split> {
        let index = self.indexes.get_mut(at)?;
        let i = index.entries.partition_index(hash);
        let id = index.entries.partitions()[i].id;
        if !index.heat.note(id, units, now, threshold, sustain)
            || index.entries.partitions().len() >= MAX_PARTITIONS
        {
            return None;
        }
        let point = index.entries.split_point(i, true)?;
        index.heat.forget(id);
        let split = index.entries.split(i, point);
        index.splits.push(SplitRecord {
            at_millis: now,
            split,
            reason: "THROUGHPUT",
        });
        Some(split)
    }

    /// The table's splits so far.
    pub fn split_history(&self) -> &[SplitRecord] {
        &self.splits
    }

    /// Bytes an item adds to its item collection: itself plus its local index entries.
    fn collection_share(&self, key: &PrimaryKey, item: &Item) -> u64 {
        let entries: usize = self
            .definition
            .indexes
            .iter()
            .filter(|i| i.kind == IndexKind::Local)
            .filter_map(|i| i.entry_of(&self.definition.key_schema, key, item))
            .map(|(_, entry)| crate::value::item_size(&entry))
            .sum();
        (crate::value::item_size(item) + entries) as u64
    }

    /// On a table with a local index, refuses a write that would grow an item collection
    /// past `limit` (writes that shrink one are always allowed).
    pub fn check_collection_limit(
        &self,
        key: &PrimaryKey,
        new: Option<&Item>,
        limit: u64,
    ) -> Result<(), crate::error::DynamoError> {
        if !self.has_local_index() {
            return Ok(());
        }
        let before = self
            .get(key)
            .map_or(0, |item| self.collection_share(key, item));
        let after = new.map_or(0, |item| self.collection_share(key, item));
        if after <= before {
            return Ok(());
        }
        if self.item_collection_bytes(&key.hash) - before + after > limit {
            return Err(crate::error::DynamoError::new(
                crate::error::ErrorKind::ItemCollectionSizeLimitExceededException,
                "Item collection size limit exceeded",
            ));
        }
        Ok(())
    }

    /// Adds a global index and fills it from every item (the backfill).
    pub fn add_index(&mut self, definition: IndexDefinition) {
        self.definition.indexes.push(definition.clone());
        let mut index = Index::new(definition);
        let table_schema = &self.definition.key_schema;
        for (position, item) in self.items.walk(0, None) {
            // Items whose would-be index key is not a valid key (empty, or too long) stay out.
            let entry = index
                .definition
                .entry_of(table_schema, &position.key, item)
                .filter(|(p, _)| valid_key(&p.index_key));
            index.land(None, entry);
        }
        self.indexes.push(index);
    }

    /// Drops an index and its entries.
    pub fn remove_index(&mut self, name: &str) {
        self.definition.indexes.retain(|i| i.name != name);
        self.definition.index_contributor_insights.remove(name);
        self.indexes.retain(|i| i.definition.name != name);
    }

    /// Changes a global index's provisioned throughput.
    pub fn set_index_throughput(&mut self, name: &str, throughput: Option<(u64, u64)>) {
        for definition in self
            .definition
            .indexes
            .iter_mut()
            .chain(self.indexes.iter_mut().map(|i| &mut i.definition))
        {
            if definition.name == name {
                definition.throughput = throughput;
            }
        }
    }

    /// The position an exclusive start key names.
    pub fn position_of(key: PrimaryKey) -> ItemPosition {
        let hash = partition_hash(&key.hash);
        ItemPosition { hash, key }
    }
}
