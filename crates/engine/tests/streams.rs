//! DynamoDB Streams through dispatch: the records item writes leave (event names, images per
//! StreamViewType, no record for a write that changes nothing, order), the four Streams API
//! operations (ListStreams, DescribeStream, GetShardIterator, GetRecords) with their paging
//! and errors, and time on the virtual clock: iterators expire after 15 minutes, records are
//! trimmed after 24 hours, a disabled stream goes 24 hours after it closed. Expectations
//! follow the DynamoDB Streams API Reference, the developer guide's Streams pages and
//! scylladb's test/alternator/test_streams.py (written to pass against DynamoDB).

mod common;

use common::Harness;
use dynoscope_engine::{ErrorKind, item_from_json};
use serde_json::{Value, json};

const MINUTE: u64 = 60_000;
const HOUR: u64 = 60 * MINUTE;

fn key(pk: &str) -> Value {
    json!({"pk": {"S": pk}})
}

fn item(pk: &str, attrs: Value) -> Value {
    let mut item = attrs;
    item["pk"] = json!({"S": pk});
    item
}

fn describe(h: &mut Harness, arn: &str) -> Value {
    h.ok("DescribeStream", json!({"StreamArn": arn}))["StreamDescription"].clone()
}

fn shard_ids(h: &mut Harness, arn: &str) -> Vec<String> {
    describe(h, arn)["Shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ShardId"].as_str().unwrap().to_owned())
        .collect()
}

fn iterator_request(arn: &str, shard: &str, kind: &str, sequence: Option<&str>) -> Value {
    let mut request = json!({"StreamArn": arn, "ShardId": shard, "ShardIteratorType": kind});
    if let Some(sequence) = sequence {
        request["SequenceNumber"] = json!(sequence);
    }
    request
}

fn iterator(h: &mut Harness, arn: &str, shard: &str, kind: &str, sequence: Option<&str>) -> String {
    let response = h.ok(
        "GetShardIterator",
        iterator_request(arn, shard, kind, sequence),
    );
    response["ShardIterator"].as_str().unwrap().to_owned()
}

fn get_records(h: &mut Harness, iterator: &str, limit: Option<u64>) -> Value {
    let mut request = json!({"ShardIterator": iterator});
    if let Some(limit) = limit {
        request["Limit"] = json!(limit);
    }
    h.ok("GetRecords", request)
}

/// Every record of the stream's first shard, from TRIM_HORIZON.
fn records(h: &mut Harness, arn: &str) -> Vec<Value> {
    let shard = shard_ids(h, arn)[0].clone();
    let first = iterator(h, arn, &shard, "TRIM_HORIZON", None);
    get_records(h, &first, None)["Records"]
        .as_array()
        .unwrap()
        .clone()
}

fn event_names(records: &[Value]) -> Vec<&str> {
    records
        .iter()
        .map(|r| r["eventName"].as_str().unwrap())
        .collect()
}

fn sequence_of(record: &Value) -> String {
    record["dynamodb"]["SequenceNumber"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn disable_stream(h: &mut Harness, table: &str) {
    h.ok(
        "UpdateTable",
        json!({"TableName": table, "StreamSpecification": {"StreamEnabled": false}}),
    );
}

// --- records ---------------------------------------------------------------------------

#[test]
fn keys_only_records_carry_the_keys_and_no_image() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    h.put("tbl", item("a", json!({"v": {"N": "1"}})));
    let dynamodb = &records(&mut h, &arn)[0]["dynamodb"];
    assert_eq!(dynamodb["Keys"], key("a"));
    assert_eq!(dynamodb["StreamViewType"], "KEYS_ONLY");
    assert!(
        dynamodb.get("NewImage").is_none() && dynamodb.get("OldImage").is_none(),
        "{dynamodb}"
    );
}

#[test]
fn new_image_records_carry_the_item_after_the_write_only() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "NEW_IMAGE");
    h.put("tbl", item("a", json!({"v": {"N": "1"}})));
    h.put("tbl", item("a", json!({"v": {"N": "2"}})));
    let all = records(&mut h, &arn);
    assert_eq!(
        all[1]["dynamodb"]["NewImage"],
        item("a", json!({"v": {"N": "2"}}))
    );
    assert!(all[1]["dynamodb"].get("OldImage").is_none());
}

