//! A request's expressions, read together: every expression the request carries draws on
//! the same ExpressionAttributeNames and ExpressionAttributeValues, and DynamoDB refuses
//! placeholders none of them used, placeholders given to a request without expressions, and
//! requests that mix expressions with the legacy parameters they replace.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::validate::Violations;
use crate::error::DynamoError;
use crate::expr::legacy::LegacyCondition;
use crate::expr::{
    self, Condition, ExpressionKind, KeyCondition, Path, SetAction, SetValue, Substitutions,
    Update, UpdateOperand,
};
use crate::value::{AttributeValue, Item};

/// The expression members of one request, as given.
#[derive(Default)]
pub struct ExpressionArgs<'a> {
    pub names: Option<&'a BTreeMap<String, String>>,
    pub values: Option<&'a Item>,
    pub key_condition: Option<&'a str>,
    pub update: Option<&'a str>,
    pub condition: Option<&'a str>,
    pub filter: Option<&'a str>,
    pub projection: Option<&'a str>,
}

/// The same expressions, parsed and checked.
#[derive(Default)]
pub struct Expressions {
    pub key_condition: Option<Vec<KeyCondition>>,
    pub update: Option<Update>,
    pub condition: Option<Condition>,
    pub filter: Option<Condition>,
    pub projection: Option<Vec<Path>>,
}

impl ExpressionArgs<'_> {
    /// Names of the expression members present, for DynamoDB's mixing message.
    fn present(&self) -> Vec<&'static str> {
        // In the order DynamoDB lists them in its mixing message.
        [
            ("ProjectionExpression", self.projection.is_some()),
            ("FilterExpression", self.filter.is_some()),
            ("KeyConditionExpression", self.key_condition.is_some()),
            ("UpdateExpression", self.update.is_some()),
            ("ConditionExpression", self.condition.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, present)| present.then_some(name))
        .collect()
    }

    /// Parses every expression present; `value_users` names the expressions that could use
    /// ExpressionAttributeValues in this operation, for the message when there are none.
    pub fn parse(&self, value_users: &[&str]) -> Result<Expressions, DynamoError> {
        if self.present().is_empty() {
            if self.names.is_some() {
                return Err(DynamoError::validation(
                    "ExpressionAttributeNames can only be specified when using expressions",
                ));
            }
            if self.values.is_some() {
                return Err(values_without_expressions(value_users));
            }
        }
        check_placeholder_maps(self.names, self.values)?;
        let mut subs = Substitutions::new(self.names, self.values)?;
        // DynamoDB reads them in this order, which decides the error when several are bad.
        let update = self
            .update
            .map(|text| expr::parse_update(text, &mut subs))
            .transpose()?;
        let condition = self
            .condition
            .map(|text| expr::parse_condition(text, ExpressionKind::Condition, &mut subs))
            .transpose()?;
        let key_condition = self
            .key_condition
            .map(|text| expr::parse_key_condition(text, &mut subs))
            .transpose()?;
        let filter = self
            .filter
            .map(|text| expr::parse_condition(text, ExpressionKind::Filter, &mut subs))
            .transpose()?;
        let projection = self
            .projection
            .map(|text| expr::parse_projection(text, &mut subs))
            .transpose()?;
        let expressions = Expressions {
            key_condition,
            update,
            condition,
            filter,
            projection,
        };
        if self.values.is_some()
            && value_users
                .iter()
                .all(|user| !self.present().contains(user))
        {
            return Err(values_without_expressions(value_users));
        }
        subs.finish()?;
        Ok(expressions)
    }
}

/// Longest placeholder (`#name` or `:value`), in bytes.
const MAX_PLACEHOLDER_BYTES: usize = 255;
/// Longest attribute name, in bytes.
pub const MAX_ATTRIBUTE_NAME_BYTES: usize = 65_535;

