//! Global tables (version 2019.11.21), simulated: replicas in other regions made by
//! UpdateTable's ReplicaUpdates, requests addressed to a region (`Engine::dispatch_in`),
//! replication after the simulation's lag with last writer wins, region outages, and
//! replicas kept across a restart.

mod common;

use common::{Harness, call_in, ok_in};
use dynoscope_engine::{Engine, EngineConfig, MemoryStore};
use serde_json::{Value, json};

const WEST: &str = "us-west-2";
const EAST: &str = "us-east-1";

fn harness(control_plane_millis: u64) -> Harness {
    Harness {
        engine: Engine::new(EngineConfig {
            record_changes: true,
            record_events: true,
            control_plane_millis,
            ..Default::default()
        }),
    }
}

fn put_in(h: &mut Harness, region: &str, pk: &str, v: &str) {
    ok_in(
        h,
        region,
        "PutItem",
        json!({"TableName": "gtab", "Item": {"pk": {"S": pk}, "v": {"S": v}}}),
    );
}

fn get_in(h: &mut Harness, region: &str, pk: &str) -> Option<String> {
    let answer = ok_in(
        h,
        region,
        "GetItem",
        json!({"TableName": "gtab", "Key": {"pk": {"S": pk}}, "ConsistentRead": true}),
    );
    answer["Item"]["v"]["S"].as_str().map(str::to_owned)
}

fn add_replica(h: &mut Harness, region: &str) -> Value {
    ok_in(
        h,
        EAST,
        "UpdateTable",
        json!({"TableName": "gtab", "ReplicaUpdates": [{"Create": {"RegionName": region}}]}),
    )
}

fn set_lag(h: &mut Harness, min: u64, max: u64) {
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"GlobalReplicationLag": {"MinMillis": min, "MaxMillis": max}}),
    );
}

/// A table `gtab` in us-east-1 holding `a`, with a replica in us-west-2 (ACTIVE at once).
fn global_table() -> Harness {
    let mut h = harness(0);
    h.table("gtab", None);
    put_in(&mut h, EAST, "a", "1");
    add_replica(&mut h, WEST);
    h
}

