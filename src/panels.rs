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
