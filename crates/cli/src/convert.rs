//! From what was typed to what is sent: the model decides what a shorthand value means (a list
//! of one where a list is expected, numbers and booleans from their text, as the AWS CLI's
//! back-compatibility pass does), and every value on its way out is put in wire form (blobs in
//! base64, timestamps as epoch seconds).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Number, Value};

use crate::model::{Kind, Service};

/// How blob values are typed: `base64` (AWS CLI v2's default) or `raw-in-base64-out`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum BinaryFormat {
    #[default]
    Base64,
    Raw,
}

/// The AWS CLI's reading of a shorthand value against its shape (its `BackCompatVisitor`): a
/// single value where a list is expected becomes a list of one; numbers are read with Python's
/// `int()` and `float()`, whose refusal is the error; booleans from "true" and "false" (other
/// text is left for validation to name).
pub fn back_compat(service: &Service, shape: &str, value: &mut Value) -> Result<(), String> {
    let shape = service.shape(shape);
    match shape.kind {
        Kind::Structure => {
            if let Value::Object(map) = value {
                for (name, member) in &shape.members {
                    if let Some(v) = map.get_mut(name) {
                        back_compat(service, member, v)?;
                    }
                }
            }
        }
        Kind::List => {
            let member = shape.member.as_deref().expect("a list has a member");
            match value {
                Value::Array(items) => {
                    for item in items {
                        back_compat(service, member, item)?;
                    }
                }
                Value::Null => {}
                other => *other = Value::Array(vec![other.take()]),
            }
        }
        Kind::Map => {
            let member = shape.value.as_deref().expect("a map has a value");
            if let Value::Object(map) = value {
                for v in map.values_mut() {
                    back_compat(service, member, v)?;
                }
            }
        }
        Kind::Integer | Kind::Long => match value {
            Value::String(text) => {
                let n = python_int(text).ok_or_else(|| {
                    format!(
                        "invalid literal for int() with base 10: {}",
                        crate::help::python_str_repr(text)
                    )
                })?;
                *value = Value::from(n);
            }
            Value::Null => {}
            other => {
                return Err(format!(
                    "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                    python_type_name(other)
                ));
            }
        },
        Kind::Double => match value {
            Value::String(text) => {
                let n = python_float(text).ok_or_else(|| {
                    format!(
                        "could not convert string to float: {}",
                        crate::help::python_str_repr(text)
                    )
                })?;
                *value = Value::Number(n);
            }
            Value::Null => {}
            other => {
                return Err(format!(
                    "float() argument must be a string or a real number, not '{}'",
                    python_type_name(other)
                ));
            }
        },
        Kind::Boolean => {
            if let Some(text) = value.as_str() {
                match text.to_lowercase().as_str() {
                    "true" => *value = Value::Bool(true),
                    "false" => *value = Value::Bool(false),
                    _ => {}
                }
            }
        }
        Kind::String | Kind::Blob | Kind::Timestamp => {}
    }
    Ok(())
}

/// The name of the Python type a shorthand value is read into.
fn python_type_name(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
        Value::String(_) => "str",
        _ => "NoneType",
    }
}

/// Python's `int(text)`: surrounding whitespace, a sign, then digits (single underscores
/// between them allowed).
pub fn python_int(text: &str) -> Option<i64> {
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    underscored_digits(digits, |c| c.is_ascii_digit())?;
    trimmed.replace('_', "").parse().ok()
}

/// Python's `float(text)` where the result is a JSON number (not `nan` or `inf`).
pub fn python_float(text: &str) -> Option<Number> {
    let trimmed = text.trim();
    let body = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    underscored_digits(body, |c| {
        c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')
    })?;
    trimmed
        .replace('_', "")
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
}

/// `Some` when `text` is made of `allowed` characters with single underscores between digits.
fn underscored_digits(text: &str, allowed: impl Fn(char) -> bool) -> Option<()> {
    let chars: Vec<char> = text.chars().collect();
    let ok = !chars.is_empty()
        && chars.iter().enumerate().all(|(i, &c)| {
            allowed(c)
                || (c == '_'
                    && i > 0
                    && chars[i - 1].is_ascii_digit()
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        });
    ok.then_some(())
}

/// Puts blobs and timestamps in wire form, in place. An error names the parameter's path.
pub fn to_wire(
    service: &Service,
    shape: &str,
    value: &mut Value,
    path: &str,
    binary: BinaryFormat,
) -> Result<(), String> {
    let shape = service.shape(shape);
    match (shape.kind, value) {
        (Kind::Structure, Value::Object(map)) => {
            for (name, member) in &shape.members {
                if let Some(v) = map.get_mut(name) {
                    to_wire(service, member, v, &join(path, name), binary)?;
                }
            }
        }
        (Kind::List, Value::Array(items)) => {
            let member = shape.member.as_deref().expect("a list has a member");
            for (i, item) in items.iter_mut().enumerate() {
                to_wire(service, member, item, &format!("{path}[{i}]"), binary)?;
            }
        }
        (Kind::Map, Value::Object(map)) => {
            let member = shape.value.as_deref().expect("a map has a value");
            for (key, v) in map.iter_mut() {
                to_wire(service, member, v, &join(path, key), binary)?;
            }
        }
        (Kind::Blob, Value::String(text)) => match binary {
            BinaryFormat::Raw => *text = STANDARD.encode(text.as_bytes()),
            BinaryFormat::Base64 => {
                if STANDARD.decode(text.as_bytes()).is_err() {
                    return Err(format!(
                        "Invalid base64: \"{text}\" for parameter {path}. Blob values are base64 by default; add --cli-binary-format raw-in-base64-out to type raw text."
                    ));
                }
            }
        },
        (Kind::Timestamp, value @ Value::String(_)) => {
            let text = value.as_str().unwrap_or_default();
            let seconds = parse_timestamp(text).ok_or_else(|| {
                format!("Invalid timestamp for parameter {path}: \"{text}\". Use epoch seconds or ISO 8601, e.g. 2026-12-04T10:00:00Z.")
            })?;
            *value = Number::from_f64(seconds).map_or(Value::Null, Value::Number);
        }
        _ => {}
    }
    Ok(())
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// Epoch seconds from epoch seconds or an ISO 8601 date-time (UTC unless an offset is given).
pub fn parse_timestamp(text: &str) -> Option<f64> {
    if let Ok(seconds) = text.trim().parse::<f64>() {
        return Some(seconds);
    }
    let text = text.trim();
    let (date, time) = text.split_once(['T', ' ']).unwrap_or((text, "00:00:00Z"));
    let mut ymd = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (ymd.next()??, ymd.next()??, ymd.next()??);
    let (clock, offset) = split_offset(time)?;
    let mut hms = clock.splitn(3, ':');
    let hours: i64 = hms.next()?.parse().ok()?;
    let minutes: i64 = hms.next().unwrap_or("0").parse().ok()?;
    let seconds: f64 = hms.next().unwrap_or("0").parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hours > 23 || minutes > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some((days * 86_400 + hours * 3_600 + minutes * 60 - offset) as f64 + seconds)
}

/// Splits `10:00:00+02:00` into the clock and the offset in seconds east of UTC.
fn split_offset(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    match time.rfind(['+', '-']) {
        Some(at) => {
            let (clock, offset) = time.split_at(at);
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let (h, m) = offset[1..].split_once(':').unwrap_or((&offset[1..], "0"));
            Some((
                clock,
                sign * (h.parse::<i64>().ok()? * 3_600 + m.parse::<i64>().ok()? * 60),
            ))
        }
        None => Some((time, 0)),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
