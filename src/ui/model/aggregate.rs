//! The aggregate view, as designers know it from NoSQL Workbench: the table's items as the
//! engine holds them now, grouped by partition key value (an item collection per group),
//! sorted by sort key, each row coloured by the entity whose key templates it matches. A
//! selector shows the same items through each secondary index, where only items carrying
//! the index's key attributes appear (sparse indexes show as such). Above the table's
//! groups, the data's warnings: a hot partition key value, an item collection nearing its
//! (simulated) limit, large items. The page reads the items; the worker writes the groups
//! and warnings as HTML ([`crate::aggregate`]): as a Leptos view they cost the first load
//! several KB.

use std::collections::BTreeMap;

use dynoscope_engine::contract::SimulationDescription;
use dynoscope_model::ModelTable;
use leptos::prelude::*;
use serde_json::{Map, Value, json};

use super::super::dom::error_text;
use super::super::{AppState, ShownError};

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
                    &json!({"TableName": name}),
                )
                .await;
            if let Ok(described) = described {
                collection_limit.set(described.settings.item_collection_limit_bytes);
            }
            items.set(Some(result));
        });
    });
    let mut choices: Vec<String> = vec![String::new()];
    choices.extend(
        (table.definition.global_secondary_indexes.iter())
            .chain(&table.definition.local_secondary_indexes)
            .map(|i| i.index_name.clone()),
    );
    // The worker writes the groups ([`crate::aggregate`]); the table travels as JSON text,
    // written by the same serializer as the worker's requests.
    let table_text = serde_json::to_string(&table).unwrap_or_default();
    let colour_value = json!(colours);
    let drawn = RwSignal::new(String::from("<p class=\"muted\">Reading the items…</p>"));
    Effect::new(move |_| {
        let index = view_of.get();
        let html = match items.get() {
            None => return,
            Some(Err(e)) if e.name == "ResourceNotFoundException" => {
                "<p class=\"muted\" data-testid=\"aggregate-missing\">The table does not exist yet: apply the model to create it and load its data.</p>".to_owned()
            }
            Some(Err(e)) => error_text(&format!("{}: {}", e.name, e.message)),
            Some(Ok(all)) => {
                let mut input = json!({ "index": index });
                input["limit"] = collection_limit.get_untracked().into();
                input["table"] = table_text.clone().into();
                input["colours"] = colour_value.clone();
                input["items"] = all.into_iter().map(Value::Object).collect();
                leptos::task::spawn_local(async move {
                    drawn.set(match crate::converters::panel("aggregate", input).await {
                        Ok(answer) => answer["html"].as_str().unwrap_or_default().to_owned(),
                        Err(e) => error_text(&e.to_string()),
                    });
                });
                return;
            }
        };
        drawn.set(html);
    });
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
        <div inner_html=move || drawn.get()></div>
    }
}
