//! The request as a boto3 program: the low-level client (`dynamodb`, or `dynamodbstreams`
//! for the Streams operations), one call of the operation's snake_case method with the
//! request's members as keyword arguments, and the response printed. Binary values are
//! `bytes` literals of the decoded data, which boto3 base64-encodes itself; Python literals
//! are `True`, `False` and `None`; four spaces indent, as PEP 8 has it.

use crate::layout::{self, Syntax};
use crate::literal::{Literal, Timestamp};
use crate::operation::{Operation, Service};

pub(crate) fn program(operation: &Operation<'_>, request: &[(String, Literal)]) -> String {
    let service = match operation.service {
        Service::DynamoDb => "dynamodb",
        Service::Streams => "dynamodbstreams",
    };
    let mut out = format!(
        "import boto3\n\
         \n\
         client = boto3.client(\"{service}\")\n\
         response = client.{}(",
        operation.python_method()
    );
    // A member whose name cannot be a keyword argument goes in through `**{...}`, so that
    // the call still sends exactly the request.
    let (keywords, others): (Vec<_>, Vec<_>) = request
        .iter()
        .cloned()
        .partition(|(name, _)| is_keyword_argument(name));
    if !request.is_empty() {
        out.push('\n');
        for (name, value) in &keywords {
            layout::indent::<Python>(1, &mut out);
            out.push_str(name);
            out.push('=');
            layout::write_value(&Python, value, 1, &mut out);
            out.push_str(",\n");
        }
        if !others.is_empty() {
            layout::indent::<Python>(1, &mut out);
            out.push_str("**");
            layout::write_value(&Python, &Literal::Map(others), 1, &mut out);
            out.push_str(",\n");
        }
    }
    out.push_str(")\nprint(response)\n");
    out
}

struct Python;

impl Syntax for Python {
    const INDENT: &'static str = "    ";
    const MAP_PADDING: &'static str = "";

    fn scalar(&self, literal: &Literal, out: &mut String) {
        match literal {
            Literal::Null => out.push_str("None"),
            Literal::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
            Literal::Number(n) | Literal::Timestamp(Timestamp::Seconds(n)) => out.push_str(n),
            Literal::String(text) | Literal::Timestamp(Timestamp::Text(text)) => {
                layout::quote(text, out);
            }
            Literal::Bytes(bytes) => bytes_literal(bytes, out),
            // Containers are laid out by `layout`; nothing reaches here.
            Literal::List(_) | Literal::Map(_) => {}
        }
    }

    fn key(&self, key: &str, out: &mut String) {
        layout::quote(key, out);
    }
}

/// `b"..."`: printable ASCII as itself, the rest as escapes.
fn bytes_literal(bytes: &[u8], out: &mut String) {
    out.push_str("b\"");
    for &byte in bytes {
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b' '..=b'~' => out.push(byte as char),
            _ => out.push_str(&format!("\\x{byte:02x}")),
        }
    }
    out.push('"');
}

/// Python's keywords, which cannot name a keyword argument.
const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

fn is_keyword_argument(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&name)
}
