//! The DAX fold: the simulated cluster's counters (hits and misses per cache), what each
//! cache holds (an item entry stale when the table's item was written directly after it
//! was cached, and why), the recent paths requests took through it, the TTL settings, a
//! Flush button and a GetItem sent through DAX.

use dynoscope_codegen::html::escape;
use dynoscope_engine::contract::{DaxDescription, DaxItemEntry, EventsDescription};
use serde_json::{Value, json};

use super::{
    Call, Drawn, Fields, Flow, Panel, at, button, field, item_text, key_attributes, key_fields,
    key_from, notice, span,
};

/// Events looked back over for the table's DAX paths (sequence numbers).
const LOOK_BACK: u64 = 1_000;
/// DAX events shown, newest first.
const SHOWN: usize = 8;
const ITEM_CHARS: usize = 80;

pub struct Dax {
    pub table: String,
}

impl Panel for Dax {
    fn first_reads(&self, _flow: &Flow) -> Vec<Call> {
        vec![
            Call::new("dax", "Dynoscope_DescribeDax", json!({})),
            Call::new(
                "describe",
                "DescribeTable",
                json!({ "TableName": self.table }),
            ),
            Call::new(
                "last",
                "Dynoscope_GetEvents",
                json!({ "TableName": self.table, "AfterSequence": i64::MAX, "Limit": 1 }),
            ),
        ]
    }

    fn second_reads(&self, flow: &Flow) -> Vec<Call> {
        let last = flow.ok("last").and_then(|l| l["LastSequence"].as_u64());
        vec![Call::new(
            "events",
            "Dynoscope_GetEvents",
            json!({ "TableName": self.table, "AfterSequence": last.unwrap_or(0).saturating_sub(LOOK_BACK) }),
        )]
    }

    fn button(&self, flow: &mut Flow, name: &str, fields: &Fields) -> Result<Vec<Call>, String> {
        let call = match name {
            "flush" => {
                flow.memory["done"] =
                    json!("Both caches emptied (as a node restart would); the counters stay.");
                Call::new("action", "Dynoscope_SetDax", json!({ "Flush": true }))
            }
            "ttl" => {
                let millis = |name: &str, label: &str| {
                    let text = fields.get(name).map(|t| t.trim()).unwrap_or("");
                    text.parse::<u64>().map_err(|_| {
                        format!("The {label} TTL must be a whole number of milliseconds, not \"{text}\".")
                    })
                };
                let (item, query) = (millis("item-ttl", "item")?, millis("query-ttl", "query")?);
                flow.memory["done"] = json!(format!(
                    "Item entries now live {}, query entries {}.",
                    span(item),
                    span(query)
                ));
                Call::new(
                    "action",
                    "Dynoscope_SetDax",
                    json!({ "ItemTtlMillis": item, "QueryTtlMillis": query }),
                )
            }
            "get" => {
                let keys: Vec<(String, String)> =
                    serde_json::from_value(flow.memory["keys"].clone()).unwrap_or_default();
                let key = key_from(&keys, fields)?;
                Call::new(
                    "action-get",
                    "GetItem",
                    json!({ "TableName": self.table, "Key": key, "ReturnConsumedCapacity": "TOTAL" }),
                )
                .with(json!({ "via": "dax" }))
            }
            other => return Err(format!("This fold has no button {other}.")),
        };
        Ok(vec![call])
    }

    fn after_button(&self, flow: &mut Flow) {
        if let Some(outcome) = flow.got.get("action-get").cloned() {
            flow.memory["get"] = outcome;
            flow.notice.clear();
            return;
        }
        flow.memory["get"] = Value::Null;
        let done = flow.memory["done"].as_str().unwrap_or("Done.").to_owned();
        flow.notice = notice(flow, &done);
    }

    fn draw(&self, flow: &mut Flow, fields: &Fields, offset: i64) -> Drawn {
        let keys = key_attributes(flow.ok("describe").unwrap_or(&Value::Null));
        flow.memory["keys"] = json!(keys);
        let body = match flow.read::<DaxDescription>("dax") {
            Some(dax) => body_html(self, flow, &dax, offset),
            None => format!(
                "<p class=\"error\" role=\"alert\">{}</p>",
                escape(&flow.error("dax").unwrap_or_default())
            ),
        };
        let mut hosts = vec![("[data-bx-body=\"dax\"]".to_owned(), body)];
        if flow.forms {
            let settings = flow
                .read::<DaxDescription>("dax")
                .unwrap_or_default()
                .settings;
            let mut fill = flow.fill.clone().unwrap_or_else(|| fields.clone());
            fill.entry("item-ttl".into())
                .or_insert_with(|| settings.item_ttl_millis.to_string());
            fill.entry("query-ttl".into())
                .or_insert_with(|| settings.query_ttl_millis.to_string());
            hosts.push((
                "[data-bx-forms=\"dax\"]".to_owned(),
                forms_html(&keys, &fill),
            ));
        }
        hosts.push(("[data-bx-notice=\"dax\"]".to_owned(), flow.notice.clone()));
        Drawn { hosts, poll: false }
    }
}

