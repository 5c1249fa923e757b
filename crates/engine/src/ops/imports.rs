//! ImportTable, DescribeImport and ListImports. ImportTable checks its request, creates the
//! table through CreateTable's own path (so TableCreationParameters are checked and the
//! table described exactly as CreateTable would), keeps it CREATING while the import runs,
//! and hands a front end an [`ImportJob`] naming the objects to read. The front end reads
//! and decodes them (the `dynoscope-exchange` crate) and reports back with
//! [`Engine::complete_import`], which writes every item through the engine's write path and
//! sets the counts as DynamoDB does: ProcessedItemCount = ImportedItemCount + ErrorCount,
//! duplicates counted as writes, and any error ending the import FAILED with
//! ItemValidationError while the table keeps what was written. Behaviour and messages as
//! measured against the service (ScyllaDB's test_import.py and ack-api-quirks' import
//! findings, 2026).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::exchange::{Failure, is_job_arn, job_id, page, seconds, settles_at};
use super::exports::{check_bucket, check_token};
use super::tables::CreateTableRequest;
use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::persist::Change;
use crate::value::{MAX_ITEM_BYTES, item_from_json, item_size};

const FORMATS: &[&str] = &["DYNAMODB_JSON", "ION", "CSV"];
/// Listed in the order DynamoDB's message lists them.
const COMPRESSIONS: &[&str] = &["ZSTD", "NONE", "GZIP"];
const DELIMITERS: &[char] = &[',', ';', ':', '|', '\t', ' '];
const DEFAULT_PAGE: i64 = 10;
const MAX_PAGE: i64 = 25;
const TOKEN_SALT: u64 = 0x1a90_27e5_0bad_cafe;
/// How long a table stays CREATING while its import runs: until the import ends.
const IMPORTING: u64 = u64::MAX / 4;
const ITEM_VALIDATION: &str = "Some of the items failed validation checks and were not imported. Please check CloudWatch error logs for more details.";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct S3BucketSourceArg {
    pub s3_bucket_owner: Option<String>,
    pub s3_bucket: Option<String>,
    pub s3_key_prefix: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImportTableRequest {
    pub client_token: Option<String>,
    pub s3_bucket_source: Option<S3BucketSourceArg>,
    pub input_format: Option<String>,
    pub input_format_options: Option<Value>,
    pub input_compression_type: Option<String>,
    pub table_creation_parameters: Option<Value>,
}

/// How an import ended.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum ImportOutcome {
    Completed,
    Failed(Failure),
}

/// One import as the engine keeps it (persisted).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ImportRecord {
    pub seq: u64,
    pub arn: String,
    pub table_arn: String,
    pub table_id: String,
    pub table_name: String,
    pub client_token: String,
    pub s3_bucket_source: Value,
    pub input_format: String,
    pub input_format_options: Option<Value>,
    pub input_compression_type: String,
    pub table_creation_parameters: Value,
    pub start_millis: u64,
    pub end_millis: u64,
    pub processed_item_count: u64,
    pub imported_item_count: u64,
    pub error_count: u64,
    pub processed_size_bytes: u64,
    pub outcome: Option<ImportOutcome>,
}

/// What a front end gets to read one import's objects (the `dynoscope-exchange` crate's
/// `ImportSpec` reads it as JSON).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ImportJob {
    pub import_arn: String,
    pub s3_bucket: String,
    pub s3_bucket_owner: Option<String>,
    /// Every object whose key starts with this is read ("" reads the whole bucket).
    pub s3_key_prefix: String,
    pub input_format: String,
    pub input_compression_type: String,
    pub csv_delimiter: Option<String>,
    pub csv_header_list: Option<Vec<String>>,
    /// The key attributes of the table and its indexes, with their types.
    pub key_types: Vec<(String, String)>,
}

