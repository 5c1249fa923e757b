//! The table API through dispatch: CreateTable, DescribeTable, ListTables, DeleteTable.

mod common;

use common::Harness;
use dynoscope_engine::ErrorKind;
use serde_json::json;

#[test]
fn create_table_answers_creating_and_describe_table_then_shows_active() {
    let mut h = Harness::new();
    let created = h.ok(
        "CreateTable",
        json!({
            "TableName": "Music",
            "AttributeDefinitions": [
                {"AttributeName": "Artist", "AttributeType": "S"},
                {"AttributeName": "Song", "AttributeType": "S"}
            ],
            "KeySchema": [
                {"AttributeName": "Artist", "KeyType": "HASH"},
                {"AttributeName": "Song", "KeyType": "RANGE"}
            ],
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 10}
        }),
    );
    assert_eq!(created["TableDescription"]["TableStatus"], "CREATING");
    let table = &h.ok("DescribeTable", json!({"TableName": "Music"}))["Table"];
    assert_eq!(table["TableStatus"], "ACTIVE");
    assert_eq!(
        table["TableArn"],
        "arn:aws:dynamodb:us-east-1:000000000000:table/Music"
    );
    assert_eq!(
        table["KeySchema"][1],
        json!({"AttributeName": "Song", "KeyType": "RANGE"})
    );
    assert_eq!(table["ProvisionedThroughput"]["ReadCapacityUnits"], 5);
    assert_eq!(table["ProvisionedThroughput"]["WriteCapacityUnits"], 10);
    assert_eq!(table["ItemCount"], 0);
}

#[test]
fn pay_per_request_tables_report_their_billing_mode_and_zero_throughput() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let table = &h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"];
    assert_eq!(
        table["BillingModeSummary"]["BillingMode"],
        "PAY_PER_REQUEST"
    );
    assert_eq!(table["ProvisionedThroughput"]["ReadCapacityUnits"], 0);
}

#[test]
fn creating_an_existing_table_is_resource_in_use() {
    let mut h = Harness::new();
    h.table("dup", None);
    let e = h.err(
        "CreateTable",
        json!({
            "TableName": "dup",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    );
    assert_eq!(e.kind, ErrorKind::ResourceInUseException);
    assert_eq!(e.message, "Table already exists: dup");
}

#[test]
fn describe_and_delete_of_a_missing_table_name_the_table() {
    let mut h = Harness::new();
    for op in ["DescribeTable", "DeleteTable"] {
        let e = h.err(op, json!({"TableName": "nope"}));
        assert_eq!(
            e.wire_type(),
            "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
        );
        assert_eq!(
            e.message,
            "Requested resource not found: Table: nope not found"
        );
    }
}

#[test]
fn provisioned_tables_need_provisioned_throughput() {
    let mut h = Harness::new();
    let e = h.err(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]
        }),
    );
    assert_eq!(
        e.message,
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
    );
}

#[test]
fn key_attributes_must_be_defined() {
    let mut h = Harness::new();
    let e = h.err(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [{"AttributeName": "other", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    );
    assert_eq!(
        e.message,
        "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [other]"
    );
}

#[test]
fn table_names_must_be_three_to_255_safe_characters() {
    let mut h = Harness::new();
    let e = h.err("DescribeTable", json!({"TableName": "ab"}));
    assert_eq!(
        e.message,
        "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"
    );
    let e = h.err("DescribeTable", json!({}));
    assert!(e.message.contains(
        "Value null at 'tableName' failed to satisfy constraint: Member must not be null"
    ));
}

#[test]
fn list_tables_pages_in_name_order() {
    let mut h = Harness::new();
    for name in ["ccc", "aaa", "bbb"] {
        h.table(name, None);
    }
    let first = h.ok("ListTables", json!({"Limit": 2}));
    assert_eq!(first["TableNames"], json!(["aaa", "bbb"]));
    assert_eq!(first["LastEvaluatedTableName"], "bbb");
    let rest = h.ok("ListTables", json!({"ExclusiveStartTableName": "bbb"}));
    assert_eq!(rest["TableNames"], json!(["ccc"]));
    assert!(rest.get("LastEvaluatedTableName").is_none());
}

#[test]
fn list_tables_limit_is_one_to_one_hundred() {
    let mut h = Harness::new();
    let e = h.err("ListTables", json!({"Limit": 101}));
    assert_eq!(
        e.message,
        "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100"
    );
}

#[test]
fn delete_table_answers_deleting_and_removes_the_table_and_its_items() {
    let mut h = Harness::new();
    h.table("gone", None);
    h.put("gone", json!({"pk": {"S": "a"}}));
    let deleted = h.ok("DeleteTable", json!({"TableName": "gone"}));
    assert_eq!(deleted["TableDescription"]["TableStatus"], "DELETING");
    assert_eq!(deleted["TableDescription"]["ItemCount"], 1);
    assert_eq!(h.ok("ListTables", json!({}))["TableNames"], json!([]));
    assert_eq!(
        h.err(
            "GetItem",
            json!({"TableName": "gone", "Key": {"pk": {"S": "a"}}})
        )
        .kind,
        ErrorKind::ResourceNotFoundException
    );
}

#[test]
fn describe_table_counts_items_and_their_bytes() {
    let mut h = Harness::new();
    h.table("sized", None);
    h.put("sized", json!({"pk": {"S": "ab"}, "n": {"N": "12"}}));
    let table = &h.ok("DescribeTable", json!({"TableName": "sized"}))["Table"];
    assert_eq!(table["ItemCount"], 1);
    // pk(2) + "ab"(2) + n(1) + 12(2)
    assert_eq!(table["TableSizeBytes"], 7);
}

#[test]
fn on_demand_maximums_are_echoed() {
    let mut h = Harness::new();
    h.ok(
        "CreateTable",
        json!({
            "TableName": "capped",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "OnDemandThroughput": {"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": -1}
        }),
    );
    let table = &h.ok("DescribeTable", json!({"TableName": "capped"}))["Table"];
    assert_eq!(
        table["OnDemandThroughput"],
        json!({"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": -1})
    );
}

#[test]
fn with_a_control_plane_delay_tables_pass_through_creating_and_deleting() {
    let mut h = Harness {
        engine: dynoscope_engine::Engine::new(dynoscope_engine::EngineConfig {
            control_plane_millis: 2_000,
            ..Default::default()
        }),
    };
    h.table("slow", None);
    assert_eq!(
        h.ok("DescribeTable", json!({"TableName": "slow"}))["Table"]["TableStatus"],
        "CREATING"
    );
    h.engine.advance_clock_by(2_000);
    assert_eq!(
        h.ok("DescribeTable", json!({"TableName": "slow"}))["Table"]["TableStatus"],
        "ACTIVE"
    );
    h.ok("DeleteTable", json!({"TableName": "slow"}));
    assert_eq!(
        h.ok("DescribeTable", json!({"TableName": "slow"}))["Table"]["TableStatus"],
        "DELETING"
    );
    assert_eq!(h.ok("ListTables", json!({}))["TableNames"], json!(["slow"]));
    assert_eq!(
        h.err(
            "GetItem",
            json!({"TableName": "slow", "Key": {"pk": {"S": "a"}}})
        )
        .kind,
        ErrorKind::ResourceNotFoundException
    );
    h.engine.advance_clock_by(2_000);
    assert_eq!(
        h.err("DescribeTable", json!({"TableName": "slow"})).kind,
        ErrorKind::ResourceNotFoundException
    );
}
