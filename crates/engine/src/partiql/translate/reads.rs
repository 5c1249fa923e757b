//! Reads: a SELECT in ExecuteStatement as Queries (one per partition its WHERE reads) or
//! one Scan, with ORDER BY; a single-item SELECT in a batch or transaction as GetItem; and
//! EXISTS as a ConditionCheck.

use serde_json::{Map, Value, json};

use super::branches::{SortCondition, bound_of};
use super::builder::{AND, Builder, wrap};
use super::keys::{KeyFailure, KeyMode, check_key_types, fixes_hash};
use super::{
    BATCH_SELECT, CheckPlan, EXISTS_SHAPE, GetPlan, ORDER_BY_MANY_HASHES, ORDER_BY_WITHOUT_HASH,
    ORDER_BY_WITHOUT_WHERE, ReadPlan, TRANSACTION_INDEX_READ, TRANSACTION_SELECT, Translator,
};
use crate::error::DynamoError;
use crate::partiql::ast::*;
use crate::partiql::{TableShape, Usage, validation};

impl Translator<'_> {
    pub(super) fn check(
        &self,
        select: &Select,
        shape: &TableShape,
    ) -> Result<CheckPlan, DynamoError> {
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
    pub(super) fn get(
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

    pub(super) fn select(
        &self,
        select: &Select,
        shape: &TableShape,
    ) -> Result<ReadPlan, DynamoError> {
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
}
