//! Moving models in and out of the page: [`IncomingLink`] (a share link opened in this tab:
//! what it holds, then open it in a workspace of its own or replace this one's data after
//! confirmation, never silently), [`ImportPanel`] (a file or pasted text in any supported
//! format) and [`ExportPanel`] (every export format, downloadable, and the share link, or a
//! file when the model is too large for a link).

use crate::ui::resource::run_busy;
use dynoscope_model::Model;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::super::{AppState, ErrorNotice, ShownError};
use crate::playground::{self, EXPORT_FORMATS};

/// The share-link payload in the current address's fragment, if it carries one.
fn incoming_payload() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let payload = hash.strip_prefix('#')?;
    payload
        .starts_with('m')
        .then(|| payload.to_owned())
        .filter(|p| p.contains('.'))
}

/// Removes the fragment from the address without reloading.
fn clear_fragment() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let url = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// A short description of what a model holds.
fn contents(model: &Model) -> String {
    let items: usize = model
        .tables
        .iter()
        .map(dynoscope_model::convert::item_count)
        .sum();
    let patterns: usize = model.tables.iter().map(|t| t.access_patterns.len()).sum();
    let names: Vec<&str> = model
        .tables
        .iter()
        .map(|t| t.definition.table_name.as_str())
        .collect();
    format!(
        "the model “{}”: {} table{} ({}), {items} items, {patterns} access patterns",
        model.name,
        names.len(),
        if names.len() == 1 { "" } else { "s" },
        names.join(", ")
    )
}

/// A fresh workspace name for a link's model.
fn workspace_for(model: &Model) -> String {
    let slug: String = model
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .chars()
        .take(30)
        .collect();
    let stamp = (js_sys::Date::now() as u64) % 100_000;
    format!("{}-{stamp}", if slug.is_empty() { "shared" } else { &slug })
}