/// What a front end reports once the objects are read (the `dynoscope-exchange` crate's
/// `ImportRead` as JSON).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ImportResult {
    /// Each item as DynamoDB JSON text.
    pub items: Vec<String>,
    /// One message per line or object that could not be read.
    pub errors: Vec<String>,
    pub processed_size_bytes: u64,
}

impl ImportRecord {
    pub(crate) fn fail(&mut self, failure: Failure, now: u64) {
        self.outcome = Some(ImportOutcome::Failed(failure));
        self.end_millis = now;
    }

    fn status(&self, now: u64) -> &'static str {
        match &self.outcome {
            None => "IN_PROGRESS",
            Some(_) if now < self.end_millis => "IN_PROGRESS",
            Some(ImportOutcome::Completed) => "COMPLETED",
            Some(ImportOutcome::Failed(_)) => "FAILED",
        }
    }

    fn log_group(&self) -> String {
        let mut parts = self.arn.split(':');
        let (region, account) = (
            parts.nth(3).unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        format!("arn:aws:logs:{region}:{account}:log-group:/aws-dynamodb/imports:*")
    }

    /// The `ImportTableDescription`. The counters stay 0 until the import ends, and EndTime,
    /// ProcessedSizeBytes and the failure are absent until then, as measured.
    fn description(&self, now: u64) -> Value {
        let status = self.status(now);
        let ended = status != "IN_PROGRESS";
        let count = |n: u64| if ended { n } else { 0 };
        let mut d = json!({
            "ImportArn": self.arn,
            "ImportStatus": status,
            "TableArn": self.table_arn,
            "TableId": self.table_id,
            "ClientToken": self.client_token,
            "S3BucketSource": self.s3_bucket_source,
            "ErrorCount": count(self.error_count),
            "CloudWatchLogGroupArn": self.log_group(),
            "InputFormat": self.input_format,
            "InputCompressionType": self.input_compression_type,
            "TableCreationParameters": self.table_creation_parameters,
            "StartTime": seconds(self.start_millis),
            "ProcessedItemCount": count(self.processed_item_count),
            "ImportedItemCount": count(self.imported_item_count),
        });
        if let Some(options) = &self.input_format_options {
            d["InputFormatOptions"] = options.clone();
        }
        if !ended {
            return d;
        }
        d["EndTime"] = json!(seconds(self.end_millis));
        if self.processed_size_bytes > 0 {
            d["ProcessedSizeBytes"] = json!(self.processed_size_bytes);
        }
        if let Some(ImportOutcome::Failed(f)) = &self.outcome {
            d["FailureCode"] = json!(f.code);
            d["FailureMessage"] = json!(f.message);
        }
        d
    }

    fn summary(&self, now: u64) -> Value {
        let mut s = json!({
            "ImportArn": self.arn,
            "ImportStatus": self.status(now),
            "TableArn": self.table_arn,
            "S3BucketSource": self.s3_bucket_source,
            "CloudWatchLogGroupArn": self.log_group(),
            "InputFormat": self.input_format,
            "StartTime": seconds(self.start_millis),
        });
        if self.status(now) != "IN_PROGRESS" {
            s["EndTime"] = json!(seconds(self.end_millis));
        }
        s
    }
}

impl Engine {
    /// The imports started since the last call, for a front end to read.
    pub fn take_import_jobs(&mut self) -> Vec<ImportJob> {
        std::mem::take(&mut self.exchange.pending_imports)
    }

    /// A front end reports an import's objects read (`Ok`: the items are written into the
    /// new table and counted) or the import failed before any was read (`Err`, e.g.
    /// `S3NoSuchBucket`: the table it created is dropped, as DynamoDB never creates it).
    /// False when no such import is running.
    pub fn complete_import(
        &mut self,
        import_arn: &str,
        outcome: Result<ImportResult, Failure>,
    ) -> bool {
        let Some(index) = self
            .exchange
            .imports
            .iter()
            .position(|i| i.arn == import_arn && i.outcome.is_none())
        else {
            return false;
        };
        let name = self.exchange.imports[index].table_name.clone();
        let end = settles_at(self, self.exchange.imports[index].start_millis);
        match outcome {
            Ok(result) => self.finish_import(index, &name, result, end),
            Err(failure) => {
                self.drop_imported_table(&name);
                self.exchange.imports[index].fail(failure, end);
            }
        }
        self.record_exchange();
        true
    }

