//! For tests of code above the store (the server's, this crate's): a redb backend over a
//! real file whose writes can be made to fail and whose fsyncs can be held back and counted,
//! and a temporary directory that removes itself.

use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use redb::backends::FileBackend;
use redb::{BackendError, StorageBackend};

use crate::{FILE_NAME, FileStore};

/// A new empty directory under the system's temporary directory, removed when dropped.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "dynoscope-file-store-{name}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("the temporary directory can be made");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What the tests do to the disk under a [`ControlledBackend`].
#[derive(Debug, Default)]
pub struct Control {
    /// Writes and fsyncs fail while set.
    pub failing: AtomicBool,
    /// fsyncs so far.
    pub syncs: AtomicU64,
    /// While true, an fsync waits (and says it is waiting) until it is set false.
    held: Mutex<(bool, bool)>,
    changed: Condvar,
}

impl Control {
    /// fsyncs wait from now on until [`Control::release`].
    pub fn hold(&self) {
        lock(&self.held).0 = true;
    }

    /// Waits until an fsync is being held back.
    pub fn wait_for_held_sync(&self) {
        let mut held = lock(&self.held);
        while !held.1 {
            held = self
                .changed
                .wait(held)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    pub fn release(&self) {
        lock(&self.held).0 = false;
        self.changed.notify_all();
    }

    fn sync_gate(&self) {
        let mut held = lock(&self.held);
        if held.0 {
            held.1 = true;
            self.changed.notify_all();
            while held.0 {
                held = self
                    .changed
                    .wait(held)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
            held.1 = false;
        }
    }

    fn check(&self) -> Result<(), BackendError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(BackendError::Io(std::io::Error::other(
                "injected I/O failure",
            )));
        }
        Ok(())
    }
}

/// redb's file backend with a [`Control`] in front of it.
#[derive(Debug)]
pub struct ControlledBackend {
    inner: FileBackend,
    control: Arc<Control>,
}

/// A store in `dir` over a [`ControlledBackend`], and its control.
pub fn controlled_store(dir: &Path) -> Result<(FileStore, Arc<Control>), crate::StoreError> {
    let control = Arc::new(Control::default());
    let path = dir.join(FILE_NAME);
    let shared = control.clone();
    let store = FileStore::open_with_backend(path.display().to_string(), move || {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        Ok(ControlledBackend {
            inner: FileBackend::new(file),
            control: shared.clone(),
        })
    })?;
    Ok((store, control))
}

impl StorageBackend for ControlledBackend {
    fn len(&self) -> Result<u64, BackendError> {
        self.inner.len()
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), BackendError> {
        self.inner.read(offset, out)
    }

    fn set_len(&self, len: u64) -> Result<(), BackendError> {
        self.control.check()?;
        self.inner.set_len(len)
    }

    fn sync_data(&self) -> Result<(), BackendError> {
        self.control.check()?;
        self.control.sync_gate();
        self.control.syncs.fetch_add(1, Ordering::SeqCst);
        self.inner.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), BackendError> {
        self.control.check()?;
        self.inner.write(offset, data)
    }

    fn close(&self) -> Result<(), BackendError> {
        self.inner.close()
    }

    fn try_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.try_lock_range(start, end)
    }

    fn try_lock_shared_range(
        &self,
        start: Bound<u64>,
        end: Bound<u64>,
    ) -> Result<bool, BackendError> {
        self.inner.try_lock_shared_range(start, end)
    }

    fn lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_range(start, end)
    }

    fn lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_shared_range(start, end)
    }

    fn unlock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.unlock_range(start, end)
    }

    fn query_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.query_lock_range(start, end)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
