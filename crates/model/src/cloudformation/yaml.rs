//! YAML templates into JSON values, built from saphyr-parser's events: plain scalars typed by
//! YAML 1.2's core schema (`5` a number, `true` a boolean, `~` null, the rest strings), local
//! tags as CloudFormation's long-form intrinsics (`!Ref x` → `{"Ref": "x"}`, `!GetAtt a.b` →
//! `{"Fn::GetAtt": ["a", "b"]}`), aliases copied from their anchors. Hostile text is stopped by
//! a budget of values (aliases spend what they copy, so alias bombs run out), a nesting cap,
//! and refusals of duplicate keys, non-scalar keys and several documents.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Number, Value};

use super::parse::long_form;
use super::{MAX_DEPTH, MAX_NODES};
use crate::error::ModelError;

/// A YAML template as a JSON value and the logical ids of its Resources in written order.
pub(super) fn parse_yaml(text: &str) -> Result<(Value, Vec<String>), ModelError> {
    let mut loader = Loader::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| ModelError::whole(format!("not valid YAML: {e}")))?;
        loader
            .event(event)
            .map_err(|message| ModelError::whole(format!("{message} at line {}", line(&span))))?;
    }
    match loader.result {
        Some((value, _)) if !value.is_null() => Ok((value, loader.order)),
        _ => Err(ModelError::whole("the template is empty")),
    }
}

fn line(span: &Span) -> usize {
    span.start.line()
}

/// A collection being built, with what its anchor and tag need when it closes.
struct Frame {
    kind: Kind,
    anchor: usize,
    tag: Option<String>,
    /// The budget left when the collection opened, to know what an alias of it costs.
    budget_at_start: usize,
    /// The deepest child's depth.
    child_depth: usize,
    /// True for the mapping under the root's `Resources` key, whose keys are recorded.
    resources: bool,
}

enum Kind {
    Sequence(Vec<Value>),
    Mapping(Map<String, Value>, Option<String>),
}

/// An anchored value: the value, the budget a copy spends, and its depth.
type Anchored = (Value, usize, usize);

struct Loader {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    budget: usize,
    documents: usize,
    result: Option<(Value, usize)>,
    order: Vec<String>,
}

impl Default for Loader {
    fn default() -> Loader {
        Loader {
            stack: Vec::new(),
            anchors: HashMap::new(),
            budget: MAX_NODES,
            documents: 0,
            result: None,
            order: Vec::new(),
        }
    }
}

impl Loader {
    fn event(&mut self, event: Event) -> Result<(), String> {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err("a template is one YAML document; this text has several".into());
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.spend(1)?;
                let value = scalar(&text, style, tag.as_deref())?;
                let value = tagged(value, tag.as_deref());
                let depth = depth_of_scalar(&value);
                if anchor > 0 {
                    self.anchors.insert(anchor, (value.clone(), 1, depth));
                }
                self.push(value, depth)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(Kind::Sequence(Vec::new()), anchor, tag.as_deref())?
            }
            Event::MappingStart(anchor, tag) => {
                self.open(Kind::Mapping(Map::new(), None), anchor, tag.as_deref())?
            }
            Event::SequenceEnd | Event::MappingEnd => self.close()?,
            Event::Alias(anchor) => {
                let (value, cost, depth) = self
                    .anchors
                    .get(&anchor)
                    .cloned()
                    .ok_or("an alias to an unknown or unfinished anchor")?;
                self.spend(cost)?;
                self.push(value, depth)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn spend(&mut self, cost: usize) -> Result<(), String> {
        self.budget = self
            .budget
            .checked_sub(cost)
            .ok_or_else(|| format!("the template holds more than {MAX_NODES} values"))?;
        Ok(())
    }

    fn open(&mut self, kind: Kind, anchor: usize, tag: Option<&Tag>) -> Result<(), String> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(format!("the template nests deeper than {MAX_DEPTH} levels"));
        }
        self.spend(1)?;
        let resources = match self.stack.as_slice() {
            [root] => matches!(&root.kind, Kind::Mapping(_, Some(key)) if key == "Resources"),
            _ => false,
        };
        self.stack.push(Frame {
            kind,
            anchor,
            tag: local_tag(tag),
            budget_at_start: self.budget + 1,
            child_depth: 0,
            resources,
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), String> {
        let frame = self
            .stack
            .pop()
            .ok_or("a collection closes that never opened")?;
        let value = match frame.kind {
            Kind::Sequence(items) => Value::Array(items),
            Kind::Mapping(map, None) => Value::Object(map),
            Kind::Mapping(_, Some(key)) => return Err(format!("the key \"{key}\" has no value")),
        };
        let (value, depth) = match frame.tag {
            Some(tag) => (long_form(&tag, value), frame.child_depth + 2),
            None => (value, frame.child_depth + 1),
        };
        if frame.anchor > 0 {
            let cost = frame.budget_at_start - self.budget;
            self.anchors
                .insert(frame.anchor, (value.clone(), cost, depth));
        }
        self.push(value, depth)
    }

    /// Puts a finished value where it belongs: in the open collection, or as the document.
    fn push(&mut self, value: Value, depth: usize) -> Result<(), String> {
        if self.stack.len() + depth > MAX_DEPTH + 1 {
            return Err(format!("the template nests deeper than {MAX_DEPTH} levels"));
        }
        let Some(frame) = self.stack.last_mut() else {
            self.result = Some((value, depth));
            return Ok(());
        };
        frame.child_depth = frame.child_depth.max(depth);
        match &mut frame.kind {
            Kind::Sequence(items) => items.push(value),
            Kind::Mapping(map, pending @ None) => {
                let key = key_text(value)?;
                if map.contains_key(&key) {
                    return Err(format!("duplicate key \"{key}\""));
                }
                if frame.resources {
                    self.order.push(key.clone());
                }
                *pending = Some(key);
            }
            Kind::Mapping(map, pending) => {
                if let Some(key) = pending.take() {
                    map.insert(key, value);
                }
            }
        }
        Ok(())
    }
}

fn key_text(value: Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s),
        Value::Number(_) | Value::Bool(_) | Value::Null => Ok(value.to_string()),
        _ => Err("a mapping key must be a plain scalar".into()),
    }
}

