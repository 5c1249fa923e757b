//! Where items live. A partition key is hashed into a 64-bit keyspace; a table's (or a
//! global index's) partitions split that keyspace into contiguous ranges, and each partition
//! keeps its entries ordered by position: the hash first, then the key. That order makes a
//! Query a walk over one contiguous run of a single partition, and a Scan a walk over the
//! partitions in keyspace order, which is the order DynamoDB returns scanned items in.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::ops::Bound;
use std::sync::Arc;

use xxhash_rust::xxh3::Xxh3;

use crate::key::{KeyValue, PrimaryKey};
use crate::replica::{Consistency, ReadView, ReplicaSet, Replication};
use crate::value::{AttributeValue, Item, item_size};

/// The partition hash of a partition key value: stable across runs and platforms.
pub fn partition_hash(key: &KeyValue) -> u64 {
    match key {
        KeyValue::S(s) => hash_tagged(b"S", s.as_bytes()),
        KeyValue::N(n) => hash_tagged(b"N", n.to_string().as_bytes()),
        KeyValue::B(b) => hash_tagged(b"B", b),
        KeyValue::Tuple(_) => hash_tagged(b"", &key.hash_bytes()),
    }
}

/// The partition hash of a key attribute's value (the hash [`partition_hash`] gives the
/// key value it makes); None for a type no key can have.
pub fn partition_hash_of(value: &AttributeValue) -> Option<u64> {
    match value {
        AttributeValue::S(s) => Some(hash_tagged(b"S", s.as_bytes())),
        AttributeValue::N(n) => Some(hash_tagged(b"N", n.to_string().as_bytes())),
        AttributeValue::B(b) => Some(hash_tagged(b"B", b)),
        _ => None,
    }
}

/// The partition hash of a multi-attribute partition key's values, in key-schema order
/// (one value hashes as [`partition_hash_of`] does); None if one is of a type no key has.
pub fn partition_hash_of_parts(values: &[&AttributeValue]) -> Option<u64> {
    match values {
        [one] => partition_hash_of(one),
        _ => {
            let parts = values.iter().map(|v| KeyValue::from_attribute(v));
            Some(partition_hash(&KeyValue::Tuple(
                parts.collect::<Option<_>>()?,
            )))
        }
    }
}

fn hash_tagged(tag: &[u8], bytes: &[u8]) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(tag);
    hasher.update(bytes);
    hasher.digest()
}

/// Partitions a keyspace provisioned for `read` RCU and `write` WCU needs: DynamoDB's
/// documented formula, one partition per 3,000 RCU plus one per 1,000 WCU, rounded up.
pub fn partitions_for_throughput(read: u64, write: u64) -> u32 {
    let needed = read as f64 / 3000.0 + write as f64 / 1000.0;
    (needed.ceil() as u32).max(1)
}

/// Something with a place in the keyspace: table items and index entries.
pub trait Position: Ord + Clone {
    fn hash(&self) -> u64;
    /// The key this position names, for display: the partition key's and sort key's values.
    fn key_values(&self) -> Vec<crate::value::AttributeValue>;
    /// A position at `hash` that sorts before every real entry with that hash.
    fn lowest_at(hash: u64) -> Self;
}

fn key_values(key: &PrimaryKey) -> Vec<crate::value::AttributeValue> {
    std::iter::once(key.hash.to_attribute())
        .chain(key.range.as_ref().map(KeyValue::to_attribute))
        .collect()
}

/// The smallest key of all: key values order S < N < B by variant, and no sort key first.
fn lowest_key() -> PrimaryKey {
    PrimaryKey {
        hash: KeyValue::S(String::new()),
        range: None,
    }
}

/// Where a table item sits: its partition hash first, then its key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemPosition {
    pub hash: u64,
    pub key: PrimaryKey,
}

impl ItemPosition {
    pub fn of(key: PrimaryKey) -> Self {
        ItemPosition {
            hash: partition_hash(&key.hash),
            key,
        }
    }
}

impl Position for ItemPosition {
    fn hash(&self) -> u64 {
        self.hash
    }

    fn lowest_at(hash: u64) -> Self {
        ItemPosition {
            hash,
            key: lowest_key(),
        }
    }

