//! UpdateTable, TTL settings, tags and account limits through dispatch.

mod common;

use common::Harness;
use dynoscope_engine::ErrorKind;
use serde_json::json;

fn provisioned(h: &mut Harness, name: &str) {
    h.ok(
        "CreateTable",
        json!({
            "TableName": name,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
        }),
    );
}

#[test]
fn update_table_changes_throughput_and_answers_updating() {
    let mut h = Harness::new();
    provisioned(&mut h, "t1x");
    let response = h.ok(
        "UpdateTable",
        json!({"TableName": "t1x", "ProvisionedThroughput": {"ReadCapacityUnits": 10, "WriteCapacityUnits": 5}}),
    );
    assert_eq!(response["TableDescription"]["TableStatus"], "UPDATING");
    let table = &h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"];
    assert_eq!(table["TableStatus"], "ACTIVE");
    assert_eq!(table["ProvisionedThroughput"]["ReadCapacityUnits"], 10);
    assert!(table["ProvisionedThroughput"]["LastIncreaseDateTime"].is_number());
}

#[test]
fn update_table_with_unchanged_throughput_is_rejected() {
    let mut h = Harness::new();
    provisioned(&mut h, "t1x");
    let e = h.err(
        "UpdateTable",
        json!({"TableName": "t1x", "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}),
    );
    assert!(
        e.message
            .starts_with("The provisioned throughput for the table will not change."),
        "{}",
        e.message
    );
}

#[test]
fn update_table_with_nothing_to_change_is_rejected() {
    let mut h = Harness::new();
    provisioned(&mut h, "t1x");
    let e = h.err("UpdateTable", json!({"TableName": "t1x"}));
    assert!(
        e.message
            .starts_with("At least one of ProvisionedThroughput, BillingMode"),
        "{}",
        e.message
    );
}

#[test]
fn switching_to_pay_per_request_reports_the_billing_mode() {
    let mut h = Harness::new();
    provisioned(&mut h, "t1x");
    h.ok(
        "UpdateTable",
        json!({"TableName": "t1x", "BillingMode": "PAY_PER_REQUEST"}),
    );
    let table = &h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"];
    assert_eq!(
        table["BillingModeSummary"]["BillingMode"],
        "PAY_PER_REQUEST"
    );
    assert_eq!(table["ProvisionedThroughput"]["ReadCapacityUnits"], 0);
}

#[test]
fn a_table_created_provisioned_has_no_billing_mode_summary() {
    let mut h = Harness::new();
    provisioned(&mut h, "t1x");
    let table = &h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"];
    assert!(table.get("BillingModeSummary").is_none(), "{table}");
}

#[test]
fn switching_back_to_provisioned_reports_when_it_was_last_on_demand() {
    let mut h = Harness::new();
    on_demand_with_index(&mut h);
    let created =
        h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"]["CreationDateTime"].clone();
    h.ok(
        "UpdateTable",
        json!({"TableName": "t1x", "BillingMode": "PROVISIONED",
               "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
               "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "by_g",
                   "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 2}}}]}),
    );
    let table = &h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"];
    assert_eq!(
        table["BillingModeSummary"],
        json!({"BillingMode": "PROVISIONED", "LastUpdateToPayPerRequestDateTime": created})
    );
}

#[test]
fn a_global_index_created_by_update_table_is_backfilled() {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.put("t1x", json!({"pk": {"S": "a"}, "g": {"S": "x"}}));
    h.put("t1x", json!({"pk": {"S": "b"}}));
    let response = h.ok(
        "UpdateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [{"AttributeName": "g", "AttributeType": "S"}],
            "GlobalSecondaryIndexUpdates": [{"Create": {
                "IndexName": "by_g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}
            }}]
        }),
    );
    assert_eq!(
        response["TableDescription"]["GlobalSecondaryIndexes"][0]["IndexStatus"],
        "CREATING"
    );
    let scanned = h.ok("Scan", json!({"TableName": "t1x", "IndexName": "by_g"}));
    assert_eq!(scanned["Count"], 1);
    let table = &h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"];
    assert_eq!(table["GlobalSecondaryIndexes"][0]["IndexStatus"], "ACTIVE");
    assert_eq!(table["GlobalSecondaryIndexes"][0]["ItemCount"], 1);
}

/// A table with a second's control-plane delay, an item, and index `by_g` backfilling.
fn backfilling() -> Harness {
    let mut h = Harness::new();
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"ControlPlaneMillis": 1000}),
    );
    h.table("t1x", None);
    h.ok("Dynoscope_AdvanceClock", json!({"Millis": 1000}));
    h.put("t1x", json!({"pk": {"S": "a"}, "g": {"S": "x"}}));
    h.ok(
        "UpdateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [{"AttributeName": "g", "AttributeType": "S"}],
            "GlobalSecondaryIndexUpdates": [{"Create": {
                "IndexName": "by_g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}
            }}]
        }),
    );
    h
}

