//! The regions fold: a table's replicas side by side (one column per region: its status,
//! item count and availability, and what a read of one item returns there), the
//! replications in flight with their due times, the recent replications and conflicts with
//! both versions and the winner, and the buttons: add a replica region, take a region down
//! or bring it back, set the replication lag, read an item in every region.

use dynoscope_codegen::html::escape;
use dynoscope_engine::Event;
use dynoscope_engine::contract::{EventsDescription, RegionsDescription};
use serde_json::{Value, json};

use super::{
    Call, Drawn, Fields, Flow, Panel, at, button, field, item_text, key_attributes, key_fields,
    key_from, notice, span,
};

/// Regions a replica can be added in, as the add form offers them.
pub const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-central-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
];

/// Events of other regions' replication looked back over (sequence numbers).
const LOOK_BACK: u64 = 2_000;
/// Replication events shown, newest first.
const SHOWN: usize = 12;
/// Characters of an item shown in a cell.
const ITEM_CHARS: usize = 80;

pub struct Regions {
    pub table: String,
}

impl Regions {
    /// The regions holding the table: the home region first, then its replicas' regions.
    fn members(&self, flow: &Flow) -> Vec<String> {
        let home = (flow.read::<RegionsDescription>("regions"))
            .and_then(|d| d.regions.into_iter().find(|r| r.home))
            .map(|r| r.region_name)
            .unwrap_or_else(|| "us-east-1".to_owned());
        let mut members = vec![home];
        let replicas = flow.ok("describe").map(|d| d["Table"]["Replicas"].clone());
        for replica in replicas
            .as_ref()
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(region) = replica["RegionName"].as_str() {
                members.push(region.to_owned());
            }
        }
        members
    }
}

impl Panel for Regions {
    fn first_reads(&self, _flow: &Flow) -> Vec<Call> {
        let table = json!({ "TableName": self.table });
        vec![
            Call::new("regions", "Dynoscope_DescribeRegions", json!({})),
            Call::new("describe", "DescribeTable", table.clone()),
            Call::new("simulation", "Dynoscope_DescribeSimulation", table),
            Call::new(
                "last",
                "Dynoscope_GetEvents",
                json!({ "TableName": self.table, "AfterSequence": i64::MAX, "Limit": 1 }),
            ),
        ]
    }

    fn second_reads(&self, flow: &Flow) -> Vec<Call> {
        let last = flow.ok("last").and_then(|l| l["LastSequence"].as_u64());
        let mut calls: Vec<Call> = (self.members(flow).into_iter().skip(1))
            .map(|region| {
                Call::new(
                    format!("replica:{region}"),
                    "DescribeTable",
                    json!({ "TableName": self.table }),
                )
                .with(json!({ "region": region }))
            })
            .collect();
        calls.push(Call::new(
            "events",
            "Dynoscope_GetEvents",
            json!({ "TableName": self.table, "AfterSequence": last.unwrap_or(0).saturating_sub(LOOK_BACK) }),
        ));
        calls
    }

