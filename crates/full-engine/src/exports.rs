//! What the module exports to the page: [`FullEngine`], an engine with every feature behind
//! methods that take and give text.

use dynoscope_engine::contract::RequestOptions;
use dynoscope_engine::{DynamoError, Engine, EngineConfig, InvocationOutcome, Snapshot};
use wasm_bindgen::prelude::*;

/// An engine with every feature.
#[wasm_bindgen]
pub struct FullEngine {
    engine: Engine,
}

#[wasm_bindgen]
impl FullEngine {
    /// The engine as the page runs it ([`EngineConfig::browser`]) from `start_millis`, or
    /// with `browser` false a plain one (stepped clock, no simulation, the event history
    /// kept), as headless scenarios play on.
    #[wasm_bindgen(constructor)]
    pub fn new(browser: bool, start_millis: f64) -> FullEngine {
        let config = match browser {
            true => EngineConfig::browser(start_millis.max(0.0) as u64),
            false => EngineConfig {
                record_events: true,
                ..EngineConfig::default()
            },
        };
        FullEngine {
            engine: Engine::new(config),
        }
    }

    /// Restores a snapshot given as JSON, leaving out the records it cannot read: returns
    /// those as a JSON array of `Unreadable`.
    pub fn restore(&mut self, snapshot: &str) -> Result<String, String> {
        let snapshot: Snapshot = serde_json::from_str(snapshot)
            .map_err(|e| format!("the snapshot handed over does not read: {e}"))?;
        let unreadable = self.engine.restore_readable(&snapshot);
        serde_json::to_string(&unreadable).map_err(|e| e.to_string())
    }

    /// Serves one request sent by `source` with `options` (the page's send options as JSON;
    /// empty for none). The answer's first byte says how it went (0: the response follows,
    /// 1: the error's wire body follows).
    pub fn dispatch(
        &mut self,
        source: &str,
        options: &str,
        operation: &str,
        body: &[u8],
    ) -> Vec<u8> {
        let options = match options {
            "" => Ok(RequestOptions::default()),
            text => serde_json::from_str::<RequestOptions>(text)
                .map_err(|e| DynamoError::validation(format!("The send options do not read: {e}"))),
        };
        let answer = options
            .and_then(|options| self.engine.dispatch_with(source, &options, operation, body));
        self.fail_s3_jobs();
        match answer {
            Ok(mut response) => {
                response.insert(0, 0);
                response
            }
            Err(error) => {
                let mut response = error.to_json_bytes();
                response.insert(0, 1);
                response
            }
        }
    }

    /// The page has no S3: exports and imports started through the API fail as a missing
    /// bucket fails them, saying what the page has instead.
    fn fail_s3_jobs(&mut self) {
        let no_s3 = || {
            dynoscope_engine::ExchangeFailure {
            code: "S3NoSuchBucket".into(),
            message: "The page has no S3 buckets: the Database panel of the Tables view exports a table as S3 files and imports them (window.dynoscope.exportTable, importTable)".into(),
        }
        };
        for job in self.engine.take_export_jobs() {
            self.engine.complete_export(&job.export_arn, Err(no_s3()));
        }
        for job in self.engine.take_import_jobs() {
            self.engine.complete_import(&job.import_arn, Err(no_s3()));
        }
    }

    /// The stream-trigger invocations due now (`Engine::take_invocations_where`) of the
    /// functions named in `runnable` (a JSON array of function names), as a JSON array of
    /// `Invocation`; the others stay ready, their shards waiting. A `runnable` that does not
    /// read as a list of names takes nothing.
    pub fn take_invocations(&mut self, runnable: &str) -> String {
        let runnable: Vec<String> = serde_json::from_str(runnable).unwrap_or_default();
        let taken = (self.engine)
            .take_invocations_where(|function| runnable.iter().any(|name| name == function));
        serde_json::to_string(&taken).expect("invocations are JSON values and always serialise")
    }

    /// Reports how invocation `id` ended, `outcome` an `InvocationOutcome` as JSON (success
    /// `{"Response", "Logs", "DurationMillis"}`, failure `{"Error": {"ErrorType",
    /// "ErrorMessage"}, ...}`). False when the engine no longer waits for it; an error when
    /// the outcome does not read.
    pub fn complete_invocation(&mut self, id: &str, outcome: &str) -> Result<bool, String> {
        let outcome: InvocationOutcome = serde_json::from_str(outcome)
            .map_err(|e| format!("the invocation's outcome does not read: {e}"))?;
        Ok(self.engine.complete_invocation(id, outcome))
    }

    /// The changes recorded since the last call, as a JSON array of `Change`.
    pub fn take_changes(&mut self) -> String {
        changes_json(self.engine.take_changes())
    }

    /// Everything the engine would store, as a JSON array of `Change` (a whole rewrite).
    pub fn stored_state(&mut self) -> String {
        changes_json(self.engine.stored_state())
    }

    /// Brings the virtual clock up to the host's time, as a request would.
    pub fn observe_host_time(&mut self, host_millis: f64) {
        self.engine.observe_host_time(host_millis.max(0.0) as u64);
    }

    pub fn now_millis(&self) -> f64 {
        self.engine.now_millis() as f64
    }

    /// The history to keep across a reload (`Engine::history`).
    pub fn history(&mut self) -> String {
        self.engine.history()
    }

    /// Where the history has got to, as `events,activity,stream` sequence numbers.
    pub fn history_mark(&self) -> String {
        let (events, activity, stream) = self.engine.history_mark();
        format!("{events},{activity},{stream}")
    }

    /// The home region.
    pub fn region(&self) -> String {
        self.engine.config().region.clone()
    }

    /// How many items table `name` holds (-1: no such table).
    pub fn item_count(&self, name: &str) -> f64 {
        (self.engine.table(name)).map_or(-1.0, |table| table.item_count() as f64)
    }
}

fn changes_json(changes: Vec<dynoscope_engine::Change>) -> String {
    serde_json::to_string(&changes).expect("changes are strings and always serialise")
}
