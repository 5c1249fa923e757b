//! Scenario: the virtual clock through its operations. It moves only forward and never past
//! 9999-12-31T23:59:59.999Z, so no request can wedge it where it stops being a date; real
//! time can always be switched back on.

mod common;

use common::Harness;
use dynoscope_engine::ErrorKind;
use serde_json::json;

const LATEST: u64 = 253_402_300_799_999;

#[test]
fn a_step_past_the_latest_time_is_refused_and_the_clock_stays() {
    let mut h = Harness::new();
    let before = h.ok("Dynoscope_DescribeClock", json!({}))["Clock"]["NowMillis"].clone();
    let e = h.err("Dynoscope_AdvanceClock", json!({"Millis": LATEST + 1}));
    assert_eq!(e.kind, ErrorKind::ValidationException);
    assert!(
        e.message.contains("cannot pass 9999-12-31T23:59:59.999Z"),
        "{}",
        e.message
    );
    let after = h.ok("Dynoscope_DescribeClock", json!({}))["Clock"]["NowMillis"].clone();
    assert_eq!(before, after);
}

#[test]
fn a_step_to_exactly_the_latest_time_is_allowed() {
    let mut h = Harness::new();
    let now = h.ok("Dynoscope_DescribeClock", json!({}))["Clock"]["NowMillis"]
        .as_u64()
        .unwrap();
    let moved = h.ok("Dynoscope_AdvanceClock", json!({"Millis": LATEST - now}));
    assert_eq!(moved["Clock"]["NowMillis"], LATEST);
}

#[test]
fn real_time_can_be_switched_back_on_after_a_long_step() {
    let mut h = Harness::new();
    h.ok(
        "Dynoscope_AdvanceClock",
        json!({"Millis": 86_400_000_000u64}),
    );
    let clock = h.ok(
        "Dynoscope_SetClock",
        json!({"Mode": "REALTIME", "Speed": 1}),
    );
    assert_eq!(clock["Clock"]["Mode"], "REALTIME");
    h.engine.observe_host_time(1_000);
    h.engine.observe_host_time(2_000);
    let now = h.ok("Dynoscope_DescribeClock", json!({}))["Clock"]["NowMillis"]
        .as_u64()
        .unwrap();
    assert!(now > 86_400_000_000, "it goes on from where it was");
}
