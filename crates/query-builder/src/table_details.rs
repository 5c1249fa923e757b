//! A table's DescribeTable (and DescribeTimeToLive) shown readably, for the Tables view's
//! "Table details": what it is (ARN, status, creation time, items and size, table class,
//! deletion protection), its keys, how it pays for throughput, each index (keys,
//! projection, status and backfill, capacity, items), its stream, its TTL and its
//! encryption at rest.

use dynoscope_codegen::html::escape;
use serde_json::Value;

use crate::page::thousands;

/// The details as HTML: one definition list per topic, the indexes as a table.
pub fn details_html(describe: &Value, ttl: &Value) -> String {
    let t = describe.get("Table").unwrap_or(describe);
    let text = |v: &Value| {
        v.as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| v.to_string())
    };
    let mut out = String::new();
    out += &section(
        "Table",
        &[
            ("ARN", code(&text(&t["TableArn"]))),
            ("Status", escape(&text(&t["TableStatus"]))),
            ("Created", escape(&time_text(&t["CreationDateTime"]))),
            (
                "Items",
                format!(
                    "{} ({} bytes)",
                    thousands(t["ItemCount"].as_u64().unwrap_or(0)),
                    thousands(t["TableSizeBytes"].as_u64().unwrap_or(0))
                ),
            ),
            (
                "Table class",
                escape(
                    t["TableClassSummary"]["TableClass"]
                        .as_str()
                        .unwrap_or("STANDARD"),
                ),
            ),
            (
                "Deletion protection",
                on_off(t["DeletionProtectionEnabled"].as_bool().unwrap_or(false)),
            ),
        ],
    );
    out += &section(
        "Keys",
        &[("Key schema", escape(&keys_text(t, &t["KeySchema"])))],
    );
    out += &section("Throughput", &[("Billing", escape(&capacity_text(t, t)))]);
    out += &indexes_html(t);
    let stream = &t["StreamSpecification"];
    let stream_text = if stream["StreamEnabled"].as_bool() == Some(true) {
        format!(
            "enabled, {} (label {})",
            text(&stream["StreamViewType"]),
            text(&t["LatestStreamLabel"])
        )
    } else {
        "off".to_owned()
    };
    let ttl = &ttl["TimeToLiveDescription"];
    let ttl_text = match (
        ttl["TimeToLiveStatus"].as_str(),
        ttl["AttributeName"].as_str(),
    ) {
        (Some(status), Some(attribute)) => format!("{status} on attribute {attribute}"),
        (Some(status), None) => status.to_owned(),
        _ => "DISABLED".to_owned(),
    };
    let sse = match t["SSEDescription"]["SSEType"].as_str() {
        Some(kind) => format!("{} ({kind})", text(&t["SSEDescription"]["Status"])),
        None => "with an AWS owned key (DynamoDB's default)".to_owned(),
    };
    out += &section(
        "Changes and expiry",
        &[
            ("Stream", escape(&stream_text)),
            ("Time to live", escape(&ttl_text)),
            ("Encryption at rest", escape(&sse)),
        ],
    );
    out
}

fn section(title: &str, rows: &[(&str, String)]) -> String {
    let mut out = format!(
        "<section class=\"details-section\"><h3>{}</h3><dl class=\"details\">",
        escape(title)
    );
    for (term, value) in rows {
        out += &format!("<dt>{}</dt><dd>{value}</dd>", escape(term));
    }
    out += "</dl></section>";
    out
}

fn code(text: &str) -> String {
    format!("<code>{}</code>", escape(text))
}

fn on_off(on: bool) -> String {
    (if on { "on" } else { "off" }).to_owned()
}

