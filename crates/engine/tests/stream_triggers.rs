//! Scenario: stream triggers, Lambda's event source mapping on a table's stream, driven on
//! the virtual clock through the job interface (`take_invocations`, `complete_invocation`)
//! the page and the server use. Each test pins one delivery rule.

mod common;

use common::Harness;
use dynoscope_engine::{
    Engine, EngineConfig, ErrorKind, Invocation, InvocationOutcome, MemoryStore,
};
use serde_json::{Value, json};

/// A mapping of `arn` to `function` from TRIM_HORIZON, with `extra` settings; its UUID.
fn mapping(h: &mut Harness, arn: &str, function: &str, extra: Value) -> String {
    let mut request = json!({"EventSourceArn": arn, "FunctionName": function, "StartingPosition": "TRIM_HORIZON"});
    for (k, v) in extra.as_object().unwrap() {
        request[k] = v.clone();
    }
    h.ok("Dynoscope_CreateEventSourceMapping", request)["UUID"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn put(h: &mut Harness, pk: &str, extra: Value) {
    let mut item = json!({"pk": {"S": pk}});
    for (k, v) in extra.as_object().unwrap() {
        item[k] = v.clone();
    }
    h.put("tbl", item);
}

fn records(invocation: &Invocation) -> &Vec<Value> {
    invocation.event["Records"].as_array().unwrap()
}

/// The partition keys of an invocation's records, in order.
fn pks(invocation: &Invocation) -> Vec<String> {
    records(invocation)
        .iter()
        .map(|r| {
            r["dynamodb"]["Keys"]["pk"]["S"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

fn sequence(record: &Value) -> String {
    record["dynamodb"]["SequenceNumber"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn succeed(h: &mut Harness, invocation: &Invocation) {
    assert!(
        h.engine
            .complete_invocation(&invocation.invocation_id, InvocationOutcome::success(None))
    );
}

fn fail(h: &mut Harness, invocation: &Invocation) {
    let outcome = InvocationOutcome::error("Error", "boom");
    assert!(
        h.engine
            .complete_invocation(&invocation.invocation_id, outcome)
    );
}

/// The one invocation due now.
fn one(h: &mut Harness) -> Invocation {
    let mut due = h.engine.take_invocations();
    assert_eq!(due.len(), 1, "one invocation due: {due:?}");
    due.remove(0)
}

fn queue(h: &mut Harness, name: &str) -> Vec<Value> {
    let answer = h.ok(
        "Dynoscope_ReceiveFromQueue",
        json!({"QueueName": name, "MaxNumberOfMessages": 10}),
    );
    (answer["Messages"].as_array().unwrap().iter())
        .map(|m| serde_json::from_str(m["Body"].as_str().unwrap()).unwrap())
        .collect()
}

const DLQ: &str = "arn:aws:sqs:us-east-1:000000000000:dlq";

/// Splits `tbl`'s one partition for size, with `before` written to the parent first.
fn split_for_size(h: &mut Harness, before: &[&str]) {
    for pk in before {
        put(h, pk, json!({}));
    }
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "tbl", "PartitionSizeLimitBytes": 1024}),
    );
    let pad = "x".repeat(200);
    for i in 0..12 {
        put(h, &format!("fill{i}"), json!({"pad": {"S": pad}}));
    }
    let partitions = h.ok("Dynoscope_DescribePartitions", json!({"TableName": "tbl"}));
    assert!(
        partitions["Partitions"].as_array().unwrap().len() > 1,
        "the table split"
    );
}

#[test]
fn records_carry_lambdas_event_shape_for_insert_modify_and_remove() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "NEW_AND_OLD_IMAGES");
    put(&mut h, "a", json!({"n": {"N": "1"}}));
    put(&mut h, "a", json!({"n": {"N": "2"}}));
    h.ok(
        "DeleteItem",
        json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}}}),
    );
    mapping(&mut h, &arn, "f", json!({}));
    let invocation = one(&mut h);
    let r = records(&invocation);
    let names: Vec<&str> = r.iter().map(|r| r["eventName"].as_str().unwrap()).collect();
    assert_eq!(names, ["INSERT", "MODIFY", "REMOVE"]);
    for record in r {
        assert_eq!(record["eventVersion"], "1.1");
        assert_eq!(record["eventSource"], "aws:dynamodb");
        assert_eq!(record["awsRegion"], "us-east-1");
        assert_eq!(record["eventSourceARN"], arn.as_str());
        assert_eq!(record["eventID"].as_str().unwrap().len(), 32);
        let d = &record["dynamodb"];
        assert_eq!(d["Keys"], json!({"pk": {"S": "a"}}));
        assert_eq!(d["StreamViewType"], "NEW_AND_OLD_IMAGES");
        assert!(d["ApproximateCreationDateTime"].is_u64() && d["SizeBytes"].is_u64());
        assert!(record.get("userIdentity").is_none());
    }
    assert!(r[0]["dynamodb"].get("OldImage").is_none());
    assert_eq!(r[1]["dynamodb"]["OldImage"]["n"], json!({"N": "1"}));
    assert_eq!(r[1]["dynamodb"]["NewImage"]["n"], json!({"N": "2"}));
    assert!(r[2]["dynamodb"].get("NewImage").is_none());
    assert!(sequence(&r[0]) < sequence(&r[1]));
}

