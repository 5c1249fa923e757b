//! A table: its definition (what CreateTable fixed and later calls changed, persisted as
//! JSON) and its partitions holding the items. Item access here is by primary key and by
//! keyspace walk; request parsing, conditions and capacity live in `ops`.

use serde::{Deserialize, Serialize};

use crate::key::{KeySchema, PrimaryKey, ScalarType};
use crate::partition::{ItemPosition, Partition, partition_hash};
use crate::value::Item;

/// How the table pays for throughput.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BillingMode {
    Provisioned { read_capacity_units: u64, write_capacity_units: u64 },
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
}

impl TableDefinition {
    /// `CREATING` until the control-plane delay has passed, then `ACTIVE`.
    pub fn status(&self, now_millis: u64) -> &'static str {
        if now_millis < self.created_at_millis + self.creating_for_millis { "CREATING" } else { "ACTIVE" }
    }
}

/// A table and its items.
#[derive(Debug, Clone)]
pub struct Table {
    pub definition: TableDefinition,
    partitions: Vec<Partition>,
}

impl Table {
    pub fn new(definition: TableDefinition) -> Self {
        Table { definition, partitions: vec![Partition::whole_keyspace()] }
    }

    pub fn key_schema(&self) -> &KeySchema {
        &self.definition.key_schema
    }

    pub fn partitions(&self) -> &[Partition] {
        &self.partitions
    }

    pub fn item_count(&self) -> u64 {
        self.partitions.iter().map(|p| p.item_count() as u64).sum()
    }

    pub fn size_bytes(&self) -> u64 {
        self.partitions.iter().map(Partition::size_bytes).sum()
    }

    fn partition_index(&self, hash: u64) -> usize {
        self.partitions.partition_point(|p| p.end < hash)
    }

    fn partition_for(&self, position: &ItemPosition) -> &Partition {
        &self.partitions[self.partition_index(position.hash)]
    }

    pub fn get(&self, key: &PrimaryKey) -> Option<&Item> {
        let position = ItemPosition::of(key.clone());
        self.partition_for(&position).get(&position)
    }

    /// Stores `item` under `key`, returning the item it replaced.
    pub fn put(&mut self, key: PrimaryKey, item: Item) -> Option<Item> {
        let position = ItemPosition::of(key);
        let index = self.partition_index(position.hash);
        self.partitions[index].put(position, item)
    }

    pub fn delete(&mut self, key: &PrimaryKey) -> Option<Item> {
        let position = ItemPosition::of(key.clone());
        let index = self.partition_index(position.hash);
        self.partitions[index].delete(&position)
    }

    /// Every item in scan order (partition by partition, keyspace order within), strictly
    /// after `after` when given.
    pub fn scan_after<'a>(
        &'a self,
        after: Option<&'a ItemPosition>,
    ) -> impl Iterator<Item = (&'a ItemPosition, &'a Item)> + 'a {
        let first = after.map_or(0, |p| self.partition_index(p.hash));
        self.partitions[first..].iter().enumerate().flat_map(move |(offset, partition)| {
            partition.items_after(if offset == 0 { after } else { None })
        })
    }

    /// The position an exclusive start key names.
    pub fn position_of(key: PrimaryKey) -> ItemPosition {
        let hash = partition_hash(&key.hash);
        ItemPosition { hash, key }
    }
}
