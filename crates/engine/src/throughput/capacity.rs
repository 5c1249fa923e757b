//! The engine's throughput simulation: every table's capacity and metrics. Demands are
//! checked, taken or counted as refused here; the seconds that end are written to the
//! metrics with the gauges they ended with, and the cost estimate reads the usage.

use std::collections::BTreeMap;

use super::{
    BURST_SECONDS, Demand, Direction, Group, Refusal, TableCapacity, Target, throttled_error,
};
use crate::contract::{CapacityMode, PartitionThroughput, ThroughputSide};
use crate::error::DynamoError;
use crate::metrics::{Gauges, Resource, TableMetrics};
use crate::table::{BillingMode, Table};

/// Everything the engine keeps per table: capacity and metrics.
#[derive(Debug)]
pub struct TableState {
    pub capacity: TableCapacity,
    pub metrics: TableMetrics,
}

/// The capacity and metrics of every table: the engine's throughput simulation.
#[derive(Debug, Default)]
pub struct Capacity {
    tables: BTreeMap<String, TableState>,
    /// Read and write units taken since the engine started, every table together: the
    /// activity log reads what one request consumed as the difference.
    consumed: (f64, f64),
}

/// The gauges of a table, a global index or a partition, as of now.
fn gauges(table: &Table, group: &Group, resource: &Resource, at: u64) -> Gauges {
    let (provisioned_read, provisioned_write) = group.provisioned();
    let mut gauges = Gauges {
        provisioned_read,
        provisioned_write,
        ..Default::default()
    };
    match resource {
        Resource::Table => {
            gauges.burst_read = group.burst(Direction::Read);
            gauges.burst_write = group.burst(Direction::Write);
            gauges.item_count = table.item_count();
            gauges.size_bytes = table.size_bytes();
            gauges.lagging_writes = table
                .partitions()
                .iter()
                .map(|p| p.replicas.lagging_writes(at) as u64)
                .sum();
            gauges.index_backlog = table
                .indexes()
                .iter()
                .map(|i| i.pending_changes() as u64)
                .sum();
        }
        Resource::Index(name) => {
            gauges.burst_read = group.burst(Direction::Read);
            gauges.burst_write = group.burst(Direction::Write);
            if let Some(index) = table.index(name) {
                gauges.item_count = index.entries.item_count();
                gauges.size_bytes = index.entries.size_bytes();
                gauges.index_backlog = index.pending_changes() as u64;
            }
        }
        Resource::Partition(id) => {
            let n = group.partitions.len().max(1) as f64;
            gauges.provisioned_read = provisioned_read / n;
            gauges.provisioned_write = provisioned_write / n;
            if let Some(p) = group.partitions.get(id) {
                gauges.provisioned_read = p.read.rate;
                gauges.provisioned_write = p.write.rate;
                gauges.burst_read = p.read.burst;
                gauges.burst_write = p.write.burst;
            }
            if let Some(p) = table.partitions().iter().find(|p| p.id == *id) {
                gauges.item_count = p.item_count() as u64;
                gauges.size_bytes = p.size_bytes();
                gauges.lagging_writes = p.replicas.lagging_writes(at) as u64;
            }
        }
    }
    gauges
}

/// Bytes DynamoDB bills as storage: items and index entries, each with 100 bytes of
/// overhead.
pub fn billable_bytes(table: &Table) -> u64 {
    const OVERHEAD: u64 = 100;
    let items = table.size_bytes() + OVERHEAD * table.item_count();
    let entries: u64 = table
        .indexes()
        .iter()
        .map(|i| i.entries.size_bytes() + OVERHEAD * i.entries.item_count())
        .sum();
    items + entries
}

impl TableState {
    fn new(table: &Table, now: u64) -> Self {
        let capacity = TableCapacity::new(table);
        let mut metrics = TableMetrics::new(table.definition.created_at_millis.min(now));
        metrics.totals.provisioned = capacity.provisioned_total();
        TableState { capacity, metrics }
    }

    /// Brings a group's second and one of its partitions up to `now`, writing the seconds
    /// that ended to the metrics with the gauges they ended with.
    fn advance(&mut self, table: &Table, target: Target, partition: u32, now: u64) {
        let Some(group) = self.capacity.group_mut(target) else {
            return;
        };
        let (group_ended, partition_ended) = group.advance(partition, now);
        if group_ended.is_none() && partition_ended.is_none() {
            return;
        }
        let group = self.capacity.group(target).expect("found above");
        let resource = match target {
            Target::Table => Resource::Table,
            Target::Index(_) => Resource::Index(group.index.clone().unwrap_or_default()),
        };
        if let Some(ended) = group_ended {
            let at = (ended.second + 1) * 1000;
            self.metrics
                .record(&resource, &ended, gauges(table, group, &resource, at));
            self.metrics.totals.add(&ended);
            if target == Target::Table {
                self.metrics
                    .totals
                    .integrate_storage(billable_bytes(table), at);
            }
        }
        if let (Some(ended), Target::Table) = (partition_ended, target) {
            let resource = Resource::Partition(partition);
            let at = (ended.second + 1) * 1000;
            self.metrics
                .record(&resource, &ended, gauges(table, group, &resource, at));
        }
    }

