//! Secondary indexes. A global secondary index (GSI) has its own key schema over any
//! attributes, its own keyspace of partitions and its own throughput; a local secondary
//! index (LSI) shares the table's partition key and adds another sort key. Either holds, for
//! each table item that has its key attributes (indexes are sparse), an entry made of the
//! table key, the index key and the projected attributes.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::error::DynamoError;
use crate::heat::HeatMap;
use crate::key::{KeyAttribute, KeySchema, KeyValue, PrimaryKey};
use crate::partition::{
    IndexPosition, Keyspace, SplitRecord, partition_hash, partition_hash_of,
    partition_hash_of_parts,
};
use crate::value::{AttributeValue, Item, item_size};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IndexKind {
    Global,
    Local,
}

/// Which attributes an index entry carries besides the keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Projection {
    All,
    KeysOnly,
    Include(Vec<String>),
}

impl Projection {
    pub fn type_name(&self) -> &'static str {
        match self {
            Projection::All => "ALL",
            Projection::KeysOnly => "KEYS_ONLY",
            Projection::Include(_) => "INCLUDE",
        }
    }
}

/// What an index is. Persisted inside its table's definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexDefinition {
    pub name: String,
    pub kind: IndexKind,
    pub key_schema: KeySchema,
    pub projection: Projection,
    /// A GSI's own provisioned throughput (read, write) on a provisioned table.
    pub throughput: Option<(u64, u64)>,
    pub arn: String,
    /// When the index was added; a GSI added by UpdateTable backfills until it is ACTIVE.
    #[serde(default)]
    pub active_from_millis: u64,
}

/// An item's index key values, borrowed: the first partition-key attribute's, the first
/// sort-key attribute's, and those of the other attributes of a multi-attribute key
/// (partition key ones first; empty, and never allocated, for a single-attribute key).
#[derive(Debug, PartialEq)]
struct KeyRefs<'a> {
    first: &'a AttributeValue,
    second: Option<&'a AttributeValue>,
    more: Vec<&'a AttributeValue>,
}

impl IndexDefinition {
    /// Whether `name` is carried in this index's entries.
    pub fn projects(&self, table_schema: &KeySchema, name: &str) -> bool {
        if table_schema.is_key_attribute(name) || self.key_schema.is_key_attribute(name) {
            return true;
        }
        match &self.projection {
            Projection::All => true,
            Projection::KeysOnly => false,
            Projection::Include(names) => names.iter().any(|n| n == name),
        }
    }

    /// Rejects an item whose index key attributes have the wrong type or are empty. Items
    /// that lack them are fine: they are simply not in the index.
    pub fn check_item(&self, item: &Item) -> Result<(), DynamoError> {
        for attr in self.key_schema.attributes() {
            let Some(value) = item.get(&attr.name) else {
                continue;
            };
            let matches = matches!(
                (value, attr.kind),
                (AttributeValue::S(_), crate::key::ScalarType::S)
                    | (AttributeValue::N(_), crate::key::ScalarType::N)
                    | (AttributeValue::B(_), crate::key::ScalarType::B)
            );
            if !matches {
                return Err(DynamoError::validation(format!(
                    "One or more parameter values were invalid: Type mismatch for Index Key {} Expected: {} Actual: {} IndexName: {}",
                    attr.name,
                    attr.kind.name(),
                    value.type_name(),
                    self.name
                )));
            }
            let empty = match value {
                AttributeValue::S(s) => s.is_empty(),
                AttributeValue::B(b) => b.is_empty(),
                _ => false,
            };
            if empty {
                return Err(DynamoError::validation(format!(
                    "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty {} value. IndexName: {}, IndexKey: {}",
                    if attr.kind == crate::key::ScalarType::B {
                        "binary"
                    } else {
                        "string"
                    },
                    self.name,
                    attr.name
                )));
            }
        }
        Ok(())
    }

