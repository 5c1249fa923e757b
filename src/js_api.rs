//! `window.dynoscope`, the page's JavaScript API: `send(operation, request)` returns a
//! Promise of the DynamoDB response as a plain object, or rejects with the DynamoDB error
//! object `{__type, message}`; `ready` is a Promise settled once the engine has been restored
//! from IndexedDB (rejected with the same error shape if that failed); `operations` lists the
//! operation names the engine serves. The object is installed before the database is open,
//! and `send` waits for `ready`, so scripts may call it at once. Requests go through
//! [`EngineHandle::send`], the same door the UI uses.

use std::cell::RefCell;
use std::rc::Rc;

use dynoscope_engine::{DynamoError, ErrorKind};
use js_sys::{Array, Function, JSON, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

use crate::bridge::EngineHandle;
use crate::store::StoreError;

/// Where the handle lands once the engine is ready.
type Slot = Rc<RefCell<Option<EngineHandle>>>;

/// The installed API, waiting for its engine. Settle it with [`resolve`](Self::resolve) or
/// [`reject`](Self::reject).
pub struct PendingApi {
    slot: Slot,
    resolve: Function,
    reject: Function,
}

impl PendingApi {
    /// Hands the engine to the API and resolves `window.dynoscope.ready`.
    pub fn resolve(self, handle: EngineHandle) {
        *self.slot.borrow_mut() = Some(handle);
        if let Err(e) = self.resolve.call0(&JsValue::UNDEFINED) {
            web_sys::console::error_2(&"dynoscope: resolving ready failed".into(), &e);
        }
    }

    /// Rejects `window.dynoscope.ready` (and so every `send`) with `error`.
    pub fn reject(self, error: &StoreError) {
        if let Err(e) = self
            .reject
            .call1(&JsValue::UNDEFINED, &error_value(&error.to_dynamo()))
        {
            web_sys::console::error_2(&"dynoscope: rejecting ready failed".into(), &e);
        }
    }
}

/// A DynamoDB error as the plain JS object `{__type, message, ...}`.
pub fn error_value(error: &DynamoError) -> JsValue {
    JSON::parse(&error.to_json().to_string())
        .unwrap_or_else(|_| JsValue::from_str(&error.to_string()))
}

/// Installs `window.dynoscope` and returns the pending API to settle once the engine is up.
pub fn install() -> Result<PendingApi, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;

    let mut settle: Option<(Function, Function)> = None;
    let ready = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let (resolve, reject) =
        settle.ok_or_else(|| JsValue::from_str("Promise executor did not run"))?;
    let slot: Slot = Rc::new(RefCell::new(None));

    let send = {
        let slot = slot.clone();
        let ready = ready.clone();
        Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(
            move |operation: JsValue, request: JsValue| {
                future_to_promise(send_from_js(
                    slot.clone(),
                    ready.clone(),
                    operation,
                    request,
                ))
            },
        )
    };

    let operations: Array = EngineHandle::operations()
        .iter()
        .map(|op| JsValue::from_str(op))
        .collect();

    let api = Object::new();
    Reflect::set(&api, &"send".into(), &send.into_js_value())?;
    Reflect::set(&api, &"ready".into(), &ready)?;
    Reflect::set(&api, &"operations".into(), &operations)?;
    Reflect::set(&window, &"dynoscope".into(), &api)?;
    Ok(PendingApi {
        slot,
        resolve,
        reject,
    })
}

/// `window.dynoscope.send`: waits for the engine, serialises the request, sends it, and
/// parses the answer back into a JS object.
async fn send_from_js(
    slot: Slot,
    ready: Promise,
    operation: JsValue,
    request: JsValue,
) -> Result<JsValue, JsValue> {
    JsFuture::from(ready).await?;
    let handle = slot.borrow().clone().ok_or_else(|| {
        error_value(&DynamoError::new(
            ErrorKind::InternalFailure,
            "the engine is not ready",
        ))
    })?;
    let operation = operation.as_string().ok_or_else(|| {
        error_value(&DynamoError::validation(
            "The operation must be a string such as \"PutItem\"",
        ))
    })?;
    let body = if request.is_undefined() || request.is_null() {
        "{}".to_owned()
    } else {
        JSON::stringify(&request)
            .ok()
            .map(JsValue::from)
            .and_then(|text| text.as_string())
            .ok_or_else(|| {
                error_value(&DynamoError::serialization(
                    "The request could not be written as JSON",
                ))
            })?
    };
    let response = handle
        .send(&operation, &body)
        .await
        .map_err(|e| error_value(&e))?;
    JSON::parse(&response).map_err(|_| {
        error_value(&DynamoError::new(
            ErrorKind::InternalFailure,
            "the engine's response is not valid JSON",
        ))
    })
}
