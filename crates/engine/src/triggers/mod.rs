//! Stream triggers (`extras`): Lambda-style functions on a table's DynamoDB stream, run as
//! Lambda's event source mapping (ESM) runs them, on the virtual clock. The engine decides
//! what to deliver, when, and what happens after each outcome; a front end runs the
//! function itself (the page in a Worker, the native server by POSTing the event JSON to a
//! local URL) and reports back.
//!
//! # The job interface
//!
//! ```text
//! Engine::take_invocations(&mut self) -> Vec<Invocation>
//! Engine::complete_invocation(&mut self, invocation_id: &str, outcome: InvocationOutcome) -> bool
//! ```
//!
//! After serving requests (or on a timer, as the clock moves), a front end calls
//! [`Engine::take_invocations`]: it brings delivery up to now (the same work `run_due` does
//! before every request) and hands out the invocations due, each with its function's name,
//! the event exactly as Lambda delivers it (`{"Records": [...]}`) and the function's
//! timeout ([`Invocation`]). The front end runs each and reports with
//! [`Engine::complete_invocation`] the handler's result ([`InvocationOutcome`]): success
//! with what the handler returned (for a mapping with `ReportBatchItemFailures`,
//! `{"batchItemFailures": [{"itemIdentifier": "<SequenceNumber>"}]}`), or an error (a
//! thrown error; a timeout as [`InvocationOutcome::timed_out`]), with the lines the handler
//! logged and how long it ran. `false` means the engine no longer waits for that invocation
//! (its mapping was deleted, or the engine was restored since). Invocations of different
//! shards may run at once; the engine never hands out a second batch of a shard (of a
//! lane, with `ParallelizationFactor`) before the first's outcome is in. Nothing else is
//! needed: retries, bisection, partial retries, the on-failure destination and discards are
//! decided here. Every change of a mapping's position is a [`crate::Change`] (setting
//! `trigger:mapping:<UUID>`), so it survives a reload; an invocation in flight when the
//! engine stops is handed out again (delivery is at least once, as Lambda's is).
//!
//! # Delivery, as Lambda does it
//!
//! Per shard and in order: a shard's records go out in batches of up to `BatchSize`
//! matching records (under the 6 MB payload limit), once the batch is full or its oldest
//! record has waited `MaximumBatchingWindowInSeconds`. `StartingPosition` places the
//! shards that exist when the mapping is created (TRIM_HORIZON: their oldest record;
//! LATEST: after their newest); shards opened later are read from their start. A child
//! shard waits until its parent is read to its end (lineage across splits). A record no
//! filter matches is skipped, never delivered. A failed batch blocks its shard: with
//! `BisectBatchOnFunctionError` it is halved (no retry spent) until the failing record is
//! alone; otherwise it is retried after a backoff until it succeeds, `MaximumRetryAttempts`
//! are spent, or its records are older than `MaximumRecordAgeInSeconds` (or leave the
//! stream): then an invocation record goes to the on-failure destination, an in-page queue
//! (read with `Dynoscope_ReceiveFromQueue`) or a table, and the shard moves on. A partial
//! batch response retries from its lowest failed sequence number. Each step leaves a
//! `TRIGGER_*` event; each invocation is kept with its logs for `Dynoscope_GetInvocations`.
//! What is exact and what is a model is in `docs/simulation.md`, "Stream triggers".

mod delivery;
mod event;
mod filter;
mod job;
mod settings;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use job::{FunctionError, Invocation, InvocationOutcome};
pub(crate) use settings::{
    MAX_BATCH_SIZE, MAX_BATCHING_WINDOW_SECONDS, MAX_FUNCTION_TIMEOUT_SECONDS,
    MAX_PARALLELIZATION_FACTOR, MAX_RECORD_AGE_SECONDS, MAX_RETRY_ATTEMPTS, RESPONSE_TYPES,
    Requested, STARTING_POSITIONS,
};

use delivery::{BatchState, Cursor, Cursors, Reader, Reading, records_of};
use event::{Condition, Discarded, attribute_json, lambda_record};
use filter::Filters;
use job::{Verdict, verdict};
use settings::{Destination, Settings, function_name_of};

use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::events::EventLog;
use crate::persist::Change;
use crate::rng::SeededRng;
use crate::stream::{RETENTION_MILLIS, Shard, Stream, sequence_text};

