//! The Cluster view's folds that need the full engine: a table's [`regions`] (global
//! tables), the [`dax`] cluster and the IAM [`principals`] with the policy explainer. Each
//! fold's conversation with the engine is a value the page drives, as "Edit table" does
//! (`dynoscope-table-settings::flow`): the page hands [`step`] what happened (the fold
//! opened, a write happened, a button, or what the calls the last step asked for came to)
//! with the [`Flow`] the last step returned, and does what the reply says: set HTML into
//! hosts, send calls (each with its send options: a region, DAX, a principal) and hand back
//! what every one of them came to, and look again shortly when something is still on its
//! way.
//!
//! A run reads in at most two rounds (a panel's first reads, then what they name: each
//! replica region's table, the events since the newest), so the page's loop stays a loop.

pub mod dax;
pub mod principals;
pub mod regions;

use std::collections::BTreeMap;

use dynoscope_codegen::html::escape;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A fold's fields by name, as the page reads them from its forms.
pub type Fields = BTreeMap<String, String>;

/// What the page tells a step.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Input {
    /// `regions`, `dax` or `principals`.
    pub panel: String,
    /// The table the Cluster view shows.
    pub table: String,
    /// What the last step returned; absent when the fold opens.
    #[serde(default)]
    pub flow: Option<Flow>,
    #[serde(default)]
    pub fields: Fields,
    /// A button (`data-bx-action`); absent with neither this nor outcomes: read again.
    #[serde(default)]
    pub button: Option<String>,
    /// What the calls the last step asked for came to, in order: `{ok: response text}` or
    /// `{error: DynamoDB's error body}`.
    #[serde(default)]
    pub outcomes: Option<Vec<Value>>,
    /// The browser's `Date.getTimezoneOffset()`, for virtual times.
    #[serde(default)]
    pub offset_minutes: i64,
}

/// One request to send: the operation, its body and its send options (`RequestOptions`).
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// What the answer is for, so a later step finds it.
    pub label: String,
    pub operation: &'static str,
    pub request: Value,
    pub options: Value,
}

impl Call {
    /// A call to the home region, straight to the table, as the administrator.
    pub fn new(label: impl Into<String>, operation: &'static str, request: Value) -> Call {
        Call {
            label: label.into(),
            operation,
            request,
            options: json!({}),
        }
    }

    /// The same call sent with `options` (`{region}`, `{via: "dax"}`, `{accessKeyId}`).
    pub fn with(mut self, options: Value) -> Call {
        self.options = options;
        self
    }
}

/// Where a fold stands, kept by the page between steps.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub panel: String,
    pub table: String,
    /// 0 between runs, 1 while the first reads are out, 2 while the second are.
    pub round: u8,
    /// The labels of the calls out, in order.
    pub labels: Vec<String>,
    /// What this run's calls came to, by label: `{ok: response}` or `{error: body}`.
    pub got: BTreeMap<String, Value>,
    /// Whether this run ends by drawing the forms (on opening and after a button).
    pub forms: bool,
    /// Fields to draw the forms with instead of the page's (a button filled them in).
    pub fill: Option<Fields>,
    /// What the last button came to, as HTML.
    pub notice: String,
    /// What a panel keeps across runs (the reads of an item in each region, the last
    /// explanation, what the last draw showed).
    pub memory: Value,
}

impl Flow {
    /// The response labelled `label`, if it succeeded.
    pub fn ok(&self, label: &str) -> Option<&Value> {
        self.got.get(label).and_then(|o| o.get("ok"))
    }

