//! Semantic checking: turns a raw syntax tree into the [`super::ast`] form, substituting
//! placeholders and judging every function call. DynamoDB parses an expression completely
//! and only then reports what is wrong with it, by category: redundant parentheses first,
//! then unknown functions, misused functions, reserved words, a repeated update clause,
//! undefined placeholders, overlapping then conflicting update paths, ADD and DELETE
//! operand types, wrong operand counts, identical operands, and function-specific rules.
//! The checker walks the whole tree once, keeps the first error of each category, and
//! reports the most important. Function calls may nest two thousand deep, so operands are
//! walked with an explicit stack rather than by recursion.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::error::DynamoError;
use crate::value::AttributeValue;

use super::ast::{Comparator, Condition, Operand, Path, PathElement};
use super::eval::compare_values;
use super::names::Substitutions;
use super::parser::{Node, Notes, RawElement, RawPath};
use super::reserved::is_reserved;
use super::{ExpressionKind, MAX_IN_OPERANDS, invalid};

/// Error categories, most important first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Category {
    Parens,
    UnknownFunction,
    MisusedFunction,
    Reserved,
    RepeatedClause,
    Undefined,
    Overlap,
    Conflict,
    /// The value of an ADD or DELETE action.
    UpdateOperand,
    Arity,
    Distinct,
    Function,
    InOperands,
}

pub(super) const CONDITION_FUNCTIONS: [&str; 5] = [
    "attribute_exists",
    "attribute_not_exists",
    "attribute_type",
    "begins_with",
    "contains",
];
/// The functions of UpdateExpressions, which a condition may not call.
pub(super) const UPDATE_FUNCTIONS: [&str; 2] = ["if_not_exists", "list_append"];
const ATTRIBUTE_TYPES: [&str; 10] = ["S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"];
/// How DynamoDB names the type of a document path when a function needed a value.
const ANY_TYPE: &str = "{S,SS,N,NS,B,BS,BOOL,NULL,L,M,HD,DOUBLE,FLOAT,HDS,FS,DOUBLESET,DICT,DECIMAL,INT,DECIMALSET,INTSET}";

pub(super) fn misused(name: &str) -> String {
    format!("The function is not allowed to be used this way in an expression; function: {name}")
}

fn not_in_condition(name: &str) -> String {
    format!("The function is not allowed in a condition expression; function: {name}")
}

pub(super) fn wrong_type(function: &str, type_name: &str) -> String {
    format!(
        "Incorrect operand type for operator or function; operator or function: {function}, operand type: {type_name}"
    )
}

pub(super) fn needs_path(function: &str) -> String {
    format!("Operator or function requires a document path; operator or function: {function}")
}

/// The type an operand is known to have before any item is seen.
fn static_type(operand: &Operand) -> Option<&'static str> {
    match operand {
        Operand::Value(v) => Some(v.type_name()),
        Operand::Size(_) => Some("N"),
        Operand::Path(_) => None,
    }
}

/// A value as DynamoDB quotes it in BETWEEN messages: `{N:5}`, `{S:a}`, `{B:YQ==}`.
fn describe(value: &AttributeValue) -> String {
    match value {
        AttributeValue::S(s) => format!("{{S:{s}}}"),
        AttributeValue::N(n) => format!("{{N:{n}}}"),
        AttributeValue::B(b) => format!("{{B:{}}}", BASE64.encode(b)),
        other => format!("{{{}}}", other.type_name()),
    }
}

/// How two document paths relate, if they touch.
enum Clash {
    Overlap,
    Conflict,
}

fn clash(a: &Path, b: &Path) -> Option<Clash> {
    for (x, y) in a.elements.iter().zip(&b.elements) {
        match (x, y) {
            _ if x == y => {}
            (PathElement::Name(_), PathElement::Name(_))
            | (PathElement::Index(_), PathElement::Index(_)) => {
                return None;
            }
            _ => return Some(Clash::Conflict),
        }
    }
    Some(Clash::Overlap)
}