/// The start of every setting this module keeps: `trigger:mapping:<UUID>` (a mapping, its
/// positions and figures) and `trigger:queue:<name>` (an on-failure queue's messages).
pub const SETTING_PREFIX: &str = "trigger:";
const MAPPING_PREFIX: &str = "trigger:mapping:";
const QUEUE_PREFIX: &str = "trigger:queue:";
/// Invocations kept per mapping for `Dynoscope_GetInvocations`.
const HISTORY_KEPT: usize = 200;
/// Model: a failed batch is retried after 1 s, doubling with each retry, at most 60 s.
pub const RETRY_BASE_MILLIS: u64 = 1_000;
pub const RETRY_CAP_MILLIS: u64 = 60_000;

/// Every mapping, the on-failure queues, and the invocations handed out.
#[derive(Debug, Default)]
pub(crate) struct Triggers {
    mappings: BTreeMap<String, Mapping>,
    queues: BTreeMap<String, VecDeque<QueueMessage>>,
    /// Due invocations not yet taken by a front end.
    ready: Vec<Invocation>,
    /// Invocations handed out, by id: whose batch each is.
    in_flight: BTreeMap<String, Flight>,
}

#[derive(Debug, Clone)]
struct Flight {
    mapping: String,
    shard: String,
    lane: usize,
}

#[derive(Debug)]
struct Mapping {
    settings: Settings,
    filters: Filters,
    last_modified_millis: u64,
    last_result: String,
    cursors: Cursors,
    figures: Figures,
    history: VecDeque<Entry>,
}

/// A mapping's figures on the clock.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Figures {
    invocations: u64,
    errors: u64,
    retries: u64,
    bisects: u64,
    records_processed: u64,
    records_filtered: u64,
    records_discarded: u64,
    /// Age of the last record of the last batch processed when its outcome came in.
    iterator_age_millis: u64,
}

/// One invocation as `Dynoscope_GetInvocations` tells it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Entry {
    invocation_id: String,
    shard_id: String,
    first_sequence_number: String,
    last_sequence_number: String,
    batch_size: usize,
    attempt: u32,
    started_millis: u64,
    /// `InProgress`, `Succeeded`, `PartiallyFailed` or `Failed`.
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_millis: Option<u64>,
    logs: Vec<String>,
    /// What the engine did next: `Advanced`, `Retry`, `Bisected` or `Discarded`.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<&'static str>,
}

/// A message of an on-failure queue: the invocation record as its body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct QueueMessage {
    message_id: String,
    body: String,
    sent_millis: u64,
}

fn retry_delay(retries: u32) -> u64 {
    let doublings = retries.saturating_sub(1).min(16);
    (RETRY_BASE_MILLIS << doublings).min(RETRY_CAP_MILLIS)
}

fn not_found() -> DynamoError {
    DynamoError::new(
        ErrorKind::ResourceNotFoundException,
        "The resource you requested does not exist.",
    )
}

fn invalid(message: impl Into<String>) -> DynamoError {
    DynamoError::new(ErrorKind::InvalidParameterValueException, message)
}

/// What a step of delivery works with besides the mapping.
struct Step<'a> {
    now: u64,
    region: &'a str,
    stream: &'a Stream,
    events: &'a mut EventLog,
    rng: &'a mut SeededRng,
    ready: &'a mut Vec<Invocation>,
    in_flight: &'a mut BTreeMap<String, Flight>,
    discards: &'a mut Vec<(Option<Destination>, Discarded)>,
}

impl Mapping {
    fn new(settings: Settings, now: u64) -> Mapping {
        Mapping {
            filters: settings.filters(),
            settings,
            last_modified_millis: now,
            last_result: "No records processed".to_owned(),
            cursors: Cursors::new(),
            figures: Figures::default(),
            history: VecDeque::new(),
        }
    }

