//! UpdateContributorInsights, DescribeContributorInsights and ListContributorInsights
//! through dispatch: statuses through ENABLING and DISABLING on the virtual clock, modes and
//! rule names, global indexes, paging, errors, and the setting surviving a restore.

mod common;

use common::Harness;
use dynoscope_engine::{Engine, EngineConfig, ErrorKind, MemoryStore};
use serde_json::{Value, json};

const START: u64 = 1_800_000_000_000;

/// A table `t1x` keyed by pk and sk, with global indexes `byG` (hash only) and `byH`, and a
/// local index `byL`.
fn harness_with(control_plane_millis: u64) -> Harness {
    let config = EngineConfig {
        start_millis: START,
        record_changes: true,
        control_plane_millis,
        ..Default::default()
    };
    let mut h = Harness {
        engine: Engine::new(config),
    };
    h.ok(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "g", "AttributeType": "S"}, {"AttributeName": "l", "AttributeType": "S"}
            ],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [
                {"IndexName": "byH", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                 "Projection": {"ProjectionType": "ALL"}},
                {"IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}
            ],
            "LocalSecondaryIndexes": [
                {"IndexName": "byL", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "l", "KeyType": "RANGE"}],
                 "Projection": {"ProjectionType": "KEYS_ONLY"}}
            ],
            "BillingMode": "PAY_PER_REQUEST",
        }),
    );
    h.engine.advance_clock_by(control_plane_millis);
    h
}

fn harness() -> Harness {
    harness_with(0)
}

fn update(h: &mut Harness, index: Option<&str>, action: &str, mode: Option<&str>) -> Value {
    let mut request = json!({"TableName": "t1x", "ContributorInsightsAction": action});
    if let Some(index) = index {
        request["IndexName"] = json!(index);
    }
    if let Some(mode) = mode {
        request["ContributorInsightsMode"] = json!(mode);
    }
    h.ok("UpdateContributorInsights", request)
}

fn describe(h: &mut Harness, index: Option<&str>) -> Value {
    let mut request = json!({"TableName": "t1x"});
    if let Some(index) = index {
        request["IndexName"] = json!(index);
    }
    h.ok("DescribeContributorInsights", request)
}

#[test]
fn contributor_insights_are_disabled_on_a_new_table() {
    let mut h = harness();
    assert_eq!(
        describe(&mut h, None),
        json!({"TableName": "t1x", "ContributorInsightsStatus": "DISABLED"})
    );
}

#[test]
fn enabling_answers_enabling_and_settles_to_enabled() {
    let mut h = harness();
    let response = update(&mut h, None, "ENABLE", None);
    assert_eq!(
        response,
        json!({"TableName": "t1x", "ContributorInsightsStatus": "ENABLING", "ContributorInsightsMode": "ACCESSED_AND_THROTTLED_KEYS"})
    );
    assert_eq!(
        describe(&mut h, None)["ContributorInsightsStatus"],
        "ENABLED"
    );
}

#[test]
fn a_change_stays_in_transition_for_the_control_plane_delay() {
    let mut h = harness_with(3_000);
    update(&mut h, None, "ENABLE", None);
    assert_eq!(
        describe(&mut h, None)["ContributorInsightsStatus"],
        "ENABLING"
    );
    h.engine.advance_clock_by(3_000);
    assert_eq!(
        describe(&mut h, None)["ContributorInsightsStatus"],
        "ENABLED"
    );
    assert_eq!(
        update(&mut h, None, "DISABLE", None)["ContributorInsightsStatus"],
        "DISABLING"
    );
    assert_eq!(
        describe(&mut h, None)["ContributorInsightsStatus"],
        "DISABLING"
    );
    h.engine.advance_clock_by(3_000);
    assert_eq!(
        describe(&mut h, None)["ContributorInsightsStatus"],
        "DISABLED"
    );
}

#[test]
fn an_enabled_table_names_its_rules_and_last_update_time() {
    let mut h = harness();
    update(&mut h, None, "ENABLE", None);
    let description = describe(&mut h, None);
    let stamp = START.to_string();
    let rules: Vec<String> = ["PKC", "PKT", "SKC", "SKT"]
        .iter()
        .map(|r| format!("DynamoDBContributorInsights-{r}-t1x-{stamp}"))
        .collect();
    assert_eq!(description["ContributorInsightsRuleList"], json!(rules));
    assert_eq!(
        description["LastUpdateDateTime"],
        json!(START as f64 / 1000.0)
    );
}

