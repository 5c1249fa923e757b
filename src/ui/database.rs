//! The whole database: the storage notice says when the tab saves nothing (IndexedDB
//! unusable, quota used up) or opened without records it could not read, and offers what to
//! do; the Database panel exports everything to a file, imports such a file (read a line at a
//! time with a progress bar, checked whole before anything changes) and resets after asking.
//! Both are plain HTML driven by one set of document listeners ([`install`]), like the Code
//! panels: a Leptos view of each cost the first load 16 KB gzipped.

use dynoscope_codegen::html::escape;
use dynoscope_engine::database_file::DatabaseFileReader;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlInputElement};

use crate::bridge::{EngineHandle, StorageTrouble};

/// Lines read between two progress updates of an import.
const LINES_PER_STEP: usize = 5_000;

/// The Database panel's markup; [`install`]'s listeners drive it.
const PANEL: &str = "<h2 id=\"database-heading\">Database</h2>\
<p class=\"muted\">Everything in this browser's Dynoscope database, as one file.</p>\
<div class=\"button-row\">\
<button type=\"button\" data-db=\"export\" data-testid=\"database-export\">Export</button>\
<label class=\"button\">Import…<input type=\"file\" class=\"visually-hidden\" accept=\".jsonl,.json,.ndjson\" data-db=\"import\" data-testid=\"database-import\"></label>\
<button type=\"button\" class=\"danger\" data-db=\"reset\" data-testid=\"database-reset\">Reset…</button>\
</div><progress max=\"1\" hidden data-testid=\"database-progress\" aria-label=\"Import progress\"></progress>\
<p data-db-outcome role=\"status\" data-testid=\"database-done\"></p>\
<details class=\"s3-fold\"><summary data-db=\"s3-open\" data-testid=\"s3-open\">S3 export and import…</summary><section data-s3-host></section></details>";

/// The Database panel: export, import and reset of the whole database.
#[component]
pub fn DatabasePanel() -> impl IntoView {
    view! { <section class="panel database-panel" aria-labelledby="database-heading" inner_html=PANEL></section> }
}

/// Installs the listeners behind the panel and the storage notice, and shows the notice if
/// the storage is in trouble now or later.
pub fn install(handle: EngineHandle) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    for event in ["click", "change"] {
        let handle = handle.clone();
        let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            let Some(action) = target.get_attribute("data-db") else {
                return;
            };
            let is_file = action == "import";
            if is_file != (ev.type_() == "change") {
                return;
            }
            if action == "s3-open" {
                if !target
                    .parent_element()
                    .is_some_and(|d| d.has_attribute("open"))
                {
                    wasm_bindgen_futures::spawn_local(draw_s3(handle.clone()));
                }
                return;
            }
            let section = target.closest("section, .storage-notice").ok().flatten();
            wasm_bindgen_futures::spawn_local(act(handle.clone(), action, target, section));
        });
        let _ = document.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
        listener.forget();
    }
    show_trouble(&handle.trouble());
    let watched = handle.clone();
    handle.on_trouble(move || show_trouble(&watched.trouble()));
}

