//! The create-table form off the page: its controls read into a draft, its buttons, the
//! HTML it is drawn as, and where each refusal shows.

use dynoscope_model::ModelError;
use dynoscope_query_builder::table_form::{
    Ask, Fields, Problems, Refusal, act, answer, cleared, draft_from_fields, empty, html,
};
use serde_json::Value;

fn fields(pairs: &[(&str, &str)]) -> Fields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn ask(prefix: &str, pairs: &[(&str, &str)], action: Option<&str>) -> Value {
    answer(Ask {
        prefix: prefix.into(),
        fields: Some(fields(pairs)),
        action: action.map(str::to_owned),
        ..Ask::default()
    })
    .expect("the form answers")
}

fn refusal(message: &str) -> Refusal {
    Refusal {
        name: "ValidationException".into(),
        wire_type: "com.amazonaws.dynamodb.v20120810#ValidationException".into(),
        message: message.into(),
    }
}

#[test]
fn an_empty_form_is_on_demand_with_string_keys_and_five_units() {
    let draft = empty();
    assert_eq!(draft.billing_mode, "PAY_PER_REQUEST");
    assert_eq!(draft.partition_key.kind, "S");
    assert_eq!(draft.sort_key.kind, "S");
    assert_eq!(
        (draft.read_capacity.as_str(), draft.write_capacity.as_str()),
        ("5", "5")
    );
}

#[test]
fn the_controls_the_form_draws_read_back_into_the_same_draft() {
    let mut draft = empty();
    draft.name = "Orders".into();
    draft.partition_key.name = "PK".into();
    draft.billing_mode = "PROVISIONED".into();
    draft.stream_view_type = "NEW_IMAGE".into();
    draft.deletion_protection = true;
    act(&mut draft, "add-gsi");
    act(&mut draft, "add-lsi");
    draft.indexes[0].projection_type = "INCLUDE".into();
    draft.indexes[0].non_key_attributes = "a, b".into();
    let drawn = html::form_html("ct", &draft, &Problems::default(), false);
    assert_eq!(draft_from_fields(&controls(&drawn)), draft);
}

/// Every named control of `html` with its value, as a browser submits them (a checkbox
/// only when checked, a select's selected option).
fn controls(html: &str) -> Fields {
    let mut out = Fields::new();
    let attr = |tag: &str, name: &str| {
        let lead = format!(" {name}=\"");
        tag.find(&lead).map(|at| {
            let rest = &tag[at + lead.len()..];
            rest[..rest.find('"').unwrap_or(0)].replace("&#39;", "'")
        })
    };
    for (at, _) in html.match_indices("<input") {
        let tag = &html[at..at + html[at..].find('>').unwrap_or(0)];
        let Some(name) = attr(tag, "name") else {
            continue;
        };
        if tag.contains("type=\"checkbox\"") {
            if tag.contains(" checked") {
                out.insert(name, "on".into());
            }
            continue;
        }
        out.insert(name, attr(tag, "value").unwrap_or_default());
    }
    for (at, _) in html.match_indices("<select") {
        let body = &html[at..at + html[at..].find("</select>").unwrap_or(0)];
        let Some(name) = attr(body, "name") else {
            continue;
        };
        let chosen = body
            .split("<option")
            .skip(1)
            .find(|o| o.contains(" selected"))
            .or_else(|| body.split("<option").nth(1))
            .and_then(|o| attr(o, "value"))
            .unwrap_or_default();
        out.insert(name, chosen);
    }
    out
}

#[test]
fn a_missing_control_takes_the_empty_forms_value() {
    let draft = draft_from_fields(&fields(&[("name", "T")]));
    assert_eq!(draft.billing_mode, "PAY_PER_REQUEST");
    assert_eq!(draft.read_capacity, "5");
    assert_eq!(draft.partition_key.kind, "S");
    assert!(!draft.deletion_protection);
}

#[test]
fn deletion_protection_is_on_when_its_box_is_sent() {
    assert!(draft_from_fields(&fields(&[("protect", "on")])).deletion_protection);
}

