//! Rules found by comparing the console with the real AWS CLI (tests/cli/test_awscli.py), each
//! pinned here where it is cheap to run: one test per rule, named after it.

mod support;

use support::Console;

const USAGE: &str = "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n";

fn with_items(count: u32) -> Console {
    let mut console = Console::with_table();
    for sk in 1..=count {
        console.ok(&format!(
            "aws dynamodb put-item --table-name tbl --item pk={{S=a}},sk={{N={sk}}}"
        ));
    }
    console
}

fn decoded(token: &str) -> String {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token.trim().trim_matches('"'))
        .expect("base64");
    String::from_utf8(bytes).expect("UTF-8")
}

#[test]
fn argparse_errors_print_between_blank_lines_with_exit_code_252() {
    let printed = Console::new().run("aws dynamodb put-item --table-name t");
    assert_eq!(printed.exit_code, 252);
    assert_eq!(
        printed.stderr,
        format!("\n{USAGE}\naws: error: the following arguments are required: --item\n\n")
    );
}

#[test]
fn unknown_options_follow_the_usage_without_aws_error_and_gather_every_word() {
    let printed = Console::new().run("aws --foo dynamodb list-tables --bar");
    assert_eq!(printed.exit_code, 252);
    assert_eq!(
        printed.stderr,
        format!("\n{USAGE}\nUnknown options: --foo, --bar\n\n")
    );
}

#[test]
fn required_options_are_checked_before_unknown_ones() {
    let printed = Console::new().run("aws dynamodb put-item --bogus --table-name t");
    assert!(
        printed
            .stderr
            .ends_with("aws: error: the following arguments are required: --item\n\n"),
        "{}",
        printed.stderr
    );
}

#[test]
fn unknown_options_are_refused_before_a_skeleton_is_written() {
    let printed = Console::new().run("aws dynamodb describe-table --generate-cli-skeleton --bogus");
    assert_eq!(printed.exit_code, 252);
    assert!(printed.stdout.is_empty());
    assert!(printed.stderr.contains("Unknown options: --bogus"));
}

#[test]
fn a_misspelt_command_lists_every_choice_padded_to_40_columns_and_the_close_ones() {
    let printed = Console::new().run("aws dynamodbstreams list-stream");
    assert_eq!(printed.exit_code, 252);
    assert_eq!(
        printed.stderr,
        format!(
            "\n{USAGE}\naws: error: argument operation: Invalid choice, valid choices are:\n\n\
             describe-stream                          | get-records                             \n\
             get-shard-iterator                       | list-streams                            \n\
             help                                    \n\n\n\
             Invalid choice: 'list-stream', maybe you meant:\n\n  * list-streams\n\n"
        )
    );
}

#[test]
fn close_matches_are_difflibs_with_a_cutoff_of_0_8() {
    // "scna" is close to "scan" by difflib's ratio (0.75 < 0.8): no suggestion.
    let printed = Console::new().run("aws dynamodb scna --table-name t");
    assert!(
        !printed.stderr.contains("maybe you meant"),
        "{}",
        printed.stderr
    );
    let printed = Console::new().run("aws dynamodb describe-tables");
    assert!(
        printed
            .stderr
            .contains("maybe you meant:\n\n  * describe-table\n"),
        "{}",
        printed.stderr
    );
}

#[test]
fn an_output_outside_the_choices_lists_v2s_choices() {
    let printed = Console::new().run("aws dynamodb list-tables --output jsn");
    assert_eq!(
        printed.stderr,
        format!(
            "\n{USAGE}\naws: error: argument --output: Invalid choice, valid choices are:\n\n\
             json                                     | text                                    \n\
             table                                    | yaml                                    \n\
             yaml-stream                              | off                                     \n\n\n\
             Invalid choice: 'jsn', maybe you meant:\n\n  * json\n\n"
        )
    );
}

