//! The global tables operations of version 2017.11.29 (Legacy): CreateGlobalTable,
//! UpdateGlobalTable, DescribeGlobalTable, ListGlobalTables, DescribeGlobalTableSettings and
//! UpdateGlobalTableSettings (`extras` only), answered as DynamoDB answers them today. AWS no
//! longer creates legacy global tables: CreateGlobalTable, and UpdateGlobalTable adding a
//! replica, are refused with a ValidationException recommending version 2019.11.21, before
//! any table is looked at. So no legacy global table exists: the reads find none (a table
//! made global with UpdateTable's ReplicaUpdates, version 2019.11.21, is not one either) and
//! ListGlobalTables lists none. The messages were observed against DynamoDB (see
//! docs/compatibility.md).

use serde::Deserialize;
use serde_json::json;

use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};

/// The regions that ever served version 2017.11.29.
const LEGACY_REGIONS: &[&str] = &[
    "eu-west-2",
    "eu-west-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-2",
    "eu-central-1",
    "ap-northeast-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

const NOT_SUPPORTED: &str = "One or more parameter values were invalid: DynamoDB global tables version 2017.11.29 is not supported. We recommend using DynamoDB global tables version 2019.11.21, instead of version 2017.11.29 (Legacy).";

/// A replica region where the legacy version never ran.
fn not_supported_in(region: &str) -> DynamoError {
    DynamoError::validation(format!(
        "One or more parameter values were invalid: DynamoDB global tables version 2017.11.29 is not supported in this region '{region}', supported regions are : [{}]",
        LEGACY_REGIONS.join(", ")
    ))
}

/// DescribeGlobalTable's and UpdateGlobalTable's not-found error.
fn global_table_not_found(name: &str) -> DynamoError {
    DynamoError::new(
        ErrorKind::GlobalTableNotFoundException,
        format!("Global table not found: Global table with name: '{name}' does not exist."),
    )
}

/// The settings operations' not-found error.
fn settings_not_found(name: &str) -> DynamoError {
    DynamoError::new(
        ErrorKind::GlobalTableNotFoundException,
        format!("Global table with name: '{name}' does not exist."),
    )
}

/// `{"RegionName": ...}`, the members of ReplicationGroup and of the replica actions.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegionArg {
    pub region_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGlobalTableRequest {
    pub global_table_name: Option<String>,
    pub replication_group: Option<Vec<RegionArg>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateGlobalTableRequest {
    pub global_table_name: Option<String>,
    pub replica_updates: Option<Vec<LegacyReplicaUpdate>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LegacyReplicaUpdate {
    pub create: Option<RegionArg>,
    pub delete: Option<RegionArg>,
}

/// DescribeGlobalTable, DescribeGlobalTableSettings and UpdateGlobalTableSettings: only the
/// name matters, every other member is read and ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GlobalTableNameRequest {
    pub global_table_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGlobalTablesRequest {
    pub exclusive_start_global_table_name: Option<String>,
    pub limit: Option<i64>,
    pub region_name: Option<String>,
}

fn check_name(v: &mut Violations, name: &Option<String>) {
    v.table_name("globalTableName", name.as_deref());
}

pub fn create_global_table(
    _engine: &mut Engine,
    request: CreateGlobalTableRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    check_name(&mut v, &request.global_table_name);
    v.not_null("replicationGroup", &request.replication_group);
    v.finish()?;
    for replica in request.replication_group.iter().flatten() {
        let region = replica.region_name.as_deref().unwrap_or_default();
        if !LEGACY_REGIONS.contains(&region) {
            return Err(not_supported_in(region));
        }
    }
    Err(DynamoError::validation(NOT_SUPPORTED))
}

pub fn update_global_table(
    _engine: &mut Engine,
    request: UpdateGlobalTableRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    check_name(&mut v, &request.global_table_name);
    v.not_null("replicaUpdates", &request.replica_updates);
    v.finish()?;
    let name = request.global_table_name.expect("checked");
    let updates = request.replica_updates.expect("checked");
    if updates.is_empty() {
        return Err(DynamoError::validation(
            "One or more parameter values were invalid",
        ));
    }
    let mut deleted = Vec::new();
    let mut creates = false;
    for update in &updates {
        match (&update.create, &update.delete) {
            (Some(_), Some(_)) => {
                return Err(DynamoError::validation(
                    "One or more parameter values were invalid: A ReplicaUpdate structure cannot contain both a create replica action and a delete replica action",
                ));
            }
            (Some(_), None) => creates = true,
            (None, Some(delete)) => deleted.push(delete.region_name.as_deref().unwrap_or_default()),
            (None, None) => {
                return Err(DynamoError::validation(
                    "One or more parameter values were invalid",
                ));
            }
        }
    }
    // Adding a replica is refused before the global table is looked for.
    if creates {
        return Err(DynamoError::validation(NOT_SUPPORTED));
    }
    if let Some(region) = deleted.iter().find(|r| !LEGACY_REGIONS.contains(r)) {
        return Err(not_supported_in(region));
    }
    Err(global_table_not_found(&name))
}

/// The request's GlobalTableName, once it meets the table-name rules.
fn checked_name(request: GlobalTableNameRequest) -> Result<String, DynamoError> {
    let mut v = Violations::new();
    check_name(&mut v, &request.global_table_name);
    v.finish()?;
    Ok(request.global_table_name.expect("checked"))
}

pub fn describe_global_table(
    _engine: &mut Engine,
    request: GlobalTableNameRequest,
) -> Result<Vec<u8>, DynamoError> {
    Err(global_table_not_found(&checked_name(request)?))
}

pub fn describe_global_table_settings(
    _engine: &mut Engine,
    request: GlobalTableNameRequest,
) -> Result<Vec<u8>, DynamoError> {
    Err(settings_not_found(&checked_name(request)?))
}

pub fn update_global_table_settings(
    _engine: &mut Engine,
    request: GlobalTableNameRequest,
) -> Result<Vec<u8>, DynamoError> {
    Err(settings_not_found(&checked_name(request)?))
}

pub fn list_global_tables(
    _engine: &mut Engine,
    request: ListGlobalTablesRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    if request.exclusive_start_global_table_name.is_some() {
        v.table_name(
            "exclusiveStartGlobalTableName",
            request.exclusive_start_global_table_name.as_deref(),
        );
    }
    v.at_least("limit", request.limit, 1);
    v.finish()?;
    let _ = request.region_name;
    respond(&json!({"GlobalTables": []}))
}
