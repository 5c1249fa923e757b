//! Scenario: time to live. Expired items stay readable until the sweeper deletes them, after
//! the simulation's delay; the delete reaches indexes and the stream, marked as the
//! service's, and costs nothing.

mod common;

use common::Harness;
use dynoscope_engine::{Engine, EngineConfig};
use serde_json::json;

const START: u64 = 1_800_000_000_000;

fn with_ttl() -> Harness {
    let mut h = Harness {
        engine: Engine::new(EngineConfig {
            start_millis: START,
            record_changes: true,
            ..Default::default()
        }),
    };
    h.ok(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        }),
    );
    h.ok("UpdateTimeToLive", json!({"TableName": "t1x", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}));
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "Preset": "PLAYGROUND"}),
    );
    h
}

/// Whether the item is there, read strongly consistent (a follower may still hold an item
/// the sweeper has just deleted).
fn exists(h: &mut Harness, pk: &str) -> bool {
    let key = json!({"pk": {"S": pk}});
    let read = h.ok(
        "GetItem",
        json!({"TableName": "t1x", "Key": key, "ConsistentRead": true}),
    );
    read.get("Item").is_some()
}

#[test]
fn an_expired_item_is_readable_until_the_sweeper_deletes_it() {
    let mut h = with_ttl();
    let expiry = START / 1000 + 10;
    h.put(
        "t1x",
        json!({"pk": {"S": "a"}, "exp": {"N": expiry.to_string()}}),
    );
    h.engine.advance_clock_by(10_000);
    assert!(exists(&mut h, "a"), "expired but not yet swept");
    h.engine.advance_clock_by(5_000);
    assert!(
        !exists(&mut h, "a"),
        "swept after the playground's 5 s delay"
    );
}

#[test]
fn items_without_a_numeric_ttl_attribute_never_expire() {
    let mut h = with_ttl();
    h.put("t1x", json!({"pk": {"S": "none"}}));
    h.put("t1x", json!({"pk": {"S": "text"}, "exp": {"S": "1"}}));
    h.engine.advance_clock_by(86_400_000);
    assert!(exists(&mut h, "none") && exists(&mut h, "text"));
}

#[test]
fn an_update_that_moves_the_expiry_is_honoured() {
    let mut h = with_ttl();
    h.put(
        "t1x",
        json!({"pk": {"S": "a"}, "exp": {"N": (START / 1000 + 1).to_string()}}),
    );
    h.ok(
        "UpdateItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET exp = :later",
               "ExpressionAttributeValues": {":later": {"N": (START / 1000 + 3600).to_string()}}}),
    );
    h.engine.advance_clock_by(60_000);
    assert!(exists(&mut h, "a"));
}

#[test]
fn a_ttl_delete_appears_in_the_stream_as_the_services() {
    let mut h = with_ttl();
    h.put(
        "t1x",
        json!({"pk": {"S": "a"}, "exp": {"N": (START / 1000).to_string()}}),
    );
    h.engine.advance_clock_by(5_000);
    h.ok("ListTables", json!({}));
    let stream_arn =
        h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"]["LatestStreamArn"].clone();
    let shard =
        h.ok("DescribeStream", json!({"StreamArn": stream_arn}))["StreamDescription"]["Shards"][0]
            ["ShardId"]
            .clone();
    let iterator = h.ok(
        "GetShardIterator",
        json!({"StreamArn": stream_arn, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
    )["ShardIterator"]
        .clone();
    let records = h.ok("GetRecords", json!({"ShardIterator": iterator}))["Records"].clone();
    let remove = records
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["eventName"] == "REMOVE")
        .expect("a REMOVE record");
    assert_eq!(
        remove["userIdentity"],
        json!({"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"})
    );
}

#[test]
fn a_ttl_delete_is_persisted_like_any_delete() {
    let mut h = with_ttl();
    h.put(
        "t1x",
        json!({"pk": {"S": "a"}, "exp": {"N": (START / 1000).to_string()}}),
    );
    h.engine.take_changes();
    h.engine.advance_clock_by(5_000);
    h.ok("ListTables", json!({}));
    let changes = h.engine.take_changes();
    // The delete, and its stream record journaled with it.
    assert!(
        matches!(
            changes.as_slice(),
            [
                dynoscope_engine::Change::DeleteItem { .. },
                dynoscope_engine::Change::PutSetting { name, value: Some(_) }
            ] if name.starts_with("stream-record:")
        ),
        "{changes:?}"
    );
}

#[test]
fn disabling_ttl_stops_expiry() {
    let mut h = with_ttl();
    h.engine.advance_clock_by(3_600_000);
    h.put(
        "t1x",
        json!({"pk": {"S": "b"}, "exp": {"N": (START / 1000 + 3_610).to_string()}}),
    );
    h.ok("UpdateTimeToLive", json!({"TableName": "t1x", "TimeToLiveSpecification": {"Enabled": false, "AttributeName": "exp"}}));
    h.engine.advance_clock_by(60_000);
    assert!(exists(&mut h, "b"));
}
