//! The engine: every table, the virtual clock, the seeded generator and the log of durable
//! changes, behind the one entry point [`Engine::dispatch`].

use std::collections::BTreeMap;

use crate::clock::VirtualClock;
use crate::dispatch;
use crate::error::DynamoError;
use crate::partition::WriteTiming;
use crate::persist::{Change, Snapshot, StoredRecord, Unreadable, table_name_of};
use crate::replica::Consistency;
use crate::rng::SeededRng;
use crate::simulation::SimulationSettings;
use crate::table::{Table, TableDefinition};
use crate::value::{Item, item_from_json, item_to_json};

/// A stored item as restoring reads it: its index in the snapshot, the name it is stored
/// under, its table's name and its text.
type StoredItem<'a> = (usize, &'a String, &'a str, &'a String);

/// One region's stored records: table definitions and items.
#[cfg(feature = "extras")]
type RegionRecords<'a> = (Vec<TableDefinition>, Vec<StoredItem<'a>>);

/// How an engine starts. Everything that would otherwise be ambient (time, randomness,
/// account and region) is given here.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub region: String,
    pub account_id: String,
    /// Seed of the engine's only random generator.
    pub seed: u64,
    /// The virtual clock's starting time, milliseconds since the Unix epoch.
    pub start_millis: u64,
    /// Record [`Change`]s for a persistence layer to drain. Off when nothing stores them.
    pub record_changes: bool,
    /// How long a table stays CREATING or UPDATING and a new index CREATING, in virtual
    /// milliseconds (0: ACTIVE at once; the responses still say CREATING or UPDATING).
    pub control_plane_millis: u64,
    /// How the virtual clock moves: stepped (the default, for tests) or following the host.
    pub clock_mode: crate::clock::ClockMode,
    /// The simulation's global settings (default: off, a single up-to-date copy).
    pub simulation: SimulationSettings,
    /// Keep the event history the UI tells (`Dynoscope_GetEvents`).
    pub record_events: bool,
    /// Keep the activity log of requests served (`Dynoscope_GetActivity`).
    pub record_activity: bool,
    /// How long a write transaction holds its items after it is served, in virtual
    /// milliseconds (0: no holds; see the `holds` module, `extras` only).
    pub transaction_millis: u64,
}

impl EngineConfig {
    /// The engine as the browser page runs it: recording changes for its store, on the
    /// host's clock from `start_millis`, with the playground's simulation, the event history
    /// and the activity log on. Both builds of the page's engine start from it.
    pub fn browser(start_millis: u64) -> Self {
        EngineConfig {
            record_changes: true,
            start_millis,
            clock_mode: crate::clock::ClockMode::RealTime { speed: 1.0 },
            // The playground shows replication lag, index propagation and splits.
            simulation: SimulationSettings::playground(),
            record_events: true,
            record_activity: true,
            ..EngineConfig::default()
        }
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            region: "us-east-1".into(),
            account_id: "000000000000".into(),
            seed: 0x00D1_7A05_C09E,
            start_millis: 0,
            record_changes: false,
            control_plane_millis: 0,
            clock_mode: crate::clock::ClockMode::Stepped,
            simulation: SimulationSettings::off(),
            record_events: false,
            record_activity: false,
            transaction_millis: 0,
        }
    }
}

