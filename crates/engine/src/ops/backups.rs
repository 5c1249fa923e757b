//! On-demand backups: CreateBackup, DescribeBackup, ListBackups, DeleteBackup. A backup
//! keeps the table's definition and items as they were when it was made
//! ([`crate::backup::Backup`]); it is CREATING for the control-plane delay, then AVAILABLE,
//! and RestoreTableFromBackup (`ops::restore`) makes a new table from it.

use serde::Deserialize;
use serde_json::{Value, json};

use super::continuous_backups::table_not_found;
use super::tables::describe;
use super::validate::Violations;
use crate::backup::{Backup, backup_arn};
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::persist::Change;
use crate::table::Table;

/// ListBackups answers at most this many summaries a page (its Limit's upper bound).
const MAX_LIST_LIMIT: i64 = 100;

/// DescribeBackup's, DeleteBackup's and RestoreTableFromBackup's not-found error.
pub(crate) fn backup_not_found(arn: &str) -> DynamoError {
    DynamoError::new(
        ErrorKind::BackupNotFoundException,
        format!("Backup not found: {arn}"),
    )
}

/// The backup `arn` names.
pub(crate) fn backup_of<'a>(engine: &'a Engine, arn: &str) -> Result<&'a Backup, DynamoError> {
    engine.backups.get(arn).ok_or_else(|| backup_not_found(arn))
}

/// The backup `arn` names, once it is no longer being made (DeleteBackup and
/// RestoreTableFromBackup wait for that).
pub(crate) fn available_backup<'a>(
    engine: &'a Engine,
    arn: &str,
) -> Result<&'a Backup, DynamoError> {
    let backup = backup_of(engine, arn)?;
    if backup.status(engine.now_millis()) == "CREATING" {
        return Err(DynamoError::new(
            ErrorKind::BackupInUseException,
            format!("Backup is being created: {arn}"),
        ));
    }
    Ok(backup)
}

fn seconds(millis: u64) -> f64 {
    millis as f64 / 1000.0
}

/// `BackupDetails`.
fn details(backup: &Backup, status: &str) -> Value {
    json!({
        "BackupArn": backup.arn,
        "BackupName": backup.name,
        "BackupSizeBytes": backup.size_bytes,
        "BackupStatus": status,
        "BackupType": "USER",
        "BackupCreationDateTime": seconds(backup.created_at_millis),
    })
}

/// `BackupDescription`: the backup, and the source table's details and features as they
/// were when it was made.
fn backup_description(backup: &Backup, status: &str, now_millis: u64) -> Value {
    let table = Table::new(backup.definition.clone());
    let described = describe(&table, "ACTIVE", now_millis);
    let d = &backup.definition;
    let mut source = json!({
        "TableName": d.name,
        "TableId": d.table_id,
        "TableArn": d.arn,
        "TableSizeBytes": backup.size_bytes,
        "KeySchema": described["KeySchema"],
        "TableCreationDateTime": seconds(d.created_at_millis),
        "ProvisionedThroughput": {
            "ReadCapacityUnits": described["ProvisionedThroughput"]["ReadCapacityUnits"],
            "WriteCapacityUnits": described["ProvisionedThroughput"]["WriteCapacityUnits"],
        },
        "ItemCount": backup.items.len(),
        "BillingMode": if described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST" { "PAY_PER_REQUEST" } else { "PROVISIONED" },
    });
    if let Some(on_demand) = described.get("OnDemandThroughput") {
        source["OnDemandThroughput"] = on_demand.clone();
    }
    let mut features = json!({});
    for member in ["LocalSecondaryIndexes", "GlobalSecondaryIndexes"] {
        if let Some(indexes) = described[member].as_array() {
            let infos: Vec<Value> = indexes.iter().map(|i| index_info(i, member)).collect();
            features[member] = Value::Array(infos);
        }
    }
    if let Some(stream) = described.get("StreamSpecification") {
        features["StreamDescription"] = stream.clone();
    }
    if let Some(ttl) = &d.ttl {
        features["TimeToLiveDescription"] = json!({"TimeToLiveStatus": if ttl.enabled { "ENABLED" } else { "DISABLED" }, "AttributeName": ttl.attribute_name});
    }
    if let Some(sse) = described.get("SSEDescription") {
        features["SSEDescription"] = sse.clone();
    }
    json!({
        "BackupDetails": details(backup, status),
        "SourceTableDetails": source,
        "SourceTableFeatureDetails": features,
    })
}

/// A described index as `LocalSecondaryIndexInfo` / `GlobalSecondaryIndexInfo`.
fn index_info(index: &Value, member: &str) -> Value {
    let mut info = json!({
        "IndexName": index["IndexName"],
        "KeySchema": index["KeySchema"],
        "Projection": index["Projection"],
    });
    if member == "GlobalSecondaryIndexes" {
        let throughput = &index["ProvisionedThroughput"];
        info["ProvisionedThroughput"] = json!({
            "ReadCapacityUnits": throughput["ReadCapacityUnits"],
            "WriteCapacityUnits": throughput["WriteCapacityUnits"],
        });
    }
    info
}

