//! The "Edit table" rules, one per test: the form read from the table and from its fields,
//! the requests each button makes (only what changed, one index per call, key attributes
//! defined, capacity where the billing mode wants it), the problems that stop a form, the
//! form's HTML, and the requests run on a real engine, an index backfilling on its virtual
//! clock until ACTIVE.

use std::collections::BTreeMap;

use dynoscope_engine::{Engine, EngineConfig};
use dynoscope_table_settings::html::form_html;
use dynoscope_table_settings::progress::progress_html;
use dynoscope_table_settings::{Action, Backfill, Billing, Call, Current, Form, requests};
use serde_json::{Value, json};

fn call(engine: &mut Engine, operation: &str, request: Value) -> Result<Value, String> {
    engine
        .dispatch(operation, request.to_string().as_bytes())
        .map(|body| serde_json::from_slice(&body).expect("the engine answers JSON"))
        .map_err(|e| format!("{}: {}", e.kind.name(), e.message))
}

fn ok(engine: &mut Engine, operation: &str, request: Value) -> Value {
    call(engine, operation, request.clone())
        .unwrap_or_else(|e| panic!("{operation} {request} failed: {e}"))
}

/// An on-demand table `orders` (pk S, sk N) with a global index `byStatus` and three items.
fn engine_with(config: EngineConfig) -> Engine {
    let mut engine = Engine::new(config);
    ok(
        &mut engine,
        "CreateTable",
        json!({
            "TableName": "orders",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "status", "AttributeType": "S"}
            ],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [{"IndexName": "byStatus", "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    );
    for (n, customer) in ["c1", "c2", "c1"].iter().enumerate() {
        ok(
            &mut engine,
            "PutItem",
            json!({"TableName": "orders", "Item": {
                "pk": {"S": format!("o{n}")}, "sk": {"N": "1"}, "customer": {"S": customer}, "status": {"S": "OPEN"}
            }}),
        );
    }
    engine
}

fn engine() -> Engine {
    engine_with(EngineConfig::default())
}

fn current(engine: &mut Engine) -> Current {
    let describe = ok(engine, "DescribeTable", json!({"TableName": "orders"}));
    let ttl = ok(engine, "DescribeTimeToLive", json!({"TableName": "orders"}));
    Current::from_describe(&describe, &ttl).expect("a table")
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The form as the table is, with `changes` typed over it (and `unticked` checkboxes off).
fn form_with(current: &Current, changes: &[(&str, &str)], unticked: &[&str]) -> Form {
    let form = Form::from_current(current);
    let mut typed = fields(&[
        ("billing", &form.billing),
        ("read", &form.read),
        ("write", &form.write),
        ("stream-view", &form.stream_view),
        ("ttl-attribute", &form.ttl_attribute),
    ]);
    if form.stream {
        typed.insert("stream".into(), "on".into());
    }
    if form.ttl {
        typed.insert("ttl".into(), "on".into());
    }
    for name in unticked {
        typed.remove(*name);
    }
    typed.extend(fields(changes));
    Form::from_fields(current, &typed)
}

/// Sends `calls` in order, stopping at the first error.
fn send(engine: &mut Engine, calls: &[Call]) -> Result<(), String> {
    for c in calls {
        call(engine, c.operation, c.request.clone())?;
    }
    Ok(())
}

fn problem_fields(
    result: Result<Vec<Call>, Vec<dynoscope_table_settings::request::Problem>>,
) -> Vec<String> {
    result
        .expect_err("problems")
        .into_iter()
        .map(|p| p.field)
        .collect()
}

#[test]
fn the_form_starts_as_the_table_is() {
    let mut engine = engine();
    let now = current(&mut engine);
    assert_eq!(now.billing, Billing::OnDemand);
    let form = Form::from_current(&now);
    assert_eq!(form.billing, "PAY_PER_REQUEST");
    assert!(!form.stream && !form.ttl);
    assert_eq!(
        form.read, "5",
        "provisioned fields start at the console's 5 units"
    );
    assert_eq!(form.index_capacity["byStatus"], ("5".into(), "5".into()));
}

#[test]
fn a_table_without_a_billing_summary_is_provisioned() {
    let describe = json!({"Table": {"TableName": "t", "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 2}}});
    let now = Current::from_describe(&describe, &Value::Null).expect("a table");
    assert_eq!(now.billing, Billing::Provisioned { read: 3, write: 2 });
}

#[test]
fn an_unticked_checkbox_is_off_and_an_index_keeps_its_typed_capacity() {
    let mut engine = engine();
    let now = current(&mut engine);
    let form = Form::from_fields(
        &now,
        &fields(&[
            ("billing", "PROVISIONED"),
            ("gsi-read:byStatus", "7"),
            ("gsi-read:gone", "9"),
        ]),
    );
    assert!(!form.stream && !form.ttl);
    assert_eq!(form.index_capacity["byStatus"], ("7".into(), "5".into()));
    assert!(
        !form.index_capacity.contains_key("gone"),
        "only the table's indexes"
    );
}

#[test]
fn an_unchanged_form_has_nothing_to_apply() {
    let mut engine = engine();
    let now = current(&mut engine);
    let result = requests(&now, &Form::from_current(&now), &Action::Apply);
    assert_eq!(problem_fields(result), vec![String::new()]);
}

#[test]
fn switching_to_provisioned_gives_the_table_and_every_index_capacity() {
    let mut engine = engine();
    let now = current(&mut engine);
    let form = form_with(
        &now,
        &[
            ("billing", "PROVISIONED"),
            ("read", "5"),
            ("write", "4"),
            ("gsi-read:byStatus", "3"),
            ("gsi-write:byStatus", "2"),
        ],
        &[],
    );
    let calls = requests(&now, &form, &Action::Apply).expect("requests");
    assert_eq!(
        calls,
        vec![Call {
            operation: "UpdateTable",
            request: json!({
                "TableName": "orders",
                "BillingMode": "PROVISIONED",
                "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 4},
                "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "byStatus",
                    "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 2}}}]
            }),
        }]
    );
    send(&mut engine, &calls).expect("the engine takes it");
    let after = current(&mut engine);
    assert_eq!(after.billing, Billing::Provisioned { read: 5, write: 4 });
    assert_eq!((after.indexes[0].read, after.indexes[0].write), (3, 2));
}

#[test]
fn capacity_equal_to_the_table_s_is_not_sent() {
    let mut engine = engine();
    let now = current(&mut engine);
    let provisioned = form_with(&now, &[("billing", "PROVISIONED")], &[]);
    send(
        &mut engine,
        &requests(&now, &provisioned, &Action::Apply).expect("requests"),
    )
    .expect("switched");
    let now = current(&mut engine);
    let form = form_with(&now, &[("stream", "on")], &[]);
    let calls = requests(&now, &form, &Action::Apply).expect("requests");
    assert_eq!(calls.len(), 1);
    assert!(calls[0].request.get("ProvisionedThroughput").is_none());
    assert!(
        calls[0]
            .request
            .get("GlobalSecondaryIndexUpdates")
            .is_none()
    );
    send(&mut engine, &calls).expect("DynamoDB refuses unchanged capacity; none was sent");
}

#[test]
fn a_changed_index_capacity_is_an_index_update() {
    let mut engine = engine();
    let now = current(&mut engine);
    let provisioned = form_with(&now, &[("billing", "PROVISIONED")], &[]);
    send(
        &mut engine,
        &requests(&now, &provisioned, &Action::Apply).expect("requests"),
    )
    .expect("switched");
    let now = current(&mut engine);
    let form = form_with(&now, &[("gsi-write:byStatus", "9")], &[]);
    let calls = requests(&now, &form, &Action::Apply).expect("requests");
    assert_eq!(
        calls[0].request,
        json!({"TableName": "orders", "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "byStatus",
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 9}}}]})
    );
    send(&mut engine, &calls).expect("updated");
    assert_eq!(current(&mut engine).indexes[0].write, 9);
}

#[test]
fn switching_to_on_demand_sends_no_capacity() {
    let mut engine = engine();
    let now = current(&mut engine);
    let provisioned = form_with(&now, &[("billing", "PROVISIONED")], &[]);
    send(
        &mut engine,
        &requests(&now, &provisioned, &Action::Apply).expect("requests"),
    )
    .expect("switched");
    let now = current(&mut engine);
    let form = form_with(&now, &[("billing", "PAY_PER_REQUEST")], &[]);
    let calls = requests(&now, &form, &Action::Apply).expect("requests");
    assert_eq!(
        calls[0].request,
        json!({"TableName": "orders", "BillingMode": "PAY_PER_REQUEST"})
    );
    send(&mut engine, &calls).expect("switched back");
    assert_eq!(current(&mut engine).billing, Billing::OnDemand);
}

#[test]
fn capacity_that_is_not_a_whole_number_names_its_field() {
    let mut engine = engine();
    let now = current(&mut engine);
    let form = form_with(
        &now,
        &[
            ("billing", "PROVISIONED"),
            ("read", "2.5"),
            ("write", "0"),
            ("gsi-read:byStatus", "x"),
        ],
        &[],
    );
    assert_eq!(
        problem_fields(requests(&now, &form, &Action::Apply)),
        vec!["read", "write", "gsi-read:byStatus"]
    );
}

#[test]
fn enabling_a_stream_sends_its_view_type_and_disabling_only_turns_it_off() {
    let mut engine = engine();
    let now = current(&mut engine);
    let on = form_with(&now, &[("stream", "on"), ("stream-view", "NEW_IMAGE")], &[]);
    let calls = requests(&now, &on, &Action::Apply).expect("requests");
    assert_eq!(
        calls[0].request["StreamSpecification"],
        json!({"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"})
    );
    send(&mut engine, &calls).expect("enabled");
    let now = current(&mut engine);
    assert_eq!(now.stream.as_deref(), Some("NEW_IMAGE"));
    let off = form_with(&now, &[], &["stream"]);
    let calls = requests(&now, &off, &Action::Apply).expect("requests");
    assert_eq!(
        calls[0].request["StreamSpecification"],
        json!({"StreamEnabled": false})
    );
    send(&mut engine, &calls).expect("disabled");
    assert_eq!(current(&mut engine).stream, None);
}

#[test]
fn a_new_view_type_on_an_enabled_stream_is_left_to_dynamodb() {
    let mut engine = engine();
    let now = current(&mut engine);
    let on = form_with(&now, &[("stream", "on"), ("stream-view", "NEW_IMAGE")], &[]);
    send(
        &mut engine,
        &requests(&now, &on, &Action::Apply).expect("requests"),
    )
    .expect("enabled");
    let now = current(&mut engine);
    let other = form_with(&now, &[("stream-view", "KEYS_ONLY")], &[]);
    let calls = requests(&now, &other, &Action::Apply).expect("a well-formed request");
    let refused = send(&mut engine, &calls).expect_err("DynamoDB refuses it");
    assert!(
        refused.starts_with("ValidationException: Table already has an enabled stream"),
        "{refused}"
    );
}

#[test]
fn turning_ttl_on_sends_update_time_to_live_with_its_attribute() {
    let mut engine = engine();
    let now = current(&mut engine);
    let form = form_with(
        &now,
        &[("ttl", "on"), ("ttl-attribute", " expiresAt ")],
        &[],
    );
    let calls = requests(&now, &form, &Action::Apply).expect("requests");
    assert_eq!(
        calls,
        vec![Call {
            operation: "UpdateTimeToLive",
            request: json!({"TableName": "orders", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "expiresAt"}}),
        }]
    );
    send(&mut engine, &calls).expect("enabled");
    assert_eq!(current(&mut engine).ttl.as_deref(), Some("expiresAt"));
}

#[test]
fn turning_ttl_off_names_the_attribute_it_was_on() {
    let mut engine = engine();
    let now = current(&mut engine);
    let on = form_with(&now, &[("ttl", "on"), ("ttl-attribute", "expiresAt")], &[]);
    send(
        &mut engine,
        &requests(&now, &on, &Action::Apply).expect("requests"),
    )
    .expect("enabled");
    let now = current(&mut engine);
    let off = form_with(&now, &[("ttl-attribute", "")], &["ttl"]);
    let calls = requests(&now, &off, &Action::Apply).expect("requests");
    assert_eq!(
        calls[0].request["TimeToLiveSpecification"],
        json!({"Enabled": false, "AttributeName": "expiresAt"})
    );
}

#[test]
fn ttl_without_an_attribute_is_a_problem() {
    let mut engine = engine();
    let now = current(&mut engine);
    let form = form_with(&now, &[("ttl", "on"), ("ttl-attribute", "  ")], &[]);
    assert_eq!(
        problem_fields(requests(&now, &form, &Action::Apply)),
        vec!["ttl-attribute"]
    );
}

#[test]
fn a_table_change_and_a_ttl_change_are_two_requests_update_table_first() {
    let mut engine = engine();
    let now = current(&mut engine);
    let form = form_with(
        &now,
        &[("stream", "on"), ("ttl", "on"), ("ttl-attribute", "exp")],
        &[],
    );
    let calls = requests(&now, &form, &Action::Apply).expect("requests");
    let operations: Vec<&str> = calls.iter().map(|c| c.operation).collect();
    assert_eq!(operations, ["UpdateTable", "UpdateTimeToLive"]);
}

#[test]
fn a_new_index_defines_its_key_attributes() {
    let mut engine = engine();
    let now = current(&mut engine);
    let form = form_with(
        &now,
        &[
            ("index-name", "byCustomer"),
            ("index-pk", "customer"),
            ("index-sk", "placed"),
            ("index-sk-type", "N"),
            ("index-projection", "INCLUDE"),
            ("index-non-key", "total, status"),
        ],
        &[],
    );
    let calls = requests(&now, &form, &Action::AddIndex).expect("requests");
    assert_eq!(
        calls[0].request,
        json!({
            "TableName": "orders",
            "AttributeDefinitions": [{"AttributeName": "customer", "AttributeType": "S"}, {"AttributeName": "placed", "AttributeType": "N"}],
            "GlobalSecondaryIndexUpdates": [{"Create": {
                "IndexName": "byCustomer",
                "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "placed", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total", "status"]}
            }}]
        })
    );
}

