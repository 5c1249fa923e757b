//! The builder's rules, one per test: the form read into requests DynamoDB takes, the form
//! drawn for what the source allows, and a page of results explained, with requests run on
//! a real engine.

use std::collections::BTreeMap;

use dynoscope_engine::contract::PageReadDetail;
use dynoscope_engine::{Engine, EngineConfig};
use dynoscope_query_builder::page::{Run, page_html};
use dynoscope_query_builder::{Form, TableShape, build, html};
use serde_json::{Value, json};

fn describe() -> Value {
    json!({"Table": {
        "TableName": "Orders",
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "status", "AttributeType": "S"},
            {"AttributeName": "placed", "AttributeType": "S"}
        ],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "GlobalSecondaryIndexes": [{"IndexName": "byStatus",
            "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        "LocalSecondaryIndexes": [{"IndexName": "byPlaced",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "placed", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}]
    }})
}

fn shape() -> TableShape {
    TableShape::from_describe(&describe()).expect("a table")
}

fn form(fields: &[(&str, &str)]) -> Form {
    let fields: BTreeMap<String, String> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Form::from_fields(&fields)
}

#[test]
fn a_query_needs_the_partition_key_value() {
    let problems = build(&shape(), &form(&[("operation", "Query")]), None).unwrap_err();
    assert_eq!(problems[0].field, "pk");
    assert!(
        problems[0].message.contains("pk (a string)"),
        "{problems:?}"
    );
}

#[test]
fn a_query_names_every_attribute_and_value_through_placeholders() {
    let request = build(
        &shape(),
        &form(&[
            ("pk", "c#1"),
            ("sk-op", "BETWEEN"),
            ("sk", "1"),
            ("sk2", "9"),
        ]),
        None,
    )
    .unwrap();
    assert_eq!(
        request["KeyConditionExpression"],
        "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2"
    );
    assert_eq!(
        request["ExpressionAttributeNames"],
        json!({"#n0": "pk", "#n1": "sk"})
    );
    assert_eq!(
        request["ExpressionAttributeValues"],
        json!({":v0": {"S": "c#1"}, ":v1": {"N": "1"}, ":v2": {"N": "9"}})
    );
    assert_eq!(request["ReturnConsumedCapacity"], "INDEXES");
}

#[test]
fn a_name_used_twice_shares_its_placeholder() {
    let request = build(
        &shape(),
        &form(&[
            ("operation", "Scan"),
            ("filter-0-attribute", "total"),
            ("filter-0-op", ">"),
            ("filter-0-type", "N"),
            ("filter-0-value", "5"),
            ("projection", "total, pk"),
        ]),
        None,
    )
    .unwrap();
    assert_eq!(request["FilterExpression"], "#n0 > :v0");
    assert_eq!(request["ProjectionExpression"], "#n0, #n1");
}

#[test]
fn filters_are_joined_with_and_and_between_takes_two_values() {
    let request = build(
        &shape(),
        &form(&[
            ("operation", "Scan"),
            ("filter-0-attribute", "total"),
            ("filter-0-op", "BETWEEN"),
            ("filter-0-type", "N"),
            ("filter-0-value", "1"),
            ("filter-0-value2", "5"),
            ("filter-1-attribute", "note"),
            ("filter-1-op", "attribute_not_exists"),
        ]),
        None,
    )
    .unwrap();
    assert_eq!(
        request["FilterExpression"],
        "#n0 BETWEEN :v0 AND :v1 AND attribute_not_exists(#n1)"
    );
}

#[test]
fn a_boolean_filter_value_is_true_or_false() {
    let problems = build(
        &shape(),
        &form(&[
            ("operation", "Scan"),
            ("filter-0-attribute", "paid"),
            ("filter-0-type", "BOOL"),
            ("filter-0-value", "yes"),
        ]),
        None,
    )
    .unwrap_err();
    assert_eq!(problems[0].field, "filter-0-value");
}

#[test]
fn limit_and_segments_are_whole_numbers() {
    let problems = build(
        &shape(),
        &form(&[("operation", "Scan"), ("limit", "ten"), ("segment", "1.5")]),
        None,
    )
    .unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["limit", "segment"]);
}

