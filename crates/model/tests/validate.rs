//! Live validation: each finding the Model view shows, one rule per test.

use dynoscope_model::Model;
use dynoscope_model::validate::{Severity, apply_blockers, validate};
use serde_json::json;

/// A one-table model keyed PK/SK with an overloaded GSI1, two entities and one pattern,
/// with `change` applied to its JSON first.
fn model(change: impl FnOnce(&mut serde_json::Value)) -> Model {
    let mut value = json!({
        "format": "dynoscope-model", "version": 1, "name": "Shop",
        "tables": [{
            "definition": {
                "TableName": "Shop",
                "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
                "AttributeDefinitions": [
                    {"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "SK", "AttributeType": "S"},
                    {"AttributeName": "GSI1PK", "AttributeType": "S"}, {"AttributeName": "GSI1SK", "AttributeType": "S"}
                ],
                "BillingMode": "PAY_PER_REQUEST",
                "GlobalSecondaryIndexes": [{
                    "IndexName": "GSI1",
                    "KeySchema": [{"AttributeName": "GSI1PK", "KeyType": "HASH"}, {"AttributeName": "GSI1SK", "KeyType": "RANGE"}],
                    "Projection": {"ProjectionType": "ALL"}
                }]
            },
            "entities": [
                {"name": "Customer", "keys": [{"attribute": "PK", "template": "CUSTOMER#{customerId}"}, {"attribute": "SK", "template": "PROFILE"}],
                 "attributes": [{"name": "customerId", "type": "S"}]},
                {"name": "Order", "keys": [
                    {"attribute": "PK", "template": "CUSTOMER#{customerId}"}, {"attribute": "SK", "template": "ORDER#{orderId}"},
                    {"attribute": "GSI1PK", "template": "ORDER#{orderId}"}, {"attribute": "GSI1SK", "template": "ORDER#{orderId}"}],
                 "attributes": [{"name": "customerId", "type": "S"}, {"name": "orderId", "type": "S"}]}
            ],
            "accessPatterns": [{
                "name": "Orders of a customer", "operation": "Query",
                "partitionKey": "CUSTOMER#{customerId}", "sortKey": {"operator": "begins_with", "value": "ORDER#"},
                "parameters": {"customerId": "c1"}
            }]
        }]
    });
    change(&mut value);
    Model::from_value(value).expect("the test model reads")
}

fn messages(m: &Model) -> Vec<String> {
    validate(m)
        .into_iter()
        .map(|f| format!("{:?} {}: {}", f.severity, f.location, f.message))
        .collect()
}

#[test]
fn a_sound_model_has_no_findings() {
    assert_eq!(messages(&model(|_| {})), Vec::<String>::new());
}

#[test]
fn a_template_naming_an_attribute_the_entity_lacks_is_reported_where_it_is() {
    let m = model(|v| {
        v["tables"][0]["entities"][0]["keys"][0]["template"] = json!("CUSTOMER#{custId}")
    });
    let found = messages(&m);
    assert!(
        found
            .iter()
            .any(|f| f.contains("entity Customer › key PK") && f.contains("{custId}")),
        "{found:?}"
    );
}

#[test]
fn a_key_of_type_n_filled_with_text_is_a_type_disagreement() {
    let m = model(|v| {
        v["tables"][0]["definition"]["AttributeDefinitions"][3]["AttributeType"] = json!("N");
    });
    let found = messages(&m);
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("Error") && f.contains("GSI1SK is of type N")),
        "{found:?}"
    );
}

#[test]
fn an_index_name_used_twice_is_an_error() {
    let m = model(|v| {
        let gsi = v["tables"][0]["definition"]["GlobalSecondaryIndexes"][0].clone();
        v["tables"][0]["definition"]["GlobalSecondaryIndexes"]
            .as_array_mut()
            .unwrap()
            .push(gsi);
    });
    assert!(
        messages(&m)
            .iter()
            .any(|f| f.contains("index GSI1") && f.contains("used twice"))
    );
}

#[test]
fn a_definition_dynamodb_refuses_blocks_applying_in_dynamodbs_words() {
    let m = model(|v| {
        v["tables"][0]["definition"]["AttributeDefinitions"]
            .as_array_mut()
            .unwrap()
            .push(json!({"AttributeName": "unused", "AttributeType": "S"}));
    });
    let blockers = apply_blockers(&m);
    assert_eq!(blockers.len(), 1, "{blockers:?}");
    assert!(
        blockers[0].message.starts_with("ValidationException:"),
        "{}",
        blockers[0].message
    );
}

#[test]
fn design_findings_never_block_applying() {
    let m = model(|v| {
        v["tables"][0]["entities"][0]["keys"][0]["template"] = json!("CUSTOMER#{custId}")
    });
    assert!(apply_blockers(&m).is_empty());
}

#[test]
fn entities_whose_primary_keys_can_be_equal_are_reported() {
    let m = model(|v| v["tables"][0]["entities"][1]["keys"][1]["template"] = json!("{orderId}"));
    let found = messages(&m);
    assert!(
        found
            .iter()
            .any(|f| f.contains("entities Customer and Order") && f.contains("overwrite")),
        "{found:?}"
    );
}

#[test]
fn a_scan_pattern_is_flagged() {
    let m = model(|v| {
        v["tables"][0]["accessPatterns"][0] = json!({"name": "All", "operation": "Scan"})
    });
    assert!(
        messages(&m)
            .iter()
            .any(|f| f.starts_with("Warning") && f.contains("needs a Scan"))
    );
}

#[test]
fn a_pattern_whose_key_no_entity_writes_needs_a_scan() {
    let m = model(|v| {
        v["tables"][0]["accessPatterns"][0]["partitionKey"] = json!("SELLER#{customerId}")
    });
    let found = messages(&m);
    assert!(
        found
            .iter()
            .any(|f| f.contains("access pattern Orders of a customer")
                && f.contains("serves nothing")),
        "{found:?}"
    );
}

#[test]
fn a_pattern_on_a_missing_index_is_an_error() {
    let m = model(|v| v["tables"][0]["accessPatterns"][0]["index"] = json!("GSI9"));
    assert!(
        messages(&m)
            .iter()
            .any(|f| f.starts_with("Error") && f.contains("no index called GSI9"))
    );
}

#[test]
fn a_pattern_parameter_without_a_value_is_named() {
    let m = model(|v| v["tables"][0]["accessPatterns"][0]["parameters"] = json!({}));
    assert!(
        messages(&m)
            .iter()
            .any(|f| f.contains("partitionKey") && f.contains("{customerId}"))
    );
}

#[test]
fn findings_have_a_severity() {
    let m = model(|v| v["tables"][0]["accessPatterns"][0]["index"] = json!("GSI9"));
    assert!(
        validate(&m)
            .iter()
            .all(|f| matches!(f.severity, Severity::Error | Severity::Warning))
    );
}
