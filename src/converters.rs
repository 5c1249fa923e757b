//! The model's worker, both ends. Reading Workbench and CloudFormation files, writing every
//! export format ([`dynoscope_model::convert`]), making sample data
//! ([`dynoscope_model::generate`]) and packing and unpacking share links
//! ([`dynoscope_model::link`], with its compression) are a large part of the code yet needed
//! only when a model is imported, exported, applied or shared, so they are built as a second
//! wasm module (the `dynoscope-converters` binary, see `www/index.html`) that runs in a web
//! worker started the first time one is needed. The guided scenarios live there too: read,
//! judged and written as HTML ([`dynoscope_learn`]), while the page sends their requests.
//! [`read`], [`write`], [`items`], [`pack_link`], [`unpack_link`], [`lessons`], [`lesson`],
//! [`calls`], [`judge`] and [`render`] are the page's side: each sends a [`Request`] and
//! waits for its [`Reply`]; [`serve`] is the worker's side. Messages are JSON text. The
//! worker says [`READY`] once it listens; requests made before that wait in a queue. If the
//! worker fails (cannot load, traps), every waiting request is answered with an error and
//! the next request starts a new worker.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use dynoscope_learn::play::Outcome as RequestOutcome;
use dynoscope_learn::{Call, StepReport};
use dynoscope_model::model::ItemJson;
use dynoscope_model::{Model, ModelError, ModelTable};
use futures_channel::oneshot;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Where the worker's loader is served (Trunk writes it beside `index.html`).
const WORKER_URL: &str = "/dynoscope-converters_loader.js";

/// What the worker posts once it listens.
pub const READY: &str = "ready";

/// A job for the worker.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Job {
    /// Read a file of any supported kind.
    Read { text: String },
    /// Write `model` in `format`.
    Write { model: Model, format: String },
    /// Make the items a table of a model loads (its own, then generated ones).
    Items { table: ModelTable },
    /// Pack a model into a share link's fragment.
    Pack { model: Model },
    /// Unpack a share link's fragment (hostile input) into a model.
    Unpack { fragment: String },
    /// Read the bundled sample model `id` (the page lists the samples without their files).
    Sample { id: String },
    /// The bundled guided scenarios, listed.
    Lessons,
    /// What playing scenario `id` needs: its header, prelude and size.
    Lesson { id: String, in_workspace: bool },
    /// The requests step `step` of scenario `id` sends, given what earlier steps saved.
    Calls {
        id: String,
        step: usize,
        saved: serde_json::Map<String, serde_json::Value>,
    },
    /// Judge what step `step` of scenario `id` came to.
    Judge {
        id: String,
        step: usize,
        outcomes: Vec<RequestOutcome>,
    },
    /// The steps and questions of scenario `id` as the player stands.
    Render {
        id: String,
        next: usize,
        reports: Vec<StepReport>,
        can_run: bool,
        picked: Vec<Option<usize>>,
    },
    /// Read an AWS CLI line: its first call, or what it prints without calling anything.
    CliStart { line: String, region: String },
    /// Hand a CLI run (as the worker gave it) the outcome of its call.
    CliResume {
        state: serde_json::Value,
        outcome: Result<serde_json::Value, serde_json::Value>,
    },
    /// Read an attribute's generator settings, as typed in the model form.
    CheckGenerator { text: String },
    /// Tab suggestions for the end of a CLI line.
    CliComplete { line: String, tables: Vec<String> },
    /// Input for one of the panels the worker writes ([`crate::panels`]): the Query and
    /// Scan builder, the load generator. Input and output are JSON, so a panel costs the
    /// page no serde code of its own.
    Panel {
        panel: String,
        input: serde_json::Value,
    },
    /// One request written as code in every language the page offers, as the "Code"
    /// panel's HTML.
    Code {
        operation: String,
        request: serde_json::Value,
    },
}

/// One scenario as the Learn view's list and `window.dynoscope.scenarios.list()` show it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LessonEntry {
    pub id: String,
    pub title: String,
    pub topics: Vec<String>,
}