fn depth_of_scalar(value: &Value) -> usize {
    if value.is_object() { 2 } else { 1 }
}

/// A local tag's name (`!Ref` → `Ref`); core-schema and other tags are not intrinsics.
fn local_tag(tag: Option<&Tag>) -> Option<String> {
    let tag = tag?;
    (tag.handle == "!" && !tag.suffix.is_empty()).then(|| tag.suffix.clone())
}

fn tagged(value: Value, tag: Option<&Tag>) -> Value {
    match local_tag(tag) {
        Some(name) => long_form(&name, value),
        None => value,
    }
}

/// A scalar's value: quoted and block scalars are strings, plain ones typed by the core schema,
/// `!!str`, `!!int`, `!!float`, `!!bool` and `!!null` obeyed.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    if let Some(tag) = tag.filter(|t| t.is_yaml_core_schema()) {
        let typed = match tag.suffix.as_str() {
            "str" => Some(Value::String(text.to_owned())),
            "int" | "float" => number(text),
            "bool" => boolean(text),
            "null" => Some(Value::Null),
            _ => None,
        };
        return typed.ok_or_else(|| format!("\"{text}\" is not a !!{}", tag.suffix));
    }
    if style != ScalarStyle::Plain || tag.is_some_and(|t| t.handle == "!" && t.suffix.is_empty()) {
        return Ok(Value::String(text.to_owned()));
    }
    Ok(match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        _ => boolean(text)
            .or_else(|| number(text))
            .unwrap_or_else(|| Value::String(text.to_owned())),
    })
}

fn boolean(text: &str) -> Option<Value> {
    match text {
        "true" | "True" | "TRUE" => Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => Some(Value::Bool(false)),
        _ => None,
    }
}

/// A number in the core schema's forms: decimal, `0o` octal and `0x` hexadecimal integers,
/// and decimal floats (`.inf` and `.nan` have no JSON form and stay strings).
fn number(text: &str) -> Option<Value> {
    let radix = |prefix: &str, radix: u32| {
        let digits = text.strip_prefix(prefix)?;
        u64::from_str_radix(digits, radix).ok().map(Value::from)
    };
    if let Some(value) = radix("0x", 16).or_else(|| radix("0o", 8)) {
        return Some(value);
    }
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let decimal = !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit());
    if decimal {
        if let Ok(n) = text.parse::<i64>() {
            return Some(Value::from(n));
        }
        if let Some(n) = body.parse::<u64>().ok().filter(|_| !text.starts_with('-')) {
            return Some(Value::from(n));
        }
    }
    let float_like = body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && body.bytes().any(|b| b.is_ascii_digit());
    if float_like {
        let n = text.parse::<f64>().ok()?;
        return Number::from_f64(n).map(Value::Number);
    }
    None
}
