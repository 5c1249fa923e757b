//! Scenario: resource-based policies and Kinesis streaming destinations, kept on the table
//! and answered back. Policies have revisions (the same document keeps its own) and
//! conditional forms; destinations move through their statuses on the clock. Neither
//! changes what a request may do or sends data anywhere.

mod common;

use common::Harness;
use dynoscope_engine::{Engine, EngineConfig, ErrorKind};
use serde_json::json;

const ARN: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/t1x";
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"dynamodb:GetItem","Resource":"*"}]}"#;
const KINESIS: &str = "arn:aws:kinesis:us-east-1:000000000000:stream/orders";

fn harness(control_plane_millis: u64) -> Harness {
    let mut h = Harness {
        engine: Engine::new(EngineConfig {
            record_changes: true,
            control_plane_millis,
            ..Default::default()
        }),
    };
    h.table("t1x", None);
    h.engine.advance_clock_by(control_plane_millis);
    h
}

#[test]
fn a_policy_put_is_got_back_with_its_revision() {
    let mut h = harness(0);
    let put = h.ok(
        "PutResourcePolicy",
        json!({"ResourceArn": ARN, "Policy": POLICY}),
    );
    let got = h.ok("GetResourcePolicy", json!({"ResourceArn": ARN}));
    assert_eq!(got["Policy"], POLICY);
    assert_eq!(got["RevisionId"], put["RevisionId"]);
}

#[test]
fn the_same_document_keeps_its_revision_and_another_gets_a_new_one() {
    let mut h = harness(0);
    let first = h.ok(
        "PutResourcePolicy",
        json!({"ResourceArn": ARN, "Policy": POLICY}),
    );
    let again = h.ok(
        "PutResourcePolicy",
        json!({"ResourceArn": ARN, "Policy": POLICY}),
    );
    assert_eq!(first["RevisionId"], again["RevisionId"]);
    let other = POLICY.replace("GetItem", "Query");
    let changed = h.ok(
        "PutResourcePolicy",
        json!({"ResourceArn": ARN, "Policy": other}),
    );
    assert_ne!(first["RevisionId"], changed["RevisionId"]);
}

#[test]
fn a_stale_expected_revision_is_a_policy_not_found_exception() {
    let mut h = harness(0);
    h.ok(
        "PutResourcePolicy",
        json!({"ResourceArn": ARN, "Policy": POLICY}),
    );
    let e = h.err(
        "PutResourcePolicy",
        json!({"ResourceArn": ARN, "Policy": POLICY, "ExpectedRevisionId": "NO_POLICY"}),
    );
    assert_eq!(e.kind, ErrorKind::PolicyNotFoundException);
}

#[test]
fn a_deleted_policy_is_not_found() {
    let mut h = harness(0);
    h.ok(
        "PutResourcePolicy",
        json!({"ResourceArn": ARN, "Policy": POLICY}),
    );
    h.ok("DeleteResourcePolicy", json!({"ResourceArn": ARN}));
    let e = h.err("GetResourcePolicy", json!({"ResourceArn": ARN}));
    assert_eq!(e.kind, ErrorKind::PolicyNotFoundException);
    assert_eq!(
        e.message,
        format!("Resource-based policy not found for the provided ResourceArn: {ARN}")
    );
}

#[test]
fn a_policy_that_is_not_a_json_object_is_refused() {
    let mut h = harness(0);
    let e = h.err(
        "PutResourcePolicy",
        json!({"ResourceArn": ARN, "Policy": "[1]"}),
    );
    assert_eq!(e.kind, ErrorKind::ValidationException);
}

#[test]
fn create_table_keeps_its_resource_policy() {
    let mut h = harness(0);
    h.ok(
        "CreateTable",
        json!({"TableName": "t2x", "BillingMode": "PAY_PER_REQUEST",
               "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
               "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
               "ResourcePolicy": POLICY}),
    );
    let got = h.ok(
        "GetResourcePolicy",
        json!({"ResourceArn": ARN.replace("t1x", "t2x")}),
    );
    assert_eq!(got["Policy"], POLICY);
}

#[test]
fn a_kinesis_destination_is_enabling_then_active() {
    let mut h = harness(1_000);
    let enabled = h.ok(
        "EnableKinesisStreamingDestination",
        json!({"TableName": "t1x", "StreamArn": KINESIS}),
    );
    assert_eq!(enabled["DestinationStatus"], "ENABLING");
    let status = |h: &mut Harness| {
        let d = h.ok(
            "DescribeKinesisStreamingDestination",
            json!({"TableName": "t1x"}),
        );
        d["KinesisDataStreamDestinations"][0]["DestinationStatus"].clone()
    };
    assert_eq!(status(&mut h), "ENABLING");
    h.engine.advance_clock_by(1_000);
    assert_eq!(status(&mut h), "ACTIVE");
    let disabled = h.ok(
        "DisableKinesisStreamingDestination",
        json!({"TableName": "t1x", "StreamArn": KINESIS}),
    );
    assert_eq!(disabled["DestinationStatus"], "DISABLING");
    h.engine.advance_clock_by(1_000);
    assert_eq!(status(&mut h), "DISABLED");
}

#[test]
fn a_stream_arn_that_is_not_kinesis_is_refused() {
    let mut h = harness(0);
    let e = h.err(
        "EnableKinesisStreamingDestination",
        json!({"TableName": "t1x", "StreamArn": "arn:aws:sqs:us-east-1:000000000000:queue"}),
    );
    assert_eq!(e.kind, ErrorKind::ValidationException);
}
