//! Query through dispatch: key conditions, order, paging, filters, projections, indexes.

mod common;

use common::Harness;
use serde_json::{Value, json};

/// Table `t1x` (pk S, sk N) with partition "a" holding sk 1..=10 and partition "b" sk 1..=3.
fn filled() -> Harness {
    let mut h = Harness::new();
    h.table("t1x", Some("N"));
    for i in 1..=10 {
        h.put(
            "t1x",
            json!({"pk": {"S": "a"}, "sk": {"N": i.to_string()}, "even": {"BOOL": i % 2 == 0}}),
        );
    }
    for i in 1..=3 {
        h.put("t1x", json!({"pk": {"S": "b"}, "sk": {"N": i.to_string()}}));
    }
    h
}

fn query(h: &mut Harness, condition: &str, values: Value, extra: Value) -> Value {
    let mut request = json!({"TableName": "t1x", "KeyConditionExpression": condition, "ExpressionAttributeValues": values});
    for (k, v) in extra.as_object().unwrap() {
        request[k] = v.clone();
    }
    h.ok("Query", request)
}

fn sort_keys(page: &Value) -> Vec<String> {
    page["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sk"]["N"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn query_returns_one_partition_key_in_sort_key_order() {
    let mut h = filled();
    let page = query(&mut h, "pk = :p", json!({":p": {"S": "a"}}), json!({}));
    assert_eq!(page["Count"], 10);
    assert_eq!(
        sort_keys(&page),
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]
    );
}

#[test]
fn scan_index_forward_false_reverses_the_order() {
    let mut h = filled();
    let page = query(
        &mut h,
        "pk = :p",
        json!({":p": {"S": "b"}}),
        json!({"ScanIndexForward": false}),
    );
    assert_eq!(sort_keys(&page), ["3", "2", "1"]);
}

#[test]
fn sort_key_conditions_narrow_the_range() {
    let mut h = filled();
    let cases = [
        (
            "pk = :p AND sk > :x",
            json!({":p": {"S": "a"}, ":x": {"N": "8"}}),
            vec!["9", "10"],
        ),
        (
            "pk = :p AND sk <= :x",
            json!({":p": {"S": "a"}, ":x": {"N": "2"}}),
            vec!["1", "2"],
        ),
        (
            "pk = :p AND sk BETWEEN :x AND :y",
            json!({":p": {"S": "a"}, ":x": {"N": "4"}, ":y": {"N": "6"}}),
            vec!["4", "5", "6"],
        ),
        (
            "pk = :p AND sk = :x",
            json!({":p": {"S": "a"}, ":x": {"N": "7"}}),
            vec!["7"],
        ),
    ];
    for (condition, values, expected) in cases {
        assert_eq!(
            sort_keys(&query(&mut h, condition, values, json!({}))),
            expected,
            "{condition}"
        );
    }
}

#[test]
fn begins_with_matches_string_sort_key_prefixes() {
    let mut h = Harness::new();
    h.table("t1x", Some("S"));
    for sk in ["order#1", "order#2", "profile", "order"] {
        h.put("t1x", json!({"pk": {"S": "u"}, "sk": {"S": sk}}));
    }
    let page = h.ok(
        "Query",
        json!({"TableName": "t1x", "KeyConditionExpression": "pk = :p AND begins_with(sk, :pre)",
               "ExpressionAttributeValues": {":p": {"S": "u"}, ":pre": {"S": "order#"}}}),
    );
    assert_eq!(page["Count"], 2);
}

#[test]
fn paging_resumes_after_the_last_evaluated_key_in_either_direction() {
    let mut h = filled();
    for forward in [true, false] {
        let mut seen = Vec::new();
        let mut start: Option<Value> = None;
        loop {
            let mut extra = json!({"Limit": 3, "ScanIndexForward": forward});
            if let Some(key) = &start {
                extra["ExclusiveStartKey"] = key.clone();
            }
            let page = query(&mut h, "pk = :p", json!({":p": {"S": "a"}}), extra);
            seen.extend(sort_keys(&page));
            match page.get("LastEvaluatedKey") {
                Some(key) => start = Some(key.clone()),
                None => break,
            }
        }
        let mut expected: Vec<String> = (1..=10).map(|i| i.to_string()).collect();
        if !forward {
            expected.reverse();
        }
        assert_eq!(seen, expected);
    }
}

#[test]
fn the_filter_applies_after_limit_and_count_differs_from_scanned_count() {
    let mut h = filled();
    let page = h.ok(
        "Query",
        json!({"TableName": "t1x", "KeyConditionExpression": "pk = :p", "FilterExpression": "even = :t",
               "ExpressionAttributeValues": {":p": {"S": "a"}, ":t": {"BOOL": true}}, "Limit": 4}),
    );
    assert_eq!(page["ScannedCount"], 4);
    assert_eq!(page["Count"], 2);
    assert!(page.get("LastEvaluatedKey").is_some());
}

#[test]
fn a_filter_may_not_name_a_key_attribute() {
    let mut h = filled();
    let e = h.err(
        "Query",
        json!({"TableName": "t1x", "KeyConditionExpression": "pk = :p", "FilterExpression": "sk > :x",
               "ExpressionAttributeValues": {":p": {"S": "a"}, ":x": {"N": "1"}}}),
    );
    assert_eq!(
        e.message,
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"
    );
}

#[test]
fn the_partition_key_needs_an_equality_condition() {
    let mut h = filled();
    let e = h.err(
        "Query",
        json!({"TableName": "t1x", "KeyConditionExpression": "sk = :x", "ExpressionAttributeValues": {":x": {"N": "1"}}}),
    );
    assert_eq!(e.message, "Query condition missed key schema element: pk");
}

#[test]
fn key_condition_values_must_have_the_key_types() {
    let mut h = filled();
    let e = h.err(
        "Query",
        json!({"TableName": "t1x", "KeyConditionExpression": "pk = :x", "ExpressionAttributeValues": {":x": {"N": "1"}}}),
    );
    assert_eq!(
        e.message,
        "One or more parameter values were invalid: Condition parameter type does not match schema type"
    );
}

#[test]
fn select_count_with_a_projection_is_rejected_with_the_query_prefix() {
    let mut h = filled();
    let e = h.err(
        "Query",
        json!({"TableName": "t1x", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}},
               "Select": "COUNT", "ProjectionExpression": "sk"}),
    );
    assert_eq!(
        e.message,
        "1 validation error detected: Cannot specify the ProjectionExpression when choosing to get only the Count"
    );
}