    fn finish_import(&mut self, index: usize, table: &str, result: ImportResult, end: u64) {
        let mut errors = result.errors.len() as u64;
        let mut imported = 0;
        for text in &result.items {
            match write_item(self, table, text) {
                Ok(()) => imported += 1,
                Err(_) => errors += 1,
            }
        }
        if let Some(t) = self.tables.get_mut(table) {
            t.definition.creating_for_millis = end.saturating_sub(t.definition.created_at_millis);
            let definition = t.definition.clone();
            self.record_table(&definition);
        }
        let import = &mut self.exchange.imports[index];
        import.processed_item_count = imported + errors;
        import.imported_item_count = imported;
        import.error_count = errors;
        import.processed_size_bytes = result.processed_size_bytes;
        import.end_millis = end;
        import.outcome = Some(if errors == 0 {
            ImportOutcome::Completed
        } else {
            ImportOutcome::Failed(Failure {
                code: "ItemValidationError".into(),
                message: ITEM_VALIDATION.into(),
            })
        });
    }

    /// Drops the table an import created when the import failed before reading anything.
    fn drop_imported_table(&mut self, name: &str) {
        if self.tables.remove(name).is_some() {
            self.record(|| Change::DeleteTable {
                table: name.to_owned(),
            });
            crate::stream::sync(self);
        }
    }
}

/// Writes one imported item into `table` through the engine's one write path, or says why
/// the item does not fit the table (its key missing or of the wrong type, an index key of
/// the wrong type, too large).
fn write_item(engine: &mut Engine, table: &str, text: &str) -> Result<(), DynamoError> {
    let item = item_from_json(text)?;
    let target = engine
        .tables
        .get(table)
        .ok_or_else(|| DynamoError::table_not_found(table))?;
    target.key_schema().key_of_item(&item)?;
    target.check_item(&item)?;
    if item_size(&item) > MAX_ITEM_BYTES {
        return Err(DynamoError::validation(
            "Item size has exceeded the maximum allowed size",
        ));
    }
    // An import writes as a restore does: no stream records, no capacity.
    crate::write::load_items(engine, table, vec![item])
}

fn check_shape(r: &ImportTableRequest) -> Result<(), DynamoError> {
    let mut v = Violations::new();
    v.not_null("clientToken", &r.client_token);
    if let Some(token) = &r.client_token {
        check_token(&mut v, token);
    }
    v.not_null("s3BucketSource", &r.s3_bucket_source);
    if let Some(source) = &r.s3_bucket_source {
        v.not_null("s3BucketSource.s3Bucket", &source.s3_bucket);
        if let Some(bucket) = &source.s3_bucket {
            check_bucket(&mut v, "s3BucketSource.s3Bucket", bucket);
        }
        if let Some(prefix) = &source.s3_key_prefix
            && prefix.chars().count() > 1024
        {
            v.push(
                &format!("'{prefix}'"),
                "s3BucketSource.s3KeyPrefix",
                "Member must have length less than or equal to 1024",
            );
        }
    }
    v.not_null("inputFormat", &r.input_format);
    v.one_of("inputFormat", r.input_format.as_deref(), FORMATS);
    v.one_of(
        "inputCompressionType",
        r.input_compression_type.as_deref(),
        COMPRESSIONS,
    );
    v.not_null("tableCreationParameters", &r.table_creation_parameters);
    if let Some(delimiter) = csv_option(r, "Delimiter").and_then(Value::as_str) {
        let field = "inputFormatOptions.csv.delimiter";
        let quoted = format!("'{delimiter}'");
        if delimiter.chars().count() != 1 {
            v.push(
                &quoted,
                field,
                "Member must have length less than or equal to 1",
            );
        }
        let mut chars = delimiter.chars();
        let single =
            matches!((chars.next(), chars.next()), (Some(c), None) if DELIMITERS.contains(&c));
        if !single {
            v.push(
                &quoted,
                field,
                "Member must satisfy regular expression pattern: [,;:|\\t ]",
            );
        }
    }
    if let Some(list) = csv_option(r, "HeaderList").and_then(Value::as_array)
        && list.is_empty()
    {
        v.push(
            "'[]'",
            "inputFormatOptions.csv.headerList",
            "Member must have length greater than or equal to 1",
        );
    }
    v.finish()?;
    let format = r.input_format.as_deref().expect("checked");
    if r.input_format_options.is_some() && format != "CSV" {
        return Err(DynamoError::validation(format!(
            "Invalid Request: Unsupported InputFormatOptions for the given input format: {format}."
        )));
    }
    Ok(())
}

