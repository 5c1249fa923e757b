//! The simulated DAX cluster's settings and contents (`extras`): `Dynoscope_SetDax`
//! (the item and query caches' TTLs; `Flush` empties both) and `Dynoscope_DescribeDax`.
//! The model is the `dax` module.

use serde::Deserialize;
use serde_json::Value;

use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::DynamoError;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetDaxRequest {
    pub item_ttl_millis: Option<i64>,
    pub query_ttl_millis: Option<i64>,
    pub flush: Option<bool>,
}

pub fn set_dax(engine: &mut Engine, request: SetDaxRequest) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    for (field, value) in [
        ("itemTtlMillis", request.item_ttl_millis),
        ("queryTtlMillis", request.query_ttl_millis),
    ] {
        v.at_least(field, value, 0);
        v.at_most(field, value, 86_400_000);
    }
    v.finish()?;
    if let Some(ttl) = request.item_ttl_millis {
        engine.dax.item_ttl_millis = ttl as u64;
    }
    if let Some(ttl) = request.query_ttl_millis {
        engine.dax.query_ttl_millis = ttl as u64;
    }
    if request.flush == Some(true) {
        engine.flush_dax();
    }
    respond(&engine.describe_dax())
}

pub fn describe_dax(engine: &mut Engine, _request: Value) -> Result<Vec<u8>, DynamoError> {
    respond(&engine.describe_dax())
}
