//! The Tables view's "Stream triggers" panel, written in the worker (`triggers` in
//! [`crate::panels`]): the functions with their editor and Enable buttons, the form that
//! creates an event source mapping (read back into its `Dynoscope_CreateEventSourceMapping`
//! request here), and each mapping of the table with its figures and recent invocations
//! (`Dynoscope_GetInvocations`): batch, outcome, logs. The page (`crate::ui::triggers`)
//! gathers the input, sets the HTML and sends what the buttons ask.
//!
//! Input: `{"table", "streamArn", "functions": [{name, code, timeoutSeconds, enabled}],
//! "mappings": [description + "Invocations": GetInvocations' answer], "editing": function
//! or null, "message"}` answers `{"functions", "create", "mappings"}` (HTML); `{"build":
//! fields, "streamArn"}` answers `{"request"}` or `{"problem"}`.

use dynoscope_codegen::html::escape;
use serde_json::{Map, Value, json};

/// Answers one call of the panel.
pub fn answer(input: &Value) -> Value {
    if let Some(fields) = input.get("build") {
        let mut fields = fields.clone();
        let function = fields["function"].clone();
        let chosen =
            (input["functions"].as_array().into_iter().flatten()).find(|f| f["name"] == function);
        if let (Some(f), Some(fields)) = (chosen, fields.as_object_mut()) {
            let timeout = json!(f["timeoutSeconds"].to_string());
            fields.entry("timeout").or_insert(timeout);
        }
        return match build(&fields, input["streamArn"].as_str().unwrap_or("")) {
            Ok(request) => json!({ "request": request }),
            Err(problem) => json!({ "problem": problem }),
        };
    }
    let functions = input["functions"].as_array().cloned().unwrap_or_default();
    json!({
        "functions": functions_html(&functions, &input["editing"], input["message"].as_str()),
        "create": create_html(&functions, input["streamArn"].as_str()),
        "mappings": mappings_html(input["mappings"].as_array().map_or(&[][..], Vec::as_slice), &functions),
    })
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => escape(s),
        Value::Null => String::new(),
        other => escape(&other.to_string()),
    }
}

const WARNING: &str = "Enabling runs this code in this browser (in a Worker, stopped at its timeout), \
with the page's access to your data: enable only code you have read.";

