//! Reading one `aws ...` line as AWS CLI v2 reads it: the global options (anywhere on the
//! line), the service and the command, then the command's options, each value unpacked by its
//! shape (JSON, shorthand, a list of words, a number, a flag), checked as botocore checks it and
//! put in wire form. The result is the request to send, or what the CLI prints instead (help,
//! a skeleton, or an error with the CLI's words and exit code).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::convert::{BinaryFormat, back_compat, python_float, python_int, to_wire};
use crate::model::{self, Kind, Operation, Service};
use crate::render::Format;
use crate::{Printed, Settings, help, pyjson, run, shorthand, validate};

/// A command ready to run: the request and how to print what comes back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invocation {
    /// `dynamodb` or `dynamodbstreams`.
    pub service: String,
    pub operation: String,
    pub request: Value,
    pub format: Format,
    pub query: Option<String>,
    /// How to page, when the command pages (it does unless `--no-paginate`, or the line
    /// sets the paging parameters itself).
    pub paging: Option<Paging>,
    /// What the CLI warns about before it sends anything (printed ahead of whatever follows).
    #[serde(default)]
    pub warning: String,
    /// `aws dynamodb wait <command>`: the waiter (`TableExists`) that sends the request
    /// again until one of its acceptors decides.
    #[serde(default)]
    pub waiter: Option<String>,
    /// `--region`, when it names another region than the engine's home region (a global
    /// table's replica there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// The CLI's paging options.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Paging {
    pub page_size: Option<i64>,
    pub max_items: Option<i64>,
    pub starting_token: Option<String>,
    /// The starting token as botocore reads it: the paging parameters it carries (each input
    /// token, `null` when none)...
    #[serde(default)]
    pub token: Map<String, Value>,
    /// ...and how many of the first page's results it skips.
    #[serde(default)]
    pub truncation: i64,
}

/// What a line comes to.
pub enum Parsed {
    Run(Box<Invocation>),
    Print(Printed),
}

const USAGE: &str = "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n";

/// The exit code of a line the CLI could not read (AWS CLI v2).
pub const USAGE_ERROR: i32 = 252;

/// An argparse error: AWS CLI v2 prints the exception between blank lines.
fn usage_error(message: &str) -> Parsed {
    Parsed::Print(Printed::error(
        USAGE_ERROR,
        format!("\n{USAGE}\naws: error: {message}\n\n"),
    ))
}

/// Words nothing on the line takes: AWS CLI v2's `UnknownArgumentError`.
fn unknown_options(words: &[String]) -> Parsed {
    Parsed::Print(Printed::error(
        USAGE_ERROR,
        format!("\n{USAGE}\nUnknown options: {}\n\n", words.join(", ")),
    ))
}

/// A client-side error AWS CLI v2 prints as it is, between newlines, with exit code 252.
fn validation_error(message: &str) -> Printed {
    Printed::error(USAGE_ERROR, format!("\n{message}\n"))
}

/// An error that is none of the CLI's own (a Python `ValueError` and the like): exit code 255.
fn general_error(message: &str) -> Printed {
    Printed::error(255, format!("\n{message}\n"))
}

/// `--output`'s choices in AWS CLI v2.
const OUTPUT_CHOICES: &[&str] = &["json", "text", "table", "yaml", "yaml-stream", "off"];

fn param_error(option: &str, message: &str) -> Printed {
    Printed::error(
        USAGE_ERROR,
        format!("\nError parsing parameter '{option}': {message}\n"),
    )
}

/// Global options that take a value.
const GLOBAL_VALUES: &[&str] = &[
    "output",
    "query",
    "region",
    "profile",
    "endpoint-url",
    "color",
    "cli-binary-format",
    "ca-bundle",
    "cli-read-timeout",
    "cli-connect-timeout",
];

/// Why the page cannot honour a global option.
fn unsupported_global(name: &str, settings: &Settings) -> Option<String> {
    let why = match name {
        "profile" => {
            "the page has no AWS profiles: every request goes to the engine in this tab, which needs no credentials."
        }
        "endpoint-url" => "the endpoint is the engine in this tab; there is no other to send to.",
        "debug" => "the page has no debug log; the request each line became is shown beside it.",
        "no-verify-ssl" | "ca-bundle" | "no-sign-request" => {
            "requests never leave the tab, so there is no TLS or signing to configure."
        }
        "cli-read-timeout" | "cli-connect-timeout" => {
            "the engine answers in the tab at once, so there is no timeout to set."
        }
        "cli-auto-prompt" | "no-cli-auto-prompt" => {
            "the console completes commands and options with Tab instead."
        }
        "cli-input-yaml" => "paste the same input as JSON with --cli-input-json.",
        _ => return None,
    };
    Some(format!(
        "--{name} is not available here: {why} (This engine serves region {}.)",
        settings.region
    ))
}

