//! Stream triggers' functions, page side: the user's JavaScript handlers, whether this
//! browser may run them, and the runner that carries out the engine's invocations
//! (`Engine::take_invocations_where` / `complete_invocation`, through
//! [`EngineHandle::take_invocations`] and [`EngineHandle::complete_invocation`]).
//!
//! - A function (name, handler source, timeout) is playground data, not DynamoDB's: the list
//!   is kept beside the data as text under [`crate::store::FUNCTIONS`].
//! - **Safety**: a function runs only if this browser's `localStorage` holds the SHA-256 of
//!   its exact source under its name, which only the user's "Enable" click or
//!   `window.dynoscope.functions.enable(name)` writes ([`enable`]). Editing the source needs
//!   enabling again, so code that reaches this browser any other way is never run (functions
//!   do not yet travel in database files or share links; when they do, this keeps them shown,
//!   not run). Invocations of a function that may not run are
//!   not taken: the engine keeps them ready and their shards wait, spending no retry.
//! - Each invocation runs in a fresh dedicated Worker made from a Blob URL holding
//!   [`RUNTIME`] and the handler, so a handler never blocks the page. The runtime captures
//!   `console.*` into the invocation's logs (posted line by line, so a handler that never
//!   ends still leaves what it logged), hands the handler the event and a Lambda-like
//!   `context`, and offers `dynoscope.send(operation, request)`, which the page serves through
//!   the one door as the `function` sender. A timer terminates the Worker at the
//!   invocation's `TimeoutMillis` (the mapping's `FunctionTimeoutSeconds`) and reports the
//!   timeout as Lambda words it.
//! - [`start`] spawns the driver: every [`TICK_MILLIS`] of wall time, once the full engine
//!   serves, it takes the invocations of the enabled functions and runs them.

use std::cell::RefCell;
use std::rc::Rc;

use dynoscope_engine::{DynamoError, ErrorKind};
use futures_channel::oneshot;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::bridge::EngineHandle;

/// How often the driver takes invocations, in milliseconds of wall time.
pub const TICK_MILLIS: i32 = 250;
/// Lambda's default and largest function timeouts, in seconds.
pub const DEFAULT_TIMEOUT_SECONDS: u32 = 3;
pub const MAX_TIMEOUT_SECONDS: u32 = 900;
/// The largest handler source kept, in bytes.
const MAX_CODE_BYTES: usize = 256 * 1024;
/// What an invocation's logs keep: lines, and characters per line.
const MAX_LOG_LINES: usize = 200;
const MAX_LOG_CHARS: usize = 2_000;
/// Where this browser keeps the digest of an enabled function's source.
const ENABLED_KEY: &str = "dynoscope-function-enabled:";

/// One function as kept and as `window.dynoscope.functions.list()` gives it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Function {
    pub name: String,
    /// The handler: a JavaScript expression of a function, `async (event, context) => ...`.
    pub code: String,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u32,
    /// Whether this browser may run it (not kept: decided by [`enabled`] each time).
    #[serde(default, skip_deserializing)]
    pub enabled: bool,
}

fn default_timeout() -> u32 {
    DEFAULT_TIMEOUT_SECONDS
}

/// What `put` reads: any of the fields, checked by [`put`].
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub name: Option<Value>,
    pub code: Option<Value>,
    pub timeout_seconds: Option<Value>,
}

thread_local! {
    /// The functions as kept, with each source's digest; `None` until first read.
    static KEPT: RefCell<Option<Vec<(Function, String)>>> = const { RefCell::new(None) };
}

fn invalid(message: impl Into<String>) -> DynamoError {
    DynamoError::new(ErrorKind::InvalidParameterValueException, message)
}

fn not_found(name: &str) -> DynamoError {
    DynamoError::new(
        ErrorKind::ResourceNotFoundException,
        format!("Function not found: {name} (window.dynoscope.functions.list() names them)"),
    )
}

/// The functions with their digests, read from the store the first time.
async fn kept(handle: &EngineHandle) -> Result<Vec<(Function, String)>, DynamoError> {
    if let Some(kept) = KEPT.with_borrow(Clone::clone) {
        return Ok(kept);
    }
    let text = (handle.load_text(crate::store::FUNCTIONS).await).map_err(|e| e.to_dynamo())?;
    let functions: Vec<Function> = match text {
        None => Vec::new(),
        Some(text) => serde_json::from_str(&text).map_err(|e| {
            DynamoError::new(
                ErrorKind::InternalFailure,
                format!("the stored functions do not read: {e}"),
            )
        })?,
    };
    let mut with_digests = Vec::new();
    for function in functions {
        let digest = digest(&function.code).await?;
        with_digests.push((function, digest));
    }
    KEPT.set(Some(with_digests.clone()));
    Ok(with_digests)
}

