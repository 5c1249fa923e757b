//! Write transactions in flight, on the virtual clock. DynamoDB runs a write transaction in
//! two phases, prepare then commit, and while one is prepared on an item, other writes to
//! that item conflict. The engine serves a transaction at once, so it models the two phases
//! as a hold: with `EngineConfig::transaction_millis` above zero, a write transaction holds
//! every item it writes or checks for that long after it is served. Its effects are visible
//! at once (it is ordered when it arrived), but until the hold ends a PutItem, UpdateItem or
//! DeleteItem of a held item is refused with TransactionConflictException, a transaction
//! (write or read) that includes one is cancelled with a `TransactionConflict` reason, and
//! the same ClientRequestToken sent again answers TransactionInProgressException. The event
//! history tells both sides: `TRANSACTION` when items are held, `TRANSACTION_CONFLICT` when
//! a request is refused. Zero (the default) holds nothing, so with no concurrency nothing
//! changes. Holds are not persisted: a restart ends them, as it ends every request.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::engine::Engine;
use crate::error::{DynamoError, ErrorKind};
use crate::key::PrimaryKey;

/// What DynamoDB says of an item a transaction holds.
pub(crate) const ONGOING: &str = "Transaction is ongoing for the item";

/// The transactions holding items now.
#[derive(Debug, Default)]
pub(crate) struct Holds {
    items: HashMap<(String, PrimaryKey), Hold>,
    /// ClientRequestTokens of the transactions holding, with when they let go.
    tokens: HashMap<String, u64>,
    /// Numbers the transactions sent without a token, for the event history.
    issued: u64,
}

/// One item's hold.
#[derive(Debug, Clone)]
pub(crate) struct Hold {
    pub until_millis: u64,
    /// The holding transaction as the event history names it: its token, or `txn-N`.
    pub transaction: String,
}

impl Holds {
    /// The hold on `key` of `table` at `now`, if one is still in force.
    pub(crate) fn on(&self, table: &str, key: &PrimaryKey, now: u64) -> Option<&Hold> {
        if self.items.is_empty() {
            return None;
        }
        let hold = self.items.get(&(table.to_owned(), key.clone()))?;
        (hold.until_millis > now).then_some(hold)
    }

    /// Whether a transaction sent with `token` is still holding at `now`.
    pub(crate) fn token_in_progress(&self, token: &str, now: u64) -> bool {
        self.tokens.get(token).is_some_and(|until| *until > now)
    }

    /// Holds `items` until `until` for the transaction sent with `token`, and returns the
    /// name the event history gives it. Holds that have ended are dropped first.
    fn hold(
        &mut self,
        items: Vec<(String, PrimaryKey)>,
        token: Option<&str>,
        now: u64,
        until: u64,
    ) -> String {
        self.items.retain(|_, hold| hold.until_millis > now);
        self.tokens.retain(|_, until| *until > now);
        let transaction = match token {
            Some(token) => {
                self.tokens.insert(token.to_owned(), until);
                token.to_owned()
            }
            None => {
                self.issued += 1;
                format!("txn-{}", self.issued)
            }
        };
        for item in items {
            let hold = Hold {
                until_millis: until,
                transaction: transaction.clone(),
            };
            self.items.insert(item, hold);
        }
        transaction
    }
}

impl Engine {
    /// Refuses a single-item write (`operation`) of a held item, as DynamoDB refuses it.
    pub(crate) fn refuse_held_write(
        &mut self,
        operation: &str,
        table: &str,
        key: &PrimaryKey,
    ) -> Result<(), DynamoError> {
        let now = self.clock.now_millis();
        let Some(hold) = self.holds.on(table, key, now).cloned() else {
            return Ok(());
        };
        self.record_conflict(operation, table, key, &hold);
        Err(DynamoError::new(
            ErrorKind::TransactionConflictException,
            ONGOING,
        ))
    }

    /// The cancellation reason of each of a transaction's items: `TransactionConflict` for
    /// a held one, `None` for the rest; `None` at all when nothing is held.
    pub(crate) fn conflict_reasons<'a>(
        &mut self,
        operation: &str,
        items: impl Iterator<Item = (&'a str, &'a PrimaryKey)>,
    ) -> Option<Vec<Value>> {
        let now = self.clock.now_millis();
        let mut held = false;
        let mut reasons = Vec::new();
        for (table, key) in items {
            match self.holds.on(table, key, now).cloned() {
                Some(hold) => {
                    held = true;
                    self.record_conflict(operation, table, key, &hold);
                    reasons.push(json!({"Code": "TransactionConflict", "Message": ONGOING}));
                }
                None => reasons.push(json!({"Code": "None"})),
            }
        }
        held.then_some(reasons)
    }

    /// Holds a served write transaction's items for `EngineConfig::transaction_millis`
    /// (nothing when that is zero).
    pub(crate) fn hold_transaction(
        &mut self,
        items: Vec<(String, PrimaryKey)>,
        token: Option<&str>,
    ) {
        let window = self.config.transaction_millis;
        if window == 0 || items.is_empty() {
            return;
        }
        let now = self.clock.now_millis();
        let until = now.saturating_add(window);
        let table = items[0].0.clone();
        let count = items.len();
        let transaction = self.holds.hold(items, token, now, until);
        self.events.record(
            now,
            "TRANSACTION",
            &table,
            || json!({"Transaction": transaction, "Items": count, "HeldUntilMillis": until}),
        );
    }

    fn record_conflict(&mut self, operation: &str, table: &str, key: &PrimaryKey, hold: &Hold) {
        let now = self.clock.now_millis();
        let key_item = self.tables.get(table).map(|t| t.key_schema().key_item(key));
        self.events.record(now, "TRANSACTION_CONFLICT", table, || {
            json!({
                "Operation": operation,
                "Key": key_item,
                "Transaction": hold.transaction,
                "HeldUntilMillis": hold.until_millis,
            })
        });
    }
}