/// The dialog a share link opens.
#[component]
pub fn IncomingLink() -> impl IntoView {
    let state = expect_context::<AppState>();
    let payload = incoming_payload();
    let shown = RwSignal::new(payload.is_some());
    // The link's model once the worker has checked and unpacked it.
    let decoded = RwSignal::new(None::<Result<Model, String>>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ShownError>);
    let confirm_replace = RwSignal::new(false);
    let occupied = RwSignal::new(None::<bool>);
    if let Some(payload) = payload {
        leptos::task::spawn_local(async move {
            let outcome = crate::converters::unpack_link(payload).await;
            if outcome.is_ok() {
                let has_tables = match state.handle() {
                    Ok(handle) => playground::table_names(&handle)
                        .await
                        .map(|t| !t.is_empty())
                        .unwrap_or(true),
                    Err(_) => true,
                };
                occupied.set(Some(has_tables || state.model.get_untracked().is_some()));
            }
            decoded.set(Some(outcome.map_err(|e| e.to_string())));
        });
    }
    move || {
        if !shown.get() {
            return None;
        }
        let body = match decoded.get() {
            None => view! { <p class="muted" data-testid="link-reading">"Reading the link…"</p> }.into_any(),
            Some(Err(e)) => view! {
                <p data-testid="link-error" role="alert">
                    <strong>"This link cannot be opened. "</strong>{e}
                </p>
                <p class="muted">"Nothing was changed."</p>
                <button type="button" data-testid="link-dismiss" on:click=move |_| { clear_fragment(); shown.set(false); }>"Close"</button>
            }
            .into_any(),
            Some(Ok(model)) => {
                let description = contents(&model);
                let open_here = {
                    let model = model.clone();
                    move |_| {
                        let model = model.clone();
                        run_busy(busy, async move {
                            match super::apply(state, model, "link").await {
                                Ok(_) => {
                                    clear_fragment();
                                    shown.set(false);
                                }
                                Err(e) => error.set(Some(e)),
                            }
                        });
                    }
                };
                let open_beside = {
                    let model = model.clone();
                    move |_| {
                        let Some(window) = web_sys::window() else { return };
                        let location = window.location();
                        let target = format!(
                            "/model?ws={}{}",
                            js_sys::encode_uri_component(&workspace_for(&model)),
                            location.hash().unwrap_or_default()
                        );
                        let _ = location.assign(&target);
                    }
                };
                view! {
                    <p data-testid="link-contents">{format!("This link holds {description}.")}</p>
                    {move || {
                        let open_here = open_here.clone();
                        let open_here_too = open_here.clone();
                        let open_beside = open_beside.clone();
                        match occupied.get() {
                        None => view! { <p class="muted">"Checking this workspace…"</p> }.into_any(),
                        Some(false) => view! {
                            <p>"This workspace is empty, so opening it changes nothing of yours."</p>
                            <button type="button" class="primary" data-testid="link-open" disabled=move || busy.get() on:click=open_here_too>"Open it"</button>
                        }.into_any(),
                        Some(true) => view! {
                            <p>"This workspace already holds data. Open the link beside it, in a workspace of its own, or replace what is here."</p>
                            <button type="button" class="primary" data-testid="link-open-beside" on:click=open_beside>"Open in a new workspace"</button>
                            {move || if confirm_replace.get() {
                                view! {
                                    <span class="confirm">
                                        "Replace this workspace's model and the tables of the same names? "
                                        <button type="button" class="danger" data-testid="link-replace-yes" disabled=move || busy.get() on:click=open_here.clone()>"Replace"</button>
                                    </span>
                                }.into_any()
                            } else {
                                view! { <button type="button" data-testid="link-replace" on:click=move |_| confirm_replace.set(true)>"Replace my data…"</button> }.into_any()
                            }}
                        }.into_any(),
                    }}}
                    <button type="button" data-testid="link-dismiss" on:click=move |_| { clear_fragment(); shown.set(false); }>"Ignore the link"</button>
                    {move || error.get().map(|e| view! { <ErrorNotice error=e testid="link-apply-error" /> })}
                }
                .into_any()
            }
        };
        Some(view! {
            <section class="panel link-dialog" role="dialog" aria-label="Shared model" data-testid="link-dialog">
                <h2>"A shared model"</h2>
                {body}
            </section>
        })
    }
}

/// Import: a file picked or text pasted, in any supported format.
#[component]
pub fn ImportPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ShownError>);
    let done = RwSignal::new(None::<String>);
    let import = move |source: String| {
        error.set(None);
        done.set(None);
        leptos::task::spawn_local(async move {
            let outcome = async {
                let (model, format) = playground::read_model(source).await?;
                super::apply(state, model, &format).await
            }
            .await;
            match outcome {
                Ok(s) => done.set(Some(format!(
                    "Imported {} ({}): {} table{}, {} items.",
                    s.model,
                    s.format,
                    s.tables.len(),
                    if s.tables.len() == 1 { "" } else { "s" },
                    s.items
                ))),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(content) => import(content.as_string().unwrap_or_default()),
                Err(_) => error.set(Some(ShownError::local("the file could not be read"))),
            }
        });
    };
    view! {
        <details class="panel import-panel">
            <summary>"Import a model"</summary>
            <p class="muted">"NoSQL Workbench model JSON, a CloudFormation template (YAML or JSON), or a Dynoscope model. Its tables replace tables of the same names here."</p>
            <input type="file" accept=".json,.yaml,.yml,.template" data-testid="import-file" on:change=on_file />
            <textarea class="code" rows="6" placeholder="…or paste the file here" data-testid="import-text"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <button type="button" data-testid="import-run" on:click=move |_| import(text.get_untracked())>"Import"</button>
            {move || done.get().map(|d| view! { <p class="ok" role="status" data-testid="import-done">{d}</p> })}
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="import-error" /> })}
        </details>
    }
}

