//! Global tables (version 2019.11.21), simulated: one engine serves every region. The
//! engine's region-specific fields (`tables`, `streams`, `capacity`, `deleting`, `zones`,
//! `pitr`) are the *current* region's; the others wait in [`Regions::others`], and
//! [`Engine::in_region`] swaps a region's state in for the length of a call (an O(1) swap
//! per field), with `config.region` set to it so ARNs name it. A region nobody used is
//! empty. [`Engine::dispatch_in`] serves a request in the region it is addressed to
//! (natively, the region its signature is scoped to).
//!
//! A table becomes global when UpdateTable's `ReplicaUpdates` creates a replica in another
//! region: the definition is copied there (its own ARN, id and stream) with every item, the
//! replica is CREATING for the control-plane delay, and every member's definition keeps the
//! replication group ([`ReplicaSetting`]), which DescribeTable shows as `Replicas`.
//!
//! Replication: every item write to a global table (through `write::commit_write`, TTL
//! deletes included) takes a [`Stamp`] (virtual time, a sequence number, the region) and
//! is queued for every other member, due after a draw of the simulation's
//! `GlobalReplicationLag`, in order per pair of regions. [`deliver_due`] (run before every
//! request) applies what is due in its target region through `commit_write` (so that
//! region's stream, indexes and partitions see it) without replicating it again. Last
//! writer wins per item: each region keeps the stamp of the version it holds (a delete
//! leaves one, a tombstone) and an incoming version applies only if its stamp is later.
//! When it meets a version the writer had not seen (a concurrent write elsewhere), the event
//! history tells a `REPLICATION_CONFLICT` with both versions, their regions and times and the
//! winner; every applied replication leaves a `REPLICATED` event. A region taken down
//! (`Dynoscope_SetRegionAvailability`) answers InternalServerError and receives its
//! replications, in order, once it is back.
//!
//! Kept across a restart: replicas and their items (the change log names a table of another
//! region `<region>/<name>`, and a definition stored so carries its region) and the
//! replications in flight (a setting each, `replication:<sequence>:<region>`, removed once
//! applied). Not kept: stamps (a conflict straddling a restart is not seen as one) and which
//! regions are down.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::contract::{RegionView, RegionsDescription, ReplicationInFlight};
use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::key::PrimaryKey;
use crate::table::{Table, TableDefinition};
use crate::value::{Item, item_to_json};

/// The prefix of the settings replications in flight are kept under (with the stamp's
/// sequence number, 20 digits, and the target region): each is removed once applied.
pub(crate) const SETTING_PREFIX: &str = "replication:";

/// `GlobalTableVersion` of every table with replicas.
pub const GLOBAL_TABLE_VERSION: &str = "2019.11.21";

/// One member of a table's replication group, as every member's definition keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaSetting {
    pub region_name: String,
    /// The replica is CREATING until then.
    pub active_from_millis: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_master_key_id: Option<String>,
    /// ProvisionedThroughputOverride's ReadCapacityUnits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_capacity_override: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_class_override: Option<String>,
    /// Per global index: its ProvisionedThroughputOverride's ReadCapacityUnits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub index_read_overrides: Vec<(String, u64)>,
}

/// What DescribeTable says of the replicas in other regions than the table's own.
pub(crate) fn replicas_json(definition: &TableDefinition, now_millis: u64) -> Option<Value> {
    if definition.replicas.is_empty() {
        return None;
    }
    // The table's own region is the one its ARN names.
    let own = definition.arn.split(':').nth(3).unwrap_or_default();
    let replicas: Vec<Value> = (definition.replicas.iter())
        .filter(|r| r.region_name != own)
        .map(|r| {
            let creating = now_millis < r.active_from_millis;
            let mut replica = json!({
                "RegionName": r.region_name,
                "ReplicaStatus": if creating { "CREATING" } else { "ACTIVE" },
            });
            if creating {
                replica["ReplicaStatusPercentProgress"] = json!("0");
            }
            if let Some(key) = &r.kms_master_key_id {
                replica["KMSMasterKeyId"] = json!(key);
            }
            if let Some(read) = r.read_capacity_override {
                replica["ProvisionedThroughputOverride"] = json!({"ReadCapacityUnits": read});
            }
            if !r.index_read_overrides.is_empty() {
                replica["GlobalSecondaryIndexes"] = (r.index_read_overrides.iter())
                    .map(|(name, read)| json!({"IndexName": name, "ProvisionedThroughputOverride": {"ReadCapacityUnits": read}}))
                    .collect();
            }
            if let Some(class) = &r.table_class_override {
                replica["ReplicaTableClassSummary"] = json!({"TableClass": class});
            }
            replica
        })
        .collect();
    Some(Value::Array(replicas))
}