#[test]
fn indexes_are_read_in_order_until_one_is_missing() {
    let draft = draft_from_fields(&fields(&[
        ("ix-0-local", "0"),
        ("ix-0-name", "A"),
        ("ix-1-local", "1"),
        ("ix-1-name", "B"),
        ("ix-3-local", "0"),
    ]));
    let names: Vec<_> = draft.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["A", "B"]);
    assert!(draft.indexes[1].local);
}

#[test]
fn a_new_global_index_is_named_after_its_ordinal_with_keys_named_the_same() {
    let mut draft = empty();
    act(&mut draft, "add-gsi");
    act(&mut draft, "add-gsi");
    let index = &draft.indexes[1];
    assert_eq!(index.name, "GSI2");
    assert_eq!(index.partition_key.name, "GSI2PK");
    assert_eq!(index.sort_key.name, "GSI2SK");
    assert_eq!(index.projection_type, "ALL");
}

#[test]
fn a_new_local_index_shares_the_tables_partition_key_and_counts_local_ones_only() {
    let mut draft = empty();
    act(&mut draft, "add-gsi");
    act(&mut draft, "add-lsi");
    let index = &draft.indexes[1];
    assert!(index.local);
    assert_eq!(index.name, "LSI1");
    assert_eq!(index.partition_key.name, "");
    assert_eq!(index.sort_key.name, "LSI1SK");
}

#[test]
fn remove_takes_out_the_index_at_its_position() {
    let mut draft = empty();
    act(&mut draft, "add-gsi");
    act(&mut draft, "add-gsi");
    assert!(act(&mut draft, "remove-index-0"));
    assert_eq!(draft.indexes.len(), 1);
    assert_eq!(draft.indexes[0].name, "GSI2");
}

#[test]
fn an_unknown_button_or_position_changes_nothing() {
    let mut draft = empty();
    assert!(!act(&mut draft, "remove-index-0"));
    assert!(!act(&mut draft, "explode"));
    assert_eq!(draft, empty());
}

#[test]
fn a_created_tables_form_keeps_keys_and_billing_and_drops_the_rest() {
    let mut draft = empty();
    draft.name = "T".into();
    draft.partition_key.name = "PK".into();
    draft.billing_mode = "PROVISIONED".into();
    draft.ttl_attribute = "exp".into();
    draft.stream_view_type = "KEYS_ONLY".into();
    draft.deletion_protection = true;
    act(&mut draft, "add-gsi");
    let next = cleared(draft);
    assert_eq!(next.name, "");
    assert_eq!(next.partition_key.name, "PK");
    assert_eq!(next.billing_mode, "PROVISIONED");
    assert!(next.indexes.is_empty());
    assert_eq!(
        (next.ttl_attribute.as_str(), next.stream_view_type.as_str()),
        ("", "")
    );
    assert!(!next.deletion_protection);
}

#[test]
fn capacity_boxes_show_only_when_provisioned_and_keep_their_values_hidden_otherwise() {
    let mut draft = empty();
    draft.read_capacity = "12".into();
    let on_demand = html::form_html("ct", &draft, &Problems::default(), false);
    assert!(!on_demand.contains("data-testid=\"create-rcu\""));
    assert!(on_demand.contains("<input type=\"hidden\" name=\"rcu\" value=\"12\">"));
    draft.billing_mode = "PROVISIONED".into();
    let provisioned = html::form_html("ct", &draft, &Problems::default(), false);
    assert!(provisioned.contains("data-testid=\"create-rcu\""));
}

#[test]
fn a_local_index_has_no_capacity_and_says_it_shares_the_partition_key() {
    let mut draft = empty();
    draft.billing_mode = "PROVISIONED".into();
    act(&mut draft, "add-lsi");
    let drawn = html::form_html("ct", &draft, &Problems::default(), false);
    assert!(!drawn.contains("create-index-rcu"));
    assert!(!drawn.contains("create-index-pk\""));
    assert!(drawn.contains("Shares the table's partition key."));
}

