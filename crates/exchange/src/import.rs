//! An import's objects read into items, counted as DynamoDB counts them. Every object under
//! the prefix is read with the import's compression (GZIP, ZSTD or NONE) and format:
//! DYNAMODB_JSON (a JSON line `{"Item":{...}}` per item), ION (a line `$ion_1_0
//! {Item:{...}}` per item) or CSV ([`crate::csv`]). Blank lines are neither items nor
//! errors. The first line that cannot be made into an item is one error and abandons the
//! rest of its object, as DynamoDB does (measured: six bad lines in one object counted as a
//! single error); an object that does not decompress is one error. Whether an item fits the
//! table (its key present and of the right type) is the engine's to judge when it writes
//! it. `ProcessedSizeBytes` counts the objects' bytes after decompression.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::compression::{Compression, decompress};
use crate::{csv, ion};

/// What the engine hands over for one import (read from the engine's `ImportJob`).
#[derive(Debug, Clone, Deserialize)]
pub struct ImportSpec {
    /// `DYNAMODB_JSON`, `ION` or `CSV`.
    pub input_format: String,
    /// `GZIP`, `ZSTD` or `NONE`.
    pub input_compression_type: String,
    #[serde(default)]
    pub csv_delimiter: Option<String>,
    #[serde(default)]
    pub csv_header_list: Option<Vec<String>>,
    /// Key attributes of the table and its global indexes, with their types (S, N, B):
    /// CSV columns of these names take that type.
    #[serde(default)]
    pub key_types: Vec<(String, String)>,
}

/// The items read and the errors met (the engine's `ImportResult`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportRead {
    /// Each item as DynamoDB JSON text, in the order read.
    pub items: Vec<String>,
    /// One message per line (or object) that could not be read.
    pub errors: Vec<String>,
    pub processed_size_bytes: u64,
}

impl ImportRead {
    /// Adds one object's items and errors.
    /// A zero-length object is no item and no error, whatever the compression.
    pub fn read_object(&mut self, spec: &ImportSpec, key: &str, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let compression =
            Compression::from_wire(Some(&spec.input_compression_type)).unwrap_or(Compression::None);
        let data = match decompress(bytes, compression) {
            Ok(data) => data,
            Err(e) => {
                self.processed_size_bytes += bytes.len() as u64;
                self.errors.push(format!("{key}: {e}"));
                return;
            }
        };
        self.processed_size_bytes += data.len() as u64;
        let text = String::from_utf8_lossy(&data);
        let outcome = match spec.input_format.as_str() {
            "CSV" => self.read_csv(spec, &text),
            "ION" => self.read_lines(&text, ion_item),
            _ => self.read_lines(&text, json_item),
        };
        if let Err((line, message)) = outcome {
            self.errors.push(format!("{key}, line {line}: {message}"));
        }
    }

    /// Reads line-delimited items until the first line that is not one.
    fn read_lines(
        &mut self,
        text: &str,
        parse: fn(&str) -> Result<Map<String, Value>, String>,
    ) -> Result<(), (usize, String)> {
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let item = parse(line).map_err(|e| (index + 1, e))?;
            self.items.push(Value::Object(item).to_string());
        }
        Ok(())
    }

    fn read_csv(&mut self, spec: &ImportSpec, text: &str) -> Result<(), (usize, String)> {
        let delimiter = spec
            .csv_delimiter
            .as_deref()
            .and_then(|d| d.chars().next())
            .unwrap_or(',');
        let (records, broken) = csv::records(text, delimiter);
        let mut records = records.into_iter();
        let header = match &spec.csv_header_list {
            Some(list) => list.clone(),
            None => match records.next() {
                Some(first) => first.fields,
                None => return broken.map_or(Ok(()), Err),
            },
        };
        for record in records {
            let item =
                csv::item(&header, &record, &spec.key_types).map_err(|e| (record.line, e))?;
            self.items.push(Value::Object(item).to_string());
        }
        broken.map_or(Ok(()), Err)
    }
}

