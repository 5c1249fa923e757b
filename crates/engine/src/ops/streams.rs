//! The DynamoDB Streams API: ListStreams, DescribeStream, GetShardIterator and GetRecords,
//! under their plain names (the endpoint serves them at `DynamoDBStreams_20120810.<Op>`).
//! Requests are checked in the service's order: member constraints first ("1 validation
//! error detected: ..."), then the shape of the stream ARN ("Invalid StreamArn"), then
//! whether the stream and shard exist. Every call first brings the streams in line with the
//! tables and trims what has passed retention (`stream::sync`).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::stream::{
    self, ITERATOR_LIFETIME_MILLIS, Shard, ShardIterator, Stream, WireRecord, sequence_text,
};

/// Most streams ListStreams returns, and its default.
const MAX_STREAMS: i64 = 100;
/// Most shards DescribeStream returns, and its default.
const MAX_SHARDS: i64 = 100;
/// Most records GetRecords returns, and its default.
const MAX_RECORDS: i64 = 1000;
/// Most record bytes GetRecords returns (at least one record is always returned).
const MAX_RECORD_BYTES: u64 = 1024 * 1024;

const ITERATOR_TYPES: &[&str] = &[
    "TRIM_HORIZON",
    "LATEST",
    "AT_SEQUENCE_NUMBER",
    "AFTER_SEQUENCE_NUMBER",
];

fn stream_not_found(arn: &str) -> DynamoError {
    DynamoError::new(
        ErrorKind::ResourceNotFoundException,
        format!("Requested resource not found: Stream: {arn} not found"),
    )
}

fn shard_not_found() -> DynamoError {
    DynamoError::new(
        ErrorKind::ResourceNotFoundException,
        "Requested resource not found: Shard does not exist",
    )
}

fn trimmed() -> DynamoError {
    DynamoError::new(
        ErrorKind::TrimmedDataAccessException,
        "The data you are trying to access has been trimmed",
    )
}

/// A stream ARN must read `arn:<partition>:dynamodb:<region>:<account>:table/<table>/stream/<label>`.
fn check_stream_arn(arn: &str) -> Result<(), DynamoError> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let well_formed = match parts.as_slice() {
        ["arn", partition, "dynamodb", region, account, resource] => {
            let named = resource
                .strip_prefix("table/")
                .and_then(|r| r.split_once("/stream/"));
            !partition.is_empty()
                && !region.is_empty()
                && !account.is_empty()
                && named.is_some_and(|(table, label)| is_table_name(table) && !label.is_empty())
        }
        _ => false,
    };
    if well_formed {
        Ok(())
    } else {
        Err(DynamoError::validation("Invalid StreamArn"))
    }
}

fn is_table_name(name: &str) -> bool {
    (3..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// A string member's length constraint.
fn check_length(v: &mut Violations, field: &str, value: Option<&str>, min: usize, max: usize) {
    let Some(value) = value else { return };
    let length = value.chars().count();
    if length < min {
        v.push(
            &format!("'{value}'"),
            field,
            &format!("Member must have length greater than or equal to {min}"),
        );
    }
    if length > max {
        v.push(
            &format!("'{value}'"),
            field,
            &format!("Member must have length less than or equal to {max}"),
        );
    }
}

/// `Limit`: at least 1 (the model) and at most `max` (the service).
fn check_limit(v: &mut Violations, limit: Option<i64>, max: i64) {
    v.at_least("limit", limit, 1);
    v.at_most("limit", limit, max);
}

fn find_stream<'a>(engine: &'a Engine, arn: &str) -> Result<&'a Stream, DynamoError> {
    engine.streams.get(arn).ok_or_else(|| stream_not_found(arn))
}