/// What playing a scenario needs on the page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LessonPlan {
    pub id: String,
    /// The title, topics, summary and where it runs, as HTML.
    pub header: String,
    pub steps: usize,
    pub questions: usize,
    pub prelude: Vec<Call>,
}

/// A job with the number its reply will carry.
#[derive(Debug, Serialize, Deserialize)]
pub struct Request {
    pub id: u32,
    pub job: Job,
}

/// What a job came to.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Read {
        model: Model,
        format: String,
    },
    Written {
        text: String,
    },
    Items {
        items: Vec<ItemJson>,
    },
    Lessons {
        list: Vec<LessonEntry>,
        html: String,
    },
    Lesson {
        plan: LessonPlan,
    },
    Calls {
        calls: Vec<Call>,
    },
    Judged {
        report: StepReport,
    },
    Rendered {
        steps: String,
        questions: String,
    },
    /// A CLI run's next call (`{operation, request}`) with the state to resume it from, or
    /// what it printed (`{exitCode, stdout, stderr}`) with its log entry's HTML. Kept as JSON
    /// here so the page carries no CLI types.
    CliStep {
        call: Option<serde_json::Value>,
        state: Option<serde_json::Value>,
        printed: Option<serde_json::Value>,
        html: Option<String>,
    },
    /// What a panel came to, as JSON.
    Panel {
        output: serde_json::Value,
    },
    Completion {
        start: usize,
        candidates: Vec<String>,
    },
    Failed {
        location: String,
        message: String,
    },
}

/// A job's outcome, numbered as its request was.
#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    pub id: u32,
    pub outcome: Outcome,
}

/// Reads a file of any supported kind into a model, in the worker; names the kind.
pub async fn read(text: String) -> Result<(Model, String), ModelError> {
    match run(Job::Read { text }).await? {
        Outcome::Read { model, format } => Ok((model, format)),
        other => Err(unexpected(&other)),
    }
}

/// Writes `model` in `format`, in the worker.
pub async fn write(model: Model, format: String) -> Result<String, ModelError> {
    match run(Job::Write { model, format }).await? {
        Outcome::Written { text } => Ok(text),
        other => Err(unexpected(&other)),
    }
}

/// The items `table` loads: its own sample items, then what its entities generate, made in
/// the worker.
pub async fn items(table: ModelTable) -> Result<Vec<ItemJson>, ModelError> {
    match run(Job::Items { table }).await? {
        Outcome::Items { items } => Ok(items),
        other => Err(unexpected(&other)),
    }
}

/// `model` packed as a share link's fragment (without the `#`), in the worker.
pub async fn pack_link(model: Model) -> Result<String, ModelError> {
    match run(Job::Pack { model }).await? {
        Outcome::Written { text } => Ok(text),
        other => Err(unexpected(&other)),
    }
}

/// The model a share link's fragment carries, checked and unpacked in the worker.
pub async fn unpack_link(fragment: String) -> Result<Model, ModelError> {
    match run(Job::Unpack { fragment }).await? {
        Outcome::Read { model, .. } => Ok(model),
        other => Err(unexpected(&other)),
    }
}

/// The bundled sample model `id`, read in the worker.
pub async fn sample(id: String) -> Result<Model, ModelError> {
    match run(Job::Sample { id }).await? {
        Outcome::Read { model, .. } => Ok(model),
        other => Err(unexpected(&other)),
    }
}

/// The bundled guided scenarios: each one's entry, and the list as HTML.
pub async fn lessons() -> Result<(Vec<LessonEntry>, String), ModelError> {
    match run(Job::Lessons).await? {
        Outcome::Lessons { list, html } => Ok((list, html)),
        other => Err(unexpected(&other)),
    }
}