#[test]
fn a_new_index_on_a_provisioned_table_carries_capacity() {
    let mut engine = engine();
    let now = current(&mut engine);
    let provisioned = form_with(&now, &[("billing", "PROVISIONED")], &[]);
    send(
        &mut engine,
        &requests(&now, &provisioned, &Action::Apply).expect("requests"),
    )
    .expect("switched");
    let now = current(&mut engine);
    let form = form_with(
        &now,
        &[
            ("index-name", "byCustomer"),
            ("index-pk", "customer"),
            ("index-read", "2"),
            ("index-write", "1"),
        ],
        &[],
    );
    let calls = requests(&now, &form, &Action::AddIndex).expect("requests");
    assert_eq!(
        calls[0].request["GlobalSecondaryIndexUpdates"][0]["Create"]["ProvisionedThroughput"],
        json!({"ReadCapacityUnits": 2, "WriteCapacityUnits": 1})
    );
    send(&mut engine, &calls).expect("created");
    let index = current(&mut engine);
    let index = index.index("byCustomer").expect("the new index");
    assert_eq!((index.read, index.write), (2, 1));
}

#[test]
fn a_new_index_needs_a_name_and_a_partition_key() {
    let mut engine = engine();
    let now = current(&mut engine);
    let form = form_with(&now, &[("index-sk", "placed")], &[]);
    assert_eq!(
        problem_fields(requests(&now, &form, &Action::AddIndex)),
        vec!["index-name", "index-pk"]
    );
}

