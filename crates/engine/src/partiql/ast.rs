//! The syntax tree of a parsed statement. It records what was written, not what it means:
//! literals keep their source text, parameters their position, and paths their steps as
//! written, so [`super::translate`] can judge them against the table and the request's
//! parameters and report DynamoDB's semantic errors. `AND`, `OR` and arithmetic chains are
//! n-ary, which keeps the tree shallow however long a condition grows.

/// Where a construct starts in the statement: 1-based line and column, and the length in
/// characters of its first token. DynamoDB quotes this as `line:column:length`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
    pub length: u32,
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.line, self.column, self.length)
    }
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    Select(Select),
    Insert(Insert),
    Update(Update),
    Delete(Delete),
    /// `EXISTS(SELECT ...)`, a condition check inside ExecuteTransaction.
    Exists(Select),
}

/// `"Table"` or `"Table"."Index"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub table: String,
    pub index: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Projection {
    /// `SELECT *`.
    All,
    /// `SELECT a, b.c, ...`: each item as written (translation requires paths).
    Items(Vec<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    pub projection: Projection,
    pub from: Source,
    pub where_clause: Option<Expr>,
    pub order_by: Vec<OrderTerm>,
}

/// One `ORDER BY` term.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderTerm {
    pub key: Expr,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    pub table: String,
    /// The expression after `VALUE`; translation requires a `{...}` struct.
    pub value: Expr,
}

/// What a `RETURNING` clause asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returning {
    AllOld,
    ModifiedOld,
    AllNew,
    ModifiedNew,
}

impl Returning {
    /// The clause as written, for messages: `ALL OLD *`.
    pub fn text(self) -> &'static str {
        match self {
            Returning::AllOld => "ALL OLD *",
            Returning::ModifiedOld => "MODIFIED OLD *",
            Returning::AllNew => "ALL NEW *",
            Returning::ModifiedNew => "MODIFIED NEW *",
        }
    }

    /// The `ReturnValues` setting that yields the same attributes.
    pub fn return_values(self) -> &'static str {
        match self {
            Returning::AllOld => "ALL_OLD",
            Returning::ModifiedOld => "UPDATED_OLD",
            Returning::AllNew => "ALL_NEW",
            Returning::ModifiedNew => "UPDATED_NEW",
        }
    }
}

/// One `SET path = value` or `REMOVE path` action, in statement order.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Set { target: Expr, value: Expr },
    Remove(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub table: String,
    pub actions: Vec<Action>,
    pub where_clause: Option<Expr>,
    pub returning: Option<Returning>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    pub table: String,
    pub where_clause: Option<Expr>,
    pub returning: Option<Returning>,
}

/// One step after a path's first name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `.name`, `."name"` or `['name']`.
    Field(String),
    /// `[n]`, the digits as written (a leading `-` if negative).
    Index(String),
    /// `[*]`.
    Wildcard,
    /// `.*`.
    Unpivot,
    /// `[expr]` with anything else inside.
    Other,
}

/// A document path: a top-level attribute name and the steps below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub root: String,
    pub steps: Vec<Step>,
}

impl Path {
    /// The plain attribute name if the path has no steps.
    pub fn as_name(&self) -> Option<&str> {
        self.steps.is_empty().then_some(self.root.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "<>",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }

    /// The operator with its operands swapped: `1 < a` is `a > 1`.
    pub fn flipped(self) -> CompareOp {
        match self {
            CompareOp::Lt => CompareOp::Gt,
            CompareOp::Le => CompareOp::Ge,
            CompareOp::Gt => CompareOp::Lt,
            CompareOp::Ge => CompareOp::Le,
            other => other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    Plus,
    Minus,
    Times,
    Divide,
    Modulo,
    Concat,
}

impl ArithOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Plus => "+",
            ArithOp::Minus => "-",
            ArithOp::Times => "*",
            ArithOp::Divide => "/",
            ArithOp::Modulo => "%",
            ArithOp::Concat => "||",
        }
    }
}

/// The type named after `IS [NOT]`, upper-cased, multi-word names joined by a space
/// (`MISSING`, `NULL`, `STRING`, `DOUBLE PRECISION`, ...).
pub type TypeName = String;

