//! Primary keys: a table's key schema, the scalar types key attributes may have, and the
//! key values pulled out of items and requests with DynamoDB's validation and messages.
//! Key values order the way DynamoDB orders sort keys: numbers numerically, strings and
//! binary by unsigned bytes.
//!
//! A global secondary index may have a multi-attribute key (DynamoDB, November 2025): up
//! to four partition-key and four sort-key attributes. Its partition key value is then a
//! [`KeyValue::Tuple`] of the attributes' values, hashed together, and its sort key a tuple
//! ordered attribute by attribute, left to right (each by its own type's order).

use serde::{Deserialize, Serialize};

use crate::error::DynamoError;
use crate::number::Number;
use crate::value::{AttributeValue, Item};

/// Largest partition key value, in bytes.
pub const MAX_HASH_KEY_BYTES: usize = 2048;
/// Largest sort key value, in bytes.
pub const MAX_RANGE_KEY_BYTES: usize = 1024;

/// The types a key attribute may be declared with (`AttributeType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScalarType {
    S,
    N,
    B,
}

impl ScalarType {
    pub fn name(self) -> &'static str {
        match self {
            ScalarType::S => "S",
            ScalarType::N => "N",
            ScalarType::B => "B",
        }
    }

    pub fn parse(text: &str) -> Option<ScalarType> {
        match text {
            "S" => Some(ScalarType::S),
            "N" => Some(ScalarType::N),
            "B" => Some(ScalarType::B),
            _ => None,
        }
    }
}

/// A key attribute: its name and declared type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyAttribute {
    pub name: String,
    pub kind: ScalarType,
}

/// Most attributes a multi-attribute partition key (or sort key) may have.
pub const MAX_KEY_ATTRIBUTES: usize = 4;

/// A partition key and an optional sort key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySchema {
    pub hash: KeyAttribute,
    pub range: Option<KeyAttribute>,
    /// The second to fourth partition-key attributes of a multi-attribute key (global
    /// secondary indexes only; the page's engine, without `extras`, neither makes nor
    /// stores them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(not(feature = "extras"), serde(skip))]
    pub more_hash: Vec<KeyAttribute>,
    /// The second to fourth sort-key attributes of a multi-attribute key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(not(feature = "extras"), serde(skip))]
    pub more_range: Vec<KeyAttribute>,
}

/// A key attribute's value. Only values of one declared type are ever compared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyValue {
    S(String),
    N(Number),
    B(Vec<u8>),
    /// The values of a multi-attribute key, in key-schema order: they compare left to
    /// right, so the entries sharing a prefix are adjacent.
    Tuple(Vec<KeyValue>),
}

impl KeyValue {
    /// The declared type of a single-attribute value; a tuple's is its first attribute's.
    pub fn kind(&self) -> ScalarType {
        match self {
            KeyValue::S(_) => ScalarType::S,
            KeyValue::N(_) => ScalarType::N,
            KeyValue::B(_) => ScalarType::B,
            KeyValue::Tuple(parts) => parts.first().map_or(ScalarType::S, KeyValue::kind),
        }
    }

    /// Bytes as DynamoDB counts them toward the key size limits.
    pub fn size(&self) -> usize {
        match self {
            KeyValue::S(s) => s.len(),
            KeyValue::N(n) => n.size(),
            KeyValue::B(b) => b.len(),
            KeyValue::Tuple(parts) => parts.iter().map(KeyValue::size).sum(),
        }
    }

    /// The bytes the partition hash is computed over, tagged by type so `"1"` and `1` differ;
    /// a tuple's parts each carry their length, so no two tuples run together alike.
    pub fn hash_bytes(&self) -> Vec<u8> {
        match self {
            KeyValue::S(s) => [b"S".as_slice(), s.as_bytes()].concat(),
            KeyValue::N(n) => [b"N".as_slice(), n.to_string().as_bytes()].concat(),
            KeyValue::B(b) => [b"B".as_slice(), b].concat(),
            KeyValue::Tuple(parts) => {
                let mut bytes = b"T".to_vec();
                for part in parts {
                    let part = part.hash_bytes();
                    bytes.extend_from_slice(&(part.len() as u32).to_le_bytes());
                    bytes.extend_from_slice(&part);
                }
                bytes
            }
        }
    }

    /// The value as an attribute; a tuple has none of its own and gives its first part's
    /// (use `KeySchema::key_item` to spell a tuple out attribute by attribute).
    pub fn to_attribute(&self) -> AttributeValue {
        match self {
            KeyValue::S(s) => AttributeValue::S(s.clone()),
            KeyValue::N(n) => AttributeValue::N(*n),
            KeyValue::B(b) => AttributeValue::B(b.clone()),
            KeyValue::Tuple(parts) => parts
                .first()
                .map_or(AttributeValue::Null, KeyValue::to_attribute),
        }
    }