/// Reads `line`.
pub fn parse(line: &str, settings: &Settings) -> Parsed {
    let Some(words) = shlex::split(&join_continued_lines(line)) else {
        return usage_error("the line has a quote that is never closed");
    };
    let mut words = words.into_iter();
    match words.next().as_deref() {
        Some("aws") => {}
        None => return Parsed::Print(Printed::default()),
        Some(other) => {
            return usage_error(&format!(
                "lines start with `aws`, e.g. `aws dynamodb list-tables` (not `{other}`)"
            ));
        }
    }
    let mut globals = Globals::default();
    let mut positional = Vec::new();
    let mut rest: Vec<String> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut words = words.peekable();
    while let Some(word) = words.next() {
        if positional.len() == 2 {
            rest.push(word);
            rest.extend(words.by_ref());
            break;
        }
        if let Some(name) = word.strip_prefix("--") {
            let (name, inline) = split_inline(name);
            match globals.take(name, inline, &mut words, settings) {
                Taken::Yes => continue,
                Taken::Error(parsed) => return *parsed,
                Taken::No => {
                    unknown.push(word);
                    continue;
                }
            }
        }
        if word == "help" {
            return Parsed::Print(help::help(
                positional.first().map(String::as_str),
                positional.get(1).map(String::as_str),
            ));
        }
        positional.push(word);
    }
    if globals.version {
        return Parsed::Print(Printed::out(help::version()));
    }
    let Some(service_name) = positional.first() else {
        return Parsed::Print(help::help(None, None));
    };
    let Some(service) = model::service(service_name) else {
        return usage_error(&format!(
            "argument command: Invalid choice '{service_name}': the console serves the dynamodb and dynamodbstreams commands"
        ));
    };
    let Some(command) = positional.get(1) else {
        return usage_error("the following arguments are required: operation");
    };
    if command == "wait" && !service.waiters.is_empty() {
        return parse_wait(service, rest, unknown, globals, settings);
    }
    let Some((operation_name, operation)) = service.command(command) else {
        return usage_error(&help::invalid_command(service, command));
    };
    parse_options(
        service,
        operation_name,
        operation,
        rest,
        unknown,
        globals,
        settings,
    )
}

/// `aws <service> wait <waiter> [options]`: the waiter's operation, read as that command
/// is, and sent again until the waiter decides. The console sends again at once rather than
/// after the waiter's 20 s: nothing in the tab changes while it would wait, but the clock.
fn parse_wait(
    service: &Service,
    mut words: Vec<String>,
    unknown: Vec<String>,
    globals: Globals,
    settings: &Settings,
) -> Parsed {
    if words.first().is_none_or(|w| w.starts_with("--")) {
        return usage_error("the following arguments are required: subcommand");
    }
    let name = words.remove(0);
    let Some((waiter_name, waiter)) = service.waiter(&name) else {
        let choices: Vec<&str> = service
            .waiters
            .values()
            .map(|w| w.command.as_str())
            .collect();
        return usage_error(&help::invalid_choice("subcommand", &name, &choices));
    };
    let Some(operation) = service.operations.get(&waiter.operation) else {
        return usage_error(&format!("the waiter {waiter_name} has no operation"));
    };
    match parse_options(
        service,
        &waiter.operation,
        operation,
        words,
        unknown,
        globals,
        settings,
    ) {
        Parsed::Run(mut invocation) => {
            invocation.waiter = Some(waiter_name.to_owned());
            invocation.paging = None;
            Parsed::Run(invocation)
        }
        printed => printed,
    }
}

/// The line with each backslash-newline outside single quotes removed, as a shell joins a
/// command written over several lines.
fn join_continued_lines(line: &str) -> String {
    let mut joined = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    let mut single_quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' => single_quoted = !single_quoted,
            '\\' if !single_quoted => {
                if chars.next_if_eq(&'\r').is_some() | chars.next_if_eq(&'\n').is_some() {
                    continue;
                }
                joined.push(c);
                if let Some(escaped) = chars.next() {
                    joined.push(escaped);
                }
                continue;
            }
            _ => {}
        }
        joined.push(c);
    }
    joined
}

