//! Metrics and cost, on the virtual clock. Each table, each global index and each table
//! partition has a series of one-second samples: capacity consumed and provisioned,
//! requests throttled, burst credit, item count and size, writes a replica still lacks
//! (replication lag) and changes a GSI has not received yet (propagation backlog). The
//! throughput model counts each second as it happens and writes it here when the next
//! request touches the resource, with the gauges as that second left them (a gauge is
//! sampled when its resource is touched). The last hour is kept at one-second resolution;
//! older seconds roll up into one-minute samples (sums of what was consumed and throttled,
//! the last value of each gauge, the highest lag and backlog), kept for a day.
//!
//! Cost: [`Totals`] adds up, per table, the request units consumed, the provisioned
//! capacity held over virtual time (capacity-milliseconds) and the storage held
//! (byte-milliseconds); [`estimate`] prices them both ways with the us-east-1 figures of
//! `data/prices.json` and shows the arithmetic.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::contract::{
    CostLine, CostLines, CostTotals, PriceList, PriceQuote, ProvisionedCost, RightSizedCost,
    TableCost,
};
use serde_json::Value;

use crate::history::saved;

use crate::contract::Datapoint;
use crate::error::{DynamoError, ErrorKind};
use crate::throughput::Window;

/// Seconds are kept this long at one-second resolution.
pub const SECONDS_KEPT_MILLIS: u64 = 3_600_000;
/// Minutes are kept this long.
pub const MINUTES_KEPT_MILLIS: u64 = 24 * 3_600_000;

/// What a series describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    Table,
    Index(String),
    Partition(u32),
}

/// Values sampled when a resource is touched.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Gauges {
    pub provisioned_read: f64,
    pub provisioned_write: f64,
    pub burst_read: f64,
    pub burst_write: f64,
    pub item_count: u64,
    pub size_bytes: u64,
    pub lagging_writes: u64,
    pub index_backlog: u64,
}

/// One period of a series (a second or a minute). Saved (in a reload's history) as one
/// array of its numbers, in field order, which is a quarter the size of an object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(into = "SampleRow")]
pub struct Sample {
    pub start_millis: u64,
    pub consumed_read: f64,
    pub consumed_write: f64,
    pub throttled_reads: u64,
    pub throttled_writes: u64,
    pub gauges: Gauges,
}

/// A [`Sample`]'s numbers in field order, gauges last.
type SampleRow = (u64, f64, f64, u64, u64, [f64; 4], [u64; 4]);

impl From<Sample> for SampleRow {
    fn from(s: Sample) -> Self {
        let g = s.gauges;
        (
            s.start_millis,
            s.consumed_read,
            s.consumed_write,
            s.throttled_reads,
            s.throttled_writes,
            [
                g.provisioned_read,
                g.provisioned_write,
                g.burst_read,
                g.burst_write,
            ],
            [
                g.item_count,
                g.size_bytes,
                g.lagging_writes,
                g.index_backlog,
            ],
        )
    }
}

impl Sample {
    /// A sample of a saved history: its [`SampleRow`].
    fn from_saved(v: &Value) -> Option<Sample> {
        let f = |i: usize| v[5][i].as_f64();
        let n = |i: usize| v[6][i].as_u64();
        Some(Sample {
            start_millis: v[0].as_u64()?,
            consumed_read: v[1].as_f64()?,
            consumed_write: v[2].as_f64()?,
            throttled_reads: v[3].as_u64()?,
            throttled_writes: v[4].as_u64()?,
            gauges: Gauges {
                provisioned_read: f(0)?,
                provisioned_write: f(1)?,
                burst_read: f(2)?,
                burst_write: f(3)?,
                item_count: n(0)?,
                size_bytes: n(1)?,
                lagging_writes: n(2)?,
                index_backlog: n(3)?,
            },
        })
    }
}

impl Sample {
    /// The sample of one second as a window counted it.
    pub fn of(window: &Window, gauges: Gauges) -> Self {
        Sample {
            start_millis: window.second * 1000,
            consumed_read: window.read,
            consumed_write: window.write,
            throttled_reads: window.throttled_reads,
            throttled_writes: window.throttled_writes,
            gauges,
        }
    }

    /// Folds a later sample of the same period into this one: sums of what was consumed
    /// and throttled, the later gauges, the highest lag and backlog.
    fn absorb(&mut self, later: &Sample) {
        self.consumed_read += later.consumed_read;
        self.consumed_write += later.consumed_write;
        self.throttled_reads += later.throttled_reads;
        self.throttled_writes += later.throttled_writes;
        let (lag, backlog) = (self.gauges.lagging_writes, self.gauges.index_backlog);
        self.gauges = later.gauges;
        self.gauges.lagging_writes = lag.max(later.gauges.lagging_writes);
        self.gauges.index_backlog = backlog.max(later.gauges.index_backlog);
    }

