//! `--data-dir DIR`: the engine kept on disk across restarts ([`dynoscope_file_store`]).
//! Memory stays the default; with a data directory, [`start`] opens the store (refusing to
//! start, with the reason, if it is locked by another process, corrupt or unreadable),
//! restores the engine from it and turns change recording on. Each request then runs through
//! [`serve`]: dispatch and [`Engine::take_changes`] under the engine's lock, the changes
//! submitted to the group committer before the lock is released (so the disk sees them in
//! the engine's order), and the answer sent only once they are durable. A request that
//! changed nothing answers at once, unless writes it may have read are still on their way to
//! the disk, when it waits for them (an empty batch, which costs no transaction). If a
//! commit fails, its requests answer InternalServerError and the engine is rebuilt from the
//! disk before the next request, so it never serves what was not stored.
//!
//! Tables, items, settings and stream records are durable per request (a stream record is
//! journaled with its write, see the engine's stream journal). The rest of the history
//! (events, activity, metrics: [`dynoscope_engine::Engine::history`]) is not an
//! acknowledged write: it is saved, with the stream records, every [`HISTORY_EVERY`] when
//! requests were served (which empties the journal), and on graceful shutdown, so a
//! `kill -9` loses at most that much of it.
//!
//! The server's own work on the engine outside requests (a stream trigger's invocations
//! taken and their outcomes reported, [`crate::functions`]) goes through [`run_job`], stored
//! the same way before it is acted on.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use dynoscope_engine::{
    Change, DynamoError, Engine, EngineConfig, ErrorKind, Snapshot, StoredRecord, Unreadable,
};
use dynoscope_file_store::{Durable, FileStore, GroupCommitter, StoreError};

/// How often the history is saved while requests are being served.
pub const HISTORY_EVERY: Duration = Duration::from_secs(5);

/// Unreadable records named in the refusal to start, at most.
const UNREADABLE_LISTED: usize = 20;

/// The command line's say in persistence.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Options {
    /// Where the data is kept; `None` keeps it in memory.
    pub data_dir: Option<PathBuf>,
    /// Start even if some stored records cannot be read, without them.
    pub skip_unreadable: bool,
}

/// The store the running server commits to: one per process, set by [`start`].
static KEPT: OnceLock<Kept> = OnceLock::new();

#[derive(Debug)]
struct Kept {
    /// `None` once closed at shutdown. Only locked under the engine's lock.
    committer: Mutex<Option<GroupCommitter>>,
    /// How many failed commits the engine has been rebuilt after (changed under the engine's
    /// lock; the committer counts the failures).
    recovered: AtomicU64,
    /// Requests served, so the history is saved only when something happened.
    served: AtomicU64,
    /// The count of requests served when the history was last saved.
    history_saved_at: AtomicU64,
    data_dir: PathBuf,
}

/// The engine to serve: empty, or with a data directory restored from it. Errors are the
/// message to stop start-up with.
pub fn start(options: &Options, config: EngineConfig) -> Result<Engine, String> {
    let Some(data_dir) = &options.data_dir else {
        return Ok(Engine::new(config));
    };
    let store = FileStore::open(data_dir).map_err(|e| e.message)?;
    let (engine, kept) = restore(store, options, config)?;
    if KEPT.set(kept).is_err() {
        return Err("a data directory is already open in this process".into());
    }
    Ok(engine)
}

/// An engine restored from `store`, recording its changes, and the committer that keeps
/// them; refuses if records cannot be read, unless told to skip them.
fn restore(
    store: FileStore,
    options: &Options,
    config: EngineConfig,
) -> Result<(Engine, Kept), String> {
    let data_dir = options
        .data_dir
        .clone()
        .unwrap_or_else(|| store.label().into());
    let snapshot = store.read().map_err(|e| e.message)?;
    let mut engine = Engine::new(EngineConfig {
        record_changes: true,
        ..config
    });
    let unreadable = engine.restore_readable(&snapshot);
    if !unreadable.is_empty() {
        let report = unreadable_report(&data_dir, &unreadable);
        if !options.skip_unreadable {
            return Err(format!(
                "{report}\nStart with --skip-unreadable to serve without them (they stay in \
                 the data directory, untouched)."
            ));
        }
        eprintln!("dynoscope-server: {report}\nServing without them (--skip-unreadable).");
    }
    let committer = GroupCommitter::start(store)
        .map_err(|e| format!("cannot start the committer thread: {e}"))?;
    let unreadable_items = (unreadable.iter())
        .filter(|u| matches!(u.record, StoredRecord::Item(_)))
        .count();
    let kept = Kept {
        committer: Mutex::new(Some(committer)),
        recovered: AtomicU64::new(0),
        served: AtomicU64::new(0),
        history_saved_at: AtomicU64::new(0),
        data_dir,
    };
    eprintln!(
        "dynoscope-server: data directory {}: {} tables, {} items",
        kept.data_dir.display(),
        engine.table_names().count(),
        snapshot.items.len() - unreadable_items,
    );
    Ok((engine, kept))
}

