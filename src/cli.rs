//! The AWS CLI in the page, the page's side: a line is read and printed by the model's worker
//! ([`dynoscope_cli`] runs there, see [`crate::converters`]), while each call it makes is
//! sent here through [`EngineHandle::send_with`] (to the region `--region` names), the same
//! door as every other request, and its
//! outcome handed back until the run is done. The console view and `window.dynoscope.cli`
//! both run lines through [`run_line`]. The page holds what comes back as JSON, so it carries
//! none of the CLI's types.

use dynoscope_engine::contract::RequestOptions;
use dynoscope_model::ModelError;
use serde_json::Value;

use crate::bridge::EngineHandle;
use crate::converters::{self, CliStep};

/// A line's run: what it printed (`{exitCode, stdout, stderr}`), its log entry's HTML, and
/// whether it sent anything.
pub struct LineRun {
    pub printed: Value,
    pub html: String,
    pub sent: bool,
}

/// Runs one `aws ...` line against the tab's engine.
pub async fn run_line(handle: &EngineHandle, line: &str) -> Result<LineRun, ModelError> {
    let mut step = converters::cli_start(line.to_owned(), handle.region()).await?;
    let mut sent = false;
    loop {
        match step {
            CliStep::Done { printed, html } => {
                return Ok(LineRun {
                    printed,
                    html,
                    sent,
                });
            }
            CliStep::Send {
                operation,
                request,
                region,
                state,
            } => {
                let options = RequestOptions {
                    region,
                    ..RequestOptions::default()
                };
                let body = request.to_string();
                let outcome = match handle.send_with(&operation, &body, &options).await {
                    Ok(text) => Ok(serde_json::from_slice(text.as_bytes()).map_err(|e| {
                        ModelError::whole(format!("the engine's response is not JSON: {e}"))
                    })?),
                    Err(error) => Err(error.to_json()),
                };
                sent = true;
                step = converters::cli_resume(state, outcome).await?;
            }
        }
    }
}