#[test]
fn projected_attributes_are_asked_for_only_with_include() {
    let mut draft = empty();
    act(&mut draft, "add-gsi");
    let all = html::form_html("ct", &draft, &Problems::default(), false);
    assert!(!all.contains("create-index-include"));
    draft.indexes[0].projection_type = "INCLUDE".into();
    let include = html::form_html("ct", &draft, &Problems::default(), false);
    assert!(include.contains("data-testid=\"create-index-include\""));
}

#[test]
fn billing_and_projection_redraw_the_form_and_buttons_name_their_action() {
    let mut draft = empty();
    act(&mut draft, "add-gsi");
    let drawn = html::form_html("ct", &draft, &Problems::default(), false);
    assert!(drawn.contains(
        "name=\"billing\" data-testid=\"create-billing\" id=\"ct-billing\" data-ct-structural"
    ));
    assert!(drawn.contains("name=\"ix-0-projection\" data-testid=\"create-index-projection\" aria-label=\"Projection\" data-ct-structural"));
    assert!(drawn.contains("data-ct-action=\"add-gsi\""));
    assert!(drawn.contains("data-ct-action=\"remove-index-0\""));
}

#[test]
fn element_ids_carry_the_forms_prefix() {
    let drawn = html::form_html("model-2", &empty(), &Problems::default(), false);
    assert!(drawn.contains("<label for=\"model-2-name\">Table name</label>"));
    assert!(drawn.contains("id=\"model-2-name\""));
}

#[test]
fn typed_values_are_escaped() {
    let mut draft = empty();
    draft.name = "\"><script>".into();
    let drawn = html::form_html("ct", &draft, &Problems::default(), false);
    assert!(drawn.contains("value=\"&quot;&gt;&lt;script&gt;\""));
}

#[test]
fn the_settings_stay_open_when_they_were() {
    assert!(
        html::form_html("ct", &empty(), &Problems::default(), true)
            .contains("data-testid=\"create-settings\" open")
    );
    assert!(!html::form_html("ct", &empty(), &Problems::default(), false).contains(" open>"));
}

#[test]
fn a_field_refusal_shows_beside_its_field() {
    let mut draft = empty();
    draft.billing_mode = "PROVISIONED".into();
    act(&mut draft, "add-gsi");
    let problems = Problems::of_fields(vec![ModelError::at(
        "indexes[0].readCapacity",
        "Read capacity must be a whole number, not \"\"",
    )]);
    let drawn = html::form_html("ct", &draft, &problems, false);
    let index = &drawn[drawn.find("create-index\"").expect("the index")..];
    assert!(
        index.contains("data-testid=\"create-field-error\">Read capacity must be a whole number")
    );
}

#[test]
fn a_refusal_naming_an_index_is_placed_under_the_last_so_named() {
    let names = ["GSI1".to_owned(), "GSI1".to_owned()];
    let problems = Problems::from_engine(refusal("Duplicate index name: GSI1"), &names);
    assert_eq!(problems.index.map(|(i, _)| i), Some(1));
    assert!(problems.form.is_none());
}

#[test]
fn an_index_name_inside_a_longer_name_is_not_named() {
    let names = ["GSI1".to_owned()];
    let problems = Problems::from_engine(refusal("Duplicate index name: GSI10"), &names);
    assert!(problems.index.is_none());
    assert!(problems.form.is_some());
}

#[test]
fn a_refusal_naming_no_index_is_placed_under_the_form() {
    let problems = Problems::from_engine(refusal("Value 'x' at 'tableName' failed"), &[]);
    let notice = html::notice_html(&problems);
    assert!(notice.contains("data-testid=\"create-table-error\""));
    assert!(notice.contains("<strong class=\"error-name\">ValidationException</strong>"));
}

