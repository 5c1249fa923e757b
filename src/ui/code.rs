//! "Code": one request as AWS SDK for JavaScript v3, boto3 and AWS CLI code, ready to paste.
//! A panel is a folded `<details data-code-operation data-code-request>`, written by
//! [`ShowCode`] here or as HTML by the worker (the console's log, the scenarios' steps). One
//! set of listeners on the document, [`install`]ed once, serves them all: opening a panel asks
//! the model's worker for its contents (a tab per language), a tab shows its code, Copy puts
//! it on the clipboard.

use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlDetailsElement};

use crate::converters;

/// A folded "Code" panel for `request` to `operation`.
#[component]
pub fn ShowCode(operation: String, request: Value) -> impl IntoView {
    view! {
        <details class="code-sample" data-testid="show-code" data-code-operation=operation data-code-request=request.to_string()>
            <summary>"Code"</summary>
            <div class="code-body"></div>
        </details>
    }
}

/// Listens on the document for every panel's toggle (captured: `toggle` does not bubble)
/// and clicks on its tabs and Copy button.
pub fn install() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let on_toggle = Closure::<dyn Fn(web_sys::Event)>::new(|ev: web_sys::Event| {
        if let Some(details) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlDetailsElement>().ok())
        {
            fill(details);
        }
    });
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(|ev: web_sys::MouseEvent| {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        if let Ok(Some(tab)) = target.closest("[data-code-tab]") {
            show_tab(&tab);
        } else if let Ok(Some(button)) = target.closest("[data-code-copy]") {
            copy(&button);
        }
    });
    let options = web_sys::AddEventListenerOptions::new();
    options.set_capture(true);
    let _ = document.add_event_listener_with_callback_and_add_event_listener_options(
        "toggle",
        on_toggle.as_ref().unchecked_ref(),
        &options,
    );
    let _ = document.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_toggle.forget();
    on_click.forget();
}

/// Fills an opened, still empty panel from the worker.
fn fill(details: HtmlDetailsElement) {
    let (Some(operation), Some(request)) = (
        details.get_attribute("data-code-operation"),
        details.get_attribute("data-code-request"),
    ) else {
        return;
    };
    let Ok(Some(body)) = details.query_selector(".code-body") else {
        return;
    };
    if !details.open() || body.child_element_count() > 0 {
        return;
    }
    body.set_inner_html("<p class=\"muted\">Writing the code…</p>");
    let request: Value = serde_json::from_slice(request.as_bytes()).unwrap_or_default();
    leptos::task::spawn_local(async move {
        let html = match converters::code_html(operation, request).await {
            Ok(html) => html,
            Err(e) => format!(
                "<p class=\"muted\">{}</p>",
                dynoscope_codegen::html::escape(&e.message)
            ),
        };
        body.set_inner_html(&html);
    });
}

/// Shows the pane of `tab` and marks it selected.
fn show_tab(tab: &Element) {
    let (Some(index), Ok(Some(body))) = (
        tab.get_attribute("data-code-tab"),
        tab.closest(".code-body"),
    ) else {
        return;
    };
    for_each(&body, "[data-code-tab]", |t| {
        let selected = t.get_attribute("data-code-tab").as_deref() == Some(&index);
        let _ = t.class_list().toggle_with_force("selected", selected);
        let _ = t.set_attribute("aria-selected", if selected { "true" } else { "false" });
    });
    for_each(&body, "[data-code-pane]", |pane| {
        if pane.get_attribute("data-code-pane").as_deref() == Some(&index) {
            let _ = pane.remove_attribute("hidden");
        } else {
            let _ = pane.set_attribute("hidden", "");
        }
    });
}

/// Copies the shown pane's code.
fn copy(button: &Element) {
    let Ok(Some(body)) = button.closest(".code-body") else {
        return;
    };
    let Ok(Some(pane)) = body.query_selector("pre[data-code-pane]:not([hidden])") else {
        return;
    };
    if let (Some(text), Some(window)) = (pane.text_content(), web_sys::window()) {
        let _ = window.navigator().clipboard().write_text(&text);
        button.set_text_content(Some("Copied"));
    }
}

fn for_each(root: &Element, selector: &str, mut f: impl FnMut(&Element)) {
    if let Ok(list) = root.query_selector_all(selector) {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                f(&el);
            }
        }
    }
}
