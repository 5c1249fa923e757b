//! Single-item operations: PutItem, UpdateItem, DeleteItem, GetItem. Writes are checked
//! (key, size, index keys, condition) before anything changes, then applied through
//! [`crate::write::commit_write`], which every write path shares.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::capacity::{ConsumedCapacity, Consumption, read_units, write_units};
use super::expressions::{
    AttributeUpdateArg, ExpressionArgs, Expressions, LegacyConditions, check_conditional_operator,
    legacy_expected, legacy_update, refuse_mixing,
};
use super::validate::{ReturnCapacity, Violations};
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::expr::{Condition, Path, project};
use crate::key::PrimaryKey;
use crate::partition::ItemPosition;
use crate::splits::note_heat;
use crate::table::Table;
use crate::throughput;
use crate::value::{Item, MAX_ITEM_BYTES, WireItem, item_size};
use crate::write::commit_write;

/// The table a request names, or DynamoDB's item-operation ResourceNotFoundException.
pub(crate) fn table_of<'a>(engine: &'a Engine, name: &str) -> Result<&'a Table, DynamoError> {
    engine
        .tables
        .get(name)
        .ok_or_else(DynamoError::resource_not_found)
}

const RETURN_VALUES: &[&str] = &["ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"];

/// PutItem and DeleteItem only return the old item, if anything.
fn wants_old_item(return_values: Option<&str>) -> Result<bool, DynamoError> {
    match return_values {
        None | Some("NONE") => Ok(false),
        Some("ALL_OLD") => Ok(true),
        Some(_) => Err(DynamoError::validation(
            "ReturnValues can only be ALL_OLD or NONE",
        )),
    }
}

/// DynamoDB's ConditionalCheckFailedException, carrying the item when asked to.
pub(crate) fn condition_failed(old: Option<&Item>, return_old: bool) -> DynamoError {
    let mut error = DynamoError::new(
        ErrorKind::ConditionalCheckFailedException,
        "The conditional request failed",
    );
    if let (true, Some(item)) = (return_old, old) {
        let mut extra = serde_json::Map::new();
        extra.insert(
            "Item".into(),
            serde_json::to_value(item).expect("items serialise"),
        );
        error.extra = Some(extra);
    }
    error
}

/// Checks a write's condition against the item as it stands (a missing item is empty).
pub(crate) fn check_condition(
    condition: Option<&Condition>,
    old: Option<&Item>,
    return_old: bool,
) -> Result<(), DynamoError> {
    let empty = Item::new();
    match condition {
        Some(condition) if !condition.evaluate(old.unwrap_or(&empty)) => {
            Err(condition_failed(old, return_old))
        }
        _ => Ok(()),
    }
}

/// The event history's account of a single-item read: which replica served it, and whether
/// what it returned was behind the leader.
fn record_read_event(
    engine: &mut Engine,
    table_name: &str,
    key: &PrimaryKey,
    consistency: crate::replica::Consistency,
) {
    if !engine.events.is_enabled() {
        return;
    }
    let Some(table) = engine.tables.get(table_name) else {
        return;
    };
    let partition = table
        .items()
        .partition_for(&crate::partition::ItemPosition::of(key.clone()));
    let view = consistency.view_for(partition.id);
    let replica = match view {
        crate::replica::ReadView::Leader => partition.replicas.leader,
        crate::replica::ReadView::Replica { replica, .. } => replica,
    };
    let stale = table.get_with(key, consistency) != table.get(key);
    let detail = serde_json::json!({
        "Operation": "GetItem",
        "Key": table.key_schema().key_item(key),
        "PartitionId": partition.id,
        "Consistent": consistency == crate::replica::Consistency::Strong,
        "Replica": replica,
        "Stale": stale,
    });
    let now = engine.now_millis();
    engine.events.record(now, "READ", table_name, || detail);
}

