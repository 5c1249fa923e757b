//! The pre-expression parameters: Expected (PutItem, UpdateItem, DeleteItem), QueryFilter,
//! ScanFilter and KeyConditions. Each entry names a top-level attribute and a
//! ComparisonOperator with its AttributeValueList (Expected also has the older Value/Exists
//! form). They are checked with DynamoDB's messages and turned into the same [`Condition`]
//! the expression parser produces, so evaluation is shared. The ComparisonOperator enum
//! itself is request validation (the caller's "failed to satisfy constraint" message).

use crate::error::DynamoError;
use crate::value::AttributeValue;

use super::ast::{Comparator, Condition, Operand, Path};
use super::eval::compare_values;
use super::keycond::{KeyCondition, KeyOp};

/// One entry of Expected, QueryFilter, ScanFilter or KeyConditions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LegacyCondition {
    /// The top-level attribute name (taken literally: a dot is part of the name).
    pub attribute: String,
    /// `ComparisonOperator`: EQ, NE, LE, LT, GE, GT, NOT_NULL, NULL, CONTAINS,
    /// NOT_CONTAINS, BEGINS_WITH, IN or BETWEEN.
    pub operator: Option<String>,
    /// `AttributeValueList`.
    pub values: Option<Vec<AttributeValue>>,
    /// Expected only: `Value`.
    pub value: Option<AttributeValue>,
    /// Expected only: `Exists`.
    pub exists: Option<bool>,
}

fn invalid(message: impl std::fmt::Display) -> DynamoError {
    DynamoError::validation(format!(
        "One or more parameter values were invalid: {message}"
    ))
}

/// How many values an operator takes: exactly `min` when `max` is `min`.
fn arity(operator: &str) -> Option<(usize, usize)> {
    Some(match operator {
        "NULL" | "NOT_NULL" => (0, 0),
        "EQ" | "NE" | "LE" | "LT" | "GE" | "GT" | "CONTAINS" | "NOT_CONTAINS" | "BEGINS_WITH" => {
            (1, 1)
        }
        "IN" => (1, usize::MAX),
        "BETWEEN" => (2, 2),
        _ => return None,
    })
}

/// The value types an operator accepts (EQ and NE accept every type).
fn accepts(operator: &str, value: &AttributeValue) -> bool {
    let t = value.type_name();
    match operator {
        "EQ" | "NE" => true,
        "BEGINS_WITH" => matches!(t, "S" | "B"),
        _ => matches!(t, "S" | "N" | "B"),
    }
}

/// The checks every ComparisonOperator entry gets: operand count, one type, a type the
/// operator takes, and BETWEEN bounds in order.
fn check_values(operator: &str, values: &[AttributeValue]) -> Result<(), DynamoError> {
    let Some((min, max)) = arity(operator) else {
        return Err(invalid(format!(
            "Unsupported ComparisonOperator: {operator}"
        )));
    };
    if values.len() < min || values.len() > max {
        return Err(invalid(format!(
            "Invalid number of argument(s) for the {operator} ComparisonOperator"
        )));
    }
    if values
        .iter()
        .any(|v| v.type_name() != values[0].type_name())
    {
        return Err(invalid(
            "AttributeValues inside AttributeValueList must be of same type",
        ));
    }
    if let Some(v) = values.iter().find(|v| !accepts(operator, v)) {
        return Err(invalid(format!(
            "ComparisonOperator {operator} is not valid for {} AttributeValue type",
            v.type_name()
        )));
    }
    if operator == "BETWEEN"
        && compare_values(&values[0], &values[1]) == Some(std::cmp::Ordering::Greater)
    {
        return Err(DynamoError::validation(
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound",
        ));
    }
    Ok(())
}