/// A region's state while another is current.
#[derive(Debug, Default)]
pub(crate) struct RegionState {
    tables: BTreeMap<String, Table>,
    streams: crate::stream::Streams,
    capacity: crate::throughput::Capacity,
    deleting: BTreeMap<String, (Table, u64)>,
    zones: crate::zones::Zones,
    pitr: BTreeMap<String, crate::pitr::PitrLog>,
}

impl RegionState {
    fn table_names(&self) -> impl Iterator<Item = &String> {
        self.tables.keys()
    }
}

/// When a version of an item was written and where: later stamps win. The sequence
/// orders writes made in the same millisecond.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Stamp {
    pub at_millis: u64,
    pub sequence: u64,
    pub region: String,
}

/// A write on its way to another region.
#[derive(Debug, Clone)]
pub(crate) struct InFlight {
    due_millis: u64,
    table: String,
    key: PrimaryKey,
    /// The item as written, or `None` for a delete.
    item: Option<Item>,
    to: String,
    stamp: Stamp,
    /// The stamp the writing region held for the item before this write: the version the
    /// writer saw and replaced.
    replaced: Option<Stamp>,
}

/// Every region but the current one, and the replication between them.
#[derive(Debug)]
pub(crate) struct Regions {
    /// `EngineConfig::region` as the engine started: where unaddressed requests go.
    pub(crate) home: String,
    others: BTreeMap<String, RegionState>,
    down: BTreeSet<String>,
    /// Ordered by due time, then stamp.
    in_flight: Vec<InFlight>,
    /// Per (region, table, key): the stamp of the version that region holds.
    stamps: HashMap<(String, String, PrimaryKey), Stamp>,
    sequence: u64,
    /// The latest due time queued per (from, to), so replication keeps each pair's order.
    last_due: BTreeMap<(String, String), u64>,
    /// Set while a replication is applied: its write is not replicated again.
    applying: bool,
    /// Items of MRSC tables whose writes are still replicating (`crate::mrsc`).
    pub(crate) modifying: crate::mrsc::Modifying,
}

impl InFlight {
    fn setting_name(&self) -> String {
        format!("{SETTING_PREFIX}{:020}:{}", self.stamp.sequence, self.to)
    }

    /// As kept: the key as an item (its table's schema reads it back), the item as written.
    fn to_setting(&self, key_item: &Item) -> String {
        let stamp = |s: &Stamp| json!({"AtMillis": s.at_millis, "Sequence": s.sequence, "Region": s.region});
        json!({
            "DueMillis": self.due_millis,
            "Table": self.table,
            "Key": image(key_item),
            "Item": self.item.as_ref().map(image),
            "To": self.to,
            "Stamp": stamp(&self.stamp),
            "Replaced": self.replaced.as_ref().map(stamp),
        })
        .to_string()
    }
}

/// A stamp as kept.
fn stamp_of(v: &Value) -> Option<Stamp> {
    Some(Stamp {
        at_millis: v["AtMillis"].as_u64()?,
        sequence: v["Sequence"].as_u64()?,
        region: v["Region"].as_str()?.to_owned(),
    })
}

impl Regions {
    pub(crate) fn new(home: &str) -> Self {
        Regions {
            home: home.to_owned(),
            others: BTreeMap::new(),
            down: BTreeSet::new(),
            in_flight: Vec::new(),
            stamps: HashMap::new(),
            sequence: 0,
            last_due: BTreeMap::new(),
            applying: false,
            modifying: Default::default(),
        }
    }
}

