//! The timeline's sentences and items, one rule per test, from events a real engine recorded.

use dynoscope_cluster_panels::timeline::html::clock_text;
use dynoscope_cluster_panels::timeline::{Table, events_html, sentence};
use dynoscope_engine::{Engine, EngineConfig};
use serde_json::{Value, json};

fn table() -> Table {
    Table {
        region: "us-east-1".to_owned(),
        key_names: vec!["pk".to_owned(), "sk".to_owned()],
    }
}

/// The events an engine recorded for `requests` on a table keyed `pk`, `sk`.
fn events_of(requests: &[(&str, Value)]) -> Vec<Value> {
    let mut engine = Engine::new(EngineConfig {
        record_events: true,
        ..EngineConfig::default()
    });
    let create = json!({
        "TableName": "things",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "BillingMode": "PAY_PER_REQUEST"
    });
    engine
        .dispatch("CreateTable", create.to_string().as_bytes())
        .unwrap();
    for (operation, request) in requests {
        engine
            .dispatch(operation, request.to_string().as_bytes())
            .unwrap();
    }
    let events: Value = serde_json::from_slice(
        &engine
            .dispatch("Dynoscope_GetEvents", br#"{"TableName":"things"}"#)
            .unwrap(),
    )
    .unwrap();
    events["Events"].as_array().unwrap().clone()
}

#[test]
fn a_put_is_told_with_its_key_in_schema_order_and_its_partition() {
    let events = events_of(&[(
        "PutItem",
        json!({"TableName": "things", "Item": {"sk": {"N": "7"}, "pk": {"S": "alice"}}}),
    )]);
    let e = &events[0];
    let text = sentence(
        "WRITE",
        e["AtMillis"].as_u64().unwrap(),
        &e["Detail"],
        &table(),
    );
    assert!(text.starts_with("PUT alice / 7 → partition 0; "), "{text}");
}

#[test]
fn an_eventually_consistent_get_names_the_zone_that_served_it() {
    let events = events_of(&[(
        "GetItem",
        json!({"TableName": "things", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}),
    )]);
    let e = &events[0];
    let text = sentence("READ", 0, &e["Detail"], &table());
    assert!(
        text.starts_with("GetItem a / 1 served by us-east-1") && text.ends_with("(current)"),
        "{text}"
    );
}

#[test]
fn a_query_page_is_told_with_its_read_units() {
    let events = events_of(&[(
        "Query",
        json!({"TableName": "things", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}}),
    )]);
    let text = sentence("READ", 0, &events[0]["Detail"], &table());
    assert_eq!(
        text,
        "Query read 0 items, 0 bytes → 1 × 4 KB (eventually consistent: half price) → 0.5 RCU"
    );
}

#[test]
fn items_are_newest_first_with_their_kind_and_filter() {
    let events: Vec<dynoscope_engine::Event> = serde_json::from_value(json!([
        {"Sequence": 1, "AtMillis": 0, "Kind": "ZONE_DOWN", "TableName": "", "Detail": {"Zone": "us-east-1a"}},
        {"Sequence": 2, "AtMillis": 1000, "Kind": "FAILOVER", "TableName": "", "Detail": {"NewLeaders": []}},
    ]))
    .unwrap();
    let html = events_html(&events, &table(), 0);
    let failover = html
        .find("data-kind=\"FAILOVER\" data-filter=\"ZONE\"")
        .unwrap();
    let down = html
        .find("data-kind=\"ZONE_DOWN\" data-filter=\"ZONE\"")
        .unwrap();
    assert!(failover < down, "{html}");
    assert!(html.contains("<time class=\"event-time\">00:00:01.000</time>"));
}

#[test]
fn times_are_shown_in_the_browsers_time_zone() {
    // 2026-01-01T12:00:00Z seen from UTC+2 (getTimezoneOffset -120).
    assert_eq!(clock_text(1_767_268_800_000, -120), "14:00:00.000");
    assert_eq!(clock_text(1_767_268_800_000, 0), "12:00:00.000");
}

#[test]
fn a_replication_is_told_with_both_regions_and_its_lag() {
    let detail = json!({"Region": "us-west-2", "FromRegion": "us-east-1", "Operation": "PUT",
        "Key": {"pk": {"S": "alice"}, "sk": {"N": "1"}}, "WrittenAtMillis": 1_000, "LagMillis": 840});
    assert_eq!(
        sentence("REPLICATED", 1_840, &detail, &table()),
        "us-west-2 applied the PUT of alice / 1 made in us-east-1, 840 ms after it was written"
    );
}

