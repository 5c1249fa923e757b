//! What the console prints without sending anything: `aws help`, `aws dynamodb help`, a
//! command's options, `--version`, a skeleton of a command's input for `--cli-input-json`,
//! and the suggestion when a command is misspelt.

use serde_json::{Map, Value};

use crate::Printed;
use crate::model::{self, Kind, Operation, Service};

pub fn version() -> String {
    "aws-cli/2 (Dynoscope's in-page console; commands read from botocore's DynamoDB model)\n".into()
}

/// `aws help`, `aws <service> help`, `aws <service> <command> help`.
pub fn help(service: Option<&str>, command: Option<&str>) -> Printed {
    let Some(service_name) = service else {
        return Printed::out(
            "The console runs the AWS CLI's DynamoDB commands against the engine in this tab.\n\n\
             aws dynamodb <command> [options]         tables, items, queries, transactions, PartiQL\n\
             aws dynamodbstreams <command> [options]  a table's stream\n\n\
             Global options: --output json|text|table, --query <JMESPath>, --no-paginate,\n\
             --page-size, --max-items, --starting-token, --cli-binary-format, --cli-input-json,\n\
             --generate-cli-skeleton. Values are JSON or shorthand (pk={S=a}).\n\n\
             Try: aws dynamodb help, aws dynamodb put-item help\n"
                .to_owned(),
        );
    };
    let Some(service) = model::service(service_name) else {
        return Printed::error(
            252,
            format!(
                "\naws: error: no help for '{service_name}': the console serves dynamodb and dynamodbstreams\n"
            ),
        );
    };
    match command.and_then(|c| service.command(c)) {
        Some((name, operation)) => Printed::out(command_help(service, name, operation)),
        None => {
            let mut text = format!("aws {}: available commands\n\n", service.service);
            for operation in service.operations.values() {
                text.push_str(&format!("  {}\n", operation.command));
            }
            if !service.waiters.is_empty() {
                let waiters: Vec<&str> = service
                    .waiters
                    .values()
                    .map(|w| w.command.as_str())
                    .collect();
                text.push_str(&format!("  wait ({})\n", waiters.join(", ")));
            }
            Printed::out(text)
        }
    }
}

fn command_help(service: &Service, name: &str, operation: &Operation) -> String {
    let mut text = format!(
        "aws {} {}   ({name})\n\nOptions:\n",
        service.service, operation.command
    );
    let input = operation.input.as_deref().map(|i| service.shape(i));
    for (cli, member) in &operation.options {
        let Some(shape) = input else { break };
        let kind = service.member(shape, member).map(|s| service.shape(s).kind);
        let required = if shape.required.contains(member) {
            " (required)"
        } else {
            ""
        };
        let what = match kind {
            Some(Kind::Boolean) => format!("--{cli} | --no-{cli}"),
            Some(Kind::List) => format!("--{cli} <value> [<value>...]"),
            Some(Kind::Structure | Kind::Map) => format!("--{cli} <JSON or shorthand>"),
            Some(Kind::Integer | Kind::Long) => format!("--{cli} <integer>"),
            _ => format!("--{cli} <string>"),
        };
        text.push_str(&format!("  {what}{required}\n"));
    }
    if operation.paginator.is_some() {
        text.push_str(
            "\nPaging: --page-size <n>, --max-items <n>, --starting-token <token>, --no-paginate\n",
        );
    }
    text
}

/// The error text for a command the service does not have: argparse's, as the AWS CLI words it.
/// The choices are the service's commands in the model's order, then `help`.
pub fn invalid_command(service: &Service, command: &str) -> String {
    let mut choices: Vec<&str> = service
        .operations
        .values()
        .map(|op| op.command.as_str())
        .collect();
    if !service.waiters.is_empty() {
        choices.push("wait");
        choices.sort_unstable();
    }
    choices.push("help");
    invalid_choice("operation", command, &choices)
}

/// The AWS CLI's message for a value outside an argument's choices: every choice, two to a
/// line and each padded to 40 columns, then the close ones (`difflib.get_close_matches` with
/// a cutoff of 0.8).
pub fn invalid_choice(argument: &str, value: &str, choices: &[&str]) -> String {
    let mut lines = vec!["Invalid choice, valid choices are:\n".to_owned()];
    for row in choices.chunks(2) {
        let cells: Vec<String> = row.iter().map(|choice| pad(choice, 40)).collect();
        lines.push(cells.join(" | "));
    }
    let possible = close_matches(value, choices, 3, 0.8);
    if !possible.is_empty() {
        lines.push(format!(
            "\n\nInvalid choice: {}, maybe you meant:\n",
            python_str_repr(value)
        ));
        for word in possible {
            lines.push(format!("  * {word}"));
        }
    }
    format!("argument {argument}: {}", lines.join("\n"))
}