    /// Brings every bucket `demands` touch up to `now`.
    fn advance_all(&mut self, table: &Table, demands: &[Demand], now: u64) {
        for d in demands {
            self.advance(table, d.target, d.partition, now);
        }
    }

    /// [`Capacity::check`] on this table's state (which it advances to `now`).
    fn check(
        &mut self,
        table: &Table,
        now: u64,
        enforce: bool,
        demands: &[Demand],
    ) -> Vec<(usize, Refusal)> {
        self.advance_all(table, demands, now);
        if !enforce {
            return Vec::new();
        }
        let capacity = &self.capacity;
        let mut refused = Vec::new();
        for (i, d) in demands.iter().enumerate().filter(|(_, d)| d.units > 0.0) {
            let Some(group) = capacity.group(d.target) else {
                continue;
            };
            let same_group = |e: &&Demand| e.target == d.target && e.direction == d.direction;
            let group_units: f64 = demands.iter().filter(same_group).map(|e| e.units).sum();
            let bucket_units: f64 = demands
                .iter()
                .filter(same_group)
                .filter(|e| e.partition == d.partition)
                .map(|e| e.units)
                .sum();
            if let Some(limit) =
                group.refusal(d.partition, d.direction, bucket_units, group_units, now)
            {
                let refusal = Refusal {
                    direction: d.direction,
                    limit,
                    index: group.index.clone(),
                    on_demand: group.is_on_demand(),
                    resource: group.arn.clone(),
                };
                refused.push((i, refusal));
            }
        }
        refused
    }

    /// Takes `demands` from buckets already brought up to `now`.
    fn take_advanced(&mut self, now: u64, enforce: bool, demands: &[Demand]) {
        for d in demands.iter().filter(|d| d.units > 0.0) {
            if let Some(group) = self.capacity.group_mut(d.target) {
                group.take(d.partition, d.direction, d.units, enforce, now);
            }
        }
    }

    /// [`Capacity::refused`] on this table's state.
    fn refused(&mut self, now: u64, demands: &[Demand], refusals: &[(usize, Refusal)]) {
        if let Some((i, _)) = refusals.first() {
            self.capacity
                .table
                .window
                .count_throttle(demands[*i].direction);
        }
        for (i, refusal) in refusals {
            let d = demands[*i];
            if let Some(group) = self.capacity.group_mut(d.target) {
                group.note_refusal(d.partition, d.direction, refusal.limit, now);
                if d.target != Target::Table {
                    group.window.count_throttle(d.direction);
                }
            }
        }
    }

    /// Follows the table if it changed: the provisioned capacity held so far is added up
    /// first, and partitions that went away leave their last busy second in the metrics.
    fn follow(&mut self, table: &Table, now: u64) {
        if self.capacity.matches(table) {
            return;
        }
        self.metrics.totals.integrate_provisioned(now);
        for (id, window) in self
            .capacity
            .reshape(table, now)
            .into_iter()
            .filter(|(_, w)| w.is_busy())
        {
            let resource = Resource::Partition(id);
            let gauges = gauges(table, &self.capacity.table, &resource, now);
            self.metrics.record(&resource, &window, gauges);
        }
        self.metrics.totals.provisioned = self.capacity.provisioned_total();
    }
}

impl Capacity {
    /// The state of `table`, created or brought in line with the table as it now is.
    pub fn state(&mut self, table: &Table, now: u64) -> &mut TableState {
        let name = &table.definition.name;
        if !self
            .tables
            .get(name)
            .is_some_and(|s| s.capacity.is_of(table))
        {
            self.tables
                .insert(name.clone(), TableState::new(table, now));
        }
        let state = self.tables.get_mut(name).expect("inserted above");
        state.follow(table, now);
        state
    }

