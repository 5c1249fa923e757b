//! The form read into the request DynamoDB takes. Every attribute name goes through an
//! `ExpressionAttributeNames` placeholder (so reserved words need no thought) and every
//! value through `ExpressionAttributeValues`, typed as the key schema types the key or as
//! the learner typed a filter's value. What cannot be written as a request at all (no
//! partition key value for a Query, a Limit that is not a whole number) is a [`Problem`]
//! naming its field; anything DynamoDB itself refuses is left for DynamoDB to say.

use serde_json::{Map, Value, json};

use dynoscope_model::access::Placeholders;

use crate::form::{Filter, Form};
use crate::schema::{KeyAttribute, TableShape};

/// Why the form cannot be sent yet, and which field to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The form field's name (`pk`, `limit`, `filter-0-value`).
    pub field: String,
    pub message: String,
}

fn problem(field: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        field: field.into(),
        message: message.into(),
    }
}

/// The request the form describes, resuming after `start_key` when paging; or what stops it.
pub fn build(
    shape: &TableShape,
    form: &Form,
    start_key: Option<&Value>,
) -> Result<Value, Vec<Problem>> {
    let source = shape.source(&form.index);
    let mut problems = Vec::new();
    let mut p = Placeholders::default();
    let mut request = Map::new();
    request.insert("TableName".into(), json!(shape.table_name));
    if let Some(index) = &source.index_name {
        request.insert("IndexName".into(), json!(index));
    }
    if form.is_query() {
        match key_condition(form, &source.partition, source.sort.as_ref(), &mut p) {
            Ok(condition) => {
                request.insert("KeyConditionExpression".into(), json!(condition));
            }
            Err(e) => problems.push(e),
        }
    }
    let filters: Vec<String> = form
        .filters
        .iter()
        .enumerate()
        .filter_map(|(n, f)| {
            filter_condition(n, f, &mut p)
                .map_err(|e| problems.push(e))
                .ok()
        })
        .collect();
    if !filters.is_empty() {
        request.insert("FilterExpression".into(), json!(filters.join(" AND ")));
    }
    let projected: Vec<String> = form
        .projection
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| p.name(a))
        .collect();
    if !projected.is_empty() {
        request.insert("ProjectionExpression".into(), json!(projected.join(", ")));
    } else if !form.select.is_empty() {
        request.insert("Select".into(), json!(form.select));
    }
    match whole_number("limit", "Limit", &form.limit) {
        Ok(Some(limit)) => {
            request.insert("Limit".into(), json!(limit));
        }
        Ok(None) => {}
        Err(e) => problems.push(e),
    }
    if form.is_query() && form.descending {
        request.insert("ScanIndexForward".into(), json!(false));
    }
    if form.consistent {
        request.insert("ConsistentRead".into(), json!(true));
    }
    if !form.is_query() {
        for (field, member, text) in [
            ("segment", "Segment", &form.segment),
            ("total-segments", "TotalSegments", &form.total_segments),
        ] {
            match whole_number(field, member, text) {
                Ok(Some(n)) => {
                    request.insert(member.into(), json!(n));
                }
                Ok(None) => {}
                Err(e) => problems.push(e),
            }
        }
    }
    if let Some(key) = start_key {
        request.insert("ExclusiveStartKey".into(), key.clone());
    }
    p.write_into(&mut request);
    request.insert("ReturnConsumedCapacity".into(), json!("INDEXES"));
    if problems.is_empty() {
        Ok(Value::Object(request))
    } else {
        Err(problems)
    }
}

/// `#pk = :v` and, when a sort key operator is chosen, the sort key's condition.
fn key_condition(
    form: &Form,
    partition: &KeyAttribute,
    sort: Option<&KeyAttribute>,
    p: &mut Placeholders,
) -> Result<String, Problem> {
    if form.partition_value.is_empty() {
        return Err(problem(
            "pk",
            format!(
                "A Query needs the partition key's value: {} ({}).",
                partition.name,
                type_name(&partition.kind)
            ),
        ));
    }
    let pk = format!(
        "{} = {}",
        p.name(&partition.name),
        p.value(json!({ partition.kind.as_str(): form.partition_value }))
    );
    let Some(sort) = sort.filter(|_| !form.sort_operator.is_empty()) else {
        return Ok(pk);
    };
    let name = p.name(&sort.name);
    let typed = |text: &str| json!({ sort.kind.as_str(): text });
    let condition = match form.sort_operator.as_str() {
        "BETWEEN" => format!(
            "{name} BETWEEN {} AND {}",
            p.value(typed(&form.sort_value)),
            p.value(typed(&form.sort_value2))
        ),
        "begins_with" => format!("begins_with({name}, {})", p.value(typed(&form.sort_value))),
        op => format!("{name} {op} {}", p.value(typed(&form.sort_value))),
    };
    Ok(format!("{pk} AND {condition}"))
}

/// One filter row as a condition.
fn filter_condition(n: usize, filter: &Filter, p: &mut Placeholders) -> Result<String, Problem> {
    let attribute = filter.attribute.trim();
    if attribute.is_empty() {
        return Err(problem(
            format!("filter-{n}-attribute"),
            format!("Filter {}: name the attribute it tests.", n + 1),
        ));
    }
    let name = p.name(attribute);
    let value = |text: &str, field: &str| typed_value(n, &filter.kind, text, field);
    Ok(match filter.operator.as_str() {
        "attribute_exists" | "attribute_not_exists" => format!("{}({name})", filter.operator),
        "attribute_type" => format!(
            "attribute_type({name}, {})",
            p.value(json!({ "S": filter.value.trim() }))
        ),
        "BETWEEN" => {
            let low = value(&filter.value, "value")?;
            let high = value(&filter.value2, "value2")?;
            format!("{name} BETWEEN {} AND {}", p.value(low), p.value(high))
        }
        "begins_with" | "contains" => {
            let v = value(&filter.value, "value")?;
            format!("{}({name}, {})", filter.operator, p.value(v))
        }
        op => {
            let v = value(&filter.value, "value")?;
            format!("{name} {op} {}", p.value(v))
        }
    })
}

/// A filter's value as an AttributeValue of the type chosen for it.
fn typed_value(n: usize, kind: &str, text: &str, field: &str) -> Result<Value, Problem> {
    Ok(match kind {
        "BOOL" => match text.trim() {
            "true" => json!({"BOOL": true}),
            "false" => json!({"BOOL": false}),
            _ => {
                return Err(problem(
                    format!("filter-{n}-{field}"),
                    format!("Filter {}: a boolean is true or false.", n + 1),
                ));
            }
        },
        "NULL" => json!({"NULL": true}),
        "N" => json!({"N": text.trim()}),
        "B" => json!({"B": text.trim()}),
        _ => json!({"S": text}),
    })
}

/// An optional whole number typed in `field`.
fn whole_number(field: &str, member: &str, text: &str) -> Result<Option<i64>, Problem> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>().map(Some).map_err(|_| {
        problem(
            field,
            format!("{member} is a whole number, not \"{text}\"."),
        )
    })
}

/// A scalar type's name in words.
pub fn type_name(kind: &str) -> &'static str {
    match kind {
        "N" => "a number",
        "B" => "binary, base64",
        _ => "a string",
    }
}
