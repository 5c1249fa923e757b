//! The Activity view, written as HTML: the filter form (operation, table, sender, outcome)
//! and the requests `Dynoscope_GetActivity` returned as a table, newest first, each with
//! its virtual time, sender, operation, tables, outcome (the error's name, its message on
//! hover) and the capacity units it consumed. A sentence above the table says how many are
//! shown of how many logged, and how many the log keeps.

use std::collections::BTreeMap;
use std::fmt::Write;

use dynoscope_codegen::html::escape;
use dynoscope_engine::contract::{ActivityDescription, ActivityEntry};

use crate::timeline::html::clock_text;

/// The senders a request can come from, as the filter offers them, with their labels.
pub const SOURCES: &[(&str, &str)] = &[
    ("ui", "the app's views"),
    ("console", "the JSON console"),
    ("cli", "the AWS CLI console"),
    ("api", "window.dynoscope"),
    ("scenario", "a guided scenario"),
    ("load", "the load generator"),
    ("model", "applying a model"),
    ("client", "other clients"),
];

/// How many requests the view shows at most.
pub const SHOWN: u64 = 200;

/// The filter form, its controls holding `fields`; `tables` fills the table suggestions.
pub fn form_html(fields: &BTreeMap<String, String>, tables: &[String]) -> String {
    let value = |name: &str| escape(fields.get(name).map_or("", String::as_str));
    let mut out = String::from(
        "<form class=\"activity-filters\" data-activity-form data-testid=\"activity-form\">",
    );
    let _ = write!(
        out,
        "<label>Operation <input name=\"operation\" list=\"activity-operations\" value=\"{}\" \
         placeholder=\"any\" data-testid=\"activity-operation\"></label>",
        value("operation")
    );
    out.push_str("<datalist id=\"activity-operations\">");
    for operation in dynoscope_engine::OPERATIONS {
        let _ = write!(out, "<option value=\"{operation}\">");
    }
    out.push_str("</datalist>");
    let _ = write!(
        out,
        "<label>Table <input name=\"table\" list=\"activity-tables\" value=\"{}\" \
         placeholder=\"any\" data-testid=\"activity-table\"></label><datalist id=\"activity-tables\">",
        value("table")
    );
    for table in tables {
        let _ = write!(out, "<option value=\"{}\">", escape(table));
    }
    out.push_str("</datalist>");
    let source = fields.get("source").map_or("", String::as_str);
    out.push_str(
        "<label>Sent by <select name=\"source\" data-testid=\"activity-source\"><option value=\"\">anyone</option>",
    );
    for (name, label) in SOURCES {
        let selected = if source == *name { " selected" } else { "" };
        let _ = write!(out, "<option value=\"{name}\"{selected}>{label}</option>");
    }
    out.push_str("</select></label>");
    let outcome = fields.get("outcome").map_or("", String::as_str);
    out.push_str("<label>Outcome <select name=\"outcome\" data-testid=\"activity-outcome\">");
    for (name, label) in [("", "any"), ("ok", "succeeded"), ("failed", "failed")] {
        let selected = if outcome == name { " selected" } else { "" };
        let _ = write!(out, "<option value=\"{name}\"{selected}>{label}</option>");
    }
    out.push_str(
        "</select></label>\
         <button type=\"button\" data-activity-export data-testid=\"activity-export\">Export JSON lines</button>\
         </form>",
    );
    out
}

/// The filters of `fields` as the members of a `Dynoscope_GetActivity` request.
pub fn request_filters(fields: &BTreeMap<String, String>) -> serde_json::Value {
    let mut request = serde_json::Map::new();
    let mut text = |field: &str, member: &str| {
        if let Some(value) = fields
            .get(field)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        {
            request.insert(member.to_owned(), value.into());
        }
    };
    text("operation", "Operation");
    text("table", "TableName");
    text("source", "Source");
    match fields.get("outcome").map(String::as_str) {
        Some("ok") => drop(request.insert("Failed".into(), false.into())),
        Some("failed") => drop(request.insert("Failed".into(), true.into())),
        _ => {}
    }
    serde_json::Value::Object(request)
}

/// The requests of `activity`, newest first, under a sentence counting them.
pub fn entries_html(activity: &ActivityDescription, offset_minutes: i64) -> String {
    let shown = activity.entries.len();
    let mut out = format!(
        "<p class=\"muted\" data-testid=\"activity-count\">Showing {} (newest first; at most {SHOWN}). \
         {} requests logged in all; the log keeps the latest {}.</p>",
        plural(shown, "request"),
        activity.last_sequence,
        activity.capacity
    );
    if shown == 0 {
        out.push_str("<p data-testid=\"activity-empty\">No request matches.</p>");
        return out;
    }
    out.push_str(
        "<div class=\"table-scroll\"><table class=\"activity\" data-testid=\"activity-entries\"><thead><tr>\
         <th scope=\"col\">#</th><th scope=\"col\">Virtual time</th><th scope=\"col\">Sent by</th>\
         <th scope=\"col\">Operation</th><th scope=\"col\">Tables</th><th scope=\"col\">Outcome</th>\
         <th scope=\"col\" title=\"Read capacity units consumed, table and indexes\">RCU</th>\
         <th scope=\"col\" title=\"Write capacity units consumed, table and indexes\">WCU</th>\
         </tr></thead><tbody>",
    );
    for entry in activity.entries.iter().rev() {
        entry_row(&mut out, entry, offset_minutes);
    }
    out.push_str("</tbody></table></div>");
    out
}

