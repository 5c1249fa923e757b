//! Scenario: partitions split. A provisioned table starts with one partition per 3,000 RCU
//! plus one per 1,000 WCU; a partition that outgrows the (scaled) size limit splits in two
//! at its median, each child taking half the hash range; its stream shard closes and two
//! child shards open, naming it as their parent. Splits never change what reads return.

mod common;

use std::collections::BTreeSet;

use common::Harness;
use serde_json::{Value, json};

fn partitions(h: &mut Harness) -> Value {
    h.ok("Dynoscope_DescribePartitions", json!({"TableName": "t1x"}))
}

fn filled_past_the_limit() -> Harness {
    let mut h = Harness::new();
    h.ok(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"}
        }),
    );
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "Preset": "PLAYGROUND"}),
    );
    for i in 0..60 {
        h.put(
            "t1x",
            json!({"pk": {"S": format!("item{i:03}")}, "v": {"S": "x".repeat(400)}}),
        );
    }
    h
}

#[test]
fn provisioned_throughput_decides_the_initial_partition_count() {
    let mut h = Harness::new();
    h.ok(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "ProvisionedThroughput": {"ReadCapacityUnits": 1000, "WriteCapacityUnits": 1000}
        }),
    );
    // The Developer Guide's example: 1,000 RCU + 1,000 WCU is two partitions.
    let parts = partitions(&mut h)["Partitions"].as_array().unwrap().clone();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0]["HashRangeStart"], "0000000000000000");
    assert_eq!(parts[1]["HashRangeEnd"], "ffffffffffffffff");
}

#[test]
fn a_global_index_starts_with_the_partitions_its_own_throughput_needs() {
    let mut h = Harness::new();
    h.provisioned_table_with_index((5, 5), (3000, 2000), "ALL");
    assert_eq!(
        partitions(&mut h)["Partitions"].as_array().unwrap().len(),
        1,
        "the table's own throughput needs one"
    );
    let index = h.ok(
        "Dynoscope_DescribePartitions",
        json!({"TableName": "t1x", "IndexName": "by_g"}),
    );
    assert_eq!(
        index["Partitions"].as_array().unwrap().len(),
        3,
        "3,000 RCU / 3,000 + 2,000 WCU / 1,000: {index}"
    );
}

#[test]
fn a_partition_over_the_size_limit_splits_in_two() {
    let mut h = filled_past_the_limit();
    let described = partitions(&mut h);
    let parts = described["Partitions"].as_array().unwrap();
    assert!(parts.len() >= 2, "{described}");
    for part in parts {
        assert!(part["SizeBytes"].as_u64().unwrap() <= 10 * 1024, "{part}");
    }
    let first_split = &described["Splits"][0];
    assert_eq!(first_split["ParentPartitionId"], 0);
    assert_eq!(first_split["Reason"], "SIZE");
}

#[test]
fn splits_keep_every_item_readable_exactly_once() {
    let mut h = filled_past_the_limit();
    let mut seen = BTreeSet::new();
    let mut start: Option<Value> = None;
    loop {
        let mut request = json!({"TableName": "t1x", "Limit": 7, "ConsistentRead": true});
        if let Some(key) = start.take() {
            request["ExclusiveStartKey"] = key;
        }
        let page = h.ok("Scan", request);
        for item in page["Items"].as_array().unwrap() {
            assert!(seen.insert(item["pk"]["S"].as_str().unwrap().to_owned()));
        }
        match page.get("LastEvaluatedKey") {
            Some(key) => start = Some(key.clone()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 60);
}

#[test]
fn replicas_catch_up_across_a_split() {
    let mut h = filled_past_the_limit();
    h.engine.advance_clock_by(2_000);
    for _ in 0..10 {
        assert_eq!(
            h.ok("Scan", json!({"TableName": "t1x", "Select": "COUNT"}))["Count"],
            60
        );
    }
}

#[test]
fn a_split_closes_the_parent_shard_and_opens_children_that_name_it() {
    let mut h = filled_past_the_limit();
    let arn =
        h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"]["LatestStreamArn"].clone();
    let shards = h.ok("DescribeStream", json!({"StreamArn": arn}))["StreamDescription"]["Shards"]
        .as_array()
        .unwrap()
        .clone();
    let closed: Vec<&Value> = shards
        .iter()
        .filter(|s| {
            s["SequenceNumberRange"]
                .get("EndingSequenceNumber")
                .is_some()
        })
        .collect();
    let open: Vec<&Value> = shards
        .iter()
        .filter(|s| {
            s["SequenceNumberRange"]
                .get("EndingSequenceNumber")
                .is_none()
        })
        .collect();
    assert!(!closed.is_empty() && open.len() >= 2, "{shards:?}");
    let first_parent = &closed[0]["ShardId"];
    assert_eq!(
        shards
            .iter()
            .filter(|s| s.get("ParentShardId") == Some(first_parent))
            .count(),
        2
    );
}

/// An engine whose partitions never split for size but split for heat as the playground
/// sets it (10 units a second for three seconds), recording events.
fn heat_only() -> Harness {
    use dynoscope_engine::SimulationSettings;
    let simulation = SimulationSettings {
        partition_size_limit_bytes: u64::MAX,
        ..SimulationSettings::playground()
    };
    let config = dynoscope_engine::EngineConfig {
        simulation,
        record_events: true,
        ..Default::default()
    };
    Harness {
        engine: dynoscope_engine::Engine::new(config),
    }
}

fn heating() -> Harness {
    let mut h = heat_only();
    h.ok(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "ProvisionedThroughput": {"ReadCapacityUnits": 100, "WriteCapacityUnits": 100},
            "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"}
        }),
    );
    h
}

