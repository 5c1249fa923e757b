//! The Learn view's static parts as escaped HTML: the list of scenarios, a lesson's header,
//! its steps (text and source of those reached, the next one's button, the checkpoints of
//! those played) and its closing questions. The page sets them as `inner_html` and listens
//! once per list (`data-step`, `data-question`, `data-choice`), which keeps the Learn view a
//! small part of the page; everything written here is escaped, and only `https://` sources
//! become links.

use std::fmt::Write;

use crate::{CallOptions, Scenario, StepReport};

/// The workspace the page plays lessons in (`?ws=learn`), so a learner's own tables are
/// never touched.
pub const WORKSPACE: &str = "learn";

/// `text` with `&`, `<`, `>`, `"` and `'` escaped (the one the "Code" panel uses).
pub use dynoscope_codegen::html::escape;

/// Paragraphs (split on blank lines) with `code` spans.
pub fn prose(text: &str) -> String {
    let mut out = String::new();
    for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let joined = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str("<p>");
        for (i, piece) in joined.split('`').enumerate() {
            if i % 2 == 1 {
                let _ = write!(out, "<code>{}</code>", escape(piece));
            } else {
                out.push_str(&escape(piece));
            }
        }
        out.push_str("</p>");
    }
    out
}

/// Where scenario `id` is played: its path in the lesson workspace (ids are kebab-case, so
/// they need no encoding).
pub fn href(id: &str) -> String {
    format!("/learn/{id}?ws={WORKSPACE}")
}

fn topics(s: &Scenario) -> String {
    let mut line = s.topics.join(" · ");
    if !s.exams.is_empty() {
        let _ = write!(line, " · {}", s.exams.join(", "));
    }
    escape(&line)
}

/// Every scenario, one card each (`data-extras` on those that need the engine's extras).
pub fn list(scenarios: &[Scenario]) -> String {
    let mut out = String::from(
        "<section class=\"learn-intro\"><h2>Learn by watching it happen</h2><p>Each scenario makes one \
         DynamoDB rule happen on the engine in this tab, step by step, and checks the exact number or \
         observation it should produce. Scenarios run in a workspace of their own, so your tables stay \
         as they are.</p></section><ul class=\"scenario-list\" data-testid=\"scenario-list\">",
    );
    for s in scenarios {
        let _ = write!(
            out,
            "<li class=\"scenario-card\" data-testid=\"scenario-card\" data-scenario=\"{id}\"{extras}>\
             <h3><a href=\"{href}\" data-testid=\"scenario-open\">{title}</a></h3>\
             <p class=\"muted\">{topics}</p><p>{summary}</p></li>",
            id = escape(&s.id),
            extras = if s.extras {
                " data-extras=\"true\""
            } else {
                ""
            },
            href = escape(&href(&s.id)),
            title = escape(&s.title),
            topics = topics(s),
            summary = escape(&s.summary),
        );
    }
    out.push_str("</ul>");
    out
}

/// The lesson's title, topics and summary, and where it runs.
pub fn header(s: &Scenario, in_workspace: bool) -> String {
    let place = if in_workspace {
        format!(
            "<p class=\"muted\">This lesson runs in the <code>{WORKSPACE}</code> workspace: open the \
             <a href=\"/tables?ws={WORKSPACE}\">Tables view</a> between steps to see its tables, \
             partitions and replicas. Opening the lesson starts it over.</p>"
        )
    } else {
        format!(
            "<p class=\"notice\" data-testid=\"lesson-elsewhere\">Lessons run in a workspace of their own, \
             so your tables stay exactly as they are. <a class=\"button primary\" href=\"{}\" \
             data-testid=\"lesson-move\">Open it there</a></p>",
            escape(&href(&s.id))
        )
    };
    format!(
        "<p><a href=\"/learn\" data-testid=\"lesson-all\">← All scenarios</a></p>\
         <h2 data-testid=\"lesson-title\">{}</h2><p class=\"muted\">{}</p><p>{}</p>{place}",
        escape(&s.title),
        topics(s),
        escape(&s.summary)
    )
}

/// The steps: those reached with their text, the next one with its button, the played
/// ones with their checkpoints.
pub fn steps(s: &Scenario, next: usize, reports: &[StepReport], can_run: bool) -> String {
    let mut out = String::new();
    for (n, step) in s.steps.iter().enumerate() {
        let state = match n.cmp(&next) {
            std::cmp::Ordering::Less => "done",
            std::cmp::Ordering::Equal => "current",
            std::cmp::Ordering::Greater => "later",
        };
        let _ = write!(
            out,
            "<li class=\"lesson-step {state}\" data-testid=\"lesson-step\"><h3>{}. {}</h3>",
            n + 1,
            escape(&step.title)
        );
        if n <= next {
            let _ = write!(out, "<div class=\"step-text\">{}</div>", prose(&step.text));
            if let Some(url) = step.source.as_deref().filter(|u| u.starts_with("https://")) {
                let _ = write!(
                    out,
                    "<p class=\"muted source\">Documented in <a href=\"{0}\" target=\"_blank\" rel=\"noopener\">{0}</a></p>",
                    escape(url)
                );
            }
        }
        let acts = step.request.is_some() || step.repeat.is_some();
        if n == next && can_run {
            let _ = write!(
                out,
                "<button type=\"button\" class=\"primary\" data-testid=\"lesson-run\" data-step=\"{n}\">{}</button>",
                if acts { "Run this step" } else { "Continue" }
            );
        }
        // A step with checkpoints shows them; one without shows only a failure.
        let shown = |r: &&StepReport| acts && (!r.ok || !r.expected.is_empty());
        if n < next {
            out.push_str(&step_links(s, n, reports));
        }
        if let Some(report) = reports.get(n).filter(shown) {
            let (class, verdict) = if report.ok {
                ("held", "✓ As expected: ")
            } else {
                ("failed", "✗ Not as expected: ")
            };
            let _ = write!(
                out,
                "<div class=\"checkpoint {class}\" data-testid=\"checkpoint\" data-ok=\"{}\"><p><strong>{verdict}</strong>{}</p>\
                 <p class=\"muted\"><code>{}</code></p></div>",
                report.ok,
                escape(&report.expected),
                escape(&report.actual)
            );
        }
        out.push_str("</li>");
    }
    out
}

