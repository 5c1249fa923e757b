//! NoSQL Workbench import and export (`dynoscope_model::workbench`): AWS's published sample
//! models (tests/fixtures/workbench) import unchanged and survive a round trip, and each
//! mapping rule and refusal holds, one test per rule.

use std::collections::BTreeMap;

use dynoscope_model::generate::Generator;
use dynoscope_model::model::{
    AttributeDefinition, IndexSpec, ItemJson, KeySchemaElement, Projection, StreamSpecification,
    Tag, Throughput,
};
use dynoscope_model::workbench::{KEPT, OURS, export, import};
use dynoscope_model::{
    AccessPattern, AttributeSpec, Entity, KeyTemplate, Model, ModelError, ModelTable, Operation,
    SortCondition, SortOperator, TableSpec,
};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// Helpers

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/workbench/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What each AWS sample holds, counted from the files.
struct Expected {
    file: &'static str,
    model: &'static str,
    table: &'static str,
    global_indexes: usize,
    facets: usize,
    items: usize,
}

const FIXTURES: [Expected; 7] = [
    Expected {
        file: "ChatSystemSchema.json",
        model: "Chat",
        table: "Chat",
        global_indexes: 1,
        facets: 0,
        items: 8,
    },
    Expected {
        file: "ComplaintManagementSchema.json",
        model: "Complaint management",
        table: "Complaint_management_system",
        global_indexes: 3,
        facets: 0,
        items: 9,
    },
    Expected {
        file: "ConnectedVehiclesSchema.json",
        model: "Connected Vehicle",
        table: "Connected_Vehicle",
        global_indexes: 0,
        facets: 2,
        items: 12,
    },
    Expected {
        file: "GamePlayerProfilesSchema.json",
        model: "Game-Player-Profiles",
        table: "game-player-profiles",
        global_indexes: 0,
        facets: 6,
        items: 14,
    },
    Expected {
        file: "RecurringPaymentsSchema.json",
        model: "Payments System",
        table: "ReoccuringPayments",
        global_indexes: 2,
        facets: 2,
        items: 2,
    },
    Expected {
        file: "SessionManagementSchema.json",
        model: "Session management step by step",
        table: "session_store",
        global_indexes: 1,
        facets: 0,
        items: 6,
    },
    Expected {
        file: "SocialNetworkSchema.json",
        model: "FFiitt",
        table: "SNS",
        global_indexes: 0,
        facets: 0,
        items: 17,
    },
];

