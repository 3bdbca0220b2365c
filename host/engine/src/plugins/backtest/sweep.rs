//! The quantity/quality sweep's spec: one config key and the values a
//! backtest tries for it, written `KEY=FROM..TO:STEP`.

use std::str::FromStr;

use serde::Serialize;

/// The most values one [`Sweep`] may expand to, so a typo in the step cannot
/// turn into millions of backtest runs.
pub const MAX_SWEEP_VALUES: usize = 1000;

/// One setting to sweep and the values to try, written
/// `KEY=FROM..TO:STEP`, e.g. `min-score=50..90:5` for 50, 55, …, 90.
///
/// Values are `FROM + i*STEP` (not a running sum, so error does not build
/// up), each rounded to 10 decimal places; TO is included when reached
/// within a relative tolerance of 1e-9 steps, so `0.1..0.3:0.1` ends at 0.3.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sweep {
    /// The setting's name, as written before `=` (trimmed).
    pub key: String,
    /// The values to try, ascending, at least one.
    pub values: Vec<f64>,
}

/// Why a sweep spec was refused; each message quotes the spec.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SweepError {
    /// No `=` between key and range; holds the spec as given.
    #[error("sweep `{0}` has no `=`; expected KEY=FROM..TO:STEP")]
    MissingEquals(String),
    /// Nothing before `=`; holds the spec as given.
    #[error("sweep `{0}` has an empty key before `=`; expected KEY=FROM..TO:STEP")]
    EmptyKey(String),
    /// No `..` between FROM and TO; holds the spec as given.
    #[error("sweep `{0}` has no `..` between FROM and TO; expected KEY=FROM..TO:STEP")]
    MissingRange(String),
    /// No `:STEP` after the range; holds the spec as given.
    #[error("sweep `{0}` has no `:STEP` after the range; expected KEY=FROM..TO:STEP")]
    MissingStep(String),
    /// FROM, TO or STEP is not a number, or is infinite or NaN.
    #[error("sweep `{input}`: {part} `{text}` is not a finite number")]
    NotANumber {
        /// The spec as given.
        input: String,
        /// Which part: `from`, `to` or `step`.
        part: &'static str,
        /// The part's text.
        text: String,
    },
    /// STEP is zero or negative.
    #[error("sweep `{input}`: step `{text}` must be greater than 0")]
    StepNotPositive {
        /// The spec as given.
        input: String,
        /// The step's text.
        text: String,
    },
    /// TO is below FROM.
    #[error("sweep `{input}`: to `{to}` is less than from `{from}`")]
    Reversed {
        /// The spec as given.
        input: String,
        /// FROM's text.
        from: String,
        /// TO's text.
        to: String,
    },
    /// The step is too fine for numbers of this size to tell apart.
    #[error("sweep `{input}`: step `{text}` is finer than numbers this large can be told apart")]
    StepTooFine {
        /// The spec as given.
        input: String,
        /// The step's text.
        text: String,
    },
    /// The range would expand to more than [`MAX_SWEEP_VALUES`] values.
    #[error(
        "sweep `{input}` would give {} values; at most {max} are allowed",
        if *count < 1_000_000_000 { count.to_string() } else { "over a billion".to_string() },
        max = MAX_SWEEP_VALUES
    )]
    TooMany {
        /// The spec as given.
        input: String,
        /// How many values it would give (saturating).
        count: u64,
    },
}

impl FromStr for Sweep {
    type Err = SweepError;

    fn from_str(input: &str) -> Result<Sweep, SweepError> {
        let owned = || input.to_string();
        let (key, range) = input
            .split_once('=')
            .ok_or_else(|| SweepError::MissingEquals(owned()))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(SweepError::EmptyKey(owned()));
        }
        let (range, step_text) = range
            .split_once(':')
            .map_or((range, None), |(r, s)| (r, Some(s)));
        let (from_text, to_text) = range
            .split_once("..")
            .ok_or_else(|| SweepError::MissingRange(owned()))?;
        let step_text = step_text.ok_or_else(|| SweepError::MissingStep(owned()))?;
        let number = |part: &'static str, text: &str| {
            let text = text.trim();
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(SweepError::NotANumber {
                    input: owned(),
                    part,
                    text: text.to_string(),
                }),
            }
        };
        let from = number("from", from_text)?;
        let to = number("to", to_text)?;
        let step = number("step", step_text)?;
        if step <= 0.0 {
            return Err(SweepError::StepNotPositive {
                input: owned(),
                text: step_text.trim().to_string(),
            });
        }
        if to < from {
            return Err(SweepError::Reversed {
                input: owned(),
                from: from_text.trim().to_string(),
                to: to_text.trim().to_string(),
            });
        }
        // Steps that fit, forgiving float error just short of a whole step.
        let steps = ((to - from) / step + 1e-9).floor();
        let count = steps + 1.0;
        if count > MAX_SWEEP_VALUES as f64 {
            // `as` saturates: a count past u64 (or infinite) reads as u64::MAX.
            return Err(SweepError::TooMany {
                input: owned(),
                count: count as u64,
            });
        }
        let values: Vec<f64> = (0..count as u64)
            // Clamp: the tolerance may admit a last value a hair above TO.
            .map(|i| round10((from + i as f64 * step).min(to)))
            .collect();
        // Near 2^53 a step can be below what an f64 tells apart.
        if values.windows(2).any(|pair| pair[1] <= pair[0])
            || values.first() != Some(&round10(from))
        {
            return Err(SweepError::StepTooFine {
                input: owned(),
                text: step_text.trim().to_string(),
            });
        }
        Ok(Sweep {
            key: key.to_string(),
            values,
        })
    }
}

/// `v` rounded to 10 decimal places, or unchanged where that precision is
/// beyond what an f64 of its size holds.
fn round10(v: f64) -> f64 {
    let scaled = v * 1e10;
    if scaled.abs() < 2f64.powi(52) {
        scaled.round() / 1e10
    } else {
        v
    }
}

/// `v` as a label or config value: `50.0` as `50`, `0.25` as `0.25`, never
/// in exponent form (Rust's `{}` for f64 prints the shortest form that
/// round-trips, without an exponent), rounded to 10 decimal places like
/// sweep values.
pub fn render_value(v: f64) -> String {
    let v = round10(v);
    // Avoid "-0" for a value that rounded to zero from below.
    let v = if v == 0.0 { 0.0 } else { v };
    format!("{v}")
}

#[cfg(test)]
mod tests;