    fn key_values(&self) -> Vec<crate::value::AttributeValue> {
        key_values(&self.key)
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
        IndexPosition {
            hash,
            index_key: lowest_key(),
            table_key: lowest_key(),
        }
    }

    fn key_values(&self) -> Vec<crate::value::AttributeValue> {
        key_values(&self.index_key)
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
    /// Where the partition begins inside its start hash, when a split fell inside one
    /// partition key (by sort key); None: at the start of the hash.
    pub lower: Option<P>,
    /// Where the partition ends (exclusive) inside its end hash, likewise.
    pub upper: Option<P>,
    items: BTreeMap<P, Item>,
    size_bytes: u64,
    pub replicas: ReplicaSet<P>,
}

/// When a write happens, how it reaches the replicas, and how long global indexes take to
/// reflect it (one delay per global index, in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteTiming {
    pub now: u64,
    pub replication: Replication,
    pub index_lags: Vec<u64>,
}

impl WriteTiming {
    /// A write every copy reflects at once: restores, backfills, an unsimulated engine.
    pub fn immediate(now: u64) -> Self {
        WriteTiming {
            now,
            replication: Replication::IMMEDIATE,
            index_lags: Vec::new(),
        }
    }
}

impl<P: Position> Partition<P> {
    /// A partition covering the whole keyspace, as a new table starts with.
    pub fn whole_keyspace() -> Self {
        Partition {
            id: 0,
            parent: None,
            start: 0,
            end: u64::MAX,
            lower: None,
            upper: None,
            items: BTreeMap::new(),
            size_bytes: 0,
            replicas: ReplicaSet::default(),
        }
    }

    pub fn contains(&self, hash: u64) -> bool {
        (self.start..=self.end).contains(&hash)
    }

    /// Where its entries' partition keys hash: how many fall in each of `buckets` equal
    /// slices of its range, first slice first.
    pub fn density(&self, buckets: usize) -> Vec<u32> {
        let mut counts = vec![0u32; buckets.max(1)];
        let span = u128::from(self.end - self.start) + 1;
        for position in self.items.keys() {
            let offset = u128::from(position.hash().saturating_sub(self.start));
            let bucket = (offset * counts.len() as u128 / span) as usize;
            let last = counts.len() - 1;
            counts[bucket.min(last)] += 1;
        }
        counts
    }

    /// Whether every position of this partition comes before `position`.
    fn ends_before(&self, position: &P) -> bool {
        self.end < position.hash()
            || (self.end == position.hash() && self.upper.as_ref().is_some_and(|u| u <= position))
    }

    /// The first position the partition can hold.
    fn first_position(&self) -> P {
        self.lower
            .clone()
            .unwrap_or_else(|| P::lowest_at(self.start))
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

    /// The entry as the replica in `view` holds it.
    pub fn get_at(&self, position: &P, view: ReadView) -> Option<&Item> {
        match self.replicas.override_at(position, view) {
            Some(held) => held,
            None => self.items.get(position),
        }
    }

    /// Entries within `(lower, upper)` as the replica in `view` holds them, ascending or
    /// descending.
    pub fn range_at<'a>(
        &'a self,
        lower: Bound<&P>,
        upper: Bound<&P>,
        view: ReadView,
        forward: bool,
    ) -> Box<dyn Iterator<Item = (&'a P, &'a Item)> + 'a> {
        if !bounds_ordered(lower, upper) {
            return Box::new(std::iter::empty());
        }
        let current = self.items.range((lower.cloned(), upper.cloned()));
        if self.replicas.is_caught_up() || view == ReadView::Leader {
            return if forward {
                Box::new(current)
            } else {
                Box::new(current.rev())
            };
        }
        let in_bounds = |p: &P| {
            (match lower {
                Bound::Included(l) => p >= l,
                Bound::Excluded(l) => p > l,
                Bound::Unbounded => true,
            }) && (match upper {
                Bound::Included(u) => p <= u,
                Bound::Excluded(u) => p < u,
                Bound::Unbounded => true,
            })
        };
        let overrides: Vec<(&'a P, Option<&'a Item>)> = self
            .replicas
            .overrides(view)
            .into_iter()
            .filter(|(p, _)| in_bounds(p))
            .collect();
        if forward {
            Box::new(MergeView::new(current, overrides.into_iter(), true))
        } else {
            Box::new(MergeView::new(
                current.rev(),
                overrides.into_iter().rev(),
                false,
            ))
        }
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

