//! AttributeValues as short text for grids and sentences: `S` as its text, `N` as the
//! number, sets in braces, lists in brackets, maps as `{name: value}`; nested strings quoted.
//! The page's item grid, the builder's results and the timeline's sentences all use it.

use serde_json::Value;

/// One attribute value as short text, cut to `max_chars` with an ellipsis: top-level
/// strings bare, nested ones quoted.
pub fn compact(value: &Value, max_chars: usize) -> String {
    let text = compact_inner(value, false);
    if text.chars().count() > max_chars {
        let cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn compact_inner(value: &Value, nested: bool) -> String {
    let Some((kind, inner)) = value.as_object().and_then(|o| o.iter().next()) else {
        return value.to_string();
    };
    let list = |items: &Value, quote: bool, open: &str, close: &str| {
        let parts: Vec<String> = items
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|v| match v.as_str() {
                        Some(s) if quote => format!("{s:?}"),
                        Some(s) => s.to_owned(),
                        None => v.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        format!("{open}{}{close}", parts.join(", "))
    };
    match kind.as_str() {
        "S" => match inner.as_str() {
            Some(s) if nested => format!("{s:?}"),
            Some(s) => s.to_owned(),
            None => inner.to_string(),
        },
        "N" | "B" => inner
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| inner.to_string()),
        "BOOL" => inner
            .as_bool()
            .map(|b| b.to_string())
            .unwrap_or_else(|| inner.to_string()),
        "NULL" => "null".to_owned(),
        "SS" => list(inner, true, "{", "}"),
        "NS" | "BS" => list(inner, false, "{", "}"),
        "L" => {
            let parts: Vec<String> = inner
                .as_array()
                .map(|a| a.iter().map(|v| compact_inner(v, true)).collect())
                .unwrap_or_default();
            format!("[{}]", parts.join(", "))
        }
        "M" => {
            let parts: Vec<String> = inner
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| format!("{k}: {}", compact_inner(v, true)))
                        .collect()
                })
                .unwrap_or_default();
            format!("{{{}}}", parts.join(", "))
        }
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_are_bare_and_nested_strings_quoted() {
        let value = json!({"M": {"a": {"S": "x"}, "b": {"L": [{"N": "1"}, {"BOOL": true}]}}});
        assert_eq!(compact(&json!({"S": "x"}), 80), "x");
        assert_eq!(compact(&value, 80), "{a: \"x\", b: [1, true]}");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        assert_eq!(compact(&json!({"S": "abcdef"}), 4), "abc…");
    }
}
