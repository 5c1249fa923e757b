//! What the engine hands to durable storage, and the small trait storage implements.
//!
//! Serving a request may change state; when change recording is on, the engine appends one
//! [`Change`] per durable effect (a table defined or dropped, an item written or removed).
//! A front end drains them with [`crate::Engine::take_changes`] and commits them to its
//! [`Store`] before it acknowledges the request, so an acknowledged write survives a reload.
//! On start the front end loads a [`Snapshot`] and hands it to [`crate::Engine::restore`].
//! Besides tables and items, the engine stores its own settings (the simulation's, and the
//! clock's mode and time) so a reload resumes where the user left off.
//! The engine itself never performs I/O: stores live in the front ends (IndexedDB in the
//! browser) except [`MemoryStore`], which is plain data and serves native use and tests.

use std::collections::BTreeMap;
use std::convert::Infallible;

use serde::{Deserialize, Serialize};

/// One durable effect of a request. Strings are JSON documents owned by the engine:
/// `state` is a table's persisted definition, `item` an item in DynamoDB JSON, and `key`
/// a stable text form of an item's primary key, unique within its table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum Change {
    PutTable {
        table: String,
        state: String,
    },
    /// Dropping a table drops its items too: stores delete both.
    DeleteTable {
        table: String,
    },
    PutItem {
        table: String,
        key: String,
        item: String,
    },
    DeleteItem {
        table: String,
        key: String,
    },
    /// One of the engine's own settings (the simulation's, the clock's) as JSON; `None`
    /// removes it.
    PutSetting {
        name: String,
        value: Option<String>,
    },
}

/// Everything a store holds, as loaded on start.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Each table's `state`, as last given by [`Change::PutTable`].
    pub tables: Vec<String>,
    /// `(table, item)` pairs, the item in DynamoDB JSON.
    pub items: Vec<(String, String)>,
    /// `(name, value)` pairs of the engine's own settings.
    pub settings: Vec<(String, String)>,
}

/// Which record of a [`Snapshot`] a problem is about: an index into its `tables` or `items`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StoredRecord {
    Table(usize),
    Item(usize),
}

/// A stored record [`crate::Engine::restore_readable`] could not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unreadable {
    pub record: StoredRecord,
    /// The table the record belongs to, as far as it could be told (empty if not at all).
    pub table: String,
    pub reason: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.record {
            StoredRecord::Table(_) => "the definition of table",
            StoredRecord::Item(_) => "an item of table",
        };
        write!(f, "{what} \"{}\": {}", self.table, self.reason)
    }
}

/// The `name` member of a stored table definition, read leniently (for reports about a
/// definition that does not otherwise parse).
pub(crate) fn table_name_of(state: &str) -> String {
    serde_json::from_slice::<serde_json::Value>(state.as_bytes())
        .ok()
        .and_then(|v| v.get("name")?.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl Snapshot {
    /// The snapshot without the records named in `unreadable`: what a store holds once the
    /// user chose to skip them.
    pub fn without(&self, unreadable: &[Unreadable]) -> Snapshot {
        let skipped = |record: StoredRecord| unreadable.iter().any(|u| u.record == record);
        Snapshot {
            tables: (self.tables.iter().enumerate())
                .filter(|(i, _)| !skipped(StoredRecord::Table(*i)))
                .map(|(_, t)| t.clone())
                .collect(),
            items: (self.items.iter().enumerate())
                .filter(|(i, _)| !skipped(StoredRecord::Item(*i)))
                .map(|(_, t)| t.clone())
                .collect(),
            settings: self.settings.clone(),
        }
    }
}

/// Durable storage for the engine's changes. Futures need not be `Send`: the browser's
/// IndexedDB store runs on one thread.
#[allow(async_fn_in_trait)]
pub trait Store {
    type Error: std::fmt::Debug;
    /// Reads everything stored.
    async fn load(&self) -> Result<Snapshot, Self::Error>;
    /// Applies `changes` in order, atomically: all of them are durable when this returns Ok.
    async fn commit(&mut self, changes: &[Change]) -> Result<(), Self::Error>;
}

/// A store in memory: the native default, and the reference the browser store is tested
/// against.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    tables: BTreeMap<String, String>,
    items: BTreeMap<(String, String), String>,
    settings: BTreeMap<String, String>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies changes synchronously (what [`Store::commit`] does, without the future).
    pub fn apply(&mut self, changes: &[Change]) {
        for change in changes {
            match change {
                Change::PutTable { table, state } => {
                    self.tables.insert(table.clone(), state.clone());
                }
                Change::DeleteTable { table } => {
                    self.tables.remove(table);
                    self.items.retain(|(t, _), _| t != table);
                }
                Change::PutItem { table, key, item } => {
                    self.items
                        .insert((table.clone(), key.clone()), item.clone());
                }
                Change::DeleteItem { table, key } => {
                    self.items.remove(&(table.clone(), key.clone()));
                }
                Change::PutSetting {
                    name,
                    value: Some(value),
                } => {
                    self.settings.insert(name.clone(), value.clone());
                }
                Change::PutSetting { name, value: None } => {
                    self.settings.remove(name);
                }
            }
        }
    }

    /// The snapshot [`Store::load`] would return.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            tables: self.tables.values().cloned().collect(),
            items: self
                .items
                .iter()
                .map(|((t, _), item)| (t.clone(), item.clone()))
                .collect(),
            settings: self
                .settings
                .iter()
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect(),
        }
    }
}

impl Store for MemoryStore {
    type Error = Infallible;

    async fn load(&self) -> Result<Snapshot, Infallible> {
        Ok(self.snapshot())
    }

    async fn commit(&mut self, changes: &[Change]) -> Result<(), Infallible> {
        self.apply(changes);
        Ok(())
    }
}
