//! The one door between the browser and the engine: [`EngineHandle`]. It owns the engine and
//! its IndexedDB store; [`EngineHandle::send`] sets the engine's clock to the wall clock,
//! dispatches one DynamoDB request, drains the durable changes it made and commits them to
//! IndexedDB before returning, so every acknowledged write survives a reload. The UI and the
//! `window.dynoscope` API both go through `send`; nothing else touches the engine. Once a
//! request's changes to tables or items are committed, the handle tells its listener (the
//! UI), so views refresh whichever front end made the change.

use std::cell::RefCell;
use std::rc::Rc;

use dynoscope_engine::{Change, DynamoError, Engine, EngineConfig, ErrorKind, Store};

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
struct Listener(Rc<RefCell<Option<Rc<dyn Fn()>>>>);

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

/// A shared handle on the engine and its store. Cloning shares both.
#[derive(Debug, Clone)]
pub struct EngineHandle {
    engine: Rc<RefCell<Engine>>,
    store: IdbStore,
    on_data_change: Listener,
}

impl EngineHandle {
    /// Opens the IndexedDB database `db_name` and restores an engine from what it holds.
    pub async fn open(db_name: &str) -> Result<Self, StoreError> {
        let store = IdbStore::open(db_name).await?;
        Self::with_store(store).await
    }

    /// Restores an engine from an already open store.
    pub async fn with_store(store: IdbStore) -> Result<Self, StoreError> {
        let snapshot = store.load().await?;
        let mut engine = Engine::new(EngineConfig {
            record_changes: true,
            start_millis: wall_clock_millis(),
            clock_mode: dynoscope_engine::clock::ClockMode::RealTime { speed: 1.0 },
            // The playground shows replication lag, index propagation and splits.
            simulation: dynoscope_engine::simulation::SimulationSettings::playground(),
            record_events: true,
            ..EngineConfig::default()
        });
        engine
            .restore(&snapshot)
            .map_err(|e| StoreError::new(format!("the stored data could not be restored: {e}")))?;
        Ok(EngineHandle {
            engine: Rc::new(RefCell::new(engine)),
            store,
            on_data_change: Listener::default(),
        })
    }

    /// Sets what runs after a request's changes to tables or items are committed, whoever
    /// sent it (settings and the clock do not count).
    pub fn on_data_change(&self, listener: impl Fn() + 'static) {
        *self.on_data_change.0.borrow_mut() = Some(Rc::new(listener));
    }

    /// The store this handle commits to.
    pub fn store(&self) -> &IdbStore {
        &self.store
    }

    /// Serves one DynamoDB request (`operation` such as `PutItem`, `request` its JSON body)
    /// and returns the JSON response. Changes are committed to IndexedDB before this returns;
    /// if that commit fails the caller gets an InternalFailure, never a false success, and
    /// the engine is reloaded from IndexedDB so it forgets the write that was not stored.
    pub async fn send(&self, operation: &str, request: &str) -> Result<String, DynamoError> {
        let (response, changes) = {
            let mut engine = self.engine.try_borrow_mut().map_err(|_| {
                DynamoError::new(
                    ErrorKind::InternalFailure,
                    "the engine is busy (re-entrant call)",
                )
            })?;
            engine.observe_host_time(wall_clock_millis());
            let result = engine.dispatch(operation, request.as_bytes());
            // A rejected request may still have recorded nothing; drain either way.
            (result, engine.take_changes())
        };
        if !changes.is_empty() {
            // The store is a cheap clone of the connection: no borrow is held across the
            // await, so other requests may run meanwhile. IndexedDB orders the transactions.
            let mut store = self.store.clone();
            if let Err(error) = store.commit(&changes).await {
                self.resync().await;
                return Err(error.to_dynamo());
            }
            if changes
                .iter()
                .any(|c| !matches!(c, Change::PutSetting { .. }))
            {
                self.on_data_change.notify();
            }
        }
        let body = response?;
        String::from_utf8(body).map_err(|e| {
            DynamoError::new(
                ErrorKind::InternalFailure,
                format!("the engine answered with invalid UTF-8: {e}"),
            )
        })
    }

    /// After a failed commit the engine holds changes IndexedDB does not: reload the engine
    /// from the store so that what it serves is again exactly what is durable. Commits
    /// created earlier finish before this read (IndexedDB orders overlapping transactions).
    async fn resync(&self) {
        let restored = match self.store.load().await {
            Ok(snapshot) => match self.engine.try_borrow_mut() {
                Ok(mut engine) => engine.restore(&snapshot).map_err(|e| e.to_string()),
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

    /// Names of the operations the engine serves.
    pub fn operations() -> &'static [&'static str] {
        dynoscope_engine::dispatch::OPERATIONS
    }
}
