//! The checks botocore makes before a request leaves the AWS CLI, with its words: missing
//! required parameters, unknown parameters, wrong types and values under a minimum. All
//! problems are gathered and reported together under "Parameter validation failed:".

use serde_json::Value;

use crate::model::{Kind, Service};

/// Every problem with `params` against the input shape `shape`; empty when there is none.
pub fn validate(service: &Service, shape: &str, params: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(service, shape, params, "input", &mut errors);
    errors
}

fn check(service: &Service, shape_name: &str, value: &Value, name: &str, errors: &mut Vec<String>) {
    let shape = service.shape(shape_name);
    match shape.kind {
        Kind::Structure => {
            let Some(map) = value.as_object() else {
                return errors.push(invalid_type(name, value, "<class 'dict'>"));
            };
            for required in &shape.required {
                if !map.contains_key(required) {
                    errors.push(format!(
                        "Missing required parameter in {name}: \"{required}\""
                    ));
                }
            }
            for (key, v) in map {
                match service.member(shape, key) {
                    Some(member) => check(service, member, v, &child(name, key), errors),
                    None => errors.push(format!(
                        "Unknown parameter in {name}: \"{key}\", must be one of: {}",
                        shape
                            .members
                            .iter()
                            .map(|(n, _)| n.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                }
            }
        }
        Kind::List => {
            let Some(items) = value.as_array() else {
                return errors.push(invalid_type(name, value, "<class 'list'>, <class 'tuple'>"));
            };
            check_length(items.len(), shape.min, name, errors);
            let member = shape.member.as_deref().expect("a list has a member");
            for (i, item) in items.iter().enumerate() {
                check(service, member, item, &format!("{name}[{i}]"), errors);
            }
        }
        Kind::Map => {
            let Some(map) = value.as_object() else {
                return errors.push(invalid_type(name, value, "<class 'dict'>"));
            };
            let member = shape.value.as_deref().expect("a map has a value");
            for (key, v) in map {
                check(service, member, v, &format!("{name}.{key}"), errors);
            }
        }
        Kind::String => match value.as_str() {
            Some(text) => check_length(text.chars().count(), shape.min, name, errors),
            None => errors.push(invalid_type(name, value, "<class 'str'>")),
        },
        Kind::Integer | Kind::Long => match value.as_i64() {
            Some(n) => check_minimum(value, n as f64, shape.min, name, errors),
            None => errors.push(invalid_type(name, value, "<class 'int'>")),
        },
        Kind::Double => match value.as_f64() {
            Some(n) => check_minimum(value, n, shape.min, name, errors),
            None => errors.push(invalid_type(
                name,
                value,
                "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>",
            )),
        },
        Kind::Boolean => {
            if !value.is_boolean() {
                errors.push(invalid_type(name, value, "<class 'bool'>"));
            }
        }
        Kind::Blob => {
            if !value.is_string() {
                errors.push(invalid_type(
                    name,
                    value,
                    "<class 'bytes'>, <class 'bytearray'>, file-like object",
                ));
            }
        }
        Kind::Timestamp => {
            if !(value.is_string() || value.is_number()) {
                errors.push(invalid_type(
                    name,
                    value,
                    "<class 'datetime.datetime'>, timestamp-string",
                ));
            }
        }
    }
}

fn child(parent: &str, name: &str) -> String {
    if parent == "input" {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

fn check_length(length: usize, min: Option<f64>, name: &str, errors: &mut Vec<String>) {
    if let Some(min) = min.filter(|&min| (length as f64) < min) {
        errors.push(format!(
            "Invalid length for parameter {name}, value: {length}, valid min length: {}",
            min as i64
        ));
    }
}

fn check_minimum(value: &Value, n: f64, min: Option<f64>, name: &str, errors: &mut Vec<String>) {
    if let Some(min) = min.filter(|&min| n < min) {
        errors.push(format!(
            "Invalid value for parameter {name}, value: {}, valid min value: {}",
            python_repr(value),
            min as i64
        ));
    }
}

fn invalid_type(name: &str, value: &Value, valid: &str) -> String {
    format!(
        "Invalid type for parameter {name}, value: {}, type: {}, valid types: {valid}",
        python_str(value),
        python_type(value)
    )
}

pub(crate) fn python_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "<class 'NoneType'>",
        Value::Bool(_) => "<class 'bool'>",
        Value::Number(n) if n.is_f64() => "<class 'float'>",
        Value::Number(_) => "<class 'int'>",
        Value::String(_) => "<class 'str'>",
        Value::Array(_) => "<class 'list'>",
        Value::Object(_) => "<class 'dict'>",
    }
}

/// Python's `str()` of the value the CLI would hold: strings bare, containers as their repr.
fn python_str(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => python_repr(other),
    }
}

/// Python's `repr()` of a JSON value.
pub fn python_repr(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => crate::render::python_float(f),
            _ => n.to_string(),
        },
        Value::String(text) => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'")),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(python_repr).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("'{k}': {}", python_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
