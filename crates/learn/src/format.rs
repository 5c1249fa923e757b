//! The scenario format: one TOML file per scenario (see `docs/scenarios.md`). A scenario
//! names its topics and exams, says which simulation it runs on, and lists its steps; each
//! step explains a rule, may act on the engine (one request, or one request repeated with
//! `{i}` numbered into it), and checks what came back with checkpoints. Exam-style
//! questions close it. [`Scenario::parse`] reads a file and checks everything that can be
//! checked without an engine, naming the step and field at fault.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::LearnError;
use crate::play::CallOptions;

/// The most requests one repeated step may send.
pub const MAX_REPEAT: u32 = 20_000;

/// One guided scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short kebab-case name, unique among scenarios; the Learn view's URL uses it.
    pub id: String,
    pub title: String,
    /// The exam topics it teaches, as the topic list names them.
    pub topics: Vec<String>,
    /// Certifications whose guides ask about it: `SAA`, `DVA`, `SOA`.
    #[serde(default)]
    pub exams: Vec<String>,
    /// One or two sentences shown in the list of scenarios.
    pub summary: String,
    /// The simulation the scenario runs on: `off` (one up-to-date copy, no throttling) or
    /// `playground` (replication lag, index propagation, throttling, splits).
    #[serde(default)]
    pub simulation: Simulation,
    /// Seed of the engine's generator for the run, so lags and picks replay exactly.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Whether it needs the engine's `extras` (other regions, DAX, principals, transactions
    /// in flight, backups): the page loads that engine before playing it.
    #[serde(default)]
    pub extras: bool,
    #[serde(rename = "step")]
    pub steps: Vec<Step>,
    #[serde(rename = "question", default)]
    pub questions: Vec<Question>,
}

fn default_seed() -> u64 {
    1
}

/// The simulation preset a scenario starts from (`Dynoscope_SetSimulation`'s `Preset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Simulation {
    #[default]
    Off,
    Playground,
}

/// One step: an explanation, an optional action, and the checkpoints on what it returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: String,
    /// A few sentences: what happens and the DynamoDB rule it shows.
    pub text: String,
    /// Where the documentation states the rule.
    #[serde(default)]
    pub source: Option<String>,
    /// One request through dispatch.
    #[serde(default)]
    pub request: Option<Request>,
    /// One request sent `count` times, `{i}` in its strings replaced by 0, 1, 2, ...
    #[serde(default)]
    pub repeat: Option<Repeat>,
    /// The error the request must fail with (the name after `#` in `__type`).
    #[serde(default)]
    pub error: Option<String>,
    #[serde(rename = "expect", default)]
    pub expects: Vec<Expect>,
    /// Values picked from what came back, for later steps' bodies (`{$name}`).
    #[serde(rename = "save", default)]
    pub saves: Vec<Save>,
}

/// A value a later step needs (a stream ARN, a shard iterator, a LastEvaluatedKey): the
/// JMESPath `path` picks it from the step's observation, and `{$name}` in a later body
/// stands for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Save {
    pub name: String,
    pub path: String,
}

/// A request: an operation name and its DynamoDB JSON body, and how it is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub operation: String,
    #[serde(default = "empty_body")]
    pub body: Value,
    /// The region it is addressed to (a global table's replica); absent, the home region.
    #[serde(default)]
    pub region: Option<String>,
    /// Sent through the DAX cluster rather than to the table.
    #[serde(default)]
    pub via: Option<Via>,
    /// Signed as the principal with this access key id (`Dynoscope_PutPrincipal`).
    #[serde(default)]
    pub access_key_id: Option<String>,
}

/// What a request goes through on its way to the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// The DAX cluster in front of the home region's tables.
    Dax,
}

impl Via {
    /// The name the scenario file and the page's send options use.
    pub fn name(self) -> &'static str {
        match self {
            Via::Dax => "dax",
        }
    }
}

fn empty_body() -> Value {
    Value::Object(Default::default())
}

