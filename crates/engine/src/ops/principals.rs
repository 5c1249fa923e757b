//! The IAM principals the simulation authorizes requests as (`extras`): PutPrincipal,
//! ListPrincipals, DeletePrincipal and ExplainAccess, all `Dynoscope_` operations. The
//! model is the `iam` module.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use super::validate::Violations;
use crate::contract::{PrincipalAnswer, PrincipalView, PrincipalsList};
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::iam::Principal;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutPrincipalRequest {
    pub access_key_id: Option<String>,
    pub name: Option<String>,
    pub policies: Option<Vec<String>>,
    pub variables: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrincipalKeyRequest {
    pub access_key_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExplainAccessRequest {
    pub access_key_id: Option<String>,
    pub operation: Option<String>,
    pub request: Option<Value>,
}

/// A principal as the operations answer it: as set, with its user ARN.
fn view(engine: &Engine, principal: &Principal) -> PrincipalView {
    PrincipalView {
        access_key_id: principal.access_key_id.clone(),
        name: principal.name.clone(),
        policies: principal.policies.clone(),
        variables: principal.variables.clone(),
        arn: format!(
            "arn:aws:iam::{}:user/{}",
            engine.config.account_id, principal.name
        ),
    }
}

fn check_key(v: &mut Violations, key: Option<&str>) {
    v.not_null("accessKeyId", &key);
    if let Some(key) = key
        && (key.is_empty() || key.len() > 128)
    {
        v.push(
            &format!("'{key}'"),
            "accessKeyId",
            "Member must have length between 1 and 128",
        );
    }
}

pub fn put_principal(
    engine: &mut Engine,
    request: PutPrincipalRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    check_key(&mut v, request.access_key_id.as_deref());
    v.not_null("name", &request.name);
    if let Some(name) = &request.name {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
        if name.is_empty() || name.len() > 64 || !name.chars().all(allowed) {
            v.push(
                &format!("'{name}'"),
                "name",
                "Member must be 1 to 64 letters, digits or +=,.@_-",
            );
        }
    }
    v.not_null("policies", &request.policies);
    v.finish()?;
    let principal = Principal {
        access_key_id: request.access_key_id.expect("checked"),
        name: request.name.expect("checked"),
        policies: request.policies.expect("checked"),
        variables: request.variables.unwrap_or_default(),
    };
    engine
        .principals
        .put(principal.clone())
        .map_err(DynamoError::validation)?;
    engine.record_principal(&principal.access_key_id, Some(&principal));
    respond(&PrincipalAnswer {
        principal: view(engine, &principal),
    })
}

pub fn list_principals(engine: &mut Engine, _request: Value) -> Result<Vec<u8>, DynamoError> {
    let principals = engine.principals.list().map(|p| view(engine, p)).collect();
    respond(&PrincipalsList { principals })
}

pub fn delete_principal(
    engine: &mut Engine,
    request: PrincipalKeyRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    check_key(&mut v, request.access_key_id.as_deref());
    v.finish()?;
    let key = request.access_key_id.expect("checked");
    let Some(principal) = engine.principals.remove(&key) else {
        return Err(DynamoError::new(
            crate::error::ErrorKind::ResourceNotFoundException,
            format!("Requested resource not found: Principal: {key} not found"),
        ));
    };
    engine.record_principal(&key, None);
    respond(&PrincipalAnswer {
        principal: view(engine, &principal),
    })
}

pub fn explain_access(
    engine: &mut Engine,
    request: ExplainAccessRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    check_key(&mut v, request.access_key_id.as_deref());
    v.not_null("operation", &request.operation);
    v.finish()?;
    let body = request.request.unwrap_or_else(|| json!({})).to_string();
    let explanation = engine.explain(
        request.access_key_id.as_deref().expect("checked"),
        request.operation.as_deref().expect("checked"),
        body.as_bytes(),
    );
    respond(&explanation)
}
