//! The interpreter's rules: what a step sends, how its outcomes become an observation, and
//! when a checkpoint holds.

use dynoscope_learn::Call;
use dynoscope_learn::format::{Expect, Repeat, Request, Step, Via};
use serde_json::{Map, Value, json};

fn step() -> Step {
    Step {
        title: "Put".into(),
        text: "Puts.".into(),
        source: None,
        request: Some(Request {
            operation: "PutItem".into(),
            body: json!({"TableName": "T", "Item": {"pk": {"S": "{fill:3}"}}}),
            region: None,
            via: None,
            access_key_id: None,
        }),
        repeat: None,
        error: None,
        expects: Vec::new(),
        saves: Vec::new(),
    }
}

fn expect(path: &str, equals: Value) -> Expect {
    Expect {
        path: path.into(),
        equals: Some(equals),
        at_least: None,
        at_most: None,
        contains: None,
        says: "it holds".into(),
    }
}

fn throttled() -> Value {
    json!({"__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", "message": "slow down"})
}

#[test]
fn fill_makes_a_value_of_an_exact_length() {
    let calls = step().calls(&Map::new());
    assert_eq!(calls[0].body["Item"]["pk"]["S"], "xxx");
}

#[test]
fn a_repeated_request_numbers_each_copy() {
    let mut s = step();
    s.request = None;
    s.repeat = Some(Repeat {
        count: 3,
        operation: "PutItem".into(),
        body: json!({"Item": {"pk": {"S": "user#{i}"}}}),
        region: None,
        via: None,
        access_key_id: None,
    });
    let keys: Vec<Value> = s
        .calls(&Map::new())
        .iter()
        .map(|c| c.body["Item"]["pk"]["S"].clone())
        .collect();
    assert_eq!(keys, [json!("user#0"), json!("user#1"), json!("user#2")]);
}

#[test]
fn a_value_that_is_the_number_alone_becomes_a_number() {
    let mut s = step();
    s.request = None;
    s.repeat = Some(Repeat {
        count: 2,
        operation: "Scan".into(),
        body: json!({"Segment": "{i}", "Label": "part {i}"}),
        region: None,
        via: None,
        access_key_id: None,
    });
    let calls = s.calls(&Map::new());
    assert_eq!(calls[1].body, json!({"Segment": 1, "Label": "part 1"}));
}

#[test]
fn a_checkpoint_that_does_not_hold_fails_the_step_showing_what_came_back() {
    let mut s = step();
    s.expects = vec![expect("ConsumedCapacity.CapacityUnits", json!(1))];
    let report = s.judge(vec![Ok(
        json!({"ConsumedCapacity": {"CapacityUnits": 2.0}}),
    )]);
    assert!(!report.ok);
    assert_eq!(report.actual, "ConsumedCapacity.CapacityUnits = 2.0");
}

#[test]
fn numbers_compare_by_value() {
    let mut s = step();
    s.expects = vec![expect("ConsumedCapacity.CapacityUnits", json!(1))];
    assert!(
        s.judge(vec![Ok(
            json!({"ConsumedCapacity": {"CapacityUnits": 1.0}})
        )])
        .ok
    );
}

#[test]
fn numbers_inside_lists_compare_by_value_too() {
    let mut s = step();
    s.expects = vec![expect("Units", json!([500, 1.5]))];
    assert!(s.judge(vec![Ok(json!({"Units": [500.0, 1.5]}))]).ok);
    assert!(!s.judge(vec![Ok(json!({"Units": [500.0]}))]).ok);
}

#[test]
fn an_unexpected_error_fails_the_step_naming_it() {
    let report = step().judge(vec![Err(throttled())]);
    assert!(!report.ok);
    assert!(
        report
            .actual
            .starts_with("ProvisionedThroughputExceededException"),
        "{}",
        report.actual
    );
}

#[test]
fn an_expected_error_passes_and_is_observed() {
    let mut s = step();
    s.error = Some("ProvisionedThroughputExceededException".into());
    s.expects = vec![expect("message", json!("slow down"))];
    assert!(s.judge(vec![Err(throttled())]).ok);
}

#[test]
fn a_success_where_an_error_was_expected_fails() {
    let mut s = step();
    s.error = Some("ConditionalCheckFailedException".into());
    assert!(!s.judge(vec![Ok(json!({}))]).ok);
}

#[test]
fn a_repeated_request_is_observed_as_a_summary() {
    let mut s = step();
    s.request = None;
    s.repeat = Some(Repeat {
        count: 3,
        operation: "PutItem".into(),
        body: json!({}),
        region: None,
        via: None,
        access_key_id: None,
    });
    s.expects = vec![
        expect("Failed", json!(2)),
        expect("FirstFailure", json!(1)),
        expect("Errors.ProvisionedThroughputExceededException", json!(2)),
    ];
    let report = s.judge(vec![Ok(json!({})), Err(throttled()), Err(throttled())]);
    assert!(report.ok, "{report:?}");
}

