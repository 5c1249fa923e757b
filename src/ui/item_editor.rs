//! The item editor: a textarea holding one item in DynamoDB JSON
//! (`{"pk": {"S": "a"}, "n": {"N": "1"}}`) or in plain JSON (`{"pk": "a", "n": 1}`), and a
//! Put button that sends PutItem to the selected table. Ctrl+Enter (or Cmd+Enter) in the
//! textarea puts the item too. The format switch and the choices plain JSON needs (numbers
//! a double cannot hold, arrays as sets, binary) are plain `<select>`s written as static
//! HTML and read on change; switching converts the text, and Put converts plain JSON first,
//! both in the worker (the `item-json` panel, [`dynoscope_item_json`]), which also writes
//! the rules and what would not come back the same under the choices. A conversion that
//! cannot be made, or a rejection, is shown by name and message.

use super::resource::run_busy;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use serde_json::{Value, json};

use super::code::ShowCode;
use super::dom::{form_fields, set_html};
use super::{AppState, ErrorNotice, ShownError};

thread_local! {
    /// The selects as last set (`format`, `numbers`, `sets`, `binary`), kept across
    /// remounts like the text itself; empty means every first option.
    static CHOICES: RefCell<BTreeMap<String, String>> = RefCell::default();
    static MOUNTED: Cell<Option<Mounted>> = const { Cell::new(None) };
}

/// The mounted editor's "plain JSON" flag and error.
type Mounted = (RwSignal<bool>, RwSignal<Option<ShownError>>);

/// The format switch and the choices. Option values are unique across the selects, so
/// [`choices_html`] can mark the chosen ones by value.
const CHOICES_HTML: &str = r#"<label>Format <select name="format" data-testid="editor-format"><option value="dynamodb">DynamoDB JSON</option><option value="plain">plain JSON</option></select></label><label>Arrays <select name="sets" data-testid="editor-sets"><option value="lists">lists (L)</option><option value="sets">sets if all strings, numbers or binaries</option></select></label><label>Binary <select name="binary" data-testid="editor-binary"><option value="tagged">{"$binary": "base64"} is B</option><option value="none">none</option></select></label><label>Numbers a double cannot hold <select name="numbers" data-testid="editor-numbers"><option value="exact">JSON numbers, all digits</option><option value="strings">strings (back as S)</option></select></label><div data-editor-notes></div>"#;

fn choices_html() -> String {
    let mut html = CHOICES_HTML.to_owned();
    CHOICES.with_borrow(|chosen| {
        for value in chosen.values() {
            let option = format!("\"{value}\"");
            html = html.replace(option.as_str(), &(option.clone() + " selected"));
        }
    });
    html
}

fn is_plain() -> bool {
    CHOICES.with_borrow(|c| c.get("format").is_some_and(|f| f == "plain"))
}

/// Sets the format switch to plain JSON (`plain`) or DynamoDB JSON without converting.
fn set_format(plain: bool) {
    let format = if plain { "plain" } else { "dynamodb" };
    // Redrawn only when it shows the other format, so a focused select keeps its focus.
    if CHOICES
        .with_borrow_mut(|c| c.insert("format".into(), format.into()))
        .as_deref()
        != Some(format)
    {
        set_html("[data-editor-choices]", &choices_html());
    }
    if let Some((signal, _)) = MOUNTED.get() {
        signal.try_set(plain);
    }
}

/// `text` converted in the worker (`direction` `to-plain` or `to-dynamodb`) with the
/// current choices; the rules and notes are drawn under the choices.
async fn convert(direction: &str, text: String) -> Result<String, ShownError> {
    let mut input = CHOICES.with_borrow(Clone::clone);
    input.insert("direction".into(), direction.into());
    input.insert("text".into(), text);
    let output = crate::converters::panel("item-json", json!(input))
        .await
        .map_err(|e| ShownError::local(e.message))?;
    if let Some(problem) = output["problem"].as_str() {
        return Err(ShownError::local(problem));
    }
    set_html(
        "[data-editor-notes]",
        output["notesHtml"].as_str().unwrap_or(""),
    );
    Ok(output["text"].as_str().unwrap_or("").to_owned())
}

