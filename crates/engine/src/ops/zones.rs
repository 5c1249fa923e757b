//! Availability-zone outages on the simulated cluster (see `crate::zones`):
//! `Dynoscope_SetZoneAvailability` takes a zone down or brings it back,
//! `Dynoscope_DescribeZones` says which are up. Taking a zone down elects new leaders for
//! the partitions that led from it; bringing it back lets its replicas catch up on the
//! writes they missed, after the table's replication lag. Both are told in the event
//! history. Leaders are also re-elected lazily before each request (`elect_leaders`), so
//! partitions made later by splits, and tables created or restored while a zone is down,
//! never lead from it.

use serde::Deserialize;
use serde_json::json;

use super::validate::Violations;
use crate::contract::{ZoneState, ZoneView, ZonesDescription};
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::replica::REPLICAS;
use crate::zones::{elect_leaders, zone_name};

/// The operations a zone outage makes unavailable once no quorum is left: every read and
/// write of items. Control-plane and Streams operations keep answering.
const DATA_PLANE: &[&str] = &[
    "BatchExecuteStatement",
    "BatchGetItem",
    "BatchWriteItem",
    "DeleteItem",
    "ExecuteStatement",
    "ExecuteTransaction",
    "GetItem",
    "PutItem",
    "Query",
    "Scan",
    "TransactGetItems",
    "TransactWriteItems",
    "UpdateItem",
];

/// Refuses a data-plane request while fewer than two zones are up. DynamoDB documents no
/// answer for a region without quorum; its generic 500 is the model.
pub fn check_quorum(engine: &Engine, operation: &str) -> Result<(), DynamoError> {
    if engine.zones.has_quorum() || !DATA_PLANE.contains(&operation) {
        return Ok(());
    }
    Err(DynamoError::new(
        ErrorKind::InternalServerError,
        "Internal server error",
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetZoneAvailabilityRequest {
    /// A zone's full name, as `Dynoscope_DescribePartitions` gives it (`us-east-1a`).
    pub zone: Option<String>,
    pub available: Option<bool>,
}

pub fn set_zone_availability(
    engine: &mut Engine,
    request: SetZoneAvailabilityRequest,
) -> Result<Vec<u8>, DynamoError> {
    let names: Vec<String> = (0..REPLICAS).map(|r| zone_name(engine, r)).collect();
    let allowed: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut v = Violations::new();
    v.not_null("zone", &request.zone);
    v.one_of("zone", request.zone.as_deref(), &allowed);
    v.not_null("available", &request.available);
    v.finish()?;
    let zone = request.zone.expect("checked");
    let up = request.available.expect("checked");
    let replica = names.iter().position(|n| *n == zone).expect("checked");
    let now = engine.now_millis();
    if engine.zones.set(replica, up) {
        engine.record_zones();
        if up {
            rejoin(engine, replica, now);
            engine.events.record(
                now,
                "ZONE_UP",
                "",
                || json!({"Zone": zone, "Replica": replica}),
            );
        } else {
            engine.events.record(
                now,
                "ZONE_DOWN",
                "",
                || json!({"Zone": zone, "Replica": replica}),
            );
            elect_leaders(engine, now);
        }
    }
    respond(&zones_description(engine))
}

/// A zone is back: each table's replicas there apply what they missed after a draw of
/// that table's replication lag (at once when it simulates none).
fn rejoin(engine: &mut Engine, replica: usize, now: u64) {
    let names: Vec<String> = engine.tables.keys().cloned().collect();
    for name in names {
        let lag = engine
            .simulation_for(&name)
            .replication_lag
            .sample(&mut engine.rng);
        let Some(table) = engine.tables.get_mut(&name) else {
            continue;
        };
        for (_, replicas) in table.replica_sets_mut() {
            replicas.rejoin(replica, now + lag);
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeZonesRequest {}

pub fn describe_zones(
    engine: &mut Engine,
    _request: DescribeZonesRequest,
) -> Result<Vec<u8>, DynamoError> {
    respond(&zones_description(engine))
}

fn zones_description(engine: &Engine) -> ZonesDescription {
    let zones = (0..REPLICAS)
        .map(|r| ZoneView {
            zone_name: zone_name(engine, r),
            replica: r,
            state: if engine.zones.is_up(r) {
                ZoneState::Up
            } else {
                ZoneState::Down
            },
        })
        .collect();
    ZonesDescription {
        zones,
        has_quorum: engine.zones.has_quorum(),
    }
}