    fn button(&self, flow: &mut Flow, name: &str, fields: &Fields) -> Result<Vec<Call>, String> {
        let table = &self.table;
        let (verb, region) = name.split_once(':').unwrap_or((name, ""));
        let call = match verb {
            "add" => {
                let region = fields.get("replica-region").cloned().unwrap_or_default();
                if region.is_empty() {
                    return Err("Pick a region to add a replica in.".to_owned());
                }
                flow.memory["done"] = json!(format!(
                    "Replica of {table} being created in {region}: CREATING for the control-plane delay, holding every item."
                ));
                Call::new(
                    "action",
                    "UpdateTable",
                    json!({ "TableName": table, "ReplicaUpdates": [{ "Create": { "RegionName": region } }] }),
                )
            }
            "down" | "up" => {
                let available = verb == "up";
                flow.memory["done"] = json!(if available {
                    format!("{region} is back: the replications waiting for it apply in order.")
                } else {
                    format!(
                        "{region} is down: requests to it answer InternalServerError; writes to it wait."
                    )
                });
                Call::new(
                    "action",
                    "Dynoscope_SetRegionAvailability",
                    json!({ "RegionName": region, "Available": available }),
                )
            }
            "lag" => {
                let millis = |name: &str| {
                    let text = fields.get(name).map(|t| t.trim()).unwrap_or("");
                    text.parse::<u64>().map_err(|_| {
                        format!("The replication lag's {} must be a whole number of milliseconds, not \"{text}\".", &name[4..])
                    })
                };
                let (min, max) = (millis("lag-min")?, millis("lag-max")?);
                flow.memory["done"] = json!(format!(
                    "Writes to {table} now reach the other regions {min}–{max} ms after they are made."
                ));
                Call::new(
                    "action",
                    "Dynoscope_SetSimulation",
                    json!({ "TableName": table, "GlobalReplicationLag": { "MinMillis": min, "MaxMillis": max } }),
                )
            }
            "read" => {
                let keys = keys_of(flow);
                let key = key_from(&keys, fields)?;
                let members: Vec<String> =
                    serde_json::from_value(flow.memory["members"].clone()).unwrap_or_default();
                flow.memory["reads"] = json!({});
                flow.memory["readKey"] = json!(dynoscope_query_builder::value_text::compact(
                    &json!({ "M": key }),
                    ITEM_CHARS
                ));
                let request = json!({ "TableName": table, "Key": key, "ConsistentRead": true });
                return Ok((members.into_iter())
                    .map(|region| {
                        Call::new(format!("action-read:{region}"), "GetItem", request.clone())
                            .with(json!({ "region": region }))
                    })
                    .collect());
            }
            other => return Err(format!("This fold has no button {other}.")),
        };
        Ok(vec![call])
    }

    fn after_button(&self, flow: &mut Flow) {
        let reads: Vec<(String, Value)> = (flow.got.iter())
            .filter_map(|(label, outcome)| {
                let region = label.strip_prefix("action-read:")?;
                Some((region.to_owned(), outcome.clone()))
            })
            .collect();
        if reads.is_empty() {
            let done = flow.memory["done"].as_str().unwrap_or("Done.").to_owned();
            flow.notice = notice(flow, &done);
            return;
        }
        for (region, outcome) in reads {
            flow.memory["reads"][region] = outcome;
        }
        flow.memory["readAt"] = flow
            .ok("regions")
            .map(|r| r["NowMillis"].clone())
            .unwrap_or(Value::Null);
    }

    fn draw(&self, flow: &mut Flow, fields: &Fields, offset: i64) -> Drawn {
        let described = flow
            .read::<RegionsDescription>("regions")
            .unwrap_or_default();
        let members = self.members(flow);
        flow.memory["members"] = json!(members);
        let keys = key_attributes(flow.ok("describe").unwrap_or(&Value::Null));
        flow.memory["keys"] = json!(keys);
        let in_flight: Vec<(&str, &dynoscope_engine::contract::ReplicationInFlight)> =
            (described.regions.iter())
                .flat_map(|r| {
                    (r.in_flight.iter())
                        .filter(|f| f.table_name == self.table)
                        .map(move |f| (r.region_name.as_str(), f))
                })
                .collect();
        let mut hosts = vec![(
            "[data-bx-body=\"regions\"]".to_owned(),
            body_html(self, flow, &members, &described, &in_flight, offset),
        )];
        if flow.forms {
            let fill = flow.fill.clone().unwrap_or_else(|| fields.clone());
            hosts.push((
                "[data-bx-forms=\"regions\"]".to_owned(),
                forms_html(flow, &members, &keys, &fill),
            ));
        }
        hosts.push((
            "[data-bx-notice=\"regions\"]".to_owned(),
            flow.notice.clone(),
        ));
        let creating = (members.iter().skip(1)).any(|r| {
            flow.ok(&format!("replica:{r}"))
                .is_some_and(|d| d["Table"]["TableStatus"] != "ACTIVE")
        });
        Drawn {
            hosts,
            poll: !in_flight.is_empty() || creating,
        }
    }
}