    fn state(&self) -> &'static str {
        if self.settings.enabled {
            "Enabled"
        } else {
            "Disabled"
        }
    }

    fn describe(&self, state: &str) -> Value {
        (self.settings).describe(state, self.last_modified_millis, &self.last_result)
    }

    fn lanes(&self) -> u32 {
        self.settings.parallelization_factor.max(1)
    }

    /// Whether the mapping has read `shard` to its end (a shard it never visited is read
    /// from its start).
    fn finished(&self, shard: &Shard, hash_attribute: &str) -> bool {
        match self.cursors.get(&shard.id) {
            Some(cursor) => cursor.finished(shard, hash_attribute),
            None => Cursor::at(shard.trim_horizon(), self.lanes()).finished(shard, hash_attribute),
        }
    }

    fn note(&mut self, entry: Entry) {
        if self.history.len() == HISTORY_KEPT {
            self.history.pop_front();
        }
        self.history.push_back(entry);
    }

    /// Brings every shard this mapping may read up to now. True when a position moved.
    fn step(&mut self, step: &mut Step<'_>) -> bool {
        let hash = step.stream.key_schema.hash.name.clone();
        let mut changed = false;
        for shard in step.stream.shards() {
            let parent = (shard.parent_id.as_deref()).and_then(|id| step.stream.shard(id));
            if parent.is_some_and(|p| !self.finished(p, &hash)) {
                continue;
            }
            if !self.cursors.contains_key(&shard.id) {
                let cursor = Cursor::at(shard.trim_horizon(), self.lanes());
                self.cursors.insert(shard.id.clone(), cursor);
                changed = true;
            }
            for lane in 0..self.lanes() as usize {
                changed |= self.step_lane(step, shard, &hash, lane);
            }
        }
        changed
    }

    /// One lane of one shard: form its next batch, discard what has aged out, hand the
    /// batch out. True when its position moved.
    fn step_lane(&mut self, step: &mut Step<'_>, shard: &Shard, hash: &str, index: usize) -> bool {
        let (now, stream) = (step.now, step.stream);
        let as_event = |r: &crate::stream::StreamRecord| {
            lambda_record(r, stream.view_type, &stream.arn, step.region)
        };
        let reader = Reader {
            filters: &self.filters,
            hash_attribute: hash,
            lanes: self.lanes() as usize,
            batch_size: self.settings.batch_size as usize,
            window_millis: u64::from(self.settings.maximum_batching_window_in_seconds) * 1000,
            now,
            as_event: &as_event,
        };
        let mut changed = false;
        let cursor = self
            .cursors
            .get_mut(&shard.id)
            .expect("the cursor was made");
        let lane = &mut cursor.lanes[index];
        loop {
            match lane.batch.as_ref().map(|b| &b.state) {
                Some(BatchState::InFlight(_)) => return changed,
                Some(BatchState::RetryAt(at)) if *at > now => return changed,
                Some(_) => {}
                None => match reader.read(shard, index, lane.after) {
                    Reading::Nothing | Reading::Gathering => return changed,
                    Reading::Filtered { through, count } => {
                        lane.after = through;
                        self.figures.records_filtered += count;
                        return true;
                    }
                    Reading::Batch { batch, filtered } => {
                        self.figures.records_filtered += filtered;
                        lane.batch = Some(batch);
                    }
                },
            }
            let batch = lane.batch.as_mut().expect("a batch is at hand");
            let records = records_of(shard, &batch.sequences);
            let max_age = self.settings.maximum_record_age_in_seconds;
            let aged = (batch.sequences.iter())
                .take_while(|s| match records.iter().find(|r| r.sequence == **s) {
                    None => true,
                    Some(r) => {
                        max_age >= 0
                            && r.created_millis.saturating_add(max_age as u64 * 1000) <= now
                    }
                })
                .count();
            if aged > 0 {
                let gone: Vec<u128> = batch.sequences.drain(..aged).collect();
                let request_id = (batch.last_invocation.clone()).unwrap_or_else(|| step.rng.uuid());
                let discarded = discard_of(
                    &self.settings,
                    shard,
                    &gone,
                    Condition::RecordAgeExceeded,
                    batch.invocations,
                    request_id,
                    now,
                );
                self.figures.records_discarded += gone.len() as u64;
                record_event(
                    step.events,
                    &self.settings,
                    now,
                    "TRIGGER_DISCARDED",
                    || json!({"ShardId": shard.id, "Records": gone.len(), "Condition": "RecordAgeExceeded"}),
                );
                step.discards.push((self.settings.destination(), discarded));
                lane.after = lane.after.max(*gone.last().expect("aged records"));
                if batch.sequences.is_empty() {
                    lane.finish_batch();
                }
                changed = true;
                continue;
            }
            let id = step.rng.uuid();
            batch.invocations += 1;
            batch.state = BatchState::InFlight(id.clone());
            batch.last_invocation = Some(id.clone());
            let event_records: Vec<Value> = records.iter().map(|r| as_event(r)).collect();
            let (first, last) = (
                batch.sequences[0],
                *batch.sequences.last().expect("records"),
            );
            let attempt = batch.invocations;
            let size = batch.sequences.len();
            step.ready.push(Invocation {
                invocation_id: id.clone(),
                mapping_uuid: self.settings.uuid.clone(),
                function_name: self.settings.function_name.clone(),
                function_arn: self.settings.function_arn.clone(),
                shard_id: shard.id.clone(),
                attempt,
                timeout_millis: u64::from(self.settings.function_timeout_seconds) * 1000,
                event: json!({"Records": event_records}),
                function_url: self.settings.function_url.clone(),
            });
            step.in_flight.insert(
                id.clone(),
                Flight {
                    mapping: self.settings.uuid.clone(),
                    shard: shard.id.clone(),
                    lane: index,
                },
            );
            self.figures.invocations += 1;
            record_event(
                step.events,
                &self.settings,
                now,
                "TRIGGER_INVOCATION",
                || {
                    json!({"InvocationId": id, "ShardId": shard.id, "BatchSize": size, "Attempt": attempt,
                       "FirstSequenceNumber": sequence_text(first), "LastSequenceNumber": sequence_text(last)})
                },
            );
            self.note(Entry {
                invocation_id: id,
                shard_id: shard.id.clone(),
                first_sequence_number: sequence_text(first),
                last_sequence_number: sequence_text(last),
                batch_size: size,
                attempt,
                started_millis: now,
                status: "InProgress",
                error_message: None,
                duration_millis: None,
                logs: Vec::new(),
                next: None,
            });
            return true;
        }
    }

    /// Applies an invocation's outcome to its batch; `None` when the batch no longer waits
    /// for it, else what goes to the on-failure destination, if anything.
    fn apply(
        &mut self,
        id: &str,
        flight: &Flight,
        outcome: InvocationOutcome,
        now: u64,
        stream: Option<&Stream>,
        events: &mut EventLog,
    ) -> Option<Option<Discarded>> {
        let shard = stream.and_then(|s| s.shard(&flight.shard));
        let Mapping {
            settings,
            cursors,
            figures,
            history,
            last_result,
            ..
        } = self;
        let lane = cursors.get_mut(&flight.shard)?.lanes.get_mut(flight.lane)?;
        let batch = lane.batch.as_mut()?;
        if batch.state != BatchState::InFlight(id.to_owned()) {
            return None;
        }
        let verdict = verdict(
            &outcome,
            settings.report_batch_item_failures,
            &batch.sequences,
        );
        let last_created = (shard
            .map(|s| records_of(s, &batch.sequences[batch.sequences.len() - 1..])))
        .and_then(|r| r.first().map(|r| r.created_millis));
        figures.iterator_age_millis = last_created.map_or(0, |c| now.saturating_sub(c));
        let mut entry = history.iter_mut().rev().find(|e| e.invocation_id == id);
        if let Some(entry) = entry.as_deref_mut() {
            entry.logs = outcome.logs;
            entry.duration_millis = outcome.duration_millis;
        }
        let mut tell = |status: &'static str, next: &'static str, error: Option<String>| {
            if let Some(entry) = entry.as_deref_mut() {
                entry.status = status;
                entry.next = Some(next);
                entry.error_message = error;
            }
        };
        let event_detail = |message: &str| json!({"InvocationId": id, "ShardId": flight.shard, "Message": message});
        let (message, partial) = match verdict {
            Verdict::Success => {
                figures.records_processed += batch.sequences.len() as u64;
                *last_result = "OK".to_owned();
                tell("Succeeded", "Advanced", None);
                lane.finish_batch();
                return Some(None);
            }
            Verdict::Partial(from) => {
                let done = batch.sequences.iter().filter(|s| **s < from).count();
                figures.records_processed += done as u64;
                figures.errors += 1;
                lane.after = lane.after.max(from - 1);
                batch.sequences.retain(|s| *s >= from);
                *last_result = "PROBLEM: Function call failed".to_owned();
                let message = format!("partial batch failure from {}", sequence_text(from));
                record_event(events, settings, now, "TRIGGER_ERROR", || {
                    event_detail(&message)
                });
                tell("PartiallyFailed", "Retry", Some(message.clone()));
                (message, true)
            }
            Verdict::Failure(message) => {
                figures.errors += 1;
                *last_result = "PROBLEM: Function call failed".to_owned();
                record_event(events, settings, now, "TRIGGER_ERROR", || {
                    event_detail(&message)
                });
                if settings.bisect_batch_on_function_error && batch.sequences.len() > 1 {
                    batch.bisect();
                    figures.bisects += 1;
                    let halves = (
                        batch.sequences.len(),
                        batch.rest.last().map_or(0, |r| r.0.len()),
                    );
                    record_event(
                        events,
                        settings,
                        now,
                        "TRIGGER_BISECT",
                        || json!({"InvocationId": id, "ShardId": flight.shard, "Halves": [halves.0, halves.1]}),
                    );
                    tell("Failed", "Bisected", Some(message));
                    return Some(None);
                }
                tell("Failed", "Retry", Some(message.clone()));
                (message, false)
            }
        };
        let exhausted = settings.maximum_retry_attempts >= 0
            && i64::from(batch.retries) >= settings.maximum_retry_attempts;
        if !exhausted {
            batch.retries += 1;
            figures.retries += 1;
            let at = now + retry_delay(batch.retries);
            batch.state = BatchState::RetryAt(at);
            record_event(
                events,
                settings,
                now,
                "TRIGGER_RETRY",
                || json!({"InvocationId": id, "ShardId": flight.shard, "RetryAtMillis": at, "Message": message}),
            );
            return Some(None);
        }
        let status = if partial { "PartiallyFailed" } else { "Failed" };
        tell(status, "Discarded", Some(message));
        let discarded = shard.map(|s| {
            discard_of(
                settings,
                s,
                &batch.sequences,
                Condition::RetryAttemptsExhausted,
                batch.invocations,
                id.to_owned(),
                now,
            )
        });
        figures.records_discarded += batch.sequences.len() as u64;
        let count = batch.sequences.len();
        record_event(
            events,
            settings,
            now,
            "TRIGGER_DISCARDED",
            || json!({"ShardId": flight.shard, "Records": count, "Condition": "RetryAttemptsExhausted"}),
        );
        lane.finish_batch();
        Some(discarded)
    }
}

