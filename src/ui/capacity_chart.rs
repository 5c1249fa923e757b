//! The capacity chart, page side: the last 60 seconds of the selected table's consumed read
//! and write units per second. On every refresh of the Cluster view (and when the series
//! selector changes) this glue reads `Dynoscope_GetMetrics` (one-second resolution,
//! `StartMillis` a minute before the engine's now) for the chosen series (the whole table,
//! one partition, one global index) through the one door, and hands it, with the table's
//! DescribeTable (read after every write, for the index list and provisioned capacity) and
//! the partitions the map last read, to the worker's `capacity` panel
//! ([`dynoscope_cluster_panels::capacity`]), which writes the selector's options, the
//! summary sentence and the SVG; each is set only when it changed. Plain HTML: as a Leptos
//! view the chart cost the first load about 13 KB gzipped.

use leptos::prelude::*;
use serde_json::{Value, json};

use super::cluster::ClusterCtx;
use super::dom::{element, error_text, set_html};
use super::{AppState, ShownError};
use crate::converters;

/// Seconds the chart covers.
const SECONDS: u64 = 60;

/// The capacity chart of one table.
#[component]
pub fn CapacityChart(table: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let ctx = expect_context::<ClusterCtx>();
    // The selector's value: `table`, `partition:ID` or `index:NAME`.
    let source = RwSignal::new("table".to_owned());
    let describe = StoredValue::new(Value::Null);
    let busy = StoredValue::new(false);
    // What was last set: the options, the summary and the chart.
    let shown = StoredValue::new([String::new(), String::new(), String::new()]);

    // The table's description (global indexes, provisioned capacity), after every UI write.
    {
        let table = table.clone();
        Effect::new(move |_| {
            state.revision.track();
            let request = json!({ "TableName": table });
            leptos::task::spawn_local(async move {
                if let Ok(response) = state.send("DescribeTable", &request).await {
                    describe.try_set_value(response);
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
        let mut request =
            json!({ "TableName": table, "Resolution": "SECOND", "StartMillis": start });
        let partition = chosen
            .strip_prefix("partition:")
            .and_then(|id| id.parse::<u64>().ok());
        if let Some(id) = partition {
            request["PartitionId"] = json!(id);
        }
        if let Some(name) = chosen.strip_prefix("index:") {
            request["IndexName"] = json!(name);
        }
        let allocated = partition.and_then(|id| {
            ctx.throughput.with_untracked(|t| {
                t.get(&id).map(|t| {
                    (
                        t.read.allocated_capacity_units.unwrap_or(0.0),
                        t.write.allocated_capacity_units.unwrap_or(0.0),
                    )
                })
            })
        });
        let partitions = ctx.partitions.get_untracked();
        leptos::task::spawn_local(async move {
            let result = state.send("Dynoscope_GetMetrics", &request).await;
            let metrics = match result {
                Ok(metrics) => metrics,
                Err(e) => {
                    busy.try_set_value(false);
                    // A partition that split away or an index that was dropped: back to the table.
                    if chosen != "table" {
                        source.try_set("table".to_owned());
                    }
                    return set_html("[data-cap-error]", &error_html(&e));
                }
            };
            set_html("[data-cap-error]", "");
            let input = json!({
                "source": chosen,
                "partitions": partitions,
                "describe": describe.try_get_value().unwrap_or_default(),
                "metrics": metrics,
                "allocated": allocated,
                "offsetMinutes": js_sys::Date::new_0().get_timezone_offset() as i64,
            });
            let answer = converters::panel("capacity", input).await;
            busy.try_set_value(false);
            let drawn = match answer {
                Ok(drawn) => drawn,
                Err(e) => return set_html("[data-cap-error]", &error_text(&e.message)),
            };
            let part = |name: &str| drawn[name].as_str().unwrap_or("").to_owned();
            let next = [part("options"), part("summary"), part("html")];
            let Some(last) = shown.try_get_value() else {
                return;
            };
            let hosts = [
                "#capacity-source",
                "[data-testid=\"capacity-summary\"]",
                "[data-cap-chart]",
            ];
            for (i, host) in hosts.into_iter().enumerate() {
                if next[i] != last[i]
                    && let Some(el) = element(host)
                {
                    if i == 1 {
                        el.set_text_content(Some(&next[i]));
                    } else {
                        el.set_inner_html(&next[i]);
                    }
                }
            }
            shown.try_set_value(next);
        });
    });

    view! {
        <section
            class="panel capacity-chart"
            aria-labelledby="capacity-heading"
            data-testid="capacity-chart"
            on:change=move |ev| {
                let target = event_target::<web_sys::HtmlSelectElement>(&ev);
                if target.id() == "capacity-source" {
                    source.set(target.value());
                }
            }
        >
            <div class="title-row">
                <h2 id="capacity-heading">"Capacity"</h2>
                <div class="capacity-source">
                    <label for="capacity-source">"Series"</label>
                    <select id="capacity-source" data-testid="capacity-source">
                        <option value="table">"Whole table"</option>
                    </select>
                </div>
            </div>
            <p class="capacity-summary" data-testid="capacity-summary"></p>
            <div data-cap-error></div>
            <div data-cap-chart><p class="muted">"Loading…"</p></div>
        </section>
    }
}

/// A DynamoDB error as the app's error notice shows it: its name in bold, then the message.
fn error_html(error: &ShownError) -> String {
    use dynoscope_codegen::html::escape;
    format!(
        "<div class=\"error\" role=\"alert\" data-testid=\"capacity-error\" title=\"{}\"><strong class=\"error-name\">{}</strong><span class=\"error-message\">{}</span></div>",
        escape(&error.wire_type),
        escape(&error.name),
        escape(&error.message)
    )
}
