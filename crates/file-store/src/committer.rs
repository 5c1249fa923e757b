//! Group commit: one thread owns the [`FileStore`] and writes whatever batches are waiting
//! in one transaction, so a hundred concurrent writers cost a handful of fsyncs, not a
//! hundred. Callers [`GroupCommitter::submit`] a batch (the changes one request made, in the
//! engine's order) and await the returned [`Durable`]; the thread takes every batch queued,
//! writes them in submission order, commits once and wakes each waiter with the outcome.
//! An empty batch is a fence: it costs no transaction, and completes once every batch
//! submitted before it is durable.
//!
//! After a failed commit redb refuses everything until the database is reopened, and the
//! caller's state is ahead of the disk; so the committer fails every later batch too, until
//! [`GroupCommitter::reload`] reopens the store and hands back what it holds, for the caller
//! to rebuild its state from.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;

use dynoscope_engine::{Change, Snapshot};
use tokio::sync::oneshot;

use crate::error::{Problem, StoreError};
use crate::store::FileStore;

/// What the committer thread is asked to do, in order.
enum Job {
    Commit(Batch),
    /// Answered on a std channel: the caller blocks, possibly inside async code.
    Reload(mpsc::Sender<Result<Snapshot, StoreError>>),
}

struct Batch {
    changes: Vec<Change>,
    done: oneshot::Sender<Result<(), StoreError>>,
}

/// Completes when a submitted batch is durable, or its commit failed.
#[derive(Debug)]
pub struct Durable(oneshot::Receiver<Result<(), StoreError>>);

impl Future for Durable {
    type Output = Result<(), StoreError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0)
            .poll(cx)
            .map(|received| received.unwrap_or_else(|_| Err(stopped())))
    }
}

impl Durable {
    /// One that has already failed with `error` (for callers that can tell before
    /// submitting, such as a store already closed).
    pub fn failed(error: StoreError) -> Durable {
        let (done, durable) = oneshot::channel();
        let _ = done.send(Err(error));
        Durable(durable)
    }

    /// Blocks the calling thread until the batch is durable (not from async code).
    pub fn wait(self) -> Result<(), StoreError> {
        self.0.blocking_recv().unwrap_or_else(|_| Err(stopped()))
    }
}

fn stopped() -> StoreError {
    StoreError::new(Problem::Io, "the committer thread has stopped")
}

/// Counts of what the committer did, for tests and benchmarks.
#[derive(Debug, Default)]
struct Counts {
    submitted: AtomicU64,
    settled: AtomicU64,
    transactions: AtomicU64,
    batches: AtomicU64,
    failures: AtomicU64,
}

/// The handle on the committer thread. Dropping it lets the thread write what is queued and
/// end, and waits for it.
#[derive(Debug)]
pub struct GroupCommitter {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
    counts: Arc<Counts>,
}

impl GroupCommitter {
    /// Starts the thread that owns `store`.
    pub fn start(store: FileStore) -> std::io::Result<GroupCommitter> {
        let (jobs, queue) = mpsc::channel();
        let counts = Arc::new(Counts::default());
        let worker = Worker {
            store,
            failed: None,
            counts: counts.clone(),
        };
        let thread = std::thread::Builder::new()
            .name("group-commit".into())
            .spawn(move || worker.run(&queue))?;
        Ok(GroupCommitter {
            jobs: Some(jobs),
            thread: Some(thread),
            counts,
        })
    }

    /// Queues `changes` for the next transaction. Call in the order the changes were made
    /// (under the lock that orders them): batches are written in submission order.
    pub fn submit(&self, changes: Vec<Change>) -> Durable {
        let (done, durable) = oneshot::channel();
        self.counts.submitted.fetch_add(1, Ordering::AcqRel);
        // If the thread is gone, `done` is dropped and the Durable reports it.
        self.send(Job::Commit(Batch { changes, done }));
        Durable(durable)
    }

