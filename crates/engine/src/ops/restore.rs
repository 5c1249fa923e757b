//! RestoreTableFromBackup and RestoreTableToPointInTime: a new table made from a backup, or
//! from a table's point-in-time history ([`crate::pitr`]), with the overrides DynamoDB
//! allows (billing mode, provisioned and on-demand throughput, the global and local index
//! lists, encryption). The new table is created as CreateTable creates one (its checks
//! apply to the overrides), holds its items at once, and is CREATING with
//! `RestoreInProgress` for the control-plane delay. As in DynamoDB, a restored table gets
//! neither the source's stream, TTL, tags, point-in-time recovery nor deletion protection.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::backups::available_backup;
use super::continuous_backups::{history_since, restorable_window, table_not_found};
use super::tables::{CreateTableRequest, create_table_from, describe};
use super::validate::Violations;
use crate::clock::iso8601_millis;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::table::{BillingMode, RestoreSummary, Table, TableDefinition};
use crate::value::Item;

/// The overrides both restores take.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Overrides {
    pub billing_mode_override: Option<String>,
    pub global_secondary_index_override: Option<Vec<Value>>,
    pub local_secondary_index_override: Option<Vec<Value>>,
    pub provisioned_throughput_override: Option<Value>,
    pub on_demand_throughput_override: Option<Value>,
    #[serde(rename = "SSESpecificationOverride")]
    pub sse_specification_override: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestoreTableFromBackupRequest {
    pub target_table_name: Option<String>,
    pub backup_arn: Option<String>,
    #[serde(flatten)]
    pub overrides: Overrides,
}

