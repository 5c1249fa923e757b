//! An event source mapping's settings: Lambda's members for a DynamoDB stream with their
//! documented defaults and limits (Lambda guide, "Lambda parameters for Amazon DynamoDB
//! event source mappings"; API reference, CreateEventSourceMapping), the semantic checks
//! Lambda makes once the ranges are met, and the description GetEventSourceMapping answers
//! with. The ranges themselves are checked by the operation (`ops::triggers`), in the
//! "N validation errors detected" form Lambda shares with DynamoDB.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::filter::{Filters, INVALID_PATTERN};
use crate::error::{DynamoError, ErrorKind};

/// BatchSize: default 100, at most 10,000.
pub const DEFAULT_BATCH_SIZE: i64 = 100;
pub const MAX_BATCH_SIZE: i64 = 10_000;
/// MaximumBatchingWindowInSeconds: default 0, at most 300.
pub const MAX_BATCHING_WINDOW_SECONDS: i64 = 300;
/// MaximumRecordAgeInSeconds: -1 (infinite: until the record leaves the stream) to 604,800.
pub const MAX_RECORD_AGE_SECONDS: i64 = 604_800;
/// MaximumRetryAttempts: -1 (infinite) to 10,000.
pub const MAX_RETRY_ATTEMPTS: i64 = 10_000;
/// ParallelizationFactor: default 1, at most 10.
pub const MAX_PARALLELIZATION_FACTOR: i64 = 10;
/// Filters per mapping (Lambda's default quota).
pub const MAX_FILTERS: usize = 5;
/// The function's timeout a front end enforces: Lambda's default 3 s, at most 900 s.
pub const DEFAULT_FUNCTION_TIMEOUT_SECONDS: i64 = 3;
pub const MAX_FUNCTION_TIMEOUT_SECONDS: i64 = 900;
/// The starting positions Lambda names; AT_TIMESTAMP is for Kinesis only.
pub const STARTING_POSITIONS: &[&str] = &["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"];
pub const RESPONSE_TYPES: &[&str] = &["ReportBatchItemFailures"];

/// Where records that could not be processed are reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Destination {
    /// An in-page queue the engine keeps, named by the SQS ARN's last part.
    Queue(String),
    /// A table the engine writes the invocation record into, as an item.
    Table(String),
}

impl Destination {
    /// Reads an on-failure destination ARN: an SQS queue (kept by the engine) or, Dynoscope's
    /// own addition, a DynamoDB table.
    pub fn parse(arn: &str) -> Result<Destination, DynamoError> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        match parts.as_slice() {
            ["arn", _, "sqs", _, _, name] if !name.is_empty() => {
                Ok(Destination::Queue((*name).to_owned()))
            }
            ["arn", _, "dynamodb", _, _, resource] => match resource.strip_prefix("table/") {
                Some(name) if !name.is_empty() && !name.contains('/') => {
                    Ok(Destination::Table(name.to_owned()))
                }
                _ => Err(invalid(format!(
                    "The destination {arn} is not a table ARN."
                ))),
            },
            _ => Err(invalid(format!(
                "The destination {arn} is not supported here: Dynoscope keeps on-failure records \
                 in an in-page queue (arn:aws:sqs:REGION:ACCOUNT:NAME) or a table \
                 (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME)."
            ))),
        }
    }
}

/// What a CreateEventSourceMapping request asks for, its ranges already checked.
#[derive(Debug, Clone, Default)]
pub(crate) struct Requested {
    pub event_source_arn: String,
    pub function_name: String,
    pub enabled: Option<bool>,
    pub batch_size: Option<i64>,
    pub maximum_batching_window_in_seconds: Option<i64>,
    pub starting_position: Option<String>,
    pub filter_patterns: Vec<String>,
    pub bisect_batch_on_function_error: Option<bool>,
    pub maximum_retry_attempts: Option<i64>,
    pub maximum_record_age_in_seconds: Option<i64>,
    pub parallelization_factor: Option<i64>,
    pub function_response_types: Vec<String>,
    pub on_failure: Option<String>,
    pub tumbling_window_in_seconds: Option<i64>,
    pub function_timeout_seconds: Option<i64>,
    pub function_url: Option<String>,
}

