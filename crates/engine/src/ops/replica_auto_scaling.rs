//! UpdateTableReplicaAutoScaling and DescribeTableReplicaAutoScaling (`extras` only): a
//! table's auto scaling settings across its replicas (`crate::auto_scaling`), kept in every
//! member's definition and described as `TableAutoScalingDescription`. The settings are not
//! acted on: provisioned capacity stays as set.

use serde::Deserialize;
use serde_json::{Value, json};

use super::validate::Violations;
use crate::auto_scaling::{AutoScaling, ScalingPolicy, ScalingSettings};
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::index::IndexKind;
use crate::table::{BillingMode, TableDefinition};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRequest {
    pub table_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateRequest {
    pub table_name: Option<String>,
    pub provisioned_write_capacity_auto_scaling_update: Option<SettingsUpdate>,
    pub global_secondary_index_updates: Option<Vec<IndexUpdate>>,
    pub replica_updates: Option<Vec<ReplicaUpdate>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IndexUpdate {
    pub index_name: Option<String>,
    pub provisioned_write_capacity_auto_scaling_update: Option<SettingsUpdate>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicaUpdate {
    pub region_name: Option<String>,
    pub replica_provisioned_read_capacity_auto_scaling_update: Option<SettingsUpdate>,
    pub replica_global_secondary_index_updates: Option<Vec<ReplicaIndexUpdate>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicaIndexUpdate {
    pub index_name: Option<String>,
    pub provisioned_read_capacity_auto_scaling_update: Option<SettingsUpdate>,
}

/// AutoScalingSettingsUpdate.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SettingsUpdate {
    pub minimum_units: Option<i64>,
    pub maximum_units: Option<i64>,
    pub auto_scaling_disabled: Option<bool>,
    pub auto_scaling_role_arn: Option<String>,
    pub scaling_policy_update: Option<PolicyUpdate>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyUpdate {
    pub policy_name: Option<String>,
    pub target_tracking_scaling_policy_configuration: Option<TargetTracking>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TargetTracking {
    pub disable_scale_in: Option<bool>,
    pub scale_in_cooldown: Option<i64>,
    pub scale_out_cooldown: Option<i64>,
    pub target_value: Option<f64>,
}

pub fn describe_table_replica_auto_scaling(
    engine: &mut Engine,
    request: DescribeRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.finish()?;
    let name = request.table_name.expect("checked");
    let table = (engine.tables.get(&name)).ok_or_else(|| DynamoError::table_not_found(&name))?;
    let now = engine.now_millis();
    let status = table.definition.status(now);
    respond(&json!({"TableAutoScalingDescription": description(engine, &name, status)}))
}

pub fn update_table_replica_auto_scaling(
    engine: &mut Engine,
    request: UpdateRequest,
) -> Result<Vec<u8>, DynamoError> {
    check_shape(&request)?;
    let name = request.table_name.clone().expect("checked");
    let now = engine.now_millis();
    let table = (engine.tables.get(&name)).ok_or_else(|| DynamoError::table_not_found(&name))?;
    let definition = &table.definition;
    if definition.status(now) != "ACTIVE" {
        return Err(DynamoError::new(
            ErrorKind::ResourceInUseException,
            format!(
                "Attempt to change a resource which is still in use: Table is being updated: {name}"
            ),
        ));
    }
    if matches!(definition.billing, BillingMode::PayPerRequest) {
        return Err(DynamoError::validation(format!(
            "Auto scaling cannot be configured for table {name}: its billing mode is PAY_PER_REQUEST"
        )));
    }
    let regions = member_regions(definition, &engine.config.region);
    let mut settings = definition.auto_scaling.clone();
    if let Some(update) = &request.provisioned_write_capacity_auto_scaling_update {
        apply(&mut settings.write, update)?;
    }
    for update in request.global_secondary_index_updates.iter().flatten() {
        let index = global_index(definition, &name, update.index_name.as_deref())?;
        if let Some(u) = &update.provisioned_write_capacity_auto_scaling_update {
            let mut current = settings.index_write.get(index).cloned();
            apply(&mut current, u)?;
            settings
                .index_write
                .insert(index.to_owned(), current.expect("set"));
        }
    }
    for update in request.replica_updates.iter().flatten() {
        let region = update.region_name.clone().expect("checked");
        if !regions.contains(&region) {
            return Err(DynamoError::validation(format!(
                "Table {name} has no replica in the region {region}"
            )));
        }
        if let Some(u) = &update.replica_provisioned_read_capacity_auto_scaling_update {
            let mut current = settings.read.get(&region).cloned();
            apply(&mut current, u)?;
            settings.read.insert(region.clone(), current.expect("set"));
        }
        for index_update in update
            .replica_global_secondary_index_updates
            .iter()
            .flatten()
        {
            let index = global_index(definition, &name, index_update.index_name.as_deref())?;
            if let Some(u) = &index_update.provisioned_read_capacity_auto_scaling_update {
                let indexes = settings.index_read.entry(region.clone()).or_default();
                let mut current = indexes.get(index).cloned();
                apply(&mut current, u)?;
                indexes.insert(index.to_owned(), current.expect("set"));
            }
        }
    }
    let status = definition.status(now);
    engine.update_members(&name, &regions, |d| d.auto_scaling = settings.clone());
    respond(&json!({"TableAutoScalingDescription": description(engine, &name, status)}))
}

/// The request's shape, as DynamoDB's validation layer words it.
fn check_shape(request: &UpdateRequest) -> Result<(), DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    let check = |v: &mut Violations, field: &str, update: &Option<SettingsUpdate>| {
        let Some(update) = update else { return };
        v.at_least(&format!("{field}.minimumUnits"), update.minimum_units, 1);
        v.at_least(&format!("{field}.maximumUnits"), update.maximum_units, 1);
        if let Some(policy) = &update.scaling_policy_update {
            let config =
                format!("{field}.scalingPolicyUpdate.targetTrackingScalingPolicyConfiguration");
            match &policy.target_tracking_scaling_policy_configuration {
                Some(t) => v.not_null(&format!("{config}.targetValue"), &t.target_value),
                None => v.not_null::<()>(&config, &None),
            }
        }
    };
    let write = "provisionedWriteCapacityAutoScalingUpdate";
    check(
        &mut v,
        write,
        &request.provisioned_write_capacity_auto_scaling_update,
    );
    for (name, list) in [
        (
            "globalSecondaryIndexUpdates",
            request
                .global_secondary_index_updates
                .as_ref()
                .map(Vec::len),
        ),
        (
            "replicaUpdates",
            request.replica_updates.as_ref().map(Vec::len),
        ),
    ] {
        if list == Some(0) {
            v.push(
                "[]",
                name,
                "Member must have length greater than or equal to 1",
            );
        }
    }
    for (i, update) in request
        .global_secondary_index_updates
        .iter()
        .flatten()
        .enumerate()
    {
        let field = format!("globalSecondaryIndexUpdates.{}.member", i + 1);
        if update.index_name.is_some() {
            v.table_name(&format!("{field}.indexName"), update.index_name.as_deref());
        }
        check(
            &mut v,
            &format!("{field}.{write}"),
            &update.provisioned_write_capacity_auto_scaling_update,
        );
    }
    for (i, update) in request.replica_updates.iter().flatten().enumerate() {
        let field = format!("replicaUpdates.{}.member", i + 1);
        v.not_null(&format!("{field}.regionName"), &update.region_name);
        check(
            &mut v,
            &format!("{field}.replicaProvisionedReadCapacityAutoScalingUpdate"),
            &update.replica_provisioned_read_capacity_auto_scaling_update,
        );
        for (j, index) in update
            .replica_global_secondary_index_updates
            .iter()
            .flatten()
            .enumerate()
        {
            let index_field = format!(
                "{field}.replicaGlobalSecondaryIndexUpdates.{}.member",
                j + 1
            );
            check(
                &mut v,
                &format!("{index_field}.provisionedReadCapacityAutoScalingUpdate"),
                &index.provisioned_read_capacity_auto_scaling_update,
            );
        }
    }
    v.finish()
}

/// The global index `index` names, or DynamoDB's not-found error.
fn global_index<'a>(
    definition: &'a TableDefinition,
    table: &str,
    index: Option<&str>,
) -> Result<&'a str, DynamoError> {
    let index = index.unwrap_or_default();
    match definition.index(index) {
        Some(found) if found.kind == IndexKind::Global => Ok(&found.name),
        _ => Err(DynamoError::index_not_found(table, index)),
    }
}

/// `current` with `update` applied; the result must name its bounds, in order.
fn apply(
    current: &mut Option<ScalingSettings>,
    update: &SettingsUpdate,
) -> Result<(), DynamoError> {
    let mut settings = current.clone().unwrap_or_default();
    if update.minimum_units.is_some() {
        settings.minimum_units = update.minimum_units;
    }
    if update.maximum_units.is_some() {
        settings.maximum_units = update.maximum_units;
    }
    if update.auto_scaling_disabled.is_some() {
        settings.disabled = update.auto_scaling_disabled;
    }
    if update.auto_scaling_role_arn.is_some() {
        settings.role_arn = update.auto_scaling_role_arn.clone();
    }
    if let Some(policy) = &update.scaling_policy_update {
        let t = policy
            .target_tracking_scaling_policy_configuration
            .as_ref()
            .expect("checked");
        settings.policy = Some(ScalingPolicy {
            name: policy.policy_name.clone(),
            disable_scale_in: t.disable_scale_in,
            scale_in_cooldown: t.scale_in_cooldown,
            scale_out_cooldown: t.scale_out_cooldown,
            target_value: t.target_value.expect("checked"),
        });
    }
    match (settings.minimum_units, settings.maximum_units) {
        (Some(min), Some(max)) if min > max => {
            return Err(DynamoError::validation(format!(
                "MinimumUnits ({min}) cannot be greater than MaximumUnits ({max})"
            )));
        }
        (None, _) | (_, None) if settings.disabled != Some(true) => {
            return Err(DynamoError::validation(
                "Auto scaling needs both MinimumUnits and MaximumUnits",
            ));
        }
        _ => {}
    }
    *current = Some(settings);
    Ok(())
}

/// Every region holding a replica of the table, `own` first (a table with no replicas is
/// its own only replica).
fn member_regions(definition: &TableDefinition, own: &str) -> Vec<String> {
    let mut regions = vec![own.to_owned()];
    regions.extend(
        (definition.replicas.iter())
            .map(|r| r.region_name.clone())
            .filter(|r| r != own),
    );
    regions
}

/// TableAutoScalingDescription of `name` (current region).
fn description(engine: &mut Engine, name: &str, status: &str) -> Value {
    let definition = engine.tables[name].definition.clone();
    let settings: &AutoScaling = &definition.auto_scaling;
    let now = engine.now_millis();
    let replicas: Vec<Value> = member_regions(&definition, &engine.config.region)
        .into_iter()
        .map(|region| {
            let replica_status = engine.in_region(&region, |e| {
                (e.tables.get(name)).map(|t| match t.definition.status(now) {
                    "CREATING" => "CREATING",
                    _ => "ACTIVE",
                })
            });
            let mut replica = json!({
                "RegionName": region,
                "ReplicaStatus": replica_status.unwrap_or("ACTIVE"),
            });
            let indexes: Vec<Value> = (definition.indexes.iter())
                .filter(|i| i.kind == IndexKind::Global)
                .map(|index| {
                    let mut described = json!({"IndexName": index.name, "IndexStatus": "ACTIVE"});
                    let read = settings
                        .index_read
                        .get(&region)
                        .and_then(|m| m.get(&index.name));
                    if let Some(read) = read {
                        described["ProvisionedReadCapacityAutoScalingSettings"] = read.to_json();
                    }
                    if let Some(write) = settings.index_write.get(&index.name) {
                        described["ProvisionedWriteCapacityAutoScalingSettings"] = write.to_json();
                    }
                    described
                })
                .collect();
            if !indexes.is_empty() {
                replica["GlobalSecondaryIndexes"] = json!(indexes);
            }
            if let Some(read) = settings.read.get(&region) {
                replica["ReplicaProvisionedReadCapacityAutoScalingSettings"] = read.to_json();
            }
            if let Some(write) = &settings.write {
                replica["ReplicaProvisionedWriteCapacityAutoScalingSettings"] = write.to_json();
            }
            replica
        })
        .collect();
    json!({"TableName": name, "TableStatus": status, "Replicas": replicas})
}
