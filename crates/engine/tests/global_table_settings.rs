//! The rest of the global tables surface: UpdateTableReplicaAutoScaling and
//! DescribeTableReplicaAutoScaling (settings kept across replicas), and the legacy
//! 2017.11.29 operations as DynamoDB answers them today (creation refused, nothing found).

mod common;

use common::{Harness, call_in};
use dynoscope_engine::{Engine, EngineConfig, ErrorKind, MemoryStore};
use serde_json::{Value, json};

const EAST: &str = "us-east-1";
const WEST: &str = "us-west-2";

fn harness() -> Harness {
    Harness {
        engine: Engine::new(EngineConfig {
            record_changes: true,
            ..Default::default()
        }),
    }
}

/// `t1x` (provisioned, global index `by_g`) in us-east-1 with a replica in us-west-2.
fn provisioned_global_table() -> Harness {
    let mut h = harness();
    h.provisioned_table_with_index((5, 5), (5, 5), "ALL");
    call_in(
        &mut h,
        EAST,
        "UpdateTable",
        json!({"TableName": "t1x", "ReplicaUpdates": [{"Create": {"RegionName": WEST}}]}),
    )
    .unwrap();
    h
}

fn settings(min: i64, max: i64, target: f64) -> Value {
    json!({"MinimumUnits": min, "MaximumUnits": max, "ScalingPolicyUpdate": {"PolicyName": "p", "TargetTrackingScalingPolicyConfiguration": {"TargetValue": target}}})
}

fn described(min: i64, max: i64, target: f64) -> Value {
    json!({"MinimumUnits": min, "MaximumUnits": max, "ScalingPolicies": [{"PolicyName": "p", "TargetTrackingScalingPolicyConfiguration": {"TargetValue": target}}]})
}

// ---- UpdateTableReplicaAutoScaling / DescribeTableReplicaAutoScaling ----

