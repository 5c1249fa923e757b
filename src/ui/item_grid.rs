//! The selected table: [`TableHeader`] (name, key schema, billing mode, status, a two-step
//! Delete table button) and [`ItemGrid`], the table's items read with strongly consistent
//! Scan pages as the grid is scrolled, one column per attribute (key attributes first).
//! The grid is virtualised: however many items are loaded, only the rows in view (and a
//! few either side) are in the document, between two spacer rows that keep the scrollbar
//! true, so it stays smooth at 100,000 items. Values are shown compactly (`S` as text, `N`
//! as the number, sets in braces, lists in brackets); the full DynamoDB JSON is in each
//! cell's tooltip. Each row can be loaded into the editor, located in the Cluster view (its
//! partition and replicas), deleted, or selected for a bulk delete (BatchWriteItem, 25 keys
//! a request, unprocessed ones sent again). Rows are plain HTML with one delegated click
//! listener: a Leptos view per row cost a frame per hundred rows.

use super::resource::run_busy;
use std::collections::BTreeMap;

use dynoscope_codegen::html::escape;
use dynoscope_query_builder::value_text;
use leptos::prelude::*;
use serde_json::{Map, Value, json};
use wasm_bindgen::JsCast;

use super::dom::{element, error_text, set_html};
use super::{AppState, ErrorNotice, MainView, ShownError, TableInfo};

/// Cell text is cut after this many characters.
pub(super) const CELL_CHARS: usize = 120;
/// A row's height in CSS pixels, as the stylesheet fixes it (`.item-grid tr.item`).
const ROW_PX: f64 = 30.0;
/// Rows drawn above and below those in view: scrolling within them draws nothing.
const OVERSCAN: usize = 15;
/// The next page is read once the view comes this close (in rows) to the last one loaded.
const PREFETCH_ROWS: usize = 300;
/// Items per Scan page: a 1 MB page of small items takes a frame of its own to read.
const PAGE_ITEMS: usize = 1_000;
/// Keys per BatchWriteItem of a bulk delete (DynamoDB's limit).
const BATCH_KEYS: usize = 25;

/// The DynamoDB type of a value (`S`, `N`, `M`, ...).
fn type_of(value: &Value) -> &str {
    value
        .as_object()
        .and_then(|o| o.keys().next())
        .map_or("", String::as_str)
}

/// What the grid has read of the selected table.
#[derive(Default)]
struct Loaded {
    table: String,
    /// The key attributes, partition key first.
    keys: Vec<String>,
    /// Key attributes first, then the rest by name.
    columns: Vec<String>,
    rows: Vec<Map<String, Value>>,
    /// Where the next Scan page starts; `None` once the table is read to its end.
    next: Option<Value>,
    done: bool,
    /// A page is being read.
    loading: bool,
    /// Writes happened while a page was being read: read again once it is done.
    stale: bool,
    /// The selected items by key (their key's JSON text).
    selected: BTreeMap<String, Value>,
    /// The rows in the document, `from..to`.
    drawn: (usize, usize),
    /// The rows, columns or selection changed since they were drawn.
    dirty: bool,
}

impl Loaded {
    /// A row's primary key, as a map of its key attributes.
    fn key_of(&self, row: &Map<String, Value>) -> Value {
        Value::Object(dynoscope_engine::sorting::ordered(
            self.keys
                .iter()
                .filter_map(|k| row.get(k).map(|v| (k.clone(), v.clone()))),
        ))
    }

    /// Adds a Scan page: its rows, new columns, and where the next page starts.
    fn add_page(&mut self, rows: Vec<Map<String, Value>>, next: Option<Value>) {
        self.dirty = true;
        self.add_columns(&rows);
        self.rows.extend(rows);
        self.done = next.is_none();
        self.next = next;
    }

