//! Scan: a walk over a table's partitions in keyspace order, one page at a time. A page
//! ends after `Limit` items or once 1 MB has been read, whichever comes first, and says
//! where to resume in `LastEvaluatedKey`. Parallel scans split the keyspace into
//! `TotalSegments` equal hash ranges and walk only their own.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::expressions::{
    ExpressionArgs, LegacyConditions, check_conditional_operator, legacy_filter, refuse_mixing,
};
use super::items::projection_paths;
use super::query::{AnsweredPage, answer_page, selection};
use super::read::{PageRead, Source, index_entry_key, index_start, read_page, table_start};
use super::validate::{ReturnCapacity, Violations};
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::table::Table;
use crate::value::WireItem;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScanRequest {
    pub table_name: Option<String>,
    pub index_name: Option<String>,
    pub limit: Option<i64>,
    pub exclusive_start_key: Option<WireItem>,
    pub select: Option<String>,
    pub segment: Option<i64>,
    pub total_segments: Option<i64>,
    pub consistent_read: Option<bool>,
    pub return_consumed_capacity: Option<String>,
    pub filter_expression: Option<String>,
    pub projection_expression: Option<String>,
    pub expression_attribute_names: Option<BTreeMap<String, String>>,
    pub expression_attribute_values: Option<crate::value::ValueMap>,
    pub scan_filter: Option<LegacyConditions>,
    pub attributes_to_get: Option<Vec<String>>,
    pub conditional_operator: Option<String>,
}

fn check(request: &ScanRequest) -> Result<(), DynamoError> {
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
    v.at_least("segment", request.segment, 0);
    v.at_most("segment", request.segment, 999_999);
    v.at_least("totalSegments", request.total_segments, 1);
    v.at_most("totalSegments", request.total_segments, 1_000_000);
    ReturnCapacity::check(&mut v, request.return_consumed_capacity.as_deref());
    v.finish()?;
    match (request.segment, request.total_segments) {
        (Some(_), None) => Err(DynamoError::validation(
            "The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
        )),
        (None, Some(_)) => Err(DynamoError::validation(
            "The Segment parameter is required but was not present in the request when parameter TotalSegments is present",
        )),
        (Some(segment), Some(total)) if segment >= total => Err(DynamoError::validation(format!(
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {segment} is not less than TotalSegments: {total}"
        ))),
        _ => Ok(()),
    }
}

/// The hash range `[start, end]` of `segment` out of `total`.
fn segment_range(segment: u64, total: u64) -> (u64, u64) {
    let width = (1u128 << 64) / total as u128;
    let start = (segment as u128 * width) as u64;
    let end = if segment + 1 == total {
        u64::MAX
    } else {
        ((segment as u128 + 1) * width - 1) as u64
    };
    (start, end)
}

pub fn scan(engine: &mut Engine, request: ScanRequest) -> Result<Vec<u8>, DynamoError> {
    check(&request)?;
    let args = ExpressionArgs {
        names: request.expression_attribute_names.as_ref(),
        values: request.expression_attribute_values.as_ref().map(|v| &v.0),
        filter: request.filter_expression.as_deref(),
        projection: request.projection_expression.as_deref(),
        ..Default::default()
    };
    let legacy = [
        ("AttributesToGet", request.attributes_to_get.is_some()),
        ("ScanFilter", request.scan_filter.is_some()),
        (
            "ConditionalOperator",
            request.conditional_operator.is_some(),
        ),
    ];
    refuse_mixing(&legacy, &args)?;
    check_conditional_operator(
        request.conditional_operator.as_deref(),
        request.scan_filter.as_ref().map(|f| f.len()),
    )?;
    let mut expressions = args.parse(&["FilterExpression"])?;
    if expressions.filter.is_none() {
        expressions.filter = legacy_filter(
            "scanFilter",
            request.scan_filter.as_ref(),
            request.conditional_operator.as_deref(),
        )?;
    }
    let name = request.table_name.as_deref().expect("checked");
    let consistency = engine.consistency(request.consistent_read.unwrap_or(false));
    let (now, enforce) = (engine.now_millis(), engine.simulation_for(name).throttling);
    let table: &Table = engine
        .tables
        .get(name)
        .ok_or_else(DynamoError::resource_not_found)?;
    let source = Source::resolve(table, request.index_name.as_deref(), now)?;
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
        "",
    )?;
    let consistent = request.consistent_read.unwrap_or(false);
    if consistent && source.is_global_index() {
        return Err(DynamoError::validation(
            "Consistent reads are not supported on global secondary indexes",
        ));
    }
    let (start, end) = match (request.segment, request.total_segments) {
        (Some(s), Some(t)) => segment_range(s as u64, t as u64),
        _ => (0, u64::MAX),
    };
    let in_segment = |hash: u64| (start..=end).contains(&hash);
    let outside_segment = || {
        DynamoError::validation(
            "The provided Exclusive start key does not map to the provided segment",
        )
    };
    let limit = request.limit.map_or(usize::MAX, |l| l as usize);
    let (page, from) = match source {
        Source::Table(table) => {
            let after = request
                .exclusive_start_key
                .as_ref()
                .map(|k| table_start(table, &k.0))
                .transpose()?;
            if after.as_ref().is_some_and(|p| !in_segment(p.hash)) {
                return Err(outside_segment());
            }
            let from = after.as_ref().map_or(start, |p| p.hash);
            let walk = table.items().walk_with(start, after, consistency);
            (
                read_page(
                    walk,
                    |p| p.hash <= end,
                    limit,
                    |p| table.key_schema().key_item(&p.key),
                ),
                from,
            )
        }
        Source::Index(table, index) => {
            let after = request
                .exclusive_start_key
                .as_ref()
                .map(|k| index_start(table, index, &k.0))
                .transpose()?;
            if after.as_ref().is_some_and(|p| !in_segment(p.hash)) {
                return Err(outside_segment());
            }
            let from = after.as_ref().map_or(start, |p| p.hash);
            let walk = index.entries.walk(start, after);
            (
                read_page(
                    walk,
                    |p| p.hash <= end,
                    limit,
                    |p| index_entry_key(table, index, p),
                ),
                from,
            )
        }
    };
    let read = PageRead {
        operation: "Scan",
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
            hash: from,
            now,
            enforce,
        },
    )?;
    crate::splits::note_read_heat(engine, name, from, answered.heat);
    read.record(engine, name, answered.fetched_units);
    Ok(answered.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_tile_the_keyspace() {
        let ranges: Vec<_> = (0..3).map(|s| segment_range(s, 3)).collect();
        assert_eq!(ranges[0].0, 0);
        assert_eq!(ranges[2].1, u64::MAX);
        assert_eq!(ranges[0].1 + 1, ranges[1].0);
        assert_eq!(ranges[1].1 + 1, ranges[2].0);
    }
}