#[test]
fn a_scan_sends_its_segments_and_a_query_its_direction() {
    let scan = build(
        &shape(),
        &form(&[
            ("operation", "Scan"),
            ("segment", "1"),
            ("total-segments", "4"),
            ("descending", "on"),
        ]),
        None,
    )
    .unwrap();
    assert_eq!(
        (scan["Segment"].clone(), scan["TotalSegments"].clone()),
        (json!(1), json!(4))
    );
    assert!(scan.get("ScanIndexForward").is_none());
    let query = build(&shape(), &form(&[("pk", "a"), ("descending", "on")]), None).unwrap();
    assert_eq!(query["ScanIndexForward"], false);
}

#[test]
fn paging_resumes_after_the_start_key() {
    let key = json!({"pk": {"S": "a"}, "sk": {"N": "3"}});
    let request = build(&shape(), &form(&[("pk", "a")]), Some(&key)).unwrap();
    assert_eq!(request["ExclusiveStartKey"], key);
}

#[test]
fn an_index_query_uses_the_index_keys() {
    let request = build(
        &shape(),
        &form(&[("index", "byStatus"), ("pk", "OPEN")]),
        None,
    )
    .unwrap();
    assert_eq!(request["IndexName"], "byStatus");
    assert_eq!(
        request["ExpressionAttributeNames"],
        json!({"#n0": "status"})
    );
}

#[test]
fn begins_with_is_not_offered_on_a_number_sort_key() {
    let on_table = html::form_html(&shape(), &form(&[("pk", "a")]));
    assert!(!on_table.contains("value=\"begins_with\""));
    let on_lsi = html::form_html(&shape(), &form(&[("index", "byPlaced")]));
    assert!(on_lsi.contains("value=\"begins_with\""));
}

#[test]
fn a_global_index_offers_no_consistent_read() {
    let html = html::form_html(
        &shape(),
        &form(&[("index", "byStatus"), ("consistent", "on")]),
    );
    assert!(html.contains("name=\"consistent\" data-testid=\"qb-consistent\" disabled"));
}

#[test]
fn typed_values_are_kept_and_escaped_when_the_form_is_redrawn() {
    let html = html::form_html(&shape(), &form(&[("pk", "a\"<b>")]));
    assert!(html.contains("value=\"a&quot;&lt;b&gt;\""));
}

#[test]
fn adding_and_removing_filters_keeps_the_others() {
    let mut f = form(&[("filter-0-attribute", "a"), ("filter-1-attribute", "b")]);
    f.act("add-filter");
    assert_eq!(f.filters.len(), 3);
    f.act("remove-filter-0");
    let names: Vec<&str> = f.filters.iter().map(|f| f.attribute.as_str()).collect();
    assert_eq!(names, ["b", ""]);
}