/// Keeps `functions` (store first, then memory).
async fn keep(
    handle: &EngineHandle,
    functions: Vec<(Function, String)>,
) -> Result<(), DynamoError> {
    let list: Vec<&Function> = functions.iter().map(|(f, _)| f).collect();
    let text = serde_json::to_string(&list).unwrap_or_default();
    (handle.save_text(crate::store::FUNCTIONS, Some(&text)).await).map_err(|e| e.to_dynamo())?;
    KEPT.set(Some(functions));
    Ok(())
}

/// The SHA-256 of `text` as hex, from the browser's Web Crypto.
async fn digest(text: &str) -> Result<String, DynamoError> {
    let sha = js_sys::Function::new_with_args(
        "text",
        "if (!(self.crypto && crypto.subtle)) throw new Error('this page is not a secure context (https or localhost), so it cannot take the digest that enables a function');\
         return crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)).then((d) => Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join(''));",
    );
    let failed = |e: JsValue| {
        let reason = (e.dyn_ref::<js_sys::Error>())
            .map_or_else(|| format!("{e:?}"), |e| String::from(e.message()));
        DynamoError::new(ErrorKind::InternalFailure, reason)
    };
    let promise: js_sys::Promise = sha
        .call1(&JsValue::NULL, &text.into())
        .map_err(failed)?
        .unchecked_into();
    let hex = JsFuture::from(promise).await.map_err(failed)?;
    Ok(hex.as_string().unwrap_or_default())
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Whether this browser enabled exactly this source under `name`.
fn enabled(name: &str, digest: &str) -> bool {
    let stored = storage().and_then(|s| s.get_item(&format!("{ENABLED_KEY}{name}")).ok()?);
    stored.is_some_and(|d| !digest.is_empty() && d == digest)
}

/// Every function, each saying whether this browser may run it.
pub async fn list(handle: &EngineHandle) -> Result<Vec<Function>, DynamoError> {
    let kept = kept(handle).await?;
    Ok(kept
        .into_iter()
        .map(|(mut f, digest)| {
            f.enabled = enabled(&f.name, &digest);
            f
        })
        .collect())
}

/// Adds or replaces a function. A changed source is not enabled until enabled again.
pub async fn put(handle: &EngineHandle, draft: Draft) -> Result<Function, DynamoError> {
    let name = match &draft.name {
        Some(Value::String(name)) => name.clone(),
        _ => {
            return Err(invalid(
                "put takes {name, code, timeoutSeconds}: name is missing or not a string",
            ));
        }
    };
    let readable = (1..=64).contains(&name.len())
        && (name.bytes()).all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    if !readable {
        return Err(invalid(format!(
            "Function name '{name}' must be 1 to 64 letters, digits, hyphens or underscores, as Lambda's are"
        )));
    }
    let code = match &draft.code {
        Some(Value::String(code)) if !code.trim().is_empty() => code.clone(),
        _ => {
            return Err(invalid(format!(
                "Function {name}: code must be the handler's source, such as async (event, context) => {{ ... }}"
            )));
        }
    };
    if code.len() > MAX_CODE_BYTES {
        return Err(invalid(format!(
            "Function {name}: code is {} bytes; at most {MAX_CODE_BYTES} are kept",
            code.len()
        )));
    }
    let timeout_seconds = match &draft.timeout_seconds {
        None | Some(Value::Null) => DEFAULT_TIMEOUT_SECONDS,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(t @ 1..=900) => t as u32,
            _ => {
                return Err(invalid(format!(
                    "Function {name}: timeoutSeconds {n} must be a whole number from 1 to {MAX_TIMEOUT_SECONDS}"
                )));
            }
        },
        Some(Value::String(t)) => match t.trim().parse::<u32>() {
            Ok(t @ 1..=MAX_TIMEOUT_SECONDS) => t,
            _ => {
                return Err(invalid(format!(
                    "Function {name}: timeoutSeconds '{t}' must be a whole number from 1 to {MAX_TIMEOUT_SECONDS}"
                )));
            }
        },
        Some(other) => {
            return Err(invalid(format!(
                "Function {name}: timeoutSeconds {other} must be a whole number from 1 to {MAX_TIMEOUT_SECONDS}"
            )));
        }
    };
    let digest = digest(&code).await?;
    let mut function = Function {
        name,
        code,
        timeout_seconds,
        enabled: false,
    };
    let mut functions = kept(handle).await?;
    functions.retain(|(f, _)| f.name != function.name);
    functions.push((function.clone(), digest.clone()));
    functions.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    keep(handle, functions).await?;
    function.enabled = enabled(&function.name, &digest);
    Ok(function)
}

