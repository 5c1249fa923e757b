//! The code generator over stdin and stdout, for the harness in `tests/codegen`: each input
//! line is a JSON object `{"language": "javascript"|"python", "operation": ..., "request":
//! ...}`, and each answer one line, `{"code": "..."}` or `{"error": "..."}`. A line that is
//! not such an object is answered with an error too, so answers and questions stay paired.
//!
//! Usage: `cargo run -p dynoscope-codegen --example codegen < requests.jsonl`

use std::io::{self, BufRead, Write};

use dynoscope_codegen::{Language, generate};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
struct Question {
    language: Language,
    operation: String,
    request: Value,
}

fn answer(line: &str) -> Value {
    match serde_json::from_str::<Question>(line) {
        Ok(q) => match generate(q.language, &q.operation, &q.request) {
            Ok(code) => json!({ "code": code }),
            Err(e) => json!({ "error": e.to_string() }),
        },
        Err(e) => json!({ "error": format!("not a question: {e}") }),
    }
}

fn main() -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        writeln!(stdout, "{}", answer(&line))?;
        stdout.flush()?;
    }
    Ok(())
}
