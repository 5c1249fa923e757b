//! UpdateTimeToLive and DescribeTimeToLive: which attribute marks an item's expiry. The
//! sweeper that deletes expired items runs on the virtual clock (the simulation's part).

use serde::Deserialize;
use serde_json::json;

use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::table::TtlSettings;

/// DynamoDB allows one TTL change per table per hour.
const TTL_CHANGE_INTERVAL_MILLIS: u64 = 3_600_000;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TimeToLiveSpecificationArg {
    pub enabled: Option<bool>,
    pub attribute_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateTimeToLiveRequest {
    pub table_name: Option<String>,
    pub time_to_live_specification: Option<TimeToLiveSpecificationArg>,
}

pub fn update_time_to_live(
    engine: &mut Engine,
    request: UpdateTimeToLiveRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.not_null(
        "timeToLiveSpecification",
        &request.time_to_live_specification,
    );
    if let Some(spec) = &request.time_to_live_specification {
        v.not_null("timeToLiveSpecification.enabled", &spec.enabled);
        v.not_null(
            "timeToLiveSpecification.attributeName",
            &spec.attribute_name,
        );
        if let Some(name) = &spec.attribute_name
            && (name.is_empty() || name.len() > 255)
        {
            let constraint = if name.is_empty() {
                "Member must have length greater than or equal to 1"
            } else {
                "Member must have length less than or equal to 255"
            };
            v.push(
                &format!("'{name}'"),
                "timeToLiveSpecification.attributeName",
                constraint,
            );
        }
    }
    v.finish()?;
    let name = request.table_name.expect("checked");
    let spec = request.time_to_live_specification.expect("checked");
    let (enabled, attribute_name) = (
        spec.enabled.expect("checked"),
        spec.attribute_name.expect("checked"),
    );
    let now = engine.now_millis();
    let table = engine
        .tables
        .get_mut(&name)
        .ok_or_else(DynamoError::resource_not_found)?;
    #[cfg(feature = "extras")]
    if enabled && table.definition.strong_consistency.is_some() {
        return Err(DynamoError::validation(crate::mrsc::TTL_UNSUPPORTED));
    }
    let current = &table.definition.ttl;
    // The attribute is checked first, then the state, then the once-an-hour rule.
    if let Some(ttl) = current.as_ref().filter(|t| t.enabled)
        && ttl.attribute_name != attribute_name
    {
        return Err(DynamoError::validation(format!(
            "TimeToLive is active on a different AttributeName: current AttributeName is {}",
            ttl.attribute_name
        )));
    }
    match current {
        Some(ttl) if ttl.enabled && enabled => {
            return Err(DynamoError::validation("TimeToLive is already enabled"));
        }
        Some(ttl) if !ttl.enabled && !enabled => {
            return Err(DynamoError::validation("TimeToLive is already disabled"));
        }
        None if !enabled => return Err(DynamoError::validation("TimeToLive is already disabled")),
        Some(ttl) if now < ttl.changed_at_millis + TTL_CHANGE_INTERVAL_MILLIS => {
            return Err(DynamoError::validation(
                "Time to live has been modified multiple times within a fixed interval",
            ));
        }
        _ => {}
    }
    table.definition.ttl = Some(TtlSettings {
        attribute_name: attribute_name.clone(),
        enabled,
        changed_at_millis: now,
    });
    table.rebuild_expiries();
    let definition = table.definition.clone();
    engine.record_table(&definition);
    respond(
        &json!({"TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attribute_name}}),
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTimeToLiveRequest {
    pub table_name: Option<String>,
}

pub fn describe_time_to_live(
    engine: &mut Engine,
    request: DescribeTimeToLiveRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.finish()?;
    let name = request.table_name.expect("checked");
    let table = engine
        .tables
        .get(&name)
        .ok_or_else(|| DynamoError::table_not_found(&name))?;
    let description = match &table.definition.ttl {
        Some(ttl) if ttl.enabled => {
            json!({"TimeToLiveStatus": "ENABLED", "AttributeName": ttl.attribute_name})
        }
        _ => json!({"TimeToLiveStatus": "DISABLED"}),
    };
    respond(&json!({ "TimeToLiveDescription": description }))
}
