//! The scenario format's checks: a file that cannot be played is refused with the step,
//! question or line at fault.

use dynoscope_learn::Scenario;

const MINIMAL: &str = r#"
id = "tiny"
title = "Tiny"
topics = ["testing"]
summary = "A scenario small enough to read."

[[step]]
title = "Look"
text = "Nothing happens."

[[question]]
ask = "Yes?"
choices = ["yes", "no"]
answer = 0
why = "Because."

[[question]]
ask = "No?"
choices = ["yes", "no"]
answer = 1
why = "Because."
"#;

fn refusal(text: &str) -> String {
    Scenario::parse("t.toml", text).unwrap_err().to_string()
}

#[test]
fn a_minimal_scenario_reads() {
    let s = Scenario::parse("t.toml", MINIMAL).unwrap();
    assert_eq!(s.id, "tiny");
    assert_eq!(s.steps.len(), 1);
    assert_eq!(s.seed, 1);
}

#[test]
fn an_unknown_field_is_refused_with_its_line() {
    let e = refusal(&MINIMAL.replace("summary =", "colour = \"red\"\nsummary ="));
    assert!(e.starts_with("t.toml"), "{e}");
    assert!(e.contains("colour"), "{e}");
    assert!(e.contains("line 5"), "{e}");
}

#[test]
fn an_answer_outside_the_choices_is_refused() {
    let e = refusal(&MINIMAL.replace("answer = 1", "answer = 2"));
    assert!(e.contains("question 2"), "{e}");
    assert!(e.contains("count from 0"), "{e}");
}

#[test]
fn a_checkpoint_path_that_is_not_jmespath_is_refused_naming_the_step() {
    let text = MINIMAL.replace(
        "text = \"Nothing happens.\"",
        "text = \"Reads.\"\nrequest = { operation = \"ListTables\" }\n[[step.expect]]\npath = \"TableNames[\"\nequals = 1\nsays = \"one\"",
    );
    let e = refusal(&text);
    assert!(e.contains("step 1 (\"Look\"): expect 1"), "{e}");
    assert!(e.contains("not JMESPath"), "{e}");
}

#[test]
fn a_checkpoint_needs_exactly_one_rule() {
    let text = MINIMAL.replace(
        "text = \"Nothing happens.\"",
        "text = \"Reads.\"\nrequest = { operation = \"ListTables\" }\n[[step.expect]]\npath = \"TableNames\"\nequals = 1\ncontains = 2\nsays = \"one\"",
    );
    assert!(refusal(&text).contains("give one rule"));
}

#[test]
fn a_scenario_needs_two_questions() {
    let one = MINIMAL
        .split("[[question]]")
        .take(2)
        .collect::<Vec<_>>()
        .join("[[question]]");
    assert!(refusal(&one).contains("at least two"));
}

#[test]
fn an_unknown_exam_is_refused() {
    let e = refusal(&MINIMAL.replace("topics =", "exams = [\"CCP\"]\ntopics ="));
    assert!(e.contains("unknown exam CCP"), "{e}");
}

/// MINIMAL with its one step sending GetItem with `options` (TOML keys of the request),
/// and `extras = true`.
fn with_options(options: &str) -> String {
    MINIMAL
        .replace("topics =", "extras = true\ntopics =")
        .replace(
            "text = \"Nothing happens.\"",
            &format!(
                "text = \"Reads.\"\n[step.request]\noperation = \"GetItem\"\nbody = {{ TableName = \"T\" }}\n{options}"
            ),
        )
}

#[test]
fn request_options_read() {
    let s = Scenario::parse(
        "t.toml",
        &with_options("region = \"us-west-2\"\naccess_key_id = \"AKIDALICE\""),
    )
    .unwrap();
    let options = s.steps[0].options();
    assert_eq!(options.region.as_deref(), Some("us-west-2"));
    assert_eq!(options.access_key_id.as_deref(), Some("AKIDALICE"));
    assert!(s.extras);
    let dax = Scenario::parse("t.toml", &with_options("via = \"dax\"")).unwrap();
    assert!(dax.steps[0].options().via_dax());
}

#[test]
fn an_unknown_via_is_refused_with_its_line() {
    let e = refusal(&with_options("via = \"cache\""));
    assert!(e.starts_with("t.toml"), "{e}");
    assert!(e.contains("line 14"), "{e}");
    assert!(e.contains("cache") && e.contains("dax"), "{e}");
}

#[test]
fn a_region_must_be_a_region_name() {
    let e = refusal(&with_options("region = \"west\""));
    assert!(e.contains("step 1 (\"Look\")"), "{e}");
    assert!(e.contains("not a region name like us-west-2"), "{e}");
    for good in ["eu-west-1", "ap-southeast-2", "us-gov-west-1"] {
        Scenario::parse("t.toml", &with_options(&format!("region = \"{good}\""))).unwrap();
    }
}

#[test]
fn an_access_key_id_is_letters_and_digits() {
    let e = refusal(&with_options("access_key_id = \"alice key\""));
    assert!(e.contains("must be letters and digits"), "{e}");
}

#[test]
fn a_request_through_dax_names_no_region() {
    let e = refusal(&with_options("via = \"dax\"\nregion = \"us-west-2\""));
    assert!(e.contains("serves the home region"), "{e}");
}

#[test]
fn a_playground_operation_is_neither_authorized_nor_cached() {
    let text = with_options("access_key_id = \"AKIDALICE\"").replace(
        "operation = \"GetItem\"",
        "operation = \"Dynoscope_DescribeDax\"",
    );
    let e = refusal(&text);
    assert!(e.contains("takes no via or access_key_id"), "{e}");
    let regional = with_options("region = \"us-west-2\"").replace(
        "operation = \"GetItem\"",
        "operation = \"Dynoscope_LocateItem\"",
    );
    Scenario::parse("t.toml", &regional).unwrap();
}

#[test]
fn request_options_need_extras() {
    let e = refusal(&with_options("region = \"us-west-2\"").replace("extras = true\n", ""));
    assert!(e.contains("step 1"), "{e}");
    assert!(e.contains("extras = true"), "{e}");
}