    /// The sample as `Dynoscope_GetMetrics` reports it.
    pub fn datapoint(&self) -> Datapoint {
        Datapoint {
            start_millis: self.start_millis,
            consumed_read_capacity_units: self.consumed_read,
            consumed_write_capacity_units: self.consumed_write,
            provisioned_read_capacity_units: self.gauges.provisioned_read,
            provisioned_write_capacity_units: self.gauges.provisioned_write,
            throttled_read_requests: self.throttled_reads,
            throttled_write_requests: self.throttled_writes,
            read_burst_credit: self.gauges.burst_read,
            write_burst_credit: self.gauges.burst_write,
            item_count: self.gauges.item_count,
            size_bytes: self.gauges.size_bytes,
            replication_lagging_writes: self.gauges.lagging_writes,
            index_propagation_backlog: self.gauges.index_backlog,
        }
    }
}

/// A period's resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    Second,
    Minute,
}

impl Resolution {
    pub fn millis(self) -> u64 {
        match self {
            Resolution::Second => 1_000,
            Resolution::Minute => 60_000,
        }
    }
}

/// One resource's samples: the last hour by second, the day before by minute. Only
/// periods in which something happened are kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Series {
    seconds: VecDeque<Sample>,
    minutes: VecDeque<Sample>,
}

impl Series {
    /// Appends a second (seconds arrive in order); rolls what left the hour into minutes.
    pub fn push(&mut self, sample: Sample) {
        match self.seconds.back_mut() {
            Some(last) if last.start_millis == sample.start_millis => last.absorb(&sample),
            Some(last) if last.start_millis > sample.start_millis => return,
            _ => self.seconds.push_back(sample),
        }
        let newest = sample.start_millis;
        while self
            .seconds
            .front()
            .is_some_and(|s| s.start_millis + SECONDS_KEPT_MILLIS <= newest)
        {
            let Some(old) = self.seconds.pop_front() else {
                break;
            };
            self.roll_up(old);
        }
        while self
            .minutes
            .front()
            .is_some_and(|m| m.start_millis + MINUTES_KEPT_MILLIS <= newest)
        {
            self.minutes.pop_front();
        }
    }

    /// A series of a saved history, as `Serialize` wrote it.
    fn from_saved(v: &Value) -> Option<Series> {
        let samples = |v: &Value| saved::list(v, Sample::from_saved).map(VecDeque::from);
        Some(Series {
            seconds: samples(&v["seconds"])?,
            minutes: samples(&v["minutes"])?,
        })
    }

    /// The series with only its seconds of the last `millis` (all its minutes): what a
    /// saved history keeps.
    /// Older seconds are rolled up into their minutes, as they would be an hour on.
    pub fn recent(&self, millis: u64) -> Series {
        let newest = self.seconds.back().map_or(0, |s| s.start_millis);
        let mut recent = Series {
            seconds: VecDeque::new(),
            minutes: self.minutes.clone(),
        };
        for second in &self.seconds {
            if second.start_millis + millis > newest {
                recent.seconds.push_back(*second);
            } else {
                recent.roll_up(*second);
            }
        }
        recent
    }

    /// When the newest period kept starts.
    pub fn newest(&self) -> Option<u64> {
        self.seconds
            .back()
            .or(self.minutes.back())
            .map(|s| s.start_millis)
    }

    fn roll_up(&mut self, second: Sample) {
        let minute = second.start_millis / 60_000 * 60_000;
        match self.minutes.back_mut() {
            Some(last) if last.start_millis == minute => last.absorb(&second),
            _ => self.minutes.push_back(Sample {
                start_millis: minute,
                ..second
            }),
        }
    }

    /// Periods starting within `[start, end)` at `resolution`, oldest first. Seconds older
    /// than an hour are only available by minute.
    pub fn query(&self, start: u64, end: u64, resolution: Resolution) -> Vec<Sample> {
        let in_range = |s: &&Sample| s.start_millis >= start && s.start_millis < end;
        match resolution {
            Resolution::Second => self.seconds.iter().filter(in_range).copied().collect(),
            Resolution::Minute => {
                let mut out: Vec<Sample> = Vec::new();
                for sample in self.minutes.iter().chain(self.seconds.iter()) {
                    let minute = sample.start_millis / 60_000 * 60_000;
                    if minute < start / 60_000 * 60_000 || minute >= end {
                        continue;
                    }
                    match out.last_mut() {
                        Some(last) if last.start_millis == minute => last.absorb(sample),
                        _ => out.push(Sample {
                            start_millis: minute,
                            ..*sample
                        }),
                    }
                }
                out
            }
        }
    }
}

