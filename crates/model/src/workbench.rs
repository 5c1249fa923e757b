//! NoSQL Workbench model JSON (format 3.0) to and from a [`Model`]: [`import`] reads an
//! export and [`export`] writes one. `ModelName` and `ModelMetadata.Description` are the
//! model's name and description; each `DataModel` entry is a table whose `KeyAttributes`
//! give the key schema and, with its indexes' keys, the AttributeDefinitions (nothing else,
//! as CreateTable requires); `GlobalSecondaryIndexes` and `LocalSecondaryIndexes` (Workbench's
//! LSI spelling is not published, so LSIs are read and written with the GSI shape under that
//! CreateTable name), `BillingMode` and `ProvisionedCapacitySettings.ProvisionedThroughput`
//! fill the definition. Items come from the table's `TableData` then each facet's, in
//! DynamoDB JSON; inside an `M` or `L`, a value that is not a typed value (`{"S": ...}`, one
//! member named after a DynamoDB type) is plain JSON, as Workbench lets authors type it, and
//! becomes one (string S, number N, boolean BOOL, null NULL, array L, object M); items are
//! stored as the engine writes them back (numbers normalised), and an item repeating an
//! earlier one's primary key replaces it in place, as a later PutItem would. Each facet is an
//! entity named `FacetName` holding the facet's `NonKeyAttributes`, typed by the table's
//! `NonKeyAttributes`. Its key templates come from `KeyAttributeAlias`, which are display
//! names: an alias that parses as a template with a placeholder is the template; an alias
//! `LITERAL#name` gives `LITERAL#{name}` and a plain alias `name` (not the key attribute's own
//! name) gives `PREFIX#{name}`, where `PREFIX#` is the text of the facet's first key value up
//! to its first `#` after a non-`#` character, each only when it captures every one of the
//! facet's key values; otherwise the entity has no template for that key. On export an item
//! belongs to the first entity that lists its primary key among kept `memberKeys`, else the
//! first entity with templates all of which capture the item's values for the attributes it
//! has (at least one), else to no facet and goes in the table's `TableData`; an import keeps,
//! as `memberKeys`, the keys of the facet items its templates would not send back to their
//! facet, and orders items as export will group them (no facet first, then by entity), so a
//! round trip returns the same model. What Workbench carries that the model has no field for
//! (the rest of `ModelMetadata`, `DataAccess` other than `{"MySql": {}}`, `SampleDataFormats`,
//! auto scaling, aliases and declared attributes that export would not derive, unknown
//! fields) is kept in the `extra` map of the model, table or entity under [`KEPT`] and written
//! back; what the model has that Workbench has no field for (access patterns, seed, key
//! templates, attribute generators and type overrides, entity counts, simulation, TTL,
//! streams, tags, other `extra`) is written in a [`OURS`] member of the model, table or
//! facet, which import reads back. Export writes `NonKeyAttributes` as the kept declarations
//! followed by every other attribute seen in entities, index keys and items with its type.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use dynoscope_engine::{item_from_json, item_to_json};
use serde::de::DeserializeOwned;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::ModelError;
use crate::model::{
    AccessPattern, AttributeDefinition, AttributeSpec, Entity, IndexSpec, ItemJson,
    KeySchemaElement, KeyTemplate, Model, ModelTable, Projection, StreamSpecification, TableSpec,
    Tag, Throughput, serde_path,
};
use crate::template::Template;

/// The key, in the `extra` of a model, table or entity, under which what a Workbench file
/// brought and the model has no field for is kept.
pub const KEPT: &str = "workbench";
/// The member of an exported model, table or facet that carries what Workbench has no field
/// for.
pub const OURS: &str = "Dynoscope";

const VERSION: &str = "3.0";
const SERVICE: &str = "Amazon DynamoDB";
/// Kept in an entity: primary keys of items that belong to its facet though its templates
/// would not say so.
const MEMBER_KEYS: &str = "memberKeys";
/// Kept in a table: the unknown members of each index, by index name.
const INDEX_FIELDS: &str = "indexFields";
const KEY_TYPES: [&str; 3] = ["S", "N", "B"];
const ATTRIBUTE_TYPES: [&str; 10] = ["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"];
const PROJECTION_TYPES: [&str; 3] = ["ALL", "KEYS_ONLY", "INCLUDE"];
const BILLING_MODES: [&str; 2] = ["PROVISIONED", "PAY_PER_REQUEST"];
const MODEL_FIELDS: [&str; 4] = ["ModelName", "ModelMetadata", "DataModel", OURS];
const METADATA_FIELDS: [&str; 6] = [
    "Author",
    "DateCreated",
    "DateLastModified",
    "Description",
    "AWSService",
    "Version",
];
const TABLE_FIELDS: [&str; 12] = [
    "TableName",
    "KeyAttributes",
    "NonKeyAttributes",
    "TableFacets",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "TableData",
    "DataAccess",
    "BillingMode",
    "ProvisionedCapacitySettings",
    OURS,
    INDEX_FIELDS,
];
const FACET_FIELDS: [&str; 7] = [
    "FacetName",
    "KeyAttributeAlias",
    "TableData",
    "NonKeyAttributes",
    "DataAccess",
    OURS,
    MEMBER_KEYS,
];
const INDEX_KNOWN: [&str; 4] = [
    "IndexName",
    "KeyAttributes",
    "Projection",
    "ProvisionedThroughput",
];

/// Reads a NoSQL Workbench export (format 3.0). Refuses, naming the field's path, anything
/// missing, of the wrong type, or that DynamoDB would refuse (see the module doc).
pub fn import(text: &str) -> Result<Model, ModelError> {
    let root: Value = serde_json::from_slice(text.as_bytes())
        .map_err(|e| ModelError::whole(format!("the Workbench model is not valid JSON: {e}")))?;
    let mut fields = Fields::read(root, "")?;
    let mut model = Model::new(fields.string("ModelName")?);
    let metadata = fields.object("ModelMetadata")?;
    let (description, metadata) = read_metadata(metadata)?;
    model.description = description;
    model.tables = read_tables(&mut fields)?;
    let ours: ModelOurs = read_ours(&mut fields)?;
    model.simulation = ours.simulation;
    model.extra = ours.extra;
    let mut kept = fields.rest();
    if !metadata.is_empty() {
        kept.insert("ModelMetadata".to_owned(), Value::Object(metadata));
    }
    keep(&mut model.extra, kept);
    Ok(model)
}

/// Writes `model` as a NoSQL Workbench export (format 3.0), pretty-printed.
pub fn export(model: &Model) -> String {
    let kept = kept_of(&model.extra);
    let ours = ModelOurs {
        simulation: model.simulation.clone(),
        extra: without(&model.extra, &[KEPT]),
    };
    let document = ModelOut {
        model_name: &model.name,
        model_metadata: metadata_out(model, &kept),
        data_model: model.tables.iter().map(table_out).collect(),
        rest: without(&kept, &MODEL_FIELDS),
        ours: (!ours.is_empty()).then_some(ours),
    };
    serde_json::to_string_pretty(&document).expect("JSON values with string keys always serialise")
}