    /// The response labelled `label` read as `T`.
    pub fn read<T: for<'de> Deserialize<'de>>(&self, label: &str) -> Option<T> {
        self.ok(label)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    /// The error labelled `label`, as `Name: message`.
    pub fn error(&self, label: &str) -> Option<String> {
        self.got
            .get(label)
            .and_then(|o| o.get("error"))
            .map(error_text)
    }
}

/// What a panel answers to the steps of its fold.
pub trait Panel {
    /// The first reads of every run.
    fn first_reads(&self, flow: &Flow) -> Vec<Call>;
    /// What the first reads name (none: draw now).
    fn second_reads(&self, flow: &Flow) -> Vec<Call>;
    /// The calls of a button, or why it cannot go (shown beside the forms). May fill the
    /// forms (`flow.fill`) or keep something in `flow.memory`.
    fn button(&self, flow: &mut Flow, name: &str, fields: &Fields) -> Result<Vec<Call>, String>;
    /// Takes in what the button's calls (labelled `action…`) came to: the notice, memory.
    fn after_button(&self, flow: &mut Flow);
    /// The hosts to fill (`(selector, html)`) and whether to look again shortly.
    fn draw(&self, flow: &mut Flow, fields: &Fields, offset_minutes: i64) -> Drawn;
}

/// A panel's HTML and whether something is still on its way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Drawn {
    pub hosts: Vec<(String, String)>,
    pub poll: bool,
}

fn panel_of(name: &str, table: &str) -> Option<Box<dyn Panel>> {
    let table = table.to_owned();
    match name {
        "regions" => Some(Box::new(regions::Regions { table })),
        "dax" => Some(Box::new(dax::Dax { table })),
        "principals" => Some(Box::new(principals::Principals { table })),
        _ => None,
    }
}

/// One step: `{flow, draw: [[selector, html]…], send: [[operation, request, options]…],
/// poll}`.
pub fn step(input: Input) -> Value {
    let Some(panel) = panel_of(&input.panel, &input.table) else {
        return json!({ "draw": [], "send": [], "error": format!("no fold is called {}", input.panel) });
    };
    let fresh = || Flow {
        panel: input.panel.clone(),
        table: input.table.clone(),
        forms: true,
        ..Flow::default()
    };
    let mut flow = (input.flow.clone())
        .filter(|f| f.panel == input.panel && f.table == input.table)
        .unwrap_or_else(fresh);
    let calls = match (&input.outcomes, &input.button) {
        (Some(outcomes), _) if flow.round > 0 => {
            for (label, outcome) in flow.labels.iter().zip(outcomes) {
                flow.got.insert(label.clone(), answer(outcome));
            }
            if flow.round == 1 {
                if flow.got.keys().any(|l| l.starts_with("action")) {
                    panel.after_button(&mut flow);
                }
                flow.round = 2;
                panel.second_reads(&flow)
            } else {
                Vec::new()
            }
        }
        (_, Some(button)) => {
            flow.got.clear();
            flow.forms = true;
            flow.notice.clear();
            match panel.button(&mut flow, button, &input.fields) {
                Ok(mut calls) => {
                    calls.extend(panel.first_reads(&flow));
                    flow.round = 1;
                    calls
                }
                Err(problem) => {
                    flow.notice = format!(
                        "<p class=\"error\" role=\"alert\" data-testid=\"bx-problem\">{}</p>",
                        escape(&problem)
                    );
                    flow.round = 1;
                    panel.first_reads(&flow)
                }
            }
        }
        _ => {
            flow.got.clear();
            flow.round = 1;
            panel.first_reads(&flow)
        }
    };
    if !calls.is_empty() {
        flow.labels = calls.iter().map(|c| c.label.clone()).collect();
        let send: Vec<Value> = (calls.into_iter())
            .map(|c| json!([c.operation, c.request, c.options]))
            .collect();
        return json!({ "flow": flow, "draw": [], "send": send, "poll": false });
    }
    let drawn = panel.draw(&mut flow, &input.fields, input.offset_minutes);
    flow.round = 0;
    flow.labels.clear();
    flow.got.clear();
    flow.forms = false;
    flow.fill = None;
    json!({ "flow": flow, "draw": drawn.hosts, "send": [], "poll": drawn.poll })
}

/// An outcome as the page hands it back, with the response text read.
fn answer(outcome: &Value) -> Value {
    match (outcome.get("ok"), outcome.get("error")) {
        (Some(Value::String(text)), _) => {
            json!({ "ok": serde_json::from_str::<Value>(text).unwrap_or(Value::Null) })
        }
        (Some(value), _) => json!({ "ok": value }),
        (_, Some(error)) => json!({ "error": error }),
        _ => json!({ "error": { "message": "no answer" } }),
    }
}