pub fn restore_table_from_backup(
    engine: &mut Engine,
    request: RestoreTableFromBackupRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("targetTableName", request.target_table_name.as_deref());
    v.not_null("backupArn", &request.backup_arn);
    v.finish()?;
    let target = request.target_table_name.expect("checked");
    let arn = request.backup_arn.expect("checked");
    let backup = available_backup(engine, &arn)?;
    let (definition, items) = (backup.definition.clone(), backup.items.clone());
    let summary = RestoreSummary {
        source_backup_arn: Some(arn),
        source_table_arn: definition.arn.clone(),
        restore_date_time_millis: backup.created_at_millis,
    };
    restore(
        engine,
        &target,
        &definition,
        &request.overrides,
        items,
        summary,
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestoreTableToPointInTimeRequest {
    pub source_table_name: Option<String>,
    pub source_table_arn: Option<String>,
    pub target_table_name: Option<String>,
    pub use_latest_restorable_time: Option<bool>,
    /// Seconds since the epoch.
    pub restore_date_time: Option<f64>,
    #[serde(flatten)]
    pub overrides: Overrides,
}

pub fn restore_table_to_point_in_time(
    engine: &mut Engine,
    request: RestoreTableToPointInTimeRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("targetTableName", request.target_table_name.as_deref());
    if let Some(name) = request.source_table_name.as_deref() {
        v.table_name("sourceTableName", Some(name));
    }
    v.finish()?;
    let source = source_name(engine, &request)?;
    let target = request.target_table_name.clone().expect("checked");
    let now = engine.now_millis();
    let table = engine
        .tables
        .get(&source)
        .ok_or_else(|| table_not_found(&source))?;
    let Some(recovery) = table.definition.point_in_time_recovery else {
        return Err(DynamoError::new(
            ErrorKind::PointInTimeRecoveryUnavailableException,
            format!("Point in time recovery is not enabled for table '{source}'"),
        ));
    };
    let (earliest, latest) = restorable_window(recovery, history_since(engine, table), now);
    let at = restore_time(&request, earliest, latest)?;
    let history = engine
        .pitr
        .get(&source)
        .expect("kept while recovery is enabled");
    let current = table.items().walk(0, None).map(|(p, i)| (&p.key, i));
    let items = history.items_at(current, at);
    let definition = table.definition.clone();
    let summary = RestoreSummary {
        source_backup_arn: None,
        source_table_arn: definition.arn.clone(),
        restore_date_time_millis: at,
    };
    restore(
        engine,
        &target,
        &definition,
        &request.overrides,
        items,
        summary,
    )
}

/// The source table's name, given by name or by ARN (exactly one of them).
fn source_name(
    engine: &Engine,
    request: &RestoreTableToPointInTimeRequest,
) -> Result<String, DynamoError> {
    match (&request.source_table_name, &request.source_table_arn) {
        (Some(name), None) => Ok(name.clone()),
        (None, Some(arn)) => {
            let prefix = format!(
                "arn:aws:dynamodb:{}:{}:table/",
                engine.config.region, engine.config.account_id
            );
            let name = arn.strip_prefix(&prefix).unwrap_or(arn);
            Ok(name.to_owned())
        }
        (None, None) => Err(DynamoError::validation(
            "SourceTableName or SourceTableArn must be specified",
        )),
        (Some(_), Some(_)) => Err(DynamoError::validation(
            "Only one of SourceTableName or SourceTableArn can be specified",
        )),
    }
}

/// The time to restore to: the latest restorable one, or RestoreDateTime within the window.
fn restore_time(
    request: &RestoreTableToPointInTimeRequest,
    earliest: u64,
    latest: u64,
) -> Result<u64, DynamoError> {
    let use_latest = request.use_latest_restorable_time.unwrap_or(false);
    match (use_latest, request.restore_date_time) {
        (true, Some(_)) => Err(DynamoError::validation(
            "Only one of RestoreDateTime or UseLatestRestorableTime can be specified",
        )),
        (true, None) => Ok(latest),
        (false, None) => Err(DynamoError::validation(
            "Either RestoreDateTime or UseLatestRestorableTime must be specified",
        )),
        (false, Some(seconds)) => {
            let at = (seconds * 1000.0).round().max(0.0) as u64;
            if at < earliest || at > latest {
                return Err(DynamoError::new(
                    ErrorKind::InvalidRestoreTimeException,
                    format!(
                        "Invalid RestoreDateTime: {} is not between EarliestRestorableDateTime {} and LatestRestorableDateTime {}",
                        iso8601_millis(at),
                        iso8601_millis(earliest),
                        iso8601_millis(latest)
                    ),
                ));
            }
            Ok(at)
        }
    }
}

/// Makes table `target` from `source`'s settings with `overrides`, loads `items` into it
/// and answers with its description.
fn restore(
    engine: &mut Engine,
    target: &str,
    source: &TableDefinition,
    overrides: &Overrides,
    items: Vec<Item>,
    summary: RestoreSummary,
) -> Result<Vec<u8>, DynamoError> {
    if engine.tables.contains_key(target) || engine.deleting.contains_key(target) {
        return Err(DynamoError::new(
            ErrorKind::TableAlreadyExistsException,
            format!("Table already exists: {target}"),
        ));
    }
    let request = create_request(source, target, overrides)?;
    create_table_from(engine, request)?;
    let now = engine.now_millis();
    let table = engine.tables.get_mut(target).expect("just created");
    table.definition.restore_summary = Some(summary);
    let definition = table.definition.clone();
    engine.record_table(&definition);
    crate::write::load_items(engine, target, items)?;
    let description = restored_description(&engine.tables[target], now);
    respond(&json!({ "TableDescription": description }))
}

/// A restored table's description: CreateTable's, with its `RestoreSummary`.
fn restored_description(table: &Table, now_millis: u64) -> Value {
    let status = table.definition.status(now_millis);
    let mut description = describe(table, status, now_millis);
    if let Some(summary) = restore_summary_json(&table.definition, now_millis) {
        description["RestoreSummary"] = summary;
    }
    description
}

/// DescribeTable's `RestoreSummary` of a restored table (None for any other table).
pub fn restore_summary_json(definition: &TableDefinition, now_millis: u64) -> Option<Value> {
    let summary = definition.restore_summary.as_ref()?;
    let mut json = json!({
        "SourceTableArn": summary.source_table_arn,
        "RestoreDateTime": summary.restore_date_time_millis as f64 / 1000.0,
        "RestoreInProgress": definition.status(now_millis) == "CREATING",
    });
    if let Some(arn) = &summary.source_backup_arn {
        json["SourceBackupArn"] = json!(arn);
    }
    Some(json)
}

/// The CreateTable request that makes the restored table: the source's keys, attribute
/// definitions (those some key still uses), billing, indexes, class and encryption, each
/// replaced by its override when one is given.
fn create_request(
    source: &TableDefinition,
    target: &str,
    overrides: &Overrides,
) -> Result<CreateTableRequest, DynamoError> {
    let described = describe(&Table::new(source.clone()), "ACTIVE", 0);
    let mut request = Map::new();
    request.insert("TableName".into(), json!(target));
    request.insert("KeySchema".into(), described["KeySchema"].clone());
    let billing = match &overrides.billing_mode_override {
        Some(mode) => mode.clone(),
        None if source.billing == BillingMode::PayPerRequest => "PAY_PER_REQUEST".into(),
        None => "PROVISIONED".into(),
    };
    let provisioned = billing == "PROVISIONED";
    request.insert("BillingMode".into(), json!(billing));
    if provisioned {
        let throughput = overrides.provisioned_throughput_override.clone().unwrap_or_else(|| {
            let t = &described["ProvisionedThroughput"];
            json!({"ReadCapacityUnits": t["ReadCapacityUnits"], "WriteCapacityUnits": t["WriteCapacityUnits"]})
        });
        request.insert("ProvisionedThroughput".into(), throughput);
    }
    let indexes = |member: &str, given: &Option<Vec<Value>>| -> Option<Value> {
        if let Some(given) = given {
            return (!given.is_empty()).then(|| json!(given));
        }
        let list = described[member].as_array()?;
        let shaped = list.iter().map(|i| index_request(i, member, provisioned));
        Some(Value::Array(shaped.collect()))
    };
    let gsis = indexes(
        "GlobalSecondaryIndexes",
        &overrides.global_secondary_index_override,
    );
    let lsis = indexes(
        "LocalSecondaryIndexes",
        &overrides.local_secondary_index_override,
    );
    let used = used_attributes(&described["KeySchema"], [&gsis, &lsis]);
    let definitions = (source.attribute_definitions.iter())
        .filter(|(name, _)| used.contains(name))
        .map(|(name, kind)| json!({"AttributeName": name, "AttributeType": kind.name()}));
    request.insert(
        "AttributeDefinitions".into(),
        Value::Array(definitions.collect()),
    );
    if let Some(gsis) = gsis {
        request.insert("GlobalSecondaryIndexes".into(), gsis);
    }
    if let Some(lsis) = lsis {
        request.insert("LocalSecondaryIndexes".into(), lsis);
    }
    if let Some(on_demand) = &overrides.on_demand_throughput_override {
        request.insert("OnDemandThroughput".into(), on_demand.clone());
    } else if let (false, Some(on_demand)) = (provisioned, described.get("OnDemandThroughput")) {
        request.insert("OnDemandThroughput".into(), on_demand.clone());
    }
    if let Some(sse) = &overrides.sse_specification_override {
        request.insert("SSESpecification".into(), sse.clone());
    } else if let Some(key) = &source.sse_kms_key_arn {
        request.insert(
            "SSESpecification".into(),
            json!({"Enabled": true, "SSEType": "KMS", "KMSMasterKeyId": key}),
        );
    }
    if let Some(class) = &source.table_class {
        request.insert("TableClass".into(), json!(class));
    }
    // Only an override of the wrong shape can fail here: DynamoDB refuses those while
    // reading the request, with a bare SerializationException.
    serde_json::from_value(Value::Object(request)).map_err(|_| DynamoError::serialization(""))
}

/// A described index as CreateTable takes it.
fn index_request(index: &Value, member: &str, provisioned: bool) -> Value {
    let mut request = json!({
        "IndexName": index["IndexName"],
        "KeySchema": index["KeySchema"],
        "Projection": index["Projection"],
    });
    if member == "GlobalSecondaryIndexes" && provisioned {
        let t = &index["ProvisionedThroughput"];
        let units = |name: &str| t[name].as_u64().filter(|&u| u > 0).unwrap_or(1);
        request["ProvisionedThroughput"] = json!({
            "ReadCapacityUnits": units("ReadCapacityUnits"),
            "WriteCapacityUnits": units("WriteCapacityUnits"),
        });
    }
    request
}

/// The attribute names the table's key schema and the given index lists use.
fn used_attributes(key_schema: &Value, indexes: [&Option<Value>; 2]) -> Vec<String> {
    let names_in = |schema: &Value| -> Vec<String> {
        (schema.as_array().into_iter().flatten())
            .filter_map(|e| e["AttributeName"].as_str().map(str::to_owned))
            .collect()
    };
    let mut used = names_in(key_schema);
    for list in indexes.into_iter().flatten() {
        for index in list.as_array().into_iter().flatten() {
            used.extend(names_in(&index["KeySchema"]));
        }
    }
    used
}
