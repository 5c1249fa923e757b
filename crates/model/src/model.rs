//! The model format: [`Model`] and its parts, serialised as JSON (`"format":
//! "dynoscope-model"`, `"version": 1`). Tables are written in CreateTable's own vocabulary
//! ([`TableSpec`], PascalCase as DynamoDB spells it) so a designer reads what AWS will be
//! sent; the playground's own additions (entities, access patterns, sample data, generator
//! settings) are camelCase beside them. Fields an import brought but the playground does not
//! use are kept in `extra` maps and written back on export, never dropped silently.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::ModelError;
use crate::template::Template;

/// The `format` every model file carries.
pub const FORMAT: &str = "dynoscope-model";
/// The model format version this crate writes and reads.
pub const VERSION: u32 = 1;

/// An item in DynamoDB JSON: `{"PK": {"S": "USER#1"}, ...}`.
pub type ItemJson = Map<String, Value>;

/// A whole design: what a designer edits, exports and shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Model {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`] when written by this crate.
    pub version: u32,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub tables: Vec<ModelTable>,
    /// Simulation settings to apply with the model (a `Dynoscope_SetSimulation` request body
    /// without `TableName`), when the model wants a particular cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation: Option<Value>,
    /// Fields an import brought that the playground does not use, kept for export.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// One table of a model with everything that lives in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ModelTable {
    pub definition: TableSpec,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<Entity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_patterns: Vec<AccessPattern>,
    /// Sample items, in DynamoDB JSON.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ItemJson>,
    /// Seed for the sample data generator; items generated from the entities' `count`s and
    /// attribute generators with this seed come out the same every time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// A table as CreateTable describes it, plus the settings CreateTable cannot carry (TTL,
/// point-in-time recovery) that the model applies right after it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TableSpec {
    pub table_name: String,
    pub key_schema: Vec<KeySchemaElement>,
    pub attribute_definitions: Vec<AttributeDefinition>,
    /// `PROVISIONED` or `PAY_PER_REQUEST`; absent means DynamoDB's default, PROVISIONED.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioned_throughput: Option<Throughput>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub global_secondary_indexes: Vec<IndexSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub local_secondary_indexes: Vec<IndexSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_specification: Option<StreamSpecification>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// The TTL attribute (UpdateTimeToLive after CreateTable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_to_live_attribute: Option<String>,
    /// Point-in-time recovery (UpdateContinuousBackups after CreateTable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point_in_time_recovery_enabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct KeySchemaElement {
    pub attribute_name: String,
    /// `HASH` or `RANGE`.
    pub key_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AttributeDefinition {
    pub attribute_name: String,
    /// `S`, `N` or `B`.
    pub attribute_type: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Throughput {
    pub read_capacity_units: u64,
    pub write_capacity_units: u64,
}

/// A global or local secondary index, as CreateTable takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct IndexSpec {
    pub index_name: String,
    pub key_schema: Vec<KeySchemaElement>,
    pub projection: Projection,
    /// A provisioned table's GSI capacity; never on an LSI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioned_throughput: Option<Throughput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Projection {
    /// `ALL`, `KEYS_ONLY` or `INCLUDE`.
    pub projection_type: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub non_key_attributes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct StreamSpecification {
    pub stream_enabled: bool,
    /// `KEYS_ONLY`, `NEW_IMAGE`, `OLD_IMAGE` or `NEW_AND_OLD_IMAGES` when enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_view_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// One kind of item sharing the table (a facet): how its keys are built and what it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Entity {
    pub name: String,
    /// Key templates: the table's key attributes first, then any index key attributes the
    /// entity fills (overloading an index means several entities fill the same ones).
    pub keys: Vec<KeyTemplate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttributeSpec>,
    /// How many items of this entity the generator makes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// `attribute = template`, e.g. `PK = USER#{userId}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyTemplate {
    pub attribute: String,
    pub template: String,
}

/// An attribute an entity holds, with its DynamoDB type and how sample values are made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttributeSpec {
    pub name: String,
    /// `S`, `N`, `B`, `BOOL`, `NULL`, `M`, `L`, `SS`, `NS` or `BS`.
    #[serde(rename = "type")]
    pub kind: String,
    /// How the generator makes values (see `generate`); absent means a value fitting the
    /// type and name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<GeneratorJson>,
}

