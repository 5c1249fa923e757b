//! [`Resolver`]: CloudFormation's intrinsic functions evaluated from the template alone
//! (Parameters' defaults, Mappings, Conditions, fixed pseudo parameters), with a note for every
//! stand-in value; the rules are listed on [`super::import_with_report`].

use serde_json::{Map, Value};

use super::read::text_of;

/// Resolves intrinsic functions against the template's Parameters, Mappings and Conditions.
pub(super) struct Resolver<'a> {
    root: &'a Map<String, Value>,
    pub notes: Vec<String>,
    /// Condition evaluations in progress, against cycles.
    depth: usize,
}

const PSEUDO_PARAMETERS: [(&str, &str); 6] = [
    ("AWS::StackName", "stack"),
    ("AWS::Region", "us-east-1"),
    ("AWS::AccountId", "000000000000"),
    ("AWS::Partition", "aws"),
    ("AWS::URLSuffix", "amazonaws.com"),
    (
        "AWS::StackId",
        "arn:aws:cloudformation:us-east-1:000000000000:stack/stack/id",
    ),
];

impl<'a> Resolver<'a> {
    pub fn new(root: &'a Map<String, Value>) -> Resolver<'a> {
        Resolver {
            root,
            notes: Vec::new(),
            depth: 0,
        }
    }

    fn section(&self, name: &str) -> Option<&'a Map<String, Value>> {
        self.root.get(name).and_then(Value::as_object)
    }