fn csv_option<'a>(r: &'a ImportTableRequest, name: &str) -> Option<&'a Value> {
    r.input_format_options.as_ref()?.get("Csv")?.get(name)
}

/// The table name TableCreationParameters ask for.
fn table_name_of(parameters: &Value) -> String {
    parameters["TableName"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

pub fn import_table(
    engine: &mut Engine,
    request: ImportTableRequest,
) -> Result<Vec<u8>, DynamoError> {
    check_shape(&request)?;
    let now = engine.now_millis();
    let parameters = request.table_creation_parameters.clone().expect("checked");
    let name = table_name_of(&parameters);
    let token = request.client_token.clone().expect("checked");
    // A replay while the import runs gives it back; only another table conflicts (a new
    // source under the same token is ignored, as measured).
    if let Some(running) = engine
        .exchange
        .imports
        .iter()
        .find(|i| i.client_token == token && i.status(now) == "IN_PROGRESS")
    {
        if running.table_name != name {
            return Err(DynamoError::new(
                ErrorKind::ImportConflictException,
                "Import conflict: Duplicate request detected with conflicting parameters",
            ));
        }
        return respond(&json!({ "ImportTableDescription": running.description(now) }));
    }
    if engine.tables.contains_key(&name) || engine.deleting.contains_key(&name) {
        return Err(DynamoError::new(
            ErrorKind::ResourceInUseException,
            format!("Table already exists: {name}"),
        ));
    }
    if let Some(ended) = engine
        .exchange
        .imports
        .iter()
        .find(|i| i.client_token == token)
    {
        return respond(&json!({ "ImportTableDescription": ended.description(now) }));
    }
    // TableCreationParameters of the wrong shape: a bare SerializationException, as
    // DynamoDB answers a request it cannot read (no serde text on the wire).
    let create: CreateTableRequest =
        serde_json::from_value(parameters.clone()).map_err(|_| DynamoError::serialization(""))?;
    super::tables::create_table(engine, create)?;
    let record = start_import(engine, &request, &name, parameters, token);
    let description = record.description(now);
    engine.exchange.imports.push(record);
    engine.record_exchange();
    respond(&json!({ "ImportTableDescription": description }))
}

/// Keeps the new table CREATING, and records the import and its job.
fn start_import(
    engine: &mut Engine,
    r: &ImportTableRequest,
    name: &str,
    parameters: Value,
    token: String,
) -> ImportRecord {
    let table = engine.tables.get_mut(name).expect("just created");
    table.definition.creating_for_millis = IMPORTING;
    let definition = table.definition.clone();
    engine.record_table(&definition);
    let source = r.s3_bucket_source.clone().expect("checked");
    let owner = source
        .s3_bucket_owner
        .clone()
        .unwrap_or_else(|| engine.config.account_id.clone());
    let mut echoed = json!({"S3BucketOwner": owner, "S3Bucket": source.s3_bucket});
    if let Some(prefix) = &source.s3_key_prefix {
        echoed["S3KeyPrefix"] = json!(prefix);
    }
    let id = job_id(engine);
    let record = ImportRecord {
        seq: engine.exchange.imports.len() as u64 + 1,
        arn: format!("{}/import/{id}", definition.arn),
        table_arn: definition.arn.clone(),
        table_id: definition.table_id.clone(),
        table_name: name.to_owned(),
        client_token: token,
        s3_bucket_source: echoed,
        input_format: r.input_format.clone().expect("checked"),
        input_format_options: r.input_format_options.clone(),
        input_compression_type: r
            .input_compression_type
            .clone()
            .unwrap_or_else(|| "NONE".into()),
        table_creation_parameters: parameters,
        start_millis: engine.now_millis(),
        end_millis: 0,
        processed_item_count: 0,
        imported_item_count: 0,
        error_count: 0,
        processed_size_bytes: 0,
        outcome: None,
    };
    let header_list =
        csv_option(r, "HeaderList").and_then(|list| serde_json::from_value(list.clone()).ok());
    engine.exchange.pending_imports.push(ImportJob {
        import_arn: record.arn.clone(),
        s3_bucket: source.s3_bucket.clone().expect("checked"),
        s3_bucket_owner: source.s3_bucket_owner,
        s3_key_prefix: source.s3_key_prefix.unwrap_or_default(),
        input_format: record.input_format.clone(),
        input_compression_type: record.input_compression_type.clone(),
        csv_delimiter: csv_option(r, "Delimiter")
            .and_then(Value::as_str)
            .map(str::to_owned),
        csv_header_list: header_list,
        key_types: definition
            .attribute_definitions
            .iter()
            .map(|(name, kind)| (name.clone(), kind.name().to_owned()))
            .collect(),
    });
    record
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeImportRequest {
    pub import_arn: Option<String>,
}

pub fn describe_import(
    engine: &mut Engine,
    request: DescribeImportRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("importArn", &request.import_arn);
    if let Some(arn) = &request.import_arn
        && arn.chars().count() < 37
    {
        v.push(
            &format!("'{arn}'"),
            "importArn",
            "Member must have length greater than or equal to 37",
        );
    }
    v.finish()?;
    let arn = request.import_arn.expect("checked");
    if !is_job_arn(&arn, "import") {
        return Err(DynamoError::validation("Invalid Import ARN"));
    }
    let now = engine.now_millis();
    let import = engine
        .exchange
        .imports
        .iter()
        .find(|i| i.arn == arn)
        .ok_or_else(|| {
            DynamoError::new(
                ErrorKind::ImportNotFoundException,
                format!("Import not found: {arn}"),
            )
        })?;
    respond(&json!({ "ImportTableDescription": import.description(now) }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListImportsRequest {
    pub table_arn: Option<String>,
    pub page_size: Option<i64>,
    pub next_token: Option<String>,
}

/// ListImports: newest first, running and ended alike, filtered by the table's ARN (an
/// import stays listed after its table is deleted, as measured).
pub fn list_imports(
    engine: &mut Engine,
    request: ListImportsRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.at_least("pageSize", request.page_size, 1);
    v.at_most("pageSize", request.page_size, MAX_PAGE);
    v.finish()?;
    let now = engine.now_millis();
    let listed: Vec<(u64, Value)> = engine
        .exchange
        .imports
        .iter()
        .rev()
        .filter(|i| {
            request
                .table_arn
                .as_ref()
                .is_none_or(|arn| &i.table_arn == arn)
        })
        .map(|i| (i.seq, i.summary(now)))
        .collect();
    let limit = request.page_size.unwrap_or(DEFAULT_PAGE) as usize;
    let (summaries, next) = page(listed, limit, request.next_token.as_deref(), TOKEN_SALT, 7)?;
    let mut response = json!({ "ImportSummaryList": summaries });
    if let Some(next) = next {
        response["NextToken"] = json!(next);
    }
    respond(&response)
}
