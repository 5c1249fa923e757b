//! IAM fine-grained access through dispatch: principals set with Dynoscope_PutPrincipal,
//! requests sent as one (`Engine::dispatch_as`) allowed or refused by their identity
//! policies (explicit deny over allow, default deny), DynamoDB's condition keys
//! (LeadingKeys, Attributes, Select, ReturnValues), policy variables, and
//! Dynoscope_ExplainAccess naming the deciding statement. Unknown keys act as the account's
//! administrator.

mod common;

use common::Harness;
use dynoscope_engine::{DynamoError, ErrorKind};
use serde_json::{Value, json};

const KEY: &str = "AKIDALICE";
const TABLE_ARN: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/t1x";

fn policy(statements: Value) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

/// `t1x` with items `alice` and `bob`, and principal `alice` (key [`KEY`]) with `statements`.
fn with_principal(statements: Value) -> Harness {
    let mut h = Harness::new();
    h.table("t1x", None);
    h.put(
        "t1x",
        json!({"pk": {"S": "alice"}, "secret": {"S": "s"}, "name": {"S": "A"}}),
    );
    h.put("t1x", json!({"pk": {"S": "bob"}}));
    h.ok(
        "Dynoscope_PutPrincipal",
        json!({"AccessKeyId": KEY, "Name": "alice", "Policies": [policy(statements)]}),
    );
    h
}

fn as_alice(h: &mut Harness, operation: &str, request: Value) -> Result<Value, DynamoError> {
    let body = request.to_string();
    let answer = h
        .engine
        .dispatch_as("test", Some(KEY), operation, body.as_bytes())?;
    Ok(serde_json::from_slice(&answer).unwrap())
}

fn get(pk: &str) -> Value {
    json!({"TableName": "t1x", "Key": {"pk": {"S": pk}}})
}

