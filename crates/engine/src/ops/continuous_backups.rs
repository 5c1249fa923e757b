//! DescribeContinuousBackups and UpdateContinuousBackups: a table's point-in-time recovery
//! setting. Continuous backups are ENABLED for every table; point-in-time recovery is off
//! until asked for, and once on it reports the window a restore could reach, measured on
//! the virtual clock: from when recovery was enabled (or the recovery period ago, whichever
//! is later, and never before the engine began keeping the table's history, see
//! `crate::pitr`) to five minutes ago. The setting is persisted with the table's
//! definition; `ops::restore` restores within the window.

use serde::Deserialize;
use serde_json::{Value, json};

use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
#[cfg(feature = "extras")]
use crate::pitr::PitrLog;
use crate::table::{PointInTimeRecovery, Table};

/// RecoveryPeriodInDays: 1 to 35, 35 when not given (API Reference,
/// PointInTimeRecoverySpecification).
const MIN_RECOVERY_DAYS: i64 = 1;
const MAX_RECOVERY_DAYS: i64 = 35;
/// "LatestRestorableDateTime is typically 5 minutes before the current time."
const RESTORE_LAG_MILLIS: u64 = 5 * 60_000;

/// The continuous-backup operations' not-found error (as DynamoDB answers it, reported in
/// hashicorp/terraform-provider-aws#26577: "TableNotFoundException: Table not found: <name>").
pub(crate) fn table_not_found(name: &str) -> DynamoError {
    DynamoError::new(
        ErrorKind::TableNotFoundException,
        format!("Table not found: {name}"),
    )
}

/// The times a table with recovery `r` can be restored to at `now`: from the later of
/// when recovery was enabled, the start of the recovery period and the start of the kept
/// history (`history_since`), to five minutes ago. Right after enabling there is not yet
/// five minutes of history: the window is then the single instant recovery began, never
/// an inverted range.
pub(crate) fn restorable_window(
    r: PointInTimeRecovery,
    history_since: u64,
    now_millis: u64,
) -> (u64, u64) {
    let period_start = now_millis.saturating_sub(r.period_millis());
    let earliest = r.enabled_at_millis.max(period_start).max(history_since);
    let latest = now_millis.saturating_sub(RESTORE_LAG_MILLIS).max(earliest);
    (earliest, latest)
}

/// The `ContinuousBackupsDescription` both operations answer with.
fn description(engine: &Engine, table: &Table, now_millis: u64) -> Value {
    let recovery = match table.definition.point_in_time_recovery {
        None => json!({"PointInTimeRecoveryStatus": "DISABLED"}),
        Some(r) => {
            let (earliest, latest) = restorable_window(r, history_since(engine, table), now_millis);
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
    let description = description(engine, table, engine.now_millis());
    respond(&json!({ "ContinuousBackupsDescription": description }))
}

/// When the engine began keeping `table`'s recovery history (0 when it keeps none, as in
/// the page, which has no restores to read it).
#[cfg(feature = "extras")]
pub(crate) fn history_since(engine: &Engine, table: &Table) -> u64 {
    (engine.pitr.get(&table.definition.name)).map_or(0, crate::pitr::PitrLog::since_millis)
}

#[cfg(not(feature = "extras"))]
pub(crate) fn history_since(_engine: &Engine, _table: &Table) -> u64 {
    0
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
    #[cfg(feature = "extras")]
    match definition.point_in_time_recovery {
        Some(_) => {
            (engine.pitr.entry(name.clone())).or_insert_with(|| PitrLog::starting_at(now));
        }
        None => {
            engine.pitr.remove(&name);
        }
    }
    engine.record_table(&definition);
    let description = description(engine, &engine.tables[&name], now);
    respond(&json!({ "ContinuousBackupsDescription": description }))
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
