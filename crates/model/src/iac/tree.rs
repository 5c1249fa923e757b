//! [`Tree`]: the ordered document the CloudFormation and CLI exports are built as, and its
//! two writers. JSON text keeps the order properties are added in (serde_json's map sorts
//! keys); the YAML writer quotes every string a YAML 1.1 reader could take for something
//! else (`yes`, `on`, `2010-09-09`, `0x1F`), since CloudFormation and cfn-lint read YAML 1.1,
//! and writes CloudFormation's short-form tags (`!Ref Orders`, `!GetAtt Orders.Arn`).

use std::fmt::Write as _;

use serde_json::{Number, Value};

/// A JSON-shaped document whose maps keep their order, with YAML tags for intrinsics.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tree {
    Null,
    Bool(bool),
    Num(Number),
    Str(String),
    List(Vec<Tree>),
    Map(Vec<(String, Tree)>),
    /// A YAML short-form tag (`!Ref`) on a value; only [`Tree::short_form`] makes these.
    Tag(String, Box<Tree>),
}

impl Tree {
    pub fn str(s: impl Into<String>) -> Tree {
        Tree::Str(s.into())
    }

    pub fn num(n: u64) -> Tree {
        Tree::Num(n.into())
    }

    /// A map from `(key, value)` pairs, in order.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Tree)>) -> Tree {
        Tree::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// `{"Ref": name}`.
    pub fn reference(name: &str) -> Tree {
        Tree::map([("Ref", Tree::str(name))])
    }

    /// `{"Fn::GetAtt": [resource, attribute]}`.
    pub fn get_att(resource: &str, attribute: &str) -> Tree {
        Tree::map([(
            "Fn::GetAtt",
            Tree::List(vec![Tree::str(resource), Tree::str(attribute)]),
        )])
    }

    /// Appends `key: value` to a map; does nothing to other trees.
    pub fn push(&mut self, key: impl Into<String>, value: Tree) {
        if let Tree::Map(entries) = self {
            entries.push((key.into(), value));
        }
    }

    /// True when a map already has `key`.
    pub fn has(&self, key: &str) -> bool {
        matches!(self, Tree::Map(entries) if entries.iter().any(|(k, _)| k == key))
    }

    /// The same document with CloudFormation's long-form intrinsics (`{"Ref": x}`,
    /// `{"Fn::Sub": x}`) as YAML short-form tags (`!Ref x`, `!Sub x`).
    pub fn short_form(self) -> Tree {
        match self {
            Tree::Map(entries) if entries.len() == 1 => {
                let (key, value) = entries.into_iter().next().expect("one entry");
                match intrinsic_tag(&key) {
                    Some(tag) => Tree::Tag(tag.to_owned(), Box::new(short_value(tag, value))),
                    None => Tree::Map(vec![(key, value.short_form())]),
                }
            }
            Tree::Map(entries) => Tree::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, v.short_form()))
                    .collect(),
            ),
            Tree::List(items) => Tree::List(items.into_iter().map(Tree::short_form).collect()),
            other => other,
        }
    }

    /// The tree as a serde_json value (key order is lost; tags become their long form).
    pub fn to_value(&self) -> Value {
        match self {
            Tree::Null => Value::Null,
            Tree::Bool(b) => Value::Bool(*b),
            Tree::Num(n) => Value::Number(n.clone()),
            Tree::Str(s) => Value::String(s.clone()),
            Tree::List(items) => Value::Array(items.iter().map(Tree::to_value).collect()),
            Tree::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_value()))
                    .collect(),
            ),
            Tree::Tag(tag, value) => {
                let key = if tag == "Ref" || tag == "Condition" {
                    tag.clone()
                } else {
                    format!("Fn::{tag}")
                };
                Value::Object([(key, value.to_value())].into_iter().collect())
            }
        }
    }

    /// A serde_json value as a tree (objects come out in serde_json's key order).
    pub fn from_value(value: &Value) -> Tree {
        match value {
            Value::Null => Tree::Null,
            Value::Bool(b) => Tree::Bool(*b),
            Value::Number(n) => Tree::Num(n.clone()),
            Value::String(s) => Tree::Str(s.clone()),
            Value::Array(items) => Tree::List(items.iter().map(Tree::from_value).collect()),
            Value::Object(map) => {
                Tree::map(map.iter().map(|(k, v)| (k.clone(), Tree::from_value(v))))
            }
        }
    }

    /// Pretty JSON, two-space indented, maps in their order.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_json(self, 0, &mut out);
        out.push('\n');
        out
    }

    /// Block-style YAML, two-space indented, maps in their order.
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        match self {
            Tree::Map(entries) if !entries.is_empty() => write_yaml_map(entries, 0, &mut out),
            Tree::List(items) if !items.is_empty() => write_yaml_list(items, 0, &mut out),
            scalar => {
                out.push_str(&yaml_inline(scalar));
                out.push('\n');
            }
        }
        out
    }
}

/// The short-form tag for a long-form intrinsic key, if it is one.
fn intrinsic_tag(key: &str) -> Option<&str> {
    match key {
        "Ref" | "Condition" => Some(key),
        _ => key.strip_prefix("Fn::").filter(|rest| !rest.is_empty()),
    }
}