fn functions_html(functions: &[Value], editing: &Value, message: Option<&str>) -> String {
    let mut html = String::from(
        "<h3>Functions</h3><p class=\"muted\">A function is a JavaScript handler, \
         <code>async (event, context) =&gt; { … }</code>, given the exact event Lambda delivers \
         (<code>{Records: [...]}</code>); inside it, <code>await dynoscope.send(operation, request)</code> \
         calls this engine. It runs only where you enabled it, and editing its code needs \
         enabling again.</p>",
    );
    if let Some(message) = message.filter(|m| !m.is_empty()) {
        html += &format!(
            "<p class=\"error\" role=\"alert\" data-testid=\"triggers-message\">{}</p>",
            escape(message)
        );
    }
    if functions.is_empty() {
        html += "<p class=\"muted\">No functions yet.</p>";
    } else {
        html += "<ul class=\"trigger-functions\">";
        for f in functions {
            let name = text(&f["name"]);
            let enabled = f["enabled"] == true;
            let (state, toggle) = match enabled {
                true => (
                    "<span class=\"ok\">enabled in this browser</span>",
                    format!(
                        "<button type=\"button\" data-tr-action=\"disable:{name}\">Disable</button>"
                    ),
                ),
                false => (
                    "<span class=\"warn\">not enabled: does not run here</span>",
                    format!(
                        "<button type=\"button\" data-tr-action=\"enable:{name}\" data-testid=\"enable-{name}\" title=\"{WARNING}\">Enable</button>"
                    ),
                ),
            };
            html += &format!(
                "<li data-function=\"{name}\"><strong>{name}</strong> <span class=\"muted\">timeout {} s</span> {state} \
                 <button type=\"button\" data-tr-action=\"edit:{name}\">Edit</button> {toggle} \
                 <button type=\"button\" class=\"danger\" data-tr-action=\"delete:{name}\">Delete</button>",
                text(&f["timeoutSeconds"]),
            );
            if !enabled {
                html += &format!("<p class=\"muted small\">{WARNING}</p>");
            }
            html += &format!(
                "<details><summary>Code</summary><pre class=\"code\">{}</pre></details></li>",
                text(&f["code"])
            );
        }
        html += "</ul>";
    }
    let (name, code, timeout) = match editing {
        Value::Object(f) => (
            f.get("name").map(text).unwrap_or_default(),
            f.get("code").map(text).unwrap_or_default(),
            f.get("timeoutSeconds")
                .map(text)
                .unwrap_or_else(|| "3".into()),
        ),
        _ => (String::new(), escape(EXAMPLE), "3".to_owned()),
    };
    html += &format!(
        "<details class=\"trigger-editor\"{open}><summary data-testid=\"function-editor-open\">{title}</summary>\
         <form data-tr-editor>\
         <label>Name <input name=\"name\" value=\"{name}\" required pattern=\"[A-Za-z0-9_\\-]{{1,64}}\" data-testid=\"function-name\"></label> \
         <label>Timeout (s) <input name=\"timeout\" type=\"number\" min=\"1\" max=\"900\" value=\"{timeout}\" data-testid=\"function-timeout\"></label>\
         <span class=\"muted small\">Lambda's limit per invocation, 1 to 900 s; a mapping you create takes it as its FunctionTimeoutSeconds.</span>\
         <label class=\"block\">Handler <textarea data-tr-code rows=\"10\" spellcheck=\"false\" data-testid=\"function-code\">{code}</textarea></label>\
         <button type=\"submit\" data-testid=\"function-save\">Save function</button> \
         <span class=\"muted small\">Saving a changed handler disables it until you enable it again.</span>\
         </form></details>",
        open = if editing.is_object() { " open" } else { "" },
        title = if editing.is_object() {
            "Edit function"
        } else {
            "New function…"
        },
    );
    html
}

const EXAMPLE: &str = "async (event, context) => {\n  for (const record of event.Records) {\n    console.log(record.eventName, JSON.stringify(record.dynamodb.Keys));\n  }\n  // return { batchItemFailures: [] }; // with ReportBatchItemFailures\n}";

