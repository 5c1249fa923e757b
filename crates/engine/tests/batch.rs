//! BatchGetItem and BatchWriteItem through dispatch.

mod common;

use common::Harness;
use dynoscope_engine::ErrorKind;
use serde_json::{Value, json};

fn two_tables() -> Harness {
    let mut h = Harness::new();
    h.table("aaa", None);
    h.table("bbb", Some("N"));
    h
}

fn put_request(pk: &str) -> Value {
    json!({"PutRequest": {"Item": {"pk": {"S": pk}, "v": {"S": "x"}}}})
}

#[test]
fn batch_write_puts_and_deletes_across_tables() {
    let mut h = two_tables();
    h.put("bbb", json!({"pk": {"S": "old"}, "sk": {"N": "1"}}));
    let response = h.ok(
        "BatchWriteItem",
        json!({"RequestItems": {
            "aaa": [put_request("a1"), put_request("a2")],
            "bbb": [{"DeleteRequest": {"Key": {"pk": {"S": "old"}, "sk": {"N": "1"}}}}]
        }}),
    );
    assert_eq!(response, json!({"UnprocessedItems": {}}));
    assert!(h.get("aaa", json!({"pk": {"S": "a2"}})).is_some());
    assert!(
        h.get("bbb", json!({"pk": {"S": "old"}, "sk": {"N": "1"}}))
            .is_none()
    );
}

#[test]
fn batch_write_reports_capacity_per_table_rounded_per_item() {
    let mut h = two_tables();
    let response = h.ok(
        "BatchWriteItem",
        json!({
            "RequestItems": {"aaa": [
                {"PutRequest": {"Item": {"pk": {"S": "a"}, "v": {"S": "x".repeat(500)}}}},
                {"PutRequest": {"Item": {"pk": {"S": "b"}, "v": {"S": "x".repeat(3500)}}}}
            ]},
            "ReturnConsumedCapacity": "TOTAL"
        }),
    );
    // 500 B -> 1 unit, 3.5 KB -> 4 units: the Developer Guide's example totals 5.
    assert_eq!(
        response["ConsumedCapacity"],
        json!([{"TableName": "aaa", "CapacityUnits": 5.0}])
    );
}

#[test]
fn batch_write_allows_at_most_25_requests() {
    let mut h = two_tables();
    let writes: Vec<Value> = (0..26).map(|i| put_request(&format!("k{i}"))).collect();
    let e = h.err("BatchWriteItem", json!({"RequestItems": {"aaa": writes}}));
    assert!(
        e.message
            .contains("Member must have length less than or equal to 25"),
        "{}",
        e.message
    );
}

#[test]
fn batch_write_rejects_two_writes_to_one_key_and_writes_nothing() {
    let mut h = two_tables();
    let e = h.err(
        "BatchWriteItem",
        json!({"RequestItems": {"aaa": [put_request("k"), put_request("k")]}}),
    );
    assert_eq!(e.message, "Provided list of item keys contains duplicates");
    assert!(h.get("aaa", json!({"pk": {"S": "k"}})).is_none());
}

#[test]
fn batch_write_validates_the_whole_batch_before_writing() {
    let mut h = two_tables();
    let e = h.err(
        "BatchWriteItem",
        json!({"RequestItems": {"aaa": [put_request("fine"), {"PutRequest": {"Item": {"nokey": {"S": "x"}}}}]}}),
    );
    assert_eq!(e.kind, ErrorKind::ValidationException);
    assert!(h.get("aaa", json!({"pk": {"S": "fine"}})).is_none());
}

#[test]
fn batch_write_to_a_missing_table_is_resource_not_found() {
    let mut h = two_tables();
    let e = h.err(
        "BatchWriteItem",
        json!({"RequestItems": {"nope": [put_request("k")]}}),
    );
    assert_eq!(e.kind, ErrorKind::ResourceNotFoundException);
}

#[test]
fn batch_get_returns_found_items_per_table() {
    let mut h = two_tables();
    h.put("aaa", json!({"pk": {"S": "a1"}}));
    h.put("bbb", json!({"pk": {"S": "b1"}, "sk": {"N": "2"}}));
    let response = h.ok(
        "BatchGetItem",
        json!({"RequestItems": {
            "aaa": {"Keys": [{"pk": {"S": "a1"}}, {"pk": {"S": "missing"}}]},
            "bbb": {"Keys": [{"pk": {"S": "b1"}, "sk": {"N": "2"}}], "ConsistentRead": true}
        }, "ReturnConsumedCapacity": "TOTAL"}),
    );
    assert_eq!(response["Responses"]["aaa"], json!([{"pk": {"S": "a1"}}]));
    assert_eq!(
        response["Responses"]["bbb"],
        json!([{"pk": {"S": "b1"}, "sk": {"N": "2"}}])
    );
    assert_eq!(response["UnprocessedKeys"], json!({}));
    assert_eq!(
        response["ConsumedCapacity"],
        json!([{"TableName": "aaa", "CapacityUnits": 1.0}, {"TableName": "bbb", "CapacityUnits": 1.0}])
    );
}

#[test]
fn batch_get_allows_at_most_100_keys() {
    let mut h = two_tables();
    let keys: Vec<Value> = (0..101)
        .map(|i| json!({"pk": {"S": format!("k{i}")}}))
        .collect();
    let e = h.err(
        "BatchGetItem",
        json!({"RequestItems": {"aaa": {"Keys": keys}}}),
    );
    assert_eq!(
        e.message,
        "Too many items requested for the BatchGetItem call"
    );
}

#[test]
fn batch_get_rejects_duplicate_keys() {
    let mut h = two_tables();
    let e = h.err(
        "BatchGetItem",
        json!({"RequestItems": {"aaa": {"Keys": [{"pk": {"S": "k"}}, {"pk": {"S": "k"}}]}}}),
    );
    assert_eq!(e.message, "Provided list of item keys contains duplicates");
}

#[test]
fn batch_requests_need_at_least_one_table() {
    let mut h = two_tables();
    let e = h.err("BatchGetItem", json!({"RequestItems": {}}));
    assert!(
        e.message
            .ends_with("Member must have length greater than or equal to 1")
    );
}
