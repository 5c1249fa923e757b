//! `--output json`: Python's `json.dumps(indent=4, ensure_ascii=False)` of the result, keys in
//! the order botocore read them; nothing at all for an empty object.

use super::Out;

pub fn print(data: &Out) -> String {
    if matches!(data, Out::Map(pairs) if pairs.is_empty()) {
        return String::new();
    }
    let mut text = String::new();
    write(data, 0, &mut text);
    text.push('\n');
    text
}

fn write(value: &Out, depth: usize, text: &mut String) {
    match value {
        Out::Null => text.push_str("null"),
        Out::Bool(b) => text.push_str(if *b { "true" } else { "false" }),
        Out::Num(_) => text.push_str(&value.python_str()),
        Out::Str(s) => text.push_str(&serde_json::to_string(s).expect("a string serializes")),
        Out::List(items) if items.is_empty() => text.push_str("[]"),
        Out::Map(pairs) if pairs.is_empty() => text.push_str("{}"),
        Out::List(items) => {
            text.push('[');
            for (i, item) in items.iter().enumerate() {
                separate(i, depth + 1, text);
                write(item, depth + 1, text);
            }
            close(']', depth, text);
        }
        Out::Map(pairs) => {
            text.push('{');
            for (i, (key, item)) in pairs.iter().enumerate() {
                separate(i, depth + 1, text);
                text.push_str(&serde_json::to_string(key).expect("a string serializes"));
                text.push_str(": ");
                write(item, depth + 1, text);
            }
            close('}', depth, text);
        }
    }
}

fn separate(i: usize, depth: usize, text: &mut String) {
    if i > 0 {
        text.push(',');
    }
    text.push('\n');
    text.push_str(&"    ".repeat(depth));
}

fn close(bracket: char, depth: usize, text: &mut String) {
    text.push('\n');
    text.push_str(&"    ".repeat(depth));
    text.push(bracket);
}