/// A DynamoDB engine. Not thread-safe by itself: front ends that serve many clients hold it
/// behind a lock.
#[derive(Debug)]
pub struct Engine {
    pub(crate) config: EngineConfig,
    pub(crate) clock: VirtualClock,
    pub(crate) rng: SeededRng,
    pub(crate) tables: BTreeMap<String, Table>,
    pub(crate) log: ChangeLog,
    /// ClientRequestTokens of recent write transactions, for idempotent replays.
    pub(crate) transaction_tokens: std::collections::HashMap<String, crate::tokens::TokenRecord>,
    /// Per-table simulation settings that override `config.simulation`.
    pub(crate) table_simulation: BTreeMap<String, SimulationSettings>,
    /// DynamoDB Streams: every stream, its shards and records (kept with the history).
    pub(crate) streams: crate::stream::Streams,
    /// What happened inside the simulated cluster, for the UI to tell.
    pub(crate) events: crate::events::EventLog,
    /// Every request served, whoever sent it.
    pub(crate) activity: crate::activity::ActivityLog,
    /// Throughput: every table's token buckets, metrics and cost totals (not persisted).
    pub(crate) capacity: crate::throughput::Capacity,
    /// Tables being deleted (with a control-plane delay), and when they are gone.
    pub(crate) deleting: BTreeMap<String, (Table, u64)>,
    /// Which availability zones are down.
    pub(crate) zones: crate::zones::Zones,
    /// On-demand backups by ARN (persisted as settings).
    #[cfg(feature = "extras")]
    pub(crate) backups: BTreeMap<String, crate::backup::Backup>,
    /// Point-in-time recovery history of each table with recovery enabled (not persisted:
    /// a reload starts it again).
    #[cfg(feature = "extras")]
    pub(crate) pitr: BTreeMap<String, crate::pitr::PitrLog>,
    /// Exports and imports: their descriptions and the work a front end has yet to take.
    #[cfg(feature = "extras")]
    pub(crate) exchange: crate::ops::exchange::Jobs,
    /// The items write transactions hold on the virtual clock.
    #[cfg(feature = "extras")]
    pub(crate) holds: crate::holds::Holds,
    /// IAM principals and their policies (persisted as settings).
    #[cfg(feature = "extras")]
    pub(crate) principals: crate::iam::Principals,
    /// The simulated DAX cluster: its caches and counters (not persisted).
    #[cfg(feature = "extras")]
    pub(crate) dax: crate::dax::Dax,
    /// Global tables: the regions other than the current one, and the replication between
    /// them (`regions` module).
    #[cfg(feature = "extras")]
    pub(crate) regions: crate::regions::Regions,
    /// Stream triggers: event source mappings, their positions, the invocations out and
    /// the on-failure queues (`triggers` module; mappings and queues persisted as settings).
    #[cfg(feature = "extras")]
    pub(crate) triggers: crate::triggers::Triggers,
}

/// The durable changes recorded since a front end last took them. A separate field of the
/// engine so a handler can record while it reads the tables.
#[derive(Debug, Default)]
pub(crate) struct ChangeLog {
    enabled: bool,
    changes: Vec<Change>,
    /// The stream journal's entries recorded since the history was last saved.
    #[cfg(feature = "extras")]
    pub(crate) journaled: Vec<String>,
    /// The region recorded changes belong to, when it is not the home region: their tables
    /// are named `<region>/<name>` (`regions` module).
    #[cfg(feature = "extras")]
    pub(crate) region: Option<String>,
}

impl ChangeLog {
    pub(crate) fn is_enabled(&self) -> bool {
        self.enabled
    }

    pub(crate) fn record(&mut self, change: impl FnOnce() -> Change) {
        if self.enabled {
            self.changes.push(change());
        }
    }

    /// Records a stream journal entry ([`crate::stream`]'s journal), remembering its name.
    #[cfg(feature = "extras")]
    pub(crate) fn journal(&mut self, entry: impl FnOnce() -> Change) {
        // Another region's stream records are not journaled: their sequence numbers are
        // that region's own and would collide with the home region's entries.
        if self.enabled && self.region.is_none() {
            let entry = entry();
            if let Change::PutSetting { name, .. } = &entry {
                self.journaled.push(name.clone());
            }
            self.changes.push(entry);
        }
    }

    /// The name a table's records are stored under: its own, or `<region>/<name>` in a
    /// region other than the home region (table names cannot hold '/').
    pub(crate) fn stored_name(&self, table: &str) -> String {
        #[cfg(feature = "extras")]
        if let Some(region) = &self.region {
            return format!("{region}/{table}");
        }
        table.to_owned()
    }

    /// Records a table's definition as its persisted state (in another region than the
    /// home region, the definition names its region).
    pub(crate) fn table(&mut self, definition: &TableDefinition) {
        if !self.enabled {
            return;
        }
        #[cfg(feature = "extras")]
        if let Some(region) = &self.region {
            let mut definition = definition.clone();
            definition.region = Some(region.clone());
            let state =
                serde_json::to_string(&definition).expect("a table definition always serialises");
            let table = self.stored_name(&definition.name);
            self.changes.push(Change::PutTable { table, state });
            return;
        }
        self.record(|| Change::PutTable {
            table: definition.name.clone(),
            state: serde_json::to_string(definition).expect("a table definition always serialises"),
        });
    }

