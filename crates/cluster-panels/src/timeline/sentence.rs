//! One event of `Dynoscope_GetEvents` as a sentence: "PUT item42 → partition 3; replicas
//! a, b now, c at +840 ms", "GetItem item42 served by us-east-1c (stale)", "Query read 12
//! items, 3,400 bytes → 1 × 4 KB (eventually consistent: half price) → 0.5 RCU", "Partition 0
//! split into 1 and 2 (size)", zone outages and the leader elections they cause.

use dynoscope_engine::ZONE_SUFFIXES;
use dynoscope_engine::contract::PageReadDetail;
use dynoscope_query_builder::value_text::compact;
use serde_json::Value;

/// What a sentence needs of its table and engine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// The region the engine serves (zones are named after it).
    pub region: String,
    /// The table's key attributes in schema order, partition key first: a key is told in
    /// this order.
    pub key_names: Vec<String>,
}

/// A key's values in key-schema order, joined with ` / `.
pub fn key_text(key: &Value, order: &[String]) -> String {
    let Some(map) = key.as_object() else {
        return key.to_string();
    };
    let mut names: Vec<&String> = map.keys().collect();
    names.sort_by_key(|n| order.iter().position(|k| k == *n).unwrap_or(usize::MAX));
    names
        .into_iter()
        .filter_map(|n| map.get(n))
        .map(|v| compact(v, 120))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The zone a replica lives in: the region and the replica's suffix (`us-east-1c`).
fn zone(region: &str, replica: u64) -> String {
    match ZONE_SUFFIXES.get(replica as usize) {
        Some(letter) => format!("{region}{letter}"),
        None => format!("replica {replica}"),
    }
}

fn letter(replica: usize) -> String {
    ZONE_SUFFIXES
        .get(replica)
        .map(|s| s.to_string())
        .unwrap_or_else(|| replica.to_string())
}

/// "replicas a, b now, c at +840 ms" from each replica's apply time; a replica in a down
/// zone (no apply time yet) applies the write "when its zone is back".
fn replicas_text(at: u64, applied: &[Value]) -> String {
    let down: Vec<String> = applied
        .iter()
        .enumerate()
        .filter(|(_, a)| a.is_null())
        .map(|(r, _)| letter(r))
        .collect();
    let lags: Vec<u64> = applied
        .iter()
        .filter(|a| !a.is_null())
        .map(|a| a.as_u64().unwrap_or(at).saturating_sub(at))
        .collect();
    if lags.is_empty() {
        return String::new();
    }
    if !down.is_empty() {
        let up: Vec<String> = (0..applied.len())
            .filter(|&r| !applied[r].is_null())
            .map(letter)
            .collect();
        return format!(
            "replicas {} now, {} when its zone is back",
            up.join(", "),
            down.join(", ")
        );
    }
    if lags.iter().all(|&l| l == 0) {
        return "all replicas now".to_owned();
    }
    let now: Vec<String> = lags
        .iter()
        .enumerate()
        .filter(|(_, l)| **l == 0)
        .map(|(r, _)| letter(r))
        .collect();
    let later: Vec<String> = lags
        .iter()
        .enumerate()
        .filter(|(_, l)| **l > 0)
        .map(|(r, l)| format!("{} at +{l} ms", letter(r)))
        .collect();
    let mut parts = Vec::new();
    if !now.is_empty() {
        parts.push(format!("{} now", now.join(", ")));
    }
    parts.extend(later);
    format!("replicas {}", parts.join(", "))
}

fn ids(value: Option<&Value>) -> String {
    let ids: Vec<String> = value
        .and_then(Value::as_array)
        .map(|a| a.iter().map(Value::to_string).collect())
        .unwrap_or_default();
    match ids.as_slice() {
        [] => "?".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A Query or Scan page read, with the arithmetic of its read units.
fn page_read_sentence(detail: &Value) -> String {
    let Ok(read) = serde_json::from_value::<PageReadDetail>(detail.clone()) else {
        return "Read".to_owned();
    };
    let on = read
        .index_name
        .as_ref()
        .map(|i| format!(" of index {i}"))
        .unwrap_or_default();
    format!(
        "{}{on} read {} items, {} bytes → {} × 4 KB ({}) → {} RCU",
        read.operation,
        read.items_read,
        read.bytes_read,
        read.blocks(),
        read.price_words(),
        read.read_units
    )
}

/// The sentence for one event.
pub fn sentence(kind: &str, at: u64, detail: &Value, table: &Table) -> String {
    let key = detail
        .get("Key")
        .map(|k| key_text(k, &table.key_names))
        .unwrap_or_else(|| "?".to_owned());
    let partition = detail
        .get("PartitionId")
        .map(Value::to_string)
        .unwrap_or_else(|| "?".to_owned());
    let applied = detail
        .get("ReplicaAppliedAtMillis")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    match kind {
        "WRITE" => {
            let operation = detail
                .get("Operation")
                .and_then(Value::as_str)
                .unwrap_or("WRITE");
            let replicas = replicas_text(at, applied);
            format!("{operation} {key} → partition {partition}; {replicas}")
        }
        "TTL_DELETE" => {
            let replicas = replicas_text(at, applied);
            format!("TTL expired {key}: deleted from partition {partition}; {replicas}")
        }
        "READ" if detail.get("BytesRead").is_some() => page_read_sentence(detail),
        "READ" => {
            let operation = detail
                .get("Operation")
                .and_then(Value::as_str)
                .unwrap_or("Read");
            let replica = zone(
                &table.region,
                detail.get("Replica").and_then(Value::as_u64).unwrap_or(0),
            );
            if detail.get("Consistent").and_then(Value::as_bool) == Some(true) {
                format!("{operation} {key} read from the leader {replica} (strongly consistent)")
            } else {
                let stale = detail.get("Stale").and_then(Value::as_bool) == Some(true);
                format!(
                    "{operation} {key} served by {replica} ({})",
                    if stale { "stale" } else { "current" }
                )
            }
        }
        "SPLIT" => {
            let parent = detail
                .get("ParentPartitionId")
                .map(Value::to_string)
                .unwrap_or_else(|| "?".to_owned());
            let reason = detail
                .get("Reason")
                .and_then(Value::as_str)
                .map(|r| format!(" ({})", r.to_ascii_lowercase()))
                .unwrap_or_default();
            let owner = detail
                .get("IndexName")
                .and_then(Value::as_str)
                .map(|index| format!("Index {index}: p"))
                .unwrap_or_else(|| "P".to_owned());
            format!(
                "{owner}artition {parent} split into {}{reason}",
                ids(detail.get("ChildPartitionIds"))
            )
        }
        "ZONE_DOWN" => format!(
            "Zone {} went down: its replicas stop applying writes; the other two zones keep serving",
            detail.get("Zone").and_then(Value::as_str).unwrap_or("?")
        ),
        "ZONE_UP" => format!(
            "Zone {} is back: its replicas catch up on the writes they missed",
            detail.get("Zone").and_then(Value::as_str).unwrap_or("?")
        ),
        "FAILOVER" => {
            let moves: Vec<String> = detail
                .get("NewLeaders")
                .and_then(Value::as_array)
                .map(|moves| {
                    moves
                        .iter()
                        .map(|m| {
                            let zone_of = |field: &str| {
                                m.get(field)
                                    .and_then(Value::as_str)
                                    .unwrap_or("?")
                                    .to_owned()
                            };
                            format!(
                                "partition {} {} → {}",
                                m.get("PartitionId")
                                    .map(Value::to_string)
                                    .unwrap_or_default(),
                                zone_of("FromZone"),
                                zone_of("ToZone")
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!("Leader elected after a zone outage: {}", moves.join("; "))
        }
        "REPLICATED" => format!(
            "{} applied the {} of {key} made in {}, {} ms after it was written",
            text(detail, "Region"),
            text(detail, "Operation"),
            text(detail, "FromRegion"),
            detail.get("LagMillis").and_then(Value::as_u64).unwrap_or(0)
        ),
        "REPLICATION_CONFLICT" => conflict_sentence(at, detail, &key),
        "REGION_DOWN" => format!(
            "Region {} went down: requests to it answer InternalServerError; writes made elsewhere wait for it ({} now)",
            text(detail, "Region"),
            number(detail, "ReplicationsWaiting")
        ),
        "REGION_UP" => format!(
            "Region {} is back: the writes waiting for it ({}) apply in order",
            text(detail, "Region"),
            number(detail, "ReplicationsWaiting")
        ),
        "REPLICATED_WRITE_CONFLICT" => format!(
            "{} of {key} in {} refused (ReplicatedWriteConflictException): {} is still modifying it",
            text(detail, "Operation"),
            text(detail, "Region"),
            text(detail, "ModifyingRegion")
        ),
        "TRANSACTION" => format!(
            "Transaction {} holds {} item(s) for {} ms: other writes to them conflict meanwhile",
            text(detail, "Transaction"),
            number(detail, "Items"),
            held_for(at, detail)
        ),
        "TRANSACTION_CONFLICT" => format!(
            "{} of {key} conflicts with transaction {}, which holds the item for {} ms more",
            text(detail, "Operation"),
            text(detail, "Transaction"),
            held_for(at, detail)
        ),
        "DAX" => dax_sentence(detail, &key),
        "TRIGGER_INVOCATION" => format!(
            "{} invoked with {} record(s) of shard {} (attempt {})",
            text(detail, "FunctionName"),
            number(detail, "BatchSize"),
            text(detail, "ShardId"),
            number(detail, "Attempt")
        ),
        "TRIGGER_ERROR" => format!(
            "{} failed on shard {}: {}",
            text(detail, "FunctionName"),
            text(detail, "ShardId"),
            text(detail, "Message")
        ),
        "TRIGGER_BISECT" => {
            let halves = detail.get("Halves").and_then(Value::as_array);
            let half = |i: usize| halves.and_then(|h| h.get(i)).and_then(Value::as_u64);
            format!(
                "{}'s failed batch on shard {} split in two ({} and {} records), each retried on its own",
                text(detail, "FunctionName"),
                text(detail, "ShardId"),
                half(0).unwrap_or(0),
                half(1).unwrap_or(0)
            )
        }
        "TRIGGER_RETRY" => format!(
            "{}'s batch on shard {} retried in {} ms; the shard waits for it",
            text(detail, "FunctionName"),
            text(detail, "ShardId"),
            number(detail, "RetryAtMillis").saturating_sub(at)
        ),
        "TRIGGER_DISCARDED" => format!(
            "{} record(s) of shard {} given up by {} ({}): sent to the on-failure destination, if any",
            number(detail, "Records"),
            text(detail, "ShardId"),
            text(detail, "FunctionName"),
            text(detail, "Condition")
        ),
        other => format!("{other}: {detail}"),
    }
}

fn text<'a>(detail: &'a Value, field: &str) -> &'a str {
    detail.get(field).and_then(Value::as_str).unwrap_or("?")
}

fn number(detail: &Value, field: &str) -> u64 {
    detail.get(field).and_then(Value::as_u64).unwrap_or(0)
}

fn held_for(at: u64, detail: &Value) -> u64 {
    number(detail, "HeldUntilMillis").saturating_sub(at)
}

/// Two concurrent versions of one item met in a region: both, and which one last writer
/// wins kept.
fn conflict_sentence(at: u64, detail: &Value, key: &str) -> String {
    let version = |side: &str| {
        let v = &detail[side];
        let written = v.get("AtMillis").and_then(Value::as_u64).unwrap_or(at);
        format!(
            "{}'s (written {} ms before)",
            v.get("Region").and_then(Value::as_str).unwrap_or("?"),
            at.saturating_sub(written)
        )
    };
    let kept = match text(detail, "Winner") {
        "LOCAL" => "its own version stays",
        _ => "the incoming version replaces its own",
    };
    format!(
        "Conflict in {} over {key}: {} and {} versions were written concurrently; last writer wins, {} ({})",
        text(detail, "Region"),
        version("Local"),
        version("Incoming"),
        text(detail, "WinnerRegion"),
        kept
    )
}

/// A request through the DAX cluster: the path it took.
fn dax_sentence(detail: &Value, key: &str) -> String {
    let operation = text(detail, "Operation");
    let target = if detail.get("Key").is_some() {
        format!("{operation} {key}")
    } else {
        operation.to_owned()
    };
    let path = match text(detail, "Path") {
        "ITEM_HIT" if detail.get("Stale").and_then(Value::as_bool) == Some(true) => {
            "an item cache hit, stale: the table's item was written directly after DAX cached it"
        }
        "ITEM_HIT" => "an item cache hit (no read units)",
        "ITEM_MISS" => "an item cache miss: read from the table, then cached",
        "QUERY_HIT" => "a query cache hit (no read units)",
        "QUERY_MISS" => "a query cache miss: read from the table, then cached",
        "WRITE_THROUGH" => "written to the table, then to the item cache",
        "PASS_THROUGH" => "passed to the table uncached",
        other => other,
    };
    format!("{target} through DAX: {path}")
}
