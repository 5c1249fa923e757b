//! ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: PartiQL statements,
//! translated by `crate::partiql` into ordinary requests and run through the engine's own
//! operations, so reads, writes, conditions and capacity behave exactly as the API does.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use serde_json::{Value, json};

use super::validate::{ReturnCapacity, Violations};
use crate::dispatch::{self, respond};
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::partiql::{self, ReadPlan, TableShape, Translation, Usage, WritePlan, messages};
use crate::value::{AttributeValue, Item, item_from_json};

/// Most statements one BatchExecuteStatement or ExecuteTransaction may carry.
const MAX_BATCH_STATEMENTS: usize = 25;
const MAX_TRANSACTION_STATEMENTS: usize = 100;

/// Runs one of the engine's operations on a JSON request and reads its JSON answer.
fn call(engine: &mut Engine, operation: &str, request: &Value) -> Result<Value, DynamoError> {
    let body = serde_json::to_vec(request)
        .map_err(|e| DynamoError::new(ErrorKind::InternalFailure, e.to_string()))?;
    let answer = dispatch::dispatch(engine, operation, &body)?;
    serde_json::from_slice(&answer)
        .map_err(|e| DynamoError::new(ErrorKind::InternalFailure, e.to_string()))
}

/// Parses and translates one statement for `usage`.
fn translate(
    engine: &Engine,
    usage: Usage,
    statement: &str,
    parameters: &[AttributeValue],
) -> Result<Translation, DynamoError> {
    let parsed = partiql::parse(statement)?;
    let expected = partiql::count_parameters(&parsed);
    if expected != parameters.len() {
        return Err(DynamoError::validation(
            "Number of parameters in request and statement don't match.",
        ));
    }
    let shape = |table: &str| {
        engine
            .tables
            .get(table)
            .map(|t| TableShape::of(&t.definition))
    };
    partiql::translate_for(usage, &parsed, parameters, &shape)
}

/// An item in a JSON response, shaped by a statement's select list.
fn shaped(value: &Value, shape: impl Fn(&Item) -> Item) -> Result<Value, DynamoError> {
    let item = item_from_json(&value.to_string())?;
    serde_json::to_value(shape(&item))
        .map_err(|e| DynamoError::new(ErrorKind::InternalFailure, e.to_string()))
}

/// Where a SELECT resumes: which of its requests, and that request's start key.
fn encode_token(request: usize, key: Option<&Value>) -> String {
    BASE64.encode(json!({"r": request, "k": key}).to_string())
}

