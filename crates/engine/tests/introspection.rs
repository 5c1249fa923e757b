//! The Dynoscope_ operations that show the cluster: partitions, where an item lives and
//! what each replica holds, and the event history.

mod common;

use common::Harness;
use dynoscope_engine::{Engine, EngineConfig};
use serde_json::json;

fn recording() -> Harness {
    let mut h = Harness {
        engine: Engine::new(EngineConfig {
            record_events: true,
            seed: 5,
            ..Default::default()
        }),
    };
    h.table("t1x", None);
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "ReplicationLag": {"MinMillis": 800, "MaxMillis": 800}}),
    );
    h
}

#[test]
fn locate_item_shows_the_version_each_replica_holds() {
    let mut h = recording();
    h.put("t1x", json!({"pk": {"S": "k"}, "v": {"N": "1"}}));
    h.engine.advance_clock_by(1_000);
    h.put("t1x", json!({"pk": {"S": "k"}, "v": {"N": "2"}}));
    let located = h.ok(
        "Dynoscope_LocateItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "k"}}}),
    );
    let replicas = located["Replicas"].as_array().unwrap();
    assert_eq!(replicas.len(), 3);
    let stale: Vec<&serde_json::Value> = replicas.iter().filter(|r| r["Stale"] == true).collect();
    assert_eq!(stale.len(), 1, "one replica lags: {located}");
    assert_eq!(stale[0]["Item"]["v"], json!({"N": "1"}));
    assert_eq!(replicas.iter().filter(|r| r["Role"] == "LEADER").count(), 1);
    assert!(replicas.iter().all(|r| {
        r["AvailabilityZone"]
            .as_str()
            .unwrap()
            .starts_with("us-east-1")
    }));
}

#[test]
fn describe_partitions_shows_the_lagging_writes_until_applied() {
    let mut h = recording();
    h.put("t1x", json!({"pk": {"S": "k"}}));
    let before = h.ok("Dynoscope_DescribePartitions", json!({"TableName": "t1x"}));
    assert_eq!(before["Partitions"][0]["LaggingWrites"], 1);
    h.engine.advance_clock_by(800);
    let after = h.ok("Dynoscope_DescribePartitions", json!({"TableName": "t1x"}));
    assert_eq!(after["Partitions"][0]["LaggingWrites"], 0);
}

#[test]
fn the_event_history_tells_writes_and_stale_reads() {
    let mut h = recording();
    h.put("t1x", json!({"pk": {"S": "k"}}));
    for _ in 0..10 {
        h.ok(
            "GetItem",
            json!({"TableName": "t1x", "Key": {"pk": {"S": "k"}}}),
        );
    }
    let events = h.ok("Dynoscope_GetEvents", json!({"TableName": "t1x"}));
    let list = events["Events"].as_array().unwrap();
    assert_eq!(list[0]["Kind"], "WRITE");
    assert_eq!(list[0]["Detail"]["Operation"], "PUT");
    let reads: Vec<_> = list.iter().filter(|e| e["Kind"] == "READ").collect();
    assert_eq!(reads.len(), 10);
    assert!(
        reads.iter().any(|r| r["Detail"]["Stale"] == true),
        "some read hit the lagging replica"
    );
    let later = h.ok(
        "Dynoscope_GetEvents",
        json!({"AfterSequence": events["LastSequence"]}),
    );
    assert_eq!(later["Events"], json!([]));
}

#[test]
fn without_recording_the_history_is_empty() {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.put("t1x", json!({"pk": {"S": "k"}}));
    let events = h.ok("Dynoscope_GetEvents", json!({}));
    assert_eq!(events["Events"], json!([]));
    assert_eq!(events["Recording"], false);
}

#[test]
fn every_simulation_setting_can_change_at_run_time() {
    let mut h = Harness::new();
    h.table("t1x", None);
    let set = h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "Preset": "PLAYGROUND", "ReplicationLag": {"MinMillis": 5, "MaxMillis": 9},
               "TtlDeleteDelayMillis": 1000, "PartitionSizeLimitBytes": 4096, "ItemCollectionLimitBytes": 8192,
               "HeatSplitUnitsPerSecond": 50, "HeatSplitSeconds": 4, "Throttling": false}),
    );
    let settings = &set["Settings"];
    assert_eq!(
        settings["ReplicationLag"],
        json!({"MinMillis": 5, "MaxMillis": 9})
    );
    assert_eq!(settings["PartitionSizeLimitBytes"], 4096);
    assert_eq!(settings["HeatSplitSeconds"], 4);
    assert_eq!(
        h.ok("Dynoscope_DescribeSimulation", json!({"TableName": "t1x"}))["Settings"],
        *settings
    );
    let engine = h.ok(
        "Dynoscope_SetSimulation",
        json!({"ControlPlaneMillis": 250, "Seed": 42, "TransactionMillis": 30}),
    )["Engine"]
        .clone();
    assert_eq!(
        engine,
        json!({"ControlPlaneMillis": 250, "Seed": 42, "TransactionMillis": 30})
    );
    let e = h.err(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "Seed": 1}),
    );
    assert!(e.message.contains("engine-wide"), "{}", e.message);
}

