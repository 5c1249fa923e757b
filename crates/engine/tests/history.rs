//! The activity log (`Dynoscope_GetActivity`) and the history a reload keeps
//! (`Engine::history`, restored from a snapshot's `history` setting).

mod common;

use common::Harness;
use dynoscope_engine::{Engine, EngineConfig, MemoryStore};
use serde_json::{Value, json};

fn recording() -> Harness {
    Harness {
        engine: Engine::new(EngineConfig {
            record_changes: true,
            record_events: true,
            record_activity: true,
            ..Default::default()
        }),
    }
}

fn activity(h: &mut Harness, filter: Value) -> Vec<Value> {
    let response = h.ok("Dynoscope_GetActivity", filter);
    response["Entries"].as_array().unwrap().clone()
}

/// A new engine restored from everything `h` stored, history included.
fn reloaded(h: &mut Harness) -> Harness {
    let mut store = MemoryStore::new();
    store.apply(&h.engine.stored_state());
    let history = h.engine.history();
    store.apply(&[dynoscope_engine::Change::PutSetting {
        name: "history".into(),
        value: Some(history),
    }]);
    let mut again = recording();
    assert!(again.engine.restore_readable(&store.snapshot()).is_empty());
    again
}

#[test]
fn the_activity_log_names_the_sender_the_tables_and_the_units_consumed() {
    let mut h = recording();
    h.table("t1x", None);
    let body =
        json!({"TableName": "t1x", "Item": {"pk": {"S": "a"}, "v": {"S": "x".repeat(1500)}}});
    h.engine
        .dispatch_from("console", "PutItem", body.to_string().as_bytes())
        .unwrap();
    let entries = activity(&mut h, json!({"Operation": "PutItem"}));
    assert_eq!(entries.len(), 1);
    let put = &entries[0];
    assert_eq!(put["Source"], "console");
    assert_eq!(put["TableNames"], json!(["t1x"]));
    assert_eq!(put["Outcome"], "OK");
    assert_eq!(put["WriteCapacityUnits"], 2.0);
    assert_eq!(put["ReadCapacityUnits"], 0.0);
}

#[test]
fn a_failed_request_is_logged_with_its_error() {
    let mut h = recording();
    h.table("t1x", None);
    h.err(
        "GetItem",
        json!({"TableName": "nope", "Key": {"pk": {"S": "a"}}}),
    );
    let entries = activity(&mut h, json!({"Failed": true}));
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["Outcome"], "ResourceNotFoundException");
    assert_eq!(entries[0]["Message"], "Requested resource not found");
    assert_eq!(entries[0]["Source"], "client");
}

#[test]
fn the_simulators_own_reads_stay_out_of_the_activity_log() {
    let mut h = recording();
    h.table("t1x", None);
    h.ok("Dynoscope_DescribePartitions", json!({"TableName": "t1x"}));
    h.ok("Dynoscope_GetEvents", json!({}));
    let operations: Vec<Value> = activity(&mut h, json!({}))
        .iter()
        .map(|e| e["Operation"].clone())
        .collect();
    assert_eq!(operations, [json!("CreateTable")]);
}

#[test]
fn activity_is_filtered_by_table_and_read_after_a_sequence_number() {
    let mut h = recording();
    h.table("aaa", None);
    h.table("bbb", None);
    for table in ["aaa", "bbb", "aaa"] {
        h.put(table, json!({"pk": {"S": "k"}}));
    }
    let of_a = activity(&mut h, json!({"TableName": "aaa"}));
    assert_eq!(of_a.len(), 3);
    let after = of_a[1]["Sequence"].as_u64().unwrap();
    let later = activity(&mut h, json!({"TableName": "aaa", "AfterSequence": after}));
    assert_eq!(later.len(), 1);
    assert_eq!(later[0]["Sequence"], of_a[2]["Sequence"]);
}

#[test]
fn a_reload_keeps_the_event_history_and_the_activity_log() {
    let mut h = recording();
    h.table("t1x", None);
    h.put("t1x", json!({"pk": {"S": "a"}}));
    let events = h.ok("Dynoscope_GetEvents", json!({}));
    let log = activity(&mut h, json!({}));
    let mut again = reloaded(&mut h);
    assert_eq!(again.ok("Dynoscope_GetEvents", json!({})), events);
    assert_eq!(activity(&mut again, json!({})), log);
    again.put("t1x", json!({"pk": {"S": "b"}}));
    let newest = activity(&mut again, json!({}));
    let last = newest.last().unwrap()["Sequence"].as_u64().unwrap();
    assert_eq!(last, log.last().unwrap()["Sequence"].as_u64().unwrap() + 1);
}

#[test]
fn a_reload_keeps_the_metrics_and_the_cost_totals() {
    let mut h = recording();
    h.table("t1x", None);
    for i in 0..5 {
        h.put("t1x", json!({"pk": {"S": format!("k{i}")}}));
    }
    h.engine.advance_clock_by(2_000);
    let request = json!({"TableName": "t1x", "StartMillis": 0, "EndMillis": 10_000});
    let metrics = h.ok("Dynoscope_GetMetrics", request.clone());
    assert_eq!(metrics["Datapoints"][0]["ConsumedWriteCapacityUnits"], 5.0);
    let cost = h.ok("Dynoscope_EstimateCost", json!({"TableName": "t1x"}));
    let mut again = reloaded(&mut h);
    assert_eq!(again.ok("Dynoscope_GetMetrics", request), metrics);
    assert_eq!(
        again.ok("Dynoscope_EstimateCost", json!({"TableName": "t1x"})),
        cost
    );
}

