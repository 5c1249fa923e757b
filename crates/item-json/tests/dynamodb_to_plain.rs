//! DynamoDB JSON to plain JSON, one rule per test.

use dynoscope_engine::Number;
use dynoscope_item_json::text::{Json, parse};
use dynoscope_item_json::{Binary, Choices, Numbers, Problem, Sets, to_plain};

fn sets() -> Choices {
    Choices {
        sets: Sets::Sets,
        ..Choices::default()
    }
}

fn strings() -> Choices {
    Choices {
        numbers: Numbers::Strings,
        ..Choices::default()
    }
}

/// The plain item and its notes.
fn convert(dynamodb: &str, choices: &Choices) -> (Json, Vec<String>) {
    let converted = to_plain(dynamodb, choices).expect("converts");
    (
        parse(&converted.text).expect("the output is JSON"),
        converted.notes,
    )
}

/// The plain item, which must come back the same.
fn exact(dynamodb: &str, choices: &Choices) -> Json {
    let (plain, notes) = convert(dynamodb, choices);
    assert_eq!(notes, Vec::<String>::new());
    plain
}

fn problem(dynamodb: &str) -> Problem {
    to_plain(dynamodb, &Choices::default()).expect_err("refused")
}

#[test]
fn s_bool_null_m_and_l_become_their_json_counterparts() {
    assert_eq!(
        exact(
            r#"{"s": {"S": "a"}, "b": {"BOOL": false}, "z": {"NULL": true}, "m": {"M": {"k": {"L": [{"S": "x"}, {"N": "1"}]}}}}"#,
            &Choices::default()
        ),
        parse(r#"{"s": "a", "b": false, "z": null, "m": {"k": ["x", 1]}}"#).unwrap()
    );
}

#[test]
fn a_number_a_double_holds_is_a_json_number_whatever_the_choice() {
    assert_eq!(
        exact(
            r#"{"a": {"N": "0.1"}, "b": {"N": "9007199254740992"}, "c": {"N": "1e-130"}}"#,
            &strings()
        ),
        parse(r#"{"a": 0.1, "b": 9007199254740992, "c": 1e-130}"#).unwrap()
    );
}

#[test]
fn a_number_a_double_cannot_hold_stays_a_json_number_with_every_digit_by_default() {
    let (plain, notes) = convert(
        r#"{"big": {"N": "12345678901234567890123456789012345678"}}"#,
        &Choices::default(),
    );
    assert_eq!(
        plain,
        parse(r#"{"big": 12345678901234567890123456789012345678}"#).unwrap()
    );
    assert!(notes.is_empty());
}

#[test]
fn a_number_a_double_cannot_hold_is_a_string_when_strings_are_chosen_and_noted() {
    let (plain, notes) = convert(
        r#"{"o": {"M": {"big": {"N": "9007199254740993"}}}}"#,
        &strings(),
    );
    assert_eq!(
        plain,
        parse(r#"{"o": {"big": "9007199254740993"}}"#).unwrap()
    );
    assert_eq!(
        notes,
        [
            "o.big: a number (N) comes back as a string (S) (a double cannot hold it exactly and strings were chosen for such numbers)."
        ]
    );
}

#[test]
fn number_text_json_cannot_write_is_normalised() {
    assert_eq!(
        exact(
            r#"{"a": {"N": ".5"}, "b": {"N": "+7"}, "c": {"N": "0042.10"}}"#,
            &Choices::default()
        ),
        parse(r#"{"a": 0.5, "b": 7, "c": 42.1}"#).unwrap()
    );
}

#[test]
fn number_text_json_can_write_is_kept_as_written() {
    let converted = to_plain(r#"{"a": {"N": "1.50e3"}}"#, &Choices::default()).unwrap();
    assert_eq!(converted.text, "{\n  \"a\": 1.50e3\n}");
}

#[test]
fn a_double_holds_exactly_what_reads_back_as_the_same_number() {
    let holds = |t: &str| dynoscope_item_json::double_holds(&Number::parse(t).unwrap(), t);
    assert!(holds("0.1"));
    assert!(holds("1e-130"));
    assert!(holds("-2.5"));
    assert!(holds("0"));
    assert!(!holds("9007199254740993"));
    assert!(!holds("12345678901234567890123456789012345678"));
    assert!(!holds("0.12345678901234567890123"));
}

#[test]
fn binary_is_written_as_a_binary_tag() {
    assert_eq!(
        exact(
            r#"{"b": {"B": "aGVsbG8="}, "bs": {"BS": ["AAE="]}}"#,
            &sets()
        ),
        parse(r#"{"b": {"$binary": "aGVsbG8="}, "bs": [{"$binary": "AAE="}]}"#).unwrap()
    );
}

#[test]
fn binary_with_binary_off_is_noted_as_coming_back_a_map() {
    let choices = Choices {
        binary: Binary::None,
        ..Choices::default()
    };
    let (_, notes) = convert(r#"{"b": {"B": "AAE="}}"#, &choices);
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].starts_with("b: binary (B) comes back as a map (M)"),
        "{notes:?}"
    );
}

#[test]
fn sets_become_arrays_and_come_back_when_sets_are_chosen() {
    assert_eq!(
        exact(
            r#"{"ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}}"#,
            &sets()
        ),
        parse(r#"{"ss": ["a", "b"], "ns": [1, 2]}"#).unwrap()
    );
}

#[test]
fn a_set_with_lists_chosen_is_noted_as_coming_back_a_list() {
    let (plain, notes) = convert(r#"{"tags": {"SS": ["a"]}}"#, &Choices::default());
    assert_eq!(plain, parse(r#"{"tags": ["a"]}"#).unwrap());
    assert_eq!(
        notes,
        [
            "tags: a string set (SS) comes back as a list (L) (choose sets for arrays to keep it a set)."
        ]
    );
}

#[test]
fn a_binary_set_with_binary_off_is_noted_as_coming_back_a_list() {
    let choices = Choices {
        sets: Sets::Sets,
        binary: Binary::None,
        ..Choices::default()
    };
    let (_, notes) = convert(r#"{"bs": {"BS": ["AAE="]}}"#, &choices);
    assert_eq!(
        notes,
        [
            "bs: a binary set (BS) comes back as a list (L) (choose sets for arrays and {\"$binary\"} as binary to keep it a binary set)."
        ]
    );
}

#[test]
fn a_list_of_strings_with_sets_chosen_is_noted_as_coming_back_a_set() {
    let (_, notes) = convert(
        r#"{"l": {"L": [{"L": [{"N": "1"}, {"N": "2"}]}]}}"#,
        &sets(),
    );
    assert_eq!(
        notes,
        [
            "l[0]: a list (L) comes back as a number set (NS) (choose lists for arrays to keep it a list)."
        ]
    );
}

#[test]
fn a_list_that_would_come_back_a_set_with_duplicates_is_noted_as_refused() {
    let (_, notes) = convert(r#"{"l": {"L": [{"S": "a"}, {"S": "a"}]}}"#, &sets());
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].starts_with("With these choices the plain JSON will not convert back as it is: l: \"a\" is in this string set (SS) twice"),
        "{notes:?}"
    );
}

#[test]
fn a_map_holding_only_a_binary_tag_is_noted_as_coming_back_binary() {
    let (_, notes) = convert(
        r#"{"m": {"M": {"$binary": {"S": "AAE="}}}}"#,
        &Choices::default(),
    );
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].starts_with("m: a map (M) comes back as binary (B)"),
        "{notes:?}"
    );
}

#[test]
fn notes_stop_at_ten_and_count_the_rest() {
    let members: Vec<String> = (0..15)
        .map(|i| format!(r#""s{i}": {{"SS": ["a"]}}"#))
        .collect();
    let (_, notes) = convert(&format!("{{{}}}", members.join(", ")), &Choices::default());
    assert_eq!(notes.len(), 11);
    assert_eq!(notes[10], "… and 5 more.");
}

#[test]
fn member_order_is_kept() {
    let converted = to_plain(r#"{"z": {"S": "1"}, "a": {"S": "2"}}"#, &Choices::default()).unwrap();
    assert_eq!(converted.text, "{\n  \"z\": \"1\",\n  \"a\": \"2\"\n}");
}

#[test]
fn a_value_that_is_not_an_attribute_value_is_refused_naming_its_path() {
    let p = problem(r#"{"m": {"M": {"k": "plain"}}}"#);
    assert_eq!(p.path, "m.k");
    assert!(
        p.message
            .starts_with("an attribute value in DynamoDB JSON is an object with one type")
    );
}

#[test]
fn an_unknown_type_is_refused_naming_it() {
    let p = problem(r#"{"l": {"L": [{"X": "1"}]}}"#);
    assert_eq!(p.path, "l[0]");
    assert!(
        p.message.starts_with("\"X\" is not a DynamoDB type"),
        "{}",
        p.message
    );
}

#[test]
fn a_number_held_as_a_json_number_is_refused() {
    let p = problem(r#"{"n": {"N": 5}}"#);
    assert_eq!(
        p.to_string(),
        "n: N holds its value as a JSON string, e.g. {\"N\": \"…\"}"
    );
}

#[test]
fn a_number_dynamodb_cannot_read_is_refused() {
    let p = problem(r#"{"ns": {"NS": ["1", "x"]}}"#);
    assert_eq!(p.path, "ns[1]");
    assert!(
        p.message.contains("cannot be converted into a number"),
        "{}",
        p.message
    );
}

#[test]
fn null_false_is_refused() {
    assert_eq!(
        problem(r#"{"z": {"NULL": false}}"#).to_string(),
        "z: NULL takes true: {\"NULL\": true}"
    );
}

#[test]
fn a_set_of_non_strings_is_refused() {
    assert_eq!(
        problem(r#"{"ss": {"SS": [1]}}"#).to_string(),
        "ss: SS holds an array of JSON strings"
    );
}

#[test]
fn binary_that_is_not_base64_is_refused() {
    assert_eq!(problem(r#"{"b": {"B": "@@"}}"#).path, "b");
}

#[test]
fn the_item_must_be_an_object() {
    assert!(problem("\"a\"").message.starts_with(
        "The item must be a JSON object of attributes, e.g. {\"pk\": {\"S\": \"a\"}}"
    ));
}