/// A write's cost: the larger of the item before and after, plus each index it touched.
fn write_consumption(
    old: Option<&Item>,
    new_size: usize,
    index_units: Vec<(String, crate::index::IndexKind, f64)>,
) -> Consumption {
    Consumption {
        table: write_units(new_size.max(old.map_or(0, item_size))),
        indexes: index_units,
    }
}

#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
struct WriteResponse<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<std::borrow::Cow<'a, Item>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item_collection_metrics: Option<serde_json::Value>,
}

/// `ItemCollectionMetrics` for a write to a table with local indexes, when asked for with
/// SIZE: the collection's partition key and its size as a range of gigabytes.
pub(crate) fn collection_metrics(
    engine: &Engine,
    table_name: &str,
    key: &PrimaryKey,
    mode: Option<&str>,
) -> Option<serde_json::Value> {
    let table = engine.tables.get(table_name)?;
    if mode != Some("SIZE") || !table.has_local_index() {
        return None;
    }
    const GB: f64 = 1024.0 * 1024.0 * 1024.0;
    let lower = (table.item_collection_bytes(&key.hash) as f64 / GB).floor();
    let mut collection_key = Item::new();
    collection_key.insert(
        table.key_schema().hash.name.clone(),
        key.hash.to_attribute(),
    );
    Some(
        serde_json::json!({"ItemCollectionKey": collection_key, "SizeEstimateRangeGB": [lower, lower + 1.0]}),
    )
}

/// The members PutItem, UpdateItem and DeleteItem share, borrowed from a request.
struct WriteMembers<'a> {
    table_name: Option<&'a str>,
    return_values: Option<&'a str>,
    return_consumed_capacity: Option<&'a str>,
    return_item_collection_metrics: Option<&'a str>,
    return_values_on_condition_check_failure: Option<&'a str>,
    condition_expression: Option<&'a str>,
    expression_attribute_names: Option<&'a BTreeMap<String, String>>,
    expression_attribute_values: Option<&'a Item>,
    expected: Option<&'a LegacyConditions>,
    conditional_operator: Option<&'a str>,
}

/// Borrows the shared members of a PutItem, UpdateItem or DeleteItem request.
macro_rules! write_members {
    ($request:expr) => {
        WriteMembers {
            table_name: $request.table_name.as_deref(),
            return_values: $request.return_values.as_deref(),
            return_consumed_capacity: $request.return_consumed_capacity.as_deref(),
            return_item_collection_metrics: $request.return_item_collection_metrics.as_deref(),
            return_values_on_condition_check_failure: $request
                .return_values_on_condition_check_failure
                .as_deref(),
            condition_expression: $request.condition_expression.as_deref(),
            expression_attribute_names: $request.expression_attribute_names.as_ref(),
            expression_attribute_values: $request
                .expression_attribute_values
                .as_ref()
                .map(|v| &v.0),
            expected: $request.expected.as_ref(),
            conditional_operator: $request.conditional_operator.as_deref(),
        }
    };
}

/// What the shared members ask for, checked and parsed.
struct WriteSetup {
    expressions: Expressions,
    capacity_mode: ReturnCapacity,
    return_on_failure: bool,
}

