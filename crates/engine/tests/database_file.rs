//! The whole-database file: a snapshot written as JSON lines reads back the same, and every
//! way a file can be wrong is refused with the line it is on.

mod common;

use common::Harness;
use dynoscope_engine::database_file::{self, DatabaseFileReader};
use dynoscope_engine::{Engine, EngineConfig, MemoryStore, Snapshot};
use serde_json::json;

fn stored_database() -> Snapshot {
    let mut h = Harness::new();
    h.table("t1x", Some("N"));
    for i in 0..5 {
        h.put(
            "t1x",
            json!({"pk": {"S": "p"}, "sk": {"N": i.to_string()}, "note": {"S": "line\nbreak"}}),
        );
    }
    h.ok("Dynoscope_SetClock", json!({"Mode": "STEPPED"}));
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());
    store.snapshot()
}

fn file_of(snapshot: &Snapshot) -> String {
    database_file::lines(snapshot)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A snapshot's records as JSON values (member order aside), for comparison.
fn records(snapshot: &Snapshot) -> Vec<serde_json::Value> {
    let parse = |text: &String| serde_json::from_str::<serde_json::Value>(text).unwrap();
    let tables = snapshot.tables.iter().map(parse);
    let items = (snapshot.items.iter()).map(|(table, item)| json!([table, parse(item)]));
    let settings = (snapshot.settings.iter()).map(|(name, value)| json!([name, parse(value)]));
    tables.chain(items).chain(settings).collect()
}

#[test]
fn a_database_written_to_a_file_reads_back_the_same() {
    let snapshot = stored_database();
    let read = database_file::read(&file_of(&snapshot)).unwrap();
    assert_eq!(records(&read), records(&snapshot));
}

#[test]
fn the_file_begins_with_a_header_counting_its_records() {
    let file = file_of(&stored_database());
    let header: serde_json::Value = serde_json::from_str(file.lines().next().unwrap()).unwrap();
    assert_eq!(
        header,
        json!({"format": "dynoscope-database", "version": 1, "tables": 1, "settings": 1, "items": 5})
    );
    assert_eq!(file.lines().count(), 1 + 1 + 1 + 5, "one record per line");
}

#[test]
fn a_restored_import_answers_like_the_exported_engine() {
    let file = file_of(&stored_database());
    let mut engine = Engine::new(EngineConfig::default());
    engine
        .restore(&database_file::read(&file).unwrap())
        .unwrap();
    let mut h = Harness { engine };
    let scan = h.ok("Scan", json!({"TableName": "t1x"}));
    assert_eq!(scan["Count"], 5);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_on_its_first_line() {
    let error = database_file::read("{\"AttributeDefinitions\": []}").unwrap_err();
    assert_eq!(error.line, 1);
    assert!(
        error
            .message
            .starts_with("this is not a Dynoscope database file"),
        "{error}"
    );
}

#[test]
fn another_version_of_the_format_is_named() {
    let error = database_file::read(
        r#"{"format":"dynoscope-database","version":2,"tables":0,"settings":0,"items":0}"#,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 1: the file is version 2 of the format; this version of Dynoscope reads version 1"
    );
}

#[test]
fn a_line_that_is_not_json_is_named_by_its_number() {
    let mut file = file_of(&stored_database());
    file.push_str("\n{not json");
    let error = database_file::read(&file).unwrap_err();
    assert_eq!(error.line, 9);
    assert!(
        error.message.starts_with("the line is not a JSON object"),
        "{error}"
    );
}

#[test]
fn a_record_of_no_known_shape_is_refused() {
    let error = database_file::read(
        "{\"format\":\"dynoscope-database\",\"version\":1,\"tables\":1,\"settings\":0,\"items\":0}\n{\"tabel\":{}}",
    )
    .unwrap_err();
    assert_eq!(error.line, 2);
    assert!(error.message.starts_with("expected {\"table\""), "{error}");
}

#[test]
fn a_truncated_file_is_refused() {
    let file = file_of(&stored_database());
    let cut: Vec<&str> = file.lines().take(6).collect();
    let error = database_file::read(&cut.join("\n")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the file is truncated: the header promises 1 tables, 1 settings and 5 items, and it holds 1, 1 and 3"
    );
}

#[test]
fn more_records_than_the_header_promises_are_refused() {
    let mut file = file_of(&stored_database());
    file.push_str("\n{\"table\":\"t1x\",\"item\":{\"pk\":{\"S\":\"extra\"},\"sk\":{\"N\":\"9\"}}}");
    let error = database_file::read(&file).unwrap_err();
    assert_eq!(error.line, 9);
}

#[test]
fn an_empty_file_is_refused() {
    assert_eq!(
        database_file::read("").unwrap_err().to_string(),
        "the file is empty"
    );
}

#[test]
fn the_reader_counts_lines_and_the_records_the_header_promises() {
    let file = file_of(&stored_database());
    let mut reader = DatabaseFileReader::new();
    for line in file.lines().take(2) {
        reader.line(line).unwrap();
    }
    assert_eq!(
        (reader.lines_read(), reader.records_expected()),
        (2, Some(7))
    );
}
