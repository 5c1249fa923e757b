//! Where items live. A partition key is hashed into a 64-bit keyspace; a table's (or a
//! global index's) partitions split that keyspace into contiguous ranges, and each partition
//! keeps its entries ordered by position: the hash first, then the key. That order makes a
//! Query a walk over one contiguous run of a single partition, and a Scan a walk over the
//! partitions in keyspace order, which is the order DynamoDB returns scanned items in.

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

/// Something with a place in the keyspace: table items and index entries.
pub trait Position: Ord + Clone {
    fn hash(&self) -> u64;
    /// A position at `hash` that sorts before every real entry with that hash.
    fn lowest_at(hash: u64) -> Self;
}

/// The smallest key of all: key values order S < N < B by variant, and no sort key first.
fn lowest_key() -> PrimaryKey {
    PrimaryKey { hash: KeyValue::S(String::new()), range: None }
}

/// Where a table item sits: its partition hash first, then its key.
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

impl Position for ItemPosition {
    fn hash(&self) -> u64 {
        self.hash
    }

    fn lowest_at(hash: u64) -> Self {
        ItemPosition { hash, key: lowest_key() }
    }
}

/// Where an index entry sits: the hash of its index partition key, its index key, and the
/// table key that makes it unique (index keys need not be).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndexPosition {
    pub hash: u64,
    pub index_key: PrimaryKey,
    pub table_key: PrimaryKey,
}

impl Position for IndexPosition {
    fn hash(&self) -> u64 {
        self.hash
    }

    fn lowest_at(hash: u64) -> Self {
        IndexPosition { hash, index_key: lowest_key(), table_key: lowest_key() }
    }
}

/// One partition: a contiguous hash range `[start, end]` and the entries in it. Ids are
/// unique within a keyspace and never reused; a partition made by a split names its parent.
#[derive(Debug, Clone)]
pub struct Partition<P> {
    pub id: u32,
    pub parent: Option<u32>,
    pub start: u64,
    pub end: u64,
    items: BTreeMap<P, Item>,
    size_bytes: u64,
}

impl<P: Position> Partition<P> {
    /// A partition covering the whole keyspace, as a new table starts with.
    pub fn whole_keyspace() -> Self {
        Partition { id: 0, parent: None, start: 0, end: u64::MAX, items: BTreeMap::new(), size_bytes: 0 }
    }

    pub fn contains(&self, hash: u64) -> bool {
        (self.start..=self.end).contains(&hash)
    }

    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    /// Sum of entry sizes, as DynamoDB counts them.
    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    pub fn get(&self, position: &P) -> Option<&Item> {
        self.items.get(position)
    }

    /// Stores an entry, returning the one it replaced.
    pub fn put(&mut self, position: P, item: Item) -> Option<Item> {
        self.size_bytes += item_size(&item) as u64;
        let old = self.items.insert(position, item);
        if let Some(old) = &old {
            self.size_bytes -= item_size(old) as u64;
        }
        old
    }

    pub fn delete(&mut self, position: &P) -> Option<Item> {
        let old = self.items.remove(position);
        if let Some(old) = &old {
            self.size_bytes -= item_size(old) as u64;
        }
        old
    }

    /// Entries in keyspace order within `(lower, upper)`.
    pub fn range<'a>(&'a self, lower: Bound<&P>, upper: Bound<&P>) -> impl DoubleEndedIterator<Item = (&'a P, &'a Item)> + use<'a, P> {
        self.items.range((lower.cloned(), upper.cloned()))
    }
}

/// A keyspace split into partitions: a table's items or a global index's entries.
#[derive(Debug, Clone)]
pub struct Keyspace<P> {
    partitions: Vec<Partition<P>>,
}

impl<P: Position> Keyspace<P> {
    pub fn new() -> Self {
        Keyspace { partitions: vec![Partition::whole_keyspace()] }
    }

    pub fn partitions(&self) -> &[Partition<P>] {
        &self.partitions
    }

    pub fn item_count(&self) -> u64 {
        self.partitions.iter().map(|p| p.item_count() as u64).sum()
    }

    pub fn size_bytes(&self) -> u64 {
        self.partitions.iter().map(Partition::size_bytes).sum()
    }

    /// The index of the partition holding `hash`.
    pub fn partition_index(&self, hash: u64) -> usize {
        self.partitions.partition_point(|p| p.end < hash)
    }

    /// The partition holding `hash`.
    pub fn partition_of(&self, hash: u64) -> &Partition<P> {
        &self.partitions[self.partition_index(hash)]
    }

    pub fn get(&self, position: &P) -> Option<&Item> {
        self.partitions[self.partition_index(position.hash())].get(position)
    }

    pub fn put(&mut self, position: P, item: Item) -> Option<Item> {
        let index = self.partition_index(position.hash());
        self.partitions[index].put(position, item)
    }

    pub fn delete(&mut self, position: &P) -> Option<Item> {
        let index = self.partition_index(position.hash());
        self.partitions[index].delete(position)
    }

    /// Every entry in keyspace order from `hash` on, or strictly after `after` when given.
    pub fn walk<'a>(&'a self, from_hash: u64, after: Option<P>) -> impl Iterator<Item = (&'a P, &'a Item)> + 'a {
        let first_position = after.as_ref().map_or(from_hash, P::hash);
        let first = self.partition_index(first_position);
        let lower = match after {
            Some(p) => Bound::Excluded(p),
            None => Bound::Included(P::lowest_at(from_hash)),
        };
        self.partitions[first..].iter().enumerate().flat_map(move |(offset, partition)| {
            let lower = if offset == 0 { lower.as_ref() } else { Bound::Unbounded };
            partition.range(lower, Bound::Unbounded)
        })
    }

    /// Entries within `(lower, upper)`, all in the partition holding `hash`, in either order.
    pub fn range_in<'a>(
        &'a self,
        hash: u64,
        lower: Bound<&P>,
        upper: Bound<&P>,
    ) -> impl DoubleEndedIterator<Item = (&'a P, &'a Item)> + use<'a, P> {
        self.partitions[self.partition_index(hash)].range(lower, upper)
    }
}

impl<P: Position> Default for Keyspace<P> {
    fn default() -> Self {
        Self::new()
    }
}
