//! The JavaScript the generator writes, one rule per test: the SDK v3 client and command for
//! each service, binary values as `Uint8Array`s exactly where the model puts AttributeValues,
//! timestamps as `Date`s, keys and strings quoted so the object means what the request says,
//! and the layout, pinned whole by a snapshot.

use dynoscope_codegen::{Language, generate};
use serde_json::{Value, json};

fn javascript(operation: &str, request: Value) -> String {
    generate(Language::JavaScript, operation, &request).unwrap()
}

const HI: &str = r#"Uint8Array.from(atob("aGk="), (c) => c.charCodeAt(0))"#;

#[test]
fn a_put_item_is_written_whole() {
    let code = javascript(
        "PutItem",
        json!({
            "TableName": "t",
            "Item": {
                "pk": {"S": "a"},
                "n": {"N": "1"},
                "b": {"B": "aGk="},
                "doc": {"M": {"tags": {"SS": ["x", "y"]}, "list": {"L": [{"NULL": true}, {"BOOL": false}]}}},
            },
            "ConditionExpression": "attribute_not_exists(pk)",
        }),
    );
    assert_eq!(
        code,
        r#"import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";

const client = new DynamoDBClient({});
const response = await client.send(new PutItemCommand({
  TableName: "t",
  ConditionExpression: "attribute_not_exists(pk)",
  Item: {
    b: { B: Uint8Array.from(atob("aGk="), (c) => c.charCodeAt(0)) },
    doc: {
      M: {
        list: { L: [{ NULL: true }, { BOOL: false }] },
        tags: { SS: ["x", "y"] },
      },
    },
    n: { N: "1" },
    pk: { S: "a" },
  },
}));
console.log(JSON.stringify(response, null, 2));
"#
    );
}

#[test]
fn a_query_is_written_whole() {
    let code = javascript(
        "Query",
        json!({
            "TableName": "orders",
            "IndexName": "byStatus",
            "KeyConditionExpression": "#s = :s",
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": {":s": {"S": "shipped"}},
            "ExclusiveStartKey": {"status": {"S": "shipped"}, "pk": {"B": "AAE="}},
            "Limit": 25,
            "ScanIndexForward": false,
        }),
    );
    assert_eq!(
        code,
        r##"import { DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";

const client = new DynamoDBClient({});
const response = await client.send(new QueryCommand({
  TableName: "orders",
  ExclusiveStartKey: {
    pk: { B: Uint8Array.from(atob("AAE="), (c) => c.charCodeAt(0)) },
    status: { S: "shipped" },
  },
  ExpressionAttributeNames: { "#s": "status" },
  ExpressionAttributeValues: { ":s": { S: "shipped" } },
  IndexName: "byStatus",
  KeyConditionExpression: "#s = :s",
  Limit: 25,
  ScanIndexForward: false,
}));
console.log(JSON.stringify(response, null, 2));
"##
    );
}

#[test]
fn dynamodb_operations_use_the_dynamodb_client_and_the_operations_command() {
    let code = javascript("DescribeTimeToLive", json!({"TableName": "t"}));
    assert!(code.starts_with(
        "import { DynamoDBClient, DescribeTimeToLiveCommand } from \"@aws-sdk/client-dynamodb\";\n\nconst client = new DynamoDBClient({});\n"
    ));
    assert!(code.contains("await client.send(new DescribeTimeToLiveCommand({"));
}

#[test]
fn streams_operations_use_the_streams_client() {
    for operation in [
        "DescribeStream",
        "GetRecords",
        "GetShardIterator",
        "ListStreams",
    ] {
        let code = javascript(operation, json!({}));
        let import = format!(
            "import {{ DynamoDBStreamsClient, {operation}Command }} from \"@aws-sdk/client-dynamodb-streams\";"
        );
        assert!(code.starts_with(&import), "{code}");
        assert!(code.contains("new DynamoDBStreamsClient({})"), "{code}");
    }
}

#[test]
fn an_empty_request_sends_an_empty_command() {
    let code = javascript("ListTables", json!({}));
    assert!(
        code.contains("await client.send(new ListTablesCommand({}));\n"),
        "{code}"
    );
}

#[test]
fn the_program_logs_the_response_and_ends_with_a_newline() {
    let code = javascript("ListTables", json!({}));
    assert!(code.ends_with("\nconsole.log(JSON.stringify(response, null, 2));\n"));
}

