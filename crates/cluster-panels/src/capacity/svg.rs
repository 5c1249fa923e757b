//! The capacity chart's figure as HTML with inline SVG: reads as a blue line with round
//! points, writes as an orange line with square points (each point titled with its second
//! and figure), a provisioned level of each colour as a dashed line labelled in words, a
//! red triangle over each second with throttled requests, the y axis at 0, half and the top
//! of the scale, and the legend. Under the plot, when the table is provisioned, a strip of
//! the burst credit banked against its cap of [`BURST_SECONDS`] of the provisioned rate (the
//! engine's own window); a second without a datapoint keeps the level last seen.

use dynoscope_engine::BURST_SECONDS;

use super::{Drawn, Gauges, SECONDS, Second, plural, summary, units};
use crate::timeline::html::clock_text;
use dynoscope_codegen::html::escape;

/// Height of the plot in pixels; the series are drawn between [`TOP`] and `HEIGHT - BOTTOM`.
const HEIGHT: f64 = 180.0;
const TOP: f64 = 18.0;
const BOTTOM: f64 = 4.0;
/// Height of the burst strip.
const BURST_HEIGHT: f64 = 22.0;

const LEGEND: &str = "<figcaption><ul class=\"chart-legend\" aria-label=\"Legend\">\
<li><svg class=\"legend-mark\" viewBox=\"0 0 28 12\" aria-hidden=\"true\"><line class=\"series read\" x1=\"0\" y1=\"6\" x2=\"28\" y2=\"6\"></line><circle class=\"point read\" cx=\"14\" cy=\"6\" r=\"3.5\"></circle></svg>read units consumed per second</li>\
<li><svg class=\"legend-mark\" viewBox=\"0 0 28 12\" aria-hidden=\"true\"><line class=\"series write\" x1=\"0\" y1=\"6\" x2=\"28\" y2=\"6\"></line><rect class=\"point write\" x=\"10.5\" y=\"2.5\" width=\"7\" height=\"7\"></rect></svg>write units consumed per second</li>\
<li><svg class=\"legend-mark\" viewBox=\"0 0 28 12\" aria-hidden=\"true\"><g class=\"provisioned write\"><line x1=\"0\" y1=\"6\" x2=\"28\" y2=\"6\"></line></g></svg>provisioned capacity (dashed)</li>\
<li><svg class=\"legend-mark\" viewBox=\"0 0 28 14\" aria-hidden=\"true\"><g class=\"throttle\"><path d=\"M8,1 L20,1 L14,12 Z\"></path></g></svg>throttled requests in that second</li>\
</ul></figcaption>";

/// The plot's y coordinate of `value` on a scale topped at `scale`.
pub fn y_of(value: f64, scale: f64) -> f64 {
    let inner = HEIGHT - TOP - BOTTOM;
    TOP + inner * (1.0 - (value / scale).clamp(0.0, 1.0))
}

/// Percent of the plot's width for the middle of second `i` of [`SECONDS`].
pub fn x_of(i: usize) -> String {
    let x = (i as f64 + 0.5) / SECONDS as f64 * 100.0;
    format!("{:.3}%", x.clamp(0.0, 100.0))
}

/// The figure: plot, axes, burst strip (when provisioned) and legend.
pub fn chart_html(drawn: &Drawn, offset_minutes: i64) -> String {
    let scale = drawn.scale();
    let title = escape(&summary(drawn));
    let seconds = &drawn.series.seconds;
    let inner = HEIGHT - TOP - BOTTOM;
    let ticks = [0.0, scale / 2.0, scale];
    let mut out = String::from(
        "<figure class=\"chart\"><p class=\"y-title\" aria-hidden=\"true\">capacity units per second</p><div class=\"chart-body\">",
    );
    out += &format!("<svg class=\"y-axis\" width=\"44\" height=\"{HEIGHT}\" aria-hidden=\"true\">");
    for v in ticks {
        out += &format!(
            "<text x=\"40\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            y_of(v, scale) + 4.0,
            units(v)
        );
    }
    out += &format!(
        "</svg><svg class=\"plot\" width=\"100%\" height=\"{HEIGHT}\" role=\"img\" aria-label=\"{title}\" data-testid=\"capacity-plot\"><title>{title}</title>"
    );
    for v in ticks {
        let y = format!("{:.1}", y_of(v, scale));
        let class = if v == 0.0 { "grid base" } else { "grid" };
        out +=
            &format!("<line class=\"{class}\" x1=\"0\" x2=\"100%\" y1=\"{y}\" y2=\"{y}\"></line>");
    }
    out += &provisioned_html(drawn.provisioned, scale);
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
    out += &format!(
        "<svg x=\"0\" y=\"{TOP}\" width=\"100%\" height=\"{inner}\" viewBox=\"0 0 {SECONDS} {inner}\" preserveAspectRatio=\"none\" overflow=\"visible\" aria-hidden=\"true\">\
<polyline class=\"series read\" points=\"{}\" vector-effect=\"non-scaling-stroke\"></polyline>\
<polyline class=\"series write\" points=\"{}\" vector-effect=\"non-scaling-stroke\"></polyline></svg>",
        line(|s| s.read),
        line(|s| s.write)
    );
    out += &points_html(seconds, scale, offset_minutes);
    out += &throttles_html(seconds, offset_minutes);
    out += "</svg></div><div class=\"x-axis\" aria-hidden=\"true\"><span>−60 s</span><span>−30 s</span><span>now (virtual time)</span></div>";
    if drawn.provisioned() {
        out += &burst_html(seconds, drawn.provisioned);
    }
    out += LEGEND;
    out += "</figure>";
    out
}

