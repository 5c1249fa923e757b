//! An export's files, in DynamoDB's own layout under `<S3Prefix>/AWSDynamoDB/<ExportId>/`:
//! the empty `_started` marker, the data under `data/` (gzip-compressed JSON lines
//! `{"Item":{...}}`, or Ion text lines `$ion_1_0 {Item:{...}}`, named `<26 letters>.json.gz`
//! or `.ion.gz`; an incremental export writes `Metadata`, `Keys`, `NewImage` and `OldImage`
//! lines instead), `manifest-files.json` (a JSON line per data file: itemCount,
//! md5Checksum, etag, dataFileS3Key), `manifest-summary.json` (the export's description)
//! and the `.md5` file beside each manifest (the base64 MD5 of the manifest, as a real
//! export writes it). DynamoDB writes at least one file per partition; this writes one data
//! file for the whole export. The job comes from the engine as JSON ([`ExportJob`] reads
//! the engine's `ExportJob`), so nothing here depends on the engine.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::checksum::{md5_base64, multipart_etag};
use crate::compression::gzip;
use crate::{ion, timestamp};

/// The version DynamoDB's manifests carry.
const MANIFEST_VERSION: &str = "2020-06-30";

/// What the engine hands over for one export: its description and the data to write.
#[derive(Debug, Clone, Deserialize)]
pub struct ExportJob {
    pub export_arn: String,
    pub table_arn: String,
    pub table_id: String,
    pub s3_bucket: String,
    #[serde(default)]
    pub s3_prefix: Option<String>,
    pub s3_sse_algorithm: String,
    #[serde(default)]
    pub s3_sse_kms_key_id: Option<String>,
    /// `DYNAMODB_JSON` or `ION`.
    pub export_format: String,
    /// `FULL_EXPORT` or `INCREMENTAL_EXPORT`.
    pub export_type: String,
    /// For an incremental export: `NEW_IMAGE` or `NEW_AND_OLD_IMAGES`.
    #[serde(default)]
    pub export_view_type: Option<String>,
    pub start_millis: u64,
    pub end_millis: u64,
    pub export_time_millis: u64,
    pub billed_size_bytes: u64,
    /// A full export's items, each as DynamoDB JSON text.
    #[serde(default)]
    pub items: Vec<String>,
    /// An incremental export's changes.
    #[serde(default)]
    pub changes: Vec<ChangeRecord>,
}

/// One changed item of an incremental export: when it was last written in the period, its
/// key and the images the view type keeps (DynamoDB JSON text each).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangeRecord {
    pub write_micros: u64,
    pub keys: String,
    #[serde(default)]
    pub new_image: Option<String>,
    #[serde(default)]
    pub old_image: Option<String>,
}

/// One object of the export: its key in the bucket and its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportFile {
    pub key: String,
    pub bytes: Vec<u8>,
}

/// The written export: its files, in the order to write them (`_started` first, the
/// summary last), and what the engine is told back.
#[derive(Debug, Clone)]
pub struct WrittenExport {
    pub files: Vec<ExportFile>,
    pub outcome: ExportOutcome,
}

/// What the front end tells the engine when the files are written (the engine's
/// `ExportResult`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportOutcome {
    /// The key of `manifest-summary.json`, the description's `ExportManifest`.
    pub manifest: String,
    pub item_count: u64,
    pub billed_size_bytes: u64,
}

/// The export's id: the last part of its ARN (`.../export/01791506414432-3f2e5aa4`).
pub fn export_id(export_arn: &str) -> &str {
    export_arn.rsplit('/').next().unwrap_or(export_arn)
}

/// The folder every file of the export lives under, ending in `/`.
pub fn export_folder(prefix: Option<&str>, export_id: &str) -> String {
    match prefix {
        None | Some("") => format!("AWSDynamoDB/{export_id}/"),
        Some(p) if p.ends_with('/') => format!("{p}AWSDynamoDB/{export_id}/"),
        Some(p) => format!("{p}/AWSDynamoDB/{export_id}/"),
    }
}

