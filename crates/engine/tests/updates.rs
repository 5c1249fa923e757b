//! UpdateItem, conditional writes and projections through dispatch.

mod common;

use common::Harness;
use dynoscope_engine::ErrorKind;
use serde_json::{Value, json};

fn table() -> Harness {
    let mut h = Harness::new();
    h.table("t1x", None);
    h
}

fn key() -> Value {
    json!({"pk": {"S": "k"}})
}

fn update(h: &mut Harness, expression: &str, values: Value, return_values: &str) -> Value {
    let mut request = json!({"TableName": "t1x", "Key": key(), "UpdateExpression": expression, "ReturnValues": return_values});
    if !values.is_null() {
        request["ExpressionAttributeValues"] = values;
    }
    h.ok("UpdateItem", request)
}

#[test]
fn update_item_creates_a_missing_item_from_its_key() {
    let mut h = table();
    let r = update(&mut h, "SET a = :v", json!({":v": {"N": "1"}}), "ALL_NEW");
    assert_eq!(r["Attributes"], json!({"pk": {"S": "k"}, "a": {"N": "1"}}));
}

#[test]
fn update_item_without_an_expression_creates_the_bare_key() {
    let mut h = table();
    h.ok("UpdateItem", json!({"TableName": "t1x", "Key": key()}));
    assert_eq!(h.get("t1x", key()), Some(key()));
}

#[test]
fn set_with_arithmetic_adds_to_the_current_value() {
    let mut h = table();
    h.put("t1x", json!({"pk": {"S": "k"}, "n": {"N": "10"}}));
    let r = update(
        &mut h,
        "SET n = n + :d",
        json!({":d": {"N": "2.5"}}),
        "UPDATED_NEW",
    );
    assert_eq!(r["Attributes"], json!({"n": {"N": "12.5"}}));
}

#[test]
fn updated_old_returns_only_the_touched_attributes_before_the_update() {
    let mut h = table();
    h.put(
        "t1x",
        json!({"pk": {"S": "k"}, "a": {"S": "x"}, "b": {"S": "y"}}),
    );
    let r = update(
        &mut h,
        "SET a = :v REMOVE b",
        json!({":v": {"S": "z"}}),
        "UPDATED_OLD",
    );
    assert_eq!(r["Attributes"], json!({"a": {"S": "x"}, "b": {"S": "y"}}));
    assert_eq!(
        h.get("t1x", key()),
        Some(json!({"pk": {"S": "k"}, "a": {"S": "z"}}))
    );
}

#[test]
fn key_attributes_cannot_be_updated() {
    let mut h = table();
    let e = h.err(
        "UpdateItem",
        json!({"TableName": "t1x", "Key": key(), "UpdateExpression": "SET pk = :v", "ExpressionAttributeValues": {":v": {"S": "x"}}}),
    );
    assert_eq!(
        e.message,
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"
    );
}

#[test]
fn add_to_a_set_creates_and_extends_it() {
    let mut h = table();
    update(&mut h, "ADD s :v", json!({":v": {"SS": ["a"]}}), "NONE");
    let r = update(&mut h, "ADD s :v", json!({":v": {"SS": ["b"]}}), "ALL_NEW");
    assert_eq!(r["Attributes"]["s"], json!({"SS": ["a", "b"]}));
}

#[test]
fn a_failed_condition_is_conditional_check_failed_and_writes_nothing() {
    let mut h = table();
    h.put("t1x", json!({"pk": {"S": "k"}, "v": {"N": "1"}}));
    let e = h.err(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "k"}, "v": {"N": "2"}}, "ConditionExpression": "attribute_not_exists(pk)"}),
    );
    assert_eq!(
        e.wire_type(),
        "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"
    );
    assert_eq!(e.message, "The conditional request failed");
    assert_eq!(h.get("t1x", key()).unwrap()["v"], json!({"N": "1"}));
}

#[test]
fn return_values_on_condition_check_failure_carries_the_item() {
    let mut h = table();
    h.put("t1x", json!({"pk": {"S": "k"}, "v": {"N": "1"}}));
    let e = h.err(
        "DeleteItem",
        json!({
            "TableName": "t1x", "Key": key(), "ConditionExpression": "v = :two",
            "ExpressionAttributeValues": {":two": {"N": "2"}},
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"
        }),
    );
    assert_eq!(e.kind, ErrorKind::ConditionalCheckFailedException);
    assert_eq!(
        e.to_json()["Item"],
        json!({"pk": {"S": "k"}, "v": {"N": "1"}})
    );
}

