//! Idempotency tokens: the ClientRequestToken of each recent write transaction, with what
//! was asked, when, and which items it touched. A replay within the window answers as the
//! first call did (reading what it wrote); the same token with other parameters is refused.
//! Kept by the engine, not persisted: a reload forgets them, as a restarted client would.

use serde_json::Value;

use crate::key::PrimaryKey;

/// A remembered write transaction.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    /// The request's fingerprint: what a replay must match.
    pub(crate) request: Value,
    pub(crate) at_millis: u64,
    /// Each item the transaction wrote, by table.
    pub(crate) items: Vec<(String, PrimaryKey)>,
}
