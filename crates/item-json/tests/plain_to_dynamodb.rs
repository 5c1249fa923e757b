//! Plain JSON to DynamoDB JSON, one rule per test.

use dynoscope_item_json::text::{Json, parse};
use dynoscope_item_json::{Binary, Choices, Problem, Sets, to_dynamodb};

fn sets() -> Choices {
    Choices {
        sets: Sets::Sets,
        ..Choices::default()
    }
}

/// The converted item as a JSON value, for comparing whole items.
fn convert(plain: &str, choices: &Choices) -> Json {
    let converted = to_dynamodb(plain, choices).expect("converts");
    assert!(converted.notes.is_empty());
    parse(&converted.text).expect("the output is JSON")
}

fn problem(plain: &str, choices: &Choices) -> Problem {
    to_dynamodb(plain, choices).expect_err("refused")
}

#[test]
fn scalars_become_s_bool_and_null() {
    assert_eq!(
        convert(
            r#"{"s": "a", "t": true, "f": false, "z": null}"#,
            &Choices::default()
        ),
        parse(
            r#"{"s": {"S": "a"}, "t": {"BOOL": true}, "f": {"BOOL": false}, "z": {"NULL": true}}"#
        )
        .unwrap()
    );
}

#[test]
fn numbers_become_n_with_their_text_as_written() {
    assert_eq!(
        convert(
            r#"{"big": 12345678901234567890123456789012345678, "tiny": 1e-130, "f": -0.50}"#,
            &Choices::default()
        ),
        parse(r#"{"big": {"N": "12345678901234567890123456789012345678"}, "tiny": {"N": "1e-130"}, "f": {"N": "-0.50"}}"#).unwrap()
    );
}

#[test]
fn a_number_with_more_than_38_significant_digits_is_refused_naming_its_path() {
    let p = problem(
        r#"{"orders": [{}, {}, {"price": 123456789012345678901234567890123456789}]}"#,
        &Choices::default(),
    );
    assert_eq!(p.path, "orders[2].price");
    assert!(
        p.message.contains("more than 38 significant digits"),
        "{}",
        p.message
    );
}

#[test]
fn a_number_beyond_dynamodb_range_is_refused() {
    assert!(
        problem(r#"{"n": 1e126}"#, &Choices::default())
            .message
            .contains("overflow")
    );
    assert!(
        problem(r#"{"n": 1e-131}"#, &Choices::default())
            .message
            .contains("underflow")
    );
}

#[test]
fn objects_become_maps_keeping_member_order() {
    let converted =
        to_dynamodb(r#"{"m": {"z": 1, "a": {"b": "c"}}}"#, &Choices::default()).unwrap();
    assert_eq!(
        converted.text,
        "{\n  \"m\": {\"M\": {\"z\": {\"N\": \"1\"}, \"a\": {\"M\": {\"b\": {\"S\": \"c\"}}}}}\n}"
    );
}

#[test]
fn arrays_are_lists_by_default() {
    assert_eq!(
        convert(r#"{"l": ["a", "b"]}"#, &Choices::default()),
        parse(r#"{"l": {"L": [{"S": "a"}, {"S": "b"}]}}"#).unwrap()
    );
}

#[test]
fn with_sets_an_array_of_strings_is_a_string_set() {
    assert_eq!(
        convert(r#"{"tags": ["a", "b"]}"#, &sets()),
        parse(r#"{"tags": {"SS": ["a", "b"]}}"#).unwrap()
    );
}

#[test]
fn with_sets_an_array_of_numbers_is_a_number_set_with_their_text() {
    assert_eq!(
        convert(r#"{"ns": [1, 2.50, 1e3]}"#, &sets()),
        parse(r#"{"ns": {"NS": ["1", "2.50", "1e3"]}}"#).unwrap()
    );
}

#[test]
fn with_sets_an_array_of_binaries_is_a_binary_set() {
    assert_eq!(
        convert(
            r#"{"bs": [{"$binary": "AAE="}, {"$binary": "AgM="}]}"#,
            &sets()
        ),
        parse(r#"{"bs": {"BS": ["AAE=", "AgM="]}}"#).unwrap()
    );
}

#[test]
fn an_empty_array_is_always_a_list() {
    assert_eq!(
        convert(r#"{"e": []}"#, &sets()),
        parse(r#"{"e": {"L": []}}"#).unwrap()
    );
}

#[test]
fn a_mixed_array_is_a_list_even_with_sets() {
    assert_eq!(
        convert(r#"{"l": ["a", 1]}"#, &sets()),
        parse(r#"{"l": {"L": [{"S": "a"}, {"N": "1"}]}}"#).unwrap()
    );
}

#[test]
fn a_duplicate_string_in_a_set_is_refused_naming_the_attribute() {
    let p = problem(r#"{"profile": {"tags": ["a", "b", "a"]}}"#, &sets());
    assert_eq!(p.path, "profile.tags");
    assert_eq!(
        p.message,
        "\"a\" is in this string set (SS) twice ([0] and [2]); DynamoDB refuses duplicate set members. Remove one, or choose lists for arrays"
    );
}

#[test]
fn numbers_equal_in_value_are_duplicates_in_a_number_set() {
    let p = problem(r#"{"ns": [1, 1.0]}"#, &sets());
    assert_eq!(p.path, "ns");
    assert!(
        p.message
            .starts_with("1 is in this number set (NS) twice ([0] and [1])"),
        "{}",
        p.message
    );
}

#[test]
fn binaries_with_the_same_bytes_are_duplicates_in_a_binary_set() {
    let p = problem(
        r#"{"bs": [{"$binary": "AAE="}, {"$binary": "AAE="}]}"#,
        &sets(),
    );
    assert!(p.message.contains("binary set (BS) twice"), "{}", p.message);
}

#[test]
fn duplicates_are_fine_in_a_list() {
    assert_eq!(
        convert(r#"{"l": ["a", "a"]}"#, &Choices::default()),
        parse(r#"{"l": {"L": [{"S": "a"}, {"S": "a"}]}}"#).unwrap()
    );
}

#[test]
fn a_binary_tag_is_b_when_binary_is_on() {
    assert_eq!(
        convert(r#"{"b": {"$binary": "aGVsbG8="}}"#, &Choices::default()),
        parse(r#"{"b": {"B": "aGVsbG8="}}"#).unwrap()
    );
}

#[test]
fn a_binary_tag_is_a_map_when_binary_is_off() {
    let choices = Choices {
        binary: Binary::None,
        ..Choices::default()
    };
    assert_eq!(
        convert(r#"{"b": {"$binary": "aGVsbG8="}}"#, &choices),
        parse(r#"{"b": {"M": {"$binary": {"S": "aGVsbG8="}}}}"#).unwrap()
    );
}

#[test]
fn a_binary_tag_that_is_not_base64_is_refused() {
    let p = problem(
        r#"{"photo": {"$binary": "not base64!"}}"#,
        &Choices::default(),
    );
    assert_eq!(p.path, "photo");
    assert!(p.message.contains("is not base64"), "{}", p.message);
}

#[test]
fn a_binary_tag_with_other_members_is_refused() {
    let p = problem(
        r#"{"photo": {"$binary": "AAE=", "x": 1}}"#,
        &Choices::default(),
    );
    assert!(p.message.contains("must be exactly"), "{}", p.message);
}

#[test]
fn strings_are_never_binary() {
    assert_eq!(
        convert(r#"{"s": "base64:AAE="}"#, &Choices::default()),
        parse(r#"{"s": {"S": "base64:AAE="}}"#).unwrap()
    );
}

#[test]
fn the_item_must_be_an_object() {
    let p = problem("[1]", &Choices::default());
    assert_eq!(p.path, "");
    assert!(
        p.message
            .starts_with("The item must be a JSON object of attributes")
    );
}

#[test]
fn text_that_is_not_json_says_where() {
    let p = problem("{\"a\": }", &Choices::default());
    assert_eq!(
        p.to_string(),
        "The item is not valid JSON: line 1, column 7: expected a JSON value"
    );
}

#[test]
fn paths_name_list_elements_and_map_members() {
    let p = problem(r#"{"a": [{"b": [1, 1e200]}]}"#, &Choices::default());
    assert_eq!(p.path, "a[0].b[1]");
}