    /// Stores (`Some`) or removes (`None`) an entry and logs it for the replicas that apply
    /// it later. Returns the entry it replaced (shared with the replicas' log), the entry
    /// now stored, and the partition's size after the write.
    pub fn write(
        &mut self,
        position: P,
        new: Option<Item>,
        timing: &WriteTiming,
    ) -> (Option<Arc<Item>>, Option<&Item>, u64) {
        let (now, replication) = (timing.now, timing.replication);
        let Some(item) = new else {
            let old = self.items.remove(&position).map(Arc::new);
            if let Some(old) = &old {
                self.size_bytes -= item_size(old) as u64;
            }
            self.replicas
                .record(&position, old.as_ref(), now, replication);
            return (old, None, self.size_bytes);
        };
        self.size_bytes += item_size(&item) as u64;
        match self.items.entry(position) {
            Entry::Occupied(mut entry) => {
                let old = Arc::new(std::mem::replace(entry.get_mut(), item));
                self.size_bytes -= item_size(&old) as u64;
                self.replicas
                    .record(entry.key(), Some(&old), now, replication);
                (Some(old), Some(&*entry.into_mut()), self.size_bytes)
            }
            Entry::Vacant(entry) => {
                self.replicas.record(entry.key(), None, now, replication);
                (None, Some(&*entry.insert(item)), self.size_bytes)
            }
        }
    }

    /// Entries in keyspace order within `(lower, upper)`.
    pub fn range<'a>(
        &'a self,
        lower: Bound<&P>,
        upper: Bound<&P>,
    ) -> impl DoubleEndedIterator<Item = (&'a P, &'a Item)> + use<'a, P> {
        // Bounds that cross select nothing (BTreeMap::range would panic on them).
        let bounds = match (bounds_ordered(lower, upper), lower) {
            (false, Bound::Included(k) | Bound::Excluded(k)) => {
                (Bound::Included(k.clone()), Bound::Excluded(k.clone()))
            }
            _ => (lower.cloned(), upper.cloned()),
        };
        self.items.range(bounds)
    }
}

/// Whether `(lower, upper)` is a range BTreeMap accepts (start not past end, and not an
/// empty exclusive pair).
fn bounds_ordered<P: Ord>(lower: Bound<&P>, upper: Bound<&P>) -> bool {
    match (lower, upper) {
        (Bound::Excluded(l), Bound::Excluded(u)) => l < u,
        (Bound::Included(l) | Bound::Excluded(l), Bound::Included(u) | Bound::Excluded(u)) => {
            l <= u
        }
        _ => true,
    }
}

/// A keyspace split into partitions: a table's items or a global index's entries.
#[derive(Debug, Clone)]
pub struct Keyspace<P> {
    partitions: Vec<Partition<P>>,
    /// Each partition's last hash, in keyspace order: a compact copy that lookups search
    /// without touching the partitions themselves.
    ends: Vec<u64>,
    /// Each partition's id, in keyspace order.
    ids: Vec<u32>,
    /// No partition holds more bytes than this (an upper bound).
    largest: u64,
    /// A fingerprint of the layout (which partitions, in which order), chained through
    /// every split: equal fingerprints mean equal layouts, compared in one step.
    fingerprint: u64,
    next_id: u32,
}

/// The layout fingerprint after `split`, from the one before it (see [`Keyspace`]).
pub fn fingerprint_after(fingerprint: u64, split: &Split) -> u64 {
    let mix = |a: u64, b: u64| {
        let mut z = (a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    mix(
        mix(
            mix(fingerprint, u64::from(split.parent)),
            u64::from(split.children[0]),
        ),
        u64::from(split.children[1]),
    )
}

/// Where a partition splits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitPoint<P> {
    /// The second child starts at this hash.
    Hash(u64),
    /// The second child starts at this position, inside one partition key.
    Key(P),
}

/// A split in a keyspace's history: when, which partitions, and why (`SIZE` or
/// `THROUGHPUT`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitRecord {
    pub at_millis: u64,
    pub split: Split,
    pub reason: &'static str,
}

