//! ExportTableToPointInTime, DescribeExport and ListExports. An export is checked as
//! DynamoDB checks it (the table's ARN, point-in-time recovery on, ExportTime inside the
//! recovery window, the incremental period, ClientToken idempotency), its data is taken
//! from the table at once (through [`items_at`] and [`changes_between`], the one place
//! that reads a table's past) and handed to a front end as an [`ExportJob`]; the front end
//! writes the files and reports back with [`Engine::complete_export`]. Messages are the
//! service's own, as measured against it (ack-api-quirks' DynamoDB export findings,
//! 2026-10-09); where none was measured the message says so in its own words.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::exchange::{
    Failure, is_job_arn, job_id, millis_of, page, seconds, settles_at, table_of_arn,
};
use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::table::Table;
use crate::value::{Item, item_size, item_to_json};

const FORMATS: &[&str] = &["DYNAMODB_JSON", "ION"];
const TYPES: &[&str] = &["FULL_EXPORT", "INCREMENTAL_EXPORT"];
const VIEWS: &[&str] = &["NEW_IMAGE", "NEW_AND_OLD_IMAGES"];
const SSE: &[&str] = &["AES256", "KMS"];
const MINUTE: u64 = 60_000;
const DAY: u64 = 86_400_000;
/// ListExports pages: 10 by default (measured), at most 25.
const DEFAULT_PAGE: i64 = 10;
const MAX_PAGE: i64 = 25;
const TOKEN_SALT: u64 = 0x5eed_e4b0_27a1_0001;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct IncrementalSpecArg {
    pub export_from_time: Option<f64>,
    pub export_to_time: Option<f64>,
    pub export_view_type: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ExportTableToPointInTimeRequest {
    pub table_arn: Option<String>,
    pub export_time: Option<f64>,
    pub client_token: Option<String>,
    pub s3_bucket: Option<String>,
    pub s3_bucket_owner: Option<String>,
    pub s3_prefix: Option<String>,
    pub s3_sse_algorithm: Option<String>,
    pub s3_sse_kms_key_id: Option<String>,
    pub export_format: Option<String>,
    pub export_type: Option<String>,
    pub incremental_export_specification: Option<IncrementalSpecArg>,
}

/// An incremental export's period and view.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Incremental {
    pub from_millis: u64,
    pub to_millis: u64,
    pub view: String,
}

/// How an export ended.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum ExportOutcome {
    Completed {
        manifest: String,
        item_count: u64,
        billed_size_bytes: u64,
    },
    Failed(Failure),
}

/// One export as the engine keeps it (persisted).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ExportRecord {
    pub seq: u64,
    pub arn: String,
    pub table_arn: String,
    pub table_id: String,
    pub client_token: String,
    /// The request without its token, to tell a replay from a conflict.
    pub fingerprint: String,
    pub s3_bucket: String,
    pub s3_bucket_owner: Option<String>,
    pub s3_prefix: Option<String>,
    pub s3_sse_algorithm: String,
    pub s3_sse_kms_key_id: Option<String>,
    pub export_format: String,
    /// DynamoDB echoes ExportType only when the request named it.
    pub export_type_given: bool,
    pub export_type: String,
    pub incremental: Option<Incremental>,
    pub start_millis: u64,
    pub export_time_millis: u64,
    pub end_millis: u64,
    pub outcome: Option<ExportOutcome>,
}

/// What a front end gets to write one export (the `dynoscope-exchange` crate's
/// `ExportJob` reads it as JSON).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExportJob {
    pub export_arn: String,
    pub table_arn: String,
    pub table_id: String,
    pub s3_bucket: String,
    pub s3_bucket_owner: Option<String>,
    pub s3_prefix: Option<String>,
    pub s3_sse_algorithm: String,
    pub s3_sse_kms_key_id: Option<String>,
    pub export_format: String,
    pub export_type: String,
    pub export_view_type: Option<String>,
    pub start_millis: u64,
    /// When the export will say it ended (the manifest's `endTime`).
    pub end_millis: u64,
    pub export_time_millis: u64,
    pub billed_size_bytes: u64,
    /// A full export's items, DynamoDB JSON each.
    pub items: Vec<String>,
    /// An incremental export's changed items.
    pub changes: Vec<ChangeRecord>,
}

