//! The builder's form as HTML, written from the table's shape and what was filled in (so
//! switching between Query and Scan, the table and an index, or adding a filter redraws it
//! with every value kept), and the request it makes, shown as JSON with a "Code" panel, or
//! the problems that stop it. Controls whose change reshapes the form carry
//! `data-qb-structural`; the form's own buttons carry `data-qb-action`.

use dynoscope_codegen::html::escape;
use serde_json::Value;

use crate::form::{FILTER_OPERATORS, Filter, Form, SORT_OPERATORS, VALUE_TYPES};
use crate::request::{Problem, type_name};
use crate::schema::{KeyAttribute, Source, TableShape};

/// The whole form.
pub fn form_html(shape: &TableShape, form: &Form) -> String {
    let source = shape.source(&form.index);
    let mut out = String::from("<form class=\"qb-form\" data-qb-form novalidate>");
    out += "<div class=\"qb-row\">";
    out += &select(
        "Operation",
        "operation",
        &["Query", "Scan"].map(|o| (o.to_owned(), o.to_owned())),
        &form.operation,
        true,
    );
    let sources: Vec<(String, String)> = shape
        .sources
        .iter()
        .map(|s| (s.index_name.clone().unwrap_or_default(), source_label(s)))
        .collect();
    out += &select("Read from", "index", &sources, &form.index, true);
    out += "</div>";
    if form.is_query() {
        out += &key_fields(source, form);
    }
    out += &filter_fields(&form.filters);
    out += &option_fields(source, form);
    out += "<div class=\"qb-actions\"><button type=\"submit\" class=\"primary\" data-testid=\"qb-run\">Run</button>\
            <span class=\"muted\">Enter runs it too. Each run reads on the simulated cluster and is billed like any request.</span></div>";
    out += "</form>";
    out
}

/// How a source is named in the "Read from" list.
fn source_label(source: &Source) -> String {
    let keys = match &source.sort {
        Some(sort) => format!("{}, {}", source.partition.name, sort.name),
        None => source.partition.name.clone(),
    };
    match &source.index_name {
        None => format!("the table ({keys})"),
        Some(name) if source.global => {
            format!(
                "global index {name} ({keys}; projects {})",
                source.projection
            )
        }
        Some(name) => format!(
            "local index {name} ({keys}; projects {})",
            source.projection
        ),
    }
}

/// The key condition: equality on the partition key, and any sort key operator.
fn key_fields(source: &Source, form: &Form) -> String {
    let pk = &source.partition;
    let mut out = String::from("<fieldset class=\"qb-keys\"><legend>Key condition</legend>");
    out += &format!(
        "<label>{} = {}</label>",
        escape(&pk.name),
        input("pk", &form.partition_value, type_name(&pk.kind), "qb-pk")
    );
    if let Some(sort) = &source.sort {
        out += &sort_fields(sort, form);
    } else {
        out += "<p class=\"muted\">No sort key: a Query returns the one item collection of this partition key.</p>";
    }
    out += "</fieldset>";
    out
}

fn sort_fields(sort: &KeyAttribute, form: &Form) -> String {
    let mut operators = vec![(String::new(), "any value".to_owned())];
    operators.extend(
        SORT_OPERATORS
            .iter()
            .filter(|op| **op != "begins_with" || sort.kind != "N")
            .map(|op| (op.to_string(), op.to_string())),
    );
    let mut out = format!(
        "<label>and {} {}</label>",
        escape(&sort.name),
        bare_select("sk-op", &operators, &form.sort_operator, true)
    );
    if !form.sort_operator.is_empty() {
        out += &input("sk", &form.sort_value, type_name(&sort.kind), "qb-sk");
    }
    if form.sort_operator == "BETWEEN" {
        out += &format!(
            "<label>and {}</label>",
            input("sk2", &form.sort_value2, type_name(&sort.kind), "qb-sk2")
        );
    }
    out
}

/// The filter conditions, each removable, and a button to add one.
fn filter_fields(filters: &[Filter]) -> String {
    let mut out = String::from("<fieldset class=\"qb-filters\"><legend>Filter</legend>");
    for (n, filter) in filters.iter().enumerate() {
        out += &format!("<div class=\"qb-filter\" data-testid=\"qb-filter-{n}\">");
        out += &input(
            &format!("filter-{n}-attribute"),
            &filter.attribute,
            "attribute",
            "",
        );
        let operators: Vec<(String, String)> = FILTER_OPERATORS
            .iter()
            .map(|o| (o.to_string(), o.to_string()))
            .collect();
        out += &bare_select(
            &format!("filter-{n}-op"),
            &operators,
            &filter.operator,
            true,
        );
        match filter.operands() {
            0 => {}
            _ if filter.operator == "attribute_type" => {
                out += &input(
                    &format!("filter-{n}-value"),
                    &filter.value,
                    "S, N, SS, M…",
                    "",
                );
            }
            operands => {
                let types: Vec<(String, String)> = VALUE_TYPES
                    .iter()
                    .map(|t| (t.to_string(), t.to_string()))
                    .collect();
                out += &bare_select(&format!("filter-{n}-type"), &types, &filter.kind, false);
                out += &input(&format!("filter-{n}-value"), &filter.value, "value", "");
                if operands == 2 {
                    out += &format!(
                        "<label>and {}</label>",
                        input(&format!("filter-{n}-value2"), &filter.value2, "value", "")
                    );
                }
            }
        }
        out += &format!(
            "<button type=\"button\" class=\"link\" data-qb-action=\"remove-filter-{n}\" aria-label=\"Remove filter {}\">Remove</button></div>",
            n + 1
        );
    }
    out += "<button type=\"button\" data-qb-action=\"add-filter\" data-testid=\"qb-add-filter\">Add a condition</button>\
            <p class=\"muted\">Conditions are joined with AND. A filter runs after the read: the page is billed for every item read, kept or not.</p></fieldset>";
    out
}

