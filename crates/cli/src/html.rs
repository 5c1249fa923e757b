//! One console line as the page's log shows it, written as escaped HTML where the rest of
//! the console runs (the model's worker): the line, what it printed (stderr apart), and the
//! requests it sent, each with its "Code" panel.

use std::fmt::Write as _;

use dynoscope_codegen::html::{escape, placeholder};

use crate::{Call, Printed};

/// The log entry of `line`, which printed `printed` and sent `calls`.
pub fn entry(line: &str, printed: &Printed, calls: &[Call]) -> String {
    let failed = if printed.exit_code == 0 {
        ""
    } else {
        " failed"
    };
    let mut out = format!(
        "<div class=\"cli-entry{failed}\" data-testid=\"cli-entry\" data-exit-code=\"{}\"><pre class=\"cli-line\">$ {}</pre>",
        printed.exit_code,
        escape(line)
    );
    if !printed.stdout.is_empty() {
        let _ = write!(
            out,
            "<pre class=\"cli-stdout\" data-testid=\"cli-stdout\">{}</pre>",
            escape(&printed.stdout)
        );
    }
    if !printed.stderr.is_empty() {
        let _ = write!(
            out,
            "<pre class=\"cli-stderr\" data-testid=\"cli-stderr\">{}</pre>",
            escape(&printed.stderr)
        );
    }
    if !calls.is_empty() {
        let plural = if calls.len() == 1 { "" } else { "s" };
        let _ = write!(
            out,
            "<details class=\"cli-requests\"><summary>The request{plural} this line sent ({})</summary>",
            calls.len()
        );
        for call in calls {
            let json = serde_json::to_string_pretty(&call.request).unwrap_or_default();
            let _ = write!(
                out,
                "<div class=\"cli-request\"><strong>{}</strong><pre data-testid=\"cli-request\">{}</pre>{}</div>",
                escape(&call.operation),
                escape(&json),
                placeholder(&call.operation, &call.request)
            );
        }
        out.push_str("</details>");
    }
    out.push_str("</div>");
    out
}