#[test]
fn each_stream_view_type_shows_only_its_images() {
    for (view, new, old) in [
        ("KEYS_ONLY", false, false),
        ("NEW_IMAGE", true, false),
        ("OLD_IMAGE", false, true),
    ] {
        let mut h = Harness::new();
        let arn = h.stream_table("tbl", view);
        put(&mut h, "a", json!({"n": {"N": "1"}}));
        put(&mut h, "a", json!({"n": {"N": "2"}}));
        mapping(&mut h, &arn, "f", json!({}));
        let invocation = one(&mut h);
        let modify = &records(&invocation)[1]["dynamodb"];
        assert_eq!(modify.get("NewImage").is_some(), new, "{view}");
        assert_eq!(modify.get("OldImage").is_some(), old, "{view}");
        assert_eq!(modify["StreamViewType"], view);
    }
}

#[test]
fn a_ttl_deletion_carries_user_identity_in_the_lambda_events_lowercase() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "OLD_IMAGE");
    put(&mut h, "a", json!({}));
    mapping(&mut h, &arn, "f", json!({"StartingPosition": "LATEST"}));
    let key = dynoscope_engine::item_from_json(r#"{"pk":{"S":"a"}}"#).unwrap();
    dynoscope_engine::ttl_delete(&mut h.engine, "tbl", &key).unwrap();
    let invocation = one(&mut h);
    assert_eq!(
        records(&invocation)[0]["userIdentity"],
        json!({"type": "Service", "principalId": "dynamodb.amazonaws.com"})
    );
}

#[test]
fn batch_size_caps_the_records_of_one_invocation() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    for pk in ["a", "b", "c", "d", "e"] {
        put(&mut h, pk, json!({}));
    }
    mapping(&mut h, &arn, "f", json!({"BatchSize": 2}));
    let mut sizes = Vec::new();
    while let Some(invocation) = h.engine.take_invocations().pop() {
        sizes.push(pks(&invocation).len());
        succeed(&mut h, &invocation);
    }
    assert_eq!(sizes, [2, 2, 1]);
}

#[test]
fn the_batching_window_holds_a_batch_until_it_is_full_or_the_window_passes() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    mapping(
        &mut h,
        &arn,
        "f",
        json!({"BatchSize": 3, "MaximumBatchingWindowInSeconds": 10}),
    );
    put(&mut h, "a", json!({}));
    put(&mut h, "b", json!({}));
    assert!(h.engine.take_invocations().is_empty(), "the window is open");
    h.engine.advance_clock_by(9_999);
    assert!(h.engine.take_invocations().is_empty());
    h.engine.advance_clock_by(1);
    let invocation = one(&mut h);
    assert_eq!(pks(&invocation), ["a", "b"]);
    succeed(&mut h, &invocation);
    for pk in ["c", "d", "e"] {
        put(&mut h, pk, json!({}));
    }
    assert_eq!(
        pks(&one(&mut h)),
        ["c", "d", "e"],
        "a full batch goes at once"
    );
}