fn events(h: &mut Harness, kind: &str) -> Vec<Value> {
    let events = h.ok("Dynoscope_GetEvents", json!({}));
    events["Events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["Kind"] == kind)
        .cloned()
        .collect()
}

#[test]
fn a_replica_copies_the_items_and_goes_from_creating_to_active() {
    let mut h = harness(10_000);
    h.table("gtab", None);
    h.engine.advance_clock_by(10_000);
    put_in(&mut h, EAST, "a", "1");
    put_in(&mut h, EAST, "b", "2");
    let answer = add_replica(&mut h, WEST);
    let table = &answer["TableDescription"];
    assert_eq!(table["TableStatus"], "UPDATING");
    assert_eq!(table["GlobalTableVersion"], "2019.11.21");
    assert_eq!(table["Replicas"][0]["RegionName"], WEST);
    assert_eq!(table["Replicas"][0]["ReplicaStatus"], "CREATING");
    // Made global, the table streams NEW_AND_OLD_IMAGES.
    assert_eq!(
        table["StreamSpecification"]["StreamViewType"],
        "NEW_AND_OLD_IMAGES"
    );

    let west = ok_in(&mut h, WEST, "DescribeTable", json!({"TableName": "gtab"}));
    assert_eq!(west["Table"]["TableStatus"], "CREATING");
    let arn = west["Table"]["TableArn"].as_str().unwrap();
    assert!(arn.starts_with("arn:aws:dynamodb:us-west-2:"), "{arn}");
    assert!(
        west["Table"]["LatestStreamArn"]
            .as_str()
            .unwrap()
            .starts_with(arn)
    );
    assert_eq!(
        west["Table"]["Replicas"],
        json!([{"RegionName": EAST, "ReplicaStatus": "ACTIVE"}])
    );
    assert_eq!(get_in(&mut h, WEST, "a").as_deref(), Some("1"));
    assert_eq!(get_in(&mut h, WEST, "b").as_deref(), Some("2"));

    h.engine.advance_clock_by(10_000);
    let east = ok_in(&mut h, EAST, "DescribeTable", json!({"TableName": "gtab"}));
    assert_eq!(east["Table"]["TableStatus"], "ACTIVE");
    assert_eq!(
        east["Table"]["Replicas"],
        json!([{"RegionName": WEST, "ReplicaStatus": "ACTIVE"}])
    );
    let west = ok_in(&mut h, WEST, "DescribeTable", json!({"TableName": "gtab"}));
    assert_eq!(west["Table"]["TableStatus"], "ACTIVE");
    assert_ne!(west["Table"]["TableId"], east["Table"]["TableId"]);
    // Each region lists its own tables.
    let listed = ok_in(&mut h, "eu-west-1", "ListTables", json!({}));
    assert_eq!(listed["TableNames"], json!([]));
}

#[test]
fn replica_updates_are_checked_as_dynamodb_checks_them() {
    let mut h = global_table();
    let local = call_in(
        &mut h,
        EAST,
        "UpdateTable",
        json!({"TableName": "gtab", "ReplicaUpdates": [{"Create": {"RegionName": EAST}}]}),
    )
    .unwrap_err();
    assert_eq!(
        local.message,
        "Cannot add, delete, or update the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required."
    );
    let again = call_in(
        &mut h,
        EAST,
        "UpdateTable",
        json!({"TableName": "gtab", "ReplicaUpdates": [{"Create": {"RegionName": WEST}}]}),
    )
    .unwrap_err();
    assert!(
        again.message.contains("already existed as tables"),
        "{}",
        again.message
    );
    let missing = call_in(
        &mut h,
        EAST,
        "UpdateTable",
        json!({"TableName": "gtab", "ReplicaUpdates": [{"Create": {}}]}),
    )
    .unwrap_err();
    assert!(
        missing
            .message
            .contains("replicaUpdates.1.member.create.regionName"),
        "{}",
        missing.message
    );
    let absent = call_in(
        &mut h,
        EAST,
        "UpdateTable",
        json!({"TableName": "gtab", "ReplicaUpdates": [{"Delete": {"RegionName": "eu-west-1"}}]}),
    )
    .unwrap_err();
    assert!(
        absent.message.contains("not part of the global table"),
        "{}",
        absent.message
    );
}

#[test]
fn a_write_reaches_the_other_region_after_the_lag_and_not_before() {
    let mut h = global_table();
    set_lag(&mut h, 1_000, 1_000);
    put_in(&mut h, EAST, "k", "east");
    assert_eq!(get_in(&mut h, WEST, "k"), None);
    h.engine.advance_clock_by(999);
    assert_eq!(get_in(&mut h, WEST, "k"), None);
    let regions = h.ok("Dynoscope_DescribeRegions", json!({}));
    let west = regions["Regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["RegionName"] == WEST)
        .unwrap()
        .clone();
    assert_eq!(west["InFlight"][0]["FromRegion"], EAST);
    h.engine.advance_clock_by(1);
    assert_eq!(get_in(&mut h, WEST, "k").as_deref(), Some("east"));
    // And the other way round.
    put_in(&mut h, WEST, "w", "west");
    assert_eq!(get_in(&mut h, EAST, "w"), None);
    h.engine.advance_clock_by(1_000);
    assert_eq!(get_in(&mut h, EAST, "w").as_deref(), Some("west"));
    let replicated = events(&mut h, "REPLICATED");
    assert_eq!(replicated.len(), 2);
    assert_eq!(replicated[0]["Detail"]["Region"], WEST);
    assert_eq!(replicated[0]["Detail"]["LagMillis"], 1_000);
    assert!(events(&mut h, "REPLICATION_CONFLICT").is_empty());
}

#[test]
fn the_replica_stream_records_replicated_writes() {
    let mut h = global_table();
    put_in(&mut h, EAST, "k", "east");
    h.engine.advance_clock_by(1);
    let west = ok_in(&mut h, WEST, "DescribeTable", json!({"TableName": "gtab"}));
    let arn = west["Table"]["LatestStreamArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let stream = ok_in(&mut h, WEST, "DescribeStream", json!({"StreamArn": arn}));
    let shard = stream["StreamDescription"]["Shards"][0]["ShardId"]
        .as_str()
        .unwrap()
        .to_owned();
    let iterator = ok_in(
        &mut h,
        WEST,
        "GetShardIterator",
        json!({"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
    );
    let records = ok_in(
        &mut h,
        WEST,
        "GetRecords",
        json!({"ShardIterator": iterator["ShardIterator"]}),
    );
    let records = records["Records"].as_array().unwrap();
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["awsRegion"], WEST);
    assert_eq!(records[0]["dynamodb"]["NewImage"]["v"]["S"], "east");
}

#[test]
fn concurrent_writes_resolve_by_last_writer_wins_either_way() {
    let mut h = global_table();
    set_lag(&mut h, 1_000, 1_000);
    // West writes later: its version wins everywhere, whichever arrives where.
    put_in(&mut h, EAST, "k", "east");
    h.engine.advance_clock_by(300);
    put_in(&mut h, WEST, "k", "west");
    h.engine.advance_clock_by(2_000);
    assert_eq!(get_in(&mut h, EAST, "k").as_deref(), Some("west"));
    assert_eq!(get_in(&mut h, WEST, "k").as_deref(), Some("west"));
    let conflicts = events(&mut h, "REPLICATION_CONFLICT");
    assert_eq!(conflicts.len(), 2, "{conflicts:?}");
    // In us-west-2 the incoming east version (older) lost to the local one.
    let in_west = conflicts
        .iter()
        .find(|c| c["Detail"]["Region"] == WEST)
        .unwrap();
    assert_eq!(in_west["Detail"]["Winner"], "LOCAL");
    assert_eq!(in_west["Detail"]["WinnerRegion"], WEST);
    assert_eq!(in_west["Detail"]["Incoming"]["Item"]["v"]["S"], "east");
    assert_eq!(in_west["Detail"]["Local"]["Item"]["v"]["S"], "west");
    // In us-east-1 the incoming west version (newer) replaced the local one.
    let in_east = conflicts
        .iter()
        .find(|c| c["Detail"]["Region"] == EAST)
        .unwrap();
    assert_eq!(in_east["Detail"]["Winner"], "INCOMING");
    assert_eq!(
        in_east["Detail"]["Local"]["AtMillis"].as_u64().unwrap() + 300,
        in_east["Detail"]["Incoming"]["AtMillis"].as_u64().unwrap()
    );

    // A write that saw the other's version is no conflict.
    put_in(&mut h, EAST, "k", "seen");
    h.engine.advance_clock_by(2_000);
    assert_eq!(get_in(&mut h, WEST, "k").as_deref(), Some("seen"));
    assert_eq!(events(&mut h, "REPLICATION_CONFLICT").len(), 2);
}

#[test]
fn deletes_replicate_and_leave_a_tombstone() {
    let mut h = global_table();
    set_lag(&mut h, 1_000, 1_000);
    ok_in(
        &mut h,
        EAST,
        "DeleteItem",
        json!({"TableName": "gtab", "Key": {"pk": {"S": "a"}}}),
    );
    assert_eq!(get_in(&mut h, WEST, "a").as_deref(), Some("1"));
    h.engine.advance_clock_by(1_000);
    assert_eq!(get_in(&mut h, WEST, "a"), None);
    // An older concurrent put in the west loses to the delete in the east.
    put_in(&mut h, WEST, "b", "west");
    h.engine.advance_clock_by(100);
    put_in(&mut h, EAST, "b", "east");
    ok_in(
        &mut h,
        EAST,
        "DeleteItem",
        json!({"TableName": "gtab", "Key": {"pk": {"S": "b"}}}),
    );
    h.engine.advance_clock_by(2_000);
    assert_eq!(get_in(&mut h, EAST, "b"), None);
    assert_eq!(get_in(&mut h, WEST, "b"), None);
}

#[test]
fn deleting_a_replica_takes_it_out_of_the_group() {
    let mut h = global_table();
    add_replica(&mut h, "eu-west-1");
    let east = ok_in(&mut h, EAST, "DescribeTable", json!({"TableName": "gtab"}));
    assert_eq!(east["Table"]["Replicas"].as_array().unwrap().len(), 2);
    ok_in(&mut h, WEST, "DeleteTable", json!({"TableName": "gtab"}));
    assert!(call_in(&mut h, WEST, "DescribeTable", json!({"TableName": "gtab"})).is_err());
    let east = ok_in(&mut h, EAST, "DescribeTable", json!({"TableName": "gtab"}));
    assert_eq!(
        east["Table"]["Replicas"],
        json!([{"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"}])
    );
    // Writes no longer go to the deleted replica's region.
    put_in(&mut h, EAST, "k", "v");
    h.engine.advance_clock_by(1);
    assert_eq!(get_in(&mut h, "eu-west-1", "k").as_deref(), Some("v"));
    assert!(
        call_in(
            &mut h,
            WEST,
            "GetItem",
            json!({"TableName": "gtab", "Key": {"pk": {"S": "k"}}})
        )
        .is_err()
    );
    // Deleting the last replica (ReplicaUpdates Delete) leaves a table that is not global.
    ok_in(
        &mut h,
        EAST,
        "UpdateTable",
        json!({"TableName": "gtab", "ReplicaUpdates": [{"Delete": {"RegionName": "eu-west-1"}}]}),
    );
    let east = ok_in(&mut h, EAST, "DescribeTable", json!({"TableName": "gtab"}));
    assert!(east["Table"].get("Replicas").is_none(), "{east}");
    assert!(east["Table"].get("GlobalTableVersion").is_none());
    assert!(
        call_in(
            &mut h,
            "eu-west-1",
            "DescribeTable",
            json!({"TableName": "gtab"})
        )
        .is_err()
    );
}

#[test]
fn a_region_down_refuses_requests_and_gets_its_replications_when_back() {
    let mut h = global_table();
    set_lag(&mut h, 500, 500);
    h.ok(
        "Dynoscope_SetRegionAvailability",
        json!({"RegionName": WEST, "Available": false}),
    );
    let refused = call_in(
        &mut h,
        WEST,
        "GetItem",
        json!({"TableName": "gtab", "Key": {"pk": {"S": "a"}}}),
    )
    .unwrap_err();
    assert_eq!(refused.kind.name(), "InternalServerError");
    assert_eq!(refused.http_status(), 500);
    put_in(&mut h, EAST, "k", "1");
    h.engine.advance_clock_by(100);
    put_in(&mut h, EAST, "k", "2");
    h.engine.advance_clock_by(10_000);
    let regions = h.ok("Dynoscope_DescribeRegions", json!({}));
    let west = regions["Regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["RegionName"] == WEST)
        .unwrap()
        .clone();
    assert_eq!(west["Available"], false);
    assert_eq!(west["InFlight"].as_array().unwrap().len(), 2);
    h.ok(
        "Dynoscope_SetRegionAvailability",
        json!({"RegionName": WEST, "Available": true}),
    );
    assert_eq!(get_in(&mut h, WEST, "k").as_deref(), Some("2"));
    assert_eq!(events(&mut h, "REPLICATED").len(), 2);
    assert_eq!(events(&mut h, "REGION_DOWN").len(), 1);
    assert_eq!(events(&mut h, "REGION_UP").len(), 1);
}

#[test]
fn replicas_and_their_items_survive_a_restore() {
    let mut h = global_table();
    put_in(&mut h, WEST, "w", "west");
    h.engine.advance_clock_by(1);
    get_in(&mut h, EAST, "w");
    // A table of the same name in a third region, not global.
    ok_in(
        &mut h,
        "eu-west-1",
        "CreateTable",
        json!({
        "TableName": "gtab", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
    );
    put_in(&mut h, "eu-west-1", "eu", "only here");
    let mut store = MemoryStore::default();
    store.apply(&h.engine.take_changes());
    let snapshot = store.snapshot();
    assert!(snapshot.items.iter().any(|(t, _)| t == "us-west-2/gtab"));

    let mut restored = Harness {
        engine: Engine::new(EngineConfig::default()),
    };
    restored.engine.restore(&snapshot).unwrap();
    assert_eq!(get_in(&mut restored, WEST, "a").as_deref(), Some("1"));
    assert_eq!(get_in(&mut restored, WEST, "w").as_deref(), Some("west"));
    assert_eq!(get_in(&mut restored, EAST, "w").as_deref(), Some("west"));
    assert_eq!(get_in(&mut restored, EAST, "eu"), None);
    assert_eq!(
        get_in(&mut restored, "eu-west-1", "eu").as_deref(),
        Some("only here")
    );
    let west = ok_in(
        &mut restored,
        WEST,
        "DescribeTable",
        json!({"TableName": "gtab"}),
    );
    assert_eq!(west["Table"]["Replicas"][0]["RegionName"], EAST);
    assert!(
        west["Table"]["TableArn"]
            .as_str()
            .unwrap()
            .contains(":us-west-2:")
    );
    // Replication goes on after the restore.
    put_in(&mut restored, EAST, "after", "yes");
    restored.engine.advance_clock_by(1);
    assert_eq!(get_in(&mut restored, WEST, "after").as_deref(), Some("yes"));

    // The whole-database export carries the other regions too.
    let stored = h.engine.stored_state();
    assert!(stored.iter().any(|c| matches!(c, dynoscope_engine::Change::PutItem { table, .. } if table == "eu-west-1/gtab")));
}

#[test]
fn a_table_that_is_not_global_is_untouched() {
    let mut h = harness(0);
    h.table("plain", None);
    set_lag(&mut h, 1_000, 1_000);
    h.put("plain", json!({"pk": {"S": "k"}}));
    h.engine.advance_clock_by(5_000);
    h.put("plain", json!({"pk": {"S": "k2"}}));
    let described = h.ok("DescribeTable", json!({"TableName": "plain"}));
    assert!(described["Table"].get("Replicas").is_none());
    assert!(events(&mut h, "REPLICATED").is_empty());
    let regions = h.ok("Dynoscope_DescribeRegions", json!({}));
    assert_eq!(regions["Regions"].as_array().unwrap().len(), 1);
    // Another region does not see it.
    assert!(call_in(&mut h, WEST, "DescribeTable", json!({"TableName": "plain"})).is_err());
    // The changes name it plainly.
    assert!(h.engine.take_changes().iter().all(|c| match c {
        dynoscope_engine::Change::PutItem { table, .. }
        | dynoscope_engine::Change::PutTable { table, .. } => table == "plain",
        _ => true,
    }));
}

#[test]
fn the_whole_database_file_carries_every_region() {
    let mut h = global_table();
    put_in(&mut h, WEST, "w", "west");
    h.engine.advance_clock_by(1);
    // Delivered before the export (replications in flight are not kept).
    h.engine.run_due();
    let mut store = MemoryStore::default();
    store.apply(&h.engine.stored_state());
    let file: String = dynoscope_engine::database_file::lines(&store.snapshot())
        .map(|line| line + "\n")
        .collect();
    let snapshot = dynoscope_engine::database_file::read(&file).unwrap();
    let mut restored = Harness {
        engine: Engine::new(EngineConfig::default()),
    };
    restored.engine.restore(&snapshot).unwrap();
    assert_eq!(get_in(&mut restored, WEST, "a").as_deref(), Some("1"));
    assert_eq!(get_in(&mut restored, WEST, "w").as_deref(), Some("west"));
    assert_eq!(get_in(&mut restored, EAST, "w").as_deref(), Some("west"));
    let east = ok_in(
        &mut restored,
        EAST,
        "DescribeTable",
        json!({"TableName": "gtab"}),
    );
    assert_eq!(east["Table"]["Replicas"][0]["RegionName"], WEST);
}

#[test]
fn replications_in_flight_survive_a_restore() {
    let mut h = global_table();
    set_lag(&mut h, 1_000, 1_000);
    put_in(&mut h, EAST, "k", "east");
    ok_in(
        &mut h,
        WEST,
        "DeleteItem",
        json!({"TableName": "gtab", "Key": {"pk": {"S": "a"}}}),
    );
    let mut store = MemoryStore::default();
    store.apply(&h.engine.take_changes());
    let snapshot = store.snapshot();
    let kept = snapshot
        .settings
        .iter()
        .filter(|(n, _)| n.starts_with("replication:"))
        .count();
    assert_eq!(kept, 2);

    let mut restored = Harness {
        engine: Engine::new(EngineConfig {
            record_changes: true,
            ..Default::default()
        }),
    };
    restored.engine.restore(&snapshot).unwrap();
    assert_eq!(get_in(&mut restored, WEST, "k"), None);
    assert_eq!(get_in(&mut restored, EAST, "a").as_deref(), Some("1"));
    restored.engine.advance_clock_by(1_000);
    assert_eq!(get_in(&mut restored, WEST, "k").as_deref(), Some("east"));
    assert_eq!(get_in(&mut restored, EAST, "a"), None);
    // Applied, they are removed from the store.
    store.apply(&restored.engine.take_changes());
    let left = store
        .snapshot()
        .settings
        .iter()
        .filter(|(n, _)| n.starts_with("replication:"))
        .count();
    assert_eq!(left, 0);
    // And the whole-database export keeps what is still in flight.
    put_in(&mut restored, EAST, "later", "x");
    let stored = restored.engine.stored_state();
    let in_flight = stored.iter().filter(|c| matches!(c, dynoscope_engine::Change::PutSetting { name, value: Some(_) } if name.starts_with("replication:"))).count();
    assert_eq!(in_flight, 1);
}
