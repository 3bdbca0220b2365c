//! Where the host's time comes from. The engine and background work read a
//! [`Clock`] rather than the system time, so tests move time forward instead
//! of sleeping and decisions can be replayed at the time they were made.

use std::sync::{Arc, Mutex};

use crate::Time;

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// Now.
    fn now(&self) -> Time;
}

/// The system's wall clock, truncated to milliseconds (the precision the WIT
/// contract and the store keep).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Time {
        let now = chrono::Utc::now();
        chrono::DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now)
    }
}

/// A clock that moves only when told to: for tests and replays.
#[derive(Debug, Clone)]
pub struct ManualClock {
    /// The time it reads; shared by every clone.
    now: Arc<Mutex<Time>>,
}

impl ManualClock {
    /// A clock reading `start`.
    pub fn new(start: Time) -> Self {
        ManualClock {
            now: Arc::new(Mutex::new(start)),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }

    /// Sets the clock to `to`.
    pub fn set(&self, to: Time) {
        *self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Time {
        *self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = "2026-03-02T09:00:00Z".parse().unwrap();
        let clock = ManualClock::new(start);
        let shared = clock.clone();
        assert_eq!(clock.now(), start);
        shared.advance(chrono::Duration::days(7));
        assert_eq!(clock.now(), "2026-03-09T09:00:00Z".parse::<Time>().unwrap());
    }

    #[test]
    fn system_clock_has_millisecond_precision() {
        assert_eq!(SystemClock.now().timestamp_subsec_nanos() % 1_000_000, 0);
    }
}