/// The placeholder maps' own rules: placeholders at most 255 bytes, and names neither
/// empty nor longer than an attribute name may be.
fn check_placeholder_maps(
    names: Option<&BTreeMap<String, String>>,
    values: Option<&Item>,
) -> Result<(), DynamoError> {
    for (key, name) in names.into_iter().flatten() {
        if key.len() > MAX_PLACEHOLDER_BYTES {
            return Err(DynamoError::validation(format!(
                "ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: {}",
                key.len()
            )));
        }
        if name.is_empty() {
            return Err(DynamoError::validation(format!(
                "ExpressionAttributeNames contains invalid value: Empty attribute name for key {key}"
            )));
        }
        if name.len() > MAX_ATTRIBUTE_NAME_BYTES {
            return Err(DynamoError::validation(format!(
                "One or more parameter values were invalid: Attribute name exceeds the limit of {MAX_ATTRIBUTE_NAME_BYTES} bytes; size of name: {}",
                name.len()
            )));
        }
    }
    if values
        .into_iter()
        .flat_map(|v| v.keys())
        .any(|key| key.len() > MAX_PLACEHOLDER_BYTES)
    {
        return Err(DynamoError::validation(
            "ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;",
        ));
    }
    Ok(())
}

fn values_without_expressions(value_users: &[&str]) -> DynamoError {
    let users = match value_users {
        [one] => format!("{one} is null"),
        [rest @ .., last] => format!("{} and {last} are null", rest.join(", ")),
        [] => String::new(),
    };
    DynamoError::validation(format!(
        "ExpressionAttributeValues can only be specified when using expressions: {users}"
    ))
}

/// Refuses a request that mixes legacy parameters with expressions.
pub fn refuse_mixing(legacy: &[(&str, bool)], args: &ExpressionArgs) -> Result<(), DynamoError> {
    let legacy: Vec<&str> = legacy
        .iter()
        .filter(|(_, present)| *present)
        .map(|(name, _)| *name)
        .collect();
    let modern = args.present();
    if !legacy.is_empty() && !modern.is_empty() {
        return Err(DynamoError::validation(format!(
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {{{}}} Expression parameters: {{{}}}",
            legacy.join(", "),
            modern.join(", ")
        )));
    }
    Ok(())
}

/// ConditionalOperator joins two or more legacy conditions: DynamoDB refuses it without
/// Expected (or a filter), or with only one condition there.
pub fn check_conditional_operator(
    operator: Option<&str>,
    conditions: Option<usize>,
) -> Result<(), DynamoError> {
    match (operator, conditions) {
        (None, _) => Ok(()),
        (Some(_), None) => Err(DynamoError::validation(
            "ConditionalOperator cannot be used without Filter or Expected",
        )),
        (Some(_), Some(n)) if n < 2 => Err(DynamoError::validation(
            "ConditionalOperator can only be used when Filter or Expected has two or more elements",
        )),
        _ => Ok(()),
    }
}

/// One entry of Expected, KeyConditions, QueryFilter or ScanFilter, as sent.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LegacyConditionArg {
    pub comparison_operator: Option<String>,
    pub attribute_value_list: Option<Vec<AttributeValue>>,
    pub value: Option<AttributeValue>,
    pub exists: Option<bool>,
}

/// A legacy condition map: attribute name to its entry.
pub type LegacyConditions = BTreeMap<String, LegacyConditionArg>;

const COMPARISON_OPERATORS: &[&str] = &[
    "IN",
    "NULL",
    "BETWEEN",
    "LT",
    "NOT_CONTAINS",
    "EQ",
    "GT",
    "NOT_NULL",
    "NE",
    "LE",
    "BEGINS_WITH",
    "GE",
    "CONTAINS",
];

/// Checks a legacy map's operators (`field` is its wire name, such as `expected`) and turns
/// it into the entries the expression module converts.
pub fn legacy_entries(
    field: &str,
    map: &LegacyConditions,
    conditional_operator: Option<&str>,
) -> Result<Vec<LegacyCondition>, DynamoError> {
    let mut v = Violations::new();
    for (name, entry) in map {
        v.one_of(
            &format!("{field}.{name}.member.comparisonOperator"),
            entry.comparison_operator.as_deref(),
            COMPARISON_OPERATORS,
        );
    }
    v.one_of("conditionalOperator", conditional_operator, &["AND", "OR"]);
    v.finish()?;
    Ok(map
        .iter()
        .map(|(name, entry)| LegacyCondition {
            attribute: name.clone(),
            operator: entry.comparison_operator.clone(),
            values: entry.attribute_value_list.clone(),
            value: entry.value.clone(),
            exists: entry.exists,
        })
        .collect())
}