/// DynamoDB's error body as `Name: message`.
pub fn error_text(error: &Value) -> String {
    let name = (error["__type"].as_str())
        .map(|t| t.rsplit('#').next().unwrap_or(t))
        .unwrap_or("Error");
    let message = (error["message"].as_str())
        .or_else(|| error["Message"].as_str())
        .unwrap_or("");
    format!("{name}: {message}")
}

/// A notice of what a button came to: `done` when every `action…` call succeeded, else
/// the first error in DynamoDB's words.
pub fn notice(flow: &Flow, done: &str) -> String {
    let failed = (flow.got.iter())
        .filter(|(label, _)| label.starts_with("action"))
        .find_map(|(_, o)| o.get("error"));
    match failed {
        Some(error) => format!(
            "<p class=\"error\" role=\"alert\" data-testid=\"bx-refusal\">{}</p>",
            escape(&error_text(error))
        ),
        None => format!(
            "<p class=\"ok\" role=\"status\" data-testid=\"bx-done\">{}</p>",
            escape(done)
        ),
    }
}

/// A virtual time as `HH:MM:SS.mmm` in the browser's time zone.
pub fn at(millis: u64, offset_minutes: i64) -> String {
    crate::timeline::html::clock_text(millis, offset_minutes)
}

/// A duration in words: `420 ms`, `3.5 s`, `4 min`.
pub fn span(millis: u64) -> String {
    match millis {
        0..1_000 => format!("{millis} ms"),
        1_000..120_000 => {
            let seconds = format!("{:.1}", millis as f64 / 1000.0);
            format!("{} s", seconds.trim_end_matches(".0"))
        }
        _ => format!("{} min", millis / 60_000),
    }
}

/// An item (DynamoDB JSON) as short text; `none` for null.
pub fn item_text(item: Option<&Value>, max_chars: usize) -> String {
    match item {
        Some(item) if !item.is_null() => {
            dynoscope_query_builder::value_text::compact(&json!({ "M": item }), max_chars)
        }
        _ => "none".to_owned(),
    }
}

/// A text input with its label.
pub fn field(label: &str, name: &str, fields: &Fields, placeholder: &str) -> String {
    format!(
        "<label>{} <input name=\"{}\" value=\"{}\" placeholder=\"{}\" autocomplete=\"off\" data-testid=\"bx-{}\"></label>",
        escape(label),
        escape(name),
        escape(fields.get(name).map(String::as_str).unwrap_or("")),
        escape(placeholder),
        escape(name)
    )
}

/// A button of a fold: `action` names it for [`Panel::button`].
pub fn button(action: &str, label: &str, class: &str) -> String {
    format!(
        "<button type=\"button\" class=\"{class}\" data-bx-action=\"{}\" data-testid=\"bx-{}\">{}</button>",
        escape(action),
        escape(&action.replace(':', "-")),
        escape(label)
    )
}

/// The key attributes of a DescribeTable (partition key first) with their types.
pub fn key_attributes(describe: &Value) -> Vec<(String, String)> {
    dynoscope_query_builder::TableShape::from_describe(describe)
        .and_then(|shape| shape.sources.into_iter().next())
        .map(|source| {
            let mut keys = vec![(source.partition.name, source.partition.kind)];
            keys.extend(source.sort.map(|s| (s.name, s.kind)));
            keys
        })
        .unwrap_or_default()
}

/// The key the fields `key-<attribute>` make, or which one is missing.
pub fn key_from(keys: &[(String, String)], fields: &Fields) -> Result<Value, String> {
    if keys.is_empty() {
        return Err("The table's key is not known yet; try again.".to_owned());
    }
    let mut key = serde_json::Map::new();
    for (name, kind) in keys {
        let value = fields
            .get(&format!("key-{name}"))
            .map(|v| v.trim())
            .unwrap_or("");
        if value.is_empty() {
            return Err(format!("Give the key attribute {name} a value."));
        }
        key.insert(name.clone(), json!({ kind.as_str(): value }));
    }
    Ok(Value::Object(key))
}

/// A field per key attribute, named `key-<attribute>`.
pub fn key_fields(keys: &[(String, String)], fields: &Fields) -> String {
    (keys.iter())
        .map(|(name, kind)| {
            field(
                &format!("{name} ({kind})"),
                &format!("key-{name}"),
                fields,
                "",
            )
        })
        .collect()
}
