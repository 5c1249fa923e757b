//! Amazon Ion text, the subset DynamoDB's exports write and its imports read: one value per
//! line after the `$ion_1_0` version marker, `{Item:{...}}`. DynamoDB's types map as the
//! Developer Guide's table says: S a string, N a decimal, B a blob (`{{base64}}`), BOOL a
//! bool, NULL `null`, L a list, M a struct, and the sets lists annotated `$dynamodb_SS::`,
//! `$dynamodb_NS::` or `$dynamodb_BS::`. Numbers are written the way Java's BigDecimal
//! prints them with `d` for the exponent (`103.`, `6d2`, `1.5`), as the guide's example
//! shows; the reader also takes Ion ints, floats and underscores in numbers. Values are
//! DynamoDB JSON (`serde_json::Value`), so nothing here depends on the engine.

use serde_json::{Map, Value};

/// The Ion version marker every line of an export begins with.
pub const VERSION_MARKER: &str = "$ion_1_0";

// ---------------------------------------------------------------------------------------
// Writing

/// `fields` (top-level names to values already written as Ion) as one export line.
pub fn line(fields: &[(&str, String)]) -> String {
    let body: Vec<String> = fields
        .iter()
        .map(|(name, value)| format!("{}:{value}", symbol(name)))
        .collect();
    format!("{VERSION_MARKER} {{{}}}", body.join(","))
}

/// An item (a DynamoDB JSON map) as an Ion struct.
pub fn item(item: &Map<String, Value>) -> Result<String, String> {
    let fields: Result<Vec<String>, String> = item
        .iter()
        .map(|(name, value)| Ok(format!("{}:{}", symbol(name), attribute(value)?)))
        .collect();
    Ok(format!("{{{}}}", fields?.join(",")))
}

/// One AttributeValue (`{"S": "x"}`) as an Ion value.
pub fn attribute(value: &Value) -> Result<String, String> {
    let (tag, inner) = single_member(value)?;
    let strings = |what: &str| -> Result<Vec<&str>, String> {
        inner
            .as_array()
            .ok_or_else(|| format!("{what} is not a list"))?
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| format!("{what} holds a non-string"))
            })
            .collect()
    };
    let text = |what: &str| {
        inner
            .as_str()
            .ok_or_else(|| format!("{what} is not a string"))
    };
    Ok(match tag {
        "S" => string(text("S")?),
        "N" => decimal(text("N")?)?,
        "B" => format!("{{{{{}}}}}", text("B")?),
        "BOOL" => match inner.as_bool() {
            Some(b) => b.to_string(),
            None => return Err("BOOL is not a boolean".into()),
        },
        "NULL" => "null".into(),
        "SS" => set("SS", strings("SS")?.into_iter().map(string)),
        "NS" => set(
            "NS",
            strings("NS")?
                .into_iter()
                .map(decimal)
                .collect::<Result<Vec<_>, _>>()?
                .into_iter(),
        ),
        "BS" => set(
            "BS",
            strings("BS")?.into_iter().map(|b| format!("{{{{{b}}}}}")),
        ),
        "L" => {
            let items = inner.as_array().ok_or("L is not a list")?;
            let values: Result<Vec<String>, String> = items.iter().map(attribute).collect();
            format!("[{}]", values?.join(","))
        }
        "M" => item(inner.as_object().ok_or("M is not a map")?)?,
        other => return Err(format!("unknown attribute type {other}")),
    })
}

fn set(kind: &str, members: impl Iterator<Item = String>) -> String {
    format!(
        "$dynamodb_{kind}::[{}]",
        members.collect::<Vec<_>>().join(",")
    )
}

fn single_member(value: &Value) -> Result<(&str, &Value), String> {
    let map = value
        .as_object()
        .filter(|m| m.len() == 1)
        .ok_or("an attribute value must have exactly one type")?;
    let (tag, inner) = map.iter().next().expect("one member");
    Ok((tag.as_str(), inner))
}

/// A field name: bare when it is an Ion identifier, else a quoted symbol.
fn symbol(name: &str) -> String {
    let identifier = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(name, "true" | "false" | "null" | "nan");
    if identifier {
        name.to_owned()
    } else {
        format!("'{}'", escape(name, '\''))
    }
}

