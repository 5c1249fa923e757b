//! What the engine has seen, kept across a reload: the event history, the activity log, the
//! metrics series and cost totals of every table, and the stream records within retention.
//! None of it is an acknowledged write, so it does not travel through the change log: a
//! front end asks for [`Engine::history`] now and then (the browser every few seconds after
//! requests, and when the tab is hidden or hands over) and stores the text as the setting
//! [`SETTING`]; restoring a snapshot that holds it puts it back after the tables.
//!
//! Bounded, so saving stays cheap: the newest [`EVENTS_KEPT`] events and
//! [`ACTIVITY_KEPT`] activity entries, each series' seconds of the last
//! [`SECONDS_KEPT_MILLIS`] (older seconds rolled up into minutes, kept for a day as always),
//! and the newest [`STREAM_RECORDS_KEPT`] stream records (older ones are trimmed, as
//! retention would trim them). Throughput buckets (burst credit, adaptive boosts) and the
//! partitions split for heat are not kept: a reloaded table starts with full buckets and the
//! partitions its size needs.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::contract::ActivityEntry;
use crate::engine::Engine;
use crate::events::Event;
use crate::metrics::{Resource, Sample, TableMetrics};
use crate::stream::Streams;
use crate::table::Table;
use crate::throughput::Capacity;

/// The setting a front end stores the history under.
pub const SETTING: &str = "history";
/// Events kept (of the 10,000 the live log holds).
pub const EVENTS_KEPT: usize = 2_000;
/// Activity entries kept.
pub const ACTIVITY_KEPT: usize = 2_000;
/// Seconds of each metrics series kept at one-second resolution.
pub const SECONDS_KEPT_MILLIS: u64 = 15 * 60 * 1000;
/// Stream records kept, every stream together.
pub const STREAM_RECORDS_KEPT: usize = 20_000;
/// The layout's version; a history of another version is not restored.
const VERSION: u32 = 1;

/// The saved history. Written with `Serialize`; read back by hand from a
/// `serde_json::Value` ([`saved`] and each type's `from_saved`), because derived
/// deserializers for these types cost the page's first load about 20 KB gzipped.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct History<'a> {
    version: u32,
    events: Vec<&'a Event>,
    activity: Vec<&'a ActivityEntry>,
    /// By table name.
    metrics: BTreeMap<String, SavedMetrics>,
    streams: Cow<'a, Streams>,
}

/// A table's metrics, with the id of the table they belong to: a table deleted and created
/// again under the same name does not inherit them.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SavedMetrics {
    table_id: String,
    metrics: TableMetrics,
    /// The busiest second of the table's group and each global index's (by name), which
    /// the cost estimate right-sizes provisioned capacity to.
    busiest: Vec<(Option<String>, (f64, f64))>,
}

/// Reading a saved history's values back.
pub(crate) mod saved {
    use serde_json::Value;

    use crate::value::{Item, item_from_json};

    /// A `u128` (a stream sequence number) as decimal text: JSON numbers that large do
    /// not survive a `serde_json::Value`.
    pub fn u128_text<S: serde::Serializer>(n: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(n)
    }

    pub fn optional_u128_text<S: serde::Serializer>(
        n: &Option<u128>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match n {
            Some(n) => s.collect_str(n),
            None => s.serialize_none(),
        }
    }

    pub fn u128_of(v: &Value) -> Option<u128> {
        v.as_str()?.parse().ok()
    }

    /// `Some(None)` for null, `None` for what is not a number's text.
    pub fn optional_u128(v: &Value) -> Option<Option<u128>> {
        if v.is_null() {
            Some(None)
        } else {
            u128_of(v).map(Some)
        }
    }

    pub fn text(v: &Value) -> Option<String> {
        Some(v.as_str()?.to_owned())
    }

    pub fn item(v: &Value) -> Option<Item> {
        item_from_json(&v.to_string()).ok()
    }

    pub fn optional_item(v: &Value) -> Option<Option<Item>> {
        if v.is_null() {
            Some(None)
        } else {
            item(v).map(Some)
        }
    }

    /// Every element of the array `v` read by `read`; `None` if any is unreadable.
    pub fn list<T>(v: &Value, read: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
        v.as_array()?.iter().map(read).collect()
    }
}

