//! The Cluster view's folds that need the full engine, one rule per test: each fold's
//! conversation driven to the end against a real engine with every feature, as the page
//! drives it (sending each call with its options, handing back what it came to).

use dynoscope_cluster_panels::folds::{Input, step};
use dynoscope_engine::contract::RequestOptions;
use dynoscope_engine::{Engine, EngineConfig};
use serde_json::{Value, json};

const WEST: &str = "us-west-2";

struct Page {
    engine: Engine,
    flow: Value,
    /// The HTML last drawn, by host.
    hosts: std::collections::BTreeMap<String, String>,
    poll: bool,
}

impl Page {
    fn new() -> Page {
        let mut engine = Engine::new(EngineConfig {
            record_events: true,
            control_plane_millis: 0,
            ..EngineConfig::default()
        });
        let create = json!({
            "TableName": "notes",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST"
        });
        engine
            .dispatch("CreateTable", create.to_string().as_bytes())
            .unwrap();
        Page {
            engine,
            flow: Value::Null,
            hosts: Default::default(),
            poll: false,
        }
    }

    fn send(&mut self, options: Value, operation: &str, request: Value) -> Result<Value, Value> {
        let options: RequestOptions = serde_json::from_value(options).unwrap();
        self.engine
            .dispatch_with("test", &options, operation, request.to_string().as_bytes())
            .map(|body| serde_json::from_slice(&body).unwrap())
            .map_err(|e| e.to_json())
    }

    fn ok(&mut self, operation: &str, request: Value) -> Value {
        self.send(json!({}), operation, request).unwrap()
    }

    fn ok_in(&mut self, region: &str, operation: &str, request: Value) -> Value {
        self.send(json!({ "region": region }), operation, request)
            .unwrap()
    }

    /// One event of fold `panel` run to its drawing, with the fields the page would read.
    fn run(&mut self, panel: &str, event: Value, fields: Value) {
        let mut input = event;
        loop {
            input["panel"] = json!(panel);
            input["table"] = json!("notes");
            input["flow"] = self.flow.clone();
            input["fields"] = fields.clone();
            let reply = step(serde_json::from_value::<Input>(input).unwrap());
            self.flow = reply["flow"].clone();
            for draw in reply["draw"].as_array().unwrap() {
                self.hosts.insert(
                    draw[0].as_str().unwrap().to_owned(),
                    draw[1].as_str().unwrap().to_owned(),
                );
            }
            self.poll = reply["poll"] == true;
            let calls = reply["send"].as_array().unwrap().clone();
            if calls.is_empty() {
                return;
            }
            let outcomes: Vec<Value> = (calls.iter())
                .map(
                    |c| match self.send(c[2].clone(), c[0].as_str().unwrap(), c[1].clone()) {
                        Ok(response) => json!({ "ok": response.to_string() }),
                        Err(error) => json!({ "error": error }),
                    },
                )
                .collect();
            input = json!({ "outcomes": outcomes });
        }
    }

    fn open(&mut self, panel: &str) {
        self.flow = Value::Null;
        self.run(panel, json!({}), json!({}));
    }

    fn press(&mut self, panel: &str, button: &str, fields: Value) {
        self.run(panel, json!({ "button": button }), fields);
    }

    fn host(&self, selector: &str) -> &str {
        self.hosts.get(selector).map(String::as_str).unwrap_or("")
    }

    fn body(&self, panel: &str) -> &str {
        self.host(&format!("[data-bx-body=\"{panel}\"]"))
    }

    /// `notes` replicated to us-west-2, with writes reaching it after exactly `lag` ms.
    fn global(&mut self, lag: u64) {
        self.open("regions");
        self.press("regions", "add", json!({ "replica-region": WEST }));
        self.press(
            "regions",
            "lag",
            json!({ "lag-min": lag.to_string(), "lag-max": lag.to_string() }),
        );
    }

    fn put_in(&mut self, region: &str, pk: &str, v: &str) {
        self.ok_in(
            region,
            "PutItem",
            json!({ "TableName": "notes", "Item": { "pk": { "S": pk }, "v": { "S": v } } }),
        );
    }
}

#[test]
fn a_table_without_replicas_is_told_it_lives_in_one_region() {
    let mut page = Page::new();
    page.open("regions");
    assert!(
        page.body("regions").contains("lives in us-east-1 only"),
        "{}",
        page.body("regions")
    );
    assert_eq!(
        page.body("regions")
            .matches("data-testid=\"region-column\"")
            .count(),
        1
    );
}

