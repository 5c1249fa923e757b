//! A response as the AWS CLI prints it. botocore reads a response into its output shape
//! (members in the model's order, unknown members dropped, timestamps as dates), `--query`
//! picks from that, and one of three formatters prints it: `json`, `text` or `table`.

mod east_asian;
mod json;
mod query;
mod table;
mod text;

use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

use crate::convert::days_from_civil;
use crate::model::{Kind, Service};

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Format {
    #[default]
    Json,
    Text,
    Table,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "json" => Some(Format::Json),
            "text" => Some(Format::Text),
            "table" => Some(Format::Table),
            _ => None,
        }
    }
}

/// A value as Python holds it after botocore parsed it: maps keep their order.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Null,
    Bool(bool),
    Num(Number),
    Str(String),
    List(Vec<Out>),
    Map(Vec<(String, Out)>),
}

impl Out {
    /// Python's truth: empty containers, "", 0, False and None are false.
    pub fn is_truthy(&self) -> bool {
        match self {
            Out::Null => false,
            Out::Bool(b) => *b,
            Out::Num(n) => n.as_f64() != Some(0.0),
            Out::Str(s) => !s.is_empty(),
            Out::List(items) => !items.is_empty(),
            Out::Map(pairs) => !pairs.is_empty(),
        }
    }

    pub fn is_scalar(&self) -> bool {
        !matches!(self, Out::List(_) | Out::Map(_))
    }

    pub fn get(&self, key: &str) -> Option<&Out> {
        match self {
            Out::Map(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Python's `str()` of a scalar (containers print as JSON).
    pub fn python_str(&self) -> String {
        match self {
            Out::Null => "None".into(),
            Out::Bool(true) => "True".into(),
            Out::Bool(false) => "False".into(),
            Out::Num(n) => number_text(n),
            Out::Str(s) => s.clone(),
            other => serde_json::to_string(&other.to_json()).unwrap_or_default(),
        }
    }

    /// The value as JSON (maps sorted, as serde_json keeps them).
    pub fn to_json(&self) -> Value {
        match self {
            Out::Null => Value::Null,
            Out::Bool(b) => Value::Bool(*b),
            Out::Num(n) => Value::Number(n.clone()),
            Out::Str(s) => Value::String(s.clone()),
            Out::List(items) => Value::Array(items.iter().map(Out::to_json).collect()),
            Out::Map(pairs) => Value::Object(
                pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// A value Python's `json.loads` read, in its order.
    pub fn from_python(value: crate::pyjson::Json) -> Out {
        use crate::pyjson::Json;
        match value {
            Json::Null => Out::Null,
            Json::Bool(b) => Out::Bool(b),
            Json::Number(n) => Out::Num(n),
            Json::String(s) => Out::Str(s),
            Json::Array(items) => Out::List(items.into_iter().map(Out::from_python).collect()),
            Json::Object(pairs) => Out::Map(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k, Out::from_python(v)))
                    .collect(),
            ),
        }
    }

    pub fn from_json(value: &Value) -> Out {
        match value {
            Value::Null => Out::Null,
            Value::Bool(b) => Out::Bool(*b),
            Value::Number(n) => Out::Num(n.clone()),
            Value::String(s) => Out::Str(s.clone()),
            Value::Array(items) => Out::List(items.iter().map(Out::from_json).collect()),
            Value::Object(map) => Out::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Out::from_json(v)))
                    .collect(),
            ),
        }
    }
}

/// What botocore makes of `value` read as `shape`.
pub fn from_response(service: &Service, shape: &str, value: &Value) -> Out {
    let shape = service.shape(shape);
    match (shape.kind, value) {
        (Kind::Structure, Value::Object(map)) => Out::Map(
            shape
                .members
                .iter()
                .filter_map(|(name, member)| {
                    map.get(name)
                        .map(|v| (name.clone(), from_response(service, member, v)))
                })
                .collect(),
        ),
        (Kind::List, Value::Array(items)) => {
            let member = shape.member.as_deref().expect("a list has a member");
            Out::List(
                items
                    .iter()
                    .map(|item| from_response(service, member, item))
                    .collect(),
            )
        }
        (Kind::Map, Value::Object(map)) => {
            let member = shape.value.as_deref().expect("a map has a value");
            Out::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), from_response(service, member, v)))
                    .collect(),
            )
        }
        (Kind::Timestamp, Value::Number(n)) => {
            Out::Str(n.as_f64().map(iso_timestamp).unwrap_or_default())
        }
        _ => Out::from_json(value),
    }
}

/// Applies `--query` to `data`.
pub fn query(expression: &str, data: &Out) -> Result<Out, String> {
    query::compile(expression)?.search(data)
}

/// Checks a `--query` expression as the CLI does when it reads it; the error is jmespath's.
pub fn compile_query(expression: &str) -> Result<(), String> {
    query::compile(expression).map(|_| ())
}

/// The printed output of `data` in `format`; `title` heads a table (the operation's name).
pub fn print(format: Format, title: &str, data: &Out) -> String {
    match format {
        Format::Json => json::print(data),
        Format::Text => text::print(data),
        Format::Table => table::print(title, data),
    }
}

fn number_text(n: &Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() => python_float(f),
        _ => n.to_string(),
    }
}

/// Python's `repr()` of a float: the shortest digits that read back, in fixed notation from
/// 1e-4 up to 1e16 (with `.0` when whole) and scientific notation (`1e+16`, `1e-05`) beyond.
pub fn python_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let scientific = format!("{f:e}");
    let (mantissa, exponent) = scientific.split_once('e').expect("{:e} has an exponent");
    let exponent: i32 = exponent.parse().expect("an integer exponent");
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if negative { "-" } else { "" };
    if (-4..16).contains(&exponent) {
        let point = exponent + 1;
        let body = if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            format!(
                "{}.{}",
                &digits[..point as usize],
                &digits[point as usize..]
            )
        };
        format!("{sign}{body}")
    } else {
        let (head, tail) = digits.split_at(1);
        let fraction = if tail.is_empty() {
            String::new()
        } else {
            format!(".{tail}")
        };
        let esign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{head}{fraction}e{esign}{:02}", exponent.abs())
    }
}

/// A timestamp as AWS CLI v2 prints it: ISO 8601 in UTC, microseconds when there are any.
pub fn iso_timestamp(seconds: f64) -> String {
    let micros_total = (seconds * 1e6).round_ties_even() as i64;
    let (whole, micros) = (
        micros_total.div_euclid(1_000_000),
        micros_total.rem_euclid(1_000_000),
    );
    let (days, secs) = (whole.div_euclid(86_400), whole.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    let clock = format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    );
    let fraction = if micros == 0 {
        String::new()
    } else {
        format!(".{micros:06}")
    };
    format!("{y:04}-{m:02}-{d:02}T{clock}{fraction}+00:00")
}

/// The date of a day count since 1970-01-01 (inverse of `days_from_civil`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    debug_assert_eq!(days_from_civil(y, m, d), days);
    (y, m, d)
}
