//! The create-table form, page side: the Tables view's "Create table" and the Model view's
//! table definitions. The fields, their refusals and the steps that create the table are
//! written by the model's worker ([`dynoscope_query_builder::table_form`]); this module is
//! the glue, plain DOM and one set of document listeners like the Query and Scan builder,
//! because a Leptos view of the form cost the first load about 13 KB gzipped. A form is a
//! `<form data-ct-form=PREFIX>` holding a `[data-ct-fields]` host; its buttons and its
//! billing and projection pickers ask the worker to redraw it with every value kept, one
//! request at a time, each reading the form as the last left it (what is typed while the
//! worker answers is put back). Submitting the Tables view's form sends the steps through
//! the one door (CreateTable, then UpdateTimeToLive); DynamoDB's refusal shows under the
//! index it names or under the form, and on success the table is selected and the form
//! cleared for the next one.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};

use futures_channel::oneshot;

use dynoscope_model::model::TableSpec;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement, Node};

use super::AppState;
use super::dom::{element, error_text, form_fields, on_document, set_html};
use crate::converters;

/// The Tables view form's prefix.
const CREATE: &str = "ct";

type Fields = BTreeMap<String, String>;

thread_local! {
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
    static BUSY: Cell<bool> = const { Cell::new(false) };
    /// Redraws asked for and not yet begun: the form's prefix and the button pressed.
    static QUEUE: RefCell<VecDeque<(String, Option<String>)>> = const { RefCell::new(VecDeque::new()) };
    static DRAINING: Cell<bool> = const { Cell::new(false) };
    /// Who waits for the queue to empty.
    static WAITERS: RefCell<Vec<oneshot::Sender<()>>> = const { RefCell::new(Vec::new()) };
}

/// The Tables view's form: creates the table it describes.
#[component]
pub fn CreateTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    leptos::task::spawn_local(draw(CREATE.into(), None));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(create(state));
    };
    view! {
        <section class="panel create-table" aria-labelledby="create-heading">
            <h2 id="create-heading">"Create table"</h2>
            <form on:submit=submit data-testid="create-table-form" data-ct-form=CREATE>
                <div data-ct-fields style="display:contents"></div>
                <button type="submit" class="primary" data-testid="create-table-submit">"Create table"</button>
            </form>
            <div data-ct-notice=CREATE style="display:contents"></div>
        </section>
    }
}

/// Draws the form `prefix` from `spec`, or empty; installs the listeners the first time.
pub async fn draw(prefix: String, spec: Option<TableSpec>) {
    if !INSTALLED.replace(true) {
        install();
    }
    let spec = spec.and_then(|s| serde_json::to_string(&s).ok());
    ask(&prefix, json!({ "prefix": prefix, "spec": spec })).await;
}

/// The table the form `prefix` describes, or `None` with the refusals drawn beside the
/// fields.
pub async fn definition(prefix: &str) -> Option<TableSpec> {
    settled().await;
    let drawn = ask(prefix, with_fields(prefix, "action", json!("submit"))).await?;
    serde_json::from_slice(drawn["spec"].as_str()?.as_bytes()).ok()
}

/// Asks the worker about the form `prefix` and draws its answer.
async fn ask(prefix: &str, input: Value) -> Option<Value> {
    show(prefix, converters::panel("table-form", input).await)
}

/// Draws the worker's answer about the form `prefix`: the fields and the notice under it.
fn show(prefix: &str, drawn: Result<Value, dynoscope_model::ModelError>) -> Option<Value> {
    let notice = format!("[data-ct-notice=\"{prefix}\"]");
    match drawn {
        Ok(drawn) => {
            let fields = format!("[data-ct-form=\"{prefix}\"] [data-ct-fields]");
            morph_html(&fields, drawn["formHtml"].as_str().unwrap_or(""));
            set_html(&notice, drawn["noticeHtml"].as_str().unwrap_or(""));
            Some(drawn)
        }
        Err(e) => {
            set_html(&notice, &error_text(&e.message));
            None
        }
    }
}

