//! Sample data files: S3-export JSON lines out and in (checked by the engine), and CSV.

use dynoscope_engine::item_from_json;
use dynoscope_model::data::{export_csv, export_json_lines, import_json_lines};
use dynoscope_model::model::{ItemJson, TableSpec};
use serde_json::{Value, json};

fn item(value: Value) -> ItemJson {
    match value {
        Value::Object(map) => map,
        other => panic!("not an item: {other}"),
    }
}

fn spec() -> TableSpec {
    serde_json::from_value(json!({
        "TableName": "T",
        "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "SK", "AttributeType": "S"}]
    }))
    .unwrap()
}

/// The engine's own message for an item.
fn engine_message(item_text: &str) -> String {
    item_from_json(item_text)
        .expect_err("the engine refuses it")
        .message
}

#[test]
fn export_writes_one_item_object_per_line() {
    let items = [
        item(json!({"PK": {"S": "A"}, "n": {"N": "1"}})),
        item(json!({"PK": {"S": "B"}})),
    ];
    assert_eq!(
        export_json_lines(&items),
        "{\"Item\":{\"PK\":{\"S\":\"A\"},\"n\":{\"N\":\"1\"}}}\n{\"Item\":{\"PK\":{\"S\":\"B\"}}}\n"
    );
}

#[test]
fn exported_lines_import_as_the_same_items() {
    let items = vec![
        item(
            json!({"PK": {"S": "A"}, "SK": {"S": "1"}, "tags": {"SS": ["x", "y"]}, "m": {"M": {"b": {"B": "AQI="}}}}),
        ),
        item(
            json!({"PK": {"S": "B"}, "SK": {"S": "2"}, "l": {"L": [{"NULL": true}, {"BOOL": false}]}}),
        ),
    ];
    assert_eq!(
        import_json_lines(&export_json_lines(&items)).unwrap(),
        items
    );
}

#[test]
fn import_skips_blank_lines_and_accepts_crlf_and_a_byte_order_mark() {
    let text = "\u{feff}{\"Item\":{\"PK\":{\"S\":\"A\"}}}\r\n\r\n   \n{\"Item\":{\"PK\":{\"S\":\"B\"}}}\r\n";
    assert_eq!(import_json_lines(text).unwrap().len(), 2);
}

#[test]
fn import_names_the_line_that_is_not_json() {
    let e = import_json_lines("{\"Item\":{\"PK\":{\"S\":\"A\"}}}\n\n{\"Item\": {\n").unwrap_err();
    assert_eq!(e.location, "line 3");
    assert!(e.message.starts_with("not JSON"), "{e}");
}

#[test]
fn import_refuses_a_line_that_is_not_an_item_object() {
    let e = import_json_lines("{\"PK\":{\"S\":\"A\"}}").unwrap_err();
    assert_eq!(e.location, "line 1");
    assert!(e.message.contains("{\"Item\": {...}}"), "{e}");
}

#[test]
fn import_refuses_a_bad_number_with_the_engines_message() {
    let bad = r#"{"PK":{"S":"A"},"n":{"N":"12abc"}}"#;
    let e = import_json_lines(&format!("{{\"Item\":{bad}}}")).unwrap_err();
    assert_eq!(e.location, "line 1");
    assert_eq!(e.message, engine_message(bad));
}

#[test]
fn import_refuses_a_bad_type_with_the_engines_message() {
    let bad = r#"{"PK":{"STRING":"A"}}"#;
    let e = import_json_lines(&format!("{{\"Item\":{bad}}}")).unwrap_err();
    assert_eq!(e.message, engine_message(bad));
}

#[test]
fn import_refuses_a_set_with_duplicates_with_the_engines_message() {
    let bad = r#"{"PK":{"S":"A"},"s":{"SS":["x","x"]}}"#;
    let e = import_json_lines(&format!("{{\"Item\":{bad}}}")).unwrap_err();
    assert_eq!(e.message, engine_message(bad));
}

#[test]
fn import_normalises_numbers_as_dynamodb_does() {
    let items = import_json_lines(r#"{"Item":{"PK":{"S":"A"},"n":{"N":"0042.100"}}}"#).unwrap();
    assert_eq!(items[0]["n"], json!({"N": "42.1"}));
}

#[test]
fn import_refuses_an_item_over_400_kb() {
    let big = "x".repeat(400 * 1024);
    let e = import_json_lines(&format!("{{\"Item\":{{\"PK\":{{\"S\":\"{big}\"}}}}}}")).unwrap_err();
    assert_eq!(e.message, "Item size has exceeded the maximum allowed size");
}

#[test]
fn csv_puts_the_table_keys_first_then_the_other_attributes_sorted() {
    let items = [
        item(json!({"zeta": {"S": "z"}, "SK": {"S": "s"}, "PK": {"S": "p"}})),
        item(json!({"PK": {"S": "q"}, "SK": {"S": "t"}, "alpha": {"N": "1"}})),
    ];
    let csv = export_csv(&spec(), &items);
    assert_eq!(csv.lines().next(), Some("PK,SK,alpha,zeta"));
}

#[test]
fn csv_writes_scalars_as_text_and_other_values_as_dynamodb_json() {
    let items = [item(json!({
        "PK": {"S": "p"}, "SK": {"S": "s"}, "b": {"B": "AQI="}, "f": {"BOOL": true}, "n": {"N": "1.50"},
        "nul": {"NULL": true}, "ss": {"SS": ["a", "b"]}
    }))];
    let csv = export_csv(&spec(), &items);
    assert_eq!(
        csv,
        "PK,SK,b,f,n,nul,ss\r\np,s,AQI=,true,1.50,\"{\"\"NULL\"\":true}\",\"{\"\"SS\"\":[\"\"a\"\",\"\"b\"\"]}\"\r\n"
    );
}

#[test]
fn csv_quotes_fields_with_commas_quotes_or_line_breaks() {
    let items = [item(
        json!({"PK": {"S": "a,b"}, "SK": {"S": "say \"hi\""}, "t": {"S": "two\nlines"}}),
    )];
    let csv = export_csv(&spec(), &items);
    assert_eq!(
        csv,
        "PK,SK,t\r\n\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
    );
}

#[test]
fn csv_leaves_an_absent_attribute_empty() {
    let items = [
        item(json!({"PK": {"S": "p"}, "SK": {"S": "1"}, "a": {"S": "x"}})),
        item(json!({"PK": {"S": "p"}, "SK": {"S": "2"}})),
    ];
    assert_eq!(export_csv(&spec(), &items), "PK,SK,a\r\np,1,x\r\np,2,\r\n");
}
