//! Secondary indexes through dispatch: definition, description, sparse maintenance, write
//! costs, and scanning an index.

mod common;

use common::Harness;
use serde_json::{Value, json};

/// Table `orders`: pk/sk strings; GSI `by_status` on status/created (KEYS_ONLY); LSI
/// `by_total` on pk/total (ALL).
fn orders() -> Harness {
    let mut h = Harness::new();
    h.ok(
        "CreateTable",
        json!({
            "TableName": "orders",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "status", "AttributeType": "S"},
                {"AttributeName": "created", "AttributeType": "N"},
                {"AttributeName": "total", "AttributeType": "N"}
            ],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [{
                "IndexName": "by_status",
                "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}, {"AttributeName": "created", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}
            }],
            "LocalSecondaryIndexes": [{
                "IndexName": "by_total",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "total", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"}
            }],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    );
    h
}

fn put_capacity(h: &mut Harness, item: Value) -> Value {
    h.ok(
        "PutItem",
        json!({"TableName": "orders", "Item": item, "ReturnConsumedCapacity": "INDEXES"}),
    )["ConsumedCapacity"]
        .clone()
}

#[test]
fn describe_table_lists_global_and_local_indexes() {
    let mut h = orders();
    let table = &h.ok("DescribeTable", json!({"TableName": "orders"}))["Table"];
    let gsi = &table["GlobalSecondaryIndexes"][0];
    assert_eq!(gsi["IndexName"], "by_status");
    assert_eq!(gsi["IndexStatus"], "ACTIVE");
    assert_eq!(gsi["Projection"], json!({"ProjectionType": "KEYS_ONLY"}));
    assert_eq!(
        gsi["IndexArn"],
        "arn:aws:dynamodb:us-east-1:000000000000:table/orders/index/by_status"
    );
    let lsi = &table["LocalSecondaryIndexes"][0];
    assert_eq!(lsi["IndexName"], "by_total");
    assert!(lsi.get("IndexStatus").is_none());
}

#[test]
fn an_item_without_the_index_key_is_not_in_the_index() {
    let mut h = orders();
    h.put(
        "orders",
        json!({"pk": {"S": "a"}, "sk": {"S": "1"}, "status": {"S": "open"}}),
    );
    h.put(
        "orders",
        json!({"pk": {"S": "a"}, "sk": {"S": "2"}, "status": {"S": "open"}, "created": {"N": "5"}}),
    );
    let scanned = h.ok(
        "Scan",
        json!({"TableName": "orders", "IndexName": "by_status"}),
    );
    assert_eq!(scanned["Count"], 1);
    assert_eq!(
        scanned["Items"][0],
        json!({"pk": {"S": "a"}, "sk": {"S": "2"}, "status": {"S": "open"}, "created": {"N": "5"}})
    );
}

#[test]
fn keys_only_entries_carry_table_and_index_keys_only() {
    let mut h = orders();
    h.put("orders", json!({"pk": {"S": "a"}, "sk": {"S": "1"}, "status": {"S": "s"}, "created": {"N": "1"}, "note": {"S": "x"}}));
    let item = &h.ok(
        "Scan",
        json!({"TableName": "orders", "IndexName": "by_status"}),
    )["Items"][0];
    assert!(item.get("note").is_none());
}

#[test]
fn a_write_landing_in_an_index_costs_a_unit_on_that_index() {
    let mut h = orders();
    let capacity = put_capacity(
        &mut h,
        json!({"pk": {"S": "a"}, "sk": {"S": "1"}, "status": {"S": "s"}, "created": {"N": "1"}}),
    );
    assert_eq!(capacity["CapacityUnits"], 2.0);
    assert_eq!(capacity["Table"]["CapacityUnits"], 1.0);
    assert_eq!(
        capacity["GlobalSecondaryIndexes"]["by_status"]["CapacityUnits"],
        1.0
    );
    assert!(capacity.get("LocalSecondaryIndexes").is_none());
}

#[test]
fn changing_an_index_key_costs_a_delete_and_a_put() {
    let mut h = orders();
    put_capacity(
        &mut h,
        json!({"pk": {"S": "a"}, "sk": {"S": "1"}, "status": {"S": "s"}, "created": {"N": "1"}}),
    );
    let capacity = put_capacity(
        &mut h,
        json!({"pk": {"S": "a"}, "sk": {"S": "1"}, "status": {"S": "t"}, "created": {"N": "1"}}),
    );
    assert_eq!(
        capacity["GlobalSecondaryIndexes"]["by_status"]["CapacityUnits"],
        2.0
    );
}

#[test]
fn touching_a_non_projected_attribute_costs_the_index_nothing() {
    let mut h = orders();
    put_capacity(
        &mut h,
        json!({"pk": {"S": "a"}, "sk": {"S": "1"}, "status": {"S": "s"}, "created": {"N": "1"}}),
    );
    let capacity = put_capacity(
        &mut h,
        json!({"pk": {"S": "a"}, "sk": {"S": "1"}, "status": {"S": "s"}, "created": {"N": "1"}, "note": {"S": "n"}}),
    );
    assert_eq!(capacity["CapacityUnits"], 1.0);
    assert!(capacity.get("GlobalSecondaryIndexes").is_none());
}