/// Runs one action of the panel or the notice and shows its outcome beside its buttons.
async fn act(handle: EngineHandle, action: String, target: Element, section: Option<Element>) {
    let outcome = section
        .as_ref()
        .and_then(|s| s.query_selector("[data-db-outcome]").ok().flatten());
    let buttons = section
        .as_ref()
        .and_then(|s| s.query_selector_all("button, input").ok());
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
    let progress = section
        .as_ref()
        .and_then(|s| s.query_selector("progress").ok().flatten());
    let result = match action.as_str() {
        "export" => export(&handle).await.map(|()| None),
        "import" => import(&handle, &target, progress.as_ref()).await.map(Some),
        "reset" => reset(&handle).await,
        "s3-export" => s3_export(&handle).await.map(Some),
        "s3-import" => s3_import(&handle).await.map(Some),
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

/// Downloads the whole database as `dynoscope-database.jsonl`.
async fn export(handle: &EngineHandle) -> Result<(), String> {
    let mut text = handle
        .export_lines()
        .await
        .map_err(|e| e.to_string())?
        .join("\n");
    text.push('\n');
    super::model::share::download("dynoscope-database.jsonl", &text, "application/x-ndjson");
    Ok(())
}

/// Draws the S3 export and import forms (the worker writes them) with the tables to pick.
async fn draw_s3(handle: EngineHandle) {
    let tables = crate::playground::table_names(&handle)
        .await
        .unwrap_or_default();
    let html =
        match crate::converters::panel("s3-form", serde_json::json!({ "tables": tables })).await {
            Ok(answer) => answer["html"].as_str().unwrap_or_default().to_owned(),
            Err(e) => super::dom::error_text(&e.to_string()),
        };
    super::dom::set_html("[data-s3-host]", &html);
}

/// Exports the picked table as S3 files and downloads them as one `.zip`.
async fn s3_export(handle: &EngineHandle) -> Result<String, String> {
    let fields = super::dom::form_fields("[data-s3=export]").unwrap_or_default();
    let table = fields.get("table").cloned().unwrap_or_default();
    let (answer, zip) = crate::s3::export_table(handle, &table, serde_json::json!(fields))
        .await
        .map_err(|e| e.to_string())?;
    let name = answer["fileName"].as_str().unwrap_or("export.zip");
    super::model::share::download_part(
        name,
        &js_sys::Uint8Array::from(&zip[..]),
        "application/zip",
    );
    Ok(answer["summary"].as_str().unwrap_or_default().to_owned())
}

/// Reads the picked files and imports them as a new table.
async fn s3_import(handle: &EngineHandle) -> Result<String, String> {
    let fields = super::dom::form_fields("[data-s3=import]").unwrap_or_default();
    let mut files = Vec::new();
    let picked = super::dom::element("[data-s3=import] [type=file]")
        .and_then(|i| i.unchecked_into::<HtmlInputElement>().files());
    for file in
        (0..picked.as_ref().map_or(0, |f| f.length())).filter_map(|i| picked.as_ref()?.get(i))
    {
        let bytes = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
            .await
            .map_err(|_| format!("{} could not be read", file.name()))?;
        files.push((file.name(), js_sys::Uint8Array::new(&bytes).to_vec()));
    }
    if files.is_empty() {
        return Err("Pick the files to import first.".into());
    }
    let done = crate::s3::import_table(handle, files, serde_json::json!({ "fields": fields }))
        .await
        .map_err(|e| e.to_string())?;
    Ok(done["summary"].as_str().unwrap_or_default().to_owned())
}

/// Yields to the browser so the progress bar can paint.
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Reads the chosen database file a line at a time, showing progress, then replaces the
/// database with it; says how many tables and items it held.
async fn import(
    handle: &EngineHandle,
    input: &Element,
    progress: Option<&Element>,
) -> Result<String, String> {
    let input: &HtmlInputElement = input.unchecked_ref();
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return Ok(String::new());
    };
    input.set_value("");
    let show = |fraction: Option<f64>| {
        if let Some(bar) = progress {
            let _ = bar.toggle_attribute_with_force("hidden", fraction.is_none());
            let _ = bar.set_attribute("value", &fraction.unwrap_or(0.0).to_string());
        }
    };
    show(Some(0.0));
    let result = async {
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|t| t.as_string())
            .ok_or("the file could not be read")?;
        let lines: Vec<&str> = text.split('\n').collect();
        let mut reader = DatabaseFileReader::new();
        for (step, chunk) in lines.chunks(LINES_PER_STEP).enumerate() {
            for line in chunk {
                reader.line(line).map_err(|e| e.to_string())?;
            }
            show(Some(
                (step + 1) as f64 * LINES_PER_STEP as f64 / lines.len() as f64 * 0.8,
            ));
            next_frame().await;
        }
        let snapshot = reader.finish().map_err(|e| e.to_string())?;
        show(Some(0.9));
        handle.replace(&snapshot).await.map_err(|e| e.to_string())?;
        Ok(format!(
            "Imported {} tables and {} items.",
            snapshot.tables.len(),
            snapshot.items.len()
        ))
    }
    .await;
    show(None);
    result
}

/// Empties the database (tables, items, settings) after asking; the model is kept.
async fn reset(handle: &EngineHandle) -> Result<Option<String>, String> {
    let asked = web_sys::window().and_then(|w| {
        w.confirm_with_message(
            "Delete every table and item in this browser's Dynoscope database? The model is \
             kept. This cannot be undone: export first to keep a copy.",
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
             memory: what you do here is lost when it closes. Export the database (Tables view) \
             to keep a copy.</p>",
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
             <button type=\"button\" data-db=\"export\" data-testid=\"storage-export\">Export what was read</button>\
             <button type=\"button\" class=\"danger\" data-db=\"reset\" data-testid=\"storage-reset\">Start over…</button>\
             </div></div>",
            if count == 1 { "" } else { "s" },
            if count == 1 { "was" } else { "were" },
        ));
    }
    html.push_str("<p data-db-outcome role=\"status\"></p>");
    notice.set_inner_html(&html);
}
