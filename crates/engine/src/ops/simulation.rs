//! The `Dynoscope_` operations: the simulation's own controls and introspection, in a
//! namespace no DynamoDB operation can collide with. Clock: DescribeClock, SetClock
//! (stepped or real-time at a speed), AdvanceClock (a step, in either mode).

use serde::Deserialize;
use serde_json::json;

use super::validate::Violations;
use crate::clock::ClockMode;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::DynamoError;

fn describe_clock_json(engine: &Engine) -> serde_json::Value {
    let (mode, speed) = match engine.clock().mode() {
        ClockMode::Stepped => ("STEPPED", None),
        ClockMode::RealTime { speed } => ("REALTIME", Some(speed)),
    };
    let mut clock = json!({"NowMillis": engine.now_millis(), "Mode": mode});
    if let Some(speed) = speed {
        clock["Speed"] = json!(speed);
    }
    json!({ "Clock": clock })
}

pub fn describe_clock(engine: &mut Engine, _request: serde_json::Value) -> Result<Vec<u8>, DynamoError> {
    respond(&describe_clock_json(engine))
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
                return Err(DynamoError::validation("Speed must be greater than 0 and at most 1000000"));
            }
            ClockMode::RealTime { speed }
        }
        _ => ClockMode::Stepped,
    };
    engine.set_clock_mode(mode);
    respond(&describe_clock_json(engine))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdvanceClockRequest {
    pub millis: Option<i64>,
}

pub fn advance_clock(engine: &mut Engine, request: AdvanceClockRequest) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("millis", &request.millis);
    v.at_least("millis", request.millis, 0);
    v.finish()?;
    engine.advance_clock_by(request.millis.expect("checked") as u64);
    respond(&describe_clock_json(engine))
}
