//! Access patterns as requests: [`request`] turns a named pattern and its parameter values
//! into the GetItem, Query or Scan a client would send, with expression placeholders for
//! every name and value (so reserved words never bite) and `ReturnConsumedCapacity:
//! INDEXES`, so the answer says what the read cost on the table and on the index. Key
//! values come from the pattern's templates; a value is typed by the key attribute's
//! AttributeDefinition. In a filter, `{name}` is a string parameter, `{name:N}` a number and
//! `{name:BOOL}` a boolean.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::error::ModelError;
use crate::model::{AccessPattern, Operation, SortOperator, TableSpec};
use crate::template::Template;

/// Expression names and values gathered while a request is built: `#n0`, `#n1`… for
/// attribute names (one per name, reused when it comes back), `:v0`, `:v1`… for values.
/// The Query and Scan builder writes its requests with it too.
#[derive(Default)]
pub struct Placeholders {
    names: Map<String, Value>,
    values: Map<String, Value>,
}

impl Placeholders {
    /// The placeholder of attribute name `attribute`.
    pub fn name(&mut self, attribute: &str) -> String {
        if let Some((k, _)) = self
            .names
            .iter()
            .find(|(_, v)| v.as_str() == Some(attribute))
        {
            return k.clone();
        }
        let key = format!("#n{}", self.names.len());
        self.names.insert(key.clone(), json!(attribute));
        key
    }

    /// A new placeholder for `value`.
    pub fn value(&mut self, value: Value) -> String {
        let key = format!(":v{}", self.values.len());
        self.values.insert(key.clone(), value);
        key
    }