/// Python's `'%-40s' % text`: padded with spaces to `width` characters.
fn pad(text: &str, width: usize) -> String {
    let length = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(length)))
}

/// Python's `repr()` of a string: single quotes unless it holds one and no double quote.
pub fn python_str_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `difflib.get_close_matches(word, possibilities, n, cutoff)`: the best `n` possibilities
/// whose similarity ratio to `word` is at least `cutoff`, best first (ties: the greater string).
pub fn close_matches<'a>(
    word: &str,
    possibilities: &[&'a str],
    n: usize,
    cutoff: f64,
) -> Vec<&'a str> {
    let b: Vec<char> = word.chars().collect();
    let mut scored: Vec<(f64, &str)> = possibilities
        .iter()
        .filter_map(|x| {
            let a: Vec<char> = x.chars().collect();
            let ratio = similarity(&a, &b);
            (ratio >= cutoff).then_some((ratio, *x))
        })
        .collect();
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| y.1.cmp(x.1)));
    scored.into_iter().take(n).map(|(_, x)| x).collect()
}

/// `SequenceMatcher(None, a, b).ratio()`: twice the matched characters over both lengths,
/// the matches found as difflib finds them (the longest block, then each side of it).
fn similarity(a: &[char], b: &[char]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    let mut matched = 0;
    let mut queue = vec![(0, a.len(), 0, b.len())];
    while let Some((alo, ahi, blo, bhi)) = queue.pop() {
        let (i, j, k) = longest_match(a, b, (alo, ahi), (blo, bhi));
        if k > 0 {
            matched += k;
            if alo < i && blo < j {
                queue.push((alo, i, blo, j));
            }
            if i + k < ahi && j + k < bhi {
                queue.push((i + k, ahi, j + k, bhi));
            }
        }
    }
    2.0 * matched as f64 / total as f64
}

/// `SequenceMatcher.find_longest_match` without junk: the longest common block of
/// `a[alo..ahi]` and `b[blo..bhi]`, the earliest in `a` (then in `b`) among equals.
fn longest_match(
    a: &[char],
    b: &[char],
    (alo, ahi): (usize, usize),
    (blo, bhi): (usize, usize),
) -> (usize, usize, usize) {
    let (mut besti, mut bestj, mut bestsize) = (alo, blo, 0);
    // lengths[j]: the length of the common block ending at a[i - 1] and b[j].
    let mut lengths = vec![0usize; b.len()];
    for (i, ai) in a.iter().enumerate().take(ahi).skip(alo) {
        let mut next = vec![0usize; b.len()];
        for j in blo..bhi {
            if *ai == b[j] {
                let k = if j > blo { lengths[j - 1] } else { 0 } + 1;
                next[j] = k;
                if k > bestsize {
                    (besti, bestj, bestsize) = (i + 1 - k, j + 1 - k, k);
                }
            }
        }
        lengths = next;
    }
    (besti, bestj, bestsize)
}

/// `--generate-cli-skeleton`: the input with placeholder values, for `--cli-input-json`.
pub fn skeleton(service: &Service, operation: &Operation) -> String {
    let Some(input) = operation.input.as_deref() else {
        return "{}\n".into();
    };
    let value = placeholder(service, input, &mut Vec::new());
    let ordered = crate::render::from_response(service, input, &value);
    crate::render::print(crate::render::Format::Json, "", &ordered)
}

fn placeholder(service: &Service, shape_name: &str, stack: &mut Vec<String>) -> Value {
    if stack.iter().any(|s| s == shape_name) {
        return Value::Object(Map::new());
    }
    stack.push(shape_name.to_owned());
    let shape = service.shape(shape_name);
    let value = match shape.kind {
        Kind::Structure => Value::Object(
            shape
                .members
                .iter()
                .map(|(name, member)| (name.clone(), placeholder(service, member, stack)))
                .collect(),
        ),
        Kind::List => Value::Array(vec![placeholder(
            service,
            shape.member.as_deref().expect("a list has a member"),
            stack,
        )]),
        Kind::Map => {
            let mut map = Map::new();
            map.insert(
                "KeyName".into(),
                placeholder(
                    service,
                    shape.value.as_deref().expect("a map has a value"),
                    stack,
                ),
            );
            Value::Object(map)
        }
        Kind::String | Kind::Blob => Value::String(String::new()),
        Kind::Integer | Kind::Long => Value::from(0),
        Kind::Double => Value::from(0.0),
        Kind::Boolean => Value::Bool(true),
        Kind::Timestamp => Value::String("1970-01-01T00:00:00".into()),
    };
    stack.pop();
    value
}
