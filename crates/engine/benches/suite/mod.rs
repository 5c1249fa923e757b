//! The engine's benchmark workloads, shared by the native bench (`dispatch.rs`, `make
//! bench`) and the WebAssembly one (`crates/bench-wasm`, run under Node by
//! `scripts/bench-wasm.sh`), so both report the same figures for the same requests. Most go
//! through the one door, JSON bytes in and JSON bytes out, as every front end sends them;
//! one goes through the typed Rust API. Figures only: nothing here asserts a time, since
//! shared machines make timed assertions flaky.

use std::hint::black_box;

use dynoscope_engine::{AttributeValue, Engine, EngineConfig, Item};
use serde_json::{Value, json};

/// Where a run reads the time and writes its figures, and which figures it runs.
pub struct Bench<'a> {
    /// Seconds from any fixed origin.
    pub clock: &'a dyn Fn() -> f64,
    pub out: &'a mut dyn FnMut(&str),
    /// Words a label must contain one of (empty: every figure).
    pub filter: Vec<String>,
    /// How long each figure runs, in seconds.
    pub seconds: f64,
}

impl Bench<'_> {
    /// Runs `run(i)` round-robin over `n` inputs for about `seconds` and writes operations/s.
    pub fn measure(&mut self, label: &str, n: usize, mut run: impl FnMut(usize)) {
        if !self.filter.is_empty() && !self.filter.iter().any(|word| label.contains(word.as_str()))
        {
            return;
        }
        let start = (self.clock)();
        let mut count = 0usize;
        while (self.clock)() - start < self.seconds {
            for i in 0..1000 {
                run((count + i) % n);
            }
            count += 1000;
        }
        let seconds = (self.clock)() - start;
        (self.out)(&format!(
            "{label:<46} {:>12.0} ops/s  {:>8.2} µs/op",
            count as f64 / seconds,
            seconds * 1e6 / count as f64
        ));
    }

    /// Writes a line of text between figures.
    pub fn say(&mut self, text: &str) {
        (self.out)(text);
    }
}

const ITEMS: usize = 10_000;

fn key_of(i: usize) -> String {
    format!("k{i:08}")
}

/// A 200-byte item (as DynamoDB counts it) under partition `p{i % 100}`, sort key `i`.
fn item(i: usize) -> Value {
    named_item(i, "abc")
}

/// The same item with another `name` (three characters keep it 200 bytes).
fn named_item(i: usize, name: &str) -> Value {
    let filler = "x".repeat(200 - (2 + 4) - (2 + 9) - (4 + 3) - (7 + 2) - 4);
    json!({
        "pk": {"S": format!("p{:03}", i % 100)},
        "sk": {"S": key_of(i)},
        "name": {"S": name},
        "counter": {"N": "42"},
        "data": {"S": filler},
    })
}

fn key(i: usize) -> Value {
    json!({"pk": {"S": format!("p{:03}", i % 100)}, "sk": {"S": key_of(i)}})
}

fn body(value: Value) -> Vec<u8> {
    serde_json::to_vec(&value).unwrap()
}

fn engine_with_table() -> Engine {
    let mut engine = Engine::new(EngineConfig::default());
    let create = json!({
        "TableName": "bench",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "BillingMode": "PAY_PER_REQUEST",
    });
    engine.dispatch("CreateTable", &body(create)).unwrap();
    engine
}

