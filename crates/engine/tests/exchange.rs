//! ExportTableToPointInTime, DescribeExport, ListExports, ImportTable, DescribeImport and
//! ListImports through dispatch, with the front end's part played by hand: the jobs taken,
//! their outcomes handed back, statuses moving on the virtual clock with the control-plane
//! delay, DynamoDB's validation messages, ClientToken replays and conflicts, paging, and
//! the descriptions surviving a restore.

#![cfg(feature = "extras")]

mod common;

use common::Harness;
use dynoscope_engine::{
    Engine, EngineConfig, ErrorKind, ExchangeFailure, ExportResult, ImportResult, MemoryStore,
};
use serde_json::{Value, json};

const START: u64 = 1_800_000_000_000;
const DELAY: u64 = 10_000;
const ARN: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/t1x";

fn harness() -> Harness {
    let mut h = Harness {
        engine: Engine::new(EngineConfig {
            start_millis: START,
            record_changes: true,
            control_plane_millis: DELAY,
            ..Default::default()
        }),
    };
    h.table("t1x", None);
    h.engine.advance_clock_by(DELAY);
    h
}

fn enable_pitr(h: &mut Harness) {
    h.ok(
        "UpdateContinuousBackups",
        json!({"TableName": "t1x", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}),
    );
}

fn export(h: &mut Harness, extra: Value) -> Value {
    let mut request = json!({"TableArn": ARN, "S3Bucket": "bucket"});
    for (k, v) in extra.as_object().unwrap() {
        request[k] = v.clone();
    }
    h.ok("ExportTableToPointInTime", request)["ExportDescription"].clone()
}

fn describe_export(h: &mut Harness, arn: &str) -> Value {
    h.ok("DescribeExport", json!({"ExportArn": arn}))["ExportDescription"].clone()
}

fn written(manifest: &str, count: u64) -> ExportResult {
    serde_json::from_value(
        json!({"manifest": manifest, "item_count": count, "billed_size_bytes": 7}),
    )
    .unwrap()
}

#[test]
fn an_export_needs_point_in_time_recovery() {
    let mut h = harness();
    let e = h.err(
        "ExportTableToPointInTime",
        json!({"TableArn": ARN, "S3Bucket": "bucket"}),
    );
    assert_eq!(e.kind, ErrorKind::PointInTimeRecoveryUnavailableException);
    assert_eq!(
        e.message,
        "Point in time recovery is not enabled for table 't1x'"
    );
}

#[test]
fn an_export_runs_on_the_clock_and_completes_with_what_the_front_end_wrote() {
    let mut h = harness();
    enable_pitr(&mut h);
    h.put("t1x", json!({"pk": {"S": "a"}, "n": {"N": "600"}}));
    h.put("t1x", json!({"pk": {"S": "b"}}));
    let started = export(&mut h, json!({"S3Prefix": "p"}));
    assert_eq!(started["ExportStatus"], "IN_PROGRESS");
    assert_eq!(started["ExportFormat"], "DYNAMODB_JSON");
    assert_eq!(started["S3SseAlgorithm"], "AES256");
    assert!(
        started.get("ExportType").is_none(),
        "echoed only when asked for"
    );
    assert!(started.get("EndTime").is_none());
    assert!(
        started["ClientToken"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    let arn = started["ExportArn"].as_str().unwrap().to_owned();
    let id = arn.rsplit('/').next().unwrap();
    assert!(arn.starts_with(&format!("{ARN}/export/")));
    assert_eq!(id.len(), 23, "{id}");
    assert!(id.starts_with(&format!("{:014}-", START + DELAY)));

    let jobs = h.engine.take_export_jobs();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].items.len(), 2);
    assert_eq!(jobs[0].s3_prefix.as_deref(), Some("p"));
    assert_eq!(jobs[0].end_millis, START + 2 * DELAY);
    assert!(h.engine.take_export_jobs().is_empty());

    assert!(h.engine.complete_export(
        &arn,
        Ok(written("p/AWSDynamoDB/x/manifest-summary.json", 2))
    ));
    assert_eq!(describe_export(&mut h, &arn)["ExportStatus"], "IN_PROGRESS");
    h.engine.advance_clock_by(DELAY);
    let done = describe_export(&mut h, &arn);
    assert_eq!(done["ExportStatus"], "COMPLETED");
    assert_eq!(done["ItemCount"], 2);
    assert_eq!(done["BilledSizeBytes"], 7);
    assert_eq!(
        done["ExportManifest"],
        "p/AWSDynamoDB/x/manifest-summary.json"
    );
    assert_eq!(done["EndTime"], json!((START + 2 * DELAY) as f64 / 1000.0));
}

