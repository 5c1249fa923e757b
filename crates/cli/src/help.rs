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

/// The error text for a command the service does not have, with the nearest one.
pub fn invalid_command(service: &Service, command: &str) -> String {
    let nearest = service
        .operations
        .values()
        .map(|op| (distance(&op.command, command), &op.command))
        .min();
    let hint = match nearest {
        Some((d, name)) if d <= 3 => format!("\n\nMaybe you meant:\n\n  * {name}"),
        _ => format!("\n\nSee the commands with: aws {} help", service.service),
    };
    format!("argument operation: Invalid choice '{command}'{hint}")
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
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
