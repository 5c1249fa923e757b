//! The simulation control: the selected table's preset, PLAYGROUND (replication lag, index
//! propagation and 10 KB partitions, so the cluster's behaviour shows) or OFF (DynamoDB as
//! clients usually see it), read with `Dynoscope_DescribeSimulation` and set with
//! `Dynoscope_SetSimulation`. Settings that match neither preset (set through the API) are
//! shown as custom.

use dynoscope_engine::contract::{LagView, PresetName, SimulationDescription, SimulationView};
use leptos::prelude::*;
use serde_json::json;

use super::cluster::ClusterCtx;
use super::resource::engine_resource;
use super::{AppState, ErrorNotice, ShownError};

/// A one-line summary of the lags a table's simulation adds.
fn summary(settings: &SimulationView) -> String {
    let range = |lag: LagView| {
        if lag.max_millis == 0 {
            "none".to_owned()
        } else {
            format!("{}–{} ms", lag.min_millis, lag.max_millis)
        }
    };
    format!(
        "Replication lag {} · index propagation {}",
        range(settings.replication_lag),
        range(settings.gsi_propagation)
    )
}

/// The preset picker for one table.
#[component]
pub fn SimulationControl(table: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<ClusterCtx>();
    let error = RwSignal::new(None::<ShownError>);
    let described = {
        let table = table.clone();
        engine_resource::<SimulationDescription>("Dynoscope_DescribeSimulation", move || {
            ctx.track();
            Some(json!({ "TableName": table }))
        })
    };
    Effect::new(move |_| match described.get() {
        Some(Ok(description)) => {
            ctx.simulation.try_set(Some(description.settings));
        }
        Some(Err(e)) => {
            error.try_set(Some(e));
        }
        None => {}
    });
    let preset = move || ctx.simulation.get().map(|s| s.preset());

    let choose = move |preset: &'static str| {
        let table = table.clone();
        leptos::task::spawn_local(async move {
            let request = json!({ "TableName": table, "Preset": preset });
            match state
                .call::<SimulationDescription>("Dynoscope_SetSimulation", &request)
                .await
            {
                Ok(description) => {
                    error.try_set(None);
                    ctx.simulation.try_set(Some(description.settings));
                    ctx.refresh();
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };

    let option =
        move |choice: PresetName, value: &'static str, label: &'static str, hint: &'static str| {
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
                        prop:checked=move || preset() == Some(choice)
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
                {option(PresetName::Playground, "PLAYGROUND", "Playground", "lag, 10 KB partitions")}
                {option(PresetName::Off, "OFF", "Off", "as DynamoDB looks from outside")}
            </div>
            <p class="muted sim-summary" data-testid="simulation-summary">
                {move || {
                    let custom = if preset() == Some(PresetName::Custom) { "Custom settings: " } else { "" };
                    let text = ctx.simulation.get().map(|s| summary(&s)).unwrap_or_default();
                    format!("{custom}{text}")
                }}
            </p>
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="simulation-error" /> })}
        </fieldset>
    }
}
