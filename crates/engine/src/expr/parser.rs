//! Parsing into a raw syntax tree. Only syntax is judged here, and a syntax error is
//! reported at once, quoting the token and its neighbourhood the way DynamoDB does. Names
//! stay unresolved and functions unchecked: DynamoDB reports its semantic errors by category
//! rather than by position, so [`super::check`] judges them over the whole tree afterwards.
//!
//! Condition grammar, loosest first: `OR`, `AND`, `NOT`, then a predicate (`operand
//! comparator operand`, `operand BETWEEN operand AND operand`, `operand IN (operand, ...)`,
//! or a function call). Operands are paths, `:values`, function calls and parenthesised
//! groups; a group may hold an operand or a whole condition, and a group that only wraps
//! another group is "redundant", which DynamoDB refuses. An expression may be 4096 bytes,
//! enough for two thousand nested parentheses, so conditions are parsed with an explicit
//! stack of [`Frame`]s rather than by recursion: nesting costs heap, never call stack.
//!
//! Update grammar: clauses of comma-separated actions; a SET value is an operand or
//! `operand + operand` / `operand - operand`, and the value or any operand may be wrapped
//! in parentheses. SET values are parsed with an explicit stack too.

use crate::error::DynamoError;

use super::ast::Comparator;
use super::lexer::{self, Kind, Sym, Token};
use super::{ExpressionKind, invalid};

/// A path element as written: a bare name, a `#placeholder` or an index.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawElement {
    Name(String),
    Placeholder(String),
    Index(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawPath {
    pub elements: Vec<RawElement>,
}

/// The raw syntax tree shared by conditions and SET values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Path(RawPath),
    /// A `:placeholder`.
    Value(String),
    Call {
        name: String,
        args: Vec<Node>,
    },
    Compare {
        op: Comparator,
        left: Box<Node>,
        right: Box<Node>,
    },
    Between {
        operand: Box<Node>,
        low: Box<Node>,
        high: Box<Node>,
    },
    In {
        operand: Box<Node>,
        list: Vec<Node>,
    },
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    /// `operand + operand` or `operand - operand` in a SET action.
    Arith {
        plus: bool,
        left: Box<Node>,
        right: Box<Node>,
    },
}

impl Node {
    /// Whether the node can stand where a condition is expected.
    fn is_condition_like(&self) -> bool {
        !matches!(self, Node::Path(_) | Node::Value(_) | Node::Arith { .. })
    }

    /// Whether the node can stand where an operand is expected.
    fn is_operand_like(&self) -> bool {
        matches!(self, Node::Path(_) | Node::Value(_) | Node::Call { .. })
    }
}

/// Dropping a tree 2000 levels deep by the default recursive drop could exhaust the stack,
/// so nodes hand their children to an explicit stack instead.
impl Drop for Node {
    fn drop(&mut self) {
        let mut orphans = Vec::new();
        self.take_children(&mut orphans);
        while let Some(mut node) = orphans.pop() {
            node.take_children(&mut orphans);
        }
    }
}

impl Node {
    fn is_leaf(&self) -> bool {
        matches!(self, Node::Path(_) | Node::Value(_))
    }

    /// Moves the node's non-leaf children to `out`, leaving leaves in their place.
    fn take_children(&mut self, out: &mut Vec<Node>) {
        let mut take = |child: &mut Box<Node>| {
            if !child.is_leaf() {
                out.push(std::mem::replace(&mut **child, Node::Value(String::new())));
            }
        };
        match self {
            Node::Path(_) | Node::Value(_) => {}
            Node::Call { args: list, .. } => {
                out.extend(list.drain(..).filter(|n| !n.is_leaf()));
            }
            Node::In { operand, list } => {
                take(operand);
                out.extend(list.drain(..).filter(|n| !n.is_leaf()));
            }
            Node::Compare { left, right, .. } | Node::Arith { left, right, .. } => {
                take(left);
                take(right);
            }
            Node::Between { operand, low, high } => {
                take(operand);
                take(low);
                take(high);
            }
            Node::And(a, b) | Node::Or(a, b) => {
                take(a);
                take(b);
            }
            Node::Not(a) => take(a),
        }
    }
}

/// The four update clauses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Clause {
    Set,
    Remove,
    Add,
    Delete,
}

impl Clause {
    pub fn keyword(self) -> &'static str {
        match self {
            Clause::Set => "SET",
            Clause::Remove => "REMOVE",
            Clause::Add => "ADD",
            Clause::Delete => "DELETE",
        }
    }
}

/// One update action, in the order written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawAction {
    Set(RawPath, Node),
    Remove(RawPath),
    Add(RawPath, String),
    Delete(RawPath, String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct RawUpdate {
    pub actions: Vec<RawAction>,
    /// The first clause that appeared twice.
    pub repeated: Option<Clause>,
}

/// What the parser noticed on the way that is not a syntax error.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Notes {
    pub redundant_parens: bool,
    pub operators: usize,
}

