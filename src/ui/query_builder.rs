//! The Query and Scan builder, page side. The form, the request preview and each page of
//! results are HTML the model's worker writes ([`dynoscope_query_builder`]); this module is
//! the glue, plain DOM and one set of document listeners ([`install`]) like the Database
//! panel, because a Leptos view of it would cost the first load far more. Typing asks the
//! worker for the request again; changing the operation, the source, a sort or filter
//! operator, or adding or removing a filter redraws the form; Run (or Enter) sends the
//! request through the one door, then reads the page's `READ` event for the arithmetic of
//! its read units; Next and Previous page follow LastEvaluatedKey. With "Through DAX"
//! ticked the request goes with `{via: "dax"}` (which loads the full engine), and the page
//! says whether DAX answered from its cache.

use std::cell::RefCell;

use dynoscope_engine::contract::{RequestOptions, Via};
use leptos::prelude::*;
use serde_json::{Value, json};
use web_sys::Element;

use super::dom::{engine, error_text, form_fields, on_document, set_html};

use crate::bridge::EngineHandle;
use crate::converters;

/// The builder of the table being shown.
struct Builder {
    table: String,
    describe: Value,
    /// The start key of each page after the first, in order: the page shown is
    /// `start_keys.len() + 1`.
    start_keys: Vec<Value>,
    /// The last page's LastEvaluatedKey, where Next page resumes.
    last_key: Option<Value>,
}

thread_local! {
    static BUILDER: RefCell<Option<Builder>> = const { RefCell::new(None) };
}

/// The builder's section for `table`; it fills itself once mounted.
#[component]
pub fn QueryBuilder(table: String) -> impl IntoView {
    leptos::task::spawn_local(open(table));
    view! {
        <section class="panel query-builder" data-testid="query-builder" aria-labelledby="qb-heading">
            <h2 id="qb-heading">"Query and Scan"</h2>
            <div data-qb-form-host><p class="muted">"Reading the table…"</p></div>
            <h3>"Request"</h3>
            <div data-qb-request-host></div>
            <div data-qb-result-host role="status" aria-live="polite"></div>
        </section>
    }
}

/// Reads the table's description and draws the empty form.
async fn open(table: String) {
    let Some(handle) = engine("ui") else {
        return;
    };
    let request = json!({ "TableName": table }).to_string();
    let describe = match handle.send("DescribeTable", &request).await {
        Ok(text) => serde_json::from_slice(text.as_bytes()).unwrap_or(Value::Null),
        Err(e) => {
            set_html("[data-qb-form-host]", &error_text(&e.to_string()));
            return;
        }
    };
    BUILDER.set(Some(Builder {
        table,
        describe,
        start_keys: Vec::new(),
        last_key: None,
    }));
    refresh(true, None).await;
}

/// Installs the listeners behind every builder the page draws.
pub fn install() {
    on_document(&["submit", "input", "change", "click"], |ev, target| {
        if target
            .closest("[data-qb-form-host], [data-qb-result-host]")
            .ok()
            .flatten()
            .is_none()
        {
            return;
        }
        match ev.type_().as_str() {
            "submit" => {
                ev.prevent_default();
                BUILDER.with_borrow_mut(|b| {
                    if let Some(b) = b {
                        b.start_keys.clear();
                    }
                });
                leptos::task::spawn_local(run());
            }
            "input" => leptos::task::spawn_local(refresh(false, None)),
            "change" if target.has_attribute("data-qb-structural") => {
                leptos::task::spawn_local(refresh(true, None))
            }
            "click" => clicked(&target),
            _ => {}
        }
    });
}

/// A click on one of the form's buttons or a paging button.
fn clicked(target: &Element) {
    if let Ok(Some(button)) = target.closest("[data-qb-action]") {
        let action = button.get_attribute("data-qb-action");
        leptos::task::spawn_local(refresh(true, action));
    } else if let Ok(Some(button)) = target.closest("[data-qb-page]") {
        let next = button.get_attribute("data-qb-page").as_deref() == Some("next");
        let moved = BUILDER.with_borrow_mut(|b| {
            let b = b.as_mut()?;
            if next {
                b.start_keys.push(b.last_key.clone()?);
            } else {
                b.start_keys.pop()?;
            }
            Some(())
        });
        if moved.is_some() {
            leptos::task::spawn_local(run());
        }
    }
}

