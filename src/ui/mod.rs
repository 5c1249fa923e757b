//! The Leptos UI: the [`App`] shell (header, sidebar with the table list and the create-table
//! form, the selected table's Items view (item editor and grid) or Cluster view (clock,
//! simulation preset, partition map, capacity chart, item locator, event timeline, stream
//! viewer, cost panel), an API console) and the
//! state its regions share through context, [`AppState`]. Every request goes through
//! [`AppState::send`], which calls [`EngineHandle::send`]: the UI never touches the engine
//! directly. Errors are shown with [`ErrorNotice`] as DynamoDB names them
//! (`ResourceNotFoundException: ...`).

mod activity;
mod beyond;
mod capacity_chart;
mod cli_console;
mod clock;
mod cluster;
mod code;
mod console;
mod cost_panel;
pub(crate) mod create_table;
mod database;
mod dom;
mod home;
mod item_editor;
mod item_grid;
mod learn;
mod load_generator;
mod locate;
mod model;
mod partition_map;
mod query_builder;
mod resource;
pub mod route;
mod simulation;
mod stream_viewer;
mod table_list;
mod table_settings;
mod text;
mod timeline;
mod triggers;

use dynoscope_engine::DynamoError;
use leptos::prelude::*;
use serde_json::{Map, Value};

use crate::bridge::EngineHandle;

/// A DynamoDB error, ready to show: the short name, the wire `__type` and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownError {
    pub name: String,
    pub wire_type: String,
    pub message: String,
}

impl ShownError {
    /// An error raised by the UI itself, named like DynamoDB's client-side validation.
    pub fn local(message: impl Into<String>) -> Self {
        ShownError {
            name: "ValidationException".into(),
            wire_type: String::new(),
            message: message.into(),
        }
    }
}

impl From<&DynamoError> for ShownError {
    fn from(e: &DynamoError) -> Self {
        ShownError {
            name: e.kind.name().to_owned(),
            wire_type: e.wire_type(),
            message: e.message.clone(),
        }
    }
}

/// A key attribute of the selected table: name, type (`S`, `N`, `B`) and role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAttr {
    pub name: String,
    pub kind: String,
    /// `HASH` or `RANGE`.
    pub role: String,
}

/// What the UI knows of the selected table, from DescribeTable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    pub name: String,
    pub keys: Vec<KeyAttr>,
    pub status: String,
    pub billing: String,
    pub item_count: u64,
}

impl TableInfo {
    /// Reads a DescribeTable response.
    pub fn from_describe(response: &Value) -> Option<TableInfo> {
        let table = response.get("Table")?;
        let definitions = table.get("AttributeDefinitions")?.as_array()?;
        let kind_of = |name: &str| {
            definitions
                .iter()
                .find(|d| d.get("AttributeName").and_then(Value::as_str) == Some(name))
                .and_then(|d| d.get("AttributeType").and_then(Value::as_str))
                .unwrap_or("?")
                .to_owned()
        };
        let mut keys: Vec<KeyAttr> = table
            .get("KeySchema")?
            .as_array()?
            .iter()
            .filter_map(|k| {
                let name = k.get("AttributeName")?.as_str()?.to_owned();
                let role = k.get("KeyType")?.as_str()?.to_owned();
                Some(KeyAttr {
                    kind: kind_of(&name),
                    name,
                    role,
                })
            })
            .collect();
        dynoscope_engine::sorting::sort_by_key(&mut keys, |k| k.role != "HASH");
        let billing = table
            .get("BillingModeSummary")
            .and_then(|b| b.get("BillingMode"))
            .and_then(Value::as_str)
            .unwrap_or("PROVISIONED")
            .to_owned();
        Some(TableInfo {
            name: table.get("TableName")?.as_str()?.to_owned(),
            keys,
            status: table
                .get("TableStatus")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            billing,
            item_count: table.get("ItemCount").and_then(Value::as_u64).unwrap_or(0),
        })
    }

    /// An item skeleton with this table's key attributes, as a hint for the editor:
    /// `{"pk": {"S": "example"}, "sk": {"N": "1"}}`.
    pub fn item_template(&self) -> String {
        let attributes: Vec<String> = self
            .keys
            .iter()
            .map(|key| {
                let example = match key.kind.as_str() {
                    "N" => r#"{"N": "1"}"#,
                    "B" => r#"{"B": "AAE="}"#,
                    _ => r#"{"S": "example"}"#,
                };
                format!("{}: {example}", Value::String(key.name.clone()))
            })
            .collect();
        format!("{{{}}}", attributes.join(", "))
    }
}

/// Which view of the selected table the main area shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MainView {
    /// The item editor and the grid.
    #[default]
    Items,
    /// The simulated cluster: partitions, replicas, events.
    Cluster,
    /// The Query and Scan builder.
    Query,
}

/// The shortest time between two refreshes of the views after writes.
const REFRESH_GAP: std::time::Duration = std::time::Duration::from_millis(150);