/// One split: the partition that ended and the two that replaced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub parent: u32,
    pub children: [u32; 2],
    /// The first hash of the second child.
    pub at_hash: u64,
    /// Whether the split fell inside one partition key (by sort key).
    pub within_key: bool,
}

impl<P: Position> Keyspace<P> {
    pub fn new() -> Self {
        Keyspace {
            partitions: vec![Partition::whole_keyspace()],
            ends: vec![u64::MAX],
            ids: vec![0],
            largest: 0,
            fingerprint: 0,
            next_id: 1,
        }
    }

    /// A keyspace of `count` partitions of equal hash ranges, as a table provisioned for
    /// more than one partition's throughput starts.
    pub fn with_partitions(count: u32) -> Self {
        let mut keyspace = Self::new();
        while (keyspace.partitions.len() as u32) < count.max(1) {
            // Split the widest partition at its middle until there are enough.
            let widest = (0..keyspace.partitions.len())
                .max_by_key(|&i| keyspace.partitions[i].end - keyspace.partitions[i].start)
                .expect("never empty");
            let p = &keyspace.partitions[widest];
            let middle = p.start + (p.end - p.start) / 2 + 1;
            keyspace.split_at(widest, middle);
        }
        // Initial partitions are not children of anything.
        for partition in &mut keyspace.partitions {
            partition.parent = None;
        }
        keyspace
    }

    /// Refreshes the compact copies of the layout after it changed.
    fn reindex(&mut self) {
        self.ends = self.partitions.iter().map(|p| p.end).collect();
        self.ids = self.partitions.iter().map(|p| p.id).collect();
    }

    /// Splits partition `index` so that hashes from `at_hash` on go to a second child. Both
    /// children get fresh ids and name the parent; the replicas' logs divide with the data.
    pub fn split_at(&mut self, index: usize, at_hash: u64) -> Split {
        self.split(index, SplitPoint::Hash(at_hash))
    }

    /// Splits partition `index` at `point`: a hash (each child takes its side of the hash
    /// range) or a position inside one partition key (the children share that hash, divided
    /// by sort key, as DynamoDB's adaptive capacity may do for a hot item collection).
    pub fn split(&mut self, index: usize, point: SplitPoint<P>) -> Split {
        let mut parent = self.partitions.remove(index);
        let within_key = matches!(point, SplitPoint::Key(_));
        let (boundary, lower_end, upper_start, inside) = match point {
            SplitPoint::Hash(at) => (P::lowest_at(at), at - 1, at, None),
            SplitPoint::Key(at) => (at.clone(), at.hash(), at.hash(), Some(at)),
        };
        let upper_items = parent.items.split_off(&boundary);
        let upper_replicas = parent.replicas.split_off(&boundary);
        // The parent's size is kept exact, so only the child with fewer entries is summed.
        let size_of =
            |items: &BTreeMap<P, Item>| items.values().map(|i| item_size(i) as u64).sum::<u64>();
        let (lower_size, upper_size) = if upper_items.len() <= parent.items.len() {
            let upper = size_of(&upper_items);
            (parent.size_bytes - upper, upper)
        } else {
            let lower = size_of(&parent.items);
            (lower, parent.size_bytes - lower)
        };
        debug_assert_eq!(
            (lower_size, upper_size),
            (size_of(&parent.items), size_of(&upper_items))
        );
        let (first, second) = (self.next_id, self.next_id + 1);
        self.next_id += 2;
        let upper = Partition {
            id: second,
            parent: Some(parent.id),
            start: upper_start,
            end: parent.end,
            lower: inside.clone(),
            upper: parent.upper.take(),
            size_bytes: upper_size,
            items: upper_items,
            replicas: upper_replicas,
        };
        let lower = Partition {
            id: first,
            parent: Some(parent.id),
            start: parent.start,
            end: lower_end,
            lower: parent.lower.take(),
            upper: inside,
            size_bytes: lower_size,
            items: std::mem::take(&mut parent.items),
            replicas: parent.replicas,
        };
        self.partitions.insert(index, upper);
        self.partitions.insert(index, lower);
        self.reindex();
        let split = Split {
            parent: parent.id,
            children: [first, second],
            at_hash: upper_start,
            within_key,
        };
        self.fingerprint = fingerprint_after(self.fingerprint, &split);
        split
    }