/// The message of a request addressed to a region that is down.
fn region_down(region: &str) -> DynamoError {
    DynamoError::new(
        ErrorKind::InternalServerError,
        format!(
            "The region {region} is unavailable (taken down with Dynoscope_SetRegionAvailability): requests addressed to it fail until it is available again"
        ),
    )
}

impl Engine {
    /// Serves a request addressed to `region` (None: the home region), as the principal
    /// `access_key_id` names, if any. A region that is down answers InternalServerError
    /// (the playground's `Dynoscope_` operations are served anyway).
    pub fn dispatch_in(
        &mut self,
        source: &str,
        region: Option<&str>,
        access_key_id: Option<&str>,
        operation: &str,
        request: &[u8],
    ) -> Result<Vec<u8>, DynamoError> {
        self.return_home();
        let region = match region.filter(|r| !r.is_empty()) {
            Some(region) => region.to_owned(),
            None => self.regions.home.clone(),
        };
        if self.regions.down.contains(&region) && !operation.starts_with("Dynoscope_") {
            return Err(region_down(&region));
        }
        self.in_region(&region, |engine| {
            engine.dispatch_as(source, access_key_id, operation, request)
        })
    }

    /// Runs `f` with `region`'s state current (and `config.region` naming it), then puts
    /// the previous region back. Nests.
    pub(crate) fn in_region<R>(&mut self, region: &str, f: impl FnOnce(&mut Engine) -> R) -> R {
        if region == self.config.region {
            return f(self);
        }
        let previous = self.config.region.clone();
        self.swap_region(region);
        let result = f(self);
        self.swap_region(&previous);
        result
    }

    /// Makes `region` current, putting the current region's state away under its name.
    fn swap_region(&mut self, region: &str) {
        let leaving = std::mem::replace(&mut self.config.region, region.to_owned());
        let mut state = self.regions.others.remove(region).unwrap_or_default();
        std::mem::swap(&mut self.tables, &mut state.tables);
        std::mem::swap(&mut self.streams, &mut state.streams);
        std::mem::swap(&mut self.capacity, &mut state.capacity);
        std::mem::swap(&mut self.deleting, &mut state.deleting);
        std::mem::swap(&mut self.zones, &mut state.zones);
        std::mem::swap(&mut self.pitr, &mut state.pitr);
        self.regions.others.insert(leaving, state);
        self.log.region = (region != self.regions.home).then(|| region.to_owned());
    }

    /// Puts the home region back if a request that panicked left another one current.
    pub(crate) fn return_home(&mut self) {
        if self.config.region != self.regions.home {
            let home = self.regions.home.clone();
            self.swap_region(&home);
        }
    }

    /// Puts back the replications in flight kept as settings (after the tables: a key is
    /// read with its table's schema in the target region). Those that do not read, or whose
    /// table is gone, are dropped.
    pub(crate) fn restore_in_flight(&mut self, settings: &[(String, String)]) {
        for (name, text) in settings {
            if !name.starts_with(SETTING_PREFIX) {
                continue;
            }
            let Ok(v) = serde_json::from_str::<Value>(text) else {
                continue;
            };
            let read = |engine: &mut Engine| -> Option<InFlight> {
                let to = v["To"].as_str()?.to_owned();
                let table = v["Table"].as_str()?.to_owned();
                let key = engine.in_region(&to, |e| {
                    let key_item = crate::value::item_from_json(&v["Key"].to_string()).ok()?;
                    e.tables
                        .get(&table)?
                        .key_schema()
                        .key_of_item(&key_item)
                        .ok()
                })?;
                let item = match &v["Item"] {
                    Value::Null => None,
                    item => Some(crate::value::item_from_json(&item.to_string()).ok()?),
                };
                Some(InFlight {
                    due_millis: v["DueMillis"].as_u64()?,
                    table,
                    key,
                    item,
                    to,
                    stamp: stamp_of(&v["Stamp"])?,
                    replaced: stamp_of(&v["Replaced"]),
                })
            };
            let Some(flight) = read(self) else { continue };
            let regions = &mut self.regions;
            regions.sequence = regions.sequence.max(flight.stamp.sequence);
            let pair = (flight.stamp.region.clone(), flight.to.clone());
            let last = regions.last_due.entry(pair).or_insert(0);
            *last = (*last).max(flight.due_millis);
            let at = regions.in_flight.partition_point(|r| {
                (r.due_millis, &r.stamp) <= (flight.due_millis, &flight.stamp)
            });
            regions.in_flight.insert(at, flight);
        }
    }