#[test]
fn at_least_and_at_most_bound_a_number() {
    let mut s = step();
    s.expects = vec![Expect {
        path: "Count".into(),
        equals: None,
        at_least: Some(2.0),
        at_most: Some(3.0),
        contains: None,
        says: "two or three".into(),
    }];
    assert!(s.judge(vec![Ok(json!({"Count": 3}))]).ok);
    assert!(!s.judge(vec![Ok(json!({"Count": 4}))]).ok);
}

#[test]
fn contains_finds_a_substring_or_an_element() {
    let mut s = step();
    s.expects = vec![Expect {
        path: "TableNames".into(),
        equals: None,
        at_least: None,
        at_most: None,
        contains: Some(json!("T")),
        says: "T is listed".into(),
    }];
    assert!(s.judge(vec![Ok(json!({"TableNames": ["A", "T"]}))]).ok);
    assert!(!s.judge(vec![Ok(json!({"TableNames": ["A"]}))]).ok);
}

#[test]
fn a_saved_value_fills_a_later_body_whole_or_inside_text() {
    let mut s = step();
    s.request = Some(Request {
        operation: "GetShardIterator".into(),
        body: json!({"StreamArn": "{$stream}", "Note": "arn is {$stream}", "Key": "{$key}"}),
        region: None,
        via: None,
        access_key_id: None,
    });
    let saved = Map::from_iter([
        ("stream".to_owned(), json!("arn:1")),
        ("key".to_owned(), json!({"pk": {"S": "a"}})),
    ]);
    assert_eq!(
        s.calls(&saved)[0].body,
        json!({"StreamArn": "arn:1", "Note": "arn is arn:1", "Key": {"pk": {"S": "a"}}})
    );
}

#[test]
fn a_step_saves_what_its_path_picks_and_fails_when_it_picks_nothing() {
    let mut s = step();
    s.saves = vec![dynoscope_learn::format::Save {
        name: "arn".into(),
        path: "Table.LatestStreamArn".into(),
    }];
    let report = s.judge(vec![Ok(json!({"Table": {"LatestStreamArn": "arn:x"}}))]);
    assert!(report.ok);
    assert_eq!(report.saved["arn"], "arn:x");
    assert!(!s.judge(vec![Ok(json!({"Table": {}}))]).ok);
}

#[test]
fn a_saved_clock_reading_becomes_epoch_seconds_moved_by_an_offset() {
    let mut s = step();
    s.request = Some(Request {
        operation: "PutItem".into(),
        body: json!({"a": "{$now:seconds+60}", "b": "{$now:seconds-1}", "c": "{$now:seconds}"}),
        region: None,
        via: None,
        access_key_id: None,
    });
    let saved = Map::from_iter([("now".to_owned(), json!(1_700_000_000_999u64))]);
    assert_eq!(
        s.calls(&saved)[0].body,
        json!({"a": "1700000060", "b": "1699999999", "c": "1700000000"})
    );
}

#[test]
fn a_call_without_options_serialises_without_them() {
    let call = &step().calls(&Map::new())[0];
    let json = serde_json::to_value(call).unwrap();
    assert!(json.get("options").is_none(), "{json}");
}

#[test]
fn call_options_are_the_page_send_options() {
    let mut s = step();
    if let Some(request) = s.request.as_mut() {
        request.region = Some("us-west-2".into());
        request.access_key_id = Some("AKIDALICE".into());
    }
    let call = &s.calls(&Map::new())[0];
    assert_eq!(
        serde_json::to_value(call).unwrap()["options"],
        json!({"region": "us-west-2", "accessKeyId": "AKIDALICE"})
    );
    let mut dax = step();
    if let Some(request) = dax.request.as_mut() {
        request.via = Some(Via::Dax);
    }
    let call = &dax.calls(&Map::new())[0];
    assert!(call.options.via_dax());
    assert_eq!(
        serde_json::to_value(call).unwrap()["options"],
        json!({"via": "dax"})
    );
    let back: Call = serde_json::from_value(json!({"operation": "GetItem", "body": {}})).unwrap();
    assert!(back.options.is_default(), "absent options read as none");
}

#[test]
fn every_copy_of_a_repeated_request_carries_its_options() {
    let mut s = step();
    s.request = None;
    s.repeat = Some(Repeat {
        count: 2,
        operation: "GetItem".into(),
        body: json!({}),
        region: Some("eu-west-1".into()),
        via: None,
        access_key_id: None,
    });
    let calls = s.calls(&Map::new());
    assert!(
        calls
            .iter()
            .all(|c| c.options.region.as_deref() == Some("eu-west-1"))
    );
}
