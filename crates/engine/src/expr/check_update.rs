//! Semantic checking of UpdateExpressions: each clause at most once, SET values built only
//! from paths, `:values`, `if_not_exists` and `list_append` nested the ways DynamoDB allows,
//! constants of the right type for `+`, `-`, `list_append`, ADD and DELETE, and no two
//! actions on overlapping or conflicting paths. Shares the category bookkeeping of
//! the condition checker.

use crate::value::AttributeValue;

use super::ast::{SetAction, SetValue, Update, UpdateOperand};
use super::check::{CONDITION_FUNCTIONS, Category, Checker, misused, needs_path, wrong_type};
use super::parser::{Node, RawAction, RawUpdate};

fn update_static_type(operand: &UpdateOperand) -> Option<&'static str> {
    match operand {
        UpdateOperand::Value(v) => Some(v.type_name()),
        UpdateOperand::ListAppend(..) => Some("L"),
        _ => None,
    }
}

/// The word ADD and DELETE use for an operand type they refuse.
fn long_type_name(value: &AttributeValue) -> &'static str {
    match value {
        AttributeValue::S(_) => "STRING",
        AttributeValue::N(_) => "NUMBER",
        AttributeValue::B(_) => "BINARY",
        AttributeValue::Bool(_) => "BOOLEAN",
        AttributeValue::Null => "NULL",
        AttributeValue::L(_) => "LIST",
        AttributeValue::M(_) => "MAP",
        AttributeValue::SS(_) => "STRING_SET",
        AttributeValue::NS(_) => "NUMBER_SET",
        AttributeValue::BS(_) => "BINARY_SET",
    }
}

fn is_set(value: &AttributeValue) -> bool {
    matches!(
        value,
        AttributeValue::SS(_) | AttributeValue::NS(_) | AttributeValue::BS(_)
    )
}

impl Checker<'_, '_> {
    pub fn update(&mut self, raw: &RawUpdate) -> Update {
        if let Some(clause) = raw.repeated {
            self.record(
                Category::RepeatedClause,
                format!(
                    "The \"{}\" section can only be used once in an update expression;",
                    clause.keyword()
                ),
            );
        }
        let mut update = Update::default();
        let mut targets = Vec::with_capacity(raw.actions.len());
        for action in &raw.actions {
            match action {
                RawAction::Set(path, node) => {
                    let path = self.path(path);
                    let value = self.set_value(node);
                    targets.push(path.clone());
                    update.set.push(SetAction { path, value });
                }
                RawAction::Remove(path) => {
                    let path = self.path(path);
                    targets.push(path.clone());
                    update.remove.push(path);
                }
                RawAction::Add(path, placeholder) => {
                    let path = self.path(path);
                    let value = self.value(placeholder);
                    if !(is_set(&value) || matches!(value, AttributeValue::N(_))) {
                        self.record(Category::Function, format!(
                            "Incorrect operand type for operator or function; operator: ADD, operand type: {}",
                            long_type_name(&value)
                        ));
                    }
                    targets.push(path.clone());
                    update.add.push((path, value));
                }
                RawAction::Delete(path, placeholder) => {
                    let path = self.path(path);
                    let value = self.value(placeholder);
                    if !is_set(&value) {
                        self.record(Category::Function, format!(
                            "Incorrect operand type for operator or function; operator: DELETE, operand type: {}",
                            long_type_name(&value)
                        ));
                    }
                    targets.push(path.clone());
                    update.delete.push((path, value));
                }
            }
        }
        self.overlaps(&targets);
        update
    }

    fn set_value(&mut self, node: &Node) -> SetValue {
        let Node::Arith { plus, left, right } = node else {
            return SetValue::Operand(self.update_operand(node, None));
        };
        let left = self.update_operand(left, None);
        let right = self.update_operand(right, None);
        let symbol = if *plus { "+" } else { "-" };
        for o in [&left, &right] {
            if let Some(t) = update_static_type(o)
                && t != "N"
            {
                self.record(Category::Function, wrong_type(symbol, t));
            }
        }
        if *plus {
            SetValue::Plus(left, right)
        } else {
            SetValue::Minus(left, right)
        }
    }

    /// An operand of a SET value; `within` is the function whose argument it is.
    fn update_operand(&mut self, node: &Node, within: Option<&str>) -> UpdateOperand {
        match node {
            Node::Path(p) => UpdateOperand::Path(self.path(p)),
            Node::Value(v) => UpdateOperand::Value(self.value(v)),
            Node::Call { name, args } => self.update_function(name, args, within),
            _ => {
                self.record(
                    Category::Function,
                    "Syntax error; token: \"<EOF>\", near: \"\"",
                );
                UpdateOperand::Value(AttributeValue::Null)
            }
        }
    }

