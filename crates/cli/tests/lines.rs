//! Requests written as CLI lines read back to the same request, and Tab suggestions.

use dynoscope_cli::{complete, request_of, to_line};
use serde_json::{Value, json};

fn round_trip(operation: &str, request: Value) {
    let line = to_line(operation, &request).unwrap_or_else(|e| panic!("{e}"));
    let (op, back) =
        request_of(&line, &Default::default()).unwrap_or_else(|p| panic!("{line}\n{}", p.stderr));
    assert_eq!((op.as_str(), &back), (operation, &request), "{line}");
}

#[test]
fn a_put_with_every_attribute_type_reads_back_the_same() {
    round_trip(
        "PutItem",
        json!({"TableName": "tbl", "Item": {"pk": {"S": "it's \"quoted\"\nand multi-line"}, "n": {"N": "1.5"}, "b": {"B": "aGk="},
            "ss": {"SS": ["a", "b"]}, "m": {"M": {"x": {"NULL": true}, "l": {"L": [{"BOOL": false}]}}}},
            "ConditionExpression": "attribute_not_exists(pk)", "ReturnValues": "ALL_OLD"}),
    );
}

#[test]
fn flags_numbers_and_word_lists_read_back_the_same() {
    round_trip(
        "GetItem",
        json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}}, "ConsistentRead": false, "AttributesToGet": ["a", "b c"]}),
    );
    round_trip(
        "Scan",
        json!({"TableName": "tbl", "Limit": 5, "Segment": 0, "TotalSegments": 2}),
    );
}

#[test]
fn paged_commands_that_do_not_page_themselves_get_no_paginate() {
    let line = to_line(
        "Query",
        &json!({"TableName": "tbl", "KeyConditionExpression": "pk = :p"}),
    )
    .unwrap();
    assert!(line.trim_end().ends_with("--no-paginate"), "{line}");
    let line = to_line("Query", &json!({"TableName": "tbl", "Limit": 1})).unwrap();
    assert!(!line.contains("--no-paginate"), "{line}");
}

#[test]
fn streams_requests_become_dynamodbstreams_lines() {
    let line = to_line("GetShardIterator", &json!({"StreamArn": "arn:aws:dynamodb:us-east-1:000000000000:table/tbl/stream/x", "ShardId": "s", "ShardIteratorType": "TRIM_HORIZON"})).unwrap();
    assert!(
        line.starts_with("aws dynamodbstreams get-shard-iterator"),
        "{line}"
    );
}

#[test]
fn dynoscopes_own_operations_have_no_cli_line() {
    let error = to_line("Dynoscope_AdvanceClock", &json!({})).unwrap_err();
    assert!(error.contains("Dynoscope's own operation"), "{error}");
}

#[test]
fn unknown_parameters_have_no_cli_line() {
    assert!(
        to_line("GetItem", &json!({"TableName": "tbl", "Bogus": 1}))
            .unwrap_err()
            .contains("Bogus")
    );
}

#[test]
fn tab_completes_commands_by_prefix() {
    let c = complete("aws dynamodb put-", &[]);
    assert_eq!(
        c.candidates,
        vec!["put-item".to_owned(), "put-resource-policy".to_owned()]
    );
    assert_eq!(c.start, "aws dynamodb ".len());
}

#[test]
fn tab_completes_options_not_yet_given() {
    let c = complete("aws dynamodb get-item --table-name tbl --con", &[]);
    assert_eq!(c.candidates, vec!["--consistent-read".to_owned()]);
    let c = complete(
        "aws dynamodb get-item --table-name tbl --consistent-read --",
        &[],
    );
    assert!(!c.candidates.contains(&"--table-name".to_owned()));
}

#[test]
fn tab_completes_enumerated_values_and_table_names() {
    assert_eq!(
        complete("aws dynamodb put-item --return-values ALL_", &[]).candidates,
        vec!["ALL_OLD".to_owned(), "ALL_NEW".to_owned()]
    );
    assert_eq!(
        complete(
            "aws dynamodb scan --table-name Or",
            &["Orders".into(), "Users".into()]
        )
        .candidates,
        vec!["Orders".to_owned()]
    );
    assert_eq!(
        complete("aws dynamodb scan --output t", &[]).candidates,
        vec!["text".to_owned(), "table".to_owned()]
    );
}

#[test]
fn a_log_entry_escapes_the_line_and_what_it_printed() {
    let printed = dynoscope_cli::Printed::error(254, "\nAn error occurred (X) <b>\n".into());
    let html = dynoscope_cli::html::entry("aws dynamodb scan --table-name '<t>'", &printed, &[]);
    assert!(!html.contains("<b>") && !html.contains("'<t>'"), "{html}");
    assert!(
        html.contains("data-exit-code=\"254\"") && html.contains("cli-entry failed"),
        "{html}"
    );
}

#[test]
fn tab_completes_waiters_and_their_options() {
    assert_eq!(
        complete("aws dynamodb wait table-n", &[]).candidates,
        vec!["table-not-exists".to_owned()]
    );
    assert!(
        complete("aws dynamodb wait table-exists --tab", &[])
            .candidates
            .contains(&"--table-name".to_owned())
    );
}