#[test]
fn invalid_json_is_reported_with_pythons_json_error() {
    let cases = [
        (r#"{"pk": "#, "Expecting value: line 1 column 8 (char 7)"),
        (
            r#"{"pk": {"S": "a"},}"#,
            "Expecting property name enclosed in double quotes: line 1 column 19 (char 18)",
        ),
        (
            r#"{"pk": {"S": "a"}} x"#,
            "Extra data: line 1 column 20 (char 19)",
        ),
        (
            "{pk: 1}",
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        (
            r#"{"pk" 1}"#,
            "Expecting ':' delimiter: line 1 column 7 (char 6)",
        ),
        (
            r#"{"pk": 1 "x": 1}"#,
            "Expecting ',' delimiter: line 1 column 10 (char 9)",
        ),
        (
            "{\"pk\": \"a\tb\"}",
            "Invalid control character at: line 1 column 10 (char 9)",
        ),
        (
            r#"{"pk": "\q"}"#,
            "Invalid \\escape: line 1 column 9 (char 8)",
        ),
        (
            r#"{"pk": "ab"#,
            "Unterminated string starting at: line 1 column 8 (char 7)",
        ),
        (
            "{\"é\": [1,\n 2",
            "Expecting ',' delimiter: line 2 column 3 (char 12)",
        ),
    ];
    for (json, error) in cases {
        let printed = Console::new().run(&format!(
            "aws dynamodb get-item --table-name t --key '{json}'"
        ));
        assert_eq!(printed.exit_code, 252, "{json}");
        assert_eq!(
            printed.stderr,
            format!(
                "\nError parsing parameter '--key': Invalid JSON: {error}\nJSON received: {json}\n"
            ),
        );
    }
}

#[test]
fn a_structure_given_as_a_json_list_is_invalid_json() {
    let printed = Console::new().run("aws dynamodb batch-write-item --request-items '[1]'");
    assert_eq!(
        printed.stderr,
        "\nError parsing parameter '--request-items': Invalid JSON:\n[1]\n"
    );
}

#[test]
fn the_first_word_decides_between_json_and_shorthand_for_every_word() {
    let printed = Console::new().run(
        r#"aws dynamodb transact-get-items --transact-items '{"Get": {"TableName": "t", "Key": {"k": {"S": "a"}}}}' 'Get={TableName=t,Key={k={S=b}}}'"#,
    );
    assert_eq!(
        printed.stderr,
        "\nError parsing parameter '--transact-items': Invalid JSON:\nGet={TableName=t,Key={k={S=b}}}\n"
    );
}

#[test]
fn invalid_cli_input_json_is_reported_as_v2_reports_it() {
    let printed = Console::new().run(r#"aws dynamodb describe-table --cli-input-json '{"T": '"#);
    assert_eq!(printed.exit_code, 252);
    assert_eq!(
        printed.stderr,
        "\nError parsing parameter 'cli-input-json': Invalid JSON received.\n"
    );
    let printed = Console::new().run("aws dynamodb describe-table --cli-input-json '[1]'");
    assert_eq!(
        printed.stderr,
        "\nError parsing parameter '--cli-input-json': Invalid type: expecting map, received <class 'list'>\n"
    );
}

#[test]
fn integers_that_int_refuses_end_the_command_with_pythons_message() {
    let printed = Console::new().run("aws dynamodb scan --table-name t --limit abc");
    assert_eq!(printed.exit_code, 255);
    assert_eq!(
        printed.stderr,
        "\ninvalid literal for int() with base 10: 'abc'\n"
    );
    let printed = Console::new().run(
        "aws dynamodb update-table --table-name t --provisioned-throughput ReadCapacityUnits=x,WriteCapacityUnits=1",
    );
    assert_eq!(printed.exit_code, 255);
    assert_eq!(
        printed.stderr,
        "\ninvalid literal for int() with base 10: 'x'\n"
    );
}

#[test]
fn next_tokens_are_written_as_botocore_writes_them() {
    let mut console = with_items(3);
    let token = console.ok("aws dynamodb scan --table-name tbl --max-items 1 --query NextToken");
    assert_eq!(
        decoded(&token),
        r#"{"ExclusiveStartKey": null, "boto_truncate_amount": 1}"#
    );
    let mut console = with_items(5);
    let token = console
        .ok("aws dynamodb scan --table-name tbl --page-size 2 --max-items 3 --query NextToken");
    assert_eq!(
        decoded(&token),
        r#"{"ExclusiveStartKey": {"pk": {"S": "a"}, "sk": {"N": "2"}}, "boto_truncate_amount": 1}"#
    );
}

#[test]
fn a_starting_token_keeps_the_count_of_the_page_it_cuts_into() {
    let mut console = with_items(3);
    let token = console.ok("aws dynamodb scan --table-name tbl --max-items 1 --query NextToken");
    let out = console.ok(&format!(
        "aws dynamodb scan --table-name tbl --starting-token {} --query '[Count, Items[].sk.N]' --output text",
        token.trim().trim_matches('"')
    ));
    assert_eq!(out, "3\n2\t3\n");
}

#[test]
fn old_style_starting_tokens_are_read_as_botocore_reads_them() {
    let mut console = with_items(1);
    // Not base64 JSON: the value of the input token, here a string where a map belongs.
    let printed = console.run("aws dynamodb scan --table-name tbl --starting-token garbage");
    assert_eq!(printed.exit_code, 252);
    assert_eq!(
        printed.stderr,
        "\nParameter validation failed:\nInvalid type for parameter ExclusiveStartKey, value: garbage, type: <class 'str'>, valid types: <class 'dict'>\n"
    );
    // `value___skip`.
    let out = console.ok("aws dynamodb list-tables --starting-token abc___0 --output text");
    assert_eq!(out, "TABLENAMES\ttbl\n");
    let printed = console.run("aws dynamodb list-tables --starting-token a___b___c");
    assert_eq!(printed.exit_code, 255);
    assert_eq!(printed.stderr, "\nBad starting token: a___b___c\n");
}

#[test]
fn the_page_size_is_validated_as_the_limit_before_anything_is_sent() {
    let mut console = Console::with_table();
    let sent = console.sent.len();
    let printed = console.run("aws dynamodb scan --table-name tbl --page-size 0");
    assert_eq!(printed.exit_code, 252);
    assert_eq!(
        printed.stderr,
        "\nParameter validation failed:\nInvalid value for parameter Limit, value: 0, valid min value: 1\n"
    );
    assert_eq!(console.sent.len(), sent);
}

#[test]
fn non_positive_max_items_warn_and_cut_as_a_python_slice() {
    let mut console = with_items(3);
    let printed = console.run(
        "aws dynamodb scan --table-name tbl --max-items -1 --query '{items: Items[].sk.N, token: NextToken}'",
    );
    assert_eq!(printed.exit_code, 0);
    assert_eq!(
        printed.stderr,
        "warning: Non-positive values for --max-items may result in undefined behavior.\n"
    );
    // The last item cut, as `items[:-1]` cuts it, and a token that says so.
    let out: serde_json::Value = serde_json::from_str(&printed.stdout).expect("JSON");
    assert_eq!(out["items"], serde_json::json!(["1", "2"]));
    assert_eq!(
        decoded(out["token"].as_str().expect("a token")),
        r#"{"ExclusiveStartKey": null, "boto_truncate_amount": -1}"#
    );
}

#[test]
fn paging_options_are_refused_when_paging_is_off() {
    let printed =
        Console::new().run("aws dynamodb scan --table-name t --no-paginate --page-size 2");
    assert_eq!(printed.exit_code, 252);
    assert_eq!(
        printed.stderr,
        "\nCannot specify --no-paginate along with pagination arguments: --page-size\n"
    );
    let printed = Console::new().run("aws dynamodb scan --table-name t --limit 1 --max-items 2");
    assert_eq!(
        printed.stderr,
        "\nCannot specify --no-paginate along with pagination arguments: --max-items\n"
    );
}

#[test]
fn paging_parameters_in_cli_input_json_turn_paging_off() {
    let mut console = with_items(2);
    let out = console.ok(
        r#"aws dynamodb scan --table-name tbl --cli-input-json '{"Limit": 1}' --query '[Count, LastEvaluatedKey.sk.N, NextToken]' --output text"#,
    );
    assert_eq!(out, "1\t1\tNone\n");
}

#[test]
fn query_results_keep_the_expressions_order_and_the_models() {
    let mut console = Console::with_table();
    let out = console.ok(
        "aws dynamodb describe-table --table-name tbl --query 'Table.{Z: TableName, A: KeySchema[0].KeyType}'",
    );
    assert_eq!(out, "{\n    \"Z\": \"tbl\",\n    \"A\": \"HASH\"\n}\n");
    // A structure keeps botocore's order, the model's: AttributeName before AttributeType...
    let out = console.ok(
        "aws dynamodb describe-table --table-name tbl --query 'Table.[TableName, AttributeDefinitions[0]]' --output json",
    );
    assert!(
        out.contains("\"AttributeName\": \"pk\",\n        \"AttributeType\": \"S\""),
        "{out}"
    );
    // ...and TableDescription's members come in the model's order, not sorted.
    let out = console
        .ok("aws dynamodb describe-table --table-name tbl --query 'keys(Table)[:3]' --output text");
    assert_eq!(out, "AttributeDefinitions\tTableName\tKeySchema\n");
}

#[test]
fn query_functions_give_back_their_arguments_values_in_order() {
    let mut console = with_items(2);
    let out = console.ok(
        "aws dynamodb describe-table --table-name tbl --query 'max_by(Table.AttributeDefinitions, &AttributeName)'",
    );
    assert_eq!(
        out,
        "{\n    \"AttributeName\": \"sk\",\n    \"AttributeType\": \"N\"\n}\n"
    );
}

#[test]
fn query_errors_are_jmespaths() {
    let cases = [
        (
            "TableNames[0",
            "Invalid jmespath expression: Incomplete expression:\n\"TableNames[0\"\n             ^",
        ),
        (
            "foo[bar]",
            "Expecting: star, got: unquoted_identifier: Parse error at column 4, token \"bar\" (UNQUOTED_IDENTIFIER), for expression:\n\"foo[bar]\"\n     ^",
        ),
        (
            "a.b.",
            "Expecting: ['quoted_identifier', 'unquoted_identifier', 'lbracket', 'lbrace'], got: eof: Parse error at column 4, token \"\" (EOF), for expression:\n\"a.b.\"\n     ^",
        ),
        (
            "[1, 2",
            "Expecting: rbracket, got: comma: Parse error at column 2, token \",\" (COMMA), for expression:\n\"[1, 2\"\n   ^",
        ),
        (
            "a ^ b",
            "Bad jmespath expression: Unknown token ^:\na ^ b\n  ^",
        ),
        (
            "\"abc",
            "Bad jmespath expression: Unclosed \" delimiter:\n\"abc\n^",
        ),
        (
            "{a: b, }",
            "Expecting: ['quoted_identifier', 'unquoted_identifier'], got: rbrace: Parse error at column 7, token \"}\" (RBRACE), for expression:\n\"{a: b, }\"\n        ^",
        ),
    ];
    for (query, error) in cases {
        let printed = Console::new().run(&format!("aws dynamodb list-tables --query '{query}'"));
        assert_eq!(printed.exit_code, 252, "{query}");
        assert_eq!(
            printed.stderr,
            format!("\nBad value for --query {query}: {error}\n")
        );
    }
}

#[test]
fn literals_that_are_not_json_are_strings() {
    let out = Console::new().ok("aws dynamodb list-tables --query '`{bad`'");
    assert_eq!(out, "\"{bad\"\n");
}

#[test]
fn table_widths_count_ambiguous_characters_as_two_columns() {
    let mut console = Console::with_table();
    console.ok("aws dynamodb put-item --table-name tbl --item pk={S=é},sk={N=1}");
    let out =
        console.ok("aws dynamodb get-item --table-name tbl --key pk={S=é},sk={N=1} --output table");
    // 'é' is East Asian Width "A": two columns, so its cell is one space shorter than "1"'s.
    assert!(out.contains("|||  S |  é  |||\n"), "{out}");
    assert!(out.contains("|||  N |  1   |||\n"), "{out}");
}

#[test]
fn query_function_arguments_are_checked_with_jmespaths_words() {
    let cases = [
        (
            "length(nope)",
            "In function length(), invalid type for value: None, expected one of: ['string', 'array', 'object'], received: \"null\"",
        ),
        (
            "length(`1`, `2`)",
            "Expected 1 argument for function length(), received 2",
        ),
        (
            "not_null()",
            "Expected at least 1 argument for function not_null(), received 0",
        ),
        (
            "sum(`[1, \"x\"]`)",
            "In function sum(), invalid type for value: x, expected one of: ['array-number'], received: \"str\"",
        ),
        ("foo(@)", "Unknown function: foo()"),
    ];
    for (query, error) in cases {
        let printed = Console::new().run(&format!("aws dynamodb list-tables --query '{query}'"));
        assert_eq!(printed.exit_code, 255, "{query}");
        assert_eq!(printed.stderr, format!("\n{error}\n"));
    }
    let out = Console::new()
        .ok("aws dynamodb list-tables --query 'merge(`{\"b\": 1, \"a\": 2}`, `{\"b\": 3}`, `[]`)'");
    assert_eq!(out, "{\n    \"b\": 3,\n    \"a\": 2\n}\n");
}
