//! The stream viewer's body: the table's stream status, a hint with an Enable button when it
//! has none (or it is disabled), the shards as a lineage tree (a parent shard closes when
//! its partition splits, and its two children name it; each marked open or closed in words
//! as well as colour), the buttons choosing where reading starts, and the latest records,
//! newest first: event name, keys, a TTL badge when the service deleted the item, sequence
//! number, time, and the old and new images in short form.

use std::collections::{BTreeMap, BTreeSet};

use dynoscope_codegen::html::escape;
use dynoscope_query_builder::value_text::compact;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::timeline::html::clock_text;
use crate::timeline::sentence::key_text;

/// What the page knows of the stream and what it has read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamState {
    /// Whether DescribeTable has been read yet.
    pub loaded: bool,
    /// The latest stream's ARN (kept 24 hours after the stream is disabled).
    pub arn: Option<String>,
    pub enabled: bool,
    /// DescribeStream's `StreamDescription` (all pages' shards together).
    pub description: Option<Value>,
    /// The records read, newest first, each with `shardId` added.
    pub records: Vec<Value>,
    /// `TRIM_HORIZON` or `LATEST`.
    pub start_at: String,
    pub enabling: bool,
    pub key_names: Vec<String>,
    /// The browser's `Date.getTimezoneOffset()`.
    pub offset_minutes: i64,
}

/// The viewer's body.
pub fn stream_html(state: &StreamState) -> String {
    let status = state
        .description
        .as_ref()
        .map(|d| {
            format!(
                "{} · {}",
                d["StreamStatus"].as_str().unwrap_or(""),
                d["StreamViewType"].as_str().unwrap_or("")
            )
        })
        .unwrap_or_default();
    let mut out = format!(
        "<div class=\"title-row\"><h2 id=\"stream-heading\">Stream</h2><p class=\"muted\" data-testid=\"stream-status\">{}</p></div><div data-stream-error></div>",
        escape(&status)
    );
    if state.loaded && !state.enabled {
        out += &format!(
            "<p class=\"stream-hint\" data-testid=\"stream-hint\">{}Enable one (UpdateTable with a <code>StreamSpecification</code>) to see every change to its items, in order, per partition. \
             <button type=\"button\" class=\"small\" data-testid=\"stream-enable\" data-stream=\"enable\"{}>Enable stream (new and old images)</button></p>",
            if state.arn.is_some() {
                "The stream is disabled. "
            } else {
                "This table has no stream. "
            },
            if state.enabling { " disabled" } else { "" }
        );
    }
    if state.arn.is_none() {
        return out;
    }
    out += "<div class=\"stream-body\"><div class=\"shard-tree\"><h3>Shards</h3>";
    if let Some(description) = &state.description {
        let shards = description["Shards"]
            .as_array()
            .map_or(&[][..], Vec::as_slice);
        out += &shard_tree(shards, state.offset_minutes);
    }
    out += "</div><div class=\"stream-records\"><div class=\"records-head\"><h3>Latest records</h3>\
            <div class=\"button-group\" role=\"group\" aria-label=\"Read each shard from\">";
    for (from, label, testid) in [
        ("TRIM_HORIZON", "Oldest kept", "stream-from-trim-horizon"),
        ("LATEST", "From now", "stream-from-latest"),
    ] {
        let on = state.start_at == from;
        out += &format!(
            "<button type=\"button\" class=\"toggle{}\" aria-pressed=\"{on}\" data-testid=\"{testid}\" data-stream=\"{from}\">{label}</button>",
            if on { " on" } else { "" }
        );
    }
    out += "</div></div>";
    if state.records.is_empty() {
        out += "<p class=\"muted\" data-testid=\"stream-empty\">No records yet: put, update or delete an item.</p>";
    }
    out += "<ol class=\"records\" data-testid=\"stream-records\">";
    for record in &state.records {
        out += &record_html(record, state);
    }
    out += "</ol></div></div>";
    out
}

/// The shards as a tree: roots (shards whose parent is gone or absent) first, children
/// nested under their parent.
fn shard_tree(shards: &[Value], offset_minutes: i64) -> String {
    let id = |s: &Value| s["ShardId"].as_str().unwrap_or("").to_owned();
    let ids: BTreeSet<String> = shards.iter().map(id).collect();
    let mut children: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    let mut roots = Vec::new();
    for shard in shards {
        match shard["ParentShardId"].as_str() {
            Some(parent) if ids.contains(parent) => {
                children.entry(parent.to_owned()).or_default().push(shard)
            }
            _ => roots.push(shard),
        }
    }
    let open = shards.iter().filter(|s| is_open(s)).count();
    let total = ids.len();
    let mut out = format!(
        "<p class=\"muted shard-count\" data-testid=\"shard-count\">{total} shard{}, {open} open</p><ul class=\"shards\" data-testid=\"shard-tree\">",
        if total == 1 { "" } else { "s" }
    );
    for root in roots {
        out += &shard_node(root, &children, offset_minutes);
    }
    out += "</ul>";
    out
}

