//! The item locator: enter an item's key (or press Locate on a row of the grid) and see
//! where it lives: its hash, the partition holding it (pinned and outlined in the partition
//! map) and what each of the partition's three replicas would return for it. A replica that
//! has not applied the latest write is marked stale, in colour and in words, with the older
//! version (or the absence) it still serves. Looked up with `Dynoscope_LocateItem`, again on
//! every refresh of the Cluster view, so a stale replica turns current as the clock runs; the
//! worker writes the result ([`dynoscope_cluster_panels::locate`]) when the answer changes.

use std::collections::BTreeMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde_json::{Map, Value, json};

use super::cluster::{ClusterCtx, Located};
use super::dom::error_text;
use super::text::{key_text, parse_hash};
use super::{AppState, ErrorNotice, KeyAttr, ShownError};

/// A key attribute's value as DynamoDB JSON from the text typed for it.
fn key_value(key: &KeyAttr, text: &str) -> Result<Value, ShownError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ShownError::local(format!(
            "Enter a value for the key attribute {}",
            key.name
        )));
    }
    Ok(match key.kind.as_str() {
        "N" => json!({ "N": text }),
        "B" => json!({ "B": text }),
        _ => json!({ "S": text }),
    })
}

/// The text a key attribute's field shows for a value from the grid.
fn field_text(value: &Value) -> String {
    value
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_default()
}

/// The locator for one table.
#[component]
pub fn ItemLocator(table: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<ClusterCtx>();
    // What is typed in each key field, by attribute name.
    let fields = RwSignal::new(BTreeMap::<String, String>::new());
    // The key being located, looked up again on every refresh.
    let query = RwSignal::new(None::<Map<String, Value>>);
    // The key's label and LocateItem's answer as last drawn, and the worker's HTML of it.
    let location = RwSignal::new(None::<(String, Value)>);
    let drawn = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ShownError>);
    let keys = Memo::new(move |_| state.info.get().map(|i| i.keys).unwrap_or_default());

    // The grid's Locate button hands over a key of this table.
    {
        let table = table.clone();
        Effect::new(move |_| {
            let Some((for_table, key)) = state.locate_key.get() else {
                return;
            };
            if for_table != table {
                return;
            }
            fields.set(dynoscope_engine::sorting::ordered(
                key.iter()
                    .map(|(name, value)| (name.clone(), field_text(value))),
            ));
            query.set(Some(key));
        });
    }

    // Look the key up, and again whenever the cluster moves.
    {
        let table = table.clone();
        Effect::new(move |_| {
            ctx.track();
            let Some(key) = query.get() else {
                return;
            };
            let table = table.clone();
            leptos::task::spawn_local(async move {
                let label = key_text(
                    &Value::Object(key.clone()),
                    state.info.get_untracked().as_ref(),
                );
                match state
                    .send_as(
                        "ui",
                        "Dynoscope_LocateItem",
                        &json!({ "TableName": table, "Key": key }),
                    )
                    .await
                {
                    Ok(found) => {
                        error.try_set(None);
                        let located =
                            found["Hash"]
                                .as_str()
                                .and_then(parse_hash)
                                .map(|hash| Located {
                                    partition_id: found["PartitionId"].as_u64().unwrap_or_default(),
                                    hash,
                                    label: label.clone(),
                                });
                        if ctx.located.try_get_untracked().flatten() != located {
                            ctx.located.try_set(located);
                        }
                        let shown = (label, found);
                        if location.try_get_untracked().flatten().as_ref() != Some(&shown) {
                            location.try_set(Some(shown.clone()));
                            let (label, found) = shown;
                            let mut input = json!({ "label": label });
                            input["found"] = found;
                            let html = match crate::converters::panel("locate", input).await {
                                Ok(answer) => {
                                    answer["html"].as_str().unwrap_or_default().to_owned()
                                }
                                Err(e) => error_text(&e.to_string()),
                            };
                            drawn.try_set(html);
                        }
                    }
                    Err(e) => {
                        location.try_set(None);
                        drawn.try_set(String::new());
                        ctx.located.try_set(None);
                        error.try_set(Some(e));
                    }
                }
            });
        });
    }

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = fields.get_untracked();
        let mut key = Map::new();
        for attr in keys.get_untracked() {
            let text = typed.get(&attr.name).map(String::as_str).unwrap_or("");
            match key_value(&attr, text) {
                Ok(value) => {
                    key.insert(attr.name.clone(), value);
                }
                Err(e) => {
                    error.set(Some(e));
                    return;
                }
            }
        }
        if key.is_empty() {
            return;
        }
        error.set(None);
        // Kept in the app state, so the Cluster view finds it again after the Items view.
        state.locate_key.set(Some((table.clone(), key)));
    };

    let inputs = move || {
        keys.get()
            .into_iter()
            .map(|attr| {
                let id = format!("locate-{}", attr.name);
                let label_for = id.clone();
                let name = attr.name.clone();
                let value_name = attr.name.clone();
                let role = if attr.role == "HASH" { "partition key" } else { "sort key" };
                view! {
                    <div class="locate-field">
                        <label for=label_for>
                            {attr.name.clone()} " " <span class="muted">{format!("({}, {role})", attr.kind)}</span>
                        </label>
                        <input
                            id=id
                            type="text"
                            autocomplete="off"
                            spellcheck="false"
                            data-testid="locate-key"
                            data-attr=attr.name.clone()
                            prop:value=move || fields.with(|f| f.get(&value_name).cloned().unwrap_or_default())
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                fields.update(|f| {
                                    f.insert(name.clone(), text);
                                });
                            }
                        />
                    </div>
                }
            })
            .collect_view()
    };

    view! {
        <section class="panel locator" aria-labelledby="locate-heading" data-testid="item-locator">
            <h2 id="locate-heading">"Locate an item"</h2>
            <p class="muted intro">
                "Where does an item live, and what does each replica return for it? Enter its key, or press "
                <em>"Locate"</em> " on a row of the Items view."
            </p>
            <form class="locate-form" on:submit=submit data-testid="locate-form">
                <div class="locate-fields">{inputs}</div>
                <div class="actions">
                    <button type="submit" class="primary" data-testid="locate-submit">"Locate"</button>
                    <Show when=move || query.get().is_some()>
                        <button
                            type="button"
                            data-testid="locate-clear"
                            on:click=move |_| {
                                query.set(None);
                                location.set(None);
                                drawn.set(String::new());
                                ctx.located.set(None);
                                state.locate_key.set(None);
                            }
                        >
                            "Clear"
                        </button>
                    </Show>
                </div>
            </form>
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="locate-error" /> })}
            <div aria-live="polite" inner_html=move || drawn.get()></div>
        </section>
    }
}
