//! Running an invocation: the calls it makes and what it prints. A run is a value that goes
//! back and forth with the caller, which sends each call through dispatch and hands back the
//! outcome; so the console works where the engine lives elsewhere (a worker, another tab).
//! Paging follows botocore's paginator (`--page-size`, `--max-items`, `--starting-token`,
//! results merged, `NextToken` when cut short); throttling and server errors are retried
//! twice, as the CLI's standard retry mode does, before the error is printed.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Printed;
use crate::command::Invocation;
use crate::model::{self, Paginator, Service};
use crate::render::{self, Format, Out};
use crate::{convert, pyjson, validate};

/// One request to send: `operation` under the target prefix `target`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub target: String,
    pub operation: String,
    pub request: Value,
    /// The region it is sent to, when the line named another than the engine's home region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// An error response: the code (the part of `__type` after `#`) and the message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub code: String,
    pub message: String,
}

impl Failure {
    /// Reads DynamoDB's error body (`{"__type": "...#Code", "message": "..."}`).
    pub fn from_body(body: &Value) -> Failure {
        let kind = body
            .get("__type")
            .and_then(Value::as_str)
            .unwrap_or("UnknownError");
        let code = kind.rsplit('#').next().unwrap_or(kind).to_owned();
        let message = body
            .get("message")
            .or_else(|| body.get("Message"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Failure { code, message }
    }
}

/// The next thing to do.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "step")]
pub enum Step {
    /// Send `call`, then hand its outcome to `resume` with `run`.
    Send { call: Call, run: Box<Run> },
    /// Finished: print this. `calls` are the requests the run sent, in order.
    Done { printed: Printed, calls: Vec<Call> },
}

/// A run in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Run {
    invocation: Invocation,
    request: Value,
    retries: u32,
    /// The pages so far, already cut to `--max-items`.
    pages: Vec<Value>,
    total_items: i64,
    starting_truncation: i64,
    /// The paging token the request in flight was made with.
    token: Map<String, Value>,
    /// Where to pick up again, when `--max-items` cut the results short.
    resume: Option<Map<String, Value>>,
    /// The requests sent so far.
    sent: Vec<Call>,
    /// A waiter's attempts so far, and whether an acceptor has matched yet.
    #[serde(default)]
    attempts: u32,
    #[serde(default)]
    accepted: bool,
}

const MAX_RETRIES: u32 = 2;

const RETRYABLE: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "TransactionInProgressException",
    "LimitExceededException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "InternalServerError",
    "ServiceUnavailable",
];

fn service_of(invocation: &Invocation) -> &'static Service {
    model::service(&invocation.service).expect("an invocation names a known service")
}

/// The first call of `invocation`. Its request already holds the page size and what the
/// starting token carries (put there before botocore's validation, as botocore does).
pub fn begin(invocation: Invocation) -> Step {
    let request = invocation.request.clone();
    let (token, starting_truncation) = match &invocation.paging {
        Some(paging) => (paging.token.clone(), paging.truncation),
        None => (Map::new(), 0),
    };
    let run = Run {
        invocation,
        request,
        retries: 0,
        pages: Vec::new(),
        total_items: 0,
        starting_truncation,
        token,
        resume: None,
        sent: Vec::new(),
        attempts: 0,
        accepted: false,
    };
    run.send()
}

impl Run {
    fn send(mut self) -> Step {
        let service = service_of(&self.invocation);
        let call = Call {
            target: service.target_prefix.clone(),
            operation: self.invocation.operation.clone(),
            request: self.request.clone(),
            region: self.invocation.region.clone(),
        };
        self.sent.push(call.clone());
        Step::Send {
            call,
            run: Box::new(self),
        }
    }