/// What a table has consumed and held since it was created, for the cost estimate.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    /// When the table was created.
    pub since_millis: u64,
    /// Request units consumed by the table and its indexes (seconds that have ended).
    pub read_units: f64,
    pub write_units: f64,
    /// Provisioned capacity now held by the table and its global indexes.
    pub provisioned: (f64, f64),
    /// Provisioned capacity held over time, in unit-milliseconds, up to `provisioned_until`.
    pub provisioned_unit_millis: (f64, f64),
    pub provisioned_until: u64,
    /// Billable storage held over time, in byte-milliseconds, up to `storage_until`.
    pub storage_byte_millis: f64,
    pub storage_bytes: u64,
    pub storage_until: u64,
}

impl Totals {
    fn from_saved(v: &Value) -> Option<Totals> {
        let pair = |v: &Value| Some((v[0].as_f64()?, v[1].as_f64()?));
        Some(Totals {
            since_millis: v["since_millis"].as_u64()?,
            read_units: v["read_units"].as_f64()?,
            write_units: v["write_units"].as_f64()?,
            provisioned: pair(&v["provisioned"])?,
            provisioned_unit_millis: pair(&v["provisioned_unit_millis"])?,
            provisioned_until: v["provisioned_until"].as_u64()?,
            storage_byte_millis: v["storage_byte_millis"].as_f64()?,
            storage_bytes: v["storage_bytes"].as_u64()?,
            storage_until: v["storage_until"].as_u64()?,
        })
    }

    pub fn new(since: u64) -> Self {
        Totals {
            since_millis: since,
            provisioned_until: since,
            storage_until: since,
            ..Default::default()
        }
    }

    /// Adds a second that ended.
    pub fn add(&mut self, window: &Window) {
        self.read_units += window.read;
        self.write_units += window.write;
    }

    /// Adds the provisioned capacity held until `now`.
    pub fn integrate_provisioned(&mut self, now: u64) {
        let elapsed = now.saturating_sub(self.provisioned_until) as f64;
        self.provisioned_unit_millis.0 += self.provisioned.0 * elapsed;
        self.provisioned_unit_millis.1 += self.provisioned.1 * elapsed;
        self.provisioned_until = self.provisioned_until.max(now);
    }

    /// Adds the storage held until `at`, and notes that from `at` on the table holds `bytes`.
    pub fn integrate_storage(&mut self, bytes: u64, at: u64) {
        let elapsed = at.saturating_sub(self.storage_until) as f64;
        self.storage_byte_millis += self.storage_bytes as f64 * elapsed;
        self.storage_until = self.storage_until.max(at);
        self.storage_bytes = bytes;
    }
}

/// A table's series and totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TableMetrics {
    pub table: Series,
    pub indexes: BTreeMap<String, Series>,
    pub partitions: BTreeMap<u32, Series>,
    pub totals: Totals,
}

impl TableMetrics {
    /// A table's metrics in a saved history ([`crate::history`]), as `Serialize` wrote them.
    pub(crate) fn from_saved(v: &Value) -> Option<TableMetrics> {
        let indexes = (v["indexes"].as_object()?.iter())
            .map(|(name, s)| Some((name.clone(), Series::from_saved(s)?)))
            .collect::<Option<Vec<_>>>()?;
        let partitions = (v["partitions"].as_object()?.iter())
            .map(|(id, s)| Some((id.parse().ok()?, Series::from_saved(s)?)))
            .collect::<Option<Vec<_>>>()?;
        Some(TableMetrics {
            table: Series::from_saved(&v["table"])?,
            indexes: crate::sorting::ordered(indexes),
            partitions: crate::sorting::ordered(partitions),
            totals: Totals::from_saved(&v["totals"])?,
        })
    }
    /// Every series with only its seconds of the last `millis` ([`Series::recent`]).
    pub fn recent(&self, millis: u64) -> TableMetrics {
        TableMetrics {
            table: self.table.recent(millis),
            indexes: crate::sorting::ordered(
                (self.indexes.iter()).map(|(name, s)| (name.clone(), s.recent(millis))),
            ),
            partitions: crate::sorting::ordered(
                (self.partitions.iter()).map(|(id, s)| (*id, s.recent(millis))),
            ),
            totals: self.totals.clone(),
        }
    }

