//! Short texts the Cluster view's panels share: a virtual time as `HH:MM:SS.mmm`, a byte
//! count in binary units, a primary key as its values, and a partition hash read back from
//! its 16 hex digits.

use serde_json::Value;

use super::TableInfo;

/// `HH:MM:SS.mmm` of epoch milliseconds, in the browser's time zone.
pub fn clock_text(millis: u64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis as f64));
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds(),
        date.get_milliseconds()
    )
}

/// A byte count as `512 B`, `5.2 KB`, `3.0 MB` (binary units, as the size limits are).
pub fn bytes_text(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else if b < KB * KB * KB {
        format!("{:.1} MB", b / (KB * KB))
    } else {
        format!("{:.1} GB", b / (KB * KB * KB))
    }
}

/// A primary key (DynamoDB JSON) as short text: its values joined by ` / `, key order as
/// the table defines it when known.
pub fn key_text(key: &Value, info: Option<&TableInfo>) -> String {
    let Some(map) = key.as_object() else {
        return key.to_string();
    };
    let mut names: Vec<&String> = map.keys().collect();
    if let Some(info) = info {
        dynoscope_engine::sorting::sort_by_key(&mut names, |n| {
            info.keys
                .iter()
                .position(|k| &k.name == *n)
                .unwrap_or(usize::MAX)
        });
    }
    names
        .into_iter()
        .filter_map(|n| map.get(n))
        .map(|v| dynoscope_query_builder::value_text::compact(v, super::item_grid::CELL_CHARS))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// A 16-hex-digit hash as a number.
pub fn parse_hash(text: &str) -> Option<u64> {
    u64::from_str_radix(text, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn bytes_are_written_in_binary_units_with_one_decimal() {
        assert_eq!(bytes_text(512), "512 B");
        assert_eq!(bytes_text(5 * 1024 + 205), "5.2 KB");
        assert_eq!(bytes_text(3 * 1024 * 1024), "3.0 MB");
        assert_eq!(bytes_text(10 * 1024 * 1024 * 1024), "10.0 GB");
    }

    #[wasm_bindgen_test]
    fn a_hash_is_read_back_from_its_hex_digits() {
        assert_eq!(parse_hash("00000000000000ff"), Some(255));
        assert_eq!(parse_hash("not hex"), None);
    }

    #[wasm_bindgen_test]
    fn a_key_without_its_table_is_its_values_in_name_order() {
        let key = serde_json::json!({"pk": {"S": "a"}, "sk": {"N": "1"}});
        assert_eq!(key_text(&key, None), "a / 1");
    }
}
