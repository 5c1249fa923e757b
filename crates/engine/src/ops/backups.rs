//! DescribeContinuousBackups and UpdateContinuousBackups: a table's point-in-time recovery
//! setting. Continuous backups are ENABLED for every table; point-in-time recovery is off
//! until asked for, and once on it reports the window a restore could reach, measured on
//! the virtual clock: from when recovery was enabled (or the recovery period ago, whichever
//! is later) to five minutes ago. Nothing is restored; the setting is persisted with the
//! table's definition.

use serde::Deserialize;
use serde_json::{Value, json};

use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::table::{PointInTimeRecovery, Table};

/// RecoveryPeriodInDays: 1 to 35, 35 when not given (API Reference,
/// PointInTimeRecoverySpecification).
const MIN_RECOVERY_DAYS: i64 = 1;
const MAX_RECOVERY_DAYS: i64 = 35;
const DAY_MILLIS: u64 = 86_400_000;
/// "LatestRestorableDateTime is typically 5 minutes before the current time."
const RESTORE_LAG_MILLIS: u64 = 5 * 60_000;

/// The continuous-backup operations' not-found error (as DynamoDB answers it, reported in
/// hashicorp/terraform-provider-aws#26577: "TableNotFoundException: Table not found: <name>").
fn table_not_found(name: &str) -> DynamoError {
    DynamoError::new(
        ErrorKind::TableNotFoundException,
        format!("Table not found: {name}"),
    )
}

/// The `ContinuousBackupsDescription` both operations answer with.
fn description(recovery: Option<PointInTimeRecovery>, now_millis: u64) -> Value {
    let recovery = match recovery {
        None => json!({"PointInTimeRecoveryStatus": "DISABLED"}),
        Some(r) => {
            let period_start =
                now_millis.saturating_sub(u64::from(r.recovery_period_in_days) * DAY_MILLIS);
            let earliest = r.enabled_at_millis.max(period_start);
            // Right after enabling there is not yet five minutes of history: the window is
            // then the single instant recovery began, never an inverted range.
            let latest = now_millis.saturating_sub(RESTORE_LAG_MILLIS).max(earliest);
            json!({
                "PointInTimeRecoveryStatus": "ENABLED",
                "RecoveryPeriodInDays": r.recovery_period_in_days,
                "EarliestRestorableDateTime": earliest as f64 / 1000.0,
                "LatestRestorableDateTime": latest as f64 / 1000.0,
            })
        }
    };
    json!({"ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": recovery})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeContinuousBackupsRequest {
    pub table_name: Option<String>,
}

pub fn describe_continuous_backups(
    engine: &mut Engine,
    request: DescribeContinuousBackupsRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.finish()?;
    let name = request.table_name.expect("checked");
    let table = engine
        .tables
        .get(&name)
        .ok_or_else(|| table_not_found(&name))?;
    respond(
        &json!({ "ContinuousBackupsDescription": description(table.definition.point_in_time_recovery, engine.now_millis()) }),
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PointInTimeRecoverySpecificationArg {
    pub point_in_time_recovery_enabled: Option<bool>,
    pub recovery_period_in_days: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateContinuousBackupsRequest {
    pub table_name: Option<String>,
    pub point_in_time_recovery_specification: Option<PointInTimeRecoverySpecificationArg>,
}

pub fn update_continuous_backups(
    engine: &mut Engine,
    request: UpdateContinuousBackupsRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.not_null(
        "pointInTimeRecoverySpecification",
        &request.point_in_time_recovery_specification,
    );
    if let Some(spec) = &request.point_in_time_recovery_specification {
        v.not_null(
            "pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled",
            &spec.point_in_time_recovery_enabled,
        );
        let days = "pointInTimeRecoverySpecification.recoveryPeriodInDays";
        v.at_least(days, spec.recovery_period_in_days, MIN_RECOVERY_DAYS);
        v.at_most(days, spec.recovery_period_in_days, MAX_RECOVERY_DAYS);
    }
    v.finish()?;
    let name = request.table_name.expect("checked");
    let spec = request
        .point_in_time_recovery_specification
        .expect("checked");
    let enabled = spec.point_in_time_recovery_enabled.expect("checked");
    let now = engine.now_millis();
    let table = engine
        .tables
        .get_mut(&name)
        .ok_or_else(|| table_not_found(&name))?;
    check_backups_available(table, now)?;
    table.definition.point_in_time_recovery = if enabled {
        // Changing the period of an enabled table keeps the history already gathered.
        let enabled_at_millis = table
            .definition
            .point_in_time_recovery
            .map_or(now, |r| r.enabled_at_millis);
        let days = spec.recovery_period_in_days.unwrap_or(MAX_RECOVERY_DAYS) as u32;
        Some(PointInTimeRecovery {
            enabled_at_millis,
            recovery_period_in_days: days,
        })
    } else {
        // A period sent with `false` has nothing to apply to and is dropped.
        None
    };
    let definition = table.definition.clone();
    engine.record_table(&definition);
    respond(
        &json!({ "ContinuousBackupsDescription": description(definition.point_in_time_recovery, now) }),
    )
}

/// DynamoDB turns continuous backups on while a table is created and refuses recovery
/// changes until they are. Only the message's first part has a public source ("Backups are
/// being enabled for the table", aws-amplify/amplify-backend#1654); the rest is ours.
fn check_backups_available(table: &Table, now_millis: u64) -> Result<(), DynamoError> {
    if table.definition.status(now_millis) == "CREATING" {
        return Err(DynamoError::new(
            ErrorKind::ContinuousBackupsUnavailableException,
            format!(
                "Backups are being enabled for the table: {}. Please retry later",
                table.definition.name
            ),
        ));
    }
    Ok(())
}
