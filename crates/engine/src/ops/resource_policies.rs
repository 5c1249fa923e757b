//! PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy: a resource-based policy
//! document kept on a table or its stream, with a revision ID that changes whenever the
//! policy does (the same document again keeps it: the operation is idempotent), and the
//! conditional forms (`ExpectedRevisionId`, `NO_POLICY`). The document is checked to be a
//! JSON object of at most 20 KB and kept as given; nothing evaluates it (see issue 12's
//! IAM model for access decisions). CreateTable's `ResourcePolicy` is kept the same way.

use serde::Deserialize;
use serde_json::json;

use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::table::{ResourcePolicy, TableDefinition};

/// Largest policy document, in bytes (whitespace counts).
const MAX_POLICY_BYTES: usize = 20 * 1024;

/// The ExpectedRevisionId that asks for "only if the resource has no policy".
const NO_POLICY: &str = "NO_POLICY";

/// A checked policy document with its first revision ID.
pub(crate) fn new_policy(policy: &str, now_millis: u64) -> Result<ResourcePolicy, DynamoError> {
    check_document(policy)?;
    Ok(ResourcePolicy {
        policy: policy.to_owned(),
        revision_id: now_millis.to_string(),
    })
}

fn check_document(policy: &str) -> Result<(), DynamoError> {
    if policy.len() > MAX_POLICY_BYTES {
        return Err(DynamoError::validation(format!(
            "Policy document is too large: {} bytes exceeds the maximum of {MAX_POLICY_BYTES} bytes",
            policy.len()
        )));
    }
    match serde_json::from_slice::<serde_json::Value>(policy.as_bytes()) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        _ => Err(DynamoError::validation(
            "Invalid policy document: the policy must be a JSON object",
        )),
    }
}

/// Which policy slot an ARN names: a table's or its stream's.
enum Slot {
    Table(String),
    Stream(String),
}

/// The table (and whether its stream) an ARN names, or ResourceNotFoundException.
fn slot_of(engine: &Engine, arn: &str) -> Result<Slot, DynamoError> {
    let prefix = format!(
        "arn:aws:dynamodb:{}:{}:table/",
        engine.config.region, engine.config.account_id
    );
    let not_found = || {
        DynamoError::new(
            ErrorKind::ResourceNotFoundException,
            format!("Requested resource not found: {arn}"),
        )
    };
    let rest = arn.strip_prefix(&prefix).ok_or_else(not_found)?;
    let (table, stream) = match rest.split_once("/stream/") {
        Some((table, _)) => (table, true),
        None => (rest, false),
    };
    let definition = &engine.tables.get(table).ok_or_else(not_found)?.definition;
    if !stream {
        return Ok(Slot::Table(table.to_owned()));
    }
    match &definition.stream {
        Some(s) if s.arn == arn => Ok(Slot::Stream(table.to_owned())),
        _ => Err(not_found()),
    }
}

fn slot_mut<'a>(engine: &'a mut Engine, slot: &Slot) -> &'a mut Option<ResourcePolicy> {
    match slot {
        Slot::Table(t) => {
            &mut engine
                .tables
                .get_mut(t)
                .expect("found")
                .definition
                .resource_policy
        }
        Slot::Stream(t) => {
            &mut (engine.tables.get_mut(t).expect("found").definition).stream_resource_policy
        }
    }
}

fn table_of(slot: &Slot) -> &str {
    match slot {
        Slot::Table(t) | Slot::Stream(t) => t,
    }
}

fn policy_not_found(arn: &str) -> DynamoError {
    DynamoError::new(
        ErrorKind::PolicyNotFoundException,
        format!("Resource-based policy not found for the provided ResourceArn: {arn}"),
    )
}

