//! The fold's whole conversation with the engine as a value the page drives, so the page
//! keeps only a loop: it hands [`step`] what happened (the fold opened, a button, a refresh,
//! or the outcomes of the requests the last step asked for) with the [`Flow`] the last step
//! returned, and does what the [`Reply`] says: set HTML into hosts, send requests in order
//! (stopping at the first error), read the table again shortly. Reading the table is three
//! requests (DescribeTable, DescribeTimeToLive, the virtual clock); a button's requests are
//! [`crate::request::requests`], and an index creation is preceded by reading the clock and
//! the control-plane delay, from which its backfill's progress is told ([`crate::progress`]).
//! The form is drawn afresh after a success, and otherwise only when it changed, with what
//! was typed, so typing is never interrupted.

use std::collections::BTreeMap;

use dynoscope_codegen::html::escape;
use dynoscope_query_builder::html::problems_html;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::current::Current;
use crate::form::Form;
use crate::html::form_html;
use crate::progress::{Backfill, progress_html};
use crate::request::{Action, requests};

/// The host of the table's details (with what is still changing first).
pub const DETAILS_HOST: &str = "[data-details-body]";
/// The host of the form.
pub const FORM_HOST: &str = "[data-ts-host]";
/// The host of what a button came to: problems, DynamoDB's error, or what was sent.
pub const RESULT_HOST: &str = "[data-ts-result]";

/// What the page tells a step.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The fold of `table` opened.
    Open(String),
    /// Read the table again (a write happened, or something is still changing).
    Refresh,
    /// A button: `apply`, `add-index`, `delete-index:NAME`.
    Button(String),
    /// What the requests the last step asked for came to, in order: the response, or the
    /// error's wire body. The list stops at the first error.
    Outcomes(Vec<Result<Value, Value>>),
}

/// What the flow waits for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub enum Waiting {
    #[default]
    Nothing,
    /// The table's three reads; `keep`: draw the form with what was typed.
    Read { keep: bool },
    /// The clock and the simulation settings, read before `calls` create `index`.
    Backfill {
        index: String,
        calls: Vec<(String, Value)>,
    },
    /// A button's requests.
    Sent { operations: Vec<String> },
}

/// Where the fold stands, kept by the page between steps.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub table: String,
    /// The last DescribeTable and DescribeTimeToLive, which buttons start from.
    pub describe: Value,
    pub ttl: Value,
    /// The index creation sent from this fold: `{index, clock, simulation}`.
    pub backfill: Option<Value>,
    /// The form as last drawn.
    pub form_html: String,
    pub waiting: Waiting,
}

/// What the page does next.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reply {
    pub flow: Flow,
    /// HTML to set into hosts, in order: `(selector, html)`.
    pub draw: Vec<(&'static str, String)>,
    /// Requests to send in order: `(operation, request)`.
    pub send: Vec<(String, Value)>,
    /// Something is still changing: read the table again shortly.
    pub poll: bool,
}

/// The three reads of the table.
fn reads(table: &str) -> Vec<(String, Value)> {
    let name = json!({ "TableName": table });
    vec![
        ("DescribeTable".to_owned(), name.clone()),
        ("DescribeTimeToLive".to_owned(), name),
        ("Dynoscope_DescribeClock".to_owned(), json!({})),
    ]
}

/// An error's wire body as `Name: message`.
pub fn error_line(body: &Value) -> String {
    let kind = body["__type"].as_str().unwrap_or("Error");
    let name = kind.rsplit('#').next().unwrap_or(kind);
    match body["message"].as_str() {
        Some(message) => format!("{name}: {message}"),
        None => name.to_owned(),
    }
}

fn error_html(message: &str, testid: &str) -> String {
    format!(
        "<p class=\"error\" role=\"alert\" data-testid=\"{testid}\">{}</p>",
        escape(message)
    )
}

/// One step: `event` happening to `flow`, with the form's fields as they are now.
pub fn step(mut flow: Flow, event: Event, fields: Option<&BTreeMap<String, String>>) -> Reply {
    let mut reply = Reply::default();
    match event {
        Event::Open(table) => {
            if table != flow.table {
                flow = Flow {
                    table,
                    ..Flow::default()
                };
            }
            flow.waiting = Waiting::Read { keep: false };
            reply.send = reads(&flow.table);
        }
        Event::Refresh => {
            flow.waiting = Waiting::Read { keep: true };
            reply.send = reads(&flow.table);
        }
        Event::Button(name) => button(&mut flow, &name, fields, &mut reply),
        Event::Outcomes(outcomes) => match std::mem::take(&mut flow.waiting) {
            Waiting::Nothing => {}
            Waiting::Read { keep } => read(&mut flow, keep, &outcomes, fields, &mut reply),
            Waiting::Backfill { index, calls } => {
                if let [Ok(clock), Ok(simulation)] = &outcomes[..] {
                    flow.backfill =
                        Some(json!({ "index": index, "clock": clock, "simulation": simulation }));
                }
                flow.waiting = Waiting::Sent {
                    operations: calls.iter().map(|(op, _)| op.clone()).collect(),
                };
                reply.send = calls;
            }
            Waiting::Sent { operations } => {
                let html = match outcomes.iter().find_map(|o| o.as_ref().err()) {
                    Some(error) => error_html(&error_line(error), "settings-error"),
                    None => format!(
                        "<p class=\"muted\" data-testid=\"settings-done\">Sent {}.</p>",
                        operations.join(" and ")
                    ),
                };
                let keep = outcomes.iter().any(Result::is_err);
                reply.draw.push((RESULT_HOST, html));
                flow.waiting = Waiting::Read { keep };
                reply.send = reads(&flow.table);
            }
        },
    }
    reply.flow = flow;
    reply
}