#[test]
fn throttled_keys_mode_keeps_only_the_throttled_rules() {
    let mut h = harness();
    update(&mut h, Some("byG"), "ENABLE", Some("THROTTLED_KEYS"));
    let description = describe(&mut h, Some("byG"));
    assert_eq!(description["ContributorInsightsMode"], "THROTTLED_KEYS");
    assert_eq!(
        description["ContributorInsightsRuleList"],
        json!([format!("DynamoDBContributorInsights-PKT-t1x-byG-{START}")])
    );
}

#[test]
fn enabling_again_with_the_same_mode_changes_nothing() {
    let mut h = harness();
    update(&mut h, None, "ENABLE", None);
    h.engine.advance_clock_by(10_000);
    assert_eq!(
        update(&mut h, None, "ENABLE", Some("ACCESSED_AND_THROTTLED_KEYS"))["ContributorInsightsStatus"],
        "ENABLED"
    );
    assert_eq!(
        describe(&mut h, None)["LastUpdateDateTime"],
        json!(START as f64 / 1000.0)
    );
}

#[test]
fn enabling_with_another_mode_passes_through_enabling_again() {
    let mut h = harness();
    update(&mut h, None, "ENABLE", None);
    let response = update(&mut h, None, "ENABLE", Some("THROTTLED_KEYS"));
    assert_eq!(response["ContributorInsightsStatus"], "ENABLING");
    assert_eq!(response["ContributorInsightsMode"], "THROTTLED_KEYS");
}

#[test]
fn disabling_keeps_the_mode_and_drops_the_rules() {
    let mut h = harness();
    update(&mut h, None, "ENABLE", Some("THROTTLED_KEYS"));
    let response = update(&mut h, None, "DISABLE", Some("ACCESSED_AND_THROTTLED_KEYS"));
    assert_eq!(response["ContributorInsightsMode"], "THROTTLED_KEYS");
    let description = describe(&mut h, None);
    assert_eq!(description["ContributorInsightsStatus"], "DISABLED");
    assert!(description.get("ContributorInsightsRuleList").is_none());
}

#[test]
fn disabling_what_was_never_enabled_answers_disabled() {
    let mut h = harness();
    assert_eq!(
        update(&mut h, None, "DISABLE", None),
        json!({"TableName": "t1x", "ContributorInsightsStatus": "DISABLED"})
    );
}

#[test]
fn a_global_index_has_its_own_setting() {
    let mut h = harness();
    let response = update(&mut h, Some("byH"), "ENABLE", None);
    assert_eq!(response["IndexName"], "byH");
    assert_eq!(
        describe(&mut h, Some("byH"))["ContributorInsightsStatus"],
        "ENABLED"
    );
    assert_eq!(describe(&mut h, Some("byH"))["IndexName"], "byH");
    assert_eq!(
        describe(&mut h, None)["ContributorInsightsStatus"],
        "DISABLED"
    );
}

#[test]
fn an_unknown_or_local_index_is_a_resource_not_found_exception() {
    let mut h = harness();
    for index in ["nope", "byL"] {
        let e = h.err(
            "DescribeContributorInsights",
            json!({"TableName": "t1x", "IndexName": index}),
        );
        assert_eq!(e.kind, ErrorKind::ResourceNotFoundException);
        assert_eq!(
            e.message,
            format!("Requested resource not found: Index: {index} for table: t1x not found")
        );
        let e = h.err(
            "UpdateContributorInsights",
            json!({"TableName": "t1x", "IndexName": index, "ContributorInsightsAction": "ENABLE"}),
        );
        assert_eq!(e.kind, ErrorKind::ResourceNotFoundException);
    }
}

#[test]
fn a_missing_table_is_a_resource_not_found_exception() {
    let mut h = harness();
    let requests = [
        ("DescribeContributorInsights", json!({"TableName": "nope"})),
        (
            "UpdateContributorInsights",
            json!({"TableName": "nope", "ContributorInsightsAction": "ENABLE"}),
        ),
        ("ListContributorInsights", json!({"TableName": "nope"})),
    ];
    for (operation, request) in requests {
        let e = h.err(operation, request);
        assert_eq!(e.kind, ErrorKind::ResourceNotFoundException, "{operation}");
        assert_eq!(
            e.message,
            "Requested resource not found: Table: nope not found"
        );
    }
}

