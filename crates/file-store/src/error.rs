//! Why the store refused, as a value a server can print or answer with: what kind of
//! problem it is ([`Problem`]) and a sentence naming the file and redb's own reason. Errors
//! are cloned to every request waiting on a failed commit, so they hold text, not redb's
//! error values.

use std::fmt;
use std::io;
use std::path::Path;

use redb::{CommitError, DatabaseError, StorageError, TableError, TransactionError};

/// What kind of trouble the store is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Another process (or another handle in this one) has the database open.
    InUse,
    /// The file is not a readable redb database, or a page failed its checksum.
    Corrupt,
    /// The operating system refused access to the directory or the file.
    Permission,
    /// The file was written in a layout this build does not read.
    Format,
    /// Reading or writing failed (disk full, I/O error), or the store was closed.
    Io,
}

/// A store error: its kind and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    pub problem: Problem,
    pub message: String,
}

impl StoreError {
    pub fn new(problem: Problem, message: impl Into<String>) -> Self {
        StoreError {
            problem,
            message: message.into(),
        }
    }

    /// Why the database at `path` could not be opened.
    pub(crate) fn opening(path: &Path, error: &DatabaseError) -> Self {
        let (problem, reason) = match error {
            DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch => (
                Problem::InUse,
                "it is in use by another process (is another dynoscope-server running on this \
                 data directory?)"
                    .to_owned(),
            ),
            DatabaseError::UpgradeRequired(version) => (
                Problem::Format,
                format!(
                    "it is in redb's old file format {version}, which this build does not read"
                ),
            ),
            DatabaseError::RepairAborted => (
                Problem::Corrupt,
                "it needed repair and the repair was aborted".to_owned(),
            ),
            DatabaseError::Storage(storage) => storage_problem(storage),
            other => (Problem::Io, other.to_string()),
        };
        StoreError::new(problem, format!("cannot open {}: {reason}", path.display()))
    }

    /// Why the directory `dir` could not be made or entered.
    pub(crate) fn directory(dir: &Path, error: &io::Error) -> Self {
        let (problem, reason) = io_problem(error);
        StoreError::new(
            problem,
            format!("cannot use the data directory {}: {reason}", dir.display()),
        )
    }

    /// A failure while reading or writing the open database at `label`.
    pub(crate) fn storage(label: &str, doing: &str, error: impl Into<redb::Error>) -> Self {
        let error: redb::Error = error.into();
        let (problem, reason) = match error {
            redb::Error::Corrupted(m) => (Problem::Corrupt, format!("the file is corrupt: {m}")),
            redb::Error::Io(e) => io_problem(&e),
            other => (Problem::Io, other.to_string()),
        };
        StoreError::new(problem, format!("{label}: {doing} failed: {reason}"))
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

fn storage_problem(error: &StorageError) -> (Problem, String) {
    match error {
        StorageError::Corrupted(m) => (Problem::Corrupt, format!("the file is corrupt: {m}")),
        StorageError::Io(e) => io_problem(e),
        other => (Problem::Io, other.to_string()),
    }
}

fn io_problem(error: &io::Error) -> (Problem, String) {
    match error.kind() {
        io::ErrorKind::PermissionDenied => {
            (Problem::Permission, format!("permission denied ({error})"))
        }
        io::ErrorKind::InvalidData => (
            Problem::Corrupt,
            format!("the file is not a readable redb database ({error})"),
        ),
        _ => (Problem::Io, error.to_string()),
    }
}

/// The conversions `?` needs inside the store's transactions; the label and the action are
/// added by [`StoreError::storage`].
pub(crate) enum Failure {
    Redb(redb::Error),
    Store(StoreError),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Store(e)
    }
}

macro_rules! redb_failure {
    ($($from:ty),*) => {$(
        impl From<$from> for Failure {
            fn from(e: $from) -> Self {
                Failure::Redb(e.into())
            }
        }
    )*};
}

redb_failure!(StorageError, TableError, TransactionError, CommitError);