/// Projection, Select, Limit, direction, consistency and parallel scan segments.
fn option_fields(source: &Source, form: &Form) -> String {
    let mut out = String::from("<fieldset class=\"qb-options\"><legend>Options</legend>");
    out += &format!(
        "<label>Projection {}</label>",
        input(
            "projection",
            &form.projection,
            "attribute, attribute",
            "qb-projection"
        )
    );
    let mut selects = vec![(String::new(), "whole items".to_owned())];
    if source.index_name.is_some() {
        selects.push((
            "ALL_PROJECTED_ATTRIBUTES".to_owned(),
            "projected attributes".to_owned(),
        ));
    }
    selects.push(("COUNT".to_owned(), "the count only".to_owned()));
    out += &select("Return", "select", &selects, &form.select, false);
    out += &format!(
        "<label>Limit {}</label>",
        input("limit", &form.limit, "no limit", "qb-limit")
    );
    if form.is_query() {
        out += &checkbox(
            "descending",
            form.descending,
            "Descending (ScanIndexForward false)",
            None,
        );
    }
    let global = source
        .global
        .then_some("A global index answers eventually consistent reads only.");
    out += &checkbox(
        "consistent",
        form.consistent && !source.global,
        "Strongly consistent (full price)",
        global,
    );
    out += &checkbox(
        "via-dax",
        form.via_dax,
        "Through DAX (a cache hit costs no read units)",
        None,
    );
    if !form.is_query() {
        out += &format!(
            "<label>Segment {}</label><label>of TotalSegments {}</label>",
            input("segment", &form.segment, "0", "qb-segment"),
            input(
                "total-segments",
                &form.total_segments,
                "1",
                "qb-total-segments"
            )
        );
    }
    out += "</fieldset>";
    out
}

fn input(name: &str, value: &str, placeholder: &str, testid: &str) -> String {
    let testid = if testid.is_empty() {
        String::new()
    } else {
        format!(" data-testid=\"{testid}\"")
    };
    format!(
        "<input name=\"{}\" value=\"{}\" placeholder=\"{}\" aria-label=\"{}\" autocomplete=\"off\"{testid}>",
        escape(name),
        escape(value),
        escape(placeholder),
        escape(name)
    )
}

fn checkbox(name: &str, checked: bool, label: &str, disabled_because: Option<&str>) -> String {
    let state = match (checked, disabled_because) {
        (_, Some(why)) => format!(" disabled title=\"{}\"", escape(why)),
        (true, None) => " checked".to_owned(),
        (false, None) => String::new(),
    };
    let why = disabled_because
        .map(|w| format!(" <span class=\"muted\">{}</span>", escape(w)))
        .unwrap_or_default();
    format!(
        "<label class=\"check\"><input type=\"checkbox\" name=\"{name}\" data-testid=\"qb-{name}\"{state}> {}{why}</label>",
        escape(label)
    )
}

fn select(
    label: &str,
    name: &str,
    options: &[(String, String)],
    chosen: &str,
    structural: bool,
) -> String {
    format!(
        "<label>{} {}</label>",
        escape(label),
        bare_select(name, options, chosen, structural)
    )
}

fn bare_select(name: &str, options: &[(String, String)], chosen: &str, structural: bool) -> String {
    let mut out = format!(
        "<select name=\"{}\" aria-label=\"{}\" data-testid=\"qb-{}\"{}>",
        escape(name),
        escape(name),
        escape(name),
        if structural {
            " data-qb-structural"
        } else {
            ""
        }
    );
    for (value, text) in options {
        let selected = if value == chosen { " selected" } else { "" };
        out += &format!(
            "<option value=\"{}\"{selected}>{}</option>",
            escape(value),
            escape(text)
        );
    }
    out += "</select>";
    out
}

/// The request the form makes, as JSON with a "Code" panel, or what stops it.
pub fn request_html(operation: &str, request: &Result<Value, Vec<Problem>>) -> String {
    match request {
        Ok(request) => {
            let text = serde_json::to_string_pretty(request).unwrap_or_default();
            format!(
                "<pre class=\"qb-request\" data-testid=\"qb-request\">{}</pre>\
                 <details class=\"code-sample\" data-testid=\"show-code\" data-code-operation=\"{operation}\" data-code-request=\"{}\"><summary>Code</summary><div class=\"code-body\"></div></details>",
                escape(&text),
                escape(&request.to_string())
            )
        }
        Err(problems) => problems_html(problems, "qb-problems"),
    }
}

/// What stops a form, a line per field (each naming its field in `data-field`).
pub fn problems_html(problems: &[Problem], testid: &str) -> String {
    let items: String = problems
        .iter()
        .map(|p| {
            format!(
                "<li data-field=\"{}\">{}</li>",
                escape(&p.field),
                escape(&p.message)
            )
        })
        .collect();
    format!("<ul class=\"qb-problems\" data-testid=\"{testid}\">{items}</ul>")
}
