//! The item editor's plain JSON, run in the worker: one item converted between plain JSON
//! (`{"pk": "a", "n": 1, "tags": ["x"]}`) and DynamoDB JSON (`{"pk": {"S": "a"}, …}`) in
//! both directions, with the choices plain JSON cannot make by itself ([`Choices`]):
//! what a number DynamoDB holds but a double cannot becomes, whether arrays may be sets,
//! and whether `{"$binary": "<base64>"}` is binary. [`text`] reads and writes JSON keeping
//! every number's text; [`to_dynamodb`] and [`to_plain`] are the two directions. A
//! conversion that cannot be made is a [`Problem`] naming the attribute path
//! (`orders[2].price`); one whose result would not come back the same under the same
//! choices says so in its notes.

pub mod text;
mod to_dynamodb;
mod to_plain;

use std::fmt;

use serde::Deserialize;

pub use to_dynamodb::to_dynamodb;
pub use to_plain::{double_holds, to_plain};

/// The rules in a sentence each, for the editor to show beside plain JSON.
pub const RULES: &str = "Plain JSON here: null is NULL, true and false are BOOL, a string is S, an object is M, and a number is N exactly as written (38 digits at most). {\"$binary\": \"<base64>\"} is B unless binary is none. An array is a list (L); with sets chosen, an array of only strings, only numbers or only binaries is a set (SS, NS, BS), which must not hold a member twice, while an empty or mixed array stays a list. From DynamoDB JSON, an N is a JSON number when a double holds it exactly (it reads back the same in JavaScript); otherwise it is a JSON number with every digit or a string (which comes back as S), as chosen. The choices apply when the text is converted: on switching the format and on Put.";

/// The key of the one-member object that stands for binary in plain JSON.
pub const BINARY_KEY: &str = "$binary";

/// What the user chose for what plain JSON cannot say by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(default)]
pub struct Choices {
    pub numbers: Numbers,
    pub sets: Sets,
    pub binary: Binary,
}

/// How an N a double cannot hold exactly is written in plain JSON. An N a double holds
/// exactly (it reads back as the same number, as `JSON.parse` would) is always a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Numbers {
    /// As a JSON number anyway, every digit kept (this editor reads it back exactly).
    #[default]
    Exact,
    /// As a JSON string of its digits, which comes back as a string (S).
    Strings,
}

/// What plain JSON arrays become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sets {
    /// Always lists (L).
    #[default]
    Lists,
    /// A non-empty array of only strings, only numbers or only binaries is a set (SS, NS,
    /// BS), whose members must be unique; any other array is a list.
    Sets,
}

/// Whether plain JSON has binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Binary {
    /// `{"$binary": "<base64>"}` is binary (B), and B is written so.
    #[default]
    Tagged,
    /// No binary: `{"$binary": …}` is a map like any other.
    None,
}

/// Why a conversion cannot be made: where (an attribute path such as `orders[2].price`,
/// empty for the text as a whole) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl Problem {
    pub fn at(path: &str, message: impl Into<String>) -> Self {
        Problem {
            path: path.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// A conversion's result: the text, and sentences about what would not come back the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub text: String,
    pub notes: Vec<String>,
}

/// `path.name`, or `name` at the top.
fn member_path(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// `path[index]`.
fn element_path(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// Reads `text` as a JSON object, the form every item takes.
fn read_item(text: &str, example: &str) -> Result<Vec<(String, text::Json)>, Problem> {
    match text::parse(text) {
        Ok(text::Json::Object(members)) => Ok(members),
        Ok(_) => Err(Problem::at(
            "",
            format!("The item must be a JSON object of attributes, e.g. {example}"),
        )),
        Err(e) => Err(Problem::at("", format!("The item is not valid JSON: {e}"))),
    }
}