/// A mapping's settings as kept (and persisted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Settings {
    pub uuid: String,
    pub function_name: String,
    pub function_arn: String,
    pub event_source_arn: String,
    pub table_name: String,
    pub enabled: bool,
    pub batch_size: u32,
    pub maximum_batching_window_in_seconds: u32,
    pub starting_position: String,
    pub filter_patterns: Vec<String>,
    pub bisect_batch_on_function_error: bool,
    pub maximum_retry_attempts: i64,
    pub maximum_record_age_in_seconds: i64,
    pub parallelization_factor: u32,
    pub report_batch_item_failures: bool,
    pub on_failure: Option<String>,
    pub function_timeout_seconds: u32,
    /// Dynoscope's own: where the native server POSTs the event (a loopback `http://` URL).
    /// The engine only keeps it; mappings stored before it existed have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_url: Option<String>,
}

fn invalid(message: impl Into<String>) -> DynamoError {
    DynamoError::new(ErrorKind::InvalidParameterValueException, message)
}

/// Checks a `FunctionUrl`: `http://` to a loopback host (localhost, 127.0.0.1, [::1]), so a
/// mapping can only make the server call a handler on the same machine.
pub(crate) fn check_function_url(url: &str) -> Result<(), DynamoError> {
    let refused = || {
        invalid(format!(
            "FunctionUrl {url} is not allowed: it must be an http:// URL on a loopback host \
             (localhost, 127.0.0.1 or [::1]), such as http://localhost:3000/"
        ))
    };
    match url.strip_prefix("http://").and_then(host_and_port) {
        Some((host, port))
            if (host.eq_ignore_ascii_case("localhost") || host == "127.0.0.1" || host == "::1")
                && port.is_none_or(|p| p.parse::<u16>().is_ok()) =>
        {
            Ok(())
        }
        _ => Err(refused()),
    }
}

/// The host (without brackets) and port of a URL after its scheme; `None` for user info
/// (`user@host`, which could hide the real host) or a malformed bracketed address.
fn host_and_port(rest: &str) -> Option<(&str, Option<&str>)> {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return None;
    }
    match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (host, after) = bracketed.split_once(']')?;
            match after {
                "" => Some((host, None)),
                _ => Some((host, Some(after.strip_prefix(':')?))),
            }
        }
        None => match authority.split_once(':') {
            Some((host, port)) => Some((host, Some(port))),
            None => Some((authority, None)),
        },
    }
}

/// The function's name in a name, a partial ARN (`123456789012:function:f`) or a full ARN,
/// without a qualifier.
pub(crate) fn function_name_of(text: &str) -> Result<String, DynamoError> {
    let name = match text.rsplit_once("function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(""),
        None => text,
    };
    let readable = !name.is_empty()
        && name.len() <= 64
        && (name.bytes()).all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    if readable {
        Ok(name.to_owned())
    } else {
        Err(invalid(format!("Function not found: {text}")))
    }
}