    /// Records every replication in flight (for a store written from scratch).
    pub(crate) fn record_in_flight(&mut self) {
        let kept: Vec<(String, String)> = (self.regions.in_flight.iter())
            .filter_map(|flight| {
                let key_item = self.in_region_ref(&flight.to, &flight.table, &flight.key)?;
                Some((flight.setting_name(), flight.to_setting(&key_item)))
            })
            .collect();
        for (name, value) in kept {
            self.record(|| crate::persist::Change::PutSetting {
                name,
                value: Some(value),
            });
        }
    }

    /// The key item of `key` in `table` of `region`, read without swapping regions.
    fn in_region_ref(&self, region: &str, table: &str, key: &PrimaryKey) -> Option<Item> {
        let tables = match region == self.config.region {
            true => &self.tables,
            false => &self.regions.others.get(region)?.tables,
        };
        Some(tables.get(table)?.key_schema().key_item(key))
    }

    /// Whether `region` is down (`Dynoscope_SetRegionAvailability`).
    pub(crate) fn region_is_down(&self, region: &str) -> bool {
        self.regions.down.contains(region)
    }

    /// Changes `table`'s definition in each of `regions` with `change` and records it.
    pub(crate) fn update_members(
        &mut self,
        table: &str,
        regions: &[String],
        change: impl Fn(&mut TableDefinition),
    ) {
        for region in regions {
            self.in_region(region, |engine| {
                let Some(t) = engine.tables.get_mut(table) else {
                    return;
                };
                change(&mut t.definition);
                let definition = t.definition.clone();
                engine.record_table(&definition);
            });
        }
    }

    /// Whether the current region is the home region.
    pub(crate) fn at_home(&self) -> bool {
        self.config.region == self.regions.home
    }

    /// Every region other than the current one that holds state.
    pub(crate) fn other_regions(&self) -> Vec<String> {
        self.regions.others.keys().cloned().collect()
    }

    /// Gives each member of `table`'s group the group `members` (none: not global any more)
    /// and records its definition.
    pub(crate) fn set_group(
        &mut self,
        table: &str,
        regions: &[String],
        members: &[ReplicaSetting],
    ) {
        for region in regions {
            self.in_region(region, |engine| {
                let Some(t) = engine.tables.get_mut(table) else {
                    return;
                };
                t.definition.replicas = members.to_vec();
                if members.is_empty() {
                    t.definition.strong_consistency = None;
                }
                let definition = t.definition.clone();
                engine.record_table(&definition);
            });
        }
    }

    /// DeleteTable of a table with replicas: it leaves its group (the others follow), and
    /// nothing more is replicated to it.
    pub(crate) fn leave_group(&mut self, table: &str, definition: &TableDefinition) {
        self.forget_replica(table);
        let region = self.config.region.clone();
        if definition.replicas.is_empty() {
            return;
        }
        let remaining: Vec<ReplicaSetting> = (definition.replicas.iter())
            .filter(|r| r.region_name != region)
            .cloned()
            .collect();
        let regions: Vec<String> = remaining.iter().map(|r| r.region_name.clone()).collect();
        let members = if remaining.len() > 1 {
            remaining
        } else {
            Vec::new()
        };
        self.set_group(table, &regions, &members);
    }
}

