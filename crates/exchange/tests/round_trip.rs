//! An export's files read back as an import would read them, and files written the way a
//! real export writes them (the Developer Guide's examples) read as items.

use dynoscope_exchange::compression::gzip;
use dynoscope_exchange::export::{self, ExportJob};
use dynoscope_exchange::{ImportRead, ImportSpec};
use serde_json::{Value, json};

const ITEMS: &[&str] = &[
    r#"{"pk":{"S":"a"},"n":{"N":"600"},"b":{"B":"AAH+/w=="},"ss":{"SS":["x","y"]},"m":{"M":{"l":{"L":[{"NULL":true},{"BOOL":false}]}}}}"#,
    r#"{"pk":{"S":"quote\" and \\ and é"},"ns":{"NS":["1","-2.5","1E-130"]},"bs":{"BS":["AA=="]}}"#,
];

fn job(format: &str) -> ExportJob {
    serde_json::from_value(json!({
        "export_arn": "arn:aws:dynamodb:us-east-1:000000000000:table/t/export/01604474914028-0a1b2c3d",
        "table_arn": "arn:aws:dynamodb:us-east-1:000000000000:table/t",
        "table_id": "12345a12-abcd-423a-ab12-1234abc12345",
        "s3_bucket": "bucket",
        "s3_prefix": "backups/2020",
        "s3_sse_algorithm": "AES256",
        "export_format": format,
        "export_type": "FULL_EXPORT",
        "start_millis": 1_604_474_914_028u64,
        "end_millis": 1_604_474_914_028u64 + 5000,
        "export_time_millis": 1_604_474_914_028u64,
        "billed_size_bytes": 123,
        "items": ITEMS,
    }))
    .unwrap()
}

fn spec(format: &str, compression: &str) -> ImportSpec {
    serde_json::from_value(json!({
        "input_format": format,
        "input_compression_type": compression,
        "key_types": [["pk", "S"]],
    }))
    .unwrap()
}

