//! A numbered ring: the bounded logs the engine keeps for the UI (the event history, the
//! activity log). Each entry is numbered as it is recorded, one more than the last; the
//! oldest fall off once `N` are held; a reader asks for what came after a number it has
//! seen. Off unless a front end asks for it, so the plain engine pays nothing.

use std::collections::VecDeque;

/// An entry that carries its number in the ring.
pub trait Numbered {
    fn sequence(&self) -> u64;
    fn set_sequence(&mut self, sequence: u64);
}

#[derive(Debug)]
pub struct Ring<T, const N: usize> {
    enabled: bool,
    next_sequence: u64,
    entries: VecDeque<T>,
}

impl<T, const N: usize> Default for Ring<T, N> {
    fn default() -> Self {
        Ring {
            enabled: false,
            next_sequence: 1,
            entries: VecDeque::new(),
        }
    }
}

impl<T: Numbered, const N: usize> Ring<T, N> {
    pub fn new(enabled: bool) -> Self {
        Ring {
            enabled,
            ..Ring::default()
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Appends an entry, numbering it; the oldest falls off when the ring is full.
    pub fn record(&mut self, mut entry: T) {
        if !self.enabled {
            return;
        }
        if self.entries.len() == N {
            self.entries.pop_front();
        }
        entry.set_sequence(self.next_sequence);
        self.next_sequence += 1;
        self.entries.push_back(entry);
    }

    /// Entries after `after` (a sequence number) that `keep` accepts, oldest first, at
    /// most `limit`: the oldest of them, or with `newest` the newest.
    pub fn since(
        &self,
        after: u64,
        limit: usize,
        newest: bool,
        keep: impl Fn(&T) -> bool,
    ) -> Vec<&T> {
        let first = self.entries.partition_point(|e| e.sequence() <= after);
        let kept = self.entries.range(first..).filter(|e| keep(e));
        if !newest {
            return kept.take(limit).collect();
        }
        let mut entries: Vec<&T> = kept.rev().take(limit).collect();
        entries.reverse();
        entries
    }

    /// The newest `count` entries, oldest first: what a saved history keeps.
    pub fn newest(&self, count: usize) -> impl Iterator<Item = &T> {
        self.entries
            .range(self.entries.len().saturating_sub(count)..)
    }

    /// Puts back entries saved earlier (oldest first), numbering continuing after them.
    pub fn restore(&mut self, entries: Vec<T>) {
        self.next_sequence = entries.last().map_or(1, |e| e.sequence() + 1);
        self.entries = entries.into_iter().collect();
        while self.entries.len() > N {
            self.entries.pop_front();
        }
    }

    /// The sequence number of the latest entry (0 before any).
    pub fn last_sequence(&self) -> u64 {
        self.next_sequence - 1
    }
}
