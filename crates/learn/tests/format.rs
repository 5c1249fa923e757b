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
