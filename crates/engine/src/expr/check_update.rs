//! Semantic checking of UpdateExpressions: each clause at most once, SET values built only
//! from paths, `:values`, `if_not_exists` and `list_append` nested the ways DynamoDB allows,
//! constants of the right type for `+`, `-`, `list_append`, ADD and DELETE, and no two
//! actions on overlapping or conflicting paths. Shares the category bookkeeping of
//! the condition checker, and like it walks nested function calls with an explicit stack.

use crate::value::AttributeValue;

use super::ast::{SetAction, SetValue, Update, UpdateOperand};
use super::check::{Category, Checker, misused, needs_path, wrong_type};
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
                        self.record(Category::UpdateOperand, format!(
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
                        self.record(Category::UpdateOperand, format!(
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

    /// An operand of a SET value. Calls nest, so they are walked with an explicit stack:
    /// each call's arguments in order, depth first, then the call itself, as a recursive
    /// walk would; `within` is the function whose argument an operand is.
    fn update_operand(&mut self, node: &Node, within: Option<&str>) -> UpdateOperand {
        enum Step<'n> {
            Visit(&'n Node, Option<&'n str>),
            /// A call with this many arguments; `nested` when it may not stand where it
            /// is, so its result is a placeholder (which also keeps results shallow).
            Call {
                name: &'n str,
                count: usize,
                nested: bool,
            },
        }
        let mut steps = vec![Step::Visit(node, within)];
        let mut done: Vec<UpdateOperand> = Vec::new();
        while let Some(step) = steps.pop() {
            match step {
                Step::Visit(Node::Path(p), _) => done.push(UpdateOperand::Path(self.path(p))),
                Step::Visit(Node::Value(v), _) => done.push(UpdateOperand::Value(self.value(v))),
                Step::Visit(Node::Call { name, args }, within) => {
                    let name = name.as_str();
                    // if_not_exists(path, fallback) and list_append(a, b) say what their
                    // arguments are within; a call of anything else is refused after its
                    // arguments have been checked.
                    let nested = matches!(
                        (name, within),
                        ("list_append", Some(_)) | ("if_not_exists", Some("if_not_exists"))
                    );
                    if nested {
                        self.record(Category::MisusedFunction, misused(name));
                    }
                    steps.push(Step::Call {
                        name,
                        count: args.len(),
                        nested,
                    });
                    for (i, arg) in args.iter().enumerate().rev() {
                        let context = match name {
                            "if_not_exists" if i == 0 => None,
                            _ => Some(name),
                        };
                        steps.push(Step::Visit(arg, context));
                    }
                }
                Step::Visit(_, _) => {
                    self.record(
                        Category::Function,
                        "Syntax error; token: \"<EOF>\", near: \"\"",
                    );
                    done.push(dummy());
                }
                Step::Call {
                    name,
                    count,
                    nested,
                } => {
                    let operands = done.split_off(done.len().saturating_sub(count));
                    let operand = match name {
                        "if_not_exists" => self.if_not_exists(operands),
                        "list_append" => self.list_append(operands),
                        _ => {
                            self.unusable_function(name);
                            None
                        }
                    };
                    done.push(operand.filter(|_| !nested).unwrap_or_else(dummy));
                }
            }
        }
        done.pop().unwrap_or_else(dummy)
    }

    fn if_not_exists(&mut self, operands: Vec<UpdateOperand>) -> Option<UpdateOperand> {
        if !self.arity("if_not_exists", operands.len(), 2) {
            return None;
        }
        let mut operands = operands.into_iter();
        let Some(UpdateOperand::Path(path)) = operands.next() else {
            self.record(Category::Function, needs_path("if_not_exists"));
            return None;
        };
        let fallback = operands.next()?;
        Some(UpdateOperand::IfNotExists(path, Box::new(fallback)))
    }

    fn list_append(&mut self, operands: Vec<UpdateOperand>) -> Option<UpdateOperand> {
        if !self.arity("list_append", operands.len(), 2) {
            return None;
        }
        for o in &operands {
            if let Some(t) = update_static_type(o)
                && t != "L"
            {
                self.record(Category::Function, wrong_type("list_append", t));
            }
        }
        let mut operands = operands.into_iter();
        let (a, b) = (operands.next()?, operands.next()?);
        Some(UpdateOperand::ListAppend(Box::new(a), Box::new(b)))
    }
}

fn dummy() -> UpdateOperand {
    UpdateOperand::Value(AttributeValue::Null)
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
        // A clause keyword is no name at all: a syntax error, not a reserved word.
        assert_eq!(
            update_err("SET a = :v, set = :n"),
            update_prefixed("Syntax error; token: \"set\", near: \", set =\"")
        );
        assert_eq!(
            update_err("set a=set"),
            update_prefixed("Syntax error; token: \"set\", near: \"=set\"")
        );
    }

    #[test]
    fn a_reserved_word_or_unknown_function_is_reported_before_a_repeated_section() {
        let v = r#"{":c": {"S": "a"}}"#;
        let names_ = [("#c", "c")];
        assert_eq!(
            update_with(" set #c = :c set abOrt = true ", v, &names_)
                .unwrap_err()
                .message,
            update_prefixed("Attribute name is a reserved keyword; reserved keyword: abOrt")
        );
        assert_eq!(
            update_with("set #c = if_not_exist(:c) set c = d", v, &names_)
                .unwrap_err()
                .message,
            update_prefixed("Invalid function name; function: if_not_exist")
        );
        // The repeated section still comes before undefined placeholders.
        assert_eq!(
            update_err("set a = #c set c = :d"),
            update_prefixed("The \"SET\" section can only be used once in an update expression;")
        );
    }

    #[test]
    fn path_overlaps_then_conflicts_are_reported_before_operand_counts_and_types() {
        let names_ = [("#c", "c"), ("#d", "[3]")];
        let e = |t: &str| {
            update_with(t, r#"{":a": {"S": "a"}}"#, &names_)
                .unwrap_err()
                .message
        };
        // An overlap anywhere beats the conflict written first.
        assert_eq!(
            e("set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a) remove #d"),
            update_prefixed(
                "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [c, [1], a], path two: [c]"
            )
        );
        assert_eq!(
            e("set #c[3].#d = a, #c.#d[3] = if_not_exists(a) remove #d"),
            update_prefixed(
                "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [c, [3], [3]], path two: [c, [3], [3]]"
            )
        );
        // ADD's operand type comes before function operand counts and types.
        assert_eq!(
            e("set b = list_append(:a, a), c = if_not_exists(a) add a.b :a"),
            update_prefixed(
                "Incorrect operand type for operator or function; operator: ADD, operand type: STRING"
            )
        );
    }

    #[test]
    fn deeply_nested_set_values_get_their_real_error_not_a_stack_overflow() {
        let errors = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let nest = |open: &str, close: &str, n: usize| {
                    format!("SET a = {}b{}", open.repeat(n), close.repeat(n))
                };
                [
                    nest("list_append(", ", :l)", 200),
                    nest("if_not_exists(a, ", ")", 200),
                    nest("f(", ")", 1000),
                    nest("(", ")", 2000),
                ]
                .map(|text| update_with(&text, r#"{":l": {"L": []}}"#, &[]).map_err(|e| e.message))
            })
            .unwrap()
            .join()
            .unwrap();
        let misused = |f: &str| {
            update_prefixed(&format!(
                "The function is not allowed to be used this way in an expression; function: {f}"
            ))
        };
        assert_eq!(errors[0].clone().unwrap_err(), misused("list_append"));
        assert_eq!(errors[1].clone().unwrap_err(), misused("if_not_exists"));
        assert_eq!(
            errors[2].clone().unwrap_err(),
            update_prefixed("Invalid function name; function: f")
        );
        assert!(errors[3].is_ok());
    }
}