/// Queues a write just made to `table` in the current region for every other member of
/// its group (nothing for a table that is not global, or a write that is a replication).
pub(crate) fn replicate_write(engine: &mut Engine, table: &str, key: &PrimaryKey) {
    if engine.regions.applying {
        return;
    }
    let Some(t) = engine.tables.get(table) else {
        return;
    };
    if t.definition.replicas.is_empty() {
        return;
    }
    let from = engine.config.region.clone();
    let targets: Vec<String> = (t.definition.replicas.iter())
        .map(|r| r.region_name.clone())
        .filter(|r| *r != from)
        .collect();
    let strong = t.definition.strong_consistency.is_some();
    let item = t.get(key).cloned();
    let now = engine.now_millis();
    let lag = engine.simulation_for(table).global_replication_lag;
    if strong {
        // The item is being modified from here while the write replicates.
        let window = lag.sample(&mut engine.rng);
        if window > 0 {
            (engine.regions.modifying).note(table, key, &from, now + window);
        }
    }
    let regions = &mut engine.regions;
    regions.sequence += 1;
    let stamp = Stamp {
        at_millis: now,
        sequence: regions.sequence,
        region: from.clone(),
    };
    let replaced =
        (regions.stamps).insert((from.clone(), table.to_owned(), key.clone()), stamp.clone());
    for to in targets {
        // MRSC replicates synchronously: applied at once where the region is up.
        if strong && !engine.regions.down.contains(&to) {
            let flight = InFlight {
                due_millis: now,
                table: table.to_owned(),
                key: key.clone(),
                item: item.clone(),
                to: to.clone(),
                stamp: stamp.clone(),
                replaced: replaced.clone(),
            };
            engine.in_region(&to, |engine| apply(engine, flight));
            continue;
        }
        let drawn = match strong {
            true => now,
            false => now + lag.sample(&mut engine.rng),
        };
        let last = engine
            .regions
            .last_due
            .entry((from.clone(), to.clone()))
            .or_insert(0);
        let due_millis = drawn.max(*last);
        *last = due_millis;
        let flight = InFlight {
            due_millis,
            table: table.to_owned(),
            key: key.clone(),
            item: item.clone(),
            to,
            stamp: stamp.clone(),
            replaced: replaced.clone(),
        };
        if engine.log.is_enabled() {
            let key_item = engine.tables[table].key_schema().key_item(key);
            let (name, value) = (flight.setting_name(), flight.to_setting(&key_item));
            engine.record(|| crate::persist::Change::PutSetting {
                name,
                value: Some(value),
            });
        }
        let in_flight = &mut engine.regions.in_flight;
        let at = in_flight
            .partition_point(|r| (r.due_millis, &r.stamp) <= (flight.due_millis, &flight.stamp));
        in_flight.insert(at, flight);
    }
}

/// Applies every replication that is due, in order, each in its target region; those to
/// a region that is down wait.
pub(crate) fn deliver_due(engine: &mut Engine) {
    if engine.regions.in_flight.is_empty() || engine.regions.applying {
        return;
    }
    let now = engine.now_millis();
    loop {
        let regions = &engine.regions;
        let Some(at) = (regions.in_flight.iter())
            .take_while(|r| r.due_millis <= now)
            .position(|r| !regions.down.contains(&r.to))
        else {
            return;
        };
        let flight = engine.regions.in_flight.remove(at);
        let name = flight.setting_name();
        engine.record(|| crate::persist::Change::PutSetting { name, value: None });
        let to = flight.to.clone();
        engine.in_region(&to, |engine| apply(engine, flight));
    }
}

/// One replication in its target region (current): last writer wins.
fn apply(engine: &mut Engine, flight: InFlight) {
    let region = engine.config.region.clone();
    let Some(table) = engine.tables.get(&flight.table) else {
        return;
    };
    if table.definition.replicas.is_empty() {
        return;
    }
    let stamp_key = (region.clone(), flight.table.clone(), flight.key.clone());
    let held = engine.regions.stamps.get(&stamp_key).cloned();
    let wins = held.as_ref().is_none_or(|h| flight.stamp > *h);
    let now = engine.now_millis();
    let key_json = item_to_json(&table.key_schema().key_item(&flight.key));
    let key_value: Value = serde_json::from_str(&key_json).unwrap_or(Value::Null);
    // A conflict: this region holds a version the writer had not seen.
    if let Some(local) = (held.as_ref()).filter(|h| flight.replaced.as_ref() != Some(*h)) {
        let local_item = table.get(&flight.key).map(image);
        let incoming_item = flight.item.as_ref().map(image);
        let winner = if wins { &flight.stamp } else { local };
        let detail = json!({
            "Region": region,
            "Key": key_value,
            "Local": {"Region": local.region, "AtMillis": local.at_millis, "Item": local_item},
            "Incoming": {"Region": flight.stamp.region, "AtMillis": flight.stamp.at_millis, "Item": incoming_item},
            "Winner": if wins { "INCOMING" } else { "LOCAL" },
            "WinnerRegion": winner.region,
        });
        engine
            .events
            .record(now, "REPLICATION_CONFLICT", &flight.table, || detail);
    }
    if !wins {
        return;
    }
    engine
        .regions
        .stamps
        .insert(stamp_key, flight.stamp.clone());
    let operation = if flight.item.is_some() {
        "PUT"
    } else {
        "DELETE"
    };
    engine.regions.applying = true;
    crate::write::commit_write(engine, &flight.table, flight.key, flight.item);
    engine.regions.applying = false;
    let detail = json!({
        "Region": region,
        "FromRegion": flight.stamp.region,
        "Operation": operation,
        "Key": key_value,
        "WrittenAtMillis": flight.stamp.at_millis,
        "LagMillis": now - flight.stamp.at_millis,
    });
    engine
        .events
        .record(now, "REPLICATED", &flight.table, || detail);
}