#[test]
fn binary_values_become_uint8arrays_in_javascript() {
    let code = javascript(
        "GetItem",
        json!({"TableName": "t", "Key": {"pk": {"B": "aGk="}}}),
    );
    assert!(code.contains(&format!("pk: {{ B: {HI} }}")), "{code}");
    assert!(!code.contains("B: \"aGk=\""), "{code}");
}

#[test]
fn binary_sets_become_arrays_of_uint8arrays() {
    let code = javascript(
        "PutItem",
        json!({"TableName": "t", "Item": {"s": {"BS": ["aGk=", "aGk="]}}}),
    );
    assert!(
        code.contains(&format!("BS: [\n        {HI},\n        {HI},\n      ]")),
        "{code}"
    );
}

#[test]
fn binary_values_inside_maps_and_lists_are_decoded_at_any_depth() {
    let code = javascript(
        "PutItem",
        json!({"TableName": "t", "Item": {"a": {"M": {"b": {"L": [{"M": {"c": {"B": "aGk="}}}]}}}}}),
    );
    assert!(code.contains(&format!("c: {{ B: {HI} }}")), "{code}");
}

#[test]
fn binary_values_are_decoded_wherever_the_model_has_attribute_values() {
    let requests = [
        (
            "BatchGetItem",
            json!({"RequestItems": {"t": {"Keys": [{"k": {"B": "aGk="}}]}}}),
        ),
        (
            "BatchWriteItem",
            json!({"RequestItems": {"t": [
                {"PutRequest": {"Item": {"k": {"B": "aGk="}}}},
                {"DeleteRequest": {"Key": {"k": {"B": "aGk="}}}}
            ]}}),
        ),
        (
            "TransactWriteItems",
            json!({"TransactItems": [
                {"ConditionCheck": {"Key": {"k": {"B": "aGk="}}, "ExpressionAttributeValues": {":v": {"B": "aGk="}}}},
                {"Update": {"Key": {"k": {"B": "aGk="}}, "ExpressionAttributeValues": {":v": {"B": "aGk="}}}}
            ]}),
        ),
        (
            "TransactGetItems",
            json!({"TransactItems": [{"Get": {"Key": {"k": {"B": "aGk="}}}}]}),
        ),
        ("ExecuteStatement", json!({"Parameters": [{"B": "aGk="}]})),
        (
            "BatchExecuteStatement",
            json!({"Statements": [{"Parameters": [{"B": "aGk="}]}]}),
        ),
        (
            "ExecuteTransaction",
            json!({"TransactStatements": [{"Parameters": [{"B": "aGk="}]}]}),
        ),
        (
            "UpdateItem",
            json!({
                "AttributeUpdates": {"a": {"Value": {"B": "aGk="}}},
                "Expected": {"a": {"Value": {"B": "aGk="}, "AttributeValueList": [{"B": "aGk="}]}}
            }),
        ),
        (
            "Query",
            json!({
                "KeyConditions": {"k": {"AttributeValueList": [{"B": "aGk="}]}},
                "QueryFilter": {"a": {"AttributeValueList": [{"B": "aGk="}]}}
            }),
        ),
        (
            "Scan",
            json!({"ScanFilter": {"a": {"AttributeValueList": [{"B": "aGk="}]}}}),
        ),
    ];
    for (operation, request) in requests {
        let code = javascript(operation, request);
        assert!(
            !code.contains("\"aGk=\" }"),
            "{operation} left a base64 string:\n{code}"
        );
        assert!(code.contains(HI), "{operation}:\n{code}");
    }
}

#[test]
fn only_attribute_value_positions_hold_binary_values() {
    // A placeholder name "B" whose text happens to be base64: a string, not a binary value.
    let code = javascript(
        "GetItem",
        json!({"TableName": "t", "Key": {"pk": {"S": "a"}}, "ExpressionAttributeNames": {"B": "aGk="}}),
    );
    assert!(
        code.contains("ExpressionAttributeNames: { B: \"aGk=\" }"),
        "{code}"
    );
    assert!(!code.contains("atob"), "{code}");
}

#[test]
fn operations_without_attribute_values_never_hold_binary_values() {
    let code = javascript(
        "TagResource",
        json!({"ResourceArn": "arn", "Tags": [{"B": "aGk="}]}),
    );
    assert!(code.contains("Tags: [{ B: \"aGk=\" }]"), "{code}");
}

