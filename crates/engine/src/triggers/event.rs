//! What Lambda sends and writes for a DynamoDB stream: the event a function receives
//! (`{"Records": [...]}`, each record the stream's own with `eventSourceARN` added and, for
//! a TTL deletion, `userIdentity` in the Lambda event's lowercase form `{"type": "Service",
//! "principalId": "dynamodb.amazonaws.com"}`), and the invocation record an on-failure
//! destination receives (Lambda guide, "Retaining discarded records for a DynamoDB event
//! source": `requestContext`, `responseContext`, `version`, `timestamp`,
//! `DDBStreamBatchInfo`).

use serde_json::{Value, json};

use crate::clock::iso8601_millis;
use crate::stream::{StreamRecord, WriteIdentity, sequence_text};

/// One record as the function receives it (`eventVersion` 1.1, `eventSource`
/// `aws:dynamodb`, `ApproximateCreationDateTime` in epoch seconds).
pub(crate) fn lambda_record(
    record: &StreamRecord,
    view_type: crate::stream::ViewType,
    stream_arn: &str,
    region: &str,
) -> Value {
    let mut value =
        serde_json::to_value(record.to_wire(region, view_type)).expect("a record serialises");
    value["eventSourceARN"] = json!(stream_arn);
    if record.identity == WriteIdentity::TimeToLive {
        value["userIdentity"] = json!({"type": "Service", "principalId": "dynamodb.amazonaws.com"});
    }
    value
}

/// Why records were sent to the on-failure destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Condition {
    RetryAttemptsExhausted,
    RecordAgeExceeded,
}

impl Condition {
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::RetryAttemptsExhausted => "RetryAttemptsExhausted",
            Condition::RecordAgeExceeded => "RecordAgeExceeded",
        }
    }
}

/// A batch given up on, as the invocation record tells it.
#[derive(Debug, Clone)]
pub(crate) struct Discarded {
    pub request_id: String,
    pub function_arn: String,
    pub condition: Condition,
    /// Invocations of the batch so far (0: discarded for its age before any).
    pub invoke_count: u32,
    pub shard_id: String,
    pub first_sequence: u128,
    pub last_sequence: u128,
    pub first_created_millis: u64,
    pub last_created_millis: u64,
    pub batch_size: usize,
    pub stream_arn: String,
    pub at_millis: u64,
}

/// Lambda's timestamps: ISO 8601 in UTC, `Z`-suffixed.
fn utc_millis(millis: u64) -> String {
    format!("{}Z", iso8601_millis(millis))
}

fn utc_seconds(millis: u64) -> String {
    let text = iso8601_millis(millis);
    format!("{}Z", &text[..text.len().min(19)])
}

impl Discarded {
    /// The invocation record. `responseContext` is there when the function was invoked (a
    /// batch discarded for its age before any invocation has none: a model, Lambda's guide
    /// shows only the invoked case).
    pub fn invocation_record(&self) -> Value {
        let mut record = json!({
            "requestContext": {
                "requestId": self.request_id,
                "functionArn": self.function_arn,
                "condition": self.condition.as_str(),
                "approximateInvokeCount": self.invoke_count,
            },
            "version": "1.0",
            "timestamp": utc_millis(self.at_millis),
            "DDBStreamBatchInfo": {
                "shardId": self.shard_id,
                "startSequenceNumber": sequence_text(self.first_sequence),
                "endSequenceNumber": sequence_text(self.last_sequence),
                "approximateArrivalOfFirstRecord": utc_seconds(self.first_created_millis),
                "approximateArrivalOfLastRecord": utc_seconds(self.last_created_millis),
                "batchSize": self.batch_size,
                "streamArn": self.stream_arn,
            },
        });
        if self.invoke_count > 0 {
            record["responseContext"] = json!({"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"});
        }
        record
    }
}

/// A JSON value as a DynamoDB AttributeValue in DynamoDB JSON (strings `S`, numbers `N`,
/// objects `M`, arrays `L`, booleans `BOOL`, null `NULL`): how an invocation record becomes
/// an item.
pub(crate) fn attribute_json(value: &Value) -> Value {
    match value {
        Value::String(s) => json!({"S": s}),
        Value::Number(n) => json!({"N": n.to_string()}),
        Value::Bool(b) => json!({"BOOL": b}),
        Value::Null => json!({"NULL": true}),
        Value::Array(items) => json!({"L": items.iter().map(attribute_json).collect::<Vec<_>>()}),
        Value::Object(members) => {
            let members: serde_json::Map<String, Value> = (members.iter())
                .map(|(k, v)| (k.clone(), attribute_json(v)))
                .collect();
            json!({"M": members})
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invocation_record_has_lambdas_members() {
        let d = Discarded {
            request_id: "r".into(),
            function_arn: "arn:aws:lambda:us-east-1:0:function:f".into(),
            condition: Condition::RetryAttemptsExhausted,
            invoke_count: 3,
            shard_id: "shardId-1".into(),
            first_sequence: 100_000_000_000_000_000_001,
            last_sequence: 100_000_000_000_000_000_002,
            first_created_millis: 1_573_690_399_000,
            last_created_millis: 1_573_690_399_500,
            batch_size: 2,
            stream_arn: "s".into(),
            at_millis: 1_573_690_429_717,
        };
        let r = d.invocation_record();
        assert_eq!(r["requestContext"]["condition"], "RetryAttemptsExhausted");
        assert_eq!(r["responseContext"]["functionError"], "Unhandled");
        assert_eq!(r["timestamp"], "2019-11-14T00:13:49.717Z");
        assert_eq!(
            r["DDBStreamBatchInfo"]["approximateArrivalOfFirstRecord"],
            "2019-11-14T00:13:19Z"
        );
        assert_eq!(
            r["DDBStreamBatchInfo"]["startSequenceNumber"],
            "100000000000000000001"
        );
    }

    #[test]
    fn json_becomes_dynamodb_json() {
        assert_eq!(
            attribute_json(&json!({"a": [1, "x", true, null]})),
            json!({"M": {"a": {"L": [{"N": "1"}, {"S": "x"}, {"BOOL": true}, {"NULL": true}]}}})
        );
    }
}
