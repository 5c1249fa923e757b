//! Statements to DynamoDB API requests. Nothing here reads or writes items: each statement
//! becomes the Query, Scan, GetItem, PutItem, UpdateItem, DeleteItem or ConditionCheck
//! request DynamoDB itself would run, with expression text over generated placeholders
//! (`#n0`, `:v0`), so the engine's operations apply every rule, evaluate every condition
//! and charge every capacity unit as they always do.
//!
//! How statements map:
//! - `SELECT` whose WHERE fixes the partition key by equality (on the table or the named
//!   index) is one Query per partition-key value: `pk = v`, `pk IN [...]`, and top-level
//!   ORs of such branches. One ANDed condition on the sort key (`= < <= > >=`, `BETWEEN`,
//!   `begins_with`) joins the key condition; the rest of the branch is the FilterExpression.
//!   Anything else (no partition-key equality, or leftover terms that name a key attribute,
//!   which a Query filter may not) is one Scan filtered by the whole WHERE.
//! - `INSERT` is PutItem conditioned on `attribute_not_exists(pk)`; its conditional failure
//!   is DynamoDB's DuplicateItemException (see [`super::is_duplicate_item`]).
//! - `UPDATE` is UpdateItem on the key the WHERE fixes, conditioned on `attribute_exists(pk)`
//!   AND the other WHERE terms; `set_add`/`set_delete` become ADD/DELETE.
//! - `DELETE` is DeleteItem on that key; other WHERE terms hold only if the item exists
//!   (`attribute_not_exists(pk) OR ...`), since deleting a missing item is a silent no-op.
//! - `EXISTS(SELECT ...)` is a ConditionCheck: the item exists AND the other terms hold.
//! - In BatchExecuteStatement and ExecuteTransaction a `SELECT` must name exactly the
//!   primary key and becomes GetItem / a TransactGetItems `Get`.
//!
//! Here: the plans, [`translate`] and [`translate_for`], and the checks made before the
//! table is looked up. The translator's work is spread by job: `values` (literals and
//! parameters), `builder` (placeholders, paths), `expressions` (condition, update and
//! projection text), `keys` (the key a WHERE fixes), `branches` (the partitions a SELECT
//! reads), `reads` (SELECT, EXISTS), `writes` (INSERT, UPDATE, DELETE) and `unnest` (result
//! shaping).

mod branches;
mod builder;
mod expressions;
mod keys;
mod reads;
#[cfg(test)]
pub(crate) mod tests;
mod unnest;
mod values;
mod writes;

pub use unnest::unnest;

use serde_json::{Value, json};

use crate::error::DynamoError;
use crate::expr::Path as DocPath;
use crate::value::{AttributeValue, Item};

use super::ast::*;
use super::{TableShape, Usage, validation};
use builder::Builder;
use values::Values;

pub(crate) const PARAMETER_COUNT: &str =
    "Number of parameters in request and statement don't match.";
pub(crate) const MANDATORY_KEY: &str =
    "Where clause does not contain a mandatory equality on all key attributes";
pub(crate) const EXISTS_SHAPE: &str =
    "EXISTS() must contain a single item read with additional condition";
pub(crate) const EXISTS_OUTSIDE_TRANSACTION: &str =
    "EXISTS can only be used in ExecuteTransaction write requests.";
pub(crate) const BATCH_SELECT: &str = "Only single item select is supported";
pub(crate) const TRANSACTION_SELECT: &str =
    "Select statements within ExecuteTransaction must specify the primary key in the where clause.";
pub(crate) const TRANSACTION_INDEX_READ: &str =
    "Reads on indices are not supported within transactions.";
pub(crate) const TRANSACTION_INDEX_CHECK: &str =
    "Operations on indices are not supported in transactions";
pub(crate) const NOT_BOOLEAN: &str =
    "WHERE clause must contain an expression that resolves to a boolean";
pub(crate) const AND_OR_OPERANDS: &str = "The arguments to AND/OR must be Expressions";
pub(crate) const NOT_OPERAND: &str = "The argument to NOT must be a Type or Expression";
pub(crate) const MISSING_COMPARED: &str = "MISSING must be compared using IS operator";
pub(crate) const IN_OPERANDS: &str = "IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq with at least one member";
pub(crate) const IS_OPERAND: &str =
    "The left hand side argument to IS must be a Variable Reference, Literal, or Path";
pub(crate) const IS_IN_UPDATE: &str = "IS operator is not supported in update expressions";
pub(crate) const EMPTY_BAG: &str = "Empty bags are not supported";
pub(crate) const BAG_TYPES: &str =
    "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags";
pub(crate) const EMPTY_PATH_COMPONENT: &str = "Path component cannot be an empty string";
pub(crate) const ORDER_BY_WITHOUT_WHERE: &str =
    "Must have WHERE clause in the statement when using ORDER BY clause.";
pub(crate) const ORDER_BY_WITHOUT_HASH: &str = "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.";
pub(crate) const ORDER_BY_MANY_HASHES: &str = "Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause.";
pub(crate) const OVERLAPPING_RANGES: &str =
    "Overlapping conditions with range keys are not supported in where clause";
