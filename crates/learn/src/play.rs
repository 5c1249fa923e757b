//! The interpreter: what a scenario sends and how each step is judged. A driver (the native
//! tests, the page's player) sends the [`prelude`] and then each step's [`Step::calls`]
//! through dispatch, one at a time and in order, and hands the outcomes back to
//! [`Step::judge`]. [`run`] is the whole loop for a driver that can send synchronously.
//! Each [`Call`] carries how it is sent ([`CallOptions`]: a region, DAX, a principal).
//!
//! A step's observation, which its checkpoints read, is the response of its one request,
//! or the request's error in the wire shape (`{"__type": ..., "message": ...}`). A repeated
//! request is observed as a summary: `Count`, `Succeeded`, `Failed`, `Errors` (how many of
//! each error type), `FirstFailure` (the index of the first failed request, or null),
//! `Last` (the last response or error) and `Responses` (every response or error, in order).
//!
//! In request bodies `{fill:N}` stands for N `x`s (an item of an exact size), `{$name}`
//! for a value an earlier step saved (`[[step.save]]`: a stream ARN, a shard iterator),
//! `{$name:seconds+N}` for a saved clock reading in milliseconds as epoch seconds plus N (a
//! TTL value) and, in a repeated request, `{i}` for the request's number from 0.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::format::{Expect, Scenario, Simulation, Step, Via};

/// One request to send: an operation name, its body and how it is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub operation: String,
    pub body: Value,
    #[serde(default, skip_serializing_if = "CallOptions::is_default")]
    pub options: CallOptions,
}

/// How a call is sent, as the page's send options have it (`{region, via: "dax",
/// accessKeyId}`); all absent, to the home region's tables as the account's administrator.
/// A native driver sends a call `via` DAX with `Engine::dispatch_via_dax`, any other with
/// `Engine::dispatch_in`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallOptions {
    /// The region it is addressed to; absent, the engine's home region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `"dax"`: through the DAX cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// Signed as the principal with this access key id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
}

impl CallOptions {
    pub fn new(region: Option<&str>, via: Option<Via>, access_key_id: Option<&str>) -> Self {
        CallOptions {
            region: region.map(str::to_owned),
            via: via.map(|v| v.name().to_owned()),
            access_key_id: access_key_id.map(str::to_owned),
        }
    }

    /// Sent as any request is: home region, no DAX, no principal.
    pub fn is_default(&self) -> bool {
        *self == CallOptions::default()
    }

    /// Whether the call goes through the DAX cluster.
    pub fn via_dax(&self) -> bool {
        self.via.as_deref() == Some(Via::Dax.name())
    }
}

/// What a request came to: the response, or the error's wire shape.
pub type Outcome = Result<Value, Value>;

/// How one step went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    pub title: String,
    pub ok: bool,
    /// What the step expects, in words.
    pub expected: String,
    /// What came back, as the checkpoints read it.
    pub actual: String,
    /// The values the step saved for later steps (`[[step.save]]`), by name.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub saved: Map<String, Value>,
}

/// How a whole scenario went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub id: String,
    pub ok: bool,
    pub steps: Vec<StepReport>,
}

/// What sets the engine up before the first step: a stepped clock (nothing moves unless a
/// step moves it), the scenario's simulation preset and seed, and tables that are ACTIVE
/// at once.
pub fn prelude(scenario: &Scenario) -> Vec<Call> {
    let preset = match scenario.simulation {
        Simulation::Off => "OFF",
        Simulation::Playground => "PLAYGROUND",
    };
    vec![
        Call {
            operation: "Dynoscope_SetClock".into(),
            body: json!({"Mode": "STEPPED"}),
            options: CallOptions::default(),
        },
        Call {
            operation: "Dynoscope_SetSimulation".into(),
            body: json!({"Preset": preset, "Seed": scenario.seed, "ControlPlaneMillis": 0}),
            options: CallOptions::default(),
        },
    ]
}

impl Step {
    /// The requests the step sends, in order (none for a step that only explains), with
    /// `saved` (what earlier steps saved) filling in their `{$name}`s.
    pub fn calls(&self, saved: &Map<String, Value>) -> Vec<Call> {
        let options = self.options();
        if let Some(request) = &self.request {
            return vec![Call {
                operation: request.operation.clone(),
                body: expand(&request.body, None, saved),
                options,
            }];
        }
        let Some(repeat) = &self.repeat else {
            return Vec::new();
        };
        (0..repeat.count)
            .map(|i| Call {
                operation: repeat.operation.clone(),
                body: expand(&repeat.body, Some(&i.to_string()), saved),
                options: options.clone(),
            })
            .collect()
    }

