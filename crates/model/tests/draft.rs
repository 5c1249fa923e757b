//! The create-table form's values become the table a designer means: definitions derived
//! from the keys, local indexes on the table's partition key, capacity only when
//! provisioned, and refusals that name the field.

use dynoscope_model::draft::{IndexDraft, KeyDraft, TableDraft};
use dynoscope_model::model::Projection;

fn orders() -> TableDraft {
    TableDraft {
        name: " Orders ".into(),
        partition_key: KeyDraft::new("PK", "S"),
        sort_key: KeyDraft::new("SK", "S"),
        billing_mode: "PAY_PER_REQUEST".into(),
        read_capacity: "5".into(),
        write_capacity: "5".into(),
        ..TableDraft::default()
    }
}

fn index(local: bool, name: &str, pk: &str, sk: &str) -> IndexDraft {
    IndexDraft {
        local,
        name: name.into(),
        partition_key: KeyDraft::new(pk, "S"),
        sort_key: KeyDraft::new(sk, "N"),
        projection_type: "ALL".into(),
        read_capacity: "3".into(),
        write_capacity: "2".into(),
        ..IndexDraft::default()
    }
}

#[test]
fn a_table_without_indexes_defines_only_its_keys() {
    let spec = orders().to_spec().unwrap();
    assert_eq!(spec.table_name, "Orders");
    let names: Vec<_> = spec
        .attribute_definitions
        .iter()
        .map(|d| (d.attribute_name.as_str(), d.attribute_type.as_str()))
        .collect();
    assert_eq!(names, [("PK", "S"), ("SK", "S")]);
    assert_eq!(spec.provisioned_throughput, None);
    assert_eq!(spec.stream_specification, None);
    assert_eq!(spec.time_to_live_attribute, None);
    assert_eq!(spec.deletion_protection_enabled, None);
}

#[test]
fn an_empty_sort_key_leaves_a_hash_only_schema() {
    let mut draft = orders();
    draft.sort_key.name = "  ".into();
    let spec = draft.to_spec().unwrap();
    assert_eq!(spec.key_schema.len(), 1);
    assert_eq!(spec.attribute_definitions.len(), 1);
}

#[test]
fn index_keys_are_defined_once_each() {
    let mut draft = orders();
    draft.indexes = vec![
        index(false, "GSI1", "GSI1PK", "GSI1SK"),
        index(false, "GSI2", "SK", "GSI1SK"),
    ];
    let spec = draft.to_spec().unwrap();
    let names: Vec<_> = spec
        .attribute_definitions
        .iter()
        .map(|d| d.attribute_name.as_str())
        .collect();
    assert_eq!(names, ["PK", "SK", "GSI1PK", "GSI1SK"]);
    assert_eq!(spec.global_secondary_indexes.len(), 2);
}

#[test]
fn a_local_index_takes_the_tables_partition_key() {
    let mut draft = orders();
    draft.indexes = vec![index(true, "ByDate", "ignored", "orderDate")];
    let spec = draft.to_spec().unwrap();
    let lsi = &spec.local_secondary_indexes[0];
    assert_eq!(lsi.key_schema[0].attribute_name, "PK");
    assert_eq!(lsi.key_schema[1].attribute_name, "orderDate");
    assert!(spec.global_secondary_indexes.is_empty());
    assert!(
        !spec
            .attribute_definitions
            .iter()
            .any(|d| d.attribute_name == "ignored")
    );
}

#[test]
fn capacity_is_sent_only_for_a_provisioned_table_and_its_global_indexes() {
    let mut draft = orders();
    draft.indexes = vec![
        index(false, "GSI1", "GSI1PK", ""),
        index(true, "LSI1", "", "at"),
    ];
    let on_demand = draft.to_spec().unwrap();
    assert_eq!(on_demand.provisioned_throughput, None);
    assert_eq!(
        on_demand.global_secondary_indexes[0].provisioned_throughput,
        None
    );

    draft.billing_mode = "PROVISIONED".into();
    let provisioned = draft.to_spec().unwrap();
    assert_eq!(
        provisioned
            .provisioned_throughput
            .unwrap()
            .read_capacity_units,
        5
    );
    let gsi = provisioned.global_secondary_indexes[0]
        .provisioned_throughput
        .unwrap();
    assert_eq!((gsi.read_capacity_units, gsi.write_capacity_units), (3, 2));
    assert_eq!(
        provisioned.local_secondary_indexes[0].provisioned_throughput,
        None
    );
}

