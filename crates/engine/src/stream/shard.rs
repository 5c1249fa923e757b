//! A stream shard: the records of one table partition, in sequence order, from the moment
//! it opened until it closed (a split, the stream disabled, the table deleted). A shard
//! knows its sequence range, trims records older than the retention period, and answers
//! "which records follow this position" for GetRecords. Positions are expressed as "after
//! sequence number N", which covers every iterator type.

use std::collections::VecDeque;

use serde_json::Value;

use super::RETENTION_MILLIS;
use super::record::StreamRecord;
use crate::history::saved;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Shard {
    /// `shardId-` + 20 digits (the creation time in milliseconds) + `-` + 8 hex digits.
    pub id: String,
    pub parent_id: Option<String>,
    /// The table partition whose writes this shard records.
    pub partition: u32,
    #[serde(serialize_with = "saved::u128_text")]
    pub starting_sequence: u128,
    #[serde(serialize_with = "saved::optional_u128_text")]
    pub ending_sequence: Option<u128>,
    pub closed_millis: Option<u64>,
    records: VecDeque<StreamRecord>,
    /// The sequence number of the newest record trimmed so far.
    #[serde(serialize_with = "saved::optional_u128_text")]
    trimmed_through: Option<u128>,
}

impl Shard {
    pub fn open(
        id: String,
        parent_id: Option<String>,
        partition: u32,
        starting_sequence: u128,
    ) -> Self {
        Shard {
            id,
            parent_id,
            partition,
            starting_sequence,
            ending_sequence: None,
            closed_millis: None,
            records: VecDeque::new(),
            trimmed_through: None,
        }
    }

    /// A shard of a saved history ([`crate::history`]), as `Serialize` wrote it.
    pub(crate) fn from_saved(v: &Value) -> Option<Shard> {
        Some(Shard {
            id: saved::text(&v["id"])?,
            parent_id: v["parent_id"].as_str().map(str::to_owned),
            partition: u32::try_from(v["partition"].as_u64()?).ok()?,
            starting_sequence: saved::u128_of(&v["starting_sequence"])?,
            ending_sequence: saved::optional_u128(&v["ending_sequence"])?,
            closed_millis: v["closed_millis"].as_u64(),
            records: saved::list(&v["records"], StreamRecord::from_saved)?.into(),
            trimmed_through: saved::optional_u128(&v["trimmed_through"])?,
        })
    }

    pub fn is_open(&self) -> bool {
        self.ending_sequence.is_none()
    }

    pub fn push(&mut self, record: StreamRecord) {
        self.records.push_back(record);
    }

    /// Closes the shard: it takes no more records, and its range ends at its last one.
    pub fn close(&mut self, now_millis: u64) {
        if self.is_open() {
            self.ending_sequence = Some(self.last_sequence());
            self.closed_millis = Some(now_millis);
        }
    }

    /// The newest sequence number in the shard (its start while it has no record).
    pub fn last_sequence(&self) -> u128 {
        self.records.back().map_or(
            self.trimmed_through.unwrap_or(self.starting_sequence),
            |r| r.sequence,
        )
    }

    /// Drops records older than the retention period.
    pub fn trim(&mut self, now_millis: u64) {
        while let Some(oldest) = self.records.front() {
            if oldest.created_millis.saturating_add(RETENTION_MILLIS) > now_millis {
                break;
            }
            self.trimmed_through = Some(oldest.sequence);
            self.records.pop_front();
        }
    }

    /// Drops records numbered below `sequence`, as retention would.
    pub fn trim_before(&mut self, sequence: u128) {
        while let Some(oldest) = self.records.front().filter(|r| r.sequence < sequence) {
            self.trimmed_through = Some(oldest.sequence);
            self.records.pop_front();
        }
    }

    /// How many records the shard holds.
    pub fn record_count(&self) -> usize {
        self.records.len()
    }

    /// The sequence numbers of the records it holds, oldest first.
    pub fn sequences(&self) -> impl Iterator<Item = u128> + '_ {
        self.records.iter().map(|r| r.sequence)
    }

    /// A closed shard whose every record has been trimmed, past retention itself.
    pub fn is_gone(&self, now_millis: u64) -> bool {
        self.records.is_empty()
            && self
                .closed_millis
                .is_some_and(|t| t.saturating_add(RETENTION_MILLIS) <= now_millis)
    }

    /// TRIM_HORIZON: just before the oldest record still kept.
    pub fn trim_horizon(&self) -> u128 {
        self.trimmed_through.unwrap_or(self.starting_sequence)
    }

    /// Whether reading after `after` would need records that have been trimmed.
    pub fn is_trimmed_after(&self, after: u128) -> bool {
        self.trimmed_through.is_some_and(|t| t > after)
    }

    /// Whether `sequence` lies in the shard's range; an open shard's range runs up to
    /// `last_issued`, the newest number the engine has given out.
    pub fn covers(&self, sequence: u128, last_issued: u128) -> bool {
        (self.starting_sequence..=self.ending_sequence.unwrap_or(last_issued)).contains(&sequence)
    }

    /// The records after sequence number `after`, oldest first.
    pub fn records_after(&self, after: u128) -> impl Iterator<Item = &StreamRecord> {
        let first = self.records.partition_point(|r| r.sequence <= after);
        self.records.range(first..)
    }

    /// Whether nothing can follow `after`: the shard is closed and read to its end.
    pub fn is_finished_after(&self, after: u128) -> bool {
        self.ending_sequence.is_some_and(|end| after >= end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::record::{EventName, ItemChange, ViewType, WriteIdentity};
    use crate::value::Item;

    fn record(sequence: u128, created_millis: u64) -> StreamRecord {
        let keys = Item::new();
        let change = ItemChange {
            keys: &keys,
            old: None,
            new: None,
            identity: WriteIdentity::Caller,
        };
        StreamRecord::new(
            change,
            EventName::Insert,
            ViewType::KeysOnly,
            sequence,
            created_millis,
            0,
        )
    }

    #[test]
    fn records_older_than_a_day_are_trimmed_and_reading_them_is_refused() {
        let mut shard = Shard::open("s".into(), None, 0, 10);
        shard.push(record(11, 0));
        shard.push(record(12, 1000));
        shard.trim(RETENTION_MILLIS);
        assert_eq!(
            shard
                .records_after(0)
                .map(|r| r.sequence)
                .collect::<Vec<_>>(),
            vec![12]
        );
        assert!(shard.is_trimmed_after(10));
        assert!(!shard.is_trimmed_after(shard.trim_horizon()));
    }

    #[test]
    fn a_closed_shard_ends_at_its_last_record() {
        let mut shard = Shard::open("s".into(), None, 0, 10);
        shard.push(record(11, 0));
        shard.close(5);
        assert_eq!(shard.ending_sequence, Some(11));
        assert!(shard.is_finished_after(11) && !shard.is_finished_after(10));
    }
}
