//! Checking a table's generator settings and compiling them into a [`Plan`]: each entity's
//! value makers, parsed key templates and ref samplers, and the order entities must be made
//! in (an entity after those it refers to). Every refusal names where it is, relative to the
//! table: `entities[1].attributes[2].generator`.

use std::collections::HashMap;

use dynoscope_engine::{Number, item_from_json};
use serde_json::Value;

use super::random::Sampler;
use super::time;
use super::values::{Fallback, Source, typed};
use super::{DEFAULT_SEED, Distribution, Generator, MAX_ITEMS, NamePart, default_generator};
use crate::error::ModelError;
use crate::model::{Entity, ModelTable, TableSpec};
use crate::template::Template;

/// The attribute types an entity may declare.
const KINDS: &[&str] = &["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"];
const DEFAULT_FROM: &str = "2025-01-01T00:00:00Z";
const DEFAULT_TO: &str = "2025-12-31T23:59:59Z";
const MAX_DECIMALS: u32 = 6;
/// `10^decimals`, exact in binary floating point up to 10^22.
const POWERS_OF_TEN: [f64; MAX_DECIMALS as usize + 1] = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6];
/// Largest whole number an f64 holds exactly: `number` bounds stay within it once scaled.
const EXACT: f64 = 9_007_199_254_740_992.0;
const MAX_WORDS: u32 = 200;
const MAX_ENUM_VALUES: usize = 1000;
const MAX_WIDTH: u32 = 40;

/// A checked table, ready to run.
pub(crate) struct Plan<'a> {
    pub seed: u64,
    pub entities: Vec<EntityPlan<'a>>,
    /// Entity indexes, each after every entity it refers to.
    pub order: Vec<usize>,
    pub partition_key: &'a str,
    pub sort_key: Option<&'a str>,
    /// Key attributes of the table and its indexes with the most bytes DynamoDB allows.
    pub key_limits: Vec<(&'a str, usize)>,
}

pub(crate) struct EntityPlan<'a> {
    pub entity: &'a Entity,
    pub count: u32,
    pub attributes: Vec<(&'a str, Source)>,
    pub keys: Vec<KeyPlan<'a>>,
    pub refs: Vec<RefSlot>,
}

/// A key template and the type the table declares for its attribute.
pub(crate) struct KeyPlan<'a> {
    pub attribute: &'a str,
    pub template: Template,
    /// `S`, `N` or `B`.
    pub declared: &'a str,
}

/// One entity an item takes values from: which item is picked, and how.
pub(crate) struct RefSlot {
    pub target: usize,
    pub sampler: Sampler,
    /// The first attribute referring to it, for errors.
    pub attribute: usize,
    distribution: Option<Distribution>,
}

/// What compiling one entity needs to know about the rest of the table.
struct Scope<'a, 'n> {
    table: &'a ModelTable,
    names: &'n HashMap<&'a str, usize>,
    index: usize,
}

pub(crate) fn compile(table: &ModelTable) -> Result<Plan<'_>, ModelError> {
    let spec = &table.definition;
    let names = entity_names(table)?;
    let total = check_counts(table)?;
    let partition_key = match spec.partition_key() {
        Some(key) => key,
        None if total == 0 => "",
        None => {
            return Err(ModelError::at(
                "definition.KeySchema",
                "the table has no HASH key, so no item can be made",
            ));
        }
    };
    let mut entities = Vec::with_capacity(table.entities.len());
    for (index, entity) in table.entities.iter().enumerate() {
        let scope = Scope {
            table,
            names: &names,
            index,
        };
        entities.push(
            compile_entity(&scope, entity).map_err(|e| e.within(&format!("entities[{index}]")))?,
        );
    }
    let order = order(&entities)?;
    Ok(Plan {
        seed: table.seed.unwrap_or(DEFAULT_SEED),
        entities,
        order,
        partition_key,
        sort_key: spec.sort_key(),
        key_limits: key_limits(spec),
    })
}

