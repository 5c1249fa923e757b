//! [`At`]: a value of the resolved template with its path, read as the types CloudFormation
//! documents (numbers and booleans also as strings), every refusal naming the path.

use serde_json::{Map, Value};

use crate::error::ModelError;

/// A value in the resolved template and where it is, for errors.
pub(super) struct At<'a> {
    pub value: &'a Value,
    pub path: String,
}

impl<'a> At<'a> {
    pub fn new(value: &'a Value, path: &str) -> At<'a> {
        At {
            value,
            path: path.to_owned(),
        }
    }

    pub fn error(&self, message: impl Into<String>) -> ModelError {
        ModelError::at(&self.path, message)
    }

    pub fn object(&self) -> Result<&'a Map<String, Value>, ModelError> {
        self.value
            .as_object()
            .ok_or_else(|| self.error(format!("expected a mapping, found {}", kind_of(self.value))))
    }

    pub fn get(&self, key: &str) -> Option<At<'a>> {
        let value = self.value.as_object()?.get(key)?;
        Some(At {
            value,
            path: format!("{}.{key}", self.path),
        })
    }

    pub fn need(&self, key: &str) -> Result<At<'a>, ModelError> {
        self.object()?;
        self.get(key)
            .ok_or_else(|| ModelError::at(format!("{}.{key}", self.path), "missing"))
    }

    pub fn items(&self) -> Result<Vec<At<'a>>, ModelError> {
        let items = self
            .value
            .as_array()
            .ok_or_else(|| self.error(format!("expected a list, found {}", kind_of(self.value))))?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, value)| At {
                value,
                path: format!("{}[{i}]", self.path),
            })
            .collect())
    }

    pub fn text(&self) -> Result<String, ModelError> {
        match self.value {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            other => Err(self.error(format!("expected a string, found {}", kind_of(other)))),
        }
    }

    pub fn uint(&self) -> Result<u64, ModelError> {
        let parsed = match self.value {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        parsed.ok_or_else(|| {
            self.error(format!(
                "expected a whole number, found {}",
                shown(self.value)
            ))
        })
    }

    pub fn boolean(&self) -> Result<bool, ModelError> {
        match self.value {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
            other => Err(self.error(format!("expected true or false, found {}", shown(other)))),
        }
    }

    pub fn one_of(&self, allowed: &[&str]) -> Result<String, ModelError> {
        let text = self.text().ok().filter(|t| allowed.contains(&t.as_str()));
        text.ok_or_else(|| {
            self.error(format!(
                "expected {}, found {}",
                alternatives(allowed),
                shown(self.value)
            ))
        })
    }
}

fn alternatives(allowed: &[&str]) -> String {
    match allowed {
        [] => "nothing".to_owned(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// A value for an error message: scalars as written (cut at 60 characters), else their kind.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) if s.chars().count() > 60 => {
            format!("\"{}...\"", s.chars().take(60).collect::<String>())
        }
        Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null => value.to_string(),
        other => kind_of(other).to_owned(),
    }
}

/// A value as text: strings as they are, lists joined with commas, others as JSON.
pub(super) fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text_of).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}
