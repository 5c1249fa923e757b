//! What a request asks IAM for: each action it performs on each resource, with the
//! DynamoDB condition keys the request carries. Most operations are one action on one
//! table (`dynamodb:<Operation>`); Query and Scan of an index act on the index's ARN; the
//! batch operations act on each table they name; TransactWriteItems is authorized per item
//! as `PutItem`, `UpdateItem`, `DeleteItem` or `ConditionCheckItem`, TransactGetItems as
//! `GetItem`; PartiQL statements as `PartiQLSelect`, `PartiQLInsert`, `PartiQLUpdate` or
//! `PartiQLDelete` on their table; the Streams operations on the stream; listings on `*`.
//! Condition keys: `dynamodb:LeadingKeys` (the partition key values of the items a request
//! reads or writes, Query's from its key condition), `dynamodb:Attributes` (the top-level
//! attributes it projects, puts or updates), `dynamodb:Select` (as sent, or
//! SPECIFIC_ATTRIBUTES when a read projects and ALL_ATTRIBUTES when it does not),
//! `dynamodb:ReturnValues` and `dynamodb:ReturnConsumedCapacity` (as sent). A request that
//! does not read cleanly gets what can be told (its action and resource); the operation
//! then refuses it for what it is.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::policy::Authorization;
use crate::engine::Engine;
use crate::ops::expressions::ExpressionArgs;
use crate::value::Item;

const LEADING_KEYS: &str = "dynamodb:LeadingKeys";
const ATTRIBUTES: &str = "dynamodb:Attributes";
const SELECT: &str = "dynamodb:Select";

/// The authorizations `operation` with `request` needs; each must be allowed.
pub fn authorizations(engine: &Engine, operation: &str, request: &Value) -> Vec<Authorization> {
    let arns = Arns::of(engine);
    let table = |member: &str| request[member].as_str().map(|t| arns.table(t));
    let single = |action: &str, resource: Option<String>| {
        vec![Authorization {
            action: format!("dynamodb:{action}"),
            resource: resource.unwrap_or_else(|| "*".into()),
            keys: BTreeMap::new(),
        }]
    };
    match operation {
        "GetItem" | "PutItem" | "UpdateItem" | "DeleteItem" => {
            let name = request["TableName"].as_str().unwrap_or_default();
            vec![item_authorization(engine, &arns, operation, name, request)]
        }
        "Query" | "Scan" => vec![read_authorization(engine, &arns, operation, request)],
        "BatchGetItem" | "BatchWriteItem" => batch(engine, &arns, operation, request),
        "TransactWriteItems" | "TransactGetItems" => transaction(engine, &arns, request),
        "ExecuteStatement" => partiql(&arns, request["Statement"].as_str()),
        "BatchExecuteStatement" | "ExecuteTransaction" => {
            let member = if operation == "ExecuteTransaction" {
                "TransactStatements"
            } else {
                "Statements"
            };
            let statements = request[member].as_array().into_iter().flatten();
            statements
                .flat_map(|s| partiql(&arns, s["Statement"].as_str()))
                .collect()
        }
        "DescribeStream" | "GetShardIterator" => {
            single(operation, request["StreamArn"].as_str().map(str::to_owned))
        }
        "GetRecords" => {
            let iterator = request["ShardIterator"].as_str().unwrap_or_default();
            let decoded = crate::stream::ShardIterator::decode(iterator, engine.config.seed);
            single(operation, decoded.map(|i| i.stream_arn))
        }
        "ListTagsOfResource"
        | "TagResource"
        | "UntagResource"
        | "PutResourcePolicy"
        | "GetResourcePolicy"
        | "DeleteResourcePolicy" => single(
            operation,
            request["ResourceArn"].as_str().map(str::to_owned),
        ),
        "DescribeBackup" | "DeleteBackup" | "RestoreTableFromBackup" => {
            single(operation, request["BackupArn"].as_str().map(str::to_owned))
        }
        "ExportTableToPointInTime" => {
            single(operation, request["TableArn"].as_str().map(str::to_owned))
        }
        "RestoreTableToPointInTime" => single(operation, table("TargetTableName")),
        _ => single(operation, table("TableName")),
    }
}

