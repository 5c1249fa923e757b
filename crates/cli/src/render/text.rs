//! `--output text`: the AWS CLI's tab-separated form. A map prints its scalar values on one
//! line (keys sorted, headed by the upper-cased name it sits under), then each container under
//! its own key; a list of maps shares one set of scalar columns; a list of scalars prints one
//! per line under its name, or on one line when it has none.

use super::Out;

pub fn print(data: &Out) -> String {
    let mut text = String::new();
    format(data, None, None, &mut text);
    text
}

fn format(item: &Out, identifier: Option<&str>, scalar_keys: Option<&[String]>, text: &mut String) {
    match item {
        Out::Map(_) => format_map(item, identifier, scalar_keys, text),
        Out::List(items) => format_list(items, identifier, text),
        scalar => {
            text.push_str(&scalar.python_str());
            text.push('\n');
        }
    }
}

fn format_list(items: &[Out], identifier: Option<&str>, text: &mut String) {
    if items.is_empty() {
        return;
    }
    if items.iter().any(|el| matches!(el, Out::Map(_))) {
        let keys = all_scalar_keys(items);
        for element in items {
            format(element, identifier, Some(&keys), text);
        }
    } else if items.iter().any(|el| matches!(el, Out::List(_))) {
        let (scalars, containers): (Vec<&Out>, Vec<&Out>) =
            items.iter().partition(|el| el.is_scalar());
        if !scalars.is_empty() {
            format_scalars(&scalars, identifier, text);
        }
        for container in containers {
            format(container, identifier, None, text);
        }
    } else {
        format_scalars(&items.iter().collect::<Vec<_>>(), identifier, text);
    }
}

fn format_scalars(items: &[&Out], identifier: Option<&str>, text: &mut String) {
    match identifier {
        Some(identifier) => {
            for item in items {
                text.push_str(&format!(
                    "{}\t{}\n",
                    identifier.to_uppercase(),
                    item.python_str()
                ));
            }
        }
        None => {
            let line: Vec<String> = items.iter().map(|item| item.python_str()).collect();
            text.push_str(&line.join("\t"));
            text.push('\n');
        }
    }
}

fn format_map(
    item: &Out,
    identifier: Option<&str>,
    scalar_keys: Option<&[String]>,
    text: &mut String,
) {
    let Out::Map(pairs) = item else { return };
    let mut sorted: Vec<&(String, Out)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut scalars = Vec::new();
    let mut containers = Vec::new();
    match scalar_keys {
        None => {
            for (key, value) in sorted {
                if value.is_scalar() {
                    scalars.push(value.python_str());
                } else {
                    containers.push((key.as_str(), value));
                }
            }
        }
        Some(keys) => {
            for key in keys {
                scalars.push(item.get(key).map_or(String::new(), Out::python_str));
            }
            for (key, value) in sorted {
                if !keys.contains(key) {
                    containers.push((key.as_str(), value));
                }
            }
        }
    }
    if !scalars.is_empty() {
        if let Some(identifier) = identifier {
            scalars.insert(0, identifier.to_uppercase());
        }
        text.push_str(&scalars.join("\t"));
        text.push('\n');
    }
    for (key, value) in containers {
        format(value, Some(key), None, text);
    }
}

fn all_scalar_keys(items: &[Out]) -> Vec<String> {
    let mut keys: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            Out::Map(pairs) => Some(pairs),
            _ => None,
        })
        .flatten()
        .filter(|(_, value)| value.is_scalar())
        .map(|(key, _)| key.clone())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}
