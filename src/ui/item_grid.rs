//! The selected table: [`TableHeader`] (name, key schema, billing mode, status, a two-step
//! Delete table button) and [`ItemGrid`], the table's items read with Scan and shown as an
//! HTML table with one column per attribute (key attributes first). Values are shown
//! compactly (`S` as text, `N` as the number, sets in braces, lists in brackets); the full
//! DynamoDB JSON is in each cell's tooltip. Each row can be loaded into the editor, located in
//! the Cluster view (its partition and replicas) or deleted.

use leptos::prelude::*;
use serde_json::{Map, Value, json};
use wasm_bindgen::JsCast;

use dynoscope_query_builder::value_text;

use super::{AppState, ErrorNotice, MainView, ShownError, TableInfo};

/// At most this many items are read for the grid.
const GRID_LIMIT: usize = 500;
/// Cell text is cut after this many characters.
pub(super) const CELL_CHARS: usize = 120;

/// The DynamoDB type of a value (`S`, `N`, `M`, ...).
fn type_of(value: &Value) -> String {
    value
        .as_object()
        .and_then(|o| o.keys().next().cloned())
        .unwrap_or_default()
}

/// What the grid shows.
#[derive(Debug, Clone, PartialEq, Default)]
struct Page {
    columns: Vec<String>,
    rows: Vec<Map<String, Value>>,
    /// More items exist than were read.
    more: bool,
}

/// Column order: key attributes first, then the rest by name.
fn columns(info: Option<&TableInfo>, rows: &[Map<String, Value>]) -> Vec<String> {
    let keys: Vec<String> = info
        .map(|i| i.keys.iter().map(|k| k.name.clone()).collect())
        .unwrap_or_default();
    let mut others: Vec<String> = rows
        .iter()
        .flat_map(|r| r.keys())
        .filter(|n| !keys.contains(n))
        .cloned()
        .collect();
    dynoscope_engine::sorting::sort(&mut others);
    others.dedup();
    keys.into_iter().chain(others).collect()
}

/// Reads DescribeTable and up to [`GRID_LIMIT`] items with Scan.
async fn load(state: AppState, table: String) -> Result<(Option<TableInfo>, Page), ShownError> {
    let described = state
        .send("DescribeTable", &json!({ "TableName": table }))
        .await?;
    let info = TableInfo::from_describe(&described);
    let mut rows: Vec<Map<String, Value>> = Vec::new();
    let mut start: Option<Value> = None;
    let more = loop {
        // The grid shows the leader's copy: what the table holds, not what one replica has seen.
        let mut request = json!({ "TableName": table, "ConsistentRead": true });
        if let Some(key) = start.take() {
            request["ExclusiveStartKey"] = key;
        }
        let response = state.send("Scan", &request).await?;
        if let Some(items) = response.get("Items").and_then(Value::as_array) {
            rows.extend(items.iter().filter_map(|i| i.as_object().cloned()));
        }
        match response.get("LastEvaluatedKey") {
            Some(key) if rows.len() < GRID_LIMIT => start = Some(key.clone()),
            Some(_) => break true,
            None => break false,
        }
    };
    rows.truncate(GRID_LIMIT);
    let columns = columns(info.as_ref(), &rows);
    Ok((
        info,
        Page {
            columns,
            rows,
            more,
        },
    ))
}