/// The on-failure record of `sequences` of `shard`.
fn discard_of(
    settings: &Settings,
    shard: &Shard,
    sequences: &[u128],
    condition: Condition,
    invoke_count: u32,
    request_id: String,
    now: u64,
) -> Discarded {
    let records = records_of(shard, sequences);
    let expired = now.saturating_sub(RETENTION_MILLIS);
    Discarded {
        request_id,
        function_arn: settings.function_arn.clone(),
        condition,
        invoke_count,
        shard_id: shard.id.clone(),
        first_sequence: sequences.first().copied().unwrap_or_default(),
        last_sequence: sequences.last().copied().unwrap_or_default(),
        first_created_millis: records.first().map_or(expired, |r| r.created_millis),
        last_created_millis: records.last().map_or(expired, |r| r.created_millis),
        batch_size: sequences.len(),
        stream_arn: settings.event_source_arn.clone(),
        at_millis: now,
    }
}

fn record_event(
    events: &mut EventLog,
    settings: &Settings,
    now: u64,
    kind: &'static str,
    detail: impl FnOnce() -> Value,
) {
    events.record(now, kind, &settings.table_name, || {
        let mut detail = detail();
        detail["MappingUUID"] = json!(settings.uuid);
        detail["FunctionName"] = json!(settings.function_name);
        detail
    });
}