fn imported(file: &str) -> Model {
    import(&fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// A one-table Workbench model: `PK`/`SK` strings, with `fields` added to the table.
fn workbench(fields: Value) -> String {
    let mut table = json!({
        "TableName": "t",
        "KeyAttributes": {
            "PartitionKey": {"AttributeName": "PK", "AttributeType": "S"},
            "SortKey": {"AttributeName": "SK", "AttributeType": "S"}
        },
        "NonKeyAttributes": []
    });
    merge(&mut table, fields);
    json!({
        "ModelName": "m",
        "ModelMetadata": {"AWSService": "Amazon DynamoDB", "Version": "3.0"},
        "DataModel": [table]
    })
    .to_string()
}

fn merge(target: &mut Value, fields: Value) {
    if let (Some(target), Value::Object(fields)) = (target.as_object_mut(), fields) {
        target.extend(fields);
    }
}

fn item(pk: &str, sk: &str) -> Value {
    json!({"PK": {"S": pk}, "SK": {"S": sk}})
}

fn only_table(text: &str) -> ModelTable {
    let model = import(text).unwrap_or_else(|e| panic!("{e}"));
    model.tables.into_iter().next().expect("one table")
}

fn refused(text: &str) -> ModelError {
    import(text).expect_err("the import should be refused")
}

fn exported(model: &Model) -> Value {
    serde_json::from_str(&export(model)).expect("export writes JSON")
}

/// Items in an export: the table's TableData plus every facet's.
fn exported_item_count(document: &Value) -> usize {
    let tables = document["DataModel"].as_array().into_iter().flatten();
    tables
        .map(|t| {
            let facets = t["TableFacets"].as_array().into_iter().flatten();
            let in_facets: usize = facets.map(|f| count(&f["TableData"])).sum();
            count(&t["TableData"]) + in_facets
        })
        .sum()
}

fn count(value: &Value) -> usize {
    value.as_array().map_or(0, Vec::len)
}

fn key(attribute: &str, template: &str) -> KeyTemplate {
    KeyTemplate {
        attribute: attribute.to_owned(),
        template: template.to_owned(),
    }
}

fn attribute(name: &str, kind: &str) -> AttributeSpec {
    AttributeSpec {
        name: name.to_owned(),
        kind: kind.to_owned(),
        generator: None,
    }
}

fn schema(pairs: &[(&str, &str)]) -> Vec<KeySchemaElement> {
    pairs
        .iter()
        .map(|(name, role)| KeySchemaElement {
            attribute_name: (*name).to_owned(),
            key_type: (*role).to_owned(),
        })
        .collect()
}

fn definitions(pairs: &[(&str, &str)]) -> Vec<AttributeDefinition> {
    pairs
        .iter()
        .map(|(name, kind)| AttributeDefinition {
            attribute_name: (*name).to_owned(),
            attribute_type: (*kind).to_owned(),
        })
        .collect()
}

fn item_json(value: Value) -> ItemJson {
    match value {
        Value::Object(map) => map,
        _ => panic!("an item is an object"),
    }
}

// ---------------------------------------------------------------------------------------
// AWS's sample models

#[test]
fn every_fixture_imports_with_its_tables_indexes_facets_and_items() {
    for expected in &FIXTURES {
        let model = imported(expected.file);
        assert_eq!(model.name, expected.model, "{}", expected.file);
        assert_eq!(model.tables.len(), 1, "{}", expected.file);
        let table = &model.tables[0];
        assert_eq!(table.definition.table_name, expected.table);
        assert_eq!(
            table.definition.global_secondary_indexes.len(),
            expected.global_indexes,
            "{}",
            expected.file
        );
        assert_eq!(table.entities.len(), expected.facets, "{}", expected.file);
        assert_eq!(table.items.len(), expected.items, "{}", expected.file);
    }
}

#[test]
fn every_fixture_reimports_from_its_export_as_the_same_model() {
    for expected in &FIXTURES {
        let model = imported(expected.file);
        let again = import(&export(&model)).unwrap_or_else(|e| panic!("{}: {e}", expected.file));
        assert_eq!(again, model, "{}", expected.file);
    }
}

#[test]
fn every_fixture_exports_as_many_items_as_it_imported() {
    for expected in &FIXTURES {
        let model = imported(expected.file);
        let document = exported(&model);
        assert_eq!(
            exported_item_count(&document),
            expected.items,
            "{}",
            expected.file
        );
        let original: Value = serde_json::from_str(&fixture(expected.file)).expect("JSON");
        assert_eq!(
            exported_item_count(&original),
            expected.items,
            "{}",
            expected.file
        );
    }
}

#[test]
fn every_fixture_exports_the_same_text_after_a_round_trip() {
    for expected in &FIXTURES {
        let text = export(&imported(expected.file));
        let again = export(&import(&text).expect("the export imports"));
        assert_eq!(again, text, "{}", expected.file);
    }
}

#[test]
fn every_fixture_keeps_its_facets_and_their_items_through_export() {
    for expected in &FIXTURES {
        let original: Value = serde_json::from_str(&fixture(expected.file)).expect("JSON");
        let document = exported(&imported(expected.file));
        let facets = |d: &Value| -> Vec<(String, usize)> {
            let facets = d["DataModel"][0]["TableFacets"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            facets
                .iter()
                .map(|f| {
                    (
                        f["FacetName"].as_str().unwrap_or("").to_owned(),
                        count(&f["TableData"]),
                    )
                })
                .collect()
        };
        assert_eq!(facets(&document), facets(&original), "{}", expected.file);
    }
}

#[test]
fn every_fixture_exports_without_fields_of_ours() {
    for expected in &FIXTURES {
        let text = export(&imported(expected.file));
        assert!(!text.contains(OURS), "{}: {text}", expected.file);
    }
}

#[test]
fn aliases_with_literal_parts_become_templates_in_the_game_sample() {
    let model = imported("GamePlayerProfilesSchema.json");
    let table = &model.tables[0];
    let keys = |name: &str| {
        table
            .entities
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.keys.clone())
            .expect("the facet is an entity")
    };
    assert_eq!(keys("Friends"), vec![key("SK", "FRIENDS#{playerID}")]);
    assert_eq!(keys("Items"), vec![key("SK", "ITEMS#{ItemID}")]);
    assert_eq!(keys("Equipments"), vec![key("SK", "EQUIPMENTS#{EquipID}")]);
    // "#METEADATA#playerID" does not fit the item's "#METADATA#player001".
    assert_eq!(keys("Metadata"), vec![]);
}

#[test]
fn a_plain_alias_over_a_shared_prefix_becomes_a_template_in_the_payments_sample() {
    let model = imported("RecurringPaymentsSchema.json");
    let subscription = &model.tables[0].entities[0];
    assert_eq!(subscription.keys, vec![key("PK", "ACC#{AccountId}")]);
}

#[test]
fn plain_json_inside_a_map_is_read_as_dynamodb_json_in_the_vehicle_sample() {
    let model = imported("ConnectedVehiclesSchema.json");
    let autodrive = model.tables[0]
        .items
        .iter()
        .find(|i| i["SK"] == json!({"S": "FEATURE#AUTODRIVE"}))
        .expect("the AUTODRIVE item");
    assert_eq!(
        autodrive["autonomous_driving"],
        json!({"M": {"is_enabled": {"BOOL": true}, "version": {"S": "v0.000.1 beta"}}})
    );
}

#[test]
fn a_map_wrapped_twice_is_read_as_a_map_named_m_in_the_game_sample() {
    let model = imported("GamePlayerProfilesSchema.json");
    let potion = model.tables[0]
        .items
        .iter()
        .find(|i| i["SK"] == json!({"S": "ITEMS#001"}))
        .expect("the potion");
    assert_eq!(
        potion["ItemAttributes"],
        json!({"M": {"M": {"M": {"HP": {"N": "50"}}}}})
    );
}

// ---------------------------------------------------------------------------------------
// Import: the model

#[test]
fn the_model_name_and_description_come_from_model_name_and_metadata() {
    let model = imported("ComplaintManagementSchema.json");
    assert_eq!(model.name, "Complaint management");
    assert_eq!(
        model.description,
        "Considering most common access patterns for a complaint management system"
    );
}

#[test]
fn metadata_and_unknown_top_level_fields_are_kept_and_written_back() {
    let text = json!({
        "ModelName": "m",
        "ModelMetadata": {"Author": "Ann", "DateCreated": "May 1, 2024", "Description": "d",
                          "AWSService": "Amazon DynamoDB", "Version": "3.0", "Theme": "dark"},
        "DataModel": [],
        "Workspace": {"open": true}
    })
    .to_string();
    let model = import(&text).expect("imports");
    assert_eq!(model.extra[KEPT]["ModelMetadata"]["Author"], "Ann");
    assert_eq!(model.extra[KEPT]["Workspace"], json!({"open": true}));
    let document = exported(&model);
    assert_eq!(document["ModelMetadata"]["Author"], "Ann");
    assert_eq!(document["ModelMetadata"]["DateCreated"], "May 1, 2024");
    assert_eq!(document["ModelMetadata"]["Theme"], "dark");
    assert_eq!(document["Workspace"], json!({"open": true}));
}

// ---------------------------------------------------------------------------------------
// Import: tables

#[test]
fn key_attributes_become_the_key_schema() {
    let table = only_table(&workbench(json!({})));
    assert_eq!(
        table.definition.key_schema,
        schema(&[("PK", "HASH"), ("SK", "RANGE")])
    );
}

#[test]
fn attribute_definitions_hold_only_the_table_and_index_keys() {
    let table = only_table(&workbench(json!({
        "NonKeyAttributes": [
            {"AttributeName": "GSI1PK", "AttributeType": "S"},
            {"AttributeName": "name", "AttributeType": "S"}
        ],
        "GlobalSecondaryIndexes": [{
            "IndexName": "GSI1",
            "KeyAttributes": {"PartitionKey": {"AttributeName": "GSI1PK", "AttributeType": "S"}},
            "Projection": {"ProjectionType": "ALL"}
        }]
    })));
    assert_eq!(
        table.definition.attribute_definitions,
        definitions(&[("PK", "S"), ("SK", "S"), ("GSI1PK", "S")])
    );
}

#[test]
fn a_global_index_keeps_its_keys_and_projection() {
    let table = only_table(&workbench(json!({
        "GlobalSecondaryIndexes": [{
            "IndexName": "ByEmail",
            "KeyAttributes": {
                "PartitionKey": {"AttributeName": "email", "AttributeType": "S"},
                "SortKey": {"AttributeName": "PK", "AttributeType": "S"}
            },
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["name"]}
        }]
    })));
    assert_eq!(
        table.definition.global_secondary_indexes,
        vec![IndexSpec {
            index_name: "ByEmail".to_owned(),
            key_schema: schema(&[("email", "HASH"), ("PK", "RANGE")]),
            projection: Projection {
                projection_type: "INCLUDE".to_owned(),
                non_key_attributes: vec!["name".to_owned()],
            },
            provisioned_throughput: None,
        }]
    );
}

#[test]
fn local_secondary_indexes_are_read_with_the_global_index_shape() {
    let table = only_table(&workbench(json!({
        "LocalSecondaryIndexes": [{
            "IndexName": "ByDate",
            "KeyAttributes": {
                "PartitionKey": {"AttributeName": "PK", "AttributeType": "S"},
                "SortKey": {"AttributeName": "date", "AttributeType": "N"}
            },
            "Projection": {"ProjectionType": "KEYS_ONLY"}
        }]
    })));
    let lsi = &table.definition.local_secondary_indexes[0];
    assert_eq!(lsi.index_name, "ByDate");
    assert_eq!(lsi.key_schema, schema(&[("PK", "HASH"), ("date", "RANGE")]));
    assert_eq!(table.definition.attribute_type("date"), Some("N"));
}

#[test]
fn billing_mode_and_provisioned_throughput_fill_the_definition() {
    let table = only_table(&fixture("ChatSystemSchema.json"));
    assert_eq!(
        table.definition.billing_mode.as_deref(),
        Some("PROVISIONED")
    );
    assert_eq!(
        table.definition.provisioned_throughput,
        Some(Throughput {
            read_capacity_units: 5,
            write_capacity_units: 5
        })
    );
}

#[test]
fn auto_scaling_is_kept_and_written_back() {
    let model = imported("ChatSystemSchema.json");
    let kept = &model.tables[0].extra[KEPT]["ProvisionedCapacitySettings"];
    assert_eq!(
        kept["AutoScalingRead"]["ScalingPolicyConfiguration"]["TargetValue"],
        70
    );
    let original: Value = serde_json::from_str(&fixture("ChatSystemSchema.json")).expect("JSON");
    assert_eq!(
        exported(&model)["DataModel"][0]["ProvisionedCapacitySettings"],
        original["DataModel"][0]["ProvisionedCapacitySettings"]
    );
}

#[test]
fn data_access_sample_data_formats_and_unknown_table_fields_are_written_back() {
    let table_fields = json!({
        "DataAccess": {"MySql": {"host": "db"}},
        "SampleDataFormats": {"email": ["Internet", "Email"]},
        "Colour": "blue"
    });
    let model = import(&workbench(table_fields.clone())).expect("imports");
    let table = &exported(&model)["DataModel"][0];
    for (name, value) in table_fields.as_object().into_iter().flatten() {
        assert_eq!(&table[name], value, "{name}");
    }
}

#[test]
fn unknown_index_fields_are_written_back() {
    let model = import(&workbench(json!({
        "GlobalSecondaryIndexes": [{
            "IndexName": "G",
            "KeyAttributes": {"PartitionKey": {"AttributeName": "g", "AttributeType": "S"}},
            "Projection": {"ProjectionType": "ALL"},
            "Comment": "hot"
        }]
    })))
    .expect("imports");
    assert_eq!(
        exported(&model)["DataModel"][0]["GlobalSecondaryIndexes"][0]["Comment"],
        "hot"
    );
}

#[test]
fn declared_attributes_no_entity_or_item_uses_are_written_back() {
    let model = import(&workbench(json!({
        "NonKeyAttributes": [{"AttributeName": "unused", "AttributeType": "NS"}]
    })))
    .expect("imports");
    assert_eq!(
        exported(&model)["DataModel"][0]["NonKeyAttributes"],
        json!([{"AttributeName": "unused", "AttributeType": "NS"}])
    );
}

// ---------------------------------------------------------------------------------------
// Import: items

#[test]
fn facet_items_follow_the_table_items() {
    let table = only_table(&workbench(json!({
        "TableData": [item("T", "1")],
        "TableFacets": [{"FacetName": "F", "TableData": [item("F", "1")]}]
    })));
    let pks: Vec<&Value> = table.items.iter().map(|i| &i["PK"]["S"]).collect();
    assert_eq!(pks, [&json!("T"), &json!("F")]);
}

#[test]
fn an_item_repeated_with_the_same_key_is_kept_once_with_its_later_content() {
    let mut later = item("A", "1");
    merge(&mut later, json!({"v": {"N": "2"}}));
    let table = only_table(&workbench(json!({
        "TableData": [item("A", "1"), item("B", "1")],
        "TableFacets": [{"FacetName": "F", "TableData": [later]}]
    })));
    assert_eq!(table.items.len(), 2);
    let a = table.items.iter().find(|i| i["PK"]["S"] == "A").expect("A");
    assert_eq!(a["v"], json!({"N": "2"}));
}

#[test]
fn numbers_in_items_are_stored_as_dynamodb_normalises_them() {
    let mut with_number = item("A", "1");
    merge(&mut with_number, json!({"n": {"N": "007.50"}}));
    let table = only_table(&workbench(json!({"TableData": [with_number]})));
    assert_eq!(table.items[0]["n"], json!({"N": "7.5"}));
}

#[test]
fn plain_json_inside_a_list_is_read_as_dynamodb_json() {
    let mut with_list = item("A", "1");
    merge(
        &mut with_list,
        json!({"l": {"L": [1, "x", null, [true], {"k": 2}]}}),
    );
    let table = only_table(&workbench(json!({"TableData": [with_list]})));
    assert_eq!(
        table.items[0]["l"],
        json!({"L": [{"N": "1"}, {"S": "x"}, {"NULL": true}, {"L": [{"BOOL": true}]},
                     {"M": {"k": {"N": "2"}}}]})
    );
}

// ---------------------------------------------------------------------------------------
// Import: facets

#[test]
fn a_facet_becomes_an_entity_typed_by_the_table_declarations() {
    let table = only_table(&workbench(json!({
        "NonKeyAttributes": [
            {"AttributeName": "name", "AttributeType": "S"},
            {"AttributeName": "age", "AttributeType": "N"}
        ],
        "TableFacets": [{"FacetName": "User", "NonKeyAttributes": ["age", "name"]}]
    })));
    let entity = &table.entities[0];
    assert_eq!(entity.name, "User");
    assert_eq!(
        entity.attributes,
        vec![attribute("age", "N"), attribute("name", "S")]
    );
}

#[test]
fn a_facet_attribute_the_table_does_not_declare_takes_the_type_of_its_items() {
    let mut user = item("U", "1");
    merge(&mut user, json!({"tags": {"SS": ["a"]}}));
    let table = only_table(&workbench(json!({
        "TableFacets": [{"FacetName": "User", "NonKeyAttributes": ["tags"], "TableData": [user]}]
    })));
    assert_eq!(table.entities[0].attributes, vec![attribute("tags", "SS")]);
}

fn facet_keys(alias: Value, items: Vec<Value>) -> Vec<KeyTemplate> {
    let table = only_table(&workbench(json!({
        "TableFacets": [{"FacetName": "F", "KeyAttributeAlias": alias, "TableData": items}]
    })));
    table.entities[0].keys.clone()
}

#[test]
fn an_alias_holding_a_placeholder_is_the_key_template() {
    let keys = facet_keys(
        json!({"PartitionKeyAlias": "USER#{userId}", "SortKeyAlias": "PROFILE"}),
        vec![item("USER#1", "PROFILE")],
    );
    assert_eq!(keys, vec![key("PK", "USER#{userId}")]);
}

#[test]
fn a_plain_alias_over_a_prefix_all_items_share_gives_a_template() {
    let keys = facet_keys(
        json!({"PartitionKeyAlias": "orderId", "SortKeyAlias": "SK"}),
        vec![item("ORDER#1", "x"), item("ORDER#2", "y")],
    );
    assert_eq!(keys, vec![key("PK", "ORDER#{orderId}")]);
}

#[test]
fn a_plain_alias_gives_no_template_when_items_differ_in_prefix() {
    let keys = facet_keys(
        json!({"PartitionKeyAlias": "orderId"}),
        vec![item("ORDER#1", "x"), item("CART#2", "y")],
    );
    assert_eq!(keys, vec![]);
}

#[test]
fn an_alias_with_literal_parts_gives_a_template_when_every_item_fits() {
    let keys = facet_keys(
        json!({"PartitionKeyAlias": "PK", "SortKeyAlias": "ORDER#orderId"}),
        vec![item("U", "ORDER#1"), item("U", "ORDER#2")],
    );
    assert_eq!(keys, vec![key("SK", "ORDER#{orderId}")]);
}

#[test]
fn an_alias_naming_the_key_attribute_gives_no_template() {
    let keys = facet_keys(
        json!({"PartitionKeyAlias": "PK", "SortKeyAlias": "SK"}),
        vec![item("VIN#1", "FEATURE#A")],
    );
    assert_eq!(keys, vec![]);
}

#[test]
fn aliases_that_are_not_templates_are_written_back_as_they_were() {
    let alias = json!({"PartitionKeyAlias": "playerID", "SortKeyAlias": "ITEMS#ItemID"});
    let model = import(&workbench(json!({
        "TableFacets": [{"FacetName": "F", "KeyAttributeAlias": alias, "TableData": [item("p1", "ITEMS#1")]}]
    })))
    .expect("imports");
    assert_eq!(
        model.tables[0].entities[0].keys,
        vec![key("SK", "ITEMS#{ItemID}")]
    );
    assert_eq!(
        exported(&model)["DataModel"][0]["TableFacets"][0]["KeyAttributeAlias"],
        alias
    );
}

#[test]
fn facet_data_access_and_unknown_facet_fields_are_written_back() {
    let model = import(&workbench(json!({
        "TableFacets": [{"FacetName": "F", "DataAccess": {"MySql": {"t": 1}}, "Icon": "star"}]
    })))
    .expect("imports");
    let facet = &exported(&model)["DataModel"][0]["TableFacets"][0];
    assert_eq!(facet["DataAccess"], json!({"MySql": {"t": 1}}));
    assert_eq!(facet["Icon"], "star");
}

// ---------------------------------------------------------------------------------------
// Export

fn shop() -> Model {
    let user = Entity {
        name: "User".to_owned(),
        keys: vec![key("PK", "USER#{userId}"), key("SK", "PROFILE")],
        attributes: vec![attribute("userId", "S"), attribute("name", "S")],
        count: None,
        extra: Default::default(),
    };
    let mut table = ModelTable {
        definition: TableSpec {
            table_name: "shop".to_owned(),
            key_schema: schema(&[("PK", "HASH"), ("SK", "RANGE")]),
            attribute_definitions: definitions(&[("PK", "S"), ("SK", "S")]),
            ..TableSpec::default()
        },
        entities: vec![user],
        access_patterns: Vec::new(),
        items: Vec::new(),
        seed: None,
        extra: Default::default(),
    };
    table.items = vec![
        item_json(json!({"PK": {"S": "CONFIG"}, "SK": {"S": "CONFIG"}, "on": {"BOOL": true}})),
        item_json(json!({"PK": {"S": "USER#1"}, "SK": {"S": "PROFILE"}, "name": {"S": "Ann"}})),
    ];
    let mut model = Model::new("Shop");
    model.tables.push(table);
    model
}

#[test]
fn export_writes_format_3_metadata() {
    let metadata = &exported(&shop())["ModelMetadata"];
    assert_eq!(metadata["Version"], "3.0");
    assert_eq!(metadata["AWSService"], "Amazon DynamoDB");
}

#[test]
fn export_puts_an_item_in_the_facet_whose_templates_capture_it() {
    let table = &exported(&shop())["DataModel"][0];
    assert_eq!(table["TableFacets"][0]["FacetName"], "User");
    assert_eq!(
        table["TableFacets"][0]["TableData"][0]["PK"],
        json!({"S": "USER#1"})
    );
}

#[test]
fn export_leaves_items_no_entity_captures_in_table_data() {
    let table = &exported(&shop())["DataModel"][0];
    assert_eq!(
        table["TableData"],
        json!([{"PK": {"S": "CONFIG"}, "SK": {"S": "CONFIG"}, "on": {"BOOL": true}}])
    );
}

#[test]
fn export_declares_every_non_key_attribute_with_its_type() {
    let declared = &exported(&shop())["DataModel"][0]["NonKeyAttributes"];
    assert_eq!(
        declared,
        &json!([
            {"AttributeName": "userId", "AttributeType": "S"},
            {"AttributeName": "name", "AttributeType": "S"},
            {"AttributeName": "on", "AttributeType": "BOOL"}
        ])
    );
}

#[test]
fn export_writes_the_key_attributes_of_an_item_first() {
    let text = export(&shop());
    let table_data = &text[text.rfind("\"TableData\"").expect("the table's items")..];
    let pk = table_data.find("\"PK\"").expect("the config item's key");
    let on = table_data.find("\"on\"").expect("its attribute");
    assert!(pk < on, "{text}");
}

#[test]
fn export_writes_key_templates_as_the_facet_aliases() {
    let facet = &exported(&shop())["DataModel"][0]["TableFacets"][0];
    assert_eq!(
        facet["KeyAttributeAlias"],
        json!({"PartitionKeyAlias": "USER#{userId}", "SortKeyAlias": "PROFILE"})
    );
}

#[test]
fn keys_an_alias_would_not_give_back_are_written_in_our_field() {
    let facet = &exported(&shop())["DataModel"][0]["TableFacets"][0];
    assert_eq!(
        facet[OURS]["keys"],
        json!([{"attribute": "PK", "template": "USER#{userId}"}, {"attribute": "SK", "template": "PROFILE"}])
    );
}

#[test]
fn an_entity_whose_templates_were_removed_stays_without_them() {
    let mut model = import(&workbench(json!({
        "TableFacets": [{"FacetName": "F", "KeyAttributeAlias": {"PartitionKeyAlias": "orderId"},
                         "TableData": [item("ORDER#1", "x")]}]
    })))
    .expect("imports");
    assert_eq!(
        model.tables[0].entities[0].keys,
        vec![key("PK", "ORDER#{orderId}")]
    );
    model.tables[0].entities[0].keys.clear();
    let again = import(&export(&model)).expect("imports");
    assert_eq!(again, model);
}

#[test]
fn access_patterns_survive_export_and_import() {
    let mut model = shop();
    model.tables[0].access_patterns = vec![AccessPattern {
        name: "profile by user".to_owned(),
        description: "the profile page".to_owned(),
        operation: Operation::GetItem,
        index: None,
        partition_key: Some("USER#{userId}".to_owned()),
        sort_key: Some(SortCondition {
            operator: SortOperator::Eq,
            value: "PROFILE".to_owned(),
            upper: None,
        }),
        filter: None,
        projection: Vec::new(),
        limit: None,
        scan_forward: true,
        consistent_read: true,
        parameters: BTreeMap::from([("userId".to_owned(), "1".to_owned())]),
    }];
    let again = import(&export(&model)).expect("imports");
    assert_eq!(
        again.tables[0].access_patterns,
        model.tables[0].access_patterns
    );
    assert!(exported(&model)["DataModel"][0][OURS]["accessPatterns"].is_array());
}

/// A model using every part of the format: templates on table and index keys, a type
/// override and a generator, counts, a GSI with throughput, an LSI, settings CreateTable
/// cannot carry, access patterns, items of no entity, extras and simulation settings.
fn hand_made() -> Model {
    let mut model = shop();
    model.description = "Users and their orders".to_owned();
    model.simulation = Some(json!({"Partitions": 2}));
    model.extra.insert("origin".to_owned(), json!("hand"));
    let table = &mut model.tables[0];
    table.definition = TableSpec {
        table_name: "shop".to_owned(),
        key_schema: schema(&[("PK", "HASH"), ("SK", "RANGE")]),
        attribute_definitions: definitions(&[
            ("PK", "S"),
            ("SK", "S"),
            ("GSI1PK", "S"),
            ("GSI1SK", "S"),
            ("placed", "N"),
        ]),
        billing_mode: Some("PROVISIONED".to_owned()),
        provisioned_throughput: Some(Throughput {
            read_capacity_units: 5,
            write_capacity_units: 2,
        }),
        global_secondary_indexes: vec![IndexSpec {
            index_name: "GSI1".to_owned(),
            key_schema: schema(&[("GSI1PK", "HASH"), ("GSI1SK", "RANGE")]),
            projection: Projection {
                projection_type: "INCLUDE".to_owned(),
                non_key_attributes: vec!["total".to_owned()],
            },
            provisioned_throughput: Some(Throughput {
                read_capacity_units: 1,
                write_capacity_units: 1,
            }),
        }],
        local_secondary_indexes: vec![IndexSpec {
            index_name: "ByPlaced".to_owned(),
            key_schema: schema(&[("PK", "HASH"), ("placed", "RANGE")]),
            projection: Projection {
                projection_type: "KEYS_ONLY".to_owned(),
                non_key_attributes: Vec::new(),
            },
            provisioned_throughput: None,
        }],
        stream_specification: Some(StreamSpecification {
            stream_enabled: true,
            stream_view_type: Some("NEW_IMAGE".to_owned()),
        }),
        table_class: Some("STANDARD".to_owned()),
        deletion_protection_enabled: Some(false),
        tags: vec![Tag {
            key: "team".to_owned(),
            value: "shop".to_owned(),
        }],
        time_to_live_attribute: Some("expires".to_owned()),
        point_in_time_recovery_enabled: Some(true),
    };
    table.entities[0].attributes[1].generator = Some(Generator::Name { part: None }.into());
    table.entities[0].count = Some(3);
    table.entities[0]
        .extra
        .insert("note".to_owned(), json!("customers"));
    table.entities.push(Entity {
        name: "Order".to_owned(),
        keys: vec![
            key("PK", "USER#{userId}"),
            key("SK", "ORDER#{orderId}"),
            key("GSI1PK", "ORDER#{orderId}"),
            key("GSI1SK", "STATUS#{status}"),
        ],
        attributes: vec![
            attribute("orderId", "S"),
            attribute("total", "N"),
            attribute("status", "S"),
            attribute("name", "N"),
            attribute("placed", "N"),
        ],
        count: Some(10),
        extra: Default::default(),
    });
    table.items.push(item_json(json!({
        "PK": {"S": "USER#1"}, "SK": {"S": "ORDER#9"}, "GSI1PK": {"S": "ORDER#9"},
        "GSI1SK": {"S": "STATUS#open"}, "orderId": {"S": "9"}, "total": {"N": "25.5"},
        "status": {"S": "open"}, "placed": {"N": "1700000000"}
    })));
    table.access_patterns = vec![AccessPattern {
        name: "open orders".to_owned(),
        description: String::new(),
        operation: Operation::Query,
        index: Some("GSI1".to_owned()),
        partition_key: Some("ORDER#{orderId}".to_owned()),
        sort_key: Some(SortCondition {
            operator: SortOperator::BeginsWith,
            value: "STATUS#".to_owned(),
            upper: None,
        }),
        filter: Some("total > {min}".to_owned()),
        projection: vec!["total".to_owned()],
        limit: Some(10),
        scan_forward: false,
        consistent_read: false,
        parameters: BTreeMap::new(),
    }];
    table.seed = Some(7);
    table.extra.insert(
        "cloudformation".to_owned(),
        json!({"DeletionPolicy": "Retain"}),
    );
    model
}

#[test]
fn a_hand_made_model_survives_export_and_import() {
    let model = hand_made();
    let again = import(&export(&model)).unwrap_or_else(|e| panic!("{e}\n{}", export(&model)));
    assert_eq!(again, model);
}

#[test]
fn a_hand_made_model_exports_its_local_index_as_local_secondary_indexes() {
    let table = &exported(&hand_made())["DataModel"][0];
    assert_eq!(table["LocalSecondaryIndexes"][0]["IndexName"], "ByPlaced");
}

// ---------------------------------------------------------------------------------------
// Refusals

fn assert_refused(text: &str, location: &str, words: &str) {
    let error = refused(text);
    assert_eq!(error.location, location, "{error}");
    assert!(error.message.contains(words), "{error}");
}

#[test]
fn text_that_is_not_json_is_refused() {
    assert_refused("{\"ModelName\":", "", "not valid JSON");
}

#[test]
fn a_missing_model_name_is_refused() {
    assert_refused(r#"{"DataModel": []}"#, "ModelName", "missing");
}

#[test]
fn a_missing_data_model_is_refused() {
    assert_refused(r#"{"ModelName": "m"}"#, "DataModel", "missing");
}

#[test]
fn a_missing_partition_key_name_is_refused_with_its_path() {
    let text = workbench(json!({"KeyAttributes": {"PartitionKey": {"AttributeType": "S"}}}));
    assert_refused(
        &text,
        "DataModel[0].KeyAttributes.PartitionKey.AttributeName",
        "missing",
    );
}

#[test]
fn a_field_of_the_wrong_type_is_refused_with_its_path() {
    assert_refused(
        &workbench(json!({"TableName": 5})),
        "DataModel[0].TableName",
        "expected a string, found the number 5",
    );
}

#[test]
fn a_key_typed_other_than_s_n_or_b_is_refused() {
    let text = workbench(json!({"KeyAttributes": {
        "PartitionKey": {"AttributeName": "PK", "AttributeType": "BOOL"}
    }}));
    assert_refused(
        &text,
        "DataModel[0].KeyAttributes.PartitionKey.AttributeType",
        "S, N or B",
    );
}

#[test]
fn an_unknown_attribute_type_is_refused() {
    let text =
        workbench(json!({"NonKeyAttributes": [{"AttributeName": "a", "AttributeType": "DATE"}]}));
    assert_refused(
        &text,
        "DataModel[0].NonKeyAttributes[0].AttributeType",
        "\"DATE\"",
    );
}

#[test]
fn a_key_attribute_declared_with_two_types_is_refused() {
    let text = workbench(json!({"GlobalSecondaryIndexes": [{
        "IndexName": "G",
        "KeyAttributes": {"PartitionKey": {"AttributeName": "SK", "AttributeType": "N"}},
        "Projection": {"ProjectionType": "ALL"}
    }]}));
    assert_refused(
        &text,
        "DataModel[0].GlobalSecondaryIndexes[0].KeyAttributes",
        "SK",
    );
}

#[test]
fn duplicate_table_names_are_refused() {
    let one: Value = serde_json::from_str(&workbench(json!({}))).expect("JSON");
    let table = one["DataModel"][0].clone();
    let text = json!({"ModelName": "m", "DataModel": [table.clone(), table]}).to_string();
    assert_refused(&text, "DataModel[1].TableName", "already");
}

#[test]
fn duplicate_index_names_are_refused() {
    let index = json!({
        "IndexName": "G",
        "KeyAttributes": {"PartitionKey": {"AttributeName": "g", "AttributeType": "S"}},
        "Projection": {"ProjectionType": "ALL"}
    });
    let text = workbench(json!({
        "GlobalSecondaryIndexes": [index.clone()],
        "LocalSecondaryIndexes": [index]
    }));
    assert_refused(
        &text,
        "DataModel[0].LocalSecondaryIndexes[0].IndexName",
        "already",
    );
}

#[test]
fn an_item_that_is_not_dynamodb_json_is_refused() {
    let mut bad = item("A", "1");
    merge(&mut bad, json!({"n": {"N": "twelve"}}));
    let text = workbench(json!({"TableData": [bad]}));
    assert_refused(
        &text,
        "DataModel[0].TableData[0]",
        "not valid DynamoDB JSON",
    );
}

#[test]
fn a_top_level_attribute_in_plain_json_is_refused() {
    let mut bad = item("A", "1");
    merge(&mut bad, json!({"name": "Ann"}));
    let text = workbench(json!({"TableFacets": [{"FacetName": "F", "TableData": [bad]}]}));
    assert_refused(
        &text,
        "DataModel[0].TableFacets[0].TableData[0]",
        "not valid DynamoDB JSON",
    );
}

#[test]
fn an_item_without_the_partition_key_is_refused() {
    let text = workbench(json!({"TableData": [{"SK": {"S": "1"}}]}));
    assert_refused(&text, "DataModel[0].TableData[0]", "partition key PK");
}

#[test]
fn an_item_whose_key_has_the_wrong_type_is_refused() {
    let text = workbench(json!({"TableData": [{"PK": {"N": "1"}, "SK": {"S": "1"}}]}));
    assert_refused(&text, "DataModel[0].TableData[0].PK", "declared S");
}

#[test]
fn an_item_whose_index_key_has_the_wrong_type_is_refused() {
    let mut bad = item("A", "1");
    merge(&mut bad, json!({"g": {"N": "1"}}));
    let text = workbench(json!({
        "GlobalSecondaryIndexes": [{
            "IndexName": "G",
            "KeyAttributes": {"PartitionKey": {"AttributeName": "g", "AttributeType": "S"}},
            "Projection": {"ProjectionType": "ALL"}
        }],
        "TableData": [bad]
    }));
    assert_refused(&text, "DataModel[0].TableData[0].g", "index G");
}

#[test]
fn a_model_for_another_service_is_refused() {
    let text = json!({
        "ModelName": "m",
        "ModelMetadata": {"AWSService": "Amazon Keyspaces", "Version": "3.0"},
        "DataModel": []
    })
    .to_string();
    assert_refused(&text, "ModelMetadata.AWSService", "Amazon Keyspaces");
}

#[test]
fn another_format_version_is_refused() {
    let text =
        json!({"ModelName": "m", "ModelMetadata": {"Version": "2.0"}, "DataModel": []}).to_string();
    assert_refused(&text, "ModelMetadata.Version", "2.0");
}

#[test]
fn an_unknown_member_of_our_own_field_is_refused() {
    let text = workbench(json!({"Dynoscope": {"accessPatterns": [], "colour": 1}}));
    let error = refused(&text);
    assert!(
        error.location.starts_with("DataModel[0].Dynoscope"),
        "{error}"
    );
}

#[test]
fn hostile_input_is_refused_without_panicking() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let deep_item = format!(
        r#"{{"ModelName":"m","DataModel":[{{"TableName":"t","KeyAttributes":{{"PartitionKey":{{"AttributeName":"PK","AttributeType":"S"}}}},"TableData":[{{"PK":{{"S":"a"}},"x":{{"L":{}{}}}}}]}}]}}"#,
        "[".repeat(60),
        "]".repeat(60)
    );
    let inputs = [
        String::new(),
        "null".to_owned(),
        "[]".to_owned(),
        "\"text\"".to_owned(),
        r#"{"ModelName": "m", "DataModel": 5}"#.to_owned(),
        r#"{"ModelName": "m", "DataModel": [5]}"#.to_owned(),
        r#"{"ModelName": "m", "ModelMetadata": [], "DataModel": []}"#.to_owned(),
        workbench(json!({"KeyAttributes": []})),
        workbench(json!({"TableData": [[]]})),
        workbench(json!({"TableData": {"PK": 1}})),
        workbench(
            json!({"TableFacets": [{"FacetName": "F", "KeyAttributeAlias": {"PartitionKeyAlias": 3}}]}),
        ),
        workbench(json!({"TableFacets": [{"FacetName": "F", "NonKeyAttributes": [1]}]})),
        workbench(
            json!({"ProvisionedCapacitySettings": {"ProvisionedThroughput": {"ReadCapacityUnits": -1}}}),
        ),
        workbench(json!({"GlobalSecondaryIndexes": [{"IndexName": "G"}]})),
        workbench(json!({"BillingMode": "FREE"})),
        deep,
        deep_item,
    ];
    for input in &inputs {
        assert!(import(input).is_err(), "accepted: {input}");
    }
}

#[test]
fn strange_aliases_and_values_import_without_panicking() {
    let items = vec![item("é#{x}", "#"), item("{", "}")];
    for alias in ["{a}{b}", "{", "}", "é#ü", "#", "a#{", "ACC#", "{x}"] {
        let text = workbench(json!({
            "TableFacets": [{"FacetName": "F", "KeyAttributeAlias":
                {"PartitionKeyAlias": alias, "SortKeyAlias": alias}, "TableData": items}]
        }));
        let model = import(&text).unwrap_or_else(|e| panic!("{alias}: {e}"));
        assert_eq!(import(&export(&model)).as_ref(), Ok(&model), "{alias}");
    }
}
