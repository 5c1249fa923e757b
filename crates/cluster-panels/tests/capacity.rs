//! The capacity chart's rules: the window, the fallbacks for the provisioned level, the
//! selector, the marks drawn and the sentence.

use dynoscope_cluster_panels::capacity::{
    Described, Input, Source, answer, nice_ceiling, options_html, units,
};
use dynoscope_engine::BURST_SECONDS;
use dynoscope_engine::contract::{Datapoint, MetricsDescription, MetricsResolution};
use serde_json::json;

/// The engine's now: 100.5 s after the epoch; the window is seconds 41 to 100.
const END: u64 = 100_501;

fn metrics(datapoints: Vec<Datapoint>) -> MetricsDescription {
    MetricsDescription {
        table_name: "meters".into(),
        index_name: None,
        partition_id: None,
        resolution: MetricsResolution::Second,
        period_seconds: 1,
        start_millis: 41_000,
        end_millis: END,
        datapoints,
    }
}

fn point(second: u64, read: f64, write: f64) -> Datapoint {
    Datapoint {
        start_millis: second * 1000,
        consumed_read_capacity_units: read,
        consumed_write_capacity_units: write,
        ..Datapoint::default()
    }
}

fn provisioned(mut p: Datapoint, read: f64, write: f64) -> Datapoint {
    p.provisioned_read_capacity_units = read;
    p.provisioned_write_capacity_units = write;
    p
}

fn input(source: &str, datapoints: Vec<Datapoint>) -> Input {
    Input {
        source: source.into(),
        metrics: Some(metrics(datapoints)),
        ..Input::default()
    }
}

