//! Design advice. About an access pattern, needing no data: a Scan, and an index that
//! projects less than the pattern reads (a global index cannot fetch what it does not
//! project; a local index fetches it from the table at extra read cost). About the data a
//! table holds: hot partition key values, item collections nearing their limit, large items.

use std::collections::BTreeMap;

use dynoscope_engine::{item_from_json, item_size};
use serde_json::Value;

use crate::model::{AccessPattern, ItemJson, Operation, TableSpec};

/// Warnings about `pattern` on `table`, as sentences.
pub fn pattern_warnings(table: &TableSpec, pattern: &AccessPattern) -> Vec<String> {
    let mut warnings = Vec::new();
    if pattern.operation == Operation::Scan {
        warnings.push(
            "A Scan reads every item of the table or index and is charged for all of it, whatever the filter keeps.".to_owned(),
        );
    }
    let Some((index, global)) = pattern.index.as_deref().and_then(|name| table.index(name)) else {
        return warnings;
    };
    let projected = |attribute: &str| {
        index.projection.projection_type == "ALL"
            || table
                .key_schema
                .iter()
                .chain(&index.key_schema)
                .any(|k| k.attribute_name == attribute)
            || (index.projection.projection_type == "INCLUDE"
                && index
                    .projection
                    .non_key_attributes
                    .iter()
                    .any(|a| a == attribute))
    };
    let missing: Vec<&str> = pattern
        .projection
        .iter()
        .map(String::as_str)
        .filter(|a| !projected(a))
        .collect();
    if missing.is_empty() {
        return warnings;
    }
    warnings.push(if global {
        format!(
            "The global index {} projects {}, not {}: a query of it cannot return them (read them from the table with GetItem).",
            index.index_name,
            index.projection.projection_type,
            missing.join(", ")
        )
    } else {
        format!(
            "The local index {} does not project {}: DynamoDB fetches them from the table, and each fetch costs a full read of the item.",
            index.index_name,
            missing.join(", ")
        )
    });
    warnings
}

/// A partition key value holding this many times the average items per value (and at
/// least [`HOT_MIN_ITEMS`]) is a hot key.
const HOT_TIMES_AVERAGE: usize = 10;
const HOT_MIN_ITEMS: usize = 10;
/// An item collection this close to its limit (percent) is worth a warning.
const COLLECTION_WARN_PERCENT: u64 = 50;
/// DynamoDB's limit on one item collection of a table with a local index: 10 GB.
pub const ITEM_COLLECTION_LIMIT: u64 = 10 * 1024 * 1024 * 1024;
/// DynamoDB's item size limit.
const MAX_ITEM_BYTES: usize = 400 * 1024;

/// Warnings about the data a table holds: a partition key value holding a large share of
/// the items (a hot partition once traffic follows the data), an item collection nearing
/// the limit a local index imposes (`collection_limit`, 10 GB in DynamoDB, scaled down by
/// the simulation), and items whose size makes every read or write of them cost several
/// units. Items that are not valid DynamoDB JSON are skipped (validation reports them).
pub fn data_warnings(table: &TableSpec, items: &[ItemJson], collection_limit: u64) -> Vec<String> {
    let Some(partition) = table.partition_key() else {
        return Vec::new();
    };
    let mut counts: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    let mut large = 0;
    let mut largest = 0;
    for item in items {
        let Ok(parsed) = item_from_json(&Value::Object(item.clone()).to_string()) else {
            continue;
        };
        let size = item_size(&parsed);
        largest = largest.max(size);
        if size > 4096 {
            large += 1;
        }
        if let Some(key) = item.get(partition) {
            let entry = counts.entry(key_text(key)).or_default();
            entry.0 += 1;
            entry.1 += size as u64;
        }
    }
    let mut warnings = Vec::new();
    if let Some((key, (count, _))) = counts.iter().max_by_key(|(_, (c, _))| *c)
        && *count >= HOT_MIN_ITEMS
        && count * counts.len() >= HOT_TIMES_AVERAGE * items.len()
    {
        warnings.push(format!(
            "The partition key value {key} holds {count} of the {} items, {} times the average of its {} values: traffic that follows the data will concentrate on its partition.",
            items.len(),
            count * counts.len() / items.len(),
            counts.len()
        ));
    }
    if !table.local_secondary_indexes.is_empty()
        && let Some((key, (_, bytes))) = counts.iter().max_by_key(|(_, (_, b))| *b)
        && bytes * 100 >= collection_limit * COLLECTION_WARN_PERCENT
    {
        warnings.push(format!(
            "The item collection of {key} holds {bytes} bytes, {}% of the {collection_limit}-byte limit a table with a local index allows per partition key value.",
            bytes * 100 / collection_limit.max(1)
        ));
    }
    if large > 0 {
        warnings.push(format!(
            "{large} item{} over 4 KB (the largest {largest} bytes{}): each read of one costs more than one 4 KB unit, each write one unit per KB.",
            if large == 1 { " is" } else { "s are" },
            if largest > MAX_ITEM_BYTES { ", over DynamoDB's 400 KB limit" } else { "" }
        ));
    }
    warnings
}

