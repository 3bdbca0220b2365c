//! Arithmetic on WIT timestamps: milliseconds since the Unix epoch (UTC), `i64`.
//!
//! A plug-in has no clock: it reads the time of the call from `input.now`
//! and schedules with `wake_at`. These helpers spare it the unit constants:
//!
//! ```
//! use leadhost_sdk::time;
//!
//! let now = 1_000 * time::DAY_MS;
//! let wake_at = time::add_days(now, 1.5); // a day and a half later
//! assert_eq!(time::hours_between(now, wake_at), 36.0);
//! assert_eq!(time::whole_days_between(now, wake_at), 1);
//! assert_eq!(time::days_between(wake_at, now), -1.5); // backwards is negative
//! ```
//!
//! **Rounding.** `days_between` and `hours_between` are exact fractions
//! (`f64`), negative when `to` is before `from`. `whole_days_between` and
//! `whole_hours_between` count only complete units and round toward zero,
//! so -36 hours is -1 whole day, not -2. `days(n)` and `hours(n)` convert a
//! fractional count to milliseconds rounding toward zero (as `as i64` does);
//! a count too large for a timestamp (or infinite) saturates at
//! `i64::MAX`/`i64::MIN`, and `NaN` is 0. The `add_*` helpers saturate
//! instead of overflowing, so a huge configured interval means "never"
//! rather than a time in the past.

use crate::types::Timestamp;

/// One second, in milliseconds.
pub const SECOND_MS: i64 = 1_000;
/// One minute, in milliseconds.
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
/// One hour, in milliseconds.
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
/// One day (24 hours; timestamps are UTC, so there is no daylight saving), in milliseconds.
pub const DAY_MS: i64 = 24 * HOUR_MS;
/// One week, in milliseconds.
pub const WEEK_MS: i64 = 7 * DAY_MS;

/// `count` days in milliseconds, rounded toward zero, saturating (see the module docs).
pub fn days(count: f64) -> i64 {
    (count * DAY_MS as f64) as i64
}

/// `count` hours in milliseconds, rounded toward zero, saturating.
pub fn hours(count: f64) -> i64 {
    (count * HOUR_MS as f64) as i64
}

/// `count` minutes in milliseconds, rounded toward zero, saturating.
pub fn minutes(count: f64) -> i64 {
    (count * MINUTE_MS as f64) as i64
}

/// Milliseconds from `from` to `to`: negative when `to` is earlier; saturates
/// instead of overflowing.
pub fn millis_between(from: Timestamp, to: Timestamp) -> i64 {
    to.saturating_sub(from)
}

/// Days from `from` to `to`, with the fraction: 36 hours is 1.5, and
/// negative when `to` is earlier.
pub fn days_between(from: Timestamp, to: Timestamp) -> f64 {
    millis_between(from, to) as f64 / DAY_MS as f64
}

/// Hours from `from` to `to`, with the fraction; negative when `to` is earlier.
pub fn hours_between(from: Timestamp, to: Timestamp) -> f64 {
    millis_between(from, to) as f64 / HOUR_MS as f64
}

/// Complete days from `from` to `to`, rounded toward zero: 47 hours is 1, -47 hours is -1.
pub fn whole_days_between(from: Timestamp, to: Timestamp) -> i64 {
    millis_between(from, to) / DAY_MS
}

/// Complete hours from `from` to `to`, rounded toward zero: 119 minutes is 1, -119 minutes is -1.
pub fn whole_hours_between(from: Timestamp, to: Timestamp) -> i64 {
    millis_between(from, to) / HOUR_MS
}

/// `at` moved by `count` days (negative moves back), saturating; see [`days`].
pub fn add_days(at: Timestamp, count: f64) -> Timestamp {
    at.saturating_add(days(count))
}

/// `at` moved by `count` hours (negative moves back), saturating; see [`hours`].
pub fn add_hours(at: Timestamp, count: f64) -> Timestamp {
    at.saturating_add(hours(count))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = 1_000 * DAY_MS;

    #[test]
    fn units_are_milliseconds() {
        assert_eq!(DAY_MS, 86_400_000);
        assert_eq!(HOUR_MS, 3_600_000);
        assert_eq!(WEEK_MS, 7 * 86_400_000);
        assert_eq!(days(2.0), 2 * DAY_MS);
        assert_eq!(hours(1.5), 90 * MINUTE_MS);
        assert_eq!(minutes(1.0), MINUTE_MS);
    }

    #[test]
    fn spans_are_exact_fractions_and_negative_backwards() {
        let later = NOW + 36 * HOUR_MS;
        assert_eq!(days_between(NOW, later), 1.5);
        assert_eq!(days_between(later, NOW), -1.5);
        assert_eq!(hours_between(NOW, NOW + 90 * MINUTE_MS), 1.5);
        assert_eq!(hours_between(NOW + 90 * MINUTE_MS, NOW), -1.5);
        assert_eq!(days_between(NOW, NOW), 0.0);
    }

    #[test]
    fn whole_units_round_toward_zero() {
        assert_eq!(whole_days_between(NOW, NOW + 47 * HOUR_MS), 1);
        assert_eq!(whole_days_between(NOW + 47 * HOUR_MS, NOW), -1);
        assert_eq!(whole_days_between(NOW, NOW + DAY_MS - 1), 0);
        assert_eq!(whole_hours_between(NOW, NOW + 119 * MINUTE_MS), 1);
        assert_eq!(whole_hours_between(NOW + 119 * MINUTE_MS, NOW), -1);
    }

    #[test]
    fn adding_moves_either_way_and_rounds_toward_zero() {
        assert_eq!(add_days(NOW, 14.0), NOW + 14 * DAY_MS);
        assert_eq!(add_days(NOW, -1.0), NOW - DAY_MS);
        assert_eq!(add_hours(NOW, 0.5), NOW + 30 * MINUTE_MS);
        // A third of a millisecond is dropped, in either direction.
        assert_eq!(add_hours(NOW, 1.0 / 3_600_000.0 / 3.0), NOW);
        assert_eq!(days(-1.0 / 86_400_000.0 * 1.5), -1);
    }

    #[test]
    fn huge_counts_saturate_instead_of_wrapping() {
        assert_eq!(days(1e300), i64::MAX);
        assert_eq!(days(f64::NEG_INFINITY), i64::MIN);
        assert_eq!(days(f64::NAN), 0);
        assert_eq!(add_days(NOW, 1e300), i64::MAX);
        assert_eq!(add_days(-NOW, -1e300), i64::MIN);
        assert_eq!(millis_between(i64::MIN, i64::MAX), i64::MAX);
        assert_eq!(whole_days_between(i64::MAX, i64::MIN), i64::MIN / DAY_MS);
    }
}
