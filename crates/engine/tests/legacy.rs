//! The pre-expression parameters through dispatch: Expected, AttributeUpdates,
//! KeyConditions, QueryFilter, ScanFilter, AttributesToGet.

mod common;

use common::Harness;
use dynoscope_engine::ErrorKind;
use serde_json::json;

fn filled() -> Harness {
    let mut h = Harness::new();
    h.table("t1x", Some("N"));
    for i in 1..=5 {
        h.put(
            "t1x",
            json!({"pk": {"S": "a"}, "sk": {"N": i.to_string()}, "v": {"N": (i * 10).to_string()}}),
        );
    }
    h
}

#[test]
fn expected_with_a_value_must_match() {
    let mut h = filled();
    let e = h.err(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}},
               "Expected": {"v": {"Value": {"N": "99"}}}}),
    );
    assert_eq!(e.kind, ErrorKind::ConditionalCheckFailedException);
    h.ok(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "Expected": {"v": {"Value": {"N": "10"}}}}),
    );
}

#[test]
fn expected_exists_false_requires_absence() {
    let mut h = filled();
    let e = h.err(
        "DeleteItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "a"}, "sk": {"N": "2"}}, "Expected": {"v": {"Exists": false}}}),
    );
    assert_eq!(e.kind, ErrorKind::ConditionalCheckFailedException);
}

#[test]
fn expected_comparison_operators_with_conditional_operator_or() {
    let mut h = filled();
    h.ok(
        "UpdateItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "a"}, "sk": {"N": "3"}},
               "Expected": {"v": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "100"}]},
                            "w": {"ComparisonOperator": "NULL"}},
               "ConditionalOperator": "OR",
               "AttributeUpdates": {"w": {"Action": "PUT", "Value": {"S": "set"}}}}),
    );
    assert_eq!(
        h.get("t1x", json!({"pk": {"S": "a"}, "sk": {"N": "3"}}))
            .unwrap()["w"],
        json!({"S": "set"})
    );
}

#[test]
fn attribute_updates_put_add_and_delete() {
    let mut h = filled();
    h.ok(
        "UpdateItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "a"}, "sk": {"N": "4"}},
               "AttributeUpdates": {"v": {"Action": "ADD", "Value": {"N": "5"}}, "tags": {"Action": "ADD", "Value": {"SS": ["x"]}}}}),
    );
    h.ok(
        "UpdateItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "a"}, "sk": {"N": "4"}}, "AttributeUpdates": {"v": {"Action": "DELETE"}}}),
    );
    assert_eq!(
        h.get("t1x", json!({"pk": {"S": "a"}, "sk": {"N": "4"}})),
        Some(json!({"pk": {"S": "a"}, "sk": {"N": "4"}, "tags": {"SS": ["x"]}}))
    );
}

#[test]
fn key_conditions_and_query_filter_select_items() {
    let mut h = filled();
    let page = h.ok(
        "Query",
        json!({"TableName": "t1x",
               "KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]},
                                 "sk": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "2"}]}},
               "QueryFilter": {"v": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "45"}]}},
               "AttributesToGet": ["sk"]}),
    );
    assert_eq!(page["ScannedCount"], 4);
    assert_eq!(
        page["Items"],
        json!([{"sk": {"N": "2"}}, {"sk": {"N": "3"}}, {"sk": {"N": "4"}}])
    );
}

#[test]
fn scan_filter_between() {
    let mut h = filled();
    let page = h.ok(
        "Scan",
        json!({"TableName": "t1x", "ScanFilter": {"v": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "20"}, {"N": "30"}]}}}),
    );
    assert_eq!(page["Count"], 2);
}

#[test]
fn an_unknown_comparison_operator_is_a_constraint_violation() {
    let mut h = filled();
    let e = h.err(
        "Scan",
        json!({"TableName": "t1x", "ScanFilter": {"v": {"ComparisonOperator": "LIKE", "AttributeValueList": [{"N": "1"}]}}}),
    );
    assert!(
        e.message.starts_with(
            "1 validation error detected: Value 'LIKE' at 'scanFilter.v.member.comparisonOperator'"
        ),
        "{}",
        e.message
    );
}

#[test]
fn batch_get_item_projects_with_attributes_to_get() {
    let mut h = filled();
    let r = h.ok(
        "BatchGetItem",
        json!({"RequestItems": {"t1x": {"Keys": [{"pk": {"S": "a"}, "sk": {"N": "1"}}], "AttributesToGet": ["v"]}}}),
    );
    assert_eq!(r["Responses"]["t1x"], json!([{"v": {"N": "10"}}]));
}