#[test]
fn an_allowed_action_runs() {
    let mut h = with_principal(
        json!([{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": TABLE_ARN}]),
    );
    assert_eq!(
        as_alice(&mut h, "GetItem", get("bob")).unwrap()["Item"]["pk"],
        json!({"S": "bob"})
    );
}

#[test]
fn an_action_no_statement_allows_is_implicitly_denied_in_aws_words() {
    let mut h = with_principal(
        json!([{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": TABLE_ARN}]),
    );
    let e = as_alice(&mut h, "DeleteItem", get("bob")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::AccessDeniedException);
    assert_eq!(
        e.message,
        "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: dynamodb:DeleteItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/t1x because no identity-based policy allows the dynamodb:DeleteItem action"
    );
    assert!(
        h.get("t1x", json!({"pk": {"S": "bob"}})).is_some(),
        "nothing was deleted"
    );
}

#[test]
fn an_explicit_deny_wins_over_an_allow() {
    let mut h = with_principal(json!([
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "dynamodb:Delete*", "Resource": TABLE_ARN}
    ]));
    let e = as_alice(&mut h, "DeleteItem", get("bob")).unwrap_err();
    assert!(
        e.message
            .ends_with("with an explicit deny in an identity-based policy"),
        "{}",
        e.message
    );
    as_alice(&mut h, "GetItem", get("bob")).unwrap();
}

#[test]
fn leading_keys_confine_a_user_to_their_own_partition() {
    let mut h = with_principal(json!([{
        "Effect": "Allow",
        "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
        "Resource": TABLE_ARN,
        "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]}}
    }]));
    as_alice(&mut h, "GetItem", get("alice")).unwrap();
    assert_eq!(
        as_alice(&mut h, "GetItem", get("bob")).unwrap_err().kind,
        ErrorKind::AccessDeniedException
    );
    let query = |pk: &str| json!({"TableName": "t1x", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": pk}}});
    as_alice(&mut h, "Query", query("alice")).unwrap();
    assert!(as_alice(&mut h, "Query", query("bob")).is_err());
    let put = |pk: &str| json!({"TableName": "t1x", "Item": {"pk": {"S": pk}}});
    as_alice(&mut h, "PutItem", put("alice")).unwrap();
    assert!(as_alice(&mut h, "PutItem", put("bob")).is_err());
}

#[test]
fn a_scan_has_no_leading_keys_so_for_all_values_lets_it_through() {
    // IAM's documented pitfall: ForAllValues holds when the request has no value at all.
    let mut h = with_principal(json!([{
        "Effect": "Allow", "Action": "dynamodb:Scan", "Resource": TABLE_ARN,
        "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["alice"]}}
    }]));
    as_alice(&mut h, "Scan", json!({"TableName": "t1x"})).unwrap();
}

#[test]
fn attributes_and_select_limit_what_a_read_may_project() {
    let mut h = with_principal(json!([{
        "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": TABLE_ARN,
        "Condition": {
            "ForAllValues:StringEquals": {"dynamodb:Attributes": ["pk", "name"]},
            "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}
        }
    }]));
    let mut projected = get("alice");
    projected["ProjectionExpression"] = json!("pk, #n");
    projected["ExpressionAttributeNames"] = json!({"#n": "name"});
    as_alice(&mut h, "GetItem", projected).unwrap();
    let mut secret = get("alice");
    secret["ProjectionExpression"] = json!("secret");
    assert!(as_alice(&mut h, "GetItem", secret).is_err());
    assert!(
        as_alice(&mut h, "GetItem", get("alice")).is_err(),
        "a whole item selects ALL_ATTRIBUTES"
    );
}

#[test]
fn return_values_can_be_required_absent() {
    let mut h = with_principal(json!([{
        "Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": TABLE_ARN,
        "Condition": {"StringEqualsIfExists": {"dynamodb:ReturnValues": ["NONE"]}}
    }]));
    let put = json!({"TableName": "t1x", "Item": {"pk": {"S": "c"}}});
    as_alice(&mut h, "PutItem", put.clone()).unwrap();
    let mut old = put;
    old["ReturnValues"] = json!("ALL_OLD");
    assert!(as_alice(&mut h, "PutItem", old).is_err());
}

#[test]
fn a_query_of_an_index_needs_the_index_arn() {
    let mut h = Harness::new();
    h.ok(
        "CreateTable",
        json!({
            "TableName": "t1x", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "GlobalSecondaryIndexes": [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}]
        }),
    );
    h.ok(
        "Dynoscope_PutPrincipal",
        json!({"AccessKeyId": KEY, "Name": "alice", "Policies": [policy(json!([{"Effect": "Allow", "Action": "dynamodb:Query", "Resource": TABLE_ARN}]))]}),
    );
    let query = json!({"TableName": "t1x", "IndexName": "by_g", "KeyConditionExpression": "g = :g", "ExpressionAttributeValues": {":g": {"S": "x"}}});
    let e = as_alice(&mut h, "Query", query).unwrap_err();
    assert!(
        e.message
            .contains("on resource: arn:aws:dynamodb:us-east-1:000000000000:table/t1x/index/by_g"),
        "{}",
        e.message
    );
}

#[test]
fn a_transaction_is_authorized_per_item_action() {
    let mut h = with_principal(
        json!([{"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": TABLE_ARN}]),
    );
    let e = as_alice(
        &mut h,
        "TransactWriteItems",
        json!({"TransactItems": [
            {"Put": {"TableName": "t1x", "Item": {"pk": {"S": "c"}}}},
            {"Delete": {"TableName": "t1x", "Key": {"pk": {"S": "bob"}}}}
        ]}),
    )
    .unwrap_err();
    assert!(
        e.message.contains("perform: dynamodb:DeleteItem"),
        "{}",
        e.message
    );
    assert!(
        h.get("t1x", json!({"pk": {"S": "c"}})).is_none(),
        "nothing of it ran"
    );
}

#[test]
fn partiql_is_authorized_as_its_statement_kind() {
    let mut h = with_principal(
        json!([{"Effect": "Allow", "Action": "dynamodb:PartiQLSelect", "Resource": TABLE_ARN}]),
    );
    as_alice(
        &mut h,
        "ExecuteStatement",
        json!({"Statement": "SELECT * FROM t1x WHERE pk = 'bob'"}),
    )
    .unwrap();
    let e = as_alice(
        &mut h,
        "ExecuteStatement",
        json!({"Statement": "DELETE FROM t1x WHERE pk = 'bob'"}),
    )
    .unwrap_err();
    assert!(
        e.message.contains("dynamodb:PartiQLDelete"),
        "{}",
        e.message
    );
}

#[test]
fn an_unknown_key_acts_as_the_administrator() {
    let mut h = with_principal(json!([{"Effect": "Deny", "Action": "*", "Resource": "*"}]));
    let body = get("bob").to_string();
    h.engine
        .dispatch_as("test", Some("AKIDOTHER"), "GetItem", body.as_bytes())
        .unwrap();
    h.engine
        .dispatch_as("test", None, "GetItem", body.as_bytes())
        .unwrap();
}

#[test]
fn the_explainer_names_the_deciding_statement_and_the_context() {
    let mut h = with_principal(json!([
        {"Sid": "Everything", "Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
        {"Sid": "NoBob", "Effect": "Deny", "Action": "dynamodb:GetItem", "Resource": TABLE_ARN,
         "Condition": {"ForAnyValue:StringEquals": {"dynamodb:LeadingKeys": ["bob"]}}}
    ]));
    let explained = h.ok(
        "Dynoscope_ExplainAccess",
        json!({"AccessKeyId": KEY, "Operation": "GetItem", "Request": get("bob")}),
    );
    assert_eq!(explained["Decision"], "EXPLICIT_DENY");
    let first = &explained["Authorizations"][0];
    assert_eq!(first["Sid"], "NoBob");
    assert_eq!(
        (first["Policy"].clone(), first["Statement"].clone()),
        (json!(0), json!(1))
    );
    assert_eq!(first["ContextKeys"]["dynamodb:LeadingKeys"], json!(["bob"]));
    let allowed = h.ok(
        "Dynoscope_ExplainAccess",
        json!({"AccessKeyId": KEY, "Operation": "GetItem", "Request": get("alice")}),
    );
    assert_eq!(allowed["Decision"], "ALLOWED");
    assert_eq!(allowed["Authorizations"][0]["Sid"], "Everything");
}

#[test]
fn a_malformed_policy_is_refused_naming_where() {
    let mut h = Harness::new();
    let e = h.err(
        "Dynoscope_PutPrincipal",
        json!({"AccessKeyId": KEY, "Name": "alice", "Policies": [policy(json!([{"Effect": "Allow", "Action": "*"}]))]}),
    );
    assert_eq!(e.kind, ErrorKind::ValidationException);
    assert_eq!(
        e.message,
        "Policies[0]: Statement 1: Resource or NotResource is required"
    );
}

#[test]
fn principals_are_listed_deleted_and_survive_a_restore() {
    let mut h = with_principal(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]));
    let listed = h.ok("Dynoscope_ListPrincipals", json!({}));
    assert_eq!(
        listed["Principals"][0]["Arn"],
        "arn:aws:iam::000000000000:user/alice"
    );
    let mut store = dynoscope_engine::MemoryStore::new();
    store.apply(&h.engine.take_changes());
    let mut restored = Harness::new();
    restored.engine.restore(&store.snapshot()).unwrap();
    assert_eq!(restored.ok("Dynoscope_ListPrincipals", json!({})), listed);
    h.ok("Dynoscope_DeletePrincipal", json!({"AccessKeyId": KEY}));
    assert_eq!(
        h.ok("Dynoscope_ListPrincipals", json!({}))["Principals"],
        json!([])
    );
    let e = h.err("Dynoscope_DeletePrincipal", json!({"AccessKeyId": KEY}));
    assert_eq!(e.kind, ErrorKind::ResourceNotFoundException);
}
