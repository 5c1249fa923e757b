//! The engine's virtual clock. The engine never reads the host's time: a front end reports
//! it ([`VirtualClock::observe_host`]), and the clock's mode decides what that means.
//! Stepped, time moves only when told (tests, the UI's pause and step); real-time, it
//! follows the host clock, optionally sped up. Everything time-dependent reads the clock
//! here, and time only moves forward, never past [`LATEST_MILLIS`] (so no step, speed or
//! stored time can push it where timestamps stop being dates and it can no longer move).

/// The latest time the clock can show: 9999-12-31T23:59:59.999Z, the last instant an
/// ISO 8601 date with a four-digit year can name.
pub const LATEST_MILLIS: u64 = 253_402_300_799_999;

/// How the virtual clock moves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClockMode {
    /// Time moves only by explicit steps.
    Stepped,
    /// Time follows the host clock, `speed` virtual milliseconds per host millisecond.
    RealTime { speed: f64 },
}

/// Milliseconds since the Unix epoch, as the engine sees them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VirtualClock {
    now_millis: u64,
    mode: ClockMode,
    /// In real-time mode: a host time and the virtual time it corresponded to.
    anchor: Option<(u64, u64)>,
}

impl VirtualClock {
    pub fn starting_at(now_millis: u64) -> Self {
        VirtualClock {
            now_millis,
            mode: ClockMode::Stepped,
            anchor: None,
        }
    }

    pub fn now_millis(&self) -> u64 {
        self.now_millis
    }

    pub fn mode(&self) -> ClockMode {
        self.mode
    }

    /// Seconds since the epoch with millisecond precision, as DynamoDB's timestamps are sent.
    pub fn now_seconds(&self) -> f64 {
        self.now_millis as f64 / 1000.0
    }

    /// Switches mode. Real-time starts from the current virtual time at the next host time
    /// observed, so switching never jumps the clock.
    pub fn set_mode(&mut self, mode: ClockMode) {
        self.mode = mode;
        self.anchor = None;
    }

    /// A front end reports the host's time. Real-time mode follows it; stepped mode ignores it.
    pub fn observe_host(&mut self, host_millis: u64) {
        let ClockMode::RealTime { speed } = self.mode else {
            return;
        };
        match self.anchor {
            None => self.anchor = Some((host_millis, self.now_millis)),
            Some((host_anchor, virtual_anchor)) => {
                let elapsed = host_millis.saturating_sub(host_anchor) as f64 * speed;
                self.advance_to(virtual_anchor.saturating_add(elapsed as u64));
            }
        }
    }

    /// Sets the time outright: only for restoring a stored clock into a fresh engine.
    pub(crate) fn restore_to(&mut self, millis: u64) {
        self.now_millis = millis.min(LATEST_MILLIS);
        self.anchor = None;
    }

    /// Moves the clock to `millis`; an earlier time is ignored so the clock never runs back.
    pub fn advance_to(&mut self, millis: u64) {
        self.now_millis = self.now_millis.max(millis.min(LATEST_MILLIS));
    }

    /// Steps the clock forward. In real-time mode the step is kept: later host times add to
    /// it rather than undo it.
    pub fn advance_by(&mut self, millis: u64) {
        self.now_millis = self.now_millis.saturating_add(millis).min(LATEST_MILLIS);
        if let Some((_, virtual_anchor)) = &mut self.anchor {
            *virtual_anchor = virtual_anchor.saturating_add(millis);
        }
    }
}

/// `millis` since the epoch as ISO-8601 UTC with milliseconds and no zone
/// (`2026-11-21T05:50:51.123`), the form of stream labels.
pub fn iso8601_millis(millis: u64) -> String {
    let days = (millis / 86_400_000) as i64;
    let ms_of_day = millis % 86_400_000;
    let (year, month, day) = civil_from_days(days);
    let (h, m, s, ms) = (
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60,
        ms_of_day / 1000 % 60,
        ms_of_day % 1000,
    );
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{ms:03}")
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's method).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_format_as_iso_8601_with_milliseconds() {
        assert_eq!(iso8601_millis(0), "1970-01-01T00:00:00.000");
        assert_eq!(iso8601_millis(1_795_240_251_123), "2026-11-21T05:50:51.123");
        assert_eq!(iso8601_millis(951_782_400_000), "2000-02-29T00:00:00.000");
    }

    #[test]
    fn no_step_or_speed_moves_the_clock_past_the_latest_time() {
        let mut clock = VirtualClock::starting_at(LATEST_MILLIS - 5);
        clock.advance_by(u64::MAX);
        assert_eq!(clock.now_millis(), LATEST_MILLIS);
        clock.set_mode(ClockMode::RealTime { speed: 1_000_000.0 });
        clock.observe_host(0);
        clock.observe_host(u64::MAX);
        assert_eq!(clock.now_millis(), LATEST_MILLIS);
        assert_eq!(
            iso8601_millis(clock.now_millis()),
            "9999-12-31T23:59:59.999"
        );
    }

    #[test]
    fn the_clock_never_runs_backwards() {
        let mut clock = VirtualClock::starting_at(1_000);
        clock.advance_to(500);
        assert_eq!(clock.now_millis(), 1_000);
        clock.advance_by(250);
        assert_eq!(clock.now_millis(), 1_250);
    }

    #[test]
    fn a_stepped_clock_ignores_the_host() {
        let mut clock = VirtualClock::starting_at(1_000);
        clock.observe_host(99_000);
        assert_eq!(clock.now_millis(), 1_000);
    }

    #[test]
    fn a_real_time_clock_follows_the_host_at_its_speed() {
        let mut clock = VirtualClock::starting_at(1_000);
        clock.set_mode(ClockMode::RealTime { speed: 10.0 });
        clock.observe_host(50_000);
        assert_eq!(
            clock.now_millis(),
            1_000,
            "the first observation only anchors"
        );
        clock.observe_host(50_100);
        assert_eq!(clock.now_millis(), 2_000);
        clock.advance_by(500);
        clock.observe_host(50_200);
        assert_eq!(clock.now_millis(), 3_500, "a step is kept");
    }
}
