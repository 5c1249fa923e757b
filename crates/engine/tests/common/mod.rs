//! A test harness over the engine's one door: requests as `serde_json::json!` values in,
//! responses as values out, the way every front end drives the engine.

#![allow(dead_code)]

use dynoscope_engine::{DynamoError, Engine, EngineConfig};
use serde_json::{Value, json};

pub struct Harness {
    pub engine: Engine,
}

impl Harness {
    pub fn new() -> Self {
        Harness {
            engine: Engine::new(EngineConfig {
                record_changes: true,
                ..Default::default()
            }),
        }
    }

    pub fn call(&mut self, operation: &str, request: Value) -> Result<Value, DynamoError> {
        let body = serde_json::to_vec(&request).unwrap();
        let response = self.engine.dispatch(operation, &body)?;
        Ok(serde_json::from_slice(&response).expect("responses are JSON"))
    }

    /// A table keyed by `pk` (S) with a stream of `view`; returns the stream ARN.
    pub fn stream_table(&mut self, name: &str, view: &str) -> String {
        let created = self.ok(
            "CreateTable",
            json!({
                "TableName": name,
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST",
                "StreamSpecification": {"StreamEnabled": true, "StreamViewType": view},
            }),
        );
        created["TableDescription"]["LatestStreamArn"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Calls and expects success.
    pub fn ok(&mut self, operation: &str, request: Value) -> Value {
        self.call(operation, request)
            .unwrap_or_else(|e| panic!("{operation} failed: {e}"))
    }

    /// Calls and expects a failure.
    pub fn err(&mut self, operation: &str, request: Value) -> DynamoError {
        match self.call(operation, request) {
            Ok(v) => panic!("{operation} should have failed, answered {v}"),
            Err(e) => e,
        }
    }

    /// A pay-per-request table with a string partition key `pk` and, if given, a sort key
    /// `sk` of the given type.
    pub fn table(&mut self, name: &str, sort_key_type: Option<&str>) {
        let mut definitions = vec![json!({"AttributeName": "pk", "AttributeType": "S"})];
        let mut schema = vec![json!({"AttributeName": "pk", "KeyType": "HASH"})];
        if let Some(kind) = sort_key_type {
            definitions.push(json!({"AttributeName": "sk", "AttributeType": kind}));
            schema.push(json!({"AttributeName": "sk", "KeyType": "RANGE"}));
        }
        self.ok(
            "CreateTable",
            json!({
                "TableName": name,
                "AttributeDefinitions": definitions,
                "KeySchema": schema,
                "BillingMode": "PAY_PER_REQUEST",
            }),
        );
    }

    /// A provisioned table `t1x` (partition key `pk`) with a global index `by_g` on `g`,
    /// each with its own (read, write) throughput; the index projects `projection`.
    pub fn provisioned_table_with_index(
        &mut self,
        table: (u64, u64),
        index: (u64, u64),
        projection: &str,
    ) {
        let throughput = |(read, write): (u64, u64)| json!({"ReadCapacityUnits": read, "WriteCapacityUnits": write});
        self.ok(
            "CreateTable",
            json!({
                "TableName": "t1x",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "ProvisionedThroughput": throughput(table),
                "GlobalSecondaryIndexes": [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": projection}, "ProvisionedThroughput": throughput(index)}]
            }),
        );
    }

    pub fn put(&mut self, table: &str, item: Value) -> Value {
        self.ok("PutItem", json!({"TableName": table, "Item": item}))
    }

    pub fn get(&mut self, table: &str, key: Value) -> Option<Value> {
        self.ok("GetItem", json!({"TableName": table, "Key": key}))
            .get("Item")
            .cloned()
    }
}

/// A request addressed to `region` (`Engine::dispatch_in`), as a client whose signature is
/// scoped to that region sends it.
pub fn call_in(
    h: &mut Harness,
    region: &str,
    operation: &str,
    request: Value,
) -> Result<Value, DynamoError> {
    let body = serde_json::to_vec(&request).unwrap();
    let answer = h
        .engine
        .dispatch_in("test", Some(region), None, operation, &body)?;
    Ok(serde_json::from_slice(&answer).unwrap())
}

/// [`call_in`], expecting success.
pub fn ok_in(h: &mut Harness, region: &str, operation: &str, request: Value) -> Value {
    call_in(h, region, operation, request)
        .unwrap_or_else(|e| panic!("{operation} in {region}: {e}"))
}
