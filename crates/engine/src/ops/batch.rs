//! BatchGetItem and BatchWriteItem: many keys or writes over several tables in one call.
//! The whole batch is validated before anything is read or written; capacity is charged per
//! item, rounded per item, and reported once per table.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::capacity::{ConsumedCapacity, Consumption, read_units, write_units};
use super::expressions::{ExpressionArgs, refuse_mixing};
use super::items::{collection_metrics, projection_paths, shaped};
use super::validate::{ReturnCapacity, Violations};
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::expr::Path;
use crate::key::PrimaryKey;
use crate::throughput;
use crate::value::MAX_ITEM_BYTES;
use crate::value::{Item, WireItem, item_size};
use crate::write::commit_write;

/// Most keys one BatchGetItem may ask for.
pub const MAX_BATCH_GET_KEYS: usize = 100;
/// Most requests one BatchWriteItem may carry.
pub const MAX_BATCH_WRITES: usize = 25;
/// Most bytes one BatchGetItem returns before leaving keys unprocessed.
pub const MAX_BATCH_GET_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Deserialize, Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub struct KeysAndAttributes {
    pub keys: Option<Vec<WireItem>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consistent_read: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projection_expression: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression_attribute_names: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes_to_get: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetItemRequest {
    pub request_items: Option<BTreeMap<String, KeysAndAttributes>>,
    pub return_consumed_capacity: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BatchGetItemResponse<'a> {
    responses: BTreeMap<&'a str, Vec<Cow<'a, Item>>>,
    unprocessed_keys: BTreeMap<&'a str, KeysAndAttributes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
}

fn duplicates() -> DynamoError {
    DynamoError::validation("Provided list of item keys contains duplicates")
}

fn empty_request_items() -> DynamoError {
    DynamoError::validation(
        "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
    )
}

/// One table of a BatchGetItem, checked: its name, request, keys and projection.
type TableReads<'a> = (
    &'a str,
    &'a KeysAndAttributes,
    Vec<PrimaryKey>,
    Option<Vec<Path>>,
);

