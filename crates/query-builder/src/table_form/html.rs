//! The create-table form's fields as HTML, written from a draft and what stops it, with
//! the element ids, labels and test ids the Leptos form had. Controls are named for
//! [`super::draft_from_fields`]; one whose change reshapes the form (billing mode, an
//! index's projection) carries `data-ct-structural`, and the form's own buttons
//! `data-ct-action`. Values the form hides (capacity on demand, the attributes of a
//! projection other than INCLUDE) stay as hidden controls, so switching back finds them.

use dynoscope_codegen::html::escape;
use dynoscope_model::draft::{IndexDraft, TableDraft};

use super::{Problems, Refusal};

const KEY_TYPES: &[(&str, &str)] = &[
    ("S", "String (S)"),
    ("N", "Number (N)"),
    ("B", "Binary (B)"),
];

const BILLING_MODES: &[(&str, &str)] = &[
    ("PAY_PER_REQUEST", "On-demand (PAY_PER_REQUEST)"),
    ("PROVISIONED", "Provisioned"),
];

const PROJECTIONS: &[(&str, &str)] = &[
    ("ALL", "Project all attributes (ALL)"),
    ("KEYS_ONLY", "Keys only (KEYS_ONLY)"),
    ("INCLUDE", "Keys and chosen attributes (INCLUDE)"),
];

const STREAMS: &[(&str, &str)] = &[
    ("", "Off"),
    ("KEYS_ONLY", "Keys only (KEYS_ONLY)"),
    ("NEW_IMAGE", "New image (NEW_IMAGE)"),
    ("OLD_IMAGE", "Old image (OLD_IMAGE)"),
    (
        "NEW_AND_OLD_IMAGES",
        "New and old images (NEW_AND_OLD_IMAGES)",
    ),
];

/// The form's fields (everything but its buttons). `prefix` keeps element ids unique when
/// two forms are on the page; `settings_open` keeps the "Settings" section unfolded.
pub fn form_html(
    prefix: &str,
    draft: &TableDraft,
    problems: &Problems,
    settings_open: bool,
) -> String {
    let id = |name: &str| format!("{}-{name}", escape(prefix));
    let provisioned = draft.billing_mode == "PROVISIONED";
    let mut out = String::new();
    if !problems.fields.is_empty() {
        out += "<input type=\"hidden\" name=\"checked\" value=\"1\">";
    }
    out += &format!("<label for=\"{}\">Table name</label>", id("name"));
    out += &text_box(&Text {
        name: "name",
        value: &draft.name,
        id: Some(&id("name")),
        testid: "create-table-name",
        required: true,
        ..Text::default()
    });
    out += "<fieldset><legend>Partition key</legend><div class=\"key-row\">";
    out += &text_box(&Text {
        name: "pk",
        value: &draft.partition_key.name,
        id: Some(&id("pk")),
        testid: "create-pk-name",
        label: "Partition key name",
        required: true,
        ..Text::default()
    });
    out += &key_type(
        "pk-type",
        &draft.partition_key.kind,
        &id("pk-type"),
        "create-pk-type",
        "Partition key type",
    );
    out += "</div>";
    out += &field_error(problems, "partitionKey");
    out += "</fieldset><fieldset><legend>Sort key <span class=\"muted\">(optional)</span></legend><div class=\"key-row\">";
    out += &text_box(&Text {
        name: "sk",
        value: &draft.sort_key.name,
        id: Some(&id("sk")),
        testid: "create-sk-name",
        label: "Sort key name",
        ..Text::default()
    });
    out += &key_type(
        "sk-type",
        &draft.sort_key.kind,
        &id("sk-type"),
        "create-sk-type",
        "Sort key type",
    );
    out += "</div>";
    out += &field_error(problems, "sortKey");
    out += &format!(
        "</fieldset><label for=\"{}\">Billing mode</label>",
        id("billing")
    );
    out += &select(&Select {
        name: "billing",
        options: BILLING_MODES,
        chosen: &draft.billing_mode,
        id: Some(&id("billing")),
        testid: "create-billing",
        label: "",
        structural: true,
    });
    out += &capacity(
        "",
        &draft.read_capacity,
        &draft.write_capacity,
        "create-",
        provisioned,
    );
    if provisioned {
        out += &field_error(problems, "readCapacity");
        out += &field_error(problems, "writeCapacity");
    }
    out += &format!(
        "<fieldset class=\"create-more\" data-testid=\"create-indexes\"><legend>Secondary indexes <span class=\"muted\">({})</span></legend>",
        draft.indexes.len()
    );
    for (n, index) in draft.indexes.iter().enumerate() {
        out += &index_fields(prefix, n, index, provisioned, problems);
    }
    out += "<div class=\"button-row\"><button type=\"button\" data-testid=\"create-add-gsi\" data-ct-action=\"add-gsi\">+ Global index</button>\
            <button type=\"button\" data-testid=\"create-add-lsi\" data-ct-action=\"add-lsi\">+ Local index</button></div></fieldset>";
    out += &format!(
        "<details class=\"create-more\" data-testid=\"create-settings\"{}><summary>Settings</summary><label for=\"{}\">Stream</label>",
        if settings_open { " open" } else { "" },
        id("stream")
    );
    out += &select(&Select {
        name: "stream",
        options: STREAMS,
        chosen: &draft.stream_view_type,
        id: Some(&id("stream")),
        testid: "create-stream",
        label: "",
        structural: false,
    });
    out += &format!(
        "<label for=\"{}\">TTL attribute <span class=\"muted\">(optional; epoch seconds)</span></label>",
        id("ttl")
    );
    out += &text_box(&Text {
        name: "ttl",
        value: &draft.ttl_attribute,
        id: Some(&id("ttl")),
        testid: "create-ttl",
        placeholder: "e.g. expiresAt",
        ..Text::default()
    });
    out += &format!(
        "<label class=\"check\"><input type=\"checkbox\" name=\"protect\" data-testid=\"create-deletion-protection\"{}>Deletion protection</label></details>",
        if draft.deletion_protection {
            " checked"
        } else {
            ""
        }
    );
    out
}

