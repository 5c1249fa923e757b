//! Dynoscope's code generator: one DynamoDB request, as sent on the wire, turned into a
//! program that sends the same request with an AWS SDK, ready to paste. [`generate`] takes
//! the [`Language`] (the AWS SDK for JavaScript v3, or boto3), the operation's name and the
//! request's wire JSON. The request is first read into literals (`literal.rs`), with binary
//! values and timestamps found by where the operation's model puts them
//! (`attribute_paths.rs`); then the language writes them (`javascript.rs`, `python.rs`)
//! with the layout they share (`layout.rs`). The crate is pure: no I/O, no engine; the harness in
//! `tests/codegen` runs what it writes against `dynoscope-server`.

#![deny(missing_docs)]

mod attribute_paths;
mod error;
pub mod html;
mod javascript;
mod layout;
mod literal;
mod operation;
mod python;

use serde::{Deserialize, Serialize};

pub use error::CodegenError;

/// The language, and SDK, that code is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// The AWS SDK for JavaScript v3 (`@aws-sdk/client-dynamodb`), as an ES module.
    JavaScript,
    /// boto3's low-level client.
    Python,
}

/// A program that sends `request` (DynamoDB wire JSON) as `operation` (`PutItem`,
/// `ListStreams`...) and prints the response.
///
/// Fails for the `Dynoscope_` operations, which no SDK has, for a name that is not an
/// operation's, for a request that is not a JSON object, and for a binary value that is
/// not base64.
pub fn generate(
    language: Language,
    operation: &str,
    request: &serde_json::Value,
) -> Result<String, CodegenError> {
    let operation = operation::Operation::parse(operation)?;
    let request = literal::read_request(operation.name, request)?;
    Ok(match language {
        Language::JavaScript => javascript::program(&operation, &request),
        Language::Python => python::program(&operation, &request),
    })
}