/// State the UI regions share, provided as context. Copy: every field is an arena handle.
#[derive(Clone, Copy)]
pub struct AppState {
    engine: StoredValue<EngineHandle, LocalStorage>,
    /// Table names, as ListTables last reported them.
    pub tables: RwSignal<Vec<String>>,
    /// The table whose items are shown.
    pub selected: RwSignal<Option<String>>,
    /// DescribeTable of the selected table, once loaded.
    pub info: RwSignal<Option<TableInfo>>,
    /// Bumped after every successful write, so views reload what they show.
    pub revision: RwSignal<u64>,
    /// The item editor's text (the grid's Edit button fills it).
    pub editor_text: RwSignal<String>,
    /// The view of the selected table the main area shows.
    pub view: RwSignal<MainView>,
    /// A table and primary key (DynamoDB JSON) the item locator should look up: the grid's
    /// Locate button sets it and switches to the Cluster view.
    pub locate_key: RwSignal<Option<(String, Map<String, Value>)>>,
    /// The top-level view, mirrored in the URL path (see [`route`]).
    pub page: RwSignal<route::Page>,
    /// The model the Model view edits (saved in IndexedDB beside the data).
    pub model: RwSignal<Option<dynoscope_model::Model>>,
    /// The guided scenario the Learn view plays (`/learn/ID`).
    pub lesson: RwSignal<Option<String>>,
}

impl AppState {
    fn new(handle: EngineHandle) -> Self {
        AppState {
            engine: StoredValue::new_local(handle),
            tables: RwSignal::new(Vec::new()),
            selected: RwSignal::new(None),
            info: RwSignal::new(None),
            revision: RwSignal::new(0),
            editor_text: RwSignal::new(String::new()),
            view: RwSignal::new(MainView::Items),
            locate_key: RwSignal::new(None),
            page: RwSignal::new(route::Page::Home),
            model: RwSignal::new(None),
            lesson: RwSignal::new(None),
        }
    }

    /// Marks the data as changed: lists and grids reload.
    pub fn changed(&self) {
        self.revision.update(|r| *r += 1);
    }

    /// The engine handle, for calls that send several requests.
    pub fn handle(&self) -> Result<EngineHandle, ShownError> {
        self.engine
            .try_get_value()
            .ok_or_else(|| ShownError::local("the page is shutting down"))
    }

    /// Sends one request through the engine handle and parses the JSON response.
    pub async fn send(&self, operation: &str, request: &Value) -> Result<Value, ShownError> {
        self.send_as("ui", operation, request).await
    }

    /// Sends one request and returns the response's JSON text.
    pub async fn send_text(&self, operation: &str, request: &Value) -> Result<String, ShownError> {
        self.send_text_as("ui", operation, request).await
    }

    /// Sends one request as `source` (the activity log's sender), parsing the response.
    pub async fn send_as(
        &self,
        source: &'static str,
        operation: &str,
        request: &Value,
    ) -> Result<Value, ShownError> {
        let text = self.send_text_as(source, operation, request).await?;
        serde_json::from_slice(text.as_bytes())
            .map_err(|e| ShownError::local(format!("unreadable response: {e}")))
    }

    async fn send_text_as(
        &self,
        source: &'static str,
        operation: &str,
        request: &Value,
    ) -> Result<String, ShownError> {
        let handle = self.handle()?.with_source(source);
        handle
            .send(operation, &request.to_string())
            .await
            .map_err(|e| ShownError::from(&e))
    }

    /// Every table name, following ListTables pages.
    async fn list_tables(&self) -> Result<Vec<String>, ShownError> {
        Ok(crate::playground::table_names(&self.handle()?).await?)
    }
}

/// Shows a DynamoDB error: its name in bold, then the message.
#[component]
pub fn ErrorNotice(error: ShownError, #[prop(into)] testid: String) -> impl IntoView {
    let title = error.wire_type.clone();
    view! {
        <div class="error" role="alert" data-testid=testid title=title>
            <strong class="error-name">{error.name}</strong>
            <span class="error-message">{error.message}</span>
        </div>
    }
}