#[test]
fn latest_starts_after_the_newest_record_and_trim_horizon_at_the_oldest() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    put(&mut h, "old", json!({}));
    mapping(
        &mut h,
        &arn,
        "latest",
        json!({"StartingPosition": "LATEST"}),
    );
    mapping(&mut h, &arn, "horizon", json!({}));
    put(&mut h, "new", json!({}));
    let mut delivered: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    loop {
        let due = h.engine.take_invocations();
        if due.is_empty() {
            break;
        }
        for invocation in &due {
            delivered
                .entry(invocation.function_name.clone())
                .or_default()
                .extend(pks(invocation));
            succeed(&mut h, invocation);
        }
    }
    assert_eq!(delivered["horizon"], ["old", "new"]);
    assert_eq!(delivered["latest"], ["new"]);
}

#[test]
fn a_failing_batch_blocks_its_shard_while_another_shard_proceeds() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    split_for_size(&mut h, &[]);
    let uuid = mapping(
        &mut h,
        &arn,
        "f",
        json!({"StartingPosition": "LATEST", "BatchSize": 1}),
    );
    for i in 0..20 {
        put(&mut h, &format!("k{i}"), json!({}));
    }
    let due = h.engine.take_invocations();
    assert!(due.len() >= 2, "one batch per shard: {due:?}");
    let (blocked, moving) = (&due[0], &due[1]);
    assert_ne!(blocked.shard_id, moving.shard_id);
    fail(&mut h, blocked);
    succeed(&mut h, moving);
    let next = h.engine.take_invocations();
    assert!(
        next.iter().all(|i| i.shard_id != blocked.shard_id),
        "the failed shard waits out its backoff"
    );
    assert!(
        next.iter().any(|i| i.shard_id == moving.shard_id),
        "the other shard moves on"
    );
    h.engine.advance_clock_by(1_000);
    let retried = h.engine.take_invocations();
    let retry = retried
        .iter()
        .find(|i| i.shard_id == blocked.shard_id)
        .expect("retried");
    assert_eq!(
        (pks(retry), retry.attempt),
        (pks(blocked), 2),
        "the same batch, in order"
    );
    let figures = &h.ok("Dynoscope_GetInvocations", json!({"UUID": uuid}))["Figures"];
    assert_eq!(
        (figures["Errors"].as_u64(), figures["Retries"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn after_maximum_retry_attempts_the_batch_goes_to_the_on_failure_queue_and_the_shard_moves_on() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    mapping(
        &mut h,
        &arn,
        "f",
        json!({"MaximumRetryAttempts": 2,
        "DestinationConfig": {"OnFailure": {"Destination": DLQ}}}),
    );
    put(&mut h, "a", json!({}));
    let first = one(&mut h);
    fail(&mut h, &first);
    for delay in [1_000, 2_000] {
        h.engine.advance_clock_by(delay);
        let retry = one(&mut h);
        fail(&mut h, &retry);
    }
    let messages = queue(&mut h, "dlq");
    assert_eq!(messages.len(), 1);
    let record = &messages[0];
    assert_eq!(
        record["requestContext"]["condition"],
        "RetryAttemptsExhausted"
    );
    assert_eq!(record["requestContext"]["approximateInvokeCount"], 3);
    assert_eq!(
        record["requestContext"]["functionArn"],
        "arn:aws:lambda:us-east-1:000000000000:function:f"
    );
    assert_eq!(
        record["responseContext"],
        json!({"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"})
    );
    assert_eq!(record["version"], "1.0");
    let info = &record["DDBStreamBatchInfo"];
    assert_eq!(
        (info["batchSize"].as_u64(), info["shardId"].as_str()),
        (Some(1), Some(first.shard_id.as_str()))
    );
    assert_eq!(
        info["startSequenceNumber"],
        sequence(&records(&first)[0]).as_str()
    );
    assert_eq!(info["streamArn"], arn.as_str());
    put(&mut h, "b", json!({}));
    assert_eq!(pks(&one(&mut h)), ["b"], "the shard moved on");
}

#[test]
fn an_exhausted_batch_is_written_to_a_table_destination_as_an_item() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    h.table("failures", None);
    mapping(
        &mut h,
        &arn,
        "f",
        json!({"MaximumRetryAttempts": 0,
        "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:dynamodb:us-east-1:000000000000:table/failures"}}}),
    );
    put(&mut h, "a", json!({}));
    let invocation = one(&mut h);
    fail(&mut h, &invocation);
    let items = h.ok("Scan", json!({"TableName": "failures"}))["Items"].clone();
    assert_eq!(items[0]["pk"], json!({"S": invocation.invocation_id}));
    assert_eq!(
        items[0]["requestContext"]["M"]["condition"],
        json!({"S": "RetryAttemptsExhausted"})
    );
    assert_eq!(
        items[0]["DDBStreamBatchInfo"]["M"]["batchSize"],
        json!({"N": "1"})
    );
}

