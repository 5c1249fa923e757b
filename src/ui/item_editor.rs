//! The item editor: a textarea holding one item in DynamoDB JSON
//! (`{"pk": {"S": "a"}, "n": {"N": "1"}}`) and a Put button that sends PutItem to the selected
//! table. Ctrl+Enter (or Cmd+Enter) in the textarea puts the item too. A rejection is shown
//! by its DynamoDB name and message; the grid reloads after a successful put.

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use serde_json::{Value, json};

use super::code::ShowCode;
use super::{AppState, ErrorNotice, ShownError};

/// The editor for the selected table.
#[component]
pub fn ItemEditor() -> impl IntoView {
    let state = expect_context::<AppState>();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ShownError>);
    let notice = RwSignal::new(None::<String>);
    // The last PutItem sent, for its code.
    let sent = RwSignal::new(None::<Value>);

    // A different table starts with a clean slate.
    Effect::new(move |_| {
        state.selected.track();
        error.set(None);
        notice.set(None);
    });

    let put = move || {
        if busy.get_untracked() {
            return;
        }
        let Some(table) = state.selected.get_untracked() else {
            return;
        };
        let text = state.editor_text.get_untracked();
        let item: Value = match serde_json::from_str(&text) {
            Ok(item @ Value::Object(_)) => item,
            Ok(_) => {
                error.set(Some(ShownError::local(
                    "The item must be a JSON object of attributes in DynamoDB JSON, e.g. {\"pk\": {\"S\": \"a\"}}",
                )));
                return;
            }
            Err(e) => {
                error.set(Some(ShownError::local(format!(
                    "The item is not valid JSON: {e}"
                ))));
                return;
            }
        };
        busy.set(true);
        error.set(None);
        notice.set(None);
        let request = json!({ "TableName": table, "Item": item });
        sent.set(Some(request.clone()));
        leptos::task::spawn_local(async move {
            let result = state.send("PutItem", &request).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    notice.set(Some(format!("Item saved to {table}.")));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        put();
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            put();
        }
    };
    let placeholder = move || {
        state
            .info
            .get()
            .map(|info| info.item_template())
            .unwrap_or_else(|| "{\"pk\": {\"S\": \"example\"}}".to_owned())
    };

    view! {
        <section class="panel item-editor" aria-labelledby="editor-heading">
            <h2 id="editor-heading">"Put item"</h2>
            <form on:submit=on_submit>
                <label for="item-json">
                    "Item in DynamoDB JSON " <span class="muted">"(Ctrl+Enter to put)"</span>
                </label>
                <textarea
                    id="item-json"
                    rows="7"
                    spellcheck="false"
                    data-testid="item-json"
                    placeholder=placeholder
                    prop:value=move || state.editor_text.get()
                    on:input=move |ev| state.editor_text.set(event_target_value(&ev))
                    on:keydown=on_keydown
                ></textarea>
                <div class="actions">
                    <button type="submit" class="primary" data-testid="put-item" disabled=move || busy.get()>
                        "Put item"
                    </button>
                    <button
                        type="button"
                        data-testid="item-template"
                        on:click=move |_| state.editor_text.set(placeholder())
                    >
                        "Insert key template"
                    </button>
                    <button type="button" data-testid="item-clear" on:click=move |_| state.editor_text.set(String::new())>
                        "Clear"
                    </button>
                </div>
            </form>
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="put-item-error" /> })}
            {move || notice.get().map(|text| view! {
                <p class="notice" role="status" data-testid="put-item-status">{text}</p>
            })}
            {move || sent.get().map(|request| view! { <ShowCode operation="PutItem".to_owned() request=request /> })}
        </section>
    }
}
