//! The engine's [`Store`] in one redb file, `DIR/dynoscope.redb`. Four redb tables: `tables`
//! (table name → the table's state JSON), `items` ((table name, key text) → the item in
//! DynamoDB JSON), `settings` (name → JSON) and `meta` (the layout's version). A commit is
//! one redb write transaction with redb's default durability: it has reached the disk
//! (checksummed pages, one fsync) when [`FileStore::write`] returns, and a crash at any
//! moment leaves either all of it or none of it. Several batches may share one transaction
//! ([`FileStore::write`] takes many), which is what the group committer does.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use dynoscope_engine::{Change, Snapshot, Store};
use redb::{
    Builder, Database, DatabaseError, ReadableDatabase, ReadableTable, StorageBackend,
    TableDefinition, WriteTransaction,
};

use crate::error::{Failure, Problem, StoreError};

/// The file inside a data directory.
pub const FILE_NAME: &str = "dynoscope.redb";

const TABLES: TableDefinition<&str, &str> = TableDefinition::new("tables");
const ITEMS: TableDefinition<(&str, &str), &str> = TableDefinition::new("items");
const SETTINGS: TableDefinition<&str, &str> = TableDefinition::new("settings");
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// The key in `meta` of the layout's version, and the version this build writes.
const FORMAT_KEY: &str = "format";
const FORMAT: u64 = 1;

/// Opens the database anew: at start, and again after a failed commit (redb refuses every
/// operation after an I/O error until the database is reopened).
type Opener = Box<dyn Fn() -> Result<Database, StoreError> + Send>;

/// The store on disk. Holds redb's lock on the file while open: a second store (in this
/// process or another) on the same file is refused with [`Problem::InUse`].
pub struct FileStore {
    db: Option<Database>,
    open: Opener,
    /// The file's path (or a backend's name), for messages.
    label: String,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

impl FileStore {
    /// Opens (creating if need be) the store in directory `dir`.
    pub fn open(dir: &Path) -> Result<FileStore, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::directory(dir, &e))?;
        let path = dir.join(FILE_NAME);
        let label = path.display().to_string();
        let open: Opener = Box::new(move || open_file(&path));
        FileStore::with_opener(label, open)
    }

    /// Opens a store on a redb storage backend made by `backend` (called again on each
    /// reopen): for tests that fail or delay the disk on purpose, and for other media.
    pub fn open_with_backend<B: StorageBackend>(
        label: impl Into<String>,
        backend: impl Fn() -> std::io::Result<B> + Send + 'static,
    ) -> Result<FileStore, StoreError> {
        let label = label.into();
        let path = PathBuf::from(&label);
        let open: Opener = Box::new(move || {
            let backend = backend().map_err(|e| StoreError::directory(&path, &e))?;
            guard_open(&path, || builder().create_with_backend(backend))
        });
        FileStore::with_opener(label, open)
    }

    fn with_opener(label: String, open: Opener) -> Result<FileStore, StoreError> {
        let mut store = FileStore {
            db: None,
            open,
            label,
        };
        store.reopen()?;
        Ok(store)
    }

    /// Closes the database (releasing its lock) and opens it again, checking its layout:
    /// what clears redb's refusal after an I/O error.
    pub fn reopen(&mut self) -> Result<(), StoreError> {
        self.db = None;
        let db = (self.open)()?;
        self.check_format(&db)?;
        self.db = Some(db);
        Ok(())
    }

    /// The file's path, as messages name it.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Everything stored: tables in name order, items by table then key, settings by name.
    pub fn read(&self) -> Result<Snapshot, StoreError> {
        self.read_snapshot()
            .map_err(|f| self.failure("reading the stored data", f))
    }

    /// Applies every batch, in order, in one write transaction: all of them are on disk when
    /// this returns Ok, and none of them if it fails.
    pub fn write<'a>(
        &self,
        batches: impl IntoIterator<Item = &'a [Change]>,
    ) -> Result<(), StoreError> {
        self.write_batches(batches)
            .map_err(|f| self.failure("committing", f))
    }

    fn database(&self) -> Result<&Database, StoreError> {
        self.db.as_ref().ok_or_else(|| {
            StoreError::new(
                Problem::Io,
                format!("{}: the database is closed (a reopen failed)", self.label),
            )
        })
    }

    fn failure(&self, doing: &str, failure: Failure) -> StoreError {
        match failure {
            Failure::Store(e) => e,
            Failure::Redb(e) => StoreError::storage(&self.label, doing, e),
        }
    }

    fn read_snapshot(&self) -> Result<Snapshot, Failure> {
        let txn = self.database()?.begin_read()?;
        let mut snapshot = Snapshot::default();
        for row in txn.open_table(TABLES)?.iter()? {
            snapshot.tables.push(row?.1.value().to_owned());
        }
        for row in txn.open_table(ITEMS)?.iter()? {
            let (key, item) = row?;
            let table = key.value().0.to_owned();
            snapshot.items.push((table, item.value().to_owned()));
        }
        for row in txn.open_table(SETTINGS)?.iter()? {
            let (name, value) = row?;
            (snapshot.settings).push((name.value().to_owned(), value.value().to_owned()));
        }
        Ok(snapshot)
    }

    fn write_batches<'a>(
        &self,
        batches: impl IntoIterator<Item = &'a [Change]>,
    ) -> Result<(), Failure> {
        let txn = self.database()?.begin_write()?;
        for change in batches.into_iter().flatten() {
            apply(&txn, change)?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Writes the layout's version into a new file, and refuses a file of another version.
    fn check_format(&self, db: &Database) -> Result<(), StoreError> {
        let found = self
            .initialise(db)
            .map_err(|f| self.failure("initialising", f))?;
        if found == FORMAT {
            return Ok(());
        }
        Err(StoreError::new(
            Problem::Format,
            format!(
                "cannot open {}: it holds Dynoscope's data layout {found}, and this build reads \
                 layout {FORMAT} only",
                self.label
            ),
        ))
    }

    /// Creates the four tables if missing and returns the stored layout version.
    fn initialise(&self, db: &Database) -> Result<u64, Failure> {
        let txn = db.begin_write()?;
        let found = {
            txn.open_table(TABLES)?;
            txn.open_table(ITEMS)?;
            txn.open_table(SETTINGS)?;
            let mut meta = txn.open_table(META)?;
            let stored = meta.get(FORMAT_KEY)?.map(|v| v.value());
            match stored {
                Some(version) => version,
                None => {
                    meta.insert(FORMAT_KEY, FORMAT)?;
                    FORMAT
                }
            }
        };
        txn.commit()?;
        Ok(found)
    }
}

fn builder() -> Builder {
    let mut builder = Builder::new();
    // A file altered behind redb's back is refused as corrupt rather than trusted.
    builder.set_check_integrity_on_open(true);
    builder
}

fn open_file(path: &Path) -> Result<Database, StoreError> {
    guard_open(path, || builder().create(path))
}

/// Opens with `open`, turning a panic inside redb (a file damaged in a way it did not
/// expect) into a corrupt-file error rather than a crash.
fn guard_open(
    path: &Path,
    open: impl FnOnce() -> Result<Database, DatabaseError>,
) -> Result<Database, StoreError> {
    match catch_unwind(AssertUnwindSafe(open)) {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(e)) => Err(StoreError::opening(path, &e)),
        Err(_) => Err(StoreError::new(
            Problem::Corrupt,
            format!(
                "cannot open {}: redb could not read the file",
                path.display()
            ),
        )),
    }
}