/// An attribute's generator settings as written (`{"kind": "uuid"}`). The model keeps them as
/// JSON and they are read into a [`Generator`](crate::generate::Generator) where items are
/// made or a model file is checked ([`crate::generate::check_settings`]), so code that only
/// edits or stores models (the page) carries no generator parser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GeneratorJson(pub Value);

impl GeneratorJson {
    /// The settings read as a generator, or why they are not one.
    pub fn read(&self) -> Result<crate::generate::Generator, String> {
        serde_json::from_value(self.0.clone()).map_err(|e| e.to_string())
    }
}

impl From<crate::generate::Generator> for GeneratorJson {
    fn from(generator: crate::generate::Generator) -> GeneratorJson {
        GeneratorJson(serde_json::to_value(generator).expect("a generator serialises"))
    }
}

/// The operation an access pattern runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operation {
    GetItem,
    Query,
    Scan,
}

/// A named, parameterised read the design must serve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessPattern {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub operation: Operation,
    /// The index queried or scanned; absent for the table itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    /// Template of the partition key value (GetItem and Query), e.g. `USER#{userId}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_key: Option<String>,
    /// The sort key condition (Query), or the sort key value (GetItem, operator `=`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_key: Option<SortCondition>,
    /// A FilterExpression; `{name}` placeholders in it become expression attribute values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Attributes to return (a ProjectionExpression); empty means all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub projection: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Query order: false reads the sort key descending.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub scan_forward: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub consistent_read: bool,
    /// Example values for the placeholders, used when the pattern is run.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A sort key condition: `operator` applied to the rendered `value` (and `upper` for BETWEEN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SortCondition {
    pub operator: SortOperator,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper: Option<String>,
}

/// The operators DynamoDB allows on a sort key in a key condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortOperator {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "BETWEEN")]
    Between,
    #[serde(rename = "begins_with")]
    BeginsWith,
}

impl Model {
    /// An empty model called `name`.
    pub fn new(name: impl Into<String>) -> Model {
        Model {
            format: FORMAT.to_owned(),
            version: VERSION,
            name: name.into(),
            description: String::new(),
            tables: Vec::new(),
            simulation: None,
            extra: Map::new(),
        }
    }

    /// Reads a model file, checking its format and version.
    pub fn from_json(text: &str) -> Result<Model, ModelError> {
        let value: Value = serde_json::from_slice(text.as_bytes())
            .map_err(|e| ModelError::whole(format!("the model is not valid JSON: {e}")))?;
        Model::from_value(value)
    }

    /// Reads a model from parsed JSON, checking its format and version.
    pub fn from_value(value: Value) -> Result<Model, ModelError> {
        match value.get("format").and_then(Value::as_str) {
            Some(FORMAT) => {}
            Some(other) => {
                return Err(ModelError::at(
                    "format",
                    format!("expected \"{FORMAT}\", found \"{other}\""),
                ));
            }
            None => {
                return Err(ModelError::at(
                    "format",
                    format!("missing; a model file says \"format\": \"{FORMAT}\""),
                ));
            }
        }
        match value.get("version").and_then(Value::as_u64) {
            Some(v) if v == u64::from(VERSION) => {}
            Some(v) => {
                return Err(ModelError::at(
                    "version",
                    format!("version {v} is not supported; this Dynoscope reads version {VERSION}"),
                ));
            }
            None => return Err(ModelError::at("version", "missing or not a whole number")),
        }
        serde_path::from_value(value)
    }

    /// The model as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a model always serialises")
    }

    /// The table called `name`.
    pub fn table(&self, name: &str) -> Option<&ModelTable> {
        self.tables.iter().find(|t| t.definition.table_name == name)
    }
}

impl TableSpec {
    /// The table's partition key attribute name.
    pub fn partition_key(&self) -> Option<&str> {
        key_of(&self.key_schema, "HASH")
    }

    /// The table's sort key attribute name, if it has one.
    pub fn sort_key(&self) -> Option<&str> {
        key_of(&self.key_schema, "RANGE")
    }

    /// The declared type (`S`, `N`, `B`) of an attribute in AttributeDefinitions.
    pub fn attribute_type(&self, name: &str) -> Option<&str> {
        self.attribute_definitions
            .iter()
            .find(|d| d.attribute_name == name)
            .map(|d| d.attribute_type.as_str())
    }

    /// The index called `name`, global or local, and whether it is global.
    pub fn index(&self, name: &str) -> Option<(&IndexSpec, bool)> {
        self.global_secondary_indexes
            .iter()
            .find(|i| i.index_name == name)
            .map(|i| (i, true))
            .or_else(|| {
                self.local_secondary_indexes
                    .iter()
                    .find(|i| i.index_name == name)
                    .map(|i| (i, false))
            })
    }