fn entity_names(table: &ModelTable) -> Result<HashMap<&str, usize>, ModelError> {
    let mut names = HashMap::new();
    for (i, entity) in table.entities.iter().enumerate() {
        if let Some(first) = names.insert(entity.name.as_str(), i) {
            return Err(ModelError::at(
                format!("entities[{i}].name"),
                format!(
                    "entities[{first}] is also called \"{}\": entity names must differ",
                    entity.name
                ),
            ));
        }
    }
    Ok(names)
}

/// The number of items the entities ask for, refused past [`MAX_ITEMS`].
fn check_counts(table: &ModelTable) -> Result<u64, ModelError> {
    let mut total: u64 = 0;
    for (i, entity) in table.entities.iter().enumerate() {
        total += u64::from(entity.count.unwrap_or(0));
        if total > u64::from(MAX_ITEMS) {
            return Err(ModelError::at(
                format!("entities[{i}].count"),
                format!(
                    "the entities' counts add up to {total} items by here; the generator makes at most {MAX_ITEMS} per table"
                ),
            ));
        }
    }
    Ok(total)
}

fn key_limits(spec: &TableSpec) -> Vec<(&str, usize)> {
    let schemas = [(spec.partition_key(), spec.sort_key())].into_iter().chain(
        spec.global_secondary_indexes
            .iter()
            .chain(&spec.local_secondary_indexes)
            .map(|index| (index.partition_key(), index.sort_key())),
    );
    let mut out: Vec<(&str, usize)> = Vec::new();
    for (partition, sort) in schemas {
        for (name, limit) in partition
            .map(|name| (name, 2048))
            .into_iter()
            .chain(sort.map(|name| (name, 1024)))
        {
            match out.iter_mut().find(|(n, _)| *n == name) {
                Some(entry) => entry.1 = entry.1.min(limit),
                None => out.push((name, limit)),
            }
        }
    }
    out
}

fn compile_entity<'a>(
    scope: &Scope<'a, '_>,
    entity: &'a Entity,
) -> Result<EntityPlan<'a>, ModelError> {
    let spec = &scope.table.definition;
    check_attribute_types(spec, entity)?;
    let mut refs = Vec::new();
    let mut attributes = Vec::with_capacity(entity.attributes.len());
    // An entity that makes no items needs no value sources: its generators may refer to
    // entities that make none either (a model whose data was loaded rather than generated).
    let making = entity.count.unwrap_or(0) > 0;
    for (j, attribute) in entity.attributes.iter().enumerate().filter(|_| making) {
        let source = source_for(scope, entity, j, &mut refs)
            .map_err(|message| ModelError::at(format!("attributes[{j}].generator"), message))?;
        attributes.push((attribute.name.as_str(), source));
    }
    for slot in &mut refs {
        let count = scope.table.entities[slot.target].count.unwrap_or(0);
        slot.sampler = sampler(slot.distribution.as_ref(), count);
    }
    // Key templates matter only to an entity that makes items: an imported entity may have
    // templates written for people (Workbench aliases) that name no attribute.
    let keys = if entity.count.unwrap_or(0) > 0 {
        check_table_keys(spec, entity)?;
        compile_keys(spec, entity)?
    } else {
        Vec::new()
    };
    Ok(EntityPlan {
        entity,
        count: entity.count.unwrap_or(0),
        attributes,
        keys,
        refs,
    })
}

fn check_attribute_types(spec: &TableSpec, entity: &Entity) -> Result<(), ModelError> {
    for (j, attribute) in entity.attributes.iter().enumerate() {
        let at = format!("attributes[{j}]");
        if !KINDS.contains(&attribute.kind.as_str()) {
            return Err(ModelError::at(
                format!("{at}.type"),
                format!(
                    "\"{}\" is not a DynamoDB type; use one of {}",
                    attribute.kind,
                    KINDS.join(", ")
                ),
            ));
        }
        if let Some(first) = entity.attributes[..j]
            .iter()
            .position(|a| a.name == attribute.name)
        {
            return Err(ModelError::at(
                format!("{at}.name"),
                format!("attributes[{first}] is also called \"{}\"", attribute.name),
            ));
        }
        if let Some(declared) = spec
            .attribute_type(&attribute.name)
            .filter(|d| *d != attribute.kind)
        {
            return Err(ModelError::at(
                format!("{at}.type"),
                format!(
                    "{} is declared {declared} in the table's AttributeDefinitions (it is a key), so it must be {declared} here, not {}",
                    attribute.name, attribute.kind
                ),
            ));
        }
    }
    Ok(())
}