fn dummy_condition() -> Condition {
    Condition::AttributeExists(Path::attribute(""))
}

fn dummy_operand() -> Operand {
    Operand::Value(AttributeValue::Null)
}

pub(crate) struct Checker<'c, 'a> {
    kind: ExpressionKind,
    subs: &'c mut Substitutions<'a>,
    errors: BTreeMap<Category, String>,
}

impl<'c, 'a> Checker<'c, 'a> {
    pub fn new(kind: ExpressionKind, subs: &'c mut Substitutions<'a>, notes: Notes) -> Self {
        let mut checker = Checker {
            kind,
            subs,
            errors: BTreeMap::new(),
        };
        if notes.redundant_parens {
            checker.record(
                Category::Parens,
                "The expression has redundant parentheses;",
            );
        }
        checker
    }

    pub(super) fn record(&mut self, category: Category, message: impl Into<String>) {
        self.errors
            .entry(category)
            .or_insert_with(|| message.into());
    }

    /// The checked value, or the most important error found.
    pub fn finish<T>(self, value: T) -> Result<T, DynamoError> {
        match self.errors.into_values().next() {
            Some(message) => Err(invalid(self.kind, message)),
            None => Ok(value),
        }
    }

    // ----- paths and values ----------------------------------------------------------

    pub(super) fn path(&mut self, raw: &RawPath) -> Path {
        let mut elements = Vec::with_capacity(raw.elements.len());
        for element in &raw.elements {
            elements.push(match element {
                RawElement::Index(i) => PathElement::Index(*i),
                RawElement::Name(name) => {
                    if is_reserved(name) {
                        self.record(
                            Category::Reserved,
                            format!("Attribute name is a reserved keyword; reserved keyword: {name}"),
                        );
                    }
                    PathElement::Name(name.clone())
                }
                RawElement::Placeholder(placeholder) => match self.subs.name(placeholder) {
                    Some(name) => PathElement::Name(name.to_owned()),
                    None => {
                        self.record(
                            Category::Undefined,
                            format!(
                                "An expression attribute name used in the document path is not defined; attribute name: {placeholder}"
                            ),
                        );
                        PathElement::Name(placeholder.clone())
                    }
                },
            });
        }
        Path { elements }
    }

    pub(super) fn value(&mut self, placeholder: &str) -> AttributeValue {
        match self.subs.value(placeholder) {
            Some(value) => value.clone(),
            None => {
                self.record(
                    Category::Undefined,
                    format!("An expression attribute value used in expression is not defined; attribute value: {placeholder}"),
                );
                AttributeValue::Null
            }
        }
    }

    pub(super) fn arity(&mut self, name: &str, count: usize, wanted: usize) -> bool {
        if count != wanted {
            self.record(
                Category::Arity,
                format!(
                    "Incorrect number of operands for operator or function; operator or function: {name}, number of operands: {count}"
                ),
            );
        }
        count == wanted
    }

    fn distinct(&mut self, operator: &str, first: &Operand, second: &Operand) {
        if let (Operand::Path(a), Operand::Path(b)) = (first, second)
            && a == b
        {
            self.record(
                Category::Distinct,
                format!(
                    "The first operand must be distinct from the remaining operands for this operator or function; operator: {operator}, first operand: {a}"
                ),
            );
        }
    }

    // ----- conditions ----------------------------------------------------------------

    pub fn condition(&mut self, node: &Node) -> Condition {
        match node {
            Node::And(l, r) => {
                Condition::And(Box::new(self.condition(l)), Box::new(self.condition(r)))
            }
            Node::Or(l, r) => {
                Condition::Or(Box::new(self.condition(l)), Box::new(self.condition(r)))
            }
            Node::Not(inner) => Condition::Not(Box::new(self.condition(inner))),
            Node::Compare { op, left, right } => self.compare(*op, left, right),
            Node::Between { operand, low, high } => self.between(operand, low, high),
            Node::In { operand, list } => {
                let operand = self.operand(operand);
                let list: Vec<Operand> = list.iter().map(|n| self.operand(n)).collect();
                if list.len() > MAX_IN_OPERANDS {
                    self.record(
                        Category::InOperands,
                        format!("The IN operator is provided with too many operands; number of operands: {}", list.len()),
                    );
                }
                Condition::In { operand, list }
            }
            Node::Call { name, args } => self.function_condition(name, args),
            // The parser never puts these where a condition belongs.
            Node::Path(_) | Node::Value(_) | Node::Arith { .. } => {
                self.record(
                    Category::Function,
                    "Syntax error; token: \"<EOF>\", near: \"\"",
                );
                dummy_condition()
            }
        }
    }