/// The form's values as filled in, and whether "Settings" is unfolded.
fn fields(prefix: &str) -> Fields {
    let form = format!("[data-ct-form=\"{prefix}\"]");
    let mut fields = form_fields(&form).unwrap_or_default();
    if element(&format!("{form} details[open]")).is_some() {
        fields.insert("settings-open".into(), "1".into());
    }
    fields
}

/// The worker's input for the form as filled in, with `key` set.
fn with_fields(prefix: &str, key: &str, value: Value) -> Value {
    json!({ "prefix": prefix, "fields": fields(prefix), key: value })
}

/// Redraws the form `prefix` after the button `action`, once the redraws asked before are
/// done.
fn redraw(prefix: String, action: Option<String>) {
    QUEUE.with_borrow_mut(|q| q.push_back((prefix, action)));
    if !DRAINING.replace(true) {
        leptos::task::spawn_local(drain());
    }
}

async fn drain() {
    while let Some((prefix, action)) = QUEUE.with_borrow_mut(VecDeque::pop_front) {
        let sent = fields(&prefix);
        let input = json!({ "prefix": prefix, "fields": sent, "action": action });
        let drawn = converters::panel("table-form", input).await;
        let typed = fields(&prefix);
        show(&prefix, drawn);
        keep_typed(&prefix, &sent, &typed);
    }
    DRAINING.set(false);
    for waiter in WAITERS.take() {
        let _ = waiter.send(());
    }
}

/// Waits until no redraw is pending, so a submission reads the form as drawn.
async fn settled() {
    if !DRAINING.get() {
        return;
    }
    let (sender, receiver) = oneshot::channel();
    WAITERS.with_borrow_mut(|w| w.push(sender));
    let _ = receiver.await;
}

/// Puts back into the redrawn form `prefix` what was typed since `sent` was read.
fn keep_typed(prefix: &str, sent: &Fields, typed: &Fields) {
    let form = format!("[data-ct-form=\"{prefix}\"]");
    for name in sent.keys().chain(typed.keys()) {
        let now = typed.get(name);
        if sent.get(name) == now {
            continue;
        }
        if name == "settings-open" {
            if let Some(details) = element(&format!("{form} details")) {
                let _ = details.set_attribute("open", "");
            }
            continue;
        }
        let Some(control) = element(&format!("{form} [name=\"{name}\"]")) else {
            continue;
        };
        if let Some(input) = control.dyn_ref::<HtmlInputElement>() {
            if input.type_() == "checkbox" {
                input.set_checked(now.is_some());
            } else if let Some(value) = now.filter(|v| **v != input.value()) {
                input.set_value(value);
            }
        } else if let (Some(select), Some(value)) = (control.dyn_ref::<HtmlSelectElement>(), now) {
            select.set_value(value);
        }
    }
}

/// Makes the children of the element `selector` finds those `html` describes, keeping
/// every node already so: a control the redraw does not change keeps its focus and what
/// is being typed into it.
fn morph_html(selector: &str, html: &str) {
    let document = web_sys::window().and_then(|w| w.document());
    let (Some(host), Some(document)) = (element(selector), document) else {
        return;
    };
    let Ok(drawn) = document.create_element("div") else {
        return;
    };
    drawn.set_inner_html(html);
    settle_defaults(&host);
    morph(&host, &drawn);
}

/// Writes each control's live value into its attributes, as the worker writes them, so
/// an unchanged control compares equal to its redrawn self.
fn settle_defaults(host: &Element) {
    let each = |selector: &str, f: &dyn Fn(&Element)| {
        if let Ok(list) = host.query_selector_all(selector) {
            for node in (0..list.length()).filter_map(|i| list.item(i)) {
                if let Some(element) = node.dyn_ref::<Element>() {
                    f(element);
                }
            }
        }
    };
    each("input", &|e| {
        if let Some(input) = e.dyn_ref::<HtmlInputElement>() {
            if input.type_() == "checkbox" {
                input.set_default_checked(input.checked());
            } else {
                input.set_default_value(&input.value());
            }
        }
    });
    each("select", &|e| {
        let Some(select) = e.dyn_ref::<HtmlSelectElement>() else {
            return;
        };
        let chosen = select.value();
        mark_chosen(e, &chosen);
    });
}

