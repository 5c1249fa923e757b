//! The stream journal: a stream record made durable with the write that made it. The
//! history ([`crate::history`]) keeps stream records, but a front end saves it only now and
//! then, so a process killed between two saves would keep an acknowledged write and lose
//! its record. When change recording is on, every record is therefore also written as a
//! setting of its own (`stream-record:` and the 40-digit sequence number), in the same
//! batch of changes as the item it records, naming its stream and shard. Restoring replays
//! the journal's records newer than the history onto the history's streams, opening a
//! shard the history never saw as it was opened (same id, parent, partition and start).
//! [`Engine::history_changes`] saves the history and deletes the journal entries it now
//! holds, so the journal stays as short as the time between two saves. A shard closed by a
//! split after the last save is closed again by the next write to its table, as after any
//! restore (partitions are not stored).

use serde::Serialize;
use serde_json::Value;

use super::{Shard, Stream, StreamRecord, Streams, ViewType};
use crate::engine::Engine;
use crate::history::saved;
use crate::key::KeySchema;
use crate::persist::Change;

/// The prefix of a journal entry's setting name.
pub(crate) const PREFIX: &str = "stream-record:";

/// A journal entry as stored: the record, and enough of its stream and shard to open them
/// again.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Entry<'a> {
    stream: StreamHead<'a>,
    shard: ShardHead<'a>,
    record: &'a StreamRecord,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StreamHead<'a> {
    arn: &'a str,
    label: &'a str,
    table_name: &'a str,
    table_id: &'a str,
    key_schema: &'a KeySchema,
    view_type: &'static str,
    created_millis: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ShardHead<'a> {
    id: &'a str,
    parent_id: Option<&'a str>,
    partition: u32,
    #[serde(serialize_with = "saved::u128_text")]
    starting_sequence: u128,
}

/// The setting name of the entry for the record numbered `sequence`: names sort as the
/// numbers do.
fn name_of(sequence: u128) -> String {
    format!("{PREFIX}{sequence:040}")
}

/// The change that journals the record `sequence`, just pushed to `stream`.
pub(crate) fn change(stream: &Stream, sequence: u128) -> Change {
    let shard = (stream.shards.iter().rev())
        .find(|s| s.last_sequence() == sequence)
        .expect("the record was just pushed to one of the stream's shards");
    let record = shard.records_after(sequence - 1).next();
    let record = record.expect("the shard's last record is the one just pushed");
    let entry = Entry {
        stream: StreamHead {
            arn: &stream.arn,
            label: &stream.label,
            table_name: &stream.table_name,
            table_id: &stream.table_id,
            key_schema: &stream.key_schema,
            view_type: stream.view_type.as_str(),
            created_millis: stream.created_millis,
        },
        shard: ShardHead {
            id: &shard.id,
            parent_id: shard.parent_id.as_deref(),
            partition: shard.partition,
            starting_sequence: shard.starting_sequence,
        },
        record,
    };
    Change::PutSetting {
        name: name_of(sequence),
        value: Some(serde_json::to_string(&entry).expect("a journal entry always serialises")),
    }
}

impl Streams {
    /// Puts back a journal entry's record unless the history already holds it (or the
    /// entry does not read: it is only a record of what happened).
    fn replay(&mut self, entry: &Value) -> Option<()> {
        let record = StreamRecord::from_saved(&entry["Record"])?;
        if record.sequence <= self.last_issued() {
            return None;
        }
        let head = &entry["Stream"];
        let arn = saved::text(&head["Arn"])?;
        if !self.streams.contains_key(&arn) {
            let stream = Stream {
                arn: arn.clone(),
                label: saved::text(&head["Label"])?,
                table_name: saved::text(&head["TableName"])?,
                table_id: saved::text(&head["TableId"])?,
                key_schema: serde_json::from_value(head["KeySchema"].clone()).ok()?,
                view_type: ViewType::parse(head["ViewType"].as_str()?)?,
                created_millis: head["CreatedMillis"].as_u64()?,
                disabled_millis: None,
                shards: Vec::new(),
                last_shard_stamp: None,
            };
            self.streams.insert(arn.clone(), stream);
        }
        let stream = self.streams.get_mut(&arn)?;
        let shard = &entry["Shard"];
        let id = saved::text(&shard["Id"])?;
        if stream.shard(&id).is_none() {
            let partition = u32::try_from(shard["Partition"].as_u64()?).ok()?;
            let parent_id = shard["ParentId"].as_str().map(str::to_owned);
            // The shard replaced the one its partition wrote to, and a split closed its parent.
            let replaced =
                |s: &Shard| s.partition == partition || Some(&s.id) == parent_id.as_ref();
            let now = record.created_millis;
            stream
                .shards
                .iter_mut()
                .filter(|s| replaced(s))
                .for_each(|s| s.close(now));
            let start = saved::u128_of(&shard["StartingSequence"])?;
            stream.last_shard_stamp = stamp_of(&id).max(stream.last_shard_stamp);
            stream
                .shards
                .push(Shard::open(id.clone(), parent_id, partition, start));
        }
        let shard = stream.shards.iter_mut().find(|s| s.id == id)?;
        if !shard.is_open() || shard.last_sequence() >= record.sequence {
            return None;
        }
        self.sequencer.last = self.sequencer.last().max(record.sequence);
        shard.push(record);
        Some(())
    }
}

/// The creation time a shard id carries (`shardId-<20 digits>-<8 hex>`).
fn stamp_of(id: &str) -> Option<u64> {
    id.strip_prefix("shardId-")?.get(..20)?.parse().ok()
}

impl Engine {
    /// Replays the journal entries among `settings` (after the history is restored), and
    /// remembers them so the next history save deletes them.
    pub(crate) fn replay_stream_journal(&mut self, settings: &[(String, String)]) {
        let mut entries: Vec<&(String, String)> = settings
            .iter()
            .filter(|(name, _)| name.starts_with(PREFIX))
            .collect();
        if entries.is_empty() {
            return;
        }
        crate::sorting::sort_by_key(&mut entries, |(name, _)| name.clone());
        for (name, text) in entries {
            if let Ok(entry) = serde_json::from_str::<Value>(text) {
                self.streams.replay(&entry);
            }
            self.log.journaled.push(name.clone());
        }
        super::sync(self);
    }

    /// The changes that save the history now: the history itself, and the deletion of every
    /// journal entry it holds since the last save.
    pub fn history_changes(&mut self) -> Vec<Change> {
        let history = Change::PutSetting {
            name: crate::history::SETTING.to_owned(),
            value: Some(self.history()),
        };
        let journaled = std::mem::take(&mut self.log.journaled);
        let deletions = journaled
            .into_iter()
            .map(|name| Change::PutSetting { name, value: None });
        std::iter::once(history).chain(deletions).collect()
    }
}
