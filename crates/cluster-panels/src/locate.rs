//! The item locator's result (`Dynoscope_LocateItem`): where the item lives (its hash and
//! partition) and what each of the partition's replicas returns for it, a replica that has
//! not applied the latest write marked stale in colour and in words, with the older version
//! (or the absence) it still serves. The page keeps the form and the lookup
//! (`src/ui/locate.rs`); as a Leptos view this part cost its first load over a KB gzipped.

use dynoscope_codegen::html::escape;
use dynoscope_engine::contract::{ItemLocation, ReplicaRole};
use dynoscope_query_builder::value_text;
use serde_json::json;

/// Characters of an item shown in a replica's row (as in the item grid's cells).
const ITEM_CHARS: usize = 120;

/// The result for the item whose key reads `label`, as `found` says.
pub fn result_html(label: &str, found: &ItemLocation) -> String {
    let exists = (found.replicas.iter()).any(|r| r.role == ReplicaRole::Leader && r.item.is_some());
    let label = escape(label);
    let hash = escape(&found.hash);
    let partition = format!(
        "<strong data-testid=\"located-partition\">partition {}</strong>",
        found.partition_id
    );
    let headline = if exists {
        format!(
            "<strong>{label}</strong> hashes to <code>0x{hash}</code> and lives in {partition}."
        )
    } else {
        format!(
            "No item <strong>{label}</strong> (the leader has none). Its hash <code>0x{hash}</code> falls in {partition}."
        )
    };
    // A replica in a down zone serves no read, so it cannot make one stale.
    let stale = (found.replicas.iter())
        .filter(|r| r.stale && r.available)
        .count();
    let summary = match stale {
        0 => "Every replica returns the same version: an eventually consistent read cannot be stale now.".to_owned(),
        1 => "One replica has not applied the latest write yet: an eventually consistent read served by it is stale.".to_owned(),
        n => format!("{n} replicas have not applied the latest write yet: eventually consistent reads served by them are stale."),
    };
    let mut rows = String::new();
    for r in &found.replicas {
        let leader = r.role == ReplicaRole::Leader;
        let (class, badge) = match (r.stale, r.item.is_some()) {
            _ if !r.available => ("locator-replica down", "✕ zone down: serves no reads"),
            (false, true) => ("locator-replica current", "✓ current"),
            (false, false) => ("locator-replica current", "✓ current (no item)"),
            (true, true) => ("locator-replica stale", "⚠ STALE: older version"),
            (true, false) => ("locator-replica stale", "⚠ STALE: item not there yet"),
        };
        let (item, title) = match &r.item {
            Some(item) => (
                value_text::compact(&json!({ "M": item }), ITEM_CHARS),
                item.to_string(),
            ),
            None => ("(nothing)".to_owned(), String::new()),
        };
        rows.push_str(&format!(
            "<li class=\"{class}\" data-testid=\"locator-replica\" data-az=\"{zone}\" data-role=\"{role}\" \
             data-stale=\"{stale}\" data-available=\"{available}\">\
             <span class=\"replica-zone-name\">{zone}</span>\
             <span class=\"replica-role-name\">{role_name}</span>\
             <span class=\"state-badge\">{badge}</span>\
             <code class=\"item-preview\" title=\"{title}\">{item}</code></li>",
            zone = escape(&r.availability_zone),
            role = if leader { "LEADER" } else { "FOLLOWER" },
            stale = r.stale,
            available = r.available,
            role_name = if leader { "♛ leader" } else { "follower" },
            title = escape(&title),
            item = escape(&item),
        ));
    }
    format!(
        "<div class=\"locate-result\" data-testid=\"locate-result\">\
         <p class=\"locate-headline\">{headline}</p>\
         <ul class=\"locator-replicas\">{rows}</ul>\
         <p class=\"muted locate-summary\" data-testid=\"locate-summary\">{summary}</p></div>"
    )
}
