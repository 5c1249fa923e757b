//! The stream viewer: the table's DynamoDB stream, when it has one (DescribeTable's
//! `LatestStreamArn`). Its shards are drawn as a small lineage tree from DescribeStream (a
//! parent shard closes when its partition splits, and its two children name it), each
//! marked open or closed in words as well as colour. Below, the latest records, newest
//! first: the viewer takes a shard iterator for every shard (GetShardIterator, from the
//! oldest record kept, TRIM_HORIZON, or from now on, LATEST), keeps the iterators in its
//! state and polls GetRecords with them on the Cluster view's refresh tick. Each record
//! shows its event name, keys, old and new images in short form, sequence number, and a
//! TTL badge when the service deleted the item (`userIdentity` of type `Service`). A table
//! without a stream gets a one-line hint and a button that enables one with
//! UpdateTable `StreamSpecification` (NEW_AND_OLD_IMAGES).

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use serde_json::{Value, json};

use super::cluster::{ClusterCtx, clock_text, key_text};
use super::{AppState, ErrorNotice, ShownError};

/// How many records the viewer keeps.
const KEEP: usize = 50;
/// Records per GetRecords call.
const PAGE: u64 = 100;
/// Without a stream, the table is described again every this many ticks (the stream may be
/// enabled through the JS API, which does not tell the UI).
const RECHECK_TICKS: u64 = 4;

/// What DescribeTable says of the table's stream.
#[derive(Debug, Clone, PartialEq, Default)]
struct StreamState {
    /// The latest stream's ARN, kept by DynamoDB for 24 h after the stream is disabled.
    arn: Option<String>,
    enabled: bool,
    view_type: Option<String>,
}