#[test]
fn include_projection_lists_the_attributes_typed() {
    let mut draft = orders();
    let mut gsi = index(false, "GSI1", "GSI1PK", "");
    gsi.projection_type = "INCLUDE".into();
    gsi.non_key_attributes = "total, status,,".into();
    draft.indexes = vec![gsi];
    let spec = draft.to_spec().unwrap();
    assert_eq!(
        spec.global_secondary_indexes[0].projection,
        Projection {
            projection_type: "INCLUDE".into(),
            non_key_attributes: vec!["total".into(), "status".into()],
        }
    );
}

#[test]
fn stream_ttl_and_deletion_protection_are_carried() {
    let mut draft = orders();
    draft.stream_view_type = "NEW_AND_OLD_IMAGES".into();
    draft.ttl_attribute = " expiresAt ".into();
    draft.deletion_protection = true;
    let spec = draft.to_spec().unwrap();
    let stream = spec.stream_specification.unwrap();
    assert!(stream.stream_enabled);
    assert_eq!(
        stream.stream_view_type.as_deref(),
        Some("NEW_AND_OLD_IMAGES")
    );
    assert_eq!(spec.time_to_live_attribute.as_deref(), Some("expiresAt"));
    assert_eq!(spec.deletion_protection_enabled, Some(true));
}

#[test]
fn a_capacity_that_is_not_a_whole_number_is_refused_at_its_field() {
    let mut draft = orders();
    draft.billing_mode = "PROVISIONED".into();
    draft.write_capacity = "2.5".into();
    draft.indexes = vec![index(false, "GSI1", "GSI1PK", "")];
    draft.indexes[0].read_capacity = "lots".into();
    let errors = draft.to_spec().unwrap_err();
    let fields: Vec<_> = errors.iter().map(|e| e.location.as_str()).collect();
    assert_eq!(fields, ["writeCapacity", "indexes[0].readCapacity"]);
    assert!(
        errors[0].message.contains("whole number"),
        "{}",
        errors[0].message
    );
}

#[test]
fn one_attribute_with_two_types_is_refused_where_the_second_type_is_given() {
    let mut draft = orders();
    draft.indexes = vec![index(false, "GSI1", "GSI1PK", "SK")];
    let errors = draft.to_spec().unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].location, "indexes[0].sortKey");
    assert!(
        errors[0].message.contains("type S"),
        "{}",
        errors[0].message
    );
}

#[test]
fn a_table_read_into_the_form_comes_back_the_same() {
    let mut draft = orders();
    draft.billing_mode = "PROVISIONED".into();
    draft.indexes = vec![
        index(false, "GSI1", "GSI1PK", "GSI1SK"),
        index(true, "LSI1", "", "at"),
    ];
    draft.indexes[0].projection_type = "INCLUDE".into();
    draft.indexes[0].non_key_attributes = "a, b".into();
    draft.stream_view_type = "KEYS_ONLY".into();
    draft.ttl_attribute = "ttl".into();
    draft.deletion_protection = true;
    let spec = draft.to_spec().unwrap();
    assert_eq!(TableDraft::from_spec(&spec).to_spec().unwrap(), spec);
}

#[test]
fn every_bundled_sample_table_survives_the_form() {
    for sample in dynoscope_model::samples::SAMPLES {
        let model =
            dynoscope_model::Model::from_json(dynoscope_model::samples::json(sample.id).unwrap())
                .unwrap();
        for table in &model.tables {
            let mut expected = table.definition.clone();
            // The form has no field for these.
            expected.tags.clear();
            expected.table_class = None;
            expected.point_in_time_recovery_enabled = None;
            expected.billing_mode = Some(TableDraft::from_spec(&expected).billing_mode);
            let back = TableDraft::from_spec(&table.definition).to_spec().unwrap();
            assert_eq!(back, expected, "{}", sample.id);
        }
    }
}