#[test]
fn adding_a_replica_draws_one_column_per_region() {
    let mut page = Page::new();
    page.global(1_000);
    let body = page.body("regions");
    assert_eq!(
        body.matches("data-testid=\"region-column\"").count(),
        2,
        "{body}"
    );
    assert!(body.contains("data-region=\"us-west-2\""));
    let notice = page.host("[data-bx-notice=\"regions\"]");
    assert!(
        notice.contains("now reach the other regions 1000–1000 ms"),
        "{notice}"
    );
}

#[test]
fn the_add_form_offers_only_regions_the_table_is_not_in() {
    let mut page = Page::new();
    page.global(1_000);
    let forms = page.host("[data-bx-forms=\"regions\"]");
    assert!(!forms.contains("<option>us-west-2</option>"), "{forms}");
    assert!(!forms.contains("<option>us-east-1</option>"));
    assert!(forms.contains("<option>eu-west-1</option>"));
}

#[test]
fn a_write_on_its_way_is_in_flight_with_its_due_time_and_the_fold_looks_again() {
    let mut page = Page::new();
    page.global(1_000);
    page.put_in("us-east-1", "k", "east");
    page.engine.advance_clock_by(400);
    page.run("regions", json!({}), json!({}));
    let body = page.body("regions");
    assert!(body.contains("data-testid=\"in-flight-row\""), "{body}");
    assert!(body.contains("in 600 ms"), "{body}");
    assert!(page.poll);
}

#[test]
fn a_read_in_every_region_shows_the_item_missing_where_it_has_not_arrived() {
    let mut page = Page::new();
    page.global(1_000);
    page.put_in("us-east-1", "k", "east");
    page.press("regions", "read", json!({ "key-pk": "k" }));
    let body = page.body("regions");
    assert!(
        body.contains("<code class=\"bx-item\">{pk: &quot;k&quot;, v: &quot;east&quot;}</code>"),
        "{body}"
    );
    assert!(body.contains("no item"), "{body}");
    page.engine.advance_clock_by(1_000);
    page.press("regions", "read", json!({ "key-pk": "k" }));
    assert!(
        !page.body("regions").contains("no item"),
        "{}",
        page.body("regions")
    );
}

#[test]
fn a_region_taken_down_is_shown_down_and_refuses_requests() {
    let mut page = Page::new();
    page.global(1_000);
    page.press("regions", &format!("down:{WEST}"), json!({}));
    let body = page.body("regions");
    assert!(body.contains("bx-region down"), "{body}");
    assert!(body.contains("data-bx-action=\"up:us-west-2\""));
    assert!(body.contains("InternalServerError"), "{body}");
}

#[test]
fn a_replication_conflict_shows_both_versions_and_marks_the_one_kept() {
    let mut page = Page::new();
    page.global(1_000);
    page.put_in("us-east-1", "k", "east");
    page.engine.advance_clock_by(300);
    page.put_in(WEST, "k", "west");
    page.engine.advance_clock_by(2_000);
    page.run("regions", json!({}), json!({}));
    // The east replica learns of the conflict at its next request.
    page.ok(
        "GetItem",
        json!({ "TableName": "notes", "Key": { "pk": { "S": "k" } } }),
    );
    page.run("regions", json!({}), json!({}));
    let body = page.body("regions");
    assert!(body.contains("data-testid=\"conflict-versions\""), "{body}");
    assert!(body.contains("class=\"bx-winner\""), "{body}");
    assert!(body.contains("last writer wins"), "{body}");
}

#[test]
fn a_lag_that_is_not_a_number_is_refused_beside_the_form_and_nothing_is_sent() {
    let mut page = Page::new();
    page.open("regions");
    page.press(
        "regions",
        "lag",
        json!({ "lag-min": "soon", "lag-max": "1000" }),
    );
    let notice = page.host("[data-bx-notice=\"regions\"]");
    assert!(notice.contains("not &quot;soon&quot;"), "{notice}");
    assert!(page.body("regions").contains("No replication in flight"));
}

#[test]
fn a_get_through_dax_is_a_miss_then_a_hit() {
    let mut page = Page::new();
    page.put_in("us-east-1", "k", "v1");
    page.open("dax");
    page.press("dax", "get", json!({ "key-pk": "k" }));
    assert!(
        page.body("dax").contains("data-hit=\"false\""),
        "{}",
        page.body("dax")
    );
    page.press("dax", "get", json!({ "key-pk": "k" }));
    let body = page.body("dax");
    assert!(body.contains("data-hit=\"true\""), "{body}");
    assert!(body.contains("data-testid=\"dax-item-hits\">1<"), "{body}");
}

