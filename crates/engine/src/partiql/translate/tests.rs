//! Tests of translation: the requests each statement becomes, DynamoDB's messages for
//! what it refuses, and (`engine_reads`, which the partiql module's tests also use) that
//! the engine's own expression parser reads every expression written.

use super::super::{IndexShape, parse};
use super::*;
use crate::key::{KeyAttribute, KeySchema, ScalarType};
use crate::number::Number;
use crate::value::item_from_json;

fn key(hash: (&str, ScalarType), range: Option<(&str, ScalarType)>) -> KeySchema {
    KeySchema {
        hash: KeyAttribute {
            name: hash.0.into(),
            kind: hash.1,
        },
        range: range.map(|(name, kind)| KeyAttribute {
            name: name.into(),
            kind,
        }),
        more_hash: Vec::new(),
        more_range: Vec::new(),
    }
}

/// Tables: `Simple` (pk S), `Composite` (pk S, sk N, index `ByDate` on (pk, date S) and
/// global index `ByOwner` on owner S), `Numbers` (id N).
fn schema(table: &str) -> Option<TableShape> {
    match table {
        "Simple" => Some(TableShape {
            key_schema: key(("pk", ScalarType::S), None),
            indexes: vec![],
        }),
        "Composite" => Some(TableShape {
            key_schema: key(("pk", ScalarType::S), Some(("sk", ScalarType::N))),
            indexes: vec![
                IndexShape {
                    name: "ByDate".into(),
                    key_schema: key(("pk", ScalarType::S), Some(("date", ScalarType::S))),
                },
                IndexShape {
                    name: "ByOwner".into(),
                    key_schema: key(("owner", ScalarType::S), None),
                },
            ],
        }),
        "Numbers" => Some(TableShape {
            key_schema: key(("id", ScalarType::N), None),
            indexes: vec![],
        }),
        _ => None,
    }
}

fn run(
    usage: Usage,
    statement: &str,
    params: &[AttributeValue],
) -> Result<Translation, DynamoError> {
    translate_for(usage, &parse(statement)?, params, &schema)
}

fn ok(statement: &str) -> Translation {
    run(Usage::Statement, statement, &[]).unwrap_or_else(|e| panic!("{statement}: {e}"))
}

fn err(statement: &str) -> String {
    run(Usage::Statement, statement, &[])
        .expect_err(statement)
        .message
}

fn requests(statement: &str) -> Vec<(&'static str, Value)> {
    match ok(statement) {
        Translation::Read(plan) => plan.requests,
        other => panic!("not a read: {other:?}"),
    }
}

fn single(statement: &str) -> (&'static str, Value) {
    let mut all = requests(statement);
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0)
}

fn write(statement: &str) -> WritePlan {
    match ok(statement) {
        Translation::Write(plan) => plan,
        other => panic!("not a write: {other:?}"),
    }
}

fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.into())
}

fn n(text: &str) -> AttributeValue {
    AttributeValue::N(Number::parse(text).unwrap())
}

// --- SELECT ------------------------------------------------------------------------

