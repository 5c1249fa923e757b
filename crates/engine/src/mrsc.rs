//! Multi-Region strong consistency (MRSC) of global tables (`extras` only). A table made
//! global with UpdateTable's `MultiRegionConsistency: STRONG` spans exactly three regions of
//! one region set: three replicas, or two replicas and a witness (a region that keeps the
//! replicated changes but serves no reads or writes). What DynamoDB documents, and how the
//! engine keeps it:
//!
//! - A write is replicated synchronously: `regions::replicate_write` applies it at once in
//!   every member region that is up (no lag, no last-writer-wins race), so a strongly
//!   consistent read in any replica sees it. A member that is down gets it, in order, when it
//!   is back.
//! - A write of an item that is "already being modified in another Region" fails with
//!   ReplicatedWriteConflictException. The engine serves one request at a time, so it
//!   models the cross-region round trip as a window: after a write, the item is being
//!   modified from its region for a draw of `GlobalReplicationLag` (none by default, so
//!   without a lag nothing conflicts), and a write of it from another region inside that
//!   window is refused ([`Engine::refuse_replicated_write`]).
//! - A write needs its region and one more member (replica or witness) up; a replica whose
//!   two other members are down refuses writes with InternalServerError.
//! - Transactions, TTL and local secondary indexes are not supported on MRSC tables.
//!
//! The settings live in every member's `TableDefinition::strong_consistency`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::key::PrimaryKey;
use crate::table::TableDefinition;

/// The region sets an MRSC table must stay within (the API Reference's
/// GlobalTableWitnessGroupUpdate and CloudFormation's GlobalTableWitness).
pub(crate) const REGION_SETS: &[&[&str]] = &[
    &["us-east-1", "us-east-2", "us-west-2"],
    &["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1"],
    &["ap-northeast-1", "ap-northeast-2", "ap-northeast-3"],
];

/// How many regions an MRSC table spans, witness included.
pub(crate) const REGIONS: usize = 3;

/// A table's multi-Region strong consistency, as every member keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrongConsistency {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witness: Option<Witness>,
}

/// The witness region of an MRSC table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Witness {
    pub region_name: String,
    /// The witness is CREATING until then.
    pub active_from_millis: u64,
}

/// Items being modified now, by the region whose write is still replicating.
#[derive(Debug, Default)]
pub(crate) struct Modifying {
    items: HashMap<(String, PrimaryKey), (String, u64)>,
}

impl Modifying {
    /// Notes that `region` is modifying `key` of `table` until `until`.
    pub(crate) fn note(&mut self, table: &str, key: &PrimaryKey, region: &str, until: u64) {
        self.items
            .insert((table.to_owned(), key.clone()), (region.to_owned(), until));
    }

    /// The other region modifying `key` of `table` at `now`, if any.
    fn by_other(&self, table: &str, key: &PrimaryKey, region: &str, now: u64) -> Option<&str> {
        if self.items.is_empty() {
            return None;
        }
        let (by, until) = self.items.get(&(table.to_owned(), key.clone()))?;
        (by != region && *until > now).then_some(by.as_str())
    }
}

/// The region set `region` belongs to.
pub(crate) fn region_set(region: &str) -> Option<&'static [&'static str]> {
    REGION_SETS
        .iter()
        .copied()
        .find(|set| set.contains(&region))
}

/// The message of a write refused because its item is being modified in another region:
/// the API Reference's description of ReplicatedWriteConflictException (no message from
/// the service is public).
pub(crate) const REPLICATED_WRITE_CONFLICT: &str = "The request was rejected because one or more items in the request are being modified by a request in another Region.";

/// The message of a transaction on an MRSC table (not public: the documentation says only
/// that such operations "return an error").
pub(crate) fn transactions_unsupported(table: &str) -> DynamoError {
    DynamoError::validation(format!(
        "Transactions are not supported on tables configured for multi-Region strong consistency (MultiRegionConsistency STRONG): {table}"
    ))
}

/// The message of UpdateTimeToLive enabling TTL on an MRSC table (not public).
pub(crate) const TTL_UNSUPPORTED: &str =
    "Time to Live is not supported on tables configured for multi-Region strong consistency";

/// Every member region of an MRSC table other than `own`: its replicas and its witness.
pub(crate) fn other_members(definition: &TableDefinition, own: &str) -> Vec<String> {
    let mut members: Vec<String> = (definition.replicas.iter())
        .map(|r| r.region_name.clone())
        .filter(|r| r != own)
        .collect();
    if let Some(witness) = definition
        .strong_consistency
        .as_ref()
        .and_then(|s| s.witness.as_ref())
    {
        members.push(witness.region_name.clone());
    }
    members
}

/// `GlobalTableWitnesses` and `MultiRegionConsistency` as DescribeTable shows them.
pub(crate) fn describe(definition: &TableDefinition, now_millis: u64, description: &mut Value) {
    let Some(strong) = &definition.strong_consistency else {
        description["MultiRegionConsistency"] = json!("EVENTUAL");
        return;
    };
    description["MultiRegionConsistency"] = json!("STRONG");
    if let Some(witness) = &strong.witness {
        let status = if now_millis < witness.active_from_millis {
            "CREATING"
        } else {
            "ACTIVE"
        };
        description["GlobalTableWitnesses"] =
            json!([{"RegionName": witness.region_name, "WitnessStatus": status}]);
    }
}

impl Engine {
    /// Whether `table` in the current region is configured for MRSC.
    pub(crate) fn is_strong(&self, table: &str) -> bool {
        (self.tables.get(table)).is_some_and(|t| t.definition.strong_consistency.is_some())
    }

    /// Refuses a write (`operation`) of `key` in MRSC `table` that cannot be served now: the
    /// current region is cut off from both other members (InternalServerError), or another
    /// region is modifying the item (ReplicatedWriteConflictException). Nothing for other
    /// tables.
    pub(crate) fn refuse_replicated_write(
        &mut self,
        operation: &str,
        table: &str,
        key: &PrimaryKey,
    ) -> Result<(), DynamoError> {
        let Some(t) = self.tables.get(table) else {
            return Ok(());
        };
        if t.definition.strong_consistency.is_none() {
            return Ok(());
        }
        let region = self.config.region.clone();
        let others = other_members(&t.definition, &region);
        if !others.is_empty() && others.iter().all(|r| self.region_is_down(r)) {
            return Err(DynamoError::new(
                ErrorKind::InternalServerError,
                format!(
                    "{operation} cannot be served in {region}: the table is configured for multi-Region strong consistency and none of its other regions ({}) can be reached",
                    others.join(", ")
                ),
            ));
        }
        let now = self.now_millis();
        let Some(by) = (self.regions.modifying).by_other(table, key, &region, now) else {
            return Ok(());
        };
        let by = by.to_owned();
        let key_item = t.key_schema().key_item(key);
        let key_value: Value =
            serde_json::from_str(&crate::value::item_to_json(&key_item)).unwrap_or(Value::Null);
        self.events.record(now, "REPLICATED_WRITE_CONFLICT", table, || {
            json!({"Region": region, "Operation": operation, "Key": key_value, "ModifyingRegion": by})
        });
        Err(DynamoError::new(
            ErrorKind::ReplicatedWriteConflictException,
            REPLICATED_WRITE_CONFLICT,
        ))
    }

    /// Refuses a transaction that names an MRSC table.
    pub(crate) fn refuse_strong_transaction<'a>(
        &self,
        tables: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), DynamoError> {
        match tables.into_iter().find(|t| self.is_strong(t)) {
            Some(table) => Err(transactions_unsupported(table)),
            None => Ok(()),
        }
    }
}