    /// Adds `ExpressionAttributeNames` and `ExpressionAttributeValues` to `body`, when
    /// anything was named.
    pub fn write_into(self, body: &mut Map<String, Value>) {
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

/// The key attributes the pattern reads through: the index's, or the table's.
fn key_attributes<'a>(
    table: &'a TableSpec,
    pattern: &AccessPattern,
) -> Result<(Option<&'a str>, Option<&'a str>), ModelError> {
    match &pattern.index {
        Some(name) => {
            let (index, _) = table.index(name).ok_or_else(|| {
                ModelError::at(
                    "index",
                    format!("the table {} has no index {name}", table.table_name),
                )
            })?;
            Ok((index.partition_key(), index.sort_key()))
        }
        None => Ok((table.partition_key(), table.sort_key())),
    }
}

/// Renders `template` with `params`, typed for `attribute`.
fn key_value(
    table: &TableSpec,
    attribute: &str,
    template: &str,
    params: &BTreeMap<String, String>,
    field: &str,
) -> Result<Value, ModelError> {
    let parsed = Template::parse(template).map_err(|e| e.within(field))?;
    let text = parsed
        .render(|name| params.get(name).cloned())
        .map_err(|missing| {
            ModelError::at(field, format!("no value for the parameter {{{missing}}}"))
        })?;
    typed(table.attribute_type(attribute).unwrap_or("S"), text, field)
}

/// `text` as a DynamoDB value of type `kind` (`S`, `N` or `B`).
fn typed(kind: &str, text: String, field: &str) -> Result<Value, ModelError> {
    match kind {
        "N" => {
            if dynoscope_engine::Number::parse(&text).is_err() {
                return Err(ModelError::at(
                    field,
                    format!("\"{text}\" is not a number, and the key attribute is of type N"),
                ));
            }
            Ok(json!({"N": text}))
        }
        "B" => Ok(json!({"B": text})),
        _ => Ok(json!({"S": text})),
    }
}

/// The request `pattern` sends with `params` for its placeholders.
pub fn request(
    table: &TableSpec,
    pattern: &AccessPattern,
    params: &BTreeMap<String, String>,
) -> Result<Value, ModelError> {
    let (partition, sort) = key_attributes(table, pattern)?;
    let mut body = Map::new();
    body.insert("TableName".into(), json!(table.table_name));
    if let Some(index) = &pattern.index {
        body.insert("IndexName".into(), json!(index));
    }
    let mut p = Placeholders::default();
    match pattern.operation {
        Operation::GetItem => get_key(table, pattern, params, partition, sort, &mut body)?,
        Operation::Query => {
            key_condition(table, pattern, params, partition, sort, &mut p, &mut body)?
        }
        Operation::Scan => {}
    }
    if let Some(filter) = pattern.filter.as_deref().filter(|f| !f.trim().is_empty()) {
        if pattern.operation == Operation::GetItem {
            return Err(ModelError::at("filter", "GetItem takes no filter"));
        }
        body.insert(
            "FilterExpression".into(),
            json!(filter_expression(filter, params, &mut p)?),
        );
    }
    if !pattern.projection.is_empty() {
        let names: Vec<String> = pattern.projection.iter().map(|a| p.name(a)).collect();
        body.insert("ProjectionExpression".into(), json!(names.join(", ")));
    }
    if let Some(limit) = pattern.limit {
        body.insert("Limit".into(), json!(limit));
    }
    if pattern.operation == Operation::Query && !pattern.scan_forward {
        body.insert("ScanIndexForward".into(), json!(false));
    }
    if pattern.consistent_read {
        body.insert("ConsistentRead".into(), json!(true));
    }
    body.insert("ReturnConsumedCapacity".into(), json!("INDEXES"));
    p.write_into(&mut body);
    Ok(Value::Object(body))
}

fn get_key(
    table: &TableSpec,
    pattern: &AccessPattern,
    params: &BTreeMap<String, String>,
    partition: Option<&str>,
    sort: Option<&str>,
    body: &mut Map<String, Value>,
) -> Result<(), ModelError> {
    if pattern.index.is_some() {
        return Err(ModelError::at(
            "index",
            "GetItem reads the table only; query the index instead",
        ));
    }
    let partition = partition.ok_or_else(|| ModelError::whole("the table has no partition key"))?;
    let template = pattern
        .partition_key
        .as_deref()
        .ok_or_else(|| ModelError::at("partitionKey", "GetItem needs the partition key's value"))?;
    let mut key = Map::new();
    key.insert(
        partition.into(),
        key_value(table, partition, template, params, "partitionKey")?,
    );
    if let Some(sort) = sort {
        let condition = pattern.sort_key.as_ref().ok_or_else(|| {
            ModelError::at(
                "sortKey",
                format!("GetItem needs the sort key {sort}'s value: the table's key has two parts"),
            )
        })?;
        if condition.operator != SortOperator::Eq {
            return Err(ModelError::at(
                "sortKey.operator",
                "GetItem names one item: the sort key must be given with =",
            ));
        }
        key.insert(
            sort.into(),
            key_value(table, sort, &condition.value, params, "sortKey.value")?,
        );
    }
    body.insert("Key".into(), Value::Object(key));
    Ok(())
}

fn key_condition(
    table: &TableSpec,
    pattern: &AccessPattern,
    params: &BTreeMap<String, String>,
    partition: Option<&str>,
    sort: Option<&str>,
    p: &mut Placeholders,
    body: &mut Map<String, Value>,
) -> Result<(), ModelError> {
    let partition = partition.ok_or_else(|| ModelError::whole("the key has no partition key"))?;
    let template = pattern
        .partition_key
        .as_deref()
        .ok_or_else(|| ModelError::at("partitionKey", "a Query needs the partition key's value"))?;
    let value = key_value(table, partition, template, params, "partitionKey")?;
    let mut condition = format!("{} = {}", p.name(partition), p.value(value));
    if let Some(sort_condition) = &pattern.sort_key {
        let sort = sort.ok_or_else(|| {
            ModelError::at(
                "sortKey",
                "the key queried has no sort key, so it takes no sort key condition",
            )
        })?;
        let name = p.name(sort);
        let lower = key_value(table, sort, &sort_condition.value, params, "sortKey.value")?;
        let lower = p.value(lower);
        let clause = match sort_condition.operator {
            SortOperator::Eq => format!("{name} = {lower}"),
            SortOperator::Lt => format!("{name} < {lower}"),
            SortOperator::Le => format!("{name} <= {lower}"),
            SortOperator::Gt => format!("{name} > {lower}"),
            SortOperator::Ge => format!("{name} >= {lower}"),
            SortOperator::BeginsWith => format!("begins_with({name}, {lower})"),
            SortOperator::Between => {
                let upper = sort_condition.upper.as_deref().ok_or_else(|| {
                    ModelError::at("sortKey.upper", "BETWEEN needs an upper value")
                })?;
                let upper = key_value(table, sort, upper, params, "sortKey.upper")?;
                format!("{name} BETWEEN {lower} AND {}", p.value(upper))
            }
        };
        condition = format!("{condition} AND {clause}");
    }
    body.insert("KeyConditionExpression".into(), json!(condition));
    Ok(())
}

/// The parameters `pattern` takes, in order of first appearance: the placeholders of its
/// partition key, sort key and upper bound templates (those the operation uses), then the
/// `{name}` / `{name:N}` / `{name:BOOL}` values of its filter. Text that does not parse as a
/// template contributes nothing (validation reports it).
pub fn parameter_names(pattern: &AccessPattern) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        if !name.is_empty() && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    };
    let keyed = pattern.operation != Operation::Scan;
    let sort = pattern.sort_key.as_ref();
    let templates = [
        pattern.partition_key.as_deref(),
        sort.map(|s| s.value.as_str()),
        sort.and_then(|s| s.upper.as_deref()),
    ];
    for text in templates.into_iter().flatten().filter(|_| keyed) {
        if let Ok(template) = Template::parse(text) {
            template.placeholders().for_each(&mut add);
        }
    }
    let mut rest = pattern.filter.as_deref().unwrap_or_default();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let inner = &rest[open + 1..open + close];
        add(inner.split_once(':').map_or(inner, |(name, _)| name));
        rest = &rest[open + close + 1..];
    }
    names
}

