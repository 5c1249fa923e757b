//! The AWS CLI's shorthand syntax, read purely by its grammar: `a=b,c=d`, `a=b,c` (a list for
//! `a`), `a=[b,c]`, `a={b=c}`, quoted values and `\,`. What the values mean (numbers, lists of
//! one, booleans) is decided afterwards from the model, in `convert`. The character classes and
//! the error text ("Expected: '=', received: 'EOF' for input: ...") follow the AWS CLI.

use serde_json::{Map, Value};

/// Reads one shorthand value into JSON: objects, arrays and strings only.
pub fn parse(input: &str) -> Result<Value, String> {
    let mut parser = Parser {
        text: input.chars().collect(),
        index: 0,
        files: false,
    };
    parser.parameter()
}

struct Parser {
    text: Vec<char>,
    index: usize,
    /// Whether the key just read was written `key@=`, which reads the value from a file.
    files: bool,
}

type Parsed<T> = Result<T, String>;

fn start_word(c: char) -> bool {
    matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='Z' | '\\'..='z') || c >= '|'
}

fn first_follow(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='\\' | '^'..='|')
        || c >= '~'
}

fn second_follow(c: char) -> bool {
    c.is_whitespace() || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<') || c >= '>'
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.#/:".contains(c)
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

impl Parser {
    fn parameter(&mut self) -> Parsed<Value> {
        let mut params = Map::new();
        let (key, value) = self.keyval()?;
        params.insert(key, value);
        let mut last = self.index;
        while !self.at_eof() {
            self.expect(',', true)?;
            let (key, value) = self.keyval()?;
            if params.contains_key(&key) {
                return Err(self.duplicate_key(&key, last + 1));
            }
            params.insert(key, value);
            last = self.index;
        }
        Ok(Value::Object(params))
    }

    fn keyval(&mut self) -> Parsed<(String, Value)> {
        let key = self.key();
        self.files = self.try_expect('@');
        self.expect('=', true)?;
        Ok((key, self.values()?))
    }

    fn key(&mut self) -> String {
        let start = self.index;
        while self.current().is_some_and(is_key_char) {
            self.index += 1;
        }
        self.text[start..self.index].iter().collect()
    }

    fn values(&mut self) -> Parsed<Value> {
        match self.current() {
            None => Ok(Value::String(String::new())),
            Some('[') => self.explicit_list(),
            Some('{') => self.hash_literal(),
            Some(_) => self.csv_value(),
        }
    }

    fn csv_value(&mut self) -> Parsed<Value> {
        let first = self.first_value()?;
        self.skip_whitespace();
        if self.current() != Some(',') {
            return Ok(first);
        }
        self.expect(',', true)?;
        let mut list = vec![first.clone()];
        loop {
            match self.second_value() {
                Ok(value) => {
                    self.skip_whitespace();
                    if self.at_eof() {
                        list.push(value);
                        break;
                    }
                    if let Err(e) = self.expect(',', true) {
                        if self.at_eof() {
                            return Err(e);
                        }
                        self.backtrack_to(',');
                        break;
                    }
                    list.push(value);
                }
                Err(e) => {
                    if self.at_eof() {
                        return Err(e);
                    }
                    self.backtrack_to(',');
                    break;
                }
            }
        }
        Ok(if list.len() == 1 {
            first
        } else {
            Value::Array(list)
        })
    }

    fn explicit_list(&mut self) -> Parsed<Value> {
        self.expect('[', true)?;
        let mut values = Vec::new();
        while self.current() != Some(']') {
            if self.at_eof() {
                return Err(self.syntax_error("]"));
            }
            values.push(self.explicit_value()?);
            self.skip_whitespace();
            if self.current() != Some(']') {
                self.expect(',', false)?;
                self.skip_whitespace();
            }
        }
        self.expect(']', false)?;
        Ok(Value::Array(values))
    }

    fn explicit_value(&mut self) -> Parsed<Value> {
        match self.current() {
            Some('[') => self.explicit_list(),
            Some('{') => self.hash_literal(),
            _ => self.first_value(),
        }
    }

    fn hash_literal(&mut self) -> Parsed<Value> {
        self.expect('{', true)?;
        let mut pairs = Map::new();
        while self.current() != Some('}') {
            if self.at_eof() {
                return Err(self.syntax_error("}"));
            }
            let key = self.key();
            self.files = self.try_expect('@');
            self.expect('=', true)?;
            let value = self.explicit_value()?;
            self.skip_whitespace();
            if self.current() != Some('}') {
                self.expect(',', false)?;
                self.skip_whitespace();
            }
            pairs.insert(key, value);
        }
        self.expect('}', false)?;
        Ok(Value::Object(pairs))
    }

    fn first_value(&mut self) -> Parsed<Value> {
        match self.current() {
            Some('\'') => self.quoted('\''),
            Some('"') => self.quoted('"'),
            _ => {
                let word = self.word(first_follow).unwrap_or_default();
                self.value_text(word.replace("\\,", ",").trim_end().to_owned())
            }
        }
    }

    fn second_value(&mut self) -> Parsed<Value> {
        match self.current() {
            Some('\'') => self.quoted('\''),
            Some('"') => self.quoted('"'),
            _ => match self.word(second_follow) {
                Some(word) => self.value_text(word.replace("\\,", ",").trim_end().to_owned()),
                None => Err(self.error_at("<second>", "<none>", self.index)),
            },
        }
    }

    /// A bare word: an escaped comma or a start character, then escaped commas or `follow`
    /// characters. `None` when there is none at the current position.
    fn word(&mut self, follow: fn(char) -> bool) -> Option<String> {
        let start = self.index;
        let mut first = true;
        loop {
            match self.current() {
                Some('\\') if self.text.get(self.index + 1) == Some(&',') => self.index += 2,
                Some(c) if (first && start_word(c)) || (!first && follow(c)) => self.index += 1,
                _ => break,
            }
            first = false;
        }
        (self.index > start).then(|| self.text[start..self.index].iter().collect())
    }

    fn quoted(&mut self, quote: char) -> Parsed<Value> {
        let start = self.index;
        let mut i = start + 1;
        loop {
            match self.text.get(i) {
                None => {
                    let name = if quote == '\'' {
                        "singled quoted"
                    } else {
                        "double quoted"
                    };
                    return Err(self.error_at(&format!("<{name}>"), "<none>", start));
                }
                Some('\\') if self.text.get(i + 1) == Some(&quote) => i += 2,
                Some(&c) if c == quote => break,
                Some(_) => i += 1,
            }
        }
        let inner: String = self.text[start + 1..i].iter().collect();
        self.index = i + 1;
        let value = inner
            .replace(&format!("\\{quote}"), &quote.to_string())
            .replace("\\\\", "\\");
        self.value_text(value)
    }

    fn value_text(&self, text: String) -> Parsed<Value> {
        if self.files && (text.starts_with("file://") || text.starts_with("fileb://")) {
            return Err(format!(
                "{text} names a file, and the page has no files to read. Paste the file's contents instead."
            ));
        }
        Ok(Value::String(text))
    }

    fn current(&self) -> Option<char> {
        self.text.get(self.index).copied()
    }

    fn at_eof(&self) -> bool {
        self.index >= self.text.len()
    }

    fn skip_whitespace(&mut self) {
        while self.current().is_some_and(is_space) {
            self.index += 1;
        }
    }

    fn try_expect(&mut self, c: char) -> bool {
        let saved = self.index;
        if self.expect(c, true).is_ok() {
            return true;
        }
        self.index = saved;
        false
    }

    fn expect(&mut self, c: char, whitespace: bool) -> Parsed<()> {
        if whitespace {
            self.skip_whitespace();
        }
        match self.current() {
            Some(actual) if actual == c => {
                self.index += 1;
                if whitespace {
                    self.skip_whitespace();
                }
                Ok(())
            }
            _ => Err(self.syntax_error(&c.to_string())),
        }
    }

    fn backtrack_to(&mut self, c: char) {
        while self.index > 0 && self.current() != Some(c) {
            self.index -= 1;
        }
    }

    fn syntax_error(&self, expected: &str) -> String {
        let actual = self.current().map_or("EOF".to_owned(), |c| c.to_string());
        self.error_at(expected, &actual, self.index)
    }

    fn error_at(&self, expected: &str, actual: &str, index: usize) -> String {
        format!(
            "Expected: '{expected}', received: '{actual}' for input:\n{}",
            self.location(index)
        )
    }

    fn duplicate_key(&self, key: &str, index: usize) -> String {
        format!(
            "Second instance of key \"{key}\" encountered for input:\n{}\nThis is often because there is a preceding \",\" instead of a space.",
            self.location(index)
        )
    }

    /// The input with a caret under `index`, on the line it falls in.
    fn location(&self, index: usize) -> String {
        let text: String = self.text.iter().collect();
        let before: String = self.text[..index.min(self.text.len())].iter().collect();
        let column = match before.rfind('\n') {
            Some(newline) => before[newline + 1..].chars().count(),
            None => index,
        };
        let (consumed, remaining) = match text[before.len()..].find('\n') {
            Some(offset) => text.split_at(before.len() + offset),
            None => (text.as_str(), ""),
        };
        format!("{consumed}\n{}^{remaining}", " ".repeat(column))
    }
}
