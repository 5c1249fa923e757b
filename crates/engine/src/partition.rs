//! Where items live. A partition key is hashed into a 64-bit keyspace; a table's partitions
//! split that keyspace into contiguous ranges, and each partition keeps its items ordered by
//! (hash, partition key, sort key). That order makes a Query a walk over one contiguous run
//! of a single partition, and a Scan a walk over the partitions in keyspace order, which is
//! the order DynamoDB returns scanned items in.

use std::collections::BTreeMap;
use std::ops::Bound;

use xxhash_rust::xxh3::Xxh3;

use crate::key::{KeyValue, PrimaryKey};
use crate::value::{Item, item_size};

/// The partition hash of a partition key value: stable across runs and platforms.
pub fn partition_hash(key: &KeyValue) -> u64 {
    let mut hasher = Xxh3::new();
    match key {
        KeyValue::S(s) => {
            hasher.update(b"S");
            hasher.update(s.as_bytes());
        }
        KeyValue::N(n) => {
            hasher.update(b"N");
            hasher.update(n.to_string().as_bytes());
        }
        KeyValue::B(b) => {
            hasher.update(b"B");
            hasher.update(b);
        }
    }
    hasher.digest()
}

/// Where an item sits in the keyspace: its partition hash first, then its key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemPosition {
    pub hash: u64,
    pub key: PrimaryKey,
}

impl ItemPosition {
    pub fn of(key: PrimaryKey) -> Self {
        ItemPosition { hash: partition_hash(&key.hash), key }
    }
}

/// One partition: a contiguous hash range `[start, end]` and the items in it.
#[derive(Debug, Clone)]
pub struct Partition {
    pub start: u64,
    pub end: u64,
    items: BTreeMap<ItemPosition, Item>,
    size_bytes: u64,
}

impl Partition {
    /// A partition covering the whole keyspace, as a new table starts with.
    pub fn whole_keyspace() -> Self {
        Partition { start: 0, end: u64::MAX, items: BTreeMap::new(), size_bytes: 0 }
    }

    pub fn contains(&self, hash: u64) -> bool {
        (self.start..=self.end).contains(&hash)
    }

    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    /// Sum of item sizes, as DynamoDB counts them.
    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    pub fn get(&self, position: &ItemPosition) -> Option<&Item> {
        self.items.get(position)
    }

    /// Stores an item, returning the one it replaced.
    pub fn put(&mut self, position: ItemPosition, item: Item) -> Option<Item> {
        self.size_bytes += item_size(&item) as u64;
        let old = self.items.insert(position, item);
        if let Some(old) = &old {
            self.size_bytes -= item_size(old) as u64;
        }
        old
    }

    pub fn delete(&mut self, position: &ItemPosition) -> Option<Item> {
        let old = self.items.remove(position);
        if let Some(old) = &old {
            self.size_bytes -= item_size(old) as u64;
        }
        old
    }

    /// Items in keyspace order, strictly after `after` when given.
    pub fn items_after<'a>(
        &'a self,
        after: Option<&ItemPosition>,
    ) -> impl Iterator<Item = (&'a ItemPosition, &'a Item)> + 'a {
        let lower = match after {
            Some(position) => Bound::Excluded(position.clone()),
            None => Bound::Unbounded,
        };
        self.items.range((lower, Bound::Unbounded))
    }
}
