//! The page's engine in either build: [`Core::Lean`], the engine of the first load, or
//! [`Core::Full`], the full module's (`crate::full`), which takes over the first time a
//! request needs it. Both answer the same calls, so the handle that owns the engine
//! (`crate::bridge`) does not care which it holds. [`Core::hand_over`] moves everything the
//! lean engine holds into a full one, as a reload would: tables, items, settings and the
//! history (events, metrics, stream records); what lives only in memory (replicas catching
//! up, capacity buckets) starts afresh.

use dynoscope_engine::contract::RequestOptions;
use dynoscope_engine::{
    Change, DynamoError, Engine, ErrorKind, HISTORY_SETTING, MemoryStore, Snapshot, Unreadable,
};

use crate::full::FullEngine;

/// The engine a page or a headless scenario runs.
#[derive(Debug)]
pub enum Core {
    Lean(Box<Engine>),
    Full(FullEngine),
}

impl Core {
    /// Whether this is the full build.
    pub fn is_full(&self) -> bool {
        matches!(self, Core::Full(_))
    }

    /// Whether serving this request needs the full build while this is the lean one.
    pub fn needs_full(&self, operation: &str, body: &[u8], options: &RequestOptions) -> bool {
        match self {
            Core::Lean(engine) => {
                dynoscope_engine::needs_full(operation, body, options, &engine.config().region)
            }
            Core::Full(_) => false,
        }
    }

    /// Serves one request as `source` sends it, with `options`.
    pub fn dispatch(
        &mut self,
        source: &str,
        options: &RequestOptions,
        operation: &str,
        body: &[u8],
    ) -> Result<Vec<u8>, DynamoError> {
        match self {
            Core::Lean(engine) => engine.dispatch_from(source, operation, body),
            Core::Full(engine) => {
                let options = match options == &RequestOptions::default() {
                    true => String::new(),
                    false => serde_json::to_string(options).unwrap_or_default(),
                };
                let answer = engine.dispatch(source, &options, operation, body).to_vec();
                match answer.split_first() {
                    Some((0, response)) => Ok(response.to_vec()),
                    Some((_, error)) => Err(serde_json::from_slice(error)
                        .ok()
                        .and_then(|body| DynamoError::from_json(&body))
                        .unwrap_or_else(|| unreadable("error"))),
                    None => Err(unreadable("answer")),
                }
            }
        }
    }

    /// The stream-trigger invocations due now of the functions named in `runnable`, each as
    /// the engine's `Invocation` JSON; the others wait in the engine. The first load's
    /// engine has no mappings, so nothing.
    pub fn take_invocations(&mut self, runnable: &[String]) -> Vec<serde_json::Value> {
        match self {
            Core::Lean(_) => Vec::new(),
            Core::Full(engine) => {
                let runnable = serde_json::to_string(runnable).unwrap_or_default();
                serde_json::from_str(&engine.take_invocations(&runnable)).unwrap_or_default()
            }
        }
    }

    /// Reports how invocation `id` ended (`outcome`: the engine's `InvocationOutcome` as
    /// JSON). False when the engine no longer waits for it.
    pub fn complete_invocation(&mut self, id: &str, outcome: &str) -> Result<bool, DynamoError> {
        match self {
            Core::Lean(_) => Ok(false),
            Core::Full(engine) => engine.complete_invocation(id, outcome).map_err(|e| {
                DynamoError::validation(e.as_string().unwrap_or_else(|| format!("{e:?}")))
            }),
        }
    }

    /// The changes recorded since the last call.
    pub fn take_changes(&mut self) -> Vec<Change> {
        match self {
            Core::Lean(engine) => engine.take_changes(),
            Core::Full(engine) => changes(&engine.take_changes()),
        }
    }

    /// Everything the engine would store.
    pub fn stored_state(&mut self) -> Vec<Change> {
        match self {
            Core::Lean(engine) => engine.stored_state(),
            Core::Full(engine) => changes(&engine.stored_state()),
        }
    }

