//! Query: the items of one partition key, in sort-key order (or reverse), narrowed by a
//! sort-key condition, read a page at a time like Scan, then filtered and projected. On an
//! index the walk is over the index's entries; a local index may fetch the rest of an item
//! from the table.

use std::collections::BTreeMap;
use std::ops::Bound;

use serde::{Deserialize, Serialize};

use super::capacity::{ConsumedCapacity, Consumption, read_units};
use super::expressions::{
    ExpressionArgs, LegacyConditions, check_conditional_operator, legacy_entries, legacy_filter,
    refuse_mixing,
};
use super::items::{projection_paths, shaped};
use super::read::{Page, PageRead, Source, index_entry_key, index_start, read_page, table_start};
use super::validate::{ReturnCapacity, Violations};
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::expr::{Condition, KeyCondition, KeyOp, Path, legacy};
use crate::index::{IndexKind, Projection};
use crate::key::{KeySchema, KeyValue, PrimaryKey, ScalarType};
use crate::partition::{IndexPosition, ItemPosition, Position, partition_hash};
use crate::replica::Consistency;
use crate::value::{AttributeValue, Item, WireItem};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueryRequest {
    pub table_name: Option<String>,
    pub index_name: Option<String>,
    pub key_condition_expression: Option<String>,
    pub filter_expression: Option<String>,
    pub projection_expression: Option<String>,
    pub expression_attribute_names: Option<BTreeMap<String, String>>,
    pub expression_attribute_values: Option<crate::value::ValueMap>,
    pub select: Option<String>,
    pub limit: Option<i64>,
    pub consistent_read: Option<bool>,
    pub scan_index_forward: Option<bool>,
    pub exclusive_start_key: Option<WireItem>,
    pub return_consumed_capacity: Option<String>,
    pub key_conditions: Option<LegacyConditions>,
    pub query_filter: Option<LegacyConditions>,
    pub attributes_to_get: Option<Vec<String>>,
    pub conditional_operator: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ReadResponse<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<std::borrow::Cow<'a, Item>>>,
    pub count: usize,
    pub scanned_count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated_key: Option<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<ConsumedCapacity>,
}

/// What a Query or Scan returns of each item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Selection {
    /// Whole items (from the table when the source is an index that lacks attributes).
    All,
    /// What the index holds.
    Projected,
    Specific(Vec<Path>),
    Count,
}

/// DynamoDB's rules tying Select, a projection and an index together. `prefix` is
/// "1 validation error detected: " for Query, which words these that way; Scan does not.
pub(crate) fn selection(
    select: Option<&str>,
    paths: Option<Vec<Path>>,
    projection_param: &str,
    source: &Source,
    prefix: &str,
) -> Result<Selection, DynamoError> {
    let has_index = matches!(source, Source::Index(..));
    let default = if paths.is_some() {
        "SPECIFIC_ATTRIBUTES"
    } else if has_index {
        "ALL_PROJECTED_ATTRIBUTES"
    } else {
        "ALL_ATTRIBUTES"
    };
    let refuse = |message: String| Err(DynamoError::validation(format!("{prefix}{message}")));
    match (select.unwrap_or(default), paths) {
        ("COUNT", Some(_)) => refuse(format!("Cannot specify the {projection_param} when choosing to get only the Count")),
        ("COUNT", None) => Ok(Selection::Count),
        ("ALL_ATTRIBUTES", Some(_)) => refuse(format!("Cannot specify the {projection_param} when choosing to get ALL_ATTRIBUTES")),
        ("ALL_PROJECTED_ATTRIBUTES", Some(_)) => {
            refuse(format!("Cannot specify the {projection_param} when choosing to get ALL_PROJECTED_ATTRIBUTES"))
        }
        ("ALL_PROJECTED_ATTRIBUTES", None) if !has_index => {
            refuse("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName".to_owned())
        }
        ("ALL_PROJECTED_ATTRIBUTES", None) => Ok(Selection::Projected),
        ("ALL_ATTRIBUTES", None) => {
            if let Source::Index(_, index) = source
                && index.definition.kind == IndexKind::Global
                && index.definition.projection != Projection::All
            {
                return Err(DynamoError::validation(format!(
                    "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index {} because its projection type is not ALL",
                    index.definition.name
                )));
            }
            Ok(Selection::All)
        }
        ("SPECIFIC_ATTRIBUTES", Some(paths)) => Ok(Selection::Specific(paths)),
        ("SPECIFIC_ATTRIBUTES", None) => {
            refuse("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES".to_owned())
        }
        (other, _) => Err(DynamoError::validation(format!("Unsupported Select value: {other}"))),
    }
}

