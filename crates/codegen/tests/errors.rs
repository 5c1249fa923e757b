//! What the generator refuses and how it says so: the simulator's own operations, names that
//! are not operation names, requests that are not objects, binary values that are not base64
//! (named by their path), and requests nested past any real one.

use dynoscope_codegen::{CodegenError, Language, generate};
use serde_json::{Value, json};

fn error(operation: &str, request: Value) -> CodegenError {
    let javascript = generate(Language::JavaScript, operation, &request).unwrap_err();
    let python = generate(Language::Python, operation, &request).unwrap_err();
    assert_eq!(javascript, python, "both languages refuse alike");
    javascript
}

#[test]
fn dynoscope_operations_have_no_sdk_code() {
    let e = error("Dynoscope_SetClock", json!({"Millis": 0}));
    assert_eq!(
        e,
        CodegenError::DynoscopeOperation("Dynoscope_SetClock".into())
    );
    assert_eq!(
        e.to_string(),
        "Dynoscope_SetClock is Dynoscope's own operation; the AWS SDKs do not have it. \
         Call it with window.dynoscope.send."
    );
}

#[test]
fn operation_names_must_be_pascal_case_ascii_letters() {
    for name in [
        "",
        "putItem",
        "Put Item",
        "Put_Item",
        "PutItem2",
        "PutItem\n",
        "Pütz",
        "PUT-ITEM",
    ] {
        let e = error(name, json!({}));
        assert_eq!(
            e,
            CodegenError::InvalidOperationName(name.into()),
            "{name:?}"
        );
    }
}

#[test]
fn an_invalid_operation_name_is_quoted_in_the_message() {
    let e = error("Put\nItem\"", json!({}));
    assert_eq!(
        e.to_string(),
        r#""Put\nItem\"" is not a DynamoDB operation name: those are PascalCase ASCII letters, like PutItem"#
    );
}

#[test]
fn the_request_must_be_a_json_object() {
    for (request, kind) in [
        (json!([{"TableName": "t"}]), "an array"),
        (json!("PutItem"), "a string"),
        (json!(null), "null"),
        (json!(1), "a number"),
        (json!(true), "a boolean"),
    ] {
        let e = error("PutItem", request);
        assert_eq!(
            e.to_string(),
            format!("the request must be a JSON object, not {kind}")
        );
    }
}

#[test]
fn invalid_base64_in_b_is_an_error_naming_its_path() {
    let e = error("PutItem", json!({"Item": {"photo": {"B": "not base64!"}}}));
    assert_eq!(
        e.to_string(),
        "Item.photo.B is a binary value, but it is not valid base64"
    );
}

#[test]
fn unpadded_base64_is_refused_as_dynamodb_refuses_it() {
    let e = error("GetItem", json!({"Key": {"k": {"B": "aGk"}}}));
    assert_eq!(
        e.to_string(),
        "Key.k.B is a binary value, but it is not valid base64"
    );
}

#[test]
fn the_path_of_a_bad_binary_value_names_list_indexes_and_odd_keys() {
    let e = error(
        "BatchWriteItem",
        json!({"RequestItems": {"my table": [{"PutRequest": {"Item": {"a.b": {"L": [{"S": "x"}, {"BS": ["aGk=", "%%"]}]}}}}]}}),
    );
    assert_eq!(
        e.to_string(),
        r#"RequestItems["my table"][0].PutRequest.Item["a.b"].L[1].BS[1] is a binary value, but it is not valid base64"#
    );
}

#[test]
fn a_b_that_is_not_a_string_is_an_error() {
    let e = error("ExecuteStatement", json!({"Parameters": [{"B": 12}]}));
    assert_eq!(
        e.to_string(),
        "Parameters[0].B is a binary value, but it is a number, not a base64 string"
    );
}

#[test]
fn a_bs_that_is_not_a_list_is_an_error() {
    let e = error("PutItem", json!({"Item": {"s": {"BS": "aGk="}}}));
    assert_eq!(
        e.to_string(),
        "Item.s.BS is a binary value, but it is a string, not a list of base64 strings"
    );
}

#[test]
fn a_request_nested_past_128_levels_is_refused() {
    let mut deep = json!({"S": "bottom"});
    for _ in 0..200 {
        deep = json!({"M": {"a": deep}});
    }
    let e = error("PutItem", json!({"Item": {"a": deep}}));
    let CodegenError::TooDeep { path } = &e else {
        panic!("{e}");
    };
    assert!(path.starts_with("Item.a.M.a.M.a"), "{path}");
    assert!(e.to_string().contains("more than 128 levels"), "{e}");
}

#[test]
fn errors_are_std_errors() {
    let e: Box<dyn std::error::Error> = Box::new(error("Dynoscope_X", json!({})));
    assert!(e.to_string().starts_with("Dynoscope_X is"));
}

#[test]
fn code_panels_escape_what_they_show() {
    let request = serde_json::json!({"TableName": "t", "Item": {"pk": {"S": "<b>\"x\"</b>"}}});
    let placeholder = dynoscope_codegen::html::placeholder("PutItem", &request);
    assert!(!placeholder.contains("<b>"), "{placeholder}");
    assert!(placeholder.contains("data-code-operation=\"PutItem\""));
    let panel = dynoscope_codegen::html::panel(&[
        ("JavaScript".into(), Ok("a < b".into())),
        ("AWS CLI".into(), Err("no <line>".into())),
    ]);
    assert!(
        panel.contains("a &lt; b") && panel.contains("no &lt;line&gt;"),
        "{panel}"
    );
    assert!(
        panel.contains("data-code-pane=\"1\" hidden"),
        "only the first pane shows"
    );
}