/// One changed item of an incremental export.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChangeRecord {
    pub write_micros: u64,
    pub keys: String,
    pub new_image: Option<String>,
    pub old_image: Option<String>,
}

/// What a front end reports once an export's files are written (the `dynoscope-exchange`
/// crate's `ExportOutcome` as JSON).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct ExportResult {
    /// The key of `manifest-summary.json`.
    pub manifest: String,
    pub item_count: u64,
    pub billed_size_bytes: u64,
}

impl ExportRecord {
    pub(crate) fn fail(&mut self, failure: Failure, now: u64) {
        self.outcome = Some(ExportOutcome::Failed(failure));
        self.end_millis = now;
    }

    fn status(&self, now: u64) -> &'static str {
        match &self.outcome {
            Some(_) if now < self.end_millis => "IN_PROGRESS",
            None => "IN_PROGRESS",
            Some(ExportOutcome::Completed { .. }) => "COMPLETED",
            Some(ExportOutcome::Failed(_)) => "FAILED",
        }
    }

    /// The `ExportDescription` DynamoDB answers with: the members fixed at the start, then
    /// those an ended export adds.
    fn description(&self, now: u64) -> Value {
        let status = self.status(now);
        let mut d = json!({
            "ExportArn": self.arn,
            "ExportStatus": status,
            "StartTime": seconds(self.start_millis),
            "TableArn": self.table_arn,
            "TableId": self.table_id,
            "ClientToken": self.client_token,
            "S3Bucket": self.s3_bucket,
            "S3SseAlgorithm": self.s3_sse_algorithm,
            "ExportFormat": self.export_format,
        });
        let optional = [
            ("S3BucketOwner", &self.s3_bucket_owner),
            ("S3Prefix", &self.s3_prefix),
            ("S3SseKmsKeyId", &self.s3_sse_kms_key_id),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                d[name] = json!(value);
            }
        }
        if self.export_type_given {
            d["ExportType"] = json!(self.export_type);
        }
        match &self.incremental {
            Some(inc) => {
                d["IncrementalExportSpecification"] = json!({
                    "ExportFromTime": seconds(inc.from_millis),
                    "ExportToTime": seconds(inc.to_millis),
                    "ExportViewType": inc.view,
                });
            }
            None => d["ExportTime"] = json!(seconds(self.export_time_millis)),
        }
        if status == "IN_PROGRESS" {
            return d;
        }
        d["EndTime"] = json!(seconds(self.end_millis));
        match &self.outcome {
            Some(ExportOutcome::Completed {
                manifest,
                item_count,
                billed_size_bytes,
            }) => {
                d["ExportManifest"] = json!(manifest);
                d["ItemCount"] = json!(item_count);
                d["BilledSizeBytes"] = json!(billed_size_bytes);
            }
            Some(ExportOutcome::Failed(f)) => {
                d["FailureCode"] = json!(f.code);
                d["FailureMessage"] = json!(f.message);
            }
            None => {}
        }
        d
    }
}

impl Engine {
    /// The exports started since the last call, for a front end to write.
    pub fn take_export_jobs(&mut self) -> Vec<ExportJob> {
        std::mem::take(&mut self.exchange.pending_exports)
    }

    /// A front end reports an export written (`Ok`) or failed (`Err`: FailureCode and
    /// message, e.g. `S3NoSuchBucket`). False when no such export is running.
    pub fn complete_export(
        &mut self,
        export_arn: &str,
        outcome: Result<ExportResult, Failure>,
    ) -> bool {
        let now = self.now_millis();
        let Some(index) = self
            .exchange
            .exports
            .iter()
            .position(|e| e.arn == export_arn && e.outcome.is_none())
        else {
            return false;
        };
        let end = settles_at(self, self.exchange.exports[index].start_millis);
        let export = &mut self.exchange.exports[index];
        match outcome {
            Ok(result) => {
                export.outcome = Some(ExportOutcome::Completed {
                    manifest: result.manifest,
                    item_count: result.item_count,
                    billed_size_bytes: result.billed_size_bytes,
                });
                export.end_millis = end;
            }
            Err(failure) => export.fail(failure, end.max(now)),
        }
        self.record_exchange();
        true
    }
}

