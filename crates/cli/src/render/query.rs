//! `--query`: JMESPath as the AWS CLI evaluates it, with Python's `jmespath` package. Its
//! lexer and Pratt parser are followed token by token, so a bad expression is refused with the
//! same words and caret; its interpreter is followed over the response as botocore parsed it,
//! so objects keep their members' order (a structure's in the model's order, a multi-select
//! hash's in the expression's). Functions are the `jmespath` crate's, their results put back
//! in order where they are values of the arguments (`sort_by`, `max_by`, ...).

use std::rc::Rc;

use jmespath::ast::{Ast, Comparator, KeyValuePair};
use jmespath::{Context, DEFAULT_RUNTIME, Variable};

use super::Out;

/// A token of Python jmespath's lexer.
#[derive(Debug, Clone)]
struct Token {
    kind: &'static str,
    value: TokenValue,
    start: usize,
}

#[derive(Debug, Clone)]
enum TokenValue {
    Text(String),
    Number(i64),
    Json(Out),
}

impl TokenValue {
    /// Python's `str()` of the token's value, as an error message shows it.
    fn python_str(&self) -> String {
        match self {
            TokenValue::Text(text) => text.clone(),
            TokenValue::Number(n) => n.to_string(),
            TokenValue::Json(Out::Str(text)) => text.clone(),
            TokenValue::Json(other) => crate::validate::python_repr(&other.to_json()),
        }
    }
}

/// Python jmespath's syntax tree.
#[derive(Debug, Clone)]
enum Node {
    Field(String),
    Subexpression(Vec<Node>),
    IndexExpression(Vec<Node>),
    Index(i64),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    Projection(Box<Node>, Box<Node>),
    ValueProjection(Box<Node>, Box<Node>),
    FilterProjection(Box<Node>, Box<Node>, Box<Node>),
    Flatten(Box<Node>),
    Identity,
    Current,
    Literal(Out),
    Pipe(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Comparator(&'static str, Box<Node>, Box<Node>),
    Expref(Box<Node>),
    Function(String, Vec<Node>),
    MultiSelectList(Vec<Node>),
    MultiSelectDict(Vec<(String, Node)>),
}

/// A compiled expression.
#[derive(Debug, Clone)]
pub struct Query {
    expression: String,
    root: Node,
}

/// `jmespath.compile(expression)`, or the message of the error it raises.
pub fn compile(expression: &str) -> Result<Query, String> {
    if expression.is_empty() {
        return Err("Invalid JMESPath expression: cannot be empty.".into());
    }
    let tokens = Lexer::new(expression)
        .tokenize()
        .map_err(|e| e.message(expression))?;
    let mut parser = Parser { tokens, index: 0 };
    let root = parser.parse().map_err(|e| e.message(expression))?;
    Ok(Query {
        expression: expression.to_owned(),
        root,
    })
}

impl Query {
    pub fn search(&self, data: &Out) -> Result<Out, String> {
        Interpreter {
            expression: &self.expression,
        }
        .visit(&self.root, data)
    }
}

// --- errors ---------------------------------------------------------------------------

enum Error {
    /// `LexerError`: the position and the message.
    Lexer(usize, String),
    /// `ParseError`: position, token value, token type, message.
    Parse(usize, String, String, String),
    /// `IncompleteExpressionError`.
    Incomplete,
}

impl Error {
    fn message(&self, expression: &str) -> String {
        match self {
            Error::Lexer(position, message) => format!(
                "Bad jmespath expression: {message}:\n{expression}\n{}^",
                " ".repeat(*position)
            ),
            Error::Parse(position, value, kind, message) => format!(
                "{message}: Parse error at column {position}, token \"{value}\" ({}), for expression:\n\"{expression}\"\n{}^",
                kind.to_uppercase(),
                " ".repeat(position + 1)
            ),
            Error::Incomplete => format!(
                "Invalid jmespath expression: Incomplete expression:\n\"{expression}\"\n{}^",
                " ".repeat(expression.chars().count() + 1)
            ),
        }
    }
}

// --- lexer ----------------------------------------------------------------------------

struct Lexer {
    chars: Vec<char>,
    position: usize,
    current: Option<char>,
}

fn simple_token(c: char) -> Option<&'static str> {
    Some(match c {
        '.' => "dot",
        '*' => "star",
        ']' => "rbracket",
        ',' => "comma",
        ':' => "colon",
        '@' => "current",
        '(' => "lparen",
        ')' => "rparen",
        '{' => "lbrace",
        '}' => "rbrace",
        _ => return None,
    })
}

impl Lexer {
    fn new(expression: &str) -> Lexer {
        let chars: Vec<char> = expression.chars().collect();
        let current = chars.first().copied();
        Lexer {
            chars,
            position: 0,
            current,
        }
    }

    /// Python's `_next`: at the last character the position stays and `current` is None.
    fn next(&mut self) -> Option<char> {
        if self.position + 1 >= self.chars.len() {
            self.current = None;
        } else {
            self.position += 1;
            self.current = Some(self.chars[self.position]);
        }
        self.current
    }

    fn token(kind: &'static str, value: impl Into<String>, start: usize) -> Token {
        Token {
            kind,
            value: TokenValue::Text(value.into()),
            start,
        }
    }

