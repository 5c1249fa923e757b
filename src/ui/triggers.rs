//! "Stream triggers", page side: the Tables view's fold for the selected table's functions
//! and event source mappings. Opening it ([`show`]) loads the full engine (mappings are its
//! extras), reads the table's stream and mappings, and has the worker write the panel
//! (`triggers` in `crate::panels`, [`crate::triggers_panel`]); while it is open, each
//! mapping's figures and invocations are read again every second (`Dynoscope_GetInvocations`,
//! left out of the activity log) and redrawn when they changed. The buttons edit, enable,
//! disable and delete functions ([`crate::functions`]) and create and delete mappings
//! through the one door.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use serde_json::{Value, json};
use wasm_bindgen::JsCast;

use super::dom::{element, engine, error_text, form_fields, on_document, set_html};
use crate::{converters, functions};

/// How often an open panel reads its mappings' figures again.
const POLL: Duration = Duration::from_millis(1_000);

thread_local! {
    static TABLE: RefCell<String> = const { RefCell::new(String::new()) };
    static STREAM: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The table's mappings, as ListEventSourceMappings described them.
    static MAPPINGS: RefCell<Vec<Value>> = const { RefCell::new(Vec::new()) };
    /// The function in the editor (`null`: a new one).
    static EDITING: RefCell<Value> = const { RefCell::new(Value::Null) };
    static MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The input of the mappings last drawn, to redraw only on a change.
    static SHOWN: RefCell<String> = const { RefCell::new(String::new()) };
    static POLLING: Cell<bool> = const { Cell::new(false) };
}

/// Draws the panel of `table` into the opened fold.
pub fn show(table: String) {
    TABLE.set(table);
    EDITING.set(Value::Null);
    MESSAGE.set(None);
    leptos::task::spawn_local(reload());
}

/// Installs the listeners behind the panel's buttons and forms.
pub fn install() {
    on_document(&["click", "submit"], |ev, target| {
        if target.closest("[data-tr-host]").ok().flatten().is_none() {
            return;
        }
        if ev.type_() == "submit" {
            ev.prevent_default();
            if target.has_attribute("data-tr-editor") {
                leptos::task::spawn_local(save_function());
            } else if target.has_attribute("data-tr-create") {
                leptos::task::spawn_local(create_mapping());
            }
            return;
        }
        let action = (target.closest("[data-tr-action]").ok().flatten())
            .and_then(|b| b.get_attribute("data-tr-action"));
        if let Some((verb, name)) = action.as_deref().and_then(|a| a.split_once(':')) {
            let question = match verb {
                "delete" => Some(format!(
                    "Delete function {name}? Its mappings stay, waiting."
                )),
                "unmap" => Some(format!(
                    "Delete mapping {name}? Its position on the stream is lost."
                )),
                _ => None,
            };
            let asked = question.is_none_or(|q| {
                web_sys::window()
                    .and_then(|w| w.confirm_with_message(&q).ok())
                    .unwrap_or(false)
            });
            if asked {
                leptos::task::spawn_local(act(verb.to_owned(), name.to_owned()));
            }
        }
    });
}

fn say(outcome: Result<(), String>) {
    MESSAGE.set(outcome.err());
}

/// One button: a function's edit, enable, disable or delete; a mapping's delete.
async fn act(verb: String, name: String) {
    let Some(handle) = engine("ui") else {
        return;
    };
    let done = match verb.as_str() {
        "edit" => functions::list(&handle).await.map(|list| {
            let found = list.into_iter().find(|f| f.name == name);
            EDITING.set(found.map_or(Value::Null, |f| json!(f)));
        }),
        "enable" => functions::enable(&handle, &name).await.map(drop),
        "disable" => functions::disable(&handle, &name).await.map(drop),
        "delete" => functions::delete(&handle, &name).await.map(drop),
        "unmap" => handle
            .send(
                "Dynoscope_DeleteEventSourceMapping",
                &json!({ "UUID": name }).to_string(),
            )
            .await
            .map(drop),
        _ => Ok(()),
    };
    say(done.map_err(|e| e.message));
    reload().await;
}

async fn save_function() {
    let Some(handle) = engine("ui") else {
        return;
    };
    let fields = form_fields("[data-tr-editor]").unwrap_or_default();
    let code = element("[data-tr-code]")
        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        .map(|t| t.value())
        .unwrap_or_default();
    let draft = functions::Draft {
        name: fields.get("name").map(|n| json!(n.trim())),
        code: Some(json!(code)),
        timeout_seconds: fields.get("timeout").map(|t| json!(t)),
    };
    let saved = functions::put(&handle, draft).await;
    if saved.is_ok() {
        EDITING.set(Value::Null);
    } else {
        EDITING.set(json!({"name": fields.get("name"), "code": code, "timeoutSeconds": fields.get("timeout")}));
    }
    say(saved.map(drop).map_err(|e| e.message));
    draw(true).await;
}

