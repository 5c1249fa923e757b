//! The `Dynoscope_` operations: the simulation's own controls and introspection, in a
//! namespace no DynamoDB operation can collide with. Clock: DescribeClock, SetClock
//! (stepped or real-time at a speed), AdvanceClock (a step, in either mode). Settings:
//! DescribeSimulation, SetSimulation (engine-wide or per table, presets or values).

use serde::Deserialize;

use super::validate::Violations;
use crate::clock::{ClockMode, LATEST_MILLIS, iso8601_millis};
use crate::contract::{
    ClockDescription, ClockModeName, ClockView, EngineView, SimulationDescription, SimulationView,
};
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::simulation::{LagRange, SimulationSettings};

fn clock_description(engine: &Engine) -> ClockDescription {
    let (mode, speed) = match engine.clock().mode() {
        ClockMode::Stepped => (ClockModeName::Stepped, None),
        ClockMode::RealTime { speed } => (ClockModeName::Realtime, Some(speed)),
    };
    ClockDescription {
        clock: ClockView {
            now_millis: engine.now_millis(),
            mode,
            speed,
        },
    }
}

pub fn describe_clock(
    engine: &mut Engine,
    _request: serde_json::Value,
) -> Result<Vec<u8>, DynamoError> {
    respond(&clock_description(engine))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetClockRequest {
    pub mode: Option<String>,
    pub speed: Option<f64>,
}

pub fn set_clock(engine: &mut Engine, request: SetClockRequest) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("mode", &request.mode);
    v.one_of("mode", request.mode.as_deref(), &["STEPPED", "REALTIME"]);
    v.finish()?;
    let mode = match request.mode.as_deref() {
        Some("REALTIME") => {
            let speed = request.speed.unwrap_or(1.0);
            if !(speed.is_finite() && speed > 0.0 && speed <= 1_000_000.0) {
                return Err(DynamoError::validation(
                    "Speed must be greater than 0 and at most 1000000",
                ));
            }
            ClockMode::RealTime { speed }
        }
        _ => ClockMode::Stepped,
    };
    engine.set_clock_mode(mode);
    engine.record_clock();
    respond(&clock_description(engine))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdvanceClockRequest {
    pub millis: Option<i64>,
}

pub fn advance_clock(
    engine: &mut Engine,
    request: AdvanceClockRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("millis", &request.millis);
    v.at_least("millis", request.millis, 0);
    v.finish()?;
    let millis = request.millis.expect("checked") as u64;
    let room = LATEST_MILLIS - engine.now_millis();
    if millis > room {
        return Err(DynamoError::validation(format!(
            "Millis must be at most {room}: the clock cannot pass {}Z",
            iso8601_millis(LATEST_MILLIS)
        )));
    }
    engine.advance_clock_by(millis);
    engine.record_clock();
    respond(&clock_description(engine))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LagArg {
    pub min_millis: Option<i64>,
    pub max_millis: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetSimulationRequest {
    /// A table to override; none changes the engine's default.
    pub table_name: Option<String>,
    /// `OFF` or `PLAYGROUND`, applied before any explicit setting.
    pub preset: Option<String>,
    pub replication_lag: Option<LagArg>,
    pub gsi_propagation: Option<LagArg>,
    /// Global tables: the lag of replication between regions (`extras` only).
    #[cfg(feature = "extras")]
    pub global_replication_lag: Option<LagArg>,
    /// Whether requests beyond a table's throughput are throttled.
    pub throttling: Option<bool>,
    pub ttl_delete_delay_millis: Option<i64>,
    /// The size scale: a partition holding more than this splits (10 GB in DynamoDB).
    pub partition_size_limit_bytes: Option<i64>,
    pub item_collection_limit_bytes: Option<i64>,
    pub heat_split_units_per_second: Option<i64>,
    pub heat_split_seconds: Option<i64>,
    /// Engine-wide only: how long tables stay CREATING, UPDATING or DELETING.
    pub control_plane_millis: Option<i64>,
    /// Engine-wide only: reseeds the engine's generator, so what follows replays exactly.
    pub seed: Option<i64>,
    /// Engine-wide only: how long a write transaction holds its items (`holds` module).
    #[cfg(feature = "extras")]
    pub transaction_millis: Option<i64>,
}

fn lag_of(field: &str, arg: &LagArg, v: &mut Violations) -> LagRange {
    v.not_null(&format!("{field}.minMillis"), &arg.min_millis);
    v.not_null(&format!("{field}.maxMillis"), &arg.max_millis);
    v.at_least(&format!("{field}.minMillis"), arg.min_millis, 0);
    v.at_most(&format!("{field}.maxMillis"), arg.max_millis, 3_600_000);
    let (min, max) = (
        arg.min_millis.unwrap_or(0).max(0) as u64,
        arg.max_millis.unwrap_or(0).max(0) as u64,
    );
    if min > max {
        v.push(
            &format!("'{min}'"),
            &format!("{field}.minMillis"),
            "Member must not exceed maxMillis",
        );
    }
    LagRange {
        min_millis: min,
        max_millis: max,
    }
}

/// The answer of DescribeSimulation and SetSimulation.
fn description(engine: &Engine, settings: &SimulationSettings) -> SimulationDescription {
    SimulationDescription {
        settings: SimulationView::from(settings),
        engine: EngineView {
            control_plane_millis: engine.config.control_plane_millis,
            seed: engine.config.seed,
            transaction_millis: engine.config.transaction_millis,
        },
    }
}

pub fn set_simulation(
    engine: &mut Engine,
    request: SetSimulationRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.one_of("preset", request.preset.as_deref(), &["OFF", "PLAYGROUND"]);
    if let Some(name) = &request.table_name {
        v.table_name("tableName", Some(name));
    }
    let mut settings = match &request.table_name {
        Some(name) => engine.simulation_for(name),
        None => engine.config.simulation,
    };
    match request.preset.as_deref() {
        Some("OFF") => settings = SimulationSettings::off(),
        Some("PLAYGROUND") => settings = SimulationSettings::playground(),
        _ => {}
    }
    if let Some(arg) = &request.replication_lag {
        settings.replication_lag = lag_of("replicationLag", arg, &mut v);
    }
    if let Some(arg) = &request.gsi_propagation {
        settings.gsi_propagation = lag_of("gsiPropagation", arg, &mut v);
    }
    #[cfg(feature = "extras")]
    if let Some(arg) = &request.global_replication_lag {
        settings.global_replication_lag = lag_of("globalReplicationLag", arg, &mut v);
    }
    if let Some(throttling) = request.throttling {
        settings.throttling = throttling;
    }
    let positive = |v: &mut Violations, field: &str, value: Option<i64>, min: i64| {
        v.at_least(field, value, min);
        value.map(|n| n.max(min) as u64)
    };
    if let Some(n) = positive(
        &mut v,
        "ttlDeleteDelayMillis",
        request.ttl_delete_delay_millis,
        0,
    ) {
        settings.ttl_delete_delay_millis = n;
    }
    if let Some(n) = positive(
        &mut v,
        "partitionSizeLimitBytes",
        request.partition_size_limit_bytes,
        1024,
    ) {
        settings.partition_size_limit_bytes = n;
    }
    if let Some(n) = positive(
        &mut v,
        "itemCollectionLimitBytes",
        request.item_collection_limit_bytes,
        1024,
    ) {
        settings.item_collection_limit_bytes = n;
    }
    if let Some(n) = positive(
        &mut v,
        "heatSplitUnitsPerSecond",
        request.heat_split_units_per_second,
        1,
    ) {
        settings.heat_split_units_per_second = n;
    }
    if let Some(n) = positive(&mut v, "heatSplitSeconds", request.heat_split_seconds, 1) {
        settings.heat_split_seconds = n.min(u32::MAX as u64) as u32;
    }
    let control_plane = positive(
        &mut v,
        "controlPlaneMillis",
        request.control_plane_millis,
        0,
    );
    let seed = positive(&mut v, "seed", request.seed, 0);
    #[cfg(feature = "extras")]
    let transaction = {
        v.at_most("transactionMillis", request.transaction_millis, 3_600_000);
        positive(&mut v, "transactionMillis", request.transaction_millis, 0)
    };
    #[cfg(not(feature = "extras"))]
    let transaction: Option<u64> = None;
    let engine_wide = control_plane.is_some() || seed.is_some() || transaction.is_some();
    if request.table_name.is_some() && engine_wide {
        v.push(
            "'ControlPlaneMillis/Seed/TransactionMillis'",
            "tableName",
            "Member must be absent: these settings are engine-wide",
        );
    }
    v.finish()?;
    if let Some(millis) = control_plane {
        engine.config.control_plane_millis = millis;
    }
    if let Some(seed) = seed {
        engine.config.seed = seed;
        engine.rng = crate::rng::SeededRng::new(seed);
    }
    if let Some(millis) = transaction {
        engine.config.transaction_millis = millis;
    }
    match &request.table_name {
        Some(name) => {
            if !engine.tables.contains_key(name) {
                return Err(DynamoError::table_not_found(name));
            }
            engine.table_simulation.insert(name.clone(), settings);
        }
        None => engine.config.simulation = settings,
    }
    engine.record_simulation(request.table_name.as_deref());
    if engine_wide {
        engine.record_engine_settings();
    }
    respond(&description(engine, &settings))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSimulationRequest {
    pub table_name: Option<String>,
}

pub fn describe_simulation(
    engine: &mut Engine,
    request: DescribeSimulationRequest,
) -> Result<Vec<u8>, DynamoError> {
    let settings = match &request.table_name {
        Some(name) => {
            if !engine.tables.contains_key(name) {
                return Err(DynamoError::table_not_found(name));
            }
            engine.simulation_for(name)
        }
        None => engine.config.simulation,
    };
    respond(&description(engine, &settings))
}
