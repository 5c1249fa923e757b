//! The simulated regions of global tables (see `crate::regions`, `extras` only):
//! `Dynoscope_SetRegionAvailability` takes a region down or brings it back (requests
//! addressed to a down region answer InternalServerError; replications to it wait and apply
//! in order once it is back), `Dynoscope_DescribeRegions` shows every region with its
//! tables, whether it is available and the replications in flight to it.

use serde::Deserialize;

use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::DynamoError;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetRegionAvailabilityRequest {
    pub region_name: Option<String>,
    pub available: Option<bool>,
}

pub fn set_region_availability(
    engine: &mut Engine,
    request: SetRegionAvailabilityRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("regionName", &request.region_name);
    v.not_null("available", &request.available);
    if request.region_name.as_deref() == Some("") {
        v.push(
            "''",
            "regionName",
            "Member must have length greater than or equal to 1",
        );
    }
    v.finish()?;
    let region = request.region_name.expect("checked");
    crate::regions::set_region_availability(engine, &region, request.available.expect("checked"));
    respond(&crate::regions::describe_regions(engine))
}

pub fn describe_regions(
    engine: &mut Engine,
    _request: serde_json::Value,
) -> Result<Vec<u8>, DynamoError> {
    respond(&crate::regions::describe_regions(engine))
}
