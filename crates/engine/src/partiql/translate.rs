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

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value, json};

use crate::error::DynamoError;
use crate::expr::{Path as DocPath, PathElement};
use crate::key::{KeySchema, ScalarType};
use crate::number::Number;
use crate::value::{AttributeValue, Item};

use super::ast::*;
use super::{TableShape, Usage, validation};

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

// -------------------------------------------------------------------------------------
// Values
// -------------------------------------------------------------------------------------

/// Literals and parameters to AttributeValues, with DynamoDB's PartiQL messages. `at` is
/// DynamoDB's descriptive path of the value: `root`, `root.k`, `root[1]`.
struct Values<'a> {
    params: &'a [AttributeValue],
}

/// How DynamoDB names a literal's type in messages (Ion's type names).
fn ion_type(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Literal(Literal::Num(n)) if n.contains(['.', 'e', 'E']) => "DECIMAL".into(),
        ExprKind::Literal(Literal::Num(_)) => "INT".into(),
        ExprKind::Literal(Literal::Str(_)) => "STRING".into(),
        ExprKind::Literal(Literal::Bool(_)) => "BOOL".into(),
        ExprKind::Literal(Literal::Null) => "NULL".into(),
        ExprKind::Literal(Literal::Missing) => "MISSING".into(),
        ExprKind::Path(p) if p.steps.is_empty() => "VariableReference".into(),
        ExprKind::Path(_) => "Path".into(),
        ExprKind::Param(_) => "Parameter".into(),
        _ => e.describe(),
    }
}

fn number(text: &str, at: &str) -> Result<Number, DynamoError> {
    match Number::parse(text) {
        Ok(n) if n.is_zero() && text.starts_with('-') && text.contains(['.', 'e', 'E']) => {
            Err(validation(format!(
                "Negative zero decimal is not supported under key {at}"
            )))
        }
        Ok(n) => Ok(n),
        Err(e) => Err(validation(format!("{} under {at}", e.message()))),
    }
}

impl Values<'_> {
    fn param(&self, n: usize) -> Result<AttributeValue, DynamoError> {
        n.checked_sub(1)
            .and_then(|i| self.params.get(i))
            .cloned()
            .ok_or_else(|| validation(PARAMETER_COUNT))
    }

    /// The value a value expression (see [`Expr::is_value`]) denotes.
    fn value(&self, e: &Expr, at: &str) -> Result<AttributeValue, DynamoError> {
        match &e.kind {
            ExprKind::Literal(Literal::Str(s)) => Ok(AttributeValue::S(s.clone())),
            ExprKind::Literal(Literal::Num(n)) => number(n, at).map(AttributeValue::N),
            ExprKind::Literal(Literal::Bool(b)) => Ok(AttributeValue::Bool(*b)),
            ExprKind::Literal(Literal::Null) => Ok(AttributeValue::Null),
            ExprKind::Literal(Literal::Missing) => Err(validation(MISSING_COMPARED)),
            ExprKind::Param(n) => self.param(*n),
            ExprKind::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| self.value(item, &format!("{at}[{i}]")))
                .collect::<Result<Vec<_>, _>>()
                .map(AttributeValue::L),
            ExprKind::Struct(fields) => self.structure(fields, at, false).map(AttributeValue::M),
            ExprKind::Bag(items) => self.set(items),
            _ => Err(validation(format!(
                "Unsupported data type: {} under key {at}",
                ion_type(e)
            ))),
        }
    }

    /// A `{...}` literal. The item of an INSERT (`top`) names where a bad key is.
    fn structure(&self, fields: &[(Expr, Expr)], at: &str, top: bool) -> Result<Item, DynamoError> {
        let located = |message: String, e: &Expr| {
            if top {
                format!("{message} at {}", e.pos)
            } else {
                message
            }
        };
        let mut item = Item::new();
        for (key, value) in fields {
            let ExprKind::Literal(Literal::Str(name)) = &key.kind else {
                let message = format!(
                    "Tuple keys must be of type String. Actual type: {} under {at}",
                    ion_type(key)
                );
                return Err(validation(located(message, key)));
            };
            if name.is_empty() {
                return Err(validation(EMPTY_PATH_COMPONENT));
            }
            let converted = if top {
                if !value.is_value() {
                    let message =
                        format!("Unsupported data type: {} under key {at}", value.describe());
                    return Err(validation(located(message, value)));
                }
                self.value(value, at)?
            } else {
                self.value(value, &format!("{at}.{name}"))?
            };
            if item.insert(name.clone(), converted).is_some() {
                let message = format!("Duplicate keys in tuple. Key: {name} under {at}");
                return Err(validation(located(message, key)));
            }
        }
        Ok(item)
    }

    /// A bag: a string, number or binary set by its members' type.
    fn set(&self, items: &[Expr]) -> Result<AttributeValue, DynamoError> {
        if items.is_empty() {
            return Err(validation(EMPTY_BAG));
        }
        let mut members = Vec::with_capacity(items.len());
        for item in items {
            let member = match &item.kind {
                ExprKind::Literal(Literal::Str(_) | Literal::Num(_)) | ExprKind::Param(_) => {
                    self.value(item, "root")?
                }
                _ => return Err(validation(BAG_TYPES)),
            };
            members.push(member);
        }
        let shown: Vec<String>;
        let set = match &members[0] {
            AttributeValue::S(_) => {
                let strings: Option<Vec<String>> = members
                    .iter()
                    .map(|m| {
                        if let AttributeValue::S(s) = m {
                            Some(s.clone())
                        } else {
                            None
                        }
                    })
                    .collect();
                let strings = strings.ok_or_else(|| validation(BAG_TYPES))?;
                shown = strings.clone();
                AttributeValue::SS(strings)
            }
            AttributeValue::N(_) => {
                let numbers: Option<Vec<Number>> = members
                    .iter()
                    .map(|m| {
                        if let AttributeValue::N(n) = m {
                            Some(*n)
                        } else {
                            None
                        }
                    })
                    .collect();
                let numbers = numbers.ok_or_else(|| validation(BAG_TYPES))?;
                shown = numbers.iter().map(Number::to_string).collect();
                AttributeValue::NS(numbers)
            }
            AttributeValue::B(_) => {
                let blobs: Option<Vec<Vec<u8>>> = members
                    .iter()
                    .map(|m| {
                        if let AttributeValue::B(b) = m {
                            Some(b.clone())
                        } else {
                            None
                        }
                    })
                    .collect();
                let blobs = blobs.ok_or_else(|| validation(BAG_TYPES))?;
                shown = blobs.iter().map(|b| BASE64.encode(b)).collect();
                AttributeValue::BS(blobs)
            }
            _ => return Err(validation(BAG_TYPES)),
        };
        let mut sorted: Vec<&AttributeValue> = members.iter().collect();
        crate::sorting::sort_by_key(&mut sorted, |m| bound_of(m));
        if sorted.windows(2).any(|w| w[0] == w[1]) {
            return Err(validation(format!(
                "One or more parameter values were invalid: Input collection [{}] contains duplicates.",
                shown.join(", ")
            )));
        }
        Ok(set)
    }
}

// -------------------------------------------------------------------------------------
// Expression text
// -------------------------------------------------------------------------------------

/// Placeholders for one request's expressions.
#[derive(Default)]
struct Builder {
    names: Map<String, Value>,
    by_name: HashMap<String, String>,
    values: Map<String, Value>,
}

impl Builder {
    fn name(&mut self, name: &str) -> String {
        if let Some(placeholder) = self.by_name.get(name) {
            return placeholder.clone();
        }
        let placeholder = format!("#n{}", self.by_name.len());
        self.by_name.insert(name.to_string(), placeholder.clone());
        self.names
            .insert(placeholder.clone(), Value::String(name.to_string()));
        placeholder
    }

    fn value(&mut self, value: &AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        let json = serde_json::to_value(value).unwrap_or(Value::Null);
        self.values.insert(placeholder.clone(), json);
        placeholder
    }

    fn path(&mut self, path: &DocPath) -> String {
        let mut text = String::new();
        for element in &path.elements {
            match element {
                PathElement::Name(name) => {
                    if !text.is_empty() {
                        text.push('.');
                    }
                    text.push_str(&self.name(name));
                }
                PathElement::Index(i) => text.push_str(&format!("[{i}]")),
            }
        }
        text
    }

    /// Adds ExpressionAttributeNames and ExpressionAttributeValues, when used.
    fn finish(self, body: &mut Map<String, Value>) {
        if !self.names.is_empty() {
            body.insert("ExpressionAttributeNames".into(), Value::Object(self.names));
        }
        if !self.values.is_empty() {
            body.insert(
                "ExpressionAttributeValues".into(),
                Value::Object(self.values),
            );
        }
    }
}

/// Binding strength of emitted condition text, to parenthesise only where needed (DynamoDB
/// refuses redundant parentheses).
const OR: u8 = 0;
const AND: u8 = 1;
const ATOM: u8 = 2;

fn wrap((text, strength): (String, u8), at_least: u8) -> String {
    if strength < at_least {
        format!("({text})")
    } else {
        text
    }
}

/// A PartiQL path as a document path, refusing what DynamoDB cannot address.
pub(crate) fn doc_path(path: &Path) -> Result<DocPath, DynamoError> {
    if path.root.is_empty() {
        return Err(validation(EMPTY_PATH_COMPONENT));
    }
    let mut elements = vec![PathElement::Name(path.root.clone())];
    for step in &path.steps {
        elements.push(match step {
            Step::Field(name) if name.is_empty() => return Err(validation(EMPTY_PATH_COMPONENT)),
            Step::Field(name) => PathElement::Name(name.clone()),
            Step::Index(text) => match text.parse::<i32>() {
                Ok(i) if i >= 0 => PathElement::Index(i as usize),
                _ => {
                    return Err(validation(format!(
                        "List index is not within the allowable range; index: [{text}]"
                    )));
                }
            },
            Step::Wildcard => {
                return Err(validation(
                    "Wildcard path component like a[*].b are not supported",
                ));
            }
            Step::Unpivot => {
                return Err(validation(
                    "Unpivot path component like a.*.b are not supported",
                ));
            }
            Step::Other => return Err(validation("Unexpected path component")),
        });
    }
    Ok(DocPath { elements })
}

fn bad_path(list_root: bool) -> DynamoError {
    validation(if list_root {
        "A path cannot start with a list index"
    } else {
        "Unexpected path component"
    })
}

/// Whether an expression is a condition (resolves to a boolean).
fn is_condition(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Compare(..)
        | ExprKind::Between { .. }
        | ExprKind::In { .. }
        | ExprKind::Is { .. }
        | ExprKind::Like { .. }
        | ExprKind::And(_)
        | ExprKind::Or(_)
        | ExprKind::Not(_) => true,
        ExprKind::Call { name, .. } => name != "size",
        _ => false,
    }
}

/// Checks a call of one of DynamoDB's functions: known, and given its number of operands.
fn check_call(name: &str, args: &[Expr]) -> Result<(), DynamoError> {
    let arity = match name {
        "attribute_exists" | "attribute_not_exists" | "size" => 1,
        "attribute_type" | "begins_with" | "contains" | "list_append" | "if_not_exists" => 2,
        _ => return Err(validation(format!("Unrecognized function: {name}"))),
    };
    if args.len() != arity {
        return Err(validation(format!(
            "Incorrect number of operands for operator or function; operator or function: {name}, number of operands: {}",
            args.len()
        )));
    }
    Ok(())
}

/// The attribute_type descriptor an `IS` type test checks.
fn is_type_descriptor(type_name: &str) -> Option<&'static str> {
    Some(match type_name {
        "BOOL" | "BOOLEAN" => "BOOL",
        "STRING" => "S",
        "NUMERIC" => "N",
        "BLOB" => "B",
        "STRUCT" | "TUPLE" => "M",
        "LIST" => "L",
        _ => return None,
    })
}

/// The type's name as DynamoDB's refusal of it spells it.
fn sql_type_name(type_name: &str) -> String {
    match type_name {
        "INT" => "INTEGER".into(),
        "INT4" => "INTEGER4".into(),
        "INT8" => "INTEGER8".into(),
        "DEC" => "DECIMAL".into(),
        "CHAR" => "CHARACTER".into(),
        "VARCHAR" => "CHARACTER_VARYING".into(),
        other => other.replace(' ', "_"),
    }
}

struct Translator<'v> {
    values: &'v Values<'v>,
}

