//! Scenario: on-demand backups and restores through dispatch. A backup keeps the table as
//! it was; it is CREATING for the control-plane delay, then AVAILABLE; restoring it (or a
//! point in time of a table with recovery enabled) makes a new table with those items,
//! CREATING with `RestoreInProgress` until the delay passes, without the source's stream,
//! TTL or tags. Backups survive a reload; the recovery history starts again after one.

mod common;

use common::Harness;
use dynoscope_engine::{Engine, EngineConfig, ErrorKind, MemoryStore};
use serde_json::{Value, json};

const START: u64 = 1_800_000_000_000;
const MINUTE: u64 = 60_000;

fn harness(control_plane_millis: u64) -> Harness {
    let mut h = Harness {
        engine: Engine::new(EngineConfig {
            start_millis: START,
            record_changes: true,
            control_plane_millis,
            ..Default::default()
        }),
    };
    h.table("src", Some("N"));
    h.engine.advance_clock_by(control_plane_millis);
    for n in 1..=3 {
        h.put(
            "src",
            json!({"pk": {"S": "a"}, "sk": {"N": n.to_string()}, "v": {"S": "one"}}),
        );
    }
    h
}

fn backup(h: &mut Harness, name: &str) -> String {
    let made = h.ok(
        "CreateBackup",
        json!({"TableName": "src", "BackupName": name}),
    );
    made["BackupDetails"]["BackupArn"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn values(h: &mut Harness, table: &str) -> Vec<String> {
    let page = h.ok("Scan", json!({"TableName": table, "ConsistentRead": true}));
    let mut values: Vec<String> = page["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}={}",
                i["sk"]["N"].as_str().unwrap(),
                i["v"]["S"].as_str().unwrap()
            )
        })
        .collect();
    values.sort();
    values
}

#[test]
fn a_backup_is_creating_then_available_on_the_clock() {
    let mut h = harness(1_000);
    let made = h.ok(
        "CreateBackup",
        json!({"TableName": "src", "BackupName": "nightly"}),
    );
    let details = &made["BackupDetails"];
    assert_eq!(details["BackupStatus"], "CREATING");
    assert_eq!(details["BackupType"], "USER");
    let arn = details["BackupArn"].as_str().unwrap();
    assert!(
        arn.starts_with("arn:aws:dynamodb:us-east-1:000000000000:table/src/backup/"),
        "{arn}"
    );
    let describe = |h: &mut Harness| {
        h.ok("DescribeBackup", json!({"BackupArn": arn}))["BackupDescription"].clone()
    };
    assert_eq!(
        describe(&mut h)["BackupDetails"]["BackupStatus"],
        "CREATING"
    );
    h.engine.advance_clock_by(1_000);
    let described = describe(&mut h);
    assert_eq!(described["BackupDetails"]["BackupStatus"], "AVAILABLE");
    assert_eq!(described["SourceTableDetails"]["ItemCount"], 3);
    assert_eq!(described["SourceTableDetails"]["TableName"], "src");
}

