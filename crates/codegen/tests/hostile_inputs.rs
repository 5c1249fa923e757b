//! Inputs no honest request has, which must still give code or an error and never a panic:
//! keys with quotes, newlines and any Unicode, attribute values of the wrong shape, and a
//! few thousand random requests over the known operations' paths.

use dynoscope_codegen::{Language, generate};
use serde_json::{Map, Value, json};

const LANGUAGES: [Language; 2] = [Language::JavaScript, Language::Python];

#[test]
fn keys_with_quotes_newlines_and_unicode_are_quoted_in_both_languages() {
    let request = json!({"Item": {"a\"b\nc\\d ✓ \u{2028}": {"S": "x"}}});
    let javascript = generate(Language::JavaScript, "PutItem", &request).unwrap();
    assert!(
        javascript.contains(r#""a\"b\nc\\d ✓ \u2028": { S: "x" }"#),
        "{javascript}"
    );
    let python = generate(Language::Python, "PutItem", &request).unwrap();
    assert!(
        python.contains(r#""a\"b\nc\\d ✓ \u2028": {"S": "x"}"#),
        "{python}"
    );
}

#[test]
fn attribute_values_of_the_wrong_shape_are_written_as_they_are() {
    // The service, not the code generator, says what is wrong with these.
    let request =
        json!({"Item": {"a": "bare", "b": [1], "c": {"M": "x", "L": {}, "S": 1, "B": "aGk="}}});
    let python = generate(Language::Python, "PutItem", &request).unwrap();
    assert!(python.contains(r#""a": "bare""#), "{python}");
    assert!(
        python.contains(r#""c": {"B": b"hi", "L": {}, "M": "x", "S": 1}"#),
        "{python}"
    );
}

#[test]
fn a_language_is_named_in_lowercase() {
    assert_eq!(
        serde_json::to_value(Language::JavaScript).unwrap(),
        json!("javascript")
    );
    assert_eq!(
        serde_json::to_value(Language::Python).unwrap(),
        json!("python")
    );
    let parsed: Language = serde_json::from_value(json!("python")).unwrap();
    assert_eq!(parsed, Language::Python);
}

/// A small deterministic generator (xorshift), so a failure reproduces.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
        choices[self.below(choices.len())]
    }

    fn value(&mut self, depth: usize) -> Value {
        const NAMES: &[&str] = &[
            "Item",
            "Key",
            "Keys",
            "B",
            "BS",
            "M",
            "L",
            "S",
            "N",
            "RequestItems",
            "PutRequest",
            "TransactItems",
            "Update",
            "Parameters",
            "ExpressionAttributeValues",
            "__proto__",
            "",
            "a\"b",
            "\n",
            "ü",
            "Timestamp",
            "TimeRangeLowerBound",
            "AttributeValueList",
        ];
        const STRINGS: &[&str] = &["aGk=", "", "%%", "a\"\\\n", "\u{2028}", "🎉", "AAA"];
        let container = depth < 6;
        match self.below(if container { 8 } else { 5 }) {
            0 => Value::Null,
            1 => Value::Bool(self.below(2) == 0),
            2 => json!(self.next() as i64 >> self.below(64)),
            3 => json!(f64::from(self.below(1000) as u32) / 7.0),
            4 => Value::String(self.pick(STRINGS).to_owned()),
            5 => Value::Array((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
            _ => {
                let mut map = Map::new();
                for _ in 0..self.below(4) {
                    map.insert(self.pick(NAMES).to_owned(), self.value(depth + 1));
                }
                Value::Object(map)
            }
        }
    }
}

#[test]
fn no_request_makes_the_generator_panic() {
    const OPERATIONS: &[&str] = &[
        "PutItem",
        "BatchWriteItem",
        "BatchGetItem",
        "TransactWriteItems",
        "ExecuteStatement",
        "Query",
        "ListBackups",
        "GetShardIterator",
        "SomethingNew",
        "Dynoscope_X",
        "bad name",
    ];
    let mut random = Random(0x5EED_C0DE);
    for _ in 0..5000 {
        let operation = random.pick(OPERATIONS);
        let request = random.value(0);
        for language in LANGUAGES {
            if let Ok(code) = generate(language, operation, &request) {
                assert!(code.ends_with('\n'));
            }
        }
    }
}