#[test]
fn query_reads_cost_the_summed_size_rounded_once() {
    let mut h = Harness::new();
    h.table("t1x", Some("N"));
    for i in 0..3 {
        h.put(
            "t1x",
            json!({"pk": {"S": "a"}, "sk": {"N": i.to_string()}, "v": {"S": "x".repeat(1500)}}),
        );
    }
    let page = h.ok(
        "Query",
        json!({"TableName": "t1x", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}},
               "ConsistentRead": true, "ReturnConsumedCapacity": "TOTAL"}),
    );
    assert_eq!(page["ConsumedCapacity"]["CapacityUnits"], 2.0);
}

#[test]
fn a_query_without_a_key_condition_is_rejected() {
    let mut h = filled();
    let e = h.err("Query", json!({"TableName": "t1x"}));
    assert_eq!(
        e.message,
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
    );
}

fn with_index() -> Harness {
    let mut h = Harness::new();
    h.ok(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "g", "AttributeType": "S"}, {"AttributeName": "rank", "AttributeType": "N"}
            ],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}}],
            "LocalSecondaryIndexes": [{"IndexName": "by_rank",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "rank", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    );
    for (sk, g, rank) in [(1, "x", 30), (2, "x", 10), (3, "y", 20)] {
        h.put("t1x", json!({"pk": {"S": "a"}, "sk": {"N": sk.to_string()}, "g": {"S": g}, "rank": {"N": rank.to_string()}, "note": {"S": "n"}}));
    }
    h
}

#[test]
fn a_global_index_is_queried_by_its_own_key() {
    let mut h = with_index();
    let page = h.ok(
        "Query",
        json!({"TableName": "t1x", "IndexName": "by_g", "KeyConditionExpression": "g = :g", "ExpressionAttributeValues": {":g": {"S": "x"}}}),
    );
    assert_eq!(page["Count"], 2);
    assert!(
        page["Items"][0].get("note").is_none(),
        "KEYS_ONLY entries carry keys only"
    );
}

#[test]
fn a_local_index_orders_by_its_sort_key() {
    let mut h = with_index();
    let page = h.ok(
        "Query",
        json!({"TableName": "t1x", "IndexName": "by_rank", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}}),
    );
    let ranks: Vec<&str> = page["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["rank"]["N"].as_str().unwrap())
        .collect();
    assert_eq!(ranks, ["10", "20", "30"]);
}

#[test]
fn a_local_index_fetches_unprojected_attributes_from_the_table() {
    let mut h = with_index();
    let page = h.ok(
        "Query",
        json!({"TableName": "t1x", "IndexName": "by_rank", "KeyConditionExpression": "pk = :p",
               "ExpressionAttributeValues": {":p": {"S": "a"}}, "Select": "ALL_ATTRIBUTES", "ReturnConsumedCapacity": "INDEXES"}),
    );
    assert_eq!(page["Items"][0]["note"], json!({"S": "n"}));
    assert_eq!(
        page["ConsumedCapacity"]["LocalSecondaryIndexes"]["by_rank"]["CapacityUnits"],
        0.5
    );
    // Each item fetched from the table is rounded up to 4 KB on its own (DG, "Local
    // secondary indexes: provisioned throughput considerations"): three small items, three
    // eventually consistent units of 0.5.
    assert_eq!(page["ConsumedCapacity"]["Table"]["CapacityUnits"], 1.5);
}

#[test]
fn all_attributes_is_refused_on_a_global_index_that_does_not_project_all() {
    let mut h = with_index();
    let e = h.err(
        "Query",
        json!({"TableName": "t1x", "IndexName": "by_g", "KeyConditionExpression": "g = :g",
               "ExpressionAttributeValues": {":g": {"S": "x"}}, "Select": "ALL_ATTRIBUTES"}),
    );
    assert!(
        e.message.contains(
            "Select type ALL_ATTRIBUTES is not supported for global secondary index by_g"
        )
    );
}

#[test]
fn scan_filters_and_projects() {
    let mut h = filled();
    let page = h.ok(
        "Scan",
        json!({"TableName": "t1x", "FilterExpression": "pk = :b", "ProjectionExpression": "sk", "ExpressionAttributeValues": {":b": {"S": "b"}}}),
    );
    assert_eq!(page["Count"], 3);
    assert_eq!(page["ScannedCount"], 13);
    assert_eq!(page["Items"][0].as_object().unwrap().len(), 1);
}
