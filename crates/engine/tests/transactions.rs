//! TransactWriteItems and TransactGetItems through dispatch.

mod common;

use common::Harness;
use dynoscope_engine::ErrorKind;
use serde_json::{Value, json};

fn bank() -> Harness {
    let mut h = Harness::new();
    h.table("acct", None);
    h.put(
        "acct",
        json!({"pk": {"S": "alice"}, "balance": {"N": "100"}}),
    );
    h.put("acct", json!({"pk": {"S": "bob"}, "balance": {"N": "0"}}));
    h
}

fn transfer(amount: i64) -> Value {
    json!({"TransactItems": [
        {"Update": {"TableName": "acct", "Key": {"pk": {"S": "alice"}},
            "UpdateExpression": "SET balance = balance - :a", "ConditionExpression": "balance >= :a",
            "ExpressionAttributeValues": {":a": {"N": amount.to_string()}}}},
        {"Update": {"TableName": "acct", "Key": {"pk": {"S": "bob"}},
            "UpdateExpression": "SET balance = balance + :a",
            "ExpressionAttributeValues": {":a": {"N": amount.to_string()}}}}
    ]})
}

fn balance(h: &mut Harness, who: &str) -> String {
    h.get("acct", json!({"pk": {"S": who}})).unwrap()["balance"]["N"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn a_transaction_applies_every_action() {
    let mut h = bank();
    h.ok("TransactWriteItems", transfer(30));
    assert_eq!(
        (balance(&mut h, "alice"), balance(&mut h, "bob")),
        ("70".into(), "30".into())
    );
}

#[test]
fn a_failed_condition_cancels_everything_with_reasons_in_order() {
    let mut h = bank();
    let e = h.err("TransactWriteItems", transfer(500));
    assert_eq!(e.kind, ErrorKind::TransactionCanceledException);
    assert_eq!(
        e.message,
        "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]"
    );
    assert_eq!(
        e.to_json()["CancellationReasons"],
        json!([{"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}, {"Code": "None"}])
    );
    assert_eq!(
        (balance(&mut h, "alice"), balance(&mut h, "bob")),
        ("100".into(), "0".into())
    );
}

#[test]
fn two_actions_on_one_item_are_rejected() {
    let mut h = bank();
    let e = h.err(
        "TransactWriteItems",
        json!({"TransactItems": [
            {"Delete": {"TableName": "acct", "Key": {"pk": {"S": "alice"}}}},
            {"ConditionCheck": {"TableName": "acct", "Key": {"pk": {"S": "alice"}}, "ConditionExpression": "attribute_exists(pk)"}}
        ]}),
    );
    assert_eq!(
        e.message,
        "Transaction request cannot include multiple operations on one item"
    );
}

#[test]
fn transactional_writes_cost_double_with_a_read_write_split() {
    let mut h = bank();
    let mut request = transfer(1);
    request["ReturnConsumedCapacity"] = json!("TOTAL");
    let r = h.ok("TransactWriteItems", request);
    assert_eq!(
        r["ConsumedCapacity"],
        json!([{"TableName": "acct", "CapacityUnits": 4.0, "WriteCapacityUnits": 4.0}])
    );
}

#[test]
fn a_condition_check_costs_two_write_units_and_writes_nothing() {
    let mut h = bank();
    let r = h.ok(
        "TransactWriteItems",
        json!({"TransactItems": [{"ConditionCheck": {"TableName": "acct", "Key": {"pk": {"S": "bob"}}, "ConditionExpression": "attribute_exists(pk)"}}],
               "ReturnConsumedCapacity": "TOTAL"}),
    );
    assert_eq!(r["ConsumedCapacity"][0]["CapacityUnits"], 2.0);
}

#[test]
fn a_repeated_client_request_token_replays_without_writing_again() {
    let mut h = bank();
    h.ok("TransactWriteItems", transfer_with_token(10, "token-1"));
    let replay = h.ok("TransactWriteItems", transfer_with_token(10, "token-1"));
    assert_eq!(replay, json!({}));
    assert_eq!(balance(&mut h, "alice"), "90");
}

fn transfer_with_token(amount: i64, token: &str) -> Value {
    let mut request = transfer(amount);
    request["ClientRequestToken"] = json!(token);
    request
}

#[test]
fn a_reused_token_with_other_parameters_is_a_mismatch() {
    let mut h = bank();
    h.ok("TransactWriteItems", transfer_with_token(10, "t"));
    let e = h.err("TransactWriteItems", transfer_with_token(20, "t"));
    assert_eq!(e.kind, ErrorKind::IdempotentParameterMismatchException);
}

#[test]
fn a_token_is_forgotten_after_ten_minutes() {
    let mut h = bank();
    h.ok("TransactWriteItems", transfer_with_token(10, "t"));
    h.engine.advance_clock_by(10 * 60 * 1000);
    h.ok("TransactWriteItems", transfer_with_token(10, "t"));
    assert_eq!(balance(&mut h, "alice"), "80");
}

#[test]
fn an_update_that_fails_to_apply_cancels_with_a_validation_reason() {
    let mut h = bank();
    let e = h.err(
        "TransactWriteItems",
        json!({"TransactItems": [{"Update": {"TableName": "acct", "Key": {"pk": {"S": "alice"}},
            "UpdateExpression": "SET balance = nothere + :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}}]}),
    );
    assert_eq!(e.kind, ErrorKind::TransactionCanceledException, "{e}");
    assert_eq!(
        e.to_json()["CancellationReasons"][0],
        json!({"Code": "ValidationError", "Message": "The provided expression refers to an attribute that does not exist in the item"})
    );
}

#[test]
fn transact_get_items_returns_items_in_order_at_double_cost() {
    let mut h = bank();
    let r = h.ok(
        "TransactGetItems",
        json!({"TransactItems": [
            {"Get": {"TableName": "acct", "Key": {"pk": {"S": "bob"}}}},
            {"Get": {"TableName": "acct", "Key": {"pk": {"S": "nobody"}}}},
            {"Get": {"TableName": "acct", "Key": {"pk": {"S": "alice"}}, "ProjectionExpression": "balance"}}
        ], "ReturnConsumedCapacity": "TOTAL"}),
    );
    assert_eq!(r["Responses"][0]["Item"]["pk"], json!({"S": "bob"}));
    assert_eq!(r["Responses"][1], json!({}));
    assert_eq!(r["Responses"][2]["Item"], json!({"balance": {"N": "100"}}));
    assert_eq!(
        r["ConsumedCapacity"],
        json!([{"TableName": "acct", "CapacityUnits": 6.0, "ReadCapacityUnits": 6.0}])
    );
}

#[test]
fn more_than_100_actions_are_rejected() {
    let mut h = bank();
    let gets: Vec<Value> = (0..101)
        .map(|i| json!({"Get": {"TableName": "acct", "Key": {"pk": {"S": format!("k{i}")}}}}))
        .collect();
    let e = h.err("TransactGetItems", json!({"TransactItems": gets}));
    assert!(
        e.message
            .contains("Member must have length less than or equal to 100"),
        "{}",
        e.message
    );
}
