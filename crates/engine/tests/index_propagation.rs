//! Scenario: global secondary indexes are updated asynchronously. A query on a GSI right
//! after a write can miss it; once the propagation delay has passed, it sees it. Local
//! indexes are updated with the table.

mod common;

use common::Harness;
use serde_json::{Value, json};

fn with_indexes() -> Harness {
    let mut h = Harness::new();
    h.ok(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "g", "AttributeType": "S"}, {"AttributeName": "r", "AttributeType": "N"}
            ],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}],
            "LocalSecondaryIndexes": [{"IndexName": "by_r", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "r", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "ALL"}}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    );
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "GsiPropagation": {"MinMillis": 500, "MaxMillis": 500}}),
    );
    h
}

fn gsi_count(h: &mut Harness) -> Value {
    h.ok(
        "Query",
        json!({"TableName": "t1x", "IndexName": "by_g", "KeyConditionExpression": "g = :g", "ExpressionAttributeValues": {":g": {"S": "x"}}}),
    )["Count"]
        .clone()
}

#[test]
fn a_gsi_query_right_after_a_write_misses_it_until_the_delay_passes() {
    let mut h = with_indexes();
    h.put(
        "t1x",
        json!({"pk": {"S": "a"}, "sk": {"N": "1"}, "g": {"S": "x"}}),
    );
    assert_eq!(gsi_count(&mut h), 0);
    h.engine.advance_clock_by(499);
    assert_eq!(gsi_count(&mut h), 0);
    h.engine.advance_clock_by(1);
    assert_eq!(gsi_count(&mut h), 1);
}

#[test]
fn index_changes_land_in_the_order_they_were_made() {
    let mut h = with_indexes();
    h.put(
        "t1x",
        json!({"pk": {"S": "a"}, "sk": {"N": "1"}, "g": {"S": "x"}}),
    );
    h.engine.advance_clock_by(100);
    h.ok(
        "DeleteItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}),
    );
    h.engine.advance_clock_by(450);
    assert_eq!(
        gsi_count(&mut h),
        1,
        "the put has landed, the delete not yet"
    );
    h.engine.advance_clock_by(100);
    assert_eq!(gsi_count(&mut h), 0);
}

#[test]
fn a_local_index_reflects_a_write_at_once() {
    let mut h = with_indexes();
    h.put(
        "t1x",
        json!({"pk": {"S": "a"}, "sk": {"N": "1"}, "r": {"N": "5"}}),
    );
    let page = h.ok(
        "Query",
        json!({"TableName": "t1x", "IndexName": "by_r", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}, "ConsistentRead": true}),
    );
    assert_eq!(page["Count"], 1);
}

#[test]
fn the_write_is_billed_to_the_gsi_when_it_is_made() {
    let mut h = with_indexes();
    let r = h.ok(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "g": {"S": "x"}}, "ReturnConsumedCapacity": "INDEXES"}),
    );
    assert_eq!(
        r["ConsumedCapacity"]["GlobalSecondaryIndexes"]["by_g"]["CapacityUnits"],
        1.0
    );
}