#[test]
fn a_sort_key_must_be_another_attribute_than_the_partition_key() {
    let mut engine = engine();
    let now = current(&mut engine);
    let form = form_with(
        &now,
        &[("index-name", "x1x"), ("index-pk", "a"), ("index-sk", "a")],
        &[],
    );
    assert_eq!(
        problem_fields(requests(&now, &form, &Action::AddIndex)),
        vec!["index-sk"]
    );
}

#[test]
fn include_needs_the_attributes_it_projects() {
    let mut engine = engine();
    let now = current(&mut engine);
    let form = form_with(
        &now,
        &[
            ("index-name", "byCustomer"),
            ("index-pk", "customer"),
            ("index-projection", "INCLUDE"),
            ("index-non-key", " , "),
        ],
        &[],
    );
    assert_eq!(
        problem_fields(requests(&now, &form, &Action::AddIndex)),
        vec!["index-non-key"]
    );
}

#[test]
fn a_key_attribute_redefined_with_another_type_is_left_to_dynamodb() {
    let mut engine = engine();
    let now = current(&mut engine);
    let form = form_with(
        &now,
        &[
            ("index-name", "byStatus2"),
            ("index-pk", "status"),
            ("index-pk-type", "N"),
        ],
        &[],
    );
    let calls = requests(&now, &form, &Action::AddIndex).expect("a well-formed request");
    let refused = send(&mut engine, &calls).expect_err("refused");
    assert!(
        refused.contains("Attributes cannot be redefined"),
        "{refused}"
    );
}