    /// Where to split a partition so its data divides evenly: the hash of its middle entry,
    /// or, when every entry shares one hash (one item collection) and `by_key` allows it,
    /// the middle entry's position. None when there is nothing to divide.
    pub fn split_point(&self, index: usize, by_key: bool) -> Option<SplitPoint<P>> {
        let partition = &self.partitions[index];
        let first = partition.items.keys().next()?;
        if partition.items.keys().next_back()?.hash() == first.hash() {
            if !by_key || partition.items.len() < 2 {
                return None;
            }
            let middle = partition.items.keys().nth(partition.items.len() / 2)?;
            return (middle > first).then(|| SplitPoint::Key(middle.clone()));
        }
        self.median_hash(index).map(SplitPoint::Hash)
    }

    /// Where to split a partition so its data divides evenly: the hash of its middle entry.
    /// None when every entry shares one hash (one item collection cannot be split by hash).
    pub fn median_hash(&self, index: usize) -> Option<u64> {
        let partition = &self.partitions[index];
        let first = partition.items.keys().next()?.hash();
        // One hash throughout (a single item collection) cannot be divided: say so cheaply,
        // since an oversized collection is checked again on every write to it.
        if partition.items.keys().next_back()?.hash() == first {
            return None;
        }
        let middle = partition
            .items
            .keys()
            .nth(partition.items.len() / 2)?
            .hash();
        // The second child must start after the first entry's hash so both keep data.
        let at = if middle > first {
            middle
        } else {
            partition.items.keys().map(P::hash).find(|&h| h > first)?
        };
        (at > partition.start).then_some(at)
    }

    pub fn partitions(&self) -> &[Partition<P>] {
        &self.partitions
    }

    /// The partitions' ids in keyspace order.
    pub fn partition_ids(&self) -> &[u32] {
        &self.ids
    }

    /// The layout's fingerprint: equal for equal layouts of one keyspace's history.
    pub fn layout_fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Each partition's id and replicas, to change who leads (nothing else about the
    /// partitions can change through this).
    pub fn replica_sets_mut(&mut self) -> impl Iterator<Item = (u32, &mut ReplicaSet<P>)> {
        self.partitions.iter_mut().map(|p| (p.id, &mut p.replicas))
    }

    pub fn item_count(&self) -> u64 {
        self.partitions.iter().map(|p| p.item_count() as u64).sum()
    }

    pub fn size_bytes(&self) -> u64 {
        self.partitions.iter().map(Partition::size_bytes).sum()
    }

    /// The index of the partition holding `hash`.
    pub fn partition_index(&self, hash: u64) -> usize {
        self.ends.partition_point(|&end| end < hash)
    }

    /// The partition holding `hash` (the first, if a split inside one key shares it).
    pub fn partition_of(&self, hash: u64) -> &Partition<P> {
        &self.partitions[self.partition_index(hash)]
    }

    /// The index of the partition holding `position`.
    pub fn index_of(&self, position: &P) -> usize {
        // The first partition reaching the position's hash, then past any that a split
        // inside that hash ended before the position.
        let mut at = self.partition_index(position.hash());
        while self
            .partitions
            .get(at)
            .is_some_and(|p| p.ends_before(position))
        {
            at += 1;
        }
        at
    }

    /// The partition holding `position`.
    pub fn partition_for(&self, position: &P) -> &Partition<P> {
        &self.partitions[self.index_of(position)]
    }

    pub fn get(&self, position: &P) -> Option<&Item> {
        self.partitions[self.index_of(position)].get(position)
    }

    /// An entry as a read of `consistency` sees it.
    pub fn get_with(&self, position: &P, consistency: Consistency) -> Option<&Item> {
        let partition = self.partition_for(position);
        partition.get_at(position, consistency.view_for(partition.id))
    }

