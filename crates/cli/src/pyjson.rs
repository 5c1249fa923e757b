//! JSON read as the AWS CLI reads it: with Python's `json.loads`, whose error messages the CLI
//! prints as they are ("Expecting value: line 1 column 12 (char 11)"). This follows CPython's
//! scanner (`Modules/_json.c`) step by step, so an error names the same place and the same
//! expectation; positions count characters, not bytes. What it accepts it gives as JSON; the
//! constants Python also accepts (`NaN`, `Infinity`, `-Infinity`) have no JSON form and read
//! as null.

use serde_json::{Map, Number, Value};

/// A JSON value as Python holds it: objects keep their members' order (a repeated key keeps
/// its first place and its last value, as a `dict` does).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub fn into_value(self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Number(n) => Value::Number(n),
            Json::String(s) => Value::String(s),
            Json::Array(items) => Value::Array(items.into_iter().map(Json::into_value).collect()),
            Json::Object(pairs) => Value::Object(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k, v.into_value()))
                    .collect::<Map<String, Value>>(),
            ),
        }
    }
}

/// `json.loads(text)`, or the message of the `JSONDecodeError` it raises.
pub fn loads(text: &str) -> Result<Value, String> {
    loads_ordered(text).map(Json::into_value)
}

/// `json.loads(text)` with the objects' order kept.
pub fn loads_ordered(text: &str) -> Result<Json, String> {
    let chars: Vec<char> = text.chars().collect();
    let scanner = Scanner { s: &chars };
    if chars.first() == Some(&'\u{feff}') {
        return Err(scanner.error("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0));
    }
    let start = scanner.whitespace(0);
    let (value, end) = match scanner.scan_once(start) {
        Ok(found) => found,
        Err(Fail::Stop(at)) => return Err(scanner.error("Expecting value", at)),
        Err(Fail::Error(message)) => return Err(message),
    };
    let end = scanner.whitespace(end);
    if end != chars.len() {
        return Err(scanner.error("Extra data", end));
    }
    Ok(value)
}

enum Fail {
    /// Python's `StopIteration(idx)`: no value starts at `idx`.
    Stop(usize),
    /// A `JSONDecodeError`'s full message.
    Error(String),
}

struct Scanner<'a> {
    s: &'a [char],
}

type Scanned = Result<(Json, usize), Fail>;

fn is_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

impl Scanner<'_> {
    /// `JSONDecodeError(msg, doc, pos)`'s message.
    fn error(&self, message: &str, pos: usize) -> String {
        let before = &self.s[..pos.min(self.s.len())];
        let line = before.iter().filter(|&&c| c == '\n').count() + 1;
        let column = match before.iter().rposition(|&c| c == '\n') {
            Some(newline) => pos - newline,
            None => pos + 1,
        };
        format!("{message}: line {line} column {column} (char {pos})")
    }

    fn fail(&self, message: &str, pos: usize) -> Fail {
        Fail::Error(self.error(message, pos))
    }

    fn at(&self, i: usize) -> Option<char> {
        self.s.get(i).copied()
    }

    fn whitespace(&self, mut i: usize) -> usize {
        while self.at(i).is_some_and(is_whitespace) {
            i += 1;
        }
        i
    }

    fn starts_with(&self, i: usize, word: &str) -> bool {
        word.chars()
            .enumerate()
            .all(|(k, c)| self.at(i + k) == Some(c))
    }

    fn scan_once(&self, idx: usize) -> Scanned {
        let Some(c) = self.at(idx) else {
            return Err(Fail::Stop(idx));
        };
        let constant = |word: &str, value: Json| {
            self.starts_with(idx, word)
                .then(|| (value, idx + word.chars().count()))
        };
        let found = match c {
            '"' => {
                return self
                    .scanstring(idx + 1)
                    .map(|(s, end)| (Json::String(s), end));
            }
            '{' => return self.object(idx + 1),
            '[' => return self.array(idx + 1),
            'n' => constant("null", Json::Null),
            't' => constant("true", Json::Bool(true)),
            'f' => constant("false", Json::Bool(false)),
            'N' => constant("NaN", Json::Null),
            'I' => constant("Infinity", Json::Null),
            '-' => constant("-Infinity", Json::Null),
            _ => None,
        };
        match found {
            Some(found) => Ok(found),
            None => self.number(idx),
        }
    }

    fn number(&self, start: usize) -> Scanned {
        let digit = |i: usize| self.at(i).is_some_and(|c| c.is_ascii_digit());
        let len = self.s.len();
        let mut idx = start;
        if self.at(idx) == Some('-') {
            idx += 1;
            if idx >= len {
                return Err(Fail::Stop(start));
            }
        }
        match self.at(idx) {
            Some('1'..='9') => {
                idx += 1;
                while digit(idx) {
                    idx += 1;
                }
            }
            Some('0') => idx += 1,
            _ => return Err(Fail::Stop(start)),
        }
        let mut float = false;
        if idx + 1 < len && self.at(idx) == Some('.') && digit(idx + 1) {
            float = true;
            idx += 2;
            while digit(idx) {
                idx += 1;
            }
        }
        if idx + 1 < len && matches!(self.at(idx), Some('e' | 'E')) {
            let e_start = idx;
            idx += 1;
            if idx + 1 < len && matches!(self.at(idx), Some('-' | '+')) {
                idx += 1;
            }
            while digit(idx) {
                idx += 1;
            }
            if digit(idx - 1) {
                float = true;
            } else {
                idx = e_start;
            }
        }
        let text: String = self.s[start..idx].iter().collect();
        let float_value = |text: &str| {
            text.parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map_or(Json::Null, Json::Number)
        };
        let value = if float {
            float_value(&text)
        } else if let Ok(n) = text.parse::<i64>() {
            Json::Number(n.into())
        } else if let Ok(n) = text.parse::<u64>() {
            Json::Number(n.into())
        } else {
            float_value(&text)
        };
        Ok((value, idx))
    }

    /// A string's contents from just after its opening quote, and where it ends.
    fn scanstring(&self, mut end: usize) -> Result<(String, usize), Fail> {
        let begin = end - 1;
        let len = self.s.len();
        let mut out = String::new();
        loop {
            let mut next = end;
            while next < len {
                let c = self.s[next];
                if c == '"' || c == '\\' {
                    break;
                }
                if (c as u32) <= 0x1f {
                    return Err(self.fail("Invalid control character at", next));
                }
                next += 1;
            }
            if next >= len {
                return Err(self.fail("Unterminated string starting at", begin));
            }
            out.extend(&self.s[end..next]);
            if self.s[next] == '"' {
                return Ok((out, next + 1));
            }
            next += 1;
            if next == len {
                return Err(self.fail("Unterminated string starting at", begin));
            }
            let c = self.s[next];
            if c != 'u' {
                end = next + 1;
                out.push(match c {
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    _ => return Err(self.fail("Invalid \\escape", end - 2)),
                });
                continue;
            }
            next += 1;
            end = next + 4;
            if end >= len {
                return Err(self.fail("Invalid \\uXXXX escape", next - 1));
            }
            let Some(mut code) = self.hex4(next) else {
                return Err(self.fail("Invalid \\uXXXX escape", end - 5));
            };
            if (0xd800..=0xdbff).contains(&code)
                && end + 6 < len
                && self.s[end] == '\\'
                && self.s[end + 1] == 'u'
            {
                let Some(low) = self.hex4(end + 2) else {
                    return Err(self.fail("Invalid \\uXXXX escape", end));
                };
                if (0xdc00..=0xdfff).contains(&low) {
                    code = 0x10000 + (((code - 0xd800) << 10) | (low - 0xdc00));
                    end += 6;
                }
            }
            // A lone surrogate is a Python string but not a Rust one.
            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let text: String = self.s.get(at..at + 4)?.iter().collect();
        if text.chars().all(|c| c.is_ascii_hexdigit()) {
            u32::from_str_radix(&text, 16).ok()
        } else {
            None
        }
    }

    fn object(&self, start: usize) -> Scanned {
        let mut pairs: Vec<(String, Json)> = Vec::new();
        let mut idx = self.whitespace(start);
        if self.at(idx) != Some('}') {
            loop {
                if self.at(idx) != Some('"') {
                    return Err(self.fail("Expecting property name enclosed in double quotes", idx));
                }
                let (key, next) = self.scanstring(idx + 1)?;
                idx = self.whitespace(next);
                if self.at(idx) != Some(':') {
                    return Err(self.fail("Expecting ':' delimiter", idx));
                }
                idx = self.whitespace(idx + 1);
                let (value, next) = self.scan_once(idx)?;
                match pairs.iter_mut().find(|(k, _)| *k == key) {
                    Some(slot) => slot.1 = value,
                    None => pairs.push((key, value)),
                }
                idx = self.whitespace(next);
                if self.at(idx) == Some('}') {
                    break;
                }
                if self.at(idx) != Some(',') {
                    return Err(self.fail("Expecting ',' delimiter", idx));
                }
                idx = self.whitespace(idx + 1);
            }
        }
        Ok((Json::Object(pairs), idx + 1))
    }

    fn array(&self, start: usize) -> Scanned {
        let mut items = Vec::new();
        let mut idx = self.whitespace(start);
        if self.at(idx) != Some(']') {
            loop {
                let (value, next) = self.scan_once(idx)?;
                items.push(value);
                idx = self.whitespace(next);
                if self.at(idx) == Some(']') {
                    break;
                }
                if self.at(idx) != Some(',') {
                    return Err(self.fail("Expecting ',' delimiter", idx));
                }
                idx = self.whitespace(idx + 1);
            }
        }
        Ok((Json::Array(items), idx + 1))
    }
}

/// `json.dumps(value)`: `", "` and `": "` between items, non-ASCII escaped, floats as Python
/// writes them. Keys come in the map's order.
pub fn dumps(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => out.push_str(&crate::render::python_float(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(key, out);
                out.push_str(": ");
                write_value(item, out);
            }
            out.push('}');
        }
    }
}

pub(crate) fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}