impl Translator<'_> {
    fn path_text(&self, e: &Expr, b: &mut Builder) -> Result<Option<String>, DynamoError> {
        match &e.kind {
            ExprKind::Path(p) => Ok(Some(b.path(&doc_path(p)?))),
            ExprKind::BadPath { list_root } => Err(bad_path(*list_root)),
            _ => Ok(None),
        }
    }

    /// A WHERE clause as condition text.
    fn where_text(&self, e: &Expr, b: &mut Builder) -> Result<String, DynamoError> {
        if !is_condition(e) {
            return Err(validation(NOT_BOOLEAN));
        }
        Ok(self.condition(e, b)?.0)
    }

    /// Several terms ANDed, or None if there are none.
    fn conjunction(
        &self,
        terms: &[&Expr],
        b: &mut Builder,
    ) -> Result<Option<(String, u8)>, DynamoError> {
        match terms {
            [] => Ok(None),
            [one] => self.condition(one, b).map(Some),
            many => {
                let texts = many
                    .iter()
                    .map(|t| self.condition(t, b).map(|c| wrap(c, AND)))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Some((texts.join(" AND "), AND)))
            }
        }
    }

    fn condition(&self, e: &Expr, b: &mut Builder) -> Result<(String, u8), DynamoError> {
        let negate = |text: String, negated: bool| {
            if negated {
                format!("NOT ({text})")
            } else {
                text
            }
        };
        match &e.kind {
            ExprKind::And(terms) | ExprKind::Or(terms) => {
                let and = matches!(e.kind, ExprKind::And(_));
                let mut texts = Vec::with_capacity(terms.len());
                for term in terms {
                    if !is_condition(term) {
                        return Err(validation(AND_OR_OPERANDS));
                    }
                    let c = self.condition(term, b)?;
                    texts.push(if and { wrap(c, AND) } else { c.0 });
                }
                Ok(if and {
                    (texts.join(" AND "), AND)
                } else {
                    (texts.join(" OR "), OR)
                })
            }
            ExprKind::Not(inner) => {
                if !is_condition(inner) {
                    return Err(validation(NOT_OPERAND));
                }
                Ok((format!("NOT ({})", self.condition(inner, b)?.0), ATOM))
            }
            ExprKind::Compare(op, left, right) => {
                let l = self.operand(left, b)?;
                let r = self.operand(right, b)?;
                Ok((format!("{l} {} {r}", op.symbol()), ATOM))
            }
            ExprKind::Between {
                operand,
                low,
                high,
                negated,
            } => {
                let x = self.operand(operand, b)?;
                let lo = self.operand(low, b)?;
                let hi = self.operand(high, b)?;
                Ok((negate(format!("{x} BETWEEN {lo} AND {hi}"), *negated), ATOM))
            }
            ExprKind::In {
                operand,
                rhs,
                negated,
            } => {
                let items = match &rhs.kind {
                    ExprKind::List(items) | ExprKind::Bag(items) if !items.is_empty() => items,
                    _ => return Err(validation(IN_OPERANDS)),
                };
                let x = self.operand(operand, b)?;
                let list = items
                    .iter()
                    .map(|i| self.operand(i, b))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((
                    negate(format!("{x} IN ({})", list.join(", ")), *negated),
                    ATOM,
                ))
            }
            ExprKind::Is {
                operand,
                type_name,
                negated,
            } => {
                let allowed = matches!(operand.kind, ExprKind::Path(_) | ExprKind::BadPath { .. })
                    || operand.is_value();
                if !allowed {
                    return Err(validation(IS_OPERAND));
                }
                let x = self.operand(operand, b)?;
                let text = match type_name.as_str() {
                    "MISSING" if *negated => return Ok((format!("attribute_exists({x})"), ATOM)),
                    "MISSING" => return Ok((format!("attribute_not_exists({x})"), ATOM)),
                    "NULL" => format!("{x} = {}", b.value(&AttributeValue::Null)),
                    other => match is_type_descriptor(other) {
                        Some(t) => format!(
                            "attribute_type({x}, {})",
                            b.value(&AttributeValue::S(t.into()))
                        ),
                        None => {
                            return Err(validation(format!(
                                "Unsupported data type for IS operator: {}. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]",
                                sql_type_name(other)
                            )));
                        }
                    },
                };
                Ok((negate(text, *negated), ATOM))
            }
            ExprKind::Like { .. } => Err(validation(
                "Unsupported operator in Condition Expression. Operator: like",
            )),
            ExprKind::Call { name, args } => {
                check_call(name, args)?;
                let args = args
                    .iter()
                    .map(|a| self.operand(a, b))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((format!("{name}({})", args.join(", ")), ATOM))
            }
            _ => Err(validation(NOT_BOOLEAN)),
        }
    }

    /// A condition operand: a path, a value, or a function such as `size(path)`.
    fn operand(&self, e: &Expr, b: &mut Builder) -> Result<String, DynamoError> {
        if let Some(path) = self.path_text(e, b)? {
            return Ok(path);
        }
        if e.is_value() {
            return Ok(b.value(&self.values.value(e, "root")?));
        }
        match &e.kind {
            ExprKind::Literal(Literal::Missing) => Err(validation(MISSING_COMPARED)),
            ExprKind::Call { name, args } => {
                check_call(name, args)?;
                let args = args
                    .iter()
                    .map(|a| self.operand(a, b))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(format!("{name}({})", args.join(", ")))
            }
            ExprKind::Arith(..) | ExprKind::Negate(_) => Err(validation(format!(
                "Unsupported operator in Condition Expression. Operator: {}",
                e.describe()
            ))),
            _ => Err(validation(format!(
                "Unsupported token in expression: {}",
                e.describe()
            ))),
        }
    }

    /// The right-hand side of `SET path = value`.
    fn set_value(&self, e: &Expr, b: &mut Builder) -> Result<String, DynamoError> {
        if let Some(path) = self.path_text(e, b)? {
            return Ok(path);
        }
        if e.is_value() {
            return Ok(b.value(&self.values.value(e, "root")?));
        }
        let unsupported = |op: &str| {
            validation(format!(
                "Unsupported operator in Update Expression. Operator: {op}"
            ))
        };
        match &e.kind {
            ExprKind::Literal(Literal::Missing) => Err(validation(MISSING_COMPARED)),
            ExprKind::Arith(first, rest) => {
                // An update value takes one `+` or `-` between two operands.
                if let Some((op, _)) = rest
                    .iter()
                    .find(|(op, _)| !matches!(op, ArithOp::Plus | ArithOp::Minus))
                {
                    return Err(unsupported(op.symbol()));
                }
                let nested = std::iter::once(first.as_ref())
                    .chain(rest.iter().map(|(_, e)| e))
                    .find_map(|e| match &e.kind {
                        ExprKind::Arith(_, inner) => inner.first().map(|(op, _)| *op),
                        _ => None,
                    });
                if let Some(op) = rest.get(1).map(|(op, _)| *op).or(nested) {
                    return Err(unsupported(op.symbol()));
                }
                let left = self.set_value(first, b)?;
                let (op, right) = &rest[0];
                Ok(format!(
                    "{left} {} {}",
                    op.symbol(),
                    self.set_value(right, b)?
                ))
            }
            ExprKind::Call { name, args } => {
                check_call(name, args)?;
                let args = args
                    .iter()
                    .map(|a| self.set_value(a, b))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(format!("{name}({})", args.join(", ")))
            }
            ExprKind::Is { .. } => Err(validation(IS_IN_UPDATE)),
            _ => Err(unsupported(&e.describe())),
        }
    }

    /// SET and REMOVE actions as UpdateExpression text.
    fn update_text(&self, actions: &[Action], b: &mut Builder) -> Result<String, DynamoError> {
        let (mut set, mut remove, mut add, mut delete) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for action in actions {
            match action {
                Action::Set { target, value } => {
                    let target_path = self.target(target)?;
                    if let ExprKind::Call { name, args } = &value.kind
                        && (name == "set_add" || name == "set_delete")
                    {
                        let member = self.set_member(name, args, value.pos, &target_path, b)?;
                        let text = format!("{} {member}", b.path(&target_path));
                        if name == "set_add" {
                            add.push(text)
                        } else {
                            delete.push(text)
                        }
                        continue;
                    }
                    let path = b.path(&target_path);
                    set.push(format!("{path} = {}", self.set_value(value, b)?));
                }
                Action::Remove(target) => {
                    let path = self.target(target)?;
                    remove.push(b.path(&path));
                }
            }
        }
        let mut clauses = Vec::new();
        for (keyword, list) in [
            ("SET", set),
            ("REMOVE", remove),
            ("ADD", add),
            ("DELETE", delete),
        ] {
            if !list.is_empty() {
                clauses.push(format!("{keyword} {}", list.join(", ")));
            }
        }
        Ok(clauses.join(" "))
    }

    fn target(&self, e: &Expr) -> Result<DocPath, DynamoError> {
        match &e.kind {
            ExprKind::Path(p) => doc_path(p),
            ExprKind::BadPath { list_root } => Err(bad_path(*list_root)),
            _ => Err(validation(format!(
                "Unrecognized assignment target: {}",
                e.describe()
            ))),
        }
    }

    /// The set argument of `set_add(path, <<...>>)` / `set_delete(path, <<...>>)`.
    fn set_member(
        &self,
        name: &str,
        args: &[Expr],
        at: Pos,
        target: &DocPath,
        b: &mut Builder,
    ) -> Result<String, DynamoError> {
        let which = if name == "set_add" { "ADD" } else { "DELETE" };
        if args.len() != 2 {
            return Err(validation(format!(
                "SET_{which} must have exactly two arguments at {at}"
            )));
        }
        let same_path = match &args[0].kind {
            ExprKind::Path(p) => doc_path(p).is_ok_and(|p| &p == target),
            _ => false,
        };
        if !same_path {
            return Err(validation(format!(
                "The first argument to SET_{which} must equal the assignment value at {at}"
            )));
        }
        let value = if args[1].is_value() {
            Some(self.values.value(&args[1], "root")?)
        } else {
            None
        };
        match value {
            Some(v @ (AttributeValue::SS(_) | AttributeValue::NS(_) | AttributeValue::BS(_))) => {
                Ok(b.value(&v))
            }
            _ => Err(validation(format!(
                "The second argument to SET_{which} must be a value with type SET at {}",
                args[0].pos
            ))),
        }
    }

    fn projection(
        &self,
        projection: &Projection,
        b: &mut Builder,
    ) -> Result<Option<(String, Vec<DocPath>)>, DynamoError> {
        let Projection::Items(items) = projection else {
            return Ok(None);
        };
        let mut texts = Vec::with_capacity(items.len());
        let mut paths = Vec::with_capacity(items.len());
        for item in items {
            let path = match &item.kind {
                ExprKind::Path(p) => doc_path(p)?,
                ExprKind::BadPath { list_root } => return Err(bad_path(*list_root)),
                _ => {
                    return Err(validation(format!(
                        "Unsupported token in expression: {}",
                        item.describe()
                    )));
                }
            };
            texts.push(b.path(&path));
            paths.push(path);
        }
        Ok(Some((texts.join(", "), paths)))
    }

    // ---------------------------------------------------------------------------------
    // Keys
    // ---------------------------------------------------------------------------------

    /// Splits a WHERE into the primary key it fixes by equality and the other terms.
    fn extract_key<'e>(
        &self,
        where_clause: &'e Expr,
        schema: &KeySchema,
        mode: KeyMode,
    ) -> Result<(Item, Vec<&'e Expr>), KeyFailure> {
        let names: Vec<&str> = schema.names().collect();
        let mut key = Item::new();
        let mut rest = Vec::new();
        for term in flatten_and(where_clause) {
            let Some((name, value)) = key_equality(term, &names) else {
                rest.push(term);
                continue;
            };
            let value = self
                .values
                .value(value, "root")
                .map_err(KeyFailure::Error)?;
            match key.get(name) {
                None => {
                    key.insert(name.to_string(), value);
                }
                Some(_) if mode == KeyMode::ConditionCheck => rest.push(term),
                Some(existing) if *existing == value => {}
                Some(_) => {
                    return Err(KeyFailure::Shape(validation(format!(
                        "Multiple conditions on same key {name}. Only single item Update/Insert/Delete are supported"
                    ))));
                }
            }
        }
        if names.iter().any(|n| !key.contains_key(*n)) {
            return Err(KeyFailure::Incomplete);
        }
        if mode != KeyMode::ConditionCheck {
            for (name, value) in &key {
                if !matches!(
                    value,
                    AttributeValue::S(_) | AttributeValue::N(_) | AttributeValue::B(_)
                ) {
                    return Err(KeyFailure::Shape(validation(format!(
                        "Key value must be of type S, N, or B. Key name: {name}, Key type: {}",
                        value.type_name()
                    ))));
                }
            }
        }
        Ok((key, rest))
    }

    // ---------------------------------------------------------------------------------
    // Statements
    // ---------------------------------------------------------------------------------

    fn insert_item(&self, value: &Expr) -> Result<Item, DynamoError> {
        match &value.kind {
            ExprKind::Struct(fields) => self.values.structure(fields, "root", true),
            _ => Err(validation(format!("{INSERT_NOT_STRUCT} at {}", value.pos))),
        }
    }

    fn insert(
        &self,
        insert: &Insert,
        item: Item,
        shape: &TableShape,
    ) -> Result<WritePlan, DynamoError> {
        for attr in std::iter::once(&shape.key_schema.hash).chain(shape.key_schema.range.as_ref()) {
            let Some(value) = item.get(&attr.name) else {
                return Err(validation(format!(
                    "Key attribute should be present in the item: Key {}",
                    attr.name
                )));
            };
            if !kind_matches(attr.kind, value) {
                return Err(schema_mismatch(&attr.name));
            }
        }
        let mut b = Builder::default();
        let condition = format!(
            "attribute_not_exists({})",
            b.name(&shape.key_schema.hash.name)
        );
        let mut body = Map::new();
        body.insert("TableName".into(), json!(insert.table));
        body.insert(
            "Item".into(),
            serde_json::to_value(&item).unwrap_or(Value::Null),
        );
        body.insert("ConditionExpression".into(), json!(condition));
        b.finish(&mut body);
        Ok(WritePlan {
            kind: WriteKind::Insert,
            table: insert.table.clone(),
            operation: "PutItem",
            request: Value::Object(body),
            returning: None,
        })
    }

    /// The key of an UPDATE or DELETE, checked against the table.
    fn dml_key<'e>(
        &self,
        where_clause: Option<&'e Expr>,
        shape: &TableShape,
    ) -> Result<(Item, Vec<&'e Expr>), DynamoError> {
        let where_clause = where_clause.ok_or_else(|| validation(MANDATORY_KEY))?;
        let (key, rest) = self
            .extract_key(where_clause, &shape.key_schema, KeyMode::Write)
            .map_err(|f| match f {
                KeyFailure::Incomplete => validation(MANDATORY_KEY),
                KeyFailure::Shape(e) | KeyFailure::Error(e) => e,
            })?;
        check_key_types(&key, &shape.key_schema)?;
        Ok((key, rest))
    }

    fn update(&self, update: &Update, shape: &TableShape) -> Result<WritePlan, DynamoError> {
        let (key, rest) = self.dml_key(update.where_clause.as_ref(), shape)?;
        let mut b = Builder::default();
        let update_expression = self.update_text(&update.actions, &mut b)?;
        let exists = format!("attribute_exists({})", b.name(&shape.key_schema.hash.name));
        let condition = match self.conjunction(&rest, &mut b)? {
            None => exists,
            Some(c) => format!("{exists} AND {}", wrap(c, AND)),
        };
        let mut body = Map::new();
        body.insert("TableName".into(), json!(update.table));
        body.insert(
            "Key".into(),
            serde_json::to_value(&key).unwrap_or(Value::Null),
        );
        body.insert("UpdateExpression".into(), json!(update_expression));
        body.insert("ConditionExpression".into(), json!(condition));
        b.finish(&mut body);
        if let Some(r) = update.returning {
            body.insert("ReturnValues".into(), json!(r.return_values()));
        }
        Ok(WritePlan {
            kind: WriteKind::Update,
            table: update.table.clone(),
            operation: "UpdateItem",
            request: Value::Object(body),
            returning: update.returning,
        })
    }

    fn delete(&self, delete: &Delete, shape: &TableShape) -> Result<WritePlan, DynamoError> {
        let (key, rest) = self.dml_key(delete.where_clause.as_ref(), shape)?;
        if let Some(r) = delete.returning.filter(|r| *r != Returning::AllOld) {
            return Err(validation(format!(
                "Invalid returning clause: RETURNING {}. Only RETURNING ALL OLD * is allowed in DELETE statements.",
                r.text()
            )));
        }
        let mut b = Builder::default();
        let mut body = Map::new();
        body.insert("TableName".into(), json!(delete.table));
        body.insert(
            "Key".into(),
            serde_json::to_value(&key).unwrap_or(Value::Null),
        );
        if !rest.is_empty() {
            let missing = format!(
                "attribute_not_exists({})",
                b.name(&shape.key_schema.hash.name)
            );
            if let Some((text, _)) = self.conjunction(&rest, &mut b)? {
                body.insert(
                    "ConditionExpression".into(),
                    json!(format!("{missing} OR {text}")),
                );
            }
        }
        b.finish(&mut body);
        if delete.returning.is_some() {
            body.insert("ReturnValues".into(), json!("ALL_OLD"));
        }
        Ok(WritePlan {
            kind: WriteKind::Delete,
            table: delete.table.clone(),
            operation: "DeleteItem",
            request: Value::Object(body),
            returning: delete.returning,
        })
    }

    fn check(&self, select: &Select, shape: &TableShape) -> Result<CheckPlan, DynamoError> {
        let where_clause = select
            .where_clause
            .as_ref()
            .ok_or_else(|| validation(EXISTS_SHAPE))?;
        let (key, rest) = self
            .extract_key(where_clause, &shape.key_schema, KeyMode::ConditionCheck)
            .map_err(|f| match f {
                KeyFailure::Incomplete => validation(EXISTS_SHAPE),
                KeyFailure::Shape(e) | KeyFailure::Error(e) => e,
            })?;
        if rest.is_empty() {
            return Err(validation(EXISTS_SHAPE));
        }
        check_key_types(&key, &shape.key_schema)?;
        let mut b = Builder::default();
        let exists = format!("attribute_exists({})", b.name(&shape.key_schema.hash.name));
        let condition = match self.conjunction(&rest, &mut b)? {
            None => exists,
            Some(c) => format!("{exists} AND {}", wrap(c, AND)),
        };
        let mut body = Map::new();
        body.insert("TableName".into(), json!(select.from.table));
        body.insert(
            "Key".into(),
            serde_json::to_value(&key).unwrap_or(Value::Null),
        );
        body.insert("ConditionExpression".into(), json!(condition));
        b.finish(&mut body);
        Ok(CheckPlan {
            table: select.from.table.clone(),
            request: Value::Object(body),
        })
    }

    /// A SELECT in a batch or transaction: exactly the primary key, nothing else.
    fn get(
        &self,
        usage: Usage,
        select: &Select,
        shape: &TableShape,
    ) -> Result<GetPlan, DynamoError> {
        let refusal = if usage == Usage::Transaction {
            TRANSACTION_SELECT
        } else {
            BATCH_SELECT
        };
        if select.from.index.is_some() {
            return Err(validation(if usage == Usage::Transaction {
                TRANSACTION_INDEX_READ
            } else {
                BATCH_SELECT
            }));
        }
        let where_clause = select
            .where_clause
            .as_ref()
            .ok_or_else(|| validation(refusal))?;
        let (key, rest) = match self.extract_key(where_clause, &shape.key_schema, KeyMode::Write) {
            Ok(split) => split,
            Err(KeyFailure::Error(e)) => return Err(e),
            Err(_) => return Err(validation(refusal)),
        };
        if !rest.is_empty() {
            return Err(validation(refusal));
        }
        check_key_types(&key, &shape.key_schema)?;
        let mut b = Builder::default();
        let mut body = Map::new();
        body.insert("TableName".into(), json!(select.from.table));
        body.insert(
            "Key".into(),
            serde_json::to_value(&key).unwrap_or(Value::Null),
        );
        let projection = self.projection(&select.projection, &mut b)?;
        let paths = projection.map(|(text, paths)| {
            body.insert("ProjectionExpression".into(), json!(text));
            paths
        });
        b.finish(&mut body);
        Ok(GetPlan {
            table: select.from.table.clone(),
            request: Value::Object(body),
            projection: paths,
        })
    }

    fn select(&self, select: &Select, shape: &TableShape) -> Result<ReadPlan, DynamoError> {
        let index = match &select.from.index {
            None => None,
            Some(name) => Some(shape.indexes.iter().find(|i| &i.name == name).ok_or_else(
                || {
                    validation(format!(
                        "The table does not have the specified index: {name}"
                    ))
                },
            )?),
        };
        let schema = index.map_or(&shape.key_schema, |i| &i.key_schema);
        let mut forbidden: Vec<&str> = schema.names().collect();
        if index.is_some() {
            forbidden.extend(shape.key_schema.names());
        }
        // A multi-attribute index key is read by a Scan filtered by the WHERE clause.
        let mut branches = match &select.where_clause {
            Some(w) if !schema.is_multi_attribute() => self.branches(w, schema, &forbidden)?,
            _ => None,
        };
        let mut forward = None;
        if !select.order_by.is_empty() {
            let where_clause = select
                .where_clause
                .as_ref()
                .ok_or_else(|| validation(ORDER_BY_WITHOUT_WHERE))?;
            if !fixes_hash(where_clause, &schema.hash.name) {
                return Err(validation(ORDER_BY_WITHOUT_HASH));
            }
            let (mut hash_order, mut range_order) = (None, None);
            for term in &select.order_by {
                let Some(name) = term.key.as_path().and_then(Path::as_name) else {
                    return Err(validation(format!(
                        "Argument to ORDER BY must be of type VariableReference. Type: {}",
                        term.key.describe()
                    )));
                };
                if name == schema.hash.name {
                    hash_order.get_or_insert(term.descending);
                } else if schema.range.as_ref().is_some_and(|r| r.name == name) {
                    range_order.get_or_insert(term.descending);
                } else {
                    return Err(validation(format!(
                        "Attribute {name} in ORDER BY clause must be part of the primary key"
                    )));
                }
            }
            let partitions = match &branches {
                Some(list) => list.len(),
                None => self.hash_value_count(where_clause, &schema.hash.name)?,
            };
            if partitions > 1 && hash_order.is_none() {
                return Err(validation(ORDER_BY_MANY_HASHES));
            }
            // A WHERE that needs a Scan (several conditions on the sort key, say) is read in
            // key order; only Queries can be directed.
            if let (Some(descending), Some(list)) = (hash_order, branches.as_mut()) {
                crate::sorting::sort_by(list, |a, b| {
                    let order = bound_of(&a.hash).cmp(&bound_of(&b.hash));
                    if descending { order.reverse() } else { order }
                });
            }
            // DynamoDB reads each partition backwards unless ORDER BY names the sort key
            // ascending (ORDER BY the partition key alone reverses the sort order).
            forward = Some(range_order.is_some_and(|descending| !descending));
        }
        let mut plan = ReadPlan {
            table: select.from.table.clone(),
            index: select.from.index.clone(),
            requests: Vec::new(),
            projection: None,
        };
        let base = |b: &mut Map<String, Value>| {
            b.insert("TableName".into(), json!(select.from.table));
            if let Some(index) = &select.from.index {
                b.insert("IndexName".into(), json!(index));
            }
        };
        match branches {
            None => {
                let mut b = Builder::default();
                let mut body = Map::new();
                base(&mut body);
                if let Some(w) = &select.where_clause {
                    body.insert(
                        "FilterExpression".into(),
                        json!(self.where_text(w, &mut b)?),
                    );
                }
                if let Some((text, paths)) = self.projection(&select.projection, &mut b)? {
                    body.insert("ProjectionExpression".into(), json!(text));
                    plan.projection = Some(paths);
                }
                b.finish(&mut body);
                plan.requests.push(("Scan", Value::Object(body)));
            }
            Some(list) => {
                for branch in &list {
                    let mut b = Builder::default();
                    let mut body = Map::new();
                    base(&mut body);
                    let mut key_condition =
                        format!("{} = {}", b.name(&schema.hash.name), b.value(&branch.hash));
                    if let (Some(sort), Some(range)) = (&branch.sort, &schema.range) {
                        let s = b.name(&range.name);
                        let text = match sort {
                            SortCondition::Compare(op, v) => {
                                format!("{s} {} {}", op.symbol(), b.value(v))
                            }
                            SortCondition::Between(lo, hi) => {
                                format!("{s} BETWEEN {} AND {}", b.value(lo), b.value(hi))
                            }
                            SortCondition::BeginsWith(v) => {
                                format!("begins_with({s}, {})", b.value(v))
                            }
                        };
                        key_condition = format!("{key_condition} AND {text}");
                    }
                    body.insert("KeyConditionExpression".into(), json!(key_condition));
                    if let Some((text, _)) = self.conjunction(&branch.rest, &mut b)? {
                        body.insert("FilterExpression".into(), json!(text));
                    }
                    if let Some((text, paths)) = self.projection(&select.projection, &mut b)? {
                        body.insert("ProjectionExpression".into(), json!(text));
                        plan.projection = Some(paths);
                    }
                    if let Some(forward) = forward {
                        body.insert("ScanIndexForward".into(), json!(forward));
                    }
                    b.finish(&mut body);
                    plan.requests.push(("Query", Value::Object(body)));
                }
            }
        }
        Ok(plan)
    }

    /// The partitions a SELECT's WHERE reads, or None if it needs a Scan.
    fn branches<'e>(
        &self,
        where_clause: &'e Expr,
        schema: &KeySchema,
        forbidden: &[&str],
    ) -> Result<Option<Vec<Branch<'e>>>, DynamoError> {
        let mut all = Vec::new();
        for group in flatten_or(where_clause) {
            match self.branch(flatten_and(group), schema, forbidden)? {
                Some(branches) => all.extend(branches),
                None => return Ok(None),
            }
        }
        if all.len() > MAX_DECOMPOSED_READS {
            return Err(validation(TOO_MANY_READS));
        }
        for branch in &all {
            if !kind_matches(schema.hash.kind, &branch.hash) {
                return Err(schema_mismatch(&schema.hash.name));
            }
        }
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                if a.hash == b.hash && !disjoint(&a.range(), &b.range()) {
                    return Err(validation(OVERLAPPING_RANGES));
                }
            }
        }
        Ok(Some(all))
    }

    /// One ANDed group of terms: its partition-key values, sort-key condition and rest.
    fn branch<'e>(
        &self,
        terms: Vec<&'e Expr>,
        schema: &KeySchema,
        forbidden: &[&str],
    ) -> Result<Option<Vec<Branch<'e>>>, DynamoError> {
        let hash = schema.hash.name.as_str();
        let mut selectors: Vec<(usize, Vec<AttributeValue>)> = Vec::new();
        for (i, term) in terms.iter().enumerate() {
            if let Some(values) = self.hash_values(term, hash)? {
                selectors.push((i, values));
            }
        }
        let Some((_, first)) = selectors.first() else {
            return Ok(None);
        };
        if selectors.iter().any(|(_, values)| values != first)
            || (selectors.len() > 1 && first.len() > 1)
        {
            // Contradictory or repeated partition selections: leave them to a filtered Scan.
            return Ok(None);
        }
        let mut values: Vec<AttributeValue> = Vec::new();
        for v in first {
            if !values.contains(v) {
                values.push(v.clone());
            }
        }
        let mut rest: Vec<&Expr> = terms
            .iter()
            .enumerate()
            .filter(|(i, _)| !selectors.iter().any(|(s, _)| s == i))
            .map(|(_, t)| *t)
            .collect();
        let mut sort = None;
        if let Some(range) = &schema.range {
            for (i, term) in rest.iter().enumerate() {
                if let Some(condition) = self.sort_condition(term, &range.name, range.kind)? {
                    sort = Some(condition);
                    rest.remove(i);
                    break;
                }
            }
        }
        if rest.iter().any(|t| references(t, forbidden)) {
            return Ok(None);
        }
        Ok(Some(
            values
                .into_iter()
                .map(|hash| Branch {
                    hash,
                    sort: sort.clone(),
                    rest: rest.clone(),
                })
                .collect(),
        ))
    }

    /// How many partition-key values a WHERE selects, summed over its OR branches.
    fn hash_value_count(&self, where_clause: &Expr, hash: &str) -> Result<usize, DynamoError> {
        let mut count = 0;
        for group in flatten_or(where_clause) {
            for term in flatten_and(group) {
                if let Some(values) = self.hash_values(term, hash)? {
                    count += values.len();
                    break;
                }
            }
        }
        Ok(count)
    }

    /// The partition-key values a term selects: `pk = v`, `pk IN [...]`, or an OR of
    /// `pk = v` terms.
    fn hash_values(
        &self,
        term: &Expr,
        hash: &str,
    ) -> Result<Option<Vec<AttributeValue>>, DynamoError> {
        match &term.kind {
            ExprKind::Compare(CompareOp::Eq, ..) => match key_equality(term, &[hash]) {
                Some((_, v)) => Ok(Some(vec![self.values.value(v, "root")?])),
                None => Ok(None),
            },
            ExprKind::In {
                operand,
                rhs,
                negated: false,
            } if names_attribute(operand, hash) => match &rhs.kind {
                ExprKind::List(items) | ExprKind::Bag(items)
                    if !items.is_empty() && items.iter().all(Expr::is_value) =>
                {
                    items
                        .iter()
                        .map(|i| self.values.value(i, "root"))
                        .collect::<Result<Vec<_>, _>>()
                        .map(Some)
                }
                _ => Ok(None),
            },
            ExprKind::Or(_) => {
                let mut values = Vec::new();
                for leaf in flatten_or(term) {
                    match key_equality(leaf, &[hash]) {
                        Some((_, v)) => values.push(self.values.value(v, "root")?),
                        None => return Ok(None),
                    }
                }
                Ok(Some(values))
            }
            _ => Ok(None),
        }
    }

    /// A term a Query key condition can carry on the sort key.
    fn sort_condition(
        &self,
        term: &Expr,
        range: &str,
        kind: ScalarType,
    ) -> Result<Option<SortCondition>, DynamoError> {
        let typed = |v: AttributeValue| {
            if kind_matches(kind, &v) {
                Ok(v)
            } else {
                Err(schema_mismatch(range))
            }
        };
        match &term.kind {
            ExprKind::Compare(op, left, right) if *op != CompareOp::Ne => {
                let (op, value) = if names_attribute(left, range) && right.is_value() {
                    (*op, right)
                } else if names_attribute(right, range) && left.is_value() {
                    (op.flipped(), left)
                } else {
                    return Ok(None);
                };
                Ok(Some(SortCondition::Compare(
                    op,
                    typed(self.values.value(value, "root")?)?,
                )))
            }
            ExprKind::Between {
                operand,
                low,
                high,
                negated: false,
            } if names_attribute(operand, range) && low.is_value() && high.is_value() => {
                let low = typed(self.values.value(low, "root")?)?;
                let high = typed(self.values.value(high, "root")?)?;
                Ok(Some(SortCondition::Between(low, high)))
            }
            ExprKind::Call { name, args }
                if name == "begins_with"
                    && args.len() == 2
                    && names_attribute(&args[0], range)
                    && args[1].is_value() =>
            {
                if kind == ScalarType::N {
                    return Ok(None);
                }
                Ok(Some(SortCondition::BeginsWith(typed(
                    self.values.value(&args[1], "root")?,
                )?)))
            }
            _ => Ok(None),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyMode {
    /// UPDATE, DELETE and single-item SELECTs: a key named twice must name one value.
    Write,
    /// EXISTS: a second equality on a key is just another condition.
    ConditionCheck,
}

enum KeyFailure {
    /// Not every key attribute has an equality.
    Incomplete,
    /// The key equalities themselves are unusable.
    Shape(DynamoError),
    /// A value in them could not be converted.
    Error(DynamoError),
}

fn schema_mismatch(name: &str) -> DynamoError {
    validation(format!(
        "Key attribute's data type should match its data type in table's schema: Key {name}"
    ))
}

fn kind_matches(kind: ScalarType, value: &AttributeValue) -> bool {
    matches!(
        (kind, value),
        (ScalarType::S, AttributeValue::S(_))
            | (ScalarType::N, AttributeValue::N(_))
            | (ScalarType::B, AttributeValue::B(_))
    )
}

fn check_key_types(key: &Item, schema: &KeySchema) -> Result<(), DynamoError> {
    for attr in std::iter::once(&schema.hash).chain(schema.range.as_ref()) {
        if key
            .get(&attr.name)
            .is_some_and(|v| !kind_matches(attr.kind, v))
        {
            return Err(schema_mismatch(&attr.name));
        }
    }
    Ok(())
}

/// DynamoDB's "non-optional hash key condition": an equality (or IN) on the partition key
/// that every way of satisfying the WHERE goes through.
fn fixes_hash(e: &Expr, hash: &str) -> bool {
    match &e.kind {
        ExprKind::Compare(CompareOp::Eq, ..) => key_equality(e, &[hash]).is_some(),
        ExprKind::In {
            operand,
            negated: false,
            ..
        } => names_attribute(operand, hash),
        ExprKind::And(terms) => terms.iter().any(|t| fixes_hash(t, hash)),
        ExprKind::Or(terms) => terms.iter().all(|t| fixes_hash(t, hash)),
        _ => false,
    }
}

fn names_attribute(e: &Expr, name: &str) -> bool {
    e.as_path().and_then(Path::as_name) == Some(name)
}

/// `key = value` or `value = key` for one of `keys`.
fn key_equality<'e, 'k>(term: &'e Expr, keys: &[&'k str]) -> Option<(&'k str, &'e Expr)> {
    let ExprKind::Compare(CompareOp::Eq, left, right) = &term.kind else {
        return None;
    };
    let pick = |path: &Expr, value: &'e Expr| {
        let name = path.as_path().and_then(Path::as_name)?;
        let key = keys.iter().find(|k| **k == name)?;
        value.is_value().then_some((*key, value))
    };
    pick(left, right).or_else(|| pick(right, left))
}

