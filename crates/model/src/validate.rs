//! Live validation of a model: [`validate`] returns every finding, each saying what is wrong
//! and where (`Shop › entity Order › key SK`). Table definitions are checked by the engine
//! itself (a throwaway engine is sent the CreateTable request), so a definition DynamoDB
//! would refuse is reported in DynamoDB's own words. The rest is about the design: key
//! templates naming attributes the entity lacks, key types that disagree, index names
//! reused, entities whose keys can collide, access patterns that need a Scan or that no key
//! serves, and placeholders without example values.

use std::collections::BTreeSet;

use dynoscope_engine::{Engine, EngineConfig};
use serde::Serialize;

use crate::model::{AccessPattern, Entity, Model, ModelTable, Operation, TableSpec};
use crate::template::Template;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The model cannot be applied, or a pattern cannot run, as it stands.
    Error,
    /// It works, but probably not as intended.
    Warning,
}

/// One thing validation found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Where: `table › entity X › key PK`.
    pub location: String,
    pub message: String,
}

struct Findings(Vec<Finding>);

impl Findings {
    fn error(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Error, location.into(), message.into());
    }

    fn warning(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Warning, location.into(), message.into());
    }

    fn push(&mut self, severity: Severity, location: String, message: String) {
        self.0.push(Finding {
            severity,
            location,
            message,
        });
    }
}

/// Every finding about `model`, errors and warnings, in model order.
pub fn validate(model: &Model) -> Vec<Finding> {
    let mut findings = Findings(Vec::new());
    check_tables(model, &mut findings);
    for table in &model.tables {
        for entity in &table.entities {
            check_entity(table, entity, &mut findings);
        }
        check_collisions(table, &mut findings);
        for pattern in &table.access_patterns {
            check_pattern(table, pattern, &mut findings);
        }
    }
    findings.0
}

/// What stops a model from being applied at all: tables DynamoDB would refuse to create.
/// Design findings (entities, access patterns) never block: they are advice.
pub fn apply_blockers(model: &Model) -> Vec<Finding> {
    let mut findings = Findings(Vec::new());
    check_tables(model, &mut findings);
    findings.0
}

/// Table names reused, and each definition as CreateTable judges it.
fn check_tables(model: &Model, findings: &mut Findings) {
    let mut seen = BTreeSet::new();
    for table in &model.tables {
        let name = &table.definition.table_name;
        if !seen.insert(name.clone()) {
            findings.error(name.clone(), format!("two tables are called {name}"));
        }
        check_definition(&table.definition, findings);
    }
}

/// The definition as DynamoDB's CreateTable judges it, plus index names reused.
fn check_definition(spec: &TableSpec, findings: &mut Findings) {
    let mut names = BTreeSet::new();
    for index in spec
        .global_secondary_indexes
        .iter()
        .chain(&spec.local_secondary_indexes)
    {
        if !names.insert(index.index_name.as_str()) {
            findings.error(
                format!("{} › index {}", spec.table_name, index.index_name),
                format!(
                    "the index name {} is used twice; index names must be unique within a table",
                    index.index_name
                ),
            );
        }
    }
    let mut engine = Engine::new(EngineConfig::default());
    let body = crate::iac::create_table_request(spec).to_string();
    if let Err(e) = engine.dispatch("CreateTable", body.as_bytes()) {
        findings.error(
            spec.table_name.clone(),
            format!("{}: {}", e.kind.name(), e.message),
        );
    }
}

/// Every key attribute of the table and its indexes.
fn key_attributes(spec: &TableSpec) -> BTreeSet<&str> {
    spec.key_schema
        .iter()
        .chain(
            spec.global_secondary_indexes
                .iter()
                .flat_map(|i| &i.key_schema),
        )
        .chain(
            spec.local_secondary_indexes
                .iter()
                .flat_map(|i| &i.key_schema),
        )
        .map(|k| k.attribute_name.as_str())
        .collect()
}

fn check_entity(table: &ModelTable, entity: &Entity, findings: &mut Findings) {
    let spec = &table.definition;
    let at = |what: &str| format!("{} › entity {} › {what}", spec.table_name, entity.name);
    for required in [spec.partition_key(), spec.sort_key()]
        .into_iter()
        .flatten()
    {
        if entity.key(required).is_none() {
            findings.warning(at("keys"), format!("no template for the table's key attribute {required}: its items cannot be recognised or generated"));
        }
    }
    let keys = key_attributes(spec);
    let attributes: BTreeSet<&str> = entity.attributes.iter().map(|a| a.name.as_str()).collect();
    for key in &entity.keys {
        let where_ = at(&format!("key {}", key.attribute));
        if !keys.contains(key.attribute.as_str()) {
            findings.warning(
                where_.clone(),
                format!(
                    "{} is not a key attribute of the table or any index",
                    key.attribute
                ),
            );
        }
        let template = match Template::parse(&key.template) {
            Ok(t) => t,
            Err(e) => {
                findings.error(where_, e.message);
                continue;
            }
        };
        for name in template.placeholders() {
            if !attributes.contains(name) {
                findings.warning(where_.clone(), format!("the template {} names {{{name}}}, which the entity has no attribute called", key.template));
            }
        }
        check_key_type(spec, entity, &key.attribute, &template, &where_, findings);
    }
    for attribute in &entity.attributes {
        if let Some(declared) = spec.attribute_type(&attribute.name)
            && declared != attribute.kind
        {
            findings.error(
                at(&format!("attribute {}", attribute.name)),
                format!(
                    "{} is a key attribute of type {declared}, but the entity declares it {}",
                    attribute.name, attribute.kind
                ),
            );
        }
    }
}

