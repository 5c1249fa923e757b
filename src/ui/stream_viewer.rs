//! The stream viewer: the table's DynamoDB stream, when it has one (DescribeTable's
//! `LatestStreamArn`). The viewer takes a shard iterator for every shard (GetShardIterator,
//! from the oldest record kept, TRIM_HORIZON, or from now on, LATEST), keeps the iterators
//! in its state and polls GetRecords with them on the Cluster view's refresh tick; a shard
//! opened by a split is read from its start, and an expired iterator is replaced after the
//! last record read. The worker draws the body ([`dynoscope_cluster_panels::stream`]): the
//! shards as a lineage tree from DescribeStream and the latest records, newest first. A
//! table without a stream gets a one-line hint and a button that enables one with
//! UpdateTable `StreamSpecification` (NEW_AND_OLD_IMAGES).

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde_json::{Value, json};
use wasm_bindgen::JsCast;

use super::cluster::ClusterCtx;
use super::dom::{error_text, set_html};
use super::{AppState, ShownError};
use crate::converters;

/// How many records the viewer keeps.
const KEEP: usize = 50;
/// Records per GetRecords call.
const PAGE: u64 = 100;
/// Without a stream, the table is described again every this many ticks (the stream may be
/// enabled through the JS API, which does not tell the UI).
const RECHECK_TICKS: u64 = 4;

/// Where the viewer is in one shard.
#[derive(Debug, Clone, PartialEq)]
enum Cursor {
    /// The iterator for the next GetRecords.
    At(String),
    /// A closed shard read to its end.
    Done,
}

/// Where to start reading a shard the viewer has not read yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StartAt {
    TrimHorizon,
    Latest,
}

impl StartAt {
    fn wire(self) -> &'static str {
        match self {
            StartAt::TrimHorizon => "TRIM_HORIZON",
            StartAt::Latest => "LATEST",
        }
    }
}

/// The reader's state: one cursor per shard and the last sequence number read from each
/// (to resume after an iterator expires).
#[derive(Debug, Clone, Default)]
struct Reader {
    arn: Option<String>,
    cursors: BTreeMap<String, Cursor>,
    last_read: BTreeMap<String, String>,
}

/// Sequence numbers are digit strings; longer is larger.
fn sequence_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// DescribeStream's `StreamDescription`, with the shards of every page.
async fn describe_stream(state: AppState, arn: &str) -> Result<Value, ShownError> {
    let mut whole: Option<Value> = None;
    let mut start: Option<String> = None;
    loop {
        let mut request = json!({ "StreamArn": arn });
        if let Some(s) = &start {
            request["ExclusiveStartShardId"] = json!(s);
        }
        let mut response = state.send("DescribeStream", &request).await?;
        let description = response["StreamDescription"].take();
        let last = description["LastEvaluatedShardId"]
            .as_str()
            .map(str::to_owned);
        match &mut whole {
            None => whole = Some(description),
            Some(w) => {
                if let (Some(all), Some(more)) =
                    (w["Shards"].as_array_mut(), description["Shards"].as_array())
                {
                    all.extend(more.iter().cloned());
                }
            }
        }
        match last {
            Some(last) if start.as_deref() != Some(last.as_str()) => start = Some(last),
            _ => return Ok(whole.unwrap_or(Value::Null)),
        }
    }
}

