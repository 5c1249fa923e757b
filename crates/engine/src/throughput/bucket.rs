//! The pieces a group's accounting is made of: one virtual second's window of consumption
//! and refusals, a partition's token buckets (tokens, burst credit, debt, adaptive boost),
//! how a group pays (provisioned or on demand) and an on-demand group's scaling from its
//! previous peak.

use std::collections::VecDeque;

use super::{BURST_SECONDS, Direction, PEAK_WINDOW_MILLIS, TABLE_QUOTA};
use crate::table::BillingMode;

/// One second of the virtual clock: what was consumed and refused in it, in both
/// directions, and the second before.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Window {
    pub second: u64,
    pub read: f64,
    pub write: f64,
    pub throttled_reads: u64,
    pub throttled_writes: u64,
    /// Units consumed in the second before `second` (0 if it was idle).
    pub previous_read: f64,
    pub previous_write: f64,
    /// Requests refused in the second before `second`.
    pub previous_throttled_reads: u64,
    pub previous_throttled_writes: u64,
}

impl Window {
    pub(super) fn starting(now: u64) -> Self {
        Window {
            second: now / 1000,
            ..Default::default()
        }
    }

    /// Moves to the second holding `now`; returns the second that ended, if anything
    /// happened in it.
    pub(super) fn roll(&mut self, now: u64) -> Option<Window> {
        let second = now / 1000;
        if second <= self.second {
            return None;
        }
        let ended = *self;
        let next = second == self.second + 1;
        *self = Window {
            second,
            previous_read: if next { ended.read } else { 0.0 },
            previous_write: if next { ended.write } else { 0.0 },
            previous_throttled_reads: if next { ended.throttled_reads } else { 0 },
            previous_throttled_writes: if next { ended.throttled_writes } else { 0 },
            ..Default::default()
        };
        ended.is_busy().then_some(ended)
    }

    /// Whether anything was consumed or refused in the window's second.
    pub fn is_busy(&self) -> bool {
        self.read > 0.0 || self.write > 0.0 || self.throttled_reads > 0 || self.throttled_writes > 0
    }

    pub fn used(&self, direction: Direction) -> f64 {
        direction.pick(self.read, self.write)
    }

    pub(super) fn add(&mut self, direction: Direction, units: f64) {
        match direction {
            Direction::Read => self.read += units,
            Direction::Write => self.write += units,
        }
    }

    pub(super) fn count_throttle(&mut self, direction: Direction) {
        match direction {
            Direction::Read => self.throttled_reads += 1,
            Direction::Write => self.throttled_writes += 1,
        }
    }
}

/// One direction of one partition's provisioned capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    /// Allocated units per second.
    pub rate: f64,
    /// Tokens left in the current second's allocation (at most `rate`; below 0 a debt).
    pub tokens: f64,
    /// Unused capacity kept for bursts (at most 300 seconds of `rate`).
    pub burst: f64,
    refilled_at: u64,
    /// Adaptive capacity: from this time on the partition may borrow the table's unused
    /// capacity.
    pub boosted_from: Option<u64>,
}

impl Bucket {
    /// A bucket full for its first second, with no burst credit yet.
    pub(super) fn full(rate: f64, at: u64) -> Self {
        Bucket {
            rate,
            tokens: rate,
            burst: 0.0,
            refilled_at: at,
            boosted_from: None,
        }
    }

    /// Adds what the allocation earned since the last refill: debt first, then the
    /// second's tokens, the overflow to burst credit.
    pub(super) fn refill(&mut self, now: u64) {
        if now <= self.refilled_at {
            return;
        }
        let earned = self.rate * (now - self.refilled_at) as f64 / 1000.0;
        self.refilled_at = now;
        let into_tokens = earned.min((self.rate - self.tokens).max(0.0));
        self.tokens += into_tokens;
        self.burst = (self.burst + earned - into_tokens).min(self.rate * BURST_SECONDS);
    }

    /// Tokens and burst credit left.
    pub fn available(&self) -> f64 {
        self.tokens.max(0.0) + self.burst
    }

    pub(super) fn boosted(&self, now: u64) -> bool {
        self.boosted_from.is_some_and(|from| from <= now)
    }

    /// Takes `units`: tokens first, then burst credit; what remains is borrowed (nothing
    /// charged here) or a debt, never below `floor`.
    pub(super) fn take(&mut self, units: f64, borrow: bool, floor: f64) {
        let from_tokens = units.min(self.tokens.max(0.0));
        self.tokens -= from_tokens;
        let from_burst = (units - from_tokens).min(self.burst);
        self.burst -= from_burst;
        let rest = units - from_tokens - from_burst;
        if rest > 0.0 && !borrow {
            self.tokens = (self.tokens - rest).max(floor);
        }
    }

