//! The form read into requests, by the button pressed:
//! - Apply: one UpdateTable with what changed of billing mode, table capacity, each global
//!   index's capacity (`GlobalSecondaryIndexUpdates` Update) and the stream, then one
//!   UpdateTimeToLive if TTL changed. Only what differs from the table is sent: DynamoDB
//!   refuses capacity that "will not change". Switching to provisioned gives every global
//!   index its capacity too, as DynamoDB requires; switching to on demand gives none.
//! - Add index: one UpdateTable creating the index, with `AttributeDefinitions` for its key
//!   attributes and capacity when the table is provisioned.
//! - Delete index: one UpdateTable deleting it.
//!
//! One index is created or deleted per UpdateTable, as DynamoDB allows, so each has its own
//! button. A field that cannot make a well-formed request (a capacity that is not a whole
//! number, a key without a name) is a [`Problem`]; what DynamoDB refuses of a well-formed
//! request (a stream already enabled, a second TTL change within the hour) is left to the
//! engine, whose message the page shows.

use serde_json::{Map, Value, json};

pub use dynoscope_query_builder::request::Problem;

use crate::current::{Billing, Current};
use crate::form::{Form, KEY_TYPES, PROJECTIONS, STREAM_VIEWS};

/// The button pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Apply,
    AddIndex,
    DeleteIndex(String),
}

impl Action {
    /// Reads `apply`, `add-index` or `delete-index:NAME`.
    pub fn parse(text: &str) -> Option<Action> {
        match text {
            "apply" => Some(Action::Apply),
            "add-index" => Some(Action::AddIndex),
            _ => text
                .strip_prefix("delete-index:")
                .map(|name| Action::DeleteIndex(name.to_owned())),
        }
    }
}

/// One request to send, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// `UpdateTable` or `UpdateTimeToLive`.
    pub operation: &'static str,
    pub request: Value,
}