#[test]
fn a_restored_backup_holds_the_items_as_they_were() {
    let mut h = harness(0);
    let arn = backup(&mut h, "before");
    h.put(
        "src",
        json!({"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "two"}}),
    );
    let restored = h.ok(
        "RestoreTableFromBackup",
        json!({"TargetTableName": "copy", "BackupArn": arn}),
    );
    let summary = &restored["TableDescription"]["RestoreSummary"];
    assert_eq!(summary["SourceBackupArn"], arn.as_str());
    assert_eq!(values(&mut h, "copy"), ["1=one", "2=one", "3=one"]);
    assert_eq!(values(&mut h, "src")[0], "1=two");
}

#[test]
fn a_restore_is_in_progress_while_the_table_is_creating() {
    let mut h = harness(2_000);
    let arn = backup(&mut h, "snap");
    h.engine.advance_clock_by(2_000);
    let restored = h.ok(
        "RestoreTableFromBackup",
        json!({"TargetTableName": "copy", "BackupArn": arn}),
    );
    assert_eq!(restored["TableDescription"]["TableStatus"], "CREATING");
    assert_eq!(
        restored["TableDescription"]["RestoreSummary"]["RestoreInProgress"],
        true
    );
    h.engine.advance_clock_by(2_000);
    let table = h.ok("DescribeTable", json!({"TableName": "copy"}))["Table"].clone();
    assert_eq!(table["TableStatus"], "ACTIVE");
    assert_eq!(table["RestoreSummary"]["RestoreInProgress"], false);
}

#[test]
fn restoring_onto_an_existing_table_is_refused() {
    let mut h = harness(0);
    let arn = backup(&mut h, "snap");
    let e = h.err(
        "RestoreTableFromBackup",
        json!({"TargetTableName": "src", "BackupArn": arn}),
    );
    assert_eq!(e.kind, ErrorKind::TableAlreadyExistsException);
    assert_eq!(e.message, "Table already exists: src");
}

#[test]
fn the_billing_mode_can_be_overridden() {
    let mut h = harness(0);
    let arn = backup(&mut h, "snap");
    h.ok(
        "RestoreTableFromBackup",
        json!({"TargetTableName": "copy", "BackupArn": arn, "BillingModeOverride": "PROVISIONED",
               "ProvisionedThroughputOverride": {"ReadCapacityUnits": 7, "WriteCapacityUnits": 3}}),
    );
    let table = h.ok("DescribeTable", json!({"TableName": "copy"}))["Table"].clone();
    assert_eq!(table["ProvisionedThroughput"]["ReadCapacityUnits"], 7);
    assert!(table.get("BillingModeSummary").is_none());
}

#[test]
fn an_unknown_backup_is_not_found() {
    let mut h = harness(0);
    let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/src/backup/01800000000000-deadbeef";
    let e = h.err("DescribeBackup", json!({"BackupArn": arn}));
    assert_eq!(e.kind, ErrorKind::BackupNotFoundException);
    assert_eq!(e.message, format!("Backup not found: {arn}"));
}

#[test]
fn a_deleted_backup_is_described_as_deleted_and_then_gone() {
    let mut h = harness(0);
    let arn = backup(&mut h, "snap");
    let deleted = h.ok("DeleteBackup", json!({"BackupArn": arn}));
    assert_eq!(
        deleted["BackupDescription"]["BackupDetails"]["BackupStatus"],
        "DELETED"
    );
    let e = h.err("DescribeBackup", json!({"BackupArn": arn}));
    assert_eq!(e.kind, ErrorKind::BackupNotFoundException);
}

#[test]
fn list_backups_filters_by_table_and_pages() {
    let mut h = harness(0);
    let first = backup(&mut h, "one");
    h.engine.advance_clock_by(1_000);
    let second = backup(&mut h, "two");
    let page = h.ok("ListBackups", json!({"TableName": "src", "Limit": 1}));
    assert_eq!(page["BackupSummaries"][0]["BackupArn"], first.as_str());
    assert_eq!(page["LastEvaluatedBackupArn"], first.as_str());
    let next = h.ok(
        "ListBackups",
        json!({"TableName": "src", "ExclusiveStartBackupArn": first}),
    );
    assert_eq!(next["BackupSummaries"].as_array().unwrap().len(), 1);
    assert_eq!(next["BackupSummaries"][0]["BackupArn"], second.as_str());
    assert!(next.get("LastEvaluatedBackupArn").is_none());
    let other = h.ok("ListBackups", json!({"TableName": "other"}));
    assert_eq!(other["BackupSummaries"], json!([]));
    let system = h.ok("ListBackups", json!({"BackupType": "SYSTEM"}));
    assert_eq!(system["BackupSummaries"], json!([]));
}

#[test]
fn backups_survive_a_reload() {
    let mut h = harness(0);
    let arn = backup(&mut h, "kept");
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());
    let mut reloaded = Engine::new(EngineConfig {
        start_millis: START,
        ..Default::default()
    });
    reloaded.restore(&store.snapshot()).unwrap();
    let mut h2 = Harness { engine: reloaded };
    let described = h2.ok("DescribeBackup", json!({"BackupArn": arn}));
    assert_eq!(
        described["BackupDescription"]["BackupDetails"]["BackupName"],
        "kept"
    );
    h2.ok(
        "RestoreTableFromBackup",
        json!({"TargetTableName": "copy", "BackupArn": arn}),
    );
    assert_eq!(values(&mut h2, "copy").len(), 3);
}

fn enable_recovery(h: &mut Harness) {
    h.ok(
        "UpdateContinuousBackups",
        json!({"TableName": "src", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}),
    );
}

fn restore_at(
    h: &mut Harness,
    target: &str,
    millis: u64,
) -> Result<Value, dynoscope_engine::DynamoError> {
    h.call(
        "RestoreTableToPointInTime",
        json!({"SourceTableName": "src", "TargetTableName": target, "RestoreDateTime": millis as f64 / 1000.0}),
    )
}

#[test]
fn a_point_in_time_restore_undoes_every_later_write() {
    let mut h = harness(0);
    enable_recovery(&mut h);
    h.engine.advance_clock_by(MINUTE);
    let before = START + MINUTE;
    h.engine.advance_clock_by(MINUTE);
    h.put(
        "src",
        json!({"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "two"}}),
    );
    h.put(
        "src",
        json!({"pk": {"S": "a"}, "sk": {"N": "4"}, "v": {"S": "new"}}),
    );
    h.ok(
        "DeleteItem",
        json!({"TableName": "src", "Key": {"pk": {"S": "a"}, "sk": {"N": "2"}}}),
    );
    h.engine.advance_clock_by(10 * MINUTE);
    restore_at(&mut h, "then", before).unwrap();
    assert_eq!(values(&mut h, "then"), ["1=one", "2=one", "3=one"]);
    let latest = h.ok(
        "RestoreTableToPointInTime",
        json!({"SourceTableName": "src", "TargetTableName": "now", "UseLatestRestorableTime": true}),
    );
    assert_eq!(
        latest["TableDescription"]["RestoreSummary"]["SourceTableArn"],
        "arn:aws:dynamodb:us-east-1:000000000000:table/src"
    );
    assert_eq!(values(&mut h, "now"), ["1=two", "3=one", "4=new"]);
}

#[test]
fn a_time_outside_the_window_is_an_invalid_restore_time() {
    let mut h = harness(0);
    enable_recovery(&mut h);
    h.engine.advance_clock_by(10 * MINUTE);
    let e = restore_at(&mut h, "then", START - MINUTE).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidRestoreTimeException);
    let e = restore_at(&mut h, "then", START + 9 * MINUTE).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::InvalidRestoreTimeException,
        "later than five minutes ago"
    );
}

#[test]
fn a_table_without_recovery_cannot_be_restored_to_a_point_in_time() {
    let mut h = harness(0);
    let e = h.err(
        "RestoreTableToPointInTime",
        json!({"SourceTableName": "src", "TargetTableName": "then", "UseLatestRestorableTime": true}),
    );
    assert_eq!(e.kind, ErrorKind::PointInTimeRecoveryUnavailableException);
}

#[test]
fn a_restored_table_has_no_stream_ttl_or_tags() {
    let mut h = harness(0);
    h.ok("UpdateTable", json!({"TableName": "src", "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"}}));
    h.ok("UpdateTimeToLive", json!({"TableName": "src", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}));
    let arn = backup(&mut h, "snap");
    h.ok(
        "RestoreTableFromBackup",
        json!({"TargetTableName": "copy", "BackupArn": arn}),
    );
    let table = h.ok("DescribeTable", json!({"TableName": "copy"}))["Table"].clone();
    assert!(table.get("StreamSpecification").is_none());
    let ttl = h.ok("DescribeTimeToLive", json!({"TableName": "copy"}));
    assert_eq!(ttl["TimeToLiveDescription"]["TimeToLiveStatus"], "DISABLED");
}