pub(crate) const TOO_MANY_READS: &str = "Too many decomposed read operations for a given query.";
pub(crate) const INSERT_NOT_STRUCT: &str = "Unsupported format in item expression. Please use struct format {...} to express item values for insert statement.";
pub(crate) const TABLE_NAME: &str = "Table name should be within the length [3, 255] and only contain 'a-z', 'A-Z', '0-9', '-', '_', '.'.";

/// Most Queries one SELECT decomposes into.
pub const MAX_DECOMPOSED_READS: usize = 100;

/// What to run for one statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Translation {
    /// A SELECT in ExecuteStatement.
    Read(ReadPlan),
    /// A SELECT in BatchExecuteStatement or ExecuteTransaction: one item by its key.
    Get(GetPlan),
    /// INSERT, UPDATE or DELETE.
    Write(WritePlan),
    /// EXISTS(...) in ExecuteTransaction.
    Check(CheckPlan),
}

#[cfg(test)]
impl Translation {
    /// The table the statement names.
    pub fn table(&self) -> &str {
        match self {
            Translation::Read(p) => &p.table,
            Translation::Get(p) => &p.table,
            Translation::Write(p) => &p.table,
            Translation::Check(p) => &p.table,
        }
    }
}

/// A SELECT as Query or Scan requests: run them in order and concatenate their items.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadPlan {
    pub table: String,
    pub index: Option<String>,
    /// Each `(operation, request)`: `"Query"` requests (one per partition read), or a single
    /// `"Scan"`.
    pub requests: Vec<(&'static str, Value)>,
    /// The paths the statement selects; `None` for `SELECT *`.
    pub projection: Option<Vec<DocPath>>,
}

impl ReadPlan {
    /// An item as ExecuteStatement returns it: each selected path's value under its last
    /// name (see [`unnest`]).
    pub fn shape_item(&self, item: &Item) -> Item {
        match &self.projection {
            Some(paths) => unnest(item, paths),
            None => item.clone(),
        }
    }
}

/// A single-item SELECT: a GetItem request body (also a TransactGetItems `Get`).
#[derive(Debug, Clone, PartialEq)]
pub struct GetPlan {
    pub table: String,
    pub request: Value,
    pub projection: Option<Vec<DocPath>>,
}

impl GetPlan {
    /// The TransactGetItems member: `{"Get": {...}}`.
    pub fn transact_item(&self) -> Value {
        json!({ "Get": self.request })
    }

