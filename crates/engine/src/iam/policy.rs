//! IAM identity policies as they apply to DynamoDB: a document read from its JSON text
//! (`Version`, `Statement` as one object or a list, each with `Sid`, `Effect`, `Action` or
//! `NotAction`, `Resource` or `NotResource`, and `Condition`), and a statement matched
//! against one authorization (an action on a resource with its condition keys). Actions
//! match case-insensitively with `*` and `?`; resources case-sensitively. Conditions follow
//! IAM's rules: several values of one key are alternatives, several keys and operators must
//! all hold; `IfExists` makes an absent key pass; a negated operator passes an absent key;
//! `ForAllValues:` holds when every value of the request matches (and when there is none),
//! `ForAnyValue:` when one does; `Null` tests presence. Policy variables (`${aws:username}`)
//! are replaced before matching; one that cannot be resolved matches nothing.

use std::collections::BTreeMap;

use serde_json::Value;

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub allow: bool,
    /// `Action` (true) or `NotAction` (false), and its patterns.
    pub actions: (bool, Vec<String>),
    /// `Resource` (true) or `NotResource` (false), and its patterns.
    pub resources: (bool, Vec<String>),
    pub conditions: Vec<Condition>,
}

/// One operator and key of a `Condition` block, with the policy's values.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

/// What a statement is matched against: an action on a resource, with the request's
/// condition keys (each with its values; a key the request does not have is absent).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Authorization {
    pub action: String,
    pub resource: String,
    pub keys: BTreeMap<String, Vec<String>>,
}

/// Reads a policy document, naming what is wrong with it.
pub fn parse(text: &str) -> Result<Policy, String> {
    let document: Value =
        serde_json::from_str(text).map_err(|e| format!("the policy is not JSON ({e})"))?;
    let Some(object) = document.as_object() else {
        return Err("the policy must be a JSON object".into());
    };
    if let Some(version) = object.get("Version")
        && !matches!(version.as_str(), Some("2012-10-17" | "2008-10-17"))
    {
        return Err("Version must be 2012-10-17 or 2008-10-17".into());
    }
    let statements = match object.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => return Err("Statement must be an object or a list of objects".into()),
    };
    let statements = (statements.into_iter().enumerate())
        .map(|(i, s)| statement(s).map_err(|e| format!("Statement {}: {e}", i + 1)))
        .collect::<Result<_, _>>()?;
    Ok(Policy { statements })
}

fn statement(value: &Value) -> Result<Statement, String> {
    let Some(object) = value.as_object() else {
        return Err("a statement must be an object".into());
    };
    let allow = match object.get("Effect").and_then(Value::as_str) {
        Some("Allow") => true,
        Some("Deny") => false,
        _ => return Err("Effect must be Allow or Deny".into()),
    };
    let either = |yes: &str, no: &str| -> Result<(bool, Vec<String>), String> {
        match (object.get(yes), object.get(no)) {
            (Some(v), None) => Ok((true, strings(v, yes)?)),
            (None, Some(v)) => Ok((false, strings(v, no)?)),
            (Some(_), Some(_)) => Err(format!("{yes} and {no} cannot both be given")),
            (None, None) => Err(format!("{yes} or {no} is required")),
        }
    };
    let conditions = match object.get("Condition") {
        None => Vec::new(),
        Some(Value::Object(operators)) => {
            let mut conditions = Vec::new();
            for (operator, keys) in operators {
                check_operator(operator)?;
                let Some(keys) = keys.as_object() else {
                    return Err(format!("Condition {operator} must map keys to values"));
                };
                for (key, values) in keys {
                    conditions.push(Condition {
                        operator: operator.clone(),
                        key: key.clone(),
                        values: strings(values, key)?,
                    });
                }
            }
            conditions
        }
        Some(_) => return Err("Condition must be an object".into()),
    };
    Ok(Statement {
        sid: object.get("Sid").and_then(Value::as_str).map(str::to_owned),
        allow,
        actions: either("Action", "NotAction")?,
        resources: either("Resource", "NotResource")?,
        conditions,
    })
}

