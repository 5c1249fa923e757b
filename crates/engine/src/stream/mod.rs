//! DynamoDB Streams on the virtual clock. Each stream (one per enabling of a table's stream,
//! named by its ARN) holds shards; a table partition writes to exactly one open shard, so
//! an item's records stay in order. Every item write reaches [`record_write`] through
//! `write::commit_write`; a write that changes nothing leaves no record. Records live
//! 24 hours and are trimmed lazily (on writes and on Streams API calls); a disabled stream
//! stays readable for 24 hours, then goes. Sequence numbers come from one counter, so they
//! increase within every shard. Partition splits call [`split_shard`]; disabling a stream
//! or deleting its table closes it ([`sync`]); the TTL sweeper deletes
//! through `write::commit_ttl_delete` (or [`ttl_delete`]) so its records carry the
//! service identity. Streams are kept with the history ([`crate::history`]) and,
//! with the `extras` feature, each record also with its write (the `journal` module).

mod iterator;
#[cfg(feature = "extras")]
pub(crate) mod journal;
mod record;
mod shard;

use std::collections::BTreeMap;

pub use iterator::ShardIterator;
pub use record::{
    EventName, ItemChange, StreamRecord, ViewType, WireRecord, WriteIdentity, sequence_text,
};
pub use shard::Shard;

use serde_json::Value;

use crate::clock::iso8601_millis;
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::history::saved;
use crate::key::{KeySchema, PrimaryKey};
use crate::rng::SeededRng;
use crate::table::{StreamSettings, Table, WriteOutcome};
use crate::value::Item;

/// How long records (and a disabled stream) are kept.
pub const RETENTION_MILLIS: u64 = 24 * 60 * 60 * 1000;
/// How long a shard iterator can be used after it is issued.
pub const ITERATOR_LIFETIME_MILLIS: u64 = 15 * 60 * 1000;
/// Sequence numbers are issued above 10^20, so each has 21 digits (the shortest allowed).
const SEQUENCE_FLOOR: u128 = 100_000_000_000_000_000_000;

/// Every stream the engine knows, by ARN, and the sequence counter they share.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Streams {
    streams: BTreeMap<String, Stream>,
    sequencer: Sequencer,
}

#[derive(Debug, Default, Clone, serde::Serialize)]
struct Sequencer {
    #[serde(serialize_with = "crate::history::saved::u128_text")]
    last: u128,
}

impl Sequencer {
    fn next(&mut self) -> u128 {
        self.last = self.last.max(SEQUENCE_FLOOR) + 1;
        self.last
    }

    fn last(&self) -> u128 {
        self.last.max(SEQUENCE_FLOOR)
    }
}

/// What shard creation draws on: the time, the generator and the sequence counter.
struct Origin<'a> {
    now: u64,
    rng: &'a mut SeededRng,
    sequencer: &'a mut Sequencer,
}

/// One stream: a table's stream from enabling to disabling.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Stream {
    pub arn: String,
    pub label: String,
    pub table_name: String,
    pub table_id: String,
    pub key_schema: KeySchema,
    pub view_type: ViewType,
    pub created_millis: u64,
    pub disabled_millis: Option<u64>,
    /// In creation order, which is also shard id order.
    shards: Vec<Shard>,
    /// The time stamp in the newest shard id; the next is later, so ids sort by creation.
    last_shard_stamp: Option<u64>,
}

impl Stream {
    fn from_saved(v: &Value) -> Option<Stream> {
        Some(Stream {
            arn: saved::text(&v["arn"])?,
            label: saved::text(&v["label"])?,
            table_name: saved::text(&v["table_name"])?,
            table_id: saved::text(&v["table_id"])?,
            key_schema: serde_json::from_value(v["key_schema"].clone()).ok()?,
            view_type: ViewType::from_name(v["view_type"].as_str()?)?,
            created_millis: v["created_millis"].as_u64()?,
            disabled_millis: v["disabled_millis"].as_u64(),
            shards: saved::list(&v["shards"], Shard::from_saved)?,
            last_shard_stamp: v["last_shard_stamp"].as_u64(),
        })
    }

    fn new(table: &Table, settings: &StreamSettings, view_type: ViewType, now: u64) -> Self {
        Stream {
            arn: settings.arn.clone(),
            label: settings.label.clone(),
            table_name: table.definition.name.clone(),
            table_id: table.definition.table_id.clone(),
            key_schema: table.definition.key_schema.clone(),
            view_type,
            created_millis: parse_label(&settings.label).unwrap_or(now),
            disabled_millis: None,
            shards: Vec::new(),
            last_shard_stamp: None,
        }
    }