/// Reads one page from every shard not read to its end; returns the new records.
async fn poll_shards(
    state: AppState,
    arn: &str,
    shards: &[Value],
    reader: StoredValue<Reader>,
    start_at: StartAt,
) -> Result<Vec<Value>, ShownError> {
    // Once the viewer is reading, a shard it has not seen (a child opened by a split) is
    // read from its start, so no record is missed.
    let reading = reader
        .try_with_value(|r| !r.cursors.is_empty())
        .unwrap_or(false);
    let mut fresh = Vec::new();
    for shard in shards {
        let Some(shard_id) = shard["ShardId"].as_str() else {
            continue;
        };
        let cursor = reader
            .try_with_value(|r| r.cursors.get(shard_id).cloned())
            .flatten();
        let iterator = match cursor {
            Some(Cursor::Done) => continue,
            Some(Cursor::At(iterator)) => iterator,
            None => {
                let resume = reader
                    .try_with_value(|r| r.last_read.get(shard_id).cloned())
                    .flatten();
                let request = match resume {
                    Some(sequence) => json!({
                        "StreamArn": arn,
                        "ShardId": shard_id,
                        "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                        "SequenceNumber": sequence,
                    }),
                    None => {
                        let from = if reading {
                            StartAt::TrimHorizon
                        } else {
                            start_at
                        };
                        json!({
                            "StreamArn": arn,
                            "ShardId": shard_id,
                            "ShardIteratorType": from.wire(),
                        })
                    }
                };
                let response = state.send("GetShardIterator", &request).await?;
                match response.get("ShardIterator").and_then(Value::as_str) {
                    Some(iterator) => iterator.to_owned(),
                    None => continue,
                }
            }
        };
        let result = state
            .send(
                "GetRecords",
                &json!({ "ShardIterator": iterator, "Limit": PAGE }),
            )
            .await;
        let response = match result {
            Ok(response) => response,
            Err(e) if e.name == "ExpiredIteratorException" => {
                // Take a new iterator after the last record read, next tick.
                reader.try_update_value(|r| {
                    r.cursors.remove(shard_id);
                });
                continue;
            }
            Err(e) if e.name == "TrimmedDataAccessException" => {
                reader.try_update_value(|r| {
                    r.cursors.remove(shard_id);
                    r.last_read.remove(shard_id);
                });
                continue;
            }
            Err(e) => return Err(e),
        };
        let records: Vec<Value> = response["Records"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let mut r = r.clone();
                r["shardId"] = json!(shard_id);
                r
            })
            .collect();
        let next = response
            .get("NextShardIterator")
            .and_then(Value::as_str)
            .map(|i| Cursor::At(i.to_owned()))
            .unwrap_or(Cursor::Done);
        let last = records.last().map(|r| sequence_of(r).to_owned());
        reader.try_update_value(|r| {
            r.cursors.insert(shard_id.to_owned(), next);
            if let Some(last) = last {
                r.last_read.insert(shard_id.to_owned(), last);
            }
        });
        fresh.extend(records);
    }
    Ok(fresh)
}

/// A record's sequence number.
fn sequence_of(record: &Value) -> &str {
    record["dynamodb"]["SequenceNumber"].as_str().unwrap_or("")
}

/// What the viewer has read and shows, kept between ticks.
#[derive(Default)]
struct Shown {
    loaded: bool,
    arn: Option<String>,
    enabled: bool,
    description: Option<Value>,
    /// Newest first.
    records: Vec<Value>,
    start_at: Option<StartAt>,
    enabling: bool,
}

/// The stream viewer of one table.
#[component]
pub fn StreamViewer(table: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<ClusterCtx>();
    let shown = StoredValue::new(Shown::default());
    let reader = StoredValue::new(Reader::default());
    // Bumped by the buttons, to read and draw again at once.
    let poke = RwSignal::new(0_u64);
    let busy = StoredValue::new(false);
    let ticks = StoredValue::new(0_u64);
    let seen_revision = StoredValue::new(None::<u64>);

    {
        let table = table.clone();
        Effect::new(move |_| {
            ctx.track();
            poke.track();
            if busy.try_get_value().unwrap_or(true) {
                return;
            }
            let tick = ticks.get_value();
            ticks.set_value(tick + 1);
            let revision = state.revision.get_untracked();
            let describe_table = seen_revision.get_value() != Some(revision)
                || (shown.with_value(|s| s.arn.is_none()) && tick.is_multiple_of(RECHECK_TICKS));
            busy.set_value(true);
            let table = table.clone();
            leptos::task::spawn_local(async move {
                let result = read(state, &table, describe_table, shown, reader).await;
                if describe_table && result.is_ok() {
                    seen_revision.try_set_value(Some(revision));
                }
                busy.try_set_value(false);
                match result {
                    Ok(true) => draw(state, shown).await,
                    Ok(false) => {}
                    Err(e) => set_html(
                        "[data-stream-error]",
                        &error_text(&format!("{}: {}", e.name, e.message)),
                    ),
                }
            });
        });
    }

    let on_click = move |ev: web_sys::MouseEvent| {
        let Some(action) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("[data-stream]").ok().flatten())
            .and_then(|b| b.get_attribute("data-stream"))
        else {
            return;
        };
        if action == "enable" {
            if shown.with_value(|s| s.enabling) {
                return;
            }
            shown.update_value(|s| s.enabling = true);
            let table = table.clone();
            leptos::task::spawn_local(async move {
                let request = json!({
                    "TableName": table,
                    "StreamSpecification": { "StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES" },
                });
                let result = state.send("UpdateTable", &request).await;
                shown.try_update_value(|s| s.enabling = false);
                if let Err(e) = result {
                    set_html(
                        "[data-stream-error]",
                        &error_text(&format!("{}: {}", e.name, e.message)),
                    );
                }
                poke.try_update(|p| *p += 1);
            });
        } else {
            let from = if action == "LATEST" {
                StartAt::Latest
            } else {
                StartAt::TrimHorizon
            };
            if shown.with_value(|s| s.start_at.unwrap_or(StartAt::TrimHorizon)) == from {
                return;
            }
            // Read every shard again from the chosen point.
            reader.update_value(|r| {
                r.cursors.clear();
                r.last_read.clear();
            });
            shown.update_value(|s| {
                s.records.clear();
                s.start_at = Some(from);
            });
            poke.update(|p| *p += 1);
        }
    };

    view! {
        <section class="panel stream-viewer" aria-labelledby="stream-heading" data-testid="stream-viewer" on:click=on_click>
            <div class="title-row"><h2 id="stream-heading">"Stream"</h2></div>
            <div data-stream-error></div>
        </section>
    }
}