    /// Takes the outcome of the call just sent.
    pub fn resume(mut self, outcome: Result<Value, Failure>) -> Step {
        let throttled = matches!(&outcome, Err(f) if RETRYABLE.contains(&f.code.as_str()))
            && self.retries < MAX_RETRIES;
        if self.invocation.waiter.is_some() && !throttled {
            return self.wait(outcome);
        }
        let page = match outcome {
            Ok(page) => page,
            Err(failure)
                if RETRYABLE.contains(&failure.code.as_str()) && self.retries < MAX_RETRIES =>
            {
                self.retries += 1;
                return self.send();
            }
            Err(failure) => return self.failed(failure),
        };
        self.retries = 0;
        if self.invocation.paging.is_none() {
            self.pages.push(page);
            return self.finish();
        }
        self.take_page(page)
    }

    /// One answer to a waiter: done, failed, or sent again (at most its `maxAttempts`).
    fn wait(mut self, outcome: Result<Value, Failure>) -> Step {
        let service = service_of(&self.invocation);
        let name = self.invocation.waiter.clone().unwrap_or_default();
        let waiter = &service.waiters[&name];
        self.retries = 0;
        self.attempts += 1;
        let reason = match crate::wait::decide(waiter, &outcome) {
            crate::wait::Decision::Success => {
                return Step::Done {
                    printed: Printed::default(),
                    calls: self.sent,
                };
            }
            crate::wait::Decision::Failed(reason) => reason,
            crate::wait::Decision::Again {
                matched,
                explanation,
            } => {
                self.accepted |= matched;
                if self.attempts < waiter.max_attempts {
                    return self.send();
                }
                if self.accepted {
                    format!("Max attempts exceeded. Previously accepted state: {explanation}")
                } else {
                    "Max attempts exceeded".to_owned()
                }
            }
        };
        Step::Done {
            printed: Printed::error(255, format!("\nWaiter {name} failed: {reason}\n")),
            calls: self.sent,
        }
    }

    fn failed(self, failure: Failure) -> Step {
        let retried = if self.retries > 0 {
            format!(" (reached max retries: {})", self.retries)
        } else {
            String::new()
        };
        let text = format!(
            "\nAn error occurred ({}) when calling the {} operation{retried}: {}\n",
            failure.code, self.invocation.operation, failure.message
        );
        self.done(Printed::error(254, text))
    }

    /// Finished with `printed`, after any warning the command gave before it sent anything.
    fn done(self, mut printed: Printed) -> Step {
        printed.stderr.insert_str(0, &self.invocation.warning);
        Step::Done {
            printed,
            calls: self.sent,
        }
    }

    /// One page of a paged run, as botocore's `PageIterator` takes it: the first page loses
    /// what the starting token says was already printed, `--max-items` cuts the results (as a
    /// Python slice, so a non-positive count cuts from the end) and leaves a token to resume
    /// from, and otherwise the next page is asked for while there is one.
    fn take_page(mut self, mut page: Value) -> Step {
        let invocation = self.invocation.clone();
        let paginator = paginator(&invocation);
        let paging = invocation.paging.as_ref().expect("a paged run");
        let primary = &paginator.result_key[0];
        if self.pages.is_empty() {
            if paging.starting_token.is_some() {
                if let Some(Value::Array(items)) = page.get_mut(primary) {
                    let from = python_index(self.starting_truncation, items.len());
                    items.drain(..from);
                }
                // The other results of a page cut into: lists and strings start empty, numbers
                // (a Count) stay what the service said.
                for key in &paginator.result_key[1..] {
                    if let Some(value) = page.get_mut(key) {
                        match value {
                            Value::Array(items) => items.clear(),
                            Value::String(text) => text.clear(),
                            Value::Number(_) => {}
                            other => *other = Value::Null,
                        }
                    }
                }
            }
        } else {
            self.starting_truncation = 0;
        }
        let count = page
            .get(primary)
            .and_then(Value::as_array)
            .map_or(0, Vec::len) as i64;
        if let Some(max) = paging.max_items
            && self.total_items + count - max > 0
        {
            let keep = count - (self.total_items + count - max);
            if let Some(Value::Array(items)) = page.get_mut(primary) {
                let end = python_index(keep, items.len());
                items.truncate(end);
            }
            let mut resume = self.token.clone();
            resume.insert(
                "boto_truncate_amount".into(),
                Value::from(keep + self.starting_truncation),
            );
            self.pages.push(page);
            return self.resume_from(resume, paginator);
        }
        self.total_items += count;
        let next = page
            .get(&paginator.output_token)
            .filter(|token| is_python_truthy(token))
            .cloned()
            .unwrap_or(Value::Null);
        self.pages.push(page);
        if next.is_null() {
            return self.finish();
        }
        let mut token = Map::new();
        token.insert(paginator.input_token.clone(), next.clone());
        if paging.max_items == Some(self.total_items) {
            return self.resume_from(token, paginator);
        }
        if self.token == token {
            let text = format!(
                "\nThe same next token was received twice: {}\n",
                validate::python_repr(&Value::Object(token))
            );
            return self.done(Printed::error(255, text));
        }
        self.request[paginator.input_token.as_str()] = next;
        self.token = token;
        self.send()
    }