/// Puts the DynamoDB JSON item `text` into the editor (the grid's Edit, the key
/// template), converted to plain JSON when that is the format shown.
pub fn edit(state: AppState, text: String) {
    if is_plain() {
        leptos::task::spawn_local(show(state, text, true));
    } else {
        state.editor_text.set(text);
    }
}

/// Shows `text` converted to plain JSON (`to_plain`) or to DynamoDB JSON; when it cannot
/// be, shows it as it is, in the other format, with the reason.
async fn show(state: AppState, text: String, to_plain: bool) {
    let direction = if to_plain { "to-plain" } else { "to-dynamodb" };
    match convert(direction, text.clone()).await {
        Ok(converted) => {
            set_format(to_plain);
            state.editor_text.set(converted);
        }
        Err(e) => {
            set_format(!to_plain);
            state.editor_text.set(text);
            if let Some((_, error)) = MOUNTED.get() {
                error.try_set(Some(e));
            }
        }
    }
}

/// The editor's item as DynamoDB JSON, converted from plain JSON when that is shown.
async fn item_of(text: String) -> Result<Value, ShownError> {
    let text = if is_plain() {
        convert("to-dynamodb", text).await?
    } else {
        text
    };
    match serde_json::from_slice(text.as_bytes()) {
        Ok(item @ Value::Object(_)) => Ok(item),
        Ok(_) => Err(ShownError::local(
            "The item must be a JSON object of attributes in DynamoDB JSON, e.g. {\"pk\": {\"S\": \"a\"}}",
        )),
        Err(e) => Err(ShownError::local(format!(
            "The item is not valid JSON: {e}"
        ))),
    }
}

/// The editor for the selected table.
#[component]
pub fn ItemEditor() -> impl IntoView {
    let state = expect_context::<AppState>();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ShownError>);
    let notice = RwSignal::new(None::<String>);
    let plain = RwSignal::new(is_plain());
    MOUNTED.set(Some((plain, error)));
    // The last PutItem sent, for its code.
    let sent = RwSignal::new(None::<Value>);

    // A different table starts with a clean slate.
    Effect::new(move |_| {
        state.selected.track();
        error.set(None);
        notice.set(None);
    });

    let put = move || {
        let Some(table) = state.selected.get_untracked() else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        let text = state.editor_text.get_untracked();
        error.set(None);
        notice.set(None);
        run_busy(busy, async move {
            let item = match item_of(text).await {
                Ok(item) => item,
                Err(e) => return error.set(Some(e)),
            };
            let request = json!({ "TableName": table, "Item": item });
            sent.set(Some(request.clone()));
            let result = state.send("PutItem", &request).await;
            match result {
                Ok(_) => {
                    notice.set(Some(format!("Item saved to {table}.")));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    // A changed select: the format switch converts the text; the choices apply from then on.
    let on_choice = move |_| {
        let Some(fields) = form_fields("[data-editor-choices]") else {
            return;
        };
        let was_plain = is_plain();
        let to_plain = fields.get("format").is_some_and(|f| f == "plain");
        CHOICES.set(fields);
        let text = state.editor_text.get_untracked();
        if was_plain == to_plain {
            return;
        }
        error.set(None);
        notice.set(None);
        if text.trim().is_empty() {
            set_format(to_plain);
        } else {
            leptos::task::spawn_local(show(state, text, to_plain));
        }
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
    let template = move || {
        state
            .info
            .get()
            .map(|info| info.item_template())
            .unwrap_or_else(|| "{\"pk\": {\"S\": \"example\"}}".to_owned())
    };
    let placeholder = move || {
        let text = template();
        if plain.get() {
            text.replace(r#"{"S": "example"}"#, r#""example""#)
                .replace(r#"{"N": "1"}"#, "1")
                .replace(r#"{"B": "#, r#"{"$binary": "#)
        } else {
            text
        }
    };

    view! {
        <section class="panel item-editor" aria-labelledby="editor-heading">
            <h2 id="editor-heading">"Put item"</h2>
            <form on:submit=on_submit>
                <div class="editor-choices" data-editor-choices on:change=on_choice inner_html=choices_html()></div>
                <label for="item-json">
                    "Item " <span class="muted">"(Ctrl+Enter to put)"</span>
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
                        on:click=move |_| edit(state, template())
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