#[test]
fn an_added_index_backfills_on_the_virtual_clock_then_answers_reads() {
    let mut engine = engine_with(EngineConfig {
        control_plane_millis: 3_000,
        ..EngineConfig::default()
    });
    // The table itself was CREATING for the delay too.
    ok(
        &mut engine,
        "Dynoscope_AdvanceClock",
        json!({"Millis": 3_000}),
    );
    let now = current(&mut engine);
    let form = form_with(
        &now,
        &[("index-name", "byCustomer"), ("index-pk", "customer")],
        &[],
    );
    let calls = requests(&now, &form, &Action::AddIndex).expect("requests");
    let clock = ok(&mut engine, "Dynoscope_DescribeClock", json!({}));
    let simulation = ok(&mut engine, "Dynoscope_DescribeSimulation", json!({}));
    send(&mut engine, &calls).expect("created");
    let sent = json!({"index": "byCustomer", "clock": clock, "simulation": simulation});
    let backfill = Backfill::from_json(&sent).expect("a backfill");
    assert_eq!(backfill.delay_millis, 3_000);

    let creating = current(&mut engine);
    let index = creating.index("byCustomer").expect("listed at once");
    assert_eq!(
        (index.status.as_str(), index.backfilling),
        ("CREATING", true)
    );
    assert!(creating.changing());

    let moved = ok(
        &mut engine,
        "Dynoscope_AdvanceClock",
        json!({"Millis": 1_500}),
    );
    let now_millis = moved["Clock"]["NowMillis"].as_u64();
    let html = progress_html(&current(&mut engine), Some(&backfill), now_millis);
    assert!(html.contains("value=\"50\""), "{html}");
    assert!(html.contains("1.5 s of 3.0 s"), "{html}");

    ok(
        &mut engine,
        "Dynoscope_AdvanceClock",
        json!({"Millis": 1_500}),
    );
    let active = current(&mut engine);
    assert_eq!(
        active.index("byCustomer").map(|i| i.status.as_str()),
        Some("ACTIVE")
    );
    assert!(!active.changing());
    assert_eq!(progress_html(&active, Some(&backfill), None), "");
    let answer = ok(
        &mut engine,
        "Query",
        json!({"TableName": "orders", "IndexName": "byCustomer",
            "KeyConditionExpression": "customer = :c", "ExpressionAttributeValues": {":c": {"S": "c1"}}}),
    );
    assert_eq!(answer["Count"], 2);
}