    /// The values of an item's index key attributes, borrowed (partition key attributes
    /// first, then sort key ones), or None if the item is not in the index: what
    /// [`Self::key_of`] reads, without copying.
    fn key_values<'a>(&self, item: &'a Item) -> Option<KeyRefs<'a>> {
        let value = |attr: &KeyAttribute| -> Option<&'a AttributeValue> {
            let value = item.get(&attr.name)?;
            let fits = matches!(
                (value, attr.kind),
                (AttributeValue::S(_), crate::key::ScalarType::S)
                    | (AttributeValue::N(_), crate::key::ScalarType::N)
                    | (AttributeValue::B(_), crate::key::ScalarType::B)
            );
            fits.then_some(value)
        };
        let first = value(&self.key_schema.hash)?;
        let second = match &self.key_schema.range {
            Some(attr) => Some(value(attr)?),
            None => None,
        };
        let more = match self.key_schema.is_multi_attribute() {
            true => (self.key_schema.more_hash.iter())
                .chain(&self.key_schema.more_range)
                .map(value)
                .collect::<Option<Vec<_>>>()?,
            false => Vec::new(),
        };
        Some(KeyRefs {
            first,
            second,
            more,
        })
    }

    /// The partition hash of the entry an item's key values make.
    fn hash_of(&self, key: &KeyRefs) -> u64 {
        if !self.key_schema.is_multi_attribute() || self.key_schema.more_hash.is_empty() {
            return partition_hash_of(key.first).unwrap_or(0);
        }
        let more = &key.more[..self.key_schema.more_hash.len()];
        let values: Vec<&AttributeValue> = std::iter::once(key.first)
            .chain(more.iter().copied())
            .collect();
        partition_hash_of_parts(&values).unwrap_or(0)
    }

    /// The index key of an item, or None if the item is not in the index.
    pub fn key_of(&self, item: &Item) -> Option<PrimaryKey> {
        let value = |attr: &KeyAttribute| -> Option<KeyValue> {
            match (item.get(&attr.name)?, attr.kind) {
                (AttributeValue::S(s), crate::key::ScalarType::S) => Some(KeyValue::S(s.clone())),
                (AttributeValue::N(n), crate::key::ScalarType::N) => Some(KeyValue::N(*n)),
                (AttributeValue::B(b), crate::key::ScalarType::B) => Some(KeyValue::B(b.clone())),
                _ => None,
            }
        };
        if !self.key_schema.is_multi_attribute() {
            let hash = value(&self.key_schema.hash)?;
            let range = match &self.key_schema.range {
                Some(attr) => Some(value(attr)?),
                None => None,
            };
            return Some(PrimaryKey { hash, range });
        }
        let hash: Vec<KeyValue> = self
            .key_schema
            .hash_attributes()
            .map(value)
            .collect::<Option<_>>()?;
        let range: Vec<KeyValue> = self
            .key_schema
            .range_attributes()
            .map(value)
            .collect::<Option<_>>()?;
        Some(PrimaryKey {
            hash: KeyValue::of_parts(hash),
            range: (!range.is_empty()).then(|| KeyValue::of_parts(range)),
        })
    }

    /// What a table write from `old` to `new` does to this index, by DynamoDB's rules: a
    /// new entry is a put, a vanished one a delete, a moved one (its index key changed)
    /// both, a changed one an update of the larger size; an unchanged or absent entry costs
    /// nothing, and is the only kind of write that costs nothing. Worked out without
    /// building either entry: capacity is planned before every write, and a write whose
    /// entry is unchanged builds none.
    pub fn write_plan(
        &self,
        table_schema: &KeySchema,
        old: Option<&Item>,
        new: Option<&Item>,
    ) -> EntryWrite {
        let old = old.and_then(|item| Some((self.key_values(item)?, item)));
        let new = new.and_then(|item| Some((self.key_values(item)?, item)));
        let units = |item: &Item| {
            self.projected_size(table_schema, item)
                .div_ceil(1024)
                .max(1) as f64
        };
        let at = |key: &KeyRefs| self.hash_of(key);
        let parts = match (&old, &new) {
            (None, None) => [None, None],
            (None, Some((nk, n))) => [Some((at(nk), units(n))), None],
            (Some((ok, o)), None) => [Some((at(ok), units(o))), None],
            (Some((ok, o)), Some((nk, n))) if ok != nk => {
                [Some((at(ok), units(o))), Some((at(nk), units(n)))]
            }
            (Some((_, o)), Some((_, n))) if self.projects_alike(table_schema, o, n) => [None, None],
            (Some((_, o)), Some((nk, n))) => [Some((at(nk), units(o).max(units(n)))), None],
        };
        EntryWrite { parts }
    }

    /// The names of the attributes an entry carries when the index carries a fixed set
    /// (KEYS_ONLY, INCLUDE): the table's and the index's key attributes and any included
    /// ones, each once. None when it carries everything (ALL).
    fn carried_names<'a>(
        &'a self,
        table_schema: &'a KeySchema,
    ) -> Option<impl Iterator<Item = &'a str> + 'a> {
        let included: &[String] = match &self.projection {
            Projection::All => return None,
            Projection::KeysOnly => &[],
            Projection::Include(names) => names,
        };
        let names = move || {
            table_schema
                .names()
                .chain(self.key_schema.names())
                .chain(included.iter().map(String::as_str))
        };
        Some(
            names()
                .enumerate()
                .filter(move |&(i, name)| !names().take(i).any(|earlier| earlier == name))
                .map(|(_, name)| name),
        )
    }

    /// The size of the entry `item` makes, as DynamoDB counts it (what `entry_of` would
    /// project), without building it.
    fn projected_size(&self, table_schema: &KeySchema, item: &Item) -> usize {
        match self.carried_names(table_schema) {
            None => item_size(item),
            Some(names) => names
                .filter_map(|name| item.get_key_value(name))
                .map(|(name, value)| name.len() + value.size())
                .sum(),
        }
    }

    /// Whether two items make the same entry attributes.
    fn projects_alike(&self, table_schema: &KeySchema, a: &Item, b: &Item) -> bool {
        match self.carried_names(table_schema) {
            None => a == b,
            Some(mut names) => names.all(|name| a.get(name) == b.get(name)),
        }
    }

    /// The attributes of `item` this index carries, in name order.
    fn projected<'a>(
        &'a self,
        table_schema: &'a KeySchema,
        item: &'a Item,
    ) -> impl Iterator<Item = (&'a String, &'a AttributeValue)> + 'a {
        item.iter()
            .filter(|(name, _)| self.projects(table_schema, name))
    }

    /// Where an item's entry sits in this index, or None if the item is not in it.
    pub fn position_of(&self, table_key: &PrimaryKey, item: &Item) -> Option<IndexPosition> {
        let index_key = self.key_of(item)?;
        Some(IndexPosition {
            hash: partition_hash(&index_key.hash),
            index_key,
            table_key: table_key.clone(),
        })
    }

    /// The entry an item makes in this index: its position and projected attributes.
    pub fn entry_of(
        &self,
        table_schema: &KeySchema,
        table_key: &PrimaryKey,
        item: &Item,
    ) -> Option<(IndexPosition, Item)> {
        let index_key = self.key_of(item)?;
        let projected: Item = self
            .projected(table_schema, item)
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        let position = IndexPosition {
            hash: partition_hash(&index_key.hash),
            index_key,
            table_key: table_key.clone(),
        };
        Some((position, projected))
    }
}