fn problem(field: &str, message: impl Into<String>) -> Problem {
    Problem {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// The requests the button `action` sends for the form, or what stops them.
pub fn requests(
    current: &Current,
    form: &Form,
    action: &Action,
) -> Result<Vec<Call>, Vec<Problem>> {
    match action {
        Action::Apply => apply(current, form),
        Action::AddIndex => add_index(current, form).map(|request| {
            vec![Call {
                operation: "UpdateTable",
                request,
            }]
        }),
        Action::DeleteIndex(name) => Ok(vec![Call {
            operation: "UpdateTable",
            request: json!({
                "TableName": current.table,
                "GlobalSecondaryIndexUpdates": [{ "Delete": { "IndexName": name } }],
            }),
        }]),
    }
}

/// Capacity units typed in `field`: a whole number of at least 1.
fn units(text: &str, field: &str, label: &str, problems: &mut Vec<Problem>) -> u64 {
    match text.trim().parse::<u64>() {
        Ok(n) if n >= 1 => n,
        _ => {
            problems.push(problem(
                field,
                format!("{label} must be a whole number of at least 1."),
            ));
            0
        }
    }
}

fn throughput(read: u64, write: u64) -> Value {
    json!({ "ReadCapacityUnits": read, "WriteCapacityUnits": write })
}

/// Apply: the UpdateTable of what changed, then the UpdateTimeToLive.
fn apply(current: &Current, form: &Form) -> Result<Vec<Call>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut update = Map::new();
    let mut index_updates = Vec::new();
    match (form.billing.as_str(), current.billing) {
        ("PAY_PER_REQUEST", Billing::OnDemand) => {}
        ("PAY_PER_REQUEST", Billing::Provisioned { .. }) => {
            update.insert("BillingMode".into(), json!("PAY_PER_REQUEST"));
        }
        ("PROVISIONED", now) => {
            let read = units(&form.read, "read", "Read capacity units", &mut problems);
            let write = units(&form.write, "write", "Write capacity units", &mut problems);
            let switching = now == Billing::OnDemand;
            if switching {
                update.insert("BillingMode".into(), json!("PROVISIONED"));
            }
            if switching || now != (Billing::Provisioned { read, write }) {
                update.insert("ProvisionedThroughput".into(), throughput(read, write));
            }
            for index in &current.indexes {
                let Some((r, w)) = form.index_capacity.get(&index.name) else {
                    continue;
                };
                let label = |what: &str| format!("{what} capacity units of index {}", index.name);
                let r = units(
                    r,
                    &format!("gsi-read:{}", index.name),
                    &label("Read"),
                    &mut problems,
                );
                let w = units(
                    w,
                    &format!("gsi-write:{}", index.name),
                    &label("Write"),
                    &mut problems,
                );
                if switching || (r, w) != (index.read, index.write) {
                    index_updates.push(json!({ "Update": {
                        "IndexName": index.name,
                        "ProvisionedThroughput": throughput(r, w),
                    }}));
                }
            }
        }
        (other, _) => problems.push(problem(
            "billing",
            format!("Billing mode {other} is neither PROVISIONED nor PAY_PER_REQUEST."),
        )),
    }
    if !index_updates.is_empty() {
        update.insert("GlobalSecondaryIndexUpdates".into(), json!(index_updates));
    }
    if form.stream && !STREAM_VIEWS.contains(&form.stream_view.as_str()) {
        problems.push(problem(
            "stream-view",
            format!("Choose a stream view type: {}.", STREAM_VIEWS.join(", ")),
        ));
    }
    match (&current.stream, form.stream) {
        (None, false) => {}
        (Some(_), false) => {
            update.insert(
                "StreamSpecification".into(),
                json!({ "StreamEnabled": false }),
            );
        }
        // A new view type on an enabled stream is sent as asked: DynamoDB says why not.
        (now, true) if now.as_deref() != Some(form.stream_view.as_str()) => {
            update.insert(
                "StreamSpecification".into(),
                json!({ "StreamEnabled": true, "StreamViewType": form.stream_view }),
            );
        }
        _ => {}
    }
    let attribute = form.ttl_attribute.trim();
    if form.ttl && attribute.is_empty() {
        problems.push(problem(
            "ttl-attribute",
            "Name the attribute that holds each item's expiry time.",
        ));
    }
    let ttl = match (&current.ttl, form.ttl) {
        (None, true) => Some(json!({ "Enabled": true, "AttributeName": attribute })),
        (Some(now), false) => Some(json!({ "Enabled": false, "AttributeName": now })),
        (Some(now), true) if now != attribute => {
            Some(json!({ "Enabled": true, "AttributeName": attribute }))
        }
        _ => None,
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut calls = Vec::new();
    if !update.is_empty() {
        update.insert("TableName".into(), json!(current.table));
        calls.push(Call {
            operation: "UpdateTable",
            request: Value::Object(update),
        });
    }
    if let Some(spec) = ttl {
        calls.push(Call {
            operation: "UpdateTimeToLive",
            request: json!({ "TableName": current.table, "TimeToLiveSpecification": spec }),
        });
    }
    if calls.is_empty() {
        return Err(vec![problem(
            "",
            "Nothing to apply: the form says what the table already is.",
        )]);
    }
    Ok(calls)
}

/// Add index: the UpdateTable that creates it.
fn add_index(current: &Current, form: &Form) -> Result<Value, Vec<Problem>> {
    let n = &form.new_index;
    let mut problems = Vec::new();
    let (name, partition, sort) = (n.name.trim(), n.partition.trim(), n.sort.trim());
    if name.is_empty() {
        problems.push(problem("index-name", "Name the new index."));
    }
    if partition.is_empty() {
        problems.push(problem(
            "index-pk",
            "Name the new index's partition key attribute.",
        ));
    }
    if !sort.is_empty() && sort == partition {
        problems.push(problem(
            "index-sk",
            "The sort key must be another attribute than the partition key.",
        ));
    }
    for (kind, field) in [
        (&n.partition_type, "index-pk-type"),
        (&n.sort_type, "index-sk-type"),
    ] {
        if !KEY_TYPES.contains(&kind.as_str()) {
            problems.push(problem(field, "A key attribute is of type S, N or B."));
        }
    }
    let mut projection = json!({ "ProjectionType": n.projection });
    match n.projection.as_str() {
        "INCLUDE" => {
            let names: Vec<&str> = n
                .non_key
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if names.is_empty() {
                problems.push(problem(
                    "index-non-key",
                    "List the attributes INCLUDE projects, separated by commas.",
                ));
            }
            projection["NonKeyAttributes"] = json!(names);
        }
        other if !PROJECTIONS.contains(&other) => problems.push(problem(
            "index-projection",
            "The projection is ALL, KEYS_ONLY or INCLUDE.",
        )),
        _ => {}
    }
    let mut keys = vec![(partition, &n.partition_type, "HASH")];
    if !sort.is_empty() {
        keys.push((sort, &n.sort_type, "RANGE"));
    }
    let mut create = json!({
        "IndexName": name,
        "KeySchema": keys.iter().map(|(attribute, _, role)| json!({ "AttributeName": attribute, "KeyType": role })).collect::<Vec<_>>(),
        "Projection": projection,
    });
    if let Billing::Provisioned { .. } = current.billing {
        let read = units(&n.read, "index-read", "Read capacity units", &mut problems);
        let write = units(
            &n.write,
            "index-write",
            "Write capacity units",
            &mut problems,
        );
        create["ProvisionedThroughput"] = throughput(read, write);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let definitions: Vec<Value> = keys
        .iter()
        .map(|(attribute, kind, _)| json!({ "AttributeName": attribute, "AttributeType": kind }))
        .collect();
    Ok(json!({
        "TableName": current.table,
        "AttributeDefinitions": definitions,
        "GlobalSecondaryIndexUpdates": [{ "Create": create }],
    }))
}