    /// Adds the attributes of `rows` not seen yet as columns, after the key attributes.
    fn add_columns(&mut self, rows: &[Map<String, Value>]) {
        let mut others: Vec<String> = rows
            .iter()
            .flat_map(|r| r.keys())
            .filter(|n| !self.columns.contains(n))
            .cloned()
            .collect();
        if others.is_empty() {
            return;
        }
        dynoscope_engine::sorting::sort(&mut others);
        others.dedup();
        let keys = self.keys.len().min(self.columns.len());
        let mut rest: Vec<String> = self.columns.split_off(keys);
        rest.extend(others);
        dynoscope_engine::sorting::sort(&mut rest);
        self.columns.extend(rest);
    }
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
            run_busy(busy, async move {
                let result = state
                    .send("DeleteTable", &json!({ "TableName": table }))
                    .await;
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
    // Opening "Table details" reads DescribeTable and DescribeTimeToLive afresh; the worker
    // writes them readably with the "Edit table" form (`table_settings`), drawn again after
    // every write while open. Opening "Stream triggers" loads the full engine and draws the
    // table's functions and mappings (`triggers`).
    let show_details = on_open(table.clone(), super::table_settings::show);
    let show_triggers = on_open(table.clone(), super::triggers::show);
    Effect::new(move |_| {
        state.revision.track();
        super::table_settings::redraw();
    });
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
            <details class="table-details" data-testid="table-details" on:toggle=show_details>
                <summary>"Table details"</summary>
                <div data-details-body><p class="muted">"Reading the table…"</p></div>
                <div data-ts-host></div>
                <div data-ts-result role="status" aria-live="polite"></div>
            </details>
            <details class="table-details triggers" data-testid="triggers" on:toggle=show_triggers>
                <summary>"Stream triggers"</summary>
                <div data-tr-host>
                    <div data-tr-functions><p class="muted">"Loading the full engine…"</p></div>
                    <div data-tr-create></div>
                    <div data-tr-mappings></div>
                </div>
            </details>
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="delete-table-error" /> })}
        </section>
    }
}

/// The items of the selected table.
#[component]
pub fn ItemGrid() -> impl IntoView {
    let state = expect_context::<AppState>();
    let grid = StoredValue::new(Loaded::default());
    let viewport = NodeRef::<leptos::html::Div>::new();

    Effect::new(move |_| {
        let Some(table) = state.selected.get() else {
            return;
        };
        state.revision.track();
        if state.info.get_untracked().is_some_and(|i| i.name != table) {
            state.info.set(None);
        }
        leptos::task::spawn_local(reload(state, grid, viewport, table));
    });

    let on_scroll = move |_| draw(grid, viewport, state);
    let on_click = move |ev: web_sys::MouseEvent| {
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        if let Ok(Some(button)) = target.closest("[data-row-action]") {
            let row = button
                .closest("[data-row]")
                .ok()
                .flatten()
                .and_then(|r| r.get_attribute("data-row"))
                .and_then(|r| r.parse::<usize>().ok());
            if let (Some(row), Some(action)) = (row, button.get_attribute("data-row-action")) {
                row_action(state, grid, row, &action);
            }
        } else if target.has_attribute("data-select") {
            let checked = target
                .dyn_ref::<web_sys::HtmlInputElement>()
                .is_some_and(|i| i.checked());
            select(
                grid,
                target.get_attribute("data-select").as_deref(),
                checked,
            );
            draw(grid, viewport, state);
        } else if target
            .closest("[data-grid=\"delete-selected\"]")
            .ok()
            .flatten()
            .is_some()
        {
            leptos::task::spawn_local(delete_selected(state, grid));
        }
    };

    view! {
        <section class="panel item-grid" aria-labelledby="grid-heading" on:click=on_click>
            <div class="title-row">
                <h2 id="grid-heading">"Items"</h2>
                <button type="button" class="small danger" data-grid="delete-selected" data-testid="delete-selected" hidden>
                    "Delete selected"
                </button>
            </div>
            <div data-grid-error></div>
            <p class="muted" data-grid-count>"Loading…"</p>
            <div class="grid-viewport" node_ref=viewport on:scroll=on_scroll>
                <table data-testid="item-grid">
                    <thead></thead>
                    <tbody></tbody>
                </table>
            </div>
        </section>
    }
}

