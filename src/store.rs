//! The IndexedDB store: the engine's [`Store`] in the browser. One database (named by the
//! caller; the app uses [`DEFAULT_DB_NAME`], or one per workspace) at version 5 with six
//! object stores: `tables` (key: table name, value: the table's state JSON), `pages` (added
//! in version 5; key: the array `[tableName, n]`, value: a page of the table's items,
//! [`crate::pages`]), `settings` (key: a setting's name, value: its JSON; added in version
//! 2), `models` (the playground's current model, which the engine never sees; added in
//! version 3), `journal` (added in version 4: auto-numbered records, each the JSON array of
//! one commit's changes) and `items` (before version 5 the items, one row each under
//! `[tableName, keyText]`; still read, and emptied into pages by the next fold).
//!
//! A commit is one record appended to `journal`: one put in one transaction, however many
//! changes it holds, so a group commit of a thousand writes costs about what one write
//! costs. [`Store::load`] reads the state stores and lays the journal over them;
//! [`IdbStore::compact`] folds the journal in, off the path of any request: one transaction
//! reads the journal and the pages of every table it touches, writes those tables' pages
//! anew and deletes the records it folded. Every change sets a final value, and each fold is
//! one transaction, so the state stores plus the journal always come to the same state
//! however much has been folded in, by this tab or another. Array keys sort by table first,
//! which lets a table's pages (or old rows) go in one key-range delete.

use std::fmt;

use dynoscope_engine::{Change, DynamoError, ErrorKind, MemoryStore, Snapshot, Store};

use crate::pages::Overlay;
use indexed_db_futures::KeyRange;
use indexed_db_futures::database::Database;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use wasm_bindgen::JsValue;

/// The database the app keeps its data in.
pub const DEFAULT_DB_NAME: &str = "dynoscope";
/// Schema version of the database layout described above (2 added `settings`, 3 `models`,
/// 4 `journal`, 5 `pages`).
pub const DB_VERSION: u32 = 5;
/// Object store of table definitions.
pub const TABLES: &str = "tables";
/// Object store of items as pages (since version 5).
pub const PAGES: &str = "pages";
/// Object store of items one row each (before version 5; read until folded into pages).
pub const ITEMS: &str = "items";
/// Object store of the engine's own settings (simulation, clock): name to JSON.
pub const SETTINGS: &str = "settings";
/// Object store of the playground's texts (not the engine's: it knows nothing of them): the
/// model file's JSON under [`CURRENT_MODEL`], the learn workspace's progress under
/// [`LESSON_PROGRESS`].
pub const MODELS: &str = "models";
/// The key of the model the Model view edits.
pub const CURRENT_MODEL: &str = "current";
/// The key of the guided scenario the learn workspace holds, with how far it was played.
pub const LESSON_PROGRESS: &str = "lesson";
/// The key of the stream triggers' functions (`crate::functions`): their JSON list.
pub const FUNCTIONS: &str = "functions";
/// The key of the engine build a database needs (`full` once the full engine served it;
/// absent: the first load's), read before the engine is started (`crate::bridge`).
pub const ENGINE_EDITION: &str = "engine-edition";
/// Object store of commits not yet folded into the state stores: auto-numbered keys, each
/// value the JSON array of one commit's [`Change`]s.
pub const JOURNAL: &str = "journal";

/// Why IndexedDB refused: the browser's own wording, kept for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    pub message: String,
    /// The browser refused for lack of space (QuotaExceededError).
    pub quota: bool,
}

impl StoreError {
    pub fn new(message: impl Into<String>) -> Self {
        StoreError {
            message: message.into(),
            quota: false,
        }
    }

    /// The error as the engine's InternalFailure, for callers that answer in DynamoDB terms.
    pub fn to_dynamo(&self) -> DynamoError {
        DynamoError::new(
            ErrorKind::InternalFailure,
            format!("IndexedDB: {}", self.message),
        )
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        let quota = match &e {
            indexed_db_futures::error::Error::DomException(dom) => {
                use indexed_db_futures::internals::SystemRepr;
                dom.as_sys().name() == "QuotaExceededError"
            }
            _ => false,
        };
        StoreError {
            message: e.to_string(),
            quota,
        }
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        StoreError::new(e.to_string())
    }
}

