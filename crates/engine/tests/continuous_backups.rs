//! DescribeContinuousBackups and UpdateContinuousBackups through dispatch: point-in-time
//! recovery off by default, its window on the virtual clock, the recovery period's bounds,
//! the operations' own errors, and the setting surviving a restore.

mod common;

use common::Harness;
use dynoscope_engine::{Engine, EngineConfig, ErrorKind, MemoryStore};
use serde_json::{Value, json};

const START: u64 = 1_800_000_000_000;
const MINUTE: u64 = 60_000;
const DAY: u64 = 86_400_000;

fn harness() -> Harness {
    let mut h = Harness {
        engine: Engine::new(EngineConfig {
            start_millis: START,
            record_changes: true,
            ..Default::default()
        }),
    };
    h.table("t1x", None);
    h
}

fn enable(h: &mut Harness, days: Option<u32>) -> Value {
    let mut spec = json!({"PointInTimeRecoveryEnabled": true});
    if let Some(days) = days {
        spec["RecoveryPeriodInDays"] = json!(days);
    }
    h.ok(
        "UpdateContinuousBackups",
        json!({"TableName": "t1x", "PointInTimeRecoverySpecification": spec}),
    )
}

fn recovery(h: &mut Harness) -> Value {
    h.ok("DescribeContinuousBackups", json!({"TableName": "t1x"}))["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"].clone()
}

fn seconds(millis: u64) -> f64 {
    millis as f64 / 1000.0
}

#[test]
fn continuous_backups_are_enabled_and_point_in_time_recovery_disabled_on_a_new_table() {
    let mut h = harness();
    let response = h.ok("DescribeContinuousBackups", json!({"TableName": "t1x"}));
    assert_eq!(
        response,
        json!({"ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}
        }})
    );
}

#[test]
fn enabling_point_in_time_recovery_answers_the_description_with_the_default_35_days() {
    let mut h = harness();
    let description = &enable(&mut h, None)["ContinuousBackupsDescription"];
    assert_eq!(description["ContinuousBackupsStatus"], "ENABLED");
    let recovery = &description["PointInTimeRecoveryDescription"];
    assert_eq!(recovery["PointInTimeRecoveryStatus"], "ENABLED");
    assert_eq!(recovery["RecoveryPeriodInDays"], 35);
    assert_eq!(
        recovery["EarliestRestorableDateTime"],
        json!(seconds(START))
    );
}

#[test]
fn the_latest_restorable_time_is_five_minutes_ago_on_the_virtual_clock() {
    let mut h = harness();
    enable(&mut h, None);
    h.engine.advance_clock_by(60 * MINUTE);
    let recovery = recovery(&mut h);
    assert_eq!(
        recovery["EarliestRestorableDateTime"],
        json!(seconds(START))
    );
    assert_eq!(
        recovery["LatestRestorableDateTime"],
        json!(seconds(START + 55 * MINUTE))
    );
}

#[test]
fn right_after_enabling_the_restorable_window_is_the_moment_recovery_began() {
    let mut h = harness();
    enable(&mut h, None);
    h.engine.advance_clock_by(MINUTE);
    let recovery = recovery(&mut h);
    assert_eq!(
        recovery["LatestRestorableDateTime"],
        recovery["EarliestRestorableDateTime"]
    );
}

#[test]
fn the_earliest_restorable_time_is_at_most_the_recovery_period_ago() {
    let mut h = harness();
    enable(&mut h, Some(1));
    h.engine.advance_clock_by(3 * DAY);
    assert_eq!(
        recovery(&mut h)["EarliestRestorableDateTime"],
        json!(seconds(START + 2 * DAY))
    );
}

#[test]
fn changing_the_recovery_period_keeps_the_history_already_gathered() {
    let mut h = harness();
    enable(&mut h, Some(10));
    h.engine.advance_clock_by(DAY);
    let recovery =
        &enable(&mut h, Some(20))["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"];
    assert_eq!(recovery["RecoveryPeriodInDays"], 20);
    assert_eq!(
        recovery["EarliestRestorableDateTime"],
        json!(seconds(START))
    );
}

