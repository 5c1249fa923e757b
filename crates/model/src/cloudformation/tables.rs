//! Table resources into model tables: `AWS::DynamoDB::Table` property by property (the rest
//! kept for export), `AWS::DynamoDB::GlobalTable` from its first replica, and
//! `AWS::Serverless::SimpleTable`.

use serde_json::{Map, Value};

use super::intrinsics::Resolver;
use super::read::{At, text_of};
use super::{EXTRA_KEY, GLOBAL_TABLE, SIMPLE_TABLE, TABLE};
use crate::error::ModelError;
use crate::model::{
    AttributeDefinition, IndexSpec, KeySchemaElement, ModelTable, Projection, StreamSpecification,
    TableSpec, Tag, Throughput,
};

pub(super) fn import_resource(
    id: &str,
    resource: &Value,
    resolver: &mut Resolver,
) -> Result<Option<ModelTable>, ModelError> {
    let path = format!("Resources.{id}");
    let kind = resource
        .get("Type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if ![TABLE, GLOBAL_TABLE, SIMPLE_TABLE].contains(&kind) {
        let shown = if kind.is_empty() { "no Type" } else { kind };
        resolver
            .notes
            .push(format!("{path} ({shown}): not a DynamoDB table, ignored"));
        return Ok(None);
    }
    if let Some(condition) = resource.get("Condition") {
        resolver.notes.push(format!(
            "{path}: created only under Condition {}; imported as if it holds",
            text_of(condition)
        ));
    }
    let raw = resource
        .get("Properties")
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()));
    let props_path = format!("{path}.Properties");
    let resolved = resolver
        .resolve(&raw, &props_path)
        .unwrap_or(Value::Object(Map::new()));
    let at = At::new(&resolved, &props_path);
    at.object()?;
    let table = match kind {
        TABLE => read_table(id, &at, &raw, &mut resolver.notes)?,
        GLOBAL_TABLE => read_global_table(id, &at, &mut resolver.notes)?,
        _ => read_simple_table(id, &at, &mut resolver.notes)?,
    };
    Ok(Some(table))
}

/// Properties of `AWS::DynamoDB::Table` read into the model; the rest kept in `extra`.
const TABLE_PROPERTIES: [&str; 13] = [
    "TableName",
    "KeySchema",
    "AttributeDefinitions",
    "BillingMode",
    "ProvisionedThroughput",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "StreamSpecification",
    "TimeToLiveSpecification",
    "PointInTimeRecoverySpecification",
    "DeletionProtectionEnabled",
    "TableClass",
    "Tags",
];

fn read_table(
    id: &str,
    at: &At,
    raw: &Value,
    notes: &mut Vec<String>,
) -> Result<ModelTable, ModelError> {
    let mut spec = TableSpec {
        table_name: table_name(id, at, notes)?,
        key_schema: read_key_schema(&at.need("KeySchema")?)?,
        attribute_definitions: read_attribute_definitions(&at.need("AttributeDefinitions")?)?,
        billing_mode: at
            .get("BillingMode")
            .map(|b| b.one_of(&["PROVISIONED", "PAY_PER_REQUEST"]))
            .transpose()?,
        provisioned_throughput: at
            .get("ProvisionedThroughput")
            .map(|t| read_throughput(&t))
            .transpose()?,
        ..TableSpec::default()
    };
    if let Some(list) = at.get("GlobalSecondaryIndexes") {
        spec.global_secondary_indexes = read_indexes(&list, true, notes)?;
    }
    read_settings(&mut spec, at, at, notes)?;
    check_keys_defined(&spec, at)?;
    let mut table = model_table(spec);
    keep_unmodeled(&mut table, at, raw, notes);
    Ok(table)
}

/// What a table and a global table's replica share: local indexes, stream and TTL from
/// `table`; point-in-time recovery, deletion protection, class and tags from `replica` (a
/// plain table's own properties, or a global table's replica's).
fn read_settings(
    spec: &mut TableSpec,
    at: &At,
    replica: &At,
    notes: &mut Vec<String>,
) -> Result<(), ModelError> {
    if let Some(list) = at.get("LocalSecondaryIndexes") {
        spec.local_secondary_indexes = read_indexes(&list, false, notes)?;
    }
    if let Some(stream) = at.get("StreamSpecification") {
        spec.stream_specification = Some(read_stream(&stream, notes)?);
    }
    if let Some(ttl) = at.get("TimeToLiveSpecification") {
        spec.time_to_live_attribute = read_ttl(&ttl)?;
    }
    if let Some(pitr) = replica.get("PointInTimeRecoverySpecification") {
        spec.point_in_time_recovery_enabled = Some(read_pitr(&pitr, notes)?);
    }
    if let Some(protection) = replica.get("DeletionProtectionEnabled") {
        spec.deletion_protection_enabled = Some(protection.boolean()?);
    }
    if let Some(class) = replica.get("TableClass") {
        spec.table_class = Some(class.one_of(&["STANDARD", "STANDARD_INFREQUENT_ACCESS"])?);
    }
    if let Some(tags) = replica.get("Tags") {
        spec.tags = read_tags(&tags)?;
    }
    Ok(())
}

