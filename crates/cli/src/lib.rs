//! Dynoscope's AWS CLI: `aws dynamodb ...` and `aws dynamodbstreams ...` lines read as AWS CLI
//! v2 reads them (kebab-case commands and options, JSON or shorthand values, `--query`,
//! `--output json|text|table`, paging, `--cli-input-json`), turned into DynamoDB requests, and
//! the responses or errors printed as it prints them, with its exit codes. The commands and
//! shapes come from botocore's service model (`model/`), so every operation the CLI knows is
//! read the same way. The crate sends nothing itself: `start` gives the first call, the caller
//! sends it through dispatch and hands the outcome to `Run::resume` until the run is done.
//! `line` writes a request back as a CLI line; `complete` suggests what may come next.

mod command;
mod complete;
mod convert;
mod help;
pub mod html;
mod line;
mod model;
mod pyjson;
mod render;
mod run;
mod shorthand;
mod validate;
mod wait;

use serde::{Deserialize, Serialize};

pub use command::{Invocation, Paging};
pub use complete::{Completion, complete};
pub use line::to_line;
pub use render::{Format, iso_timestamp, python_float};
pub use run::{Call, Failure, Run, Step};

/// What the CLI printed and how it exited.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Printed {
    #[serde(rename = "exitCode")]
    pub exit_code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Printed {
    pub fn out(stdout: String) -> Printed {
        Printed {
            exit_code: 0,
            stdout,
            stderr: String::new(),
        }
    }

    pub fn error(exit_code: i32, stderr: String) -> Printed {
        Printed {
            exit_code,
            stdout: String::new(),
            stderr,
        }
    }
}

/// What the console knows about where it runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    /// The engine's home region: `--region` naming another sends there.
    pub region: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            region: "us-east-1".into(),
        }
    }
}

/// Reads `line` and gives its first call, or what it prints without calling anything.
pub fn start(line: &str, settings: &Settings) -> Step {
    match command::parse(line, settings) {
        command::Parsed::Print(printed) => Step::Done {
            printed,
            calls: Vec::new(),
        },
        command::Parsed::Run(invocation) => run::begin(*invocation),
    }
}

/// Runs `line` to the end, sending each call with `send`.
pub fn run_with(
    line: &str,
    settings: &Settings,
    mut send: impl FnMut(&Call) -> Result<serde_json::Value, Failure>,
) -> Printed {
    let mut step = start(line, settings);
    loop {
        match step {
            Step::Done { printed, .. } => return printed,
            Step::Send { call, run } => step = run.resume(send(&call)),
        }
    }
}

/// The request `line` becomes, without sending it: `(operation, request)`.
pub fn request_of(line: &str, settings: &Settings) -> Result<(String, serde_json::Value), Printed> {
    match command::parse(line, settings) {
        command::Parsed::Print(printed) => Err(printed),
        command::Parsed::Run(invocation) => Ok((invocation.operation, invocation.request)),
    }
}