impl StreamState {
    fn from_describe(response: &Value) -> StreamState {
        let table = response.get("Table");
        let spec = table.and_then(|t| t.get("StreamSpecification"));
        StreamState {
            arn: table
                .and_then(|t| t.get("LatestStreamArn"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            enabled: spec
                .and_then(|s| s.get("StreamEnabled"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
            view_type: spec
                .and_then(|s| s.get("StreamViewType"))
                .and_then(Value::as_str)
                .map(str::to_owned),
        }
    }
}

/// One shard, from DescribeStream.
#[derive(Debug, Clone, PartialEq)]
struct ShardView {
    id: String,
    parent: Option<String>,
    open: bool,
    first_sequence: String,
}

impl ShardView {
    fn from_json(s: &Value) -> Option<ShardView> {
        let range = s.get("SequenceNumberRange");
        Some(ShardView {
            id: s.get("ShardId")?.as_str()?.to_owned(),
            parent: s
                .get("ParentShardId")
                .and_then(Value::as_str)
                .map(str::to_owned),
            open: range.and_then(|r| r.get("EndingSequenceNumber")).is_none(),
            first_sequence: range
                .and_then(|r| r.get("StartingSequenceNumber"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        })
    }

    /// `shardId-<20 digits>-<8 hex>` shortened to its creation time and suffix.
    fn short(&self) -> String {
        short_shard(&self.id)
    }
}

fn short_shard(id: &str) -> String {
    let mut parts = id.rsplitn(2, '-');
    let suffix = parts.next().unwrap_or(id);
    let stamp = parts
        .next()
        .and_then(|rest| rest.rsplit('-').next())
        .and_then(|digits| digits.parse::<u64>().ok());
    match stamp {
        Some(millis) => format!("…{suffix} ({})", clock_text(millis)),
        None => id.to_owned(),
    }
}

/// What the stream looks like: the shards and the stream's status and view type.
#[derive(Debug, Clone, PartialEq, Default)]
struct StreamView {
    status: String,
    view_type: String,
    shards: Vec<ShardView>,
}

/// One stream record, ready to show.
#[derive(Debug, Clone, PartialEq)]
struct RecordView {
    sequence: String,
    shard: String,
    event: String,
    keys: String,
    old: Option<String>,
    new: Option<String>,
    ttl: bool,
    at: u64,
}

impl RecordView {
    fn from_json(r: &Value, shard: &str, info: Option<&super::TableInfo>) -> Option<RecordView> {
        let data = r.get("dynamodb")?;
        let image = |name: &str| {
            data.get(name).filter(|i| i.is_object()).map(|i| {
                dynoscope_query_builder::value_text::compact(
                    &json!({ "M": i }),
                    super::item_grid::CELL_CHARS,
                )
            })
        };
        Some(RecordView {
            sequence: data.get("SequenceNumber")?.as_str()?.to_owned(),
            shard: shard.to_owned(),
            event: r.get("eventName")?.as_str()?.to_owned(),
            keys: data
                .get("Keys")
                .map(|k| key_text(k, info))
                .unwrap_or_default(),
            old: image("OldImage"),
            new: image("NewImage"),
            ttl: r
                .get("userIdentity")
                .and_then(|u| u.get("Type"))
                .and_then(Value::as_str)
                == Some("Service"),
            at: data
                .get("ApproximateCreationDateTime")
                .and_then(Value::as_u64)
                .unwrap_or(0)
                * 1000,
        })
    }
}

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

/// Every shard of the stream, following DescribeStream pages.
async fn describe_stream(state: AppState, arn: &str) -> Result<StreamView, ShownError> {
    let mut view = StreamView::default();
    let mut start: Option<String> = None;
    loop {
        let mut request = json!({ "StreamArn": arn });
        if let Some(s) = &start {
            request["ExclusiveStartShardId"] = json!(s);
        }
        let response = state.send("DescribeStream", &request).await?;
        let description = response
            .get("StreamDescription")
            .cloned()
            .unwrap_or(Value::Null);
        let text = |name: &str| {
            description
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        view.status = text("StreamStatus");
        view.view_type = text("StreamViewType");
        if let Some(shards) = description.get("Shards").and_then(Value::as_array) {
            view.shards
                .extend(shards.iter().filter_map(ShardView::from_json));
        }
        match description
            .get("LastEvaluatedShardId")
            .and_then(Value::as_str)
        {
            Some(last) if start.as_deref() != Some(last) => start = Some(last.to_owned()),
            _ => return Ok(view),
        }
    }
}

/// Reads one page from every shard not read to its end; returns the new records.
async fn poll_shards(
    state: AppState,
    arn: &str,
    shards: &[ShardView],
    reader: StoredValue<Reader>,
    start_at: StartAt,
) -> Result<Vec<RecordView>, ShownError> {
    let info = state.info.get_untracked();
    // Once the viewer is reading, a shard it has not seen (a child opened by a split) is
    // read from its start, so no record is missed.
    let reading = reader
        .try_with_value(|r| !r.cursors.is_empty())
        .unwrap_or(false);
    let mut fresh = Vec::new();
    for shard in shards {
        let cursor = reader
            .try_with_value(|r| r.cursors.get(&shard.id).cloned())
            .flatten();
        let iterator = match cursor {
            Some(Cursor::Done) => continue,
            Some(Cursor::At(iterator)) => iterator,
            None => {
                let resume = reader
                    .try_with_value(|r| r.last_read.get(&shard.id).cloned())
                    .flatten();
                let request = match resume {
                    Some(sequence) => json!({
                        "StreamArn": arn,
                        "ShardId": shard.id,
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
                            "ShardId": shard.id,
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
                    r.cursors.remove(&shard.id);
                });
                continue;
            }
            Err(e) if e.name == "TrimmedDataAccessException" => {
                reader.try_update_value(|r| {
                    r.cursors.remove(&shard.id);
                    r.last_read.remove(&shard.id);
                });
                continue;
            }
            Err(e) => return Err(e),
        };
        let records: Vec<RecordView> = response
            .get("Records")
            .and_then(Value::as_array)
            .map(|rs| {
                rs.iter()
                    .filter_map(|r| RecordView::from_json(r, &shard.id, info.as_ref()))
                    .collect()
            })
            .unwrap_or_default();
        let next = response
            .get("NextShardIterator")
            .and_then(Value::as_str)
            .map(|i| Cursor::At(i.to_owned()))
            .unwrap_or(Cursor::Done);
        let last = records.last().map(|r| r.sequence.clone());
        reader.try_update_value(|r| {
            r.cursors.insert(shard.id.clone(), next);
            if let Some(last) = last {
                r.last_read.insert(shard.id.clone(), last);
            }
        });
        fresh.extend(records);
    }
    Ok(fresh)
}

/// The stream viewer of one table.
#[component]
pub fn StreamViewer(table: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<ClusterCtx>();
    let stream = RwSignal::new(None::<StreamState>);
    let described = RwSignal::new(None::<StreamView>);
    // Newest first.
    let records = RwSignal::new(Vec::<RecordView>::new());
    let reader = StoredValue::new(Reader::default());
    let start_at = RwSignal::new(StartAt::TrimHorizon);
    let error = RwSignal::new(None::<ShownError>);
    let enabling = RwSignal::new(false);
    let busy = StoredValue::new(false);
    let ticks = StoredValue::new(0_u64);
    let seen_revision = StoredValue::new(None::<u64>);

    {
        let table = table.clone();
        Effect::new(move |_| {
            ctx.track();
            let from = start_at.get();
            if busy.try_get_value().unwrap_or(true) {
                return;
            }
            let tick = ticks.get_value();
            ticks.set_value(tick + 1);
            let revision = state.revision.get_untracked();
            let describe_table = seen_revision.get_value() != Some(revision)
                || (stream.with_untracked(|s| s.as_ref().is_none_or(|s| s.arn.is_none()))
                    && tick.is_multiple_of(RECHECK_TICKS));
            busy.set_value(true);
            let table = table.clone();
            leptos::task::spawn_local(async move {
                let result = async {
                    if describe_table {
                        let response = state
                            .send("DescribeTable", &json!({ "TableName": table }))
                            .await?;
                        seen_revision.try_set_value(Some(revision));
                        let loaded = StreamState::from_describe(&response);
                        if stream.try_with_untracked(|s| s.as_ref() != Some(&loaded)) == Some(true)
                        {
                            stream.try_set(Some(loaded));
                        }
                    }
                    let Some(arn) = stream
                        .try_with_untracked(|s| s.as_ref().and_then(|s| s.arn.clone()))
                        .flatten()
                    else {
                        return Ok(());
                    };
                    // A new stream (disabled, then enabled again): start over.
                    if reader.try_with_value(|r| r.arn.as_deref() != Some(arn.as_str()))
                        == Some(true)
                    {
                        reader.try_set_value(Reader {
                            arn: Some(arn.clone()),
                            ..Reader::default()
                        });
                        records.try_set(Vec::new());
                    }
                    let view = describe_stream(state, &arn).await?;
                    let fresh = poll_shards(state, &arn, &view.shards, reader, from).await?;
                    if described.try_with_untracked(|d| d.as_ref() != Some(&view)) == Some(true) {
                        described.try_set(Some(view));
                    }
                    if !fresh.is_empty() {
                        records.try_update(|list| {
                            list.extend(fresh);
                            dynoscope_engine::sorting::sort_by(list, |a, b| {
                                sequence_order(&b.sequence, &a.sequence)
                            });
                            list.dedup_by(|a, b| a.sequence == b.sequence && a.shard == b.shard);
                            list.truncate(KEEP);
                        });
                    }
                    Ok::<(), ShownError>(())
                }
                .await;
                busy.try_set_value(false);
                match result {
                    Ok(()) => {
                        if error.try_with_untracked(Option::is_some) == Some(true) {
                            error.try_set(None);
                        }
                    }
                    Err(e) => {
                        error.try_set(Some(e));
                    }
                }
            });
        });
    }

    let enable = {
        let table = table.clone();
        move |_| {
            if enabling.get_untracked() {
                return;
            }
            enabling.set(true);
            let table = table.clone();
            leptos::task::spawn_local(async move {
                let result = state
                    .send(
                        "UpdateTable",
                        &json!({
                            "TableName": table,
                            "StreamSpecification": {
                                "StreamEnabled": true,
                                "StreamViewType": "NEW_AND_OLD_IMAGES",
                            },
                        }),
                    )
                    .await;
                enabling.try_set(false);
                match result {
                    Ok(_) => {
                        error.try_set(None);
                    }
                    Err(e) => {
                        error.try_set(Some(e));
                    }
                }
            });
        }
    };

    let choose = move |from: StartAt| {
        if start_at.get_untracked() == from {
            return;
        }
        // Read every shard again from the chosen point.
        reader.update_value(|r| {
            r.cursors.clear();
            r.last_read.clear();
        });
        records.set(Vec::new());
        start_at.set(from);
    };
    let start_button = move |from: StartAt, label: &'static str, testid: &'static str| {
        let on = move || start_at.get() == from;
        view! {
            <button
                type="button"
                class="toggle"
                class:on=on
                aria-pressed=move || if on() { "true" } else { "false" }
                data-testid=testid
                on:click=move |_| choose(from)
            >
                {label}
            </button>
        }
    };

    let has_stream = move || stream.with(|s| s.as_ref().is_some_and(|s| s.arn.is_some()));
    let enabled = move || stream.with(|s| s.as_ref().is_some_and(|s| s.enabled));

    view! {
        <section class="panel stream-viewer" aria-labelledby="stream-heading" data-testid="stream-viewer">
            <div class="title-row">
                <h2 id="stream-heading">"Stream"</h2>
                <p class="muted" data-testid="stream-status">
                    {move || described.with(|d| d.as_ref().map(|d| format!("{} · {}", d.status, d.view_type)))}
                </p>
            </div>
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="stream-error" /> })}
            {move || {
                let loaded = stream.with(Option::is_some);
                (loaded && !enabled()).then(|| view! {
                    <p class="stream-hint" data-testid="stream-hint">
                        {if has_stream() { "The stream is disabled. " } else { "This table has no stream. " }}
                        "Enable one (UpdateTable with a "
                        <code>"StreamSpecification"</code>
                        ") to see every change to its items, in order, per partition."
                        " "
                        <button
                            type="button"
                            class="small"
                            data-testid="stream-enable"
                            disabled=move || enabling.get()
                            on:click=enable.clone()
                        >
                            "Enable stream (new and old images)"
                        </button>
                    </p>
                })
            }}
            <Show when=has_stream>
                <div class="stream-body">
                    <div class="shard-tree">
                        <h3>"Shards"</h3>
                        {move || described.get().map(|d| view! { <ShardTree shards=d.shards /> })}
                    </div>
                    <div class="stream-records">
                        <div class="records-head">
                            <h3>"Latest records"</h3>
                            <div class="button-group" role="group" aria-label="Read each shard from">
                                {start_button(StartAt::TrimHorizon, "Oldest kept", "stream-from-trim-horizon")}
                                {start_button(StartAt::Latest, "From now", "stream-from-latest")}
                            </div>
                        </div>
                        <Show when=move || records.with(Vec::is_empty)>
                            <p class="muted" data-testid="stream-empty">
                                "No records yet: put, update or delete an item."
                            </p>
                        </Show>
                        <ol class="records" data-testid="stream-records">
                            <For each=move || records.get() key=|r| (r.shard.clone(), r.sequence.clone()) let:record>
                                <RecordRow record=record />
                            </For>
                        </ol>
                    </div>
                </div>
            </Show>
        </section>
    }
}

/// The shards as a tree: roots (shards whose parent is gone or absent) first, children
/// nested under their parent.
#[component]
fn ShardTree(shards: Vec<ShardView>) -> impl IntoView {
    let ids: BTreeSet<String> = shards.iter().map(|s| s.id.clone()).collect();
    let mut children: BTreeMap<String, Vec<ShardView>> = BTreeMap::new();
    let mut roots = Vec::new();
    for shard in shards {
        match &shard.parent {
            Some(parent) if ids.contains(parent) => {
                children.entry(parent.clone()).or_default().push(shard)
            }
            _ => roots.push(shard),
        }
    }
    let open = children
        .values()
        .flatten()
        .chain(&roots)
        .filter(|s| s.open)
        .count();
    let total = ids.len();
    let label = format!(
        "{total} shard{}, {open} open",
        if total == 1 { "" } else { "s" }
    );
    view! {
        <p class="muted shard-count" data-testid="shard-count">{label}</p>
        <ul class="shards" data-testid="shard-tree">
            {roots.into_iter().map(|s| shard_node(s, &children)).collect_view()}
        </ul>
    }
}

fn shard_node(shard: ShardView, children: &BTreeMap<String, Vec<ShardView>>) -> AnyView {
    let kids = children.get(&shard.id).cloned().unwrap_or_default();
    let nested = (!kids.is_empty()).then(|| {
        view! {
            <ul>{kids.into_iter().map(|k| shard_node(k, children)).collect_view()}</ul>
        }
    });
    let (class, state) = if shard.open {
        ("shard open", "open")
    } else {
        ("shard closed", "closed")
    };
    let title = format!(
        "{} (first sequence number {})",
        shard.id, shard.first_sequence
    );
    view! {
        <li data-testid="shard" data-shard-id=shard.id.clone() data-open=if shard.open { "true" } else { "false" }>
            <span class=class title=title>
                <span class="shard-state" aria-hidden="true">{if shard.open { "●" } else { "○" }}</span>
                <code>{shard.short()}</code>
                <span class="shard-word">{state}</span>
            </span>
            {nested}
        </li>
    }
    .into_any()
}

/// `HH:MM:SS`: a record's creation time is given in whole seconds.
fn seconds_text(millis: u64) -> String {
    let text = clock_text(millis);
    text.split('.').next().unwrap_or(&text).to_owned()
}

/// One stream record as a row.
#[component]
fn RecordRow(record: RecordView) -> impl IntoView {
    let event_class = format!("record-event event-{}", record.event.to_ascii_lowercase());
    let short_sequence = if record.sequence.len() > 8 {
        format!("…{}", &record.sequence[record.sequence.len() - 8..])
    } else {
        record.sequence.clone()
    };
    let sequence_title = format!(
        "Sequence number {} in shard {}",
        record.sequence, record.shard
    );
    let image = |label: &'static str, image: Option<String>| {
        image.map(|text| {
            let title = text.clone();
            view! {
                <span class="image-label">{label}</span>
                <code class="image" title=title>{text}</code>
            }
        })
    };
    view! {
        <li class="stream-record" data-testid="stream-record" data-event=record.event.clone()>
            <span class=event_class>{record.event.clone()}</span>
            <span class="record-keys"><code>{record.keys.clone()}</code></span>
            {record.ttl.then(|| view! {
                <span
                    class="ttl-badge"
                    data-testid="ttl-badge"
                    title="Deleted by DynamoDB's time-to-live process (userIdentity: Service, dynamodb.amazonaws.com)"
                >
                    "TTL"
                </span>
            })}
            <span class="record-seq" title=sequence_title>
                <span class="visually-hidden">"sequence number "</span>
                {short_sequence}
            </span>
            <time class="record-time">{seconds_text(record.at)}</time>
            <div class="record-images">
                {image("old", record.old)}
                {image("new", record.new)}
            </div>
        </li>
    }
}