fn flatten_and(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::And(terms) => terms.iter().flat_map(flatten_and).collect(),
        _ => vec![e],
    }
}

fn flatten_or(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Or(terms) => terms.iter().flat_map(flatten_or).collect(),
        _ => vec![e],
    }
}

/// Whether the expression names any of `attributes` at the top level of a path.
fn references(e: &Expr, attributes: &[&str]) -> bool {
    let any = |items: &[Expr]| items.iter().any(|i| references(i, attributes));
    match &e.kind {
        ExprKind::Path(p) => attributes.contains(&p.root.as_str()),
        ExprKind::List(items)
        | ExprKind::Bag(items)
        | ExprKind::And(items)
        | ExprKind::Or(items) => any(items),
        ExprKind::Call { args, .. } => any(args),
        ExprKind::Struct(fields) => fields
            .iter()
            .any(|(k, v)| references(k, attributes) || references(v, attributes)),
        ExprKind::Compare(_, l, r) => references(l, attributes) || references(r, attributes),
        ExprKind::Between {
            operand, low, high, ..
        } => {
            references(operand, attributes)
                || references(low, attributes)
                || references(high, attributes)
        }
        ExprKind::In { operand, rhs, .. } => {
            references(operand, attributes) || references(rhs, attributes)
        }
        ExprKind::Is { operand, .. } | ExprKind::Not(operand) | ExprKind::Negate(operand) => {
            references(operand, attributes)
        }
        ExprKind::Arith(first, rest) => {
            references(first, attributes) || rest.iter().any(|(_, e)| references(e, attributes))
        }
        ExprKind::Literal(_)
        | ExprKind::Param(_)
        | ExprKind::Like { .. }
        | ExprKind::BadPath { .. }
        | ExprKind::Star => false,
    }
}

