//! The one door: operation names to handlers, and request bodies to typed requests with
//! DynamoDB's distinction between a body that cannot be read (SerializationException) and
//! one that reads but breaks a rule (ValidationException).

use serde::de::DeserializeOwned;

use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::ops;
use crate::value::{clear_validation_failure, take_validation_failure};

/// Every operation the engine serves, by its DynamoDB name.
pub const OPERATIONS: &[&str] = &[
    #[cfg(feature = "extras")]
    "BatchExecuteStatement",
    "BatchGetItem",
    "BatchWriteItem",
    #[cfg(feature = "extras")]
    "CreateBackup",
    "CreateTable",
    #[cfg(feature = "extras")]
    "DeleteBackup",
    "DeleteItem",
    #[cfg(feature = "extras")]
    "DeleteResourcePolicy",
    "DeleteTable",
    #[cfg(feature = "extras")]
    "DescribeBackup",
    "DescribeContinuousBackups",
    #[cfg(feature = "extras")]
    "DescribeContributorInsights",
    "DescribeEndpoints",
    #[cfg(feature = "extras")]
    "DescribeKinesisStreamingDestination",
    #[cfg(feature = "extras")]
    "DescribeExport",
    #[cfg(feature = "extras")]
    "DescribeImport",
    "DescribeLimits",
    "DescribeStream",
    "DescribeTable",
    "DescribeTimeToLive",
    #[cfg(feature = "extras")]
    "DisableKinesisStreamingDestination",
    #[cfg(feature = "extras")]
    "EnableKinesisStreamingDestination",
    #[cfg(feature = "extras")]
    "ExecuteStatement",
    #[cfg(feature = "extras")]
    "ExecuteTransaction",
    #[cfg(feature = "extras")]
    "ExportTableToPointInTime",
    "GetItem",
    "GetRecords",
    #[cfg(feature = "extras")]
    "GetResourcePolicy",
    "GetShardIterator",
    #[cfg(feature = "extras")]
    "ListBackups",
    #[cfg(feature = "extras")]
    "ImportTable",
    #[cfg(feature = "extras")]
    "ListContributorInsights",
    #[cfg(feature = "extras")]
    "ListExports",
    #[cfg(feature = "extras")]
    "ListImports",
    "ListStreams",
    "ListTables",
    #[cfg(feature = "extras")]
    "ListTagsOfResource",
    "PutItem",
    #[cfg(feature = "extras")]
    "PutResourcePolicy",
    "Query",
    #[cfg(feature = "extras")]
    "RestoreTableFromBackup",
    #[cfg(feature = "extras")]
    "RestoreTableToPointInTime",
    "Scan",
    #[cfg(feature = "extras")]
    "TagResource",
    "TransactGetItems",
    "TransactWriteItems",
    #[cfg(feature = "extras")]
    "UntagResource",
    "UpdateContinuousBackups",
    #[cfg(feature = "extras")]
    "UpdateContributorInsights",
    "UpdateItem",
    #[cfg(feature = "extras")]
    "UpdateKinesisStreamingDestination",
    "UpdateTable",
    "UpdateTimeToLive",
    #[cfg(feature = "extras")]
    "CreateGlobalTable",
    #[cfg(feature = "extras")]
    "DescribeGlobalTable",
    #[cfg(feature = "extras")]
    "DescribeGlobalTableSettings",
    #[cfg(feature = "extras")]
    "DescribeTableReplicaAutoScaling",
    #[cfg(feature = "extras")]
    "ListGlobalTables",
    #[cfg(feature = "extras")]
    "UpdateGlobalTable",
    #[cfg(feature = "extras")]
    "UpdateGlobalTableSettings",
    #[cfg(feature = "extras")]
    "UpdateTableReplicaAutoScaling",
    "Dynoscope_AdvanceClock",
    #[cfg(feature = "extras")]
    "Dynoscope_CreateEventSourceMapping",
    #[cfg(feature = "extras")]
    "Dynoscope_DeleteEventSourceMapping",
    "Dynoscope_DescribeClock",
    #[cfg(feature = "extras")]
    "Dynoscope_DescribeDax",
    "Dynoscope_DescribePartitions",
    #[cfg(feature = "extras")]
    "Dynoscope_DescribeRegions",
    "Dynoscope_DescribeSimulation",
    "Dynoscope_DescribeZones",
    "Dynoscope_EstimateCost",
    #[cfg(feature = "extras")]
    "Dynoscope_DeletePrincipal",
    #[cfg(feature = "extras")]
    "Dynoscope_ExplainAccess",
    #[cfg(feature = "extras")]
    "Dynoscope_ListPrincipals",
    #[cfg(feature = "extras")]
    "Dynoscope_PutPrincipal",
    "Dynoscope_GetActivity",
    "Dynoscope_GetEvents",
    #[cfg(feature = "extras")]
    "Dynoscope_GetInvocations",
    "Dynoscope_GetMetrics",
    #[cfg(feature = "extras")]
    "Dynoscope_ListEventSourceMappings",
    "Dynoscope_LocateItem",
    #[cfg(feature = "extras")]
    "Dynoscope_ReceiveFromQueue",
    "Dynoscope_SetClock",
    #[cfg(feature = "extras")]
    "Dynoscope_SetDax",
    #[cfg(feature = "extras")]
    "Dynoscope_SetRegionAvailability",
    "Dynoscope_SetSimulation",
    "Dynoscope_SetZoneAvailability",
];

