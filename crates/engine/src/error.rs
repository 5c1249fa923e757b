//! DynamoDB errors as values. Every rejection the engine makes is a [`DynamoError`]: an
//! [`ErrorKind`] that fixes the wire `__type` (namespace and name, the way DynamoDB's own
//! service layers report it) and HTTP status, plus DynamoDB's message text. Messages are
//! written next to the check that produces them; this module only owns the shape.

use std::fmt;

/// The layer that rejected a request decides the `__type` namespace on the wire.
const VALIDATE: &str = "com.amazon.coral.validate";
const SERVICE: &str = "com.amazon.coral.service";
const DYNAMODB: &str = "com.amazonaws.dynamodb.v20120810";

/// Which DynamoDB error this is. The variant name is the error name SDKs see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    ValidationException,
    SerializationException,
    UnknownOperationException,
    InternalFailure,
    /// DynamoDB's own 500 (the service could not serve the request): here, a data-plane
    /// request while too few availability zones are up for a quorum.
    InternalServerError,
    ResourceNotFoundException,
    ResourceInUseException,
    ConditionalCheckFailedException,
    LimitExceededException,
    ProvisionedThroughputExceededException,
    TransactionCanceledException,
    TransactionConflictException,
    IdempotentParameterMismatchException,
    ItemCollectionSizeLimitExceededException,
    RequestLimitExceeded,
    ExpiredIteratorException,
    TrimmedDataAccessException,
    DuplicateItemException,
    /// The continuous-backup operations' own not-found error (DescribeTable says
    /// ResourceNotFoundException for the same table).
    TableNotFoundException,
    ContinuousBackupsUnavailableException,
    BackupNotFoundException,
    BackupInUseException,
    TableAlreadyExistsException,
    TableInUseException,
    InvalidRestoreTimeException,
    PointInTimeRecoveryUnavailableException,
    PolicyNotFoundException,
    InvalidExportTimeException,
    ExportConflictException,
    ExportNotFoundException,
    ImportConflictException,
    ImportNotFoundException,
    TransactionInProgressException,
    /// An MRSC global table's item is being modified from another region.
    ReplicatedWriteConflictException,
    /// The legacy (2017.11.29) global table operations' not-found error.
    GlobalTableNotFoundException,
    /// The service framework's refusal of a request IAM does not allow.
    AccessDeniedException,
    /// Lambda's refusal of a parameter that reads but makes no sense (stream triggers).
    InvalidParameterValueException,
    /// Lambda's refusal of a second event source mapping of the same stream and function.
    ResourceConflictException,
}

impl ErrorKind {
    /// Every kind, for reading one back from its name.
    const ALL: [ErrorKind; 38] = [
        ErrorKind::ValidationException,
        ErrorKind::SerializationException,
        ErrorKind::UnknownOperationException,
        ErrorKind::InternalFailure,
        ErrorKind::InternalServerError,
        ErrorKind::ResourceNotFoundException,
        ErrorKind::ResourceInUseException,
        ErrorKind::ConditionalCheckFailedException,
        ErrorKind::LimitExceededException,
        ErrorKind::ProvisionedThroughputExceededException,
        ErrorKind::TransactionCanceledException,
        ErrorKind::TransactionConflictException,
        ErrorKind::IdempotentParameterMismatchException,
        ErrorKind::ItemCollectionSizeLimitExceededException,
        ErrorKind::RequestLimitExceeded,
        ErrorKind::ExpiredIteratorException,
        ErrorKind::TrimmedDataAccessException,
        ErrorKind::DuplicateItemException,
        ErrorKind::TableNotFoundException,
        ErrorKind::ContinuousBackupsUnavailableException,
        ErrorKind::BackupNotFoundException,
        ErrorKind::BackupInUseException,
        ErrorKind::TableAlreadyExistsException,
        ErrorKind::TableInUseException,
        ErrorKind::InvalidRestoreTimeException,
        ErrorKind::PointInTimeRecoveryUnavailableException,
        ErrorKind::PolicyNotFoundException,
        ErrorKind::InvalidExportTimeException,
        ErrorKind::ExportConflictException,
        ErrorKind::ExportNotFoundException,
        ErrorKind::ImportConflictException,
        ErrorKind::ImportNotFoundException,
        ErrorKind::TransactionInProgressException,
        ErrorKind::AccessDeniedException,
        ErrorKind::ReplicatedWriteConflictException,
        ErrorKind::GlobalTableNotFoundException,
        ErrorKind::InvalidParameterValueException,
        ErrorKind::ResourceConflictException,
    ];

