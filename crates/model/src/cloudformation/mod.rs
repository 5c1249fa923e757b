//! CloudFormation: a model's tables as a template ([`export_yaml`], [`export_json`]), one
//! `AWS::DynamoDB::Table` per table with every property the model has and Outputs for each
//! table's name and ARN; and templates back into models ([`import`], [`import_with_report`]),
//! from YAML (short-form tags such as `!Ref` and `!Sub` included) or JSON. An import reads every
//! `AWS::DynamoDB::Table`, `AWS::DynamoDB::GlobalTable` (as one table, from its first replica)
//! and `AWS::Serverless::SimpleTable`, resolves intrinsic functions as far as the template
//! itself allows (see [`import_with_report`] for the rules), keeps table properties the model
//! has no field for in the table's `extra.cloudFormation` (written back on export), and reports
//! everything it ignored or guessed. Input is untrusted: it is capped at [`MAX_INPUT_BYTES`] and
//! [`MAX_NODES`] values (which also stops YAML alias bombs) and [`MAX_DEPTH`] levels, and errors
//! name their place (`Resources.Orders.Properties.KeySchema[0].KeyType: expected HASH or RANGE`).

mod export;
mod intrinsics;
mod parse;
mod read;
mod tables;
mod yaml;

use serde_json::Value;

use crate::error::ModelError;
use crate::iac::{pascal_case, unique};
use crate::model::Model;
use intrinsics::Resolver;

/// The largest template [`import`] reads (5 MB; CloudFormation itself takes 1 MB from S3).
pub const MAX_INPUT_BYTES: usize = 5 * 1024 * 1024;
/// The most values (scalars, lists, maps) a template may hold once YAML aliases are expanded.
pub const MAX_NODES: usize = 1_000_000;
/// The deepest nesting of lists and mappings a template may have.
pub const MAX_DEPTH: usize = 128;
/// The key under a table's `extra` where table properties the model does not use are kept.
pub const EXTRA_KEY: &str = "cloudFormation";

const TABLE: &str = "AWS::DynamoDB::Table";
const GLOBAL_TABLE: &str = "AWS::DynamoDB::GlobalTable";
const SIMPLE_TABLE: &str = "AWS::Serverless::SimpleTable";

/// The model as a YAML template (short-form intrinsics: `!Ref`, `!GetAtt`).
pub fn export_yaml(model: &Model) -> String {
    export::template(model).short_form().to_yaml()
}

/// The model as a JSON template.
pub fn export_json(model: &Model) -> String {
    export::template(model).to_json()
}

/// The logical ids the export gives the model's tables, in table order: the table name in
/// PascalCase with `Table` after it (`orders` → `OrdersTable`), made unique.
pub fn logical_ids(model: &Model) -> Vec<String> {
    let ids = model.tables.iter().map(|t| {
        let base = pascal_case(&t.definition.table_name, "Table");
        if base.ends_with("Table") {
            base
        } else {
            base + "Table"
        }
    });
    unique(ids.map(|id| id.chars().take(200).collect()).collect())
}

/// Reads a CloudFormation template (YAML or JSON) into a model of its DynamoDB tables.
pub fn import(text: &str) -> Result<Model, ModelError> {
    import_with_report(text).map(|(model, _)| model)
}

/// [`import`], also returning notes: one line for each resource ignored, property dropped or
/// kept unmodeled, and value guessed.
///
/// Intrinsic functions are resolved from the template alone:
/// - `Ref` to a parameter gives its `Default`; without one, the parameter's name. `Ref` to a
///   resource gives its logical id. Pseudo parameters give fixed stand-ins: `AWS::StackName`
///   → `stack`, `AWS::Region` → `us-east-1`, `AWS::AccountId` → `000000000000`,
///   `AWS::Partition` → `aws`, `AWS::URLSuffix` → `amazonaws.com`; `AWS::NoValue` removes the
///   property.
/// - `Fn::Sub` substitutes `${Name}` by those rules (or its own variables), `${Res.Attr}` by
///   `Res.Attr`, and `${!Literal}` by `${Literal}`. `Fn::Join`, `Fn::Select`, `Fn::Split`,
///   `Fn::FindInMap` (Mappings, then its `DefaultValue`), `Fn::Length` and `Fn::ToJsonString`
///   are evaluated; `Fn::If` evaluates its condition (`Fn::Equals`, `Fn::Not`, `Fn::And`,
///   `Fn::Or`, `Condition`) and takes the true branch when it cannot.
/// - `Fn::GetAtt` gives `Res.Attr`, `Fn::ImportValue` the export's name, and any other
///   function its name (`Fn::Base64`).
///
/// A table without a TableName is named after its logical id, as the stand-in for the name
/// CloudFormation would generate.
pub fn import_with_report(text: &str) -> Result<(Model, Vec<String>), ModelError> {
    let (document, order) = parse::parse_document(text)?;
    let root = document
        .as_object()
        .ok_or_else(|| ModelError::whole("a template is a mapping with a Resources section"))?;
    let resources = root
        .get("Resources")
        .ok_or_else(|| {
            ModelError::at(
                "Resources",
                "missing; a template declares its resources there",
            )
        })?
        .as_object()
        .ok_or_else(|| {
            ModelError::at(
                "Resources",
                "expected a mapping of logical ids to resources",
            )
        })?;
    let mut resolver = Resolver::new(root);
    let mut tables = Vec::new();
    // Tables in the template's order (serde_json's map sorts its keys).
    let ids = order.iter().filter(|id| resources.contains_key(*id));
    let ids = ids.chain(resources.keys().filter(|id| !order.contains(id)));
    for id in ids {
        let resource = &resources[id];
        if let Some(table) = tables::import_resource(id, resource, &mut resolver)? {
            tables.push(table);
        }
    }
    if tables.is_empty() {
        return Err(ModelError::at(
            "Resources",
            format!("no {TABLE}, {GLOBAL_TABLE} or {SIMPLE_TABLE} resource"),
        ));
    }
    let description = root
        .get("Description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let name = description
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(100)
        .collect::<String>();
    let mut model = Model::new(if name.trim().is_empty() {
        "CloudFormation import".to_owned()
    } else {
        name
    });
    model.description = description.to_owned();
    model.tables = tables;
    Ok((model, resolver.notes))
}