    /// Judges the outcomes of [`calls`](Self::calls), in the same order.
    pub fn judge(&self, outcomes: Vec<Outcome>) -> StepReport {
        let report = |ok: bool, expected: String, actual: String| StepReport {
            title: self.title.clone(),
            ok,
            expected,
            actual,
            saved: Map::new(),
        };
        if self.request.is_none() && self.repeat.is_none() {
            return report(true, String::new(), String::new());
        }
        let observation = if self.repeat.is_some() {
            summary(&outcomes)
        } else {
            match outcomes.into_iter().next() {
                Some(Ok(response)) => {
                    if let Some(error) = &self.error {
                        return report(
                            false,
                            format!("the request fails with {error}"),
                            format!("it succeeded: {response}"),
                        );
                    }
                    response
                }
                Some(Err(error)) => {
                    let kind = error_type(&error);
                    match &self.error {
                        Some(expected) if *expected == kind => error,
                        Some(expected) => {
                            return report(
                                false,
                                format!("the request fails with {expected}"),
                                format!("it failed with {kind}: {}", message(&error)),
                            );
                        }
                        None => {
                            return report(
                                false,
                                "the request succeeds".into(),
                                format!("{kind}: {}", message(&error)),
                            );
                        }
                    }
                }
                None => return report(false, "a response".into(), "nothing was sent".into()),
            }
        };
        let mut ok = true;
        let mut expected = Vec::new();
        let mut actual = Vec::new();
        if let Some(error) = &self.error {
            expected.push(format!("fails with {error}"));
            actual.push(format!("failed with {error}"));
        }
        for expect in &self.expects {
            let (holds, seen) = expect.evaluate(&observation);
            ok &= holds;
            expected.push(expect.says.clone());
            actual.push(format!("{} = {seen}", expect.path));
        }
        let mut saved = Map::new();
        for save in &self.saves {
            match pick(&save.path, &observation) {
                Ok(Value::Null) | Err(_) => {
                    ok = false;
                    expected.push(format!("a value to save as {}", save.name));
                    actual.push(format!("{} found nothing", save.path));
                }
                Ok(value) => {
                    saved.insert(save.name.clone(), value);
                }
            }
        }
        StepReport {
            saved,
            ..report(ok, expected.join("; "), actual.join("; "))
        }
    }
}

impl Expect {
    /// Whether the checkpoint holds on `observation`, and what its path picked (as JSON).
    pub fn evaluate(&self, observation: &Value) -> (bool, String) {
        let picked = match pick(&self.path, observation) {
            Ok(value) => value,
            Err(e) => return (false, e),
        };
        let seen = picked.to_string();
        let holds = if let Some(equals) = &self.equals {
            same(&picked, equals)
        } else if let Some(contains) = &self.contains {
            match (&picked, contains) {
                (Value::String(s), Value::String(part)) => s.contains(part.as_str()),
                (Value::Array(list), wanted) => list.iter().any(|v| same(v, wanted)),
                _ => false,
            }
        } else {
            picked.as_f64().is_some_and(|n| {
                self.at_least.is_none_or(|low| n >= low - 1e-9)
                    && self.at_most.is_none_or(|high| n <= high + 1e-9)
            })
        };
        (holds, seen)
    }
}

/// The value `path` picks from `data`.
fn pick(path: &str, data: &Value) -> Result<Value, String> {
    let expression = jmespath::compile(path).map_err(|e| format!("bad path: {e}"))?;
    let variable =
        jmespath::Variable::from_serializable(data).map_err(|e| format!("bad data: {e}"))?;
    let found = expression
        .search(variable)
        .map_err(|e| format!("path failed: {e}"))?;
    serde_json::to_value(&*found).map_err(|e| format!("unreadable result: {e}"))
}

/// Equal as JSON, numbers by value at any depth (so 1 and 1.0 agree).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => (x - y).abs() < 1e-9,
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// The error's type, the name after `#` in `__type`.
pub fn error_type(error: &Value) -> String {
    let full = error["__type"].as_str().unwrap_or_default();
    full.rsplit('#').next().unwrap_or(full).to_owned()
}

