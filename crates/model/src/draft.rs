//! [`TableDraft`]: the create-table form's values as typed (text boxes and pickers), turned
//! into a [`TableSpec`] the way a designer means them. It derives the attribute definitions
//! from the keys the table and its indexes name, gives a local index the table's partition
//! key, and reads capacities, projected attributes and the TTL attribute from text. What it
//! refuses is only what cannot be written as a request at all (a capacity that is not a
//! whole number, one attribute given two types); everything else is left for CreateTable to
//! judge, so the form shows DynamoDB's own words. Each refusal names the field it belongs
//! to (`indexes[1].readCapacity`), so the form can show it beside that field.

use crate::ModelError;
use crate::model::{
    AttributeDefinition, IndexSpec, KeySchemaElement, Projection, StreamSpecification, TableSpec,
    Throughput,
};

/// A key attribute as typed: a name (empty for none) and `S`, `N` or `B`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyDraft {
    pub name: String,
    pub kind: String,
}

impl KeyDraft {
    /// A key named `name` of type `kind`.
    pub fn new(name: &str, kind: &str) -> KeyDraft {
        KeyDraft {
            name: name.to_owned(),
            kind: kind.to_owned(),
        }
    }

    fn name(&self) -> Option<&str> {
        let name = self.name.trim();
        (!name.is_empty()).then_some(name)
    }
}

/// A secondary index as typed in the form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexDraft {
    /// A local index shares the table's partition key; its own is ignored.
    pub local: bool,
    pub name: String,
    pub partition_key: KeyDraft,
    pub sort_key: KeyDraft,
    /// `ALL`, `KEYS_ONLY` or `INCLUDE`.
    pub projection_type: String,
    /// For `INCLUDE`: attribute names separated by commas.
    pub non_key_attributes: String,
    /// A global index's capacity on a provisioned table.
    pub read_capacity: String,
    pub write_capacity: String,
}

/// The create-table form as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableDraft {
    pub name: String,
    pub partition_key: KeyDraft,
    pub sort_key: KeyDraft,
    /// `PAY_PER_REQUEST` or `PROVISIONED`.
    pub billing_mode: String,
    pub read_capacity: String,
    pub write_capacity: String,
    pub indexes: Vec<IndexDraft>,
    /// Empty for no stream, else a `StreamViewType`.
    pub stream_view_type: String,
    /// Empty for no TTL.
    pub ttl_attribute: String,
    pub deletion_protection: bool,
}

impl TableDraft {
    /// The form filled in with `spec` (what the form has no field for, such as tags, is not
    /// carried: [`TableDraft::to_spec`] gives it back as absent).
    pub fn from_spec(spec: &TableSpec) -> TableDraft {
        let key = |name: Option<&str>| {
            name.map(|n| KeyDraft::new(n, spec.attribute_type(n).unwrap_or("S")))
                .unwrap_or_else(|| KeyDraft::new("", "S"))
        };
        let capacity = |t: Option<Throughput>| {
            t.map_or(("5".to_owned(), "5".to_owned()), |t| {
                (
                    t.read_capacity_units.to_string(),
                    t.write_capacity_units.to_string(),
                )
            })
        };
        let index = |index: &IndexSpec, local: bool| {
            let name_of = |role: &str| {
                index
                    .key_schema
                    .iter()
                    .find(|k| k.key_type == role)
                    .map(|k| k.attribute_name.as_str())
            };
            let (read_capacity, write_capacity) = capacity(index.provisioned_throughput);
            IndexDraft {
                local,
                name: index.index_name.clone(),
                partition_key: key(name_of("HASH")),
                sort_key: key(name_of("RANGE")),
                projection_type: index.projection.projection_type.clone(),
                non_key_attributes: index.projection.non_key_attributes.join(", "),
                read_capacity,
                write_capacity,
            }
        };
        let (read_capacity, write_capacity) = capacity(spec.provisioned_throughput);
        TableDraft {
            name: spec.table_name.clone(),
            partition_key: key(spec.partition_key()),
            sort_key: key(spec.sort_key()),
            billing_mode: if spec.is_on_demand() {
                "PAY_PER_REQUEST".into()
            } else {
                "PROVISIONED".into()
            },
            read_capacity,
            write_capacity,
            indexes: spec
                .global_secondary_indexes
                .iter()
                .map(|i| index(i, false))
                .chain(spec.local_secondary_indexes.iter().map(|i| index(i, true)))
                .collect(),
            stream_view_type: spec
                .stream_specification
                .as_ref()
                .filter(|s| s.stream_enabled)
                .and_then(|s| s.stream_view_type.clone())
                .unwrap_or_default(),
            ttl_attribute: spec.time_to_live_attribute.clone().unwrap_or_default(),
            deletion_protection: spec.deletion_protection_enabled == Some(true),
        }
    }

