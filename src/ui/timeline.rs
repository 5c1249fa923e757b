//! The event timeline: what happened inside the cluster for the selected table, newest
//! first, each event told as a sentence ("PUT item42 → partition 3; replicas a, b now, c at
//! +840 ms", "GetItem item42 served by us-east-1c (stale)", "Partition 0 split into 1 and 2
//! (size)"). Read from `Dynoscope_GetEvents`: once for the recent history when the view
//! opens, then only what came after the last sequence seen, on every refresh. At most
//! [`CAP`] events are kept.

use dynoscope_engine::contract::PageReadDetail;
use leptos::prelude::*;
use serde_json::{Value, json};

use super::cluster::{ClusterCtx, clock_text, key_text};
use super::{AppState, ErrorNotice, ShownError, TableInfo};

/// How many events the timeline keeps.
const CAP: usize = 200;
/// How far back (in sequence numbers, over every table) the first read looks.
const HISTORY: u64 = 5_000;
/// Events per request.
const PAGE: u64 = 1_000;
/// The kinds of event, with the label of their filter toggle.
const KINDS: [(&str, &str); 5] = [
    ("WRITE", "Writes"),
    ("READ", "Reads"),
    ("SPLIT", "Splits"),
    ("TTL_DELETE", "TTL deletes"),
    ("ZONE", "Zones"),
];

/// The filter toggle an event kind falls under: zone outages and the leader elections
/// they cause share one.
fn filter_of(kind: &str) -> &str {
    match kind {
        "ZONE_DOWN" | "ZONE_UP" | "FAILOVER" => "ZONE",
        other => other,
    }
}

/// One event, told.
#[derive(Debug, Clone, PartialEq)]
struct EventView {
    sequence: u64,
    at: u64,
    kind: String,
    text: String,
}

/// The region's availability zones, `us-east-1a`, `us-east-1b`, `us-east-1c`: replicas are
/// numbered in this order.
const ZONE_SUFFIXES: [char; 3] = ['a', 'b', 'c'];
const REGION: &str = "us-east-1";

fn zone(replica: u64) -> String {
    match ZONE_SUFFIXES.get(replica as usize) {
        Some(letter) => format!("{REGION}{letter}"),
        None => format!("replica {replica}"),
    }
}

fn letter(replica: usize) -> String {
    ZONE_SUFFIXES
        .get(replica)
        .map(char::to_string)
        .unwrap_or_else(|| replica.to_string())
}

/// "replicas a, b now, c at +840 ms" from each replica's apply time; a replica in a down
/// zone (no apply time yet) applies the write "when its zone is back".
fn replicas_text(at: u64, applied: &[Value]) -> String {
    let down: Vec<String> = applied
        .iter()
        .enumerate()
        .filter(|(_, a)| a.is_null())
        .map(|(r, _)| letter(r))
        .collect();
    let lags: Vec<u64> = applied
        .iter()
        .filter(|a| !a.is_null())
        .map(|a| a.as_u64().unwrap_or(at).saturating_sub(at))
        .collect();
    if lags.is_empty() {
        return String::new();
    }
    if !down.is_empty() {
        let up: Vec<String> = (0..applied.len())
            .filter(|&r| !applied[r].is_null())
            .map(letter)
            .collect();
        return format!(
            "replicas {} now, {} when its zone is back",
            up.join(", "),
            down.join(", ")
        );
    }
    if lags.iter().all(|&l| l == 0) {
        return "all replicas now".to_owned();
    }
    let now: Vec<String> = lags
        .iter()
        .enumerate()
        .filter(|(_, l)| **l == 0)
        .map(|(r, _)| letter(r))
        .collect();
    let later: Vec<String> = lags
        .iter()
        .enumerate()
        .filter(|(_, l)| **l > 0)
        .map(|(r, l)| format!("{} at +{l} ms", letter(r)))
        .collect();
    let mut parts = Vec::new();
    if !now.is_empty() {
        parts.push(format!("{} now", now.join(", ")));
    }
    parts.extend(later);
    format!("replicas {}", parts.join(", "))
}

