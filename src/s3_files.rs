//! S3 exports and imports in the browser, the worker's side: the page has no S3, so an
//! export is offered as one `.zip` whose entries are the objects a real export writes, at
//! their keys (`<prefix>/AWSDynamoDB/<ExportId>/_started`, `data/*.json.gz`, the manifests
//! and their `.md5`), and an import reads the files a person picks: a `.zip` (its entries
//! are the bucket's objects) or single data objects. The file formats are the
//! `dynoscope-exchange` crate's, as `dynoscope-server --s3-dir` uses them
//! (`crates/server/src/s3.rs`); this module only builds the export job from what the page
//! holds (DescribeTable, the database file's lines, the virtual clock) and packs or unpacks
//! the zip. Pure, so `cargo test` runs it natively; the worker runs it as the `s3-export`
//! and `s3-import` panels ([`crate::panels`]).

use std::io::{Cursor, Read, Write};

use dynoscope_exchange::{ExportFile, ExportJob, ImportRead, ImportSpec, WrittenExport};
use serde_json::{Map, Value, json};

/// The largest item DynamoDB stores, in bytes.
const MAX_ITEM_BYTES: usize = 400 * 1024;

/// At most this many error messages are handed back (the count says how many there were).
const ERRORS_SHOWN: usize = 10;

/// What an export is asked for: the table's name, the whole database file's lines (the
/// table's definition `{"table":{...}}` and its items `{"table":"name","item":{...}}` among
/// others), the virtual clock's now, a random number for the export id, and where the export
/// would go.
pub struct ExportRequest<'a> {
    pub table: &'a str,
    pub lines: &'a [String],
    pub now_millis: u64,
    pub random: u32,
    /// `DYNAMODB_JSON` or `ION`.
    pub format: &'a str,
    pub bucket: &'a str,
    pub prefix: Option<&'a str>,
}

/// The export job a full export of the table at `now` makes, as ExportTableToPointInTime
/// would queue it: its ARN `<TableArn>/export/<ExportId>`, the id as DynamoDB forms it
/// (the start time in milliseconds, 14 digits, a dash and eight hex digits, as the engine's
/// `ops::exchange::job_id`), the table's items from the database lines.
pub fn export_job(request: &ExportRequest) -> Result<ExportJob, String> {
    let name = request.table;
    if !matches!(request.format, "DYNAMODB_JSON" | "ION") {
        return Err(format!(
            "the export format must be DYNAMODB_JSON or ION, not {}",
            request.format
        ));
    }
    if request.bucket.is_empty() {
        return Err("the export needs an S3 bucket name".into());
    }
    let mut definition = None;
    let mut items = Vec::new();
    let mut billed = 0;
    for line in request.lines {
        // Most lines are other tables': look closer only at those naming this one.
        if !line.contains(name) {
            continue;
        }
        let Ok(Value::Object(mut record)) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        match record.remove("table") {
            Some(Value::Object(table)) if table.get("name") == Some(&json!(name)) => {
                definition = Some(table);
            }
            Some(Value::String(table)) if table == name => {
                let Some(item) = record.remove("item") else {
                    continue;
                };
                let text = item.to_string();
                let parsed = dynoscope_engine::item_from_json(&text).map_err(|e| e.message)?;
                billed += dynoscope_engine::item_size(&parsed) as u64;
                items.push(text);
            }
            _ => {}
        }
    }
    let Some(definition) = definition else {
        return Err(format!("Table not found: {name}"));
    };
    let text = |field: &str| definition[field].as_str().unwrap_or_default().to_owned();
    let table_arn = text("arn");
    let now = request.now_millis;
    let id = format!("{now:014}-{:08x}", request.random);
    Ok(ExportJob {
        export_arn: format!("{table_arn}/export/{id}"),
        table_arn,
        table_id: text("table_id"),
        s3_bucket: request.bucket.to_owned(),
        s3_prefix: request.prefix.filter(|p| !p.is_empty()).map(str::to_owned),
        s3_sse_algorithm: "AES256".into(),
        s3_sse_kms_key_id: None,
        export_format: request.format.to_owned(),
        export_type: "FULL_EXPORT".into(),
        export_view_type: None,
        start_millis: now,
        end_millis: now,
        export_time_millis: now,
        billed_size_bytes: billed,
        items,
        changes: Vec::new(),
    })
}

