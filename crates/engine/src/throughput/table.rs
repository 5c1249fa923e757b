//! A table's capacity: its own group and one per global index, following the table's
//! billing mode, partitions and indexes; a demand names the group it takes from by its
//! target, with the partition, the direction and the units.

use super::{Direction, Group, Mode, Window};
use crate::index::IndexKind;
use crate::table::Table;

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

    pub(super) fn group_mut(&mut self, target: Target) -> Option<&mut Group> {
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
