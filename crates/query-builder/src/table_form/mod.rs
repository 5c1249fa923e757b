//! The create-table form, off the page's first load: the Tables view's "Create table" and
//! the Model view's table definitions draw it. The form's named controls are read into a
//! [`TableDraft`] ([`draft_from_fields`]), its buttons change the draft ([`act`]: add a
//! global or local index, remove one), and [`html::form_html`] writes it back with every
//! value kept. What stops it is placed beside what it concerns ([`Problems`]): the draft's
//! own refusals by field path (`indexes[1].readCapacity`), and DynamoDB's refusal under the
//! index its message names, or under the whole form. Nothing here sends: the page sends
//! the steps [`dynoscope_model::apply::create_steps`] gives for the draft's table.

pub mod html;

use std::collections::BTreeMap;

use dynoscope_model::ModelError;
use dynoscope_model::apply::create_steps;
use dynoscope_model::draft::{IndexDraft, KeyDraft, TableDraft};
use dynoscope_model::model::TableSpec;
use serde::Deserialize;
use serde_json::{Value, json};

/// A form's controls by name, as a browser submits them.
pub type Fields = BTreeMap<String, String>;

/// What the page asks of the form: the form `prefix` names, as filled in (`fields`) or
/// drawn from a table definition (`spec`, as JSON text), after the button `action`
/// (`submit`, `created`, or one [`act`] knows), with DynamoDB's refusal of the last
/// submission (`refused`) to place.
#[derive(Debug, Default, Deserialize)]
pub struct Ask {
    pub prefix: String,
    pub fields: Option<Fields>,
    pub spec: Option<String>,
    pub action: Option<String>,
    pub refused: Option<Refusal>,
}

/// `{formHtml, noticeHtml}`, and for a `submit` the draft accepts, its table as
/// `spec` (JSON text), its `table` name and the `steps` that create it
/// (`[[operation, request]…]`). Once a form showed field refusals (its `checked` control),
/// every redraw checks it again.
pub fn answer(ask: Ask) -> Result<Value, ModelError> {
    let fields = ask.fields.unwrap_or_default();
    let mut draft = match &ask.spec {
        Some(text) => {
            let spec: TableSpec =
                serde_json::from_str(text).map_err(|e| ModelError::at("spec", e.to_string()))?;
            TableDraft::from_spec(&spec)
        }
        None if fields.is_empty() => empty(),
        None => draft_from_fields(&fields),
    };
    let mut out = json!({});
    let mut problems = Problems::default();
    let mut check = fields.contains_key("checked");
    let mut notice = None;
    match ask.action.as_deref() {
        None => {}
        Some("submit") => {
            check = false;
            match draft.to_spec() {
                Ok(spec) => {
                    let steps: Vec<(&str, Value)> = create_steps(&spec)
                        .into_iter()
                        .map(|s| (s.operation, s.body))
                        .collect();
                    out["steps"] = json!(steps);
                    out["table"] = json!(spec.table_name);
                    out["spec"] = json!(serde_json::to_string(&spec).unwrap_or_default());
                }
                Err(refused) => problems = Problems::of_fields(refused),
            }
        }
        Some("created") => {
            notice = Some(html::created_html(draft.name.trim()));
            draft = cleared(draft);
            check = false;
        }
        Some(action) if !act(&mut draft, action) => {
            return Err(ModelError::at(
                "action",
                format!("no button is called {action}"),
            ));
        }
        Some(_) => {}
    }
    if check && let Err(refused) = draft.to_spec() {
        problems = Problems::of_fields(refused);
    }
    if let Some(refusal) = ask.refused {
        problems = Problems::from_engine_for(refusal, &draft);
    }
    let open = fields.contains_key("settings-open");
    out["formHtml"] = json!(html::form_html(&ask.prefix, &draft, &problems, open));
    out["noticeHtml"] = json!(notice.unwrap_or_else(|| html::notice_html(&problems)));
    Ok(out)
}

/// An empty form: on-demand, string keys, 5 units when switched to provisioned.
pub fn empty() -> TableDraft {
    TableDraft {
        partition_key: KeyDraft::new("", "S"),
        sort_key: KeyDraft::new("", "S"),
        billing_mode: "PAY_PER_REQUEST".into(),
        read_capacity: "5".into(),
        write_capacity: "5".into(),
        ..TableDraft::default()
    }
}

/// The form once its table is created: ready for the next one, keys and billing kept.
pub fn cleared(draft: TableDraft) -> TableDraft {
    TableDraft {
        name: String::new(),
        indexes: Vec::new(),
        stream_view_type: String::new(),
        ttl_attribute: String::new(),
        deletion_protection: false,
        ..draft
    }
}

