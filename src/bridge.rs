//! The one door between the browser and the engine: [`EngineHandle`]. It owns the engine and
//! its IndexedDB store; [`EngineHandle::send`] sets the engine's clock to the wall clock,
//! dispatches one DynamoDB request, drains the durable changes it made and returns only once
//! IndexedDB has committed them, so every acknowledged write survives a reload. Commits are
//! grouped: requests served while a transaction is in flight share the next one. The UI and the
//! `window.dynoscope` API both go through `send`; nothing else touches the engine. Once a
//! request's changes to tables or items are committed, the handle tells its listener (the
//! UI), so views refresh whichever front end made the change.

use std::cell::RefCell;
use std::rc::Rc;

use dynoscope_engine::contract::RequestOptions;
use dynoscope_engine::{
    Change, DynamoError, Engine, EngineConfig, ErrorKind, Snapshot, Store, Unreadable,
};
use futures_channel::oneshot;

use crate::engines::Core;
use crate::store::{IdbStore, StoreError};

/// Milliseconds since the Unix epoch, from the browser's clock.
fn wall_clock_millis() -> u64 {
    let now = js_sys::Date::now();
    if now.is_finite() && now > 0.0 {
        now as u64
    } else {
        0
    }
}

/// What runs after committed changes to tables or items.
#[derive(Clone, Default)]
struct Listener(Rc<RefCell<Option<Callback>>>);

/// A shared callback with no arguments.
type Callback = Rc<dyn Fn()>;

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.borrow().is_some() {
            "Listener(set)"
        } else {
            "Listener(none)"
        })
    }
}

impl Listener {
    /// Calls the listener, if any, holding no borrow while it runs (it may send requests).
    fn notify(&self) {
        let listener = self.0.borrow().clone();
        if let Some(listener) = listener {
            listener();
        }
    }
}

/// Changes served but not yet committed, and who waits for them.
#[derive(Default)]
struct Batch {
    changes: Vec<Change>,
    /// Whether any change touches tables or items (settings and the clock do not count).
    data_changed: bool,
    waiters: Vec<oneshot::Sender<Result<(), StoreError>>>,
}

impl Batch {
    fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.waiters.is_empty()
    }

    fn add(&mut self, changes: Vec<Change>) {
        self.data_changed |= changes
            .iter()
            .any(|c| !matches!(c, Change::PutSetting { .. }));
        self.changes.extend(changes);
    }

    /// Tells every waiter the outcome (a waiter that went away no longer cares).
    fn settle(self, outcome: &Result<(), StoreError>) {
        for waiter in self.waiters {
            let _ = waiter.send(outcome.clone());
        }
    }
}

/// The group-commit state: the batch gathering while one transaction is in flight.
#[derive(Default)]
struct Commits {
    gathering: Batch,
    in_flight: bool,
    /// Set while the engine reloads after a failed commit; requests are refused meanwhile.
    reloading: bool,
    /// Commits have landed in the journal since the last fold began.
    unfolded: bool,
    /// Changes committed since the last fold, and the tables they touch: a fold rewrites
    /// those tables' pages, so it waits until the journal is worth it.
    journal_changes: usize,
    journal_tables: Vec<String>,
    /// A fold of the journal is waiting for the tab to be quiet, or running.
    folding: bool,
}

impl std::fmt::Debug for Commits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Commits")
            .field("gathering", &self.gathering.changes.len())
            .field("in_flight", &self.in_flight)
            .field("reloading", &self.reloading)
            .finish()
    }
}

/// What is wrong with this tab's storage, if anything: shown by the UI, cleared by the
/// calls that deal with it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StorageTrouble {
    /// Why nothing is being saved: the tab works in memory (IndexedDB could not be opened or
    /// read, or the quota ran out).
    pub memory_only: Option<String>,
    /// Stored records the engine could not read and left out when it opened.
    pub unreadable: Vec<Unreadable>,
}

/// A request served by [`EngineHandle::serve`]: the engine's answer, and what resolves once
/// everything the answer may show is committed (`None` when nothing is outstanding).
pub struct Served(Serving);

enum Serving {
    Answered {
        response: Result<Vec<u8>, DynamoError>,
        durable: Option<oneshot::Receiver<Result<(), StoreError>>>,
    },
    /// Not served yet: the request needs the full engine, which is loaded first.
    NeedsFull {
        handle: EngineHandle,
        operation: String,
        request: String,
        options: RequestOptions,
    },
}