#[test]
fn reseeding_replays_the_same_choices() {
    let run = |h: &mut Harness| -> Vec<serde_json::Value> {
        h.ok("Dynoscope_SetSimulation", json!({"Seed": 9}));
        h.put("t1x", json!({"pk": {"S": "k"}, "v": {"N": "2"}}));
        (0..10)
            .map(|_| {
                h.ok(
                    "GetItem",
                    json!({"TableName": "t1x", "Key": {"pk": {"S": "k"}}}),
                )
            })
            .collect()
    };
    let mut h = recording();
    h.put("t1x", json!({"pk": {"S": "k"}, "v": {"N": "1"}}));
    h.engine.advance_clock_by(10_000);
    let first = run(&mut h);
    h.engine.advance_clock_by(10_000);
    h.put("t1x", json!({"pk": {"S": "k"}, "v": {"N": "1"}}));
    h.engine.advance_clock_by(10_000);
    assert_eq!(run(&mut h), first);
}

#[test]
fn locate_item_in_an_index_finds_the_entry_and_its_index_partition() {
    let mut h = Harness {
        engine: Engine::new(EngineConfig::default()),
    };
    h.provisioned_table_with_index((5, 5), (5, 5), "KEYS_ONLY");
    h.put(
        "t1x",
        json!({"pk": {"S": "k"}, "g": {"S": "group"}, "v": {"N": "1"}}),
    );
    h.engine.advance_clock_by(10_000);
    let located = h.ok(
        "Dynoscope_LocateItem",
        json!({"TableName": "t1x", "IndexName": "by_g", "Key": {"pk": {"S": "k"}}}),
    );
    assert_eq!(located["IndexName"], "by_g");
    let leader = located["Replicas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["Role"] == "LEADER")
        .unwrap();
    // The index holds the entry (keys only), not the item.
    assert_eq!(
        leader["Item"],
        json!({"pk": {"S": "k"}, "g": {"S": "group"}})
    );
    let table = h.ok(
        "Dynoscope_LocateItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "k"}}}),
    );
    assert!(table.get("IndexName").is_none());
    assert_ne!(
        located["Hash"], table["Hash"],
        "the index hashes g, the table pk"
    );
}

#[test]
fn locate_item_in_an_index_the_item_is_not_in_says_so() {
    let mut h = Harness {
        engine: Engine::new(EngineConfig::default()),
    };
    h.provisioned_table_with_index((5, 5), (5, 5), "ALL");
    h.put("t1x", json!({"pk": {"S": "k"}}));
    let error = h.err(
        "Dynoscope_LocateItem",
        json!({"TableName": "t1x", "IndexName": "by_g", "Key": {"pk": {"S": "k"}}}),
    );
    assert!(error.message.contains("sparse index"), "{}", error.message);
    let error = h.err(
        "Dynoscope_LocateItem",
        json!({"TableName": "t1x", "IndexName": "nope", "Key": {"pk": {"S": "k"}}}),
    );
    assert_eq!(
        error.message,
        "The table does not have the specified index: nope"
    );
}

#[test]
fn density_counts_where_each_partitions_items_hash() {
    let mut h = Harness::new();
    h.table("t1x", None);
    for i in 0..50 {
        h.put("t1x", json!({"pk": {"S": format!("k{i}")}}));
    }
    let described = h.ok(
        "Dynoscope_DescribePartitions",
        json!({"TableName": "t1x", "Density": true}),
    );
    let partition = &described["Partitions"][0];
    let density: Vec<u64> = serde_json::from_value(partition["Density"].clone()).unwrap();
    assert_eq!(density.len(), dynoscope_engine::contract::DENSITY_SLICES);
    assert_eq!(density.iter().sum::<u64>(), 50);
    assert!(
        density.iter().filter(|&&n| n > 0).count() > 10,
        "50 keys spread out"
    );
}

#[test]
fn density_is_left_out_unless_asked_for() {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.put("t1x", json!({"pk": {"S": "a"}}));
    let described = h.ok("Dynoscope_DescribePartitions", json!({"TableName": "t1x"}));
    assert!(described["Partitions"][0].get("Density").is_none());
}
