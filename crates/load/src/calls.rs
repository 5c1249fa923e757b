//! One virtual second of requests, as ticks of 100 ms: each tick's share of the rate, each
//! request drawn from the mix with its key from the distribution. A second's requests depend
//! only on the settings and the second's number, so a run can be replayed.

use base64::Engine as _;
use dynoscope_engine::SeededRng;
use dynoscope_query_builder::schema::{KeyAttribute, TableShape};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::keys::KeyPicker;
use crate::settings::LoadSettings;

/// Ticks per virtual second; the page advances the clock by one tick before sending its
/// requests.
pub const TICKS_PER_SECOND: u32 = 10;

/// Sort key values a partition key's items take (`0` to `9`).
const SORT_VALUES: u64 = 10;

/// One request to send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub operation: String,
    pub request: Value,
}

/// The requests of virtual second `second` (from 0), tick by tick.
pub fn second(shape: &TableShape, settings: &LoadSettings, second: u32) -> Vec<Vec<Call>> {
    let table = &shape.sources[0];
    let picker = KeyPicker::new(settings.distribution, settings.keys);
    let mut rng = SeededRng::new(0x5eed_0000_0000 ^ u64::from(second));
    let weights = [settings.put, settings.get, settings.query];
    let total: u32 = weights.iter().sum();
    (0..TICKS_PER_SECOND)
        .map(|tick| {
            // Spread the rate over the ticks so their sum is exactly the rate.
            let count = settings.rate * (tick + 1) / TICKS_PER_SECOND
                - settings.rate * tick / TICKS_PER_SECOND;
            (0..count)
                .map(|_| {
                    let key = picker.pick(&mut rng);
                    let sort = rng.below(SORT_VALUES);
                    let roll = rng.below(u64::from(total)) as u32;
                    let pk = typed(&table.partition, &format!("k{key:06}"), u64::from(key));
                    let mut keys = Map::new();
                    keys.insert(table.partition.name.clone(), pk.clone());
                    if let Some(sk) = &table.sort {
                        keys.insert(sk.name.clone(), typed(sk, &format!("item-{sort}"), sort));
                    }
                    if roll < settings.put {
                        put(shape, keys, settings.item_bytes)
                    } else if roll < settings.put + settings.get {
                        Call {
                            operation: "GetItem".to_owned(),
                            request: json!({"TableName": shape.table_name, "Key": keys, "ReturnConsumedCapacity": "TOTAL"}),
                        }
                    } else {
                        Call {
                            operation: "Query".to_owned(),
                            request: json!({
                                "TableName": shape.table_name,
                                "KeyConditionExpression": "#pk = :pk",
                                "ExpressionAttributeNames": {"#pk": table.partition.name},
                                "ExpressionAttributeValues": {":pk": pk},
                                "Limit": 10,
                                "ReturnConsumedCapacity": "TOTAL"
                            }),
                        }
                    }
                })
                .collect()
        })
        .collect()
}

/// A PutItem of about `bytes` bytes: the key, then a `payload` string making up the rest.
fn put(shape: &TableShape, mut item: Map<String, Value>, bytes: u32) -> Call {
    let used: usize = item
        .iter()
        .map(|(name, value)| name.len() + value.to_string().len())
        .sum::<usize>()
        + "payload".len();
    let pad = (bytes as usize).saturating_sub(used).max(1);
    item.insert("payload".to_owned(), json!({"S": "x".repeat(pad)}));
    Call {
        operation: "PutItem".to_owned(),
        request: json!({"TableName": shape.table_name, "Item": item, "ReturnConsumedCapacity": "TOTAL"}),
    }
}

/// A key value of the attribute's type: the text for strings, the number for numbers, the
/// text's bytes for binary.
fn typed(attribute: &KeyAttribute, text: &str, number: u64) -> Value {
    match attribute.kind.as_str() {
        "N" => json!({"N": number.to_string()}),
        "B" => json!({"B": base64::engine::general_purpose::STANDARD.encode(text)}),
        _ => json!({"S": text}),
    }
}