impl Served {
    /// The answer, if it may be given now; otherwise the request, still waiting.
    pub fn now(self) -> Result<Result<String, DynamoError>, Served> {
        match self.0 {
            Serving::Answered {
                response,
                durable: None,
            } => Ok(text_of(response)),
            waiting => Err(Served(waiting)),
        }
    }

    /// The answer, once everything it may show is committed (a failed commit fails it).
    pub async fn finish(self) -> Result<String, DynamoError> {
        let (response, durable) = match self.0 {
            Serving::Answered { response, durable } => (response, durable),
            Serving::NeedsFull {
                handle,
                operation,
                request,
                options,
            } => {
                handle.use_full().await?;
                match handle.serve_with(&operation, &request, &options)?.0 {
                    Serving::Answered { response, durable } => (response, durable),
                    Serving::NeedsFull { .. } => {
                        return Err(DynamoError::new(
                            ErrorKind::InternalFailure,
                            "the full engine did not take over",
                        ));
                    }
                }
            }
        };
        if let Some(durable) = durable {
            durable
                .await
                .unwrap_or_else(|_| {
                    Err(StoreError::new(
                        "the commit was abandoned (the page is closing)",
                    ))
                })
                .map_err(|e| e.to_dynamo())?;
        }
        text_of(response)
    }
}

/// The engine's answer as text.
fn text_of(response: Result<Vec<u8>, DynamoError>) -> Result<String, DynamoError> {
    String::from_utf8(response?).map_err(|e| {
        DynamoError::new(
            ErrorKind::InternalFailure,
            format!("the engine answered with invalid UTF-8: {e}"),
        )
    })
}

/// How long the journal waits after the last commit before it is folded in.
const FOLD_AFTER_MILLIS: i32 = 1_000;

/// Adds each of `tables` to `noted` unless it is there already.
fn note_tables<'a>(noted: &mut Vec<String>, tables: impl Iterator<Item = &'a str>) {
    for table in tables {
        if !noted.iter().any(|t| t == table) {
            noted.push(table.to_owned());
        }
    }
}

/// Resolves after `millis` (a `setTimeout`).
async fn sleep(millis: i32) {
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(wait).await;
}

/// A shared handle on the engine and its store. Cloning shares both.
#[derive(Debug, Clone)]
pub struct EngineHandle {
    engine: Rc<RefCell<Core>>,
    /// Set while the full engine is being loaded to take over.
    switching: Rc<std::cell::Cell<bool>>,
    /// `None` when IndexedDB could not be opened at all.
    store: Option<IdbStore>,
    trouble: Rc<RefCell<StorageTrouble>>,
    /// What `save_text` kept (or, as `None`, forgot) while the tab works in memory.
    memory_texts: Rc<RefCell<std::collections::BTreeMap<String, Option<String>>>>,
    on_trouble: Listener,
    on_data_change: Listener,
    commits: Rc<RefCell<Commits>>,
    /// Who sends through this handle, for the activity log: `ui` unless
    /// [`EngineHandle::with_source`] names another front end.
    source: &'static str,
}

/// The engine as the browser runs it ([`EngineConfig::browser`]), of the first load's build.
fn new_engine() -> Core {
    Core::Lean(Box::new(Engine::new(EngineConfig::browser(
        wall_clock_millis(),
    ))))
}

/// The same, of the full build.
async fn new_full_engine() -> Result<Core, DynamoError> {
    Ok(Core::Full(
        crate::full::load(true, wall_clock_millis() as f64).await?,
    ))
}

/// What a database that needs the full engine says of itself (under
/// [`crate::store::ENGINE_EDITION`]), so a reload starts the full engine before reading it.
const FULL_EDITION: &str = "full";