    pub fn new(since: u64) -> Self {
        TableMetrics {
            totals: Totals::new(since),
            ..Default::default()
        }
    }

    /// Writes a second that ended to a resource's series.
    pub fn record(&mut self, resource: &Resource, window: &Window, gauges: Gauges) {
        let sample = Sample::of(window, gauges);
        self.push(resource, sample);
        if *resource == Resource::Table {
            // Partitions gone (split) for longer than anything is kept are forgotten.
            let newest = sample.start_millis;
            self.partitions
                .retain(|_, s| s.newest().is_some_and(|t| t + MINUTES_KEPT_MILLIS > newest));
        }
    }

    /// Writes a sample (of a second, or the second still being counted) to a resource's
    /// series.
    pub fn push(&mut self, resource: &Resource, sample: Sample) {
        match resource {
            Resource::Table => self.table.push(sample),
            Resource::Index(name) => self.indexes.entry(name.clone()).or_default().push(sample),
            Resource::Partition(id) => self.partitions.entry(*id).or_default().push(sample),
        }
    }

    pub fn series(&self, resource: &Resource) -> Option<&Series> {
        match resource {
            Resource::Table => Some(&self.table),
            Resource::Index(name) => self.indexes.get(name),
            Resource::Partition(id) => self.partitions.get(id),
        }
    }
}

/// One price and where it comes from.
#[derive(Debug, Clone, Deserialize)]
pub struct Price {
    pub usd: f64,
    pub per: String,
    pub source: String,
}

/// The price list of `data/prices.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct Prices {
    pub region: String,
    pub table_class: String,
    pub currency: String,
    pub hours_per_month: f64,
    pub on_demand_read: Price,
    pub on_demand_write: Price,
    pub provisioned_read: Price,
    pub provisioned_write: Price,
    pub storage: Price,
    pub notes: Vec<String>,
}

const PRICES_JSON: &str = include_str!("../data/prices.json");

impl Prices {
    /// The built-in us-east-1 Standard price list.
    pub fn builtin() -> Result<Prices, DynamoError> {
        serde_json::from_slice(PRICES_JSON.as_bytes()).map_err(|e| {
            DynamoError::new(
                ErrorKind::InternalFailure,
                format!("the price list is unreadable: {e}"),
            )
        })
    }

    /// The price list as an estimate shows it.
    pub fn quoted(&self) -> PriceList {
        let quote = |p: &Price| PriceQuote {
            usd: p.usd,
            per: p.per.clone(),
            source: p.source.clone(),
        };
        PriceList {
            region: self.region.clone(),
            table_class: self.table_class.clone(),
            currency: self.currency.clone(),
            hours_per_month: self.hours_per_month,
            on_demand_read: quote(&self.on_demand_read),
            on_demand_write: quote(&self.on_demand_write),
            provisioned_read: quote(&self.provisioned_read),
            provisioned_write: quote(&self.provisioned_write),
            storage: quote(&self.storage),
        }
    }
}

/// What one table did, as the cost estimate prices it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    pub table_name: String,
    pub billing_mode: &'static str,
    pub elapsed_millis: u64,
    pub read_units: f64,
    pub write_units: f64,
    /// Provisioned capacity held, in unit-hours.
    pub read_capacity_hours: f64,
    pub write_capacity_hours: f64,
    /// The busiest second of the table and of each global index, summed.
    pub peak_read: f64,
    pub peak_write: f64,
    pub storage_byte_millis: f64,
}

const MILLIS_PER_HOUR: f64 = 3_600_000.0;
const BYTES_PER_GB: f64 = 1024.0 * 1024.0 * 1024.0;

fn line(item: &str, quantity: f64, unit: &str, price: &Price, divisor: f64) -> CostLine {
    let cost = quantity * price.usd / divisor;
    CostLine {
        item: item.to_owned(),
        quantity,
        unit: unit.to_owned(),
        rate_usd: price.usd,
        rate_per: price.per.clone(),
        cost_usd: cost,
        arithmetic: format!(
            "{} {unit} × ${} per {} = ${cost:.8}",
            readable(quantity),
            price.usd,
            price.per
        ),
    }
}

/// A quantity as a person reads it: whole numbers as they are, others to four significant
/// digits, and the very small (a few bytes kept for a few seconds, in GB-months) in
/// scientific notation rather than a row of zeros.
fn readable(quantity: f64) -> String {
    if quantity == quantity.trunc() && quantity.abs() < 1e15 {
        return format!("{}", quantity as i64);
    }
    if quantity.abs() < 1e-4 {
        return format!("{quantity:.3e}");
    }
    let decimals = (3 - quantity.abs().log10().floor() as i32).max(0) as usize;
    let fixed = format!("{quantity:.decimals$}");
    if fixed.contains('.') {
        fixed
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        fixed
    }
}

