//! Test helpers: items and placeholder values written as DynamoDB JSON.

use std::collections::BTreeMap;

use crate::error::DynamoError;
use crate::value::{Item, item_from_json};

use super::{Condition, ExpressionKind, Path, Substitutions, Update};

/// An item from DynamoDB JSON, e.g. `{"a": {"N": "1"}}`.
pub fn item(json: &str) -> Item {
    item_from_json(json).unwrap_or_else(|e| panic!("bad test item {json}: {e:?}"))
}

/// ExpressionAttributeNames from pairs.
pub fn names(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Parses a condition with the given values (DynamoDB JSON) and names.
pub fn condition_with(
    text: &str,
    values: &str,
    names_: &[(&str, &str)],
) -> Result<Condition, DynamoError> {
    let values = item(values);
    let names_ = names(names_);
    let mut subs = Substitutions::new(
        (!names_.is_empty()).then_some(&names_),
        (!values.is_empty()).then_some(&values),
    )?;
    super::parse_condition(text, ExpressionKind::Condition, &mut subs)
}

/// Parses a condition with values only.
pub fn condition(text: &str, values: &str) -> Condition {
    condition_with(text, values, &[]).unwrap_or_else(|e| panic!("{text}: {}", e.message))
}

/// The error message parsing a condition gives.
pub fn condition_error(text: &str, values: &str) -> String {
    condition_with(text, values, &[]).expect_err(text).message
}

pub fn update_with(
    text: &str,
    values: &str,
    names_: &[(&str, &str)],
) -> Result<Update, DynamoError> {
    let values = item(values);
    let names_ = names(names_);
    let mut subs = Substitutions::new(
        (!names_.is_empty()).then_some(&names_),
        (!values.is_empty()).then_some(&values),
    )?;
    super::parse_update(text, &mut subs)
}

pub fn update(text: &str, values: &str) -> Update {
    update_with(text, values, &[]).unwrap_or_else(|e| panic!("{text}: {}", e.message))
}

pub fn update_error(text: &str, values: &str) -> String {
    update_with(text, values, &[]).expect_err(text).message
}

pub fn projection(text: &str) -> Result<Vec<Path>, DynamoError> {
    super::parse_projection(text, &mut Substitutions::none())
}
