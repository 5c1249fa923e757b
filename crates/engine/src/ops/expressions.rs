//! A request's expressions, read together: every expression the request carries draws on
//! the same ExpressionAttributeNames and ExpressionAttributeValues, and DynamoDB refuses
//! placeholders none of them used, placeholders given to a request without expressions, and
//! requests that mix expressions with the legacy parameters they replace.

use std::collections::BTreeMap;

use crate::error::DynamoError;
use crate::expr::{self, Condition, ExpressionKind, KeyCondition, Path, Substitutions, Update};
use crate::value::Item;

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
        [
            ("KeyConditionExpression", self.key_condition.is_some()),
            ("UpdateExpression", self.update.is_some()),
            ("ConditionExpression", self.condition.is_some()),
            ("FilterExpression", self.filter.is_some()),
            ("ProjectionExpression", self.projection.is_some()),
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
                return Err(DynamoError::validation("ExpressionAttributeNames can only be specified when using expressions"));
            }
            if self.values.is_some() {
                return Err(values_without_expressions(value_users));
            }
        }
        let mut subs = Substitutions::new(self.names, self.values)?;
        let expressions = Expressions {
            key_condition: self.key_condition.map(|text| expr::parse_key_condition(text, &mut subs)).transpose()?,
            update: self.update.map(|text| expr::parse_update(text, &mut subs)).transpose()?,
            condition: self
                .condition
                .map(|text| expr::parse_condition(text, ExpressionKind::Condition, &mut subs))
                .transpose()?,
            filter: self.filter.map(|text| expr::parse_condition(text, ExpressionKind::Filter, &mut subs)).transpose()?,
            projection: self.projection.map(|text| expr::parse_projection(text, &mut subs)).transpose()?,
        };
        if self.values.is_some() && value_users.iter().all(|user| !self.present().contains(user)) {
            return Err(values_without_expressions(value_users));
        }
        subs.finish()?;
        Ok(expressions)
    }
}

fn values_without_expressions(value_users: &[&str]) -> DynamoError {
    let users = match value_users {
        [one] => format!("{one} is null"),
        [rest @ .., last] => format!("{} and {last} are null", rest.join(", ")),
        [] => String::new(),
    };
    DynamoError::validation(format!("ExpressionAttributeValues can only be specified when using expressions: {users}"))
}

/// Refuses a request that mixes legacy parameters with expressions.
pub fn refuse_mixing(legacy: &[(&str, bool)], args: &ExpressionArgs) -> Result<(), DynamoError> {
    let legacy: Vec<&str> = legacy.iter().filter(|(_, present)| *present).map(|(name, _)| *name).collect();
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
