//! [`ModelError`]: why a model, an import or a link was refused, naming what is wrong and
//! where (`tables[0].GlobalSecondaryIndexes[1].IndexName`), so a user can find it.

use std::fmt;

/// A refused model, file or link: where the problem is and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    /// Where in the input: a path such as `DataModel[0].KeyAttributes.PartitionKey`, or
    /// empty when the input as a whole is wrong.
    pub location: String,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl ModelError {
    /// An error at `location`.
    pub fn at(location: impl Into<String>, message: impl Into<String>) -> Self {
        ModelError {
            location: location.into(),
            message: message.into(),
        }
    }

    /// An error about the input as a whole.
    pub fn whole(message: impl Into<String>) -> Self {
        ModelError::at("", message)
    }

    /// The same error one level further in: `prefix` goes before the location.
    pub fn within(self, prefix: &str) -> Self {
        let location = match (prefix.is_empty(), self.location.is_empty()) {
            (true, _) => self.location,
            (false, true) => prefix.to_owned(),
            (false, false) if self.location.starts_with('[') => {
                format!("{prefix}{}", self.location)
            }
            (false, false) => format!("{prefix}.{}", self.location),
        };
        ModelError { location, ..self }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.location, self.message)
        }
    }
}

impl std::error::Error for ModelError {}