/// Refuses a conditional request whose ExpectedRevisionId is not the current revision.
fn check_expected(
    current: Option<&ResourcePolicy>,
    expected: Option<&str>,
    arn: &str,
) -> Result<(), DynamoError> {
    let matches = match (expected, current) {
        (None, _) => true,
        (Some(NO_POLICY), None) => true,
        (Some(id), Some(p)) => p.revision_id == id,
        (Some(_), None) => false,
    };
    if matches {
        return Ok(());
    }
    Err(DynamoError::new(
        ErrorKind::PolicyNotFoundException,
        format!(
            "Resource-based policy not found for the provided ResourceArn and ExpectedRevisionId: {arn}"
        ),
    ))
}

/// The checked ResourceArn of a Get or Delete and the policy slot it names.
fn resource_of(engine: &Engine, arn: &Option<String>) -> Result<(String, Slot), DynamoError> {
    let mut v = Violations::new();
    check_arn(&mut v, arn);
    v.finish()?;
    let arn = arn.clone().expect("checked");
    let slot = slot_of(engine, &arn)?;
    Ok((arn, slot))
}

fn check_arn(v: &mut Violations, arn: &Option<String>) {
    v.not_null("resourceArn", arn);
    if let Some(arn) = arn
        && !(1..=1283).contains(&arn.len())
    {
        v.push(
            &format!("'{arn}'"),
            "resourceArn",
            "Member must have length less than or equal to 1283",
        );
    }
}

/// Records the changed table definition.
fn record(engine: &mut Engine, table: &str) {
    let definition: TableDefinition = engine.tables[table].definition.clone();
    engine.record_table(&definition);
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutResourcePolicyRequest {
    pub resource_arn: Option<String>,
    pub policy: Option<String>,
    pub expected_revision_id: Option<String>,
    // Accepted and type-checked by deserialization, never read.
    #[allow(dead_code)]
    pub confirm_remove_self_resource_access: Option<bool>,
}

pub fn put_resource_policy(
    engine: &mut Engine,
    request: PutResourcePolicyRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    check_arn(&mut v, &request.resource_arn);
    v.not_null("policy", &request.policy);
    v.finish()?;
    let (arn, policy) = (
        request.resource_arn.expect("checked"),
        request.policy.expect("checked"),
    );
    let slot = slot_of(engine, &arn)?;
    let now = engine.now_millis();
    let current = slot_mut(engine, &slot);
    check_expected(
        current.as_ref(),
        request.expected_revision_id.as_deref(),
        &arn,
    )?;
    let mut next = new_policy(&policy, now)?;
    match current.as_ref() {
        // The same document keeps its revision: PutResourcePolicy is idempotent.
        Some(p) if p.policy == policy => next.revision_id = p.revision_id.clone(),
        Some(p) if p.revision_id >= next.revision_id => {
            let previous: u64 = p.revision_id.parse().unwrap_or(now);
            next.revision_id = (previous + 1).to_string();
        }
        _ => {}
    }
    let revision = next.revision_id.clone();
    *current = Some(next);
    record(engine, table_of(&slot));
    respond(&json!({"RevisionId": revision}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetResourcePolicyRequest {
    pub resource_arn: Option<String>,
}

pub fn get_resource_policy(
    engine: &mut Engine,
    request: GetResourcePolicyRequest,
) -> Result<Vec<u8>, DynamoError> {
    let (arn, slot) = resource_of(engine, &request.resource_arn)?;
    let policy = slot_mut(engine, &slot)
        .clone()
        .ok_or_else(|| policy_not_found(&arn))?;
    respond(&json!({"Policy": policy.policy, "RevisionId": policy.revision_id}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteResourcePolicyRequest {
    pub resource_arn: Option<String>,
    pub expected_revision_id: Option<String>,
}

pub fn delete_resource_policy(
    engine: &mut Engine,
    request: DeleteResourcePolicyRequest,
) -> Result<Vec<u8>, DynamoError> {
    let (arn, slot) = resource_of(engine, &request.resource_arn)?;
    let current = slot_mut(engine, &slot);
    let Some(policy) = current.clone() else {
        return Err(policy_not_found(&arn));
    };
    check_expected(Some(&policy), request.expected_revision_id.as_deref(), &arn)?;
    *current = None;
    record(engine, table_of(&slot));
    respond(&json!({"RevisionId": policy.revision_id}))
}
