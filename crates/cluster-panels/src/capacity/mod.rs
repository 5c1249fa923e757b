//! The Cluster view's capacity chart, written as HTML: the last 60 seconds of a table's
//! consumed read and write units per second from `Dynoscope_GetMetrics` (one-second
//! resolution), binned here into 60 seconds ending with the engine's now ([`Series`]); the
//! provisioned level it is measured against (the latest datapoint's gauges, else what
//! DescribeTable or the partition's buckets say); the series selector's options (the whole
//! table, each partition, each global index, and the chosen one kept listed after a split
//! until the page falls back); and the sentence that says it all in words ([`summary`]),
//! which is also the plot's accessible name. The SVG itself is drawn by [`svg`].

pub mod svg;

use dynoscope_codegen::html::escape;
use dynoscope_engine::contract::MetricsDescription;
use serde::Deserialize;
use serde_json::{Value, json};

/// Seconds the chart covers.
pub const SECONDS: u64 = 60;

/// What the page hands the worker on each refresh.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Input {
    /// The selector's value: `table`, `partition:ID` or `index:NAME`.
    pub source: String,
    /// The table's partition ids in keyspace order, as the partition map last read them.
    #[serde(default)]
    pub partitions: Vec<u64>,
    /// The table's DescribeTable response (global indexes, provisioned capacity).
    #[serde(default)]
    pub describe: Value,
    /// The `Dynoscope_GetMetrics` response for the chosen source, once there is one.
    pub metrics: Option<MetricsDescription>,
    /// The chosen partition's allocated read and write units, as the map last read them.
    pub allocated: Option<(f64, f64)>,
    /// The browser's `Date.getTimezoneOffset()`.
    #[serde(default)]
    pub offset_minutes: i64,
}

/// `{options, summary, html}`: the selector's options, and, when there are metrics, the
/// sentence and the chart (both `null` otherwise).
pub fn answer(input: &Input) -> Value {
    let source = Source::parse(&input.source);
    let described = Described::from_describe(&input.describe);
    let options = options_html(&source, &input.partitions, &described);
    let drawn = input.metrics.as_ref().map(|metrics| {
        let series = Series::from_metrics(metrics);
        let fallback = match &source {
            Source::Table => described.table,
            Source::Index(name) => described
                .indexes
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| *t)
                .unwrap_or_default(),
            Source::Partition(_) => input.allocated.unwrap_or_default(),
        };
        let provisioned = series
            .latest_gauges()
            .map(|g| (g.provisioned_read, g.provisioned_write))
            .unwrap_or(fallback);
        Drawn {
            source: source.clone(),
            series,
            provisioned,
        }
    });
    match drawn {
        Some(drawn) => json!({
            "options": options,
            "summary": summary(&drawn),
            "html": svg::chart_html(&drawn, input.offset_minutes),
        }),
        None => json!({ "options": options, "summary": null, "html": null }),
    }
}

/// Which series the chart shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Table,
    Partition(u64),
    Index(String),
}

impl Source {
    /// The source an `<option>` value names; anything else is the whole table.
    pub fn parse(value: &str) -> Source {
        if let Some(id) = value
            .strip_prefix("partition:")
            .and_then(|id| id.parse().ok())
        {
            Source::Partition(id)
        } else if let Some(name) = value.strip_prefix("index:") {
            Source::Index(name.to_owned())
        } else {
            Source::Table
        }
    }

    /// The `<option>` value.
    pub fn value(&self) -> String {
        match self {
            Source::Table => "table".to_owned(),
            Source::Partition(id) => format!("partition:{id}"),
            Source::Index(name) => format!("index:{name}"),
        }
    }

    /// The source in the summary's words.
    pub fn label(&self) -> String {
        match self {
            Source::Table => "whole table".to_owned(),
            Source::Partition(id) => format!("partition {id}"),
            Source::Index(name) => format!("index {name}"),
        }
    }
}

/// The selector's options, the chosen one selected.
pub fn options_html(chosen: &Source, partitions: &[u64], described: &Described) -> String {
    let mut all = vec![(Source::Table, "Whole table".to_owned())];
    all.extend(
        partitions
            .iter()
            .map(|&id| (Source::Partition(id), format!("Partition {id}"))),
    );
    all.extend(
        described
            .indexes
            .iter()
            .map(|(name, _)| (Source::Index(name.clone()), format!("Index {name} (GSI)"))),
    );
    // Keep a chosen partition listed after it split, until the page falls back.
    if !all.iter().any(|(s, _)| s == chosen) {
        all.push((chosen.clone(), chosen.label()));
    }
    all.into_iter()
        .map(|(source, label)| {
            format!(
                "<option value=\"{}\"{}>{}</option>",
                escape(&source.value()),
                if &source == chosen { " selected" } else { "" },
                escape(&label)
            )
        })
        .collect()
}

/// One second of the chart.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Second {
    pub at: u64,
    pub read: f64,
    pub write: f64,
    pub throttled_reads: u64,
    pub throttled_writes: u64,
    /// Gauges, when the second has a datapoint.
    pub gauges: Option<Gauges>,
}

/// A datapoint's gauges: the provisioned level and the burst credit banked.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Gauges {
    pub provisioned_read: f64,
    pub provisioned_write: f64,
    pub burst_read: f64,
    pub burst_write: f64,
}

/// The 60 seconds shown, oldest first, the current (partial) second last.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    pub seconds: Vec<Second>,
}