/// `!GetAtt` takes `Resource.Attribute` as one string; every other tag its value as is.
fn short_value(tag: &str, value: Tree) -> Tree {
    if tag == "GetAtt"
        && let Tree::List(parts) = &value
        && let [Tree::Str(resource), Tree::Str(attribute)] = parts.as_slice()
    {
        return Tree::Str(format!("{resource}.{attribute}"));
    }
    value.short_form()
}

fn write_json(tree: &Tree, indent: usize, out: &mut String) {
    match tree {
        Tree::List(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                pad(indent + 2, out);
                write_json(item, indent + 2, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            pad(indent, out);
            out.push(']');
        }
        Tree::Map(entries) if !entries.is_empty() => {
            out.push_str("{\n");
            for (i, (key, value)) in entries.iter().enumerate() {
                pad(indent + 2, out);
                out.push_str(&json_string(key));
                out.push_str(": ");
                write_json(value, indent + 2, out);
                out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
            }
            pad(indent, out);
            out.push('}');
        }
        Tree::Tag(..) => write_json(&Tree::from_value(&tree.to_value()), indent, out),
        scalar => out.push_str(&json_scalar(scalar)),
    }
}

fn json_scalar(tree: &Tree) -> String {
    match tree {
        Tree::Null => "null".to_owned(),
        Tree::Bool(b) => b.to_string(),
        Tree::Num(n) => n.to_string(),
        Tree::Str(s) => json_string(s),
        Tree::List(_) => "[]".to_owned(),
        Tree::Map(_) => "{}".to_owned(),
        Tree::Tag(..) => tree.to_value().to_string(),
    }
}

/// A JSON string literal (also a valid YAML double-quoted scalar and JavaScript literal,
/// once the line separators JSON leaves raw are escaped).
pub(crate) fn json_string(s: &str) -> String {
    let quoted = serde_json::to_string(s).expect("a string always serialises");
    if quoted.contains(['\u{2028}', '\u{2029}', '\u{85}', '\u{feff}']) {
        quoted
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029")
            .replace('\u{85}', "\\u0085")
            .replace('\u{feff}', "\\ufeff")
    } else {
        quoted
    }
}

fn pad(n: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn write_yaml_map(entries: &[(String, Tree)], indent: usize, out: &mut String) {
    for (key, value) in entries {
        pad(indent, out);
        out.push_str(&yaml_string(key));
        out.push(':');
        write_yaml_value(value, indent, out);
    }
}

fn write_yaml_list(items: &[Tree], indent: usize, out: &mut String) {
    for item in items {
        // An item is written as if it sat two columns further in, then its first line's
        // indentation becomes the dash.
        let mut nested = String::new();
        match item {
            Tree::Map(entries) if !entries.is_empty() => {
                write_yaml_map(entries, indent + 2, &mut nested)
            }
            Tree::List(inner) if !inner.is_empty() => {
                write_yaml_list(inner, indent + 2, &mut nested)
            }
            other => {
                pad(indent + 2, &mut nested);
                nested.push_str(yaml_inline(other).trim_start());
                nested.push('\n');
            }
        }
        pad(indent, out);
        out.push_str("- ");
        out.push_str(&nested[indent + 2..]);
    }
}

/// Writes what follows `key:` (the colon is already out).
fn write_yaml_value(value: &Tree, indent: usize, out: &mut String) {
    match value {
        Tree::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            write_yaml_map(entries, indent + 2, out);
        }
        Tree::List(items) if !items.is_empty() => {
            out.push('\n');
            write_yaml_list(items, indent + 2, out);
        }
        Tree::Tag(tag, inner) if is_block(inner) => {
            let _ = write!(out, " !{tag}");
            write_yaml_value(inner, indent, out);
        }
        scalar => {
            out.push(' ');
            out.push_str(&yaml_inline(scalar));
            out.push('\n');
        }
    }
}

fn is_block(tree: &Tree) -> bool {
    matches!(tree, Tree::Map(e) if !e.is_empty()) || matches!(tree, Tree::List(i) if !i.is_empty())
}

/// A value on one line: a scalar, `{}`, `[]`, or a tag on one of those.
fn yaml_inline(tree: &Tree) -> String {
    match tree {
        Tree::Str(s) => yaml_string(s),
        Tree::Tag(tag, inner) if !is_block(inner) => format!("!{tag} {}", yaml_inline(inner)),
        // A flow collection: compact JSON is valid YAML.
        Tree::Tag(tag, inner) => format!("!{tag} {}", inner.to_value()),
        other => json_scalar(other),
    }
}

/// A string plain when no YAML 1.1 or 1.2 reader can take it for anything but that string,
/// else double-quoted.
fn yaml_string(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_owned()
    } else {
        json_string(s)
    }
}

fn is_plain_safe(s: &str) -> bool {
    const WORDS: [&str; 9] = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"];
    let mut chars = s.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    starts_with_letter
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-' | ':'))
        && !s.ends_with(':')
        && !s.contains(": ")
        && !WORDS.iter().any(|w| s.eq_ignore_ascii_case(w))
}