fn unreadable_report(data_dir: &std::path::Path, unreadable: &[Unreadable]) -> String {
    let mut report = format!(
        "{} stored records in {} cannot be read:",
        unreadable.len(),
        data_dir.display()
    );
    for problem in unreadable.iter().take(UNREADABLE_LISTED) {
        report.push_str(&format!("\n  {problem}"));
    }
    if unreadable.len() > UNREADABLE_LISTED {
        let more = unreadable.len() - UNREADABLE_LISTED;
        report.push_str(&format!("\n  ... and {more} more"));
    }
    report
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs one request on the engine (`run` dispatches it) and answers once what it changed is
/// durable. Without a data directory it just runs.
pub async fn serve<T>(
    engine: &Mutex<Engine>,
    run: impl FnOnce(&mut Engine) -> Result<T, DynamoError>,
) -> Result<T, DynamoError> {
    match KEPT.get() {
        Some(kept) => kept.run(engine, run, Served::Request).await,
        None => run(&mut lock(engine)),
    }
}

/// Runs work of the server's own on the engine (a stream trigger's invocations taken or
/// completed) as [`serve`] runs a request: what it changes is stored before this returns.
/// It counts as served (so the history is saved) only if it changed something.
pub async fn run_job<T>(
    engine: &Mutex<Engine>,
    run: impl FnOnce(&mut Engine) -> T,
) -> Result<T, DynamoError> {
    match KEPT.get() {
        Some(kept) => kept.run(engine, |e| Ok(run(e)), Served::IfChanged).await,
        None => Ok(run(&mut lock(engine))),
    }
}

/// Whether a run counts towards saving the history.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Served {
    Request,
    IfChanged,
}

impl Kept {
    /// [`serve`] and [`run_job`] with this store.
    async fn run<T>(
        &self,
        engine: &Mutex<Engine>,
        run: impl FnOnce(&mut Engine) -> Result<T, DynamoError>,
        served: Served,
    ) -> Result<T, DynamoError> {
        let (result, durable) = {
            let mut engine = lock(engine);
            self.recover_if_behind(&mut engine)?;
            let result = run(&mut engine);
            let changes = engine.take_changes();
            if served == Served::Request || !changes.is_empty() {
                self.served.fetch_add(1, Ordering::Relaxed);
            }
            (result, self.submit_if_needed(changes))
        };
        match durable {
            None => result,
            Some(durable) => match durable.await {
                Ok(()) => result,
                Err(e) => Err(not_stored(&e)),
            },
        }
    }
}

/// What a request whose changes could not be stored answers: DynamoDB's retryable server
/// error (the engine forgets the request's effects before serving the next one).
fn not_stored(e: &StoreError) -> DynamoError {
    DynamoError::new(
        ErrorKind::InternalServerError,
        format!("The request's changes could not be stored in the data directory: {e}"),
    )
}

impl Kept {
    /// Submits `changes`; a request that changed nothing gets a fence only if earlier
    /// batches (whose writes it may have read) are not settled yet.
    fn submit_if_needed(&self, changes: Vec<Change>) -> Option<Durable> {
        let committer = lock(&self.committer);
        let committer = match committer.as_ref() {
            Some(committer) => committer,
            None if changes.is_empty() => return None,
            None => return Some(closed()),
        };
        if changes.is_empty() && committer.settled() {
            return None;
        }
        Some(committer.submit(changes))
    }

    /// After a failed commit the engine holds effects the disk does not: rebuild it from
    /// the disk (keeping its history) before it serves again. Called under the engine's lock.
    fn recover_if_behind(&self, engine: &mut Engine) -> Result<(), DynamoError> {
        let committer = lock(&self.committer);
        let Some(committer) = committer.as_ref() else {
            return Ok(());
        };
        let failures = committer.failures();
        if failures == self.recovered.load(Ordering::Acquire) {
            return Ok(());
        }
        let dir = self.data_dir.display();
        eprintln!("dynoscope-server: a commit to {dir} failed; reloading the engine from it");
        match committer.reload() {
            Ok(mut snapshot) => {
                keep_history(engine, &mut snapshot);
                engine.restore_readable(&snapshot);
                engine.take_changes();
                self.recovered.store(failures, Ordering::Release);
                Ok(())
            }
            Err(e) => {
                eprintln!("dynoscope-server: {dir} could not be reloaded: {e}");
                Err(DynamoError::new(
                    ErrorKind::InternalServerError,
                    format!("The data directory cannot be used, so no request is served: {e}"),
                ))
            }
        }
    }
}

