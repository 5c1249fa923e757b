//! The activity log: every request served through dispatch, whoever sent it, with the
//! tables it named, how it ended and the capacity units it consumed, at its virtual time.
//! The front end names the sender ([`crate::Engine::dispatch_from`]: the UI, a console,
//! `window.dynoscope`, a scenario, the load generator); plain [`crate::Engine::dispatch`]
//! calls are from [`DEFAULT_SOURCE`]. The simulator's own read-only operations
//! (`Dynoscope_Describe*`, `Dynoscope_Get*`, `Dynoscope_LocateItem`,
//! `Dynoscope_EstimateCost`) are not requests to DynamoDB and are left out, or the views that
//! poll them would fill the log. A bounded ring like the event history, and off unless a
//! front end asks for it.

use crate::contract::ActivityEntry;
use crate::ring::{Numbered, Ring};

/// How many entries are kept.
pub const CAPACITY: usize = 5_000;
/// The sender of a request that names none.
pub const DEFAULT_SOURCE: &str = "client";

/// Whether a request to `operation` belongs in the log.
pub fn is_logged(operation: &str) -> bool {
    let Some(own) = operation.strip_prefix("Dynoscope_") else {
        return true;
    };
    !(own.starts_with("Describe")
        || own.starts_with("Get")
        || own == "LocateItem"
        || own == "EstimateCost")
}

/// The log: a [`Ring`] of [`CAPACITY`] entries.
pub type ActivityLog = Ring<ActivityEntry, CAPACITY>;

impl Numbered for ActivityEntry {
    fn sequence(&self) -> u64 {
        self.sequence
    }

    fn set_sequence(&mut self, sequence: u64) {
        self.sequence = sequence;
    }
}

impl ActivityEntry {
    /// An entry as a saved history holds it ([`crate::history`]); read by hand, since a
    /// derived deserializer costs the page's first load more.
    pub(crate) fn from_saved(v: &serde_json::Value) -> Option<ActivityEntry> {
        Some(ActivityEntry {
            sequence: v["Sequence"].as_u64()?,
            at_millis: v["AtMillis"].as_u64()?,
            source: v["Source"].as_str()?.to_owned(),
            operation: v["Operation"].as_str()?.to_owned(),
            table_names: crate::history::saved::list(&v["TableNames"], |t| {
                Some(t.as_str()?.to_owned())
            })?,
            outcome: v["Outcome"].as_str()?.to_owned(),
            message: v["Message"].as_str().map(str::to_owned),
            read_capacity_units: v["ReadCapacityUnits"].as_f64()?,
            write_capacity_units: v["WriteCapacityUnits"].as_f64()?,
        })
    }
}

/// The table names a request body gives: every `"TableName"` member, and the keys of
/// `RequestItems` (batch operations), in order of appearance without repeats. A table's ARN
/// is shortened to its name. PartiQL statements name their table inside the statement and
/// are not read.
pub fn table_names(body: &[u8]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        let name = name.rsplit_once(":table/").map_or(name, |(_, n)| n);
        if !name.is_empty() && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    };
    let text = String::from_utf8_lossy(body);
    for (at, _) in text.match_indices("\"TableName\"") {
        if let Some(name) = string_after_colon(&text[at + "\"TableName\"".len()..]) {
            add(name);
        }
    }
    if text.contains("\"RequestItems\"")
        && let Ok(request) = serde_json::from_slice::<serde_json::Value>(text.as_bytes())
        && let Some(items) = request["RequestItems"].as_object()
    {
        items.keys().for_each(|name| add(name));
    }
    names
}

/// The string in `rest` after a colon (`: "name"`), if that is what follows.
fn string_after_colon(rest: &str) -> Option<&str> {
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    rest.find('"').map(|end| &rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(operation: &str) -> ActivityEntry {
        ActivityEntry {
            operation: operation.to_owned(),
            ..Default::default()
        }
    }

    #[test]
    fn a_disabled_log_records_nothing() {
        let mut log = ActivityLog::new(false);
        log.record(entry("PutItem"));
        assert!(log.since(0, 10, false, |_| true).is_empty());
    }

    #[test]
    fn the_oldest_entries_fall_off() {
        let mut log = ActivityLog::new(true);
        for _ in 0..CAPACITY + 3 {
            log.record(entry("GetItem"));
        }
        let entries = log.since(0, usize::MAX, false, |_| true);
        assert_eq!(entries.len(), CAPACITY);
        assert_eq!(entries[0].sequence, 4);
        assert_eq!(log.last_sequence(), CAPACITY as u64 + 3);
    }

    #[test]
    fn restored_entries_keep_their_numbers_and_numbering_continues() {
        let mut log = ActivityLog::new(true);
        let mut saved = entry("PutItem");
        saved.sequence = 41;
        log.restore(vec![saved]);
        log.record(entry("GetItem"));
        let numbers: Vec<u64> = (log.since(0, 10, false, |_| true).iter())
            .map(|e| e.sequence)
            .collect();
        assert_eq!(numbers, [41, 42]);
    }

    #[test]
    fn the_newest_entries_can_be_asked_for() {
        let mut log = ActivityLog::new(true);
        for _ in 0..5 {
            log.record(entry("GetItem"));
        }
        let numbers: Vec<u64> = (log.since(0, 2, true, |_| true).iter())
            .map(|e| e.sequence)
            .collect();
        assert_eq!(numbers, [4, 5]);
    }

    #[test]
    fn the_simulators_own_reads_are_not_logged_but_its_changes_are() {
        assert!(is_logged("GetItem"));
        assert!(is_logged("DescribeTable"));
        assert!(is_logged("Dynoscope_AdvanceClock"));
        assert!(is_logged("Dynoscope_SetZoneAvailability"));
        assert!(!is_logged("Dynoscope_GetEvents"));
        assert!(!is_logged("Dynoscope_DescribePartitions"));
        assert!(!is_logged("Dynoscope_LocateItem"));
        assert!(!is_logged("Dynoscope_GetActivity"));
    }

    #[test]
    fn table_names_come_from_every_table_name_member_once() {
        let body = br#"{"TransactItems": [{"Put": {"TableName" : "a", "Item": {}}},
            {"Delete": {"TableName": "b"}}, {"Update": {"TableName": "a"}}]}"#;
        assert_eq!(table_names(body), ["a", "b"]);
    }

    #[test]
    fn batch_requests_name_their_tables_by_request_items() {
        let body = br#"{"RequestItems": {"orders": [], "users": []}}"#;
        assert_eq!(table_names(body), ["orders", "users"]);
    }

    #[test]
    fn a_table_arn_is_shortened_to_its_name() {
        let body = br#"{"TableName": "arn:aws:dynamodb:us-east-1:000000000000:table/music"}"#;
        assert_eq!(table_names(body), ["music"]);
    }
}
