//! DAX, simulated: one cluster in front of every table, reached by sending a request
//! through it ([`Engine::dispatch_via_dax`]; natively `dynoscope-server --dax-port PORT`).
//! As DAX does: an **item cache** answers eventually consistent GetItem and BatchGetItem
//! (whole items by key, "not found" included, projected on the way out) and a **query
//! cache** answers eventually consistent Query and Scan (whole responses by request), each
//! entry living for its TTL (DAX's defaults: 5 minutes each, `Dynoscope_SetDax` changes
//! them); a miss reads the table and fills the cache. Writes through DAX are write-through:
//! the table first, then the item cache takes the item as written; the query cache is not
//! touched, so a query answered from it can miss a write until its entry expires. Strongly
//! consistent reads and transactions pass through. A write made to the table directly
//! leaves the item cache stale until the TTL: a hit on such an entry is reported stale, with
//! the table's item beside the cached one. Hits consume no capacity and answer without
//! `ConsumedCapacity`. Latency is a model: a hit takes [`HIT_MICROS`], a miss the table's
//! [`TABLE_MICROS`] more. Every read through DAX leaves a `DAX` event; `Dynoscope_DescribeDax`
//! shows the settings, the counters and what each cache holds. Nothing is persisted: a
//! restart empties the caches, as a DAX node restart does.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::contract::{DaxDescription, DaxItemEntry, DaxQueryEntry, DaxSettings, DaxStatistics};
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::key::PrimaryKey;
use crate::ops::expressions::ExpressionArgs;
use crate::ops::items::{projection_paths, shaped};
use crate::value::{Item, item_from_json};

/// DAX's default TTL of both caches: 5 minutes.
pub const DEFAULT_TTL_MILLIS: u64 = 300_000;
/// Model: a cache hit, in microseconds.
pub const HIT_MICROS: u64 = 400;
/// Model: what a miss adds, reading the table.
pub const TABLE_MICROS: u64 = 4_000;

/// The cluster: its settings, its two caches and its counters.
#[derive(Debug)]
pub(crate) struct Dax {
    pub item_ttl_millis: u64,
    pub query_ttl_millis: u64,
    items: BTreeMap<(String, PrimaryKey), CachedItem>,
    queries: BTreeMap<String, CachedQuery>,
    stats: Stats,
}

impl Default for Dax {
    fn default() -> Self {
        Dax {
            item_ttl_millis: DEFAULT_TTL_MILLIS,
            query_ttl_millis: DEFAULT_TTL_MILLIS,
            items: BTreeMap::new(),
            queries: BTreeMap::new(),
            stats: Stats::default(),
        }
    }
}

#[derive(Debug, Clone)]
struct CachedItem {
    /// `None`: the table had no such item (a negative entry).
    item: Option<Item>,
    cached_millis: u64,
}

#[derive(Debug, Clone)]
struct CachedQuery {
    operation: String,
    table: String,
    request: Value,
    response: Value,
    cached_millis: u64,
}

#[derive(Debug, Default, Clone, Copy)]
struct Stats {
    item_hits: u64,
    item_misses: u64,
    query_hits: u64,
    query_misses: u64,
    write_throughs: u64,
    pass_throughs: u64,
}

/// The table and key a request names, when it names one.
fn table_key(engine: &Engine, table: &str, key: &Value) -> Option<PrimaryKey> {
    let key = item_from_json(&key.to_string()).ok()?;
    engine
        .tables
        .get(table)?
        .key_schema()
        .key_of_item(&key)
        .ok()
}

/// The query cache's key: the operation and the request without what does not change the
/// answer's items.
fn query_key(operation: &str, request: &Value) -> String {
    let mut request = request.clone();
    if let Some(object) = request.as_object_mut() {
        object.remove("ReturnConsumedCapacity");
    }
    format!("{operation} {request}")
}

impl Engine {
    /// Serves a request through the DAX cluster (see the module), as the principal
    /// `access_key_id` names, if any.
    pub fn dispatch_via_dax(
        &mut self,
        source: &str,
        access_key_id: Option<&str>,
        operation: &str,
        body: &[u8],
    ) -> Result<Vec<u8>, DynamoError> {
        // The cluster serves the home region (a request that panicked elsewhere may have
        // left another region current).
        self.return_home();
        if operation.starts_with("Dynoscope_") {
            return self.dispatch_as(source, access_key_id, operation, body);
        }
        self.run_due();
        self.logged(source, operation, body, |engine| {
            if let Some(key) = access_key_id {
                engine.authorize(key, operation, body)?;
            }
            engine.dax_serve(operation, body)
        })
    }

