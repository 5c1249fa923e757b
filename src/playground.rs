//! The playground's model operations, shared by the Model view and `window.dynoscope`:
//! importing a file (NoSQL Workbench JSON, CloudFormation JSON or YAML, a Dynoscope model),
//! applying a model to the engine, exporting it in each format and packing it into a share
//! link. Conversions live in the `dynoscope-model` crate; this module only sends what that
//! crate plans through [`EngineHandle::send`], the same door as every other request, and
//! keeps the current model in IndexedDB beside the engine's data.

use dynoscope_engine::contract::SimulationDescription;
use dynoscope_model::apply::{self, Step};
use dynoscope_model::model::ItemJson;
use dynoscope_model::{Model, ModelError, ModelTable};
use serde::Serialize;
use serde_json::{Value, json};

use crate::bridge::EngineHandle;

/// Export formats, by the names `window.dynoscope.exportModel` takes.
pub use dynoscope_model::convert::EXPORT_FORMATS;

/// The items a table of the model loads: its own sample items, then those its entities
/// generate (made in the model's worker, which is only started when there are some).
pub async fn items_of(table: &ModelTable) -> Result<Vec<ItemJson>, ModelError> {
    if dynoscope_model::convert::generates(table) {
        crate::converters::items(table.clone()).await
    } else {
        Ok(table.items.clone())
    }
}

/// What applying a model did.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub model: String,
    pub format: String,
    pub tables: Vec<String>,
    pub items: usize,
    pub entities: usize,
    pub access_patterns: usize,
}

/// A failure of a model operation, ready for the page: the model crate's located errors and
/// the engine's DynamoDB errors both end up here.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaygroundError {
    /// `ValidationException` for the engine's refusals, `ModelError` for the model's.
    pub name: String,
    pub message: String,
}

impl From<ModelError> for PlaygroundError {
    fn from(e: ModelError) -> Self {
        PlaygroundError {
            name: "ModelError".into(),
            message: e.to_string(),
        }
    }
}

impl From<dynoscope_engine::DynamoError> for PlaygroundError {
    fn from(e: dynoscope_engine::DynamoError) -> Self {
        PlaygroundError {
            name: e.kind.name().to_owned(),
            message: e.message,
        }
    }
}

impl std::fmt::Display for PlaygroundError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

/// Reads a file of any supported kind into a model, and names the kind. A Dynoscope model
/// is read here; other kinds by the converters' worker.
pub async fn read_model(text: String) -> Result<(Model, String), ModelError> {
    if text.trim_start().starts_with('{')
        && let Ok(value) = serde_json::from_slice::<Value>(text.as_bytes())
        && value.get("format").is_some()
    {
        return Ok((Model::from_value(value)?, "dynoscope".to_owned()));
    }
    crate::converters::read(text).await
}

/// Sends one step, failing with the engine's error.
pub(crate) async fn send(handle: &EngineHandle, step: &Step) -> Result<Value, PlaygroundError> {
    parse(&handle.send(step.operation, &step.body.to_string()).await?)
}

/// A response's JSON text, read.
fn parse(text: &str) -> Result<Value, PlaygroundError> {
    serde_json::from_slice(text.as_bytes()).map_err(|e| PlaygroundError {
        name: "InternalFailure".into(),
        message: format!("unreadable response: {e}"),
    })
}

/// The names of the tables the engine has now.
pub async fn table_names(handle: &EngineHandle) -> Result<Vec<String>, PlaygroundError> {
    let mut names = Vec::new();
    let mut start: Option<String> = None;
    loop {
        let body = match &start {
            Some(name) => json!({"ExclusiveStartTableName": name}),
            None => json!({}),
        };
        let page = send(
            handle,
            &Step {
                operation: "ListTables",
                body,
            },
        )
        .await?;
        names.extend(
            page["TableNames"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str().map(str::to_owned)),
        );
        match page["LastEvaluatedTableName"].as_str() {
            // A page ending where the last one did would loop for ever.
            Some(last) if start.as_deref() != Some(last) => start = Some(last.to_owned()),
            _ => return Ok(names),
        }
    }
}

/// Which of the model's tables exist already.
pub async fn existing_tables(
    handle: &EngineHandle,
    model: &Model,
) -> Result<Vec<String>, PlaygroundError> {
    let names = table_names(handle).await?;
    Ok(model
        .tables
        .iter()
        .map(|t| t.definition.table_name.clone())
        .filter(|n| names.contains(n))
        .collect())
}

