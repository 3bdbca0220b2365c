//! Timing one row: every call timed on its own, on this thread, and every
//! answer checked against the native verdict outside the timed span.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::verdict::Verdict;

/// How long and how often to call each row.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Most timed calls a row makes.
    pub max_calls: usize,
    /// Fewest timed calls a row makes, however slow.
    pub min_calls: usize,
    /// Rough wall time a row's timed calls may take.
    pub budget: Duration,
    /// Wall time of untimed warm-up calls before the timed ones.
    pub warm_up: Duration,
}

/// A row's figures.
#[derive(Debug, Clone)]
pub struct Measured {
    /// What ran, e.g. `leadhost component, reused instance`.
    pub label: String,
    /// Timed calls.
    pub calls: usize,
    /// Median time of a call.
    pub p50: Duration,
    /// Mean time of a call.
    pub mean: Duration,
}

/// Calls `call` (warm-up, then timed), failing if any answer differs from
/// `expected`.
pub fn row(
    label: &str,
    plan: Plan,
    expected: &Verdict,
    mut call: impl FnMut() -> Result<Verdict>,
) -> Result<Measured> {
    let check = |answer: Verdict| -> Result<()> {
        if &answer != expected {
            bail!("{label} answers differently:\n  expected {expected:?}\n  got      {answer:?}");
        }
        Ok(())
    };
    let started = Instant::now();
    let mut warm = 0u32;
    while warm < 3 || (started.elapsed() < plan.warm_up && warm < 100_000) {
        check(call()?)?;
        warm += 1;
    }
    let estimate = started.elapsed() / warm;
    let calls = (plan.budget.as_nanos() / estimate.as_nanos().max(1)) as usize;
    let calls = calls.clamp(plan.min_calls, plan.max_calls.max(plan.min_calls));
    let mut times = Vec::with_capacity(calls);
    for _ in 0..calls {
        let started = Instant::now();
        let answer = std::hint::black_box(call()?);
        times.push(started.elapsed());
        check(answer)?;
    }
    times.sort_unstable();
    Ok(Measured {
        label: label.to_string(),
        calls,
        p50: times[times.len() / 2],
        mean: times.iter().sum::<Duration>() / calls as u32,
    })
}

/// Prints the table: each row's p50 and mean per call, and its p50 over the
/// first row's (native Rust).
pub fn print(rows: &[Measured]) {
    let base = rows.first().map_or(1e-9, |row| row.p50.as_secs_f64());
    println!(
        "| {:<46} | {:>7} | {:>9} | {:>9} | {:>9} |",
        "peer", "calls", "p50 µs", "mean µs", "× native"
    );
    println!(
        "|{:-<48}|{:->9}|{:->11}|{:->11}|{:->11}|",
        "", "", "", "", ""
    );
    for row in rows {
        println!(
            "| {:<46} | {:>7} | {:>9.1} | {:>9.1} | {:>9.1} |",
            row.label,
            row.calls,
            row.p50.as_secs_f64() * 1e6,
            row.mean.as_secs_f64() * 1e6,
            row.p50.as_secs_f64() / base,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leadhost_model::Stage;

    fn verdict(score: i32) -> Verdict {
        Verdict {
            stage: Stage::Nurture,
            score,
            segment: None,
            track: Some("education".into()),
            reasons: vec!["early interest".into()],
        }
    }

    const QUICK: Plan = Plan {
        max_calls: 50,
        min_calls: 10,
        budget: Duration::from_millis(10),
        warm_up: Duration::from_millis(1),
    };

    #[test]
    fn a_row_that_answers_alike_is_timed() {
        let measured = row("same", QUICK, &verdict(40), || Ok(verdict(40))).unwrap();
        assert!((10..=50).contains(&measured.calls), "{measured:?}");
    }

    #[test]
    fn one_different_answer_fails_the_row_naming_it() {
        let mut calls = 0;
        let error = row("flaky", QUICK, &verdict(40), || {
            calls += 1;
            Ok(verdict(if calls == 20 { 41 } else { 40 }))
        })
        .unwrap_err();
        assert!(
            error.to_string().contains("flaky answers differently"),
            "{error}"
        );
    }
}