fn split_inline(name: &str) -> (&str, Option<String>) {
    match name.split_once('=') {
        Some((name, value)) => (name, Some(value.to_owned())),
        None => (name, None),
    }
}

#[derive(Default)]
struct Globals {
    format: Format,
    query: Option<String>,
    no_paginate: bool,
    binary: BinaryFormat,
    version: bool,
    region: Option<String>,
}

enum Taken {
    Yes,
    No,
    Error(Box<Parsed>),
}

impl Globals {
    /// Takes the global option `--name` (with its value) if it is one.
    fn take(
        &mut self,
        name: &str,
        inline: Option<String>,
        words: &mut dyn Iterator<Item = String>,
        settings: &Settings,
    ) -> Taken {
        let value = if GLOBAL_VALUES.contains(&name) {
            match inline.or_else(|| words.next()) {
                Some(value) => Some(value),
                None => {
                    return Taken::Error(Box::new(usage_error(&format!(
                        "argument --{name}: expected one argument"
                    ))));
                }
            }
        } else {
            None
        };
        match (name, value.as_deref()) {
            ("output", Some(format)) => match Format::parse(format) {
                Some(format) => self.format = format,
                None if OUTPUT_CHOICES.contains(&format) => {
                    return Taken::Error(Box::new(usage_error(&format!(
                        "argument --output: {format} is not available here; choose from 'json', 'text', 'table'"
                    ))));
                }
                None => {
                    return Taken::Error(Box::new(usage_error(&help::invalid_choice(
                        "--output",
                        format,
                        OUTPUT_CHOICES,
                    ))));
                }
            },
            ("query", Some(query)) => {
                if let Err(e) = crate::render::compile_query(query) {
                    return Taken::Error(Box::new(Parsed::Print(validation_error(&format!(
                        "Bad value for --query {query}: {e}"
                    )))));
                }
                self.query = Some(query.to_owned());
            }
            ("region", Some(region)) if region == settings.region => self.region = None,
            // Another region: where a global table's replicas live (a table that has none
            // there is not found, as on AWS).
            ("region", Some(region)) => self.region = Some(region.to_owned()),
            ("color", Some("on" | "off" | "auto")) => {}
            ("color", Some(other)) => {
                return Taken::Error(Box::new(usage_error(&format!(
                    "argument --color: Invalid choice: '{other}' (choose from 'on', 'off', 'auto')"
                ))));
            }
            ("cli-binary-format", Some("base64")) => self.binary = BinaryFormat::Base64,
            ("cli-binary-format", Some("raw-in-base64-out")) => self.binary = BinaryFormat::Raw,
            ("cli-binary-format", Some(other)) => {
                return Taken::Error(Box::new(usage_error(&format!(
                    "argument --cli-binary-format: Invalid choice: '{other}' (choose from 'base64', 'raw-in-base64-out')"
                ))));
            }
            ("no-paginate", None) => self.no_paginate = true,
            ("no-cli-pager", None) => {}
            ("version", None) => self.version = true,
            (other, _) => match unsupported_global(other, settings) {
                Some(why) => {
                    return Taken::Error(Box::new(Parsed::Print(Printed::error(
                        USAGE_ERROR,
                        format!("\n{why}\n"),
                    ))));
                }
                None => return Taken::No,
            },
        }
        Taken::Yes
    }
}

/// The options of one command, as typed: `(member, words)`.
struct Typed {
    values: Vec<(String, String, Vec<String>)>,
    flags: Vec<(String, bool)>,
    input_json: Option<String>,
    skeleton: bool,
    paging: Paging,
    /// Whether the line sets a paginator's own parameter (its token or limit), which turns
    /// paging off.
    paging_given: bool,
    unknown: Vec<String>,
}

