//! Partition splits as the engine performs them: for size after a write, and for heat
//! after reads and writes have kept a partition hot (of the table, or of a global index).
//! Each split takes its share of capacity with it, splits the partition's stream shard and
//! is told as a `SPLIT` event. The partitions themselves split in [`crate::table`].

use crate::engine::Engine;
use crate::partition::ItemPosition;

/// Counts units toward the heat of a global index's partition (an index write, or a read
/// at a third of its units), splitting it once it has been hot long enough.
pub(crate) fn note_index_heat(
    engine: &mut Engine,
    table_name: &str,
    at: usize,
    hash: u64,
    units: f64,
) {
    let (now, settings) = (engine.now_millis(), engine.simulation_for(table_name));
    let Some(table) = engine.tables.get_mut(table_name) else {
        return;
    };
    let threshold = settings.heat_split_units_per_second;
    let Some(split) =
        table.note_index_heat(at, hash, units, now, threshold, settings.heat_split_seconds)
    else {
        return;
    };
    let table = &engine.tables[table_name];
    engine
        .capacity
        .follow_split(table, crate::throughput::Target::Index(at), &split);
    let index = table.indexes()[at].definition.name.clone();
    engine.events.record(now, "SPLIT", table_name, || {
        serde_json::json!({"ParentPartitionId": split.parent, "ChildPartitionIds": split.children, "Reason": "THROUGHPUT", "IndexName": index})
    });
}

/// Counts a request's units toward its partition's heat, splitting it once it has been
/// hot long enough; the split's stream shard splits with it.
pub(crate) fn note_heat(
    engine: &mut Engine,
    table_name: &str,
    position: &ItemPosition,
    units: f64,
    settings: &crate::simulation::SimulationSettings,
) {
    let now = engine.now_millis();
    let Some(table) = engine.tables.get_mut(table_name) else {
        return;
    };
    let split = table.note_heat(
        position,
        units,
        now,
        settings.heat_split_units_per_second,
        settings.heat_split_seconds,
    );
    split_for_heat(engine, table_name, split, now);
}

/// [`note_heat`] for a Query or Scan page read from the partition holding `hash`, of the
/// table (or a local index, which lives with it) or of a global index: reads weigh a third
/// of writes, as 3,000 RCU match 1,000 WCU.
pub(crate) fn note_read_heat(
    engine: &mut Engine,
    table_name: &str,
    hash: u64,
    heat: crate::throughput::ReadHeat,
) {
    let read_units = match heat {
        crate::throughput::ReadHeat::Table(units) => units,
        crate::throughput::ReadHeat::GlobalIndex(at, units) => {
            return note_index_heat(engine, table_name, at, hash, units / 3.0);
        }
    };
    let (now, settings) = (engine.now_millis(), engine.simulation_for(table_name));
    let Some(table) = engine.tables.get_mut(table_name) else {
        return;
    };
    let split = table.note_read_heat(
        hash,
        read_units / 3.0,
        now,
        settings.heat_split_units_per_second,
        settings.heat_split_seconds,
    );
    split_for_heat(engine, table_name, split, now);
}

fn split_for_heat(
    engine: &mut Engine,
    table_name: &str,
    split: Option<crate::partition::Split>,
    now: u64,
) {
    if let Some(split) = split {
        engine.capacity.follow_split(
            &engine.tables[table_name],
            crate::throughput::Target::Table,
            &split,
        );
        crate::stream::split_shard(engine, table_name, split.parent, &split.children);
        engine.events.record(now, "SPLIT", table_name, || {
            serde_json::json!({"ParentPartitionId": split.parent, "ChildPartitionIds": split.children, "Reason": "THROUGHPUT"})
        });
    }
}

/// A write can push a partition past the size limit: it splits, and its stream shard with it.
pub(crate) fn split_if_oversized(
    engine: &mut Engine,
    table_name: &str,
    position: &ItemPosition,
    limit: u64,
    now: u64,
) {
    let Some(table) = engine.tables.get_mut(table_name) else {
        return;
    };
    for split in table.split_after_write(position, limit, now) {
        engine.capacity.follow_split(
            &engine.tables[table_name],
            crate::throughput::Target::Table,
            &split,
        );
        crate::stream::split_shard(engine, table_name, split.parent, &split.children);
        engine.events.record(now, "SPLIT", table_name, || {
            serde_json::json!({"ParentPartitionId": split.parent, "ChildPartitionIds": split.children, "Reason": "SIZE"})
        });
    }
}
