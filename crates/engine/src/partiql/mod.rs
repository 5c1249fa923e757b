//! DynamoDB's PartiQL dialect, for ExecuteStatement, BatchExecuteStatement and
//! ExecuteTransaction. A statement is [`parse`]d into an [`ast::Statement`], then
//! [`translate`]d against the table's key schemas into the ordinary DynamoDB requests that
//! carry it out: Query or Scan for `SELECT`, PutItem for `INSERT`, UpdateItem for `UPDATE`,
//! DeleteItem for `DELETE`, GetItem / TransactGetItems `Get` for single-item reads in
//! batches and transactions, and a TransactWriteItems `ConditionCheck` for `EXISTS(...)`.
//! Nothing here touches items: the engine's own operations evaluate, write and bill. (The
//! test `tests::a_select_on_the_partition_key_is_one_query` shows a statement parsed and
//! translated.)
//!
//! Pieces: [`lexer`] tokens, [`parser`] syntax (with DynamoDB's "wasn't well formed"
//! messages), [`ast`] the parsed form, [`translate`] the requests and result shaping.
//!
//! Running a [`Translation`] (the callers' side):
//! - [`Translation::Read`]: run `requests` in order (each `(operation, body)`, all Queries or
//!   one Scan) after adding `ConsistentRead`, `ExclusiveStartKey`, `ReturnConsumedCapacity`
//!   and the `Limit` left over; concatenate their `Items`, each passed through
//!   [`ReadPlan::shape_item`]. One page runs on into the next request until `Limit` items
//!   have been evaluated (or 1 MB read); where it stops, the `NextToken` must record which
//!   request and its `LastEvaluatedKey` to resume from. Responses carry `Items` (possibly
//!   empty).
//! - [`Translation::Get`]: GetItem with `request` (BatchExecuteStatement) or
//!   [`translate::GetPlan::transact_item`] in TransactGetItems; the item, shaped, is the
//!   response `Item`.
//! - [`Translation::Write`]: run `operation` with `request`; `Items` is empty, or holds the
//!   returned `Attributes` when `returning` is set and they are non-empty. An INSERT's
//!   conditional failure is a duplicate (see [`is_duplicate_item`]).
//! - [`Translation::Check`]: [`translate::CheckPlan::transact_item`] in TransactWriteItems.

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod translate;

pub use parser::parse;
#[cfg(test)]
use translate::translate;
pub use translate::{ReadPlan, Translation, WriteKind, WritePlan, count_parameters, translate_for};

use crate::error::{DynamoError, ErrorKind};
use crate::key::KeySchema;
use crate::table::TableDefinition;

/// Which API a statement arrived through; it decides what a SELECT or EXISTS may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    /// ExecuteStatement.
    Statement,
    /// BatchExecuteStatement: a SELECT reads one item by its full key.
    Batch,
    /// ExecuteTransaction: a SELECT reads one item by its full key; EXISTS is allowed.
    Transaction,
}

/// What translation needs to know of a table: its key schema and its indexes'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableShape {
    pub key_schema: KeySchema,
    pub indexes: Vec<IndexShape>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexShape {
    pub name: String,
    pub key_schema: KeySchema,
}

impl TableShape {
    /// The shape of a table as its definition describes it.
    pub fn of(definition: &TableDefinition) -> TableShape {
        TableShape {
            key_schema: definition.key_schema.clone(),
            indexes: definition
                .indexes
                .iter()
                .map(|i| IndexShape {
                    name: i.name.clone(),
                    key_schema: i.key_schema.clone(),
                })
                .collect(),
        }
    }
}

/// The message of DynamoDB's `DuplicateItemException`, raised when an INSERT finds its key
/// taken. (BatchExecuteStatement reports it as error code `DuplicateItem`, and
/// ExecuteTransaction as cancellation reason `DuplicateItem`.)
pub const DUPLICATE_ITEM_MESSAGE: &str = "Duplicate primary key exists in table";

/// Whether a write's failure is an INSERT finding its key taken: its PutItem's
/// `attribute_not_exists` condition failed.
pub fn is_duplicate_item(plan: &WritePlan, error: &DynamoError) -> bool {
    plan.kind == WriteKind::Insert && error.kind == ErrorKind::ConditionalCheckFailedException
}