/// Counters, the GetItem sent through DAX, both caches and the recent paths.
fn body_html(panel: &Dax, flow: &Flow, dax: &DaxDescription, offset: i64) -> String {
    let s = &dax.statistics;
    let rate = |hits: u64, misses: u64| match hits + misses {
        0 => "no reads yet".to_owned(),
        n => format!("{}% hits", hits * 100 / n),
    };
    let mut out = format!(
        "<table class=\"bx-table bx-stats\" data-testid=\"dax-stats\"><caption>Served since the engine started (Flush keeps these)</caption>\
         <thead><tr><th scope=\"col\">Cache</th><th scope=\"col\" title=\"Answered from the cache: no read units consumed, about 400 µs\">Hits</th>\
         <th scope=\"col\" title=\"Read from the table, then cached: about 4.4 ms\">Misses</th><th scope=\"col\">Hit rate</th></tr></thead><tbody>\
         <tr><th scope=\"row\" title=\"Eventually consistent GetItem and BatchGetItem, by key\">Item cache</th><td data-testid=\"dax-item-hits\">{}</td><td data-testid=\"dax-item-misses\">{}</td><td>{}</td></tr>\
         <tr><th scope=\"row\" title=\"Eventually consistent Query and Scan, by their whole request\">Query cache</th><td data-testid=\"dax-query-hits\">{}</td><td data-testid=\"dax-query-misses\">{}</td><td>{}</td></tr>\
         </tbody></table>\
         <p class=\"muted\"><span title=\"Writes sent through DAX: the table first, then the item cache\">{} write-through(s)</span> · \
         <span title=\"Strongly consistent reads and transactions: DAX passes them to the table uncached\">{} pass-through(s)</span></p>",
        s.item_hits,
        s.item_misses,
        rate(s.item_hits, s.item_misses),
        s.query_hits,
        s.query_misses,
        rate(s.query_hits, s.query_misses),
        s.write_throughs,
        s.pass_throughs
    );
    out += &get_html(flow);
    out += &items_html(&dax.item_cache, &panel.table, flow, offset);
    out += &queries_html(dax, offset);
    out += &events_html(flow, offset);
    out
}

/// What the GetItem sent through DAX returned, and whether it was a hit.
fn get_html(flow: &Flow) -> String {
    let outcome = &flow.memory["get"];
    match (outcome.get("ok"), outcome.get("error")) {
        (Some(response), _) => {
            let hit = response.get("ConsumedCapacity").is_none();
            let found = match response.get("Item") {
                Some(item) => format!(
                    "<code>{}</code>",
                    escape(&item_text(Some(item), ITEM_CHARS))
                ),
                None => "no such item".to_owned(),
            };
            let how = if hit {
                "a cache hit: no ConsumedCapacity, DAX answered from its item cache"
            } else {
                "a miss: DAX read the table (ConsumedCapacity came back) and cached the answer"
            };
            format!(
                "<p class=\"bx-get\" data-testid=\"dax-get\" data-hit=\"{hit}\">GetItem through DAX: {found}, {how}.</p>"
            )
        }
        (_, Some(error)) => format!(
            "<p class=\"error\" data-testid=\"dax-get\">{}</p>",
            escape(&super::error_text(error))
        ),
        _ => String::new(),
    }
}

/// The item cache's live entries, this table's first.
fn items_html(entries: &[DaxItemEntry], table: &str, flow: &Flow, offset: i64) -> String {
    if entries.is_empty() {
        return "<p class=\"muted\" data-testid=\"dax-items-none\">The item cache is empty: an eventually consistent GetItem through DAX fills it.</p>".to_owned();
    }
    let names: Vec<String> =
        serde_json::from_value::<Vec<(String, String)>>(flow.memory["keys"].clone())
            .unwrap_or_default()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
    let mut sorted: Vec<&DaxItemEntry> = entries.iter().collect();
    sorted.sort_by_key(|e| e.table_name != table);
    let mut out = format!(
        "<table class=\"bx-table\" data-testid=\"dax-items\"><caption>Item cache ({} live entries)</caption>\
         <thead><tr><th scope=\"col\">Table</th><th scope=\"col\">Key</th><th scope=\"col\">Cached item</th>\
         <th scope=\"col\" title=\"Virtual time DAX cached it\">Cached at</th><th scope=\"col\" title=\"Cached at plus the item TTL\">Expires</th><th scope=\"col\">State</th></tr></thead><tbody>",
        entries.len()
    );
    for entry in sorted {
        let key = crate::timeline::key_text(&entry.key, &names);
        let state = if entry.stale {
            format!(
                "<strong>stale</strong>: the table's item was written directly (not through DAX) after DAX cached it at {}; DAX answers this old version until it expires",
                at(entry.cached_at_millis, offset)
            )
        } else if entry.item.is_none() {
            "current: cached as not found (a negative entry)".to_owned()
        } else {
            "current: the table holds the same item".to_owned()
        };
        out += &format!(
            "<tr data-testid=\"dax-item\" data-stale=\"{}\"><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{state}</td></tr>",
            entry.stale,
            escape(&entry.table_name),
            escape(&key),
            escape(&item_text(entry.item.as_ref(), ITEM_CHARS)),
            at(entry.cached_at_millis, offset),
            at(entry.expires_at_millis, offset),
        );
    }
    out + "</tbody></table>"
}