// -------------------------------------------------------------------------------------
// Partition plans
// -------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum SortCondition {
    Compare(CompareOp, AttributeValue),
    Between(AttributeValue, AttributeValue),
    BeginsWith(AttributeValue),
}

/// One Query: a partition-key value, an optional sort-key condition, and filter terms.
#[derive(Debug, Clone)]
struct Branch<'e> {
    hash: AttributeValue,
    sort: Option<SortCondition>,
    rest: Vec<&'e Expr>,
}

/// Key values in DynamoDB's sort order: numbers numerically, strings and binary by bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Bound {
    Number(Number),
    Bytes(Vec<u8>),
    Other,
}

fn bound_of(value: &AttributeValue) -> Bound {
    match value {
        AttributeValue::N(n) => Bound::Number(*n),
        AttributeValue::S(s) => Bound::Bytes(s.as_bytes().to_vec()),
        AttributeValue::B(b) => Bound::Bytes(b.clone()),
        _ => Bound::Other,
    }
}

/// The sort keys a branch reads: each end `(bound, inclusive)`, `None` if open.
struct Range {
    low: Option<(Bound, bool)>,
    high: Option<(Bound, bool)>,
}

impl Branch<'_> {
    fn range(&self) -> Range {
        match &self.sort {
            None => Range {
                low: None,
                high: None,
            },
            Some(SortCondition::Compare(op, v)) => {
                let v = bound_of(v);
                match op {
                    CompareOp::Eq => Range {
                        low: Some((v.clone(), true)),
                        high: Some((v, true)),
                    },
                    CompareOp::Lt => Range {
                        low: None,
                        high: Some((v, false)),
                    },
                    CompareOp::Le => Range {
                        low: None,
                        high: Some((v, true)),
                    },
                    CompareOp::Gt => Range {
                        low: Some((v, false)),
                        high: None,
                    },
                    CompareOp::Ge => Range {
                        low: Some((v, true)),
                        high: None,
                    },
                    CompareOp::Ne => Range {
                        low: None,
                        high: None,
                    },
                }
            }
            Some(SortCondition::Between(lo, hi)) => Range {
                low: Some((bound_of(lo), true)),
                high: Some((bound_of(hi), true)),
            },
            Some(SortCondition::BeginsWith(p)) => {
                let prefix = bound_of(p);
                let high = match &prefix {
                    Bound::Bytes(bytes) => {
                        let mut next = bytes.clone();
                        while next.last() == Some(&0xFF) {
                            next.pop();
                        }
                        if let Some(last) = next.last_mut() {
                            *last += 1;
                            Some((Bound::Bytes(next), false))
                        } else {
                            None
                        }
                    }
                    _ => None,
                };
                Range {
                    low: Some((prefix, true)),
                    high,
                }
            }
        }
    }
}

