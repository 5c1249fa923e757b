//! The converters' two doors: [`read`] takes a file of any kind the playground imports
//! (a Dynoscope model, a NoSQL Workbench model, a CloudFormation template in JSON or YAML)
//! and names the kind it found; [`write()`] writes a model in one of [`EXPORT_FORMATS`]. The
//! browser app runs these in a web worker of their own, loaded the first time a file is
//! imported or exported, so the page people open first does not carry every format.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::ItemJson;
use crate::{Model, ModelError, ModelTable, cloudformation, data, iac, workbench};

/// Every format [`write()`] knows: its name and what a person calls it.
pub const EXPORT_FORMATS: &[(&str, &str)] = &[
    ("dynoscope", "Dynoscope model (JSON)"),
    ("nosql-workbench", "NoSQL Workbench model (JSON)"),
    ("cloudformation-yaml", "CloudFormation (YAML)"),
    ("cloudformation-json", "CloudFormation (JSON)"),
    ("cdk-typescript", "AWS CDK (TypeScript, TableV2)"),
    ("sst-v2", "SST v2 (Table construct)"),
    ("sst", "SST (sst.aws.Dynamo)"),
    ("terraform", "Terraform (aws_dynamodb_table)"),
    ("aws-cli-json", "aws dynamodb create-table --cli-input-json"),
    (
        "dynamodb-json-lines",
        "Items as DynamoDB JSON lines (S3 export)",
    ),
    ("csv", "Items as CSV"),
];

/// Reads a file of any supported kind into a model, and names the kind.
pub fn read(text: &str) -> Result<(Model, &'static str), ModelError> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        let value: Value = serde_json::from_slice(text.as_bytes())
            .map_err(|e| ModelError::whole(format!("the file is not valid JSON: {e}")))?;
        if value.get("format").is_some() {
            let model = Model::from_value(value)?;
            crate::generate::check_settings(&model)?;
            return Ok((model, "dynoscope"));
        }
        if value.get("DataModel").is_some() || value.get("ModelName").is_some() {
            return Ok((workbench::import(text)?, "nosql-workbench"));
        }
        if value.get("Resources").is_some() || value.get("AWSTemplateFormatVersion").is_some() {
            return Ok((cloudformation::import(text)?, "cloudformation-json"));
        }
        return Err(ModelError::whole(
            "the JSON is neither a Dynoscope model (\"format\"), a NoSQL Workbench model (\"DataModel\") nor a CloudFormation template (\"Resources\")",
        ));
    }
    if trimmed.contains("Resources") || trimmed.contains("AWSTemplateFormatVersion") {
        return Ok((cloudformation::import(text)?, "cloudformation-yaml"));
    }
    Err(ModelError::whole(
        "the file is not JSON and not a CloudFormation YAML template (no Resources section)",
    ))
}

/// The items a table of the model loads: its own sample items, then generated ones.
pub fn items_of(table: &ModelTable) -> Result<Vec<ItemJson>, ModelError> {
    let mut items = table.items.clone();
    items.extend(crate::generate::generate(table)?);
    Ok(items)
}

/// Whether any entity of the table asks the generator for items.
pub fn generates(table: &ModelTable) -> bool {
    table.entities.iter().any(|e| e.count.unwrap_or(0) > 0)
}

/// How many items [`items_of`] makes for the table, without making them: its own sample
/// items and each entity's `count` (the generator makes exactly that many or refuses).
pub fn item_count(table: &ModelTable) -> usize {
    let generated: u64 = table
        .entities
        .iter()
        .map(|e| u64::from(e.count.unwrap_or(0)))
        .sum();
    table.items.len() + usize::try_from(generated).unwrap_or(usize::MAX)
}

/// `model` written in `format` (one of [`EXPORT_FORMATS`]).
pub fn write(model: &Model, format: &str) -> Result<String, ModelError> {
    let all_items = || -> Result<Vec<(String, Vec<ItemJson>)>, ModelError> {
        model
            .tables
            .iter()
            .map(|t| items_of(t).map(|i| (t.definition.table_name.clone(), i)))
            .collect()
    };
    Ok(match format {
        "dynoscope" => model.to_json(),
        "nosql-workbench" => workbench::export(model),
        "cloudformation-yaml" => cloudformation::export_yaml(model),
        "cloudformation-json" => cloudformation::export_json(model),
        "cdk-typescript" => iac::cdk_typescript(model),
        "sst-v2" => iac::sst_v2(model),
        "sst" => iac::sst(model),
        "terraform" => iac::terraform(model),
        "aws-cli-json" => iac::aws_cli_json(model),
        "dynamodb-json-lines" => all_items()?
            .iter()
            .map(|(_, items)| data::export_json_lines(items))
            .collect(),
        "csv" => {
            let tables: BTreeMap<String, Vec<ItemJson>> = all_items()?.into_iter().collect();
            model
                .tables
                .iter()
                .map(|t| data::export_csv(&t.definition, &tables[&t.definition.table_name]))
                .collect::<Vec<_>>()
                .join("\n")
        }
        other => {
            let known: Vec<&str> = EXPORT_FORMATS.iter().map(|(f, _)| *f).collect();
            return Err(ModelError::whole(format!(
                "unknown export format \"{other}\"; use one of {}",
                known.join(", ")
            )));
        }
    })
}