/// The condition an operator and its (checked) values express about `attribute`.
fn condition(attribute: &str, operator: &str, values: &[AttributeValue]) -> Condition {
    let path = || Operand::Path(Path::attribute(attribute));
    let value = |i: usize| Operand::Value(values.get(i).cloned().unwrap_or(AttributeValue::Null));
    let compare = |op| Condition::Compare {
        op,
        left: path(),
        right: value(0),
    };
    match operator {
        "EQ" => compare(Comparator::Eq),
        "NE" => compare(Comparator::Ne),
        "LE" => compare(Comparator::Le),
        "LT" => compare(Comparator::Lt),
        "GE" => compare(Comparator::Ge),
        "GT" => compare(Comparator::Gt),
        "NULL" => Condition::AttributeNotExists(Path::attribute(attribute)),
        "NOT_NULL" => Condition::AttributeExists(Path::attribute(attribute)),
        "CONTAINS" => Condition::Contains(path(), value(0)),
        // Unlike `NOT contains(a, :v)`, NOT_CONTAINS fails on a missing attribute (while NE
        // holds): scylla test_expected.py::test_update_expected_1_not_contains.
        "NOT_CONTAINS" => Condition::And(
            Box::new(Condition::AttributeExists(Path::attribute(attribute))),
            Box::new(Condition::Not(Box::new(Condition::Contains(
                path(),
                value(0),
            )))),
        ),
        "BEGINS_WITH" => Condition::BeginsWith(path(), value(0)),
        "IN" => Condition::In {
            operand: path(),
            list: (0..values.len()).map(value).collect(),
        },
        _ => Condition::Between {
            operand: path(),
            low: value(0),
            high: value(1),
        },
    }
}

/// Joins conditions with `ConditionalOperator` (AND unless it says OR). The conditions
/// are paired up level by level into a balanced tree, so a request with thousands of
/// entries nests only a dozen levels deep and evaluating it cannot exhaust the stack;
/// AND and OR are associative, so the answer is the same as a left-to-right chain.
fn join(mut conditions: Vec<Condition>, conditional_operator: Option<&str>) -> Option<Condition> {
    let or = conditional_operator == Some("OR");
    while conditions.len() > 1 {
        let mut paired = Vec::with_capacity(conditions.len().div_ceil(2));
        let mut level = conditions.into_iter();
        while let Some(a) = level.next() {
            paired.push(match level.next() {
                Some(b) if or => Condition::Or(Box::new(a), Box::new(b)),
                Some(b) => Condition::And(Box::new(a), Box::new(b)),
                None => a,
            });
        }
        conditions = paired;
    }
    conditions.pop()
}

/// QueryFilter or ScanFilter as a condition (None when there are no entries).
pub fn filter(
    entries: &[LegacyCondition],
    conditional_operator: Option<&str>,
) -> Result<Option<Condition>, DynamoError> {
    let mut conditions = Vec::with_capacity(entries.len());
    for entry in entries {
        let operator = entry.operator.as_deref().unwrap_or("");
        let values = entry.values.as_deref().unwrap_or(&[]);
        check_values(operator, values)?;
        conditions.push(condition(&entry.attribute, operator, values));
    }
    Ok(join(conditions, conditional_operator))
}

/// Expected as a condition (None when there are no entries).
pub fn expected(
    entries: &[LegacyCondition],
    conditional_operator: Option<&str>,
) -> Result<Option<Condition>, DynamoError> {
    let mut conditions = Vec::with_capacity(entries.len());
    for entry in entries {
        conditions.push(expected_entry(entry)?);
    }
    Ok(join(conditions, conditional_operator))
}

fn expected_entry(entry: &LegacyCondition) -> Result<Condition, DynamoError> {
    let attribute = &entry.attribute;
    if entry.values.is_some() && entry.value.is_some() {
        return Err(invalid(format!(
            "Value and AttributeValueList cannot be used together for Attribute: {attribute}"
        )));
    }
    if let Some(operator) = entry.operator.as_deref() {
        if entry.exists.is_some() {
            return Err(invalid(format!(
                "Exists and ComparisonOperator cannot be used together for Attribute: {attribute}"
            )));
        }
        let values = match (&entry.values, &entry.value) {
            (Some(list), _) => list.clone(),
            (None, Some(v)) => vec![v.clone()],
            (None, None) if matches!(operator, "NULL" | "NOT_NULL") => Vec::new(),
            (None, None) => {
                return Err(invalid(format!(
                    "Value or AttributeValueList must be used with ComparisonOperator: {operator} for Attribute: {attribute}"
                )));
            }
        };
        check_values(operator, &values)?;
        return Ok(condition(attribute, operator, &values));
    }
    if entry.values.is_some() {
        return Err(invalid(format!(
            "AttributeValueList can only be used with a ComparisonOperator for Attribute: {attribute}"
        )));
    }
    match (entry.exists, &entry.value) {
        (Some(false), None) => Ok(Condition::AttributeNotExists(Path::attribute(
            attribute.clone(),
        ))),
        (Some(false), Some(_)) => Err(invalid(format!(
            "Value cannot be used when Exists is false for Attribute: {attribute}"
        ))),
        (exists, None) => Err(invalid(format!(
            "Value must be provided when Exists is {} for Attribute: {attribute}",
            if exists.is_some() { "true" } else { "null" }
        ))),
        (_, Some(v)) => Ok(condition(attribute, "EQ", std::slice::from_ref(v))),
    }
}