fn model_table(definition: TableSpec) -> ModelTable {
    ModelTable {
        definition,
        entities: Vec::new(),
        access_patterns: Vec::new(),
        items: Vec::new(),
        seed: None,
        extra: Map::new(),
    }
}

/// Keeps the table properties the model has no field for, as written (intrinsics unresolved),
/// so an export gives them back.
fn keep_unmodeled(table: &mut ModelTable, at: &At, raw: &Value, notes: &mut Vec<String>) {
    let Some(raw) = raw.as_object() else { return };
    let kept: Map<String, Value> = raw
        .iter()
        .filter(|(key, _)| !TABLE_PROPERTIES.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    for key in kept.keys() {
        notes.push(format!(
            "{}.{key}: not modeled; kept for the CloudFormation export",
            at.path
        ));
    }
    if !kept.is_empty() {
        table
            .extra
            .insert(EXTRA_KEY.to_owned(), Value::Object(kept));
    }
}

fn table_name(id: &str, at: &At, notes: &mut Vec<String>) -> Result<String, ModelError> {
    match at.get("TableName") {
        Some(name) => name.text(),
        None => {
            notes.push(format!(
                "{}: no TableName (CloudFormation would generate one); named {id}",
                at.path
            ));
            Ok(id.to_owned())
        }
    }
}

fn read_key_schema(at: &At) -> Result<Vec<KeySchemaElement>, ModelError> {
    let keys = at
        .items()?
        .iter()
        .map(|k| {
            Ok(KeySchemaElement {
                attribute_name: k.need("AttributeName")?.text()?,
                key_type: k.need("KeyType")?.one_of(&["HASH", "RANGE"])?,
            })
        })
        .collect::<Result<Vec<_>, ModelError>>()?;
    if !keys.iter().any(|k| k.key_type == "HASH") {
        return Err(ModelError::at(&at.path, "no HASH key"));
    }
    Ok(keys)
}

fn read_attribute_definitions(at: &At) -> Result<Vec<AttributeDefinition>, ModelError> {
    at.items()?
        .iter()
        .map(|d| {
            Ok(AttributeDefinition {
                attribute_name: d.need("AttributeName")?.text()?,
                attribute_type: d.need("AttributeType")?.one_of(&["S", "N", "B"])?,
            })
        })
        .collect()
}

fn read_throughput(at: &At) -> Result<Throughput, ModelError> {
    Ok(Throughput {
        read_capacity_units: at.need("ReadCapacityUnits")?.uint()?,
        write_capacity_units: at.need("WriteCapacityUnits")?.uint()?,
    })
}

const INDEX_PROPERTIES: [&str; 4] = [
    "IndexName",
    "KeySchema",
    "Projection",
    "ProvisionedThroughput",
];

fn read_indexes(
    at: &At,
    global: bool,
    notes: &mut Vec<String>,
) -> Result<Vec<IndexSpec>, ModelError> {
    at.items()?
        .iter()
        .map(|index| {
            for key in index.object()?.keys() {
                if !INDEX_PROPERTIES.contains(&key.as_str()) {
                    notes.push(format!("{}.{key}: not modeled; dropped", index.path));
                }
            }
            let throughput = match index.get("ProvisionedThroughput") {
                Some(_) if !global => {
                    return Err(ModelError::at(
                        format!("{}.ProvisionedThroughput", index.path),
                        "a local secondary index has no throughput of its own",
                    ));
                }
                Some(t) => Some(read_throughput(&t)?),
                None => None,
            };
            Ok(IndexSpec {
                index_name: index.need("IndexName")?.text()?,
                key_schema: read_key_schema(&index.need("KeySchema")?)?,
                projection: read_projection(&index.need("Projection")?)?,
                provisioned_throughput: throughput,
            })
        })
        .collect()
}

fn read_projection(at: &At) -> Result<Projection, ModelError> {
    let projection_type = at
        .need("ProjectionType")?
        .one_of(&["ALL", "KEYS_ONLY", "INCLUDE"])?;
    let non_key_attributes = match at.get("NonKeyAttributes") {
        Some(names) => names
            .items()?
            .iter()
            .map(At::text)
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    Ok(Projection {
        projection_type,
        non_key_attributes,
    })
}

const STREAM_VIEWS: [&str; 4] = ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"];

fn read_stream(at: &At, notes: &mut Vec<String>) -> Result<StreamSpecification, ModelError> {
    if at.get("ResourcePolicy").is_some() {
        notes.push(format!("{}.ResourcePolicy: not modeled; dropped", at.path));
    }
    Ok(StreamSpecification {
        stream_enabled: true,
        stream_view_type: Some(at.need("StreamViewType")?.one_of(&STREAM_VIEWS)?),
    })
}

fn read_ttl(at: &At) -> Result<Option<String>, ModelError> {
    if !at.need("Enabled")?.boolean()? {
        return Ok(None);
    }
    Ok(Some(at.need("AttributeName")?.text()?))
}

fn read_pitr(at: &At, notes: &mut Vec<String>) -> Result<bool, ModelError> {
    if at.get("RecoveryPeriodInDays").is_some() {
        notes.push(format!(
            "{}.RecoveryPeriodInDays: not modeled; dropped",
            at.path
        ));
    }
    match at.get("PointInTimeRecoveryEnabled") {
        Some(enabled) => enabled.boolean(),
        None => Ok(false),
    }
}

fn read_tags(at: &At) -> Result<Vec<Tag>, ModelError> {
    at.items()?
        .iter()
        .map(|t| {
            Ok(Tag {
                key: t.need("Key")?.text()?,
                value: t.need("Value")?.text()?,
            })
        })
        .collect()
}

/// Every key attribute of the table and its indexes must be in AttributeDefinitions.
fn check_keys_defined(spec: &TableSpec, at: &At) -> Result<(), ModelError> {
    let schemas = std::iter::once(("KeySchema".to_owned(), &spec.key_schema))
        .chain(
            spec.global_secondary_indexes
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    (
                        format!("GlobalSecondaryIndexes[{i}].KeySchema"),
                        &x.key_schema,
                    )
                }),
        )
        .chain(
            spec.local_secondary_indexes
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    (
                        format!("LocalSecondaryIndexes[{i}].KeySchema"),
                        &x.key_schema,
                    )
                }),
        );
    for (place, schema) in schemas {
        for (i, key) in schema.iter().enumerate() {
            if spec.attribute_type(&key.attribute_name).is_none() {
                return Err(ModelError::at(
                    format!("{}.{place}[{i}].AttributeName", at.path),
                    format!("\"{}\" is not in AttributeDefinitions", key.attribute_name),
                ));
            }
        }
    }
    Ok(())
}

