//! The Model view: the designer's workspace. It holds the current model (kept in
//! IndexedDB), validates it live, applies it to the engine, shows its data as designers
//! know it (items grouped by partition key, coloured by entity, per index too), runs each
//! access pattern against the sample data with its cost explained, and imports, exports and
//! shares the model. Model logic lives in the `dynoscope-model` crate and the engine calls
//! in [`crate::playground`]; this file only edits and displays.

use std::collections::BTreeMap;

use dynoscope_model::validate::Severity;
use dynoscope_model::{Model, ModelTable};
use leptos::prelude::*;

use super::{AppState, ErrorNotice, ShownError};
use crate::playground::{self, PlaygroundError};

mod aggregate;
mod form;
mod patterns;
pub(crate) mod share;

impl From<PlaygroundError> for ShownError {
    fn from(e: PlaygroundError) -> Self {
        ShownError {
            name: e.name,
            wire_type: String::new(),
            message: e.message,
        }
    }
}

impl From<dynoscope_model::ModelError> for ShownError {
    fn from(e: dynoscope_model::ModelError) -> Self {
        PlaygroundError::from(e).into()
    }
}

/// Opens the bundled sample `id`: applies it and makes it the current model.
pub async fn open_sample(state: AppState, id: &str) -> Result<(), ShownError> {
    let model = crate::converters::sample(id.to_owned()).await?;
    apply(state, model, "dynoscope").await.map(|_| ())
}

/// Applies `model` and makes it the current model; says what it created.
pub async fn apply(
    state: AppState,
    model: Model,
    format: &str,
) -> Result<playground::Summary, ShownError> {
    let handle = state.handle()?;
    let summary = playground::apply_model(&handle, &model, format).await?;
    state.model.set(Some(model));
    state.changed();
    Ok(summary)
}

/// A new model with one table keyed PK/SK, ready to fill in.
fn starter_model() -> Model {
    Model::from_json(include_str!("model/starter.json")).expect("the starter model is valid")
}

/// The view.
#[component]
pub fn ModelPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let has_model = Memo::new(move |_| state.model.with(Option::is_some));
    view! {
        <main class="model-page" data-testid="model-page">
            <share::IncomingLink />
            {move || if has_model.get() {
                view! { <Workspace /> }.into_any()
            } else {
                view! { <NoModel /> }.into_any()
            }}
        </main>
    }
}

/// What the view offers before there is a model: start one, open a sample, import a file.
#[component]
fn NoModel() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section class="panel empty-state" data-testid="no-model">
            <h2>"No model yet"</h2>
            <p>"A model is a single-table design: tables, the entities that share them, the access patterns they must serve, and sample data."</p>
            <div class="row">
                <button type="button" class="primary" data-testid="model-new"
                    on:click=move |_| state.model.set(Some(starter_model()))>
                    "Start a new model"
                </button>
                {dynoscope_model::samples::SAMPLES.iter().map(|s| {
                    let id = s.id;
                    view! {
                        <button type="button" data-testid="model-sample" data-sample=id
                            on:click=move |_| leptos::task::spawn_local(async move { let _ = open_sample(state, id).await; })>
                            {format!("Open “{}”", s.title)}
                        </button>
                    }
                }).collect_view()}
            </div>
        </section>
        <share::ImportPanel />
    }
}

/// How long the model must rest after an edit before it is saved and the data panels
/// follow it.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(400);

