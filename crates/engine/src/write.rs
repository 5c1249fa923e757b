//! The write pipeline: every item write (a put or delete by any operation, a TTL sweep)
//! goes through [`commit_write`], which draws how the write reaches the replicas and the
//! global indexes, applies it to the table, records the durable change, the stream record
//! and the event, and then lets the partition split for size or heat ([`crate::splits`]).
//! Operations check a write (key, size, condition, throughput) before they call it;
//! nothing here refuses. Restores and imports fill a new table through `load_items`
//! instead: at once everywhere, with no stream records, events or capacity.

use crate::engine::Engine;
use crate::key::PrimaryKey;
use crate::partition::{ItemPosition, WriteTiming};
use crate::splits::{note_heat, note_index_heat, split_if_oversized};
use crate::stream::WriteIdentity;
use crate::table::WriteOutcome;
use crate::units::write_units;
use crate::value::{Item, item_size};

/// Applies a checked write (a put with `Some`, a delete with `None`): stores it, records it
/// for persistence and in the table's stream, and keeps the indexes in step.
pub(crate) fn commit_write(
    engine: &mut Engine,
    table_name: &str,
    key: PrimaryKey,
    new: Option<Item>,
) -> WriteOutcome {
    commit_write_as(engine, table_name, key, new, WriteIdentity::Caller)
}

/// Deletes an expired item for TTL: a [`commit_write`] whose stream record carries the
/// service's identity.
pub(crate) fn commit_ttl_delete(
    engine: &mut Engine,
    table_name: &str,
    key: PrimaryKey,
) -> WriteOutcome {
    commit_write_as(engine, table_name, key, None, WriteIdentity::TimeToLive)
}

/// [`commit_write`] on behalf of `identity`.
fn commit_write_as(
    engine: &mut Engine,
    table_name: &str,
    key: PrimaryKey,
    new: Option<Item>,
    identity: WriteIdentity,
) -> WriteOutcome {
    let settings = engine.simulation_for(table_name);
    let now = engine.now_millis();
    let position = ItemPosition::of(key);
    let key = &position.key;
    let table = engine
        .tables
        .get_mut(table_name)
        .expect("a checked write names an existing table");
    let replication = settings.replication(engine.zones.up(), &mut engine.rng);
    let index_lags = (0..table.global_index_count())
        .map(|_| settings.gsi_propagation.sample(&mut engine.rng))
        .collect();
    let is_put = new.is_some();
    let new_size = new.as_ref().map_or(0, item_size);
    let outcome = table.write_at(
        &position,
        new,
        &WriteTiming {
            now,
            replication,
            index_lags,
        },
    );
    #[cfg(feature = "extras")]
    if let Some(recovery) = table.definition.point_in_time_recovery
        && let Some(history) = engine.pitr.get_mut(table_name)
    {
        history.record(now, key, outcome.old.clone());
        history.forget_before(now.saturating_sub(recovery.period_millis()));
    }
    if engine.log.is_enabled() && (is_put || outcome.old.is_some()) {
        let key_item = table.key_schema().key_item(key);
        match table.get(key) {
            Some(stored) => engine.log.put(table_name, &key_item, stored),
            None => engine.log.delete(table_name, &key_item),
        }
    }
    crate::stream::record_write(engine, table_name, key, &outcome, identity);
    #[cfg(feature = "extras")]
    crate::regions::replicate_write(engine, table_name, key);
    record_write_event(engine, table_name, &position, is_put, identity);
    split_if_oversized(
        engine,
        table_name,
        &position,
        settings.partition_size_limit_bytes,
        now,
    );
    if identity != WriteIdentity::TimeToLive {
        let units = write_units(outcome.old.as_deref().map_or(0, item_size).max(new_size));
        note_heat(engine, table_name, &position, units, &settings);
        for &(at, hash, units) in &outcome.index_writes {
            note_index_heat(engine, table_name, at, hash, units);
        }
    }
    outcome
}

#[cfg(feature = "extras")]
/// Loads items into a new table all at once, as a restore or an import does: every replica
/// and index has them at once, each is recorded for persistence, and none makes a stream
/// record, an event or a capacity charge (DynamoDB's restores and imports write no stream
/// records). Every item is keyed before any is stored, so a bad one changes nothing.
/// Partitions then split as the size asks.
pub(crate) fn load_items(
    engine: &mut Engine,
    table_name: &str,
    items: Vec<Item>,
) -> Result<(), crate::error::DynamoError> {
    let now = engine.now_millis();
    let limit = engine.simulation_for(table_name).partition_size_limit_bytes;
    let table = engine
        .tables
        .get_mut(table_name)
        .expect("items are loaded into an existing table");
    let schema = table.key_schema().clone();
    let keyed = (items.into_iter())
        .map(|item| Ok((schema.key_of_item(&item)?, item)))
        .collect::<Result<Vec<_>, crate::error::DynamoError>>()?;
    let timing = WriteTiming::immediate(now);
    for (key, item) in keyed {
        if engine.log.is_enabled() {
            engine.log.put(table_name, &schema.key_item(&key), &item);
        }
        table.write(key, Some(item), &timing);
    }
    table.split_oversized(limit, now);
    Ok(())
}

/// The event history's account of a write: where it landed and when each replica has it.
fn record_write_event(
    engine: &mut Engine,
    table_name: &str,
    position: &ItemPosition,
    is_put: bool,
    identity: WriteIdentity,
) {
    if !engine.events.is_enabled() {
        return;
    }
    let table = &engine.tables[table_name];
    let partition = table.items().partition_for(position);
    // A replica in a down zone has no apply time yet (null) until the zone is back.
    let applied: Vec<Option<u64>> = (0..crate::replica::REPLICAS)
        .map(|r| Some(partition.replicas.applied_until(r)).filter(|&t| t != u64::MAX))
        .collect();
    let (kind, operation) = match (identity, is_put) {
        (WriteIdentity::TimeToLive, _) => ("TTL_DELETE", "DELETE"),
        (_, true) => ("WRITE", "PUT"),
        (_, false) => ("WRITE", "DELETE"),
    };
    let detail = serde_json::json!({
        "Operation": operation,
        "Key": table.key_schema().key_item(&position.key),
        "PartitionId": partition.id,
        "LeaderReplica": partition.replicas.leader,
        "ReplicaAppliedAtMillis": applied,
    });
    let now = engine.now_millis();
    engine.events.record(now, kind, table_name, || detail);
}