fn parse_options(
    service: &Service,
    operation_name: &str,
    operation: &Operation,
    words: Vec<String>,
    unknown: Vec<String>,
    mut globals: Globals,
    settings: &Settings,
) -> Parsed {
    let input = operation.input.as_deref().map(|name| service.shape(name));
    let mut typed = Typed {
        values: Vec::new(),
        flags: Vec::new(),
        input_json: None,
        skeleton: false,
        paging: Paging::default(),
        paging_given: false,
        unknown,
    };
    let mut words = words.into_iter().peekable();
    while let Some(word) = words.next() {
        if word == "help" && words.peek().is_none() {
            return Parsed::Print(help::help(Some(&service.service), Some(&operation.command)));
        }
        let Some(name) = word.strip_prefix("--") else {
            typed.unknown.push(word);
            continue;
        };
        let (name, inline) = split_inline(name);
        let option = operation.options.iter().find(|(cli, _)| cli == name);
        let negated = name
            .strip_prefix("no-")
            .and_then(|base| operation.options.iter().find(|(cli, _)| cli == base));
        let member_kind = |member: &str| {
            input
                .and_then(|shape| service.member(shape, member))
                .map(|shape| service.shape(shape).kind)
        };
        if let Some((cli, member)) = option.or(negated) {
            let kind = member_kind(member).expect("an option names a member");
            if kind == Kind::Boolean {
                typed.flags.push((member.clone(), option.is_some()));
                continue;
            }
            if negated.is_some() && option.is_none() {
                typed.unknown.push(word.clone());
                continue;
            }
            let mut values: Vec<String> = inline.into_iter().collect();
            if values.is_empty() {
                if kind == Kind::List {
                    while let Some(next) = words.next_if(|w| !w.starts_with("--")) {
                        values.push(next);
                    }
                } else if let Some(next) = words.next_if(|w| !w.starts_with("--")) {
                    values.push(next);
                }
            }
            if values.is_empty() {
                let expected = if kind == Kind::List {
                    "expected at least one argument"
                } else {
                    "expected one argument"
                };
                return usage_error(&format!("argument --{cli}: {expected}"));
            }
            if let Some(paginator) = &operation.paginator
                && (paginator.input_token == *member
                    || paginator.limit_key.as_deref() == Some(member))
            {
                typed.paging_given = true;
            }
            typed.values.retain(|(m, _, _)| m != member);
            typed.values.push((member.clone(), cli.clone(), values));
            continue;
        }
        let value = |words: &mut std::iter::Peekable<std::vec::IntoIter<String>>| {
            inline
                .clone()
                .or_else(|| words.next_if(|w| !w.starts_with("--")))
        };
        match name {
            "cli-input-json" => match value(&mut words) {
                Some(json) => typed.input_json = Some(json),
                None => return usage_error("argument --cli-input-json: expected one argument"),
            },
            "generate-cli-skeleton" => {
                let which = words.next_if(|w| w == "input" || w == "output" || w == "yaml-input");
                if which.as_deref().is_some_and(|w| w != "input") {
                    return usage_error(
                        "argument --generate-cli-skeleton: the console writes the input skeleton only",
                    );
                }
                typed.skeleton = true;
            }
            "page-size" | "max-items" | "starting-token" if operation.paginator.is_some() => {
                let Some(text) = value(&mut words) else {
                    return usage_error(&format!("argument --{name}: expected one argument"));
                };
                if name == "starting-token" {
                    typed.paging.starting_token = Some(text);
                    continue;
                }
                // argparse reads these with `int`.
                let Some(n) = python_int(&text) else {
                    return usage_error(&format!(
                        "argument --{name}: invalid int value: {}",
                        help::python_str_repr(&text)
                    ));
                };
                if name == "page-size" {
                    typed.paging.page_size = Some(n);
                } else {
                    typed.paging.max_items = Some(n);
                }
            }
            _ => match globals.take(name, inline.clone(), &mut words, settings) {
                Taken::Yes => {}
                Taken::Error(parsed) => return *parsed,
                Taken::No => typed.unknown.push(word.clone()),
            },
        }
    }
    // argparse checks the required options first; --cli-input-json and
    // --generate-cli-skeleton make them optional.
    if typed.input_json.is_none()
        && !typed.skeleton
        && let Some(shape) = input
    {
        let given: Vec<&str> = typed
            .values
            .iter()
            .map(|(m, _, _)| m.as_str())
            .chain(typed.flags.iter().map(|(m, _)| m.as_str()))
            .collect();
        let missing: Vec<String> = operation
            .options
            .iter()
            .filter(|(_, member)| {
                shape.required.contains(member) && !given.contains(&member.as_str())
            })
            .map(|(cli, _)| format!("--{cli}"))
            .collect();
        if !missing.is_empty() {
            return usage_error(&format!(
                "the following arguments are required: {}",
                missing.join(", ")
            ));
        }
    }
    if !typed.unknown.is_empty() {
        return unknown_options(&typed.unknown);
    }
    if typed.skeleton {
        return Parsed::Print(Printed::out(help::skeleton(service, operation)));
    }
    build(
        service,
        operation_name,
        operation,
        typed,
        globals_into(&mut globals),
    )
}