/// A literal written in the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    Str(String),
    /// A number's source text, a leading `-` included when negated.
    Num(String),
    Bool(bool),
    Null,
    Missing,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Path(Path),
    Literal(Literal),
    /// `?`: the 1-based position among the statement's parameters.
    Param(usize),
    List(Vec<Expr>),
    Bag(Vec<Expr>),
    /// `{key: value, ...}`; keys as written (translation requires string literals).
    Struct(Vec<(Expr, Expr)>),
    Compare(CompareOp, Box<Expr>, Box<Expr>),
    Between {
        operand: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    /// `operand IN rhs`; the right side as written (translation requires a list or bag).
    In {
        operand: Box<Expr>,
        rhs: Box<Expr>,
        negated: bool,
    },
    Is {
        operand: Box<Expr>,
        type_name: TypeName,
        negated: bool,
    },
    Like {
        negated: bool,
    },
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    /// `first op operand op operand ...`, left to right.
    Arith(Box<Expr>, Vec<(ArithOp, Expr)>),
    /// Unary minus on anything but a number literal.
    Negate(Box<Expr>),
    /// A function call; the name lower-cased.
    Call {
        name: String,
        args: Vec<Expr>,
    },
    /// A path whose root is not a name (`[1][0]`, `'a'.b`): invalid, kept for the message.
    BadPath {
        list_root: bool,
    },
    /// `*` where an expression is expected (`count(*)`).
    Star,
}

/// An expression and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub pos: Pos,
}

impl Expr {
    pub fn new(kind: ExprKind, pos: Pos) -> Expr {
        Expr { kind, pos }
    }

    /// The path, if the expression is one.
    pub fn as_path(&self) -> Option<&Path> {
        match &self.kind {
            ExprKind::Path(p) => Some(p),
            _ => None,
        }
    }

    /// Whether the expression is a value written in the statement: a literal (other than
    /// MISSING), a parameter, or a list, bag or struct constructor.
    pub fn is_value(&self) -> bool {
        match &self.kind {
            ExprKind::Literal(Literal::Missing) => false,
            ExprKind::Literal(_)
            | ExprKind::Param(_)
            | ExprKind::List(_)
            | ExprKind::Bag(_)
            | ExprKind::Struct(_) => true,
            _ => false,
        }
    }

    /// How DynamoDB names the expression in messages that quote its kind.
    pub fn describe(&self) -> String {
        match &self.kind {
            ExprKind::Path(p) if p.steps.is_empty() => p.root.clone(),
            ExprKind::Path(_) | ExprKind::BadPath { .. } => "PATH".into(),
            ExprKind::Literal(Literal::Str(s)) => format!("\"{s}\""),
            ExprKind::Literal(Literal::Num(n)) => n.clone(),
            ExprKind::Literal(Literal::Bool(b)) => b.to_string(),
            ExprKind::Literal(Literal::Null) => "null".into(),
            ExprKind::Literal(Literal::Missing) => "MISSING".into(),
            ExprKind::Param(_) => "PARAMETER".into(),
            ExprKind::List(_) => "LIST".into(),
            ExprKind::Bag(_) => "BAG".into(),
            ExprKind::Struct(_) => "STRUCT".into(),
            ExprKind::Compare(op, ..) => op.symbol().into(),
            ExprKind::Between { .. } => "between".into(),
            ExprKind::In { .. } => "in".into(),
            ExprKind::Is { .. } => "is".into(),
            ExprKind::Like { .. } => "like".into(),
            ExprKind::And(_) => "and".into(),
            ExprKind::Or(_) => "or".into(),
            ExprKind::Not(_) => "not".into(),
            ExprKind::Arith(_, rest) => rest.first().map_or("+", |(op, _)| op.symbol()).into(),
            ExprKind::Negate(_) => "-".into(),
            ExprKind::Call { name, .. } => name.clone(),
            ExprKind::Star => "*".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_print_as_line_column_length() {
        assert_eq!(
            Pos {
                line: 1,
                column: 24,
                length: 7
            }
            .to_string(),
            "1:24:7"
        );
    }

    #[test]
    fn returning_maps_to_return_values() {
        assert_eq!(Returning::ModifiedOld.return_values(), "UPDATED_OLD");
        assert_eq!(Returning::AllNew.text(), "ALL NEW *");
    }

    #[test]
    fn flipping_a_comparison_swaps_its_direction() {
        assert_eq!(CompareOp::Lt.flipped(), CompareOp::Gt);
        assert_eq!(CompareOp::Eq.flipped(), CompareOp::Eq);
    }

    #[test]
    fn only_literals_parameters_and_constructors_are_values() {
        let at = Pos::default();
        assert!(Expr::new(ExprKind::Param(1), at).is_value());
        assert!(Expr::new(ExprKind::Bag(vec![]), at).is_value());
        assert!(!Expr::new(ExprKind::Literal(Literal::Missing), at).is_value());
        assert!(
            !Expr::new(
                ExprKind::Path(Path {
                    root: "a".into(),
                    steps: vec![]
                }),
                at
            )
            .is_value()
        );
    }
}