/// `OR`, `AND` and `NOT`, loosest first (the derived order is their precedence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Connective {
    Or,
    And,
    Not,
}

/// A construct the condition parser is inside of, waiting for its next piece. The stack of
/// frames replaces the call stack of a recursive-descent parser.
enum Frame {
    /// An expression: the predicates read so far and the connectives not yet applied.
    Expression {
        operands: Vec<Node>,
        pending: Vec<Connective>,
    },
    /// A predicate, waiting for its first operand.
    PredicateStart,
    /// `left op`, waiting for the right operand.
    Compare { op: Comparator, left: Node },
    /// `operand BETWEEN`, waiting for the lower bound.
    BetweenLow { operand: Node },
    /// `operand BETWEEN low AND`, waiting for the upper bound.
    BetweenHigh { operand: Node, low: Node },
    /// `operand IN (list,`, waiting for the next member.
    In { operand: Node, list: Vec<Node> },
    /// `name(args,`, waiting for the next argument.
    Call { name: String, args: Vec<Node> },
    /// `(` at token index `open`, waiting for the expression inside.
    Group { open: usize },
}

impl Frame {
    fn expression() -> Frame {
        Frame::Expression {
            operands: Vec::new(),
            pending: Vec::new(),
        }
    }
}

/// A construct the SET-value parser is inside of, waiting for its next piece.
enum SetFrame {
    /// A SET value (the whole right-hand side, or the inside of its parentheses), waiting
    /// for its first operand, after which a `+` or `-` may follow.
    Value,
    /// `left +` or `left -`, waiting for the right operand.
    Right { plus: bool, left: Node },
    /// `(`, waiting for what it holds.
    Group,
    /// `name(args,`, waiting for the next argument.
    Call { name: String, args: Vec<Node> },
}

/// What [`Parser::climb`] hands down the frame stack.
enum Finished {
    Operand(Node),
    Predicate(Node),
    Expression(Node),
}

pub(crate) struct Parser<'s> {
    source: &'s str,
    tokens: Vec<Token>,
    pos: usize,
    kind: ExpressionKind,
    /// Token indexes of the most recently closed group's `(` and `)`.
    last_group: Option<(usize, usize)>,
    pub notes: Notes,
}

type Parsed<T> = Result<T, DynamoError>;

const KEYWORDS: [&str; 5] = ["AND", "OR", "NOT", "BETWEEN", "IN"];
/// Keywords of UpdateExpressions only: there they can be neither names nor functions.
const CLAUSE_KEYWORDS: [&str; 4] = ["SET", "REMOVE", "ADD", "DELETE"];

impl<'s> Parser<'s> {
    pub fn new(source: &'s str, kind: ExpressionKind) -> Self {
        Parser {
            source,
            tokens: lexer::tokenize(source),
            pos: 0,
            kind,
            last_group: None,
            notes: Notes::default(),
        }
    }

    // ----- token helpers -------------------------------------------------------------