/// The value maker of `entity.attributes[j]`: its generator checked against its type, or
/// the default for its name and type.
fn source_for(
    scope: &Scope,
    entity: &Entity,
    j: usize,
    refs: &mut Vec<RefSlot>,
) -> Result<Source, String> {
    let attribute = &entity.attributes[j];
    let kind = attribute.kind.as_str();
    let count = entity.count.unwrap_or(0);
    let generator = match &attribute.generator {
        Some(settings) => settings.read()?,
        None => match default_generator(&attribute.name, kind) {
            Some(generator) => generator,
            None => {
                return Fallback::for_kind(kind)
                    .map(Source::Fallback)
                    .ok_or_else(|| format!("no generator for type {kind}"));
            }
        },
    };
    match generator {
        Generator::Ref {
            entity: target,
            attribute: name,
            distribution,
        } => reference(scope, kind, j, (&target, &name), distribution, refs),
        generator => simple(generator, kind, count),
    }
}

/// Every generator but `ref`.
fn simple(generator: Generator, kind: &str, count: u32) -> Result<Source, String> {
    let numeric = kind == "N";
    match generator {
        Generator::Uuid {} => expect(kind, &["S"], "uuid").map(|_| Source::Uuid),
        Generator::Ulid {
            start,
            step_seconds,
        } => {
            expect(kind, &["S"], "ulid")?;
            ulid(start.as_deref(), step_seconds.unwrap_or(60), count)
        }
        Generator::Sequence { start, step, width } => {
            expect(kind, &["S", "N"], "sequence")?;
            sequence(
                start.unwrap_or(1),
                step.unwrap_or(1),
                width.unwrap_or(0),
                count,
                numeric,
            )
        }
        Generator::Name { part } => {
            expect(kind, &["S"], "name").map(|_| Source::Name(part.unwrap_or(NamePart::Full)))
        }
        Generator::Email {} => expect(kind, &["S"], "email").map(|_| Source::Email),
        Generator::Date { from, to } => {
            expect(kind, &["S", "N"], "date")?;
            instant(from.as_deref(), to.as_deref(), true, numeric)
        }
        Generator::Timestamp { from, to } => {
            expect(kind, &["S", "N"], "timestamp")?;
            instant(from.as_deref(), to.as_deref(), false, numeric)
        }
        Generator::Number { min, max, decimals } => {
            expect(kind, &["N", "S"], "number")?;
            let (min, max) = (float(min.as_ref(), 0.0), float(max.as_ref(), 1000.0));
            number(min, max, decimals.unwrap_or(0), numeric)
        }
        Generator::Enum { values, weights } => {
            expect(kind, &["S", "N", "BOOL"], "enum")?;
            choice(&values, weights.as_deref(), kind)
        }
        Generator::Bool { true_share } => {
            expect(kind, &["BOOL"], "bool")?;
            match true_share.unwrap_or(50) {
                share @ 0..=100 => Ok(Source::Bool {
                    true_percent: u64::from(share),
                }),
                share => Err(format!(
                    "trueShare is a percentage from 0 to 100, not {share}"
                )),
            }
        }
        Generator::Text {
            min_words,
            max_words,
        } => {
            expect(kind, &["S"], "text")?;
            text(min_words, max_words)
        }
        Generator::Constant { value } => constant(&value, kind).map(Source::Constant),
        Generator::Ref { .. } => Err("a ref needs the table to resolve".to_owned()),
    }
}

fn expect(kind: &str, allowed: &[&str], generator: &str) -> Result<(), String> {
    if allowed.contains(&kind) {
        return Ok(());
    }
    Err(format!(
        "a {generator} generator makes {} values, but this attribute is {kind}",
        allowed.join(" or ")
    ))
}

