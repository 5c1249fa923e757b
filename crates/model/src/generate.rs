//! Seeded sample data: [`generate`] makes each entity's `count` items from its attributes'
//! [`Generator`]s (ids, names, emails, dates, numbers, weighted choices, text, constants and
//! refs to other entities' items, uniform or skewed so hot partitions show), then renders the
//! entity's key templates over them, typed as the table's AttributeDefinitions say. The same
//! model gives the same items on every platform and every run: randomness is a hand-written
//! SplitMix64 per attribute, seeded from the table's `seed` and the names involved, and no
//! value passes through platform-dependent floating point. Bad settings are refused before
//! anything is made, naming `entities[i].attributes[j].generator` and what is wrong.

mod plan;
mod random;
mod run;
mod time;
mod values;
mod words;

use serde::{Deserialize, Serialize};
use serde_json::{Number as JsonNumber, Value};

use crate::error::ModelError;
use crate::model::{ItemJson, ModelTable};

/// Most items the generator makes for one table, all entities together.
pub const MAX_ITEMS: u32 = 100_000;

/// The seed used when a table sets none.
pub const DEFAULT_SEED: u64 = 1;

/// How an attribute's sample values are made, written `{"kind": "uuid"}`,
/// `{"kind": "number", "min": 5, "max": 500, "decimals": 2}` and so on. Every setting but
/// `enum`'s values, `constant`'s value and `ref`'s target has a default, so `{"kind": ...}`
/// alone works. Dates and times are ISO 8601 in UTC: `2025-01-31` or `2025-01-31T09:30:00Z`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum Generator {
    /// A random version-4 UUID (S). (The settingless kinds are written `{}` in Rust so that
    /// serde refuses unknown settings on them too.)
    Uuid {},
    /// A ULID (S): item `n` is stamped `start + n × stepSeconds`, so ids sort in item order.
    /// Defaults: `2025-01-01T00:00:00Z`, 60 seconds.
    Ulid {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step_seconds: Option<u64>,
    },
    /// `start`, `start + step`, ... (S or N); as S, zero-padded to `width` digits.
    /// Defaults: 1, 1, no padding.
    Sequence {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        width: Option<u32>,
    },
    /// A person's name (S). Default part: full.
    Name {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        part: Option<NamePart>,
    },
    /// `first.last<n>@example.com` (S), unique within the entity.
    Email {},
    /// A day in `from..=to`: `YYYY-MM-DD` as S, epoch seconds of its midnight as N.
    /// Defaults: all of 2025.
    Date {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    /// A second in `from..=to`: `YYYY-MM-DDTHH:MM:SSZ` as S, epoch seconds as N (what a TTL
    /// attribute holds). Defaults: all of 2025.
    Timestamp {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    /// A number in `min..=max` with `decimals` places (N, or S written with all places).
    /// Defaults: 0, 1000, 0.
    Number {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<JsonNumber>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<JsonNumber>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        decimals: Option<u32>,
    },
    /// One of `values` (S, N or BOOL), `weights[i]` to one; equal weights when absent.
    Enum {
        values: Vec<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weights: Option<Vec<u32>>,
    },
    /// True `trueShare` percent of the time (BOOL). Default: 50.
    Bool {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        true_share: Option<u32>,
    },
    /// `minWords` to `maxWords` words (S). Defaults: 3, 8.
    Text {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_words: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_words: Option<u32>,
    },
    /// Always `value`: plain JSON for S, N, BOOL and NULL (`"EUR"`, `3`, `true`), or the
    /// DynamoDB JSON of any type (`{"M": {...}}`).
    Constant { value: Value },
    /// The value of `attribute` in an item of `entity`, picked by `distribution` (default
    /// uniform). Refs of one item to the same entity all read the same picked item, so an
    /// order item's `orderId` and `customerId` agree.
    Ref {
        entity: String,
        attribute: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        distribution: Option<Distribution>,
    },
}

/// Which part of a name [`Generator::Name`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NamePart {
    First,
    Last,
    Full,
}

/// How a ref picks among the target entity's items, in the order they were generated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum Distribution {
    /// Every item equally often.
    Uniform {},
    /// Item `i` (from 0) in proportion to `1 / (i + 1)^exponent`: a few items get most
    /// references. `exponent` in (0, 10]; around 1 is typical of real traffic.
    Zipf { exponent: JsonNumber },
    /// `share` percent of references go to the first `items` items (default 1), the rest
    /// evenly to the others.
    Hot {
        share: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        items: Option<u32>,
    },
}

