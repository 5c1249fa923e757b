//! The invocation job a front end carries out, and the outcome it reports back: the types
//! that cross between the engine and whatever runs the function (the page's Worker, the
//! server's POST to a local URL). Both meet as JSON of the shapes below; the module doc of
//! `triggers` says how they are used.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::stream::sequence_text;

/// One invocation to run: the function's event and how long it may take.
///
/// ```json
/// {"InvocationId": "3f0c...-...", "MappingUUID": "a1b2...", "FunctionName": "audit",
///  "FunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:audit",
///  "ShardId": "shardId-00000001700000000000-1a2b3c4d", "Attempt": 1,
///  "TimeoutMillis": 3000, "Event": {"Records": [{"eventID": "...", "eventName": "INSERT", ...}]},
///  "FunctionUrl": "http://localhost:3000/"}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Invocation {
    /// Names the invocation in [`crate::Engine::complete_invocation`]; also Lambda's
    /// `requestId` in an on-failure record.
    pub invocation_id: String,
    #[serde(rename = "MappingUUID")]
    pub mapping_uuid: String,
    pub function_name: String,
    pub function_arn: String,
    pub shard_id: String,
    /// 1 for a batch's first invocation, then 2, 3... for its retries.
    pub attempt: u32,
    /// The function's timeout: a front end that runs it longer reports an error
    /// ([`InvocationOutcome::timed_out`]).
    pub timeout_millis: u64,
    /// The event, exactly as Lambda delivers it: `{"Records": [...]}`.
    pub event: Value,
    /// The mapping's `FunctionUrl`, if it has one: where the native server POSTs the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_url: Option<String>,
}

/// The error a handler ended with: a thrown error, a timeout, a crash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FunctionError {
    /// The error's type (`Error`, `TypeError`, `Sandbox.Timedout`...).
    pub error_type: String,
    pub error_message: String,
}

/// What the front end reports when an invocation has ended.
///
/// ```json
/// {"Response": {"batchItemFailures": [{"itemIdentifier": "100000000000000000007"}]},
///  "Logs": ["processing 3 records"], "DurationMillis": 12}
/// {"Error": {"ErrorType": "Error", "ErrorMessage": "boom"}, "Logs": [], "DurationMillis": 3}
/// ```
///
/// Without `Error` the invocation succeeded, and `Response` is what the handler returned
/// (absent or `null` when it returned nothing).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InvocationOutcome {
    pub response: Option<Value>,
    pub error: Option<FunctionError>,
    /// What the handler logged (`console.log`), a line each.
    pub logs: Vec<String>,
    /// How long the handler ran, as the front end measured it.
    pub duration_millis: Option<u64>,
}

impl InvocationOutcome {
    /// The handler returned `response` (`None`: nothing).
    pub fn success(response: Option<Value>) -> Self {
        InvocationOutcome {
            response,
            ..Self::default()
        }
    }

    /// The handler threw (or the runtime failed) with `message`.
    pub fn error(error_type: &str, message: &str) -> Self {
        InvocationOutcome {
            error: Some(FunctionError {
                error_type: error_type.to_owned(),
                error_message: message.to_owned(),
            }),
            ..Self::default()
        }
    }

    /// The handler ran past its timeout, in Lambda's words ("Task timed out after 3.00
    /// seconds").
    pub fn timed_out(timeout_millis: u64) -> Self {
        let seconds = timeout_millis as f64 / 1000.0;
        Self::error(
            "Sandbox.Timedout",
            &format!("Task timed out after {seconds:.2} seconds"),
        )
    }

    pub fn with_logs(mut self, logs: Vec<String>) -> Self {
        self.logs = logs;
        self
    }

    pub fn with_duration(mut self, millis: u64) -> Self {
        self.duration_millis = Some(millis);
        self
    }
}

