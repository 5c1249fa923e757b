//! Recursive-descent parsing of DynamoDB's PartiQL statements into [`ast`] trees. Only
//! syntax is judged here; anything that needs the table, the parameters or DynamoDB's
//! data-type rules is left to [`super::translate`].
//!
//! Syntax errors use PartiQL's wording inside DynamoDB's envelope ("Statement wasn't well
//! formed, can't be processed: `<detail>`"): a token left after a complete statement is
//! "Unexpected token after expression"; a missing term is "Unexpected term", or
//! "Unexpected keyword" / "Unexpected operator" when a keyword or operator stands where the
//! term should be; an infix operator with nothing after it is "Missing right-hand side
//! expression of infix operator". Unquoted SQL-92 and PartiQL keywords are reserved: a
//! name that is a keyword must be double-quoted, as in DynamoDB.
//!
//! Expression grammar, loosest first: `OR`, `AND`, `NOT`, a predicate (comparison,
//! `[NOT] BETWEEN`, `[NOT] IN`, `IS [NOT] type`, `[NOT] LIKE`), `+ - ||`, `* / %`, unary
//! `- +`, then a primary with path steps (`.name`, `."name"`, `[n]`, `['name']`).

use crate::error::DynamoError;

use super::ast::*;
use super::lexer::{Kind, Sym, Token, tokenize};
use super::{malformed, validation};

/// Deepest nesting of groups, constructors, calls and prefix operators the parser follows.
/// Real statements stay far below it; it keeps pathological input off the stack.
pub const MAX_DEPTH: usize = 64;

const LEFTOVER: &str = "Unexpected token after expression";
const MISSING_RHS: &str = "Missing right-hand side expression of infix operator";

/// Words PartiQL reserves (SQL-92's reserved words and PartiQL's own). Unquoted, they are
/// keywords and never names.
const RESERVED: &[&str] = &[
    "absolute",
    "action",
    "add",
    "all",
    "allocate",
    "alter",
    "and",
    "any",
    "are",
    "as",
    "asc",
    "assertion",
    "at",
    "authorization",
    "avg",
    "bag",
    "begin",
    "between",
    "bit",
    "bit_length",
    "blob",
    "bool",
    "boolean",
    "both",
    "by",
    "can_cast",
    "can_lossless_cast",
    "cascade",
    "cascaded",
    "case",
    "cast",
    "catalog",
    "char",
    "char_length",
    "character",
    "character_length",
    "check",
    "clob",
    "close",
    "coalesce",
    "collate",
    "collation",
    "column",
    "commit",
    "conflict",
    "connect",
    "connection",
    "constraint",
    "constraints",
    "continue",
    "convert",
    "corresponding",
    "count",
    "create",
    "cross",
    "current",
    "current_date",
    "current_time",
    "current_timestamp",
    "current_user",
    "cursor",
    "date",
    "date_add",
    "date_diff",
    "day",
    "deallocate",
    "dec",
    "decimal",
    "declare",
    "default",
    "deferrable",
    "deferred",
    "delete",
    "desc",
    "describe",
    "descriptor",
    "diagnostics",
    "disconnect",
    "distinct",
    "do",
    "domain",
    "double",
    "drop",
    "else",
    "end",
    "end-exec",
    "escape",
    "except",
    "exception",
    "exec",
    "execute",
    "exists",
    "external",
    "extract",
    "false",
    "fetch",
    "first",
    "float",
    "for",
    "foreign",
    "found",
    "from",
    "full",
    "get",
    "global",
    "go",
    "goto",
    "grant",
    "group",
    "having",
    "hour",
    "identity",
    "immediate",
    "in",
    "index",
    "indicator",
    "initially",
    "inner",
    "input",
    "insensitive",
    "insert",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isolation",
    "join",
    "key",
    "language",
    "last",
    "leading",
    "left",
    "let",
    "level",
    "like",
    "limit",
    "list",
    "local",
    "lower",
    "match",
    "max",
    "min",
    "minute",
    "missing",
    "modified",
    "module",
    "month",
    "names",
    "national",
    "natural",
    "nchar",
    "new",
    "next",
    "no",
    "not",
    "nothing",
    "null",
    "nullif",
    "numeric",
    "octet_length",
    "of",
    "offset",
    "old",
    "on",
    "only",
    "open",
    "option",
    "or",
    "order",
    "outer",
    "output",
    "overlaps",
    "pad",
    "partial",
    "pivot",
    "position",
    "precision",
    "prepare",
    "preserve",
    "primary",
    "prior",
    "privileges",
    "procedure",
    "public",
    "read",
    "real",
    "references",
    "relative",
    "remove",
    "restrict",
    "returning",
    "revoke",
    "right",
    "rollback",
    "rows",
    "schema",
    "scroll",
    "second",
    "section",
    "select",
    "session",
    "session_user",
    "set",
    "sexp",
    "size",
    "smallint",
    "some",
    "space",
    "sql",
    "sqlcode",
    "sqlerror",
    "sqlstate",
    "string",
    "struct",
    "substring",
    "sum",
    "symbol",
    "system_user",
    "table",
    "temporary",
    "then",
    "time",
    "timestamp",
    "timezone_hour",
    "timezone_minute",
    "to",
    "trailing",
    "transaction",
    "translate",
    "translation",
    "trim",
    "true",
    "tuple",
    "union",
    "unique",
    "unknown",
    "unpivot",
    "update",
    "upper",
    "usage",
    "user",
    "using",
    "value",
    "values",
    "varchar",
    "varying",
    "view",
    "when",
    "whenever",
    "where",
    "with",
    "work",
    "write",
    "year",
    "zone",
];

/// Keywords that are operators: standing where a term should be, they are "Unexpected
/// operator" rather than "Unexpected keyword".
const OPERATOR_WORDS: &[&str] = &["and", "or", "is", "in", "like", "between"];

/// Keywords that open or shape a statement and so never name a function.
const STRUCTURAL: &[&str] = &[
    "select",
    "from",
    "where",
    "and",
    "or",
    "not",
    "in",
    "is",
    "like",
    "between",
    "value",
    "values",
    "set",
    "remove",
    "returning",
    "order",
    "group",
    "having",
    "limit",
    "insert",
    "into",
    "update",
    "delete",
    "as",
    "at",
    "by",
    "on",
    "case",
    "when",
    "then",
    "else",
    "end",
    "null",
    "missing",
    "true",
    "false",
    "asc",
    "desc",
    "distinct",
    "all",
    "pivot",
    "unpivot",
    "escape",
    "let",
    "offset",
];

/// Whether an unquoted word is a PartiQL keyword.
pub fn is_reserved(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    RESERVED.binary_search(&lower.as_str()).is_ok()
}

/// Parses one statement. A trailing `;` is allowed.
pub fn parse(statement: &str) -> Result<Statement, DynamoError> {
    let tokens = tokenize(statement)?;
    let mut parser = Parser {
        tokens,
        at: 0,
        depth: 0,
        params: 0,
    };
    let parsed = parser.statement()?;
    parser.eat_sym(Sym::Semicolon);
    if !parser.at_end() {
        return Err(malformed(LEFTOVER));
    }
    Ok(parsed)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
    params: usize,
}