fn create_html(functions: &[Value], stream: Option<&str>) -> String {
    let Some(stream) = stream else {
        return "<h3>Mappings</h3><p class=\"muted\" data-testid=\"no-stream\">This table has no stream: \
                turn one on in Table details (Edit table) to attach functions to its changes.</p>"
            .to_owned();
    };
    let options: String = (functions.iter())
        .map(|f| format!("<option value=\"{0}\">{0}</option>", text(&f["name"])))
        .collect();
    if options.is_empty() {
        return "<h3>Mappings</h3><p class=\"muted\">Save a function first, then map it to this table's stream.</p>".to_owned();
    }
    let number = |name: &str, label: &str, value: &str, min: &str, max: &str, help: &str| {
        format!(
            "<label title=\"{help}\">{label} <input name=\"{name}\" type=\"number\" min=\"{min}\" max=\"{max}\" value=\"{value}\"></label>\
             <span class=\"muted small\">{help}</span>"
        )
    };
    format!(
        "<h3>Mappings</h3><details class=\"trigger-create\"><summary data-testid=\"mapping-create-open\">New mapping…</summary>\
         <form data-tr-create class=\"form-grid\"><p class=\"muted small\">Stream <code>{stream}</code></p>\
         <label>Function <select name=\"function\" data-testid=\"mapping-function\">{options}</select></label><span></span>\
         {batch}{window}\
         <label>Starting position <select name=\"start\"><option>TRIM_HORIZON</option><option>LATEST</option></select></label>\
         <span class=\"muted small\">TRIM_HORIZON: from the oldest record the stream keeps; LATEST: only records written from now on.</span>\
         {retries}\
         <label><input type=\"checkbox\" name=\"bisect\" value=\"on\"> BisectBatchOnFunctionError</label>\
         <span class=\"muted small\">A failing batch is split in two (no retry spent) until the bad record is alone.</span>\
         <label><input type=\"checkbox\" name=\"report\" value=\"on\"> ReportBatchItemFailures</label>\
         <span class=\"muted small\">The handler may return <code>{{batchItemFailures: [{{itemIdentifier: SequenceNumber}}]}}</code>: retried from the first one.</span>\
         <label>Filter patterns <input name=\"filter\" placeholder='{{\"eventName\": [\"INSERT\"]}}' data-testid=\"mapping-filter\"></label>\
         <span class=\"muted small\">One pattern, or a JSON list of up to 5; a record none matches is never delivered.</span>\
         <label>On-failure destination <input name=\"destination\" placeholder=\"arn:aws:sqs:us-east-1:000000000000:my-dlq\" data-testid=\"mapping-destination\"></label>\
         <span class=\"muted small\">Where a batch goes after its retries: an SQS ARN names an in-page queue (read with Dynoscope_ReceiveFromQueue), a table ARN a table.</span>\
         <button type=\"submit\" data-testid=\"mapping-create\">Create mapping</button></form></details>",
        stream = escape(stream),
        batch = number(
            "batch",
            "BatchSize",
            "100",
            "1",
            "10000",
            "Most records in one invocation."
        ),
        window = number(
            "window",
            "MaximumBatchingWindowInSeconds",
            "0",
            "0",
            "300",
            "How long a batch may wait to fill before it goes."
        ),
        retries = number(
            "retries",
            "MaximumRetryAttempts",
            "-1",
            "-1",
            "10000",
            "Retries of a failing batch; -1: until it succeeds or its records expire."
        ),
    )
}

/// The figures of `Dynoscope_GetInvocations`, each with what it counts.
const FIGURES: &[(&str, &str, &str)] = &[
    (
        "Invocations",
        "Invocations",
        "batches handed to the function, retries included",
    ),
    (
        "Errors",
        "Errors",
        "invocations that threw, timed out or returned what cannot be read",
    ),
    (
        "Retries",
        "Retries",
        "failed batches tried again (a partial batch failure counts)",
    ),
    ("Bisects", "Bisects", "failed batches split in two"),
    (
        "RecordsProcessed",
        "Records processed",
        "records of batches that succeeded",
    ),
    (
        "RecordsFiltered",
        "Records filtered out",
        "records no filter matched: never delivered",
    ),
    (
        "RecordsDiscarded",
        "Records discarded",
        "records given up on, sent to the on-failure destination",
    ),
    (
        "IteratorAgeMillis",
        "Iterator age (ms)",
        "how old the last record of the last batch was when its outcome came in",
    ),
];