/// ARNs in this engine's region and account.
struct Arns {
    table_prefix: String,
}

impl Arns {
    fn of(engine: &Engine) -> Self {
        let config = &engine.config;
        Arns {
            table_prefix: format!(
                "arn:aws:dynamodb:{}:{}:table/",
                config.region, config.account_id
            ),
        }
    }

    /// A table's ARN from its name (or the ARN a request may give instead).
    fn table(&self, name: &str) -> String {
        if name.starts_with("arn:") {
            name.to_owned()
        } else {
            format!("{}{name}", self.table_prefix)
        }
    }

    fn name<'a>(&self, name_or_arn: &'a str) -> &'a str {
        name_or_arn
            .strip_prefix(self.table_prefix.as_str())
            .unwrap_or(name_or_arn)
    }
}

/// GetItem, PutItem, UpdateItem or DeleteItem (also as a transaction's action, `action`).
fn item_authorization(
    engine: &Engine,
    arns: &Arns,
    action: &str,
    table: &str,
    request: &Value,
) -> Authorization {
    let mut keys = BTreeMap::new();
    let key = request.get("Key").or_else(|| request.get("Item"));
    if let Some(value) = key.and_then(|k| partition_value(engine, arns.name(table), None, k)) {
        keys.insert(LEADING_KEYS.to_owned(), vec![value]);
    }
    let names = expression_names(request);
    let mut attributes = BTreeSet::new();
    if let Some(item) = request["Item"].as_object() {
        attributes.extend(item.keys().cloned());
    }
    if let Some(update) = request["UpdateExpression"].as_str() {
        let args = ExpressionArgs {
            names: names.as_ref(),
            update: Some(update),
            ..Default::default()
        };
        if let Ok(parsed) = args.parse(&[]).map(|e| e.update) {
            let updated = parsed.iter().flat_map(|u| u.top_level_attributes());
            attributes.extend(updated.map(str::to_owned));
        }
    }
    if let Some(updates) = request["AttributeUpdates"].as_object() {
        attributes.extend(updates.keys().cloned());
    }
    let read = action == "GetItem";
    if read {
        attributes.extend(projected(request, names.as_ref()));
    }
    if !attributes.is_empty() {
        keys.insert(ATTRIBUTES.to_owned(), attributes.into_iter().collect());
    }
    if read {
        keys.insert(SELECT.to_owned(), vec![select_of(request)]);
    }
    add_sent(&mut keys, request);
    Authorization {
        action: format!("dynamodb:{action}"),
        resource: arns.table(table),
        keys,
    }
}

/// Query or Scan, on the table or the index it names.
fn read_authorization(
    engine: &Engine,
    arns: &Arns,
    operation: &str,
    request: &Value,
) -> Authorization {
    let table = request["TableName"].as_str().unwrap_or_default();
    let index = request["IndexName"].as_str();
    let mut resource = arns.table(table);
    if let Some(index) = index {
        resource = format!("{resource}/index/{index}");
    }
    let mut keys = BTreeMap::new();
    if operation == "Query"
        && let Some(value) = query_partition_value(engine, arns.name(table), index, request)
    {
        keys.insert(LEADING_KEYS.to_owned(), vec![value]);
    }
    let names = expression_names(request);
    let attributes: Vec<String> = projected(request, names.as_ref()).into_iter().collect();
    if !attributes.is_empty() {
        keys.insert(ATTRIBUTES.to_owned(), attributes);
    }
    keys.insert(SELECT.to_owned(), vec![select_of(request)]);
    add_sent(&mut keys, request);
    Authorization {
        action: format!("dynamodb:{operation}"),
        resource,
        keys,
    }
}