#[test]
fn local_index_writes_are_reported_under_local_secondary_indexes() {
    let mut h = orders();
    let capacity = put_capacity(
        &mut h,
        json!({"pk": {"S": "a"}, "sk": {"S": "1"}, "total": {"N": "10"}}),
    );
    assert_eq!(
        capacity["LocalSecondaryIndexes"]["by_total"]["CapacityUnits"],
        1.0
    );
}

#[test]
fn deleting_an_item_removes_its_index_entries() {
    let mut h = orders();
    h.put(
        "orders",
        json!({"pk": {"S": "a"}, "sk": {"S": "1"}, "status": {"S": "s"}, "created": {"N": "1"}}),
    );
    h.ok(
        "DeleteItem",
        json!({"TableName": "orders", "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}}}),
    );
    assert_eq!(
        h.ok(
            "Scan",
            json!({"TableName": "orders", "IndexName": "by_status"})
        )["Count"],
        0
    );
}

#[test]
fn an_index_key_of_the_wrong_type_is_rejected() {
    let mut h = orders();
    let e = h.err("PutItem", json!({"TableName": "orders", "Item": {"pk": {"S": "a"}, "sk": {"S": "1"}, "created": {"S": "x"}}}));
    assert_eq!(
        e.message,
        "One or more parameter values were invalid: Type mismatch for Index Key created Expected: N Actual: S IndexName: by_status"
    );
}

#[test]
fn an_empty_string_index_key_is_rejected() {
    let mut h = orders();
    let e = h.err("PutItem", json!({"TableName": "orders", "Item": {"pk": {"S": "a"}, "sk": {"S": "1"}, "status": {"S": ""}}}));
    assert!(
        e.message.contains("IndexName: by_status, IndexKey: status"),
        "{}",
        e.message
    );
}

#[test]
fn scanning_an_index_pages_with_index_keys_in_the_last_evaluated_key() {
    let mut h = orders();
    for i in 0..5 {
        h.put("orders", json!({"pk": {"S": format!("p{i}")}, "sk": {"S": "x"}, "status": {"S": "s"}, "created": {"N": i.to_string()}}));
    }
    let page = h.ok(
        "Scan",
        json!({"TableName": "orders", "IndexName": "by_status", "Limit": 2}),
    );
    let key = page["LastEvaluatedKey"].as_object().unwrap();
    let mut names: Vec<&String> = key.keys().collect();
    names.sort();
    assert_eq!(names, ["created", "pk", "sk", "status"]);
    let rest = h.ok("Scan", json!({"TableName": "orders", "IndexName": "by_status", "ExclusiveStartKey": page["LastEvaluatedKey"]}));
    assert_eq!(rest["Count"], 3);
}

#[test]
fn consistent_reads_are_not_supported_on_global_indexes() {
    let mut h = orders();
    let e = h.err(
        "Scan",
        json!({"TableName": "orders", "IndexName": "by_status", "ConsistentRead": true}),
    );
    assert_eq!(
        e.message,
        "Consistent reads are not supported on global secondary indexes"
    );
}

#[test]
fn naming_a_missing_index_is_a_validation_error() {
    let mut h = orders();
    let e = h.err("Scan", json!({"TableName": "orders", "IndexName": "nope"}));
    assert_eq!(
        e.message,
        "The table does not have the specified index: nope"
    );
}

#[test]
fn a_local_index_needs_the_tables_partition_key() {
    let mut h = Harness::new();
    let e = h.err(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "other", "AttributeType": "S"}
            ],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "LocalSecondaryIndexes": [{
                "IndexName": "lsi",
                "KeySchema": [{"AttributeName": "other", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"}
            }],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    );
    assert_eq!(
        e.message,
        "One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: lsi. index hash key: other, table hash key: pk"
    );
}

#[test]
fn every_attribute_definition_must_be_used_by_a_key() {
    let mut h = Harness::new();
    let e = h.err(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"},
                {"AttributeName": "unused", "AttributeType": "S"}
            ],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "GlobalSecondaryIndexes": [{
                "IndexName": "gsi",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}
            }],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    );
    assert_eq!(
        e.message,
        "One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [pk, g, unused], keys used: [pk, g]"
    );
}

#[test]
fn provisioned_tables_need_throughput_for_each_global_index() {
    let mut h = Harness::new();
    let e = h.err(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "GlobalSecondaryIndexes": [{
                "IndexName": "gsi",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}
            }],
            "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
        }),
    );
    assert_eq!(
        e.message,
        "One or more parameter values were invalid: ProvisionedThroughput must be specified for index: gsi"
    );
}

