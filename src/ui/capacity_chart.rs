//! The capacity chart: the last 60 seconds of the selected table's consumed read and write
//! units per second, as an SVG time series read with `Dynoscope_GetMetrics` (one-second
//! resolution, `StartMillis` a minute before the engine's now) on every refresh of the
//! Cluster view. Reads are drawn as a blue line with round points, writes as an orange line
//! with square points; a provisioned table's capacity is a dashed line of each colour,
//! labelled in words; seconds with throttled requests carry a red triangle at the top; a
//! strip below shows the burst credit the buckets have banked, when there is any. A
//! selector picks the series: the whole table, one partition (`PartitionId`) or one global
//! index (`IndexName`). A sentence under the heading ("Last 60 s (whole table): peak 12 WCU,
//! 4 RCU; 3 throttled writes") says the same for screen readers and for anyone who prefers
//! words; it is also the plot's accessible name.

use dynoscope_engine::contract::MetricsDescription;
use leptos::prelude::*;
use serde_json::{Value, json};

use super::cluster::{ClusterCtx, clock_text};
use super::{AppState, ErrorNotice, ShownError};

/// Seconds the chart covers.
const SECONDS: u64 = 60;
/// Height of the plot in pixels; the series are drawn between [`TOP`] and `HEIGHT - BOTTOM`.
const HEIGHT: f64 = 180.0;
const TOP: f64 = 18.0;
const BOTTOM: f64 = 4.0;
/// Height of the burst strip.
const BURST_HEIGHT: f64 = 22.0;
/// Burst credit is capped at this many seconds of the provisioned rate.
const BURST_SECONDS: f64 = 300.0;

/// Which series the chart shows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Table,
    Partition(u64),
    Index(String),
}

impl Source {
    /// The `<option>` value.
    fn value(&self) -> String {
        match self {
            Source::Table => "table".to_owned(),
            Source::Partition(id) => format!("partition:{id}"),
            Source::Index(name) => format!("index:{name}"),
        }
    }

