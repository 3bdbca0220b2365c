//! Per-call limits, in one place.
//!
//! Every plug-in call gets these, whoever wrote the plug-in. The defaults are
//! generous for rules over one lead (a BANT `qualify` uses ~100k fuel, well
//! under a megabyte of memory and a few hundred bytes of answer) and tight
//! enough that a runaway guest costs milliseconds, not the host.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Limits applied to every plug-in call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Deterministic budget of Wasm instructions (fuel) per call.
    pub fuel: u64,
    /// Wall-clock deadline per call, enforced by epoch interruption: only a
    /// backstop. Fuel is the deterministic budget (host calls pay fuel too),
    /// so the deadline sits well above what the fuel budget takes (the
    /// fixtures that loop, with and without host calls, run out of fuel
    /// before it in the tests) and the same input gets the same outcome
    /// whatever the machine's load.
    #[serde(with = "millis")]
    pub deadline: Duration,
    /// How often the epoch ticks; the deadline is accurate to one tick.
    #[serde(with = "millis")]
    pub epoch_tick: Duration,
    /// Most linear memory one instance may grow to, in bytes.
    pub memory_bytes: usize,
    /// Largest answer (strings and lists summed) a plug-in may return, in bytes.
    pub output_bytes: usize,
    /// Most bytes of stdout and of stderr kept per call (a guest panic's message lives there).
    pub stdio_bytes: usize,
    /// Most `log` lines kept per call; later lines are dropped.
    pub log_lines: usize,
    /// Longest `log` line kept, in bytes; longer lines are cut.
    pub log_line_bytes: usize,
    /// Most calls running at once; sizes the pooling allocator.
    pub concurrent_calls: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: 50_000_000,
            deadline: Duration::from_millis(1000),
            epoch_tick: Duration::from_millis(10),
            memory_bytes: 64 << 20,
            output_bytes: 64 << 10,
            stdio_bytes: 16 << 10,
            log_lines: 100,
            log_line_bytes: 1024,
            concurrent_calls: 128,
        }
    }
}

impl Limits {
    /// The deadline in epoch ticks (at least one).
    pub fn deadline_ticks(&self) -> u64 {
        let tick = self.epoch_tick.as_nanos().max(1);
        (self.deadline.as_nanos().div_ceil(tick) as u64).max(1)
    }
}

/// Durations as whole milliseconds in config files.
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(value.as_millis() as u64)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        u64::deserialize(deserializer).map(Duration::from_millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_rounds_up_to_whole_ticks() {
        let limits = Limits {
            deadline: Duration::from_millis(25),
            epoch_tick: Duration::from_millis(10),
            ..Limits::default()
        };
        assert_eq!(limits.deadline_ticks(), 3);
        assert_eq!(
            Limits {
                deadline: Duration::ZERO,
                ..limits
            }
            .deadline_ticks(),
            1
        );
    }

    #[test]
    fn config_overrides_only_what_it_names() {
        let limits: Limits = serde_json::from_str(r#"{"fuel": 1000, "deadline": 250}"#).unwrap();
        assert_eq!(limits.fuel, 1000);
        assert_eq!(limits.deadline, Duration::from_millis(250));
        assert_eq!(limits.memory_bytes, Limits::default().memory_bytes);
        let unknown = serde_json::from_str::<Limits>(r#"{"fuell": 1}"#).unwrap_err();
        assert!(unknown.to_string().contains("fuell"), "{unknown}");
    }
}
