//! The event timeline of the Cluster view: what happened inside the cluster for the selected
//! table, newest first. Read from `Dynoscope_GetEvents`, once for the recent history when
//! the view opens, then only what came after the last sequence seen, on every refresh; the
//! worker tells each event as a sentence and writes the list items
//! ([`dynoscope_cluster_panels::timeline`]), which this glue puts on top of the list, keeping at most
//! [`CAP`]. The filter toggles hide a kind with one class on the list ([`install`]'s
//! listener). Plain HTML: as a Leptos view the timeline cost the first load 30 KB before
//! wasm-opt.

use leptos::prelude::*;
use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::Element;

use super::cluster::ClusterCtx;
use super::dom::{element, error_text};
use super::{AppState, ShownError};
use crate::converters;

/// How many events the timeline keeps.
const CAP: u32 = 200;
/// How far back (in sequence numbers, over every table) the first read looks.
const HISTORY: u64 = 5_000;
/// Events per request.
const PAGE: u64 = 1_000;

/// The section's markup: the filter toggles (one per kind, zone outages and the leader
/// elections they cause sharing one) and the empty list.
const SECTION: &str = "<div class=\"title-row\"><h2 id=\"timeline-heading\">Events</h2>\
<p class=\"muted\"><span data-tl-count>0 events</span> · newest first</p></div>\
<div class=\"button-group timeline-filters\" role=\"group\" aria-label=\"Show events of kind\">\
<button type=\"button\" class=\"toggle kind-filter kind-write on\" aria-pressed=\"true\" data-testid=\"timeline-filter-WRITE\" data-tl-filter=\"write\">Writes</button>\
<button type=\"button\" class=\"toggle kind-filter kind-read on\" aria-pressed=\"true\" data-testid=\"timeline-filter-READ\" data-tl-filter=\"read\">Reads</button>\
<button type=\"button\" class=\"toggle kind-filter kind-split on\" aria-pressed=\"true\" data-testid=\"timeline-filter-SPLIT\" data-tl-filter=\"split\">Splits</button>\
<button type=\"button\" class=\"toggle kind-filter kind-ttl_delete on\" aria-pressed=\"true\" data-testid=\"timeline-filter-TTL_DELETE\" data-tl-filter=\"ttl_delete\">TTL deletes</button>\
<button type=\"button\" class=\"toggle kind-filter kind-zone on\" aria-pressed=\"true\" data-testid=\"timeline-filter-ZONE\" data-tl-filter=\"zone\">Zones</button>\
<button type=\"button\" class=\"toggle kind-filter kind-region on\" aria-pressed=\"true\" data-testid=\"timeline-filter-REGION\" data-tl-filter=\"region\">Regions</button>\
<button type=\"button\" class=\"toggle kind-filter kind-transaction on\" aria-pressed=\"true\" data-testid=\"timeline-filter-TRANSACTION\" data-tl-filter=\"transaction\">Transactions</button>\
<button type=\"button\" class=\"toggle kind-filter kind-dax on\" aria-pressed=\"true\" data-testid=\"timeline-filter-DAX\" data-tl-filter=\"dax\">DAX</button>\
<button type=\"button\" class=\"toggle kind-filter kind-trigger on\" aria-pressed=\"true\" data-testid=\"timeline-filter-TRIGGER\" data-tl-filter=\"trigger\">Triggers</button>\
</div><div data-tl-error></div>\
<p class=\"muted\" data-tl-off hidden>The engine is not recording events.</p>\
<p class=\"muted\" data-testid=\"timeline-empty\" hidden>Nothing yet: put, read or delete an item and watch it travel.</p>\
<ol class=\"events\" data-testid=\"timeline-events\"></ol>";

/// The timeline of one table.
#[component]
pub fn EventTimeline(table: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<ClusterCtx>();
    let cursor = StoredValue::new(None::<u64>);
    let busy = StoredValue::new(false);
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
                Ok((events, next, recording)) => {
                    cursor.try_set_value(Some(next));
                    show(state, events, recording).await;
                }
                Err(e) => set("[data-tl-error]", |el| {
                    el.set_inner_html(&error_text(&format!("{}: {}", e.name, e.message)))
                }),
            }
        });
    });
    view! {
        <section class="panel timeline" aria-labelledby="timeline-heading" data-testid="event-timeline" inner_html=SECTION></section>
    }
}