#[test]
fn operations_the_model_table_does_not_know_guess_binary_values_from_their_shape() {
    let code = javascript(
        "SomeNewOperation",
        json!({"Thing": {"B": "aGk="}, "Text": {"B": "not base64!"}, "Two": {"B": "aGk=", "S": "x"}}),
    );
    assert!(code.contains(&format!("Thing: {{ B: {HI} }}")), "{code}");
    assert!(code.contains("Text: { B: \"not base64!\" }"), "{code}");
    assert!(code.contains("Two: { B: \"aGk=\", S: \"x\" }"), "{code}");
}

#[test]
fn base64_keeps_the_standard_alphabet_and_padding() {
    let code = javascript("ExecuteStatement", json!({"Parameters": [{"B": "+/8="}]}));
    assert!(code.contains("atob(\"+/8=\")"), "{code}");
}

#[test]
fn timestamps_become_dates_in_javascript() {
    let code = javascript(
        "ListBackups",
        json!({"TimeRangeLowerBound": 1700000000, "TimeRangeUpperBound": "2024-01-01T00:00:00Z"}),
    );
    assert!(
        code.contains("TimeRangeLowerBound: new Date(1700000000 * 1000),"),
        "{code}"
    );
    assert!(
        code.contains("TimeRangeUpperBound: new Date(\"2024-01-01T00:00:00Z\"),"),
        "{code}"
    );
}

#[test]
fn keys_that_are_identifiers_are_bare_and_others_are_quoted() {
    let code = javascript(
        "PutItem",
        json!({"Item": {"plain_$1": {"S": "a"}, "has space": {"S": "b"}, "1st": {"S": "c"}, "ünï": {"S": "d"}, "": {"S": "e"}}}),
    );
    for key in [
        "plain_$1: ",
        "\"has space\": ",
        "\"1st\": ",
        "\"ünï\": ",
        "\"\": ",
    ] {
        assert!(code.contains(key), "{key} in\n{code}");
    }
}

#[test]
fn a_proto_key_is_written_as_a_computed_key_so_it_stays_a_property() {
    let code = javascript("PutItem", json!({"Item": {"__proto__": {"S": "a"}}}));
    assert!(code.contains("[\"__proto__\"]: { S: \"a\" }"), "{code}");
}

#[test]
fn javascript_strings_are_json_escaped() {
    let code = javascript(
        "PutItem",
        json!({"Item": {"k": {"S": "say \"hi\"\\\n\ttab\r\u{1}\u{7f}\u{2028}\u{202e}"}}}),
    );
    assert!(
        code.contains(r#"S: "say \"hi\"\\\n\ttab\r\u0001\u007f\u2028\u202e""#),
        "{code}"
    );
}

#[test]
fn non_ascii_characters_are_written_as_themselves() {
    let code = javascript("PutItem", json!({"Item": {"k": {"S": "Zoë ✓ 日本 🎉"}}}));
    assert!(code.contains("S: \"Zoë ✓ 日本 🎉\""), "{code}");
}

#[test]
fn numbers_booleans_and_null_are_written_as_json() {
    let code = javascript(
        "Scan",
        json!({"TableName": "t", "Limit": 10, "Segment": 0, "ConsistentRead": true, "Weird": null, "Ratio": 1.5}),
    );
    for line in [
        "Limit: 10,",
        "Segment: 0,",
        "ConsistentRead: true,",
        "Weird: null,",
        "Ratio: 1.5,",
    ] {
        assert!(code.contains(line), "{line} in\n{code}");
    }
}

#[test]
fn a_map_wider_than_sixty_characters_is_written_one_member_per_line() {
    let narrow = javascript(
        "GetItem",
        json!({"Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}),
    );
    assert!(
        narrow.contains("  Key: { pk: { S: \"a\" }, sk: { N: \"1\" } },\n"),
        "{narrow}"
    );
    let wide = javascript(
        "GetItem",
        json!({"Key": {"pk": {"S": "a fairly long partition key value"}, "sk": {"N": "1"}}}),
    );
    assert!(
        wide.contains("  Key: {\n    pk: { S: \"a fairly long partition key value\" },\n    sk: { N: \"1\" },\n  },\n"),
        "{wide}"
    );
}

#[test]
fn the_table_name_comes_first() {
    let code = javascript(
        "DeleteItem",
        json!({"Key": {"pk": {"S": "a"}}, "TableName": "t"}),
    );
    let table = code.find("TableName").unwrap();
    assert!(table < code.find("Key:").unwrap(), "{code}");
}
