//! The sample data generator: determinism, each generator's settings, key templates, refs
//! and their distributions, and the refusals that name what is wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use dynoscope_model::data::check_item;
use dynoscope_model::generate::{MAX_ITEMS, check, generate};
use dynoscope_model::model::ItemJson;
use dynoscope_model::{ModelError, ModelTable};
use serde_json::{Value, json};

/// A table keyed PK (S) / SK (S) holding `entities`.
fn table(entities: Value) -> ModelTable {
    table_with(
        json!([{"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "SK", "AttributeType": "S"}]),
        entities,
    )
}

fn table_with(definitions: Value, entities: Value) -> ModelTable {
    serde_json::from_value(json!({
        "definition": {
            "TableName": "T",
            "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            "AttributeDefinitions": definitions
        },
        "entities": entities
    }))
    .expect("a valid table")
}

/// One entity `User` with PK = USER#{id}, SK = PROFILE and `attributes` besides `id`.
fn users(count: u32, attributes: Value) -> ModelTable {
    let mut list = vec![json!({"name": "id", "type": "S", "generator": {"kind": "uuid"}})];
    list.extend(attributes.as_array().cloned().unwrap_or_default());
    table(json!([{
        "name": "User",
        "keys": [{"attribute": "PK", "template": "USER#{id}"}, {"attribute": "SK", "template": "PROFILE"}],
        "attributes": list,
        "count": count
    }]))
}

fn one(generator: Value, kind: &str) -> ModelTable {
    users(
        200,
        json!([{"name": "v", "type": kind, "generator": generator}]),
    )
}

fn values(items: &[ItemJson], attribute: &str) -> Vec<Value> {
    items
        .iter()
        .filter_map(|i| i.get(attribute).cloned())
        .collect()
}

fn texts(items: &[ItemJson], attribute: &str, kind: &str) -> Vec<String> {
    values(items, attribute)
        .iter()
        .filter_map(|v| v[kind].as_str().map(str::to_owned))
        .collect()
}

fn refused(table: &ModelTable) -> ModelError {
    generate(table).expect_err("the settings should be refused")
}

/// Customers and orders that refer to them.
fn shop(distribution: Value, customers: u32, orders: u32) -> ModelTable {
    table(json!([
        {
            "name": "Customer",
            "keys": [{"attribute": "PK", "template": "C#{customerId}"}, {"attribute": "SK", "template": "PROFILE"}],
            "attributes": [
                {"name": "customerId", "type": "S", "generator": {"kind": "sequence", "width": 4}},
                {"name": "region", "type": "S", "generator": {"kind": "enum", "values": ["EU", "US"]}}
            ],
            "count": customers
        },
        {
            "name": "Order",
            "keys": [{"attribute": "PK", "template": "C#{customerId}"}, {"attribute": "SK", "template": "O#{orderId}"}],
            "attributes": [
                {"name": "orderId", "type": "S", "generator": {"kind": "ulid"}},
                {"name": "customerId", "type": "S", "generator": {"kind": "ref", "entity": "Customer", "attribute": "customerId", "distribution": distribution}},
                {"name": "region", "type": "S", "generator": {"kind": "ref", "entity": "Customer", "attribute": "region"}}
            ],
            "count": orders
        }
    ]))
}

fn order_counts(items: &[ItemJson]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for item in items
        .iter()
        .filter(|i| i["SK"]["S"].as_str().is_some_and(|sk| sk.starts_with("O#")))
    {
        *counts
            .entry(
                item["customerId"]["S"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
            .or_insert(0) += 1;
    }
    counts
}

#[test]
fn the_same_table_generates_the_same_items() {
    let t = shop(json!({"kind": "zipf", "exponent": 1.0}), 20, 100);
    assert_eq!(generate(&t).unwrap(), generate(&t).unwrap());
}

#[test]
fn another_seed_generates_other_items() {
    let t = users(5, json!([]));
    let mut reseeded = t.clone();
    reseeded.seed = Some(2);
    assert_ne!(generate(&t).unwrap(), generate(&reseeded).unwrap());
}

#[test]
fn each_entity_makes_its_count_of_items_in_model_order() {
    let items = generate(&shop(json!({"kind": "uniform"}), 3, 5)).unwrap();
    let kinds: Vec<bool> = items.iter().map(|i| i["SK"]["S"] == "PROFILE").collect();
    assert_eq!(kinds, [true, true, true, false, false, false, false, false]);
}

#[test]
fn key_templates_render_from_the_items_attributes() {
    let items = generate(&users(3, json!([]))).unwrap();
    for item in &items {
        assert_eq!(
            item["PK"]["S"].as_str().unwrap(),
            format!("USER#{}", item["id"]["S"].as_str().unwrap())
        );
        assert_eq!(item["SK"], json!({"S": "PROFILE"}));
    }
}

#[test]
fn a_key_declared_n_renders_as_a_number() {
    let t = table_with(
        json!([{"AttributeName": "PK", "AttributeType": "N"}, {"AttributeName": "SK", "AttributeType": "S"}]),
        json!([{
            "name": "Row",
            "keys": [{"attribute": "PK", "template": "{n}"}, {"attribute": "SK", "template": "ROW"}],
            "attributes": [{"name": "n", "type": "N", "generator": {"kind": "sequence", "start": 10}}],
            "count": 2
        }]),
    );
    let items = generate(&t).unwrap();
    assert_eq!(
        values(&items, "PK"),
        [json!({"N": "10"}), json!({"N": "11"})]
    );
}

#[test]
fn a_key_declared_n_whose_template_makes_text_is_refused() {
    let t = table_with(
        json!([{"AttributeName": "PK", "AttributeType": "N"}, {"AttributeName": "SK", "AttributeType": "S"}]),
        json!([{
            "name": "Row",
            "keys": [{"attribute": "PK", "template": "ROW#{n}"}, {"attribute": "SK", "template": "ROW"}],
            "attributes": [{"name": "n", "type": "N", "generator": {"kind": "sequence"}}],
            "count": 1
        }]),
    );
    let e = refused(&t);
    assert_eq!(e.location, "entities[0].keys[0].template");
    assert!(
        e.message.contains("declared N") && e.message.contains("ROW#1"),
        "{e}"
    );
}

#[test]
fn a_placeholder_naming_no_attribute_is_refused() {
    let mut t = users(1, json!([]));
    t.entities[0].keys[0].template = "USER#{userId}".to_owned();
    let e = refused(&t);
    assert_eq!(e.location, "entities[0].keys[0].template");
    assert!(e.message.contains("{userId}"), "{e}");
}

#[test]
fn a_minimum_above_the_maximum_is_refused_naming_the_generator() {
    let e = refused(&one(json!({"kind": "number", "min": 10, "max": 1}), "N"));
    assert_eq!(e.location, "entities[0].attributes[1].generator");
    assert!(
        e.message.contains("min (10) is greater than max (1)"),
        "{e}"
    );
}

#[test]
fn dates_out_of_order_are_refused() {
    let e = refused(&one(
        json!({"kind": "date", "from": "2025-02-01", "to": "2025-01-01"}),
        "S",
    ));
    assert!(e.message.contains("is after"), "{e}");
}

#[test]
fn a_date_that_is_not_iso_8601_is_refused() {
    let e = refused(&one(
        json!({"kind": "timestamp", "from": "01/02/2025"}),
        "S",
    ));
    assert!(e.message.contains("\"01/02/2025\" is not a date"), "{e}");
}

#[test]
fn an_empty_enum_is_refused() {
    let e = refused(&one(json!({"kind": "enum", "values": []}), "S"));
    assert_eq!(e.location, "entities[0].attributes[1].generator");
    assert!(e.message.contains("values is empty"), "{e}");
}

#[test]
fn enum_values_must_fit_the_attribute_type() {
    let e = refused(&one(json!({"kind": "enum", "values": ["1", "two"]}), "N"));
    assert!(e.message.contains("values[1]"), "{e}");
}

#[test]
fn enum_weights_decide_how_often_each_value_comes() {
    let t = one(
        json!({"kind": "enum", "values": ["A", "B", "C"], "weights": [9, 1, 0]}),
        "S",
    );
    let got = texts(&generate(&t).unwrap(), "v", "S");
    let a = got.iter().filter(|v| *v == "A").count();
    assert!(!got.iter().any(|v| v == "C"));
    assert!((160..=196).contains(&a), "{a} of 200");
}

#[test]
fn a_generator_that_does_not_make_the_attribute_type_is_refused() {
    let e = refused(&one(json!({"kind": "uuid"}), "N"));
    assert!(
        e.message
            .contains("a uuid generator makes S values, but this attribute is N"),
        "{e}"
    );
}

#[test]
fn an_unknown_attribute_type_is_refused() {
    let e = refused(&one(json!({"kind": "uuid"}), "STRING"));
    assert_eq!(e.location, "entities[0].attributes[1].type");
}

#[test]
fn an_index_key_attribute_must_have_its_declared_type() {
    let t = table_with(
        json!([{"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "score", "AttributeType": "N"}]),
        json!([{
            "name": "User",
            "keys": [{"attribute": "PK", "template": "U#{id}"}, {"attribute": "SK", "template": "P"}],
            "attributes": [{"name": "id", "type": "S"}, {"name": "score", "type": "S"}],
            "count": 1
        }]),
    );
    let e = refused(&t);
    assert_eq!(e.location, "entities[0].attributes[1].type");
    assert!(e.message.contains("declared N"), "{e}");
}

#[test]
fn an_entity_that_sets_no_table_key_is_refused() {
    let mut t = users(1, json!([]));
    t.entities[0].keys.pop();
    let e = refused(&t);
    assert_eq!(e.location, "entities[0].keys");
    assert!(e.message.contains("SK, the table's sort key"), "{e}");
}

#[test]
fn a_ref_to_an_unknown_entity_is_refused() {
    let e = refused(&one(
        json!({"kind": "ref", "entity": "Account", "attribute": "id"}),
        "S",
    ));
    assert_eq!(e.location, "entities[0].attributes[1].generator");
    assert!(
        e.message
            .contains("\"Account\", which this table does not have (it has User)"),
        "{e}"
    );
}

#[test]
fn a_ref_to_an_unknown_attribute_is_refused() {
    let mut t = shop(json!({"kind": "uniform"}), 2, 2);
    let order = &mut t.entities[1].attributes[1];
    order.generator =
        serde_json::from_value(json!({"kind": "ref", "entity": "Customer", "attribute": "custId"}))
            .ok();
    let e = refused(&t);
    assert_eq!(e.location, "entities[1].attributes[1].generator");
    assert!(
        e.message
            .contains("Customer has no attribute or key \"custId\""),
        "{e}"
    );
}

#[test]
fn a_ref_must_have_the_type_of_its_target() {
    let mut t = shop(json!({"kind": "uniform"}), 2, 2);
    t.entities[1].attributes[2].kind = "N".to_owned();
    let e = refused(&t);
    assert!(
        e.message
            .contains("Customer.region is S, but this attribute is N"),
        "{e}"
    );
}

#[test]
fn a_ref_to_an_entity_without_items_is_refused() {
    let mut t = shop(json!({"kind": "uniform"}), 2, 2);
    t.entities[0].count = None;
    let e = refused(&t);
    assert!(e.message.contains("Customer makes no items"), "{e}");
}

#[test]
fn refs_in_a_circle_are_refused_naming_the_circle() {
    let mut t = shop(json!({"kind": "uniform"}), 2, 2);
    t.entities[0].attributes[1].generator =
        serde_json::from_value(json!({"kind": "ref", "entity": "Order", "attribute": "orderId"}))
            .ok();
    t.entities[0].attributes[1].kind = "S".to_owned();
    let e = refused(&t);
    assert_eq!(e.location, "entities[0].attributes[1].generator");
    assert!(
        e.message
            .contains("refs go round in a circle (Customer → Order → Customer)"),
        "{e}"
    );
}

#[test]
fn a_ref_copies_a_value_of_a_target_item() {
    let items = generate(&shop(json!({"kind": "uniform"}), 5, 50)).unwrap();
    let customers: BTreeSet<String> = texts(&items[..5], "customerId", "S").into_iter().collect();
    assert!(
        texts(&items[5..], "customerId", "S")
            .iter()
            .all(|c| customers.contains(c))
    );
}

#[test]
fn refs_of_one_item_to_the_same_entity_read_the_same_target_item() {
    let items = generate(&shop(json!({"kind": "uniform"}), 10, 100)).unwrap();
    let region: BTreeMap<String, &Value> = items[..10]
        .iter()
        .map(|c| (c["customerId"].to_string(), &c["region"]))
        .collect();
    for order in &items[10..] {
        assert_eq!(region[&order["customerId"].to_string()], &order["region"]);
    }
}

#[test]
fn zipf_refs_make_the_first_targets_hot() {
    let counts =
        order_counts(&generate(&shop(json!({"kind": "zipf", "exponent": 1.2}), 50, 2000)).unwrap());
    let first = counts["0001"];
    assert!(
        first > 600 && first > 2 * counts["0002"] && counts["0002"] > counts["0010"],
        "{counts:?}"
    );
}

#[test]
fn uniform_refs_spread_evenly() {
    let counts = order_counts(&generate(&shop(json!({"kind": "uniform"}), 10, 2000)).unwrap());
    assert!(
        counts.values().all(|&c| (140..=260).contains(&c)),
        "{counts:?}"
    );
}

#[test]
fn hot_refs_send_their_share_to_the_hot_items() {
    let counts = order_counts(
        &generate(&shop(
            json!({"kind": "hot", "share": 50, "items": 2}),
            20,
            2000,
        ))
        .unwrap(),
    );
    let hot = counts["0001"] + counts["0002"];
    assert!((900..=1100).contains(&hot), "{counts:?}");
}

#[test]
fn a_bad_distribution_is_refused() {
    let e = refused(&shop(json!({"kind": "zipf", "exponent": 0}), 5, 5));
    assert!(e.message.contains("exponent"), "{e}");
    let e = refused(&shop(json!({"kind": "hot", "share": 50, "items": 5}), 5, 5));
    assert!(e.message.contains("fewer than Customer's count (5)"), "{e}");
}

#[test]
fn counts_over_the_cap_are_refused() {
    let e = refused(&users(MAX_ITEMS + 1, json!([])));
    assert_eq!(e.location, "entities[0].count");
    assert!(e.message.contains("at most 100000"), "{e}");
}

#[test]
fn colliding_keys_are_drawn_again_so_the_count_is_kept() {
    // 10 customers × orders keyed by a small product number: collisions are certain.
    let mut t = shop(json!({"kind": "zipf", "exponent": 1.0}), 10, 150);
    t.entities[1].keys[1].template = "P#{product}".to_owned();
    t.entities[1].attributes[0] = serde_json::from_value(json!({"name": "product", "type": "N", "generator": {"kind": "number", "min": 1, "max": 20}})).unwrap();
    let items = generate(&t).unwrap();
    let keys: BTreeSet<(String, String)> = items
        .iter()
        .map(|i| (i["PK"].to_string(), i["SK"].to_string()))
        .collect();
    assert_eq!((items.len(), keys.len()), (160, 160));
}

#[test]
fn keys_that_cannot_be_made_distinct_are_refused() {
    let mut t = users(3, json!([]));
    t.entities[0].keys[0].template = "USER".to_owned();
    let e = refused(&t);
    assert_eq!(e.location, "entities[0].keys");
    assert!(
        e.message
            .contains("item 2 still has the primary key of User's item 1"),
        "{e}"
    );
}

#[test]
fn an_empty_key_value_is_refused() {
    let mut t = users(
        1,
        json!([{"name": "blank", "type": "S", "generator": {"kind": "constant", "value": ""}}]),
    );
    t.entities[0].keys[1].template = "{blank}".to_owned();
    let e = refused(&t);
    assert!(e.message.contains("SK came out empty"), "{e}");
}

#[test]
fn every_type_without_a_generator_gets_a_valid_value() {
    let kinds = ["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"];
    let attributes: Vec<Value> = kinds
        .iter()
        .map(|k| json!({"name": format!("a{k}"), "type": k}))
        .collect();
    let items = generate(&users(50, Value::Array(attributes))).unwrap();
    for item in &items {
        check_item(item).unwrap_or_else(|e| panic!("{e}: {item:?}"));
        for kind in kinds {
            assert!(
                item[&format!("a{kind}")].get(kind).is_some(),
                "a{kind} in {item:?}"
            );
        }
    }
}

#[test]
fn attribute_names_choose_the_default_generator() {
    let t = users(
        20,
        json!([{"name": "email", "type": "S"}, {"name": "expiresAt", "type": "N"}]),
    );
    let items = generate(&t).unwrap();
    assert!(texts(&items, "email", "S").iter().all(|e| e.contains('@')));
    assert!(
        texts(&items, "expiresAt", "N")
            .iter()
            .all(|n| n.len() == 10 && n.starts_with("17"))
    );
}

#[test]
fn dates_stay_in_their_range_and_are_iso_8601() {
    let t = one(
        json!({"kind": "date", "from": "2025-02-27", "to": "2025-03-01"}),
        "S",
    );
    let got: BTreeSet<String> = texts(&generate(&t).unwrap(), "v", "S")
        .into_iter()
        .collect();
    assert_eq!(
        got,
        ["2025-02-27", "2025-02-28", "2025-03-01"]
            .map(str::to_owned)
            .into()
    );
}

#[test]
fn timestamps_as_n_are_epoch_seconds_in_range() {
    let t = one(
        json!({"kind": "timestamp", "from": "2026-01-01T00:00:00Z", "to": "2026-01-01T00:00:09Z"}),
        "N",
    );
    let got: Vec<i64> = texts(&generate(&t).unwrap(), "v", "N")
        .iter()
        .map(|n| n.parse().unwrap())
        .collect();
    assert!(
        got.iter()
            .all(|s| (1_767_225_600..=1_767_225_609).contains(s)),
        "{got:?}"
    );
}

#[test]
fn numbers_lie_in_range_with_the_requested_decimals() {
    let t = one(
        json!({"kind": "number", "min": 1.5, "max": 2.5, "decimals": 2}),
        "S",
    );
    for text in texts(&generate(&t).unwrap(), "v", "S") {
        let value: f64 = text.parse().unwrap();
        assert!(
            (1.5..=2.5).contains(&value) && text.split('.').nth(1).map(str::len) == Some(2),
            "{text}"
        );
    }
}

#[test]
fn numbers_as_n_are_written_in_dynamodb_normal_form() {
    let t = one(
        json!({"kind": "number", "min": 0, "max": 1, "decimals": 3}),
        "N",
    );
    for text in texts(&generate(&t).unwrap(), "v", "N") {
        assert!(!text.ends_with('0') || text == "0", "{text}");
        assert!(!text.ends_with('.'), "{text}");
    }
}

#[test]
fn a_sequence_counts_from_start_by_step_zero_padded() {
    let t = users(
        3,
        json!([{"name": "n", "type": "S", "generator": {"kind": "sequence", "start": 8, "step": 2, "width": 3}}]),
    );
    assert_eq!(
        texts(&generate(&t).unwrap(), "n", "S"),
        ["008", "010", "012"]
    );
}

#[test]
fn ulids_sort_in_item_order() {
    let t = one(
        json!({"kind": "ulid", "start": "2030-05-01T00:00:00Z", "stepSeconds": 1}),
        "S",
    );
    let got = texts(&generate(&t).unwrap(), "v", "S");
    assert!(got.windows(2).all(|w| w[0] < w[1]));
    assert!(got.iter().all(|u| u.len() == 26));
}

#[test]
fn names_and_emails_of_an_item_describe_the_same_person() {
    let t = users(
        30,
        json!([{"name": "first", "type": "S", "generator": {"kind": "name", "part": "first"}}, {"name": "email", "type": "S"}]),
    );
    for item in generate(&t).unwrap() {
        let first = item["first"]["S"].as_str().unwrap().to_lowercase();
        assert!(
            item["email"]["S"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{first}.")),
            "{item:?}"
        );
    }
}

#[test]
fn a_constant_may_be_dynamodb_json_of_any_type() {
    let t = one(
        json!({"kind": "constant", "value": {"M": {"city": {"S": "Oslo"}}}}),
        "M",
    );
    assert!(
        values(&generate(&t).unwrap(), "v")
            .iter()
            .all(|v| *v == json!({"M": {"city": {"S": "Oslo"}}}))
    );
    let e = refused(&one(json!({"kind": "constant", "value": {"SS": []}}), "SS"));
    assert!(e.message.contains("not valid DynamoDB JSON"), "{e}");
}

#[test]
fn changing_one_attribute_leaves_the_others_values_alone() {
    let before = generate(&users(
        10,
        json!([{"name": "a", "type": "S"}, {"name": "b", "type": "N"}]),
    ))
    .unwrap();
    let after = generate(&users(10, json!([{"name": "a", "type": "S", "generator": {"kind": "email"}}, {"name": "b", "type": "N"}]))).unwrap();
    assert_eq!(values(&before, "b"), values(&after, "b"));
    assert_eq!(values(&before, "id"), values(&after, "id"));
}

#[test]
fn raising_a_count_keeps_the_items_already_made() {
    let few = generate(&users(10, json!([{"name": "a", "type": "S"}]))).unwrap();
    let more = generate(&users(20, json!([{"name": "a", "type": "S"}]))).unwrap();
    assert_eq!(few, more[..10]);
}

#[test]
fn check_refuses_what_generate_refuses_without_making_items() {
    assert!(check(&one(json!({"kind": "bool", "trueShare": 101}), "BOOL")).is_err());
    assert!(check(&users(MAX_ITEMS, json!([]))).is_ok());
}

#[test]
fn ten_thousand_items_generate_quickly() {
    let t = shop(json!({"kind": "zipf", "exponent": 1.0}), 1000, 9000);
    let started = Instant::now();
    let items = generate(&t).unwrap();
    let took = started.elapsed();
    eprintln!("generated {} items in {took:?}", items.len());
    assert_eq!(items.len(), 10_000);
    assert!(took.as_secs_f64() < 5.0, "{took:?}");
}

#[test]
fn a_table_that_makes_no_items_needs_no_key_schema() {
    let mut t = users(0, json!([]));
    t.definition.key_schema.clear();
    assert_eq!(generate(&t).unwrap(), Vec::<ItemJson>::new());
    t.entities[0].count = Some(1);
    assert_eq!(refused(&t).location, "definition.KeySchema");
}

#[test]
fn generator_settings_are_written_back_as_they_were_given() {
    let text = r#"{"kind":"ref","entity":"Customer","attribute":"id","distribution":{"kind":"zipf","exponent":1}}"#;
    let generator: dynoscope_model::generate::Generator = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&generator).unwrap(), text);
    let text = r#"{"kind":"number","min":5,"max":99.5,"decimals":1}"#;
    let generator: dynoscope_model::generate::Generator = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&generator).unwrap(), text);
}

#[test]
fn entities_that_make_no_items_are_not_checked_for_sources() {
    // A model whose data was loaded: counts gone, refs and alias-like templates left behind.
    let t = table(json!([
        {"name": "Player", "keys": [{"attribute": "PK", "template": "PLAYER#{playerID}"}, {"attribute": "SK", "template": "META"}],
         "attributes": [{"name": "id", "type": "S"}]},
        {"name": "Score", "keys": [{"attribute": "PK", "template": "PLAYER#{id}"}, {"attribute": "SK", "template": "SCORE"}],
         "attributes": [{"name": "id", "type": "S", "generator": {"kind": "ref", "entity": "Player", "attribute": "id"}}]}
    ]));
    assert_eq!(
        generate(&t).expect("nothing to make"),
        Vec::<ItemJson>::new()
    );
}

#[test]
fn every_generator_example_is_a_generator() {
    for (kind, json) in dynoscope_model::generate::EXAMPLES {
        let parsed: Result<dynoscope_model::generate::Generator, _> = serde_json::from_str(json);
        assert!(parsed.is_ok(), "{kind}: {json}: {:?}", parsed.err());
        assert!(json.contains(&format!(r#""kind":"{kind}""#)), "{kind}");
    }
}

#[test]
fn a_model_file_with_a_bad_generator_is_refused_naming_that_generator() {
    let mut model: serde_json::Value =
        serde_json::from_str(dynoscope_model::samples::json("game").unwrap()).unwrap();
    model["tables"][0]["entities"][0]["attributes"][0]["generator"] =
        serde_json::json!({"kind": "number", "min": 1, "maximum": 5});
    let error = dynoscope_model::convert::read(&model.to_string()).unwrap_err();
    assert!(
        error
            .location
            .starts_with("tables[0].entities[0].attributes[0].generator"),
        "{error}"
    );
    assert!(error.message.contains("maximum"), "{error}");
}
