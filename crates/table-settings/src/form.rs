//! What the learner filled in: the "Edit table" form, read from the HTML form's fields by
//! name (`billing`, `read`, `write`, `stream`, `stream-view`, `ttl`, `ttl-attribute`,
//! `gsi-read:NAME` and `gsi-write:NAME` per global index, and the new index's `index-name`,
//! `index-pk`, `index-pk-type`, `index-sk`, `index-sk-type`, `index-projection`,
//! `index-non-key`, `index-read`, `index-write`), with a checkbox present only when ticked,
//! as a browser submits a form. Before anything is typed, the form is the table as it is
//! ([`Form::from_current`]). Every field stays text until [`crate::request`] reads it, so
//! whatever was typed is kept and shown again.

use std::collections::{BTreeMap, btree_map::Entry};

use crate::current::{Billing, Current};

/// The capacity a provisioned field starts at when the table has none to show (the
/// DynamoDB console's default).
pub const DEFAULT_UNITS: &str = "5";

/// The stream view types, as StreamSpecification names them.
pub const STREAM_VIEWS: &[&str] = &["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"];

/// The projections a new index may have.
pub const PROJECTIONS: &[&str] = &["ALL", "KEYS_ONLY", "INCLUDE"];

/// The scalar types a key attribute may have.
pub const KEY_TYPES: &[&str] = &["S", "N", "B"];

/// The "Add index" part of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIndex {
    pub name: String,
    pub partition: String,
    pub partition_type: String,
    /// Empty for an index without a sort key.
    pub sort: String,
    pub sort_type: String,
    /// `ALL`, `KEYS_ONLY` or `INCLUDE`.
    pub projection: String,
    /// INCLUDE's attributes, separated by commas.
    pub non_key: String,
    pub read: String,
    pub write: String,
}

/// The whole form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// `PROVISIONED` or `PAY_PER_REQUEST`.
    pub billing: String,
    pub read: String,
    pub write: String,
    pub stream: bool,
    pub stream_view: String,
    pub ttl: bool,
    pub ttl_attribute: String,
    /// Each global index's read and write units, by index name.
    pub index_capacity: BTreeMap<String, (String, String)>,
    pub new_index: NewIndex,
}

/// A whole number as form text, or the default when it is zero.
fn units_text(units: u64) -> String {
    if units == 0 {
        DEFAULT_UNITS.to_owned()
    } else {
        units.to_string()
    }
}

impl Form {
    /// The table as it is now.
    pub fn from_current(current: &Current) -> Form {
        let (read, write) = match current.billing {
            Billing::Provisioned { read, write } => (units_text(read), units_text(write)),
            Billing::OnDemand => (DEFAULT_UNITS.to_owned(), DEFAULT_UNITS.to_owned()),
        };
        let index_capacity = current
            .indexes
            .iter()
            .map(|i| {
                let pair = if i.read == 0 && i.write == 0 {
                    (read.clone(), write.clone())
                } else {
                    (units_text(i.read), units_text(i.write))
                };
                (i.name.clone(), pair)
            })
            .collect();
        Form {
            billing: current.billing.mode().to_owned(),
            stream: current.stream.is_some(),
            stream_view: current
                .stream
                .clone()
                .unwrap_or_else(|| "NEW_AND_OLD_IMAGES".to_owned()),
            ttl: current.ttl.is_some(),
            ttl_attribute: current.ttl.clone().unwrap_or_default(),
            index_capacity,
            new_index: NewIndex {
                name: String::new(),
                partition: String::new(),
                partition_type: "S".to_owned(),
                sort: String::new(),
                sort_type: "S".to_owned(),
                projection: "ALL".to_owned(),
                non_key: String::new(),
                read: read.clone(),
                write: write.clone(),
            },
            read,
            write,
        }
    }

    /// The form as its fields give it; a field missing (an index that appeared since the
    /// form was drawn, a select never shown) keeps the table's own value.
    pub fn from_fields(current: &Current, fields: &BTreeMap<String, String>) -> Form {
        let mut form = Form::from_current(current);
        let set = |name: &str, target: &mut String| {
            if let Some(value) = fields.get(name) {
                *target = value.clone();
            }
        };
        set("billing", &mut form.billing);
        set("read", &mut form.read);
        set("write", &mut form.write);
        set("stream-view", &mut form.stream_view);
        set("ttl-attribute", &mut form.ttl_attribute);
        let n = &mut form.new_index;
        set("index-name", &mut n.name);
        set("index-pk", &mut n.partition);
        set("index-pk-type", &mut n.partition_type);
        set("index-sk", &mut n.sort);
        set("index-sk-type", &mut n.sort_type);
        set("index-projection", &mut n.projection);
        set("index-non-key", &mut n.non_key);
        set("index-read", &mut n.read);
        set("index-write", &mut n.write);
        form.stream = fields.contains_key("stream");
        form.ttl = fields.contains_key("ttl");
        for (name, value) in fields {
            let (index, read) = if let Some(index) = name.strip_prefix("gsi-read:") {
                (index, true)
            } else if let Some(index) = name.strip_prefix("gsi-write:") {
                (index, false)
            } else {
                continue;
            };
            if let Entry::Occupied(mut entry) = form.index_capacity.entry(index.to_owned()) {
                let pair = entry.get_mut();
                *(if read { &mut pair.0 } else { &mut pair.1 }) = value.clone();
            }
        }
        form
    }

    /// Whether the form asks for provisioned capacity.
    pub fn provisioned(&self) -> bool {
        self.billing == "PROVISIONED"
    }
}
