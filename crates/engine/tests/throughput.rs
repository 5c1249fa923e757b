//! Scenario: capacity and throttling on the virtual clock. A provisioned table's capacity is
//! divided among its partitions as token buckets that refill every second and bank up to
//! 300 seconds of unused capacity as burst credit; a partition serves at most 1,000 WCU and
//! 3,000 RCU a second; adaptive capacity lends a throttled hot partition the table's unused
//! capacity; a GSI short of write capacity throttles base-table writes; an on-demand table
//! serves double its previous peak. Throttling is off unless the simulation turns it on,
//! but the buckets always account, for the metrics and the cost estimate. Each test runs on
//! a stepped clock with the default seed, so every figure is exact.

mod common;

use common::Harness;
use dynoscope_engine::{DynamoError, ErrorKind};
use serde_json::{Value, json};

const TABLE_MESSAGE: &str = "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.";
const INDEX_MESSAGE: &str = "The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API.";

/// A harness with throttling on (the engine's other simulation settings stay off).
fn throttled() -> Harness {
    let mut h = Harness::new();
    h.ok("Dynoscope_SetSimulation", json!({"Throttling": true}));
    h
}

fn provisioned(h: &mut Harness, name: &str, read: u64, write: u64) {
    h.ok(
        "CreateTable",
        json!({
            "TableName": name,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "ProvisionedThroughput": {"ReadCapacityUnits": read, "WriteCapacityUnits": write},
        }),
    );
}

/// A put of a small item (one write unit).
fn put(h: &mut Harness, table: &str, pk: &str) -> Result<Value, DynamoError> {
    h.call(
        "PutItem",
        json!({"TableName": table, "Item": {"pk": {"S": pk}}}),
    )
}

/// How many of `n` one-unit puts under `pk{i}` are admitted, in order, stopping at the first
/// refusal; returns the count and the refusal.
fn puts_until_refused(h: &mut Harness, table: &str, n: usize) -> (usize, Option<DynamoError>) {
    for i in 0..n {
        if let Err(e) = put(h, table, &format!("k{i}")) {
            return (i, Some(e));
        }
    }
    (n, None)
}

