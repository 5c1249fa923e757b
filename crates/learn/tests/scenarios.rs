//! Every bundled scenario, played on a fresh engine through dispatch: each checkpoint must
//! hold. A scenario whose numbers drift from the engine fails here, naming the step.

use dynoscope_engine::{Engine, EngineConfig};
use dynoscope_learn::{Call, Outcome, catalog};

/// The activity log's name for the sender, as the page's.
const SOURCE: &str = "scenario";

/// Sends `call` as its options say: through DAX, or to its region as its principal.
fn send(engine: &mut Engine, call: &Call) -> Outcome {
    let body = serde_json::to_vec(&call.body).expect("a body serialises");
    let options = &call.options;
    let key = options.access_key_id.as_deref();
    let answer = if options.via_dax() {
        engine.dispatch_via_dax(SOURCE, key, &call.operation, &body)
    } else {
        engine.dispatch_in(
            SOURCE,
            options.region.as_deref(),
            key,
            &call.operation,
            &body,
        )
    };
    match answer {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).expect("the engine answers JSON")),
        Err(error) => Err(error.to_json()),
    }
}

#[test]
fn every_scenario_parses() {
    let all = catalog::all().unwrap_or_else(|e| panic!("{e}"));
    assert!(!all.is_empty());
    let mut ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "scenario ids are unique");
}

#[test]
fn every_checkpoint_of_every_scenario_holds() {
    let mut failures = Vec::new();
    for scenario in catalog::all().unwrap_or_else(|e| panic!("{e}")) {
        // The event history on, as the page's engine has it (Dynoscope_GetEvents).
        let mut engine = Engine::new(EngineConfig {
            record_events: true,
            ..EngineConfig::default()
        });
        let report = dynoscope_learn::run(scenario, |call| send(&mut engine, call));
        for step in report.steps.iter().filter(|s| !s.ok) {
            failures.push(format!(
                "{} / {}: expected {}; got {}",
                scenario.id, step.title, step.expected, step.actual
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