/// Reads the table again from its start, as far as the grid had read it (one page at
/// least), keeping the scroll position; sets the table's description for the other views.
async fn reload(
    state: AppState,
    grid: StoredValue<Loaded>,
    viewport: NodeRef<leptos::html::Div>,
    table: String,
) {
    let same = grid.with_value(|g| g.table == table);
    if same && grid.with_value(|g| g.loading) {
        grid.update_value(|g| g.stale = true);
        return;
    }
    let wanted = if same {
        grid.with_value(|g| g.rows.len())
    } else {
        0
    };
    grid.update_value(|g| {
        g.loading = true;
        g.stale = false;
    });
    let described = match state
        .send("DescribeTable", &json!({ "TableName": table }))
        .await
    {
        Ok(described) => described,
        Err(e) => {
            grid.update_value(|g| g.loading = false);
            return show_error(&e);
        }
    };
    let info = TableInfo::from_describe(&described);
    let keys: Vec<String> = info
        .as_ref()
        .map(|i| i.keys.iter().map(|k| k.name.clone()).collect())
        .unwrap_or_default();
    if state.selected.get_untracked().as_deref() != Some(table.as_str()) {
        grid.update_value(|g| g.loading = false);
        return;
    }
    state.info.set(info);
    // Read into a fresh copy while the grid keeps showing the old one.
    let mut fresh = Loaded {
        table: table.clone(),
        columns: keys.clone(),
        keys,
        selected: if same {
            grid.with_value(|g| g.selected.clone())
        } else {
            BTreeMap::new()
        },
        ..Loaded::default()
    };
    loop {
        match scan_page(state, &table, fresh.next.take()).await {
            Ok((rows, next)) => fresh.add_page(rows, next),
            Err(e) => {
                grid.update_value(|g| g.loading = false);
                return show_error(&e);
            }
        }
        if fresh.done || fresh.rows.len() >= wanted {
            break;
        }
    }
    let stale = grid.with_value(|g| g.stale);
    grid.set_value(fresh);
    if !same && let Some(v) = viewport.get_untracked() {
        v.set_scroll_top(0);
    }
    set_html("[data-grid-error]", "");
    draw(grid, viewport, state);
    if stale {
        Box::pin(reload(state, grid, viewport, table)).await;
    }
}

