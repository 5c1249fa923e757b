//! Single-item operations through dispatch: PutItem, GetItem, DeleteItem.

mod common;

use common::Harness;
use dynoscope_engine::ErrorKind;
use serde_json::json;

#[test]
fn an_item_put_is_read_back_with_every_type_intact() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let item = json!({
        "pk": {"S": "k"}, "s": {"S": ""}, "n": {"N": "-12.5"}, "b": {"B": "AAEC"},
        "t": {"BOOL": true}, "z": {"NULL": true},
        "l": {"L": [{"S": "x"}, {"N": "1"}]}, "m": {"M": {"inner": {"SS": ["a", "b"]}}},
        "ns": {"NS": ["1", "2"]}, "bs": {"BS": ["AQ=="]}
    });
    h.put("t1x", item.clone());
    assert_eq!(h.get("t1x", json!({"pk": {"S": "k"}})), Some(item));
}

#[test]
fn numbers_come_back_normalised() {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.put(
        "t1x",
        json!({"pk": {"S": "k"}, "n": {"N": "0042.1200"}, "e": {"N": "1E3"}}),
    );
    let item = h.get("t1x", json!({"pk": {"S": "k"}})).unwrap();
    assert_eq!(item["n"], json!({"N": "42.12"}));
    assert_eq!(item["e"], json!({"N": "1000"}));
}

#[test]
fn get_item_of_a_missing_item_has_no_item_member() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let response = h.ok(
        "GetItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "none"}}}),
    );
    assert_eq!(response, json!({}));
}

#[test]
fn put_item_replaces_the_whole_item() {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.put("t1x", json!({"pk": {"S": "k"}, "a": {"S": "1"}}));
    h.put("t1x", json!({"pk": {"S": "k"}, "b": {"S": "2"}}));
    assert_eq!(
        h.get("t1x", json!({"pk": {"S": "k"}})),
        Some(json!({"pk": {"S": "k"}, "b": {"S": "2"}}))
    );
}

#[test]
fn put_item_with_return_values_all_old_returns_the_replaced_item() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let first = h.ok(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "k"}}, "ReturnValues": "ALL_OLD"}),
    );
    assert_eq!(first, json!({}));
    let second = h.ok(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "k"}, "v": {"N": "2"}}, "ReturnValues": "ALL_OLD"}),
    );
    assert_eq!(second["Attributes"], json!({"pk": {"S": "k"}}));
}

#[test]
fn put_item_return_values_other_than_none_and_all_old_are_invalid() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let e = h.err(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "k"}}, "ReturnValues": "ALL_NEW"}),
    );
    assert_eq!(e.message, "ReturnValues can only be ALL_OLD or NONE");
}

#[test]
fn delete_item_removes_the_item_and_can_return_it() {
    let mut h = Harness::new();
    h.table("t1x", Some("N"));
    h.put(
        "t1x",
        json!({"pk": {"S": "k"}, "sk": {"N": "1"}, "v": {"S": "x"}}),
    );
    let deleted = h.ok(
        "DeleteItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "k"}, "sk": {"N": "1"}}, "ReturnValues": "ALL_OLD"}),
    );
    assert_eq!(deleted["Attributes"]["v"], json!({"S": "x"}));
    assert_eq!(
        h.get("t1x", json!({"pk": {"S": "k"}, "sk": {"N": "1"}})),
        None
    );
}

#[test]
fn item_operations_on_a_missing_table_are_resource_not_found() {
    let mut h = Harness::new();
    let e = h.err(
        "PutItem",
        json!({"TableName": "nope", "Item": {"pk": {"S": "k"}}}),
    );
    assert_eq!(e.kind, ErrorKind::ResourceNotFoundException);
    assert_eq!(e.message, "Requested resource not found");
}

#[test]
fn a_put_missing_the_partition_key_is_rejected() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let e = h.err(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"other": {"S": "k"}}}),
    );
    assert_eq!(
        e.wire_type(),
        "com.amazon.coral.validate#ValidationException"
    );
    assert_eq!(
        e.message,
        "One or more parameter values were invalid: Missing the key pk in the item"
    );
}