/// Replaces `{name}`, `{name:N}` and `{name:BOOL}` in a filter with value placeholders.
fn filter_expression(
    filter: &str,
    params: &BTreeMap<String, String>,
    p: &mut Placeholders,
) -> Result<String, ModelError> {
    let mut out = String::new();
    let mut rest = filter;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| ModelError::at("filter", "a '{' is never closed"))?;
        let inner = &rest[open + 1..open + close];
        let (name, kind) = inner.split_once(':').unwrap_or((inner, "S"));
        let text = params.get(name).ok_or_else(|| {
            ModelError::at("filter", format!("no value for the parameter {{{name}}}"))
        })?;
        let value = match kind {
            "N" => typed("N", text.clone(), "filter")?,
            "BOOL" => match text.as_str() {
                "true" => json!({"BOOL": true}),
                "false" => json!({"BOOL": false}),
                _ => {
                    return Err(ModelError::at(
                        "filter",
                        format!("{{{inner}}} must be true or false, not \"{text}\""),
                    ));
                }
            },
            "S" => json!({"S": text}),
            other => {
                return Err(ModelError::at(
                    "filter",
                    format!("{{{inner}}}: unknown type {other}; use S, N or BOOL"),
                ));
            }
        };
        out.push_str(&p.value(value));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttributeDefinition, KeySchemaElement, SortCondition};

    fn table() -> TableSpec {
        TableSpec {
            table_name: "Shop".into(),
            key_schema: vec![
                KeySchemaElement {
                    attribute_name: "PK".into(),
                    key_type: "HASH".into(),
                },
                KeySchemaElement {
                    attribute_name: "SK".into(),
                    key_type: "RANGE".into(),
                },
            ],
            attribute_definitions: vec![
                AttributeDefinition {
                    attribute_name: "PK".into(),
                    attribute_type: "S".into(),
                },
                AttributeDefinition {
                    attribute_name: "SK".into(),
                    attribute_type: "S".into(),
                },
            ],
            ..TableSpec::default()
        }
    }

    fn pattern(operation: Operation) -> AccessPattern {
        AccessPattern {
            name: "orders".into(),
            description: String::new(),
            operation,
            index: None,
            partition_key: Some("CUSTOMER#{customerId}".into()),
            sort_key: Some(SortCondition {
                operator: SortOperator::BeginsWith,
                value: "ORDER#".into(),
                upper: None,
            }),
            filter: None,
            projection: vec![],
            limit: None,
            scan_forward: false,
            consistent_read: false,
            parameters: BTreeMap::new(),
        }
    }

    fn params() -> BTreeMap<String, String> {
        BTreeMap::from([
            ("customerId".to_owned(), "c1".to_owned()),
            ("min".to_owned(), "100".to_owned()),
        ])
    }

    #[test]
    fn a_query_pattern_becomes_a_key_condition_with_placeholders() {
        let body = request(&table(), &pattern(Operation::Query), &params()).unwrap();
        assert_eq!(
            body["KeyConditionExpression"],
            "#n0 = :v0 AND begins_with(#n1, :v1)"
        );
        assert_eq!(
            body["ExpressionAttributeValues"][":v0"],
            json!({"S": "CUSTOMER#c1"})
        );
        assert_eq!(body["ScanIndexForward"], false);
        assert_eq!(body["ReturnConsumedCapacity"], "INDEXES");
    }

    #[test]
    fn a_missing_parameter_is_named() {
        let e = request(&table(), &pattern(Operation::Query), &BTreeMap::new()).unwrap_err();
        assert_eq!(e.location, "partitionKey");
        assert!(e.message.contains("{customerId}"), "{e}");
    }

    #[test]
    fn filter_parameters_are_typed_by_their_suffix() {
        let mut p = pattern(Operation::Query);
        p.filter = Some("amount >= {min:N}".into());
        let body = request(&table(), &p, &params()).unwrap();
        assert_eq!(body["FilterExpression"], "amount >= :v2");
        assert_eq!(
            body["ExpressionAttributeValues"][":v2"],
            json!({"N": "100"})
        );
    }

    #[test]
    fn get_item_needs_an_exact_sort_key() {
        let e = request(&table(), &pattern(Operation::GetItem), &params()).unwrap_err();
        assert_eq!(e.location, "sortKey.operator");
    }

    #[test]
    fn parameters_are_named_by_the_key_templates_then_the_filter() {
        let mut p = pattern(Operation::Query);
        p.sort_key = Some(SortCondition {
            operator: SortOperator::Between,
            value: "ORDER#{from}".into(),
            upper: Some("ORDER#{to}".into()),
        });
        p.filter = Some("amount >= {min:N} AND #s = {status} AND total > {min:N}".into());
        assert_eq!(
            parameter_names(&p),
            ["customerId", "from", "to", "min", "status"]
        );
    }

    #[test]
    fn a_scan_takes_only_its_filter_parameters() {
        let mut p = pattern(Operation::Scan);
        p.filter = Some("active = {active:BOOL}".into());
        assert_eq!(parameter_names(&p), ["active"]);
    }

    #[test]
    fn a_scan_has_no_key_condition() {
        let body = request(&table(), &pattern(Operation::Scan), &params()).unwrap();
        assert!(body.get("KeyConditionExpression").is_none());
    }
}