    fn compare(&mut self, op: Comparator, left: &Node, right: &Node) -> Condition {
        let left = self.operand(left);
        let right = self.operand(right);
        self.distinct(op.symbol(), &left, &right);
        if !matches!(op, Comparator::Eq | Comparator::Ne) {
            self.orderable(op.symbol(), &left);
            self.orderable(op.symbol(), &right);
        }
        Condition::Compare { op, left, right }
    }

    fn between(&mut self, operand: &Node, low: &Node, high: &Node) -> Condition {
        let operand = self.operand(operand);
        let low = self.operand(low);
        let high = self.operand(high);
        for o in [&operand, &low, &high] {
            self.orderable("BETWEEN", o);
        }
        if let (Operand::Value(l), Operand::Value(h)) = (&low, &high) {
            self.between_bounds(l, h);
        }
        Condition::Between { operand, low, high }
    }

    fn between_bounds(&mut self, low: &AttributeValue, high: &AttributeValue) {
        let bounds = format!(
            "lower bound operand: AttributeValue: {}, upper bound operand: AttributeValue: {}",
            describe(low),
            describe(high)
        );
        if low.type_name() != high.type_name() {
            self.record(
                Category::Function,
                format!("The BETWEEN operator requires same data type for lower and upper bounds; {bounds}"),
            );
        } else if compare_values(low, high) == Some(Ordering::Greater) {
            self.record(
                Category::Function,
                format!("The BETWEEN operator requires upper bound to be greater than or equal to lower bound; {bounds}"),
            );
        }
    }

    /// `<`, `<=`, `>`, `>=` and BETWEEN refuse a constant that is not S, N or B.
    fn orderable(&mut self, operator: &str, operand: &Operand) {
        if let Some(t) = static_type(operand)
            && !matches!(t, "S" | "N" | "B")
        {
            self.record(Category::Function, wrong_type(operator, t));
        }
    }