/// BatchGetItem and BatchWriteItem: one authorization per table, with the partition keys
/// of all its items.
fn batch(engine: &Engine, arns: &Arns, operation: &str, request: &Value) -> Vec<Authorization> {
    let tables = request["RequestItems"].as_object().into_iter().flatten();
    tables
        .map(|(table, entry)| {
            let name = arns.name(table);
            let items: Vec<&Value> = match operation {
                "BatchGetItem" => entry["Keys"].as_array().into_iter().flatten().collect(),
                _ => (entry.as_array().into_iter().flatten())
                    .filter_map(|w| {
                        w["PutRequest"]
                            .get("Item")
                            .or_else(|| w["DeleteRequest"].get("Key"))
                    })
                    .collect(),
            };
            let leading: BTreeSet<String> = items
                .into_iter()
                .filter_map(|item| partition_value(engine, name, None, item))
                .collect();
            let mut keys = BTreeMap::new();
            if !leading.is_empty() {
                keys.insert(LEADING_KEYS.to_owned(), leading.into_iter().collect());
            }
            if operation == "BatchGetItem" {
                let names = expression_names(entry);
                let attributes: Vec<String> =
                    projected(entry, names.as_ref()).into_iter().collect();
                if !attributes.is_empty() {
                    keys.insert(ATTRIBUTES.to_owned(), attributes);
                }
                keys.insert(SELECT.to_owned(), vec![select_of(entry)]);
            }
            add_sent(&mut keys, request);
            Authorization {
                action: format!("dynamodb:{operation}"),
                resource: arns.table(table),
                keys,
            }
        })
        .collect()
}

/// A transaction's actions, each authorized as the single-item operation it performs.
fn transaction(engine: &Engine, arns: &Arns, request: &Value) -> Vec<Authorization> {
    let actions = request["TransactItems"].as_array().into_iter().flatten();
    actions
        .filter_map(|item| {
            let (kind, arg) = item.as_object()?.iter().next()?;
            let action = match kind.as_str() {
                "Put" => "PutItem",
                "Update" => "UpdateItem",
                "Delete" => "DeleteItem",
                "ConditionCheck" => "ConditionCheckItem",
                _ => "GetItem",
            };
            let table = arg["TableName"].as_str().unwrap_or_default();
            Some(item_authorization(engine, arns, action, table, arg))
        })
        .collect()
}

/// A PartiQL statement: its kind on its table (or index).
fn partiql(arns: &Arns, statement: Option<&str>) -> Vec<Authorization> {
    use crate::partiql::ast::Statement;
    let Some(parsed) = statement.and_then(|s| crate::partiql::parse(s).ok()) else {
        return vec![Authorization {
            action: "dynamodb:PartiQLSelect".into(),
            resource: "*".into(),
            keys: BTreeMap::new(),
        }];
    };
    let (action, table, index) = match &parsed {
        Statement::Select(s) | Statement::Exists(s) => (
            "PartiQLSelect",
            s.from.table.as_str(),
            s.from.index.as_deref(),
        ),
        Statement::Insert(s) => ("PartiQLInsert", s.table.as_str(), None),
        Statement::Update(s) => ("PartiQLUpdate", s.table.as_str(), None),
        Statement::Delete(s) => ("PartiQLDelete", s.table.as_str(), None),
    };
    let mut resource = arns.table(table);
    if let Some(index) = index {
        resource = format!("{resource}/index/{index}");
    }
    vec![Authorization {
        action: format!("dynamodb:{action}"),
        resource,
        keys: BTreeMap::new(),
    }]
}

fn expression_names(request: &Value) -> Option<BTreeMap<String, String>> {
    serde_json::from_value(request.get("ExpressionAttributeNames")?.clone()).ok()
}