/// Asks the worker for the request the form makes (and the form itself, redrawn, when
/// `redraw`), after applying the form button `action`.
async fn refresh(redraw: bool, action: Option<String>) {
    let Some(describe) = BUILDER.with_borrow(|b| b.as_ref().map(|b| b.describe.clone())) else {
        return;
    };
    let input =
        json!({ "describe": describe, "fields": form_fields("[data-qb-form]"), "action": action });
    match converters::panel("query-form", input).await {
        Ok(drawn) => {
            if redraw {
                set_html(
                    "[data-qb-form-host]",
                    drawn["formHtml"].as_str().unwrap_or(""),
                );
            }
            set_html(
                "[data-qb-request-host]",
                drawn["requestHtml"].as_str().unwrap_or(""),
            );
        }
        Err(e) => set_html("[data-qb-request-host]", &error_text(&e.message)),
    }
}

/// Sends the form's request for the current page and draws what came back.
async fn run() {
    let (Some(handle), Some((table, describe, start_key, page))) = (
        engine("ui"),
        BUILDER.with_borrow(|b| {
            b.as_ref().map(|b| {
                (
                    b.table.clone(),
                    b.describe.clone(),
                    b.start_keys.last().cloned(),
                    b.start_keys.len() + 1,
                )
            })
        }),
    ) else {
        return;
    };
    let fields = form_fields("[data-qb-form]");
    let input = json!({ "describe": describe, "fields": fields, "startKey": start_key });
    let drawn = match converters::panel("query-form", input).await {
        Ok(drawn) => drawn,
        Err(e) => return set_html("[data-qb-result-host]", &error_text(&e.message)),
    };
    set_html(
        "[data-qb-request-host]",
        drawn["requestHtml"].as_str().unwrap_or(""),
    );
    let request = drawn.get("request").filter(|r| !r.is_null());
    let (Some(operation), Some(request)) = (drawn["operation"].as_str(), request) else {
        return set_html("[data-qb-result-host]", "");
    };
    let events = json!({ "TableName": table, "Limit": 1, "AfterSequence": i64::MAX }).to_string();
    let before = match handle.send("Dynoscope_GetEvents", &events).await {
        Ok(text) => serde_json::from_slice::<Value>(text.as_bytes())
            .ok()
            .and_then(|v| v["LastSequence"].as_u64())
            .unwrap_or(0),
        Err(_) => 0,
    };
    let via_dax = fields.as_ref().is_some_and(|f| f.contains_key("via-dax"));
    let options = RequestOptions {
        via: via_dax.then_some(Via::Dax),
        ..RequestOptions::default()
    };
    let outcome = match handle
        .send_with(operation, &request.to_string(), &options)
        .await
    {
        Ok(text) => {
            json!({ "ok": serde_json::from_slice::<Value>(text.as_bytes()).unwrap_or(Value::Null) })
        }
        Err(e) => json!({ "error": e.to_json() }),
    };
    let read = page_read(&handle, &table, before, operation).await;
    let last_key = outcome["ok"].get("LastEvaluatedKey").cloned();
    BUILDER.with_borrow_mut(|b| {
        if let Some(b) = b {
            b.last_key = last_key;
        }
    });
    let input = json!({ "describe": describe, "fields": fields, "outcome": outcome, "read": read, "page": page });
    match converters::panel("query-page", input).await {
        Ok(drawn) => set_html(
            "[data-qb-result-host]",
            drawn["html"].as_str().unwrap_or(""),
        ),
        Err(e) => set_html("[data-qb-result-host]", &error_text(&e.message)),
    }
}

/// The `READ` event the run left (its detail), if the event history holds it.
async fn page_read(
    handle: &EngineHandle,
    table: &str,
    after: u64,
    operation: &str,
) -> Option<Value> {
    let request = json!({ "TableName": table, "AfterSequence": after }).to_string();
    let text = handle.send("Dynoscope_GetEvents", &request).await.ok()?;
    let events: Value = serde_json::from_slice(text.as_bytes()).ok()?;
    events["Events"]
        .as_array()?
        .iter()
        .rev()
        .find(|e| e["Kind"] == "READ" && e["Detail"]["Operation"] == operation)
        .map(|e| e["Detail"].clone())
}