fn reasons(e: &DynamoError) -> Vec<(String, String)> {
    e.to_json()["ThrottlingReasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["reason"].as_str().unwrap().to_owned(),
                r["resource"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn arn(h: &mut Harness, table: &str) -> String {
    h.ok("DescribeTable", json!({"TableName": table}))["Table"]["TableArn"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn partitions(h: &mut Harness, table: &str) -> Vec<Value> {
    h.ok("Dynoscope_DescribePartitions", json!({"TableName": table}))["Partitions"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn ten_wcu_admit_ten_one_unit_writes_in_a_second_and_throttle_the_eleventh() {
    let mut h = throttled();
    provisioned(&mut h, "t1x", 10, 10);
    let (admitted, refusal) = puts_until_refused(&mut h, "t1x", 20);
    assert_eq!(admitted, 10);
    let e = refusal.unwrap();
    assert_eq!(e.kind, ErrorKind::ProvisionedThroughputExceededException);
    assert_eq!(e.message, TABLE_MESSAGE);
    let table_arn = arn(&mut h, "t1x");
    assert_eq!(
        reasons(&e),
        vec![(
            "TableWriteProvisionedThroughputExceeded".to_owned(),
            table_arn
        )]
    );
    // A throttled write has no effect.
    assert_eq!(h.get("t1x", json!({"pk": {"S": "k10"}})), None);
    // The bucket refills continuously: 100 ms earn one unit.
    h.engine.advance_clock_by(100);
    assert!(put(&mut h, "t1x", "a").is_ok());
    assert!(put(&mut h, "t1x", "b").is_err());
}

#[test]
fn burst_credit_banked_while_idle_absorbs_a_spike_and_runs_out() {
    let mut h = throttled();
    provisioned(&mut h, "t1x", 10, 10);
    h.engine.advance_clock_by(60_000);
    let write = &partitions(&mut h, "t1x")[0]["Throughput"]["Write"];
    assert_eq!(write["Tokens"], 10.0);
    assert_eq!(write["BurstCredit"], 600.0, "a minute of unused capacity");
    assert_eq!(write["BurstCreditMax"], 3000.0, "at most 300 seconds");
    let (admitted, refusal) = puts_until_refused(&mut h, "t1x", 1_000);
    assert_eq!(
        admitted, 610,
        "one second's allocation plus 600 units of burst credit"
    );
    assert_eq!(
        refusal.unwrap().kind,
        ErrorKind::ProvisionedThroughputExceededException
    );
    let write = &partitions(&mut h, "t1x")[0]["Throughput"]["Write"];
    assert_eq!(
        (write["Tokens"].as_f64(), write["BurstCredit"].as_f64()),
        (Some(0.0), Some(0.0))
    );
}

#[test]
fn a_hot_partition_throttles_while_the_table_has_capacity_then_adaptive_capacity_relieves_it() {
    let mut h = throttled();
    // 1,200 WCU is two partitions (ceil(100/3000 + 1200/1000)), 600 WCU each.
    provisioned(&mut h, "t1x", 100, 1_200);
    let parts = partitions(&mut h, "t1x");
    assert_eq!(parts.len(), 2);
    assert_eq!(
        parts[0]["Throughput"]["Write"]["AllocatedCapacityUnits"],
        600.0
    );
    let hot = h.ok(
        "Dynoscope_LocateItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "hot"}}}),
    )["PartitionId"]
        .clone();
    let hammer = |h: &mut Harness| -> (usize, DynamoError) {
        for i in 0.. {
            if let Err(e) = h.call("PutItem", json!({"TableName": "t1x", "Item": {"pk": {"S": "hot"}, "n": {"N": i.to_string()}}})) {
                return (i, e);
            }
        }
        unreachable!()
    };
    // Second 0: the hot partition has only its own 600, though the table uses half its 1,200.
    let (admitted, e) = hammer(&mut h);
    assert_eq!(admitted, 600);
    assert_eq!(reasons(&e)[0].0, "TableWriteProvisionedThroughputExceeded");
    let describe = |h: &mut Harness| {
        let parts = partitions(h, "t1x");
        parts.into_iter().find(|p| p["PartitionId"] == hot).unwrap()["Throughput"]["Write"].clone()
    };
    assert_eq!(
        describe(&mut h)["AdaptiveBoost"],
        false,
        "adaptive capacity reacts from the next second"
    );
    // Second 1: boosted, it borrows the table's unused capacity up to the partition limit.
    h.engine.advance_clock_by(1_000);
    assert_eq!(describe(&mut h)["AdaptiveBoost"], true);
    let (admitted, e) = hammer(&mut h);
    assert_eq!(
        admitted, 1_000,
        "600 of its own and 400 borrowed, up to 1,000 WCU per partition"
    );
    assert_eq!(reasons(&e)[0].0, "TableWriteKeyRangeThroughputExceeded");
}

fn table_with_gsi(h: &mut Harness, gsi_write: u64) {
    h.ok(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "ProvisionedThroughput": {"ReadCapacityUnits": 100, "WriteCapacityUnits": 100},
            "GlobalSecondaryIndexes": [{
                "IndexName": "by_g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": gsi_write},
            }],
        }),
    );
}

#[test]
fn a_gsi_short_of_write_capacity_throttles_base_table_writes() {
    let mut h = throttled();
    table_with_gsi(&mut h, 1);
    h.put("t1x", json!({"pk": {"S": "a"}, "g": {"S": "x"}}));
    let e = h.err(
        "PutItem",
        json!({"TableName": "t1x", "Item": {"pk": {"S": "b"}, "g": {"S": "y"}}}),
    );
    assert_eq!(e.kind, ErrorKind::ProvisionedThroughputExceededException);
    assert_eq!(e.message, INDEX_MESSAGE);
    let index_arn = format!("{}/index/by_g", arn(&mut h, "t1x"));
    assert_eq!(
        reasons(&e),
        vec![(
            "IndexWriteProvisionedThroughputExceeded".to_owned(),
            index_arn
        )]
    );
    assert_eq!(
        h.get("t1x", json!({"pk": {"S": "b"}})),
        None,
        "the whole write is refused"
    );
    // A write that leaves the index alone needs only the table's capacity.
    h.put("t1x", json!({"pk": {"S": "c"}}));
    h.engine.advance_clock_by(1_000);
    h.put("t1x", json!({"pk": {"S": "b"}, "g": {"S": "y"}}));
}

#[test]
fn on_demand_serves_its_warm_throughput_then_double_its_previous_peak() {
    let mut h = throttled();
    h.table("t1x", None);
    // 4,000-byte items cost 4 write units each: 1,000 of them are 4,000 WRU.
    let big = "x".repeat(3_990);
    let burst = |h: &mut Harness| -> (usize, DynamoError) {
        for i in 0.. {
            if let Err(e) = h.call(
                "PutItem",
                json!({"TableName": "t1x", "Item": {"pk": {"S": "k"}, "v": {"S": big}}}),
            ) {
                return (i, e);
            }
        }
        unreachable!()
    };
    let (admitted, e) = burst(&mut h);
    assert_eq!(
        admitted, 1_000,
        "a new on-demand table serves 4,000 WRU/s at once"
    );
    assert_eq!(e.kind, ErrorKind::ProvisionedThroughputExceededException);
    assert!(
        e.message
            .starts_with("Throughput exceeds the current capacity of your table or index.")
    );
    assert_eq!(reasons(&e)[0].0, "TableWriteKeyRangeThroughputExceeded");
    // Ten minutes later the peak is not yet 30 minutes old: still 4,000.
    h.engine.advance_clock_by(600_000);
    assert_eq!(burst(&mut h).0, 1_000);
    // Once the first peak is 30 minutes old, the table serves double it.
    h.engine.advance_clock_by(1_201_000);
    assert_eq!(burst(&mut h).0, 2_000);
}

#[test]
fn with_throttling_off_nothing_is_throttled_but_everything_is_counted() {
    let mut h = Harness::new();
    let settings = h.ok("Dynoscope_DescribeSimulation", json!({}));
    assert_eq!(settings["Settings"]["Throttling"], false);
    provisioned(&mut h, "t1x", 1, 1);
    assert_eq!(puts_until_refused(&mut h, "t1x", 50).0, 50);
    for _ in 0..10 {
        h.ok("Scan", json!({"TableName": "t1x"}));
    }
    let metrics = h.ok("Dynoscope_GetMetrics", json!({"TableName": "t1x"}));
    let second = &metrics["Datapoints"][0];
    assert_eq!(second["ConsumedWriteCapacityUnits"], 50.0);
    assert_eq!(
        second["ConsumedReadCapacityUnits"], 5.0,
        "ten eventually consistent scans of one 4 KB page"
    );
    assert_eq!(second["ThrottledWriteRequests"], 0);
    // The buckets drained to empty but went into no debt: the next second refills them.
    let write = &partitions(&mut h, "t1x")[0]["Throughput"]["Write"];
    assert_eq!(
        (write["Tokens"].as_f64(), write["BurstCredit"].as_f64()),
        (Some(0.0), Some(0.0))
    );
    h.engine.advance_clock_by(2_500);
    assert_eq!(puts_until_refused(&mut h, "t1x", 3).0, 3);
    let write = &partitions(&mut h, "t1x")[0]["Throughput"]["Write"];
    assert_eq!(write["Tokens"], 0.0);
    assert_eq!(write["BurstCredit"], 0.0, "2.5 units earned, 3 taken");
    assert_eq!(write["ConsumedThisSecond"], 3.0);
    let metrics = h.ok("Dynoscope_GetMetrics", json!({"TableName": "t1x"}));
    let points: Vec<(u64, f64)> = metrics["Datapoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["StartMillis"].as_u64().unwrap(),
                p["ConsumedWriteCapacityUnits"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(points, vec![(0, 50.0), (2_000, 3.0)]);
}

#[test]
fn batch_write_leaves_throttled_writes_unprocessed_and_fails_when_all_are() {
    let mut h = throttled();
    provisioned(&mut h, "t1x", 10, 10);
    let batch = |from: usize| {
        let writes: Vec<Value> = (from..from + 25)
            .map(|i| json!({"PutRequest": {"Item": {"pk": {"S": format!("k{i:02}")}}}}))
            .collect();
        json!({"RequestItems": {"t1x": writes}, "ReturnConsumedCapacity": "TOTAL"})
    };
    let answer = h.ok("BatchWriteItem", batch(0));
    let left = answer["UnprocessedItems"]["t1x"].as_array().unwrap();
    assert_eq!(left.len(), 15);
    assert_eq!(
        left[0],
        json!({"PutRequest": {"Item": {"pk": {"S": "k10"}}}})
    );
    assert_eq!(answer["ConsumedCapacity"][0]["CapacityUnits"], 10.0);
    assert!(h.get("t1x", json!({"pk": {"S": "k09"}})).is_some());
    // Every write throttled: the call itself fails.
    let e = h.err("BatchWriteItem", batch(25));
    assert_eq!(e.kind, ErrorKind::ProvisionedThroughputExceededException);
    // Retrying the unprocessed items a second later processes another ten.
    h.engine.advance_clock_by(1_000);
    let retry = h.ok("BatchWriteItem", json!({"RequestItems": {"t1x": left}}));
    assert_eq!(
        retry["UnprocessedItems"]["t1x"].as_array().unwrap().len(),
        5
    );
}

#[test]
fn batch_get_leaves_throttled_keys_unprocessed() {
    let mut h = throttled();
    provisioned(&mut h, "t1x", 1, 10);
    for pk in ["a", "b", "c"] {
        put(&mut h, "t1x", pk).unwrap();
    }
    let keys: Vec<Value> = ["a", "b", "c"]
        .iter()
        .map(|pk| json!({"pk": {"S": pk}}))
        .collect();
    // One RCU is two eventually consistent reads.
    let answer = h.ok(
        "BatchGetItem",
        json!({"RequestItems": {"t1x": {"Keys": keys}}}),
    );
    assert_eq!(answer["Responses"]["t1x"].as_array().unwrap().len(), 2);
    assert_eq!(
        answer["UnprocessedKeys"]["t1x"]["Keys"],
        json!([{"pk": {"S": "c"}}])
    );
}

#[test]
fn a_failed_conditional_write_still_consumes_write_capacity() {
    let mut h = throttled();
    provisioned(&mut h, "t1x", 10, 10);
    let conditional = json!({"TableName": "t1x", "Item": {"pk": {"S": "a"}}, "ConditionExpression": "attribute_exists(pk)"});
    for _ in 0..10 {
        assert_eq!(
            h.err("PutItem", conditional.clone()).kind,
            ErrorKind::ConditionalCheckFailedException
        );
    }
    // The bucket is empty: the throttle answers before the condition is looked at.
    assert_eq!(
        h.err("PutItem", conditional).kind,
        ErrorKind::ProvisionedThroughputExceededException
    );
}

#[test]
fn a_throttled_transaction_is_cancelled_with_a_reason_per_action() {
    let mut h = throttled();
    provisioned(&mut h, "t1x", 10, 10);
    provisioned(&mut h, "t2x", 10, 10);
    assert_eq!(puts_until_refused(&mut h, "t1x", 10).0, 10);
    let e = h.err(
        "TransactWriteItems",
        json!({"TransactItems": [
            {"Put": {"TableName": "t2x", "Item": {"pk": {"S": "a"}}}},
            {"Put": {"TableName": "t1x", "Item": {"pk": {"S": "b"}}}},
        ]}),
    );
    assert_eq!(e.kind, ErrorKind::TransactionCanceledException);
    let reasons = e.to_json()["CancellationReasons"].clone();
    assert_eq!(reasons[0], json!({"Code": "None"}));
    assert_eq!(
        reasons[1],
        json!({"Code": "ProvisionedThroughputExceeded", "Message": TABLE_MESSAGE})
    );
    assert_eq!(
        h.get("t2x", json!({"pk": {"S": "a"}})),
        None,
        "nothing is written"
    );
}

#[test]
fn update_table_divides_the_new_allocation() {
    let mut h = throttled();
    provisioned(&mut h, "t1x", 10, 10);
    assert_eq!(puts_until_refused(&mut h, "t1x", 20).0, 10);
    h.ok("UpdateTable", json!({"TableName": "t1x", "ProvisionedThroughput": {"ReadCapacityUnits": 10, "WriteCapacityUnits": 40}}));
    assert_eq!(
        partitions(&mut h, "t1x")[0]["Throughput"]["Write"]["AllocatedCapacityUnits"],
        40.0
    );
    // 40 WCU refill four units every 100 ms.
    h.engine.advance_clock_by(100);
    let admitted = (0..10)
        .filter(|i| put(&mut h, "t1x", &format!("n{i}")).is_ok())
        .count();
    assert_eq!(admitted, 4);
    h.ok(
        "UpdateTable",
        json!({"TableName": "t1x", "BillingMode": "PAY_PER_REQUEST"}),
    );
    let write = &partitions(&mut h, "t1x")[0]["Throughput"];
    assert_eq!(write["Mode"], "ON_DEMAND");
    assert_eq!(write["Write"]["OnDemandTableCapacityPerSecond"], 4_000.0);
}

#[test]
fn metrics_are_one_second_samples_of_what_happened() {
    let mut h = throttled();
    provisioned(&mut h, "t1x", 10, 10);
    for i in 0..12 {
        let _ = put(&mut h, "t1x", &format!("k{i}"));
    }
    h.engine.advance_clock_by(1_500);
    h.ok(
        "GetItem",
        json!({"TableName": "t1x", "Key": {"pk": {"S": "k0"}}, "ConsistentRead": true}),
    );
    put(&mut h, "t1x", "k0").unwrap();
    let metrics = h.ok("Dynoscope_GetMetrics", json!({"TableName": "t1x"}));
    assert_eq!(metrics["Resolution"], "SECOND");
    let points = metrics["Datapoints"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(points[0]["StartMillis"], 0);
    assert_eq!(points[0]["ConsumedWriteCapacityUnits"], 10.0);
    assert_eq!(points[0]["ThrottledWriteRequests"], 2);
    assert_eq!(points[0]["ProvisionedWriteCapacityUnits"], 10.0);
    assert_eq!(points[0]["ItemCount"], 10, "as the second left it");
    assert_eq!(points[1]["StartMillis"], 1_000);
    assert_eq!(points[1]["ConsumedReadCapacityUnits"], 1.0);
    assert_eq!(points[1]["ConsumedWriteCapacityUnits"], 1.0);
    assert_eq!(points[1]["ThrottledWriteRequests"], 0);
    // The partition's series matches; the minute rolls both seconds up.
    let id = partitions(&mut h, "t1x")[0]["PartitionId"].clone();
    let partition = h.ok(
        "Dynoscope_GetMetrics",
        json!({"TableName": "t1x", "PartitionId": id}),
    );
    assert_eq!(
        partition["Datapoints"][0]["ConsumedWriteCapacityUnits"],
        10.0
    );
    let minute = h.ok(
        "Dynoscope_GetMetrics",
        json!({"TableName": "t1x", "Resolution": "MINUTE"}),
    );
    assert_eq!(minute["PeriodSeconds"], 60);
    assert_eq!(minute["Datapoints"][0]["ConsumedWriteCapacityUnits"], 11.0);
    assert_eq!(minute["Datapoints"][0]["ThrottledWriteRequests"], 2);
}

#[test]
fn a_global_index_has_its_own_series() {
    let mut h = throttled();
    table_with_gsi(&mut h, 5);
    h.put("t1x", json!({"pk": {"S": "a"}, "g": {"S": "x"}}));
    h.put("t1x", json!({"pk": {"S": "b"}, "g": {"S": "y"}}));
    let index = h.ok(
        "Dynoscope_GetMetrics",
        json!({"TableName": "t1x", "IndexName": "by_g"}),
    );
    assert_eq!(index["Datapoints"][0]["ConsumedWriteCapacityUnits"], 2.0);
    assert_eq!(index["Datapoints"][0]["ProvisionedWriteCapacityUnits"], 5.0);
    assert_eq!(index["Datapoints"][0]["ItemCount"], 2);
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn the_cost_estimate_prices_the_workload_both_ways() {
    let mut h = Harness::new();
    provisioned(&mut h, "t1x", 10, 5);
    for pk in ["k1", "k2", "k3", "k4"] {
        put(&mut h, "t1x", pk).unwrap();
    }
    h.engine.advance_clock_by(3_600_000);
    let answer = h.ok("Dynoscope_EstimateCost", json!({"TableName": "t1x"}));
    let table = &answer["Tables"][0];
    assert_eq!(table["ElapsedHours"], 1.0);
    let od = &table["OnDemand"]["Lines"];
    assert_eq!(od[1]["Quantity"], 4.0);
    assert!(close(od[1]["CostUSD"].as_f64().unwrap(), 4.0 * 0.625 / 1e6));
    let held = &table["Provisioned"]["AsHeld"];
    assert_eq!(
        held["Lines"][0]["Quantity"], 10.0,
        "10 RCU held for an hour"
    );
    assert_eq!(held["Lines"][1]["Quantity"], 5.0, "5 WCU held for an hour");
    assert!(close(
        held["TotalUSD"].as_f64().unwrap(),
        10.0 * 0.00013 + 5.0 * 0.00065
    ));
    let right = &table["Provisioned"]["RightSized"];
    assert_eq!(right["PeakWriteCapacityUnits"], 4.0);
    assert_eq!(
        right["ProvisionedReadCapacityUnits"], 1.0,
        "never below one unit"
    );
    assert!(close(
        right["Cost"]["TotalUSD"].as_f64().unwrap(),
        1.0 * 0.00013 + 4.0 * 0.00065
    ));
    // Four 4-byte items with 100 bytes of overhead each, held from the end of second 0.
    let gb_months = 416.0 * 3_599_000.0 / (1024.0 * 1024.0 * 1024.0) / (730.0 * 3_600_000.0);
    let storage = &table["Storage"]["Lines"][0];
    assert!(close(storage["Quantity"].as_f64().unwrap(), gb_months));
    assert!(close(
        table["TotalUSD"]["ProvisionedAsHeld"].as_f64().unwrap(),
        0.0013 + 0.00325 + gb_months * 0.25
    ));
    assert_eq!(answer["Prices"]["OnDemandWrite"]["USD"], 0.625);
}

#[test]
fn set_simulation_turns_throttling_on_per_table() {
    let mut h = Harness::new();
    provisioned(&mut h, "t1x", 1, 1);
    let answer = h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "Throttling": true}),
    );
    assert_eq!(answer["Settings"]["Throttling"], true);
    assert_eq!(puts_until_refused(&mut h, "t1x", 5).0, 1);
    let playground = h.ok("Dynoscope_SetSimulation", json!({"Preset": "PLAYGROUND"}));
    assert_eq!(playground["Settings"]["Throttling"], true);
}

#[test]
fn a_query_costs_what_it_read_and_its_debt_is_repaid_before_the_next_read() {
    let mut h = throttled();
    h.ok(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 100},
        }),
    );
    for i in 0..40 {
        h.put(
            "t1x",
            json!({"pk": {"S": "a"}, "sk": {"N": i.to_string()}, "v": {"S": "x".repeat(1_000)}}),
        );
    }
    let query = json!({"TableName": "t1x", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}, "ReturnConsumedCapacity": "TOTAL"});
    // About 40 KB read eventually consistently: 5 units, from a bucket holding 1.
    let page = h.ok("Query", query.clone());
    assert_eq!(page["ConsumedCapacity"]["CapacityUnits"], 5.0);
    let tokens = &partitions(&mut h, "t1x")[0]["Throughput"]["Read"]["Tokens"];
    assert_eq!(tokens, -4.0, "the page overdrew the bucket");
    h.engine.advance_clock_by(4_000);
    assert_eq!(
        h.err("Query", query.clone()).kind,
        ErrorKind::ProvisionedThroughputExceededException
    );
    h.engine.advance_clock_by(500);
    h.ok("Query", query);
}

#[test]
fn a_split_divides_the_parent_partitions_allocation_between_its_children() {
    let mut h = throttled();
    provisioned(&mut h, "t1x", 100, 100);
    // The playground splits a partition past 10 KB.
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "Preset": "PLAYGROUND"}),
    );
    for i in 0..40 {
        h.put(
            "t1x",
            json!({"pk": {"S": format!("k{i:02}")}, "v": {"S": "x".repeat(400)}}),
        );
    }
    let parts = partitions(&mut h, "t1x");
    assert!(parts.len() >= 2, "{parts:?}");
    let allocated: f64 = parts
        .iter()
        .map(|p| {
            p["Throughput"]["Write"]["AllocatedCapacityUnits"]
                .as_f64()
                .unwrap()
        })
        .sum();
    assert_eq!(
        allocated, 100.0,
        "splits divide the allocation, never add to it"
    );
    assert!(parts.iter().all(|p| {
        p["Throughput"]["Write"]["AllocatedCapacityUnits"]
            .as_f64()
            .unwrap()
            < 100.0
    }));
}

