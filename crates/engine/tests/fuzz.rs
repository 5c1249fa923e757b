//! Dispatch never panics: seeded, bounded fuzzing of every operation with garbled bytes,
//! random JSON, and valid requests mutated member by member. Every rejection must be a
//! DynamoError, which dispatch's signature already guarantees; what this pins is that no
//! input reaches a panic. The case count is fixed so `make test` stays fast and repeatable.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use common::Harness;
use dynoscope_engine::OPERATIONS;
use serde_json::{Value, json};

/// SplitMix64: a tiny seeded generator, so every failing case can be replayed.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "t1x",
    "pk",
    "sk",
    "#n",
    ":v",
    "a.b",
    "a[0]",
    "SET",
    "REMOVE",
    "ADD",
    "DELETE",
    "=",
    "<>",
    "AND",
    "OR",
    "NOT",
    "(",
    ")",
    ",",
    "size(a)",
    "begins_with(pk, :v)",
    "attribute_exists(x)",
    "BETWEEN",
    "IN",
    "",
    " ",
    "by_g",
    "ALL",
    "KEYS_ONLY",
    "COUNT",
    "TOTAL",
    "INDEXES",
    "ALL_OLD",
    "ALL_NEW",
    "UPDATED_NEW",
    "PAY_PER_REQUEST",
    "S",
    "N",
    "B",
    "HASH",
    "RANGE",
    "1e400",
    "-0",
    "AQ==",
    "!!",
    "\u{0}",
    "é",
];

fn random_value(g: &mut Gen, depth: usize) -> Value {
    match g.below(if depth > 3 { 5 } else { 8 }) {
        0 => Value::Null,
        1 => json!(g.below(3) == 0),
        2 => json!(g.next() as i64 % 1000),
        3 | 4 => json!(*g.pick(WORDS)),
        5 => Value::Array(
            (0..g.below(4))
                .map(|_| random_value(g, depth + 1))
                .collect(),
        ),
        6 => attribute_value(g, depth + 1),
        _ => {
            let mut map = serde_json::Map::new();
            for _ in 0..g.below(4) {
                map.insert(g.pick(WORDS).to_string(), random_value(g, depth + 1));
            }
            Value::Object(map)
        }
    }
}

fn attribute_value(g: &mut Gen, depth: usize) -> Value {
    let tags = [
        "S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS", "X",
    ];
    let tag = *g.pick(&tags);
    json!({ tag: random_value(g, depth + 1) })
}

/// Valid requests for each operation against the fixture tables, to mutate.
fn seeds() -> Vec<(&'static str, Value)> {
    let key = json!({"pk": {"S": "a"}, "sk": {"N": "1"}});
    vec![
        (
            "PutItem",
            json!({"TableName": "t1x", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "g": {"S": "x"}}, "ConditionExpression": "attribute_not_exists(pk)"}),
        ),
        (
            "GetItem",
            json!({"TableName": "t1x", "Key": key, "ProjectionExpression": "#n, a.b[1]", "ExpressionAttributeNames": {"#n": "pk"}}),
        ),
        (
            "UpdateItem",
            json!({"TableName": "t1x", "Key": key, "UpdateExpression": "SET a = :v, b = if_not_exists(b, :v) ADD c :n REMOVE d", "ExpressionAttributeValues": {":v": {"L": []}, ":n": {"N": "1"}}, "ReturnValues": "UPDATED_NEW"}),
        ),
        (
            "DeleteItem",
            json!({"TableName": "t1x", "Key": key, "ReturnValues": "ALL_OLD"}),
        ),
        (
            "Query",
            json!({"TableName": "t1x", "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b", "FilterExpression": "size(g) > :z", "ExpressionAttributeValues": {":p": {"S": "a"}, ":a": {"N": "0"}, ":b": {"N": "9"}, ":z": {"N": "0"}}, "Limit": 2}),
        ),
        (
            "Query",
            json!({"TableName": "t1x", "IndexName": "by_g", "KeyConditionExpression": "g = :g", "ExpressionAttributeValues": {":g": {"S": "x"}}}),
        ),
        (
            "Scan",
            json!({"TableName": "t1x", "Segment": 0, "TotalSegments": 2, "Limit": 1, "Select": "COUNT"}),
        ),
        (
            "BatchWriteItem",
            json!({"RequestItems": {"t1x": [{"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "2"}}}}, {"DeleteRequest": {"Key": key}}]}}),
        ),
        (
            "BatchGetItem",
            json!({"RequestItems": {"t1x": {"Keys": [key]}}}),
        ),
        (
            "TransactWriteItems",
            json!({"TransactItems": [{"Put": {"TableName": "t1x", "Item": {"pk": {"S": "c"}, "sk": {"N": "3"}}}}, {"ConditionCheck": {"TableName": "t1x", "Key": key, "ConditionExpression": "attribute_exists(pk)"}}], "ClientRequestToken": "tok"}),
        ),
        (
            "TransactGetItems",
            json!({"TransactItems": [{"Get": {"TableName": "t1x", "Key": key}}]}),
        ),
        (
            "CreateTable",
            json!({"TableName": "new", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}),
        ),
        (
            "UpdateTable",
            json!({"TableName": "t1x", "AttributeDefinitions": [{"AttributeName": "h", "AttributeType": "S"}], "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "by_h", "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}}]}),
        ),
        (
            "UpdateTimeToLive",
            json!({"TableName": "t1x", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "ttl"}}),
        ),
        (
            "TagResource",
            json!({"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/t1x", "Tags": [{"Key": "k", "Value": "v"}]}),
        ),
        ("ListTables", json!({"Limit": 1})),
        (
            "ExecuteStatement",
            json!({"Statement": "SELECT * FROM \"t1x\" WHERE pk = ? AND sk > 0", "Parameters": [{"S": "a"}], "Limit": 2}),
        ),
        (
            "ExecuteStatement",
            json!({"Statement": "UPDATE \"t1x\" SET a = 1 WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *"}),
        ),
        (
            "BatchExecuteStatement",
            json!({"Statements": [{"Statement": "INSERT INTO \"t1x\" VALUE {'pk': 'z', 'sk': 9}"}]}),
        ),
        (
            "ExecuteTransaction",
            json!({"TransactStatements": [{"Statement": "DELETE FROM \"t1x\" WHERE pk = 'a' AND sk = 1"}]}),
        ),
        (
            "Dynoscope_SetSimulation",
            json!({"TableName": "t1x", "Preset": "PLAYGROUND"}),
        ),
        (
            "Dynoscope_LocateItem",
            json!({"TableName": "t1x", "Key": key}),
        ),
        (
            "Dynoscope_SetZoneAvailability",
            json!({"Zone": "us-east-1a", "Available": false}),
        ),
        (
            "Dynoscope_SetZoneAvailability",
            json!({"Zone": "us-east-1a", "Available": true}),
        ),
        (
            "UpdateContinuousBackups",
            json!({"TableName": "t1x", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true, "RecoveryPeriodInDays": 7}}),
        ),
        ("DescribeContinuousBackups", json!({"TableName": "t1x"})),
        (
            "UpdateContributorInsights",
            json!({"TableName": "t1x", "IndexName": "by_g", "ContributorInsightsAction": "ENABLE"}),
        ),
        (
            "ListContributorInsights",
            json!({"TableName": "t1x", "MaxResults": 1}),
        ),
        ("ListStreams", json!({"TableName": "t1x"})),
        ("DescribeTable", json!({"TableName": "t1x"})),
    ]
}