/// The workspace around the current model. The header, the findings and the forms follow
/// every edit; the table panels (data, runs) and the saved copy follow once edits settle.
#[component]
fn Workspace() -> impl IntoView {
    let state = expect_context::<AppState>();
    let findings = form::live_findings(state);
    let settled = RwSignal::new(state.model.get_untracked());
    let edits = StoredValue::new(0u64);
    Effect::new(move |first_run: Option<()>| {
        state.model.track();
        if first_run.is_none() {
            return;
        }
        let edit = edits.get_value() + 1;
        edits.set_value(edit);
        set_timeout(
            move || {
                if edits.try_get_value() != Some(edit) {
                    return;
                }
                let model = state.model.get_untracked();
                // The same model again (applied, reloaded) keeps the panels and their runs.
                if settled.with_untracked(|s| s != &model) {
                    settled.set(model.clone());
                }
                if let Ok(handle) = state.handle() {
                    leptos::task::spawn_local(async move {
                        let _ = playground::save_current(&handle, model.as_ref()).await;
                    });
                }
            },
            SETTLE,
        );
    });
    let health = move || {
        let (tables, entities, patterns) = state.model.with(|m| {
            m.as_ref().map_or((0, 0, 0), |m| {
                (
                    m.tables.len(),
                    m.tables.iter().map(|t| t.entities.len()).sum::<usize>(),
                    m.tables
                        .iter()
                        .map(|t| t.access_patterns.len())
                        .sum::<usize>(),
                )
            })
        });
        let (errors, warnings) = findings.with(|f| {
            let errors = f.iter().filter(|f| f.severity == Severity::Error).count();
            (errors, f.len() - errors)
        });
        format!(
            "{tables} table{} · {entities} entities · {patterns} access patterns · {errors} error{} · {warnings} warning{}",
            plural(tables),
            plural(errors),
            plural(warnings),
        )
    };
    let has_errors = move || findings.with(|f| f.iter().any(|f| f.severity == Severity::Error));
    let applying = RwSignal::new(false);
    let apply_error = RwSignal::new(None::<ShownError>);
    let confirm = RwSignal::new(None::<Vec<String>>);
    let run_apply = move || {
        let Some(model) = state.model.get_untracked() else {
            return;
        };
        applying.set(true);
        apply_error.set(None);
        leptos::task::spawn_local(async move {
            if let Err(e) = apply(state, model, "dynoscope").await {
                apply_error.set(Some(e));
            }
            applying.set(false);
            confirm.set(None);
        });
    };
    let ask_apply = move |_| {
        let Some(model) = state.model.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let Ok(handle) = state.handle() else { return };
            match playground::existing_tables(&handle, &model).await {
                Ok(existing) if existing.is_empty() => run_apply(),
                Ok(existing) => confirm.set(Some(existing)),
                Err(e) => apply_error.set(Some(e.into())),
            }
        });
    };
    let text = move |f: fn(&Model) -> String| {
        move || state.model.with(|m| m.as_ref().map(f).unwrap_or_default())
    };
    view! {
        <section class="panel model-header">
            <div class="row spread">
                <div>
                    <h2 data-testid="model-name">{text(|m| m.name.clone())}</h2>
                    <p class="muted">{text(|m| m.description.clone())}</p>
                    <p class="health" data-testid="model-health" class:bad=has_errors>{health}</p>
                </div>
                <div class="row">
                    <button type="button" class="primary" data-testid="model-apply" disabled=move || applying.get() on:click=ask_apply>
                        {move || if applying.get() { "Applying…" } else { "Apply to tables" }}
                    </button>
                    <button type="button" data-testid="model-close" on:click=move |_| {
                        state.model.set(None);
                        if let Ok(handle) = state.handle() {
                            leptos::task::spawn_local(async move { let _ = playground::save_current(&handle, None).await; });
                        }
                    }>"Close model"</button>
                </div>
            </div>
            {move || confirm.get().map(|existing| view! {
                <div class="confirm" role="alertdialog" data-testid="apply-confirm">
                    <p>{format!("Applying replaces the tables {} and every item in them.", existing.join(", "))}</p>
                    <button type="button" class="danger" data-testid="apply-confirm-yes" on:click=move |_| run_apply()>"Replace them"</button>
                    <button type="button" on:click=move |_| confirm.set(None)>"Cancel"</button>
                </div>
            })}
            {move || apply_error.get().map(|e| view! { <ErrorNotice error=e testid="apply-error" /> })}
            {move || view! { <Findings findings=findings.get() /> }}
        </section>
        <form::ModelForm findings />
        <Editor />
        {move || settled.get().map(|model| {
            model.tables.into_iter().map(|table| view! { <TablePanel table=table /> }).collect_view()
        })}
        <share::ExportPanel />
        <share::ImportPanel />
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The validation findings, errors first.
#[component]
fn Findings(findings: Vec<dynoscope_model::validate::Finding>) -> impl IntoView {
    if findings.is_empty() {
        return view! { <p class="ok" data-testid="findings-none">"No problems found."</p> }
            .into_any();
    }
    let (mut findings, rest): (Vec<_>, Vec<_>) = findings
        .into_iter()
        .partition(|f| f.severity == Severity::Error);
    findings.extend(rest);
    view! {
        <ul class="findings" data-testid="findings">
            {findings.into_iter().map(|f| {
                let class = if f.severity == Severity::Error { "finding error" } else { "finding warning" };
                view! {
                    <li class=class data-testid="finding">
                        <strong>{if f.severity == Severity::Error { "Error" } else { "Warning" }}</strong>
                        " " <span class="where">{f.location}</span> ": " {f.message}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The model as JSON, editable: opening it shows the model as it is now; a change that
/// parses replaces the model (and is saved); one that does not shows where it is wrong and
/// changes nothing.
#[component]
fn Editor() -> impl IntoView {
    let state = expect_context::<AppState>();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ShownError>);
    let refill = move |ev: leptos::ev::Event| {
        let open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
        if open {
            text.set(
                state
                    .model
                    .with_untracked(|m| m.as_ref().map(Model::to_json).unwrap_or_default()),
            );
            error.set(None);
        }
    };
    let save = move |_| match Model::from_json(&text.get_untracked()) {
        Ok(model) => {
            error.set(None);
            state.model.set(Some(model));
        }
        Err(e) => error.set(Some(e.into())),
    };
    view! {
        <details class="panel model-editor" on:toggle=refill>
            <summary>"Edit the model as JSON"</summary>
            <textarea class="code" rows="18" spellcheck="false" data-testid="model-json"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <div class="row">
                <button type="button" data-testid="model-json-save" on:click=save>"Use this model"</button>
            </div>
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="model-json-error" /> })}
        </details>
    }
}

/// One table: its definition, entities, access patterns and data.
#[component]
fn TablePanel(table: ModelTable) -> impl IntoView {
    let spec = table.definition.clone();
    let key = |name: Option<&str>, role: &str| {
        name.map(|n| format!("{role} {n} ({})", spec.attribute_type(n).unwrap_or("?")))
    };
    let keys: Vec<String> = [
        key(spec.partition_key(), "partition key"),
        key(spec.sort_key(), "sort key"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let billing = if spec.is_on_demand() {
        "on-demand".to_owned()
    } else {
        spec.provisioned_throughput
            .map(|t| {
                format!(
                    "provisioned {} RCU / {} WCU",
                    t.read_capacity_units, t.write_capacity_units
                )
            })
            .unwrap_or_else(|| "provisioned".to_owned())
    };
    let indexes: Vec<String> = spec
        .global_secondary_indexes
        .iter()
        .map(|i| (i, "GSI"))
        .chain(spec.local_secondary_indexes.iter().map(|i| (i, "LSI")))
        .map(|(i, kind)| {
            let keys: Vec<&str> = i
                .key_schema
                .iter()
                .map(|k| k.attribute_name.as_str())
                .collect();
            format!(
                "{kind} {} on {} · projects {}",
                i.index_name,
                keys.join(" + "),
                i.projection.projection_type
            )
        })
        .collect();
    let colours = entity_colours(&table);
    let name = spec.table_name.clone();
    view! {
        <section class="panel model-table" data-testid="model-table" data-table=name.clone()>
            <h2>{format!("Table {name}")}</h2>
            <p class="muted">{keys.join(" · ")} " · " {billing}</p>
            <ul class="index-list">{indexes.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
            <h3>"Entities"</h3>
            <ul class="entity-list" data-testid="entity-list">
                {table.entities.iter().map(|e| {
                    let colour = colours.get(&e.name).cloned().unwrap_or_default();
                    let keys: Vec<String> = e.keys.iter().map(|k| format!("{} = {}", k.attribute, k.template)).collect();
                    view! {
                        <li data-testid="entity">
                            <span class="swatch" style=format!("background:{colour}")></span>
                            <strong>{e.name.clone()}</strong>
                            " " <code>{keys.join(", ")}</code>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <patterns::Patterns table=table.clone() />
            <aggregate::Aggregate table=table.clone() colours=colours />
        </section>
    }
}

/// The palette entities are drawn in, in model order.
const PALETTE: &[&str] = &[
    "#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626",
];

/// A colour per entity name.
pub fn entity_colours(table: &ModelTable) -> BTreeMap<String, String> {
    dynoscope_engine::sorting::ordered(
        (table.entities.iter())
            .enumerate()
            .map(|(i, e)| (e.name.clone(), PALETTE[i % PALETTE.len()].to_owned())),
    )
}

pub use crate::aggregate::scalar;