/// A DYNAMODB_JSON line's item.
fn json_item(line: &str) -> Result<Map<String, Value>, String> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| format!("the line is not JSON: {e}"))?;
    match value.get("Item") {
        Some(Value::Object(item)) => Ok(item.clone()),
        _ => Err("the line has no Item object".into()),
    }
}

/// An ION line's item.
fn ion_item(line: &str) -> Result<Map<String, Value>, String> {
    let values = ion::parse_values(line)?;
    let [ion::IonValue::Struct(fields)] = values.as_slice() else {
        return Err("the line is not one Ion struct".into());
    };
    match fields.iter().find(|(name, _)| name == "Item") {
        Some((_, ion::IonValue::Struct(item))) => ion::to_item(item),
        _ => Err("the line has no Item struct".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(format: &str) -> ImportSpec {
        ImportSpec {
            input_format: format.into(),
            input_compression_type: "NONE".into(),
            csv_delimiter: None,
            csv_header_list: None,
            key_types: vec![("pk".into(), "S".into())],
        }
    }

    #[test]
    fn a_bad_line_is_one_error_and_abandons_the_rest_of_its_object() {
        let mut read = ImportRead::default();
        let text = "{\"Item\":{\"pk\":{\"S\":\"a\"}}}\n\n   \n{\"Item\": \n{\"Item\":{\"pk\":{\"S\":\"c\"}}}\n";
        read.read_object(&spec("DYNAMODB_JSON"), "k", text.as_bytes());
        assert_eq!(read.items, vec![r#"{"pk":{"S":"a"}}"#]);
        assert_eq!(read.errors.len(), 1);
        assert!(
            read.errors[0].starts_with("k, line 4:"),
            "{:?}",
            read.errors
        );
        assert_eq!(read.processed_size_bytes, text.len() as u64);
    }

    #[test]
    fn a_json_line_without_item_is_an_error() {
        let mut read = ImportRead::default();
        read.read_object(&spec("DYNAMODB_JSON"), "k", b"{\"NotAnItem\":{}}\n");
        assert_eq!(read.errors.len(), 1);
    }

    #[test]
    fn an_empty_object_is_nothing() {
        let mut read = ImportRead::default();
        read.read_object(&spec("CSV"), "k", b"");
        read.read_object(&spec("DYNAMODB_JSON"), "k", b"");
        assert_eq!(read, ImportRead::default());
    }

    #[test]
    fn csv_reads_its_header_or_the_list() {
        let mut read = ImportRead::default();
        read.read_object(&spec("CSV"), "k", b"pk,v\na,1\n");
        let mut listed = spec("CSV");
        listed.csv_header_list = Some(vec!["pk".into(), "v".into()]);
        listed.csv_delimiter = Some(";".into());
        read.read_object(&listed, "k", b"b;2\n");
        assert_eq!(
            read.items,
            vec![
                r#"{"pk":{"S":"a"},"v":{"S":"1"}}"#,
                r#"{"pk":{"S":"b"},"v":{"S":"2"}}"#
            ]
        );
    }

    #[test]
    fn an_empty_object_under_gzip_is_nothing() {
        let mut gz = spec("DYNAMODB_JSON");
        gz.input_compression_type = "GZIP".into();
        let mut read = ImportRead::default();
        read.read_object(&gz, "empty.gz", b"");
        assert_eq!(read, ImportRead::default());
    }

    #[test]
    fn a_compression_that_does_not_match_is_one_error() {
        let mut gz = spec("DYNAMODB_JSON");
        gz.input_compression_type = "GZIP".into();
        let mut read = ImportRead::default();
        read.read_object(&gz, "plain.json", b"{\"Item\":{}}\n");
        assert_eq!(read.errors.len(), 1);
        assert!(read.items.is_empty());
    }
}