#[test]
fn a_global_index_cannot_be_read_while_it_backfills() {
    let mut h = backfilling();
    let query = json!({"TableName": "t1x", "IndexName": "by_g",
        "KeyConditionExpression": "g = :g", "ExpressionAttributeValues": {":g": {"S": "x"}}});
    for (operation, request) in [
        ("Query", query.clone()),
        ("Scan", json!({"TableName": "t1x", "IndexName": "by_g"})),
    ] {
        let e = h.err(operation, request);
        assert_eq!(e.kind.name(), "ValidationException");
        assert_eq!(
            e.message,
            "Cannot read from backfilling global secondary index"
        );
    }
    h.ok("Dynoscope_AdvanceClock", json!({"Millis": 1000}));
    assert_eq!(h.ok("Query", query)["Count"], 1);
}

#[test]
fn a_global_index_can_be_deleted_while_it_backfills() {
    let mut h = backfilling();
    h.ok(
        "UpdateTable",
        json!({"TableName": "t1x", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "by_g"}}]}),
    );
    let table = &h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"];
    assert!(table.get("GlobalSecondaryIndexes").is_none(), "{table}");
}

#[test]
fn other_changes_wait_for_the_backfill() {
    let mut h = backfilling();
    let e = h.err(
        "UpdateTable",
        json!({"TableName": "t1x", "DeletionProtectionEnabled": true}),
    );
    assert_eq!(e.kind.name(), "ResourceInUseException");
}

#[test]
fn a_global_index_can_be_deleted() {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.ok(
        "UpdateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [{"AttributeName": "g", "AttributeType": "S"}],
            "GlobalSecondaryIndexUpdates": [{"Create": {
                "IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}
            }}]
        }),
    );
    h.ok("UpdateTable", json!({"TableName": "t1x", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "by_g"}}]}));
    let table = &h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"];
    assert!(table.get("GlobalSecondaryIndexes").is_none());
}

#[test]
fn only_one_index_can_be_created_or_deleted_per_update() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let create = |name: &str| json!({"Create": {"IndexName": name, "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}});
    let e = h.err(
        "UpdateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [{"AttributeName": "g", "AttributeType": "S"}],
            "GlobalSecondaryIndexUpdates": [create("one"), create("two")]
        }),
    );
    assert_eq!(e.kind, ErrorKind::LimitExceededException);
}

#[test]
fn enabling_a_stream_shows_its_label_and_arn() {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.ok(
        "UpdateTable",
        json!({"TableName": "t1x", "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"}}),
    );
    let table = &h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"];
    assert_eq!(
        table["StreamSpecification"],
        json!({"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"})
    );
    let label = table["LatestStreamLabel"].as_str().unwrap();
    assert_eq!(
        table["LatestStreamArn"],
        format!("arn:aws:dynamodb:us-east-1:000000000000:table/t1x/stream/{label}")
    );
}

#[test]
fn deletion_protection_blocks_delete_table() {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.ok(
        "UpdateTable",
        json!({"TableName": "t1x", "DeletionProtectionEnabled": true}),
    );
    let e = h.err("DeleteTable", json!({"TableName": "t1x"}));
    assert_eq!(e.kind, ErrorKind::ValidationException);
}