/// A request repeated, e.g. a burst of writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    pub count: u32,
    pub operation: String,
    #[serde(default = "empty_body")]
    pub body: Value,
    /// As [`Request::region`].
    #[serde(default)]
    pub region: Option<String>,
    /// As [`Request::via`].
    #[serde(default)]
    pub via: Option<Via>,
    /// As [`Request::access_key_id`].
    #[serde(default)]
    pub access_key_id: Option<String>,
}

/// A checkpoint: the value a JMESPath expression picks from the step's observation, and
/// the one rule it must satisfy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// JMESPath over the response (or, for a repeated request, over its summary).
    pub path: String,
    #[serde(default)]
    pub equals: Option<Value>,
    #[serde(default)]
    pub at_least: Option<f64>,
    #[serde(default)]
    pub at_most: Option<f64>,
    /// A substring of a string, or an element of a list.
    #[serde(default)]
    pub contains: Option<Value>,
    /// The observation in words, with its arithmetic: what the learner should see.
    pub says: String,
}

/// A multiple-choice question closing the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub ask: String,
    pub choices: Vec<String>,
    /// Index of the right choice, from 0.
    pub answer: usize,
    /// Why it is right, pointing at what the scenario just showed.
    pub why: String,
}

impl Scenario {
    /// Reads a scenario file and checks it; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Scenario, LearnError> {
        let scenario: Scenario =
            toml::from_str(text).map_err(|e| LearnError::new(file, e.to_string().trim_end()))?;
        scenario
            .check()
            .map_err(|(at, message)| LearnError::new(&format!("{file}: {at}"), &message))?;
        Ok(scenario)
    }

    fn check(&self) -> Result<(), (String, String)> {
        let whole = |message: &str| Err((String::from("scenario"), message.to_owned()));
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return whole("id must be kebab-case: lowercase letters, digits and '-'");
        }
        if self.title.trim().is_empty() || self.summary.trim().is_empty() {
            return whole("title and summary must not be empty");
        }
        if self.topics.is_empty() {
            return whole("topics must name at least one topic");
        }
        if let Some(exam) = self
            .exams
            .iter()
            .find(|e| !["SAA", "DVA", "SOA"].contains(&e.as_str()))
        {
            return whole(&format!("exams: unknown exam {exam}; use SAA, DVA or SOA"));
        }
        if self.steps.is_empty() {
            return whole("a scenario needs at least one [[step]]");
        }
        for (n, step) in self.steps.iter().enumerate() {
            let at = || format!("step {} ({:?})", n + 1, step.title);
            step.check().map_err(|m| (at(), m))?;
            if !self.extras && !step.options().is_default() {
                return Err((
                    at(),
                    "region, via and access_key_id need the engine's extras: set `extras = true` at the top of the file".into(),
                ));
            }
        }
        if self.questions.len() < 2 {
            return whole("a scenario closes with at least two [[question]]s");
        }
        for (n, q) in self.questions.iter().enumerate() {
            let at = || format!("question {}", n + 1);
            if q.choices.len() < 2 {
                return Err((at(), "a question needs at least two choices".into()));
            }
            if q.answer >= q.choices.len() {
                return Err((
                    at(),
                    format!(
                        "answer {} is not one of the {} choices (they count from 0)",
                        q.answer,
                        q.choices.len()
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Step {
    fn check(&self) -> Result<(), String> {
        if self.text.trim().is_empty() {
            return Err("text must explain the step".into());
        }
        if self.request.is_some() && self.repeat.is_some() {
            return Err("a step has one action: request or repeat, not both".into());
        }
        if let Some(repeat) = &self.repeat
            && !(1..=MAX_REPEAT).contains(&repeat.count)
        {
            return Err(format!("repeat.count must be 1 to {MAX_REPEAT}"));
        }
        let body = self
            .request
            .as_ref()
            .map(|r| &r.body)
            .or(self.repeat.as_ref().map(|r| &r.body));
        if body.is_some_and(|b| !b.is_object()) {
            return Err("body must be a table (a JSON object)".into());
        }
        let operation = self
            .request
            .as_ref()
            .map(|r| r.operation.as_str())
            .or(self.repeat.as_ref().map(|r| r.operation.as_str()));
        if let Some(operation) = operation {
            check_options(operation, &self.options())?;
        }
        if self.error.is_some() && self.request.is_none() {
            return Err("error names what a request fails with: the step needs a request".into());
        }
        for save in &self.saves {
            if save.name.is_empty()
                || !save
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(format!(
                    "save: name {:?} must be letters, digits and '_'",
                    save.name
                ));
            }
            jmespath::compile(&save.path).map_err(|e| {
                format!(
                    "save {}: path {:?} is not JMESPath: {e}",
                    save.name, save.path
                )
            })?;
        }
        if !self.saves.is_empty() && self.request.is_none() && self.repeat.is_none() {
            return Err("save picks from what an action returned: the step has none".into());
        }
        for (n, expect) in self.expects.iter().enumerate() {
            expect
                .check()
                .map_err(|m| format!("expect {}: {m}", n + 1))?;
        }
        if (self.request.is_some() || self.repeat.is_some())
            && self.expects.is_empty()
            && self.error.is_none()
        {
            return Ok(());
        }
        if self.request.is_none() && self.repeat.is_none() && !self.expects.is_empty() {
            return Err("checkpoints check what an action returned: the step has none".into());
        }
        Ok(())
    }
}

impl Step {
    /// How the step's request (or repeated request) is sent; the default for a step with
    /// none.
    pub fn options(&self) -> CallOptions {
        match (&self.request, &self.repeat) {
            (Some(r), _) => {
                CallOptions::new(r.region.as_deref(), r.via, r.access_key_id.as_deref())
            }
            (None, Some(r)) => {
                CallOptions::new(r.region.as_deref(), r.via, r.access_key_id.as_deref())
            }
            (None, None) => CallOptions::default(),
        }
    }
}

/// The request options' rules: a region named as AWS names them, an access key id of
/// letters and digits, DAX in front of the home region only, and neither DAX nor a
/// principal for the playground's own operations (never authorized, never cached).
fn check_options(operation: &str, options: &CallOptions) -> Result<(), String> {
    if let Some(region) = &options.region
        && !is_region_name(region)
    {
        return Err(format!(
            "region {region:?} is not a region name like us-west-2"
        ));
    }
    if let Some(key) = &options.access_key_id
        && (key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return Err(format!(
            "access_key_id {key:?} must be letters and digits, like AKIDALICE"
        ));
    }
    if options.via.is_some() && options.region.is_some() {
        return Err(
            "a request through DAX names no region: the cluster serves the home region's tables"
                .into(),
        );
    }
    if operation.starts_with("Dynoscope_")
        && (options.via.is_some() || options.access_key_id.is_some())
    {
        return Err(format!(
            "{operation} is the playground's own, never authorized nor cached: it takes no via or access_key_id"
        ));
    }
    Ok(())
}

/// `us-west-2`, `ap-southeast-1`, `us-gov-west-1`: letters, words, then a number.
fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].parse::<u8>().is_ok_and(|n| n > 0)
}

impl Expect {
    fn check(&self) -> Result<(), String> {
        let rules = [
            self.equals.is_some(),
            self.at_least.is_some() || self.at_most.is_some(),
            self.contains.is_some(),
        ];
        if rules.iter().filter(|r| **r).count() != 1 {
            return Err("give one rule: equals, contains, or at_least and/or at_most".into());
        }
        if self.says.trim().is_empty() {
            return Err("says must put the observation in words".into());
        }
        jmespath::compile(&self.path)
            .map(|_| ())
            .map_err(|e| format!("path {:?} is not JMESPath: {e}", self.path))
    }
}
