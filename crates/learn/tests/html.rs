//! The Learn view's HTML: scenario text is escaped, and each step shows what the player
//! has reached.

use dynoscope_learn::html::{escape, questions, steps};
use dynoscope_learn::{StepReport, catalog};

fn scenario() -> dynoscope_learn::Scenario {
    catalog::find("capacity-arithmetic").unwrap().clone()
}

#[test]
fn text_is_escaped() {
    assert_eq!(
        escape("<b a=\"1\">&'"),
        "&lt;b a=&quot;1&quot;&gt;&amp;&#39;"
    );
}

#[test]
fn only_the_next_step_has_a_button_and_later_steps_hide_their_text() {
    let s = scenario();
    let html = steps(&s, 1, &[], true);
    assert_eq!(html.matches("data-testid=\"lesson-run\"").count(), 1);
    assert!(html.contains("data-step=\"1\""));
    assert!(
        !html.contains("two read units, halved"),
        "a later step's text is hidden"
    );
}

#[test]
fn no_button_while_a_step_runs() {
    assert!(!steps(&scenario(), 0, &[], false).contains("lesson-run"));
}

#[test]
fn a_played_step_shows_its_checkpoint() {
    let report = StepReport {
        title: "t".into(),
        ok: false,
        expected: "1 RCU".into(),
        actual: "<2>".into(),
        saved: Default::default(),
    };
    let html = steps(&scenario(), 1, &[report], true);
    assert!(html.contains("data-ok=\"false\""));
    assert!(html.contains("&lt;2&gt;"));
}

#[test]
fn an_answered_question_says_whether_it_is_right_and_why() {
    let s = scenario();
    let right = s.questions[0].answer;
    let html = questions(&s, &[Some(right), None, None]);
    assert_eq!(html.matches("question-verdict").count(), 1);
    assert!(html.contains("Right. "));
}

#[test]
fn a_step_without_checkpoints_shows_none_when_it_went_well() {
    let report = |ok: bool| StepReport {
        title: "t".into(),
        ok,
        expected: String::new(),
        actual: String::new(),
        saved: Default::default(),
    };
    assert!(!steps(&scenario(), 1, &[report(true)], true).contains("checkpoint"));
    assert!(steps(&scenario(), 1, &[report(false)], true).contains("data-ok=\"false\""));
}

#[test]
fn a_played_step_offers_its_request_as_code() {
    let s = dynoscope_learn::catalog::find("capacity-arithmetic").expect("bundled");
    let n = s
        .steps
        .iter()
        .position(|st| st.request.is_some())
        .expect("a step with a request");
    let played = played_through(s, n);
    assert!(played.contains("data-testid=\"show-code\""), "{played}");
    let unplayed = dynoscope_learn::html::steps(s, 0, &[], true);
    assert!(!unplayed.contains("data-testid=\"show-code\""));
}

#[test]
fn a_played_step_that_locates_an_item_offers_the_cluster_view_with_its_key() {
    let s = dynoscope_learn::catalog::find("stale-reads").expect("bundled");
    let n = s
        .steps
        .iter()
        .position(|st| {
            st.request
                .as_ref()
                .is_some_and(|r| r.operation == "Dynoscope_LocateItem")
        })
        .expect("a LocateItem step");
    let played = played_through(s, n);
    assert!(
        played.contains("data-see-panel=\"item-locator\""),
        "{played}"
    );
    assert!(
        played.contains("data-see-key=\"{&quot;id&quot;:{&quot;S&quot;:&quot;u1&quot;}}\""),
        "{played}"
    );
}

/// The steps' HTML once steps 0 to `n` have been played, each having held.
fn played_through(s: &dynoscope_learn::Scenario, n: usize) -> String {
    let held = dynoscope_learn::StepReport {
        title: String::new(),
        ok: true,
        expected: String::new(),
        actual: String::new(),
        saved: Default::default(),
    };
    dynoscope_learn::html::steps(s, n + 1, &vec![held; n + 1], true)
}

#[test]
fn a_played_step_sent_elsewhere_says_how_beside_its_code() {
    let s = catalog::find("global-table-conflict").unwrap();
    let html = steps(s, 4, &[], true);
    assert_eq!(html.matches("data-testid=\"lesson-sent-how\"").count(), 1);
    assert!(html.contains("region_name=\"us-west-2\""), "{html}");
    let dax = catalog::find("dax-staleness").unwrap();
    assert!(steps(dax, 4, &[], true).contains("Sent through the DAX cluster"));
    let iam = catalog::find("iam-leading-keys").unwrap();
    assert!(steps(iam, 4, &[], true).contains("<code>AKIDALICE</code>"));
}

#[test]
fn the_list_marks_scenarios_that_need_the_extras() {
    let html = dynoscope_learn::html::list(catalog::all().unwrap());
    assert!(html.contains("data-scenario=\"dax-staleness\" data-extras=\"true\""));
    assert!(html.contains("data-scenario=\"capacity-arithmetic\">"));
}