/// The whole page.
#[component]
pub fn App(handle: EngineHandle) -> impl IntoView {
    let state = AppState::new(handle.clone());
    provide_context(state);
    // Writes from anywhere (the UI, the console, `window.dynoscope`, TTL deletes made while
    // serving a request) refresh the views, at most once per REFRESH_GAP: a burst of
    // writes (a load run, a model applied) would otherwise redraw every view per commit.
    let pending = std::rc::Rc::new(std::cell::Cell::new(false));
    handle.on_data_change(move || {
        if pending.replace(true) {
            return;
        }
        let pending = pending.clone();
        set_timeout(
            move || {
                pending.set(false);
                state.revision.try_update(|r| *r += 1);
            },
            REFRESH_GAP,
        );
    });
    let list_error = RwSignal::new(None::<ShownError>);

    // The table list follows every write.
    Effect::new(move |_| {
        state.revision.track();
        leptos::task::spawn_local(async move {
            match state.list_tables().await {
                Ok(names) => {
                    list_error.set(None);
                    // A table dropped elsewhere (console, JS API) is no longer selected.
                    if let Some(selected) = state.selected.get_untracked()
                        && !names.contains(&selected)
                    {
                        state.selected.set(None);
                    }
                    state.tables.set(names);
                }
                Err(e) => list_error.set(Some(e)),
            }
        });
    });

    route::sync(state);
    // The current model follows the store too: `window.dynoscope.importModel` changes it.
    {
        let handle = handle.clone();
        Effect::new(move |_| {
            state.revision.track();
            let handle = handle.clone();
            leptos::task::spawn_local(async move {
                match crate::playground::load_current(&handle).await {
                    Ok(model) if model != state.model.get_untracked() => state.model.set(model),
                    Ok(_) => {}
                    Err(e) => web_sys::console::warn_1(
                        &format!("dynoscope: the saved model could not be read: {e}").into(),
                    ),
                }
            });
        });
    }

    view! {
        <header class="app-header">
            <h1>"Dynoscope"</h1>
            <nav class="app-nav" aria-label="Views">
                <route::NavLink page=route::Page::Home testid="nav-home">"Home"</route::NavLink>
                <route::NavLink page=route::Page::Tables testid="nav-tables">"Tables"</route::NavLink>
                <route::NavLink page=route::Page::Model testid="nav-model">"Model"</route::NavLink>
                <route::NavLink page=route::Page::Learn testid="nav-learn">"Learn"</route::NavLink>
                <route::NavLink page=route::Page::Activity testid="nav-activity">"Activity"</route::NavLink>
            </nav>
            <p class="tagline">"Amazon DynamoDB in a browser tab. Data stays in this browser's IndexedDB."</p>
        </header>
        {move || match state.page.get() {
            route::Page::Home => view! { <home::Home /> }.into_any(),
            route::Page::Tables => view! { <TablesPage list_error=list_error /> }.into_any(),
            route::Page::Model => view! { <model::ModelPage /> }.into_any(),
            route::Page::Learn => view! { <learn::LearnPage /> }.into_any(),
            route::Page::Activity => view! { <activity::ActivityPage /> }.into_any(),
        }}
    }
}

/// The table workbench: the table list and create-table form beside the selected table's
/// Items or Cluster view, and the API console.
#[component]
fn TablesPage(list_error: RwSignal<Option<ShownError>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <div class="layout">
            <aside class="sidebar">
                <table_list::TableList />
                {move || list_error.get().map(|e| view! { <ErrorNotice error=e testid="table-list-error" /> })}
                <create_table::CreateTable />
                <database::DatabasePanel />
            </aside>
            <main class="content">
                {move || match state.selected.get() {
                    Some(table) => view! {
                        <item_grid::TableHeader table=table.clone() />
                        <ViewSwitch />
                        {move || match state.view.get() {
                            MainView::Items => view! {
                                <item_editor::ItemEditor />
                                <item_grid::ItemGrid />
                            }.into_any(),
                            MainView::Cluster => view! {
                                <cluster::ClusterView table=table.clone() />
                            }.into_any(),
                            MainView::Query => view! {
                                <query_builder::QueryBuilder table=table.clone() />
                            }.into_any(),
                        }}
                    }.into_any(),
                    None => view! {
                        <section class="panel empty-state" data-testid="no-table">
                            <h2>"No table selected"</h2>
                            <p>"Create a table with the form on the left, or pick one from the list. To start from a design instead, open the Model view."</p>
                        </section>
                    }.into_any(),
                }}
                <cli_console::CliConsole />
                <console::ApiConsole />
            </main>
        </div>
    }
}

/// Two toggle buttons choosing the selected table's view: Items or Cluster.
#[component]
fn ViewSwitch() -> impl IntoView {
    let state = expect_context::<AppState>();
    let button = move |view: MainView, label: &'static str, testid: &'static str| {
        let pressed = move || state.view.get() == view;
        view! {
            <button
                type="button"
                class="view-tab"
                class:selected=pressed
                aria-pressed=move || if pressed() { "true" } else { "false" }
                data-testid=testid
                on:click=move |_| state.view.set(view)
            >
                {label}
            </button>
        }
    };
    view! {
        <nav class="view-switch" role="group" aria-label="View of the table">
            {button(MainView::Items, "Items", "view-items")}
            {button(MainView::Query, "Query", "view-query")}
            {button(MainView::Cluster, "Cluster", "view-cluster")}
        </nav>
    }
}

/// Removes the "Opening the database" placeholder that index.html shows until now.
fn remove_boot_notice() {
    if let Some(node) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        node.remove();
    }
}

/// Mounts the app on the page body.
pub fn mount(handle: EngineHandle) {
    remove_boot_notice();
    code::install();
    dom::keep_engine(handle.clone());
    query_builder::install();
    activity::install();
    table_settings::install();
    triggers::install();
    load_generator::install();
    timeline::install();
    beyond::install();
    let app = handle.clone();
    leptos::mount::mount_to_body(move || view! { <App handle=app /> });
    database::install(handle);
}
