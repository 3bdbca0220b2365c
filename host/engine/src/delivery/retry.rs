//! When to try a failed delivery again.

use std::time::Duration;

/// Exponential backoff with jitter, up to a number of attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failure.
    pub first: Duration,
    /// The longest wait.
    pub max: Duration,
    /// Attempts before a message becomes a dead letter.
    pub attempts: u32,
    /// Longest a single request may take.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            first: Duration::from_secs(2),
            max: Duration::from_secs(15 * 60),
            attempts: 10,
            timeout: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The wait after the `failures`th failure (1 for the first), given a
    /// `jitter` in `0..1`: the doubled wait, capped, times 0.5 to 1.5 so
    /// that receivers coming back up are not hit by every sender at once.
    pub fn delay(&self, failures: u32, jitter: f64) -> Duration {
        let doubled = self
            .first
            .saturating_mul(1u32 << failures.saturating_sub(1).min(20));
        doubled.min(self.max).mul_f64(0.5 + jitter.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap_within_the_jitter() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(1, 0.5), Duration::from_secs(2));
        assert_eq!(policy.delay(3, 0.5), Duration::from_secs(8));
        assert_eq!(policy.delay(30, 0.5), Duration::from_secs(900));
        assert_eq!(policy.delay(1, 0.0), Duration::from_secs(1));
        assert_eq!(policy.delay(1, 1.0), Duration::from_secs(3));
    }
}
