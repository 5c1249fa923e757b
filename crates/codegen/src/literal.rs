//! A request read into the values code is written from: the wire JSON, with each binary
//! value decoded into bytes and each timestamp marked, found by position (the operation's
//! paths (`attribute_paths.rs`)) and, inside an AttributeValue, by its type
//! (`B`, `BS`, and the `M` and `L` that nest further AttributeValues). Both languages write
//! from this tree, so they cannot disagree about which string is base64. For an operation
//! the paths table does not know, a one-member object `{"B": <base64>}` or `{"BS": [...]}`
//! anywhere is taken for a binary value, the best guess without the operation's model.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value};

use crate::CodegenError;
use crate::attribute_paths::{Position, Schema, Step};

/// How deep a request may nest. DynamoDB allows 32 levels inside an attribute value, and a
/// request adds a few of its own; serde_json stops parsing at 128.
pub(crate) const MAX_DEPTH: usize = 128;

/// A value as code writes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Null,
    Bool(bool),
    /// A JSON number's text.
    Number(String),
    String(String),
    /// A binary value, decoded.
    Bytes(Vec<u8>),
    Timestamp(Timestamp),
    List(Vec<Literal>),
    Map(Vec<(String, Literal)>),
}

/// A timestamp member's value as given.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Timestamp {
    /// Epoch seconds, the wire's form (a JSON number's text).
    Seconds(String),
    /// Text such as an ISO 8601 date, which both SDKs also take.
    Text(String),
}

/// The request's top-level members, `TableName` first when there is one, the others in the
/// JSON object's order.
pub(crate) fn read_request(
    operation: &str,
    request: &Value,
) -> Result<Vec<(String, Literal)>, CodegenError> {
    let Value::Object(members) = request else {
        return Err(CodegenError::RequestNotAnObject(kind_of(request)));
    };
    let reader = Reader {
        schema: Schema::of(operation),
    };
    let mut path = Vec::new();
    let mut entries = reader.entries(members, &mut path, Reader::value)?;
    if let Some(i) = entries.iter().position(|(name, _)| name == "TableName") {
        let table_name = entries.remove(i);
        entries.insert(0, table_name);
    }
    Ok(entries)
}

/// "an array", "a string"...: a JSON value's kind, for messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

type Path<'v> = Vec<Step<'v>>;
type Read<'v> = fn(&Reader, &'v Value, &mut Path<'v>) -> Result<Literal, CodegenError>;

struct Reader {
    /// `None` for an operation the paths table does not know.
    schema: Option<Schema>,
}

