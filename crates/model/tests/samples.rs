//! The bundled sample models: they parse, generate the same data every time (pinned), make
//! data their access patterns find, and travel through share links.

use dynoscope_model::data::export_json_lines;
use dynoscope_model::generate::generate;
use dynoscope_model::link::{LINK_BUDGET, decode, encode, encode_compact, fits};
use dynoscope_model::model::ItemJson;
use dynoscope_model::template::Template;
use dynoscope_model::{AccessPattern, Model, ModelTable, Operation, SortOperator};

const ECOMMERCE: &str = include_str!("../samples/ecommerce.json");
const GAME: &str = include_str!("../samples/game.json");

fn samples() -> [(&'static str, Model); 2] {
    [("ecommerce", parse(ECOMMERCE)), ("game", parse(GAME))]
}

fn parse(text: &str) -> Model {
    Model::from_json(text).unwrap_or_else(|e| panic!("{e}"))
}

/// The sample with its generated items in place.
fn with_items(mut model: Model) -> Model {
    for table in &mut model.tables {
        table.items = generate(table).unwrap_or_else(|e| panic!("{e}"));
    }
    model
}

/// FNV-1a of the items' S3-export text: a fingerprint of every generated value.
fn fingerprint(items: &[ItemJson]) -> u64 {
    export_json_lines(items)
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
}

fn text<'a>(item: &'a ItemJson, attribute: &str) -> Option<&'a str> {
    item.get(attribute)?.as_object()?.values().next()?.as_str()
}

/// The partition and sort key attributes a pattern reads.
fn key_attributes<'a>(
    table: &'a ModelTable,
    pattern: &AccessPattern,
) -> (&'a str, Option<&'a str>) {
    let spec = &table.definition;
    match pattern.index.as_deref().and_then(|name| spec.index(name)) {
        Some((index, _)) => (index.partition_key().unwrap_or_default(), index.sort_key()),
        None => (spec.partition_key().unwrap_or_default(), spec.sort_key()),
    }
}

fn render(template: &str, pattern: &AccessPattern) -> String {
    Template::parse(template)
        .unwrap()
        .render(|name| pattern.parameters.get(name).cloned())
        .unwrap()
}

/// Whether the filter `attribute OP {parameter}` (OP `=` or `>`; the parameter typed N
/// by a `:N` suffix) holds for the item.
fn passes(filter: &str, pattern: &AccessPattern, item: &ItemJson) -> bool {
    let parts: Vec<&str> = filter.split_whitespace().collect();
    let [attribute, operator, placeholder] = parts[..] else {
        panic!("unexpected filter {filter}")
    };
    let name = placeholder.trim_matches(['{', '}']).trim_end_matches(":N");
    let wanted = &pattern.parameters[name];
    match (operator, text(item, attribute)) {
        ("=", Some(value)) => value == wanted,
        (">", Some(value)) => value.parse::<f64>().unwrap() > wanted.parse::<f64>().unwrap(),
        _ => false,
    }
}

/// The items a pattern would return, judged from the generated data.
fn found<'a>(table: &'a ModelTable, pattern: &AccessPattern) -> Vec<&'a ItemJson> {
    let (partition, sort) = key_attributes(table, pattern);
    table
        .items
        .iter()
        .filter(|item| match (&pattern.partition_key, pattern.operation) {
            (Some(template), _) => {
                text(item, partition) == Some(render(template, pattern).as_str())
            }
            (None, Operation::Scan) => true,
            (None, _) => false,
        })
        .filter(|item| match (&pattern.sort_key, sort) {
            (Some(condition), Some(sort)) => {
                let value = render(&condition.value, pattern);
                match condition.operator {
                    SortOperator::Eq => text(item, sort) == Some(value.as_str()),
                    SortOperator::BeginsWith => {
                        text(item, sort).is_some_and(|s| s.starts_with(&value))
                    }
                    other => panic!("the samples use = and begins_with, not {other:?}"),
                }
            }
            _ => true,
        })
        .filter(|item| {
            pattern
                .filter
                .as_deref()
                .is_none_or(|f| passes(f, pattern, item))
        })
        .collect()
}