fn priced(lines: Vec<CostLine>) -> CostLines {
    CostLines {
        total_usd: lines.iter().map(|line| line.cost_usd).sum(),
        lines,
    }
}

/// One table's workload priced both ways, with the arithmetic: on demand (request units
/// times their price), provisioned as held (capacity-hours times their price) and
/// provisioned just enough for the busiest second seen, plus storage pro rata.
pub fn estimate(usage: &Usage, prices: &Prices) -> TableCost {
    let hours = usage.elapsed_millis as f64 / MILLIS_PER_HOUR;
    let on_demand = priced(vec![
        line(
            "Read request units",
            usage.read_units,
            "RRU",
            &prices.on_demand_read,
            1e6,
        ),
        line(
            "Write request units",
            usage.write_units,
            "WRU",
            &prices.on_demand_write,
            1e6,
        ),
    ]);
    let held = priced(vec![
        line(
            "Read capacity held",
            usage.read_capacity_hours,
            "RCU-hours",
            &prices.provisioned_read,
            1.0,
        ),
        line(
            "Write capacity held",
            usage.write_capacity_hours,
            "WCU-hours",
            &prices.provisioned_write,
            1.0,
        ),
    ]);
    // Provisioning is at least one unit each way, and whole units.
    let (peak_read, peak_write) = (
        usage.peak_read.ceil().max(1.0),
        usage.peak_write.ceil().max(1.0),
    );
    let right_sized = priced(vec![
        line(
            "Read capacity for the peak",
            peak_read * hours,
            "RCU-hours",
            &prices.provisioned_read,
            1.0,
        ),
        line(
            "Write capacity for the peak",
            peak_write * hours,
            "WCU-hours",
            &prices.provisioned_write,
            1.0,
        ),
    ]);
    let gb_months =
        usage.storage_byte_millis / BYTES_PER_GB / (prices.hours_per_month * MILLIS_PER_HOUR);
    let storage = priced(vec![line(
        "Storage",
        gb_months,
        "GB-months",
        &prices.storage,
        1.0,
    )]);
    let storage_total = storage.total_usd;
    TableCost {
        table_name: usage.table_name.clone(),
        billing_mode: usage.billing_mode.to_owned(),
        elapsed_millis: usage.elapsed_millis,
        elapsed_hours: hours,
        total_usd: CostTotals {
            on_demand: on_demand.total_usd + storage_total,
            provisioned_as_held: held.total_usd + storage_total,
            provisioned_right_sized: right_sized.total_usd + storage_total,
        },
        on_demand,
        provisioned: ProvisionedCost {
            as_held: held,
            right_sized: RightSizedCost {
                peak_read_capacity_units: usage.peak_read,
                peak_write_capacity_units: usage.peak_write,
                provisioned_read_capacity_units: peak_read,
                provisioned_write_capacity_units: peak_write,
                cost: right_sized,
            },
        },
        storage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_arithmetic_shows_quantities_a_person_can_read() {
        assert_eq!(readable(18.0), "18");
        assert_eq!(readable(0.008775555555555556), "0.008776");
        assert_eq!(readable(12.345678), "12.35");
        assert_eq!(readable(1.2718294173070829e-12), "1.272e-12");
        assert_eq!(readable(0.5), "0.5");
    }

    fn second(at: u64, write: f64) -> Sample {
        Sample {
            start_millis: at,
            consumed_write: write,
            ..Default::default()
        }
    }

    #[test]
    fn seconds_older_than_an_hour_roll_up_into_minutes() {
        let mut series = Series::default();
        series.push(second(0, 1.0));
        series.push(second(1_000, 2.0));
        series.push(second(60_000, 4.0));
        series.push(second(SECONDS_KEPT_MILLIS + 60_000, 8.0));
        assert_eq!(series.query(0, u64::MAX, Resolution::Second).len(), 1);
        let minutes = series.query(0, u64::MAX, Resolution::Minute);
        assert_eq!(
            minutes
                .iter()
                .map(|m| (m.start_millis, m.consumed_write))
                .collect::<Vec<_>>(),
            vec![(0, 3.0), (60_000, 4.0), (SECONDS_KEPT_MILLIS + 60_000, 8.0)]
        );
    }

    #[test]
    fn the_price_list_reads() {
        let prices = Prices::builtin().unwrap();
        assert_eq!(prices.on_demand_write.usd, 0.625);
        assert_eq!(prices.storage.usd, 0.25);
    }
}
