//! Single-item operations: PutItem, GetItem, DeleteItem.

use serde::{Deserialize, Serialize};

use super::capacity::{ConsumedCapacity, Consumption, read_units, write_units};
use super::validate::{ReturnCapacity, Violations};
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::table::Table;
use crate::value::{Item, WireItem, item_size};

/// Largest item DynamoDB stores, in bytes as it counts them.
pub const MAX_ITEM_BYTES: usize = 409_600;

/// The table a request names, or DynamoDB's item-operation ResourceNotFoundException.
pub(crate) fn table_mut<'a>(engine: &'a mut Engine, name: &str) -> Result<&'a mut Table, DynamoError> {
    engine.tables.get_mut(name).ok_or_else(DynamoError::resource_not_found)
}

/// Parameters this build does not accept yet: refused plainly rather than ignored.
fn refuse_unsupported(params: &[(&str, bool)]) -> Result<(), DynamoError> {
    match params.iter().find(|(_, present)| *present) {
        Some((name, _)) => Err(DynamoError::validation(format!("{name} is not supported by this Dynoscope build yet"))),
        None => Ok(()),
    }
}

fn check_return_values(v: &mut Violations, value: Option<&str>) {
    v.one_of(
        "returnValues",
        value,
        &["ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"],
    );
}

/// PutItem and DeleteItem only return the old item, if anything.
fn wants_old_item(return_values: Option<&str>) -> Result<bool, DynamoError> {
    match return_values {
        None | Some("NONE") => Ok(false),
        Some("ALL_OLD") => Ok(true),
        Some(_) => Err(DynamoError::validation("Return values set to invalid value")),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutItemRequest {
    pub table_name: Option<String>,
    pub item: Option<WireItem>,
    pub return_values: Option<String>,
    pub return_consumed_capacity: Option<String>,
    pub condition_expression: Option<String>,
    pub expected: Option<serde_json::Value>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
struct WriteResponse<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<&'a Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
}

pub fn put_item(engine: &mut Engine, request: PutItemRequest) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.not_null("item", &request.item);
    check_return_values(&mut v, request.return_values.as_deref());
    ReturnCapacity::check(&mut v, request.return_consumed_capacity.as_deref());
    v.finish()?;
    refuse_unsupported(&[
        ("ConditionExpression", request.condition_expression.is_some()),
        ("Expected", request.expected.is_some()),
    ])?;
    let return_old = wants_old_item(request.return_values.as_deref())?;
    let capacity_mode = ReturnCapacity::from_wire(request.return_consumed_capacity.as_deref());
    let name = request.table_name.expect("checked");
    let item = request.item.expect("checked").0;

    let table = table_mut(engine, &name)?;
    let key = table.key_schema().key_of_item(&item)?;
    let new_size = item_size(&item);
    if new_size > MAX_ITEM_BYTES {
        return Err(DynamoError::validation("Item size has exceeded the maximum allowed size"));
    }
    table.check_item(&item)?;
    let key_item = table.key_schema().key_item(&key);
    engine.record_put(&name, &key_item, &item);
    let outcome = table_mut(engine, &name)?.write(key, Some(item));
    let old = outcome.old;
    let old_size = old.as_ref().map_or(0, item_size);
    let consumption = Consumption { table: write_units(new_size.max(old_size)), indexes: outcome.index_units };
    respond(&WriteResponse {
        attributes: old.as_ref().filter(|_| return_old),
        consumed_capacity: ConsumedCapacity::report(&name, &consumption, capacity_mode),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetItemRequest {
    pub table_name: Option<String>,
    pub key: Option<WireItem>,
    pub consistent_read: Option<bool>,
    pub return_consumed_capacity: Option<String>,
    pub attributes_to_get: Option<Vec<String>>,
    pub projection_expression: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetItemResponse<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<&'a Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
}

pub fn get_item(engine: &mut Engine, request: GetItemRequest) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.not_null("key", &request.key);
    ReturnCapacity::check(&mut v, request.return_consumed_capacity.as_deref());
    v.finish()?;
    refuse_unsupported(&[
        ("ProjectionExpression", request.projection_expression.is_some()),
        ("AttributesToGet", request.attributes_to_get.is_some()),
    ])?;
    let capacity_mode = ReturnCapacity::from_wire(request.return_consumed_capacity.as_deref());
    let name = request.table_name.as_deref().expect("checked");
    let table = engine.tables.get(name).ok_or_else(DynamoError::resource_not_found)?;
    let key = table.key_schema().key_from_request(&request.key.as_ref().expect("checked").0)?;
    let item = table.get(&key);
    let units = read_units(item.map_or(0, item_size), request.consistent_read.unwrap_or(false));
    respond(&GetItemResponse {
        item,
        consumed_capacity: ConsumedCapacity::report(name, &Consumption::table(units), capacity_mode),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteItemRequest {
    pub table_name: Option<String>,
    pub key: Option<WireItem>,
    pub return_values: Option<String>,
    pub return_consumed_capacity: Option<String>,
    pub condition_expression: Option<String>,
    pub expected: Option<serde_json::Value>,
}

pub fn delete_item(engine: &mut Engine, request: DeleteItemRequest) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.not_null("key", &request.key);
    check_return_values(&mut v, request.return_values.as_deref());
    ReturnCapacity::check(&mut v, request.return_consumed_capacity.as_deref());
    v.finish()?;
    refuse_unsupported(&[
        ("ConditionExpression", request.condition_expression.is_some()),
        ("Expected", request.expected.is_some()),
    ])?;
    let return_old = wants_old_item(request.return_values.as_deref())?;
    let capacity_mode = ReturnCapacity::from_wire(request.return_consumed_capacity.as_deref());
    let name = request.table_name.expect("checked");
    let table = table_mut(engine, &name)?;
    let key = table.key_schema().key_from_request(&request.key.expect("checked").0)?;
    let key_item = table.key_schema().key_item(&key);
    let outcome = table.write(key, None);
    let old = outcome.old;
    if old.is_some() {
        engine.record_delete(&name, &key_item);
    }
    let consumption = Consumption { table: write_units(old.as_ref().map_or(0, item_size)), indexes: outcome.index_units };
    respond(&WriteResponse {
        attributes: old.as_ref().filter(|_| return_old),
        consumed_capacity: ConsumedCapacity::report(&name, &consumption, capacity_mode),
    })
}
