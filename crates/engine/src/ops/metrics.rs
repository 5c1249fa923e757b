//! The `Dynoscope_` operations over the throughput simulation: Dynoscope_GetMetrics (a
//! table's, a global index's or a partition's series of one-second or one-minute samples,
//! like CloudWatch's but on the virtual clock) and Dynoscope_EstimateCost (the workload so
//! far priced on demand and provisioned, with the arithmetic shown).

use serde::Deserialize;

use super::validate::Violations;
use crate::contract::{CostEstimate, CostTotals, MetricsDescription, MetricsResolution};
use crate::dispatch::respond;
use crate::engine::Engine;
use crate::error::DynamoError;
use crate::index::IndexKind;
use crate::metrics::{
    MINUTES_KEPT_MILLIS, Prices, Resolution, Resource, SECONDS_KEPT_MILLIS, estimate,
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetMetricsRequest {
    pub table_name: Option<String>,
    pub index_name: Option<String>,
    pub partition_id: Option<i64>,
    pub start_millis: Option<i64>,
    pub end_millis: Option<i64>,
    pub resolution: Option<String>,
}

pub fn get_metrics(
    engine: &mut Engine,
    request: GetMetricsRequest,
) -> Result<Vec<u8>, DynamoError> {
    let mut v = Violations::new();
    v.table_name("tableName", request.table_name.as_deref());
    v.one_of(
        "resolution",
        request.resolution.as_deref(),
        &["SECOND", "MINUTE"],
    );
    v.at_least("partitionId", request.partition_id, 0);
    v.at_most("partitionId", request.partition_id, i64::from(u32::MAX));
    v.at_least("startMillis", request.start_millis, 0);
    v.at_least("endMillis", request.end_millis, 0);
    v.finish()?;
    if request.index_name.is_some() && request.partition_id.is_some() {
        return Err(DynamoError::validation(
            "IndexName and PartitionId cannot both be specified",
        ));
    }
    let name = request.table_name.as_deref().expect("checked");
    let now = engine.now_millis();
    let table = engine
        .tables
        .get(name)
        .ok_or_else(|| DynamoError::table_not_found(name))?;
    let resource = match (&request.index_name, request.partition_id) {
        (Some(index), _) => match table.index(index) {
            Some(i) if i.definition.kind == IndexKind::Global => Resource::Index(index.clone()),
            Some(_) => {
                return Err(DynamoError::validation(format!(
                    "A local secondary index consumes its table's capacity and has no metrics of its own: {index}"
                )));
            }
            None => {
                return Err(DynamoError::validation(format!(
                    "The table does not have the specified index: {index}"
                )));
            }
        },
        (None, Some(id)) => Resource::Partition(id as u32),
        (None, None) => Resource::Table,
    };
    let resolution = match request.resolution.as_deref() {
        Some("MINUTE") => Resolution::Minute,
        _ => Resolution::Second,
    };
    let end = request.end_millis.map_or(now + 1, |e| e as u64);
    let span = if resolution == Resolution::Minute {
        MINUTES_KEPT_MILLIS
    } else {
        SECONDS_KEPT_MILLIS
    };
    let start = request
        .start_millis
        .map_or(end.saturating_sub(span), |s| s as u64);

    engine.capacity.flush(table, now);
    let known = match &resource {
        Resource::Partition(id) => {
            table.partitions().iter().any(|p| p.id == *id)
                || engine
                    .capacity
                    .get(name)
                    .is_some_and(|s| s.metrics.series(&resource).is_some())
        }
        _ => true,
    };
    if !known {
        return Err(DynamoError::validation(format!(
            "The table does not have the specified partition: {}",
            request.partition_id.unwrap_or(0)
        )));
    }
    let mut samples = engine
        .capacity
        .get(name)
        .and_then(|s| s.metrics.series(&resource))
        .map(|series| series.query(start, end, resolution))
        .unwrap_or_default();
    if let Some(live) = engine.capacity.live_sample(table, &resource, now)
        && live.start_millis >= start
        && live.start_millis < end
    {
        let period = resolution.millis();
        let at = live.start_millis / period * period;
        match samples.last_mut() {
            Some(last) if last.start_millis == at => {
                let mut merged = *last;
                merged.consumed_read += live.consumed_read;
                merged.consumed_write += live.consumed_write;
                merged.throttled_reads += live.throttled_reads;
                merged.throttled_writes += live.throttled_writes;
                merged.gauges = live.gauges;
                *last = merged;
            }
            _ => samples.push(crate::metrics::Sample {
                start_millis: at,
                ..live
            }),
        }
    }
    respond(&MetricsDescription {
        table_name: name.to_owned(),
        index_name: request.index_name.clone(),
        partition_id: request.partition_id.map(|id| id as u64),
        resolution: match resolution {
            Resolution::Minute => MetricsResolution::Minute,
            Resolution::Second => MetricsResolution::Second,
        },
        period_seconds: resolution.millis() / 1000,
        start_millis: start,
        end_millis: end,
        datapoints: samples
            .iter()
            .map(crate::metrics::Sample::datapoint)
            .collect(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EstimateCostRequest {
    pub table_name: Option<String>,
}

pub fn estimate_cost(
    engine: &mut Engine,
    request: EstimateCostRequest,
) -> Result<Vec<u8>, DynamoError> {
    if let Some(name) = &request.table_name {
        let mut v = Violations::new();
        v.table_name("tableName", Some(name));
        v.finish()?;
        if !engine.tables.contains_key(name) {
            return Err(DynamoError::table_not_found(name));
        }
    }
    let prices = Prices::builtin()?;
    let now = engine.now_millis();
    let tables = &engine.tables;
    engine.capacity.retain(|name| tables.contains_key(name));
    let mut estimates = Vec::new();
    for (name, table) in tables {
        if request.table_name.as_ref().is_some_and(|n| n != name) {
            continue;
        }
        estimates.push(estimate(&engine.capacity.usage(table, now), &prices));
    }
    let sum = |total: fn(&CostTotals) -> f64| estimates.iter().map(|e| total(&e.total_usd)).sum();
    let total_usd = CostTotals {
        on_demand: sum(|t| t.on_demand),
        provisioned_as_held: sum(|t| t.provisioned_as_held),
        provisioned_right_sized: sum(|t| t.provisioned_right_sized),
    };
    respond(&CostEstimate {
        now_millis: now,
        prices: prices.quoted(),
        notes: prices.notes,
        tables: estimates,
        total_usd,
    })
}