    fn tokenize(mut self) -> Result<Vec<Token>, Error> {
        let mut tokens = Vec::new();
        while let Some(c) = self.current {
            if let Some(kind) = simple_token(c) {
                tokens.push(Lexer::token(kind, c, self.position));
                self.next();
            } else if c.is_ascii_alphabetic() || c == '_' {
                let start = self.position;
                let mut buff = String::from(c);
                while let Some(n) = self
                    .next()
                    .filter(|n| n.is_ascii_alphanumeric() || *n == '_')
                {
                    buff.push(n);
                }
                tokens.push(Lexer::token("unquoted_identifier", buff, start));
            } else if matches!(c, ' ' | '\t' | '\n' | '\r') {
                self.next();
            } else if c == '[' {
                let start = self.position;
                match self.next() {
                    Some(']') => {
                        self.next();
                        tokens.push(Lexer::token("flatten", "[]", start));
                    }
                    Some('?') => {
                        self.next();
                        tokens.push(Lexer::token("filter", "[?", start));
                    }
                    _ => tokens.push(Lexer::token("lbracket", "[", start)),
                }
            } else if c == '\'' {
                let start = self.position;
                let lexeme = self.consume_until('\'')?.replace("\\'", "'");
                tokens.push(Token {
                    kind: "literal",
                    value: TokenValue::Json(Out::Str(lexeme)),
                    start,
                });
            } else if c == '|' {
                tokens.push(self.match_or_else('|', "or", "pipe"));
            } else if c == '&' {
                tokens.push(self.match_or_else('&', "and", "expref"));
            } else if c == '`' {
                tokens.push(self.consume_literal()?);
            } else if c.is_ascii_digit() || c == '-' {
                let start = self.position;
                let buff = self.consume_number();
                if buff == "-" {
                    return Err(Error::Lexer(start, "Unknown token '-'".into()));
                }
                let value = buff.parse::<i64>().unwrap_or(i64::MAX);
                tokens.push(Token {
                    kind: "number",
                    value: TokenValue::Number(value),
                    start,
                });
            } else if c == '"' {
                tokens.push(self.consume_quoted_identifier()?);
            } else if c == '<' {
                tokens.push(self.match_or_else('=', "lte", "lt"));
            } else if c == '>' {
                tokens.push(self.match_or_else('=', "gte", "gt"));
            } else if c == '!' {
                tokens.push(self.match_or_else('=', "ne", "not"));
            } else if c == '=' {
                if self.next() == Some('=') {
                    tokens.push(Lexer::token("eq", "==", self.position - 1));
                    self.next();
                } else {
                    let position = if self.current.is_none() {
                        self.position
                    } else {
                        self.position - 1
                    };
                    return Err(Error::Lexer(position, "Unknown token '='".into()));
                }
            } else {
                return Err(Error::Lexer(self.position, format!("Unknown token {c}")));
            }
        }
        tokens.push(Lexer::token("eof", "", self.chars.len()));
        Ok(tokens)
    }

    fn consume_number(&mut self) -> String {
        let mut buff = String::from(self.current.unwrap_or_default());
        while let Some(n) = self.next().filter(char::is_ascii_digit) {
            buff.push(n);
        }
        buff
    }

    /// The text up to `delimiter` (a backslash keeps the character after it), past it.
    fn consume_until(&mut self, delimiter: char) -> Result<String, Error> {
        let start = self.position;
        let mut buff = String::new();
        self.next();
        while self.current != Some(delimiter) {
            if self.current == Some('\\') {
                buff.push('\\');
                self.next();
            }
            let Some(c) = self.current else {
                return Err(Error::Lexer(
                    start,
                    format!("Unclosed {delimiter} delimiter"),
                ));
            };
            buff.push(c);
            self.next();
        }
        self.next();
        Ok(buff)
    }

    fn consume_literal(&mut self) -> Result<Token, Error> {
        let start = self.position;
        let lexeme = self.consume_until('`')?.replace("\\`", "`");
        let value = match crate::pyjson::loads_ordered(&lexeme) {
            Ok(value) => value,
            // JEP-12's deprecated form: text that is not JSON is a string.
            Err(_) => crate::pyjson::loads_ordered(&format!("\"{}\"", lexeme.trim_start()))
                .map_err(|_| Error::Lexer(start, format!("Bad token {lexeme}")))?,
        };
        let value = Out::from_python(value);
        Ok(Token {
            kind: "literal",
            value: TokenValue::Json(value),
            start,
        })
    }

    fn consume_quoted_identifier(&mut self) -> Result<Token, Error> {
        let start = self.position;
        let lexeme = format!("\"{}\"", self.consume_until('"')?);
        match crate::pyjson::loads(&lexeme) {
            Ok(serde_json::Value::String(name)) => {
                Ok(Lexer::token("quoted_identifier", name, start))
            }
            Ok(_) => Ok(Lexer::token("quoted_identifier", lexeme, start)),
            Err(e) => {
                let message = e.split(':').next().unwrap_or_default().to_owned();
                Err(Error::Lexer(start, message))
            }
        }
    }

    fn match_or_else(
        &mut self,
        expected: char,
        matched: &'static str,
        other: &'static str,
    ) -> Token {
        let start = self.position;
        let current = self.current.unwrap_or_default();
        if self.next() == Some(expected) {
            self.next();
            Lexer::token(matched, format!("{current}{expected}"), start)
        } else {
            Lexer::token(other, current, start)
        }
    }
}

// --- parser ---------------------------------------------------------------------------

fn binding_power(kind: &str) -> u8 {
    match kind {
        "pipe" => 1,
        "or" => 2,
        "and" => 3,
        "eq" | "gt" | "lt" | "gte" | "lte" | "ne" => 5,
        "flatten" => 9,
        "star" => 20,
        "filter" => 21,
        "dot" => 40,
        "not" => 45,
        "lbrace" => 50,
        "lbracket" => 55,
        "lparen" => 60,
        _ => 0,
    }
}

/// The most a token stopping a projection binds.
const PROJECTION_STOP: u8 = 10;

struct Parser {
    tokens: Vec<Token>,
    index: usize,
}

type Parsed = Result<Node, Error>;

impl Parser {
    fn parse(&mut self) -> Parsed {
        let parsed = self.expression(0)?;
        if self.current() != "eof" {
            let t = self.lookahead_token(0);
            let value = t.value.python_str();
            return Err(Error::Parse(
                t.start,
                value.clone(),
                t.kind.into(),
                format!("Unexpected token: {value}"),
            ));
        }
        Ok(parsed)
    }