/// What a played step offers beside its checkpoints: "See it in the Cluster view" when its
/// request reads the simulated cluster (the item's partition and replicas for LocateItem,
/// the partition map, the capacity chart, the stream), and the "Code" panel of its request
/// (the first, for a repeated one) with the values earlier steps saved filled in.
fn step_links(s: &Scenario, n: usize, reports: &[StepReport]) -> String {
    let mut saved = serde_json::Map::new();
    for report in reports.iter().take(n) {
        saved.extend(report.saved.clone());
    }
    let calls = s.steps[n].calls(&saved);
    let mut out = String::new();
    if let Some(call) = calls.first()
        && let Some(table) = call.body.get("TableName").and_then(|t| t.as_str())
    {
        let panel = match call.operation.as_str() {
            "Dynoscope_LocateItem" => Some("item-locator"),
            "Dynoscope_DescribePartitions" | "Dynoscope_SetZoneAvailability" => {
                Some("partition-map")
            }
            "Dynoscope_GetMetrics" => Some("capacity-chart"),
            "ListStreams" => Some("stream-viewer"),
            _ => None,
        };
        if let Some(panel) = panel {
            let key = call
                .body
                .get("Key")
                .map(|k| format!(" data-see-key=\"{}\"", escape(&k.to_string())))
                .unwrap_or_default();
            let _ = write!(
                out,
                "<button type=\"button\" class=\"see-it\" data-testid=\"lesson-see\" data-see-table=\"{}\" data-see-panel=\"{panel}\"{key}>See it in the Cluster view of {}</button>",
                escape(table),
                escape(table)
            );
        }
    }
    if let Some(call) = calls
        .iter()
        .find(|c| !c.operation.starts_with("Dynoscope_"))
    {
        if calls.len() > 1 {
            let _ = write!(
                out,
                "<p class=\"muted\">The first of the step's {} requests, as code:</p>",
                calls.len()
            );
        }
        out.push_str(&sent_how(&call.options));
        out.push_str(&dynoscope_codegen::html::placeholder(
            &call.operation,
            &call.body,
        ));
    }
    out
}

/// What the "Code" panel leaves to the client a request is sent with: its region, DAX, the
/// principal's credentials. Empty for a request sent as any other.
fn sent_how(options: &CallOptions) -> String {
    let mut notes = Vec::new();
    if let Some(region) = &options.region {
        notes.push(format!(
            "Sent to <code>{0}</code>: the client is made for that region (<code>new DynamoDBClient({{ region: \"{0}\" }})</code>, <code>boto3.client(\"dynamodb\", region_name=\"{0}\")</code>, <code>--region {0}</code>).",
            escape(region)
        ));
    }
    if options.via_dax() {
        notes.push(
            "Sent through the DAX cluster: the same request, with a DAX client (<code>@amazon-dax-sdk/lib-dax</code>, Python's <code>amazondax</code>) pointed at the cluster's endpoint."
                .to_owned(),
        );
    }
    if let Some(key) = &options.access_key_id {
        notes.push(format!(
            "Signed with the access key <code>{}</code>: the principal's credentials.",
            escape(key)
        ));
    }
    if notes.is_empty() {
        return String::new();
    }
    format!(
        "<p class=\"muted\" data-testid=\"lesson-sent-how\">{}</p>",
        notes.join(" ")
    )
}

/// The closing questions, with a verdict and its reason under each one answered.
pub fn questions(s: &Scenario, picked: &[Option<usize>]) -> String {
    let mut out = String::from("<h3>Check yourself</h3>");
    for (q, question) in s.questions.iter().enumerate() {
        let _ = write!(
            out,
            "<fieldset class=\"question\" data-testid=\"question\" data-question=\"{q}\"><legend>{}. {}</legend>",
            q + 1,
            escape(&question.ask)
        );
        let chosen = picked.get(q).copied().flatten();
        for (c, choice) in question.choices.iter().enumerate() {
            let _ = write!(
                out,
                "<label class=\"choice\" data-choice=\"{c}\"><input type=\"radio\" name=\"question-{q}\" \
                 data-testid=\"question-choice\"{}> {}</label>",
                if chosen == Some(c) { " checked" } else { "" },
                escape(choice)
            );
        }
        if let Some(c) = chosen {
            let right = c == question.answer;
            let _ = write!(
                out,
                "<p class=\"{}\" data-testid=\"question-verdict\"><strong>{}</strong>{}</p>",
                if right { "ok" } else { "error" },
                if right { "Right. " } else { "Not quite. " },
                escape(&question.why)
            );
        }
        out.push_str("</fieldset>");
    }
    out
}
