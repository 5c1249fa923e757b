//! UpdateContributorInsights, DescribeContributorInsights and ListContributorInsights:
//! CloudWatch Contributor Insights switched on or off for a table or one of its global
//! indexes. A change passes through ENABLING or DISABLING for the engine's control-plane
//! delay on the virtual clock (`EngineConfig::control_plane_millis`, instant by default)
//! and then settles; nothing is ever FAILED. An enabled resource names the CloudWatch rules
//! DynamoDB would create for it, but no rule is evaluated: the engine keeps the setting
//! (persisted with the table's definition), not the graphs.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::validate::Violations;
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::index::IndexKind;
use crate::key::KeySchema;
use crate::table::{ContributorInsightsSettings, Table, TableDefinition};

const ACTIONS: &[&str] = &["ENABLE", "DISABLE"];
const MODES: &[&str] = &["ACCESSED_AND_THROTTLED_KEYS", "THROTTLED_KEYS"];
/// The mode an ENABLE without one asks for.
const DEFAULT_MODE: &str = "ACCESSED_AND_THROTTLED_KEYS";
/// ListContributorInsights' largest page (API Reference: MaxResults at most 100).
const MAX_RESULTS: i64 = 100;

/// The table a request names. DynamoDB documents ResourceNotFoundException for a missing
/// table or index; no public source gives the texts, so they are DescribeTable's and
/// UpdateTable's forms.
fn table<'a>(engine: &'a mut Engine, name: &str) -> Result<&'a mut Table, DynamoError> {
    engine
        .tables
        .get_mut(name)
        .ok_or_else(|| DynamoError::table_not_found(name))
}

/// The key schema and insights setting of the table, or of the global index named.
/// Contributor insights exist for global indexes only: a local index is not found.
fn resource<'a>(
    definition: &'a TableDefinition,
    index_name: Option<&str>,
) -> Result<(&'a KeySchema, Option<&'a ContributorInsightsSettings>), DynamoError> {
    let Some(index_name) = index_name else {
        return Ok((
            &definition.key_schema,
            definition.contributor_insights.as_ref(),
        ));
    };
    match definition
        .index(index_name)
        .filter(|i| i.kind == IndexKind::Global)
    {
        Some(index) => Ok((
            &index.key_schema,
            definition.index_contributor_insights.get(index_name),
        )),
        None => Err(DynamoError::index_not_found(&definition.name, index_name)),
    }
}

/// The members every answer shares: the resource, its status and (once insights were ever
/// enabled) its mode.
fn summary(
    table_name: &str,
    index_name: Option<&str>,
    settings: Option<&ContributorInsightsSettings>,
    now_millis: u64,
) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("TableName".into(), json!(table_name));
    if let Some(index) = index_name {
        out.insert("IndexName".into(), json!(index));
    }
    out.insert(
        "ContributorInsightsStatus".into(),
        json!(settings.map_or("DISABLED", |s| s.status(now_millis))),
    );
    if let Some(s) = settings {
        out.insert("ContributorInsightsMode".into(), json!(s.mode));
    }
    out
}

/// The CloudWatch rules DynamoDB creates for an enabled resource, named as the Developer
/// Guide gives them (`DynamoDBContributorInsights-PKC-[resource_name]-[creationtimestamp]`):
/// most accessed (C) and most throttled (T) partition keys (PK), and with a sort key also
/// partition-and-sort keys (SK). THROTTLED_KEYS mode keeps only the throttled rules.
fn rule_names(
    resource_name: &str,
    schema: &KeySchema,
    settings: &ContributorInsightsSettings,
) -> Vec<String> {
    let throttled_only = settings.mode == "THROTTLED_KEYS";
    let key_kinds: &[&str] = if schema.range.is_some() {
        &["PK", "SK"]
    } else {
        &["PK"]
    };
    let mut names = Vec::new();
    for kind in key_kinds {
        for rule in ["C", "T"] {
            if !(throttled_only && rule == "C") {
                names.push(format!(
                    "DynamoDBContributorInsights-{kind}{rule}-{resource_name}-{}",
                    settings.changed_at_millis
                ));
            }
        }
    }
    names
}