impl Series {
    /// Bins GetMetrics' datapoints into 60 one-second bins ending with the engine's now; a
    /// datapoint outside them is left out.
    pub fn from_metrics(metrics: &MetricsDescription) -> Series {
        let current = metrics.end_millis.max(1).saturating_sub(1) / 1000;
        let first = current.saturating_sub(SECONDS - 1);
        let mut seconds: Vec<Second> = (first..=current)
            .map(|s| Second {
                at: s * 1000,
                ..Second::default()
            })
            .collect();
        for point in &metrics.datapoints {
            let Some(bin) = (point.start_millis / 1000)
                .checked_sub(first)
                .and_then(|i| seconds.get_mut(i as usize))
            else {
                continue;
            };
            bin.read += point.consumed_read_capacity_units;
            bin.write += point.consumed_write_capacity_units;
            bin.throttled_reads += point.throttled_read_requests;
            bin.throttled_writes += point.throttled_write_requests;
            bin.gauges = Some(Gauges {
                provisioned_read: point.provisioned_read_capacity_units,
                provisioned_write: point.provisioned_write_capacity_units,
                burst_read: point.read_burst_credit,
                burst_write: point.write_burst_credit,
            });
        }
        Series { seconds }
    }

    pub fn peak(&self, pick: impl Fn(&Second) -> f64) -> f64 {
        self.seconds.iter().map(pick).fold(0.0, f64::max)
    }

    /// Throttled reads and writes over the window.
    pub fn throttled(&self) -> (u64, u64) {
        self.seconds.iter().fold((0, 0), |(r, w), s| {
            (r + s.throttled_reads, w + s.throttled_writes)
        })
    }

    /// The latest gauges in the window.
    pub fn latest_gauges(&self) -> Option<Gauges> {
        self.seconds.iter().rev().find_map(|s| s.gauges)
    }
}

/// What the table's description says of capacity: provisioned figures of the table and of
/// each global index (zero when on demand).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Described {
    pub table: (f64, f64),
    pub indexes: Vec<(String, (f64, f64))>,
}

impl Described {
    pub fn from_describe(response: &Value) -> Described {
        let throughput = |v: &Value| {
            let units = |name: &str| v["ProvisionedThroughput"][name].as_f64().unwrap_or(0.0);
            (units("ReadCapacityUnits"), units("WriteCapacityUnits"))
        };
        let table = &response["Table"];
        let indexes = table["GlobalSecondaryIndexes"]
            .as_array()
            .map(|gsis| {
                gsis.iter()
                    .filter_map(|g| Some((g["IndexName"].as_str()?.to_owned(), throughput(g))))
                    .collect()
            })
            .unwrap_or_default();
        Described {
            table: throughput(table),
            indexes,
        }
    }
}

/// What the chart draws: the series and the provisioned level it measures against.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    pub source: Source,
    pub series: Series,
    /// Provisioned RCU and WCU per second (zero when on demand).
    pub provisioned: (f64, f64),
}

impl Drawn {
    /// The top of the y axis: 1, 2 or 5 × 10ⁿ above the highest figure plus a tenth.
    pub fn scale(&self) -> f64 {
        let peak = self
            .series
            .peak(|s| s.read)
            .max(self.series.peak(|s| s.write))
            .max(self.provisioned.0)
            .max(self.provisioned.1);
        nice_ceiling(peak * 1.1)
    }

    fn provisioned(&self) -> bool {
        self.provisioned.0 > 0.0 || self.provisioned.1 > 0.0
    }
}

/// The chart in one sentence: "Last 60 s (whole table): peak 12 WCU, 4 RCU; 3 throttled
/// writes, 0 throttled reads; provisioned 5 WCU, 5 RCU; burst credit 0 WCU·s, 20 RCU·s."
pub fn summary(drawn: &Drawn) -> String {
    let series = &drawn.series;
    let (peak_read, peak_write) = (series.peak(|s| s.read), series.peak(|s| s.write));
    let (throttled_reads, throttled_writes) = series.throttled();
    let mut text = format!("Last 60 s ({}): ", drawn.source.label());
    if peak_read == 0.0 && peak_write == 0.0 {
        text.push_str("no reads or writes");
    } else {
        text += &format!("peak {} WCU, {} RCU", units(peak_write), units(peak_read));
    }
    text += &format!(
        "; {}, {}",
        plural(throttled_writes, "throttled write", "throttled writes"),
        plural(throttled_reads, "throttled read", "throttled reads"),
    );
    let (read, write) = drawn.provisioned;
    if drawn.provisioned() {
        text += &format!("; provisioned {} WCU, {} RCU", units(write), units(read));
    } else {
        text.push_str("; on demand (no provisioned level)");
    }
    if let Some(g) = series.latest_gauges().filter(|_| drawn.provisioned()) {
        text += &format!(
            "; burst credit {} WCU·s, {} RCU·s",
            units(g.burst_write),
            units(g.burst_read)
        );
    }
    text.push('.');
    text
}

/// Units as text, to a tenth, thousands grouped: `5`, `2.5`, `1,500`.
pub fn units(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    let whole = rounded.trunc().abs() as u64;
    let mut digits = whole.to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    let fraction = (rounded.fract().abs() * 10.0).round() as u64;
    let sign = if rounded < 0.0 { "-" } else { "" };
    if fraction == 0 {
        format!("{sign}{digits}{grouped}")
    } else {
        format!("{sign}{digits}{grouped}.{fraction}")
    }
}

/// `1 write`, `3 writes`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The smallest of 1, 2, 5 × 10ⁿ at least `value` (and at least 1).
pub fn nice_ceiling(value: f64) -> f64 {
    if value <= 1.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|step| step * magnitude)
        .find(|&v| v >= value)
        .unwrap_or(10.0 * magnitude)
}
