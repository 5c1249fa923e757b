//! Sample data files: items as DynamoDB's S3 export writes them (DYNAMODB_JSON: one
//! `{"Item": {...}}` per line, what ImportTable reads back) and as CSV for spreadsheets.
//! Imported items are checked by the engine's own parser, so a bad type, number or set is
//! refused with the message DynamoDB would give, naming the line it is on.

use std::collections::BTreeSet;

use dynoscope_engine::{item_from_json, item_size};
use serde_json::{Map, Value};

use crate::error::ModelError;
use crate::model::{ItemJson, TableSpec};

/// Largest item DynamoDB stores, in its own size measure.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;

/// One `{"Item":{...}}` line per item, each ending in a newline, as in an S3 export's data
/// files (before their gzip).
pub fn export_json_lines(items: &[ItemJson]) -> String {
    let mut out = String::new();
    for item in items {
        out.push_str("{\"Item\":");
        out.push_str(&Value::Object(item.clone()).to_string());
        out.push_str("}\n");
    }
    out
}

/// Reads `{"Item": {...}}` lines (blank lines skipped, CRLF accepted). Each item is
/// checked and normalised by the engine (numbers in their DynamoDB form); a refusal names
/// its line (`line 3`) and gives the engine's message.
pub fn import_json_lines(text: &str) -> Result<Vec<ItemJson>, ModelError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut items = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        items.push(
            import_line(line)
                .map_err(|message| ModelError::at(format!("line {}", n + 1), message))?,
        );
    }
    Ok(items)
}

fn import_line(line: &str) -> Result<ItemJson, String> {
    let value: Value =
        serde_json::from_slice(line.as_bytes()).map_err(|e| format!("not JSON: {e}"))?;
    let mut object =
        match value {
            Value::Object(object) if object.len() == 1 && object.contains_key("Item") => object,
            _ => return Err(
                "expected {\"Item\": {...}}, one item per line as DynamoDB's S3 export writes them"
                    .to_owned(),
            ),
        };
    match object.remove("Item") {
        Some(Value::Object(item)) => check_item(&item),
        _ => Err("\"Item\" must be an object of attributes in DynamoDB JSON".to_owned()),
    }
}

/// Checks an item with the engine's parser and DynamoDB's size limit, and returns it
/// normalised. The message is the engine's (DynamoDB's own wording).
pub fn check_item(item: &ItemJson) -> Result<ItemJson, String> {
    let text = Value::Object(item.clone()).to_string();
    let parsed = item_from_json(&text).map_err(|e| e.message)?;
    if item_size(&parsed) > MAX_ITEM_BYTES {
        return Err("Item size has exceeded the maximum allowed size".to_owned());
    }
    match serde_json::to_value(&parsed) {
        Ok(Value::Object(normalised)) => Ok(normalised),
        _ => Err("the item could not be written back as DynamoDB JSON".to_owned()),
    }
}

/// A CSV table (RFC 4180: CRLF line ends, fields with commas, quotes or line breaks
/// quoted). Columns: the table's partition and sort key, then every other attribute any
/// item has, sorted. Cells: S, N and B as their text (numbers as written, binary in
/// base64), BOOL as `true`/`false`, an absent attribute empty, and NULL, lists, maps and
/// sets as their DynamoDB JSON (`{"SS":["a","b"]}`).
pub fn export_csv(table: &TableSpec, items: &[ItemJson]) -> String {
    let columns = csv_columns(table, items);
    let mut out = String::new();
    write_row(&mut out, columns.iter().map(|c| c.to_owned()));
    for item in items {
        write_row(
            &mut out,
            columns
                .iter()
                .map(|c| item.get(c.as_str()).map(cell).unwrap_or_default()),
        );
    }
    out
}

fn csv_columns(table: &TableSpec, items: &[ItemJson]) -> Vec<String> {
    let keys: Vec<String> = [table.partition_key(), table.sort_key()]
        .into_iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    let others: BTreeSet<&String> = items
        .iter()
        .flat_map(Map::keys)
        .filter(|name| !keys.contains(name))
        .collect();
    keys.iter()
        .cloned()
        .chain(others.into_iter().cloned())
        .collect()
}

fn cell(value: &Value) -> String {
    let single = value
        .as_object()
        .filter(|o| o.len() == 1)
        .and_then(|o| o.iter().next());
    match single {
        Some((kind, Value::String(text))) if matches!(kind.as_str(), "S" | "N" | "B") => {
            text.clone()
        }
        Some((kind, Value::Bool(b))) if kind == "BOOL" => b.to_string(),
        _ => value.to_string(),
    }
}

fn write_row(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}