/// Brings every enabled mapping up to now: called by `Engine::run_due` and
/// [`Engine::take_invocations`].
pub(crate) fn deliver_due(engine: &mut Engine) {
    if engine.triggers.mappings.is_empty() {
        return;
    }
    let now = engine.clock.now_millis();
    let mut discards = Vec::new();
    let mut moved = BTreeSet::new();
    {
        let Engine {
            triggers,
            streams,
            events,
            rng,
            config,
            ..
        } = engine;
        let Triggers {
            mappings,
            ready,
            in_flight,
            ..
        } = triggers;
        for mapping in mappings.values_mut().filter(|m| m.settings.enabled) {
            let Some(stream) = streams.get(&mapping.settings.event_source_arn) else {
                continue;
            };
            let mut step = Step {
                now,
                region: &config.region,
                stream,
                events,
                rng,
                ready,
                in_flight,
                discards: &mut discards,
            };
            if mapping.step(&mut step) {
                moved.insert(mapping.settings.uuid.clone());
            }
        }
    }
    for (destination, discarded) in discards {
        engine.send_to_destination(destination, &discarded);
    }
    for uuid in moved {
        engine.record_mapping(&uuid);
    }
}

impl Engine {
    /// The invocations due now, for a front end to run (see the module): delivery is
    /// brought up to now first.
    pub fn take_invocations(&mut self) -> Vec<Invocation> {
        self.take_invocations_where(|_| true)
    }

