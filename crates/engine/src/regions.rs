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
//! Not kept across a restart: replications in flight, stamps, which regions are down.
//! Replicas and their items are (the change log names a table of another region
//! `<region>/<name>`, and a definition stored so carries its region).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::key::PrimaryKey;
use crate::table::{BillingMode, StreamSettings, Table, TableDefinition};
use crate::value::{Item, item_to_json};

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
    fn set_group(&mut self, table: &str, regions: &[String], members: &[ReplicaSetting]) {
        for region in regions {
            self.in_region(region, |engine| {
                let Some(t) = engine.tables.get_mut(table) else {
                    return;
                };
                t.definition.replicas = members.to_vec();
                let definition = t.definition.clone();
                engine.record_table(&definition);
            });
        }
    }

    /// DeleteTable of a table with replicas: it leaves its group (the others follow), and
    /// nothing more is replicated to it.
    pub(crate) fn leave_group(&mut self, table: &str, definition: &TableDefinition) {
        let region = self.config.region.clone();
        self.regions
            .in_flight
            .retain(|r| !(r.to == region && r.table == table));
        self.regions
            .stamps
            .retain(|(r, t, _), _| !(*r == region && t == table));
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
    let item = t.get(key).cloned();
    let now = engine.now_millis();
    let lag = engine.simulation_for(table).global_replication_lag;
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
        let drawn = now + lag.sample(&mut engine.rng);
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

// ---- UpdateTable's ReplicaUpdates ----

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicaUpdateArg {
    pub create: Option<ReplicaActionArg>,
    pub update: Option<ReplicaActionArg>,
    pub delete: Option<ReplicaActionArg>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicaActionArg {
    pub region_name: Option<String>,
    #[serde(rename = "KMSMasterKeyId")]
    pub kms_master_key_id: Option<String>,
    pub provisioned_throughput_override: Option<ThroughputOverrideArg>,
    pub global_secondary_indexes: Option<Vec<ReplicaIndexArg>>,
    pub table_class_override: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ThroughputOverrideArg {
    pub read_capacity_units: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicaIndexArg {
    pub index_name: Option<String>,
    pub provisioned_throughput_override: Option<ThroughputOverrideArg>,
}

/// AWS's answer when ReplicaUpdates names the table's own region (quoted in aws-cli issue
/// 4906 and aws-cdk issue 6287).
pub(crate) const LOCAL_REGION: &str = "Cannot add, delete, or update the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required.";

#[derive(Clone, Copy, PartialEq)]
enum Action {
    Create,
    Update,
    Delete,
}

/// Checks the shape of `ReplicaUpdates` (the "N validation errors detected" part).
pub(crate) fn check_shape(v: &mut crate::ops::validate::Violations, updates: &[ReplicaUpdateArg]) {
    for (i, update) in updates.iter().enumerate() {
        for (name, action) in [
            ("create", &update.create),
            ("update", &update.update),
            ("delete", &update.delete),
        ] {
            let Some(action) = action else { continue };
            let field = format!("replicaUpdates.{}.member.{name}", i + 1);
            v.not_null(&format!("{field}.regionName"), &action.region_name);
            v.one_of(
                &format!("{field}.tableClassOverride"),
                action.table_class_override.as_deref(),
                &["STANDARD", "STANDARD_INFREQUENT_ACCESS"],
            );
            if let Some(read) = (action.provisioned_throughput_override.as_ref())
                .and_then(|t| t.read_capacity_units)
            {
                v.at_least(
                    &format!("{field}.provisionedThroughputOverride.readCapacityUnits"),
                    Some(read),
                    1,
                );
            }
        }
    }
}

fn setting_of(action: &ReplicaActionArg, region: &str, active_from_millis: u64) -> ReplicaSetting {
    let read = |t: &Option<ThroughputOverrideArg>| {
        t.as_ref()
            .and_then(|t| t.read_capacity_units)
            .map(|n| n.max(1) as u64)
    };
    ReplicaSetting {
        region_name: region.to_owned(),
        active_from_millis,
        kms_master_key_id: action.kms_master_key_id.clone(),
        read_capacity_override: read(&action.provisioned_throughput_override),
        table_class_override: action.table_class_override.clone(),
        index_read_overrides: (action.global_secondary_indexes.iter().flatten())
            .filter_map(|i| {
                Some((
                    i.index_name.clone()?,
                    read(&i.provisioned_throughput_override)?,
                ))
            })
            .collect(),
    }
}

/// UpdateTable with `ReplicaUpdates` on `name` (found and ACTIVE in the current region):
/// creates, updates or deletes replicas in other regions. Answers the table UPDATING.
pub(crate) fn update_replicas(
    engine: &mut Engine,
    name: &str,
    updates: &[ReplicaUpdateArg],
    other_changes: bool,
) -> Result<Value, DynamoError> {
    if other_changes {
        return Err(DynamoError::validation(
            "ReplicaUpdates cannot be combined with other changes in one UpdateTable request",
        ));
    }
    let here = engine.config.region.clone();
    let definition = engine.tables[name].definition.clone();
    let mut group: Vec<ReplicaSetting> = definition.replicas.clone();
    let member =
        |group: &[ReplicaSetting], region: &str| group.iter().any(|r| r.region_name == region);
    // Read every action before any takes effect.
    let mut actions = Vec::new();
    for update in updates {
        let action = match (&update.create, &update.update, &update.delete) {
            (Some(a), None, None) => (Action::Create, a),
            (None, Some(a), None) => (Action::Update, a),
            (None, None, Some(a)) => (Action::Delete, a),
            _ => {
                return Err(DynamoError::validation(
                    "One of ReplicationGroupUpdate.Create, ReplicationGroupUpdate.Update, or ReplicationGroupUpdate.Delete must be specified",
                ));
            }
        };
        let region = action.1.region_name.clone().unwrap_or_default();
        if region == here {
            return Err(DynamoError::validation(LOCAL_REGION));
        }
        match action.0 {
            Action::Create => {
                let taken = member(&group, &region)
                    || actions.iter().any(|(a, r, _): &(Action, String, _)| {
                        *a == Action::Create && *r == region
                    })
                    || engine.in_region(&region, |e| {
                        e.tables.contains_key(name) || e.deleting.contains_key(name)
                    });
                if taken {
                    return Err(DynamoError::validation(format!(
                        "Failed to create a the new replica of table with name: '{name}' because one or more replicas already existed as tables."
                    )));
                }
                for index in action.1.global_secondary_indexes.iter().flatten() {
                    let index_name = index.index_name.as_deref().unwrap_or_default();
                    if definition.index(index_name).is_none() {
                        return Err(DynamoError::index_not_found(name, index_name));
                    }
                }
            }
            Action::Update | Action::Delete => {
                if !member(&group, &region) {
                    return Err(DynamoError::validation(format!(
                        "Update global table operation failed because one or more replicas were not part of the global table: {region}"
                    )));
                }
            }
        }
        actions.push((action.0, region, action.1));
    }
    let now = engine.now_millis();
    let delay = engine.config.control_plane_millis;
    // A table made global streams its changes: NEW_AND_OLD_IMAGES unless a stream is on.
    if definition.stream.as_ref().is_none_or(|s| !s.enabled) {
        let label = crate::clock::iso8601_millis(now);
        let stream = engine.streams.unique(StreamSettings {
            enabled: true,
            view_type: "NEW_AND_OLD_IMAGES".into(),
            arn: format!("{}/stream/{label}", definition.arn),
            label,
        });
        engine
            .tables
            .get_mut(name)
            .expect("found")
            .definition
            .stream = Some(stream);
        crate::stream::sync(engine);
    }
    if group.is_empty() {
        group.push(ReplicaSetting {
            region_name: here.clone(),
            active_from_millis: definition.created_at_millis + definition.creating_for_millis,
            kms_master_key_id: None,
            read_capacity_override: None,
            table_class_override: None,
            index_read_overrides: Vec::new(),
        });
    }
    let mut members_before: Vec<String> = group.iter().map(|r| r.region_name.clone()).collect();
    for (action, region, arg) in actions {
        match action {
            Action::Create => {
                let setting = setting_of(arg, &region, now + delay);
                create_replica(engine, name, &region, &setting);
                group.push(setting);
                members_before.push(region);
            }
            Action::Update => {
                let setting = (group.iter_mut())
                    .find(|r| r.region_name == region)
                    .expect("a member");
                let active = setting.active_from_millis;
                let updated = setting_of(arg, &region, active);
                if updated.kms_master_key_id.is_some() {
                    setting.kms_master_key_id = updated.kms_master_key_id;
                }
                if updated.read_capacity_override.is_some() {
                    setting.read_capacity_override = updated.read_capacity_override;
                }
                if updated.table_class_override.is_some() {
                    setting.table_class_override = updated.table_class_override;
                }
                if !updated.index_read_overrides.is_empty() {
                    setting.index_read_overrides = updated.index_read_overrides;
                }
            }
            Action::Delete => {
                group.retain(|r| r.region_name != region);
                engine.in_region(&region, |engine| drop_replica(engine, name));
            }
        }
    }
    if group.len() <= 1 {
        group.clear();
    }
    engine.set_group(name, &members_before, &group);
    let table = engine.tables.get_mut(name).expect("found");
    table.definition.updating_until_millis = now + delay;
    let definition = table.definition.clone();
    engine.record_table(&definition);
    Ok(crate::ops::tables::describe(
        &engine.tables[name],
        "UPDATING",
        now,
    ))
}

/// Makes the replica of `name` (current region) in `region`: its definition with its own
/// ARN, id and stream, every item, CREATING for the control-plane delay.
fn create_replica(engine: &mut Engine, name: &str, region: &str, setting: &ReplicaSetting) {
    let source = &engine.tables[name];
    let items: Vec<Item> = (source.items().walk(0, None))
        .map(|(_, item)| item.clone())
        .collect();
    let mut definition = source.definition.clone();
    let now = engine.now_millis();
    let arn = format!(
        "arn:aws:dynamodb:{region}:{}:table/{name}",
        engine.config.account_id
    );
    definition.table_id = crate::ops::tables::uuid_from(&mut engine.rng);
    for index in &mut definition.indexes {
        index.arn = format!("{arn}/index/{}", index.name);
        index.active_from_millis = 0;
    }
    if let Some(stream) = &mut definition.stream {
        stream.label = crate::clock::iso8601_millis(now);
        stream.arn = format!("{arn}/stream/{}", stream.label);
    }
    definition.arn = arn;
    definition.created_at_millis = now;
    definition.creating_for_millis = setting.active_from_millis.saturating_sub(now);
    definition.updating_until_millis = 0;
    definition.point_in_time_recovery = None;
    definition.contributor_insights = None;
    definition.index_contributor_insights.clear();
    definition.tags.clear();
    definition.restore_summary = None;
    definition.resource_policy = None;
    definition.stream_resource_policy = None;
    definition.kinesis_destinations.clear();
    definition.throughput_history = Default::default();
    if let Some(class) = &setting.table_class_override {
        definition.table_class = Some(class.clone());
    }
    if let Some(key) = &setting.kms_master_key_id {
        definition.sse_kms_key_arn = Some(key.clone());
    }
    if let (
        Some(read),
        BillingMode::Provisioned {
            write_capacity_units,
            ..
        },
    ) = (setting.read_capacity_override, definition.billing)
    {
        definition.billing = BillingMode::Provisioned {
            read_capacity_units: read,
            write_capacity_units,
        };
    }
    engine.in_region(region, |engine| {
        if let Some(stream) = definition.stream.take() {
            definition.stream = Some(engine.streams.unique(stream));
        }
        engine
            .tables
            .insert(name.to_owned(), Table::new(definition.clone()));
        engine.record_table(&definition);
        crate::write::load_items(engine, name, items).expect("the source's items are keyed");
        crate::stream::sync(engine);
    });
}

/// Removes the replica of `name` in the current region (ReplicaUpdates' Delete).
fn drop_replica(engine: &mut Engine, name: &str) {
    let Some(removed) = engine.tables.remove(name) else {
        return;
    };
    engine.pitr.remove(name);
    let region = engine.config.region.clone();
    engine
        .regions
        .in_flight
        .retain(|r| !(r.to == region && r.table == name));
    engine
        .regions
        .stamps
        .retain(|(r, t, _), _| !(*r == region && t == name));
    let delay = engine.config.control_plane_millis;
    if delay > 0 {
        let now = engine.now_millis();
        engine
            .deleting
            .insert(name.to_owned(), (removed, now + delay));
    }
    let table = engine.log.stored_name(name);
    engine.record(|| crate::persist::Change::DeleteTable { table });
    crate::stream::sync(engine);
}

// ---- Dynoscope_SetRegionAvailability, Dynoscope_DescribeRegions ----

/// `Dynoscope_DescribeRegions`: every region known (the home region, every region that
/// holds state or is down), its tables, whether it is available, and the replications on
/// their way to it.
pub(crate) fn describe_regions(engine: &Engine) -> Value {
    let current = &engine.config.region;
    let mut names: BTreeSet<&String> = engine.regions.others.keys().collect();
    names.insert(current);
    names.insert(&engine.regions.home);
    names.extend(engine.regions.down.iter());
    let regions: Vec<Value> = names
        .into_iter()
        .map(|region| {
            let tables: Vec<&String> = if region == current {
                engine.tables.keys().collect()
            } else {
                (engine.regions.others.get(region))
                    .map(|s| s.table_names().collect())
                    .unwrap_or_default()
            };
            let in_flight: Vec<Value> = (engine.regions.in_flight.iter())
                .filter(|r| &r.to == region)
                .map(|r| {
                    json!({
                        "TableName": r.table,
                        "FromRegion": r.stamp.region,
                        "Operation": if r.item.is_some() { "PUT" } else { "DELETE" },
                        "Item": r.item.as_ref().map(image),
                        "WrittenAtMillis": r.stamp.at_millis,
                        "DueAtMillis": r.due_millis,
                    })
                })
                .collect();
            json!({
                "RegionName": region,
                "Home": *region == engine.regions.home,
                "Available": !engine.regions.down.contains(region),
                "Tables": tables,
                "InFlight": in_flight,
            })
        })
        .collect();
    json!({"NowMillis": engine.now_millis(), "Regions": regions})
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
