//! The fold's flow, one rule per test, driven as the page drives it (send what a step asks,
//! in order, stopping at the first error; set what it draws) against a real engine.

use std::collections::BTreeMap;

use dynoscope_engine::{Engine, EngineConfig};
use dynoscope_table_settings::flow::{
    DETAILS_HOST, Event, FORM_HOST, Flow, RESULT_HOST, Reply, Waiting, error_line, step, step_json,
};
use serde_json::{Value, json};

/// The page: the engine, the hosts' HTML, the flow, and the form's fields as typed.
struct Page {
    engine: Engine,
    hosts: BTreeMap<&'static str, String>,
    flow: Flow,
    fields: BTreeMap<String, String>,
    /// Whether the last step asked to read the table again shortly.
    poll: bool,
}

impl Page {
    fn new(config: EngineConfig) -> Page {
        let mut engine = Engine::new(config);
        let create = json!({
            "TableName": "orders",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST"
        });
        engine
            .dispatch("CreateTable", create.to_string().as_bytes())
            .expect("created");
        engine
            .dispatch("Dynoscope_AdvanceClock", br#"{"Millis": 60000}"#)
            .expect("the table is ACTIVE");
        Page {
            engine,
            hosts: BTreeMap::new(),
            flow: Flow::default(),
            fields: BTreeMap::new(),
            poll: false,
        }
    }

    /// Runs `event` and every step after it, as the page's loop does.
    fn run(&mut self, event: Event) {
        let mut event = Some(event);
        while let Some(e) = event.take() {
            let fields = (!self.fields.is_empty()).then_some(&self.fields);
            let Reply {
                flow,
                draw,
                send,
                poll,
            } = step(std::mem::take(&mut self.flow), e, fields);
            self.flow = flow;
            self.poll = poll;
            for (host, html) in draw {
                self.hosts.insert(host, html);
            }
            if send.is_empty() {
                break;
            }
            let mut outcomes = Vec::new();
            for (operation, request) in send {
                let outcome = self
                    .engine
                    .dispatch(&operation, request.to_string().as_bytes())
                    .map(|body| serde_json::from_slice(&body).expect("JSON"))
                    .map_err(|e| e.to_json());
                let failed = outcome.is_err();
                outcomes.push(outcome);
                if failed {
                    break;
                }
            }
            event = Some(Event::Outcomes(outcomes));
        }
    }

    fn host(&self, host: &str) -> &str {
        self.hosts.get(host).map_or("", String::as_str)
    }

    fn type_in(&mut self, pairs: &[(&str, &str)]) {
        for (k, v) in pairs {
            self.fields.insert(k.to_string(), v.to_string());
        }
    }

    fn describe(&mut self) -> Value {
        let body = self
            .engine
            .dispatch("DescribeTable", br#"{"TableName": "orders"}"#)
            .expect("described");
        serde_json::from_slice::<Value>(&body).expect("JSON")["Table"].clone()
    }
}

fn page() -> Page {
    Page::new(EngineConfig::default())
}

#[test]
fn opening_the_fold_reads_the_table_and_draws_details_and_form() {
    let mut page = page();
    page.run(Event::Open("orders".into()));
    assert!(
        page.host(DETAILS_HOST)
            .contains("on demand (PAY_PER_REQUEST)")
    );
    assert!(
        page.host(FORM_HOST)
            .contains("data-testid=\"settings-apply\"")
    );
    assert_eq!(page.flow.waiting, Waiting::Nothing);
    assert!(!page.poll, "nothing is changing");
}

#[test]
fn apply_sends_then_reads_the_table_again_and_says_what_was_sent() {
    let mut page = page();
    page.run(Event::Open("orders".into()));
    page.type_in(&[("billing", "PROVISIONED"), ("read", "5"), ("write", "5")]);
    page.run(Event::Button("apply".into()));
    assert_eq!(
        page.host(RESULT_HOST),
        "<p class=\"muted\" data-testid=\"settings-done\">Sent UpdateTable.</p>"
    );
    assert_eq!(
        page.describe()["ProvisionedThroughput"]["ReadCapacityUnits"],
        5
    );
    assert!(
        page.host(DETAILS_HOST)
            .contains("provisioned: 5 RCU, 5 WCU")
    );
}

#[test]
fn dynamodb_s_error_is_shown_and_what_was_typed_stays() {
    let mut page = page();
    page.run(Event::Open("orders".into()));
    page.type_in(&[("stream", "on"), ("stream-view", "NEW_IMAGE")]);
    page.run(Event::Button("apply".into()));
    page.type_in(&[("stream-view", "KEYS_ONLY")]);
    page.run(Event::Button("apply".into()));
    let result = page.host(RESULT_HOST);
    assert!(
        result.contains("data-testid=\"settings-error\""),
        "{result}"
    );
    assert!(
        result.contains(
            "ValidationException: Table already has an enabled stream: arn:aws:dynamodb:"
        ),
        "{result}"
    );
    assert!(
        page.host(FORM_HOST)
            .contains("<option value=\"KEYS_ONLY\" selected>"),
        "the form keeps what was typed"
    );
}

#[test]
fn problems_stop_the_form_before_anything_is_sent() {
    let mut page = page();
    page.run(Event::Open("orders".into()));
    page.type_in(&[("billing", "PROVISIONED"), ("read", "none")]);
    page.run(Event::Button("apply".into()));
    assert!(
        page.host(RESULT_HOST)
            .contains("data-testid=\"settings-problems\"")
    );
    assert!(page.host(RESULT_HOST).contains("data-field=\"read\""));
    assert_eq!(
        page.describe()["BillingModeSummary"]["BillingMode"],
        "PAY_PER_REQUEST"
    );
}

#[test]
fn a_refresh_draws_the_form_only_when_it_changed() {
    let mut page = page();
    page.run(Event::Open("orders".into()));
    page.hosts.remove(FORM_HOST);
    page.run(Event::Refresh);
    assert!(
        !page.hosts.contains_key(FORM_HOST),
        "typing is not interrupted"
    );
    page.type_in(&[("billing", "PROVISIONED")]);
    page.run(Event::Refresh);
    assert!(
        page.host(FORM_HOST)
            .contains("data-testid=\"settings-read\""),
        "a new billing mode reshapes the form"
    );
}

#[test]
fn an_index_added_here_shows_its_backfill_advance_on_the_clock_until_active() {
    let mut page = Page::new(EngineConfig {
        control_plane_millis: 10_000,
        ..EngineConfig::default()
    });
    page.run(Event::Open("orders".into()));
    page.type_in(&[("index-name", "byCustomer"), ("index-pk", "customer")]);
    page.run(Event::Button("add-index".into()));
    assert!(page.host(RESULT_HOST).contains("Sent UpdateTable."));
    let details = page.host(DETAILS_HOST).to_owned();
    assert!(
        details.contains("<progress max=\"100\" value=\"0\">"),
        "{details}"
    );
    assert!(details.contains("CREATING, backfilling"), "{details}");
    assert!(page.poll, "read again while it backfills");

    page.engine
        .dispatch("Dynoscope_AdvanceClock", br#"{"Millis": 2500}"#)
        .expect("moved");
    page.run(Event::Refresh);
    assert!(
        page.host(DETAILS_HOST)
            .contains("25% (2.5 s of 10.0 s on the virtual clock)")
    );

    page.engine
        .dispatch("Dynoscope_AdvanceClock", br#"{"Millis": 7500}"#)
        .expect("moved");
    page.run(Event::Refresh);
    assert!(!page.host(DETAILS_HOST).contains("details-progress"));
    assert!(!page.poll);
    assert!(
        page.host(FORM_HOST).contains("data-index=\"byCustomer\""),
        "the form lists the new index"
    );
}

#[test]
fn deleting_an_index_sends_one_update() {
    let mut page = page();
    page.run(Event::Open("orders".into()));
    page.type_in(&[("index-name", "byCustomer"), ("index-pk", "customer")]);
    page.run(Event::Button("add-index".into()));
    page.fields.clear();
    page.run(Event::Button("delete-index:byCustomer".into()));
    assert!(page.host(RESULT_HOST).contains("Sent UpdateTable."));
    assert!(page.describe().get("GlobalSecondaryIndexes").is_none());
    assert!(!page.host(FORM_HOST).contains("data-index=\"byCustomer\""));
}

#[test]
fn a_table_that_cannot_be_read_says_why() {
    let mut page = page();
    page.run(Event::Open("gone-table".into()));
    let details = page.host(DETAILS_HOST);
    assert!(
        details.contains("ResourceNotFoundException: Requested resource not found"),
        "{details}"
    );
}

#[test]
fn an_error_line_is_the_name_then_the_message() {
    let body = json!({"__type": "com.amazonaws.dynamodb.v20120810#ResourceInUseException", "message": "busy"});
    assert_eq!(error_line(&body), "ResourceInUseException: busy");
}

#[test]
fn the_json_step_reads_outcomes_as_response_text_or_error_bodies() {
    let opened = step_json(&json!({"open": "orders"}));
    assert_eq!(
        opened["send"][0],
        json!(["DescribeTable", {"TableName": "orders"}])
    );
    let failed = step_json(&json!({
        "flow": opened["flow"],
        "outcomes": [{"error": {"__type": "x#ResourceNotFoundException", "message": "Requested resource not found"}}]
    }));
    assert_eq!(failed["draw"][0][0], DETAILS_HOST);
    assert!(
        failed["draw"][0][1]
            .as_str()
            .is_some_and(|h| h.contains("ResourceNotFoundException")),
        "{failed}"
    );
    assert_eq!(failed["send"], json!([]));
}
