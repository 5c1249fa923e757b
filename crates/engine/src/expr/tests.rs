//! Whole-API tests: the limits every expression kind shares, the flow of one request's
//! placeholders through several expressions, and robustness against arbitrary input.

use super::testutil::*;
use super::*;
use crate::number::Number;
use crate::value::{AttributeValue, Item};

const KINDS: [ExpressionKind; 5] = [
    ExpressionKind::Condition,
    ExpressionKind::Filter,
    ExpressionKind::KeyCondition,
    ExpressionKind::Update,
    ExpressionKind::Projection,
];

/// Parses `text` as `kind` with no placeholders, returning the error message if any.
fn parse_as(kind: ExpressionKind, text: &str, subs: &mut Substitutions) -> Result<(), String> {
    let result = match kind {
        ExpressionKind::Update => parse_update(text, subs).map(drop),
        ExpressionKind::Projection => parse_projection(text, subs).map(drop),
        _ => parse_condition(text, kind, subs).map(drop),
    };
    result.map_err(|e| e.message)
}

/// What the module's documentation used to show: one request's placeholders, one
/// condition parsed, the placeholders checked, the condition evaluated.
#[test]
fn one_request_parses_checks_and_evaluates_a_condition() -> Result<(), crate::DynamoError> {
    let values: Item = [(":min".to_string(), AttributeValue::N(Number::from_i64(3)))].into();
    let mut subs = Substitutions::new(None, Some(&values))?;
    let condition = parse_condition(
        "attribute_exists(a) AND a >= :min",
        ExpressionKind::Condition,
        &mut subs,
    )?;
    subs.finish()?;
    let item: Item = [("a".to_string(), AttributeValue::N(Number::from_i64(5)))].into();
    assert!(condition.evaluate(&item));
    Ok(())
}

#[test]
fn an_empty_expression_is_refused_for_every_kind() {
    for kind in KINDS {
        for text in ["", "   ", "\n\t"] {
            assert_eq!(
                parse_as(kind, text, &mut Substitutions::none()),
                Err(format!(
                    "Invalid {}: The expression can not be empty;",
                    kind.name()
                ))
            );
        }
    }
}

