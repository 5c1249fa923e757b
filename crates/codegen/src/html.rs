//! The "Code" panel as HTML, for pages written outside a UI framework (the console's log,
//! the guided scenarios' steps): [`placeholder`] is the folded panel naming one request,
//! which the page fills in when it is opened; [`panel`] is what it is filled with, one tab
//! per language and a Copy button. The page's one set of listeners (`data-code-*`) serves
//! every panel however it was written.

use std::fmt::Write as _;

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, for text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A folded "Code" panel for `request` to `operation`, empty until opened.
pub fn placeholder(operation: &str, request: &serde_json::Value) -> String {
    format!(
        "<details class=\"code-sample\" data-testid=\"show-code\" data-code-operation=\"{}\" data-code-request=\"{}\"><summary>Code</summary><div class=\"code-body\"></div></details>",
        escape(operation),
        escape(&request.to_string())
    )
}

/// The panel's contents: a tab per `(language, code or why there is none)`, the first shown.
pub fn panel(samples: &[(String, Result<String, String>)]) -> String {
    let mut out = String::from("<div role=\"tablist\" class=\"code-tabs\">");
    for (i, (language, _)) in samples.iter().enumerate() {
        let selected = i == 0;
        let _ = write!(
            out,
            "<button type=\"button\" role=\"tab\" class=\"code-tab{}\" aria-selected=\"{selected}\" data-testid=\"code-tab\" data-code-tab=\"{i}\">{}</button>",
            if selected { " selected" } else { "" },
            escape(language)
        );
    }
    out.push_str("</div>");
    for (i, (_, code)) in samples.iter().enumerate() {
        let hidden = if i == 0 { "" } else { " hidden" };
        let _ = match code {
            Ok(text) => write!(
                out,
                "<pre class=\"code\" data-testid=\"code-pane\" data-code-pane=\"{i}\"{hidden}>{}</pre>",
                escape(text)
            ),
            Err(why) => write!(
                out,
                "<p class=\"muted\" data-testid=\"code-pane\" data-code-pane=\"{i}\"{hidden}>{}</p>",
                escape(why)
            ),
        };
    }
    out.push_str(
        "<button type=\"button\" data-testid=\"code-copy\" data-code-copy=\"\">Copy</button>",
    );
    out
}