#[test]
fn both_samples_parse_as_models() {
    for (name, model) in samples() {
        assert_eq!(model.tables.len(), 1, "{name}");
    }
}

#[test]
fn the_samples_generate_the_same_items_every_time() {
    for (name, model) in samples() {
        let table = &model.tables[0];
        assert_eq!(generate(table).unwrap(), generate(table).unwrap(), "{name}");
    }
}

#[test]
fn the_samples_generate_between_one_and_two_thousand_items() {
    for (name, model) in samples() {
        let n = generate(&model.tables[0]).unwrap().len();
        assert!((1000..=2000).contains(&n), "{name}: {n}");
    }
}

#[test]
fn the_sample_data_is_pinned() {
    // A change here changes what every user of the samples sees: make it on purpose.
    let [(_, ecommerce), (_, game)] = samples();
    let shop = generate(&ecommerce.tables[0]).unwrap();
    let players = generate(&game.tables[0]).unwrap();
    assert_eq!(
        serde_json::Value::Object(shop[0].clone()).to_string(),
        r#"{"PK":{"S":"CUSTOMER#52b6c0c2-722b-4816-b9cf-ec65c529fe0d"},"SK":{"S":"PROFILE"},"customerId":{"S":"52b6c0c2-722b-4816-b9cf-ec65c529fe0d"},"email":{"S":"ivan.berg1@example.net"},"fullName":{"S":"Ivan Berg"},"memberSince":{"S":"2022-06-24"},"tier":{"S":"STANDARD"}}"#
    );
    assert_eq!(
        (fingerprint(&shop), fingerprint(&players)),
        (5_168_591_991_336_218_221, 15_654_630_187_077_640_695)
    );
}

#[test]
fn every_sample_access_pattern_finds_items() {
    for (name, model) in samples() {
        let table = with_items(model).tables.remove(0);
        for pattern in &table.access_patterns {
            assert!(
                !found(&table, pattern).is_empty(),
                "{name}: {}",
                pattern.name
            );
        }
    }
}

#[test]
fn the_customer_in_the_ecommerce_patterns_is_the_hottest() {
    let table = with_items(parse(ECOMMERCE)).tables.remove(0);
    let orders = |customer: &str| {
        table
            .items
            .iter()
            .filter(|i| text(i, "customerId") == Some(customer) && i.contains_key("orderId"))
            .count()
    };
    let chosen = table.access_patterns[1].parameters["customerId"].as_str();
    let most = table
        .items
        .iter()
        .filter_map(|i| text(i, "customerId"))
        .map(orders)
        .max()
        .unwrap_or(0);
    assert_eq!(orders(chosen), most);
    assert!(most >= 50, "{most}");
}

#[test]
fn only_score_items_carry_the_sparse_leaderboard_key() {
    let table = with_items(parse(GAME)).tables.remove(0);
    let scored: Vec<&ItemJson> = table
        .items
        .iter()
        .filter(|i| i.contains_key("score"))
        .collect();
    assert_eq!(scored.len(), 600);
    assert!(
        scored
            .iter()
            .all(|i| text(i, "SK").is_some_and(|sk| sk.starts_with("SCORE#")))
    );
}

#[test]
fn the_samples_as_written_round_trip_through_a_link() {
    for (name, model) in samples() {
        assert_eq!(decode(&encode(&model).unwrap()).unwrap(), model, "{name}");
    }
}

#[test]
fn the_samples_with_their_items_round_trip_through_a_compact_link() {
    for (name, model) in samples() {
        let model = with_items(model);
        assert_eq!(
            decode(&encode_compact(&model).unwrap()).unwrap(),
            model,
            "{name}"
        );
    }
}

#[test]
fn the_samples_fit_in_a_link() {
    for (name, model) in samples() {
        let model = with_items(model);
        let compact = encode_compact(&model).unwrap();
        assert!(
            fits(&model) && compact.len() < LINK_BUDGET / 4,
            "{name}: {}",
            compact.len()
        );
    }
}
