//! The AWS CDK v2 export: a TypeScript app with one Stack holding a `TableV2` per table
//! (aws-cdk-lib/aws-dynamodb). TableV2 deploys as `AWS::DynamoDB::GlobalTable`, whose write
//! capacity is always autoscaled, so a provisioned table's or index's write units are written
//! as `Capacity.autoscaled({ minCapacity: n, maxCapacity: n })`: fixed in effect. Reads are
//! `Capacity.fixed(n)`. Construct ids are the table names in PascalCase; `tableName` keeps the
//! exact name.

use std::collections::BTreeSet;

use super::js::Js;
use super::{comment_text, index_capacity, js_string, pascal_case, specs, table_capacity, unique};
use crate::model::{IndexSpec, Model, TableSpec, Throughput};

/// A complete CDK app (`bin/app.ts` style): imports, a Stack class with the model's tables,
/// and an App that instantiates it.
pub fn cdk_typescript(model: &Model) -> String {
    let mut imports = BTreeSet::from(["TableV2"]);
    let ids = unique(
        specs(model)
            .map(|s| pascal_case(&s.table_name, "Table"))
            .collect(),
    );
    let tables: Vec<String> = specs(model)
        .zip(&ids)
        .map(|(spec, id)| table(spec, id, &mut imports))
        .collect();
    let stack = format!("{}Stack", pascal_case(&model.name, "Model"));
    let mut out = format!(
        "// AWS CDK v2 app for the Dynoscope model {}.\n\
         // Deploy with: npx cdk deploy (needs aws-cdk-lib and constructs).\n\
         import {{ App, Stack, StackProps }} from \"aws-cdk-lib\";\n\
         import {{ {} }} from \"aws-cdk-lib/aws-dynamodb\";\n\
         import {{ Construct }} from \"constructs\";\n\n\
         export class {stack} extends Stack {{\n  \
         constructor(scope: Construct, id: string, props?: StackProps) {{\n    \
         super(scope, id, props);\n",
        comment_text(&model.name),
        imports.into_iter().collect::<Vec<_>>().join(", "),
    );
    for table in tables {
        out.push('\n');
        out.push_str(&table);
    }
    out.push_str(&format!(
        "  }}\n}}\n\nconst app = new App();\nnew {stack}(app, {});\n",
        js_string(&stack)
    ));
    out
}

/// `new TableV2(this, "Id", {...});`, indented for the constructor body.
fn table(spec: &TableSpec, id: &str, imports: &mut BTreeSet<&'static str>) -> String {
    let mut props = Js::object([("tableName", Js::str(&spec.table_name))]);
    if let Some(pk) = spec.partition_key() {
        props.push("partitionKey", attribute(spec, pk, imports));
    }
    if let Some(sk) = spec.sort_key() {
        props.push("sortKey", attribute(spec, sk, imports));
    }
    props.push("billing", billing(table_capacity(spec), imports));
    push_indexes(&mut props, spec, imports);
    push_settings(&mut props, spec, imports);
    format!(
        "    new TableV2(this, {}, {});\n",
        js_string(id),
        props.render(4)
    )
}

fn push_indexes(props: &mut Js, spec: &TableSpec, imports: &mut BTreeSet<&'static str>) {
    if !spec.global_secondary_indexes.is_empty() {
        let gsis = spec.global_secondary_indexes.iter();
        let gsis = gsis.map(|i| global_index(spec, i, imports)).collect();
        props.push("globalSecondaryIndexes", Js::Array(gsis));
    }
    if !spec.local_secondary_indexes.is_empty() {
        let lsis = spec.local_secondary_indexes.iter();
        let lsis = lsis.map(|i| local_index(spec, i, imports)).collect();
        props.push("localSecondaryIndexes", Js::Array(lsis));
    }
}

