//! `window.dynoscope`, the page's JavaScript API: `send(operation, request, options)` returns
//! a Promise of the DynamoDB response as a plain object, or rejects with the DynamoDB error
//! object `{__type, message}` (`options`, if given, is `{region, via: "dax", accessKeyId}`:
//! `RequestOptions`); `ready` is a Promise resolved once this tab serves its database
//! and the engine has been restored (from IndexedDB, or empty in memory when IndexedDB cannot
//! be used: the page says so); `operations` lists the
//! operation names the engine serves; `importModel(text)`, `exportModel(format)` and
//! `shareLink()` are the playground's model calls (see the README); `exportTable` and
//! `importTable` write and read S3 export and import files (`crate::s3`). The object is installed before the database is open,
//! and `send` waits for `ready`, so scripts may call it at once. Requests go through
//! [`EngineHandle::send`], the same door the UI uses.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use dynoscope_engine::contract::RequestOptions;
use dynoscope_engine::{DynamoError, ErrorKind};
use js_sys::{Array, Function, JSON, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

use crate::bridge::EngineHandle;

/// Where the handle lands once the engine is ready.
type Slot = Rc<RefCell<Option<EngineHandle>>>;

/// The installed API, waiting for its engine. Settle it with [`resolve`](Self::resolve).
pub struct PendingApi {
    slot: Slot,
    resolve: Function,
}

impl PendingApi {
    /// Hands the engine to the API and resolves `window.dynoscope.ready`.
    pub fn resolve(self, handle: EngineHandle) {
        *self.slot.borrow_mut() = Some(handle.with_source("api"));
        if let Err(e) = self.resolve.call0(&JsValue::UNDEFINED) {
            web_sys::console::error_2(&"dynoscope: resolving ready failed".into(), &e);
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

    let mut settle: Option<Function> = None;
    let ready = Promise::new(&mut |resolve, _| settle = Some(resolve));
    let resolve = settle.ok_or_else(|| JsValue::from_str("Promise executor did not run"))?;
    let slot: Slot = Rc::new(RefCell::new(None));

    let send = {
        let slot = slot.clone();
        let ready = ready.clone();
        Closure::<dyn Fn(JsValue, JsValue, JsValue) -> Promise>::new(
            move |operation: JsValue, request: JsValue, options: JsValue| {
                send_now(&slot, &ready, operation, request, options)
            },
        )
    };

    let operations: Array = EngineHandle::operations()
        .iter()
        .map(|op| JsValue::from_str(op))
        .collect();

    let api = Object::new();
    install_model_calls(&api, &slot, &ready)?;
    Reflect::set(&api, &"send".into(), &send.into_js_value())?;
    Reflect::set(&api, &"ready".into(), &ready)?;
    Reflect::set(&api, &"operations".into(), &operations)?;
    Reflect::set(&window, &"dynoscope".into(), &api)?;
    Ok(PendingApi { slot, resolve })
}

/// One of the model calls: the engine handle and the JS arguments in, a JS answer out.
type ModelCall =
    fn(EngineHandle, JsValue, JsValue) -> Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

/// Adds `importModel(text)`, `exportModel(format)`, `shareLink()`, `cli(line)`,
/// `exportTable(table, options)` and `importTable(options)` to the API object.
fn install_model_calls(api: &Object, slot: &Slot, ready: &Promise) -> Result<(), JsValue> {
    let call = |f: ModelCall| {
        let slot = slot.clone();
        let ready = ready.clone();
        Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(move |first: JsValue, second| {
            let slot = slot.clone();
            let ready = ready.clone();
            future_to_promise(async move {
                let handle = ready_handle(slot, ready).await?;
                f(handle, first, second).await
            })
        })
        .into_js_value()
    };
    Reflect::set(
        api,
        &"importModel".into(),
        &call(|h, a, _| Box::pin(import_model(h, a))),
    )?;
    Reflect::set(
        api,
        &"exportModel".into(),
        &call(|h, a, _| Box::pin(export_model(h, a))),
    )?;
    Reflect::set(
        api,
        &"shareLink".into(),
        &call(|h, _, _| Box::pin(share_link(h))),
    )?;
    install_scenario_calls(api)?;
    Reflect::set(
        api,
        &"cli".into(),
        &call(|h, a, _| Box::pin(cli_line(h, a))),
    )?;
    Reflect::set(
        api,
        &"importTable".into(),
        &call(|h, a, _| Box::pin(import_table(h, a))),
    )?;
    Reflect::set(
        api,
        &"exportTable".into(),
        &call(|h, a, b| Box::pin(export_table(h, a, b))),
    )?;
    let functions = Object::new();
    for (name, f) in [
        (
            "put",
            (|h, a, _| Box::pin(function_call(h, "put", a))) as ModelCall,
        ),
        ("list", |h, a, _| Box::pin(function_call(h, "list", a))),
        ("delete", |h, a, _| Box::pin(function_call(h, "delete", a))),
        ("enable", |h, a, _| Box::pin(function_call(h, "enable", a))),
        ("disable", |h, a, _| {
            Box::pin(function_call(h, "disable", a))
        }),
    ] {
        Reflect::set(&functions, &name.into(), &call(f))?;
    }
    Reflect::set(api, &"functions".into(), &functions)?;
    install_request_handler(api, slot, ready)?;
    let formats: Array = crate::playground::EXPORT_FORMATS
        .iter()
        .map(|(id, _)| JsValue::from_str(id))
        .collect();
    Reflect::set(api, &"exportFormats".into(), &formats)?;
    Ok(())
}

/// Adds `scenarios.list()` and `scenarios.run(id)`: the bundled guided scenarios, and one
/// played headlessly on an engine of its own (the tab's data is not touched).
fn install_scenario_calls(api: &Object) -> Result<(), JsValue> {
    let scenarios = Object::new();
    let list = Closure::<dyn Fn() -> Promise>::new(|| {
        future_to_promise(async {
            let (list, _) = crate::converters::lessons().await.map_err(model_error)?;
            json_value(&serde_json::to_value(&list).unwrap_or_default())
        })
    });
    let run = Closure::<dyn Fn(JsValue) -> Promise>::new(|id: JsValue| {
        future_to_promise(async move {
            let id = id.as_string().ok_or_else(|| {
                model_error(dynoscope_model::ModelError::whole(
                    "scenarios.run takes a scenario id, as scenarios.list() gives them",
                ))
            })?;
            let report = crate::learn::run_headless(&id).await.map_err(model_error)?;
            json_value(&serde_json::to_value(&report).unwrap_or_default())
        })
    });
    Reflect::set(&scenarios, &"list".into(), &list.into_js_value())?;
    Reflect::set(&scenarios, &"run".into(), &run.into_js_value())?;
    Reflect::set(api, &"scenarios".into(), &scenarios)?;
    Ok(())
}

/// `functions.put({name, code, timeoutSeconds})`, `list()`, `delete(name)`,
/// `enable(name)`, `disable(name)`: the stream triggers' functions ([`crate::functions`]).
/// Each resolves to the function (`list` to all of them) with `enabled`, whether this browser
/// may run it, or rejects with `{__type, message}`.
async fn function_call(
    handle: EngineHandle,
    call: &'static str,
    argument: JsValue,
) -> Result<JsValue, JsValue> {
    use crate::functions;
    let wrong = |what: &str| {
        DynamoError::new(
            ErrorKind::InvalidParameterValueException,
            format!("functions.{call} takes {what}"),
        )
    };
    let name = argument.as_string();
    let answer = match (call, name) {
        ("list", _) => functions::list(&handle)
            .await
            .map(|list| serde_json::to_value(list).unwrap_or_default()),
        ("put", _) => {
            let text = JSON::stringify(&argument).ok().and_then(|t| t.as_string());
            match text.and_then(|t| serde_json::from_str::<functions::Draft>(&t).ok()) {
                Some(draft) => functions::put(&handle, draft)
                    .await
                    .map(|f| serde_json::to_value(f).unwrap_or_default()),
                None => Err(wrong("one object, {name, code, timeoutSeconds}")),
            }
        }
        (_, None) => Err(wrong("a function's name")),
        (call, Some(name)) => {
            let done = match call {
                "delete" => functions::delete(&handle, &name).await,
                "enable" => functions::enable(&handle, &name).await,
                _ => functions::disable(&handle, &name).await,
            };
            done.map(|f| serde_json::to_value(f).unwrap_or_default())
        }
    };
    json_value(&answer.map_err(|e| error_value(&e))?)
}

/// `cli(line)`: runs one `aws dynamodb ...` line against the tab's engine and resolves to
/// `{exitCode, stdout, stderr}`, as the AWS CLI would have printed and exited.
async fn cli_line(handle: EngineHandle, line: JsValue) -> Result<JsValue, JsValue> {
    let line = line.as_string().ok_or_else(|| {
        model_error(dynoscope_model::ModelError::whole(
            "cli takes one command line as a string, e.g. \"aws dynamodb list-tables\"",
        ))
    })?;
    let run = crate::cli::run_line(&handle, &line)
        .await
        .map_err(model_error)?;
    json_value(&run.printed)
}

/// Adds `requestHandler`: an HTTP handler for the AWS SDK for JavaScript v3
/// (`new DynamoDBClient({requestHandler: window.dynoscope.requestHandler, ...})`). It reads
/// the operation from the request's `X-Amz-Target` header, sends the body through the same
/// door as everything else, and answers as DynamoDB's endpoint does: status, JSON body and
/// the error's `__type`.
fn install_request_handler(api: &Object, slot: &Slot, ready: &Promise) -> Result<(), JsValue> {
    let handler = Object::new();
    let handle = {
        let slot = slot.clone();
        let ready = ready.clone();
        Closure::<dyn Fn(JsValue) -> Promise>::new(move |request: JsValue| {
            future_to_promise(sdk_request(slot.clone(), ready.clone(), request))
        })
    };
    let nothing = || Closure::<dyn Fn()>::new(|| {}).into_js_value();
    let no_configs = Closure::<dyn Fn() -> JsValue>::new(|| Object::new().into()).into_js_value();
    let metadata = Object::new();
    Reflect::set(&metadata, &"handlerProtocol".into(), &"h1.1".into())?;
    Reflect::set(&handler, &"handle".into(), &handle.into_js_value())?;
    Reflect::set(&handler, &"destroy".into(), &nothing())?;
    Reflect::set(&handler, &"updateHttpClientConfig".into(), &nothing())?;
    Reflect::set(&handler, &"httpHandlerConfigs".into(), &no_configs)?;
    Reflect::set(&handler, &"metadata".into(), &metadata)?;
    Reflect::set(api, &"requestHandler".into(), &handler)?;
    Ok(())
}

/// One SDK request: `{method, headers, body, ...}` in, `{response: {statusCode, headers,
/// body}}` out.
async fn sdk_request(slot: Slot, ready: Promise, request: JsValue) -> Result<JsValue, JsValue> {
    let handle = ready_handle(slot, ready).await?;
    let headers = Reflect::get(&request, &"headers".into()).unwrap_or(JsValue::UNDEFINED);
    let header = |name: &str| {
        Object::keys(&Object::from(headers.clone()))
            .iter()
            .find(|key| {
                key.as_string()
                    .is_some_and(|k| k.eq_ignore_ascii_case(name))
            })
            .and_then(|key| Reflect::get(&headers, &key).ok())
            .and_then(|value| value.as_string())
            .unwrap_or_default()
    };
    let target = header("x-amz-target");
    let options = signed_options(&header("authorization"), handle.is_full());
    let operation = target
        .strip_prefix("DynamoDB_20120810.")
        .or_else(|| target.strip_prefix("DynamoDBStreams_20120810."));
    let body = Reflect::get(&request, &"body".into()).unwrap_or(JsValue::UNDEFINED);
    let body = if let Some(text) = body.as_string() {
        text
    } else if body.is_instance_of::<js_sys::Uint8Array>() {
        String::from_utf8_lossy(&js_sys::Uint8Array::from(body).to_vec()).into_owned()
    } else {
        "{}".to_owned()
    };
    let (status, text) = match operation {
        Some(operation) => match handle.send_with(operation, &body, &options).await {
            Ok(text) => (200, text),
            Err(error) => (error.http_status(), error.to_json().to_string()),
        },
        None => {
            let error = DynamoError::new(
                ErrorKind::UnknownOperationException,
                format!("no DynamoDB operation in X-Amz-Target \"{target}\""),
            );
            (error.http_status(), error.to_json().to_string())
        }
    };
    sdk_response(status, &text)
}

/// Where a request signed with `authorization` (SigV4's `Credential=KEY/DATE/REGION/...`)
/// goes, as the endpoint reads it: to the region it is signed for, as the principal its key
/// names. Principals exist only once the full engine serves (`full`), so until then the key
/// is left out rather than loading the full engine for every SDK call.
fn signed_options(authorization: &str, full: bool) -> RequestOptions {
    let scope = authorization
        .split("Credential=")
        .nth(1)
        .and_then(|rest| rest.split([',', ' ']).next())
        .unwrap_or_default();
    let mut parts = scope.split('/');
    let key = parts.next().filter(|k| !k.is_empty());
    let region = parts.nth(1).filter(|r| !r.is_empty());
    RequestOptions {
        region: region.map(str::to_owned),
        via: None,
        access_key_id: key.filter(|_| full).map(str::to_owned),
    }
}

fn sdk_response(status: u16, text: &str) -> Result<JsValue, JsValue> {
    let headers = Object::new();
    Reflect::set(
        &headers,
        &"content-type".into(),
        &"application/x-amz-json-1.0".into(),
    )?;
    Reflect::set(
        &headers,
        &"content-length".into(),
        &text.len().to_string().into(),
    )?;
    let response = Object::new();
    Reflect::set(&response, &"statusCode".into(), &status.into())?;
    Reflect::set(&response, &"headers".into(), &headers)?;
    Reflect::set(
        &response,
        &"body".into(),
        &js_sys::Uint8Array::from(text.as_bytes()),
    )?;
    let answer = Object::new();
    Reflect::set(&answer, &"response".into(), &response)?;
    Ok(answer.into())
}

/// A JSON value as the plain JS object it spells.
fn json_value(value: &serde_json::Value) -> Result<JsValue, JsValue> {
    JSON::parse(&value.to_string())
}

/// A failure of the model crate's kind as `{__type: "ModelError", message}`.
fn model_error(error: dynoscope_model::ModelError) -> JsValue {
    playground_error(error.into())
}

/// Waits for `ready` and returns the engine handle.
async fn ready_handle(slot: Slot, ready: Promise) -> Result<EngineHandle, JsValue> {
    if slot.borrow().is_none() {
        refuse_if_elsewhere()?;
    }
    JsFuture::from(ready).await?;
    slot.borrow().clone().ok_or_else(|| {
        error_value(&DynamoError::new(
            ErrorKind::InternalFailure,
            "the engine is not ready",
        ))
    })
}

/// While another tab serves the database, calls are refused at once rather than left
/// waiting for `ready`, which settles only once this tab serves it.
fn refuse_if_elsewhere() -> Result<(), JsValue> {
    match crate::owner::refusal() {
        Some(refusal) => Err(error_value(&refusal)),
        None => Ok(()),
    }
}

/// A playground failure as `{__type, name, message}`, like a DynamoDB error.
fn playground_error(error: crate::playground::PlaygroundError) -> JsValue {
    let object = Object::new();
    let _ = Reflect::set(&object, &"__type".into(), &JsValue::from_str(&error.name));
    let _ = Reflect::set(&object, &"name".into(), &JsValue::from_str(&error.name));
    let _ = Reflect::set(
        &object,
        &"message".into(),
        &JsValue::from_str(&error.message),
    );
    object.into()
}

/// `importModel(text)`: reads a NoSQL Workbench model, a CloudFormation template (JSON or
/// YAML) or a Dynoscope model, applies it (its tables replace tables of the same names) and
/// makes it the current model; resolves to a summary of what it created.
async fn import_model(handle: EngineHandle, text: JsValue) -> Result<JsValue, JsValue> {
    let text = text.as_string().ok_or_else(|| {
        playground_error(
            dynoscope_model::ModelError::whole("importModel takes the file's text as a string")
                .into(),
        )
    })?;
    let (model, format) = crate::playground::read_model(text)
        .await
        .map_err(|e| playground_error(e.into()))?;
    let summary = crate::playground::apply_model(&handle, &model, &format)
        .await
        .map_err(playground_error)?;
    handle.notify_data_change();
    serde_wasm_bindgen::to_value(&summary).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// `exportModel(format)`: the current model, with the data its tables hold now, written in
/// `format` (see `exportFormats`).
async fn export_model(handle: EngineHandle, format: JsValue) -> Result<JsValue, JsValue> {
    let format = format.as_string().unwrap_or_default();
    let model = crate::playground::shareable(&handle)
        .await
        .map_err(playground_error)?
        .ok_or_else(|| {
            playground_error(
                dynoscope_model::ModelError::whole(
                    "there is no model to export: import or open one first",
                )
                .into(),
            )
        })?;
    let text = crate::playground::export(model, format)
        .await
        .map_err(|e| playground_error(e.into()))?;
    Ok(JsValue::from_str(&text))
}

/// `exportTable(tableName, {format, bucket, prefix})`: the table as a full export at the
/// clock's now, in S3's files (`crate::s3`): `{exportArn, exportId, files: [{key, size}],
/// zip}`, the zip a `Uint8Array`.
async fn export_table(
    handle: EngineHandle,
    table: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let table = table.as_string().unwrap_or_default();
    let (answer, zip) = crate::s3::export_table(&handle, &table, options_json(&options))
        .await
        .map_err(playground_error)?;
    let object = json_value(&answer)?;
    Reflect::set(&object, &"zip".into(), &js_sys::Uint8Array::from(&zip[..]))?;
    Ok(object)
}

/// `importTable({files: [{name, bytes}], inputFormat, inputCompressionType, csv,
/// s3KeyPrefix, tableCreationParameters})`: the files read as ImportTable reads a bucket's
/// objects, into a new table (`crate::s3`).
async fn import_table(handle: EngineHandle, options: JsValue) -> Result<JsValue, JsValue> {
    let listed = Reflect::get(&options, &"files".into()).unwrap_or_default();
    let listed = if Array::is_array(&listed) {
        Array::from(&listed)
    } else {
        Array::new()
    };
    let files = listed
        .iter()
        .map(|file| {
            let field = |name: &str| Reflect::get(&file, &name.into()).unwrap_or_default();
            let bytes = js_sys::Uint8Array::new(&field("bytes")).to_vec();
            (field("name").as_string().unwrap_or_default(), bytes)
        })
        .collect();
    let rest = Object::assign(&Object::new(), &Object::from(options));
    let _ = Reflect::delete_property(&rest, &"files".into());
    let done = crate::s3::import_table(&handle, files, options_json(&rest))
        .await
        .map_err(playground_error)?;
    json_value(&done["result"])
}

/// A script's options object as JSON (`{}` when it is none).
fn options_json(options: &JsValue) -> serde_json::Value {
    JSON::stringify(options)
        .ok()
        .and_then(|text| text.as_string())
        .and_then(|text| serde_json::from_slice(text.as_bytes()).ok())
        .unwrap_or_default()
}

/// `shareLink()`: the URL that opens the current model in another tab.
async fn share_link(handle: EngineHandle) -> Result<JsValue, JsValue> {
    let url = crate::playground::share_link(&handle)
        .await
        .map_err(playground_error)?;
    Ok(JsValue::from_str(&url))
}

/// `send(operation, request)`: once the engine is up, the request is served at once, and a
/// read with no commit outstanding settles its promise without a trip through a future.
fn send_now(
    slot: &Slot,
    ready: &Promise,
    operation: JsValue,
    request: JsValue,
    options: JsValue,
) -> Promise {
    let Some(handle) = slot.borrow().clone() else {
        return future_to_promise(send_when_ready(
            slot.clone(),
            ready.clone(),
            operation,
            request,
            options,
        ));
    };
    let served = request_text(&operation, &request).and_then(|(op, body)| {
        let options = send_options(&options)?;
        (handle.serve_with(&op, &body, &options)).map_err(|e| error_value(&e))
    });
    let answered = match served.map(|s| s.now()) {
        Err(e) => Err(e),
        Ok(Ok(answer)) => answer
            .map_err(|e| error_value(&e))
            .and_then(|t| response_value(&t)),
        Ok(Err(waiting)) => {
            return future_to_promise(async move {
                let text = waiting.finish().await.map_err(|e| error_value(&e))?;
                response_value(&text)
            });
        }
    };
    match answered {
        Ok(value) => Promise::resolve(&value),
        Err(error) => Promise::reject(&error),
    }
}

/// `send` before the engine is up: waits for `ready` (refused at once while another tab
/// serves the database), then sends.
async fn send_when_ready(
    slot: Slot,
    ready: Promise,
    operation: JsValue,
    request: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    refuse_if_elsewhere()?;
    JsFuture::from(ready).await?;
    let handle = slot.borrow().clone().ok_or_else(|| {
        error_value(&DynamoError::new(
            ErrorKind::InternalFailure,
            "the engine is not ready",
        ))
    })?;
    let (operation, body) = request_text(&operation, &request)?;
    let options = send_options(&options)?;
    let response = handle
        .send_with(&operation, &body, &options)
        .await
        .map_err(|e| error_value(&e))?;
    response_value(&response)
}

/// The operation name and the request's JSON text, from what a script passed.
fn request_text(operation: &JsValue, request: &JsValue) -> Result<(String, String), JsValue> {
    let operation = operation.as_string().ok_or_else(|| {
        error_value(&DynamoError::validation(
            "The operation must be a string such as \"PutItem\"",
        ))
    })?;
    let body = if request.is_undefined() || request.is_null() {
        "{}".to_owned()
    } else {
        JSON::stringify(request)
            .ok()
            .map(JsValue::from)
            .and_then(|text| text.as_string())
            .ok_or_else(|| {
                error_value(&DynamoError::serialization(
                    "The request could not be written as JSON",
                ))
            })?
    };
    Ok((operation, body))
}

/// `send`'s third argument: none, or `{region, via: "dax", accessKeyId}`; anything else is
/// refused with a ValidationException naming what is wrong.
fn send_options(options: &JsValue) -> Result<RequestOptions, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(RequestOptions::default());
    }
    let text = JSON::stringify(options)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default();
    serde_json::from_slice(text.as_bytes()).map_err(|e| {
        error_value(&DynamoError::validation(format!(
            "send's options must be {{region, via: \"dax\", accessKeyId}}: {e}"
        )))
    })
}

/// The engine's JSON answer as a plain object.
fn response_value(response: &str) -> Result<JsValue, JsValue> {
    JSON::parse(response).map_err(|_| {
        error_value(&DynamoError::new(
            ErrorKind::InternalFailure,
            "the engine's response is not valid JSON",
        ))
    })
}
