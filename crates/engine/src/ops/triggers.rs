//! Stream triggers' operations (`extras`), named after Lambda's: CreateEventSourceMapping,
//! ListEventSourceMappings and DeleteEventSourceMapping as `Dynoscope_` operations, with
//! `Dynoscope_GetInvocations` (a mapping's invocations, logs and figures) and
//! `Dynoscope_ReceiveFromQueue` (an on-failure queue's messages). The ranges are checked
//! here in Lambda's "N validation errors detected" form; the rest is the `triggers` module.

use serde::Deserialize;
use serde_json::Value;

use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::triggers::{
    MAX_BATCH_SIZE, MAX_BATCHING_WINDOW_SECONDS, MAX_FUNCTION_TIMEOUT_SECONDS,
    MAX_PARALLELIZATION_FACTOR, MAX_RECORD_AGE_SECONDS, MAX_RETRY_ATTEMPTS, RESPONSE_TYPES,
    Requested, STARTING_POSITIONS,
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateEventSourceMappingRequest {
    pub event_source_arn: Option<String>,
    pub function_name: Option<String>,
    pub enabled: Option<bool>,
    pub batch_size: Option<i64>,
    pub maximum_batching_window_in_seconds: Option<i64>,
    pub starting_position: Option<String>,
    pub filter_criteria: Option<FilterCriteria>,
    pub bisect_batch_on_function_error: Option<bool>,
    pub maximum_retry_attempts: Option<i64>,
    pub maximum_record_age_in_seconds: Option<i64>,
    pub parallelization_factor: Option<i64>,
    pub function_response_types: Option<Vec<String>>,
    pub destination_config: Option<DestinationConfig>,
    pub tumbling_window_in_seconds: Option<i64>,
    /// Dynoscope's own: the function's timeout the front end enforces (Lambda keeps it on
    /// the function, which Dynoscope does not model).
    pub function_timeout_seconds: Option<i64>,
    /// Dynoscope's own: the loopback `http://` URL the native server POSTs events to.
    pub function_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FilterCriteria {
    pub filters: Option<Vec<Filter>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Filter {
    pub pattern: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DestinationConfig {
    pub on_failure: Option<OnFailure>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OnFailure {
    pub destination: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListEventSourceMappingsRequest {
    pub event_source_arn: Option<String>,
    pub function_name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct MappingRequest {
    #[serde(rename = "UUID")]
    pub uuid: Option<String>,
    #[serde(rename = "Limit")]
    pub limit: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReceiveFromQueueRequest {
    /// The queue's name, or its ARN or URL (the last part names it).
    pub queue_name: Option<String>,
    pub max_number_of_messages: Option<i64>,
}

pub fn create_event_source_mapping(
    engine: &mut Engine,
    r: CreateEventSourceMappingRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("functionName", &r.function_name);
    if let Some(name) = &r.function_name
        && !(1..=140).contains(&name.len())
    {
        v.push(
            &format!("'{name}'"),
            "functionName",
            "Member must have length between 1 and 140",
        );
    }
    for (field, value, min, max) in [
        ("batchSize", r.batch_size, 1, MAX_BATCH_SIZE),
        (
            "maximumBatchingWindowInSeconds",
            r.maximum_batching_window_in_seconds,
            0,
            MAX_BATCHING_WINDOW_SECONDS,
        ),
        (
            "maximumRetryAttempts",
            r.maximum_retry_attempts,
            -1,
            MAX_RETRY_ATTEMPTS,
        ),
        (
            "maximumRecordAgeInSeconds",
            r.maximum_record_age_in_seconds,
            -1,
            MAX_RECORD_AGE_SECONDS,
        ),
        (
            "parallelizationFactor",
            r.parallelization_factor,
            1,
            MAX_PARALLELIZATION_FACTOR,
        ),
        (
            "tumblingWindowInSeconds",
            r.tumbling_window_in_seconds,
            0,
            900,
        ),
        (
            "functionTimeoutSeconds",
            r.function_timeout_seconds,
            1,
            MAX_FUNCTION_TIMEOUT_SECONDS,
        ),
    ] {
        v.at_least(field, value, min);
        v.at_most(field, value, max);
    }
    v.one_of(
        "startingPosition",
        r.starting_position.as_deref(),
        STARTING_POSITIONS,
    );
    for kind in r.function_response_types.iter().flatten() {
        v.one_of("functionResponseTypes", Some(kind), RESPONSE_TYPES);
    }
    v.finish()?;
    let requested = Requested {
        event_source_arn: r.event_source_arn.unwrap_or_default(),
        function_name: r.function_name.unwrap_or_default(),
        enabled: r.enabled,
        batch_size: r.batch_size,
        maximum_batching_window_in_seconds: r.maximum_batching_window_in_seconds,
        starting_position: r.starting_position,
        filter_patterns: (r
            .filter_criteria
            .and_then(|c| c.filters)
            .into_iter()
            .flatten())
        .map(|f| f.pattern.unwrap_or_default())
        .collect(),
        bisect_batch_on_function_error: r.bisect_batch_on_function_error,
        maximum_retry_attempts: r.maximum_retry_attempts,
        maximum_record_age_in_seconds: r.maximum_record_age_in_seconds,
        parallelization_factor: r.parallelization_factor,
        function_response_types: r.function_response_types.unwrap_or_default(),
        on_failure: (r.destination_config.and_then(|d| d.on_failure)).and_then(|o| o.destination),
        tumbling_window_in_seconds: r.tumbling_window_in_seconds,
        function_timeout_seconds: r.function_timeout_seconds,
        function_url: r.function_url,
    };
    respond(&engine.create_event_source_mapping(requested)?)
}

pub fn list_event_source_mappings(
    engine: &mut Engine,
    r: ListEventSourceMappingsRequest,
) -> Result<Vec<u8>, DynamoError> {
    respond(
        &engine.list_event_source_mappings(
            r.event_source_arn.as_deref(),
            r.function_name.as_deref(),
        )?,
    )
}

pub fn delete_event_source_mapping(
    engine: &mut Engine,
    r: MappingRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("uUID", &r.uuid);
    v.finish()?;
    respond(&engine.delete_event_source_mapping(&r.uuid.unwrap_or_default())?)
}

pub fn get_invocations(engine: &mut Engine, r: MappingRequest) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("uUID", &r.uuid);
    v.at_least("limit", r.limit, 1);
    v.at_most("limit", r.limit, 200);
    v.finish()?;
    let limit = r.limit.unwrap_or(50) as usize;
    respond(&engine.invocations_of(&r.uuid.unwrap_or_default(), limit)?)
}

pub fn receive_from_queue(
    engine: &mut Engine,
    r: ReceiveFromQueueRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("queueName", &r.queue_name);
    v.at_least("maxNumberOfMessages", r.max_number_of_messages, 1);
    v.at_most("maxNumberOfMessages", r.max_number_of_messages, 10);
    v.finish()?;
    let text = r.queue_name.unwrap_or_default();
    let name = text.rsplit([':', '/']).next().unwrap_or_default();
    let answer: Value =
        engine.receive_from_queue(name, r.max_number_of_messages.unwrap_or(1) as usize);
    respond(&answer)
}
