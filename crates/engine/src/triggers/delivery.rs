//! Where a mapping stands in each shard, and the batch it is working on. A shard is read by
//! `ParallelizationFactor` lanes; a record goes to the lane its partition key hashes to, so
//! one key's records stay in order (Lambda: "Lambda ... maintains in-order processing at the
//! partition-key level"). A lane holds one batch at a time: it is handed out, waits for its
//! outcome, waits out a retry, or is being bisected; until it is done nothing after it in
//! that lane moves, which is how one failing batch blocks its shard. A lane's position
//! (`after`) is the sequence number through which everything is done: delivered, filtered
//! out or discarded.

use std::collections::BTreeMap;

use serde_json::Value;
use xxhash_rust::xxh3::xxh3_64;

use super::filter::Filters;
use crate::stream::{Shard, StreamRecord};

/// Lambda's synchronous invocation payload limit, 6 MB: a batch stops growing before it.
pub const MAX_PAYLOAD_BYTES: u64 = 6 * 1024 * 1024;

/// A mapping's place in one shard: a lane per unit of `ParallelizationFactor`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cursor {
    pub lanes: Vec<Lane>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lane {
    pub after: u128,
    pub batch: Option<Batch>,
}

/// The records one invocation gets, and what has happened to them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Batch {
    pub sequences: Vec<u128>,
    /// The lane's position once this batch is done (past records filtered out after it).
    pub span_end: u128,
    /// Retries spent (a bisection spends none; the halves inherit the count).
    pub retries: u32,
    /// Invocations made of these records so far.
    pub invocations: u32,
    pub state: BatchState,
    /// Halves of a bisected batch still to run, the next one last.
    pub rest: Vec<(Vec<u128>, u128)>,
    /// The last invocation's id (the on-failure record's `requestId`).
    pub last_invocation: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BatchState {
    /// To be handed out at the next chance.
    Ready,
    /// Handed out as this invocation; waiting for its outcome.
    InFlight(String),
    /// Waiting out a retry's backoff until this virtual time.
    RetryAt(u64),
}

impl Cursor {
    /// A cursor standing just after `after` in every lane.
    pub fn at(after: u128, lanes: u32) -> Cursor {
        Cursor {
            lanes: (0..lanes.max(1))
                .map(|_| Lane { after, batch: None })
                .collect(),
        }
    }

    /// Whether the mapping is done with `shard`: it is closed, no lane holds a batch, and
    /// every record is behind its lane's position.
    pub fn finished(&self, shard: &Shard, hash_attribute: &str) -> bool {
        if shard.is_open() || self.lanes.iter().any(|l| l.batch.is_some()) {
            return false;
        }
        let lanes = self.lanes.len();
        let lowest = self.lanes.iter().map(|l| l.after).min().unwrap_or(0);
        shard
            .records_after(lowest)
            .all(|r| r.sequence <= self.lanes[lane_of(r, hash_attribute, lanes)].after)
    }
}

impl Batch {
    pub fn new(sequences: Vec<u128>, span_end: u128) -> Batch {
        Batch {
            sequences,
            span_end,
            retries: 0,
            invocations: 0,
            state: BatchState::Ready,
            rest: Vec::new(),
            last_invocation: None,
        }
    }

    /// Splits the batch in two: the first half runs next, the second waits in `rest`.
    pub fn bisect(&mut self) {
        let half = self.sequences.len().div_ceil(2);
        let second = self.sequences.split_off(half);
        self.rest.push((second, self.span_end));
        self.span_end = *self.sequences.last().expect("a bisected batch has records");
        self.state = BatchState::Ready;
    }
}

impl Lane {
    /// The batch is done (succeeded or given up on): the lane moves past it, to the next
    /// bisected half if one waits.
    pub fn finish_batch(&mut self) {
        let Some(mut batch) = self.batch.take() else {
            return;
        };
        self.after = self.after.max(batch.span_end);
        if let Some((sequences, span_end)) = batch.rest.pop() {
            batch.sequences = sequences;
            batch.span_end = span_end;
            batch.state = BatchState::Ready;
            self.batch = Some(batch);
        }
    }
}