    fn update_function(
        &mut self,
        name: &str,
        args: &[Node],
        within: Option<&str>,
    ) -> UpdateOperand {
        let dummy = UpdateOperand::Value(AttributeValue::Null);
        let nested_misuse = match (name, within) {
            ("list_append", Some(_)) | ("if_not_exists", Some("if_not_exists")) => true,
            ("if_not_exists" | "list_append", _) => false,
            _ => {
                for arg in args {
                    self.update_operand(arg, Some(name));
                }
                let known = CONDITION_FUNCTIONS.contains(&name) || name == "size";
                let category = if known {
                    Category::MisusedFunction
                } else {
                    Category::UnknownFunction
                };
                self.unusable_function(category, name);
                return dummy;
            }
        };
        if nested_misuse {
            self.record(Category::MisusedFunction, misused(name));
        }
        if name == "if_not_exists" {
            self.if_not_exists(args).unwrap_or(dummy)
        } else {
            self.list_append(args).unwrap_or(dummy)
        }
    }

    fn if_not_exists(&mut self, args: &[Node]) -> Option<UpdateOperand> {
        let first = args.first().map(|a| self.update_operand(a, None));
        let second: Vec<UpdateOperand> = args
            .iter()
            .skip(1)
            .map(|a| self.update_operand(a, Some("if_not_exists")))
            .collect();
        if !self.arity("if_not_exists", args.len(), 2) {
            return None;
        }
        let Some(UpdateOperand::Path(path)) = first else {
            self.record(Category::Function, needs_path("if_not_exists"));
            return None;
        };
        let fallback = second.into_iter().next()?;
        Some(UpdateOperand::IfNotExists(path, Box::new(fallback)))
    }