fn ulid(start: Option<&str>, step_seconds: u64, count: u32) -> Result<Source, String> {
    let start_text = start.unwrap_or(DEFAULT_FROM);
    let start = time::parse(start_text).ok_or_else(|| not_a_date("start", start_text))?;
    let start_ms = start as u64 * 1000;
    let step_ms = step_seconds
        .checked_mul(1000)
        .ok_or("stepSeconds is too large")?;
    let last = step_ms
        .checked_mul(u64::from(count))
        .and_then(|span| span.checked_add(start_ms));
    match last {
        Some(last) if last < 1 << 48 => Ok(Source::Ulid { start_ms, step_ms }),
        _ => Err(format!(
            "{count} steps of {step_seconds} seconds run past the year 10889, the last time a ULID can hold"
        )),
    }
}

fn sequence(
    start: i64,
    step: i64,
    width: u32,
    count: u32,
    numeric: bool,
) -> Result<Source, String> {
    if width > MAX_WIDTH {
        return Err(format!("width is at most {MAX_WIDTH} digits, not {width}"));
    }
    let last = step
        .checked_mul(i64::from(count.saturating_sub(1)))
        .and_then(|span| span.checked_add(start));
    if last.is_none() {
        return Err(format!(
            "the sequence from {start} by {step} overflows a 64-bit number within {count} items"
        ));
    }
    Ok(Source::Sequence {
        start,
        step,
        width: width as usize,
        numeric,
    })
}

fn not_a_date(field: &str, text: &str) -> String {
    format!(
        "{field} \"{text}\" is not a date: write 2025-01-31 or 2025-01-31T09:30:00Z (UTC, years 1970 to 9999)"
    )
}

fn instant(
    from: Option<&str>,
    to: Option<&str>,
    date_only: bool,
    numeric: bool,
) -> Result<Source, String> {
    let (from_text, to_text) = (from.unwrap_or(DEFAULT_FROM), to.unwrap_or(DEFAULT_TO));
    let from = time::parse(from_text).ok_or_else(|| not_a_date("from", from_text))?;
    let to = time::parse(to_text).ok_or_else(|| not_a_date("to", to_text))?;
    if from > to {
        return Err(format!("from ({from_text}) is after to ({to_text})"));
    }
    Ok(Source::Instant {
        from,
        to,
        date_only,
        numeric,
    })
}

fn number(min: f64, max: f64, decimals: u32, numeric: bool) -> Result<Source, String> {
    if decimals > MAX_DECIMALS {
        return Err(format!(
            "decimals is at most {MAX_DECIMALS}, not {decimals}"
        ));
    }
    if min > max {
        return Err(format!("min ({min}) is greater than max ({max})"));
    }
    let scale = POWERS_OF_TEN[decimals as usize];
    let (low, high) = ((min * scale).round(), (max * scale).round());
    if low.abs() > EXACT || high.abs() > EXACT {
        return Err(format!(
            "min and max must lie within ±{} with {decimals} decimals",
            EXACT / scale
        ));
    }
    Ok(Source::Number {
        min: low as i64,
        max: high as i64,
        decimals,
        numeric,
    })
}

fn choice(values: &[Value], weights: Option<&[u32]>, kind: &str) -> Result<Source, String> {
    if values.is_empty() {
        return Err("values is empty: an enum needs at least one value".to_owned());
    }
    if values.len() > MAX_ENUM_VALUES {
        return Err(format!(
            "an enum has at most {MAX_ENUM_VALUES} values, not {}",
            values.len()
        ));
    }
    let weights = match weights {
        Some(w) if w.len() != values.len() => {
            return Err(format!(
                "there are {} weights for {} values: give one weight per value",
                w.len(),
                values.len()
            ));
        }
        Some(w) => w.to_vec(),
        None => vec![1; values.len()],
    };
    let mut total = 0u64;
    let cumulative: Vec<u64> = weights
        .iter()
        .map(|w| {
            total += u64::from(*w);
            total
        })
        .collect();
    if total == 0 {
        return Err("every weight is 0: at least one value must be possible".to_owned());
    }
    let values = values
        .iter()
        .enumerate()
        .map(|(i, v)| plain(v, kind).map_err(|why| format!("values[{i}] {why}")))
        .collect::<Result<_, _>>()?;
    Ok(Source::Choice { values, cumulative })
}