    /// The parts of a tuple, or the value itself as the only part.
    pub fn parts(&self) -> &[KeyValue] {
        match self {
            KeyValue::Tuple(parts) => parts,
            single => std::slice::from_ref(single),
        }
    }

    pub fn from_attribute(value: &AttributeValue) -> Option<KeyValue> {
        match value {
            AttributeValue::S(s) => Some(KeyValue::S(s.clone())),
            AttributeValue::N(n) => Some(KeyValue::N(*n)),
            AttributeValue::B(b) => Some(KeyValue::B(b.clone())),
            _ => None,
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            KeyValue::S(s) => s.is_empty(),
            KeyValue::B(b) => b.is_empty(),
            KeyValue::N(_) => false,
            KeyValue::Tuple(parts) => parts.iter().any(KeyValue::is_empty),
        }
    }

    /// One value for one attribute, or a tuple for several.
    pub fn of_parts(mut parts: Vec<KeyValue>) -> KeyValue {
        match parts.len() {
            1 => parts.pop().expect("one part"),
            _ => KeyValue::Tuple(parts),
        }
    }
}

/// An item's primary key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PrimaryKey {
    pub hash: KeyValue,
    pub range: Option<KeyValue>,
}

impl KeySchema {
    /// A single-attribute partition key and an optional single-attribute sort key.
    pub fn new(hash: KeyAttribute, range: Option<KeyAttribute>) -> Self {
        KeySchema {
            hash,
            range,
            more_hash: Vec::new(),
            more_range: Vec::new(),
        }
    }

    /// The partition-key attributes, in order.
    pub fn hash_attributes(&self) -> impl Iterator<Item = &KeyAttribute> {
        std::iter::once(&self.hash).chain(&self.more_hash)
    }

    /// The sort-key attributes, in order (none without a sort key).
    pub fn range_attributes(&self) -> impl Iterator<Item = &KeyAttribute> {
        self.range.iter().chain(&self.more_range)
    }

    /// Every key attribute, partition key first.
    pub fn attributes(&self) -> impl Iterator<Item = &KeyAttribute> {
        self.hash_attributes().chain(self.range_attributes())
    }

    /// Whether the partition key or the sort key has more than one attribute. Always false
    /// in the page's engine (without the `extras` feature), which cannot make such keys, so
    /// their code is left out of its build.
    pub fn is_multi_attribute(&self) -> bool {
        cfg!(feature = "extras") && (!self.more_hash.is_empty() || !self.more_range.is_empty())
    }

    /// The schema as DynamoDB's `KeySchema` member: each attribute with its key type.
    pub fn elements(&self) -> impl Iterator<Item = (&str, &'static str)> {
        let hash = self.hash_attributes().map(|a| (a.name.as_str(), "HASH"));
        hash.chain(self.range_attributes().map(|a| (a.name.as_str(), "RANGE")))
    }