    /// `ENABLED` until the stream is disabled (or its table deleted), then `DISABLED`.
    pub fn status(&self) -> &'static str {
        if self.disabled_millis.is_some() {
            "DISABLED"
        } else {
            "ENABLED"
        }
    }

    pub fn shards(&self) -> &[Shard] {
        &self.shards
    }

    pub fn shard(&self, id: &str) -> Option<&Shard> {
        self.shards.iter().find(|s| s.id == id)
    }

    fn open_shard_of(&mut self, partition: u32) -> Option<&mut Shard> {
        self.shards
            .iter_mut()
            .rev()
            .find(|s| s.partition == partition && s.is_open())
    }

    /// Opens a shard for `partition`, its id stamped with the time (or just after the
    /// previous shard's stamp) and 8 random hex digits.
    fn open_shard(&mut self, partition: u32, parent_id: Option<String>, origin: &mut Origin<'_>) {
        let stamp = self
            .last_shard_stamp
            .map_or(origin.now, |last| origin.now.max(last + 1));
        self.last_shard_stamp = Some(stamp);
        let id = format!("shardId-{stamp:020}-{:08x}", origin.rng.next_u64() as u32);
        self.shards.push(Shard::open(
            id,
            parent_id,
            partition,
            origin.sequencer.next(),
        ));
    }

    /// Brings the open shards in line with the table's partitions: a shard for every
    /// partition (a new partition's shard names the last shard of its parent partition),
    /// and none for a partition that no longer exists.
    fn follow_partitions(&mut self, partitions: &[(u32, Option<u32>)], origin: &mut Origin<'_>) {
        let now = origin.now;
        for shard in self.shards.iter_mut().filter(|s| s.is_open()) {
            if !partitions.iter().any(|(id, _)| *id == shard.partition) {
                shard.close(now);
            }
        }
        for &(partition, parent) in partitions {
            if self.open_shard_of(partition).is_none() {
                let parent_id = parent
                    .and_then(|p| self.shards.iter().rev().find(|s| s.partition == p))
                    .map(|s| s.id.clone());
                self.open_shard(partition, parent_id, origin);
            }
        }
    }

    /// The open shard a write to `partition` goes to, opening shards first if the table's
    /// partitions changed without a [`split_shard`].
    fn shard_for_write(
        &mut self,
        table: &Table,
        partition: u32,
        origin: &mut Origin<'_>,
    ) -> &mut Shard {
        if self.open_shard_of(partition).is_none() {
            self.follow_partitions(&partitions_of(table), origin);
        }
        if self.open_shard_of(partition).is_none() {
            self.open_shard(partition, None, origin);
        }
        let last = self.shards.len() - 1;
        let index = self
            .shards
            .iter()
            .rposition(|s| s.partition == partition && s.is_open())
            .unwrap_or(last);
        &mut self.shards[index]
    }

    /// Closes the shard of `parent` and opens one for each child, naming it as their parent.
    fn split(&mut self, parent: u32, children: &[u32], origin: &mut Origin<'_>) {
        let parent_id = self
            .shards
            .iter()
            .rev()
            .find(|s| s.partition == parent)
            .map(|s| s.id.clone());
        if let Some(shard) = self.open_shard_of(parent) {
            shard.close(origin.now);
        }
        for &child in children {
            if self.open_shard_of(child).is_none() {
                self.open_shard(child, parent_id.clone(), origin);
            }
        }
    }

    /// Disables the stream: every open shard closes; the records stay readable.
    fn close(&mut self, now: u64) {
        self.disabled_millis.get_or_insert(now);
        self.shards.iter_mut().for_each(|s| s.close(now));
    }

    fn trim(&mut self, now: u64) {
        self.shards.iter_mut().for_each(|s| s.trim(now));
        self.shards.retain(|s| !s.is_gone(now));
    }

    fn is_gone(&self, now: u64) -> bool {
        self.disabled_millis
            .is_some_and(|t| t.saturating_add(RETENTION_MILLIS) <= now)
    }
}

impl Streams {
    pub fn get(&self, arn: &str) -> Option<&Stream> {
        self.streams.get(arn)
    }