/// The table's items as of `export_time`: the one place exports read a table's past, from
/// its point-in-time history ([`crate::pitr`]).
fn items_at(engine: &Engine, table: &Table, export_time: u64) -> Result<Vec<Item>, DynamoError> {
    let current = table.items().walk(0, None).map(|(p, item)| (&p.key, item));
    match engine.pitr.get(&table.definition.name) {
        Some(history) if export_time < engine.now_millis() => {
            Ok(history.items_at(current, export_time))
        }
        _ => Ok(current.map(|(_, item)| item.clone()).collect()),
    }
}

/// The items changed after `from` up to `to`, with the images `view` keeps: the one place
/// incremental exports read a table's past.
fn changes_between(
    engine: &Engine,
    table: &Table,
    from: u64,
    to: u64,
    view: &str,
) -> Result<Vec<ChangeRecord>, DynamoError> {
    let history = engine.pitr.get(&table.definition.name).ok_or_else(|| {
        export_time_error("Point in Time Recovery is not available for specified export time")
    })?;
    let schema = table.key_schema();
    let changes = history.changes_between(|key| table.get(key), from, to);
    Ok(changes
        .into_iter()
        .map(|change| ChangeRecord {
            write_micros: change.last_write_millis * 1000,
            keys: item_to_json(&schema.key_item(&change.key)),
            new_image: change.after.as_ref().map(item_to_json),
            old_image: (view == "NEW_AND_OLD_IMAGES")
                .then_some(change.before.as_ref().map(item_to_json))
                .flatten(),
        })
        .collect())
}

fn invalid(message: &str) -> DynamoError {
    DynamoError::validation(format!("Invalid Request: {message}"))
}

fn export_time_error(message: impl Into<String>) -> DynamoError {
    DynamoError::new(ErrorKind::InvalidExportTimeException, message)
}

/// ISO-8601 to the second, as the period messages print times (`2026-10-08T22:51:50Z`).
fn iso_seconds(millis: u64) -> String {
    let text = crate::clock::iso8601_millis(millis);
    format!("{}Z", &text[..19])
}

/// The point-in-time recovery window of `table` now: earliest and latest restorable time.
fn recovery_window(engine: &Engine, table: &Table, now: u64) -> Option<(u64, u64)> {
    let recovery = table.definition.point_in_time_recovery?;
    let since = super::continuous_backups::history_since(engine, table);
    Some(super::continuous_backups::restorable_window(
        recovery, since, now,
    ))
}

fn check_shape(r: &ExportTableToPointInTimeRequest) -> Result<(), DynamoError> {
    let mut v = Violations::new();
    v.not_null("tableArn", &r.table_arn);
    v.not_null("s3Bucket", &r.s3_bucket);
    if let Some(bucket) = &r.s3_bucket {
        check_bucket(&mut v, "s3Bucket", bucket);
    }
    if let Some(owner) = &r.s3_bucket_owner
        && (owner.len() != 12 || !owner.bytes().all(|b| b.is_ascii_digit()))
    {
        v.push(
            &format!("'{owner}'"),
            "s3BucketOwner",
            "Member must satisfy regular expression pattern: [0-9]{12}",
        );
    }
    if r.s3_prefix.as_deref() == Some("") {
        v.push(
            "''",
            "s3Prefix",
            "Member must have length greater than or equal to 1",
        );
    }
    if let Some(token) = &r.client_token {
        check_token(&mut v, token);
    }
    v.one_of("exportFormat", r.export_format.as_deref(), FORMATS);
    v.one_of("exportType", r.export_type.as_deref(), TYPES);
    v.one_of("s3SseAlgorithm", r.s3_sse_algorithm.as_deref(), SSE);
    if let Some(spec) = &r.incremental_export_specification {
        v.one_of(
            "incrementalExportSpecification.exportViewType",
            spec.export_view_type.as_deref(),
            VIEWS,
        );
    }
    v.finish()
}

