//! Keys: the primary key a WHERE clause fixes by equality (and the terms left over), the
//! key's types against the table's schema, and the helpers that look into WHERE terms
//! (ANDs and ORs flattened, key equalities, which attributes a term names).

use super::Translator;
use crate::error::DynamoError;
use crate::key::{KeySchema, ScalarType};
use crate::partiql::ast::*;
use crate::partiql::validation;
use crate::value::{AttributeValue, Item};

impl Translator<'_> {
    /// Splits a WHERE into the primary key it fixes by equality and the other terms.
    pub(super) fn extract_key<'e>(
        &self,
        where_clause: &'e Expr,
        schema: &KeySchema,
        mode: KeyMode,
    ) -> Result<(Item, Vec<&'e Expr>), KeyFailure> {
        let names: Vec<&str> = schema.names().collect();
        let mut key = Item::new();
        let mut rest = Vec::new();
        for term in flatten_and(where_clause) {
            let Some((name, value)) = key_equality(term, &names) else {
                rest.push(term);
                continue;
            };
            let value = self
                .values
                .value(value, "root")
                .map_err(KeyFailure::Error)?;
            match key.get(name) {
                None => {
                    key.insert(name.to_string(), value);
                }
                Some(_) if mode == KeyMode::ConditionCheck => rest.push(term),
                Some(existing) if *existing == value => {}
                Some(_) => {
                    return Err(KeyFailure::Shape(validation(format!(
                        "Multiple conditions on same key {name}. Only single item Update/Insert/Delete are supported"
                    ))));
                }
            }
        }
        if names.iter().any(|n| !key.contains_key(*n)) {
            return Err(KeyFailure::Incomplete);
        }
        if mode != KeyMode::ConditionCheck {
            for (name, value) in &key {
                if !matches!(
                    value,
                    AttributeValue::S(_) | AttributeValue::N(_) | AttributeValue::B(_)
                ) {
                    return Err(KeyFailure::Shape(validation(format!(
                        "Key value must be of type S, N, or B. Key name: {name}, Key type: {}",
                        value.type_name()
                    ))));
                }
            }
        }
        Ok((key, rest))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyMode {
    /// UPDATE, DELETE and single-item SELECTs: a key named twice must name one value.
    Write,
    /// EXISTS: a second equality on a key is just another condition.
    ConditionCheck,
}

pub(super) enum KeyFailure {
    /// Not every key attribute has an equality.
    Incomplete,
    /// The key equalities themselves are unusable.
    Shape(DynamoError),
    /// A value in them could not be converted.
    Error(DynamoError),
}

pub(super) fn schema_mismatch(name: &str) -> DynamoError {
    validation(format!(
        "Key attribute's data type should match its data type in table's schema: Key {name}"
    ))
}

pub(super) fn kind_matches(kind: ScalarType, value: &AttributeValue) -> bool {
    matches!(
        (kind, value),
        (ScalarType::S, AttributeValue::S(_))
            | (ScalarType::N, AttributeValue::N(_))
            | (ScalarType::B, AttributeValue::B(_))
    )
}

pub(super) fn check_key_types(key: &Item, schema: &KeySchema) -> Result<(), DynamoError> {
    for attr in std::iter::once(&schema.hash).chain(schema.range.as_ref()) {
        if key
            .get(&attr.name)
            .is_some_and(|v| !kind_matches(attr.kind, v))
        {
            return Err(schema_mismatch(&attr.name));
        }
    }
    Ok(())
}

/// DynamoDB's "non-optional hash key condition": an equality (or IN) on the partition key
/// that every way of satisfying the WHERE goes through.
pub(super) fn fixes_hash(e: &Expr, hash: &str) -> bool {
    match &e.kind {
        ExprKind::Compare(CompareOp::Eq, ..) => key_equality(e, &[hash]).is_some(),
        ExprKind::In {
            operand,
            negated: false,
            ..
        } => names_attribute(operand, hash),
        ExprKind::And(terms) => terms.iter().any(|t| fixes_hash(t, hash)),
        ExprKind::Or(terms) => terms.iter().all(|t| fixes_hash(t, hash)),
        _ => false,
    }
}

pub(super) fn names_attribute(e: &Expr, name: &str) -> bool {
    e.as_path().and_then(Path::as_name) == Some(name)
}

/// `key = value` or `value = key` for one of `keys`.
pub(super) fn key_equality<'e, 'k>(
    term: &'e Expr,
    keys: &[&'k str],
) -> Option<(&'k str, &'e Expr)> {
    let ExprKind::Compare(CompareOp::Eq, left, right) = &term.kind else {
        return None;
    };
    let pick = |path: &Expr, value: &'e Expr| {
        let name = path.as_path().and_then(Path::as_name)?;
        let key = keys.iter().find(|k| **k == name)?;
        value.is_value().then_some((*key, value))
    };
    pick(left, right).or_else(|| pick(right, left))
}

pub(super) fn flatten_and(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::And(terms) => terms.iter().flat_map(flatten_and).collect(),
        _ => vec![e],
    }
}

pub(super) fn flatten_or(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Or(terms) => terms.iter().flat_map(flatten_or).collect(),
        _ => vec![e],
    }
}

/// Whether the expression names any of `attributes` at the top level of a path.
pub(super) fn references(e: &Expr, attributes: &[&str]) -> bool {
    let any = |items: &[Expr]| items.iter().any(|i| references(i, attributes));
    match &e.kind {
        ExprKind::Path(p) => attributes.contains(&p.root.as_str()),
        ExprKind::List(items)
        | ExprKind::Bag(items)
        | ExprKind::And(items)
        | ExprKind::Or(items) => any(items),
        ExprKind::Call { args, .. } => any(args),
        ExprKind::Struct(fields) => fields
            .iter()
            .any(|(k, v)| references(k, attributes) || references(v, attributes)),
        ExprKind::Compare(_, l, r) => references(l, attributes) || references(r, attributes),
        ExprKind::Between {
            operand, low, high, ..
        } => {
            references(operand, attributes)
                || references(low, attributes)
                || references(high, attributes)
        }
        ExprKind::In { operand, rhs, .. } => {
            references(operand, attributes) || references(rhs, attributes)
        }
        ExprKind::Is { operand, .. } | ExprKind::Not(operand) | ExprKind::Negate(operand) => {
            references(operand, attributes)
        }
        ExprKind::Arith(first, rest) => {
            references(first, attributes) || rest.iter().any(|(_, e)| references(e, attributes))
        }
        ExprKind::Literal(_)
        | ExprKind::Param(_)
        | ExprKind::Like { .. }
        | ExprKind::BadPath { .. }
        | ExprKind::Star => false,
    }
}