fn decode_token(token: &str) -> Result<(usize, Option<Value>), DynamoError> {
    let invalid = || DynamoError::validation("Invalid NextToken");
    let bytes = BASE64.decode(token).map_err(|_| invalid())?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    let request = value["r"].as_u64().ok_or_else(invalid)? as usize;
    let key = value.get("k").filter(|k| !k.is_null()).cloned();
    Ok((request, key))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExecuteStatementRequest {
    pub statement: Option<String>,
    pub parameters: Option<Vec<AttributeValue>>,
    pub consistent_read: Option<bool>,
    pub next_token: Option<String>,
    pub limit: Option<i64>,
    pub return_consumed_capacity: Option<String>,
    pub return_values_on_condition_check_failure: Option<String>,
}

fn check_statement(v: &mut Violations, field: &str, statement: &Option<String>) {
    v.not_null(field, statement);
    if let Some(text) = statement
        && (text.is_empty() || text.chars().count() > 8192)
    {
        let constraint = if text.is_empty() {
            "Member must have length greater than or equal to 1"
        } else {
            "Member must have length less than or equal to 8192"
        };
        v.push(&format!("'{text}'"), field, constraint);
    }
}

pub fn execute_statement(
    engine: &mut Engine,
    request: ExecuteStatementRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    check_statement(&mut v, "statement", &request.statement);
    v.at_least("limit", request.limit, 1);
    ReturnCapacity::check(&mut v, request.return_consumed_capacity.as_deref());
    v.one_of(
        "returnValuesOnConditionCheckFailure",
        request.return_values_on_condition_check_failure.as_deref(),
        &["ALL_OLD", "NONE"],
    );
    v.finish()?;
    let parameters = request.parameters.clone().unwrap_or_default();
    let translation = translate(
        engine,
        Usage::Statement,
        request.statement.as_deref().expect("checked"),
        &parameters,
    )?;
    let response = match translation {
        Translation::Read(plan) => run_read(engine, &plan, &request)?,
        Translation::Write(plan) => run_write(engine, &plan, &request)?,
        Translation::Get(_) | Translation::Check(_) => {
            return Err(DynamoError::validation(
                "EXISTS can only be used in ExecuteTransaction write requests.",
            ));
        }
    };
    respond(&response)
}

/// A SELECT: its Queries (or Scan) in order, as one page of at most `Limit` evaluated items.
fn run_read(
    engine: &mut Engine,
    plan: &ReadPlan,
    request: &ExecuteStatementRequest,
) -> Result<Value, DynamoError> {
    let (mut index, mut start_key) = match &request.next_token {
        Some(token) => decode_token(token)?,
        None => (0, None),
    };
    let mut remaining = request.limit.map(|l| l as u64);
    let mut items = Vec::new();
    let mut units = 0.0;
    let mut next_token = None;
    while let Some((operation, base)) = plan.requests.get(index) {
        let mut call_request = base.clone();
        call_request["ConsistentRead"] = json!(request.consistent_read.unwrap_or(false));
        call_request["ReturnConsumedCapacity"] = json!("TOTAL");
        if let Some(key) = start_key.take() {
            call_request["ExclusiveStartKey"] = key;
        }
        if let Some(left) = remaining {
            call_request["Limit"] = json!(left);
        }
        let page = call(engine, operation, &call_request)?;
        units += page["ConsumedCapacity"]["CapacityUnits"]
            .as_f64()
            .unwrap_or(0.0);
        for item in page["Items"].as_array().into_iter().flatten() {
            items.push(shaped(item, |i| plan.shape_item(i))?);
        }
        if let Some(left) = &mut remaining {
            *left = left.saturating_sub(page["ScannedCount"].as_u64().unwrap_or(0));
        }
        match page.get("LastEvaluatedKey") {
            Some(key) => {
                next_token = Some(encode_token(index, Some(key)));
                break;
            }
            None => index += 1,
        }
        if remaining == Some(0) {
            if index < plan.requests.len() {
                next_token = Some(encode_token(index, None));
            }
            break;
        }
    }
    let mut response = json!({ "Items": items });
    if let Some(token) = next_token {
        response["NextToken"] = json!(token);
    }
    if ReturnCapacity::from_wire(request.return_consumed_capacity.as_deref())
        != ReturnCapacity::None
    {
        response["ConsumedCapacity"] = json!({"TableName": plan.table, "CapacityUnits": units});
    }
    Ok(response)
}

/// INSERT, UPDATE or DELETE: its one write, with DynamoDB's PartiQL error for a duplicate.
fn run_write(
    engine: &mut Engine,
    plan: &WritePlan,
    request: &ExecuteStatementRequest,
) -> Result<Value, DynamoError> {
    let mut call_request = plan.request.clone();
    if let Some(on_failure) = &request.return_values_on_condition_check_failure {
        call_request["ReturnValuesOnConditionCheckFailure"] = json!(on_failure);
    }
    if let Some(mode) = &request.return_consumed_capacity {
        call_request["ReturnConsumedCapacity"] = json!(mode);
    }
    let answer = call(engine, plan.operation, &call_request).map_err(|e| {
        if partiql::is_duplicate_item(plan, &e) {
            DynamoError::new(
                ErrorKind::DuplicateItemException,
                partiql::DUPLICATE_ITEM_MESSAGE,
            )
        } else {
            e
        }
    })?;
    let items = match answer.get("Attributes") {
        Some(attributes)
            if plan.returning.is_some()
                && attributes.as_object().is_some_and(|o| !o.is_empty()) =>
        {
            vec![attributes.clone()]
        }
        _ => Vec::new(),
    };
    let mut response = json!({ "Items": items });
    if let Some(capacity) = answer.get("ConsumedCapacity") {
        response["ConsumedCapacity"] = capacity.clone();
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchStatementArg {
    pub statement: Option<String>,
    pub parameters: Option<Vec<AttributeValue>>,
    pub consistent_read: Option<bool>,
    pub return_values_on_condition_check_failure: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchExecuteStatementRequest {
    pub statements: Option<Vec<BatchStatementArg>>,
    pub return_consumed_capacity: Option<String>,
}

/// A statement's failure as BatchExecuteStatement reports it in place.
fn batch_error(error: &DynamoError, duplicate: bool) -> Value {
    let code = if duplicate {
        "DuplicateItem"
    } else {
        match error.kind {
            ErrorKind::ConditionalCheckFailedException => "ConditionalCheckFailed",
            ErrorKind::ResourceNotFoundException => "ResourceNotFound",
            ErrorKind::ProvisionedThroughputExceededException => "ProvisionedThroughputExceeded",
            ErrorKind::TransactionConflictException => "TransactionConflict",
            ErrorKind::RequestLimitExceeded => "RequestLimitExceeded",
            ErrorKind::InternalFailure => "InternalServerError",
            _ => "ValidationError",
        }
    };
    let message = if duplicate {
        partiql::DUPLICATE_ITEM_MESSAGE
    } else {
        error.message.as_str()
    };
    let mut entry = json!({"Code": code, "Message": message});
    if let Some(item) = error.extra.as_ref().and_then(|e| e.get("Item")) {
        entry["Item"] = item.clone();
    }
    json!({ "Error": entry })
}

pub fn batch_execute_statement(
    engine: &mut Engine,
    request: BatchExecuteStatementRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("statements", &request.statements);
    ReturnCapacity::check(&mut v, request.return_consumed_capacity.as_deref());
    let statements = request.statements.as_deref().unwrap_or_default();
    if request.statements.is_some()
        && (statements.is_empty() || statements.len() > MAX_BATCH_STATEMENTS)
    {
        let constraint = if statements.is_empty() {
            "Member must have length greater than or equal to 1".to_owned()
        } else {
            format!("Member must have length less than or equal to {MAX_BATCH_STATEMENTS}")
        };
        v.push("'[...]'", "statements", &constraint);
    }
    for (i, s) in statements.iter().enumerate() {
        check_statement(
            &mut v,
            &format!("statements.{}.member.statement", i + 1),
            &s.statement,
        );
    }
    v.finish()?;
    let translations: Vec<Result<Translation, DynamoError>> = statements
        .iter()
        .map(|s| {
            translate(
                engine,
                Usage::Batch,
                s.statement.as_deref().unwrap_or_default(),
                s.parameters.as_deref().unwrap_or_default(),
            )
        })
        .collect();
    let reads = translations
        .iter()
        .filter(|t| matches!(t, Ok(Translation::Get(_))))
        .count();
    let writes = translations
        .iter()
        .filter(|t| matches!(t, Ok(Translation::Write(_))))
        .count();
    if reads > 0 && writes > 0 {
        return Err(DynamoError::validation(messages::BATCH_MIXED_READ_WRITE));
    }
    let mut responses = Vec::with_capacity(statements.len());
    let mut units: std::collections::BTreeMap<String, f64> = Default::default();
    for (statement, translation) in statements.iter().zip(translations) {
        let response = match translation {
            Err(e) => batch_error(&e, false),
            Ok(Translation::Get(plan)) => {
                let mut call_request = plan.request.clone();
                call_request["ConsistentRead"] = json!(statement.consistent_read.unwrap_or(false));
                call_request["ReturnConsumedCapacity"] = json!("TOTAL");
                match call(engine, "GetItem", &call_request) {
                    Ok(answer) => {
                        *units.entry(plan.table.clone()).or_default() += answer["ConsumedCapacity"]
                            ["CapacityUnits"]
                            .as_f64()
                            .unwrap_or(0.0);
                        let mut entry = json!({"TableName": plan.table});
                        if let Some(item) = answer.get("Item") {
                            entry["Item"] = shaped(item, |i| plan.shape_item(i))?;
                        }
                        entry
                    }
                    Err(e) => batch_error(&e, false),
                }
            }
            Ok(Translation::Write(plan)) => {
                let mut call_request = plan.request.clone();
                call_request["ReturnConsumedCapacity"] = json!("TOTAL");
                if let Some(on_failure) = &statement.return_values_on_condition_check_failure {
                    call_request["ReturnValuesOnConditionCheckFailure"] = json!(on_failure);
                }
                match call(engine, plan.operation, &call_request) {
                    Ok(answer) => {
                        *units.entry(plan.table.clone()).or_default() += answer["ConsumedCapacity"]
                            ["CapacityUnits"]
                            .as_f64()
                            .unwrap_or(0.0);
                        json!({"TableName": plan.table})
                    }
                    Err(e) => batch_error(&e, partiql::is_duplicate_item(&plan, &e)),
                }
            }
            Ok(Translation::Read(_) | Translation::Check(_)) => batch_error(
                &DynamoError::validation(
                    "Only single item reads and writes are supported in a batch",
                ),
                false,
            ),
        };
        responses.push(response);
    }
    let mut response = json!({ "Responses": responses });
    if ReturnCapacity::from_wire(request.return_consumed_capacity.as_deref())
        != ReturnCapacity::None
    {
        let consumed: Vec<Value> = units
            .iter()
            .map(|(t, u)| json!({"TableName": t, "CapacityUnits": u}))
            .collect();
        response["ConsumedCapacity"] = json!(consumed);
    }
    respond(&response)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransactStatementArg {
    pub statement: Option<String>,
    pub parameters: Option<Vec<AttributeValue>>,
    pub return_values_on_condition_check_failure: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExecuteTransactionRequest {
    pub transact_statements: Option<Vec<TransactStatementArg>>,
    pub client_request_token: Option<String>,
    pub return_consumed_capacity: Option<String>,
}

pub fn execute_transaction(
    engine: &mut Engine,
    request: ExecuteTransactionRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.not_null("transactStatements", &request.transact_statements);
    ReturnCapacity::check(&mut v, request.return_consumed_capacity.as_deref());
    let statements = request.transact_statements.as_deref().unwrap_or_default();
    if request.transact_statements.is_some()
        && (statements.is_empty() || statements.len() > MAX_TRANSACTION_STATEMENTS)
    {
        let constraint = if statements.is_empty() {
            "Member must have length greater than or equal to 1".to_owned()
        } else {
            format!("Member must have length less than or equal to {MAX_TRANSACTION_STATEMENTS}")
        };
        v.push("'[...]'", "transactStatements", &constraint);
    }
    for (i, s) in statements.iter().enumerate() {
        check_statement(
            &mut v,
            &format!("transactStatements.{}.member.statement", i + 1),
            &s.statement,
        );
    }
    v.finish()?;
    let mut translations = Vec::with_capacity(statements.len());
    for (i, s) in statements.iter().enumerate() {
        let parameters = s.parameters.as_deref().unwrap_or_default();
        let translation = translate(
            engine,
            Usage::Transaction,
            s.statement.as_deref().unwrap_or_default(),
            parameters,
        )
        .map_err(|e| DynamoError {
            message: messages::in_transaction_statement(i, &e.message),
            ..e
        })?;
        translations.push(translation);
    }
    let reads = translations
        .iter()
        .filter(|t| matches!(t, Translation::Get(_)))
        .count();
    if reads > 0 && reads < translations.len() {
        return Err(DynamoError::validation(
            messages::TRANSACTION_MIXED_READ_WRITE,
        ));
    }
    let capacity = request.return_consumed_capacity.clone();
    if reads > 0 {
        let items: Vec<Value> = translations
            .iter()
            .map(|t| match t {
                Translation::Get(plan) => plan.transact_item(),
                _ => unreachable!("all reads, checked above"),
            })
            .collect();
        let mut call_request = json!({ "TransactItems": items });
        if let Some(mode) = &capacity {
            call_request["ReturnConsumedCapacity"] = json!(mode);
        }
        let answer = call(engine, "TransactGetItems", &call_request)?;
        let mut responses = Vec::with_capacity(translations.len());
        for (translation, entry) in translations
            .iter()
            .zip(answer["Responses"].as_array().into_iter().flatten())
        {
            let Translation::Get(plan) = translation else {
                continue;
            };
            responses.push(match entry.get("Item") {
                Some(item) => json!({"Item": shaped(item, |i| plan.shape_item(i))?}),
                None => json!({}),
            });
        }
        let mut response = json!({ "Responses": responses });
        if let Some(consumed) = answer.get("ConsumedCapacity") {
            response["ConsumedCapacity"] = consumed.clone();
        }
        return respond(&response);
    }
    let items: Vec<Value> = translations
        .iter()
        .zip(statements)
        .map(|(t, s)| {
            let mut item = match t {
                Translation::Write(plan) => plan.transact_item(),
                Translation::Check(plan) => plan.transact_item(),
                _ => unreachable!("all writes, checked above"),
            };
            if let (Some(on_failure), Some(action)) = (
                &s.return_values_on_condition_check_failure,
                item.as_object_mut().and_then(|o| o.values_mut().next()),
            ) {
                action["ReturnValuesOnConditionCheckFailure"] = json!(on_failure);
            }
            item
        })
        .collect();
    let mut call_request = json!({ "TransactItems": items });
    if let Some(token) = &request.client_request_token {
        call_request["ClientRequestToken"] = json!(token);
    }
    if let Some(mode) = &capacity {
        call_request["ReturnConsumedCapacity"] = json!(mode);
    }
    let answer = call(engine, "TransactWriteItems", &call_request)
        .map_err(|e| duplicate_reasons(e, &translations))?;
    let mut response = json!({});
    if let Some(consumed) = answer.get("ConsumedCapacity") {
        response["ConsumedCapacity"] = consumed.clone();
    }
    respond(&response)
}

/// A cancelled transaction whose INSERT found its key taken names that reason DuplicateItem.
fn duplicate_reasons(mut error: DynamoError, translations: &[Translation]) -> DynamoError {
    if error.kind != ErrorKind::TransactionCanceledException {
        return error;
    }
    let Some(reasons) = error
        .extra
        .as_mut()
        .and_then(|e| e.get_mut("CancellationReasons"))
        .and_then(Value::as_array_mut)
    else {
        return error;
    };
    for (reason, translation) in reasons.iter_mut().zip(translations) {
        if let Translation::Write(plan) = translation
            && plan.kind == partiql::WriteKind::Insert
            && reason["Code"] == "ConditionalCheckFailed"
        {
            reason["Code"] = json!("DuplicateItem");
            reason["Message"] = json!(partiql::DUPLICATE_ITEM_MESSAGE);
        }
    }
    let codes: Vec<String> = reasons
        .iter()
        .map(|r| r["Code"].as_str().unwrap_or("None").to_owned())
        .collect();
    error.message = format!(
        "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
        codes.join(", ")
    );
    error
}