fn canonical(text: &str) -> Value {
    let mut value: Value = serde_json::from_str(text).unwrap();
    // Ion reads numbers back in its own spelling; compare them as DynamoDB would store them.
    fn normalise(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (key, inner) in map.iter_mut() {
                    match (key.as_str(), &mut *inner) {
                        ("N", Value::String(n)) => *n = n.parse::<f64>().unwrap().to_string(),
                        ("NS", Value::Array(ns)) => {
                            for n in ns {
                                if let Value::String(s) = n {
                                    *s = s.parse::<f64>().unwrap().to_string();
                                }
                            }
                        }
                        _ => normalise(inner),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(normalise),
            _ => {}
        }
    }
    normalise(&mut value);
    value
}

#[test]
fn the_layout_is_dynamodbs() {
    let written = export::write(&job("DYNAMODB_JSON")).unwrap();
    let keys: Vec<&str> = written.files.iter().map(|f| f.key.as_str()).collect();
    let folder = "backups/2020/AWSDynamoDB/01604474914028-0a1b2c3d/";
    assert_eq!(keys[0], format!("{folder}_started"));
    assert!(keys[1].starts_with(&format!("{folder}data/")) && keys[1].ends_with(".json.gz"));
    assert_eq!(
        &keys[2..],
        [
            format!("{folder}manifest-files.md5"),
            format!("{folder}manifest-files.json"),
            format!("{folder}manifest-summary.md5"),
            format!("{folder}manifest-summary.json"),
        ]
    );
    assert_eq!(
        written.outcome.manifest,
        format!("{folder}manifest-summary.json")
    );
    assert_eq!(written.outcome.item_count, 2);

    let summary: Value = serde_json::from_slice(&written.files[5].bytes).unwrap();
    assert_eq!(summary["version"], "2020-06-30");
    assert_eq!(summary["startTime"], "2020-11-04T07:28:34.028Z");
    assert_eq!(summary["endTime"], "2020-11-04T07:28:39.028Z");
    assert_eq!(
        summary["manifestFilesS3Key"],
        format!("{folder}manifest-files.json")
    );
    assert_eq!(summary["itemCount"], 2);
    assert_eq!(summary["billedSizeBytes"], 123);
    assert_eq!(summary["outputFormat"], "DYNAMODB_JSON");
    assert_eq!(summary["s3SseKmsKeyId"], Value::Null);
    assert!(summary.get("exportType").is_none());

    let files: Value = serde_json::from_slice(&written.files[3].bytes).unwrap();
    assert_eq!(files["dataFileS3Key"], keys[1]);
    assert_eq!(files["itemCount"], 2);
    let data = &written.files[1].bytes;
    assert_eq!(
        files["md5Checksum"],
        dynoscope_exchange::checksum::md5_base64(data)
    );
    assert!(files["etag"].as_str().unwrap().ends_with("-1"));
    let md5 = String::from_utf8(written.files[2].bytes.clone()).unwrap();
    assert_eq!(
        md5,
        dynoscope_exchange::checksum::md5_base64(&written.files[3].bytes)
    );
}

#[test]
fn an_export_imports_back_in_both_formats() {
    for format in ["DYNAMODB_JSON", "ION"] {
        let written = export::write(&job(format)).unwrap();
        let mut read = ImportRead::default();
        for file in written.files.iter().filter(|f| f.key.contains("/data/")) {
            read.read_object(&spec(format, "GZIP"), &file.key, &file.bytes);
        }
        assert_eq!(read.errors, Vec::<String>::new(), "{format}");
        let got: Vec<Value> = read.items.iter().map(|i| canonical(i)).collect();
        let want: Vec<Value> = ITEMS.iter().map(|i| canonical(i)).collect();
        assert_eq!(got, want, "{format}");
    }
}

#[test]
fn an_empty_export_writes_an_empty_data_file() {
    let mut empty = job("ION");
    empty.items.clear();
    let written = export::write(&empty).unwrap();
    assert!(written.files[1].key.ends_with(".ion.gz"));
    let mut read = ImportRead::default();
    read.read_object(&spec("ION", "GZIP"), "x", &written.files[1].bytes);
    assert_eq!(read, ImportRead::default());
}

#[test]
fn incremental_lines_carry_metadata_keys_and_images() {
    let mut inc = job("DYNAMODB_JSON");
    inc.export_type = "INCREMENTAL_EXPORT".into();
    inc.export_view_type = Some("NEW_AND_OLD_IMAGES".into());
    inc.items.clear();
    inc.changes = serde_json::from_value(json!([
        {"write_micros": 1_604_474_914_028_000u64, "keys": r#"{"pk":{"S":"a"}}"#,
         "new_image": r#"{"pk":{"S":"a"},"v":{"N":"2"}}"#, "old_image": r#"{"pk":{"S":"a"},"v":{"N":"1"}}"#},
        {"write_micros": 1_604_474_915_000_000u64, "keys": r#"{"pk":{"S":"b"}}"#},
    ]))
    .unwrap();
    let written = export::write(&inc).unwrap();
    let text = dynoscope_exchange::compression::decompress(
        &written.files[1].bytes,
        dynoscope_exchange::compression::Compression::Gzip,
    )
    .unwrap();
    let lines: Vec<Value> = String::from_utf8(text)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines[0],
        json!({"Metadata": {"WriteTimestampMicros": {"N": "1604474914028000"}},
               "Keys": {"pk": {"S": "a"}},
               "NewImage": {"pk": {"S": "a"}, "v": {"N": "2"}},
               "OldImage": {"pk": {"S": "a"}, "v": {"N": "1"}}})
    );
    assert_eq!(
        lines[1],
        json!({"Metadata": {"WriteTimestampMicros": {"N": "1604474915000000"}}, "Keys": {"pk": {"S": "b"}}})
    );
    let summary: Value = serde_json::from_slice(&written.files[5].bytes).unwrap();
    assert_eq!(summary["exportType"], "INCREMENTAL_EXPORT");
    assert_eq!(summary["outputView"], "NEW_AND_OLD_IMAGES");
}

/// The Developer Guide's example item, as a real export's data file holds it.
#[test]
fn files_written_as_a_real_export_writes_them_are_read() {
    let json_line = r#"{"Item":{"Authors":{"SS":["Author1","Author2"]},"Dimensions":{"S":"8.5 x 11.0 x 1.5"},"ISBN":{"S":"333-3333333333"},"Id":{"N":"103"},"InPublication":{"BOOL":false},"PageCount":{"N":"600"},"Price":{"N":"2000"},"ProductCategory":{"S":"Book"},"Title":{"S":"Book 103 Title"}}}"#;
    let ion_line = r#"$ion_1_0 {Item:{Authors:$dynamodb_SS::["Author1","Author2"],Dimensions:"8.5 x 11.0 x 1.5",ISBN:"333-3333333333",Id:103.,InPublication:false,PageCount:6d2,Price:2d3,ProductCategory:"Book",Title:"Book 103 Title"}}"#;
    let mut from_json = ImportRead::default();
    from_json.read_object(
        &spec("DYNAMODB_JSON", "GZIP"),
        "a.json.gz",
        &gzip(format!("{json_line}\n").as_bytes()),
    );
    let mut from_ion = ImportRead::default();
    from_ion.read_object(
        &spec("ION", "GZIP"),
        "a.ion.gz",
        &gzip(format!("{ion_line}\n").as_bytes()),
    );
    assert_eq!(from_json.errors.len() + from_ion.errors.len(), 0);
    assert_eq!(
        canonical(&from_json.items[0]),
        canonical(&from_ion.items[0])
    );
    let item: Value = serde_json::from_str(&from_ion.items[0]).unwrap();
    assert_eq!(item["PageCount"], json!({"N": "6E2"}));
    assert_eq!(item["Id"], json!({"N": "103"}));
}
