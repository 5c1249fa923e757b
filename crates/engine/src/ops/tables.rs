//! The table API: CreateTable, DescribeTable, ListTables, DeleteTable, and the
//! `TableDescription` they answer with.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::validate::Violations;
use crate::clock::iso8601_millis;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::index::{Index, IndexDefinition, IndexKind, Projection};
use crate::key::{KeyAttribute, KeySchema, MAX_KEY_ATTRIBUTES, ScalarType};
use crate::table::{BillingMode, StreamSettings, Table, TableDefinition};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeDefinitionArg {
    pub attribute_name: Option<String>,
    pub attribute_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeySchemaElementArg {
    pub attribute_name: Option<String>,
    pub key_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ThroughputArg {
    pub read_capacity_units: Option<i64>,
    pub write_capacity_units: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTableRequest {
    pub table_name: Option<String>,
    pub attribute_definitions: Option<Vec<AttributeDefinitionArg>>,
    pub key_schema: Option<Vec<KeySchemaElementArg>>,
    pub billing_mode: Option<String>,
    pub provisioned_throughput: Option<ThroughputArg>,
    pub global_secondary_indexes: Option<Vec<IndexArg>>,
    pub local_secondary_indexes: Option<Vec<IndexArg>>,
    pub deletion_protection_enabled: Option<bool>,
    pub stream_specification: Option<StreamSpecificationArg>,
    #[serde(rename = "SSESpecification")]
    pub sse_specification: Option<SseSpecificationArg>,
    pub table_class: Option<String>,
    pub tags: Option<Vec<TagArg>>,
    pub on_demand_throughput: Option<OnDemandArg>,
    // Read by CreateTable only with the `extras` feature (resource policies).
    #[cfg_attr(not(feature = "extras"), allow(dead_code))]
    pub resource_policy: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OnDemandArg {
    pub max_read_request_units: Option<i64>,
    pub max_write_request_units: Option<i64>,
}

/// OnDemandThroughput's maximums: each -1 (none) or at least 1.
pub(crate) fn on_demand_of(arg: Option<&OnDemandArg>) -> Result<Option<(i64, i64)>, DynamoError> {
    let Some(arg) = arg else { return Ok(None) };
    let (read, write) = (
        arg.max_read_request_units.unwrap_or(-1),
        arg.max_write_request_units.unwrap_or(-1),
    );
    for (value, name) in [
        (read, "MaxReadRequestUnits"),
        (write, "MaxWriteRequestUnits"),
    ] {
        if value == 0 || value < -1 {
            return Err(invalid(format!("{name} must be -1 or at least 1")));
        }
    }
    Ok(Some((read, write)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamSpecificationArg {
    pub stream_enabled: Option<bool>,
    pub stream_view_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SseSpecificationArg {
    pub enabled: Option<bool>,
    // Accepted and type-checked by deserialization, never read.
    #[allow(dead_code)]
    #[serde(rename = "SSEType")]
    pub sse_type: Option<String>,
    #[serde(rename = "KMSMasterKeyId")]
    pub kms_master_key_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagArg {
    pub key: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProjectionArg {
    pub projection_type: Option<String>,
    pub non_key_attributes: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IndexArg {
    pub index_name: Option<String>,
    pub key_schema: Option<Vec<KeySchemaElementArg>>,
    pub projection: Option<ProjectionArg>,
    pub provisioned_throughput: Option<ThroughputArg>,
}

/// Most local and (by default) global indexes a table may have.
const MAX_LOCAL_INDEXES: usize = 5;
const MAX_GLOBAL_INDEXES: usize = 20;

/// Largest provisioned throughput DynamoDB's request validation accepts.
const MAX_THROUGHPUT: i64 = 1_000_000_000_000;

fn check_create_shape(request: &CreateTableRequest) -> Result<(), DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.not_null("attributeDefinitions", &request.attribute_definitions);
    for (i, def) in request.attribute_definitions.iter().flatten().enumerate() {
        let field = format!("attributeDefinitions.{}.member", i + 1);
        v.not_null(&format!("{field}.attributeName"), &def.attribute_name);
        v.not_null(&format!("{field}.attributeType"), &def.attribute_type);
        v.one_of(
            &format!("{field}.attributeType"),
            def.attribute_type.as_deref(),
            &["B", "N", "S"],
        );
    }
    check_key_schema_shape(&mut v, "keySchema", &request.key_schema);
    for (field, indexes) in [
        ("localSecondaryIndexes", &request.local_secondary_indexes),
        ("globalSecondaryIndexes", &request.global_secondary_indexes),
    ] {
        let most = if field == "globalSecondaryIndexes" && cfg!(feature = "extras") {
            2 * MAX_KEY_ATTRIBUTES
        } else {
            2
        };
        for (i, index) in indexes.iter().flatten().enumerate() {
            let field = format!("{field}.{}.member", i + 1);
            let key_schema = &index.key_schema;
            check_key_schema_shape_up_to(&mut v, &format!("{field}.keySchema"), key_schema, most);
            v.not_null(&format!("{field}.projection"), &index.projection);
            if let Some(projection) = &index.projection {
                v.one_of(
                    &format!("{field}.projection.projectionType"),
                    projection.projection_type.as_deref(),
                    &["ALL", "INCLUDE", "KEYS_ONLY"],
                );
            }
            v.table_name(&format!("{field}.indexName"), index.index_name.as_deref());
            check_throughput_shape(
                &mut v,
                &format!("{field}.provisionedThroughput"),
                &index.provisioned_throughput,
            );
        }
    }
    v.one_of(
        "billingMode",
        request.billing_mode.as_deref(),
        &["PROVISIONED", "PAY_PER_REQUEST"],
    );
    check_throughput_shape(
        &mut v,
        "provisionedThroughput",
        &request.provisioned_throughput,
    );
    if let Some(stream) = &request.stream_specification {
        check_stream_shape(&mut v, stream);
    }
    v.one_of(
        "tableClass",
        request.table_class.as_deref(),
        &["STANDARD", "STANDARD_INFREQUENT_ACCESS"],
    );
    v.finish()
}

pub(crate) fn check_stream_shape(v: &mut Violations, stream: &StreamSpecificationArg) {
    v.not_null("streamSpecification.streamEnabled", &stream.stream_enabled);
    v.one_of(
        "streamSpecification.streamViewType",
        stream.stream_view_type.as_deref(),
        &["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"],
    );
}

/// The stream a StreamSpecification turns on, if it does.
pub(crate) fn stream_of(
    engine: &Engine,
    table_arn: &str,
    spec: &StreamSpecificationArg,
) -> Result<Option<StreamSettings>, DynamoError> {
    match (spec.stream_enabled, spec.stream_view_type.as_deref()) {
        (Some(true), None) => Err(invalid(
            "Enabled stream specification must specify a StreamViewType",
        )),
        (Some(true), Some(view_type)) => {
            let label = iso8601_millis(engine.now_millis());
            Ok(Some(StreamSettings {
                enabled: true,
                view_type: view_type.to_owned(),
                arn: format!("{table_arn}/stream/{label}"),
                label,
            }))
        }
        (_, Some(_)) => Err(invalid(
            "Disabled stream specification must not specify a StreamViewType",
        )),
        _ => Ok(None),
    }
}

/// The KMS key ARN SSE uses: the one named, or the account's AWS-managed key.
pub(crate) fn sse_key_of(engine: &mut Engine, spec: &SseSpecificationArg) -> Option<String> {
    if spec.enabled != Some(true) {
        return None;
    }
    Some(match &spec.kms_master_key_id {
        Some(arn) if arn.starts_with("arn:") => arn.clone(),
        Some(id) => format!(
            "arn:aws:kms:{}:{}:key/{id}",
            engine.config.region, engine.config.account_id
        ),
        None => format!(
            "arn:aws:kms:{}:{}:key/{}",
            engine.config.region,
            engine.config.account_id,
            engine.rng.uuid()
        ),
    })
}

pub(crate) fn check_key_schema_shape(
    v: &mut Violations,
    field: &str,
    schema: &Option<Vec<KeySchemaElementArg>>,
) {
    check_key_schema_shape_up_to(v, field, schema, 2);
}

/// [`check_key_schema_shape`] for a schema of at most `most` elements: 2 for tables and
/// local indexes, 8 for a global index's multi-attribute key.
pub(crate) fn check_key_schema_shape_up_to(
    v: &mut Violations,
    field: &str,
    schema: &Option<Vec<KeySchemaElementArg>>,
    most: usize,
) {
    v.not_null(field, schema);
    let Some(schema) = schema else { return };
    let quoted = if schema.is_empty() {
        "'[]'"
    } else {
        "'[KeySchemaElement]'"
    };
    if schema.is_empty() {
        v.push(
            quoted,
            field,
            "Member must have length greater than or equal to 1",
        );
    }
    if schema.len() > most {
        v.push(
            quoted,
            field,
            &format!("Member must have length less than or equal to {most}"),
        );
    }
    for (i, element) in schema.iter().enumerate() {
        let member = format!("{field}.{}.member", i + 1);
        v.not_null(&format!("{member}.attributeName"), &element.attribute_name);
        v.not_null(&format!("{member}.keyType"), &element.key_type);
        v.one_of(
            &format!("{member}.keyType"),
            element.key_type.as_deref(),
            &["HASH", "RANGE"],
        );
    }
}

pub(crate) fn check_throughput_shape(
    v: &mut Violations,
    field: &str,
    throughput: &Option<ThroughputArg>,
) {
    let Some(t) = throughput else { return };
    v.not_null(
        &format!("{field}.writeCapacityUnits"),
        &t.write_capacity_units,
    );
    v.at_least(
        &format!("{field}.writeCapacityUnits"),
        t.write_capacity_units,
        1,
    );
    v.not_null(
        &format!("{field}.readCapacityUnits"),
        &t.read_capacity_units,
    );
    v.at_least(
        &format!("{field}.readCapacityUnits"),
        t.read_capacity_units,
        1,
    );
}

/// The key schema of a table or local index: a partition key, then perhaps a sort key
/// with another name.
pub(crate) fn two_element_key_schema(
    elements: &[KeySchemaElementArg],
    attribute: &dyn Fn(&str) -> Result<KeyAttribute, DynamoError>,
) -> Result<KeySchema, DynamoError> {
    let name = |i: usize| elements[i].attribute_name.as_deref().unwrap_or_default();
    if elements.len() == 2 && name(0) == name(1) {
        return Err(DynamoError::validation(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name",
        ));
    }
    if elements[0].key_type.as_deref() != Some("HASH") {
        return Err(DynamoError::validation(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ));
    }
    if elements
        .get(1)
        .is_some_and(|e| e.key_type.as_deref() != Some("RANGE"))
    {
        return Err(DynamoError::validation(
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
        ));
    }
    let range = elements.get(1).map(|_| attribute(name(1))).transpose()?;
    Ok(KeySchema::new(attribute(name(0))?, range))
}

/// The key schema of a global secondary index: one to four partition-key (HASH)
/// attributes, then up to four sort-key (RANGE) attributes, no attribute twice. A schema
/// of two elements keeps the table rules' messages.
pub(crate) fn global_index_key_schema(
    elements: &[KeySchemaElementArg],
    attribute: &dyn Fn(&str) -> Result<KeyAttribute, DynamoError>,
) -> Result<KeySchema, DynamoError> {
    let is_hash = |e: &KeySchemaElementArg| e.key_type.as_deref() == Some("HASH");
    let hashes = elements.iter().take_while(|e| is_hash(e)).count();
    // The page's engine (no `extras`) keeps DynamoDB's earlier two-element rule.
    let single = elements.len() <= 2 && (hashes < 2 || elements.len() < 2);
    if single || !cfg!(feature = "extras") {
        return two_element_key_schema(elements, attribute);
    }
    let names: Vec<&str> = (elements.iter())
        .map(|e| e.attribute_name.as_deref().unwrap_or_default())
        .collect();
    if hashes == 0 {
        return Err(DynamoError::validation(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ));
    }
    if elements[hashes..].iter().any(is_hash) {
        return Err(DynamoError::validation(
            "Invalid KeySchema: every HASH KeySchemaElement must come before the RANGE ones",
        ));
    }
    for (kind, count) in [("HASH", hashes), ("RANGE", elements.len() - hashes)] {
        if count > MAX_KEY_ATTRIBUTES {
            return Err(DynamoError::validation(format!(
                "Invalid KeySchema: a global secondary index key can have at most {MAX_KEY_ATTRIBUTES} {kind} KeySchemaElements, found {count}"
            )));
        }
    }
    if let Some(twice) = (names.iter().enumerate()).find(|(i, n)| names[..*i].contains(n)) {
        return Err(DynamoError::validation(format!(
            "Invalid KeySchema: the attribute {} appears in more than one KeySchemaElement",
            twice.1
        )));
    }
    let attributes = names.iter().map(|n| attribute(n));
    let mut attributes = attributes.collect::<Result<Vec<_>, _>>()?;
    let more_range = attributes.split_off((hashes + 1).min(attributes.len()));
    let range = (attributes.len() > hashes)
        .then(|| attributes.pop())
        .flatten();
    let more_hash = attributes.split_off(1);
    let hash = attributes.pop().expect("a HASH element");
    Ok(KeySchema {
        hash,
        range,
        more_hash,
        more_range,
    })
}

pub(crate) fn invalid(message: impl std::fmt::Display) -> DynamoError {
    DynamoError::validation(format!(
        "One or more parameter values were invalid: {message}"
    ))
}

/// The billing mode and throughput a CreateTable asks for.
fn billing_of(request: &CreateTableRequest) -> Result<BillingMode, DynamoError> {
    match (
        request.billing_mode.as_deref(),
        &request.provisioned_throughput,
    ) {
        (Some("PAY_PER_REQUEST"), None) => Ok(BillingMode::PayPerRequest),
        (Some("PAY_PER_REQUEST"), Some(_)) => Err(invalid(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        )),
        (_, None) => Err(invalid(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
        )),
        (_, Some(t)) => {
            let (read, write) = (
                t.read_capacity_units.unwrap_or(1),
                t.write_capacity_units.unwrap_or(1),
            );
            if read > MAX_THROUGHPUT {
                return Err(DynamoError::validation(format!(
                    "Given value {read} for ReadCapacityUnits is out of bounds"
                )));
            }
            if write > MAX_THROUGHPUT {
                return Err(DynamoError::validation(format!(
                    "Given value {write} for WriteCapacityUnits is out of bounds"
                )));
            }
            Ok(BillingMode::Provisioned {
                read_capacity_units: read as u64,
                write_capacity_units: write as u64,
            })
        }
    }
}

/// Longest key attribute name (table and index keys), in bytes.
const MAX_KEY_NAME_BYTES: usize = 255;

/// Key attribute names are limited to 255 bytes.
pub(crate) fn check_key_name_lengths<'a>(
    names: impl Iterator<Item = &'a str>,
) -> Result<(), DynamoError> {
    match names.into_iter().find(|n| n.len() > MAX_KEY_NAME_BYTES) {
        Some(name) => Err(invalid(format!(
            "Key attribute name {name} exceeds the limit of {MAX_KEY_NAME_BYTES} bytes: length {}",
            name.len()
        ))),
        None => Ok(()),
    }
}

/// The table's key schema, checked against its attribute definitions.
fn key_schema_of(
    request: &CreateTableRequest,
) -> Result<(KeySchema, Vec<(String, ScalarType)>), DynamoError> {
    let definitions: Vec<(String, ScalarType)> = request
        .attribute_definitions
        .iter()
        .flatten()
        .map(|d| {
            let kind = d
                .attribute_type
                .as_deref()
                .and_then(ScalarType::parse)
                .expect("checked by shape");
            (d.attribute_name.clone().unwrap_or_default(), kind)
        })
        .collect();
    if let Some(duplicate) = definitions
        .iter()
        .enumerate()
        .find(|(i, (n, _))| definitions[..*i].iter().any(|(m, _)| m == n))
    {
        return Err(invalid(format!(
            "Duplicate AttributeName in AttributeDefinitions: {}",
            duplicate.1.0
        )));
    }
    let elements = request.key_schema.as_deref().unwrap_or_default();
    let names: Vec<&str> = elements
        .iter()
        .map(|e| e.attribute_name.as_deref().unwrap_or_default())
        .collect();
    check_key_name_lengths(names.iter().copied())?;
    let defined = |name: &str| definitions.iter().find(|(n, _)| n == name).map(|(_, k)| *k);
    let defined_names = || {
        definitions
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };

    if names.len() == 2
        && (names.iter().any(|n| defined(n).is_none())
            || (names[0] == names[1] && definitions.len() == 1))
    {
        return Err(DynamoError::validation(
            "Invalid KeySchema: Some index key attribute have no definition",
        ));
    }
    if names.len() == 1 && defined(names[0]).is_none() {
        return Err(invalid(format!(
            "Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
            names.join(", "),
            defined_names()
        )));
    }
    // Every key attribute is defined by now.
    let attribute = |name: &str| {
        Ok(KeyAttribute {
            name: name.to_owned(),
            kind: defined(name).expect("checked above"),
        })
    };
    let schema = two_element_key_schema(elements, &attribute)?;
    let has_indexes =
        request.local_secondary_indexes.is_some() || request.global_secondary_indexes.is_some();
    if !has_indexes && names.len() != definitions.len() {
        return Err(invalid(
            "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
        ));
    }
    Ok((schema, definitions))
}

pub fn create_table(
    engine: &mut Engine,
    request: CreateTableRequest,
) -> Result<Vec<u8>, DynamoError> {
    let name = create_table_from(engine, request)?;
    let definition = engine.tables[&name].definition.clone();
    engine.record_table(&definition);
    // CreateTable always answers CREATING; DescribeTable shows ACTIVE once the delay passes.
    let description = describe(&engine.tables[&name], "CREATING", engine.now_millis());
    respond(&json!({ "TableDescription": description }))
}

/// Checks a CreateTable request and makes the table (what restores make theirs with too);
/// returns its name. The caller records the definition once it is complete.
pub(crate) fn create_table_from(
    engine: &mut Engine,
    request: CreateTableRequest,
) -> Result<String, DynamoError> {
    check_create_shape(&request)?;
    let (key_schema, attribute_definitions) = key_schema_of(&request)?;
    let billing = billing_of(&request)?;
    let name = request.table_name.clone().expect("checked by shape");
    let table_arn = format!(
        "arn:aws:dynamodb:{}:{}:table/{name}",
        engine.config.region, engine.config.account_id
    );
    let indexes = indexes_of(
        &request,
        &key_schema,
        &attribute_definitions,
        billing,
        &table_arn,
    )?;
    let stream = request
        .stream_specification
        .as_ref()
        .map(|s| stream_of(engine, &table_arn, s))
        .transpose()?
        .flatten();
    let tags = tags_of(request.tags.as_deref().unwrap_or_default())?;
    if engine.tables.contains_key(&name) || engine.deleting.contains_key(&name) {
        return Err(DynamoError::new(
            ErrorKind::ResourceInUseException,
            format!("Table already exists: {name}"),
        ));
    }
    #[cfg(feature = "extras")]
    let resource_policy = (request.resource_policy.as_deref())
        .map(|policy| super::resource_policies::new_policy(policy, engine.now_millis()))
        .transpose()?;
    // Without the extras (the page) ResourcePolicy is accepted and ignored.
    let definition = TableDefinition {
        arn: table_arn,
        indexes,
        table_id: engine.rng.uuid(),
        name: name.clone(),
        key_schema,
        attribute_definitions,
        billing,
        created_at_millis: engine.now_millis(),
        creating_for_millis: engine.config.control_plane_millis,
        deletion_protection: request.deletion_protection_enabled.unwrap_or(false),
        updating_until_millis: 0,
        stream,
        ttl: None,
        tags,
        table_class: request.table_class.clone(),
        sse_kms_key_arn: request
            .sse_specification
            .as_ref()
            .and_then(|spec| sse_key_of(engine, spec)),
        throughput_history: Default::default(),
        pay_per_request_since_millis: (billing == BillingMode::PayPerRequest)
            .then(|| engine.now_millis()),
        on_demand_maximum: on_demand_of(request.on_demand_throughput.as_ref())?,
        point_in_time_recovery: None,
        contributor_insights: None,
        index_contributor_insights: BTreeMap::new(),
        #[cfg(feature = "extras")]
        restore_summary: None,
        #[cfg(feature = "extras")]
        resource_policy,
        #[cfg(feature = "extras")]
        stream_resource_policy: None,
        #[cfg(feature = "extras")]
        kinesis_destinations: Vec::new(),
        #[cfg(feature = "extras")]
        replicas: Vec::new(),
        #[cfg(feature = "extras")]
        strong_consistency: None,
        #[cfg(feature = "extras")]
        auto_scaling: Default::default(),
        #[cfg(feature = "extras")]
        region: None,
    };
    engine.tables.insert(name.clone(), Table::new(definition));
    Ok(name)
}

/// The secondary indexes a CreateTable asks for, checked as DynamoDB checks them: local
/// indexes first, then global ones; every attribute definition must be used by some key.
fn indexes_of(
    request: &CreateTableRequest,
    table_schema: &KeySchema,
    definitions: &[(String, ScalarType)],
    billing: BillingMode,
    table_arn: &str,
) -> Result<Vec<IndexDefinition>, DynamoError> {
    let defined = |name: &str| definitions.iter().find(|(n, _)| n == name).map(|(_, k)| *k);
    let mut seen_names: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    let groups = [
        (
            IndexKind::Local,
            &request.local_secondary_indexes,
            "LocalSecondaryIndexes",
        ),
        (
            IndexKind::Global,
            &request.global_secondary_indexes,
            "GlobalSecondaryIndexes",
        ),
    ];
    for (kind, group, label) in groups {
        let Some(group) = group else { continue };
        if group.is_empty() {
            return Err(invalid(format!("List of {label} is empty")));
        }
        if kind == IndexKind::Local && table_schema.range.is_none() {
            return Err(invalid(
                "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex",
            ));
        }
        for index in group {
            let name = index.index_name.as_deref().expect("checked by shape");
            let elements = index.key_schema.as_deref().expect("checked by shape");
            let keys: Vec<&str> = elements
                .iter()
                .map(|e| e.attribute_name.as_deref().unwrap_or_default())
                .collect();
            check_key_name_lengths(keys.iter().copied())?;
            if keys.iter().any(|k| defined(k).is_none()) {
                let names: Vec<&str> = definitions.iter().map(|(n, _)| n.as_str()).collect();
                return Err(invalid(format!(
                    "Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
                    keys.join(", "),
                    names.join(", ")
                )));
            }
            let attribute = |n: &str| {
                Ok(KeyAttribute {
                    name: n.to_owned(),
                    kind: defined(n).expect("checked above"),
                })
            };
            let key_schema = match kind {
                IndexKind::Global => global_index_key_schema(elements, &attribute)?,
                IndexKind::Local => two_element_key_schema(elements, &attribute)?,
            };
            if kind == IndexKind::Local {
                if keys.len() != 2 {
                    return Err(invalid(format!(
                        "Index KeySchema does not have a range key for index: {name}"
                    )));
                }
                if keys[0] != table_schema.hash.name {
                    return Err(invalid(format!(
                        "Index KeySchema does not have the same leading hash key as table KeySchema for index: {name}. index hash key: {}, table hash key: {}",
                        keys[0], table_schema.hash.name
                    )));
                }
            }
            let projection = index.projection.as_ref().expect("checked by shape");
            let projection = match (
                projection.projection_type.as_deref(),
                &projection.non_key_attributes,
            ) {
                (None, _) => return Err(invalid("Unknown ProjectionType: null")),
                (Some(kind), Some(_)) if kind != "INCLUDE" => {
                    return Err(invalid(format!(
                        "ProjectionType is {kind}, but NonKeyAttributes is specified"
                    )));
                }
                (Some("ALL"), _) => Projection::All,
                (Some("KEYS_ONLY"), _) => Projection::KeysOnly,
                (_, names) => Projection::Include(names.clone().unwrap_or_default()),
            };
            if seen_names.contains(&name) {
                return Err(invalid(format!("Duplicate index name: {name}")));
            }
            seen_names.push(name);
            let throughput = match (kind, billing, &index.provisioned_throughput) {
                (IndexKind::Local, _, _) => None,
                (IndexKind::Global, BillingMode::PayPerRequest, Some(_)) => {
                    return Err(invalid(format!(
                        "ProvisionedThroughput should not be specified for index: {name} when BillingMode is PAY_PER_REQUEST"
                    )));
                }
                (IndexKind::Global, BillingMode::PayPerRequest, None) => None,
                (IndexKind::Global, BillingMode::Provisioned { .. }, None) => {
                    return Err(invalid(format!(
                        "ProvisionedThroughput must be specified for index: {name}"
                    )));
                }
                (IndexKind::Global, BillingMode::Provisioned { .. }, Some(t)) => Some((
                    t.read_capacity_units.unwrap_or(1) as u64,
                    t.write_capacity_units.unwrap_or(1) as u64,
                )),
            };
            out.push(IndexDefinition {
                name: name.to_owned(),
                kind,
                key_schema,
                projection,
                throughput,
                arn: format!("{table_arn}/index/{name}"),
                active_from_millis: 0,
            });
        }
        let limit = if kind == IndexKind::Local {
            MAX_LOCAL_INDEXES
        } else {
            MAX_GLOBAL_INDEXES
        };
        if group.len() > limit {
            return Err(invalid(match kind {
                IndexKind::Local => {
                    format!("Number of LocalSecondaryIndexes exceeds per-table limit of {limit}")
                }
                IndexKind::Global => {
                    format!("GlobalSecondaryIndex count exceeds the per-table limit of {limit}")
                }
            }));
        }
    }
    if !out.is_empty() {
        let used: Vec<&str> = table_schema
            .names()
            .chain(out.iter().flat_map(|i| i.key_schema.names()))
            .fold(Vec::new(), |mut acc, n| {
                if !acc.contains(&n) {
                    acc.push(n);
                }
                acc
            });
        if definitions.iter().any(|(n, _)| !used.contains(&n.as_str())) {
            let names: Vec<&str> = definitions.iter().map(|(n, _)| n.as_str()).collect();
            return Err(invalid(format!(
                "Some AttributeDefinitions are not used. AttributeDefinitions: [{}], keys used: [{}]",
                names.join(", "),
                used.join(", ")
            )));
        }
    }
    Ok(out)
}

/// Tags as given to CreateTable or TagResource, with DynamoDB's rules.
pub(crate) fn tags_of(tags: &[TagArg]) -> Result<BTreeMap<String, String>, DynamoError> {
    let mut out = BTreeMap::new();
    for tag in tags {
        let (Some(key), Some(value)) = (&tag.key, &tag.value) else {
            return Err(DynamoError::validation(
                "1 validation error detected: Value null at 'tags.member.key' failed to satisfy constraint: Member must not be null",
            ));
        };
        if key.is_empty() || key.chars().count() > 128 || value.chars().count() > 256 {
            return Err(invalid(format!("Invalid tag: key {key}")));
        }
        if key.starts_with("aws:") {
            return Err(invalid(
                "Invalid tag key: tag keys starting with aws: are reserved",
            ));
        }
        out.insert(key.clone(), value.clone());
    }
    if out.len() > 50 {
        return Err(invalid("Too many tags: a resource may have at most 50"));
    }
    Ok(out)
}

/// `TableDescription` for `table` in `status`.
pub fn describe(table: &Table, status: &str, now_millis: u64) -> Value {
    let d = &table.definition;
    let key_schema = key_schema_json(&d.key_schema);
    // DynamoDB echoes attribute definitions sorted by name, whatever order they came in.
    let mut sorted: Vec<&(String, ScalarType)> = d.attribute_definitions.iter().collect();
    crate::sorting::sort_by(&mut sorted, |a, b| a.0.cmp(&b.0));
    let attribute_definitions: Vec<Value> = sorted
        .iter()
        .map(|(name, kind)| json!({"AttributeName": name, "AttributeType": kind.name()}))
        .collect();
    let (read, write) = match d.billing {
        BillingMode::Provisioned {
            read_capacity_units,
            write_capacity_units,
        } => (read_capacity_units, write_capacity_units),
        BillingMode::PayPerRequest => (0, 0),
    };
    let mut description = json!({
        "AttributeDefinitions": attribute_definitions,
        "TableName": d.name,
        "KeySchema": key_schema,
        "TableStatus": status,
        "CreationDateTime": d.created_at_millis as f64 / 1000.0,
        "ProvisionedThroughput": {
            "NumberOfDecreasesToday": 0,
            "ReadCapacityUnits": read,
            "WriteCapacityUnits": write,
        },
        "TableSizeBytes": table.size_bytes(),
        "ItemCount": table.item_count(),
        "TableArn": d.arn,
        "TableId": d.table_id,
        "DeletionProtectionEnabled": d.deletion_protection,
    });
    for (kind, member) in [
        (IndexKind::Global, "GlobalSecondaryIndexes"),
        (IndexKind::Local, "LocalSecondaryIndexes"),
    ] {
        let indexes: Vec<Value> = table
            .indexes()
            .iter()
            .filter(|i| i.definition.kind == kind)
            .map(|i| describe_index(i, now_millis))
            .collect();
        if !indexes.is_empty() {
            description[member] = Value::Array(indexes);
        }
    }
    let on_demand = d.billing == BillingMode::PayPerRequest;
    // A table that has been on demand keeps saying when it last switched to it.
    if let Some(since) = d.pay_per_request_since_millis {
        description["BillingModeSummary"] = json!({
            "BillingMode": if on_demand { "PAY_PER_REQUEST" } else { "PROVISIONED" },
            "LastUpdateToPayPerRequestDateTime": since as f64 / 1000.0,
        });
    }
    if on_demand {
        description["WarmThroughput"] = on_demand_warm_throughput();
    } else if d.throughput_history != Default::default() {
        let history = &d.throughput_history;
        let throughput = &mut description["ProvisionedThroughput"];
        throughput["NumberOfDecreasesToday"] = json!(history.decreases_today);
        if let Some(at) = history.last_increase_millis {
            throughput["LastIncreaseDateTime"] = json!(at as f64 / 1000.0);
        }
        if let Some(at) = history.last_decrease_millis {
            throughput["LastDecreaseDateTime"] = json!(at as f64 / 1000.0);
        }
    }
    if let Some(stream) = &d.stream {
        description["StreamSpecification"] =
            json!({"StreamEnabled": stream.enabled, "StreamViewType": stream.view_type});
        description["LatestStreamLabel"] = json!(stream.label);
        description["LatestStreamArn"] = json!(stream.arn);
    }
    #[cfg(feature = "extras")]
    if let Some(summary) = super::restore::restore_summary_json(d, now_millis) {
        description["RestoreSummary"] = summary;
    }
    if let Some(key) = &d.sse_kms_key_arn {
        description["SSEDescription"] =
            json!({"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": key});
    }
    if let Some((read, write)) = d.on_demand_maximum {
        description["OnDemandThroughput"] =
            json!({"MaxReadRequestUnits": read, "MaxWriteRequestUnits": write});
    }
    if let Some(class) = &d.table_class {
        description["TableClassSummary"] = json!({"TableClass": class});
    }
    #[cfg(feature = "extras")]
    if let Some(replicas) = crate::regions::replicas_json(d, now_millis) {
        description["Replicas"] = replicas;
        description["GlobalTableVersion"] = json!(crate::regions::GLOBAL_TABLE_VERSION);
        crate::mrsc::describe(d, now_millis, &mut description);
    }
    description
}

/// What a new on-demand table (or on-demand GSI) can serve at once, as DescribeTable shows it.
fn on_demand_warm_throughput() -> Value {
    json!({"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"})
}

fn key_schema_json(schema: &KeySchema) -> Vec<Value> {
    (schema.elements())
        .map(|(name, kind)| json!({"AttributeName": name, "KeyType": kind}))
        .collect()
}

/// One entry of `GlobalSecondaryIndexes` or `LocalSecondaryIndexes`.
fn describe_index(index: &Index, now_millis: u64) -> Value {
    let d = &index.definition;
    let mut projection = json!({"ProjectionType": d.projection.type_name()});
    if let Projection::Include(names) = &d.projection {
        let mut names = names.clone();
        crate::sorting::sort(&mut names);
        projection["NonKeyAttributes"] = json!(names);
    }
    let mut description = json!({
        "IndexName": d.name,
        "KeySchema": key_schema_json(&d.key_schema),
        "Projection": projection,
        "IndexSizeBytes": index.entries.size_bytes(),
        "ItemCount": index.entries.item_count(),
        "IndexArn": d.arn,
    });
    if d.kind == IndexKind::Global {
        if d.throughput.is_none() {
            description["WarmThroughput"] = on_demand_warm_throughput();
        }
        let (read, write) = d.throughput.unwrap_or((0, 0));
        if now_millis < d.active_from_millis {
            description["IndexStatus"] = json!("CREATING");
            description["Backfilling"] = json!(true);
        } else {
            description["IndexStatus"] = json!("ACTIVE");
        }
        description["ProvisionedThroughput"] = json!({"NumberOfDecreasesToday": 0, "ReadCapacityUnits": read, "WriteCapacityUnits": write});
    }
    description
}

/// DeleteTable's answer: the table as it goes, without its schema, indexes or creation
/// time (DynamoDB leaves those out).
fn describe_deleting(table: &Table, now_millis: u64) -> Value {
    let mut description = describe(table, "DELETING", now_millis);
    if let Some(members) = description.as_object_mut() {
        for member in [
            "CreationDateTime",
            "KeySchema",
            "AttributeDefinitions",
            "GlobalSecondaryIndexes",
            "LocalSecondaryIndexes",
        ] {
            members.remove(member);
        }
    }
    description
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableNameRequest {
    pub table_name: Option<String>,
}

fn named_table(request: &TableNameRequest) -> Result<&str, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.finish()?;
    Ok(request.table_name.as_deref().expect("checked"))
}

pub fn describe_table(
    engine: &mut Engine,
    request: TableNameRequest,
) -> Result<Vec<u8>, DynamoError> {
    let name = named_table(&request)?;
    let now = engine.now_millis();
    if let Some((table, _)) = engine.deleting.get(name) {
        return respond(&json!({ "Table": describe(table, "DELETING", now) }));
    }
    let table = engine
        .tables
        .get(name)
        .ok_or_else(|| DynamoError::table_not_found(name))?;
    let status = table.definition.status(now);
    respond(&json!({ "Table": describe(table, status, now) }))
}

pub fn delete_table(
    engine: &mut Engine,
    request: TableNameRequest,
) -> Result<Vec<u8>, DynamoError> {
    let name = named_table(&request)?;
    let table = engine
        .tables
        .get(name)
        .ok_or_else(|| DynamoError::table_not_found(name))?;
    if table.definition.deletion_protection {
        return Err(DynamoError::validation(
            "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
        ));
    }
    let now = engine.now_millis();
    let description = describe_deleting(table, now);
    let removed = engine.tables.remove(name).expect("found above");
    #[cfg(feature = "extras")]
    let removed_definition = removed.definition.clone();
    #[cfg(feature = "extras")]
    engine.pitr.remove(name);
    // With a control-plane delay the table stays visible as DELETING until it is gone;
    // item operations no longer find it.
    let delay = engine.config.control_plane_millis;
    if delay > 0 {
        engine
            .deleting
            .insert(name.to_owned(), (removed, now + delay));
    }
    let table = engine.log.stored_name(name);
    engine.record(|| crate::persist::Change::DeleteTable { table });
    // A replica's settings are shared with its group (simulation settings are by name).
    #[cfg(feature = "extras")]
    let shared = !removed_definition.replicas.is_empty();
    #[cfg(not(feature = "extras"))]
    let shared = false;
    if !shared && engine.table_simulation.remove(name).is_some() {
        engine.record_simulation(Some(name));
    }
    // A replica leaves its group; the other members' Replicas follow.
    #[cfg(feature = "extras")]
    engine.leave_group(name, &removed_definition);
    respond(&json!({ "TableDescription": description }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTablesRequest {
    pub exclusive_start_table_name: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListTablesResponse<'a> {
    table_names: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_evaluated_table_name: Option<&'a str>,
}

pub fn list_tables(
    engine: &mut Engine,
    request: ListTablesRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    if request.exclusive_start_table_name.is_some() {
        v.table_name(
            "exclusiveStartTableName",
            request.exclusive_start_table_name.as_deref(),
        );
    }
    v.at_least("limit", request.limit, 1);
    v.at_most("limit", request.limit, 100);
    v.finish()?;
    let limit = request.limit.unwrap_or(100) as usize;
    let start = request.exclusive_start_table_name.as_deref();
    let mut all: Vec<&str> = engine
        .table_names()
        .chain(engine.deleting.keys().map(String::as_str))
        .collect();
    crate::sorting::sort(&mut all);
    let mut names: Vec<&str> = all
        .into_iter()
        .filter(|n| start.is_none_or(|s| *n > s))
        .take(limit + 1)
        .collect();
    let more = names.len() > limit;
    names.truncate(limit);
    let last = if more { names.last().copied() } else { None };
    respond(&ListTablesResponse {
        table_names: names,
        last_evaluated_table_name: last,
    })
}