#[test]
fn an_expression_may_be_4096_bytes_but_not_4097() {
    let values = item(r#"{":v": {"S": "x"}}"#);
    let text = format!("{:<4096}", "a = :v");
    let mut subs = Substitutions::new(None, Some(&values)).unwrap();
    assert!(parse_condition(&text, ExpressionKind::Condition, &mut subs).is_ok());
    let text = format!("{:<4097}", "a = :v");
    assert_eq!(
        parse_condition(&text, ExpressionKind::Condition, &mut subs)
            .unwrap_err()
            .message,
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4097"
    );
    let text = format!("{:<5000}", "a");
    for kind in KINDS {
        assert_eq!(
            parse_as(kind, &text, &mut Substitutions::none()),
            Err(format!(
                "Invalid {}: Expression size has exceeded the maximum allowed size; expression size: 5000",
                kind.name()
            ))
        );
    }
}

/// `a<b or (a<b or (a<b ...))`: 2 × depth + 1 operators, nested `depth` deep.
fn nested_or(depth: usize) -> String {
    format!("a<b {}{}", "or (a<b ".repeat(depth), ")".repeat(depth))
}

#[test]
fn three_hundred_operators_are_allowed_nested_149_deep() {
    let text = nested_or(149);
    assert!(text.len() < MAX_EXPRESSION_BYTES);
    let condition =
        parse_condition(&text, ExpressionKind::Condition, &mut Substitutions::none()).unwrap();
    assert!(condition.evaluate(&item(r#"{"a": {"N": "1"}, "b": {"N": "2"}}"#)));
    assert!(!condition.evaluate(&item(r#"{"a": {"N": "3"}, "b": {"N": "2"}}"#)));
}

#[test]
fn the_301st_operator_is_refused() {
    assert_eq!(
        parse_condition(
            &nested_or(150),
            ExpressionKind::Condition,
            &mut Substitutions::none()
        )
        .unwrap_err()
        .message,
        "Invalid ConditionExpression: The expression contains too many operators; operator count: 301"
    );
    // DynamoDB stops counting at 301.
    let flat = vec!["a<b"; 500].join(" or ");
    assert!(flat.len() <= MAX_EXPRESSION_BYTES);
    assert!(
        parse_condition(&flat, ExpressionKind::Filter, &mut Substitutions::none())
            .unwrap_err()
            .message
            .ends_with("operator count: 301")
    );
    let values = item(r#"{":n": {"N": "1"}}"#);
    let actions: Vec<String> = (0..301).map(|i| format!("a{i}=:n+:n")).collect();
    let text = format!("SET {}", actions.join(","));
    let mut subs = Substitutions::new(None, Some(&values)).unwrap();
    assert_eq!(
        parse_update(&text, &mut subs).unwrap_err().message,
        "Invalid UpdateExpression: The expression contains too many operators; operator count: 301"
    );
}

#[test]
fn placeholders_are_shared_by_all_the_expressions_of_a_request() {
    let names_ = names(&[("#a", "a"), ("#b", "b"), ("#p", "p"), ("#x", "x")]);
    let values = item(r#"{":v": {"S": "x"}, ":w": {"S": "y"}}"#);
    let mut subs = Substitutions::new(Some(&names_), Some(&values)).unwrap();
    parse_condition("#a = :v", ExpressionKind::Condition, &mut subs).unwrap();
    parse_update("SET #b = #a", &mut subs).unwrap();
    parse_projection("#p", &mut subs).unwrap();
    assert_eq!(
        subs.finish().unwrap_err().message,
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}"
    );
    parse_condition("#x = :w", ExpressionKind::Filter, &mut subs).unwrap();
    assert!(subs.finish().is_ok());
}

#[test]
fn names_in_placeholders_may_hold_any_characters() {
    let silly = "3can include any character!.#=";
    let names_ = names(&[("#Alpha_Numeric_123", silly), ("#123", "x"), ("#_", "y")]);
    let values = item(r#"{":123": {"N": "1"}, ":_": {"N": "2"}}"#);
    let mut subs = Substitutions::new(Some(&names_), Some(&values)).unwrap();
    let update = parse_update(
        "SET #Alpha_Numeric_123 = :123, #123 = :_, #_ = :_",
        &mut subs,
    )
    .unwrap();
    let mut it = Item::new();
    update.apply(&mut it, false).unwrap();
    assert!(it.contains_key(silly));
    assert!(subs.finish().is_ok());
}

#[test]
fn keywords_and_clause_names_are_case_insensitive_but_functions_are_not() {
    let values = item(r#"{":v": {"N": "1"}, ":w": {"N": "2"}}"#);
    let mut subs = Substitutions::new(None, Some(&values)).unwrap();
    assert!(
        parse_condition(
            "a between :v AnD :w oR NoT b iN (:v)",
            ExpressionKind::Condition,
            &mut subs
        )
        .is_ok()
    );
    assert!(parse_update("sEt a = :v rEmOvE b", &mut subs).is_ok());
    assert!(parse_condition("ATTRIBUTE_EXISTS(a)", ExpressionKind::Condition, &mut subs).is_err());
}

// ----- robustness ------------------------------------------------------------------------

/// xorshift64*: a small deterministic generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

const FRAGMENTS: [&str; 56] = [
    "a",
    "b",
    "pk",
    "#n",
    "#m",
    "#zz",
    ":v",
    ":n",
    ":l",
    ":s",
    ":zz",
    "(",
    ")",
    "((",
    "))",
    "[",
    "]",
    "0",
    "12",
    "99999999999999999999999",
    ",",
    ".",
    "=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    " AND ",
    " OR ",
    " NOT ",
    " BETWEEN ",
    " IN ",
    "SET ",
    " REMOVE ",
    " ADD ",
    " DELETE ",
    "size",
    "contains",
    "begins_with",
    "attribute_exists",
    "attribute_type",
    "if_not_exists",
    "list_append",
    "f",
    " ",
    "é",
    "!",
    "_",
    "#",
    ":",
    "COUNT",
    "\t",
    "\u{1F600}",
];

const SEEDS: [&str; 10] = [
    "a = :v AND (b < :n OR NOT attribute_exists(#n.c[0]))",
    "size(a) BETWEEN :n AND :n OR contains(#m, :v)",
    "begins_with(pk, :v) AND a IN (:v, :n, b)",
    "attribute_type(a, :v) OR a <> b",
    "SET a = :n + b, #n[2].c = list_append(if_not_exists(l, :l), :l) REMOVE x[1] ADD s :s DELETE t :s",
    "SET a = if_not_exists(a, :n) - :n",
    "REMOVE a.b[3], c",
    "a, b.c[1], #n",
    "pk = :v AND sk BETWEEN :v AND :v",
    "((a = :v)) OR (b) = :n",
];

/// A random string: fragments, or a mutation of a known-good expression.
fn garble(rng: &mut Rng) -> String {
    if rng.below(2) == 0 {
        return (0..rng.below(30)).map(|_| rng.pick(&FRAGMENTS)).collect();
    }
    let mut chars: Vec<char> = rng.pick(&SEEDS).chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(3) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 => chars.insert(at, rng.pick(&FRAGMENTS).chars().next().unwrap_or(' ')),
            _ => chars.insert(
                at,
                ['(', ')', ',', '.', '[', ']', ':', '#', '1'][rng.below(9)],
            ),
        }
    }
    chars.into_iter().collect()
}

#[test]
fn arbitrary_input_is_answered_with_ok_or_a_validation_error_never_a_panic() {
    let names_ = names(&[("#n", "a"), ("#m", "b")]);
    let values = item(
        r#"{":v": {"S": "x"}, ":n": {"N": "1"}, ":l": {"L": [{"N": "1"}]}, ":s": {"SS": ["a"]}}"#,
    );
    let sample = item(
        r#"{"pk": {"S": "x"}, "a": {"M": {"c": {"L": [{"N": "1"}]}}}, "b": {"N": "2"}, "l": {"L": []},
            "s": {"SS": ["q"]}, "t": {"SS": ["a", "b"]}, "x": {"L": [{"S": "0"}, {"S": "1"}]}}"#,
    );
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut accepted = 0;
    for _ in 0..4000 {
        let text = garble(&mut rng);
        let mut subs = Substitutions::new(Some(&names_), Some(&values)).unwrap();
        for kind in [ExpressionKind::Condition, ExpressionKind::KeyCondition] {
            if let Ok(condition) = parse_condition(&text, kind, &mut subs) {
                accepted += 1;
                condition.evaluate(&sample);
                condition.evaluate(&Item::new());
                let _ = key_conditions(&condition);
            }
        }
        if let Ok(update) = parse_update(&text, &mut subs) {
            accepted += 1;
            let _ = update.apply(&mut sample.clone(), true);
            let _ = update.apply(&mut Item::new(), false);
        }
        if let Ok(paths) = parse_projection(&text, &mut subs) {
            accepted += 1;
            project(&sample, &paths);
        }
        let _ = subs.finish();
    }
    assert!(
        accepted > 50,
        "the generator should also produce valid expressions ({accepted})"
    );
}

#[test]
fn every_error_message_names_the_expression_kind() {
    let mut rng = Rng(7);
    for _ in 0..500 {
        let text = garble(&mut rng);
        for kind in KINDS {
            if let Err(message) = parse_as(kind, &text, &mut Substitutions::none()) {
                assert!(
                    message.starts_with(&format!("Invalid {}: ", kind.name())),
                    "{kind:?} {text:?}: {message}"
                );
            }
        }
    }
}