struct Output {
    format: Format,
    query: Option<String>,
    no_paginate: bool,
    binary: BinaryFormat,
    region: Option<String>,
}

fn globals_into(globals: &mut Globals) -> Output {
    Output {
        format: globals.format,
        query: globals.query.take(),
        no_paginate: globals.no_paginate,
        binary: globals.binary,
        region: globals.region.take(),
    }
}

const NON_POSITIVE_MAX_ITEMS: &str =
    "warning: Non-positive values for --max-items may result in undefined behavior.\n";

/// The request, checked as botocore checks it, from what was typed. The steps and their order
/// are AWS CLI v2's: paging options that paging being off forbids, each option's value, the
/// `--cli-input-json` members the options leave unset, the paginator's page size and starting
/// token, then botocore's validation.
fn build(
    service: &Service,
    operation_name: &str,
    operation: &Operation,
    typed: Typed,
    output: Output,
) -> Parsed {
    let input_name = operation.input.as_deref();
    let input = input_name.map(|name| service.shape(name));
    if operation.paginator.is_some() && (output.no_paginate || typed.paging_given) {
        let paging = &typed.paging;
        let used: Vec<&str> = [
            (
                "--starting-token",
                paging
                    .starting_token
                    .as_ref()
                    .is_some_and(|t| !t.is_empty()),
            ),
            ("--page-size", paging.page_size.is_some_and(|n| n != 0)),
            ("--max-items", paging.max_items.is_some_and(|n| n != 0)),
        ]
        .into_iter()
        .filter(|(_, used)| *used)
        .map(|(name, _)| name)
        .collect();
        if !used.is_empty() {
            return Parsed::Print(validation_error(&format!(
                "Cannot specify --no-paginate along with pagination arguments: {}",
                used.join(", ")
            )));
        }
    }
    // botocore's paginator warns as it reads --max-items, before anything is sent.
    let warning = if typed.paging.max_items.is_some_and(|n| n <= 0) {
        NON_POSITIVE_MAX_ITEMS.to_owned()
    } else {
        String::new()
    };
    let warned = |mut printed: Printed| {
        printed.stderr.insert_str(0, &warning);
        Parsed::Print(printed)
    };
    let mut request = Map::new();
    for (member, value) in typed.flags {
        request.insert(member, Value::Bool(value));
    }
    for (member, cli, words) in typed.values {
        let shape = input
            .and_then(|shape| service.member(shape, &member))
            .expect("an option names a member");
        match unpack(service, shape, &words, &format!("--{cli}")) {
            Ok(value) => {
                request.insert(member, value);
            }
            Err(printed) => return warned(printed),
        }
    }
    let mut input_json_pages = false;
    if let Some(json) = &typed.input_json {
        if json.starts_with("file://") || json.starts_with("fileb://") {
            return warned(param_error("--cli-input-json", &file_message(json)));
        }
        match pyjson::loads(json) {
            Ok(Value::Object(map)) => {
                if let Some(paginator) = &operation.paginator {
                    input_json_pages = map.contains_key(&paginator.input_token)
                        || paginator
                            .limit_key
                            .as_ref()
                            .is_some_and(|key| map.contains_key(key));
                }
                for (key, value) in map {
                    request.entry(key).or_insert(value);
                }
            }
            Ok(other) => {
                return warned(param_error(
                    "--cli-input-json",
                    &format!(
                        "Invalid type: expecting map, received {}",
                        validate::python_type(&other)
                    ),
                ));
            }
            Err(_) => {
                return warned(param_error("cli-input-json", "Invalid JSON received."));
            }
        }
    }
    let mut paging = None;
    if let Some(paginator) = &operation.paginator
        && !output.no_paginate
        && !typed.paging_given
        && !input_json_pages
    {
        let mut options = typed.paging;
        if let (Some(size), Some(limit)) = (options.page_size, &paginator.limit_key) {
            request.insert(limit.clone(), Value::from(size));
        }
        match &options.starting_token {
            Some(text) => match run::parse_starting_token(text, paginator) {
                Ok((token, truncation)) => {
                    // botocore sets each parameter the token carries, and unsets those it
                    // carries as null.
                    for (name, value) in &token {
                        if value.is_null() || value.as_str() == Some("None") {
                            request.remove(name);
                        } else {
                            request.insert(name.clone(), value.clone());
                        }
                    }
                    options.token = token;
                    options.truncation = truncation;
                }
                Err(message) => return warned(general_error(&message)),
            },
            None => {
                options.token = Map::new();
                options
                    .token
                    .insert(paginator.input_token.clone(), Value::Null);
            }
        }
        paging = Some(options);
    }
    let mut request = Value::Object(request);
    if let Some(input_name) = input_name {
        let errors = validate::validate(service, input_name, &request);
        if !errors.is_empty() {
            return warned(validation_error(&format!(
                "Parameter validation failed:\n{}",
                errors.join("\n")
            )));
        }
        if let Err(message) = to_wire(service, input_name, &mut request, "", output.binary) {
            return warned(validation_error(&message));
        }
    }
    Parsed::Run(Box::new(Invocation {
        service: service.service.clone(),
        operation: operation_name.to_owned(),
        request,
        format: output.format,
        query: output.query,
        paging,
        warning,
        waiter: None,
        region: output.region,
    }))
}