/// A string or a list of strings (condition values may also be booleans or numbers).
fn strings(value: &Value, member: &str) -> Result<Vec<String>, String> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match value {
        Value::Array(list) => list
            .iter()
            .map(|v| one(v).ok_or_else(|| format!("{member} must hold strings")))
            .collect(),
        other => {
            Ok(vec![one(other).ok_or_else(|| {
                format!("{member} must be a string or a list")
            })?])
        }
    }
}

/// The condition operators this model knows (with `IfExists` and set prefixes).
const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "Null",
];

fn check_operator(operator: &str) -> Result<(), String> {
    let (_, base, _) = split_operator(operator);
    if OPERATORS.contains(&base) {
        Ok(())
    } else {
        Err(format!(
            "the condition operator {operator} is not supported (use {}, with IfExists or a ForAllValues:/ForAnyValue: prefix)",
            OPERATORS.join(", ")
        ))
    }
}

/// The set prefix (`ForAllValues`, `ForAnyValue` or none), the operator, and `IfExists`.
fn split_operator(operator: &str) -> (Option<&str>, &str, bool) {
    let (set, rest) = match operator.split_once(':') {
        Some((set, rest)) => (Some(set), rest),
        None => (None, operator),
    };
    match rest.strip_suffix("IfExists") {
        Some(base) => (set, base, true),
        None => (set, rest, false),
    }
}

impl Statement {
    /// Whether the statement applies to `auth`, policy variables taken from `variables`.
    pub fn applies(&self, auth: &Authorization, variables: &BTreeMap<String, String>) -> bool {
        let action_hit = (self.actions.1.iter())
            .any(|p| glob(&p.to_ascii_lowercase(), &auth.action.to_ascii_lowercase()));
        let resource_hit = (self.resources.1.iter())
            .filter_map(|p| substitute(p, variables))
            .any(|p| glob(&p, &auth.resource));
        action_hit == self.actions.0
            && resource_hit == self.resources.0
            && self
                .conditions
                .iter()
                .all(|c| c.holds(&auth.keys, variables))
    }
}

impl Condition {
    fn holds(
        &self,
        keys: &BTreeMap<String, Vec<String>>,
        variables: &BTreeMap<String, String>,
    ) -> bool {
        let (set, base, if_exists) = split_operator(&self.operator);
        let present = (keys.iter())
            .find(|(k, _)| k.eq_ignore_ascii_case(&self.key))
            .map(|(_, v)| v);
        if base == "Null" {
            let absent = present.is_none_or(Vec::is_empty);
            return self.values.iter().any(|v| v == &absent.to_string());
        }
        let negated = base.contains("Not");
        let values: Vec<String> = self
            .values
            .iter()
            .filter_map(|v| substitute(v, variables))
            .collect();
        let matches_one = |request_value: &str| {
            let hit = values
                .iter()
                .any(|policy_value| compare(base, policy_value, request_value));
            hit != negated
        };
        match (set, present) {
            (Some("ForAllValues"), None) => true,
            (Some("ForAllValues"), Some(request)) => request.iter().all(|v| matches_one(v)),
            (Some(_), None) => false,
            (Some(_), Some(request)) => request.iter().any(|v| matches_one(v)),
            (None, None) => if_exists || negated,
            (None, Some(request)) => request.iter().any(|v| matches_one(v)),
        }
    }
}

/// Whether `request_value` equals (or is like) `policy_value` under operator `base`, ignoring
/// whether the operator is negated.
fn compare(base: &str, policy_value: &str, request_value: &str) -> bool {
    match base {
        "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => {
            policy_value.eq_ignore_ascii_case(request_value)
        }
        "StringLike" | "StringNotLike" => glob(policy_value, request_value),
        _ => policy_value == request_value,
    }
}