fn ids(value: Option<&Value>) -> String {
    let ids: Vec<String> = value
        .and_then(Value::as_array)
        .map(|a| a.iter().map(Value::to_string).collect())
        .unwrap_or_default();
    match ids.as_slice() {
        [] => "?".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A Query or Scan page read, with the arithmetic of its read units.
fn page_read_sentence(detail: &Value) -> String {
    let Ok(read) = serde_json::from_value::<PageReadDetail>(detail.clone()) else {
        return "Read".to_owned();
    };
    let on = read
        .index_name
        .map(|i| format!(" of index {i}"))
        .unwrap_or_default();
    let blocks = if read.consistent {
        read.read_units
    } else {
        read.read_units * 2.0
    };
    let how = if read.consistent {
        "strongly consistent"
    } else {
        "eventually consistent: half"
    };
    format!(
        "{}{on} read {} items, {} bytes → {blocks} × 4 KB ({how}) → {} RCU",
        read.operation, read.items_read, read.bytes_read, read.read_units
    )
}

/// The sentence for one event.
fn sentence(kind: &str, at: u64, detail: &Value, info: Option<&TableInfo>) -> String {
    let key = detail
        .get("Key")
        .map(|k| key_text(k, info))
        .unwrap_or_else(|| "?".to_owned());
    let partition = detail
        .get("PartitionId")
        .map(Value::to_string)
        .unwrap_or_else(|| "?".to_owned());
    let applied = detail
        .get("ReplicaAppliedAtMillis")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    match kind {
        "WRITE" => {
            let operation = detail
                .get("Operation")
                .and_then(Value::as_str)
                .unwrap_or("WRITE");
            let replicas = replicas_text(at, applied);
            format!("{operation} {key} → partition {partition}; {replicas}")
        }
        "TTL_DELETE" => {
            let replicas = replicas_text(at, applied);
            format!("TTL expired {key}: deleted from partition {partition}; {replicas}")
        }
        "READ" if detail.get("BytesRead").is_some() => page_read_sentence(detail),
        "READ" => {
            let operation = detail
                .get("Operation")
                .and_then(Value::as_str)
                .unwrap_or("Read");
            let replica = zone(detail.get("Replica").and_then(Value::as_u64).unwrap_or(0));
            if detail.get("Consistent").and_then(Value::as_bool) == Some(true) {
                format!("{operation} {key} read from the leader {replica} (strongly consistent)")
            } else {
                let stale = detail.get("Stale").and_then(Value::as_bool) == Some(true);
                format!(
                    "{operation} {key} served by {replica} ({})",
                    if stale { "stale" } else { "current" }
                )
            }
        }
        "SPLIT" => {
            let parent = detail
                .get("ParentPartitionId")
                .map(Value::to_string)
                .unwrap_or_else(|| "?".to_owned());
            let reason = detail
                .get("Reason")
                .and_then(Value::as_str)
                .map(|r| format!(" ({})", r.to_ascii_lowercase()))
                .unwrap_or_default();
            let owner = detail
                .get("IndexName")
                .and_then(Value::as_str)
                .map(|index| format!("Index {index}: p"))
                .unwrap_or_else(|| "P".to_owned());
            format!(
                "{owner}artition {parent} split into {}{reason}",
                ids(detail.get("ChildPartitionIds"))
            )
        }
        "ZONE_DOWN" => format!(
            "Zone {} went down: its replicas stop applying writes; the other two zones keep serving",
            detail.get("Zone").and_then(Value::as_str).unwrap_or("?")
        ),
        "ZONE_UP" => format!(
            "Zone {} is back: its replicas catch up on the writes they missed",
            detail.get("Zone").and_then(Value::as_str).unwrap_or("?")
        ),
        "FAILOVER" => {
            let moves: Vec<String> = detail
                .get("NewLeaders")
                .and_then(Value::as_array)
                .map(|moves| {
                    moves
                        .iter()
                        .map(|m| {
                            let zone_of = |field: &str| {
                                m.get(field)
                                    .and_then(Value::as_str)
                                    .unwrap_or("?")
                                    .to_owned()
                            };
                            format!(
                                "partition {} {} → {}",
                                m.get("PartitionId")
                                    .map(Value::to_string)
                                    .unwrap_or_default(),
                                zone_of("FromZone"),
                                zone_of("ToZone")
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!("Leader elected after a zone outage: {}", moves.join("; "))
        }
        other => format!("{other}: {detail}"),
    }
}

/// Reads one GetEvents response: its events (oldest first) and `LastSequence`.
fn read_page(response: &Value, info: Option<&TableInfo>) -> (Vec<EventView>, u64, bool) {
    let events: Vec<EventView> = response
        .get("Events")
        .and_then(Value::as_array)
        .map(|events| {
            events
                .iter()
                .filter_map(|e| {
                    let kind = e.get("Kind")?.as_str()?.to_owned();
                    let at = e.get("AtMillis")?.as_u64()?;
                    let detail = e.get("Detail").cloned().unwrap_or(Value::Null);
                    Some(EventView {
                        sequence: e.get("Sequence")?.as_u64()?,
                        at,
                        text: sentence(&kind, at, &detail, info),
                        kind,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let last = response
        .get("LastSequence")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let recording = response
        .get("Recording")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    (events, last, recording)
}

/// Fetches the events of `table` after `cursor` (all of the recent history when `None`);
/// returns them oldest first, with the new cursor and whether the engine records events.
async fn fetch(
    state: AppState,
    table: &str,
    cursor: Option<u64>,
) -> Result<(Vec<EventView>, u64, bool), ShownError> {
    let mut after = match cursor {
        Some(c) => c,
        None => {
            let probe = state
                .send(
                    "Dynoscope_GetEvents",
                    &json!({ "TableName": table, "Limit": 1 }),
                )
                .await?;
            let last = probe
                .get("LastSequence")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            last.saturating_sub(HISTORY)
        }
    };
    let info = state.info.get_untracked();
    let mut all = Vec::new();
    loop {
        let response = state
            .send(
                "Dynoscope_GetEvents",
                &json!({ "TableName": table, "AfterSequence": after, "Limit": PAGE }),
            )
            .await?;
        let (events, last, recording) = read_page(&response, info.as_ref());
        let full = events.len() as u64 >= PAGE;
        if full {
            after = events.last().map_or(last, |e| e.sequence);
        } else {
            after = last.max(after);
        }
        all.extend(events);
        if !full {
            return Ok((all, after, recording));
        }
    }
}

/// The timeline of one table.
#[component]
pub fn EventTimeline(table: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<ClusterCtx>();
    // Newest first.
    let events = RwSignal::new(Vec::<EventView>::new());
    let cursor = StoredValue::new(None::<u64>);
    let busy = StoredValue::new(false);
    let recording = RwSignal::new(true);
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<ShownError>);

    Effect::new(move |_| {
        ctx.track();
        if busy.try_get_value().unwrap_or(true) {
            return;
        }
        busy.set_value(true);
        let table = table.clone();
        leptos::task::spawn_local(async move {
            let result = fetch(state, &table, cursor.try_get_value().flatten()).await;
            busy.try_set_value(false);
            match result {
                Ok((new, next, on)) => {
                    cursor.try_set_value(Some(next));
                    recording.try_set(on);
                    loaded.try_set(true);
                    error.try_set(None);
                    if !new.is_empty() {
                        events.try_update(|list| {
                            let mut fresh: Vec<EventView> =
                                new.into_iter().rev().take(CAP).collect();
                            fresh.append(list);
                            fresh.truncate(CAP);
                            *list = fresh;
                        });
                    }
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    });

    // The kinds shown; the toggles above the list hide or show each.
    let shown = RwSignal::new(
        KINDS
            .iter()
            .map(|(kind, _)| *kind)
            .collect::<Vec<&'static str>>(),
    );
    let visible = move || {
        let shown = shown.get();
        events.with(|list| {
            list.iter()
                .filter(|e| shown.contains(&filter_of(&e.kind)))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let filters = KINDS
        .iter()
        .map(|&(kind, label)| {
            let on = move || shown.with(|s| s.contains(&kind));
            view! {
                <button
                    type="button"
                    class=format!("toggle kind-filter kind-{}", kind.to_ascii_lowercase())
                    class:on=on
                    aria-pressed=move || if on() { "true" } else { "false" }
                    data-testid=format!("timeline-filter-{kind}")
                    on:click=move |_| shown.update(|s| {
                        if let Some(i) = s.iter().position(|k| *k == kind) {
                            s.remove(i);
                        } else {
                            s.push(kind);
                        }
                    })
                >
                    {label}
                </button>
            }
        })
        .collect_view();

    let count = move || {
        let n = events.with(Vec::len);
        if n >= CAP {
            format!("the latest {CAP}")
        } else {
            format!("{n} event{}", if n == 1 { "" } else { "s" })
        }
    };

    view! {
        <section class="panel timeline" aria-labelledby="timeline-heading" data-testid="event-timeline">
            <div class="title-row">
                <h2 id="timeline-heading">"Events"</h2>
                <p class="muted">{count} " · newest first"</p>
            </div>
            <div class="button-group timeline-filters" role="group" aria-label="Show events of kind">
                {filters}
            </div>
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="timeline-error" /> })}
            <Show when=move || !recording.get()>
                <p class="muted">"The engine is not recording events."</p>
            </Show>
            <Show when=move || loaded.get() && events.with(Vec::is_empty)>
                <p class="muted" data-testid="timeline-empty">
                    "Nothing yet: put, read or delete an item and watch it travel."
                </p>
            </Show>
            <ol class="events" data-testid="timeline-events">
                <For each=visible key=|e| e.sequence let:event>
                    <li
                        class=format!("event kind-{}", event.kind.to_ascii_lowercase())
                        data-testid="timeline-event"
                        data-kind=event.kind.clone()
                    >
                        <time class="event-time">{clock_text(event.at)}</time>
                        <span class="event-kind">{event.kind.replace('_', " ")}</span>
                        <span class="event-text">{event.text}</span>
                    </li>
                </For>
            </ol>
        </section>
    }
}