// ---------------------------------------------------------------------------------------
// Reading JSON with paths

/// A JSON object being read: where it is (for errors) and the members not taken yet.
struct Fields {
    path: String,
    members: Map<String, Value>,
}

impl Fields {
    fn read(value: Value, path: &str) -> Result<Fields, ModelError> {
        match value {
            Value::Object(members) => Ok(Fields {
                path: path.to_owned(),
                members,
            }),
            other => Err(wrong_type(path, "an object", &other)),
        }
    }

    /// The path of member `name`.
    fn at(&self, name: &str) -> String {
        join(&self.path, name)
    }

    /// Takes member `name`; `null` counts as absent.
    fn take(&mut self, name: &str) -> Option<Value> {
        self.members.remove(name).filter(|v| !v.is_null())
    }

    fn string(&mut self, name: &str) -> Result<String, ModelError> {
        self.optional_string(name)?
            .ok_or_else(|| missing(&self.at(name)))
    }

    fn name(&mut self, name: &str) -> Result<String, ModelError> {
        let value = self.string(name)?;
        if value.is_empty() {
            return Err(ModelError::at(self.at(name), "empty; a name is needed"));
        }
        Ok(value)
    }

    fn optional_string(&mut self, name: &str) -> Result<Option<String>, ModelError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(wrong_type(&self.at(name), "a string", &other)),
        }
    }

    fn one_of(&mut self, name: &str, allowed: &[&str]) -> Result<Option<String>, ModelError> {
        match self.optional_string(name)? {
            Some(value) if !allowed.contains(&value.as_str()) => Err(ModelError::at(
                self.at(name),
                format!("\"{value}\" is not one of {}", allowed.join(", ")),
            )),
            value => Ok(value),
        }
    }

    fn whole(&mut self, name: &str) -> Result<u64, ModelError> {
        match self.take(name) {
            None => Err(missing(&self.at(name))),
            Some(value) => value
                .as_u64()
                .ok_or_else(|| wrong_type(&self.at(name), "a whole number", &value)),
        }
    }

    /// Member `name` as an array; absent is empty.
    fn array(&mut self, name: &str) -> Result<Vec<Value>, ModelError> {
        match self.take(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(values)) => Ok(values),
            Some(other) => Err(wrong_type(&self.at(name), "an array", &other)),
        }
    }

    fn object(&mut self, name: &str) -> Result<Option<Fields>, ModelError> {
        let path = self.at(name);
        self.take(name).map(|v| Fields::read(v, &path)).transpose()
    }

    fn required_object(&mut self, name: &str) -> Result<Fields, ModelError> {
        self.object(name)?.ok_or_else(|| missing(&self.at(name)))
    }

    /// The members nobody took.
    fn rest(self) -> Map<String, Value> {
        self.members
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn missing(path: &str) -> ModelError {
    ModelError::at(path, "missing")
}

fn wrong_type(path: &str, expected: &str, found: &Value) -> ModelError {
    let found = match found {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    };
    ModelError::at(path, format!("expected {expected}, found {found}"))
}

/// Member [`OURS`] read as `T`; absent is the default.
fn read_ours<T: DeserializeOwned + Default>(fields: &mut Fields) -> Result<T, ModelError> {
    let path = fields.at(OURS);
    fields
        .take(OURS)
        .map(|v| serde_path::from_value(v).map_err(|e| e.within(&path)))
        .transpose()
        .map(Option::unwrap_or_default)
}

fn string_list(values: Vec<Value>, path: &str) -> Result<Vec<String>, ModelError> {
    values
        .into_iter()
        .enumerate()
        .map(|(i, value)| match value {
            Value::String(s) => Ok(s),
            other => Err(wrong_type(&format!("{path}[{i}]"), "a string", &other)),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// What is kept, and what is ours

/// Puts `kept` under [`KEPT`] in `extra`, unless there is nothing to keep.
fn keep(extra: &mut Map<String, Value>, kept: Map<String, Value>) {
    if !kept.is_empty() {
        extra.insert(KEPT.to_owned(), Value::Object(kept));
    }
}

/// What an `extra` map keeps from Workbench (empty when nothing).
fn kept_of(extra: &Map<String, Value>) -> Cow<'_, Map<String, Value>> {
    match extra.get(KEPT) {
        Some(Value::Object(kept)) => Cow::Borrowed(kept),
        _ => Cow::Owned(Map::new()),
    }
}

/// `map` without the members named in `names`.
fn without(map: &Map<String, Value>, names: &[&str]) -> Map<String, Value> {
    map.iter()
        .filter(|(k, _)| !names.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn default_data_access() -> Value {
    serde_json::json!({ "MySql": {} })
}

/// The rest of a table or facet, less a `DataAccess` that says only what export writes anyway.
fn kept_rest(fields: Fields) -> Map<String, Value> {
    let mut rest = fields.rest();
    if rest.get("DataAccess") == Some(&default_data_access()) {
        rest.remove("DataAccess");
    }
    rest
}

/// The model's own fields that Workbench has no place for.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ModelOurs {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    simulation: Option<Value>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    extra: Map<String, Value>,
}

impl ModelOurs {
    fn is_empty(&self) -> bool {
        self.simulation.is_none() && self.extra.is_empty()
    }
}

/// A table's own fields that Workbench has no place for.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TableOurs {
    #[serde(default, skip_serializing_if = "DefinitionOurs::is_empty")]
    definition: DefinitionOurs,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    access_patterns: Vec<AccessPattern>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    extra: Map<String, Value>,
}

impl TableOurs {
    fn is_empty(&self) -> bool {
        self.definition.is_empty()
            && self.access_patterns.is_empty()
            && self.seed.is_none()
            && self.extra.is_empty()
    }
}

/// The parts of a table definition Workbench has no place for, spelt as in [`TableSpec`].
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct DefinitionOurs {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stream_specification: Option<StreamSpecification>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    table_class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deletion_protection_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<Tag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time_to_live_attribute: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    point_in_time_recovery_enabled: Option<bool>,
}

impl DefinitionOurs {
    fn is_empty(&self) -> bool {
        *self == DefinitionOurs::default()
    }

    fn of(spec: &TableSpec) -> DefinitionOurs {
        DefinitionOurs {
            stream_specification: spec.stream_specification.clone(),
            table_class: spec.table_class.clone(),
            deletion_protection_enabled: spec.deletion_protection_enabled,
            tags: spec.tags.clone(),
            time_to_live_attribute: spec.time_to_live_attribute.clone(),
            point_in_time_recovery_enabled: spec.point_in_time_recovery_enabled,
        }
    }

    fn apply(self, spec: &mut TableSpec) {
        spec.stream_specification = self.stream_specification;
        spec.table_class = self.table_class;
        spec.deletion_protection_enabled = self.deletion_protection_enabled;
        spec.tags = self.tags;
        spec.time_to_live_attribute = self.time_to_live_attribute;
        spec.point_in_time_recovery_enabled = self.point_in_time_recovery_enabled;
    }
}

/// An entity's own fields that Workbench has no place for: its key templates when the
/// aliases and items would not give them back, the attributes whose type or generator the
/// table's `NonKeyAttributes` cannot say, its count.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FacetOurs {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    keys: Option<Vec<KeyTemplate>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<AttributeSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count: Option<u32>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    extra: Map<String, Value>,
}

impl FacetOurs {
    fn is_empty(&self) -> bool {
        self.keys.is_none()
            && self.attributes.is_empty()
            && self.count.is_none()
            && self.extra.is_empty()
    }
}

// ---------------------------------------------------------------------------------------
// Import: the model

/// `ModelMetadata`: the description, and what is kept (less the format constants, which
/// are checked, and an empty `Author`, which export writes anyway).
fn read_metadata(metadata: Option<Fields>) -> Result<(String, Map<String, Value>), ModelError> {
    let Some(mut fields) = metadata else {
        return Ok((String::new(), Map::new()));
    };
    let description = fields.optional_string("Description")?.unwrap_or_default();
    if let Some(service) = fields.optional_string("AWSService")?
        && service != SERVICE
    {
        return Err(ModelError::at(
            fields.at("AWSService"),
            format!("this is a model for {service}; Dynoscope reads {SERVICE} models"),
        ));
    }
    if let Some(version) = fields.optional_string("Version")?
        && version != "3"
        && !version.starts_with("3.")
    {
        return Err(ModelError::at(
            fields.at("Version"),
            format!(
                "Workbench model format {version} is not supported; this reads format {VERSION}"
            ),
        ));
    }
    let mut kept = fields.rest();
    if kept.get("Author") == Some(&Value::String(String::new())) {
        kept.remove("Author");
    }
    Ok((description, kept))
}

fn read_tables(fields: &mut Fields) -> Result<Vec<ModelTable>, ModelError> {
    let path = fields.at("DataModel");
    let values = match fields.take("DataModel") {
        None => return Err(missing(&path)),
        Some(Value::Array(values)) => values,
        Some(other) => return Err(wrong_type(&path, "an array", &other)),
    };
    let mut tables: Vec<ModelTable> = Vec::new();
    for (i, value) in values.into_iter().enumerate() {
        let table_path = format!("{path}[{i}]");
        let table = read_table(value, &table_path)?;
        let name = &table.definition.table_name;
        if tables.iter().any(|t| t.definition.table_name == *name) {
            return Err(ModelError::at(
                join(&table_path, "TableName"),
                format!("a table called \"{name}\" is already in the model"),
            ));
        }
        tables.push(table);
    }
    Ok(tables)
}

// ---------------------------------------------------------------------------------------
// Import: one table

/// An item and the facet it first appeared in (none for the table's own `TableData`).
struct Sourced {
    item: ItemJson,
    facet: Option<usize>,
}

/// A `TableFacets` entry as read, before it becomes an entity.
struct RawFacet {
    name: String,
    alias: Option<Map<String, Value>>,
    attributes: Vec<String>,
    ours: FacetOurs,
    kept: Map<String, Value>,
}

fn read_table(value: Value, path: &str) -> Result<ModelTable, ModelError> {
    let mut fields = Fields::read(value, path)?;
    let mut kept = Map::new();
    let mut definition = read_definition(&mut fields, &mut kept)?;
    let declared = read_declared(&mut fields)?;
    let ours: TableOurs = read_ours(&mut fields)?;
    ours.definition.apply(&mut definition);
    let rules = key_rules(&definition);
    let mut items: Vec<Sourced> = read_items(&mut fields, "TableData", &rules)?
        .into_iter()
        .map(|item| Sourced { item, facet: None })
        .collect();
    let facets = read_facets(&mut fields, &rules, &mut items)?;
    let names = key_names(&definition);
    let items = merge_items(items, &names);
    let entities = build_entities(facets, &items, &definition, &declared);
    let mut table = ModelTable {
        definition,
        entities,
        access_patterns: ours.access_patterns,
        items: items.into_iter().map(|s| s.item).collect(),
        seed: ours.seed,
        extra: ours.extra,
    };
    table.items = in_owner_order(&table);
    kept.extend(kept_rest(fields));
    let undeclared = underivable(&declared, &derived_attributes(&table));
    if !undeclared.is_empty() {
        kept.insert("NonKeyAttributes".to_owned(), Value::Array(undeclared));
    }
    keep(&mut table.extra, kept);
    Ok(table)
}

/// The table's name, keys, indexes and capacity. The rest of `ProvisionedCapacitySettings`
/// and unknown index members go to `kept`.
fn read_definition(
    fields: &mut Fields,
    kept: &mut Map<String, Value>,
) -> Result<TableSpec, ModelError> {
    let table_name = fields.name("TableName")?;
    let mut declarations = Declarations::default();
    let keys = declarations.keys(fields)?;
    let global_secondary_indexes = declarations.indexes(fields, "GlobalSecondaryIndexes")?;
    let local_secondary_indexes = declarations.indexes(fields, "LocalSecondaryIndexes")?;
    let billing_mode = fields.one_of("BillingMode", &BILLING_MODES)?;
    let (provisioned_throughput, capacity) = read_capacity(fields)?;
    if !capacity.is_empty() {
        kept.insert(
            "ProvisionedCapacitySettings".to_owned(),
            Value::Object(capacity),
        );
    }
    if !declarations.index_fields.is_empty() {
        kept.insert(
            INDEX_FIELDS.to_owned(),
            Value::Object(declarations.index_fields),
        );
    }
    Ok(TableSpec {
        table_name,
        key_schema: keys,
        attribute_definitions: declarations.definitions,
        billing_mode,
        provisioned_throughput,
        global_secondary_indexes,
        local_secondary_indexes,
        ..TableSpec::default()
    })
}

/// What a table's key and index declarations add up to while they are read.
#[derive(Default)]
struct Declarations {
    definitions: Vec<AttributeDefinition>,
    index_names: BTreeSet<String>,
    index_fields: Map<String, Value>,
}

impl Declarations {
    /// `KeyAttributes` of the table or index `fields`, as a key schema.
    fn keys(&mut self, fields: &mut Fields) -> Result<Vec<KeySchemaElement>, ModelError> {
        let mut keys = fields.required_object("KeyAttributes")?;
        let partition = read_key(keys.required_object("PartitionKey")?)?;
        let sort = keys.object("SortKey")?.map(read_key).transpose()?;
        let mut schema = Vec::new();
        for (definition, role) in [(Some(partition), "HASH"), (sort, "RANGE")] {
            let Some(definition) = definition else {
                continue;
            };
            schema.push(KeySchemaElement {
                attribute_name: definition.attribute_name.clone(),
                key_type: role.to_owned(),
            });
            self.define(definition, &keys.path)?;
        }
        Ok(schema)
    }

    /// Adds a key attribute's definition; the same attribute may key several indexes, but
    /// always with one type.
    fn define(&mut self, definition: AttributeDefinition, path: &str) -> Result<(), ModelError> {
        match self
            .definitions
            .iter()
            .find(|d| d.attribute_name == definition.attribute_name)
        {
            None => self.definitions.push(definition),
            Some(d) if d.attribute_type == definition.attribute_type => {}
            Some(d) => {
                return Err(ModelError::at(
                    path,
                    format!(
                        "the key attribute {} is {} here but {} in an earlier key",
                        definition.attribute_name, definition.attribute_type, d.attribute_type
                    ),
                ));
            }
        }
        Ok(())
    }

    fn indexes(&mut self, fields: &mut Fields, name: &str) -> Result<Vec<IndexSpec>, ModelError> {
        let path = fields.at(name);
        let mut indexes = Vec::new();
        for (i, value) in fields.array(name)?.into_iter().enumerate() {
            indexes.push(self.index(value, &format!("{path}[{i}]"))?);
        }
        Ok(indexes)
    }

    fn index(&mut self, value: Value, path: &str) -> Result<IndexSpec, ModelError> {
        let mut fields = Fields::read(value, path)?;
        let index_name = fields.name("IndexName")?;
        if !self.index_names.insert(index_name.clone()) {
            return Err(ModelError::at(
                fields.at("IndexName"),
                format!("the table already has an index called \"{index_name}\""),
            ));
        }
        let key_schema = self.keys(&mut fields)?;
        let projection = read_projection(fields.required_object("Projection")?)?;
        let provisioned_throughput = fields
            .object("ProvisionedThroughput")?
            .map(read_throughput)
            .transpose()?;
        let rest = fields.rest();
        if !rest.is_empty() {
            self.index_fields
                .insert(index_name.clone(), Value::Object(rest));
        }
        Ok(IndexSpec {
            index_name,
            key_schema,
            projection,
            provisioned_throughput,
        })
    }
}

fn read_key(mut fields: Fields) -> Result<AttributeDefinition, ModelError> {
    let attribute_name = fields.name("AttributeName")?;
    let attribute_type = fields.string("AttributeType")?;
    if !KEY_TYPES.contains(&attribute_type.as_str()) {
        return Err(ModelError::at(
            fields.at("AttributeType"),
            format!("\"{attribute_type}\" cannot type a key attribute: keys are S, N or B"),
        ));
    }
    Ok(AttributeDefinition {
        attribute_name,
        attribute_type,
    })
}

fn read_projection(mut fields: Fields) -> Result<Projection, ModelError> {
    let projection_type = fields
        .one_of("ProjectionType", &PROJECTION_TYPES)?
        .ok_or_else(|| missing(&fields.at("ProjectionType")))?;
    let path = fields.at("NonKeyAttributes");
    let non_key_attributes = string_list(fields.array("NonKeyAttributes")?, &path)?;
    Ok(Projection {
        projection_type,
        non_key_attributes,
    })
}

fn read_throughput(mut fields: Fields) -> Result<Throughput, ModelError> {
    Ok(Throughput {
        read_capacity_units: fields.whole("ReadCapacityUnits")?,
        write_capacity_units: fields.whole("WriteCapacityUnits")?,
    })
}

/// `ProvisionedCapacitySettings`: its throughput, and the rest (auto scaling) to keep.
fn read_capacity(
    fields: &mut Fields,
) -> Result<(Option<Throughput>, Map<String, Value>), ModelError> {
    let Some(mut settings) = fields.object("ProvisionedCapacitySettings")? else {
        return Ok((None, Map::new()));
    };
    let throughput = settings
        .object("ProvisionedThroughput")?
        .map(read_throughput)
        .transpose()?;
    Ok((throughput, settings.rest()))
}

/// The table's `NonKeyAttributes`: names and types, each name once.
fn read_declared(fields: &mut Fields) -> Result<Vec<(String, String)>, ModelError> {
    let path = fields.at("NonKeyAttributes");
    let mut declared: Vec<(String, String)> = Vec::new();
    for (i, value) in fields.array("NonKeyAttributes")?.into_iter().enumerate() {
        let mut entry = Fields::read(value, &format!("{path}[{i}]"))?;
        let name = entry.name("AttributeName")?;
        let kind = entry
            .one_of("AttributeType", &ATTRIBUTE_TYPES)?
            .ok_or_else(|| missing(&entry.at("AttributeType")))?;
        if declared.iter().any(|(n, _)| *n == name) {
            return Err(ModelError::at(
                entry.at("AttributeName"),
                format!("{name} is declared twice"),
            ));
        }
        declared.push((name, kind));
    }
    Ok(declared)
}

// ---------------------------------------------------------------------------------------
// Import: items

/// A key attribute items must (the table's) or may (an index's) have, with its type.
struct KeyRule {
    attribute: String,
    kind: String,
    required: bool,
    role: String,
}

fn key_rules(spec: &TableSpec) -> Vec<KeyRule> {
    let table = spec
        .key_schema
        .iter()
        .map(|k| (k, true, role_of(k).to_owned()));
    let indexes = spec
        .global_secondary_indexes
        .iter()
        .chain(&spec.local_secondary_indexes)
        .flat_map(|index| {
            index
                .key_schema
                .iter()
                .map(|k| (k, false, format!("key of the index {}", index.index_name)))
        });
    table
        .chain(indexes)
        .filter_map(|(key, required, role)| {
            Some(KeyRule {
                attribute: key.attribute_name.clone(),
                kind: spec.attribute_type(&key.attribute_name)?.to_owned(),
                required,
                role,
            })
        })
        .collect()
}

fn role_of(key: &KeySchemaElement) -> &'static str {
    if key.key_type == "HASH" {
        "partition key"
    } else {
        "sort key"
    }
}

fn key_names(spec: &TableSpec) -> Vec<&str> {
    [spec.partition_key(), spec.sort_key()]
        .into_iter()
        .flatten()
        .collect()
}

fn read_items(
    fields: &mut Fields,
    name: &str,
    rules: &[KeyRule],
) -> Result<Vec<ItemJson>, ModelError> {
    let path = fields.at(name);
    fields
        .array(name)?
        .into_iter()
        .enumerate()
        .map(|(i, value)| read_item(value, &format!("{path}[{i}]"), rules))
        .collect()
}

/// One item: DynamoDB JSON (plain JSON allowed inside maps and lists), valid as DynamoDB
/// reads it, with the table's keys, all key attributes of their declared types; returned as
/// the engine writes it.
fn read_item(value: Value, path: &str, rules: &[KeyRule]) -> Result<ItemJson, ModelError> {
    let Value::Object(attributes) = value else {
        return Err(wrong_type(
            path,
            "an item (an object of attributes)",
            &value,
        ));
    };
    let typed: Map<String, Value> = attributes
        .into_iter()
        .map(|(name, v)| (name, typed_value(v)))
        .collect();
    let parsed = item_from_json(&Value::Object(typed).to_string())
        .map_err(|e| ModelError::at(path, format!("not valid DynamoDB JSON: {}", e.message)))?;
    let item: ItemJson = serde_json::from_slice(item_to_json(&parsed).as_bytes())
        .map_err(|e| ModelError::at(path, format!("the item could not be re-read: {e}")))?;
    check_keys(&item, path, rules)?;
    Ok(item)
}

fn check_keys(item: &ItemJson, path: &str, rules: &[KeyRule]) -> Result<(), ModelError> {
    for rule in rules {
        match item.get(&rule.attribute).and_then(type_of_value) {
            None if rule.required => {
                return Err(ModelError::at(
                    path,
                    format!("the item has no {} {}", rule.role, rule.attribute),
                ));
            }
            Some(kind) if kind != rule.kind => {
                return Err(ModelError::at(
                    join(path, &rule.attribute),
                    format!(
                        "the {} {} is declared {} but this item holds {kind}",
                        rule.role, rule.attribute, rule.kind
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The DynamoDB type of a typed value (`{"S": "x"}` is `S`).
fn type_of_value(value: &Value) -> Option<&str> {
    let map = value.as_object()?;
    let (tag, _) = map.iter().next()?;
    (map.len() == 1 && ATTRIBUTE_TYPES.contains(&tag.as_str())).then_some(tag.as_str())
}

/// A top-level attribute value: a typed value has plain JSON inside its `M` or `L` turned
/// into typed values; anything else is left for the engine to refuse.
fn typed_value(value: Value) -> Value {
    if type_of_value(&value).is_none() {
        return value;
    }
    let Value::Object(map) = value else {
        return value;
    };
    let typed = map.into_iter().map(|(tag, content)| {
        let content = match (tag.as_str(), content) {
            ("M", Value::Object(entries)) => Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, nested_value(v)))
                    .collect(),
            ),
            ("L", Value::Array(elements)) => {
                Value::Array(elements.into_iter().map(nested_value).collect())
            }
            (_, content) => content,
        };
        (tag, content)
    });
    Value::Object(typed.collect())
}

/// A value inside an `M` or `L`: typed if it looks typed, else plain JSON made typed.
fn nested_value(value: Value) -> Value {
    if type_of_value(&value).is_some() {
        return typed_value(value);
    }
    let (tag, content) = match value {
        Value::Null => ("NULL", Value::Bool(true)),
        Value::Bool(b) => ("BOOL", Value::Bool(b)),
        Value::Number(n) => ("N", Value::String(n.to_string())),
        Value::String(s) => ("S", Value::String(s)),
        Value::Array(elements) => (
            "L",
            Value::Array(elements.into_iter().map(nested_value).collect()),
        ),
        Value::Object(entries) => (
            "M",
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, nested_value(v)))
                    .collect(),
            ),
        ),
    };
    Value::Object(Map::from_iter([(tag.to_owned(), content)]))
}

/// The item's primary key: its values of the table's key attributes.
fn primary_key(item: &ItemJson, names: &[&str]) -> Map<String, Value> {
    names
        .iter()
        .filter_map(|name| Some(((*name).to_owned(), item.get(*name)?.clone())))
        .collect()
}

fn key_string(item: &ItemJson, names: &[&str]) -> String {
    Value::Object(primary_key(item, names)).to_string()
}

/// One item per primary key, where it first appeared: a later item with the same key
/// replaces its content; it belongs to the first facet it appeared in.
fn merge_items(items: Vec<Sourced>, names: &[&str]) -> Vec<Sourced> {
    let mut merged: Vec<Sourced> = Vec::new();
    let mut positions: BTreeMap<String, usize> = BTreeMap::new();
    for sourced in items {
        let key = key_string(&sourced.item, names);
        match positions.get(&key) {
            Some(&at) => {
                let earlier = &mut merged[at];
                earlier.item = sourced.item;
                earlier.facet = earlier.facet.or(sourced.facet);
            }
            None => {
                positions.insert(key, merged.len());
                merged.push(sourced);
            }
        }
    }
    merged
}

// ---------------------------------------------------------------------------------------
// Import: facets

fn read_facets(
    fields: &mut Fields,
    rules: &[KeyRule],
    items: &mut Vec<Sourced>,
) -> Result<Vec<RawFacet>, ModelError> {
    let path = fields.at("TableFacets");
    let mut facets: Vec<RawFacet> = Vec::new();
    for (i, value) in fields.array("TableFacets")?.into_iter().enumerate() {
        let facet_path = format!("{path}[{i}]");
        let (facet, facet_items) = read_facet(value, &facet_path, rules)?;
        if facets.iter().any(|f| f.name == facet.name) {
            return Err(ModelError::at(
                join(&facet_path, "FacetName"),
                format!("the table already has a facet called \"{}\"", facet.name),
            ));
        }
        items.extend(facet_items.into_iter().map(|item| Sourced {
            item,
            facet: Some(i),
        }));
        facets.push(facet);
    }
    Ok(facets)
}

fn read_facet(
    value: Value,
    path: &str,
    rules: &[KeyRule],
) -> Result<(RawFacet, Vec<ItemJson>), ModelError> {
    let mut fields = Fields::read(value, path)?;
    let name = fields.name("FacetName")?;
    let alias = read_alias(&mut fields)?;
    let attributes_path = fields.at("NonKeyAttributes");
    let attributes = string_list(fields.array("NonKeyAttributes")?, &attributes_path)?;
    let items = read_items(&mut fields, "TableData", rules)?;
    let ours = read_ours(&mut fields)?;
    let facet = RawFacet {
        name,
        alias,
        attributes,
        ours,
        kept: kept_rest(fields),
    };
    Ok((facet, items))
}

/// `KeyAttributeAlias`, kept whole; its aliases, when given, are strings.
fn read_alias(fields: &mut Fields) -> Result<Option<Map<String, Value>>, ModelError> {
    let Some(mut alias) = fields.object("KeyAttributeAlias")? else {
        return Ok(None);
    };
    for name in ["PartitionKeyAlias", "SortKeyAlias"] {
        if let Some(value) = alias.optional_string(name)? {
            alias.members.insert(name.to_owned(), Value::String(value));
        }
    }
    Ok(Some(alias.rest()))
}

fn build_entities(
    facets: Vec<RawFacet>,
    items: &[Sourced],
    spec: &TableSpec,
    declared: &[(String, String)],
) -> Vec<Entity> {
    let keys: Vec<Vec<KeyTemplate>> = facets
        .iter()
        .enumerate()
        .map(|(i, facet)| facet_keys(facet, &own_items(items, i), spec))
        .collect();
    let members = member_keys(&keys, items, &key_names(spec));
    facets
        .into_iter()
        .zip(keys)
        .zip(members)
        .enumerate()
        .map(|(i, ((facet, keys), members))| {
            let own = own_items(items, i);
            build_entity(facet, keys, members, &own, spec, declared)
        })
        .collect()
}

fn own_items(items: &[Sourced], facet: usize) -> Vec<&ItemJson> {
    items
        .iter()
        .filter(|s| s.facet == Some(facet))
        .map(|s| &s.item)
        .collect()
}

fn build_entity(
    facet: RawFacet,
    keys: Vec<KeyTemplate>,
    members: Vec<Value>,
    own: &[&ItemJson],
    spec: &TableSpec,
    declared: &[(String, String)],
) -> Entity {
    let attributes = facet
        .attributes
        .iter()
        .map(|name| entity_attribute(name, &facet.ours.attributes, declared, spec, own))
        .collect();
    let mut kept = facet.kept;
    if let Some(alias) = facet.alias
        && alias != derived_alias(&keys, spec)
    {
        kept.insert("KeyAttributeAlias".to_owned(), Value::Object(alias));
    }
    if !members.is_empty() {
        kept.insert(MEMBER_KEYS.to_owned(), Value::Array(members));
    }
    let mut extra = facet.ours.extra;
    keep(&mut extra, kept);
    Entity {
        name: facet.name,
        keys,
        attributes,
        count: facet.ours.count,
        extra,
    }
}

/// An entity attribute: as [`OURS`] spells it, else typed by the table's declarations, the
/// key definitions, or the first of the facet's items that holds it (S when none does).
fn entity_attribute(
    name: &str,
    overrides: &[AttributeSpec],
    declared: &[(String, String)],
    spec: &TableSpec,
    own: &[&ItemJson],
) -> AttributeSpec {
    if let Some(spec) = overrides.iter().find(|a| a.name == name) {
        return spec.clone();
    }
    let kind = declared_type(declared, spec, name)
        .or_else(|| own.iter().find_map(|item| type_of_value(item.get(name)?)))
        .unwrap_or("S");
    AttributeSpec {
        name: name.to_owned(),
        kind: kind.to_owned(),
        generator: None,
    }
}

fn declared_type<'a>(
    declared: &'a [(String, String)],
    spec: &'a TableSpec,
    name: &str,
) -> Option<&'a str> {
    declared
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, kind)| kind.as_str())
        .or_else(|| spec.attribute_type(name))
}

