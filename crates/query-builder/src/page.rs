//! One page of results as HTML: Count and ScannedCount, the consumed capacity with its
//! arithmetic (from the page's `READ` event, [`PageReadDetail`]: the bytes read before any
//! filter, rounded up to 4 KB, halved when eventually consistent), the items as a grid
//! (key attributes first), LastEvaluatedKey and the paging buttons (`data-qb-page`), or
//! DynamoDB's error as it came.

use dynoscope_codegen::html::escape;
use dynoscope_engine::contract::PageReadDetail;
use serde_json::{Map, Value};

use crate::schema::TableShape;
use crate::value_text::compact;

/// At most this many rows are drawn; Count still counts them all.
pub const ROWS_SHOWN: usize = 500;

/// What a run came to, as the page hands it over.
pub struct Run<'a> {
    /// The response, or DynamoDB's error body (`__type`, `message`).
    pub outcome: Result<&'a Value, &'a Value>,
    /// The page's read, if the event history recorded it.
    pub read: Option<&'a PageReadDetail>,
    /// Which page this is, from 1.
    pub page: usize,
    /// Whether the request had a filter.
    pub filtered: bool,
    /// Whether it went through DAX, and was strongly consistent.
    pub via_dax: bool,
    pub consistent: bool,
}

/// The page of results as HTML.
pub fn page_html(shape: &TableShape, run: &Run) -> String {
    let response = match run.outcome {
        Ok(response) => response,
        Err(error) => return error_html(error),
    };
    let count = response["Count"].as_u64().unwrap_or(0);
    let scanned = response["ScannedCount"].as_u64().unwrap_or(count);
    let mut out = format!(
        "<div class=\"qb-summary\"><span data-testid=\"qb-count\">Count {count}</span> · <span data-testid=\"qb-scanned\">ScannedCount {scanned}</span> · page {}</div>",
        run.page
    );
    if run.via_dax {
        out += &dax_html(response, run.consistent);
    }
    out += &capacity_html(&response["ConsumedCapacity"]);
    if let Some(read) = run.read {
        out += &arithmetic_html(read, count, run.filtered);
    }
    if let Some(items) = response["Items"].as_array() {
        out += &items_html(shape, items);
    }
    out += &paging_html(response.get("LastEvaluatedKey"), run.page);
    out
}

/// Which way DAX answered: from its query cache (no `ConsumedCapacity`, which the builder
/// always asks for), or from the table.
fn dax_html(response: &Value, consistent: bool) -> String {
    let text = if consistent {
        "Through DAX: strongly consistent, so DAX passed it to the table uncached."
    } else if response.get("ConsumedCapacity").is_none() {
        "Through DAX: a cache hit. DAX answered from its query cache, so no ConsumedCapacity came back and no read units were spent."
    } else {
        "Through DAX: a cache miss. DAX read the table (its read units below) and cached the answer for the query TTL."
    };
    format!("<p class=\"qb-dax\" data-testid=\"qb-dax\" role=\"status\">{text}</p>")
}

/// DynamoDB's error: its name, then its message.
fn error_html(error: &Value) -> String {
    let name = error["__type"]
        .as_str()
        .map(|t| t.rsplit('#').next().unwrap_or(t))
        .unwrap_or("Error");
    let message = error["message"]
        .as_str()
        .or_else(|| error["Message"].as_str())
        .unwrap_or("");
    format!(
        "<p class=\"error\" role=\"alert\" data-testid=\"qb-error\"><strong>{}</strong>: {}</p>",
        escape(name),
        escape(message)
    )
}

/// `ConsumedCapacity` (asked for as INDEXES): the total, then the table's and each index's
/// share.
fn capacity_html(capacity: &Value) -> String {
    let Some(total) = capacity["CapacityUnits"].as_f64() else {
        return String::new();
    };
    let mut parts = Vec::new();
    if let Some(units) = capacity["Table"]["CapacityUnits"].as_f64() {
        parts.push(format!("table {units}"));
    }
    for (member, kind) in [
        ("GlobalSecondaryIndexes", "global index"),
        ("LocalSecondaryIndexes", "local index"),
    ] {
        for (name, used) in capacity[member].as_object().into_iter().flatten() {
            if let Some(units) = used["CapacityUnits"].as_f64() {
                parts.push(format!("{kind} {} {units}", escape(name)));
            }
        }
    }
    format!(
        "<p class=\"qb-capacity\" data-testid=\"qb-capacity\">ConsumedCapacity: <strong>{total} RCU</strong>{}</p>",
        if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join(", "))
        }
    )
}

