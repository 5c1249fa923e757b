//! Guided scenarios on the page. The scenarios are read, judged and written as HTML in the
//! model's worker ([`crate::converters`]), so their text, TOML and JMESPath stay off the
//! first load; their requests go through dispatch here. Two ways to play:
//! - [`run_headless`] plays a whole scenario on a fresh engine of its own, in memory (what
//!   `window.dynoscope.scenarios.run` does): nothing of the tab's data is touched.
//! - [`reset`] and [`play_step`] play it step by step on the tab's engine, for the Learn
//!   view, which runs in a workspace of its own (`?ws=learn`) so the views show every step
//!   and the learner's own tables are never touched.

use dynoscope_engine::contract::{RequestOptions, Via};
use dynoscope_engine::{DynamoError, Engine, EngineConfig};
use dynoscope_learn::play::{Call, CallOptions, Outcome};
use dynoscope_learn::{Report, StepReport};
use dynoscope_model::ModelError;
use serde_json::{Map, Value, json};

use crate::bridge::EngineHandle;
use crate::converters::{self, LessonPlan};
use crate::engines::Core;

pub use dynoscope_learn::html::WORKSPACE;

/// Plays scenario `id` start to finish on an engine of its own.
pub async fn run_headless(id: &str) -> Result<Report, ModelError> {
    let plan = converters::lesson(id.to_owned(), false).await?;
    let mut engine = Core::Lean(Box::new(Engine::new(EngineConfig {
        // Scenarios may read the event history, as the tab's engine keeps it.
        record_events: true,
        ..EngineConfig::default()
    })));
    for call in &plan.prelude {
        if let Err(error) = dispatch(&mut engine, call).await {
            return Err(ModelError::whole(format!(
                "setting up the engine failed: {} {error}",
                call.operation
            )));
        }
    }
    let mut steps = Vec::new();
    let mut saved = Map::new();
    for n in 0..plan.steps {
        let mut outcomes = Vec::new();
        for call in converters::calls(plan.id.clone(), n, saved.clone()).await? {
            outcomes.push(dispatch(&mut engine, &call).await);
        }
        let report = converters::judge(plan.id.clone(), n, outcomes).await?;
        saved.extend(report.saved.clone());
        steps.push(report);
    }
    Ok(Report {
        id: plan.id,
        ok: steps.iter().all(|s| s.ok),
        steps,
    })
}

/// Serves `call` on a headless scenario's engine, which the full engine takes over from the
/// first request that needs it.
async fn dispatch(engine: &mut Core, call: &Call) -> Outcome {
    let body = serde_json::to_vec(&call.body).unwrap_or_default();
    let options = request_options(&call.options);
    if engine.needs_full(&call.operation, &body, &options) {
        match crate::full::load(false, 0.0).await {
            Ok(full) => engine.hand_over(full),
            Err(error) => return Err(error.to_json()),
        }
    }
    let answer: Result<Vec<u8>, DynamoError> = engine.dispatch(
        dynoscope_engine::DEFAULT_SOURCE,
        &options,
        &call.operation,
        &body,
    );
    match answer {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| json!({"__type": "InternalFailure", "message": e.to_string()})),
        Err(error) => Err(error.to_json()),
    }
}

/// How a scenario's call is sent, as the engine takes it (the same fields).
fn request_options(options: &CallOptions) -> RequestOptions {
    RequestOptions {
        region: options.region.clone(),
        via: (options.via.as_deref() == Some("dax")).then_some(Via::Dax),
        access_key_id: options.access_key_id.clone(),
    }
}

/// Starts a scenario over on the tab's engine: its prelude (a stepped clock, the scenario's
/// simulation, tables that come and go at once), then every table deleted.
pub async fn reset(handle: &EngineHandle, plan: &LessonPlan) -> Result<(), ModelError> {
    let none = RequestOptions::default();
    for call in &plan.prelude {
        send(handle, &call.operation, &call.body, &none)
            .await
            .map_err(|e| ModelError::whole(format!("{} failed: {e}", call.operation)))?;
    }
    if handle.is_full() {
        // What the full engine keeps engine-wide outlives a preset: transactions' holding
        // window, and the tables of other regions (each up again to be emptied).
        let _ = send(
            handle,
            "Dynoscope_SetSimulation",
            &json!({"TransactionMillis": 0}),
            &none,
        )
        .await;
        let regions = send(handle, "Dynoscope_DescribeRegions", &json!({}), &none).await;
        for region in regions
            .ok()
            .and_then(|r| r["Regions"].as_array().cloned())
            .unwrap_or_default()
        {
            let name = region["RegionName"].as_str().unwrap_or_default();
            let _ = send(
                handle,
                "Dynoscope_SetRegionAvailability",
                &json!({"RegionName": name, "Available": true}),
                &none,
            )
            .await;
            let there = RequestOptions {
                region: Some(name.to_owned()),
                ..RequestOptions::default()
            };
            delete_tables(handle, &there).await?;
        }
    }
    delete_tables(handle, &none).await?;
    handle.notify_data_change();
    Ok(())
}

/// Deletes every table of the region `options` address.
async fn delete_tables(handle: &EngineHandle, options: &RequestOptions) -> Result<(), ModelError> {
    let listed = send(handle, "ListTables", &json!({}), options).await;
    let names: Vec<String> = listed
        .ok()
        .and_then(|v| serde_json::from_value(v["TableNames"].clone()).ok())
        .unwrap_or_default();
    for name in names {
        // A table with deletion protection is switched off first: it is the lesson's own.
        let _ = send(
            handle,
            "UpdateTable",
            &json!({"TableName": name, "DeletionProtectionEnabled": false}),
            options,
        )
        .await;
        send(handle, "DeleteTable", &json!({"TableName": name}), options)
            .await
            .map_err(|e| ModelError::whole(format!("could not delete {name}: {e}")))?;
    }
    Ok(())
}

/// Plays step `n` of scenario `id` on the tab's engine and judges it; `saved` holds what
/// earlier steps saved for it.
pub async fn play_step(
    handle: &EngineHandle,
    id: &str,
    n: usize,
    saved: Map<String, Value>,
) -> Result<StepReport, ModelError> {
    let mut outcomes = Vec::new();
    for call in converters::calls(id.to_owned(), n, saved).await? {
        let options = request_options(&call.options);
        outcomes.push(send(handle, &call.operation, &call.body, &options).await);
    }
    handle.notify_data_change();
    converters::judge(id.to_owned(), n, outcomes).await
}

/// Sends one of a scenario's requests, which the activity log names as the scenario's.
async fn send(
    handle: &EngineHandle,
    operation: &str,
    body: &Value,
    options: &RequestOptions,
) -> Outcome {
    let handle = handle.with_source("scenario");
    match handle
        .send_with(operation, &body.to_string(), options)
        .await
    {
        Ok(text) => serde_json::from_slice(text.as_bytes())
            .map_err(|e| json!({"__type": "InternalFailure", "message": e.to_string()})),
        Err(error) => Err(error.to_json()),
    }
}