/// `pk (S, partition key) · sk (N, sort key)`, with each attribute's type.
fn keys_text(table: &Value, schema: &Value) -> String {
    schema
        .as_array()
        .into_iter()
        .flatten()
        .map(|k| {
            let name = k["AttributeName"].as_str().unwrap_or("?");
            let kind = table["AttributeDefinitions"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|d| d["AttributeName"] == name)
                .and_then(|d| d["AttributeType"].as_str())
                .unwrap_or("?");
            let role = if k["KeyType"] == "HASH" {
                "partition key"
            } else {
                "sort key"
            };
            format!("{name} ({kind}, {role})")
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// How a table or a global index pays: on demand (with any maximum) or provisioned.
fn capacity_text(table: &Value, of: &Value) -> String {
    let on_demand = table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST";
    if on_demand {
        let max = &of["OnDemandThroughput"];
        match (
            max["MaxReadRequestUnits"].as_i64(),
            max["MaxWriteRequestUnits"].as_i64(),
        ) {
            (Some(r), Some(w)) if r > 0 || w > 0 => {
                format!("on demand, at most {r} read and {w} write request units a second")
            }
            _ => "on demand (PAY_PER_REQUEST)".to_owned(),
        }
    } else {
        let p = &of["ProvisionedThroughput"];
        format!(
            "provisioned: {} RCU, {} WCU",
            p["ReadCapacityUnits"].as_i64().unwrap_or(0),
            p["WriteCapacityUnits"].as_i64().unwrap_or(0)
        )
    }
}

/// Every index as a row: kind, keys, projection, status, capacity, items.
fn indexes_html(table: &Value) -> String {
    let mut rows = String::new();
    for (member, kind) in [
        ("GlobalSecondaryIndexes", "global"),
        ("LocalSecondaryIndexes", "local"),
    ] {
        for index in table[member].as_array().into_iter().flatten() {
            let projection = &index["Projection"];
            let mut projected = projection["ProjectionType"]
                .as_str()
                .unwrap_or("ALL")
                .to_owned();
            if let Some(extra) = projection["NonKeyAttributes"].as_array() {
                let names: Vec<&str> = extra.iter().filter_map(Value::as_str).collect();
                projected += &format!(" + {}", names.join(", "));
            }
            let status = match (kind, index["IndexStatus"].as_str()) {
                ("local", _) => "ACTIVE (with the table)".to_owned(),
                (_, Some(status)) if index["Backfilling"].as_bool() == Some(true) => {
                    format!("{status}, backfilling")
                }
                (_, Some(status)) => status.to_owned(),
                _ => String::new(),
            };
            let capacity = if kind == "global" {
                capacity_text(table, index)
            } else {
                "the table's".to_owned()
            };
            rows += &format!(
                "<tr data-testid=\"details-index\"><th scope=\"row\">{}</th><td>{kind}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(index["IndexName"].as_str().unwrap_or("?")),
                escape(&keys_text(table, &index["KeySchema"])),
                escape(&projected),
                escape(&status),
                escape(&capacity),
                thousands(index["ItemCount"].as_u64().unwrap_or(0)),
            );
        }
    }
    if rows.is_empty() {
        return "<section class=\"details-section\"><h3>Indexes</h3><p class=\"muted\">No secondary indexes.</p></section>".to_owned();
    }
    format!(
        "<section class=\"details-section\"><h3>Indexes</h3><div class=\"grid-scroll\"><table class=\"details-indexes\"><thead><tr>\
         <th scope=\"col\">Index</th><th scope=\"col\">Kind</th><th scope=\"col\">Keys</th><th scope=\"col\">Projection</th>\
         <th scope=\"col\">Status</th><th scope=\"col\">Throughput</th><th scope=\"col\">Items</th></tr></thead><tbody>{rows}</tbody></table></div></section>"
    )
}

/// Epoch seconds (DescribeTable's `CreationDateTime`) as ISO 8601 in UTC.
fn time_text(value: &Value) -> String {
    value
        .as_f64()
        .map(|seconds| dynoscope_engine::iso8601_millis((seconds * 1000.0) as u64))
        .unwrap_or_default()
}