async fn create_mapping() {
    let Some(handle) = engine("ui") else {
        return;
    };
    let functions = listed(&handle).await;
    let input = json!({
        "build": form_fields("[data-tr-create]").unwrap_or_default(),
        "streamArn": STREAM.with_borrow(Clone::clone),
        "functions": functions,
    });
    let outcome = match converters::panel("triggers", input).await {
        Err(e) => Err(e.message),
        Ok(reply) => match reply.get("request") {
            None => Err(reply["problem"]
                .as_str()
                .unwrap_or("the form does not read")
                .to_owned()),
            Some(request) => handle
                .send("Dynoscope_CreateEventSourceMapping", &request.to_string())
                .await
                .map(drop)
                .map_err(|e| e.message),
        },
    };
    say(outcome);
    reload().await;
}

/// The functions as JSON, each with whether this browser may run it.
async fn listed(handle: &crate::bridge::EngineHandle) -> Value {
    functions::list(handle)
        .await
        .map(|list| json!(list))
        .unwrap_or_else(|e| {
            MESSAGE.set(Some(e.message));
            json!([])
        })
}

/// Reads the table's stream and mappings again, then draws everything.
async fn reload() {
    let Some(handle) = engine("ui") else {
        return;
    };
    if let Err(e) = handle.use_full().await {
        return set_html("[data-tr-functions]", &error_text(&e.message));
    }
    let table = TABLE.with_borrow(Clone::clone);
    let described = handle
        .send("DescribeTable", &json!({ "TableName": table }).to_string())
        .await
        .map(|text| serde_json::from_str::<Value>(&text).unwrap_or_default());
    let stream = described.ok().and_then(|d| {
        let table = &d["Table"];
        (table["StreamSpecification"]["StreamEnabled"] == true)
            .then(|| table["LatestStreamArn"].as_str().map(str::to_owned))
            .flatten()
    });
    let mappings = match &stream {
        None => Vec::new(),
        Some(arn) => handle
            .send(
                "Dynoscope_ListEventSourceMappings",
                &json!({ "EventSourceArn": arn }).to_string(),
            )
            .await
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .and_then(|v| v["EventSourceMappings"].as_array().cloned())
            .unwrap_or_default(),
    };
    STREAM.set(stream);
    MAPPINGS.set(mappings);
    SHOWN.set(String::new());
    draw(true).await;
    if !POLLING.replace(true) {
        leptos::task::spawn_local(poll());
    }
}

/// While the panel is open, redraws the mappings when their figures change.
async fn poll() {
    loop {
        let wait = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(window) = web_sys::window() {
                let millis = POLL.as_millis() as i32;
                let _ =
                    window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(wait).await;
        if element("details[open] [data-tr-host]").is_none() {
            break;
        }
        draw(false).await;
    }
    POLLING.set(false);
}

/// Draws the panel (`all`), or only the mappings when their figures changed.
async fn draw(all: bool) {
    let Some(handle) = engine("ui") else {
        return;
    };
    let functions = listed(&handle).await;
    let mut mappings = MAPPINGS.with_borrow(Clone::clone);
    for mapping in &mut mappings {
        let request = json!({ "UUID": mapping["UUID"], "Limit": 10 });
        let answer = handle
            .send("Dynoscope_GetInvocations", &request.to_string())
            .await;
        let invocations = (answer.ok())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(Value::Null);
        if let Some(mapping) = mapping.as_object_mut() {
            mapping.insert("Invocations".to_owned(), invocations);
        }
    }
    let signature = json!([functions, mappings]).to_string();
    if !all && SHOWN.with_borrow(|shown| *shown == signature) {
        return;
    }
    SHOWN.set(signature);
    let input = json!({
        "table": TABLE.with_borrow(Clone::clone),
        "streamArn": STREAM.with_borrow(Clone::clone),
        "functions": functions,
        "mappings": mappings,
        "editing": EDITING.with_borrow(Clone::clone),
        "message": MESSAGE.with_borrow(Clone::clone),
    });
    match converters::panel("triggers", input).await {
        Ok(reply) => {
            let parts: &[&str] = if all {
                &["functions", "create", "mappings"]
            } else {
                &["mappings"]
            };
            for part in parts {
                set_html(
                    &format!("[data-tr-{part}]"),
                    reply[*part].as_str().unwrap_or(""),
                );
            }
        }
        Err(e) => set_html("[data-tr-functions]", &error_text(&e.message)),
    }
}
