//! The AWS CLI's view of DynamoDB and DynamoDB Streams: commands, their options and the shapes
//! of their inputs and outputs, read from `model/*.json`. Those files are botocore's service
//! models (the data the AWS CLI itself reads) without documentation, written by
//! `scripts/cli-model.py`; the option names in them come from botocore's own `xform_name`.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// One AWS CLI service: `aws dynamodb` or `aws dynamodbstreams`.
#[derive(Debug, Deserialize)]
pub struct Service {
    /// The CLI's name for it: `dynamodb` or `dynamodbstreams`.
    pub service: String,
    /// The X-Amz-Target prefix its operations are sent under.
    #[serde(rename = "targetPrefix")]
    pub target_prefix: String,
    pub operations: std::collections::BTreeMap<String, Operation>,
    pub shapes: HashMap<String, Shape>,
    /// `aws <service> wait <command>`: by the waiter's name (`TableExists`).
    #[serde(default)]
    pub waiters: std::collections::BTreeMap<String, Waiter>,
}

/// A waiter: an operation sent again until one of its acceptors says how it went.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Waiter {
    /// The kebab-case command, e.g. `table-exists`.
    pub command: String,
    pub operation: String,
    pub max_attempts: u32,
    pub acceptors: Vec<Acceptor>,
}

/// One of a waiter's rules: when `matcher` finds `expected` (at `argument`, a JMESPath
/// expression, for the path matchers), the wait is in `state`.
#[derive(Debug, Deserialize)]
pub struct Acceptor {
    /// `success`, `failure` or `retry`.
    pub state: String,
    /// `path`, `pathAll`, `pathAny`, `error` or `status`.
    pub matcher: String,
    pub argument: Option<String>,
    pub expected: serde_json::Value,
}

/// One operation, as a CLI command.
#[derive(Debug, Deserialize)]
pub struct Operation {
    /// The kebab-case command, e.g. `put-item`.
    pub command: String,
    pub input: Option<String>,
    pub output: Option<String>,
    /// `[option, member]`: `--option` names the input's top-level `member`.
    pub options: Vec<(String, String)>,
    pub paginator: Option<Paginator>,
}

/// How the CLI pages through an operation's results.
#[derive(Debug, Deserialize)]
pub struct Paginator {
    pub input_token: String,
    pub output_token: String,
    pub limit_key: Option<String>,
    #[serde(deserialize_with = "one_or_many")]
    pub result_key: Vec<String>,
    #[serde(default)]
    pub non_aggregate_keys: Vec<String>,
}

/// A shape: a value's type and, for containers, what they hold.
#[derive(Debug, Deserialize)]
pub struct Shape {
    #[serde(rename = "type")]
    pub kind: Kind,
    /// A structure's members in the model's order: `(name, shape)`.
    #[serde(default)]
    pub members: Vec<(String, String)>,
    #[serde(default)]
    pub required: Vec<String>,
    /// A list's element shape.
    pub member: Option<String>,
    /// A map's value shape (its keys are strings).
    pub value: Option<String>,
    /// The least length (strings, lists, maps) or value (numbers) botocore accepts.
    pub min: Option<f64>,
    /// The values a string may take, when the model lists them.
    #[serde(default, rename = "enum")]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Structure,
    List,
    Map,
    String,
    Integer,
    Long,
    Double,
    Boolean,
    Blob,
    Timestamp,
}

impl Kind {
    pub fn is_scalar(self) -> bool {
        !matches!(self, Kind::Structure | Kind::List | Kind::Map)
    }
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

impl Service {
    /// The operation whose command is `command`, with its name.
    pub fn command(&self, command: &str) -> Option<(&str, &Operation)> {
        self.operations
            .iter()
            .find(|(_, op)| op.command == command)
            .map(|(name, op)| (name.as_str(), op))
    }

    /// The waiter whose command is `command`, with its name.
    pub fn waiter(&self, command: &str) -> Option<(&str, &Waiter)> {
        self.waiters
            .iter()
            .find(|(_, w)| w.command == command)
            .map(|(name, w)| (name.as_str(), w))
    }

    /// The shape named `name`. The model is generated whole, so every name it uses is there.
    pub fn shape(&self, name: &str) -> &Shape {
        &self.shapes[name]
    }

    /// A structure member's shape name.
    pub fn member<'a>(&'a self, structure: &'a Shape, member: &str) -> Option<&'a str> {
        structure
            .members
            .iter()
            .find(|(name, _)| name == member)
            .map(|(_, shape)| shape.as_str())
    }
}

/// The two services, by the name the CLI gives them.
pub fn service(name: &str) -> Option<&'static Service> {
    static DYNAMODB: OnceLock<Service> = OnceLock::new();
    static STREAMS: OnceLock<Service> = OnceLock::new();
    match name {
        "dynamodb" => Some(DYNAMODB.get_or_init(|| load(include_str!("../model/dynamodb.json")))),
        "dynamodbstreams" => {
            Some(STREAMS.get_or_init(|| load(include_str!("../model/dynamodbstreams.json"))))
        }
        _ => None,
    }
}

/// Both services, DynamoDB first.
pub fn services() -> [&'static Service; 2] {
    [
        service("dynamodb").expect("dynamodb"),
        service("dynamodbstreams").expect("dynamodbstreams"),
    ]
}

fn load(text: &str) -> Service {
    serde_json::from_str(text).expect("crates/cli/model is written by scripts/cli-model.py")
}