#[test]
fn replica_auto_scaling_describes_every_replica_with_its_indexes() {
    let mut h = provisioned_global_table();
    let d = h.ok(
        "DescribeTableReplicaAutoScaling",
        json!({"TableName": "t1x"}),
    )["TableAutoScalingDescription"]
        .clone();
    assert_eq!(d["TableName"], "t1x");
    assert_eq!(d["TableStatus"], "ACTIVE");
    let regions: Vec<&str> = d["Replicas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["RegionName"].as_str().unwrap())
        .collect();
    assert_eq!(regions, [EAST, WEST]);
    assert_eq!(d["Replicas"][1]["ReplicaStatus"], "ACTIVE");
    assert_eq!(
        d["Replicas"][0]["GlobalSecondaryIndexes"],
        json!([{"IndexName": "by_g", "IndexStatus": "ACTIVE"}])
    );
}

#[test]
fn write_settings_are_the_groups_and_read_settings_each_replicas() {
    let mut h = provisioned_global_table();
    let answer = h.ok(
        "UpdateTableReplicaAutoScaling",
        json!({
            "TableName": "t1x",
            "ProvisionedWriteCapacityAutoScalingUpdate": settings(5, 50, 70.0),
            "GlobalSecondaryIndexUpdates": [{"IndexName": "by_g", "ProvisionedWriteCapacityAutoScalingUpdate": settings(2, 20, 60.0)}],
            "ReplicaUpdates": [{"RegionName": WEST, "ReplicaProvisionedReadCapacityAutoScalingUpdate": settings(1, 10, 50.0),
                "ReplicaGlobalSecondaryIndexUpdates": [{"IndexName": "by_g", "ProvisionedReadCapacityAutoScalingUpdate": settings(3, 30, 40.0)}]}],
        }),
    );
    let replicas = &answer["TableAutoScalingDescription"]["Replicas"];
    for replica in replicas.as_array().unwrap() {
        assert_eq!(
            replica["ReplicaProvisionedWriteCapacityAutoScalingSettings"],
            described(5, 50, 70.0)
        );
        assert_eq!(
            replica["GlobalSecondaryIndexes"][0]["ProvisionedWriteCapacityAutoScalingSettings"],
            described(2, 20, 60.0)
        );
    }
    assert!(
        replicas[0]
            .get("ReplicaProvisionedReadCapacityAutoScalingSettings")
            .is_none()
    );
    assert_eq!(
        replicas[1]["ReplicaProvisionedReadCapacityAutoScalingSettings"],
        described(1, 10, 50.0)
    );
    assert_eq!(
        replicas[1]["GlobalSecondaryIndexes"][0]["ProvisionedReadCapacityAutoScalingSettings"],
        described(3, 30, 40.0)
    );
    // The replica's region describes the same settings.
    let west = call_in(
        &mut h,
        WEST,
        "DescribeTableReplicaAutoScaling",
        json!({"TableName": "t1x"}),
    )
    .unwrap();
    assert_eq!(
        west["TableAutoScalingDescription"]["Replicas"][0]["RegionName"],
        WEST
    );
    assert_eq!(
        west["TableAutoScalingDescription"]["Replicas"][0]["ReplicaProvisionedReadCapacityAutoScalingSettings"],
        described(1, 10, 50.0)
    );
}

#[test]
fn auto_scaling_settings_survive_a_restore() {
    let mut h = provisioned_global_table();
    h.ok("UpdateTableReplicaAutoScaling", json!({"TableName": "t1x", "ProvisionedWriteCapacityAutoScalingUpdate": settings(5, 50, 70.0)}));
    let mut store = MemoryStore::default();
    store.apply(&h.engine.take_changes());
    let mut restored = Harness {
        engine: Engine::new(EngineConfig::default()),
    };
    restored.engine.restore(&store.snapshot()).unwrap();
    let d = restored.ok(
        "DescribeTableReplicaAutoScaling",
        json!({"TableName": "t1x"}),
    );
    assert_eq!(
        d["TableAutoScalingDescription"]["Replicas"][0]["ReplicaProvisionedWriteCapacityAutoScalingSettings"],
        described(5, 50, 70.0)
    );
}

#[test]
fn auto_scaling_is_refused_for_an_on_demand_table() {
    let mut h = harness();
    h.table("ondemand", None);
    let e = h.err("UpdateTableReplicaAutoScaling", json!({"TableName": "ondemand", "ProvisionedWriteCapacityAutoScalingUpdate": settings(1, 2, 50.0)}));
    assert_eq!(e.kind, ErrorKind::ValidationException);
    assert!(e.message.contains("PAY_PER_REQUEST"), "{e}");
}

#[test]
fn auto_scaling_of_a_region_without_a_replica_is_refused() {
    let mut h = provisioned_global_table();
    let e = h.err("UpdateTableReplicaAutoScaling", json!({"TableName": "t1x", "ReplicaUpdates": [{"RegionName": "eu-west-1", "ReplicaProvisionedReadCapacityAutoScalingUpdate": settings(1, 2, 50.0)}]}));
    assert!(
        e.message.contains("no replica in the region eu-west-1"),
        "{e}"
    );
}

#[test]
fn auto_scaling_of_an_unknown_index_is_resource_not_found() {
    let mut h = provisioned_global_table();
    let e = h.err("UpdateTableReplicaAutoScaling", json!({"TableName": "t1x", "GlobalSecondaryIndexUpdates": [{"IndexName": "nope", "ProvisionedWriteCapacityAutoScalingUpdate": settings(1, 2, 50.0)}]}));
    assert_eq!(e.kind, ErrorKind::ResourceNotFoundException);
}

#[test]
fn minimum_units_above_maximum_units_are_refused() {
    let mut h = provisioned_global_table();
    let e = h.err("UpdateTableReplicaAutoScaling", json!({"TableName": "t1x", "ProvisionedWriteCapacityAutoScalingUpdate": settings(10, 2, 50.0)}));
    assert!(
        e.message.contains("cannot be greater than MaximumUnits"),
        "{e}"
    );
}

#[test]
fn units_below_one_are_a_validation_error_in_dynamodbs_form() {
    let mut h = provisioned_global_table();
    let e = h.err("UpdateTableReplicaAutoScaling", json!({"TableName": "t1x", "ProvisionedWriteCapacityAutoScalingUpdate": settings(0, 2, 50.0)}));
    assert!(e.message.starts_with("1 validation error detected"), "{e}");
    assert!(
        e.message
            .contains("provisionedWriteCapacityAutoScalingUpdate.minimumUnits"),
        "{e}"
    );
}

#[test]
fn replica_auto_scaling_of_a_missing_table_is_resource_not_found() {
    let mut h = harness();
    let e = h.err(
        "DescribeTableReplicaAutoScaling",
        json!({"TableName": "nope"}),
    );
    assert_eq!(e.kind, ErrorKind::ResourceNotFoundException);
}

// ---- version 2017.11.29 (Legacy) ----

const NOT_SUPPORTED: &str = "One or more parameter values were invalid: DynamoDB global tables version 2017.11.29 is not supported. We recommend using DynamoDB global tables version 2019.11.21, instead of version 2017.11.29 (Legacy).";

#[test]
fn create_global_table_is_refused_as_no_longer_supported() {
    let mut h = harness();
    h.table("legacy", None);
    let e = h.err("CreateGlobalTable", json!({"GlobalTableName": "legacy", "ReplicationGroup": [{"RegionName": EAST}, {"RegionName": WEST}]}));
    assert_eq!(e.kind, ErrorKind::ValidationException);
    assert_eq!(e.message, NOT_SUPPORTED);
    // Nothing was made.
    let e = h.err("DescribeGlobalTable", json!({"GlobalTableName": "legacy"}));
    assert_eq!(e.kind, ErrorKind::GlobalTableNotFoundException);
}

#[test]
fn create_global_table_names_a_region_the_legacy_version_never_served() {
    let mut h = harness();
    let e = h.err(
        "CreateGlobalTable",
        json!({"GlobalTableName": "legacy", "ReplicationGroup": [{"RegionName": "ap-south-1"}]}),
    );
    assert!(
        e.message.contains(
            "not supported in this region 'ap-south-1', supported regions are : [eu-west-2"
        ),
        "{e}"
    );
}

#[test]
fn describe_global_table_of_a_2019_global_table_is_global_table_not_found() {
    let mut h = provisioned_global_table();
    let e = h.err("DescribeGlobalTable", json!({"GlobalTableName": "t1x"}));
    assert_eq!(e.kind, ErrorKind::GlobalTableNotFoundException);
    assert_eq!(
        e.message,
        "Global table not found: Global table with name: 't1x' does not exist."
    );
    assert_eq!(
        e.wire_type(),
        "com.amazonaws.dynamodb.v20120810#GlobalTableNotFoundException"
    );
}

#[test]
fn the_settings_operations_find_no_global_table() {
    let mut h = provisioned_global_table();
    for operation in ["DescribeGlobalTableSettings", "UpdateGlobalTableSettings"] {
        let e = h.err(
            operation,
            json!({"GlobalTableName": "t1x", "GlobalTableBillingMode": "PAY_PER_REQUEST"}),
        );
        assert_eq!(
            e.kind,
            ErrorKind::GlobalTableNotFoundException,
            "{operation}"
        );
        assert_eq!(e.message, "Global table with name: 't1x' does not exist.");
    }
}

#[test]
fn update_global_table_refuses_adding_a_replica_before_looking_for_the_table() {
    let mut h = harness();
    let e = h.err(
        "UpdateGlobalTable",
        json!({"GlobalTableName": "missing", "ReplicaUpdates": [{"Create": {"RegionName": WEST}}]}),
    );
    assert_eq!(e.message, NOT_SUPPORTED);
    let e = h.err(
        "UpdateGlobalTable",
        json!({"GlobalTableName": "missing", "ReplicaUpdates": [{"Delete": {"RegionName": WEST}}]}),
    );
    assert_eq!(e.kind, ErrorKind::GlobalTableNotFoundException);
    let e = h.err(
        "UpdateGlobalTable",
        json!({"GlobalTableName": "missing", "ReplicaUpdates": []}),
    );
    assert_eq!(e.message, "One or more parameter values were invalid");
}

#[test]
fn list_global_tables_lists_none() {
    let mut h = provisioned_global_table();
    assert_eq!(
        h.ok("ListGlobalTables", json!({})),
        json!({"GlobalTables": []})
    );
    assert_eq!(
        h.ok("ListGlobalTables", json!({"RegionName": WEST, "Limit": 1})),
        json!({"GlobalTables": []})
    );
}

#[test]
fn the_legacy_operations_check_the_global_table_name() {
    let mut h = harness();
    let e = h.err("DescribeGlobalTable", json!({"GlobalTableName": "x"}));
    assert_eq!(e.kind, ErrorKind::ValidationException);
    assert!(e.message.contains("globalTableName"), "{e}");
}