    /// One request through the cluster, authorized already.
    fn dax_serve(&mut self, operation: &str, body: &[u8]) -> Result<Vec<u8>, DynamoError> {
        let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let eventual = request["ConsistentRead"].as_bool() != Some(true);
        match operation {
            "GetItem" if eventual => self.dax_get_item(&request, body),
            "Query" | "Scan" if eventual => self.dax_query(operation, &request, body),
            "BatchGetItem" => self.dax_batch_get(&request, body),
            "PutItem" | "UpdateItem" | "DeleteItem" | "BatchWriteItem" | "TransactWriteItems" => {
                let answer = crate::dispatch::dispatch(self, operation, body)?;
                self.write_through(operation, &request);
                Ok(answer)
            }
            _ => {
                self.dax.stats.pass_throughs += 1;
                self.record_dax(operation, &request, "PASS_THROUGH", None);
                crate::dispatch::dispatch(self, operation, body)
            }
        }
    }

    fn dax_get_item(&mut self, request: &Value, body: &[u8]) -> Result<Vec<u8>, DynamoError> {
        let table = request["TableName"].as_str().unwrap_or_default().to_owned();
        let Some(key) = table_key(self, &table, &request["Key"]) else {
            // Not a request the cache can answer: the table refuses it for what it is.
            return crate::dispatch::dispatch(self, "GetItem", body);
        };
        let now = self.clock.now_millis();
        let slot = (table.clone(), key);
        let fresh = (self.dax.items.get(&slot))
            .filter(|c| now < c.cached_millis + self.dax.item_ttl_millis);
        let cached = match fresh {
            Some(cached) => {
                let cached = cached.clone();
                self.dax.stats.item_hits += 1;
                self.record_item_hit(request, &slot, &cached);
                cached.item
            }
            None => {
                // A miss reads the whole item, so the cache can answer any projection later.
                let mut whole = request.clone();
                if let Some(object) = whole.as_object_mut() {
                    for member in [
                        "ProjectionExpression",
                        "AttributesToGet",
                        "ExpressionAttributeNames",
                    ] {
                        object.remove(member);
                    }
                }
                let answer =
                    crate::dispatch::dispatch(self, "GetItem", whole.to_string().as_bytes())?;
                let answer: Value = serde_json::from_slice(&answer).unwrap_or_default();
                let item = answer
                    .get("Item")
                    .and_then(|i| item_from_json(&i.to_string()).ok());
                self.dax.stats.item_misses += 1;
                self.dax.items.insert(
                    slot,
                    CachedItem {
                        item: item.clone(),
                        cached_millis: now,
                    },
                );
                self.record_dax(
                    "GetItem",
                    request,
                    "ITEM_MISS",
                    Some(json!({"LatencyMicros": HIT_MICROS + TABLE_MICROS})),
                );
                let mut response = project(request, item.as_ref())?;
                if let Some(consumed) = answer.get("ConsumedCapacity") {
                    response["ConsumedCapacity"] = consumed.clone();
                }
                return Ok(response.to_string().into_bytes());
            }
        };
        Ok(project(request, cached.as_ref())?.to_string().into_bytes())
    }

    fn dax_query(
        &mut self,
        operation: &str,
        request: &Value,
        body: &[u8],
    ) -> Result<Vec<u8>, DynamoError> {
        let now = self.clock.now_millis();
        let key = query_key(operation, request);
        let fresh = (self.dax.queries.get(&key))
            .filter(|c| now < c.cached_millis + self.dax.query_ttl_millis);
        if let Some(cached) = fresh {
            let (response, age) = (cached.response.clone(), now - cached.cached_millis);
            self.dax.stats.query_hits += 1;
            self.record_dax(
                operation,
                request,
                "QUERY_HIT",
                Some(json!({"AgeMillis": age, "LatencyMicros": HIT_MICROS})),
            );
            return Ok(response.to_string().into_bytes());
        }
        let answer = crate::dispatch::dispatch(self, operation, body)?;
        let mut response: Value = serde_json::from_slice(&answer).unwrap_or_default();
        if let Some(object) = response.as_object_mut() {
            object.remove("ConsumedCapacity");
        }
        self.dax.stats.query_misses += 1;
        let table = request["TableName"].as_str().unwrap_or_default().to_owned();
        let cached = CachedQuery {
            operation: operation.to_owned(),
            table,
            request: request.clone(),
            response,
            cached_millis: now,
        };
        self.dax.queries.insert(key, cached);
        self.record_dax(
            operation,
            request,
            "QUERY_MISS",
            Some(json!({"LatencyMicros": HIT_MICROS + TABLE_MICROS})),
        );
        Ok(answer)
    }