fn push_settings(props: &mut Js, spec: &TableSpec, imports: &mut BTreeSet<&'static str>) {
    let stream = spec
        .stream_specification
        .as_ref()
        .filter(|s| s.stream_enabled);
    if let Some(view) = stream.and_then(|s| s.stream_view_type.as_deref()) {
        imports.insert("StreamViewType");
        props.push(
            "dynamoStream",
            Js::code(format!("StreamViewType.{}", enum_member(view))),
        );
    }
    if let Some(ttl) = &spec.time_to_live_attribute {
        props.push("timeToLiveAttribute", Js::str(ttl));
    }
    if let Some(enabled) = spec.point_in_time_recovery_enabled {
        let pitr = Js::object([("pointInTimeRecoveryEnabled", Js::Bool(enabled))]);
        props.push("pointInTimeRecoverySpecification", pitr);
    }
    if let Some(protection) = spec.deletion_protection_enabled {
        props.push("deletionProtection", Js::Bool(protection));
    }
    if let Some(class) = &spec.table_class {
        imports.insert("TableClass");
        props.push(
            "tableClass",
            Js::code(format!("TableClass.{}", enum_member(class))),
        );
    }
    if !spec.tags.is_empty() {
        let tags = spec
            .tags
            .iter()
            .map(|t| Js::object([("key", Js::str(&t.key)), ("value", Js::str(&t.value))]));
        props.push("tags", Js::Array(tags.collect()));
    }
}

/// `{ name: "PK", type: AttributeType.STRING }` (an undeclared attribute is a string).
fn attribute(spec: &TableSpec, name: &str, imports: &mut BTreeSet<&'static str>) -> Js {
    imports.insert("AttributeType");
    let kind = match spec.attribute_type(name) {
        Some("N") => "NUMBER",
        Some("B") => "BINARY",
        _ => "STRING",
    };
    Js::object([
        ("name", Js::str(name)),
        ("type", Js::code(format!("AttributeType.{kind}"))),
    ])
}

fn billing(capacity: Option<Throughput>, imports: &mut BTreeSet<&'static str>) -> Js {
    imports.insert("Billing");
    match capacity {
        None => Js::code("Billing.onDemand()"),
        Some(t) => Js::call("Billing.provisioned", capacities(t, imports)),
    }
}

/// `{ readCapacity: Capacity.fixed(r), writeCapacity: Capacity.autoscaled(...) }`.
fn capacities(t: Throughput, imports: &mut BTreeSet<&'static str>) -> Js {
    imports.insert("Capacity");
    let w = t.write_capacity_units;
    Js::object([
        (
            "readCapacity",
            Js::code(format!("Capacity.fixed({})", t.read_capacity_units)),
        ),
        (
            "writeCapacity",
            Js::code(format!(
                "Capacity.autoscaled({{ minCapacity: {w}, maxCapacity: {w} }})"
            )),
        ),
    ])
}

fn global_index(spec: &TableSpec, index: &IndexSpec, imports: &mut BTreeSet<&'static str>) -> Js {
    let mut props = Js::object([("indexName", Js::str(&index.index_name))]);
    if let Some(pk) = index.partition_key() {
        props.push("partitionKey", attribute(spec, pk, imports));
    }
    if let Some(sk) = index.sort_key() {
        props.push("sortKey", attribute(spec, sk, imports));
    }
    push_projection(&mut props, index, imports);
    if let Some(t) = index_capacity(spec, index)
        && let Js::Object(entries) = capacities(t, imports)
    {
        for (key, value) in entries {
            props.push(key, value);
        }
    }
    props
}

fn local_index(spec: &TableSpec, index: &IndexSpec, imports: &mut BTreeSet<&'static str>) -> Js {
    let mut props = Js::object([("indexName", Js::str(&index.index_name))]);
    if let Some(sk) = index.sort_key() {
        props.push("sortKey", attribute(spec, sk, imports));
    }
    push_projection(&mut props, index, imports);
    props
}

fn push_projection(props: &mut Js, index: &IndexSpec, imports: &mut BTreeSet<&'static str>) {
    imports.insert("ProjectionType");
    let kind = enum_member(&index.projection.projection_type);
    props.push("projectionType", Js::code(format!("ProjectionType.{kind}")));
    if !index.projection.non_key_attributes.is_empty() {
        props.push(
            "nonKeyAttributes",
            Js::strings(&index.projection.non_key_attributes),
        );
    }
}

/// An enum member name from a DynamoDB constant: kept when it is an identifier (the CDK's
/// members spell DynamoDB's values), else made one.
fn enum_member(value: &str) -> String {
    let member: String = value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if member.chars().next().is_none_or(|c| c.is_ascii_digit()) {
        format!("_{member}")
    } else {
        member
    }
}