/// The export's files, written as a real export writes them, and the `.zip` holding them
/// at their keys, each stamped with the export's time.
pub fn export_zip(job: &ExportJob) -> Result<(WrittenExport, Vec<u8>), String> {
    let written = dynoscope_exchange::export::write(job)?;
    let zip = zip(&written.files, job.export_time_millis)?;
    Ok((written, zip))
}

/// `files` as a `.zip`, stored (the data files are gzip already; the manifests are small).
pub fn zip(files: &[ExportFile], millis: u64) -> Result<Vec<u8>, String> {
    use zip::write::SimpleFileOptions;
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip_time(millis));
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for file in files {
        writer
            .start_file(file.key.as_str(), options)
            .and_then(|()| writer.write_all(&file.bytes).map_err(Into::into))
            .map_err(|e| format!("the zip could not be written: {e}"))?;
    }
    writer
        .finish()
        .map(Cursor::into_inner)
        .map_err(|e| format!("the zip could not be written: {e}"))
}

/// A zip entry's time (UTC; zip has no zone), from milliseconds since the epoch: zip keeps
/// 1980 to 2107 to two seconds.
fn zip_time(millis: u64) -> zip::DateTime {
    let text = dynoscope_exchange::timestamp(millis);
    let part = |range: std::ops::Range<usize>| text[range].parse::<u16>().unwrap_or(0);
    zip::DateTime::from_date_and_time(
        part(0..4).clamp(1980, 2107),
        part(5..7) as u8,
        part(8..10) as u8,
        part(11..13) as u8,
        part(14..16) as u8,
        part(17..19) as u8,
    )
    .unwrap_or_default()
}

/// The files of a `.zip`: each entry that is a file, with its name and bytes. A file that is
/// not a zip, or an entry that cannot be read, is an error naming it.
pub fn unzip(name: &str, bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("{name} is not a readable .zip file: {e}"))?;
    let mut files = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| format!("{name}: entry {} cannot be read: {e}", index + 1))?;
        if entry.is_dir() {
            continue;
        }
        let key = entry
            .name()
            .map_err(|e| format!("{name}: entry {} has no readable name: {e}", index + 1))?
            .into_owned();
        let mut data = Vec::new();
        entry
            .read_to_end(&mut data)
            .map_err(|e| format!("{name}: {key} cannot be read: {e}"))?;
        files.push((key, data));
    }
    Ok(files)
}

/// Whether `bytes` look like a zip (a local file header or an empty archive's end record).
fn is_zip(name: &str, bytes: &[u8]) -> bool {
    name.to_ascii_lowercase().ends_with(".zip")
        || bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"PK\x05\x06")
}

/// Whether `key` is an export's own bookkeeping rather than data: `_started`, the manifests
/// and their `.md5` files under `AWSDynamoDB/<ExportId>/`, or a folder's listing a zip tool
/// added (`__MACOSX/`, `.DS_Store`). An import of an export names its `data/` prefix; a zip
/// of the whole export is read as if it had.
fn is_bookkeeping(key: &str) -> bool {
    if key.starts_with("__MACOSX/") || key.rsplit('/').next() == Some(".DS_Store") {
        return true;
    }
    match key.find("AWSDynamoDB/") {
        Some(at) => {
            let rest = &key[at + "AWSDynamoDB/".len()..];
            let inside = rest.split_once('/').map_or("", |(_, inside)| inside);
            !inside.starts_with("data/")
        }
        None => false,
    }
}

/// What an import is asked for: the picked files (name and bytes), how to read them, the
/// key prefix a zip's entries must start with, and the table to create (CreateTable's
/// request: its key schema and attribute definitions say what every item must carry).
pub struct ImportRequest<'a> {
    pub files: Vec<(String, Vec<u8>)>,
    pub spec: ImportSpec,
    pub prefix: &'a str,
    pub table: &'a Value,
}