/// The partition key value and the sort-key conditions of a Query, matched against the
/// key schema of what it reads. The conditions are one per sort-key attribute, from the
/// first: a single-attribute sort key has at most one; a multi-attribute one takes them
/// left to right, equality on each but the last, which may be any key condition.
fn match_key_schema(
    conditions: Vec<KeyCondition>,
    schema: &KeySchema,
) -> Result<(KeyValue, Vec<KeyOp>), DynamoError> {
    let missed = |name: &str| {
        DynamoError::validation(format!("Query condition missed key schema element: {name}"))
    };
    let not_supported = || DynamoError::validation("Query key condition not supported");
    if !schema.is_multi_attribute() && conditions.len() > 2 {
        return Err(DynamoError::validation(
            crate::expr::keycond::TOO_MANY_CONDITIONS,
        ));
    }
    let hash_attributes: Vec<_> = schema.hash_attributes().collect();
    let range_attributes: Vec<_> = schema.range_attributes().collect();
    let mut hash_ops: Vec<Option<KeyOp>> = vec![None; hash_attributes.len()];
    let mut range_ops: Vec<Option<KeyOp>> = vec![None; range_attributes.len()];
    let mut strangers = 0;
    for condition in conditions {
        let at = |attributes: &[&crate::key::KeyAttribute]| {
            attributes
                .iter()
                .position(|a| a.name == condition.attribute)
        };
        if let Some(i) = at(&hash_attributes) {
            hash_ops[i] = Some(condition.op);
        } else if let Some(i) = at(&range_attributes) {
            range_ops[i] = Some(condition.op);
        } else {
            strangers += 1;
        }
    }
    // The partition key is missed first; a condition on any other attribute misses the sort key.
    if let Some(i) = hash_ops.iter().position(Option::is_none) {
        return Err(missed(&hash_attributes[i].name));
    }
    if strangers > 0 {
        let first_range = range_attributes.first().copied().unwrap_or(&schema.hash);
        return Err(missed(&first_range.name));
    }
    let mut hash_parts = Vec::with_capacity(hash_ops.len());
    for (op, attr) in hash_ops.into_iter().zip(&hash_attributes) {
        match op {
            Some(KeyOp::Eq(value)) => hash_parts.push(key_value_of(&value, attr.kind)?),
            _ => return Err(not_supported()),
        }
    }
    // Sort-key attributes are taken left to right: none may be skipped.
    let used = range_ops
        .iter()
        .rposition(Option::is_some)
        .map_or(0, |i| i + 1);
    if let Some(i) = range_ops[..used].iter().position(Option::is_none) {
        return Err(missed(&range_attributes[i].name));
    }
    let range_ops: Vec<KeyOp> = range_ops.into_iter().flatten().collect();
    for (i, (op, attr)) in range_ops.iter().zip(&range_attributes).enumerate() {
        if i + 1 < range_ops.len() && !matches!(op, KeyOp::Eq(_)) {
            return Err(not_supported());
        }
        check_sort_condition(op, attr.kind)?;
    }
    Ok((KeyValue::of_parts(hash_parts), range_ops))
}

/// A sort-key condition's operands against the attribute's declared type.
fn check_sort_condition(op: &KeyOp, kind: ScalarType) -> Result<(), DynamoError> {
    let values: Vec<&AttributeValue> = match op {
        KeyOp::Eq(v)
        | KeyOp::Lt(v)
        | KeyOp::Le(v)
        | KeyOp::Gt(v)
        | KeyOp::Ge(v)
        | KeyOp::BeginsWith(v) => vec![v],
        KeyOp::Between(a, b) => vec![a, b],
    };
    for value in values {
        key_value_of(value, kind)?;
    }
    if matches!(op, KeyOp::BeginsWith(_)) && kind == ScalarType::N {
        return Err(DynamoError::validation(
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
        ));
    }
    if let KeyOp::Between(low, high) = op
        && crate::expr::eval::compare_values(low, high) == Some(std::cmp::Ordering::Greater)
    {
        return Err(DynamoError::validation(
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound",
        ));
    }
    Ok(())
}

fn key_value_of(value: &AttributeValue, kind: ScalarType) -> Result<KeyValue, DynamoError> {
    match (value, kind) {
        (AttributeValue::S(s), ScalarType::S) => Ok(KeyValue::S(s.clone())),
        (AttributeValue::N(n), ScalarType::N) => Ok(KeyValue::N(*n)),
        (AttributeValue::B(b), ScalarType::B) => Ok(KeyValue::B(b.clone())),
        _ => Err(DynamoError::validation(
            "One or more parameter values were invalid: Condition parameter type does not match schema type",
        )),
    }
}