/// What one table write does to one index entry: for each index partition it touches,
/// the entry's partition hash and the write units it costs there. A put or an update
/// touches the entry's partition, a delete the old entry's, and a move (the index key
/// changed) both: a delete in the old partition and a put in the new.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntryWrite {
    pub parts: [Option<(u64, f64)>; 2],
}

impl EntryWrite {
    /// The write units it costs the index in all.
    pub fn units(&self) -> f64 {
        self.parts.iter().flatten().map(|&(_, units)| units).sum()
    }

    /// The partitions it touches, with their units.
    pub fn touched(&self) -> impl Iterator<Item = (u64, f64)> + '_ {
        self.parts.iter().flatten().copied()
    }
}

/// An index and its entries. A global index is updated asynchronously: a table write queues
/// the change to its entry, which lands once the simulated propagation delay has passed
/// (changes land in the order they were made). Local indexes are updated with the table.
#[derive(Debug, Clone)]
pub struct Index {
    pub definition: IndexDefinition,
    pub entries: Keyspace<IndexPosition>,
    pending: VecDeque<PendingEntry>,
    last_apply_at: u64,
    /// How hot each partition's recent seconds were (global indexes split for heat).
    pub heat: HeatMap,
    /// Every split of the index's partitions so far, oldest first.
    pub splits: Vec<SplitRecord>,
}

/// A change to one entry that has not reached the index yet: the entry to remove (by its
/// position) and the one to store.
#[derive(Debug, Clone)]
struct PendingEntry {
    apply_at: u64,
    old: Option<IndexPosition>,
    new: Option<(IndexPosition, Item)>,
}

