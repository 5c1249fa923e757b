//! A console wired to a fresh engine, for the tests: each line runs through dispatch.
#![allow(dead_code)] // each test file uses its own part of it

use dynoscope_cli::{Call, Failure, Printed, Settings};
use dynoscope_engine::{Engine, EngineConfig};

pub struct Console {
    pub engine: Engine,
    pub sent: Vec<Call>,
}

impl Console {
    pub fn new() -> Console {
        Console {
            engine: Engine::new(EngineConfig::default()),
            sent: Vec::new(),
        }
    }

    pub fn run(&mut self, line: &str) -> Printed {
        let engine = &mut self.engine;
        let sent = &mut self.sent;
        dynoscope_cli::run_with(line, &Settings::default(), |call| {
            sent.push(call.clone());
            let body = serde_json::to_vec(&call.request).expect("a request serialises");
            match engine.dispatch(&call.operation, &body) {
                Ok(bytes) => Ok(serde_json::from_slice(&bytes).expect("the engine answers JSON")),
                Err(error) => Err(Failure::from_body(&error.to_json())),
            }
        })
    }

    /// Runs `line` and insists it succeeded; gives what it printed.
    pub fn ok(&mut self, line: &str) -> String {
        let printed = self.run(line);
        assert_eq!(printed.exit_code, 0, "{line}\n{}", printed.stderr);
        printed.stdout
    }

    /// A table `t` with a string hash key `pk` and a number range key `sk`.
    pub fn with_table() -> Console {
        let mut console = Console::new();
        console.ok(
            "aws dynamodb create-table --table-name tbl \
             --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=N \
             --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
             --billing-mode PAY_PER_REQUEST",
        );
        console
    }
}