/// Points where something was consumed, with their figures as a tooltip.
fn points_html(seconds: &[Second], scale: f64, offset_minutes: i64) -> String {
    let mut out = String::new();
    for (i, s) in seconds.iter().enumerate() {
        let at = clock_text(s.at, offset_minutes);
        let x = x_of(i);
        if s.read > 0.0 {
            out += &format!(
                "<circle class=\"point read\" cx=\"{x}\" cy=\"{:.1}\" r=\"3.5\" data-testid=\"capacity-point\" data-series=\"read\"><title>{at}: {} RCU consumed</title></circle>",
                y_of(s.read, scale),
                units(s.read)
            );
        }
        if s.write > 0.0 {
            out += &format!(
                "<rect class=\"point write\" x=\"{x}\" y=\"{:.1}\" width=\"7\" height=\"7\" transform=\"translate(-3.5 -3.5)\" data-testid=\"capacity-point\" data-series=\"write\"><title>{at}: {} WCU consumed</title></rect>",
                y_of(s.write, scale),
                units(s.write)
            );
        }
    }
    out
}

/// Red triangles over the seconds with throttled requests.
fn throttles_html(seconds: &[Second], offset_minutes: i64) -> String {
    let mut out = String::new();
    for (i, s) in seconds.iter().enumerate() {
        if s.throttled_reads + s.throttled_writes == 0 {
            continue;
        }
        out += &format!(
            "<svg x=\"{}\" y=\"0\" width=\"1\" height=\"1\" overflow=\"visible\" class=\"throttle\" data-testid=\"throttle-marker\" data-writes=\"{}\" data-reads=\"{}\"><title>{}: throttled {}, {}</title><path d=\"M-6,2 L6,2 L0,13 Z\"></path></svg>",
            x_of(i),
            s.throttled_writes,
            s.throttled_reads,
            clock_text(s.at, offset_minutes),
            plural(s.throttled_writes, "write", "writes"),
            plural(s.throttled_reads, "read", "reads"),
        );
    }
    out
}

/// The provisioned levels, labelled (reads on the left, writes on the right).
fn provisioned_html((read, write): (f64, f64), scale: f64) -> String {
    [
        (read, "read", "RCU provisioned", "4", "start"),
        (write, "write", "WCU provisioned", "99.5%", "end"),
    ]
    .into_iter()
    .filter(|(v, ..)| *v > 0.0)
    .map(|(v, kind, label, x, anchor)| {
        let y = y_of(v, scale);
        format!(
            "<g class=\"provisioned {kind}\" data-testid=\"provisioned-line\" data-series=\"{kind}\"><line x1=\"0\" x2=\"100%\" y1=\"{y:.1}\" y2=\"{y:.1}\"></line><text x=\"{x}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{} {label}</text></g>",
            y - 4.0,
            units(v)
        )
    })
    .collect()
}

/// The burst credit banked over the window, against its cap of [`BURST_SECONDS`] of the
/// provisioned rate.
pub fn burst_html(seconds: &[Second], (prov_read, prov_write): (f64, f64)) -> String {
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
        return "<p class=\"muted burst-caption\" data-testid=\"burst-strip\">Burst credit: no datapoint in the last minute.</p>".to_owned();
    };
    let cap_write = (prov_write * BURST_SECONDS)
        .max(latest.burst_write)
        .max(1.0);
    let cap_read = (prov_read * BURST_SECONDS).max(latest.burst_read).max(1.0);
    let steps = |pick: fn(&Gauges) -> f64, cap: f64| {
        levels
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                g.as_ref().map(|g| {
                    let y = BURST_HEIGHT * (1.0 - (pick(g) / cap).clamp(0.0, 1.0));
                    format!("L {:.2},{y:.2} {:.2},{y:.2}", i as f64, i as f64 + 1.0)
                })
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let first = levels.iter().position(Option::is_some).unwrap_or(0);
    let area = format!(
        "M{first},{BURST_HEIGHT} {} L{SECONDS},{BURST_HEIGHT} Z",
        steps(|g| g.burst_write, cap_write)
    );
    let read_line = steps(|g| g.burst_read, cap_read).replacen('L', "M", 1);
    let caption = format!(
        "Burst credit banked (up to {BURST_SECONDS} s of unused capacity): write {} of {} WCU·s, read {} of {} RCU·s",
        units(latest.burst_write),
        units(prov_write * BURST_SECONDS),
        units(latest.burst_read),
        units(prov_read * BURST_SECONDS),
    );
    format!(
        "<div class=\"burst\" data-testid=\"burst-strip\"><p class=\"burst-caption\">{caption}</p>\
<svg class=\"burst-plot\" width=\"100%\" height=\"{BURST_HEIGHT}\" role=\"img\" aria-label=\"{caption}\"><title>{caption}</title>\
<rect class=\"burst-bg\" x=\"0\" y=\"0\" width=\"100%\" height=\"{BURST_HEIGHT}\"></rect>\
<svg x=\"0\" y=\"0\" width=\"100%\" height=\"{BURST_HEIGHT}\" viewBox=\"0 0 {SECONDS} {BURST_HEIGHT}\" preserveAspectRatio=\"none\" aria-hidden=\"true\">\
<path class=\"burst-area write\" d=\"{area}\"></path><path class=\"burst-line read\" d=\"{read_line}\" vector-effect=\"non-scaling-stroke\"></path></svg></svg></div>"
    )
}
