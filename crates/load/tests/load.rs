//! The load generator's rules, one per test: settings read and bounded, keys chosen by the
//! distribution, a second's requests exactly the rate in the mix, replayable, and a run on a
//! real engine throttled as DynamoDB would throttle it.

use std::collections::BTreeMap;

use dynoscope_engine::{Engine, EngineConfig, SeededRng};
use dynoscope_load::keys::KeyPicker;
use dynoscope_load::{Distribution, LoadSettings, Second, TICKS_PER_SECOND, second};
use dynoscope_query_builder::TableShape;
use serde_json::{Value, json};

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn shape() -> TableShape {
    TableShape::from_describe(&json!({"Table": {
        "TableName": "hot",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    }}))
    .unwrap()
}

#[test]
fn missing_fields_take_the_defaults() {
    assert_eq!(
        LoadSettings::from_fields(&fields(&[])),
        Ok(LoadSettings::default())
    );
}

#[test]
fn each_bound_names_its_field() {
    let problems = LoadSettings::from_fields(&fields(&[
        ("rate", "0"),
        ("seconds", "9999"),
        ("item-bytes", "500000"),
        ("distribution", "zipf"),
        ("exponent", "x"),
    ]))
    .unwrap_err();
    let named: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(named, ["rate", "seconds", "item-bytes", "exponent"]);
}

#[test]
fn a_mix_with_no_share_is_refused() {
    let problems =
        LoadSettings::from_fields(&fields(&[("put", "0"), ("get", "0"), ("query", "0")]))
            .unwrap_err();
    assert_eq!(problems[0].field, "put");
}

#[test]
fn a_second_sends_exactly_the_rate_spread_over_its_ticks() {
    let settings = LoadSettings {
        rate: 123,
        ..LoadSettings::default()
    };
    let ticks = second(&shape(), &settings, 0);
    assert_eq!(ticks.len(), TICKS_PER_SECOND as usize);
    assert_eq!(ticks.iter().map(Vec::len).sum::<usize>(), 123);
    assert!(ticks.iter().all(|t| (12..=13).contains(&t.len())));
}

#[test]
fn the_same_second_is_the_same_requests() {
    let settings = LoadSettings::default();
    assert_eq!(
        second(&shape(), &settings, 3),
        second(&shape(), &settings, 3)
    );
    assert_ne!(
        second(&shape(), &settings, 3),
        second(&shape(), &settings, 4)
    );
}

#[test]
fn the_mix_is_followed() {
    let settings = LoadSettings {
        rate: 1000,
        put: 0,
        get: 0,
        query: 1,
        ..LoadSettings::default()
    };
    let ticks = second(&shape(), &settings, 0);
    assert!(ticks.iter().flatten().all(|c| c.operation == "Query"));
}

#[test]
fn a_put_is_about_the_item_size_asked_for() {
    let settings = LoadSettings {
        put: 1,
        get: 0,
        item_bytes: 2000,
        ..LoadSettings::default()
    };
    let call = second(&shape(), &settings, 0).concat().remove(0);
    let item = dynoscope_engine::item_from_json(&call.request["Item"].to_string()).unwrap();
    let size = dynoscope_engine::item_size(&item);
    assert!((1950..=2050).contains(&size), "{size}");
}

#[test]
fn a_hot_key_takes_every_request() {
    let picker = KeyPicker::new(Distribution::HotKey, 1000);
    let mut rng = SeededRng::new(1);
    assert!((0..100).all(|_| picker.pick(&mut rng) == 0));
}

#[test]
fn zipf_favours_the_first_keys_and_uniform_does_not() {
    let share_of_first_ten = |distribution| {
        let picker = KeyPicker::new(distribution, 1000);
        let mut rng = SeededRng::new(7);
        (0..10_000).filter(|_| picker.pick(&mut rng) < 10).count()
    };
    // Zipf with exponent 1.2 over 1,000 keys puts about 60 % on the first ten.
    assert!(share_of_first_ten(Distribution::Zipf { exponent: 1.2 }) > 5_000);
    assert!(share_of_first_ten(Distribution::Uniform) < 300);
}

#[test]
fn a_hot_key_over_provisioned_capacity_is_throttled() {
    let mut engine = Engine::new(EngineConfig::default());
    let create = json!({
        "TableName": "hot",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    });
    engine
        .dispatch("CreateTable", create.to_string().as_bytes())
        .unwrap();
    engine
        .dispatch("Dynoscope_SetSimulation", br#"{"Throttling": true}"#)
        .unwrap();
    let settings = LoadSettings::from_fields(&fields(&[
        ("rate", "100"),
        ("seconds", "2"),
        ("put", "100"),
        ("get", "0"),
        ("distribution", "hot"),
    ]))
    .unwrap();
    let mut tallies = Vec::new();
    for s in 0..20 {
        let mut tally = Second::default();
        for tick in second(&shape(), &settings, s) {
            engine.advance_clock_by(100);
            for call in tick {
                match engine.dispatch(&call.operation, call.request.to_string().as_bytes()) {
                    Ok(body) => tally.served(&serde_json::from_slice::<Value>(&body).unwrap()),
                    Err(e) => tally.refused(&e.to_json()),
                }
            }
        }
        tallies.push(tally);
    }
    // 100 writes a second against 5 WCU: once the burst credit is spent (by the twentieth
    // second), only about the provisioned 5 a second get through.
    let last = tallies.last().unwrap();
    assert_eq!(last.sent(), 100);
    assert!(last.throttled > 50, "{last:?}");
    assert!(last.served >= 5, "{last:?}");
    assert_eq!(last.failed, 0, "{last:?}");
}