/// One round: the table's stream (when `describe_table`), its shards, and a page of records
/// from each; returns whether anything shown changed.
async fn read(
    state: AppState,
    table: &str,
    describe_table: bool,
    shown: StoredValue<Shown>,
    reader: StoredValue<Reader>,
) -> Result<bool, ShownError> {
    let mut changed = false;
    if describe_table {
        let response = state
            .send("DescribeTable", &json!({ "TableName": table }))
            .await?;
        let t = &response["Table"];
        let arn = t["LatestStreamArn"].as_str().map(str::to_owned);
        let enabled = t["StreamSpecification"]["StreamEnabled"]
            .as_bool()
            .unwrap_or(false);
        shown.try_update_value(|s| {
            changed |= !s.loaded || s.arn != arn || s.enabled != enabled;
            s.loaded = true;
            s.arn = arn;
            s.enabled = enabled;
        });
    }
    let Some(arn) = shown.try_with_value(|s| s.arn.clone()).flatten() else {
        return Ok(changed);
    };
    // A new stream (disabled, then enabled again): start over.
    if reader.try_with_value(|r| r.arn.as_deref() != Some(arn.as_str())) == Some(true) {
        reader.try_set_value(Reader {
            arn: Some(arn.clone()),
            ..Reader::default()
        });
        shown.try_update_value(|s| s.records.clear());
        changed = true;
    }
    let description = describe_stream(state, &arn).await?;
    let from = shown
        .try_with_value(|s| s.start_at)
        .flatten()
        .unwrap_or(StartAt::TrimHorizon);
    let shards = description["Shards"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let fresh = poll_shards(state, &arn, &shards, reader, from).await?;
    shown.try_update_value(|s| {
        if s.description.as_ref() != Some(&description) {
            s.description = Some(description);
            changed = true;
        }
        if !fresh.is_empty() {
            changed = true;
            s.records.extend(fresh);
            dynoscope_engine::sorting::sort_by(&mut s.records, |a, b| {
                sequence_order(sequence_of(b), sequence_of(a))
            });
            s.records
                .dedup_by(|a, b| sequence_of(a) == sequence_of(b) && a["shardId"] == b["shardId"]);
            s.records.truncate(KEEP);
        }
    });
    Ok(changed)
}

/// Asks the worker for the viewer's body and puts it in the section.
async fn draw(state: AppState, shown: StoredValue<Shown>) {
    let key_names: Vec<String> = state
        .info
        .get_untracked()
        .map(|info| info.keys.into_iter().map(|k| k.name).collect())
        .unwrap_or_default();
    let Some(input) = shown.try_with_value(|s| {
        json!({
            "loaded": s.loaded,
            "arn": s.arn,
            "enabled": s.enabled,
            "description": s.description,
            "records": s.records,
            "startAt": s.start_at.unwrap_or(StartAt::TrimHorizon).wire(),
            "enabling": s.enabling,
            "keyNames": key_names,
            "offsetMinutes": js_sys::Date::new_0().get_timezone_offset() as i64,
        })
    }) else {
        return;
    };
    match converters::panel("stream", input).await {
        Ok(drawn) => set_html(
            "[data-testid=\"stream-viewer\"]",
            drawn["html"].as_str().unwrap_or(""),
        ),
        Err(e) => set_html("[data-stream-error]", &error_text(&e.message)),
    }
}