#[test]
fn an_item_written_directly_after_it_was_cached_is_shown_stale_and_why() {
    let mut page = Page::new();
    page.put_in("us-east-1", "k", "v1");
    page.open("dax");
    page.press("dax", "get", json!({ "key-pk": "k" }));
    page.put_in("us-east-1", "k", "v2");
    page.press("dax", "get", json!({ "key-pk": "k" }));
    let body = page.body("dax");
    assert!(body.contains("data-stale=\"true\""), "{body}");
    assert!(
        body.contains("written directly (not through DAX)"),
        "{body}"
    );
    assert!(
        body.contains("the table holds: <code>{pk: &quot;k&quot;, v: &quot;v2&quot;}</code>"),
        "{body}"
    );
}

#[test]
fn the_editor_starts_with_a_policy_confining_the_user_to_their_own_partition() {
    let mut page = Page::new();
    page.open("principals");
    let forms = page.host("[data-bx-forms=\"principals\"]");
    assert!(forms.contains("dynamodb:LeadingKeys"), "{forms}");
    assert!(forms.contains("arn:aws:dynamodb:us-east-1:"), "{forms}");
    assert!(page.body("principals").contains("No principals"));
}

fn alice(page: &mut Page) -> String {
    page.open("principals");
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "OwnPartitionOnly", "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*",
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]}}}]
    })
    .to_string();
    page.press(
        "principals",
        "save",
        json!({ "access-key-id": "AKIAALICE", "name": "alice", "policy-0": policy }),
    );
    policy
}

#[test]
fn a_saved_principal_is_listed_with_its_arn() {
    let mut page = Page::new();
    alice(&mut page);
    let body = page.body("principals");
    assert!(body.contains("arn:aws:iam::"), "{body}");
    assert!(body.contains("data-key=\"AKIAALICE\""));
}

#[test]
fn a_refused_principal_shows_the_engines_message_beside_the_editor() {
    let mut page = Page::new();
    page.open("principals");
    page.press(
        "principals",
        "save",
        json!({ "access-key-id": "AKIABAD", "name": "not allowed", "policy-0": "{}" }),
    );
    let notice = page.host("[data-bx-notice=\"principals\"]");
    assert!(notice.contains("ValidationException"), "{notice}");
}

#[test]
fn the_explainer_names_the_deciding_statements_sid_and_the_condition_keys() {
    let mut page = Page::new();
    alice(&mut page);
    let request = json!({ "TableName": "notes", "Key": { "pk": { "S": "alice" } } }).to_string();
    page.press(
        "principals",
        "explain",
        json!({ "as": "AKIAALICE", "operation": "GetItem", "request": request }),
    );
    let explained = page.host("[data-bx-explained=\"principals\"]");
    assert!(
        explained.contains("data-decision=\"ALLOWED\""),
        "{explained}"
    );
    assert!(
        explained.contains("Sid <strong>OwnPartitionOnly</strong>"),
        "{explained}"
    );
    assert!(explained.contains("dynamodb:LeadingKeys"), "{explained}");
}

#[test]
fn sending_as_a_principal_outside_its_policy_shows_access_denied() {
    let mut page = Page::new();
    alice(&mut page);
    let request = json!({ "TableName": "notes", "Key": { "pk": { "S": "bob" } } }).to_string();
    page.press(
        "principals",
        "send-as",
        json!({ "as": "AKIAALICE", "operation": "GetItem", "request": request }),
    );
    let explained = page.host("[data-bx-explained=\"principals\"]");
    assert!(explained.contains("AccessDeniedException"), "{explained}");
    assert!(
        explained.contains("is not authorized to perform: dynamodb:GetItem"),
        "{explained}"
    );
}

#[test]
fn editing_a_principal_fills_the_editor_with_its_policies() {
    let mut page = Page::new();
    alice(&mut page);
    page.press("principals", "edit:AKIAALICE", json!({}));
    let forms = page.host("[data-bx-forms=\"principals\"]");
    assert!(forms.contains("OwnPartitionOnly"), "{forms}");
    assert!(forms.contains("value=\"alice\""), "{forms}");
}

#[test]
fn every_request_the_explainer_prefills_is_json_naming_the_table() {
    use dynoscope_cluster_panels::folds::principals::{OPERATIONS, template};
    for operation in OPERATIONS {
        let text = template("notes", &("pk".to_owned(), "S".to_owned()), operation);
        let request: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{operation}: {e}\n{text}"));
        assert!(
            request.to_string().contains("\"notes\""),
            "{operation}: {text}"
        );
    }
}