/// An open IndexedDB database holding Dynoscope's data. Cloning is cheap and shares the
/// connection, so concurrent commits need no lock: IndexedDB runs overlapping readwrite
/// transactions in the order they were created.
#[derive(Debug, Clone)]
pub struct IdbStore {
    db: Database,
}

impl IdbStore {
    /// Opens (creating or upgrading as needed) the database called `name`.
    pub async fn open(name: &str) -> Result<Self, StoreError> {
        let db = Database::open(name)
            .with_version(DB_VERSION)
            .with_on_upgrade_needed(|_event, db| {
                // Each version only adds stores: create whatever is missing.
                let existing: Vec<String> = db.object_store_names().collect();
                for store in [TABLES, ITEMS, SETTINGS, MODELS, PAGES] {
                    if !existing.iter().any(|name| name == store) {
                        db.create_object_store(store).build()?;
                    }
                }
                if !existing.iter().any(|name| name == JOURNAL) {
                    db.create_object_store(JOURNAL)
                        .with_auto_increment(true)
                        .build()?;
                }
                Ok(())
            })
            .await?;
        Ok(IdbStore { db })
    }

    /// The database's name.
    pub fn name(&self) -> String {
        self.db.name()
    }

    /// Closes the connection (pending transactions still finish).
    pub fn close(self) {
        self.db.close();
    }

    /// Deletes the database called `name` (tests use it to clean up).
    pub async fn delete_database(name: &str) -> Result<(), StoreError> {
        Database::delete_by_name(name)?.await?;
        Ok(())
    }
}

impl IdbStore {
    /// The text kept under `key` beside the model ([`CURRENT_MODEL`], [`LESSON_PROGRESS`]).
    pub async fn load_text(&self, key: &str) -> Result<Option<String>, StoreError> {
        let tx = self.db.transaction(MODELS).build()?;
        let models = tx.object_store(MODELS)?;
        Ok(models
            .get::<String, _, _>(key.to_owned())
            .primitive()?
            .await?)
    }

    /// Keeps `text` under `key` (or with `None` forgets it), durably.
    pub async fn save_text(&self, key: &str, text: Option<&str>) -> Result<(), StoreError> {
        self.put_text(MODELS, key, text).await
    }

    /// Keeps the engine's history (`dynoscope_engine::Engine::history`) as the setting of that
    /// name, in a transaction of its own: it is not an acknowledged write and never passes
    /// through the journal, and the next load hands it to the engine with the settings.
    pub async fn save_history(&self, text: &str) -> Result<(), StoreError> {
        (self.put_text(SETTINGS, dynoscope_engine::HISTORY_SETTING, Some(text))).await
    }