fn pos_of(token: &Token) -> Pos {
    Pos {
        line: token.line,
        column: token.column,
        length: token.length,
    }
}

impl Parser {
    fn peek(&self) -> &Token {
        // The token list always ends with Eof, and `at` never passes it.
        &self.tokens[self.at.min(self.tokens.len() - 1)]
    }

    fn peek_ahead(&self, n: usize) -> &Token {
        &self.tokens[(self.at + n).min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let token = self.peek().clone();
        if token.kind != Kind::Eof {
            self.at += 1;
        }
        token
    }

    fn at_end(&self) -> bool {
        self.peek().kind == Kind::Eof
    }

    /// Whether the next token ends the statement (nothing, or only a closing `;`).
    fn at_statement_end(&self) -> bool {
        self.at_end()
            || (self.peek().is_sym(Sym::Semicolon) && self.peek_ahead(1).kind == Kind::Eof)
    }

    fn is_word(&self, keyword: &str) -> bool {
        self.peek().is_word(keyword)
    }

    fn eat_word(&mut self, keyword: &str) -> bool {
        let found = self.is_word(keyword);
        if found {
            self.at += 1;
        }
        found
    }

    fn is_sym(&self, sym: Sym) -> bool {
        self.peek().is_sym(sym)
    }

    fn eat_sym(&mut self, sym: Sym) -> bool {
        let found = self.is_sym(sym);
        if found {
            self.at += 1;
        }
        found
    }

    fn expect_sym(&mut self, sym: Sym, name: &str) -> Result<(), DynamoError> {
        if self.eat_sym(sym) {
            Ok(())
        } else {
            Err(self.expected(name))
        }
    }

    /// `Expected <what>`, or the leftover message when the statement simply goes on.
    fn expected(&self, what: &str) -> DynamoError {
        malformed(format!("Expected {what}"))
    }

    fn enter(&mut self) -> Result<(), DynamoError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(malformed("Statement nesting is too deep"));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// The error for a token that cannot start a term.
    fn unexpected_term(&self) -> DynamoError {
        match &self.peek().kind {
            Kind::Word(w) if OPERATOR_WORDS.contains(&w.to_ascii_lowercase().as_str()) => {
                malformed("Unexpected operator")
            }
            Kind::Word(w) if is_reserved(w) => malformed("Unexpected keyword"),
            Kind::Sym(s) if s.is_operator() => malformed("Unexpected operator"),
            _ => malformed("Unexpected term"),
        }
    }

    // ---------------------------------------------------------------------------------
    // Statements
    // ---------------------------------------------------------------------------------

    fn statement(&mut self) -> Result<Statement, DynamoError> {
        if self.is_word("select") {
            return self.select().map(Statement::Select);
        }
        if self.eat_word("insert") {
            return self.insert();
        }
        if self.eat_word("update") {
            return self.update();
        }
        if self.eat_word("delete") {
            return self.delete();
        }
        if self.eat_word("from") {
            return self.update_in_from_form();
        }
        if self.eat_word("exists") {
            self.expect_sym(Sym::LParen, "LEFT_PAREN")?;
            if !self.is_word("select") {
                return Err(self.unexpected_term());
            }
            let select = self.select()?;
            self.expect_sym(Sym::RParen, "RIGHT_PAREN")?;
            return Ok(Statement::Exists(select));
        }
        if self.at_statement_end() {
            return Err(malformed("Unexpected term"));
        }
        Err(malformed("Expected data manipulation"))
    }

    fn select(&mut self) -> Result<Select, DynamoError> {
        self.next(); // SELECT
        if self.is_word("distinct") {
            return Err(validation("Unsupported token in expression: DISTINCT"));
        }
        self.eat_word("all");
        if self.is_word("value") || self.is_word("pivot") {
            return Err(validation(
                "Select projection doesn't support value or pivot keywords",
            ));
        }
        let projection = self.projection()?;
        if !self.eat_word("from") {
            if self.at_statement_end() {
                return Err(malformed("Unexpected term"));
            }
            return Err(malformed(LEFTOVER));
        }
        let from = self.source()?;
        self.refuse_alias()?;
        if self.is_sym(Sym::Comma) {
            return Err(validation(
                "Only select from a single table or index is supported.",
            ));
        }
        let where_clause = if self.eat_word("where") {
            Some(self.expr()?)
        } else {
            None
        };
        self.refuse_select_clauses()?;
        let mut order_by = Vec::new();
        if self.eat_word("order") {
            if !self.eat_word("by") {
                return Err(self.expected("BY after ORDER"));
            }
            loop {
                let key = self.expr()?;
                let descending = if self.eat_word("desc") {
                    true
                } else {
                    self.eat_word("asc");
                    false
                };
                order_by.push(OrderTerm { key, descending });
                if !self.eat_sym(Sym::Comma) {
                    break;
                }
            }
        }
        self.refuse_select_clauses()?;
        Ok(Select {
            projection,
            from,
            where_clause,
            order_by,
        })
    }

    /// GROUP BY, HAVING and LIMIT parse in PartiQL but DynamoDB refuses them.
    fn refuse_select_clauses(&mut self) -> Result<(), DynamoError> {
        if self.is_word("group") {
            return Err(validation("Unsupported clause: GROUP BY"));
        }
        for clause in ["having", "limit"] {
            if self.eat_word(clause) {
                let at = pos_of(self.peek());
                return Err(validation(format!(
                    "Unsupported clause: {} at {at}",
                    clause.to_ascii_uppercase()
                )));
            }
        }
        Ok(())
    }

    fn projection(&mut self) -> Result<Projection, DynamoError> {
        const STAR_AND_OTHERS: &str =
            "Other attributes should not be present in the projection when '*' is used.";
        if self.is_sym(Sym::Star)
            && !matches!(self.peek_ahead(1).kind, Kind::Sym(Sym::Dot | Sym::LBracket))
        {
            self.next();
            if self.is_sym(Sym::Comma) {
                return Err(validation(STAR_AND_OTHERS));
            }
            return Ok(Projection::All);
        }
        let mut items = Vec::new();
        loop {
            if self.is_sym(Sym::Star) {
                return Err(validation(STAR_AND_OTHERS));
            }
            items.push(self.expr()?);
            if self.is_word("as")
                || matches!(&self.peek().kind, Kind::Quoted(_))
                || matches!(&self.peek().kind, Kind::Word(w) if !is_reserved(w))
            {
                return Err(validation("Aliasing is not supported"));
            }
            if !self.eat_sym(Sym::Comma) {
                break;
            }
        }
        Ok(Projection::Items(items))
    }

    /// A name in a FROM clause or DML target: a quoted or unquoted identifier.
    fn source_name(&mut self) -> Option<String> {
        match &self.peek().kind {
            Kind::Quoted(name) => {
                let name = name.clone();
                self.next();
                Some(name)
            }
            Kind::Word(name) if !is_reserved(name) => {
                let name = name.clone();
                self.next();
                Some(name)
            }
            _ => None,
        }
    }

    /// `table` or `table.index` after SELECT ... FROM.
    fn source(&mut self) -> Result<Source, DynamoError> {
        let Some(table) = self.source_name() else {
            return Err(self.unexpected_term());
        };
        let mut parts = vec![table];
        while self.eat_sym(Sym::Dot) {
            match self.source_name() {
                Some(part) => parts.push(part),
                None if self.is_sym(Sym::Star) => {
                    return Err(validation(
                        "Invalid path dot component in this operation, expecting either an IDENTIFIER or STAR.",
                    ));
                }
                None => return Err(self.unexpected_term()),
            }
        }
        if self.is_sym(Sym::LBracket) {
            return Err(validation("Invalid list expression in source."));
        }
        if parts.len() > 2 {
            return Err(validation(
                "A path may contain at most 2 components in the FROM clause",
            ));
        }
        let index = parts.get(1).cloned();
        Ok(Source {
            table: parts.swap_remove(0),
            index,
        })
    }

    /// The table an INSERT, UPDATE or DELETE names.
    fn dml_target(&mut self) -> Result<String, DynamoError> {
        let Some(table) = self.source_name() else {
            return Err(malformed("Expected identifier for simple path"));
        };
        if self.is_sym(Sym::Dot) || self.is_sym(Sym::LBracket) {
            return Err(validation(
                "FROM clause may only contain a single table name in data manipulation statements",
            ));
        }
        Ok(table)
    }

    fn refuse_alias(&mut self) -> Result<(), DynamoError> {
        let alias = self.is_word("as")
            || matches!(&self.peek().kind, Kind::Quoted(_))
            || matches!(&self.peek().kind, Kind::Word(w) if !is_reserved(w));
        if alias {
            Err(validation("Aliasing is not supported"))
        } else {
            Ok(())
        }
    }

    fn insert(&mut self) -> Result<Statement, DynamoError> {
        if !self.eat_word("into") {
            return Err(self.expected("INTO after INSERT"));
        }
        let table = self.dml_target()?;
        if self.is_word("values") || self.is_sym(Sym::LParen) {
            return Err(validation(
                "Unsupported operation: Inserting multiple items in a single statement is not supported, use \"INSERT INTO tableName VALUE item\" instead",
            ));
        }
        if !self.eat_word("value") {
            return Err(malformed(LEFTOVER));
        }
        let value = self.expr()?;
        if self.is_word("at") {
            return Err(validation("AT is not supported in insert statements."));
        }
        if self.is_word("on") && self.peek_ahead(1).is_word("conflict") {
            return Err(validation("Unsupported clause: ON CONFLICT"));
        }
        if self.is_word("returning") {
            self.returning()?;
            return Err(validation("RETURNING is not supported in INSERT"));
        }
        Ok(Statement::Insert(Insert { table, value }))
    }

    fn update(&mut self) -> Result<Statement, DynamoError> {
        let table = self.dml_target()?;
        self.refuse_alias()?;
        let actions = self.actions()?;
        let where_clause = if self.eat_word("where") {
            Some(self.expr()?)
        } else {
            None
        };
        let returning = self.returning()?;
        Ok(Statement::Update(Update {
            table,
            actions,
            where_clause,
            returning,
        }))
    }

    /// PartiQL's FROM-first form: `FROM table [WHERE condition] SET ... | REMOVE ...`.
    fn update_in_from_form(&mut self) -> Result<Statement, DynamoError> {
        let table = self.dml_target()?;
        self.refuse_alias()?;
        let where_clause = if self.eat_word("where") {
            Some(self.expr()?)
        } else {
            None
        };
        let actions = self.actions()?;
        let returning = self.returning()?;
        Ok(Statement::Update(Update {
            table,
            actions,
            where_clause,
            returning,
        }))
    }

    /// One or more `SET a = v[, b = w]` and `REMOVE path` clauses.
    fn actions(&mut self) -> Result<Vec<Action>, DynamoError> {
        let mut actions = Vec::new();
        loop {
            if self.eat_word("set") {
                loop {
                    let target = self.postfix()?;
                    if !self.eat_sym(Sym::Eq) {
                        return Err(self.expected("'=' in SET assignment"));
                    }
                    let value = self.rhs(Parser::expr)?;
                    actions.push(Action::Set { target, value });
                    if !self.eat_sym(Sym::Comma) {
                        break;
                    }
                }
            } else if self.eat_word("remove") {
                actions.push(Action::Remove(self.postfix()?));
            } else {
                break;
            }
        }
        if actions.is_empty() {
            return Err(malformed("Expected data manipulation"));
        }
        Ok(actions)
    }

    fn delete(&mut self) -> Result<Statement, DynamoError> {
        if !self.eat_word("from") {
            return Err(malformed("Expected FROM after DELETE"));
        }
        let table = self.dml_target()?;
        self.refuse_alias()?;
        let where_clause = if self.eat_word("where") {
            Some(self.expr()?)
        } else {
            None
        };
        let returning = self.returning()?;
        Ok(Statement::Delete(Delete {
            table,
            where_clause,
            returning,
        }))
    }

    /// `RETURNING (ALL | MODIFIED) (OLD | NEW) *`, if present.
    fn returning(&mut self) -> Result<Option<Returning>, DynamoError> {
        if !self.eat_word("returning") {
            return Ok(None);
        }
        let mut elements = Vec::new();
        loop {
            let all = if self.eat_word("all") {
                true
            } else if self.eat_word("modified") {
                false
            } else {
                return Err(self.expected("( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"));
            };
            let old = if self.eat_word("old") {
                true
            } else if self.eat_word("new") {
                false
            } else {
                return Err(self.expected("( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"));
            };
            let star = if self.eat_sym(Sym::Star) {
                true
            } else {
                self.expr()?;
                false
            };
            let mapping = match (all, old) {
                (true, true) => Returning::AllOld,
                (false, true) => Returning::ModifiedOld,
                (true, false) => Returning::AllNew,
                (false, false) => Returning::ModifiedNew,
            };
            elements.push((mapping, star));
            if !self.eat_sym(Sym::Comma) {
                break;
            }
        }
        if elements.len() > 1 {
            return Err(validation(
                "Invalid syntax with multiple returning elements in RETURNING clause",
            ));
        }
        let (mapping, star) = elements[0];
        if !star {
            return Err(validation(
                "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause",
            ));
        }
        Ok(Some(mapping))
    }

    // ---------------------------------------------------------------------------------
    // Expressions
    // ---------------------------------------------------------------------------------

    /// The operand after an infix operator: at the end of the statement it is missing.
    fn rhs(
        &mut self,
        operand: fn(&mut Parser) -> Result<Expr, DynamoError>,
    ) -> Result<Expr, DynamoError> {
        if self.at_statement_end() {
            return Err(malformed(MISSING_RHS));
        }
        operand(self)
    }

    fn expr(&mut self) -> Result<Expr, DynamoError> {
        self.enter()?;
        let result = self.or_expr();
        self.leave();
        result
    }

    fn or_expr(&mut self) -> Result<Expr, DynamoError> {
        let first = self.and_expr()?;
        if !self.is_word("or") {
            return Ok(first);
        }
        let pos = first.pos;
        let mut terms = vec![first];
        while self.eat_word("or") {
            terms.push(self.rhs(Parser::and_expr)?);
        }
        Ok(Expr::new(ExprKind::Or(terms), pos))
    }

    fn and_expr(&mut self) -> Result<Expr, DynamoError> {
        let first = self.not_expr()?;
        if !self.is_word("and") {
            return Ok(first);
        }
        let pos = first.pos;
        let mut terms = vec![first];
        while self.eat_word("and") {
            terms.push(self.rhs(Parser::not_expr)?);
        }
        Ok(Expr::new(ExprKind::And(terms), pos))
    }

    fn not_expr(&mut self) -> Result<Expr, DynamoError> {
        if self.is_word("not") {
            let pos = pos_of(&self.next());
            self.enter()?;
            let operand = self.not_expr();
            self.leave();
            return Ok(Expr::new(ExprKind::Not(Box::new(operand?)), pos));
        }
        self.predicate()
    }

    fn predicate(&mut self) -> Result<Expr, DynamoError> {
        let left = self.additive()?;
        let pos = left.pos;
        let op = match &self.peek().kind {
            Kind::Sym(Sym::Eq) => Some(CompareOp::Eq),
            Kind::Sym(Sym::Ne) => Some(CompareOp::Ne),
            Kind::Sym(Sym::Lt) => Some(CompareOp::Lt),
            Kind::Sym(Sym::Le) => Some(CompareOp::Le),
            Kind::Sym(Sym::Gt) => Some(CompareOp::Gt),
            Kind::Sym(Sym::Ge) => Some(CompareOp::Ge),
            _ => None,
        };
        if let Some(op) = op {
            self.next();
            let right = self.rhs(Parser::additive)?;
            return Ok(Expr::new(
                ExprKind::Compare(op, Box::new(left), Box::new(right)),
                pos,
            ));
        }
        let negated = self.is_word("not")
            && ["between", "in", "like"]
                .iter()
                .any(|w| self.peek_ahead(1).is_word(w));
        if negated {
            self.next();
        }
        if self.eat_word("between") {
            let low = self.rhs(Parser::additive)?;
            if !self.eat_word("and") {
                return Err(self.expected("AND after BETWEEN"));
            }
            let high = self.rhs(Parser::additive)?;
            let kind = ExprKind::Between {
                operand: Box::new(left),
                low: Box::new(low),
                high: Box::new(high),
                negated,
            };
            return Ok(Expr::new(kind, pos));
        }
        if self.eat_word("in") {
            let rhs = if self.is_sym(Sym::LParen) {
                self.paren_list()?
            } else {
                self.rhs(Parser::additive)?
            };
            return Ok(Expr::new(
                ExprKind::In {
                    operand: Box::new(left),
                    rhs: Box::new(rhs),
                    negated,
                },
                pos,
            ));
        }
        if self.eat_word("like") {
            self.rhs(Parser::additive)?;
            if self.eat_word("escape") {
                self.rhs(Parser::additive)?;
            }
            return Ok(Expr::new(ExprKind::Like { negated }, pos));
        }
        if self.eat_word("is") {
            let negated = self.eat_word("not");
            let type_name = self.type_name()?;
            return Ok(Expr::new(
                ExprKind::Is {
                    operand: Box::new(left),
                    type_name,
                    negated,
                },
                pos,
            ));
        }
        Ok(left)
    }

    /// The type after `IS [NOT]`, upper-cased.
    fn type_name(&mut self) -> Result<TypeName, DynamoError> {
        const SINGLE: &[&str] = &[
            "missing",
            "null",
            "bool",
            "boolean",
            "string",
            "varchar",
            "char",
            "numeric",
            "decimal",
            "dec",
            "int",
            "integer",
            "int2",
            "int4",
            "int8",
            "integer2",
            "integer4",
            "integer8",
            "smallint",
            "bigint",
            "float",
            "real",
            "blob",
            "clob",
            "struct",
            "tuple",
            "list",
            "bag",
            "sexp",
            "symbol",
            "date",
            "time",
            "timestamp",
            "any",
        ];
        let word = match &self.peek().kind {
            Kind::Word(w) => w.to_ascii_lowercase(),
            _ => return Err(self.expected("type name")),
        };
        let name = if word == "double" && self.peek_ahead(1).is_word("precision") {
            self.next();
            "DOUBLE PRECISION".to_string()
        } else if word == "character" {
            if self.peek_ahead(1).is_word("varying") {
                self.next();
                "CHARACTER VARYING".to_string()
            } else {
                "CHARACTER".to_string()
            }
        } else if SINGLE.contains(&word.as_str()) {
            word.to_ascii_uppercase()
        } else {
            return Err(self.expected("type name"));
        };
        self.next();
        // Length and precision arguments: `VARCHAR(10)`, `DECIMAL(5, 2)`.
        if self.eat_sym(Sym::LParen) {
            while matches!(self.peek().kind, Kind::Num(_)) || self.is_sym(Sym::Comma) {
                self.next();
            }
            self.expect_sym(Sym::RParen, "RIGHT_PAREN")?;
        }
        Ok(name)
    }

    fn additive(&mut self) -> Result<Expr, DynamoError> {
        let first = self.multiplicative()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek().kind {
                Kind::Sym(Sym::Plus) => ArithOp::Plus,
                Kind::Sym(Sym::Minus) => ArithOp::Minus,
                Kind::Sym(Sym::Concat) => ArithOp::Concat,
                _ => break,
            };
            self.next();
            rest.push((op, self.rhs(Parser::multiplicative)?));
        }
        Ok(arith(first, rest))
    }