/// The top-level attributes a read projects (ProjectionExpression or AttributesToGet).
fn projected(request: &Value, names: Option<&BTreeMap<String, String>>) -> BTreeSet<String> {
    let mut attributes = BTreeSet::new();
    if let Some(projection) = request["ProjectionExpression"].as_str() {
        let args = ExpressionArgs {
            names,
            projection: Some(projection),
            ..Default::default()
        };
        if let Ok(Some(paths)) = args.parse(&[]).map(|e| e.projection) {
            attributes.extend(paths.iter().map(|p| p.top().to_owned()));
        }
    }
    let listed = request["AttributesToGet"].as_array().into_iter().flatten();
    attributes.extend(listed.filter_map(Value::as_str).map(str::to_owned));
    attributes
}

/// `Select` as sent, or what a read without it selects.
fn select_of(request: &Value) -> String {
    match request["Select"].as_str() {
        Some(select) => select.to_owned(),
        None if request.get("ProjectionExpression").is_some()
            || request.get("AttributesToGet").is_some() =>
        {
            "SPECIFIC_ATTRIBUTES".into()
        }
        None => "ALL_ATTRIBUTES".into(),
    }
}

/// `ReturnValues` and `ReturnConsumedCapacity`, when the request sends them.
fn add_sent(keys: &mut BTreeMap<String, Vec<String>>, request: &Value) {
    for (member, key) in [
        ("ReturnValues", "dynamodb:ReturnValues"),
        ("ReturnConsumedCapacity", "dynamodb:ReturnConsumedCapacity"),
    ] {
        if let Some(value) = request[member].as_str() {
            keys.insert(key.to_owned(), vec![value.to_owned()]);
        }
    }
}

/// The partition key value of `item` (a key or a whole item, DynamoDB JSON) in `table`
/// (or its `index`), as text: a string as itself, a number as written, binary in base64.
fn partition_value(
    engine: &Engine,
    table: &str,
    index: Option<&str>,
    item: &Value,
) -> Option<String> {
    scalar_text(&item[partition_key_name(engine, table, index)?.as_str()])
}

/// The name of the partition key attribute of `table`, or of its `index`.
fn partition_key_name(engine: &Engine, table: &str, index: Option<&str>) -> Option<String> {
    let table = engine.tables.get(table)?;
    let schema = match index {
        None => table.key_schema(),
        Some(index) => {
            let index = table
                .indexes()
                .iter()
                .find(|i| i.definition.name == index)?;
            &index.definition.key_schema
        }
    };
    Some(schema.hash.name.clone())
}

fn scalar_text(value: &Value) -> Option<String> {
    let (kind, text) = value.as_object()?.iter().next()?;
    matches!(kind.as_str(), "S" | "N" | "B").then(|| text.as_str().map(str::to_owned))?
}

/// A Query's partition key value, from the equality its key condition (or KeyConditions)
/// puts on the partition key.
fn query_partition_value(
    engine: &Engine,
    table: &str,
    index: Option<&str>,
    request: &Value,
) -> Option<String> {
    let hash_name = partition_key_name(engine, table, index)?;
    if let Some(conditions) = request["KeyConditions"].as_object() {
        let condition = conditions.get(&hash_name)?;
        return scalar_text(condition["AttributeValueList"].get(0)?);
    }
    let names = expression_names(request);
    let values: Option<Item> = request
        .get("ExpressionAttributeValues")
        .and_then(|v| crate::value::item_from_json(&v.to_string()).ok());
    let args = ExpressionArgs {
        names: names.as_ref(),
        values: values.as_ref(),
        key_condition: request["KeyConditionExpression"].as_str(),
        ..Default::default()
    };
    let conditions = args
        .parse(&["KeyConditionExpression"])
        .ok()?
        .key_condition?;
    conditions.into_iter().find_map(|c| match c.op {
        crate::expr::keycond::KeyOp::Eq(value) if c.attribute == hash_name => {
            scalar_text(&serde_json::to_value(&value).ok()?)
        }
        _ => None,
    })
}
