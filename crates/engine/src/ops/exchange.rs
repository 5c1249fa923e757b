//! What the export and import operations share: the jobs the engine keeps (their
//! descriptions, persisted as the setting `exchange`, and the work a front end has yet to
//! take, kept in memory), job ids and ARNs, and ListExports' and ListImports' paging. The
//! engine never touches files: a front end takes the jobs after a request
//! (`Engine::take_export_jobs`, `Engine::take_import_jobs`), writes or reads the files
//! (the `dynoscope-exchange` crate) and hands the outcome back (`Engine::complete_export`,
//! `Engine::complete_import`). A job is IN_PROGRESS until its outcome is back and the
//! engine's control-plane delay has passed since it started, on the virtual clock.

use serde::{Deserialize, Serialize};

use super::exports::{ExportJob, ExportRecord};
use super::imports::{ImportJob, ImportRecord};
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::persist::Change;

/// The name of the setting that keeps the jobs' descriptions.
pub const SETTING: &str = "exchange";

/// Every export and import, oldest first, and the work not yet taken.
#[derive(Debug, Default)]
pub struct Jobs {
    pub(crate) exports: Vec<ExportRecord>,
    pub(crate) imports: Vec<ImportRecord>,
    pub(crate) pending_exports: Vec<ExportJob>,
    pub(crate) pending_imports: Vec<ImportJob>,
}

/// What the setting holds.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Stored {
    exports: Vec<ExportRecord>,
    imports: Vec<ImportRecord>,
}

/// How a job ended, as the front end reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Failure {
    /// DynamoDB's FailureCode (`S3NoSuchBucket`, `S3AccessDenied`, `ItemValidationError`...).
    pub code: String,
    pub message: String,
}

impl Engine {
    /// Records the jobs' descriptions, for a store to keep.
    pub(crate) fn record_exchange(&mut self) {
        let stored = Stored {
            exports: self.exchange.exports.clone(),
            imports: self.exchange.imports.clone(),
        };
        let value = serde_json::to_string(&stored).expect("jobs serialise");
        self.record(|| Change::PutSetting {
            name: SETTING.into(),
            value: Some(value),
        });
    }

    /// Gives back stored descriptions. A job still running when they were stored lost the
    /// work its front end had not finished: it is failed, as DynamoDB fails an export that
    /// cannot finish.
    pub(crate) fn restore_exchange(&mut self, value: &str) {
        let Ok(stored) = serde_json::from_str::<Stored>(value) else {
            return;
        };
        self.exchange = Jobs {
            exports: stored.exports,
            imports: stored.imports,
            ..Jobs::default()
        };
        let now = self.now_millis();
        let interrupted = || Failure {
            code: "InternalFailure".into(),
            message: "The job was interrupted when Dynoscope stopped; start it again".into(),
        };
        for export in &mut self.exchange.exports {
            if export.outcome.is_none() {
                export.fail(interrupted(), now);
            }
        }
        for import in &mut self.exchange.imports {
            if import.outcome.is_none() {
                import.fail(interrupted(), now);
            }
        }
    }
}

/// A new job id as DynamoDB writes them: the start time in milliseconds, 14 digits, and
/// eight hex digits (`01791506414432-3f2e5aa4`).
pub(crate) fn job_id(engine: &mut Engine) -> String {
    let random = engine.rng.next_u64() as u32;
    format!("{:014}-{random:08x}", engine.now_millis())
}

/// When a job that started at `start` and finished now settles: not before the
/// control-plane delay has passed.
pub(crate) fn settles_at(engine: &Engine, start: u64) -> u64 {
    engine
        .now_millis()
        .max(start.saturating_add(engine.config.control_plane_millis))
}

/// The table name in a table ARN of this engine's region and account
/// (`arn:aws:dynamodb:<region>:<account>:table/<name>`), or None.
pub(crate) fn table_of_arn<'a>(engine: &Engine, arn: &'a str) -> Option<&'a str> {
    let prefix = format!(
        "arn:aws:dynamodb:{}:{}:table/",
        engine.config.region, engine.config.account_id
    );
    arn.strip_prefix(&prefix).filter(|name| !name.is_empty())
}

/// Whether `arn` has the shape of a job's ARN of kind `kind` (`export` or `import`):
/// `arn:aws:dynamodb:<region>:<account>:table/<name>/<kind>/<id>`.
pub(crate) fn is_job_arn(arn: &str, kind: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, _, service, _, _, resource] = parts.as_slice() else {
        return false;
    };
    let segments: Vec<&str> = resource.split('/').collect();
    arn.starts_with("arn:")
        && *service == "dynamodb"
        && matches!(segments.as_slice(), ["table", name, k, id] if name.len() >= 3 && *k == kind && !id.is_empty())
}

/// One page of `items` (newest first) after `token`, at most `limit`, and the token of the
/// next page. Tokens name the sequence number of the next job, checked by `salt`.
pub(crate) fn page<T>(
    items: Vec<(u64, T)>,
    limit: usize,
    token: Option<&str>,
    salt: u64,
    repeat: usize,
) -> Result<(Vec<T>, Option<String>), DynamoError> {
    let from = match token {
        None => u64::MAX,
        Some(token) => read_token(token, salt, repeat).ok_or_else(|| {
            DynamoError::validation(format!(
                "Invalid Request: Provided nextToken is invalid: {token}"
            ))
        })?,
    };
    let mut rest = items.into_iter().filter(|(seq, _)| *seq <= from).peekable();
    let mut out = Vec::new();
    while out.len() < limit {
        match rest.next() {
            Some((_, item)) => out.push(item),
            None => break,
        }
    }
    let next = rest.peek().map(|(seq, _)| write_token(*seq, salt, repeat));
    Ok((out, next))
}

fn write_token(seq: u64, salt: u64, repeat: usize) -> String {
    let mut token = format!("{seq:016x}");
    for i in 1..repeat {
        token.push_str(&format!("{:016x}", seq ^ salt.rotate_left(i as u32 * 7)));
    }
    token
}

fn read_token(token: &str, salt: u64, repeat: usize) -> Option<u64> {
    let seq = u64::from_str_radix(token.get(..16)?, 16).ok()?;
    (write_token(seq, salt, repeat) == token).then_some(seq)
}

/// `millis` as DynamoDB's timestamps go on the wire: seconds since the epoch.
pub(crate) fn seconds(millis: u64) -> f64 {
    millis as f64 / 1000.0
}

/// A wire timestamp (seconds, possibly fractional) in milliseconds; negative is 0.
pub(crate) fn millis_of(seconds: f64) -> u64 {
    if seconds.is_finite() && seconds > 0.0 {
        (seconds * 1000.0).round() as u64
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_refuse_others() {
        let token = write_token(42, 7, 7);
        assert_eq!(token.len(), 112);
        assert_eq!(read_token(&token, 7, 7), Some(42));
        assert_eq!(read_token(&token, 8, 7), None);
        assert_eq!(read_token(&"0".repeat(112), 7, 7), None);
    }

    #[test]
    fn job_arns_are_recognised() {
        let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/abc/export/01-0a";
        assert!(is_job_arn(arn, "export"));
        assert!(!is_job_arn(arn, "import"));
        assert!(!is_job_arn(
            "arn:aws:dynamodb:us-east-1:000000000000:table/abc",
            "export"
        ));
        assert!(!is_job_arn(
            "arn:aws:dynamodb:us-east-1:000000000000:table/x/export/01-0a",
            "export"
        ));
    }
}