/// What playing scenario `id` needs.
pub async fn lesson(id: String, in_workspace: bool) -> Result<LessonPlan, ModelError> {
    match run(Job::Lesson { id, in_workspace }).await? {
        Outcome::Lesson { plan } => Ok(plan),
        other => Err(unexpected(&other)),
    }
}

/// The requests step `step` of scenario `id` sends, given what earlier steps saved.
pub async fn calls(
    id: String,
    step: usize,
    saved: serde_json::Map<String, serde_json::Value>,
) -> Result<Vec<Call>, ModelError> {
    match run(Job::Calls { id, step, saved }).await? {
        Outcome::Calls { calls } => Ok(calls),
        other => Err(unexpected(&other)),
    }
}

/// How step `step` of scenario `id` went, given what its calls came to; its checkpoints
/// (JMESPath) are evaluated in the worker.
pub async fn judge(
    id: String,
    step: usize,
    outcomes: Vec<RequestOutcome>,
) -> Result<StepReport, ModelError> {
    match run(Job::Judge { id, step, outcomes }).await? {
        Outcome::Judged { report } => Ok(report),
        other => Err(unexpected(&other)),
    }
}

/// The steps and questions of scenario `id` as HTML, as the player stands.
pub async fn render(
    id: String,
    next: usize,
    reports: Vec<StepReport>,
    can_run: bool,
    picked: Vec<Option<usize>>,
) -> Result<(String, String), ModelError> {
    match run(Job::Render {
        id,
        next,
        reports,
        can_run,
        picked,
    })
    .await?
    {
        Outcome::Rendered { steps, questions } => Ok((steps, questions)),
        other => Err(unexpected(&other)),
    }
}

/// Runs `panel` of [`crate::panels`] on `input`, in the worker.
pub async fn panel(panel: &str, input: serde_json::Value) -> Result<serde_json::Value, ModelError> {
    let job = Job::Panel {
        panel: panel.to_owned(),
        input,
    };
    match run(job).await? {
        Outcome::Panel { output } => Ok(output),
        other => Err(unexpected(&other)),
    }
}

/// Reads an AWS CLI line in the worker: the first call to send, or what the line prints.
pub async fn cli_start(line: String, region: String) -> Result<CliStep, ModelError> {
    cli_step(run(Job::CliStart { line, region }).await?)
}

/// Hands a CLI run the outcome of its call (the response, or the error body).
pub async fn cli_resume(
    state: serde_json::Value,
    outcome: Result<serde_json::Value, serde_json::Value>,
) -> Result<CliStep, ModelError> {
    cli_step(run(Job::CliResume { state, outcome }).await?)
}

/// Where a CLI run stands.
pub enum CliStep {
    /// Send `request` as `operation` (to `region`, when the line named another than the
    /// home region), then resume from `state`.
    Send {
        operation: String,
        request: serde_json::Value,
        region: Option<String>,
        state: serde_json::Value,
    },
    /// Done: what it printed (`{exitCode, stdout, stderr}`) and its log entry's HTML.
    Done {
        printed: serde_json::Value,
        html: String,
    },
}

fn cli_step(outcome: Outcome) -> Result<CliStep, ModelError> {
    match outcome {
        Outcome::CliStep {
            call: Some(mut call),
            state: Some(state),
            ..
        } => Ok(CliStep::Send {
            operation: call["operation"].as_str().unwrap_or_default().to_owned(),
            request: call["request"].take(),
            region: call["region"].as_str().map(str::to_owned),
            state,
        }),
        Outcome::CliStep {
            printed: Some(printed),
            html,
            ..
        } => Ok(CliStep::Done {
            printed,
            html: html.unwrap_or_default(),
        }),
        other => Err(unexpected(&other)),
    }
}

/// Tab suggestions for the end of `line`: where the word being completed starts, and what
/// may replace it.
pub async fn cli_complete(
    line: String,
    tables: Vec<String>,
) -> Result<(usize, Vec<String>), ModelError> {
    match run(Job::CliComplete { line, tables }).await? {
        Outcome::Completion { start, candidates } => Ok((start, candidates)),
        other => Err(unexpected(&other)),
    }
}

