//! Running a [`Plan`]: entities in dependency order, each item's attributes from their
//! streams, then its key templates rendered and typed, then its primary key claimed. An item
//! whose primary key was already made is drawn again (its streams move on), up to
//! [`ATTEMPTS`] times, so random refs that happen to collide still give exactly `count`
//! items; a design whose templates cannot give that many distinct keys is refused.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use dynoscope_engine::Number;
use serde_json::{Map, Value};

use super::plan::{EntityPlan, KeyPlan, Plan};
use super::random::Stream;
use super::values::{Context, person, typed};
use crate::error::ModelError;
use crate::model::ItemJson;

/// How many times an item is drawn before its key collision is reported.
pub(crate) const ATTEMPTS: u32 = 100;

/// The streams of one entity: one per attribute, one per ref slot, and one for the person
/// each item's names and emails describe.
struct Streams {
    attributes: Vec<Stream>,
    refs: Vec<Stream>,
    person: Stream,
}

/// Which entity's item (entity index, item number) made each primary key so far.
type Claims = HashMap<(String, String), (usize, u32)>;

pub(crate) fn run(plan: &Plan) -> Result<Vec<ItemJson>, ModelError> {
    let mut made: Vec<Vec<ItemJson>> = vec![Vec::new(); plan.entities.len()];
    let mut claims = Claims::new();
    for &index in &plan.order {
        let items = make_entity(plan, index, &made, &mut claims)
            .map_err(|e| e.within(&format!("entities[{index}]")))?;
        made[index] = items;
    }
    Ok(made.into_iter().flatten().collect())
}

fn make_entity(
    plan: &Plan,
    index: usize,
    made: &[Vec<ItemJson>],
    claims: &mut Claims,
) -> Result<Vec<ItemJson>, ModelError> {
    let entity = &plan.entities[index];
    let name = entity.entity.name.as_str();
    let mut streams = Streams {
        attributes: entity
            .attributes
            .iter()
            .map(|(attribute, _)| Stream::new(plan.seed, &[name, attribute]))
            .collect(),
        refs: entity
            .refs
            .iter()
            .map(|slot| Stream::new(plan.seed, &[name, "ref", &made_name(plan, slot.target)]))
            .collect(),
        person: Stream::new(plan.seed, &[name, "person"]),
    };
    let mut items = Vec::with_capacity(entity.count as usize);
    for ordinal in 0..entity.count {
        let mut attempt = 1;
        loop {
            let item = make_item(plan, entity, ordinal, &mut streams, made)?;
            let key = primary_key(plan, &item)?;
            match claims.get(&key) {
                None => {
                    claims.insert(key, (index, ordinal));
                    items.push(item);
                    break;
                }
                Some(&first) if attempt == ATTEMPTS => {
                    return Err(collision(plan, ordinal, first, &key));
                }
                Some(_) => attempt += 1,
            }
        }
    }
    Ok(items)
}

fn made_name(plan: &Plan, entity: usize) -> String {
    plan.entities
        .get(entity)
        .map(|e| e.entity.name.clone())
        .unwrap_or_default()
}

fn make_item(
    plan: &Plan,
    entity: &EntityPlan,
    ordinal: u32,
    streams: &mut Streams,
    made: &[Vec<ItemJson>],
) -> Result<ItemJson, ModelError> {
    let picked: Vec<Option<&ItemJson>> = entity
        .refs
        .iter()
        .zip(&mut streams.refs)
        .map(|(slot, stream)| {
            made.get(slot.target)
                .and_then(|items| items.get(slot.sampler.pick(stream)))
        })
        .collect();
    let cx = Context {
        ordinal,
        picked: &picked,
        person: person(&mut streams.person),
    };
    let mut item = Map::new();
    for ((name, source), stream) in entity.attributes.iter().zip(&mut streams.attributes) {
        if let Some(value) = source.make(stream, &cx) {
            item.insert((*name).to_owned(), value);
        }
    }
    for (k, key) in entity.keys.iter().enumerate() {
        let value = render_key(key, &item)
            .map_err(|message| ModelError::at(format!("keys[{k}].template"), message))?;
        item.insert(key.attribute.to_owned(), value);
    }
    check_key_sizes(plan, &item)?;
    Ok(item)
}

fn render_key(key: &KeyPlan, item: &ItemJson) -> Result<Value, String> {
    let text = key
        .template
        .render(|name| item.get(name).and_then(key_text))
        .map_err(|name| format!("the item has no value for {{{name}}}"))?;
    match key.declared {
        "N" => Number::parse(&text).map(|n| typed("N", n.to_string())).map_err(|_| {
            format!("{} is declared N in AttributeDefinitions, but its template made \"{text}\", which is not a number", key.attribute)
        }),
        "B" => match BASE64.decode(&text) {
            Ok(_) => Ok(typed("B", text)),
            Err(_) => Err(format!(
                "{} is declared B in AttributeDefinitions, but its template made \"{text}\", which is not base64",
                key.attribute
            )),
        },
        _ => Ok(typed("S", text)),
    }
}

/// The text a scalar value puts into a key template.
fn key_text(value: &Value) -> Option<String> {
    let (kind, inner) = value.as_object()?.iter().next()?;
    match (kind.as_str(), inner) {
        ("S" | "N" | "B", Value::String(text)) => Some(text.clone()),
        ("BOOL", Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    }
}

fn check_key_sizes(plan: &Plan, item: &ItemJson) -> Result<(), ModelError> {
    for &(name, limit) in &plan.key_limits {
        let Some(text) = item
            .get(name)
            .and_then(|v| v.get("S").or_else(|| v.get("B")))
            .and_then(Value::as_str)
        else {
            continue;
        };
        if text.is_empty() {
            return Err(ModelError::whole(format!(
                "an item's key attribute {name} came out empty, which DynamoDB refuses: check the values its template or generator use"
            )));
        }
        if text.len() > limit {
            return Err(ModelError::whole(format!(
                "an item's key attribute {name} came out {} bytes long; DynamoDB allows at most {limit} there",
                text.len()
            )));
        }
    }
    Ok(())
}

fn primary_key(plan: &Plan, item: &ItemJson) -> Result<(String, String), ModelError> {
    let part = |name: &str| item.get(name).map(Value::to_string);
    let partition = part(plan.partition_key).ok_or_else(|| {
        ModelError::at(
            "keys",
            format!(
                "an item came out without {}, the table's partition key",
                plan.partition_key
            ),
        )
    })?;
    let sort = match plan.sort_key {
        Some(name) => part(name).ok_or_else(|| {
            ModelError::at(
                "keys",
                format!("an item came out without {name}, the table's sort key"),
            )
        })?,
        None => String::new(),
    };
    Ok((partition, sort))
}

fn collision(
    plan: &Plan,
    ordinal: u32,
    (entity, first): (usize, u32),
    key: &(String, String),
) -> ModelError {
    let other = made_name(plan, entity);
    let sort = plan
        .sort_key
        .map(|name| format!(", {name} = {}", key.1))
        .unwrap_or_default();
    ModelError::at(
        "keys",
        format!(
            "after {ATTEMPTS} tries, item {} still has the primary key of {other}'s item {} ({} = {}{sort}): the key templates leave too few distinct keys for the count; put a unique attribute (an id) in them or lower the count",
            ordinal + 1,
            first + 1,
            plan.partition_key,
            key.0
        ),
    )
}