/// Applies `model`: tables of the same names are deleted first (the caller asks the user
/// before), then each table is created and its items loaded, several batches in flight at
/// once so group commit can gather them. The model is saved as the current model.
pub async fn apply_model(
    handle: &EngineHandle,
    model: &Model,
    format: &str,
) -> Result<Summary, PlaygroundError> {
    let handle = &handle.with_source("model");
    let errors: Vec<String> = dynoscope_model::validate::apply_blockers(model)
        .into_iter()
        .map(|f| format!("{}: {}", f.location, f.message))
        .collect();
    if !errors.is_empty() {
        return Err(PlaygroundError {
            name: "ModelError".into(),
            message: errors.join("; "),
        });
    }
    let mut plans: Vec<(&ModelTable, Vec<ItemJson>)> = Vec::new();
    for table in &model.tables {
        plans.push((table, items_of(table).await?));
    }
    for name in existing_tables(handle, model).await? {
        send(
            handle,
            &Step {
                operation: "DeleteTable",
                body: json!({"TableName": name}),
            },
        )
        .await?;
    }
    let mut summary = Summary {
        model: model.name.clone(),
        format: format.to_owned(),
        ..Summary::default()
    };
    for (table, items) in &plans {
        for step in apply::create_steps(&table.definition) {
            send(handle, &step).await?;
        }
        load_unthrottled(handle, &table.definition.table_name, items).await?;
        summary.tables.push(table.definition.table_name.clone());
        summary.items += items.len();
        summary.entities += table.entities.len();
        summary.access_patterns += table.access_patterns.len();
    }
    save_current(handle, Some(model)).await?;
    Ok(summary)
}

/// Loads sample items with the table's throttling switched off for the load: sample data
/// is setup, not traffic, and a table provisioned at a few units would otherwise take
/// minutes to fill. The writes are still accounted (metrics, cost, heat).
pub(crate) async fn load_unthrottled(
    handle: &EngineHandle,
    table: &str,
    items: &[ItemJson],
) -> Result<(), PlaygroundError> {
    let paused = pause_throttling(handle, table).await?;
    let loaded = load_items(handle, table, items).await;
    resume_throttling(handle, table, paused).await?;
    loaded
}

/// Switches throttling off for `table`; true when it was on (and must be resumed).
async fn pause_throttling(handle: &EngineHandle, table: &str) -> Result<bool, PlaygroundError> {
    let described = send(
        handle,
        &Step {
            operation: "Dynoscope_DescribeSimulation",
            body: json!({"TableName": table}),
        },
    )
    .await?;
    let on = serde_json::from_value::<SimulationDescription>(described)
        .map_err(|e| {
            ModelError::whole(format!(
                "Dynoscope_DescribeSimulation answered in an unexpected shape: {e}"
            ))
        })?
        .settings
        .throttling;
    if on {
        send(handle, &throttling_step(table, false)).await?;
    }
    Ok(on)
}

/// Switches throttling back on for `table` if [`pause_throttling`] switched it off.
async fn resume_throttling(
    handle: &EngineHandle,
    table: &str,
    paused: bool,
) -> Result<(), PlaygroundError> {
    if paused {
        send(handle, &throttling_step(table, true)).await?;
    }
    Ok(())
}

fn throttling_step(table: &str, on: bool) -> Step {
    Step {
        operation: "Dynoscope_SetSimulation",
        body: json!({"TableName": table, "Throttling": on}),
    }
}

/// Batches kept in flight at once while loading.
const IN_FLIGHT: usize = 16;

/// Loads items with BatchWriteItem, [`IN_FLIGHT`] batches at a time, sending unprocessed
/// items again until every item is written.
pub async fn load_items(
    handle: &EngineHandle,
    table: &str,
    items: &[ItemJson],
) -> Result<(), PlaygroundError> {
    let mut queue: std::collections::VecDeque<Step> = apply::load_steps(table, items).into();
    while !queue.is_empty() {
        let wave: Vec<Step> = (0..IN_FLIGHT).filter_map(|_| queue.pop_front()).collect();
        let bodies: Vec<String> = wave.iter().map(|s| s.body.to_string()).collect();
        let calls: Vec<(&str, &str)> = wave
            .iter()
            .zip(&bodies)
            .map(|(s, body)| (s.operation, body.as_str()))
            .collect();
        for answer in handle.send_all(&calls).await {
            if let Some(retry) = apply::retry_step(&parse(&answer?)?) {
                queue.push_back(retry);
            }
        }
    }
    Ok(())
}

/// The model the Model view edits, if one was saved.
pub async fn load_current(handle: &EngineHandle) -> Result<Option<Model>, PlaygroundError> {
    let Some(text) = handle
        .load_text(crate::store::CURRENT_MODEL)
        .await
        .map_err(|e| PlaygroundError::from(e.to_dynamo()))?
    else {
        return Ok(None);
    };
    Ok(Some(Model::from_json(&text)?))
}