/// Request-level messages for the callers' own checks.
pub mod messages {
    /// BatchExecuteStatement mixing SELECT with writes.
    pub const BATCH_MIXED_READ_WRITE: &str =
        "Read and write requests together in the same batch is not supported.";
    /// ExecuteTransaction mixing reads and writes.
    pub const TRANSACTION_MIXED_READ_WRITE: &str = "ExecuteTransaction API does not support both read and write operations in the same request.";
    /// An error in one ExecuteTransaction statement is reported as
    /// `Validation failed in TransactStatements[<i>]: <message>`.
    pub fn in_transaction_statement(index: usize, message: &str) -> String {
        format!("Validation failed in TransactStatements[{index}]: {message}")
    }
}

/// DynamoDB's envelope for statements it cannot parse.
pub(crate) fn malformed(detail: impl std::fmt::Display) -> DynamoError {
    DynamoError::validation(format!(
        "Statement wasn't well formed, can't be processed: {detail}"
    ))
}

pub(crate) fn validation(message: impl Into<String>) -> DynamoError {
    DynamoError::validation(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{KeyAttribute, ScalarType};
    use crate::number::Number;
    use crate::value::{AttributeValue, Item, item_from_json};

    /// What the module's documentation used to show: a statement parsed and translated.
    #[test]
    fn a_select_on_the_partition_key_is_one_query() -> Result<(), DynamoError> {
        let shape = TableShape {
            key_schema: KeySchema {
                hash: KeyAttribute {
                    name: "pk".into(),
                    kind: ScalarType::S,
                },
                range: None,
                more_hash: vec![],
                more_range: vec![],
            },
            indexes: Vec::<IndexShape>::new(),
        };
        let statement = parse(r#"SELECT * FROM "Music" WHERE pk = ?"#)?;
        let params = [AttributeValue::S("Acme".into())];
        let Translation::Read(plan) = translate(&statement, &params, &|_| Some(shape.clone()))?
        else {
            unreachable!()
        };
        assert_eq!(plan.requests[0].0, "Query");
        assert_eq!(plan.requests[0].1["KeyConditionExpression"], "#n0 = :v0");
        Ok(())
    }

    #[test]
    fn duplicate_inserts_are_recognised_by_their_failed_condition() {
        let shape = |_: &str| {
            Some(TableShape {
                key_schema: KeySchema {
                    hash: KeyAttribute {
                        name: "pk".into(),
                        kind: ScalarType::S,
                    },
                    range: None,
                    more_hash: Vec::new(),
                    more_range: Vec::new(),
                },
                indexes: vec![],
            })
        };
        let Translation::Write(insert) = translate(
            &parse(r#"INSERT INTO "Tab" VALUE {'pk': 'a'}"#).unwrap(),
            &[],
            &shape,
        )
        .unwrap() else {
            panic!()
        };
        let failed = DynamoError::new(
            ErrorKind::ConditionalCheckFailedException,
            "The conditional request failed",
        );
        assert!(is_duplicate_item(&insert, &failed));
        assert!(!is_duplicate_item(&insert, &DynamoError::validation("x")));
        let Translation::Write(update) = translate(
            &parse(r#"UPDATE "Tab" SET a = 1 WHERE pk = 'a'"#).unwrap(),
            &[],
            &shape,
        )
        .unwrap() else {
            panic!()
        };
        assert!(!is_duplicate_item(&update, &failed));
    }

    #[test]
    fn transaction_messages_name_the_statement() {
        assert_eq!(
            messages::in_transaction_statement(
                0,
                "EXISTS() must contain a single item read with additional condition"
            ),
            "Validation failed in TransactStatements[0]: EXISTS() must contain a single item read with additional condition"
        );
    }

    // --- Never panic ------------------------------------------------------------------

    /// xorshift64*: a small deterministic generator for the fuzz test.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }

        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len())]
        }
    }

    const FRAGMENTS: &[&str] = &[
        "SELECT",
        "select",
        "*",
        "FROM",
        "\"Simple\"",
        "\"Composite\"",
        "\"Composite\".\"ByDate\"",
        "\"Nowhere\"",
        "WHERE",
        "pk",
        "sk",
        "\"date\"",
        "a",
        "b.c",
        "l[0]",
        "l[-1]",
        "m['k']",
        "x[*]",
        "y.*",
        "=",
        "<>",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "AND",
        "OR",
        "NOT",
        "BETWEEN",
        "IN",
        "IS",
        "MISSING",
        "NULL",
        "TRUE",
        "FALSE",
        "LIKE",
        "'a'",
        "'it''s'",
        "''",
        "1",
        "-2.5",
        "1e126",
        "1e-131",
        "0.0",
        "-0.0",
        "?",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "<<",
        ">>",
        ",",
        ".",
        ":",
        ";",
        "+",
        "-",
        "/",
        "%",
        "||",
        "ORDER",
        "BY",
        "DESC",
        "ASC",
        "INSERT",
        "INTO",
        "VALUE",
        "VALUES",
        "UPDATE",
        "SET",
        "REMOVE",
        "DELETE",
        "RETURNING",
        "ALL",
        "MODIFIED",
        "OLD",
        "NEW",
        "EXISTS",
        "begins_with(",
        "contains(",
        "size(",
        "attribute_type(",
        "set_add(",
        "set_delete(",
        "list_append(",
        "if_not_exists(",
        "nope(",
        "LIMIT",
        "GROUP",
        "HAVING",
        "AS",
        "t",
        "STRING",
        "DOUBLE PRECISION",
        "--c\n",
        "/*c*/",
        "#",
        "é",
        "`",
        "\"",
        "'",
        "{'pk': 'a'}",
        "{'pk': 'a', 'sk': 1}",
        "<<1, 2>>",
        "<<'x'>>",
        "[1, 'a']",
    ];

    const SEEDS: &[&str] = &[
        r#"SELECT * FROM "Simple" WHERE pk = 'a'"#,
        r#"SELECT a, b.c[1] FROM "Composite" WHERE pk IN ['a', 'b'] AND sk BETWEEN 1 AND 5 ORDER BY pk DESC"#,
        r#"SELECT * FROM "Composite"."ByDate" WHERE pk = ? AND begins_with("date", '20') OR pk = 'z'"#,
        r#"INSERT INTO "Composite" VALUE {'pk': 'a', 'sk': 1, 'l': [1, <<'x'>>], 'm': {'k': ?}}"#,
        r#"UPDATE "Composite" SET a = a + 1, s = set_add(s, <<'x'>>) REMOVE b[2] WHERE pk = 'a' AND sk = 1 AND x IS NOT MISSING RETURNING MODIFIED NEW *"#,
        r#"DELETE FROM "Simple" WHERE pk = 'a' AND NOT (x = 1 OR y IS NULL) RETURNING ALL OLD *"#,
        r#"EXISTS(SELECT * FROM "Composite" WHERE pk = 'a' AND sk = 1 AND size(l) > 2)"#,
        r#"FROM "Simple" WHERE pk = 'a' SET c = list_append(c, [1])"#,
    ];

    fn shape(table: &str) -> Option<TableShape> {
        let attr = |name: &str, kind| KeyAttribute {
            name: name.into(),
            kind,
        };
        match table {
            "Simple" => Some(TableShape {
                key_schema: KeySchema {
                    hash: attr("pk", ScalarType::S),
                    range: None,
                    more_hash: Vec::new(),
                    more_range: Vec::new(),
                },
                indexes: vec![],
            }),
            "Composite" => Some(TableShape {
                key_schema: KeySchema {
                    hash: attr("pk", ScalarType::S),
                    range: Some(attr("sk", ScalarType::N)),
                    more_hash: Vec::new(),
                    more_range: Vec::new(),
                },
                indexes: vec![IndexShape {
                    name: "ByDate".into(),
                    key_schema: KeySchema {
                        hash: attr("pk", ScalarType::S),
                        range: Some(attr("date", ScalarType::S)),
                        more_hash: Vec::new(),
                        more_range: Vec::new(),
                    },
                }],
            }),
            _ => None,
        }
    }

    fn random_value(rng: &mut Rng) -> AttributeValue {
        match rng.below(8) {
            0 => AttributeValue::S("a".into()),
            1 => AttributeValue::N(Number::from_i64(rng.below(5) as i64)),
            2 => AttributeValue::B(vec![1, 2]),
            3 => AttributeValue::Bool(true),
            4 => AttributeValue::Null,
            5 => AttributeValue::SS(vec!["x".into()]),
            6 => AttributeValue::L(vec![AttributeValue::Null]),
            _ => AttributeValue::M(Item::new()),
        }
    }

    /// A random statement from a small grammar: mostly well formed, so the translator's
    /// paths are exercised, not just the parser's refusals.
    fn generate(rng: &mut Rng) -> String {
        const PATHS: &[&str] = &[
            "pk",
            "sk",
            "a",
            "b.c",
            "l[1]",
            "\"date\"",
            "owner",
            "m['k'][0]",
        ];
        const VALUES: &[&str] = &[
            "'a'", "'b'", "1", "-2.5", "?", "[1, 'x']", "{'k': 1}", "<<'x'>>", "<<1, 2>>", "NULL",
            "TRUE", "''",
        ];
        const TABLES: &[&str] = &[
            "\"Simple\"",
            "\"Composite\"",
            "\"Simple\"",
            "\"Composite\"",
            "\"Composite\".\"ByDate\"",
            "\"Nowhere\"",
            "\"ab\"",
        ];
        fn condition(rng: &mut Rng, depth: usize) -> String {
            let path = *rng.pick(PATHS);
            let value = *rng.pick(VALUES);
            let choice = if depth > 2 {
                rng.below(6)
            } else {
                rng.below(10)
            };
            match choice {
                0 => format!(
                    "{path} {} {value}",
                    rng.pick(&["=", "<>", "<", "<=", ">", ">="])
                ),
                1 => format!("{path} BETWEEN {value} AND {}", rng.pick(VALUES)),
                2 => format!("{path} IN [{value}, {}]", rng.pick(VALUES)),
                3 => {
                    format!(
                        "{path} IS {}",
                        rng.pick(&[
                            "MISSING",
                            "NOT MISSING",
                            "NULL",
                            "NOT NULL",
                            "STRING",
                            "LIST"
                        ])
                    )
                }
                4 => format!("begins_with({path}, {value})"),
                5 => format!("size({path}) > {value}"),
                6 => format!("NOT ({})", condition(rng, depth + 1)),
                7 => format!("pk = {value} AND {}", condition(rng, depth + 1)),
                8 => format!(
                    "({}) OR {}",
                    condition(rng, depth + 1),
                    condition(rng, depth + 1)
                ),
                _ => format!(
                    "{} AND {}",
                    condition(rng, depth + 1),
                    condition(rng, depth + 1)
                ),
            }
        }
        let table = *rng.pick(TABLES);
        let path = *rng.pick(PATHS);
        let value = *rng.pick(VALUES);
        match rng.below(6) {
            0 | 1 => {
                let projection = if rng.below(2) == 0 {
                    "*".to_string()
                } else {
                    format!("{path}, a")
                };
                let order = match rng.below(4) {
                    0 => " ORDER BY pk DESC",
                    1 => " ORDER BY sk",
                    _ => "",
                };
                format!(
                    "SELECT {projection} FROM {table} WHERE {}{order}",
                    condition(rng, 0)
                )
            }
            2 => format!(
                "INSERT INTO {table} VALUE {{'pk': {value}, 'sk': {}, '{path}': {}}}",
                rng.pick(VALUES),
                rng.pick(VALUES)
            ),
            3 => {
                let action = match rng.below(4) {
                    0 => format!("SET {path} = {value}"),
                    1 => format!("SET {path} = {path} + {value}"),
                    2 => format!("SET {path} = set_add({path}, {value})"),
                    _ => format!("REMOVE {path}"),
                };
                let returning =
                    *rng.pick(&["", " RETURNING ALL NEW *", " RETURNING MODIFIED OLD *"]);
                format!(
                    "UPDATE {table} {action} WHERE {}{returning}",
                    condition(rng, 0)
                )
            }
            4 => format!("DELETE FROM {table} WHERE {}", condition(rng, 0)),
            _ => format!("EXISTS(SELECT * FROM {table} WHERE {})", condition(rng, 0)),
        }
    }

    fn garble(rng: &mut Rng) -> String {
        match rng.below(6) {
            4 | 5 => generate(rng),
            // A run of fragments.
            0 => (0..1 + rng.below(25))
                .map(|_| *rng.pick(FRAGMENTS))
                .collect::<Vec<_>>()
                .join(" "),
            // A seed with fragments spliced in at word boundaries.
            1 => {
                let mut words: Vec<&str> = rng.pick(SEEDS).split(' ').collect();
                for _ in 0..1 + rng.below(3) {
                    let at = rng.below(words.len() + 1);
                    match rng.below(3) {
                        0 if !words.is_empty() => {
                            words.remove(at.min(words.len() - 1));
                        }
                        _ => words.insert(at, *rng.pick(FRAGMENTS)),
                    }
                }
                words.join(" ")
            }
            // A seed cut or with characters dropped and duplicated.
            2 => {
                let mut chars: Vec<char> = rng.pick(SEEDS).chars().collect();
                for _ in 0..1 + rng.below(4) {
                    if chars.is_empty() {
                        break;
                    }
                    let at = rng.below(chars.len());
                    match rng.below(3) {
                        0 => {
                            chars.remove(at);
                        }
                        1 => chars.insert(at, chars[at]),
                        _ => chars.truncate(at),
                    }
                }
                chars.into_iter().collect()
            }
            // Raw characters.
            _ => {
                const ALPHABET: &[char] = &[
                    'a', 'S', ' ', '\'', '"', '(', ')', '[', ']', '<', '>', '=', '.', '?', '1',
                    'e', '-', '*', ',', '{', '}', ':', '\n', 'é', '#',
                ];
                (0..rng.below(40)).map(|_| *rng.pick(ALPHABET)).collect()
            }
        }
    }

    fn bodies(t: &Translation) -> Vec<serde_json::Value> {
        match t {
            Translation::Read(p) => p.requests.iter().map(|(_, b)| b.clone()).collect(),
            Translation::Get(p) => vec![p.request.clone()],
            Translation::Write(p) => vec![p.request.clone()],
            Translation::Check(p) => vec![p.request.clone()],
        }
    }

    #[test]
    fn garbled_statements_never_panic() {
        let sample = item_from_json(
            r#"{"pk":{"S":"a"},"b":{"M":{"c":{"L":[{"N":"1"}]}}},"l":{"L":[{"S":"x"}]}}"#,
        )
        .unwrap();
        let (mut parsed, mut translated) = (0, 0);
        for seed in [
            0x5EED_1234_ABCD_0001_u64,
            0x0DD5_EED5_0000_0002,
            0xFACE_FEED_1234_5678,
        ] {
            let mut rng = Rng(seed);
            for round in 0..6000 {
                let statement = garble(&mut rng);
                let Ok(ast) = parse(&statement) else { continue };
                parsed += 1;
                let wanted = count_parameters(&ast);
                let count = if round % 7 == 0 { wanted + 1 } else { wanted };
                let params: Vec<AttributeValue> =
                    (0..count).map(|_| random_value(&mut rng)).collect();
                for usage in [Usage::Statement, Usage::Batch, Usage::Transaction] {
                    let result = translate_for(usage, &ast, &params, &shape);
                    let Ok(t) = result else {
                        assert!(!result.unwrap_err().message.is_empty());
                        continue;
                    };
                    // Whatever we emit must read as DynamoDB expressions: no syntax errors,
                    // no redundant parentheses, no unused or undefined placeholders.
                    for body in bodies(&t) {
                        if let Err(e) = translate::tests::engine_reads(&body) {
                            let m = &e.message;
                            let broken = ["Syntax error", "redundant", "unused", "not defined"]
                                .iter()
                                .any(|p| m.contains(p));
                            assert!(!broken, "{statement}\n{body}\n{m}");
                        }
                    }
                    match t {
                        Translation::Read(plan) => {
                            translated += 1;
                            plan.shape_item(&sample);
                        }
                        Translation::Get(plan) => {
                            plan.shape_item(&sample);
                            plan.transact_item();
                        }
                        Translation::Write(plan) => {
                            plan.transact_item();
                        }
                        Translation::Check(plan) => {
                            plan.transact_item();
                        }
                    }
                }
            }
        }
        // The generator must reach the translator, not only the parser's refusals.
        assert!(parsed > 4500, "only {parsed} statements parsed");
        assert!(translated > 600, "only {translated} reads translated");
    }
}