/// Reads generator settings typed in the model form: the settings as JSON, or why they are
/// not a generator (the parser lives in the worker, so the page carries none).
pub async fn check_generator(text: String) -> Result<serde_json::Value, ModelError> {
    match run(Job::CheckGenerator { text }).await? {
        Outcome::Written { text } => serde_json::from_slice(text.as_bytes())
            .map_err(|e| ModelError::whole(format!("unreadable settings: {e}"))),
        other => Err(unexpected(&other)),
    }
}

/// The "Code" panel's HTML for `request` to `operation`: a tab per language.
pub async fn code_html(
    operation: String,
    request: serde_json::Value,
) -> Result<String, ModelError> {
    match run(Job::Code { operation, request }).await? {
        Outcome::Written { text } => Ok(text),
        other => Err(unexpected(&other)),
    }
}

fn unexpected(outcome: &Outcome) -> ModelError {
    ModelError::whole(format!("the converters answered out of turn: {outcome:?}"))
}

/// The page's connection to the worker.
struct Client {
    worker: web_sys::Worker,
    ready: bool,
    /// Requests waiting for the worker to listen.
    queue: Vec<String>,
    pending: HashMap<u32, oneshot::Sender<Outcome>>,
    next_id: u32,
}

thread_local! {
    static CLIENT: RefCell<Option<Rc<RefCell<Client>>>> = const { RefCell::new(None) };
}

async fn run(job: Job) -> Result<Outcome, ModelError> {
    let client = client()?;
    let (sender, receiver) = oneshot::channel();
    {
        let mut c = client.borrow_mut();
        let id = c.next_id;
        c.next_id += 1;
        let text = serde_json::to_string(&Request { id, job })
            .map_err(|e| ModelError::whole(format!("the request could not be written: {e}")))?;
        c.pending.insert(id, sender);
        if c.ready {
            post(&c.worker, &text)?;
        } else {
            c.queue.push(text);
        }
    }
    let outcome = receiver
        .await
        .map_err(|_| ModelError::whole("the converters stopped before answering; try again"))?;
    match outcome {
        Outcome::Failed { location, message } => Err(ModelError { location, message }),
        done => Ok(done),
    }
}

fn post(worker: &web_sys::Worker, text: &str) -> Result<(), ModelError> {
    worker
        .post_message(&JsValue::from_str(text))
        .map_err(|e| ModelError::whole(format!("the converters could not be reached: {e:?}")))
}

/// The running worker, started if there is none.
fn client() -> Result<Rc<RefCell<Client>>, ModelError> {
    if let Some(client) = CLIENT.with_borrow(Clone::clone) {
        return Ok(client);
    }
    let worker = web_sys::Worker::new(WORKER_URL)
        .map_err(|e| ModelError::whole(format!("the converters could not be started: {e:?}")))?;
    let client = Rc::new(RefCell::new(Client {
        worker: worker.clone(),
        ready: false,
        queue: Vec::new(),
        pending: HashMap::new(),
        next_id: 1,
    }));
    let on_message = {
        let client = Rc::downgrade(&client);
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let (Some(client), Some(text)) = (client.upgrade(), ev.data().as_string()) else {
                return;
            };
            receive(&client, &text);
        })
    };
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        ev.prevent_default();
        fail_all();
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // The worker lives as long as the page (or until it fails and is replaced).
    on_message.forget();
    on_error.forget();
    CLIENT.with_borrow_mut(|c| *c = Some(client.clone()));
    Ok(client)
}

/// Handles one message from the worker: the ready signal or a reply.
fn receive(client: &Rc<RefCell<Client>>, text: &str) {
    let mut c = client.borrow_mut();
    if text == READY {
        c.ready = true;
        for request in std::mem::take(&mut c.queue) {
            let _ = post(&c.worker, &request);
        }
        return;
    }
    let Ok(reply) = serde_json::from_slice::<Reply>(text.as_bytes()) else {
        return;
    };
    if let Some(sender) = c.pending.remove(&reply.id) {
        let _ = sender.send(reply.outcome);
    }
}

