//! Partition plans: the branches of a SELECT's WHERE (one Query each: a partition-key
//! value, an optional sort-key condition, filter terms), the sort-key ranges they read and
//! whether two of them overlap, and key values in DynamoDB's sort order.

use super::keys::{
    flatten_and, flatten_or, key_equality, kind_matches, names_attribute, references,
    schema_mismatch,
};
use super::{MAX_DECOMPOSED_READS, OVERLAPPING_RANGES, TOO_MANY_READS, Translator};
use crate::error::DynamoError;
use crate::key::{KeySchema, ScalarType};
use crate::number::Number;
use crate::partiql::ast::*;
use crate::partiql::validation;
use crate::value::AttributeValue;

impl Translator<'_> {
    /// The partitions a SELECT's WHERE reads, or None if it needs a Scan.
    pub(super) fn branches<'e>(
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
    pub(super) fn hash_value_count(
        &self,
        where_clause: &Expr,
        hash: &str,
    ) -> Result<usize, DynamoError> {
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

#[derive(Debug, Clone)]
pub(super) enum SortCondition {
    Compare(CompareOp, AttributeValue),
    Between(AttributeValue, AttributeValue),
    BeginsWith(AttributeValue),
}

/// One Query: a partition-key value, an optional sort-key condition, and filter terms.
#[derive(Debug, Clone)]
pub(super) struct Branch<'e> {
    pub(super) hash: AttributeValue,
    pub(super) sort: Option<SortCondition>,
    pub(super) rest: Vec<&'e Expr>,
}

/// Key values in DynamoDB's sort order: numbers numerically, strings and binary by bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Bound {
    Number(Number),
    Bytes(Vec<u8>),
    Other,
}

pub(super) fn bound_of(value: &AttributeValue) -> Bound {
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