/// An S3 bucket name: at most 255 of `^[a-z0-9A-Z]+[\.\-\w]*[a-z0-9A-Z]+$`.
pub(crate) fn check_bucket(v: &mut Violations, field: &str, bucket: &str) {
    let bytes = bucket.as_bytes();
    let edge = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
    let middle = bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if bytes.len() < 2 || !edge(bytes.first()) || !edge(bytes.last()) || !middle {
        v.push(
            &format!("'{bucket}'"),
            field,
            "Member must satisfy regular expression pattern: ^[a-z0-9A-Z]+[\\.\\-\\w]*[a-z0-9A-Z]+$",
        );
    }
    if bucket.len() > 255 {
        v.push(
            &format!("'{bucket}'"),
            field,
            "Member must have length less than or equal to 255",
        );
    }
}

/// A ClientToken: `^[^\$]+$`.
pub(crate) fn check_token(v: &mut Violations, token: &str) {
    if token.is_empty() || token.contains('$') {
        v.push(
            &format!("'{token}'"),
            "clientToken",
            "Member must satisfy regular expression pattern: ^[^\\$]+$",
        );
    }
}

/// The couplings of ExportType, the incremental specification and the KMS key.
fn check_couplings(r: &ExportTableToPointInTimeRequest) -> Result<(), DynamoError> {
    let spec = r.incremental_export_specification.as_ref();
    match (r.export_type.as_deref(), spec) {
        (None, Some(_)) => {
            return Err(invalid(
                "Export Type expected to be Incremental Export when incremental export specification is provided",
            ));
        }
        (Some("FULL_EXPORT"), Some(_)) => {
            return Err(invalid(
                "When Export Type is Full Export , Incremental Export Specification should not be provided",
            ));
        }
        (Some("INCREMENTAL_EXPORT"), None) => {
            return Err(invalid(
                "Incremental Export Specification expected when export type is set as Incremental Export",
            ));
        }
        (Some("INCREMENTAL_EXPORT"), Some(s)) if s.export_from_time.is_none() => {
            return Err(invalid(
                "ExportFromTime must be provided in IncrementalExportSpecification",
            ));
        }
        _ => {}
    }
    if r.s3_sse_kms_key_id.is_some() && r.s3_sse_algorithm.as_deref() != Some("KMS") {
        return Err(invalid(
            "KMS Key Id is not supported for this encryption type",
        ));
    }
    Ok(())
}

/// The table the request names, or DynamoDB's errors for a malformed or unknown ARN.
fn named_table<'a>(engine: &'a Engine, arn: &str) -> Result<&'a Table, DynamoError> {
    if !arn.starts_with("arn:") {
        return Err(DynamoError::validation(
            "One or more parameter values were invalid: tableArn is not a valid ARN",
        ));
    }
    let name = table_of_arn(engine, arn).ok_or_else(|| not_found(arn))?;
    if name.contains('/') {
        return Err(invalid("Table ARN is invalid."));
    }
    engine.tables.get(name).ok_or_else(|| not_found(arn))
}

fn not_found(arn: &str) -> DynamoError {
    DynamoError::new(
        ErrorKind::TableNotFoundException,
        format!("Table not found: {arn}"),
    )
}

/// A full export's ExportTime, checked against the recovery window.
fn full_export_time(
    r: &ExportTableToPointInTimeRequest,
    window: (u64, u64),
    now: u64,
) -> Result<u64, DynamoError> {
    let Some(given) = r.export_time else {
        return Ok(now);
    };
    let time = millis_of(given);
    let (earliest, latest) = window;
    if time > now || time < earliest {
        return Err(export_time_error("Export Time is invalid"));
    }
    if time > latest {
        return Err(export_time_error(
            "Point in Time Recovery is not available for specified export time",
        ));
    }
    Ok(time)
}

