//! Scenario: a global secondary index with a multi-attribute key (DynamoDB, November
//! 2025). Matches are indexed by tournament and region (the partition key, hashed
//! together) and by round, bracket and match number (the sort key, ordered left to right).
//! A Query names every partition attribute with `=` and sort attributes from the left,
//! with a range only on the last one it names.

mod common;

use common::Harness;
use dynoscope_engine::ErrorKind;
use serde_json::{Value, json};

fn matches_table() -> Harness {
    let mut h = Harness::new();
    h.ok(
        "CreateTable",
        json!({
            "TableName": "matches",
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": "id", "AttributeType": "S"},
                {"AttributeName": "tournament", "AttributeType": "S"},
                {"AttributeName": "region", "AttributeType": "S"},
                {"AttributeName": "round", "AttributeType": "S"},
                {"AttributeName": "bracket", "AttributeType": "S"},
                {"AttributeName": "number", "AttributeType": "N"}
            ],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "GlobalSecondaryIndexes": [{
                "IndexName": "by_bracket",
                "KeySchema": [
                    {"AttributeName": "tournament", "KeyType": "HASH"},
                    {"AttributeName": "region", "KeyType": "HASH"},
                    {"AttributeName": "round", "KeyType": "RANGE"},
                    {"AttributeName": "bracket", "KeyType": "RANGE"},
                    {"AttributeName": "number", "KeyType": "RANGE"}
                ],
                "Projection": {"ProjectionType": "ALL"}
            }]
        }),
    );
    let rows = [
        ("m1", "EU", "FINAL", "UPPER", "1"),
        ("m2", "NA", "SEMI", "UPPER", "10"),
        ("m3", "NA", "SEMI", "UPPER", "9"),
        ("m4", "NA", "SEMI", "LOWER", "2"),
        ("m5", "NA", "FINAL", "UPPER", "1"),
        ("m6", "NA", "QUARTER", "LOWER", "3"),
    ];
    for (id, region, round, bracket, number) in rows {
        h.put(
            "matches",
            json!({"id": {"S": id}, "tournament": {"S": "W24"}, "region": {"S": region},
                   "round": {"S": round}, "bracket": {"S": bracket}, "number": {"N": number}}),
        );
    }
    h
}

fn query(
    h: &mut Harness,
    condition: &str,
    values: Value,
) -> Result<Value, dynoscope_engine::DynamoError> {
    h.call(
        "Query",
        json!({
            "TableName": "matches",
            "IndexName": "by_bracket",
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names_in(condition),
            "ExpressionAttributeValues": values
        }),
    )
}

/// The placeholders `condition` uses: `#r` for region, `#n` for number.
fn names_in(condition: &str) -> Value {
    let mut names = json!({"#r": "region"});
    if condition.contains("#n") {
        names["#n"] = json!("number");
    }
    names
}

fn ids(page: &Value) -> Vec<&str> {
    page["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"]["S"].as_str().unwrap())
        .collect()
}

const BOTH: &str = "tournament = :t AND #r = :r";

fn both() -> Value {
    json!({":t": {"S": "W24"}, ":r": {"S": "NA"}})
}

fn with(mut values: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        values[k] = v.clone();
    }
    values
}

#[test]
fn describe_table_lists_every_key_attribute_in_order() {
    let mut h = matches_table();
    let table = h.ok("DescribeTable", json!({"TableName": "matches"}));
    let schema = &table["Table"]["GlobalSecondaryIndexes"][0]["KeySchema"];
    let kinds: Vec<(&str, &str)> = schema
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["AttributeName"].as_str().unwrap(),
                e["KeyType"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("tournament", "HASH"),
            ("region", "HASH"),
            ("round", "RANGE"),
            ("bracket", "RANGE"),
            ("number", "RANGE")
        ]
    );
}

#[test]
fn a_query_on_every_partition_attribute_returns_entries_in_sort_attribute_order() {
    let mut h = matches_table();
    let page = query(&mut h, BOTH, both()).unwrap();
    // FINAL < QUARTER < SEMI; then LOWER < UPPER; then numbers numerically (9 < 10).
    assert_eq!(ids(&page), ["m5", "m6", "m4", "m3", "m2"]);
}

#[test]
fn a_query_missing_a_partition_attribute_names_it() {
    let mut h = matches_table();
    let e = h.err(
        "Query",
        json!({"TableName": "matches", "IndexName": "by_bracket",
               "KeyConditionExpression": "tournament = :t",
               "ExpressionAttributeValues": {":t": {"S": "W24"}}}),
    );
    assert_eq!(e.kind, ErrorKind::ValidationException);
    assert_eq!(
        e.message,
        "Query condition missed key schema element: region"
    );
}