/// What a write gets once the store was closed at shutdown.
fn closed() -> Durable {
    Durable::failed(StoreError::new(
        dynoscope_file_store::Problem::Io,
        "the data directory was closed for shutdown",
    ))
}

/// Puts the engine's current history into `snapshot`, so rebuilding the engine from the disk
/// does not lose the stream records and metrics gathered since the history was last saved.
fn keep_history(engine: &mut Engine, snapshot: &mut Snapshot) {
    let name = dynoscope_engine::HISTORY_SETTING;
    snapshot.settings.retain(|(n, _)| n != name);
    snapshot.settings.push((name.to_owned(), engine.history()));
}

/// Saves the history whenever [`HISTORY_EVERY`] has passed and requests were served;
/// [`HistoryKeeper::finish`] saves it a last time and closes the store.
pub struct HistoryKeeper {
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Starts saving the history of `engine` in the background (nothing without a data
/// directory).
pub fn keep_history_of(engine: std::sync::Arc<Mutex<Engine>>) -> HistoryKeeper {
    let task = KEPT.get().map(|kept| {
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(HISTORY_EVERY).await;
                kept.save_history(&engine).await;
            }
        })
    });
    HistoryKeeper { task }
}

impl HistoryKeeper {
    /// Once requests have stopped: saves the history and closes the store, so the next start
    /// finds everything.
    pub async fn finish(self, engine: &Mutex<Engine>) {
        let Some(task) = self.task else { return };
        task.abort();
        let Some(kept) = KEPT.get() else { return };
        kept.save_history(engine).await;
        let committer = lock(&kept.committer).take();
        if let Some(committer) = committer {
            eprintln!(
                "dynoscope-server: {} batches of changes committed in {} transactions",
                committer.batches(),
                committer.transactions()
            );
            // Joins the committer thread: not on the runtime's own threads.
            let _ = tokio::task::spawn_blocking(|| committer.close()).await;
        }
    }
}