#[test]
fn a_failed_export_says_why() {
    let mut h = harness();
    enable_pitr(&mut h);
    let arn = export(&mut h, json!({}))["ExportArn"]
        .as_str()
        .unwrap()
        .to_owned();
    h.engine.take_export_jobs();
    let failure = ExchangeFailure {
        code: "S3NoSuchBucket".into(),
        message: "The specified bucket does not exist".into(),
    };
    h.engine.complete_export(&arn, Err(failure));
    h.engine.advance_clock_by(DELAY);
    let failed = describe_export(&mut h, &arn);
    assert_eq!(failed["ExportStatus"], "FAILED");
    assert_eq!(failed["FailureCode"], "S3NoSuchBucket");
    assert!(failed.get("ItemCount").is_none());
}

#[test]
fn a_client_token_replays_the_same_export_and_conflicts_on_any_change() {
    let mut h = harness();
    enable_pitr(&mut h);
    let first = export(&mut h, json!({"ClientToken": "tok"}));
    let again = export(&mut h, json!({"ClientToken": "tok"}));
    assert_eq!(first["ExportArn"], again["ExportArn"]);
    assert_eq!(h.engine.take_export_jobs().len(), 1);
    let e = h.err(
        "ExportTableToPointInTime",
        json!({"TableArn": ARN, "S3Bucket": "bucket", "ClientToken": "tok", "ExportFormat": "ION"}),
    );
    assert_eq!(e.kind, ErrorKind::ExportConflictException);
    assert_eq!(
        e.message,
        "Export conflict: Duplicate request detected with conflicting parameters"
    );
    let other = export(&mut h, json!({}));
    assert_ne!(other["ExportArn"], first["ExportArn"]);
}