#[test]
fn records_older_than_maximum_record_age_are_discarded_without_another_invocation() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    mapping(
        &mut h,
        &arn,
        "f",
        json!({"MaximumRecordAgeInSeconds": 60,
        "DestinationConfig": {"OnFailure": {"Destination": DLQ}}}),
    );
    put(&mut h, "a", json!({}));
    let invocation = one(&mut h);
    fail(&mut h, &invocation);
    h.engine.advance_clock_by(60_000);
    assert!(
        h.engine.take_invocations().is_empty(),
        "aged out, not retried"
    );
    let messages = queue(&mut h, "dlq");
    assert_eq!(
        messages[0]["requestContext"]["condition"],
        "RecordAgeExceeded"
    );
    assert_eq!(messages[0]["requestContext"]["approximateInvokeCount"], 1);
}

#[test]
fn bisection_halves_a_failing_batch_until_the_bad_record_is_alone() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    for pk in ["a", "b", "bad", "d"] {
        put(&mut h, pk, json!({}));
    }
    let uuid = mapping(
        &mut h,
        &arn,
        "f",
        json!({"BatchSize": 4, "BisectBatchOnFunctionError": true,
        "MaximumRetryAttempts": 0, "DestinationConfig": {"OnFailure": {"Destination": DLQ}}}),
    );
    let mut seen = Vec::new();
    while let Some(invocation) = h.engine.take_invocations().pop() {
        let keys = pks(&invocation);
        if keys.contains(&"bad".to_owned()) {
            fail(&mut h, &invocation);
        } else {
            succeed(&mut h, &invocation);
        }
        seen.push(keys.join(","));
    }
    assert_eq!(seen, ["a,b,bad,d", "a,b", "bad,d", "bad", "d"]);
    let messages = queue(&mut h, "dlq");
    assert_eq!(messages.len(), 1);
    assert_eq!(
        messages[0]["DDBStreamBatchInfo"]["batchSize"], 1,
        "only the bad record is given up"
    );
    let figures = &h.ok("Dynoscope_GetInvocations", json!({"UUID": uuid}))["Figures"];
    assert_eq!(
        (figures["Bisects"].as_u64(), figures["Retries"].as_u64()),
        (Some(2), Some(0)),
        "a bisection spends no retry"
    );
}

#[test]
fn a_partial_batch_response_resumes_from_the_first_failed_item() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    for pk in ["a", "b", "c", "d"] {
        put(&mut h, pk, json!({}));
    }
    mapping(
        &mut h,
        &arn,
        "f",
        json!({"FunctionResponseTypes": ["ReportBatchItemFailures"]}),
    );
    let invocation = one(&mut h);
    let r = records(&invocation);
    let failures = json!({"batchItemFailures": [{"itemIdentifier": sequence(&r[3])}, {"itemIdentifier": sequence(&r[2])}]});
    let outcome = InvocationOutcome::success(Some(failures));
    assert!(
        h.engine
            .complete_invocation(&invocation.invocation_id, outcome)
    );
    h.engine.advance_clock_by(1_000);
    let retry = one(&mut h);
    assert_eq!(pks(&retry), ["c", "d"]);
    succeed(&mut h, &retry);
    assert!(h.engine.take_invocations().is_empty());
}