    /// The value with its intrinsics resolved; `None` where `AWS::NoValue` removes it.
    pub fn resolve(&mut self, value: &Value, path: &str) -> Option<Value> {
        match value {
            Value::Object(map) => match intrinsic(map) {
                Some((name, argument)) => self.call(name, argument, path),
                None => Some(Value::Object(
                    map.iter()
                        .filter_map(|(k, v)| {
                            Some((k.clone(), self.resolve(v, &format!("{path}.{k}"))?))
                        })
                        .collect(),
                )),
            },
            Value::Array(items) => Some(Value::Array(
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| self.resolve(v, &format!("{path}[{i}]")))
                    .collect(),
            )),
            other => Some(other.clone()),
        }
    }

    fn resolve_text(&mut self, value: &Value, path: &str) -> String {
        self.resolve(value, path)
            .as_ref()
            .map(text_of)
            .unwrap_or_default()
    }

    fn call(&mut self, name: &str, argument: &Value, path: &str) -> Option<Value> {
        match name {
            "Ref" => {
                let target = self.resolve_text(argument, path);
                self.reference(&target, path)
            }
            "Fn::Sub" => Some(Value::String(self.sub(argument, path))),
            "Fn::Join" => self.join(argument, path),
            "Fn::Select" => self.select(argument, path),
            "Fn::Split" => self.split(argument, path),
            "Fn::If" => self.branch(argument, path),
            "Fn::FindInMap" => self.find_in_map(argument, path),
            "Fn::Length" => {
                let list = self.resolve(argument, path)?;
                Some(Value::from(list.as_array().map_or(0, Vec::len)))
            }
            "Fn::ToJsonString" => Some(Value::String(self.resolve(argument, path)?.to_string())),
            "Fn::GetAtt" => {
                let target = match argument {
                    Value::Array(parts) => parts
                        .iter()
                        .map(|p| self.resolve_text(p, path))
                        .collect::<Vec<_>>()
                        .join("."),
                    other => self.resolve_text(other, path),
                };
                Some(self.placeholder(path, &format!("Fn::GetAtt {target}"), target.clone()))
            }
            "Fn::ImportValue" => {
                let export = self.resolve_text(argument, path);
                Some(self.placeholder(path, "Fn::ImportValue", export))
            }
            other => {
                Some(self.placeholder(path, other, other.trim_start_matches("Fn::").to_owned()))
            }
        }
    }

    /// A stand-in value, noted.
    fn placeholder(&mut self, path: &str, what: &str, value: String) -> Value {
        self.notes.push(format!(
            "{path}: {what} has no value in the template; using \"{value}\""
        ));
        Value::String(value)
    }

    fn reference(&mut self, target: &str, path: &str) -> Option<Value> {
        if target == "AWS::NoValue" {
            return None;
        }
        if let Some((_, value)) = PSEUDO_PARAMETERS.iter().find(|(name, _)| *name == target) {
            return Some(self.placeholder(path, &format!("Ref {target}"), (*value).to_owned()));
        }
        if let Some(parameter) = self.section("Parameters").and_then(|p| p.get(target)) {
            return Some(match parameter.get("Default") {
                Some(default) => parameter_value(parameter, default),
                None => self.placeholder(
                    path,
                    &format!("Ref {target} (no Default)"),
                    target.to_owned(),
                ),
            });
        }
        let what = if self
            .section("Resources")
            .is_some_and(|r| r.contains_key(target))
        {
            format!("Ref {target} (a resource)")
        } else {
            format!("Ref {target} (undeclared)")
        };
        Some(self.placeholder(path, &what, target.to_owned()))
    }

    fn sub(&mut self, argument: &Value, path: &str) -> String {
        let (text, variables) = match argument {
            Value::Array(parts) => (
                parts
                    .first()
                    .map(|p| self.resolve_text(p, path))
                    .unwrap_or_default(),
                parts.get(1).and_then(Value::as_object),
            ),
            other => (self.resolve_text(other, path), None),
        };
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                return out;
            };
            let name = &after[..end];
            out.push_str(&self.sub_variable(name, variables, path));
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    fn sub_variable(
        &mut self,
        name: &str,
        variables: Option<&Map<String, Value>>,
        path: &str,
    ) -> String {
        if let Some(literal) = name.strip_prefix('!') {
            return format!("${{{literal}}}");
        }
        if let Some(value) = variables.and_then(|v| v.get(name)) {
            return self.resolve_text(value, path);
        }
        if name.contains('.') && !name.starts_with("AWS::") {
            return text_of(&self.placeholder(path, &format!("${{{name}}}"), name.to_owned()));
        }
        self.reference(name, path)
            .as_ref()
            .map(text_of)
            .unwrap_or_default()
    }

    fn join(&mut self, argument: &Value, path: &str) -> Option<Value> {
        let args = self.resolve(argument, path)?;
        let delimiter = args.get(0).map(text_of).unwrap_or_default();
        let parts = args
            .get(1)
            .and_then(Value::as_array)
            .map(|p| p.iter().map(text_of).collect::<Vec<_>>());
        Some(Value::String(parts.unwrap_or_default().join(&delimiter)))
    }

    fn select(&mut self, argument: &Value, path: &str) -> Option<Value> {
        let args = self.resolve(argument, path)?;
        let index = args
            .get(0)
            .and_then(|i| text_of(i).trim().parse::<usize>().ok());
        let list = match args.get(1) {
            Some(Value::String(s)) => s.split(',').map(|p| Value::String(p.to_owned())).collect(),
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        match index.and_then(|i| list.get(i)) {
            Some(value) => Some(value.clone()),
            None => Some(self.placeholder(path, "Fn::Select (out of range)", String::new())),
        }
    }

    fn split(&mut self, argument: &Value, path: &str) -> Option<Value> {
        let args = self.resolve(argument, path)?;
        let delimiter = args.get(0).map(text_of).unwrap_or_default();
        let text = args.get(1).map(text_of).unwrap_or_default();
        if delimiter.is_empty() {
            return Some(Value::Array(vec![Value::String(text)]));
        }
        Some(Value::Array(
            text.split(delimiter.as_str())
                .map(|p| Value::String(p.to_owned()))
                .collect(),
        ))
    }

    fn branch(&mut self, argument: &Value, path: &str) -> Option<Value> {
        let [condition, yes, no] = argument.as_array()?.as_slice() else {
            return Some(self.placeholder(
                path,
                "Fn::If (not [condition, then, else])",
                String::new(),
            ));
        };
        let name = text_of(condition);
        let holds = match self.condition(&name, path) {
            Some(holds) => holds,
            None => {
                self.notes.push(format!("{path}: Fn::If {name} cannot be decided from the template; taking its first branch"));
                true
            }
        };
        self.resolve(if holds { yes } else { no }, path)
    }

    /// The named condition's value, when the template decides it.
    fn condition(&mut self, name: &str, path: &str) -> Option<bool> {
        let expression = self.section("Conditions")?.get(name)?;
        if self.depth > 16 {
            return None;
        }
        self.depth += 1;
        let result = self.evaluate(expression, path);
        self.depth -= 1;
        result
    }

    fn evaluate(&mut self, expression: &Value, path: &str) -> Option<bool> {
        let (name, argument) = intrinsic(expression.as_object()?)?;
        let operands = argument.as_array();
        match name {
            "Condition" => self.condition(&text_of(argument), path),
            "Fn::Equals" => {
                let [a, b] = operands?.as_slice() else {
                    return None;
                };
                let a = self.resolve(a, path)?;
                let b = self.resolve(b, path)?;
                Some(text_of(&a) == text_of(&b))
            }
            "Fn::Not" => Some(!self.evaluate(operands?.first()?, path)?),
            "Fn::And" => operands?
                .iter()
                .try_fold(true, |acc, c| Some(acc & self.evaluate(c, path)?)),
            "Fn::Or" => operands?
                .iter()
                .try_fold(false, |acc, c| Some(acc | self.evaluate(c, path)?)),
            _ => None,
        }
    }

    fn find_in_map(&mut self, argument: &Value, path: &str) -> Option<Value> {
        let args = self.resolve(argument, path)?;
        let keys: Vec<String> = args.as_array()?.iter().take(3).map(text_of).collect();
        let found = match keys.as_slice() {
            [map, top, second] => self
                .section("Mappings")
                .and_then(|m| m.get(map))
                .and_then(|m| m.get(top))
                .and_then(|m| m.get(second))
                .cloned(),
            _ => None,
        };
        let default = args.get(3).and_then(|d| d.get("DefaultValue")).cloned();
        match found.or(default) {
            Some(value) => Some(value),
            None => Some(self.placeholder(path, "Fn::FindInMap", keys.join("."))),
        }
    }
}

/// A one-entry mapping whose key names an intrinsic function.
fn intrinsic(map: &Map<String, Value>) -> Option<(&str, &Value)> {
    if map.len() != 1 {
        return None;
    }
    let (key, value) = map.iter().next()?;
    (key == "Ref" || key == "Condition" || key.starts_with("Fn::")).then_some((key.as_str(), value))
}

/// A parameter's Default, split into a list for list-typed parameters.
fn parameter_value(parameter: &Value, default: &Value) -> Value {
    let kind = parameter
        .get("Type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match default {
        Value::String(s) if kind == "CommaDelimitedList" || kind.starts_with("List<") => {
            Value::Array(
                s.split(',')
                    .map(|p| Value::String(p.trim().to_owned()))
                    .collect(),
            )
        }
        other => other.clone(),
    }
}