    fn current(&self) -> &'static str {
        self.tokens[self.index].kind
    }

    fn lookahead(&self, n: usize) -> &'static str {
        self.tokens
            .get(self.index + n)
            .map_or("eof", |token| token.kind)
    }

    fn lookahead_token(&self, n: usize) -> Token {
        let last = self.tokens.len() - 1;
        self.tokens[(self.index + n).min(last)].clone()
    }

    fn advance(&mut self) {
        self.index += 1;
    }

    fn expression(&mut self, power: u8) -> Parsed {
        let left_token = self.lookahead_token(0);
        self.advance();
        let mut left = self.nud(&left_token)?;
        let mut current = self.current();
        while power < binding_power(current) {
            self.advance();
            left = self.led(current, left)?;
            current = self.current();
        }
        Ok(left)
    }

    fn error_for(&self, token: &Token, reason: &str) -> Error {
        Error::Parse(
            token.start,
            token.value.python_str(),
            token.kind.into(),
            reason.into(),
        )
    }

    fn nud(&mut self, token: &Token) -> Parsed {
        match token.kind {
            "literal" => match &token.value {
                TokenValue::Json(value) => Ok(Node::Literal(value.clone())),
                other => Ok(Node::Literal(Out::Str(other.python_str()))),
            },
            "unquoted_identifier" => Ok(Node::Field(token.value.python_str())),
            "quoted_identifier" => {
                if self.current() == "lparen" {
                    let t = self.lookahead_token(0);
                    return Err(Error::Parse(
                        0,
                        t.value.python_str(),
                        t.kind.into(),
                        "Quoted identifier not allowed for function names.".into(),
                    ));
                }
                Ok(Node::Field(token.value.python_str()))
            }
            "star" => {
                let right = if self.current() == "rbracket" {
                    Node::Identity
                } else {
                    self.projection_rhs(binding_power("star"))?
                };
                Ok(Node::ValueProjection(
                    Box::new(Node::Identity),
                    Box::new(right),
                ))
            }
            "filter" => self.led_filter(Node::Identity),
            "lbrace" => self.multi_select_hash(),
            "lparen" => {
                let expression = self.expression(0)?;
                self.matches("rparen")?;
                Ok(expression)
            }
            "flatten" => {
                let left = Node::Flatten(Box::new(Node::Identity));
                let right = self.projection_rhs(binding_power("flatten"))?;
                Ok(Node::Projection(Box::new(left), Box::new(right)))
            }
            "not" => {
                let expression = self.expression(binding_power("not"))?;
                Ok(Node::Not(Box::new(expression)))
            }
            "lbracket" => {
                if matches!(self.current(), "number" | "colon") {
                    let right = self.index_expression()?;
                    self.project_if_slice(Node::Identity, right)
                } else if self.current() == "star" && self.lookahead(1) == "rbracket" {
                    self.advance();
                    self.advance();
                    let right = self.projection_rhs(binding_power("star"))?;
                    Ok(Node::Projection(Box::new(Node::Identity), Box::new(right)))
                } else {
                    self.multi_select_list()
                }
            }
            "current" => Ok(Node::Current),
            "expref" => {
                let expression = self.expression(binding_power("expref"))?;
                Ok(Node::Expref(Box::new(expression)))
            }
            "eof" => Err(Error::Incomplete),
            _ => Err(self.error_for(token, "invalid token")),
        }
    }

    fn led(&mut self, kind: &'static str, left: Node) -> Parsed {
        match kind {
            "dot" => {
                if self.current() != "star" {
                    let right = self.dot_rhs(binding_power("dot"))?;
                    return Ok(match left {
                        Node::Subexpression(mut children) => {
                            children.push(right);
                            Node::Subexpression(children)
                        }
                        left => Node::Subexpression(vec![left, right]),
                    });
                }
                self.advance();
                let right = self.projection_rhs(binding_power("dot"))?;
                Ok(Node::ValueProjection(Box::new(left), Box::new(right)))
            }
            "pipe" => {
                let right = self.expression(binding_power("pipe"))?;
                Ok(Node::Pipe(Box::new(left), Box::new(right)))
            }
            "or" => {
                let right = self.expression(binding_power("or"))?;
                Ok(Node::Or(Box::new(left), Box::new(right)))
            }
            "and" => {
                let right = self.expression(binding_power("and"))?;
                Ok(Node::And(Box::new(left), Box::new(right)))
            }
            "lparen" => {
                let Node::Field(name) = left else {
                    let t = self.tokens[self.index - 2].clone();
                    let value = t.value.python_str();
                    return Err(Error::Parse(
                        t.start,
                        value.clone(),
                        t.kind.into(),
                        format!("Invalid function name '{value}'"),
                    ));
                };
                let mut args = Vec::new();
                while self.current() != "rparen" {
                    let expression = self.expression(0)?;
                    if self.current() == "comma" {
                        self.matches("comma")?;
                    }
                    args.push(expression);
                }
                self.matches("rparen")?;
                Ok(Node::Function(name, args))
            }
            "filter" => self.led_filter(left),
            "eq" | "ne" | "gt" | "gte" | "lt" | "lte" => {
                let right = self.expression(binding_power(kind))?;
                Ok(Node::Comparator(kind, Box::new(left), Box::new(right)))
            }
            "flatten" => {
                let left = Node::Flatten(Box::new(left));
                let right = self.projection_rhs(binding_power("flatten"))?;
                Ok(Node::Projection(Box::new(left), Box::new(right)))
            }
            "lbracket" => {
                if matches!(self.current(), "number" | "colon") {
                    let right = self.index_expression()?;
                    if let Node::IndexExpression(mut children) = left {
                        children.push(right);
                        return Ok(Node::IndexExpression(children));
                    }
                    return self.project_if_slice(left, right);
                }
                self.matches("star")?;
                self.matches("rbracket")?;
                let right = self.projection_rhs(binding_power("star"))?;
                Ok(Node::Projection(Box::new(left), Box::new(right)))
            }
            _ => {
                // A token that binds but has no led (a star, `!`, `{`): Python raises on it
                // before advancing, so the error names it.
                self.index -= 1;
                let token = self.lookahead_token(0);
                Err(self.error_for(&token, "invalid token"))
            }
        }
    }

    fn led_filter(&mut self, left: Node) -> Parsed {
        let condition = self.expression(0)?;
        self.matches("rbracket")?;
        let right = if self.current() == "flatten" {
            Node::Identity
        } else {
            self.projection_rhs(binding_power("filter"))?
        };
        Ok(Node::FilterProjection(
            Box::new(left),
            Box::new(right),
            Box::new(condition),
        ))
    }

    fn index_expression(&mut self) -> Parsed {
        if self.lookahead(0) == "colon" || self.lookahead(1) == "colon" {
            return self.slice_expression();
        }
        let n = match self.lookahead_token(0).value {
            TokenValue::Number(n) => n,
            _ => 0,
        };
        self.advance();
        self.matches("rbracket")?;
        Ok(Node::Index(n))
    }

    fn slice_expression(&mut self) -> Parsed {
        let mut parts = [None, None, None];
        let mut index = 0;
        let mut current = self.current();
        while current != "rbracket" && index < 3 {
            if current == "colon" {
                index += 1;
                if index == 3 {
                    let t = self.lookahead_token(0);
                    return Err(self.error_for(&t, "syntax error"));
                }
                self.advance();
            } else if current == "number" {
                if let TokenValue::Number(n) = self.lookahead_token(0).value {
                    parts[index] = Some(n);
                }
                self.advance();
            } else {
                let t = self.lookahead_token(0);
                return Err(self.error_for(&t, "syntax error"));
            }
            current = self.current();
        }
        self.matches("rbracket")?;
        Ok(Node::Slice(parts[0], parts[1], parts[2]))
    }

    fn project_if_slice(&mut self, left: Node, right: Node) -> Parsed {
        let is_slice = matches!(right, Node::Slice(..));
        let index = Node::IndexExpression(vec![left, right]);
        if is_slice {
            let rhs = self.projection_rhs(binding_power("star"))?;
            return Ok(Node::Projection(Box::new(index), Box::new(rhs)));
        }
        Ok(index)
    }

    fn multi_select_list(&mut self) -> Parsed {
        let mut expressions = Vec::new();
        loop {
            expressions.push(self.expression(0)?);
            if self.current() == "rbracket" {
                break;
            }
            self.matches("comma")?;
        }
        self.matches("rbracket")?;
        Ok(Node::MultiSelectList(expressions))
    }

    fn multi_select_hash(&mut self) -> Parsed {
        let mut pairs = Vec::new();
        loop {
            let key = self.lookahead_token(0);
            self.matches_any(&["quoted_identifier", "unquoted_identifier"])?;
            self.matches("colon")?;
            let value = self.expression(0)?;
            pairs.push((key.value.python_str(), value));
            if self.current() == "comma" {
                self.matches("comma")?;
            } else if self.current() == "rbrace" {
                self.matches("rbrace")?;
                break;
            }
        }
        Ok(Node::MultiSelectDict(pairs))
    }

    fn projection_rhs(&mut self, power: u8) -> Parsed {
        let current = self.current();
        if binding_power(current) < PROJECTION_STOP {
            Ok(Node::Identity)
        } else if current == "lbracket" || current == "filter" {
            self.expression(power)
        } else if current == "dot" {
            self.matches("dot")?;
            self.dot_rhs(power)
        } else {
            let t = self.lookahead_token(0);
            Err(self.error_for(&t, "syntax error"))
        }
    }

    fn dot_rhs(&mut self, power: u8) -> Parsed {
        match self.current() {
            "quoted_identifier" | "unquoted_identifier" | "star" => self.expression(power),
            "lbracket" => {
                self.matches("lbracket")?;
                self.multi_select_list()
            }
            "lbrace" => {
                self.matches("lbrace")?;
                self.multi_select_hash()
            }
            kind => {
                let t = self.lookahead_token(0);
                Err(self.error_for(
                    &t,
                    &format!(
                        "Expecting: ['quoted_identifier', 'unquoted_identifier', 'lbracket', 'lbrace'], got: {kind}"
                    ),
                ))
            }
        }
    }

    fn matches(&mut self, kind: &str) -> Result<(), Error> {
        if self.current() == kind {
            self.advance();
            return Ok(());
        }
        Err(self.maybe_eof(kind.to_owned()))
    }

    fn matches_any(&mut self, kinds: &[&str]) -> Result<(), Error> {
        if !kinds.contains(&self.current()) {
            let listed: Vec<String> = kinds.iter().map(|k| format!("'{k}'")).collect();
            return Err(self.maybe_eof(format!("[{}]", listed.join(", "))));
        }
        self.advance();
        Ok(())
    }

    fn maybe_eof(&self, expected: String) -> Error {
        let token = self.lookahead_token(0);
        if token.kind == "eof" {
            return Error::Incomplete;
        }
        let message = format!("Expecting: {expected}, got: {}", token.kind);
        self.error_for(&token, &message)
    }
}

