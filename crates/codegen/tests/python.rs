//! The Python the generator writes, one rule per test: boto3's low-level client for each
//! service, botocore's snake_case method names, binary values as `bytes` literals, Python's
//! own literals and string escapes, members that cannot be keyword arguments, and the
//! layout, pinned whole by a snapshot.

use dynoscope_codegen::{Language, generate};
use serde_json::{Value, json};

fn python(operation: &str, request: Value) -> String {
    generate(Language::Python, operation, &request).unwrap()
}

/// The method a program calls: `client.<method>(`.
fn method(operation: &str) -> String {
    let code = python(operation, json!({}));
    let start = code.find("client.").unwrap() + "client.".len();
    code[start..code[start..].find('(').unwrap() + start].to_owned()
}

#[test]
fn a_put_item_is_written_whole() {
    let code = python(
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
        r#"import boto3

client = boto3.client("dynamodb")
response = client.put_item(
    TableName="t",
    ConditionExpression="attribute_not_exists(pk)",
    Item={
        "b": {"B": b"hi"},
        "doc": {
            "M": {
                "list": {"L": [{"NULL": True}, {"BOOL": False}]},
                "tags": {"SS": ["x", "y"]},
            },
        },
        "n": {"N": "1"},
        "pk": {"S": "a"},
    },
)
print(response)
"#
    );
}

#[test]
fn a_transact_write_is_written_whole() {
    let code = python(
        "TransactWriteItems",
        json!({
            "TransactItems": [
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "a"}, "data": {"B": "AP8="}}}},
                {"Delete": {"TableName": "t", "Key": {"pk": {"S": "b"}}}},
            ],
            "ReturnConsumedCapacity": "TOTAL",
        }),
    );
    assert_eq!(
        code,
        r#"import boto3

client = boto3.client("dynamodb")
response = client.transact_write_items(
    ReturnConsumedCapacity="TOTAL",
    TransactItems=[
        {
            "Put": {
                "Item": {"data": {"B": b"\x00\xff"}, "pk": {"S": "a"}},
                "TableName": "t",
            },
        },
        {"Delete": {"Key": {"pk": {"S": "b"}}, "TableName": "t"}},
    ],
)
print(response)
"#
    );
}

#[test]
fn dynamodb_operations_use_the_dynamodb_client() {
    let code = python("GetItem", json!({}));
    assert!(
        code.starts_with("import boto3\n\nclient = boto3.client(\"dynamodb\")\n"),
        "{code}"
    );
}

#[test]
fn streams_operations_use_the_dynamodbstreams_client() {
    for operation in [
        "DescribeStream",
        "GetRecords",
        "GetShardIterator",
        "ListStreams",
    ] {
        let code = python(operation, json!({}));
        assert!(
            code.contains("client = boto3.client(\"dynamodbstreams\")\n"),
            "{code}"
        );
    }
}

#[test]
fn method_names_are_botocores_snake_case() {
    for (operation, expected) in [
        ("PutItem", "put_item"),
        ("DescribeTimeToLive", "describe_time_to_live"),
        ("BatchExecuteStatement", "batch_execute_statement"),
        ("ListStreams", "list_streams"),
        ("GetShardIterator", "get_shard_iterator"),
        (
            "DescribeKinesisStreamingDestination",
            "describe_kinesis_streaming_destination",
        ),
        (
            "UpdateTableReplicaAutoScaling",
            "update_table_replica_auto_scaling",
        ),
        // botocore's special case for a trailing acronym's plural, and a run of capitals.
        ("ListARNs", "list_arns"),
        ("GetHTTPResponse", "get_http_response"),
    ] {
        assert_eq!(method(operation), expected);
    }
}

#[test]
fn an_empty_request_calls_the_method_without_arguments() {
    let code = python("ListTables", json!({}));
    assert!(
        code.contains("response = client.list_tables()\nprint(response)\n"),
        "{code}"
    );
}