fn keys_of(flow: &Flow) -> Vec<(String, String)> {
    serde_json::from_value(flow.memory["keys"].clone()).unwrap_or_default()
}

/// The replicas side by side, what is in flight, and the recent replication events.
fn body_html(
    panel: &Regions,
    flow: &Flow,
    members: &[String],
    described: &RegionsDescription,
    in_flight: &[(&str, &dynoscope_engine::contract::ReplicationInFlight)],
    offset: i64,
) -> String {
    let table = escape(&panel.table);
    let mut out = if members.len() > 1 {
        format!(
            "<p class=\"bx-lead\">{table} is a global table in {} regions. Each holds its own replica; a write made in one reaches the others after the replication lag, and concurrent writes to one item converge on the last writer's version.</p>",
            members.len()
        )
    } else {
        format!(
            "<p class=\"bx-lead\">{table} lives in {} only. Add a replica region to make it a global table (version 2019.11.21).</p>",
            escape(&members[0])
        )
    };
    out += "<div class=\"bx-regions\" data-testid=\"region-columns\">";
    for (i, region) in members.iter().enumerate() {
        out += &column_html(flow, region, i == 0, described, in_flight, offset);
    }
    out += "</div>";
    out += &in_flight_html(in_flight, described.now_millis, described, offset);
    out += &events_html(flow, &panel.table, offset);
    out
}

/// One region's column.
fn column_html(
    flow: &Flow,
    region: &str,
    home: bool,
    described: &RegionsDescription,
    in_flight: &[(&str, &dynoscope_engine::contract::ReplicationInFlight)],
    offset: i64,
) -> String {
    let available = (described.regions.iter())
        .find(|r| r.region_name == region)
        .is_none_or(|r| r.available);
    let label = if home {
        "describe".to_owned()
    } else {
        format!("replica:{region}")
    };
    let (status, items) = match flow.ok(&label) {
        Some(d) => (
            d["Table"]["TableStatus"].as_str().unwrap_or("?").to_owned(),
            d["Table"]["ItemCount"].to_string(),
        ),
        None => (
            match flow.error(&label) {
                Some(e) if !available => format!("unreachable ({e})"),
                Some(e) => e,
                None => "?".to_owned(),
            },
            "?".to_owned(),
        ),
    };
    let waiting = in_flight.iter().filter(|(to, _)| *to == region).count();
    let availability = if available {
        format!(
            "<span class=\"bx-up\">up</span> {}",
            button(&format!("down:{region}"), "Take down", "small danger")
        )
    } else {
        format!(
            "<span class=\"bx-down\">down</span> {}",
            button(&format!("up:{region}"), "Bring back", "small")
        )
    };
    let read = match flow.memory["reads"].get(region) {
        Some(outcome) => read_html(outcome, flow, offset),
        None => "<span class=\"muted\">not read yet</span>".to_owned(),
    };
    format!(
        "<section class=\"bx-region{}\" data-testid=\"region-column\" data-region=\"{r}\" aria-label=\"Region {r}\">\
         <h4>{r}{}</h4><dl>\
         <dt title=\"TableStatus, as DescribeTable answers in this region\">Status</dt><dd data-testid=\"region-status\">{}</dd>\
         <dt title=\"ItemCount, as DescribeTable answers in this region: the items this replica holds now\">Items</dt><dd data-testid=\"region-items\">{}</dd>\
         <dt title=\"A region taken down answers InternalServerError; writes to it wait in flight\">Region</dt><dd data-testid=\"region-availability\">{availability}</dd>\
         <dt title=\"Writes made in other regions, not applied here yet\">On their way here</dt><dd>{waiting}</dd>\
         <dt title=\"A strongly consistent GetItem of the key given below, sent to this region\">Read</dt><dd data-testid=\"region-read\">{read}</dd>\
         </dl></section>",
        if available { "" } else { " down" },
        if home {
            " <span class=\"mode-tag\">home</span>"
        } else {
            ""
        },
        escape(&status),
        escape(&items),
        r = escape(region),
    )
}