    /// Stores or removes an entry with replication timing; returns what it replaced and
    /// what it stored.
    pub fn write(
        &mut self,
        position: P,
        new: Option<Item>,
        timing: &WriteTiming,
    ) -> (Option<Arc<Item>>, Option<&Item>) {
        let index = self.index_of(&position);
        let (old, stored, size) = self.partitions[index].write(position, new, timing);
        self.largest = self.largest.max(size);
        (old, stored)
    }

    /// Every entry in keyspace order from `hash` on (or after `after`), as a read of
    /// `consistency` sees it: each partition's entries from the replica chosen for it.
    pub fn walk_with<'a>(
        &'a self,
        from_hash: u64,
        after: Option<P>,
        consistency: Consistency,
    ) -> impl Iterator<Item = (&'a P, &'a Item)> + 'a {
        let first = match &after {
            Some(p) => self.index_of(p),
            None => self.partition_index(from_hash),
        };
        let lower = match after {
            Some(p) => Bound::Excluded(p),
            None => Bound::Included(P::lowest_at(from_hash)),
        };
        self.partitions[first..]
            .iter()
            .enumerate()
            .flat_map(move |(offset, partition)| {
                let lower = if offset == 0 {
                    lower.as_ref()
                } else {
                    Bound::Unbounded
                };
                partition.range_at(
                    lower,
                    Bound::Unbounded,
                    consistency.view_for(partition.id),
                    true,
                )
            })
    }

    /// Entries within `(lower, upper)` around `hash`, in either order, as a read of
    /// `consistency` sees them. Usually one partition holds them all; after a split inside
    /// one partition key, the run continues into the next.
    pub fn range_with<'a>(
        &'a self,
        hash: u64,
        lower: Bound<&P>,
        upper: Bound<&P>,
        consistency: Consistency,
        forward: bool,
    ) -> Box<dyn Iterator<Item = (&'a P, &'a Item)> + 'a> {
        let first = match lower {
            Bound::Included(p) | Bound::Excluded(p) => self.index_of(p),
            Bound::Unbounded => self.partition_index(hash),
        };
        let begins_before_upper = |p: &Partition<P>| match upper {
            Bound::Included(u) => p.first_position() <= *u,
            Bound::Excluded(u) => p.first_position() < *u,
            Bound::Unbounded => p.start <= hash,
        };
        let mut last = first;
        while last + 1 < self.partitions.len() && begins_before_upper(&self.partitions[last + 1]) {
            last += 1;
        }
        let (lower, upper) = (lower.cloned(), upper.cloned());
        let parts = &self.partitions[first..=last];
        let read = move |p: &'a Partition<P>| {
            p.range_at(
                lower.as_ref(),
                upper.as_ref(),
                consistency.view_for(p.id),
                forward,
            )
        };
        if forward {
            Box::new(parts.iter().flat_map(read))
        } else {
            Box::new(parts.iter().rev().flat_map(read))
        }
    }

    pub fn put(&mut self, position: P, item: Item) -> Option<Item> {
        let index = self.index_of(&position);
        let old = self.partitions[index].put(position, item);
        self.largest = self.largest.max(self.partitions[index].size_bytes());
        old
    }

    /// The first partition holding more than `limit` bytes, if any. Cheap while no
    /// partition can be that large: the keyspace keeps an upper bound on partition sizes,
    /// raised by every write and tightened by a search that finds none.
    pub fn first_over(&mut self, limit: u64) -> Option<usize> {
        if self.largest <= limit {
            return None;
        }
        let found = self.partitions.iter().position(|p| p.size_bytes() > limit);
        if found.is_none() {
            self.largest = self
                .partitions
                .iter()
                .map(Partition::size_bytes)
                .max()
                .unwrap_or(0);
        }
        found
    }

    pub fn delete(&mut self, position: &P) -> Option<Item> {
        let index = self.index_of(position);
        self.partitions[index].delete(position)
    }

    /// Every entry in keyspace order from `hash` on, or strictly after `after` when given.
    pub fn walk<'a>(
        &'a self,
        from_hash: u64,
        after: Option<P>,
    ) -> impl Iterator<Item = (&'a P, &'a Item)> + 'a {
        let first = match &after {
            Some(p) => self.index_of(p),
            None => self.partition_index(from_hash),
        };
        let lower = match after {
            Some(p) => Bound::Excluded(p),
            None => Bound::Included(P::lowest_at(from_hash)),
        };
        self.partitions[first..]
            .iter()
            .enumerate()
            .flat_map(move |(offset, partition)| {
                let lower = if offset == 0 {
                    lower.as_ref()
                } else {
                    Bound::Unbounded
                };
                partition.range(lower, Bound::Unbounded)
            })
    }

    /// Entries within `(lower, upper)` around `hash`, forwards, from the leader's copy.
    pub fn range_in<'a>(
        &'a self,
        hash: u64,
        lower: Bound<&P>,
        upper: Bound<&P>,
    ) -> Box<dyn Iterator<Item = (&'a P, &'a Item)> + 'a> {
        self.range_with(hash, lower, upper, Consistency::Strong, true)
    }
}