    /// Records an item write under its table and stable key text.
    pub(crate) fn put(&mut self, table: &str, key_item: &Item, item: &Item) {
        if self.enabled {
            let table = self.stored_name(table);
            self.changes.push(Change::PutItem {
                table,
                key: item_to_json(key_item),
                item: item_to_json(item),
            });
        }
    }

    pub(crate) fn delete(&mut self, table: &str, key_item: &Item) {
        if self.enabled {
            let table = self.stored_name(table);
            self.changes.push(Change::DeleteItem {
                table,
                key: item_to_json(key_item),
            });
        }
    }
}

impl Engine {
    pub fn new(config: EngineConfig) -> Self {
        Engine {
            clock: {
                let mut clock = VirtualClock::starting_at(config.start_millis);
                clock.set_mode(config.clock_mode);
                clock
            },
            rng: SeededRng::new(config.seed),
            tables: BTreeMap::new(),
            log: ChangeLog {
                enabled: config.record_changes,
                ..ChangeLog::default()
            },
            transaction_tokens: Default::default(),
            table_simulation: BTreeMap::new(),
            events: crate::events::EventLog::new(config.record_events),
            activity: crate::activity::ActivityLog::new(config.record_activity),
            deleting: BTreeMap::new(),
            zones: Default::default(),
            #[cfg(feature = "extras")]
            backups: BTreeMap::new(),
            #[cfg(feature = "extras")]
            pitr: BTreeMap::new(),
            streams: Default::default(),
            capacity: Default::default(),
            #[cfg(feature = "extras")]
            exchange: Default::default(),
            #[cfg(feature = "extras")]
            holds: Default::default(),
            #[cfg(feature = "extras")]
            principals: Default::default(),
            #[cfg(feature = "extras")]
            dax: Default::default(),
            #[cfg(feature = "extras")]
            regions: crate::regions::Regions::new(&config.region),
            #[cfg(feature = "extras")]
            triggers: Default::default(),
            config,
        }
    }

    /// Serves one DynamoDB request: `operation` is the name after the target prefix
    /// (`PutItem`), `request` the JSON body. Returns the JSON response body.
    pub fn dispatch(&mut self, operation: &str, request: &[u8]) -> Result<Vec<u8>, DynamoError> {
        self.dispatch_from(crate::activity::DEFAULT_SOURCE, operation, request)
    }

    /// [`Engine::dispatch`] for a named sender (`ui`, `console`, `api`...), which the
    /// activity log records with the request.
    pub fn dispatch_from(
        &mut self,
        source: &str,
        operation: &str,
        request: &[u8],
    ) -> Result<Vec<u8>, DynamoError> {
        #[cfg(feature = "extras")]
        self.return_home();
        self.run_due();
        self.logged(source, operation, request, |engine| {
            dispatch::dispatch(engine, operation, request)
        })
    }

    /// [`Engine::dispatch_from`] sent as `options` say: to a region, through DAX (which
    /// serves the home region only), as a principal.
    #[cfg(feature = "extras")]
    pub fn dispatch_with(
        &mut self,
        source: &str,
        options: &crate::contract::RequestOptions,
        operation: &str,
        request: &[u8],
    ) -> Result<Vec<u8>, DynamoError> {
        let key = options.access_key_id.as_deref();
        match options.via {
            Some(crate::contract::Via::Dax) => {
                if let Some(region) = options.region.as_deref().filter(|r| !r.is_empty())
                    && region != self.regions.home
                {
                    return Err(DynamoError::validation(format!(
                        "The DAX cluster serves the home region {} only, not {region}",
                        self.regions.home
                    )));
                }
                self.dispatch_via_dax(source, key, operation, request)
            }
            None => self.dispatch_in(source, options.region.as_deref(), key, operation, request),
        }
    }

