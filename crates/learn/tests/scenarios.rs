//! Every bundled scenario, played on a fresh engine through dispatch: each checkpoint must
//! hold. A scenario whose numbers drift from the engine fails here, naming the step.

use dynoscope_engine::{Engine, EngineConfig};
use dynoscope_learn::{Call, Outcome, catalog};

fn send(engine: &mut Engine, call: &Call) -> Outcome {
    let body = serde_json::to_vec(&call.body).expect("a body serialises");
    match engine.dispatch(&call.operation, &body) {
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
        let mut engine = Engine::new(EngineConfig::default());
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