#[test]
fn a_condition_on_a_missing_item_sees_no_attributes() {
    let mut h = table();
    h.ok(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "k"}}, "ConditionExpression": "attribute_not_exists(pk)"}),
    );
    let e = h.err(
        "UpdateItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "other"}}, "ConditionExpression": "attribute_exists(pk)"}),
    );
    assert_eq!(e.kind, ErrorKind::ConditionalCheckFailedException);
    assert!(h.get("t1x", json!({"pk": {"S": "other"}})).is_none());
}

#[test]
fn unused_expression_attribute_values_are_rejected() {
    let mut h = table();
    let e = h.err(
        "PutItem",
        json!({"TableName": "t1x", "Item": key(), "ConditionExpression": "attribute_not_exists(pk)", "ExpressionAttributeValues": {":x": {"S": "1"}}}),
    );
    assert_eq!(
        e.message,
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}"
    );
}

#[test]
fn expression_attribute_values_need_an_expression() {
    let mut h = table();
    let e = h.err(
        "PutItem",
        json!({"TableName": "t1x", "Item": key(), "ExpressionAttributeValues": {":x": {"S": "1"}}}),
    );
    assert_eq!(
        e.message,
        "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"
    );
}

#[test]
fn expressions_and_legacy_parameters_do_not_mix() {
    let mut h = table();
    let e = h.err(
        "GetItem",
        json!({"TableName": "t1x", "Key": key(), "ProjectionExpression": "a", "AttributesToGet": ["a"]}),
    );
    assert_eq!(
        e.message,
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"
    );
}

#[test]
fn get_item_projects_nested_paths() {
    let mut h = table();
    h.put("t1x", json!({"pk": {"S": "k"}, "m": {"M": {"a": {"S": "1"}, "b": {"S": "2"}}}, "l": {"L": [{"S": "x"}, {"S": "y"}]}}));
    let r = h.ok("GetItem", json!({"TableName": "t1x", "Key": key(), "ProjectionExpression": "m.b, l[1], #p", "ExpressionAttributeNames": {"#p": "pk"}}));
    assert_eq!(
        r["Item"],
        json!({"pk": {"S": "k"}, "m": {"M": {"b": {"S": "2"}}}, "l": {"L": [{"S": "y"}]}})
    );
}

#[test]
fn attributes_to_get_projects_top_level_attributes() {
    let mut h = table();
    h.put(
        "t1x",
        json!({"pk": {"S": "k"}, "a": {"S": "1"}, "b": {"S": "2"}}),
    );
    let r = h.ok(
        "GetItem",
        json!({"TableName": "t1x", "Key": key(), "AttributesToGet": ["a"]}),
    );
    assert_eq!(r["Item"], json!({"a": {"S": "1"}}));
}

#[test]
fn an_update_that_grows_the_item_past_400_kb_is_rejected() {
    let mut h = table();
    h.put(
        "t1x",
        json!({"pk": {"S": "k"}, "a": {"S": "x".repeat(300_000)}}),
    );
    let e = h.err(
        "UpdateItem",
        json!({"TableName": "t1x", "Key": key(), "UpdateExpression": "SET b = :v", "ExpressionAttributeValues": {":v": {"S": "y".repeat(200_000)}}}),
    );
    assert_eq!(
        e.message,
        "Item size to update has exceeded the maximum allowed size"
    );
}

#[test]
fn update_item_costs_the_larger_of_before_and_after() {
    let mut h = table();
    h.put(
        "t1x",
        json!({"pk": {"S": "k"}, "a": {"S": "x".repeat(3000)}}),
    );
    let r = h.ok(
        "UpdateItem",
        json!({"TableName": "t1x", "Key": key(), "UpdateExpression": "REMOVE a", "ReturnConsumedCapacity": "TOTAL"}),
    );
    assert_eq!(r["ConsumedCapacity"]["CapacityUnits"], 3.0);
}