fn text(min_words: Option<u32>, max_words: Option<u32>) -> Result<Source, String> {
    let min = min_words.unwrap_or(3);
    let max = max_words.unwrap_or(min.max(8));
    if min == 0 {
        return Err("minWords is at least 1 (an empty string cannot be a key)".to_owned());
    }
    if min > max {
        return Err(format!("minWords ({min}) is greater than maxWords ({max})"));
    }
    if max > MAX_WORDS {
        return Err(format!("maxWords is at most {MAX_WORDS}, not {max}"));
    }
    Ok(Source::Text { min, max })
}

/// A plain JSON value as DynamoDB JSON of `kind`: a string or number for S, a number or a
/// numeric string for N, a boolean for BOOL, null for NULL.
fn plain(value: &Value, kind: &str) -> Result<Value, String> {
    match (kind, value) {
        ("S", Value::String(s)) => Ok(typed("S", s.clone())),
        ("S", Value::Number(n)) => Ok(typed("S", n.to_string())),
        ("N", Value::Number(n)) => number_text(&n.to_string()),
        ("N", Value::String(s)) => number_text(s),
        ("BOOL", Value::Bool(b)) => Ok(serde_json::json!({ "BOOL": b })),
        ("NULL", Value::Null | Value::Bool(true)) => Ok(serde_json::json!({ "NULL": true })),
        _ => Err(format!("({value}) is not a plain {kind} value")),
    }
}

fn number_text(text: &str) -> Result<Value, String> {
    Number::parse(text)
        .map(|n| typed("N", n.to_string()))
        .map_err(|e| format!("(\"{text}\") is not a DynamoDB number: {}", e.message()))
}

/// A constant: plain JSON for the scalar types, or DynamoDB JSON of `kind`, checked by the
/// engine's own parser.
fn constant(value: &Value, kind: &str) -> Result<Value, String> {
    if !value.is_object() {
        return plain(value, kind).map_err(|why| format!("the value {why}; other types are written as DynamoDB JSON, e.g. {{\"{kind}\": ...}}"));
    }
    let text = serde_json::json!({ "value": value }).to_string();
    let item = item_from_json(&text)
        .map_err(|e| format!("the value is not valid DynamoDB JSON: {}", e.message))?;
    match item.get("value") {
        Some(parsed) if parsed.type_name() == kind => Ok(value.clone()),
        Some(parsed) => Err(format!(
            "the value is {}, but this attribute is {kind}",
            parsed.type_name()
        )),
        None => Err("the value is missing".to_owned()),
    }
}

/// A ref: checks the target and joins the slot of earlier refs to the same entity.
fn reference(
    scope: &Scope,
    kind: &str,
    j: usize,
    (target_name, attribute): (&str, &str),
    distribution: Option<Distribution>,
    refs: &mut Vec<RefSlot>,
) -> Result<Source, String> {
    let target = *scope.names.get(target_name).ok_or_else(|| {
        let known: Vec<&str> = scope
            .table
            .entities
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        format!(
            "refers to the entity \"{target_name}\", which this table does not have (it has {})",
            known.join(", ")
        )
    })?;
    if target == scope.index {
        return Err(format!(
            "refers to its own entity {target_name}: an item can only take values from another entity's items"
        ));
    }
    let entity = &scope.table.entities[target];
    let target_kind = attribute_kind(&scope.table.definition, entity, attribute)
        .ok_or_else(|| format!("{target_name} has no attribute or key \"{attribute}\""))?;
    if target_kind != kind {
        return Err(format!(
            "{target_name}.{attribute} is {target_kind}, but this attribute is {kind}: a ref copies values, so both need the same type"
        ));
    }
    let count = entity.count.unwrap_or(0);
    if count == 0 {
        return Err(format!(
            "{target_name} makes no items (its count is 0 or absent), so there is nothing to refer to"
        ));
    }
    if let Some(d) = &distribution {
        check_distribution(d, count, target_name)?;
    }
    let slot = match refs.iter().position(|s| s.target == target) {
        Some(slot) => {
            join_slot(&mut refs[slot], distribution, target_name)?;
            slot
        }
        None => {
            refs.push(RefSlot {
                target,
                sampler: Sampler::Uniform { items: 0 },
                attribute: j,
                distribution,
            });
            refs.len() - 1
        }
    };
    Ok(Source::Ref {
        slot,
        attribute: attribute.to_owned(),
    })
}