/// An incremental export's period, checked as DynamoDB checks it.
fn incremental_period(
    spec: &IncrementalSpecArg,
    earliest: u64,
    now: u64,
) -> Result<Incremental, DynamoError> {
    let from = millis_of(spec.export_from_time.unwrap_or_default());
    let to = spec.export_to_time.map_or(now, millis_of);
    if from < earliest || from > to {
        return Err(export_time_error(format!(
            "Incremental export period from time cannot be less than the table creation time : {}",
            iso_seconds(earliest)
        )));
    }
    if to > now {
        return Err(export_time_error(format!(
            "Incremental export period to time cannot be greater than the current time : {}",
            iso_seconds(now)
        )));
    }
    if to - from < 15 * MINUTE {
        return Err(export_time_error(
            "Difference between export period from time and export period to time is less than 15 minutes",
        ));
    }
    if to - from > DAY {
        return Err(export_time_error(
            "Difference between export period from time and export period to time is more than 24 hours",
        ));
    }
    Ok(Incremental {
        from_millis: from,
        to_millis: to,
        view: spec
            .export_view_type
            .clone()
            .unwrap_or_else(|| "NEW_AND_OLD_IMAGES".into()),
    })
}

pub fn export_table_to_point_in_time(
    engine: &mut Engine,
    request: ExportTableToPointInTimeRequest,
) -> Result<Vec<u8>, DynamoError> {
    check_shape(&request)?;
    let arn = request.table_arn.clone().expect("checked");
    let table = named_table(engine, &arn)?;
    check_couplings(&request)?;
    let now = engine.now_millis();
    let window = recovery_window(engine, table, now);
    let incremental = match &request.incremental_export_specification {
        Some(spec) => Some(incremental_period(spec, window.map_or(now, |w| w.0), now)?),
        None => None,
    };
    if incremental.is_none() && window.is_none() {
        return Err(DynamoError::new(
            ErrorKind::PointInTimeRecoveryUnavailableException,
            format!(
                "Point in time recovery is not enabled for table '{}'",
                table.definition.name
            ),
        ));
    }
    let fingerprint = fingerprint(&request);
    if let Some(token) = &request.client_token
        && let Some(existing) = engine
            .exchange
            .exports
            .iter()
            .find(|e| &e.client_token == token)
    {
        if existing.fingerprint != fingerprint {
            return Err(DynamoError::new(
                ErrorKind::ExportConflictException,
                "Export conflict: Duplicate request detected with conflicting parameters",
            ));
        }
        return respond(&json!({ "ExportDescription": existing.description(now) }));
    }
    let export_time = match &incremental {
        Some(_) => now,
        None => full_export_time(&request, window.expect("checked"), now)?,
    };
    let (items, changes, billed) = match &incremental {
        Some(inc) => {
            let changes =
                changes_between(engine, table, inc.from_millis, inc.to_millis, &inc.view)?;
            (Vec::new(), changes, 0)
        }
        None => {
            let items = items_at(engine, table, export_time)?;
            let billed = items.iter().map(|i| item_size(i) as u64).sum();
            (items.iter().map(item_to_json).collect(), Vec::new(), billed)
        }
    };
    let table_id = table.definition.table_id.clone();
    let record = new_record(
        engine,
        &request,
        arn,
        table_id,
        fingerprint,
        incremental,
        export_time,
    );
    let job = job_of(
        &record,
        settles_at(engine, record.start_millis),
        billed,
        items,
        changes,
    );
    let description = record.description(now);
    engine.exchange.exports.push(record);
    engine.exchange.pending_exports.push(job);
    engine.record_exchange();
    respond(&json!({ "ExportDescription": description }))
}

/// The request as compared for ClientToken replays: everything but the token.
fn fingerprint(request: &ExportTableToPointInTimeRequest) -> String {
    let mut copy = request.clone();
    copy.client_token = None;
    serde_json::to_string(&copy).expect("requests serialise")
}

fn new_record(
    engine: &mut Engine,
    r: &ExportTableToPointInTimeRequest,
    table_arn: String,
    table_id: String,
    fingerprint: String,
    incremental: Option<Incremental>,
    export_time: u64,
) -> ExportRecord {
    let id = job_id(engine);
    let client_token = r.client_token.clone().unwrap_or_else(|| engine.rng.uuid());
    ExportRecord {
        seq: engine.exchange.exports.len() as u64 + 1,
        arn: format!("{table_arn}/export/{id}"),
        table_arn,
        table_id,
        client_token,
        fingerprint,
        s3_bucket: r.s3_bucket.clone().expect("checked"),
        s3_bucket_owner: r.s3_bucket_owner.clone(),
        s3_prefix: r.s3_prefix.clone(),
        s3_sse_algorithm: r
            .s3_sse_algorithm
            .clone()
            .unwrap_or_else(|| "AES256".into()),
        s3_sse_kms_key_id: r.s3_sse_kms_key_id.clone(),
        export_format: r
            .export_format
            .clone()
            .unwrap_or_else(|| "DYNAMODB_JSON".into()),
        export_type_given: r.export_type.is_some(),
        export_type: r
            .export_type
            .clone()
            .unwrap_or_else(|| "FULL_EXPORT".into()),
        incremental,
        start_millis: engine.now_millis(),
        export_time_millis: export_time,
        end_millis: 0,
        outcome: None,
    }
}