/// A key attribute of type N or B can only hold a template that is one placeholder of that
/// type: literal text would make a string.
fn check_key_type(
    spec: &TableSpec,
    entity: &Entity,
    attribute: &str,
    template: &Template,
    at: &str,
    findings: &mut Findings,
) {
    let Some(declared) = spec.attribute_type(attribute) else {
        return;
    };
    if declared == "S" {
        return;
    }
    let placeholders: Vec<&str> = template.placeholders().collect();
    let single = placeholders.len() == 1 && template.segments().len() == 1;
    let source_kind = placeholders
        .first()
        .and_then(|p| entity.attributes.iter().find(|a| a.name == *p))
        .map(|a| a.kind.as_str());
    if !single || source_kind.is_some_and(|k| k != declared) {
        findings.error(
            at.to_owned(),
            format!(
                "{attribute} is of type {declared}, but the template {template} makes {}",
                if single {
                    format!("a value of type {}", source_kind.unwrap_or("?"))
                } else {
                    "a string".to_owned()
                }
            ),
        );
    }
}

/// Pairs of entities whose primary keys could be equal: one item would overwrite the other.
fn check_collisions(table: &ModelTable, findings: &mut Findings) {
    let spec = &table.definition;
    let key_names: Vec<&str> = [spec.partition_key(), spec.sort_key()]
        .into_iter()
        .flatten()
        .collect();
    let parsed: Vec<(&Entity, Vec<Template>)> = table
        .entities
        .iter()
        .filter_map(|e| {
            let templates: Option<Vec<Template>> = key_names
                .iter()
                .map(|k| e.key(k).and_then(|t| Template::parse(t).ok()))
                .collect();
            templates.map(|t| (e, t))
        })
        .collect();
    for (i, (a, ta)) in parsed.iter().enumerate() {
        for (b, tb) in &parsed[i + 1..] {
            if ta.iter().zip(tb).all(|(x, y)| x.may_overlap(y)) {
                let shown: Vec<String> = key_names
                    .iter()
                    .zip(ta.iter().zip(tb))
                    .map(|(k, (x, y))| format!("{k} {x} / {y}"))
                    .collect();
                findings.warning(
                    format!("{} › entities {} and {}", spec.table_name, a.name, b.name),
                    format!("their primary keys can be equal ({}): an item of one would overwrite an item of the other", shown.join(", ")),
                );
            }
        }
    }
}

fn check_pattern(table: &ModelTable, pattern: &AccessPattern, findings: &mut Findings) {
    let spec = &table.definition;
    let at = format!("{} › access pattern {}", spec.table_name, pattern.name);
    if pattern.operation == Operation::Scan {
        findings.warning(
            at.clone(),
            "needs a Scan: it reads every item of the table or index and pays for all of them",
        );
    }
    if let Some(index) = &pattern.index
        && spec.index(index).is_none()
    {
        findings.error(at.clone(), format!("the table has no index called {index}"));
        return;
    }
    if let Err(e) = crate::access::request(spec, pattern, &pattern.parameters) {
        findings.error(
            format!("{at} › {}", e.location)
                .trim_end_matches(" › ")
                .to_owned(),
            e.message,
        );
        return;
    }
    if pattern.operation == Operation::Scan {
        return;
    }
    check_served_by_entities(table, pattern, &at, findings);
}

/// A keyed pattern whose partition key no entity can produce reads nothing: the key it
/// names does not serve it.
fn check_served_by_entities(
    table: &ModelTable,
    pattern: &AccessPattern,
    at: &str,
    findings: &mut Findings,
) {
    if table.entities.is_empty() {
        return;
    }
    let spec = &table.definition;
    let partition = match &pattern.index {
        Some(name) => spec.index(name).and_then(|(i, _)| i.partition_key()),
        None => spec.partition_key(),
    };
    let (Some(partition), Some(wanted)) = (partition, pattern.partition_key.as_deref()) else {
        return;
    };
    let Ok(wanted) = Template::parse(wanted) else {
        return;
    };
    // An entity serves the key if it fills the attribute through a template that can match,
    // or holds it as a plain attribute (any value).
    let served = table.entities.iter().any(|e| {
        e.attributes.iter().any(|a| a.name == partition)
            || e.key(partition)
                .and_then(|t| Template::parse(t).ok())
                .is_some_and(|t| t.may_overlap(&wanted))
    });
    if !served {
        findings.warning(
            at.to_owned(),
            format!("no entity writes {partition} in the form {wanted}, so this key serves nothing; it would need a Scan with a filter"),
        );
    }
}
