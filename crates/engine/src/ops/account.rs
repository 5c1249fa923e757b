//! Account-level operations: DescribeLimits and DescribeEndpoints, answered with the
//! figures DynamoDB gives a default account in the engine's region.

use serde_json::json;

use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::DynamoError;

pub fn describe_limits(
    _engine: &mut Engine,
    _request: serde_json::Value,
) -> Result<Vec<u8>, DynamoError> {
    respond(&json!({
        "AccountMaxReadCapacityUnits": 80000,
        "AccountMaxWriteCapacityUnits": 80000,
        "TableMaxReadCapacityUnits": 40000,
        "TableMaxWriteCapacityUnits": 40000,
    }))
}

pub fn describe_endpoints(
    engine: &mut Engine,
    _request: serde_json::Value,
) -> Result<Vec<u8>, DynamoError> {
    respond(&json!({
        "Endpoints": [{"Address": format!("dynamodb.{}.amazonaws.com", engine.config.region), "CachePeriodInMinutes": 1440}]
    }))
}
