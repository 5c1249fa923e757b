//! Design advice about an access pattern that needs no data to give: a Scan, and an index
//! that projects less than the pattern reads (a global index cannot fetch what it does not
//! project; a local index fetches it from the table at extra read cost).

use crate::model::{AccessPattern, Operation, TableSpec};

/// Warnings about `pattern` on `table`, as sentences.
pub fn pattern_warnings(table: &TableSpec, pattern: &AccessPattern) -> Vec<String> {
    let mut warnings = Vec::new();
    if pattern.operation == Operation::Scan {
        warnings.push(
            "A Scan reads every item of the table or index and is charged for all of it, whatever the filter keeps.".to_owned(),
        );
    }
    let Some((index, global)) = pattern.index.as_deref().and_then(|name| table.index(name)) else {
        return warnings;
    };
    let projected = |attribute: &str| {
        index.projection.projection_type == "ALL"
            || table
                .key_schema
                .iter()
                .chain(&index.key_schema)
                .any(|k| k.attribute_name == attribute)
            || (index.projection.projection_type == "INCLUDE"
                && index
                    .projection
                    .non_key_attributes
                    .iter()
                    .any(|a| a == attribute))
    };
    let missing: Vec<&str> = pattern
        .projection
        .iter()
        .map(String::as_str)
        .filter(|a| !projected(a))
        .collect();
    if missing.is_empty() {
        return warnings;
    }
    warnings.push(if global {
        format!(
            "The global index {} projects {}, not {}: a query of it cannot return them (read them from the table with GetItem).",
            index.index_name,
            index.projection.projection_type,
            missing.join(", ")
        )
    } else {
        format!(
            "The local index {} does not project {}: DynamoDB fetches them from the table, and each fetch costs a full read of the item.",
            index.index_name,
            missing.join(", ")
        )
    });
    warnings
}