/// A key value as written by the user: `USER#1` rather than `{"S":"USER#1"}`.
fn key_text(value: &Value) -> String {
    match value.as_object().and_then(|m| m.values().next()) {
        Some(Value::String(text)) => text.clone(),
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttributeDefinition, KeySchemaElement};
    use serde_json::json;

    fn table(with_lsi: bool) -> TableSpec {
        let mut spec = TableSpec {
            table_name: "T".into(),
            key_schema: vec![KeySchemaElement {
                attribute_name: "pk".into(),
                key_type: "HASH".into(),
            }],
            attribute_definitions: vec![AttributeDefinition {
                attribute_name: "pk".into(),
                attribute_type: "S".into(),
            }],
            ..TableSpec::default()
        };
        if with_lsi {
            spec.local_secondary_indexes = vec![crate::model::IndexSpec {
                index_name: "L".into(),
                key_schema: vec![],
                projection: crate::model::Projection {
                    projection_type: "ALL".into(),
                    non_key_attributes: vec![],
                },
                provisioned_throughput: None,
            }];
        }
        spec
    }

    fn item(pk: &str, body: usize) -> ItemJson {
        json!({"pk": {"S": pk}, "b": {"S": "x".repeat(body)}})
            .as_object()
            .unwrap()
            .clone()
    }

    #[test]
    fn a_key_holding_a_large_share_of_the_items_is_hot() {
        let mut items: Vec<ItemJson> = (0..50).map(|i| item(&format!("k{i}"), 1)).collect();
        items.extend((0..30).map(|_| item("hot", 1)));
        let warnings = data_warnings(&table(false), &items, ITEM_COLLECTION_LIMIT);
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("hot holds 30 of the 80 items, 19 times the average")),
            "{warnings:?}"
        );
    }

    #[test]
    fn evenly_spread_keys_raise_nothing() {
        let items: Vec<ItemJson> = (0..20).map(|i| item(&format!("k{i}"), 1)).collect();
        assert!(data_warnings(&table(false), &items, ITEM_COLLECTION_LIMIT).is_empty());
    }

    #[test]
    fn a_collection_near_the_local_index_limit_is_reported_only_with_a_local_index() {
        let items: Vec<ItemJson> = (0..3).map(|i| item(&format!("k{i}"), 600)).collect();
        assert!(
            data_warnings(&table(true), &items, 1000)
                .iter()
                .any(|w| w.contains("item collection"))
        );
        assert!(
            data_warnings(&table(false), &items, 1000)
                .iter()
                .all(|w| !w.contains("item collection"))
        );
    }

    #[test]
    fn items_over_four_kilobytes_are_counted() {
        let items = vec![item("a", 5000), item("b", 10)];
        let warnings = data_warnings(&table(false), &items, ITEM_COLLECTION_LIMIT);
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with("1 item is over 4 KB")),
            "{warnings:?}"
        );
    }
}