/// Removes a function, and this browser's permission to run it.
pub async fn delete(handle: &EngineHandle, name: &str) -> Result<Function, DynamoError> {
    let mut functions = kept(handle).await?;
    let at = (functions.iter().position(|(f, _)| f.name == name)).ok_or_else(|| not_found(name))?;
    let (function, _) = functions.remove(at);
    keep(handle, functions).await?;
    forget(name);
    Ok(function)
}

/// Lets this browser run function `name` as its source stands now: the user's explicit
/// choice (the panel's Enable button, or `window.dynoscope.functions.enable`).
pub async fn enable(handle: &EngineHandle, name: &str) -> Result<Function, DynamoError> {
    let functions = kept(handle).await?;
    let (mut function, digest) =
        (functions.into_iter().find(|(f, _)| f.name == name)).ok_or_else(|| not_found(name))?;
    let stored = storage().and_then(|s| s.set_item(&format!("{ENABLED_KEY}{name}"), &digest).ok());
    if stored.is_none() {
        return Err(DynamoError::new(
            ErrorKind::InternalFailure,
            "this browser's localStorage cannot be written, so no function can be enabled",
        ));
    }
    function.enabled = true;
    Ok(function)
}

/// Stops this browser running function `name`.
pub async fn disable(handle: &EngineHandle, name: &str) -> Result<Function, DynamoError> {
    let functions = kept(handle).await?;
    let (mut function, _) =
        (functions.into_iter().find(|(f, _)| f.name == name)).ok_or_else(|| not_found(name))?;
    forget(name);
    function.enabled = false;
    Ok(function)
}

fn forget(name: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&format!("{ENABLED_KEY}{name}"));
    }
}

/// Resolves after `millis` of wall time.
async fn sleep(millis: i32) {
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis);
        }
    });
    let _ = JsFuture::from(wait).await;
}

/// Spawns the driver: every [`TICK_MILLIS`], once the full engine serves, the invocations
/// of enabled functions are taken and run, each in its own Worker.
pub fn start(handle: EngineHandle) {
    let handle = handle.with_source("function");
    wasm_bindgen_futures::spawn_local(async move {
        loop {
            sleep(TICK_MILLIS).await;
            if !handle.is_full() {
                continue;
            }
            let Ok(functions) = kept(&handle).await else {
                continue;
            };
            let runnable: Vec<(Function, String)> = (functions.into_iter())
                .filter(|(f, digest)| enabled(&f.name, digest))
                .collect();
            if runnable.is_empty() {
                continue;
            }
            let names: Vec<String> = runnable.iter().map(|(f, _)| f.name.clone()).collect();
            for invocation in handle.take_invocations(&names) {
                let name = invocation["FunctionName"].as_str().unwrap_or_default();
                if let Some((function, _)) = runnable.iter().find(|(f, _)| f.name == name) {
                    let code = function.code.clone();
                    wasm_bindgen_futures::spawn_local(run(handle.clone(), code, invocation));
                }
            }
        }
    });
}