/// The worker failed: drop it (its waiting requests then fail) so the next call starts anew.
fn fail_all() {
    if let Some(client) = CLIENT.with_borrow_mut(Option::take) {
        let c = client.borrow();
        c.worker.terminate();
    }
}

/// The worker's side: answers each request with the converters' outcome.
pub fn serve() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let Some(text) = ev.data().as_string() else {
                return;
            };
            let _ = replies.post_message(&JsValue::from_str(&answer(&text)));
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
}

/// The reply to one request's text.
fn answer(text: &str) -> String {
    let request: Request = match serde_json::from_slice(text.as_bytes()) {
        Ok(request) => request,
        Err(e) => {
            return reply_text(Reply {
                id: 0,
                outcome: failed(ModelError::whole(format!("unreadable request: {e}"))),
            });
        }
    };
    let outcome = match request.job {
        Job::Read { text } => match dynoscope_model::convert::read(&text) {
            Ok((model, format)) => Outcome::Read {
                model,
                format: format.to_owned(),
            },
            Err(e) => failed(e),
        },
        Job::Write { model, format } => match dynoscope_model::convert::write(&model, &format) {
            Ok(text) => Outcome::Written { text },
            Err(e) => failed(e),
        },
        Job::Items { table } => match dynoscope_model::convert::items_of(&table) {
            Ok(items) => Outcome::Items { items },
            Err(e) => failed(e),
        },
        Job::Pack { model } => match dynoscope_model::link::encode_compact(&model) {
            Ok(text) => Outcome::Written { text },
            Err(e) => failed(e),
        },
        Job::Lessons => match dynoscope_learn::catalog::all() {
            Ok(all) => Outcome::Lessons {
                list: all
                    .iter()
                    .map(|s| LessonEntry {
                        id: s.id.clone(),
                        title: s.title.clone(),
                        topics: s.topics.clone(),
                    })
                    .collect(),
                html: dynoscope_learn::html::list(all),
            },
            Err(e) => failed(ModelError::at(e.location, e.message)),
        },
        Job::Lesson { id, in_workspace } => match scenario(&id) {
            Ok(s) => Outcome::Lesson {
                plan: LessonPlan {
                    id: s.id.clone(),
                    header: dynoscope_learn::html::header(s, in_workspace),
                    steps: s.steps.len(),
                    questions: s.questions.len(),
                    prelude: dynoscope_learn::play::prelude(s),
                },
            },
            Err(e) => failed(e),
        },
        Job::Calls { id, step, saved } => match scenario_step(&id, step) {
            Ok(step) => Outcome::Calls {
                calls: step.calls(&saved),
            },
            Err(e) => failed(e),
        },
        Job::Judge { id, step, outcomes } => match scenario_step(&id, step) {
            Ok(step) => Outcome::Judged {
                report: step.judge(outcomes),
            },
            Err(e) => failed(e),
        },
        Job::Render {
            id,
            next,
            reports,
            can_run,
            picked,
        } => match scenario(&id) {
            Ok(s) => Outcome::Rendered {
                steps: dynoscope_learn::html::steps(s, next, &reports, can_run),
                questions: if next >= s.steps.len() {
                    dynoscope_learn::html::questions(s, &picked)
                } else {
                    String::new()
                },
            },
            Err(e) => failed(e),
        },
        Job::CliStart { line, region } => {
            let step = dynoscope_cli::start(&line, &dynoscope_cli::Settings { region });
            cli_outcome(line, step)
        }
        Job::CliResume { state, outcome } => match serde_json::from_value::<CliState>(state) {
            Ok(CliState { line, run }) => {
                let outcome = outcome.map_err(|body| dynoscope_cli::Failure::from_body(&body));
                cli_outcome(line, run.resume(outcome))
            }
            Err(e) => failed(ModelError::whole(format!("unreadable CLI run: {e}"))),
        },
        Job::CliComplete { line, tables } => {
            let completion = dynoscope_cli::complete(&line, &tables);
            Outcome::Completion {
                start: completion.start,
                candidates: completion.candidates,
            }
        }
        Job::CheckGenerator { text } => {
            match serde_json::from_slice::<dynoscope_model::generate::Generator>(text.as_bytes()) {
                Ok(generator) => Outcome::Written {
                    text: serde_json::to_string(&generator).expect("a generator serialises"),
                },
                Err(e) => failed(ModelError::whole(e.to_string())),
            }
        }
        Job::Panel { panel, input } => match crate::panels::run(&panel, input) {
            Ok(output) => Outcome::Panel { output },
            Err(e) => failed(e),
        },
        Job::Code { operation, request } => Outcome::Written {
            text: code_panel(&operation, &request),
        },
        Job::Sample { id } => match dynoscope_model::samples::json(&id)
            .ok_or_else(|| ModelError::whole(format!("there is no sample model called {id}")))
            .and_then(Model::from_json)
        {
            Ok(model) => Outcome::Read {
                model,
                format: "dynoscope".to_owned(),
            },
            Err(e) => failed(e),
        },
        Job::Unpack { fragment } => match dynoscope_model::link::decode(&fragment) {
            Ok(model) => Outcome::Read {
                model,
                format: "link".to_owned(),
            },
            Err(e) => failed(e),
        },
    };
    reply_text(Reply {
        id: request.id,
        outcome,
    })
}