    /// The names of the key attributes, partition key first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.attributes().map(|a| a.name.as_str())
    }

    pub fn is_key_attribute(&self, name: &str) -> bool {
        self.names().any(|n| n == name)
    }

    /// The key of an item being written (PutItem, BatchWriteItem puts): every key attribute
    /// present with its declared type, non-empty and within the size limits.
    pub fn key_of_item(&self, item: &Item) -> Result<PrimaryKey, DynamoError> {
        let pick = |attr: &KeyAttribute| -> Result<KeyValue, DynamoError> {
            let value = item.get(&attr.name).ok_or_else(|| {
                DynamoError::validation(format!(
                    "One or more parameter values were invalid: Missing the key {} in the item",
                    attr.name
                ))
            })?;
            match KeyValue::from_attribute(value) {
                Some(k) if k.kind() == attr.kind => Ok(k),
                _ => Err(DynamoError::validation(format!(
                    "One or more parameter values were invalid: Type mismatch for key {} expected: {} actual: {}",
                    attr.name,
                    attr.kind.name(),
                    value.type_name()
                ))),
            }
        };
        let key = self.key_with(pick)?;
        self.check_key_values(&key)?;
        Ok(key)
    }

    /// The key made of each attribute's value as `pick` finds it.
    fn key_with(
        &self,
        pick: impl Fn(&KeyAttribute) -> Result<KeyValue, DynamoError>,
    ) -> Result<PrimaryKey, DynamoError> {
        if !self.is_multi_attribute() {
            let range = self.range.as_ref().map(&pick).transpose()?;
            return Ok(PrimaryKey {
                hash: pick(&self.hash)?,
                range,
            });
        }
        self.multi_attribute_key(&pick)
    }

    /// [`Self::key_with`] for a multi-attribute key: each part picked, then the parts as
    /// tuples (one copy of this code, whatever `pick` is).
    fn multi_attribute_key(
        &self,
        pick: &dyn Fn(&KeyAttribute) -> Result<KeyValue, DynamoError>,
    ) -> Result<PrimaryKey, DynamoError> {
        let hash = self.hash_attributes().map(pick).collect::<Result<_, _>>()?;
        let range: Vec<KeyValue> = (self.range_attributes())
            .map(pick)
            .collect::<Result<_, _>>()?;
        Ok(PrimaryKey {
            hash: KeyValue::of_parts(hash),
            range: (!range.is_empty()).then(|| KeyValue::of_parts(range)),
        })
    }

    /// The key named by a request's `Key` (GetItem, DeleteItem, ...): exactly the schema's
    /// attributes with their declared types.
    pub fn key_from_request(&self, key: &Item) -> Result<PrimaryKey, DynamoError> {
        let mismatch =
            || DynamoError::validation("The provided key element does not match the schema");
        if key.len() != self.attributes().count() {
            return Err(mismatch());
        }
        let pick = |attr: &KeyAttribute| -> Result<KeyValue, DynamoError> {
            let value = key.get(&attr.name).ok_or_else(mismatch)?;
            match KeyValue::from_attribute(value) {
                Some(k) if k.kind() == attr.kind => Ok(k),
                _ => Err(mismatch()),
            }
        };
        let key = self.key_with(pick)?;
        self.check_key_values(&key)?;
        Ok(key)
    }

    /// Empty values and the key size limits.
    fn check_key_values(&self, key: &PrimaryKey) -> Result<(), DynamoError> {
        let values = key.hash.parts().iter();
        let values = values.chain(key.range.iter().flat_map(KeyValue::parts));
        for (attr, value) in self.attributes().zip(values) {
            if value.is_empty() {
                let what = if attr.kind == ScalarType::B {
                    "binary"
                } else {
                    "string"
                };
                return Err(DynamoError::validation(format!(
                    "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty {what} value. Key: {}",
                    attr.name
                )));
            }
        }
        if key.hash.size() > MAX_HASH_KEY_BYTES {
            return Err(DynamoError::validation(
                "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes",
            ));
        }
        if key
            .range
            .as_ref()
            .is_some_and(|r| r.size() > MAX_RANGE_KEY_BYTES)
        {
            return Err(DynamoError::validation(
                "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
            ));
        }
        Ok(())
    }

    /// The key as an item holding only the key attributes (for responses and keys).
    pub fn key_item(&self, key: &PrimaryKey) -> Item {
        // Inserted one by one: collecting into a map would sort (and carry a sort's code).
        let mut item = Item::new();
        let values = key.hash.parts().iter();
        let values = values.chain(key.range.iter().flat_map(KeyValue::parts));
        for (attr, value) in self.attributes().zip(values) {
            item.insert(attr.name.clone(), value.to_attribute());
        }
        item
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::item_from_json;

    fn schema() -> KeySchema {
        KeySchema {
            hash: KeyAttribute {
                name: "pk".into(),
                kind: ScalarType::S,
            },
            range: Some(KeyAttribute {
                name: "sk".into(),
                kind: ScalarType::N,
            }),
            more_hash: Vec::new(),
            more_range: Vec::new(),
        }
    }

    #[test]
    fn a_put_item_missing_a_key_attribute_is_rejected() {
        let item = item_from_json(r#"{"pk":{"S":"a"}}"#).unwrap();
        assert_eq!(
            schema().key_of_item(&item).unwrap_err().message,
            "One or more parameter values were invalid: Missing the key sk in the item"
        );
    }

    #[test]
    fn a_put_item_with_the_wrong_key_type_is_rejected() {
        let item = item_from_json(r#"{"pk":{"N":"1"},"sk":{"N":"1"}}"#).unwrap();
        assert_eq!(
            schema().key_of_item(&item).unwrap_err().message,
            "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"
        );
    }

    #[test]
    fn a_request_key_must_match_the_schema_exactly() {
        let extra = item_from_json(r#"{"pk":{"S":"a"},"sk":{"N":"1"},"x":{"S":"y"}}"#).unwrap();
        assert_eq!(
            schema().key_from_request(&extra).unwrap_err().message,
            "The provided key element does not match the schema"
        );
    }

    #[test]
    fn empty_string_keys_are_rejected() {
        let item = item_from_json(r#"{"pk":{"S":""},"sk":{"N":"1"}}"#).unwrap();
        assert!(
            schema()
                .key_of_item(&item)
                .unwrap_err()
                .message
                .contains("empty string value. Key: pk")
        );
    }

    #[test]
    fn partition_keys_over_2048_bytes_are_rejected() {
        let json = format!(
            r#"{{"pk":{{"S":"{}"}},"sk":{{"N":"1"}}}}"#,
            "x".repeat(2049)
        );
        let item = item_from_json(&json).unwrap();
        assert!(
            schema()
                .key_of_item(&item)
                .unwrap_err()
                .message
                .contains("limit of2048 bytes")
        );
    }

    #[test]
    fn number_sort_keys_order_numerically() {
        let a = KeyValue::N(Number::parse("9").unwrap());
        let b = KeyValue::N(Number::parse("10").unwrap());
        assert!(a < b);
        assert!(KeyValue::S("B".into()) < KeyValue::S("a".into()));
    }
}