// --- interpreter ----------------------------------------------------------------------

struct Interpreter<'a> {
    expression: &'a str,
}

type Found = Result<Out, String>;

/// JMESPath's falsehood: empty strings, lists and objects, false and null (not zero).
fn is_false(value: &Out) -> bool {
    match value {
        Out::Null => true,
        Out::Bool(b) => !b,
        Out::Str(s) => s.is_empty(),
        Out::List(items) => items.is_empty(),
        Out::Map(pairs) => pairs.is_empty(),
        Out::Num(_) => false,
    }
}

/// Python's `==` between two parsed values (numbers by value, objects whatever their order),
/// except that 0 and 1 are not false and true.
fn equals(x: &Out, y: &Out) -> bool {
    match (x, y) {
        (Out::Num(a), Out::Num(b)) => a.as_f64() == b.as_f64(),
        (Out::List(a), Out::List(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| equals(a, b))
        }
        (Out::Map(a), Out::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|other| equals(v, other)))
                && b.iter().all(|(k, _)| x.get(k).is_some())
        }
        _ => x == y,
    }
}

fn python_type(value: &Out) -> &'static str {
    match value {
        Out::Null => "NoneType",
        Out::Bool(_) => "bool",
        Out::Num(n) if n.is_f64() => "float",
        Out::Num(_) => "int",
        Out::Str(_) => "str",
        Out::List(_) => "list",
        Out::Map(_) => "dict",
    }
}