#[test]
fn a_range_on_a_partition_attribute_is_not_supported() {
    let mut h = matches_table();
    let e = query(&mut h, "tournament = :t AND #r > :r", both()).unwrap_err();
    assert_eq!(e.message, "Query key condition not supported");
}

#[test]
fn sort_attributes_narrow_from_the_left() {
    let mut h = matches_table();
    let condition = format!("{BOTH} AND round = :round AND bracket = :b");
    let values = with(
        both(),
        json!({":round": {"S": "SEMI"}, ":b": {"S": "UPPER"}}),
    );
    let page = query(&mut h, &condition, values).unwrap();
    assert_eq!(ids(&page), ["m3", "m2"]);
}

#[test]
fn a_range_on_the_last_sort_attribute_used_is_allowed() {
    let mut h = matches_table();
    let condition =
        format!("{BOTH} AND round = :round AND bracket = :b AND #n BETWEEN :lo AND :hi");
    let values = with(
        both(),
        json!({":round": {"S": "SEMI"}, ":b": {"S": "UPPER"}, ":lo": {"N": "5"}, ":hi": {"N": "9"}}),
    );
    let page = query(&mut h, &condition, values).unwrap();
    assert_eq!(ids(&page), ["m3"]);
}

#[test]
fn a_range_on_the_first_sort_attribute_alone_selects_by_it() {
    let mut h = matches_table();
    let condition = format!("{BOTH} AND begins_with(round, :p)");
    let page = query(&mut h, &condition, with(both(), json!({":p": {"S": "S"}}))).unwrap();
    assert_eq!(ids(&page), ["m4", "m3", "m2"]);
}

#[test]
fn a_skipped_sort_attribute_is_named() {
    let mut h = matches_table();
    let condition = format!("{BOTH} AND bracket = :b");
    let e = query(
        &mut h,
        &condition,
        with(both(), json!({":b": {"S": "UPPER"}})),
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "Query condition missed key schema element: round"
    );
}

#[test]
fn a_condition_after_a_range_is_not_supported() {
    let mut h = matches_table();
    let condition = format!("{BOTH} AND round > :round AND bracket = :b");
    let values = with(both(), json!({":round": {"S": "A"}, ":b": {"S": "UPPER"}}));
    let e = query(&mut h, &condition, values).unwrap_err();
    assert_eq!(e.message, "Query key condition not supported");
}

#[test]
fn a_sort_operand_of_the_wrong_type_is_refused() {
    let mut h = matches_table();
    let condition = format!("{BOTH} AND round = :round AND bracket = :b AND #n = :n");
    let values = with(
        both(),
        json!({":round": {"S": "SEMI"}, ":b": {"S": "UPPER"}, ":n": {"S": "9"}}),
    );
    let e = query(&mut h, &condition, values).unwrap_err();
    assert!(
        e.message
            .contains("Condition parameter type does not match schema type"),
        "{}",
        e.message
    );
}

#[test]
fn an_item_lacking_any_key_attribute_is_not_indexed() {
    let mut h = matches_table();
    h.put(
        "matches",
        json!({"id": {"S": "m9"}, "tournament": {"S": "W24"}, "region": {"S": "NA"},
               "round": {"S": "SEMI"}, "bracket": {"S": "UPPER"}}),
    );
    let page = query(&mut h, BOTH, both()).unwrap();
    assert!(!ids(&page).contains(&"m9"));
}

#[test]
fn pages_continue_from_the_last_evaluated_key() {
    let mut h = matches_table();
    let mut seen = Vec::new();
    let mut start: Option<Value> = None;
    loop {
        let mut request = json!({
            "TableName": "matches", "IndexName": "by_bracket", "Limit": 2,
            "KeyConditionExpression": BOTH,
            "ExpressionAttributeNames": {"#r": "region"},
            "ExpressionAttributeValues": both()
        });
        if let Some(key) = start.take() {
            request["ExclusiveStartKey"] = key;
        }
        let page = h.ok("Query", request);
        seen.extend(ids(&page).into_iter().map(str::to_owned));
        match page.get("LastEvaluatedKey") {
            Some(key) => {
                assert_eq!(
                    key.as_object().unwrap().len(),
                    6,
                    "table key and 5 index attributes"
                );
                start = Some(key.clone());
            }
            None => break,
        }
    }
    assert_eq!(seen, ["m5", "m6", "m4", "m3", "m2"]);
}

