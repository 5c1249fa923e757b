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
use crate::model::{self, Service};
use crate::render::{self, Format, Out};

/// One request to send: `operation` under the target prefix `target`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub target: String,
    pub operation: String,
    pub request: Value,
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
    /// Finished: print this.
    Done { printed: Printed },
}

/// A run in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Run {
    invocation: Invocation,
    request: Value,
    retries: u32,
    /// The pages so far, already cut to `--max-items`.
    pages: Vec<Value>,
    total_items: usize,
    starting_truncation: usize,
    /// The paging token the request in flight was made with.
    token: Map<String, Value>,
    /// Where to pick up again, when `--max-items` cut the results short.
    resume: Option<Map<String, Value>>,
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

/// The first call of `invocation`, or what to print when its starting token is unreadable.
pub fn begin(invocation: Invocation) -> Step {
    let mut request = invocation.request.clone();
    let mut token = Map::new();
    let mut starting_truncation = 0;
    if let Some(paging) = &invocation.paging {
        let paginator = paginator(&invocation);
        if let (Some(size), Some(limit)) = (paging.page_size, &paginator.limit_key) {
            request[limit] = Value::from(size);
        }
        if let Some(text) = &paging.starting_token {
            match decode_token(text) {
                Some(decoded) => token = decoded,
                None => {
                    return Step::Done {
                        printed: Printed::error(255, format!("\nBad starting token: {text}\n")),
                    };
                }
            }
            starting_truncation = token
                .get("boto_truncate_amount")
                .and_then(Value::as_u64)
                .unwrap_or(0) as usize;
            if let Some(start) = token.get(&paginator.input_token).filter(|v| !v.is_null()) {
                request[paginator.input_token.as_str()] = start.clone();
            }
        }
    }
    let run = Run {
        invocation,
        request,
        retries: 0,
        pages: Vec::new(),
        total_items: 0,
        starting_truncation,
        token,
        resume: None,
    };
    run.send()
}

impl Run {
    fn send(self) -> Step {
        let service = service_of(&self.invocation);
        let call = Call {
            target: service.target_prefix.clone(),
            operation: self.invocation.operation.clone(),
            request: self.request.clone(),
        };
        Step::Send {
            call,
            run: Box::new(self),
        }
    }

    /// Takes the outcome of the call just sent.
    pub fn resume(mut self, outcome: Result<Value, Failure>) -> Step {
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
        Step::Done {
            printed: Printed::error(254, text),
        }
    }

    fn take_page(mut self, mut page: Value) -> Step {
        let invocation = self.invocation.clone();
        let paginator = paginator(&invocation);
        let paging = invocation.paging.as_ref().expect("a paged run");
        let primary = &paginator.result_key[0];
        if self.pages.is_empty() {
            if self.starting_truncation > 0 {
                drop_first(&mut page, primary, self.starting_truncation);
                for key in &paginator.result_key[1..] {
                    if let Some(value) = page.get_mut(key) {
                        *value = empty_like(value);
                    }
                }
            }
        } else {
            self.starting_truncation = 0;
        }
        let count = page
            .get(primary)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if let Some(max) = paging.max_items
            && self.total_items + count > max
        {
            let keep = max - self.total_items;
            if let Some(Value::Array(items)) = page.get_mut(primary) {
                items.truncate(keep);
            }
            let mut resume = self.token.clone();
            resume.insert(
                "boto_truncate_amount".into(),
                Value::from(keep + self.starting_truncation),
            );
            self.resume = Some(resume);
            self.pages.push(page);
            return self.finish();
        }
        self.total_items += count;
        let next = page
            .get(&paginator.output_token)
            .cloned()
            .unwrap_or(Value::Null);
        self.pages.push(page);
        if next.is_null() {
            return self.finish();
        }
        let mut token = Map::new();
        token.insert(paginator.input_token.clone(), next.clone());
        if paging.max_items == Some(self.total_items) {
            self.resume = Some(token);
            return self.finish();
        }
        if self.token == token {
            return Step::Done {
                printed: Printed::error(
                    255,
                    format!("\nThe same next token was received twice: {next}\n"),
                ),
            };
        }
        self.request[paginator.input_token.as_str()] = next;
        self.token = token;
        self.send()
    }

    fn finish(self) -> Step {
        let printed = match self.print() {
            Ok(stdout) => Printed::out(stdout),
            Err(message) => Printed::error(255, format!("\n{message}\n")),
        };
        Step::Done { printed }
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

fn drop_first(page: &mut Value, key: &str, n: usize) {
    if let Some(Value::Array(items)) = page.get_mut(key) {
        items.drain(..n.min(items.len()));
    }
}

fn empty_like(value: &Value) -> Value {
    match value {
        Value::Array(_) => Value::Array(Vec::new()),
        Value::String(_) => Value::String(String::new()),
        Value::Number(_) => Value::from(0),
        _ => Value::Null,
    }
}

fn add(a: &serde_json::Number, b: &serde_json::Number) -> serde_json::Number {
    match (a.as_i64(), b.as_i64()) {
        (Some(x), Some(y)) => (x + y).into(),
        _ => serde_json::Number::from_f64(a.as_f64().unwrap_or(0.0) + b.as_f64().unwrap_or(0.0))
            .unwrap_or_else(|| 0.into()),
    }
}

/// A paging token as botocore writes one: the token's JSON, base64-encoded.
fn encode_token(token: &Map<String, Value>) -> String {
    STANDARD.encode(serde_json::to_string(token).expect("a token serializes"))
}

fn decode_token(text: &str) -> Option<Map<String, Value>> {
    let bytes = STANDARD.decode(text.trim()).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}
