//! The simulation control: the selected table's preset, PLAYGROUND (replication lag, index
//! propagation and 10 KB partitions, so the cluster's behaviour shows) or OFF (DynamoDB as
//! clients usually see it), read with `Dynoscope_DescribeSimulation` and set with
//! `Dynoscope_SetSimulation`. Settings that match neither preset (set through the API) are
//! shown as custom.

use leptos::prelude::*;
use serde_json::{Value, json};

use super::cluster::{ClusterCtx, Preset};
use super::{AppState, ErrorNotice, ShownError};

/// A lag range from the settings, `(min, max)` in milliseconds.
fn lag(settings: &Value, name: &str) -> Option<(u64, u64)> {
    let range = settings.get(name)?;
    Some((
        range.get("MinMillis")?.as_u64()?,
        range.get("MaxMillis")?.as_u64()?,
    ))
}

/// The preset a `{Settings: {...}}` response matches, and a one-line summary of it.
fn read_settings(response: &Value) -> Option<(Preset, String)> {
    let settings = response.get("Settings")?;
    let replication = lag(settings, "ReplicationLag")?;
    let gsi = lag(settings, "GsiPropagation").unwrap_or((0, 0));
    let preset = match (replication, gsi) {
        ((0, 0), (0, 0)) => Preset::Off,
        ((200, 1500), (300, 2000)) => Preset::Playground,
        _ => Preset::Custom,
    };
    let range = |(min, max): (u64, u64)| {
        if max == 0 {
            "none".to_owned()
        } else {
            format!("{min}–{max} ms")
        }
    };
    let summary = format!(
        "Replication lag {} · index propagation {}",
        range(replication),
        range(gsi)
    );
    Some((preset, summary))
}

/// The preset picker for one table.
#[component]
pub fn SimulationControl(table: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<ClusterCtx>();
    let summary = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ShownError>);

    let apply = move |response: Value| {
        if let Some((preset, text)) = read_settings(&response) {
            ctx.preset.try_set(Some(preset));
            summary.try_set(text);
        }
    };

    {
        let table = table.clone();
        Effect::new(move |_| {
            state.revision.track();
            let table = table.clone();
            leptos::task::spawn_local(async move {
                match state
                    .send(
                        "Dynoscope_DescribeSimulation",
                        &json!({ "TableName": table }),
                    )
                    .await
                {
                    Ok(response) => apply(response),
                    Err(e) => {
                        error.try_set(Some(e));
                    }
                }
            });
        });
    }

    let choose = move |preset: &'static str| {
        let table = table.clone();
        leptos::task::spawn_local(async move {
            match state
                .send(
                    "Dynoscope_SetSimulation",
                    &json!({ "TableName": table, "Preset": preset }),
                )
                .await
            {
                Ok(response) => {
                    error.try_set(None);
                    apply(response);
                    ctx.refresh();
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };

    let option =
        move |preset: Preset, value: &'static str, label: &'static str, hint: &'static str| {
            let choose = choose.clone();
            let id = format!("sim-preset-{value}");
            let label_for = id.clone();
            let testid = format!("simulation-preset-{value}");
            view! {
                <label class="preset-option" for=label_for>
                    <input
                        type="radio"
                        name="simulation-preset"
                        id=id
                        value=value
                        data-testid=testid
                        prop:checked=move || ctx.preset.get() == Some(preset)
                        on:change=move |_| choose(value)
                    />
                    <span class="preset-name">{label}</span>
                    <span class="preset-hint">{hint}</span>
                </label>
            }
        };

    view! {
        <fieldset class="simulation-control" data-testid="simulation-control">
            <legend>"Simulation for this table"</legend>
            <div class="preset-options">
                {option(Preset::Playground, "PLAYGROUND", "Playground", "lag, 10 KB partitions")}
                {option(Preset::Off, "OFF", "Off", "as DynamoDB looks from outside")}
            </div>
            <p class="muted sim-summary" data-testid="simulation-summary">
                {move || {
                    let custom = if ctx.preset.get() == Some(Preset::Custom) { "Custom settings: " } else { "" };
                    format!("{custom}{}", summary.get())
                }}
            </p>
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="simulation-error" /> })}
        </fieldset>
    }
}