    /// Puts back metrics saved before a reload for `table`, with the busiest second each
    /// group (the table's, or a global index's by name) had seen.
    pub fn restore_metrics(
        &mut self,
        table: &Table,
        now: u64,
        metrics: TableMetrics,
        busiest: &[(Option<String>, (f64, f64))],
    ) {
        let state = self.state(table, now);
        state.metrics = metrics;
        state.metrics.totals.provisioned = state.capacity.provisioned_total();
        let groups = std::iter::once(&mut state.capacity.table)
            .chain(state.capacity.indexes.iter_mut().flatten());
        for group in groups {
            if let Some((_, seen)) = busiest.iter().find(|(index, _)| *index == group.index) {
                group.busiest = *seen;
            }
        }
    }

    /// Forgets tables that no longer exist.
    pub fn retain(&mut self, exists: impl Fn(&str) -> bool) {
        self.tables.retain(|name, _| exists(name));
    }

    /// Checks `demands` against `table`'s capacity without taking anything: with `enforce`
    /// off never refuses. Demands on the same bucket are checked together. Returns the
    /// refused demands by position.
    pub fn check(
        &mut self,
        table: &Table,
        now: u64,
        enforce: bool,
        demands: &[Demand],
    ) -> Vec<(usize, Refusal)> {
        self.state(table, now).check(table, now, enforce, demands)
    }

    /// Takes `demands` (checked first when `enforce` is on).
    pub fn take(&mut self, table: &Table, now: u64, enforce: bool, demands: &[Demand]) {
        let state = self.state(table, now);
        for d in demands.iter().filter(|d| d.units > 0.0) {
            state.advance(table, d.target, d.partition, now);
        }
        state.take_advanced(now, enforce, demands);
        self.count_consumed(demands);
    }

    /// Read and write units taken since the engine started.
    pub fn consumed(&self) -> (f64, f64) {
        self.consumed
    }

    fn count_consumed(&mut self, demands: &[Demand]) {
        for d in demands {
            match d.direction {
                Direction::Read => self.consumed.0 += d.units,
                Direction::Write => self.consumed.1 += d.units,
            }
        }
    }

    /// Counts a refused request: once on the table, and on each refused partition or
    /// index; boosts partitions adaptive capacity should help.
    pub fn refused(
        &mut self,
        table: &Table,
        now: u64,
        demands: &[Demand],
        refusals: &[(usize, Refusal)],
    ) {
        self.state(table, now).refused(now, demands, refusals);
    }

    /// Admits one request's demands on one table, all or none; with `enforce` off only
    /// accounts them.
    pub fn admit(
        &mut self,
        table: &Table,
        now: u64,
        enforce: bool,
        demands: &[Demand],
    ) -> Result<(), DynamoError> {
        let state = self.state(table, now);
        let refusals = state.check(table, now, enforce, demands);
        if refusals.is_empty() {
            state.take_advanced(now, enforce, demands);
            self.count_consumed(demands);
            return Ok(());
        }
        state.refused(now, demands, &refusals);
        let refusals: Vec<Refusal> = refusals.into_iter().map(|(_, r)| r).collect();
        Err(throttled_error(&refusals))
    }

    /// Follows a split of `table`'s partitions (`Target::Table`) or of a global index's at
    /// once, so the next request needs no reshape: with splits for heat an index can split
    /// hundreds of times, and a reshape looks at every partition.
    pub fn follow_split(&mut self, table: &Table, target: Target, split: &crate::partition::Split) {
        let Some(state) = self
            .tables
            .get_mut(&table.definition.name)
            .filter(|s| s.capacity.is_of(table))
        else {
            return;
        };
        if let Some(group) = state.capacity.group_mut(target) {
            group.follow_split(split);
        }
    }

    /// The state of a table, if it has one.
    pub fn get(&self, name: &str) -> Option<&TableState> {
        self.tables.get(name)
    }

    /// Brings every second of `table` up to `now` (for metrics and estimates to read).
    pub fn flush(&mut self, table: &Table, now: u64) {
        let state = self.state(table, now);
        let partitions: Vec<u32> = state.capacity.table.partitions.keys().collect();
        for id in partitions {
            state.advance(table, Target::Table, id, now);
        }
        for (at, group) in state.capacity.indexes.clone().iter().enumerate() {
            let Some(group) = group else { continue };
            for id in group.partitions.keys() {
                state.advance(table, Target::Index(at), id, now);
            }
        }
        state.metrics.totals.integrate_provisioned(now);
        state
            .metrics
            .totals
            .integrate_storage(billable_bytes(table), now);
    }