    fn parse(value: &str) -> Source {
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

    fn label(&self) -> String {
        match self {
            Source::Table => "whole table".to_owned(),
            Source::Partition(id) => format!("partition {id}"),
            Source::Index(name) => format!("index {name}"),
        }
    }

    fn request(&self, table: &str, start: u64) -> Value {
        let mut request = json!({
            "TableName": table,
            "Resolution": "SECOND",
            "StartMillis": start,
        });
        match self {
            Source::Table => {}
            Source::Partition(id) => request["PartitionId"] = json!(id),
            Source::Index(name) => request["IndexName"] = json!(name),
        }
        request
    }
}

/// One second of the chart.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Second {
    at: u64,
    read: f64,
    write: f64,
    throttled_reads: u64,
    throttled_writes: u64,
    /// Gauges, when the second has a datapoint.
    gauges: Option<Gauges>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Gauges {
    provisioned_read: f64,
    provisioned_write: f64,
    burst_read: f64,
    burst_write: f64,
}

/// The 60 seconds shown, oldest first, the current (partial) second last.
#[derive(Debug, Clone, PartialEq, Default)]
struct Series {
    seconds: Vec<Second>,
}

impl Series {
    /// Bins GetMetrics' datapoints into 60 one-second bins ending with the engine's now.
    fn from_metrics(metrics: &MetricsDescription) -> Series {
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

    fn peak(&self, pick: impl Fn(&Second) -> f64) -> f64 {
        self.seconds.iter().map(pick).fold(0.0, f64::max)
    }

    fn throttled(&self) -> (u64, u64) {
        self.seconds.iter().fold((0, 0), |(r, w), s| {
            (r + s.throttled_reads, w + s.throttled_writes)
        })
    }

    /// The latest gauges in the window.
    fn latest_gauges(&self) -> Option<Gauges> {
        self.seconds.iter().rev().find_map(|s| s.gauges)
    }
}

/// What the table's description says of capacity: provisioned figures of the table and of
/// each global index (zero when on demand).
#[derive(Debug, Clone, PartialEq, Default)]
struct Described {
    table: (f64, f64),
    indexes: Vec<(String, (f64, f64))>,
}

impl Described {
    fn from_describe(response: &Value) -> Described {
        let throughput = |v: &Value| {
            let t = v.get("ProvisionedThroughput");
            let units = |name: &str| {
                t.and_then(|t| t.get(name))
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0)
            };
            (units("ReadCapacityUnits"), units("WriteCapacityUnits"))
        };
        let table = response.get("Table").cloned().unwrap_or(Value::Null);
        let indexes = table
            .get("GlobalSecondaryIndexes")
            .and_then(Value::as_array)
            .map(|gsis| {
                gsis.iter()
                    .filter_map(|g| Some((g.get("IndexName")?.as_str()?.to_owned(), throughput(g))))
                    .collect()
            })
            .unwrap_or_default();
        Described {
            table: throughput(&table),
            indexes,
        }
    }
}

/// Units as text: `5`, `2.5`, `1,500`.
fn units(value: f64) -> String {
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

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The smallest of 1, 2, 5 × 10ⁿ at least `value` (and at least 1).
fn nice_ceiling(value: f64) -> f64 {
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

/// Percent of the plot's width for the middle of second `i` of [`SECONDS`].
fn x_of(i: usize) -> f64 {
    (i as f64 + 0.5) / SECONDS as f64 * 100.0
}

fn pct(value: f64) -> String {
    format!("{:.3}%", value.clamp(0.0, 100.0))
}

/// What the chart draws: the series and the provisioned level it measures against.
#[derive(Debug, Clone, PartialEq)]
struct Drawn {
    source: Source,
    series: Series,
    /// Provisioned RCU and WCU per second (zero when on demand).
    provisioned: (f64, f64),
}

impl Drawn {
    fn scale(&self) -> f64 {
        let peak = self
            .series
            .peak(|s| s.read)
            .max(self.series.peak(|s| s.write))
            .max(self.provisioned.0)
            .max(self.provisioned.1);
        nice_ceiling(peak * 1.1)
    }

    /// The plot's y coordinate of `value`.
    fn y(&self, value: f64) -> f64 {
        let inner = HEIGHT - TOP - BOTTOM;
        TOP + inner * (1.0 - (value / self.scale()).clamp(0.0, 1.0))
    }

    fn summary(&self) -> String {
        let series = &self.series;
        let (peak_read, peak_write) = (series.peak(|s| s.read), series.peak(|s| s.write));
        let (throttled_reads, throttled_writes) = series.throttled();
        let mut text = format!("Last 60 s ({}): ", self.source.label());
        if peak_read == 0.0 && peak_write == 0.0 {
            text.push_str("no reads or writes");
        } else {
            text.push_str(&format!(
                "peak {} WCU, {} RCU",
                units(peak_write),
                units(peak_read)
            ));
        }
        text.push_str(&format!(
            "; {}, {}",
            plural(throttled_writes, "throttled write", "throttled writes"),
            plural(throttled_reads, "throttled read", "throttled reads"),
        ));
        let (read, write) = self.provisioned;
        if read > 0.0 || write > 0.0 {
            text.push_str(&format!(
                "; provisioned {} WCU, {} RCU",
                units(write),
                units(read)
            ));
        } else {
            text.push_str("; on demand (no provisioned level)");
        }
        if let Some(g) = series.latest_gauges().filter(|_| write > 0.0 || read > 0.0) {
            text.push_str(&format!(
                "; burst credit {} WCU·s, {} RCU·s",
                units(g.burst_write),
                units(g.burst_read)
            ));
        }
        text.push('.');
        text
    }
}

/// The capacity chart of one table.
#[component]
pub fn CapacityChart(table: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<ClusterCtx>();
    let source = RwSignal::new(Source::Table);
    let described = RwSignal::new(Described::default());
    let drawn = RwSignal::new(None::<Drawn>);
    let error = RwSignal::new(None::<ShownError>);
    let busy = StoredValue::new(false);

    // The table's description (global indexes, provisioned capacity), after every UI write.
    {
        let table = table.clone();
        Effect::new(move |_| {
            state.revision.track();
            let table = table.clone();
            leptos::task::spawn_local(async move {
                if let Ok(response) = state
                    .send("DescribeTable", &json!({ "TableName": table }))
                    .await
                {
                    let loaded = Described::from_describe(&response);
                    if described.try_with_untracked(|d| d != &loaded) == Some(true) {
                        described.try_set(loaded);
                    }
                }
            });
        });
    }

    // The series, on every refresh and when the selector changes.
    Effect::new(move |_| {
        ctx.track();
        let chosen = source.get();
        if busy.try_get_value().unwrap_or(true) {
            return;
        }
        busy.set_value(true);
        let host_now = js_sys::Date::now();
        let now = ctx
            .clock
            .get_untracked()
            .map(|c| c.estimate(host_now))
            .unwrap_or(host_now as u64);
        let start = (now / 1000).saturating_sub(SECONDS - 1) * 1000;
        let request = chosen.request(&table, start);
        leptos::task::spawn_local(async move {
            let result = state
                .call::<MetricsDescription>("Dynoscope_GetMetrics", &request)
                .await;
            busy.try_set_value(false);
            match result {
                Ok(metrics) => {
                    error.try_set(None);
                    let series = Series::from_metrics(&metrics);
                    let fallback = match &chosen {
                        Source::Table => described.with_untracked(|d| d.table),
                        Source::Index(name) => described.with_untracked(|d| {
                            d.indexes
                                .iter()
                                .find(|(n, _)| n == name)
                                .map(|(_, t)| *t)
                                .unwrap_or_default()
                        }),
                        Source::Partition(id) => ctx
                            .throughput
                            .with_untracked(|t| t.get(id).copied())
                            .map(|t| {
                                (
                                    t.read.allocated_capacity_units.unwrap_or(0.0),
                                    t.write.allocated_capacity_units.unwrap_or(0.0),
                                )
                            })
                            .unwrap_or_default(),
                    };
                    let provisioned = series
                        .latest_gauges()
                        .map(|g| (g.provisioned_read, g.provisioned_write))
                        .unwrap_or(fallback);
                    let next = Drawn {
                        source: chosen,
                        series,
                        provisioned,
                    };
                    if drawn.try_with_untracked(|d| d.as_ref() != Some(&next)) == Some(true) {
                        drawn.try_set(Some(next));
                    }
                }
                Err(e) => {
                    // A partition that split away or an index that was dropped: back to the table.
                    if chosen != Source::Table {
                        source.try_set(Source::Table);
                    }
                    error.try_set(Some(e));
                }
            }
        });
    });

    let options = move || {
        let mut all = vec![(Source::Table, "Whole table".to_owned())];
        all.extend(
            ctx.partitions
                .get()
                .into_iter()
                .map(|id| (Source::Partition(id), format!("Partition {id}"))),
        );
        all.extend(
            described
                .get()
                .indexes
                .into_iter()
                .map(|(name, _)| (Source::Index(name.clone()), format!("Index {name} (GSI)"))),
        );
        // Keep a chosen partition listed after it split, until the chart falls back.
        let chosen = source.get();
        if !all.iter().any(|(s, _)| *s == chosen) {
            let label = chosen.label();
            all.push((chosen, label));
        }
        all.into_iter()
            .map(|(s, label)| {
                let value = s.value();
                let selected = move || source.get() == s;
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view()
    };

    let summary = move || drawn.with(|d| d.as_ref().map(Drawn::summary).unwrap_or_default());

    view! {
        <section class="panel capacity-chart" aria-labelledby="capacity-heading" data-testid="capacity-chart">
            <div class="title-row">
                <h2 id="capacity-heading">"Capacity"</h2>
                <div class="capacity-source">
                    <label for="capacity-source">"Series"</label>
                    <select
                        id="capacity-source"
                        data-testid="capacity-source"
                        on:change=move |ev| source.set(Source::parse(&event_target_value(&ev)))
                    >
                        {options}
                    </select>
                </div>
            </div>
            <p class="capacity-summary" data-testid="capacity-summary">{summary}</p>
            {move || error.get().map(|e| view! { <ErrorNotice error=e testid="capacity-error" /> })}
            {move || match drawn.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(d) => view! { <Chart drawn=d /> }.into_any(),
            }}
        </section>
    }
}

/// The plot, its axes, the burst strip and the legend.
#[component]
fn Chart(drawn: Drawn) -> impl IntoView {
    let scale = drawn.scale();
    let summary = drawn.summary();
    let plot_title = summary.clone();
    let seconds = &drawn.series.seconds;
    let inner = HEIGHT - TOP - BOTTOM;

    // The y axis: 0, half and the top of the scale.
    let ticks = [0.0, scale / 2.0, scale];
    let y_labels = ticks
        .iter()
        .map(|&v| {
            view! {
                <text x="40" y=format!("{:.1}", drawn.y(v) + 4.0) text-anchor="end">{units(v)}</text>
            }
        })
        .collect_view();
    let gridlines = ticks
        .iter()
        .map(|&v| {
            let y = format!("{:.1}", drawn.y(v));
            view! { <line class=if v == 0.0 { "grid base" } else { "grid" } x1="0" x2="100%" y1=y.clone() y2=y /> }
        })
        .collect_view();

    // The two series as lines over the 60 seconds (a missing second consumed nothing).
    let line = |pick: fn(&Second) -> f64| {
        seconds
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let v = (pick(s) / scale).clamp(0.0, 1.0);
                format!("{:.2},{:.2}", i as f64 + 0.5, inner * (1.0 - v))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let read_line = line(|s| s.read);
    let write_line = line(|s| s.write);

    // Points where something was consumed, with their figures as a tooltip.
    let points = seconds
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            let at = clock_text(s.at);
            let x = pct(x_of(i));
            let read = (s.read > 0.0).then(|| {
                let title = format!("{at}: {} RCU consumed", units(s.read));
                view! {
                    <circle class="point read" cx=x.clone() cy=format!("{:.1}", drawn.y(s.read)) r="3.5"
                        data-testid="capacity-point" data-series="read">
                        <title>{title}</title>
                    </circle>
                }
            });
            let write = (s.write > 0.0).then(|| {
                let title = format!("{at}: {} WCU consumed", units(s.write));
                view! {
                    <rect class="point write" x=x.clone() y=format!("{:.1}", drawn.y(s.write))
                        width="7" height="7" transform="translate(-3.5 -3.5)"
                        data-testid="capacity-point" data-series="write">
                        <title>{title}</title>
                    </rect>
                }
            });
            [read.map(IntoAny::into_any), write.map(IntoAny::into_any)]
        })
        .flatten()
        .collect_view();

    // Red triangles over the seconds with throttled requests.
    let throttles = seconds
        .iter()
        .enumerate()
        .filter(|(_, s)| s.throttled_reads + s.throttled_writes > 0)
        .map(|(i, s)| {
            let title = format!(
                "{}: throttled {}, {}",
                clock_text(s.at),
                plural(s.throttled_writes, "write", "writes"),
                plural(s.throttled_reads, "read", "reads"),
            );
            view! {
                <svg x=pct(x_of(i)) y="0" width="1" height="1" overflow="visible" class="throttle"
                    data-testid="throttle-marker"
                    data-writes=s.throttled_writes
                    data-reads=s.throttled_reads>
                    <title>{title}</title>
                    <path d="M-6,2 L6,2 L0,13 Z" />
                </svg>
            }
        })
        .collect_view();

    // The provisioned levels, labelled (reads on the left, writes on the right).
    let (prov_read, prov_write) = drawn.provisioned;
    let provisioned = [
        (prov_read, "read", "RCU provisioned", "4", "start"),
        (prov_write, "write", "WCU provisioned", "99.5%", "end"),
    ]
    .into_iter()
    .filter(|(v, ..)| *v > 0.0)
    .map(|(v, kind, label, x, anchor)| {
        let y = drawn.y(v);
        let text = format!("{} {label}", units(v));
        view! {
            <g class=format!("provisioned {kind}") data-testid="provisioned-line" data-series=kind>
                <line x1="0" x2="100%" y1=format!("{y:.1}") y2=format!("{y:.1}") />
                <text x=x y=format!("{:.1}", y - 4.0) text-anchor=anchor>{text}</text>
            </g>
        }
    })
    .collect_view();

    let burst = (prov_read > 0.0 || prov_write > 0.0)
        .then(|| view! { <BurstStrip seconds=drawn.series.seconds.clone() provisioned=drawn.provisioned /> });

    view! {
        <figure class="chart">
            <p class="y-title" aria-hidden="true">"capacity units per second"</p>
            <div class="chart-body">
                <svg class="y-axis" width="44" height=HEIGHT aria-hidden="true">
                    {y_labels}
                </svg>
                <svg
                    class="plot"
                    width="100%"
                    height=HEIGHT
                    role="img"
                    aria-label=summary
                    data-testid="capacity-plot"
                >
                    <title>{plot_title}</title>
                    {gridlines}
                    {provisioned}
                    <svg x="0" y=TOP width="100%" height=inner viewBox=format!("0 0 {SECONDS} {inner}")
                        preserveAspectRatio="none" overflow="visible" aria-hidden="true">
                        <polyline class="series read" points=read_line vector-effect="non-scaling-stroke" />
                        <polyline class="series write" points=write_line vector-effect="non-scaling-stroke" />
                    </svg>
                    {points}
                    {throttles}
                </svg>
            </div>
            <div class="x-axis" aria-hidden="true">
                <span>"−60 s"</span>
                <span>"−30 s"</span>
                <span>"now (virtual time)"</span>
            </div>
            {burst}
            <figcaption>
                <ul class="chart-legend" aria-label="Legend">
                    <li>
                        <svg class="legend-mark" viewBox="0 0 28 12" aria-hidden="true">
                            <line class="series read" x1="0" y1="6" x2="28" y2="6" />
                            <circle class="point read" cx="14" cy="6" r="3.5" />
                        </svg>
                        "read units consumed per second"
                    </li>
                    <li>
                        <svg class="legend-mark" viewBox="0 0 28 12" aria-hidden="true">
                            <line class="series write" x1="0" y1="6" x2="28" y2="6" />
                            <rect class="point write" x="10.5" y="2.5" width="7" height="7" />
                        </svg>
                        "write units consumed per second"
                    </li>
                    <li>
                        <svg class="legend-mark" viewBox="0 0 28 12" aria-hidden="true">
                            <g class="provisioned write"><line x1="0" y1="6" x2="28" y2="6" /></g>
                        </svg>
                        "provisioned capacity (dashed)"
                    </li>
                    <li>
                        <svg class="legend-mark" viewBox="0 0 28 14" aria-hidden="true">
                            <g class="throttle"><path d="M8,1 L20,1 L14,12 Z" /></g>
                        </svg>
                        "throttled requests in that second"
                    </li>
                </ul>
            </figcaption>
        </figure>
    }
}

/// The burst credit banked over the window, against its cap of 300 s of the provisioned
/// rate. A second without a datapoint keeps the level last seen.
#[component]
fn BurstStrip(seconds: Vec<Second>, provisioned: (f64, f64)) -> impl IntoView {
    let (prov_read, prov_write) = provisioned;
    let mut last: Option<Gauges> = None;
    let levels: Vec<Option<Gauges>> = seconds
        .iter()
        .map(|s| {
            if s.gauges.is_some() {
                last = s.gauges;
            }
            last
        })
        .collect();
    let Some(latest) = last else {
        return view! {
            <p class="muted burst-caption" data-testid="burst-strip">
                "Burst credit: no datapoint in the last minute."
            </p>
        }
        .into_any();
    };
    let cap_write = (prov_write * BURST_SECONDS)
        .max(latest.burst_write)
        .max(1.0);
    let cap_read = (prov_read * BURST_SECONDS).max(latest.burst_read).max(1.0);
    let path = |pick: fn(&Gauges) -> f64, cap: f64| {
        levels
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                g.as_ref().map(|g| {
                    let y = BURST_HEIGHT * (1.0 - (pick(g) / cap).clamp(0.0, 1.0));
                    format!(
                        "{} {:.2},{:.2} {:.2},{:.2}",
                        "L",
                        i as f64,
                        y,
                        i as f64 + 1.0,
                        y
                    )
                })
            })
            .collect::<Vec<_>>()
    };
    let write_steps = path(|g| g.burst_write, cap_write);
    let read_steps = path(|g| g.burst_read, cap_read);
    let first = levels.iter().position(Option::is_some).unwrap_or(0);
    let area = format!(
        "M{first},{BURST_HEIGHT} {} L{SECONDS},{BURST_HEIGHT} Z",
        write_steps.join(" ")
    );
    let read_line = read_steps.join(" ").replacen('L', "M", 1);
    let caption = format!(
        "Burst credit banked (up to 300 s of unused capacity): write {} of {} WCU·s, read {} of {} RCU·s",
        units(latest.burst_write),
        units(prov_write * BURST_SECONDS),
        units(latest.burst_read),
        units(prov_read * BURST_SECONDS),
    );
    let caption_text = caption.clone();
    let caption_title = caption.clone();
    view! {
        <div class="burst" data-testid="burst-strip">
            <p class="burst-caption">{caption_text}</p>
            <svg class="burst-plot" width="100%" height=BURST_HEIGHT role="img" aria-label=caption>
                <title>{caption_title}</title>
                <rect class="burst-bg" x="0" y="0" width="100%" height=BURST_HEIGHT />
                <svg x="0" y="0" width="100%" height=BURST_HEIGHT viewBox=format!("0 0 {SECONDS} {BURST_HEIGHT}")
                    preserveAspectRatio="none" aria-hidden="true">
                    <path class="burst-area write" d=area />
                    <path class="burst-line read" d=read_line vector-effect="non-scaling-stroke" />
                </svg>
            </svg>
        </div>
    }
    .into_any()
}
