//! The simulation's event history: what happened inside the cluster, request by request,
//! for the UI to tell. Writes (which partition, when each replica applies it), eventually
//! consistent reads (which replica served, and whether its answer was stale), splits, TTL
//! deletes, and availability-zone outages with the leader elections they cause. A bounded ring: the oldest events fall off. Off unless a front end asks for
//! it, so the plain engine pays nothing.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ring::{Numbered, Ring};

/// How many events are kept.
pub const CAPACITY: usize = 10_000;

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Event {
    /// Increases by one per event, so a reader can ask for what came after.
    pub sequence: u64,
    pub at_millis: u64,
    /// `WRITE`, `READ`, `SPLIT`, `TTL_DELETE`, `FAILOVER`, `ZONE_DOWN` or `ZONE_UP`.
    pub kind: Cow<'static, str>,
    /// The table it happened to; empty for what happens to every table (a zone outage).
    pub table_name: String,
    pub detail: Value,
}

impl Event {
    /// An event as a saved history holds it ([`crate::history`]).
    pub(crate) fn from_saved(v: &serde_json::Value) -> Option<Event> {
        Some(Event {
            sequence: v["Sequence"].as_u64()?,
            at_millis: v["AtMillis"].as_u64()?,
            kind: Cow::Owned(v["Kind"].as_str()?.to_owned()),
            table_name: v["TableName"].as_str()?.to_owned(),
            detail: v["Detail"].clone(),
        })
    }
}

impl Numbered for Event {
    fn sequence(&self) -> u64 {
        self.sequence
    }

    fn set_sequence(&mut self, sequence: u64) {
        self.sequence = sequence;
    }
}

/// The history: a [`Ring`] of [`CAPACITY`] events.
#[derive(Debug, Default)]
pub struct EventLog(Ring<Event, CAPACITY>);

impl EventLog {
    pub fn new(enabled: bool) -> Self {
        EventLog(Ring::new(enabled))
    }

    pub fn is_enabled(&self) -> bool {
        self.0.is_enabled()
    }

    /// Records an event; `detail` is built only when the log is on.
    pub fn record(
        &mut self,
        at_millis: u64,
        kind: &'static str,
        table: &str,
        detail: impl FnOnce() -> Value,
    ) {
        if !self.0.is_enabled() {
            return;
        }
        self.0.record(Event {
            sequence: 0,
            at_millis,
            kind: Cow::Borrowed(kind),
            table_name: table.to_owned(),
            detail: detail(),
        });
    }

    /// Events after `after` (a sequence number), optionally of one table (engine-wide
    /// events included), at most `limit`.
    pub fn since(&self, after: u64, table: Option<&str>, limit: usize) -> Vec<&Event> {
        let of_table =
            |e: &Event| table.is_none_or(|t| e.table_name == t || e.table_name.is_empty());
        self.0.since(after, limit, false, of_table)
    }

    /// The newest `count` events, oldest first: what a saved history keeps.
    pub fn newest(&self, count: usize) -> impl Iterator<Item = &Event> {
        self.0.newest(count)
    }

    /// Puts back events saved earlier (oldest first), numbering continuing after them.
    pub fn restore(&mut self, events: Vec<Event>) {
        self.0.restore(events);
    }

    /// The sequence number of the latest event (0 before any).
    pub fn last_sequence(&self) -> u64 {
        self.0.last_sequence()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_disabled_log_records_nothing() {
        let mut log = EventLog::new(false);
        log.record(1, "WRITE", "t", || json!({}));
        assert!(log.since(0, None, 10).is_empty());
    }

    #[test]
    fn the_oldest_events_fall_off() {
        let mut log = EventLog::new(true);
        for i in 0..CAPACITY as u64 + 5 {
            log.record(i, "WRITE", "t", || json!({}));
        }
        let events = log.since(0, None, usize::MAX);
        assert_eq!(events.len(), CAPACITY);
        assert_eq!(events[0].sequence, 6);
        assert_eq!(log.last_sequence(), CAPACITY as u64 + 5);
    }
}
