//! DynamoDB's data: [`AttributeValue`] in its ten types, [`Item`]s, their wire JSON form and
//! their size as DynamoDB counts it. Values are validated as they are read off the wire
//! (numbers parsed exactly, binary base64-decoded, sets non-empty and free of duplicates,
//! nesting at most 32 levels), so everything past this module holds only valid data.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DynamoError;
use crate::number::Number;

/// Longest attribute name (and map key), in bytes.
const MAX_NAME_BYTES: usize = 65_535;

/// Deepest nesting DynamoDB accepts: the attribute itself is level 1.
pub const MAX_NESTING_DEPTH: usize = 32;

/// An item: attribute names to values. Ordered so output is deterministic.
pub type Item = BTreeMap<String, AttributeValue>;

/// One DynamoDB value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeValue {
    S(String),
    N(Number),
    B(Vec<u8>),
    Bool(bool),
    Null,
    L(Vec<AttributeValue>),
    M(Item),
    SS(Vec<String>),
    NS(Vec<Number>),
    BS(Vec<Vec<u8>>),
}

impl AttributeValue {
    /// The type descriptor as DynamoDB names it (`S`, `N`, `BOOL`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            AttributeValue::S(_) => "S",
            AttributeValue::N(_) => "N",
            AttributeValue::B(_) => "B",
            AttributeValue::Bool(_) => "BOOL",
            AttributeValue::Null => "NULL",
            AttributeValue::L(_) => "L",
            AttributeValue::M(_) => "M",
            AttributeValue::SS(_) => "SS",
            AttributeValue::NS(_) => "NS",
            AttributeValue::BS(_) => "BS",
        }
    }

    /// Bytes the value adds to an item, not counting its attribute name.
    pub fn size(&self) -> usize {
        match self {
            AttributeValue::S(s) => s.len(),
            AttributeValue::N(n) => n.size(),
            AttributeValue::B(b) => b.len(),
            AttributeValue::Bool(_) | AttributeValue::Null => 1,
            AttributeValue::L(list) => 3 + list.iter().map(|v| 1 + v.size()).sum::<usize>(),
            AttributeValue::M(map) => {
                3 + map
                    .iter()
                    .map(|(k, v)| 1 + k.len() + v.size())
                    .sum::<usize>()
            }
            AttributeValue::SS(set) => set.iter().map(String::len).sum(),
            AttributeValue::NS(set) => set.iter().map(Number::size).sum(),
            AttributeValue::BS(set) => set.iter().map(Vec::len).sum(),
        }
    }
}

/// Largest item DynamoDB stores, in bytes as it counts them.
pub const MAX_ITEM_BYTES: usize = 409_600;

/// An item's size as DynamoDB counts it: each attribute's UTF-8 name plus its value.
pub fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value.size())
        .sum()
}

// ---------------------------------------------------------------------------------------
// Wire form: {"S": "x"}, {"N": "1"}, {"B": "<base64>"}, {"BOOL": true}, {"NULL": true},
// {"L": [...]}, {"M": {...}}, {"SS": [...]}, {"NS": [...]}, {"BS": [...]}.
// ---------------------------------------------------------------------------------------

impl Serialize for AttributeValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            AttributeValue::S(s) => map.serialize_entry("S", s)?,
            AttributeValue::N(n) => map.serialize_entry("N", &n.to_string())?,
            AttributeValue::B(b) => map.serialize_entry("B", &BASE64.encode(b))?,
            AttributeValue::Bool(b) => map.serialize_entry("BOOL", b)?,
            AttributeValue::Null => map.serialize_entry("NULL", &true)?,
            AttributeValue::L(list) => map.serialize_entry("L", list)?,
            AttributeValue::M(m) => map.serialize_entry("M", m)?,
            AttributeValue::SS(set) => map.serialize_entry("SS", set)?,
            AttributeValue::NS(set) => map.serialize_entry("NS", &NumberList(set))?,
            AttributeValue::BS(set) => map.serialize_entry("BS", &Base64List(set))?,
        }
        map.end()
    }
}

struct NumberList<'a>(&'a [Number]);

impl Serialize for NumberList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for n in self.0 {
            seq.serialize_element(&n.to_string())?;
        }
        seq.end()
    }
}

struct Base64List<'a>(&'a [Vec<u8>]);

impl Serialize for Base64List<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for b in self.0 {
            seq.serialize_element(&BASE64.encode(b))?;
        }
        seq.end()
    }
}