fn job_of(
    record: &ExportRecord,
    end_millis: u64,
    billed_size_bytes: u64,
    items: Vec<String>,
    changes: Vec<ChangeRecord>,
) -> ExportJob {
    ExportJob {
        export_arn: record.arn.clone(),
        table_arn: record.table_arn.clone(),
        table_id: record.table_id.clone(),
        s3_bucket: record.s3_bucket.clone(),
        s3_bucket_owner: record.s3_bucket_owner.clone(),
        s3_prefix: record.s3_prefix.clone(),
        s3_sse_algorithm: record.s3_sse_algorithm.clone(),
        s3_sse_kms_key_id: record.s3_sse_kms_key_id.clone(),
        export_format: record.export_format.clone(),
        export_type: record.export_type.clone(),
        export_view_type: record.incremental.as_ref().map(|i| i.view.clone()),
        start_millis: record.start_millis,
        end_millis,
        export_time_millis: record.export_time_millis,
        billed_size_bytes,
        items,
        changes,
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeExportRequest {
    pub export_arn: Option<String>,
}

pub fn describe_export(
    engine: &mut Engine,
    request: DescribeExportRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("exportArn", &request.export_arn);
    if let Some(arn) = &request.export_arn
        && arn.chars().count() < 37
    {
        v.push(
            &format!("'{arn}'"),
            "exportArn",
            "Member must have length greater than or equal to 37",
        );
    }
    v.finish()?;
    let arn = request.export_arn.expect("checked");
    if !is_job_arn(&arn, "export") {
        return Err(DynamoError::validation("Invalid Export ARN"));
    }
    let now = engine.now_millis();
    let export = engine
        .exchange
        .exports
        .iter()
        .find(|e| e.arn == arn)
        .ok_or_else(|| {
            DynamoError::new(
                ErrorKind::ExportNotFoundException,
                format!("Export not found: Export not found: {arn}"),
            )
        })?;
    respond(&json!({ "ExportDescription": export.description(now) }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListExportsRequest {
    pub table_arn: Option<String>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

/// ListExports: newest first, running and ended alike. Filtered by a table, only exports
/// of the table that exists now under that ARN are listed (a deleted or re-created table
/// lists none, as measured).
pub fn list_exports(
    engine: &mut Engine,
    request: ListExportsRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.at_least("maxResults", request.max_results, 1);
    v.at_most("maxResults", request.max_results, MAX_PAGE);
    v.finish()?;
    let now = engine.now_millis();
    let table_id = request.table_arn.as_deref().map(|arn| {
        table_of_arn(engine, arn)
            .and_then(|name| engine.tables.get(name))
            .map(|t| t.definition.table_id.clone())
    });
    let listed: Vec<(u64, Value)> = engine
        .exchange
        .exports
        .iter()
        .rev()
        .filter(|e| match (&request.table_arn, &table_id) {
            (Some(arn), Some(id)) => &e.table_arn == arn && id.as_deref() == Some(e.table_id.as_str()),
            _ => true,
        })
        .map(|e| {
            (
                e.seq,
                json!({"ExportArn": e.arn, "ExportStatus": e.status(now), "ExportType": e.export_type}),
            )
        })
        .collect();
    let limit = request.max_results.unwrap_or(DEFAULT_PAGE) as usize;
    let (summaries, next) = page(listed, limit, request.next_token.as_deref(), TOKEN_SALT, 2)?;
    let mut response = json!({ "ExportSummaries": summaries });
    if let Some(next) = next {
        response["NextToken"] = json!(next);
    }
    respond(&response)
}
