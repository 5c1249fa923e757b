//! The export: a model's tables as a template [`Tree`], ready for its YAML or JSON writer.

use serde_json::Value;

use super::{EXTRA_KEY, TABLE, logical_ids};
use crate::iac::tree::Tree;
use crate::iac::{self};
use crate::model::{Model, ModelTable, TableSpec};

pub(super) fn template(model: &Model) -> Tree {
    let description = if model.description.is_empty() {
        format!("DynamoDB tables of the Dynoscope model {}", model.name)
    } else {
        model.description.clone()
    };
    let ids = logical_ids(model);
    let mut resources = Tree::Map(Vec::new());
    let mut outputs = Tree::Map(Vec::new());
    for (table, id) in model.tables.iter().zip(&ids) {
        let resource = Tree::map([
            ("Type", Tree::str(TABLE)),
            ("Properties", table_properties(table)),
        ]);
        resources.push(id.clone(), resource);
        push_outputs(&mut outputs, id, &table.definition);
    }
    let mut template = Tree::map([
        ("AWSTemplateFormatVersion", Tree::str("2010-09-09")),
        ("Description", Tree::str(description)),
        ("Resources", resources),
    ]);
    if !ids.is_empty() {
        template.push("Outputs", outputs);
    }
    template
}

fn push_outputs(outputs: &mut Tree, id: &str, spec: &TableSpec) {
    let output = |value: Tree| Tree::map([("Value", value)]);
    outputs.push(format!("{id}Name"), output(Tree::reference(id)));
    outputs.push(format!("{id}Arn"), output(Tree::get_att(id, "Arn")));
    if spec
        .stream_specification
        .as_ref()
        .is_some_and(|s| s.stream_enabled)
    {
        outputs.push(
            format!("{id}StreamArn"),
            output(Tree::get_att(id, "StreamArn")),
        );
    }
}

/// An `AWS::DynamoDB::Table`'s Properties for `table`.
fn table_properties(table: &ModelTable) -> Tree {
    let spec = &table.definition;
    let mut props = Tree::map([("TableName", Tree::str(&spec.table_name))]);
    if let Some(mode) = &spec.billing_mode {
        props.push("BillingMode", Tree::str(mode));
    }
    props.push(
        "AttributeDefinitions",
        iac::attribute_definitions(&spec.attribute_definitions),
    );
    props.push("KeySchema", iac::key_schema(&spec.key_schema));
    if let Some(t) = &spec.provisioned_throughput {
        props.push("ProvisionedThroughput", iac::throughput(t));
    }
    if !spec.global_secondary_indexes.is_empty() {
        props.push(
            "GlobalSecondaryIndexes",
            iac::indexes(&spec.global_secondary_indexes),
        );
    }
    if !spec.local_secondary_indexes.is_empty() {
        props.push(
            "LocalSecondaryIndexes",
            iac::indexes(&spec.local_secondary_indexes),
        );
    }
    push_settings(&mut props, spec);
    if let Some(Value::Object(extra)) = table.extra.get(EXTRA_KEY) {
        for (key, value) in extra {
            if !props.has(key) {
                props.push(key.clone(), Tree::from_value(value));
            }
        }
    }
    props
}

fn push_settings(props: &mut Tree, spec: &TableSpec) {
    let stream = spec
        .stream_specification
        .as_ref()
        .filter(|s| s.stream_enabled);
    if let Some(view) = stream.and_then(|s| s.stream_view_type.as_ref()) {
        props.push(
            "StreamSpecification",
            Tree::map([("StreamViewType", Tree::str(view))]),
        );
    }
    if let Some(attribute) = &spec.time_to_live_attribute {
        let ttl = Tree::map([
            ("AttributeName", Tree::str(attribute)),
            ("Enabled", Tree::Bool(true)),
        ]);
        props.push("TimeToLiveSpecification", ttl);
    }
    if let Some(enabled) = spec.point_in_time_recovery_enabled {
        let pitr = Tree::map([("PointInTimeRecoveryEnabled", Tree::Bool(enabled))]);
        props.push("PointInTimeRecoverySpecification", pitr);
    }
    if let Some(protection) = spec.deletion_protection_enabled {
        props.push("DeletionProtectionEnabled", Tree::Bool(protection));
    }
    if let Some(class) = &spec.table_class {
        props.push("TableClass", Tree::str(class));
    }
    if !spec.tags.is_empty() {
        props.push("Tags", iac::tags(&spec.tags));
    }
}
