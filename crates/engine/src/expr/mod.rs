//! DynamoDB's expression language: ConditionExpression, FilterExpression,
//! KeyConditionExpression, UpdateExpression and ProjectionExpression, parsed, checked and
//! evaluated with DynamoDB's rules and error messages.
//!
//! One request's expressions share a [`Substitutions`] built from its
//! ExpressionAttributeNames and ExpressionAttributeValues; parse each expression the request
//! carries, then call [`Substitutions::finish`] to refuse placeholders nobody used (the test
//! `tests::one_request_parses_checks_and_evaluates_a_condition` shows it).
//!
//! Pieces: `lexer` tokens, `parser` syntax, `check` and `check_update` the semantic rules
//! and substitution (all private), [`ast`] the checked form, [`eval`] conditions, [`update`]
//! applying updates, [`projection`] projections, [`keycond`] Query's key-condition shape,
//! [`legacy`] the pre-expression parameters (Expected, QueryFilter, ScanFilter,
//! KeyConditions), [`names`] placeholder bookkeeping and [`reserved`] the reserved words.

pub mod ast;
mod check;
mod check_update;
pub mod eval;
pub mod keycond;
pub mod legacy;
mod lexer;
pub mod names;
mod parser;
pub mod projection;
pub mod reserved;
pub mod update;

pub use ast::{Condition, Path, SetAction, SetValue, Update, UpdateOperand};
// PartiQL builds paths element by element.
#[cfg(feature = "extras")]
pub use ast::PathElement;
pub use keycond::{KeyCondition, KeyOp, key_conditions};
pub use names::Substitutions;
pub use projection::project;

use crate::error::DynamoError;
use check::Checker;
use parser::Parser;

/// Longest expression DynamoDB accepts, in bytes, before substitution.
pub const MAX_EXPRESSION_BYTES: usize = 4096;
/// Most operators (comparisons, AND, OR, NOT, BETWEEN, IN, `+`, `-`) in one expression.
pub const MAX_OPERATORS: usize = 300;
/// Most operands on the right of IN.
pub const MAX_IN_OPERANDS: usize = 100;

/// Which request parameter an expression came from; DynamoDB names it in every message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpressionKind {
    Condition,
    Filter,
    KeyCondition,
    Update,
    Projection,
}

impl ExpressionKind {
    /// The parameter name: `ConditionExpression`, `FilterExpression`, ...
    pub fn name(self) -> &'static str {
        match self {
            ExpressionKind::Condition => "ConditionExpression",
            ExpressionKind::Filter => "FilterExpression",
            ExpressionKind::KeyCondition => "KeyConditionExpression",
            ExpressionKind::Update => "UpdateExpression",
            ExpressionKind::Projection => "ProjectionExpression",
        }
    }
}

/// `Invalid <Kind>: <message>`, DynamoDB's form for everything wrong with an expression.
pub(crate) fn invalid(kind: ExpressionKind, message: impl std::fmt::Display) -> DynamoError {
    DynamoError::validation(format!("Invalid {}: {message}", kind.name()))
}

/// The checks made on the raw text: its size, then that there is something in it.
fn check_text(text: &str, kind: ExpressionKind) -> Result<(), DynamoError> {
    if text.len() > MAX_EXPRESSION_BYTES {
        return Err(invalid(
            kind,
            format!(
                "Expression size has exceeded the maximum allowed size; expression size: {}",
                text.len()
            ),
        ));
    }
    if text.trim_matches([' ', '\t', '\n', '\r']).is_empty() {
        return Err(invalid(kind, "The expression can not be empty;"));
    }
    Ok(())
}

/// DynamoDB stops counting at the first operator past the limit.
fn check_operators(kind: ExpressionKind, operators: usize) -> Result<(), DynamoError> {
    if operators > MAX_OPERATORS {
        return Err(invalid(
            kind,
            format!(
                "The expression contains too many operators; operator count: {}",
                MAX_OPERATORS + 1
            ),
        ));
    }
    Ok(())
}

/// Parses a ConditionExpression, FilterExpression or KeyConditionExpression (`kind` says
/// which, for the messages). For a KeyConditionExpression pass the result on to
/// [`key_conditions`].
pub fn parse_condition(
    text: &str,
    kind: ExpressionKind,
    subs: &mut Substitutions,
) -> Result<Condition, DynamoError> {
    check_text(text, kind)?;
    let mut parser = Parser::new(text, kind);
    let raw = parser.condition_expression()?;
    check_operators(kind, parser.notes.operators)?;
    let mut checker = Checker::new(kind, subs, parser.notes);
    let condition = checker.condition(&raw);
    checker.finish(condition)
}

/// Parses a KeyConditionExpression all the way to its per-attribute conditions.
pub fn parse_key_condition(
    text: &str,
    subs: &mut Substitutions,
) -> Result<Vec<KeyCondition>, DynamoError> {
    key_conditions(&parse_condition(text, ExpressionKind::KeyCondition, subs)?)
}

/// Parses an UpdateExpression.
pub fn parse_update(text: &str, subs: &mut Substitutions) -> Result<Update, DynamoError> {
    let kind = ExpressionKind::Update;
    check_text(text, kind)?;
    let mut parser = Parser::new(text, kind);
    let raw = parser.update_expression()?;
    check_operators(kind, parser.notes.operators)?;
    let mut checker = Checker::new(kind, subs, parser.notes);
    let update = checker.update(&raw);
    checker.finish(update)
}

/// Parses a ProjectionExpression into its paths, for [`project`].
pub fn parse_projection(text: &str, subs: &mut Substitutions) -> Result<Vec<Path>, DynamoError> {
    let kind = ExpressionKind::Projection;
    check_text(text, kind)?;
    let mut parser = Parser::new(text, kind);
    let raw = parser.projection_expression()?;
    let mut checker = Checker::new(kind, subs, parser.notes);
    let paths = checker.projection(&raw);
    checker.finish(paths)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod testutil;