impl Settings {
    /// The settings `requested` makes for the stream of `table_name`: Lambda's defaults for
    /// what it leaves out, and Lambda's refusals of what makes no sense for a DynamoDB
    /// stream.
    pub fn resolve(
        requested: Requested,
        uuid: String,
        table_name: String,
        region: &str,
        account: &str,
    ) -> Result<Settings, DynamoError> {
        let function_name = function_name_of(&requested.function_name)?;
        let starting_position = match requested.starting_position.as_deref() {
            None => {
                return Err(invalid(
                    "StartingPosition is required for a DynamoDB stream: TRIM_HORIZON or LATEST.",
                ));
            }
            Some("AT_TIMESTAMP") => {
                return Err(invalid(
                    "Unsupported starting position for DynamoDB Streams: AT_TIMESTAMP.",
                ));
            }
            Some(p) => p.to_owned(),
        };
        if requested.filter_patterns.len() > MAX_FILTERS {
            return Err(invalid(format!(
                "A mapping takes at most {MAX_FILTERS} filters; {} were given.",
                requested.filter_patterns.len()
            )));
        }
        Filters::parse(requested.filter_patterns.iter().map(String::as_str))
            .map_err(|_| invalid(INVALID_PATTERN))?;
        if let Some(destination) = &requested.on_failure {
            Destination::parse(destination)?;
        }
        if let Some(url) = &requested.function_url {
            check_function_url(url)?;
        }
        if requested.tumbling_window_in_seconds.is_some_and(|t| t > 0) {
            return Err(invalid(
                "TumblingWindowInSeconds is not modelled by Dynoscope's stream triggers.",
            ));
        }
        Ok(Settings {
            uuid,
            function_arn: format!("arn:aws:lambda:{region}:{account}:function:{function_name}"),
            function_name,
            event_source_arn: requested.event_source_arn,
            table_name,
            enabled: requested.enabled.unwrap_or(true),
            batch_size: requested.batch_size.unwrap_or(DEFAULT_BATCH_SIZE) as u32,
            maximum_batching_window_in_seconds: requested
                .maximum_batching_window_in_seconds
                .unwrap_or(0) as u32,
            starting_position,
            filter_patterns: requested.filter_patterns,
            bisect_batch_on_function_error: requested
                .bisect_batch_on_function_error
                .unwrap_or(false),
            maximum_retry_attempts: requested.maximum_retry_attempts.unwrap_or(-1),
            maximum_record_age_in_seconds: requested.maximum_record_age_in_seconds.unwrap_or(-1),
            parallelization_factor: requested.parallelization_factor.unwrap_or(1) as u32,
            report_batch_item_failures: (requested.function_response_types.iter())
                .any(|t| t == "ReportBatchItemFailures"),
            on_failure: requested.on_failure,
            function_timeout_seconds: requested
                .function_timeout_seconds
                .unwrap_or(DEFAULT_FUNCTION_TIMEOUT_SECONDS)
                as u32,
            function_url: requested.function_url,
        })
    }

    /// The mapping's filters, read (they were checked when it was created).
    pub fn filters(&self) -> Filters {
        Filters::parse(self.filter_patterns.iter().map(String::as_str)).unwrap_or_default()
    }

    pub fn destination(&self) -> Option<Destination> {
        (self.on_failure.as_deref()).and_then(|arn| Destination::parse(arn).ok())
    }

    /// The mapping's ARN: `arn:aws:lambda:REGION:ACCOUNT:event-source-mapping:UUID`.
    pub fn mapping_arn(&self) -> String {
        let prefix = (self.function_arn.split(":function:").next()).unwrap_or_default();
        format!("{prefix}:event-source-mapping:{}", self.uuid)
    }