#[test]
fn a_record_no_filter_matches_is_never_delivered() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "NEW_IMAGE");
    put(&mut h, "a", json!({}));
    put(&mut h, "a", json!({"n": {"N": "1"}}));
    h.ok(
        "DeleteItem",
        json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}}}),
    );
    put(&mut h, "b", json!({}));
    let uuid = mapping(
        &mut h,
        &arn,
        "f",
        json!({"FilterCriteria": {"Filters": [{"Pattern": r#"{"eventName": ["INSERT"]}"#}]}}),
    );
    let invocation = one(&mut h);
    let names: Vec<&str> = records(&invocation)
        .iter()
        .map(|r| r["eventName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["INSERT", "INSERT"]);
    assert_eq!(pks(&invocation), ["a", "b"]);
    succeed(&mut h, &invocation);
    h.ok(
        "DeleteItem",
        json!({"TableName": "tbl", "Key": {"pk": {"S": "b"}}}),
    );
    assert!(
        h.engine.take_invocations().is_empty(),
        "a REMOVE alone invokes nothing"
    );
    let figures = &h.ok("Dynoscope_GetInvocations", json!({"UUID": uuid}))["Figures"];
    assert_eq!(figures["RecordsFiltered"], 3);
}

#[test]
fn filters_speak_lambdas_pattern_language() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "NEW_IMAGE");
    let patterns = [
        (
            "prefix",
            r#"{"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "user#"}]}}}}"#,
        ),
        (
            "anything_but",
            r#"{"dynamodb": {"NewImage": {"status": {"S": [{"anything-but": ["draft"]}]}}}}"#,
        ),
        (
            "exists",
            r#"{"dynamodb": {"NewImage": {"email": {"S": [{"exists": true}]}}}}"#,
        ),
        (
            "numeric",
            r#"{"dynamodb": {"SizeBytes": [{"numeric": [">", 40]}]}}"#,
        ),
        (
            "or",
            r#"{"$or": [{"eventName": ["REMOVE"]}, {"dynamodb": {"Keys": {"pk": {"S": ["order#1"]}}}}]}"#,
        ),
    ];
    for (function, pattern) in patterns {
        mapping(
            &mut h,
            &arn,
            function,
            json!({"FilterCriteria": {"Filters": [{"Pattern": pattern}]}}),
        );
    }
    put(&mut h, "user#1", json!({"status": {"S": "draft"}}));
    put(
        &mut h,
        "order#1",
        json!({"status": {"S": "paid"}, "email": {"S": "a@example.com"}, "pad": {"S": "x".repeat(40)}}),
    );
    let mut got: Vec<(String, Vec<String>)> = (h.engine.take_invocations().iter())
        .map(|i| (i.function_name.clone(), pks(i)))
        .collect();
    got.sort();
    let expect = |f: &str, keys: &[&str]| {
        (
            f.to_owned(),
            keys.iter().map(|k| k.to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        got,
        [
            expect("anything_but", &["order#1"]),
            expect("exists", &["order#1"]),
            expect("numeric", &["order#1"]),
            expect("or", &["order#1"]),
            expect("prefix", &["user#1"]),
        ]
    );
}

#[test]
fn a_child_shard_waits_until_its_parent_is_drained() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    mapping(&mut h, &arn, "f", json!({"BatchSize": 100}));
    put(&mut h, "first", json!({}));
    let parent_batch = one(&mut h);
    split_for_size(&mut h, &[]);
    for i in 0..6 {
        put(&mut h, &format!("child{i}"), json!({}));
    }
    assert!(
        h.engine.take_invocations().is_empty(),
        "the children wait while the parent's batch is out"
    );
    fail(&mut h, &parent_batch);
    h.engine.advance_clock_by(1_000);
    let parent_rest = one(&mut h);
    assert_eq!(
        parent_rest.shard_id, parent_batch.shard_id,
        "the parent is retried first"
    );
    let parent_keys = pks(&parent_rest);
    assert_eq!(parent_keys[0], "first");
    succeed(&mut h, &parent_rest);
    let mut later = Vec::new();
    loop {
        let due = h.engine.take_invocations();
        if due.is_empty() {
            break;
        }
        for invocation in &due {
            succeed(&mut h, invocation);
        }
        later.extend(due);
    }
    let first_child = later
        .iter()
        .position(|i| i.shard_id != parent_batch.shard_id);
    let first_child = first_child.expect("the children are read");
    assert!(
        later[first_child..]
            .iter()
            .all(|i| i.shard_id != parent_batch.shard_id),
        "no parent batch after a child's"
    );
    let delivered: usize = later.iter().map(|i| pks(i).len()).sum::<usize>() + parent_keys.len();
    assert_eq!(delivered, 1 + 12 + 6, "every record once");
}

#[test]
fn parallelization_factor_runs_lanes_at_once_and_keeps_each_keys_order() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "NEW_IMAGE");
    mapping(
        &mut h,
        &arn,
        "f",
        json!({"ParallelizationFactor": 4, "BatchSize": 1}),
    );
    for round in 0..3 {
        for key in 0..8 {
            put(
                &mut h,
                &format!("k{key}"),
                json!({"round": {"N": round.to_string()}}),
            );
        }
    }
    let mut rounds: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut most_at_once = 0;
    loop {
        let due = h.engine.take_invocations();
        if due.is_empty() {
            break;
        }
        most_at_once = most_at_once.max(due.len());
        for invocation in &due {
            let r = &records(invocation)[0]["dynamodb"];
            let key = r["Keys"]["pk"]["S"].as_str().unwrap().to_owned();
            rounds
                .entry(key)
                .or_default()
                .push(r["NewImage"]["round"]["N"].as_str().unwrap().to_owned());
            succeed(&mut h, invocation);
        }
    }
    assert!(
        most_at_once > 1 && most_at_once <= 4,
        "{most_at_once} batches of one shard at once"
    );
    assert_eq!(rounds.len(), 8);
    assert!(rounds.values().all(|r| r == &["0", "1", "2"]), "{rounds:?}");
}

#[test]
fn mappings_and_their_positions_survive_a_restore() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    let url = "http://localhost:3000/f";
    let uuid = mapping(
        &mut h,
        &arn,
        "f",
        json!({"BatchSize": 7, "FunctionUrl": url}),
    );
    put(&mut h, "done", json!({}));
    let invocation = one(&mut h);
    assert_eq!(invocation.function_url.as_deref(), Some(url));
    succeed(&mut h, &invocation);
    put(&mut h, "pending", json!({}));
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());
    let mut reloaded = Engine::new(EngineConfig::default());
    reloaded.restore(&store.snapshot()).unwrap();
    let mut h = Harness { engine: reloaded };
    let listed = h.ok(
        "Dynoscope_ListEventSourceMappings",
        json!({"FunctionName": "f"}),
    );
    assert_eq!(listed["EventSourceMappings"][0]["UUID"], uuid.as_str());
    assert_eq!(listed["EventSourceMappings"][0]["BatchSize"], 7);
    assert_eq!(listed["EventSourceMappings"][0]["FunctionUrl"], url);
    let resumed = one(&mut h);
    assert_eq!(
        pks(&resumed),
        ["pending"],
        "delivery resumes where it stood"
    );
    assert_eq!(resumed.function_url.as_deref(), Some(url));
}

#[test]
fn a_mapping_is_described_as_lambda_describes_it() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    let created = h.ok("Dynoscope_CreateEventSourceMapping",
        json!({"EventSourceArn": arn, "FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:f", "StartingPosition": "LATEST"}));
    assert_eq!(created["State"], "Creating");
    assert_eq!(created["BatchSize"], 100);
    assert_eq!(created["MaximumBatchingWindowInSeconds"], 0);
    assert_eq!(created["MaximumRetryAttempts"], -1);
    assert_eq!(created["MaximumRecordAgeInSeconds"], -1);
    assert_eq!(created["ParallelizationFactor"], 1);
    assert_eq!(created["BisectBatchOnFunctionError"], false);
    assert_eq!(created["DestinationConfig"], json!({"OnFailure": {}}));
    assert_eq!(created["FunctionResponseTypes"], json!([]));
    assert_eq!(created["LastProcessingResult"], "No records processed");
    assert_eq!(
        created["FunctionArn"],
        "arn:aws:lambda:us-east-1:000000000000:function:f"
    );
    let uuid = created["UUID"].as_str().unwrap();
    let listed = h.ok(
        "Dynoscope_ListEventSourceMappings",
        json!({"EventSourceArn": arn}),
    );
    assert_eq!(listed["EventSourceMappings"][0]["State"], "Enabled");
    let deleted = h.ok("Dynoscope_DeleteEventSourceMapping", json!({"UUID": uuid}));
    assert_eq!(deleted["State"], "Deleting");
    let e = h.err("Dynoscope_DeleteEventSourceMapping", json!({"UUID": uuid}));
    assert_eq!(
        (e.kind, e.message.as_str()),
        (
            ErrorKind::ResourceNotFoundException,
            "The resource you requested does not exist."
        )
    );
}

