//! Small DOM helpers for the panels drawn as plain HTML (the Query and Scan builder, the
//! load generator): a form's fields by name, and HTML set into a host element.

use std::collections::BTreeMap;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

/// Every named control of the form `selector` finds: its value, a checkbox only when
/// ticked, as a browser submits a form.
pub fn form_fields(selector: &str) -> Option<BTreeMap<String, String>> {
    let document = web_sys::window()?.document()?;
    let form = document.query_selector(selector).ok()??;
    let controls = form.query_selector_all("[name]").ok()?;
    let mut fields = BTreeMap::new();
    for i in 0..controls.length() {
        let Some(node) = controls.item(i) else {
            continue;
        };
        if let Some(input) = node.dyn_ref::<HtmlInputElement>() {
            if input.type_() == "checkbox" && !input.checked() {
                continue;
            }
            fields.insert(input.name(), input.value());
        } else if let Some(select) = node.dyn_ref::<HtmlSelectElement>() {
            fields.insert(select.name(), select.value());
        } else if let Some(text) = node.dyn_ref::<HtmlTextAreaElement>() {
            fields.insert(text.name(), text.value());
        }
    }
    Some(fields)
}

/// The first element `selector` finds in the document.
pub fn element(selector: &str) -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .query_selector(selector)
        .ok()?
}

/// Sets the inner HTML of the element `selector` finds, if any.
pub fn set_html(selector: &str, html: &str) {
    if let Some(host) = element(selector) {
        host.set_inner_html(html);
    }
}

/// A message shown as an error paragraph.
pub fn error_text(message: &str) -> String {
    format!(
        "<p class=\"error\" role=\"alert\">{}</p>",
        dynoscope_codegen::html::escape(message)
    )
}

thread_local! {
    /// The engine handle the panels drawn as plain HTML send through (set once at mount).
    static ENGINE: std::cell::RefCell<Option<crate::bridge::EngineHandle>> =
        const { std::cell::RefCell::new(None) };
}

/// Keeps the engine handle for [`engine`].
pub fn keep_engine(handle: crate::bridge::EngineHandle) {
    ENGINE.set(Some(handle));
}

/// The engine handle, sending as `source` (the activity log's sender); `None` before mount.
pub fn engine(source: &'static str) -> Option<crate::bridge::EngineHandle> {
    ENGINE.with_borrow(|h| h.as_ref().map(|h| h.with_source(source)))
}

/// Listens on the document for `events`, calling `handle` with each event and the element
/// it targets: the one delegated listener a panel drawn as plain HTML installs for the
/// page's life.
pub fn on_document(events: &[&str], handle: impl Fn(&web_sys::Event, Element) + 'static) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let listener =
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
            if let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                handle(&ev, target);
            }
        });
    for event in events {
        let _ = document.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
    }
    listener.forget();
}
