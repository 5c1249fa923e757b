//! The panels the model's worker writes for the page, each a name with JSON in and JSON
//! out (`crate::converters::panel`), so a new panel costs the page's first load no serde
//! code of its own:
//! - `query-form`: the Query and Scan builder's form after a form button, and the request
//!   it makes ([`dynoscope_query_builder`]);
//! - `query-page`: one page of the builder's results;
//! - `load-form`, `load-second`, `load-report`: the load generator's form, one virtual
//!   second of its requests tick by tick, and the report of a run ([`dynoscope_load`]);
//! - `timeline`: the Cluster view's events as list items
//!   ([`dynoscope_cluster_panels::timeline`]);
//! - `activity`: the Activity view's filter form, the `Dynoscope_GetActivity` request its
//!   filters make, and the requests returned as a table; `activity-lines` the same requests
//!   as JSON lines for export ([`dynoscope_cluster_panels::activity`]);
//! - `cost`: the cost panel's table ([`dynoscope_cluster_panels::cost`]);
//! - `capacity`: the capacity chart's series options, summary and SVG from
//!   `Dynoscope_GetMetrics` ([`dynoscope_cluster_panels::capacity`]);
//! - `stream`: the stream viewer's body ([`dynoscope_cluster_panels::stream`]);
//! - `table-settings`: one step of "Table details" and "Edit table": what to draw and what
//!   to send ([`dynoscope_table_settings::flow`]);
//! - `item-json`: the item editor's text converted between plain JSON and DynamoDB JSON
//!   ([`dynoscope_item_json`]).
//! - `table-form`: the create-table form of the Tables view and of the Model view's table
//!   definitions after a button, and the steps that create its table
//!   ([`dynoscope_query_builder::table_form`]).
//! - `locate`: the item locator's result ([`dynoscope_cluster_panels::locate`]);
//! - `fold`: one step of the Cluster view's folds that need the full engine (regions, DAX,
//!   IAM principals): what to draw and what to send ([`dynoscope_cluster_panels::folds`]);
//! - `aggregate`: the Model view's aggregate view of a table's items ([`crate::aggregate`]);
//! - `s3-export`: a table exported as a real export's S3 files, packed in one `.zip`;
//!   `s3-import`: picked files (a `.zip` of an export, or data objects) read into the items
//!   of a new table; `s3-form`: their forms for the Database panel ([`crate::s3_files`]).
//!   Bytes travel as base64.
//! - `triggers`: the Tables view's "Stream triggers" panel ([`crate::triggers_panel`]).

use std::collections::BTreeMap;

use dynoscope_model::ModelError;
use serde::Deserialize;
use serde_json::{Value, json};

type Fields = BTreeMap<String, String>;