/// An `AWS::DynamoDB::GlobalTable` as one table: the shared settings plus its first replica's
/// (point-in-time recovery, deletion protection, table class, tags, read capacity). Autoscaled
/// capacity becomes its MinCapacity.
fn read_global_table(id: &str, at: &At, notes: &mut Vec<String>) -> Result<ModelTable, ModelError> {
    let replicas = at.need("Replicas")?.items()?;
    let replica = replicas
        .first()
        .ok_or_else(|| ModelError::at(format!("{}.Replicas", at.path), "no replica"))?;
    let regions: Vec<String> = replicas
        .iter()
        .filter_map(|r| r.get("Region")?.text().ok())
        .collect();
    notes.push(format!(
        "{}: a global table, modeled as one table from its first replica ({}); replicas in {} regions",
        at.path,
        regions.first().map(String::as_str).unwrap_or("no region"),
        regions.len()
    ));
    let mut spec = TableSpec {
        table_name: table_name(id, at, notes)?,
        key_schema: read_key_schema(&at.need("KeySchema")?)?,
        attribute_definitions: read_attribute_definitions(&at.need("AttributeDefinitions")?)?,
        billing_mode: at
            .get("BillingMode")
            .map(|b| b.one_of(&["PROVISIONED", "PAY_PER_REQUEST"]))
            .transpose()?,
        ..TableSpec::default()
    };
    let provisioned = spec.billing_mode.as_deref() == Some("PROVISIONED");
    if provisioned {
        spec.provisioned_throughput = Some(Throughput {
            read_capacity_units: read_capacity(
                &replica.need("ReadProvisionedThroughputSettings")?,
                notes,
            )?,
            write_capacity_units: write_capacity(
                &at.need("WriteProvisionedThroughputSettings")?,
                notes,
            )?,
        });
    }
    if let Some(list) = at.get("GlobalSecondaryIndexes") {
        for index in list.items()? {
            spec.global_secondary_indexes.push(global_table_index(
                &index,
                replica,
                provisioned,
                notes,
            )?);
        }
    }
    read_settings(&mut spec, at, replica, notes)?;
    check_keys_defined(&spec, at)?;
    Ok(model_table(spec))
}

