//! [`Js`]: the TypeScript expressions the CDK and SST exports are made of (object literals,
//! arrays, strings, numbers and code such as `AttributeType.STRING`), written in the layout
//! Prettier gives them: objects one property a line, short arrays of scalars on one line.

use super::{js_key, js_string};

/// A TypeScript expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Js {
    /// Code written as is (`Billing.onDemand()`).
    Code(String),
    Str(String),
    Num(u64),
    Bool(bool),
    Array(Vec<Js>),
    /// An object literal, properties in order.
    Object(Vec<(String, Js)>),
    /// `callee(argument)`, the argument laid out at the call's indentation.
    Call(String, Box<Js>),
}

impl Js {
    pub fn code(s: impl Into<String>) -> Js {
        Js::Code(s.into())
    }

    pub fn str(s: impl Into<String>) -> Js {
        Js::Str(s.into())
    }

    pub fn object<K: Into<String>>(entries: impl IntoIterator<Item = (K, Js)>) -> Js {
        Js::Object(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn call(callee: impl Into<String>, argument: Js) -> Js {
        Js::Call(callee.into(), Box::new(argument))
    }

    pub fn strings<'a>(items: impl IntoIterator<Item = &'a String>) -> Js {
        Js::Array(items.into_iter().map(|s| Js::str(s.as_str())).collect())
    }

    /// Adds a property to an object; does nothing to other expressions.
    pub fn push(&mut self, key: impl Into<String>, value: Js) {
        if let Js::Object(entries) = self {
            entries.push((key.into(), value));
        }
    }

    /// The expression as code whose continuation lines are indented by `indent` spaces.
    pub fn render(&self, indent: usize) -> String {
        let mut out = String::new();
        self.write(indent, &mut out);
        out
    }

    fn write(&self, indent: usize, out: &mut String) {
        match self {
            Js::Code(code) => out.push_str(code),
            Js::Str(s) => out.push_str(&js_string(s)),
            Js::Num(n) => out.push_str(&n.to_string()),
            Js::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Js::Array(_) | Js::Object(_) if let Some(line) = self.one_line() => out.push_str(&line),
            Js::Array(items) => {
                out.push_str("[\n");
                for item in items {
                    pad(indent + 2, out);
                    item.write(indent + 2, out);
                    out.push_str(",\n");
                }
                pad(indent, out);
                out.push(']');
            }
            Js::Call(callee, argument) => {
                out.push_str(callee);
                out.push('(');
                argument.write(indent, out);
                out.push(')');
            }
            Js::Object(entries) => {
                out.push_str("{\n");
                for (key, value) in entries {
                    pad(indent + 2, out);
                    out.push_str(&js_key(key));
                    out.push_str(": ");
                    value.write(indent + 2, out);
                    out.push_str(",\n");
                }
                pad(indent, out);
                out.push('}');
            }
        }
    }

    /// The expression on one line when it is short (Prettier's layout for
    /// `{ name: "PK", type: AttributeType.STRING }` and `["a", "b"]`); calls stay multi-line.
    fn one_line(&self) -> Option<String> {
        let line = match self {
            Js::Call(..) => return None,
            Js::Array(items) => {
                let items: Option<Vec<String>> = items.iter().map(Js::one_line).collect();
                format!("[{}]", items?.join(", "))
            }
            Js::Object(entries) if entries.is_empty() => "{}".to_owned(),
            Js::Object(entries) => {
                let entries: Option<Vec<String>> = entries
                    .iter()
                    .map(|(k, v)| Some(format!("{}: {}", js_key(k), v.one_line()?)))
                    .collect();
                format!("{{ {} }}", entries?.join(", "))
            }
            scalar => scalar.render(0),
        };
        (line.chars().count() <= ONE_LINE).then_some(line)
    }
}

/// The longest object or array written on one line.
const ONE_LINE: usize = 60;

fn pad(n: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', n));
}
