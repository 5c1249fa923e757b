//! Multi-Region strong consistency (MRSC) of global tables: UpdateTable with
//! MultiRegionConsistency STRONG and GlobalTableWitnessUpdates, DynamoDB's rules for the
//! group (three regions of one region set, an empty table, no TTL, no local indexes, no
//! transactions), synchronous replication and ReplicatedWriteConflictException.

mod common;

use common::{Harness, call_in, ok_in};
use dynoscope_engine::{DynamoError, Engine, EngineConfig, ErrorKind};
use serde_json::{Value, json};

const EAST: &str = "us-east-1";
const OHIO: &str = "us-east-2";
const WEST: &str = "us-west-2";

fn harness() -> Harness {
    Harness {
        engine: Engine::new(EngineConfig {
            record_events: true,
            ..Default::default()
        }),
    }
}

fn err_in(h: &mut Harness, region: &str, operation: &str, request: Value) -> DynamoError {
    call_in(h, region, operation, request).expect_err(operation)
}

fn make_strong(
    h: &mut Harness,
    replicas: &[&str],
    witness: Option<&str>,
) -> Result<Value, DynamoError> {
    let mut request = json!({
        "TableName": "mrsc",
        "ReplicaUpdates": replicas.iter().map(|r| json!({"Create": {"RegionName": r}})).collect::<Vec<_>>(),
        "MultiRegionConsistency": "STRONG",
    });
    if let Some(witness) = witness {
        request["GlobalTableWitnessUpdates"] = json!([{"Create": {"RegionName": witness}}]);
    }
    call_in(h, EAST, "UpdateTable", request)
}

/// `mrsc` in us-east-1 with a replica in us-east-2 and a witness in us-west-2.
fn strong_table() -> Harness {
    let mut h = harness();
    h.table("mrsc", None);
    make_strong(&mut h, &[OHIO], Some(WEST)).unwrap();
    h
}

fn put_in(h: &mut Harness, region: &str, pk: &str, v: &str) -> Result<Value, DynamoError> {
    call_in(
        h,
        region,
        "PutItem",
        json!({"TableName": "mrsc", "Item": {"pk": {"S": pk}, "v": {"S": v}}}),
    )
}

fn read_in(h: &mut Harness, region: &str, pk: &str) -> Option<String> {
    let answer = ok_in(
        h,
        region,
        "GetItem",
        json!({"TableName": "mrsc", "Key": {"pk": {"S": pk}}, "ConsistentRead": true}),
    );
    answer["Item"]["v"]["S"].as_str().map(str::to_owned)
}

#[test]
fn describe_table_shows_strong_consistency_and_the_witness() {
    let mut h = strong_table();
    let east = ok_in(&mut h, EAST, "DescribeTable", json!({"TableName": "mrsc"}))["Table"].clone();
    assert_eq!(east["MultiRegionConsistency"], "STRONG");
    assert_eq!(east["GlobalTableVersion"], "2019.11.21");
    assert_eq!(
        east["Replicas"],
        json!([{"RegionName": OHIO, "ReplicaStatus": "ACTIVE"}])
    );
    assert_eq!(
        east["GlobalTableWitnesses"],
        json!([{"RegionName": WEST, "WitnessStatus": "ACTIVE"}])
    );
    let ohio = ok_in(&mut h, OHIO, "DescribeTable", json!({"TableName": "mrsc"}))["Table"].clone();
    assert_eq!(ohio["MultiRegionConsistency"], "STRONG");
    // The witness serves no reads or writes: it holds no table.
    let e = err_in(&mut h, WEST, "DescribeTable", json!({"TableName": "mrsc"}));
    assert_eq!(e.kind, ErrorKind::ResourceNotFoundException);
}