fn fixture() -> Harness {
    let mut h = Harness::new();
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
            "BillingMode": "PAY_PER_REQUEST"
        }),
    );
    h
}

/// Replaces one member somewhere inside `value` with something random.
fn mutate(g: &mut Gen, value: &mut Value) {
    match value {
        Value::Object(map) if !map.is_empty() && g.below(4) != 0 => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = g.pick(&keys).clone();
            match g.below(5) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    map.insert(key, random_value(g, 0));
                }
                _ => mutate(g, map.get_mut(&key).expect("present")),
            }
        }
        Value::Array(items) if !items.is_empty() && g.below(4) != 0 => {
            let i = g.below(items.len());
            mutate(g, &mut items[i]);
        }
        Value::String(text) if g.below(2) == 0 => {
            let mut words: Vec<&str> = text.split(' ').collect();
            let i = g.below(words.len() + 1);
            words.insert(i, *g.pick(WORDS));
            *text = words.join(" ");
        }
        other => *other = random_value(g, 0),
    }
}

/// Case count per test: 1 by default; `DYNOSCOPE_FUZZ_SCALE=50` for a long run.
fn scale() -> usize {
    std::env::var("DYNOSCOPE_FUZZ_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

fn survive(h: &mut Harness, operation: &str, body: &[u8]) {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let _ = h.engine.dispatch(operation, body);
    }));
    if outcome.is_err() {
        panic!(
            "dispatch panicked on {operation} {}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn mutated_requests_never_panic() {
    let mut g = Gen(0xD15C0);
    let seeds = seeds();
    let mut h = fixture();
    for round in 0..6000 * scale() {
        if round % 500 == 0 {
            h = fixture();
        }
        let (operation, seed) = g.pick(&seeds).clone();
        let mut request = seed.clone();
        for _ in 0..=g.below(3) {
            mutate(&mut g, &mut request);
        }
        survive(
            &mut h,
            operation,
            &serde_json::to_vec(&request).expect("json"),
        );
    }
}

#[test]
fn random_json_to_every_operation_never_panics() {
    let mut g = Gen(0xFACE);
    let mut h = fixture();
    for _ in 0..3000 * scale() {
        let operation = *g.pick(OPERATIONS);
        let body = serde_json::to_vec(&random_value(&mut g, 0)).expect("json");
        survive(&mut h, operation, &body);
    }
}

#[test]
fn garbled_bytes_never_panic() {
    let mut g = Gen(0xB17E5);
    let mut h = fixture();
    let seeds = seeds();
    for _ in 0..3000 * scale() {
        let (operation, seed) = g.pick(&seeds);
        let mut bytes = serde_json::to_vec(seed).expect("json");
        for _ in 0..=g.below(4) {
            if bytes.is_empty() {
                break;
            }
            let i = g.below(bytes.len());
            match g.below(3) {
                0 => bytes[i] = g.next() as u8,
                1 => {
                    bytes.remove(i);
                }
                _ => bytes.truncate(i),
            }
        }
        survive(&mut h, operation, &bytes);
    }
}
