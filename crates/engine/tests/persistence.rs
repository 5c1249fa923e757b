//! Durable changes: what the engine reports for a store, and restoring from a snapshot.

mod common;

use common::Harness;
use dynoscope_engine::{Change, Engine, EngineConfig, MemoryStore};
use serde_json::json;

#[test]
fn every_acknowledged_write_is_reported_as_a_change() {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.put("t1x", json!({"pk": {"S": "a"}}));
    h.ok(
        "DeleteItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "a"}}}),
    );
    h.ok("DeleteTable", json!({"TableName": "t1x"}));
    let kinds: Vec<&str> = h
        .engine
        .take_changes()
        .iter()
        .map(|c| match c {
            Change::PutTable { .. } => "PutTable",
            Change::DeleteTable { .. } => "DeleteTable",
            Change::PutItem { .. } => "PutItem",
            Change::DeleteItem { .. } => "DeleteItem",
            Change::PutSetting { .. } => "PutSetting",
        })
        .collect();
    assert_eq!(kinds, ["PutTable", "PutItem", "DeleteItem", "DeleteTable"]);
}

#[test]
fn reads_and_failed_writes_report_no_change() {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.engine.take_changes();
    h.get("t1x", json!({"pk": {"S": "a"}}));
    h.err(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"nokey": {"S": "a"}}}),
    );
    assert!(h.engine.take_changes().is_empty());
}

#[test]
fn a_restored_engine_answers_as_the_original_did() {
    let mut h = Harness::new();
    h.table("t1x", Some("N"));
    for i in 0..20 {
        h.put("t1x", json!({"pk": {"S": format!("p{}", i % 3)}, "sk": {"N": i.to_string()}, "v": {"N": "1.50"}}));
    }
    h.ok(
        "DeleteItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "p1"}, "sk": {"N": "1"}}}),
    );
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());

    let mut restored = Harness {
        engine: Engine::new(EngineConfig::default()),
    };
    restored.engine.restore(&store.snapshot()).unwrap();
    let describe = |h: &mut Harness| {
        let mut t = h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"].clone();
        t.as_object_mut().unwrap().remove("TableStatus");
        t
    };
    assert_eq!(describe(&mut restored), describe(&mut h));
    let scan = json!({"TableName": "t1x"});
    assert_eq!(restored.ok("Scan", scan.clone()), h.ok("Scan", scan));
}

#[test]
fn without_change_recording_nothing_accumulates() {
    let mut h = Harness {
        engine: Engine::new(EngineConfig::default()),
    };
    h.table("t1x", None);
    h.put("t1x", json!({"pk": {"S": "a"}}));
    assert!(h.engine.take_changes().is_empty());
}

#[test]
fn simulation_settings_and_the_clock_survive_a_restore() {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "Preset": "PLAYGROUND"}),
    );
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"ReplicationLag": {"MinMillis": 7, "MaxMillis": 8}}),
    );
    h.ok(
        "Dynoscope_SetClock",
        json!({"Mode": "REALTIME", "Speed": 10}),
    );
    h.ok("Dynoscope_AdvanceClock", json!({"Millis": 5000}));
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());

    let mut restored = Harness {
        engine: Engine::new(EngineConfig::default()),
    };
    restored.engine.restore(&store.snapshot()).unwrap();
    let describe = |h: &mut Harness, request| {
        h.ok("Dynoscope_DescribeSimulation", request)["Settings"].clone()
    };
    assert_eq!(
        describe(&mut restored, json!({"TableName": "t1x"})),
        describe(&mut h, json!({"TableName": "t1x"}))
    );
    assert_eq!(
        describe(&mut restored, json!({})),
        describe(&mut h, json!({}))
    );
    let clock = restored.ok("Dynoscope_DescribeClock", json!({}))["Clock"].clone();
    assert_eq!(clock["Mode"], "REALTIME");
    assert_eq!(clock["Speed"], 10.0);
    assert_eq!(clock["NowMillis"], 5000);
}

#[test]
fn deleting_a_table_forgets_its_simulation_settings() {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "Preset": "PLAYGROUND"}),
    );
    h.ok("DeleteTable", json!({"TableName": "t1x"}));
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());
    assert!(store.snapshot().settings.is_empty());
}