#[test]
fn create_refuses_what_lambda_refuses() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    let base = json!({"EventSourceArn": arn, "FunctionName": "f", "StartingPosition": "LATEST"});
    let with = |extra: Value| {
        let mut r = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            r[k] = v.clone();
        }
        r
    };
    let e = h.err(
        "Dynoscope_CreateEventSourceMapping",
        with(json!({"BatchSize": 10001, "ParallelizationFactor": 11})),
    );
    assert_eq!(e.kind, ErrorKind::ValidationException);
    assert_eq!(
        e.message,
        "2 validation errors detected: Value '10001' at 'batchSize' failed to satisfy constraint: \
        Member must have value less than or equal to 10000; Value '11' at 'parallelizationFactor' failed to satisfy \
        constraint: Member must have value less than or equal to 10"
    );
    let e = h.err("Dynoscope_CreateEventSourceMapping", with(json!({"EventSourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/x/stream/2020-01-01T00:00:00.000"})));
    assert_eq!(e.kind, ErrorKind::InvalidParameterValueException);
    let e = h.err(
        "Dynoscope_CreateEventSourceMapping",
        with(json!({"FilterCriteria": {"Filters": [{"Pattern": "{nope"}]}})),
    );
    assert_eq!(
        (e.kind, e.message.as_str()),
        (
            ErrorKind::InvalidParameterValueException,
            "Invalid filter pattern definition."
        )
    );
    let uuid = h.ok("Dynoscope_CreateEventSourceMapping", base.clone())["UUID"]
        .as_str()
        .unwrap()
        .to_owned();
    let e = h.err("Dynoscope_CreateEventSourceMapping", base);
    assert_eq!(e.kind, ErrorKind::ResourceConflictException);
    assert!(
        e.message
            .ends_with(&format!("existing mapping with UUID {uuid}")),
        "{}",
        e.message
    );
}

