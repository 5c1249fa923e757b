//! The S3 of exports and imports, natively: with `--s3-dir DIR`, bucket `B` is the
//! directory `DIR/B` and an object key is a path under it, so an export lands where a real
//! one would (`DIR/B/<prefix>/AWSDynamoDB/<ExportId>/manifest-summary.json`, `data/...`)
//! and an import reads every file whose key starts with its prefix. After each request the
//! server takes the engine's new jobs, writes or reads the files with the
//! `dynoscope-exchange` crate and hands the outcome back, while it still holds the engine
//! (jobs are small next to a request's time; a large table's export holds requests back
//! while it is written). Without `--s3-dir` there is no S3: a job fails at once with
//! FailureCode `S3NoSuchBucket` and a message naming the flag. A bucket directory that does
//! not exist fails the job the same way, as a missing bucket fails a real one.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use dynoscope_engine::{Engine, ExchangeFailure, ExportJob, ExportResult, ImportJob, ImportResult};
use dynoscope_exchange::{ImportRead, ImportSpec};

static ROOT: OnceLock<PathBuf> = OnceLock::new();

/// Sets the directory whose subdirectories are the buckets (`--s3-dir`).
pub fn set_root(dir: PathBuf) {
    let _ = ROOT.set(dir);
}

/// Runs the jobs the last request started, if any.
pub fn run_jobs(engine: &mut Engine) {
    for job in engine.take_export_jobs() {
        let outcome = bucket(&job.s3_bucket).and_then(|dir| export(&dir, &job));
        engine.complete_export(&job.export_arn, outcome);
    }
    for job in engine.take_import_jobs() {
        let outcome = bucket(&job.s3_bucket).and_then(|dir| import(&dir, &job));
        engine.complete_import(&job.import_arn, outcome);
    }
}

fn failure(code: &str, message: impl Into<String>) -> ExchangeFailure {
    ExchangeFailure {
        code: code.into(),
        message: message.into(),
    }
}

/// The directory of bucket `name`.
fn bucket(name: &str) -> Result<PathBuf, ExchangeFailure> {
    let Some(root) = ROOT.get() else {
        return Err(failure(
            "S3NoSuchBucket",
            "dynoscope-server has no S3: start it with --s3-dir DIR, and bucket B is the directory DIR/B",
        ));
    };
    let dir = root.join(name);
    if name.contains(['/', '\\']) || name.starts_with('.') || !dir.is_dir() {
        return Err(failure(
            "S3NoSuchBucket",
            format!(
                "The specified bucket does not exist (the directory {} is missing)",
                dir.display()
            ),
        ));
    }
    Ok(dir)
}

/// The path of `key` in `bucket`; keys that would leave the bucket are refused.
fn object_path(bucket: &Path, key: &str) -> Result<PathBuf, ExchangeFailure> {
    let mut path = bucket.to_path_buf();
    for segment in key.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." {
            return Err(failure(
                "S3AccessDenied",
                format!("Access Denied: key {key}"),
            ));
        }
        path.push(segment);
    }
    Ok(path)
}

fn io_failure(e: std::io::Error) -> ExchangeFailure {
    failure("S3AccessDenied", format!("Access Denied ({e})"))
}

fn export(bucket: &Path, job: &ExportJob) -> Result<ExportResult, ExchangeFailure> {
    let job: dynoscope_exchange::ExportJob = convert(job)?;
    let written =
        dynoscope_exchange::export::write(&job).map_err(|e| failure("InternalFailure", e))?;
    for file in &written.files {
        let path = object_path(bucket, &file.key)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_failure)?;
        }
        std::fs::write(&path, &file.bytes).map_err(io_failure)?;
    }
    convert(&written.outcome)
}

fn import(bucket: &Path, job: &ImportJob) -> Result<ImportResult, ExchangeFailure> {
    let spec: ImportSpec = convert(job)?;
    let mut keys = Vec::new();
    list(bucket, "", &mut keys).map_err(io_failure)?;
    keys.retain(|key| key.starts_with(&job.s3_key_prefix));
    keys.sort();
    let mut read = ImportRead::default();
    for key in keys {
        let bytes = std::fs::read(object_path(bucket, &key)?).map_err(io_failure)?;
        read.read_object(&spec, &key, &bytes);
    }
    convert(&read)
}

/// Every file under `dir`, as keys relative to the bucket.
fn list(dir: &Path, prefix: &str, keys: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let key = format!("{prefix}{name}");
        if entry.file_type()?.is_dir() {
            list(&entry.path(), &format!("{key}/"), keys)?;
        } else {
            keys.push(key);
        }
    }
    Ok(())
}

/// The engine's and the exchange crate's job types meet as JSON of the same shape.
fn convert<T: serde::Serialize, U: serde::de::DeserializeOwned>(
    value: &T,
) -> Result<U, ExchangeFailure> {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .map_err(|e| failure("InternalFailure", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_leave_the_bucket() {
        let bucket = Path::new("/b");
        assert_eq!(
            object_path(bucket, "a//b/c").unwrap(),
            Path::new("/b/a/b/c")
        );
        assert!(object_path(bucket, "a/../../etc").is_err());
    }
}
