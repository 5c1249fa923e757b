//! The item locator's result, from a real engine's `Dynoscope_LocateItem`.

use dynoscope_cluster_panels::locate::result_html;
use dynoscope_engine::contract::ItemLocation;
use dynoscope_engine::{Engine, EngineConfig};
use serde_json::json;

fn engine() -> Engine {
    let mut engine = Engine::new(EngineConfig::default());
    engine
        .dispatch(
            "CreateTable",
            json!({
                "TableName": "things",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST",
            })
            .to_string()
            .as_bytes(),
        )
        .unwrap();
    engine
}

fn locate(engine: &mut Engine, pk: &str) -> ItemLocation {
    let body = json!({"TableName": "things", "Key": {"pk": {"S": pk}}}).to_string();
    let answer = engine
        .dispatch("Dynoscope_LocateItem", body.as_bytes())
        .unwrap();
    serde_json::from_slice(&answer).unwrap()
}

#[test]
fn an_item_shows_its_partition_and_each_replica() {
    let mut engine = engine();
    let put = json!({"TableName": "things", "Item": {"pk": {"S": "a<b>"}, "v": {"N": "1"}}});
    engine
        .dispatch("PutItem", put.to_string().as_bytes())
        .unwrap();
    let found = locate(&mut engine, "a<b>");
    let html = result_html("pk=a<b>", &found);
    assert!(
        html.contains("<strong>pk=a&lt;b&gt;</strong> hashes to <code>0x"),
        "{html}"
    );
    assert!(html.contains(&format!("partition {}</strong>", found.partition_id)));
    assert_eq!(html.matches("data-testid=\"locator-replica\"").count(), 3);
    assert_eq!(html.matches("data-role=\"LEADER\"").count(), 1);
    assert!(html.contains("Every replica returns the same version"));
}

#[test]
fn a_missing_item_says_so() {
    let mut engine = engine();
    let html = result_html("pk=none", &locate(&mut engine, "none"));
    assert!(
        html.contains("No item <strong>pk=none</strong> (the leader has none)"),
        "{html}"
    );
    assert!(html.contains("(nothing)"));
}