thread_local! {
    /// A ValidationException raised while deserialising, waiting for dispatch to pick it up.
    /// serde can only carry text in its errors; DynamoDB distinguishes a malformed request
    /// (SerializationException) from a well-formed but invalid value (ValidationException),
    /// so the visitor parks the precise error here and dispatch reads it back.
    static PENDING_VALIDATION: RefCell<Option<DynamoError>> = const { RefCell::new(None) };
}

/// Records a validation failure and returns the serde error that unwinds deserialisation.
pub(crate) fn validation_failure<E: de::Error>(message: impl Into<String>) -> E {
    let message = message.into();
    PENDING_VALIDATION.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| DynamoError::validation(message.clone()));
    });
    E::custom(message)
}

/// Takes the validation failure recorded during the last deserialisation, if any.
pub(crate) fn take_validation_failure() -> Option<DynamoError> {
    PENDING_VALIDATION.with(|slot| slot.borrow_mut().take())
}

/// Clears any stale failure before a new request is read.
pub(crate) fn clear_validation_failure() {
    PENDING_VALIDATION.with(|slot| slot.borrow_mut().take());
}

impl<'de> Deserialize<'de> for AttributeValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ValueSeed { depth: 1 }.deserialize(deserializer)
    }
}

/// Reads one value at a known nesting depth.
struct ValueSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = AttributeValue;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<AttributeValue, D::Error> {
        deserializer.deserialize_map(ValueVisitor { depth: self.depth })
    }
}

struct ValueVisitor {
    depth: usize,
}

const EMPTY_VALUE: &str =
    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
const MANY_TYPES: &str = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes";
const TOO_DEEP: &str = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";

fn parse_number<E: de::Error>(text: &str) -> Result<Number, E> {
    if text.is_empty() {
        return Err(validation_failure(
            "The parameter cannot be converted to a numeric value",
        ));
    }
    Number::parse(text).map_err(|e| match e {
        crate::number::NumberError::NotANumber => validation_failure(format!(
            "The parameter cannot be converted to a numeric value: {text}"
        )),
        other => validation_failure(other.message()),
    })
}

fn decode_base64<E: de::Error>(text: &str) -> Result<Vec<u8>, E> {
    BASE64.decode(text).map_err(|_| {
        E::custom(
            "Base64 encoded length is expected a multiple of 4 bytes but found: ".to_owned()
                + &text.len().to_string(),
        )
    })
}

fn reject_duplicates<T: Ord + Clone, E: de::Error>(
    items: &[T],
    type_name: &str,
    show: impl Fn(&T) -> String,
) -> Result<(), E> {
    let mut sorted: Vec<&T> = items.iter().collect();
    crate::sorting::sort(&mut sorted);
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        let shown: Vec<String> = items.iter().map(show).collect();
        // DynamoDB names the set's type only for binary sets (and without a space).
        let type_note = if type_name == "BS" { "of type BS" } else { "" };
        return Err(validation_failure(format!(
            "One or more parameter values were invalid: Input collection [{}]{type_note} contains duplicates.",
            shown.join(", ")
        )));
    }
    Ok(())
}