fn image(item: &Item) -> Value {
    serde_json::from_str(&item_to_json(item)).unwrap_or(Value::Null)
}

impl Engine {
    /// Forgets what is queued for and held about `table` in the current region (its replica
    /// is gone): replications on their way to it and its stamps.
    pub(crate) fn forget_replica(&mut self, table: &str) {
        let region = self.config.region.clone();
        let (dropped, kept) = std::mem::take(&mut self.regions.in_flight)
            .into_iter()
            .partition(|r| r.to == region && r.table == table);
        self.regions.in_flight = kept;
        for flight in dropped {
            let name = flight.setting_name();
            self.record(|| crate::persist::Change::PutSetting { name, value: None });
        }
        self.regions
            .stamps
            .retain(|(r, t, _), _| !(*r == region && t == table));
    }
}

// ---- Dynoscope_SetRegionAvailability, Dynoscope_DescribeRegions ----

/// `Dynoscope_DescribeRegions`: every region known (the home region, every region that
/// holds state or is down), its tables, whether it is available, and the replications on
/// their way to it.
pub(crate) fn describe_regions(engine: &Engine) -> RegionsDescription {
    let current = &engine.config.region;
    let mut names: BTreeSet<&String> = engine.regions.others.keys().collect();
    names.insert(current);
    names.insert(&engine.regions.home);
    names.extend(engine.regions.down.iter());
    let regions = names
        .into_iter()
        .map(|region| {
            let tables: Vec<String> = if region == current {
                engine.tables.keys().cloned().collect()
            } else {
                (engine.regions.others.get(region))
                    .map(|s| s.table_names().cloned().collect())
                    .unwrap_or_default()
            };
            let in_flight = (engine.regions.in_flight.iter())
                .filter(|r| &r.to == region)
                .map(|r| ReplicationInFlight {
                    table_name: r.table.clone(),
                    from_region: r.stamp.region.clone(),
                    operation: if r.item.is_some() { "PUT" } else { "DELETE" }.to_owned(),
                    item: r.item.as_ref().map(image),
                    written_at_millis: r.stamp.at_millis,
                    due_at_millis: r.due_millis,
                })
                .collect();
            RegionView {
                region_name: region.clone(),
                home: *region == engine.regions.home,
                available: !engine.regions.down.contains(region),
                tables,
                in_flight,
            }
        })
        .collect();
    RegionsDescription {
        now_millis: engine.now_millis(),
        regions,
    }
}

/// `Dynoscope_SetRegionAvailability`: takes a region down or brings it back.
pub(crate) fn set_region_availability(engine: &mut Engine, region: &str, available: bool) {
    let changed = match available {
        true => engine.regions.down.remove(region),
        false => engine.regions.down.insert(region.to_owned()),
    };
    if changed {
        let now = engine.now_millis();
        let kind = if available {
            "REGION_UP"
        } else {
            "REGION_DOWN"
        };
        let waiting = (engine.regions.in_flight.iter())
            .filter(|r| r.to == region)
            .count();
        engine.events.record(
            now,
            kind,
            "",
            || json!({"Region": region, "ReplicationsWaiting": waiting}),
        );
    }
    if available {
        deliver_due(engine);
    }
}