#[test]
fn an_index_created_elsewhere_shows_backfilling_without_a_share() {
    let mut engine = engine_with(EngineConfig {
        control_plane_millis: 3_000,
        ..EngineConfig::default()
    });
    ok(
        &mut engine,
        "Dynoscope_AdvanceClock",
        json!({"Millis": 3_000}),
    );
    let now = current(&mut engine);
    let form = form_with(
        &now,
        &[("index-name", "byCustomer"), ("index-pk", "customer")],
        &[],
    );
    send(
        &mut engine,
        &requests(&now, &form, &Action::AddIndex).expect("requests"),
    )
    .expect("created");
    let html = progress_html(&current(&mut engine), None, Some(0));
    assert!(
        html.contains("Index byCustomer: CREATING, backfilling from the table's items."),
        "{html}"
    );
    assert!(!html.contains("<progress"), "{html}");
}

#[test]
fn deleting_an_index_is_one_delete_update() {
    let mut engine = engine();
    let now = current(&mut engine);
    let action = Action::parse("delete-index:byStatus").expect("an action");
    let calls = requests(&now, &Form::from_current(&now), &action).expect("requests");
    assert_eq!(
        calls[0].request,
        json!({"TableName": "orders", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "byStatus"}}]})
    );
    send(&mut engine, &calls).expect("deleted");
    assert!(current(&mut engine).indexes.is_empty());
}