/// Marks the option of `select` whose value is `chosen` as the selected one.
fn mark_chosen(select: &Element, chosen: &str) {
    let Ok(options) = select.query_selector_all("option") else {
        return;
    };
    for node in (0..options.length()).filter_map(|i| options.item(i)) {
        if let Some(option) = node.dyn_ref::<Element>() {
            let _ = if option.get_attribute("value").as_deref() == Some(chosen) {
                option.set_attribute("selected", "")
            } else {
                option.remove_attribute("selected")
            };
        }
    }
}

/// Makes `old`'s children `new`'s: equal nodes stay, containers of the same kind are
/// morphed in place, anything else is replaced.
fn morph(old: &Node, new: &Node) {
    let list = new.child_nodes();
    let fresh: Vec<Node> = (0..list.length()).filter_map(|i| list.item(i)).collect();
    for (i, node) in fresh.iter().enumerate() {
        let Some(current) = old.child_nodes().item(i as u32) else {
            let _ = old.append_child(node);
            continue;
        };
        if current.is_equal_node(Some(node)) {
            continue;
        }
        match (current.dyn_ref::<Element>(), node.dyn_ref::<Element>()) {
            (Some(a), Some(b))
                if a.tag_name() == b.tag_name()
                    && ["FIELDSET", "DIV", "DETAILS"].contains(&a.tag_name().as_str()) =>
            {
                for name in a.get_attribute_names().iter().filter_map(|n| n.as_string()) {
                    if !b.has_attribute(&name) {
                        let _ = a.remove_attribute(&name);
                    }
                }
                for name in b.get_attribute_names().iter().filter_map(|n| n.as_string()) {
                    let _ = a.set_attribute(&name, &b.get_attribute(&name).unwrap_or_default());
                }
                morph(&current, node);
            }
            _ => {
                let _ = old.replace_child(node, &current);
            }
        }
    }
    while old.child_nodes().length() as usize > fresh.len() {
        match old.last_child() {
            Some(last) => {
                let _ = old.remove_child(&last);
            }
            None => break,
        }
    }
}

/// Installs the listeners behind every form's buttons and pickers.
fn install() {
    on_document(&["click", "change"], |ev, target| {
        let Some(prefix) = target
            .closest("[data-ct-form]")
            .ok()
            .flatten()
            .and_then(|f| f.get_attribute("data-ct-form"))
        else {
            return;
        };
        let action = match ev.type_().as_str() {
            "click" => match target.closest("[data-ct-action]") {
                Ok(Some(button)) => button.get_attribute("data-ct-action"),
                _ => return,
            },
            _ if target.has_attribute("data-ct-structural") => None,
            _ => return,
        };
        redraw(prefix, action);
    });
}

/// Sends the steps that create the Tables view form's table, then shows how it went.
async fn create(state: AppState) {
    if BUSY.replace(true) {
        return;
    }
    let button = element("[data-testid=create-table-submit]");
    let busy = |on: bool| {
        if let Some(b) = &button {
            let _ = if on {
                b.set_attribute("disabled", "")
            } else {
                b.remove_attribute("disabled")
            };
        }
    };
    busy(true);
    settled().await;
    let drawn = ask(CREATE, with_fields(CREATE, "action", json!("submit"))).await;
    let steps = drawn.as_ref().and_then(|d| d["steps"].as_array().cloned());
    let mut refused = None;
    for step in steps.iter().flatten() {
        if let Err(e) = state.send(step[0].as_str().unwrap_or(""), &step[1]).await {
            refused = Some(e);
            break;
        }
    }
    BUSY.set(false);
    busy(false);
    let Some(table) = drawn.and_then(|d| d["table"].as_str().map(str::to_owned)) else {
        return;
    };
    match refused {
        None => {
            state.changed();
            state.selected.set(Some(table));
            ask(CREATE, with_fields(CREATE, "action", json!("created"))).await;
        }
        Some(e) => {
            let refusal = json!({ "name": e.name, "wireType": e.wire_type, "message": e.message });
            ask(CREATE, with_fields(CREATE, "refused", refusal)).await;
        }
    }
}
