//! The cost panel's body from estimates a real engine made.

use dynoscope_cluster_panels::cost::{cost_html, dollars, elapsed_text};
use dynoscope_engine::contract::CostEstimate;
use dynoscope_engine::{Engine, EngineConfig};
use serde_json::{Value, json};

fn estimate(billing: Value) -> CostEstimate {
    let mut engine = Engine::new(EngineConfig::default());
    let mut create = json!({
        "TableName": "meters",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]
    });
    create
        .as_object_mut()
        .unwrap()
        .extend(billing.as_object().unwrap().clone());
    engine
        .dispatch("CreateTable", create.to_string().as_bytes())
        .unwrap();
    for n in 0..3 {
        let put = json!({"TableName": "meters", "Item": {"pk": {"S": format!("m{n}")}}});
        engine
            .dispatch("PutItem", put.to_string().as_bytes())
            .unwrap();
    }
    serde_json::from_slice(
        &engine
            .dispatch("Dynoscope_EstimateCost", br#"{"TableName":"meters"}"#)
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn every_pricing_model_is_a_group_and_the_tables_own_is_marked() {
    let (html, _) = cost_html(
        &estimate(json!({"BillingMode": "PAY_PER_REQUEST"})),
        "meters",
    )
    .unwrap();
    for model in ["on-demand", "provisioned-held", "provisioned-peak"] {
        assert!(
            html.contains(&format!(
                "data-testid=\"cost-model\" data-model=\"{model}\""
            )),
            "{model}"
        );
    }
    assert!(
        html.contains(" class=\"current\" data-testid=\"cost-model\" data-model=\"on-demand\"")
    );
    assert!(html.contains("<span class=\"cost-item-name\">"));
}

#[test]
fn a_provisioned_table_is_marked_as_held() {
    let billing =
        json!({"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}});
    let (html, _) = cost_html(&estimate(billing), "meters").unwrap();
    assert!(
        html.contains(
            " class=\"current\" data-testid=\"cost-model\" data-model=\"provisioned-held\""
        )
    );
}

#[test]
fn a_table_the_estimate_does_not_name_has_no_body() {
    assert!(
        cost_html(
            &estimate(json!({"BillingMode": "PAY_PER_REQUEST"})),
            "other"
        )
        .is_none()
    );
}

#[test]
fn amounts_and_durations_read_naturally() {
    assert_eq!(dollars(0.0), "$0");
    assert_eq!(dollars(0.0000075), "$0.0000075");
    assert_eq!(dollars(1.25), "$1.25");
    assert_eq!(elapsed_text(0.01), "36 s");
    assert_eq!(elapsed_text(0.5), "30 min");
    assert_eq!(elapsed_text(3.5), "3.5 h");
}
