//! Primary keys: a table's key schema, the scalar types key attributes may have, and the
//! key values pulled out of items and requests with DynamoDB's validation and messages.
//! Key values order the way DynamoDB orders sort keys: numbers numerically, strings and
//! binary by unsigned bytes.

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

/// A partition key and an optional sort key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySchema {
    pub hash: KeyAttribute,
    pub range: Option<KeyAttribute>,
}

/// A key attribute's value. Only values of one declared type are ever compared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyValue {
    S(String),
    N(Number),
    B(Vec<u8>),
}

impl KeyValue {
    pub fn kind(&self) -> ScalarType {
        match self {
            KeyValue::S(_) => ScalarType::S,
            KeyValue::N(_) => ScalarType::N,
            KeyValue::B(_) => ScalarType::B,
        }
    }

    /// Bytes as DynamoDB counts them toward the key size limits.
    pub fn size(&self) -> usize {
        match self {
            KeyValue::S(s) => s.len(),
            KeyValue::N(n) => n.size(),
            KeyValue::B(b) => b.len(),
        }
    }

    /// The bytes the partition hash is computed over, tagged by type so `"1"` and `1` differ.
    pub fn hash_bytes(&self) -> Vec<u8> {
        match self {
            KeyValue::S(s) => [b"S".as_slice(), s.as_bytes()].concat(),
            KeyValue::N(n) => [b"N".as_slice(), n.to_string().as_bytes()].concat(),
            KeyValue::B(b) => [b"B".as_slice(), b].concat(),
        }
    }

    pub fn to_attribute(&self) -> AttributeValue {
        match self {
            KeyValue::S(s) => AttributeValue::S(s.clone()),
            KeyValue::N(n) => AttributeValue::N(*n),
            KeyValue::B(b) => AttributeValue::B(b.clone()),
        }
    }

    fn from_attribute(value: &AttributeValue) -> Option<KeyValue> {
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
    /// The names of the key attributes, partition key first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.hash.name.as_str()).chain(self.range.as_ref().map(|r| r.name.as_str()))
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
        let key = PrimaryKey {
            hash: pick(&self.hash)?,
            range: self.range.as_ref().map(pick).transpose()?,
        };
        self.check_key_values(&key)?;
        Ok(key)
    }

    /// The key named by a request's `Key` (GetItem, DeleteItem, ...): exactly the schema's
    /// attributes with their declared types.
    pub fn key_from_request(&self, key: &Item) -> Result<PrimaryKey, DynamoError> {
        let mismatch =
            || DynamoError::validation("The provided key element does not match the schema");
        let expected = 1 + self.range.is_some() as usize;
        if key.len() != expected {
            return Err(mismatch());
        }
        let pick = |attr: &KeyAttribute| -> Result<KeyValue, DynamoError> {
            let value = key.get(&attr.name).ok_or_else(mismatch)?;
            match KeyValue::from_attribute(value) {
                Some(k) if k.kind() == attr.kind => Ok(k),
                _ => Err(mismatch()),
            }
        };
        let key = PrimaryKey {
            hash: pick(&self.hash)?,
            range: self.range.as_ref().map(pick).transpose()?,
        };
        self.check_key_values(&key)?;
        Ok(key)
    }

    /// Empty values and the key size limits.
    fn check_key_values(&self, key: &PrimaryKey) -> Result<(), DynamoError> {
        let parts = std::iter::once((&self.hash, &key.hash))
            .chain(self.range.as_ref().zip(key.range.as_ref()));
        for (attr, value) in parts {
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
        let mut item = Item::new();
        item.insert(self.hash.name.clone(), key.hash.to_attribute());
        if let (Some(attr), Some(value)) = (&self.range, &key.range) {
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