/// The Worker's runtime, before the handler's source: `console.*` captured and posted line
/// by line, `dynoscope.send` over messages, the handler called with the event and a
/// Lambda-like context, its end posted (`done` with the JSON of what it returned, or
/// `failed` with the error's name and message).
const RUNTIME: &str = r#"'use strict';
const __post = self.postMessage.bind(self);
const __text = (v) => { if (typeof v === 'string') return v; if (v instanceof Error) return v.stack || String(v); try { const t = JSON.stringify(v); return t === undefined ? String(v) : t; } catch (e) { return String(v); } };
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = (...args) => __post({ t: 'log', line: (level === 'log' ? '' : level.toUpperCase() + ' ') + args.map(__text).join(' ') });
}
let __sent = 0;
const __waiting = new Map();
const dynoscope = Object.freeze({
  send(operation, request) {
    const id = ++__sent;
    return new Promise((resolve, reject) => {
      __waiting.set(id, { resolve, reject });
      __post({ t: 'send', id, operation: String(operation), request: JSON.stringify(request === undefined ? {} : request) });
    });
  },
});
self.onmessage = async (message) => {
  const m = message.data;
  if (m.t === 'reply') {
    const w = __waiting.get(m.id);
    if (w) { __waiting.delete(m.id); if (m.ok !== undefined) w.resolve(JSON.parse(m.ok)); else w.reject(JSON.parse(m.error)); }
    return;
  }
  if (m.t !== 'invoke') return;
  const deadline = Date.now() + m.timeoutMillis;
  const context = Object.freeze({
    functionName: m.functionName, functionVersion: '$LATEST', invokedFunctionArn: m.functionArn,
    memoryLimitInMB: '128', awsRequestId: m.invocationId, logGroupName: '/aws/lambda/' + m.functionName,
    logStreamName: 'dynoscope/' + m.invocationId, callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  });
  try {
    if (typeof __handler !== 'function') throw new TypeError('the code is not a handler: write a function expression, such as async (event, context) => { ... }');
    const result = await __handler(JSON.parse(m.event), context);
    let response = null;
    if (result !== undefined) {
      try { response = JSON.stringify(result); } catch (e) { throw new TypeError('the handler returned what JSON cannot hold: ' + e.message); }
    }
    __post({ t: 'done', response: response === undefined ? null : response });
  } catch (e) {
    const isError = e !== null && typeof e === 'object';
    __post({ t: 'failed', type: (isError && e.name) ? String(e.name) : 'Error', message: isError && e.message !== undefined ? String(e.message) : String(e) });
  }
};
const __handler = (
"#;

/// How an invocation ended in its Worker.
enum End {
    Done(Option<String>),
    Failed(String, String),
    TimedOut,
}

/// Runs one invocation in a fresh Worker and reports its outcome to the engine.
async fn run(handle: EngineHandle, code: String, invocation: Value) {
    let id = invocation["InvocationId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let timeout = (invocation["TimeoutMillis"].as_u64())
        .unwrap_or(u64::from(DEFAULT_TIMEOUT_SECONDS) * 1000)
        .clamp(1, u64::from(MAX_TIMEOUT_SECONDS) * 1000);
    let started = js_sys::Date::now();
    let logs: Rc<RefCell<Vec<String>>> = Rc::default();
    let end = match in_worker(&handle, &code, &invocation, timeout, logs.clone()).await {
        Ok(end) => end,
        Err(message) => End::Failed("Runtime.Unknown".to_owned(), message),
    };
    let duration = (js_sys::Date::now() - started).max(0.0) as u64;
    let logs = logs.take();
    let outcome = match end {
        End::Done(response) => {
            let response = response.and_then(|r| serde_json::from_str::<Value>(&r).ok());
            json!({"Response": response, "Logs": logs, "DurationMillis": duration})
        }
        End::Failed(kind, message) => json!({
            "Error": {"ErrorType": kind, "ErrorMessage": message},
            "Logs": logs, "DurationMillis": duration,
        }),
        End::TimedOut => json!({
            "Error": {"ErrorType": "Sandbox.Timedout",
                      "ErrorMessage": format!("Task timed out after {:.2} seconds", timeout as f64 / 1000.0)},
            "Logs": logs, "DurationMillis": timeout,
        }),
    };
    if let Err(e) = handle.complete_invocation(&id, &outcome.to_string()) {
        web_sys::console::warn_1(
            &format!(
                "dynoscope: invocation {id}'s outcome was not recorded: {}",
                e.message
            )
            .into(),
        );
    }
}

/// Starts the Worker, hands it the invocation, serves its requests and waits for its end or
/// its timeout; the Worker is terminated either way.
async fn in_worker(
    handle: &EngineHandle,
    code: &str,
    invocation: &Value,
    timeout: u64,
    logs: Rc<RefCell<Vec<String>>>,
) -> Result<End, String> {
    let failed = |what: &str, e: JsValue| format!("{what}: {e:?}");
    let script = format!("{RUNTIME}{code}\n);\n");
    let parts = js_sys::Array::of1(&script.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| failed("the function's script could not be made", e))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|e| failed("the function's script could not be made", e))?;
    let worker = web_sys::Worker::new(&url).map_err(|e| {
        let _ = web_sys::Url::revoke_object_url(&url);
        failed("the function's Worker could not start", e)
    })?;

    let (done, ended) = oneshot::channel::<End>();
    let done = Rc::new(RefCell::new(Some(done)));
    let finish = {
        let done = done.clone();
        move |end: End| {
            if let Some(done) = done.borrow_mut().take() {
                let _ = done.send(end);
            }
        }
    };
    let on_message = {
        let (finish, worker, handle) = (finish.clone(), worker.clone(), handle.clone());
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |message: web_sys::MessageEvent| {
            let data = message.data();
            let field = |name: &str| {
                js_sys::Reflect::get(&data, &name.into())
                    .ok()
                    .and_then(|v| v.as_string())
            };
            match field("t").as_deref() {
                Some("log") => {
                    let mut logs = logs.borrow_mut();
                    if logs.len() < MAX_LOG_LINES {
                        let line = field("line").unwrap_or_default();
                        logs.push(line.chars().take(MAX_LOG_CHARS).collect());
                    }
                }
                Some("send") => {
                    let id = js_sys::Reflect::get(&data, &"id".into()).unwrap_or(JsValue::NULL);
                    let (operation, request) = (
                        field("operation").unwrap_or_default(),
                        field("request").unwrap_or_default(),
                    );
                    let (worker, handle) = (worker.clone(), handle.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        let answer = handle.send(&operation, &request).await;
                        let reply = js_sys::Object::new();
                        let _ = js_sys::Reflect::set(&reply, &"t".into(), &"reply".into());
                        let _ = js_sys::Reflect::set(&reply, &"id".into(), &id);
                        let (key, text) = match answer {
                            Ok(text) => ("ok", text),
                            Err(e) => ("error", e.to_json().to_string()),
                        };
                        let _ = js_sys::Reflect::set(&reply, &key.into(), &text.into());
                        let _ = worker.post_message(&reply);
                    });
                }
                Some("done") => finish(End::Done(field("response"))),
                Some("failed") => finish(End::Failed(
                    field("type").unwrap_or_else(|| "Error".to_owned()),
                    field("message").unwrap_or_default(),
                )),
                _ => {}
            }
        })
    };
    let on_error = {
        let finish = finish.clone();
        Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            event.prevent_default();
            let message = js_sys::Reflect::get(&event, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| {
                    "the function's Worker failed to start (the browser gave no reason)".to_owned()
                });
            let message = message
                .strip_prefix("Uncaught ")
                .unwrap_or(&message)
                .to_owned();
            let kind = match message.split_once(':') {
                Some(("SyntaxError", _)) => "Runtime.UserCodeSyntaxError".to_owned(),
                Some((kind, _)) if !kind.contains(' ') => kind.to_owned(),
                _ => "Runtime.Unknown".to_owned(),
            };
            finish(End::Failed(kind, message));
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let on_timeout = {
        let finish = finish.clone();
        Closure::<dyn Fn()>::new(move || finish(End::TimedOut))
    };
    let timer = web_sys::window().and_then(|w| {
        w.set_timeout_with_callback_and_timeout_and_arguments_0(
            on_timeout.as_ref().unchecked_ref(),
            timeout.min(i32::MAX as u64) as i32,
        )
        .ok()
    });
    let start = json!({
        "t": "invoke",
        "invocationId": invocation["InvocationId"],
        "functionName": invocation["FunctionName"],
        "functionArn": invocation["FunctionArn"],
        "timeoutMillis": timeout,
        "event": invocation["Event"].to_string(),
    });
    let posted = js_sys::JSON::parse(&start.to_string()).and_then(|m| worker.post_message(&m));
    if let Err(e) = posted {
        finish(End::Failed(
            "Runtime.Unknown".to_owned(),
            failed("the invocation could not be handed to its Worker", e),
        ));
    }
    let end = ended.await.unwrap_or(End::TimedOut);
    worker.terminate();
    let _ = web_sys::Url::revoke_object_url(&url);
    worker.set_onmessage(None);
    worker.set_onerror(None);
    if let (Some(window), Some(timer)) = (web_sys::window(), timer) {
        window.clear_timeout_with_handle(timer);
    }
    drop((on_message, on_error, on_timeout));
    Ok(end)
}
