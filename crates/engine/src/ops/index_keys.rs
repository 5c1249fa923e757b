//! UpdateItem's rules for the key attributes of secondary indexes. An update may write
//! an index key only whole: a document path into one (`d[1]`, `d.b`), written or read, is
//! refused before anything runs. A value whose type the request itself fixes (a literal,
//! a sum, an appended list, an ADD) is checked against the index's declared type before
//! the update runs, with the same "Type mismatch for Index Key" words as PutItem; a value
//! copied from the item (`SET c = e`, `if_not_exists`) is only known once the update has
//! run, and DynamoDB words that case as an update "to unsupported type".

use crate::error::DynamoError;
use crate::expr::{Path, SetValue, Update, UpdateOperand};
use crate::key::ScalarType;
use crate::table::Table;
use crate::value::{AttributeValue, Item};

/// The index key attributes of `table` that are not also the table's own key, each with
/// its declared type and the first index that uses it.
fn index_keys(table: &Table) -> Vec<(&str, ScalarType, &str)> {
    let schema = table.key_schema();
    let mut keys: Vec<(&str, ScalarType, &str)> = Vec::new();
    for index in &table.definition.indexes {
        for attribute in index.key_schema.attributes() {
            let name = attribute.name.as_str();
            if !schema.is_key_attribute(name) && !keys.iter().any(|(n, _, _)| *n == name) {
                keys.push((name, attribute.kind, index.name.as_str()));
            }
        }
    }
    keys
}

/// Checks made before the update runs: document paths into index keys, and values whose
/// type the request fixes.
pub fn check_before(update: &Update, table: &Table) -> Result<(), DynamoError> {
    let keys = index_keys(table);
    if keys.is_empty() {
        return Ok(());
    }
    if let Some(path) = all_paths(update)
        .into_iter()
        .find(|p| !p.is_top_level() && keys.iter().any(|(n, _, _)| *n == p.top()))
    {
        return Err(DynamoError::validation(format!(
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: {}",
            path.top()
        )));
    }
    let fixed = update
        .set
        .iter()
        .map(|action| (&action.path, fixed_type(&action.value)))
        .chain(
            update
                .add
                .iter()
                .map(|(path, value)| (path, Some(value.type_name()))),
        );
    for (path, kind) in fixed {
        let (Some(kind), true) = (kind, path.is_top_level()) else {
            continue;
        };
        let Some((name, expected, index)) = keys.iter().find(|(n, _, _)| *n == path.top()) else {
            continue;
        };
        if kind != expected.name() {
            return Err(DynamoError::validation(format!(
                "One or more parameter values were invalid: Type mismatch for Index Key {name} Expected: {} Actual: {kind} IndexName: {index}",
                expected.name()
            )));
        }
    }
    Ok(())
}

/// The check made once the update has run: an index key set from a value the request
/// does not fix must still have the index's type.
pub fn check_after(update: &Update, table: &Table, new: &Item) -> Result<(), DynamoError> {
    let keys = index_keys(table);
    for action in update
        .set
        .iter()
        .filter(|a| a.path.is_top_level() && fixed_type(&a.value).is_none())
    {
        let Some((name, expected, _)) = keys.iter().find(|(n, _, _)| *n == action.path.top())
        else {
            continue;
        };
        let Some(value) = new.get(*name) else {
            continue;
        };
        if value.type_name() != expected.name() {
            return Err(DynamoError::validation(
                "The update expression attempted to update the secondary index key to unsupported type",
            ));
        }
    }
    Ok(())
}

/// The type a SET value has whatever the item holds, when the request fixes it.
fn fixed_type(value: &SetValue) -> Option<&'static str> {
    match value {
        SetValue::Plus(..) | SetValue::Minus(..) => Some("N"),
        SetValue::Operand(operand) => operand_type(operand),
    }
}

fn operand_type(operand: &UpdateOperand) -> Option<&'static str> {
    match operand {
        UpdateOperand::Value(value) => Some(value.type_name()),
        UpdateOperand::ListAppend(..) => Some(AttributeValue::L(Vec::new()).type_name()),
        UpdateOperand::Path(_) | UpdateOperand::IfNotExists(..) => None,
    }
}

/// Every document path the update writes or reads, in clause order.
fn all_paths(update: &Update) -> Vec<&Path> {
    let mut paths = Vec::new();
    for action in &update.set {
        paths.push(&action.path);
        match &action.value {
            SetValue::Operand(operand) => operand_paths(operand, &mut paths),
            SetValue::Plus(a, b) | SetValue::Minus(a, b) => {
                operand_paths(a, &mut paths);
                operand_paths(b, &mut paths);
            }
        }
    }
    paths.extend(&update.remove);
    paths.extend(
        update
            .add
            .iter()
            .chain(&update.delete)
            .map(|(path, _)| path),
    );
    paths
}

fn operand_paths<'u>(operand: &'u UpdateOperand, paths: &mut Vec<&'u Path>) {
    match operand {
        UpdateOperand::Path(path) => paths.push(path),
        UpdateOperand::Value(_) => {}
        UpdateOperand::IfNotExists(path, fallback) => {
            paths.push(path);
            operand_paths(fallback, paths);
        }
        UpdateOperand::ListAppend(a, b) => {
            operand_paths(a, paths);
            operand_paths(b, paths);
        }
    }
}