/// The entity's key templates: [`OURS`]'s when given, else inferred from the aliases.
fn facet_keys(facet: &RawFacet, own: &[&ItemJson], spec: &TableSpec) -> Vec<KeyTemplate> {
    match (&facet.ours.keys, &facet.alias) {
        (Some(keys), _) => keys.clone(),
        (None, Some(alias)) => inferred_keys(alias, own, spec),
        (None, None) => Vec::new(),
    }
}

/// The key templates `KeyAttributeAlias` and the facet's items stand for.
fn inferred_keys(
    alias: &Map<String, Value>,
    own: &[&ItemJson],
    spec: &TableSpec,
) -> Vec<KeyTemplate> {
    let roles = [
        ("PartitionKeyAlias", spec.partition_key()),
        ("SortKeyAlias", spec.sort_key()),
    ];
    roles
        .into_iter()
        .filter_map(|(field, attribute)| {
            let attribute = attribute?;
            let alias = alias.get(field)?.as_str()?;
            let values: Option<Vec<&str>> = own
                .iter()
                .map(|item| key_text(item.get(attribute)?))
                .collect();
            let template = infer_template(alias, attribute, &values.unwrap_or_default())?;
            Some(KeyTemplate {
                attribute: attribute.to_owned(),
                template,
            })
        })
        .collect()
}