    fn peek(&self) -> Token {
        self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn advance(&mut self) -> Token {
        let token = self.peek();
        if token.kind != Kind::Eof {
            self.pos += 1;
        }
        token
    }

    fn at_sym(&self, sym: Sym) -> bool {
        self.peek().kind == Kind::Sym(sym)
    }

    /// Whether a function call starts here: a name that is not a keyword, then `(`.
    fn at_call(&self) -> bool {
        let token = self.peek();
        let next = self.tokens.get(self.pos + 1).map(|t| t.kind);
        token.kind == Kind::Ident
            && next == Some(Kind::Sym(Sym::LParen))
            && !self.is_keyword(self.text(token))
    }

    /// Whether `word` is a keyword of this kind of expression (and so not a name).
    fn is_keyword(&self, word: &str) -> bool {
        let clause = self.kind == ExpressionKind::Update
            && CLAUSE_KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word));
        clause || KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
    }

    fn at_keyword(&self, word: &str) -> bool {
        self.peek().is_keyword(self.source, word)
    }

    fn text(&self, token: Token) -> &'s str {
        &self.source[token.start..token.end]
    }

    /// A syntax error at the current token.
    fn syntax_error(&self) -> DynamoError {
        let at = self.pos.min(self.tokens.len() - 1);
        let token = self.tokens[at];
        invalid(
            self.kind,
            format!(
                "Syntax error; token: \"{}\", near: \"{}\"",
                token.text(self.source),
                lexer::near(self.source, &self.tokens, at)
            ),
        )
    }

    fn expect_sym(&mut self, sym: Sym) -> Parsed<()> {
        if !self.at_sym(sym) {
            return Err(self.syntax_error());
        }
        self.advance();
        Ok(())
    }

    fn expect_end(&self) -> Parsed<()> {
        if self.peek().kind != Kind::Eof {
            return Err(self.syntax_error());
        }
        Ok(())
    }

    // ----- paths and values ----------------------------------------------------------

    /// One name of a path: a bare name that is not a keyword, or a `#placeholder`.
    fn path_name(&mut self) -> Parsed<RawElement> {
        let token = self.peek();
        let text = self.text(token);
        let element = match token.kind {
            Kind::Ident if !self.is_keyword(text) => RawElement::Name(text.to_owned()),
            Kind::Name => RawElement::Placeholder(text.to_owned()),
            _ => return Err(self.syntax_error()),
        };
        self.advance();
        Ok(element)
    }

    /// A document path: a name, then any number of `.name` and `[index]`.
    pub fn path(&mut self) -> Parsed<RawPath> {
        let mut elements = vec![self.path_name()?];
        loop {
            if self.at_sym(Sym::Dot) {
                self.advance();
                elements.push(self.path_name()?);
            } else if self.at_sym(Sym::LBracket) {
                self.advance();
                elements.push(RawElement::Index(self.index()?));
                self.expect_sym(Sym::RBracket)?;
            } else {
                return Ok(RawPath { elements });
            }
        }
    }

    fn index(&mut self) -> Parsed<usize> {
        let token = self.peek();
        let index = match token.kind {
            Kind::Number => self.text(token).parse::<usize>().ok(),
            _ => None,
        };
        let index = index.ok_or_else(|| self.syntax_error())?;
        self.advance();
        Ok(index)
    }

    // ----- conditions ----------------------------------------------------------------

    /// A whole ConditionExpression, FilterExpression or KeyConditionExpression.
    pub fn condition_expression(&mut self) -> Parsed<Node> {
        let node = self.expression()?;
        let node = self.require_condition(node)?;
        self.expect_end()?;
        Ok(node)
    }

    /// A path or value where a condition belongs is a syntax error at the next token.
    fn require_condition(&self, node: Node) -> Parsed<Node> {
        if node.is_condition_like() {
            Ok(node)
        } else {
            Err(self.syntax_error())
        }
    }

    fn require_operand(&self, node: Node) -> Parsed<Node> {
        if node.is_operand_like() {
            Ok(node)
        } else {
            Err(self.syntax_error())
        }
    }

    /// Predicates joined by `OR`, `AND` and prefix `NOT`, by operator precedence. A lone
    /// operand comes back as it is, for a group such as `(a) = :v`. Runs the [`Frame`]
    /// machine: [`Self::descend`] reads up to the next leaf operand, opening a frame for each
    /// `(` and function call on the way, and [`Self::climb`] hands finished pieces to the
    /// frames waiting for them until one needs another operand.
    fn expression(&mut self) -> Parsed<Node> {
        let mut stack = vec![Frame::expression()];
        self.begin_predicate(&mut stack);
        loop {
            let leaf = self.descend(&mut stack)?;
            if let Some(node) = self.climb(&mut stack, leaf)? {
                return Ok(node);
            }
        }
    }

    /// Reads the `NOT`s a predicate starts with into the innermost expression frame, then
    /// waits for the predicate's first operand.
    fn begin_predicate(&mut self, stack: &mut Vec<Frame>) {
        while self.at_keyword("NOT") {
            self.advance();
            self.notes.operators += 1;
            if let Some(Frame::Expression { pending, .. }) = stack.last_mut() {
                pending.push(Connective::Not);
            }
        }
        stack.push(Frame::PredicateStart);
    }

    /// Reads to the next path or `:value`, opening a frame for every `(` and function call
    /// on the way.
    fn descend(&mut self, stack: &mut Vec<Frame>) -> Parsed<Node> {
        loop {
            let token = self.peek();
            match token.kind {
                Kind::Sym(Sym::LParen) => {
                    stack.push(Frame::Group { open: self.pos });
                    self.advance();
                    stack.push(Frame::expression());
                    self.begin_predicate(stack);
                }
                Kind::Value => {
                    self.advance();
                    return Ok(Node::Value(self.text(token).to_owned()));
                }
                Kind::Ident if self.at_call() => {
                    let name = self.text(token).to_owned();
                    self.advance();
                    self.advance();
                    stack.push(Frame::Call {
                        name,
                        args: Vec::new(),
                    });
                }
                Kind::Ident | Kind::Name => return Ok(Node::Path(self.path()?)),
                _ => return Err(self.syntax_error()),
            }
        }
    }

    /// Hands a finished operand to the frames waiting for it, and what they finish to the
    /// frames below, until a frame needs another operand (`None`) or the whole expression
    /// is done.
    fn climb(&mut self, stack: &mut Vec<Frame>, leaf: Node) -> Parsed<Option<Node>> {
        let mut done = Finished::Operand(leaf);
        loop {
            let Some(frame) = stack.pop() else {
                return match done {
                    Finished::Expression(node) => Ok(Some(node)),
                    _ => Err(self.syntax_error()),
                };
            };
            done = match (frame, done) {
                (Frame::PredicateStart, Finished::Operand(left)) => {
                    let next = if let Some(op) = self.comparator() {
                        Frame::Compare {
                            op,
                            left: self.require_operand(left)?,
                        }
                    } else if self.at_keyword("BETWEEN") {
                        Frame::BetweenLow {
                            operand: self.require_operand(left)?,
                        }
                    } else if self.at_keyword("IN") {
                        Frame::In {
                            operand: self.require_operand(left)?,
                            list: Vec::new(),
                        }
                    } else {
                        // A lone operand: a function call, or a group's contents.
                        done = Finished::Predicate(left);
                        continue;
                    };
                    self.advance();
                    self.notes.operators += 1;
                    if matches!(next, Frame::In { .. }) {
                        self.expect_sym(Sym::LParen)?;
                    }
                    stack.push(next);
                    return Ok(None);
                }
                (Frame::Compare { op, left }, Finished::Operand(right)) => {
                    Finished::Predicate(Node::Compare {
                        op,
                        left: Box::new(left),
                        right: Box::new(self.require_operand(right)?),
                    })
                }
                (Frame::BetweenLow { operand }, Finished::Operand(low)) => {
                    let low = self.require_operand(low)?;
                    if !self.at_keyword("AND") {
                        return Err(self.syntax_error());
                    }
                    self.advance();
                    stack.push(Frame::BetweenHigh { operand, low });
                    return Ok(None);
                }
                (Frame::BetweenHigh { operand, low }, Finished::Operand(high)) => {
                    Finished::Predicate(Node::Between {
                        operand: Box::new(operand),
                        low: Box::new(low),
                        high: Box::new(self.require_operand(high)?),
                    })
                }
                (Frame::In { operand, mut list }, Finished::Operand(item)) => {
                    list.push(self.require_operand(item)?);
                    if self.at_sym(Sym::Comma) {
                        self.advance();
                        stack.push(Frame::In { operand, list });
                        return Ok(None);
                    }
                    self.expect_sym(Sym::RParen)?;
                    Finished::Predicate(Node::In {
                        operand: Box::new(operand),
                        list,
                    })
                }
                (Frame::Call { name, mut args }, Finished::Operand(arg)) => {
                    args.push(self.require_operand(arg)?);
                    if self.at_sym(Sym::Comma) {
                        self.advance();
                        stack.push(Frame::Call { name, args });
                        return Ok(None);
                    }
                    self.expect_sym(Sym::RParen)?;
                    Finished::Operand(Node::Call { name, args })
                }
                (
                    Frame::Expression {
                        mut operands,
                        mut pending,
                    },
                    Finished::Predicate(predicate),
                ) => {
                    operands.push(predicate);
                    while pending.last() == Some(&Connective::Not) {
                        pending.pop();
                        self.reduce(&mut operands, Connective::Not)?;
                    }
                    let next = if self.at_keyword("AND") {
                        Connective::And
                    } else if self.at_keyword("OR") {
                        Connective::Or
                    } else {
                        while let Some(top) = pending.pop() {
                            self.reduce(&mut operands, top)?;
                        }
                        done = Finished::Expression(
                            operands.pop().ok_or_else(|| self.syntax_error())?,
                        );
                        continue;
                    };
                    if operands.last().is_some_and(|n| !n.is_condition_like()) {
                        return Err(self.syntax_error());
                    }
                    while let Some(&top) = pending.last()
                        && top >= next
                    {
                        pending.pop();
                        self.reduce(&mut operands, top)?;
                    }
                    pending.push(next);
                    self.advance();
                    self.notes.operators += 1;
                    stack.push(Frame::Expression { operands, pending });
                    self.begin_predicate(stack);
                    return Ok(None);
                }
                (Frame::Group { open }, Finished::Expression(inner)) => {
                    let close = self.pos;
                    self.expect_sym(Sym::RParen)?;
                    if self.last_group == Some((open + 1, close - 1)) {
                        self.notes.redundant_parens = true;
                    }
                    self.last_group = Some((open, close));
                    Finished::Operand(inner)
                }
                // Every frame is only ever handed what it waits for.
                _ => return Err(self.syntax_error()),
            };
        }
    }

    /// Replaces the top operand(s) with `connective` applied to them.
    fn reduce(&self, operands: &mut Vec<Node>, connective: Connective) -> Parsed<()> {
        let right = operands.pop().ok_or_else(|| self.syntax_error())?;
        let right = Box::new(self.require_condition(right)?);
        let node = match connective {
            Connective::Not => Node::Not(right),
            binary => {
                let left = operands.pop().ok_or_else(|| self.syntax_error())?;
                let left = Box::new(self.require_condition(left)?);
                if binary == Connective::And {
                    Node::And(left, right)
                } else {
                    Node::Or(left, right)
                }
            }
        };
        operands.push(node);
        Ok(())
    }

    fn comparator(&self) -> Option<Comparator> {
        Some(match self.peek().kind {
            Kind::Sym(Sym::Eq) => Comparator::Eq,
            Kind::Sym(Sym::Ne) => Comparator::Ne,
            Kind::Sym(Sym::Lt) => Comparator::Lt,
            Kind::Sym(Sym::Le) => Comparator::Le,
            Kind::Sym(Sym::Gt) => Comparator::Gt,
            Kind::Sym(Sym::Ge) => Comparator::Ge,
            _ => return None,
        })
    }

    // ----- update expressions --------------------------------------------------------

    fn clause(&self) -> Option<Clause> {
        [Clause::Set, Clause::Remove, Clause::Add, Clause::Delete]
            .into_iter()
            .find(|c| self.at_keyword(c.keyword()))
    }

    /// A whole UpdateExpression: one or more clauses, each a comma-separated action list.
    pub fn update_expression(&mut self) -> Parsed<RawUpdate> {
        let mut update = RawUpdate::default();
        let mut seen = Vec::new();
        loop {
            let Some(clause) = self.clause() else {
                if seen.is_empty() || self.peek().kind != Kind::Eof {
                    return Err(self.syntax_error());
                }
                return Ok(update);
            };
            if seen.contains(&clause) && update.repeated.is_none() {
                update.repeated = Some(clause);
            }
            seen.push(clause);
            self.advance();
            loop {
                let action = self.action(clause)?;
                update.actions.push(action);
                if !self.at_sym(Sym::Comma) {
                    break;
                }
                self.advance();
            }
        }
    }

    fn action(&mut self, clause: Clause) -> Parsed<RawAction> {
        let path = self.path()?;
        Ok(match clause {
            Clause::Set => {
                self.expect_sym(Sym::Eq)?;
                RawAction::Set(path, self.set_value()?)
            }
            Clause::Remove => RawAction::Remove(path),
            Clause::Add => RawAction::Add(path, self.value_placeholder()?),
            Clause::Delete => RawAction::Delete(path, self.value_placeholder()?),
        })
    }

    fn value_placeholder(&mut self) -> Parsed<String> {
        let token = self.peek();
        if token.kind != Kind::Value {
            return Err(self.syntax_error());
        }
        self.advance();
        Ok(self.text(token).to_owned())
    }

    /// `operand`, `operand + operand` or `operand - operand`, the whole or any operand
    /// possibly in parentheses: `set b.c = ((c[1]) + (b.a))`. Like conditions, parsed with
    /// an explicit stack of [`SetFrame`]s, so nesting never costs call stack.
    fn set_value(&mut self) -> Parsed<Node> {
        let mut stack = vec![SetFrame::Value];
        let mut whole = true;
        loop {
            let leaf = self.set_descend(&mut stack, whole)?;
            match self.set_climb(&mut stack, leaf)? {
                Some(node) => return Ok(node),
                None => whole = false,
            }
        }
    }

    /// Reads to the next path or `:value`, opening a frame for every `(` and function call
    /// on the way. With `whole`, a `(` may hold a whole `a + b`; otherwise only an operand.
    fn set_descend(&mut self, stack: &mut Vec<SetFrame>, mut whole: bool) -> Parsed<Node> {
        loop {
            let token = self.peek();
            match token.kind {
                Kind::Sym(Sym::LParen) => {
                    self.advance();
                    stack.push(SetFrame::Group);
                    if whole {
                        stack.push(SetFrame::Value);
                    }
                }
                Kind::Value => {
                    self.advance();
                    return Ok(Node::Value(self.text(token).to_owned()));
                }
                Kind::Ident if self.at_call() => {
                    let name = self.text(token).to_owned();
                    self.advance();
                    self.advance();
                    stack.push(SetFrame::Call {
                        name,
                        args: Vec::new(),
                    });
                    whole = false;
                }
                Kind::Ident | Kind::Name => return Ok(Node::Path(self.path()?)),
                _ => return Err(self.syntax_error()),
            }
        }
    }

    /// Hands a finished operand to the frames waiting for it until one needs another
    /// operand (`None`) or the SET value is done.
    fn set_climb(&mut self, stack: &mut Vec<SetFrame>, leaf: Node) -> Parsed<Option<Node>> {
        let mut done = leaf;
        while let Some(frame) = stack.pop() {
            done = match frame {
                SetFrame::Value => {
                    let plus = match self.peek().kind {
                        Kind::Sym(Sym::Plus) => true,
                        Kind::Sym(Sym::Minus) => false,
                        _ => continue,
                    };
                    // `(a + b) + c`: arithmetic takes two operands, not a sum.
                    if matches!(done, Node::Arith { .. }) {
                        return Err(self.syntax_error());
                    }
                    self.advance();
                    self.notes.operators += 1;
                    stack.push(SetFrame::Right { plus, left: done });
                    return Ok(None);
                }
                SetFrame::Right { plus, left } => Node::Arith {
                    plus,
                    left: Box::new(left),
                    right: Box::new(done),
                },
                SetFrame::Group => {
                    self.expect_sym(Sym::RParen)?;
                    done
                }
                SetFrame::Call { name, mut args } => {
                    args.push(done);
                    if self.at_sym(Sym::Comma) {
                        self.advance();
                        stack.push(SetFrame::Call { name, args });
                        return Ok(None);
                    }
                    self.expect_sym(Sym::RParen)?;
                    Node::Call { name, args }
                }
            };
        }
        Ok(Some(done))
    }

    // ----- projection expressions ----------------------------------------------------

    /// A whole ProjectionExpression: comma-separated paths.
    pub fn projection_expression(&mut self) -> Parsed<Vec<RawPath>> {
        let mut paths = vec![self.path()?];
        while self.at_sym(Sym::Comma) {
            self.advance();
            paths.push(self.path()?);
        }
        self.expect_end()?;
        Ok(paths)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn condition(source: &str) -> Result<Node, String> {
        Parser::new(source, ExpressionKind::Condition)
            .condition_expression()
            .map_err(|e| e.message)
    }

    fn syntax(source: &str) -> String {
        condition(source).unwrap_err()
    }

    fn update(source: &str) -> Result<RawUpdate, String> {
        Parser::new(source, ExpressionKind::Update)
            .update_expression()
            .map_err(|e| e.message)
    }

    fn path(name: &str) -> Node {
        Node::Path(RawPath {
            elements: vec![RawElement::Name(name.into())],
        })
    }

    fn cmp(op: Comparator, l: Node, r: Node) -> Node {
        Node::Compare {
            op,
            left: Box::new(l),
            right: Box::new(r),
        }
    }

    #[test]
    fn not_binds_tighter_than_and_and_and_tighter_than_or() {
        let a = cmp(Comparator::Eq, path("a"), Node::Value(":v".into()));
        let b = cmp(Comparator::Lt, path("b"), Node::Value(":v".into()));
        let c = cmp(Comparator::Gt, path("c"), Node::Value(":v".into()));
        assert_eq!(
            condition("NOT a = :v AND b < :v OR c > :v").unwrap(),
            Node::Or(
                Box::new(Node::And(
                    Box::new(Node::Not(Box::new(a.clone()))),
                    Box::new(b.clone())
                )),
                Box::new(c.clone())
            )
        );
        assert_eq!(
            condition("a = :v or (b < :v and c > :v)").unwrap(),
            Node::Or(Box::new(a), Box::new(Node::And(Box::new(b), Box::new(c))))
        );
    }

    #[test]
    fn paths_take_dots_indexes_and_placeholders() {
        let node = condition("a.#b[2][10].c = :v").unwrap();
        let Node::Compare { left, .. } = &node else {
            panic!()
        };
        assert_eq!(
            **left,
            Node::Path(RawPath {
                elements: vec![
                    RawElement::Name("a".into()),
                    RawElement::Placeholder("#b".into()),
                    RawElement::Index(2),
                    RawElement::Index(10),
                    RawElement::Name("c".into()),
                ]
            })
        );
    }

    #[test]
    fn syntax_errors_quote_the_token_and_its_neighbours() {
        assert_eq!(
            syntax("a b"),
            "Invalid ConditionExpression: Syntax error; token: \"b\", near: \"a b\""
        );
        assert_eq!(
            syntax("a ="),
            "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\""
        );
        assert_eq!(
            syntax("attribute_type()"),
            "Invalid ConditionExpression: Syntax error; token: \")\", near: \"()\""
        );
        assert_eq!(
            syntax("l[a] = :v"),
            "Invalid ConditionExpression: Syntax error; token: \"a\", near: \"[a]\""
        );
        assert_eq!(
            syntax("a != :v"),
            "Invalid ConditionExpression: Syntax error; token: \"!\", near: \"a !=\""
        );
        assert_eq!(
            syntax("things are not gonna be ok"),
            "Invalid ConditionExpression: Syntax error; token: \"are\", near: \"things are not\""
        );
    }

    #[test]
    fn a_leading_unknown_character_is_quoted_with_the_next_token() {
        assert_eq!(
            syntax("!!!"),
            "Invalid ConditionExpression: Syntax error; token: \"!\", near: \"!!\""
        );
        assert_eq!(
            syntax("a.1 = :v"),
            "Invalid ConditionExpression: Syntax error; token: \"1\", near: \".1 =\""
        );
        assert_eq!(
            syntax("a = :v)"),
            "Invalid ConditionExpression: Syntax error; token: \")\", near: \":v)\""
        );
    }

    #[test]
    fn keywords_cannot_be_called_as_functions() {
        assert_eq!(
            syntax("a = AND(b)"),
            "Invalid ConditionExpression: Syntax error; token: \"AND\", near: \"= AND(\""
        );
        assert!(condition("NOT(a = :v)").is_ok());
        assert!(condition("a IN(:v)").is_ok());
    }

    #[test]
    fn a_bare_path_is_not_a_condition() {
        assert_eq!(
            syntax("a"),
            "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"a\""
        );
        assert_eq!(
            syntax("a AND b = :v"),
            "Invalid ConditionExpression: Syntax error; token: \"AND\", near: \"a AND b\""
        );
        assert_eq!(
            syntax("NOT :v"),
            "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \":v\""
        );
    }

    #[test]
    fn keywords_are_not_attribute_names() {
        assert_eq!(
            syntax("a = and"),
            "Invalid ConditionExpression: Syntax error; token: \"and\", near: \"= and\""
        );
        assert!(condition("a BETWEEN :x and :y").is_ok());
        assert!(condition("a in (:x, :y)").is_ok());
    }

    #[test]
    fn a_group_may_hold_an_operand_or_a_condition() {
        assert!(condition("(a) = :v").is_ok());
        assert!(condition("(a = :v)").is_ok());
        assert!(condition("((a = :v) AND (b = :v))").is_ok());
        assert_eq!(
            syntax("(a = :v) = :w"),
            "Invalid ConditionExpression: Syntax error; token: \"=\", near: \") = :w\""
        );
    }

    #[test]
    fn redundant_parentheses_are_noticed_not_rejected_here() {
        for (source, redundant) in [
            ("((a = :v))", true),
            ("((a)) = :v", true),
            ("(a = :v)", false),
            ("((a) = :v)", false),
            ("(a = :v) AND ((b = :v))", true),
            ("size((a)) = :v", false),
        ] {
            let mut p = Parser::new(source, ExpressionKind::Condition);
            p.condition_expression().unwrap();
            assert_eq!(p.notes.redundant_parens, redundant, "{source}");
        }
    }

    #[test]
    fn operators_are_counted_but_parentheses_and_functions_are_not() {
        let mut p = Parser::new(
            "a<b or (a<b or (NOT a between b and c)) and size(x) in (:a)",
            ExpressionKind::Condition,
        );
        p.condition_expression().unwrap();
        assert_eq!(p.notes.operators, 8);
    }

    #[test]
    fn update_clauses_may_come_in_any_order_and_case() {
        let u = update("remove a SET b = :v, c = d + :w add e :x DELETE f :y").unwrap();
        assert_eq!(u.actions.len(), 5);
        assert_eq!(u.repeated, None);
        assert_eq!(
            update("SET a = :v SET b = :w").unwrap().repeated,
            Some(Clause::Set)
        );
    }

    #[test]
    fn update_syntax_errors() {
        let err = |s: &str| update(s).unwrap_err();
        assert_eq!(
            err("SET"),
            "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"SET\""
        );
        assert_eq!(
            err("SET a = "),
            "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"= \""
        );
        assert_eq!(
            err("SET a = :v +"),
            "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"+\""
        );
        assert_eq!(
            err("SET _123 = :v"),
            "Invalid UpdateExpression: Syntax error; token: \"_\", near: \"SET _123\""
        );
        assert_eq!(
            err("SET a = numx / :v"),
            "Invalid UpdateExpression: Syntax error; token: \"/\", near: \"numx / :v\""
        );
        assert_eq!(
            err("HELLO b = :v"),
            "Invalid UpdateExpression: Syntax error; token: \"HELLO\", near: \"HELLO b\""
        );
        assert!(update("SET a = :v + :w + :x").is_err());
        assert!(update("SET c = if_not_exists(c, :a+:b)").is_err());
        assert!(update("SET a[:x] = :v").is_err());
        assert!(update("SET a[#x] = :v").is_err());
        assert!(update("SET :a = :b").is_err());
        assert!(update("ADD a b").is_err());
        assert!(update("SET a = :v,").is_err());
    }

    #[test]
    fn projection_lists_paths() {
        let mut p = Parser::new(" a , b.c[1] ", ExpressionKind::Projection);
        assert_eq!(p.projection_expression().unwrap().len(), 2);
        for bad in ["a,", ",a", "a,,b", "a b"] {
            assert!(
                Parser::new(bad, ExpressionKind::Projection)
                    .projection_expression()
                    .is_err(),
                "{bad}"
            );
        }
    }

    /// Runs `f` on a thread with a small stack, so a test fails (rather than passing by
    /// luck on a big main-thread stack) if parsing recursed per nesting level.
    fn on_small_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn_scoped(scope, f)
                .unwrap()
                .join()
                .unwrap()
        })
    }

    #[test]
    fn deep_nesting_in_a_condition_costs_heap_not_stack() {
        on_small_stack(|| {
            let source = format!("{}a = :v{}", "(".repeat(2046), ")".repeat(2046));
            let mut p = Parser::new(&source, ExpressionKind::Condition);
            assert!(matches!(p.condition_expression(), Ok(Node::Compare { .. })));
            assert!(p.notes.redundant_parens);
            let source = format!("a < {}b{}", "f(".repeat(1355), ")".repeat(1355));
            let node = condition(&source).unwrap();
            let Node::Compare { right, .. } = &node else {
                panic!()
            };
            assert!(matches!(&**right, Node::Call { name, .. } if name == "f"));
            drop(node);
            let source = format!("{}a{} = :v", "size((".repeat(600), "))".repeat(600));
            assert!(condition(&source).is_ok());
            // Unbalanced or broken deep input is still a syntax error at the right token.
            let source = format!("{}a = :v{}", "(".repeat(2000), ")".repeat(1999));
            assert!(syntax(&source).contains("token: \"<EOF>\""));
            let source = format!("{}a = :v){}", "(".repeat(2000), ")".repeat(2000));
            assert!(syntax(&source).contains("token: \")\""));
            // NOT and AND/OR chains do not nest the parser at all.
            assert!(condition(&format!("{}a = :v", "NOT ".repeat(5000))).is_ok());
            assert!(condition("a = :v AND ".repeat(5000).trim_end_matches(" AND ")).is_ok());
        });
    }

    #[test]
    fn deep_nesting_in_a_set_value_costs_heap_not_stack() {
        on_small_stack(|| {
            let deep = |open: &str, close: &str, n: usize| {
                format!("SET a = {}b{}", open.repeat(n), close.repeat(n))
            };
            assert!(update(&deep("(", ")", 2000)).is_ok());
            assert!(update(&deep("if_not_exists(a, ", ")", 200)).is_ok());
            assert!(update(&deep("list_append(", ", :v)", 200)).is_ok());
            let unbalanced = format!("SET a = {}b{}", "(".repeat(2000), ")".repeat(1999));
            assert!(
                update(&unbalanced)
                    .unwrap_err()
                    .contains("token: \"<EOF>\"")
            );
        });
    }

    #[test]
    fn set_values_and_their_operands_may_be_parenthesised() {
        let node = |source: &str| match update(source).unwrap().actions.remove(0) {
            RawAction::Set(_, node) => node,
            other => panic!("{other:?}"),
        };
        let sum = node("SET a = (b + c)");
        assert!(matches!(&sum, Node::Arith { plus: true, .. }));
        assert_eq!(node("set b.c=((c[1])+(b.a))"), node("set b.c = c[1] + b.a"));
        assert_eq!(node("SET a = ((b))"), path("b"));
        assert_eq!(node("SET a = (b) - (:v)"), node("SET a = b - :v"));
        assert_eq!(
            node("SET a = list_append((a), (if_not_exists(b, (:v))))"),
            node("SET a = list_append(a, if_not_exists(b, :v))")
        );
        let err = |s: &str| update(s).unwrap_err();
        // Arithmetic takes two operands, so a parenthesised sum is not one of them.
        assert_eq!(
            err("SET a = (b + c) + d"),
            "Invalid UpdateExpression: Syntax error; token: \"+\", near: \") + d\""
        );
        assert_eq!(
            err("SET a = b + (c + d)"),
            "Invalid UpdateExpression: Syntax error; token: \"+\", near: \"c + d\""
        );
        assert!(err("SET a = if_not_exists(a, (:v + :v))").contains("token: \"+\""));
        // A path goes on outside its parentheses no more than it starts with one.
        assert!(err("set a = (b.c).d + e").contains("token: \".\""));
        assert!(err("set a = (b.c)[0] + e").contains("token: \"[\""));
        assert!(err("set (a = (b + c))").contains("token: \"(\""));
        assert!(err("SET a = ()").contains("token: \")\""));
    }

    #[test]
    fn clause_keywords_are_neither_names_nor_functions_in_an_update() {
        let err = |s: &str| update(s).unwrap_err();
        assert_eq!(
            err("set a=set"),
            "Invalid UpdateExpression: Syntax error; token: \"set\", near: \"=set\""
        );
        assert!(err("SET a = :v, remove = :v").contains("token: \"remove\""));
        assert!(err("SET a = add(b)").contains("token: \"add\""));
        assert!(err("REMOVE Delete").contains("token: \"Delete\""));
        // In a condition they are only reserved words, judged later.
        assert!(condition("set = :v AND add = :v").is_ok());
    }
}
