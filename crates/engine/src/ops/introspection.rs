//! The `Dynoscope_` operations that show what DynamoDB keeps hidden: a table's (or a global
//! index's) partitions with their hash ranges, replicas and contents
//! (Dynoscope_DescribePartitions), where one item lives and which version each replica
//! holds (Dynoscope_LocateItem), and the event history (Dynoscope_GetEvents). The UI's
//! partition map and timeline are drawn from these.

use serde::Deserialize;

use super::validate::Violations;
use crate::contract::{
    ItemLocation, PartitionDescription, PartitionReplica, PartitionsDescription, ReplicaCopy,
    ReplicaRole, SplitDescription,
};
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::partition::{ItemPosition, Partition, Position, partition_hash};
use crate::replica::{REPLICAS, ReadView, ZONE_SUFFIXES};
use crate::value::WireItem;

/// A hash as DynamoDB-style fixed-width hex, so ranges sort and read naturally.
fn hex(hash: u64) -> String {
    format!("{hash:016x}")
}

fn zone(engine: &Engine, replica: usize) -> String {
    format!("{}{}", engine.config.region, ZONE_SUFFIXES[replica])
}

fn describe_partition<P: Position>(
    engine: &Engine,
    partition: &Partition<P>,
) -> PartitionDescription {
    let now = engine.now_millis();
    let replicas = (0..REPLICAS)
        .map(|r| {
            let lagging = partition.replicas.lagging_at(r, now);
            // A replica in a down zone applies what it missed only once the zone is back.
            let applied = partition.replicas.applied_until(r);
            PartitionReplica {
                replica: r,
                availability_zone: zone(engine, r),
                role: role(partition, r),
                available: engine.zones.is_up(r),
                caught_up: lagging == 0,
                lagging_writes: lagging,
                applied_until_millis: (applied != u64::MAX).then_some(applied),
            }
        })
        .collect();
    // A split inside one partition key bounds the partition by key, not only by hash.
    let key_values = |bound: &Option<P>| {
        bound
            .as_ref()
            .map(|b| serde_json::to_value(b.key_values()).expect("key values serialise"))
    };
    PartitionDescription {
        partition_id: partition.id.into(),
        parent_partition_id: partition.parent.map(u64::from),
        hash_range_start: hex(partition.start),
        hash_range_end: hex(partition.end),
        item_count: partition.item_count() as u64,
        size_bytes: partition.size_bytes(),
        lagging_writes: partition.replicas.lagging_writes(now),
        replicas,
        starts_at_key: key_values(&partition.lower),
        ends_before_key: key_values(&partition.upper),
        throughput: None,
        density: Vec::new(),
    }
}

/// [`describe_partition`], with its density when `density` is asked for.
fn described<P: Position>(
    engine: &Engine,
    partition: &Partition<P>,
    density: bool,
) -> PartitionDescription {
    let mut description = describe_partition(engine, partition);
    if density {
        description.density = partition.density(crate::contract::DENSITY_SLICES);
    }
    description
}

