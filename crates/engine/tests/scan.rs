//! Scan through dispatch: order, paging, counting, parallel segments.

mod common;

use std::collections::BTreeSet;

use common::Harness;
use serde_json::{Value, json};

fn filled(n: usize) -> Harness {
    let mut h = Harness::new();
    h.table("t1x", Some("N"));
    for i in 0..n {
        h.put(
            "t1x",
            json!({"pk": {"S": format!("p{}", i % 7)}, "sk": {"N": i.to_string()}}),
        );
    }
    h
}

fn scan_all(h: &mut Harness, mut request: Value) -> Vec<Value> {
    let mut items = Vec::new();
    loop {
        let page = h.ok("Scan", request.clone());
        items.extend(page["Items"].as_array().unwrap().iter().cloned());
        match page.get("LastEvaluatedKey") {
            Some(key) => request["ExclusiveStartKey"] = key.clone(),
            None => return items,
        }
    }
}

#[test]
fn paging_with_limit_returns_every_item_exactly_once() {
    let mut h = filled(50);
    let items = scan_all(&mut h, json!({"TableName": "t1x", "Limit": 6}));
    assert_eq!(items.len(), 50);
    let distinct: BTreeSet<String> = items.iter().map(|i| i.to_string()).collect();
    assert_eq!(distinct.len(), 50);
}

#[test]
fn items_of_one_partition_key_come_back_together_in_sort_key_order() {
    let mut h = filled(30);
    let items = scan_all(&mut h, json!({"TableName": "t1x"}));
    let mut seen_keys: Vec<String> = Vec::new();
    let mut last: Option<(String, f64)> = None;
    for item in &items {
        let pk = item["pk"]["S"].as_str().unwrap().to_owned();
        let sk: f64 = item["sk"]["N"].as_str().unwrap().parse().unwrap();
        match &last {
            Some((prev_pk, prev_sk)) if *prev_pk == pk => {
                assert!(sk > *prev_sk, "sort keys ascend")
            }
            _ => {
                assert!(
                    !seen_keys.contains(&pk),
                    "partition key {pk} appears in two runs"
                );
                seen_keys.push(pk.clone());
            }
        }
        last = Some((pk, sk));
    }
}

#[test]
fn a_page_cut_by_limit_at_the_last_item_still_says_where_to_resume() {
    let mut h = filled(5);
    let page = h.ok("Scan", json!({"TableName": "t1x", "Limit": 5}));
    assert_eq!(page["Count"], 5);
    let next = h.ok(
        "Scan",
        json!({"TableName": "t1x", "ExclusiveStartKey": page["LastEvaluatedKey"]}),
    );
    assert_eq!(next["Count"], 0);
    assert!(next.get("LastEvaluatedKey").is_none());
}

#[test]
fn select_count_returns_counts_without_items() {
    let mut h = filled(12);
    let page = h.ok("Scan", json!({"TableName": "t1x", "Select": "COUNT"}));
    assert_eq!(page["Count"], 12);
    assert_eq!(page["ScannedCount"], 12);
    assert!(page.get("Items").is_none());
}

#[test]
fn parallel_segments_partition_the_table() {
    let mut h = filled(40);
    let mut total = BTreeSet::new();
    for segment in 0..4 {
        let items = scan_all(
            &mut h,
            json!({"TableName": "t1x", "Segment": segment, "TotalSegments": 4, "Limit": 3}),
        );
        for item in items {
            assert!(
                total.insert(item.to_string()),
                "an item appeared in two segments"
            );
        }
    }
    assert_eq!(total.len(), 40);
}

#[test]
fn segment_must_be_below_total_segments() {
    let mut h = filled(1);
    let e = h.err(
        "Scan",
        json!({"TableName": "t1x", "Segment": 4, "TotalSegments": 4}),
    );
    assert_eq!(
        e.message,
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is not less than TotalSegments: 4"
    );
}

#[test]
fn a_page_stops_after_one_megabyte_read() {
    let mut h = Harness::new();
    h.table("big", None);
    let blob = "x".repeat(100_000);
    for i in 0..25 {
        h.put(
            "big",
            json!({"pk": {"S": format!("k{i}")}, "v": {"S": blob}}),
        );
    }
    let page = h.ok(
        "Scan",
        json!({"TableName": "big", "ReturnConsumedCapacity": "TOTAL"}),
    );
    // Eleven items of ~100 KB pass 1 MB; the page ends there.
    assert_eq!(page["Count"], 11);
    assert!(page.get("LastEvaluatedKey").is_some());
    let rest = scan_all(
        &mut h,
        json!({"TableName": "big", "ExclusiveStartKey": page["LastEvaluatedKey"]}),
    );
    assert_eq!(rest.len(), 14);
}

#[test]
fn scan_capacity_sums_item_sizes_before_rounding() {
    let mut h = Harness::new();
    h.table("t1x", None);
    for i in 0..3 {
        h.put(
            "t1x",
            json!({"pk": {"S": format!("k{i}")}, "v": {"S": "x".repeat(1500)}}),
        );
    }
    // 3 x ~1.5 KB = ~4.5 KB: two 4 KB units, halved for an eventually consistent scan.
    let page = h.ok(
        "Scan",
        json!({"TableName": "t1x", "ReturnConsumedCapacity": "TOTAL"}),
    );
    assert_eq!(page["ConsumedCapacity"]["CapacityUnits"], 1.0);
}

#[test]
fn an_exclusive_start_key_must_match_the_schema() {
    let mut h = filled(2);
    let e = h.err(
        "Scan",
        json!({"TableName": "t1x", "ExclusiveStartKey": {"pk": {"S": "p1"}}}),
    );
    assert_eq!(
        e.message,
        "The provided starting key is invalid: The provided key element does not match the schema"
    );
}