/// Applies one change inside `txn`.
fn apply(txn: &WriteTransaction, change: &Change) -> Result<(), Failure> {
    match change {
        Change::PutTable { table, state } => {
            txn.open_table(TABLES)?
                .insert(table.as_str(), state.as_str())?;
        }
        Change::DeleteTable { table } => {
            txn.open_table(TABLES)?.remove(table.as_str())?;
            delete_items_of(txn, table)?;
        }
        Change::PutItem { table, key, item } => {
            let mut items = txn.open_table(ITEMS)?;
            items.insert((table.as_str(), key.as_str()), item.as_str())?;
        }
        Change::DeleteItem { table, key } => {
            txn.open_table(ITEMS)?
                .remove((table.as_str(), key.as_str()))?;
        }
        Change::PutSetting {
            name,
            value: Some(value),
        } => {
            txn.open_table(SETTINGS)?
                .insert(name.as_str(), value.as_str())?;
        }
        Change::PutSetting { name, value: None } => {
            txn.open_table(SETTINGS)?.remove(name.as_str())?;
        }
    }
    Ok(())
}

/// Deletes every item of `table`: the run of keys that start with its name.
fn delete_items_of(txn: &WriteTransaction, table: &str) -> Result<(), Failure> {
    let mut items = txn.open_table(ITEMS)?;
    let mut keys = Vec::new();
    for row in items.range((table, "")..)? {
        let (key, _) = row?;
        let (t, k) = key.value();
        if t != table {
            break;
        }
        keys.push(k.to_owned());
    }
    for key in keys {
        items.remove((table, key.as_str()))?;
    }
    Ok(())
}

impl Store for FileStore {
    type Error = StoreError;

    async fn load(&self) -> Result<Snapshot, StoreError> {
        self.read()
    }

    async fn commit(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        self.write([changes])
    }
}