#[test]
fn an_eventually_consistent_global_table_says_eventual() {
    let mut h = harness();
    h.table("mrsc", None);
    ok_in(
        &mut h,
        EAST,
        "UpdateTable",
        json!({"TableName": "mrsc", "ReplicaUpdates": [{"Create": {"RegionName": WEST}}]}),
    );
    let t = ok_in(&mut h, EAST, "DescribeTable", json!({"TableName": "mrsc"}))["Table"].clone();
    assert_eq!(t["MultiRegionConsistency"], "EVENTUAL");
    assert!(t.get("GlobalTableWitnesses").is_none());
}

#[test]
fn three_replicas_without_a_witness_are_allowed() {
    let mut h = harness();
    h.table("mrsc", None);
    make_strong(&mut h, &[OHIO, WEST], None).unwrap();
    let t = ok_in(&mut h, WEST, "DescribeTable", json!({"TableName": "mrsc"}))["Table"].clone();
    assert_eq!(t["MultiRegionConsistency"], "STRONG");
    assert_eq!(t["Replicas"].as_array().unwrap().len(), 2);
}

#[test]
fn strong_consistency_needs_exactly_three_regions() {
    let mut h = harness();
    h.table("mrsc", None);
    let e = make_strong(&mut h, &[OHIO], None).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ValidationException);
    assert!(e.message.contains("exactly three regions"), "{e}");
}

#[test]
fn strong_consistency_stays_within_one_region_set() {
    let mut h = harness();
    h.table("mrsc", None);
    let e = make_strong(&mut h, &[OHIO], Some("eu-west-1")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ValidationException);
    assert!(e.message.contains("one region set"), "{e}");
}

#[test]
fn strong_consistency_needs_an_empty_table() {
    let mut h = harness();
    h.table("mrsc", None);
    put_in(&mut h, EAST, "a", "1").unwrap();
    let e = make_strong(&mut h, &[OHIO], Some(WEST)).unwrap_err();
    assert!(e.message.contains("must be empty"), "{e}");
}

#[test]
fn strong_consistency_refuses_a_table_with_ttl() {
    let mut h = harness();
    h.table("mrsc", None);
    h.ok("UpdateTimeToLive", json!({"TableName": "mrsc", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}));
    let e = make_strong(&mut h, &[OHIO], Some(WEST)).unwrap_err();
    assert!(e.message.contains("Time to Live"), "{e}");
}

#[test]
fn time_to_live_cannot_be_enabled_on_an_mrsc_table() {
    let mut h = strong_table();
    let e = err_in(
        &mut h,
        EAST,
        "UpdateTimeToLive",
        json!({"TableName": "mrsc", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}),
    );
    assert_eq!(e.kind, ErrorKind::ValidationException);
}

#[test]
fn strong_consistency_refuses_local_secondary_indexes() {
    let mut h = harness();
    h.ok(
        "CreateTable",
        json!({
            "TableName": "mrsc",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}, {"AttributeName": "l", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "LocalSecondaryIndexes": [{"IndexName": "by_l", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "l", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "ALL"}}],
            "BillingMode": "PAY_PER_REQUEST",
        }),
    );
    let e = make_strong(&mut h, &[OHIO], Some(WEST)).unwrap_err();
    assert!(e.message.contains("Local secondary indexes"), "{e}");
}

#[test]
fn multi_region_consistency_needs_a_create_action() {
    let mut h = harness();
    h.table("mrsc", None);
    let e = err_in(
        &mut h,
        EAST,
        "UpdateTable",
        json!({"TableName": "mrsc", "MultiRegionConsistency": "STRONG"}),
    );
    assert!(e.message.contains("Create actions"), "{e}");
}

#[test]
fn the_consistency_mode_cannot_change_after_creation() {
    let mut h = harness();
    h.table("mrsc", None);
    ok_in(
        &mut h,
        EAST,
        "UpdateTable",
        json!({"TableName": "mrsc", "ReplicaUpdates": [{"Create": {"RegionName": OHIO}}]}),
    );
    let e = err_in(
        &mut h,
        EAST,
        "UpdateTable",
        json!({"TableName": "mrsc", "ReplicaUpdates": [{"Create": {"RegionName": WEST}}], "MultiRegionConsistency": "STRONG"}),
    );
    assert!(e.message.contains("cannot be changed"), "{e}");
}

