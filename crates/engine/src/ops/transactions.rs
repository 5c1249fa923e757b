//! TransactGetItems and TransactWriteItems: up to 100 actions on distinct items, all or
//! nothing. Every action is checked first; if any condition fails the transaction is
//! cancelled with a reason per action, in order, and nothing is written. Each item costs
//! twice what the same read or write would outside a transaction (prepare and commit).
//! A ClientRequestToken makes a write transaction idempotent for ten minutes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::capacity::{read_units, write_units};
use super::expressions::ExpressionArgs;
use super::items::{collection_metrics, projection_paths, shaped};
use super::validate::{ReturnCapacity, Violations};
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::expr::{Condition, Update};
use crate::key::PrimaryKey;
use crate::throughput;
use crate::tokens::TokenRecord;
use crate::value::MAX_ITEM_BYTES;
use crate::value::{Item, WireItem, item_size};
use crate::write::commit_write;

/// Most actions one transaction may hold.
pub const MAX_TRANSACTION_ACTIONS: usize = 100;
/// Largest total size of a transaction's items.
pub const MAX_TRANSACTION_BYTES: usize = 4 * 1024 * 1024;
/// How long a ClientRequestToken is remembered.
pub const IDEMPOTENCY_WINDOW_MILLIS: u64 = 10 * 60 * 1000;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActionArg {
    pub table_name: Option<String>,
    pub key: Option<WireItem>,
    pub item: Option<WireItem>,
    pub condition_expression: Option<String>,
    pub update_expression: Option<String>,
    pub projection_expression: Option<String>,
    pub expression_attribute_names: Option<BTreeMap<String, String>>,
    pub expression_attribute_values: Option<crate::value::ValueMap>,
    pub return_values_on_condition_check_failure: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransactWriteItem {
    pub condition_check: Option<ActionArg>,
    pub put: Option<ActionArg>,
    pub delete: Option<ActionArg>,
    pub update: Option<ActionArg>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransactWriteItemsRequest {
    pub transact_items: Option<Vec<TransactWriteItem>>,
    pub return_consumed_capacity: Option<String>,
    pub return_item_collection_metrics: Option<String>,
    pub client_request_token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WriteKind {
    ConditionCheck,
    Put,
    Delete,
    Update,
}

/// One action, checked and ready: which item, what it must satisfy, what it writes.
struct PlannedAction {
    kind: WriteKind,
    table: String,
    /// The item's key; an action whose key or item is malformed has none, and cancels the
    /// transaction with a ValidationError reason instead of failing the whole request.
    key: Result<PrimaryKey, String>,
    condition: Option<Condition>,
    update: Option<Update>,
    item: Option<Item>,
    return_old_on_failure: bool,
}

/// Per-table capacity of a transaction, split into read and write units.
#[derive(Default)]
struct TableUnits {
    read: f64,
    write: f64,
    indexes: BTreeMap<String, (crate::index::IndexKind, f64)>,
}

/// The `ConsumedCapacity` list of a transaction: one entry per table, with the read/write
/// split DynamoDB shows only for transactions.
fn report(units: BTreeMap<String, TableUnits>, mode: ReturnCapacity) -> Option<Vec<Value>> {
    if mode == ReturnCapacity::None {
        return None;
    }
    let entries = units
        .into_iter()
        .map(|(table, u)| {
            let index_total: f64 = u.indexes.values().map(|(_, units)| units).sum();
            let split = |read: f64, write: f64| {
                let mut capacity = json!({"CapacityUnits": read + write});
                if read > 0.0 {
                    capacity["ReadCapacityUnits"] = json!(read);
                }
                if write > 0.0 {
                    capacity["WriteCapacityUnits"] = json!(write);
                }
                capacity
            };
            let mut entry = split(u.read, u.write + index_total);
            entry["TableName"] = json!(table);
            if mode == ReturnCapacity::Indexes {
                entry["Table"] = split(u.read, u.write);
                for (name, (kind, units)) in &u.indexes {
                    let member = match kind {
                        crate::index::IndexKind::Global => "GlobalSecondaryIndexes",
                        crate::index::IndexKind::Local => "LocalSecondaryIndexes",
                    };
                    if entry.get(member).is_none() {
                        entry[member] = json!({});
                    }
                    entry[member][name] = split(0.0, *units);
                }
            }
            entry
        })
        .collect();
    Some(entries)
}

fn too_many_actions(count: usize, field: &str) -> DynamoError {
    DynamoError::validation(format!(
        "1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must have length less than or equal to {MAX_TRANSACTION_ACTIONS}; actual: {count}"
    ))
}

fn one_action_per_item() -> DynamoError {
    DynamoError::validation("Transaction request cannot include multiple operations on one item")
}

/// A key that does not fit the schema cancels the transaction (a ValidationError reason);
/// an empty key value fails the whole request.
fn deferred(
    key: Result<PrimaryKey, DynamoError>,
) -> Result<Result<PrimaryKey, String>, DynamoError> {
    match key {
        Ok(key) => Ok(Ok(key)),
        Err(e)
            if e.message.contains("cannot contain an empty")
                || e.message.contains("Size of hashkey")
                || e.message.contains("range keys has exceeded") =>
        {
            Err(e)
        }
        Err(e) => Ok(Err(e.message)),
    }
}

/// Checks one write action and reads its expressions.
fn plan_write(
    engine: &Engine,
    kind: WriteKind,
    arg: &ActionArg,
) -> Result<PlannedAction, DynamoError> {
    let mut v = Violations::new();
    v.table_name("transactItems.member.tableName", arg.table_name.as_deref());
    match kind {
        WriteKind::Put => v.not_null("transactItems.member.put.item", &arg.item),
        _ => v.not_null("transactItems.member.key", &arg.key),
    }
    if kind == WriteKind::Update {
        v.not_null(
            "transactItems.member.update.updateExpression",
            &arg.update_expression,
        );
    }
    if kind == WriteKind::ConditionCheck {
        v.not_null(
            "transactItems.member.conditionCheck.conditionExpression",
            &arg.condition_expression,
        );
    }
    v.one_of(
        "transactItems.member.returnValuesOnConditionCheckFailure",
        arg.return_values_on_condition_check_failure.as_deref(),
        &["ALL_OLD", "NONE"],
    );
    v.finish()?;
    let args = ExpressionArgs {
        names: arg.expression_attribute_names.as_ref(),
        values: arg.expression_attribute_values.as_ref().map(|v| &v.0),
        condition: arg.condition_expression.as_deref(),
        update: arg.update_expression.as_deref(),
        ..Default::default()
    };
    let users: &[&str] = if kind == WriteKind::Update {
        &["UpdateExpression", "ConditionExpression"]
    } else {
        &["ConditionExpression"]
    };
    let expressions = args.parse(users)?;
    let table_name = arg.table_name.clone().expect("checked");
    let table = engine
        .tables
        .get(&table_name)
        .ok_or_else(DynamoError::resource_not_found)?;
    let schema = table.key_schema();
    let (key, item) = match kind {
        WriteKind::Put => {
            let item = arg.item.as_ref().expect("checked").0.clone();
            if item_size(&item) > MAX_ITEM_BYTES {
                return Err(DynamoError::validation(
                    "Item size has exceeded the maximum allowed size",
                ));
            }
            let key = table
                .check_item(&item)
                .and_then(|_| schema.key_of_item(&item));
            (deferred(key)?, Some(item))
        }
        _ => (
            deferred(schema.key_from_request(&arg.key.as_ref().expect("checked").0))?,
            None,
        ),
    };
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
    Ok(PlannedAction {
        kind,
        table: table_name,
        key,
        condition: expressions.condition,
        update: expressions.update,
        item,
        return_old_on_failure: arg.return_values_on_condition_check_failure.as_deref()
            == Some("ALL_OLD"),
    })
}

/// What a write action will leave: for Put the item, for Update the updated item, for
/// Delete nothing, for ConditionCheck no write at all (`Err` is a cancellation reason).
fn outcome_of(engine: &Engine, action: &PlannedAction) -> Result<Option<Option<Item>>, Value> {
    let key = match &action.key {
        Ok(key) => key,
        Err(message) => return Err(json!({"Code": "ValidationError", "Message": message})),
    };
    let table = &engine.tables[&action.table];
    let old = table.get(key);
    let empty = Item::new();
    if let Some(condition) = &action.condition
        && !condition.evaluate(old.unwrap_or(&empty))
    {
        let mut reason =
            json!({"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"});
        if let (true, Some(item)) = (action.return_old_on_failure, old) {
            reason["Item"] = serde_json::to_value(item).expect("items serialise");
        }
        return Err(reason);
    }
    let validation = |e: DynamoError| json!({"Code": "ValidationError", "Message": e.message});
    let limit = engine
        .simulation_for(&action.table)
        .item_collection_limit_bytes;
    let within_collection = |new: Option<&Item>| {
        table
            .check_collection_limit(key, new, limit)
            .map_err(|e| json!({"Code": "ItemCollectionSizeLimitExceeded", "Message": e.message}))
    };
    match action.kind {
        WriteKind::ConditionCheck => Ok(None),
        WriteKind::Put => {
            within_collection(action.item.as_ref())?;
            Ok(Some(action.item.clone()))
        }
        WriteKind::Delete => Ok(Some(None)),
        WriteKind::Update => {
            let mut new = old
                .cloned()
                .unwrap_or_else(|| table.key_schema().key_item(key));
            if let Some(update) = &action.update {
                super::index_keys::check_before(update, table).map_err(validation)?;
                update.apply(&mut new, old.is_some()).map_err(validation)?;
                super::index_keys::check_after(update, table, &new).map_err(validation)?;
            }
            if item_size(&new) > MAX_ITEM_BYTES {
                return Err(validation(DynamoError::validation(
                    "Item size to update has exceeded the maximum allowed size",
                )));
            }
            table.check_item(&new).map_err(validation)?;
            within_collection(Some(&new))?;
            Ok(Some(Some(new)))
        }
    }
}

fn cancelled(reasons: Vec<Value>) -> DynamoError {
    let codes: Vec<&str> = reasons
        .iter()
        .map(|r| r["Code"].as_str().unwrap_or("None"))
        .collect();
    let mut error = DynamoError::new(
        ErrorKind::TransactionCanceledException,
        format!(
            "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
            codes.join(", ")
        ),
    );
    let mut extra = serde_json::Map::new();
    extra.insert("CancellationReasons".into(), Value::Array(reasons));
    error.extra = Some(extra);
    error
}

pub fn transact_write_items(
    engine: &mut Engine,
    request: TransactWriteItemsRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("transactItems", &request.transact_items);
    ReturnCapacity::check(&mut v, request.return_consumed_capacity.as_deref());
    v.one_of(
        "returnItemCollectionMetrics",
        request.return_item_collection_metrics.as_deref(),
        &["SIZE", "NONE"],
    );
    if let Some(token) = &request.client_request_token
        && (token.is_empty() || token.len() > 36)
    {
        v.push(
            &format!("'{token}'"),
            "clientRequestToken",
            "Member must have length less than or equal to 36",
        );
    }
    v.finish()?;
    let items = request.transact_items.as_ref().expect("checked");
    if items.is_empty() {
        return Err(DynamoError::validation(
            "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ));
    }
    if items.len() > MAX_TRANSACTION_ACTIONS {
        return Err(too_many_actions(items.len(), "transactItems"));
    }
    #[cfg(feature = "extras")]
    engine.refuse_strong_transaction(
        (items.iter())
            .flat_map(|i| [&i.condition_check, &i.put, &i.delete, &i.update])
            .flatten()
            .filter_map(|a| a.table_name.as_deref()),
    )?;
    let capacity_mode = ReturnCapacity::from_wire(request.return_consumed_capacity.as_deref());
    let now = engine.now_millis();
    engine
        .transaction_tokens
        .retain(|_, record| now < record.at_millis + IDEMPOTENCY_WINDOW_MILLIS);
    let fingerprint = json!({"items": format!("{:?}", items_fingerprint(items)), "metrics": request.return_item_collection_metrics});
    #[cfg(feature = "extras")]
    if let Some(token) = &request.client_request_token
        && engine.holds.token_in_progress(token, now)
    {
        return Err(DynamoError::new(
            ErrorKind::TransactionInProgressException,
            "The transaction with the given request token is already in progress.",
        ));
    }
    if let Some(token) = &request.client_request_token
        && let Some(record) = engine.transaction_tokens.get(token)
    {
        if record.request != fingerprint {
            return Err(DynamoError::new(
                ErrorKind::IdempotentParameterMismatchException,
                "Request has an idempotency token that was used with different parameters",
            ));
        }
        // A replay reads what the first call wrote, and is billed as transactional reads.
        let mut units: BTreeMap<String, TableUnits> = BTreeMap::new();
        for (table, key) in record.items.clone() {
            let size = engine
                .tables
                .get(&table)
                .and_then(|t| t.get(&key))
                .map_or(0, item_size);
            units.entry(table).or_default().read += 2.0 * read_units(size, true);
        }
        return respond(&WriteResult {
            consumed_capacity: report(units, capacity_mode),
            item_collection_metrics: BTreeMap::new(),
        });
    }

    let mut plan = Vec::with_capacity(items.len());
    let mut total_bytes = 0;
    for item in items {
        let actions = [
            (WriteKind::ConditionCheck, &item.condition_check),
            (WriteKind::Put, &item.put),
            (WriteKind::Delete, &item.delete),
            (WriteKind::Update, &item.update),
        ];
        let mut present = actions
            .iter()
            .filter_map(|(kind, arg)| arg.as_ref().map(|a| (*kind, a)));
        let (Some((kind, arg)), None) = (present.next(), present.next()) else {
            return Err(DynamoError::validation(
                "TransactItems can only contain one of Check, Put, Update or Delete",
            ));
        };
        let action = plan_write(engine, kind, arg)?;
        if action.key.is_ok()
            && plan
                .iter()
                .any(|p: &PlannedAction| p.table == action.table && p.key == action.key)
        {
            return Err(one_action_per_item());
        }
        total_bytes += action.item.as_ref().map_or(0, item_size);
        plan.push(action);
    }
    if total_bytes > MAX_TRANSACTION_BYTES {
        return Err(DynamoError::validation(
            "Transaction request size cannot exceed 4 MB",
        ));
    }

    // A malformed action cancels the transaction before any condition is checked.
    if plan.iter().any(|a| a.key.is_err()) {
        let reasons = plan
            .iter()
            .map(|a| match &a.key {
                Err(message) => json!({"Code": "ValidationError", "Message": message}),
                Ok(_) => json!({"Code": "None"}),
            })
            .collect();
        return Err(cancelled(reasons));
    }
    // An item another transaction holds cancels this one.
    #[cfg(feature = "extras")]
    if let Some(reasons) = engine.conflict_reasons(
        "TransactWriteItems",
        plan.iter()
            .filter_map(|a| Some((a.table.as_str(), a.key.as_ref().ok()?))),
    ) {
        return Err(cancelled(reasons));
    }
    // Decide every action against the state before any of them, then apply all or none.
    let outcomes: Vec<Result<Option<Option<Item>>, Value>> =
        plan.iter().map(|a| outcome_of(engine, a)).collect();
    if outcomes.iter().any(Result::is_err) {
        let reasons = outcomes
            .into_iter()
            .map(|o| o.err().unwrap_or_else(|| json!({"Code": "None"})))
            .collect();
        return Err(cancelled(reasons));
    }
    // Throughput is admitted for every action or none; a throttled action cancels.
    let demands: Vec<(&str, Vec<throughput::Demand>)> = plan
        .iter()
        .zip(&outcomes)
        .map(|(action, outcome)| {
            let demands = match (engine.tables.get(&action.table), &action.key, outcome) {
                (Some(table), Ok(key), Ok(Some(new))) => {
                    throughput::plan_write(table, key, new.as_ref(), 2.0)
                }
                (Some(table), Ok(key), _) => vec![throughput::condition_check(table, key)],
                _ => Vec::new(),
            };
            (action.table.as_str(), demands)
        })
        .collect();
    throughput::admit_transaction(engine, &demands).map_err(cancelled)?;
    let mut units: BTreeMap<String, TableUnits> = BTreeMap::new();
    let mut metrics: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (action, outcome) in plan.iter().zip(outcomes) {
        let entry = units.entry(action.table.clone()).or_default();
        let key = action
            .key
            .as_ref()
            .expect("a transaction with no cancellation has every key");
        let old_size = engine.tables[&action.table].get(key).map_or(0, item_size);
        match outcome.expect("no cancellation") {
            None => entry.write += 2.0 * write_units(old_size),
            Some(new) => {
                let new_size = new.as_ref().map_or(0, item_size);
                let result = commit_write(engine, &action.table, key.clone(), new);
                entry.write += 2.0 * write_units(new_size.max(old_size));
                for (index, kind, index_units) in result.index_units {
                    entry.indexes.entry(index).or_insert((kind, 0.0)).1 += 2.0 * index_units;
                }
                if let Some(m) = collection_metrics(
                    engine,
                    &action.table,
                    key,
                    request.return_item_collection_metrics.as_deref(),
                ) {
                    metrics.entry(action.table.clone()).or_default().push(m);
                }
            }
        }
    }
    #[cfg(feature = "extras")]
    engine.hold_transaction(
        plan.iter()
            .filter_map(|a| Some((a.table.clone(), a.key.clone().ok()?)))
            .collect(),
        request.client_request_token.as_deref(),
    );
    if let Some(token) = &request.client_request_token {
        let touched = plan
            .iter()
            .filter_map(|a| Some((a.table.clone(), a.key.clone().ok()?)))
            .collect();
        engine.transaction_tokens.insert(
            token.clone(),
            TokenRecord {
                request: fingerprint,
                at_millis: now,
                items: touched,
            },
        );
    }
    respond(&WriteResult {
        consumed_capacity: report(units, capacity_mode),
        item_collection_metrics: metrics,
    })
}

/// A stable description of a transaction's actions, to compare replays with.
fn items_fingerprint(items: &[TransactWriteItem]) -> Vec<String> {
    items.iter().map(|i| format!("{i:?}")).collect()
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WriteResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    item_collection_metrics: BTreeMap<String, Vec<Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransactGetItem {
    pub get: Option<ActionArg>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransactGetItemsRequest {
    pub transact_items: Option<Vec<TransactGetItem>>,
    pub return_consumed_capacity: Option<String>,
}

pub fn transact_get_items(
    engine: &mut Engine,
    request: TransactGetItemsRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("transactItems", &request.transact_items);
    ReturnCapacity::check(&mut v, request.return_consumed_capacity.as_deref());
    v.finish()?;
    let items = request.transact_items.as_ref().expect("checked");
    if items.is_empty() {
        return Err(DynamoError::validation(
            "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ));
    }
    if items.len() > MAX_TRANSACTION_ACTIONS {
        return Err(too_many_actions(items.len(), "transactItems"));
    }
    #[cfg(feature = "extras")]
    engine.refuse_strong_transaction(
        (items.iter()).filter_map(|i| i.get.as_ref()?.table_name.as_deref()),
    )?;
    let mut plan: Vec<(String, PrimaryKey, Option<Vec<crate::expr::Path>>)> = Vec::new();
    for item in items {
        let Some(get) = &item.get else {
            let mut v = Violations::new();
            v.not_null::<()>("transactItems.member.get", &None);
            return Err(v.finish().expect_err("one violation"));
        };
        let mut v = Violations::new();
        v.table_name(
            "transactItems.member.get.tableName",
            get.table_name.as_deref(),
        );
        v.not_null("transactItems.member.get.key", &get.key);
        v.finish()?;
        let args = ExpressionArgs {
            names: get.expression_attribute_names.as_ref(),
            projection: get.projection_expression.as_deref(),
            ..Default::default()
        };
        let expressions = args.parse(&[])?;
        let table_name = get.table_name.clone().expect("checked");
        let table = engine
            .tables
            .get(&table_name)
            .ok_or_else(DynamoError::resource_not_found)?;
        let key = table
            .key_schema()
            .key_from_request(&get.key.as_ref().expect("checked").0)?;
        if plan.iter().any(|(t, k, _)| *t == table_name && *k == key) {
            return Err(one_action_per_item());
        }
        plan.push((
            table_name,
            key,
            projection_paths(expressions.projection, None),
        ));
    }
    #[cfg(feature = "extras")]
    if let Some(reasons) = engine.conflict_reasons(
        "TransactGetItems",
        plan.iter().map(|(table, key, _)| (table.as_str(), key)),
    ) {
        return Err(cancelled(reasons));
    }
    let demands: Vec<(&str, Vec<throughput::Demand>)> = plan
        .iter()
        .map(|(name, key, _)| {
            (
                name.as_str(),
                engine
                    .tables
                    .get(name)
                    .map(|t| vec![throughput::transaction_read(t, key)])
                    .unwrap_or_default(),
            )
        })
        .collect();
    throughput::admit_transaction(engine, &demands).map_err(cancelled)?;
    let mut units: BTreeMap<String, TableUnits> = BTreeMap::new();
    let mut responses = Vec::with_capacity(plan.len());
    for (table_name, key, paths) in &plan {
        let item = engine.tables[table_name].get(key);
        units.entry(table_name.clone()).or_default().read +=
            2.0 * read_units(item.map_or(0, item_size), true);
        responses.push(match item {
            Some(item) => json!({"Item": shaped(item, paths.as_deref())}),
            None => json!({}),
        });
    }
    let capacity_mode = ReturnCapacity::from_wire(request.return_consumed_capacity.as_deref());
    let mut response = json!({"Responses": responses});
    if let Some(consumed) = report(units, capacity_mode) {
        response["ConsumedCapacity"] = Value::Array(consumed);
    }
    respond(&response)
}