    /// The invocations due now whose function `runnable` says the front end can run (by
    /// its name); the others stay ready, their shards waiting with no retry spent, until a
    /// later call takes them (the page holds back functions not enabled in its browser).
    pub fn take_invocations_where(&mut self, runnable: impl Fn(&str) -> bool) -> Vec<Invocation> {
        deliver_due(self);
        let (taken, kept) = std::mem::take(&mut self.triggers.ready)
            .into_iter()
            .partition(|i| runnable(&i.function_name));
        self.triggers.ready = kept;
        taken
    }

    /// A front end reports how invocation `invocation_id` ended. False when the engine no
    /// longer waits for it (its mapping was deleted, or the engine restored since).
    pub fn complete_invocation(&mut self, invocation_id: &str, outcome: InvocationOutcome) -> bool {
        let Some(flight) = self.triggers.in_flight.remove(invocation_id) else {
            return false;
        };
        self.triggers
            .ready
            .retain(|i| i.invocation_id != invocation_id);
        let now = self.clock.now_millis();
        let Engine {
            triggers,
            streams,
            events,
            ..
        } = self;
        let Some(mapping) = triggers.mappings.get_mut(&flight.mapping) else {
            return false;
        };
        let stream = streams.get(&mapping.settings.event_source_arn);
        let Some(discarded) = mapping.apply(invocation_id, &flight, outcome, now, stream, events)
        else {
            return false;
        };
        let destination = mapping.settings.destination();
        if let Some(discarded) = discarded {
            self.send_to_destination(destination, &discarded);
        }
        self.record_mapping(&flight.mapping);
        true
    }

    /// Writes an invocation record to a mapping's on-failure destination: a message on the
    /// in-page queue, or an item in the table (its partition key the record's `requestId`,
    /// a sort key its `timestamp`, or its time in milliseconds when numeric).
    fn send_to_destination(&mut self, destination: Option<Destination>, discarded: &Discarded) {
        let record = discarded.invocation_record();
        match destination {
            None => {}
            Some(Destination::Queue(name)) => {
                let message = QueueMessage {
                    message_id: self.rng.uuid(),
                    body: record.to_string(),
                    sent_millis: self.clock.now_millis(),
                };
                self.triggers
                    .queues
                    .entry(name.clone())
                    .or_default()
                    .push_back(message);
                self.record_queue(&name);
            }
            Some(Destination::Table(name)) => {
                let Some(table) = self.tables.get(&name) else {
                    return;
                };
                let schema = table.key_schema().clone();
                let mut item = serde_json::Map::new();
                for (member, value) in record.as_object().into_iter().flatten() {
                    item.insert(member.clone(), attribute_json(value));
                }
                let key_value = |kind: crate::key::ScalarType, text: &str| match kind {
                    crate::key::ScalarType::N => json!({"N": discarded.at_millis.to_string()}),
                    _ => json!({"S": text}),
                };
                item.insert(
                    schema.hash.name.clone(),
                    key_value(schema.hash.kind, &discarded.request_id),
                );
                if let Some(range) = &schema.range {
                    let timestamp = record["timestamp"].as_str().unwrap_or_default().to_owned();
                    item.insert(range.name.clone(), key_value(range.kind, &timestamp));
                }
                let keyed = crate::value::item_from_json(&Value::Object(item).to_string())
                    .and_then(|item| Ok((schema.key_of_item(&item)?, item)));
                if let Ok((key, item)) = keyed {
                    crate::write::commit_write(self, &name, key, Some(item));
                }
            }
        }
    }