    /// BatchGetItem: answered from the item cache when it holds every key (fresh) and every
    /// table's read is eventually consistent; otherwise read from the tables whole, and what
    /// comes back fills the cache.
    fn dax_batch_get(&mut self, request: &Value, body: &[u8]) -> Result<Vec<u8>, DynamoError> {
        let now = self.clock.now_millis();
        let ttl = self.dax.item_ttl_millis;
        let tables = request["RequestItems"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let mut hits: Vec<(String, &Value, Option<Item>)> = Vec::new();
        let mut all_cached = !tables.is_empty();
        for (table, entry) in &tables {
            all_cached &= entry["ConsistentRead"].as_bool() != Some(true);
            for key in entry["Keys"].as_array().into_iter().flatten() {
                let slot = table_key(self, table, key).map(|k| (table.clone(), k));
                match slot
                    .and_then(|s| self.dax.items.get(&s))
                    .filter(|c| now < c.cached_millis + ttl)
                {
                    Some(cached) => hits.push((table.clone(), entry, cached.item.clone())),
                    None => all_cached = false,
                }
            }
        }
        if all_cached {
            self.dax.stats.item_hits += hits.len() as u64;
            let mut responses: BTreeMap<String, Vec<Value>> = BTreeMap::new();
            for (table, entry, item) in hits {
                let answer = project(entry, item.as_ref())?;
                if let Some(item) = answer.get("Item") {
                    responses.entry(table).or_default().push(item.clone());
                }
            }
            self.record_dax(
                "BatchGetItem",
                request,
                "ITEM_HIT",
                Some(json!({"LatencyMicros": HIT_MICROS})),
            );
            return Ok(json!({"Responses": responses, "UnprocessedKeys": {}})
                .to_string()
                .into_bytes());
        }
        let answer = crate::dispatch::dispatch(self, "BatchGetItem", body)?;
        let response: Value = serde_json::from_slice(&answer).unwrap_or_default();
        for (table, entry) in &tables {
            let unprocessed = &response["UnprocessedKeys"][table]["Keys"];
            let returned = response["Responses"][table]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for key in entry["Keys"].as_array().into_iter().flatten() {
                let projected = entry.get("ProjectionExpression").is_some()
                    || entry.get("AttributesToGet").is_some();
                let skipped = unprocessed.as_array().is_some_and(|u| u.contains(key));
                let Some(slot) = table_key(self, table, key) else {
                    continue;
                };
                if skipped || projected {
                    continue;
                }
                let found = returned.iter().find_map(|item| {
                    let item = item_from_json(&item.to_string()).ok()?;
                    let schema = self.tables.get(table)?.key_schema();
                    (schema.key_of_item(&item).ok()? == slot).then_some(item)
                });
                self.dax.stats.item_misses += 1;
                self.dax.items.insert(
                    (table.clone(), slot),
                    CachedItem {
                        item: found,
                        cached_millis: now,
                    },
                );
            }
        }
        self.record_dax(
            "BatchGetItem",
            request,
            "ITEM_MISS",
            Some(json!({"LatencyMicros": HIT_MICROS + TABLE_MICROS})),
        );
        Ok(answer)
    }

    /// After a write through DAX succeeded: the item cache takes each written item as the
    /// table now holds it.
    fn write_through(&mut self, operation: &str, request: &Value) {
        let mut written: Vec<(String, Value)> = Vec::new();
        match operation {
            "BatchWriteItem" => {
                for (table, writes) in request["RequestItems"].as_object().into_iter().flatten() {
                    for write in writes.as_array().into_iter().flatten() {
                        let key = write["PutRequest"]
                            .get("Item")
                            .or_else(|| write["DeleteRequest"].get("Key"));
                        written.extend(key.map(|k| (table.clone(), k.clone())));
                    }
                }
            }
            "TransactWriteItems" => {
                for action in request["TransactItems"].as_array().into_iter().flatten() {
                    for (kind, arg) in action.as_object().into_iter().flatten() {
                        if kind == "ConditionCheck" {
                            continue;
                        }
                        let key = arg.get("Key").or_else(|| arg.get("Item"));
                        let table = arg["TableName"].as_str().unwrap_or_default().to_owned();
                        written.extend(key.map(|k| (table, k.clone())));
                    }
                }
            }
            _ => {
                let key = request.get("Key").or_else(|| request.get("Item"));
                let table = request["TableName"].as_str().unwrap_or_default().to_owned();
                written.extend(key.map(|k| (table, k.clone())));
            }
        }
        let now = self.clock.now_millis();
        for (table, key) in written {
            let Some(slot) = table_key(self, &table, &key) else {
                continue;
            };
            let item = self.tables.get(&table).and_then(|t| t.get(&slot)).cloned();
            self.dax.stats.write_throughs += 1;
            self.dax.items.insert(
                (table, slot),
                CachedItem {
                    item,
                    cached_millis: now,
                },
            );
        }
        self.record_dax(operation, request, "WRITE_THROUGH", None);
    }

    fn record_item_hit(
        &mut self,
        request: &Value,
        slot: &(String, PrimaryKey),
        cached: &CachedItem,
    ) {
        let now = self.clock.now_millis();
        let current = self.tables.get(&slot.0).and_then(|t| t.get(&slot.1));
        let stale = current != cached.item.as_ref();
        let detail = json!({
            "AgeMillis": now - cached.cached_millis,
            "LatencyMicros": HIT_MICROS,
            "Stale": stale,
            "CachedItem": cached.item,
            "TableItem": if stale { json!(current) } else { Value::Null },
        });
        self.record_dax("GetItem", request, "ITEM_HIT", Some(detail));
    }

    /// A `DAX` event: which path a request took through the cluster.
    fn record_dax(
        &mut self,
        operation: &str,
        request: &Value,
        path: &'static str,
        extra: Option<Value>,
    ) {
        let now = self.clock.now_millis();
        let table = request["TableName"].as_str().unwrap_or_default().to_owned();
        self.events.record(now, "DAX", &table, || {
            let mut detail = json!({"Operation": operation, "Path": path});
            if let Some(key) = request.get("Key") {
                detail["Key"] = key.clone();
            }
            if let (Some(extra), Some(object)) = (extra, detail.as_object_mut()) {
                object.extend(extra.as_object().cloned().unwrap_or_default());
            }
            detail
        });
    }

    /// `Dynoscope_DescribeDax`'s answer: settings, counters and both caches.
    pub(crate) fn describe_dax(&self) -> DaxDescription {
        let now = self.clock.now_millis();
        let dax = &self.dax;
        let item_cache = (dax.items.iter())
            .filter(|(_, c)| now < c.cached_millis + dax.item_ttl_millis)
            .map(|((table, key), cached)| {
                let current = self.tables.get(table).and_then(|t| t.get(key));
                let key_item = self.tables.get(table).map(|t| t.key_schema().key_item(key));
                DaxItemEntry {
                    table_name: table.clone(),
                    key: serde_json::to_value(key_item).unwrap_or_default(),
                    item: cached.item.as_ref().map(|i| json!(i)),
                    cached_at_millis: cached.cached_millis,
                    expires_at_millis: cached.cached_millis + dax.item_ttl_millis,
                    stale: current != cached.item.as_ref(),
                }
            })
            .collect();
        let query_cache = (dax.queries.values())
            .filter(|c| now < c.cached_millis + dax.query_ttl_millis)
            .map(|cached| DaxQueryEntry {
                operation: cached.operation.clone(),
                table_name: cached.table.clone(),
                request: cached.request.clone(),
                count: cached.response["Count"].as_u64(),
                cached_at_millis: cached.cached_millis,
                expires_at_millis: cached.cached_millis + dax.query_ttl_millis,
            })
            .collect();
        let s = dax.stats;
        DaxDescription {
            settings: DaxSettings {
                item_ttl_millis: dax.item_ttl_millis,
                query_ttl_millis: dax.query_ttl_millis,
            },
            statistics: DaxStatistics {
                item_hits: s.item_hits,
                item_misses: s.item_misses,
                query_hits: s.query_hits,
                query_misses: s.query_misses,
                write_throughs: s.write_throughs,
                pass_throughs: s.pass_throughs,
            },
            item_cache,
            query_cache,
        }
    }

    /// Empties both caches (what a DAX node restart does); the counters stay.
    pub(crate) fn flush_dax(&mut self) {
        self.dax.items.clear();
        self.dax.queries.clear();
    }
}

/// GetItem's answer for `item` as the request projects it.
fn project(request: &Value, item: Option<&Item>) -> Result<Value, DynamoError> {
    let names: Option<BTreeMap<String, String>> = (request.get("ExpressionAttributeNames"))
        .and_then(|n| serde_json::from_value(n.clone()).ok());
    let args = ExpressionArgs {
        names: names.as_ref(),
        projection: request["ProjectionExpression"].as_str(),
        ..Default::default()
    };
    let expressions = args.parse(&[])?;
    let to_get: Option<Vec<String>> =
        (request.get("AttributesToGet")).and_then(|a| serde_json::from_value(a.clone()).ok());
    let paths = projection_paths(expressions.projection, to_get.as_deref());
    Ok(match item {
        Some(item) => json!({"Item": shaped(item, paths.as_deref())}),
        None => json!({}),
    })
}