#[test]
fn actions_are_read_by_name() {
    assert_eq!(Action::parse("apply"), Some(Action::Apply));
    assert_eq!(Action::parse("add-index"), Some(Action::AddIndex));
    assert_eq!(
        Action::parse("delete-index:a.b-c"),
        Some(Action::DeleteIndex("a.b-c".into()))
    );
    assert_eq!(Action::parse("drop"), None);
}

#[test]
fn the_form_asks_for_capacity_only_when_provisioned() {
    let mut engine = engine();
    let now = current(&mut engine);
    let on_demand = form_html(&now, &Form::from_current(&now));
    assert!(!on_demand.contains("data-testid=\"settings-read\""));
    assert!(!on_demand.contains("name=\"gsi-read:byStatus\""));
    assert!(!on_demand.contains("name=\"index-read\""));
    let provisioned = form_html(&now, &form_with(&now, &[("billing", "PROVISIONED")], &[]));
    assert!(provisioned.contains("data-testid=\"settings-read\""));
    assert!(provisioned.contains("name=\"gsi-read:byStatus\" value=\"5\""));
    assert!(
        !provisioned.contains("name=\"index-read\""),
        "a new index follows the table as it is, not the form"
    );
}

#[test]
fn every_control_has_its_test_id_and_each_index_its_delete_button() {
    let mut engine = engine();
    let now = current(&mut engine);
    let html = form_html(&now, &form_with(&now, &[("billing", "PROVISIONED")], &[]));
    for testid in [
        "settings-billing",
        "settings-read",
        "settings-write",
        "settings-stream",
        "settings-stream-view",
        "settings-ttl",
        "settings-ttl-attribute",
        "settings-apply",
        "settings-add-index",
        "settings-index-name",
        "settings-delete-index",
    ] {
        assert!(
            html.contains(&format!("data-testid=\"{testid}\"")),
            "{testid}"
        );
    }
    assert!(html.contains("data-ts-action=\"delete-index:byStatus\""));
    assert!(html.contains("<select name=\"billing\" aria-label=\"billing\" data-testid=\"settings-billing\" data-ts-structural>"));
}

#[test]
fn nothing_in_progress_writes_nothing() {
    let mut engine = engine();
    let now = current(&mut engine);
    assert!(!now.changing());
    assert_eq!(progress_html(&now, None, None), "");
}