    /// `Dynoscope_CreateEventSourceMapping`: a mapping of the stream `requested` names (a
    /// table's enabled stream, by its LatestStreamArn) to a function.
    pub(crate) fn create_event_source_mapping(
        &mut self,
        requested: Requested,
    ) -> Result<Value, DynamoError> {
        crate::stream::sync(self);
        let arn = requested.event_source_arn.clone();
        let table_name = (self.tables.values())
            .find(|t| (t.definition.stream.as_ref()).is_some_and(|s| s.enabled && s.arn == arn))
            .map(|t| t.definition.name.clone())
            .ok_or_else(|| invalid(format!("Stream not found: {arn}")))?;
        let function_name = function_name_of(&requested.function_name)?;
        if let Some(existing) = (self.triggers.mappings.values()).find(|m| {
            m.settings.event_source_arn == arn && m.settings.function_name == function_name
        }) {
            return Err(DynamoError::new(
                ErrorKind::ResourceConflictException,
                format!(
                    "The event source arn ({arn}) and function ({function_name}) provided mapping \
                     already exists. Please update or delete the existing mapping with UUID {}",
                    existing.settings.uuid
                ),
            ));
        }
        let (region, account) = (self.config.region.clone(), self.config.account_id.clone());
        let id = self.rng.uuid();
        let settings = Settings::resolve(requested, id.clone(), table_name, &region, &account)?;
        if let Some(Destination::Table(name)) = settings.destination()
            && !self.tables.contains_key(&name)
        {
            return Err(invalid(format!(
                "The destination table {name} does not exist."
            )));
        }
        let now = self.clock.now_millis();
        let mut mapping = Mapping::new(settings, now);
        if mapping.settings.starting_position == "LATEST"
            && let Some(stream) = self.streams.get(&arn)
        {
            for shard in stream.shards() {
                let cursor = Cursor::at(shard.last_sequence(), mapping.lanes());
                mapping.cursors.insert(shard.id.clone(), cursor);
            }
        }
        let description = mapping.describe("Creating");
        self.triggers.mappings.insert(id.clone(), mapping);
        self.record_mapping(&id);
        Ok(description)
    }

    /// `Dynoscope_ListEventSourceMappings`, narrowed to a stream and/or a function.
    pub(crate) fn list_event_source_mappings(
        &self,
        event_source_arn: Option<&str>,
        function_name: Option<&str>,
    ) -> Result<Value, DynamoError> {
        let function = function_name.map(function_name_of).transpose()?;
        let mappings: Vec<Value> = (self.triggers.mappings.values())
            .filter(|m| event_source_arn.is_none_or(|a| m.settings.event_source_arn == a))
            .filter(|m| {
                function
                    .as_deref()
                    .is_none_or(|f| m.settings.function_name == f)
            })
            .map(|m| m.describe(m.state()))
            .collect();
        Ok(json!({"EventSourceMappings": mappings}))
    }

    /// `Dynoscope_DeleteEventSourceMapping`: the mapping goes, with its invocations in
    /// flight (their outcomes are no longer awaited).
    pub(crate) fn delete_event_source_mapping(&mut self, uuid: &str) -> Result<Value, DynamoError> {
        let mapping = self.triggers.mappings.remove(uuid).ok_or_else(not_found)?;
        self.triggers.in_flight.retain(|_, f| f.mapping != uuid);
        self.triggers.ready.retain(|i| i.mapping_uuid != uuid);
        self.record(|| Change::PutSetting {
            name: format!("{MAPPING_PREFIX}{uuid}"),
            value: None,
        });
        Ok(mapping.describe("Deleting"))
    }

    /// `Dynoscope_GetInvocations`: a mapping's figures and its newest invocations.
    pub(crate) fn invocations_of(&self, uuid: &str, limit: usize) -> Result<Value, DynamoError> {
        let mapping = self.triggers.mappings.get(uuid).ok_or_else(not_found)?;
        let invocations: Vec<&Entry> = mapping.history.iter().rev().take(limit).collect();
        Ok(json!({
            "UUID": uuid,
            "FunctionName": mapping.settings.function_name,
            "State": mapping.state(),
            "LastProcessingResult": mapping.last_result,
            "Figures": mapping.figures,
            "Invocations": invocations,
        }))
    }