    /// The streams whose ARN sorts after `arn`, in ARN order.
    pub fn after<'a>(&'a self, arn: &str) -> impl Iterator<Item = &'a Stream> + 'a {
        use std::ops::Bound::{Excluded, Unbounded};
        self.streams
            .range::<str, _>((Excluded(arn), Unbounded))
            .map(|(_, s)| s)
    }

    /// The streams of a saved history ([`crate::history`]), as `Serialize` wrote them.
    pub(crate) fn from_saved(v: &Value) -> Option<Streams> {
        let streams = (v["streams"].as_object()?.iter())
            .map(|(arn, stream)| Some((arn.clone(), Stream::from_saved(stream)?)))
            .collect::<Option<Vec<_>>>()?;
        Some(Streams {
            streams: crate::sorting::ordered(streams),
            sequencer: Sequencer {
                last: saved::u128_of(&v["sequencer"]["last"])?,
            },
        })
    }

    /// How many records every stream holds together.
    pub fn record_count(&self) -> usize {
        let shards = self.streams.values().flat_map(|s| &s.shards);
        shards.map(Shard::record_count).sum()
    }

    /// Trims the oldest records of every stream until at most `count` are left, newest kept.
    pub fn keep_newest(&mut self, count: usize) {
        let shards = || self.streams.values().flat_map(|s| &s.shards);
        let mut sequences: Vec<u128> = shards().flat_map(Shard::sequences).collect();
        if sequences.len() <= count {
            return;
        }
        crate::sorting::sort(&mut sequences);
        let first_kept = sequences[sequences.len() - count];
        for stream in self.streams.values_mut() {
            stream
                .shards
                .iter_mut()
                .for_each(|s| s.trim_before(first_kept));
        }
    }

    /// The newest sequence number issued.
    pub fn last_issued(&self) -> u128 {
        self.sequencer.last()
    }

    /// `settings` with its label moved forward a millisecond at a time until its ARN names
    /// no stream the engine still keeps (a stream disabled and re-enabled within the same
    /// virtual millisecond would otherwise reuse the old ARN).
    pub(crate) fn unique(&self, mut settings: StreamSettings) -> StreamSettings {
        while self.streams.contains_key(&settings.arn) {
            let (Some(millis), Some((table_arn, _))) = (
                parse_label(&settings.label),
                settings.arn.rsplit_once("/stream/"),
            ) else {
                break;
            };
            settings.label = iso8601_millis(millis + 1);
            settings.arn = format!("{table_arn}/stream/{}", settings.label);
        }
        settings
    }

    /// Registers the stream `settings` names for `table` (with a shard per partition, stamped
    /// with the stream's creation time) if it is new. A stream of the same ARN left by a
    /// deleted table is replaced.
    fn register(
        &mut self,
        table: &Table,
        settings: &StreamSettings,
        now: u64,
        rng: &mut SeededRng,
    ) {
        let Some(view_type) = ViewType::parse(&settings.view_type) else {
            return;
        };
        match self.streams.get(&settings.arn) {
            Some(known) if known.table_id == table.definition.table_id => return,
            _ => {}
        }
        let mut stream = Stream::new(table, settings, view_type, now);
        let mut origin = Origin {
            now: stream.created_millis,
            rng,
            sequencer: &mut self.sequencer,
        };
        stream.follow_partitions(&partitions_of(table), &mut origin);
        self.streams.insert(settings.arn.clone(), stream);
    }

    /// The open (not disabled) stream with this ARN, and what opening shards in it needs.
    fn open_stream<'a>(
        &'a mut self,
        arn: &str,
        now: u64,
        rng: &'a mut SeededRng,
    ) -> Option<(&'a mut Stream, Origin<'a>)> {
        let Streams { streams, sequencer } = self;
        let stream = streams
            .get_mut(arn)
            .filter(|s| s.disabled_millis.is_none())?;
        Some((
            stream,
            Origin {
                now,
                rng,
                sequencer,
            },
        ))
    }

    fn trim(&mut self, now: u64) {
        self.streams.values_mut().for_each(|s| s.trim(now));
        self.streams.retain(|_, s| !s.is_gone(now));
    }
}

/// A table's partitions as (id, parent id).
fn partitions_of(table: &Table) -> Vec<(u32, Option<u32>)> {
    table
        .partitions()
        .iter()
        .map(|p| (p.id, p.parent))
        .collect()
}

/// The table's stream settings, when its stream is enabled.
fn enabled_stream(table: &Table) -> Option<&StreamSettings> {
    table.definition.stream.as_ref().filter(|s| s.enabled)
}