/// Every figure, in order.
pub fn run(bench: &mut Bench) {
    let puts: Vec<Vec<u8>> = (0..ITEMS)
        .map(|i| body(json!({"TableName": "bench", "Item": item(i)})))
        .collect();
    let gets: Vec<Vec<u8>> = (0..ITEMS)
        .map(|i| body(json!({"TableName": "bench", "Key": key(i)})))
        .collect();
    let updates: Vec<Vec<u8>> = (0..ITEMS)
        .map(|i| {
            body(json!({"TableName": "bench", "Key": key(i), "UpdateExpression": "SET #c = #c + :one, #n = :name",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeNames": {"#c": "counter", "#n": "name"},
                "ExpressionAttributeValues": {":one": {"N": "1"}, ":name": {"S": "xyz"}}}))
        })
        .collect();
    let queries: Vec<Vec<u8>> = (0..100)
        .map(|p| {
            body(
                json!({"TableName": "bench", "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": {"S": format!("p{p:03}")}}}),
            )
        })
        .collect();
    let batches: Vec<Vec<u8>> = (0..ITEMS / 25)
        .map(|b| {
            let writes: Vec<Value> = (0..25)
                .map(|j| json!({"PutRequest": {"Item": item(b * 25 + j)}}))
                .collect();
            body(json!({"RequestItems": {"bench": writes}}))
        })
        .collect();
    let typed_keys: Vec<Item> = (0..ITEMS)
        .map(|i| {
            Item::from([
                (
                    "pk".to_string(),
                    AttributeValue::S(format!("p{:03}", i % 100)),
                ),
                ("sk".to_string(), AttributeValue::S(key_of(i))),
            ])
        })
        .collect();

    // Every item is put once first, so each figure (whichever the filter picks) reads and
    // rewrites a full table.
    let mut engine = engine_with_table();
    fill(&mut engine, &puts);
    bench.say("dynoscope-engine benchmarks (one core; 200-byte items; 10,000 items in 100 partition keys)");
    bench.measure("PutItem (dispatch, JSON in and out)", ITEMS, |i| {
        black_box(engine.dispatch("PutItem", &puts[i]).unwrap());
    });
    bench.measure("GetItem (dispatch)", ITEMS, |i| {
        black_box(engine.dispatch("GetItem", &gets[i]).unwrap());
    });
    bench.measure("GetItem (typed Rust API)", ITEMS, |i| {
        black_box(engine.get_item("bench", &typed_keys[i]).unwrap());
    });
    bench.measure(
        "UpdateItem, SET with + and a condition (dispatch)",
        ITEMS,
        |i| {
            black_box(engine.dispatch("UpdateItem", &updates[i]).unwrap());
        },
    );
    bench.measure("Query returning 100 items (dispatch)", 100, |i| {
        black_box(engine.dispatch("Query", &queries[i]).unwrap());
    });
    bench.measure("BatchWriteItem of 25 puts (dispatch)", batches.len(), |i| {
        black_box(engine.dispatch("BatchWriteItem", &batches[i]).unwrap());
    });

    // The same requests with the playground simulation on: replication lag logged per write,
    // eventually consistent reads served by a replica, a GSI propagating asynchronously. The
    // clock steps 1 ms per request so the replicas' logs drain as they would in real time.
    // These puts rewrite each item as it is, so the GSI entry does not change (DynamoDB
    // neither bills nor propagates that); the pair after them moves every entry.
    let mut simulated = engine_with_gsi();
    fill(&mut simulated, &puts);
    bench.measure(
        "PutItem, one GSI, simulation off (the baseline below)",
        ITEMS,
        |i| {
            simulated.advance_clock_by(1);
            black_box(simulated.dispatch("PutItem", &puts[i]).unwrap());
        },
    );
    simulated
        .dispatch(
            "Dynoscope_SetSimulation",
            &body(json!({"Preset": "PLAYGROUND"})),
        )
        .unwrap();
    bench.say("with the playground simulation (replication lag, GSI propagation, 1 ms steps):");
    bench.measure(
        "PutItem, simulated: replicated, one GSI (dispatch)",
        ITEMS,
        |i| {
            simulated.advance_clock_by(1);
            black_box(simulated.dispatch("PutItem", &puts[i]).unwrap());
        },
    );
    bench.measure(
        "GetItem, simulated: eventually consistent (dispatch)",
        ITEMS,
        |i| {
            simulated.advance_clock_by(1);
            black_box(simulated.dispatch("GetItem", &gets[i]).unwrap());
        },
    );
    // The same writes with only replication and GSI propagation simulated: throttling off,
    // so no token bucket is consulted before the write (its cost, on a table of this many
    // partitions, is the difference from the line above).
    simulated
        .dispatch(
            "Dynoscope_SetSimulation",
            &body(json!({"TableName": "bench", "Throttling": false})),
        )
        .unwrap();
    bench.measure(
        "PutItem, simulated, throttling off: replicated, one GSI (dispatch)",
        ITEMS,
        |i| {
            simulated.advance_clock_by(1);
            black_box(simulated.dispatch("PutItem", &puts[i]).unwrap());
        },
    );
    // Puts that move each item's GSI entry (its `name` alternates between two values, 997
    // of each, on every pass): a delete and a put on the index per write, queued to land
    // after the propagation delay when simulated.
    let moving: Vec<Vec<u8>> = (0..2 * ITEMS)
        .map(|j| {
            let (i, pass) = (j % ITEMS, j / ITEMS);
            body(json!({"TableName": "bench", "Item": named_item(i, &format!("{}{:02}", ["m", "n"][pass], i % 97))}))
        })
        .collect();
    for preset in ["OFF", "PLAYGROUND"] {
        let mut engine = engine_with_gsi();
        engine
            .dispatch("Dynoscope_SetSimulation", &body(json!({"Preset": preset})))
            .unwrap();
        // Six passes (a virtual minute) first: simulated, this workload heats the index
        // (2,000 index write units a second) until its partitions have split for heat, some
        // 1,400 times, and the figure is the steady state after that.
        for (i, put) in moving.iter().cycle().enumerate().take(6 * ITEMS) {
            engine.advance_clock_by(1);
            black_box(
                engine
                    .dispatch("PutItem", put)
                    .unwrap_or_else(|e| panic!("put {i}: {e:?}")),
            );
        }
        let label = if preset == "OFF" {
            "PutItem moving its GSI entry, simulation off"
        } else {
            "PutItem moving its GSI entry, simulated"
        };
        bench.measure(label, 2 * ITEMS, |i| {
            engine.advance_clock_by(1);
            black_box(engine.dispatch("PutItem", &moving[i]).unwrap());
        });
    }
    // Throttling alone (every other simulation setting off): each request is admitted by
    // its partition's token bucket. A provisioned table with room to spare (3,000 RCU and
    // 3,000 WCU: four partitions) and 1 ms steps, so the buckets refill as in real time and
    // nothing is refused; first with throttling off (the buckets only account), then on.
    bench.say("throughput (provisioned 3,000 RCU / 3,000 WCU, four partitions, 1 ms steps):");
    for throttling in [false, true] {
        let mut provisioned = provisioned_table(throttling);
        fill(&mut provisioned, &puts);
        let state = if throttling { "on" } else { "off" };
        bench.measure(
            &format!("PutItem, throttling {state} (dispatch)"),
            ITEMS,
            |i| {
                provisioned.advance_clock_by(1);
                black_box(provisioned.dispatch("PutItem", &puts[i]).unwrap());
            },
        );
        bench.measure(
            &format!("GetItem, throttling {state} (dispatch)"),
            ITEMS,
            |i| {
                provisioned.advance_clock_by(1);
                black_box(provisioned.dispatch("GetItem", &gets[i]).unwrap());
            },
        );
    }
}

