//! The store on disk: what is committed comes back, a batch is all or nothing, a store
//! reopens with its data, and a store that cannot be opened says why and where.

mod common;

use std::sync::atomic::Ordering;

use common::{TempDir, controlled_store, delete_item, put_item, put_table};
use dynoscope_engine::{Change, Snapshot};
use dynoscope_file_store::{FILE_NAME, FileStore, Problem};

fn item_values(snapshot: &Snapshot) -> Vec<(String, String)> {
    snapshot.items.clone()
}

#[test]
fn what_is_committed_is_loaded_in_table_and_key_order() {
    let dir = TempDir::new("round-trip");
    let store = FileStore::open(dir.path()).unwrap();
    store
        .write([&[
            put_table("b"),
            put_table("a"),
            put_item("b", "2", "two"),
            put_item("a", "1", "one"),
            put_item("b", "1", "one"),
            Change::PutSetting {
                name: "clock".into(),
                value: Some("{}".into()),
            },
        ][..]])
        .unwrap();
    let snapshot = store.read().unwrap();
    assert_eq!(snapshot.tables, [r#"{"name":"a"}"#, r#"{"name":"b"}"#]);
    let tables: Vec<&str> = snapshot.items.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(tables, ["a", "b", "b"]);
    assert!(snapshot.items[1].1.contains(r#""v":{"S":"one"}"#));
    assert_eq!(snapshot.settings, [("clock".to_owned(), "{}".to_owned())]);
}

#[test]
fn puts_overwrite_and_deletes_remove() {
    let dir = TempDir::new("overwrite");
    let store = FileStore::open(dir.path()).unwrap();
    store
        .write([&[put_table("t"), put_item("t", "k", "old")][..]])
        .unwrap();
    store
        .write([&[put_item("t", "k", "new"), put_item("t", "gone", "x")][..]])
        .unwrap();
    store.write([&[delete_item("t", "gone")][..]]).unwrap();
    let items = item_values(&store.read().unwrap());
    assert_eq!(items.len(), 1);
    assert!(items[0].1.contains(r#""v":{"S":"new"}"#), "{items:?}");
}

#[test]
fn deleting_a_table_deletes_its_items_and_no_others() {
    let dir = TempDir::new("delete-table");
    let store = FileStore::open(dir.path()).unwrap();
    let mut changes = vec![put_table("t"), put_table("t2"), put_table("s")];
    for n in 0..50 {
        changes.push(put_item("t", &n.to_string(), "x"));
    }
    changes.push(put_item("t2", "k", "x"));
    changes.push(put_item("s", "k", "x"));
    store.write([changes.as_slice()]).unwrap();
    (store.write([&[Change::DeleteTable { table: "t".into() }][..]])).unwrap();
    let snapshot = store.read().unwrap();
    assert_eq!(snapshot.tables.len(), 2);
    let tables: Vec<&str> = snapshot.items.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(tables, ["s", "t2"]);
}

#[test]
fn a_setting_of_none_is_removed() {
    let dir = TempDir::new("settings");
    let store = FileStore::open(dir.path()).unwrap();
    let set = |value: Option<&str>| Change::PutSetting {
        name: "simulation:t".into(),
        value: value.map(str::to_owned),
    };
    store.write([&[set(Some("{}"))][..]]).unwrap();
    store.write([&[set(None)][..]]).unwrap();
    assert!(store.read().unwrap().settings.is_empty());
}

#[test]
fn a_store_reopens_with_everything_committed() {
    let dir = TempDir::new("reopen");
    {
        let store = FileStore::open(dir.path()).unwrap();
        store
            .write([&[put_table("t")][..], &[put_item("t", "k", "v")][..]])
            .unwrap();
    }
    let store = FileStore::open(dir.path()).unwrap();
    let snapshot = store.read().unwrap();
    assert_eq!(snapshot.tables.len(), 1);
    assert_eq!(snapshot.items.len(), 1);
}

#[test]
fn a_batch_whose_commit_fails_leaves_nothing_behind() {
    let dir = TempDir::new("atomic");
    let (mut store, control) = controlled_store(dir.path()).unwrap();
    store
        .write([&[put_table("t"), put_item("t", "kept", "v")][..]])
        .unwrap();
    let mut batch = vec![put_item("t", "kept", "changed")];
    batch.extend((0..200).map(|n| put_item("t", &format!("new-{n}"), &"x".repeat(500))));
    control.failing.store(true, Ordering::SeqCst);
    let error = store.write([batch.as_slice()]).unwrap_err();
    assert_eq!(error.problem, Problem::Io);
    assert!(error.message.contains("injected I/O failure"), "{error}");
    assert!(error.message.contains(FILE_NAME), "{error}");

    control.failing.store(false, Ordering::SeqCst);
    store.reopen().unwrap();
    let items = item_values(&store.read().unwrap());
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(items[0].1.contains(r#""v":{"S":"v"}"#), "{items:?}");
}

#[test]
fn a_second_store_on_the_same_directory_is_refused_as_in_use() {
    let dir = TempDir::new("locked");
    let _first = FileStore::open(dir.path()).unwrap();
    let error = FileStore::open(dir.path()).unwrap_err();
    assert_eq!(error.problem, Problem::InUse);
    assert!(
        error.message.contains(&dir.path().display().to_string()),
        "{error}"
    );
    assert!(
        error.message.contains("in use by another process"),
        "{error}"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_refused_as_corrupt() {
    let dir = TempDir::new("corrupt");
    std::fs::write(dir.path().join(FILE_NAME), vec![0x5a; 64 * 1024]).unwrap();
    let error = FileStore::open(dir.path()).unwrap_err();
    assert_eq!(error.problem, Problem::Corrupt, "{error}");
    assert!(error.message.contains(FILE_NAME), "{error}");
}

#[test]
fn a_data_directory_that_is_a_file_is_refused_naming_it() {
    let dir = TempDir::new("not-a-dir");
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "not a directory").unwrap();
    let error = FileStore::open(&file).unwrap_err();
    assert!(
        error.message.contains("cannot use the data directory"),
        "{error}"
    );
    assert!(error.message.contains("plain-file"), "{error}");
}

#[test]
fn an_engine_restored_from_the_store_holds_what_it_committed() {
    use dynoscope_engine::{Engine, EngineConfig, Store};
    let dir = TempDir::new("engine");
    let config = EngineConfig {
        record_changes: true,
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(config.clone());
    let mut store = FileStore::open(dir.path()).unwrap();
    for (operation, request) in [
        (
            "CreateTable",
            r#"{"TableName":"Music","BillingMode":"PAY_PER_REQUEST",
                "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
                "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}"#,
        ),
        (
            "PutItem",
            r#"{"TableName":"Music","Item":{"pk":{"S":"a"},"n":{"N":"1"}}}"#,
        ),
        (
            "UpdateItem",
            r#"{"TableName":"Music","Key":{"pk":{"S":"a"}},"UpdateExpression":"ADD n :one",
                "ExpressionAttributeValues":{":one":{"N":"1"}}}"#,
        ),
    ] {
        engine.dispatch(operation, request.as_bytes()).unwrap();
        let changes = engine.take_changes();
        // The Store trait's futures complete at once: the store does its I/O synchronously.
        poll_once(store.commit(&changes)).unwrap();
    }
    drop(store);
    let store = FileStore::open(dir.path()).unwrap();
    let snapshot = poll_once(store.load()).unwrap();
    let mut restored = Engine::new(config);
    restored.restore(&snapshot).unwrap();
    let got = restored
        .dispatch(
            "GetItem",
            br#"{"TableName":"Music","Key":{"pk":{"S":"a"}}}"#,
        )
        .unwrap();
    let got = String::from_utf8(got).unwrap();
    assert!(got.contains(r#""n":{"N":"2"}"#), "{got}");
}

/// Runs a future that completes on its first poll.
fn poll_once<T>(future: impl Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut context) {
        std::task::Poll::Ready(value) => value,
        std::task::Poll::Pending => panic!("the store's future did not complete at once"),
    }
}