/// The draft the form's controls hold ([`html::form_html`] names them). A control the form
/// does not show takes the empty form's value.
pub fn draft_from_fields(fields: &Fields) -> TableDraft {
    let text = |name: &str, absent: &str| {
        fields
            .get(name)
            .cloned()
            .unwrap_or_else(|| absent.to_owned())
    };
    let key = |name: &str| KeyDraft::new(&text(name, ""), &text(&format!("{name}-type"), "S"));
    let indexes = (0..)
        .map_while(|n| {
            let at = |field: &str| format!("ix-{n}-{field}");
            let local = fields.get(&at("local"))? == "1";
            Some(IndexDraft {
                local,
                name: text(&at("name"), ""),
                partition_key: if local {
                    KeyDraft::new("", "S")
                } else {
                    key(&at("pk"))
                },
                sort_key: key(&at("sk")),
                projection_type: text(&at("projection"), "ALL"),
                non_key_attributes: text(&at("include"), ""),
                read_capacity: text(&at("rcu"), "5"),
                write_capacity: text(&at("wcu"), "5"),
            })
        })
        .collect();
    TableDraft {
        name: text("name", ""),
        partition_key: key("pk"),
        sort_key: key("sk"),
        billing_mode: text("billing", "PAY_PER_REQUEST"),
        read_capacity: text("rcu", "5"),
        write_capacity: text("wcu", "5"),
        indexes,
        stream_view_type: text("stream", ""),
        ttl_attribute: text("ttl", ""),
        deletion_protection: fields.contains_key("protect"),
    }
}

/// Applies the form button `action` (`add-gsi`, `add-lsi`, `remove-index-N`); false for
/// one the form has not.
pub fn act(draft: &mut TableDraft, action: &str) -> bool {
    match action {
        "add-gsi" => add_index(draft, false),
        "add-lsi" => add_index(draft, true),
        _ => match action
            .strip_prefix("remove-index-")
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(n) if n < draft.indexes.len() => {
                draft.indexes.remove(n);
            }
            _ => return false,
        },
    }
    true
}

/// A new index named after its kind and ordinal (`GSI2`, `LSI1`), with keys named the same
/// way (a local index shares the table's partition key), projecting everything.
fn add_index(draft: &mut TableDraft, local: bool) {
    let ordinal = draft.indexes.iter().filter(|i| i.local == local).count() + 1;
    let prefix = if local { "LSI" } else { "GSI" };
    let partition = if local {
        String::new()
    } else {
        format!("{prefix}{ordinal}PK")
    };
    draft.indexes.push(IndexDraft {
        local,
        name: format!("{prefix}{ordinal}"),
        partition_key: KeyDraft::new(&partition, "S"),
        sort_key: KeyDraft::new(&format!("{prefix}{ordinal}SK"), "S"),
        projection_type: "ALL".into(),
        non_key_attributes: String::new(),
        read_capacity: "5".into(),
        write_capacity: "5".into(),
    });
}

/// DynamoDB's refusal as the page shows it: the error's name, its wire type (the title)
/// and its message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    pub name: String,
    #[serde(default)]
    pub wire_type: String,
    pub message: String,
}

/// What stops the form, placed where it belongs: under a field (by the draft's field
/// path), under an index (DynamoDB's message names it), or under the whole form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    pub fields: Vec<ModelError>,
    pub form: Option<Refusal>,
    /// The position of the index a refusal names.
    pub index: Option<(usize, Refusal)>,
}

impl Problems {
    /// The draft's refusals of fields.
    pub fn of_fields(fields: Vec<ModelError>) -> Problems {
        Problems {
            fields,
            ..Problems::default()
        }
    }

    /// What is wrong with `field`, if anything.
    pub fn at(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|e| e.location == field)
            .map(|e| e.message.as_str())
    }

    /// Places DynamoDB's refusal under the index its message names (`... for index: GSI1`,
    /// `Duplicate index name: GSI1`; the last so named), if it names one of `index_names`,
    /// else under the form.
    pub fn from_engine(refusal: Refusal, index_names: &[String]) -> Problems {
        let names = |name: &String| {
            !name.is_empty()
                && ["index: ", "index name: "].iter().any(|lead| {
                    refusal
                        .message
                        .match_indices(&format!("{lead}{name}"))
                        .any(|(at, m)| {
                            let next = refusal.message[at + m.len()..].chars().next();
                            !next.is_some_and(|c| c.is_alphanumeric() || "_-.".contains(c))
                        })
                })
        };
        match index_names.iter().rposition(names) {
            Some(i) => Problems {
                index: Some((i, refusal)),
                ..Problems::default()
            },
            None => Problems {
                form: Some(refusal),
                ..Problems::default()
            },
        }
    }

    /// Placed against `draft`'s index names (trimmed, as CreateTable sends them).
    pub fn from_engine_for(refusal: Refusal, draft: &TableDraft) -> Problems {
        let names: Vec<String> = draft
            .indexes
            .iter()
            .map(|i| i.name.trim().to_owned())
            .collect();
        Problems::from_engine(refusal, &names)
    }
}