impl Interpreter<'_> {
    fn visit(&self, node: &Node, value: &Out) -> Found {
        Ok(match node {
            Node::Field(name) => value.get(name).cloned().unwrap_or(Out::Null),
            Node::Subexpression(children) | Node::IndexExpression(children) => {
                let mut result = value.clone();
                for child in children {
                    result = self.visit(child, &result)?;
                }
                result
            }
            Node::Index(n) => match value {
                Out::List(items) => {
                    let len = items.len() as i64;
                    let at = if *n < 0 { len + n } else { *n };
                    if (0..len).contains(&at) {
                        items[at as usize].clone()
                    } else {
                        Out::Null
                    }
                }
                _ => Out::Null,
            },
            Node::Slice(start, stop, step) => match value {
                Out::List(items) => Out::List(slice(items, *start, *stop, *step)?),
                _ => Out::Null,
            },
            Node::Projection(left, right) => match self.visit(left, value)? {
                Out::List(items) => self.project(&items, right)?,
                _ => Out::Null,
            },
            Node::ValueProjection(left, right) => match self.visit(left, value)? {
                Out::Map(pairs) => {
                    let values: Vec<Out> = pairs.into_iter().map(|(_, v)| v).collect();
                    self.project(&values, right)?
                }
                _ => Out::Null,
            },
            Node::FilterProjection(left, right, condition) => match self.visit(left, value)? {
                Out::List(items) => {
                    let mut collected = Vec::new();
                    for element in &items {
                        if !is_false(&self.visit(condition, element)?) {
                            let current = self.visit(right, element)?;
                            if current != Out::Null {
                                collected.push(current);
                            }
                        }
                    }
                    Out::List(collected)
                }
                _ => Out::Null,
            },
            Node::Flatten(inner) => match self.visit(inner, value)? {
                Out::List(items) => {
                    let mut merged = Vec::new();
                    for element in items {
                        match element {
                            Out::List(inner) => merged.extend(inner),
                            other => merged.push(other),
                        }
                    }
                    Out::List(merged)
                }
                _ => Out::Null,
            },
            Node::Identity | Node::Current => value.clone(),
            Node::Literal(literal) => literal.clone(),
            Node::Pipe(left, right) => {
                let left = self.visit(left, value)?;
                self.visit(right, &left)?
            }
            Node::Or(left, right) => {
                let matched = self.visit(left, value)?;
                if is_false(&matched) {
                    self.visit(right, value)?
                } else {
                    matched
                }
            }
            Node::And(left, right) => {
                let matched = self.visit(left, value)?;
                if is_false(&matched) {
                    matched
                } else {
                    self.visit(right, value)?
                }
            }
            Node::Not(inner) => Out::Bool(is_false(&self.visit(inner, value)?)),
            Node::Comparator(op, left, right) => {
                let left = self.visit(left, value)?;
                let right = self.visit(right, value)?;
                compare(op, &left, &right)?
            }
            // Only a function's argument is an expression reference; elsewhere Python gives
            // an object that prints as null.
            Node::Expref(_) => Out::Null,
            Node::Function(name, args) => self.function(name, args, value)?,
            Node::MultiSelectList(children) => {
                if *value == Out::Null {
                    return Ok(Out::Null);
                }
                let mut collected = Vec::new();
                for child in children {
                    collected.push(self.visit(child, value)?);
                }
                Out::List(collected)
            }
            Node::MultiSelectDict(pairs) => {
                if *value == Out::Null {
                    return Ok(Out::Null);
                }
                let mut collected: Vec<(String, Out)> = Vec::new();
                for (key, child) in pairs {
                    let found = self.visit(child, value)?;
                    match collected.iter_mut().find(|(k, _)| k == key) {
                        Some(slot) => slot.1 = found,
                        None => collected.push((key.clone(), found)),
                    }
                }
                Out::Map(collected)
            }
        })
    }

    fn project(&self, items: &[Out], right: &Node) -> Found {
        let mut collected = Vec::new();
        for element in items {
            let current = self.visit(right, element)?;
            if current != Out::Null {
                collected.push(current);
            }
        }
        Ok(Out::List(collected))
    }

    /// A function call. `keys` and `values` keep the object's order; the rest run as the
    /// `jmespath` crate runs them, and what they give back that is one of their arguments'
    /// values (or elements) is given back as that value, in its order.
    fn function(&self, name: &str, args: &[Node], value: &Out) -> Found {
        let mut resolved = Vec::new();
        let mut variables = Vec::new();
        let mut checked = Vec::new();
        for arg in args {
            match arg {
                Node::Expref(inner) => {
                    variables.push(Rc::new(Variable::Expref(to_ast(inner))));
                    checked.push(None);
                }
                _ => {
                    let found = self.visit(arg, value)?;
                    variables.push(Rc::new(to_variable(&found)?));
                    checked.push(Some(found.clone()));
                    resolved.push(found);
                }
            }
        }
        check_signature(name, &checked)?;
        match (name, resolved.as_slice()) {
            // `sum(arg) / len(arg)`, and None for an empty list.
            ("avg", [Out::List(items)]) if items.is_empty() => return Ok(Out::Null),
            // `dict.update` with each argument in turn: the first's order, the last's values.
            // (Only the first argument's type is checked, so an empty list merges nothing.)
            ("merge", _) => {
                let mut merged: Vec<(String, Out)> = Vec::new();
                for arg in &resolved {
                    match arg {
                        Out::Map(pairs) => {
                            for (key, value) in pairs {
                                match merged.iter_mut().find(|(k, _)| k == key) {
                                    Some(slot) => slot.1 = value.clone(),
                                    None => merged.push((key.clone(), value.clone())),
                                }
                            }
                        }
                        Out::List(items) if items.is_empty() => {}
                        other => {
                            return Err(format!("'{}' object is not iterable", python_type(other)));
                        }
                    }
                }
                return Ok(Out::Map(merged));
            }
            _ => {}
        }
        if let ([value], "to_string", 1) = (resolved.as_slice(), name, args.len()) {
            // `json.dumps(value, separators=(',', ':'))`, in the value's order.
            if let Out::Str(_) = value {
                return Ok(value.clone());
            }
            let mut text = String::new();
            compact_json(value, &mut text);
            return Ok(Out::Str(text));
        }
        if let ([Out::Map(pairs)], "keys" | "values", 1) = (resolved.as_slice(), name, args.len()) {
            return Ok(Out::List(
                pairs
                    .iter()
                    .map(|(k, v)| {
                        if name == "keys" {
                            Out::Str(k.clone())
                        } else {
                            v.clone()
                        }
                    })
                    .collect(),
            ));
        }
        let Some(function) = DEFAULT_RUNTIME.get_function(name) else {
            return Err(format!("Unknown function: {name}()"));
        };
        let mut ctx = Context::new(self.expression, &DEFAULT_RUNTIME);
        let result = function
            .evaluate(&variables, &mut ctx)
            .map_err(|e| e.to_string())?;
        let json = serde_json::to_value(&*result).map_err(|e| e.to_string())?;
        Ok(reattach(Out::from_json(&json), &resolved))
    }
}