/// The query cache's live entries.
fn queries_html(dax: &DaxDescription, offset: i64) -> String {
    if dax.query_cache.is_empty() {
        return "<p class=\"muted\">The query cache is empty: an eventually consistent Query or Scan through DAX fills it.</p>".to_owned();
    }
    let mut out = format!(
        "<table class=\"bx-table\" data-testid=\"dax-queries\"><caption>Query cache ({} live entries; writes through DAX do not update it, so an entry misses them until it expires)</caption>\
         <thead><tr><th scope=\"col\">Request</th><th scope=\"col\" title=\"Items in the cached answer\">Count</th><th scope=\"col\">Cached at</th><th scope=\"col\">Expires</th></tr></thead><tbody>",
        dax.query_cache.len()
    );
    for entry in &dax.query_cache {
        let condition = (entry.request["KeyConditionExpression"].as_str())
            .map(|c| format!(" where {c}"))
            .unwrap_or_default();
        out += &format!(
            "<tr><td>{} {}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&entry.operation),
            escape(&entry.table_name),
            escape(&condition),
            entry.count.map(|c| c.to_string()).unwrap_or_default(),
            at(entry.cached_at_millis, offset),
            at(entry.expires_at_millis, offset),
        );
    }
    out + "</tbody></table>"
}

/// The table's recent paths through DAX, newest first.
fn events_html(flow: &Flow, offset: i64) -> String {
    let Some(events) = flow.read::<EventsDescription>("events") else {
        return String::new();
    };
    let names: Vec<String> =
        serde_json::from_value::<Vec<(String, String)>>(flow.memory["keys"].clone())
            .unwrap_or_default()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
    let table = crate::timeline::Table {
        region: String::new(),
        key_names: names,
    };
    let items: String = (events.events.iter().rev())
        .filter(|e| e.kind == "DAX")
        .take(SHOWN)
        .map(|e| {
            let stale = e.detail["Stale"] == true;
            let why = if stale {
                format!(
                    "<br><span class=\"muted\">cached: <code>{}</code> · the table holds: <code>{}</code></span>",
                    escape(&item_text(e.detail.get("CachedItem"), ITEM_CHARS)),
                    escape(&item_text(e.detail.get("TableItem"), ITEM_CHARS))
                )
            } else {
                String::new()
            };
            format!(
                "<li data-testid=\"dax-event\" data-path=\"{}\"><time>{}</time> {}{why}</li>",
                escape(e.detail["Path"].as_str().unwrap_or("")),
                at(e.at_millis, offset),
                escape(&crate::timeline::sentence("DAX", e.at_millis, &e.detail, &table))
            )
        })
        .collect();
    if items.is_empty() {
        return String::new();
    }
    format!(
        "<h4>Recent requests through DAX (newest first)</h4><ol class=\"bx-events\">{items}</ol>"
    )
}

/// The TTL form and the GetItem-through-DAX form.
fn forms_html(keys: &[(String, String)], fields: &Fields) -> String {
    format!(
        "<div class=\"bx-forms\">\
         <fieldset><legend>Cache TTLs</legend>{}{}{}{}\
         <p class=\"muted\">How long an entry is served before DAX reads the table again (DAX's default: 5 minutes, 300000 ms).</p></fieldset>\
         <fieldset><legend>GetItem through DAX</legend>{}{}\
         <p class=\"muted\">An eventually consistent GetItem sent with {{via: \"dax\"}}: a miss reads the table and caches the item; a hit costs no read units.</p></fieldset>\
         </div>",
        field("Item TTL (ms)", "item-ttl", fields, "300000"),
        field("Query TTL (ms)", "query-ttl", fields, "300000"),
        button("ttl", "Set TTLs", "small"),
        button("flush", "Flush", "small danger"),
        key_fields(keys, fields),
        button("get", "GetItem through DAX", "small"),
    )
}
