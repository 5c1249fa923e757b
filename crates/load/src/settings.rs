//! The generator's settings, read from the form's fields by name (`rate`, `seconds`, `put`,
//! `get`, `query`, `distribution`, `exponent`, `keys`, `item-bytes`), each checked against
//! its bounds with a message naming the field.

use std::collections::BTreeMap;

/// The most requests per virtual second the generator sends.
pub const MAX_RATE: u32 = 20_000;
/// The longest run, in virtual seconds.
pub const MAX_SECONDS: u32 = 600;
/// The most distinct partition keys.
pub const MAX_KEYS: u32 = 100_000;
/// DynamoDB's item size limit.
pub const MAX_ITEM_BYTES: u32 = 400 * 1024;

/// How partition keys are chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Distribution {
    /// Every key as likely as any other.
    Uniform,
    /// Key `k` (from 1) with weight `1 / k^exponent`: a few keys take most requests.
    Zipf { exponent: f64 },
    /// Every request to the same key.
    HotKey,
}

/// What to send.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadSettings {
    /// Requests per virtual second.
    pub rate: u32,
    /// Virtual seconds to run.
    pub seconds: u32,
    /// The mix, as relative weights of PutItem, GetItem and Query.
    pub put: u32,
    pub get: u32,
    pub query: u32,
    pub distribution: Distribution,
    /// Distinct partition keys.
    pub keys: u32,
    /// About how large each written item is, in bytes.
    pub item_bytes: u32,
}

impl Default for LoadSettings {
    fn default() -> Self {
        LoadSettings {
            rate: 200,
            seconds: 10,
            put: 50,
            get: 50,
            query: 0,
            distribution: Distribution::Uniform,
            keys: 1000,
            item_bytes: 1000,
        }
    }
}

pub use dynoscope_query_builder::request::Problem;

impl LoadSettings {
    /// Reads the form; a missing field takes its default.
    pub fn from_fields(fields: &BTreeMap<String, String>) -> Result<LoadSettings, Vec<Problem>> {
        let defaults = LoadSettings::default();
        let mut problems = Vec::new();
        let mut number = |field: &str, label: &str, default: u32, low: u32, high: u32| {
            let Some(text) = fields
                .get(field)
                .map(|t| t.trim())
                .filter(|t| !t.is_empty())
            else {
                return default;
            };
            match text.parse::<u32>() {
                Ok(n) if (low..=high).contains(&n) => n,
                _ => {
                    problems.push(Problem {
                        field: field.to_owned(),
                        message: format!("{label} is a whole number from {low} to {high}."),
                    });
                    default
                }
            }
        };
        let rate = number("rate", "Requests per second", defaults.rate, 1, MAX_RATE);
        let seconds = number("seconds", "Seconds", defaults.seconds, 1, MAX_SECONDS);
        let put = number("put", "The PutItem share", defaults.put, 0, 100);
        let get = number("get", "The GetItem share", defaults.get, 0, 100);
        let query = number("query", "The Query share", defaults.query, 0, 100);
        let keys = number("keys", "Keys", defaults.keys, 1, MAX_KEYS);
        let item_bytes = number(
            "item-bytes",
            "Item size",
            defaults.item_bytes,
            1,
            MAX_ITEM_BYTES,
        );
        if put + get + query == 0 {
            problems.push(Problem {
                field: "put".to_owned(),
                message: "Give at least one of PutItem, GetItem and Query a share.".to_owned(),
            });
        }
        let distribution = match fields.get("distribution").map(String::as_str) {
            Some("zipf") => {
                let exponent = fields
                    .get("exponent")
                    .and_then(|e| e.trim().parse::<f64>().ok())
                    .filter(|e| (0.0..=4.0).contains(e));
                match exponent {
                    Some(exponent) => Distribution::Zipf { exponent },
                    None => {
                        problems.push(Problem {
                            field: "exponent".to_owned(),
                            message: "The Zipf exponent is a number from 0 to 4.".to_owned(),
                        });
                        Distribution::Uniform
                    }
                }
            }
            Some("hot") => Distribution::HotKey,
            _ => Distribution::Uniform,
        };
        if problems.is_empty() {
            Ok(LoadSettings {
                rate,
                seconds,
                put,
                get,
                query,
                distribution,
                keys,
                item_bytes,
            })
        } else {
            Err(problems)
        }
    }
}