fn is_open(shard: &Value) -> bool {
    shard["SequenceNumberRange"]["EndingSequenceNumber"].is_null()
}

fn shard_node(
    shard: &Value,
    children: &BTreeMap<String, Vec<&Value>>,
    offset_minutes: i64,
) -> String {
    let id = shard["ShardId"].as_str().unwrap_or("");
    let open = is_open(shard);
    let kids: String = children
        .get(id)
        .into_iter()
        .flatten()
        .map(|k| shard_node(k, children, offset_minutes))
        .collect();
    let nested = if kids.is_empty() {
        String::new()
    } else {
        format!("<ul>{kids}</ul>")
    };
    let (class, word, mark) = if open {
        ("shard open", "open", "●")
    } else {
        ("shard closed", "closed", "○")
    };
    format!(
        "<li data-testid=\"shard\" data-shard-id=\"{}\" data-open=\"{open}\"><span class=\"{class}\" title=\"{} (first sequence number {})\">\
         <span class=\"shard-state\" aria-hidden=\"true\">{mark}</span><code>{}</code><span class=\"shard-word\">{word}</span></span>{nested}</li>",
        escape(id),
        escape(id),
        escape(
            shard["SequenceNumberRange"]["StartingSequenceNumber"]
                .as_str()
                .unwrap_or("")
        ),
        escape(&short_shard(id, offset_minutes))
    )
}

/// `shardId-<20 digits>-<8 hex>` shortened to its creation time and suffix.
fn short_shard(id: &str, offset_minutes: i64) -> String {
    let mut parts = id.rsplitn(2, '-');
    let suffix = parts.next().unwrap_or(id);
    let stamp = parts
        .next()
        .and_then(|rest| rest.rsplit('-').next())
        .and_then(|digits| digits.parse::<u64>().ok());
    match stamp {
        Some(millis) => format!("…{suffix} ({})", clock_text(millis, offset_minutes)),
        None => id.to_owned(),
    }
}

/// One stream record as a row.
fn record_html(record: &Value, state: &StreamState) -> String {
    let data = &record["dynamodb"];
    let event = record["eventName"].as_str().unwrap_or("");
    let sequence = data["SequenceNumber"].as_str().unwrap_or("");
    let short_sequence = match sequence.len() {
        n if n > 8 => format!("…{}", &sequence[n - 8..]),
        _ => sequence.to_owned(),
    };
    let ttl = record["userIdentity"]["Type"] == "Service";
    let at = data["ApproximateCreationDateTime"].as_u64().unwrap_or(0) * 1000;
    let time = clock_text(at, state.offset_minutes);
    let image = |label: &str, name: &str| {
        let image = &data[name];
        if !image.is_object() {
            return String::new();
        }
        let text = compact(&json!({ "M": image }), 120);
        format!(
            "<span class=\"image-label\">{label}</span><code class=\"image\" title=\"{0}\">{0}</code>",
            escape(&text)
        )
    };
    format!(
        "<li class=\"stream-record\" data-testid=\"stream-record\" data-event=\"{}\"><span class=\"record-event event-{}\">{}</span>\
         <span class=\"record-keys\"><code>{}</code></span>{}\
         <span class=\"record-seq\" title=\"Sequence number {} in shard {}\"><span class=\"visually-hidden\">sequence number </span>{}</span>\
         <time class=\"record-time\">{}</time><div class=\"record-images\">{}{}</div></li>",
        escape(event),
        escape(&event.to_ascii_lowercase()),
        escape(event),
        escape(&key_text(&data["Keys"], &state.key_names)),
        if ttl {
            "<span class=\"ttl-badge\" data-testid=\"ttl-badge\" title=\"Deleted by DynamoDB's time-to-live process (userIdentity: Service, dynamodb.amazonaws.com)\">TTL</span>"
        } else {
            ""
        },
        escape(sequence),
        escape(record["shardId"].as_str().unwrap_or("")),
        escape(&short_sequence),
        time.split('.').next().unwrap_or(&time),
        image("old", "OldImage"),
        image("new", "NewImage"),
    )
}