/// The template an alias stands for, by the rules of the module doc; `values` are the
/// facet's values of the key (empty when some are not strings or numbers).
fn infer_template(alias: &str, attribute: &str, values: &[&str]) -> Option<String> {
    if alias.contains('{') {
        let template = Template::parse(alias).ok()?;
        return (!template.is_constant()).then(|| alias.to_owned());
    }
    let candidate = match alias.rsplit_once('#') {
        Some((literal, name)) if is_placeholder(name, attribute) => {
            format!("{literal}#{{{name}}}")
        }
        None if is_placeholder(alias, attribute) => {
            format!("{}{{{alias}}}", leading_literal(values.first()?)?)
        }
        _ => return None,
    };
    let template = Template::parse(&candidate).ok()?;
    let fits = !values.is_empty() && values.iter().all(|v| template.capture(v).is_some());
    fits.then_some(candidate)
}

/// Whether an alias (or its last part) can name a placeholder: a template name that is not
/// the key attribute's own.
fn is_placeholder(name: &str, attribute: &str) -> bool {
    !name.is_empty()
        && name != attribute
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// `value` up to its first `#` after a character that is not `#`: `ACC#` of `ACC#123`,
/// `#META#` of `#META#x`.
fn leading_literal(value: &str) -> Option<&str> {
    let start = value.find(|c| c != '#')?;
    let end = start + value[start..].find('#')?;
    Some(&value[..=end])
}

/// The text of a key value a template can capture: an S's string or an N's digits.
fn key_text(value: &Value) -> Option<&str> {
    value
        .get("S")
        .or_else(|| value.get("N"))
        .and_then(Value::as_str)
}

/// For each facet, the primary keys of its items that the templates alone would not give
/// back to it.
fn member_keys(keys: &[Vec<KeyTemplate>], items: &[Sourced], names: &[&str]) -> Vec<Vec<Value>> {
    let matchers: Vec<Matcher> = keys.iter().map(|k| Matcher::new(k)).collect();
    let mut members = vec![Vec::new(); keys.len()];
    for sourced in items {
        let Some(facet) = sourced.facet else { continue };
        if template_owner(&matchers, &sourced.item) != Some(facet) {
            members[facet].push(Value::Object(primary_key(&sourced.item, names)));
        }
    }
    members
}

/// The attribute names and types export derives for `NonKeyAttributes`: entity
/// attributes, then index keys, then the items' attributes, each name once, less the
/// table's own key attributes.
fn derived_attributes(table: &ModelTable) -> Vec<(String, String)> {
    let spec = &table.definition;
    let table_keys = key_names(spec);
    let from_entities = table
        .entities
        .iter()
        .flat_map(|e| &e.attributes)
        .map(|a| (a.name.as_str(), a.kind.as_str()));
    let from_indexes = spec
        .global_secondary_indexes
        .iter()
        .chain(&spec.local_secondary_indexes)
        .flat_map(|i| &i.key_schema)
        .filter_map(|k| {
            Some((
                k.attribute_name.as_str(),
                spec.attribute_type(&k.attribute_name)?,
            ))
        });
    let from_items = table
        .items
        .iter()
        .flatten()
        .filter_map(|(name, value)| Some((name.as_str(), type_of_value(value)?)));
    let mut seen = BTreeSet::new();
    from_entities
        .chain(from_indexes)
        .chain(from_items)
        .filter(|(name, _)| !table_keys.contains(name) && seen.insert(*name))
        .map(|(name, kind)| (name.to_owned(), kind.to_owned()))
        .collect()
}

/// The declarations export would not derive, as Workbench writes them.
fn underivable(declared: &[(String, String)], derived: &[(String, String)]) -> Vec<Value> {
    declared
        .iter()
        .filter(|entry| !derived.contains(entry))
        .map(|(name, kind)| declaration(name, kind))
        .collect()
}

fn declaration(name: &str, kind: &str) -> Value {
    serde_json::json!({ "AttributeName": name, "AttributeType": kind })
}

// ---------------------------------------------------------------------------------------
// Which entity an item belongs to

/// An entity's parsed key templates; one that does not parse leaves the entity matching
/// nothing.
struct Matcher {
    templates: Vec<(String, Template)>,
}

impl Matcher {
    fn new(keys: &[KeyTemplate]) -> Matcher {
        let parsed: Result<Vec<_>, _> = keys
            .iter()
            .map(|k| Template::parse(&k.template).map(|t| (k.attribute.clone(), t)))
            .collect();
        Matcher {
            templates: parsed.unwrap_or_default(),
        }
    }

    /// Every template captures the item's value of its attribute when the item has one,
    /// and at least one does.
    fn captures(&self, item: &ItemJson) -> bool {
        let mut any = false;
        for (attribute, template) in &self.templates {
            let Some(value) = item.get(attribute) else {
                continue;
            };
            match key_text(value) {
                Some(text) if template.capture(text).is_some() => any = true,
                _ => return false,
            }
        }
        any
    }
}

fn template_owner(matchers: &[Matcher], item: &ItemJson) -> Option<usize> {
    matchers.iter().position(|m| m.captures(item))
}

/// The entity each item belongs to: the first whose kept `memberKeys` name it, else the
/// first whose templates capture it.
fn owners(table: &ModelTable) -> Vec<Option<usize>> {
    let names = key_names(&table.definition);
    let mut listed: BTreeMap<String, usize> = BTreeMap::new();
    for (i, entity) in table.entities.iter().enumerate() {
        let kept = kept_of(&entity.extra);
        let keys = kept.get(MEMBER_KEYS).and_then(Value::as_array);
        for key in keys.into_iter().flatten() {
            listed.entry(key.to_string()).or_insert(i);
        }
    }
    let matchers: Vec<Matcher> = table
        .entities
        .iter()
        .map(|e| Matcher::new(&e.keys))
        .collect();
    table
        .items
        .iter()
        .map(|item| {
            listed
                .get(&key_string(item, &names))
                .copied()
                .or_else(|| template_owner(&matchers, item))
        })
        .collect()
}

/// The items as export groups them: those of no entity first, then each entity's.
fn in_owner_order(table: &ModelTable) -> Vec<ItemJson> {
    let mut ordered: Vec<(Option<usize>, usize)> = owners(table).into_iter().zip(0..).collect();
    dynoscope_engine::sorting::sort(&mut ordered);
    ordered
        .into_iter()
        .map(|(_, at)| table.items[at].clone())
        .collect()
}

/// `KeyAttributeAlias` as export writes it when none is kept: each key's template, or the
/// key attribute's name.
fn derived_alias(keys: &[KeyTemplate], spec: &TableSpec) -> Map<String, Value> {
    let roles = [
        ("PartitionKeyAlias", spec.partition_key()),
        ("SortKeyAlias", spec.sort_key()),
    ];
    roles
        .into_iter()
        .filter_map(|(field, attribute)| {
            let attribute = attribute?;
            let alias = keys
                .iter()
                .find(|k| k.attribute == attribute)
                .map_or(attribute, |k| k.template.as_str());
            Some((field.to_owned(), Value::String(alias.to_owned())))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Export

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ModelOut<'a> {
    model_name: &'a str,
    model_metadata: MetadataOut<'a>,
    data_model: Vec<TableOut<'a>>,
    #[serde(flatten)]
    rest: Map<String, Value>,
    #[serde(rename = "Dynoscope", skip_serializing_if = "Option::is_none")]
    ours: Option<ModelOurs>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct MetadataOut<'a> {
    author: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_created: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_last_modified: Option<Value>,
    description: &'a str,
    #[serde(rename = "AWSService")]
    aws_service: &'static str,
    version: &'static str,
    #[serde(flatten)]
    rest: Map<String, Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TableOut<'a> {
    table_name: &'a str,
    key_attributes: KeysOut,
    non_key_attributes: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    table_facets: Vec<FacetOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    global_secondary_indexes: Vec<IndexOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    local_secondary_indexes: Vec<IndexOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    table_data: Vec<ItemOut<'a>>,
    data_access: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    billing_mode: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provisioned_capacity_settings: Option<CapacityOut>,
    #[serde(flatten)]
    rest: Map<String, Value>,
    #[serde(rename = "Dynoscope", skip_serializing_if = "Option::is_none")]
    ours: Option<TableOurs>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct KeysOut {
    partition_key: KeyOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    sort_key: Option<KeyOut>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct KeyOut {
    attribute_name: String,
    attribute_type: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct IndexOut<'a> {
    index_name: &'a str,
    key_attributes: KeysOut,
    projection: ProjectionOut<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provisioned_throughput: Option<Throughput>,
    #[serde(flatten)]
    rest: Map<String, Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProjectionOut<'a> {
    projection_type: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    non_key_attributes: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CapacityOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    provisioned_throughput: Option<Throughput>,
    #[serde(flatten)]
    rest: Map<String, Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct FacetOut<'a> {
    facet_name: &'a str,
    key_attribute_alias: Value,
    table_data: Vec<ItemOut<'a>>,
    non_key_attributes: Vec<&'a str>,
    data_access: Value,
    #[serde(flatten)]
    rest: Map<String, Value>,
    #[serde(rename = "Dynoscope", skip_serializing_if = "Option::is_none")]
    ours: Option<FacetOurs>,
}

/// An item written with the table's key attributes first, as Workbench does.
struct ItemOut<'a> {
    item: &'a ItemJson,
    keys: [Option<&'a str>; 2],
}

impl Serialize for ItemOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.item.len()))?;
        let mut keys: Vec<&str> = self.keys.iter().flatten().copied().collect();
        keys.dedup();
        for key in &keys {
            if let Some(value) = self.item.get(*key) {
                map.serialize_entry(key, value)?;
            }
        }
        for (name, value) in self.item {
            if !keys.contains(&name.as_str()) {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
    }
}

fn metadata_out<'a>(model: &'a Model, kept: &Map<String, Value>) -> MetadataOut<'a> {
    let metadata = match kept.get("ModelMetadata") {
        Some(Value::Object(metadata)) => metadata.clone(),
        _ => Map::new(),
    };
    MetadataOut {
        author: metadata
            .get("Author")
            .cloned()
            .unwrap_or_else(|| Value::String(String::new())),
        date_created: metadata.get("DateCreated").cloned(),
        date_last_modified: metadata.get("DateLastModified").cloned(),
        description: &model.description,
        aws_service: SERVICE,
        version: VERSION,
        rest: without(&metadata, &METADATA_FIELDS),
    }
}

fn table_out(table: &ModelTable) -> TableOut<'_> {
    let spec = &table.definition;
    let kept = kept_of(&table.extra);
    let declared = non_key_attributes(table, &kept);
    let owners = owners(table);
    let keys = [spec.partition_key(), spec.sort_key()];
    let items_of = |owner: Option<usize>| {
        table
            .items
            .iter()
            .zip(&owners)
            .filter(|(_, o)| **o == owner)
            .map(|(item, _)| ItemOut { item, keys })
            .collect()
    };
    let index_fields = match kept.get(INDEX_FIELDS) {
        Some(Value::Object(fields)) => fields.clone(),
        _ => Map::new(),
    };
    let ours = TableOurs {
        definition: DefinitionOurs::of(spec),
        access_patterns: table.access_patterns.clone(),
        seed: table.seed,
        extra: without(&table.extra, &[KEPT]),
    };
    TableOut {
        table_name: &spec.table_name,
        key_attributes: keys_out(&spec.key_schema, spec),
        non_key_attributes: declared.iter().map(|(n, k)| declaration(n, k)).collect(),
        table_facets: table
            .entities
            .iter()
            .enumerate()
            .map(|(i, entity)| facet_out(entity, items_of(Some(i)), spec, &declared))
            .collect(),
        global_secondary_indexes: indexes_out(&spec.global_secondary_indexes, spec, &index_fields),
        local_secondary_indexes: indexes_out(&spec.local_secondary_indexes, spec, &index_fields),
        table_data: items_of(None),
        data_access: kept
            .get("DataAccess")
            .cloned()
            .unwrap_or_else(default_data_access),
        billing_mode: spec.billing_mode.as_deref(),
        provisioned_capacity_settings: capacity_out(spec, &kept),
        rest: without(&kept, &TABLE_FIELDS),
        ours: (!ours.is_empty()).then_some(ours),
    }
}

