//! The conversions against a real engine: what plain JSON becomes is stored with exactly
//! the types chosen, and what GetItem returns converts back to the same plain JSON.

use dynoscope_engine::{Engine, EngineConfig};
use dynoscope_item_json::text::parse;
use dynoscope_item_json::{Choices, Sets, to_dynamodb, to_plain};
use serde_json::{Value, json};

fn engine() -> Engine {
    let mut engine = Engine::new(EngineConfig::default());
    let create = json!({
        "TableName": "items",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    });
    send(&mut engine, "CreateTable", &create);
    engine
}

fn send(engine: &mut Engine, operation: &str, request: &Value) -> Value {
    let body = engine
        .dispatch(operation, request.to_string().as_bytes())
        .unwrap_or_else(|e| panic!("{operation} failed: {}", e.message));
    serde_json::from_slice(&body).expect("a JSON response")
}

const PLAIN: &str = r#"{
  "pk": "a",
  "big": 12345678901234567890123456789012345678,
  "tiny": 1e-130,
  "profile": {"name": "Ada", "langs": ["en", "fr"], "scores": [1, 2, 3]},
  "photo": {"$binary": "aGVsbG8="},
  "none": null,
  "ok": true,
  "mixed": ["a", 1, null]
}"#;

#[test]
fn plain_json_is_stored_with_exactly_the_chosen_types() {
    let mut engine = engine();
    let choices = Choices {
        sets: Sets::Sets,
        ..Choices::default()
    };
    let item: Value = serde_json::from_str(&to_dynamodb(PLAIN, &choices).unwrap().text).unwrap();
    send(
        &mut engine,
        "PutItem",
        &json!({"TableName": "items", "Item": item}),
    );
    let got = send(
        &mut engine,
        "GetItem",
        &json!({"TableName": "items", "Key": {"pk": {"S": "a"}}}),
    );
    let stored = &got["Item"];
    assert_eq!(
        stored["big"],
        json!({"N": "12345678901234567890123456789012345678"})
    );
    assert_eq!(stored["tiny"]["N"].as_str().map(|n| n.len()), Some(132));
    assert_eq!(stored["profile"]["M"]["langs"], json!({"SS": ["en", "fr"]}));
    assert_eq!(
        stored["profile"]["M"]["scores"],
        json!({"NS": ["1", "2", "3"]})
    );
    assert_eq!(stored["photo"], json!({"B": "aGVsbG8="}));
    assert_eq!(stored["none"], json!({"NULL": true}));
    assert_eq!(
        stored["mixed"],
        json!({"L": [{"S": "a"}, {"N": "1"}, {"NULL": true}]})
    );
}

#[test]
fn what_the_engine_returns_converts_back_to_the_same_plain_json() {
    let mut engine = engine();
    let choices = Choices {
        sets: Sets::Sets,
        ..Choices::default()
    };
    let item: Value = serde_json::from_str(&to_dynamodb(PLAIN, &choices).unwrap().text).unwrap();
    send(
        &mut engine,
        "PutItem",
        &json!({"TableName": "items", "Item": item}),
    );
    let got = send(
        &mut engine,
        "GetItem",
        &json!({"TableName": "items", "Key": {"pk": {"S": "a"}}}),
    );
    let back = to_plain(&got["Item"].to_string(), &choices).unwrap();
    assert_eq!(back.notes, Vec::<String>::new());
    let again: Value =
        serde_json::from_str(&to_dynamodb(&back.text, &choices).unwrap().text).unwrap();
    // The engine normalised 1e-130 to its digits; the value is the same.
    assert_eq!(
        parse(&again.to_string()).unwrap(),
        parse(&got["Item"].to_string()).unwrap()
    );
}
