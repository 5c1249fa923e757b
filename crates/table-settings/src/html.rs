//! The "Edit table" form as HTML, written from the table and what was filled in, so
//! switching the billing mode redraws it with every value kept: capacity, stream, TTL, each
//! global index with its capacity and a Delete button, Apply, and the "Add index" part. The
//! billing select carries `data-ts-structural` (its change reshapes the form); the buttons
//! that send something other than Apply carry `data-ts-action` (`add-index`,
//! `delete-index:NAME`); every control has a `data-testid` named `settings-...`.

use dynoscope_codegen::html::escape;

use crate::current::{Billing, Current, GlobalIndex};
use crate::form::{Form, KEY_TYPES, PROJECTIONS, STREAM_VIEWS};

/// The whole form.
pub fn form_html(current: &Current, form: &Form) -> String {
    let mut out = String::from(
        "<form class=\"qb-form ts-form\" data-ts-form data-testid=\"table-settings\" novalidate><h3>Edit table</h3>",
    );
    out += &capacity_fields(form);
    out += &stream_fields(form);
    out += &ttl_fields(form);
    out += &index_rows(current, form);
    out += "<div class=\"qb-actions\"><button type=\"submit\" class=\"primary\" data-testid=\"settings-apply\">Apply</button>\
            <span class=\"muted\">Billing, capacity and the stream go in one UpdateTable, TTL in an UpdateTimeToLive; only what changed is sent.</span></div>";
    out += &new_index_fields(current, form);
    out += "</form>";
    out
}

/// Billing mode, and the table's read and write units when provisioned.
fn capacity_fields(form: &Form) -> String {
    let mut out = String::from("<fieldset class=\"qb-row\"><legend>Capacity</legend>");
    out += &format!(
        "<label>Billing mode {}</label>",
        select(
            "billing",
            "settings-billing",
            &[
                ("PROVISIONED", "provisioned (PROVISIONED)"),
                ("PAY_PER_REQUEST", "on demand (PAY_PER_REQUEST)"),
            ],
            &form.billing,
            true,
        )
    );
    if form.provisioned() {
        out += &format!(
            "<label>Read units {}</label><label>Write units {}</label>",
            units("read", &form.read, "settings-read"),
            units("write", &form.write, "settings-write")
        );
    } else {
        out += "<p class=\"muted\">On demand: each request is billed as it comes, with no capacity to set.</p>";
    }
    out += "</fieldset>";
    out
}

/// The stream: on or off, and its view type.
fn stream_fields(form: &Form) -> String {
    let views: Vec<(&str, &str)> = STREAM_VIEWS.iter().map(|v| (*v, *v)).collect();
    format!(
        "<fieldset class=\"qb-row\"><legend>Stream</legend>{}<label>View {}</label>\
         <p class=\"muted\">An enabled stream keeps its view type: turn it off and apply, then on again with another.</p></fieldset>",
        checkbox(
            "stream",
            "settings-stream",
            form.stream,
            "Record item changes in a stream"
        ),
        select(
            "stream-view",
            "settings-stream-view",
            &views,
            &form.stream_view,
            false
        )
    )
}

/// Time to live: on or off, and the attribute holding each item's expiry.
fn ttl_fields(form: &Form) -> String {
    format!(
        "<fieldset class=\"qb-row\"><legend>Time to live</legend>{}<label>Attribute {}</label>\
         <p class=\"muted\">The attribute holds epoch seconds; DynamoDB allows one TTL change per table an hour.</p></fieldset>",
        checkbox(
            "ttl",
            "settings-ttl",
            form.ttl,
            "Delete items once their expiry time has passed"
        ),
        input(
            "ttl-attribute",
            &form.ttl_attribute,
            "settings-ttl-attribute",
            "expiresAt"
        )
    )
}

/// Each global index: keys, status, capacity (when provisioned) and Delete.
fn index_rows(current: &Current, form: &Form) -> String {
    let mut out = String::from("<fieldset><legend>Global secondary indexes</legend>");
    if current.indexes.is_empty() {
        out += "<p class=\"muted\">No global secondary indexes yet: add one below.</p>";
    }
    for index in &current.indexes {
        out += &index_row(index, form);
    }
    if !current.local_indexes.is_empty() {
        out += &format!(
            "<p class=\"muted\">Local indexes ({}) are fixed when the table is created.</p>",
            escape(&current.local_indexes.join(", "))
        );
    }
    out += "</fieldset>";
    out
}