impl WriteMembers<'_> {
    /// The members' constraints (`key_member` is `item` for PutItem, `key` otherwise).
    fn check_shape<T>(&self, v: &mut Violations, key_member: &str, key: &Option<T>) {
        v.table_name("tableName", self.table_name);
        v.not_null(key_member, key);
        v.one_of("returnValues", self.return_values, RETURN_VALUES);
        ReturnCapacity::check(v, self.return_consumed_capacity);
        v.one_of(
            "returnItemCollectionMetrics",
            self.return_item_collection_metrics,
            &["SIZE", "NONE"],
        );
        v.one_of(
            "returnValuesOnConditionCheckFailure",
            self.return_values_on_condition_check_failure,
            &["ALL_OLD", "NONE"],
        );
    }

    /// Reads the condition (ConditionExpression or Expected) and, for UpdateItem, the update
    /// (UpdateExpression or AttributeUpdates), refusing a mix of the two generations.
    fn setup(
        &self,
        update_item: bool,
        update: Option<&str>,
        attribute_updates: Option<&BTreeMap<String, AttributeUpdateArg>>,
    ) -> Result<WriteSetup, DynamoError> {
        let args = ExpressionArgs {
            names: self.expression_attribute_names,
            values: self.expression_attribute_values,
            condition: self.condition_expression,
            update,
            ..Default::default()
        };
        let legacy = [
            ("AttributeUpdates", attribute_updates.is_some()),
            ("Expected", self.expected.is_some()),
            ("ConditionalOperator", self.conditional_operator.is_some()),
        ];
        refuse_mixing(&legacy, &args)?;
        check_conditional_operator(self.conditional_operator, self.expected.map(|e| e.len()))?;
        let users: &[&str] = if update_item {
            &["UpdateExpression", "ConditionExpression"]
        } else {
            &["ConditionExpression"]
        };
        let mut expressions = args.parse(users)?;
        if let Some(updates) = attribute_updates {
            expressions.update = Some(legacy_update(updates)?);
        }
        if expressions.condition.is_none() {
            expressions.condition = legacy_expected(self.expected, self.conditional_operator)?;
        }
        Ok(WriteSetup {
            expressions,
            capacity_mode: ReturnCapacity::from_wire(self.return_consumed_capacity),
            return_on_failure: self.return_values_on_condition_check_failure == Some("ALL_OLD"),
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutItemRequest {
    pub table_name: Option<String>,
    pub item: Option<WireItem>,
    pub return_values: Option<String>,
    pub return_consumed_capacity: Option<String>,
    pub return_item_collection_metrics: Option<String>,
    pub return_values_on_condition_check_failure: Option<String>,
    pub condition_expression: Option<String>,
    pub expression_attribute_names: Option<BTreeMap<String, String>>,
    pub expression_attribute_values: Option<crate::value::ValueMap>,
    pub expected: Option<LegacyConditions>,
    pub conditional_operator: Option<String>,
}

pub fn put_item(engine: &mut Engine, request: PutItemRequest) -> Result<Vec<u8>, DynamoError> {
    let members = write_members!(request);
    let mut v = Violations::new();
    members.check_shape(&mut v, "item", &request.item);
    v.finish()?;
    let return_old = wants_old_item(request.return_values.as_deref())?;
    let WriteSetup {
        expressions,
        capacity_mode,
        return_on_failure,
    } = members.setup(false, None, None)?;
    let name = request.table_name.expect("checked");
    let item = request.item.expect("checked").0;

    let table = table_of(engine, &name)?;
    let key = table.key_schema().key_of_item(&item)?;
    #[cfg(feature = "extras")]
    engine.refuse_held_write("PutItem", &name, &key)?;
    #[cfg(feature = "extras")]
    engine.refuse_replicated_write("PutItem", &name, &key)?;
    let table = table_of(engine, &name)?;
    let new_size = item_size(&item);
    if new_size > MAX_ITEM_BYTES {
        return Err(DynamoError::validation(
            "Item size has exceeded the maximum allowed size",
        ));
    }
    table.check_item(&item)?;
    // Without a condition, the item in place matters only once the write is made.
    let condition = expressions.condition.as_ref();
    if let Err(e) = condition.map_or(Ok(()), |c| {
        check_condition(Some(c), table.get(&key), return_on_failure)
    }) {
        return Err(
            throughput::charge_failed_write(engine, &name, &key, Some(new_size))
                .err()
                .unwrap_or(e),
        );
    }
    table.check_collection_limit(
        &key,
        Some(&item),
        engine.simulation_for(&name).item_collection_limit_bytes,
    )?;

    let ticket = throughput::admit_write(engine, &name, &key, Some(&item))?;
    let outcome = commit_write(engine, &name, key.clone(), Some(item));
    let consumption = write_consumption(outcome.old.as_deref(), new_size, outcome.index_units);
    throughput::settle_write(
        engine,
        &name,
        ticket,
        &key,
        &consumption,
        &outcome.index_writes,
    );
    respond(&WriteResponse {
        attributes: outcome
            .old
            .filter(|_| return_old)
            .map(|old| std::borrow::Cow::Owned(std::sync::Arc::unwrap_or_clone(old))),
        consumed_capacity: ConsumedCapacity::report(&name, &consumption, capacity_mode),
        item_collection_metrics: collection_metrics(
            engine,
            &name,
            &key,
            request.return_item_collection_metrics.as_deref(),
        ),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateItemRequest {
    pub table_name: Option<String>,
    pub key: Option<WireItem>,
    pub update_expression: Option<String>,
    pub condition_expression: Option<String>,
    pub expression_attribute_names: Option<BTreeMap<String, String>>,
    pub expression_attribute_values: Option<crate::value::ValueMap>,
    pub return_values: Option<String>,
    pub return_consumed_capacity: Option<String>,
    pub return_item_collection_metrics: Option<String>,
    pub return_values_on_condition_check_failure: Option<String>,
    pub attribute_updates: Option<BTreeMap<String, AttributeUpdateArg>>,
    pub expected: Option<LegacyConditions>,
    pub conditional_operator: Option<String>,
}

/// The attributes UpdateItem's ReturnValues asks for.
fn update_return_values<'a>(
    mode: Option<&str>,
    old: Option<&'a Item>,
    new: &'a Item,
    paths: &[Path],
) -> Option<std::borrow::Cow<'a, Item>> {
    use std::borrow::Cow;
    let nonempty = |item: Item| (!item.is_empty()).then_some(Cow::Owned(item));
    match mode {
        Some("ALL_OLD") => old.map(Cow::Borrowed),
        Some("ALL_NEW") => Some(Cow::Borrowed(new)),
        Some("UPDATED_OLD") => old.and_then(|old| nonempty(project(old, paths))),
        Some("UPDATED_NEW") => nonempty(project(new, paths)),
        _ => None,
    }
}

pub fn update_item(
    engine: &mut Engine,
    request: UpdateItemRequest,
) -> Result<Vec<u8>, DynamoError> {
    let members = write_members!(request);
    let mut v = Violations::new();
    members.check_shape(&mut v, "key", &request.key);
    v.finish()?;
    let WriteSetup {
        expressions,
        capacity_mode,
        return_on_failure,
    } = members.setup(
        true,
        request.update_expression.as_deref(),
        request.attribute_updates.as_ref(),
    )?;
    let name = request.table_name.expect("checked");

    let table = table_of(engine, &name)?;
    let key = (table.key_schema()).key_from_request(&request.key.expect("checked").0)?;
    #[cfg(feature = "extras")]
    engine.refuse_held_write("UpdateItem", &name, &key)?;
    #[cfg(feature = "extras")]
    engine.refuse_replicated_write("UpdateItem", &name, &key)?;
    let table = table_of(engine, &name)?;
    let schema = table.key_schema();
    if let Some(update) = &expressions.update
        && let Some(attribute) = update
            .top_level_attributes()
            .into_iter()
            .find(|a| schema.is_key_attribute(a))
    {
        return Err(DynamoError::validation(format!(
            "One or more parameter values were invalid: Cannot update attribute {attribute}. This attribute is part of the key"
        )));
    }
    if let Some(update) = &expressions.update {
        super::index_keys::check_before(update, table)?;
    }
    let old = table.get(&key);
    if let Err(e) = check_condition(expressions.condition.as_ref(), old, return_on_failure) {
        return Err(throughput::charge_failed_write(engine, &name, &key, None)
            .err()
            .unwrap_or(e));
    }
    let mut new = old.cloned().unwrap_or_else(|| schema.key_item(&key));
    if let Some(update) = &expressions.update {
        update.apply(&mut new, old.is_some()).map_err(|e| {
            // AttributeUpdates words a type clash its own way.
            if request.attribute_updates.is_some()
                && e.message == "An operand in the update expression has an incorrect data type"
            {
                DynamoError::validation("Type mismatch for attribute to update")
            } else {
                e
            }
        })?;
        super::index_keys::check_after(update, table, &new)?;
    }
    let new_size = item_size(&new);
    if new_size > MAX_ITEM_BYTES {
        return Err(DynamoError::validation(
            "Item size to update has exceeded the maximum allowed size",
        ));
    }
    table.check_item(&new)?;
    table.check_collection_limit(
        &key,
        Some(&new),
        engine.simulation_for(&name).item_collection_limit_bytes,
    )?;

    let paths: Vec<Path> = expressions
        .update
        .as_ref()
        .map(|u| u.target_paths().into_iter().cloned().collect())
        .unwrap_or_default();
    // An update of a missing item that only removes or deletes creates nothing (an update
    // with no actions at all still creates the bare item).
    let acts = expressions.update.as_ref().is_some_and(|u| {
        !(u.set.is_empty() && u.remove.is_empty() && u.add.is_empty() && u.delete.is_empty())
    });
    if old.is_none() && acts && new.len() == schema.names().count() {
        let ticket = throughput::admit_write(engine, &name, &key, None)?;
        let consumption = write_consumption(None, 0, Vec::new());
        throughput::settle_write(engine, &name, ticket, &key, &consumption, &[]);
        return respond(&WriteResponse {
            attributes: None,
            consumed_capacity: ConsumedCapacity::report(&name, &consumption, capacity_mode),
            item_collection_metrics: None,
        });
    }
    let ticket = throughput::admit_write(engine, &name, &key, Some(&new))?;
    let outcome = commit_write(engine, &name, key.clone(), Some(new));
    let consumption = write_consumption(outcome.old.as_deref(), new_size, outcome.index_units);
    throughput::settle_write(
        engine,
        &name,
        ticket,
        &key,
        &consumption,
        &outcome.index_writes,
    );
    let stored = engine.tables[&name].get(&key).expect("just written");
    respond(&WriteResponse {
        attributes: update_return_values(
            request.return_values.as_deref(),
            outcome.old.as_deref(),
            stored,
            &paths,
        ),
        consumed_capacity: ConsumedCapacity::report(&name, &consumption, capacity_mode),
        item_collection_metrics: collection_metrics(
            engine,
            &name,
            &key,
            request.return_item_collection_metrics.as_deref(),
        ),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteItemRequest {
    pub table_name: Option<String>,
    pub key: Option<WireItem>,
    pub return_values: Option<String>,
    pub return_consumed_capacity: Option<String>,
    pub return_item_collection_metrics: Option<String>,
    pub return_values_on_condition_check_failure: Option<String>,
    pub condition_expression: Option<String>,
    pub expression_attribute_names: Option<BTreeMap<String, String>>,
    pub expression_attribute_values: Option<crate::value::ValueMap>,
    pub expected: Option<LegacyConditions>,
    pub conditional_operator: Option<String>,
}

pub fn delete_item(
    engine: &mut Engine,
    request: DeleteItemRequest,
) -> Result<Vec<u8>, DynamoError> {
    let members = write_members!(request);
    let mut v = Violations::new();
    members.check_shape(&mut v, "key", &request.key);
    v.finish()?;
    let return_old = wants_old_item(request.return_values.as_deref())?;
    let WriteSetup {
        expressions,
        capacity_mode,
        return_on_failure,
    } = members.setup(false, None, None)?;
    let name = request.table_name.expect("checked");

    let table = table_of(engine, &name)?;
    let key = table
        .key_schema()
        .key_from_request(&request.key.expect("checked").0)?;
    #[cfg(feature = "extras")]
    engine.refuse_held_write("DeleteItem", &name, &key)?;
    #[cfg(feature = "extras")]
    engine.refuse_replicated_write("DeleteItem", &name, &key)?;
    let table = table_of(engine, &name)?;
    if let Err(e) = check_condition(
        expressions.condition.as_ref(),
        table.get(&key),
        return_on_failure,
    ) {
        return Err(throughput::charge_failed_write(engine, &name, &key, None)
            .err()
            .unwrap_or(e));
    }
    let ticket = throughput::admit_write(engine, &name, &key, None)?;
    let outcome = commit_write(engine, &name, key.clone(), None);
    let consumption = write_consumption(outcome.old.as_deref(), 0, outcome.index_units);
    throughput::settle_write(
        engine,
        &name,
        ticket,
        &key,
        &consumption,
        &outcome.index_writes,
    );
    respond(&WriteResponse {
        attributes: outcome
            .old
            .filter(|_| return_old)
            .map(|old| std::borrow::Cow::Owned(std::sync::Arc::unwrap_or_clone(old))),
        consumed_capacity: ConsumedCapacity::report(&name, &consumption, capacity_mode),
        item_collection_metrics: collection_metrics(
            engine,
            &name,
            &key,
            request.return_item_collection_metrics.as_deref(),
        ),
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
    pub expression_attribute_names: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetItemResponse<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<std::borrow::Cow<'a, Item>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
}

/// The paths a read returns: its ProjectionExpression, or its legacy AttributesToGet.
pub(crate) fn projection_paths(
    projection: Option<Vec<Path>>,
    attributes_to_get: Option<&[String]>,
) -> Option<Vec<Path>> {
    projection.or_else(|| {
        attributes_to_get.map(|names| names.iter().map(|n| Path::attribute(n.clone())).collect())
    })
}

/// An item as a read returns it: whole, or projected.
pub(crate) fn shaped<'a>(item: &'a Item, paths: Option<&[Path]>) -> std::borrow::Cow<'a, Item> {
    match paths {
        Some(paths) => std::borrow::Cow::Owned(project(item, paths)),
        None => std::borrow::Cow::Borrowed(item),
    }
}

pub fn get_item(engine: &mut Engine, request: GetItemRequest) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.not_null("key", &request.key);
    ReturnCapacity::check(&mut v, request.return_consumed_capacity.as_deref());
    v.finish()?;
    let args = ExpressionArgs {
        names: request.expression_attribute_names.as_ref(),
        projection: request.projection_expression.as_deref(),
        ..Default::default()
    };
    refuse_mixing(
        &[("AttributesToGet", request.attributes_to_get.is_some())],
        &args,
    )?;
    let expressions = args.parse(&[])?;
    let paths = projection_paths(expressions.projection, request.attributes_to_get.as_deref());
    let capacity_mode = ReturnCapacity::from_wire(request.return_consumed_capacity.as_deref());
    let name = request.table_name.as_deref().expect("checked");
    let key = table_of(engine, name)?
        .key_schema()
        .key_from_request(&request.key.as_ref().expect("checked").0)?;
    let consistency = engine.consistency(request.consistent_read.unwrap_or(false));
    record_read_event(engine, name, &key, consistency);
    let (now, enforce) = (engine.now_millis(), engine.simulation_for(name).throttling);
    let table = engine
        .tables
        .get(name)
        .ok_or_else(DynamoError::resource_not_found)?;
    // A projection does not reduce what the read costs.
    let units = read_units(
        table.get_with(&key, consistency).map_or(0, item_size),
        request.consistent_read.unwrap_or(false),
    );
    let consumption = Consumption::table(units);
    throughput::admit_read(
        &mut engine.capacity,
        table,
        now,
        enforce,
        throughput::partition_of(table, &key),
        &consumption,
    )?;
    // Reads heat a partition at a third of the weight of writes (3,000 RCU against 1,000 WCU).
    let settings = engine.simulation_for(name);
    note_heat(
        engine,
        name,
        &ItemPosition::of(key.clone()),
        units / 3.0,
        &settings,
    );
    let item = engine.tables[name].get_with(&key, consistency);
    respond(&GetItemResponse {
        item: item.map(|item| shaped(item, paths.as_deref())),
        consumed_capacity: ConsumedCapacity::report(name, &consumption, capacity_mode),
    })
}