    pub fn shape_item(&self, item: &Item) -> Item {
        match &self.projection {
            Some(paths) => unnest(item, paths),
            None => item.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    Insert,
    Update,
    Delete,
}

/// An INSERT, UPDATE or DELETE as one PutItem, UpdateItem or DeleteItem request.
#[derive(Debug, Clone, PartialEq)]
pub struct WritePlan {
    pub kind: WriteKind,
    pub table: String,
    /// `"PutItem"`, `"UpdateItem"` or `"DeleteItem"`.
    pub operation: &'static str,
    pub request: Value,
    /// The RETURNING clause (already in the request as `ReturnValues`).
    pub returning: Option<Returning>,
}

impl WritePlan {
    /// The TransactWriteItems member (`Put`, `Update` or `Delete`), without ReturnValues,
    /// which transactions do not take.
    pub fn transact_item(&self) -> Value {
        let mut body = self.request.clone();
        if let Some(object) = body.as_object_mut() {
            object.remove("ReturnValues");
        }
        let member = match self.kind {
            WriteKind::Insert => "Put",
            WriteKind::Update => "Update",
            WriteKind::Delete => "Delete",
        };
        json!({ member: body })
    }
}

/// EXISTS(...): a TransactWriteItems `ConditionCheck` body.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckPlan {
    pub table: String,
    pub request: Value,
}

impl CheckPlan {
    pub fn transact_item(&self) -> Value {
        json!({ "ConditionCheck": self.request })
    }
}

/// Translates a statement for ExecuteStatement.
#[cfg(test)]
pub fn translate(
    statement: &Statement,
    parameters: &[AttributeValue],
    schema: &dyn Fn(&str) -> Option<TableShape>,
) -> Result<Translation, DynamoError> {
    translate_for(Usage::Statement, statement, parameters, schema)
}

/// Translates a statement for the API it arrived in.
pub fn translate_for(
    usage: Usage,
    statement: &Statement,
    parameters: &[AttributeValue],
    schema: &dyn Fn(&str) -> Option<TableShape>,
) -> Result<Translation, DynamoError> {
    if matches!(statement, Statement::Exists(_)) && usage != Usage::Transaction {
        return Err(validation(EXISTS_OUTSIDE_TRANSACTION));
    }
    if count_parameters(statement) != parameters.len() {
        return Err(validation(PARAMETER_COUNT));
    }
    let values = Values { params: parameters };
    // Judge what needs no table first, as DynamoDB does: a bad literal or expression is
    // reported even when the table does not exist.
    precheck(&values, statement)?;
    let t = Translator { values: &values };
    match statement {
        Statement::Select(select) => {
            let shape = lookup(schema, &select.from.table)?;
            match usage {
                Usage::Statement => t.select(select, &shape).map(Translation::Read),
                Usage::Batch | Usage::Transaction => {
                    t.get(usage, select, &shape).map(Translation::Get)
                }
            }
        }
        Statement::Exists(select) => {
            if select.from.index.is_some() {
                return Err(validation(TRANSACTION_INDEX_CHECK));
            }
            let shape = lookup(schema, &select.from.table)?;
            t.check(select, &shape).map(Translation::Check)
        }
        Statement::Insert(insert) => {
            let item = t.insert_item(&insert.value)?;
            let shape = lookup(schema, &insert.table)?;
            t.insert(insert, item, &shape).map(Translation::Write)
        }
        Statement::Update(update) => {
            let shape = lookup(schema, &update.table)?;
            t.update(update, &shape).map(Translation::Write)
        }
        Statement::Delete(delete) => {
            let shape = lookup(schema, &delete.table)?;
            t.delete(delete, &shape).map(Translation::Write)
        }
    }
}

fn lookup(
    schema: &dyn Fn(&str) -> Option<TableShape>,
    table: &str,
) -> Result<TableShape, DynamoError> {
    let valid = (3..=255).contains(&table.len())
        && table
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !valid {
        return Err(validation(TABLE_NAME));
    }
    schema(table).ok_or_else(DynamoError::resource_not_found)
}

/// How many `?` the statement holds (they are numbered 1..=n as parsed).
pub fn count_parameters(statement: &Statement) -> usize {
    fn walk(e: &Expr, most: &mut usize) {
        match &e.kind {
            ExprKind::Param(n) => *most = (*most).max(*n),
            ExprKind::List(items)
            | ExprKind::Bag(items)
            | ExprKind::And(items)
            | ExprKind::Or(items) => {
                items.iter().for_each(|i| walk(i, most));
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|i| walk(i, most)),
            ExprKind::Struct(fields) => fields.iter().for_each(|(k, v)| {
                walk(k, most);
                walk(v, most);
            }),
            ExprKind::Compare(_, l, r) => {
                walk(l, most);
                walk(r, most);
            }
            ExprKind::Between {
                operand, low, high, ..
            } => {
                walk(operand, most);
                walk(low, most);
                walk(high, most);
            }
            ExprKind::In { operand, rhs, .. } => {
                walk(operand, most);
                walk(rhs, most);
            }
            ExprKind::Is { operand, .. } | ExprKind::Not(operand) | ExprKind::Negate(operand) => {
                walk(operand, most)
            }
            ExprKind::Arith(first, rest) => {
                walk(first, most);
                rest.iter().for_each(|(_, e)| walk(e, most));
            }
            ExprKind::Path(_)
            | ExprKind::Literal(_)
            | ExprKind::Like { .. }
            | ExprKind::BadPath { .. }
            | ExprKind::Star => {}
        }
    }
    let mut most = 0;
    let mut visit = |e: &Expr| walk(e, &mut most);
    match statement {
        Statement::Select(s) | Statement::Exists(s) => {
            if let Projection::Items(items) = &s.projection {
                items.iter().for_each(&mut visit);
            }
            s.where_clause.iter().for_each(&mut visit);
            s.order_by.iter().for_each(|o| visit(&o.key));
        }
        Statement::Insert(i) => visit(&i.value),
        Statement::Update(u) => {
            for action in &u.actions {
                match action {
                    Action::Set { target, value } => {
                        visit(target);
                        visit(value);
                    }
                    Action::Remove(target) => visit(target),
                }
            }
            u.where_clause.iter().for_each(&mut visit);
        }
        Statement::Delete(d) => d.where_clause.iter().for_each(&mut visit),
    }
    most
}

/// Converts everything that can be judged without the table, discarding the results.
fn precheck(values: &Values, statement: &Statement) -> Result<(), DynamoError> {
    let t = Translator { values };
    let mut scratch = Builder::default();
    match statement {
        Statement::Select(s) | Statement::Exists(s) => {
            t.projection(&s.projection, &mut scratch)?;
            if let Some(w) = &s.where_clause {
                t.where_text(w, &mut scratch)?;
            }
        }
        Statement::Insert(i) => {
            t.insert_item(&i.value)?;
        }
        Statement::Update(u) => {
            if let Some(w) = &u.where_clause {
                t.where_text(w, &mut scratch)?;
            }
            t.update_text(&u.actions, &mut scratch)?;
        }
        Statement::Delete(d) => {
            if let Some(w) = &d.where_clause {
                t.where_text(w, &mut scratch)?;
            }
        }
    }
    Ok(())
}

/// Statements to requests, over one request's values. Its methods live with their job:
/// `expressions`, `keys`, `branches`, `reads` and `writes`.
struct Translator<'v> {
    values: &'v Values<'v>,
}
