//! The shape rules of a KeyConditionExpression. After the ordinary condition checks, Query
//! accepts only one or two simple conditions joined by AND, each naming one top-level
//! attribute and comparing it with values: `=`, `<`, `<=`, `>`, `>=`, BETWEEN or
//! begins_with. [`key_conditions`] enforces that with DynamoDB's messages and hands back the
//! conditions per attribute; matching them to the key schema is the caller's part
//! ("Query condition missed key schema element: ...").

use crate::error::DynamoError;
use crate::value::AttributeValue;

use super::ast::{Comparator, Condition, Operand};

/// What one key condition asks of its attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyOp {
    Eq(AttributeValue),
    Lt(AttributeValue),
    Le(AttributeValue),
    Gt(AttributeValue),
    Ge(AttributeValue),
    Between(AttributeValue, AttributeValue),
    BeginsWith(AttributeValue),
}

impl KeyOp {
    /// Whether a key value satisfies the condition (same rules as a ConditionExpression).
    pub fn matches(&self, value: &AttributeValue) -> bool {
        use super::eval::compare_values;
        use std::cmp::Ordering::*;
        let cmp = |v: &AttributeValue| compare_values(value, v);
        match self {
            KeyOp::Eq(v) => super::eval::values_equal(value, v),
            KeyOp::Lt(v) => cmp(v) == Some(Less),
            KeyOp::Le(v) => matches!(cmp(v), Some(Less | Equal)),
            KeyOp::Gt(v) => cmp(v) == Some(Greater),
            KeyOp::Ge(v) => matches!(cmp(v), Some(Greater | Equal)),
            KeyOp::Between(low, high) => {
                matches!(cmp(low), Some(Greater | Equal)) && matches!(cmp(high), Some(Less | Equal))
            }
            KeyOp::BeginsWith(prefix) => match (value, prefix) {
                (AttributeValue::S(s), AttributeValue::S(p)) => s.starts_with(p.as_str()),
                (AttributeValue::B(b), AttributeValue::B(p)) => b.starts_with(p),
                _ => false,
            },
        }
    }
}

/// One condition of a KeyConditionExpression: an attribute and what it must satisfy.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyCondition {
    pub attribute: String,
    pub op: KeyOp,
}

fn error(message: impl Into<String>) -> DynamoError {
    DynamoError::validation(message)
}

fn invalid_condition(message: &str) -> DynamoError {
    error(format!(
        "Invalid condition in KeyConditionExpression: {message}"
    ))
}

/// What DynamoDB answers a key condition with more conditions than the key has attributes.
pub const TOO_MANY_CONDITIONS: &str = "Conditions can be of length 1 or 2 only";

/// The conditions of a parsed KeyConditionExpression, in the order written: one or two
/// for a table or most indexes, up to eight for an index with a multi-attribute key (the
/// Query checks the count against the key it reads).
pub fn key_conditions(condition: &Condition) -> Result<Vec<KeyCondition>, DynamoError> {
    check_operators(condition)?;
    let mut leaves = Vec::new();
    flatten(condition, &mut leaves);
    let mut conditions: Vec<KeyCondition> = Vec::with_capacity(leaves.len());
    for leaf in leaves {
        let condition = key_condition(leaf)?;
        if conditions
            .iter()
            .any(|earlier| earlier.attribute == condition.attribute)
        {
            return Err(error(
                "KeyConditionExpressions must only contain one condition per key",
            ));
        }
        conditions.push(condition);
    }
    if conditions.len() > 2 * crate::key::MAX_KEY_ATTRIBUTES {
        return Err(error(TOO_MANY_CONDITIONS));
    }
    Ok(conditions)
}

/// Refuses OR, NOT, IN, `<>` and every function but begins_with, outermost first.
fn check_operators(condition: &Condition) -> Result<(), DynamoError> {
    let name = match condition {
        Condition::And(a, b) => return check_operators(a).and_then(|_| check_operators(b)),
        Condition::Or(..) => "OR",
        Condition::Not(_) => "NOT",
        Condition::In { .. } => "IN",
        Condition::Compare {
            op: Comparator::Ne, ..
        } => "<>",
        Condition::AttributeExists(_) => "attribute_exists",
        Condition::AttributeNotExists(_) => "attribute_not_exists",
        Condition::AttributeType(..) => "attribute_type",
        Condition::Contains(..) => "contains",
        Condition::Compare { .. } | Condition::Between { .. } | Condition::BeginsWith(..) => {
            return Ok(());
        }
    };
    Err(error(format!(
        "Invalid operator used in KeyConditionExpression: {name}"
    )))
}