fn role<P: Position>(partition: &Partition<P>, replica: usize) -> ReplicaRole {
    if replica == partition.replicas.leader {
        ReplicaRole::Leader
    } else {
        ReplicaRole::Follower
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribePartitionsRequest {
    pub table_name: Option<String>,
    pub index_name: Option<String>,
    /// Count where each partition's entries hash (`PartitionDescription::density`).
    pub density: Option<bool>,
}

pub fn describe_partitions(
    engine: &mut Engine,
    request: DescribePartitionsRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.finish()?;
    let name = request.table_name.as_deref().expect("checked");
    let density = request.density.unwrap_or(false);
    let table = engine
        .tables
        .get(name)
        .ok_or_else(|| DynamoError::table_not_found(name))?;
    let mut partitions: Vec<PartitionDescription> = match &request.index_name {
        None => table
            .partitions()
            .iter()
            .map(|p| described(engine, p, density))
            .collect(),
        Some(index_name) => {
            let index = table.index(index_name).ok_or_else(|| {
                DynamoError::validation(format!(
                    "The table does not have the specified index: {index_name}"
                ))
            })?;
            index
                .entries
                .partitions()
                .iter()
                .map(|p| described(engine, p, density))
                .collect()
        }
    };
    // Each partition's allocation, token and burst levels, and recent consumption.
    let now = engine.now_millis();
    for partition in &mut partitions {
        let id = u32::try_from(partition.partition_id).expect("partition ids are u32");
        partition.throughput =
            engine
                .capacity
                .describe_partition(table, request.index_name.as_deref(), id, now);
    }
    // An index's own splits when one is named, else the table's.
    let history = match request.index_name.as_deref().and_then(|n| table.index(n)) {
        Some(index) => &index.splits[..],
        None => table.split_history(),
    };
    let splits = history
        .iter()
        .map(|r| SplitDescription {
            at_millis: r.at_millis,
            parent_partition_id: r.split.parent.into(),
            child_partition_ids: r.split.children.map(u64::from).to_vec(),
            split_hash: hex(r.split.at_hash),
            reason: r.reason.to_owned(),
            within_partition_key: r.split.within_key,
        })
        .collect();
    respond(&PartitionsDescription {
        table_name: name.to_owned(),
        index_name: request.index_name.clone(),
        partitions,
        splits,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LocateItemRequest {
    pub table_name: Option<String>,
    pub key: Option<WireItem>,
    /// Locate the item's entry in this secondary index instead of the item itself.
    pub index_name: Option<String>,
}

pub fn locate_item(
    engine: &mut Engine,
    request: LocateItemRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.not_null("key", &request.key);
    if let Some(index) = &request.index_name {
        v.table_name("indexName", Some(index));
    }
    v.finish()?;
    let name = request.table_name.as_deref().expect("checked");
    let table = engine
        .tables
        .get(name)
        .ok_or_else(|| DynamoError::table_not_found(name))?;
    let key = table
        .key_schema()
        .key_from_request(&request.key.as_ref().expect("checked").0)?;
    let hash = partition_hash(&key.hash);
    let position = ItemPosition::lowest_at(hash);
    let position = ItemPosition { key, ..position };
    let partition = table.items().partition_for(&position);
    let Some(index_name) = &request.index_name else {
        return respond(&location(engine, name, None, partition, &position, hash));
    };
    let index = table.index(index_name).ok_or_else(|| {
        DynamoError::validation(format!(
            "The table does not have the specified index: {index_name}"
        ))
    })?;
    let item = partition.get(&position).ok_or_else(|| {
        DynamoError::validation("The item is not in the table, so it is in no index")
    })?;
    let entry = index
        .definition
        .position_of(&position.key, item)
        .ok_or_else(|| {
            DynamoError::validation(format!(
                "The item lacks the key attributes of index {index_name}, so it is not in it (a sparse index)"
            ))
        })?;
    let index_partition = index.entries.partition_for(&entry);
    respond(&location(
        engine,
        name,
        Some(index_name),
        index_partition,
        &entry,
        entry.hash,
    ))
}

/// Where `position` lives in `partition` and what each replica holds there.
fn location<P: Position>(
    engine: &Engine,
    table: &str,
    index: Option<&str>,
    partition: &Partition<P>,
    position: &P,
    hash: u64,
) -> ItemLocation {
    let now = engine.now_millis();
    let leader_copy = partition.get(position);
    let replicas = (0..REPLICAS)
        .map(|r| {
            let held = partition.get_at(position, ReadView::Replica { replica: r, now });
            ReplicaCopy {
                replica: r,
                availability_zone: zone(engine, r),
                role: role(partition, r),
                available: engine.zones.is_up(r),
                item: held.map(|item| serde_json::to_value(item).expect("an item serialises")),
                stale: held != leader_copy,
            }
        })
        .collect();
    ItemLocation {
        table_name: table.to_owned(),
        index_name: index.map(str::to_owned),
        partition_id: u64::from(partition.id),
        hash: hex(hash),
        replicas,
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetEventsRequest {
    pub table_name: Option<String>,
    /// Only events after this sequence number.
    pub after_sequence: Option<i64>,
    pub limit: Option<i64>,
}

pub fn get_events(engine: &mut Engine, request: GetEventsRequest) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.at_least("limit", request.limit, 1);
    v.at_least("afterSequence", request.after_sequence, 0);
    v.finish()?;
    let limit = request.limit.map_or(1000, |l| l as usize);
    let events = engine.events.since(
        request.after_sequence.unwrap_or(0) as u64,
        request.table_name.as_deref(),
        limit,
    );
    respond(&crate::contract::EventsDescription {
        events,
        last_sequence: engine.events.last_sequence(),
        recording: engine.events.is_enabled(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetActivityRequest {
    /// Only entries after this sequence number.
    pub after_sequence: Option<i64>,
    pub limit: Option<i64>,
    /// Only requests of this operation.
    pub operation: Option<String>,
    /// Only requests naming this table.
    pub table_name: Option<String>,
    /// Only requests from this sender.
    pub source: Option<String>,
    /// Only failed requests (true) or only successful ones (false).
    pub failed: Option<bool>,
    /// The newest `Limit` entries that match rather than the oldest (still oldest first).
    pub newest: Option<bool>,
}

/// `Dynoscope_GetActivity`: the activity log after a sequence number, filtered.
pub fn get_activity(
    engine: &mut Engine,
    request: GetActivityRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.at_least("limit", request.limit, 1);
    v.at_least("afterSequence", request.after_sequence, 0);
    v.finish()?;
    let limit = request.limit.map_or(1000, |l| l as usize);
    let after = request.after_sequence.unwrap_or(0) as u64;
    let keep = |e: &crate::contract::ActivityEntry| {
        request.operation.as_ref().is_none_or(|o| &e.operation == o)
            && (request.table_name.as_ref()).is_none_or(|t| e.table_names.contains(t))
            && request.source.as_ref().is_none_or(|s| &e.source == s)
            && request
                .failed
                .is_none_or(|failed| failed == (e.outcome != "OK"))
    };
    let entries = engine
        .activity
        .since(after, limit, request.newest.unwrap_or(false), keep);
    respond(&crate::contract::ActivityDescription {
        entries: entries.into_iter().cloned().collect(),
        last_sequence: engine.activity.last_sequence(),
        capacity: crate::activity::CAPACITY as u64,
    })
}