#[test]
fn invocations_are_kept_with_their_logs_and_figures() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    let uuid = mapping(&mut h, &arn, "f", json!({}));
    put(&mut h, "a", json!({}));
    h.engine.advance_clock_by(2_500);
    let invocation = one(&mut h);
    let outcome = InvocationOutcome::success(None)
        .with_logs(vec!["saw 1 record".into()])
        .with_duration(12);
    assert!(
        h.engine
            .complete_invocation(&invocation.invocation_id, outcome)
    );
    assert!(
        !h.engine
            .complete_invocation(&invocation.invocation_id, InvocationOutcome::success(None)),
        "reported once"
    );
    let answer = h.ok("Dynoscope_GetInvocations", json!({"UUID": uuid}));
    let entry = &answer["Invocations"][0];
    assert_eq!(entry["Status"], "Succeeded");
    assert_eq!(entry["Logs"], json!(["saw 1 record"]));
    assert_eq!(entry["DurationMillis"], 12);
    assert_eq!(
        entry["FirstSequenceNumber"],
        sequence(&records(&invocation)[0]).as_str()
    );
    assert_eq!(answer["Figures"]["Invocations"], 1);
    assert_eq!(answer["Figures"]["RecordsProcessed"], 1);
    assert_eq!(answer["Figures"]["IteratorAgeMillis"], 2_500);
    assert_eq!(answer["LastProcessingResult"], "OK");
}

#[test]
fn invocations_of_a_function_the_front_end_holds_back_wait_with_no_retry_spent() {
    let mut h = Harness::new();
    let arn = h.stream_table("tbl", "KEYS_ONLY");
    let uuid = mapping(
        &mut h,
        &arn,
        "held",
        json!({"MaximumRetryAttempts": 0,
        "DestinationConfig": {"OnFailure": {"Destination": DLQ}}}),
    );
    put(&mut h, "a", json!({}));
    assert!(h.engine.take_invocations_where(|_| false).is_empty());
    h.engine.advance_clock_by(120_000);
    put(&mut h, "b", json!({}));
    assert!(
        h.engine.take_invocations_where(|f| f != "held").is_empty(),
        "still held"
    );
    let figures = h.ok("Dynoscope_GetInvocations", json!({"UUID": uuid}))["Figures"].clone();
    assert_eq!(
        (figures["Errors"].as_u64(), figures["Retries"].as_u64()),
        (Some(0), Some(0))
    );
    assert!(queue(&mut h, "dlq").is_empty(), "nothing discarded");
    let first = one(&mut h);
    assert_eq!((pks(&first), first.attempt), (vec!["a".to_owned()], 1));
    succeed(&mut h, &first);
    assert_eq!(pks(&one(&mut h)), ["b"], "the shard goes on once it runs");
}