/// Whether two sort-key ranges share no key.
fn disjoint(a: &Range, b: &Range) -> bool {
    let below = |high: &Option<(Bound, bool)>, low: &Option<(Bound, bool)>| match (high, low) {
        (Some((h, h_in)), Some((l, l_in))) => h < l || (h == l && !(*h_in && *l_in)),
        _ => false,
    };
    below(&a.high, &b.low) || below(&b.high, &a.low)
}

// -------------------------------------------------------------------------------------
// Result shaping
// -------------------------------------------------------------------------------------

/// Reshapes an item read with a ProjectionExpression the way ExecuteStatement returns it:
/// each selected path's value becomes a top-level attribute named by the path's last map
/// key, list indexes appended (`SELECT a.b.c` gives `c`, `SELECT a.b[2]` gives `b[2]`).
/// List elements are matched in index order against the densely packed projected lists.
pub fn unnest(item: &Item, paths: &[DocPath]) -> Item {
    #[derive(Default)]
    struct Node {
        children: Vec<(PathElement, Node)>,
    }
    let mut root = Node::default();
    for path in paths {
        let mut node = &mut root;
        for element in &path.elements {
            let at = match node.children.iter().position(|(e, _)| e == element) {
                Some(at) => at,
                None => {
                    node.children.push((element.clone(), Node::default()));
                    node.children.len() - 1
                }
            };
            node = &mut node.children[at].1;
        }
    }
    enum Doc<'a> {
        Map(&'a Item),
        List(&'a [AttributeValue]),
    }
    fn as_doc(value: &AttributeValue) -> Option<Doc<'_>> {
        match value {
            AttributeValue::M(m) => Some(Doc::Map(m)),
            AttributeValue::L(l) => Some(Doc::List(l)),
            _ => None,
        }
    }
    fn walk(doc: Doc<'_>, node: &Node, parent: &str, out: &mut Item) {
        let mut indexes: Vec<(usize, &Node)> = node
            .children
            .iter()
            .filter_map(|(e, n)| {
                if let PathElement::Index(i) = e {
                    Some((*i, n))
                } else {
                    None
                }
            })
            .collect();
        crate::sorting::sort_by_key(&mut indexes, |(i, _)| *i);
        for (dense, (index, child)) in indexes.into_iter().enumerate() {
            let Doc::List(list) = &doc else { break };
            let Some(value) = list.get(dense) else { break };
            let name = format!("{parent}[{index}]");
            visit(value, child, name, out);
        }
        for (element, child) in &node.children {
            let PathElement::Name(key) = element else {
                continue;
            };
            let Doc::Map(map) = &doc else { break };
            if let Some(value) = map.get(key) {
                visit(value, child, key.clone(), out);
            }
        }
    }
    fn visit(value: &AttributeValue, node: &Node, name: String, out: &mut Item) {
        if node.children.is_empty() {
            out.insert(name, value.clone());
        } else if let Some(doc) = as_doc(value) {
            walk(doc, node, &name, out);
        }
    }
    let mut out = Item::new();
    walk(Doc::Map(item), &root, "", &mut out);
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::{IndexShape, parse};
    use super::*;
    use crate::key::KeyAttribute;
    use crate::value::item_from_json;

    fn key(hash: (&str, ScalarType), range: Option<(&str, ScalarType)>) -> KeySchema {
        KeySchema {
            hash: KeyAttribute {
                name: hash.0.into(),
                kind: hash.1,
            },
            range: range.map(|(name, kind)| KeyAttribute {
                name: name.into(),
                kind,
            }),
            more_hash: Vec::new(),
            more_range: Vec::new(),
        }
    }

    /// Tables: `Simple` (pk S), `Composite` (pk S, sk N, index `ByDate` on (pk, date S) and
    /// global index `ByOwner` on owner S), `Numbers` (id N).
    fn schema(table: &str) -> Option<TableShape> {
        match table {
            "Simple" => Some(TableShape {
                key_schema: key(("pk", ScalarType::S), None),
                indexes: vec![],
            }),
            "Composite" => Some(TableShape {
                key_schema: key(("pk", ScalarType::S), Some(("sk", ScalarType::N))),
                indexes: vec![
                    IndexShape {
                        name: "ByDate".into(),
                        key_schema: key(("pk", ScalarType::S), Some(("date", ScalarType::S))),
                    },
                    IndexShape {
                        name: "ByOwner".into(),
                        key_schema: key(("owner", ScalarType::S), None),
                    },
                ],
            }),
            "Numbers" => Some(TableShape {
                key_schema: key(("id", ScalarType::N), None),
                indexes: vec![],
            }),
            _ => None,
        }
    }

    fn run(
        usage: Usage,
        statement: &str,
        params: &[AttributeValue],
    ) -> Result<Translation, DynamoError> {
        translate_for(usage, &parse(statement)?, params, &schema)
    }

    fn ok(statement: &str) -> Translation {
        run(Usage::Statement, statement, &[]).unwrap_or_else(|e| panic!("{statement}: {e}"))
    }

    fn err(statement: &str) -> String {
        run(Usage::Statement, statement, &[])
            .expect_err(statement)
            .message
    }

    fn requests(statement: &str) -> Vec<(&'static str, Value)> {
        match ok(statement) {
            Translation::Read(plan) => plan.requests,
            other => panic!("not a read: {other:?}"),
        }
    }

    fn single(statement: &str) -> (&'static str, Value) {
        let mut all = requests(statement);
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0)
    }

    fn write(statement: &str) -> WritePlan {
        match ok(statement) {
            Translation::Write(plan) => plan,
            other => panic!("not a write: {other:?}"),
        }
    }

    fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.into())
    }

    fn n(text: &str) -> AttributeValue {
        AttributeValue::N(Number::parse(text).unwrap())
    }

    // --- SELECT ------------------------------------------------------------------------

    #[test]
    fn select_without_where_is_a_scan() {
        assert_eq!(
            single(r#"SELECT * FROM "Simple""#),
            ("Scan", json!({"TableName": "Simple"}))
        );
    }

    #[test]
    fn select_with_partition_key_equality_is_a_query() {
        assert_eq!(
            single(r#"SELECT * FROM "Simple" WHERE pk = 'a'"#),
            (
                "Query",
                json!({
                    "TableName": "Simple",
                    "KeyConditionExpression": "#n0 = :v0",
                    "ExpressionAttributeNames": {"#n0": "pk"},
                    "ExpressionAttributeValues": {":v0": {"S": "a"}}
                })
            )
        );
    }

    #[test]
    fn select_moves_one_sort_key_condition_into_the_key_condition() {
        assert_eq!(
            single(r#"SELECT a, b.c FROM "Composite" WHERE pk = 'a' AND sk >= 5 AND x <> 'y'"#),
            (
                "Query",
                json!({
                    "TableName": "Composite",
                    "KeyConditionExpression": "#n0 = :v0 AND #n1 >= :v1",
                    "FilterExpression": "#n2 <> :v2",
                    "ProjectionExpression": "#n3, #n4.#n5",
                    "ExpressionAttributeNames": {"#n0": "pk", "#n1": "sk", "#n2": "x", "#n3": "a", "#n4": "b", "#n5": "c"},
                    "ExpressionAttributeValues": {":v0": {"S": "a"}, ":v1": {"N": "5"}, ":v2": {"S": "y"}}
                })
            )
        );
    }

    #[test]
    fn select_sort_key_between_and_begins_with_become_key_conditions() {
        let (_, q) = single(r#"SELECT * FROM "Composite" WHERE 'a' = pk AND sk BETWEEN 1 AND 9"#);
        assert_eq!(
            q["KeyConditionExpression"],
            "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2"
        );
        let (_, q) = single(
            r#"SELECT * FROM "Composite"."ByDate" WHERE pk = 'a' AND begins_with("date", '2024')"#,
        );
        assert_eq!(q["IndexName"], "ByDate");
        assert_eq!(
            q["KeyConditionExpression"],
            "#n0 = :v0 AND begins_with(#n1, :v1)"
        );
        assert_eq!(
            q["ExpressionAttributeNames"],
            json!({"#n0": "pk", "#n1": "date"})
        );
    }

    #[test]
    fn a_value_on_the_left_of_a_sort_key_comparison_is_flipped() {
        let (_, q) = single(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND 3 < sk"#);
        assert_eq!(q["KeyConditionExpression"], "#n0 = :v0 AND #n1 > :v1");
    }

    #[test]
    fn select_on_a_global_index_queries_by_its_partition_key() {
        let (op, q) = single(r#"SELECT * FROM "Composite"."ByOwner" WHERE owner = 'me'"#);
        assert_eq!(op, "Query");
        assert_eq!(q["IndexName"], "ByOwner");
        assert_eq!(q["ExpressionAttributeNames"], json!({"#n0": "owner"}));
    }

    #[test]
    fn select_without_a_partition_key_equality_is_a_filtered_scan() {
        assert_eq!(
            single(r#"SELECT * FROM "Simple" WHERE pk > 'a' OR x = 1"#),
            (
                "Scan",
                json!({
                    "TableName": "Simple",
                    "FilterExpression": "#n0 > :v0 OR #n1 = :v1",
                    "ExpressionAttributeNames": {"#n0": "pk", "#n1": "x"},
                    "ExpressionAttributeValues": {":v0": {"S": "a"}, ":v1": {"N": "1"}}
                })
            )
        );
        assert_eq!(
            single(r#"SELECT * FROM "Simple" WHERE pk = 'a' OR x = 1"#).0,
            "Scan"
        );
    }

    #[test]
    fn leftover_terms_on_key_attributes_force_a_scan() {
        // A Query filter may not name a key attribute, so these read the whole table.
        assert_eq!(
            single(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk > 1 AND sk < 5"#).0,
            "Scan"
        );
        assert_eq!(
            single(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk <> 1"#).0,
            "Scan"
        );
        assert_eq!(
            single(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND pk = 'b'"#).0,
            "Scan"
        );
        assert_eq!(
            single(r#"SELECT * FROM "Composite"."ByOwner" WHERE owner = 'me' AND sk = 1"#).0,
            "Scan"
        );
    }

    #[test]
    fn partition_key_in_and_or_decompose_into_one_query_per_value() {
        let all = requests(r#"SELECT * FROM "Simple" WHERE pk IN ['a', 'b', 'a'] AND x = 1"#);
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0].1["ExpressionAttributeValues"],
            json!({":v0": {"S": "a"}, ":v1": {"N": "1"}})
        );
        assert_eq!(all[1].1["FilterExpression"], "#n1 = :v1");
        let all = requests(r#"SELECT * FROM "Simple" WHERE pk = 'a' OR pk = 'b' OR pk = 'c'"#);
        assert_eq!(
            all.iter().map(|(op, _)| *op).collect::<Vec<_>>(),
            ["Query", "Query", "Query"]
        );
        let all = requests(r#"SELECT * FROM "Composite" WHERE (pk = 'a' OR pk = 'b') AND sk = 1"#);
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[1].1["KeyConditionExpression"],
            "#n0 = :v0 AND #n1 = :v1"
        );
    }

    #[test]
    fn or_branches_each_keep_their_own_filter() {
        let all = requests(
            r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk = 1 OR pk = 'b' AND x = 2"#,
        );
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].1.get("FilterExpression"), None);
        assert_eq!(all[1].1["FilterExpression"], "#n1 = :v1");
    }

    #[test]
    fn overlapping_branches_on_one_partition_are_refused() {
        assert_eq!(
            err(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND x = '1' OR pk = 'a' AND sk = 2"#),
            OVERLAPPING_RANGES
        );
        assert_eq!(
            err(
                r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk > 1 OR pk = 'a' AND sk BETWEEN 0 AND 3"#
            ),
            OVERLAPPING_RANGES
        );
        // Disjoint sort-key ranges of one partition are fine.
        assert_eq!(
            requests(
                r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk < 1 OR pk = 'a' AND sk >= 1"#
            )
            .len(),
            2
        );
        assert_eq!(
            requests(r#"SELECT * FROM "Composite"."ByDate" WHERE pk = 'a' AND begins_with("date", '2023') OR pk = 'a' AND begins_with("date", '2024')"#).len(),
            2
        );
    }

    #[test]
    fn order_by_the_sort_key_sets_scan_index_forward() {
        let (_, q) = single(r#"SELECT * FROM "Composite" WHERE pk = 'a' ORDER BY sk DESC"#);
        assert_eq!(q["ScanIndexForward"], false);
        let (_, q) = single(r#"SELECT * FROM "Composite" WHERE pk = 'a' ORDER BY sk"#);
        assert_eq!(q["ScanIndexForward"], true);
        let (_, q) = single(r#"SELECT * FROM "Composite" WHERE pk = 'a'"#);
        assert_eq!(q.get("ScanIndexForward"), None);
    }

    #[test]
    fn order_by_is_accepted_when_a_fixed_partition_still_needs_a_scan() {
        let (op, scan) =
            single(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk > 1 AND sk < 5 ORDER BY sk"#);
        assert_eq!(op, "Scan");
        assert_eq!(scan.get("ScanIndexForward"), None);
    }

    #[test]
    fn order_by_the_partition_key_alone_reads_partitions_backwards() {
        let (_, q) = single(r#"SELECT * FROM "Composite" WHERE pk = 'o' ORDER BY pk ASC"#);
        assert_eq!(q["ScanIndexForward"], false);
    }

    #[test]
    fn order_by_the_partition_key_orders_the_queries() {
        let all = requests(
            r#"SELECT * FROM "Composite" WHERE pk IN ['o', 'p', 'a'] ORDER BY pk DESC, sk ASC"#,
        );
        let pks: Vec<&Value> = all
            .iter()
            .map(|(_, q)| &q["ExpressionAttributeValues"][":v0"]["S"])
            .collect();
        assert_eq!(pks, [&json!("p"), &json!("o"), &json!("a")]);
        assert!(all.iter().all(|(_, q)| q["ScanIndexForward"] == true));
        let all = requests(r#"SELECT * FROM "Numbers" WHERE id IN [10, 9, 100] ORDER BY id"#);
        let ids: Vec<&Value> = all
            .iter()
            .map(|(_, q)| &q["ExpressionAttributeValues"][":v0"]["N"])
            .collect();
        assert_eq!(ids, [&json!("9"), &json!("10"), &json!("100")]);
    }

    #[test]
    fn order_by_errors_use_dynamodb_messages() {
        assert_eq!(
            err(r#"SELECT sk FROM "Composite" ORDER BY sk"#),
            ORDER_BY_WITHOUT_WHERE
        );
        assert_eq!(
            err(r#"SELECT sk FROM "Composite" WHERE pk = 'o' ORDER BY Total DESC"#),
            "Attribute Total in ORDER BY clause must be part of the primary key"
        );
        assert_eq!(
            err(r#"SELECT sk FROM "Composite" WHERE pk > 'a' ORDER BY sk"#),
            ORDER_BY_WITHOUT_HASH
        );
        assert_eq!(
            err(r#"SELECT sk FROM "Composite" WHERE pk = 'a' OR x = 1 ORDER BY sk"#),
            ORDER_BY_WITHOUT_HASH
        );
        assert_eq!(
            err(r#"SELECT sk FROM "Composite" WHERE pk IN ['o', 'p'] AND sk <> 1 ORDER BY sk"#),
            ORDER_BY_MANY_HASHES
        );
        assert_eq!(
            err(r#"SELECT sk FROM "Composite" WHERE pk IN ['o', 'p'] ORDER BY sk DESC"#),
            ORDER_BY_MANY_HASHES
        );
        assert_eq!(
            err(r#"SELECT sk FROM "Composite" WHERE pk = 'o' ORDER BY a.b"#),
            "Argument to ORDER BY must be of type VariableReference. Type: PATH"
        );
    }

    #[test]
    fn a_partition_key_of_the_wrong_type_is_refused() {
        assert_eq!(
            err(r#"SELECT * FROM "Simple" WHERE pk = 1"#),
            "Key attribute's data type should match its data type in table's schema: Key pk"
        );
        assert_eq!(
            err(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk = 'x'"#),
            "Key attribute's data type should match its data type in table's schema: Key sk"
        );
    }

    #[test]
    fn select_on_a_missing_index_names_it() {
        assert_eq!(
            err(r#"SELECT * FROM "Composite"."Nope" WHERE pk = 'a'"#),
            "The table does not have the specified index: Nope"
        );
    }

    #[test]
    fn too_many_partitions_are_refused() {
        let values: Vec<String> = (0..101).map(|i| format!("'k{i}'")).collect();
        assert_eq!(
            err(&format!(
                r#"SELECT * FROM "Simple" WHERE pk IN [{}]"#,
                values.join(", ")
            )),
            TOO_MANY_READS
        );
    }

    // --- Conditions --------------------------------------------------------------------

    fn filter(where_clause: &str) -> (String, Value, Value) {
        let (_, q) = single(&format!(r#"SELECT * FROM "Simple" WHERE {where_clause}"#));
        (
            q["FilterExpression"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            q.get("ExpressionAttributeNames")
                .cloned()
                .unwrap_or(Value::Null),
            q.get("ExpressionAttributeValues")
                .cloned()
                .unwrap_or(Value::Null),
        )
    }

    #[test]
    fn conditions_translate_operators_and_functions() {
        assert_eq!(filter("a != 1").0, "#n0 <> :v0");
        assert_eq!(filter("a BETWEEN 1 AND 2").0, "#n0 BETWEEN :v0 AND :v1");
        assert_eq!(
            filter("a NOT BETWEEN 1 AND 2").0,
            "NOT (#n0 BETWEEN :v0 AND :v1)"
        );
        assert_eq!(filter("a IN (1, 2)").0, "#n0 IN (:v0, :v1)");
        assert_eq!(filter("a NOT IN [1]").0, "NOT (#n0 IN (:v0))");
        assert_eq!(filter("begins_with(a, 'x')").0, "begins_with(#n0, :v0)");
        assert_eq!(filter("contains(a, 'x')").0, "contains(#n0, :v0)");
        assert_eq!(filter("size(a.b[1]) > 3").0, "size(#n0.#n1[1]) > :v0");
        assert_eq!(
            filter("attribute_type(a, 'S')").0,
            "attribute_type(#n0, :v0)"
        );
    }

    #[test]
    fn is_tests_translate_to_existence_null_and_type_checks() {
        assert_eq!(filter("a IS MISSING").0, "attribute_not_exists(#n0)");
        assert_eq!(filter("a IS NOT MISSING").0, "attribute_exists(#n0)");
        let (text, _, values) = filter("a IS NULL");
        assert_eq!(text, "#n0 = :v0");
        assert_eq!(values, json!({":v0": {"NULL": true}}));
        assert_eq!(filter("a IS NOT NULL").0, "NOT (#n0 = :v0)");
        let (text, _, values) = filter("a IS STRING AND b IS NOT TUPLE");
        assert_eq!(
            text,
            "attribute_type(#n0, :v0) AND NOT (attribute_type(#n1, :v1))"
        );
        assert_eq!(values, json!({":v0": {"S": "S"}, ":v1": {"S": "M"}}));
    }

    #[test]
    fn parentheses_are_emitted_only_where_precedence_needs_them() {
        assert_eq!(
            filter("(a = 1 OR b = 2) AND NOT (c = 3 AND d = 4)").0,
            "(#n0 = :v0 OR #n1 = :v1) AND NOT (#n2 = :v2 AND #n3 = :v3)"
        );
        assert_eq!(
            filter("a = 1 OR b = 2 AND c = 3").0,
            "#n0 = :v0 OR #n1 = :v1 AND #n2 = :v2"
        );
    }

    #[test]
    fn the_same_name_reuses_its_placeholder() {
        let (text, names, _) = filter("a = 1 OR a = 2");
        assert_eq!(text, "#n0 = :v0 OR #n0 = :v1");
        assert_eq!(names, json!({"#n0": "a"}));
    }

    #[test]
    fn quoted_names_with_spaces_and_dots_are_single_path_steps() {
        let (text, names, _) = filter(r#""a b"."c.d" = 1"#);
        assert_eq!(text, "#n0.#n1 = :v0");
        assert_eq!(names, json!({"#n0": "a b", "#n1": "c.d"}));
    }

    #[test]
    fn literals_convert_to_attribute_values() {
        let (_, _, values) = filter(
            r#"a IN ['s', 1.50, -0, TRUE, NULL, [1, 'x'], {'k': {'n': 2}}, <<'p', 'q'>>, <<3, 1>>]"#,
        );
        assert_eq!(
            values,
            json!({
                ":v0": {"S": "s"}, ":v1": {"N": "1.5"}, ":v2": {"N": "0"}, ":v3": {"BOOL": true},
                ":v4": {"NULL": true}, ":v5": {"L": [{"N": "1"}, {"S": "x"}]},
                ":v6": {"M": {"k": {"M": {"n": {"N": "2"}}}}}, ":v7": {"SS": ["p", "q"]}, ":v8": {"NS": ["3", "1"]}
            })
        );
    }

    #[test]
    fn where_must_be_a_boolean_condition() {
        assert_eq!(err(r#"SELECT * FROM "Simple" WHERE a"#), NOT_BOOLEAN);
        assert_eq!(err(r#"SELECT * FROM "Simple" WHERE size(a)"#), NOT_BOOLEAN);
        assert_eq!(
            err(r#"SELECT * FROM "Simple" WHERE a = 1 AND b"#),
            AND_OR_OPERANDS
        );
        assert_eq!(err(r#"SELECT * FROM "Simple" WHERE NOT 1"#), NOT_OPERAND);
    }

    #[test]
    fn condition_errors_use_dynamodb_messages() {
        assert_eq!(
            err(r#"SELECT * FROM "Simple" WHERE a = MISSING"#),
            MISSING_COMPARED
        );
        assert_eq!(err(r#"SELECT * FROM "Simple" WHERE a IN b"#), IN_OPERANDS);
        assert_eq!(err(r#"SELECT * FROM "Simple" WHERE a IN []"#), IN_OPERANDS);
        assert_eq!(
            err(r#"SELECT * FROM "Simple" WHERE nope(a)"#),
            "Unrecognized function: nope"
        );
        assert_eq!(
            err(r#"SELECT * FROM "Simple" WHERE size() > 2"#),
            "Incorrect number of operands for operator or function; operator or function: size, number of operands: 0"
        );
        assert_eq!(
            err(r#"SELECT * FROM "Simple" WHERE begins_with(a)"#),
            "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"
        );
        assert_eq!(
            err(r#"SELECT * FROM "Simple" WHERE a + 1 > 2"#),
            "Unsupported operator in Condition Expression. Operator: +"
        );
        assert_eq!(
            err(r#"SELECT * FROM "Simple" WHERE a LIKE 'x%'"#),
            "Unsupported operator in Condition Expression. Operator: like"
        );
        assert_eq!(
            err(r#"SELECT * FROM "Simple" WHERE (a = 1) IS NULL"#),
            IS_OPERAND
        );
        assert_eq!(
            err(r#"SELECT * FROM "Simple" WHERE a IS INT"#),
            "Unsupported data type for IS operator: INTEGER. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"
        );
    }

    #[test]
    fn path_errors_use_dynamodb_messages() {
        assert_eq!(
            err(r#"SELECT a[*] FROM "Simple""#),
            "Wildcard path component like a[*].b are not supported"
        );
        assert_eq!(
            err(r#"SELECT a.* FROM "Simple""#),
            "Unpivot path component like a.*.b are not supported"
        );
        assert_eq!(
            err(r#"SELECT * FROM "Simple" WHERE a[-1] = 1"#),
            "List index is not within the allowable range; index: [-1]"
        );
        assert_eq!(
            err(r#"SELECT * FROM "Simple" WHERE a[3000000000] = 1"#),
            "List index is not within the allowable range; index: [3000000000]"
        );
        assert_eq!(
            err(r#"SELECT * FROM "Simple" WHERE [1, 2][0] = 1"#),
            "A path cannot start with a list index"
        );
        assert_eq!(
            err(r#"SELECT * FROM "Simple" WHERE "" = 1"#),
            EMPTY_PATH_COMPONENT
        );
    }

    #[test]
    fn number_literals_outside_dynamodb_range_name_their_path() {
        assert_eq!(
            err(r#"SELECT * FROM "Numbers" WHERE id = 1e126"#),
            "Number overflow. Attempting to store a number with magnitude larger than supported range under root"
        );
        assert_eq!(
            err(r#"SELECT * FROM "Numbers" WHERE id = 1e-131"#),
            "Number underflow. Attempting to store a number with magnitude smaller than supported range under root"
        );
        assert_eq!(
            err(r#"SELECT * FROM "Numbers" WHERE id = 123456789012345678901234567890123456789"#),
            "Attempting to store more than 38 significant digits in a Number under root"
        );
        assert_eq!(
            err(r#"INSERT INTO "Numbers" VALUE {'id': 1, 'm': {'x': 1e126}}"#),
            "Number overflow. Attempting to store a number with magnitude larger than supported range under root.x"
        );
        assert_eq!(
            err(r#"INSERT INTO "Numbers" VALUE {'id': 1, 'l': [1, 1e126]}"#),
            "Number overflow. Attempting to store a number with magnitude larger than supported range under root[1]"
        );
        assert_eq!(
            err(r#"INSERT INTO "Numbers" VALUE {'id': 1, 'z': -0.0}"#),
            "Negative zero decimal is not supported under key root"
        );
    }

    #[test]
    fn bags_become_sets_of_one_type() {
        assert_eq!(
            err(r#"INSERT INTO "Simple" VALUE {'pk': 'a', 's': <<>>}"#),
            EMPTY_BAG
        );
        assert_eq!(
            err(r#"INSERT INTO "Simple" VALUE {'pk': 'a', 's': <<1, 'a'>>}"#),
            BAG_TYPES
        );
        assert_eq!(
            err(r#"INSERT INTO "Simple" VALUE {'pk': 'a', 's': <<[1]>>}"#),
            BAG_TYPES
        );
        assert_eq!(
            err(r#"INSERT INTO "Simple" VALUE {'pk': 'a', 's': <<'a', 'a'>>}"#),
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates."
        );
        assert!(
            err(r#"INSERT INTO "Simple" VALUE {'pk': 'a', 's': <<1, 1.0>>}"#)
                .contains("[1, 1] contains duplicates")
        );
        let blob = AttributeValue::B(vec![1, 2]);
        let t = run(
            Usage::Statement,
            r#"INSERT INTO "Simple" VALUE {'pk': 'a', 'b': <<?, ?>>}"#,
            &[blob.clone(), AttributeValue::B(vec![3])],
        )
        .unwrap();
        let Translation::Write(w) = t else { panic!() };
        assert_eq!(w.request["Item"]["b"], json!({"BS": ["AQI=", "Aw=="]}));
    }

    // --- Parameters --------------------------------------------------------------------

    #[test]
    fn parameters_bind_in_order() {
        let t = run(
            Usage::Statement,
            r#"SELECT * FROM "Composite" WHERE pk = ? AND sk > ?"#,
            &[s("a"), n("3")],
        )
        .unwrap();
        let Translation::Read(plan) = t else { panic!() };
        assert_eq!(
            plan.requests[0].1["ExpressionAttributeValues"],
            json!({":v0": {"S": "a"}, ":v1": {"N": "3"}})
        );
    }

    #[test]
    fn the_parameter_count_must_match() {
        let e = run(
            Usage::Statement,
            r#"SELECT * FROM "Simple" WHERE pk = ?"#,
            &[],
        )
        .unwrap_err();
        assert_eq!(e.message, PARAMETER_COUNT);
        let e = run(
            Usage::Statement,
            r#"SELECT * FROM "Simple" WHERE pk = 'a'"#,
            &[s("x")],
        )
        .unwrap_err();
        assert_eq!(e.message, PARAMETER_COUNT);
    }

    #[test]
    fn parameters_may_be_any_attribute_value() {
        let list = AttributeValue::L(vec![s("x")]);
        let t = run(
            Usage::Statement,
            r#"INSERT INTO "Simple" VALUE {'pk': ?, 'l': ?, 'm': {'in': ?}}"#,
            &[s("k"), list.clone(), list],
        )
        .unwrap();
        let Translation::Write(w) = t else { panic!() };
        assert_eq!(
            w.request["Item"],
            json!({"pk": {"S": "k"}, "l": {"L": [{"S": "x"}]}, "m": {"M": {"in": {"L": [{"S": "x"}]}}}})
        );
    }

    // --- INSERT ------------------------------------------------------------------------

    #[test]
    fn insert_is_a_put_conditioned_on_the_item_not_existing() {
        let w = write(
            r#"INSERT INTO "Composite" VALUE {'pk': 'a', 'sk': 1, 'n': 1.5, 'l': [1, 'two'], 'ns': <<1, 2>>}"#,
        );
        assert_eq!(w.kind, WriteKind::Insert);
        assert_eq!(w.operation, "PutItem");
        assert_eq!(
            w.request,
            json!({
                "TableName": "Composite",
                "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "n": {"N": "1.5"}, "l": {"L": [{"N": "1"}, {"S": "two"}]}, "ns": {"NS": ["1", "2"]}},
                "ConditionExpression": "attribute_not_exists(#n0)",
                "ExpressionAttributeNames": {"#n0": "pk"}
            })
        );
        assert_eq!(w.transact_item()["Put"]["TableName"], "Composite");
    }

    #[test]
    fn insert_item_errors_use_dynamodb_messages() {
        assert_eq!(
            err(r#"INSERT INTO "Composite" VALUE {'pk': 'a'}"#),
            "Key attribute should be present in the item: Key sk"
        );
        assert_eq!(
            err(r#"INSERT INTO "Composite" VALUE {'pk': 'a', 'sk': 'x'}"#),
            "Key attribute's data type should match its data type in table's schema: Key sk"
        );
        assert_eq!(
            err(r#"INSERT INTO "Simple" VALUE {'pk': 'a', 'pk': 'b'}"#),
            "Duplicate keys in tuple. Key: pk under root at 1:40:4"
        );
        assert_eq!(
            err(r#"INSERT INTO "Simple" VALUE {'pk': 'a', 'm': {'k': 1, 'k': 2}}"#),
            "Duplicate keys in tuple. Key: k under root"
        );
        assert_eq!(
            err(r#"INSERT INTO "Simple" VALUE {"pk": 'a'}"#),
            "Tuple keys must be of type String. Actual type: VariableReference under root at 1:29:4"
        );
        assert_eq!(
            err(r#"INSERT INTO "Simple" VALUE {'pk': a}"#),
            "Unsupported data type: a under key root at 1:35:1"
        );
        assert_eq!(
            err(r#"INSERT INTO "Simple" VALUE [1]"#),
            format!("{INSERT_NOT_STRUCT} at 1:28:1")
        );
    }

    // --- UPDATE ------------------------------------------------------------------------

    #[test]
    fn update_is_an_update_item_on_the_where_key() {
        let w = write(
            r#"UPDATE "Composite" SET a = 1, b.c = 'x', l[0] = ?, n = n + 1 REMOVE d SET s = set_add(s, <<'x'>>), t = set_delete(t, <<2>>), l2 = list_append(l2, [1]) WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *"#
                .replace('?', "'p'")
                .as_str(),
        );
        assert_eq!(w.kind, WriteKind::Update);
        assert_eq!(w.operation, "UpdateItem");
        assert_eq!(
            w.request,
            json!({
                "TableName": "Composite",
                "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
                "UpdateExpression": "SET #n0 = :v0, #n1.#n2 = :v1, #n3[0] = :v2, #n4 = #n4 + :v3, #n8 = list_append(#n8, :v6) REMOVE #n5 ADD #n6 :v4 DELETE #n7 :v5",
                "ConditionExpression": "attribute_exists(#n9)",
                "ExpressionAttributeNames": {"#n0": "a", "#n1": "b", "#n2": "c", "#n3": "l", "#n4": "n", "#n5": "d", "#n6": "s", "#n7": "t", "#n8": "l2", "#n9": "pk"},
                "ExpressionAttributeValues": {
                    ":v0": {"N": "1"}, ":v1": {"S": "x"}, ":v2": {"S": "p"}, ":v3": {"N": "1"},
                    ":v4": {"SS": ["x"]}, ":v5": {"NS": ["2"]}, ":v6": {"L": [{"N": "1"}]}
                },
                "ReturnValues": "ALL_NEW"
            })
        );
        assert_eq!(w.returning, Some(Returning::AllNew));
        assert_eq!(w.transact_item()["Update"].get("ReturnValues"), None);
    }

    #[test]
    fn update_conditions_hold_with_the_item_existing() {
        let w = write(r#"UPDATE "Simple" SET a = 1 WHERE pk = 'a' AND (x = 1 OR y = 2)"#);
        assert_eq!(
            w.request["ConditionExpression"],
            "attribute_exists(#n1) AND (#n2 = :v1 OR #n3 = :v2)"
        );
    }

    #[test]
    fn update_returning_maps_to_return_values() {
        for (clause, value) in [
            ("ALL OLD", "ALL_OLD"),
            ("MODIFIED OLD", "UPDATED_OLD"),
            ("ALL NEW", "ALL_NEW"),
            ("MODIFIED NEW", "UPDATED_NEW"),
        ] {
            let w = write(&format!(
                r#"UPDATE "Simple" SET a = 1 WHERE pk = 'a' RETURNING {clause} *"#
            ));
            assert_eq!(w.request["ReturnValues"], value, "{clause}");
        }
    }

    #[test]
    fn update_needs_the_full_key_by_equality() {
        assert_eq!(
            err(r#"UPDATE "Composite" SET a = 1 WHERE pk = 'a'"#),
            MANDATORY_KEY
        );
        assert_eq!(err(r#"UPDATE "Composite" SET a = 1"#), MANDATORY_KEY);
        assert_eq!(err(r#"FROM "Composite" SET c = 1"#), MANDATORY_KEY);
        assert_eq!(
            err(r#"UPDATE "Composite" SET a = 1 WHERE pk = 'a' OR sk = 1"#),
            MANDATORY_KEY
        );
        assert_eq!(
            err(r#"UPDATE "Composite" SET a = 1 WHERE pk = 'a' AND sk > 1"#),
            MANDATORY_KEY
        );
        assert_eq!(
            err(r#"UPDATE "Simple" SET a = 1 WHERE pk = 'a' AND pk = 'b'"#),
            "Multiple conditions on same key pk. Only single item Update/Insert/Delete are supported"
        );
        assert!(ok(r#"UPDATE "Simple" SET a = 1 WHERE pk = 'a' AND pk = 'a'"#).table() == "Simple");
        assert_eq!(
            err(r#"UPDATE "Simple" SET a = 1 WHERE pk = [1]"#),
            "Key value must be of type S, N, or B. Key name: pk, Key type: L"
        );
        assert_eq!(
            err(r#"UPDATE "Simple" SET a = 1 WHERE pk = 1"#),
            "Key attribute's data type should match its data type in table's schema: Key pk"
        );
    }

    #[test]
    fn set_add_and_set_delete_are_checked() {
        let prefix = r#"UPDATE "Simple" SET Other = "#;
        let col = prefix.chars().count() + 1;
        assert_eq!(
            err(&format!(
                "{prefix}set_add(BandMembers, <<'x'>>) WHERE pk = 'a'"
            )),
            format!("The first argument to SET_ADD must equal the assignment value at 1:{col}:7")
        );
        assert_eq!(
            err(&format!("{prefix}set_delete(Other) WHERE pk = 'a'")),
            format!("SET_DELETE must have exactly two arguments at 1:{col}:10")
        );
        assert_eq!(
            err(&format!("{prefix}set_add(Other, 'x') WHERE pk = 'a'")),
            format!(
                "The second argument to SET_ADD must be a value with type SET at 1:{}:5",
                col + 8
            )
        );
    }

    #[test]
    fn update_value_errors_use_dynamodb_messages() {
        assert_eq!(
            err(r#"UPDATE "Simple" SET a = b * 2 WHERE pk = 'a'"#),
            "Unsupported operator in Update Expression. Operator: *"
        );
        assert_eq!(
            err(r#"UPDATE "Simple" SET a = b - 1 + 2 WHERE pk = 'a'"#),
            "Unsupported operator in Update Expression. Operator: +"
        );
        assert_eq!(
            err(r#"UPDATE "Simple" SET a = b + (c - 2) WHERE pk = 'a'"#),
            "Unsupported operator in Update Expression. Operator: -"
        );
        assert_eq!(
            err(r#"UPDATE "Simple" SET a = b IS NULL WHERE pk = 'a'"#),
            IS_IN_UPDATE
        );
        assert_eq!(
            err(r#"UPDATE "Simple" SET a = MISSING WHERE pk = 'a'"#),
            MISSING_COMPARED
        );
        assert_eq!(
            err(r#"UPDATE "Simple" SET a = nope(b) WHERE pk = 'a'"#),
            "Unrecognized function: nope"
        );
        assert_eq!(
            err(r#"UPDATE "Simple" SET 'a' = 1 WHERE pk = 'a'"#),
            "Unrecognized assignment target: \"a\""
        );
    }

    // --- DELETE ------------------------------------------------------------------------

    #[test]
    fn delete_is_a_delete_item_on_the_where_key() {
        let w = write(r#"DELETE FROM "Composite" WHERE pk = 'a' AND sk = 1"#);
        assert_eq!(w.operation, "DeleteItem");
        assert_eq!(
            w.request,
            json!({"TableName": "Composite", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}})
        );
    }

    #[test]
    fn delete_conditions_apply_only_to_an_existing_item() {
        let w = write(
            r#"DELETE FROM "Simple" WHERE pk = 'a' AND x = 1 AND NOT begins_with(y, 'z') RETURNING ALL OLD *"#,
        );
        assert_eq!(
            w.request,
            json!({
                "TableName": "Simple",
                "Key": {"pk": {"S": "a"}},
                "ConditionExpression": "attribute_not_exists(#n0) OR #n1 = :v0 AND NOT (begins_with(#n2, :v1))",
                "ExpressionAttributeNames": {"#n0": "pk", "#n1": "x", "#n2": "y"},
                "ExpressionAttributeValues": {":v0": {"N": "1"}, ":v1": {"S": "z"}},
                "ReturnValues": "ALL_OLD"
            })
        );
        assert_eq!(w.transact_item()["Delete"].get("ReturnValues"), None);
    }

    #[test]
    fn delete_allows_only_returning_all_old() {
        for clause in ["MODIFIED OLD", "ALL NEW", "MODIFIED NEW"] {
            assert_eq!(
                err(&format!(
                    r#"DELETE FROM "Simple" WHERE pk = 'a' RETURNING {clause} *"#
                )),
                format!(
                    "Invalid returning clause: RETURNING {clause} *. Only RETURNING ALL OLD * is allowed in DELETE statements."
                )
            );
        }
        assert_eq!(
            err(r#"DELETE FROM "Simple" WHERE x = 'alpha'"#),
            MANDATORY_KEY
        );
        assert_eq!(err(r#"DELETE FROM "Simple""#), MANDATORY_KEY);
    }

    // --- Tables ------------------------------------------------------------------------

    #[test]
    fn a_missing_table_is_resource_not_found() {
        let e = run(
            Usage::Statement,
            r#"SELECT * FROM "Nowhere" WHERE pk = 'a'"#,
            &[],
        )
        .unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::ResourceNotFoundException);
        assert_eq!(e.message, "Requested resource not found");
        let e = run(
            Usage::Statement,
            r#"FROM "Nowhere" WHERE pk = 'x' SET c = 1"#,
            &[],
        )
        .unwrap_err();
        assert_eq!(e.message, "Requested resource not found");
    }

    #[test]
    fn literal_errors_come_before_the_table_lookup() {
        assert_eq!(
            err(r#"INSERT INTO "Nowhere" VALUE {'pk': 1e126}"#),
            "Number overflow. Attempting to store a number with magnitude larger than supported range under root"
        );
    }

    #[test]
    fn table_names_must_be_valid() {
        assert_eq!(err(r#"SELECT * FROM "ab""#), TABLE_NAME);
        assert_eq!(err(r#"SELECT * FROM "a b c""#), TABLE_NAME);
    }

    // --- Batches and transactions -------------------------------------------------------

    #[test]
    fn exists_outside_a_transaction_is_refused() {
        let statement = r#"EXISTS(SELECT * FROM "Simple" WHERE pk = 'a' AND x IS MISSING)"#;
        assert_eq!(
            run(Usage::Statement, statement, &[]).unwrap_err().message,
            EXISTS_OUTSIDE_TRANSACTION
        );
        assert_eq!(
            run(Usage::Batch, statement, &[]).unwrap_err().message,
            EXISTS_OUTSIDE_TRANSACTION
        );
    }

    #[test]
    fn exists_is_a_condition_check_on_an_existing_item() {
        let t = run(
            Usage::Transaction,
            r#"EXISTS(SELECT * FROM "Composite" WHERE pk = 'x1' AND sk = 1 AND Awards IS MISSING)"#,
            &[],
        )
        .unwrap();
        let Translation::Check(c) = t else { panic!() };
        assert_eq!(
            c.transact_item(),
            json!({"ConditionCheck": {
                "TableName": "Composite",
                "Key": {"pk": {"S": "x1"}, "sk": {"N": "1"}},
                "ConditionExpression": "attribute_exists(#n0) AND attribute_not_exists(#n1)",
                "ExpressionAttributeNames": {"#n0": "pk", "#n1": "Awards"}
            }})
        );
    }

    #[test]
    fn exists_needs_the_key_and_another_condition() {
        let e = |s: &str| run(Usage::Transaction, s, &[]).unwrap_err().message;
        assert_eq!(
            e(r#"EXISTS(SELECT * FROM "Composite" WHERE pk = 'x1' AND sk = 1)"#),
            EXISTS_SHAPE
        );
        assert_eq!(
            e(r#"EXISTS(SELECT * FROM "Composite" WHERE pk = 'x1' AND a = 1)"#),
            EXISTS_SHAPE
        );
        assert_eq!(e(r#"EXISTS(SELECT * FROM "Composite")"#), EXISTS_SHAPE);
        assert_eq!(
            e(r#"EXISTS(SELECT * FROM "Composite"."ByDate" WHERE pk = 'x1' AND a = 1)"#),
            TRANSACTION_INDEX_CHECK
        );
    }

    #[test]
    fn selects_in_batches_and_transactions_are_single_item_gets() {
        let t = run(
            Usage::Transaction,
            r#"SELECT a, b.c FROM "Composite" WHERE sk = 2 AND pk = 'k'"#,
            &[],
        )
        .unwrap();
        let Translation::Get(g) = t else { panic!() };
        assert_eq!(
            g.transact_item(),
            json!({"Get": {
                "TableName": "Composite",
                "Key": {"pk": {"S": "k"}, "sk": {"N": "2"}},
                "ProjectionExpression": "#n0, #n1.#n2",
                "ExpressionAttributeNames": {"#n0": "a", "#n1": "b", "#n2": "c"}
            }})
        );
        let t = run(
            Usage::Batch,
            r#"SELECT * FROM "Simple" WHERE pk = 'k'"#,
            &[],
        )
        .unwrap();
        assert_eq!(
            t,
            Translation::Get(GetPlan {
                table: "Simple".into(),
                request: json!({"TableName": "Simple", "Key": {"pk": {"S": "k"}}}),
                projection: None
            })
        );
    }

    #[test]
    fn selects_in_batches_and_transactions_refuse_anything_but_the_key() {
        let e = |u: Usage, s: &str| run(u, s, &[]).unwrap_err().message;
        assert_eq!(
            e(Usage::Batch, r#"SELECT * FROM "Composite" WHERE pk = 'k'"#),
            BATCH_SELECT
        );
        assert_eq!(
            e(
                Usage::Batch,
                r#"SELECT * FROM "Simple" WHERE pk = 'k' AND x = 1"#
            ),
            BATCH_SELECT
        );
        assert_eq!(
            e(
                Usage::Transaction,
                r#"SELECT * FROM "Simple" WHERE pk > 'k'"#
            ),
            TRANSACTION_SELECT
        );
        assert_eq!(
            e(
                Usage::Transaction,
                r#"SELECT * FROM "Composite"."ByDate" WHERE pk = 'k'"#
            ),
            TRANSACTION_INDEX_READ
        );
        assert_eq!(
            e(Usage::Transaction, r#"SELECT * FROM "Simple" WHERE pk = 2"#),
            "Key attribute's data type should match its data type in table's schema: Key pk"
        );
    }

    // --- The engine reads what we write ----------------------------------------------

    /// Parses every expression of a request with the engine's own expression module, as
    /// the operation will, and refuses unused placeholders.
    pub(crate) fn engine_reads(body: &Value) -> Result<(), DynamoError> {
        use crate::expr::{self, ExpressionKind, Substitutions};
        let names: Option<std::collections::BTreeMap<String, String>> = body
            .get("ExpressionAttributeNames")
            .map(|n| serde_json::from_value(n.clone()).expect("names are strings"));
        let values: Option<Item> = body
            .get("ExpressionAttributeValues")
            .map(|v| item_from_json(&v.to_string()))
            .transpose()?;
        let mut subs = Substitutions::new(names.as_ref(), values.as_ref())?;
        let text = |member: &str| body.get(member).and_then(Value::as_str);
        if let Some(t) = text("KeyConditionExpression") {
            expr::parse_key_condition(t, &mut subs)?;
        }
        if let Some(t) = text("FilterExpression") {
            expr::parse_condition(t, ExpressionKind::Filter, &mut subs)?;
        }
        if let Some(t) = text("ConditionExpression") {
            expr::parse_condition(t, ExpressionKind::Condition, &mut subs)?;
        }
        if let Some(t) = text("UpdateExpression") {
            expr::parse_update(t, &mut subs)?;
        }
        if let Some(t) = text("ProjectionExpression") {
            expr::parse_projection(t, &mut subs)?;
        }
        subs.finish()
    }

    fn bodies(t: &Translation) -> Vec<Value> {
        match t {
            Translation::Read(p) => p.requests.iter().map(|(_, b)| b.clone()).collect(),
            Translation::Get(p) => vec![p.request.clone()],
            Translation::Write(p) => vec![p.request.clone()],
            Translation::Check(p) => vec![p.request.clone()],
        }
    }

    #[test]
    fn the_engine_parses_every_expression_we_emit() {
        let statements = [
            (
                Usage::Statement,
                r#"SELECT a, b.c[2], "x y" FROM "Composite" WHERE pk = 'a' AND sk BETWEEN 1 AND 3 AND (x = 1 OR NOT y IS MISSING) ORDER BY sk DESC"#,
            ),
            (
                Usage::Statement,
                r#"SELECT * FROM "Composite"."ByDate" WHERE pk IN ['a', 'b'] AND begins_with("date", '2') AND size(l) >= 2 AND contains(t, 'q')"#,
            ),
            (
                Usage::Statement,
                r#"SELECT * FROM "Simple" WHERE NOT (a IN (1, 2, 3)) AND b NOT BETWEEN 'a' AND 'c' OR c IS NOT NULL AND d IS LIST"#,
            ),
            (
                Usage::Statement,
                r#"SELECT * FROM "Simple" WHERE attribute_type(a, 'N') AND attribute_exists(b) AND attribute_not_exists(c.d[0])"#,
            ),
            (
                Usage::Statement,
                r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk < 1 OR pk = 'b' AND (x <> 1 OR y = 2)"#,
            ),
            (
                Usage::Statement,
                r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk > 1 AND sk < 5 AND NOT NOT a = 1"#,
            ),
            (
                Usage::Statement,
                r#"INSERT INTO "Composite" VALUE {'pk': 'a', 'sk': 1, 'm': {'l': [<<'a'>>, NULL, TRUE]}}"#,
            ),
            (
                Usage::Statement,
                r#"UPDATE "Composite" SET a = 1, b.c[0] = 'x' SET n = n - 1, o = if_not_exists(o, 0) + 1, l = list_append([0], l) REMOVE r[1] SET s = set_delete(s, <<1>>) WHERE pk = 'a' AND sk = 1 AND (v = 1 OR w IS MISSING) RETURNING MODIFIED OLD *"#,
            ),
            (
                Usage::Statement,
                r#"DELETE FROM "Composite" WHERE sk = 1 AND pk = 'a' AND (x = 1 OR y = 2) AND z IS NULL"#,
            ),
            (Usage::Batch, r#"SELECT a FROM "Simple" WHERE pk = 'a'"#),
            (
                Usage::Transaction,
                r#"EXISTS(SELECT * FROM "Composite" WHERE pk = 'a' AND sk = 1 AND (a = 1 OR b = 2))"#,
            ),
        ];
        for (usage, statement) in statements {
            let t = run(usage, statement, &[]).unwrap_or_else(|e| panic!("{statement}: {e}"));
            for body in bodies(&t) {
                engine_reads(&body).unwrap_or_else(|e| panic!("{statement}\n{body}\n{e}"));
            }
        }
    }

    // --- Shaping -----------------------------------------------------------------------

    fn item(json: &str) -> Item {
        item_from_json(json).unwrap()
    }

    fn paths(statement: &str) -> Vec<DocPath> {
        match ok(statement) {
            Translation::Read(plan) => plan.projection.unwrap(),
            _ => panic!(),
        }
    }

    #[test]
    fn nested_selections_come_back_under_their_last_name() {
        let projected = item(
            r#"{"pk":{"S":"k"},"mymap":{"M":{"nested":{"S":"deep"}}},"l":{"L":[{"S":"b"},{"S":"d"}]}}"#,
        );
        let shaped = unnest(
            &projected,
            &paths(r#"SELECT pk, mymap.nested, l[1], l[3] FROM "Simple""#),
        );
        assert_eq!(
            shaped,
            item(r#"{"pk":{"S":"k"},"nested":{"S":"deep"},"l[1]":{"S":"b"},"l[3]":{"S":"d"}}"#)
        );
    }

    #[test]
    fn list_indexes_below_a_map_key_keep_the_key_name() {
        let projected = item(r#"{"a":{"M":{"b":{"L":[{"N":"7"}]}}}}"#);
        assert_eq!(
            unnest(&projected, &paths(r#"SELECT a.b[2] FROM "Simple""#)),
            item(r#"{"b[2]":{"N":"7"}}"#)
        );
    }

    #[test]
    fn missing_selections_are_left_out() {
        let projected = item(r#"{"pk":{"S":"k"}}"#);
        assert_eq!(
            unnest(&projected, &paths(r#"SELECT pk, x.y FROM "Simple""#)),
            item(r#"{"pk":{"S":"k"}}"#)
        );
    }

    #[test]
    fn select_star_items_are_returned_unchanged() {
        let Translation::Read(plan) = ok(r#"SELECT * FROM "Simple""#) else {
            panic!()
        };
        let it = item(r#"{"pk":{"S":"k"},"m":{"M":{"a":{"N":"1"}}}}"#);
        assert_eq!(plan.shape_item(&it), it);
    }
}