#[test]
fn time_to_live_is_enabled_once_and_described() {
    let mut h = Harness::new();
    h.table("t1x", None);
    assert_eq!(
        h.ok("DescribeTimeToLive", json!({"TableName": "t1x"})),
        json!({"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}})
    );
    let spec = json!({"TableName": "t1x", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "expires"}});
    assert_eq!(
        h.ok("UpdateTimeToLive", spec.clone()),
        json!({"TimeToLiveSpecification": {"Enabled": true, "AttributeName": "expires"}})
    );
    assert_eq!(
        h.ok("DescribeTimeToLive", json!({"TableName": "t1x"}))["TimeToLiveDescription"],
        json!({"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"})
    );
    assert_eq!(
        h.err("UpdateTimeToLive", spec).message,
        "TimeToLive is already enabled"
    );
}

#[test]
fn time_to_live_can_change_only_once_an_hour() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let spec = |enabled: bool| json!({"TableName": "t1x", "TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": "ttl"}});
    h.ok("UpdateTimeToLive", spec(true));
    let e = h.err("UpdateTimeToLive", spec(false));
    assert_eq!(
        e.message,
        "Time to live has been modified multiple times within a fixed interval"
    );
    h.engine.advance_clock_by(3_600_000);
    h.ok("UpdateTimeToLive", spec(false));
}

#[test]
fn tags_are_added_listed_and_removed_by_table_arn() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/t1x";
    h.ok("TagResource", json!({"ResourceArn": arn, "Tags": [{"Key": "team", "Value": "a"}, {"Key": "env", "Value": "dev"}]}));
    assert_eq!(
        h.ok("ListTagsOfResource", json!({"ResourceArn": arn}))["Tags"],
        json!([{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "a"}])
    );
    h.ok(
        "UntagResource",
        json!({"ResourceArn": arn, "TagKeys": ["env"]}),
    );
    assert_eq!(
        h.ok("ListTagsOfResource", json!({"ResourceArn": arn}))["Tags"],
        json!([{"Key": "team", "Value": "a"}])
    );
}

#[test]
fn tagging_a_missing_table_names_the_arn() {
    let mut h = Harness::new();
    let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/nope";
    let e = h.err("ListTagsOfResource", json!({"ResourceArn": arn}));
    assert_eq!(
        e.message,
        format!("Requested resource not found: ResourcArn: {arn} not found")
    );
}

#[test]
fn describe_limits_gives_the_default_account_limits() {
    let mut h = Harness::new();
    assert_eq!(
        h.ok("DescribeLimits", json!({}))["TableMaxWriteCapacityUnits"],
        40000
    );
}

/// A pay-per-request table with global index `by_g`.
fn on_demand_with_index(h: &mut Harness) {
    h.ok(
        "CreateTable",
        json!({
            "TableName": "t1x", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "GlobalSecondaryIndexes": [{"IndexName": "by_g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}}]
        }),
    );
}

#[test]
fn switching_to_provisioned_needs_capacity_for_each_global_index() {
    let mut h = Harness::new();
    on_demand_with_index(&mut h);
    let e = h.err(
        "UpdateTable",
        json!({"TableName": "t1x", "BillingMode": "PROVISIONED",
               "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}),
    );
    assert_eq!(
        e.message,
        "One or more parameter values were invalid: ProvisionedThroughput must be specified for index: by_g"
    );
}

#[test]
fn switching_to_provisioned_with_index_capacity_sets_it() {
    let mut h = Harness::new();
    on_demand_with_index(&mut h);
    h.ok(
        "UpdateTable",
        json!({"TableName": "t1x", "BillingMode": "PROVISIONED",
               "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
               "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "by_g",
                   "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 2}}}]}),
    );
    let table = &h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"];
    let index = &table["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"];
    assert_eq!(index["ReadCapacityUnits"], 3);
    assert_eq!(index["WriteCapacityUnits"], 2);
}