fn html(input: &Input) -> String {
    answer(input)["html"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn summary(input: &Input) -> String {
    answer(input)["summary"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_window_is_sixty_seconds_ending_with_the_engines_now() {
    let drawn = html(&input(
        "table",
        vec![point(41, 1.0, 0.0), point(100, 0.0, 2.0)],
    ));
    assert_eq!(drawn.matches("data-series=\"read\"").count(), 1);
    assert_eq!(drawn.matches("data-series=\"write\"").count(), 1);
    // The oldest second is drawn at the left edge, the current one at the right.
    assert!(
        drawn.contains("class=\"point read\" cx=\"0.833%\""),
        "{drawn}"
    );
    assert!(
        drawn.contains("class=\"point write\" x=\"99.167%\""),
        "{drawn}"
    );
}

#[test]
fn a_datapoint_outside_the_window_is_left_out() {
    let input = input("table", vec![point(40, 3.0, 3.0), point(101, 3.0, 3.0)]);
    assert!(!html(&input).contains("capacity-point"));
    assert!(summary(&input).contains("no reads or writes"));
}

#[test]
fn datapoints_of_one_second_add_up() {
    let input = input("table", vec![point(50, 1.0, 2.0), point(50, 0.5, 2.0)]);
    assert!(summary(&input).starts_with("Last 60 s (whole table): peak 4 WCU, 1.5 RCU;"));
}

#[test]
fn the_summary_names_source_peaks_throttles_provisioned_level_and_burst_credit() {
    let mut p = provisioned(point(90, 4.0, 12.0), 5.0, 5.0);
    p.throttled_write_requests = 3;
    p.write_burst_credit = 0.0;
    p.read_burst_credit = 20.0;
    assert_eq!(
        summary(&input("partition:7", vec![p])),
        "Last 60 s (partition 7): peak 12 WCU, 4 RCU; 3 throttled writes, 0 throttled reads; \
         provisioned 5 WCU, 5 RCU; burst credit 0 WCU·s, 20 RCU·s."
    );
}

#[test]
fn on_demand_has_no_provisioned_line_and_no_burst_strip() {
    let input = input("table", vec![point(60, 1.0, 1.0)]);
    assert!(summary(&input).ends_with("; on demand (no provisioned level)."));
    let drawn = html(&input);
    assert!(!drawn.contains("provisioned-line"));
    assert!(!drawn.contains("burst-strip"));
}

#[test]
fn without_gauges_the_table_level_comes_from_describe_table() {
    let mut input = input("table", vec![]);
    input.describe = json!({"Table": {"ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 10}}});
    assert!(summary(&input).contains("provisioned 10 WCU, 5 RCU"));
    let drawn = html(&input);
    assert!(drawn.contains("data-testid=\"provisioned-line\" data-series=\"read\""));
    assert!(drawn.contains(">10 WCU provisioned</text>"));
}

#[test]
fn without_gauges_an_index_level_comes_from_its_description() {
    let mut input = input("index:bySite", vec![]);
    input.describe = json!({"Table": {"GlobalSecondaryIndexes": [
        {"IndexName": "bySite", "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 3}}
    ]}});
    assert!(summary(&input).starts_with("Last 60 s (index bySite):"));
    assert!(summary(&input).contains("provisioned 3 WCU, 2 RCU"));
}

#[test]
fn without_gauges_a_partition_level_is_its_allocation() {
    let mut input = input("partition:3", vec![]);
    input.allocated = Some((1.5, 2.5));
    assert!(summary(&input).contains("provisioned 2.5 WCU, 1.5 RCU"));
}

#[test]
fn the_latest_gauges_win_over_the_description() {
    let mut input = input("table", vec![provisioned(point(70, 0.0, 1.0), 8.0, 9.0)]);
    input.describe = json!({"Table": {"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}});
    assert!(summary(&input).contains("provisioned 9 WCU, 8 RCU"));
}

#[test]
fn the_selector_lists_table_partitions_and_indexes_with_the_chosen_selected() {
    let described = Described::from_describe(
        &json!({"Table": {"GlobalSecondaryIndexes": [{"IndexName": "bySite"}]}}),
    );
    assert_eq!(
        options_html(&Source::Partition(2), &[1, 2], &described),
        "<option value=\"table\">Whole table</option>\
         <option value=\"partition:1\">Partition 1</option>\
         <option value=\"partition:2\" selected>Partition 2</option>\
         <option value=\"index:bySite\">Index bySite (GSI)</option>"
    );
}

#[test]
fn a_chosen_partition_that_split_stays_listed() {
    let options = options_html(&Source::Partition(9), &[1, 2], &Described::default());
    assert!(options.ends_with("<option value=\"partition:9\" selected>partition 9</option>"));
}

#[test]
fn an_option_value_names_its_source_and_anything_else_is_the_table() {
    for source in [
        Source::Table,
        Source::Partition(4),
        Source::Index("by-x".into()),
    ] {
        assert_eq!(Source::parse(&source.value()), source);
    }
    assert_eq!(Source::parse("partition:x"), Source::Table);
    assert_eq!(Source::parse(""), Source::Table);
}

#[test]
fn a_point_is_drawn_only_where_something_was_consumed_and_titled_with_its_figure() {
    let drawn = html(&input("table", vec![point(99, 0.0, 2.5)]));
    assert_eq!(drawn.matches("data-testid=\"capacity-point\"").count(), 1);
    assert!(
        drawn.contains("<title>00:01:39.000: 2.5 WCU consumed</title>"),
        "{drawn}"
    );
}

#[test]
fn times_are_in_the_browsers_time_zone() {
    let mut input = input("table", vec![point(99, 1.0, 0.0)]);
    input.offset_minutes = -60;
    assert!(html(&input).contains("<title>01:01:39.000: 1 RCU consumed</title>"));
}

#[test]
fn a_throttled_second_carries_a_marker_with_its_counts() {
    let mut p = point(80, 0.0, 5.0);
    p.throttled_write_requests = 2;
    p.throttled_read_requests = 1;
    let drawn = html(&input("table", vec![p, point(81, 0.0, 5.0)]));
    assert_eq!(drawn.matches("data-testid=\"throttle-marker\"").count(), 1);
    assert!(drawn.contains("data-writes=\"2\" data-reads=\"1\""));
    assert!(drawn.contains(": throttled 2 writes, 1 read</title>"));
}

#[test]
fn the_plot_is_named_by_the_summary() {
    let input = input("table", vec![point(60, 1.0, 1.0)]);
    let sentence = summary(&input);
    let drawn = html(&input);
    assert!(drawn.contains(&format!("role=\"img\" aria-label=\"{sentence}\" data-testid=\"capacity-plot\"><title>{sentence}</title>")));
}

#[test]
fn the_burst_strip_is_capped_at_the_engines_burst_window() {
    let mut p = provisioned(point(95, 0.0, 1.0), 2.0, 5.0);
    p.write_burst_credit = 750.0;
    p.read_burst_credit = 100.0;
    let drawn = html(&input("table", vec![p]));
    let caption = format!(
        "Burst credit banked (up to {BURST_SECONDS} s of unused capacity): write 750 of {} WCU·s, read 100 of {} RCU·s",
        units(5.0 * BURST_SECONDS),
        units(2.0 * BURST_SECONDS)
    );
    assert!(
        drawn.contains(&format!("<p class=\"burst-caption\">{caption}</p>")),
        "{drawn}"
    );
    // Half of the write cap banked: the area's step sits at half the strip's height.
    assert!(drawn.contains("L 54.00,11.00 55.00,11.00"), "{drawn}");
}

#[test]
fn a_provisioned_table_without_a_datapoint_says_there_is_no_burst_level() {
    let mut input = input("table", vec![]);
    input.describe = json!({"Table": {"ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}});
    assert!(html(&input).contains(
        "data-testid=\"burst-strip\">Burst credit: no datapoint in the last minute.</p>"
    ));
}

#[test]
fn without_metrics_only_the_options_are_written() {
    let answered = answer(&Input {
        source: "table".into(),
        ..Input::default()
    });
    assert!(
        answered["options"]
            .as_str()
            .unwrap()
            .contains("Whole table")
    );
    assert!(answered["html"].is_null() && answered["summary"].is_null());
}

#[test]
fn units_are_to_a_tenth_with_thousands_grouped() {
    assert_eq!(units(5.0), "5");
    assert_eq!(units(2.54), "2.5");
    assert_eq!(units(1500.0), "1,500");
    assert_eq!(units(1_234_567.06), "1,234,567.1");
}

#[test]
fn the_scale_tops_at_one_two_or_five_times_a_power_of_ten() {
    assert_eq!(nice_ceiling(0.3), 1.0);
    assert_eq!(nice_ceiling(1.1), 2.0);
    assert_eq!(nice_ceiling(13.2), 20.0);
    assert_eq!(nice_ceiling(501.0), 1000.0);
}