/// `NonKeyAttributes`: the kept declarations, then every derived attribute not among them.
fn non_key_attributes(table: &ModelTable, kept: &Map<String, Value>) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = kept
        .get("NonKeyAttributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let name = entry.get("AttributeName")?.as_str()?;
            let kind = entry.get("AttributeType")?.as_str()?;
            Some((name.to_owned(), kind.to_owned()))
        })
        .collect();
    for (name, kind) in derived_attributes(table) {
        if !list.iter().any(|(n, _)| *n == name) {
            list.push((name, kind));
        }
    }
    list
}

fn keys_out(schema: &[KeySchemaElement], spec: &TableSpec) -> KeysOut {
    let key = |role: &str| {
        schema.iter().find(|k| k.key_type == role).map(|k| KeyOut {
            attribute_name: k.attribute_name.clone(),
            attribute_type: spec
                .attribute_type(&k.attribute_name)
                .unwrap_or("S")
                .to_owned(),
        })
    };
    KeysOut {
        partition_key: key("HASH").unwrap_or(KeyOut {
            attribute_name: String::new(),
            attribute_type: "S".to_owned(),
        }),
        sort_key: key("RANGE"),
    }
}

fn indexes_out<'a>(
    indexes: &'a [IndexSpec],
    spec: &TableSpec,
    kept: &Map<String, Value>,
) -> Vec<IndexOut<'a>> {
    indexes
        .iter()
        .map(|index| IndexOut {
            index_name: &index.index_name,
            key_attributes: keys_out(&index.key_schema, spec),
            projection: ProjectionOut {
                projection_type: &index.projection.projection_type,
                non_key_attributes: index.projection.non_key_attributes.clone(),
            },
            provisioned_throughput: index.provisioned_throughput,
            rest: match kept.get(&index.index_name) {
                Some(Value::Object(rest)) => without(rest, &INDEX_KNOWN),
                _ => Map::new(),
            },
        })
        .collect()
}