/// One secondary index's fields, at position `n`.
fn index_fields(
    prefix: &str,
    n: usize,
    index: &IndexDraft,
    provisioned: bool,
    problems: &Problems,
) -> String {
    let name = |field: &str| format!("ix-{n}-{field}");
    let id = |field: &str| format!("{}-ix{n}-{field}", escape(prefix));
    let at = |field: &str| format!("indexes[{n}].{field}");
    let kind = if index.local {
        "Local index"
    } else {
        "Global index"
    };
    let mut out = format!(
        "<fieldset class=\"index-fields\" data-testid=\"create-index\"><legend>{kind}\
         <button type=\"button\" class=\"link\" data-testid=\"create-index-remove\" data-ct-action=\"remove-index-{n}\">Remove</button></legend>\
         <input type=\"hidden\" name=\"{}\" value=\"{}\">",
        name("local"),
        if index.local { "1" } else { "0" }
    );
    out += &text_box(&Text {
        name: &name("name"),
        value: &index.name,
        testid: "create-index-name",
        label: "Index name",
        required: true,
        ..Text::default()
    });
    if index.local {
        out += "<p class=\"hint\">Shares the table's partition key.</p>";
    } else {
        out += "<div class=\"key-row\">";
        out += &text_box(&Text {
            name: &name("pk"),
            value: &index.partition_key.name,
            testid: "create-index-pk",
            label: "Index partition key",
            placeholder: "partition key",
            required: true,
            ..Text::default()
        });
        out += &key_type(
            &name("pk-type"),
            &index.partition_key.kind,
            &id("pk-type"),
            "create-index-pk-type",
            "Index partition key type",
        );
        out += "</div>";
    }
    out += "<div class=\"key-row\">";
    out += &text_box(&Text {
        name: &name("sk"),
        value: &index.sort_key.name,
        testid: "create-index-sk",
        label: "Index sort key",
        placeholder: if index.local {
            "sort key"
        } else {
            "sort key (optional)"
        },
        required: index.local,
        ..Text::default()
    });
    out += &key_type(
        &name("sk-type"),
        &index.sort_key.kind,
        &id("sk-type"),
        "create-index-sk-type",
        "Index sort key type",
    );
    out += "</div>";
    out += &field_error(problems, &at("partitionKey"));
    out += &field_error(problems, &at("sortKey"));
    out += &select(&Select {
        name: &name("projection"),
        options: PROJECTIONS,
        chosen: &index.projection_type,
        id: None,
        testid: "create-index-projection",
        label: "Projection",
        structural: true,
    });
    if index.projection_type == "INCLUDE" {
        out += &text_box(&Text {
            name: &name("include"),
            value: &index.non_key_attributes,
            testid: "create-index-include",
            label: "Projected attributes",
            placeholder: "attributes, separated by commas",
            ..Text::default()
        });
    } else {
        out += &hidden(&name("include"), &index.non_key_attributes);
    }
    let shown = provisioned && !index.local;
    out += &capacity(
        &format!("ix-{n}-"),
        &index.read_capacity,
        &index.write_capacity,
        "create-index-",
        shown,
    );
    if shown {
        out += &field_error(problems, &at("readCapacity"));
        out += &field_error(problems, &at("writeCapacity"));
    }
    if let Some((_, refusal)) = problems.index.as_ref().filter(|(i, _)| *i == n) {
        out += &refusal_html(refusal, "create-index-error");
    }
    out += "</fieldset>";
    out
}

