//! Browser tests of the IndexedDB store and the engine handle, run in headless Chromium by
//! `cargo test -p dynoscope --target wasm32-unknown-unknown` (wasm-bindgen-test-runner).
//! Each test uses its own database name. The store is checked against the engine's
//! [`MemoryStore`] reference: after committing the same changes, closing and reopening the
//! database, `load` must return the same snapshot. Native builds compile nothing here.
#![cfg(target_arch = "wasm32")]

use dynoscope::bridge::EngineHandle;
use dynoscope::store::IdbStore;
use dynoscope_engine::{Change, MemoryStore, Store};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A database name no other test (or earlier run) uses.
async fn fresh_db(test: &str) -> String {
    let name = format!(
        "dynoscope-test-{test}-{}",
        (js_sys::Math::random() * 1e12) as u64
    );
    IdbStore::delete_database(&name)
        .await
        .expect("a database that does not exist can be deleted");
    name
}

fn put_table(table: &str) -> Change {
    Change::PutTable {
        table: table.into(),
        state: format!(r#"{{"name":"{table}"}}"#),
    }
}

fn put_item(table: &str, id: &str, extra: &str) -> Change {
    Change::PutItem {
        table: table.into(),
        key: format!(r#"{{"id":{{"S":"{id}"}}}}"#),
        item: format!(r#"{{"id":{{"S":"{id}"}},"v":{{"S":"{extra}"}}}}"#),
    }
}

/// Commits `batches` to a fresh IndexedDB store and to a MemoryStore, reopens the database
/// and checks that both load the same snapshot.
async fn round_trip(test: &str, batches: &[Vec<Change>]) -> dynoscope_engine::Snapshot {
    let name = fresh_db(test).await;
    let mut store = IdbStore::open(&name).await.expect("open");
    let mut reference = MemoryStore::new();
    for batch in batches {
        store.commit(batch).await.expect("commit");
        reference.apply(batch);
    }
    store.close();

    // Loaded by replaying the journal...
    let reopened = IdbStore::open(&name).await.expect("reopen");
    let loaded = reopened.load().await.expect("load");
    assert_eq!(loaded, reference.snapshot());
    // ...and again once the journal is folded into the state stores.
    reopened.compact().await.expect("compact");
    assert_eq!(reopened.journal_records().await.expect("count"), 0);
    reopened.close();
    let compacted = IdbStore::open(&name)
        .await
        .expect("reopen after compaction");
    assert_eq!(compacted.load().await.expect("load"), reference.snapshot());
    compacted.close();
    IdbStore::delete_database(&name).await.expect("cleanup");
    loaded
}

#[wasm_bindgen_test]
async fn a_commit_is_one_journal_record_however_many_changes_it_holds() {
    let name = fresh_db("journal").await;
    let mut store = IdbStore::open(&name).await.expect("open");
    let mut batch = vec![put_table("t")];
    batch.extend((0..500).map(|i| put_item("t", &i.to_string(), "x")));
    store.commit(&batch).await.expect("commit");
    store
        .commit(&[put_item("t", "last", "y")])
        .await
        .expect("commit");
    assert_eq!(store.journal_records().await.expect("count"), 2);
    store.close();
    IdbStore::delete_database(&name).await.expect("cleanup");
}

#[wasm_bindgen_test]
async fn two_tabs_compacting_the_same_journal_never_undo_a_later_write() {
    let name = fresh_db("compact-two").await;
    let mut a = IdbStore::open(&name).await.expect("open a");
    let b = IdbStore::open(&name).await.expect("open b");
    let mut reference = MemoryStore::new();
    for batch in [
        vec![put_table("t"), put_item("t", "1", "old")],
        vec![put_item("t", "1", "new")],
    ] {
        a.commit(&batch).await.expect("commit");
        reference.apply(&batch);
    }
    // Both tabs loaded the journal; b folds it in first, then a writes and folds.
    assert_eq!(b.load().await.expect("load"), reference.snapshot());
    b.compact().await.expect("b compacts");
    let later = vec![put_item("t", "2", "x")];
    a.commit(&later).await.expect("commit");
    reference.apply(&later);
    a.compact().await.expect("a compacts what is left");
    b.compact().await.expect("b finds nothing to fold");
    assert_eq!(a.journal_records().await.expect("count"), 0);
    assert_eq!(a.load().await.expect("load"), reference.snapshot());
    assert!(format!("{:?}", a.load().await.unwrap().items).contains("new"));
    a.close();
    b.close();
    IdbStore::delete_database(&name).await.expect("cleanup");
}

#[wasm_bindgen_test]
async fn committed_tables_and_items_survive_reopening() {
    let loaded = round_trip(
        "roundtrip",
        &[
            vec![put_table("users"), put_table("orders")],
            vec![
                put_item("users", "u1", "first"),
                put_item("users", "u2", "second"),
            ],
            vec![
                put_item("orders", "o1", "x"),
                put_item("users", "u1", "overwritten"),
            ],
            vec![Change::DeleteItem {
                table: "users".into(),
                key: r#"{"id":{"S":"u2"}}"#.into(),
            }],
        ],
    )
    .await;
    assert_eq!(loaded.tables.len(), 2);
    assert_eq!(loaded.items.len(), 2);
    assert!(
        loaded
            .items
            .iter()
            .any(|(t, item)| t == "users" && item.contains("overwritten"))
    );
}

#[wasm_bindgen_test]
async fn delete_table_removes_its_items_and_only_its_items() {
    // "a" is a prefix of "ab": the key range of "a" must not reach into "ab".
    let loaded = round_trip(
        "droptable",
        &[
            vec![put_table("a"), put_table("ab"), put_table("b")],
            vec![
                put_item("a", "1", "x"),
                put_item("a", "2", "y"),
                put_item("ab", "1", "z"),
                put_item("b", "1", "w"),
            ],
            vec![Change::DeleteTable { table: "a".into() }],
        ],
    )
    .await;
    assert_eq!(loaded.tables.len(), 2);
    let tables: Vec<&str> = loaded.items.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(tables, ["ab", "b"]);
}

#[wasm_bindgen_test]
async fn an_empty_database_loads_an_empty_snapshot() {
    let loaded = round_trip("empty", &[]).await;
    assert!(loaded.tables.is_empty() && loaded.items.is_empty());
}

#[wasm_bindgen_test]
async fn writes_through_the_handle_are_there_after_a_restart() {
    let name = fresh_db("handle").await;
    let handle = EngineHandle::open(&name).await;
    handle
        .send(
            "CreateTable",
            r#"{"TableName":"Music","BillingMode":"PAY_PER_REQUEST",
                "AttributeDefinitions":[{"AttributeName":"Artist","AttributeType":"S"},
                                        {"AttributeName":"Song","AttributeType":"S"}],
                "KeySchema":[{"AttributeName":"Artist","KeyType":"HASH"},
                             {"AttributeName":"Song","KeyType":"RANGE"}]}"#,
        )
        .await
        .expect("CreateTable");
    handle
        .send(
            "PutItem",
            r#"{"TableName":"Music","Item":{"Artist":{"S":"Nina"},"Song":{"S":"Sinnerman"},"Year":{"N":"1965"}}}"#,
        )
        .await
        .expect("PutItem");
    let missing = handle
        .send("GetItem", r#"{"TableName":"Nope","Key":{"id":{"S":"x"}}}"#)
        .await;
    assert_eq!(
        missing.expect_err("no such table").kind.name(),
        "ResourceNotFoundException"
    );
    handle.store().expect("IndexedDB opens").clone().close();
    drop(handle);

    let restarted = EngineHandle::open(&name).await;
    let response = restarted
        .send(
            "GetItem",
            r#"{"TableName":"Music","Key":{"Artist":{"S":"Nina"},"Song":{"S":"Sinnerman"}}}"#,
        )
        .await
        .expect("GetItem");
    let response: serde_json::Value = serde_json::from_str(&response).expect("JSON response");
    assert_eq!(response["Item"]["Year"]["N"], "1965");
    assert_eq!(response["Item"]["Artist"]["S"], "Nina");

    let tables = restarted
        .send("ListTables", "{}")
        .await
        .expect("ListTables");
    assert!(tables.contains("\"Music\""));
    restarted.store().expect("IndexedDB opens").clone().close();
    IdbStore::delete_database(&name).await.expect("cleanup");
}

#[wasm_bindgen_test]
async fn a_write_that_cannot_be_stored_is_not_acknowledged() {
    let name = fresh_db("closed").await;
    let handle = EngineHandle::open(&name).await;
    // Reads need no commit; a write after the connection is gone must fail, not succeed.
    handle.store().expect("IndexedDB opens").clone().close();
    let listed = handle
        .send("ListTables", "{}")
        .await
        .expect("ListTables needs no commit");
    assert!(listed.contains("TableNames"));
    let created = handle
        .send(
            "CreateTable",
            r#"{"TableName":"Things","BillingMode":"PAY_PER_REQUEST",
                "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],
                "KeySchema":[{"AttributeName":"id","KeyType":"HASH"}]}"#,
        )
        .await;
    let error = created.expect_err("the commit cannot happen on a closed connection");
    assert_eq!(error.kind.name(), "InternalFailure", "{}", error.message);
    assert!(
        error.message.starts_with("IndexedDB: "),
        "{}",
        error.message
    );
    IdbStore::delete_database(&name).await.expect("cleanup");
}

#[wasm_bindgen_test]
async fn settings_are_stored_and_removed_like_items() {
    let setting = |name: &str, value: Option<&str>| Change::PutSetting {
        name: name.into(),
        value: value.map(str::to_owned),
    };
    let loaded = round_trip(
        "settings",
        &[
            vec![
                setting("simulation", Some(r#"{"a":1}"#)),
                setting("clock", Some(r#"{"NowMillis":5}"#)),
            ],
            vec![
                setting("simulation:t", Some("{}")),
                setting("simulation", None),
            ],
        ],
    )
    .await;
    let names: Vec<&str> = loaded.settings.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["clock", "simulation:t"]);
}

#[wasm_bindgen_test]
async fn a_paused_clock_stays_paused_after_a_restart() {
    let name = fresh_db("clock").await;
    let handle = EngineHandle::open(&name).await;
    handle
        .send("Dynoscope_SetClock", r#"{"Mode":"STEPPED"}"#)
        .await
        .expect("pause");
    handle
        .send("Dynoscope_AdvanceClock", r#"{"Millis":1000}"#)
        .await
        .expect("step");
    let before: serde_json::Value = serde_json::from_str(
        &handle
            .send("Dynoscope_DescribeClock", "{}")
            .await
            .expect("clock"),
    )
    .expect("JSON");
    handle.store().expect("IndexedDB opens").clone().close();
    drop(handle);

    let restarted = EngineHandle::open(&name).await;
    let after: serde_json::Value = serde_json::from_str(
        &restarted
            .send("Dynoscope_DescribeClock", "{}")
            .await
            .expect("clock"),
    )
    .expect("JSON");
    assert_eq!(after["Clock"]["Mode"], "STEPPED");
    assert_eq!(after["Clock"]["NowMillis"], before["Clock"]["NowMillis"]);
    restarted.store().expect("IndexedDB opens").clone().close();
    IdbStore::delete_database(&name).await.expect("cleanup");
}

/// A CreateTable body for a table keyed `id` (S).
fn create_things() -> &'static str {
    r#"{"TableName":"Things","BillingMode":"PAY_PER_REQUEST",
        "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],
        "KeySchema":[{"AttributeName":"id","KeyType":"HASH"}]}"#
}

fn put_thing(i: usize) -> String {
    format!(r#"{{"TableName":"Things","Item":{{"id":{{"S":"t{i}"}},"n":{{"N":"{i}"}}}}}}"#)
}

#[wasm_bindgen_test]
async fn concurrent_writes_are_each_acknowledged_after_their_group_commit() {
    let name = fresh_db("group").await;
    let handle = EngineHandle::open(&name).await;
    handle
        .send("CreateTable", create_things())
        .await
        .expect("CreateTable");
    let bodies: Vec<String> = (0..300).map(put_thing).collect();
    let answers =
        futures_util::future::join_all(bodies.iter().map(|b| handle.send("PutItem", b))).await;
    assert!(
        answers.iter().all(Result::is_ok),
        "every write acknowledged"
    );
    handle.store().expect("IndexedDB opens").clone().close();
    drop(handle);

    let restarted = EngineHandle::open(&name).await;
    let count = restarted
        .send("Scan", r#"{"TableName":"Things","Select":"COUNT"}"#)
        .await
        .expect("Scan");
    assert!(count.contains("\"Count\":300"), "{count}");
    restarted.store().expect("IndexedDB opens").clone().close();
    IdbStore::delete_database(&name).await.expect("cleanup");
}

#[wasm_bindgen_test]
async fn a_failed_group_commit_fails_every_write_in_it() {
    let name = fresh_db("group-fail").await;
    let handle = EngineHandle::open(&name).await;
    handle
        .send("CreateTable", create_things())
        .await
        .expect("CreateTable");
    handle.store().expect("IndexedDB opens").clone().close();
    let bodies: Vec<String> = (0..20).map(put_thing).collect();
    let answers =
        futures_util::future::join_all(bodies.iter().map(|b| handle.send("PutItem", b))).await;
    for answer in answers {
        let error = answer.expect_err("nothing could be stored");
        assert_eq!(error.kind.name(), "InternalFailure", "{}", error.message);
    }
    IdbStore::delete_database(&name).await.expect("cleanup");
}

#[wasm_bindgen_test]
async fn a_long_journal_is_folded_into_pages_until_none_is_left() {
    let name = fresh_db("compact-rounds").await;
    let mut store = IdbStore::open(&name).await.expect("open");
    let mut reference = MemoryStore::new();
    let table = vec![put_table("t")];
    store.commit(&table).await.expect("commit");
    reference.apply(&table);
    for round in 0..3 {
        let batch: Vec<Change> = (0..3_000)
            .map(|i| put_item("t", &(i % 4_000).to_string(), &round.to_string()))
            .collect();
        store.commit(&batch).await.expect("commit");
        reference.apply(&batch);
    }
    store.compact().await.expect("compact");
    assert_eq!(store.journal_records().await.expect("count"), 0);
    store.close();
    let reopened = IdbStore::open(&name).await.expect("reopen");
    assert_eq!(reopened.load().await.expect("load"), reference.snapshot());
    reopened.close();
    IdbStore::delete_database(&name).await.expect("cleanup");
}

#[wasm_bindgen_test]
async fn items_kept_one_row_each_by_version_4_are_read_and_folded_into_pages() {
    let name = fresh_db("old-rows").await;
    let mut store = IdbStore::open(&name).await.expect("open");
    let mut reference = MemoryStore::new();
    let table = vec![put_table("t"), put_table("u")];
    store.commit(&table).await.expect("commit");
    store.compact().await.expect("compact");
    reference.apply(&table);
    for id in ["a", "b", "c"] {
        let Change::PutItem { table, key, item } = put_item("t", id, "old") else {
            unreachable!()
        };
        store
            .put_version_4_row(&table, &key, &item)
            .await
            .expect("old row");
        reference.apply(&[put_item("t", id, "old")]);
    }
    let later = vec![put_item("t", "b", "new"), put_item("u", "x", "y")];
    store.commit(&later).await.expect("commit");
    reference.apply(&later);
    assert_eq!(
        in_order(store.load().await.expect("load")),
        reference.snapshot()
    );
    store.compact().await.expect("compact");
    assert_eq!(store.old_rows().await.expect("count"), 0);
    assert_eq!(
        in_order(store.load().await.expect("load")),
        reference.snapshot()
    );
    store.close();
    IdbStore::delete_database(&name).await.expect("cleanup");
}

#[wasm_bindgen_test]
async fn a_journal_laid_over_pages_replaces_deletes_and_adds_items() {
    let name = fresh_db("pages-and-journal").await;
    let mut store = IdbStore::open(&name).await.expect("open");
    let mut reference = MemoryStore::new();
    let mut first = vec![put_table("t")];
    first.extend(["a", "b", "c"].map(|id| put_item("t", id, "1")));
    store.commit(&first).await.expect("commit");
    reference.apply(&first);
    store.compact().await.expect("compact");
    let later = vec![
        put_item("t", "0", "2"),
        put_item("t", "b", "2"),
        Change::DeleteItem {
            table: "t".into(),
            key: r#"{"id":{"S":"c"}}"#.into(),
        },
    ];
    store.commit(&later).await.expect("commit");
    reference.apply(&later);
    assert_eq!(
        in_order(store.load().await.expect("load")),
        reference.snapshot()
    );
    store.close();
    IdbStore::delete_database(&name).await.expect("cleanup");
}

/// A snapshot with each table's items in key order, as the reference gives them (a load
/// gives a table's stored items first, then those the journal wrote).
fn in_order(mut snapshot: dynoscope_engine::Snapshot) -> dynoscope_engine::Snapshot {
    snapshot.items.sort();
    snapshot
}
