//! Dynoscope's guided scenarios, outside the engine: the scenario format ([`mod@format`]), the
//! interpreter that says what each step sends and judges what came back ([`play`]), and the
//! bundled scenarios ([`catalog`], one TOML file each in `scenarios/`), and the Learn view's
//! text as escaped HTML ([`html`]). Nothing here
//! dispatches: a driver sends the calls through the one door every front end uses and
//! hands the outcomes back, so the same scenario runs natively in `make test` and in the
//! page.

pub mod format;
pub mod html;
pub mod play;

pub use format::{Expect, Question, Scenario, Step};
pub use play::{Call, CallOptions, Outcome, Report, StepReport, run};

/// A scenario file that cannot be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnError {
    /// The file, then the step or question (`rcu.toml: step 2 ("Read it"): expect 1`).
    pub location: String,
    pub message: String,
}

impl LearnError {
    pub fn new(location: &str, message: &str) -> LearnError {
        LearnError {
            location: location.to_owned(),
            message: message.to_owned(),
        }
    }
}

impl std::fmt::Display for LearnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for LearnError {}

/// The bundled scenarios.
pub mod catalog {
    use super::{LearnError, Scenario};

    include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

    /// Every bundled scenario, parsed once, in file-name order.
    pub fn all() -> Result<&'static [Scenario], LearnError> {
        static PARSED: std::sync::OnceLock<Result<Vec<Scenario>, LearnError>> =
            std::sync::OnceLock::new();
        PARSED
            .get_or_init(|| {
                FILES
                    .iter()
                    .map(|(file, text)| Scenario::parse(file, text))
                    .collect()
            })
            .as_deref()
            .map_err(Clone::clone)
    }

    /// The bundled scenario `id`.
    pub fn find(id: &str) -> Option<&'static Scenario> {
        all().ok()?.iter().find(|s| s.id == id)
    }
}