/// Offers `text` as a file download called `name`.
pub fn download(name: &str, text: &str, mime: &str) {
    download_part(name, &wasm_bindgen::JsValue::from_str(text), mime);
}

/// Offers `part` (a string or a `Uint8Array`) as a file download called `name`.
pub fn download_part(name: &str, part: &wasm_bindgen::JsValue, mime: &str) {
    let parts = js_sys::Array::of1(part);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(anchor) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The file name and type an export is saved as.
fn file_for(format: &str) -> (&'static str, &'static str) {
    match format {
        "cloudformation-yaml" => ("template.yaml", "application/yaml"),
        "cloudformation-json" => ("template.json", "application/json"),
        "cdk-typescript" => ("table-stack.ts", "text/plain"),
        "sst-v2" => ("stacks.ts", "text/plain"),
        "sst" => ("sst.config.ts", "text/plain"),
        "terraform" => ("dynamodb.tf", "text/plain"),
        "aws-cli-json" => ("create-table.json", "application/json"),
        "dynamodb-json-lines" => ("items.json", "application/json"),
        "csv" => ("items.csv", "text/csv"),
        "nosql-workbench" => ("model.workbench.json", "application/json"),
        _ => ("model.dynoscope.json", "application/json"),
    }
}

/// Export in every format, and the share link.
#[component]
pub fn ExportPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let format = RwSignal::new("cloudformation-yaml".to_owned());
    let output = RwSignal::new(None::<Result<String, ShownError>>);
    let share = RwSignal::new(None::<Result<String, ShownError>>);
    let render = move |_| {
        let chosen = format.get_untracked();
        leptos::task::spawn_local(async move {
            let result = async {
                let handle = state.handle()?;
                let model = playground::current_with_data(&handle)
                    .await?
                    .ok_or_else(|| ShownError::local("there is no model to export"))?;
                Ok::<_, ShownError>(playground::export(model, chosen).await?)
            }
            .await;
            output.set(Some(result));
        });
    };
    let make_link = move |_| {
        leptos::task::spawn_local(async move {
            let result = async {
                let handle = state.handle()?;
                Ok::<_, ShownError>(playground::share_link(&handle).await?)
            }
            .await;
            share.set(Some(result));
        });
    };
    view! {
        <section class="panel export-panel">
            <h2>"Export and share"</h2>
            <div class="row">
                <select data-testid="export-format" on:change=move |ev| format.set(event_target_value(&ev))>
                    {EXPORT_FORMATS.iter().map(|(id, label)| view! {
                        <option value=*id selected=*id == "cloudformation-yaml">{*label}</option>
                    }).collect_view()}
                </select>
                <button type="button" data-testid="export-run" on:click=render>"Export"</button>
                <button type="button" data-testid="share-link" on:click=make_link>"Share link"</button>
            </div>
            {move || share.get().map(|r| match r {
                Ok(url) => view! {
                    <p class="share">
                        <input type="text" readonly class="share-url" data-testid="share-url" prop:value=url.clone() />
                        <button type="button" on:click=move |_| {
                            if let Some(w) = web_sys::window() { let _ = w.navigator().clipboard().write_text(&url); }
                        }>"Copy"</button>
                    </p>
                }.into_any(),
                Err(e) => view! { <ErrorNotice error=e testid="share-error" /> }.into_any(),
            })}
            {move || output.get().map(|r| match r {
                Ok(text) => {
                    let chosen = format.get_untracked();
                    let for_download = text.clone();
                    view! {
                        <pre class="code export-output" data-testid="export-output">{text}</pre>
                        <button type="button" data-testid="export-download" on:click=move |_| {
                            let (name, mime) = file_for(&chosen);
                            download(name, &for_download, mime);
                        }>"Download"</button>
                    }.into_any()
                }
                Err(e) => view! { <ErrorNotice error=e testid="export-error" /> }.into_any(),
            })}
        </section>
    }
}
