//! Transaction conflicts on the virtual clock: with a transaction window set
//! (`Dynoscope_SetSimulation` `TransactionMillis`), a write transaction holds its items for
//! that long; single-item writes of a held item are refused with
//! TransactionConflictException, transactions including one are cancelled with a
//! `TransactionConflict` reason, a token still in progress answers
//! TransactionInProgressException, and the event history tells both sides. Without a window
//! nothing changes.

mod common;

use common::Harness;
use dynoscope_engine::ErrorKind;
use serde_json::{Value, json};

const WINDOW: u64 = 1_000;

fn key(pk: &str) -> Value {
    json!({"pk": {"S": pk}})
}

/// A table `t1x` and the engine's transaction window set to `window` milliseconds.
fn with_window(window: u64) -> Harness {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TransactionMillis": window}),
    );
    h
}

fn put_action(pk: &str) -> Value {
    json!({"Put": {"TableName": "t1x", "Item": {"pk": {"S": pk}, "v": {"N": "1"}}}})
}

fn transact(h: &mut Harness, actions: Vec<Value>) -> Result<Value, dynoscope_engine::DynamoError> {
    h.call("TransactWriteItems", json!({"TransactItems": actions}))
}

fn codes(e: &dynoscope_engine::DynamoError) -> Vec<String> {
    let reasons = &e.extra.as_ref().unwrap()["CancellationReasons"];
    reasons
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_write_to_a_held_item_is_a_transaction_conflict() {
    let mut h = with_window(WINDOW);
    transact(&mut h, vec![put_action("a")]).unwrap();
    let e = h.err(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "a"}}}),
    );
    assert_eq!(e.kind, ErrorKind::TransactionConflictException);
    assert_eq!(e.message, "Transaction is ongoing for the item");
    for (operation, request) in [
        (
            "UpdateItem",
            json!({"TableName": "t1x", "Key": key("a"), "UpdateExpression": "SET v = :v", "ExpressionAttributeValues": {":v": {"N": "2"}}}),
        ),
        ("DeleteItem", json!({"TableName": "t1x", "Key": key("a")})),
    ] {
        assert_eq!(
            h.err(operation, request).kind,
            ErrorKind::TransactionConflictException,
            "{operation}"
        );
    }
}

#[test]
fn a_transaction_including_a_held_item_is_cancelled_with_a_conflict_reason() {
    let mut h = with_window(WINDOW);
    transact(&mut h, vec![put_action("a")]).unwrap();
    let e = transact(&mut h, vec![put_action("b"), put_action("a")]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TransactionCanceledException);
    assert_eq!(codes(&e), ["None", "TransactionConflict"]);
    assert_eq!(
        e.message,
        "Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]"
    );
    assert!(h.get("t1x", key("b")).is_none(), "nothing of it is written");
}

#[test]
fn a_read_transaction_of_a_held_item_is_cancelled_too() {
    let mut h = with_window(WINDOW);
    transact(&mut h, vec![put_action("a")]).unwrap();
    let e = h.err(
        "TransactGetItems",
        json!({"TransactItems": [{"Get": {"TableName": "t1x", "Key": key("a")}}]}),
    );
    assert_eq!(codes(&e), ["TransactionConflict"]);
}

#[test]
fn a_plain_read_of_a_held_item_succeeds() {
    let mut h = with_window(WINDOW);
    transact(&mut h, vec![put_action("a")]).unwrap();
    assert_eq!(h.get("t1x", key("a")).unwrap()["v"], json!({"N": "1"}));
}

#[test]
fn a_condition_check_holds_its_item_as_well() {
    let mut h = with_window(WINDOW);
    h.put("t1x", json!({"pk": {"S": "c"}}));
    let check = json!({"ConditionCheck": {"TableName": "t1x", "Key": key("c"), "ConditionExpression": "attribute_exists(pk)"}});
    transact(&mut h, vec![check, put_action("a")]).unwrap();
    let e = h.err("DeleteItem", json!({"TableName": "t1x", "Key": key("c")}));
    assert_eq!(e.kind, ErrorKind::TransactionConflictException);
}

#[test]
fn the_hold_ends_with_the_window() {
    let mut h = with_window(WINDOW);
    transact(&mut h, vec![put_action("a")]).unwrap();
    h.engine.advance_clock_by(WINDOW);
    h.put("t1x", json!({"pk": {"S": "a"}}));
    transact(&mut h, vec![put_action("a")]).unwrap();
}

#[test]
fn a_token_sent_again_while_its_transaction_holds_is_in_progress() {
    let mut h = with_window(WINDOW);
    let request = json!({"TransactItems": [put_action("a")], "ClientRequestToken": "tok-1"});
    h.ok("TransactWriteItems", request.clone());
    let e = h.err("TransactWriteItems", request.clone());
    assert_eq!(e.kind, ErrorKind::TransactionInProgressException);
    assert_eq!(
        e.message,
        "The transaction with the given request token is already in progress."
    );
    h.engine.advance_clock_by(WINDOW);
    h.ok("TransactWriteItems", request);
}

#[test]
fn without_a_window_nothing_is_held() {
    let mut h = with_window(0);
    transact(&mut h, vec![put_action("a")]).unwrap();
    h.put("t1x", json!({"pk": {"S": "a"}}));
    transact(&mut h, vec![put_action("a")]).unwrap();
}

#[test]
fn the_event_history_tells_the_hold_and_the_conflict() {
    let mut h = Harness::new();
    h.engine = dynoscope_engine::Engine::new(dynoscope_engine::EngineConfig {
        record_events: true,
        transaction_millis: WINDOW,
        ..Default::default()
    });
    h.table("t1x", None);
    transact(&mut h, vec![put_action("a")]).unwrap();
    h.err(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "a"}}}),
    );
    let events = h.ok("Dynoscope_GetEvents", json!({"TableName": "t1x"}))["Events"].clone();
    let kinds: Vec<&str> = (events.as_array().unwrap().iter())
        .filter_map(|e| e["Kind"].as_str())
        .filter(|k| k.starts_with("TRANSACTION"))
        .collect();
    assert_eq!(kinds, ["TRANSACTION", "TRANSACTION_CONFLICT"]);
    let conflict = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["Kind"] == "TRANSACTION_CONFLICT")
        .unwrap();
    assert_eq!(conflict["Detail"]["Operation"], "PutItem");
    assert_eq!(conflict["Detail"]["Transaction"], "txn-1");
    assert_eq!(conflict["Detail"]["Key"], key("a"));
    assert_eq!(conflict["Detail"]["HeldUntilMillis"], WINDOW);
}

#[test]
fn the_window_is_engine_wide_and_described() {
    let mut h = with_window(250);
    let described = h.ok("Dynoscope_DescribeSimulation", json!({}));
    assert_eq!(described["Engine"]["TransactionMillis"], 250);
    let e = h.err(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "TransactionMillis": 5}),
    );
    assert_eq!(e.kind, ErrorKind::ValidationException);
}