/// A CLI run between calls, as the worker hands it to the page and takes it back.
#[derive(Serialize, Deserialize)]
struct CliState {
    line: String,
    run: dynoscope_cli::Run,
}

fn cli_outcome(line: String, step: dynoscope_cli::Step) -> Outcome {
    match step {
        dynoscope_cli::Step::Send { call, run } => Outcome::CliStep {
            call: Some(serde_json::json!({"operation": call.operation, "request": call.request})),
            state: Some(
                serde_json::to_value(CliState { line, run: *run }).expect("a CLI run serialises"),
            ),
            printed: None,
            html: None,
        },
        dynoscope_cli::Step::Done { printed, calls } => Outcome::CliStep {
            call: None,
            state: None,
            html: Some(dynoscope_cli::html::entry(&line, &printed, &calls)),
            printed: Some(serde_json::to_value(&printed).expect("printed output serialises")),
        },
    }
}

/// The "Code" panel for one request: the AWS SDK for JavaScript v3, boto3 and the AWS CLI.
fn code_panel(operation: &str, request: &serde_json::Value) -> String {
    use dynoscope_codegen::{Language, generate};
    let sdk = |language| generate(language, operation, request).map_err(|e| e.to_string());
    dynoscope_codegen::html::panel(&[
        ("JavaScript (SDK v3)".into(), sdk(Language::JavaScript)),
        ("Python (boto3)".into(), sdk(Language::Python)),
        ("AWS CLI".into(), dynoscope_cli::to_line(operation, request)),
    ])
}

/// The bundled scenario `id`.
fn scenario(id: &str) -> Result<&'static dynoscope_learn::Scenario, ModelError> {
    dynoscope_learn::catalog::find(id)
        .ok_or_else(|| ModelError::whole(format!("there is no scenario called {id}")))
}

/// Step `step` of the bundled scenario `id`.
fn scenario_step(id: &str, step: usize) -> Result<&'static dynoscope_learn::Step, ModelError> {
    scenario(id)?
        .steps
        .get(step)
        .ok_or_else(|| ModelError::whole(format!("the scenario {id} has no step {}", step + 1)))
}

fn failed(e: ModelError) -> Outcome {
    Outcome::Failed {
        location: e.location,
        message: e.message,
    }
}

fn reply_text(reply: Reply) -> String {
    serde_json::to_string(&reply).expect("models and strings always serialise")
}