/// Runs panel `panel` on `input`.
pub fn run(panel: &str, input: Value) -> Result<Value, ModelError> {
    match panel {
        "query-form" => query_form(read(panel, input)?),
        "query-page" => query_page(read(panel, input)?),
        "load-form" => {
            let input: LoadForm = read(panel, input)?;
            Ok(
                json!({ "html": dynoscope_load::html::form_html(&input.fields.unwrap_or_default()) }),
            )
        }
        "load-second" => load_second(read(panel, input)?),
        "load-report" => {
            let input: LoadReport = read(panel, input)?;
            let html =
                dynoscope_load::html::report_html(&input.seconds, input.planned, input.running);
            Ok(json!({ "html": html }))
        }
        "timeline" => {
            let input: Timeline = read(panel, input)?;
            let table = dynoscope_cluster_panels::timeline::Table {
                region: input.region,
                key_names: input.key_names,
            };
            let html = dynoscope_cluster_panels::timeline::events_html(
                &input.events,
                &table,
                input.offset_minutes,
            );
            Ok(json!({ "html": html }))
        }
        "activity" => Ok(activity(read(panel, input)?)),
        "activity-lines" => {
            let input: Activity = read(panel, input)?;
            let text = input
                .response
                .map(|r| dynoscope_cluster_panels::activity::json_lines(&r));
            Ok(json!({ "text": text.unwrap_or_default() }))
        }
        "cost" => {
            let input: Cost = read(panel, input)?;
            let (html, fingerprint) =
                dynoscope_cluster_panels::cost::cost_html(&input.response, &input.table)
                    .unwrap_or_default();
            Ok(json!({ "html": html, "fingerprint": fingerprint }))
        }
        "capacity" => {
            let input: dynoscope_cluster_panels::capacity::Input = read(panel, input)?;
            Ok(dynoscope_cluster_panels::capacity::answer(&input))
        }
        "stream" => {
            let input: dynoscope_cluster_panels::stream::StreamState = read(panel, input)?;
            Ok(json!({ "html": dynoscope_cluster_panels::stream::stream_html(&input) }))
        }
        "table-settings" => Ok(dynoscope_table_settings::flow::step_json(&input)),
        "item-json" => Ok(item_json(read(panel, input)?)),
        "table-form" => dynoscope_query_builder::table_form::answer(read(panel, input)?),
        "fold" => Ok(dynoscope_cluster_panels::folds::step(read(panel, input)?)),
        "locate" => {
            let label = input["label"].as_str().unwrap_or_default().to_owned();
            let found: dynoscope_engine::contract::ItemLocation =
                read(panel, input["found"].clone())?;
            let html = dynoscope_cluster_panels::locate::result_html(&label, &found);
            Ok(json!({ "html": html }))
        }
        "aggregate" => crate::aggregate::html(read(panel, input)?)
            .map(|html| json!({ "html": html }))
            .map_err(|e| ModelError::at(panel, e)),
        "s3-export" => s3_export(read(panel, input)?),
        "s3-form" => {
            let tables: Vec<String> = read(panel, input["tables"].clone())?;
            Ok(json!({ "html": crate::s3_files::form_html(&tables) }))
        }
        "s3-import" => s3_import(input),
        "triggers" => Ok(crate::triggers_panel::answer(&input)),
        other => Err(ModelError::at(
            "panel",
            format!("no panel is called {other}"),
        )),
    }
}

/// The Activity view: its filters, and `Dynoscope_GetActivity`'s answer once there is one.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Activity {
    fields: Option<Fields>,
    /// Table names for the form's suggestions; the form is drawn only when given.
    tables: Option<Vec<String>>,
    response: Option<dynoscope_engine::contract::ActivityDescription>,
    #[serde(default)]
    offset_minutes: i64,
}

/// `{request, formHtml?, html?}`: the request the filters make (the newest
/// [`dynoscope_cluster_panels::activity::SHOWN`] that match), the form when `tables` is
/// given, the entries when `response` is.
fn activity(input: Activity) -> Value {
    use dynoscope_cluster_panels::activity as view;
    let fields = input.fields.unwrap_or_default();
    let mut request = view::request_filters(&fields);
    request["Newest"] = json!(true);
    request["Limit"] = json!(view::SHOWN);
    let form = input.tables.map(|tables| view::form_html(&fields, &tables));
    let html = (input.response).map(|r| view::entries_html(&r, input.offset_minutes));
    json!({ "request": request, "formHtml": form, "html": html })
}

fn read<T: for<'de> Deserialize<'de>>(panel: &str, input: Value) -> Result<T, ModelError> {
    serde_json::from_value(input).map_err(|e| ModelError::at(panel, e.to_string()))
}

fn shape(describe: &Value) -> Result<dynoscope_query_builder::TableShape, ModelError> {
    dynoscope_query_builder::TableShape::from_describe(describe)
        .ok_or_else(|| ModelError::at("DescribeTable", "the table has no key schema"))
}

