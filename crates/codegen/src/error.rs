//! Why a request could not be turned into code. Each error names what it refuses (the
//! operation, or the path inside the request) in words a person reading the code panel can
//! act on; the text lives here, next to the variants, so every front end says the same thing.

use std::fmt;

/// A request that has no code form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CodegenError {
    /// A `Dynoscope_` operation: the simulator's own, absent from every SDK.
    DynoscopeOperation(String),
    /// An operation name that is not PascalCase ASCII letters.
    InvalidOperationName(String),
    /// A request that is not a JSON object (the JSON kind found).
    RequestNotAnObject(&'static str),
    /// A binary value (`B`, or an element of `BS`) that is not a base64 string.
    InvalidBinary {
        /// Where in the request, e.g. `Item.photo.B`.
        path: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A request nested deeper than any DynamoDB request can be.
    TooDeep {
        /// The path at which the limit was passed.
        path: String,
    },
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DynoscopeOperation(operation) => write!(
                f,
                "{operation} is Dynoscope's own operation; the AWS SDKs do not have it. \
                 Call it with window.dynoscope.send."
            ),
            Self::InvalidOperationName(operation) => write!(
                f,
                "{operation:?} is not a DynamoDB operation name: those are PascalCase ASCII \
                 letters, like PutItem"
            ),
            Self::RequestNotAnObject(kind) => {
                write!(f, "the request must be a JSON object, not {kind}")
            }
            Self::InvalidBinary { path, problem } => {
                write!(f, "{path} is a binary value, but {problem}")
            }
            Self::TooDeep { path } => write!(
                f,
                "the request is nested too deeply at {path} (more than {} levels)",
                crate::literal::MAX_DEPTH
            ),
        }
    }
}

impl std::error::Error for CodegenError {}