#[test]
fn export_requests_are_checked_as_dynamodb_checks_them() {
    let mut h = harness();
    enable_pitr(&mut h);
    let cases = [
        (
            json!({"S3Bucket": "bucket"}),
            ErrorKind::ValidationException,
            "1 validation error detected: Value null at 'tableArn' failed to satisfy constraint: Member must not be null",
        ),
        (
            json!({"TableArn": ARN, "S3Bucket": "bucket", "ExportFormat": "CSV"}),
            ErrorKind::ValidationException,
            "1 validation error detected: Value 'CSV' at 'exportFormat' failed to satisfy constraint: Member must satisfy enum value set: [DYNAMODB_JSON, ION]",
        ),
        (
            json!({"TableArn": "t1x", "S3Bucket": "bucket"}),
            ErrorKind::ValidationException,
            "One or more parameter values were invalid: tableArn is not a valid ARN",
        ),
        (
            json!({"TableArn": format!("{ARN}nope"), "S3Bucket": "bucket"}),
            ErrorKind::TableNotFoundException,
            "Table not found: arn:aws:dynamodb:us-east-1:000000000000:table/t1xnope",
        ),
        (
            json!({"TableArn": ARN, "S3Bucket": "bucket", "IncrementalExportSpecification": {"ExportFromTime": 1}}),
            ErrorKind::ValidationException,
            "Invalid Request: Export Type expected to be Incremental Export when incremental export specification is provided",
        ),
        (
            json!({"TableArn": ARN, "S3Bucket": "bucket", "ExportType": "INCREMENTAL_EXPORT"}),
            ErrorKind::ValidationException,
            "Invalid Request: Incremental Export Specification expected when export type is set as Incremental Export",
        ),
        (
            json!({"TableArn": ARN, "S3Bucket": "bucket", "ExportType": "INCREMENTAL_EXPORT", "IncrementalExportSpecification": {}}),
            ErrorKind::ValidationException,
            "Invalid Request: ExportFromTime must be provided in IncrementalExportSpecification",
        ),
        (
            json!({"TableArn": ARN, "S3Bucket": "bucket", "S3SseKmsKeyId": "k"}),
            ErrorKind::ValidationException,
            "Invalid Request: KMS Key Id is not supported for this encryption type",
        ),
        (
            json!({"TableArn": ARN, "S3Bucket": "bucket", "ExportTime": (START as f64) / 1000.0 + 3600.0}),
            ErrorKind::InvalidExportTimeException,
            "Export Time is invalid",
        ),
        (
            json!({"TableArn": ARN, "S3Bucket": "bucket", "ExportTime": ((START + DELAY) as f64) / 1000.0 - 1.0}),
            ErrorKind::InvalidExportTimeException,
            "Export Time is invalid",
        ),
    ];
    for (request, kind, message) in cases {
        let e = h.err("ExportTableToPointInTime", request.clone());
        assert_eq!((e.kind, e.message.as_str()), (kind, message), "{request}");
    }
}

#[test]
fn an_incremental_period_is_checked_before_history_is_asked_for() {
    let mut h = harness();
    enable_pitr(&mut h);
    let now = (START + DELAY) as f64 / 1000.0;
    let inc = |from: f64, to: Option<f64>| {
        let mut spec = json!({"ExportFromTime": from});
        if let Some(to) = to {
            spec["ExportToTime"] = json!(to);
        }
        json!({"TableArn": ARN, "S3Bucket": "bucket", "ExportType": "INCREMENTAL_EXPORT", "IncrementalExportSpecification": spec})
    };
    let e = h.err("ExportTableToPointInTime", inc(now - 3600.0, None));
    assert_eq!(e.kind, ErrorKind::InvalidExportTimeException);
    assert!(
        e.message.starts_with(
            "Incremental export period from time cannot be less than the table creation time : "
        ),
        "{}",
        e.message
    );
    let e = h.err("ExportTableToPointInTime", inc(now, None));
    assert_eq!(
        e.message,
        "Difference between export period from time and export period to time is less than 15 minutes"
    );
    h.engine.advance_clock_by(20 * 60_000);
    let e = h.err("ExportTableToPointInTime", inc(now, Some(now + 99_999.0)));
    assert!(
        e.message.starts_with(
            "Incremental export period to time cannot be greater than the current time"
        )
    );
    let made = h.ok("ExportTableToPointInTime", inc(now, None));
    assert_eq!(
        made["ExportDescription"]["ExportType"],
        "INCREMENTAL_EXPORT"
    );
}

#[test]
fn an_incremental_export_carries_each_changed_item_with_both_images() {
    let mut h = harness();
    enable_pitr(&mut h);
    let from = (START + DELAY) as f64 / 1000.0;
    h.put("t1x", json!({"pk": {"S": "a"}, "v": {"N": "1"}}));
    h.engine.advance_clock_by(60_000);
    h.put("t1x", json!({"pk": {"S": "a"}, "v": {"N": "2"}}));
    h.engine.advance_clock_by(20 * 60_000);
    h.ok(
        "ExportTableToPointInTime",
        json!({"TableArn": ARN, "S3Bucket": "bucket", "ExportType": "INCREMENTAL_EXPORT",
               "IncrementalExportSpecification": {"ExportFromTime": from, "ExportViewType": "NEW_AND_OLD_IMAGES"}}),
    );
    let jobs = h.engine.take_export_jobs();
    let changes = &jobs[0].changes;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].keys, r#"{"pk":{"S":"a"}}"#);
    assert!(
        changes[0]
            .new_image
            .as_deref()
            .unwrap()
            .contains(r#""N":"2""#)
    );
    assert_eq!(
        changes[0].old_image, None,
        "the item did not exist before the period"
    );
}