#[test]
fn old_image_records_carry_the_item_before_the_write_only() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "OLD_IMAGE");
    h.put("tbl", item("a", json!({"v": {"N": "1"}})));
    h.put("tbl", item("a", json!({"v": {"N": "2"}})));
    let all = records(&mut h, &arn);
    assert!(
        all[0]["dynamodb"].get("OldImage").is_none(),
        "an INSERT has no old image"
    );
    assert_eq!(
        all[1]["dynamodb"]["OldImage"],
        item("a", json!({"v": {"N": "1"}}))
    );
    assert!(all[1]["dynamodb"].get("NewImage").is_none());
}

#[test]
fn new_and_old_images_records_carry_both_images() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "NEW_AND_OLD_IMAGES");
    h.put("tbl", item("a", json!({"v": {"N": "1"}})));
    h.ok(
        "UpdateItem",
        json!({"TableName": "tbl", "Key": key("a"), "UpdateExpression": "SET w = :w",
        "ExpressionAttributeValues": {":w": {"S": "x"}}}),
    );
    let modify = &records(&mut h, &arn)[1]["dynamodb"];
    assert_eq!(modify["OldImage"], item("a", json!({"v": {"N": "1"}})));
    assert_eq!(
        modify["NewImage"],
        item("a", json!({"v": {"N": "1"}, "w": {"S": "x"}}))
    );
}

#[test]
fn a_new_item_is_insert_a_changed_one_modify_and_a_deleted_one_remove() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "NEW_AND_OLD_IMAGES");
    h.put("tbl", item("a", json!({"v": {"N": "1"}})));
    h.put("tbl", item("a", json!({"v": {"N": "2"}})));
    h.ok("DeleteItem", json!({"TableName": "tbl", "Key": key("a")}));
    let all = records(&mut h, &arn);
    assert_eq!(event_names(&all), ["INSERT", "MODIFY", "REMOVE"]);
    assert!(all[2]["dynamodb"].get("NewImage").is_none());
    assert_eq!(
        all[2]["dynamodb"]["OldImage"],
        item("a", json!({"v": {"N": "2"}}))
    );
}

#[test]
fn an_update_that_creates_the_item_is_an_insert() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "NEW_AND_OLD_IMAGES");
    h.ok(
        "UpdateItem",
        json!({"TableName": "tbl", "Key": key("a"), "UpdateExpression": "SET b = :b",
        "ExpressionAttributeValues": {":b": {"N": "4"}}}),
    );
    let all = records(&mut h, &arn);
    assert_eq!(event_names(&all), ["INSERT"]);
    assert!(all[0]["dynamodb"].get("OldImage").is_none());
}

#[test]
fn putting_an_identical_item_leaves_no_record() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    h.put("tbl", item("a", json!({"s": {"SS": ["x", "y"]}})));
    h.put("tbl", item("a", json!({"s": {"SS": ["y", "x"]}})));
    assert_eq!(event_names(&records(&mut h, &arn)), ["INSERT"]);
}

#[test]
fn an_update_that_changes_nothing_leaves_no_record() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    h.put("tbl", item("a", json!({"v": {"N": "1"}})));
    h.ok(
        "UpdateItem",
        json!({"TableName": "tbl", "Key": key("a"), "UpdateExpression": "SET v = :v",
        "ExpressionAttributeValues": {":v": {"N": "1.0"}}}),
    );
    assert_eq!(event_names(&records(&mut h, &arn)), ["INSERT"]);
}

#[test]
fn deleting_a_missing_item_leaves_no_record() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    h.ok(
        "DeleteItem",
        json!({"TableName": "tbl", "Key": key("nothing")}),
    );
    assert!(records(&mut h, &arn).is_empty());
}

#[test]
fn a_failed_conditional_write_leaves_no_record() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    h.put("tbl", item("a", json!({})));
    h.err(
        "PutItem",
        json!({"TableName": "tbl", "Item": item("a", json!({"v": {"N": "1"}})),
        "ConditionExpression": "attribute_not_exists(pk)"}),
    );
    assert_eq!(event_names(&records(&mut h, &arn)), ["INSERT"]);
}