/// The second still being counted of the table, each global index and each partition, as
/// `Dynoscope_GetMetrics` shows it: a reload must not lose it.
fn live_samples(capacity: &mut Capacity, table: &Table, now: u64) -> Vec<(Resource, Sample)> {
    let indexes = (table.indexes().iter())
        .filter(|i| i.definition.kind == crate::index::IndexKind::Global)
        .map(|i| Resource::Index(i.definition.name.clone()));
    let partitions = table.partitions().iter().map(|p| Resource::Partition(p.id));
    let resources: Vec<Resource> = std::iter::once(Resource::Table)
        .chain(indexes)
        .chain(partitions)
        .collect();
    resources
        .into_iter()
        .filter_map(|r| Some((r.clone(), capacity.live_sample(table, &r, now)?)))
        .collect()
}

impl Engine {
    /// The history as JSON text, bounded as the module says.
    pub fn history(&mut self) -> String {
        let now = self.clock.now_millis();
        let mut metrics = BTreeMap::new();
        for table in self.tables.values() {
            self.capacity.flush(table, now);
            let live = live_samples(&mut self.capacity, table, now);
            if let Some(state) = self.capacity.get(&table.definition.name) {
                let mut kept = state.metrics.recent(SECONDS_KEPT_MILLIS);
                for (resource, sample) in live {
                    // The second still being counted is kept as one that ended, so the
                    // totals count it too, as the cost estimate does now.
                    if !matches!(resource, Resource::Partition(_)) {
                        kept.totals.read_units += sample.consumed_read;
                        kept.totals.write_units += sample.consumed_write;
                    }
                    kept.push(&resource, sample);
                }
                metrics.insert(
                    table.definition.name.clone(),
                    SavedMetrics {
                        table_id: table.definition.table_id.clone(),
                        metrics: kept,
                        busiest: (state.capacity.groups())
                            .map(|g| (g.index.clone(), g.busiest))
                            .collect(),
                    },
                );
            }
        }
        let streams = match self.streams.record_count() > STREAM_RECORDS_KEPT {
            true => {
                let mut kept = self.streams.clone();
                kept.keep_newest(STREAM_RECORDS_KEPT);
                Cow::Owned(kept)
            }
            false => Cow::Borrowed(&self.streams),
        };
        let history = History {
            version: VERSION,
            events: self.events.newest(EVENTS_KEPT).collect(),
            activity: self.activity.newest(ACTIVITY_KEPT).collect(),
            metrics,
            streams,
        };
        serde_json::to_string(&history).expect("the history always serialises")
    }

    /// Where the history has got to: it changed when this did. Cheap, for a front end
    /// deciding whether to save again.
    pub fn history_mark(&self) -> (u64, u64, u128) {
        (
            self.events.last_sequence(),
            self.activity.last_sequence(),
            self.streams.last_issued(),
        )
    }

    /// Puts back a history saved by [`Engine::history`], once the tables are restored.
    /// Metrics of tables that no longer exist (or were created again) are left out; a
    /// history that does not read, or of another version, is ignored: it is only history.
    pub(crate) fn restore_history(&mut self, text: &str) {
        let Ok(history) = serde_json::from_slice::<serde_json::Value>(text.as_bytes()) else {
            return;
        };
        if history["Version"].as_u64() != Some(u64::from(VERSION)) {
            return;
        }
        let events = saved::list(&history["Events"], Event::from_saved);
        let activity = saved::list(&history["Activity"], ActivityEntry::from_saved);
        let streams = Streams::from_saved(&history["Streams"]);
        let (Some(events), Some(activity), Some(streams)) = (events, activity, streams) else {
            return;
        };
        self.events.restore(events);
        self.activity.restore(activity);
        let now = self.clock.now_millis();
        for (name, saved) in history["Metrics"].as_object().into_iter().flatten() {
            let (Some(table), Some(metrics)) = (
                self.tables.get(name),
                TableMetrics::from_saved(&saved["Metrics"]),
            ) else {
                continue;
            };
            if saved["TableId"].as_str() != Some(table.definition.table_id.as_str()) {
                continue;
            }
            let busiest = saved::list(&saved["Busiest"], |b| {
                Some((
                    b[0].as_str().map(str::to_owned),
                    (b[1][0].as_f64()?, b[1][1].as_f64()?),
                ))
            });
            let busiest = busiest.unwrap_or_default();
            (self.capacity).restore_metrics(table, now, metrics, &busiest);
        }
        self.streams = streams;
        crate::stream::sync(self);
    }
}