#[test]
fn a_full_export_at_a_past_time_holds_the_items_as_they_were() {
    let mut h = harness();
    enable_pitr(&mut h);
    h.put("t1x", json!({"pk": {"S": "a"}, "v": {"N": "1"}}));
    h.engine.advance_clock_by(60_000);
    let then = h.engine.clock().now_millis();
    h.engine.advance_clock_by(60_000);
    h.put("t1x", json!({"pk": {"S": "a"}, "v": {"N": "2"}}));
    h.engine.advance_clock_by(10 * 60_000);
    h.ok(
        "ExportTableToPointInTime",
        json!({"TableArn": ARN, "S3Bucket": "bucket", "ExportTime": then as f64 / 1000.0}),
    );
    let jobs = h.engine.take_export_jobs();
    assert_eq!(jobs[0].items.len(), 1);
    assert!(
        jobs[0].items[0].contains(r#""N":"1""#),
        "{:?}",
        jobs[0].items
    );
}

#[test]
fn describe_export_tells_a_malformed_arn_from_an_unknown_one() {
    let mut h = harness();
    let e = h.err("DescribeExport", json!({"ExportArn": ARN}));
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::ValidationException, "Invalid Export ARN")
    );
    let unknown = format!("{ARN}/export/01800000000000-0badf00d");
    let e = h.err("DescribeExport", json!({"ExportArn": unknown}));
    assert_eq!(e.kind, ErrorKind::ExportNotFoundException);
    assert_eq!(
        e.message,
        format!("Export not found: Export not found: {unknown}")
    );
}