#[test]
fn an_items_records_keep_the_order_of_its_writes_with_increasing_sequence_numbers() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "NEW_IMAGE");
    for v in 1..=5 {
        h.put("tbl", item("a", json!({"v": {"N": v.to_string()}})));
        h.put("tbl", item("b", json!({"v": {"N": v.to_string()}})));
    }
    let all = records(&mut h, &arn);
    let of_a: Vec<&Value> = all
        .iter()
        .filter(|r| r["dynamodb"]["Keys"] == key("a"))
        .collect();
    let values: Vec<&str> = of_a
        .iter()
        .map(|r| r["dynamodb"]["NewImage"]["v"]["N"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["1", "2", "3", "4", "5"]);
    let sequences: Vec<u128> = all
        .iter()
        .map(|r| sequence_of(r).parse().unwrap())
        .collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");
}

#[test]
fn a_record_has_dynamodbs_envelope() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "NEW_IMAGE");
    h.engine.advance_clock_to(1_700_000_123_456);
    h.put("tbl", item("id", json!({})));
    let record = &records(&mut h, &arn)[0];
    assert_eq!(record["eventVersion"], "1.1");
    assert_eq!(record["eventSource"], "aws:dynamodb");
    assert_eq!(record["awsRegion"], "us-east-1");
    let id = record["eventID"].as_str().unwrap();
    assert!(
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    let dynamodb = &record["dynamodb"];
    assert_eq!(
        dynamodb["ApproximateCreationDateTime"], 1_700_000_123,
        "epoch seconds, rounded down"
    );
    let sequence = sequence_of(record);
    assert!(
        (21..=40).contains(&sequence.len()) && sequence.bytes().all(|b| b.is_ascii_digit()),
        "{sequence}"
    );
    assert_eq!(
        dynamodb["SizeBytes"], 8,
        "the keys (4 bytes) plus the new image (4 bytes)"
    );
    assert!(
        record.get("userIdentity").is_none(),
        "only TTL deletions carry an identity"
    );
}

#[test]
fn a_ttl_deletion_carries_the_service_identity_in_api_casing() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "OLD_IMAGE");
    h.put("tbl", item("a", json!({"exp": {"N": "1"}})));
    let deleted = dynoscope_engine::ttl_delete(
        &mut h.engine,
        "tbl",
        &item_from_json(r#"{"pk":{"S":"a"}}"#).unwrap(),
    );
    assert!(deleted.unwrap().is_some());
    let removal = &records(&mut h, &arn)[1];
    assert_eq!(removal["eventName"], "REMOVE");
    assert_eq!(
        removal["userIdentity"],
        json!({"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"})
    );
    assert!(h.get("tbl", key("a")).is_none());
}

#[test]
fn each_item_a_transaction_writes_leaves_a_record() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    h.put("tbl", item("c", json!({})));
    h.ok("TransactWriteItems", json!({"TransactItems": [
        {"Put": {"TableName": "tbl", "Item": item("a", json!({}))}},
        {"Update": {"TableName": "tbl", "Key": key("b"), "UpdateExpression": "SET v = :v",
            "ExpressionAttributeValues": {":v": {"N": "1"}}}},
        {"Delete": {"TableName": "tbl", "Key": key("c")}},
        {"ConditionCheck": {"TableName": "tbl", "Key": key("d"), "ConditionExpression": "attribute_not_exists(pk)"}},
    ]}));
    assert_eq!(
        event_names(&records(&mut h, &arn)),
        ["INSERT", "INSERT", "INSERT", "REMOVE"]
    );
}

#[test]
fn each_write_of_a_batch_leaves_a_record() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    h.put("tbl", item("b", json!({})));
    h.ok(
        "BatchWriteItem",
        json!({"RequestItems": {"tbl": [
            {"PutRequest": {"Item": item("a", json!({}))}},
            {"DeleteRequest": {"Key": key("b")}},
            {"DeleteRequest": {"Key": key("missing")}},
        ]}}),
    );
    assert_eq!(
        event_names(&records(&mut h, &arn)),
        ["INSERT", "INSERT", "REMOVE"]
    );
}

#[test]
fn a_table_without_a_stream_records_nothing_and_lists_no_stream() {
    let mut h = Harness::new();
    h.table("tbl", None);
    h.put("tbl", item("a", json!({})));
    assert_eq!(h.ok("ListStreams", json!({})), json!({"Streams": []}));
}

