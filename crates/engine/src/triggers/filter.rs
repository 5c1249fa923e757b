//! Lambda's event-filtering pattern language (`FilterCriteria.Filters[].Pattern`), read once
//! when a mapping is created and matched against each stream record as the function would
//! receive it (`eventName`, `dynamodb.Keys`, `dynamodb.NewImage`, ...). A record that no
//! filter matches is never delivered: the shard moves past it.
//!
//! The language, as Lambda's guide lists it ("Control which events Lambda sends to your
//! function", its filter-rule table):
//! - a pattern is a JSON object whose keys follow the record's; a nested object descends,
//!   an array is a leaf: the record's value there must satisfy one of its matchers;
//! - every key of a pattern must match (and), the matchers of one array are alternatives
//!   (or), `"$or": [pattern, ...]` makes alternatives of whole sub-patterns, and a record
//!   passes when any of the mapping's filters matches it;
//! - matchers: a string, number, `true`/`false` or `null` equal to the value (`""` is the
//!   empty string, `null` the JSON null); `{"prefix": s}`, `{"suffix": s}`,
//!   `{"equals-ignore-case": s}`; `{"anything-but": v | [v, ...] | {"prefix": s}}`;
//!   `{"numeric": ["=", n]}` or a range (`[">", a, "<=", b]`); `{"exists": true|false}`.
//!
//! Two consequences for DynamoDB records, both documented or measured, both kept here:
//! `exists` works on leaf nodes only (Lambda's DynamoDB filtering guide: `{"NewImage":
//! {"Name": [{"exists": true}]}}` does not match, `{"Name": {"S": [{"exists": true}]}}`
//! does), and `numeric` compares JSON numbers only, while a DynamoDB number is text in the
//! record (`{"N": "42"}`), so `numeric` on an `N` matches nothing (LocalStack's tests,
//! validated against AWS, assert exactly that).

use serde_json::{Map, Value};

/// The message Lambda answers a pattern it cannot read with.
pub const INVALID_PATTERN: &str = "Invalid filter pattern definition.";

/// The filters of one mapping: a record passes when any matches (or when there are none).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Filters(Vec<Pattern>);

impl Filters {
    /// Reads every pattern text, or says why one does not read.
    pub fn parse<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Result<Filters, String> {
        let patterns = patterns.into_iter().map(Pattern::parse);
        Ok(Filters(patterns.collect::<Result<_, _>>()?))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `record` (as the function would receive it) passes.
    pub fn admit(&self, record: &Value) -> bool {
        self.0.is_empty() || self.0.iter().any(|p| p.matches(Some(record)))
    }
}

/// One pattern object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pattern {
    fields: Vec<(String, Node)>,
    /// Each `$or`: one of its sub-patterns must match.
    alternatives: Vec<Vec<Pattern>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Nested(Pattern),
    Leaf(Vec<Matcher>),
}

#[derive(Debug, Clone, PartialEq)]
enum Matcher {
    Equals(Value),
    Prefix(String),
    Suffix(String),
    EqualsIgnoreCase(String),
    AnythingBut(Excluded),
    Numeric(Vec<(Comparison, f64)>),
    Exists(bool),
}

