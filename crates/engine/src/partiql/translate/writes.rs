//! Writes: INSERT as PutItem conditioned on the key being free, UPDATE as UpdateItem and
//! DELETE as DeleteItem on the key their WHERE fixes, with the other terms as the
//! condition.

use serde_json::{Map, Value, json};

use super::builder::{AND, Builder, wrap};
use super::keys::{KeyFailure, KeyMode, check_key_types, kind_matches, schema_mismatch};
use super::{INSERT_NOT_STRUCT, MANDATORY_KEY, Translator, WriteKind, WritePlan};
use crate::error::DynamoError;
use crate::partiql::ast::*;
use crate::partiql::{TableShape, validation};
use crate::value::Item;

impl Translator<'_> {
    pub(super) fn insert_item(&self, value: &Expr) -> Result<Item, DynamoError> {
        match &value.kind {
            ExprKind::Struct(fields) => self.values.structure(fields, "root", true),
            _ => Err(validation(format!("{INSERT_NOT_STRUCT} at {}", value.pos))),
        }
    }

    pub(super) fn insert(
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

    pub(super) fn update(
        &self,
        update: &Update,
        shape: &TableShape,
    ) -> Result<WritePlan, DynamoError> {
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

    pub(super) fn delete(
        &self,
        delete: &Delete,
        shape: &TableShape,
    ) -> Result<WritePlan, DynamoError> {
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
}
