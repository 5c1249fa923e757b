//! The translator's expression text: WHERE clauses as condition text, operands, SET and
//! REMOVE (and `set_add`/`set_delete`) as UpdateExpression text, projections; with the
//! checks of DynamoDB's functions, `IS` types and paths that go with them.

use super::builder::{AND, ATOM, Builder, OR, doc_path, wrap};
use super::{
    AND_OR_OPERANDS, IN_OPERANDS, IS_IN_UPDATE, IS_OPERAND, MISSING_COMPARED, NOT_BOOLEAN,
    NOT_OPERAND, Translator,
};
use crate::error::DynamoError;
use crate::expr::Path as DocPath;
use crate::partiql::ast::*;
use crate::partiql::validation;
use crate::value::AttributeValue;

impl Translator<'_> {
    fn path_text(&self, e: &Expr, b: &mut Builder) -> Result<Option<String>, DynamoError> {
        match &e.kind {
            ExprKind::Path(p) => Ok(Some(b.path(&doc_path(p)?))),
            ExprKind::BadPath { list_root } => Err(bad_path(*list_root)),
            _ => Ok(None),
        }
    }

    /// A WHERE clause as condition text.
    pub(super) fn where_text(&self, e: &Expr, b: &mut Builder) -> Result<String, DynamoError> {
        if !is_condition(e) {
            return Err(validation(NOT_BOOLEAN));
        }
        Ok(self.condition(e, b)?.0)
    }

    /// Several terms ANDed, or None if there are none.
    pub(super) fn conjunction(
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
    pub(super) fn update_text(
        &self,
        actions: &[Action],
        b: &mut Builder,
    ) -> Result<String, DynamoError> {
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

    pub(super) fn projection(
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