    /// Ends the run with `token` to resume from. botocore insists that a token carries the
    /// paginator's input tokens (and the truncation), no more and no fewer.
    fn resume_from(mut self, token: Map<String, Value>, paginator: &Paginator) -> Step {
        let mut expected = vec![paginator.input_token.as_str()];
        if token.contains_key("boto_truncate_amount") {
            expected.push("boto_truncate_amount");
        }
        expected.sort_unstable();
        let mut keys: Vec<&str> = token.keys().map(String::as_str).collect();
        keys.sort_unstable();
        if keys != expected {
            let text = format!(
                "\nBad starting token: {}\n",
                validate::python_repr(&Value::Object(token))
            );
            return self.done(Printed::error(255, text));
        }
        self.resume = Some(token);
        self.finish()
    }

    fn finish(self) -> Step {
        let printed = match self.print() {
            Ok(stdout) => Printed::out(stdout),
            Err(message) => Printed::error(255, format!("\n{message}\n")),
        };
        self.done(printed)
    }

    fn print(&self) -> Result<String, String> {
        let invocation = &self.invocation;
        let service = service_of(invocation);
        let operation = &service.operations[&invocation.operation];
        let read = |page: &Value| match &operation.output {
            Some(shape) => render::from_response(service, shape, page),
            None => Out::Map(Vec::new()),
        };
        let pick = |data: Out| match &invocation.query {
            Some(query) => render::query(query, &data),
            None => Ok(data),
        };
        let title = invocation.operation.as_str();
        if invocation.paging.is_none() {
            let data = pick(read(&self.pages[0]))?;
            return Ok(render::print(invocation.format, title, &data));
        }
        let paginator = paginator(invocation);
        let pages: Vec<Out> = self.pages.iter().map(read).collect();
        let non_aggregate: Vec<(String, Out)> = paginator
            .non_aggregate_keys
            .iter()
            .map(|key| (key.clone(), pages[0].get(key).cloned().unwrap_or(Out::Null)))
            .collect();
        let resume = self.resume.as_ref().map(encode_token);
        if invocation.format == Format::Text {
            let mut text = String::new();
            for (i, page) in pages.iter().enumerate() {
                let mut current = if i == 0 {
                    non_aggregate.clone()
                } else {
                    Vec::new()
                };
                for key in &paginator.result_key {
                    current.push((key.clone(), page.get(key).cloned().unwrap_or(Out::Null)));
                }
                text.push_str(&render::print(
                    Format::Text,
                    title,
                    &pick(Out::Map(current))?,
                ));
            }
            if let Some(token) = resume {
                let inner = Out::Map(vec![("NextToken".into(), Out::Str(token))]);
                let data = pick(Out::Map(vec![("NextToken".into(), inner)]))?;
                text.push_str(&render::print(Format::Text, title, &data));
            }
            return Ok(text);
        }
        let mut full: Vec<(String, Out)> = Vec::new();
        for key in &paginator.result_key {
            let mut merged: Option<Out> = None;
            for value in pages.iter().filter_map(|page| page.get(key)) {
                merged = Some(match (merged, value) {
                    (None, value) => value.clone(),
                    (Some(Out::List(mut all)), Out::List(more)) => {
                        all.extend(more.iter().cloned());
                        Out::List(all)
                    }
                    (Some(Out::Num(a)), Out::Num(b)) => Out::Num(add(&a, b)),
                    (Some(other), _) => other,
                });
            }
            if let Some(merged) = merged {
                full.push((key.clone(), merged));
            }
        }
        full.extend(non_aggregate);
        if let Some(token) = resume {
            full.push(("NextToken".into(), Out::Str(token)));
        }
        let data = pick(Out::Map(full))?;
        Ok(render::print(invocation.format, title, &data))
    }
}