    fn list_append(&mut self, args: &[Node]) -> Option<UpdateOperand> {
        let ops: Vec<UpdateOperand> = args
            .iter()
            .map(|a| self.update_operand(a, Some("list_append")))
            .collect();
        if !self.arity("list_append", ops.len(), 2) {
            return None;
        }
        for o in &ops {
            if let Some(t) = update_static_type(o)
                && t != "L"
            {
                self.record(Category::Function, wrong_type("list_append", t));
            }
        }
        let mut ops = ops.into_iter();
        let (a, b) = (ops.next()?, ops.next()?);
        Some(UpdateOperand::ListAppend(Box::new(a), Box::new(b)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    fn update_err(text: &str) -> String {
        update_error(
            text,
            r#"{":v": {"S": "x"}, ":n": {"N": "1"}, ":l": {"L": []}, ":s": {"SS": ["a"]}}"#,
        )
    }

    fn update_prefixed(message: &str) -> String {
        format!("Invalid UpdateExpression: {message}")
    }

    #[test]
    fn each_update_clause_may_appear_once() {
        assert_eq!(
            update_err("SET a = :v SET b = :n"),
            update_prefixed("The \"SET\" section can only be used once in an update expression;")
        );
        assert_eq!(
            update_err("SET a = :v REMOVE b, c set d = :n"),
            update_prefixed("The \"SET\" section can only be used once in an update expression;")
        );
        assert_eq!(
            update_err("REMOVE a REMOVE b"),
            update_prefixed(
                "The \"REMOVE\" section can only be used once in an update expression;"
            )
        );
    }

    #[test]
    fn update_paths_must_not_overlap() {
        let overlap = |one: &str, two: &str| {
            update_prefixed(&format!(
                "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: {one}, path two: {two}"
            ))
        };
        assert_eq!(update_err("SET a = :v REMOVE a"), overlap("[a]", "[a]"));
        assert_eq!(update_err("SET a = :v, a.b = :n"), overlap("[a]", "[a, b]"));
        assert_eq!(
            update_err("SET a.b.c = :v, a.b = :n"),
            overlap("[a, b, c]", "[a, b]")
        );
        assert_eq!(
            update_err("SET a[1][1] = :v, a[1] = :n"),
            overlap("[a, [1], [1]]", "[a, [1]]")
        );
        assert_eq!(
            update_err("REMOVE x ADD a :n DELETE a :s"),
            overlap("[a]", "[a]")
        );
        let e = update_with(
            "SET #a1 = :v, #a2 = :n",
            r#"{":v": {"S": "x"}, ":n": {"N": "1"}}"#,
            &[("#a1", "a"), ("#a2", "a")],
        );
        assert_eq!(e.unwrap_err().message, overlap("[a]", "[a]"));
    }

    #[test]
    fn update_paths_must_not_conflict() {
        let conflict = |one: &str, two: &str| {
            update_prefixed(&format!(
                "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: {one}, path two: {two}"
            ))
        };
        assert_eq!(
            update_err("SET a.b = :v, a[1] = :n"),
            conflict("[a, b]", "[a, [1]]")
        );
        assert_eq!(
            update_err("SET a.b.c = :v, a.b[2] = :n"),
            conflict("[a, b, c]", "[a, b, [2]]")
        );
    }

    #[test]
    fn disjoint_update_paths_are_fine() {
        let ok = |t: &str| {
            update_with(t, r#"{":v": {"S": "x"}}"#, &[])
                .unwrap_or_else(|e| panic!("{t}: {}", e.message))
        };
        ok("SET a.b = :v, a.c = :v, b.x = :v REMOVE a.x, b.y");
        ok("SET a[1] = :v, a[2] = :v");
        ok("REMOVE a.b, a.c[2]");
    }

    #[test]
    fn update_functions_check_their_operands() {
        assert_eq!(
            update_err("SET a = list_append(:l)"),
            update_prefixed(
                "Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1"
            )
        );
        assert_eq!(
            update_err("SET a = list_append(:l, :v)"),
            update_prefixed(
                "Incorrect operand type for operator or function; operator or function: list_append, operand type: S"
            )
        );
        assert_eq!(
            update_err("SET a = if_not_exists(if_not_exists(a, :n), :n)"),
            update_prefixed(
                "Operator or function requires a document path; operator or function: if_not_exists"
            )
        );
        assert_eq!(
            update_err("SET a = if_not_exists(:n, :n)"),
            update_prefixed(
                "Operator or function requires a document path; operator or function: if_not_exists"
            )
        );
        assert_eq!(
            update_err("SET a = if_not_exists(:zz, :n)"),
            update_prefixed(
                "An expression attribute value used in expression is not defined; attribute value: :zz"
            )
        );
    }

    #[test]
    fn update_functions_nest_only_as_dynamodb_allows() {
        let misused = |f: &str| {
            update_prefixed(&format!(
                "The function is not allowed to be used this way in an expression; function: {f}"
            ))
        };
        assert_eq!(
            update_err("SET a = list_append(list_append(:l, :l), :l)"),
            misused("list_append")
        );
        assert_eq!(
            update_err("SET a = if_not_exists(b, if_not_exists(c, :n))"),
            misused("if_not_exists")
        );
        assert_eq!(update_err("SET a = contains(b, :v)"), misused("contains"));
        assert_eq!(update_err("SET a = size(b)"), misused("size"));
        assert_eq!(
            update_err("SET a = f(b, c, d)"),
            update_prefixed("Invalid function name; function: f")
        );
        assert_eq!(
            update_err("SET a = LIST_APPEND(:l, :l)"),
            update_prefixed("Invalid function name; function: LIST_APPEND")
        );
        assert!(
            update_with(
                "SET a = list_append(if_not_exists(a, :l), :l)",
                r#"{":l": {"L": []}}"#,
                &[]
            )
            .is_ok()
        );
        assert!(
            update_with(
                "SET b = if_not_exists(b, :n) + :n",
                r#"{":n": {"N": "1"}}"#,
                &[]
            )
            .is_ok()
        );
    }

    #[test]
    fn arithmetic_refuses_constants_that_are_not_numbers() {
        assert_eq!(
            update_err("SET b = :v + :n"),
            update_prefixed(
                "Incorrect operand type for operator or function; operator or function: +, operand type: S"
            )
        );
        assert_eq!(
            update_err("SET b = :n - :l"),
            update_prefixed(
                "Incorrect operand type for operator or function; operator or function: -, operand type: L"
            )
        );
        assert_eq!(
            update_err("SET b = list_append(:l, :l) + :n"),
            update_prefixed(
                "Incorrect operand type for operator or function; operator or function: +, operand type: L"
            )
        );
    }

    #[test]
    fn add_takes_numbers_and_sets_and_delete_takes_sets() {
        assert_eq!(
            update_err("ADD a :v"),
            update_prefixed(
                "Incorrect operand type for operator or function; operator: ADD, operand type: STRING"
            )
        );
        assert_eq!(
            update_err("ADD a :l"),
            update_prefixed(
                "Incorrect operand type for operator or function; operator: ADD, operand type: LIST"
            )
        );
        assert_eq!(
            update_err("DELETE a :n"),
            update_prefixed(
                "Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"
            )
        );
        assert!(
            update_with(
                "ADD a :n, b :s DELETE c :s",
                r#"{":n": {"N": "1"}, ":s": {"NS": ["1"]}}"#,
                &[]
            )
            .is_ok()
        );
    }

    #[test]
    fn update_paths_may_not_be_reserved_words() {
        assert_eq!(
            update_err("SET a = :v REMOVE Comment"),
            update_prefixed("Attribute name is a reserved keyword; reserved keyword: Comment")
        );
        assert_eq!(
            update_err("SET a = :v, set = :n"),
            update_prefixed("Attribute name is a reserved keyword; reserved keyword: set")
        );
    }
}