/// The builder's form as filled in, after the form button `action`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryForm {
    describe: Value,
    fields: Option<Fields>,
    action: Option<String>,
    start_key: Option<Value>,
}

/// `{formHtml, requestHtml, request, operation}`: the form, the request as HTML, the
/// request itself when it can be sent, and its operation.
fn query_form(input: QueryForm) -> Result<Value, ModelError> {
    use dynoscope_query_builder::{Form, build, html};
    let shape = shape(&input.describe)?;
    let mut form = input
        .fields
        .as_ref()
        .map(Form::from_fields)
        .unwrap_or_default();
    if let Some(action) = input.action {
        form.act(&action);
    }
    let request = build(&shape, &form, input.start_key.as_ref());
    Ok(json!({
        "formHtml": html::form_html(&shape, &form),
        "requestHtml": html::request_html(&form.operation, &request),
        "request": request.ok(),
        "operation": form.operation,
    }))
}

/// What a run of the builder came to.
#[derive(Deserialize)]
struct QueryPage {
    describe: Value,
    fields: Option<Fields>,
    /// `{"ok": response}` or `{"error": body}`.
    outcome: Value,
    read: Option<Value>,
    page: usize,
}

/// `{html}`: the page of results.
fn query_page(input: QueryPage) -> Result<Value, ModelError> {
    use dynoscope_query_builder::Form;
    use dynoscope_query_builder::page::{Run, page_html};
    let shape = shape(&input.describe)?;
    let form = input
        .fields
        .as_ref()
        .map(Form::from_fields)
        .unwrap_or_default();
    let read = input.read.and_then(|r| serde_json::from_value(r).ok());
    let outcome = match input.outcome.get("error") {
        Some(error) => Err(error),
        None => Ok(&input.outcome["ok"]),
    };
    let run = Run {
        outcome,
        read: read.as_ref(),
        page: input.page,
        filtered: !form.filters.is_empty(),
        via_dax: form.via_dax,
        consistent: form.consistent,
    };
    Ok(json!({ "html": page_html(&shape, &run) }))
}

#[derive(Deserialize)]
struct LoadForm {
    fields: Option<Fields>,
}

#[derive(Deserialize)]
struct LoadSecond {
    describe: Value,
    fields: Fields,
    second: u32,
}

/// `{ticks: [[[operation, request JSON text]…]…], seconds}`, or `{problems}` as HTML.
fn load_second(input: LoadSecond) -> Result<Value, ModelError> {
    let shape = shape(&input.describe)?;
    match dynoscope_load::LoadSettings::from_fields(&input.fields) {
        Ok(settings) => {
            let ticks: Vec<Vec<(String, String)>> =
                dynoscope_load::second(&shape, &settings, input.second)
                    .into_iter()
                    .map(|tick| {
                        tick.into_iter()
                            .map(|call| (call.operation, call.request.to_string()))
                            .collect()
                    })
                    .collect();
            Ok(json!({ "ticks": ticks, "seconds": settings.seconds }))
        }
        Err(problems) => Ok(
            json!({ "problems": dynoscope_query_builder::html::problems_html(&problems, "load-problems") }),
        ),
    }
}

#[derive(Deserialize)]
struct LoadReport {
    seconds: Vec<dynoscope_load::Second>,
    planned: u32,
    running: bool,
}

/// Events of `Dynoscope_GetEvents` to tell, oldest first.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Timeline {
    events: Vec<dynoscope_engine::Event>,
    region: String,
    key_names: Vec<String>,
    /// The browser's `Date.getTimezoneOffset()`.
    offset_minutes: i64,
}

/// A `Dynoscope_EstimateCost` response and the table whose estimate to show.
#[derive(Deserialize)]
struct Cost {
    response: dynoscope_engine::contract::CostEstimate,
    table: String,
}

