//! Responses printed as AWS CLI v2 prints them: JSON in the model's order, text, tables,
//! --query, paging, errors and retries.

mod support;

use support::Console;

fn put(console: &mut Console, pk: &str, sk: u32) {
    console.ok(&format!(
        "aws dynamodb put-item --table-name tbl --item pk={{S={pk}}},sk={{N={sk}}}"
    ));
}

#[test]
fn json_output_is_indented_by_four_in_the_models_member_order() {
    let mut console = Console::with_table();
    put(&mut console, "a", 1);
    let out = console.ok("aws dynamodb get-item --table-name tbl --key pk={S=a},sk={N=1} --return-consumed-capacity TOTAL");
    assert_eq!(
        out,
        "{\n    \"Item\": {\n        \"pk\": {\n            \"S\": \"a\"\n        },\n        \"sk\": {\n            \"N\": \"1\"\n        }\n    },\n    \"ConsumedCapacity\": {\n        \"TableName\": \"tbl\",\n        \"CapacityUnits\": 0.5\n    }\n}\n"
    );
}

#[test]
fn an_empty_response_prints_nothing() {
    let mut console = Console::with_table();
    assert_eq!(
        console.ok("aws dynamodb put-item --table-name tbl --item pk={S=a},sk={N=1}"),
        ""
    );
}

#[test]
fn paged_text_output_prints_each_page_with_consumed_capacity_on_the_first() {
    let mut console = Console::with_table();
    for sk in 1..=5 {
        put(&mut console, "a", sk);
    }
    let sent_before = console.sent.len();
    let out = console.ok("aws dynamodb scan --table-name tbl --page-size 2 --query '[Count, ScannedCount, ConsumedCapacity, length(Items)]' --output text");
    // Text prints page by page, --query applied to each; ConsumedCapacity rides on the first.
    assert_eq!(out, "2\t2\tNone\t2\n2\t2\tNone\t2\n1\t1\tNone\t1\n");
    assert_eq!(console.sent.len() - sent_before, 3, "three pages of two");
}

#[test]
fn max_items_cuts_the_results_and_the_next_token_resumes_them() {
    let mut console = Console::with_table();
    for sk in 1..=5 {
        put(&mut console, "a", sk);
    }
    let out = console.ok("aws dynamodb query --table-name tbl --key-condition-expression 'pk = :p' --expression-attribute-values '{\":p\":{\"S\":\"a\"}}' --page-size 2 --max-items 3 --query '{items: Items[].sk.N, token: NextToken}'");
    let printed: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(printed["items"], serde_json::json!(["1", "2", "3"]));
    let token = printed["token"].as_str().expect("a next token");
    let rest = console.ok(&format!("aws dynamodb query --table-name tbl --key-condition-expression 'pk = :p' --expression-attribute-values '{{\":p\":{{\"S\":\"a\"}}}}' --page-size 2 --starting-token {token} --query 'Items[].sk.N' --output text"));
    assert_eq!(
        rest, "4\n5\n",
        "one item left of the cut page, then the last page"
    );
}

#[test]
fn limit_turns_paging_off() {
    let mut console = Console::with_table();
    for sk in 1..=3 {
        put(&mut console, "a", sk);
    }
    let out = console.ok("aws dynamodb scan --table-name tbl --limit 1 --query '[Count, LastEvaluatedKey.sk.N]' --output text");
    assert_eq!(out, "1\t1\n");
}

#[test]
fn text_output_heads_nested_values_with_their_upper_cased_key() {
    let mut console = Console::with_table();
    put(&mut console, "a", 1);
    let out =
        console.ok("aws dynamodb get-item --table-name tbl --key pk={S=a},sk={N=1} --output text");
    assert_eq!(out, "PK\ta\nSK\t1\n");
}

#[test]
fn list_tables_as_a_table() {
    let mut console = Console::with_table();
    let out = console.ok("aws dynamodb list-tables --output table");
    assert_eq!(
        out,
        "--------------\n| ListTables |\n+------------+\n||TableNames||\n|+----------+|\n||  tbl     ||\n|+----------+|\n"
    );
}

#[test]
fn timestamps_print_as_iso_8601() {
    let mut console = Console::with_table();
    let out = console.ok(
        "aws dynamodb describe-table --table-name tbl --query Table.CreationDateTime --output text",
    );
    assert!(
        out.len() >= 25 && out.contains('T') && out.trim_end().ends_with("+00:00"),
        "{out}"
    );
}

#[test]
fn service_errors_print_as_the_cli_prints_them() {
    let printed = Console::new().run("aws dynamodb describe-table --table-name missing");
    assert_eq!(printed.exit_code, 254);
    assert_eq!(
        printed.stderr,
        "\nAn error occurred (ResourceNotFoundException) when calling the DescribeTable operation: Requested resource not found: Table: missing not found\n"
    );
}

#[test]
fn conditional_check_failures_print_the_code_and_message() {
    let mut console = Console::with_table();
    put(&mut console, "a", 1);
    let printed = console.run("aws dynamodb put-item --table-name tbl --item pk={S=a},sk={N=1} --condition-expression 'attribute_not_exists(pk)'");
    assert_eq!(printed.exit_code, 254);
    assert!(printed.stderr.contains("(ConditionalCheckFailedException) when calling the PutItem operation: The conditional request failed"), "{}", printed.stderr);
}

#[test]
fn python_floats_print_as_python_prints_them() {
    use dynoscope_cli::python_float;
    assert_eq!(python_float(1.0), "1.0");
    assert_eq!(python_float(0.5), "0.5");
    assert_eq!(python_float(1e16), "1e+16");
    assert_eq!(python_float(0.0001), "0.0001");
    assert_eq!(python_float(0.00001), "1e-05");
    assert_eq!(python_float(123456.789), "123456.789");
}

#[test]
fn wait_table_exists_returns_quietly_once_the_table_is_active() {
    let mut console = Console::with_table();
    let printed = console.run("aws dynamodb wait table-exists --table-name tbl");
    assert_eq!(
        (
            printed.exit_code,
            printed.stdout.as_str(),
            printed.stderr.as_str()
        ),
        (0, "", "")
    );
}

#[test]
fn wait_table_not_exists_succeeds_on_the_error_it_expects() {
    let printed = Console::new().run("aws dynamodb wait table-not-exists --table-name gone");
    assert_eq!(printed.exit_code, 0, "{}", printed.stderr);
}

#[test]
fn a_wait_that_never_succeeds_gives_up_after_its_attempts_saying_what_it_last_saw() {
    let mut console = Console::new();
    let printed = console.run("aws dynamodb wait table-exists --table-name gone");
    assert_eq!(printed.exit_code, 255);
    assert_eq!(
        printed.stderr,
        "\nWaiter TableExists failed: Max attempts exceeded. Previously accepted state: Matched expected service error code: ResourceNotFoundException\n"
    );
    assert_eq!(console.sent.len(), 25, "TableExists asks 25 times");
}

#[test]
fn an_unknown_waiter_is_an_invalid_choice_listing_the_waiters() {
    let printed = Console::new().run("aws dynamodb wait table-gone --table-name tbl");
    assert_eq!(printed.exit_code, 252);
    assert!(
        printed.stderr.contains("table-exists") && printed.stderr.contains("table-not-exists"),
        "{}",
        printed.stderr
    );
}