fn index_row(index: &GlobalIndex, form: &Form) -> String {
    let name = escape(&index.name);
    let status = if index.backfilling {
        format!("{}, backfilling", index.status)
    } else {
        index.status.clone()
    };
    let capacity = match (form.provisioned(), form.index_capacity.get(&index.name)) {
        (true, Some((read, write))) => format!(
            "<label>Read units {}</label><label>Write units {}</label>",
            units(
                &format!("gsi-read:{}", index.name),
                read,
                "settings-index-read"
            ),
            units(
                &format!("gsi-write:{}", index.name),
                write,
                "settings-index-write"
            )
        ),
        _ => "<span class=\"muted\">on demand</span>".to_owned(),
    };
    format!(
        "<div class=\"qb-row\" data-testid=\"settings-index\" data-index=\"{name}\"><strong>{name}</strong>\
         <span>{}</span><span class=\"muted\">{}</span>{capacity}\
         <button type=\"button\" class=\"small danger\" data-ts-action=\"delete-index:{name}\" data-testid=\"settings-delete-index\" aria-label=\"Delete index {name}\">Delete</button></div>",
        escape(&index.keys.join(", ")),
        escape(&status)
    )
}

/// The new index: name, keys with their types, projection, and capacity when the table is
/// provisioned (an index is added to the table as it is, whatever the form's billing says).
fn new_index_fields(current: &Current, form: &Form) -> String {
    let n = &form.new_index;
    let types: Vec<(&str, &str)> = KEY_TYPES.iter().map(|t| (*t, *t)).collect();
    let projections: Vec<(&str, &str)> = PROJECTIONS.iter().map(|p| (*p, *p)).collect();
    let mut out = String::from(
        "<fieldset class=\"qb-row\" data-testid=\"settings-new-index\"><legend>Add a global index</legend>",
    );
    out += &format!(
        "<label>Name {}</label>",
        input("index-name", &n.name, "settings-index-name", "byStatus")
    );
    out += &format!(
        "<label>Partition key {} {}</label>",
        input("index-pk", &n.partition, "settings-index-pk", "attribute"),
        select(
            "index-pk-type",
            "settings-index-pk-type",
            &types,
            &n.partition_type,
            false
        )
    );
    out += &format!(
        "<label>Sort key {} {}</label>",
        input("index-sk", &n.sort, "settings-index-sk", "none"),
        select(
            "index-sk-type",
            "settings-index-sk-type",
            &types,
            &n.sort_type,
            false
        )
    );
    out += &format!(
        "<label>Projection {}</label><label>Non-key attributes {}</label>",
        select(
            "index-projection",
            "settings-index-projection",
            &projections,
            &n.projection,
            false
        ),
        input(
            "index-non-key",
            &n.non_key,
            "settings-index-non-key",
            "for INCLUDE: a, b"
        )
    );
    if let Billing::Provisioned { .. } = current.billing {
        out += &format!(
            "<label>Read units {}</label><label>Write units {}</label>",
            units("index-read", &n.read, "settings-new-index-read"),
            units("index-write", &n.write, "settings-new-index-write")
        );
    }
    let defined: Vec<String> = current
        .attributes
        .iter()
        .map(|(name, kind)| format!("{name} {kind}"))
        .collect();
    out += &format!(
        "<button type=\"button\" data-ts-action=\"add-index\" data-testid=\"settings-add-index\">Add index</button>\
         <p class=\"muted\">One index is created or deleted per UpdateTable. It backfills from the table's items and answers reads once ACTIVE. \
         Attributes the table already defines keep their type ({}).</p></fieldset>",
        escape(&defined.join(", "))
    );
    out
}

fn input(name: &str, value: &str, testid: &str, placeholder: &str) -> String {
    format!(
        "<input name=\"{}\" value=\"{}\" placeholder=\"{}\" aria-label=\"{}\" autocomplete=\"off\" data-testid=\"{testid}\">",
        escape(name),
        escape(value),
        escape(placeholder),
        escape(name)
    )
}

/// A field of capacity units: a short text field that brings up a number pad.
fn units(name: &str, value: &str, testid: &str) -> String {
    format!(
        "<input type=\"text\" inputmode=\"numeric\" size=\"6\" name=\"{}\" value=\"{}\" aria-label=\"{}\" autocomplete=\"off\" data-testid=\"{testid}\">",
        escape(name),
        escape(value),
        escape(name)
    )
}

fn checkbox(name: &str, testid: &str, checked: bool, label: &str) -> String {
    format!(
        "<label class=\"check\"><input type=\"checkbox\" name=\"{name}\" data-testid=\"{testid}\"{}> {}</label>",
        if checked { " checked" } else { "" },
        escape(label)
    )
}

fn select(
    name: &str,
    testid: &str,
    options: &[(&str, &str)],
    chosen: &str,
    structural: bool,
) -> String {
    let mut out = format!(
        "<select name=\"{name}\" aria-label=\"{name}\" data-testid=\"{testid}\"{}>",
        if structural {
            " data-ts-structural"
        } else {
            ""
        }
    );
    for (value, text) in options {
        let selected = if *value == chosen { " selected" } else { "" };
        out += &format!(
            "<option value=\"{value}\"{selected}>{}</option>",
            escape(text)
        );
    }
    out += "</select>";
    out
}