    /// The table the form describes, or every field that cannot be written as a request.
    pub fn to_spec(&self) -> Result<TableSpec, Vec<ModelError>> {
        let mut errors = Vec::new();
        let mut definitions = Definitions::default();
        let table_keys = key_schema(
            &self.partition_key,
            &self.sort_key,
            "",
            &mut definitions,
            &mut errors,
        );
        let provisioned = self.billing_mode == "PROVISIONED";
        let provisioned_throughput = provisioned
            .then(|| capacity(&self.read_capacity, &self.write_capacity, "", &mut errors))
            .flatten();
        let (mut global, mut local) = (Vec::new(), Vec::new());
        for (i, draft) in self.indexes.iter().enumerate() {
            let at = format!("indexes[{i}].");
            let partition = if draft.local {
                &self.partition_key
            } else {
                &draft.partition_key
            };
            let key_schema = key_schema(
                partition,
                &draft.sort_key,
                &at,
                &mut definitions,
                &mut errors,
            );
            let index = IndexSpec {
                index_name: draft.name.trim().to_owned(),
                key_schema,
                projection: projection(draft),
                provisioned_throughput: (provisioned && !draft.local)
                    .then(|| {
                        capacity(
                            &draft.read_capacity,
                            &draft.write_capacity,
                            &at,
                            &mut errors,
                        )
                    })
                    .flatten(),
            };
            if draft.local {
                local.push(index);
            } else {
                global.push(index);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let stream_view_type = self.stream_view_type.trim();
        let ttl = self.ttl_attribute.trim();
        Ok(TableSpec {
            table_name: self.name.trim().to_owned(),
            key_schema: table_keys,
            attribute_definitions: definitions.0,
            billing_mode: Some(self.billing_mode.clone()),
            provisioned_throughput,
            global_secondary_indexes: global,
            local_secondary_indexes: local,
            stream_specification: (!stream_view_type.is_empty()).then(|| StreamSpecification {
                stream_enabled: true,
                stream_view_type: Some(stream_view_type.to_owned()),
            }),
            deletion_protection_enabled: self.deletion_protection.then_some(true),
            time_to_live_attribute: (!ttl.is_empty()).then(|| ttl.to_owned()),
            ..TableSpec::default()
        })
    }
}

/// Attribute definitions in the order the keys name them, one per attribute.
#[derive(Default)]
struct Definitions(Vec<AttributeDefinition>);

impl Definitions {
    /// Defines `key`, or refuses a second type for an attribute already defined.
    fn define(&mut self, key: &KeyDraft, field: String, errors: &mut Vec<ModelError>) {
        let Some(name) = key.name() else { return };
        match self.0.iter().find(|d| d.attribute_name == name) {
            Some(d) if d.attribute_type != key.kind => errors.push(ModelError::at(
                field,
                format!(
                    "{name} is already a key of type {} here; an attribute has one type",
                    d.attribute_type
                ),
            )),
            Some(_) => {}
            None => self.0.push(AttributeDefinition {
                attribute_name: name.to_owned(),
                attribute_type: key.kind.clone(),
            }),
        }
    }
}

/// The key schema of a partition key and an optional sort key, defining both.
fn key_schema(
    partition: &KeyDraft,
    sort: &KeyDraft,
    at: &str,
    definitions: &mut Definitions,
    errors: &mut Vec<ModelError>,
) -> Vec<KeySchemaElement> {
    definitions.define(partition, format!("{at}partitionKey"), errors);
    definitions.define(sort, format!("{at}sortKey"), errors);
    let mut schema = vec![KeySchemaElement {
        attribute_name: partition.name.trim().to_owned(),
        key_type: "HASH".into(),
    }];
    if let Some(name) = sort.name() {
        schema.push(KeySchemaElement {
            attribute_name: name.to_owned(),
            key_type: "RANGE".into(),
        });
    }
    schema
}

fn projection(draft: &IndexDraft) -> Projection {
    let non_key_attributes = if draft.projection_type == "INCLUDE" {
        draft
            .non_key_attributes
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect()
    } else {
        Vec::new()
    };
    Projection {
        projection_type: draft.projection_type.clone(),
        non_key_attributes,
    }
}

/// Read and write capacity from text, each a whole number.
fn capacity(read: &str, write: &str, at: &str, errors: &mut Vec<ModelError>) -> Option<Throughput> {
    let mut units = |text: &str, field: &str, label: &str| match text.trim().parse::<u64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(ModelError::at(
                format!("{at}{field}"),
                format!("{label} must be a whole number, not {:?}", text.trim()),
            ));
            None
        }
    };
    let read = units(read, "readCapacity", "Read capacity");
    let write = units(write, "writeCapacity", "Write capacity");
    Some(Throughput {
        read_capacity_units: read?,
        write_capacity_units: write?,
    })
}
