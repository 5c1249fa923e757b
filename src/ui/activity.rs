//! The Activity view, page side: every request the engine served, whoever sent it
//! (`Dynoscope_GetActivity`). The filter form and the table of requests are HTML the worker
//! writes ([`dynoscope_cluster_panels::activity`]); this module is the glue, plain DOM and
//! one set of document listeners ([`install`]) like the Query and Scan builder. Changing a
//! filter redraws the table; a timer looks once a second for requests logged since, so the
//! table follows what other views, consoles and `window.dynoscope` send; Export writes the
//! matching requests as JSON lines.

use std::cell::Cell;

use leptos::prelude::*;
use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::dom::{element, engine, error_text, form_fields, on_document, set_html};

use crate::converters;

/// How often the view looks for new requests.
const POLL_MILLIS: i32 = 1_000;

thread_local! {
    /// The newest sequence number the table was drawn with.
    static DRAWN: Cell<u64> = const { Cell::new(0) };
}

/// The view; it fills itself once mounted.
#[component]
pub fn ActivityPage() -> impl IntoView {
    DRAWN.set(0);
    leptos::task::spawn_local(open());
    view! {
        <section class="panel activity-view" data-testid="activity" aria-labelledby="activity-heading">
            <h2 id="activity-heading">"Activity"</h2>
            <p class="muted">
                "Every request the engine served, whoever sent it: the app's views, the consoles, "
                <code>"window.dynoscope"</code>
                ", guided scenarios, the load generator. Units are those consumed by the table and its indexes; time is the virtual clock's. The simulator's own read-only calls (Dynoscope_Describe…, Dynoscope_Get…) are not listed."
            </p>
            <div data-activity-form-host><p class="muted">"Reading the log…"</p></div>
            <div data-activity-host></div>
        </section>
    }
}

/// Draws the form (with the tables for its suggestions), then the requests.
async fn open() {
    let Some(handle) = engine("ui") else {
        return;
    };
    let tables = crate::playground::table_names(&handle)
        .await
        .unwrap_or_default();
    match converters::panel("activity", json!({ "tables": tables })).await {
        Ok(drawn) => set_html(
            "[data-activity-form-host]",
            drawn["formHtml"].as_str().unwrap_or(""),
        ),
        Err(e) => set_html("[data-activity-form-host]", &error_text(&e.message)),
    }
    redraw().await;
}

/// Installs the listener behind the view, and the timer that keeps it current.
pub fn install() {
    on_document(&["submit", "change", "click"], |ev, target| {
        if target
            .closest("[data-activity-form]")
            .ok()
            .flatten()
            .is_none()
        {
            return;
        }
        match ev.type_().as_str() {
            "submit" => ev.prevent_default(),
            "change" => leptos::task::spawn_local(redraw()),
            "click" if target.has_attribute("data-activity-export") => {
                leptos::task::spawn_local(export())
            }
            _ => {}
        }
    });
    let poll = Closure::<dyn Fn()>::new(|| {
        if element("[data-activity-host]").is_some() {
            leptos::task::spawn_local(redraw_if_new());
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
            poll.as_ref().unchecked_ref(),
            POLL_MILLIS,
        );
    }
    poll.forget();
}

/// The request the filters make: `{request}` from the worker.
async fn filtered_request() -> Result<Value, String> {
    let fields = form_fields("[data-activity-form]");
    let drawn = converters::panel("activity", json!({ "fields": fields }))
        .await
        .map_err(|e| e.message)?;
    Ok(drawn["request"].clone())
}

async fn get_activity(request: &Value) -> Result<Value, String> {
    let handle = engine("ui").ok_or("the page is starting")?;
    let text = (handle
        .send("Dynoscope_GetActivity", &request.to_string())
        .await)
        .map_err(|e| e.to_string())?;
    serde_json::from_slice(text.as_bytes()).map_err(|e| e.to_string())
}

/// Reads the requests the filters select and draws them.
async fn redraw() {
    let drawn = async {
        let response = get_activity(&filtered_request().await?).await?;
        DRAWN.set(response["LastSequence"].as_u64().unwrap_or(0));
        let offset = js_sys::Date::new_0().get_timezone_offset() as i64;
        let input = json!({ "response": response, "offsetMinutes": offset });
        let drawn = converters::panel("activity", input)
            .await
            .map_err(|e| e.message)?;
        Ok::<_, String>(drawn["html"].as_str().unwrap_or("").to_owned())
    };
    match drawn.await {
        Ok(html) => set_html("[data-activity-host]", &html),
        Err(message) => set_html("[data-activity-host]", &error_text(&message)),
    }
}

/// Redraws when requests were logged since the last drawing.
async fn redraw_if_new() {
    let probe = json!({ "Limit": 1, "AfterSequence": DRAWN.get() });
    let newest = get_activity(&probe).await.ok();
    if newest.and_then(|r| r["LastSequence"].as_u64()) != Some(DRAWN.get()) {
        redraw().await;
    }
}

/// Downloads every kept request the filters select as `dynoscope-activity.jsonl`.
async fn export() {
    let lines = async {
        let mut request = filtered_request().await?;
        request["Newest"] = json!(false);
        request["Limit"] = json!(dynoscope_engine::ACTIVITY_CAPACITY);
        let response = get_activity(&request).await?;
        let drawn = (converters::panel("activity-lines", json!({ "response": response })))
            .await
            .map_err(|e| e.message)?;
        Ok::<_, String>(drawn["text"].as_str().unwrap_or("").to_owned())
    };
    match lines.await {
        Ok(text) => {
            super::model::share::download("dynoscope-activity.jsonl", &text, "application/x-ndjson")
        }
        Err(message) => set_html("[data-activity-host]", &error_text(&message)),
    }
}