/// Moves keyboard focus to the item editor.
fn focus_editor() {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("item-json"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// Name, key schema and billing mode of the selected table, and Delete table.
#[component]
pub fn TableHeader(table: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ShownError>);
    let delete = {
        let table = table.clone();
        move |_| {
            if !confirming.get_untracked() {
                confirming.set(true);
                return;
            }
            let table = table.clone();
            busy.set(true);
            leptos::task::spawn_local(async move {
                let result = state
                    .send("DeleteTable", &json!({ "TableName": table }))
                    .await;
                busy.set(false);
                confirming.set(false);
                match result {
                    Ok(_) => {
                        state.selected.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let summary = move || {
        state.info.get().map(|info| {
            let keys = info
                .keys
                .iter()
                .map(|k| {
                    let role = if k.role == "HASH" {
                        "partition key"
                    } else {
                        "sort key"
                    };
                    format!("{} ({}, {role})", k.name, k.kind)
                })
                .collect::<Vec<_>>()
                .join(" · ");
            format!("{keys} — {} — {}", info.billing, info.status)
        })
    };
    view! {
        <section class="panel table-header">
            <div class="title-row">
                <h2 data-testid="selected-table">{table}</h2>
                <div class="actions">
                    <Show when=move || confirming.get()>
                        <button type="button" data-testid="delete-table-cancel" on:click=move |_| confirming.set(false)>
                            "Cancel"
                        </button>
                    </Show>
                    <button
                        type="button"
                        class="danger"
                        data-testid="delete-table"
                        disabled=move || busy.get()
                        on:click=delete
                    >
                        {move || if confirming.get() { "Really delete table?" } else { "Delete table" }}
                    </button>
                </div>
            </div>
            <p class="muted key-summary" data-testid="key-summary">{summary}</p>
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="delete-table-error" /> })}
        </section>
    }
}

/// The items of the selected table.
#[component]
pub fn ItemGrid() -> impl IntoView {
    let state = expect_context::<AppState>();
    let page = RwSignal::new(None::<Page>);
    let error = RwSignal::new(None::<ShownError>);

    Effect::new(move |_| {
        let Some(table) = state.selected.get() else {
            return;
        };
        state.revision.track();
        if state.info.get_untracked().is_some_and(|i| i.name != table) {
            state.info.set(None);
            page.set(None);
        }
        leptos::task::spawn_local(async move {
            match load(state, table.clone()).await {
                // Ignore answers for a table that is no longer selected.
                _ if state.selected.get_untracked().as_deref() != Some(table.as_str()) => {}
                Ok((info, loaded)) => {
                    error.set(None);
                    state.info.set(info);
                    page.set(Some(loaded));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });

    let row_view = move |columns: Vec<String>, row: Map<String, Value>| {
        let key: Map<String, Value> = state
            .info
            .get_untracked()
            .map(|info| {
                dynoscope_engine::sorting::ordered(
                    (info.keys.iter())
                        .filter_map(|k| row.get(&k.name).map(|v| (k.name.clone(), v.clone()))),
                )
            })
            .unwrap_or_default();
        let text = serde_json::to_string_pretty(&Value::Object(row.clone())).unwrap_or_default();
        let locate_label = format!(
            "Locate {} in the cluster",
            key.values()
                .map(|v| value_text::compact(v, CELL_CHARS))
                .collect::<Vec<_>>()
                .join(" / ")
        );
        let locate = {
            let key = key.clone();
            move |_| {
                let Some(table) = state.selected.get_untracked() else {
                    return;
                };
                state.locate_key.set(Some((table, key.clone())));
                state.view.set(MainView::Cluster);
            }
        };
        let edit = move |_| {
            state.editor_text.set(text.clone());
            focus_editor();
        };
        let delete = move |_| {
            let Some(table) = state.selected.get_untracked() else {
                return;
            };
            let key = Value::Object(key.clone());
            leptos::task::spawn_local(async move {
                // The grid reloads through the engine's change notice.
                if let Err(e) = state
                    .send("DeleteItem", &json!({ "TableName": table, "Key": key }))
                    .await
                {
                    error.set(Some(e));
                }
            });
        };
        let cells = columns
            .iter()
            .map(|column| match row.get(column) {
                Some(value) => {
                    let kind = type_of(value);
                    let title = format!("{kind}: {value}");
                    let class = format!("v v-{kind}");
                    view! { <td class=class title=title>{value_text::compact(value, CELL_CHARS)}</td> }.into_any()
                }
                None => view! { <td class="v missing"></td> }.into_any(),
            })
            .collect_view();
        view! {
            <tr data-testid="item-row">
                {cells}
                <td class="row-actions">
                    <button type="button" class="small" data-testid="edit-item" on:click=edit>"Edit"</button>
                    <button
                        type="button"
                        class="small"
                        data-testid="locate-item"
                        aria-label=locate_label
                        title="Show where this item lives: partition and replicas"
                        on:click=locate
                    >
                        "Locate"
                    </button>
                    <button type="button" class="small danger" data-testid="delete-item" on:click=delete>"Delete"</button>
                </td>
            </tr>
        }
    };

    view! {
        <section class="panel item-grid" aria-labelledby="grid-heading">
            <h2 id="grid-heading">"Items"</h2>
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="grid-error" /> })}
            {move || match page.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(p) if p.rows.is_empty() => {
                    view! { <p class="muted" data-testid="grid-empty">"This table has no items yet."</p> }.into_any()
                }
                Some(p) => {
                    let count = if p.more {
                        format!("Showing the first {} items.", p.rows.len())
                    } else if p.rows.len() == 1 {
                        "1 item.".to_owned()
                    } else {
                        format!("{} items.", p.rows.len())
                    };
                    let header = p
                        .columns
                        .iter()
                        .map(|c| view! { <th scope="col">{c.clone()}</th> })
                        .collect_view();
                    let columns = p.columns.clone();
                    let rows = p.rows.into_iter().map(|row| row_view(columns.clone(), row)).collect_view();
                    view! {
                        <p class="muted" data-testid="grid-count">{count}</p>
                        <div class="grid-scroll">
                            <table data-testid="item-grid">
                                <thead>
                                    <tr>
                                        {header}
                                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
