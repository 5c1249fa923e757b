//! `aws <service> wait <waiter>`: what one answer means to a waiter, as botocore decides it.
//! The acceptors are tried in order; the first whose matcher finds its expected value says
//! whether the wait succeeded, failed, or goes on. An error no acceptor expects ends it.

use serde_json::Value;

use crate::model::{Acceptor, Waiter};
use crate::run::Failure;

/// What an answer comes to.
pub enum Decision {
    Success,
    /// The wait failed: the reason, as botocore words it.
    Failed(String),
    /// Ask again. `matched` says whether an acceptor said so; `explanation` is what botocore
    /// would cite if the attempts ran out now: the acceptor that matched, or (a quirk of its
    /// loop) the last one when none did.
    Again {
        matched: bool,
        explanation: String,
    },
}

/// What `outcome` means to `waiter`.
pub fn decide(waiter: &Waiter, outcome: &Result<Value, Failure>) -> Decision {
    for acceptor in &waiter.acceptors {
        if matches(acceptor, outcome) {
            let explanation = explain(acceptor);
            return match acceptor.state.as_str() {
                "success" => Decision::Success,
                "failure" => Decision::Failed(format!(
                    "Waiter encountered a terminal failure state: {explanation}"
                )),
                _ => Decision::Again {
                    matched: true,
                    explanation,
                },
            };
        }
    }
    match outcome {
        Err(failure) => Decision::Failed(format!(
            "An error occurred ({}): {}",
            failure.code, failure.message
        )),
        Ok(_) => Decision::Again {
            matched: false,
            explanation: waiter.acceptors.last().map(explain).unwrap_or_default(),
        },
    }
}

fn matches(acceptor: &Acceptor, outcome: &Result<Value, Failure>) -> bool {
    let expected = &acceptor.expected;
    match (acceptor.matcher.as_str(), outcome) {
        ("error", Err(failure)) => expected.as_str() == Some(failure.code.as_str()),
        ("status", Ok(_)) => expected.as_u64() == Some(200),
        ("path", Ok(response)) => search(acceptor, response).as_ref() == Some(expected),
        ("pathAll", Ok(response)) => match search(acceptor, response) {
            Some(Value::Array(found)) => !found.is_empty() && found.iter().all(|v| v == expected),
            _ => false,
        },
        ("pathAny", Ok(response)) => match search(acceptor, response) {
            Some(Value::Array(found)) => found.iter().any(|v| v == expected),
            _ => false,
        },
        _ => false,
    }
}

/// The acceptor's JMESPath `argument` over the response.
fn search(acceptor: &Acceptor, response: &Value) -> Option<Value> {
    let expression = jmespath::compile(acceptor.argument.as_deref()?).ok()?;
    let data = jmespath::Variable::from_serializable(response).ok()?;
    let found = expression.search(data).ok()?;
    serde_json::to_value(&*found).ok()
}

/// botocore's words for an acceptor that matched.
fn explain(acceptor: &Acceptor) -> String {
    let expected = match &acceptor.expected {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    match acceptor.matcher.as_str() {
        "error" => format!("Matched expected service error code: {expected}"),
        "status" => format!("Matched expected HTTP status code: {expected}"),
        matcher => {
            let argument = acceptor.argument.as_deref().unwrap_or_default();
            match matcher {
                "pathAll" => format!(
                    "For expression \"{argument}\" all members matched expected path: \"{expected}\""
                ),
                "pathAny" => format!(
                    "For expression \"{argument}\" we matched expected path: \"{expected}\" at least once"
                ),
                _ => format!(
                    "For expression \"{argument}\" we matched expected path: \"{expected}\""
                ),
            }
        }
    }
}
