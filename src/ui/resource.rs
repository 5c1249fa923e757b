//! How panels read the engine: [`engine_resource`] sends one operation whenever its request
//! or the data changes and decodes the answer into the serde type the engine answers with
//! (the `Dynoscope_` contract types, or any other `Deserialize`), keeping only the latest
//! answer; [`AppState::call`] does the same once, for actions. Both go through
//! [`AppState::send`], the UI's one door to the engine. [`run_busy`] is the one way a
//! button starts such an action: never twice at once, with a flag the view shows.

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{AppState, ShownError};

/// The latest answer of `operation` to the request `request` builds (none while `request`
/// gives `None`), fetched again after every write and whenever what `request` reads changes.
/// `None` until the first answer arrives.
pub fn engine_resource<T>(
    operation: &'static str,
    request: impl Fn() -> Option<Value> + 'static,
) -> RwSignal<Option<Result<T, ShownError>>>
where
    T: DeserializeOwned + Send + Sync + 'static,
{
    let state = expect_context::<AppState>();
    let answer = RwSignal::new(None);
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        state.revision.track();
        let Some(body) = request() else { return };
        let this = asked.get_value() + 1;
        asked.set_value(this);
        leptos::task::spawn_local(async move {
            let result = state.call::<T>(operation, &body).await;
            // A later request may have been sent meanwhile: only its answer counts.
            if asked.try_get_value() == Some(this) {
                answer.try_set(Some(result));
            }
        });
    });
    answer
}

impl AppState {
    /// Sends `operation` once and decodes the answer as `T`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        operation: &str,
        request: &Value,
    ) -> Result<T, ShownError> {
        let answer = self.send_text(operation, request).await?;
        serde_json::from_slice(answer.as_bytes()).map_err(|e| {
            ShownError::local(format!("{operation} answered in an unexpected shape: {e}"))
        })
    }
}

/// Runs `task` in the background with `busy` set until it ends, unless `busy` is already
/// set (the action a button starts runs once at a time). Returns whether it started.
pub fn run_busy(
    busy: RwSignal<bool>,
    task: impl std::future::Future<Output = ()> + 'static,
) -> bool {
    if busy.get_untracked() {
        return false;
    }
    busy.set(true);
    leptos::task::spawn_local(async move {
        task.await;
        busy.try_set(false);
    });
    true
}