// --- ListStreams and DescribeStream ----------------------------------------------------

#[test]
fn list_streams_names_each_stream_with_its_table_and_label() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    let listed = h.ok("ListStreams", json!({"TableName": "tbl"}));
    let label = arn.rsplit_once("/stream/").unwrap().1;
    assert_eq!(
        listed,
        json!({"Streams": [{"StreamArn": arn, "TableName": "tbl", "StreamLabel": label}]})
    );
}

#[test]
fn list_streams_pages_with_limit_and_exclusive_start_stream_arn() {
    let mut h = Harness::new();
    let arns: Vec<String> = ["tb1", "tb2", "tb3"]
        .iter()
        .map(|t| h.stream_table(t, "KEYS_ONLY"))
        .collect();
    let first = h.ok("ListStreams", json!({"Limit": 2}));
    assert_eq!(first["Streams"].as_array().unwrap().len(), 2);
    assert_eq!(first["LastEvaluatedStreamArn"], arns[1].as_str());
    let rest = h.ok(
        "ListStreams",
        json!({"Limit": 2, "ExclusiveStartStreamArn": arns[1]}),
    );
    assert_eq!(rest["Streams"][0]["StreamArn"], arns[2].as_str());
    assert!(rest.get("LastEvaluatedStreamArn").is_none());
    assert_eq!(
        h.ok("ListStreams", json!({"TableName": "tb2"}))["Streams"][0]["StreamArn"],
        arns[1].as_str()
    );
}

#[test]
fn list_streams_limit_must_be_between_1_and_100() {
    let mut h = Harness::new();
    let e = h.err("ListStreams", json!({"Limit": 0}));
    assert_eq!(
        e.message,
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
    assert_eq!(
        h.err("ListStreams", json!({"Limit": 101})).kind,
        ErrorKind::ValidationException
    );
}

#[test]
fn a_new_stream_has_one_open_shard_per_partition_and_describes_its_table() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "NEW_IMAGE");
    let description = describe(&mut h, &arn);
    assert_eq!(description["StreamStatus"], "ENABLED");
    assert_eq!(description["StreamViewType"], "NEW_IMAGE");
    assert_eq!(description["TableName"], "tbl");
    assert_eq!(
        description["KeySchema"],
        json!([{"AttributeName": "pk", "KeyType": "HASH"}])
    );
    assert_eq!(
        description["StreamLabel"],
        arn.rsplit_once("/stream/").unwrap().1
    );
    assert!(description["CreationRequestDateTime"].is_number());
    let shards = description["Shards"].as_array().unwrap();
    assert_eq!(shards.len(), 1);
    let range = &shards[0]["SequenceNumberRange"];
    assert!(
        range["StartingSequenceNumber"]
            .as_str()
            .unwrap()
            .bytes()
            .all(|b| b.is_ascii_digit())
    );
    assert!(
        range.get("EndingSequenceNumber").is_none(),
        "an open shard has no end"
    );
}

#[test]
fn shard_ids_have_dynamodbs_format_and_repeat_for_the_same_seed() {
    let ids: Vec<String> = (0..2)
        .map(|_| {
            let mut h = Harness::new();
            let arn = h.stream_table("tbl", "KEYS_ONLY");
            shard_ids(&mut h, &arn).remove(0)
        })
        .collect();
    let (digits, hex) = ids[0]
        .strip_prefix("shardId-")
        .unwrap()
        .split_once('-')
        .unwrap();
    assert!(
        digits.len() == 20 && digits.bytes().all(|b| b.is_ascii_digit()),
        "{}",
        ids[0]
    );
    assert!(
        hex.len() == 8 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        "{}",
        ids[0]
    );
    assert_eq!(ids[0], ids[1]);
}

#[test]
fn a_split_closes_the_parent_shard_and_opens_children_naming_it() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    h.put("tbl", item("a", json!({})));
    let parent = shard_ids(&mut h, &arn).remove(0);
    dynoscope_engine::split_shard(&mut h.engine, "tbl", 0, &[1, 2]);
    let shards = describe(&mut h, &arn)["Shards"].as_array().unwrap().clone();
    assert_eq!(shards.len(), 3);
    assert!(
        shards[0]["SequenceNumberRange"]
            .get("EndingSequenceNumber")
            .is_some(),
        "the parent is closed"
    );
    assert_eq!(shards[1]["ParentShardId"], parent.as_str());
    assert_eq!(shards[2]["ParentShardId"], parent.as_str());
    let ids: Vec<&str> = shards
        .iter()
        .map(|s| s["ShardId"].as_str().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "shards are listed in id order, parents first: {ids:?}"
    );
}

