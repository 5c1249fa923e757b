//! Request rules shared by operations, with DynamoDB's wording. Constraint failures are
//! collected and reported together, as DynamoDB does: "2 validation errors detected: Value
//! null at 'tableName' failed to satisfy constraint: Member must not be null; ...".

use crate::error::DynamoError;

/// Collects constraint failures for one request.
#[derive(Debug, Default)]
pub struct Violations(Vec<String>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a failure of `value` (already quoted, or `null`) at `field`.
    pub fn push(&mut self, value: &str, field: &str, constraint: &str) {
        self.0.push(format!(
            "Value {value} at '{field}' failed to satisfy constraint: {constraint}"
        ));
    }

    pub fn not_null<T>(&mut self, field: &str, value: &Option<T>) {
        if value.is_none() {
            self.push("null", field, "Member must not be null");
        }
    }

    /// A table or index name: 3 to 255 characters of `[a-zA-Z0-9_.-]`.
    pub fn table_name(&mut self, field: &str, name: Option<&str>) {
        let Some(name) = name else {
            return self.not_null::<()>(field, &None);
        };
        // A table's ARN stands for its name (one this engine does not know reaches the
        // lookup and is not found there).
        if name.starts_with("arn:") && name.len() <= 1024 {
            return;
        }
        let quoted = format!("'{name}'");
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        {
            self.push(
                &quoted,
                field,
                "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
            );
        }
        let length = name.chars().count();
        if length < 3 {
            self.push(
                &quoted,
                field,
                "Member must have length greater than or equal to 3",
            );
        }
        if length > 255 {
            self.push(
                &quoted,
                field,
                "Member must have length less than or equal to 255",
            );
        }
    }

    /// A member that must be one of `allowed` (listed as DynamoDB lists them).
    pub fn one_of(&mut self, field: &str, value: Option<&str>, allowed: &[&str]) {
        if let Some(value) = value
            && !allowed.contains(&value)
        {
            self.push(
                &format!("'{value}'"),
                field,
                &format!(
                    "Member must satisfy enum value set: [{}]",
                    allowed.join(", ")
                ),
            );
        }
    }

    /// A number that must be at least `min`.
    pub fn at_least(&mut self, field: &str, value: Option<i64>, min: i64) {
        if let Some(v) = value
            && v < min
        {
            self.push(
                &format!("'{v}'"),
                field,
                &format!("Member must have value greater than or equal to {min}"),
            );
        }
    }

    /// A number that must be at most `max`.
    pub fn at_most(&mut self, field: &str, value: Option<i64>, max: i64) {
        if let Some(v) = value
            && v > max
        {
            self.push(
                &format!("'{v}'"),
                field,
                &format!("Member must have value less than or equal to {max}"),
            );
        }
    }

    /// Ok, or one ValidationException listing every failure.
    pub fn finish(self) -> Result<(), DynamoError> {
        match self.0.len() {
            0 => Ok(()),
            n => Err(DynamoError::validation(format!(
                "{n} validation error{} detected: {}",
                if n == 1 { "" } else { "s" },
                self.0.join("; ")
            ))),
        }
    }
}

/// `ReturnConsumedCapacity`: how much capacity detail a response carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReturnCapacity {
    #[default]
    None,
    Total,
    Indexes,
}

impl ReturnCapacity {
    pub const ALLOWED: &[&str] = &["INDEXES", "TOTAL", "NONE"];

    pub fn check(violations: &mut Violations, value: Option<&str>) {
        violations.one_of("returnConsumedCapacity", value, Self::ALLOWED);
    }

    /// Reads an already-checked value.
    pub fn from_wire(value: Option<&str>) -> Self {
        match value {
            Some("TOTAL") => ReturnCapacity::Total,
            Some("INDEXES") => ReturnCapacity::Indexes,
            _ => ReturnCapacity::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_table_name_is_one_validation_error() {
        let mut v = Violations::new();
        v.table_name("tableName", None);
        assert_eq!(
            v.finish().unwrap_err().message,
            "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn several_failures_are_reported_together() {
        let mut v = Violations::new();
        v.table_name("tableName", Some("a;"));
        let message = v.finish().unwrap_err().message;
        assert!(
            message.starts_with("2 validation errors detected: Value 'a;' at 'tableName'"),
            "{message}"
        );
        assert!(message.contains("regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a;'"));
    }
}
