//! The stream journal: a stream record is stored with the write that made it, so a store
//! restored before the history was saved again still holds every record, with the same
//! shards and sequence numbers; saving the history deletes the journal it covers.

mod common;

use common::Harness;
use dynoscope_engine::{Change, Engine, EngineConfig, MemoryStore};
use serde_json::{Value, json};

/// A stream-enabled table on the playground preset (small partitions, so it splits).
fn stream_table(h: &mut Harness) -> String {
    let arn = h.stream_table("t1x", "NEW_AND_OLD_IMAGES");
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "Preset": "PLAYGROUND"}),
    );
    arn
}

fn write(h: &mut Harness, range: std::ops::Range<usize>) {
    for i in range {
        h.put(
            "t1x",
            json!({"pk": {"S": format!("item{:03}", i % 50)}, "n": {"N": i.to_string()}, "v": {"S": "x".repeat(400)}}),
        );
    }
}

/// The stream as a reader sees it: each shard (id, parent, range) and all its records.
fn whole_stream(h: &mut Harness, arn: &str) -> Vec<(Value, Vec<Value>)> {
    let described = h.ok("DescribeStream", json!({"StreamArn": arn}));
    let shards = described["StreamDescription"]["Shards"]
        .as_array()
        .unwrap()
        .clone();
    shards
        .into_iter()
        .map(|shard| {
            let iterator = h.ok(
                "GetShardIterator",
                json!({"StreamArn": arn, "ShardId": shard["ShardId"], "ShardIteratorType": "TRIM_HORIZON"}),
            )["ShardIterator"]
                .clone();
            let records = h.ok("GetRecords", json!({"ShardIterator": iterator}))["Records"]
                .as_array()
                .unwrap()
                .clone();
            (shard, records)
        })
        .collect()
}

fn restored_from(store: &MemoryStore) -> Harness {
    let mut restored = Harness {
        engine: Engine::new(EngineConfig::default()),
    };
    restored.engine.restore(&store.snapshot()).unwrap();
    restored
}

fn journal_entries(store: &MemoryStore) -> usize {
    let settings = store.snapshot().settings;
    settings
        .iter()
        .filter(|(n, _)| n.starts_with("stream-record:"))
        .count()
}

fn record_count(stream: &[(Value, Vec<Value>)]) -> usize {
    stream.iter().map(|(_, records)| records.len()).sum()
}

#[test]
fn every_record_is_stored_with_its_write() {
    let mut h = Harness::new();
    stream_table(&mut h);
    h.engine.take_changes();
    write(&mut h, 0..1);
    let changes = h.engine.take_changes();
    let journaled = changes.iter().filter(
        |c| matches!(c, Change::PutSetting { name, value: Some(_) } if name.starts_with("stream-record:")),
    );
    assert_eq!(journaled.count(), 1, "{changes:?}");
}

#[test]
fn records_survive_a_restore_that_finds_no_history() {
    let mut h = Harness::new();
    let arn = stream_table(&mut h);
    write(&mut h, 0..80);
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());
    let original = whole_stream(&mut h, &arn);
    assert!(
        original.len() > 1,
        "the table split, so the stream has several shards"
    );
    assert_eq!(record_count(&original), 80);

    let mut restored = restored_from(&store);
    assert_eq!(whole_stream(&mut restored, &arn), original);
}

#[test]
fn records_after_the_last_history_save_are_replayed_onto_it() {
    let mut h = Harness::new();
    let arn = stream_table(&mut h);
    write(&mut h, 0..30);
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());
    store.apply(&h.engine.history_changes());
    write(&mut h, 30..90);
    store.apply(&h.engine.take_changes());
    let original = whole_stream(&mut h, &arn);
    assert_eq!(record_count(&original), 90);

    let mut restored = restored_from(&store);
    assert_eq!(whole_stream(&mut restored, &arn), original);
}

#[test]
fn saving_the_history_deletes_the_journal_it_covers() {
    let mut h = Harness::new();
    let arn = stream_table(&mut h);
    write(&mut h, 0..20);
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());
    assert_eq!(journal_entries(&store), 20);
    store.apply(&h.engine.history_changes());
    assert_eq!(journal_entries(&store), 0);
    let original = whole_stream(&mut h, &arn);

    let mut restored = restored_from(&store);
    assert_eq!(whole_stream(&mut restored, &arn), original);
}

#[test]
fn a_restored_engine_deletes_the_journal_it_replayed_at_its_next_save() {
    let mut h = Harness::new();
    stream_table(&mut h);
    write(&mut h, 0..10);
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());

    let mut restored = restored_from(&store);
    store.apply(&restored.engine.history_changes());
    assert_eq!(journal_entries(&store), 0);
}

#[test]
fn writes_after_a_restore_continue_the_shards_and_the_numbering() {
    let mut h = Harness::new();
    let arn = stream_table(&mut h);
    write(&mut h, 0..40);
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());
    let before = whole_stream(&mut h, &arn);

    let mut restored = restored_from(&store);
    write(&mut restored, 40..60);
    let after = whole_stream(&mut restored, &arn);
    let ids = |stream: &[(Value, Vec<Value>)]| -> Vec<Value> {
        stream.iter().map(|(s, _)| s["ShardId"].clone()).collect()
    };
    assert!(
        ids(&after).starts_with(&ids(&before)),
        "the shards it had are kept"
    );
    let mut sequences: Vec<String> = (after.iter().flat_map(|(_, records)| records))
        .map(|r| r["dynamodb"]["SequenceNumber"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(sequences.len(), 60);
    sequences.sort();
    sequences.dedup();
    assert_eq!(sequences.len(), 60, "no sequence number is issued twice");
}
