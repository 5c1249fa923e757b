//! Infrastructure-as-code exports: a model's tables as an AWS CDK v2 app ([`cdk_typescript`]),
//! an SST v2 stack ([`sst_v2`]), an SST v3+ `sst.config.ts` ([`sst`]), Terraform
//! ([`terraform`]) and AWS CLI input ([`aws_cli_json`], [`aws_cli_script`]), plus
//! [`create_table_request`], CreateTable's JSON body for one table, which also applies a
//! model to the engine. Each export is a complete file in its language, with every string
//! escaped for that language and every identifier derived from a name made valid and unique.
//! CloudFormation has its own module, [`crate::cloudformation`]. Every export writes a
//! provisioned table's capacity exactly; a provisioned table without ProvisionedThroughput
//! (which DynamoDB refuses) is written with 5 read and 5 write units, the console's default.

mod cdk;
mod cli;
mod js;
mod sst;
mod terraform;
pub(crate) mod tree;

use serde_json::Value;

use crate::model::{
    AttributeDefinition, IndexSpec, KeySchemaElement, Model, TableSpec, Tag, Throughput,
};
use tree::Tree;

pub use cdk::cdk_typescript;
pub use cli::{aws_cli_json, aws_cli_json_table, aws_cli_script};
pub use sst::{sst, sst_v2};
pub use terraform::terraform;

/// The capacity written for a provisioned table or index that has none in the model.
pub(crate) const DEFAULT_CAPACITY: Throughput = Throughput {
    read_capacity_units: 5,
    write_capacity_units: 5,
};

/// CreateTable's request body for `spec`: everything CreateTable takes (name, keys, attribute
/// definitions, billing, capacity, indexes, stream, table class, deletion protection, tags),
/// without the model-only settings applied after it (TTL, point-in-time recovery).
pub fn create_table_request(spec: &TableSpec) -> Value {
    create_table_tree(spec).to_value()
}

/// [`create_table_request`] as an ordered tree (for the CLI's pretty JSON).
pub(crate) fn create_table_tree(spec: &TableSpec) -> Tree {
    let mut request = Tree::map([
        ("TableName", Tree::str(&spec.table_name)),
        (
            "AttributeDefinitions",
            attribute_definitions(&spec.attribute_definitions),
        ),
        ("KeySchema", key_schema(&spec.key_schema)),
    ]);
    if let Some(mode) = &spec.billing_mode {
        request.push("BillingMode", Tree::str(mode));
    }
    if let Some(throughput) = &spec.provisioned_throughput {
        request.push("ProvisionedThroughput", self::throughput(throughput));
    }
    if !spec.global_secondary_indexes.is_empty() {
        request.push(
            "GlobalSecondaryIndexes",
            indexes(&spec.global_secondary_indexes),
        );
    }
    if !spec.local_secondary_indexes.is_empty() {
        request.push(
            "LocalSecondaryIndexes",
            indexes(&spec.local_secondary_indexes),
        );
    }
    if let Some(stream) = &spec.stream_specification {
        let mut tree = Tree::map([("StreamEnabled", Tree::Bool(stream.stream_enabled))]);
        if let Some(view) = &stream.stream_view_type {
            tree.push("StreamViewType", Tree::str(view));
        }
        request.push("StreamSpecification", tree);
    }
    if let Some(class) = &spec.table_class {
        request.push("TableClass", Tree::str(class));
    }
    if let Some(protection) = spec.deletion_protection_enabled {
        request.push("DeletionProtectionEnabled", Tree::Bool(protection));
    }
    if !spec.tags.is_empty() {
        request.push("Tags", tags(&spec.tags));
    }
    request
}

pub(crate) fn attribute_definitions(definitions: &[AttributeDefinition]) -> Tree {
    Tree::List(
        definitions
            .iter()
            .map(|d| {
                Tree::map([
                    ("AttributeName", Tree::str(&d.attribute_name)),
                    ("AttributeType", Tree::str(&d.attribute_type)),
                ])
            })
            .collect(),
    )
}