fn global_table_index(
    index: &At,
    replica: &At,
    provisioned: bool,
    notes: &mut Vec<String>,
) -> Result<IndexSpec, ModelError> {
    let name = index.need("IndexName")?.text()?;
    let mut spec = IndexSpec {
        index_name: name.clone(),
        key_schema: read_key_schema(&index.need("KeySchema")?)?,
        projection: read_projection(&index.need("Projection")?)?,
        provisioned_throughput: None,
    };
    if provisioned {
        let replica_index = match replica.get("GlobalSecondaryIndexes") {
            Some(list) => list.items()?.into_iter().find(|i| {
                i.get("IndexName").and_then(|n| n.text().ok()).as_deref() == Some(name.as_str())
            }),
            None => None,
        };
        let read = replica_index.ok_or_else(|| {
            ModelError::at(
                format!("{}.GlobalSecondaryIndexes", replica.path),
                format!("no read capacity for index {name}"),
            )
        })?;
        spec.provisioned_throughput = Some(Throughput {
            read_capacity_units: read_capacity(
                &read.need("ReadProvisionedThroughputSettings")?,
                notes,
            )?,
            write_capacity_units: write_capacity(
                &index.need("WriteProvisionedThroughputSettings")?,
                notes,
            )?,
        });
    }
    Ok(spec)
}

fn read_capacity(at: &At, notes: &mut Vec<String>) -> Result<u64, ModelError> {
    match at.get("ReadCapacityUnits") {
        Some(units) => units.uint(),
        None => autoscaled(&at.need("ReadCapacityAutoScalingSettings")?, notes),
    }
}

fn write_capacity(at: &At, notes: &mut Vec<String>) -> Result<u64, ModelError> {
    autoscaled(&at.need("WriteCapacityAutoScalingSettings")?, notes)
}

fn autoscaled(at: &At, notes: &mut Vec<String>) -> Result<u64, ModelError> {
    let min = at.need("MinCapacity")?.uint()?;
    let max = at.need("MaxCapacity")?.uint()?;
    if min != max {
        notes.push(format!(
            "{}: autoscaled {min}..{max}; modeled as a fixed {min}",
            at.path
        ));
    }
    Ok(min)
}

/// An `AWS::Serverless::SimpleTable`: a partition key only, on-demand unless it states
/// ProvisionedThroughput.
fn read_simple_table(id: &str, at: &At, notes: &mut Vec<String>) -> Result<ModelTable, ModelError> {
    let (key, kind) = match at.get("PrimaryKey") {
        Some(pk) => {
            let kind = match pk
                .need("Type")?
                .one_of(&["String", "Number", "Binary"])?
                .as_str()
            {
                "Number" => "N",
                "Binary" => "B",
                _ => "S",
            };
            (pk.need("Name")?.text()?, kind)
        }
        None => ("id".to_owned(), "S"),
    };
    let throughput = at
        .get("ProvisionedThroughput")
        .map(|t| read_throughput(&t))
        .transpose()?;
    let mut spec = TableSpec {
        table_name: table_name(id, at, notes)?,
        key_schema: vec![KeySchemaElement {
            attribute_name: key.clone(),
            key_type: "HASH".to_owned(),
        }],
        attribute_definitions: vec![AttributeDefinition {
            attribute_name: key,
            attribute_type: kind.to_owned(),
        }],
        billing_mode: Some(
            if throughput.is_some() {
                "PROVISIONED"
            } else {
                "PAY_PER_REQUEST"
            }
            .to_owned(),
        ),
        provisioned_throughput: throughput,
        ..TableSpec::default()
    };
    if let Some(pitr) = at.get("PointInTimeRecoverySpecification") {
        spec.point_in_time_recovery_enabled = Some(read_pitr(&pitr, notes)?);
    }
    if let Some(tags) = at.get("Tags") {
        let map = tags.object()?;
        spec.tags = map
            .iter()
            .map(|(k, v)| Tag {
                key: k.clone(),
                value: text_of(v),
            })
            .collect();
    }
    Ok(model_table(spec))
}