#[test]
fn select_without_where_is_a_scan() {
    assert_eq!(
        single(r#"SELECT * FROM "Simple""#),
        ("Scan", json!({"TableName": "Simple"}))
    );
}

#[test]
fn select_with_partition_key_equality_is_a_query() {
    assert_eq!(
        single(r#"SELECT * FROM "Simple" WHERE pk = 'a'"#),
        (
            "Query",
            json!({
                "TableName": "Simple",
                "KeyConditionExpression": "#n0 = :v0",
                "ExpressionAttributeNames": {"#n0": "pk"},
                "ExpressionAttributeValues": {":v0": {"S": "a"}}
            })
        )
    );
}

#[test]
fn select_moves_one_sort_key_condition_into_the_key_condition() {
    assert_eq!(
        single(r#"SELECT a, b.c FROM "Composite" WHERE pk = 'a' AND sk >= 5 AND x <> 'y'"#),
        (
            "Query",
            json!({
                "TableName": "Composite",
                "KeyConditionExpression": "#n0 = :v0 AND #n1 >= :v1",
                "FilterExpression": "#n2 <> :v2",
                "ProjectionExpression": "#n3, #n4.#n5",
                "ExpressionAttributeNames": {"#n0": "pk", "#n1": "sk", "#n2": "x", "#n3": "a", "#n4": "b", "#n5": "c"},
                "ExpressionAttributeValues": {":v0": {"S": "a"}, ":v1": {"N": "5"}, ":v2": {"S": "y"}}
            })
        )
    );
}

#[test]
fn select_sort_key_between_and_begins_with_become_key_conditions() {
    let (_, q) = single(r#"SELECT * FROM "Composite" WHERE 'a' = pk AND sk BETWEEN 1 AND 9"#);
    assert_eq!(
        q["KeyConditionExpression"],
        "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2"
    );
    let (_, q) = single(
        r#"SELECT * FROM "Composite"."ByDate" WHERE pk = 'a' AND begins_with("date", '2024')"#,
    );
    assert_eq!(q["IndexName"], "ByDate");
    assert_eq!(
        q["KeyConditionExpression"],
        "#n0 = :v0 AND begins_with(#n1, :v1)"
    );
    assert_eq!(
        q["ExpressionAttributeNames"],
        json!({"#n0": "pk", "#n1": "date"})
    );
}

#[test]
fn a_value_on_the_left_of_a_sort_key_comparison_is_flipped() {
    let (_, q) = single(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND 3 < sk"#);
    assert_eq!(q["KeyConditionExpression"], "#n0 = :v0 AND #n1 > :v1");
}

#[test]
fn select_on_a_global_index_queries_by_its_partition_key() {
    let (op, q) = single(r#"SELECT * FROM "Composite"."ByOwner" WHERE owner = 'me'"#);
    assert_eq!(op, "Query");
    assert_eq!(q["IndexName"], "ByOwner");
    assert_eq!(q["ExpressionAttributeNames"], json!({"#n0": "owner"}));
}

#[test]
fn select_without_a_partition_key_equality_is_a_filtered_scan() {
    assert_eq!(
        single(r#"SELECT * FROM "Simple" WHERE pk > 'a' OR x = 1"#),
        (
            "Scan",
            json!({
                "TableName": "Simple",
                "FilterExpression": "#n0 > :v0 OR #n1 = :v1",
                "ExpressionAttributeNames": {"#n0": "pk", "#n1": "x"},
                "ExpressionAttributeValues": {":v0": {"S": "a"}, ":v1": {"N": "1"}}
            })
        )
    );
    assert_eq!(
        single(r#"SELECT * FROM "Simple" WHERE pk = 'a' OR x = 1"#).0,
        "Scan"
    );
}

#[test]
fn leftover_terms_on_key_attributes_force_a_scan() {
    // A Query filter may not name a key attribute, so these read the whole table.
    assert_eq!(
        single(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk > 1 AND sk < 5"#).0,
        "Scan"
    );
    assert_eq!(
        single(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk <> 1"#).0,
        "Scan"
    );
    assert_eq!(
        single(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND pk = 'b'"#).0,
        "Scan"
    );
    assert_eq!(
        single(r#"SELECT * FROM "Composite"."ByOwner" WHERE owner = 'me' AND sk = 1"#).0,
        "Scan"
    );
}

#[test]
fn partition_key_in_and_or_decompose_into_one_query_per_value() {
    let all = requests(r#"SELECT * FROM "Simple" WHERE pk IN ['a', 'b', 'a'] AND x = 1"#);
    assert_eq!(all.len(), 2);
    assert_eq!(
        all[0].1["ExpressionAttributeValues"],
        json!({":v0": {"S": "a"}, ":v1": {"N": "1"}})
    );
    assert_eq!(all[1].1["FilterExpression"], "#n1 = :v1");
    let all = requests(r#"SELECT * FROM "Simple" WHERE pk = 'a' OR pk = 'b' OR pk = 'c'"#);
    assert_eq!(
        all.iter().map(|(op, _)| *op).collect::<Vec<_>>(),
        ["Query", "Query", "Query"]
    );
    let all = requests(r#"SELECT * FROM "Composite" WHERE (pk = 'a' OR pk = 'b') AND sk = 1"#);
    assert_eq!(all.len(), 2);
    assert_eq!(
        all[1].1["KeyConditionExpression"],
        "#n0 = :v0 AND #n1 = :v1"
    );
}

#[test]
fn or_branches_each_keep_their_own_filter() {
    let all =
        requests(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk = 1 OR pk = 'b' AND x = 2"#);
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].1.get("FilterExpression"), None);
    assert_eq!(all[1].1["FilterExpression"], "#n1 = :v1");
}

#[test]
fn overlapping_branches_on_one_partition_are_refused() {
    assert_eq!(
        err(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND x = '1' OR pk = 'a' AND sk = 2"#),
        OVERLAPPING_RANGES
    );
    assert_eq!(
        err(
            r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk > 1 OR pk = 'a' AND sk BETWEEN 0 AND 3"#
        ),
        OVERLAPPING_RANGES
    );
    // Disjoint sort-key ranges of one partition are fine.
    assert_eq!(
        requests(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk < 1 OR pk = 'a' AND sk >= 1"#)
            .len(),
        2
    );
    assert_eq!(
        requests(r#"SELECT * FROM "Composite"."ByDate" WHERE pk = 'a' AND begins_with("date", '2023') OR pk = 'a' AND begins_with("date", '2024')"#).len(),
        2
    );
}

#[test]
fn order_by_the_sort_key_sets_scan_index_forward() {
    let (_, q) = single(r#"SELECT * FROM "Composite" WHERE pk = 'a' ORDER BY sk DESC"#);
    assert_eq!(q["ScanIndexForward"], false);
    let (_, q) = single(r#"SELECT * FROM "Composite" WHERE pk = 'a' ORDER BY sk"#);
    assert_eq!(q["ScanIndexForward"], true);
    let (_, q) = single(r#"SELECT * FROM "Composite" WHERE pk = 'a'"#);
    assert_eq!(q.get("ScanIndexForward"), None);
}

#[test]
fn order_by_is_accepted_when_a_fixed_partition_still_needs_a_scan() {
    let (op, scan) =
        single(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk > 1 AND sk < 5 ORDER BY sk"#);
    assert_eq!(op, "Scan");
    assert_eq!(scan.get("ScanIndexForward"), None);
}

#[test]
fn order_by_the_partition_key_alone_reads_partitions_backwards() {
    let (_, q) = single(r#"SELECT * FROM "Composite" WHERE pk = 'o' ORDER BY pk ASC"#);
    assert_eq!(q["ScanIndexForward"], false);
}

#[test]
fn order_by_the_partition_key_orders_the_queries() {
    let all = requests(
        r#"SELECT * FROM "Composite" WHERE pk IN ['o', 'p', 'a'] ORDER BY pk DESC, sk ASC"#,
    );
    let pks: Vec<&Value> = all
        .iter()
        .map(|(_, q)| &q["ExpressionAttributeValues"][":v0"]["S"])
        .collect();
    assert_eq!(pks, [&json!("p"), &json!("o"), &json!("a")]);
    assert!(all.iter().all(|(_, q)| q["ScanIndexForward"] == true));
    let all = requests(r#"SELECT * FROM "Numbers" WHERE id IN [10, 9, 100] ORDER BY id"#);
    let ids: Vec<&Value> = all
        .iter()
        .map(|(_, q)| &q["ExpressionAttributeValues"][":v0"]["N"])
        .collect();
    assert_eq!(ids, [&json!("9"), &json!("10"), &json!("100")]);
}

#[test]
fn order_by_errors_use_dynamodb_messages() {
    assert_eq!(
        err(r#"SELECT sk FROM "Composite" ORDER BY sk"#),
        ORDER_BY_WITHOUT_WHERE
    );
    assert_eq!(
        err(r#"SELECT sk FROM "Composite" WHERE pk = 'o' ORDER BY Total DESC"#),
        "Attribute Total in ORDER BY clause must be part of the primary key"
    );
    assert_eq!(
        err(r#"SELECT sk FROM "Composite" WHERE pk > 'a' ORDER BY sk"#),
        ORDER_BY_WITHOUT_HASH
    );
    assert_eq!(
        err(r#"SELECT sk FROM "Composite" WHERE pk = 'a' OR x = 1 ORDER BY sk"#),
        ORDER_BY_WITHOUT_HASH
    );
    assert_eq!(
        err(r#"SELECT sk FROM "Composite" WHERE pk IN ['o', 'p'] AND sk <> 1 ORDER BY sk"#),
        ORDER_BY_MANY_HASHES
    );
    assert_eq!(
        err(r#"SELECT sk FROM "Composite" WHERE pk IN ['o', 'p'] ORDER BY sk DESC"#),
        ORDER_BY_MANY_HASHES
    );
    assert_eq!(
        err(r#"SELECT sk FROM "Composite" WHERE pk = 'o' ORDER BY a.b"#),
        "Argument to ORDER BY must be of type VariableReference. Type: PATH"
    );
}

#[test]
fn a_partition_key_of_the_wrong_type_is_refused() {
    assert_eq!(
        err(r#"SELECT * FROM "Simple" WHERE pk = 1"#),
        "Key attribute's data type should match its data type in table's schema: Key pk"
    );
    assert_eq!(
        err(r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk = 'x'"#),
        "Key attribute's data type should match its data type in table's schema: Key sk"
    );
}

#[test]
fn select_on_a_missing_index_names_it() {
    assert_eq!(
        err(r#"SELECT * FROM "Composite"."Nope" WHERE pk = 'a'"#),
        "The table does not have the specified index: Nope"
    );
}

#[test]
fn too_many_partitions_are_refused() {
    let values: Vec<String> = (0..101).map(|i| format!("'k{i}'")).collect();
    assert_eq!(
        err(&format!(
            r#"SELECT * FROM "Simple" WHERE pk IN [{}]"#,
            values.join(", ")
        )),
        TOO_MANY_READS
    );
}

// --- Conditions --------------------------------------------------------------------

fn filter(where_clause: &str) -> (String, Value, Value) {
    let (_, q) = single(&format!(r#"SELECT * FROM "Simple" WHERE {where_clause}"#));
    (
        q["FilterExpression"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        q.get("ExpressionAttributeNames")
            .cloned()
            .unwrap_or(Value::Null),
        q.get("ExpressionAttributeValues")
            .cloned()
            .unwrap_or(Value::Null),
    )
}

#[test]
fn conditions_translate_operators_and_functions() {
    assert_eq!(filter("a != 1").0, "#n0 <> :v0");
    assert_eq!(filter("a BETWEEN 1 AND 2").0, "#n0 BETWEEN :v0 AND :v1");
    assert_eq!(
        filter("a NOT BETWEEN 1 AND 2").0,
        "NOT (#n0 BETWEEN :v0 AND :v1)"
    );
    assert_eq!(filter("a IN (1, 2)").0, "#n0 IN (:v0, :v1)");
    assert_eq!(filter("a NOT IN [1]").0, "NOT (#n0 IN (:v0))");
    assert_eq!(filter("begins_with(a, 'x')").0, "begins_with(#n0, :v0)");
    assert_eq!(filter("contains(a, 'x')").0, "contains(#n0, :v0)");
    assert_eq!(filter("size(a.b[1]) > 3").0, "size(#n0.#n1[1]) > :v0");
    assert_eq!(
        filter("attribute_type(a, 'S')").0,
        "attribute_type(#n0, :v0)"
    );
}

#[test]
fn is_tests_translate_to_existence_null_and_type_checks() {
    assert_eq!(filter("a IS MISSING").0, "attribute_not_exists(#n0)");
    assert_eq!(filter("a IS NOT MISSING").0, "attribute_exists(#n0)");
    let (text, _, values) = filter("a IS NULL");
    assert_eq!(text, "#n0 = :v0");
    assert_eq!(values, json!({":v0": {"NULL": true}}));
    assert_eq!(filter("a IS NOT NULL").0, "NOT (#n0 = :v0)");
    let (text, _, values) = filter("a IS STRING AND b IS NOT TUPLE");
    assert_eq!(
        text,
        "attribute_type(#n0, :v0) AND NOT (attribute_type(#n1, :v1))"
    );
    assert_eq!(values, json!({":v0": {"S": "S"}, ":v1": {"S": "M"}}));
}

#[test]
fn parentheses_are_emitted_only_where_precedence_needs_them() {
    assert_eq!(
        filter("(a = 1 OR b = 2) AND NOT (c = 3 AND d = 4)").0,
        "(#n0 = :v0 OR #n1 = :v1) AND NOT (#n2 = :v2 AND #n3 = :v3)"
    );
    assert_eq!(
        filter("a = 1 OR b = 2 AND c = 3").0,
        "#n0 = :v0 OR #n1 = :v1 AND #n2 = :v2"
    );
}

#[test]
fn the_same_name_reuses_its_placeholder() {
    let (text, names, _) = filter("a = 1 OR a = 2");
    assert_eq!(text, "#n0 = :v0 OR #n0 = :v1");
    assert_eq!(names, json!({"#n0": "a"}));
}

#[test]
fn quoted_names_with_spaces_and_dots_are_single_path_steps() {
    let (text, names, _) = filter(r#""a b"."c.d" = 1"#);
    assert_eq!(text, "#n0.#n1 = :v0");
    assert_eq!(names, json!({"#n0": "a b", "#n1": "c.d"}));
}

#[test]
fn literals_convert_to_attribute_values() {
    let (_, _, values) = filter(
        r#"a IN ['s', 1.50, -0, TRUE, NULL, [1, 'x'], {'k': {'n': 2}}, <<'p', 'q'>>, <<3, 1>>]"#,
    );
    assert_eq!(
        values,
        json!({
            ":v0": {"S": "s"}, ":v1": {"N": "1.5"}, ":v2": {"N": "0"}, ":v3": {"BOOL": true},
            ":v4": {"NULL": true}, ":v5": {"L": [{"N": "1"}, {"S": "x"}]},
            ":v6": {"M": {"k": {"M": {"n": {"N": "2"}}}}}, ":v7": {"SS": ["p", "q"]}, ":v8": {"NS": ["3", "1"]}
        })
    );
}

#[test]
fn where_must_be_a_boolean_condition() {
    assert_eq!(err(r#"SELECT * FROM "Simple" WHERE a"#), NOT_BOOLEAN);
    assert_eq!(err(r#"SELECT * FROM "Simple" WHERE size(a)"#), NOT_BOOLEAN);
    assert_eq!(
        err(r#"SELECT * FROM "Simple" WHERE a = 1 AND b"#),
        AND_OR_OPERANDS
    );
    assert_eq!(err(r#"SELECT * FROM "Simple" WHERE NOT 1"#), NOT_OPERAND);
}

#[test]
fn condition_errors_use_dynamodb_messages() {
    assert_eq!(
        err(r#"SELECT * FROM "Simple" WHERE a = MISSING"#),
        MISSING_COMPARED
    );
    assert_eq!(err(r#"SELECT * FROM "Simple" WHERE a IN b"#), IN_OPERANDS);
    assert_eq!(err(r#"SELECT * FROM "Simple" WHERE a IN []"#), IN_OPERANDS);
    assert_eq!(
        err(r#"SELECT * FROM "Simple" WHERE nope(a)"#),
        "Unrecognized function: nope"
    );
    assert_eq!(
        err(r#"SELECT * FROM "Simple" WHERE size() > 2"#),
        "Incorrect number of operands for operator or function; operator or function: size, number of operands: 0"
    );
    assert_eq!(
        err(r#"SELECT * FROM "Simple" WHERE begins_with(a)"#),
        "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"
    );
    assert_eq!(
        err(r#"SELECT * FROM "Simple" WHERE a + 1 > 2"#),
        "Unsupported operator in Condition Expression. Operator: +"
    );
    assert_eq!(
        err(r#"SELECT * FROM "Simple" WHERE a LIKE 'x%'"#),
        "Unsupported operator in Condition Expression. Operator: like"
    );
    assert_eq!(
        err(r#"SELECT * FROM "Simple" WHERE (a = 1) IS NULL"#),
        IS_OPERAND
    );
    assert_eq!(
        err(r#"SELECT * FROM "Simple" WHERE a IS INT"#),
        "Unsupported data type for IS operator: INTEGER. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"
    );
}

#[test]
fn path_errors_use_dynamodb_messages() {
    assert_eq!(
        err(r#"SELECT a[*] FROM "Simple""#),
        "Wildcard path component like a[*].b are not supported"
    );
    assert_eq!(
        err(r#"SELECT a.* FROM "Simple""#),
        "Unpivot path component like a.*.b are not supported"
    );
    assert_eq!(
        err(r#"SELECT * FROM "Simple" WHERE a[-1] = 1"#),
        "List index is not within the allowable range; index: [-1]"
    );
    assert_eq!(
        err(r#"SELECT * FROM "Simple" WHERE a[3000000000] = 1"#),
        "List index is not within the allowable range; index: [3000000000]"
    );
    assert_eq!(
        err(r#"SELECT * FROM "Simple" WHERE [1, 2][0] = 1"#),
        "A path cannot start with a list index"
    );
    assert_eq!(
        err(r#"SELECT * FROM "Simple" WHERE "" = 1"#),
        EMPTY_PATH_COMPONENT
    );
}

#[test]
fn number_literals_outside_dynamodb_range_name_their_path() {
    assert_eq!(
        err(r#"SELECT * FROM "Numbers" WHERE id = 1e126"#),
        "Number overflow. Attempting to store a number with magnitude larger than supported range under root"
    );
    assert_eq!(
        err(r#"SELECT * FROM "Numbers" WHERE id = 1e-131"#),
        "Number underflow. Attempting to store a number with magnitude smaller than supported range under root"
    );
    assert_eq!(
        err(r#"SELECT * FROM "Numbers" WHERE id = 123456789012345678901234567890123456789"#),
        "Attempting to store more than 38 significant digits in a Number under root"
    );
    assert_eq!(
        err(r#"INSERT INTO "Numbers" VALUE {'id': 1, 'm': {'x': 1e126}}"#),
        "Number overflow. Attempting to store a number with magnitude larger than supported range under root.x"
    );
    assert_eq!(
        err(r#"INSERT INTO "Numbers" VALUE {'id': 1, 'l': [1, 1e126]}"#),
        "Number overflow. Attempting to store a number with magnitude larger than supported range under root[1]"
    );
    assert_eq!(
        err(r#"INSERT INTO "Numbers" VALUE {'id': 1, 'z': -0.0}"#),
        "Negative zero decimal is not supported under key root"
    );
}

#[test]
fn bags_become_sets_of_one_type() {
    assert_eq!(
        err(r#"INSERT INTO "Simple" VALUE {'pk': 'a', 's': <<>>}"#),
        EMPTY_BAG
    );
    assert_eq!(
        err(r#"INSERT INTO "Simple" VALUE {'pk': 'a', 's': <<1, 'a'>>}"#),
        BAG_TYPES
    );
    assert_eq!(
        err(r#"INSERT INTO "Simple" VALUE {'pk': 'a', 's': <<[1]>>}"#),
        BAG_TYPES
    );
    assert_eq!(
        err(r#"INSERT INTO "Simple" VALUE {'pk': 'a', 's': <<'a', 'a'>>}"#),
        "One or more parameter values were invalid: Input collection [a, a] contains duplicates."
    );
    assert!(
        err(r#"INSERT INTO "Simple" VALUE {'pk': 'a', 's': <<1, 1.0>>}"#)
            .contains("[1, 1] contains duplicates")
    );
    let blob = AttributeValue::B(vec![1, 2]);
    let t = run(
        Usage::Statement,
        r#"INSERT INTO "Simple" VALUE {'pk': 'a', 'b': <<?, ?>>}"#,
        &[blob.clone(), AttributeValue::B(vec![3])],
    )
    .unwrap();
    let Translation::Write(w) = t else { panic!() };
    assert_eq!(w.request["Item"]["b"], json!({"BS": ["AQI=", "Aw=="]}));
}

// --- Parameters --------------------------------------------------------------------

#[test]
fn parameters_bind_in_order() {
    let t = run(
        Usage::Statement,
        r#"SELECT * FROM "Composite" WHERE pk = ? AND sk > ?"#,
        &[s("a"), n("3")],
    )
    .unwrap();
    let Translation::Read(plan) = t else { panic!() };
    assert_eq!(
        plan.requests[0].1["ExpressionAttributeValues"],
        json!({":v0": {"S": "a"}, ":v1": {"N": "3"}})
    );
}

#[test]
fn the_parameter_count_must_match() {
    let e = run(
        Usage::Statement,
        r#"SELECT * FROM "Simple" WHERE pk = ?"#,
        &[],
    )
    .unwrap_err();
    assert_eq!(e.message, PARAMETER_COUNT);
    let e = run(
        Usage::Statement,
        r#"SELECT * FROM "Simple" WHERE pk = 'a'"#,
        &[s("x")],
    )
    .unwrap_err();
    assert_eq!(e.message, PARAMETER_COUNT);
}

#[test]
fn parameters_may_be_any_attribute_value() {
    let list = AttributeValue::L(vec![s("x")]);
    let t = run(
        Usage::Statement,
        r#"INSERT INTO "Simple" VALUE {'pk': ?, 'l': ?, 'm': {'in': ?}}"#,
        &[s("k"), list.clone(), list],
    )
    .unwrap();
    let Translation::Write(w) = t else { panic!() };
    assert_eq!(
        w.request["Item"],
        json!({"pk": {"S": "k"}, "l": {"L": [{"S": "x"}]}, "m": {"M": {"in": {"L": [{"S": "x"}]}}}})
    );
}

// --- INSERT ------------------------------------------------------------------------

#[test]
fn insert_is_a_put_conditioned_on_the_item_not_existing() {
    let w = write(
        r#"INSERT INTO "Composite" VALUE {'pk': 'a', 'sk': 1, 'n': 1.5, 'l': [1, 'two'], 'ns': <<1, 2>>}"#,
    );
    assert_eq!(w.kind, WriteKind::Insert);
    assert_eq!(w.operation, "PutItem");
    assert_eq!(
        w.request,
        json!({
            "TableName": "Composite",
            "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "n": {"N": "1.5"}, "l": {"L": [{"N": "1"}, {"S": "two"}]}, "ns": {"NS": ["1", "2"]}},
            "ConditionExpression": "attribute_not_exists(#n0)",
            "ExpressionAttributeNames": {"#n0": "pk"}
        })
    );
    assert_eq!(w.transact_item()["Put"]["TableName"], "Composite");
}

#[test]
fn insert_item_errors_use_dynamodb_messages() {
    assert_eq!(
        err(r#"INSERT INTO "Composite" VALUE {'pk': 'a'}"#),
        "Key attribute should be present in the item: Key sk"
    );
    assert_eq!(
        err(r#"INSERT INTO "Composite" VALUE {'pk': 'a', 'sk': 'x'}"#),
        "Key attribute's data type should match its data type in table's schema: Key sk"
    );
    assert_eq!(
        err(r#"INSERT INTO "Simple" VALUE {'pk': 'a', 'pk': 'b'}"#),
        "Duplicate keys in tuple. Key: pk under root at 1:40:4"
    );
    assert_eq!(
        err(r#"INSERT INTO "Simple" VALUE {'pk': 'a', 'm': {'k': 1, 'k': 2}}"#),
        "Duplicate keys in tuple. Key: k under root"
    );
    assert_eq!(
        err(r#"INSERT INTO "Simple" VALUE {"pk": 'a'}"#),
        "Tuple keys must be of type String. Actual type: VariableReference under root at 1:29:4"
    );
    assert_eq!(
        err(r#"INSERT INTO "Simple" VALUE {'pk': a}"#),
        "Unsupported data type: a under key root at 1:35:1"
    );
    assert_eq!(
        err(r#"INSERT INTO "Simple" VALUE [1]"#),
        format!("{INSERT_NOT_STRUCT} at 1:28:1")
    );
}

// --- UPDATE ------------------------------------------------------------------------

#[test]
fn update_is_an_update_item_on_the_where_key() {
    let w = write(
        r#"UPDATE "Composite" SET a = 1, b.c = 'x', l[0] = ?, n = n + 1 REMOVE d SET s = set_add(s, <<'x'>>), t = set_delete(t, <<2>>), l2 = list_append(l2, [1]) WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *"#
            .replace('?', "'p'")
            .as_str(),
    );
    assert_eq!(w.kind, WriteKind::Update);
    assert_eq!(w.operation, "UpdateItem");
    assert_eq!(
        w.request,
        json!({
            "TableName": "Composite",
            "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
            "UpdateExpression": "SET #n0 = :v0, #n1.#n2 = :v1, #n3[0] = :v2, #n4 = #n4 + :v3, #n8 = list_append(#n8, :v6) REMOVE #n5 ADD #n6 :v4 DELETE #n7 :v5",
            "ConditionExpression": "attribute_exists(#n9)",
            "ExpressionAttributeNames": {"#n0": "a", "#n1": "b", "#n2": "c", "#n3": "l", "#n4": "n", "#n5": "d", "#n6": "s", "#n7": "t", "#n8": "l2", "#n9": "pk"},
            "ExpressionAttributeValues": {
                ":v0": {"N": "1"}, ":v1": {"S": "x"}, ":v2": {"S": "p"}, ":v3": {"N": "1"},
                ":v4": {"SS": ["x"]}, ":v5": {"NS": ["2"]}, ":v6": {"L": [{"N": "1"}]}
            },
            "ReturnValues": "ALL_NEW"
        })
    );
    assert_eq!(w.returning, Some(Returning::AllNew));
    assert_eq!(w.transact_item()["Update"].get("ReturnValues"), None);
}

#[test]
fn update_conditions_hold_with_the_item_existing() {
    let w = write(r#"UPDATE "Simple" SET a = 1 WHERE pk = 'a' AND (x = 1 OR y = 2)"#);
    assert_eq!(
        w.request["ConditionExpression"],
        "attribute_exists(#n1) AND (#n2 = :v1 OR #n3 = :v2)"
    );
}

#[test]
fn update_returning_maps_to_return_values() {
    for (clause, value) in [
        ("ALL OLD", "ALL_OLD"),
        ("MODIFIED OLD", "UPDATED_OLD"),
        ("ALL NEW", "ALL_NEW"),
        ("MODIFIED NEW", "UPDATED_NEW"),
    ] {
        let w = write(&format!(
            r#"UPDATE "Simple" SET a = 1 WHERE pk = 'a' RETURNING {clause} *"#
        ));
        assert_eq!(w.request["ReturnValues"], value, "{clause}");
    }
}

#[test]
fn update_needs_the_full_key_by_equality() {
    assert_eq!(
        err(r#"UPDATE "Composite" SET a = 1 WHERE pk = 'a'"#),
        MANDATORY_KEY
    );
    assert_eq!(err(r#"UPDATE "Composite" SET a = 1"#), MANDATORY_KEY);
    assert_eq!(err(r#"FROM "Composite" SET c = 1"#), MANDATORY_KEY);
    assert_eq!(
        err(r#"UPDATE "Composite" SET a = 1 WHERE pk = 'a' OR sk = 1"#),
        MANDATORY_KEY
    );
    assert_eq!(
        err(r#"UPDATE "Composite" SET a = 1 WHERE pk = 'a' AND sk > 1"#),
        MANDATORY_KEY
    );
    assert_eq!(
        err(r#"UPDATE "Simple" SET a = 1 WHERE pk = 'a' AND pk = 'b'"#),
        "Multiple conditions on same key pk. Only single item Update/Insert/Delete are supported"
    );
    assert!(ok(r#"UPDATE "Simple" SET a = 1 WHERE pk = 'a' AND pk = 'a'"#).table() == "Simple");
    assert_eq!(
        err(r#"UPDATE "Simple" SET a = 1 WHERE pk = [1]"#),
        "Key value must be of type S, N, or B. Key name: pk, Key type: L"
    );
    assert_eq!(
        err(r#"UPDATE "Simple" SET a = 1 WHERE pk = 1"#),
        "Key attribute's data type should match its data type in table's schema: Key pk"
    );
}

#[test]
fn set_add_and_set_delete_are_checked() {
    let prefix = r#"UPDATE "Simple" SET Other = "#;
    let col = prefix.chars().count() + 1;
    assert_eq!(
        err(&format!(
            "{prefix}set_add(BandMembers, <<'x'>>) WHERE pk = 'a'"
        )),
        format!("The first argument to SET_ADD must equal the assignment value at 1:{col}:7")
    );
    assert_eq!(
        err(&format!("{prefix}set_delete(Other) WHERE pk = 'a'")),
        format!("SET_DELETE must have exactly two arguments at 1:{col}:10")
    );
    assert_eq!(
        err(&format!("{prefix}set_add(Other, 'x') WHERE pk = 'a'")),
        format!(
            "The second argument to SET_ADD must be a value with type SET at 1:{}:5",
            col + 8
        )
    );
}

#[test]
fn update_value_errors_use_dynamodb_messages() {
    assert_eq!(
        err(r#"UPDATE "Simple" SET a = b * 2 WHERE pk = 'a'"#),
        "Unsupported operator in Update Expression. Operator: *"
    );
    assert_eq!(
        err(r#"UPDATE "Simple" SET a = b - 1 + 2 WHERE pk = 'a'"#),
        "Unsupported operator in Update Expression. Operator: +"
    );
    assert_eq!(
        err(r#"UPDATE "Simple" SET a = b + (c - 2) WHERE pk = 'a'"#),
        "Unsupported operator in Update Expression. Operator: -"
    );
    assert_eq!(
        err(r#"UPDATE "Simple" SET a = b IS NULL WHERE pk = 'a'"#),
        IS_IN_UPDATE
    );
    assert_eq!(
        err(r#"UPDATE "Simple" SET a = MISSING WHERE pk = 'a'"#),
        MISSING_COMPARED
    );
    assert_eq!(
        err(r#"UPDATE "Simple" SET a = nope(b) WHERE pk = 'a'"#),
        "Unrecognized function: nope"
    );
    assert_eq!(
        err(r#"UPDATE "Simple" SET 'a' = 1 WHERE pk = 'a'"#),
        "Unrecognized assignment target: \"a\""
    );
}

// --- DELETE ------------------------------------------------------------------------

#[test]
fn delete_is_a_delete_item_on_the_where_key() {
    let w = write(r#"DELETE FROM "Composite" WHERE pk = 'a' AND sk = 1"#);
    assert_eq!(w.operation, "DeleteItem");
    assert_eq!(
        w.request,
        json!({"TableName": "Composite", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}})
    );
}

#[test]
fn delete_conditions_apply_only_to_an_existing_item() {
    let w = write(
        r#"DELETE FROM "Simple" WHERE pk = 'a' AND x = 1 AND NOT begins_with(y, 'z') RETURNING ALL OLD *"#,
    );
    assert_eq!(
        w.request,
        json!({
            "TableName": "Simple",
            "Key": {"pk": {"S": "a"}},
            "ConditionExpression": "attribute_not_exists(#n0) OR #n1 = :v0 AND NOT (begins_with(#n2, :v1))",
            "ExpressionAttributeNames": {"#n0": "pk", "#n1": "x", "#n2": "y"},
            "ExpressionAttributeValues": {":v0": {"N": "1"}, ":v1": {"S": "z"}},
            "ReturnValues": "ALL_OLD"
        })
    );
    assert_eq!(w.transact_item()["Delete"].get("ReturnValues"), None);
}

#[test]
fn delete_allows_only_returning_all_old() {
    for clause in ["MODIFIED OLD", "ALL NEW", "MODIFIED NEW"] {
        assert_eq!(
            err(&format!(
                r#"DELETE FROM "Simple" WHERE pk = 'a' RETURNING {clause} *"#
            )),
            format!(
                "Invalid returning clause: RETURNING {clause} *. Only RETURNING ALL OLD * is allowed in DELETE statements."
            )
        );
    }
    assert_eq!(
        err(r#"DELETE FROM "Simple" WHERE x = 'alpha'"#),
        MANDATORY_KEY
    );
    assert_eq!(err(r#"DELETE FROM "Simple""#), MANDATORY_KEY);
}

// --- Tables ------------------------------------------------------------------------

#[test]
fn a_missing_table_is_resource_not_found() {
    let e = run(
        Usage::Statement,
        r#"SELECT * FROM "Nowhere" WHERE pk = 'a'"#,
        &[],
    )
    .unwrap_err();
    assert_eq!(e.kind, crate::error::ErrorKind::ResourceNotFoundException);
    assert_eq!(e.message, "Requested resource not found");
    let e = run(
        Usage::Statement,
        r#"FROM "Nowhere" WHERE pk = 'x' SET c = 1"#,
        &[],
    )
    .unwrap_err();
    assert_eq!(e.message, "Requested resource not found");
}

#[test]
fn literal_errors_come_before_the_table_lookup() {
    assert_eq!(
        err(r#"INSERT INTO "Nowhere" VALUE {'pk': 1e126}"#),
        "Number overflow. Attempting to store a number with magnitude larger than supported range under root"
    );
}

#[test]
fn table_names_must_be_valid() {
    assert_eq!(err(r#"SELECT * FROM "ab""#), TABLE_NAME);
    assert_eq!(err(r#"SELECT * FROM "a b c""#), TABLE_NAME);
}

// --- Batches and transactions -------------------------------------------------------

#[test]
fn exists_outside_a_transaction_is_refused() {
    let statement = r#"EXISTS(SELECT * FROM "Simple" WHERE pk = 'a' AND x IS MISSING)"#;
    assert_eq!(
        run(Usage::Statement, statement, &[]).unwrap_err().message,
        EXISTS_OUTSIDE_TRANSACTION
    );
    assert_eq!(
        run(Usage::Batch, statement, &[]).unwrap_err().message,
        EXISTS_OUTSIDE_TRANSACTION
    );
}

#[test]
fn exists_is_a_condition_check_on_an_existing_item() {
    let t = run(
        Usage::Transaction,
        r#"EXISTS(SELECT * FROM "Composite" WHERE pk = 'x1' AND sk = 1 AND Awards IS MISSING)"#,
        &[],
    )
    .unwrap();
    let Translation::Check(c) = t else { panic!() };
    assert_eq!(
        c.transact_item(),
        json!({"ConditionCheck": {
            "TableName": "Composite",
            "Key": {"pk": {"S": "x1"}, "sk": {"N": "1"}},
            "ConditionExpression": "attribute_exists(#n0) AND attribute_not_exists(#n1)",
            "ExpressionAttributeNames": {"#n0": "pk", "#n1": "Awards"}
        }})
    );
}

#[test]
fn exists_needs_the_key_and_another_condition() {
    let e = |s: &str| run(Usage::Transaction, s, &[]).unwrap_err().message;
    assert_eq!(
        e(r#"EXISTS(SELECT * FROM "Composite" WHERE pk = 'x1' AND sk = 1)"#),
        EXISTS_SHAPE
    );
    assert_eq!(
        e(r#"EXISTS(SELECT * FROM "Composite" WHERE pk = 'x1' AND a = 1)"#),
        EXISTS_SHAPE
    );
    assert_eq!(e(r#"EXISTS(SELECT * FROM "Composite")"#), EXISTS_SHAPE);
    assert_eq!(
        e(r#"EXISTS(SELECT * FROM "Composite"."ByDate" WHERE pk = 'x1' AND a = 1)"#),
        TRANSACTION_INDEX_CHECK
    );
}

#[test]
fn selects_in_batches_and_transactions_are_single_item_gets() {
    let t = run(
        Usage::Transaction,
        r#"SELECT a, b.c FROM "Composite" WHERE sk = 2 AND pk = 'k'"#,
        &[],
    )
    .unwrap();
    let Translation::Get(g) = t else { panic!() };
    assert_eq!(
        g.transact_item(),
        json!({"Get": {
            "TableName": "Composite",
            "Key": {"pk": {"S": "k"}, "sk": {"N": "2"}},
            "ProjectionExpression": "#n0, #n1.#n2",
            "ExpressionAttributeNames": {"#n0": "a", "#n1": "b", "#n2": "c"}
        }})
    );
    let t = run(
        Usage::Batch,
        r#"SELECT * FROM "Simple" WHERE pk = 'k'"#,
        &[],
    )
    .unwrap();
    assert_eq!(
        t,
        Translation::Get(GetPlan {
            table: "Simple".into(),
            request: json!({"TableName": "Simple", "Key": {"pk": {"S": "k"}}}),
            projection: None
        })
    );
}

#[test]
fn selects_in_batches_and_transactions_refuse_anything_but_the_key() {
    let e = |u: Usage, s: &str| run(u, s, &[]).unwrap_err().message;
    assert_eq!(
        e(Usage::Batch, r#"SELECT * FROM "Composite" WHERE pk = 'k'"#),
        BATCH_SELECT
    );
    assert_eq!(
        e(
            Usage::Batch,
            r#"SELECT * FROM "Simple" WHERE pk = 'k' AND x = 1"#
        ),
        BATCH_SELECT
    );
    assert_eq!(
        e(
            Usage::Transaction,
            r#"SELECT * FROM "Simple" WHERE pk > 'k'"#
        ),
        TRANSACTION_SELECT
    );
    assert_eq!(
        e(
            Usage::Transaction,
            r#"SELECT * FROM "Composite"."ByDate" WHERE pk = 'k'"#
        ),
        TRANSACTION_INDEX_READ
    );
    assert_eq!(
        e(Usage::Transaction, r#"SELECT * FROM "Simple" WHERE pk = 2"#),
        "Key attribute's data type should match its data type in table's schema: Key pk"
    );
}

// --- The engine reads what we write ----------------------------------------------

/// Parses every expression of a request with the engine's own expression module, as
/// the operation will, and refuses unused placeholders.
pub(crate) fn engine_reads(body: &Value) -> Result<(), DynamoError> {
    use crate::expr::{self, ExpressionKind, Substitutions};
    let names: Option<std::collections::BTreeMap<String, String>> = body
        .get("ExpressionAttributeNames")
        .map(|n| serde_json::from_value(n.clone()).expect("names are strings"));
    let values: Option<Item> = body
        .get("ExpressionAttributeValues")
        .map(|v| item_from_json(&v.to_string()))
        .transpose()?;
    let mut subs = Substitutions::new(names.as_ref(), values.as_ref())?;
    let text = |member: &str| body.get(member).and_then(Value::as_str);
    if let Some(t) = text("KeyConditionExpression") {
        expr::parse_key_condition(t, &mut subs)?;
    }
    if let Some(t) = text("FilterExpression") {
        expr::parse_condition(t, ExpressionKind::Filter, &mut subs)?;
    }
    if let Some(t) = text("ConditionExpression") {
        expr::parse_condition(t, ExpressionKind::Condition, &mut subs)?;
    }
    if let Some(t) = text("UpdateExpression") {
        expr::parse_update(t, &mut subs)?;
    }
    if let Some(t) = text("ProjectionExpression") {
        expr::parse_projection(t, &mut subs)?;
    }
    subs.finish()
}

fn bodies(t: &Translation) -> Vec<Value> {
    match t {
        Translation::Read(p) => p.requests.iter().map(|(_, b)| b.clone()).collect(),
        Translation::Get(p) => vec![p.request.clone()],
        Translation::Write(p) => vec![p.request.clone()],
        Translation::Check(p) => vec![p.request.clone()],
    }
}

#[test]
fn the_engine_parses_every_expression_we_emit() {
    let statements = [
        (
            Usage::Statement,
            r#"SELECT a, b.c[2], "x y" FROM "Composite" WHERE pk = 'a' AND sk BETWEEN 1 AND 3 AND (x = 1 OR NOT y IS MISSING) ORDER BY sk DESC"#,
        ),
        (
            Usage::Statement,
            r#"SELECT * FROM "Composite"."ByDate" WHERE pk IN ['a', 'b'] AND begins_with("date", '2') AND size(l) >= 2 AND contains(t, 'q')"#,
        ),
        (
            Usage::Statement,
            r#"SELECT * FROM "Simple" WHERE NOT (a IN (1, 2, 3)) AND b NOT BETWEEN 'a' AND 'c' OR c IS NOT NULL AND d IS LIST"#,
        ),
        (
            Usage::Statement,
            r#"SELECT * FROM "Simple" WHERE attribute_type(a, 'N') AND attribute_exists(b) AND attribute_not_exists(c.d[0])"#,
        ),
        (
            Usage::Statement,
            r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk < 1 OR pk = 'b' AND (x <> 1 OR y = 2)"#,
        ),
        (
            Usage::Statement,
            r#"SELECT * FROM "Composite" WHERE pk = 'a' AND sk > 1 AND sk < 5 AND NOT NOT a = 1"#,
        ),
        (
            Usage::Statement,
            r#"INSERT INTO "Composite" VALUE {'pk': 'a', 'sk': 1, 'm': {'l': [<<'a'>>, NULL, TRUE]}}"#,
        ),
        (
            Usage::Statement,
            r#"UPDATE "Composite" SET a = 1, b.c[0] = 'x' SET n = n - 1, o = if_not_exists(o, 0) + 1, l = list_append([0], l) REMOVE r[1] SET s = set_delete(s, <<1>>) WHERE pk = 'a' AND sk = 1 AND (v = 1 OR w IS MISSING) RETURNING MODIFIED OLD *"#,
        ),
        (
            Usage::Statement,
            r#"DELETE FROM "Composite" WHERE sk = 1 AND pk = 'a' AND (x = 1 OR y = 2) AND z IS NULL"#,
        ),
        (Usage::Batch, r#"SELECT a FROM "Simple" WHERE pk = 'a'"#),
        (
            Usage::Transaction,
            r#"EXISTS(SELECT * FROM "Composite" WHERE pk = 'a' AND sk = 1 AND (a = 1 OR b = 2))"#,
        ),
    ];
    for (usage, statement) in statements {
        let t = run(usage, statement, &[]).unwrap_or_else(|e| panic!("{statement}: {e}"));
        for body in bodies(&t) {
            engine_reads(&body).unwrap_or_else(|e| panic!("{statement}\n{body}\n{e}"));
        }
    }
}

// --- Shaping -----------------------------------------------------------------------

fn item(json: &str) -> Item {
    item_from_json(json).unwrap()
}

fn paths(statement: &str) -> Vec<DocPath> {
    match ok(statement) {
        Translation::Read(plan) => plan.projection.unwrap(),
        _ => panic!(),
    }
}

#[test]
fn nested_selections_come_back_under_their_last_name() {
    let projected = item(
        r#"{"pk":{"S":"k"},"mymap":{"M":{"nested":{"S":"deep"}}},"l":{"L":[{"S":"b"},{"S":"d"}]}}"#,
    );
    let shaped = unnest(
        &projected,
        &paths(r#"SELECT pk, mymap.nested, l[1], l[3] FROM "Simple""#),
    );
    assert_eq!(
        shaped,
        item(r#"{"pk":{"S":"k"},"nested":{"S":"deep"},"l[1]":{"S":"b"},"l[3]":{"S":"d"}}"#)
    );
}

#[test]
fn list_indexes_below_a_map_key_keep_the_key_name() {
    let projected = item(r#"{"a":{"M":{"b":{"L":[{"N":"7"}]}}}}"#);
    assert_eq!(
        unnest(&projected, &paths(r#"SELECT a.b[2] FROM "Simple""#)),
        item(r#"{"b[2]":{"N":"7"}}"#)
    );
}

#[test]
fn missing_selections_are_left_out() {
    let projected = item(r#"{"pk":{"S":"k"}}"#);
    assert_eq!(
        unnest(&projected, &paths(r#"SELECT pk, x.y FROM "Simple""#)),
        item(r#"{"pk":{"S":"k"}}"#)
    );
}

#[test]
fn select_star_items_are_returned_unchanged() {
    let Translation::Read(plan) = ok(r#"SELECT * FROM "Simple""#) else {
        panic!()
    };
    let it = item(r#"{"pk":{"S":"k"},"m":{"M":{"a":{"N":"1"}}}}"#);
    assert_eq!(plan.shape_item(&it), it);
}