/// An ExclusiveStartKey must lie within what the key condition selects.
fn check_start_in_bounds(
    start: &PrimaryKey,
    hash_value: &KeyValue,
    range_ops: &[KeyOp],
) -> Result<(), DynamoError> {
    if start.hash != *hash_value {
        return Err(DynamoError::validation(
            "The provided starting key is outside query boundaries based on provided conditions",
        ));
    }
    if !range_matches(range_ops, start.range.as_ref()) {
        return Err(DynamoError::validation(
            "The provided starting key does not match the range key predicate",
        ));
    }
    Ok(())
}

/// Whether an entry's sort key satisfies the sort-key conditions, attribute by attribute.
fn range_matches(ops: &[KeyOp], range: Option<&KeyValue>) -> bool {
    match range {
        _ if ops.is_empty() => true,
        Some(value) => (ops.iter().zip(value.parts())).all(|(op, v)| op.matches(&v.to_attribute())),
        None => false,
    }
}

/// The bounds of one partition key's run of entries, from `lowest` (the first position with
/// that key) to the start of the next hash, narrowed by an exclusive start position.
fn run_bounds<P: Position>(
    hash: u64,
    lowest: P,
    after: Option<P>,
    forward: bool,
) -> (Bound<P>, Bound<P>) {
    let end = match hash.checked_add(1) {
        Some(next) => Bound::Excluded(P::lowest_at(next)),
        None => Bound::Unbounded,
    };
    match (after, forward) {
        (Some(after), true) => (Bound::Excluded(after), end),
        (Some(after), false) => (Bound::Included(lowest), Bound::Excluded(after)),
        (None, _) => (Bound::Included(lowest), end),
    }
}

fn no_key() -> PrimaryKey {
    PrimaryKey {
        hash: KeyValue::S(String::new()),
        range: None,
    }
}

