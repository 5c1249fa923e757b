//! PartiQL through dispatch: ExecuteStatement, BatchExecuteStatement, ExecuteTransaction.

mod common;

use common::Harness;
use dynoscope_engine::ErrorKind;
use serde_json::{Value, json};

fn music() -> Harness {
    let mut h = Harness::new();
    h.table("Music", Some("N"));
    for (artist, n) in [("acme", 1), ("acme", 2), ("acme", 3), ("zeta", 1)] {
        h.put("Music", json!({"pk": {"S": artist}, "sk": {"N": n.to_string()}, "title": {"S": format!("{artist}-{n}")}}));
    }
    h
}

fn statement(h: &mut Harness, text: &str, parameters: Value) -> Value {
    h.ok(
        "ExecuteStatement",
        json!({"Statement": text, "Parameters": parameters}),
    )
}

#[test]
fn select_by_partition_key_returns_the_collection_in_order() {
    let mut h = music();
    let r = statement(
        &mut h,
        r#"SELECT title FROM "Music" WHERE pk = ?"#,
        json!([{"S": "acme"}]),
    );
    assert_eq!(
        r["Items"],
        json!([{"title": {"S": "acme-1"}}, {"title": {"S": "acme-2"}}, {"title": {"S": "acme-3"}}])
    );
}