/// How Lambda reads an outcome for a batch of `sequences` (Lambda guide, "Configuring
/// partial batch response with DynamoDB and Lambda").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Success,
    /// Records before this sequence number succeeded; it and the rest are retried.
    Partial(u128),
    Failure(String),
}

/// Success: no error, and (when the mapping reports batch item failures) an absent, null or
/// empty `batchItemFailures`. Partial: item failures naming records of the batch, the
/// lowest one the checkpoint. Failure: an error, or item failures Lambda cannot read (an
/// empty or null `itemIdentifier`, a wrong key name; here also an identifier that is not
/// one of the batch's records).
pub(crate) fn verdict(
    outcome: &InvocationOutcome,
    reports_items: bool,
    sequences: &[u128],
) -> Verdict {
    if let Some(error) = &outcome.error {
        return Verdict::Failure(format!("{}: {}", error.error_type, error.error_message));
    }
    if !reports_items {
        return Verdict::Success;
    }
    let failures = match outcome
        .response
        .as_ref()
        .and_then(|r| r.get("batchItemFailures"))
    {
        None | Some(Value::Null) => return Verdict::Success,
        Some(Value::Array(items)) if items.is_empty() => return Verdict::Success,
        Some(Value::Array(items)) => items,
        Some(_) => return Verdict::Failure("batchItemFailures is not a list".to_owned()),
    };
    let mut lowest: Option<u128> = None;
    for failure in failures {
        let identifier = failure.get("itemIdentifier").and_then(Value::as_str);
        let found =
            identifier.and_then(|id| sequences.iter().copied().find(|s| sequence_text(*s) == id));
        let Some(sequence) = found else {
            return Verdict::Failure(format!(
                "batchItemFailures names no record of the batch: {failure}"
            ));
        };
        lowest = Some(lowest.map_or(sequence, |l| l.min(sequence)));
    }
    lowest.map_or(Verdict::Success, Verdict::Partial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const BATCH: [u128; 3] = [
        100_000_000_000_000_000_001,
        100_000_000_000_000_000_002,
        100_000_000_000_000_000_003,
    ];

    fn reported(failures: Value) -> Verdict {
        let outcome = InvocationOutcome::success(Some(json!({"batchItemFailures": failures})));
        verdict(&outcome, true, &BATCH)
    }

    #[test]
    fn empty_or_null_item_failures_are_success() {
        assert_eq!(reported(json!([])), Verdict::Success);
        assert_eq!(reported(Value::Null), Verdict::Success);
        assert_eq!(
            verdict(&InvocationOutcome::success(None), true, &BATCH),
            Verdict::Success
        );
    }

    #[test]
    fn the_lowest_failed_sequence_is_the_checkpoint() {
        let failures = json!([{"itemIdentifier": "100000000000000000003"}, {"itemIdentifier": "100000000000000000002"}]);
        assert_eq!(reported(failures), Verdict::Partial(BATCH[1]));
    }

    #[test]
    fn unreadable_item_failures_fail_the_whole_batch() {
        assert!(matches!(
            reported(json!([{"itemIdentifier": ""}])),
            Verdict::Failure(_)
        ));
        assert!(matches!(
            reported(json!([{"itemIdentifier": null}])),
            Verdict::Failure(_)
        ));
        assert!(matches!(
            reported(json!([{"id": "100000000000000000002"}])),
            Verdict::Failure(_)
        ));
    }

    #[test]
    fn item_failures_are_ignored_unless_the_mapping_reports_them() {
        let outcome = InvocationOutcome::success(Some(
            json!({"batchItemFailures": [{"itemIdentifier": "x"}]}),
        ));
        assert_eq!(verdict(&outcome, false, &BATCH), Verdict::Success);
    }

    #[test]
    fn a_timeout_reads_as_lambda_words_it() {
        let outcome = InvocationOutcome::timed_out(3000);
        assert_eq!(
            outcome.error.unwrap().error_message,
            "Task timed out after 3.00 seconds"
        );
    }
}
