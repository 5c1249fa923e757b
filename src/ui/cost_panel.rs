//! The cost panel: what the table's workload so far would cost, from
//! `Dynoscope_EstimateCost`, priced three ways (on demand, provisioned as held, provisioned
//! for the busiest second) with the engine's own arithmetic on every line; the worker writes
//! the table ([`dynoscope_cluster_panels::cost`]). The estimate is read when the panel opens,
//! when the Refresh button is pressed and after writes: after every write the UI makes, and,
//! since writes through the JS API or the endpoint do not tell the UI, whenever a light check
//! every two seconds (while the Cluster view is shown) finds that the request units consumed
//! have changed. Capacity held grows with time alone; that is shown on Refresh.

use leptos::prelude::*;
use serde_json::json;

use super::AppState;
use super::cluster::ClusterCtx;
use super::dom::{error_text, set_html};
use crate::converters;

/// The estimate is checked for new request units every this many ticks.
const CHECK_TICKS: u64 = 4;

/// The cost panel of one table.
#[component]
pub fn CostPanel(table: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<ClusterCtx>();
    // The request units consumed when the body was last drawn.
    let fingerprint = StoredValue::new(None::<String>);
    let busy = StoredValue::new(false);
    let ticks = StoredValue::new(0_u64);
    let seen_revision = StoredValue::new(None::<u64>);
    // Bumped by the Refresh button.
    let forced = RwSignal::new(0_u64);
    let seen_forced = StoredValue::new(0_u64);

    Effect::new(move |_| {
        ctx.track();
        let force = forced.get();
        let tick = ticks.try_get_value().unwrap_or(0);
        ticks.try_set_value(tick + 1);
        let revision = state.revision.get_untracked();
        let must = seen_revision.try_get_value().flatten() != Some(revision)
            || seen_forced.try_get_value() != Some(force);
        if !must && !tick.is_multiple_of(CHECK_TICKS) {
            return;
        }
        if busy.try_get_value().unwrap_or(true) {
            return;
        }
        busy.set_value(true);
        let table = table.clone();
        leptos::task::spawn_local(async move {
            let result = state
                .send("Dynoscope_EstimateCost", &json!({ "TableName": table }))
                .await;
            busy.try_set_value(false);
            let response = match result {
                Ok(response) => response,
                Err(e) => {
                    return set_html(
                        "[data-cost-body]",
                        &error_text(&format!("{}: {}", e.name, e.message)),
                    );
                }
            };
            seen_revision.try_set_value(Some(revision));
            seen_forced.try_set_value(force);
            let input = json!({ "response": response, "table": table });
            match converters::panel("cost", input).await {
                Ok(drawn) => {
                    let seen = drawn["fingerprint"].as_str().map(str::to_owned);
                    let changed = fingerprint.try_get_value().flatten() != seen;
                    if must || changed {
                        fingerprint.try_set_value(seen);
                        set_html("[data-cost-body]", drawn["html"].as_str().unwrap_or(""));
                    }
                }
                Err(e) => set_html("[data-cost-body]", &error_text(&e.message)),
            }
        });
    });

    view! {
        <section class="panel cost-panel" aria-labelledby="cost-heading" data-testid="cost-panel">
            <div class="title-row">
                <h2 id="cost-heading">"Cost so far"</h2>
                <button
                    type="button"
                    class="small"
                    data-testid="cost-refresh"
                    on:click=move |_| forced.update(|f| *f += 1)
                >
                    "Refresh"
                </button>
            </div>
            <div data-cost-body><p class="muted">"Loading…"</p></div>
        </section>
    }
}