/// The item editor's text to convert, `direction` `to-dynamodb` or `to-plain`, beside the
/// editor's selects (`numbers`, `sets`, `binary`; each absent one is its first option).
#[derive(Deserialize)]
struct ItemJson {
    direction: String,
    text: String,
    #[serde(flatten)]
    choices: dynoscope_item_json::Choices,
}

/// `{text, notesHtml}` (the rules beside plain JSON, and what would not come back the
/// same), or `{problem}`: why the text cannot be converted, naming the attribute path.
fn item_json(input: ItemJson) -> Value {
    let converted = if input.direction == "to-plain" {
        dynoscope_item_json::to_plain(&input.text, &input.choices)
    } else {
        dynoscope_item_json::to_dynamodb(&input.text, &input.choices)
    };
    match converted {
        Ok(converted) => {
            let notes: String = converted
                .notes
                .iter()
                .map(|note| format!("<li>{}</li>", dynoscope_codegen::html::escape(note)))
                .collect();
            let mut notes_html = String::new();
            if input.direction == "to-plain" {
                notes_html = format!(
                    "<p class=\"muted\" data-testid=\"editor-rules\">{}</p>",
                    dynoscope_codegen::html::escape(dynoscope_item_json::RULES)
                );
            }
            if !notes.is_empty() {
                notes_html += &format!(
                    "<div class=\"notice\" role=\"status\" data-testid=\"editor-notes\"><p>Plain JSON cannot say all of this item; with these choices these will not come back the same:</p><ul>{notes}</ul></div>"
                );
            }
            json!({ "text": converted.text, "notesHtml": notes_html })
        }
        Err(problem) => json!({ "problem": problem.to_string() }),
    }
}

/// `s3-export`'s input: the table's name, the whole database file's lines, the virtual
/// clock's now, a random number for the export id, and `window.dynoscope.exportTable`'s
/// options `{format, bucket, prefix}` (DYNAMODB_JSON and `my-bucket` when absent).
#[derive(Deserialize)]
struct S3Export {
    table: String,
    lines: Vec<String>,
    now: u64,
    random: u32,
    #[serde(default)]
    options: Value,
}

/// `{exportArn, exportId, summary, fileName, manifest, itemCount, billedSizeBytes, files:
/// [{key, size}], zip}`: a sentence for the status line, the name to save the zip as, the
/// zip in base64.
fn s3_export(input: S3Export) -> Result<Value, ModelError> {
    use base64::Engine as _;
    let option = |name: &str, default: &'static str| match input.options[name].as_str() {
        Some(value) if !value.is_empty() => value.to_owned(),
        _ => default.to_owned(),
    };
    let (format, bucket, prefix) = (
        option("format", "DYNAMODB_JSON"),
        option("bucket", "my-bucket"),
        option("prefix", ""),
    );
    let table = input.table.as_str();
    let job = crate::s3_files::export_job(&crate::s3_files::ExportRequest {
        table,
        lines: &input.lines,
        now_millis: input.now,
        random: input.random,
        format: &format,
        bucket: &bucket,
        prefix: Some(&prefix),
    })
    .map_err(|e| ModelError::at("export", e))?;
    let (written, zip) =
        crate::s3_files::export_zip(&job).map_err(|e| ModelError::at("export", e))?;
    let files: Vec<Value> = (written.files.iter())
        .map(|f| json!({"key": f.key, "size": f.bytes.len()}))
        .collect();
    let id = dynoscope_exchange::export::export_id(&job.export_arn);
    let folder = dynoscope_exchange::export::export_folder(job.s3_prefix.as_deref(), id);
    let summary = format!(
        "Exported {} item{} of {table} as {} files ({} bytes zipped) under s3://{}/{folder}",
        written.outcome.item_count,
        if written.outcome.item_count == 1 {
            ""
        } else {
            "s"
        },
        files.len(),
        zip.len(),
        job.s3_bucket,
    );
    Ok(json!({
        "exportArn": job.export_arn,
        "exportId": id,
        "summary": summary,
        "fileName": format!("{table}-export-{id}.zip"),
        "manifest": written.outcome.manifest,
        "itemCount": written.outcome.item_count,
        "billedSizeBytes": written.outcome.billed_size_bytes,
        "files": files,
        "zip": base64::engine::general_purpose::STANDARD.encode(zip),
    }))
}