    /// Waits for everything submitted before, then closes and reopens the store and returns
    /// what it holds; later batches commit again. Blocks the calling thread (also when
    /// called from async code, which it may be: the caller holds its state's lock meanwhile).
    pub fn reload(&self) -> Result<Snapshot, StoreError> {
        let (reply, snapshot) = mpsc::channel();
        self.send(Job::Reload(reply));
        snapshot.recv().unwrap_or_else(|_| Err(stopped()))
    }

    fn send(&self, job: Job) {
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(job);
        }
    }

    /// Whether every batch submitted so far has been written (or has failed). A caller that
    /// submits under a lock and checks this under the same lock learns whether anything it
    /// may have seen is still on its way to the disk.
    pub fn settled(&self) -> bool {
        self.counts.settled.load(Ordering::Acquire) == self.counts.submitted.load(Ordering::Acquire)
    }

    /// Write transactions committed so far.
    pub fn transactions(&self) -> u64 {
        self.counts.transactions.load(Ordering::Relaxed)
    }

    /// Non-empty batches made durable so far.
    pub fn batches(&self) -> u64 {
        self.counts.batches.load(Ordering::Relaxed)
    }

    /// Commits that failed so far.
    pub fn failures(&self) -> u64 {
        self.counts.failures.load(Ordering::Acquire)
    }

    /// Writes what is queued, stops the thread and closes the store.
    pub fn close(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for GroupCommitter {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// The committer thread's state.
struct Worker {
    store: FileStore,
    /// Why the last commit failed, until a reload clears it.
    failed: Option<StoreError>,
    counts: Arc<Counts>,
}

impl Worker {
    fn run(mut self, queue: &mpsc::Receiver<Job>) {
        while let Ok(first) = queue.recv() {
            let mut group = Vec::new();
            let mut next = Some(first);
            while let Some(job) = next {
                match job {
                    Job::Commit(batch) => group.push(batch),
                    Job::Reload(reply) => {
                        self.commit(std::mem::take(&mut group));
                        let _ = reply.send(self.reload());
                    }
                }
                next = queue.try_recv().ok();
            }
            self.commit(group);
        }
    }

    /// Writes `group` in one transaction and tells each batch's waiter how it went.
    fn commit(&mut self, group: Vec<Batch>) {
        if group.iter().all(|b| b.changes.is_empty()) {
            let outcome = match &self.failed {
                Some(e) => Err(after_failure(e)),
                None => Ok(()),
            };
            return self.settle(group, &outcome);
        }
        let outcome = match &self.failed {
            Some(e) => Err(after_failure(e)),
            None => self.store.write(group.iter().map(|b| b.changes.as_slice())),
        };
        match &outcome {
            Ok(()) => {
                self.counts.transactions.fetch_add(1, Ordering::Relaxed);
                let written = group.iter().filter(|b| !b.changes.is_empty()).count();
                (self.counts.batches).fetch_add(written as u64, Ordering::Relaxed);
            }
            Err(e) if self.failed.is_none() => {
                self.failed = Some(e.clone());
                self.counts.failures.fetch_add(1, Ordering::Release);
            }
            Err(_) => {}
        }
        self.settle(group, &outcome);
    }

    fn settle(&self, group: Vec<Batch>, outcome: &Result<(), StoreError>) {
        // Counted first: once a waiter wakes, its batch already counts as settled.
        (self.counts.settled).fetch_add(group.len() as u64, Ordering::AcqRel);
        for batch in group {
            let _ = batch.done.send(outcome.clone());
        }
    }

    fn reload(&mut self) -> Result<Snapshot, StoreError> {
        let snapshot = self.store.reopen().and_then(|()| self.store.read());
        match &snapshot {
            Ok(_) => self.failed = None,
            Err(e) => self.failed = Some(e.clone()),
        }
        snapshot
    }
}

fn after_failure(e: &StoreError) -> StoreError {
    StoreError::new(
        e.problem,
        format!(
            "not attempted: an earlier commit failed and the store has not been reloaded since ({e})"
        ),
    )
}
