//! The operation a request is for: its name checked (PascalCase ASCII letters, and not one
//! of the simulator's own `Dynoscope_` operations), the service that serves it (DynamoDB, or
//! DynamoDB Streams for its four operations, which the SDKs put in a client of their own),
//! and the names the SDKs give it: `PutItemCommand` in JavaScript, `put_item` in boto3.

use crate::CodegenError;

/// The AWS service whose client sends an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    DynamoDb,
    Streams,
}

/// DynamoDB Streams' operations; every other operation is DynamoDB's.
const STREAMS_OPERATIONS: [&str; 4] = [
    "DescribeStream",
    "GetRecords",
    "GetShardIterator",
    "ListStreams",
];

/// A checked operation name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operation<'a> {
    pub name: &'a str,
    pub service: Service,
}

impl<'a> Operation<'a> {
    pub fn parse(name: &'a str) -> Result<Self, CodegenError> {
        if name.starts_with("Dynoscope_") {
            return Err(CodegenError::DynoscopeOperation(name.to_owned()));
        }
        let mut chars = name.chars();
        let pascal_case = chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_alphabetic());
        if !pascal_case {
            return Err(CodegenError::InvalidOperationName(name.to_owned()));
        }
        let service = if STREAMS_OPERATIONS.contains(&name) {
            Service::Streams
        } else {
            Service::DynamoDb
        };
        Ok(Self { name, service })
    }

    /// boto3's method name: botocore's `xform_name` (its two substitutions,
    /// `(.)([A-Z][a-z]+)` then `([a-z0-9])([A-Z])`, and the special case of a name ending
    /// in an acronym's plural such as `ARNs`), so `DescribeTimeToLive` is
    /// `describe_time_to_live`.
    pub fn python_method(&self) -> String {
        let name = self.name;
        let acronym_plural = acronym_plural_suffix(name);
        let (head, tail) = name.split_at(name.len() - acronym_plural);
        let words = split_words(head).to_ascii_lowercase();
        if tail.is_empty() {
            words
        } else {
            format!("{words}_{}", tail.to_ascii_lowercase())
        }
    }
}

/// The length of a trailing `[A-Z]{2,}s` (botocore's `_special_case_transform`), or 0.
fn acronym_plural_suffix(name: &str) -> usize {
    let Some(rest) = name.strip_suffix('s') else {
        return 0;
    };
    let capitals = rest
        .bytes()
        .rev()
        .take_while(u8::is_ascii_uppercase)
        .count();
    if capitals >= 2 { capitals + 1 } else { 0 }
}

/// botocore's two regular-expression substitutions, scanned the way `re.sub` scans:
/// left to right, matches not overlapping.
fn split_words(name: &str) -> String {
    let bytes = name.as_bytes();
    // (.)([A-Z][a-z]+) -> \1_\2
    let mut first = Vec::with_capacity(bytes.len() * 2);
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_uppercase()
            && bytes[i + 2].is_ascii_lowercase();
        if starts_word {
            first.extend_from_slice(&[bytes[i], b'_', bytes[i + 1]]);
            i += 2;
            while i < bytes.len() && bytes[i].is_ascii_lowercase() {
                first.push(bytes[i]);
                i += 1;
            }
        } else {
            first.push(bytes[i]);
            i += 1;
        }
    }
    // ([a-z0-9])([A-Z]) -> \1_\2
    let mut second = Vec::with_capacity(first.len() * 2);
    let mut i = 0;
    while i < first.len() {
        if i + 1 < first.len()
            && (first[i].is_ascii_lowercase() || first[i].is_ascii_digit())
            && first[i + 1].is_ascii_uppercase()
        {
            second.extend_from_slice(&[first[i], b'_', first[i + 1]]);
            i += 2;
        } else {
            second.push(first[i]);
            i += 1;
        }
    }
    // Only ASCII went in (the name was checked), so only ASCII comes out.
    String::from_utf8(second).unwrap_or_default()
}