/// Where the read units came from.
fn arithmetic_html(read: &PageReadDetail, count: u64, filtered: bool) -> String {
    let mut text = format!(
        "{} read {} {}, {} bytes in all (every entry read, before any filter or projection) → rounded up to {} × 4 KB (at least one) → {} → {} RCU.",
        read.operation,
        thousands(read.items_read),
        if read.items_read == 1 {
            "entry"
        } else {
            "entries"
        },
        thousands(read.bytes_read),
        read.blocks(),
        read.price_words(),
        read.read_units
    );
    if read.table_fetch_read_units > 0.0 {
        text += &format!(
            " The local index does not project every attribute asked for, so each item was also fetched from the table, each rounded up to 4 KB on its own: {} RCU more.",
            read.table_fetch_read_units
        );
    }
    if filtered && count < read.items_read {
        text += &format!(
            " The filter kept {} of the {} read: the page is billed for all {}.",
            thousands(count),
            thousands(read.items_read),
            thousands(read.items_read)
        );
    }
    format!(
        "<p class=\"qb-arithmetic\" data-testid=\"qb-arithmetic\">{}</p>",
        escape(&text)
    )
}

/// The items as a grid: key attributes first, the rest by name.
fn items_html(shape: &TableShape, items: &[Value]) -> String {
    if items.is_empty() {
        return "<p class=\"muted\" data-testid=\"qb-no-items\">No items on this page.</p>"
            .to_owned();
    }
    let shown = &items[..items.len().min(ROWS_SHOWN)];
    let mut columns: Vec<&str> = shape
        .key_names()
        .into_iter()
        .filter(|k| shown.iter().any(|i| i.get(*k).is_some()))
        .collect();
    let mut others: Vec<&str> = shown
        .iter()
        .filter_map(Value::as_object)
        .flat_map(Map::keys)
        .map(String::as_str)
        .filter(|a| !columns.contains(a))
        .collect();
    others.sort_unstable();
    others.dedup();
    columns.extend(others);
    let mut out = String::from(
        "<div class=\"qb-grid\"><table class=\"qb-items\" data-testid=\"qb-items\"><thead><tr><th scope=\"col\">#</th>",
    );
    for column in &columns {
        out += &format!("<th scope=\"col\">{}</th>", escape(column));
    }
    out += "</tr></thead><tbody>";
    for (n, item) in shown.iter().enumerate() {
        out += &format!("<tr><td class=\"muted\">{}</td>", n + 1);
        for column in &columns {
            match item.get(*column) {
                Some(value) => {
                    out += &format!(
                        "<td title=\"{}\">{}</td>",
                        escape(&value.to_string()),
                        escape(&compact(value, 80))
                    )
                }
                None => out += "<td></td>",
            }
        }
        out += "</tr>";
    }
    out += "</tbody></table></div>";
    if items.len() > shown.len() {
        out += &format!(
            "<p class=\"muted\">The first {} of this page's {} items are drawn.</p>",
            thousands(shown.len() as u64),
            thousands(items.len() as u64)
        );
    }
    out
}

/// LastEvaluatedKey and the buttons to the previous and next page.
fn paging_html(last_key: Option<&Value>, page: usize) -> String {
    let key = match last_key {
        Some(key) => format!(
            "<p>LastEvaluatedKey <code data-testid=\"qb-last-key\">{}</code>: the read stopped there (Limit or 1 MB); the next page starts after it.</p>",
            escape(&key.to_string())
        ),
        None => "<p class=\"muted\" data-testid=\"qb-last-page\">No LastEvaluatedKey: this is the last page.</p>".to_owned(),
    };
    let disabled = |off: bool| if off { " disabled" } else { "" };
    format!(
        "{key}<nav class=\"qb-paging\" aria-label=\"Pages\"><button type=\"button\" data-qb-page=\"previous\" data-testid=\"qb-previous\"{}>← Previous page</button> <button type=\"button\" data-qb-page=\"next\" data-testid=\"qb-next\"{}>Next page →</button></nav>",
        disabled(page <= 1),
        disabled(last_key.is_none())
    )
}

/// A count with thousands separators: 12,345.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