fn string(text: &str) -> String {
    format!("\"{}\"", escape(text, '"'))
}

fn escape(text: &str, quote: char) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// A DynamoDB number as an Ion decimal, printed as Java's BigDecimal prints the number with
/// its trailing zeros stripped (`600` is `6E+2`, so `6d2`; `103` is `103.`).
pub fn decimal(number: &str) -> Result<String, String> {
    let (negative, digits, exponent) = parse_decimal(number)?;
    if digits == "0" {
        return Ok("0.".into());
    }
    let sign = if negative { "-" } else { "" };
    let scale = -exponent;
    let adjusted = exponent + digits.len() as i64 - 1;
    if scale < 0 || adjusted < -6 {
        let (head, tail) = digits.split_at(1);
        let point = if tail.is_empty() {
            String::new()
        } else {
            format!(".{tail}")
        };
        return Ok(format!("{sign}{head}{point}d{adjusted}"));
    }
    if scale == 0 {
        return Ok(format!("{sign}{digits}."));
    }
    let scale = scale as usize;
    let text = if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        format!("{int}.{frac}")
    } else {
        format!("0.{}{digits}", "0".repeat(scale - digits.len()))
    };
    Ok(format!("{sign}{text}"))
}

/// A decimal's sign, significant digits (no leading or trailing zeros; "0" for zero) and
/// the exponent of its last digit.
fn parse_decimal(number: &str) -> Result<(bool, String, i64), String> {
    let bad = || format!("not a number: {number}");
    let (negative, rest) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number.strip_prefix('+').unwrap_or(number)),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E', 'd', 'D']) {
        Some(at) => (
            &rest[..at],
            rest[at + 1..].parse::<i64>().map_err(|_| bad())?,
        ),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let all = format!("{int}{frac}");
    let mut exponent = exponent - frac.len() as i64;
    let trimmed = all.trim_start_matches('0');
    let without_trailing = trimmed.trim_end_matches('0');
    if without_trailing.is_empty() {
        return Ok((false, "0".into(), 0));
    }
    exponent += (trimmed.len() - without_trailing.len()) as i64;
    Ok((negative, without_trailing.to_owned(), exponent))
}

// ---------------------------------------------------------------------------------------
// Reading

/// A value read from Ion text: what DynamoDB JSON can say, before it is given a type.
#[derive(Debug, Clone, PartialEq)]
pub enum IonValue {
    Null,
    Bool(bool),
    /// Ints, decimals and floats, as DynamoDB number text.
    Number(String),
    String(String),
    /// Base64, as written between `{{ }}`.
    Blob(String),
    List(Vec<IonValue>, Vec<String>),
    Struct(Vec<(String, IonValue)>),
    Symbol(String),
}

/// Reads one line (or any text) of top-level Ion values, skipping version markers.
pub fn parse_values(text: &str) -> Result<Vec<IonValue>, String> {
    let mut reader = Reader {
        text: text.as_bytes(),
        at: 0,
    };
    let mut values = Vec::new();
    loop {
        reader.skip_space();
        if reader.at >= reader.text.len() {
            return Ok(values);
        }
        let value = reader.value()?;
        if value != IonValue::Symbol(VERSION_MARKER.into()) {
            values.push(value);
        }
    }
}

/// An Ion value as a DynamoDB AttributeValue (DynamoDB JSON).
pub fn to_attribute(value: &IonValue) -> Result<Value, String> {
    let one = |tag: &str, inner: Value| {
        let mut map = Map::new();
        map.insert(tag.to_owned(), inner);
        Value::Object(map)
    };
    Ok(match value {
        IonValue::Null => one("NULL", Value::Bool(true)),
        IonValue::Bool(b) => one("BOOL", Value::Bool(*b)),
        IonValue::Number(n) => one("N", Value::String(n.clone())),
        IonValue::String(s) => one("S", Value::String(s.clone())),
        IonValue::Blob(b) => one("B", Value::String(b.clone())),
        IonValue::Symbol(s) => one("S", Value::String(s.clone())),
        IonValue::Struct(fields) => one("M", Value::Object(to_item(fields)?)),
        IonValue::List(items, annotations) => match annotations.first().map(String::as_str) {
            Some(kind @ ("$dynamodb_SS" | "$dynamodb_NS" | "$dynamodb_BS")) => {
                set_attribute(&kind["$dynamodb_".len()..], items)?
            }
            _ => one(
                "L",
                Value::Array(items.iter().map(to_attribute).collect::<Result<_, _>>()?),
            ),
        },
    })
}