    /// An operand. Calls nest (`f(f(f(...)))`), so they are walked with an explicit stack:
    /// each call's arguments in order, depth first, then the call itself, as a recursive
    /// walk would.
    fn operand(&mut self, node: &Node) -> Operand {
        enum Step<'n> {
            Visit(&'n Node),
            Call(&'n str, usize),
        }
        let mut steps = vec![Step::Visit(node)];
        let mut done: Vec<Operand> = Vec::new();
        while let Some(step) = steps.pop() {
            match step {
                Step::Visit(Node::Path(p)) => done.push(Operand::Path(self.path(p))),
                Step::Visit(Node::Value(v)) => done.push(Operand::Value(self.value(v))),
                Step::Visit(Node::Call { name, args }) => {
                    steps.push(Step::Call(name, args.len()));
                    steps.extend(args.iter().rev().map(Step::Visit));
                }
                // The parser never puts a condition where an operand belongs.
                Step::Visit(other) => {
                    self.condition(other);
                    done.push(dummy_operand());
                }
                Step::Call(name, count) => {
                    let operands = done.split_off(done.len().saturating_sub(count));
                    let operand = self.function_operand(name, operands);
                    done.push(operand);
                }
            }
        }
        done.pop().unwrap_or_else(dummy_operand)
    }

    fn operands(&mut self, args: &[Node]) -> Vec<Operand> {
        args.iter().map(|a| self.operand(a)).collect()
    }

    /// A function call used as an operand: only `size` is one. A misused `size` gives a
    /// placeholder rather than nesting, so no checked operand is ever deep.
    fn function_operand(&mut self, name: &str, operands: Vec<Operand>) -> Operand {
        if name != "size" {
            self.unusable_function(name);
            return dummy_operand();
        }
        if !self.arity(name, operands.len(), 1) {
            return dummy_operand();
        }
        let inner = operands.into_iter().next().unwrap_or_else(dummy_operand);
        if let Some(t) = static_type(&inner)
            && matches!(t, "N" | "BOOL" | "NULL")
        {
            self.record(Category::Function, wrong_type("size", t));
            return dummy_operand();
        }
        Operand::Size(Box::new(inner))
    }

    /// A call of a function that cannot stand where it is: a condition function or `size`
    /// in the wrong role, an update function in a condition, or no function at all.
    pub(super) fn unusable_function(&mut self, name: &str) {
        let (category, message) = if CONDITION_FUNCTIONS.contains(&name) || name == "size" {
            (Category::MisusedFunction, misused(name))
        } else if UPDATE_FUNCTIONS.contains(&name) && self.kind != ExpressionKind::Update {
            (Category::MisusedFunction, not_in_condition(name))
        } else {
            (
                Category::UnknownFunction,
                format!("Invalid function name; function: {name}"),
            )
        };
        self.record(category, message);
    }

    /// A function call used as a condition.
    fn function_condition(&mut self, name: &str, args: &[Node]) -> Condition {
        let ops = self.operands(args);
        match name {
            "attribute_exists" | "attribute_not_exists" => self.existence(name, ops),
            "attribute_type" => self.attribute_type(ops),
            "begins_with" | "contains" => {
                if !self.arity(name, ops.len(), 2) {
                    return dummy_condition();
                }
                self.distinct(name, &ops[0], &ops[1]);
                let mut ops = ops.into_iter();
                let (a, b) = (
                    ops.next().unwrap_or_else(dummy_operand),
                    ops.next().unwrap_or_else(dummy_operand),
                );
                if name == "contains" {
                    return Condition::Contains(a, b);
                }
                for o in [&a, &b] {
                    if let Some(t) = static_type(o)
                        && !matches!(t, "S" | "B")
                    {
                        self.record(Category::Function, wrong_type(name, t));
                    }
                }
                Condition::BeginsWith(a, b)
            }
            _ => {
                self.unusable_function(name);
                dummy_condition()
            }
        }
    }

    fn existence(&mut self, name: &str, ops: Vec<Operand>) -> Condition {
        if !self.arity(name, ops.len(), 1) {
            return dummy_condition();
        }
        match ops.into_iter().next() {
            Some(Operand::Path(path)) if name == "attribute_exists" => {
                Condition::AttributeExists(path)
            }
            Some(Operand::Path(path)) => Condition::AttributeNotExists(path),
            _ => {
                self.record(Category::Function, needs_path(name));
                dummy_condition()
            }
        }
    }

    fn attribute_type(&mut self, ops: Vec<Operand>) -> Condition {
        let name = "attribute_type";
        if !self.arity(name, ops.len(), 2) {
            return dummy_condition();
        }
        self.distinct(name, &ops[0], &ops[1]);
        let type_name = match &ops[1] {
            Operand::Value(AttributeValue::S(t)) if ATTRIBUTE_TYPES.contains(&t.as_str()) => {
                Some(t.clone())
            }
            Operand::Value(AttributeValue::S(t)) => {
                self.record(
                    Category::Function,
                    format!(
                        "Invalid attribute type name found; type: {t}, valid types: {{{}}}",
                        ATTRIBUTE_TYPES.join(",")
                    ),
                );
                None
            }
            other => {
                self.record(
                    Category::Function,
                    wrong_type(name, static_type(other).unwrap_or(ANY_TYPE)),
                );
                None
            }
        };
        // Unlike the existence functions, attribute_type takes any operand first:
        // `attribute_type(:v, :t)` tests the value's type.
        match (ops.into_iter().next(), type_name) {
            (Some(operand), Some(t)) => Condition::AttributeType(operand, t),
            _ => dummy_condition(),
        }
    }

    // ----- projections and overlapping paths -----------------------------------------

    pub fn projection(&mut self, raw: &[RawPath]) -> Vec<Path> {
        let paths: Vec<Path> = raw.iter().map(|p| self.path(p)).collect();
        self.overlaps(&paths);
        paths
    }

    /// DynamoDB refuses two paths where one contains the other ("overlap") or where one
    /// indexes a list and the other names a map key at the same place ("conflict"). An
    /// overlap anywhere is reported before a conflict.
    pub(super) fn overlaps(&mut self, paths: &[Path]) {
        for later in 1..paths.len() {
            for earlier in 0..later {
                let (one, two) = (&paths[earlier], &paths[later]);
                let (category, verb) = match clash(one, two) {
                    Some(Clash::Overlap) => (Category::Overlap, "overlap"),
                    Some(Clash::Conflict) => (Category::Conflict, "conflict"),
                    None => continue,
                };
                if self.errors.contains_key(&category) {
                    if self.errors.contains_key(&Category::Overlap) {
                        return;
                    }
                    continue;
                }
                self.record(
                    category,
                    format!(
                        "Two document paths {verb} with each other; must remove or rewrite one of these paths; path one: {one}, path two: {two}"
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::super::{ExpressionKind, Substitutions};

    const V: &str =
        r#"{":v": {"S": "x"}, ":n": {"N": "1"}, ":l": {"L": [{"N": "1"}]}, ":t": {"S": "STRING"}}"#;

    fn err(text: &str) -> String {
        condition_error(text, r#"{":v": {"S": "x"}}"#)
    }

    fn prefixed(message: &str) -> String {
        format!("Invalid ConditionExpression: {message}")
    }

    #[test]
    fn a_bare_reserved_word_is_refused_wherever_it_appears_in_a_path() {
        assert_eq!(
            err("COUNT = :v"),
            prefixed("Attribute name is a reserved keyword; reserved keyword: COUNT")
        );
        assert_eq!(
            err("name = :v"),
            prefixed("Attribute name is a reserved keyword; reserved keyword: name")
        );
        assert_eq!(
            err("m.COMMENT = :v"),
            prefixed("Attribute name is a reserved keyword; reserved keyword: COMMENT")
        );
        assert_eq!(
            err("begins_with(m.Comment, :v)"),
            prefixed("Attribute name is a reserved keyword; reserved keyword: Comment")
        );
        assert!(
            condition_with(
                "begins_with(#m.#c, :v)",
                r#"{":v": {"S": "x"}}"#,
                &[("#m", "m"), ("#c", "COMMENT")]
            )
            .is_ok()
        );
    }

    #[test]
    fn undefined_placeholders_name_the_placeholder() {
        assert_eq!(
            err("#n = :v"),
            prefixed(
                "An expression attribute name used in the document path is not defined; attribute name: #n"
            )
        );
        assert_eq!(
            err("a = :w"),
            prefixed(
                "An expression attribute value used in expression is not defined; attribute value: :w"
            )
        );
        let e =
            condition_with("#wrong = :v", r#"{":v": {"S": "x"}}"#, &[("#right", "a")]).unwrap_err();
        assert!(e.message.ends_with("attribute name: #wrong"));
    }

    #[test]
    fn unknown_functions_are_named() {
        assert_eq!(
            err("f(a) = :v"),
            prefixed("Invalid function name; function: f")
        );
        assert_eq!(
            err("f123_hi(a, b)"),
            prefixed("Invalid function name; function: f123_hi")
        );
        assert_eq!(
            err("BEGINS_WITH(a, :v)"),
            prefixed("Invalid function name; function: BEGINS_WITH")
        );
    }

    #[test]
    fn update_functions_are_not_allowed_in_a_condition() {
        let refused = |f: &str| {
            format!("The function is not allowed in a condition expression; function: {f}")
        };
        assert_eq!(
            err("if_not_exists(a, :v) = :v"),
            prefixed(&refused("if_not_exists"))
        );
        assert_eq!(
            err("list_append(a, a) = :v"),
            prefixed(&refused("list_append"))
        );
        assert_eq!(
            err("if_not_exists(a, :v)"),
            prefixed(&refused("if_not_exists"))
        );
        assert_eq!(
            err("size(list_append(a, :v)) > :v"),
            prefixed(&refused("list_append"))
        );
        // Case matters: LIST_APPEND is no function at all.
        assert_eq!(
            err("LIST_APPEND(a, :v) = :v"),
            prefixed("Invalid function name; function: LIST_APPEND")
        );
        // Every condition-like expression says so, in its own name.
        for kind in [ExpressionKind::Filter, ExpressionKind::KeyCondition] {
            let values = item(r#"{":v": {"S": "x"}}"#);
            let mut subs = Substitutions::new(None, Some(&values)).unwrap();
            let e = super::super::parse_condition("if_not_exists(a, :v) = :v", kind, &mut subs);
            assert_eq!(
                e.unwrap_err().message,
                format!("Invalid {}: {}", kind.name(), refused("if_not_exists"))
            );
        }
    }

    #[test]
    fn functions_used_in_the_wrong_place_are_misused() {
        let misused = |f: &str| {
            prefixed(&format!(
                "The function is not allowed to be used this way in an expression; function: {f}"
            ))
        };
        assert_eq!(err("size(a)"), misused("size"));
        assert_eq!(err("begins_with(a, :v) = :v"), misused("begins_with"));
        assert_eq!(err("size(contains(a, :v)) = :v"), misused("contains"));
        assert_eq!(
            err("a IN (attribute_exists(b))"),
            misused("attribute_exists")
        );
        assert_eq!(err("a = :v AND size(b)"), misused("size"));
    }

    #[test]
    fn functions_take_a_fixed_number_of_operands() {
        let arity = |f: &str, n: usize| {
            prefixed(&format!(
                "Incorrect number of operands for operator or function; operator or function: {f}, number of operands: {n}"
            ))
        };
        assert_eq!(err("contains(a)"), arity("contains", 1));
        assert_eq!(err("begins_with(a, :v, :v)"), arity("begins_with", 3));
        assert_eq!(err("size(a, b) = :v"), arity("size", 2));
        assert_eq!(err("attribute_exists(a, b)"), arity("attribute_exists", 2));
        assert_eq!(err("attribute_type(a)"), arity("attribute_type", 1));
    }

    #[test]
    fn the_first_operand_must_differ_from_the_second() {
        let distinct = |op: &str, path: &str| {
            prefixed(&format!(
                "The first operand must be distinct from the remaining operands for this operator or function; operator: {op}, first operand: {path}"
            ))
        };
        assert_eq!(err("contains(a, a)"), distinct("contains", "[a]"));
        assert_eq!(err("a.b[1] = a.b[1]"), distinct("=", "[a, b, [1]]"));
        let e = condition_with("contains(#a, data2)", "{}", &[("#a", "data2")]).unwrap_err();
        assert_eq!(e.message, distinct("contains", "[data2]"));
        assert!(!condition("a = b", "{}").evaluate(&Default::default()));
    }

    #[test]
    fn functions_on_paths_require_a_path() {
        assert_eq!(
            err("attribute_exists(:v)"),
            prefixed(
                "Operator or function requires a document path; operator or function: attribute_exists"
            )
        );
        assert_eq!(
            err("attribute_not_exists(size(a))"),
            prefixed(
                "Operator or function requires a document path; operator or function: attribute_not_exists"
            )
        );
        // An undefined value is reported before the misplaced operand.
        assert_eq!(
            err("attribute_exists(:nope)"),
            prefixed(
                "An expression attribute value used in expression is not defined; attribute value: :nope"
            )
        );
    }

    #[test]
    fn attribute_type_needs_a_known_type_name() {
        assert_eq!(
            condition_error("attribute_type(a, :t)", V),
            prefixed(
                "Invalid attribute type name found; type: STRING, valid types: {S,SS,N,NS,B,BS,BOOL,NULL,L,M}"
            )
        );
        assert_eq!(
            condition_error("attribute_type(a, :n)", V),
            prefixed(
                "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"
            )
        );
        assert_eq!(
            err("attribute_type(a, b)"),
            prefixed(
                "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {S,SS,N,NS,B,BS,BOOL,NULL,L,M,HD,DOUBLE,FLOAT,HDS,FS,DOUBLESET,DICT,DECIMAL,INT,DECIMALSET,INTSET}"
            )
        );
    }

    #[test]
    fn attribute_type_takes_a_value_as_its_first_operand_too() {
        let v = r#"{":val": {"N": "0"}, ":n": {"S": "N"}, ":s": {"S": "S"}}"#;
        let empty = item("{}");
        assert!(condition("attribute_type(:val, :n)", v).evaluate(&empty));
        assert!(!condition("attribute_type(:val, :s)", v).evaluate(&empty));
        assert!(
            condition("attribute_type(size(a), :n)", v).evaluate(&item(r#"{"a": {"S": "xy"}}"#))
        );
        assert!(!condition("attribute_type(size(a), :n)", v).evaluate(&empty));
        assert!(condition("attribute_type(a, :s)", v).evaluate(&item(r#"{"a": {"S": "xy"}}"#)));
        // The second operand must still be a value, and the same path twice is refused.
        assert!(condition_error("attribute_type(:val, a)", v).contains("operand type: {S,SS"));
        assert!(condition_error("attribute_type(a, a)", v).contains("must be distinct"));
    }

    #[test]
    fn begins_with_and_size_refuse_constants_of_the_wrong_type() {
        assert_eq!(
            condition_error("begins_with(a, :n)", V),
            prefixed(
                "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
            )
        );
        assert_eq!(
            condition_error("begins_with(a, size(b))", V),
            prefixed(
                "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
            )
        );
        assert_eq!(
            condition_error("size(:n) > :n", V),
            prefixed(
                "Incorrect operand type for operator or function; operator or function: size, operand type: N"
            )
        );
        assert!(
            condition_with("size(:v) > :n", V, &[]).is_ok(),
            "size of a string constant is fine"
        );
    }

    #[test]
    fn ordering_a_constant_that_has_no_order_is_an_error() {
        assert_eq!(
            condition_error("a < :l", V),
            prefixed(
                "Incorrect operand type for operator or function; operator or function: <, operand type: L"
            )
        );
        assert_eq!(
            condition_error(":l >= a", V),
            prefixed(
                "Incorrect operand type for operator or function; operator or function: >=, operand type: L"
            )
        );
        assert_eq!(
            condition_error("a BETWEEN :l AND :n", V),
            prefixed(
                "Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: L"
            )
        );
        // Equality and IN take any type.
        assert!(condition_with("a = :l OR a IN (:l)", r#"{":l": {"L": []}}"#, &[]).is_ok());
    }

    #[test]
    fn between_bounds_must_share_a_type_and_be_in_order() {
        let v = r#"{":a": {"S": "a"}, ":b": {"N": "1"}, ":z": {"S": "z"}, ":x": {"B": "eg=="}, ":y": {"B": "YQ=="}}"#;
        let e = |t: &str| condition_with(t, v, &[]).unwrap_err().message;
        assert_eq!(
            e("a between :b and :a"),
            prefixed(
                "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}"
            )
        );
        assert_eq!(
            e("a between :z and :a"),
            prefixed(
                "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:z}, upper bound operand: AttributeValue: {S:a}"
            )
        );
        assert_eq!(
            e("a between :x and :y"),
            prefixed(
                "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {B:eg==}, upper bound operand: AttributeValue: {B:YQ==}"
            )
        );
        assert!(condition_with("a between :a and :a", r#"{":a": {"S": "a"}}"#, &[]).is_ok());
    }

    #[test]
    fn in_takes_at_most_100_operands() {
        let list = |n: usize| vec![":v"; n].join(", ");
        assert!(
            condition_with(
                &format!("a IN ({})", list(100)),
                r#"{":v": {"S": "x"}}"#,
                &[]
            )
            .is_ok()
        );
        assert_eq!(
            err(&format!("a IN ({})", list(101))),
            prefixed("The IN operator is provided with too many operands; number of operands: 101")
        );
    }

    #[test]
    fn redundant_parentheses_are_refused() {
        assert_eq!(
            err("((a = :v))"),
            prefixed("The expression has redundant parentheses;")
        );
        assert_eq!(
            err("((a)) = :v"),
            prefixed("The expression has redundant parentheses;")
        );
        assert!(condition_with("(a = :v)", r#"{":v": {"S": "x"}}"#, &[]).is_ok());
        assert!(condition_with("(a) = :v", r#"{":v": {"S": "x"}}"#, &[]).is_ok());
    }

    #[test]
    fn deeply_nested_expressions_get_their_real_error_not_a_stack_overflow() {
        let errors = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let deep_f = format!("a < {}b{}", "f(".repeat(1355), ")".repeat(1355));
                let deep_size = format!("a < {}b{}", "size(".repeat(680), ")".repeat(680));
                let parens = format!("{}a<b{}", "(".repeat(2046), ")".repeat(2046));
                let mixed = format!("a < {}b{}", "size((".repeat(500), "))".repeat(500));
                [deep_f, deep_size, parens, mixed].map(|text| condition_error(&text, "{}"))
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(errors[0], prefixed("Invalid function name; function: f"));
        assert_eq!(
            errors[1],
            prefixed(
                "Incorrect operand type for operator or function; operator or function: size, operand type: N"
            )
        );
        assert_eq!(
            errors[2],
            prefixed("The expression has redundant parentheses;")
        );
        assert_eq!(errors[1], errors[3]);
    }

    #[test]
    fn errors_are_reported_by_category_not_position() {
        // Reserved word (first) loses to an unknown function (later).
        assert_eq!(
            err("COUNT = :v AND f(a)"),
            prefixed("Invalid function name; function: f")
        );
        // Undefined value (first) loses to a reserved word (later).
        assert_eq!(
            err("a = :w AND size = :v"),
            prefixed("Attribute name is a reserved keyword; reserved keyword: size")
        );
        // Redundant parentheses beat everything.
        assert_eq!(
            err("f(a) AND ((b = :v))"),
            prefixed("The expression has redundant parentheses;")
        );
        // Within a category, the first one written wins.
        assert_eq!(
            err("f(a) AND g(b)"),
            prefixed("Invalid function name; function: f")
        );
    }

    fn projection_err(text: &str) -> String {
        projection(text).unwrap_err().message
    }

    #[test]
    fn projection_paths_must_not_overlap_or_conflict() {
        for text in [
            "a, a",
            "a.b, a.b",
            "a[1], a[1]",
            "a, a.b",
            "a.b, a",
            "a.b, a.b[2]",
            "a, a.b[2].c",
            "a.b.d.e, a.b",
        ] {
            assert!(
                projection_err(text).contains(" overlap with each other"),
                "{text}"
            );
        }
        assert_eq!(
            projection_err("a.b[0],a.b[0]"),
            "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b, [0]], path two: [a, b, [0]]"
        );
        assert_eq!(
            projection_err("a.b, a[1]"),
            "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]"
        );
        for text in [
            "a, b",
            "a.b, a.c",
            "a.b.d, a.b.e",
            "a[1], a[2]",
            "a.b, a.c[2]",
        ] {
            assert!(projection(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn projection_names_follow_the_usual_rules() {
        assert_eq!(
            projection_err("COMMENT"),
            "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: COMMENT"
        );
        assert_eq!(
            projection_err("a, #n"),
            "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #n"
        );
        assert_eq!(
            projection_err("a,"),
            "Invalid ProjectionExpression: Syntax error; token: \"<EOF>\", near: \",\""
        );
    }
}