/// KeyConditions as per-attribute key conditions, for the caller to match to the schema.
pub fn key_conditions(entries: &[LegacyCondition]) -> Result<Vec<KeyCondition>, DynamoError> {
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let operator = entry.operator.as_deref().unwrap_or("");
        let values = entry.values.as_deref().unwrap_or(&[]);
        check_values(operator, values)?;
        let v = |i: usize| values.get(i).cloned().unwrap_or(AttributeValue::Null);
        let op = match operator {
            "EQ" => KeyOp::Eq(v(0)),
            "LE" => KeyOp::Le(v(0)),
            "LT" => KeyOp::Lt(v(0)),
            "GE" => KeyOp::Ge(v(0)),
            "GT" => KeyOp::Gt(v(0)),
            "BEGINS_WITH" => KeyOp::BeginsWith(v(0)),
            "BETWEEN" => KeyOp::Between(v(0), v(1)),
            _ => {
                return Err(DynamoError::validation(
                    "Attempted conditional constraint is not an indexable operation",
                ));
            }
        };
        out.push(KeyCondition {
            attribute: entry.attribute.clone(),
            op,
        });
    }
    if out.is_empty() || out.len() > 2 * crate::key::MAX_KEY_ATTRIBUTES {
        return Err(DynamoError::validation(super::keycond::TOO_MANY_CONDITIONS));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::item;
    use super::*;
    use crate::number::Number;

    fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.into())
    }

    fn n(v: i64) -> AttributeValue {
        AttributeValue::N(Number::from_i64(v))
    }

    fn entry(attribute: &str, operator: &str, values: Vec<AttributeValue>) -> LegacyCondition {
        LegacyCondition {
            attribute: attribute.into(),
            operator: Some(operator.into()),
            values: Some(values),
            ..Default::default()
        }
    }

    fn filter_err(e: LegacyCondition) -> String {
        filter(&[e], None).unwrap_err().message
    }

    #[test]
    fn each_operator_takes_its_number_of_values() {
        let count = |op: &str| {
            format!(
                "One or more parameter values were invalid: Invalid number of argument(s) for the {op} ComparisonOperator"
            )
        };
        for op in [
            "EQ",
            "NE",
            "LE",
            "LT",
            "GE",
            "GT",
            "CONTAINS",
            "NOT_CONTAINS",
            "BEGINS_WITH",
            "IN",
            "BETWEEN",
        ] {
            assert_eq!(filter_err(entry("a", op, vec![])), count(op), "{op}");
        }
        for op in ["NULL", "NOT_NULL", "EQ", "NE", "LE", "CONTAINS"] {
            assert_eq!(
                filter_err(entry("a", op, vec![s("a"), s("a")])),
                count(op),
                "{op}"
            );
        }
        assert_eq!(
            filter_err(entry("a", "BETWEEN", vec![s("a"), s("a"), s("a")])),
            count("BETWEEN")
        );
        assert!(filter(&[entry("a", "IN", vec![s("a"), s("b"), s("c")])], None).is_ok());
    }

    #[test]
    fn a_filter_of_a_hundred_thousand_entries_evaluates_on_a_small_stack() {
        let entries: Vec<_> = (0..100_000)
            .map(|i| entry(&format!("a{i}"), "NULL", vec![]))
            .collect();
        let it = item(r#"{"b": {"N": "1"}}"#);
        let every = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let and = filter(&entries, None).unwrap().unwrap().evaluate(&it);
                let or = filter(&entries, Some("OR")).unwrap().unwrap().evaluate(&it);
                (and, or)
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(every, (true, true));
    }

    #[test]
    fn operators_refuse_value_types_they_cannot_compare() {
        let bad = |op: &str, t: &str| {
            format!(
                "One or more parameter values were invalid: ComparisonOperator {op} is not valid for {t} AttributeValue type"
            )
        };
        let values = item(
            r#"{"BOOL": {"BOOL": true}, "NULL": {"NULL": true}, "SS": {"SS": ["a"]}, "M": {"M": {}}, "L": {"L": []}}"#,
        );
        for op in ["LT", "LE", "GT", "GE", "IN", "CONTAINS", "BEGINS_WITH"] {
            for (t, v) in &values {
                assert_eq!(
                    filter_err(entry("a", op, vec![v.clone()])),
                    bad(op, t),
                    "{op} {t}"
                );
            }
        }
        assert_eq!(
            filter_err(entry("a", "BEGINS_WITH", vec![n(1)])),
            bad("BEGINS_WITH", "N")
        );
        assert_eq!(
            filter_err(entry(
                "a",
                "BETWEEN",
                vec![AttributeValue::Null, AttributeValue::Null]
            )),
            bad("BETWEEN", "NULL")
        );
        for (_, v) in values {
            assert!(filter(&[entry("a", "EQ", vec![v.clone()])], None).is_ok());
        }
    }

    #[test]
    fn a_value_list_is_one_type_and_between_bounds_are_in_order() {
        assert_eq!(
            filter_err(entry("a", "IN", vec![s("b"), n(1)])),
            "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"
        );
        assert_eq!(
            filter_err(entry("a", "BETWEEN", vec![s("b"), s("a")])),
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
        );
    }

    #[test]
    fn filters_become_conditions_joined_by_the_conditional_operator() {
        let entries = [
            entry("a", "GT", vec![n(1)]),
            entry("b", "NOT_CONTAINS", vec![s("x")]),
            entry("c", "NULL", vec![]),
        ];
        let it = item(r#"{"a": {"N": "2"}, "b": {"S": "yyy"}}"#);
        assert!(filter(&entries, None).unwrap().unwrap().evaluate(&it));
        assert!(
            filter(&entries, Some("AND"))
                .unwrap()
                .unwrap()
                .evaluate(&it)
        );
        let entries = [
            entry("a", "LT", vec![n(1)]),
            entry("b", "BEGINS_WITH", vec![s("y")]),
        ];
        assert!(!filter(&entries, None).unwrap().unwrap().evaluate(&it));
        assert!(filter(&entries, Some("OR")).unwrap().unwrap().evaluate(&it));
        assert_eq!(filter(&[], None).unwrap(), None);
        let dotted = entry("a.b", "NOT_NULL", vec![]);
        assert!(
            filter(&[dotted], None)
                .unwrap()
                .unwrap()
                .evaluate(&item(r#"{"a.b": {"N": "1"}}"#))
        );
    }

    fn expected_err(e: LegacyCondition) -> String {
        expected(&[e], None).unwrap_err().message
    }

    #[test]
    fn expected_checks_value_and_exists_as_dynamodb_does() {
        let base = LegacyCondition {
            attribute: "a".into(),
            ..Default::default()
        };
        let with = |f: &dyn Fn(&mut LegacyCondition)| {
            let mut e = base.clone();
            f(&mut e);
            e
        };
        let p = "One or more parameter values were invalid: ";
        assert_eq!(
            expected_err(base.clone()),
            format!("{p}Value must be provided when Exists is null for Attribute: a")
        );
        assert_eq!(
            expected_err(with(&|e| e.exists = Some(true))),
            format!("{p}Value must be provided when Exists is true for Attribute: a")
        );
        assert_eq!(
            expected_err(with(&|e| {
                e.exists = Some(false);
                e.value = Some(s("x"));
            })),
            format!("{p}Value cannot be used when Exists is false for Attribute: a")
        );
        assert_eq!(
            expected_err(with(&|e| {
                e.value = Some(s("x"));
                e.values = Some(vec![s("x")]);
                e.operator = Some("EQ".into());
            })),
            format!("{p}Value and AttributeValueList cannot be used together for Attribute: a")
        );
        assert_eq!(
            expected_err(with(&|e| {
                e.exists = Some(true);
                e.operator = Some("EQ".into());
            })),
            format!("{p}Exists and ComparisonOperator cannot be used together for Attribute: a")
        );
        assert_eq!(
            expected_err(with(&|e| e.operator = Some("EQ".into()))),
            format!(
                "{p}Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a"
            )
        );
        assert_eq!(
            expected_err(with(&|e| e.values = Some(vec![s("x")]))),
            format!(
                "{p}AttributeValueList can only be used with a ComparisonOperator for Attribute: a"
            )
        );
        assert_eq!(
            expected_err(with(&|e| {
                e.operator = Some("BETWEEN".into());
                e.values = Some(vec![s("x")]);
            })),
            format!("{p}Invalid number of argument(s) for the BETWEEN ComparisonOperator")
        );
    }

    #[test]
    fn expected_not_contains_fails_on_a_missing_attribute_while_ne_holds() {
        // scylla test_expected.py: of the operators taking a value, only NE holds when the
        // attribute is missing; NOT_CONTAINS (unlike `NOT contains(...)`) fails with the rest.
        let it = item(r#"{"a": {"S": "hello"}, "b": {"NS": ["2", "4"]}, "c": {"N": "3"}}"#);
        let holds = |attribute: &str, op: &str, values: Vec<AttributeValue>| {
            expected(&[entry(attribute, op, values)], None)
                .unwrap()
                .unwrap()
                .evaluate(&it)
        };
        assert!(!holds("q", "NOT_CONTAINS", vec![n(1)]));
        assert!(holds("q", "NE", vec![n(1)]));
        for (op, values) in [
            ("EQ", vec![n(1)]),
            ("LE", vec![n(1)]),
            ("LT", vec![n(1)]),
            ("GE", vec![n(1)]),
            ("GT", vec![n(1)]),
            ("CONTAINS", vec![n(1)]),
            ("BEGINS_WITH", vec![s("a")]),
            ("IN", vec![n(1)]),
            ("BETWEEN", vec![n(0), n(100)]),
            ("NOT_NULL", vec![]),
        ] {
            assert!(!holds("q", op, values), "{op} on a missing attribute");
        }
        assert!(holds("q", "NULL", vec![]));
        // On attributes that are there NOT_CONTAINS is the negation, whatever the types.
        assert!(holds("a", "NOT_CONTAINS", vec![s("dog")]));
        assert!(holds("a", "NOT_CONTAINS", vec![n(1)]));
        assert!(!holds("a", "NOT_CONTAINS", vec![s("ell")]));
        assert!(!holds("b", "NOT_CONTAINS", vec![n(4)]));
        assert!(holds("c", "NOT_CONTAINS", vec![n(3)]));
        // NE with another type holds too.
        assert!(holds("c", "NE", vec![s("3")]));
        // Filters share the operators.
        let filtered = filter(&[entry("q", "NOT_CONTAINS", vec![n(1)])], None);
        assert!(!filtered.unwrap().unwrap().evaluate(&it));
    }

    #[test]
    fn expected_value_means_equal_and_exists_false_means_absent() {
        let it = item(r#"{"a": {"S": "x"}}"#);
        let eq = LegacyCondition {
            attribute: "a".into(),
            value: Some(s("x")),
            ..Default::default()
        };
        assert!(
            expected(std::slice::from_ref(&eq), None)
                .unwrap()
                .unwrap()
                .evaluate(&it)
        );
        let absent = LegacyCondition {
            attribute: "b".into(),
            exists: Some(false),
            ..Default::default()
        };
        assert!(
            expected(&[eq, absent.clone()], None)
                .unwrap()
                .unwrap()
                .evaluate(&it)
        );
        let with_value = LegacyCondition {
            operator: Some("NE".into()),
            value: Some(s("y")),
            exists: None,
            ..absent
        };
        assert!(
            expected(&[with_value], None)
                .unwrap()
                .unwrap()
                .evaluate(&it)
        );
    }

    #[test]
    fn key_conditions_allow_only_indexable_operators() {
        let not_indexable = "Attempted conditional constraint is not an indexable operation";
        for e in [
            entry("a", "NULL", vec![]),
            entry("a", "NE", vec![s("a")]),
            entry("a", "IN", vec![s("a")]),
            entry("a", "CONTAINS", vec![s("a")]),
        ] {
            assert_eq!(key_conditions(&[e]).unwrap_err().message, not_indexable);
        }
        let length = "Conditions can be of length 1 or 2 only";
        assert_eq!(key_conditions(&[]).unwrap_err().message, length);
        let nine: Vec<_> = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
            .into_iter()
            .map(|name| entry(name, "EQ", vec![s("a")]))
            .collect();
        assert_eq!(key_conditions(&nine).unwrap_err().message, length);
        assert_eq!(
            key_conditions(&[
                entry("a", "EQ", vec![s("a")]),
                entry("b", "BETWEEN", vec![n(1), n(2)])
            ])
            .unwrap(),
            [
                KeyCondition {
                    attribute: "a".into(),
                    op: KeyOp::Eq(s("a"))
                },
                KeyCondition {
                    attribute: "b".into(),
                    op: KeyOp::Between(n(1), n(2))
                },
            ]
        );
    }
}