/// A struct's fields as a DynamoDB item.
pub fn to_item(fields: &[(String, IonValue)]) -> Result<Map<String, Value>, String> {
    let mut map = Map::new();
    for (name, value) in fields {
        map.insert(name.clone(), to_attribute(value)?);
    }
    Ok(map)
}

fn set_attribute(kind: &str, items: &[IonValue]) -> Result<Value, String> {
    let members: Result<Vec<Value>, String> = items
        .iter()
        .map(|item| match (kind, item) {
            ("SS", IonValue::String(s))
            | ("NS", IonValue::Number(s))
            | ("BS", IonValue::Blob(s)) => Ok(Value::String(s.clone())),
            _ => Err(format!(
                "a $dynamodb_{kind} set holds a value of another type"
            )),
        })
        .collect();
    let mut map = Map::new();
    map.insert(kind.to_owned(), Value::Array(members?));
    Ok(Value::Object(map))
}

struct Reader<'a> {
    text: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn error(&self, what: &str) -> String {
        format!("invalid Ion at byte {}: {what}", self.at)
    }

    fn skip_space(&mut self) {
        loop {
            while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
                self.at += 1;
            }
            if self.text[self.at..].starts_with(b"//") {
                while self.peek().is_some_and(|b| b != b'\n') {
                    self.at += 1;
                }
            } else if self.text[self.at..].starts_with(b"/*") {
                match find(&self.text[self.at + 2..], b"*/") {
                    Some(end) => self.at += 2 + end + 2,
                    None => self.at = self.text.len(),
                }
            } else {
                return;
            }
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        self.skip_space();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected '{}'", byte as char)))
        }
    }

    /// A value with its annotations (`a::b::value`).
    fn value(&mut self) -> Result<IonValue, String> {
        let mut annotations = Vec::new();
        loop {
            self.skip_space();
            let start = self.at;
            let Some(name) = self.symbol_text()? else {
                break;
            };
            self.skip_space();
            if self.text[self.at..].starts_with(b"::") {
                self.at += 2;
                annotations.push(name);
            } else {
                self.at = start;
                break;
            }
        }
        let value = self.bare_value()?;
        Ok(match value {
            IonValue::List(items, _) => IonValue::List(items, annotations),
            other => other,
        })
    }

    /// A symbol's text if one starts here (an identifier or a quoted symbol), else None.
    fn symbol_text(&mut self) -> Result<Option<String>, String> {
        match self.peek() {
            Some(b'\'') if !self.text[self.at..].starts_with(b"'''") => {
                self.at += 1;
                self.quoted(b'\'').map(Some)
            }
            Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                let start = self.at;
                while self
                    .peek()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
                {
                    self.at += 1;
                }
                Ok(Some(
                    String::from_utf8_lossy(&self.text[start..self.at]).into_owned(),
                ))
            }
            _ => Ok(None),
        }
    }

    fn bare_value(&mut self) -> Result<IonValue, String> {
        self.skip_space();
        match self.peek() {
            None => Err(self.error("unexpected end")),
            Some(b'{') if self.text[self.at..].starts_with(b"{{") => self.blob(),
            Some(b'{') => self.structure(),
            Some(b'[') => self.list(),
            Some(b'"') => {
                self.at += 1;
                self.quoted(b'"').map(IonValue::String)
            }
            Some(b'\'') if self.text[self.at..].starts_with(b"'''") => self.long_string(),
            Some(b) if b == b'-' || b == b'+' || b.is_ascii_digit() => self.number(),
            Some(_) => {
                let Some(symbol) = self.symbol_text()? else {
                    return Err(self.error("unexpected character"));
                };
                Ok(match symbol.as_str() {
                    "true" => IonValue::Bool(true),
                    "false" => IonValue::Bool(false),
                    "null" => {
                        // `null.string` and friends are nulls too.
                        if self.peek() == Some(b'.') {
                            self.at += 1;
                            self.symbol_text()?;
                        }
                        IonValue::Null
                    }
                    _ => IonValue::Symbol(symbol),
                })
            }
        }
    }

    fn structure(&mut self) -> Result<IonValue, String> {
        self.expect(b'{')?;
        let mut fields = Vec::new();
        loop {
            self.skip_space();
            if self.peek() == Some(b'}') {
                self.at += 1;
                return Ok(IonValue::Struct(fields));
            }
            let name = match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    self.quoted(b'"')?
                }
                _ => self
                    .symbol_text()?
                    .ok_or_else(|| self.error("expected a field name"))?,
            };
            self.expect(b':')?;
            let value = self.value()?;
            fields.push((name, value));
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {}
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn list(&mut self) -> Result<IonValue, String> {
        self.expect(b'[')?;
        let mut items = Vec::new();
        loop {
            self.skip_space();
            if self.peek() == Some(b']') {
                self.at += 1;
                return Ok(IonValue::List(items, Vec::new()));
            }
            items.push(self.value()?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {}
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn blob(&mut self) -> Result<IonValue, String> {
        self.at += 2;
        let end = find(&self.text[self.at..], b"}}").ok_or_else(|| self.error("unclosed blob"))?;
        let inside = &self.text[self.at..self.at + end];
        self.at += end + 2;
        let text: String = inside
            .iter()
            .filter(|b| !b.is_ascii_whitespace())
            .map(|&b| b as char)
            .collect();
        if text.starts_with('"') || text.starts_with('\'') {
            return Err(self.error("clobs are not DynamoDB values"));
        }
        Ok(IonValue::Blob(text))
    }

    fn long_string(&mut self) -> Result<IonValue, String> {
        let mut text = String::new();
        while self.text[self.at..].starts_with(b"'''") {
            self.at += 3;
            let end = find(&self.text[self.at..], b"'''")
                .ok_or_else(|| self.error("unclosed long string"))?;
            let raw = &self.text[self.at..self.at + end];
            text.push_str(&unescape(raw).map_err(|e| self.error(&e))?);
            self.at += end + 3;
            self.skip_space();
        }
        Ok(IonValue::String(text))
    }

    /// A quoted string or symbol, the opening quote already read.
    fn quoted(&mut self, quote: u8) -> Result<String, String> {
        let start = self.at;
        while let Some(b) = self.peek() {
            if b == quote {
                let text = unescape(&self.text[start..self.at]).map_err(|e| self.error(&e))?;
                self.at += 1;
                return Ok(text);
            }
            self.at += if b == b'\\' { 2 } else { 1 };
        }
        Err(self.error("unclosed string"))
    }

    fn number(&mut self) -> Result<IonValue, String> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+' | b'_'))
        {
            self.at += 1;
        }
        let raw: String = String::from_utf8_lossy(&self.text[start..self.at]).replace('_', "");
        let lower = raw.to_ascii_lowercase();
        if lower.starts_with("0x") || lower.starts_with("-0x") || lower.starts_with("0b") {
            return Err(self.error("hexadecimal and binary ints are not read"));
        }
        if matches!(lower.as_str(), "+inf" | "-inf") {
            return Err(self.error("infinity is not a DynamoDB number"));
        }
        let text = raw.replace(['d', 'D'], "E").replace('e', "E");
        let text = text.strip_suffix('.').unwrap_or(&text).to_owned();
        let text = text.replace(".E", "E");
        parse_decimal(&text).map_err(|e| self.error(&e))?;
        Ok(IonValue::Number(text))
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn unescape(raw: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(raw).map_err(|_| "a string is not UTF-8".to_owned())?;
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::str::Chars, n: usize| -> Result<char, String> {
            let digits: String = chars.take(n).collect();
            u32::from_str_radix(&digits, 16)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| format!("bad escape \\{digits}"))
        };
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('x') => out.push(hex(&mut chars, 2)?),
            Some('u') => out.push(hex(&mut chars, 4)?),
            Some('U') => out.push(hex(&mut chars, 8)?),
            Some('\n') => {}
            Some(other) => out.push(other),
            None => return Err("a string ends in a backslash".into()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_are_written_as_the_guide_shows() {
        assert_eq!(decimal("103").unwrap(), "103.");
        assert_eq!(decimal("600").unwrap(), "6d2");
        assert_eq!(decimal("2000").unwrap(), "2d3");
        assert_eq!(decimal("1.5").unwrap(), "1.5");
        assert_eq!(decimal("-17.5").unwrap(), "-17.5");
        assert_eq!(decimal("0").unwrap(), "0.");
        assert_eq!(decimal("0.000001").unwrap(), "0.000001");
        assert_eq!(decimal("0.0000001").unwrap(), "1d-7");
        assert_eq!(decimal("1E-130").unwrap(), "1d-130");
        assert_eq!(decimal("120.50").unwrap(), "120.5");
    }

    #[test]
    fn the_guides_example_item_is_read() {
        let line = r#"$ion_1_0 {Item:{Authors:$dynamodb_SS::["Author1","Author2"],Dimensions:"8.5 x 11.0 x 1.5",ISBN:"333-3333333333",Id:103.,InPublication:false,PageCount:6d2,Price:2d3,ProductCategory:"Book",Title:"Book 103 Title"}}"#;
        let values = parse_values(line).unwrap();
        let IonValue::Struct(top) = &values[0] else {
            panic!("{values:?}")
        };
        let IonValue::Struct(fields) = &top[0].1 else {
            panic!()
        };
        let item = to_item(fields).unwrap();
        assert_eq!(item["Authors"], json!({"SS": ["Author1", "Author2"]}));
        assert_eq!(item["Id"], json!({"N": "103"}));
        assert_eq!(item["PageCount"], json!({"N": "6E2"}));
        assert_eq!(item["InPublication"], json!({"BOOL": false}));
    }

    #[test]
    fn every_type_round_trips() {
        let original = json!({
            "s": {"S": "quote\" back\\ nl\n tab\t é"},
            "n": {"N": "-12.5"},
            "b": {"B": "AAH+/w=="},
            "t": {"BOOL": true},
            "z": {"NULL": true},
            "ss": {"SS": ["a", "b"]},
            "ns": {"NS": ["1", "2.5"]},
            "bs": {"BS": ["AA==", "AQ=="]},
            "l": {"L": [{"S": "x"}, {"N": "1"}, {"L": []}, {"M": {}}]},
            "m": {"M": {"a.b": {"S": "dotted"}, "": {"S": "empty name"}, "null": {"S": "keyword"}}}
        });
        let text = line(&[("Item", item(original.as_object().unwrap()).unwrap())]);
        let values = parse_values(&text).unwrap();
        let IonValue::Struct(top) = &values[0] else {
            panic!()
        };
        let IonValue::Struct(fields) = &top[0].1 else {
            panic!()
        };
        let mut read = to_item(fields).unwrap();
        // Numbers come back as Ion text reads them; DynamoDB normalises them on the write.
        read.insert("n".into(), json!({"N": "-12.5"}));
        assert_eq!(Value::Object(read), original);
    }

    #[test]
    fn ints_floats_comments_and_quoted_names_are_read() {
        let values =
            parse_values("/* c */ {'a b': 1_000, \"c\": 1.5e3, d: null.string} // end").unwrap();
        let IonValue::Struct(fields) = &values[0] else {
            panic!()
        };
        let item = to_item(fields).unwrap();
        assert_eq!(item["a b"], json!({"N": "1000"}));
        assert_eq!(item["c"], json!({"N": "1.5E3"}));
        assert_eq!(item["d"], json!({"NULL": true}));
    }

    #[test]
    fn broken_text_is_an_error() {
        assert!(parse_values("{Item:{a:\"x}}").is_err());
        assert!(parse_values("{Item:[1,}").is_err());
    }
}
