//! UpdateTable: throughput, billing mode, global index creation (with backfill) and
//! deletion, streams, deletion protection and table class. The response shows the table
//! UPDATING; DescribeTable shows ACTIVE again once the control-plane delay has passed.

use serde::Deserialize;
use serde_json::json;

use super::tables::{
    AttributeDefinitionArg, KeySchemaElementArg, ProjectionArg, StreamSpecificationArg,
    ThroughputArg, check_key_name_lengths, check_throughput_shape, describe,
    global_index_key_schema, invalid, stream_of,
};
use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::index::{IndexDefinition, IndexKind, Projection};
use crate::key::{KeyAttribute, ScalarType};
use crate::table::{BillingMode, Table, TableDefinition};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateTableRequest {
    pub table_name: Option<String>,
    pub attribute_definitions: Option<Vec<AttributeDefinitionArg>>,
    pub billing_mode: Option<String>,
    pub provisioned_throughput: Option<ThroughputArg>,
    pub global_secondary_index_updates: Option<Vec<IndexUpdateArg>>,
    pub stream_specification: Option<StreamSpecificationArg>,
    pub deletion_protection_enabled: Option<bool>,
    pub table_class: Option<String>,
    #[serde(rename = "SSESpecification")]
    pub sse_specification: Option<serde_json::Value>,
    pub on_demand_throughput: Option<super::tables::OnDemandArg>,
    /// Global tables, version 2019.11.21 (`extras` only; the page ignores the member).
    #[cfg(feature = "extras")]
    pub replica_updates: Option<Vec<super::replica_updates::ReplicaUpdateArg>>,
    /// Multi-Region strong consistency of a new global table (`extras` only).
    #[cfg(feature = "extras")]
    pub multi_region_consistency: Option<String>,
    #[cfg(feature = "extras")]
    pub global_table_witness_updates: Option<Vec<super::replica_updates::WitnessUpdateArg>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IndexUpdateArg {
    pub create: Option<CreateIndexArg>,
    pub update: Option<UpdateIndexArg>,
    pub delete: Option<DeleteIndexArg>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateIndexArg {
    pub index_name: Option<String>,
    pub key_schema: Option<Vec<KeySchemaElementArg>>,
    pub projection: Option<ProjectionArg>,
    pub provisioned_throughput: Option<ThroughputArg>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateIndexArg {
    pub index_name: Option<String>,
    pub provisioned_throughput: Option<ThroughputArg>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteIndexArg {
    pub index_name: Option<String>,
}

/// Largest provisioned throughput DynamoDB's request validation accepts.
const MAX_THROUGHPUT: i64 = 1_000_000_000_000;

const NOTHING_TO_UPDATE: &str = "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required";

fn has_any_change(request: &UpdateTableRequest) -> bool {
    changes_the_table(request) || group_change(request).is_some()
}

/// Whether the request changes the table itself (anything but its replicas).
fn changes_the_table(request: &UpdateTableRequest) -> bool {
    request.billing_mode.is_some()
        || request.provisioned_throughput.is_some()
        || request
            .global_secondary_index_updates
            .as_ref()
            .is_some_and(|u| !u.is_empty())
        || request.stream_specification.is_some()
        || request.deletion_protection_enabled.is_some()
        || request.table_class.is_some()
        || request.sse_specification.is_some()
        || request.on_demand_throughput.is_some()
}

/// What the request asks of the table's replication group (`ReplicaUpdates`,
/// `MultiRegionConsistency`, `GlobalTableWitnessUpdates`), when it asks anything.
#[cfg(feature = "extras")]
fn group_change(request: &UpdateTableRequest) -> Option<super::replica_updates::GroupChange<'_>> {
    let change = super::replica_updates::GroupChange {
        replicas: request.replica_updates.as_deref().unwrap_or_default(),
        consistency: request.multi_region_consistency.as_deref(),
        witnesses: (request.global_table_witness_updates.as_deref()).unwrap_or_default(),
    };
    let asked = !change.replicas.is_empty()
        || change.consistency.is_some()
        || request.global_table_witness_updates.is_some();
    asked.then_some(change)
}

#[cfg(not(feature = "extras"))]
fn group_change(_request: &UpdateTableRequest) -> Option<()> {
    None
}

/// Whether the request only deletes a global index that is still being created: DynamoDB
/// allows that while the table is UPDATING for the index's backfill (the API Reference's
/// GlobalSecondaryIndexDescription: an index CREATING with Backfilling true can be deleted).
fn deletes_a_backfilling_index(request: &UpdateTableRequest, table: &Table, now: u64) -> bool {
    let updates = request
        .global_secondary_index_updates
        .as_deref()
        .unwrap_or_default();
    let [
        IndexUpdateArg {
            delete: Some(delete),
            create: None,
            update: None,
        },
    ] = updates
    else {
        return false;
    };
    let only_that = request.billing_mode.is_none()
        && request.provisioned_throughput.is_none()
        && request.stream_specification.is_none()
        && request.deletion_protection_enabled.is_none()
        && request.table_class.is_none()
        && request.sse_specification.is_none()
        && request.on_demand_throughput.is_none();
    let backfilling = |name: &str| {
        table.indexes().iter().any(|i| {
            i.definition.name == name
                && i.definition.kind == IndexKind::Global
                && now < i.definition.active_from_millis
        })
    };
    only_that && delete.index_name.as_deref().is_some_and(backfilling)
}

fn throughput_pair(t: &ThroughputArg) -> (u64, u64) {
    (
        t.read_capacity_units.unwrap_or(1) as u64,
        t.write_capacity_units.unwrap_or(1) as u64,
    )
}

/// The billing mode after the update, with DynamoDB's rules for switching.
fn new_billing(
    current: BillingMode,
    request: &UpdateTableRequest,
) -> Result<BillingMode, DynamoError> {
    let throughput = request.provisioned_throughput.as_ref().map(throughput_pair);
    let mode = request.billing_mode.as_deref();
    match (mode, current, throughput) {
        (Some("PAY_PER_REQUEST"), _, Some(_)) => Err(invalid(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        )),
        (Some("PAY_PER_REQUEST"), _, None) => Ok(BillingMode::PayPerRequest),
        (None, BillingMode::PayPerRequest, Some(_)) => Err(invalid(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        )),
        (Some("PROVISIONED"), BillingMode::PayPerRequest, None) => Err(invalid(
            "ProvisionedThroughput must be specified when BillingMode is PROVISIONED",
        )),
        (_, _, Some((read, write))) => {
            if let BillingMode::Provisioned {
                read_capacity_units,
                write_capacity_units,
            } = current
                && (read, write) == (read_capacity_units, write_capacity_units)
            {
                return Err(DynamoError::validation(format!(
                    "The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: {read_capacity_units}. Requested ReadCapacityUnits: {read}. Current WriteCapacityUnits provisioned for the table: {write_capacity_units}. Requested WriteCapacityUnits: {write}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
                )));
            }
            Ok(BillingMode::Provisioned {
                read_capacity_units: read,
                write_capacity_units: write,
            })
        }
        (_, current, None) => Ok(current),
    }
}

/// Records when provisioned throughput rose or fell.
fn note_throughput_change(
    definition: &mut TableDefinition,
    old: BillingMode,
    new: BillingMode,
    now: u64,
) {
    if let (
        BillingMode::Provisioned {
            read_capacity_units: r0,
            write_capacity_units: w0,
        },
        BillingMode::Provisioned {
            read_capacity_units: r1,
            write_capacity_units: w1,
        },
    ) = (old, new)
    {
        if r1 > r0 || w1 > w0 {
            definition.throughput_history.last_increase_millis = Some(now);
        }
        if r1 < r0 || w1 < w0 {
            definition.throughput_history.last_decrease_millis = Some(now);
            definition.throughput_history.decreases_today += 1;
        }
    }
}

/// A global index that UpdateTable creates, checked against the request's definitions.
fn new_index(
    create: &CreateIndexArg,
    request: &UpdateTableRequest,
    definition: &TableDefinition,
    billing: BillingMode,
) -> Result<IndexDefinition, DynamoError> {
    let name = create.index_name.clone().unwrap_or_default();
    let elements = create.key_schema.as_deref().unwrap_or_default();
    if elements.is_empty() {
        return Err(invalid(format!(
            "Index KeySchema is empty for index: {name}"
        )));
    }
    let definitions: Vec<(String, ScalarType)> = request
        .attribute_definitions
        .iter()
        .flatten()
        .filter_map(|d| {
            Some((
                d.attribute_name.clone()?,
                ScalarType::parse(d.attribute_type.as_deref()?)?,
            ))
        })
        .collect();
    let attribute = |attr_name: &str| -> Result<KeyAttribute, DynamoError> {
        let attr_name = attr_name.to_owned();
        let kind = definitions
            .iter()
            .find(|(n, _)| *n == attr_name)
            .map(|(_, k)| *k)
            .ok_or_else(|| {
                let names: Vec<&str> = definitions.iter().map(|(n, _)| n.as_str()).collect();
                invalid(format!(
                    "Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
                    elements.iter().filter_map(|e| e.attribute_name.as_deref()).collect::<Vec<_>>().join(", "),
                    names.join(", ")
                ))
            })?;
        Ok(KeyAttribute {
            name: attr_name,
            kind,
        })
    };
    check_key_name_lengths(elements.iter().filter_map(|e| e.attribute_name.as_deref()))?;
    // An attribute the table already defines keeps its type.
    for (name, kind) in &definitions {
        if let Some((_, existing)) = definition
            .attribute_definitions
            .iter()
            .find(|(n, _)| n == name)
            && existing != kind
        {
            return Err(invalid(format!(
                "Attributes cannot be redefined. Attribute: {name}, existing type: {}, new type: {}",
                existing.name(),
                kind.name()
            )));
        }
    }
    let key_schema = global_index_key_schema(elements, &attribute)?;
    let projection = match create
        .projection
        .as_ref()
        .and_then(|p| p.projection_type.as_deref())
    {
        Some("ALL") => Projection::All,
        Some("KEYS_ONLY") => Projection::KeysOnly,
        Some("INCLUDE") => Projection::Include(
            create
                .projection
                .as_ref()
                .and_then(|p| p.non_key_attributes.clone())
                .unwrap_or_default(),
        ),
        other => {
            return Err(invalid(format!(
                "Unknown ProjectionType: {}",
                other.unwrap_or("null")
            )));
        }
    };
    let throughput = match (billing, &create.provisioned_throughput) {
        (BillingMode::PayPerRequest, Some(_)) => {
            return Err(invalid(format!(
                "ProvisionedThroughput should not be specified for index: {name} when BillingMode is PAY_PER_REQUEST"
            )));
        }
        (BillingMode::PayPerRequest, None) => None,
        (BillingMode::Provisioned { .. }, None) => {
            return Err(invalid(format!(
                "ProvisionedThroughput must be specified for index: {name}"
            )));
        }
        (BillingMode::Provisioned { .. }, Some(t)) => Some(throughput_pair(t)),
    };
    Ok(IndexDefinition {
        arn: format!("{}/index/{name}", definition.arn),
        name,
        kind: IndexKind::Global,
        key_schema,
        projection,
        throughput,
        active_from_millis: 0,
    })
}

pub fn update_table(
    engine: &mut Engine,
    request: UpdateTableRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.one_of(
        "billingMode",
        request.billing_mode.as_deref(),
        &["PROVISIONED", "PAY_PER_REQUEST"],
    );
    v.one_of(
        "tableClass",
        request.table_class.as_deref(),
        &["STANDARD", "STANDARD_INFREQUENT_ACCESS"],
    );
    check_throughput_shape(
        &mut v,
        "provisionedThroughput",
        &request.provisioned_throughput,
    );
    for (i, update) in request
        .global_secondary_index_updates
        .iter()
        .flatten()
        .enumerate()
    {
        if let Some(create) = &update.create {
            let field = format!("globalSecondaryIndexUpdates.{}.member.create", i + 1);
            v.table_name(&format!("{field}.indexName"), create.index_name.as_deref());
            check_throughput_shape(
                &mut v,
                &format!("{field}.provisionedThroughput"),
                &create.provisioned_throughput,
            );
        }
    }
    #[cfg(feature = "extras")]
    if let Some(change) = group_change(&request) {
        super::replica_updates::check_shape(&mut v, &change);
    }
    v.finish()?;
    if let Some(t) = &request.provisioned_throughput {
        for (value, name) in [
            (t.read_capacity_units, "ReadCapacityUnits"),
            (t.write_capacity_units, "WriteCapacityUnits"),
        ] {
            if let Some(value) = value.filter(|&v| v > MAX_THROUGHPUT) {
                return Err(DynamoError::validation(format!(
                    "Given value {value} for {name} is out of bounds"
                )));
            }
        }
    }
    if !has_any_change(&request) {
        return Err(DynamoError::validation(NOTHING_TO_UPDATE));
    }
    let name = request.table_name.clone().expect("checked");
    let now = engine.now_millis();
    let table = engine
        .tables
        .get(&name)
        .ok_or_else(|| DynamoError::table_not_found(&name))?;
    if table.definition.status(now) != "ACTIVE"
        && !deletes_a_backfilling_index(&request, table, now)
    {
        return Err(DynamoError::new(
            ErrorKind::ResourceInUseException,
            format!(
                "Attempt to change a resource which is still in use: Table is being updated: {name}"
            ),
        ));
    }
    #[cfg(feature = "extras")]
    if let Some(change) = group_change(&request) {
        let others = changes_the_table(&request);
        let description = super::replica_updates::update_replicas(engine, &name, &change, others)?;
        return respond(&json!({ "TableDescription": description }));
    }
    let old_billing = table.definition.billing;
    let billing = new_billing(old_billing, &request)?;

    // Work out every index change before applying any.
    let updates = request
        .global_secondary_index_updates
        .as_deref()
        .unwrap_or_default();
    let creates_and_deletes = updates
        .iter()
        .filter(|u| u.create.is_some() || u.delete.is_some())
        .count();
    if creates_and_deletes > 1 {
        return Err(DynamoError::new(
            ErrorKind::LimitExceededException,
            "Only 1 online index can be created or deleted simultaneously per table",
        ));
    }
    let mut created = None;
    let mut deleted = None;
    let mut throughput_changes = Vec::new();
    for update in updates {
        match (&update.create, &update.update, &update.delete) {
            (Some(create), None, None) => {
                let index_name = create.index_name.as_deref().unwrap_or_default();
                if table.definition.index(index_name).is_some() {
                    return Err(invalid(format!(
                        "Index with name: {index_name} already exists"
                    )));
                }
                created = Some(new_index(create, &request, &table.definition, billing)?);
            }
            (None, Some(change), None) => {
                let index_name = change.index_name.clone().unwrap_or_default();
                if table
                    .definition
                    .index(&index_name)
                    .is_none_or(|i| i.kind != IndexKind::Global)
                {
                    return Err(DynamoError::index_not_found(&name, &index_name));
                }
                throughput_changes.push((
                    index_name,
                    change.provisioned_throughput.as_ref().map(throughput_pair),
                ));
            }
            (None, None, Some(delete)) => {
                let index_name = delete.index_name.clone().unwrap_or_default();
                if table
                    .definition
                    .index(&index_name)
                    .is_some_and(|i| i.kind == IndexKind::Local)
                {
                    return Err(invalid(format!(
                        "Local secondary index {index_name} cannot be deleted: local indexes are fixed at table creation"
                    )));
                }
                if table
                    .definition
                    .index(&index_name)
                    .is_none_or(|i| i.kind != IndexKind::Global)
                {
                    return Err(DynamoError::index_not_found(&name, &index_name));
                }
                deleted = Some(index_name);
            }
            _ => {
                return Err(invalid(
                    "One of GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Update, or GlobalSecondaryIndexUpdate.Delete must be specified",
                ));
            }
        }
    }
    // Switching to provisioned capacity needs capacity for every global index kept.
    if old_billing == BillingMode::PayPerRequest && billing != BillingMode::PayPerRequest {
        let given = |name: &str| {
            throughput_changes
                .iter()
                .any(|(n, t)| n == name && t.is_some())
        };
        let missing: Vec<&str> = (table.definition.indexes.iter())
            .filter(|i| i.kind == IndexKind::Global && deleted.as_deref() != Some(i.name.as_str()))
            .map(|i| i.name.as_str())
            .filter(|n| !given(n))
            .collect();
        if !missing.is_empty() {
            return Err(invalid(format!(
                "ProvisionedThroughput must be specified for index: {}",
                missing.join(",")
            )));
        }
    }
    let table_arn = table.definition.arn.clone();
    let stream = match &request.stream_specification {
        Some(spec) => {
            let current = table.definition.stream.as_ref().filter(|s| s.enabled);
            match (spec.stream_enabled, current) {
                (Some(true), Some(_)) => {
                    return Err(DynamoError::validation(format!(
                        "Table already has an enabled stream: {table_arn}"
                    )));
                }
                (Some(false), None) => {
                    return Err(DynamoError::validation("Table already has stream disabled"));
                }
                _ => {}
            }
            Some(stream_of(engine, &table_arn, spec)?.map(|s| engine.streams.unique(s)))
        }
        None => None,
    };

    let on_demand = super::tables::on_demand_of(request.on_demand_throughput.as_ref())?;
    // Throughput accounts what was held until now before the allocations are divided anew.
    engine.capacity.state(&engine.tables[&name], now);
    let delay = engine.config.control_plane_millis;
    let table = engine.tables.get_mut(&name).expect("found above");
    let definition = &mut table.definition;
    note_throughput_change(definition, old_billing, billing, now);
    if billing == BillingMode::PayPerRequest && old_billing != BillingMode::PayPerRequest {
        definition.pay_per_request_since_millis = Some(now);
    }
    definition.billing = billing;
    definition.updating_until_millis = now + delay;
    if let Some(enabled) = request.deletion_protection_enabled {
        definition.deletion_protection = enabled;
    }
    if let Some(maximum) = on_demand {
        definition.on_demand_maximum = Some(maximum);
    }
    if let Some(class) = &request.table_class {
        definition.table_class = Some(class.clone());
    }
    match stream {
        Some(Some(new_stream)) => definition.stream = Some(new_stream),
        Some(None) => {
            if let Some(s) = &mut definition.stream {
                s.enabled = false;
            }
        }
        None => {}
    }
    for (index_name, throughput) in throughput_changes {
        table.set_index_throughput(&index_name, throughput);
    }
    if let Some(index_name) = &deleted {
        table.remove_index(index_name);
    }
    if let Some(mut index) = created {
        index.active_from_millis = now + delay;
        table.add_index(index);
    }
    // AttributeDefinitions list exactly the attributes some key uses.
    let definition = &mut table.definition;
    for attr in definition
        .indexes
        .iter()
        .flat_map(|i| i.key_schema.attributes())
    {
        if !definition
            .attribute_definitions
            .iter()
            .any(|(n, _)| *n == attr.name)
        {
            definition
                .attribute_definitions
                .push((attr.name.clone(), attr.kind));
        }
    }
    let used: Vec<String> = definition
        .key_schema
        .names()
        .chain(definition.indexes.iter().flat_map(|i| i.key_schema.names()))
        .map(str::to_owned)
        .collect();
    definition
        .attribute_definitions
        .retain(|(n, _)| used.contains(n));
    // Disabling closes the stream's open shards; enabling registers the new stream.
    crate::stream::sync(engine);
    engine.capacity.state(&engine.tables[&name], now);
    let table = &engine.tables[&name];
    let mut description = describe(table, "UPDATING", now);
    if let Some(index_name) = &created_name(&request) {
        mark_index(&mut description, index_name, "CREATING", Some(true));
    }
    if let Some(index_name) = &deleted {
        let definition = json!({"IndexName": index_name, "IndexStatus": "DELETING"});
        description["GlobalSecondaryIndexes"]
            .as_array_mut()
            .map(|a| a.push(definition.clone()))
            .unwrap_or_else(|| {
                description["GlobalSecondaryIndexes"] = json!([definition]);
            });
    }
    let definition = table.definition.clone();
    engine.record_table(&definition);
    respond(&json!({ "TableDescription": description }))
}

fn created_name(request: &UpdateTableRequest) -> Option<String> {
    request
        .global_secondary_index_updates
        .iter()
        .flatten()
        .find_map(|u| u.create.as_ref()?.index_name.clone())
}

/// Sets an index's status (and backfilling flag) in a table description.
fn mark_index(
    description: &mut serde_json::Value,
    index_name: &str,
    status: &str,
    backfilling: Option<bool>,
) {
    for index in description["GlobalSecondaryIndexes"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        if index["IndexName"] == index_name {
            index["IndexStatus"] = json!(status);
            if let Some(flag) = backfilling {
                index["Backfilling"] = json!(flag);
            }
        }
    }
}