    /// Runs `serve` for one request, recording it in the activity log when the log keeps it.
    pub(crate) fn logged(
        &mut self,
        source: &str,
        operation: &str,
        request: &[u8],
        serve: impl FnOnce(&mut Engine) -> Result<Vec<u8>, DynamoError>,
    ) -> Result<Vec<u8>, DynamoError> {
        if !self.activity.is_enabled() || !crate::activity::is_logged(operation) {
            return serve(self);
        }
        let consumed_before = self.capacity.consumed();
        let result = serve(self);
        let consumed = self.capacity.consumed();
        let (outcome, message) = match &result {
            Ok(_) => ("OK".to_owned(), None),
            Err(e) => (e.kind.name().to_owned(), Some(e.message.clone())),
        };
        self.activity.record(crate::contract::ActivityEntry {
            sequence: 0,
            at_millis: self.clock.now_millis(),
            source: source.to_owned(),
            operation: operation.to_owned(),
            table_names: crate::activity::table_names(request),
            outcome,
            message,
            read_capacity_units: consumed.0 - consumed_before.0,
            write_capacity_units: consumed.1 - consumed_before.1,
        });
        result
    }

    /// Brings everything that happens on the clock up to now: index changes that have
    /// propagated land, and the TTL sweeper deletes items whose expiry (plus the
    /// simulation's delay) has passed.
    pub fn run_due(&mut self) {
        let now = self.clock.now_millis();
        self.deleting.retain(|_, (_, gone_at)| now < *gone_at);
        if self.zones.any_down() {
            crate::zones::elect_leaders(self, now);
        }
        let mut expired = Vec::new();
        for (name, table) in &mut self.tables {
            table.catch_up(now);
            let delay = self
                .table_simulation
                .get(name)
                .copied()
                .unwrap_or(self.config.simulation)
                .ttl_delete_delay_millis;
            expired.extend(
                table
                    .take_expired(now, delay)
                    .into_iter()
                    .map(|key| (name.clone(), key)),
            );
        }
        for (table, key) in expired {
            crate::write::commit_ttl_delete(self, &table, key);
        }
        #[cfg(feature = "extras")]
        crate::regions::deliver_due(self);
        #[cfg(feature = "extras")]
        crate::triggers::deliver_due(self);
    }

    /// The simulation settings in force for `table`.
    pub fn simulation_for(&self, table: &str) -> SimulationSettings {
        self.table_simulation
            .get(table)
            .copied()
            .unwrap_or(self.config.simulation)
    }

