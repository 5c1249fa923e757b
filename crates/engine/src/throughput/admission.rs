//! Admission: what reads, writes, failed conditions and transactions demand of which
//! partitions, and the doors operations go through before they take effect (or, with
//! throttling off, after: a write is then accounted from what it consumed).

use serde_json::{Value, json};

use super::{Capacity, Demand, Direction, Target};
use crate::error::DynamoError;
use crate::index::IndexKind;
use crate::key::PrimaryKey;
use crate::table::Table;
use crate::units::{Consumption, write_units};
use crate::value::{Item, item_size};

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
