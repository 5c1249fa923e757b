//! The cost panel: what the table's workload so far would cost, from
//! `Dynoscope_EstimateCost`, as a small table of lines, each the engine's own arithmetic
//! ("12 WRU × $0.625 per 1M WRU = $0.00000750") and its cost, grouped by pricing model:
//! on demand (request units), provisioned as held (capacity-hours) and provisioned just
//! enough for the busiest second, with storage added to each total. The table's own billing
//! mode is marked in words. The estimate is read when the panel opens, when the Refresh
//! button is pressed and after writes: after every write the UI makes, and, since writes
//! through the JS API or the endpoint do not tell the UI, whenever a light check every
//! two seconds (while the Cluster view is shown) finds that the request units consumed
//! have changed. Capacity held grows with time alone; that is shown on Refresh.

use leptos::prelude::*;
use serde_json::{Value, json};

use super::cluster::ClusterCtx;
use super::{AppState, ErrorNotice, ShownError};

/// The estimate is checked for new request units every this many ticks.
const CHECK_TICKS: u64 = 4;

/// One priced line.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    item: String,
    arithmetic: String,
    cost: f64,
}

/// One pricing model: its lines and total (storage included).
#[derive(Debug, Clone, PartialEq)]
struct Model {
    key: &'static str,
    /// How the summary sentence names it.
    short: &'static str,
    title: String,
    lines: Vec<Line>,
    total: f64,
    current: bool,
}

/// The estimate of one table.
#[derive(Debug, Clone, PartialEq)]
struct Estimate {
    elapsed_hours: f64,
    models: Vec<Model>,
    storage: Vec<Line>,
    region: String,
    notes: Vec<String>,
    /// The request units consumed: a change means reads or writes happened.
    fingerprint: Vec<u64>,
}