    /// How a read of the given consistency is served now: strongly consistent reads from the
    /// leader, eventually consistent ones from a replica drawn per partition.
    pub(crate) fn consistency(&mut self, consistent: bool) -> Consistency {
        if consistent {
            Consistency::Strong
        } else {
            Consistency::Eventual {
                seed: self.rng.next_u64(),
                now: self.clock.now_millis(),
                up: self.zones.up(),
            }
        }
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    pub fn now_millis(&self) -> u64 {
        self.clock.now_millis()
    }

    /// Moves the virtual clock forward to `millis` (never backwards).
    pub fn advance_clock_to(&mut self, millis: u64) {
        self.clock.advance_to(millis);
    }

    /// A front end reports the host's time before a request: a real-time clock follows it,
    /// a stepped clock ignores it.
    pub fn observe_host_time(&mut self, host_millis: u64) {
        self.clock.observe_host(host_millis);
    }

    pub fn clock(&self) -> &VirtualClock {
        &self.clock
    }

    pub fn set_clock_mode(&mut self, mode: crate::clock::ClockMode) {
        self.clock.set_mode(mode);
    }

    pub fn advance_clock_by(&mut self, millis: u64) {
        self.clock.advance_by(millis);
    }

    /// The changes that write everything the engine holds durably (tables, items, its own
    /// settings) into an empty store: what a whole-database export holds, and what a store
    /// is rewritten with after its unreadable records were skipped. Changes recorded but not
    /// yet taken stay where they are.
    pub fn stored_state(&mut self) -> Vec<Change> {
        let pending = std::mem::take(&mut self.log.changes);
        let enabled = std::mem::replace(&mut self.log.enabled, true);
        let definitions: Vec<TableDefinition> =
            self.tables.values().map(|t| t.definition.clone()).collect();
        for definition in &definitions {
            self.record_table(definition);
        }
        self.record_simulation(None);
        let overridden: Vec<String> = self.table_simulation.keys().cloned().collect();
        for table in &overridden {
            self.record_simulation(Some(table));
        }
        self.record_zones();
        self.record_clock();
        self.record_engine_settings();
        #[cfg(feature = "extras")]
        self.record_backups();
        #[cfg(feature = "extras")]
        self.record_exchange();
        #[cfg(feature = "extras")]
        self.record_triggers();
        #[cfg(feature = "extras")]
        for principal in self.principals.list().cloned().collect::<Vec<_>>() {
            self.record_principal(&principal.access_key_id, Some(&principal));
        }
        self.record_items();
        #[cfg(feature = "extras")]
        for region in self.other_regions() {
            self.in_region(&region, |engine| {
                let definitions: Vec<TableDefinition> = engine
                    .tables
                    .values()
                    .map(|t| t.definition.clone())
                    .collect();
                for definition in &definitions {
                    engine.record_table(definition);
                }
                engine.record_items();
            });
        }
        #[cfg(feature = "extras")]
        self.record_in_flight();
        self.log.enabled = enabled;
        std::mem::replace(&mut self.log.changes, pending)
    }

    /// Records every item of the current region's tables.
    fn record_items(&mut self) {
        for (name, table) in &self.tables {
            for (position, item) in table.items().walk(0, None) {
                let key_item = table.key_schema().key_item(&position.key);
                self.log.put(name, &key_item, item);
            }
        }
    }

    /// The changes recorded since the last call, oldest first.
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.log.changes)
    }

    pub(crate) fn record(&mut self, change: impl FnOnce() -> Change) {
        self.log.record(change);
    }

    pub(crate) fn record_table(&mut self, definition: &TableDefinition) {
        self.log.table(definition);
    }

    /// Records the simulation settings in force engine-wide, or for `table`.
    pub(crate) fn record_simulation(&mut self, table: Option<&str>) {
        let (name, settings) = match table {
            Some(t) => (
                format!("simulation:{t}"),
                self.table_simulation.get(t).copied(),
            ),
            None => ("simulation".to_owned(), Some(self.config.simulation)),
        };
        let value = settings.map(|s| serde_json::to_string(&s).expect("settings serialise"));
        self.record(|| Change::PutSetting { name, value });
    }

    /// Records which availability zones are down (the home region's only: another
    /// region's zones are not kept).
    pub(crate) fn record_zones(&mut self) {
        #[cfg(feature = "extras")]
        if !self.at_home() {
            return;
        }
        let value = serde_json::to_string(&self.zones).expect("zones serialise");
        self.record(|| Change::PutSetting {
            name: "zones".into(),
            value: Some(value),
        });
    }

    /// Records the engine-wide simulation settings: the control-plane delay and the seed.
    pub(crate) fn record_engine_settings(&mut self) {
        let value = serde_json::json!({
            "ControlPlaneMillis": self.config.control_plane_millis,
            "Seed": self.config.seed,
            "TransactionMillis": self.config.transaction_millis,
        })
        .to_string();
        self.record(|| Change::PutSetting {
            name: "engine".into(),
            value: Some(value),
        });
    }

    /// Records every backup (each as its own setting).
    #[cfg(feature = "extras")]
    fn record_backups(&mut self) {
        let backups: Vec<(String, String)> = (self.backups.values())
            .map(|b| (b.setting_name(), b.to_setting()))
            .collect();
        for (name, value) in backups {
            self.record(|| Change::PutSetting {
                name,
                value: Some(value),
            });
        }
    }

    /// Records the clock's mode and time.
    pub(crate) fn record_clock(&mut self) {
        let speed = match self.clock.mode() {
            crate::clock::ClockMode::Stepped => None,
            crate::clock::ClockMode::RealTime { speed } => Some(speed),
        };
        let value =
            serde_json::json!({"NowMillis": self.clock.now_millis(), "Speed": speed}).to_string();
        self.record(|| Change::PutSetting {
            name: "clock".into(),
            value: Some(value),
        });
    }

    /// Applies one stored setting; unreadable ones are skipped (a newer build may have
    /// written them).
    fn restore_setting(&mut self, name: &str, value: &str) {
        if name == crate::history::SETTING {
            return;
        }
        // Replications in flight are read after the tables (`restore_in_flight`).
        #[cfg(feature = "extras")]
        if name.starts_with(crate::regions::SETTING_PREFIX) {
            return;
        }
        #[cfg(feature = "extras")]
        if name == crate::ops::exchange::SETTING {
            return self.restore_exchange(value);
        }
        #[cfg(feature = "extras")]
        if name.starts_with(crate::iam::SETTING_PREFIX) {
            return self.restore_principal(value);
        }
        #[cfg(feature = "extras")]
        if name.starts_with(crate::triggers::SETTING_PREFIX) {
            return self.restore_trigger(name, value);
        }
        #[cfg(feature = "extras")]
        if name.starts_with(crate::backup::SETTING_PREFIX) {
            if let Some(backup) = crate::backup::Backup::from_setting(value) {
                self.backups.insert(backup.arn.clone(), backup);
            }
            return;
        }
        if name == "zones" {
            if let Ok(zones) = serde_json::from_slice(value.as_bytes()) {
                self.zones = zones;
            }
            return;
        }
        if name == "engine" {
            let Ok(engine) = serde_json::from_slice::<serde_json::Value>(value.as_bytes()) else {
                return;
            };
            if let Some(millis) = engine["ControlPlaneMillis"].as_u64() {
                self.config.control_plane_millis = millis;
            }
            if let Some(millis) = engine["TransactionMillis"].as_u64() {
                self.config.transaction_millis = millis;
            }
            if let Some(seed) = engine["Seed"].as_u64() {
                self.config.seed = seed;
                self.rng = crate::rng::SeededRng::new(seed);
            }
            return;
        }
        if name == "clock" {
            let Ok(clock) = serde_json::from_slice::<serde_json::Value>(value.as_bytes()) else {
                return;
            };
            let now = clock["NowMillis"].as_u64();
            match clock["Speed"].as_f64() {
                // A running clock carries on from the later of its stored time and now.
                Some(speed) => {
                    self.clock
                        .set_mode(crate::clock::ClockMode::RealTime { speed });
                    self.clock.advance_to(now.unwrap_or(0));
                }
                // A paused clock resumes exactly where it was paused.
                None => {
                    self.clock.set_mode(crate::clock::ClockMode::Stepped);
                    if let Some(now) = now {
                        self.clock.restore_to(now);
                    }
                }
            }
            return;
        }
        let Ok(settings) = serde_json::from_slice::<SimulationSettings>(value.as_bytes()) else {
            return;
        };
        match name.strip_prefix("simulation:") {
            Some(table) => {
                self.table_simulation.insert(table.to_owned(), settings);
            }
            None if name == "simulation" => self.config.simulation = settings,
            None => {}
        }
    }

    /// Rebuilds state from a store's snapshot, replacing whatever the engine holds. Records
    /// no changes: the store already has them. Fails on the first record it cannot read
    /// (what an import wants); [`Engine::restore_readable`] skips such records instead.
    pub fn restore(&mut self, snapshot: &Snapshot) -> Result<(), DynamoError> {
        match self.restore_readable(snapshot).into_iter().next() {
            None => Ok(()),
            Some(unreadable) => Err(DynamoError::new(
                crate::ErrorKind::InternalFailure,
                format!("the stored data could not be restored: {unreadable}"),
            )),
        }
    }

    /// Rebuilds state from what of `snapshot` it can read, and names every record it could
    /// not: a table definition that does not parse, an item that is not DynamoDB JSON or
    /// lacks its table's key, an item whose table is not stored. A store damaged by an older
    /// version or by two tabs writing at once still opens, and the user decides what to do
    /// with the rest ([`Snapshot::without`]).
    pub fn restore_readable(&mut self, snapshot: &Snapshot) -> Vec<Unreadable> {
        let mut unreadable = Vec::new();
        #[cfg(feature = "extras")]
        {
            self.return_home();
            self.regions = crate::regions::Regions::new(&self.config.region);
            self.triggers = Default::default();
        }
        self.tables.clear();
        for (name, value) in &snapshot.settings {
            self.restore_setting(name, value);
        }
        // The home region's definitions and items, and (extras) each other region's.
        let mut home = Vec::new();
        #[cfg(feature = "extras")]
        let mut others: BTreeMap<String, RegionRecords> = BTreeMap::new();
        for (index, state) in snapshot.tables.iter().enumerate() {
            match serde_json::from_slice::<TableDefinition>(state.as_bytes()) {
                #[cfg(feature = "extras")]
                Ok(mut definition) => match definition.region.take() {
                    Some(region) => others.entry(region).or_default().0.push(definition),
                    None => home.push(definition),
                },
                #[cfg(not(feature = "extras"))]
                Ok(definition) => home.push(definition),
                Err(e) => unreadable.push(Unreadable {
                    record: StoredRecord::Table(index),
                    table: table_name_of(state),
                    reason: format!("the table's definition is unreadable: {e}"),
                }),
            }
        }
        let items = snapshot.items.iter().enumerate();
        let items = items.map(|(index, (stored, text))| (index, stored, stored.as_str(), text));
        #[cfg(feature = "extras")]
        let mut home_items = Vec::new();
        #[cfg(feature = "extras")]
        for (index, stored, _, text) in items {
            match stored.split_once('/') {
                Some((region, name)) => {
                    let records = others.entry(region.to_owned()).or_default();
                    records.1.push((index, stored, name, text));
                }
                None => home_items.push((index, stored, stored.as_str(), text)),
            }
        }
        #[cfg(feature = "extras")]
        let items = home_items;
        self.restore_tables(home, items, &mut unreadable);
        #[cfg(feature = "extras")]
        for (region, (definitions, items)) in others {
            self.in_region(&region, |e| {
                e.restore_tables(definitions, items, &mut unreadable)
            });
        }
        #[cfg(feature = "extras")]
        self.restore_in_flight(&snapshot.settings);
        let history = snapshot.settings.iter();
        if let Some((_, text)) = history.rev().find(|(n, _)| n == crate::history::SETTING) {
            self.restore_history(text);
        }
        #[cfg(feature = "extras")]
        self.replay_stream_journal(&snapshot.settings);
        unreadable
    }

    /// Puts a region's stored tables and items back (the current region's).
    fn restore_tables<'a>(
        &mut self,
        definitions: Vec<TableDefinition>,
        items: impl IntoIterator<Item = StoredItem<'a>>,
        unreadable: &mut Vec<Unreadable>,
    ) {
        for definition in definitions {
            self.tables
                .insert(definition.name.clone(), Table::new(definition));
        }
        for (index, stored_name, table_name, text) in items {
            let problem = |reason: String| Unreadable {
                record: StoredRecord::Item(index),
                table: stored_name.clone(),
                reason,
            };
            let Some(table) = self.tables.get_mut(table_name) else {
                unreadable.push(problem("its table is not stored".to_owned()));
                continue;
            };
            let keyed = item_from_json(text).and_then(|item| {
                let key = table.key_schema().key_of_item(&item)?;
                Ok((key, item))
            });
            match keyed {
                Ok((key, item)) => {
                    table.write(
                        key,
                        Some(item),
                        &WriteTiming::immediate(self.clock.now_millis()),
                    );
                }
                Err(e) => unreadable.push(problem(e.message)),
            }
        }
        let now = self.clock.now_millis();
        for (name, table) in &mut self.tables {
            #[cfg(feature = "extras")]
            if table.definition.point_in_time_recovery.is_some() {
                self.pitr
                    .insert(name.clone(), crate::pitr::PitrLog::starting_at(now));
            }
            table.rebuild_expiries();
            // Partitions are not stored: a restored table splits again as its size asks.
            let limit = self
                .table_simulation
                .get(name)
                .copied()
                .unwrap_or(self.config.simulation)
                .partition_size_limit_bytes;
            table.split_oversized(limit, now);
        }
    }

    /// Table names, in order.
    pub fn table_names(&self) -> impl Iterator<Item = &str> {
        self.tables.keys().map(String::as_str)
    }

    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }
}
