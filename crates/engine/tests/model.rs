//! Model-based check of the simulated cluster: a seeded random workload of puts, deletes,
//! updates, clock steps, eventually consistent reads and splits, against a plain map of
//! what the table should hold. Whatever the partitions, replicas, splits and index queues
//! do inside, strongly consistent reads must always agree with the map, and once the clock
//! has passed every lag, eventually consistent reads and the index must too.

mod common;

use std::collections::BTreeMap;

use common::Harness;
use dynoscope_engine::{Engine, EngineConfig, SimulationSettings};
use serde_json::{Value, json};

struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn fixture(seed: u64) -> Harness {
    let simulation = SimulationSettings {
        partition_size_limit_bytes: 2048,
        heat_split_units_per_second: 5,
        ..SimulationSettings::playground()
    };
    let mut h = Harness {
        engine: Engine::new(EngineConfig {
            seed,
            simulation,
            ..Default::default()
        }),
    };
    h.ok(
        "CreateTable",
        json!({
            "TableName": "t1x",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "g", "AttributeType": "S"}
            ],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        }),
    );
    h
}

type Model = BTreeMap<(String, u64), u64>;

fn scan_all(h: &mut Harness, consistent: bool, index: Option<&str>) -> Model {
    let mut seen = Model::new();
    let mut start: Option<Value> = None;
    loop {
        let mut request = json!({"TableName": "t1x", "Limit": 13});
        if consistent {
            request["ConsistentRead"] = json!(true);
        }
        if let Some(index) = index {
            request["IndexName"] = json!(index);
        }
        if let Some(key) = start.take() {
            request["ExclusiveStartKey"] = key;
        }
        let page = h.ok("Scan", request);
        for item in page["Items"].as_array().unwrap() {
            let pk = item["pk"]["S"].as_str().unwrap().to_owned();
            let sk: u64 = item["sk"]["N"].as_str().unwrap().parse().unwrap();
            let v: u64 = item["v"]["N"].as_str().unwrap().parse().unwrap();
            assert!(
                seen.insert((pk, sk), v).is_none(),
                "an item came back twice"
            );
        }
        match page.get("LastEvaluatedKey") {
            Some(key) => start = Some(key.clone()),
            None => return seen,
        }
    }
}

fn query_all(h: &mut Harness, pk: &str, forward: bool) -> Vec<u64> {
    let mut keys = Vec::new();
    let mut start: Option<Value> = None;
    loop {
        let mut request = json!({"TableName": "t1x", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": pk}},
            "ConsistentRead": true, "ScanIndexForward": forward, "Limit": 5});
        if let Some(key) = start.take() {
            request["ExclusiveStartKey"] = key;
        }
        let page = h.ok("Query", request);
        keys.extend(
            page["Items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["sk"]["N"].as_str().unwrap().parse::<u64>().unwrap()),
        );
        match page.get("LastEvaluatedKey") {
            Some(key) => start = Some(key.clone()),
            None => return keys,
        }
    }
}

fn run(seed: u64, steps: usize) {
    let mut g = Gen(seed);
    let mut h = fixture(seed);
    let mut model = Model::new();
    for step in 0..steps {
        // A few hot partition keys with many sort keys, so collections split by sort key too.
        let pk = format!("p{}", g.below(4));
        let sk = g.below(60);
        let pad = "x".repeat(g.below(120) as usize);
        match g.below(10) {
            0..=4 => {
                let v = g.below(1000);
                h.put("t1x", json!({"pk": {"S": pk}, "sk": {"N": sk.to_string()}, "v": {"N": v.to_string()}, "g": {"S": "all"}, "pad": {"S": pad}}));
                model.insert((pk, sk), v);
            }
            5 => {
                h.ok("DeleteItem", json!({"TableName": "t1x", "Key": {"pk": {"S": pk.clone()}, "sk": {"N": sk.to_string()}}}));
                model.remove(&(pk, sk));
            }
            6 => {
                let r = h.call(
                    "UpdateItem",
                    json!({"TableName": "t1x", "Key": {"pk": {"S": pk.clone()}, "sk": {"N": sk.to_string()}},
                           "UpdateExpression": "SET v = v + :one", "ConditionExpression": "attribute_exists(pk)",
                           "ExpressionAttributeValues": {":one": {"N": "1"}}}),
                );
                if let Some(v) = model.get_mut(&(pk, sk)) {
                    assert!(r.is_ok(), "{r:?}");
                    *v += 1;
                } else {
                    assert!(r.is_err());
                }
            }
            7 => h.engine.advance_clock_by(g.below(400)),
            8 => {
                let _ = h.ok("GetItem", json!({"TableName": "t1x", "Key": {"pk": {"S": pk}, "sk": {"N": sk.to_string()}}}));
            }
            _ => {
                let got = h.ok("GetItem", json!({"TableName": "t1x", "Key": {"pk": {"S": pk.clone()}, "sk": {"N": sk.to_string()}}, "ConsistentRead": true}));
                let v = got
                    .get("Item")
                    .map(|i| i["v"]["N"].as_str().unwrap().parse::<u64>().unwrap());
                assert_eq!(v, model.get(&(pk, sk)).copied(), "step {step}");
            }
        }
        if step % 97 == 0 {
            assert_eq!(
                scan_all(&mut h, true, None),
                model,
                "strong scan at step {step}"
            );
            for p in 0..4 {
                let pk = format!("p{p}");
                let expected: Vec<u64> = model
                    .keys()
                    .filter(|(k, _)| *k == pk)
                    .map(|(_, s)| *s)
                    .collect();
                assert_eq!(
                    query_all(&mut h, &pk, true),
                    expected,
                    "query {pk} at step {step}"
                );
                let mut reversed = expected.clone();
                reversed.reverse();
                assert_eq!(
                    query_all(&mut h, &pk, false),
                    reversed,
                    "reverse query {pk} at step {step}"
                );
            }
        }
    }
    // Past every lag, every replica and the index agree with the model.
    h.engine.advance_clock_by(10_000);
    assert_eq!(scan_all(&mut h, false, None), model);
    assert_eq!(scan_all(&mut h, false, Some("by_g")), model);
    let partitions = h.ok("Dynoscope_DescribePartitions", json!({"TableName": "t1x"}));
    assert!(
        partitions["Partitions"].as_array().unwrap().len() > 1,
        "the workload split the table"
    );
}

/// Seeds to run: 3 by default; `DYNOSCOPE_MODEL_SEEDS=100` for a long run.
fn seeds() -> u64 {
    std::env::var("DYNOSCOPE_MODEL_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
}

#[test]
fn strong_reads_always_agree_with_the_model_through_splits_and_lag() {
    for seed in 1..=seeds() {
        run(seed, 1500);
    }
}