fn mappings_html(mappings: &[Value], functions: &[Value]) -> String {
    if mappings.is_empty() {
        return "<p class=\"muted\" data-testid=\"no-mappings\">No mapping on this table's stream.</p>".to_owned();
    }
    let mut html = String::new();
    for m in mappings {
        let uuid = text(&m["UUID"]);
        let arn = m["FunctionArn"].as_str().unwrap_or("");
        let name = arn.rsplit(':').next().unwrap_or(arn);
        let function = functions.iter().find(|f| f["name"] == name);
        let runs = function.is_some_and(|f| f["enabled"] == true);
        let inv = &m["Invocations"];
        html += &format!(
            "<section class=\"trigger-mapping\" data-mapping=\"{uuid}\"><h4>{name} <span class=\"muted small\">mapping {uuid}</span> \
             <button type=\"button\" class=\"danger\" data-tr-action=\"unmap:{uuid}\">Delete mapping</button></h4>\
             <p class=\"muted small\">BatchSize {}, {}, window {} s, retries {}, bisect {}, timeout {} s{}{}. Last result: {}.</p>",
            text(&m["BatchSize"]),
            text(&m["StartingPosition"]),
            text(&m["MaximumBatchingWindowInSeconds"]),
            text(&m["MaximumRetryAttempts"]),
            text(&m["BisectBatchOnFunctionError"]),
            text(&m["FunctionTimeoutSeconds"]),
            m["DestinationConfig"]["OnFailure"]["Destination"]
                .as_str()
                .map(|d| format!(", on failure to {}", escape(d)))
                .unwrap_or_default(),
            m["FilterCriteria"]["Filters"]
                .as_array()
                .map(|f| format!(", {} filter(s)", f.len()))
                .unwrap_or_default(),
            text(&inv["LastProcessingResult"]),
        );
        if !runs {
            let why = match function {
                None => format!("function {name} does not exist in this browser"),
                Some(_) => format!("function {name} is not enabled in this browser"),
            };
            html += &format!(
                "<p class=\"warn\" role=\"status\" data-testid=\"mapping-blocked\">Waiting: {}. Its batches are held, \
                 the shard blocked where it stands, with no retry spent; they run once the function is enabled.</p>",
                escape(&why)
            );
        }
        html += "<dl class=\"trigger-figures\">";
        for (key, label, help) in FIGURES {
            html += &format!(
                "<div><dt title=\"{help}\">{label}</dt><dd data-figure=\"{key}\">{}</dd><dd class=\"muted small\">{help}</dd></div>",
                text(&inv["Figures"][key])
            );
        }
        html += "</dl>";
        let list = inv["Invocations"].as_array().map_or(&[][..], Vec::as_slice);
        if list.is_empty() {
            html += "<p class=\"muted\">No invocations yet.</p>";
        } else {
            html += "<ol class=\"trigger-invocations\" reversed>";
            for (n, i) in list.iter().enumerate() {
                html += &invocation_html(i, n == 0);
            }
            html += "</ol>";
        }
        html += "</section>";
    }
    html
}

/// One invocation; its logs shown open when it is the newest or did not succeed.
fn invocation_html(i: &Value, newest: bool) -> String {
    let status = i["Status"].as_str().unwrap_or("");
    let class = match status {
        "Succeeded" => "ok",
        "InProgress" => "muted",
        _ => "error",
    };
    let logs = i["Logs"].as_array().map_or(&[][..], Vec::as_slice);
    let log_text: Vec<String> = logs.iter().map(text).collect();
    format!(
        "<li data-invocation=\"{id}\"><strong class=\"trigger-{class}\">{status}</strong> {size} record(s) of {shard}, sequence {first}…{last}, attempt {attempt}{duration}{next}\
         {error}<details{open}><summary>Logs ({lines})</summary><pre class=\"code\" data-testid=\"invocation-logs\">{logs}</pre></details></li>",
        id = text(&i["InvocationId"]),
        size = text(&i["BatchSize"]),
        shard = text(&i["ShardId"]),
        first = text(&i["FirstSequenceNumber"]),
        last = text(&i["LastSequenceNumber"]),
        attempt = text(&i["Attempt"]),
        duration = i["DurationMillis"]
            .as_u64()
            .map(|d| format!(", {d} ms"))
            .unwrap_or_default(),
        next = i["Next"]
            .as_str()
            .map(|n| format!(", then {}", escape(n)))
            .unwrap_or_default(),
        error = i["ErrorMessage"]
            .as_str()
            .map(|e| format!("<p class=\"error\">{}</p>", escape(e)))
            .unwrap_or_default(),
        open = if (newest || status != "Succeeded") && !logs.is_empty() {
            " open"
        } else {
            ""
        },
        lines = logs.len(),
        logs = log_text.join("\n"),
    )
}