fn flatten<'c>(condition: &'c Condition, out: &mut Vec<&'c Condition>) {
    match condition {
        Condition::And(a, b) => {
            flatten(a, out);
            flatten(b, out);
        }
        leaf => out.push(leaf),
    }
}

/// Walks a condition's operands: one top-level attribute, the rest values.
fn attribute_of(operands: &[&Operand]) -> Result<String, DynamoError> {
    let mut attribute = None;
    for operand in operands {
        match operand {
            Operand::Size(_) => {
                return Err(error(
                    "KeyConditionExpressions cannot contain nested operations",
                ));
            }
            Operand::Path(_) if attribute.is_some() => {
                return Err(invalid_condition(
                    "Multiple attribute names used in one condition",
                ));
            }
            Operand::Path(path) if !path.is_top_level() => {
                return Err(error(
                    "KeyConditionExpressions cannot have conditions on nested attributes",
                ));
            }
            Operand::Path(path) => attribute = Some(path.top().to_owned()),
            Operand::Value(_) => {}
        }
    }
    attribute.ok_or_else(|| invalid_condition("No key attribute specified"))
}

fn value(operand: &Operand) -> AttributeValue {
    match operand {
        Operand::Value(v) => v.clone(),
        _ => AttributeValue::Null,
    }
}

