//! Nothing a guest can reach lets it wait on the host or make the host copy
//! past its limits: a sleep completes at once, a sleep loop runs out of
//! fuel, stdin is closed, output past the cap is dropped, and answers,
//! refusals and log lines over the output limit are refused before they
//! are copied. Each outcome is the same on every run, whatever the load.

use std::time::{Duration, Instant};

use leadhost::model::{QualifyInput, Scalar};
use leadhost::runtime::{CallContext, Cause, Limits, Plugin, Slot};
use leadhost_tests::fixtures;

use super::support::{load, runtime, strong_lead};

fn blocker() -> Plugin {
    load(
        runtime(),
        fixtures::FIXTURE_BLOCKER_PATH,
        Slot::LeadDefinition,
    )
}

/// The strong sample lead, telling the blocker what to do.
fn asking(mode: &str, extra: &[(&str, f64)]) -> QualifyInput {
    let mut input = strong_lead();
    input
        .lead
        .custom
        .insert("mode".into(), Scalar::Text(mode.into()));
    for (name, value) in extra {
        input
            .lead
            .custom
            .insert((*name).into(), Scalar::Number(*value));
    }
    input
}

fn call(mode: &str, extra: &[(&str, f64)]) -> (Result<Vec<String>, Cause>, Duration) {
    let blocker = blocker();
    let started = Instant::now();
    let result = blocker
        .qualify(&CallContext::for_org("acme"), &asking(mode, extra))
        .map(|called| called.value.reasons)
        .map_err(|error| error.cause);
    (result, started.elapsed())
}

#[test]
fn a_thirty_second_sleep_completes_at_once() {
    let (result, took) = call("sleep", &[("seconds", 30.0)]);
    assert_eq!(result.unwrap(), vec!["sleep: done".to_string()]);
    // Far below the sleep and below the deadline: the guest's clocks do not move.
    assert!(took < Limits::default().deadline, "took {took:?}");
}

#[test]
fn sleeping_forever_runs_out_of_fuel_the_same_way_every_time() {
    for _ in 0..3 {
        let (result, took) = call("sleep-forever", &[]);
        assert!(
            matches!(result, Err(Cause::OutOfFuel(limit)) if limit == Limits::default().fuel),
            "{result:?}"
        );
        assert!(took < Limits::default().deadline, "took {took:?}");
    }
}

#[test]
fn stdin_is_closed_and_reading_it_ends_at_once() {
    let (result, _) = call("stdin", &[]);
    assert_eq!(result.unwrap(), vec!["stdin: Ok(0)".to_string()]);
}

#[test]
fn printing_past_the_cap_is_dropped_and_the_call_answers() {
    let (result, _) = call("print", &[("kib", 1024.0)]);
    assert_eq!(result.unwrap(), vec!["print: done".to_string()]);
}

#[test]
fn a_refusal_over_the_output_limit_is_refused_as_too_large() {
    let limit = Limits::default().output_bytes;
    let (result, _) = call("refuse", &[("kib", 1024.0)]);
    assert!(
        matches!(result, Err(Cause::OutputTooLarge { limit: l, .. }) if l == limit),
        "{result:?}"
    );
    // Just over the limit: measured, and named.
    let (result, _) = call("refuse", &[("kib", (limit / 1024 + 1) as f64)]);
    assert!(
        matches!(result, Err(Cause::OutputTooLarge { size: Some(size), .. }) if size > limit),
        "{result:?}"
    );
    // Within the limit, a refusal is the guest's own answer.
    let (result, _) = call("refuse", &[("kib", 1.0)]);
    assert!(matches!(result, Err(Cause::Refused(_))), "{result:?}");
}

#[test]
fn answers_and_log_lines_far_over_the_limit_are_stopped_before_the_copy() {
    for mode in ["reason", "log"] {
        let (result, _) = call(mode, &[("kib", 30.0 * 1024.0), ("times", 3.0)]);
        assert!(
            matches!(result, Err(Cause::OutputTooLarge { size: None, .. })),
            "{mode}: {result:?}"
        );
    }
    // Log lines within the limit are taken (and cut to the line cap).
    let (result, _) = call("log", &[("kib", 4.0), ("times", 200.0)]);
    assert_eq!(result.unwrap(), vec!["log: done".to_string()]);
}