/// One Scan page ([`PAGE_ITEMS`] items or 1 MB, strongly consistent: the grid shows what the table holds, not what
/// one replica has seen) from `start`: its items and where the next page starts.
async fn scan_page(
    state: AppState,
    table: &str,
    start: Option<Value>,
) -> Result<(Vec<Map<String, Value>>, Option<Value>), ShownError> {
    let mut request = json!({ "TableName": table, "ConsistentRead": true, "Limit": PAGE_ITEMS });
    if let Some(start) = start {
        request["ExclusiveStartKey"] = start;
    }
    let mut response = state.send("Scan", &request).await?;
    let rows = match response["Items"].take() {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|i| match i {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok((rows, response.get("LastEvaluatedKey").cloned()))
}

/// Reads one more page in the background when the view nears the last row loaded.
fn prefetch(state: AppState, grid: StoredValue<Loaded>, viewport: NodeRef<leptos::html::Div>) {
    grid.update_value(|g| g.loading = true);
    leptos::task::spawn_local(async move {
        let (table, start) = grid.with_value(|g| (g.table.clone(), g.next.clone()));
        let result = scan_page(state, &table, start).await;
        grid.update_value(|g| g.loading = false);
        match result {
            // Unless the grid was read again meanwhile (another table, or from the start).
            Ok((rows, next)) => {
                let current = grid.with_value(|g| g.table == table && !g.done);
                if current {
                    grid.update_value(|g| g.add_page(rows, next));
                    draw(grid, viewport, state);
                }
            }
            Err(e) => show_error(&e),
        }
        // Writes while the page was read: read the grid again.
        if grid.with_value(|g| g.stale) {
            reload(state, grid, viewport, table).await;
        }
    });
}

/// Draws the rows in view between two spacer rows, the header, the count and the bulk
/// delete button; a scroll that stays within the rows already drawn draws nothing.
fn draw(grid: StoredValue<Loaded>, viewport: NodeRef<leptos::html::Div>, state: AppState) {
    let Some(view) = viewport.get_untracked() else {
        return;
    };
    let top = f64::from(view.scroll_top());
    let height = f64::from(view.client_height()).max(ROW_PX);
    let visible_from = (top / ROW_PX) as usize;
    let visible_to = visible_from + (height / ROW_PX).ceil() as usize;
    let covered = grid.with_value(|g| {
        !g.dirty && g.drawn.0 <= visible_from && visible_to.min(g.rows.len()) <= g.drawn.1
    });
    let near_end =
        grid.with_value(|g| !g.done && !g.loading && visible_to + PREFETCH_ROWS >= g.rows.len());
    if near_end {
        prefetch(state, grid, viewport);
    }
    if covered {
        return;
    }
    let (head, body, count, selected) = grid.with_value(|g| {
        let last = (visible_to + OVERSCAN).min(g.rows.len());
        let first = visible_from.saturating_sub(OVERSCAN).min(last);
        let mut body = format!(
            "<tr class=\"spacer\" style=\"height:{}px\"></tr>",
            first as f64 * ROW_PX
        );
        for (i, row) in g.rows[first..last].iter().enumerate() {
            body += &row_html(g, first + i, row);
        }
        body += &format!(
            "<tr class=\"spacer\" style=\"height:{}px\"></tr>",
            (g.rows.len() - last) as f64 * ROW_PX
        );
        (head_html(g), body, count_html(g), g.selected.len())
    });
    grid.update_value(|g| {
        let last = (visible_to + OVERSCAN).min(g.rows.len());
        g.drawn = (visible_from.saturating_sub(OVERSCAN).min(last), last);
        g.dirty = false;
    });
    if let Ok(Some(thead)) = view.query_selector("thead")
        && thead.inner_html() != head
    {
        thead.set_inner_html(&head);
    }
    if let Ok(Some(tbody)) = view.query_selector("tbody") {
        tbody.set_inner_html(&body);
    }
    set_html("[data-grid-count]", &count);
    if let Some(button) = element("[data-grid=\"delete-selected\"]") {
        let _ = if selected == 0 {
            button.set_attribute("hidden", "")
        } else {
            button.remove_attribute("hidden")
        };
        button.set_text_content(Some(&format!("Delete {selected} selected")));
    }
}

fn head_html(g: &Loaded) -> String {
    let mut head = String::from(
        "<tr><th scope=\"col\" class=\"select\"><input type=\"checkbox\" data-select=\"all\" aria-label=\"Select every item loaded\"></th>",
    );
    for column in &g.columns {
        head += &format!("<th scope=\"col\">{}</th>", escape(column));
    }
    head += "<th scope=\"col\"><span class=\"visually-hidden\">Actions</span></th></tr>";
    head
}

fn row_html(g: &Loaded, index: usize, row: &Map<String, Value>) -> String {
    let key = g.key_of(row);
    let checked = if g.selected.contains_key(&key.to_string()) {
        " checked"
    } else {
        ""
    };
    let mut html = format!(
        "<tr class=\"item\" data-testid=\"item-row\" data-row=\"{index}\"><td class=\"select\"><input type=\"checkbox\" data-select=\"{index}\" aria-label=\"Select item {}\"{checked}></td>",
        index + 1
    );
    for column in &g.columns {
        match row.get(column) {
            Some(value) => {
                let kind = type_of(value);
                html += &format!(
                    "<td class=\"v v-{kind}\" title=\"{}\">{}</td>",
                    escape(&format!("{kind}: {value}")),
                    escape(&value_text::compact(value, CELL_CHARS))
                );
            }
            None => html += "<td class=\"v missing\"></td>",
        }
    }
    html += &format!(
        "<td class=\"row-actions\"><button type=\"button\" class=\"small\" data-testid=\"edit-item\" data-row-action=\"edit\">Edit</button> \
         <button type=\"button\" class=\"small\" data-testid=\"locate-item\" data-row-action=\"locate\" aria-label=\"Locate {} in the cluster\" title=\"Show where this item lives: partition and replicas\">Locate</button> \
         <button type=\"button\" class=\"small danger\" data-testid=\"delete-item\" data-row-action=\"delete\">Delete</button></td></tr>",
        escape(&super::text::key_text(&key, None))
    );
    html
}

fn count_html(g: &Loaded) -> String {
    match (g.rows.len(), g.done) {
        (0, true) => {
            "<span data-testid=\"grid-empty\">This table has no items yet.</span>".to_owned()
        }
        (1, true) => "<span data-testid=\"grid-count\">1 item.</span>".to_owned(),
        (n, true) => format!(
            "<span data-testid=\"grid-count\">{} items.</span>",
            thousands(n)
        ),
        (n, false) => format!(
            "<span data-testid=\"grid-count\">{} items read so far; scroll on for more.</span>",
            thousands(n)
        ),
    }
}

fn thousands(n: usize) -> String {
    dynoscope_query_builder::page::thousands(n as u64)
}

/// Edit, Locate or Delete one row.
fn row_action(state: AppState, grid: StoredValue<Loaded>, index: usize, action: &str) {
    let Some((table, row, key)) = grid.with_value(|g| {
        let row = g.rows.get(index)?;
        Some((g.table.clone(), row.clone(), g.key_of(row)))
    }) else {
        return;
    };
    match action {
        "edit" => {
            super::item_editor::edit(
                state,
                serde_json::to_string_pretty(&Value::Object(row)).unwrap_or_default(),
            );
            focus_editor();
        }
        "locate" => {
            if let Value::Object(key) = key {
                state.locate_key.set(Some((table, key)));
                state.view.set(MainView::Cluster);
            }
        }
        "delete" => leptos::task::spawn_local(async move {
            // The grid reloads through the engine's change notice.
            let request = json!({ "TableName": table, "Key": key });
            if let Err(e) = state.send("DeleteItem", &request).await {
                show_error(&e);
            }
        }),
        _ => {}
    }
}

/// Selects or unselects one row (`data-select` is its index) or every loaded row (`all`).
fn select(grid: StoredValue<Loaded>, which: Option<&str>, on: bool) {
    grid.update_value(|g| {
        g.dirty = true;
        let indexes: Vec<usize> = match which {
            Some("all") => (0..g.rows.len()).collect(),
            Some(i) => i.parse().into_iter().collect(),
            None => Vec::new(),
        };
        for i in indexes {
            let Some(row) = g.rows.get(i) else { continue };
            let key = g.key_of(row);
            if on {
                g.selected.insert(key.to_string(), key);
            } else {
                g.selected.remove(&key.to_string());
            }
        }
    });
}

/// Deletes the selected items with BatchWriteItem, after asking.
async fn delete_selected(state: AppState, grid: StoredValue<Loaded>) {
    let (table, keys): (String, Vec<Value>) =
        grid.with_value(|g| (g.table.clone(), g.selected.values().cloned().collect()));
    let question = format!("Delete {} items from {table}?", keys.len());
    let confirmed = web_sys::window()
        .and_then(|w| w.confirm_with_message(&question).ok())
        .unwrap_or(false);
    if !confirmed {
        return;
    }
    for chunk in keys.chunks(BATCH_KEYS) {
        let mut pending: Vec<Value> = chunk
            .iter()
            .map(|key| json!({ "DeleteRequest": { "Key": key } }))
            .collect();
        // Unprocessed requests (throttled) are sent again, a few times at most.
        for _ in 0..10 {
            if pending.is_empty() {
                break;
            }
            let request = json!({ "RequestItems": { table.as_str(): pending } });
            match state.send("BatchWriteItem", &request).await {
                Ok(mut response) => {
                    pending = match response["UnprocessedItems"][table.as_str()].take() {
                        Value::Array(left) => left,
                        _ => Vec::new(),
                    };
                }
                Err(e) => return show_error(&e),
            }
        }
    }
    grid.update_value(|g| {
        g.selected.clear();
        g.dirty = true;
    });
}

fn show_error(e: &ShownError) {
    set_html(
        "[data-grid-error]",
        &error_text(&format!("{}: {}", e.name, e.message)),
    );
}

/// A `toggle` listener for a `<details>` that calls `show(table)` each time it opens.
fn on_open(table: String, show: fn(String)) -> impl Fn(web_sys::Event) + Clone + 'static {
    move |ev: web_sys::Event| {
        let open = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
            .is_some_and(|d| d.open());
        if open {
            show(table.clone());
        }
    }
}
