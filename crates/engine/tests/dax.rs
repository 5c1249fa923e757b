//! DAX through dispatch (`Engine::dispatch_via_dax`): the item cache answers repeated
//! eventually consistent GetItems without capacity and stays stale after a write made to the
//! table directly until its TTL; writes through DAX are write-through; the query cache keeps
//! a Query's answer even after a write through DAX; strongly consistent reads pass through;
//! Dynoscope_DescribeDax shows the counters and the caches.

mod common;

use common::Harness;
use serde_json::{Value, json};

/// DAX's default TTL of both caches: 5 minutes.
const DEFAULT_TTL_MILLIS: u64 = 300_000;

fn via_dax(h: &mut Harness, operation: &str, request: Value) -> Value {
    let body = request.to_string();
    let answer = h
        .engine
        .dispatch_via_dax("test", None, operation, body.as_bytes())
        .unwrap();
    serde_json::from_slice(&answer).unwrap()
}

fn with_item() -> Harness {
    let mut h = Harness::new();
    h.table("t1x", Some("N"));
    h.put(
        "t1x",
        json!({"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "1"}}),
    );
    h
}

fn get() -> Value {
    json!({"TableName": "t1x", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ReturnConsumedCapacity": "TOTAL"})
}

fn statistics(h: &mut Harness) -> Value {
    h.ok("Dynoscope_DescribeDax", json!({}))["Statistics"].clone()
}

#[test]
fn a_repeated_read_is_a_hit_that_consumes_nothing() {
    let mut h = with_item();
    let miss = via_dax(&mut h, "GetItem", get());
    assert_eq!(miss["ConsumedCapacity"]["CapacityUnits"], 0.5);
    let hit = via_dax(&mut h, "GetItem", get());
    assert_eq!(hit["Item"]["v"], json!({"N": "1"}));
    assert!(hit.get("ConsumedCapacity").is_none());
    let stats = statistics(&mut h);
    assert_eq!(
        (stats["ItemHits"].clone(), stats["ItemMisses"].clone()),
        (json!(1), json!(1))
    );
}

#[test]
fn a_write_to_the_table_directly_leaves_dax_stale_until_the_ttl() {
    let mut h = with_item();
    via_dax(&mut h, "GetItem", get());
    h.put(
        "t1x",
        json!({"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "2"}}),
    );
    assert_eq!(
        via_dax(&mut h, "GetItem", get())["Item"]["v"],
        json!({"N": "1"}),
        "stale"
    );
    let cache = h.ok("Dynoscope_DescribeDax", json!({}))["ItemCache"].clone();
    assert_eq!(cache[0]["Stale"], true);
    h.engine.advance_clock_by(DEFAULT_TTL_MILLIS);
    assert_eq!(
        via_dax(&mut h, "GetItem", get())["Item"]["v"],
        json!({"N": "2"}),
        "expired, read again"
    );
}

#[test]
fn a_write_through_dax_updates_the_item_cache() {
    let mut h = with_item();
    via_dax(&mut h, "GetItem", get());
    via_dax(
        &mut h,
        "UpdateItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "UpdateExpression": "SET v = :v", "ExpressionAttributeValues": {":v": {"N": "3"}}}),
    );
    assert_eq!(
        via_dax(&mut h, "GetItem", get())["Item"]["v"],
        json!({"N": "3"})
    );
    assert_eq!(statistics(&mut h)["WriteThroughs"], 1);
}

#[test]
fn the_query_cache_misses_a_write_through_dax() {
    let mut h = with_item();
    let query = json!({"TableName": "t1x", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}});
    assert_eq!(via_dax(&mut h, "Query", query.clone())["Count"], 1);
    via_dax(
        &mut h,
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}}}),
    );
    assert_eq!(
        via_dax(&mut h, "Query", query.clone())["Count"],
        1,
        "answered from the query cache"
    );
    h.ok("Dynoscope_SetDax", json!({"Flush": true}));
    assert_eq!(via_dax(&mut h, "Query", query)["Count"], 2);
}

#[test]
fn a_strongly_consistent_read_passes_through() {
    let mut h = with_item();
    via_dax(&mut h, "GetItem", get());
    h.put(
        "t1x",
        json!({"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "9"}}),
    );
    let mut strong = get();
    strong["ConsistentRead"] = json!(true);
    assert_eq!(
        via_dax(&mut h, "GetItem", strong)["Item"]["v"],
        json!({"N": "9"})
    );
    assert_eq!(statistics(&mut h)["PassThroughs"], 1);
}

#[test]
fn a_projection_is_applied_to_the_cached_item() {
    let mut h = with_item();
    via_dax(&mut h, "GetItem", get());
    let mut projected = get();
    projected["ProjectionExpression"] = json!("v");
    assert_eq!(
        via_dax(&mut h, "GetItem", projected)["Item"],
        json!({"v": {"N": "1"}})
    );
}

#[test]
fn a_missing_item_is_cached_too() {
    let mut h = with_item();
    let absent = json!({"TableName": "t1x", "Key": {"pk": {"S": "zz"}, "sk": {"N": "1"}}});
    assert!(
        via_dax(&mut h, "GetItem", absent.clone())
            .get("Item")
            .is_none()
    );
    h.put("t1x", json!({"pk": {"S": "zz"}, "sk": {"N": "1"}}));
    assert!(
        via_dax(&mut h, "GetItem", absent).get("Item").is_none(),
        "the negative entry answers"
    );
}

#[test]
fn the_ttls_can_be_set() {
    let mut h = with_item();
    let set = h.ok(
        "Dynoscope_SetDax",
        json!({"ItemTtlMillis": 1000, "QueryTtlMillis": 0}),
    );
    assert_eq!(
        set["Settings"],
        json!({"ItemTtlMillis": 1000, "QueryTtlMillis": 0})
    );
    via_dax(&mut h, "GetItem", get());
    h.put(
        "t1x",
        json!({"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "2"}}),
    );
    h.engine.advance_clock_by(1000);
    assert_eq!(
        via_dax(&mut h, "GetItem", get())["Item"]["v"],
        json!({"N": "2"})
    );
}

#[test]
fn a_batch_get_of_cached_keys_is_answered_by_the_cache() {
    let mut h = with_item();
    let batch = json!({"RequestItems": {"t1x": {"Keys": [{"pk": {"S": "a"}, "sk": {"N": "1"}}]}}});
    via_dax(&mut h, "BatchGetItem", batch.clone());
    h.put(
        "t1x",
        json!({"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "2"}}),
    );
    let answer = via_dax(&mut h, "BatchGetItem", batch);
    assert_eq!(answer["Responses"]["t1x"][0]["v"], json!({"N": "1"}));
}
