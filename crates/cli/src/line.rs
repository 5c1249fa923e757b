//! A request written back as an AWS CLI line, ready to paste: each member as its option (flags
//! for booleans, words for numbers, strings and lists of strings, compact JSON for the rest),
//! quoted for a POSIX shell, one option per line. Paged commands get `--no-paginate` unless the
//! request pages itself, so the line prints the same response the request gets.

use serde_json::Value;

use crate::model::{self, Kind};

/// `aws dynamodb <command> ...` for `request` to `operation`.
pub fn to_line(operation: &str, request: &Value) -> Result<String, String> {
    if operation.starts_with("Dynoscope_") {
        return Err(format!(
            "{operation} is Dynoscope's own operation; the AWS CLI does not have it. Call it with window.dynoscope.send."
        ));
    }
    let (service, op) = model::services()
        .into_iter()
        .find_map(|s| s.operations.get(operation).map(|op| (s, op)))
        .ok_or_else(|| {
            format!("{operation} is not an operation of the AWS CLI's dynamodb or dynamodbstreams")
        })?;
    let Value::Object(members) = request else {
        return Err("the request is not a JSON object".into());
    };
    let input = op.input.as_deref().map(|i| service.shape(i));
    for key in members.keys() {
        if !op.options.iter().any(|(_, member)| member == key) {
            return Err(format!("{key} is not a parameter of {operation}"));
        }
    }
    let mut parts = vec![format!("aws {} {}", service.service, op.command)];
    for (cli, member) in &op.options {
        let Some(value) = members.get(member) else {
            continue;
        };
        let kind = input
            .and_then(|shape| service.member(shape, member))
            .map(|shape| service.shape(shape));
        parts.push(match (kind.map(|k| k.kind), value) {
            (Some(Kind::Boolean), Value::Bool(true)) => format!("--{cli}"),
            (Some(Kind::Boolean), Value::Bool(false)) => format!("--no-{cli}"),
            (_, Value::String(text)) => format!("--{cli} {}", quote(text)),
            (_, Value::Number(n)) => format!("--{cli} {n}"),
            (Some(Kind::List), Value::Array(items))
                if !items.is_empty() && items.iter().all(Value::is_string) =>
            {
                let words: Vec<String> =
                    items.iter().filter_map(Value::as_str).map(quote).collect();
                format!("--{cli} {}", words.join(" "))
            }
            (_, other) => format!("--{cli} {}", quote(&other.to_string())),
        });
    }
    if let Some(paginator) = &op.paginator {
        let pages_itself = members.contains_key(&paginator.input_token)
            || paginator
                .limit_key
                .as_ref()
                .is_some_and(|k| members.contains_key(k));
        if !pages_itself {
            parts.push("--no-paginate".into());
        }
    }
    Ok(parts.join(" \\\n    ") + "\n")
}

/// A word as a POSIX shell reads it back: bare when safe, otherwise in single quotes.
pub fn quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}