/// Python jmespath's signatures: each argument's allowed types (none: any), and whether the
/// last may repeat.
fn signature(name: &str) -> Option<(&'static [&'static [&'static str]], bool)> {
    const NUMBER: &[&str] = &["number"];
    const STRING: &[&str] = &["string"];
    const ARRAY: &[&str] = &["array"];
    const OBJECT: &[&str] = &["object"];
    const EXPREF: &[&str] = &["expref"];
    const ANY: &[&str] = &[];
    Some(match name {
        "abs" | "ceil" | "floor" => (&[NUMBER], false),
        "avg" | "sum" => (&[&["array-number"]], false),
        "not_null" => (&[ANY], true),
        "to_array" | "to_string" | "to_number" | "type" => (&[ANY], false),
        "contains" => (&[&["array", "string"], ANY], false),
        "length" => (&[&["string", "array", "object"]], false),
        "ends_with" | "starts_with" => (&[STRING, STRING], false),
        "reverse" => (&[&["array", "string"]], false),
        "join" => (&[STRING, &["array-string"]], false),
        "map" => (&[EXPREF, ARRAY], false),
        "max" | "min" => (&[&["array-number", "array-string"]], false),
        "merge" => (&[OBJECT], true),
        "sort" => (&[&["array-string", "array-number"]], false),
        "keys" | "values" => (&[OBJECT], false),
        "sort_by" | "min_by" | "max_by" => (&[ARRAY, EXPREF], false),
        _ => return None,
    })
}

/// The name of a value's Python type (`None` is an expression reference).
fn python_type_name(value: Option<&Out>) -> &'static str {
    match value {
        None => "_Expression",
        Some(value) => python_type(value),
    }
}

/// A Python type's JMESPath name.
fn jmespath_type(python: &str) -> &'static str {
    match python {
        "bool" => "boolean",
        "list" => "array",
        "dict" => "object",
        "NoneType" => "null",
        "str" => "string",
        "float" | "int" => "number",
        _ => "expref",
    }
}

/// Python's `str()` of a value, as jmespath's type errors show it.
fn python_str(value: Option<&Out>) -> String {
    match value {
        None => "<jmespath.visitor._Expression object>".into(),
        Some(Out::Str(s)) => s.clone(),
        Some(other) => python_repr(other),
    }
}