#[test]
fn a_witness_needs_strong_consistency() {
    let mut h = harness();
    h.table("mrsc", None);
    let e = err_in(
        &mut h,
        EAST,
        "UpdateTable",
        json!({"TableName": "mrsc", "ReplicaUpdates": [{"Create": {"RegionName": OHIO}}], "GlobalTableWitnessUpdates": [{"Create": {"RegionName": WEST}}]}),
    );
    assert!(e.message.contains("GlobalTableWitnessUpdates"), "{e}");
}

#[test]
fn an_unknown_consistency_mode_is_a_validation_error() {
    let mut h = harness();
    h.table("mrsc", None);
    let e = err_in(
        &mut h,
        EAST,
        "UpdateTable",
        json!({"TableName": "mrsc", "MultiRegionConsistency": "SOMETIMES"}),
    );
    assert!(e.message.contains("multiRegionConsistency"), "{e}");
}

#[test]
fn a_write_is_read_at_once_in_the_other_replica_even_with_a_lag() {
    let mut h = strong_table();
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"GlobalReplicationLag": {"MinMillis": 5000, "MaxMillis": 5000}}),
    );
    put_in(&mut h, EAST, "a", "1").unwrap();
    assert_eq!(read_in(&mut h, OHIO, "a").as_deref(), Some("1"));
}

#[test]
fn a_write_of_an_item_being_modified_in_another_region_is_a_replicated_write_conflict() {
    let mut h = strong_table();
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"GlobalReplicationLag": {"MinMillis": 100, "MaxMillis": 100}}),
    );
    put_in(&mut h, EAST, "a", "east").unwrap();
    let e = put_in(&mut h, OHIO, "a", "ohio").unwrap_err();
    assert_eq!(e.kind, ErrorKind::ReplicatedWriteConflictException);
    assert_eq!(e.http_status(), 400);
    // The same region may write it again, another item is free, and once the write has
    // replicated the other region may too.
    put_in(&mut h, EAST, "a", "east2").unwrap();
    put_in(&mut h, OHIO, "b", "ohio").unwrap();
    h.engine.advance_clock_by(100);
    put_in(&mut h, OHIO, "a", "ohio").unwrap();
    assert_eq!(read_in(&mut h, EAST, "a").as_deref(), Some("ohio"));
}

#[test]
fn update_and_delete_item_and_batch_writes_get_the_conflict_too() {
    let mut h = strong_table();
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"GlobalReplicationLag": {"MinMillis": 100, "MaxMillis": 100}}),
    );
    put_in(&mut h, EAST, "a", "east").unwrap();
    let key = json!({"pk": {"S": "a"}});
    let update = err_in(
        &mut h,
        OHIO,
        "UpdateItem",
        json!({"TableName": "mrsc", "Key": key, "UpdateExpression": "SET v = :v", "ExpressionAttributeValues": {":v": {"S": "x"}}}),
    );
    assert_eq!(update.kind, ErrorKind::ReplicatedWriteConflictException);
    let delete = err_in(
        &mut h,
        OHIO,
        "DeleteItem",
        json!({"TableName": "mrsc", "Key": key}),
    );
    assert_eq!(delete.kind, ErrorKind::ReplicatedWriteConflictException);
    let batch = err_in(
        &mut h,
        OHIO,
        "BatchWriteItem",
        json!({"RequestItems": {"mrsc": [{"DeleteRequest": {"Key": key}}]}}),
    );
    assert_eq!(batch.kind, ErrorKind::ReplicatedWriteConflictException);
}

#[test]
fn without_a_replication_lag_nothing_conflicts() {
    let mut h = strong_table();
    put_in(&mut h, EAST, "a", "east").unwrap();
    put_in(&mut h, OHIO, "a", "ohio").unwrap();
    assert_eq!(read_in(&mut h, EAST, "a").as_deref(), Some("ohio"));
}

