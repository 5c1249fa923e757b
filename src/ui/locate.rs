//! The item locator: enter an item's key (or press Locate on a row of the grid) and see
//! where it lives: its hash, the partition holding it (pinned and outlined in the partition
//! map) and what each of the partition's three replicas would return for it. A replica that
//! has not applied the latest write is marked stale, in colour and in words, with the older
//! version (or the absence) it still serves. Looked up with `Dynoscope_LocateItem`, again on
//! every refresh of the Cluster view, so a stale replica turns current as the clock runs.

use std::collections::BTreeMap;

use dynoscope_engine::contract::{ItemLocation, ReplicaRole};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde_json::{Map, Value, json};

use super::cluster::{ClusterCtx, Located};
use super::text::{key_text, parse_hash};
use super::{AppState, ErrorNotice, KeyAttr, ShownError};

/// What LocateItem reported, with the key as the locator shows it.
#[derive(Debug, Clone, PartialEq)]
struct Location {
    label: String,
    found: ItemLocation,
}

impl Location {
    /// The leader's copy: what the table holds.
    fn exists(&self) -> bool {
        self.found
            .replicas
            .iter()
            .any(|r| r.role == ReplicaRole::Leader && r.item.is_some())
    }
}

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
    let location = RwSignal::new(None::<Location>);
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
                    .call::<ItemLocation>(
                        "Dynoscope_LocateItem",
                        &json!({ "TableName": table, "Key": key }),
                    )
                    .await
                {
                    Ok(found) => {
                        error.try_set(None);
                        let located = parse_hash(&found.hash).map(|hash| Located {
                            partition_id: found.partition_id,
                            hash,
                            label: label.clone(),
                        });
                        let found = Location { label, found };
                        if ctx.located.try_get_untracked().flatten() != located {
                            ctx.located.try_set(located);
                        }
                        if location.try_get_untracked().flatten().as_ref() != Some(&found) {
                            location.try_set(Some(found));
                        }
                    }
                    Err(e) => {
                        location.try_set(None);
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
            <div aria-live="polite">
                {move || location.get().map(|l| view! { <LocationView location=l /> })}
            </div>
        </section>
    }
}

/// Where the item lives and what each replica returns.
#[component]
fn LocationView(location: Location) -> impl IntoView {
    let exists = location.exists();
    let Location { label, found } = location;
    // A replica in a down zone serves no read, so it cannot make one stale.
    let stale = found
        .replicas
        .iter()
        .filter(|r| r.stale && r.available)
        .count();
    let headline = if exists {
        view! {
            <p class="locate-headline">
                <strong>{label.clone()}</strong>
                " hashes to " <code>{format!("0x{}", found.hash)}</code>
                " and lives in "
                <strong data-testid="located-partition">{format!("partition {}", found.partition_id)}</strong> "."
            </p>
        }
        .into_any()
    } else {
        view! {
            <p class="locate-headline">
                "No item " <strong>{label.clone()}</strong>
                " (the leader has none). Its hash " <code>{format!("0x{}", found.hash)}</code>
                " falls in "
                <strong data-testid="located-partition">{format!("partition {}", found.partition_id)}</strong> "."
            </p>
        }
        .into_any()
    };
    let summary = match stale {
        0 => "Every replica returns the same version: an eventually consistent read cannot be stale now.".to_owned(),
        1 => "One replica has not applied the latest write yet: an eventually consistent read served by it is stale.".to_owned(),
        n => format!("{n} replicas have not applied the latest write yet: eventually consistent reads served by them are stale."),
    };
    let rows = found
        .replicas
        .into_iter()
        .map(|r| {
            let leader = r.role == ReplicaRole::Leader;
            let (class, badge) = match (r.stale, r.item.is_some()) {
                _ if !r.available => ("locator-replica down", "✕ zone down: serves no reads"),
                (false, true) => ("locator-replica current", "✓ current"),
                (false, false) => ("locator-replica current", "✓ current (no item)"),
                (true, true) => ("locator-replica stale", "⚠ STALE: older version"),
                (true, false) => ("locator-replica stale", "⚠ STALE: item not there yet"),
            };
            let item = r
                .item
                .as_ref()
                .map(|i| {
                    dynoscope_query_builder::value_text::compact(
                        &json!({ "M": i }),
                        super::item_grid::CELL_CHARS,
                    )
                })
                .unwrap_or_else(|| "(nothing)".to_owned());
            let title = r.item.as_ref().map(Value::to_string).unwrap_or_default();
            view! {
                <li
                    class=class
                    data-testid="locator-replica"
                    data-az=r.availability_zone.clone()
                    data-role=if leader { "LEADER" } else { "FOLLOWER" }
                    data-stale=if r.stale { "true" } else { "false" }
                    data-available=if r.available { "true" } else { "false" }
                >
                    <span class="replica-zone-name">{r.availability_zone.clone()}</span>
                    <span class="replica-role-name">
                        {if leader { "♛ leader" } else { "follower" }}
                    </span>
                    <span class="state-badge">{badge}</span>
                    <code class="item-preview" title=title>{item}</code>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="locate-result" data-testid="locate-result">
            {headline}
            <ul class="locator-replicas">{rows}</ul>
            <p class="muted locate-summary" data-testid="locate-summary">{summary}</p>
        </div>
    }
}