#[test]
fn list_exports_pages_newest_first() {
    let mut h = harness();
    enable_pitr(&mut h);
    let arns: Vec<String> = (0..3)
        .map(|_| {
            h.engine.advance_clock_by(1);
            export(&mut h, json!({}))["ExportArn"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let first = h.ok("ListExports", json!({"MaxResults": 2}));
    let summaries = first["ExportSummaries"].as_array().unwrap();
    assert_eq!(summaries.len(), 2);
    assert_eq!(
        summaries[0],
        json!({"ExportArn": arns[2], "ExportStatus": "IN_PROGRESS", "ExportType": "FULL_EXPORT"})
    );
    let token = first["NextToken"].as_str().unwrap();
    let second = h.ok("ListExports", json!({"MaxResults": 2, "NextToken": token}));
    assert_eq!(second["ExportSummaries"][0]["ExportArn"], json!(arns[0]));
    assert!(second.get("NextToken").is_none());
    let mine = h.ok("ListExports", json!({"TableArn": ARN}));
    assert_eq!(mine["ExportSummaries"].as_array().unwrap().len(), 3);
    let e = h.err("ListExports", json!({"MaxResults": 26}));
    assert!(e.message.contains("at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 25"));
    let e = h.err("ListExports", json!({"NextToken": "0123456789abcdef"}));
    assert!(
        e.message
            .starts_with("Invalid Request: Provided nextToken is invalid")
    );
    // A deleted table lists no exports, though DescribeExport still finds them.
    h.ok("DeleteTable", json!({"TableName": "t1x"}));
    assert_eq!(
        h.ok("ListExports", json!({"TableArn": ARN}))["ExportSummaries"],
        json!([])
    );
    describe_export(&mut h, &arns[0]);
}

fn import_request(table: &str, extra: Value) -> Value {
    let mut request = json!({
        "ClientToken": format!("token-{table}"),
        "S3BucketSource": {"S3Bucket": "bucket", "S3KeyPrefix": "data/"},
        "InputFormat": "DYNAMODB_JSON",
        "TableCreationParameters": {
            "TableName": table,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "n", "AttributeType": "N"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "GlobalSecondaryIndexes": [{"IndexName": "by_n", "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}]
        }
    });
    for (k, v) in extra.as_object().unwrap() {
        request[k] = v.clone();
    }
    request
}

fn describe_import(h: &mut Harness, arn: &str) -> Value {
    h.ok("DescribeImport", json!({"ImportArn": arn}))["ImportTableDescription"].clone()
}

fn table_status(h: &mut Harness, table: &str) -> Value {
    h.ok("DescribeTable", json!({"TableName": table}))["Table"]["TableStatus"].clone()
}

#[test]
fn an_import_creates_its_table_and_writes_what_was_read() {
    let mut h = harness();
    let started =
        h.ok("ImportTable", import_request("imp", json!({})))["ImportTableDescription"].clone();
    assert_eq!(started["ImportStatus"], "IN_PROGRESS");
    assert_eq!(started["InputCompressionType"], "NONE");
    assert_eq!(started["S3BucketSource"]["S3BucketOwner"], "000000000000");
    assert_eq!(started["ProcessedItemCount"], 0);
    assert!(started.get("EndTime").is_none());
    assert_eq!(
        started["CloudWatchLogGroupArn"],
        "arn:aws:logs:us-east-1:000000000000:log-group:/aws-dynamodb/imports:*"
    );
    let arn = started["ImportArn"].as_str().unwrap().to_owned();
    let table = h.ok("DescribeTable", json!({"TableName": "imp"}))["Table"].clone();
    assert_eq!(table["TableStatus"], "CREATING");
    assert_eq!(table["TableId"], started["TableId"]);
    assert!(arn.starts_with(&format!("{}/import/", table["TableArn"].as_str().unwrap())));

    let jobs = h.engine.take_import_jobs();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].s3_key_prefix, "data/");
    assert_eq!(
        jobs[0].key_types,
        vec![("pk".to_owned(), "S".to_owned()), ("n".into(), "N".into())]
    );
    h.engine.advance_clock_by(DELAY * 5);
    assert_eq!(
        table_status(&mut h, "imp"),
        "CREATING",
        "until the import ends"
    );

    let read = ImportResult {
        items: vec![
            r#"{"pk":{"S":"a"},"n":{"N":"1"}}"#.into(),
            r#"{"pk":{"S":"a"},"n":{"N":"2"}}"#.into(),
            r#"{"pk":{"S":"b"}}"#.into(),
        ],
        errors: vec![],
        processed_size_bytes: 99,
    };
    assert!(h.engine.complete_import(&arn, Ok(read)));
    let done = describe_import(&mut h, &arn);
    assert_eq!(done["ImportStatus"], "COMPLETED");
    assert_eq!(
        (
            done["ProcessedItemCount"].clone(),
            done["ImportedItemCount"].clone(),
            done["ErrorCount"].clone()
        ),
        (json!(3), json!(3), json!(0))
    );
    assert_eq!(done["ProcessedSizeBytes"], 99);
    assert!(done.get("FailureCode").is_none());
    assert_eq!(table_status(&mut h, "imp"), "ACTIVE");
    let scan = h.ok("Scan", json!({"TableName": "imp"}));
    assert_eq!(scan["Count"], 2, "a duplicate key is a write, not an error");
    let by_n = h.ok("Scan", json!({"TableName": "imp", "IndexName": "by_n"}));
    assert_eq!(by_n["Count"], 1);
}

#[test]
fn items_that_do_not_fit_fail_the_import_but_the_rest_are_kept() {
    let mut h = harness();
    let arn = h.ok("ImportTable", import_request("imp", json!({})))["ImportTableDescription"]["ImportArn"]
        .as_str()
        .unwrap()
        .to_owned();
    h.engine.take_import_jobs();
    let read = ImportResult {
        items: vec![
            r#"{"pk":{"S":"good"}}"#.into(),
            r#"{"nokey":{"S":"x"}}"#.into(),
            r#"{"pk":{"N":"1"}}"#.into(),
            r#"{"pk":{"S":"badindex"},"n":{"S":"not a number"}}"#.into(),
        ],
        errors: vec!["data/x.json, line 3: the line is not JSON".into()],
        processed_size_bytes: 10,
    };
    h.engine.complete_import(&arn, Ok(read));
    h.engine.advance_clock_by(DELAY);
    let done = describe_import(&mut h, &arn);
    assert_eq!(done["ImportStatus"], "FAILED");
    assert_eq!(done["FailureCode"], "ItemValidationError");
    assert_eq!(
        done["FailureMessage"],
        "Some of the items failed validation checks and were not imported. Please check CloudWatch error logs for more details."
    );
    assert_eq!(
        (
            done["ProcessedItemCount"].clone(),
            done["ImportedItemCount"].clone(),
            done["ErrorCount"].clone()
        ),
        (json!(5), json!(1), json!(4))
    );
    assert_eq!(h.ok("Scan", json!({"TableName": "imp"}))["Count"], 1);
}

#[test]
fn an_import_from_a_missing_bucket_fails_and_leaves_no_table() {
    let mut h = harness();
    let arn = h.ok("ImportTable", import_request("imp", json!({})))["ImportTableDescription"]["ImportArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let failure = ExchangeFailure {
        code: "S3NoSuchBucket".into(),
        message: "The specified bucket does not exist".into(),
    };
    h.engine.complete_import(&arn, Err(failure));
    h.engine.advance_clock_by(DELAY);
    let done = describe_import(&mut h, &arn);
    assert_eq!(done["ImportStatus"], "FAILED");
    assert_eq!(done["FailureCode"], "S3NoSuchBucket");
    assert_eq!(
        h.err("DescribeTable", json!({"TableName": "imp"})).kind,
        ErrorKind::ResourceNotFoundException
    );
}

#[test]
fn import_tokens_and_table_names_are_checked_as_measured() {
    let mut h = harness();
    let first =
        h.ok("ImportTable", import_request("imp", json!({})))["ImportTableDescription"].clone();
    // Same token, another source: the running import, unchanged.
    let replay = h.ok(
        "ImportTable",
        import_request("imp", json!({"S3BucketSource": {"S3Bucket": "other"}})),
    )["ImportTableDescription"]
        .clone();
    assert_eq!(replay["ImportArn"], first["ImportArn"]);
    assert_eq!(replay["S3BucketSource"]["S3Bucket"], "bucket");
    let mut other_table = import_request("imp2", json!({}));
    other_table["ClientToken"] = json!("token-imp");
    let e = h.err("ImportTable", other_table);
    assert_eq!(e.kind, ErrorKind::ImportConflictException);
    assert_eq!(
        e.message,
        "Import conflict: Duplicate request detected with conflicting parameters"
    );
    let e = h.err("ImportTable", import_request("t1x", json!({})));
    assert_eq!(
        (e.kind, e.message.as_str()),
        (
            ErrorKind::ResourceInUseException,
            "Table already exists: t1x"
        )
    );
}

#[test]
fn import_requests_are_checked_as_dynamodb_checks_them() {
    let mut h = harness();
    let mut no_token = import_request("imp", json!({}));
    no_token.as_object_mut().unwrap().remove("ClientToken");
    let cases = [
        (
            no_token,
            "1 validation error detected: Value null at 'clientToken' failed to satisfy constraint: Member must not be null",
        ),
        (
            import_request("imp", json!({"InputCompressionType": "BZIP2"})),
            "1 validation error detected: Value 'BZIP2' at 'inputCompressionType' failed to satisfy constraint: Member must satisfy enum value set: [ZSTD, NONE, GZIP]",
        ),
        (
            import_request(
                "imp",
                json!({"InputFormatOptions": {"Csv": {"Delimiter": ","}}}),
            ),
            "Invalid Request: Unsupported InputFormatOptions for the given input format: DYNAMODB_JSON.",
        ),
        (
            import_request(
                "imp",
                json!({"InputFormat": "CSV", "InputFormatOptions": {"Csv": {"Delimiter": ";;"}}}),
            ),
            "2 validation errors detected: Value ';;' at 'inputFormatOptions.csv.delimiter' failed to satisfy constraint: Member must have length less than or equal to 1; Value ';;' at 'inputFormatOptions.csv.delimiter' failed to satisfy constraint: Member must satisfy regular expression pattern: [,;:|\\t ]",
        ),
    ];
    for (request, message) in cases {
        let e = h.err("ImportTable", request.clone());
        assert_eq!(
            (e.kind, e.message.as_str()),
            (ErrorKind::ValidationException, message),
            "{request}"
        );
    }
    // TableCreationParameters are CreateTable's: its own checks apply.
    let mut provisioned = import_request("imp", json!({}));
    provisioned["TableCreationParameters"]
        .as_object_mut()
        .unwrap()
        .remove("BillingMode");
    let e = h.err("ImportTable", provisioned);
    assert_eq!(e.kind, ErrorKind::ValidationException);
    assert!(h.engine.take_import_jobs().is_empty());
}

#[test]
fn describe_and_list_imports() {
    let mut h = harness();
    let e = h.err("DescribeImport", json!({"ImportArn": ARN}));
    assert_eq!(e.message, "Invalid Import ARN");
    let e = h.err(
        "DescribeImport",
        json!({"ImportArn": format!("{ARN}/import/01800000000000-0badf00d")}),
    );
    assert_eq!(e.kind, ErrorKind::ImportNotFoundException);
    let arns: Vec<String> = ["imp1", "imp2", "imp3"]
        .iter()
        .map(|t| {
            h.ok("ImportTable", import_request(t, json!({})))["ImportTableDescription"]["ImportArn"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let page = h.ok("ListImports", json!({"PageSize": 2}));
    let list = page["ImportSummaryList"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["ImportArn"], json!(arns[2]));
    let keys: Vec<&str> = list[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 7, "{keys:?}");
    let token = page["NextToken"].as_str().unwrap();
    assert_eq!(token.len(), 112);
    let rest = h.ok("ListImports", json!({"PageSize": 2, "NextToken": token}));
    assert_eq!(rest["ImportSummaryList"][0]["ImportArn"], json!(arns[0]));
    let one = h.ok(
        "ListImports",
        json!({"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/imp2"}),
    );
    assert_eq!(one["ImportSummaryList"].as_array().unwrap().len(), 1);
}

#[test]
fn descriptions_survive_a_restore_and_running_jobs_fail() {
    let mut h = harness();
    enable_pitr(&mut h);
    let export_arn = export(&mut h, json!({}))["ExportArn"]
        .as_str()
        .unwrap()
        .to_owned();
    h.engine.take_export_jobs();
    h.engine.complete_export(&export_arn, Ok(written("m", 0)));
    let import_arn = h.ok("ImportTable", import_request("imp", json!({})))["ImportTableDescription"]["ImportArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut store = MemoryStore::new();
    store.apply(&h.engine.take_changes());
    let mut restored = Harness {
        engine: Engine::new(EngineConfig {
            start_millis: START + DELAY * 10,
            ..Default::default()
        }),
    };
    restored.engine.restore(&store.snapshot()).unwrap();
    assert_eq!(
        describe_export(&mut restored, &export_arn)["ExportStatus"],
        "COMPLETED"
    );
    let import = describe_import(&mut restored, &import_arn);
    assert_eq!(import["ImportStatus"], "FAILED");
    assert_eq!(import["FailureCode"], "InternalFailure");
}
