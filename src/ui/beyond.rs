//! The Cluster view's folds beyond one table in one region: the table's regions (global
//! tables), the DAX cluster, and the IAM principals with the policy explainer. Each is a
//! closed `<details>`: opening one sends its first reads, which only the full engine serves,
//! so the page loads it then (`EngineHandle::send_with` does, as for any request that needs
//! it) and not before. Page side, a fold is a loop over the worker's `fold` panel
//! ([`dynoscope_cluster_panels::folds`]), which says what to draw and what to send (each
//! call with its send options: a region, DAX, a principal); one set of document listeners
//! ([`install`]) turns the folds' buttons into steps. An open fold reads again after each
//! write the UI sees (`AppState::revision`), and every second while a replication is on its
//! way. Plain HTML, like "Edit table": the page's first load carries only this glue.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use dynoscope_engine::contract::RequestOptions;
use leptos::prelude::*;
use serde_json::{Value, json};

use super::AppState;
use super::dom::{element, engine, error_text, form_fields, on_document, set_html};
use crate::converters;

/// How soon an open fold reads again while something is on its way.
const POLL: Duration = Duration::from_millis(1000);

/// The folds, closed; each fills itself when opened.
const FOLDS: &str = "<details class=\"bx-fold\" data-bx-fold=\"regions\" data-testid=\"fold-regions\">\
<summary><span class=\"bx-title\">Global tables: this table's regions</span> <span class=\"muted\">replicas side by side, replication in flight, regions taken down · opening it loads the full engine</span></summary>\
<div data-bx-notice=\"regions\"></div><div data-bx-body=\"regions\"><p class=\"muted\">Loading the full engine…</p></div><div data-bx-forms=\"regions\"></div></details>\
<details class=\"bx-fold\" data-bx-fold=\"dax\" data-testid=\"fold-dax\">\
<summary><span class=\"bx-title\">DAX</span> <span class=\"muted\">what each cache holds, hits and misses, stale entries · opening it loads the full engine</span></summary>\
<div data-bx-notice=\"dax\"></div><div data-bx-body=\"dax\"><p class=\"muted\">Loading the full engine…</p></div><div data-bx-forms=\"dax\"></div></details>\
<details class=\"bx-fold\" data-bx-fold=\"principals\" data-testid=\"fold-principals\">\
<summary><span class=\"bx-title\">IAM principals</span> <span class=\"muted\">who may do what, and which statement decided · opening it loads the full engine</span></summary>\
<div data-bx-body=\"principals\"><p class=\"muted\">Loading the full engine…</p></div><div data-bx-forms=\"principals\"></div><div data-bx-explained=\"principals\" role=\"status\"></div></details>";

thread_local! {
    /// The table the folds show.
    static TABLE: RefCell<String> = const { RefCell::new(String::new()) };
    /// The flow each fold's last step returned.
    static FLOWS: RefCell<BTreeMap<String, Value>> = const { RefCell::new(BTreeMap::new()) };
    /// The folds with a run under way, and the event each waits to run next.
    static RUNNING: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
    static NEXT: RefCell<BTreeMap<String, Value>> = const { RefCell::new(BTreeMap::new()) };
    static POLLING: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
}

/// The folds of `table`.
#[component]
pub fn BeyondFolds(table: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    TABLE.set(table);
    FLOWS.with_borrow_mut(BTreeMap::clear);
    Effect::new(move |_| {
        state.revision.track();
        for panel in ["regions", "dax", "principals"] {
            if is_open(panel) {
                start(panel, json!({}));
            }
        }
    });
    view! { <section class="panel bx" aria-label="Global tables, DAX and IAM" data-testid="beyond" inner_html=FOLDS></section> }
}

fn is_open(panel: &str) -> bool {
    element(&format!("details[open][data-bx-fold=\"{panel}\"]")).is_some()
}

