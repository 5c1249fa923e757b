//! The JSON reader and writer: numbers keep their text, members their order, and what
//! cannot be read is refused with where it stops.

use dynoscope_item_json::text::{Json, is_json_number, parse, write};

#[test]
fn a_38_digit_number_keeps_every_digit() {
    let value = parse("12345678901234567890123456789012345678").unwrap();
    assert_eq!(
        value,
        Json::Number("12345678901234567890123456789012345678".into())
    );
}

#[test]
fn a_tiny_number_keeps_its_exponent_text() {
    assert_eq!(parse("1e-130").unwrap(), Json::Number("1e-130".into()));
}

#[test]
fn members_keep_their_written_order() {
    let value = parse(r#"{"z": 1, "a": 2, "m": 3}"#).unwrap();
    let Json::Object(members) = value else {
        panic!("an object")
    };
    let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["z", "a", "m"]);
}

#[test]
fn a_name_given_twice_in_one_object_is_refused_with_its_position() {
    let error = parse("{\n  \"a\": 1,\n  \"a\": 2\n}").unwrap_err();
    assert_eq!(
        error,
        "line 3, column 3: the name \"a\" appears twice in one object"
    );
}

#[test]
fn a_missing_comma_is_refused_with_line_and_column() {
    let error = parse("{\"a\": 1 \"b\": 2}").unwrap_err();
    assert_eq!(
        error,
        "line 1, column 9: expected ',' or '}' after a member"
    );
}

#[test]
fn single_quotes_are_refused_with_a_hint() {
    assert!(
        parse("{'a': 1}")
            .unwrap_err()
            .contains("expected a member name in double quotes")
    );
    assert!(parse("['a']").unwrap_err().contains("double quotes"));
}

#[test]
fn numbers_json_does_not_write_are_refused() {
    for text in ["01", "+1", ".5", "1.", "1e", "-", "NaN", "Infinity"] {
        assert!(parse(text).is_err(), "{text} should be refused");
        assert!(!is_json_number(text), "{text} is not JSON number syntax");
    }
    for text in ["0", "-0.5", "12e3", "1E+2", "1e-130"] {
        assert!(is_json_number(text), "{text} is JSON number syntax");
    }
}

#[test]
fn escapes_and_surrogate_pairs_are_read() {
    assert_eq!(
        parse(r#""a\"b\\c\nd\u00e9\ud83d\ude00""#).unwrap(),
        Json::String("a\"b\\c\ndé😀".into())
    );
    assert!(parse(r#""\ud83d""#).is_err());
}

#[test]
fn text_after_the_value_is_refused() {
    assert_eq!(
        parse("{} {}").unwrap_err(),
        "line 1, column 4: unexpected text after the JSON value"
    );
}

#[test]
fn empty_text_is_refused() {
    assert!(parse("  \n").unwrap_err().contains("empty"));
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let text = "[".repeat(100_000);
    assert!(parse(&text).unwrap_err().contains("nested too deeply"));
}

#[test]
fn short_nested_values_are_written_on_one_line_and_the_top_level_broken() {
    let value = parse(r#"{"pk": {"S": "a"}, "tags": {"SS": ["x", "y"]}, "e": {}}"#).unwrap();
    assert_eq!(
        write(&value),
        "{\n  \"pk\": {\"S\": \"a\"},\n  \"tags\": {\"SS\": [\"x\", \"y\"]},\n  \"e\": {}\n}"
    );
}

#[test]
fn long_nested_values_are_broken_over_lines() {
    let long = "x".repeat(80);
    let value = parse(&format!(r#"{{"a": ["{long}", 1]}}"#)).unwrap();
    assert_eq!(
        write(&value),
        format!("{{\n  \"a\": [\n    \"{long}\",\n    1\n  ]\n}}")
    );
}

#[test]
fn written_text_reads_back_the_same() {
    let text = r#"{"s": "q\"\\\n\t\u0001é", "n": -1.5e-7, "l": [null, true, false, [], {}], "m": {"k": [1, {"x": "y"}]}}"#;
    let value = parse(text).unwrap();
    assert_eq!(parse(&write(&value)).unwrap(), value);
    assert!(write(&value).contains(r#""q\"\\\n\t\u0001é""#));
}
