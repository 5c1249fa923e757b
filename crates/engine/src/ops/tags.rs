//! TagResource, UntagResource and ListTagsOfResource on table ARNs.

use serde::Deserialize;
use serde_json::json;

use super::tables::{TagArg, tags_of};
use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::table::Table;

/// The table an ARN names, or DynamoDB's not-found error (its misspelling included).
fn table_by_arn<'a>(engine: &'a mut Engine, arn: &str) -> Result<&'a mut Table, DynamoError> {
    let not_found = || {
        DynamoError::new(
            ErrorKind::ResourceNotFoundException,
            format!("Requested resource not found: ResourcArn: {arn} not found"),
        )
    };
    let prefix = format!(
        "arn:aws:dynamodb:{}:{}:table/",
        engine.config.region, engine.config.account_id
    );
    if !arn.starts_with("arn:") {
        return Err(DynamoError::validation(format!(
            "Invalid TableArn: Invalid ResourceArn provided as input {arn}"
        )));
    }
    let name = arn
        .strip_prefix(&prefix)
        .filter(|n| !n.contains('/'))
        .ok_or_else(not_found)?;
    engine.tables.get_mut(name).ok_or_else(not_found)
}

fn check_arn(v: &mut Violations, arn: Option<&str>) {
    v.not_null("resourceArn", &arn);
    if let Some(arn) = arn
        && (arn.is_empty() || arn.len() > 1283)
    {
        let constraint = if arn.is_empty() {
            "Member must have length greater than or equal to 1"
        } else {
            "Member must have length less than or equal to 1283"
        };
        v.push(&format!("'{arn}'"), "resourceArn", constraint);
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceRequest {
    pub resource_arn: Option<String>,
    pub tags: Option<Vec<TagArg>>,
}

pub fn tag_resource(
    engine: &mut Engine,
    request: TagResourceRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    check_arn(&mut v, request.resource_arn.as_deref());
    v.not_null("tags", &request.tags);
    v.finish()?;
    let tags = tags_of(request.tags.as_deref().expect("checked"))?;
    let table = table_by_arn(engine, request.resource_arn.as_deref().expect("checked"))?;
    table.definition.tags.extend(tags);
    if table.definition.tags.len() > 50 {
        return Err(DynamoError::new(
            ErrorKind::LimitExceededException,
            "Too many tags: a resource may have at most 50",
        ));
    }
    let definition = table.definition.clone();
    engine.record_table(&definition);
    respond(&json!({}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceRequest {
    pub resource_arn: Option<String>,
    pub tag_keys: Option<Vec<String>>,
}

pub fn untag_resource(
    engine: &mut Engine,
    request: UntagResourceRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    check_arn(&mut v, request.resource_arn.as_deref());
    v.not_null("tagKeys", &request.tag_keys);
    v.finish()?;
    let table = table_by_arn(engine, request.resource_arn.as_deref().expect("checked"))?;
    for key in request.tag_keys.iter().flatten() {
        table.definition.tags.remove(key);
    }
    let definition = table.definition.clone();
    engine.record_table(&definition);
    respond(&json!({}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsOfResourceRequest {
    pub resource_arn: Option<String>,
    // Accepted and type-checked by deserialization, never read.
    #[allow(dead_code)]
    pub next_token: Option<String>,
}

pub fn list_tags_of_resource(
    engine: &mut Engine,
    request: ListTagsOfResourceRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    check_arn(&mut v, request.resource_arn.as_deref());
    v.finish()?;
    let table = table_by_arn(engine, request.resource_arn.as_deref().expect("checked"))?;
    let tags: Vec<_> = table
        .definition
        .tags
        .iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    respond(&json!({ "Tags": tags }))
}
