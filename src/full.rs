//! The full engine (`crates/full-engine`): the engine with every feature, a second
//! WebAssembly module Trunk builds beside the app and the page loads the first time a request
//! needs it ([`dynoscope_engine::needs_full`]). [`load`] imports it once (every caller shares
//! the one import) and makes [`FullEngine`]s; the bindings below call its methods, which take
//! and give text.

use std::cell::RefCell;

use dynoscope_engine::{DynamoError, ErrorKind};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Where Trunk puts the module's JS (`www/index.html`).
const MODULE_URL: &str = "/dynoscope-full.js";

#[wasm_bindgen]
extern "C" {
    /// A `FullEngine` of the full module.
    pub type FullEngine;

    #[wasm_bindgen(method, catch)]
    pub fn restore(this: &FullEngine, snapshot: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(method)]
    pub fn dispatch(
        this: &FullEngine,
        source: &str,
        options: &str,
        operation: &str,
        body: &[u8],
    ) -> js_sys::Uint8Array;
    #[wasm_bindgen(method)]
    pub fn take_invocations(this: &FullEngine, runnable: &str) -> String;
    #[wasm_bindgen(method, catch)]
    pub fn complete_invocation(this: &FullEngine, id: &str, outcome: &str)
    -> Result<bool, JsValue>;
    #[wasm_bindgen(method)]
    pub fn take_changes(this: &FullEngine) -> String;
    #[wasm_bindgen(method)]
    pub fn stored_state(this: &FullEngine) -> String;
    #[wasm_bindgen(method)]
    pub fn observe_host_time(this: &FullEngine, host_millis: f64);
    #[wasm_bindgen(method)]
    pub fn now_millis(this: &FullEngine) -> f64;
    #[wasm_bindgen(method)]
    pub fn history(this: &FullEngine) -> String;
    #[wasm_bindgen(method)]
    pub fn history_mark(this: &FullEngine) -> String;
    #[wasm_bindgen(method)]
    pub fn region(this: &FullEngine) -> String;
    #[wasm_bindgen(method)]
    pub fn item_count(this: &FullEngine, name: &str) -> f64;
}

impl std::fmt::Debug for FullEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FullEngine")
    }
}

thread_local! {
    /// The module's import, started once: it resolves to the initialised module.
    static IMPORT: RefCell<Option<Promise>> = const { RefCell::new(None) };
}

/// A new full engine: as the page runs it (`browser`, on the host's clock from
/// `start_millis`) or a plain one for headless scenarios. Loads the module first if it is not
/// loaded yet.
pub async fn load(browser: bool, start_millis: f64) -> Result<FullEngine, DynamoError> {
    let module = JsFuture::from(import()?).await.map_err(|e| {
        IMPORT.with(|slot| slot.borrow_mut().take());
        failure(&e)
    })?;
    let class: Function = Reflect::get(&module, &"FullEngine".into())
        .map_err(|e| failure(&e))?
        .unchecked_into();
    let args = js_sys::Array::of2(&browser.into(), &start_millis.into());
    let engine = Reflect::construct(&class, &args).map_err(|e| failure(&e))?;
    Ok(engine.unchecked_into())
}

/// The module's import, started now if it was not.
fn import() -> Result<Promise, DynamoError> {
    IMPORT.with(|slot| {
        if let Some(started) = slot.borrow().as_ref() {
            return Ok(started.clone());
        }
        let start = Function::new_with_args(
            "url",
            "return import(url).then(async (m) => { await m.default(); return m; })",
        );
        let started: Promise = start
            .call1(&JsValue::NULL, &MODULE_URL.into())
            .map_err(|e| failure(&e))?
            .unchecked_into();
        *slot.borrow_mut() = Some(started.clone());
        Ok(started)
    })
}

/// A failure to load or start the module, as the InternalFailure a request gets.
fn failure(error: &JsValue) -> DynamoError {
    let reason = (error.as_string())
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{error:?}"));
    DynamoError::new(
        ErrorKind::InternalFailure,
        format!(
            "the full engine ({MODULE_URL}), which this request needs, could not be loaded: {reason}"
        ),
    )
}