    /// The second in progress of a resource of `table`, as a sample (None when idle).
    pub fn live_sample(
        &mut self,
        table: &Table,
        resource: &Resource,
        now: u64,
    ) -> Option<crate::metrics::Sample> {
        let gauges = self.gauges_now(table, resource, now)?;
        let capacity = &self.tables.get(&table.definition.name)?.capacity;
        let window = match resource {
            Resource::Table => capacity.table.window,
            Resource::Index(name) => {
                capacity
                    .indexes
                    .iter()
                    .flatten()
                    .find(|g| g.index.as_deref() == Some(name))?
                    .window
            }
            Resource::Partition(id) => capacity.table.partitions.get(id)?.window,
        };
        (window.is_busy() && window.second == now / 1000)
            .then(|| crate::metrics::Sample::of(&window, gauges))
    }

    /// What `table` has done so far, for the cost estimate: units consumed (the second in
    /// progress included), capacity held, the busiest seconds and the storage held.
    pub fn usage(&mut self, table: &Table, now: u64) -> crate::metrics::Usage {
        self.flush(table, now);
        let state = self.state(table, now);
        let totals = &state.metrics.totals;
        let live = |g: &Group| {
            if g.window.second == now / 1000 {
                (g.window.read, g.window.write)
            } else {
                (0.0, 0.0)
            }
        };
        let (live_read, live_write) = state
            .capacity
            .groups()
            .map(live)
            .fold((0.0, 0.0), |(r, w), (gr, gw)| (r + gr, w + gw));
        let (peak_read, peak_write) = state.capacity.groups().fold((0.0, 0.0), |(r, w), g| {
            let (lr, lw) = live(g);
            (r + g.busiest.0.max(lr), w + g.busiest.1.max(lw))
        });
        crate::metrics::Usage {
            table_name: table.definition.name.clone(),
            billing_mode: match table.definition.billing {
                BillingMode::Provisioned { .. } => "PROVISIONED",
                BillingMode::PayPerRequest => "PAY_PER_REQUEST",
            },
            elapsed_millis: now.saturating_sub(totals.since_millis),
            read_units: totals.read_units + live_read,
            write_units: totals.write_units + live_write,
            read_capacity_hours: totals.provisioned_unit_millis.0 / 3_600_000.0,
            write_capacity_hours: totals.provisioned_unit_millis.1 / 3_600_000.0,
            peak_read,
            peak_write,
            storage_byte_millis: totals.storage_byte_millis,
        }
    }

    /// The current gauges of a resource of `table` (for the second in progress).
    pub fn gauges_now(&mut self, table: &Table, resource: &Resource, now: u64) -> Option<Gauges> {
        let state = self.state(table, now);
        let group = match resource {
            Resource::Table | Resource::Partition(_) => &state.capacity.table,
            Resource::Index(name) => state
                .capacity
                .indexes
                .iter()
                .flatten()
                .find(|g| g.index.as_deref() == Some(name))?,
        };
        Some(gauges(table, group, resource, now))
    }

    /// A partition's throughput for Dynoscope_DescribePartitions: allocation, token and
    /// burst levels, and what it consumed this second and the last.
    pub fn describe_partition(
        &mut self,
        table: &Table,
        index: Option<&str>,
        partition: u32,
        now: u64,
    ) -> Option<PartitionThroughput> {
        let target = match index {
            None => Target::Table,
            Some(name) => Target::Index(
                table
                    .indexes()
                    .iter()
                    .position(|i| i.definition.name == name)?,
            ),
        };
        let state = self.state(table, now);
        state.advance(table, target, partition, now);
        let group = state.capacity.group(target)?;
        let p = group.partitions.get(&partition)?;
        let on_demand = group.is_on_demand();
        let side = |d: Direction| {
            let bucket = p.bucket(d);
            let provisioned = |value: f64| (!on_demand).then_some(value);
            ThroughputSide {
                consumed_this_second: p.window.used(d),
                consumed_last_second: d.pick(p.window.previous_read, p.window.previous_write),
                throttled_this_second: d.pick(p.window.throttled_reads, p.window.throttled_writes),
                throttled_last_second: d.pick(
                    p.window.previous_throttled_reads,
                    p.window.previous_throttled_writes,
                ),
                partition_limit_per_second: group.partition_limit(d),
                on_demand_table_capacity_per_second: on_demand.then(|| group.scaling(d).capacity()),
                allocated_capacity_units: provisioned(bucket.rate),
                tokens: provisioned(bucket.tokens),
                burst_credit: provisioned(bucket.burst),
                burst_credit_max: provisioned(bucket.rate * BURST_SECONDS),
                adaptive_boost: (!on_demand).then(|| bucket.boosted(now)),
            }
        };
        Some(PartitionThroughput {
            mode: if on_demand {
                CapacityMode::OnDemand
            } else {
                CapacityMode::Provisioned
            },
            read: side(Direction::Read),
            write: side(Direction::Write),
        })
    }
}