#[test]
fn a_submitted_draft_gives_the_steps_that_create_its_table() {
    let out = ask(
        "ct",
        &[("name", "T"), ("pk", "id"), ("ttl", "exp")],
        Some("submit"),
    );
    assert_eq!(out["table"], "T");
    let operations: Vec<_> = out["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s[0].clone())
        .collect();
    assert_eq!(operations, ["CreateTable", "UpdateTimeToLive"]);
    assert_eq!(out["steps"][0][1]["TableName"], "T");
    let spec: Value = serde_json::from_str(out["spec"].as_str().expect("spec")).expect("JSON");
    assert_eq!(spec["TableName"], "T");
}

#[test]
fn a_submitted_draft_with_a_bad_capacity_gives_no_steps_and_shows_why() {
    let out = ask(
        "ct",
        &[
            ("name", "T"),
            ("pk", "id"),
            ("billing", "PROVISIONED"),
            ("rcu", "x"),
        ],
        Some("submit"),
    );
    assert!(out.get("steps").is_none());
    let form = out["formHtml"].as_str().expect("form");
    assert!(form.contains("Read capacity must be a whole number"));
    assert!(form.contains("name=\"checked\""));
}

#[test]
fn once_refused_the_form_is_checked_again_on_every_redraw() {
    let out = ask(
        "ct",
        &[
            ("checked", "1"),
            ("pk", "id"),
            ("billing", "PROVISIONED"),
            ("rcu", "x"),
        ],
        Some("add-gsi"),
    );
    assert!(
        out["formHtml"]
            .as_str()
            .expect("form")
            .contains("Read capacity must be a whole number")
    );
    let fixed = ask(
        "ct",
        &[
            ("checked", "1"),
            ("pk", "id"),
            ("billing", "PROVISIONED"),
            ("rcu", "3"),
        ],
        None,
    );
    assert!(
        !fixed["formHtml"]
            .as_str()
            .expect("form")
            .contains("field-error")
    );
}

#[test]
fn a_created_table_is_announced_and_the_form_cleared() {
    let out = ask("ct", &[("name", "Orders"), ("pk", "id")], Some("created"));
    assert!(
        out["noticeHtml"]
            .as_str()
            .expect("notice")
            .contains("Created table Orders.")
    );
    let form = out["formHtml"].as_str().expect("form");
    assert!(form.contains("name=\"name\" value=\"\""));
    assert!(form.contains("name=\"pk\" value=\"id\""));
}

#[test]
fn an_engine_refusal_is_placed_against_the_forms_index_names() {
    let out = answer(Ask {
        prefix: "ct".into(),
        fields: Some(fields(&[("ix-0-local", "0"), ("ix-0-name", " GSI1 ")])),
        refused: Some(refusal("Duplicate index name: GSI1")),
        ..Ask::default()
    })
    .expect("the form answers");
    assert!(
        out["formHtml"]
            .as_str()
            .expect("form")
            .contains("data-testid=\"create-index-error\"")
    );
    assert_eq!(out["noticeHtml"], "");
}

#[test]
fn a_form_drawn_from_a_definition_shows_its_indexes() {
    let spec = r#"{"TableName":"T","KeySchema":[{"AttributeName":"PK","KeyType":"HASH"}],
        "AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"S"},{"AttributeName":"e","AttributeType":"S"}],
        "BillingMode":"PAY_PER_REQUEST",
        "GlobalSecondaryIndexes":[{"IndexName":"ByE","KeySchema":[{"AttributeName":"e","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]}"#;
    let out = answer(Ask {
        prefix: "model-0".into(),
        spec: Some(spec.into()),
        ..Ask::default()
    })
    .expect("the form answers");
    let form = out["formHtml"].as_str().expect("form");
    assert!(form.contains("name=\"ix-0-name\" value=\"ByE\""));
    assert!(form.contains("name=\"name\" value=\"T\""));
}

#[test]
fn an_unknown_button_is_an_error() {
    let error = answer(Ask {
        action: Some("explode".into()),
        ..Ask::default()
    })
    .expect_err("refused");
    assert_eq!(error.location, "action");
}