fn file_message(value: &str) -> String {
    format!(
        "Unable to load paramfile {value}: the page has no files to read. Paste the file's contents instead."
    )
}

/// Whether the CLI takes a value for JSON rather than shorthand: it starts with `[` or `{`.
fn looks_like_json(word: &str) -> bool {
    word.trim().starts_with(['[', '{'])
}

/// One option's words as a value of `shape`. The first word decides between JSON and
/// shorthand, as the AWS CLI decides it.
fn unpack(
    service: &Service,
    shape_name: &str,
    words: &[String],
    option: &str,
) -> Result<Value, Printed> {
    if let Some(file) = words
        .iter()
        .find(|w| w.starts_with("file://") || w.starts_with("fileb://"))
    {
        return Err(param_error(option, &file_message(file)));
    }
    let shape = service.shape(shape_name);
    let first = words[0].as_str();
    match shape.kind {
        Kind::List => {
            if words.len() == 1 && first.trim_start().starts_with('[') {
                return parse_json(first, option);
            }
            let member = shape.member.as_deref().expect("a list has a member");
            let member_shape = service.shape(member);
            if member_shape.kind.is_scalar() {
                let items = words
                    .iter()
                    .map(|w| scalar(member_shape.kind, w))
                    .collect::<Result<Vec<_>, _>>()?;
                return Ok(Value::Array(items));
            }
            let mut items = Vec::new();
            if looks_like_json(first) {
                // Each word is then JSON of the member's shape.
                for word in words {
                    let opening = if member_shape.kind == Kind::List {
                        '['
                    } else {
                        '{'
                    };
                    if !word.trim_start().starts_with(opening) {
                        return Err(param_error(option, &format!("Invalid JSON:\n{word}")));
                    }
                    items.push(parse_json(word, option)?);
                }
                return Ok(Value::Array(items));
            }
            for word in words {
                let mut item = shorthand::parse(word).map_err(|e| param_error(option, &e))?;
                back_compat(service, member, &mut item).map_err(|e| general_error(&e))?;
                items.push(item);
            }
            Ok(Value::Array(items))
        }
        Kind::Structure | Kind::Map => {
            if first.trim_start().starts_with('{') {
                return parse_json(first, option);
            }
            if looks_like_json(first) {
                return Err(param_error(option, &format!("Invalid JSON:\n{first}")));
            }
            let mut value = shorthand::parse(first).map_err(|e| param_error(option, &e))?;
            back_compat(service, shape_name, &mut value).map_err(|e| general_error(&e))?;
            Ok(value)
        }
        kind => scalar(kind, first),
    }
}

fn parse_json(text: &str, option: &str) -> Result<Value, Printed> {
    pyjson::loads(text)
        .map_err(|e| param_error(option, &format!("Invalid JSON: {e}\nJSON received: {text}")))
}

/// A scalar option's value, read as the CLI reads it (`int()`, `float()`); what those refuse
/// ends the command with Python's own message.
fn scalar(kind: Kind, text: &str) -> Result<Value, Printed> {
    match kind {
        Kind::Integer | Kind::Long => python_int(text).map(Value::from).ok_or_else(|| {
            general_error(&format!(
                "invalid literal for int() with base 10: {}",
                help::python_str_repr(text)
            ))
        }),
        Kind::Double => python_float(text).map(Value::Number).ok_or_else(|| {
            general_error(&format!(
                "could not convert string to float: {}",
                help::python_str_repr(text)
            ))
        }),
        Kind::Boolean => Ok(Value::Bool(!text.eq_ignore_ascii_case("false"))),
        _ => Ok(Value::String(text.to_owned())),
    }
}
