//! Kinesis Data Streams destinations: EnableKinesisStreamingDestination,
//! DisableKinesisStreamingDestination, UpdateKinesisStreamingDestination and
//! DescribeKinesisStreamingDestination. Console users and infrastructure tools call them,
//! so a table keeps its destinations with their statuses, which move on the virtual clock
//! (ENABLING, UPDATING or DISABLING for the control-plane delay, then ACTIVE or DISABLED).
//! No data is sent: there is no Kinesis here.

use serde::Deserialize;
use serde_json::{Value, json};

use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::table::KinesisDestination;

/// `ApproximateCreationDateTimePrecision` values, the first the default.
const PRECISIONS: &[&str] = &["MILLISECOND", "MICROSECOND"];

/// Most destinations a table can stream to at once.
const MAX_ACTIVE_DESTINATIONS: usize = 2;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrecisionArg {
    pub approximate_creation_date_time_precision: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DestinationRequest {
    pub table_name: Option<String>,
    pub stream_arn: Option<String>,
    pub enable_kinesis_streaming_configuration: Option<PrecisionArg>,
    pub update_kinesis_streaming_configuration: Option<PrecisionArg>,
}

/// Checks the table name and the stream ARN; returns them with the precision asked for.
fn check(request: &DestinationRequest) -> Result<(String, String, Option<String>), DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.not_null("streamArn", &request.stream_arn);
    let precision = (request.enable_kinesis_streaming_configuration.as_ref())
        .or(request.update_kinesis_streaming_configuration.as_ref())
        .and_then(|c| c.approximate_creation_date_time_precision.clone());
    let member = if request.update_kinesis_streaming_configuration.is_some() {
        "updateKinesisStreamingConfiguration.approximateCreationDateTimePrecision"
    } else {
        "enableKinesisStreamingConfiguration.approximateCreationDateTimePrecision"
    };
    v.one_of(member, precision.as_deref(), PRECISIONS);
    v.finish()?;
    let arn = request.stream_arn.clone().expect("checked");
    let is_stream = arn.starts_with("arn:aws:kinesis:") && arn.contains(":stream/");
    if !is_stream || !(37..=1024).contains(&arn.len()) {
        return Err(DynamoError::validation(format!(
            "Invalid StreamArn: {arn} is not the ARN of a Kinesis data stream"
        )));
    }
    Ok((request.table_name.clone().expect("checked"), arn, precision))
}

/// The answer Enable, Disable and Update give: the change just begun (as CreateTable
/// answers CREATING, whatever the delay).
fn answer(table: &str, destination: &KinesisDestination, member: &str) -> Value {
    let mut answer = json!({
        "TableName": table,
        "StreamArn": destination.stream_arn,
        "DestinationStatus": destination.changing_status(),
    });
    if !member.is_empty() {
        answer[member] = json!({"ApproximateCreationDateTimePrecision": destination.precision});
    }
    answer
}

/// Applies `change` to the destination for `arn` of `table` and records the table.
fn change_destination(
    engine: &mut Engine,
    table: &str,
    change: impl FnOnce(&mut Vec<KinesisDestination>, u64, u64) -> Result<usize, DynamoError>,
) -> Result<KinesisDestination, DynamoError> {
    let (now, delay) = (engine.now_millis(), engine.config.control_plane_millis);
    let definition = &mut (engine.tables.get_mut(table))
        .ok_or_else(|| DynamoError::table_not_found(table))?
        .definition;
    let at = change(&mut definition.kinesis_destinations, now, now + delay)?;
    let destination = definition.kinesis_destinations[at].clone();
    let definition = definition.clone();
    engine.record_table(&definition);
    Ok(destination)
}

pub fn enable(engine: &mut Engine, request: DestinationRequest) -> Result<Vec<u8>, DynamoError> {
    let (table, arn, precision) = check(&request)?;
    let destination = change_destination(engine, &table, |all, now, settles| {
        let active = all.iter().filter(|d| d.enabled).count();
        if all.iter().any(|d| d.stream_arn == arn && d.enabled) {
            return Err(DynamoError::validation(format!(
                "Table {table} already has an enabled destination for stream {arn}"
            )));
        }
        if active >= MAX_ACTIVE_DESTINATIONS {
            return Err(DynamoError::new(
                crate::error::ErrorKind::LimitExceededException,
                format!("Table {table} already streams to {MAX_ACTIVE_DESTINATIONS} destinations"),
            ));
        }
        let fresh = KinesisDestination {
            stream_arn: arn.clone(),
            enabled: true,
            precision: precision
                .clone()
                .unwrap_or_else(|| PRECISIONS[0].to_owned()),
            changed_at_millis: now,
            settles_at_millis: settles,
            updating: false,
        };
        Ok(match all.iter().position(|d| d.stream_arn == arn) {
            Some(at) => {
                all[at] = fresh;
                at
            }
            None => {
                all.push(fresh);
                all.len() - 1
            }
        })
    })?;
    let answer = answer(&table, &destination, "EnableKinesisStreamingConfiguration");
    respond(&json!(answer))
}

/// The enabled destination for `arn`, or the error Disable and Update answer.
fn enabled_at(all: &[KinesisDestination], arn: &str, table: &str) -> Result<usize, DynamoError> {
    all.iter()
        .position(|d| d.stream_arn == arn && d.enabled)
        .ok_or_else(|| {
            DynamoError::validation(format!(
                "Table {table} has no enabled destination for stream {arn}"
            ))
        })
}

pub fn disable(engine: &mut Engine, request: DestinationRequest) -> Result<Vec<u8>, DynamoError> {
    let (table, arn, _) = check(&request)?;
    let destination = change_destination(engine, &table, |all, now, settles| {
        let at = enabled_at(all, &arn, &table)?;
        all[at].enabled = false;
        all[at].updating = false;
        all[at].changed_at_millis = now;
        all[at].settles_at_millis = settles;
        Ok(at)
    })?;
    let answer = answer(&table, &destination, "EnableKinesisStreamingConfiguration");
    respond(&json!(answer))
}

pub fn update(engine: &mut Engine, request: DestinationRequest) -> Result<Vec<u8>, DynamoError> {
    let (table, arn, precision) = check(&request)?;
    let destination = change_destination(engine, &table, |all, now, settles| {
        let at = enabled_at(all, &arn, &table)?;
        if let Some(precision) = precision.clone() {
            all[at].precision = precision;
        }
        all[at].updating = true;
        all[at].changed_at_millis = now;
        all[at].settles_at_millis = settles;
        Ok(at)
    })?;
    let answer = answer(&table, &destination, "UpdateKinesisStreamingConfiguration");
    respond(&json!(answer))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRequest {
    pub table_name: Option<String>,
}

pub fn describe(engine: &mut Engine, request: DescribeRequest) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.finish()?;
    let table = request.table_name.expect("checked");
    let now = engine.now_millis();
    let definition = &(engine.tables.get(&table))
        .ok_or_else(|| DynamoError::table_not_found(&table))?
        .definition;
    let destinations: Vec<Value> = (definition.kinesis_destinations.iter())
        .map(|d| {
            json!({
                "StreamArn": d.stream_arn,
                "DestinationStatus": d.status(now),
                "ApproximateCreationDateTimePrecision": d.precision,
            })
        })
        .collect();
    respond(&json!({"TableName": table, "KinesisDataStreamDestinations": destinations}))
}