/// `text` with its policy variables replaced; `None` when one has no value. `${*}`, `${?}`
/// and `${$}` stand for the literal characters.
fn substitute(text: &str, variables: &BTreeMap<String, String>) -> Option<String> {
    if !text.contains("${") {
        return Some(text.to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        let name = &after[..end];
        match name {
            "*" | "?" | "$" => out.push_str(name),
            _ => out.push_str(variables.get(name)?),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Glob matching: `*` any run of characters, `?` any one.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn auth(action: &str, resource: &str, keys: &[(&str, &[&str])]) -> Authorization {
        Authorization {
            action: action.into(),
            resource: resource.into(),
            keys: (keys.iter())
                .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
                .collect(),
        }
    }

    fn statement_of(value: Value) -> Statement {
        parse(&json!({"Version": "2012-10-17", "Statement": value}).to_string())
            .unwrap()
            .statements
            .remove(0)
    }

    const TABLE: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/Books";

    #[test]
    fn globs_match_runs_and_single_characters() {
        assert!(glob("dynamodb:Get*", "dynamodb:GetItem"));
        assert!(glob("a?c", "abc"));
        assert!(glob("*", ""));
        assert!(!glob("table/B*/index/x", "table/Books"));
        assert!(glob(
            "arn:*:table/Books*",
            "arn:aws:dynamodb:r:a:table/Books/index/g"
        ));
    }

    #[test]
    fn actions_match_without_regard_to_case() {
        let s =
            statement_of(json!({"Effect": "Allow", "Action": "DynamoDB:get*", "Resource": "*"}));
        assert!(s.applies(&auth("dynamodb:GetItem", TABLE, &[]), &BTreeMap::new()));
    }

    #[test]
    fn not_action_applies_to_every_other_action() {
        let s = statement_of(
            json!({"Effect": "Deny", "NotAction": "dynamodb:GetItem", "Resource": "*"}),
        );
        assert!(!s.applies(&auth("dynamodb:GetItem", TABLE, &[]), &BTreeMap::new()));
        assert!(s.applies(&auth("dynamodb:PutItem", TABLE, &[]), &BTreeMap::new()));
    }

    #[test]
    fn for_all_values_holds_for_no_values_and_when_each_matches() {
        let c = Condition {
            operator: "ForAllValues:StringEquals".into(),
            key: "dynamodb:Attributes".into(),
            values: vec!["a".into(), "b".into()],
        };
        let keys = |v: &[&str]| {
            BTreeMap::from([(
                "dynamodb:Attributes".to_string(),
                v.iter().map(|s| s.to_string()).collect(),
            )])
        };
        assert!(c.holds(&BTreeMap::new(), &BTreeMap::new()));
        assert!(c.holds(&keys(&["a", "b"]), &BTreeMap::new()));
        assert!(!c.holds(&keys(&["a", "c"]), &BTreeMap::new()));
    }

    #[test]
    fn an_absent_key_fails_a_positive_operator_and_passes_a_negated_one() {
        let condition = |operator: &str| Condition {
            operator: operator.into(),
            key: "dynamodb:Select".into(),
            values: vec!["SPECIFIC_ATTRIBUTES".into()],
        };
        let (keys, variables) = (BTreeMap::new(), BTreeMap::new());
        assert!(!condition("StringEquals").holds(&keys, &variables));
        assert!(condition("StringNotEquals").holds(&keys, &variables));
        assert!(condition("StringEqualsIfExists").holds(&keys, &variables));
        assert!(!condition("ForAnyValue:StringEquals").holds(&keys, &variables));
    }

    #[test]
    fn policy_variables_are_replaced_and_an_unknown_one_matches_nothing() {
        let c = Condition {
            operator: "ForAllValues:StringEquals".into(),
            key: "dynamodb:LeadingKeys".into(),
            values: vec!["${aws:username}".into()],
        };
        let keys = BTreeMap::from([(
            "dynamodb:LeadingKeys".to_string(),
            vec!["alice".to_string()],
        )]);
        let alice = BTreeMap::from([("aws:username".to_string(), "alice".to_string())]);
        assert!(c.holds(&keys, &alice));
        assert!(!c.holds(&keys, &BTreeMap::new()));
    }

    #[test]
    fn null_tests_presence() {
        let c = Condition {
            operator: "Null".into(),
            key: "dynamodb:ReturnValues".into(),
            values: vec!["true".into()],
        };
        assert!(c.holds(&BTreeMap::new(), &BTreeMap::new()));
    }

    #[test]
    fn a_bad_document_is_refused_naming_the_statement() {
        let e = parse(r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Maybe"}]}"#).unwrap_err();
        assert_eq!(e, "Statement 2: Effect must be Allow or Deny");
        assert!(
            parse("{")
                .unwrap_err()
                .starts_with("the policy is not JSON")
        );
        let e = parse(r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"NumericEquals": {"k": "1"}}}}"#).unwrap_err();
        assert!(e.contains("NumericEquals is not supported"), "{e}");
    }
}