/// Writes the export's files.
pub fn write(job: &ExportJob) -> Result<WrittenExport, String> {
    let id = export_id(&job.export_arn);
    let folder = export_folder(job.s3_prefix.as_deref(), id);
    let ion = job.export_format == "ION";
    let incremental = job.export_type == "INCREMENTAL_EXPORT";
    let lines = if incremental {
        job.changes
            .iter()
            .map(|c| change_line(c, ion))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        job.items
            .iter()
            .map(|i| item_line(i, ion))
            .collect::<Result<Vec<_>, _>>()?
    };
    let count = lines.len() as u64;
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    let data = gzip(text.as_bytes());
    let extension = if ion { "ion.gz" } else { "json.gz" };
    let data_key = format!("{folder}data/{}.{extension}", data_file_name(id, 0));
    let manifest_files = format!(
        "{}\n",
        json!({
            "itemCount": count,
            "md5Checksum": md5_base64(&data),
            "etag": multipart_etag(&data),
            "dataFileS3Key": data_key,
        })
    );
    let files_key = format!("{folder}manifest-files.json");
    let summary = summary(job, &files_key, count).to_string();
    let summary_key = format!("{folder}manifest-summary.json");
    let files = vec![
        ExportFile {
            key: format!("{folder}_started"),
            bytes: Vec::new(),
        },
        ExportFile {
            key: data_key,
            bytes: data,
        },
        ExportFile {
            key: format!("{folder}manifest-files.md5"),
            bytes: md5_base64(manifest_files.as_bytes()).into_bytes(),
        },
        ExportFile {
            key: files_key,
            bytes: manifest_files.into_bytes(),
        },
        ExportFile {
            key: format!("{folder}manifest-summary.md5"),
            bytes: md5_base64(summary.as_bytes()).into_bytes(),
        },
        ExportFile {
            key: summary_key.clone(),
            bytes: summary.into_bytes(),
        },
    ];
    Ok(WrittenExport {
        files,
        outcome: ExportOutcome {
            manifest: summary_key,
            item_count: count,
            billed_size_bytes: job.billed_size_bytes,
        },
    })
}

/// `manifest-summary.json`, with the members of the Developer Guide's example in its order;
/// an incremental export adds its view and type.
fn summary(job: &ExportJob, files_key: &str, count: u64) -> Value {
    let mut summary = json!({
        "version": MANIFEST_VERSION,
        "exportArn": job.export_arn,
        "startTime": timestamp(job.start_millis),
        "endTime": timestamp(job.end_millis),
        "tableArn": job.table_arn,
        "tableId": job.table_id,
        "exportTime": timestamp(job.export_time_millis),
        "s3Bucket": job.s3_bucket,
        "s3Prefix": job.s3_prefix,
        "s3SseAlgorithm": job.s3_sse_algorithm,
        "s3SseKmsKeyId": job.s3_sse_kms_key_id,
        "manifestFilesS3Key": files_key,
        "billedSizeBytes": job.billed_size_bytes,
        "itemCount": count,
        "outputFormat": job.export_format,
    });
    if job.export_type == "INCREMENTAL_EXPORT" {
        summary["outputView"] = json!(job.export_view_type);
        summary["exportType"] = json!(job.export_type);
    }
    summary
}

fn parse_map(text: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(format!("not a DynamoDB JSON item: {text}")),
    }
}

/// One full-export line.
fn item_line(item: &str, ion: bool) -> Result<String, String> {
    if ion {
        return Ok(ion::line(&[("Item", ion::item(&parse_map(item)?)?)]));
    }
    parse_map(item)?;
    Ok(format!("{{\"Item\":{item}}}"))
}

/// One incremental-export line: `Metadata` (the write time in microseconds, as a number
/// attribute), `Keys`, then the images the view keeps.
fn change_line(change: &ChangeRecord, ion: bool) -> Result<String, String> {
    let micros = change.write_micros.to_string();
    let mut parts: Vec<(&str, Map<String, Value>)> = vec![("Keys", parse_map(&change.keys)?)];
    if let Some(image) = &change.new_image {
        parts.push(("NewImage", parse_map(image)?));
    }
    if let Some(image) = &change.old_image {
        parts.push(("OldImage", parse_map(image)?));
    }
    if ion {
        let mut fields = vec![(
            "Metadata",
            format!("{{WriteTimestampMicros:{}}}", ion::decimal(&micros)?),
        )];
        for (name, map) in &parts {
            fields.push((name, ion::item(map)?));
        }
        return Ok(ion::line(&fields));
    }
    let mut line = Map::new();
    line.insert(
        "Metadata".into(),
        json!({"WriteTimestampMicros": {"N": micros}}),
    );
    for (name, map) in parts {
        line.insert(name.into(), Value::Object(map));
    }
    Ok(Value::Object(line).to_string())
}

/// A data file's name: 26 lowercase base32 letters, as DynamoDB's look, drawn from the
/// export id so the same export writes the same names.
fn data_file_name(export_id: &str, index: usize) -> String {
    use md5::{Digest, Md5};
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let digest = Md5::digest(format!("{export_id}/{index}").as_bytes());
    let mut bits: u128 = u128::from_be_bytes(digest.into());
    let mut name = Vec::with_capacity(26);
    for _ in 0..26 {
        name.push(ALPHABET[(bits & 31) as usize]);
        bits >>= 5;
    }
    String::from_utf8(name).expect("ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_joins_the_prefix_with_one_slash() {
        assert_eq!(export_folder(None, "1-a"), "AWSDynamoDB/1-a/");
        assert_eq!(export_folder(Some("x/y"), "1-a"), "x/y/AWSDynamoDB/1-a/");
        assert_eq!(export_folder(Some("x/"), "1-a"), "x/AWSDynamoDB/1-a/");
    }

    #[test]
    fn data_file_names_look_like_dynamodbs() {
        let name = data_file_name("01791506414432-3f2e5aa4", 0);
        assert_eq!(name.len(), 26);
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
        );
        assert_eq!(name, data_file_name("01791506414432-3f2e5aa4", 0));
    }
}