#[test]
fn a_get_with_a_key_of_the_wrong_type_does_not_match_the_schema() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let e = h.err(
        "GetItem",
        json!({"TableName": "t1x", "Key": {"pk": {"N": "1"}}}),
    );
    assert_eq!(
        e.message,
        "The provided key element does not match the schema"
    );
}

#[test]
fn items_over_400_kb_are_rejected() {
    let mut h = Harness::new();
    h.table("t1x", None);
    // pk(2) + "k"(1) + "v"(1) + value = 409,600 exactly is accepted.
    let fits = "x".repeat(409_600 - 4);
    h.put("t1x", json!({"pk": {"S": "k"}, "v": {"S": fits}}));
    let over = "x".repeat(409_600 - 3);
    let e = h.err(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "k"}, "v": {"S": over}}}),
    );
    assert_eq!(e.message, "Item size has exceeded the maximum allowed size");
}

#[test]
fn invalid_numbers_are_validation_errors() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let e = h.err(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "k"}, "n": {"N": "abc"}}}),
    );
    assert_eq!(e.kind, ErrorKind::ValidationException);
    assert_eq!(
        e.message,
        "The parameter cannot be converted to a numeric value: abc"
    );
}

#[test]
fn a_write_reports_one_write_unit_per_kilobyte() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let small = h.ok(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "k"}}, "ReturnConsumedCapacity": "TOTAL"}),
    );
    assert_eq!(
        small["ConsumedCapacity"],
        json!({"TableName": "t1x", "CapacityUnits": 1.0})
    );
    let big = "x".repeat(1500);
    let large = h.ok(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "j"}, "v": {"S": big}}, "ReturnConsumedCapacity": "INDEXES"}),
    );
    assert_eq!(
        large["ConsumedCapacity"],
        json!({"TableName": "t1x", "CapacityUnits": 2.0, "Table": {"CapacityUnits": 2.0}})
    );
}

#[test]
fn overwriting_a_large_item_with_a_small_one_costs_the_larger_size() {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.put(
        "t1x",
        json!({"pk": {"S": "k"}, "v": {"S": "x".repeat(2100)}}),
    );
    let small = h.ok(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "k"}}, "ReturnConsumedCapacity": "TOTAL"}),
    );
    assert_eq!(small["ConsumedCapacity"]["CapacityUnits"], 3.0);
}

#[test]
fn reading_a_missing_item_still_costs_a_unit_and_eventual_reads_half() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let eventual = h.ok(
        "GetItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "x"}}, "ReturnConsumedCapacity": "TOTAL"}),
    );
    assert_eq!(eventual["ConsumedCapacity"]["CapacityUnits"], 0.5);
    let strong = h.ok(
        "GetItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "x"}}, "ConsistentRead": true, "ReturnConsumedCapacity": "TOTAL"}),
    );
    assert_eq!(strong["ConsumedCapacity"]["CapacityUnits"], 1.0);
}

#[test]
fn deleting_a_missing_item_costs_one_write_unit() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let r = h.ok(
        "DeleteItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "x"}}, "ReturnConsumedCapacity": "TOTAL"}),
    );
    assert_eq!(r["ConsumedCapacity"]["CapacityUnits"], 1.0);
}

#[test]
fn a_tables_arn_stands_for_its_name() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/t1x";
    h.ok(
        "PutItem",
        json!({"TableName": arn, "Item": {"pk": {"S": "k"}}}),
    );
    assert!(
        h.ok(
            "GetItem",
            json!({"TableName": arn, "Key": {"pk": {"S": "k"}}})
        )
        .get("Item")
        .is_some()
    );
    let batch = h.ok(
        "BatchGetItem",
        json!({"RequestItems": {arn: {"Keys": [{"pk": {"S": "k"}}]}}}),
    );
    assert_eq!(batch["Responses"]["t1x"].as_array().unwrap().len(), 1);
    let e = h.err("GetItem", json!({"TableName": "arn:aws:dynamodb:us-east-1:000000000000:table/nope", "Key": {"pk": {"S": "k"}}}));
    assert_eq!(e.kind, ErrorKind::ResourceNotFoundException);
}