/// Puts every item of `puts` once, unmeasured, a millisecond apart (as the measured
/// requests that follow are, so throughput refills as in real time).
fn fill(engine: &mut Engine, puts: &[Vec<u8>]) {
    for put in puts {
        engine.advance_clock_by(1);
        engine.dispatch("PutItem", put).unwrap();
    }
}

/// The bench table with a KEYS_ONLY global index on `name`.
fn engine_with_gsi() -> Engine {
    let mut engine = engine_with_table();
    let gsi = json!({
        "TableName": "bench",
        "AttributeDefinitions": [{"AttributeName": "name", "AttributeType": "S"}],
        "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "by_name", "KeySchema": [{"AttributeName": "name", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}}],
    });
    engine.dispatch("UpdateTable", &body(gsi)).unwrap();
    engine
}

/// The bench table, provisioned for more than the bench asks of it, with throttling on or off.
fn provisioned_table(throttling: bool) -> Engine {
    let mut engine = Engine::new(EngineConfig::default());
    let create = json!({
        "TableName": "bench",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "ProvisionedThroughput": {"ReadCapacityUnits": 3000, "WriteCapacityUnits": 3000},
    });
    engine.dispatch("CreateTable", &body(create)).unwrap();
    engine
        .dispatch(
            "Dynoscope_SetSimulation",
            &body(json!({"Throttling": throttling})),
        )
        .unwrap();
    engine
}
