//! Lines read as AWS CLI v2 reads them: commands, options, JSON and shorthand values, globals.

mod support;

use serde_json::json;
use support::Console;

fn request(line: &str) -> (String, serde_json::Value) {
    dynoscope_cli::request_of(line, &Default::default())
        .unwrap_or_else(|p| panic!("{line}: {}", p.stderr))
}

#[test]
fn shorthand_lists_of_structures_take_one_word_per_element() {
    let (op, req) = request(
        "aws dynamodb create-table --table-name t --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=N --key-schema AttributeName=pk,KeyType=HASH --billing-mode PAY_PER_REQUEST",
    );
    assert_eq!(op, "CreateTable");
    assert_eq!(
        req["AttributeDefinitions"],
        json!([{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}])
    );
    assert_eq!(
        req["KeySchema"],
        json!([{"AttributeName": "pk", "KeyType": "HASH"}])
    );
}

#[test]
fn shorthand_maps_of_attribute_values_nest_in_braces() {
    let (_, req) = request("aws dynamodb get-item --table-name t --key pk={S=a},sk={N=1}");
    assert_eq!(req["Key"], json!({"pk": {"S": "a"}, "sk": {"N": "1"}}));
}

#[test]
fn shorthand_numbers_become_numbers_where_the_model_says_so() {
    let (_, req) = request(
        "aws dynamodb update-table --table-name t --provisioned-throughput ReadCapacityUnits=5,WriteCapacityUnits=10",
    );
    assert_eq!(
        req["ProvisionedThroughput"],
        json!({"ReadCapacityUnits": 5, "WriteCapacityUnits": 10})
    );
}

#[test]
fn shorthand_single_values_become_lists_where_a_list_is_expected() {
    let (_, req) = request("aws dynamodb put-item --table-name t --item pk={S=a},tags={SS=x}");
    assert_eq!(req["Item"]["tags"], json!({"SS": ["x"]}));
    let (_, req) = request("aws dynamodb put-item --table-name t --item pk={S=a},tags={SS=[x,y]}");
    assert_eq!(req["Item"]["tags"], json!({"SS": ["x", "y"]}));
}

#[test]
fn shorthand_booleans_are_read_from_their_text() {
    let (_, req) = request("aws dynamodb put-item --table-name t --item pk={S=a},ok={BOOL=true}");
    assert_eq!(req["Item"]["ok"], json!({"BOOL": true}));
}

#[test]
fn json_values_are_taken_as_written() {
    let (_, req) = request(
        r#"aws dynamodb put-item --table-name t --item '{"pk": {"S": "a b"}, "n": {"N": "1"}}'"#,
    );
    assert_eq!(req["Item"], json!({"pk": {"S": "a b"}, "n": {"N": "1"}}));
}

#[test]
fn boolean_options_are_flags_with_a_negative_form() {
    assert_eq!(
        request("aws dynamodb get-item --table-name t --key pk={S=a} --consistent-read").1["ConsistentRead"],
        json!(true)
    );
    assert_eq!(
        request("aws dynamodb get-item --table-name t --key pk={S=a} --no-consistent-read").1["ConsistentRead"],
        json!(false)
    );
}

#[test]
fn lists_of_strings_take_the_following_words() {
    let (_, req) =
        request("aws dynamodb get-item --table-name t --key pk={S=a} --attributes-to-get a b c");
    assert_eq!(req["AttributesToGet"], json!(["a", "b", "c"]));
}

#[test]
fn an_option_may_carry_its_value_after_an_equals_sign() {
    assert_eq!(
        request("aws dynamodb describe-table --table-name=t").1,
        json!({"TableName": "t"})
    );
}

#[test]
fn streams_commands_belong_to_dynamodbstreams() {
    let (op, req) = request("aws dynamodbstreams get-records --shard-iterator abc --limit 5");
    assert_eq!(op, "GetRecords");
    assert_eq!(req, json!({"ShardIterator": "abc", "Limit": 5}));
}

#[test]
fn cli_input_json_is_the_base_and_options_override_it() {
    let (_, req) = request(
        r#"aws dynamodb describe-table --cli-input-json '{"TableName": "a"}' --table-name b"#,
    );
    assert_eq!(req, json!({"TableName": "b"}));
}

#[test]
fn raw_binary_format_base64_encodes_blob_text() {
    let (_, req) = request(
        "aws dynamodb put-item --table-name t --item pk={B=hi} --cli-binary-format raw-in-base64-out",
    );
    assert_eq!(req["Item"]["pk"], json!({"B": "aGk="}));
}

#[test]
fn base64_blobs_that_do_not_decode_are_refused() {
    let printed = Console::new().run("aws dynamodb put-item --table-name t --item pk={B=h!}");
    assert_eq!(printed.exit_code, 252);
    assert!(
        printed
            .stderr
            .contains("Invalid base64: \"h!\" for parameter Item.pk.B"),
        "{}",
        printed.stderr
    );
}