    /// A new allocation: the levels stay, clamped to what the new rate can hold.
    pub(super) fn set_rate(&mut self, rate: f64, now: u64) {
        self.refill(now);
        self.rate = rate;
        self.tokens = self.tokens.min(rate);
        self.burst = self.burst.min(rate * BURST_SECONDS);
    }

    /// One of `parts` equal shares (a split child's).
    pub(super) fn share(&self, parts: f64) -> Bucket {
        Bucket {
            rate: self.rate / parts,
            tokens: self.tokens / parts,
            burst: self.burst / parts,
            refilled_at: self.refilled_at,
            boosted_from: None,
        }
    }
}

/// A partition's buckets and its current second.
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionCapacity {
    pub read: Bucket,
    pub write: Bucket,
    pub window: Window,
}

impl PartitionCapacity {
    pub(super) fn new(read_rate: f64, write_rate: f64, at: u64) -> Self {
        PartitionCapacity {
            read: Bucket::full(read_rate, at),
            write: Bucket::full(write_rate, at),
            window: Window::starting(at),
        }
    }

    pub fn bucket(&self, direction: Direction) -> &Bucket {
        direction.pick(&self.read, &self.write)
    }

    pub(super) fn bucket_mut(&mut self, direction: Direction) -> &mut Bucket {
        match direction {
            Direction::Read => &mut self.read,
            Direction::Write => &mut self.write,
        }
    }
}

/// How a group pays: provisioned units per second, or on demand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    Provisioned { read: f64, write: f64 },
    OnDemand,
}

impl Mode {
    pub(super) fn of_table(billing: BillingMode) -> Mode {
        match billing {
            BillingMode::Provisioned {
                read_capacity_units,
                write_capacity_units,
            } => Mode::Provisioned {
                read: read_capacity_units as f64,
                write: write_capacity_units as f64,
            },
            BillingMode::PayPerRequest => Mode::OnDemand,
        }
    }

    pub(super) fn of_index(throughput: Option<(u64, u64)>) -> Mode {
        match throughput {
            Some((read, write)) => Mode::Provisioned {
                read: read as f64,
                write: write as f64,
            },
            None => Mode::OnDemand,
        }
    }

    pub(super) fn rate(self, direction: Direction) -> f64 {
        match self {
            Mode::Provisioned { read, write } => direction.pick(read, write),
            Mode::OnDemand => 0.0,
        }
    }
}

/// An on-demand group's scaling state in one direction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scaling {
    /// The previous peak: the busiest second at least 30 minutes old.
    pub peak: f64,
    /// The least it serves in a second: warm throughput, or the highest provisioned value.
    pub floor: f64,
    /// Seconds busier than the peak (each busier than the one before), with when they end.
    rising: VecDeque<(u64, f64)>,
}

impl Scaling {
    pub(super) fn new(floor: f64) -> Self {
        Scaling {
            peak: 0.0,
            floor,
            rising: VecDeque::new(),
        }
    }

    /// What the group can serve in one second now.
    pub fn capacity(&self) -> f64 {
        self.floor.max(2.0 * self.peak).min(TABLE_QUOTA)
    }

    /// Notes a finished second, and lets seconds 30 minutes old become the peak.
    pub(super) fn observe(&mut self, ended_at: u64, used: f64, now: u64) {
        if used > self.peak && self.rising.back().is_none_or(|&(_, v)| used > v) {
            self.rising.push_back((ended_at, used));
        }
        while let Some(&(at, used)) = self.rising.front() {
            if at + PEAK_WINDOW_MILLIS > now {
                break;
            }
            self.peak = self.peak.max(used);
            self.rising.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::throughput::WARM_WRITE;

    #[test]
    fn a_bucket_holds_one_second_and_keeps_the_overflow_as_burst() {
        let mut bucket = Bucket::full(10.0, 0);
        bucket.refill(60_000);
        assert_eq!((bucket.tokens, bucket.burst), (10.0, 600.0));
        bucket.refill(10_000_000);
        assert_eq!(bucket.burst, 3_000.0, "300 seconds at most");
    }

    #[test]
    fn a_debt_is_repaid_before_tokens_return() {
        let mut bucket = Bucket::full(10.0, 0);
        bucket.take(25.0, false, f64::NEG_INFINITY);
        assert_eq!(bucket.tokens, -15.0);
        bucket.refill(2_000);
        assert_eq!((bucket.tokens, bucket.burst), (5.0, 0.0));
    }

    #[test]
    fn on_demand_doubles_the_peak_once_it_is_30_minutes_old() {
        let mut scaling = Scaling::new(WARM_WRITE);
        assert_eq!(scaling.capacity(), 4_000.0);
        scaling.observe(1_000, 4_000.0, 1_000);
        assert_eq!(scaling.capacity(), 4_000.0);
        scaling.observe(2_000, 100.0, 1_000 + PEAK_WINDOW_MILLIS);
        assert_eq!(scaling.capacity(), 8_000.0);
    }
}
