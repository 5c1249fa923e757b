//! Template text into JSON values: JSON through serde_json with a visitor that spends the same
//! value budget as YAML, refuses duplicate keys and records the order of resources; YAML through
//! [`super::yaml`]. Also the long form of a YAML short-form tag, which both need.

use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::yaml::parse_yaml;
use super::{MAX_INPUT_BYTES, MAX_NODES};
use crate::error::ModelError;

/// The template as JSON values, with YAML short-form tags in their long form, and the logical
/// ids of its Resources in the order written.
pub(super) fn parse_document(text: &str) -> Result<(Value, Vec<String>), ModelError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(ModelError::whole(format!(
            "the template is {} bytes; the most Dynoscope reads is {MAX_INPUT_BYTES}",
            text.len()
        )));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        return match parse_json(text) {
            Ok(parsed) => Ok(parsed),
            Err(json) => {
                parse_yaml(text).map_err(|_| ModelError::whole(format!("not valid JSON: {json}")))
            }
        };
    }
    parse_yaml(text)
}

fn parse_json(text: &str) -> Result<(Value, Vec<String>), serde_json::Error> {
    let (budget, order) = (Cell::new(MAX_NODES), RefCell::new(Vec::new()));
    let mut deserializer = serde_json::Deserializer::from_slice(text.as_bytes());
    let value = Node::root(&budget, &order).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok((value, order.into_inner()))
}

/// Builds a JSON value from JSON text, counting values against the budget and recording the
/// order of the Resources' logical ids on the way.
#[derive(Clone, Copy)]
struct Node<'b> {
    budget: &'b Cell<usize>,
    order: &'b RefCell<Vec<String>>,
    place: Place,
}

/// Where a node sits, as far as the order of resources cares.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Root,
    Resources,
    Elsewhere,
}

impl<'b> Node<'b> {
    fn root(budget: &'b Cell<usize>, order: &'b RefCell<Vec<String>>) -> Node<'b> {
        Node {
            budget,
            order,
            place: Place::Root,
        }
    }

    fn at(self, place: Place) -> Node<'b> {
        Node { place, ..self }
    }

    fn spend<E: de::Error>(&self) -> Result<(), E> {
        let left = self.budget.get();
        if left == 0 {
            return Err(E::custom(format!(
                "the template holds more than {MAX_NODES} values"
            )));
        }
        self.budget.set(left - 1);
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(n))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(n))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        self.spend()?;
        Ok(Number::from_f64(n).map_or_else(|| Value::String(n.to_string()), Value::Number))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::String(s.to_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.spend()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.at(Place::Elsewhere))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.spend()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(self.at(Place::Elsewhere))? {
            let key = match key {
                Value::String(s) => s,
                Value::Number(_) | Value::Bool(_) | Value::Null => key.to_string(),
                _ => return Err(de::Error::custom("a mapping key must be a plain scalar")),
            };
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate key \"{key}\"")));
            }
            let place = match self.place {
                Place::Root if key == "Resources" => Place::Resources,
                _ => Place::Elsewhere,
            };
            if self.place == Place::Resources {
                self.order.borrow_mut().push(key.clone());
            }
            let value = map.next_value_seed(self.at(place))?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// A short-form tag's value as the long form CloudFormation's JSON spells.
pub(super) fn long_form(tag: &str, value: Value) -> Value {
    let key = match tag {
        "Ref" | "Condition" => tag.to_owned(),
        _ => format!("Fn::{tag}"),
    };
    let value = match (tag, value) {
        ("GetAtt", Value::String(s)) => match s.split_once('.') {
            Some((resource, attribute)) => Value::Array(vec![resource.into(), attribute.into()]),
            None => Value::String(s),
        },
        (_, value) => value,
    };
    Value::Object([(key, value)].into_iter().collect())
}