pub fn query(engine: &mut Engine, request: QueryRequest) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    if request.index_name.is_some() {
        v.table_name("indexName", request.index_name.as_deref());
    }
    v.at_least("limit", request.limit, 1);
    v.one_of(
        "select",
        request.select.as_deref(),
        &[
            "SPECIFIC_ATTRIBUTES",
            "COUNT",
            "ALL_ATTRIBUTES",
            "ALL_PROJECTED_ATTRIBUTES",
        ],
    );
    ReturnCapacity::check(&mut v, request.return_consumed_capacity.as_deref());
    v.finish()?;
    let args = ExpressionArgs {
        names: request.expression_attribute_names.as_ref(),
        values: request.expression_attribute_values.as_ref().map(|v| &v.0),
        key_condition: request.key_condition_expression.as_deref(),
        filter: request.filter_expression.as_deref(),
        projection: request.projection_expression.as_deref(),
        ..Default::default()
    };
    // KeyConditions only counts as mixing beside a KeyConditionExpression.
    let legacy = [
        ("AttributesToGet", request.attributes_to_get.is_some()),
        ("QueryFilter", request.query_filter.is_some()),
        (
            "ConditionalOperator",
            request.conditional_operator.is_some(),
        ),
        (
            "KeyConditions",
            request.key_conditions.is_some() && request.key_condition_expression.is_some(),
        ),
    ];
    refuse_mixing(&legacy, &args)?;
    check_conditional_operator(
        request.conditional_operator.as_deref(),
        request.query_filter.as_ref().map(|f| f.len()),
    )?;
    let mut expressions = args.parse(&["KeyConditionExpression", "FilterExpression"])?;
    if let Some(map) = &request.key_conditions {
        expressions.key_condition = Some(legacy::key_conditions(&legacy_entries(
            "keyConditions",
            map,
            None,
        )?)?);
    }
    if expressions.filter.is_none() {
        expressions.filter = legacy_filter(
            "queryFilter",
            request.query_filter.as_ref(),
            request.conditional_operator.as_deref(),
        )?;
    }
    let Some(key_conditions) = expressions.key_condition else {
        return Err(DynamoError::validation(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
        ));
    };
    let name = request.table_name.as_deref().expect("checked");
    let consistency = engine.consistency(request.consistent_read.unwrap_or(false));
    let (now, enforce) = (engine.now_millis(), engine.simulation_for(name).throttling);
    let table = engine
        .tables
        .get(name)
        .ok_or_else(DynamoError::resource_not_found)?;
    let source = Source::resolve(table, request.index_name.as_deref(), now)?;
    let (hash_value, range_ops) = match_key_schema(key_conditions, source.key_schema())?;
    if let Some(filter) = &expressions.filter {
        check_filter_names(filter, source)?;
    }
    let projection_param = if request.projection_expression.is_some() {
        "ProjectionExpression"
    } else {
        "AttributesToGet"
    };
    let paths = projection_paths(expressions.projection, request.attributes_to_get.as_deref());
    let selection = selection(
        request.select.as_deref(),
        paths,
        projection_param,
        &source,
        "1 validation error detected: ",
    )?;
    let consistent = request.consistent_read.unwrap_or(false);
    if consistent && source.is_global_index() {
        return Err(DynamoError::validation(
            "Consistent reads are not supported on global secondary indexes",
        ));
    }
    let forward = request.scan_index_forward.unwrap_or(true);
    let limit = request.limit.map_or(usize::MAX, |l| l as usize);
    let hash = partition_hash(&hash_value);

    let page: Page = match source {
        Source::Table(table) => {
            let after = request
                .exclusive_start_key
                .as_ref()
                .map(|k| table_start(table, &k.0))
                .transpose()?;
            if let Some(after) = &after {
                check_start_in_bounds(&after.key, &hash_value, &range_ops)?;
            }
            let lowest = ItemPosition {
                hash,
                key: PrimaryKey {
                    hash: hash_value.clone(),
                    range: None,
                },
            };
            let (lower, upper) = run_bounds(hash, lowest, after, forward);
            let run = table.items().range_with(
                hash,
                lower.as_ref(),
                upper.as_ref(),
                consistency,
                forward,
            );
            let keep = |p: &&ItemPosition| {
                p.key.hash == hash_value && range_matches(&range_ops, p.key.range.as_ref())
            };
            let key_of = |p: &ItemPosition| table.key_schema().key_item(&p.key);
            read_page(run.filter(|(p, _)| keep(p)), |_| true, limit, key_of)
        }
        Source::Index(table, index) => {
            let after = request
                .exclusive_start_key
                .as_ref()
                .map(|k| index_start(table, index, &k.0))
                .transpose()?;
            if let Some(after) = &after {
                check_start_in_bounds(&after.index_key, &hash_value, &range_ops)?;
            }
            let lowest = IndexPosition {
                hash,
                index_key: PrimaryKey {
                    hash: hash_value.clone(),
                    range: None,
                },
                table_key: no_key(),
            };
            let (lower, upper) = run_bounds(hash, lowest, after, forward);
            // Index entries are read from the index's own (leader's) copy.
            let run = index.entries.range_with(
                hash,
                lower.as_ref(),
                upper.as_ref(),
                Consistency::Strong,
                forward,
            );
            let keep = |p: &&IndexPosition| {
                p.index_key.hash == hash_value
                    && range_matches(&range_ops, p.index_key.range.as_ref())
            };
            let key_of = |p: &IndexPosition| index_entry_key(table, index, p);
            read_page(run.filter(|(p, _)| keep(p)), |_| true, limit, key_of)
        }
    };
    let read = PageRead {
        operation: "Query",
        index_name: request.index_name.as_deref(),
        items_read: page.items.len(),
        bytes_read: page.bytes,
        consistent,
    };
    let answered = answer_page(
        &mut engine.capacity,
        AnsweredPage {
            table_name: name,
            page,
            source,
            filter: expressions.filter.as_ref(),
            selection: &selection,
            consistent,
            return_capacity: &request.return_consumed_capacity,
            hash,
            now,
            enforce,
        },
    )?;
    crate::splits::note_read_heat(engine, name, hash, answered.heat);
    read.record(engine, name, answered.fetched_units);
    Ok(answered.body)
}

/// A FilterExpression may not name the key attributes of what it reads.
pub(crate) fn check_filter_names(filter: &Condition, source: Source) -> Result<(), DynamoError> {
    let mut keys: Vec<&str> = source.key_schema().names().collect();
    if let Source::Index(table, _) = source {
        keys.extend(table.key_schema().names());
    }
    match filter
        .top_level_names()
        .into_iter()
        .find(|n| keys.contains(n))
    {
        Some(name) => Err(DynamoError::validation(format!(
            "Filter Expression can only contain non-primary key attributes: Primary key attribute: {name}"
        ))),
        None => Ok(()),
    }
}

/// A Query or Scan page read, to be answered.
pub(crate) struct AnsweredPage<'a, 'r> {
    pub table_name: &'r str,
    pub page: Page<'a>,
    pub source: Source<'a>,
    pub filter: Option<&'r Condition>,
    pub selection: &'r Selection,
    pub consistent: bool,
    pub return_capacity: &'r Option<String>,
    /// The hash the read started at: its partition is the one billed.
    pub hash: u64,
    pub now: u64,
    pub enforce: bool,
}

