//! Refusals: which limit refused which direction of a request and on what, and the
//! ProvisionedThroughputExceededException a throttled request answers with (its message,
//! its `ThrottlingReasons`, a transaction's cancellation reasons).

use serde_json::{Value, json};

use super::{PARTITION_READ_LIMIT, PARTITION_WRITE_LIMIT};
use crate::error::{DynamoError, ErrorKind};

const TABLE_MESSAGE: &str = "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.";
const INDEX_MESSAGE: &str = "The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API.";
const ON_DEMAND_TABLE_MESSAGE: &str = "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html.";
const ON_DEMAND_INDEX_MESSAGE: &str = "Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index so please try again shortly.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    Read,
    Write,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Read => "Read",
            Direction::Write => "Write",
        }
    }

    pub(super) fn partition_limit(self) -> f64 {
        self.pick(PARTITION_READ_LIMIT, PARTITION_WRITE_LIMIT)
    }

    pub(super) fn pick<T>(self, read: T, write: T) -> T {
        match self {
            Direction::Read => read,
            Direction::Write => write,
        }
    }
}

/// Which limit refused a request, as `ThrottlingReasons` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)] // `AccountLimit`: DynamoDB's name for it.
pub enum Limit {
    /// The partition's tokens and burst credit (and any adaptive boost) are spent.
    Provisioned,
    /// A partition's own per-second limit, or an on-demand table's current capacity.
    KeyRange,
    /// The per-table quota of an on-demand table.
    AccountLimit,
}

impl Limit {
    fn name(self) -> &'static str {
        match self {
            Limit::Provisioned => "ProvisionedThroughputExceeded",
            Limit::KeyRange => "KeyRangeThroughputExceeded",
            Limit::AccountLimit => "AccountLimitExceeded",
        }
    }
}

/// Why one part of a request was refused, and on what.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub direction: Direction,
    pub limit: Limit,
    /// The global index refused, or None for the table.
    pub index: Option<String>,
    pub on_demand: bool,
    /// The table's or index's ARN.
    pub resource: String,
}

impl Refusal {
    /// `TableWriteProvisionedThroughputExceeded` and its fifteen siblings.
    pub fn reason(&self) -> String {
        let resource = if self.index.is_some() {
            "Index"
        } else {
            "Table"
        };
        format!("{resource}{}{}", self.direction.name(), self.limit.name())
    }

    pub fn message(&self) -> &'static str {
        match (self.index.is_some(), self.on_demand) {
            (false, false) => TABLE_MESSAGE,
            (true, false) => INDEX_MESSAGE,
            (false, true) => ON_DEMAND_TABLE_MESSAGE,
            (true, true) => ON_DEMAND_INDEX_MESSAGE,
        }
    }

    /// The `CancellationReasons` entry of a throttled transaction action.
    pub fn cancellation_reason(&self) -> Value {
        let code = if self.on_demand {
            "ThrottlingError"
        } else {
            "ProvisionedThroughputExceeded"
        };
        json!({"Code": code, "Message": self.message()})
    }
}

/// The error a throttled request answers with: the first refusal's message, every refusal
/// in `ThrottlingReasons`.
pub fn throttled_error(refusals: &[Refusal]) -> DynamoError {
    let message = refusals.first().map_or(TABLE_MESSAGE, Refusal::message);
    let mut error = DynamoError::new(ErrorKind::ProvisionedThroughputExceededException, message);
    let reasons: Vec<Value> = refusals
        .iter()
        .map(|r| json!({"reason": r.reason(), "resource": r.resource}))
        .collect();
    let mut extra = serde_json::Map::new();
    extra.insert("ThrottlingReasons".into(), Value::Array(reasons));
    error.extra = Some(extra);
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_reasons_name_resource_direction_and_limit() {
        let refusal = Refusal {
            direction: Direction::Write,
            limit: Limit::Provisioned,
            index: Some("g".into()),
            on_demand: false,
            resource: "arn:i".into(),
        };
        assert_eq!(refusal.reason(), "IndexWriteProvisionedThroughputExceeded");
        let error = throttled_error(&[refusal]);
        assert_eq!(
            error.kind,
            ErrorKind::ProvisionedThroughputExceededException
        );
        assert_eq!(error.to_json()["ThrottlingReasons"][0]["resource"], "arn:i");
    }
}
