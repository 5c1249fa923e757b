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
fn the_engine_wide_settings_survive_a_restore() {
    let mut h = Harness::new();
    let set = json!({"ControlPlaneMillis": 250, "Seed": 42, "TransactionMillis": 30});
    h.ok("Dynoscope_SetSimulation", set.clone());
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());
    let mut restored = Harness {
        engine: Engine::new(EngineConfig::default()),
    };
    restored.engine.restore(&store.snapshot()).unwrap();
    let engine = restored.ok("Dynoscope_DescribeSimulation", json!({}))["Engine"].clone();
    assert_eq!(engine, set);
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

/// A store as two tabs left it in issue 10's report: table `two` recreated keyed `pk`, with an
/// item still keyed `id` from the old definition, and an item of a table no longer stored.
fn damaged_store() -> dynoscope_engine::Snapshot {
    let mut h = Harness::new();
    h.ok(
        "CreateTable",
        json!({"TableName": "two", "BillingMode": "PAY_PER_REQUEST",
               "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
               "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
    );
    h.ok(
        "PutItem",
        json!({"TableName": "two", "Item": {"pk": {"S": "good"}}}),
    );
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());
    let mut snapshot = store.snapshot();
    snapshot
        .items
        .push(("two".into(), r#"{"id":{"S":"stale"}}"#.into()));
    snapshot
        .items
        .push(("gone".into(), r#"{"id":{"S":"orphan"}}"#.into()));
    snapshot.tables.push(r#"{"name":"broken","keys":"#.into());
    snapshot
}

#[test]
fn a_damaged_store_opens_with_what_it_can_read_and_names_the_rest() {
    let mut restored = Harness {
        engine: Engine::new(EngineConfig::default()),
    };
    let unreadable = restored.engine.restore_readable(&damaged_store());
    let reasons: Vec<String> = unreadable.iter().map(ToString::to_string).collect();
    assert_eq!(
        reasons,
        [
            "the definition of table \"\": the table's definition is unreadable: EOF while parsing a value at line 1 column 24",
            "an item of table \"two\": One or more parameter values were invalid: Missing the key pk in the item",
            "an item of table \"gone\": its table is not stored",
        ]
    );
    let scan = restored.ok("Scan", json!({"TableName": "two"}));
    assert_eq!(scan["Items"], json!([{"pk": {"S": "good"}}]));
}

#[test]
fn the_strict_restore_refuses_a_damaged_store_naming_the_first_bad_record() {
    let mut restored = Harness {
        engine: Engine::new(EngineConfig::default()),
    };
    let error = restored.engine.restore(&damaged_store()).unwrap_err();
    assert!(
        error
            .message
            .starts_with("the stored data could not be restored: the definition of table"),
        "{}",
        error.message
    );
}

#[test]
fn a_snapshot_without_its_unreadable_records_restores_cleanly() {
    let damaged = damaged_store();
    let mut engine = Engine::new(EngineConfig::default());
    let unreadable = engine.restore_readable(&damaged);
    let readable = damaged.without(&unreadable);
    assert_eq!((readable.tables.len(), readable.items.len()), (1, 1));
    Engine::new(EngineConfig::default())
        .restore(&readable)
        .unwrap();
}

#[test]
fn the_stored_state_rebuilds_an_engine_that_answers_the_same() {
    let mut h = Harness::new();
    h.table("t1x", Some("N"));
    for i in 0..30 {
        h.put(
            "t1x",
            json!({"pk": {"S": format!("p{}", i % 4)}, "sk": {"N": i.to_string()}}),
        );
    }
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "Preset": "PLAYGROUND"}),
    );
    h.engine.take_changes();
    let mut store = MemoryStore::new();
    store.apply(&h.engine.stored_state());

    let mut restored = Harness {
        engine: Engine::new(EngineConfig::default()),
    };
    restored.engine.restore(&store.snapshot()).unwrap();
    let scan = json!({"TableName": "t1x", "ConsistentRead": true});
    assert_eq!(restored.ok("Scan", scan.clone()), h.ok("Scan", scan));
    let settings = json!({"TableName": "t1x"});
    assert_eq!(
        restored.ok("Dynoscope_DescribeSimulation", settings.clone()),
        h.ok("Dynoscope_DescribeSimulation", settings)
    );
}

#[test]
fn taking_the_stored_state_leaves_pending_changes_pending() {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.put("t1x", json!({"pk": {"S": "a"}}));
    let before = h.engine.stored_state().len();
    assert!(before >= 2);
    assert_eq!(
        h.engine.take_changes().len(),
        2,
        "PutTable and PutItem still pending"
    );
}