    /// The description GetEventSourceMapping answers with (`State`, `LastModified` in epoch
    /// seconds, `LastProcessingResult` as Lambda words it), plus Dynoscope's
    /// `FunctionTimeoutSeconds` and, when set, `FunctionUrl`.
    pub fn describe(&self, state: &str, last_modified_millis: u64, last_result: &str) -> Value {
        let mut d = json!({
            "UUID": self.uuid,
            "EventSourceMappingArn": self.mapping_arn(),
            "StartingPosition": self.starting_position,
            "BatchSize": self.batch_size,
            "MaximumBatchingWindowInSeconds": self.maximum_batching_window_in_seconds,
            "ParallelizationFactor": self.parallelization_factor,
            "EventSourceArn": self.event_source_arn,
            "FunctionArn": self.function_arn,
            "LastModified": last_modified_millis as f64 / 1000.0,
            "LastProcessingResult": last_result,
            "State": state,
            "StateTransitionReason": "User action",
            "DestinationConfig": {"OnFailure": match &self.on_failure {
                Some(arn) => json!({"Destination": arn}),
                None => json!({}),
            }},
            "MaximumRecordAgeInSeconds": self.maximum_record_age_in_seconds,
            "BisectBatchOnFunctionError": self.bisect_batch_on_function_error,
            "MaximumRetryAttempts": self.maximum_retry_attempts,
            "TumblingWindowInSeconds": 0,
            "FunctionResponseTypes": if self.report_batch_item_failures {
                json!(["ReportBatchItemFailures"])
            } else {
                json!([])
            },
            "FunctionTimeoutSeconds": self.function_timeout_seconds,
        });
        if !self.filter_patterns.is_empty() {
            let filters: Vec<Value> = (self.filter_patterns.iter())
                .map(|p| json!({"Pattern": p}))
                .collect();
            d["FilterCriteria"] = json!({"Filters": filters});
        }
        if let Some(url) = &self.function_url {
            d["FunctionUrl"] = json!(url);
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requested() -> Requested {
        Requested {
            event_source_arn: "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x".into(),
            function_name: "f".into(),
            starting_position: Some("TRIM_HORIZON".into()),
            ..Requested::default()
        }
    }

    fn resolve(r: Requested) -> Result<Settings, DynamoError> {
        Settings::resolve(r, "u".into(), "t".into(), "us-east-1", "000000000000")
    }

    #[test]
    fn defaults_are_lambdas_documented_ones() {
        let s = resolve(requested()).unwrap();
        assert_eq!(
            (s.batch_size, s.maximum_batching_window_in_seconds),
            (100, 0)
        );
        assert_eq!(
            (s.maximum_retry_attempts, s.maximum_record_age_in_seconds),
            (-1, -1)
        );
        assert_eq!(
            (s.parallelization_factor, s.function_timeout_seconds),
            (1, 3)
        );
        assert!(s.enabled && !s.bisect_batch_on_function_error && !s.report_batch_item_failures);
        assert_eq!(
            s.function_arn,
            "arn:aws:lambda:us-east-1:000000000000:function:f"
        );
        assert_eq!(
            s.mapping_arn(),
            "arn:aws:lambda:us-east-1:000000000000:event-source-mapping:u"
        );
    }

    #[test]
    fn a_function_is_named_by_name_or_arn() {
        assert_eq!(
            function_name_of("arn:aws:lambda:us-east-1:1:function:my-fn:$LATEST").unwrap(),
            "my-fn"
        );
        assert_eq!(function_name_of("1:function:my_fn").unwrap(), "my_fn");
        assert!(function_name_of("bad name").is_err());
    }

    #[test]
    fn starting_position_is_required_and_at_timestamp_is_kinesis_only() {
        let e = resolve(Requested {
            starting_position: None,
            ..requested()
        })
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParameterValueException);
        let at = Requested {
            starting_position: Some("AT_TIMESTAMP".into()),
            ..requested()
        };
        assert!(resolve(at).is_err());
    }

    #[test]
    fn filters_must_read_and_number_at_most_five() {
        let bad = Requested {
            filter_patterns: vec!["{".into()],
            ..requested()
        };
        assert_eq!(resolve(bad).unwrap_err().message, INVALID_PATTERN);
        let many = Requested {
            filter_patterns: vec![r#"{"a": ["b"]}"#.into(); 6],
            ..requested()
        };
        assert!(resolve(many).is_err());
    }

    #[test]
    fn destinations_are_queues_or_tables() {
        assert_eq!(
            Destination::parse("arn:aws:sqs:us-east-1:000000000000:dlq").unwrap(),
            Destination::Queue("dlq".into())
        );
        assert_eq!(
            Destination::parse("arn:aws:dynamodb:us-east-1:000000000000:table/failures").unwrap(),
            Destination::Table("failures".into())
        );
        assert!(Destination::parse("arn:aws:sns:us-east-1:000000000000:topic").is_err());
    }

    #[test]
    fn a_function_url_is_http_on_a_loopback_host() {
        for url in [
            "http://localhost:3000/",
            "http://LOCALHOST",
            "http://127.0.0.1:8080/events?x=1",
            "http://[::1]:9000/",
            "http://[::1]",
        ] {
            assert!(check_function_url(url).is_ok(), "{url}");
        }
        for url in [
            "https://localhost:3000/",
            "http://example.com/",
            "http://localhost.example.com/",
            "http://127.0.0.2/",
            "http://user@example.com@localhost/",
            "http://localhost@example.com/",
            "http://[::2]/",
            "http://localhost:port/",
            "ftp://localhost/",
            "",
        ] {
            let e = check_function_url(url).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidParameterValueException, "{url}");
            assert!(e.message.contains(url), "{}", e.message);
        }
        let kept = resolve(Requested {
            function_url: Some("http://127.0.0.1:3000/".into()),
            ..requested()
        })
        .unwrap();
        assert_eq!(
            kept.describe("Enabled", 0, "OK")["FunctionUrl"],
            "http://127.0.0.1:3000/"
        );
        assert!(
            resolve(requested()).unwrap().describe("Enabled", 0, "OK")["FunctionUrl"].is_null()
        );
    }
}