/// What reading the import's files came to, counted as DynamoDB counts an import.
#[derive(Debug, Default, PartialEq)]
pub struct ImportOutcome {
    /// The items read that fit the table, DynamoDB JSON each.
    pub items: Vec<Value>,
    /// Items and objects that could not be read or do not fit the table: one message each.
    pub errors: Vec<String>,
    /// Items read, whether they fit or not.
    pub processed_item_count: u64,
    pub processed_size_bytes: u64,
    /// The data objects read.
    pub objects: usize,
}

impl ImportOutcome {
    /// The outcome as the page takes it: the items, the counts DynamoDB's ImportSummary
    /// gives, and the first few errors with the failure DynamoDB reports for them.
    pub fn to_json(self) -> Value {
        let error_count = self.errors.len();
        let mut answer = json!({
            "importedItemCount": if error_count == 0 { self.items.len() } else { 0 },
            "processedItemCount": self.processed_item_count,
            "processedSizeBytes": self.processed_size_bytes,
            "errorCount": error_count,
            "objects": self.objects,
            "errors": &self.errors[..error_count.min(ERRORS_SHOWN)],
        });
        if error_count > 0 {
            answer["failureCode"] = json!("ItemValidationError");
            let more = error_count.saturating_sub(ERRORS_SHOWN);
            answer["failureMessage"] = json!(format!(
                "{error_count} error{} reading the files, so no table was created: {}{}",
                if error_count == 1 { "" } else { "s" },
                self.errors[..error_count.min(ERRORS_SHOWN)].join("; "),
                if more > 0 {
                    format!("; and {more} more")
                } else {
                    String::new()
                }
            ));
        } else {
            answer["items"] = Value::Array(self.items);
        }
        answer
    }
}

/// Reads the import's files: a zip's entries under the prefix that are data (not an
/// export's manifests), or each picked file, with the import's format and compression
/// ([`ImportRead`], as the native server reads a bucket's objects, in key order), then
/// checks every item against the table's key schema.
pub fn import(request: ImportRequest) -> ImportOutcome {
    let mut outcome = ImportOutcome::default();
    let mut objects: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, bytes) in request.files {
        if !is_zip(&name, &bytes) {
            objects.push((name, bytes));
            continue;
        }
        match unzip(&name, &bytes) {
            Ok(entries) => objects.extend(
                entries
                    .into_iter()
                    .filter(|(key, _)| key.starts_with(request.prefix) && !is_bookkeeping(key)),
            ),
            Err(e) => outcome.errors.push(e),
        }
    }
    if objects.is_empty() && outcome.errors.is_empty() {
        outcome.errors.push(if request.prefix.is_empty() {
            "the files hold no data object to import".to_owned()
        } else {
            format!(
                "the files hold no data object under the key prefix {}",
                request.prefix
            )
        });
    }
    objects.sort_by(|a, b| a.0.cmp(&b.0));
    let keys = key_attributes(request.table);
    let mut read = ImportRead::default();
    for (key, bytes) in &objects {
        let before = read.items.len();
        read.read_object(&request.spec, key, bytes);
        for (n, text) in read.items[before..].iter().enumerate() {
            outcome.processed_item_count += 1;
            match fits(text, &keys) {
                Ok(item) => outcome.items.push(item),
                Err(why) => outcome.errors.push(format!("{key}, item {}: {why}", n + 1)),
            }
        }
    }
    outcome.objects = objects.len();
    outcome.processed_size_bytes = read.processed_size_bytes;
    outcome.errors.extend(read.errors);
    outcome
}

