//! "Table details" and "Edit table", page side: a loop that drives the worker's
//! `table-settings` panel ([`dynoscope_table_settings::flow`]), which says what to draw and
//! what to send. Opening the fold ([`show`]), a button of the form, a change of billing
//! mode, a write anywhere ([`redraw`]) and, while something is changing, half a second of
//! wall time each start it; the page sets the HTML it is given, sends the requests through
//! the one door in order (stopping at the first error) and hands back what they came to.
//! Deleting an index asks first. One run at a time: an event arriving during a run waits
//! for its end (the last one wins, a button over a refresh).

use std::cell::{Cell, RefCell};
use std::time::Duration;

use serde_json::{Value, json};

use super::dom::{element, engine, error_text, form_fields, on_document, set_html};

use crate::converters;

/// How soon the fold reads the table again while something is changing.
const POLL: Duration = Duration::from_millis(500);

thread_local! {
    /// The flow the last step returned.
    static FLOW: RefCell<Value> = const { RefCell::new(Value::Null) };
    /// The event waiting for the run under way to end.
    static NEXT: RefCell<Option<Value>> = const { RefCell::new(None) };
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    static POLLING: Cell<bool> = const { Cell::new(false) };
}

/// Draws the details and the form of `table` into the opened fold.
pub fn show(table: String) {
    start(json!({ "open": table }));
}

/// Reads the table again if the fold is open, keeping what was typed.
pub fn redraw() {
    if element("details[open] [data-ts-host]").is_some() {
        start(json!({}));
    }
}

/// Installs the listeners behind the form.
pub fn install() {
    on_document(&["submit", "change", "click"], |ev, target| {
        if target.closest("[data-ts-form]").ok().flatten().is_none() {
            return;
        }
        let button = match ev.type_().as_str() {
            "submit" => {
                ev.prevent_default();
                Some("apply".to_owned())
            }
            "change" if target.has_attribute("data-ts-structural") => return redraw(),
            "click" => target
                .closest("[data-ts-action]")
                .ok()
                .flatten()
                .and_then(|b| b.get_attribute("data-ts-action")),
            _ => None,
        };
        if let Some(button) = button.filter(|b| confirmed(b)) {
            start(json!({ "button": button }));
        }
    });
}

/// Whether the button may go: deleting an index asks first.
fn confirmed(button: &str) -> bool {
    let Some(index) = button.strip_prefix("delete-index:") else {
        return true;
    };
    let table = FLOW.with_borrow(|f| f["table"].as_str().unwrap_or("").to_owned());
    let question = format!(
        "Delete index {index} of table {table}? Queries on it stop working; the table's items stay."
    );
    web_sys::window()
        .and_then(|w| w.confirm_with_message(&question).ok())
        .unwrap_or(false)
}

/// Runs `event`, or keeps it for the end of the run under way.
fn start(event: Value) {
    if RUNNING.replace(true) {
        NEXT.with_borrow_mut(|next| {
            if next.as_ref().is_none_or(|n| n.get("button").is_none()) {
                *next = Some(event);
            }
        });
        return;
    }
    leptos::task::spawn_local(async move {
        let mut event = Some(event);
        while let Some(input) = event {
            run(input).await;
            event = NEXT.take();
        }
        RUNNING.set(false);
    });
}

/// Steps the flow from `input` until it has nothing more to send.
async fn run(mut input: Value) {
    let Some(handle) = engine("ui") else {
        return;
    };
    loop {
        input["flow"] = FLOW.with_borrow(Clone::clone);
        input["fields"] = json!(form_fields("[data-ts-form]"));
        let reply = match converters::panel("table-settings", input).await {
            Ok(reply) => reply,
            Err(e) => return set_html("[data-details-body]", &error_text(&e.message)),
        };
        for draw in reply["draw"].as_array().into_iter().flatten() {
            set_html(
                draw[0].as_str().unwrap_or(""),
                draw[1].as_str().unwrap_or(""),
            );
        }
        FLOW.set(reply["flow"].clone());
        if reply["poll"] == true && !POLLING.replace(true) {
            leptos::prelude::set_timeout(
                || {
                    POLLING.set(false);
                    redraw();
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
            let sent = handle
                .send(call[0].as_str().unwrap_or(""), &call[1].to_string())
                .await;
            let failed = sent.is_err();
            outcomes.push(match sent {
                Ok(text) => json!({ "ok": text }),
                Err(e) => json!({ "error": e.to_json() }),
            });
            if failed {
                break;
            }
        }
        input = json!({ "outcomes": outcomes });
    }
}