impl EngineHandle {
    /// Opens the IndexedDB database `db_name` and restores an engine from what it holds. Never
    /// a dead end: records it cannot read are left out and named, and if IndexedDB cannot be
    /// opened or read the tab works in memory; [`EngineHandle::trouble`] says which.
    pub async fn open(db_name: &str) -> Self {
        let store = match IdbStore::open(db_name).await {
            Ok(store) => store,
            Err(e) => {
                return Self::in_memory(
                    None,
                    format!("IndexedDB could not be opened ({})", e.message),
                );
            }
        };
        let snapshot = match store.load().await {
            Ok(snapshot) => snapshot,
            Err(e) => {
                return Self::in_memory(
                    Some(store),
                    format!("the stored database could not be read ({})", e.message),
                );
            }
        };
        // The full engine starts first for a database it served, or one holding what only
        // it keeps (the edition's record lost, say).
        let full = matches!(
            store.load_text(crate::store::ENGINE_EDITION).await,
            Ok(Some(edition)) if edition == FULL_EDITION
        ) || dynoscope_engine::snapshot_needs_full(&snapshot);
        let mut engine = match full {
            true => match new_full_engine().await {
                Ok(engine) => engine,
                Err(e) => {
                    return Self::in_memory(
                        Some(store),
                        format!("the stored database needs the full engine: {}", e.message),
                    );
                }
            },
            false => new_engine(),
        };
        let unreadable = engine.restore_readable(&snapshot);
        // Fold the journal the load replayed into the state stores, off the path of any
        // request; if it fails the journal stays and is replayed next time.
        let compacting = store.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = compacting.compact().await {
                web_sys::console::warn_1(
                    &format!("dynoscope: the journal could not be folded in yet: {e}").into(),
                );
            }
        });
        Self::new(
            engine,
            Some(store),
            StorageTrouble {
                memory_only: None,
                unreadable,
            },
        )
    }

    /// An empty engine that saves nothing, and says why.
    fn in_memory(store: Option<IdbStore>, reason: String) -> Self {
        Self::new(
            new_engine(),
            store,
            StorageTrouble {
                memory_only: Some(reason),
                unreadable: Vec::new(),
            },
        )
    }

    fn new(engine: Core, store: Option<IdbStore>, trouble: StorageTrouble) -> Self {
        EngineHandle {
            engine: Rc::new(RefCell::new(engine)),
            switching: Rc::default(),
            store,
            trouble: Rc::new(RefCell::new(trouble)),
            memory_texts: Rc::default(),
            on_trouble: Listener::default(),
            on_data_change: Listener::default(),
            commits: Rc::default(),
            source: "ui",
        }
    }

    /// The same engine and store, sending as `source` (`console`, `cli`, `api`,
    /// `scenario`, `load`, `model`): the activity log names it with each request.
    pub fn with_source(&self, source: &'static str) -> Self {
        EngineHandle {
            source,
            ..self.clone()
        }
    }

    /// Where the engine's history has got to ([`Engine::history_mark`]).
    pub fn history_mark(&self) -> (u64, u64, u128) {
        self.engine.borrow().history_mark()
    }

    /// The engine's history as text, to keep across a reload ([`Engine::history`]); `None`
    /// while the tab works in memory, when there is nowhere to keep it.
    pub fn history(&self) -> Option<String> {
        if !self.saving() {
            return None;
        }
        Some(self.engine_mut().ok()?.history())
    }

    /// Whether commits go to IndexedDB (not when the tab works in memory).
    fn saving(&self) -> bool {
        self.trouble.borrow().memory_only.is_none()
    }

    /// The text kept under `key` beside the data (the current model, lesson progress): what
    /// the tab kept since it began working in memory, if anything, else IndexedDB's.
    pub async fn load_text(&self, key: &str) -> Result<Option<String>, StoreError> {
        if let Some(kept) = self.memory_texts.borrow().get(key) {
            return Ok(kept.clone());
        }
        match &self.store {
            Some(store) => store.load_text(key).await,
            None => Ok(None),
        }
    }

    /// Keeps `text` under `key` (or with `None` forgets it): durably, or in memory while the
    /// tab works in memory.
    pub async fn save_text(&self, key: &str, text: Option<&str>) -> Result<(), StoreError> {
        match &self.store {
            Some(store) if self.saving() => store.save_text(key, text).await,
            _ => {
                (self.memory_texts.borrow_mut()).insert(key.to_owned(), text.map(str::to_owned));
                Ok(())
            }
        }
    }

    /// What is wrong with this tab's storage (nothing, usually).
    pub fn trouble(&self) -> StorageTrouble {
        self.trouble.borrow().clone()
    }

    /// Sets what runs after a request's changes to tables or items are committed, whoever
    /// sent it (settings and the clock do not count).
    pub fn on_data_change(&self, listener: impl Fn() + 'static) {
        *self.on_data_change.0.borrow_mut() = Some(Rc::new(listener));
    }

    /// Sets what runs when the storage's trouble changes after opening (the quota ran out).
    pub fn on_trouble(&self, listener: impl Fn() + 'static) {
        *self.on_trouble.0.borrow_mut() = Some(Rc::new(listener));
    }

    /// Tells the listener that tables or items changed (for calls that change the current
    /// model, which views also show).
    pub fn notify_data_change(&self) {
        self.on_data_change.notify();
    }

    /// The store this handle commits to (`None` when IndexedDB could not be opened).
    pub fn store(&self) -> Option<&IdbStore> {
        self.store.as_ref()
    }

    /// Whether the full engine serves (it took over, or the database needed it).
    pub fn is_full(&self) -> bool {
        self.engine.borrow().is_full()
    }

    /// The engine's home region (ARNs name it; requests go there unless sent elsewhere).
    pub fn region(&self) -> String {
        self.engine.borrow().region()
    }

    /// Serves one DynamoDB request (`operation` such as `PutItem`, `request` its JSON body)
    /// and returns the JSON response once everything it may have seen is durable.
    ///
    /// Group commit: the request's changes join the batch that the next IndexedDB
    /// transaction writes, and the request resolves only after that transaction commits. One
    /// transaction is in flight at a time; requests served meanwhile all wait for the next
    /// one, so a thousand concurrent writes cost a handful of transactions rather than a
    /// thousand. A request with no changes still waits while a batch is outstanding, since
    /// its answer may show writes not yet stored. If a commit fails, every request of that
    /// batch and of the one gathering behind it gets an InternalFailure, never a false
    /// success, and the engine is reloaded from IndexedDB so it forgets what was not stored.
    pub async fn send(&self, operation: &str, request: &str) -> Result<String, DynamoError> {
        self.serve(operation, request)?.finish().await
    }

    /// [`EngineHandle::send`] with `options`: to a region, through DAX, as a principal.
    pub async fn send_with(
        &self,
        operation: &str,
        request: &str,
        options: &RequestOptions,
    ) -> Result<String, DynamoError> {
        self.serve_with(operation, request, options)?.finish().await
    }

    /// Sends `(operation, request)` pairs together, as [`EngineHandle::send`] does each:
    /// they are all served at once, so their changes share a commit, and each is answered
    /// in order once its changes are stored.
    pub async fn send_all(&self, calls: &[(&str, &str)]) -> Vec<Result<String, DynamoError>> {
        futures_util::future::join_all(calls.iter().map(|(op, body)| self.send(op, body))).await
    }

    /// Serves one request now, as [`EngineHandle::send`] does, and returns its answer with
    /// what it still waits for: nothing, most of the time, for a read when no commit is
    /// outstanding, so a caller can answer at once ([`Served::now`]).
    pub fn serve(&self, operation: &str, request: &str) -> Result<Served, DynamoError> {
        self.serve_with(operation, request, &RequestOptions::default())
    }

    /// [`EngineHandle::serve`] with `options`. A request only the full engine serves waits
    /// for it to take over ([`EngineHandle::use_full`]), as do requests served meanwhile.
    pub fn serve_with(
        &self,
        operation: &str,
        request: &str,
        options: &RequestOptions,
    ) -> Result<Served, DynamoError> {
        if let Some(refusal) = crate::owner::refusal() {
            return Err(refusal);
        }
        if self.commits.borrow().reloading {
            return Err(DynamoError::new(
                ErrorKind::InternalFailure,
                "the database is being reloaded or replaced; retry",
            ));
        }
        let needs_full = self.switching.get()
            || (self.engine.try_borrow())
                .is_ok_and(|core| core.needs_full(operation, request.as_bytes(), options));
        if needs_full {
            return Ok(Served(Serving::NeedsFull {
                handle: self.clone(),
                operation: operation.to_owned(),
                request: request.to_owned(),
                options: options.clone(),
            }));
        }
        let (response, changes) = {
            let mut engine = self.engine_mut()?;
            engine.observe_host_time(wall_clock_millis());
            let result = engine.dispatch(self.source, options, operation, request.as_bytes());
            // A rejected request may still have recorded nothing; drain either way.
            (result, engine.take_changes())
        };
        Ok(Served(Serving::Answered {
            response,
            durable: self.enqueue(changes),
        }))
    }

    /// The stream-trigger invocations due now of the functions named in `runnable`
    /// ([`Core::take_invocations`]), the clock brought to the wall clock first. Delivery moves
    /// mappings' positions and may write discarded records to a table: those changes join
    /// the next commit as a request's do. Nothing while requests are refused.
    pub fn take_invocations(&self, runnable: &[String]) -> Vec<serde_json::Value> {
        if self.switching.get()
            || crate::owner::refusal().is_some()
            || self.commits.borrow().reloading
        {
            return Vec::new();
        }
        let Ok(mut engine) = self.engine_mut() else {
            return Vec::new();
        };
        if !engine.is_full() {
            return Vec::new();
        }
        engine.observe_host_time(wall_clock_millis());
        let taken = engine.take_invocations(runnable);
        let changes = engine.take_changes();
        drop(engine);
        self.enqueue(changes);
        taken
    }

    /// Reports how invocation `id` ended ([`Core::complete_invocation`]); its changes (the
    /// mapping's position, a record sent to an on-failure table) are committed as a
    /// request's are. False when the engine no longer waits for it.
    pub fn complete_invocation(&self, id: &str, outcome: &str) -> Result<bool, DynamoError> {
        if let Some(refusal) = crate::owner::refusal() {
            return Err(refusal);
        }
        if self.commits.borrow().reloading {
            return Err(DynamoError::new(
                ErrorKind::InternalFailure,
                "the database is being reloaded or replaced: the invocation's outcome is dropped",
            ));
        }
        let (done, changes) = {
            let mut engine = self.engine_mut()?;
            engine.observe_host_time(wall_clock_millis());
            let done = engine.complete_invocation(id, outcome);
            (done, engine.take_changes())
        };
        self.enqueue(changes);
        done
    }

    /// Makes the full engine serve from now on, loading it if need be and handing it
    /// everything the engine of the first load holds. The store is told first, so a reload
    /// starts the full engine before it reads what only the full engine understands.
    /// Requests arriving meanwhile wait for it.
    pub async fn use_full(&self) -> Result<(), DynamoError> {
        while self.switching.get() {
            sleep(10).await;
        }
        if self.engine.borrow().is_full() {
            return Ok(());
        }
        self.switching.set(true);
        let outcome = async {
            let full = crate::full::load(true, wall_clock_millis() as f64).await?;
            self.save_text(crate::store::ENGINE_EDITION, Some(FULL_EDITION))
                .await
                .map_err(|e| e.to_dynamo())?;
            self.engine_mut()?.hand_over(full);
            Ok(())
        }
        .await;
        self.switching.set(false);
        outcome
    }

    /// Resolves once every change served so far is committed (or its commit has failed):
    /// what a tab waits for before handing the database to another.
    pub async fn settle(&self) {
        if let Some(durable) = self.enqueue(Vec::new()) {
            let _ = durable.await;
        }
    }

    /// The virtual clock's now, brought up to the host's time as a request would.
    pub fn now_millis(&self) -> Result<u64, DynamoError> {
        let mut engine = self.engine_mut()?;
        engine.observe_host_time(wall_clock_millis());
        Ok(engine.now_millis())
    }

    /// The whole database as the lines of a database file
    /// ([`dynoscope_engine::database_file`]): everything acknowledged so far.
    pub async fn export_lines(&self) -> Result<Vec<String>, DynamoError> {
        self.settle().await;
        let changes = self.engine_mut()?.stored_state();
        let mut state = dynoscope_engine::MemoryStore::new();
        state.apply(&changes);
        Ok(dynoscope_engine::database_file::lines(&state.snapshot()).collect())
    }

    /// Replaces the whole database with `snapshot` (an import; with an empty snapshot, a
    /// reset). Every record must read first, so a bad file changes nothing.
    /// A file from a database that used global tables, principals or backups needs the
    /// full engine, which then serves from now on.
    pub async fn replace(&self, snapshot: &Snapshot) -> Result<(), DynamoError> {
        let needs_full = dynoscope_engine::snapshot_needs_full(snapshot);
        let mut engine = match self.is_full() || needs_full {
            true => new_full_engine().await?,
            false => new_engine(),
        };
        engine.restore(snapshot)?;
        if needs_full {
            self.save_text(crate::store::ENGINE_EDITION, Some(FULL_EDITION))
                .await
                .map_err(|e| e.to_dynamo())?;
        }
        self.rewrite(Some(engine)).await
    }

    /// Makes what was read the whole of the store: the records left out on opening are
    /// dropped for good.
    pub async fn keep_readable(&self) -> Result<(), DynamoError> {
        self.rewrite(None).await
    }

    /// Rewrites the store (one transaction) from `engine`, which then serves, or from the
    /// serving engine. Requests are refused meanwhile: none may land between the two.
    async fn rewrite(&self, engine: Option<Core>) -> Result<(), DynamoError> {
        self.settle().await;
        self.commits.borrow_mut().reloading = true;
        let outcome = async {
            let mut engine = engine;
            let changes = match engine.as_mut() {
                Some(engine) => engine.stored_state(),
                None => self.engine_mut()?.stored_state(),
            };
            if let Some(store) = self.store.as_ref().filter(|_| self.saving()) {
                store
                    .replace_all(&changes)
                    .await
                    .map_err(|e| e.to_dynamo())?;
            }
            if let Some(engine) = engine {
                *self.engine_mut()? = engine;
            }
            Ok(())
        }
        .await;
        self.commits.borrow_mut().reloading = false;
        if outcome.is_ok() {
            self.trouble.borrow_mut().unreadable.clear();
            self.on_data_change.notify();
        }
        outcome
    }

    /// The engine, borrowed for a call that changes it.
    fn engine_mut(&self) -> Result<std::cell::RefMut<'_, Core>, DynamoError> {
        self.engine.try_borrow_mut().map_err(|_| {
            DynamoError::new(
                ErrorKind::InternalFailure,
                "the engine is busy (re-entrant call)",
            )
        })
    }

    /// Adds a request's changes to the gathering batch and returns what resolves once they
    /// (and every earlier change) are committed; `None` when nothing is outstanding.
    fn enqueue(&self, changes: Vec<Change>) -> Option<oneshot::Receiver<Result<(), StoreError>>> {
        let mut commits = self.commits.borrow_mut();
        if changes.is_empty() && !commits.in_flight && commits.gathering.is_empty() {
            return None;
        }
        commits.gathering.add(changes);
        let (done, durable) = oneshot::channel();
        commits.gathering.waiters.push(done);
        if !commits.in_flight {
            commits.in_flight = true;
            wasm_bindgen_futures::spawn_local(self.clone().drain());
        }
        Some(durable)
    }

    /// Commits gathered batches one transaction at a time until none is left.
    async fn drain(self) {
        loop {
            let batch = {
                let mut commits = self.commits.borrow_mut();
                if commits.gathering.is_empty() {
                    commits.in_flight = false;
                    if commits.unfolded && !commits.folding {
                        commits.folding = true;
                        wasm_bindgen_futures::spawn_local(self.clone().fold_when_quiet());
                    }
                    return;
                }
                std::mem::take(&mut commits.gathering)
            };
            let store = self.store.clone().filter(|_| self.saving());
            let result = match store {
                Some(mut store) if !batch.changes.is_empty() => {
                    // The store is a cheap clone of the connection; no borrow is held across
                    // the await, so requests keep being served and gathered meanwhile.
                    store.commit(&batch.changes).await
                }
                _ => Ok(()),
            };
            // Out of space: keep working in memory and say so, rather than fail every write
            // from now on. The batch's changes are in the engine, so its requests succeed.
            let result = match result {
                Err(e) if e.quota => {
                    self.trouble.borrow_mut().memory_only = Some(format!(
                        "the browser's storage quota for this site is used up ({})",
                        e.message
                    ));
                    self.on_trouble.notify();
                    Ok(())
                }
                other => other,
            };
            match result {
                Ok(()) => {
                    {
                        let mut commits = self.commits.borrow_mut();
                        commits.unfolded |= !batch.changes.is_empty();
                        commits.journal_changes += batch.changes.len();
                        let tables = batch.changes.iter().filter_map(crate::pages::table_of);
                        note_tables(&mut commits.journal_tables, tables);
                    }
                    if batch.data_changed {
                        self.on_data_change.notify();
                    }
                    batch.settle(&Ok(()));
                }
                Err(error) => {
                    let behind = {
                        let mut commits = self.commits.borrow_mut();
                        commits.reloading = true;
                        std::mem::take(&mut commits.gathering)
                    };
                    self.resync().await;
                    self.commits.borrow_mut().reloading = false;
                    batch.settle(&Err(error.clone()));
                    behind.settle(&Err(StoreError::new(format!(
                        "an earlier commit failed, so this one was not attempted: {}",
                        error.message
                    ))));
                }
            }
        }
    }

    /// Folds the journal into the pages once no commit has landed for [`FOLD_AFTER_MILLIS`]
    /// (or after ten of them at most), so that the next load reads pages instead of
    /// replaying what this session wrote. A commit arriving during the fold waits for its
    /// transaction; commits landing meanwhile are folded by the next fold, which the commit
    /// loop starts when it is next idle.
    async fn fold_when_quiet(self) {
        // A tab that never goes quiet (a load generator running) still folds every ten
        // seconds.
        for _ in 0..10 {
            self.commits.borrow_mut().unfolded = false;
            sleep(FOLD_AFTER_MILLIS).await;
            if !self.commits.borrow().unfolded {
                break;
            }
        }
        let store = self
            .store
            .clone()
            .filter(|_| self.saving() && self.fold_is_worth_it());
        if let Some(store) = store.filter(|_| crate::owner::refusal().is_none())
            && let Err(e) = self.fold(&store).await
        {
            web_sys::console::warn_1(
                &format!("dynoscope: the journal could not be folded in yet: {e}").into(),
            );
        }
        let mut commits = self.commits.borrow_mut();
        commits.folding = false;
        if commits.unfolded && !commits.in_flight {
            commits.folding = true;
            wasm_bindgen_futures::spawn_local(self.clone().fold_when_quiet());
        }
    }

    /// Whether folding the journal now is worth rewriting the pages of every table it
    /// touches: only once it holds an eighth as many changes as those tables hold items
    /// (small tables fold at once), so a large table edited now and then is rewritten
    /// seldom, while what a load replays stays bounded.
    fn fold_is_worth_it(&self) -> bool {
        let commits = self.commits.borrow();
        let Ok(engine) = self.engine.try_borrow() else {
            return false;
        };
        let items: u64 = (commits.journal_tables.iter())
            .filter_map(|name| engine.item_count(name))
            .sum();
        items <= 8 * commits.journal_changes as u64 + 2_000
    }

    /// Folds the journal into the pages ([`IdbStore::compact`]), forgetting what it held.
    async fn fold(&self, store: &IdbStore) -> Result<(), StoreError> {
        let (changes, tables) = {
            let mut commits = self.commits.borrow_mut();
            (
                std::mem::take(&mut commits.journal_changes),
                std::mem::take(&mut commits.journal_tables),
            )
        };
        let outcome = store.compact().await;
        if outcome.is_err() {
            let mut commits = self.commits.borrow_mut();
            commits.journal_changes += changes;
            note_tables(
                &mut commits.journal_tables,
                tables.iter().map(String::as_str),
            );
        }
        outcome
    }

    /// After a failed commit the engine holds changes IndexedDB does not: reload the engine
    /// from the store so that what it serves is again exactly what is durable. Commits
    /// created earlier finish before this read (IndexedDB orders overlapping transactions).
    async fn resync(&self) {
        let Some(store) = &self.store else {
            return;
        };
        let restored = match store.load().await {
            Ok(snapshot) => match self.engine.try_borrow_mut() {
                Ok(mut engine) => {
                    engine.restore_readable(&snapshot);
                    Ok(())
                }
                Err(_) => Err("the engine is busy".to_owned()),
            },
            Err(e) => Err(e.message),
        };
        if let Err(message) = restored {
            web_sys::console::error_1(
                &format!("dynoscope: could not reload the engine after a failed commit: {message}")
                    .into(),
            );
        }
    }

    /// Names of the operations the page serves, in order: the first load's engine's and
    /// those the full engine takes over for.
    pub fn operations() -> Vec<&'static str> {
        let mut operations = [
            dynoscope_engine::OPERATIONS,
            dynoscope_engine::FULL_ONLY_OPERATIONS,
        ]
        .concat();
        operations.sort_unstable_by_key(|op| (op.starts_with("Dynoscope_"), *op));
        operations.dedup();
        operations
    }
}
