//! The load generator of the Cluster view, page side. The worker writes the form, each
//! virtual second's requests and the report ([`dynoscope_load`]); this glue runs them. For a
//! run it puts the virtual clock in stepped mode, then for each 100 ms tick advances the
//! clock and sends the tick's requests together through the one door, counting what each
//! came to; it redraws the report after every second and gives the clock back as it was
//! when the run ends or Stop is pressed. The partition map and the capacity chart beside it
//! show the throttling as it happens. Plain DOM and document listeners ([`install`]), like
//! the Query and Scan builder.

use std::cell::{Cell, RefCell};

use dynoscope_engine::contract::{ClockDescription, ClockModeName};
use dynoscope_load::Second;
use leptos::prelude::*;
use serde_json::{Value, json};
use wasm_bindgen::JsCast;

use super::dom::{engine, error_text, form_fields, on_document, set_html};
use crate::bridge::EngineHandle;
use crate::converters;

/// The virtual milliseconds of one tick.
const TICK_MILLIS: u32 = 1000 / dynoscope_load::TICKS_PER_SECOND;

thread_local! {
    static TABLE: RefCell<Option<String>> = const { RefCell::new(None) };
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    static STOP: Cell<bool> = const { Cell::new(false) };
}

/// The load generator's section for `table`; it fills itself once mounted.
#[component]
pub fn LoadGenerator(table: String) -> impl IntoView {
    TABLE.set(Some(table));
    leptos::task::spawn_local(async {
        match converters::panel("load-form", json!({})).await {
            Ok(drawn) => set_html(
                "[data-load-form-host]",
                drawn["html"].as_str().unwrap_or(""),
            ),
            Err(e) => set_html("[data-load-form-host]", &error_text(&e.message)),
        }
    });
    view! {
        <section class="panel load-generator" data-testid="load-generator" aria-labelledby="load-heading">
            <h2 id="load-heading">"Load generator"</h2>
            <div data-load-form-host><p class="muted">"Loading…"</p></div>
            <div data-load-report-host role="status"></div>
        </section>
    }
}

/// Installs the listeners behind the generator.
pub fn install() {
    on_document(&["submit", "input", "click"], |ev, target| {
        if ev.type_() == "submit" && target.has_attribute("data-load-form") {
            ev.prevent_default();
            if !RUNNING.get() {
                leptos::task::spawn_local(run());
            }
        } else if ev.type_() == "input"
            && target.get_attribute("name").as_deref() == Some("exponent")
        {
            // The slider's value, shown beside it.
            let output = target
                .closest("label")
                .ok()
                .flatten()
                .and_then(|label| label.query_selector("output").ok().flatten());
            if let (Some(input), Some(output)) =
                (target.dyn_ref::<web_sys::HtmlInputElement>(), output)
            {
                output.set_text_content(Some(&input.value()));
            }
        } else if ev.type_() == "click"
            && target
                .closest("[data-load=\"stop\"]")
                .ok()
                .flatten()
                .is_some()
        {
            STOP.set(true);
        }
    });
}

/// One run, from Start to its last second or Stop.
async fn run() {
    let (Some(handle), Some(table), Some(fields)) = (
        engine("load"),
        TABLE.with_borrow(Clone::clone),
        form_fields("[data-load-form]"),
    ) else {
        return;
    };
    RUNNING.set(true);
    STOP.set(false);
    running_buttons(true);
    let outcome = drive(&handle, &table, fields).await;
    if let Err(message) = outcome {
        set_html("[data-load-report-host]", &message);
    }
    running_buttons(false);
    RUNNING.set(false);
}

/// Sends the run's seconds with the clock stepped, then gives the clock back.
async fn drive(
    handle: &EngineHandle,
    table: &str,
    fields: std::collections::BTreeMap<String, String>,
) -> Result<(), String> {
    let describe: Value = send(handle, "DescribeTable", &json!({ "TableName": table })).await?;
    let clock: ClockDescription =
        serde_json::from_value(send(handle, "Dynoscope_DescribeClock", &json!({})).await?)
            .map_err(|e| error_text(&e.to_string()))?;
    send(handle, "Dynoscope_SetClock", &json!({ "Mode": "STEPPED" })).await?;
    let sent = seconds(handle, describe, fields).await;
    if clock.clock.mode == ClockModeName::Realtime {
        let back = json!({ "Mode": "REALTIME", "Speed": clock.clock.speed });
        send(handle, "Dynoscope_SetClock", &back).await?;
    }
    sent
}

/// The run's seconds, each reported when done.
async fn seconds(
    handle: &EngineHandle,
    describe: Value,
    fields: std::collections::BTreeMap<String, String>,
) -> Result<(), String> {
    let mut done: Vec<Second> = Vec::new();
    let mut planned = 1;
    let mut second = 0;
    while second < planned && !STOP.get() {
        let input = json!({ "describe": describe, "fields": fields, "second": second });
        let drawn = converters::panel("load-second", input)
            .await
            .map_err(|e| error_text(&e.message))?;
        if let Some(problems) = drawn["problems"].as_str() {
            return Err(problems.to_owned());
        }
        planned = drawn["seconds"].as_u64().unwrap_or(0) as u32;
        let mut tally = Second::default();
        for tick in drawn["ticks"].as_array().into_iter().flatten() {
            send(
                handle,
                "Dynoscope_AdvanceClock",
                &json!({ "Millis": TICK_MILLIS }),
            )
            .await?;
            // Each call is `[operation, request JSON text]`.
            let calls: Vec<(&str, &str)> = tick
                .as_array()
                .into_iter()
                .flatten()
                .map(|call| {
                    (
                        call[0].as_str().unwrap_or(""),
                        call[1].as_str().unwrap_or(""),
                    )
                })
                .collect();
            for reply in handle.send_all(&calls).await {
                match reply {
                    Ok(text) => tally
                        .served(&serde_json::from_slice(text.as_bytes()).unwrap_or(Value::Null)),
                    Err(e) => tally.refused(&e.to_json()),
                }
            }
        }
        done.push(tally);
        second += 1;
        let running = second < planned && !STOP.get();
        let input = json!({ "seconds": done, "planned": planned, "running": running });
        let drawn = converters::panel("load-report", input)
            .await
            .map_err(|e| error_text(&e.message))?;
        let html = drawn["html"].as_str().unwrap_or("");
        set_html("[data-load-report-host]", html);
    }
    Ok(())
}

/// Sends one request, its error as HTML.
async fn send(handle: &EngineHandle, operation: &str, request: &Value) -> Result<Value, String> {
    let text = handle
        .send(operation, &request.to_string())
        .await
        .map_err(|e| error_text(&e.to_string()))?;
    serde_json::from_slice(text.as_bytes()).map_err(|e| error_text(&e.to_string()))
}

/// Start is off and Stop on while a run goes, and the other way round after.
fn running_buttons(running: bool) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    for (selector, disabled) in [
        ("[data-testid=\"load-start\"]", running),
        ("[data-load=\"stop\"]", !running),
    ] {
        if let Ok(Some(button)) = document.query_selector(selector) {
            let _ = if disabled {
                button.set_attribute("disabled", "")
            } else {
                button.remove_attribute("disabled")
            };
        }
    }
}
