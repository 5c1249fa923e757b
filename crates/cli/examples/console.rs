//! The console natively: reads `aws ...` lines from stdin, runs each against one in-process
//! engine and writes one JSON line per input, `{"exitCode", "stdout", "stderr"}`. The tests
//! compare it with the real AWS CLI (scripts/test-cli.sh); it is also handy by hand.

use std::io::{BufRead, Write};

use dynoscope_cli::{Failure, Settings};
use dynoscope_engine::{Engine, EngineConfig};

fn main() {
    let mut engine = Engine::new(EngineConfig::default());
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin is readable");
        let printed = dynoscope_cli::run_with(&line, &Settings::default(), |call| {
            let body = serde_json::to_vec(&call.request).expect("a request serialises");
            match engine.dispatch(&call.operation, &body) {
                Ok(bytes) => Ok(serde_json::from_slice(&bytes).expect("the engine answers JSON")),
                Err(error) => Err(Failure::from_body(&error.to_json())),
            }
        });
        let json = serde_json::to_string(&printed).expect("printed output serialises");
        writeln!(out, "{json}").expect("stdout is writable");
    }
}
