//! ExpressionAttributeNames and ExpressionAttributeValues for one request. A request's
//! expressions (condition, update, filter, key condition, projection) all draw on the same
//! two maps, and DynamoDB refuses a request that supplies a placeholder none of them uses,
//! so one [`Substitutions`] is shared by every parse of the request and [`finish`] is called
//! after the last one.
//!
//! [`finish`]: Substitutions::finish

use std::collections::{BTreeMap, BTreeSet};

use crate::error::DynamoError;
use crate::value::{AttributeValue, Item};

/// The placeholder maps of one request and which placeholders its expressions used.
#[derive(Debug, Default)]
pub struct Substitutions<'a> {
    names: Option<&'a BTreeMap<String, String>>,
    values: Option<&'a Item>,
    used_names: BTreeSet<String>,
    used_values: BTreeSet<String>,
}

/// Whether `key` is `prefix` followed by one or more letters, digits or underscores.
fn is_placeholder(key: &str, prefix: char) -> bool {
    key.strip_prefix(prefix).is_some_and(|rest| {
        !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

fn check_keys<'k>(
    keys: impl Iterator<Item = &'k String>,
    prefix: char,
    map: &str,
) -> Result<(), DynamoError> {
    for key in keys {
        if !is_placeholder(key, prefix) {
            return Err(DynamoError::validation(format!(
                "{map} contains invalid key: Syntax error; key: \"{key}\""
            )));
        }
    }
    Ok(())
}

impl<'a> Substitutions<'a> {
    /// Checks the maps as DynamoDB does before reading any expression: neither may be
    /// present but empty, and every key must be a well-formed `#name` or `:value`.
    pub fn new(
        names: Option<&'a BTreeMap<String, String>>,
        values: Option<&'a Item>,
    ) -> Result<Self, DynamoError> {
        if let Some(names) = names {
            if names.is_empty() {
                return Err(DynamoError::validation(
                    "ExpressionAttributeNames must not be empty",
                ));
            }
            check_keys(names.keys(), '#', "ExpressionAttributeNames")?;
        }
        if let Some(values) = values {
            if values.is_empty() {
                return Err(DynamoError::validation(
                    "ExpressionAttributeValues must not be empty",
                ));
            }
            check_keys(values.keys(), ':', "ExpressionAttributeValues")?;
        }
        Ok(Substitutions {
            names,
            values,
            ..Default::default()
        })
    }

    /// No placeholders at all.
    #[cfg(test)]
    pub fn none() -> Substitutions<'static> {
        Substitutions::default()
    }

    /// The attribute name `#placeholder` stands for, marking it used.
    pub(crate) fn name(&mut self, placeholder: &str) -> Option<&'a str> {
        let name = self.names?.get(placeholder)?;
        self.used_names.insert(placeholder.to_owned());
        Some(name)
    }

    /// The value `:placeholder` stands for, marking it used.
    pub(crate) fn value(&mut self, placeholder: &str) -> Option<&'a AttributeValue> {
        let value = self.values?.get(placeholder)?;
        self.used_values.insert(placeholder.to_owned());
        Some(value)
    }

    /// Refuses placeholders that no expression of the request used.
    pub fn finish(&self) -> Result<(), DynamoError> {
        if let Some(names) = self.names {
            unused(names.keys(), &self.used_names, "ExpressionAttributeNames")?;
        }
        if let Some(values) = self.values {
            unused(
                values.keys(),
                &self.used_values,
                "ExpressionAttributeValues",
            )?;
        }
        Ok(())
    }
}

fn unused<'k>(
    keys: impl Iterator<Item = &'k String>,
    used: &BTreeSet<String>,
    map: &str,
) -> Result<(), DynamoError> {
    let unused: Vec<&str> = keys
        .filter(|k| !used.contains(*k))
        .map(String::as_str)
        .collect();
    if unused.is_empty() {
        return Ok(());
    }
    Err(DynamoError::validation(format!(
        "Value provided in {map} unused in expressions: keys: {{{}}}",
        unused.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn values(keys: &[&str]) -> Item {
        keys.iter()
            .map(|k| (k.to_string(), AttributeValue::Null))
            .collect()
    }

    fn message(r: Result<impl std::fmt::Debug, DynamoError>) -> String {
        r.unwrap_err().message
    }

    #[test]
    fn empty_placeholder_maps_are_refused_names_first() {
        let (n, v) = (names(&[]), values(&[]));
        assert_eq!(
            message(Substitutions::new(Some(&n), Some(&v))),
            "ExpressionAttributeNames must not be empty"
        );
        assert_eq!(
            message(Substitutions::new(None, Some(&v))),
            "ExpressionAttributeValues must not be empty"
        );
    }

    #[test]
    fn placeholder_keys_must_be_well_formed() {
        let n = names(&[("a", "a")]);
        let v = values(&[]);
        assert_eq!(
            message(Substitutions::new(Some(&n), Some(&v))),
            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"a\""
        );
        let v = values(&["b"]);
        assert_eq!(
            message(Substitutions::new(None, Some(&v))),
            "ExpressionAttributeValues contains invalid key: Syntax error; key: \"b\""
        );
        for bad in ["#", "#a-b", "#a b", ":x"] {
            let n = names(&[(bad, "x")]);
            assert!(Substitutions::new(Some(&n), None).is_err(), "{bad}");
        }
        let n = names(&[("#1", "x"), ("#_", "y"), ("#aB_9", "z")]);
        assert!(Substitutions::new(Some(&n), None).is_ok());
    }

    #[test]
    fn unused_placeholders_are_listed_in_order() {
        let n = names(&[("#a", "x"), ("#b", "y"), ("#c", "z")]);
        let v = values(&[":v", ":w"]);
        let mut subs = Substitutions::new(Some(&n), Some(&v)).unwrap();
        assert_eq!(subs.name("#b"), Some("y"));
        assert_eq!(subs.name("#zz"), None);
        assert_eq!(
            message(subs.finish()),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #c}"
        );
        subs.name("#a");
        subs.name("#c");
        subs.value(":w");
        assert_eq!(
            message(subs.finish()),
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}"
        );
        subs.value(":v");
        assert!(subs.finish().is_ok());
        assert!(Substitutions::none().finish().is_ok());
    }
}