/// Fetches the events of `table` after `cursor` (all of the recent history when `None`);
/// returns them oldest first, with the new cursor and whether the engine records events.
async fn fetch(
    state: AppState,
    table: &str,
    cursor: Option<u64>,
) -> Result<(Vec<Value>, u64, bool), ShownError> {
    let mut after = match cursor {
        Some(c) => c,
        None => {
            let probe = json!({ "TableName": table, "Limit": 1 });
            let last = state.send("Dynoscope_GetEvents", &probe).await?["LastSequence"]
                .as_u64()
                .unwrap_or(0);
            last.saturating_sub(HISTORY)
        }
    };
    let mut all = Vec::new();
    loop {
        let request = json!({ "TableName": table, "AfterSequence": after, "Limit": PAGE });
        let mut response = state.send("Dynoscope_GetEvents", &request).await?;
        let last = response["LastSequence"].as_u64().unwrap_or(0);
        let recording = response["Recording"].as_bool().unwrap_or(true);
        let events = match response["Events"].take() {
            Value::Array(events) => events,
            _ => Vec::new(),
        };
        let full = events.len() as u64 >= PAGE;
        after = match events.last() {
            Some(e) if full => e["Sequence"].as_u64().unwrap_or(last),
            _ => last.max(after),
        };
        all.extend(events);
        if !full {
            return Ok((all, after, recording));
        }
    }
}

/// Puts the worker's items for `events` on top of the list and updates the counts.
async fn show(state: AppState, events: Vec<Value>, recording: bool) {
    set("[data-tl-off]", |el| toggle_hidden(el, recording));
    if !events.is_empty() {
        let key_names: Vec<String> = state
            .info
            .get_untracked()
            .map(|info| info.keys.into_iter().map(|k| k.name).collect())
            .unwrap_or_default();
        let region = state.handle().map(|h| h.region()).unwrap_or_default();
        let offset = js_sys::Date::new_0().get_timezone_offset() as i64;
        let input = json!({ "events": events, "region": region, "keyNames": key_names, "offsetMinutes": offset });
        match converters::panel("timeline", input).await {
            Ok(drawn) => set("[data-testid=\"timeline-events\"]", |list| {
                let _ =
                    list.insert_adjacent_html("afterbegin", drawn["html"].as_str().unwrap_or(""));
                while list.child_element_count() > CAP {
                    if let Some(last) = list.last_element_child() {
                        last.remove();
                    }
                }
            }),
            Err(e) => set("[data-tl-error]", |el| {
                el.set_inner_html(&error_text(&e.message))
            }),
        }
    }
    let shown = element("[data-testid=\"timeline-events\"]").map_or(0, |l| l.child_element_count());
    set("[data-testid=\"timeline-empty\"]", |el| {
        toggle_hidden(el, shown > 0)
    });
    set("[data-tl-count]", |el| {
        let text = match shown {
            n if n >= CAP => format!("the latest {CAP}"),
            1 => "1 event".to_owned(),
            n => format!("{n} events"),
        };
        el.set_text_content(Some(&text));
    });
}

/// Installs the listener behind the filter toggles.
pub fn install() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let listener = Closure::<dyn Fn(web_sys::Event)>::new(|ev: web_sys::Event| {
        let Some(button) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("[data-tl-filter]").ok().flatten())
        else {
            return;
        };
        let kind = button.get_attribute("data-tl-filter").unwrap_or_default();
        let on = !button.class_list().contains("on");
        let _ = button.class_list().toggle_with_force("on", on);
        let _ = button.set_attribute("aria-pressed", if on { "true" } else { "false" });
        set("[data-testid=\"timeline-events\"]", |list| {
            let _ = list
                .class_list()
                .toggle_with_force(&format!("hide-{kind}"), !on);
        });
    });
    let _ = document.add_event_listener_with_callback("click", listener.as_ref().unchecked_ref());
    listener.forget();
}

fn set(selector: &str, f: impl FnOnce(&Element)) {
    if let Some(el) = element(selector) {
        f(&el);
    }
}

fn toggle_hidden(el: &Element, hidden: bool) {
    let _ = if hidden {
        el.set_attribute("hidden", "")
    } else {
        el.remove_attribute("hidden")
    };
}