fn empty_set<E: de::Error>(article_type: &str) -> E {
    validation_failure(format!(
        "One or more parameter values were invalid: An {article_type} set  may not be empty"
    ))
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = AttributeValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an AttributeValue object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AttributeValue, A::Error> {
        let mut found: Option<AttributeValue> = None;
        let mut count = 0;
        while let Some(tag) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let value = match tag.as_ref() {
                "S" => map.next_value::<Option<String>>()?.map(AttributeValue::S),
                "N" => match map.next_value::<Option<std::borrow::Cow<'de, str>>>()? {
                    Some(text) => Some(AttributeValue::N(parse_number(&text)?)),
                    None => None,
                },
                "B" => match map.next_value::<Option<std::borrow::Cow<'de, str>>>()? {
                    Some(text) => Some(AttributeValue::B(decode_base64(&text)?)),
                    None => None,
                },
                "BOOL" => map.next_value::<Option<bool>>()?.map(AttributeValue::Bool),
                "NULL" => match map.next_value::<Option<bool>>()? {
                    Some(true) => Some(AttributeValue::Null),
                    Some(false) => {
                        return Err(validation_failure(
                            "One or more parameter values were invalid: Null attribute value types must have the value of true",
                        ));
                    }
                    None => None,
                },
                "L" => {
                    if self.depth >= MAX_NESTING_DEPTH {
                        return Err(validation_failure(TOO_DEEP));
                    }
                    map.next_value_seed(OptionalSeed(ListSeed {
                        depth: self.depth + 1,
                    }))?
                    .map(AttributeValue::L)
                }
                "M" => {
                    if self.depth >= MAX_NESTING_DEPTH {
                        return Err(validation_failure(TOO_DEEP));
                    }
                    map.next_value_seed(OptionalSeed(MapSeed {
                        depth: self.depth + 1,
                    }))?
                    .map(AttributeValue::M)
                }
                "SS" => match map.next_value::<Option<Vec<Option<String>>>>()? {
                    Some(members) => {
                        if members.is_empty() {
                            return Err(empty_set("string"));
                        }
                        let Some(set) = members.into_iter().collect::<Option<Vec<String>>>() else {
                            return Err(validation_failure(
                                "One or more parameter values were invalid: An string set may not have a null string as a member",
                            ));
                        };
                        reject_duplicates(&set, "SS", |s| s.clone())?;
                        Some(AttributeValue::SS(set))
                    }
                    None => None,
                },
                "NS" => match map.next_value::<Option<Vec<std::borrow::Cow<'de, str>>>>()? {
                    Some(texts) => {
                        if texts.is_empty() {
                            return Err(empty_set("number"));
                        }
                        let set = texts
                            .iter()
                            .map(|t| parse_number(t))
                            .collect::<Result<Vec<_>, _>>()?;
                        reject_duplicates(&set, "NS", |n| n.to_string())?;
                        Some(AttributeValue::NS(set))
                    }
                    None => None,
                },
                "BS" => match map.next_value::<Option<Vec<std::borrow::Cow<'de, str>>>>()? {
                    Some(texts) => {
                        if texts.is_empty() {
                            return Err(empty_set("binary"));
                        }
                        let set = texts
                            .iter()
                            .map(|t| decode_base64(t))
                            .collect::<Result<Vec<_>, _>>()?;
                        reject_duplicates(&set, "BS", |b| BASE64.encode(b))?;
                        Some(AttributeValue::BS(set))
                    }
                    None => None,
                },
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                    None
                }
            };
            if let Some(value) = value {
                count += 1;
                found = Some(value);
            }
        }
        match (count, found) {
            (1, Some(value)) => Ok(value),
            (0, _) => Err(validation_failure(EMPTY_VALUE)),
            _ => Err(validation_failure(MANY_TYPES)),
        }
    }
}

/// Lets `null` stand for an absent member, as DynamoDB's JSON reader does.
struct OptionalSeed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for OptionalSeed<S> {
    type Value = Option<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        struct OptVisitor<S>(S);
        impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for OptVisitor<S> {
            type Value = Option<S::Value>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                self.0.deserialize(d).map(Some)
            }
        }
        deserializer.deserialize_option(OptVisitor(self.0))
    }
}

struct ListSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ListSeed {
    type Value = Vec<AttributeValue>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        struct ListVisitor {
            depth: usize,
        }
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = Vec<AttributeValue>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of AttributeValues")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(v) = seq.next_element_seed(ValueSeed { depth: self.depth })? {
                    out.push(v);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(ListVisitor { depth: self.depth })
    }
}

/// Reads a JSON object of name -> AttributeValue: an `M` value, or a whole item.
pub(crate) struct MapSeed {
    pub depth: usize,
}

impl<'de> DeserializeSeed<'de> for MapSeed {
    type Value = Item;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        struct MapVisitor {
            depth: usize,
        }
        impl<'de> Visitor<'de> for MapVisitor {
            type Value = Item;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of attribute names to AttributeValues")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
                let mut out = Item::new();
                while let Some(name) = map.next_key::<String>()? {
                    if name.len() > MAX_NAME_BYTES {
                        return Err(validation_failure(format!(
                            "One or more parameter values were invalid: Attribute name exceeds the limit of {MAX_NAME_BYTES} bytes; size of name: {}",
                            name.len()
                        )));
                    }
                    let value = map.next_value_seed(ValueSeed { depth: self.depth })?;
                    out.insert(name, value);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(MapVisitor { depth: self.depth })
    }
}

/// An item (or key, or attribute map) as a request member: validated like any value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WireItem(pub Item);

impl Serialize for WireItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for WireItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        MapSeed { depth: 1 }.deserialize(deserializer).map(WireItem)
    }
}

/// ExpressionAttributeValues: like an item, but an invalid value is reported as DynamoDB
/// reports it there, wrapped and naming its placeholder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueMap(pub Item);

impl<'de> Deserialize<'de> for ValueMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValuesVisitor;
        impl<'de> Visitor<'de> for ValuesVisitor {
            type Value = Item;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of placeholders to AttributeValues")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
                let mut out = Item::new();
                while let Some(name) = map.next_key::<String>()? {
                    match map.next_value_seed(ValueSeed { depth: 1 }) {
                        Ok(value) => {
                            out.insert(name, value);
                        }
                        Err(e) => {
                            wrap_validation_failure(|message| {
                                format!(
                                    "ExpressionAttributeValues contains invalid value: {message} for key {name}"
                                )
                            });
                            return Err(e);
                        }
                    }
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(ValuesVisitor).map(ValueMap)
    }
}