/// A button pressed: its requests, or the problems that stop them.
fn button(
    flow: &mut Flow,
    name: &str,
    fields: Option<&BTreeMap<String, String>>,
    reply: &mut Reply,
) {
    let (Some(current), Some(action)) = (
        Current::from_describe(&flow.describe, &flow.ttl),
        Action::parse(name),
    ) else {
        return;
    };
    let form = fields.map_or_else(
        || Form::from_current(&current),
        |f| Form::from_fields(&current, f),
    );
    match requests(&current, &form, &action) {
        Err(problems) => reply
            .draw
            .push((RESULT_HOST, problems_html(&problems, "settings-problems"))),
        Ok(calls) => {
            reply.draw.push((RESULT_HOST, String::new()));
            let calls: Vec<(String, Value)> = calls
                .into_iter()
                .map(|c| (c.operation.to_owned(), c.request))
                .collect();
            if action == Action::AddIndex {
                flow.waiting = Waiting::Backfill {
                    index: form.new_index.name.trim().to_owned(),
                    calls,
                };
                reply.send = vec![
                    ("Dynoscope_DescribeClock".to_owned(), json!({})),
                    ("Dynoscope_DescribeSimulation".to_owned(), json!({})),
                ];
            } else {
                flow.waiting = Waiting::Sent {
                    operations: calls.iter().map(|(op, _)| op.clone()).collect(),
                };
                reply.send = calls;
            }
        }
    }
}

/// The table read: the details, and the form (with what was typed when `keep`, and then
/// only if it changed).
fn read(
    flow: &mut Flow,
    keep: bool,
    outcomes: &[Result<Value, Value>],
    fields: Option<&BTreeMap<String, String>>,
    reply: &mut Reply,
) {
    let [Ok(describe), Ok(ttl), clock] = outcomes else {
        let error = outcomes
            .iter()
            .find_map(|o| o.as_ref().err())
            .map_or_else(|| "The table could not be read.".to_owned(), error_line);
        reply
            .draw
            .push((DETAILS_HOST, error_html(&error, "details-error")));
        return;
    };
    let Some(current) = Current::from_describe(describe, ttl) else {
        return;
    };
    flow.describe = describe.clone();
    flow.ttl = ttl.clone();
    let backfill = flow.backfill.as_ref().and_then(Backfill::from_json);
    let now = clock
        .as_ref()
        .ok()
        .and_then(|c| c["Clock"]["NowMillis"].as_u64());
    let details = progress_html(&current, backfill.as_ref(), now)
        + &dynoscope_query_builder::table_details::details_html(describe, ttl);
    reply.draw.push((DETAILS_HOST, details));
    let form = match fields.filter(|_| keep) {
        Some(fields) => Form::from_fields(&current, fields),
        None => Form::from_current(&current),
    };
    let html = form_html(&current, &form);
    if !keep || html != flow.form_html {
        reply.draw.push((FORM_HOST, html.clone()));
        flow.form_html = html;
    }
    reply.poll = current.changing();
}

/// [`step`] as the page speaks it, JSON both ways. In: `{flow, fields}` with one of `open`
/// (a table name), `button` (its action), `outcomes` (`[{ok: response text} | {error: wire
/// body}]`), or none of them for a refresh. Out: `{flow, draw: [[selector, html]…], send:
/// [[operation, request]…], poll}`.
pub fn step_json(input: &Value) -> Value {
    let flow: Flow = serde_json::from_value(input["flow"].clone()).unwrap_or_default();
    let fields: Option<BTreeMap<String, String>> =
        serde_json::from_value(input["fields"].clone()).ok();
    let event = if let Some(table) = input["open"].as_str() {
        Event::Open(table.to_owned())
    } else if let Some(name) = input["button"].as_str() {
        Event::Button(name.to_owned())
    } else if let Some(outcomes) = input["outcomes"].as_array() {
        Event::Outcomes(
            outcomes
                .iter()
                .map(|o| match o.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(o["ok"]
                        .as_str()
                        .and_then(|text| serde_json::from_str(text).ok())
                        .unwrap_or(Value::Null)),
                })
                .collect(),
        )
    } else {
        Event::Refresh
    };
    let reply = step(flow, event, fields.as_ref());
    json!({
        "flow": reply.flow,
        "draw": reply.draw,
        "send": reply.send,
        "poll": reply.poll,
    })
}
