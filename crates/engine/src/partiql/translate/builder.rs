//! Expression text: the placeholders (`#n0`, `:v0`) one request's expressions use, the
//! binding strengths that parenthesise condition text only where needed, and PartiQL paths
//! as document paths.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::EMPTY_PATH_COMPONENT;
use crate::error::DynamoError;
use crate::expr::{Path as DocPath, PathElement};
use crate::partiql::ast::*;
use crate::partiql::validation;
use crate::value::AttributeValue;

/// Placeholders for one request's expressions.
#[derive(Default)]
pub(super) struct Builder {
    names: Map<String, Value>,
    by_name: HashMap<String, String>,
    values: Map<String, Value>,
}

impl Builder {
    pub(super) fn name(&mut self, name: &str) -> String {
        if let Some(placeholder) = self.by_name.get(name) {
            return placeholder.clone();
        }
        let placeholder = format!("#n{}", self.by_name.len());
        self.by_name.insert(name.to_string(), placeholder.clone());
        self.names
            .insert(placeholder.clone(), Value::String(name.to_string()));
        placeholder
    }

    pub(super) fn value(&mut self, value: &AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        let json = serde_json::to_value(value).unwrap_or(Value::Null);
        self.values.insert(placeholder.clone(), json);
        placeholder
    }

    pub(super) fn path(&mut self, path: &DocPath) -> String {
        let mut text = String::new();
        for element in &path.elements {
            match element {
                PathElement::Name(name) => {
                    if !text.is_empty() {
                        text.push('.');
                    }
                    text.push_str(&self.name(name));
                }
                PathElement::Index(i) => text.push_str(&format!("[{i}]")),
            }
        }
        text
    }

    /// Adds ExpressionAttributeNames and ExpressionAttributeValues, when used.
    pub(super) fn finish(self, body: &mut Map<String, Value>) {
        if !self.names.is_empty() {
            body.insert("ExpressionAttributeNames".into(), Value::Object(self.names));
        }
        if !self.values.is_empty() {
            body.insert(
                "ExpressionAttributeValues".into(),
                Value::Object(self.values),
            );
        }
    }
}

/// Binding strength of emitted condition text, to parenthesise only where needed (DynamoDB
/// refuses redundant parentheses).
pub(super) const OR: u8 = 0;
pub(super) const AND: u8 = 1;
pub(super) const ATOM: u8 = 2;

pub(super) fn wrap((text, strength): (String, u8), at_least: u8) -> String {
    if strength < at_least {
        format!("({text})")
    } else {
        text
    }
}

/// A PartiQL path as a document path, refusing what DynamoDB cannot address.
pub(super) fn doc_path(path: &Path) -> Result<DocPath, DynamoError> {
    if path.root.is_empty() {
        return Err(validation(EMPTY_PATH_COMPONENT));
    }
    let mut elements = vec![PathElement::Name(path.root.clone())];
    for step in &path.steps {
        elements.push(match step {
            Step::Field(name) if name.is_empty() => return Err(validation(EMPTY_PATH_COMPONENT)),
            Step::Field(name) => PathElement::Name(name.clone()),
            Step::Index(text) => match text.parse::<i32>() {
                Ok(i) if i >= 0 => PathElement::Index(i as usize),
                _ => {
                    return Err(validation(format!(
                        "List index is not within the allowable range; index: [{text}]"
                    )));
                }
            },
            Step::Wildcard => {
                return Err(validation(
                    "Wildcard path component like a[*].b are not supported",
                ));
            }
            Step::Unpivot => {
                return Err(validation(
                    "Unpivot path component like a.*.b are not supported",
                ));
            }
            Step::Other => return Err(validation("Unexpected path component")),
        });
    }
    Ok(DocPath { elements })
}
