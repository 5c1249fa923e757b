//! Access patterns run live: each pattern of a table with its parameters (editable), a Run
//! button, and what the run returned: the request sent, the items, Count and ScannedCount,
//! the consumed capacity with its arithmetic, the partitions the items live on, and
//! warnings (a Scan, a filter that discards most of what it read, an index that projects
//! less than the pattern asks for, large items).

use std::collections::{BTreeMap, BTreeSet};

use dynoscope_engine::contract::{ItemLocation, ReplicaRole, SimulationDescription};
use dynoscope_model::access::{parameter_names, request};
use dynoscope_model::{AccessPattern, ModelTable, Operation};
use leptos::prelude::*;
use serde_json::{Value, json};

use super::super::code::ShowCode;
use super::super::{AppState, ErrorNotice, ShownError};
use super::scalar;

/// What one run returned, ready to show.
#[derive(Debug, Clone)]
struct Run {
    operation: &'static str,
    request: Value,
    /// The table's key attributes, shown as the first columns.
    keys: Vec<String>,
    items: Vec<serde_json::Map<String, Value>>,
    count: u64,
    scanned: u64,
    capacity: Value,
    arithmetic: String,
    partitions: Vec<String>,
    warnings: Vec<String>,
}

/// The access patterns of one table.
#[component]
pub fn Patterns(table: ModelTable) -> impl IntoView {
    if table.access_patterns.is_empty() {
        return view! { <p class="muted">"No access patterns yet: add one under Design, above."</p> }.into_any();
    }
    view! {
        <h3>"Access patterns"</h3>
        <ul class="pattern-list" data-testid="pattern-list">
            {table.access_patterns.iter().map(|p| view! { <Pattern table=table.clone() pattern=p.clone() /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Pattern(table: ModelTable, pattern: AccessPattern) -> impl IntoView {
    let state = expect_context::<AppState>();
    let params = RwSignal::new(pattern.parameters.clone());
    let result = RwSignal::new(None::<Result<Run, ShownError>>);
    let running = RwSignal::new(false);
    let summary = describe(&pattern);
    let static_warnings = dynoscope_model::advice::pattern_warnings(&table.definition, &pattern);
    let run = {
        let table = table.clone();
        let pattern = pattern.clone();
        move |_| {
            let table = table.clone();
            let pattern = pattern.clone();
            running.set(true);
            leptos::task::spawn_local(async move {
                let outcome = run_pattern(state, &table, &pattern, &params.get_untracked()).await;
                result.set(Some(outcome));
                running.set(false);
            });
        }
    };
    let mut names = parameter_names(&pattern);
    for name in pattern.parameters.keys() {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    view! {
        <li class="pattern" data-testid="pattern" data-pattern=pattern.name.clone()>
            <div class="row spread">
                <div>
                    <strong>{pattern.name.clone()}</strong>
                    " " <span class="muted">{summary}</span>
                    {(!pattern.description.is_empty()).then(|| view! { <p class="muted">{pattern.description.clone()}</p> })}
                </div>
                <button type="button" data-testid="pattern-run" disabled=move || running.get() on:click=run>"Run"</button>
            </div>
            <div class="row params">
                {names.into_iter().map(|name| {
                    let key = name.clone();
                    view! {
                        <label>
                            {format!("{{{name}}} ")}
                            <input type="text" data-testid="pattern-param" data-param=name.clone()
                                prop:value=move || params.get().get(&name).cloned().unwrap_or_default()
                                on:input=move |ev| { let v = event_target_value(&ev); params.update(|p| { p.insert(key.clone(), v); }); } />
                        </label>
                    }
                }).collect_view()}
            </div>
            <ul class="warnings">{static_warnings.into_iter().map(|w| view! { <li class="finding warning">{w}</li> }).collect_view()}</ul>
            {move || result.get().map(|r| match r {
                Ok(run) => view! { <RunResult run=run /> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e testid="pattern-error" /> }.into_any(),
            })}
        </li>
    }
}

/// One line saying what the pattern does.
fn describe(p: &AccessPattern) -> String {
    let on = p
        .index
        .as_deref()
        .map(|i| format!(" on index {i}"))
        .unwrap_or_default();
    let key = p
        .partition_key
        .as_deref()
        .map(|k| format!(" where key = {k}"))
        .unwrap_or_default();
    let sort = p
        .sort_key
        .as_ref()
        .map(|s| {
            format!(
                " and sort key {} {}",
                serde_json::to_value(s.operator)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                s.value
            )
        })
        .unwrap_or_default();
    let op = match p.operation {
        Operation::GetItem => "GetItem",
        Operation::Query => "Query",
        Operation::Scan => "Scan",
    };
    format!("{op}{on}{key}{sort}")
}

async fn run_pattern(
    state: AppState,
    table: &ModelTable,
    pattern: &AccessPattern,
    params: &BTreeMap<String, String>,
) -> Result<Run, ShownError> {
    let body = request(&table.definition, pattern, params)?;
    let operation = match pattern.operation {
        Operation::GetItem => "GetItem",
        Operation::Query => "Query",
        Operation::Scan => "Scan",
    };
    let response = state.send(operation, &body).await?;
    let items: Vec<serde_json::Map<String, Value>> = match pattern.operation {
        Operation::GetItem => response
            .get("Item")
            .and_then(Value::as_object)
            .cloned()
            .into_iter()
            .collect(),
        _ => response["Items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| i.as_object().cloned())
            .collect(),
    };
    let count = response
        .get("Count")
        .and_then(Value::as_u64)
        .unwrap_or(items.len() as u64);
    let scanned = response
        .get("ScannedCount")
        .and_then(Value::as_u64)
        .unwrap_or(count);
    let capacity = response
        .get("ConsumedCapacity")
        .cloned()
        .unwrap_or(Value::Null);
    let sizes: Vec<usize> = items.iter().map(item_size).collect();
    let arithmetic = explain(pattern, &capacity, &sizes, count, scanned);
    let partitions = partitions_of(state, table, pattern.index.as_deref(), &items).await;
    let mut warnings = Vec::new();
    if scanned > 0 && count * 2 < scanned {
        warnings.push(format!(
            "The filter discarded {} of the {scanned} items read: you paid to read all {scanned}.",
            scanned - count
        ));
    }
    if count == 0
        && let Some(lag) = index_lag(state, table, pattern.index.as_deref()).await
    {
        warnings.push(format!(
            "Nothing yet? A global index is eventually consistent: here its entries land up to {lag} ms after the write (the simulation's index propagation), so a query right after a load can miss them. Run it again in a moment."
        ));
    }
    if let Some(big) = sizes.iter().max().filter(|s| **s > 4096) {
        warnings.push(format!("The largest item returned is {big} bytes: each read of it costs more than one 4 KB unit."));
    }
    let keys = [
        table.definition.partition_key(),
        table.definition.sort_key(),
    ]
    .into_iter()
    .flatten()
    .map(str::to_owned)
    .collect();
    Ok(Run {
        operation,
        request: body,
        keys,
        items,
        count,
        scanned,
        capacity,
        arithmetic,
        partitions,
        warnings,
    })
}

/// An item's size as DynamoDB counts it, from the engine's own rules.
fn item_size(item: &serde_json::Map<String, Value>) -> usize {
    dynoscope_engine::item_from_json(&Value::Object(item.clone()).to_string())
        .map(|i| dynoscope_engine::item_size(&i))
        .unwrap_or(0)
}

/// The capacity arithmetic in words: sizes, 4 KB rounding, eventual halving.
fn explain(
    pattern: &AccessPattern,
    capacity: &Value,
    sizes: &[usize],
    count: u64,
    scanned: u64,
) -> String {
    let units = capacity
        .get("CapacityUnits")
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    let consistency = if pattern.consistent_read {
        "strongly consistent: full price"
    } else {
        "eventually consistent: half price"
    };
    let whole = if pattern.consistent_read {
        units
    } else {
        units * 2.0
    };
    let exact = pattern.filter.is_none() && pattern.projection.is_empty() && count == scanned;
    if exact {
        let total: usize = sizes.iter().sum();
        let how = match pattern.operation {
            Operation::GetItem => "one item",
            _ => "the items read, summed",
        };
        format!(
            "{how}: {total} bytes → {} × 4 KB (rounded up, at least one) → {consistency} → {units} RCU",
            whole
        )
    } else {
        format!(
            "{scanned} items read (before any filter or projection) rounded up to {whole} × 4 KB → {consistency} → {units} RCU"
        )
    }
}

/// How late entries can reach `index`, if it is a global index of the table and the
/// simulation delays them.
async fn index_lag(state: AppState, table: &ModelTable, index: Option<&str>) -> Option<u64> {
    let spec = &table.definition;
    let index = index?;
    spec.global_secondary_indexes
        .iter()
        .any(|i| i.index_name == index)
        .then_some(())?;
    let request = json!({"TableName": spec.table_name});
    let described = state
        .call::<SimulationDescription>("Dynoscope_DescribeSimulation", &request)
        .await
        .ok()?;
    let lag = described.settings.gsi_propagation.max_millis;
    (lag > 0).then_some(lag)
}

/// The partitions the read touched: those holding the returned items, or their entries in
/// the index the pattern reads (Dynoscope_LocateItem per item, with the index's name).
async fn partitions_of(
    state: AppState,
    table: &ModelTable,
    index: Option<&str>,
    items: &[serde_json::Map<String, Value>],
) -> Vec<String> {
    let keys: Vec<&str> = [
        table.definition.partition_key(),
        table.definition.sort_key(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut seen = BTreeSet::new();
    for item in items.iter().take(50) {
        let key: serde_json::Map<String, Value> = dynoscope_engine::sorting::ordered(
            (keys.iter()).filter_map(|k| item.get(*k).map(|v| ((*k).to_owned(), v.clone()))),
        );
        if key.len() != keys.len() {
            continue;
        }
        let mut request = json!({"TableName": table.definition.table_name, "Key": key});
        if let Some(index) = index {
            request["IndexName"] = json!(index);
        }
        let located = state
            .call::<ItemLocation>("Dynoscope_LocateItem", &request)
            .await;
        if let Ok(place) = located {
            let leader = place
                .replicas
                .iter()
                .find(|r| r.role == ReplicaRole::Leader)
                .map(|r| r.availability_zone.clone())
                .unwrap_or_default();
            let whose = place
                .index_name
                .map(|index| format!("index {index} "))
                .unwrap_or_default();
            seen.insert(format!(
                "{whose}partition {} (leader in {leader})",
                place.partition_id
            ));
        }
    }
    seen.into_iter().collect()
}

#[component]
fn RunResult(run: Run) -> impl IntoView {
    let columns: Vec<String> = {
        let mut names = BTreeSet::new();
        for item in &run.items {
            names.extend(item.keys().filter(|k| !run.keys.contains(k)).cloned());
        }
        run.keys.iter().cloned().chain(names).collect()
    };
    let request = serde_json::to_string_pretty(&run.request).unwrap_or_default();
    let capacity = serde_json::to_string(&run.capacity).unwrap_or_default();
    view! {
        <div class="pattern-result" data-testid="pattern-result">
            <p data-testid="pattern-counts">
                <strong>{format!("Count {}", run.count)}</strong>
                {format!(" · ScannedCount {}", run.scanned)}
            </p>
            <p class="capacity" data-testid="pattern-capacity" title=capacity>{run.arithmetic}</p>
            {(!run.partitions.is_empty()).then(|| view! {
                <p class="muted" data-testid="pattern-partitions">{format!("Items live on {}", run.partitions.join(", "))}</p>
            })}
            <ul class="warnings">{run.warnings.into_iter().map(|w| view! { <li class="finding warning" data-testid="pattern-warning">{w}</li> }).collect_view()}</ul>
            <details><summary>"Request sent"</summary><pre class="code">{request}</pre></details>
            <ShowCode operation=run.operation.to_owned() request=run.request.clone() />
            <div class="grid-scroll">
                <table class="grid" data-testid="pattern-items">
                    <thead><tr>{columns.iter().map(|c| view! { <th>{c.clone()}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {run.items.into_iter().take(100).map(|item| view! {
                            <tr>{columns.iter().map(|c| view! { <td>{item.get(c).map(scalar).unwrap_or_default()}</td> }).collect_view()}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