/// A backup name: 3 to 255 characters of `[a-zA-Z0-9_.-]`, as a table name.
fn check_backup_name(v: &mut Violations, name: Option<&str>) {
    v.table_name("backupName", name);
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateBackupRequest {
    pub table_name: Option<String>,
    pub backup_name: Option<String>,
}

pub fn create_backup(
    engine: &mut Engine,
    request: CreateBackupRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    check_backup_name(&mut v, request.backup_name.as_deref());
    v.finish()?;
    let name = request.table_name.expect("checked");
    let now = engine.now_millis();
    let table = engine
        .tables
        .get(&name)
        .ok_or_else(|| table_not_found(&name))?;
    if table.definition.status(now) != "ACTIVE" {
        return Err(DynamoError::new(
            ErrorKind::TableInUseException,
            format!("Table is being updated: {name}"),
        ));
    }
    let items: Vec<_> = table
        .items()
        .walk(0, None)
        .map(|(_, i)| i.clone())
        .collect();
    let random = engine.rng.next_u64();
    let backup = Backup {
        arn: backup_arn(&table.definition.arn, now, random),
        name: request.backup_name.expect("checked"),
        created_at_millis: now,
        available_at_millis: now + engine.config.control_plane_millis,
        definition: table.definition.clone(),
        size_bytes: table.size_bytes(),
        items,
    };
    let answer = json!({ "BackupDetails": details(&backup, "CREATING") });
    let (setting, value) = (backup.setting_name(), backup.to_setting());
    engine.record(|| Change::PutSetting {
        name: setting,
        value: Some(value),
    });
    engine.backups.insert(backup.arn.clone(), backup);
    respond(&answer)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BackupArnRequest {
    pub backup_arn: Option<String>,
}

fn check_backup_arn(request: &BackupArnRequest) -> Result<String, DynamoError> {
    let mut v = Violations::new();
    v.not_null("backupArn", &request.backup_arn);
    if let Some(arn) = request.backup_arn.as_deref()
        && !(37..=1024).contains(&arn.len())
    {
        v.push(
            &format!("'{arn}'"),
            "backupArn",
            "Member must have length greater than or equal to 37",
        );
    }
    v.finish()?;
    Ok(request.backup_arn.clone().expect("checked"))
}

pub fn describe_backup(
    engine: &mut Engine,
    request: BackupArnRequest,
) -> Result<Vec<u8>, DynamoError> {
    let arn = check_backup_arn(&request)?;
    let now = engine.now_millis();
    let backup = backup_of(engine, &arn)?;
    let description = backup_description(backup, backup.status(now), now);
    respond(&json!({ "BackupDescription": description }))
}

pub fn delete_backup(
    engine: &mut Engine,
    request: BackupArnRequest,
) -> Result<Vec<u8>, DynamoError> {
    let arn = check_backup_arn(&request)?;
    let now = engine.now_millis();
    let backup = available_backup(engine, &arn)?;
    let description = backup_description(backup, "DELETED", now);
    let setting = backup.setting_name();
    engine.backups.remove(&arn);
    engine.record(|| Change::PutSetting {
        name: setting,
        value: None,
    });
    respond(&json!({ "BackupDescription": description }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListBackupsRequest {
    pub table_name: Option<String>,
    pub limit: Option<i64>,
    /// Seconds since the epoch, inclusive.
    pub time_range_lower_bound: Option<f64>,
    /// Seconds since the epoch, exclusive.
    pub time_range_upper_bound: Option<f64>,
    pub exclusive_start_backup_arn: Option<String>,
    pub backup_type: Option<String>,
}

pub fn list_backups(
    engine: &mut Engine,
    request: ListBackupsRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    if request.table_name.is_some() {
        v.table_name("tableName", request.table_name.as_deref());
    }
    v.at_least("limit", request.limit, 1);
    v.at_most("limit", request.limit, MAX_LIST_LIMIT);
    v.one_of(
        "backupType",
        request.backup_type.as_deref(),
        &["USER", "SYSTEM", "AWS_BACKUP", "ALL"],
    );
    v.finish()?;
    let now = engine.now_millis();
    let lower = request.time_range_lower_bound.map(|s| (s * 1000.0) as u64);
    let upper = request.time_range_upper_bound.map(|s| (s * 1000.0) as u64);
    // Every backup made here is a USER backup.
    let users_wanted = matches!(request.backup_type.as_deref(), None | Some("USER" | "ALL"));
    let mut backups: Vec<&Backup> = (engine.backups.values())
        .filter(|_| users_wanted)
        .filter(|b| (request.table_name.as_ref()).is_none_or(|t| *t == b.definition.name))
        .filter(|b| lower.is_none_or(|l| b.created_at_millis >= l))
        .filter(|b| upper.is_none_or(|u| b.created_at_millis < u))
        .collect();
    crate::sorting::sort_by(&mut backups, |a, b| {
        (a.created_at_millis, &a.arn).cmp(&(b.created_at_millis, &b.arn))
    });
    if let Some(start) = &request.exclusive_start_backup_arn {
        match backups.iter().position(|b| b.arn == *start) {
            Some(at) => backups.drain(..=at),
            None => backups.drain(..0),
        };
    }
    let limit = request.limit.map_or(MAX_LIST_LIMIT, |l| l) as usize;
    let more = backups.len() > limit;
    backups.truncate(limit);
    let summaries: Vec<Value> = backups.iter().map(|b| summary(b, now)).collect();
    let mut answer = json!({ "BackupSummaries": summaries });
    if let (true, Some(last)) = (more, backups.last()) {
        answer["LastEvaluatedBackupArn"] = json!(last.arn);
    }
    respond(&answer)
}

/// One of ListBackups' `BackupSummaries`.
fn summary(backup: &Backup, now_millis: u64) -> Value {
    let d = &backup.definition;
    json!({
        "TableName": d.name,
        "TableId": d.table_id,
        "TableArn": d.arn,
        "BackupArn": backup.arn,
        "BackupName": backup.name,
        "BackupCreationDateTime": seconds(backup.created_at_millis),
        "BackupStatus": backup.status(now_millis),
        "BackupType": "USER",
        "BackupSizeBytes": backup.size_bytes,
    })
}