    fn multiplicative(&mut self) -> Result<Expr, DynamoError> {
        let first = self.unary()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek().kind {
                Kind::Sym(Sym::Star) => ArithOp::Times,
                Kind::Sym(Sym::Slash) => ArithOp::Divide,
                Kind::Sym(Sym::Percent) => ArithOp::Modulo,
                _ => break,
            };
            self.next();
            rest.push((op, self.rhs(Parser::unary)?));
        }
        Ok(arith(first, rest))
    }

    fn unary(&mut self) -> Result<Expr, DynamoError> {
        let negative = self.is_sym(Sym::Minus);
        if !negative && !self.is_sym(Sym::Plus) {
            return self.postfix();
        }
        let pos = pos_of(&self.next());
        self.enter()?;
        let operand = self.unary();
        self.leave();
        let operand = operand?;
        Ok(match operand.kind {
            ExprKind::Literal(Literal::Num(text)) if negative => {
                let text = match text.strip_prefix('-') {
                    Some(positive) => positive.to_string(),
                    None => format!("-{text}"),
                };
                Expr::new(ExprKind::Literal(Literal::Num(text)), pos)
            }
            _ if !negative => operand,
            _ => Expr::new(ExprKind::Negate(Box::new(operand)), pos),
        })
    }

    /// A primary and its path steps.
    fn postfix(&mut self) -> Result<Expr, DynamoError> {
        let primary = self.primary()?;
        if !self.is_sym(Sym::Dot) && !self.is_sym(Sym::LBracket) {
            return Ok(primary);
        }
        let pos = primary.pos;
        let mut steps = Vec::new();
        loop {
            if self.eat_sym(Sym::Dot) {
                let step = match &self.peek().kind {
                    Kind::Word(w) | Kind::Quoted(w) => Step::Field(w.clone()),
                    Kind::Sym(Sym::Star) => Step::Unpivot,
                    _ => return Err(self.expected("identifier after '.'")),
                };
                self.next();
                steps.push(step);
            } else if self.eat_sym(Sym::LBracket) {
                steps.push(self.bracket_step()?);
                self.expect_sym(Sym::RBracket, "RIGHT_BRACKET")?;
            } else {
                break;
            }
        }
        match primary.kind {
            ExprKind::Path(mut path) => {
                path.steps.extend(steps);
                Ok(Expr::new(ExprKind::Path(path), pos))
            }
            ExprKind::List(_) => Ok(Expr::new(ExprKind::BadPath { list_root: true }, pos)),
            _ => Ok(Expr::new(ExprKind::BadPath { list_root: false }, pos)),
        }
    }

    /// What is inside `[...]` after a path.
    fn bracket_step(&mut self) -> Result<Step, DynamoError> {
        let integer = |text: &str| text.bytes().all(|b| b.is_ascii_digit());
        match (&self.peek().kind, &self.peek_ahead(1).kind) {
            (Kind::Num(n), Kind::Sym(Sym::RBracket)) if integer(n) => {
                let step = Step::Index(n.clone());
                self.next();
                Ok(step)
            }
            (Kind::Sym(Sym::Minus), Kind::Num(n))
                if integer(n) && self.peek_ahead(2).is_sym(Sym::RBracket) =>
            {
                let step = Step::Index(format!("-{n}"));
                self.next();
                self.next();
                Ok(step)
            }
            (Kind::Str(s), Kind::Sym(Sym::RBracket)) => {
                let step = Step::Field(s.clone());
                self.next();
                Ok(step)
            }
            (Kind::Sym(Sym::Star), Kind::Sym(Sym::RBracket)) => {
                self.next();
                Ok(Step::Wildcard)
            }
            _ => {
                self.expr()?;
                Ok(Step::Other)
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, DynamoError> {
        let token = self.peek().clone();
        let pos = pos_of(&token);
        let kind = match &token.kind {
            Kind::Num(n) => ExprKind::Literal(Literal::Num(n.clone())),
            Kind::Str(s) => ExprKind::Literal(Literal::Str(s.clone())),
            Kind::Param => {
                self.params += 1;
                ExprKind::Param(self.params)
            }
            Kind::Quoted(name) => ExprKind::Path(Path {
                root: name.clone(),
                steps: Vec::new(),
            }),
            Kind::Word(word) => {
                let lower = word.to_ascii_lowercase();
                match lower.as_str() {
                    "true" => ExprKind::Literal(Literal::Bool(true)),
                    "false" => ExprKind::Literal(Literal::Bool(false)),
                    "null" => ExprKind::Literal(Literal::Null),
                    "missing" => ExprKind::Literal(Literal::Missing),
                    _ if self.peek_ahead(1).is_sym(Sym::LParen)
                        && !STRUCTURAL.contains(&lower.as_str()) =>
                    {
                        self.next();
                        return self.call(lower, pos);
                    }
                    _ if is_reserved(word) => return Err(self.unexpected_term()),
                    _ => ExprKind::Path(Path {
                        root: word.clone(),
                        steps: Vec::new(),
                    }),
                }
            }
            Kind::Sym(Sym::LParen) => {
                let list = self.paren_list()?;
                return Ok(match list.kind {
                    ExprKind::List(mut items) if items.len() == 1 => items.remove(0),
                    _ => list,
                });
            }
            Kind::Sym(Sym::LBracket) => {
                self.next();
                let items = self.items(Sym::RBracket, "RIGHT_BRACKET")?;
                return Ok(Expr::new(ExprKind::List(items), pos));
            }
            Kind::Sym(Sym::LBag) => {
                self.next();
                let items = self.items(Sym::RBag, "'>>'")?;
                return Ok(Expr::new(ExprKind::Bag(items), pos));
            }
            Kind::Sym(Sym::LBrace) => {
                self.next();
                return self.structure(pos);
            }
            _ => return Err(self.unexpected_term()),
        };
        self.next();
        Ok(Expr::new(kind, pos))
    }

    /// `( expr [, expr ...] )` as a list (one element included).
    fn paren_list(&mut self) -> Result<Expr, DynamoError> {
        let pos = pos_of(self.peek());
        self.expect_sym(Sym::LParen, "LEFT_PAREN")?;
        let items = self.items(Sym::RParen, "RIGHT_PAREN")?;
        if items.is_empty() {
            return Err(malformed("Unexpected term"));
        }
        Ok(Expr::new(ExprKind::List(items), pos))
    }

    /// Comma-separated expressions up to `close` (possibly none).
    fn items(&mut self, close: Sym, close_name: &str) -> Result<Vec<Expr>, DynamoError> {
        self.enter()?;
        let result = self.items_inner(close, close_name);
        self.leave();
        result
    }

    fn items_inner(&mut self, close: Sym, close_name: &str) -> Result<Vec<Expr>, DynamoError> {
        let mut items = Vec::new();
        if self.eat_sym(close) {
            return Ok(items);
        }
        loop {
            items.push(self.expr()?);
            if self.eat_sym(Sym::Comma) {
                continue;
            }
            self.expect_sym(close, close_name)?;
            return Ok(items);
        }
    }

    fn structure(&mut self, pos: Pos) -> Result<Expr, DynamoError> {
        self.enter()?;
        let result = self.structure_inner(pos);
        self.leave();
        result
    }

    fn structure_inner(&mut self, pos: Pos) -> Result<Expr, DynamoError> {
        let mut fields = Vec::new();
        if self.eat_sym(Sym::RBrace) {
            return Ok(Expr::new(ExprKind::Struct(fields), pos));
        }
        loop {
            let key = self.expr()?;
            self.expect_sym(Sym::Colon, "COLON")?;
            let value = self.expr()?;
            fields.push((key, value));
            if self.eat_sym(Sym::Comma) {
                continue;
            }
            self.expect_sym(Sym::RBrace, "RIGHT_CURLY")?;
            return Ok(Expr::new(ExprKind::Struct(fields), pos));
        }
    }

    /// `name(args)`; the name and `(` already read up to the parenthesis.
    fn call(&mut self, name: String, pos: Pos) -> Result<Expr, DynamoError> {
        self.enter()?;
        let result = self.call_inner(name, pos);
        self.leave();
        result
    }

    fn call_inner(&mut self, name: String, pos: Pos) -> Result<Expr, DynamoError> {
        self.expect_sym(Sym::LParen, "LEFT_PAREN")?;
        let mut args = Vec::new();
        if !self.eat_sym(Sym::RParen) {
            loop {
                if self.is_sym(Sym::Star)
                    && matches!(self.peek_ahead(1).kind, Kind::Sym(Sym::RParen | Sym::Comma))
                {
                    let star = pos_of(&self.next());
                    args.push(Expr::new(ExprKind::Star, star));
                } else {
                    args.push(self.expr()?);
                }
                if self.eat_sym(Sym::Comma) {
                    continue;
                }
                self.expect_sym(Sym::RParen, "RIGHT_PAREN")?;
                break;
            }
        }
        Ok(Expr::new(ExprKind::Call { name, args }, pos))
    }
}

fn arith(first: Expr, rest: Vec<(ArithOp, Expr)>) -> Expr {
    if rest.is_empty() {
        return first;
    }
    let pos = first.pos;
    Expr::new(ExprKind::Arith(Box::new(first), rest), pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENVELOPE: &str = "Statement wasn't well formed, can't be processed: ";

    fn ok(statement: &str) -> Statement {
        parse(statement).unwrap_or_else(|e| panic!("{statement}: {e}"))
    }

    fn err(statement: &str) -> String {
        parse(statement).expect_err(statement).message
    }

    fn select(statement: &str) -> Select {
        match ok(statement) {
            Statement::Select(s) => s,
            other => panic!("not a select: {other:?}"),
        }
    }

    fn where_of(statement: &str) -> Expr {
        select(statement).where_clause.expect("a WHERE clause")
    }

    fn path(root: &str, steps: Vec<Step>) -> ExprKind {
        ExprKind::Path(Path {
            root: root.into(),
            steps,
        })
    }

    fn lit_str(s: &str) -> ExprKind {
        ExprKind::Literal(Literal::Str(s.into()))
    }

    #[test]
    fn the_reserved_word_list_is_sorted_for_binary_search() {
        assert!(
            RESERVED.windows(2).all(|w| w[0] < w[1]),
            "RESERVED must stay sorted"
        );
        assert!(is_reserved("VALUE") && is_reserved("date") && !is_reserved("Total"));
    }

    #[test]
    fn select_star_from_a_quoted_table() {
        let s = select(r#"SELECT * FROM "Orders""#);
        assert_eq!(s.projection, Projection::All);
        assert_eq!(
            s.from,
            Source {
                table: "Orders".into(),
                index: None
            }
        );
        assert!(s.where_clause.is_none() && s.order_by.is_empty());
    }

    #[test]
    fn select_from_an_index_and_an_unquoted_table() {
        assert_eq!(
            select(r#"select * from "T"."ByDate""#)
                .from
                .index
                .as_deref(),
            Some("ByDate")
        );
        assert_eq!(select("SELECT * FROM Orders").from.table, "Orders");
    }

    #[test]
    fn keywords_are_case_insensitive() {
        let a = ok(r#"SELECT a FROM "T" WHERE pk = 1 AND NOT b IS MISSING ORDER BY pk DESC"#);
        let b = ok(r#"select a from "T" where pk = 1 and not b is missing order by pk desc"#);
        let c = ok(r#"SeLeCt a FrOm "T" WhErE pk = 1 AnD nOt b Is MiSsInG oRdEr By pk DeSc"#);
        assert_eq!(a, b);
        assert_eq!(b, c);
    }

    #[test]
    fn names_are_case_sensitive() {
        let s = select(r#"SELECT Total, total FROM "T""#);
        let Projection::Items(items) = s.projection else {
            panic!()
        };
        assert_eq!(items[0].kind, path("Total", vec![]));
        assert_eq!(items[1].kind, path("total", vec![]));
    }

    #[test]
    fn projection_paths_take_dots_indexes_and_quoted_steps() {
        let s = select(r#"SELECT a.b[2]."c d", "x y"['k'] FROM "T""#);
        let Projection::Items(items) = s.projection else {
            panic!()
        };
        assert_eq!(
            items[0].kind,
            path(
                "a",
                vec![
                    Step::Field("b".into()),
                    Step::Index("2".into()),
                    Step::Field("c d".into())
                ]
            )
        );
        assert_eq!(items[1].kind, path("x y", vec![Step::Field("k".into())]));
    }

    #[test]
    fn unusual_path_steps_are_kept_for_translation_to_judge() {
        let s = select(r#"SELECT a[*], b.*, c[-1], d[x] FROM "T""#);
        let Projection::Items(items) = s.projection else {
            panic!()
        };
        assert_eq!(items[0].kind, path("a", vec![Step::Wildcard]));
        assert_eq!(items[1].kind, path("b", vec![Step::Unpivot]));
        assert_eq!(items[2].kind, path("c", vec![Step::Index("-1".into())]));
        assert_eq!(items[3].kind, path("d", vec![Step::Other]));
    }

    #[test]
    fn where_and_or_are_n_ary_and_and_binds_tighter() {
        let w = where_of(r#"SELECT * FROM "T" WHERE a = 1 AND b = 2 AND c = 3 OR d = 4"#);
        let ExprKind::Or(terms) = w.kind else {
            panic!("{w:?}")
        };
        assert_eq!(terms.len(), 2);
        assert!(matches!(&terms[0].kind, ExprKind::And(and) if and.len() == 3));
    }

    #[test]
    fn parentheses_group_without_adding_nodes() {
        let w = where_of(r#"SELECT * FROM "T" WHERE ((a = 1))"#);
        assert!(matches!(w.kind, ExprKind::Compare(CompareOp::Eq, ..)));
    }

    #[test]
    fn every_comparison_operator_parses() {
        for (text, op) in [
            ("=", CompareOp::Eq),
            ("<>", CompareOp::Ne),
            ("!=", CompareOp::Ne),
            ("<", CompareOp::Lt),
            ("<=", CompareOp::Le),
            (">", CompareOp::Gt),
            (">=", CompareOp::Ge),
        ] {
            let w = where_of(&format!(r#"SELECT * FROM "T" WHERE a {text} 1"#));
            assert!(
                matches!(w.kind, ExprKind::Compare(o, ..) if o == op),
                "{text}"
            );
        }
    }

    #[test]
    fn between_in_and_is_predicates_parse_with_their_negations() {
        let w = where_of(r#"SELECT * FROM "T" WHERE a NOT BETWEEN 1 AND 5"#);
        assert!(matches!(w.kind, ExprKind::Between { negated: true, .. }));
        let w = where_of(r#"SELECT * FROM "T" WHERE a IN [1, 2]"#);
        assert!(
            matches!(&w.kind, ExprKind::In { rhs, negated: false, .. } if matches!(&rhs.kind, ExprKind::List(l) if l.len() == 2))
        );
        let w = where_of(r#"SELECT * FROM "T" WHERE a NOT IN ('x')"#);
        assert!(
            matches!(&w.kind, ExprKind::In { rhs, negated: true, .. } if matches!(&rhs.kind, ExprKind::List(l) if l.len() == 1))
        );
        let w = where_of(r#"SELECT * FROM "T" WHERE a IS NOT MISSING"#);
        assert!(
            matches!(&w.kind, ExprKind::Is { type_name, negated: true, .. } if type_name == "MISSING")
        );
        let w = where_of(r#"SELECT * FROM "T" WHERE a is double precision"#);
        assert!(
            matches!(&w.kind, ExprKind::Is { type_name, .. } if type_name == "DOUBLE PRECISION")
        );
    }

    #[test]
    fn functions_parse_with_lower_cased_names() {
        let w = where_of(r#"SELECT * FROM "T" WHERE BEGINS_WITH("a", 'x') AND size(b) > 2"#);
        let ExprKind::And(terms) = w.kind else {
            panic!()
        };
        assert!(
            matches!(&terms[0].kind, ExprKind::Call { name, args } if name == "begins_with" && args.len() == 2)
        );
        let ExprKind::Compare(_, left, _) = &terms[1].kind else {
            panic!()
        };
        assert!(matches!(&left.kind, ExprKind::Call { name, .. } if name == "size"));
    }

    #[test]
    fn literals_of_every_kind_parse() {
        let w = where_of(
            r#"SELECT * FROM "T" WHERE a IN ['it''s', 1.5e3, -2, TRUE, false, NULL, MISSING, {'k': [1]}, <<'x'>>, ?]"#,
        );
        let ExprKind::In { rhs, .. } = w.kind else {
            panic!()
        };
        let ExprKind::List(items) = rhs.kind else {
            panic!()
        };
        let kinds: Vec<ExprKind> = items.into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds[0], lit_str("it's"));
        assert_eq!(kinds[1], ExprKind::Literal(Literal::Num("1.5e3".into())));
        assert_eq!(kinds[2], ExprKind::Literal(Literal::Num("-2".into())));
        assert_eq!(kinds[3], ExprKind::Literal(Literal::Bool(true)));
        assert_eq!(kinds[4], ExprKind::Literal(Literal::Bool(false)));
        assert_eq!(kinds[5], ExprKind::Literal(Literal::Null));
        assert_eq!(kinds[6], ExprKind::Literal(Literal::Missing));
        assert!(matches!(&kinds[7], ExprKind::Struct(f) if f.len() == 1));
        assert!(matches!(&kinds[8], ExprKind::Bag(b) if b.len() == 1));
        assert_eq!(kinds[9], ExprKind::Param(1));
    }

    #[test]
    fn parameters_are_numbered_in_order_of_appearance() {
        let Statement::Insert(i) = ok(r#"INSERT INTO "T" VALUE {'a': ?, 'b': [?, ?]}"#) else {
            panic!()
        };
        let ExprKind::Struct(fields) = i.value.kind else {
            panic!()
        };
        assert_eq!(fields[0].1.kind, ExprKind::Param(1));
        let ExprKind::List(l) = &fields[1].1.kind else {
            panic!()
        };
        assert_eq!(l[1].kind, ExprKind::Param(3));
    }

    #[test]
    fn insert_parses_its_value_and_a_trailing_semicolon() {
        let Statement::Insert(i) = ok(r#"insert into "T" value {'pk': 'a'};"#) else {
            panic!()
        };
        assert_eq!(i.table, "T");
        assert!(matches!(i.value.kind, ExprKind::Struct(_)));
    }

    #[test]
    fn update_collects_set_and_remove_actions_in_order() {
        let Statement::Update(u) = ok(
            r#"UPDATE "T" SET a = 1, b.c = 'x' REMOVE d SET n = n + 1 WHERE pk = 'a' RETURNING MODIFIED NEW *"#,
        ) else {
            panic!()
        };
        assert_eq!(u.actions.len(), 4);
        assert!(matches!(&u.actions[2], Action::Remove(e) if e.kind == path("d", vec![])));
        assert!(
            matches!(&u.actions[3], Action::Set { value, .. } if matches!(value.kind, ExprKind::Arith(..)))
        );
        assert_eq!(u.returning, Some(Returning::ModifiedNew));
        assert!(u.where_clause.is_some());
    }

    #[test]
    fn the_update_in_from_form_form_parses() {
        let Statement::Update(u) = ok(r#"FROM "T" WHERE pk = 'a' SET c = 1"#) else {
            panic!()
        };
        assert_eq!(u.table, "T");
        assert_eq!(u.actions.len(), 1);
    }

    #[test]
    fn delete_parses_with_returning() {
        let Statement::Delete(d) = ok(r#"DELETE FROM "T" WHERE pk = 'a' RETURNING ALL OLD *"#)
        else {
            panic!()
        };
        assert_eq!(d.returning, Some(Returning::AllOld));
    }

    #[test]
    fn exists_wraps_a_select() {
        let Statement::Exists(s) = ok(r#"EXISTS(SELECT * FROM "T" WHERE pk = 'a' AND x = 1)"#)
        else {
            panic!()
        };
        assert_eq!(s.from.table, "T");
    }

    #[test]
    fn order_by_takes_several_keys_and_directions() {
        let s = select(r#"SELECT * FROM "T" WHERE pk = 1 ORDER BY pk DESC, sk ASC"#);
        assert_eq!(s.order_by.len(), 2);
        assert!(s.order_by[0].descending && !s.order_by[1].descending);
    }

    #[test]
    fn a_minus_sign_folds_into_a_number_literal() {
        let w = where_of(r#"SELECT * FROM "T" WHERE a = - -3"#);
        let ExprKind::Compare(_, _, right) = w.kind else {
            panic!()
        };
        assert_eq!(right.kind, ExprKind::Literal(Literal::Num("3".into())));
    }

    #[test]
    fn leftover_tokens_are_refused() {
        for s in [
            r#"SELECT * FROM "T" WHERE pk = 1 foo"#,
            r#"SELECT * FROM "T" WHERE pk = 1 e5"#,
            r#"INSERT INTO "T" VALUE {'pk': 1} foo"#,
            r#"UPDATE "T" SET a = 9 WHERE pk = 2 foo"#,
            r#"DELETE FROM "T" WHERE pk = 3 foo"#,
            r#"SELECT * FROM "T" WHERE pk = 1)"#,
            r#"DELETE FROM "T" WHERE pk = 4 ORDER BY pk"#,
            r#"SELECT * FROM "T" ORDER BY pk WHERE pk = 1"#,
            r#"INSERT INTO "T" t VALUE {'pk': 'x'}"#,
            r#"FROM "T" SET c = 1 WHERE pk = 'x'"#,
        ] {
            assert_eq!(
                err(s),
                format!("{ENVELOPE}Unexpected token after expression"),
                "{s}"
            );
        }
    }

    #[test]
    fn a_missing_term_is_an_unexpected_term() {
        for s in [
            r#"SELECT * FROM "T" WHERE"#,
            r#"SELECT * FROM "T" WHERE;"#,
            r#"SELECT * FROM "T" WHERE   "#,
            r#"UPDATE "T" SET a = 1 WHERE"#,
            r#"DELETE FROM "T" WHERE"#,
            r#"SELECT * FROM "T" WHERE NOT"#,
            r#"SELECT * FROM "T" WHERE ("#,
            "SELECT * FROM",
        ] {
            assert_eq!(err(s), format!("{ENVELOPE}Unexpected term"), "{s}");
        }
    }

    #[test]
    fn an_infix_operator_without_its_right_side_is_reported() {
        for s in [
            r#"SELECT * FROM "T" WHERE pk = 'p1' AND"#,
            r#"SELECT * FROM "T" WHERE pk = 'p1' OR"#,
            r#"SELECT * FROM "T" WHERE pk ="#,
        ] {
            assert_eq!(
                err(s),
                format!("{ENVELOPE}Missing right-hand side expression of infix operator"),
                "{s}"
            );
        }
    }

    #[test]
    fn keywords_and_operators_where_a_term_belongs_are_named() {
        assert_eq!(
            err(r#"SELECT * FROM "T" WHERE ORDER BY pk"#),
            format!("{ENVELOPE}Unexpected keyword")
        );
        assert_eq!(
            err(r#"SELECT * FROM "T" WHERE IS NULL"#),
            format!("{ENVELOPE}Unexpected operator")
        );
        assert_eq!(
            err(r#"SELECT * FROM "T" WHERE pk = LIKE"#),
            format!("{ENVELOPE}Unexpected operator")
        );
        assert_eq!(
            err(r#"SELECT * FROM "T" WHERE date = 1"#),
            format!("{ENVELOPE}Unexpected keyword")
        );
    }

    #[test]
    fn a_reserved_word_is_a_name_only_when_quoted() {
        assert!(parse(r#"SELECT * FROM "T" WHERE "date" = 1 AND "value" = 2"#).is_ok());
    }

    #[test]
    fn is_needs_a_type_name() {
        assert_eq!(
            err(r#"SELECT * FROM "T" WHERE pk = 'a' AND x IS FOO"#),
            format!("{ENVELOPE}Expected type name")
        );
    }

    #[test]
    fn delete_needs_from_and_a_table() {
        for s in [
            "DELETE FROM",
            "DELETE FROM   ",
            "DELETE FROM;",
            "DELETE FROM WHERE pk = 'a'",
        ] {
            assert_eq!(
                err(s),
                format!("{ENVELOPE}Expected identifier for simple path"),
                "{s}"
            );
        }
        assert_eq!(
            err(r#"DELETE "T" WHERE pk = 1"#),
            format!("{ENVELOPE}Expected FROM after DELETE")
        );
    }

    #[test]
    fn an_unknown_statement_is_not_data_manipulation() {
        assert_eq!(
            err(r#"SLECT * FROM "T" WHERE pk = 'x'"#),
            format!("{ENVELOPE}Expected data manipulation")
        );
    }

    #[test]
    fn aliases_are_refused() {
        for s in [
            r#"SELECT * FROM "T" t WHERE pk = 'x'"#,
            r#"SELECT * FROM "T" AS t WHERE pk = 'x'"#,
            r#"UPDATE "T" t SET a = 3 WHERE pk = 'x'"#,
            r#"DELETE FROM "T" t WHERE pk = 'x'"#,
        ] {
            assert_eq!(err(s), "Aliasing is not supported", "{s}");
        }
    }

    #[test]
    fn unsupported_select_clauses_are_named() {
        assert_eq!(
            err(r#"SELECT DISTINCT a FROM "T""#),
            "Unsupported token in expression: DISTINCT"
        );
        assert_eq!(
            err(r#"SELECT VALUE a FROM "T""#),
            "Select projection doesn't support value or pivot keywords"
        );
        assert_eq!(
            err(r#"SELECT * FROM "T" GROUP BY a"#),
            "Unsupported clause: GROUP BY"
        );
        assert_eq!(
            err(r#"SELECT * FROM "T" LIMIT 10"#),
            "Unsupported clause: LIMIT at 1:25:2"
        );
        assert_eq!(
            err(r#"SELECT *, a FROM "T""#),
            "Other attributes should not be present in the projection when '*' is used."
        );
        assert_eq!(
            err(r#"SELECT * FROM "T", "U""#),
            "Only select from a single table or index is supported."
        );
        assert_eq!(
            err(r#"SELECT * FROM "T"."I"."X""#),
            "A path may contain at most 2 components in the FROM clause"
        );
    }

    #[test]
    fn returning_must_be_a_single_star_element() {
        assert_eq!(
            err(r#"UPDATE "T" SET a = 1 WHERE pk = 1 RETURNING ALL OLD a"#),
            "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"
        );
        assert_eq!(
            err(r#"UPDATE "T" SET a = 1 WHERE pk = 1 RETURNING ALL OLD *, ALL NEW *"#),
            "Invalid syntax with multiple returning elements in RETURNING clause"
        );
    }

    #[test]
    fn insert_refuses_what_dynamodb_does_not_support() {
        assert_eq!(
            err(r#"INSERT INTO "T" VALUE {'pk': 'a'} RETURNING ALL OLD *"#),
            "RETURNING is not supported in INSERT"
        );
        assert!(
            err(r#"INSERT INTO "T" VALUES ('a')"#)
                .starts_with("Unsupported operation: Inserting multiple items")
        );
        assert_eq!(
            err(r#"INSERT INTO "T"."I" VALUE {'pk': 'a'}"#),
            "FROM clause may only contain a single table name in data manipulation statements"
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!(
            r#"SELECT * FROM "T" WHERE {}a = 1{}"#,
            "(".repeat(500),
            ")".repeat(500)
        );
        assert_eq!(
            err(&deep),
            format!("{ENVELOPE}Statement nesting is too deep")
        );
        let shallow = format!(
            r#"SELECT * FROM "T" WHERE {}a = 1{}"#,
            "(".repeat(20),
            ")".repeat(20)
        );
        assert!(parse(&shallow).is_ok());
        let nots = format!(r#"SELECT * FROM "T" WHERE {} a = 1"#, "NOT ".repeat(1000));
        assert!(parse(&nots).is_err());
    }

    #[test]
    fn long_and_chains_stay_flat() {
        let terms: Vec<String> = (0..2000).map(|i| format!("a{i} = {i}")).collect();
        let w = where_of(&format!(
            r#"SELECT * FROM "T" WHERE {}"#,
            terms.join(" AND ")
        ));
        assert!(matches!(w.kind, ExprKind::And(t) if t.len() == 2000));
    }
}
