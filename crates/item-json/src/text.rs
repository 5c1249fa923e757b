//! JSON text read and written without losing anything an item needs: numbers keep the text
//! they were written with (`12345678901234567890123456789012345678` and `1e-130` stay
//! exact, where serde_json without its workspace-wide `arbitrary_precision` feature would
//! round them through `f64`), and object members keep their order. [`parse`] reads RFC 8259
//! JSON and says where it stops (line and column) when it cannot; an object naming a key
//! twice is refused rather than one member silently dropped. [`write()`] lays a value out
//! with two-space indents, keeping short arrays and objects on one line.

use std::fmt::Write as _;

/// A JSON value as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    Null,
    Bool(bool),
    /// The number's text exactly as written (always valid JSON number syntax).
    Number(String),
    String(String),
    Array(Vec<Json>),
    /// Members in their written order, keys unique.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A one-member object `{key: value}`.
    pub fn tagged(key: &str, value: Json) -> Json {
        Json::Object(vec![(key.to_owned(), value)])
    }
}

/// Deepest nesting read: DynamoDB itself stops at 32 levels of documents; this keeps the
/// reader's recursion bounded on any input.
const MAX_DEPTH: usize = 256;

/// Reads one JSON value (surrounding whitespace allowed). The error says where and why:
/// `line 2, column 9: expected ',' or '}' after a member`.
pub fn parse(text: &str) -> Result<Json, String> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    reader.skip_space();
    if reader.at == reader.bytes.len() {
        return Err("the text is empty: write a JSON object".to_owned());
    }
    let value = reader.value(0)?;
    reader.skip_space();
    if reader.at < reader.bytes.len() {
        return Err(reader.fail("unexpected text after the JSON value"));
    }
    Ok(value)
}

/// True when `text` is a number as JSON writes it (`-0.5`, `12e3`; not `.5`, `+1`, `01`).
pub fn is_json_number(text: &str) -> bool {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    reader.number().is_ok() && reader.at == text.len()
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    /// `message` prefixed with the line and column of the current position.
    fn fail(&self, message: &str) -> String {
        let before = &self.text[..self.at.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("line {line}, column {column}: {message}")
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, String> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.fail("expected a JSON value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, String> {
        if depth > MAX_DEPTH {
            return Err(self.fail("the value is nested too deeply"));
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'\'') => Err(self.fail("JSON strings take double quotes (\"), not single")),
            None => Err(self.fail("the text ends where a value was expected")),
            _ => Err(self.fail("expected a JSON value")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, String> {
        self.at += 1;
        let mut members: Vec<(String, Json)> = Vec::new();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return Err(self.fail("expected a member name in double quotes"));
            }
            let key_at = self.at;
            let key = self.string()?;
            if members.iter().any(|(k, _)| *k == key) {
                self.at = key_at;
                return Err(self.fail(&format!("the name \"{key}\" appears twice in one object")));
            }
            self.skip_space();
            if self.peek() != Some(b':') {
                return Err(self.fail("expected ':' after the member name"));
            }
            self.at += 1;
            self.skip_space();
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.fail("expected ',' or '}' after a member")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, String> {
        self.at += 1;
        let mut elements = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Json::Array(elements));
        }
        loop {
            self.skip_space();
            elements.push(self.value(depth + 1)?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Json::Array(elements));
                }
                _ => return Err(self.fail("expected ',' or ']' after an element")),
            }
        }
    }

    /// A number, its text kept: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Result<Json, String> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.at += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(self.fail("a JSON number cannot start with 0 followed by digits"));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.fail("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.fail("expected a digit after the decimal point"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.fail("expected a digit in the exponent"));
            }
            self.digits();
        }
        Ok(Json::Number(self.text[start..self.at].to_owned()))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let run = self.at;
            while !matches!(self.peek(), None | Some(b'"' | b'\\' | 0..=0x1f)) {
                self.at += 1;
            }
            out.push_str(&self.text[run..self.at]);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escaped = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.at += 1;
                            out.push(self.unicode_escape()?);
                            continue;
                        }
                        _ => return Err(self.fail("unknown escape in a string")),
                    };
                    self.at += 1;
                    out.push(escaped);
                }
                None => return Err(self.fail("the text ends inside a string")),
                Some(_) => {
                    return Err(self.fail(
                        "a control character (such as a line break) inside a string must be escaped",
                    ));
                }
            }
        }
    }

    /// The character of `\uXXXX` (the `\u` already read), joining a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, String> {
        let high = self.hex4()?;
        if !(0xD800..0xDC00).contains(&high) {
            return char::from_u32(high).ok_or_else(|| self.fail("a lone low surrogate escape"));
        }
        if !self.text[self.at..].starts_with("\\u") {
            return Err(self.fail("a high surrogate escape must be followed by a low one"));
        }
        self.at += 2;
        let low = self.hex4()?;
        if !(0xDC00..0xE000).contains(&low) {
            return Err(self.fail("a high surrogate escape must be followed by a low one"));
        }
        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            .ok_or_else(|| self.fail("an invalid surrogate pair"))
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.fail("expected four hex digits after \\u"))?;
        self.at += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.fail("expected four hex digits"))
    }
}

/// Widest one-line form kept on one line when nested.
const INLINE_WIDTH: usize = 72;

/// `value` as text: two-space indents, a nested array or object on one line when it fits
/// in `INLINE_WIDTH` characters, the top level always broken over lines when not empty.
pub fn write(value: &Json) -> String {
    let mut out = String::new();
    write_at(value, 0, &mut out);
    out
}

fn write_at(value: &Json, indent: usize, out: &mut String) {
    let inline = compact(value);
    let fits = indent > 0 && inline.chars().count() <= INLINE_WIDTH;
    match value {
        Json::Array(elements) if !elements.is_empty() && !fits => {
            out.push_str("[\n");
            for (i, element) in elements.iter().enumerate() {
                pad(indent + 1, out);
                write_at(element, indent + 1, out);
                out.push_str(if i + 1 < elements.len() { ",\n" } else { "\n" });
            }
            pad(indent, out);
            out.push(']');
        }
        Json::Object(members) if !members.is_empty() && !fits => {
            out.push_str("{\n");
            for (i, (key, member)) in members.iter().enumerate() {
                pad(indent + 1, out);
                quote(key, out);
                out.push_str(": ");
                write_at(member, indent + 1, out);
                out.push_str(if i + 1 < members.len() { ",\n" } else { "\n" });
            }
            pad(indent, out);
            out.push('}');
        }
        _ => out.push_str(&inline),
    }
}

fn pad(indent: usize, out: &mut String) {
    out.extend(std::iter::repeat_n("  ", indent));
}

/// `value` on one line: `{"S": "a"}`, `[1, 2]`.
fn compact(value: &Json) -> String {
    let mut out = String::new();
    compact_into(value, &mut out);
    out
}

fn compact_into(value: &Json, out: &mut String) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(text) => out.push_str(text),
        Json::String(s) => quote(s, out),
        Json::Array(elements) => {
            out.push('[');
            for (i, element) in elements.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                compact_into(element, out);
            }
            out.push(']');
        }
        Json::Object(members) => {
            out.push('{');
            for (i, (key, member)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                quote(key, out);
                out.push_str(": ");
                compact_into(member, out);
            }
            out.push('}');
        }
    }
}

/// `s` as a JSON string: quotes, backslashes and control characters escaped.
fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