fn page_size(limit: Option<i64>, max: i64) -> usize {
    limit.unwrap_or(max).clamp(1, max) as usize
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStreamsRequest {
    pub table_name: Option<String>,
    pub limit: Option<i64>,
    pub exclusive_start_stream_arn: Option<String>,
}

pub fn list_streams(
    engine: &mut Engine,
    request: ListStreamsRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    if request.table_name.is_some() {
        v.table_name("tableName", request.table_name.as_deref());
    }
    check_limit(&mut v, request.limit, MAX_STREAMS);
    v.finish()?;
    if let Some(arn) = &request.exclusive_start_stream_arn {
        check_stream_arn(arn)?;
    }
    stream::sync(engine);
    let start = request
        .exclusive_start_stream_arn
        .as_deref()
        .unwrap_or_default();
    let table = request.table_name.as_deref();
    let size = page_size(request.limit, MAX_STREAMS);
    let mut matching = engine
        .streams
        .after(start)
        .filter(|s| table.is_none_or(|t| s.table_name == t));
    let page: Vec<&Stream> = matching.by_ref().take(size).collect();
    let more = matching.next().is_some();
    let mut response = json!({
        "Streams": page
            .iter()
            .map(|s| json!({"StreamArn": s.arn, "TableName": s.table_name, "StreamLabel": s.label}))
            .collect::<Vec<_>>(),
    });
    if let (true, Some(last)) = (more, page.last()) {
        response["LastEvaluatedStreamArn"] = json!(last.arn);
    }
    respond(&response)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStreamRequest {
    pub stream_arn: Option<String>,
    pub limit: Option<i64>,
    pub exclusive_start_shard_id: Option<String>,
}

fn shard_json(shard: &Shard) -> Value {
    let mut range = json!({"StartingSequenceNumber": sequence_text(shard.starting_sequence)});
    if let Some(end) = shard.ending_sequence {
        range["EndingSequenceNumber"] = json!(sequence_text(end));
    }
    let mut description = json!({"ShardId": shard.id, "SequenceNumberRange": range});
    if let Some(parent) = &shard.parent_id {
        description["ParentShardId"] = json!(parent);
    }
    description
}

fn key_schema_json(stream: &Stream) -> Value {
    let schema = &stream.key_schema;
    let mut elements = vec![json!({"AttributeName": schema.hash.name, "KeyType": "HASH"})];
    if let Some(range) = &schema.range {
        elements.push(json!({"AttributeName": range.name, "KeyType": "RANGE"}));
    }
    Value::Array(elements)
}

pub fn describe_stream(
    engine: &mut Engine,
    request: DescribeStreamRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("streamArn", &request.stream_arn);
    check_limit(&mut v, request.limit, MAX_SHARDS);
    check_length(
        &mut v,
        "exclusiveStartShardId",
        request.exclusive_start_shard_id.as_deref(),
        28,
        65,
    );
    v.finish()?;
    let arn = request.stream_arn.as_deref().unwrap_or_default();
    check_stream_arn(arn)?;
    stream::sync(engine);
    let stream = find_stream(engine, arn)?;
    let start = request
        .exclusive_start_shard_id
        .as_deref()
        .unwrap_or_default();
    let mut shards = stream.shards().iter().filter(|s| s.id.as_str() > start);
    let page: Vec<&Shard> = shards
        .by_ref()
        .take(page_size(request.limit, MAX_SHARDS))
        .collect();
    let more = shards.next().is_some();
    let mut description = json!({
        "StreamArn": stream.arn,
        "StreamLabel": stream.label,
        "StreamStatus": stream.status(),
        "StreamViewType": stream.view_type.as_str(),
        "CreationRequestDateTime": stream.created_millis as f64 / 1000.0,
        "TableName": stream.table_name,
        "KeySchema": key_schema_json(stream),
        "Shards": page.iter().map(|s| shard_json(s)).collect::<Vec<_>>(),
    });
    if let (true, Some(last)) = (more, page.last()) {
        description["LastEvaluatedShardId"] = json!(last.id);
    }
    respond(&json!({ "StreamDescription": description }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetShardIteratorRequest {
    pub stream_arn: Option<String>,
    pub shard_id: Option<String>,
    pub shard_iterator_type: Option<String>,
    pub sequence_number: Option<String>,
}

/// AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER need a SequenceNumber; TRIM_HORIZON and
/// LATEST refuse one. (The wording follows Kinesis's for the same rule; DynamoDB Streams'
/// own text is not on record.)
fn check_sequence_presence(iterator_type: &str, sequence: Option<&str>) -> Result<(), DynamoError> {
    let needs = matches!(
        iterator_type,
        "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER"
    );
    if needs == sequence.is_some() {
        return Ok(());
    }
    let given = if sequence.is_some() { "a" } else { "no" };
    Err(DynamoError::validation(format!(
        "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and SequenceNumber or (2) TRIM_HORIZON or LATEST and no SequenceNumber. Request specified {iterator_type} and {given} SequenceNumber."
    )))
}

/// A sequence number given for a shard: digits naming a position within the shard's range.
fn sequence_in(shard: &Shard, text: &str, last_issued: u128) -> Result<u128, DynamoError> {
    text.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| text.parse::<u128>().ok())
        .flatten()
        .filter(|&sequence| shard.covers(sequence, last_issued))
        .ok_or_else(|| {
            DynamoError::validation(format!(
                "Invalid SequenceNumber {text} for shard {}",
                shard.id
            ))
        })
}

/// The position (read the records after this sequence number) an iterator type names.
fn position(
    shard: &Shard,
    iterator_type: &str,
    sequence: Option<&str>,
    last_issued: u128,
) -> Result<u128, DynamoError> {
    let sequence = || sequence_in(shard, sequence.unwrap_or_default(), last_issued);
    Ok(match iterator_type {
        "TRIM_HORIZON" => shard.trim_horizon(),
        "LATEST" => shard.last_sequence(),
        "AT_SEQUENCE_NUMBER" => sequence()?.saturating_sub(1),
        _ => sequence()?,
    })
}

pub fn get_shard_iterator(
    engine: &mut Engine,
    request: GetShardIteratorRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("streamArn", &request.stream_arn);
    v.not_null("shardId", &request.shard_id);
    check_length(&mut v, "shardId", request.shard_id.as_deref(), 28, 65);
    v.not_null("shardIteratorType", &request.shard_iterator_type);
    v.one_of(
        "shardIteratorType",
        request.shard_iterator_type.as_deref(),
        ITERATOR_TYPES,
    );
    check_length(
        &mut v,
        "sequenceNumber",
        request.sequence_number.as_deref(),
        21,
        40,
    );
    v.finish()?;
    let arn = request.stream_arn.as_deref().unwrap_or_default();
    let iterator_type = request.shard_iterator_type.as_deref().unwrap_or_default();
    check_stream_arn(arn)?;
    check_sequence_presence(iterator_type, request.sequence_number.as_deref())?;
    stream::sync(engine);
    let stream = find_stream(engine, arn)?;
    let shard = stream
        .shard(request.shard_id.as_deref().unwrap_or_default())
        .ok_or_else(shard_not_found)?;
    let after = position(
        shard,
        iterator_type,
        request.sequence_number.as_deref(),
        engine.streams.last_issued(),
    )?;
    if shard.is_trimmed_after(after) {
        return Err(trimmed());
    }
    let iterator = ShardIterator {
        stream_arn: stream.arn.clone(),
        shard_id: shard.id.clone(),
        after,
        issued_millis: engine.now_millis(),
    };
    respond(&json!({ "ShardIterator": iterator.encode(engine.config.seed) }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRecordsRequest {
    pub shard_iterator: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetRecordsResponse<'a> {
    records: Vec<WireRecord<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_shard_iterator: Option<String>,
}

/// The iterator a GetRecords request names, if this engine issued it and it has not expired.
fn live_iterator(engine: &Engine, text: &str) -> Result<ShardIterator, DynamoError> {
    let iterator = ShardIterator::decode(text, engine.config.seed)
        .ok_or_else(|| DynamoError::validation("Invalid ShardIterator"))?;
    if engine.now_millis()
        >= iterator
            .issued_millis
            .saturating_add(ITERATOR_LIFETIME_MILLIS)
    {
        return Err(DynamoError::new(
            ErrorKind::ExpiredIteratorException,
            "The provided iterator exceeds the maximum age allowed.",
        ));
    }
    Ok(iterator)
}

pub fn get_records(
    engine: &mut Engine,
    request: GetRecordsRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("shardIterator", &request.shard_iterator);
    check_length(
        &mut v,
        "shardIterator",
        request.shard_iterator.as_deref(),
        1,
        2048,
    );
    check_limit(&mut v, request.limit, MAX_RECORDS);
    v.finish()?;
    let iterator = live_iterator(
        engine,
        request.shard_iterator.as_deref().unwrap_or_default(),
    )?;
    stream::sync(engine);
    let stream = find_stream(engine, &iterator.stream_arn)?;
    let shard = stream
        .shard(&iterator.shard_id)
        .ok_or_else(shard_not_found)?;
    if shard.is_trimmed_after(iterator.after) {
        return Err(trimmed());
    }
    let mut bytes = 0;
    let records: Vec<_> = shard
        .records_after(iterator.after)
        .take(page_size(request.limit, MAX_RECORDS))
        .take_while(|r| {
            bytes += r.size_bytes;
            bytes == r.size_bytes || bytes <= MAX_RECORD_BYTES
        })
        .collect();
    let last = records.last().map_or(iterator.after, |r| r.sequence);
    let next = (!shard.is_finished_after(last)).then(|| {
        ShardIterator {
            after: last,
            issued_millis: engine.now_millis(),
            ..iterator
        }
        .encode(engine.config.seed)
    });
    let region = engine.config.region.as_str();
    respond(&GetRecordsResponse {
        records: records
            .iter()
            .map(|r| r.to_wire(region, stream.view_type))
            .collect(),
        next_shard_iterator: next,
    })
}