/// ImportTable's checks of the format, the compression and the CSV delimiter, with its
/// messages.
pub fn check_spec(spec: &ImportSpec) -> Result<(), String> {
    let refuse = |value: &str, field: &str, constraint: &str| {
        Err(format!(
            "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint}"
        ))
    };
    if !matches!(spec.input_format.as_str(), "DYNAMODB_JSON" | "ION" | "CSV") {
        return refuse(
            &spec.input_format,
            "inputFormat",
            "Member must satisfy enum value set: [DYNAMODB_JSON, ION, CSV]",
        );
    }
    if !matches!(
        spec.input_compression_type.as_str(),
        "GZIP" | "ZSTD" | "NONE"
    ) {
        return refuse(
            &spec.input_compression_type,
            "inputCompressionType",
            "Member must satisfy enum value set: [GZIP, ZSTD, NONE]",
        );
    }
    if spec.input_format != "CSV"
        && (spec.csv_delimiter.is_some() || spec.csv_header_list.is_some())
    {
        return Err(format!(
            "Invalid Request: Unsupported InputFormatOptions for the given input format: {}.",
            spec.input_format
        ));
    }
    match spec.csv_delimiter.as_deref() {
        Some(d) if !matches!(d, "," | ";" | ":" | "|" | "\t" | " ") => refuse(
            d,
            "inputFormatOptions.csv.delimiter",
            "Member must satisfy regular expression pattern: [,;:|\\t ]",
        ),
        _ => Ok(()),
    }
}

/// The table's key attributes (its own and its indexes') with their types, from
/// CreateTable's request.
fn key_attributes(table: &Value) -> Vec<(String, String)> {
    let types: Map<String, Value> = table["AttributeDefinitions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| {
            Some((
                d["AttributeName"].as_str()?.to_owned(),
                d["AttributeType"].clone(),
            ))
        })
        .collect();
    table["KeySchema"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| {
            let name = k["AttributeName"].as_str()?;
            Some((name.to_owned(), types.get(name)?.as_str()?.to_owned()))
        })
        .collect()
}