#[test]
fn describe_stream_pages_shards_with_limit_and_exclusive_start_shard_id() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    dynoscope_engine::split_shard(&mut h.engine, "tbl", 0, &[1, 2]);
    let all = shard_ids(&mut h, &arn);
    let first =
        h.ok("DescribeStream", json!({"StreamArn": arn, "Limit": 2}))["StreamDescription"].clone();
    assert_eq!(first["LastEvaluatedShardId"], all[1].as_str());
    let rest = h.ok(
        "DescribeStream",
        json!({"StreamArn": arn, "ExclusiveStartShardId": all[1]}),
    )["StreamDescription"]
        .clone();
    assert_eq!(rest["Shards"].as_array().unwrap().len(), 1);
    assert!(rest.get("LastEvaluatedShardId").is_none());
    let past_end = h.ok(
        "DescribeStream",
        json!({"StreamArn": arn, "ExclusiveStartShardId": "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"}),
    );
    assert_eq!(past_end["StreamDescription"]["Shards"], json!([]));
}

#[test]
fn a_malformed_stream_arn_is_invalid_and_an_unknown_one_not_found() {
    let mut h = Harness::new();
    let e = h.err("DescribeStream", json!({"StreamArn": "fake-stream"}));
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::ValidationException, "Invalid StreamArn")
    );
    let unknown =
        "arn:aws:dynamodb:us-east-1:000000000000:table/nope/stream/2015-05-11T21:21:33.291";
    let e = h.err("DescribeStream", json!({"StreamArn": unknown}));
    assert_eq!(e.kind, ErrorKind::ResourceNotFoundException);
    assert_eq!(
        e.message,
        format!("Requested resource not found: Stream: {unknown} not found")
    );
    assert_eq!(
        e.wire_type(),
        "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
    );
}

// --- GetShardIterator and GetRecords ---------------------------------------------------

fn two_records(h: &mut Harness) -> (String, String, Vec<Value>) {
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    h.put("tbl", item("a", json!({})));
    h.put("tbl", item("b", json!({})));
    let shard = shard_ids(h, &arn).remove(0);
    let all = records(h, &arn);
    (arn, shard, all)
}

#[test]
fn latest_reads_only_records_written_after_it() {
    let mut h = Harness::new();
    let (arn, shard, _) = two_records(&mut h);
    let latest = iterator(&mut h, &arn, &shard, "LATEST", None);
    assert_eq!(get_records(&mut h, &latest, None)["Records"], json!([]));
    h.put("tbl", item("c", json!({})));
    let read = get_records(&mut h, &latest, None);
    assert_eq!(read["Records"][0]["dynamodb"]["Keys"], key("c"));
}

#[test]
fn at_sequence_number_rereads_that_record_and_after_sequence_number_the_next() {
    let mut h = Harness::new();
    let (arn, shard, all) = two_records(&mut h);
    let first = sequence_of(&all[0]);
    let at = iterator(&mut h, &arn, &shard, "AT_SEQUENCE_NUMBER", Some(&first));
    assert_eq!(get_records(&mut h, &at, None)["Records"], json!(all));
    let after = iterator(&mut h, &arn, &shard, "AFTER_SEQUENCE_NUMBER", Some(&first));
    assert_eq!(
        get_records(&mut h, &after, None)["Records"],
        json!(all[1..])
    );
}

#[test]
fn the_starting_sequence_number_reads_the_whole_shard() {
    let mut h = Harness::new();
    let (arn, _, all) = two_records(&mut h);
    let shard = describe(&mut h, &arn)["Shards"][0].clone();
    let start = shard["SequenceNumberRange"]["StartingSequenceNumber"]
        .as_str()
        .unwrap();
    let at = iterator(
        &mut h,
        &arn,
        shard["ShardId"].as_str().unwrap(),
        "AT_SEQUENCE_NUMBER",
        Some(start),
    );
    assert_eq!(get_records(&mut h, &at, None)["Records"], json!(all));
}