/// The partition of global index `by_g` (of table `t1x`) whose hash range holds `value`.
fn index_partition_of(h: &mut Harness, value: &str) -> u64 {
    use dynoscope_engine::KeyValue;
    let hash = dynoscope_engine::partition_hash(&KeyValue::S(value.into()));
    let described = h.ok(
        "Dynoscope_DescribePartitions",
        json!({"TableName": "t1x", "IndexName": "by_g"}),
    );
    let range =
        |p: &Value, field: &str| u64::from_str_radix(p[field].as_str().unwrap(), 16).unwrap();
    let partition = described["Partitions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| range(p, "HashRangeStart") <= hash && hash <= range(p, "HashRangeEnd"));
    partition.unwrap()["PartitionId"].as_u64().unwrap()
}

#[test]
fn moving_a_global_index_entry_consumes_write_capacity_in_both_its_partitions() {
    let mut h = Harness::new();
    h.provisioned_table_with_index((1000, 1000), (1000, 1000), "KEYS_ONLY");
    // Small partitions, so the index's hundred entries split it into several.
    h.ok(
        "Dynoscope_SetSimulation",
        json!({"TableName": "t1x", "PartitionSizeLimitBytes": 1024}),
    );
    for i in 0..100 {
        h.put(
            "t1x",
            json!({"pk": {"S": format!("other{i}")}, "g": {"S": format!("g{i}")}}),
        );
    }
    h.put("t1x", json!({"pk": {"S": "k"}, "g": {"S": "from"}}));
    h.engine.advance_clock_by(1_000);
    let from = index_partition_of(&mut h, "from");
    let to_value = (0..100)
        .map(|i| format!("to{i}"))
        .find(|v| index_partition_of(&mut h, v) != from)
        .expect("the index has partitions apart");
    let to = index_partition_of(&mut h, &to_value);
    h.put("t1x", json!({"pk": {"S": "k"}, "g": {"S": to_value}}));
    let described = h.ok(
        "Dynoscope_DescribePartitions",
        json!({"TableName": "t1x", "IndexName": "by_g"}),
    );
    let used = |id: u64| {
        let partition = described["Partitions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["PartitionId"] == id)
            .unwrap()
            .clone();
        partition["Throughput"]["Write"]["ConsumedThisSecond"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(
        (used(from), used(to)),
        (1.0, 1.0),
        "a delete in the old partition, a put in the new: {described}"
    );
}

#[test]
fn a_partition_counts_the_requests_it_refused_this_second_and_the_last() {
    let mut h = throttled();
    provisioned(&mut h, "t1x", 10, 10);
    let _ = puts_until_refused(&mut h, "t1x", 20);
    let _ = put(&mut h, "t1x", "again");
    let write = |h: &mut Harness| partitions(h, "t1x")[0]["Throughput"]["Write"].clone();
    assert_eq!(write(&mut h)["ThrottledThisSecond"], 2);
    assert_eq!(write(&mut h)["ThrottledLastSecond"], 0);
    h.engine.advance_clock_by(1_000);
    assert_eq!(write(&mut h)["ThrottledThisSecond"], 0);
    assert_eq!(write(&mut h)["ThrottledLastSecond"], 2);
}