    /// The kind named `name` (as [`ErrorKind::name`] gives it).
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// The error's name as DynamoDB spells it.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::ValidationException => "ValidationException",
            ErrorKind::SerializationException => "SerializationException",
            ErrorKind::UnknownOperationException => "UnknownOperationException",
            ErrorKind::InternalFailure => "InternalFailure",
            ErrorKind::InternalServerError => "InternalServerError",
            ErrorKind::ResourceNotFoundException => "ResourceNotFoundException",
            ErrorKind::ResourceInUseException => "ResourceInUseException",
            ErrorKind::ConditionalCheckFailedException => "ConditionalCheckFailedException",
            ErrorKind::LimitExceededException => "LimitExceededException",
            ErrorKind::ProvisionedThroughputExceededException => {
                "ProvisionedThroughputExceededException"
            }
            ErrorKind::TransactionCanceledException => "TransactionCanceledException",
            ErrorKind::TransactionConflictException => "TransactionConflictException",
            ErrorKind::IdempotentParameterMismatchException => {
                "IdempotentParameterMismatchException"
            }
            ErrorKind::ItemCollectionSizeLimitExceededException => {
                "ItemCollectionSizeLimitExceededException"
            }
            ErrorKind::RequestLimitExceeded => "RequestLimitExceeded",
            ErrorKind::ExpiredIteratorException => "ExpiredIteratorException",
            ErrorKind::TrimmedDataAccessException => "TrimmedDataAccessException",
            ErrorKind::DuplicateItemException => "DuplicateItemException",
            ErrorKind::TableNotFoundException => "TableNotFoundException",
            ErrorKind::ContinuousBackupsUnavailableException => {
                "ContinuousBackupsUnavailableException"
            }
            ErrorKind::BackupNotFoundException => "BackupNotFoundException",
            ErrorKind::BackupInUseException => "BackupInUseException",
            ErrorKind::TableAlreadyExistsException => "TableAlreadyExistsException",
            ErrorKind::TableInUseException => "TableInUseException",
            ErrorKind::InvalidRestoreTimeException => "InvalidRestoreTimeException",
            ErrorKind::PointInTimeRecoveryUnavailableException => {
                "PointInTimeRecoveryUnavailableException"
            }
            ErrorKind::PolicyNotFoundException => "PolicyNotFoundException",
            ErrorKind::InvalidExportTimeException => "InvalidExportTimeException",
            ErrorKind::ExportConflictException => "ExportConflictException",
            ErrorKind::ExportNotFoundException => "ExportNotFoundException",
            ErrorKind::ImportConflictException => "ImportConflictException",
            ErrorKind::ImportNotFoundException => "ImportNotFoundException",
            ErrorKind::TransactionInProgressException => "TransactionInProgressException",
            ErrorKind::ReplicatedWriteConflictException => "ReplicatedWriteConflictException",
            ErrorKind::GlobalTableNotFoundException => "GlobalTableNotFoundException",
            ErrorKind::AccessDeniedException => "AccessDeniedException",
            ErrorKind::InvalidParameterValueException => "InvalidParameterValueException",
            ErrorKind::ResourceConflictException => "ResourceConflictException",
        }
    }

    /// The namespace of the service layer that raises this error.
    pub fn namespace(self) -> &'static str {
        match self {
            ErrorKind::ValidationException => VALIDATE,
            ErrorKind::SerializationException
            | ErrorKind::UnknownOperationException
            | ErrorKind::InternalFailure => SERVICE,
            ErrorKind::AccessDeniedException => SERVICE,
            _ => DYNAMODB,
        }
    }

    /// The member that carries the message: DynamoDB's own errors say `message`, the service
    /// framework's SerializationException says `Message`.
    pub fn message_key(self) -> &'static str {
        match self {
            ErrorKind::SerializationException => "Message",
            ErrorKind::AccessDeniedException => "Message",
            _ => "message",
        }
    }

    /// HTTP status DynamoDB answers with: 500 for internal failures and errors, 400 for the
    /// rest.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::InternalFailure | ErrorKind::InternalServerError => 500,
            _ => 400,
        }
    }
}

/// A DynamoDB error: what the wire carries as `{"__type": ..., "message": ...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamoError {
    pub kind: ErrorKind,
    pub message: String,
    /// Extra top-level members some errors carry (CancellationReasons, Item, ...), as JSON.
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
}