#[test]
fn the_action_is_required_and_action_and_mode_must_be_known_values() {
    let mut h = harness();
    let e = h.err("UpdateContributorInsights", json!({"TableName": "t1x"}));
    assert_eq!(
        e.message,
        "1 validation error detected: Value null at 'contributorInsightsAction' failed to satisfy constraint: Member must not be null"
    );
    let e = h.err(
        "UpdateContributorInsights",
        json!({"TableName": "t1x", "ContributorInsightsAction": "START", "ContributorInsightsMode": "ALL"}),
    );
    assert_eq!(
        e.message,
        "2 validation errors detected: Value 'START' at 'contributorInsightsAction' failed to satisfy constraint: \
         Member must satisfy enum value set: [ENABLE, DISABLE]; Value 'ALL' at 'contributorInsightsMode' failed to satisfy \
         constraint: Member must satisfy enum value set: [ACCESSED_AND_THROTTLED_KEYS, THROTTLED_KEYS]"
    );
}

#[test]
fn list_contributor_insights_lists_a_table_then_its_global_indexes() {
    let mut h = harness();
    update(&mut h, Some("byH"), "ENABLE", None);
    let response = h.ok("ListContributorInsights", json!({"TableName": "t1x"}));
    assert_eq!(
        response,
        json!({"ContributorInsightsSummaries": [
            {"TableName": "t1x", "ContributorInsightsStatus": "DISABLED"},
            {"TableName": "t1x", "IndexName": "byG", "ContributorInsightsStatus": "DISABLED"},
            {"TableName": "t1x", "IndexName": "byH", "ContributorInsightsStatus": "ENABLED",
             "ContributorInsightsMode": "ACCESSED_AND_THROTTLED_KEYS"}
        ]})
    );
}

#[test]
fn list_contributor_insights_pages_with_max_results_and_next_token() {
    let mut h = harness();
    h.table("t2x", None);
    let mut seen = Vec::new();
    let mut request = json!({"MaxResults": 2});
    loop {
        let page = h.ok("ListContributorInsights", request.clone());
        let summaries = page["ContributorInsightsSummaries"]
            .as_array()
            .unwrap()
            .clone();
        assert!(summaries.len() <= 2);
        seen.extend(summaries.iter().map(|s| {
            format!(
                "{}/{}",
                s["TableName"].as_str().unwrap(),
                s["IndexName"].as_str().unwrap_or("")
            )
        }));
        match page.get("NextToken") {
            Some(token) => request["NextToken"] = token.clone(),
            None => break,
        }
    }
    assert_eq!(seen, ["t1x/", "t1x/byG", "t1x/byH", "t2x/"]);
}

#[test]
fn max_results_is_at_most_100() {
    let mut h = harness();
    let e = h.err("ListContributorInsights", json!({"MaxResults": 101}));
    assert_eq!(
        e.message,
        "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"
    );
}

#[test]
fn a_deleted_global_index_takes_its_setting_with_it() {
    let mut h = harness();
    update(&mut h, Some("byG"), "ENABLE", None);
    h.ok("UpdateTable", json!({"TableName": "t1x", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "byG"}}]}));
    let e = h.err(
        "DescribeContributorInsights",
        json!({"TableName": "t1x", "IndexName": "byG"}),
    );
    assert_eq!(e.kind, ErrorKind::ResourceNotFoundException);
}

#[test]
fn contributor_insights_survive_a_restore() {
    let mut h = harness();
    update(&mut h, None, "ENABLE", None);
    update(&mut h, Some("byG"), "ENABLE", Some("THROTTLED_KEYS"));
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());
    let mut restored = Harness {
        engine: Engine::new(EngineConfig {
            start_millis: START,
            ..Default::default()
        }),
    };
    restored.engine.restore(&store.snapshot()).unwrap();
    assert_eq!(describe(&mut restored, None), describe(&mut h, None));
    assert_eq!(
        describe(&mut restored, Some("byG")),
        describe(&mut h, Some("byG"))
    );
}