impl Reader {
    /// Any value of the request, read by what its position holds.
    fn value<'v>(&self, value: &'v Value, path: &mut Path<'v>) -> Result<Literal, CodegenError> {
        let Some(schema) = &self.schema else {
            return self.guessed(value, path);
        };
        match schema.position(path) {
            Position::AttributeValue => self.attribute_value(value, path),
            Position::Timestamp => Ok(match value {
                Value::Number(n) => Literal::Timestamp(Timestamp::Seconds(n.to_string())),
                Value::String(s) => Literal::Timestamp(Timestamp::Text(s.clone())),
                other => self.plain(other, path)?,
            }),
            Position::Enclosing => self.children(value, path, Reader::value),
            Position::Plain => self.plain(value, path),
        }
    }

    /// Data with no AttributeValue or timestamp inside.
    fn plain<'v>(&self, value: &'v Value, path: &mut Path<'v>) -> Result<Literal, CodegenError> {
        self.children(value, path, Reader::plain)
    }

    /// An AttributeValue: its type's member decoded when binary, nested ones read in turn.
    fn attribute_value<'v>(
        &self,
        value: &'v Value,
        path: &mut Path<'v>,
    ) -> Result<Literal, CodegenError> {
        let Value::Object(types) = value else {
            return self.plain(value, path);
        };
        let entries = self.entries(types, path, |reader, member, path| {
            let Some(Step::Member(data_type)) = path.last() else {
                return reader.plain(member, path);
            };
            match (*data_type, member) {
                ("B", _) => binary(member, path),
                ("BS", Value::Array(elements)) => {
                    reader.elements(elements, path, |_, e, path| binary(e, path))
                }
                ("BS", other) => Err(CodegenError::InvalidBinary {
                    path: path_text(path),
                    problem: format!("it is {}, not a list of base64 strings", kind_of(other)),
                }),
                ("M", Value::Object(_)) => reader.children(member, path, Reader::attribute_value),
                ("L", Value::Array(_)) => reader.children(member, path, Reader::attribute_value),
                _ => reader.plain(member, path),
            }
        })?;
        Ok(Literal::Map(entries))
    }

    /// Without the operation's model: a lone `B` or `BS` holding base64 is binary.
    fn guessed<'v>(&self, value: &'v Value, path: &mut Path<'v>) -> Result<Literal, CodegenError> {
        if let Value::Object(members) = value
            && members.len() == 1
            && let Some(bytes) = guess_binary(members)
        {
            return Ok(bytes);
        }
        self.children(value, path, Reader::guessed)
    }

    /// A container's members or elements each read by `read`; a scalar as it is.
    fn children<'v>(
        &self,
        value: &'v Value,
        path: &mut Path<'v>,
        read: Read<'v>,
    ) -> Result<Literal, CodegenError> {
        Ok(match value {
            Value::Null => Literal::Null,
            Value::Bool(b) => Literal::Bool(*b),
            Value::Number(n) => Literal::Number(n.to_string()),
            Value::String(s) => Literal::String(s.clone()),
            Value::Array(elements) => self.elements(elements, path, read)?,
            Value::Object(members) => Literal::Map(self.entries(members, path, read)?),
        })
    }

    fn entries<'v>(
        &self,
        members: &'v Map<String, Value>,
        path: &mut Path<'v>,
        read: impl Fn(&Reader, &'v Value, &mut Path<'v>) -> Result<Literal, CodegenError>,
    ) -> Result<Vec<(String, Literal)>, CodegenError> {
        members
            .iter()
            .map(|(name, member)| {
                let literal = self.step(Step::Member(name), member, path, &read)?;
                Ok((name.clone(), literal))
            })
            .collect()
    }

    fn elements<'v>(
        &self,
        elements: &'v [Value],
        path: &mut Path<'v>,
        read: impl Fn(&Reader, &'v Value, &mut Path<'v>) -> Result<Literal, CodegenError>,
    ) -> Result<Literal, CodegenError> {
        let literals = elements
            .iter()
            .enumerate()
            .map(|(i, element)| self.step(Step::Element(i), element, path, &read))
            .collect::<Result<_, _>>()?;
        Ok(Literal::List(literals))
    }

    /// Reads `value` one step further down `path`, refusing to go past [`MAX_DEPTH`].
    fn step<'v>(
        &self,
        step: Step<'v>,
        value: &'v Value,
        path: &mut Path<'v>,
        read: &impl Fn(&Reader, &'v Value, &mut Path<'v>) -> Result<Literal, CodegenError>,
    ) -> Result<Literal, CodegenError> {
        path.push(step);
        let result = if path.len() > MAX_DEPTH {
            Err(CodegenError::TooDeep {
                path: path_text(path),
            })
        } else {
            read(self, value, path)
        };
        path.pop();
        result
    }
}

/// A `B` value, or an element of `BS`: base64 as DynamoDB reads it (standard alphabet,
/// padded).
fn binary(value: &Value, path: &[Step<'_>]) -> Result<Literal, CodegenError> {
    let problem = match value {
        Value::String(text) => match BASE64.decode(text) {
            Ok(bytes) => return Ok(Literal::Bytes(bytes)),
            Err(_) => "it is not valid base64".to_owned(),
        },
        other => format!("it is {}, not a base64 string", kind_of(other)),
    };
    Err(CodegenError::InvalidBinary {
        path: path_text(path),
        problem,
    })
}

/// The lone member of an object, if it is `B` with base64 or `BS` with a list of base64.
fn guess_binary(members: &Map<String, Value>) -> Option<Literal> {
    let decode = |value: &Value| match value {
        Value::String(text) => BASE64.decode(text).ok().map(Literal::Bytes),
        _ => None,
    };
    let (data_type, value) = members.iter().next()?;
    let literal = match (data_type.as_str(), value) {
        ("B", value) => decode(value)?,
        ("BS", Value::Array(elements)) => {
            Literal::List(elements.iter().map(decode).collect::<Option<_>>()?)
        }
        _ => return None,
    };
    Some(Literal::Map(vec![(data_type.clone(), literal)]))
}

/// A path as a reader of JavaScript would write it: `Item.photo.B`, `Keys[0]["my key"].S`.
fn path_text(path: &[Step<'_>]) -> String {
    let mut text = String::new();
    for step in path {
        match step {
            Step::Member(name) if is_plain_name(name) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(name);
            }
            Step::Member(name) => {
                text.push('[');
                text.push_str(&Value::String((*name).to_owned()).to_string());
                text.push(']');
            }
            Step::Element(i) => text.push_str(&format!("[{i}]")),
        }
    }
    text
}

fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