/// One example of each kind of generator, as a designer would start from it: the kind's
/// name and its JSON (every setting shown; `ref` names an entity and attribute to fill in).
pub const EXAMPLES: &[(&str, &str)] = &[
    ("uuid", r#"{"kind":"uuid"}"#),
    (
        "ulid",
        r#"{"kind":"ulid","start":"2025-01-01T00:00:00Z","stepSeconds":60}"#,
    ),
    (
        "sequence",
        r#"{"kind":"sequence","start":1,"step":1,"width":6}"#,
    ),
    ("name", r#"{"kind":"name","part":"full"}"#),
    ("email", r#"{"kind":"email"}"#),
    (
        "date",
        r#"{"kind":"date","from":"2025-01-01","to":"2025-12-31"}"#,
    ),
    (
        "timestamp",
        r#"{"kind":"timestamp","from":"2025-01-01T00:00:00Z","to":"2025-12-31T23:59:59Z"}"#,
    ),
    (
        "number",
        r#"{"kind":"number","min":0,"max":1000,"decimals":2}"#,
    ),
    (
        "enum",
        r#"{"kind":"enum","values":["PLACED","SHIPPED","DELIVERED"],"weights":[1,2,7]}"#,
    ),
    ("bool", r#"{"kind":"bool","trueShare":50}"#),
    ("text", r#"{"kind":"text","minWords":3,"maxWords":8}"#),
    ("constant", r#"{"kind":"constant","value":"EUR"}"#),
    (
        "ref",
        r#"{"kind":"ref","entity":"Customer","attribute":"customerId","distribution":{"kind":"zipf","exponent":1}}"#,
    ),
];

/// The table's sample items: each entity's `count` items, entities in model order, each
/// entity made after those it refers to. An item whose primary key another item already
/// has is drawn again (up to 100 times), so chance collisions of refs keep the count; a
/// design whose keys cannot be that many is refused. Locations in errors are relative to
/// the table (`entities[0].attributes[1].generator`).
pub fn generate(table: &ModelTable) -> Result<Vec<ItemJson>, ModelError> {
    run::run(&plan::compile(table)?)
}

/// Checks every entity's count, attributes, generators and key templates without making
/// anything. (Colliding keys show only when items are made: see [`generate`].)
pub fn check(table: &ModelTable) -> Result<(), ModelError> {
    plan::compile(table).map(|_| ())
}

/// Reads every attribute's generator settings in `model`, refusing the first that is not a
/// generator, named by its place (`tables[0].entities[1].attributes[2].generator`). Model
/// files and share links are checked this way when read; the model itself keeps settings as
/// JSON ([`crate::model::GeneratorJson`]).
pub fn check_settings(model: &crate::Model) -> Result<(), ModelError> {
    for (t, table) in model.tables.iter().enumerate() {
        for (e, entity) in table.entities.iter().enumerate() {
            for (a, attribute) in entity.attributes.iter().enumerate() {
                if let Some(Err(message)) = attribute.generator.as_ref().map(|g| g.read()) {
                    return Err(ModelError::at(
                        format!("tables[{t}].entities[{e}].attributes[{a}].generator"),
                        message,
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The generator an attribute without one gets, from its type and name: `email` → email,
/// `...Id` → uuid (a sequence for N), `...Date` → date, `...At`/`...Time` → timestamp,
/// `ttl`/`expires...` → timestamp (epoch seconds), `firstName` → a first name, `price` →
/// a number with cents, BOOL → bool, and so on. `None` for B, NULL, M, L and the sets, which
/// get a small random value of their type.
pub fn default_generator(name: &str, kind: &str) -> Option<Generator> {
    let words = name_words(name);
    let has = |w: &str| words.iter().any(|x| x == w);
    let last = words.last().map(String::as_str).unwrap_or("");
    match kind {
        "S" => Some(default_string(&has, last, words.len())),
        "N" => Some(default_number(&has, last)),
        "BOOL" => Some(Generator::Bool { true_share: None }),
        _ => None,
    }
}

/// Words that make a `...Name` a person's name rather than a thing's.
const PERSONS: &[&str] = &[
    "user", "customer", "player", "person", "full", "display", "contact", "member", "employee",
];

fn default_string(has: &dyn Fn(&str) -> bool, last: &str, words: usize) -> Generator {
    let any = |list: &[&str]| list.iter().any(|w| has(w));
    if has("email") || has("mail") {
        Generator::Email {}
    } else if last == "ulid" {
        Generator::Ulid {
            start: None,
            step_seconds: None,
        }
    } else if last == "id" || last == "uuid" || last == "key" {
        Generator::Uuid {}
    } else if any(&["date", "day", "birthday"]) {
        Generator::Date {
            from: None,
            to: None,
        }
    } else if last == "at" || any(&["time", "timestamp"]) {
        Generator::Timestamp {
            from: None,
            to: None,
        }
    } else if has("name") && any(&["first", "given"]) {
        Generator::Name {
            part: Some(NamePart::First),
        }
    } else if has("name") && any(&["last", "family", "sur"]) || has("surname") {
        Generator::Name {
            part: Some(NamePart::Last),
        }
    } else if has("author") || has("owner") || has("name") && (words == 1 || any(PERSONS)) {
        Generator::Name { part: None }
    } else if any(&[
        "description",
        "text",
        "comment",
        "body",
        "bio",
        "notes",
        "message",
        "summary",
    ]) {
        Generator::Text {
            min_words: Some(5),
            max_words: Some(15),
        }
    } else {
        Generator::Text {
            min_words: Some(1),
            max_words: Some(3),
        }
    }
}

fn default_number(has: &dyn Fn(&str) -> bool, last: &str) -> Generator {
    let any = |list: &[&str]| list.iter().any(|w| has(w));
    let range = |min: u32, max: u32, decimals: u32| Generator::Number {
        min: Some(min.into()),
        max: Some(max.into()),
        decimals: Some(decimals),
    };
    if any(&["ttl", "expires", "expiry", "expiration", "expire"])
        || last == "at"
        || any(&["time", "timestamp", "epoch"])
    {
        Generator::Timestamp {
            from: None,
            to: None,
        }
    } else if last == "id" {
        Generator::Sequence {
            start: None,
            step: None,
            width: None,
        }
    } else if any(&["price", "amount", "total", "cost", "balance"]) {
        range(1, 500, 2)
    } else if any(&["count", "quantity", "qty"]) {
        range(1, 10, 0)
    } else if any(&["rating", "stars"]) {
        range(1, 5, 0)
    } else if has("age") {
        range(18, 90, 0)
    } else {
        range(0, 1000, 0)
    }
}

/// `orderCreatedAt`, `order_created_at` and `Order-Created-At` → `order`, `created`, `at`.
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            words.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    words.extend((!current.is_empty()).then_some(current));
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_lowercase_words_at_case_and_separators() {
        assert_eq!(name_words("orderCreatedAt"), ["order", "created", "at"]);
        assert_eq!(name_words("user_ID"), ["user", "id"]);
        assert_eq!(name_words("TTL"), ["ttl"]);
    }

    #[test]
    fn an_attribute_without_a_generator_gets_one_fitting_its_name_and_type() {
        assert_eq!(
            default_generator("contactEmail", "S"),
            Some(Generator::Email {})
        );
        assert_eq!(default_generator("userId", "S"), Some(Generator::Uuid {}));
        assert!(matches!(
            default_generator("orderDate", "S"),
            Some(Generator::Date { .. })
        ));
        assert!(matches!(
            default_generator("expiresAt", "N"),
            Some(Generator::Timestamp { .. })
        ));
        assert!(matches!(
            default_generator("firstName", "S"),
            Some(Generator::Name {
                part: Some(NamePart::First)
            })
        ));
        assert!(matches!(
            default_generator("customerName", "S"),
            Some(Generator::Name { part: None })
        ));
        assert!(matches!(
            default_generator("productName", "S"),
            Some(Generator::Text { .. })
        ));
        assert!(matches!(
            default_generator("valid", "BOOL"),
            Some(Generator::Bool { .. })
        ));
        assert_eq!(default_generator("tags", "SS"), None);
    }

    #[test]
    fn a_generator_is_written_with_a_kind_tag_in_camel_case() {
        let g: Generator = serde_json::from_slice(br#"{"kind": "text", "minWords": 2}"#).unwrap();
        assert_eq!(
            g,
            Generator::Text {
                min_words: Some(2),
                max_words: None
            }
        );
        assert_eq!(
            serde_json::to_string(&g).unwrap(),
            r#"{"kind":"text","minWords":2}"#
        );
    }

    #[test]
    fn an_unknown_generator_setting_is_refused() {
        assert!(serde_json::from_slice::<Generator>(br#"{"kind": "text", "words": 2}"#).is_err());
        assert!(serde_json::from_slice::<Generator>(br#"{"kind": "uuid", "width": 2}"#).is_err());
        assert!(serde_json::from_slice::<Generator>(br#"{"kind": "guid"}"#).is_err());
    }
}
