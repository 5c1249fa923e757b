//! The stream viewer's body from what a real engine's stream holds.

use dynoscope_cluster_panels::stream::{StreamState, stream_html};
use dynoscope_engine::{Engine, EngineConfig};
use serde_json::{Value, json};

fn call(engine: &mut Engine, operation: &str, request: Value) -> Value {
    serde_json::from_slice(
        &engine
            .dispatch(operation, request.to_string().as_bytes())
            .unwrap(),
    )
    .unwrap()
}

/// A table with a stream, one item put then updated; the stream's description and records.
fn streamed() -> StreamState {
    let mut engine = Engine::new(EngineConfig::default());
    call(
        &mut engine,
        "CreateTable",
        json!({
            "TableName": "orders",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        }),
    );
    call(
        &mut engine,
        "PutItem",
        json!({"TableName": "orders", "Item": {"pk": {"S": "o1"}, "n": {"N": "1"}}}),
    );
    call(
        &mut engine,
        "PutItem",
        json!({"TableName": "orders", "Item": {"pk": {"S": "o1"}, "n": {"N": "2"}}}),
    );
    let arn = call(&mut engine, "DescribeTable", json!({"TableName": "orders"}))["Table"]["LatestStreamArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let description =
        call(&mut engine, "DescribeStream", json!({"StreamArn": arn}))["StreamDescription"].clone();
    let shard = description["Shards"][0]["ShardId"]
        .as_str()
        .unwrap()
        .to_owned();
    let iterator = call(
        &mut engine,
        "GetShardIterator",
        json!({"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
    )["ShardIterator"]
        .clone();
    let mut records: Vec<Value> = call(
        &mut engine,
        "GetRecords",
        json!({"ShardIterator": iterator}),
    )["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r["shardId"] = json!(shard);
            r
        })
        .collect();
    records.reverse();
    StreamState {
        loaded: true,
        arn: Some(arn),
        enabled: true,
        description: Some(description),
        records,
        start_at: "TRIM_HORIZON".to_owned(),
        key_names: vec!["pk".to_owned()],
        ..StreamState::default()
    }
}

#[test]
fn records_are_listed_newest_first_with_their_images() {
    let html = stream_html(&streamed());
    let modify = html.find("data-event=\"MODIFY\"").unwrap();
    let insert = html.find("data-event=\"INSERT\"").unwrap();
    assert!(modify < insert);
    assert!(html.contains("<span class=\"image-label\">old</span><code class=\"image\" title=\"{n: 1, pk: &quot;o1&quot;}\">"), "{html}");
    assert!(html.contains("ENABLED · NEW_AND_OLD_IMAGES"));
}

#[test]
fn the_shard_tree_counts_open_shards() {
    let html = stream_html(&streamed());
    assert!(html.contains("1 shard, 1 open"));
    assert!(html.contains("data-testid=\"shard\""));
    assert!(html.contains("data-open=\"true\""));
}

#[test]
fn the_chosen_start_is_pressed() {
    let html = stream_html(&streamed());
    assert!(html.contains(
        "class=\"toggle on\" aria-pressed=\"true\" data-testid=\"stream-from-trim-horizon\""
    ));
}

#[test]
fn a_table_without_a_stream_gets_a_hint_and_a_button() {
    let html = stream_html(&StreamState {
        loaded: true,
        ..StreamState::default()
    });
    assert!(html.contains("This table has no stream."));
    assert!(html.contains("data-stream=\"enable\""));
    assert!(!html.contains("stream-records"));
}
