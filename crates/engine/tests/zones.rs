//! Scenario: an availability-zone outage. One replica of every partition lives in each of
//! the three zones; with one zone down the table keeps serving from the other two (new
//! leaders, a quorum of two, reads from the replicas that are up) and the replica in the
//! down zone catches up when it returns; with two down there is no quorum.

mod common;

use common::Harness;
use dynoscope_engine::{Engine, EngineConfig, ErrorKind, MemoryStore};
use serde_json::{Value, json};

/// A table whose lagging replica applies writes a second late, holding `k` = 1.
fn table() -> Harness {
    let mut h = Harness {
        engine: Engine::new(EngineConfig {
            record_events: true,
            ..Default::default()
        }),
    };
    h.table("t1x", None);
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "ReplicationLag": {"MinMillis": 1000, "MaxMillis": 1000}}),
    );
    h.put("t1x", json!({"pk": {"S": "k"}, "v": {"N": "1"}}));
    h.engine.advance_clock_by(5_000);
    h
}

fn set_zone(h: &mut Harness, zone: &str, available: bool) -> Value {
    h.ok(
        "Dynoscope_SetZoneAvailability",
        json!({"Zone": zone, "Available": available}),
    )
}

fn replicas(h: &mut Harness) -> Vec<Value> {
    let described = h.ok("Dynoscope_DescribePartitions", json!({"TableName": "t1x"}));
    described["Partitions"][0]["Replicas"]
        .as_array()
        .unwrap()
        .clone()
}

fn located(h: &mut Harness) -> Vec<Value> {
    let located = h.ok(
        "Dynoscope_LocateItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "k"}}}),
    );
    located["Replicas"].as_array().unwrap().clone()
}

fn read_v(h: &mut Harness, consistent: bool) -> String {
    let item = h.ok(
        "GetItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "k"}}, "ConsistentRead": consistent}),
    );
    item["Item"]["v"]["N"].as_str().unwrap().to_owned()
}

#[test]
fn a_zone_outage_moves_leadership_to_the_next_zone_up() {
    let mut h = table();
    assert_eq!(replicas(&mut h)[0]["Role"], "LEADER");
    let zones = set_zone(&mut h, "us-east-1a", false);
    assert_eq!(zones["Zones"][0]["State"], "DOWN");
    assert_eq!(zones["HasQuorum"], true);
    let replicas = replicas(&mut h);
    assert_eq!(replicas[0]["Available"], false);
    assert_eq!(replicas[0]["Role"], "FOLLOWER");
    assert_eq!(replicas[1]["Role"], "LEADER");
    let events = h.ok("Dynoscope_GetEvents", json!({"TableName": "t1x"}));
    let kinds: Vec<&str> = events["Events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["Kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"ZONE_DOWN") && kinds.contains(&"FAILOVER"),
        "{kinds:?}"
    );
}

#[test]
fn writes_succeed_with_one_zone_down_and_its_replica_misses_them() {
    let mut h = table();
    set_zone(&mut h, "us-east-1c", false);
    h.put("t1x", json!({"pk": {"S": "k"}, "v": {"N": "2"}}));
    h.engine.advance_clock_by(60_000);
    let located = located(&mut h);
    assert_eq!(
        located[2]["Item"]["v"]["N"], "1",
        "the down zone's replica still holds the old item"
    );
    assert_eq!(located[2]["Stale"], true);
    assert_eq!(
        (located[0]["Stale"].clone(), located[1]["Stale"].clone()),
        (json!(false), json!(false))
    );
    assert_eq!(read_v(&mut h, true), "2");
}

#[test]
fn eventually_consistent_reads_are_served_only_by_zones_that_are_up() {
    let mut h = table();
    set_zone(&mut h, "us-east-1b", false);
    h.put("t1x", json!({"pk": {"S": "k"}, "v": {"N": "2"}}));
    // The two replicas up are the write's quorum: neither lags, so no read is stale.
    let reads: Vec<String> = (0..40).map(|_| read_v(&mut h, false)).collect();
    assert!(reads.iter().all(|v| v == "2"), "{reads:?}");
}

#[test]
fn a_returning_zone_catches_up_after_the_replication_lag() {
    let mut h = table();
    set_zone(&mut h, "us-east-1c", false);
    h.put("t1x", json!({"pk": {"S": "k"}, "v": {"N": "2"}}));
    set_zone(&mut h, "us-east-1c", true);
    assert_eq!(located(&mut h)[2]["Stale"], true, "not before the lag");
    assert_eq!(replicas(&mut h)[2]["Available"], true);
    h.engine.advance_clock_by(1_000);
    assert_eq!(located(&mut h)[2]["Item"]["v"]["N"], "2");
}

#[test]
fn leadership_stays_where_it_moved_when_the_zone_returns() {
    let mut h = table();
    set_zone(&mut h, "us-east-1a", false);
    set_zone(&mut h, "us-east-1a", true);
    assert_eq!(replicas(&mut h)[1]["Role"], "LEADER");
}

#[test]
fn with_two_zones_down_reads_and_writes_fail_with_internal_server_error() {
    let mut h = table();
    set_zone(&mut h, "us-east-1a", false);
    let zones = set_zone(&mut h, "us-east-1b", false);
    assert_eq!(zones["HasQuorum"], false);
    let write = h.err(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "k"}}}),
    );
    assert_eq!(write.kind, ErrorKind::InternalServerError);
    assert_eq!(write.http_status(), 500);
    assert_eq!(
        write.wire_type(),
        "com.amazonaws.dynamodb.v20120810#InternalServerError"
    );
    let read = h.err(
        "GetItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "k"}}}),
    );
    assert_eq!(read.kind, ErrorKind::InternalServerError);
    h.ok("DescribeTable", json!({"TableName": "t1x"}));
    set_zone(&mut h, "us-east-1b", true);
    assert_eq!(read_v(&mut h, true), "1");
}

#[test]
fn a_table_created_during_an_outage_never_leads_from_the_down_zone() {
    let mut h = table();
    set_zone(&mut h, "us-east-1a", false);
    h.ok(
        "CreateTable",
        json!({"TableName": "later", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}),
    );
    h.put("later", json!({"pk": {"S": "x"}}));
    let described = h.ok(
        "Dynoscope_DescribePartitions",
        json!({"TableName": "later"}),
    );
    assert_eq!(
        described["Partitions"][0]["Replicas"][0]["Role"],
        "FOLLOWER"
    );
}

#[test]
fn a_zone_outage_survives_a_restore() {
    let mut h = Harness {
        engine: Engine::new(EngineConfig {
            record_changes: true,
            ..Default::default()
        }),
    };
    h.table("t1x", None);
    set_zone(&mut h, "us-east-1b", false);
    let mut store = MemoryStore::default();
    store.apply(&h.engine.take_changes());
    let mut restored = Harness {
        engine: Engine::new(EngineConfig::default()),
    };
    restored.engine.restore(&store.snapshot()).unwrap();
    let zones = restored.ok("Dynoscope_DescribeZones", json!({}));
    assert_eq!(zones["Zones"][1]["State"], "DOWN");
}

#[test]
fn an_unknown_zone_is_refused() {
    let mut h = table();
    let error = h.err(
        "Dynoscope_SetZoneAvailability",
        json!({"Zone": "eu-west-1a", "Available": false}),
    );
    assert_eq!(error.kind, ErrorKind::ValidationException);
    assert!(error.message.contains("us-east-1a"), "{}", error.message);
}