#[test]
fn transactions_are_refused_on_an_mrsc_table() {
    let mut h = strong_table();
    let e = err_in(
        &mut h,
        EAST,
        "TransactWriteItems",
        json!({"TransactItems": [{"Put": {"TableName": "mrsc", "Item": {"pk": {"S": "a"}}}}]}),
    );
    assert_eq!(e.kind, ErrorKind::ValidationException);
    assert!(e.message.contains("Transactions are not supported"), "{e}");
    let e = err_in(
        &mut h,
        OHIO,
        "TransactGetItems",
        json!({"TransactItems": [{"Get": {"TableName": "mrsc", "Key": {"pk": {"S": "a"}}}}]}),
    );
    assert!(e.message.contains("Transactions are not supported"), "{e}");
}

#[test]
fn one_region_down_leaves_the_other_two_serving_writes() {
    let mut h = strong_table();
    h.ok(
        "Dynoscope_SetRegionAvailability",
        json!({"RegionName": WEST, "Available": false}),
    );
    put_in(&mut h, EAST, "a", "1").unwrap();
    assert_eq!(read_in(&mut h, OHIO, "a").as_deref(), Some("1"));
}

#[test]
fn a_replica_cut_off_from_both_other_regions_refuses_writes() {
    let mut h = strong_table();
    h.ok(
        "Dynoscope_SetRegionAvailability",
        json!({"RegionName": WEST, "Available": false}),
    );
    h.ok(
        "Dynoscope_SetRegionAvailability",
        json!({"RegionName": OHIO, "Available": false}),
    );
    let e = put_in(&mut h, EAST, "a", "1").unwrap_err();
    assert_eq!(e.kind, ErrorKind::InternalServerError);
    // Eventually consistent reads are still served.
    ok_in(
        &mut h,
        EAST,
        "GetItem",
        json!({"TableName": "mrsc", "Key": {"pk": {"S": "a"}}}),
    );
}

#[test]
fn a_replica_that_was_down_receives_the_writes_it_missed_when_back() {
    let mut h = strong_table();
    h.ok(
        "Dynoscope_SetRegionAvailability",
        json!({"RegionName": OHIO, "Available": false}),
    );
    put_in(&mut h, EAST, "a", "1").unwrap();
    h.ok(
        "Dynoscope_SetRegionAvailability",
        json!({"RegionName": OHIO, "Available": true}),
    );
    assert_eq!(read_in(&mut h, OHIO, "a").as_deref(), Some("1"));
}

#[test]
fn a_replica_and_the_witness_are_deleted_together_leaving_a_single_region_table() {
    let mut h = strong_table();
    let e = err_in(
        &mut h,
        EAST,
        "UpdateTable",
        json!({"TableName": "mrsc", "ReplicaUpdates": [{"Delete": {"RegionName": OHIO}}]}),
    );
    assert!(e.message.contains("deleted only all together"), "{e}");
    ok_in(
        &mut h,
        EAST,
        "UpdateTable",
        json!({"TableName": "mrsc", "ReplicaUpdates": [{"Delete": {"RegionName": OHIO}}], "GlobalTableWitnessUpdates": [{"Delete": {"RegionName": WEST}}]}),
    );
    let t = ok_in(&mut h, EAST, "DescribeTable", json!({"TableName": "mrsc"}))["Table"].clone();
    assert!(t.get("MultiRegionConsistency").is_none(), "{t}");
    assert!(t.get("Replicas").is_none());
}

#[test]
fn no_replica_can_be_added_to_an_mrsc_table() {
    let mut h = strong_table();
    let e = err_in(
        &mut h,
        EAST,
        "UpdateTable",
        json!({"TableName": "mrsc", "ReplicaUpdates": [{"Create": {"RegionName": "us-west-1"}}]}),
    );
    assert!(e.message.contains("exactly three regions"), "{e}");
}