#[test]
fn missing_required_options_are_named_as_argparse_names_them() {
    let printed = Console::new().run("aws dynamodb put-item --table-name t");
    assert_eq!(printed.exit_code, 252);
    assert!(
        printed
            .stderr
            .ends_with("aws: error: the following arguments are required: --item\n\n"),
        "{}",
        printed.stderr
    );
}

#[test]
fn unknown_options_are_listed() {
    let printed = Console::new().run("aws dynamodb list-tables --colour red");
    assert_eq!(printed.exit_code, 252);
    assert!(
        printed
            .stderr
            .ends_with("\nUnknown options: --colour, red\n\n"),
        "{}",
        printed.stderr
    );
}

#[test]
fn a_misspelt_command_suggests_the_nearest() {
    let printed = Console::new().run("aws dynamodb put-itme --table-name t");
    assert_eq!(printed.exit_code, 252);
    assert!(
        printed
            .stderr
            .contains("Invalid choice: 'put-itme', maybe you meant:\n\n  * put-item\n"),
        "{}",
        printed.stderr
    );
}

#[test]
fn botocore_validation_names_wrong_types_and_values_under_the_minimum() {
    let printed =
        Console::new().run(r#"aws dynamodb scan --table-name t --cli-input-json '{"Limit": "x"}'"#);
    assert_eq!(printed.exit_code, 252);
    assert_eq!(
        printed.stderr,
        "\nParameter validation failed:\nInvalid type for parameter Limit, value: x, type: <class 'str'>, valid types: <class 'int'>\n"
    );
    let printed = Console::new().run("aws dynamodb scan --table-name t --limit 0");
    assert_eq!(
        printed.stderr,
        "\nParameter validation failed:\nInvalid value for parameter Limit, value: 0, valid min value: 1\n"
    );
}

#[test]
fn unknown_parameters_in_json_input_are_named_with_the_choices() {
    let printed = Console::new()
        .run(r#"aws dynamodb describe-table --cli-input-json '{"TableName": "t", "Foo": 1}'"#);
    assert_eq!(
        printed.stderr,
        "\nParameter validation failed:\nUnknown parameter in input: \"Foo\", must be one of: TableName\n"
    );
}

#[test]
fn invalid_json_is_reported_with_the_text_received() {
    let printed = Console::new().run(r#"aws dynamodb put-item --table-name t --item '{"pk": '"#);
    assert_eq!(printed.exit_code, 252);
    assert!(
        printed
            .stderr
            .starts_with("\nError parsing parameter '--item': Invalid JSON: "),
        "{}",
        printed.stderr
    );
    assert!(
        printed.stderr.contains("JSON received: {\"pk\": "),
        "{}",
        printed.stderr
    );
}

#[test]
fn shorthand_syntax_errors_point_at_the_place() {
    let printed = Console::new().run("aws dynamodb get-item --table-name t --key pk");
    assert_eq!(
        printed.stderr,
        "\nError parsing parameter '--key': Expected: '=', received: 'EOF' for input:\npk\n  ^\n"
    );
}

#[test]
fn files_are_explained_not_ignored() {
    let printed =
        Console::new().run("aws dynamodb put-item --table-name t --item file://item.json");
    assert_eq!(printed.exit_code, 252);
    assert!(
        printed.stderr.contains("the page has no files"),
        "{}",
        printed.stderr
    );
}

#[test]
fn profiles_are_explained_and_the_home_region_is_accepted() {
    let printed = Console::new().run("aws dynamodb list-tables --profile prod");
    assert!(
        printed.stderr.contains("--profile is not available here"),
        "{}",
        printed.stderr
    );
    assert_eq!(
        Console::new()
            .run("aws dynamodb list-tables --region us-east-1")
            .exit_code,
        0
    );
}

#[test]
fn a_line_must_start_with_aws() {
    let printed = Console::new().run("dynamodb list-tables");
    assert_eq!(printed.exit_code, 252);
    assert!(printed.stderr.contains("lines start with `aws`"));
}

#[test]
fn an_unclosed_quote_is_reported() {
    assert!(
        Console::new()
            .run("aws dynamodb describe-table --table-name 't")
            .stderr
            .contains("never closed")
    );
}

#[test]
fn the_skeleton_lists_the_input_in_model_order() {
    let out = Console::new().ok("aws dynamodb describe-table --generate-cli-skeleton");
    assert_eq!(out, "{\n    \"TableName\": \"\"\n}\n");
}

#[test]
fn help_lists_a_commands_options() {
    let out = Console::new().ok("aws dynamodb get-item help");
    assert!(
        out.contains("--table-name <string> (required)")
            && out.contains("--consistent-read | --no-consistent-read"),
        "{out}"
    );
}

#[test]
fn another_region_goes_with_each_call() {
    let mut console = Console::new();
    console.ok("aws dynamodb list-tables --region eu-west-1");
    console.ok("aws dynamodb list-tables --region us-east-1");
    let regions: Vec<_> = console.sent.iter().map(|c| c.region.clone()).collect();
    assert_eq!(regions, [Some("eu-west-1".to_owned()), None]);
}
