//! The IndexedDB store: the engine's [`Store`] in the browser. One database (named by the
//! caller; the app uses [`DEFAULT_DB_NAME`], or one per workspace) at version 4 with five
//! object stores: `tables` (key: table name, value: the table's state JSON), `items` (key:
//! the array `[tableName, keyText]`, value: the item's DynamoDB JSON), `settings` (key: a
//! setting's name, value: its JSON; added in version 2), `models` (the playground's current
//! model, which the engine never sees; added in version 3) and `journal` (added in version
//! 4: auto-numbered records, each the JSON array of one commit's changes).
//!
//! A commit is one record appended to `journal`: one put in one transaction, however many
//! changes it holds, so a group commit of a thousand writes costs about what one write
//! costs. [`Store::load`] reads the three state stores and replays the journal over them in
//! order; [`IdbStore::compact`] then folds the journal into the state stores and deletes
//! the records it folded, in rounds of a few thousand changes, off the path of any request. Every change
//! sets a final value, so the state stores plus the journal replay to the same state
//! however much of it has been folded in, by this tab or another. Array keys sort by table first, which lets a
//! dropped table's items go in one key-range delete.

use std::fmt;

use dynoscope_engine::{Change, DynamoError, ErrorKind, MemoryStore, Snapshot, Store};
use indexed_db_futures::KeyRange;
use indexed_db_futures::database::Database;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use wasm_bindgen::JsValue;

