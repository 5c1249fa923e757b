//! What a run's requests came to, second by second: served, throttled (the errors DynamoDB
//! throttles with: ProvisionedThroughputExceededException, ThrottlingException,
//! RequestLimitExceeded) or failed otherwise, and the capacity units the served ones
//! consumed.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What one request came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Served,
    Throttled,
    Failed,
}

impl Outcome {
    /// Reads an error body's `__type` (`namespace#Name`).
    pub fn of_error(error: &Value) -> Outcome {
        let name = error["__type"]
            .as_str()
            .and_then(|t| t.rsplit('#').next())
            .unwrap_or("");
        match name {
            "ProvisionedThroughputExceededException"
            | "ThrottlingException"
            | "RequestLimitExceeded" => Outcome::Throttled,
            _ => Outcome::Failed,
        }
    }
}

/// One virtual second of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Second {
    pub served: u32,
    pub throttled: u32,
    pub failed: u32,
    /// Capacity units the served requests consumed (reads and writes together).
    pub units: f64,
    /// The first error other than a throttle, to say why requests failed.
    pub first_failure: Option<String>,
}

impl Second {
    /// Counts a served request and the units its response reports.
    pub fn served(&mut self, response: &Value) {
        self.served += 1;
        self.units += response["ConsumedCapacity"]["CapacityUnits"]
            .as_f64()
            .unwrap_or(0.0);
    }

    /// Counts a refused request by its error body.
    pub fn refused(&mut self, error: &Value) {
        match Outcome::of_error(error) {
            Outcome::Throttled => self.throttled += 1,
            _ => {
                self.failed += 1;
                if self.first_failure.is_none() {
                    self.first_failure = Some(format!(
                        "{}: {}",
                        error["__type"].as_str().unwrap_or("Error"),
                        error["message"].as_str().unwrap_or("")
                    ));
                }
            }
        }
    }

    pub fn sent(&self) -> u32 {
        self.served + self.throttled + self.failed
    }
}