fn join_slot(
    slot: &mut RefSlot,
    distribution: Option<Distribution>,
    target: &str,
) -> Result<(), String> {
    match (&slot.distribution, distribution) {
        (Some(first), Some(this)) if *first != this => Err(format!(
            "attributes[{}] already picks a {target} item for each item, and this ref reads the same one: leave out its distribution or make it the same",
            slot.attribute
        )),
        (None, Some(this)) => {
            slot.distribution = Some(this);
            Ok(())
        }
        _ => Ok(()),
    }
}

fn attribute_kind<'a>(spec: &'a TableSpec, entity: &'a Entity, name: &str) -> Option<&'a str> {
    if let Some(attribute) = entity.attributes.iter().find(|a| a.name == name) {
        return Some(&attribute.kind);
    }
    entity
        .key(name)
        .map(|_| spec.attribute_type(name).unwrap_or("S"))
}

/// A setting written as a JSON number, or `default` when absent.
fn float(number: Option<&serde_json::Number>, default: f64) -> f64 {
    number
        .and_then(serde_json::Number::as_f64)
        .unwrap_or(default)
}

fn check_distribution(distribution: &Distribution, count: u32, target: &str) -> Result<(), String> {
    match distribution {
        Distribution::Uniform {} => Ok(()),
        Distribution::Zipf { exponent } => match float(Some(exponent), 0.0) {
            e if e > 0.0 && e <= 10.0 => Ok(()),
            _ => Err(format!("a zipf exponent lies in (0, 10], not {exponent}")),
        },
        &Distribution::Hot { share, .. } if share > 100 => {
            Err(format!("share is a percentage from 0 to 100, not {share}"))
        }
        &Distribution::Hot { items, .. } => match items.unwrap_or(1) {
            hot if hot >= 1 && hot < count => Ok(()),
            hot => Err(format!(
                "{hot} hot items: there must be at least 1 and fewer than {target}'s count ({count})"
            )),
        },
    }
}

fn sampler(distribution: Option<&Distribution>, count: u32) -> Sampler {
    match distribution {
        None | Some(Distribution::Uniform {}) => Sampler::Uniform {
            items: u64::from(count),
        },
        Some(Distribution::Zipf { exponent }) => Sampler::zipf(count, float(Some(exponent), 1.0)),
        Some(Distribution::Hot { share, items }) => Sampler::Hot {
            items: u64::from(count),
            hot: u64::from(items.unwrap_or(1)),
            share: u64::from(*share),
        },
    }
}

fn compile_keys<'a>(
    spec: &'a TableSpec,
    entity: &'a Entity,
) -> Result<Vec<KeyPlan<'a>>, ModelError> {
    let mut keys = Vec::with_capacity(entity.keys.len());
    for (k, key) in entity.keys.iter().enumerate() {
        let at = format!("keys[{k}]");
        if entity.keys[..k]
            .iter()
            .any(|other| other.attribute == key.attribute)
        {
            return Err(ModelError::at(
                format!("{at}.attribute"),
                format!("{} has two templates", key.attribute),
            ));
        }
        if entity.attributes.iter().any(|a| a.name == key.attribute) {
            return Err(ModelError::at(
                format!("{at}.attribute"),
                format!(
                    "{} is both a key template and an attribute of {}: keep one",
                    key.attribute, entity.name
                ),
            ));
        }
        let template =
            Template::parse(&key.template).map_err(|e| e.within(&format!("{at}.template")))?;
        check_placeholders(entity, &template)
            .map_err(|message| ModelError::at(format!("{at}.template"), message))?;
        let declared = spec.attribute_type(&key.attribute).unwrap_or("S");
        keys.push(KeyPlan {
            attribute: &key.attribute,
            template,
            declared,
        });
    }
    Ok(keys)
}