pub(crate) fn key_schema(schema: &[KeySchemaElement]) -> Tree {
    Tree::List(
        schema
            .iter()
            .map(|k| {
                Tree::map([
                    ("AttributeName", Tree::str(&k.attribute_name)),
                    ("KeyType", Tree::str(&k.key_type)),
                ])
            })
            .collect(),
    )
}

pub(crate) fn throughput(t: &Throughput) -> Tree {
    Tree::map([
        ("ReadCapacityUnits", Tree::num(t.read_capacity_units)),
        ("WriteCapacityUnits", Tree::num(t.write_capacity_units)),
    ])
}

pub(crate) fn indexes(indexes: &[IndexSpec]) -> Tree {
    Tree::List(indexes.iter().map(index).collect())
}

fn index(index: &IndexSpec) -> Tree {
    let mut projection = Tree::map([(
        "ProjectionType",
        Tree::str(&index.projection.projection_type),
    )]);
    if !index.projection.non_key_attributes.is_empty() {
        let names = index.projection.non_key_attributes.iter().map(Tree::str);
        projection.push("NonKeyAttributes", Tree::List(names.collect()));
    }
    let mut tree = Tree::map([
        ("IndexName", Tree::str(&index.index_name)),
        ("KeySchema", key_schema(&index.key_schema)),
        ("Projection", projection),
    ]);
    if let Some(t) = &index.provisioned_throughput {
        tree.push("ProvisionedThroughput", throughput(t));
    }
    tree
}

pub(crate) fn tags(tags: &[Tag]) -> Tree {
    Tree::List(
        tags.iter()
            .map(|t| Tree::map([("Key", Tree::str(&t.key)), ("Value", Tree::str(&t.value))]))
            .collect(),
    )
}

/// The table's capacity when it is provisioned (the model's, or [`DEFAULT_CAPACITY`]);
/// `None` for on-demand tables.
pub(crate) fn table_capacity(spec: &TableSpec) -> Option<Throughput> {
    (!spec.is_on_demand()).then(|| spec.provisioned_throughput.unwrap_or(DEFAULT_CAPACITY))
}

/// An index's own capacity on a provisioned table (the index's, else the table's).
pub(crate) fn index_capacity(spec: &TableSpec, index: &IndexSpec) -> Option<Throughput> {
    table_capacity(spec).map(|table| index.provisioned_throughput.unwrap_or(table))
}

/// `name` in PascalCase from its ASCII letters and digits (`orders-v2` → `OrdersV2`),
/// prefixed with `fallback` when it would be empty or start with a digit.
pub(crate) fn pascal_case(name: &str, fallback: &str) -> String {
    let mut out = String::new();
    for part in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.chars().next().is_none_or(|c| c.is_ascii_digit()) {
        out.insert_str(0, fallback);
    }
    out
}

/// `name` in lowerCamelCase (a valid JavaScript identifier start).
pub(crate) fn camel_case(name: &str, fallback: &str) -> String {
    let pascal = pascal_case(name, fallback);
    let mut chars = pascal.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => pascal,
    }
}

/// Makes each id unique by appending 2, 3, ... to repeats (compared case-insensitively, since
/// some targets treat ids without regard to case).
pub(crate) fn unique(ids: Vec<String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    ids.into_iter()
        .map(|id| {
            let mut candidate = id.clone();
            let mut n = 2;
            while seen.iter().any(|s| s.eq_ignore_ascii_case(&candidate)) {
                candidate = format!("{id}{n}");
                n += 1;
            }
            seen.push(candidate.clone());
            candidate
        })
        .collect()
}

/// A JavaScript/TypeScript string literal.
pub(crate) fn js_string(s: &str) -> String {
    tree::json_string(s)
}

/// An object key: bare when it is an identifier, else a string literal.
pub(crate) fn js_key(s: &str) -> String {
    let mut chars = s.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if identifier {
        s.to_owned()
    } else {
        js_string(s)
    }
}

/// The model's tables' definitions.
pub(crate) fn specs(model: &Model) -> impl Iterator<Item = &TableSpec> {
    model.tables.iter().map(|t| &t.definition)
}

/// A one-line comment text: control characters and comment terminators made harmless.
pub(crate) fn comment_text(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace("*/", "* /")
}