/// Writes `per_second` one-unit items in each of `seconds` consecutive seconds.
fn write_for(h: &mut Harness, seconds: u64, per_second: u64) {
    for s in 0..seconds {
        for i in 0..per_second {
            h.put("t1x", json!({"pk": {"S": format!("s{s}-i{i}")}}));
        }
        h.engine.advance_clock_by(1_000);
    }
}

#[test]
fn a_partition_hot_for_long_enough_splits_for_throughput() {
    let mut h = heating();
    write_for(&mut h, 2, 15);
    assert_eq!(
        partitions(&mut h)["Partitions"].as_array().unwrap().len(),
        1,
        "two hot seconds are not enough"
    );
    write_for(&mut h, 1, 15);
    let described = partitions(&mut h);
    assert_eq!(
        described["Partitions"].as_array().unwrap().len(),
        2,
        "{described}"
    );
    assert_eq!(described["Splits"][0]["Reason"], "THROUGHPUT");
}

/// Ten small items, then two quiet seconds so their writes leave no heat behind.
fn heating_with_items() -> Harness {
    let mut h = heating();
    for i in 0..10 {
        h.put("t1x", json!({"pk": {"S": format!("k{i}")}}));
    }
    h.engine.advance_clock_by(2_000);
    h
}

/// Sends `request` `per_second` times in each of `seconds` consecutive seconds.
fn read_for(h: &mut Harness, operation: &str, request: Value, seconds: u64, per_second: u64) {
    for _ in 0..seconds {
        for _ in 0..per_second {
            h.ok(operation, request.clone());
        }
        h.engine.advance_clock_by(1_000);
    }
}

#[test]
fn queries_heat_the_partition_they_read_at_a_third_of_the_weight_of_writes() {
    let mut h = heating_with_items();
    let query = json!({"TableName": "t1x", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "k1"}}, "ConsistentRead": true});
    // 29 one-unit reads a second are 9.7 write units' worth: short of the playground's 10.
    read_for(&mut h, "Query", query.clone(), 3, 29);
    assert_eq!(
        partitions(&mut h)["Partitions"].as_array().unwrap().len(),
        1
    );
    read_for(&mut h, "Query", query, 3, 30);
    let described = partitions(&mut h);
    assert_eq!(
        described["Partitions"].as_array().unwrap().len(),
        2,
        "{described}"
    );
    assert_eq!(described["Splits"][0]["Reason"], "THROUGHPUT");
}

#[test]
fn scans_heat_the_partition_their_page_starts_in() {
    let mut h = heating_with_items();
    read_for(
        &mut h,
        "Scan",
        json!({"TableName": "t1x", "ConsistentRead": true}),
        3,
        30,
    );
    assert_eq!(partitions(&mut h)["Splits"][0]["Reason"], "THROUGHPUT");
}

#[test]
fn batch_gets_heat_the_partitions_of_their_items() {
    let mut h = heating_with_items();
    let batch =
        json!({"RequestItems": {"t1x": {"Keys": [{"pk": {"S": "k1"}}], "ConsistentRead": true}}});
    read_for(&mut h, "BatchGetItem", batch, 3, 30);
    assert_eq!(partitions(&mut h)["Splits"][0]["Reason"], "THROUGHPUT");
}

