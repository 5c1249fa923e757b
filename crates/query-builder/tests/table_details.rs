//! A table's details written from what a real engine describes.

use dynoscope_engine::{Engine, EngineConfig};
use dynoscope_query_builder::table_details::details_html;
use serde_json::{Value, json};

fn call(engine: &mut Engine, operation: &str, request: Value) -> Value {
    serde_json::from_slice(
        &engine
            .dispatch(operation, request.to_string().as_bytes())
            .unwrap(),
    )
    .unwrap()
}

fn described() -> (Value, Value) {
    let mut engine = Engine::new(EngineConfig::default());
    call(
        &mut engine,
        "CreateTable",
        json!({
            "TableName": "orders",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "status", "AttributeType": "S"}, {"AttributeName": "placed", "AttributeType": "S"}
            ],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [{"IndexName": "byStatus", "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]},
                "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 2}}],
            "LocalSecondaryIndexes": [{"IndexName": "byPlaced", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "placed", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}}],
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 4},
            "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"}
        }),
    );
    call(
        &mut engine,
        "UpdateTimeToLive",
        json!({"TableName": "orders", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "expires"}}),
    );
    call(
        &mut engine,
        "PutItem",
        json!({"TableName": "orders", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "status": {"S": "OPEN"}}}),
    );
    (
        call(&mut engine, "DescribeTable", json!({"TableName": "orders"})),
        call(
            &mut engine,
            "DescribeTimeToLive",
            json!({"TableName": "orders"}),
        ),
    )
}

#[test]
fn keys_and_capacity_are_told_in_words() {
    let (table, ttl) = described();
    let html = details_html(&table, &ttl);
    assert!(
        html.contains("pk (S, partition key) · sk (N, sort key)"),
        "{html}"
    );
    assert!(html.contains("provisioned: 5 RCU, 4 WCU"), "{html}");
    assert!(html.contains("<dt>Items</dt><dd>1 ("), "{html}");
}

#[test]
fn each_index_is_a_row_with_its_projection_and_throughput() {
    let (table, ttl) = described();
    let html = details_html(&table, &ttl);
    assert_eq!(html.matches("data-testid=\"details-index\"").count(), 2);
    assert!(html.contains("<td>INCLUDE + total</td>"), "{html}");
    assert!(
        html.contains("<td>provisioned: 3 RCU, 2 WCU</td>"),
        "{html}"
    );
    assert!(
        html.contains("<td>KEYS_ONLY</td><td>ACTIVE (with the table)</td><td>the table&#39;s</td>"),
        "{html}"
    );
}

#[test]
fn stream_and_ttl_are_shown() {
    let (table, ttl) = described();
    let html = details_html(&table, &ttl);
    assert!(html.contains("enabled, NEW_IMAGE (label "), "{html}");
    assert!(html.contains("ENABLED on attribute expires"), "{html}");
}