/// The lane a record belongs to: its partition key's hash, modulo the lanes.
pub(crate) fn lane_of(record: &StreamRecord, hash_attribute: &str, lanes: usize) -> usize {
    if lanes <= 1 {
        return 0;
    }
    let key = record.keys.get(hash_attribute).map(|v| {
        let mut one = crate::value::Item::new();
        one.insert(hash_attribute.to_owned(), v.clone());
        crate::value::item_to_json(&one)
    });
    (xxh3_64(key.unwrap_or_default().as_bytes()) % lanes as u64) as usize
}

/// What reading a lane's next records came to.
#[derive(Debug, PartialEq)]
pub(crate) enum Reading {
    /// Nothing new.
    Nothing,
    /// Only records the filters turned away: the lane moves past them.
    Filtered { through: u128, count: u64 },
    /// A batch is not full and its window has not passed: wait.
    Gathering,
    /// A batch to invoke, and how many filtered records it steps over.
    Batch { batch: Batch, filtered: u64 },
}

/// How a lane reads what follows its position.
pub(crate) struct Reader<'a> {
    pub filters: &'a Filters,
    pub hash_attribute: &'a str,
    pub lanes: usize,
    pub batch_size: usize,
    pub window_millis: u64,
    pub now: u64,
    /// The record as the function would see it, for the filters.
    pub as_event: &'a dyn Fn(&StreamRecord) -> Value,
}

impl Reader<'_> {
    /// Reads lane `lane` of `shard` from `after`: up to `batch_size` records the filters let
    /// through (and under the payload limit), or a wait while the batching window is open
    /// (it opens with the oldest record: the batch goes once full or once that record has
    /// waited `MaximumBatchingWindowInSeconds`).
    pub fn read(&self, shard: &Shard, lane: usize, after: u128) -> Reading {
        let mut sequences = Vec::new();
        let (mut scanned, mut bytes, mut oldest, mut span_end) = (0u64, 0u64, None, None);
        for record in shard.records_after(after) {
            if lane_of(record, self.hash_attribute, self.lanes) != lane {
                continue;
            }
            if self.filters.is_empty() || self.filters.admit(&(self.as_event)(record)) {
                let full = sequences.len() == self.batch_size;
                if full || (!sequences.is_empty() && bytes + record.size_bytes > MAX_PAYLOAD_BYTES)
                {
                    break;
                }
                sequences.push(record.sequence);
                bytes += record.size_bytes;
                oldest.get_or_insert(record.created_millis);
            }
            scanned += 1;
            span_end = Some(record.sequence);
        }
        let Some(span_end) = span_end else {
            return Reading::Nothing;
        };
        let filtered = scanned - sequences.len() as u64;
        let Some(oldest) = oldest else {
            return Reading::Filtered {
                through: span_end,
                count: filtered,
            };
        };
        if sequences.len() < self.batch_size && oldest.saturating_add(self.window_millis) > self.now
        {
            return Reading::Gathering;
        }
        Reading::Batch {
            batch: Batch::new(sequences, span_end),
            filtered,
        }
    }
}

/// The records of `shard` by sequence number, for the batch's numbers.
pub(crate) fn records_of<'a>(shard: &'a Shard, sequences: &[u128]) -> Vec<&'a StreamRecord> {
    let Some(&first) = sequences.first() else {
        return Vec::new();
    };
    let wanted: std::collections::BTreeSet<u128> = sequences.iter().copied().collect();
    (shard.records_after(first.saturating_sub(1)))
        .take_while(|r| r.sequence <= *sequences.last().unwrap_or(&first))
        .filter(|r| wanted.contains(&r.sequence))
        .collect()
}

/// A mapping's cursors by shard id.
pub(crate) type Cursors = BTreeMap<String, Cursor>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisecting_runs_the_first_half_and_keeps_the_second() {
        let mut batch = Batch::new(vec![1, 2, 3, 4, 5], 7);
        batch.bisect();
        assert_eq!(
            (batch.sequences.clone(), batch.span_end),
            (vec![1, 2, 3], 3)
        );
        let mut lane = Lane {
            after: 0,
            batch: Some(batch),
        };
        lane.finish_batch();
        let next = lane.batch.as_ref().unwrap();
        assert_eq!(
            (lane.after, next.sequences.clone(), next.span_end),
            (3, vec![4, 5], 7)
        );
        lane.finish_batch();
        assert_eq!((lane.after, lane.batch.is_none()), (7, true));
    }
}