#[test]
fn a_cool_second_resets_the_heat() {
    let mut h = heating();
    write_for(&mut h, 2, 15);
    write_for(&mut h, 1, 2);
    write_for(&mut h, 2, 15);
    assert_eq!(
        partitions(&mut h)["Partitions"].as_array().unwrap().len(),
        1
    );
}

#[test]
fn a_throughput_split_gives_each_child_half_the_parents_throughput() {
    let mut h = heating();
    write_for(&mut h, 3, 15);
    let described = partitions(&mut h);
    let parts = described["Partitions"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    for part in parts {
        assert_eq!(
            part["Throughput"]["Write"]["AllocatedCapacityUnits"], 50.0,
            "{part}"
        );
    }
}

/// One partition key holding far more than the partition limit (playground, 10 KB).
fn one_big_collection(with_local_index: bool) -> Harness {
    let mut h = Harness::new();
    let mut definitions = vec![
        json!({"AttributeName": "pk", "AttributeType": "S"}),
        json!({"AttributeName": "sk", "AttributeType": "N"}),
    ];
    let mut request = json!({
        "TableName": "t1x",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "BillingMode": "PAY_PER_REQUEST",
    });
    if with_local_index {
        definitions.push(json!({"AttributeName": "r", "AttributeType": "N"}));
        request["LocalSecondaryIndexes"] = json!([{"IndexName": "by_r",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "r", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}]);
    }
    request["AttributeDefinitions"] = json!(definitions);
    h.ok("CreateTable", request);
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "Preset": "PLAYGROUND"}),
    );
    // The item collection limit would stop a table with a local index first; lift it there.
    for i in 0..60 {
        let _ = h.call("PutItem", json!({"TableName": "t1x", "Item": {"pk": {"S": "hot"}, "sk": {"N": i.to_string()}, "v": {"S": "x".repeat(400)}}}));
    }
    h
}

fn query_sort_keys(h: &mut Harness, forward: bool, limit: u64) -> Vec<u64> {
    let mut keys = Vec::new();
    let mut start: Option<Value> = None;
    loop {
        let mut request = json!({"TableName": "t1x", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "hot"}},
            "ScanIndexForward": forward, "Limit": limit, "ConsistentRead": true});
        if let Some(key) = start.take() {
            request["ExclusiveStartKey"] = key;
        }
        let page = h.ok("Query", request);
        keys.extend(
            page["Items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["sk"]["N"].as_str().unwrap().parse::<u64>().unwrap()),
        );
        match page.get("LastEvaluatedKey") {
            Some(key) => start = Some(key.clone()),
            None => return keys,
        }
    }
}

#[test]
fn a_hot_item_collection_without_a_local_index_splits_by_sort_key() {
    let mut h = one_big_collection(false);
    let described = partitions(&mut h);
    let parts = described["Partitions"].as_array().unwrap();
    assert!(parts.len() >= 2, "{described}");
    assert_eq!(described["Splits"][0]["WithinPartitionKey"], true);
    assert_eq!(
        parts[0]["HashRangeEnd"], parts[1]["HashRangeStart"],
        "the children share the partition key's hash"
    );
    assert!(parts[1]["StartsAtKey"].is_array());
}

#[test]
fn a_query_reads_across_a_split_inside_its_partition_key_in_order() {
    let mut h = one_big_collection(false);
    let expected: Vec<u64> = (0..60).collect();
    assert_eq!(query_sort_keys(&mut h, true, 7), expected);
    let mut reversed = expected.clone();
    reversed.reverse();
    assert_eq!(query_sort_keys(&mut h, false, 9), reversed);
    assert!(h.ok("GetItem", json!({"TableName": "t1x", "Key": {"pk": {"S": "hot"}, "sk": {"N": "59"}}, "ConsistentRead": true})).get("Item").is_some());
}

#[test]
fn a_local_index_keeps_an_item_collection_in_one_partition() {
    let mut h = one_big_collection(true);
    let described = partitions(&mut h);
    assert_eq!(
        described["Partitions"].as_array().unwrap().len(),
        1,
        "{described}"
    );
}

