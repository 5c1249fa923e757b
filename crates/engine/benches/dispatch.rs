//! Throughput of the engine through its one door, in operations per second on one core:
//! requests go in as JSON bytes and responses come out as JSON bytes, as every front end
//! sends them. Run with `make bench` (or `cargo bench -p dynoscope-engine`). Figures only:
//! nothing here asserts a time, since shared machines make timed assertions flaky.

use std::hint::black_box;
use std::time::{Duration, Instant};

use dynoscope_engine::{Engine, EngineConfig};
use serde_json::json;

const ITEMS: usize = 10_000;
const RUN_FOR: Duration = Duration::from_millis(1500);

/// A 200-byte item (as DynamoDB counts it) under key `k{i}`.
fn item_body(i: usize) -> Vec<u8> {
    let key = format!("k{i:08}");
    let filler = "x".repeat(200 - (2 + key.len()) - (4 + 3) - (7 + 2) - 4);
    let item = json!({
        "pk": {"S": key},
        "name": {"S": "abc"},
        "counter": {"N": "42"},
        "data": {"S": filler},
    });
    serde_json::to_vec(&json!({"TableName": "bench", "Item": item})).unwrap()
}

fn get_body(i: usize) -> Vec<u8> {
    serde_json::to_vec(&json!({"TableName": "bench", "Key": {"pk": {"S": format!("k{i:08}")}}})).unwrap()
}

fn engine_with_table() -> Engine {
    let mut engine = Engine::new(EngineConfig::default());
    let create = json!({
        "TableName": "bench",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    });
    engine.dispatch("CreateTable", &serde_json::to_vec(&create).unwrap()).unwrap();
    engine
}

/// Runs `op` over `bodies` round-robin for about RUN_FOR and prints operations per second.
fn measure(label: &str, engine: &mut Engine, op: &str, bodies: &[Vec<u8>]) {
    let start = Instant::now();
    let mut count = 0usize;
    while start.elapsed() < RUN_FOR {
        for body in bodies.iter().take(1000) {
            black_box(engine.dispatch(op, black_box(body)).expect("bench requests are valid"));
        }
        count += bodies.len().min(1000);
    }
    let seconds = start.elapsed().as_secs_f64();
    println!("{label:<44} {:>12.0} ops/s  {:>8.2} µs/op", count as f64 / seconds, seconds * 1e6 / count as f64);
}

fn main() {
    let puts: Vec<Vec<u8>> = (0..ITEMS).map(item_body).collect();
    let gets: Vec<Vec<u8>> = (0..ITEMS).map(get_body).collect();
    let mut engine = engine_with_table();
    println!("dynoscope-engine dispatch benchmarks (one core, JSON in and out, 200-byte items)");
    measure("PutItem (dispatch)", &mut engine, "PutItem", &puts);
    measure("GetItem (dispatch)", &mut engine, "GetItem", &gets);
    let scan = serde_json::to_vec(&json!({"TableName": "bench", "Limit": 100})).unwrap();
    measure("Scan, 100 items a page (dispatch)", &mut engine, "Scan", std::slice::from_ref(&scan));
}