fn python_repr(value: &Out) -> String {
    match value {
        Out::Null => "None".into(),
        Out::Bool(true) => "True".into(),
        Out::Bool(false) => "False".into(),
        Out::Num(_) => value.python_str(),
        Out::Str(s) => crate::help::python_str_repr(s),
        Out::List(items) => format!(
            "[{}]",
            items.iter().map(python_repr).collect::<Vec<_>>().join(", ")
        ),
        Out::Map(pairs) => format!(
            "{{{}}}",
            pairs
                .iter()
                .map(|(k, v)| format!("{}: {}", crate::help::python_str_repr(k), python_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// jmespath's checks of a call's arguments (`None` for an expression reference): how many,
/// then each one's type, and for typed lists each element's.
fn check_signature(name: &str, args: &[Option<Out>]) -> Result<(), String> {
    let Some((signature, variadic)) = signature(name) else {
        return Err(format!("Unknown function: {name}()"));
    };
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    if variadic && args.len() < signature.len() {
        return Err(format!(
            "Expected at least {} {} for function {name}(), received {}",
            signature.len(),
            plural(signature.len()),
            args.len()
        ));
    }
    if !variadic && args.len() != signature.len() {
        return Err(format!(
            "Expected {} {} for function {name}(), received {}",
            signature.len(),
            plural(signature.len()),
            args.len()
        ));
    }
    for (arg, types) in args.iter().zip(signature.iter()) {
        if types.is_empty() {
            continue;
        }
        let expected = format!(
            "[{}]",
            types
                .iter()
                .map(|t| format!("'{t}'"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let error = |value: Option<&Out>, received: &str| {
            format!(
                "In function {name}(), invalid type for value: {}, expected one of: {expected}, received: \"{received}\"",
                python_str(value)
            )
        };
        let actual = python_type_name(arg.as_ref());
        let allowed = |t: &str| t.split('-').next() == Some(jmespath_type(actual));
        if !types.iter().any(|t| allowed(t)) {
            return Err(error(arg.as_ref(), jmespath_type(actual)));
        }
        let subtypes: Vec<&str> = types
            .iter()
            .filter_map(|t| t.split_once('-').map(|(_, s)| s))
            .collect();
        let Some(Out::List(items)) = arg else {
            continue;
        };
        let subtype = match subtypes.as_slice() {
            [] => continue,
            [only] => *only,
            several => {
                let Some(first) = items.first() else { continue };
                let first_type = python_type(first);
                match several.iter().find(|s| jmespath_type(first_type) == **s) {
                    Some(found) => *found,
                    None => return Err(error(Some(first), first_type)),
                }
            }
        };
        if let Some(bad) = items
            .iter()
            .find(|item| jmespath_type(python_type(item)) != subtype)
        {
            return Err(error(Some(bad), python_type(bad)));
        }
    }
    Ok(())
}

/// Python's `json.dumps(value, separators=(',', ':'))`.
fn compact_json(value: &Out, text: &mut String) {
    match value {
        Out::List(items) => {
            text.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                compact_json(item, text);
            }
            text.push(']');
        }
        Out::Map(pairs) => {
            text.push('{');
            for (i, (key, item)) in pairs.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                crate::pyjson::write_string(key, text);
                text.push(':');
                compact_json(item, text);
            }
            text.push('}');
        }
        Out::Str(s) => crate::pyjson::write_string(s, text),
        Out::Null => text.push_str("null"),
        Out::Bool(b) => text.push_str(if *b { "true" } else { "false" }),
        Out::Num(_) => text.push_str(&value.python_str()),
    }
}

/// Python's `operator.lt` and friends where JMESPath allows them (numbers, strings), `==` and
/// `!=` on anything.
fn compare(op: &str, left: &Out, right: &Out) -> Found {
    if op == "eq" || op == "ne" {
        let special = |x: &Out, y: &Out| {
            matches!(x, Out::Num(n) if n.as_f64() == Some(0.0) || n.as_f64() == Some(1.0))
                && matches!(y, Out::Bool(_))
        };
        let equal = !(special(left, right) || special(right, left)) && equals(left, right);
        return Ok(Out::Bool(if op == "eq" { equal } else { !equal }));
    }
    let ordering = match (left, right) {
        (Out::Num(a), Out::Num(b)) => a
            .as_f64()
            .unwrap_or_default()
            .partial_cmp(&b.as_f64().unwrap_or_default()),
        (Out::Str(a), Out::Str(b)) => Some(a.cmp(b)),
        (Out::Num(_) | Out::Str(_), Out::Num(_) | Out::Str(_)) => {
            let symbol = match op {
                "lt" => "<",
                "lte" => "<=",
                "gt" => ">",
                _ => ">=",
            };
            return Err(format!(
                "'{symbol}' not supported between instances of '{}' and '{}'",
                python_type(left),
                python_type(right)
            ));
        }
        _ => return Ok(Out::Null),
    };
    let Some(ordering) = ordering else {
        return Ok(Out::Bool(false));
    };
    Ok(Out::Bool(match op {
        "lt" => ordering.is_lt(),
        "lte" => ordering.is_le(),
        "gt" => ordering.is_gt(),
        _ => ordering.is_ge(),
    }))
}

/// `items[start:stop:step]`, Python's slice.
fn slice(
    items: &[Out],
    start: Option<i64>,
    stop: Option<i64>,
    step: Option<i64>,
) -> Result<Vec<Out>, String> {
    let step = step.unwrap_or(1);
    if step == 0 {
        return Err("slice step cannot be zero".into());
    }
    let len = items.len() as i64;
    let adjust = |bound: i64| {
        if bound < 0 {
            let bound = bound + len;
            if bound >= 0 {
                bound
            } else if step < 0 {
                -1
            } else {
                0
            }
        } else if bound < len {
            bound
        } else if step < 0 {
            len - 1
        } else {
            len
        }
    };
    let a = start.map_or(if step < 0 { len - 1 } else { 0 }, adjust);
    let b = stop.map_or(if step < 0 { -1 } else { len }, adjust);
    let mut result = Vec::new();
    let mut i = a;
    while (step > 0 && i < b) || (step < 0 && i > b) {
        result.push(items[i as usize].clone());
        i += step;
    }
    Ok(result)
}

fn to_variable(value: &Out) -> Result<Variable, String> {
    Variable::try_from(value.to_json()).map_err(|e| e.to_string())
}

/// A function's result, with each part that equals one of `args` (or one of their elements)
/// replaced by that argument's value, which keeps its members' order.
fn reattach(result: Out, args: &[Out]) -> Out {
    let find = |value: &Out| -> Option<Out> {
        args.iter()
            .flat_map(|arg| {
                let elements: &[Out] = match arg {
                    Out::List(items) => items,
                    _ => &[],
                };
                std::iter::once(arg).chain(elements)
            })
            .find(|candidate| candidate.to_json() == value.to_json())
            .cloned()
    };
    if let Some(found) = find(&result) {
        return found;
    }
    match result {
        Out::List(items) => Out::List(
            items
                .into_iter()
                .map(|item| find(&item).unwrap_or(item))
                .collect(),
        ),
        other => other,
    }
}

/// The crate's syntax tree for an expression reference, which its functions evaluate.
fn to_ast(node: &Node) -> Ast {
    let offset = 0;
    let boxed = |node: &Node| Box::new(to_ast(node));
    let chain = |children: &[Node]| {
        let mut iter = children.iter();
        let first = iter.next().map_or(Ast::Identity { offset }, to_ast);
        iter.fold(first, |lhs, rhs| Ast::Subexpr {
            offset,
            lhs: Box::new(lhs),
            rhs: Box::new(to_ast(rhs)),
        })
    };
    match node {
        Node::Field(name) => Ast::Field {
            offset,
            name: name.clone(),
        },
        Node::Subexpression(children) | Node::IndexExpression(children) => chain(children),
        Node::Index(n) => Ast::Index {
            offset,
            idx: (*n).clamp(i32::MIN as i64, i32::MAX as i64) as i32,
        },
        Node::Slice(start, stop, step) => {
            let clamp = |n: i64| n.clamp(i32::MIN as i64, i32::MAX as i64) as i32;
            Ast::Slice {
                offset,
                start: start.map(clamp),
                stop: stop.map(clamp),
                step: clamp(step.unwrap_or(1)),
            }
        }
        Node::Projection(lhs, rhs) => Ast::Projection {
            offset,
            lhs: boxed(lhs),
            rhs: boxed(rhs),
        },
        Node::ValueProjection(lhs, rhs) => Ast::Projection {
            offset,
            lhs: Box::new(Ast::ObjectValues {
                offset,
                node: boxed(lhs),
            }),
            rhs: boxed(rhs),
        },
        Node::FilterProjection(lhs, rhs, condition) => Ast::Projection {
            offset,
            lhs: boxed(lhs),
            rhs: Box::new(Ast::Condition {
                offset,
                predicate: boxed(condition),
                then: boxed(rhs),
            }),
        },
        Node::Flatten(inner) => Ast::Flatten {
            offset,
            node: boxed(inner),
        },
        Node::Identity | Node::Current => Ast::Identity { offset },
        Node::Literal(value) => Ast::Literal {
            offset,
            value: Rc::new(Variable::try_from(value.to_json()).unwrap_or(Variable::Null)),
        },
        Node::Pipe(lhs, rhs) => Ast::Subexpr {
            offset,
            lhs: boxed(lhs),
            rhs: boxed(rhs),
        },
        Node::Or(lhs, rhs) => Ast::Or {
            offset,
            lhs: boxed(lhs),
            rhs: boxed(rhs),
        },
        Node::And(lhs, rhs) => Ast::And {
            offset,
            lhs: boxed(lhs),
            rhs: boxed(rhs),
        },
        Node::Not(inner) => Ast::Not {
            offset,
            node: boxed(inner),
        },
        Node::Comparator(op, lhs, rhs) => Ast::Comparison {
            offset,
            comparator: match *op {
                "eq" => Comparator::Equal,
                "ne" => Comparator::NotEqual,
                "lt" => Comparator::LessThan,
                "lte" => Comparator::LessThanEqual,
                "gt" => Comparator::GreaterThan,
                _ => Comparator::GreaterThanEqual,
            },
            lhs: boxed(lhs),
            rhs: boxed(rhs),
        },
        Node::Expref(inner) => Ast::Expref {
            offset,
            ast: boxed(inner),
        },
        Node::Function(name, args) => Ast::Function {
            offset,
            name: name.clone(),
            args: args.iter().map(to_ast).collect(),
        },
        Node::MultiSelectList(children) => Ast::MultiList {
            offset,
            elements: children.iter().map(to_ast).collect(),
        },
        Node::MultiSelectDict(pairs) => Ast::MultiHash {
            offset,
            elements: pairs
                .iter()
                .map(|(key, value)| KeyValuePair {
                    key: key.clone(),
                    value: to_ast(value),
                })
                .collect(),
        },
    }
}