impl Index {
    pub fn new(definition: IndexDefinition) -> Self {
        // A provisioned global index starts with the partitions its own throughput needs,
        // as a table does; an on-demand one (or a local index) with one.
        let partitions = definition.throughput.map_or(1, |(read, write)| {
            crate::partition::partitions_for_throughput(read, write)
        });
        Index {
            definition,
            entries: Keyspace::with_partitions(partitions),
            pending: VecDeque::new(),
            last_apply_at: 0,
            heat: HeatMap::default(),
            splits: Vec::new(),
        }
    }

    /// Queues a change to one table item's entry (`old` removed, `new` stored) to land `lag`
    /// milliseconds after `now`; it lands at once when nothing is queued and there is no lag.
    pub fn propagate(
        &mut self,
        old: Option<IndexPosition>,
        new: Option<(IndexPosition, Item)>,
        now: u64,
        lag: u64,
    ) {
        self.catch_up(now);
        if lag == 0 && self.pending.is_empty() {
            return self.land(old, new);
        }
        let apply_at = (now + lag).max(self.last_apply_at);
        self.last_apply_at = apply_at;
        self.pending.push_back(PendingEntry { apply_at, old, new });
    }

    /// Lands every queued change due by `now`.
    pub fn catch_up(&mut self, now: u64) {
        while self.pending.front().is_some_and(|p| p.apply_at <= now) {
            let change = self.pending.pop_front().expect("checked non-empty");
            self.land(change.old, change.new);
        }
    }

    /// Changes written to the table that have not reached the index yet.
    pub fn pending_changes(&self) -> usize {
        self.pending.len()
    }

    /// Changes one entry now: removes the entry at `old`, stores `new`.
    pub fn land(&mut self, old: Option<IndexPosition>, new: Option<(IndexPosition, Item)>) {
        if let Some(position) = &old {
            self.entries.delete(position);
        }
        if let Some((position, item)) = new {
            self.entries.put(position, item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::ScalarType;

    fn attribute(name: &str, kind: ScalarType) -> KeyAttribute {
        KeyAttribute {
            name: name.into(),
            kind,
        }
    }

    fn definition(projection: Projection) -> IndexDefinition {
        IndexDefinition {
            name: "by_g".into(),
            kind: IndexKind::Global,
            key_schema: KeySchema {
                hash: attribute("g", ScalarType::S),
                range: None,
                more_hash: Vec::new(),
                more_range: Vec::new(),
            },
            projection,
            throughput: None,
            arn: String::new(),
            active_from_millis: 0,
        }
    }

    fn item(pairs: &[(&str, &str)]) -> Item {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), AttributeValue::S(v.to_string())))
            .collect()
    }

    fn schema() -> KeySchema {
        KeySchema {
            hash: attribute("pk", ScalarType::S),
            range: None,
            more_hash: Vec::new(),
            more_range: Vec::new(),
        }
    }

    fn units(index: &IndexDefinition, old: Option<&Item>, new: Option<&Item>) -> f64 {
        index.write_plan(&schema(), old, new).units()
    }

    #[test]
    fn a_new_entry_costs_a_put_of_its_projected_size() {
        let index = definition(Projection::KeysOnly);
        let big = "x".repeat(3000);
        let new = item(&[("pk", "k"), ("g", "a"), ("other", &big)]);
        assert_eq!(
            units(&index, None, Some(&new)),
            1.0,
            "only the keys are projected"
        );
        assert_eq!(units(&definition(Projection::All), None, Some(&new)), 3.0);
    }

    #[test]
    fn a_vanished_entry_costs_a_delete() {
        let index = definition(Projection::All);
        let old = item(&[("pk", "k"), ("g", "a")]);
        assert_eq!(units(&index, Some(&old), Some(&item(&[("pk", "k")]))), 1.0);
        assert_eq!(units(&index, Some(&old), None), 1.0);
    }

    #[test]
    fn a_moved_entry_costs_a_delete_and_a_put() {
        let index = definition(Projection::All);
        let big = "x".repeat(3000);
        let old = item(&[("pk", "k"), ("g", "a"), ("other", &big)]);
        let new = item(&[("pk", "k"), ("g", "b")]);
        assert_eq!(units(&index, Some(&old), Some(&new)), 4.0);
    }

