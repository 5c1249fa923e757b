//! Time to live: which items have expired and when the sweeper deletes them. A table with
//! TTL enabled keeps an expiry queue ordered by expiry time, updated on every write, so the
//! sweeper touches only items that are due. Expired items stay readable until the sweep
//! (after the simulation's delete delay); a TTL delete costs nothing, reaches the indexes
//! like any delete, and is marked in the stream as the service's.

use std::collections::BTreeSet;

use crate::key::PrimaryKey;
use crate::value::{AttributeValue, Item};

/// Expiry times more than five years in the past are ignored, as DynamoDB does.
pub const IGNORED_PAST_MILLIS: u64 = 5 * 365 * 24 * 3_600_000;

/// When an item expires: its TTL attribute, a Number of epoch seconds, in milliseconds.
/// Items without the attribute, or with another type, never expire.
pub fn expiry_of(item: &Item, attribute: &str) -> Option<u64> {
    let AttributeValue::N(n) = item.get(attribute)? else {
        return None;
    };
    let seconds: f64 = n.to_string().parse().ok()?;
    (0.0..1e15)
        .contains(&seconds)
        .then_some((seconds * 1000.0) as u64)
}

/// A table's items ordered by expiry.
#[derive(Debug, Clone, Default)]
pub struct ExpiryQueue {
    entries: BTreeSet<(u64, PrimaryKey)>,
}

impl ExpiryQueue {
    /// Keeps the queue in step with one write: the old item's expiry out, the new one's in.
    pub fn track(
        &mut self,
        attribute: &str,
        key: &PrimaryKey,
        old: Option<&Item>,
        new: Option<&Item>,
    ) {
        if let Some(expiry) = old.and_then(|item| expiry_of(item, attribute)) {
            self.entries.remove(&(expiry, key.clone()));
        }
        if let Some(expiry) = new.and_then(|item| expiry_of(item, attribute)) {
            self.entries.insert((expiry, key.clone()));
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Keys whose expiry plus `delay` has passed by `now`, oldest first; expiries too far in
    /// the past are dropped without a delete.
    pub fn take_due(&mut self, now: u64, delay: u64) -> Vec<PrimaryKey> {
        let mut due = Vec::new();
        while let Some((expiry, _)) = self.entries.first() {
            if expiry.saturating_add(delay) > now {
                break;
            }
            let (expiry, key) = self.entries.pop_first().expect("checked non-empty");
            if expiry.saturating_add(IGNORED_PAST_MILLIS) >= now {
                due.push(key);
            }
        }
        due
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::KeyValue;
    use crate::number::Number;

    fn key(k: &str) -> PrimaryKey {
        PrimaryKey {
            hash: KeyValue::S(k.into()),
            range: None,
        }
    }

    fn item(expires: &str) -> Item {
        Item::from([(
            "exp".to_string(),
            AttributeValue::N(Number::parse(expires).unwrap()),
        )])
    }

    #[test]
    fn only_numbers_of_epoch_seconds_expire() {
        assert_eq!(
            expiry_of(&item("1700000000"), "exp"),
            Some(1_700_000_000_000)
        );
        let text = Item::from([("exp".to_string(), AttributeValue::S("1700000000".into()))]);
        assert_eq!(expiry_of(&text, "exp"), None);
        assert_eq!(expiry_of(&item("1"), "other"), None);
    }

    #[test]
    fn items_are_due_after_their_expiry_plus_the_delay() {
        let mut queue = ExpiryQueue::default();
        queue.track("exp", &key("a"), None, Some(&item("100")));
        assert!(queue.take_due(100_000 + 4_999, 5_000).is_empty());
        assert_eq!(queue.take_due(105_000, 5_000), vec![key("a")]);
    }

    #[test]
    fn a_rewrite_moves_the_expiry() {
        let mut queue = ExpiryQueue::default();
        queue.track("exp", &key("a"), None, Some(&item("100")));
        queue.track("exp", &key("a"), Some(&item("100")), Some(&item("900")));
        assert!(queue.take_due(200_000, 0).is_empty());
        assert_eq!(queue.len(), 1);
    }

    #[test]
    fn expiries_more_than_five_years_old_are_ignored() {
        let mut queue = ExpiryQueue::default();
        queue.track("exp", &key("a"), None, Some(&item("1")));
        assert!(queue.take_due(IGNORED_PAST_MILLIS + 10_000, 0).is_empty());
        assert!(queue.is_empty());
    }
}