#[derive(Debug, Clone, PartialEq)]
enum Excluded {
    Values(Vec<Value>),
    Prefix(String),
    Suffix(String),
    EqualsIgnoreCase(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Comparison {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Pattern {
    /// Reads a pattern's text (a JSON object).
    pub fn parse(text: &str) -> Result<Pattern, String> {
        let value: Value =
            serde_json::from_str(text).map_err(|_| "the pattern is not JSON".to_owned())?;
        match value {
            Value::Object(members) if !members.is_empty() => Pattern::of(&members),
            _ => Err("a pattern is a non-empty JSON object".to_owned()),
        }
    }

    fn of(members: &Map<String, Value>) -> Result<Pattern, String> {
        let mut pattern = Pattern {
            fields: Vec::new(),
            alternatives: Vec::new(),
        };
        for (name, value) in members {
            if name == "$or" {
                let Some(options) = value.as_array().filter(|o| !o.is_empty()) else {
                    return Err("$or takes a non-empty array of patterns".to_owned());
                };
                let options = options.iter().map(|o| match o {
                    Value::Object(m) if !m.is_empty() => Pattern::of(m),
                    _ => Err("each $or alternative is a non-empty object".to_owned()),
                });
                pattern
                    .alternatives
                    .push(options.collect::<Result<_, _>>()?);
                continue;
            }
            let node = match value {
                Value::Object(m) if !m.is_empty() => Node::Nested(Pattern::of(m)?),
                Value::Array(matchers) if !matchers.is_empty() => {
                    Node::Leaf(matchers.iter().map(Matcher::of).collect::<Result<_, _>>()?)
                }
                _ => return Err(format!("{name}: a leaf is a non-empty array of matchers")),
            };
            pattern.fields.push((name.clone(), node));
        }
        Ok(pattern)
    }

    /// Whether the value at this pattern's level (`None`: absent) matches.
    fn matches(&self, value: Option<&Value>) -> bool {
        let child = |name: &str| value.and_then(Value::as_object).and_then(|m| m.get(name));
        self.fields.iter().all(|(name, node)| match node {
            Node::Nested(pattern) => pattern.matches(child(name)),
            Node::Leaf(matchers) => leaf_matches(matchers, child(name)),
        }) && (self.alternatives.iter()).all(|options| options.iter().any(|p| p.matches(value)))
    }
}

/// A leaf's matchers against the record's value there. Only scalars are leaves: an object
/// (or nothing, or an empty array) there is no leaf, which only `{"exists": false}` matches;
/// an array matches when one of its scalars does.
fn leaf_matches(matchers: &[Matcher], value: Option<&Value>) -> bool {
    let scalars: Vec<&Value> = match value {
        Some(Value::Array(items)) => items.iter().filter(|v| is_scalar(v)).collect(),
        Some(v) if is_scalar(v) => vec![v],
        _ => Vec::new(),
    };
    if scalars.is_empty() {
        return matchers.contains(&Matcher::Exists(false));
    }
    (matchers.iter()).any(|m| scalars.iter().any(|v| m.matches(v)))
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Object(_) | Value::Array(_))
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

impl Matcher {
    fn of(value: &Value) -> Result<Matcher, String> {
        let Value::Object(members) = value else {
            return Ok(Matcher::Equals(value.clone()));
        };
        let mut members = members.iter();
        let (Some((operator, operand)), None) = (members.next(), members.next()) else {
            return Err("a matcher object has exactly one operator".to_owned());
        };
        let text = || {
            (operand.as_str().map(str::to_owned))
                .ok_or_else(|| format!("{operator} takes a string"))
        };
        Ok(match operator.as_str() {
            "prefix" => Matcher::Prefix(text()?),
            "suffix" => Matcher::Suffix(text()?),
            "equals-ignore-case" => Matcher::EqualsIgnoreCase(text()?),
            "exists" => Matcher::Exists(operand.as_bool().ok_or("exists takes true or false")?),
            "numeric" => Matcher::Numeric(numeric(operand)?),
            "anything-but" => Matcher::AnythingBut(excluded(operand)?),
            other => return Err(format!("unknown operator {other}")),
        })
    }

    /// Whether a present scalar value matches.
    fn matches(&self, value: &Value) -> bool {
        let text = value.as_str();
        match self {
            Matcher::Equals(expected) => same(expected, value),
            Matcher::Prefix(p) => text.is_some_and(|t| t.starts_with(p.as_str())),
            Matcher::Suffix(s) => text.is_some_and(|t| t.ends_with(s.as_str())),
            Matcher::EqualsIgnoreCase(s) => {
                text.is_some_and(|t| t.to_lowercase() == s.to_lowercase())
            }
            Matcher::AnythingBut(excluded) => !excluded.contains(value),
            Matcher::Numeric(conditions) => value
                .as_f64()
                .filter(|_| value.is_number())
                .is_some_and(|n| {
                    conditions.iter().all(|&(c, bound)| match c {
                        Comparison::Equal => n == bound,
                        Comparison::Less => n < bound,
                        Comparison::LessOrEqual => n <= bound,
                        Comparison::Greater => n > bound,
                        Comparison::GreaterOrEqual => n >= bound,
                    })
                }),
            Matcher::Exists(exists) => *exists,
        }
    }
}

impl Excluded {
    fn contains(&self, value: &Value) -> bool {
        let text = value.as_str();
        match self {
            Excluded::Values(values) => values.iter().any(|v| same(v, value)),
            Excluded::Prefix(p) => text.is_some_and(|t| t.starts_with(p.as_str())),
            Excluded::Suffix(s) => text.is_some_and(|t| t.ends_with(s.as_str())),
            Excluded::EqualsIgnoreCase(s) => {
                text.is_some_and(|t| t.to_lowercase() == s.to_lowercase())
            }
        }
    }
}

fn excluded(operand: &Value) -> Result<Excluded, String> {
    match operand {
        Value::Array(values) if !values.is_empty() && values.iter().all(is_scalar) => {
            Ok(Excluded::Values(values.clone()))
        }
        Value::Object(_) => match Matcher::of(operand)? {
            Matcher::Prefix(p) => Ok(Excluded::Prefix(p)),
            Matcher::Suffix(s) => Ok(Excluded::Suffix(s)),
            Matcher::EqualsIgnoreCase(s) => Ok(Excluded::EqualsIgnoreCase(s)),
            _ => Err("anything-but takes values, prefix, suffix or equals-ignore-case".to_owned()),
        },
        v if is_scalar(v) => Ok(Excluded::Values(vec![v.clone()])),
        _ => Err("anything-but takes a value or a non-empty array of values".to_owned()),
    }
}

/// `["=", n]`, or one or two bounds: `[">", a]`, `[">=", a, "<", b]`.
fn numeric(operand: &Value) -> Result<Vec<(Comparison, f64)>, String> {
    let bad = || "numeric takes [op, number] or a range [>|>=, a, <|<=, b]".to_owned();
    let items = operand.as_array().ok_or_else(bad)?;
    if items.is_empty() || items.len() % 2 != 0 || items.len() > 4 {
        return Err(bad());
    }
    let conditions = (items.chunks(2))
        .map(|pair| {
            let comparison = match pair[0].as_str() {
                Some("=") => Comparison::Equal,
                Some("<") => Comparison::Less,
                Some("<=") => Comparison::LessOrEqual,
                Some(">") => Comparison::Greater,
                Some(">=") => Comparison::GreaterOrEqual,
                _ => return Err(bad()),
            };
            Ok((
                comparison,
                pair[1]
                    .as_f64()
                    .filter(|_| pair[1].is_number())
                    .ok_or_else(bad)?,
            ))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if let [(lower, _), (upper, _)] = conditions.as_slice() {
        let lower_ok = matches!(lower, Comparison::Greater | Comparison::GreaterOrEqual);
        let upper_ok = matches!(upper, Comparison::Less | Comparison::LessOrEqual);
        if !(lower_ok && upper_ok) {
            return Err(bad());
        }
    }
    Ok(conditions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn admits(pattern: &str, record: Value) -> bool {
        Filters::parse([pattern]).unwrap().admit(&record)
    }

    fn insert(new_image: Value) -> Value {
        json!({"eventName": "INSERT", "dynamodb": {"Keys": {"pk": {"S": "a"}}, "NewImage": new_image}})
    }

    #[test]
    fn equal_strings_and_alternatives_in_one_array() {
        let p = r#"{"dynamodb": {"NewImage": {"AccountManager": {"S": ["Pat Candella", "Shirley Rodriguez"]}}}}"#;
        assert!(admits(
            p,
            insert(json!({"AccountManager": {"S": "Shirley Rodriguez"}}))
        ));
        assert!(!admits(
            p,
            insert(json!({"AccountManager": {"S": "Someone"}}))
        ));
    }

    #[test]
    fn every_key_of_a_pattern_must_match() {
        let p = r#"{"eventName": ["INSERT"], "dynamodb": {"Keys": {"pk": {"S": ["b"]}}}}"#;
        assert!(!admits(p, insert(json!({}))));
        assert!(admits(
            r#"{"eventName": ["INSERT"], "dynamodb": {"Keys": {"pk": {"S": ["a"]}}}}"#,
            insert(json!({}))
        ));
    }

    #[test]
    fn prefix_suffix_and_equals_ignore_case() {
        let record = insert(json!({"Region": {"S": "us-east-1"}, "File": {"S": "a.png"}}));
        assert!(admits(
            r#"{"dynamodb": {"NewImage": {"Region": {"S": [{"prefix": "us-"}]}}}}"#,
            record.clone()
        ));
        assert!(admits(
            r#"{"dynamodb": {"NewImage": {"File": {"S": [{"suffix": ".png"}]}}}}"#,
            record.clone()
        ));
        assert!(admits(
            r#"{"dynamodb": {"NewImage": {"Region": {"S": [{"equals-ignore-case": "US-EAST-1"}]}}}}"#,
            record.clone()
        ));
        assert!(!admits(
            r#"{"dynamodb": {"NewImage": {"Region": {"S": [{"prefix": "eu-"}]}}}}"#,
            record
        ));
    }

    #[test]
    fn anything_but_excludes_values_and_needs_the_field() {
        let p =
            r#"{"dynamodb": {"NewImage": {"Weather": {"S": [{"anything-but": ["Raining"]}]}}}}"#;
        assert!(admits(p, insert(json!({"Weather": {"S": "Sunny"}}))));
        assert!(!admits(p, insert(json!({"Weather": {"S": "Raining"}}))));
        assert!(!admits(p, insert(json!({}))));
        let prefix = r#"{"eventName": [{"anything-but": {"prefix": "REM"}}]}"#;
        assert!(admits(prefix, insert(json!({}))));
    }

    #[test]
    fn numeric_compares_json_numbers_only() {
        let p = r#"{"dynamodb": {"SizeBytes": [{"numeric": [">", 10, "<=", 20]}]}}"#;
        assert!(admits(p, json!({"dynamodb": {"SizeBytes": 15}})));
        assert!(!admits(p, json!({"dynamodb": {"SizeBytes": 25}})));
        let on_n = r#"{"dynamodb": {"NewImage": {"Qty": {"N": [{"numeric": [">", 1]}]}}}}"#;
        assert!(!admits(on_n, insert(json!({"Qty": {"N": "5"}}))));
        assert!(admits(
            r#"{"dynamodb": {"SizeBytes": [{"numeric": ["=", 15]}]}}"#,
            json!({"dynamodb": {"SizeBytes": 15.0}})
        ));
    }

    #[test]
    fn exists_works_on_leaf_nodes_only() {
        let record = insert(json!({"Name": {"S": "x"}}));
        assert!(admits(
            r#"{"dynamodb": {"NewImage": {"Name": {"S": [{"exists": true}]}}}}"#,
            record.clone()
        ));
        assert!(!admits(
            r#"{"dynamodb": {"NewImage": {"Name": [{"exists": true}]}}}"#,
            record.clone()
        ));
        assert!(admits(
            r#"{"dynamodb": {"NewImage": {"Other": {"S": [{"exists": false}]}}}}"#,
            record.clone()
        ));
        assert!(!admits(
            r#"{"dynamodb": {"NewImage": {"Name": {"S": [{"exists": false}]}}}}"#,
            record
        ));
    }

    #[test]
    fn null_and_empty_match_their_own_values() {
        assert!(admits(r#"{"a": [null]}"#, json!({"a": null})));
        assert!(!admits(r#"{"a": [null]}"#, json!({})));
        assert!(admits(r#"{"a": [""]}"#, json!({"a": ""})));
    }

    #[test]
    fn or_makes_alternatives_of_sub_patterns_and_filters_are_alternatives() {
        let p =
            r#"{"$or": [{"eventName": ["REMOVE"]}, {"dynamodb": {"Keys": {"pk": {"S": ["a"]}}}}]}"#;
        assert!(admits(p, insert(json!({}))));
        let filters = Filters::parse([
            r#"{"eventName": ["REMOVE"]}"#,
            r#"{"eventName": ["INSERT"]}"#,
        ])
        .unwrap();
        assert!(filters.admit(&insert(json!({}))));
        assert!(Filters::default().admit(&json!({})));
    }

    #[test]
    fn unreadable_patterns_are_refused() {
        for bad in [
            "not json",
            "[]",
            "{}",
            r#"{"a": "scalar"}"#,
            r#"{"a": []}"#,
            r#"{"a": [{"regex": "x"}]}"#,
            r#"{"a": [{"numeric": ["<", 1, ">", 2]}]}"#,
            r#"{"a": [{"numeric": [">", "1"]}]}"#,
            r#"{"a": [{"prefix": "a", "suffix": "b"}]}"#,
            r#"{"a": [{"exists": "yes"}]}"#,
            r#"{"$or": []}"#,
        ] {
            assert!(Pattern::parse(bad).is_err(), "{bad} was read");
        }
    }
}
