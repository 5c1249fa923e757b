//! The table API: CreateTable, DescribeTable, ListTables, DeleteTable, and the
//! `TableDescription` they answer with.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::key::{KeyAttribute, KeySchema, ScalarType};
use crate::table::{BillingMode, Table, TableDefinition};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeDefinitionArg {
    pub attribute_name: Option<String>,
    pub attribute_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeySchemaElementArg {
    pub attribute_name: Option<String>,
    pub key_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ThroughputArg {
    pub read_capacity_units: Option<i64>,
    pub write_capacity_units: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTableRequest {
    pub table_name: Option<String>,
    pub attribute_definitions: Option<Vec<AttributeDefinitionArg>>,
    pub key_schema: Option<Vec<KeySchemaElementArg>>,
    pub billing_mode: Option<String>,
    pub provisioned_throughput: Option<ThroughputArg>,
    pub global_secondary_indexes: Option<Vec<Value>>,
    pub local_secondary_indexes: Option<Vec<Value>>,
    pub deletion_protection_enabled: Option<bool>,
}

/// Largest provisioned throughput DynamoDB's request validation accepts.
const MAX_THROUGHPUT: i64 = 1_000_000_000_000;

fn check_create_shape(request: &CreateTableRequest) -> Result<(), DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.not_null("attributeDefinitions", &request.attribute_definitions);
    for (i, def) in request.attribute_definitions.iter().flatten().enumerate() {
        let field = format!("attributeDefinitions.{}.member", i + 1);
        v.not_null(&format!("{field}.attributeName"), &def.attribute_name);
        v.not_null(&format!("{field}.attributeType"), &def.attribute_type);
        v.one_of(&format!("{field}.attributeType"), def.attribute_type.as_deref(), &["B", "N", "S"]);
    }
    v.not_null("keySchema", &request.key_schema);
    if let Some(schema) = &request.key_schema {
        let quoted = if schema.is_empty() { "'[]'" } else { "'[KeySchemaElement]'" };
        if schema.is_empty() {
            v.push(quoted, "keySchema", "Member must have length greater than or equal to 1");
        }
        if schema.len() > 2 {
            v.push(quoted, "keySchema", "Member must have length less than or equal to 2");
        }
        for (i, element) in schema.iter().enumerate() {
            let field = format!("keySchema.{}.member", i + 1);
            v.not_null(&format!("{field}.attributeName"), &element.attribute_name);
            v.not_null(&format!("{field}.keyType"), &element.key_type);
            v.one_of(&format!("{field}.keyType"), element.key_type.as_deref(), &["HASH", "RANGE"]);
        }
    }
    v.one_of("billingMode", request.billing_mode.as_deref(), &["PROVISIONED", "PAY_PER_REQUEST"]);
    if let Some(t) = &request.provisioned_throughput {
        v.not_null("provisionedThroughput.writeCapacityUnits", &t.write_capacity_units);
        v.at_least("provisionedThroughput.writeCapacityUnits", t.write_capacity_units, 1);
        v.not_null("provisionedThroughput.readCapacityUnits", &t.read_capacity_units);
        v.at_least("provisionedThroughput.readCapacityUnits", t.read_capacity_units, 1);
    }
    v.finish()
}

fn invalid(message: impl std::fmt::Display) -> DynamoError {
    DynamoError::validation(format!("One or more parameter values were invalid: {message}"))
}

/// The billing mode and throughput a CreateTable asks for.
fn billing_of(request: &CreateTableRequest) -> Result<BillingMode, DynamoError> {
    match (request.billing_mode.as_deref(), &request.provisioned_throughput) {
        (Some("PAY_PER_REQUEST"), None) => Ok(BillingMode::PayPerRequest),
        (Some("PAY_PER_REQUEST"), Some(_)) => Err(invalid(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        )),
        (_, None) => Err(invalid(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
        )),
        (_, Some(t)) => {
            let (read, write) = (t.read_capacity_units.unwrap_or(1), t.write_capacity_units.unwrap_or(1));
            if read > MAX_THROUGHPUT {
                return Err(DynamoError::validation(format!(
                    "Given value {read} for ReadCapacityUnits is out of bounds"
                )));
            }
            if write > MAX_THROUGHPUT {
                return Err(DynamoError::validation(format!(
                    "Given value {write} for WriteCapacityUnits is out of bounds"
                )));
            }
            Ok(BillingMode::Provisioned { read_capacity_units: read as u64, write_capacity_units: write as u64 })
        }
    }
}

/// The table's key schema, checked against its attribute definitions.
fn key_schema_of(request: &CreateTableRequest) -> Result<(KeySchema, Vec<(String, ScalarType)>), DynamoError> {
    let definitions: Vec<(String, ScalarType)> = request
        .attribute_definitions
        .iter()
        .flatten()
        .map(|d| {
            let kind = d.attribute_type.as_deref().and_then(ScalarType::parse).expect("checked by shape");
            (d.attribute_name.clone().unwrap_or_default(), kind)
        })
        .collect();
    let elements = request.key_schema.as_deref().unwrap_or_default();
    let names: Vec<&str> = elements.iter().map(|e| e.attribute_name.as_deref().unwrap_or_default()).collect();
    let defined = |name: &str| definitions.iter().find(|(n, _)| n == name).map(|(_, k)| *k);
    let defined_names = || definitions.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ");

    if names.len() == 2 && (names.iter().any(|n| defined(n).is_none()) || (names[0] == names[1] && definitions.len() == 1)) {
        return Err(DynamoError::validation("Invalid KeySchema: Some index key attribute have no definition"));
    }
    if names.len() == 1 && defined(names[0]).is_none() {
        return Err(invalid(format!(
            "Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
            names.join(", "),
            defined_names()
        )));
    }
    if names.len() == 2 && names[0] == names[1] {
        return Err(DynamoError::validation(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name",
        ));
    }
    if elements[0].key_type.as_deref() != Some("HASH") {
        return Err(DynamoError::validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type"));
    }
    if elements.get(1).is_some_and(|e| e.key_type.as_deref() != Some("RANGE")) {
        return Err(DynamoError::validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"));
    }
    let has_indexes = request.local_secondary_indexes.is_some() || request.global_secondary_indexes.is_some();
    if !has_indexes && names.len() != definitions.len() {
        return Err(invalid(
            "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
        ));
    }
    let attribute = |name: &str| KeyAttribute { name: name.to_owned(), kind: defined(name).expect("checked above") };
    let schema = KeySchema { hash: attribute(names[0]), range: names.get(1).map(|n| attribute(n)) };
    Ok((schema, definitions))
}

pub fn create_table(engine: &mut Engine, request: CreateTableRequest) -> Result<Vec<u8>, DynamoError> {
    check_create_shape(&request)?;
    let (key_schema, attribute_definitions) = key_schema_of(&request)?;
    if request.global_secondary_indexes.is_some() || request.local_secondary_indexes.is_some() {
        return Err(DynamoError::validation(
            "Secondary indexes are not supported by this Dynoscope build yet",
        ));
    }
    let billing = billing_of(&request)?;
    let name = request.table_name.expect("checked by shape");
    if engine.tables.contains_key(&name) {
        return Err(DynamoError::new(ErrorKind::ResourceInUseException, format!("Table already exists: {name}")));
    }
    let definition = TableDefinition {
        arn: format!("arn:aws:dynamodb:{}:{}:table/{name}", engine.config.region, engine.config.account_id),
        table_id: uuid_from(&mut engine.rng),
        name: name.clone(),
        key_schema,
        attribute_definitions,
        billing,
        created_at_millis: engine.now_millis(),
        creating_for_millis: engine.config.table_creation_millis,
        deletion_protection: request.deletion_protection_enabled.unwrap_or(false),
    };
    engine.record_table(&definition);
    let table = Table::new(definition);
    // CreateTable always answers CREATING; DescribeTable shows ACTIVE once the delay passes.
    let description = describe(&table, "CREATING");
    engine.tables.insert(name, table);
    respond(&json!({ "TableDescription": description }))
}

/// A version-4-shaped UUID from the engine's seeded generator.
fn uuid_from(rng: &mut crate::rng::SeededRng) -> String {
    let (a, b) = (rng.next_u64(), rng.next_u64());
    let hex = format!("{a:016x}{b:016x}");
    format!("{}-{}-4{}-{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[16..20], &hex[20..32])
}

/// `TableDescription` for `table` in `status`.
pub fn describe(table: &Table, status: &str) -> Value {
    let d = &table.definition;
    let key_schema: Vec<Value> = std::iter::once(json!({"AttributeName": d.key_schema.hash.name, "KeyType": "HASH"}))
        .chain(d.key_schema.range.iter().map(|r| json!({"AttributeName": r.name, "KeyType": "RANGE"})))
        .collect();
    let attribute_definitions: Vec<Value> = d
        .attribute_definitions
        .iter()
        .map(|(name, kind)| json!({"AttributeName": name, "AttributeType": kind.name()}))
        .collect();
    let (read, write) = match d.billing {
        BillingMode::Provisioned { read_capacity_units, write_capacity_units } => (read_capacity_units, write_capacity_units),
        BillingMode::PayPerRequest => (0, 0),
    };
    let mut description = json!({
        "AttributeDefinitions": attribute_definitions,
        "TableName": d.name,
        "KeySchema": key_schema,
        "TableStatus": status,
        "CreationDateTime": d.created_at_millis as f64 / 1000.0,
        "ProvisionedThroughput": {
            "NumberOfDecreasesToday": 0,
            "ReadCapacityUnits": read,
            "WriteCapacityUnits": write,
        },
        "TableSizeBytes": table.size_bytes(),
        "ItemCount": table.item_count(),
        "TableArn": d.arn,
        "TableId": d.table_id,
        "DeletionProtectionEnabled": d.deletion_protection,
    });
    if d.billing == BillingMode::PayPerRequest {
        description["BillingModeSummary"] = json!({
            "BillingMode": "PAY_PER_REQUEST",
            "LastUpdateToPayPerRequestDateTime": d.created_at_millis as f64 / 1000.0,
        });
    }
    description
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableNameRequest {
    pub table_name: Option<String>,
}

fn named_table(request: &TableNameRequest) -> Result<&str, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.finish()?;
    Ok(request.table_name.as_deref().expect("checked"))
}

pub fn describe_table(engine: &mut Engine, request: TableNameRequest) -> Result<Vec<u8>, DynamoError> {
    let name = named_table(&request)?;
    let table = engine.tables.get(name).ok_or_else(|| DynamoError::table_not_found(name))?;
    let status = table.definition.status(engine.now_millis());
    respond(&json!({ "Table": describe(table, status) }))
}

pub fn delete_table(engine: &mut Engine, request: TableNameRequest) -> Result<Vec<u8>, DynamoError> {
    let name = named_table(&request)?;
    let table = engine.tables.get(name).ok_or_else(|| DynamoError::table_not_found(name))?;
    if table.definition.deletion_protection {
        return Err(DynamoError::validation(
            "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
        ));
    }
    let description = describe(table, "DELETING");
    engine.tables.remove(name);
    let table = name.to_owned();
    engine.record(|| crate::persist::Change::DeleteTable { table });
    respond(&json!({ "TableDescription": description }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTablesRequest {
    pub exclusive_start_table_name: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListTablesResponse<'a> {
    table_names: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_evaluated_table_name: Option<&'a str>,
}

pub fn list_tables(engine: &mut Engine, request: ListTablesRequest) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    if request.exclusive_start_table_name.is_some() {
        v.table_name("exclusiveStartTableName", request.exclusive_start_table_name.as_deref());
    }
    v.at_least("limit", request.limit, 1);
    v.at_most("limit", request.limit, 100);
    v.finish()?;
    let limit = request.limit.unwrap_or(100) as usize;
    let start = request.exclusive_start_table_name.as_deref();
    let mut names: Vec<&str> = engine.table_names().filter(|n| start.is_none_or(|s| *n > s)).take(limit + 1).collect();
    let more = names.len() > limit;
    names.truncate(limit);
    let last = if more { names.last().copied() } else { None };
    respond(&ListTablesResponse { table_names: names, last_evaluated_table_name: last })
}
