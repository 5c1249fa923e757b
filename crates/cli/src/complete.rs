//! Suggestions for the console's Tab key: the service, the command, the options not yet given,
//! the values a closed option takes (`--return-values ALL_NEW`, `--output table`) and table
//! names for `--table-name`.

use serde::{Deserialize, Serialize};

use crate::model::{self, Kind};

/// What may replace the word the cursor is in (the line's end), which starts at `start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    pub start: usize,
    pub candidates: Vec<String>,
}

const GLOBALS: &[&str] = &[
    "--output",
    "--query",
    "--no-paginate",
    "--cli-binary-format",
    "--cli-input-json",
    "--generate-cli-skeleton",
];

/// Suggestions for the end of `line`; `tables` are the names `--table-name` may take.
pub fn complete(line: &str, tables: &[String]) -> Completion {
    let start = line.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let word = &line[start..];
    let before: Vec<&str> = line[..start].split_whitespace().collect();
    let candidates = candidates(&before, tables)
        .into_iter()
        .filter(|c| c.starts_with(word) && c != word)
        .collect();
    Completion { start, candidates }
}

fn candidates(before: &[&str], tables: &[String]) -> Vec<String> {
    let owned = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    if before.is_empty() {
        return owned(&["aws"]);
    }
    let positional: Vec<&str> = before[1..]
        .iter()
        .copied()
        .filter(|w| !w.starts_with('-'))
        .collect();
    let previous = before.last().copied().unwrap_or_default();
    if previous == "--output" {
        return owned(&["json", "text", "table"]);
    }
    if previous == "--cli-binary-format" {
        return owned(&["base64", "raw-in-base64-out"]);
    }
    let Some(service) = positional.first().and_then(|name| model::service(name)) else {
        return owned(&["dynamodb", "dynamodbstreams", "help"]);
    };
    // `wait <waiter>` reads its waiter's operation's options.
    let waiting = positional.get(1) == Some(&"wait") && !service.waiters.is_empty();
    let command = if waiting {
        let Some(waiter) = positional.get(2).and_then(|w| service.waiter(w)) else {
            return service
                .waiters
                .values()
                .map(|w| w.command.clone())
                .collect();
        };
        service
            .operations
            .get(&waiter.1.operation)
            .map(|op| ("", op))
    } else {
        positional.get(1).and_then(|c| service.command(c))
    };
    let Some((_, operation)) = command else {
        let mut commands: Vec<String> = service
            .operations
            .values()
            .map(|op| op.command.clone())
            .collect();
        if !service.waiters.is_empty() {
            commands.push("wait".to_owned());
            commands.sort();
        }
        return commands;
    };
    let input = operation.input.as_deref().map(|i| service.shape(i));
    let member_shape = |cli: &str| {
        let member = operation
            .options
            .iter()
            .find(|(c, _)| c == cli)
            .map(|(_, m)| m)?;
        service.member(input?, member).map(|s| service.shape(s))
    };
    if let Some(cli) = previous.strip_prefix("--")
        && let Some(shape) = member_shape(cli)
    {
        if cli == "table-name" {
            return tables.to_vec();
        }
        if !shape.values.is_empty() {
            return shape.values.clone();
        }
    }
    let mut options = Vec::new();
    for (cli, _) in &operation.options {
        let flag = format!("--{cli}");
        if before.contains(&flag.as_str()) {
            continue;
        }
        if member_shape(cli).is_some_and(|s| s.kind == Kind::Boolean) {
            options.push(format!("--no-{cli}"));
        }
        options.push(flag);
    }
    if operation.paginator.is_some() {
        options.extend(owned(&["--page-size", "--max-items", "--starting-token"]));
    }
    options.extend(owned(GLOBALS));
    options
}