#[test]
fn a_sequence_number_is_required_for_at_and_after_and_refused_for_the_others() {
    let mut h = Harness::new();
    let (arn, shard, all) = two_records(&mut h);
    let sequence = sequence_of(&all[0]);
    for kind in ["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"] {
        assert_eq!(
            h.err(
                "GetShardIterator",
                iterator_request(&arn, &shard, kind, None)
            )
            .kind,
            ErrorKind::ValidationException
        );
    }
    for kind in ["TRIM_HORIZON", "LATEST"] {
        let e = h.err(
            "GetShardIterator",
            iterator_request(&arn, &shard, kind, Some(&sequence)),
        );
        assert_eq!(e.kind, ErrorKind::ValidationException);
    }
    let e = h.err(
        "GetShardIterator",
        iterator_request(&arn, &shard, "bulle", None),
    );
    assert!(e.message.contains("Member must satisfy enum value set: [TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER]"), "{}", e.message);
}

#[test]
fn an_unknown_shard_is_not_found() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    let e = h.err(
        "GetShardIterator",
        iterator_request(
            &arn,
            "semprinidfaasdasfsdvacsdcfsdsvsdvsdvsdvsdvsdv",
            "LATEST",
            None,
        ),
    );
    assert_eq!(
        (e.kind, e.message.as_str()),
        (
            ErrorKind::ResourceNotFoundException,
            "Requested resource not found: Shard does not exist"
        )
    );
}

#[test]
fn get_records_pages_by_limit_and_an_open_shard_always_gives_a_next_iterator() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    for pk in ["a", "b", "c", "d", "e"] {
        h.put("tbl", item(pk, json!({})));
    }
    let shard = shard_ids(&mut h, &arn).remove(0);
    let mut next = iterator(&mut h, &arn, &shard, "TRIM_HORIZON", None);
    let mut sizes = Vec::new();
    for _ in 0..4 {
        let page = get_records(&mut h, &next, Some(2));
        sizes.push(page["Records"].as_array().unwrap().len());
        next = page["NextShardIterator"]
            .as_str()
            .expect("an open shard always has a next iterator")
            .to_owned();
    }
    assert_eq!(sizes, [2, 2, 1, 0]);
}

#[test]
fn get_records_limit_must_be_between_1_and_1000() {
    let mut h = Harness::new();
    let (arn, shard, _) = two_records(&mut h);
    let it = iterator(&mut h, &arn, &shard, "LATEST", None);
    for limit in [0, 1001] {
        let e = h.err("GetRecords", json!({"ShardIterator": it, "Limit": limit}));
        assert!(
            e.kind == ErrorKind::ValidationException && e.message.contains("'limit'"),
            "{}",
            e.message
        );
    }
}

#[test]
fn an_iterator_this_engine_did_not_issue_is_invalid() {
    let mut h = Harness::new();
    let e = h.err(
        "GetRecords",
        json!({"ShardIterator": "sdfsdfsgagaddafgagasgasgasdfasdfasdfasdfasdgasdasdgasdg"}),
    );
    assert_eq!(e.kind, ErrorKind::ValidationException);
}

#[test]
fn a_shard_iterator_expires_15_minutes_after_it_is_issued() {
    let mut h = Harness::new();
    let (arn, shard, _) = two_records(&mut h);
    let it = iterator(&mut h, &arn, &shard, "TRIM_HORIZON", None);
    h.engine.advance_clock_by(15 * MINUTE - 1);
    let page = get_records(&mut h, &it, None);
    h.engine.advance_clock_by(1);
    let e = h.err("GetRecords", json!({"ShardIterator": it}));
    assert_eq!(e.kind, ErrorKind::ExpiredIteratorException);
    assert_eq!(
        e.wire_type(),
        "com.amazonaws.dynamodb.v20120810#ExpiredIteratorException"
    );
    // The next iterator was issued by the read, so it still has its 15 minutes.
    h.engine.advance_clock_by(14 * MINUTE);
    get_records(&mut h, page["NextShardIterator"].as_str().unwrap(), None);
}

#[test]
fn records_older_than_24_hours_are_trimmed() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    h.put("tbl", item("old", json!({})));
    h.engine.advance_clock_by(2 * HOUR);
    h.put("tbl", item("new", json!({})));
    h.engine.advance_clock_by(22 * HOUR);
    let kept = records(&mut h, &arn);
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0]["dynamodb"]["Keys"], key("new"));
}