impl DynamoError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        DynamoError {
            kind,
            message: message.into(),
            extra: None,
        }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ValidationException, message)
    }

    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::SerializationException, message)
    }

    /// The item-operation form: "Requested resource not found".
    pub fn resource_not_found() -> Self {
        Self::new(
            ErrorKind::ResourceNotFoundException,
            "Requested resource not found",
        )
    }

    /// The table-operation form used by DescribeTable and DeleteTable.
    pub fn table_not_found(table: &str) -> Self {
        Self::new(
            ErrorKind::ResourceNotFoundException,
            format!("Requested resource not found: Table: {table} not found"),
        )
    }

    /// An index the table does not have, in UpdateTable's and the contributor-insights
    /// operations' form.
    pub fn index_not_found(table: &str, index: &str) -> Self {
        Self::new(
            ErrorKind::ResourceNotFoundException,
            format!("Requested resource not found: Index: {index} for table: {table} not found"),
        )
    }

    /// The full wire `__type`, for example `com.amazon.coral.validate#ValidationException`.
    pub fn wire_type(&self) -> String {
        format!("{}#{}", self.kind.namespace(), self.kind.name())
    }

    pub fn http_status(&self) -> u16 {
        self.kind.http_status()
    }

    /// The wire body as a JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        let mut body = serde_json::Map::new();
        body.insert("__type".into(), self.wire_type().into());
        // Some errors (UnknownOperationException, bare SerializationException) carry none.
        if !self.message.is_empty() {
            body.insert(self.kind.message_key().into(), self.message.clone().into());
        }
        if let Some(extra) = &self.extra {
            body.extend(extra.clone());
        }
        serde_json::Value::Object(body)
    }

    /// Reads a wire body back (what [`DynamoError::to_json`] wrote, perhaps by another
    /// build of the engine); `None` when it is not one.
    pub fn from_json(body: &serde_json::Value) -> Option<DynamoError> {
        let mut members = body.as_object()?.clone();
        let wire_type = members.remove("__type")?;
        let name = wire_type.as_str()?.rsplit('#').next()?;
        let kind = ErrorKind::from_name(name)?;
        let message = members
            .remove(kind.message_key())
            .and_then(|m| m.as_str().map(str::to_owned))
            .unwrap_or_default();
        Some(DynamoError {
            kind,
            message,
            extra: (!members.is_empty()).then_some(members),
        })
    }

    /// The wire body as bytes, ready for an HTTP response or a JS rejection.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.to_json()).expect("an error body always serialises")
    }
}

impl fmt::Display for DynamoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for DynamoError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_name() {
        for kind in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(ErrorKind::from_name("NoSuchException"), None);
    }

    #[test]
    fn an_error_reads_back_from_its_wire_body() {
        let mut error = DynamoError::new(ErrorKind::TransactionCanceledException, "cancelled");
        let mut extra = serde_json::Map::new();
        extra.insert(
            "CancellationReasons".into(),
            serde_json::json!([{"Code": "None"}]),
        );
        error.extra = Some(extra);
        assert_eq!(DynamoError::from_json(&error.to_json()), Some(error));
        let denied = DynamoError::new(ErrorKind::AccessDeniedException, "no");
        assert_eq!(DynamoError::from_json(&denied.to_json()), Some(denied));
    }

    #[test]
    fn validation_errors_use_the_coral_validate_namespace() {
        let e = DynamoError::validation("bad");
        assert_eq!(
            e.wire_type(),
            "com.amazon.coral.validate#ValidationException"
        );
        assert_eq!(e.http_status(), 400);
    }

    #[test]
    fn resource_errors_use_the_dynamodb_namespace() {
        let e = DynamoError::table_not_found("t");
        assert_eq!(
            e.wire_type(),
            "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
        );
        assert_eq!(
            e.message,
            "Requested resource not found: Table: t not found"
        );
    }

    #[test]
    fn serialization_exceptions_carry_a_capitalised_message_member() {
        let e = DynamoError::serialization("NUMBER_VALUE cannot be converted to String");
        assert_eq!(
            e.to_json(),
            serde_json::json!({
                "__type": "com.amazon.coral.service#SerializationException",
                "Message": "NUMBER_VALUE cannot be converted to String"
            })
        );
        assert_eq!(
            DynamoError::validation("x").to_json()["message"],
            serde_json::json!("x")
        );
    }

    #[test]
    fn internal_failures_answer_500() {
        assert_eq!(
            DynamoError::new(ErrorKind::InternalFailure, "x").http_status(),
            500
        );
    }
}