/// Saves the current model (or forgets it with `None`).
pub async fn save_current(
    handle: &EngineHandle,
    model: Option<&Model>,
) -> Result<(), PlaygroundError> {
    let json = model.map(Model::to_json);
    handle
        .save_text(crate::store::CURRENT_MODEL, json.as_deref())
        .await
        .map_err(|e| PlaygroundError::from(e.to_dynamo()))
}

/// The items `table` holds now, read with strongly consistent Scan pages: an eventually
/// consistent read may be served by a replica still applying the latest writes, and an
/// export or a link must carry what was acknowledged, not a stale copy. Reading for an
/// export is not traffic either: throttling is paused meanwhile (the reads still count in
/// the table's metrics).
pub async fn scan_all(
    handle: &EngineHandle,
    table: &str,
) -> Result<Vec<ItemJson>, PlaygroundError> {
    let paused = pause_throttling(handle, table).await?;
    let items = scan_pages(handle, table).await;
    resume_throttling(handle, table, paused).await?;
    items
}

async fn scan_pages(handle: &EngineHandle, table: &str) -> Result<Vec<ItemJson>, PlaygroundError> {
    let mut items = Vec::new();
    let mut start: Option<Value> = None;
    loop {
        let mut body = json!({"TableName": table, "ConsistentRead": true});
        if let Some(key) = start.take() {
            body["ExclusiveStartKey"] = key;
        }
        let page = send(
            handle,
            &Step {
                operation: "Scan",
                body,
            },
        )
        .await?;
        items.extend(
            page["Items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i.as_object().cloned()),
        );
        match page.get("LastEvaluatedKey") {
            Some(key) => start = Some(key.clone()),
            None => return Ok(items),
        }
    }
}

/// The current model with each table's items as the engine holds them now (edits made in
/// the Tables view included), or `None` when no model was saved.
pub async fn current_with_data(handle: &EngineHandle) -> Result<Option<Model>, PlaygroundError> {
    let Some(mut model) = load_current(handle).await? else {
        return Ok(None);
    };
    let names = table_names(handle).await?;
    for table in &mut model.tables {
        if names.contains(&table.definition.table_name) {
            table.items = scan_all(handle, &table.definition.table_name).await?;
            // Generated items are now in `items`; the generator would add them again.
            for entity in &mut table.entities {
                entity.count = None;
            }
        }
    }
    Ok(Some(model))
}

/// `model` written in `format` (one of [`EXPORT_FORMATS`]): a Dynoscope model here, every
/// other format by the converters' worker.
pub async fn export(model: Model, format: String) -> Result<String, ModelError> {
    if format == "dynoscope" {
        return Ok(model.to_json());
    }
    crate::converters::write(model, format).await
}

/// The model to share or export: each table as saved when the engine still holds exactly
/// what applying it made (its generator settings recreate the data, which keeps a link
/// short), otherwise with the items the engine holds now.
pub async fn shareable(handle: &EngineHandle) -> Result<Option<Model>, PlaygroundError> {
    let (Some(saved), Some(live)) = (
        load_current(handle).await?,
        current_with_data(handle).await?,
    ) else {
        return Ok(None);
    };
    let mut model = live;
    for (table, original) in model.tables.iter_mut().zip(&saved.tables) {
        // Compare as the engine writes items back (numbers normalised), in any order.
        let canonical = |items: &[ItemJson]| {
            let mut texts: Vec<String> = items
                .iter()
                .map(|i| {
                    let normal = dynoscope_model::data::check_item(i).unwrap_or_else(|_| i.clone());
                    Value::Object(normal).to_string()
                })
                .collect();
            dynoscope_engine::sorting::sort(&mut texts);
            texts
        };
        if canonical(&items_of(original).await?) == canonical(&table.items) {
            *table = original.clone();
        }
    }
    Ok(Some(model))
}

/// A link that opens the current model in another tab: this page's address with the model
/// packed into the fragment. A model too large for a link is refused with advice to share
/// the model file instead.
pub async fn share_link(handle: &EngineHandle) -> Result<String, PlaygroundError> {
    let model = shareable(handle)
        .await?
        .ok_or_else(|| ModelError::whole("there is no model to share: open or import one first"))?;
    let payload = crate::converters::pack_link(model).await?;
    if payload.len() > dynoscope_model::link::LINK_BUDGET {
        return Err(ModelError::whole(format!(
            "the model makes a link of {} KB, more than the {} KB a link can safely carry; export it as a Dynoscope model file and share the file instead",
            payload.len().div_ceil(1024),
            dynoscope_model::link::LINK_BUDGET / 1024
        ))
        .into());
    }
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    Ok(format!("{origin}/model#{payload}"))
}