/// The create form's fields read into a `Dynoscope_CreateEventSourceMapping` request.
fn build(fields: &Value, stream: &str) -> Result<Value, String> {
    let field = |name: &str| fields[name].as_str().unwrap_or("").trim().to_owned();
    let mut request = Map::new();
    request.insert("EventSourceArn".into(), json!(stream));
    let function = field("function");
    if function.is_empty() {
        return Err("Pick a function.".into());
    }
    request.insert("FunctionName".into(), json!(function));
    request.insert("StartingPosition".into(), json!(field("start")));
    for (name, member) in [
        ("batch", "BatchSize"),
        ("window", "MaximumBatchingWindowInSeconds"),
        ("retries", "MaximumRetryAttempts"),
        ("timeout", "FunctionTimeoutSeconds"),
    ] {
        let value = field(name);
        if value.is_empty() {
            continue;
        }
        let number: i64 = value
            .parse()
            .map_err(|_| format!("{member} '{value}' is not a whole number."))?;
        request.insert(member.into(), json!(number));
    }
    request.insert(
        "BisectBatchOnFunctionError".into(),
        json!(field("bisect") == "on"),
    );
    if field("report") == "on" {
        request.insert(
            "FunctionResponseTypes".into(),
            json!(["ReportBatchItemFailures"]),
        );
    }
    let filter = field("filter");
    if !filter.is_empty() {
        let patterns = match serde_json::from_str::<Value>(&filter) {
            Ok(Value::Array(list)) => list,
            Ok(pattern @ Value::Object(_)) => vec![pattern],
            Ok(_) => {
                return Err(
                    "Filter patterns: write one JSON object, or a JSON list of them.".into(),
                );
            }
            Err(e) => return Err(format!("Filter patterns do not read as JSON: {e}")),
        };
        let filters: Vec<Value> = (patterns.iter())
            .map(|p| json!({ "Pattern": p.to_string() }))
            .collect();
        request.insert("FilterCriteria".into(), json!({ "Filters": filters }));
    }
    let destination = field("destination");
    if !destination.is_empty() {
        request.insert(
            "DestinationConfig".into(),
            json!({ "OnFailure": { "Destination": destination } }),
        );
    }
    Ok(Value::Object(request))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reads_into_lambdas_request() {
        let fields = json!({"function": "agg", "start": "LATEST", "batch": "10", "retries": "2",
            "bisect": "on", "filter": "{\"eventName\": [\"INSERT\"]}", "timeout": "5",
            "destination": "arn:aws:sqs:us-east-1:000000000000:dlq"});
        let request = build(&fields, "arn:stream").unwrap();
        assert_eq!(request["BatchSize"], 10);
        assert_eq!(request["FunctionTimeoutSeconds"], 5);
        assert_eq!(request["BisectBatchOnFunctionError"], true);
        assert_eq!(
            request["FilterCriteria"]["Filters"][0]["Pattern"],
            "{\"eventName\":[\"INSERT\"]}"
        );
        assert_eq!(
            request["DestinationConfig"]["OnFailure"]["Destination"],
            "arn:aws:sqs:us-east-1:000000000000:dlq"
        );
        assert!(
            build(&json!({"function": "agg", "batch": "ten"}), "s")
                .unwrap_err()
                .contains("BatchSize 'ten'")
        );
    }

    #[test]
    fn a_mapping_of_a_function_not_enabled_says_why_it_waits() {
        let html = mappings_html(
            &[
                json!({"UUID": "u", "FunctionArn": "arn:aws:lambda:us-east-1:0:function:agg", "Invocations": {}}),
            ],
            &[json!({"name": "agg", "enabled": false})],
        );
        assert!(html.contains("function agg is not enabled in this browser"));
        let html = functions_html(
            &[json!({"name": "<x>", "code": "</pre>", "enabled": false})],
            &Value::Null,
            None,
        );
        assert!(html.contains("&lt;x&gt;") && !html.contains("</pre></pre>"));
    }
}