/// Rewrites the pending validation failure's message, if there is one. Number errors come
/// from the numeric conversion, which DynamoDB reports unwrapped.
fn wrap_validation_failure(wrap: impl FnOnce(&str) -> String) {
    PENDING_VALIDATION.with(|slot| {
        if let Some(error) = slot.borrow_mut().as_mut() {
            let numeric = [
                "The parameter cannot be converted",
                "Attempting to store",
                "Number overflow",
                "Number underflow",
            ]
            .iter()
            .any(|prefix| error.message.starts_with(prefix));
            if !numeric {
                error.message = wrap(&error.message);
            }
        }
    });
}

/// Parses an item from DynamoDB JSON text (as stored by a persistence layer).
pub fn item_from_json(text: &str) -> Result<Item, DynamoError> {
    clear_validation_failure();
    let mut de = serde_json::Deserializer::from_slice(text.as_bytes());
    MapSeed { depth: 1 }.deserialize(&mut de).map_err(|e| {
        take_validation_failure().unwrap_or_else(|| DynamoError::serialization(e.to_string()))
    })
}

/// Writes an item as DynamoDB JSON text.
pub fn item_to_json(item: &Item) -> String {
    serde_json::to_string(item).expect("an item always serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(json: &str) -> Item {
        item_from_json(json).unwrap()
    }

    fn err(json: &str) -> DynamoError {
        item_from_json(json).unwrap_err()
    }

    #[test]
    fn every_type_round_trips_through_json() {
        let text = r#"{"b":{"B":"AQI="},"bool":{"BOOL":false},"bs":{"BS":["AQ==","Ag=="]},"l":{"L":[{"S":"x"},{"N":"1"}]},"m":{"M":{"k":{"NULL":true}}},"n":{"N":"42.5"},"ns":{"NS":["1","2"]},"s":{"S":"hi"},"ss":{"SS":["a","b"]}}"#;
        assert_eq!(item_to_json(&item(text)), text);
    }

    #[test]
    fn numbers_are_normalised_when_read() {
        assert_eq!(
            item_to_json(&item(r#"{"n":{"N":"0042.1200"}}"#)),
            r#"{"n":{"N":"42.12"}}"#
        );
    }

    #[test]
    fn an_attribute_value_must_have_exactly_one_type() {
        assert_eq!(err(r#"{"a":{}}"#).message, EMPTY_VALUE);
        assert_eq!(err(r#"{"a":{"S":"x","N":"1"}}"#).message, MANY_TYPES);
        assert_eq!(err(r#"{"a":{"S":null}}"#).message, EMPTY_VALUE);
    }

    #[test]
    fn empty_sets_are_rejected() {
        assert_eq!(
            err(r#"{"a":{"SS":[]}}"#).message,
            "One or more parameter values were invalid: An string set  may not be empty"
        );
    }

    #[test]
    fn duplicate_set_members_are_rejected() {
        let e = err(r#"{"a":{"NS":["1","1.0"]}}"#);
        assert!(e.message.contains("contains duplicates"), "{}", e.message);
    }

    #[test]
    fn nesting_beyond_32_levels_is_rejected() {
        let nest = |levels: usize| {
            let mut v = r#"{"S":"x"}"#.to_string();
            for _ in 1..levels {
                v = format!(r#"{{"L":[{v}]}}"#);
            }
            format!(r#"{{"a":{v}}}"#)
        };
        assert!(item_from_json(&nest(32)).is_ok());
        assert_eq!(err(&nest(33)).message, TOO_DEEP);
    }

    #[test]
    fn item_size_counts_names_and_values() {
        // The Developer Guide's example: shirt-color "R" and shirt-size "M" is 23 bytes.
        assert_eq!(
            item_size(&item(r#"{"shirt-color":{"S":"R"},"shirt-size":{"S":"M"}}"#)),
            23
        );
        // Lists and maps: 3 bytes plus 1 per element.
        assert_eq!(
            item_size(&item(r#"{"l":{"L":[{"S":"ab"},{"NULL":true}]}}"#)),
            1 + 3 + 3 + 2
        );
        assert_eq!(
            item_size(&item(r#"{"m":{"M":{"k":{"S":"v"}}}}"#)),
            1 + 3 + 1 + 1 + 1
        );
    }

    #[test]
    fn null_false_is_rejected() {
        assert!(
            err(r#"{"a":{"NULL":false}}"#)
                .message
                .contains("Null attribute value")
        );
    }
}