/// Installs the listeners behind the folds: opening one, its buttons, and the selects
/// that redraw a form (`data-bx-change`).
pub fn install() {
    on_document(&["click", "change"], |ev, target| {
        let Some(fold) = target.closest("[data-bx-fold]").ok().flatten() else {
            return;
        };
        let panel = fold.get_attribute("data-bx-fold").unwrap_or_default();
        if ev.type_() == "change" {
            if let Some(action) = target.get_attribute("data-bx-change") {
                start(&panel, json!({ "button": action }));
            }
            return;
        }
        let summary = target.closest("summary").ok().flatten();
        if summary.is_some_and(|s| s.parent_element().as_ref() == Some(&fold)) {
            if !fold.has_attribute("open") {
                FLOWS.with_borrow_mut(|flows| flows.remove(&panel));
                start(&panel, json!({}));
            }
            return;
        }
        if let Some(action) = (target.closest("[data-bx-action]").ok().flatten())
            .and_then(|b| b.get_attribute("data-bx-action"))
        {
            start(&panel, json!({ "button": action }));
        }
    });
}

/// Runs `event` on fold `panel`, or keeps it for the end of the fold's run under way (a
/// button over a refresh).
fn start(panel: &str, event: Value) {
    let panel = panel.to_owned();
    if !RUNNING.with_borrow_mut(|running| running.insert(panel.clone())) {
        NEXT.with_borrow_mut(|next| {
            if next.get(&panel).is_none_or(|n| n.get("button").is_none()) {
                next.insert(panel, event);
            }
        });
        return;
    }
    leptos::task::spawn_local(async move {
        let mut event = Some(event);
        while let Some(input) = event {
            run(&panel, input).await;
            event = NEXT.with_borrow_mut(|next| next.remove(&panel));
        }
        RUNNING.with_borrow_mut(|running| running.remove(&panel));
    });
}

/// Steps fold `panel` from `input` until it has nothing more to send.
async fn run(panel: &str, mut input: Value) {
    let Some(handle) = engine("ui") else {
        return;
    };
    let body = format!("[data-bx-body=\"{panel}\"]");
    loop {
        input["panel"] = json!(panel);
        input["table"] = json!(TABLE.with_borrow(Clone::clone));
        input["flow"] = FLOWS.with_borrow(|f| f.get(panel).cloned().unwrap_or_default());
        input["fields"] =
            json!(form_fields(&format!("[data-bx-fold=\"{panel}\"]")).unwrap_or_default());
        input["offsetMinutes"] = json!(js_sys::Date::new_0().get_timezone_offset() as i64);
        let reply = match converters::panel("fold", input).await {
            Ok(reply) => reply,
            Err(e) => return set_html(&body, &error_text(&e.message)),
        };
        for draw in reply["draw"].as_array().into_iter().flatten() {
            set_html(
                draw[0].as_str().unwrap_or(""),
                draw[1].as_str().unwrap_or(""),
            );
        }
        FLOWS.with_borrow_mut(|f| f.insert(panel.to_owned(), reply["flow"].clone()));
        if reply["poll"] == true && POLLING.with_borrow_mut(|p| p.insert(panel.to_owned())) {
            let panel = panel.to_owned();
            set_timeout(
                move || {
                    POLLING.with_borrow_mut(|p| p.remove(&panel));
                    if is_open(&panel) {
                        start(&panel, json!({}));
                    }
                },
                POLL,
            );
        }
        let calls = reply["send"].as_array().cloned().unwrap_or_default();
        if calls.is_empty() {
            return;
        }
        let mut outcomes = Vec::new();
        for call in calls {
            let options: RequestOptions =
                serde_json::from_value(call[2].clone()).unwrap_or_default();
            let sent = handle
                .send_with(
                    call[0].as_str().unwrap_or(""),
                    &call[1].to_string(),
                    &options,
                )
                .await;
            outcomes.push(match sent {
                Ok(text) => json!({ "ok": text }),
                Err(e) => json!({ "error": e.to_json() }),
            });
        }
        input = json!({ "outcomes": outcomes });
    }
}