#[test]
fn binary_values_become_bytes_literals_in_python() {
    let code = python(
        "GetItem",
        json!({"TableName": "t", "Key": {"pk": {"B": "aGk="}, "sk": {"BS": ["AAEC", "/w=="]}}}),
    );
    assert!(code.contains(r#""pk": {"B": b"hi"}"#), "{code}");
    assert!(
        code.contains(r#""sk": {"BS": [b"\x00\x01\x02", b"\xff"]}"#),
        "{code}"
    );
}

#[test]
fn bytes_literals_escape_quotes_backslashes_and_whitespace() {
    // "a\"b\\c\n\r\t~\x7f" as base64.
    let code = python(
        "ExecuteStatement",
        json!({"Parameters": [{"B": "YSJiXGMKDQl+fw=="}]}),
    );
    assert!(code.contains(r#"{"B": b"a\"b\\c\n\r\t~\x7f"}"#), "{code}");
}

#[test]
fn python_strings_escape_quotes_and_newlines() {
    let code = python(
        "PutItem",
        json!({"Item": {"k": {"S": "say \"hi\"\\\nnext\ttab\r"}}}),
    );
    assert!(
        code.contains(r#"{"S": "say \"hi\"\\\nnext\ttab\r"}"#),
        "{code}"
    );
}

#[test]
fn python_strings_escape_characters_a_reader_cannot_see() {
    let code = python(
        "PutItem",
        json!({"Item": {"k": {"S": "\u{0}\u{1b}\u{7f}\u{85}\u{200b}\u{2028}\u{2029}\u{202e}\u{2066}\u{feff}"}}}),
    );
    assert!(
        code.contains(r#""\u0000\u001b\u007f\u0085\u200b\u2028\u2029\u202e\u2066\ufeff""#),
        "{code}"
    );
}

#[test]
fn python_writes_non_ascii_characters_as_themselves() {
    let code = python(
        "PutItem",
        json!({"Item": {"naïve": {"S": "Zoë ✓ 日本 🎉"}}}),
    );
    assert!(
        code.contains(r#""naïve": {"S": "Zoë ✓ 日本 🎉"}"#),
        "{code}"
    );
}

#[test]
fn python_literals_are_true_false_and_none() {
    let code = python(
        "Scan",
        json!({"ConsistentRead": true, "Item": {"a": {"BOOL": false}, "b": {"NULL": true}}, "X": null}),
    );
    assert!(code.contains("ConsistentRead=True,"), "{code}");
    assert!(code.contains(r#"{"BOOL": False}"#), "{code}");
    assert!(code.contains(r#"{"NULL": True}"#), "{code}");
    assert!(code.contains("X=None,"), "{code}");
}

#[test]
fn timestamps_stay_epoch_seconds_in_python() {
    let code = python("ListBackups", json!({"TimeRangeLowerBound": 1700000000.5}));
    assert!(code.contains("TimeRangeLowerBound=1700000000.5,"), "{code}");
}

#[test]
fn members_that_cannot_be_keyword_arguments_are_passed_in_a_dict() {
    let code = python(
        "PutItem",
        json!({"TableName": "t", "class": 1, "two words": 2, "ünï": 3, "Fine_1": 4}),
    );
    assert!(
        code.contains("    TableName=\"t\",\n    Fine_1=4,\n"),
        "{code}"
    );
    assert!(
        code.contains("    **{\"class\": 1, \"two words\": 2, \"ünï\": 3},\n"),
        "{code}"
    );
}

#[test]
fn a_dict_wider_than_sixty_characters_is_written_one_item_per_line() {
    let narrow = python(
        "GetItem",
        json!({"Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}),
    );
    assert!(
        narrow.contains("    Key={\"pk\": {\"S\": \"a\"}, \"sk\": {\"N\": \"1\"}},\n"),
        "{narrow}"
    );
    let wide = python(
        "GetItem",
        json!({"Key": {"pk": {"S": "a fairly long partition key value"}, "sk": {"N": "1"}}}),
    );
    assert!(
        wide.contains("    Key={\n        \"pk\": {\"S\": \"a fairly long partition key value\"},\n        \"sk\": {\"N\": \"1\"},\n    },\n"),
        "{wide}"
    );
}

#[test]
fn the_program_prints_the_response_and_ends_with_a_newline() {
    assert!(python("ListTables", json!({})).ends_with(")\nprint(response)\n"));
}