/// A one-line text box.
#[derive(Default)]
struct Text<'a> {
    name: &'a str,
    value: &'a str,
    id: Option<&'a str>,
    testid: &'a str,
    label: &'a str,
    placeholder: &'a str,
    required: bool,
}

fn text_box(text: &Text) -> String {
    let mut out = format!(
        "<input type=\"text\" name=\"{}\" value=\"{}\" autocomplete=\"off\" spellcheck=\"false\" data-testid=\"{}\"",
        escape(text.name),
        escape(text.value),
        text.testid
    );
    if let Some(id) = text.id {
        out += &format!(" id=\"{id}\"");
    }
    if !text.label.is_empty() {
        out += &format!(" aria-label=\"{}\"", escape(text.label));
    }
    if !text.placeholder.is_empty() {
        out += &format!(" placeholder=\"{}\"", escape(text.placeholder));
    }
    if text.required {
        out += " required";
    }
    out + ">"
}

fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        escape(name),
        escape(value)
    )
}

/// A picker of `options` (value, text) with `chosen` selected.
struct Select<'a> {
    name: &'a str,
    options: &'a [(&'a str, &'a str)],
    chosen: &'a str,
    id: Option<&'a str>,
    testid: &'a str,
    label: &'a str,
    structural: bool,
}

fn select(select: &Select) -> String {
    let mut out = format!(
        "<select name=\"{}\" data-testid=\"{}\"",
        escape(select.name),
        select.testid
    );
    if let Some(id) = select.id {
        out += &format!(" id=\"{id}\"");
    }
    if !select.label.is_empty() {
        out += &format!(" aria-label=\"{}\"", escape(select.label));
    }
    if select.structural {
        out += " data-ct-structural";
    }
    out += ">";
    for (value, text) in select.options {
        let selected = if *value == select.chosen {
            " selected"
        } else {
            ""
        };
        out += &format!("<option value=\"{value}\"{selected}>{text}</option>");
    }
    out + "</select>"
}

/// A key type picker: String, Number or Binary.
fn key_type(name: &str, chosen: &str, id: &str, testid: &str, label: &str) -> String {
    select(&Select {
        name,
        options: KEY_TYPES,
        chosen,
        id: Some(id),
        testid,
        label,
        structural: false,
    })
}

/// Read and write capacity boxes named `{name}rcu` and `{name}wcu`, tested as
/// `{testid}rcu` and `{testid}wcu`; hidden controls keeping the values when not `shown`.
fn capacity(name: &str, read: &str, write: &str, testid: &str, shown: bool) -> String {
    if !shown {
        return hidden(&format!("{name}rcu"), read) + &hidden(&format!("{name}wcu"), write);
    }
    let number = |label: &str, suffix: &str, value: &str| {
        format!(
            "<label>{label}<input type=\"number\" min=\"1\" name=\"{name}{suffix}\" value=\"{}\" data-testid=\"{testid}{suffix}\"></label>",
            escape(value)
        )
    };
    format!(
        "<div class=\"capacity-row\">{}{}</div>",
        number("Read units", "rcu", read),
        number("Write units", "wcu", write)
    )
}

/// A field's inline error, if any.
fn field_error(problems: &Problems, field: &str) -> String {
    problems
        .at(field)
        .map(|message| {
            format!(
                "<p class=\"field-error\" role=\"alert\" data-testid=\"create-field-error\">{}</p>",
                escape(message)
            )
        })
        .unwrap_or_default()
}

/// DynamoDB's refusal: its name in bold, then the message.
pub fn refusal_html(refusal: &Refusal, testid: &str) -> String {
    format!(
        "<div class=\"error\" role=\"alert\" data-testid=\"{testid}\" title=\"{}\"><strong class=\"error-name\">{}</strong><span class=\"error-message\">{}</span></div>",
        escape(&refusal.wire_type),
        escape(&refusal.name),
        escape(&refusal.message)
    )
}

/// What shows under the form: the refusal that names no index, if any.
pub fn notice_html(problems: &Problems) -> String {
    problems
        .form
        .as_ref()
        .map(|r| refusal_html(r, "create-table-error"))
        .unwrap_or_default()
}

/// The line saying the table was created.
pub fn created_html(table: &str) -> String {
    format!(
        "<p class=\"notice\" role=\"status\" data-testid=\"create-table-status\">Created table {}.</p>",
        escape(table)
    )
}
