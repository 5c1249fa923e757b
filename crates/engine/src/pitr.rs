//! Point-in-time recovery's history. While a table has recovery enabled, every write to it
//! is kept with the time it happened and the value it replaced (shared with the write
//! itself, an `Arc`, so keeping it copies nothing). A table's items as of a past time are
//! its current items with every later write undone, newest last: for each key, the value
//! the first write after that time replaced. Entries older than the recovery period are
//! dropped, so the history holds one replaced value per write of the last
//! `RecoveryPeriodInDays` (35 by default) and no more.
//!
//! The history lives in memory: a reload starts it again, so the earliest restorable time
//! is never before the history began ([`PitrLog::since_millis`]).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use crate::key::PrimaryKey;
use crate::value::Item;

/// One write kept for recovery.
#[derive(Debug, Clone)]
struct Entry {
    at_millis: u64,
    key: PrimaryKey,
    /// What the write replaced (None: the item did not exist).
    old: Option<Arc<Item>>,
}

/// A table's recovery history.
#[derive(Debug, Clone)]
pub struct PitrLog {
    since_millis: u64,
    entries: VecDeque<Entry>,
}

/// What one key went through between two times: its value at each end (None: absent).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyChange {
    pub key: PrimaryKey,
    pub before: Option<Item>,
    pub after: Option<Item>,
    /// When the last write to the key in the period happened.
    pub last_write_millis: u64,
}

impl PitrLog {
    /// An empty history starting at `now`.
    pub fn starting_at(now_millis: u64) -> Self {
        PitrLog {
            since_millis: now_millis,
            entries: VecDeque::new(),
        }
    }

    /// When the history began: no earlier time can be restored.
    pub fn since_millis(&self) -> u64 {
        self.since_millis
    }

    /// Writes kept.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Keeps a write made at `at_millis` to `key`, which replaced `old`.
    pub fn record(&mut self, at_millis: u64, key: &PrimaryKey, old: Option<Arc<Item>>) {
        self.entries.push_back(Entry {
            at_millis,
            key: key.clone(),
            old,
        });
    }

    /// Drops the writes made before `cutoff_millis` (the start of the recovery period); the
    /// history then begins there.
    pub fn forget_before(&mut self, cutoff_millis: u64) {
        while self
            .entries
            .front()
            .is_some_and(|e| e.at_millis < cutoff_millis)
        {
            self.entries.pop_front();
        }
        self.since_millis = self.since_millis.max(cutoff_millis);
    }

    /// For each key written after `at_millis`, the value it had then.
    fn values_at(&self, at_millis: u64) -> HashMap<&PrimaryKey, Option<&Arc<Item>>> {
        let mut then = HashMap::new();
        for entry in self.entries.iter().filter(|e| e.at_millis > at_millis) {
            then.entry(&entry.key).or_insert(entry.old.as_ref());
        }
        then
    }

    /// The items as of `at_millis`, from the items as they are now (`current`, by key).
    pub fn items_at<'a>(
        &'a self,
        current: impl Iterator<Item = (&'a PrimaryKey, &'a Item)>,
        at_millis: u64,
    ) -> Vec<Item> {
        let then = self.values_at(at_millis);
        let unchanged = current
            .filter(|(key, _)| !then.contains_key(key))
            .map(|(_, item)| item.clone());
        let changed = then.values().flatten().map(|item| Item::clone(item));
        unchanged.chain(changed).collect()
    }

    /// Every key written in `[from_millis, to_millis)` (an incremental export's period), with
    /// its value before the first and after the last of those writes; keys whose value ended
    /// where it began are left out. `current` looks a key up as it is now.
    pub fn changes_between<'a>(
        &'a self,
        current: impl Fn(&PrimaryKey) -> Option<&'a Item>,
        from_millis: u64,
        to_millis: u64,
    ) -> Vec<KeyChange> {
        // Times are whole milliseconds: "before `t`" is "as of `t - 1`".
        let at_from = self.values_at(from_millis.saturating_sub(1));
        let at_to = self.values_at(to_millis.saturating_sub(1));
        let value_at =
            |values: &HashMap<&PrimaryKey, Option<&Arc<Item>>>, key: &PrimaryKey| match values
                .get(key)
            {
                Some(then) => then.map(|item| (**item).clone()),
                None => current(key).cloned(),
            };
        let mut last_write: HashMap<&PrimaryKey, u64> = HashMap::new();
        for e in
            (self.entries.iter()).filter(|e| e.at_millis > from_millis && e.at_millis <= to_millis)
        {
            last_write.insert(&e.key, e.at_millis);
        }
        let mut keys: Vec<(&PrimaryKey, u64)> = last_write.into_iter().collect();
        crate::sorting::sort_by(&mut keys, |a, b| a.0.cmp(b.0));
        keys.into_iter()
            .map(|(key, at)| KeyChange {
                key: key.clone(),
                before: value_at(&at_from, key),
                after: value_at(&at_to, key),
                last_write_millis: at,
            })
            .filter(|change| change.before != change.after)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::KeyValue;
    use crate::value::AttributeValue;

    fn key(k: &str) -> PrimaryKey {
        PrimaryKey {
            hash: KeyValue::S(k.into()),
            range: None,
        }
    }

    fn item(k: &str, v: &str) -> Item {
        Item::from([
            ("pk".to_string(), AttributeValue::S(k.into())),
            ("v".to_string(), AttributeValue::S(v.into())),
        ])
    }

    /// `a` written at 10 (v1) and 20 (v2), `b` created at 15 and deleted at 25.
    fn history() -> (PitrLog, Vec<(PrimaryKey, Item)>) {
        let mut log = PitrLog::starting_at(0);
        log.record(10, &key("a"), None);
        log.record(15, &key("b"), None);
        log.record(20, &key("a"), Some(Arc::new(item("a", "v1"))));
        log.record(25, &key("b"), Some(Arc::new(item("b", "v1"))));
        (log, vec![(key("a"), item("a", "v2"))])
    }

    fn values(mut items: Vec<Item>) -> Vec<String> {
        items.sort_by(|x, y| format!("{x:?}").cmp(&format!("{y:?}")));
        items
            .iter()
            .map(|i| match (&i["pk"], &i["v"]) {
                (AttributeValue::S(k), AttributeValue::S(v)) => format!("{k}={v}"),
                _ => unreachable!(),
            })
            .collect()
    }

    #[test]
    fn the_items_at_a_time_undo_every_later_write() {
        let (log, now) = history();
        let current = || now.iter().map(|(k, i)| (k, i));
        assert_eq!(values(log.items_at(current(), 5)), Vec::<String>::new());
        assert_eq!(values(log.items_at(current(), 16)), ["a=v1", "b=v1"]);
        assert_eq!(values(log.items_at(current(), 22)), ["a=v2", "b=v1"]);
        assert_eq!(values(log.items_at(current(), 30)), ["a=v2"]);
    }

    #[test]
    fn changes_between_two_times_give_each_key_at_both_ends() {
        let (log, now) = history();
        let current = |k: &PrimaryKey| now.iter().find(|(key, _)| key == k).map(|(_, i)| i);
        let changes = log.changes_between(current, 12, 31);
        assert_eq!(changes.len(), 1, "b came and went: no change");
        assert_eq!(changes[0].before, Some(item("a", "v1")));
        assert_eq!(changes[0].after, Some(item("a", "v2")));
    }

    #[test]
    fn forgetting_old_writes_moves_the_start_of_history() {
        let (mut log, _) = history();
        log.forget_before(18);
        assert_eq!(log.len(), 2);
        assert_eq!(log.since_millis(), 18);
    }
}