/// Records an item write in the table's stream, if it has one enabled and the write changed
/// the item. Called by `commit_write` after every write.
pub(crate) fn record_write(
    engine: &mut Engine,
    table_name: &str,
    key: &PrimaryKey,
    outcome: &WriteOutcome,
    identity: WriteIdentity,
) {
    let Some(table) = engine.tables.get(table_name) else {
        return;
    };
    let Some(settings) = enabled_stream(table) else {
        return;
    };
    let new = table.get(key);
    let Some(event) = EventName::of(outcome.old.as_deref(), new) else {
        return;
    };
    let (now, seed) = (engine.clock.now_millis(), engine.config.seed);
    engine
        .streams
        .register(table, settings, now, &mut engine.rng);
    let Some((stream, mut origin)) =
        engine
            .streams
            .open_stream(&settings.arn, now, &mut engine.rng)
    else {
        return;
    };
    stream.trim(now);
    let keys = table.key_schema().key_item(key);
    let change = ItemChange {
        keys: &keys,
        old: outcome.old.as_deref(),
        new,
        identity,
    };
    let view_type = stream.view_type;
    // The shard first: opening one takes a sequence number, and the record's must be later.
    let shard = stream.shard_for_write(table, outcome.partition_id, &mut origin);
    let sequence = origin.sequencer.next();
    shard.push(StreamRecord::new(
        change, event, view_type, sequence, now, seed,
    ));
    #[cfg(feature = "extras")]
    engine.log.journal(|| journal::change(stream, sequence));
}

/// Reconciles the streams with the tables: registers every enabled stream, closes every
/// stream whose table was deleted or no longer has it enabled, and trims what has passed
/// retention. Called after CreateTable, UpdateTable and DeleteTable and before each
/// Streams API call.
pub fn sync(engine: &mut Engine) {
    let now = engine.clock.now_millis();
    for stream in engine
        .streams
        .streams
        .values_mut()
        .filter(|s| s.disabled_millis.is_none())
    {
        let current = engine
            .tables
            .get(&stream.table_name)
            .filter(|t| t.definition.table_id == stream.table_id)
            .and_then(enabled_stream)
            .is_some_and(|s| s.arn == stream.arn);
        if !current {
            stream.close(now);
        }
    }
    for table in engine.tables.values() {
        if let Some(settings) = enabled_stream(table) {
            engine
                .streams
                .register(table, settings, now, &mut engine.rng);
        }
    }
    engine.streams.trim(now);
}

/// A partition split: closes the shard of `parent_partition` in the table's enabled stream
/// and opens one shard per child partition, each naming the closed shard as its parent.
pub fn split_shard(
    engine: &mut Engine,
    table_name: &str,
    parent_partition: u32,
    child_partitions: &[u32],
) {
    let now = engine.clock.now_millis();
    let Some(table) = engine.tables.get(table_name) else {
        return;
    };
    let Some(settings) = enabled_stream(table) else {
        return;
    };
    engine
        .streams
        .register(table, settings, now, &mut engine.rng);
    if let Some((stream, mut origin)) =
        engine
            .streams
            .open_stream(&settings.arn, now, &mut engine.rng)
    {
        stream.split(parent_partition, child_partitions, &mut origin);
    }
}

/// Deletes an expired item the way DynamoDB's TTL process does: like DeleteItem, but its
/// stream record carries `userIdentity` `{"Type": "Service", "PrincipalId":
/// "dynamodb.amazonaws.com"}`. Returns the deleted item, if there was one.
pub fn ttl_delete(
    engine: &mut Engine,
    table_name: &str,
    key: &Item,
) -> Result<Option<Item>, DynamoError> {
    let table = engine
        .tables
        .get(table_name)
        .ok_or_else(DynamoError::resource_not_found)?;
    let key = table.key_schema().key_from_request(key)?;
    Ok(crate::write::commit_ttl_delete(engine, table_name, key)
        .old
        .map(std::sync::Arc::unwrap_or_clone))
}

/// A stream label (`2015-05-11T21:21:33.291`) as milliseconds since the epoch.
fn parse_label(label: &str) -> Option<u64> {
    let number = |range: std::ops::Range<usize>| label.get(range)?.parse::<u64>().ok();
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second, milli) = (
        number(11..13)?,
        number(14..16)?,
        number(17..19)?,
        number(20..23)?,
    );
    let days = u64::try_from(days_from_civil(year as i64, month, day)).ok()?;
    let millis = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + milli;
    (iso8601_millis(millis) == label).then_some(millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's method).
fn days_from_civil(year: i64, month: u64, day: u64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month as i64 + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day as i64 - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_back_as_their_time() {
        for millis in [0, 951_782_400_000, 1_795_240_251_123] {
            assert_eq!(parse_label(&iso8601_millis(millis)), Some(millis));
        }
        assert_eq!(parse_label("not a label"), None);
        assert_eq!(parse_label("2015-02-30T00:00:00.000"), None);
    }

    #[test]
    fn sequence_numbers_have_21_digits_and_increase() {
        let mut sequencer = Sequencer::default();
        let (a, b) = (sequencer.next(), sequencer.next());
        assert!(a < b);
        assert_eq!(sequence_text(a).len(), 21);
    }
}