/// What a read in one region returned.
fn read_html(outcome: &Value, flow: &Flow, offset: i64) -> String {
    let when = flow.memory["readAt"]
        .as_u64()
        .map(|t| format!(" <span class=\"muted\">at {}</span>", at(t, offset)))
        .unwrap_or_default();
    let key = escape(flow.memory["readKey"].as_str().unwrap_or(""));
    match (outcome.get("ok"), outcome.get("error")) {
        (Some(response), _) if response.get("Item").is_some() => format!(
            "<code class=\"bx-item\">{}</code>{when}",
            escape(&item_text(response.get("Item"), ITEM_CHARS))
        ),
        (Some(_), _) => format!("no item {key} here{when}"),
        (_, Some(error)) => format!(
            "<span class=\"error\">{}</span>",
            escape(&super::error_text(error))
        ),
        _ => String::new(),
    }
}

/// The replications of this table on their way, with their due times.
fn in_flight_html(
    in_flight: &[(&str, &dynoscope_engine::contract::ReplicationInFlight)],
    now: u64,
    described: &RegionsDescription,
    offset: i64,
) -> String {
    if in_flight.is_empty() {
        return "<p class=\"muted\" data-testid=\"in-flight-none\">No replication in flight: every region has every write made so far.</p>".to_owned();
    }
    let mut out = format!(
        "<table class=\"bx-table\" data-testid=\"in-flight\"><caption>Replication in flight ({}): applied in the receiving region once due, at its next request</caption>\
         <thead><tr><th scope=\"col\">To</th><th scope=\"col\">From</th><th scope=\"col\">Write</th><th scope=\"col\">Item</th>\
         <th scope=\"col\" title=\"Virtual time the write was made\">Written at</th><th scope=\"col\" title=\"Written at plus a draw of the replication lag\">Due</th></tr></thead><tbody>",
        in_flight.len()
    );
    for (to, flight) in in_flight {
        let down = (described.regions.iter()).any(|r| r.region_name == *to && !r.available);
        let due = if down {
            "waits: the region is down".to_owned()
        } else if flight.due_at_millis > now {
            format!("in {}", span(flight.due_at_millis - now))
        } else {
            "now, at the region's next request".to_owned()
        };
        out += &format!(
            "<tr data-testid=\"in-flight-row\"><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            escape(to),
            escape(&flight.from_region),
            escape(&flight.operation),
            escape(&item_text(flight.item.as_ref(), ITEM_CHARS)),
            at(flight.written_at_millis, offset),
            escape(&due)
        );
    }
    out + "</tbody></table>"
}

/// The recent replications, conflicts and outages, newest first; a conflict with both
/// versions and the winner.
fn events_html(flow: &Flow, table: &str, offset: i64) -> String {
    let Some(events) = flow.read::<EventsDescription>("events") else {
        return flow
            .error("events")
            .map(|e| format!("<p class=\"error\">{}</p>", escape(&e)))
            .unwrap_or_default();
    };
    let shown: Vec<&Event> = (events.events.iter().rev())
        .filter(|e| {
            matches!(
                e.kind.as_ref(),
                "REPLICATED" | "REPLICATION_CONFLICT" | "REGION_DOWN" | "REGION_UP"
            )
        })
        .take(SHOWN)
        .collect();
    if shown.is_empty() {
        return String::new();
    }
    let names: Vec<String> = keys_of(flow).into_iter().map(|(n, _)| n).collect();
    let sentences = crate::timeline::Table {
        region: String::new(),
        key_names: names,
    };
    let mut out = format!(
        "<h4>Replication of {} (newest first)</h4><ol class=\"bx-events\" data-testid=\"replication-events\">",
        escape(table)
    );
    for event in shown {
        let text =
            crate::timeline::sentence(&event.kind, event.at_millis, &event.detail, &sentences);
        out += &format!(
            "<li data-kind=\"{}\" data-testid=\"replication-event\"><time>{}</time> {}{}</li>",
            escape(&event.kind),
            at(event.at_millis, offset),
            escape(&text),
            if event.kind == "REPLICATION_CONFLICT" {
                conflict_html(&event.detail, offset)
            } else {
                String::new()
            }
        );
    }
    out + "</ol>"
}