fn check_names(v: &mut Violations, table_name: Option<&str>, index_name: Option<&str>) {
    v.table_name("tableName", table_name);
    if index_name.is_some() {
        v.table_name("indexName", index_name);
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateContributorInsightsRequest {
    pub table_name: Option<String>,
    pub index_name: Option<String>,
    pub contributor_insights_action: Option<String>,
    pub contributor_insights_mode: Option<String>,
}

pub fn update_contributor_insights(
    engine: &mut Engine,
    request: UpdateContributorInsightsRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    check_names(
        &mut v,
        request.table_name.as_deref(),
        request.index_name.as_deref(),
    );
    v.not_null(
        "contributorInsightsAction",
        &request.contributor_insights_action,
    );
    v.one_of(
        "contributorInsightsAction",
        request.contributor_insights_action.as_deref(),
        ACTIONS,
    );
    v.one_of(
        "contributorInsightsMode",
        request.contributor_insights_mode.as_deref(),
        MODES,
    );
    v.finish()?;
    let table_name = request.table_name.as_deref().expect("checked");
    let index_name = request.index_name.as_deref();
    let enable = request.contributor_insights_action.as_deref() == Some("ENABLE");
    let (now, delay) = (engine.now_millis(), engine.config.control_plane_millis);
    let definition = &mut table(engine, table_name)?.definition;
    let (_, current) = resource(definition, index_name)?;
    // ENABLE without a mode asks for the default one; DISABLE keeps the mode it had.
    let mode = match (&request.contributor_insights_mode, current) {
        (Some(mode), _) if enable => mode.clone(),
        (None, _) if enable => DEFAULT_MODE.to_owned(),
        (_, Some(current)) => current.mode.clone(),
        (_, None) => DEFAULT_MODE.to_owned(),
    };
    // Asking for what is already (or already becoming) the case changes nothing.
    let unchanged = match current {
        Some(current) => current.enabled == enable && (!enable || current.mode == mode),
        None => !enable,
    };
    if unchanged {
        return respond(&summary(table_name, index_name, current, now));
    }
    let settings = ContributorInsightsSettings {
        enabled: enable,
        mode,
        changed_at_millis: now,
        settles_at_millis: now + delay,
    };
    // Like CreateTable's CREATING, the answer names the transition even when it is instant.
    let mut answer = summary(table_name, index_name, Some(&settings), now);
    answer.insert(
        "ContributorInsightsStatus".into(),
        json!(if enable { "ENABLING" } else { "DISABLING" }),
    );
    match index_name {
        None => definition.contributor_insights = Some(settings),
        Some(index) => {
            definition
                .index_contributor_insights
                .insert(index.to_owned(), settings);
        }
    }
    let definition = definition.clone();
    engine.record_table(&definition);
    respond(&answer)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeContributorInsightsRequest {
    pub table_name: Option<String>,
    pub index_name: Option<String>,
}

pub fn describe_contributor_insights(
    engine: &mut Engine,
    request: DescribeContributorInsightsRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    check_names(
        &mut v,
        request.table_name.as_deref(),
        request.index_name.as_deref(),
    );
    v.finish()?;
    let table_name = request.table_name.as_deref().expect("checked");
    let index_name = request.index_name.as_deref();
    let now = engine.now_millis();
    let (schema, settings) = resource(&table(engine, table_name)?.definition, index_name)?;
    let mut answer = summary(table_name, index_name, settings, now);
    if let Some(s) = settings {
        // The rules exist while insights are ENABLED (none are named during a transition).
        if s.status(now) == "ENABLED" {
            let resource_name =
                index_name.map_or_else(|| table_name.to_owned(), |i| format!("{table_name}-{i}"));
            answer.insert(
                "ContributorInsightsRuleList".into(),
                json!(rule_names(&resource_name, schema, s)),
            );
        }
        answer.insert(
            "LastUpdateDateTime".into(),
            json!(s.changed_at_millis as f64 / 1000.0),
        );
    }
    respond(&answer)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListContributorInsightsRequest {
    pub table_name: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

/// Every table's summary followed by its global indexes' (by index name), tables in name
/// order, whether or not insights were ever enabled. A summary's position is (table name,
/// index name or ""), and NextToken is the last returned position as `table` or
/// `table/index` (table names cannot hold a slash), so a page resumes after it even if that
/// resource has since gone.
pub fn list_contributor_insights(
    engine: &mut Engine,
    request: ListContributorInsightsRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    if request.table_name.is_some() {
        v.table_name("tableName", request.table_name.as_deref());
    }
    v.at_most("maxResults", request.max_results, MAX_RESULTS);
    v.finish()?;
    // MaxResults has no documented minimum; below 1 it is taken as not given.
    let limit = request
        .max_results
        .filter(|&n| n >= 1)
        .unwrap_or(MAX_RESULTS) as usize;
    let after = request
        .next_token
        .as_deref()
        .map(|token| token.split_once('/').unwrap_or((token, "")));
    let now = engine.now_millis();
    let tables: Vec<&Table> = match request.table_name.as_deref() {
        Some(name) => vec![
            engine
                .tables
                .get(name)
                .ok_or_else(|| DynamoError::table_not_found(name))?,
        ],
        None => engine.tables.values().collect(),
    };
    let mut positions = Vec::new();
    for table in tables {
        let definition = &table.definition;
        positions.push((
            definition.name.as_str(),
            "",
            definition.contributor_insights.as_ref(),
        ));
        let mut globals: Vec<&str> = definition
            .indexes
            .iter()
            .filter(|i| i.kind == IndexKind::Global)
            .map(|i| i.name.as_str())
            .collect();
        crate::sorting::sort(&mut globals);
        let settings = |index: &str| definition.index_contributor_insights.get(index);
        positions.extend(
            globals
                .into_iter()
                .map(|i| (definition.name.as_str(), i, settings(i))),
        );
    }
    let mut page: Vec<_> = positions
        .into_iter()
        .filter(|&(t, i, _)| after.is_none_or(|a| (t, i) > a))
        .take(limit + 1)
        .collect();
    let more = page.len() > limit;
    page.truncate(limit);
    let next_token = page.last().filter(|_| more).map(|&(t, i, _)| {
        if i.is_empty() {
            t.to_owned()
        } else {
            format!("{t}/{i}")
        }
    });
    let summaries: Vec<Value> = page
        .iter()
        .map(|&(t, i, settings)| {
            Value::Object(summary(t, Some(i).filter(|i| !i.is_empty()), settings, now))
        })
        .collect();
    let mut answer = json!({ "ContributorInsightsSummaries": summaries });
    if let Some(token) = next_token {
        answer["NextToken"] = json!(token);
    }
    respond(&answer)
}
