//! The group committer: batches waiting together share one transaction and one fsync, each
//! waiter learns the outcome of its own batch, and a failed commit fails what follows until
//! the store is reloaded.

mod common;

use std::sync::atomic::Ordering;

use common::{TempDir, controlled_store, put_item, put_table};
use dynoscope_file_store::{FileStore, GroupCommitter, Problem};

#[test]
fn batches_waiting_together_share_one_transaction_and_one_fsync() {
    let dir = TempDir::new("coalesce");
    let (store, control) = controlled_store(dir.path()).unwrap();
    let committer = GroupCommitter::start(store).unwrap();
    let opened = control.syncs.load(Ordering::SeqCst);
    committer.submit(vec![put_table("t")]).wait().unwrap();
    let syncs_per_commit = control.syncs.load(Ordering::SeqCst) - opened;
    assert_eq!(syncs_per_commit, 1);
    assert_eq!(committer.transactions(), 1);

    // The first batch's commit is held inside its fsync while forty more are submitted.
    control.hold();
    let first = committer.submit(vec![put_item("t", "first", "v")]);
    control.wait_for_held_sync();
    assert!(!committer.settled());
    let waiting: Vec<_> = (0..40)
        .map(|n| committer.submit(vec![put_item("t", &n.to_string(), "v")]))
        .collect();
    let syncs_before = control.syncs.load(Ordering::SeqCst);
    control.release();

    first.wait().unwrap();
    for durable in waiting {
        durable.wait().unwrap();
    }
    assert!(committer.settled());
    assert_eq!(
        committer.transactions(),
        3,
        "one for the first batch, one for the forty"
    );
    assert_eq!(committer.batches(), 42);
    let syncs = control.syncs.load(Ordering::SeqCst) - syncs_before;
    assert_eq!(
        syncs,
        2 * syncs_per_commit,
        "the forty cost what one commit costs"
    );
    drop(committer);
    let items = FileStore::open(dir.path()).unwrap().read().unwrap().items;
    assert_eq!(items.len(), 41);
}

#[test]
fn batches_from_many_threads_are_all_durable_in_fewer_transactions() {
    let dir = TempDir::new("threads");
    let committer = GroupCommitter::start(FileStore::open(dir.path()).unwrap()).unwrap();
    committer.submit(vec![put_table("t")]).wait().unwrap();
    std::thread::scope(|scope| {
        for thread in 0..16 {
            let committer = &committer;
            scope.spawn(move || {
                for n in 0..20 {
                    let key = format!("{thread}-{n}");
                    committer
                        .submit(vec![put_item("t", &key, "v")])
                        .wait()
                        .unwrap();
                }
            });
        }
    });
    assert_eq!(committer.batches(), 1 + 16 * 20);
    assert!(committer.transactions() <= committer.batches());
    drop(committer);
    let items = FileStore::open(dir.path()).unwrap().read().unwrap().items;
    assert_eq!(items.len(), 16 * 20);
}

#[test]
fn an_empty_batch_costs_no_transaction() {
    let dir = TempDir::new("fence");
    let committer = GroupCommitter::start(FileStore::open(dir.path()).unwrap()).unwrap();
    committer.submit(Vec::new()).wait().unwrap();
    assert_eq!(committer.transactions(), 0);
}

#[test]
fn a_failed_commit_is_reported_to_its_waiters_and_fails_what_follows_until_a_reload() {
    let dir = TempDir::new("failure");
    let (store, control) = controlled_store(dir.path()).unwrap();
    let committer = GroupCommitter::start(store).unwrap();
    committer
        .submit(vec![put_table("t"), put_item("t", "kept", "v")])
        .wait()
        .unwrap();

    control.failing.store(true, Ordering::SeqCst);
    let error = committer
        .submit(vec![put_item("t", "lost", "v")])
        .wait()
        .unwrap_err();
    assert_eq!(error.problem, Problem::Io);
    assert!(error.message.contains("committing failed"), "{error}");
    assert_eq!(committer.failures(), 1);

    // The disk is fine again, but the caller's state still holds the lost write: batches
    // are refused until it reloads.
    control.failing.store(false, Ordering::SeqCst);
    let refused = committer
        .submit(vec![put_item("t", "later", "v")])
        .wait()
        .unwrap_err();
    assert!(
        refused.message.contains("an earlier commit failed"),
        "{refused}"
    );
    assert!(committer.submit(Vec::new()).wait().is_err(), "a fence too");

    let snapshot = committer.reload().unwrap();
    assert_eq!(snapshot.items.len(), 1, "{:?}", snapshot.items);
    assert!(snapshot.items[0].1.contains("kept"));
    committer
        .submit(vec![put_item("t", "after", "v")])
        .wait()
        .unwrap();
    assert_eq!(committer.reload().unwrap().items.len(), 2);
    assert_eq!(committer.failures(), 1);
}

#[test]
fn a_reload_that_fails_keeps_refusing() {
    let dir = TempDir::new("reload-fails");
    let (store, control) = controlled_store(dir.path()).unwrap();
    let committer = GroupCommitter::start(store).unwrap();
    control.failing.store(true, Ordering::SeqCst);
    assert!(committer.submit(vec![put_table("t")]).wait().is_err());
    // Opening a database writes to it (its layout version), so this reload fails too.
    let failed = committer.reload();
    assert!(failed.is_err(), "{failed:?}");
    control.failing.store(false, Ordering::SeqCst);
    assert!(committer.submit(vec![put_table("t")]).wait().is_err());
    assert!(committer.reload().unwrap().tables.is_empty());
    committer.submit(vec![put_table("t")]).wait().unwrap();
}