#[test]
fn select_pages_with_limit_and_next_token() {
    let mut h = music();
    let first = h.ok(
        "ExecuteStatement",
        json!({"Statement": r#"SELECT * FROM "Music" WHERE pk = 'acme'"#, "Limit": 2}),
    );
    assert_eq!(first["Items"].as_array().unwrap().len(), 2);
    let rest = h.ok(
        "ExecuteStatement",
        json!({"Statement": r#"SELECT * FROM "Music" WHERE pk = 'acme'"#, "NextToken": first["NextToken"]}),
    );
    assert_eq!(rest["Items"].as_array().unwrap().len(), 1);
    assert!(rest.get("NextToken").is_none());
}

#[test]
fn select_without_a_key_condition_scans_with_a_filter() {
    let mut h = music();
    let r = statement(
        &mut h,
        r#"SELECT * FROM "Music" WHERE title = 'zeta-1'"#,
        json!([]),
    );
    assert_eq!(r["Items"].as_array().unwrap().len(), 1);
}

#[test]
fn insert_adds_an_item_and_a_second_insert_is_a_duplicate() {
    let mut h = music();
    statement(
        &mut h,
        r#"INSERT INTO "Music" VALUE {'pk': 'new', 'sk': 1, 'title': 'x'}"#,
        json!([]),
    );
    assert!(
        h.get("Music", json!({"pk": {"S": "new"}, "sk": {"N": "1"}}))
            .is_some()
    );
    let e = h.err(
        "ExecuteStatement",
        json!({"Statement": r#"INSERT INTO "Music" VALUE {'pk': 'new', 'sk': 1}"#}),
    );
    assert_eq!(
        e.wire_type(),
        "com.amazonaws.dynamodb.v20120810#DuplicateItemException"
    );
    assert_eq!(e.message, "Duplicate primary key exists in table");
}

#[test]
fn update_sets_attributes_and_returns_them() {
    let mut h = music();
    let r = statement(
        &mut h,
        r#"UPDATE "Music" SET plays = 5 WHERE pk = 'acme' AND sk = 1 RETURNING ALL NEW *"#,
        json!([]),
    );
    assert_eq!(r["Items"][0]["plays"], json!({"N": "5"}));
}

#[test]
fn update_of_a_missing_item_fails_its_condition() {
    let mut h = music();
    let e = h.err(
        "ExecuteStatement",
        json!({"Statement": r#"UPDATE "Music" SET plays = 5 WHERE pk = 'none' AND sk = 1"#}),
    );
    assert_eq!(e.kind, ErrorKind::ConditionalCheckFailedException);
}

#[test]
fn delete_removes_the_item() {
    let mut h = music();
    statement(
        &mut h,
        r#"DELETE FROM "Music" WHERE pk = 'zeta' AND sk = 1"#,
        json!([]),
    );
    assert!(
        h.get("Music", json!({"pk": {"S": "zeta"}, "sk": {"N": "1"}}))
            .is_none()
    );
}

#[test]
fn parameters_must_match_the_placeholders() {
    let mut h = music();
    let e = h.err(
        "ExecuteStatement",
        json!({"Statement": r#"SELECT * FROM "Music" WHERE pk = ?"#}),
    );
    assert_eq!(
        e.message,
        "Number of parameters in request and statement don't match."
    );
}

#[test]
fn a_malformed_statement_is_a_validation_error() {
    let mut h = music();
    let e = h.err(
        "ExecuteStatement",
        json!({"Statement": "SELEC * FROM Music"}),
    );
    assert_eq!(e.kind, ErrorKind::ValidationException);
    assert!(
        e.message
            .starts_with("Statement wasn't well formed, can't be processed:"),
        "{}",
        e.message
    );
}

#[test]
fn batch_statements_answer_in_place() {
    let mut h = music();
    let r = h.ok(
        "BatchExecuteStatement",
        json!({"Statements": [
            {"Statement": r#"INSERT INTO "Music" VALUE {'pk': 'b', 'sk': 1}"#},
            {"Statement": r#"INSERT INTO "Music" VALUE {'pk': 'acme', 'sk': 1}"#}
        ]}),
    );
    assert_eq!(r["Responses"][0], json!({"TableName": "Music"}));
    assert_eq!(r["Responses"][1]["Error"]["Code"], "DuplicateItem");
}

#[test]
fn batch_reads_fetch_items_by_key() {
    let mut h = music();
    let r = h.ok(
        "BatchExecuteStatement",
        json!({"Statements": [
            {"Statement": r#"SELECT title FROM "Music" WHERE pk = 'acme' AND sk = 2"#},
            {"Statement": r#"SELECT * FROM "Music" WHERE pk = 'none' AND sk = 2"#}
        ]}),
    );
    assert_eq!(
        r["Responses"][0],
        json!({"TableName": "Music", "Item": {"title": {"S": "acme-2"}}})
    );
    assert_eq!(r["Responses"][1], json!({"TableName": "Music"}));
}

#[test]
fn a_transaction_of_statements_is_all_or_nothing() {
    let mut h = music();
    let e = h.err(
        "ExecuteTransaction",
        json!({"TransactStatements": [
            {"Statement": r#"INSERT INTO "Music" VALUE {'pk': 'tx', 'sk': 1}"#},
            {"Statement": r#"INSERT INTO "Music" VALUE {'pk': 'acme', 'sk': 1}"#}
        ]}),
    );
    assert_eq!(e.kind, ErrorKind::TransactionCanceledException);
    assert_eq!(
        e.to_json()["CancellationReasons"][1]["Code"],
        "DuplicateItem"
    );
    assert!(
        h.get("Music", json!({"pk": {"S": "tx"}, "sk": {"N": "1"}}))
            .is_none()
    );
    h.ok(
        "ExecuteTransaction",
        json!({"TransactStatements": [
            {"Statement": r#"INSERT INTO "Music" VALUE {'pk': 'tx', 'sk': 1}"#},
            {"Statement": r#"UPDATE "Music" SET n = 1 WHERE pk = 'zeta' AND sk = 1"#}
        ]}),
    );
    assert!(
        h.get("Music", json!({"pk": {"S": "tx"}, "sk": {"N": "1"}}))
            .is_some()
    );
}

#[test]
fn a_read_transaction_returns_items_in_order() {
    let mut h = music();
    let r = h.ok(
        "ExecuteTransaction",
        json!({"TransactStatements": [
            {"Statement": r#"SELECT * FROM "Music" WHERE pk = 'zeta' AND sk = 1"#},
            {"Statement": r#"SELECT title FROM "Music" WHERE pk = 'acme' AND sk = 3"#}
        ]}),
    );
    assert_eq!(
        r["Responses"][1],
        json!({"Item": {"title": {"S": "acme-3"}}})
    );
}