/// The operations of the DynamoDB Streams API, served under the `DynamoDBStreams_20120810`
/// target prefix; every other operation belongs under `DynamoDB_20120810`.
pub const STREAMS_OPERATIONS: &[&str] = &[
    "DescribeStream",
    "GetRecords",
    "GetShardIterator",
    "ListStreams",
];

/// Whether `name` is a DynamoDB Streams operation (rather than a DynamoDB one).
pub fn is_streams_operation(name: &str) -> bool {
    STREAMS_OPERATIONS.contains(&name)
}

pub(crate) fn dispatch(
    engine: &mut Engine,
    operation: &str,
    body: &[u8],
) -> Result<Vec<u8>, DynamoError> {
    // DynamoDB accepts a table's ARN wherever it takes a table name. Requests that use one
    // (rare) are rewritten to the name; everyone else pays one substring search.
    let rewritten;
    let body = if contains(body, b"arn:aws:dynamodb:") {
        rewritten = table_arns_to_names(engine, body);
        rewritten.as_deref().unwrap_or(body)
    } else {
        body
    };
    ops::zones::check_quorum(engine, operation)?;
    route(engine, operation, body)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The request with every table ARN of this engine's account and region, where a table
/// name belongs (TableName, RequestItems keys, transaction actions), replaced by the name.
fn table_arns_to_names(engine: &Engine, body: &[u8]) -> Option<Vec<u8>> {
    let prefix = format!(
        "arn:aws:dynamodb:{}:{}:table/",
        engine.config.region, engine.config.account_id
    );
    let name_of = |text: &str| {
        text.strip_prefix(&prefix)
            .filter(|n| !n.contains('/'))
            .map(str::to_owned)
    };
    let mut request: serde_json::Value = serde_json::from_slice(body).ok()?;
    let fix = |slot: &mut serde_json::Value| {
        if let Some(name) = slot.as_str().and_then(name_of) {
            *slot = serde_json::Value::String(name);
        }
    };
    if let Some(slot) = request.get_mut("TableName") {
        fix(slot);
    }
    if let Some(items) = request
        .get_mut("RequestItems")
        .and_then(serde_json::Value::as_object_mut)
    {
        let renamed: serde_json::Map<String, serde_json::Value> = crate::sorting::ordered(
            std::mem::take(items)
                .into_iter()
                .map(|(k, v)| (name_of(&k).unwrap_or(k), v)),
        );
        *items = renamed;
    }
    if let Some(actions) = request
        .get_mut("TransactItems")
        .and_then(serde_json::Value::as_array_mut)
    {
        for action in actions
            .iter_mut()
            .filter_map(serde_json::Value::as_object_mut)
        {
            for member in action.values_mut() {
                if let Some(slot) = member.get_mut("TableName") {
                    fix(slot);
                }
            }
        }
    }
    serde_json::to_vec(&request).ok()
}

fn route(engine: &mut Engine, operation: &str, body: &[u8]) -> Result<Vec<u8>, DynamoError> {
    match operation {
        // A table created with a stream, or deleted with one, changes the streams at once.
        "CreateTable" => {
            ops::tables::create_table(engine, parse(body)?).inspect(|_| crate::stream::sync(engine))
        }
        "DescribeTable" => ops::tables::describe_table(engine, parse(body)?),
        "ListTables" => ops::tables::list_tables(engine, parse(body)?),
        "DeleteTable" => {
            ops::tables::delete_table(engine, parse(body)?).inspect(|_| crate::stream::sync(engine))
        }
        "PutItem" => ops::items::put_item(engine, parse(body)?),
        "GetItem" => ops::items::get_item(engine, parse(body)?),
        "DeleteItem" => ops::items::delete_item(engine, parse(body)?),
        "UpdateItem" => ops::items::update_item(engine, parse(body)?),
        "Scan" => ops::scan::scan(engine, parse(body)?),
        "Query" => ops::query::query(engine, parse(body)?),
        "BatchGetItem" => ops::batch::batch_get_item(engine, parse(body)?),
        "BatchWriteItem" => ops::batch::batch_write_item(engine, parse(body)?),
        "TransactWriteItems" => ops::transactions::transact_write_items(engine, parse(body)?),
        "TransactGetItems" => ops::transactions::transact_get_items(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "ExecuteStatement" => ops::partiql::execute_statement(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "BatchExecuteStatement" => ops::partiql::batch_execute_statement(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "ExecuteTransaction" => ops::partiql::execute_transaction(engine, parse(body)?),
        "UpdateTable" => ops::update_table::update_table(engine, parse(body)?),
        "ListStreams" => ops::streams::list_streams(engine, parse(body)?),
        "DescribeStream" => ops::streams::describe_stream(engine, parse(body)?),
        "GetShardIterator" => ops::streams::get_shard_iterator(engine, parse(body)?),
        "GetRecords" => ops::streams::get_records(engine, parse(body)?),
        "UpdateTimeToLive" => ops::ttl::update_time_to_live(engine, parse(body)?),
        "DescribeTimeToLive" => ops::ttl::describe_time_to_live(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "PutResourcePolicy" => ops::resource_policies::put_resource_policy(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "GetResourcePolicy" => ops::resource_policies::get_resource_policy(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "DeleteResourcePolicy" => {
            ops::resource_policies::delete_resource_policy(engine, parse(body)?)
        }
        #[cfg(feature = "extras")]
        "EnableKinesisStreamingDestination" => ops::kinesis::enable(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "DisableKinesisStreamingDestination" => ops::kinesis::disable(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "UpdateKinesisStreamingDestination" => ops::kinesis::update(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "DescribeKinesisStreamingDestination" => ops::kinesis::describe(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "CreateBackup" => ops::backups::create_backup(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "DescribeBackup" => ops::backups::describe_backup(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "DeleteBackup" => ops::backups::delete_backup(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "ListBackups" => ops::backups::list_backups(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "RestoreTableFromBackup" => ops::restore::restore_table_from_backup(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "RestoreTableToPointInTime" => {
            ops::restore::restore_table_to_point_in_time(engine, parse(body)?)
        }
        "UpdateContinuousBackups" => {
            ops::continuous_backups::update_continuous_backups(engine, parse(body)?)
        }
        "DescribeContinuousBackups" => {
            ops::continuous_backups::describe_continuous_backups(engine, parse(body)?)
        }
        #[cfg(feature = "extras")]
        "UpdateContributorInsights" => {
            ops::insights::update_contributor_insights(engine, parse(body)?)
        }
        #[cfg(feature = "extras")]
        "DescribeContributorInsights" => {
            ops::insights::describe_contributor_insights(engine, parse(body)?)
        }
        #[cfg(feature = "extras")]
        "ListContributorInsights" => ops::insights::list_contributor_insights(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "TagResource" => ops::tags::tag_resource(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "UntagResource" => ops::tags::untag_resource(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "ListTagsOfResource" => ops::tags::list_tags_of_resource(engine, parse(body)?),
        "DescribeLimits" => ops::account::describe_limits(engine, parse(body)?),
        "DescribeEndpoints" => ops::account::describe_endpoints(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "ExportTableToPointInTime" => {
            ops::exports::export_table_to_point_in_time(engine, parse(body)?)
        }
        #[cfg(feature = "extras")]
        "DescribeExport" => ops::exports::describe_export(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "ListExports" => ops::exports::list_exports(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "ImportTable" => ops::imports::import_table(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "DescribeImport" => ops::imports::describe_import(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "ListImports" => ops::imports::list_imports(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "UpdateTableReplicaAutoScaling" => {
            ops::replica_auto_scaling::update_table_replica_auto_scaling(engine, parse(body)?)
        }
        #[cfg(feature = "extras")]
        "DescribeTableReplicaAutoScaling" => {
            ops::replica_auto_scaling::describe_table_replica_auto_scaling(engine, parse(body)?)
        }
        #[cfg(feature = "extras")]
        "CreateGlobalTable" => ops::legacy_global_tables::create_global_table(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "UpdateGlobalTable" => ops::legacy_global_tables::update_global_table(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "DescribeGlobalTable" => {
            ops::legacy_global_tables::describe_global_table(engine, parse(body)?)
        }
        #[cfg(feature = "extras")]
        "ListGlobalTables" => ops::legacy_global_tables::list_global_tables(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "DescribeGlobalTableSettings" => {
            ops::legacy_global_tables::describe_global_table_settings(engine, parse(body)?)
        }
        #[cfg(feature = "extras")]
        "UpdateGlobalTableSettings" => {
            ops::legacy_global_tables::update_global_table_settings(engine, parse(body)?)
        }
        "Dynoscope_DescribeClock" => ops::simulation::describe_clock(engine, parse(body)?),
        "Dynoscope_SetClock" => ops::simulation::set_clock(engine, parse(body)?),
        "Dynoscope_AdvanceClock" => ops::simulation::advance_clock(engine, parse(body)?),
        "Dynoscope_DescribePartitions" => {
            ops::introspection::describe_partitions(engine, parse(body)?)
        }
        "Dynoscope_GetEvents" => ops::introspection::get_events(engine, parse(body)?),
        "Dynoscope_GetActivity" => ops::introspection::get_activity(engine, parse(body)?),
        "Dynoscope_GetMetrics" => ops::metrics::get_metrics(engine, parse(body)?),
        "Dynoscope_EstimateCost" => ops::metrics::estimate_cost(engine, parse(body)?),
        "Dynoscope_LocateItem" => ops::introspection::locate_item(engine, parse(body)?),
        "Dynoscope_SetSimulation" => ops::simulation::set_simulation(engine, parse(body)?),
        "Dynoscope_DescribeSimulation" => {
            ops::simulation::describe_simulation(engine, parse(body)?)
        }
        "Dynoscope_SetZoneAvailability" => ops::zones::set_zone_availability(engine, parse(body)?),
        "Dynoscope_DescribeZones" => ops::zones::describe_zones(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "Dynoscope_SetDax" => ops::dax::set_dax(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "Dynoscope_DescribeDax" => ops::dax::describe_dax(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "Dynoscope_SetRegionAvailability" => {
            ops::regions::set_region_availability(engine, parse(body)?)
        }
        #[cfg(feature = "extras")]
        "Dynoscope_DescribeRegions" => ops::regions::describe_regions(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "Dynoscope_PutPrincipal" => ops::principals::put_principal(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "Dynoscope_ListPrincipals" => ops::principals::list_principals(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "Dynoscope_DeletePrincipal" => ops::principals::delete_principal(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "Dynoscope_ExplainAccess" => ops::principals::explain_access(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "Dynoscope_CreateEventSourceMapping" => {
            ops::triggers::create_event_source_mapping(engine, parse(body)?)
        }
        #[cfg(feature = "extras")]
        "Dynoscope_ListEventSourceMappings" => {
            ops::triggers::list_event_source_mappings(engine, parse(body)?)
        }
        #[cfg(feature = "extras")]
        "Dynoscope_DeleteEventSourceMapping" => {
            ops::triggers::delete_event_source_mapping(engine, parse(body)?)
        }
        #[cfg(feature = "extras")]
        "Dynoscope_GetInvocations" => ops::triggers::get_invocations(engine, parse(body)?),
        #[cfg(feature = "extras")]
        "Dynoscope_ReceiveFromQueue" => ops::triggers::receive_from_queue(engine, parse(body)?),
        // DynamoDB's UnknownOperationException has no message.
        _ => Err(DynamoError::new(ErrorKind::UnknownOperationException, "")),
    }
}

/// Reads a request body into its typed form.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, DynamoError> {
    clear_validation_failure();
    serde_json::from_slice(body).map_err(|e| unreadable(body, e))
}

/// Why a body did not read: a value's own validation failure if one was recorded, else
/// DynamoDB's SerializationException. Kept out of line: [`parse`] has one copy per
/// request type, and this one is shared.
#[inline(never)]
fn unreadable(body: &[u8], error: serde_json::Error) -> DynamoError {
    take_validation_failure().unwrap_or_else(|| serialization_error(body, &error))
}

/// DynamoDB's SerializationException for a body that cannot be read into the request: none
/// of serde's text reaches the wire. Unreadable JSON carries no message (as DynamoDB
/// answers it); a member of the wrong JSON type is named the way DynamoDB's parser names it
/// (`NUMBER_VALUE cannot be converted to String`, `Start of structure or map found where not
/// expected`, ...); anything else falls back to the bare form.
fn serialization_error(body: &[u8], error: &serde_json::Error) -> DynamoError {
    let message = match error.classify() {
        serde_json::error::Category::Data => {
            let member = member_before(body, error.line(), error.column());
            type_mismatch(&error.to_string(), member).unwrap_or_default()
        }
        _ => String::new(),
    };
    DynamoError::serialization(message)
}

/// The name of the last member that starts before `line`:`column` (where serde stopped), if
/// it can be told: the quoted text before the last `:`.
fn member_before(body: &[u8], line: usize, column: usize) -> Option<&str> {
    let text = std::str::from_utf8(body).ok()?;
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let prefix = text.get(..(line_start + column).min(text.len()))?;
    let before_colon = prefix[..prefix.rfind(':')?].trim_end().strip_suffix('"')?;
    Some(&before_colon[before_colon.rfind('"')? + 1..])
}

/// DynamoDB's words for serde's "invalid type: <found>, expected <wanted>", the member (if
/// known) telling DynamoDB's Integer members from its Long ones.
fn type_mismatch(text: &str, member: Option<&str>) -> Option<String> {
    let rest = text.strip_prefix("invalid type: ")?;
    let (found, wanted) = rest.split_once(", expected ")?;
    let wanted = wanted.split(" at line ").next().unwrap_or_default();
    let token = if found.starts_with("map") {
        return Some("Start of structure or map found where not expected".to_owned());
    } else if found == "boolean `true`" {
        "TRUE_VALUE"
    } else if found == "boolean `false`" {
        "FALSE_VALUE"
    } else if found.starts_with("integer") {
        "NUMBER_VALUE"
    } else if found.starts_with("floating point") {
        "DECIMAL_VALUE"
    } else if found.starts_with("string") {
        "STRING_VALUE"
    } else if found == "sequence" {
        return Some(match java_type(wanted, member) {
            Some(class) => format!("Unrecognized collection type class java.lang.{class}"),
            None => "Unexpected field type".to_owned(),
        });
    } else {
        return None;
    };
    Some(match java_type(wanted, member) {
        Some("Boolean") if token == "STRING_VALUE" => {
            "Unexpected token received from parser".to_owned()
        }
        Some(class) => format!("{token} cannot be converted to {class}"),
        None => "Unexpected field type".to_owned(),
    })
}

/// The Java class DynamoDB's parser wanted, from serde's description of the Rust type. The
/// engine reads every whole number as i64 or usize; DynamoDB's model says Long only for
/// capacity and request units, Integer for the rest (Limit, Segment, MaxResults, ...).
fn java_type(wanted: &str, member: Option<&str>) -> Option<&'static str> {
    let long = member.is_some_and(|m| m.ends_with("CapacityUnits") || m.ends_with("RequestUnits"));
    match wanted {
        "a string" | "a borrowed string" | "a character" => Some("String"),
        "a boolean" => Some("Boolean"),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" => {
            Some(if long { "Long" } else { "Integer" })
        }
        "f32" | "f64" => Some("Double"),
        _ => None,
    }
}

/// Writes a response body.
pub(crate) fn respond<T: serde::Serialize>(response: &T) -> Result<Vec<u8>, DynamoError> {
    serde_json::to_vec(response)
        .map_err(|e| DynamoError::new(ErrorKind::InternalFailure, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EngineConfig;

    #[test]
    fn unknown_operations_are_answered_with_unknown_operation_exception() {
        let mut engine = Engine::new(EngineConfig::default());
        let e = engine.dispatch("Frobnicate", b"{}").unwrap_err();
        assert_eq!(
            e.wire_type(),
            "com.amazon.coral.service#UnknownOperationException"
        );
    }

    #[test]
    fn a_body_that_is_not_json_is_a_bare_serialization_exception() {
        let mut engine = Engine::new(EngineConfig::default());
        let e = engine.dispatch("ListTables", b"{not json").unwrap_err();
        assert_eq!(e.kind, ErrorKind::SerializationException);
        assert_eq!(e.message, "");
    }

    fn serialization_message(operation: &str, body: &str) -> String {
        let mut engine = Engine::new(EngineConfig::default());
        let e = engine.dispatch(operation, body.as_bytes()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::SerializationException, "{body}: {e}");
        e.message
    }

    #[test]
    fn a_member_of_the_wrong_type_is_named_in_dynamodbs_words() {
        let cases = [
            (
                r#"{"TableName":5}"#,
                "NUMBER_VALUE cannot be converted to String",
            ),
            (
                r#"{"TableName":1.5}"#,
                "DECIMAL_VALUE cannot be converted to String",
            ),
            (
                r#"{"TableName":true}"#,
                "TRUE_VALUE cannot be converted to String",
            ),
            (
                r#"{"TableName":{}}"#,
                "Start of structure or map found where not expected",
            ),
            (
                r#"{"TableName":[]}"#,
                "Unrecognized collection type class java.lang.String",
            ),
        ];
        for (body, message) in cases {
            assert_eq!(
                serialization_message("DescribeTable", body),
                message,
                "{body}"
            );
        }
    }

    #[test]
    fn whole_numbers_are_integers_except_capacity_and_request_units_which_are_longs() {
        let cases = [
            (
                r#"{"Limit":"5"}"#,
                "STRING_VALUE cannot be converted to Integer",
            ),
            (
                "{\n  \"Limit\": true\n}",
                "TRUE_VALUE cannot be converted to Integer",
            ),
        ];
        for (body, message) in cases {
            assert_eq!(serialization_message("ListTables", body), message, "{body}");
        }
        let body = r#"{"TableName":"t","ProvisionedThroughput":{"ReadCapacityUnits":"1","WriteCapacityUnits":1}}"#;
        assert_eq!(
            serialization_message("UpdateTable", body),
            "STRING_VALUE cannot be converted to Long"
        );
    }

    #[test]
    fn a_number_attribute_sent_as_a_json_number_is_a_number_value() {
        let body = r#"{"TableName":"t","Item":{"pk":{"N":123}}}"#;
        assert_eq!(
            serialization_message("PutItem", body),
            "NUMBER_VALUE cannot be converted to String"
        );
    }

    #[test]
    fn no_serde_text_reaches_a_message() {
        for body in [
            r#"{"Limit":"x"}"#,
            r#"{"Limit":[1]}"#,
            "[1]",
            "7",
            r#"{"ExclusiveStartTableName":false}"#,
        ] {
            let message = serialization_message("ListTables", body);
            for serde_word in [
                "invalid type",
                "expected a",
                "expected struct",
                " at line",
                "column",
            ] {
                assert!(!message.contains(serde_word), "{body}: {message}");
            }
        }
    }
}