fn create_with_index_schema(h: &mut Harness, schema: Value) -> dynoscope_engine::DynamoError {
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    let definitions: Vec<Value> = std::iter::once("id")
        .chain(names)
        .map(|n| json!({"AttributeName": n, "AttributeType": "S"}))
        .collect();
    h.err(
        "CreateTable",
        json!({
            "TableName": "bad", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": definitions,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "GlobalSecondaryIndexes": [{"IndexName": "gsi1", "KeySchema": schema, "Projection": {"ProjectionType": "ALL"}}]
        }),
    )
}

fn elements(spec: &[(&str, &str)]) -> Value {
    spec.iter()
        .map(|(n, k)| json!({"AttributeName": n, "KeyType": k}))
        .collect()
}

#[test]
fn a_fifth_partition_attribute_is_refused() {
    let mut h = Harness::new();
    let schema = elements(&[
        ("a", "HASH"),
        ("b", "HASH"),
        ("c", "HASH"),
        ("d", "HASH"),
        ("e", "HASH"),
    ]);
    let e = create_with_index_schema(&mut h, schema);
    assert!(e.message.contains("at most 4 HASH"), "{}", e.message);
}

#[test]
fn a_partition_attribute_after_a_sort_attribute_is_refused() {
    let mut h = Harness::new();
    let schema = elements(&[("a", "HASH"), ("b", "RANGE"), ("c", "HASH")]);
    let e = create_with_index_schema(&mut h, schema);
    assert!(
        e.message.contains("must come before the RANGE"),
        "{}",
        e.message
    );
}

#[test]
fn an_attribute_twice_in_one_key_is_refused() {
    let mut h = Harness::new();
    let schema = elements(&[("a", "HASH"), ("b", "HASH"), ("a", "RANGE")]);
    let e = create_with_index_schema(&mut h, schema);
    assert!(
        e.message
            .contains("the attribute a appears in more than one"),
        "{}",
        e.message
    );
}

#[test]
fn more_than_eight_elements_break_the_length_constraint() {
    let mut h = Harness::new();
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    let spec: Vec<(&str, &str)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (*n, if i < 4 { "HASH" } else { "RANGE" }))
        .collect();
    let e = create_with_index_schema(&mut h, elements(&spec));
    assert!(
        e.message
            .contains("Member must have length less than or equal to 8"),
        "{}",
        e.message
    );
}

#[test]
fn a_local_index_keeps_its_two_element_schema() {
    let mut h = Harness::new();
    let e = h.err(
        "CreateTable",
        json!({
            "TableName": "bad", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": "id", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "a", "AttributeType": "S"}
            ],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "LocalSecondaryIndexes": [{"IndexName": "lsi1",
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": "a", "KeyType": "RANGE"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"}}]
        }),
    );
    assert!(
        e.message
            .contains("Member must have length less than or equal to 2"),
        "{}",
        e.message
    );
}

#[test]
fn update_table_adds_a_multi_attribute_index_that_backfills() {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.put(
        "t1x",
        json!({"pk": {"S": "a"}, "g": {"S": "x"}, "n": {"N": "2"}}),
    );
    h.put(
        "t1x",
        json!({"pk": {"S": "b"}, "g": {"S": "x"}, "n": {"N": "1"}}),
    );
    h.ok(
        "UpdateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [{"AttributeName": "g", "AttributeType": "S"}, {"AttributeName": "n", "AttributeType": "N"}],
            "GlobalSecondaryIndexUpdates": [{"Create": {
                "IndexName": "by_gn",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}
            }}]
        }),
    );
    h.engine.advance_clock_by(600_000);
    let page = h.ok(
        "Query",
        json!({"TableName": "t1x", "IndexName": "by_gn",
               "KeyConditionExpression": "g = :g AND n = :n",
               "ExpressionAttributeValues": {":g": {"S": "x"}, ":n": {"N": "1"}}}),
    );
    assert_eq!(
        page["Items"],
        json!([{"pk": {"S": "b"}, "g": {"S": "x"}, "n": {"N": "1"}}])
    );
}

#[test]
fn a_table_key_still_takes_at_most_two_conditions() {
    let mut h = Harness::new();
    h.table("t1x", Some("S"));
    let e = h.err(
        "Query",
        json!({"TableName": "t1x",
               "KeyConditionExpression": "pk = :a AND sk = :a AND extra = :a",
               "ExpressionAttributeValues": {":a": {"S": "x"}}}),
    );
    assert_eq!(e.message, "Conditions can be of length 1 or 2 only");
}