#[test]
fn a_throughput_split_closes_the_parent_shard_and_opens_two_children() {
    let mut h = heating();
    write_for(&mut h, 3, 15);
    let arn =
        h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"]["LatestStreamArn"].clone();
    let shards = h.ok("DescribeStream", json!({"StreamArn": arn}))["StreamDescription"]["Shards"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(shards.len(), 3, "{shards:?}");
    let parent = &shards[0]["ShardId"];
    assert!(
        shards[0]["SequenceNumberRange"]
            .get("EndingSequenceNumber")
            .is_some()
    );
    assert_eq!(
        shards
            .iter()
            .filter(|s| s.get("ParentShardId") == Some(parent))
            .count(),
        2
    );
}

#[test]
fn a_global_index_partition_over_the_size_limit_splits_once_its_entries_land() {
    let mut h = Harness::new();
    h.ok(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "GlobalSecondaryIndexes": [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}],
            "BillingMode": "PAY_PER_REQUEST",
        }),
    );
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "Preset": "PLAYGROUND"}),
    );
    for i in 0..60 {
        h.put("t1x", json!({"pk": {"S": format!("item{i:03}")}, "g": {"S": format!("g{i:03}")}, "v": {"S": "x".repeat(400)}}));
    }
    // The entries land after the propagation delay; the next write finds the index oversized.
    h.engine.advance_clock_by(3_000);
    h.put("t1x", json!({"pk": {"S": "late"}}));
    let index = h.ok(
        "Dynoscope_DescribePartitions",
        json!({"TableName": "t1x", "IndexName": "by_g"}),
    );
    let parts = index["Partitions"].as_array().unwrap();
    assert!(parts.len() >= 3, "{index}");
    for part in parts {
        assert!(part["SizeBytes"].as_u64().unwrap() <= 10 * 1024, "{part}");
    }
}

/// A provisioned table with a global index on `g` (its own 200 RCU / 200 WCU), on the
/// [`heat_only`] engine.
fn heating_index() -> Harness {
    let mut h = heat_only();
    h.provisioned_table_with_index((200, 200), (200, 200), "KEYS_ONLY");
    h
}

fn index_partitions(h: &mut Harness) -> Value {
    h.ok(
        "Dynoscope_DescribePartitions",
        json!({"TableName": "t1x", "IndexName": "by_g"}),
    )
}

#[test]
fn a_global_index_partition_hot_for_long_enough_splits_and_divides_its_throughput() {
    let mut h = heating_index();
    for s in 0..3 {
        for i in 0..15 {
            h.put(
                "t1x",
                json!({"pk": {"S": format!("s{s}-i{i}")}, "g": {"S": format!("g{s}-{i}")}}),
            );
        }
        h.engine.advance_clock_by(1_000);
    }
    let described = index_partitions(&mut h);
    let parts = described["Partitions"].as_array().unwrap();
    assert_eq!(parts.len(), 2, "{described}");
    assert_eq!(described["Splits"][0]["Reason"], "THROUGHPUT");
    for part in parts {
        assert_eq!(
            part["Throughput"]["Write"]["AllocatedCapacityUnits"], 100.0,
            "{part}"
        );
    }
    let events = h.ok("Dynoscope_GetEvents", json!({"TableName": "t1x"}));
    let index_split = events["Events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["Detail"]["IndexName"] == "by_g")
        .cloned();
    assert_eq!(
        index_split.map(|e| e["Kind"].clone()),
        Some(json!("SPLIT")),
        "{events}"
    );
}

#[test]
fn queries_on_a_global_index_heat_its_partitions() {
    let mut h = heating_index();
    for i in 0..10 {
        h.put(
            "t1x",
            json!({"pk": {"S": format!("k{i}")}, "g": {"S": format!("g{i}")}}),
        );
    }
    h.engine.advance_clock_by(5_000);
    // Eventually consistent, half a unit each: 60 a second are 30 RCU, worth 10 write units.
    let query = json!({"TableName": "t1x", "IndexName": "by_g", "KeyConditionExpression": "g = :g", "ExpressionAttributeValues": {":g": {"S": "g1"}}});
    read_for(&mut h, "Query", query.clone(), 3, 58);
    assert_eq!(
        index_partitions(&mut h)["Partitions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    read_for(&mut h, "Query", query, 3, 60);
    let described = index_partitions(&mut h);
    assert_eq!(
        described["Partitions"].as_array().unwrap().len(),
        2,
        "{described}"
    );
    assert_eq!(
        partitions(&mut h)["Partitions"].as_array().unwrap().len(),
        1,
        "the table's partitions are not the ones read"
    );
}

#[test]
fn an_index_reports_its_own_split_history() {
    let mut h = heating_index();
    assert_eq!(index_partitions(&mut h)["Splits"], json!([]));
}