#[test]
fn a_replication_conflict_is_told_with_both_versions_and_the_winner() {
    let detail = json!({"Region": "us-west-2", "Key": {"pk": {"S": "k"}},
        "Local": {"Region": "us-west-2", "AtMillis": 1_300, "Item": null},
        "Incoming": {"Region": "us-east-1", "AtMillis": 1_000, "Item": null},
        "Winner": "LOCAL", "WinnerRegion": "us-west-2"});
    let text = sentence("REPLICATION_CONFLICT", 2_000, &detail, &table());
    assert_eq!(
        text,
        "Conflict in us-west-2 over k: us-west-2's (written 700 ms before) and us-east-1's (written 1000 ms before) versions were written concurrently; last writer wins, us-west-2 (its own version stays)"
    );
}

#[test]
fn a_region_outage_is_told_with_the_replications_waiting_for_it() {
    let detail = json!({"Region": "us-west-2", "ReplicationsWaiting": 3});
    let text = sentence("REGION_DOWN", 0, &detail, &table());
    assert!(text.starts_with("Region us-west-2 went down"), "{text}");
    assert!(
        text.contains("writes made elsewhere wait for it (3 now)"),
        "{text}"
    );
}

#[test]
fn a_transaction_conflict_is_told_with_the_transaction_holding_the_item() {
    let detail = json!({"Operation": "PutItem", "Key": {"pk": {"S": "k"}},
        "Transaction": "tx-7", "HeldUntilMillis": 1_250});
    assert_eq!(
        sentence("TRANSACTION_CONFLICT", 1_000, &detail, &table()),
        "PutItem of k conflicts with transaction tx-7, which holds the item for 250 ms more"
    );
}

#[test]
fn a_stale_dax_hit_is_told_as_stale_because_of_a_direct_write() {
    let detail = json!({"Operation": "GetItem", "Path": "ITEM_HIT", "Key": {"pk": {"S": "k"}}, "Stale": true});
    let text = sentence("DAX", 0, &detail, &table());
    assert!(
        text.starts_with("GetItem k through DAX: an item cache hit, stale"),
        "{text}"
    );
}

#[test]
fn replication_and_outages_of_regions_share_the_regions_filter() {
    use dynoscope_cluster_panels::timeline::html::filter_of;
    for kind in [
        "REPLICATED",
        "REPLICATION_CONFLICT",
        "REGION_DOWN",
        "REGION_UP",
    ] {
        assert_eq!(filter_of(kind), "REGION", "{kind}");
    }
    assert_eq!(filter_of("TRANSACTION_CONFLICT"), "TRANSACTION");
}

#[test]
fn a_trigger_invocation_is_told_with_its_batch_and_attempt() {
    let detail =
        json!({"FunctionName": "audit", "ShardId": "shardId-1", "BatchSize": 3, "Attempt": 2});
    assert_eq!(
        sentence("TRIGGER_INVOCATION", 0, &detail, &table()),
        "audit invoked with 3 record(s) of shard shardId-1 (attempt 2)"
    );
}

#[test]
fn a_trigger_retry_says_when_and_that_the_shard_waits() {
    let detail = json!({"FunctionName": "audit", "ShardId": "shardId-1", "RetryAtMillis": 3_000, "Message": "boom"});
    assert_eq!(
        sentence("TRIGGER_RETRY", 1_000, &detail, &table()),
        "audit's batch on shard shardId-1 retried in 2000 ms; the shard waits for it"
    );
}

#[test]
fn a_bisected_batch_is_told_with_both_halves() {
    let detail = json!({"FunctionName": "audit", "ShardId": "s", "Halves": [2, 1]});
    let text = sentence("TRIGGER_BISECT", 0, &detail, &table());
    assert!(text.contains("split in two (2 and 1 records)"), "{text}");
}

#[test]
fn discarded_records_name_the_condition_that_gave_them_up() {
    let detail = json!({"FunctionName": "audit", "ShardId": "s", "Records": 4, "Condition": "RetryAttemptsExhausted"});
    let text = sentence("TRIGGER_DISCARDED", 0, &detail, &table());
    assert!(
        text.starts_with("4 record(s) of shard s given up by audit (RetryAttemptsExhausted)"),
        "{text}"
    );
}

#[test]
fn stream_trigger_events_share_the_trigger_filter() {
    use dynoscope_cluster_panels::timeline::html::filter_of;
    for kind in [
        "TRIGGER_INVOCATION",
        "TRIGGER_ERROR",
        "TRIGGER_BISECT",
        "TRIGGER_RETRY",
        "TRIGGER_DISCARDED",
    ] {
        assert_eq!(filter_of(kind), "TRIGGER", "{kind}");
    }
}