    /// `Dynoscope_ReceiveFromQueue`: takes up to `max` messages off an on-failure queue,
    /// oldest first (received is removed: there is no visibility timeout).
    pub(crate) fn receive_from_queue(&mut self, name: &str, max: usize) -> Value {
        let queue = self.triggers.queues.entry(name.to_owned()).or_default();
        let taken: Vec<QueueMessage> = (0..max).map_while(|_| queue.pop_front()).collect();
        if !taken.is_empty() {
            self.record_queue(name);
        }
        json!({"Messages": taken})
    }

    /// Records a mapping (its settings, positions and figures) as its setting.
    fn record_mapping(&mut self, uuid: &str) {
        let Some(mapping) = self.triggers.mappings.get(uuid) else {
            return;
        };
        let cursors: BTreeMap<&String, Vec<String>> = (mapping.cursors.iter())
            .map(|(shard, c)| (shard, c.lanes.iter().map(|l| l.after.to_string()).collect()))
            .collect();
        let value = json!({
            "Settings": mapping.settings,
            "LastModifiedMillis": mapping.last_modified_millis,
            "LastProcessingResult": mapping.last_result,
            "Figures": mapping.figures,
            "Cursors": cursors,
        })
        .to_string();
        self.record(|| Change::PutSetting {
            name: format!("{MAPPING_PREFIX}{uuid}"),
            value: Some(value),
        });
    }

    /// Records an on-failure queue's messages as its setting.
    fn record_queue(&mut self, name: &str) {
        let messages = self.triggers.queues.get(name);
        let value = messages
            .filter(|m| !m.is_empty())
            .map(|m| serde_json::to_string(m).expect("messages serialise"));
        self.record(|| Change::PutSetting {
            name: format!("{QUEUE_PREFIX}{name}"),
            value,
        });
    }

    /// Records every mapping and queue (a whole-database export).
    pub(crate) fn record_triggers(&mut self) {
        let uuids: Vec<String> = self.triggers.mappings.keys().cloned().collect();
        for uuid in uuids {
            self.record_mapping(&uuid);
        }
        let queues: Vec<String> = self.triggers.queues.keys().cloned().collect();
        for name in queues {
            self.record_queue(&name);
        }
    }

    /// Puts back a mapping or a queue kept as a setting; what does not read is skipped.
    /// Batches in flight are not kept: they are formed and handed out again.
    pub(crate) fn restore_trigger(&mut self, name: &str, value: &str) {
        let Ok(v) = serde_json::from_str::<Value>(value) else {
            return;
        };
        if let Some(queue) = name.strip_prefix(QUEUE_PREFIX) {
            if let Ok(messages) = serde_json::from_value::<VecDeque<QueueMessage>>(v) {
                self.triggers.queues.insert(queue.to_owned(), messages);
            }
            return;
        }
        let Ok(settings) = serde_json::from_value::<Settings>(v["Settings"].clone()) else {
            return;
        };
        let mut mapping = Mapping::new(settings, v["LastModifiedMillis"].as_u64().unwrap_or(0));
        if let Some(result) = v["LastProcessingResult"].as_str() {
            mapping.last_result = result.to_owned();
        }
        mapping.figures = serde_json::from_value(v["Figures"].clone()).unwrap_or_default();
        for (shard, lanes) in v["Cursors"].as_object().into_iter().flatten() {
            let afters: Option<Vec<u128>> = (lanes.as_array().into_iter().flatten())
                .map(|a| a.as_str()?.parse().ok())
                .collect();
            if let Some(afters) = afters.filter(|a| a.len() == mapping.lanes() as usize) {
                let lanes = afters
                    .into_iter()
                    .map(|after| delivery::Lane { after, batch: None });
                mapping.cursors.insert(
                    shard.clone(),
                    Cursor {
                        lanes: lanes.collect(),
                    },
                );
            }
        }
        self.triggers
            .in_flight
            .retain(|_, f| f.mapping != mapping.settings.uuid);
        self.triggers
            .mappings
            .insert(mapping.settings.uuid.clone(), mapping);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_doubling_up_to_a_minute() {
        assert_eq!(
            (1..=8).map(retry_delay).collect::<Vec<_>>(),
            vec![1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]
        );
    }
}