impl Kept {
    /// Saves the history if requests were served since it was last saved.
    async fn save_history(&self, engine: &Mutex<Engine>) {
        let durable = {
            let mut engine = lock(engine);
            let served = self.served.load(Ordering::Relaxed);
            if self.history_saved_at.swap(served, Ordering::Relaxed) == served {
                return;
            }
            self.submit_if_needed(engine.history_changes())
        };
        let Some(durable) = durable else { return };
        if let Err(e) = durable.await {
            eprintln!("dynoscope-server: the history could not be saved: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynoscope_file_store::testing::{TempDir, controlled_store};

    const CREATE: &str = r#"{"TableName":"Music","BillingMode":"PAY_PER_REQUEST",
        "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
        "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}"#;
    const PUT: &str = r#"{"TableName":"Music","Item":{"pk":{"S":"a"}}}"#;
    const GET: &str = r#"{"TableName":"Music","Key":{"pk":{"S":"a"}},"ConsistentRead":true}"#;

    fn options(dir: &TempDir, skip_unreadable: bool) -> Options {
        Options {
            data_dir: Some(dir.path().to_owned()),
            skip_unreadable,
        }
    }

    async fn send(
        kept: &Kept,
        engine: &Mutex<Engine>,
        op: &str,
        body: &str,
    ) -> Result<String, DynamoError> {
        let answer = kept
            .run(engine, |e| e.dispatch(op, body.as_bytes()), Served::Request)
            .await?;
        Ok(String::from_utf8(answer).unwrap())
    }

    #[test]
    fn unreadable_records_stop_start_up_naming_them_unless_skipped() {
        let dir = TempDir::new("server-unreadable");
        let store = FileStore::open(dir.path()).unwrap();
        let broken = Change::PutTable {
            table: "Broken".into(),
            state: r#"{"name":"Broken","KeySchema":42}"#.into(),
        };
        let orphan = Change::PutItem {
            table: "Gone".into(),
            key: "k".into(),
            item: r#"{"pk":{"S":"k"}}"#.into(),
        };
        store.write([&[broken, orphan][..]]).unwrap();
        drop(store);

        let store = FileStore::open(dir.path()).unwrap();
        let refusal = restore(store, &options(&dir, false), EngineConfig::default()).unwrap_err();
        assert!(refusal.contains("2 stored records"), "{refusal}");
        assert!(
            refusal.contains(&dir.path().display().to_string()),
            "{refusal}"
        );
        assert!(refusal.contains("\"Broken\""), "{refusal}");
        assert!(
            refusal.contains("\"Gone\": its table is not stored"),
            "{refusal}"
        );
        assert!(refusal.contains("--skip-unreadable"), "{refusal}");

        let store = FileStore::open(dir.path()).unwrap();
        let (engine, _kept) =
            restore(store, &options(&dir, true), EngineConfig::default()).unwrap();
        assert_eq!(engine.table_names().count(), 0);
    }

    #[tokio::test]
    async fn a_failed_commit_answers_an_internal_server_error_and_the_engine_forgets_it() {
        let dir = TempDir::new("server-failure");
        let (store, control) = controlled_store(dir.path()).unwrap();
        let (engine, kept) =
            restore(store, &options(&dir, false), EngineConfig::default()).unwrap();
        let engine = Mutex::new(engine);
        send(&kept, &engine, "CreateTable", CREATE).await.unwrap();

        control.failing.store(true, Ordering::SeqCst);
        let error = send(&kept, &engine, "PutItem", PUT).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::InternalServerError);
        assert_eq!(error.http_status(), 500);
        assert!(
            error.message.contains("could not be stored"),
            "{}",
            error.message
        );

        // The disk recovers: the next request first rebuilds the engine from it.
        control.failing.store(false, Ordering::SeqCst);
        let got = send(&kept, &engine, "GetItem", GET).await.unwrap();
        assert_eq!(got, "{}", "the write that was not stored is not served");
        send(&kept, &engine, "PutItem", PUT).await.unwrap();
        let got = send(&kept, &engine, "GetItem", GET).await.unwrap();
        assert!(got.contains(r#""pk":{"S":"a"}"#), "{got}");
    }

    #[tokio::test]
    async fn while_the_disk_cannot_be_reopened_no_request_is_served() {
        let dir = TempDir::new("server-broken");
        let (store, control) = controlled_store(dir.path()).unwrap();
        let (engine, kept) =
            restore(store, &options(&dir, false), EngineConfig::default()).unwrap();
        let engine = Mutex::new(engine);
        control.failing.store(true, Ordering::SeqCst);
        assert!(send(&kept, &engine, "CreateTable", CREATE).await.is_err());
        let error = send(&kept, &engine, "ListTables", "{}").await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::InternalServerError);
        assert!(
            error.message.contains("cannot be used"),
            "{}",
            error.message
        );
        control.failing.store(false, Ordering::SeqCst);
        let tables = send(&kept, &engine, "ListTables", "{}").await.unwrap();
        assert_eq!(tables, r#"{"TableNames":[]}"#);
    }

    #[tokio::test]
    async fn a_read_waits_only_while_writes_it_may_have_seen_are_not_durable() {
        let dir = TempDir::new("server-fence");
        let (store, control) = controlled_store(dir.path()).unwrap();
        let (engine, kept) =
            restore(store, &options(&dir, false), EngineConfig::default()).unwrap();
        let engine = Mutex::new(engine);
        send(&kept, &engine, "CreateTable", CREATE).await.unwrap();
        let transactions = |kept: &Kept| lock(&kept.committer).as_ref().unwrap().transactions();
        let before = transactions(&kept);
        send(&kept, &engine, "GetItem", GET).await.unwrap();
        assert_eq!(transactions(&kept), before, "a read costs no transaction");

        control.hold();
        let put = send(&kept, &engine, "PutItem", PUT);
        let get = send(&kept, &engine, "GetItem", GET);
        let mut put = std::pin::pin!(put);
        let mut get = std::pin::pin!(get);
        // The put is served and waits for its fsync; the read saw it, so it waits too.
        assert!(futures_poll(put.as_mut()).is_none());
        control.wait_for_held_sync();
        assert!(futures_poll(get.as_mut()).is_none());
        control.release();
        put.await.unwrap();
        let got = get.await.unwrap();
        assert!(got.contains(r#""pk":{"S":"a"}"#), "{got}");
    }

    /// Polls a future once.
    fn futures_poll<T>(future: std::pin::Pin<&mut impl Future<Output = T>>) -> Option<T> {
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match future.poll(&mut context) {
            std::task::Poll::Ready(value) => Some(value),
            std::task::Poll::Pending => None,
        }
    }
}