#[test]
fn reading_a_trimmed_position_is_trimmed_data_access() {
    let mut h = Harness::new();
    let (arn, shard, all) = two_records(&mut h);
    h.engine.advance_clock_by(24 * HOUR);
    let e = h.err(
        "GetShardIterator",
        iterator_request(
            &arn,
            &shard,
            "AT_SEQUENCE_NUMBER",
            Some(&sequence_of(&all[0])),
        ),
    );
    assert_eq!(
        (e.kind, e.message.as_str()),
        (
            ErrorKind::TrimmedDataAccessException,
            "The data you are trying to access has been trimmed"
        )
    );
    // An iterator issued before the trim, used before it expires, points at trimmed records too.
    let mut h = Harness::new();
    let (arn, shard, _) = two_records(&mut h);
    h.engine.advance_clock_by(24 * HOUR - 5 * MINUTE);
    let fresh = iterator(&mut h, &arn, &shard, "TRIM_HORIZON", None);
    h.engine.advance_clock_by(5 * MINUTE);
    assert_eq!(
        h.err("GetRecords", json!({"ShardIterator": fresh})).kind,
        ErrorKind::TrimmedDataAccessException
    );
}

#[test]
fn disabling_the_stream_closes_its_shards_which_stay_readable_to_their_end() {
    let mut h = Harness::new();
    let (arn, shard, all) = two_records(&mut h);
    disable_stream(&mut h, "tbl");
    h.put("tbl", item("after", json!({})));
    let description = describe(&mut h, &arn);
    assert_eq!(description["StreamStatus"], "DISABLED");
    let range = &description["Shards"][0]["SequenceNumberRange"];
    assert_eq!(range["EndingSequenceNumber"], sequence_of(&all[1]).as_str());
    let it = iterator(&mut h, &arn, &shard, "TRIM_HORIZON", None);
    let read = get_records(&mut h, &it, None);
    assert_eq!(
        read["Records"],
        json!(all),
        "nothing written after disabling is recorded"
    );
    assert!(
        read.get("NextShardIterator").is_none(),
        "a closed shard read to its end has no next iterator"
    );
    assert_eq!(
        h.ok("ListStreams", json!({"TableName": "tbl"}))["Streams"][0]["StreamArn"],
        arn.as_str()
    );
}

#[test]
fn re_enabling_creates_a_new_stream_with_a_new_arn() {
    let mut h = Harness::new();
    let old = h.stream_table("tbl", "KEYS_ONLY");
    disable_stream(&mut h, "tbl");
    let updated = h.ok(
        "UpdateTable",
        json!({"TableName": "tbl",
        "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"}}),
    );
    let new = updated["TableDescription"]["LatestStreamArn"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(new, old, "even within the same virtual millisecond");
    assert_eq!(
        h.ok("DescribeTable", json!({"TableName": "tbl"}))["Table"]["LatestStreamArn"],
        new.as_str()
    );
    h.put("tbl", item("a", json!({})));
    assert_eq!(records(&mut h, &new).len(), 1);
    assert!(records(&mut h, &old).is_empty());
    let listed = h.ok("ListStreams", json!({"TableName": "tbl"}))["Streams"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(listed, 2);
}

#[test]
fn a_disabled_stream_goes_24_hours_after_it_closed() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    h.put("tbl", item("a", json!({})));
    disable_stream(&mut h, "tbl");
    h.engine.advance_clock_by(24 * HOUR - 1);
    describe(&mut h, &arn);
    h.engine.advance_clock_by(1);
    assert_eq!(
        h.err("DescribeStream", json!({"StreamArn": arn})).kind,
        ErrorKind::ResourceNotFoundException
    );
    assert_eq!(h.ok("ListStreams", json!({})), json!({"Streams": []}));
}

#[test]
fn deleting_the_table_disables_its_stream_whose_records_stay_readable() {
    let mut h = Harness::new();
    let (arn, _, all) = two_records(&mut h);
    h.ok("DeleteTable", json!({"TableName": "tbl"}));
    assert_eq!(describe(&mut h, &arn)["StreamStatus"], "DISABLED");
    assert_eq!(records(&mut h, &arn), all);
}
