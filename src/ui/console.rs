//! The API console: pick any operation the engine serves (the list comes from the engine,
//! not from the UI), write its request JSON and send it through the same door as the rest of
//! the UI. The response, or the DynamoDB error, is shown as pretty-printed JSON. Writes made
//! here refresh the table list and the grid.

use super::resource::run_busy;
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use serde_json::Value;

use super::code::ShowCode;
use super::{AppState, ErrorNotice, ShownError};
use crate::bridge::EngineHandle;

/// The console, folded away until opened.
#[component]
pub fn ApiConsole() -> impl IntoView {
    let state = expect_context::<AppState>();
    let operation = RwSignal::new("ListTables".to_owned());
    let request = RwSignal::new("{}".to_owned());
    let response = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ShownError>);
    let busy = RwSignal::new(false);
    // The last request sent, for its code.
    let sent = RwSignal::new(None::<(String, Value)>);

    let send = move || {
        if busy.get_untracked() {
            return;
        }
        let body: Value = match serde_json::from_slice(request.get_untracked().as_bytes()) {
            Ok(body) => body,
            Err(e) => {
                error.set(Some(ShownError::local(format!(
                    "The request is not valid JSON: {e}"
                ))));
                return;
            }
        };
        let op = operation.get_untracked();
        error.set(None);
        response.set(None);
        sent.set(Some((op.clone(), body.clone())));
        run_busy(busy, async move {
            let result = state.send_as("console", &op, &body).await;
            match result {
                Ok(value) => {
                    response.set(Some(
                        serde_json::to_string_pretty(&value).unwrap_or_default(),
                    ));
                    // Data changes refresh the views by themselves; a console request may
                    // also have changed settings or the clock, which they show too.
                    state.changed();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        send();
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            send();
        }
    };
    let options = EngineHandle::operations()
        .into_iter()
        .map(|op| {
            view! { <option value=op selected=move || operation.get() == op>{op}</option> }
        })
        .collect_view();

    view! {
        <details class="panel console">
            <summary>"API console"</summary>
            <p class="muted">
                "Send any request the engine serves; the page's JavaScript API is "
                <code>"window.dynoscope.send(operation, request)"</code> "."
            </p>
            <form on:submit=on_submit>
                <label for="console-operation">"Operation"</label>
                <select
                    id="console-operation"
                    data-testid="console-operation"
                    on:change=move |ev| operation.set(event_target_value(&ev))
                >
                    {options}
                </select>
                <label for="console-request">
                    "Request JSON " <span class="muted">"(Ctrl+Enter to send)"</span>
                </label>
                <textarea
                    id="console-request"
                    rows="6"
                    spellcheck="false"
                    data-testid="console-request"
                    prop:value=move || request.get()
                    on:input=move |ev| request.set(event_target_value(&ev))
                    on:keydown=on_keydown
                ></textarea>
                <div class="actions">
                    <button type="submit" class="primary" data-testid="console-send" disabled=move || busy.get()>
                        "Send"
                    </button>
                </div>
            </form>
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="console-error" /> })}
            {move || response.get().map(|text| view! { <pre class="response" data-testid="console-response">{text}</pre> })}
            {move || sent.get().map(|(operation, request)| view! { <ShowCode operation=operation request=request /> })}
        </details>
    }
}