#[test]
fn a_reload_in_the_second_of_the_writes_keeps_their_cost() {
    let mut h = recording();
    h.table("t1x", None);
    for i in 0..5 {
        h.put("t1x", json!({"pk": {"S": format!("k{i}")}}));
    }
    let cost = h.ok("Dynoscope_EstimateCost", json!({"TableName": "t1x"}));
    let mut again = reloaded(&mut h);
    let on_demand = |cost: &Value| cost["Tables"][0]["OnDemand"].clone();
    assert_eq!(
        on_demand(&again.ok("Dynoscope_EstimateCost", json!({"TableName": "t1x"}))),
        on_demand(&cost)
    );
}

#[test]
fn a_reload_keeps_the_second_still_being_counted() {
    let mut h = recording();
    h.table("t1x", None);
    h.engine.advance_clock_by(1_500);
    h.put("t1x", json!({"pk": {"S": "a"}}));
    let request = json!({"TableName": "t1x", "StartMillis": 0, "EndMillis": 10_000});
    let metrics = h.ok("Dynoscope_GetMetrics", request.clone());
    assert_eq!(metrics["Datapoints"][0]["ConsumedWriteCapacityUnits"], 1.0);
    let mut again = reloaded(&mut h);
    assert_eq!(again.ok("Dynoscope_GetMetrics", request), metrics);
}

#[test]
fn a_table_created_again_does_not_inherit_the_old_ones_metrics() {
    let mut h = recording();
    h.table("t1x", None);
    h.put("t1x", json!({"pk": {"S": "a"}}));
    h.engine.advance_clock_by(2_000);
    let history = h.engine.history();
    h.ok("DeleteTable", json!({"TableName": "t1x"}));
    h.table("t1x", None);
    let mut store = MemoryStore::new();
    store.apply(&h.engine.stored_state());
    store.apply(&[dynoscope_engine::Change::PutSetting {
        name: "history".into(),
        value: Some(history),
    }]);
    let mut again = recording();
    again.engine.restore_readable(&store.snapshot());
    let request = json!({"TableName": "t1x", "StartMillis": 0, "EndMillis": 10_000});
    let metrics = again.ok("Dynoscope_GetMetrics", request);
    assert_eq!(metrics["Datapoints"], json!([]));
}

fn stream_table(h: &mut Harness) -> String {
    h.stream_table("t1x", "NEW_AND_OLD_IMAGES")
}

/// Every record of the stream's first shard, from TRIM_HORIZON.
fn records(h: &mut Harness, arn: &str) -> Vec<Value> {
    let stream = h.ok("DescribeStream", json!({"StreamArn": arn}));
    let shard = stream["StreamDescription"]["Shards"][0]["ShardId"].clone();
    let iterator = h.ok(
        "GetShardIterator",
        json!({"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
    )["ShardIterator"]
        .clone();
    let page = h.ok(
        "GetRecords",
        json!({"ShardIterator": iterator, "Limit": 1000}),
    );
    page["Records"].as_array().unwrap().clone()
}

#[test]
fn a_reload_keeps_the_stream_records_and_the_stream_goes_on() {
    let mut h = recording();
    let arn = stream_table(&mut h);
    h.put("t1x", json!({"pk": {"S": "a"}, "v": {"N": "1"}}));
    h.put("t1x", json!({"pk": {"S": "a"}, "v": {"N": "2"}}));
    let before = records(&mut h, &arn);
    assert_eq!(before.len(), 2);
    let mut again = reloaded(&mut h);
    assert_eq!(records(&mut again, &arn), before);
    again.put("t1x", json!({"pk": {"S": "b"}}));
    let after = records(&mut again, &arn);
    assert_eq!(after.len(), 3);
    let sequence = |r: &Value| r["dynamodb"]["SequenceNumber"].as_str().unwrap().to_owned();
    assert!(sequence(&after[2]) > sequence(&after[1]));
}

#[test]
fn a_saved_history_keeps_only_the_newest_stream_records() {
    let mut h = recording();
    let arn = stream_table(&mut h);
    let total = dynoscope_engine::STREAM_RECORDS_KEPT + 5;
    for i in 0..total {
        h.put("t1x", json!({"pk": {"S": format!("k{i}")}}));
    }
    let mut again = reloaded(&mut h);
    let kept = records(&mut again, &arn);
    assert_eq!(kept.len(), 1000, "a page is full");
    assert_eq!(kept[0]["dynamodb"]["Keys"]["pk"]["S"], "k5");
}

#[test]
fn a_history_that_does_not_read_is_ignored() {
    let mut h = recording();
    h.table("t1x", None);
    h.put("t1x", json!({"pk": {"S": "a"}}));
    let mut store = MemoryStore::new();
    store.apply(&h.engine.stored_state());
    store.apply(&[dynoscope_engine::Change::PutSetting {
        name: "history".into(),
        value: Some(r#"{"Version": 1, "Events": [{"Sequence": "x"}]}"#.into()),
    }]);
    let mut again = recording();
    assert!(again.engine.restore_readable(&store.snapshot()).is_empty());
    assert_eq!(activity(&mut again, json!({})), Vec::<Value>::new());
    assert!(again.get("t1x", json!({"pk": {"S": "a"}})).is_some());
}