fn message(error: &Value) -> String {
    error
        .get("message")
        .or_else(|| error.get("Message"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The summary a repeated request is observed as.
fn summary(outcomes: &[Outcome]) -> Value {
    let mut errors = Map::new();
    let mut first_failure = Value::Null;
    for (i, outcome) in outcomes.iter().enumerate() {
        if let Err(error) = outcome {
            let count = errors.entry(error_type(error)).or_insert(json!(0));
            *count = json!(count.as_u64().unwrap_or(0) + 1);
            if first_failure.is_null() {
                first_failure = json!(i);
            }
        }
    }
    let failed: u64 = errors.values().filter_map(Value::as_u64).sum();
    let last = match outcomes.last() {
        Some(Ok(v)) | Some(Err(v)) => v.clone(),
        None => Value::Null,
    };
    json!({
        "Count": outcomes.len(),
        "Succeeded": outcomes.len() as u64 - failed,
        "Failed": failed,
        "Errors": errors,
        "FirstFailure": first_failure,
        "Last": last,
        "Responses": outcomes.iter().map(|o| match o {
            Ok(v) | Err(v) => v.clone(),
        }).collect::<Vec<_>>(),
    })
}

/// `body` with its placeholders expanded in every string (keys too): `{i}` becomes `number`
/// (in a repeated request; a value that is `{i}` alone becomes the number itself), `{$name}`
/// what an earlier step saved (a value that is `{$name}` alone becomes the saved JSON
/// itself, a map or a list included), and `{fill:N}` N `x`s, for an item of an exact size.
fn expand(body: &Value, number: Option<&str>, saved: &Map<String, Value>) -> Value {
    match body {
        // A value that is `{i}` alone is the number itself (a Segment, a Limit).
        Value::String(s) if s == "{i}" && number.is_some() => number
            .and_then(|n| n.parse::<u64>().ok())
            .map_or_else(|| body.clone(), |n| json!(n)),
        Value::String(s) if whole_saved(s, saved).is_some() => {
            whole_saved(s, saved).cloned().unwrap_or_default()
        }
        Value::String(s) => Value::String(expand_text(s, number, saved)),
        Value::Array(list) => Value::Array(list.iter().map(|v| expand(v, number, saved)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (expand_text(k, number, saved), expand(v, number, saved)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `name:seconds`, `name:seconds+N` or `name:seconds-N`: the saved milliseconds `name` (a
/// clock reading) as epoch seconds, moved by N seconds, for a TTL attribute.
fn epoch_seconds(spec: &str, saved: &Map<String, Value>) -> Option<i64> {
    let (name, rest) = spec.split_once(":seconds")?;
    let millis = saved.get(name)?.as_i64()?;
    let offset = match rest.chars().next() {
        None => 0,
        Some('+') => rest[1..].parse::<i64>().ok()?,
        Some('-') => -rest[1..].parse::<i64>().ok()?,
        Some(_) => return None,
    };
    Some(millis.div_euclid(1000) + offset)
}

/// The saved value a string names when it is `{$name}` and nothing else.
fn whole_saved<'a>(text: &str, saved: &'a Map<String, Value>) -> Option<&'a Value> {
    saved.get(text.strip_prefix("{$")?.strip_suffix('}')?)
}

/// The most characters one `{fill:N}` makes: DynamoDB's item size limit.
pub const MAX_FILL: usize = 400 * 1024;

fn expand_text(text: &str, number: Option<&str>, saved: &Map<String, Value>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        let Some(close) = tail.find('}') else {
            out.push_str(tail);
            return out;
        };
        let inner = &tail[1..close];
        let from_save = inner.strip_prefix('$').and_then(|name| saved.get(name));
        let seconds = inner
            .strip_prefix('$')
            .and_then(|spec| epoch_seconds(spec, saved));
        match (inner, number, inner.strip_prefix("fill:")) {
            ("i", Some(n), _) => out.push_str(n),
            _ if seconds.is_some() => out.push_str(&seconds.unwrap_or_default().to_string()),
            _ if from_save.is_some() => match from_save {
                Some(Value::String(text)) => out.push_str(text),
                Some(other) => out.push_str(&other.to_string()),
                None => {}
            },
            (_, _, Some(count)) if count.parse::<usize>().is_ok_and(|c| c <= MAX_FILL) => {
                out.push_str(&"x".repeat(count.parse().unwrap_or(0)))
            }
            _ => out.push_str(&tail[..=close]),
        }
        rest = &tail[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Plays `scenario` with `send`, which dispatches one request: the prelude, then every
/// step in order. Prelude failures end the run as a failed first step.
pub fn run(scenario: &Scenario, mut send: impl FnMut(&Call) -> Outcome) -> Report {
    let mut steps = Vec::new();
    for call in prelude(scenario) {
        if let Err(error) = send(&call) {
            steps.push(StepReport {
                title: "Set up the engine".into(),
                ok: false,
                expected: format!("{} succeeds", call.operation),
                actual: format!("{}: {}", error_type(&error), message(&error)),
                saved: Map::new(),
            });
            return Report {
                id: scenario.id.clone(),
                ok: false,
                steps,
            };
        }
    }
    let mut saved = Map::new();
    for step in &scenario.steps {
        let outcomes = step.calls(&saved).iter().map(&mut send).collect();
        let report = step.judge(outcomes);
        saved.extend(report.saved.clone());
        steps.push(report);
    }
    Report {
        id: scenario.id.clone(),
        ok: steps.iter().all(|s| s.ok),
        steps,
    }
}