impl<P: Position> Default for Keyspace<P> {
    fn default() -> Self {
        Self::new()
    }
}

/// A partition's current entries merged with the values a replica still holds for keys it
/// has not caught up on: both inputs are sorted in the walk's direction.
struct MergeView<'a, P, C, O>
where
    C: Iterator<Item = (&'a P, &'a Item)>,
    O: Iterator<Item = (&'a P, Option<&'a Item>)>,
    P: 'a,
{
    current: std::iter::Peekable<C>,
    overrides: std::iter::Peekable<O>,
    forward: bool,
}

impl<'a, P: Ord + 'a, C, O> MergeView<'a, P, C, O>
where
    C: Iterator<Item = (&'a P, &'a Item)>,
    O: Iterator<Item = (&'a P, Option<&'a Item>)>,
{
    fn new(current: C, overrides: O, forward: bool) -> Self {
        MergeView {
            current: current.peekable(),
            overrides: overrides.peekable(),
            forward,
        }
    }
}

impl<'a, P: Ord + 'a, C, O> Iterator for MergeView<'a, P, C, O>
where
    C: Iterator<Item = (&'a P, &'a Item)>,
    O: Iterator<Item = (&'a P, Option<&'a Item>)>,
{
    type Item = (&'a P, &'a Item);

    fn next(&mut self) -> Option<Self::Item> {
        use std::cmp::Ordering;
        loop {
            let order = match (self.current.peek(), self.overrides.peek()) {
                (None, None) => return None,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some((c, _)), Some((o, _))) => {
                    let order = c.cmp(o);
                    if self.forward { order } else { order.reverse() }
                }
            };
            match order {
                Ordering::Less => return self.current.next(),
                Ordering::Equal => {
                    self.current.next();
                }
                Ordering::Greater => {}
            }
            // The replica's own value wins for this key; a key it does not hold is skipped.
            if let Some((position, Some(item))) = self.overrides.next() {
                return Some((position, item));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> KeyValue {
        KeyValue::S(text.into())
    }

    #[test]
    fn a_multi_attribute_partition_key_hashes_every_attribute_together() {
        let na = partition_hash(&KeyValue::Tuple(vec![s("W24"), s("NA")]));
        let eu = partition_hash(&KeyValue::Tuple(vec![s("W24"), s("EU")]));
        assert_ne!(na, eu);
        assert_ne!(na, partition_hash(&s("W24")));
    }

    #[test]
    fn parts_do_not_run_together() {
        let ab_c = partition_hash(&KeyValue::Tuple(vec![s("ab"), s("c")]));
        let a_bc = partition_hash(&KeyValue::Tuple(vec![s("a"), s("bc")]));
        assert_ne!(ab_c, a_bc);
    }

    #[test]
    fn attribute_values_hash_as_the_key_value_they_make() {
        let values = [
            AttributeValue::S("W24".into()),
            AttributeValue::S("NA".into()),
        ];
        let refs: Vec<&AttributeValue> = values.iter().collect();
        let tuple = KeyValue::Tuple(vec![s("W24"), s("NA")]);
        assert_eq!(partition_hash_of_parts(&refs), Some(partition_hash(&tuple)));
        assert_eq!(
            partition_hash_of_parts(&refs[..1]),
            Some(partition_hash(&s("W24")))
        );
    }
}