#[test]
fn writes_to_a_table_with_a_local_index_report_item_collection_metrics() {
    let mut h = orders();
    let r = h.ok(
        "PutItem",
        json!({"TableName": "orders", "Item": {"pk": {"S": "a"}, "sk": {"S": "1"}, "total": {"N": "5"}}, "ReturnItemCollectionMetrics": "SIZE"}),
    );
    assert_eq!(
        r["ItemCollectionMetrics"],
        json!({"ItemCollectionKey": {"pk": {"S": "a"}}, "SizeEstimateRangeGB": [0.0, 1.0]})
    );
}

#[test]
fn batch_writes_report_item_collection_metrics_per_table() {
    let mut h = orders();
    let r = h.ok(
        "BatchWriteItem",
        json!({"RequestItems": {"orders": [{"PutRequest": {"Item": {"pk": {"S": "a"}, "sk": {"S": "1"}}}}]},
               "ReturnItemCollectionMetrics": "SIZE"}),
    );
    assert_eq!(
        r["ItemCollectionMetrics"]["orders"][0]["ItemCollectionKey"],
        json!({"pk": {"S": "a"}})
    );
}

#[test]
fn an_item_collection_past_the_scaled_limit_refuses_growth_but_not_shrinking() {
    let mut h = orders();
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "orders", "Preset": "PLAYGROUND"}),
    );
    // Each item is about 1.5 KB, and its entry in the ALL-projecting local index as much again.
    let big = "x".repeat(1500);
    for i in 0..3 {
        h.put("orders", json!({"pk": {"S": "a"}, "sk": {"S": i.to_string()}, "total": {"N": "1"}, "v": {"S": big}}));
    }
    let e = h.err(
        "PutItem",
        json!({"TableName": "orders", "Item": {"pk": {"S": "a"}, "sk": {"S": "9"}, "total": {"N": "1"}, "v": {"S": big}}}),
    );
    assert_eq!(
        e.wire_type(),
        "com.amazonaws.dynamodb.v20120810#ItemCollectionSizeLimitExceededException"
    );
    // Another collection is unaffected, and shrinking this one is allowed.
    h.put(
        "orders",
        json!({"pk": {"S": "b"}, "sk": {"S": "1"}, "v": {"S": big}}),
    );
    h.put("orders", json!({"pk": {"S": "a"}, "sk": {"S": "0"}}));
}

fn update_error(h: &mut Harness, expression: &str, values: Value) -> String {
    let mut request = json!({"TableName": "orders", "Key": {"pk": {"S": "p"}, "sk": {"S": "s"}}, "UpdateExpression": expression});
    if values != json!({}) {
        request["ExpressionAttributeValues"] = values;
    }
    if expression.contains("#s") {
        request["ExpressionAttributeNames"] = json!({"#s": "status"});
    }
    h.err("UpdateItem", request).message
}

#[test]
fn an_update_reaching_into_an_index_key_through_a_document_path_is_refused() {
    let mut h = orders();
    let scalars = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: ";
    assert_eq!(
        update_error(&mut h, "SET #s[1] = :a", json!({":a": {"N": "1"}})),
        format!("{scalars}status")
    );
    assert_eq!(
        update_error(&mut h, "ADD created.b :a", json!({":a": {"N": "1"}})),
        format!("{scalars}created")
    );
    assert_eq!(
        update_error(&mut h, "SET e = #s.x", json!({})),
        format!("{scalars}status")
    );
}

#[test]
fn an_update_giving_an_index_key_a_literal_of_another_type_is_a_type_mismatch_before_it_runs() {
    let mut h = orders();
    let mismatch = "One or more parameter values were invalid: Type mismatch for Index Key created Expected: N Actual: S IndexName: by_status";
    assert_eq!(
        update_error(&mut h, "SET created = :s", json!({":s": {"S": "x"}})),
        mismatch
    );
    // The sum is a number whatever it adds, so the key type is checked before `pk + :n` fails.
    assert_eq!(
        update_error(&mut h, "SET #s = pk + :n", json!({":n": {"N": "1"}})),
        "One or more parameter values were invalid: Type mismatch for Index Key status Expected: S Actual: N IndexName: by_status"
    );
}

#[test]
fn an_update_copying_a_value_of_another_type_into_an_index_key_is_an_unsupported_type() {
    let mut h = orders();
    h.put(
        "orders",
        json!({"pk": {"S": "p"}, "sk": {"S": "s"}, "e": {"N": "1"}}),
    );
    let unsupported =
        "The update expression attempted to update the secondary index key to unsupported type";
    assert_eq!(update_error(&mut h, "SET #s = e", json!({})), unsupported);
    assert_eq!(
        update_error(&mut h, "SET #s = if_not_exists(#s, e)", json!({})),
        unsupported
    );
    h.ok(
        "UpdateItem",
        json!({"TableName": "orders", "Key": {"pk": {"S": "p"}, "sk": {"S": "s"}}, "UpdateExpression": "SET created = e"}),
    );
}