    /// True for on-demand tables.
    pub fn is_on_demand(&self) -> bool {
        self.billing_mode.as_deref() == Some("PAY_PER_REQUEST")
    }
}

impl IndexSpec {
    pub fn partition_key(&self) -> Option<&str> {
        key_of(&self.key_schema, "HASH")
    }

    pub fn sort_key(&self) -> Option<&str> {
        key_of(&self.key_schema, "RANGE")
    }
}

fn key_of<'a>(schema: &'a [KeySchemaElement], role: &str) -> Option<&'a str> {
    schema
        .iter()
        .find(|k| k.key_type == role)
        .map(|k| k.attribute_name.as_str())
}

impl Entity {
    /// The template for `attribute`, if the entity sets it.
    pub fn key(&self, attribute: &str) -> Option<&str> {
        self.keys
            .iter()
            .find(|k| k.attribute == attribute)
            .map(|k| k.template.as_str())
    }

    /// Parsed templates, with where each came from for errors.
    pub fn templates(&self) -> Result<Vec<(&str, Template)>, ModelError> {
        self.keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                Template::parse(&k.template)
                    .map(|t| (k.attribute.as_str(), t))
                    .map_err(|e| e.within(&format!("keys[{i}].template")))
            })
            .collect()
    }
}

/// Deserialisation that reports where in the document a field was wrong. Finding the path
/// costs nothing until something fails: the value is then written out pretty, read again for
/// serde_json's line number, and the path to that line is worked out from the pretty text
/// (a tracking deserializer would double the code of every model type in the app).
pub(crate) mod serde_path {
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    use crate::error::ModelError;

    /// Reads `T` from `value`; a failure names the field's path (`tables[0].definition`).
    pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, ModelError> {
        let text = serde_json::to_string_pretty(&value).expect("a JSON value always serialises");
        serde_json::from_slice(text.as_bytes()).map_err(|e| {
            let message = e.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m)
                .to_owned();
            ModelError::at(path_at_line(&text, e.line()), message)
        })
    }

    /// The path of the value that pretty-printed JSON `text` holds at `line` (1-based).
    pub fn path_at_line(text: &str, line: usize) -> String {
        // One frame per open container: its key in the parent, and for arrays how many
        // elements have begun. Empty containers print as `{}` / `[]` on one line.
        let mut stack: Vec<(Option<String>, Option<usize>)> = Vec::new();
        let mut path = String::new();
        for (n, raw) in text.lines().enumerate() {
            let row = raw.trim().trim_end_matches(',');
            let (key, rest) = match row.strip_prefix('"').and_then(|r| r.split_once("\": ")) {
                Some((k, rest)) => (Some(k.to_owned()), rest),
                None => (None, row),
            };
            if rest == "}" || rest == "]" {
                stack.pop();
                if n + 1 == line {
                    break;
                }
                continue;
            }
            if let Some((_, Some(index))) = stack.last_mut() {
                *index += 1;
            }
            path = render(&stack, key.as_deref());
            if n + 1 == line {
                break;
            }
            if (rest.ends_with('{') || rest.ends_with('[')) && !matches!(rest, "{}" | "[]") {
                let array = rest.ends_with('[').then_some(0);
                stack.push((key, array));
            }
        }
        path
    }

    fn render(stack: &[(Option<String>, Option<usize>)], leaf: Option<&str>) -> String {
        let mut out = String::new();
        for (key, index) in stack {
            if let Some(key) = key {
                push_key(&mut out, key);
            }
            if let Some(i) = index {
                // `i` counts the elements seen so far; the current one is the last.
                out.push_str(&format!("[{}]", i.saturating_sub(1)));
            }
        }
        if let Some(leaf) = leaf {
            push_key(&mut out, leaf);
        }
        out
    }

    fn push_key(out: &mut String, key: &str) {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(key);
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_path_of_a_wrong_field_names_keys_and_indexes() {
            let value = serde_json::json!({"tables": [{"a": 1}, {"definition": {"TableName": 5}}]});
            let text = serde_json::to_string_pretty(&value).unwrap();
            let line = text.lines().position(|l| l.contains("TableName")).unwrap() + 1;
            assert_eq!(path_at_line(&text, line), "tables[1].definition.TableName");
        }
    }
}
