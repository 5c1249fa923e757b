//! DynamoDB's S3 export and import files, without the engine and without I/O. The engine
//! hands a front end its export and import jobs as JSON; this crate turns an export job into
//! the files a real export writes ([`export`]: `AWSDynamoDB/<ExportId>/` with `_started`,
//! `data/*.json.gz` or `.ion.gz`, the manifests and their `.md5` files) and an import's
//! objects into items and counted errors ([`import`], over [`csv`] and [`ion`], after
//! [`compression`]). The front end maps S3 to something of its own (a directory natively, a
//! download or picked files in the browser) and hands the results back to the engine. Kept
//! out of the engine so the browser page's first load links no formats or compression.

pub mod checksum;
pub mod compression;
pub mod csv;
pub mod export;
pub mod import;
pub mod ion;

pub use export::{ExportFile, ExportJob, ExportOutcome, WrittenExport};
pub use import::{ImportRead, ImportSpec};

/// Milliseconds since the epoch as the manifests write times: `2020-11-04T07:28:34.028Z`.
pub fn timestamp(millis: u64) -> String {
    let days = (millis / 86_400_000) as i64;
    let of_day = millis % 86_400_000;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        of_day / 3_600_000,
        of_day / 60_000 % 60,
        of_day / 1000 % 60,
        of_day % 1000
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's method).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_are_iso_with_milliseconds() {
        assert_eq!(super::timestamp(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            super::timestamp(1_604_474_914_028),
            "2020-11-04T07:28:34.028Z"
        );
    }
}