pub fn batch_get_item(
    engine: &mut Engine,
    request: BatchGetItemRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("requestItems", &request.request_items);
    ReturnCapacity::check(&mut v, request.return_consumed_capacity.as_deref());
    v.finish()?;
    let request_items = request.request_items.as_ref().expect("checked");
    if request_items.is_empty() {
        return Err(empty_request_items());
    }
    let total: usize = request_items
        .values()
        .map(|k| k.keys.as_ref().map_or(0, Vec::len))
        .sum();
    if total > MAX_BATCH_GET_KEYS {
        return Err(DynamoError::validation(
            "Too many items requested for the BatchGetItem call",
        ));
    }
    let uses = |legacy: bool| {
        request_items.values().any(|k| {
            if legacy {
                k.attributes_to_get.is_some()
            } else {
                k.projection_expression.is_some()
            }
        })
    };
    if uses(true) && uses(false) {
        return Err(DynamoError::validation(
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
        ));
    }
    // Validate every table and key before reading anything.
    let mut plan: Vec<TableReads> = Vec::new();
    for (name, keys_and_attributes) in request_items {
        let mut v = Violations::new();
        v.table_name("requestItems.key", Some(name));
        v.not_null(
            &format!("requestItems.{name}.member.keys"),
            &keys_and_attributes.keys,
        );
        v.finish()?;
        let args = ExpressionArgs {
            names: keys_and_attributes.expression_attribute_names.as_ref(),
            projection: keys_and_attributes.projection_expression.as_deref(),
            ..Default::default()
        };
        refuse_mixing(
            &[(
                "AttributesToGet",
                keys_and_attributes.attributes_to_get.is_some(),
            )],
            &args,
        )?;
        let paths = projection_paths(
            args.parse(&[])?.projection,
            keys_and_attributes.attributes_to_get.as_deref(),
        );
        // Duplicate keys are a request error, found before the table is looked up.
        let given: Vec<&Item> = keys_and_attributes
            .keys
            .iter()
            .flatten()
            .map(|k| &k.0)
            .collect();
        if given
            .iter()
            .enumerate()
            .any(|(i, k)| given[..i].contains(k))
        {
            return Err(duplicates());
        }
        let table = engine
            .tables
            .get(name)
            .ok_or_else(DynamoError::resource_not_found)?;
        let mut keys = Vec::new();
        for key in keys_and_attributes.keys.iter().flatten() {
            let key = table.key_schema().key_from_request(&key.0)?;
            if keys.contains(&key) {
                return Err(duplicates());
            }
            keys.push(key);
        }
        plan.push((name.as_str(), keys_and_attributes, keys, paths));
    }

    let capacity_mode = ReturnCapacity::from_wire(request.return_consumed_capacity.as_deref());
    let mut responses: BTreeMap<&str, Vec<Cow<Item>>> = BTreeMap::new();
    let mut unprocessed: BTreeMap<&str, KeysAndAttributes> = BTreeMap::new();
    let mut consumed = Vec::new();
    let mut bytes = 0;
    // Each table's replicas are drawn before any item is borrowed for the response.
    let consistencies: Vec<_> = plan
        .iter()
        .map(|(_, k, _, _)| engine.consistency(k.consistent_read.unwrap_or(false)))
        .collect();
    // A key refused by throttling is left unprocessed; if every key is, the call fails.
    let now = engine.now_millis();
    let (mut admitted, mut throttled) = (0, None);
    // Reads heat their items' partitions, once the response no longer borrows the items.
    let mut heat: Vec<(&str, PrimaryKey, f64)> = Vec::new();
    for ((name, keys_and_attributes, keys, paths), consistency) in
        plan.into_iter().zip(consistencies)
    {
        let consistent = keys_and_attributes.consistent_read.unwrap_or(false);
        let enforce = engine.simulation_for(name).throttling;
        let table = &engine.tables[name];
        let wire_keys = keys_and_attributes.keys.as_deref().unwrap_or_default();
        let mut left: Vec<WireItem> = Vec::new();
        let mut units = 0.0;
        let found = responses.entry(name).or_default();
        for (i, key) in keys.iter().enumerate() {
            if bytes >= MAX_BATCH_GET_BYTES {
                left.extend(wire_keys.get(i..).unwrap_or_default().iter().cloned());
                break;
            }
            let item = table.get_with(key, consistency);
            let size = item.map_or(0, item_size);
            let consumption = Consumption::table(read_units(size, consistent));
            let partition = throughput::partition_of(table, key);
            if let Err(e) = throughput::admit_read(
                &mut engine.capacity,
                table,
                now,
                enforce,
                partition,
                &consumption,
            ) {
                left.extend(wire_keys.get(i).cloned());
                throttled.get_or_insert(e);
                continue;
            }
            admitted += 1;
            units += consumption.table;
            heat.push((name, key.clone(), consumption.table));
            bytes += size;
            found.extend(item.map(|item| shaped(item, paths.as_deref())));
        }
        if !left.is_empty() {
            unprocessed.insert(
                name,
                KeysAndAttributes {
                    keys: Some(left),
                    ..keys_and_attributes.clone()
                },
            );
        }
        consumed.extend(ConsumedCapacity::report(
            name,
            &Consumption::table(units),
            capacity_mode,
        ));
    }
    if let (0, Some(e)) = (admitted, throttled) {
        return Err(e);
    }
    let body = respond(&BatchGetItemResponse {
        responses,
        unprocessed_keys: unprocessed,
        consumed_capacity: (capacity_mode != ReturnCapacity::None).then_some(consumed),
    });
    for (name, key, units) in heat {
        let settings = engine.simulation_for(name);
        crate::splits::note_heat(
            engine,
            name,
            &crate::partition::ItemPosition::of(key),
            units / 3.0,
            &settings,
        );
    }
    body
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WriteRequest {
    pub put_request: Option<PutRequest>,
    pub delete_request: Option<DeleteRequest>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRequest {
    pub item: Option<WireItem>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteRequest {
    pub key: Option<WireItem>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchWriteItemRequest {
    pub request_items: Option<BTreeMap<String, Vec<WriteRequest>>>,
    pub return_consumed_capacity: Option<String>,
    pub return_item_collection_metrics: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BatchWriteItemResponse {
    unprocessed_items: BTreeMap<String, Vec<serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    item_collection_metrics: BTreeMap<String, Vec<serde_json::Value>>,
}

/// One validated write of a batch: the key, and the item for a put.
struct PlannedWrite {
    key: PrimaryKey,
    item: Option<Item>,
}

pub fn batch_write_item(
    engine: &mut Engine,
    request: BatchWriteItemRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("requestItems", &request.request_items);
    ReturnCapacity::check(&mut v, request.return_consumed_capacity.as_deref());
    v.one_of(
        "returnItemCollectionMetrics",
        request.return_item_collection_metrics.as_deref(),
        &["SIZE", "NONE"],
    );
    v.finish()?;
    let request_items = request.request_items.expect("checked");
    if request_items.is_empty() {
        return Err(empty_request_items());
    }
    for (name, writes) in &request_items {
        if writes.is_empty() || writes.len() > MAX_BATCH_WRITES {
            return Err(DynamoError::validation(format!(
                "1 validation error detected: Value '{{{name}={}}}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]",
                writes.len()
            )));
        }
    }
    if request_items.values().map(Vec::len).sum::<usize>() > MAX_BATCH_WRITES {
        return Err(DynamoError::validation(
            "Too many items requested for the BatchWriteItem call",
        ));
    }
    // Validate everything before writing anything.
    let mut plan: Vec<(String, Vec<PlannedWrite>)> = Vec::new();
    for (name, writes) in request_items {
        let table = engine
            .tables
            .get(&name)
            .ok_or_else(DynamoError::resource_not_found)?;
        let mut planned: Vec<PlannedWrite> = Vec::new();
        for write in writes {
            let write = match (write.put_request, write.delete_request) {
                (
                    Some(PutRequest {
                        item: Some(WireItem(item)),
                    }),
                    None,
                ) => {
                    let key = table.key_schema().key_of_item(&item).map_err(|e| {
                        // Inside a batch DynamoDB words a key of the wrong type as a schema mismatch.
                        if e.message.contains("Type mismatch for key") {
                            DynamoError::validation(
                                "The provided key element does not match the schema",
                            )
                        } else {
                            e
                        }
                    })?;
                    if item_size(&item) > MAX_ITEM_BYTES {
                        return Err(DynamoError::validation(
                            "Item size has exceeded the maximum allowed size",
                        ));
                    }
                    table.check_item(&item)?;
                    table.check_collection_limit(
                        &key,
                        Some(&item),
                        engine.simulation_for(&name).item_collection_limit_bytes,
                    )?;
                    PlannedWrite {
                        key,
                        item: Some(item),
                    }
                }
                (
                    None,
                    Some(DeleteRequest {
                        key: Some(WireItem(key)),
                    }),
                ) => PlannedWrite {
                    key: table.key_schema().key_from_request(&key)?,
                    item: None,
                },
                _ => {
                    return Err(DynamoError::validation(
                        "Supplied write request must contain exactly one of PutRequest or DeleteRequest",
                    ));
                }
            };
            if planned.iter().any(|p| p.key == write.key) {
                return Err(duplicates());
            }
            planned.push(write);
        }
        plan.push((name, planned));
    }
    // An MRSC table's item being modified from another region fails the whole batch.
    #[cfg(feature = "extras")]
    for (name, writes) in &plan {
        for write in writes {
            engine.refuse_replicated_write("BatchWriteItem", name, &write.key)?;
        }
    }

    let capacity_mode = ReturnCapacity::from_wire(request.return_consumed_capacity.as_deref());
    let mut consumed = Vec::new();
    let mut metrics: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    let metrics_mode = request.return_item_collection_metrics.as_deref();
    // A write refused by throttling is left unprocessed; if every write is, the call fails.
    let mut unprocessed: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    let (mut admitted, mut throttled) = (0, None);
    for (name, writes) in plan {
        let mut consumption = Consumption::default();
        for PlannedWrite { key, item } in writes {
            let ticket = match throughput::admit_write(engine, &name, &key, item.as_ref()) {
                Ok(ticket) => ticket,
                Err(e) => {
                    unprocessed
                        .entry(name.clone())
                        .or_default()
                        .push(unprocessed_write(engine, &name, &key, item));
                    throttled.get_or_insert(e);
                    continue;
                }
            };
            admitted += 1;
            let new_size = item.as_ref().map_or(0, item_size);
            let outcome = commit_write(engine, &name, key.clone(), item);
            if let Some(entry) = collection_metrics(engine, &name, &key, metrics_mode) {
                metrics.entry(name.clone()).or_default().push(entry);
            }
            let units = write_units(new_size.max(outcome.old.as_deref().map_or(0, item_size)));
            let item_consumption = Consumption {
                table: units,
                indexes: outcome.index_units.clone(),
            };
            throughput::settle_write(
                engine,
                &name,
                ticket,
                &key,
                &item_consumption,
                &outcome.index_writes,
            );
            consumption.table += units;
            for (index, kind, units) in outcome.index_units {
                match consumption.indexes.iter_mut().find(|(n, _, _)| *n == index) {
                    Some(entry) => entry.2 += units,
                    None => consumption.indexes.push((index, kind, units)),
                }
            }
        }
        consumed.extend(ConsumedCapacity::report(&name, &consumption, capacity_mode));
    }
    if let (0, Some(e)) = (admitted, throttled) {
        return Err(e);
    }
    respond(&BatchWriteItemResponse {
        unprocessed_items: unprocessed,
        consumed_capacity: (capacity_mode != ReturnCapacity::None).then_some(consumed),
        item_collection_metrics: metrics,
    })
}

/// A write left unprocessed, as the request carried it.
fn unprocessed_write(
    engine: &Engine,
    table: &str,
    key: &PrimaryKey,
    item: Option<Item>,
) -> serde_json::Value {
    match item {
        Some(item) => serde_json::json!({"PutRequest": {"Item": item}}),
        None => {
            let key = engine
                .tables
                .get(table)
                .map(|t| t.key_schema().key_item(key))
                .unwrap_or_default();
            serde_json::json!({"DeleteRequest": {"Key": key}})
        }
    }
}