    #[test]
    fn a_changed_entry_costs_an_update_of_the_larger_size() {
        let index = definition(Projection::Include(vec!["kept".into()]));
        let big = "x".repeat(3000);
        let old = item(&[("pk", "k"), ("g", "a"), ("kept", &big)]);
        let new = item(&[("pk", "k"), ("g", "a"), ("kept", "small")]);
        assert_eq!(units(&index, Some(&old), Some(&new)), 3.0);
        assert_eq!(units(&index, Some(&new), Some(&old)), 3.0);
    }

    #[test]
    fn an_entry_the_write_does_not_change_costs_nothing() {
        let index = definition(Projection::KeysOnly);
        let old = item(&[("pk", "k"), ("g", "a"), ("other", "1")]);
        let new = item(&[("pk", "k"), ("g", "a"), ("other", "2")]);
        assert_eq!(
            units(&index, Some(&old), Some(&new)),
            0.0,
            "the change is outside the projection"
        );
        assert_eq!(
            units(
                &index,
                Some(&item(&[("pk", "k")])),
                Some(&item(&[("pk", "k"), ("other", "3")]))
            ),
            0.0,
            "never in the index"
        );
    }

    #[test]
    fn the_planned_size_is_the_size_of_the_entry_built() {
        let table_key = PrimaryKey {
            hash: KeyValue::S("k".into()),
            range: None,
        };
        let items = [
            item(&[("pk", "k"), ("g", "a")]),
            item(&[("pk", "k"), ("g", "a"), ("kept", "2"), ("other", "333")]),
        ];
        // An index keyed on the table's own key attribute too, and an INCLUDE naming keys:
        // every attribute must count once.
        let mut overlapping = definition(Projection::Include(vec![
            "kept".into(),
            "pk".into(),
            "g".into(),
        ]));
        overlapping.key_schema.range = Some(attribute("pk", ScalarType::S));
        let indexes = [
            definition(Projection::All),
            definition(Projection::KeysOnly),
            overlapping,
        ];
        for index in &indexes {
            for it in &items {
                let (_, entry) = index
                    .entry_of(&schema(), &table_key, it)
                    .expect("in the index");
                assert_eq!(
                    index.projected_size(&schema(), it),
                    crate::value::item_size(&entry),
                    "{:?} {it:?}",
                    index.projection
                );
            }
        }
    }

    #[test]
    fn a_moved_entry_is_deleted_from_its_old_partition_and_put_in_its_new_one() {
        let index = definition(Projection::All);
        let big = "x".repeat(3000);
        let (a, b) = (
            item(&[("pk", "k"), ("g", "a"), ("v", &big)]),
            item(&[("pk", "k"), ("g", "b")]),
        );
        let hash = |v: &str| partition_hash(&KeyValue::S(v.into()));
        let touched: Vec<(u64, f64)> = index
            .write_plan(&schema(), Some(&a), Some(&b))
            .touched()
            .collect();
        assert_eq!(touched, vec![(hash("a"), 3.0), (hash("b"), 1.0)]);
        let deleted: Vec<(u64, f64)> = index
            .write_plan(&schema(), Some(&a), None)
            .touched()
            .collect();
        assert_eq!(deleted, vec![(hash("a"), 3.0)]);
        assert_eq!(index.write_plan(&schema(), None, None).touched().count(), 0);
    }

    #[test]
    fn changes_land_in_order_after_their_delay() {
        let table_key = PrimaryKey {
            hash: KeyValue::S("k".into()),
            range: None,
        };
        let mut index = Index::new(definition(Projection::All));
        let (a, b) = (
            item(&[("pk", "k"), ("g", "a")]),
            item(&[("pk", "k"), ("g", "b")]),
        );
        let def = index.definition.clone();
        index.propagate(None, def.entry_of(&schema(), &table_key, &a), 1_000, 500);
        index.propagate(
            def.position_of(&table_key, &a),
            def.entry_of(&schema(), &table_key, &b),
            1_100,
            10,
        );
        index.catch_up(1_499);
        assert_eq!(index.entries.item_count(), 0);
        index.catch_up(1_500);
        let keys: Vec<_> = index
            .entries
            .walk(0, None)
            .map(|(p, _)| p.index_key.hash.clone())
            .collect();
        assert_eq!(
            keys,
            vec![KeyValue::S("b".into())],
            "the later change cannot overtake the earlier one"
        );
        assert_eq!(index.pending_changes(), 0);
    }
}