/// The key attributes with their types, as the import reads CSV columns of those names.
pub fn key_types(table: &Value) -> Vec<(String, String)> {
    table["AttributeDefinitions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| {
            Some((
                d["AttributeName"].as_str()?.to_owned(),
                d["AttributeType"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// `text` as an item the table takes: DynamoDB JSON the engine reads, with every key
/// attribute of its type, no larger than DynamoDB stores.
fn fits(text: &str, keys: &[(String, String)]) -> Result<Value, String> {
    let item = dynoscope_engine::item_from_json(text).map_err(|e| e.message)?;
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    for (name, kind) in keys {
        match value.get(name).and_then(Value::as_object) {
            None => return Err(format!("the key attribute {name} is missing")),
            Some(typed) if !typed.contains_key(kind) => {
                let given = typed.keys().next().map_or("", String::as_str);
                return Err(format!(
                    "the key attribute {name} is of type {given}, the table's key is of type {kind}"
                ));
            }
            Some(_) => {}
        }
    }
    let size = dynoscope_engine::item_size(&item);
    if size > MAX_ITEM_BYTES {
        return Err(format!(
            "the item is {size} bytes, more than the 400 KB DynamoDB stores"
        ));
    }
    Ok(value)
}

/// The Database panel's "S3 export and import" forms, with `tables` to pick from. The
/// page reads them by their fields' names ([`import_options`] for the import) and sends
/// `data-db` actions `s3-export` and `s3-import`.
pub fn form_html(tables: &[String]) -> String {
    use dynoscope_codegen::html::escape;
    let options = |names: &[&str]| -> String {
        names
            .iter()
            .map(|n| format!("<option>{n}</option>"))
            .collect()
    };
    let tables: String = tables
        .iter()
        .map(|t| format!("<option>{}</option>", escape(t)))
        .collect();
    let key_types = options(&["S", "N", "B"]);
    format!(
        "<form class=\"s3-form\" data-s3=\"export\" data-testid=\"s3-export-form\"><h3>Export a table to S3 files</h3>\
<p class=\"muted\">A full export at the clock's now, downloaded as one .zip of the objects ExportTableToPointInTime writes at their keys.</p>\
<label>Table <select name=\"table\" data-testid=\"s3-export-table\">{tables}</select></label>\
<label>Format <select name=\"format\" data-testid=\"s3-export-format\">{formats}</select></label>\
<label>S3 bucket <input name=\"bucket\" value=\"my-bucket\" data-testid=\"s3-export-bucket\"></label>\
<label>S3 prefix <input name=\"prefix\" placeholder=\"optional\" data-testid=\"s3-export-prefix\"></label>\
<button type=\"button\" data-db=\"s3-export\" data-testid=\"s3-export\">Export</button></form>\
<form class=\"s3-form\" data-s3=\"import\" data-testid=\"s3-import-form\"><h3>Import S3 files as a new table</h3>\
<p class=\"muted\">Pick a .zip of an export (its data/ objects are read) or data objects (.json.gz, .ion.gz, .csv, .zst…), as ImportTable reads a bucket.</p>\
<label>Files <input type=\"file\" name=\"files\" multiple accept=\".zip,.gz,.zst,.json,.ion,.csv,.txt\" data-testid=\"s3-import-files\"></label>\
<label>Input format <select name=\"inputFormat\" data-testid=\"s3-import-format\">{input_formats}</select></label>\
<label>Compression <select name=\"inputCompressionType\" data-testid=\"s3-import-compression\">{compressions}</select></label>\
<label>CSV delimiter <input name=\"csvDelimiter\" value=\",\" maxlength=\"1\"></label>\
<label>CSV header list <input name=\"csvHeaderList\" placeholder=\"else the first line: pk,sk,…\"></label>\
<label>Key prefix in a .zip <input name=\"s3KeyPrefix\" placeholder=\"optional\"></label>\
<label>New table name <input name=\"tableName\" data-testid=\"s3-import-table\"></label>\
<label>Partition key <input name=\"partitionKey\" value=\"pk\" data-testid=\"s3-import-pk\"> <select name=\"partitionKeyType\" aria-label=\"Partition key type\">{key_types}</select></label>\
<label>Sort key <input name=\"sortKey\" placeholder=\"optional\" data-testid=\"s3-import-sk\"> <select name=\"sortKeyType\" aria-label=\"Sort key type\">{key_types}</select></label>\
<label>Billing mode <select name=\"billingMode\"><option value=\"PAY_PER_REQUEST\">On-demand</option><option value=\"PROVISIONED\">Provisioned, 5 RCU and 5 WCU</option></select></label>\
<button type=\"button\" data-db=\"s3-import\" data-testid=\"s3-import\">Import</button></form>\
<p data-db-outcome role=\"status\" data-testid=\"s3-done\"></p>",
        formats = options(&["DYNAMODB_JSON", "ION"]),
        input_formats = options(&["DYNAMODB_JSON", "ION", "CSV"]),
        compressions = options(&["GZIP", "ZSTD", "NONE"]),
    )
}

/// The import form's fields as `window.dynoscope.importTable`'s options (without the
/// files): the format, compression, CSV options and key prefix, and the CreateTable request
/// of the new table; or what is missing.
pub fn import_options(fields: &Map<String, Value>) -> Result<Value, String> {
    let field = |name: &str| {
        fields
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
    };
    let table = field("tableName");
    if table.is_empty() {
        return Err("Name the new table.".into());
    }
    let mut key_schema = Vec::new();
    let mut definitions = Vec::new();
    for (name, kind, key_type) in [
        ("partitionKey", "partitionKeyType", "HASH"),
        ("sortKey", "sortKeyType", "RANGE"),
    ] {
        if field(name).is_empty() {
            continue;
        }
        key_schema.push(json!({"AttributeName": field(name), "KeyType": key_type}));
        definitions.push(json!({"AttributeName": field(name), "AttributeType": field(kind)}));
    }
    if key_schema.first().is_none_or(|k| k["KeyType"] != "HASH") {
        return Err("Name the new table's partition key.".into());
    }
    let mut create = json!({
        "TableName": table,
        "KeySchema": key_schema,
        "AttributeDefinitions": definitions,
        "BillingMode": field("billingMode"),
    });
    if field("billingMode") == "PROVISIONED" {
        create["ProvisionedThroughput"] = json!({"ReadCapacityUnits": 5, "WriteCapacityUnits": 5});
    }
    let headers: Vec<&str> = (field("csvHeaderList").split(','))
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    let csv = match field("inputFormat") {
        "CSV" => json!({"delimiter": field("csvDelimiter"), "headerList": headers}),
        _ => Value::Null,
    };
    Ok(json!({
        "inputFormat": field("inputFormat"),
        "inputCompressionType": field("inputCompressionType"),
        "csv": csv,
        "s3KeyPrefix": field("s3KeyPrefix"),
        "tableCreationParameters": create,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines() -> Vec<String> {
        vec![
            r#"{"format":"dynoscope-database","version":1}"#.to_owned(),
            r#"{"table":{"name":"Other","arn":"arn:aws:dynamodb:us-east-1:000000000000:table/Other"}}"#.to_owned(),
            r#"{"table":{"name":"Music","table_id":"4c8e2a1b","arn":"arn:aws:dynamodb:us-east-1:000000000000:table/Music"}}"#.to_owned(),
            r#"{"table":"Music","item":{"pk":{"S":"a"},"n":{"N":"1"}}}"#.to_owned(),
            r#"{"table":"Other","item":{"pk":{"S":"Music"}}}"#.to_owned(),
            r#"{"table":"Music","item":{"pk":{"S":"b"},"l":{"L":[{"BOOL":true}]}}}"#.to_owned(),
            r#"{"setting":"Music","value":1}"#.to_owned(),
        ]
    }

    fn request<'a>(lines: &'a [String], format: &'a str) -> ExportRequest<'a> {
        ExportRequest {
            table: "Music",
            lines,
            now_millis: 1_791_506_414_432,
            random: 0x3f2e_5aa4,
            format,
            bucket: "my-bucket",
            prefix: Some("exports"),
        }
    }

    fn table() -> Value {
        json!({
            "TableName": "Copy",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        })
    }

    fn spec(format: &str, compression: &str) -> ImportSpec {
        ImportSpec {
            input_format: format.into(),
            input_compression_type: compression.into(),
            csv_delimiter: None,
            csv_header_list: None,
            key_types: vec![("pk".into(), "S".into())],
        }
    }

    #[test]
    fn an_export_job_is_a_full_export_of_the_tables_items_now() {
        let lines = lines();
        let job = export_job(&request(&lines, "DYNAMODB_JSON")).unwrap();
        assert_eq!(
            job.export_arn,
            "arn:aws:dynamodb:us-east-1:000000000000:table/Music/export/01791506414432-3f2e5aa4"
        );
        assert_eq!(
            job.table_arn,
            "arn:aws:dynamodb:us-east-1:000000000000:table/Music"
        );
        assert_eq!(job.table_id, "4c8e2a1b");
        assert_eq!(job.export_type, "FULL_EXPORT");
        assert_eq!(job.export_time_millis, 1_791_506_414_432);
        assert_eq!(job.s3_prefix.as_deref(), Some("exports"));
        let items: Vec<Value> = (job.items.iter())
            .map(|i| serde_json::from_str(i).unwrap())
            .collect();
        assert_eq!(
            items,
            vec![
                json!({"pk": {"S": "a"}, "n": {"N": "1"}}),
                json!({"pk": {"S": "b"}, "l": {"L": [{"BOOL": true}]}})
            ]
        );
        // pk + "a" + n + 1 (a number of one digit is 2 bytes), pk + "b" + l + list of one bool
        assert_eq!(job.billed_size_bytes, (3 + 1 + 2) + (3 + 1 + 3 + 1 + 1));
    }

    #[test]
    fn an_export_refuses_an_unknown_format_or_no_bucket() {
        let lines = lines();
        assert!(export_job(&request(&lines, "CSV")).is_err());
        let mut no_bucket = request(&lines, "ION");
        no_bucket.bucket = "";
        assert!(export_job(&no_bucket).is_err());
        let mut missing = request(&lines, "ION");
        missing.table = "Nothing";
        assert_eq!(
            export_job(&missing).unwrap_err(),
            "Table not found: Nothing"
        );
    }

    #[test]
    fn the_zip_holds_the_exports_files_at_their_keys() {
        let lines = lines();
        let job = export_job(&request(&lines, "DYNAMODB_JSON")).unwrap();
        let (written, zip) = export_zip(&job).unwrap();
        let entries = unzip("export.zip", &zip).unwrap();
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        let folder = "exports/AWSDynamoDB/01791506414432-3f2e5aa4/";
        for name in [
            "_started",
            "manifest-files.json",
            "manifest-files.md5",
            "manifest-summary.json",
            "manifest-summary.md5",
        ] {
            assert!(
                keys.contains(&format!("{folder}{name}").as_str()),
                "{keys:?}"
            );
        }
        assert!(
            keys.iter()
                .any(|k| k.starts_with(&format!("{folder}data/")) && k.ends_with(".json.gz"))
        );
        let originals: Vec<(String, Vec<u8>)> = written
            .files
            .into_iter()
            .map(|f| (f.key, f.bytes))
            .collect();
        assert_eq!(entries, originals);
    }

    #[test]
    fn an_import_of_our_own_export_gives_back_its_items() {
        for format in ["DYNAMODB_JSON", "ION"] {
            let lines = lines();
            let job = export_job(&request(&lines, format)).unwrap();
            let (_, zip) = export_zip(&job).unwrap();
            let table = table();
            let outcome = import(ImportRequest {
                files: vec![("export.zip".into(), zip)],
                spec: spec(format, "GZIP"),
                prefix: "",
                table: &table,
            });
            assert_eq!(outcome.errors, Vec::<String>::new(), "{format}");
            assert_eq!(outcome.objects, 1, "only the data file is read");
            let items: Vec<String> = outcome.items.iter().map(Value::to_string).collect();
            let mut expected = job.items.clone();
            let mut got = items.clone();
            expected.sort();
            got.sort();
            assert_eq!(got, expected, "{format}");
            assert_eq!(outcome.processed_item_count, 2);
        }
    }

    #[test]
    fn a_prefix_keeps_only_the_entries_under_it() {
        let lines = lines();
        let job = export_job(&request(&lines, "DYNAMODB_JSON")).unwrap();
        let (_, zip) = export_zip(&job).unwrap();
        let table = table();
        let outcome = import(ImportRequest {
            files: vec![("export.zip".into(), zip)],
            spec: spec("DYNAMODB_JSON", "GZIP"),
            prefix: "elsewhere/",
            table: &table,
        });
        assert_eq!(
            outcome.errors,
            vec!["the files hold no data object under the key prefix elsewhere/"]
        );
    }

    #[test]
    fn single_objects_are_read_in_each_format_and_compression() {
        let table = table();
        let gz = dynoscope_exchange::compression::gzip(b"{\"Item\":{\"pk\":{\"S\":\"x\"}}}\n");
        let outcome = import(ImportRequest {
            files: vec![("part.json.gz".into(), gz)],
            spec: spec("DYNAMODB_JSON", "GZIP"),
            prefix: "",
            table: &table,
        });
        assert_eq!(outcome.items, vec![json!({"pk": {"S": "x"}})]);
        let csv = import(ImportRequest {
            files: vec![("rows.csv".into(), b"pk,v\na,1\nb,2\n".to_vec())],
            spec: spec("CSV", "NONE"),
            prefix: "",
            table: &table,
        });
        assert_eq!(csv.items.len(), 2);
        assert_eq!(csv.to_json()["importedItemCount"], 2);
    }

    #[test]
    fn a_file_that_is_not_gzip_is_an_error_naming_it() {
        let table = table();
        let outcome = import(ImportRequest {
            files: vec![("notes.json.gz".into(), b"{\"Item\":{}}\n".to_vec())],
            spec: spec("DYNAMODB_JSON", "GZIP"),
            prefix: "",
            table: &table,
        });
        assert!(outcome.items.is_empty());
        assert_eq!(outcome.errors.len(), 1);
        assert!(outcome.errors[0].starts_with("notes.json.gz: the object is not valid GZIP"));
        let answer = outcome.to_json();
        assert_eq!(answer["failureCode"], "ItemValidationError");
        assert_eq!(answer["errorCount"], 1);
        assert!(answer.get("items").is_none());
        assert!(
            answer["failureMessage"]
                .as_str()
                .unwrap()
                .contains("so no table was created: notes.json.gz")
        );
    }

    #[test]
    fn a_broken_zip_and_items_that_do_not_fit_are_errors() {
        let table = table();
        let outcome = import(ImportRequest {
            files: vec![("broken.zip".into(), b"PK\x03\x04 not really".to_vec())],
            spec: spec("DYNAMODB_JSON", "NONE"),
            prefix: "",
            table: &table,
        });
        assert!(outcome.errors[0].starts_with("broken.zip is not a readable .zip file"));
        let lines = "{\"Item\":{\"pk\":{\"N\":\"1\"}}}\n{\"Item\":{\"other\":{\"S\":\"x\"}}}\n";
        let outcome = import(ImportRequest {
            files: vec![("a.json".into(), lines.as_bytes().to_vec())],
            spec: spec("DYNAMODB_JSON", "NONE"),
            prefix: "",
            table: &table,
        });
        assert_eq!(
            outcome.errors,
            vec![
                "a.json, item 1: the key attribute pk is of type N, the table's key is of type S",
                "a.json, item 2: the key attribute pk is missing"
            ]
        );
        assert_eq!(outcome.processed_item_count, 2);
    }

    #[test]
    fn an_exports_bookkeeping_is_not_data() {
        assert!(is_bookkeeping("p/AWSDynamoDB/1-a/manifest-summary.json"));
        assert!(is_bookkeeping("AWSDynamoDB/1-a/_started"));
        assert!(!is_bookkeeping("AWSDynamoDB/1-a/data/abc.json.gz"));
        assert!(!is_bookkeeping("rows/part-1.csv"));
        assert!(is_bookkeeping("__MACOSX/x"));
    }

    #[test]
    fn the_import_form_reads_into_importtables_options() {
        let fields = |pairs: &[(&str, &str)]| -> Map<String, Value> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect()
        };
        let options = import_options(&fields(&[
            ("tableName", "Copy"),
            ("partitionKey", "pk"),
            ("partitionKeyType", "S"),
            ("sortKey", "sk"),
            ("sortKeyType", "N"),
            ("billingMode", "PROVISIONED"),
            ("inputFormat", "CSV"),
            ("inputCompressionType", "NONE"),
            ("csvDelimiter", ";"),
            ("csvHeaderList", "pk, sk ,v"),
        ]))
        .unwrap();
        assert_eq!(
            options["csv"],
            json!({"delimiter": ";", "headerList": ["pk", "sk", "v"]})
        );
        let create = &options["tableCreationParameters"];
        assert_eq!(
            create["KeySchema"][1],
            json!({"AttributeName": "sk", "KeyType": "RANGE"})
        );
        assert_eq!(create["AttributeDefinitions"][1]["AttributeType"], "N");
        assert_eq!(create["ProvisionedThroughput"]["ReadCapacityUnits"], 5);
        assert!(import_options(&fields(&[("partitionKey", "pk")])).is_err());
        assert!(import_options(&fields(&[("tableName", "T"), ("sortKey", "sk")])).is_err());
        assert!(form_html(&["<b>".into()]).contains("<option>&lt;b&gt;</option>"));
    }

    #[test]
    fn the_options_are_checked_as_importtable_checks_them() {
        assert!(check_spec(&spec("CSV", "GZIP")).is_ok());
        let mut tab = spec("CSV", "NONE");
        tab.csv_delimiter = Some("\t".into());
        assert!(check_spec(&tab).is_ok());
        tab.csv_delimiter = Some("#".into());
        assert!(
            check_spec(&tab)
                .unwrap_err()
                .contains("'#' at 'inputFormatOptions.csv.delimiter'")
        );
        assert!(
            check_spec(&spec("PARQUET", "NONE"))
                .unwrap_err()
                .contains("inputFormat")
        );
        assert!(
            check_spec(&spec("ION", "BZIP2"))
                .unwrap_err()
                .contains("inputCompressionType")
        );
        let mut options = spec("ION", "NONE");
        options.csv_delimiter = Some(",".into());
        assert!(
            check_spec(&options)
                .unwrap_err()
                .contains("Unsupported InputFormatOptions")
        );
    }

    #[test]
    fn zip_times_are_the_exports_time() {
        let t = zip_time(1_604_474_914_028);
        assert_eq!(
            (t.year(), t.month(), t.day(), t.hour(), t.minute()),
            (2020, 11, 4, 7, 28)
        );
    }
}