/// Both versions of a conflict, the winner marked.
fn conflict_html(detail: &Value, offset: i64) -> String {
    let winner = detail["Winner"].as_str().unwrap_or("");
    let side = |name: &str, title: &str| {
        let v = &detail[name];
        let won = winner == name.to_ascii_uppercase();
        format!(
            "<tr{}><th scope=\"row\">{title}{}</th><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            if won { " class=\"bx-winner\"" } else { "" },
            if won { " (kept)" } else { "" },
            escape(v["Region"].as_str().unwrap_or("?")),
            v["AtMillis"]
                .as_u64()
                .map(|t| at(t, offset))
                .unwrap_or_default(),
            escape(&item_text(v.get("Item"), ITEM_CHARS)),
        )
    };
    format!(
        "<table class=\"bx-table bx-conflict\" data-testid=\"conflict-versions\"><thead><tr><th scope=\"col\">Version</th><th scope=\"col\">Written in</th><th scope=\"col\">At</th><th scope=\"col\">Item</th></tr></thead><tbody>{}{}</tbody></table>",
        side("Local", "Held here"),
        side("Incoming", "Arriving")
    )
}

/// The add-a-replica form, the lag form and the read form.
fn forms_html(
    flow: &Flow,
    members: &[String],
    keys: &[(String, String)],
    fields: &Fields,
) -> String {
    let options: String = (REGIONS.iter())
        .filter(|r| !members.iter().any(|m| m == *r))
        .map(|r| format!("<option>{r}</option>"))
        .collect();
    let lag = flow
        .ok("simulation")
        .map(|s| s["Settings"]["GlobalReplicationLag"].clone())
        .unwrap_or(Value::Null);
    let mut fill = fields.clone();
    for (name, member) in [("lag-min", "MinMillis"), ("lag-max", "MaxMillis")] {
        if !fill.contains_key(name) {
            fill.insert(name.to_owned(), lag[member].to_string());
        }
    }
    let lag_text = match (lag["MinMillis"].as_u64(), lag["MaxMillis"].as_u64()) {
        (Some(min), Some(max)) => format!("now {min}–{max} ms"),
        _ => "not known".to_owned(),
    };
    format!(
        "<div class=\"bx-forms\">\
         <fieldset><legend>Add a replica</legend><label>Region <select name=\"replica-region\" data-testid=\"bx-replica-region\">{options}</select></label>{}\
         <p class=\"muted\">UpdateTable with ReplicaUpdates Create: the new replica copies every item and is CREATING for the control-plane delay.</p></fieldset>\
         <fieldset><legend>Replication lag</legend>{}{}{}\
         <p class=\"muted\">Each write reaches each other region after a delay drawn from this range ({lag_text}; the table's GlobalReplicationLag simulation setting).</p></fieldset>\
         <fieldset><legend>Read an item in every region</legend>{}{}\
         <p class=\"muted\">A strongly consistent GetItem sent to each region, so what differs is replication between regions only.</p></fieldset>\
         </div>",
        button("add", "Add replica", "small"),
        field("From (ms)", "lag-min", &fill, "500"),
        field("to (ms)", "lag-max", &fill, "1500"),
        button("lag", "Set lag", "small"),
        key_fields(keys, fields),
        button("read", "Read in every region", "small"),
    )
}