fn paginator(invocation: &Invocation) -> &'static crate::model::Paginator {
    service_of(invocation).operations[&invocation.operation]
        .paginator
        .as_ref()
        .expect("a paged invocation has a paginator")
}

/// Where a Python slice bound `n` falls in a list of `len`: from the end when negative.
fn python_index(n: i64, len: usize) -> usize {
    let len = len as i64;
    let at = if n < 0 { (len + n).max(0) } else { n.min(len) };
    at as usize
}

/// Python's truth of a token: empty strings and containers, zero, false and null are none.
fn is_python_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
    }
}

fn add(a: &serde_json::Number, b: &serde_json::Number) -> serde_json::Number {
    match (a.as_i64(), b.as_i64()) {
        (Some(x), Some(y)) => (x + y).into(),
        _ => serde_json::Number::from_f64(a.as_f64().unwrap_or(0.0) + b.as_f64().unwrap_or(0.0))
            .unwrap_or_else(|| 0.into()),
    }
}

/// A paging token as botocore writes one: `json.dumps` of the token, base64-encoded.
fn encode_token(token: &Map<String, Value>) -> String {
    STANDARD.encode(pyjson::dumps(&Value::Object(token.clone())))
}

/// A starting token as botocore reads it: the paging parameters it carries and how many
/// results of the first page it skips. A token that is not base64 JSON is read the old way,
/// `value___skip`, as the value of the paginator's input token.
pub fn parse_starting_token(
    text: &str,
    paginator: &Paginator,
) -> Result<(Map<String, Value>, i64), String> {
    if let Some(decoded) = decode_token(text) {
        let mut token = match decoded {
            Value::Object(map) => map,
            other => {
                return Err(format!(
                    "'{}' object has no attribute 'pop'",
                    python_type_name(&other)
                ));
            }
        };
        token.remove("boto_encoded_keys");
        let truncation = token
            .remove("boto_truncate_amount")
            .and_then(|n| n.as_i64())
            .unwrap_or(0);
        return Ok((token, truncation));
    }
    let mut parts: Vec<&str> = text.split("___").collect();
    let mut truncation = 0;
    if parts.len() == 2 {
        match convert::python_int(parts[1]) {
            Some(n) => {
                truncation = n;
                parts.pop();
            }
            None => parts = vec![text],
        }
    }
    if parts.len() > 1 {
        return Err(format!("Bad starting token: {text}"));
    }
    let value = match parts[0] {
        "None" => Value::Null,
        part => Value::String(part.to_owned()),
    };
    let mut token = Map::new();
    token.insert(paginator.input_token.clone(), value);
    Ok((token, truncation))
}

fn python_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// base64 (characters outside its alphabet ignored, as Python's `b64decode` ignores them),
/// then UTF-8, then JSON; `None` when any step fails.
fn decode_token(text: &str) -> Option<Value> {
    let kept: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect();
    let bytes = STANDARD.decode(kept).ok()?;
    let json = String::from_utf8(bytes).ok()?;
    pyjson::loads(&json).ok()
}
