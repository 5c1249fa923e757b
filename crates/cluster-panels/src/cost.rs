//! The cost panel's body: what one table's workload so far would cost, from
//! `Dynoscope_EstimateCost`, as a table of lines, each the engine's own arithmetic
//! ("12 WRU × $0.625 per 1M WRU = $0.00000750") and its cost, grouped by pricing model (on
//! demand, provisioned as held, provisioned for the busiest second), storage after them,
//! with the table's own billing mode marked in words.

use dynoscope_codegen::html::escape;
use dynoscope_engine::contract::{CostEstimate, CostLines};

/// The body of the panel for `table`, and a fingerprint of the request units consumed
/// (a change means reads or writes happened); `None` if the estimate does not name it.
pub fn cost_html(estimates: &CostEstimate, table: &str) -> Option<(String, String)> {
    let estimate = estimates.tables.iter().find(|t| t.table_name == table)?;
    let provisioned_mode = estimate.billing_mode == "PROVISIONED";
    let totals = &estimate.total_usd;
    let right_sized = &estimate.provisioned.right_sized;
    let peak = format!(
        "Provisioned for the busiest second ({} RCU, {} WCU)",
        right_sized.provisioned_read_capacity_units, right_sized.provisioned_write_capacity_units,
    );
    let models = [
        (
            "on-demand",
            "on demand",
            "On demand (request units)".to_owned(),
            &estimate.on_demand,
            totals.on_demand,
            !provisioned_mode,
        ),
        (
            "provisioned-held",
            "provisioned as held",
            "Provisioned, as held".to_owned(),
            &estimate.provisioned.as_held,
            totals.provisioned_as_held,
            provisioned_mode,
        ),
        (
            "provisioned-peak",
            "provisioned for the peak",
            peak,
            &right_sized.cost,
            totals.provisioned_right_sized,
            false,
        ),
    ];
    let comparison: Vec<String> = models
        .iter()
        .map(|(_, short, _, _, total, _)| format!("{short} {}", dollars(*total)))
        .collect();
    let region = format!(
        "{} {}",
        estimates.prices.region, estimates.prices.table_class
    );
    let mut out = format!(
        "<p class=\"cost-summary\" data-testid=\"cost-summary\">Over {} of virtual time: {}.</p>\
         <table class=\"cost-table\" data-testid=\"cost-table\"><caption class=\"visually-hidden\">The workload so far priced three ways ({} prices)</caption>\
         <thead><tr><th scope=\"col\">Line: quantity × rate = cost</th><th scope=\"col\" class=\"cost-usd\">Cost</th></tr></thead>",
        elapsed_text(estimate.elapsed_hours),
        escape(&comparison.join(" · ")),
        escape(region.trim())
    );
    for (key, _, title, group, total, current) in &models {
        out += &format!(
            "<tbody{} data-testid=\"cost-model\" data-model=\"{key}\"><tr class=\"cost-model-head\"><th scope=\"rowgroup\" colspan=\"2\">{}{}</th></tr>{}\
             <tr class=\"cost-total\"><th scope=\"row\">Total, storage included</th><td class=\"cost-usd\" data-testid=\"cost-total\">{}</td></tr></tbody>",
            if *current { " class=\"current\"" } else { "" },
            escape(title),
            if *current {
                "<span class=\"mode-tag\">this table's mode</span>"
            } else {
                ""
            },
            lines_html(group, key),
            dollars(*total)
        );
    }
    out += &format!(
        "<tbody data-testid=\"cost-model-storage\"><tr class=\"cost-model-head\"><th scope=\"rowgroup\" colspan=\"2\">Storage (in every total above)</th></tr>{}</tbody></table>",
        lines_html(&estimate.storage, "storage")
    );
    let notes: String = (estimates.notes.iter())
        .map(|n| format!("<li>{}</li>", escape(n)))
        .collect();
    if !notes.is_empty() {
        out += &format!(
            "<details class=\"cost-notes\"><summary>How this is priced</summary><ul>{notes}</ul></details>"
        );
    }
    let fingerprint: Vec<String> = (estimate.on_demand.lines.iter())
        .map(|l| l.quantity.to_string())
        .collect();
    Some((out, fingerprint.join(",")))
}

/// One priced line per row: the item, the engine's arithmetic under it, and the cost.
fn lines_html(group: &CostLines, model: &str) -> String {
    group
        .lines
        .iter()
        .map(|line| {
            format!(
                "<tr data-testid=\"cost-line\" data-model=\"{model}\"><th scope=\"row\" class=\"cost-item\"><span class=\"cost-item-name\">{}</span>\
                 <code class=\"cost-arithmetic\">{}</code></th><td class=\"cost-usd\">{}</td></tr>",
                escape(&line.item),
                escape(&line.arithmetic),
                dollars(line.cost_usd)
            )
        })
        .collect()
}

/// Dollars: `$0`, `$0.0000075`, `$1.25`.
pub fn dollars(usd: f64) -> String {
    if usd == 0.0 {
        return "$0".to_owned();
    }
    let text = if usd >= 0.01 {
        format!("{usd:.4}")
    } else {
        format!("{usd:.10}")
    };
    let trimmed = text.trim_end_matches('0').trim_end_matches('.');
    format!("${trimmed}")
}

/// Virtual time as `42 s`, `12 min`, `3.5 h`.
pub fn elapsed_text(hours: f64) -> String {
    let seconds = hours * 3600.0;
    if seconds < 120.0 {
        format!("{seconds:.0} s")
    } else if seconds < 7200.0 {
        format!("{:.0} min", seconds / 60.0)
    } else {
        format!("{hours:.1} h")
    }
}
