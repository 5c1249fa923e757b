//! The load generator's form and its report: totals of what was sent, served, throttled and
//! failed, and a bar per virtual second (served below, throttled stacked above), drawn as
//! SVG.

use std::collections::BTreeMap;

use dynoscope_codegen::html::escape;

use crate::settings::{MAX_ITEM_BYTES, MAX_KEYS, MAX_RATE, MAX_SECONDS};
use crate::tally::Second;

/// The form, filled in with `fields` (the defaults where a field is missing).
pub fn form_html(fields: &BTreeMap<String, String>) -> String {
    let value =
        |name: &str, default: &str| escape(fields.get(name).map(String::as_str).unwrap_or(default));
    let number = |name: &str, label: &str, default: &str, max: u32| {
        format!(
            "<label>{label} <input name=\"{name}\" type=\"number\" min=\"0\" max=\"{max}\" value=\"{}\" data-testid=\"load-{name}\"></label>",
            value(name, default)
        )
    };
    let distribution = fields
        .get("distribution")
        .map(String::as_str)
        .unwrap_or("uniform");
    let exponent = value("exponent", "1.2");
    let option = |v: &str, text: &str| {
        let selected = if v == distribution { " selected" } else { "" };
        format!("<option value=\"{v}\"{selected}>{text}</option>")
    };
    format!(
        "<form class=\"load-form\" data-load-form novalidate>\
         <div class=\"load-row\">{}{}{}{}</div>\
         <div class=\"load-row\"><span class=\"load-mix\">Mix (shares)</span>{}{}{}</div>\
         <div class=\"load-row\"><label>Keys chosen <select name=\"distribution\" data-testid=\"load-distribution\">{}{}{}</select></label>\
         <label>Zipf exponent <input name=\"exponent\" type=\"range\" min=\"0\" max=\"4\" step=\"0.1\" value=\"{exponent}\" data-testid=\"load-exponent\"> <output data-load-exponent>{exponent}</output></label></div>\
         <div class=\"load-actions\"><button type=\"submit\" class=\"primary\" data-testid=\"load-start\">Start</button>\
         <button type=\"button\" data-load=\"stop\" data-testid=\"load-stop\" disabled>Stop</button>\
         <span class=\"muted\">The generator moves the virtual clock itself, one 100 ms tick at a time, as fast as the tab can send.</span></div></form>",
        number("rate", "Requests per second", "200", MAX_RATE),
        number("seconds", "for seconds", "10", MAX_SECONDS),
        number("keys", "over keys", "1000", MAX_KEYS),
        number("item-bytes", "item bytes", "1000", MAX_ITEM_BYTES),
        number("put", "PutItem", "50", 100),
        number("get", "GetItem", "50", 100),
        number("query", "Query", "0", 100),
        option("uniform", "uniformly"),
        option("zipf", "Zipf-skewed"),
        option("hot", "one hot key"),
    )
}

/// The report of a run so far: `seconds` of `planned`.
pub fn report_html(seconds: &[Second], planned: u32, running: bool) -> String {
    let sum = |f: fn(&Second) -> u32| seconds.iter().map(f).sum::<u32>();
    let (sent, served, throttled, failed) = (
        sum(Second::sent),
        sum(|s| s.served),
        sum(|s| s.throttled),
        sum(|s| s.failed),
    );
    let units: f64 = seconds.iter().map(|s| s.units).sum();
    let share = if sent == 0 {
        0.0
    } else {
        f64::from(throttled) * 100.0 / f64::from(sent)
    };
    let state = if running { "Running" } else { "Ran" };
    let mut out = format!(
        "<p class=\"load-totals\" data-testid=\"load-totals\">{state} {} of {planned} virtual seconds: sent <strong data-testid=\"load-sent\">{sent}</strong>, served <strong data-testid=\"load-served\">{served}</strong>, throttled <strong data-testid=\"load-throttled\">{throttled}</strong> ({share:.1}%), failed {failed}; {} capacity units consumed.</p>",
        seconds.len(),
        (units * 10.0).round() / 10.0
    );
    out += &bars(seconds, planned);
    if let Some(failure) = seconds.iter().find_map(|s| s.first_failure.as_deref()) {
        out += &format!(
            "<p class=\"error\" data-testid=\"load-failure\">Some requests failed: {}</p>",
            escape(failure)
        );
    }
    out
}

/// A bar per second: served in the accent colour, throttled in red above it.
fn bars(seconds: &[Second], planned: u32) -> String {
    let (width, height) = (600.0, 120.0);
    let top = seconds.iter().map(Second::sent).max().unwrap_or(0).max(1);
    let step = width / f64::from(planned.max(1));
    let scale = |n: u32| f64::from(n) * (height - 10.0) / f64::from(top);
    let mut out = format!(
        "<svg class=\"load-bars\" viewBox=\"0 0 {width} {height}\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"Requests per virtual second: served and throttled\" data-testid=\"load-bars\">"
    );
    for (i, s) in seconds.iter().enumerate() {
        let x = i as f64 * step;
        let served = scale(s.served);
        let throttled = scale(s.throttled);
        out += &format!(
            "<g><title>second {}: {} served, {} throttled, {} failed</title>\
             <rect class=\"served\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{served:.1}\"/>\
             <rect class=\"throttled\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{throttled:.1}\"/></g>",
            i + 1,
            s.served,
            s.throttled,
            s.failed,
            height - served,
            (step - 1.0).max(1.0),
            height - served - throttled,
            (step - 1.0).max(1.0),
        );
    }
    out += "</svg><p class=\"muted load-legend\"><span class=\"swatch served\"></span> served <span class=\"swatch throttled\"></span> throttled, per virtual second</p>";
    out
}
