//! Events as list items, newest first: the virtual time (in the browser's time zone, as the
//! clock bar shows it), the kind, and the sentence.

use dynoscope_codegen::html::escape;
use dynoscope_engine::Event;

use super::sentence::{Table, sentence};

/// The filter toggle an event kind falls under: zone outages and the leader elections
/// they cause share one; so do the events of regions (replication, its conflicts, outages),
/// those of transactions (holds and the conflicts they cause) and those of stream triggers
/// (invocations and what follows a failed one).
pub fn filter_of(kind: &str) -> &str {
    match kind {
        "ZONE_DOWN" | "ZONE_UP" | "FAILOVER" => "ZONE",
        "REPLICATED"
        | "REPLICATION_CONFLICT"
        | "REPLICATED_WRITE_CONFLICT"
        | "REGION_DOWN"
        | "REGION_UP" => "REGION",
        "TRANSACTION" | "TRANSACTION_CONFLICT" => "TRANSACTION",
        "TRIGGER_INVOCATION" | "TRIGGER_ERROR" | "TRIGGER_BISECT" | "TRIGGER_RETRY"
        | "TRIGGER_DISCARDED" => "TRIGGER",
        other => other,
    }
}

/// `events` (oldest first, as GetEvents returns them) as `<li>` items, newest first.
/// `offset_minutes` is the browser's `Date.getTimezoneOffset()`.
pub fn events_html(events: &[Event], table: &Table, offset_minutes: i64) -> String {
    let mut out = String::new();
    for event in events.iter().rev() {
        let (kind, at) = (event.kind.as_ref(), event.at_millis);
        let text = sentence(kind, at, &event.detail, table);
        out += &format!(
            "<li class=\"event kind-{}\" data-testid=\"timeline-event\" data-kind=\"{}\" data-filter=\"{}\">\
             <time class=\"event-time\">{}</time><span class=\"event-kind\">{}</span><span class=\"event-text\">{}</span></li>",
            escape(&kind.to_ascii_lowercase()),
            escape(kind),
            escape(filter_of(kind)),
            clock_text(at, offset_minutes),
            escape(&kind.replace('_', " ")),
            escape(&text)
        );
    }
    out
}

/// `HH:MM:SS.mmm` of a virtual time in the browser's time zone.
pub fn clock_text(millis: u64, offset_minutes: i64) -> String {
    let local = (millis as i64 - offset_minutes * 60_000).rem_euclid(86_400_000);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        local / 3_600_000,
        local / 60_000 % 60,
        local / 1000 % 60,
        local % 1000
    )
}