fn capacity_out(spec: &TableSpec, kept: &Map<String, Value>) -> Option<CapacityOut> {
    let rest = match kept.get("ProvisionedCapacitySettings") {
        Some(Value::Object(rest)) => without(rest, &["ProvisionedThroughput"]),
        _ => Map::new(),
    };
    (spec.provisioned_throughput.is_some() || !rest.is_empty()).then_some(CapacityOut {
        provisioned_throughput: spec.provisioned_throughput,
        rest,
    })
}

fn facet_out<'a>(
    entity: &'a Entity,
    items: Vec<ItemOut<'a>>,
    spec: &TableSpec,
    declared: &[(String, String)],
) -> FacetOut<'a> {
    let kept = kept_of(&entity.extra);
    let alias = match kept.get("KeyAttributeAlias") {
        Some(Value::Object(alias)) => alias.clone(),
        _ => derived_alias(&entity.keys, spec),
    };
    let own: Vec<&ItemJson> = items.iter().map(|i| i.item).collect();
    let ours = FacetOurs {
        keys: (inferred_keys(&alias, &own, spec) != entity.keys).then(|| entity.keys.clone()),
        attributes: entity
            .attributes
            .iter()
            .filter(|a| {
                a.generator.is_some()
                    || declared_type(declared, spec, &a.name) != Some(a.kind.as_str())
            })
            .cloned()
            .collect(),
        count: entity.count,
        extra: without(&entity.extra, &[KEPT]),
    };
    FacetOut {
        facet_name: &entity.name,
        key_attribute_alias: Value::Object(alias),
        table_data: items,
        non_key_attributes: entity.attributes.iter().map(|a| a.name.as_str()).collect(),
        data_access: kept
            .get("DataAccess")
            .cloned()
            .unwrap_or_else(default_data_access),
        rest: without(&kept, &FACET_FIELDS),
        ours: (!ours.is_empty()).then_some(ours),
    }
}
