//! The engine's virtual clock. The engine never reads the host's time: a front end sets the
//! clock (the native server from the wall clock, the browser from `Date.now()`, tests by
//! hand), and everything time-dependent reads it here. Time only moves forward.

/// Milliseconds since the Unix epoch, as the engine sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct VirtualClock {
    now_millis: u64,
}

impl VirtualClock {
    pub fn starting_at(now_millis: u64) -> Self {
        VirtualClock { now_millis }
    }

    pub fn now_millis(&self) -> u64 {
        self.now_millis
    }

    /// Seconds since the epoch with millisecond precision, as DynamoDB's timestamps are sent.
    pub fn now_seconds(&self) -> f64 {
        self.now_millis as f64 / 1000.0
    }

    /// Moves the clock to `millis`; an earlier time is ignored so the clock never runs back.
    pub fn advance_to(&mut self, millis: u64) {
        self.now_millis = self.now_millis.max(millis);
    }

    pub fn advance_by(&mut self, millis: u64) {
        self.now_millis = self.now_millis.saturating_add(millis);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_never_runs_backwards() {
        let mut clock = VirtualClock::starting_at(1_000);
        clock.advance_to(500);
        assert_eq!(clock.now_millis(), 1_000);
        clock.advance_by(250);
        assert_eq!(clock.now_millis(), 1_250);
    }
}
