//! Dynoscope's engine kept on disk: the engine's [`Store`](dynoscope_engine::Store) over
//! [redb](https://www.redb.org), an embedded, crash-safe B-tree store, for
//! `dynoscope-server --data-dir DIR`. [`FileStore`] holds tables, items (keyed by table and
//! key text) and settings in one file and commits each batch as one durable transaction;
//! [`GroupCommitter`] runs it on a thread of its own and writes every batch waiting in one
//! transaction, so many concurrent writers share each fsync. Errors are [`StoreError`]
//! values that name the file and say what went wrong ([`Problem`]).

#![deny(clippy::all)]

mod committer;
mod error;
mod store;
pub mod testing;

pub use committer::{Durable, GroupCommitter};
pub use error::{Problem, StoreError};
pub use store::{FILE_NAME, FileStore};
