//! S3 exports and imports on the page: the engine's ExportTableToPointInTime and
//! ImportTable are the native server's (the page's first load leaves them out), so the
//! Database panel and `window.dynoscope.exportTable` / `importTable` do the same with files.
//! The worker does the file work ([`crate::s3_files`], as the `s3-export` and `s3-import`
//! panels); this module gathers what it needs through the one dispatch door and acts on its
//! answer: an export is a `.zip` of the objects a real export writes; an import reads every
//! file first, then creates the table (CreateTable) and loads its items as a model's sample
//! items are loaded (BatchWriteItem, throttling paused), dropping the table again if loading
//! fails. Bytes travel to and from the worker as base64 in JSON.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use dynoscope_model::apply::Step;
use serde_json::{Value, json};

use crate::bridge::EngineHandle;
use crate::playground::{PlaygroundError, send};

/// Exports `table` as a full export at the virtual clock's now. `options` are
/// `{format, bucket, prefix}`. Resolves to the worker's answer (`exportArn`, `exportId`,
/// `files`, `summary`, `fileName`, ...) and the `.zip`'s bytes.
pub async fn export_table(
    handle: &EngineHandle,
    table: &str,
    options: Value,
) -> Result<(Value, Vec<u8>), PlaygroundError> {
    let lines = handle.export_lines().await?;
    let mut input = json!({});
    input["table"] = table.into();
    input["now"] = handle.now_millis()?.into();
    input["random"] = ((js_sys::Math::random() * 4_294_967_296.0) as u32).into();
    input["lines"] = lines.into();
    input["options"] = options;
    let mut answer = crate::converters::panel("s3-export", input).await?;
    let zip = BASE64
        .decode(answer["zip"].take().as_str().unwrap_or_default())
        .map_err(|_| failure("InternalFailure", "the export's zip came back unreadable"))?;
    Ok((answer, zip))
}

/// Imports `files` (name and bytes each) as a new table. `options` are
/// `window.dynoscope.importTable`'s without the files, or `{fields}`: the import form as
/// filled in. Nothing is created unless every file reads; a table whose load fails is
/// deleted again. Resolves to the worker's answer: `result` (`{tableName,
/// importedItemCount, processedItemCount, errorCount}`) and `summary`, a sentence.
pub async fn import_table(
    handle: &EngineHandle,
    files: Vec<(String, Vec<u8>)>,
    mut options: Value,
) -> Result<Value, PlaygroundError> {
    options["files"] = files
        .iter()
        .map(|(name, bytes)| {
            let mut file = json!({});
            file["name"] = name.as_str().into();
            file["data"] = BASE64.encode(bytes).into();
            file
        })
        .collect();
    let mut read = crate::converters::panel("s3-import", options).await?;
    if let Some(message) = read["failureMessage"].as_str() {
        let code = read["failureCode"]
            .as_str()
            .unwrap_or("ValidationException");
        return Err(failure(code, message));
    }
    let create = read["tableCreationParameters"].take();
    let name = create["TableName"].as_str().unwrap_or_default().to_owned();
    send(handle, &step("CreateTable", create)).await?;
    let items: Vec<_> = match read["items"].take() {
        Value::Array(items) => (items.into_iter())
            .filter_map(|i| match i {
                Value::Object(item) => Some(item),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if let Err(e) = crate::playground::load_unthrottled(handle, &name, &items).await {
        let _ = send(handle, &step("DeleteTable", json!({ "TableName": name }))).await;
        return Err(e);
    }
    handle.notify_data_change();
    Ok(read)
}

fn step(operation: &'static str, body: Value) -> Step {
    Step { operation, body }
}

fn failure(name: &str, message: &str) -> PlaygroundError {
    PlaygroundError {
        name: name.to_owned(),
        message: message.to_owned(),
    }
}