fn lines(group: &Value) -> Vec<Line> {
    group
        .get("Lines")
        .and_then(Value::as_array)
        .map(|ls| {
            ls.iter()
                .filter_map(|l| {
                    Some(Line {
                        item: l.get("Item")?.as_str()?.to_owned(),
                        arithmetic: l
                            .get("Arithmetic")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned(),
                        cost: l.get("CostUSD").and_then(Value::as_f64).unwrap_or(0.0),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Estimate {
    fn from_response(response: &Value, table: &str) -> Option<Estimate> {
        let estimate = response
            .get("Tables")?
            .as_array()?
            .iter()
            .find(|t| t.get("TableName").and_then(Value::as_str) == Some(table))?;
        let provisioned_mode =
            estimate.get("BillingMode").and_then(Value::as_str) == Some("PROVISIONED");
        let totals = estimate.get("TotalUSD");
        let total = |name: &str| {
            totals
                .and_then(|t| t.get(name))
                .and_then(Value::as_f64)
                .unwrap_or(0.0)
        };
        let on_demand = estimate.get("OnDemand").cloned().unwrap_or(Value::Null);
        let provisioned = estimate.get("Provisioned").cloned().unwrap_or(Value::Null);
        let right_sized = provisioned
            .get("RightSized")
            .cloned()
            .unwrap_or(Value::Null);
        let units = |name: &str| right_sized.get(name).and_then(Value::as_f64).unwrap_or(0.0);
        let models = vec![
            Model {
                key: "on-demand",
                short: "on demand",
                title: "On demand (request units)".to_owned(),
                lines: lines(&on_demand),
                total: total("OnDemand"),
                current: !provisioned_mode,
            },
            Model {
                key: "provisioned-held",
                short: "provisioned as held",
                title: "Provisioned, as held".to_owned(),
                lines: lines(provisioned.get("AsHeld").unwrap_or(&Value::Null)),
                total: total("ProvisionedAsHeld"),
                current: provisioned_mode,
            },
            Model {
                key: "provisioned-peak",
                short: "provisioned for the peak",
                title: format!(
                    "Provisioned for the busiest second ({} RCU, {} WCU)",
                    units("ProvisionedReadCapacityUnits"),
                    units("ProvisionedWriteCapacityUnits"),
                ),
                lines: lines(right_sized.get("Cost").unwrap_or(&Value::Null)),
                total: total("ProvisionedRightSized"),
                current: false,
            },
        ];
        let fingerprint = on_demand
            .get("Lines")
            .and_then(Value::as_array)
            .map(|ls| {
                ls.iter()
                    .map(|l| {
                        l.get("Quantity")
                            .and_then(Value::as_f64)
                            .map_or(0, |q| (q * 1000.0) as u64)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let prices = response.get("Prices");
        let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_owned();
        Some(Estimate {
            elapsed_hours: estimate
                .get("ElapsedHours")
                .and_then(Value::as_f64)
                .unwrap_or(0.0),
            models,
            storage: lines(estimate.get("Storage").unwrap_or(&Value::Null)),
            region: format!(
                "{} {}",
                text(prices.and_then(|p| p.get("Region"))),
                text(prices.and_then(|p| p.get("TableClass")))
            )
            .trim()
            .to_owned(),
            notes: response
                .get("Notes")
                .and_then(Value::as_array)
                .map(|ns| {
                    ns.iter()
                        .filter_map(|n| n.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            fingerprint,
        })
    }
}

/// Dollars: `$0`, `$0.0000075`, `$1.25`.
fn dollars(usd: f64) -> String {
    if usd == 0.0 {
        return "$0".to_owned();
    }
    let text = if usd >= 0.01 {
        format!("{usd:.4}")
    } else {
        format!("{usd:.10}")
    };
    let trimmed = text.trim_end_matches('0').trim_end_matches('.');
    format!("${trimmed}")
}

/// Virtual time as `42 s`, `12 min`, `3.5 h`.
fn elapsed_text(hours: f64) -> String {
    let seconds = hours * 3600.0;
    if seconds < 120.0 {
        format!("{seconds:.0} s")
    } else if seconds < 7200.0 {
        format!("{:.0} min", seconds / 60.0)
    } else {
        format!("{hours:.1} h")
    }
}

/// The cost panel of one table.
#[component]
pub fn CostPanel(table: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<ClusterCtx>();
    let estimate = RwSignal::new(None::<Estimate>);
    let error = RwSignal::new(None::<ShownError>);
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
            match result {
                Ok(response) => {
                    seen_revision.try_set_value(Some(revision));
                    seen_forced.try_set_value(force);
                    error.try_set(None);
                    let Some(loaded) = Estimate::from_response(&response, &table) else {
                        return;
                    };
                    let changed = estimate
                        .try_with_untracked(|e| {
                            e.as_ref()
                                .is_none_or(|e| e.fingerprint != loaded.fingerprint)
                        })
                        .unwrap_or(false);
                    if must || changed {
                        estimate.try_set(Some(loaded));
                    }
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
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
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="cost-error" /> })}
            {move || match estimate.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(e) => view! { <CostTable estimate=e /> }.into_any(),
            }}
        </section>
    }
}

/// One priced line: the item, the engine's arithmetic under it, and the cost.
fn line_row(line: Line, model: &'static str) -> impl IntoView {
    view! {
        <tr data-testid="cost-line" data-model=model>
            <th scope="row" class="cost-item">
                <span class="cost-item-name">{line.item}</span>
                <code class="cost-arithmetic">{line.arithmetic}</code>
            </th>
            <td class="cost-usd">{dollars(line.cost)}</td>
        </tr>
    }
}

/// The estimate as a table: one group of rows per pricing model, then storage, which every
/// model's total includes.
#[component]
fn CostTable(estimate: Estimate) -> impl IntoView {
    let comparison = estimate
        .models
        .iter()
        .map(|m| format!("{} {}", m.short, dollars(m.total)))
        .collect::<Vec<_>>()
        .join(" · ");
    let groups = estimate
        .models
        .into_iter()
        .map(|model| {
            let key = model.key;
            let rows = model
                .lines
                .into_iter()
                .map(|line| line_row(line, key))
                .collect_view();
            view! {
                <tbody class:current=model.current data-testid="cost-model" data-model=key>
                    <tr class="cost-model-head">
                        <th scope="rowgroup" colspan="2">
                            {model.title}
                            {model.current.then(|| view! { <span class="mode-tag">"this table's mode"</span> })}
                        </th>
                    </tr>
                    {rows}
                    <tr class="cost-total">
                        <th scope="row">"Total, storage included"</th>
                        <td class="cost-usd" data-testid="cost-total">{dollars(model.total)}</td>
                    </tr>
                </tbody>
            }
        })
        .collect_view();
    let storage = estimate
        .storage
        .into_iter()
        .map(|line| line_row(line, "storage"))
        .collect_view();
    let notes = (!estimate.notes.is_empty()).then(|| {
        view! {
            <details class="cost-notes">
                <summary>"How this is priced"</summary>
                <ul>{estimate.notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
            </details>
        }
    });
    view! {
        <p class="cost-summary" data-testid="cost-summary">
            {format!("Over {} of virtual time: {comparison}.", elapsed_text(estimate.elapsed_hours))}
        </p>
        <table class="cost-table" data-testid="cost-table">
            <caption class="visually-hidden">
                {format!("The workload so far priced three ways ({} prices)", estimate.region)}
            </caption>
            <thead>
                <tr>
                    <th scope="col">"Line: quantity × rate = cost"</th>
                    <th scope="col" class="cost-usd">"Cost"</th>
                </tr>
            </thead>
            {groups}
            <tbody data-testid="cost-model-storage">
                <tr class="cost-model-head">
                    <th scope="rowgroup" colspan="2">"Storage (in every total above)"</th>
                </tr>
                {storage}
            </tbody>
        </table>
        {notes}
    }
}