fn entry_row(out: &mut String, entry: &ActivityEntry, offset_minutes: i64) {
    let failed = entry.outcome != "OK";
    let outcome = match &entry.message {
        Some(message) => format!(
            "<span class=\"error-name\" title=\"{}\">{}</span>",
            escape(message),
            escape(&entry.outcome)
        ),
        None => escape(&entry.outcome),
    };
    let _ = write!(
        out,
        "<tr data-testid=\"activity-entry\" data-source=\"{source}\"{class}><td>{seq}</td><td>{time}</td>\
         <td>{source}</td><td>{operation}</td><td>{tables}</td><td data-testid=\"activity-entry-outcome\">{outcome}</td>\
         <td class=\"num\">{read}</td><td class=\"num\">{write}</td></tr>",
        source = escape(&entry.source),
        class = if failed { " class=\"failed\"" } else { "" },
        seq = entry.sequence,
        time = clock_text(entry.at_millis, offset_minutes),
        operation = escape(&entry.operation),
        tables = escape(&entry.table_names.join(", ")),
        read = units(entry.read_capacity_units),
        write = units(entry.write_capacity_units),
    );
}

/// Units as DynamoDB reports them (halves and more), without trailing zeros; none as "–".
fn units(value: f64) -> String {
    if value == 0.0 {
        return "–".to_owned();
    }
    let text = format!("{value:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The entries as JSON lines, oldest first: one `ActivityEntry` object a line.
pub fn json_lines(activity: &ActivityDescription) -> String {
    let mut out = String::new();
    for entry in &activity.entries {
        out.push_str(&serde_json::to_string(entry).expect("an entry serialises"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(sequence: u64, outcome: &str) -> ActivityEntry {
        ActivityEntry {
            sequence,
            at_millis: 3_723_004,
            source: "console".into(),
            operation: "PutItem".into(),
            table_names: vec!["orders".into()],
            outcome: outcome.into(),
            message: (outcome != "OK").then(|| "The conditional request failed".into()),
            read_capacity_units: 0.0,
            write_capacity_units: 1.0,
        }
    }

    fn described(entries: Vec<ActivityEntry>) -> ActivityDescription {
        ActivityDescription {
            last_sequence: entries.last().map_or(0, |e| e.sequence),
            entries,
            capacity: 5000,
        }
    }

    #[test]
    fn entries_are_listed_newest_first() {
        let html = entries_html(&described(vec![entry(1, "OK"), entry(2, "OK")]), 0);
        let second = html.find("<td>2</td>").unwrap();
        let first = html.find("<td>1</td>").unwrap();
        assert!(second < first);
    }

    #[test]
    fn an_entry_shows_its_time_sender_units_and_outcome() {
        let html = entries_html(&described(vec![entry(7, "OK")]), 0);
        assert!(html.contains("<td>01:02:03.004</td>"));
        assert!(html.contains("<td>console</td>"));
        assert!(html.contains("<td class=\"num\">–</td><td class=\"num\">1</td>"));
    }

    #[test]
    fn a_failed_entry_names_its_error_and_carries_the_message() {
        let html = entries_html(
            &described(vec![entry(1, "ConditionalCheckFailedException")]),
            0,
        );
        assert!(html.contains("class=\"failed\""));
        assert!(
            html.contains(
                "title=\"The conditional request failed\">ConditionalCheckFailedException"
            )
        );
    }

    #[test]
    fn an_empty_log_says_nothing_matches() {
        assert!(entries_html(&described(vec![]), 0).contains("No request matches"));
    }

    #[test]
    fn the_form_keeps_the_chosen_filters() {
        let fields = BTreeMap::from([
            ("source".to_owned(), "load".to_owned()),
            ("outcome".to_owned(), "failed".to_owned()),
            ("table".to_owned(), "orders".to_owned()),
        ]);
        let html = form_html(&fields, &["orders".to_owned()]);
        assert!(html.contains("<option value=\"load\" selected>"));
        assert!(html.contains("<option value=\"failed\" selected>"));
        assert!(html.contains("name=\"table\" list=\"activity-tables\" value=\"orders\""));
    }

    #[test]
    fn filters_become_the_requests_members() {
        let fields = BTreeMap::from([
            ("operation".to_owned(), " GetItem ".to_owned()),
            ("table".to_owned(), String::new()),
            ("outcome".to_owned(), "ok".to_owned()),
        ]);
        assert_eq!(
            request_filters(&fields),
            serde_json::json!({"Operation": "GetItem", "Failed": false})
        );
    }

    #[test]
    fn json_lines_hold_one_entry_a_line_oldest_first() {
        let text = json_lines(&described(vec![entry(1, "OK"), entry(2, "OK")]));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let first: ActivityEntry = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(first.sequence, 1);
    }
}
