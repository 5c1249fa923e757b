//! Small DOM helpers for the panels drawn as plain HTML (the Query and Scan builder, the
//! load generator): a form's fields by name, and HTML set into a host element.

use std::collections::BTreeMap;

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};

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