/// A page's answer, with its heat and the units a local index spent fetching from the
/// table.
pub(crate) struct Answer {
    pub body: Vec<u8>,
    pub heat: crate::throughput::ReadHeat,
    pub fetched_units: f64,
}

/// What Query and Scan do once their page is read: filter, project and bill it
/// ([`finish_page`]), admit its units on the partition's bucket (throttling it, before it
/// has any effect), and answer.
pub(crate) fn answer_page(
    capacity: &mut crate::throughput::Capacity,
    read: AnsweredPage,
) -> Result<Answer, DynamoError> {
    let table = match read.source {
        Source::Table(table) | Source::Index(table, _) => table,
    };
    let (response, consumption) = finish_page(
        read.table_name,
        read.page,
        read.source,
        read.filter,
        read.selection,
        read.consistent,
        read.return_capacity,
    )?;
    let partition = read.source.partition_at(read.hash);
    crate::throughput::admit_read(
        capacity,
        table,
        read.now,
        read.enforce,
        partition,
        &consumption,
    )?;
    Ok(Answer {
        body: respond(&response)?,
        heat: read.source.heat(&consumption),
        fetched_units: match read.source {
            Source::Index(..) => consumption.table,
            Source::Table(_) => 0.0,
        },
    })
}

/// Filters, fetches, projects and bills a page read by Query or Scan.
pub(crate) fn finish_page<'a>(
    table_name: &str,
    page: Page<'a>,
    source: Source<'a>,
    filter: Option<&Condition>,
    selection: &Selection,
    consistent: bool,
    return_capacity: &Option<String>,
) -> Result<(ReadResponse<'a>, Consumption), DynamoError> {
    let scanned_count = page.items.len();
    let matching: Vec<&Item> = page
        .items
        .into_iter()
        .filter(|item| filter.is_none_or(|f| f.evaluate(item)))
        .collect();
    let mut table_units = 0.0;
    // A local index holds only its projection; the rest of an item comes from the table,
    // read (and billed) item by item: each fetch is rounded up to 4 KB on its own.
    let fetch_from_table = |entry: &'a Item, table_units: &mut f64| -> &'a Item {
        match source {
            Source::Index(table, index) if index.definition.kind == IndexKind::Local => {
                let key = table
                    .key_schema()
                    .key_of_item(entry)
                    .expect("index entries carry the table key");
                let item = table.get(&key).expect("an index entry has its item");
                *table_units += read_units(crate::value::item_size(item), consistent);
                item
            }
            _ => entry,
        }
    };
    let needs_table = |paths: Option<&[Path]>| match source {
        Source::Index(table, index) if index.definition.kind == IndexKind::Local => match paths {
            None => index.definition.projection != Projection::All,
            Some(paths) => paths
                .iter()
                .any(|p| !index.definition.projects(table.key_schema(), p.top())),
        },
        _ => false,
    };
    let count = matching.len();
    let items = match selection {
        Selection::Count => None,
        Selection::Projected => Some(
            matching
                .into_iter()
                .map(std::borrow::Cow::Borrowed)
                .collect(),
        ),
        Selection::All => Some(
            matching
                .into_iter()
                .map(|entry| {
                    let item = if needs_table(None) {
                        fetch_from_table(entry, &mut table_units)
                    } else {
                        entry
                    };
                    std::borrow::Cow::Borrowed(item)
                })
                .collect(),
        ),
        Selection::Specific(paths) => Some(
            matching
                .into_iter()
                .map(|entry| {
                    let item = if needs_table(Some(paths)) {
                        fetch_from_table(entry, &mut table_units)
                    } else {
                        entry
                    };
                    std::borrow::Cow::Owned(shaped(item, Some(paths)).into_owned())
                })
                .collect(),
        ),
    };
    let units = read_units(page.bytes, consistent);
    let consumption = match source {
        Source::Table(_) => Consumption::table(units),
        Source::Index(_, index) => Consumption {
            table: table_units,
            indexes: vec![(index.definition.name.clone(), index.definition.kind, units)],
        },
    };
    let capacity_mode = ReturnCapacity::from_wire(return_capacity.as_deref());
    let response = ReadResponse {
        items,
        count,
        scanned_count,
        last_evaluated_key: page.last_key,
        consumed_capacity: ConsumedCapacity::report(table_name, &consumption, capacity_mode),
    };
    Ok((response, consumption))
}