/// Runs the form's request on an engine holding `items` items of about 1 KB each and
/// returns the page as HTML.
fn run_on_engine(fields: &[(&str, &str)], items: usize) -> String {
    let mut engine = Engine::new(EngineConfig {
        record_events: true,
        ..EngineConfig::default()
    });
    let create = json!({
        "TableName": "Orders",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "BillingMode": "PAY_PER_REQUEST"
    });
    engine
        .dispatch("CreateTable", create.to_string().as_bytes())
        .unwrap();
    for n in 0..items {
        let item = json!({"TableName": "Orders", "Item": {
            "pk": {"S": "a"}, "sk": {"N": n.to_string()}, "total": {"N": (n % 10).to_string()},
            "pad": {"S": "x".repeat(1000)}}});
        engine
            .dispatch("PutItem", item.to_string().as_bytes())
            .unwrap();
    }
    let described: Value = serde_json::from_slice(
        &engine
            .dispatch("DescribeTable", br#"{"TableName":"Orders"}"#)
            .unwrap(),
    )
    .unwrap();
    let shape = TableShape::from_describe(&described).unwrap();
    let form = form(fields);
    let request = build(&shape, &form, None).unwrap();
    let response: Value = serde_json::from_slice(
        &engine
            .dispatch(&form.operation, request.to_string().as_bytes())
            .unwrap(),
    )
    .unwrap();
    let events: Value = serde_json::from_slice(
        &engine
            .dispatch("Dynoscope_GetEvents", br#"{"TableName":"Orders"}"#)
            .unwrap(),
    )
    .unwrap();
    let read: PageReadDetail = events["Events"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["Kind"] == "READ")
        .map(|e| serde_json::from_value(e["Detail"].clone()).unwrap())
        .expect("the page's read is in the event history");
    page_html(
        &shape,
        &Run {
            outcome: Ok(&response),
            read: Some(&read),
            page: 1,
            filtered: !form.filters.is_empty(),
            via_dax: false,
            consistent: false,
        },
    )
}

#[test]
fn a_page_explains_its_read_units_from_the_bytes_read() {
    // Ten items of about 1 KB, 10,168 bytes in all → 3 × 4 KB → halved → 1.5 RCU.
    let html = run_on_engine(&[("pk", "a")], 10);
    assert!(html.contains("Count 10"), "{html}");
    assert!(
        html.contains("ConsumedCapacity: <strong>1.5 RCU</strong>"),
        "{html}"
    );
    assert!(html.contains("10 entries, 10,168 bytes in all"), "{html}");
    assert!(html.contains("3 × 4 KB"), "{html}");
}

#[test]
fn a_filter_is_billed_for_everything_it_read() {
    let html = run_on_engine(
        &[
            ("operation", "Scan"),
            ("filter-0-attribute", "total"),
            ("filter-0-op", "="),
            ("filter-0-type", "N"),
            ("filter-0-value", "3"),
        ],
        20,
    );
    assert!(html.contains(">Count 2<"), "{html}");
    assert!(html.contains("ScannedCount 20"), "{html}");
    assert!(
        html.contains("The filter kept 2 of the 20 read: the page is billed for all 20."),
        "{html}"
    );
}

#[test]
fn a_page_cut_by_limit_offers_the_next_page() {
    let html = run_on_engine(&[("pk", "a"), ("limit", "3")], 5);
    assert!(html.contains("data-testid=\"qb-last-key\""), "{html}");
    assert!(html.contains("data-testid=\"qb-next\">"), "{html}");
    assert!(
        html.contains("data-testid=\"qb-previous\" disabled"),
        "{html}"
    );
}

#[test]
fn an_error_is_shown_by_its_name_and_message() {
    let error = json!({"__type": "com.amazonaws.dynamodb.v20120810#ValidationException", "message": "Limit must be >= 1"});
    let html = page_html(
        &shape(),
        &Run {
            outcome: Err(&error),
            read: None,
            page: 1,
            filtered: false,
            via_dax: false,
            consistent: false,
        },
    );
    assert!(html.contains("<strong>ValidationException</strong>: Limit must be &gt;= 1"));
}

/// A Query answered from DAX's query cache comes back without ConsumedCapacity.
fn dax_run_html(response: &serde_json::Value, consistent: bool) -> String {
    page_html(
        &shape(),
        &Run {
            outcome: Ok(response),
            read: None,
            page: 1,
            filtered: false,
            via_dax: true,
            consistent,
        },
    )
}

#[test]
fn a_read_through_dax_without_consumed_capacity_is_told_as_a_cache_hit() {
    let html = dax_run_html(&json!({"Count": 0, "ScannedCount": 0, "Items": []}), false);
    assert!(html.contains("a cache hit"), "{html}");
}

#[test]
fn a_read_through_dax_with_consumed_capacity_is_told_as_a_miss() {
    let response = json!({"Count": 0, "ScannedCount": 0, "Items": [],
        "ConsumedCapacity": {"TableName": "t", "CapacityUnits": 0.5}});
    assert!(dax_run_html(&response, false).contains("a cache miss"));
}

#[test]
fn a_strongly_consistent_read_through_dax_is_told_as_passed_through() {
    let response = json!({"Count": 0, "ScannedCount": 0, "Items": [],
        "ConsumedCapacity": {"TableName": "t", "CapacityUnits": 1.0}});
    assert!(dax_run_html(&response, true).contains("passed it to the table uncached"));
}