    pub fn observe_host_time(&mut self, host_millis: u64) {
        match self {
            Core::Lean(engine) => engine.observe_host_time(host_millis),
            Core::Full(engine) => engine.observe_host_time(host_millis as f64),
        }
    }

    pub fn now_millis(&self) -> u64 {
        match self {
            Core::Lean(engine) => engine.now_millis(),
            Core::Full(engine) => engine.now_millis() as u64,
        }
    }

    /// The history to keep across a reload.
    pub fn history(&mut self) -> String {
        match self {
            Core::Lean(engine) => engine.history(),
            Core::Full(engine) => engine.history(),
        }
    }

    /// Where the history has got to (events, activity, stream records).
    pub fn history_mark(&self) -> (u64, u64, u128) {
        match self {
            Core::Lean(engine) => engine.history_mark(),
            Core::Full(engine) => {
                let mark = engine.history_mark();
                let mut parts = mark.split(',');
                let mut next = || parts.next().and_then(|p| p.parse::<u128>().ok());
                let (events, activity, stream) = (next(), next(), next());
                (
                    events.unwrap_or_default() as u64,
                    activity.unwrap_or_default() as u64,
                    stream.unwrap_or_default(),
                )
            }
        }
    }

    /// The home region.
    pub fn region(&self) -> String {
        match self {
            Core::Lean(engine) => engine.config().region.clone(),
            Core::Full(engine) => engine.region(),
        }
    }

    /// How many items table `name` holds, if there is one.
    pub fn item_count(&self, name: &str) -> Option<u64> {
        match self {
            Core::Lean(engine) => engine.table(name).map(|t| t.item_count()),
            Core::Full(engine) => Some(engine.item_count(name))
                .filter(|n| *n >= 0.0)
                .map(|n| n as u64),
        }
    }

    /// Restores `snapshot`, leaving out the records it cannot read, which it returns.
    pub fn restore_readable(&mut self, snapshot: &Snapshot) -> Vec<Unreadable> {
        match self {
            Core::Lean(engine) => engine.restore_readable(snapshot),
            Core::Full(engine) => {
                let text = serde_json::to_string(snapshot).expect("a snapshot is strings");
                match engine.restore(&text) {
                    Ok(unreadable) => serde_json::from_slice(unreadable.as_bytes())
                        .expect("the full engine names unreadable records as Unreadable"),
                    Err(reason) => vec![Unreadable {
                        record: dynoscope_engine::StoredRecord::Table(0),
                        table: String::new(),
                        reason: reason.as_string().unwrap_or_default(),
                    }],
                }
            }
        }
    }

    /// Restores `snapshot` whole, or fails naming the first record it cannot read.
    pub fn restore(&mut self, snapshot: &Snapshot) -> Result<(), DynamoError> {
        match self.restore_readable(snapshot).into_iter().next() {
            None => Ok(()),
            Some(unreadable) => Err(DynamoError::validation(format!(
                "The database could not be restored: {unreadable}"
            ))),
        }
    }

    /// Moves what this engine holds into `full` and makes it this engine: the tables,
    /// items and settings it would store, and its history.
    pub fn hand_over(&mut self, full: FullEngine) {
        let history = self.history();
        let mut state = MemoryStore::new();
        state.apply(&self.stored_state());
        let mut snapshot = state.snapshot();
        snapshot
            .settings
            .retain(|(name, _)| name != HISTORY_SETTING);
        snapshot
            .settings
            .push((HISTORY_SETTING.to_owned(), history));
        let mut next = Core::Full(full);
        for unreadable in next.restore_readable(&snapshot) {
            web_sys::console::warn_1(
                &format!("dynoscope: the full engine could not take over {unreadable}").into(),
            );
        }
        *self = next;
    }
}

/// Changes the full engine gave as JSON.
fn changes(text: &str) -> Vec<Change> {
    serde_json::from_slice(text.as_bytes()).expect("the full engine's changes read as Change")
}

/// The full engine answered with something that does not read.
fn unreadable(what: &str) -> DynamoError {
    DynamoError::new(
        ErrorKind::InternalFailure,
        format!("the full engine's {what} does not read"),
    )
}