#[test]
fn disabling_point_in_time_recovery_drops_the_window() {
    let mut h = harness();
    enable(&mut h, None);
    let response = h.ok(
        "UpdateContinuousBackups",
        json!({"TableName": "t1x", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": false}}),
    );
    let expected = json!({"PointInTimeRecoveryStatus": "DISABLED"});
    assert_eq!(
        response["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"],
        expected
    );
    assert_eq!(recovery(&mut h), expected);
}

#[test]
fn re_enabling_point_in_time_recovery_starts_a_new_window() {
    let mut h = harness();
    enable(&mut h, None);
    h.ok("UpdateContinuousBackups", json!({"TableName": "t1x", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": false}}));
    h.engine.advance_clock_by(DAY);
    enable(&mut h, None);
    assert_eq!(
        recovery(&mut h)["EarliestRestorableDateTime"],
        json!(seconds(START + DAY))
    );
}

#[test]
fn the_recovery_period_must_be_between_1_and_35_days() {
    let mut h = harness();
    for (days, constraint) in [
        (0, "greater than or equal to 1"),
        (36, "less than or equal to 35"),
    ] {
        let e = h.err(
            "UpdateContinuousBackups",
            json!({"TableName": "t1x", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true, "RecoveryPeriodInDays": days}}),
        );
        assert_eq!(e.kind, ErrorKind::ValidationException);
        assert_eq!(
            e.message,
            format!(
                "1 validation error detected: Value '{days}' at 'pointInTimeRecoverySpecification.recoveryPeriodInDays' \
                 failed to satisfy constraint: Member must have value {constraint}"
            )
        );
    }
}

#[test]
fn update_continuous_backups_requires_the_specification_and_its_enabled_flag() {
    let mut h = harness();
    let e = h.err("UpdateContinuousBackups", json!({"TableName": "t1x"}));
    assert_eq!(
        e.message,
        "1 validation error detected: Value null at 'pointInTimeRecoverySpecification' failed to satisfy constraint: Member must not be null"
    );
    let e = h.err(
        "UpdateContinuousBackups",
        json!({"TableName": "t1x", "PointInTimeRecoverySpecification": {}}),
    );
    assert!(
        e.message.contains(
            "Value null at 'pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled'"
        ),
        "{}",
        e.message
    );
}

#[test]
fn describe_continuous_backups_requires_a_table_name() {
    let mut h = harness();
    let e = h.err("DescribeContinuousBackups", json!({}));
    assert_eq!(e.kind, ErrorKind::ValidationException);
    assert!(
        e.message.contains("Value null at 'tableName'"),
        "{}",
        e.message
    );
}

#[test]
fn a_missing_table_is_a_table_not_found_exception() {
    let mut h = harness();
    for operation in ["DescribeContinuousBackups", "UpdateContinuousBackups"] {
        let e = h.err(operation, json!({"TableName": "nope", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}));
        assert_eq!(
            e.wire_type(),
            "com.amazonaws.dynamodb.v20120810#TableNotFoundException"
        );
        assert_eq!(e.message, "Table not found: nope");
    }
}

#[test]
fn a_table_being_created_cannot_change_point_in_time_recovery_yet() {
    let config = EngineConfig {
        start_millis: START,
        control_plane_millis: 2_000,
        ..Default::default()
    };
    let mut h = Harness {
        engine: Engine::new(config),
    };
    h.table("t1x", None);
    let e = h.err("UpdateContinuousBackups", json!({"TableName": "t1x", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}));
    assert_eq!(e.kind, ErrorKind::ContinuousBackupsUnavailableException);
    assert!(
        e.message
            .starts_with("Backups are being enabled for the table: t1x"),
        "{}",
        e.message
    );
    assert_eq!(recovery(&mut h)["PointInTimeRecoveryStatus"], "DISABLED");
    h.engine.advance_clock_by(2_000);
    enable(&mut h, None);
}

#[test]
fn a_table_arn_stands_for_its_name() {
    let mut h = harness();
    enable(&mut h, None);
    let arn = h.ok("DescribeTable", json!({"TableName": "t1x"}))["Table"]["TableArn"].clone();
    let response = h.ok("DescribeContinuousBackups", json!({"TableName": arn}));
    assert_eq!(
        response["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"],
        "ENABLED"
    );
}

#[test]
fn point_in_time_recovery_survives_a_restore() {
    let mut h = harness();
    enable(&mut h, Some(7));
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());
    let mut restored = Harness {
        engine: Engine::new(EngineConfig {
            start_millis: START,
            ..Default::default()
        }),
    };
    restored.engine.restore(&store.snapshot()).unwrap();
    assert_eq!(recovery(&mut restored), recovery(&mut h));
}