/// The database the app keeps its data in.
pub const DEFAULT_DB_NAME: &str = "dynoscope";
/// Schema version of the database layout described above (2 added `settings`, 3 `models`,
/// 4 `journal`).
pub const DB_VERSION: u32 = 4;
/// Object store of table definitions.
pub const TABLES: &str = "tables";
/// Object store of items.
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
                for store in [TABLES, ITEMS, SETTINGS, MODELS] {
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

    /// Keeps the engine's history (`dynoscope_engine::history`) as the setting of that
    /// name, in a transaction of its own: it is not an acknowledged write and never passes
    /// through the journal, and the next load hands it to the engine with the settings.
    pub async fn save_history(&self, text: &str) -> Result<(), StoreError> {
        (self.put_text(SETTINGS, dynoscope_engine::history::SETTING, Some(text))).await
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

/// The key of an item row: `[table, keyText]`.
fn item_key(table: &str, key: &str) -> JsValue {
    js_sys::Array::of2(&JsValue::from_str(table), &JsValue::from_str(key)).into()
}

/// Every item row of `table`: from `[table]` up to `[table, []]`; an array sorts after any
/// string, so every `[table, keyText]` lies inside and no other table's rows do.
fn table_items(table: &str) -> KeyRange<JsValue> {
    let lower: JsValue = js_sys::Array::of1(&JsValue::from_str(table)).into();
    let upper: JsValue =
        js_sys::Array::of2(&JsValue::from_str(table), &js_sys::Array::new()).into();
    KeyRange::Bound(lower, false, upper, false)
}

impl Store for IdbStore {
    type Error = StoreError;

    async fn load(&self) -> Result<Snapshot, StoreError> {
        let tx = self
            .db
            .transaction([TABLES, ITEMS, SETTINGS, JOURNAL])
            .build()?;
        let tables = tx.object_store(TABLES)?;
        let items = tx.object_store(ITEMS)?;
        let settings = tx.object_store(SETTINGS)?;
        let journal = tx.object_store(JOURNAL)?;
        // Requests go out when built; the key and value requests of one store read the same
        // rows in key order.
        let table_names = tables.get_all_keys::<String>().primitive()?;
        let states = tables.get_all::<String>().primitive()?;
        let item_keys = items.get_all_keys::<JsValue>().primitive()?;
        let item_values = items.get_all::<String>().primitive()?;
        let setting_names = settings.get_all_keys::<String>().primitive()?;
        let setting_values = settings.get_all::<String>().primitive()?;
        let record_keys = journal.get_all_keys::<JsValue>().primitive()?;
        let records = journal.get_all::<String>().primitive()?;

        let mut state = MemoryStore::new();
        let names = table_names.await?.collect::<Result<Vec<String>, _>>()?;
        let states = states.await?.collect::<Result<Vec<String>, _>>()?;
        let rows: Vec<Change> = names
            .into_iter()
            .zip(states)
            .map(|(table, state)| Change::PutTable { table, state })
            .collect();
        state.apply(&rows);
        let keys = item_keys.await?.collect::<Result<Vec<JsValue>, _>>()?;
        let values = item_values.await?.collect::<Result<Vec<String>, _>>()?;
        if keys.len() != values.len() {
            return Err(StoreError::new(format!(
                "the items store returned {} keys but {} values",
                keys.len(),
                values.len()
            )));
        }
        let mut rows = Vec::with_capacity(values.len());
        for (key, item) in keys.into_iter().zip(values) {
            let part = |i| {
                js_sys::Reflect::get_u32(&key, i)
                    .ok()
                    .and_then(|p| p.as_string())
            };
            let (Some(table), Some(key)) = (part(0), part(1)) else {
                return Err(StoreError::new(
                    "an item row has a key that is not [table, key]",
                ));
            };
            rows.push(Change::PutItem { table, key, item });
        }
        state.apply(&rows);
        let names = setting_names.await?.collect::<Result<Vec<String>, _>>()?;
        let values = setting_values.await?.collect::<Result<Vec<String>, _>>()?;
        let rows: Vec<Change> = names
            .into_iter()
            .zip(values)
            .map(|(name, value)| Change::PutSetting {
                name,
                value: Some(value),
            })
            .collect();
        state.apply(&rows);

        let record_keys = record_keys.await?.collect::<Result<Vec<JsValue>, _>>()?;
        let records = records.await?.collect::<Result<Vec<String>, _>>()?;
        for (key, record) in record_keys.iter().zip(&records) {
            state.apply(&journal_changes(key, record)?);
        }
        Ok(state.snapshot())
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
            .transaction([TABLES, ITEMS, SETTINGS, JOURNAL])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let tables = tx.object_store(TABLES)?;
        let items = tx.object_store(ITEMS)?;
        let settings = tx.object_store(SETTINGS)?;
        for store in [&tables, &items, &settings, &tx.object_store(JOURNAL)?] {
            drop(store.clear()?);
        }
        for change in changes {
            write_change(&tables, &items, &settings, change)?;
        }
        tx.commit().await?;
        Ok(())
    }
}

impl IdbStore {
    /// Folds the journal into the state stores, oldest records first, and deletes what it
    /// folded. Each round is one transaction that reads the journal itself and folds about a
    /// thousand changes, so a commit arriving meanwhile waits for one round, not for all.
    /// IndexedDB runs each round alone among the transactions touching these stores, so
    /// records another tab folded meanwhile are simply gone, and the state stores always
    /// hold a prefix of the journal applied in order.
    pub async fn compact(&self) -> Result<(), StoreError> {
        while self.compact_round().await? {}
        Ok(())
    }

    /// One round of [`IdbStore::compact`]; true when records remain.
    async fn compact_round(&self) -> Result<bool, StoreError> {
        const RECORDS: u32 = 64;
        // A round of 5,000 changes held the main thread about 200 ms (a frame of the item
        // grid that long after a large import); 1,000 keep rounds near 40 ms.
        const CHANGES: usize = 1_000;
        let tx = self
            .db
            .transaction([TABLES, ITEMS, SETTINGS, JOURNAL])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let journal = tx.object_store(JOURNAL)?;
        let keys = journal
            .get_all_keys::<JsValue>()
            .with_limit(RECORDS)
            .primitive()?;
        let records = journal
            .get_all::<String>()
            .with_limit(RECORDS)
            .primitive()?;
        let keys = keys.await?.collect::<Result<Vec<JsValue>, _>>()?;
        let records = records.await?.collect::<Result<Vec<String>, _>>()?;
        let mut folded = None;
        let mut changes = 0;
        {
            let tables = tx.object_store(TABLES)?;
            let items = tx.object_store(ITEMS)?;
            let settings = tx.object_store(SETTINGS)?;
            for (key, record) in keys.iter().zip(&records) {
                for change in &journal_changes(key, record)? {
                    write_change(&tables, &items, &settings, change)?;
                    changes += 1;
                }
                folded = Some(key.clone());
                if changes >= CHANGES {
                    break;
                }
            }
        }
        let Some(last) = folded else {
            return Ok(false);
        };
        let more = keys.last() != Some(&last) || keys.len() == RECORDS as usize;
        drop(
            journal
                .delete::<JsValue, _>(KeyRange::UpperBound(last, false))
                .primitive()?,
        );
        tx.commit().await?;
        Ok(more)
    }

    /// How many journal records wait to be folded in (tests use it).
    pub async fn journal_records(&self) -> Result<u32, StoreError> {
        let tx = self.db.transaction(JOURNAL).build()?;
        let count = tx.object_store(JOURNAL)?.count().primitive()?;
        Ok(count.await?)
    }
}

/// The changes one journal record holds.
fn journal_changes(key: &JsValue, record: &str) -> Result<Vec<Change>, StoreError> {
    serde_json::from_str(record)
        .map_err(|e| StoreError::new(format!("journal record {key:?} is unreadable: {e}")))
}

/// Issues the requests that write one change into the state stores.
fn write_change(
    tables: &ObjectStore<'_>,
    items: &ObjectStore<'_>,
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
            drop(items.delete::<JsValue, _>(table_items(table)).primitive()?);
        }
        Change::PutItem { table, key, item } => {
            drop(
                items
                    .put(item.clone())
                    .with_key(item_key(table, key))
                    .primitive()?,
            );
        }
        Change::DeleteItem { table, key } => {
            drop(
                items
                    .delete::<JsValue, _>(item_key(table, key))
                    .primitive()?,
            );
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
    }
    Ok(())
}