fn key_condition(leaf: &Condition) -> Result<KeyCondition, DynamoError> {
    let first_must_be_key = |operand: &Operand, name: &str| match operand {
        Operand::Path(_) => Ok(()),
        _ => Err(invalid_condition(&format!(
            "{name} operator must have the key attribute as its first operand"
        ))),
    };
    let (attribute, op) = match leaf {
        Condition::Between { operand, low, high } => {
            first_must_be_key(operand, "BETWEEN")?;
            (
                attribute_of(&[operand, low, high])?,
                KeyOp::Between(value(low), value(high)),
            )
        }
        Condition::BeginsWith(a, b) => {
            first_must_be_key(a, "begins_with")?;
            (attribute_of(&[a, b])?, KeyOp::BeginsWith(value(b)))
        }
        Condition::Compare { op, left, right } => {
            let attribute = attribute_of(&[left, right])?;
            let (op, v) = if matches!(left, Operand::Path(_)) {
                (*op, value(right))
            } else {
                (op.flipped(), value(left))
            };
            let op = match op {
                Comparator::Lt => KeyOp::Lt(v),
                Comparator::Le => KeyOp::Le(v),
                Comparator::Gt => KeyOp::Gt(v),
                Comparator::Ge => KeyOp::Ge(v),
                _ => KeyOp::Eq(v),
            };
            (attribute, op)
        }
        _ => return Err(invalid_condition("No key attribute specified")),
    };
    Ok(KeyCondition { attribute, op })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::super::{ExpressionKind, Substitutions, parse_condition};
    use super::*;

    const V: &str = r#"{":a": {"S": "1"}, ":b": {"S": "2"}}"#;

    fn parts(text: &str) -> Result<Vec<KeyCondition>, String> {
        let values = item(V);
        let mut subs = Substitutions::new(None, Some(&values)).unwrap();
        let condition = parse_condition(text, ExpressionKind::KeyCondition, &mut subs)
            .map_err(|e| e.message)?;
        key_conditions(&condition).map_err(|e| e.message)
    }

    fn err(text: &str) -> String {
        parts(text).expect_err(text)
    }

    fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.into())
    }

    #[test]
    fn a_hash_condition_and_one_range_condition_are_returned_in_order() {
        assert_eq!(
            parts("pk = :a AND sk BETWEEN :a AND :b").unwrap(),
            [
                KeyCondition {
                    attribute: "pk".into(),
                    op: KeyOp::Eq(s("1"))
                },
                KeyCondition {
                    attribute: "sk".into(),
                    op: KeyOp::Between(s("1"), s("2"))
                },
            ]
        );
        assert_eq!(
            parts("begins_with(sk, :b) and :a = pk").unwrap(),
            [
                KeyCondition {
                    attribute: "sk".into(),
                    op: KeyOp::BeginsWith(s("2"))
                },
                KeyCondition {
                    attribute: "pk".into(),
                    op: KeyOp::Eq(s("1"))
                },
            ]
        );
    }

    #[test]
    fn a_constant_on_the_left_flips_the_comparison() {
        assert_eq!(parts(":a < sk").unwrap()[0].op, KeyOp::Gt(s("1")));
        assert_eq!(parts(":a >= sk").unwrap()[0].op, KeyOp::Le(s("1")));
        assert_eq!(parts("sk <= :a").unwrap()[0].op, KeyOp::Le(s("1")));
    }

    #[test]
    fn only_and_comparisons_between_and_begins_with_are_allowed() {
        for (text, op) in [
            ("a > :a and b > :a or a > :b", "OR"),
            ("a in (:a, :b)", "IN"),
            ("attribute_exists(a)", "attribute_exists"),
            ("attribute_not_exists(a)", "attribute_not_exists"),
            ("contains(a, :a)", "contains"),
            ("not a > :a", "NOT"),
            ("a <> :a", "<>"),
        ] {
            assert_eq!(
                err(text),
                format!("Invalid operator used in KeyConditionExpression: {op}"),
                "{text}"
            );
        }
        let values = item(r#"{":t": {"S": "S"}}"#);
        let mut subs = Substitutions::new(None, Some(&values)).unwrap();
        let c = parse_condition(
            "attribute_type(a, :t)",
            ExpressionKind::KeyCondition,
            &mut subs,
        )
        .unwrap();
        assert_eq!(
            key_conditions(&c).unwrap_err().message,
            "Invalid operator used in KeyConditionExpression: attribute_type"
        );
    }

    #[test]
    fn between_and_begins_with_need_the_key_first() {
        assert_eq!(
            err(":a between size(b) and size(a) and b > :b"),
            "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand"
        );
        assert_eq!(
            err("begins_with(:a, b) and a > :b"),
            "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand"
        );
    }

    #[test]
    fn key_conditions_take_one_top_level_attribute_and_values() {
        let nested_op = "KeyConditionExpressions cannot contain nested operations";
        for text in [
            "size(b) > a AND a.b > b AND b > c",
            "a > size(b.d)",
            "a between size(b) and size(a)",
        ] {
            assert_eq!(err(text), nested_op, "{text}");
        }
        let multiple = "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition";
        for text in [
            "b > a.b",
            "b between c[1] and d",
            "a between b and size(a)",
            "begins_with(a, b)",
        ] {
            assert_eq!(err(text), multiple, "{text}");
        }
        let nested = "KeyConditionExpressions cannot have conditions on nested attributes";
        for text in ["b.d > a AND c.d > e.f", "a.d > c", "b[0] > a"] {
            assert_eq!(err(text), nested, "{text}");
        }
        let none = "Invalid condition in KeyConditionExpression: No key attribute specified";
        for text in [":b > :a AND a < :b", ":a > b AND :a < :b"] {
            assert_eq!(err(text), none, "{text}");
        }
    }

    #[test]
    fn one_condition_per_key_and_at_most_eight() {
        let per_key = "KeyConditionExpressions must only contain one condition per key";
        assert_eq!(err("b > :a AND b < :a and c = :a and d = :a"), per_key);
        assert_eq!(err("(a > :a and b > :a) and (b > :a and c > :a)"), per_key);
        let nine = "a = :a and b = :a and c = :a and d = :a and e = :a and f = :a and g = :a and h = :a and i = :a";
        assert_eq!(err(nine), TOO_MANY_CONDITIONS);
    }

    #[test]
    fn a_key_op_matches_values_as_a_condition_would() {
        assert!(KeyOp::Eq(s("a")).matches(&s("a")));
        assert!(!KeyOp::Eq(s("a")).matches(&AttributeValue::N(crate::number::Number::from_i64(1))));
        assert!(KeyOp::Between(s("b"), s("d")).matches(&s("c")));
        assert!(KeyOp::Between(s("b"), s("d")).matches(&s("d")));
        assert!(!KeyOp::Lt(s("b")).matches(&s("b")));
        assert!(KeyOp::Ge(s("b")).matches(&s("b")));
        assert!(KeyOp::BeginsWith(s("ab")).matches(&s("abc")));
        assert!(!KeyOp::BeginsWith(s("ab")).matches(&s("ba")));
    }
}
