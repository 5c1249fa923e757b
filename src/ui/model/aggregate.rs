//! The aggregate view, as designers know it from NoSQL Workbench: the table's items as the
//! engine holds them now, grouped by partition key value (an item collection per group),
//! sorted by sort key, each row coloured by the entity whose key templates it matches. A
//! selector shows the same items through each secondary index, where only items carrying
//! the index's key attributes appear (sparse indexes show as such). Above the table's
//! groups, the data's warnings: a hot partition key value, an item collection nearing its
//! (simulated) limit, large items.

use std::collections::BTreeMap;

use dynoscope_engine::contract::SimulationDescription;
use dynoscope_model::ModelTable;
use dynoscope_model::template::Template;
use leptos::prelude::*;
use serde_json::{Map, Value};

use super::super::{AppState, ErrorNotice, ShownError};
use super::scalar;

/// Groups shown at most, and items per group, to keep the page light.
const MAX_GROUPS: usize = 60;
const MAX_PER_GROUP: usize = 20;

#[component]
pub fn Aggregate(table: ModelTable, colours: BTreeMap<String, String>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let name = table.definition.table_name.clone();
    let view_of = RwSignal::new(String::new());
    let items = RwSignal::new(None::<Result<Vec<Map<String, Value>>, ShownError>>);
    // The simulation scales DynamoDB's 10 GB item collection limit down; this is its value.
    let collection_limit = RwSignal::new(dynoscope_model::advice::ITEM_COLLECTION_LIMIT);
    let load_name = name.clone();
    Effect::new(move |_| {
        state.revision.track();
        let name = load_name.clone();
        leptos::task::spawn_local(async move {
            let Ok(handle) = state.handle() else { return };
            let result = crate::playground::scan_all(&handle, &name)
                .await
                .map_err(ShownError::from);
            let described = state
                .call::<SimulationDescription>(
                    "Dynoscope_DescribeSimulation",
                    &serde_json::json!({"TableName": name}),
                )
                .await;
            if let Ok(described) = described {
                collection_limit.set(described.settings.item_collection_limit_bytes);
            }
            items.set(Some(result));
        });
    });
    let spec = table.definition.clone();
    let mut choices: Vec<String> = vec![String::new()];
    choices.extend(
        spec.global_secondary_indexes
            .iter()
            .chain(&spec.local_secondary_indexes)
            .map(|i| i.index_name.clone()),
    );
    let matchers = entity_matchers(&table);
    view! {
        <h3>"Aggregate view"</h3>
        <div class="row">
            <label>"Show by "
                <select data-testid="aggregate-index" on:change=move |ev| view_of.set(event_target_value(&ev))>
                    {choices.into_iter().map(|c| {
                        let label = if c.is_empty() { "table key".to_owned() } else { format!("index {c}") };
                        view! { <option value=c>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <span class="legend">
                {colours.iter().map(|(entity, colour)| view! {
                    <span class="legend-item"><span class="swatch" style=format!("background:{colour}")></span>{entity.clone()}</span>
                }).collect_view()}
            </span>
        </div>
        {move || match items.get() {
            None => view! { <p class="muted">"Reading the items…"</p> }.into_any(),
            Some(Err(e)) if e.name == "ResourceNotFoundException" => view! {
                <p class="muted" data-testid="aggregate-missing">"The table does not exist yet: apply the model to create it and load its data."</p>
            }.into_any(),
            Some(Err(e)) => view! { <ErrorNotice error=e testid="aggregate-error" /> }.into_any(),
            Some(Ok(all)) => {
                let index = view_of.get();
                let (pk, sk) = if index.is_empty() {
                    (spec.partition_key().map(str::to_owned), spec.sort_key().map(str::to_owned))
                } else {
                    spec.index(&index).map(|(i, _)| (i.partition_key().map(str::to_owned), i.sort_key().map(str::to_owned))).unwrap_or((None, None))
                };
                let warnings = if index.is_empty() {
                    dynoscope_model::advice::data_warnings(&spec, &all, collection_limit.get())
                } else {
                    Vec::new()
                };
                view! {
                    <ul class="warnings" data-testid="data-warnings">
                        {warnings.into_iter().map(|w| view! { <li class="finding warning" data-testid="data-warning">{w}</li> }).collect_view()}
                    </ul>
                    {groups_view(all, pk, sk, &matchers, &colours)}
                }
                .into_any()
            }
        }}
    }
}

/// For each entity, its parsed key templates.
fn entity_matchers(table: &ModelTable) -> Vec<(String, Vec<(String, Template)>)> {
    table
        .entities
        .iter()
        .map(|e| {
            let templates = e
                .keys
                .iter()
                .filter(|k| {
                    table
                        .definition
                        .key_schema
                        .iter()
                        .any(|s| s.attribute_name == k.attribute)
                })
                .filter_map(|k| {
                    Template::parse(&k.template)
                        .ok()
                        .map(|t| (k.attribute.clone(), t))
                })
                .collect();
            (e.name.clone(), templates)
        })
        .collect()
}

/// The entity an item belongs to: the first whose table key templates all match.
fn entity_of(
    item: &Map<String, Value>,
    matchers: &[(String, Vec<(String, Template)>)],
) -> Option<String> {
    matchers
        .iter()
        .find(|(_, templates)| {
            !templates.is_empty()
                && templates.iter().all(|(attribute, t)| {
                    item.get(attribute)
                        .map(scalar)
                        .is_some_and(|v| t.capture(&v).is_some())
                })
        })
        .map(|(name, _)| name.clone())
}

fn groups_view(
    items: Vec<Map<String, Value>>,
    pk: Option<String>,
    sk: Option<String>,
    matchers: &[(String, Vec<(String, Template)>)],
    colours: &BTreeMap<String, String>,
) -> impl IntoView + use<> {
    let Some(pk) = pk else {
        return view! { <p class="muted">"No key."</p> }.into_any();
    };
    let mut groups: BTreeMap<String, Vec<Map<String, Value>>> = BTreeMap::new();
    for item in items {
        if let Some(value) = item.get(&pk).map(scalar) {
            groups.entry(value).or_default().push(item);
        }
    }
    let total_groups = groups.len();
    let rows: Vec<_> = groups
        .into_iter()
        .take(MAX_GROUPS)
        .map(|(key, mut members)| {
            if let Some(sk) = &sk {
                dynoscope_engine::sorting::sort_by_key(&mut members, |i| {
                    i.get(sk).map(scalar).unwrap_or_default()
                });
            }
            let size = members.len();
            let shown: Vec<_> = members
                .into_iter()
                .take(MAX_PER_GROUP)
                .map(|item| {
                    let entity = entity_of(&item, matchers);
                    let colour = entity
                        .as_ref()
                        .and_then(|e| colours.get(e))
                        .cloned()
                        .unwrap_or_else(|| "#9ca3af".into());
                    let sort = sk
                        .as_ref()
                        .and_then(|s| item.get(s))
                        .map(scalar)
                        .unwrap_or_default();
                    let rest: Vec<String> = item
                        .iter()
                        .filter(|(k, _)| {
                            Some(k.as_str()) != Some(pk.as_str())
                                && Some(k.as_str()) != sk.as_deref()
                        })
                        .take(6)
                        .map(|(k, v)| format!("{k}: {}", scalar(v)))
                        .collect();
                    (colour, entity.unwrap_or_default(), sort, rest.join(" · "))
                })
                .collect();
            (key, size, shown)
        })
        .collect();
    view! {
        <p class="muted" data-testid="aggregate-summary">{format!("{total_groups} item collections")}</p>
        <div class="aggregate" data-testid="aggregate">
            {rows.into_iter().map(|(key, size, shown)| view! {
                <div class="collection" data-testid="collection">
                    <div class="collection-key">
                        <strong>{key}</strong>
                        <span class="muted">{format!("{size} item{}", if size == 1 { "" } else { "s" })}</span>
                    </div>
                    <ul>
                        {shown.into_iter().map(|(colour, entity, sort, rest)| view! {
                            <li style=format!("border-left: 4px solid {colour}") title=entity.clone()>
                                <code>{sort}</code> " " <span class="muted">{rest}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            }).collect_view()}
        </div>
    }
    .into_any()
}
