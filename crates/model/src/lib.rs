//! Playground models: what a designer prototypes before going to AWS. A [`Model`] holds
//! tables (CreateTable's own vocabulary), the entities that share them (key templates such
//! as `USER#{userId}`), named access patterns and sample data. This crate validates models,
//! generates seeded sample data, converts to and from the formats designers already use
//! (NoSQL Workbench, CloudFormation, CDK, SST, Terraform, the AWS CLI, S3 export data) and
//! packs a model into a share link. It is plain Rust with no I/O: the browser app and the
//! tests call it, and a model reaches the engine only as ordinary DynamoDB requests
//! ([`apply`]), through the same dispatch as everything else. The engine knows nothing of
//! models.

pub mod access;
pub mod advice;
pub mod apply;
pub mod cloudformation;
pub mod convert;
pub mod data;
pub mod draft;
pub mod error;
pub mod generate;
pub mod iac;
pub mod link;
pub mod model;
pub mod samples;
pub mod template;
pub mod validate;
pub mod workbench;

pub use error::ModelError;
pub use model::{
    AccessPattern, AttributeSpec, Entity, KeyTemplate, Model, ModelTable, Operation, SortCondition,
    SortOperator, TableSpec,
};
