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

/// The AWS CLI's reading of a shorthand value against its shape: a single value where a list
/// is expected becomes a list of one; numbers and booleans are read from their text. Text that
/// is not a number is left alone for validation to name.
pub fn back_compat(service: &Service, shape: &str, value: &mut Value) {
    let shape = service.shape(shape);
    match shape.kind {
        Kind::Structure => {
            if let Value::Object(map) = value {
                for (name, member) in &shape.members {
                    if let Some(v) = map.get_mut(name) {
                        back_compat(service, member, v);
                    }
                }
            }
        }
        Kind::List => {
            let member = shape.member.as_deref().expect("a list has a member");
            match value {
                Value::Array(items) => {
                    for item in items {
                        back_compat(service, member, item);
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
                    back_compat(service, member, v);
                }
            }
        }
        Kind::Integer | Kind::Long => {
            if let Some(n) = value.as_str().and_then(|t| t.trim().parse::<i64>().ok()) {
                *value = Value::from(n);
            }
        }
        Kind::Double => {
            if let Some(n) = value
                .as_str()
                .and_then(|t| t.trim().parse::<f64>().ok())
                .and_then(Number::from_f64)
            {
                *value = Value::Number(n);
            }
        }
        Kind::Boolean => {
            if let Some(text) = value.as_str() {
                match text.to_ascii_lowercase().as_str() {
                    "true" => *value = Value::Bool(true),
                    "false" => *value = Value::Bool(false),
                    _ => {}
                }
            }
        }
        Kind::String | Kind::Blob | Kind::Timestamp => {}
    }
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