/// Expected as a condition.
pub fn legacy_expected(
    map: Option<&LegacyConditions>,
    conditional_operator: Option<&str>,
) -> Result<Option<Condition>, DynamoError> {
    match map {
        Some(map) => expr::legacy::expected(
            &legacy_entries("expected", map, conditional_operator)?,
            conditional_operator,
        ),
        None => Ok(None),
    }
}

/// QueryFilter or ScanFilter as a condition.
pub fn legacy_filter(
    field: &str,
    map: Option<&LegacyConditions>,
    conditional_operator: Option<&str>,
) -> Result<Option<Condition>, DynamoError> {
    match map {
        Some(map) => expr::legacy::filter(
            &legacy_entries(field, map, conditional_operator)?,
            conditional_operator,
        ),
        None => Ok(None),
    }
}

/// One entry of UpdateItem's legacy AttributeUpdates.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeUpdateArg {
    pub action: Option<String>,
    pub value: Option<AttributeValue>,
}

/// AttributeUpdates as the update it describes: PUT sets, DELETE without a value removes,
/// DELETE with a set removes those members, ADD adds to a number or set.
pub fn legacy_update(map: &BTreeMap<String, AttributeUpdateArg>) -> Result<Update, DynamoError> {
    let mut v = Violations::new();
    for (name, entry) in map {
        v.one_of(
            &format!("attributeUpdates.{name}.member.action"),
            entry.action.as_deref(),
            &["ADD", "PUT", "DELETE"],
        );
    }
    v.finish()?;
    let mut update = Update::default();
    for (name, entry) in map {
        let path = Path::attribute(name.clone());
        let invalid = |message: String| {
            DynamoError::validation(format!(
                "One or more parameter values were invalid: {message}"
            ))
        };
        match (entry.action.as_deref().unwrap_or("PUT"), &entry.value) {
            ("PUT", Some(value)) => update.set.push(SetAction {
                path,
                value: SetValue::Operand(UpdateOperand::Value(value.clone())),
            }),
            ("DELETE", None) => update.remove.push(path),
            ("DELETE", Some(value)) => {
                if !matches!(
                    value,
                    AttributeValue::SS(_) | AttributeValue::NS(_) | AttributeValue::BS(_)
                ) {
                    return Err(invalid(format!(
                        "DELETE action with value is not supported for the type {}",
                        value.type_name()
                    )));
                }
                update.delete.push((path, value.clone()));
            }
            // ADD of a list appends it (to nothing, if the attribute is missing).
            ("ADD", Some(AttributeValue::L(list))) => {
                let existing = UpdateOperand::IfNotExists(
                    path.clone(),
                    Box::new(UpdateOperand::Value(AttributeValue::L(Vec::new()))),
                );
                let appended = UpdateOperand::ListAppend(
                    Box::new(existing),
                    Box::new(UpdateOperand::Value(AttributeValue::L(list.clone()))),
                );
                update.set.push(SetAction {
                    path,
                    value: SetValue::Operand(appended),
                });
            }
            ("ADD", Some(value)) => {
                if !matches!(
                    value,
                    AttributeValue::N(_)
                        | AttributeValue::SS(_)
                        | AttributeValue::NS(_)
                        | AttributeValue::BS(_)
                ) {
                    return Err(invalid(format!(
                        "ADD action is not supported for the type {}",
                        value.type_name()
                    )));
                }
                update.add.push((path, value.clone()));
            }
            (_, None) => {
                return Err(invalid(
                    "Only DELETE action is allowed when no attribute value is specified".to_owned(),
                ));
            }
            (action, Some(_)) => {
                return Err(DynamoError::validation(format!(
                    "Unknown AttributeUpdates action: {action}"
                )));
            }
        }
    }
    Ok(update)
}
