//! Per-call limits, in one place.
//!
//! Every plug-in call gets these, whoever wrote the plug-in. The defaults are
//! generous for rules over one lead (a BANT `qualify` uses ~100k fuel, well
//! under a megabyte of memory and a few hundred bytes of answer) and tight
//! enough that a runaway guest costs milliseconds, not the host.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Limits applied to every plug-in call.
///
/// This is also the `[limits]` table of `leadhost serve`'s settings, read as
/// it is: each key carries its unit (`deadline_ms`, `memory_mib`, ...), as
/// the file writes it. A size that is not a whole unit is written as a
/// fraction, so a round trip (the compile worker gets the limits as JSON)
/// is exact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Deterministic budget of Wasm instructions (fuel) per call.
    /// Default 50,000,000.
    pub fuel: u64,
    /// Wall-clock deadline per call, enforced by epoch interruption: only a
    /// backstop. Fuel is the deterministic budget (host calls pay fuel too),
    /// so the deadline sits well above what the fuel budget takes (the
    /// fixtures that loop, with and without host calls, run out of fuel
    /// before it in the tests) and the same input gets the same outcome
    /// whatever the machine's load. Key `deadline_ms`; default 1,000 ms.
    #[serde(rename = "deadline_ms", with = "millis")]
    pub deadline: Duration,
    /// How often the epoch ticks; the deadline is accurate to one tick.
    /// Key `epoch_tick_ms`; default 10 ms.
    #[serde(rename = "epoch_tick_ms", with = "millis")]
    pub epoch_tick: Duration,
    /// Most linear memory one instance may grow to, in bytes.
    /// Key `memory_mib`; default 64 MiB.
    #[serde(rename = "memory_mib", with = "scaled::mib")]
    pub memory_bytes: usize,
    /// Largest answer (strings and lists summed) a plug-in may return, in
    /// bytes. Key `output_kib`; default 64 KiB.
    #[serde(rename = "output_kib", with = "scaled::kib")]
    pub output_bytes: usize,
    /// Most bytes of stdout and of stderr kept per call (a guest panic's
    /// message lives there). Key `stdio_kib`; default 16 KiB.
    #[serde(rename = "stdio_kib", with = "scaled::kib")]
    pub stdio_bytes: usize,
    /// Most `log` lines kept per call; later lines are dropped. Default 100.
    pub log_lines: usize,
    /// Longest `log` line kept, in bytes; longer lines are cut. Default 1,024.
    pub log_line_bytes: usize,
    /// Most calls running at once; sizes the pooling allocator. Default 128.
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

/// Sizes in bytes, written in a larger unit (`memory_mib`, `output_kib`):
/// a whole number when exact, else a fraction (exact in binary).
mod scaled {
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};

    /// In KiB.
    pub mod kib {
        /// Writes bytes as KiB.
        pub fn serialize<S: serde::Serializer>(bytes: &usize, s: S) -> Result<S::Ok, S::Error> {
            super::serialize(*bytes, 10, s)
        }
        /// Reads KiB as bytes.
        pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
            super::deserialize(d, 10)
        }
    }

    /// In MiB.
    pub mod mib {
        /// Writes bytes as MiB.
        pub fn serialize<S: serde::Serializer>(bytes: &usize, s: S) -> Result<S::Ok, S::Error> {
            super::serialize(*bytes, 20, s)
        }
        /// Reads MiB as bytes.
        pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
            super::deserialize(d, 20)
        }
    }

    fn serialize<S: Serializer>(bytes: usize, shift: u32, s: S) -> Result<S::Ok, S::Error> {
        if bytes.trailing_zeros() >= shift {
            s.serialize_u64((bytes >> shift) as u64)
        } else {
            s.serialize_f64(bytes as f64 / (1u64 << shift) as f64)
        }
    }

    fn deserialize<'de, D: Deserializer<'de>>(d: D, shift: u32) -> Result<usize, D::Error> {
        d.deserialize_any(Units(shift))
    }

    struct Units(u32);

    impl Visitor<'_> for Units {
        type Value = usize;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a number, 0 or more")
        }

        fn visit_u64<E: de::Error>(self, units: u64) -> Result<usize, E> {
            usize::try_from(units)
                .ok()
                .and_then(|units| units.checked_mul(1 << self.0))
                .ok_or_else(|| E::custom(format!("{units} is too large")))
        }

        fn visit_i64<E: de::Error>(self, units: i64) -> Result<usize, E> {
            match u64::try_from(units) {
                Ok(units) => self.visit_u64(units),
                Err(_) => Err(E::invalid_value(de::Unexpected::Signed(units), &self)),
            }
        }

        fn visit_f64<E: de::Error>(self, units: f64) -> Result<usize, E> {
            let bytes = units * (1u64 << self.0) as f64;
            if !(0.0..usize::MAX as f64).contains(&bytes) {
                return Err(E::invalid_value(de::Unexpected::Float(units), &self));
            }
            Ok(bytes.round() as usize)
        }
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
    fn config_overrides_only_what_it_names_in_the_units_of_its_keys() {
        let limits: Limits =
            serde_json::from_str(r#"{"fuel": 1000, "deadline_ms": 250, "memory_mib": 16}"#)
                .unwrap();
        assert_eq!(limits.fuel, 1000);
        assert_eq!(limits.deadline, Duration::from_millis(250));
        assert_eq!(limits.memory_bytes, 16 << 20);
        assert_eq!(limits.output_bytes, Limits::default().output_bytes);
        let negative = serde_json::from_str::<Limits>(r#"{"memory_mib": -1}"#).unwrap_err();
        assert!(negative.to_string().contains("0 or more"), "{negative}");
    }

    #[test]
    fn sizes_that_are_not_whole_units_survive_a_round_trip() {
        let limits = Limits {
            memory_bytes: (16 << 20) + 65_536,
            output_bytes: 1000,
            ..Limits::default()
        };
        let json = serde_json::to_string(&limits).unwrap();
        assert!(json.contains(r#""memory_mib":16.0625"#), "{json}");
        assert_eq!(serde_json::from_str::<Limits>(&json).unwrap(), limits);
        let whole = serde_json::to_string(&Limits::default()).unwrap();
        assert!(whole.contains(r#""memory_mib":64,"#), "{whole}");
    }
}
