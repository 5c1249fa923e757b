//! Applying a model: the ordinary DynamoDB requests that create its tables, switch on what
//! CreateTable cannot carry (TTL, point-in-time recovery) and load its sample items. A model
//! reaches the engine only this way, through the same dispatch as every other request, so
//! the engine needs to know nothing of models and a model applied in the browser, by the
//! native endpoint or in a test behaves the same. The caller sends the steps in order; the
//! item batches of one table may go concurrently.

use serde_json::{Value, json};

use crate::model::{ItemJson, TableSpec};

/// Items per BatchWriteItem, DynamoDB's limit.
pub const BATCH_SIZE: usize = 25;

/// One request to send: operation name and JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub operation: &'static str,
    pub body: Value,
}

impl Step {
    fn new(operation: &'static str, body: Value) -> Step {
        Step { operation, body }
    }
}

/// The requests that create the table `spec` defines: CreateTable, then UpdateTimeToLive
/// and UpdateContinuousBackups when it asks for them.
pub fn create_steps(spec: &TableSpec) -> Vec<Step> {
    let mut steps = vec![Step::new(
        "CreateTable",
        crate::iac::create_table_request(spec),
    )];
    if let Some(attribute) = &spec.time_to_live_attribute {
        steps.push(Step::new(
            "UpdateTimeToLive",
            json!({
                "TableName": spec.table_name,
                "TimeToLiveSpecification": {"Enabled": true, "AttributeName": attribute},
            }),
        ));
    }
    if spec.point_in_time_recovery_enabled == Some(true) {
        steps.push(Step::new(
            "UpdateContinuousBackups",
            json!({
                "TableName": spec.table_name,
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true},
            }),
        ));
    }
    steps
}

/// BatchWriteItem requests putting `items` into `table`, [`BATCH_SIZE`] at a time.
pub fn load_steps(table: &str, items: &[ItemJson]) -> Vec<Step> {
    items
        .chunks(BATCH_SIZE)
        .map(|chunk| {
            let requests: Vec<Value> = chunk
                .iter()
                .map(|item| json!({"PutRequest": {"Item": item}}))
                .collect();
            Step::new("BatchWriteItem", json!({"RequestItems": {table: requests}}))
        })
        .collect()
}

/// What a BatchWriteItem answered as unprocessed, ready to send again (`None` when all
/// items were written).
pub fn retry_step(response: &Value) -> Option<Step> {
    let unprocessed = response.get("UnprocessedItems")?.as_object()?;
    if unprocessed
        .values()
        .all(|v| v.as_array().is_none_or(Vec::is_empty))
    {
        return None;
    }
    Some(Step::new(
        "BatchWriteItem",
        json!({"RequestItems": unprocessed}),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    fn item(n: usize) -> ItemJson {
        let mut m = Map::new();
        m.insert("pk".into(), json!({"S": format!("k{n}")}));
        m
    }

    #[test]
    fn items_load_in_batches_of_twenty_five() {
        let items: Vec<ItemJson> = (0..60).map(item).collect();
        let steps = load_steps("T", &items);
        let sizes: Vec<usize> = steps
            .iter()
            .map(|s| s.body["RequestItems"]["T"].as_array().unwrap().len())
            .collect();
        assert_eq!(sizes, vec![25, 25, 10]);
    }

    #[test]
    fn unprocessed_items_are_sent_again_and_nothing_when_all_landed() {
        let done = json!({"UnprocessedItems": {}});
        assert!(retry_step(&done).is_none());
        let left = json!({"UnprocessedItems": {"T": [{"PutRequest": {"Item": item(1)}}]}});
        assert_eq!(
            retry_step(&left).unwrap().body["RequestItems"]["T"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}