    /// Puts `text` under `key` in the object store `store` (or with `None` deletes it).
    async fn put_text(&self, store: &str, key: &str, text: Option<&str>) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(store)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        {
            let store = tx.object_store(store)?;
            match text {
                Some(text) => drop(
                    store
                        .put(text.to_owned())
                        .with_key(key.to_owned())
                        .primitive()?,
                ),
                None => drop(store.delete::<String, _>(key.to_owned()).primitive()?),
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Every row of `table` in `items` or `pages`: from `[table]` up to `[table, []]`; an array
/// sorts after any string or number, so every `[table, …]` lies inside and no other
/// table's rows do.
fn table_range(table: &str) -> KeyRange<JsValue> {
    let lower: JsValue = js_sys::Array::of1(&JsValue::from_str(table)).into();
    let upper: JsValue =
        js_sys::Array::of2(&JsValue::from_str(table), &js_sys::Array::new()).into();
    KeyRange::Bound(lower, false, upper, false)
}

/// The stores a load or a fold reads and writes.
const STATE: [&str; 5] = [TABLES, PAGES, ITEMS, SETTINGS, JOURNAL];

impl Store for IdbStore {
    type Error = StoreError;

    async fn load(&self) -> Result<Snapshot, StoreError> {
        let tx = self.db.transaction(STATE).build()?;
        // Every request goes out before the first await.
        let tables = Rows::request(&tx.object_store(TABLES)?, None)?;
        let settings = Rows::request(&tx.object_store(SETTINGS)?, None)?;
        let journal = Rows::request(&tx.object_store(JOURNAL)?, None)?;
        let pages = Rows::request(&tx.object_store(PAGES)?, None)?;
        let old_rows = Rows::request(&tx.object_store(ITEMS)?, None)?;

        let mut state = MemoryStore::new();
        state.apply(
            &tables
                .finish()
                .await?
                .changes(|table, state| Change::PutTable { table, state }),
        );
        state.apply(
            &settings
                .finish()
                .await?
                .changes(|name, value| Change::PutSetting {
                    name,
                    value: Some(value),
                }),
        );
        let journal = journal.finish().await?.journal()?;
        for changes in &journal {
            let settled: Vec<Change> = changes
                .iter()
                .filter(|c| !matches!(c, Change::PutItem { .. } | Change::DeleteItem { .. }))
                .cloned()
                .collect();
            state.apply(&settled);
        }
        let mut stored = StoredItems::default();
        stored.add_old_rows(old_rows.finish().await?)?;
        stored.add_pages(pages.finish().await?)?;
        let overlay = Overlay::of(journal);
        let mut snapshot = state.snapshot();
        for table in stored.tables_with(&overlay) {
            let rows = overlay.rows(&table, stored.rows(&table)?);
            snapshot.items.extend(
                rows.into_iter()
                    .map(|(_, item)| (table.clone(), item.to_owned())),
            );
        }
        Ok(snapshot)
    }

    async fn commit(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let record = serde_json::to_string(changes)
            .map_err(|e| StoreError::new(format!("the changes could not be written: {e}")))?;
        // The request is issued before the first await, so the transaction is created (and
        // therefore ordered) at the moment commit is first polled.
        let tx = self
            .db
            .transaction(JOURNAL)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        drop(tx.object_store(JOURNAL)?.put(record).primitive()?);
        // A failed request aborts the transaction, and commit then reports the abort.
        tx.commit().await?;
        Ok(())
    }
}

impl IdbStore {
    /// Replaces everything stored (tables, items, settings, the journal) with `changes`
    /// applied to an empty store, in one transaction: an import, a reset or a rewrite after
    /// unreadable records were skipped lands whole or not at all.
    pub async fn replace_all(&self, changes: &[Change]) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(STATE)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        for store in STATE {
            drop(tx.object_store(store)?.clear()?);
        }
        let overlay = Overlay::of(vec![changes.to_vec()]);
        let (tables, settings) = (tx.object_store(TABLES)?, tx.object_store(SETTINGS)?);
        for change in changes {
            write_setting_or_table(&tables, &settings, change)?;
        }
        let pages = tx.object_store(PAGES)?;
        for table in overlay.table_names() {
            write_pages(&pages, table, &overlay.rows(table, []))?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Folds the journal into the state stores in one transaction: the pages of every table
    /// the journal touches (or that still has rows of the old layout) are read, laid under
    /// the journal and written anew, tables and settings take the journal's last word, and
    /// the records folded are deleted. IndexedDB runs it alone among the transactions on
    /// these stores, so records another tab folded meanwhile are simply gone and a commit
    /// arriving meanwhile waits for it and is folded next time.
    pub async fn compact(&self) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(STATE)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let (tables, settings) = (tx.object_store(TABLES)?, tx.object_store(SETTINGS)?);
        let (pages, items, journal) = (
            tx.object_store(PAGES)?,
            tx.object_store(ITEMS)?,
            tx.object_store(JOURNAL)?,
        );
        let records = Rows::request(&journal, None)?.finish().await?;
        let last = records.keys.last().cloned();
        let old_keys = items.get_all_keys::<JsValue>().primitive()?.await?;
        let old_keys = old_keys.collect::<Result<Vec<JsValue>, _>>()?;
        let changes = records.journal()?;
        let mut touched: Vec<String> = crate::pages::tables_named(&changes)
            .into_iter()
            .map(str::to_owned)
            .collect();
        for key in &old_keys {
            let (table, _) = key_parts(key)?;
            if !touched.contains(&table) {
                touched.push(table);
            }
        }
        if touched.is_empty() && last.is_none() {
            return Ok(());
        }
        let mut stored = StoredItems::default();
        for table in &touched {
            let range = || Some(table_range(table));
            let table_pages = Rows::request(&pages, range())?;
            let old_rows = Rows::request(&items, range())?;
            stored.add_old_rows(old_rows.finish().await?)?;
            stored.add_pages(table_pages.finish().await?)?;
        }
        for change in changes.iter().flatten() {
            write_setting_or_table(&tables, &settings, change)?;
        }
        let overlay = Overlay::of(changes);
        for table in &touched {
            drop(items.delete::<JsValue, _>(table_range(table)).primitive()?);
            drop(pages.delete::<JsValue, _>(table_range(table)).primitive()?);
            write_pages(&pages, table, &overlay.rows(table, stored.rows(table)?))?;
        }
        if let Some(last) = last {
            drop(
                journal
                    .delete::<JsValue, _>(KeyRange::UpperBound(last, false))
                    .primitive()?,
            );
        }
        tx.commit().await?;
        Ok(())
    }

    /// Writes an item as version 4 kept it, one row under `[table, keyText]` (tests of
    /// reading the old layout use it).
    pub async fn put_version_4_row(
        &self,
        table: &str,
        key: &str,
        item: &str,
    ) -> Result<(), StoreError> {
        let tx = (self.db.transaction(ITEMS))
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let key: JsValue =
            js_sys::Array::of2(&JsValue::from_str(table), &JsValue::from_str(key)).into();
        drop(
            tx.object_store(ITEMS)?
                .put(item.to_owned())
                .with_key(key)
                .primitive()?,
        );
        tx.commit().await?;
        Ok(())
    }

    /// How many items are still kept one row each, as version 4 kept them (tests use it).
    pub async fn old_rows(&self) -> Result<u32, StoreError> {
        let tx = self.db.transaction(ITEMS).build()?;
        let count = tx.object_store(ITEMS)?.count().primitive()?;
        Ok(count.await?)
    }

    /// How many journal records wait to be folded in (tests use it).
    pub async fn journal_records(&self) -> Result<u32, StoreError> {
        let tx = self.db.transaction(JOURNAL).build()?;
        let count = tx.object_store(JOURNAL)?.count().primitive()?;
        Ok(count.await?)
    }
}

/// The keys and values of a store's rows (or of a key range of them), requested together.
struct Rows {
    keys: Vec<JsValue>,
    values: Vec<String>,
}

/// The two requests of [`Rows::request`], not yet answered.
struct RowsRequest {
    keys: indexed_db_futures::future::GetAllPrimitiveRequest<JsValue>,
    values: indexed_db_futures::future::GetAllPrimitiveRequest<String>,
}

impl Rows {
    /// Sends the requests for `store`'s rows in `range` (all of them with `None`); the key
    /// and value requests read the same rows in key order.
    fn request(
        store: &ObjectStore<'_>,
        range: Option<KeyRange<JsValue>>,
    ) -> Result<RowsRequest, StoreError> {
        let range = range.unwrap_or(KeyRange::LowerBound(
            JsValue::from(f64::NEG_INFINITY),
            false,
        ));
        Ok(RowsRequest {
            keys: store
                .get_all_keys::<JsValue>()
                .with_query::<JsValue, _>(range.clone())
                .primitive()?,
            values: store
                .get_all::<String>()
                .with_query::<JsValue, _>(range)
                .primitive()?,
        })
    }

    /// The rows as changes: `change(key, value)` for each (keys that are not text are
    /// skipped: the stores read this way key their rows by name).
    fn changes(self, change: impl Fn(String, String) -> Change) -> Vec<Change> {
        (self.keys.iter().map(JsValue::as_string))
            .zip(self.values)
            .filter_map(|(k, v)| Some(change(k?, v)))
            .collect()
    }

    /// The rows as journal records: each one commit's changes.
    fn journal(&self) -> Result<Vec<Vec<Change>>, StoreError> {
        self.keys
            .iter()
            .zip(&self.values)
            .map(|(key, record)| {
                serde_json::from_slice(record.as_bytes()).map_err(|e| {
                    StoreError::new(format!("journal record {key:?} is unreadable: {e}"))
                })
            })
            .collect()
    }
}

impl RowsRequest {
    /// The rows, once both requests are answered.
    async fn finish(self) -> Result<Rows, StoreError> {
        let keys = self.keys.await?.collect::<Result<Vec<JsValue>, _>>()?;
        let values = self.values.await?.collect::<Result<Vec<String>, _>>()?;
        if keys.len() != values.len() {
            return Err(StoreError::new(format!(
                "a store returned {} keys but {} values",
                keys.len(),
                values.len()
            )));
        }
        Ok(Rows { keys, values })
    }
}

/// The table an `items` or `pages` key `[table, …]` names, and the row's key text (a page
/// number is not text: `None`).
fn key_parts(key: &JsValue) -> Result<(String, Option<String>), StoreError> {
    let part = |i| js_sys::Reflect::get_u32(key, i).ok();
    match part(0).and_then(|p| p.as_string()) {
        Some(table) => Ok((table, part(1).and_then(|p| p.as_string()))),
        None => Err(StoreError::new(
            "a stored row has a key that is not [table, …]",
        )),
    }
}

/// Items as stored, per table (in the order first met): rows of the old layout (key and
/// item) and page texts.
#[derive(Default)]
struct StoredItems {
    tables: Vec<StoredTable>,
}

#[derive(Default)]
struct StoredTable {
    name: String,
    old_rows: Vec<(String, String)>,
    pages: Vec<String>,
}

impl StoredItems {
    fn table(&mut self, name: String) -> &mut StoredTable {
        let at = match self.tables.iter().position(|t| t.name == name) {
            Some(at) => at,
            None => {
                self.tables.push(StoredTable {
                    name,
                    ..StoredTable::default()
                });
                self.tables.len() - 1
            }
        };
        &mut self.tables[at]
    }

    fn add_old_rows(&mut self, rows: Rows) -> Result<(), StoreError> {
        for (key, item) in rows.keys.iter().zip(rows.values) {
            let (table, key) = key_parts(key)?;
            let key = key.ok_or_else(|| StoreError::new("an item row's key has no key text"))?;
            self.table(table).old_rows.push((key, item));
        }
        Ok(())
    }

    fn add_pages(&mut self, rows: Rows) -> Result<(), StoreError> {
        for (key, page) in rows.keys.iter().zip(rows.values) {
            let (table, _) = key_parts(key)?;
            self.table(table).pages.push(page);
        }
        Ok(())
    }

    /// Every table with items stored or written by the journal, in name order.
    fn tables_with(&self, overlay: &Overlay) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let stored = self.tables.iter().map(|t| t.name.as_str());
        for name in stored.chain(overlay.table_names()) {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
        dynoscope_engine::sorting::sort(&mut names);
        names
    }

    /// `table`'s stored `(keyText, item)` rows.
    fn rows(&self, table: &str) -> Result<Vec<(&str, &str)>, StoreError> {
        let Some(stored) = self.tables.iter().find(|t| t.name == table) else {
            return Ok(Vec::new());
        };
        let mut rows: Vec<(&str, &str)> = (stored.old_rows.iter())
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        for page in &stored.pages {
            rows.extend(crate::pages::page_rows(page).map_err(|e| {
                StoreError::new(format!("a page of table {table} is unreadable: {e}"))
            })?);
        }
        Ok(rows)
    }
}

/// Writes `rows` as `table`'s pages `[table, 0]`, `[table, 1]`, … (none when it has none).
fn write_pages(
    pages: &ObjectStore<'_>,
    table: &str,
    rows: &[(&str, &str)],
) -> Result<(), StoreError> {
    for (n, text) in crate::pages::page_texts(rows.iter().copied())
        .into_iter()
        .enumerate()
    {
        let key: JsValue =
            js_sys::Array::of2(&JsValue::from_str(table), &JsValue::from(n as u32)).into();
        drop(pages.put(text).with_key(key).primitive()?);
    }
    Ok(())
}

/// Issues the request that writes a table or setting change into its store (item changes
/// reach the pages through an [`Overlay`]).
fn write_setting_or_table(
    tables: &ObjectStore<'_>,
    settings: &ObjectStore<'_>,
    change: &Change,
) -> Result<(), StoreError> {
    match change {
        Change::PutTable { table, state } => {
            drop(
                tables
                    .put(state.clone())
                    .with_key(table.clone())
                    .primitive()?,
            );
        }
        Change::DeleteTable { table } => {
            drop(tables.delete::<String, _>(table.clone()).primitive()?);
        }
        Change::PutSetting {
            name,
            value: Some(value),
        } => {
            drop(
                settings
                    .put(value.clone())
                    .with_key(name.clone())
                    .primitive()?,
            );
        }
        Change::PutSetting { name, value: None } => {
            drop(settings.delete::<String, _>(name.clone()).primitive()?);
        }
        Change::PutItem { .. } | Change::DeleteItem { .. } => {}
    }
    Ok(())
}