fn check_placeholders(entity: &Entity, template: &Template) -> Result<(), String> {
    for name in template.placeholders() {
        let attribute = entity.attributes.iter().find(|a| a.name == name).ok_or_else(|| {
            format!("the placeholder {{{name}}} names no attribute of {}: add {name} to its attributes", entity.name)
        })?;
        if !["S", "N", "B", "BOOL"].contains(&attribute.kind.as_str()) {
            return Err(format!(
                "the placeholder {{{name}}} names a {} attribute; only S, N, B and BOOL values can go in a key",
                attribute.kind
            ));
        }
    }
    Ok(())
}

fn check_table_keys(spec: &TableSpec, entity: &Entity) -> Result<(), ModelError> {
    let has =
        |name: &str| entity.key(name).is_some() || entity.attributes.iter().any(|a| a.name == name);
    for (role, key) in [
        ("partition", spec.partition_key()),
        ("sort", spec.sort_key()),
    ] {
        if let Some(key) = key.filter(|key| !has(key)) {
            return Err(ModelError::at(
                "keys",
                format!(
                    "{} makes items but sets no {key}, the table's {role} key: add a template for it",
                    entity.name
                ),
            ));
        }
    }
    Ok(())
}

/// Entities in an order where each comes after those it refers to; refs that go round in a
/// circle are refused, naming the circle.
fn order(entities: &[EntityPlan]) -> Result<Vec<usize>, ModelError> {
    let mut waiting: Vec<usize> = entities.iter().map(|e| e.refs.len()).collect();
    let mut order: Vec<usize> = (0..entities.len()).filter(|&i| waiting[i] == 0).collect();
    let mut next = 0;
    while next < order.len() {
        let done = order[next];
        next += 1;
        for (i, entity) in entities.iter().enumerate() {
            for _ in entity.refs.iter().filter(|slot| slot.target == done) {
                waiting[i] -= 1;
                if waiting[i] == 0 {
                    order.push(i);
                }
            }
        }
    }
    if order.len() == entities.len() {
        return Ok(order);
    }
    Err(cycle(entities, &waiting))
}

/// The circle among entities still waiting: follow refs from one until an entity repeats.
fn cycle(entities: &[EntityPlan], waiting: &[usize]) -> ModelError {
    let mut path: Vec<usize> = Vec::new();
    let mut at = waiting.iter().position(|&w| w > 0).unwrap_or(0);
    while !path.contains(&at) {
        path.push(at);
        at = entities[at]
            .refs
            .iter()
            .map(|s| s.target)
            .find(|&t| waiting[t] > 0)
            .unwrap_or(at);
    }
    let start = path.iter().position(|&e| e == at).unwrap_or(0);
    let circle: Vec<usize> = path[start..].to_vec();
    let names: Vec<&str> = circle
        .iter()
        .chain(circle.first())
        .map(|&e| entities[e].entity.name.as_str())
        .collect();
    let first = &entities[circle[0]];
    let attribute = first
        .refs
        .iter()
        .find(|s| circle.get(1).copied().unwrap_or(circle[0]) == s.target)
        .map_or(0, |s| s.attribute);
    ModelError::at(
        format!("entities[{}].attributes[{attribute}].generator", circle[0]),
        format!(
            "refs go round in a circle ({}): an entity can only take values from entities that do not take values from it",
            names.join(" → ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_bounds_are_scaled_to_whole_units_of_the_last_decimal() {
        let Ok(Source::Number { min, max, .. }) = number(1.15, 20.0, 2, true) else {
            panic!()
        };
        assert_eq!((min, max), (115, 2000));
    }

    #[test]
    fn key_limits_keep_the_tightest_role_of_each_attribute() {
        let spec: TableSpec = serde_json::from_value(serde_json::json!({
            "TableName": "T",
            "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            "AttributeDefinitions": [],
            "GlobalSecondaryIndexes": [{"IndexName": "Inverted", "KeySchema": [
                {"AttributeName": "SK", "KeyType": "HASH"}, {"AttributeName": "PK", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"}}]
        }))
        .unwrap();
        assert_eq!(key_limits(&spec), [("PK", 1024), ("SK", 1024)]);
    }
}
