//! Values: PartiQL literals and `?` parameters as AttributeValues (numbers, structs,
//! lists, bags as sets), refused with DynamoDB's PartiQL messages, which name where in the
//! value the fault is (`root`, `root.k`, `root[1]`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::branches::bound_of;
use super::{BAG_TYPES, EMPTY_BAG, EMPTY_PATH_COMPONENT, MISSING_COMPARED, PARAMETER_COUNT};
use crate::error::DynamoError;
use crate::number::Number;
use crate::partiql::ast::*;
use crate::partiql::validation;
use crate::value::{AttributeValue, Item};

/// Literals and parameters to AttributeValues, with DynamoDB's PartiQL messages. `at` is
/// DynamoDB's descriptive path of the value: `root`, `root.k`, `root[1]`.
pub(super) struct Values<'a> {
    pub(super) params: &'a [AttributeValue],
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
    pub(super) fn value(&self, e: &Expr, at: &str) -> Result<AttributeValue, DynamoError> {
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
    pub(super) fn structure(
        &self,
        fields: &[(Expr, Expr)],
        at: &str,
        top: bool,
    ) -> Result<Item, DynamoError> {
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
