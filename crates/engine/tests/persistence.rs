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
    h.ok("DeleteItem", json!({"TableName": "t1x", "Key": {"pk": {"S": "a"}}}));
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
    h.err("PutItem", json!({"TableName": "t1x", "Item": {"nokey": {"S": "a"}}}));
    assert!(h.engine.take_changes().is_empty());
}

#[test]
fn a_restored_engine_answers_as_the_original_did() {
    let mut h = Harness::new();
    h.table("t1x", Some("N"));
    for i in 0..20 {
        h.put("t1x", json!({"pk": {"S": format!("p{}", i % 3)}, "sk": {"N": i.to_string()}, "v": {"N": "1.50"}}));
    }
    h.ok("DeleteItem", json!({"TableName": "t1x", "Key": {"pk": {"S": "p1"}, "sk": {"N": "1"}}}));
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());

    let mut restored = Harness { engine: Engine::new(EngineConfig::default()) };
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
    let mut h = Harness { engine: Engine::new(EngineConfig::default()) };
    h.table("t1x", None);
    h.put("t1x", json!({"pk": {"S": "a"}}));
    assert!(h.engine.take_changes().is_empty());
}