/// `s3-import`'s input: the picked files (bytes in base64), ImportTable's format,
/// compression and CSV options, the key prefix a zip's entries must start with, and the
/// table to create (CreateTable's request).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct S3Import {
    files: Vec<PickedFile>,
    #[serde(default)]
    input_format: Option<String>,
    #[serde(default)]
    input_compression_type: Option<String>,
    #[serde(default)]
    csv: Option<CsvOptions>,
    #[serde(default)]
    s3_key_prefix: Option<String>,
    table_creation_parameters: Value,
}

#[derive(Deserialize)]
struct PickedFile {
    name: String,
    data: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CsvOptions {
    #[serde(default)]
    delimiter: Option<String>,
    #[serde(default)]
    header_list: Option<Vec<String>>,
}

/// `{items?, importedItemCount, processedItemCount, errorCount, errors, failureCode?,
/// failureMessage?}` ([`crate::s3_files::ImportOutcome::to_json`]) with the CreateTable
/// request to send, `result` (what `importTable` resolves to once the items are loaded) and
/// `summary` (the status line's sentence).
/// The options are `window.dynoscope.importTable`'s, or the import form's `fields`.
fn s3_import(mut input: Value) -> Result<Value, ModelError> {
    use base64::Engine as _;
    if let Some(Value::Object(fields)) = input.get_mut("fields").map(Value::take) {
        let files = input["files"].take();
        input = match crate::s3_files::import_options(&fields) {
            Ok(options) => options,
            Err(e) => {
                return Ok(json!({"failureCode": "ValidationException", "failureMessage": e}));
            }
        };
        input["files"] = files;
    }
    let input: S3Import = read("s3-import", input)?;
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for file in input.files {
        match base64::engine::general_purpose::STANDARD.decode(&file.data) {
            Ok(bytes) => files.push((file.name, bytes)),
            Err(e) => unreadable.push(format!(
                "{}: the page sent unreadable bytes: {e}",
                file.name
            )),
        }
    }
    let csv = input.csv.unwrap_or(CsvOptions {
        delimiter: None,
        header_list: None,
    });
    let table = input.table_creation_parameters;
    let spec = dynoscope_exchange::ImportSpec {
        input_format: input.input_format.unwrap_or_else(|| "DYNAMODB_JSON".into()),
        input_compression_type: input
            .input_compression_type
            .unwrap_or_else(|| "NONE".into()),
        csv_delimiter: csv.delimiter.filter(|d| !d.is_empty()),
        csv_header_list: csv.header_list.filter(|h| !h.is_empty()),
        key_types: crate::s3_files::key_types(&table),
    };
    if let Err(e) = crate::s3_files::check_spec(&spec) {
        return Ok(json!({"failureCode": "ValidationException", "failureMessage": e}));
    }
    let mut outcome = crate::s3_files::import(crate::s3_files::ImportRequest {
        files,
        spec,
        prefix: input.s3_key_prefix.as_deref().unwrap_or_default(),
        table: &table,
    });
    outcome.errors.splice(0..0, unreadable);
    let mut answer = outcome.to_json();
    let name = table["TableName"].as_str().unwrap_or_default();
    answer["result"] = json!({
        "tableName": name,
        "importedItemCount": answer["importedItemCount"],
        "processedItemCount": answer["processedItemCount"],
        "errorCount": answer["errorCount"],
    });
    answer["summary"] = json!(format!(
        "Imported {} items into the new table {name}.",
        answer["importedItemCount"]
    ));
    answer["tableCreationParameters"] = table;
    Ok(answer)
}
