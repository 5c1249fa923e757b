//! Storage trouble: the notice under the page header says when the tab saves nothing
//! (IndexedDB unusable, quota used up) or opened without records it could not read, and offers
//! to remove those for good or to start over. Plain HTML driven by one document listener
//! ([`install`]), like the Code panels: the page's first load has no room for a Leptos view.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::Element;

use crate::bridge::{EngineHandle, StorageTrouble};

/// Installs the listener behind the storage notice, and shows the notice if the storage is in
/// trouble now or later.
pub fn install(handle: EngineHandle) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    {
        let handle = handle.clone();
        let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            let Some(action) = target.get_attribute("data-db") else {
                return;
            };
            let section = target.closest(".storage-notice").ok().flatten();
            wasm_bindgen_futures::spawn_local(act(handle.clone(), action, section));
        });
        let _ =
            document.add_event_listener_with_callback("click", listener.as_ref().unchecked_ref());
        listener.forget();
    }
    show_trouble(&handle.trouble());
    let watched = handle.clone();
    handle.on_trouble(move || show_trouble(&watched.trouble()));
}

/// Runs one action of the notice and shows its outcome beside its buttons.
async fn act(handle: EngineHandle, action: String, section: Option<Element>) {
    let outcome = section
        .as_ref()
        .and_then(|s| s.query_selector("[data-db-outcome]").ok().flatten());
    let buttons = section
        .as_ref()
        .and_then(|s| s.query_selector_all("button").ok());
    let set_disabled = |disabled: bool| {
        if let Some(buttons) = &buttons {
            for i in 0..buttons.length() {
                if let Some(b) = buttons.item(i).and_then(|b| b.dyn_into::<Element>().ok()) {
                    let _ = b.toggle_attribute_with_force("disabled", disabled);
                }
            }
        }
    };
    set_disabled(true);
    let result = match action.as_str() {
        "reset" => reset(&handle).await,
        "keep" => handle
            .keep_readable()
            .await
            .map(|()| Some("The unreadable records were removed.".to_owned()))
            .map_err(|e| e.to_string()),
        _ => Ok(None),
    };
    set_disabled(false);
    if let Some(outcome) = outcome {
        let (class, text) = match result {
            Ok(done) => ("ok", done.unwrap_or_default()),
            Err(e) => ("error", e),
        };
        let _ = outcome.set_attribute("class", class);
        outcome.set_text_content(Some(&text));
    }
    show_trouble(&handle.trouble());
}

/// Empties the database (tables, items, settings) after asking; the model is kept.
async fn reset(handle: &EngineHandle) -> Result<Option<String>, String> {
    let asked = web_sys::window().and_then(|w| {
        w.confirm_with_message(
            "Delete every table and item in this browser's Dynoscope database? The model is \
             kept. This cannot be undone.",
        )
        .ok()
    });
    if asked != Some(true) {
        return Ok(None);
    }
    handle
        .replace(&dynoscope_engine::Snapshot::default())
        .await
        .map_err(|e| e.to_string())?;
    Ok(Some("The database is empty.".to_owned()))
}

/// `text` safe inside HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Shows, refreshes or removes the storage notice under the page header.
fn show_trouble(trouble: &StorageTrouble) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let existing = document.get_element_by_id("storage-notice");
    if trouble.memory_only.is_none() && trouble.unreadable.is_empty() {
        if let Some(notice) = existing {
            notice.remove();
        }
        return;
    }
    let Some(notice) = existing.or_else(|| {
        let notice = document.create_element("div").ok()?;
        notice.set_id("storage-notice");
        notice.set_class_name("storage-notice");
        let _ = notice.set_attribute("role", "alert");
        let header = document.query_selector(".app-header").ok().flatten()?;
        header.after_with_node_1(&notice).ok()?;
        Some(notice)
    }) else {
        return;
    };
    let mut html = String::new();
    if let Some(reason) = &trouble.memory_only {
        html.push_str(&format!(
            "<p data-testid=\"storage-memory\"><strong>Not saved:</strong> {}. This tab works in \
             memory: what you do here is lost when it closes.</p>",
            escape(reason)
        ));
    }
    let count = trouble.unreadable.len();
    if count > 0 {
        let listed: String = (trouble.unreadable.iter().take(10))
            .map(|u| format!("<li>{}</li>", escape(&u.to_string())))
            .collect();
        html.push_str(&format!(
            "<div data-testid=\"storage-unreadable\"><p><strong>{count} stored record{} could not \
             be read and {} left out</strong>; the rest opened normally.</p><ul>{listed}</ul>\
             <div class=\"button-row\">\
             <button type=\"button\" data-db=\"keep\" data-testid=\"storage-keep-readable\">Remove them for good</button>\
             <button type=\"button\" class=\"danger\" data-db=\"reset\" data-testid=\"storage-reset\">Start over…</button>\
             </div></div>",
            if count == 1 { "" } else { "s" },
            if count == 1 { "was" } else { "were" },
        ));
    }
    html.push_str("<p data-db-outcome role=\"status\"></p>");
    notice.set_inner_html(&html);
}
