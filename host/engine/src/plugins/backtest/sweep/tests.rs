use super::*;

#[test]
fn sweep_parses_integer_range() {
    let sweep: Sweep = "min-score=50..90:5".parse().expect("valid sweep");
    assert_eq!(sweep.key, "min-score");
    assert_eq!(sweep.values.len(), 9);
    assert_eq!(
        sweep.values,
        vec![50.0, 55.0, 60.0, 65.0, 70.0, 75.0, 80.0, 85.0, 90.0]
    );
}

#[test]
fn sweep_reaches_to_despite_float_error() {
    // 0.1 + 2*0.1 is 0.30000000000000004 before rounding.
    let sweep: Sweep = "weight=0.1..0.3:0.1".parse().expect("valid sweep");
    assert_eq!(sweep.values, vec![0.1, 0.2, 0.3]);
}

#[test]
fn sweep_edges() {
    // TO not on a step: stop below it.
    let sweep: Sweep = "k=0..10:3".parse().expect("valid sweep");
    assert_eq!(sweep.values, vec![0.0, 3.0, 6.0, 9.0]);
    // FROM == TO: one value; spaces around parts are fine.
    let sweep: Sweep = " k = -1.5 .. -1.5 : 1".parse().expect("valid sweep");
    assert_eq!((sweep.key.as_str(), sweep.values), ("k", vec![-1.5]));
    // Exactly the maximum is allowed.
    let sweep: Sweep = "k=1..1000:1".parse().expect("valid sweep");
    assert_eq!(sweep.values.len(), MAX_SWEEP_VALUES);
}

fn sweep_error(input: &str) -> (SweepError, String) {
    let err = input.parse::<Sweep>().expect_err(input);
    let message = err.to_string();
    assert!(
        message.contains(&format!("`{input}`")),
        "{message} should quote the input"
    );
    (err, message)
}

#[test]
fn sweep_errors_name_the_problem() {
    let (err, msg) = sweep_error("min-score50..90:5");
    assert!(
        matches!(err, SweepError::MissingEquals { .. }) && msg.contains("no `=`"),
        "{msg}"
    );

    let (err, msg) = sweep_error(" =50..90:5");
    assert!(
        matches!(err, SweepError::EmptyKey { .. }) && msg.contains("empty key"),
        "{msg}"
    );

    let (err, msg) = sweep_error("k=50-90:5");
    assert!(
        matches!(err, SweepError::MissingRange { .. }) && msg.contains("no `..`"),
        "{msg}"
    );

    let (err, msg) = sweep_error("k=50..90");
    assert!(
        matches!(err, SweepError::MissingStep { .. }) && msg.contains("no `:STEP`"),
        "{msg}"
    );

    let (_, msg) = sweep_error("k=fifty..90:5");
    assert!(msg.contains("from `fifty` is not a finite number"), "{msg}");
    let (_, msg) = sweep_error("k=50..:5");
    assert!(msg.contains("to `` is not a finite number"), "{msg}");
    let (_, msg) = sweep_error("k=50..90:inf");
    assert!(msg.contains("step `inf` is not a finite number"), "{msg}");

    let (err, msg) = sweep_error("k=50..90:0");
    assert!(
        matches!(err, SweepError::StepNotPositive { .. })
            && msg.contains("step `0` must be greater than 0"),
        "{msg}"
    );
    let (_, msg) = sweep_error("k=50..90:-5");
    assert!(msg.contains("step `-5` must be greater than 0"), "{msg}");

    let (err, msg) = sweep_error("k=90..50:5");
    assert!(
        matches!(err, SweepError::Reversed { .. })
            && msg.contains("to `50` is less than from `90`"),
        "{msg}"
    );

    let (err, msg) = sweep_error("k=0..1000:1");
    assert!(
        matches!(err, SweepError::TooMany { count: 1001, .. }),
        "{msg}"
    );
    assert!(
        msg.contains("would give 1001 values; at most 1000"),
        "{msg}"
    );
}

#[test]
fn render_value_drops_needless_decimals() {
    assert_eq!(render_value(50.0), "50");
    assert_eq!(render_value(0.25), "0.25");
    assert_eq!(render_value(0.1 + 0.2), "0.3");
    assert_eq!(render_value(-2.5), "-2.5");
    assert_eq!(render_value(-0.0), "0");
    assert_eq!(render_value(1e20), "100000000000000000000");
}

#[test]
fn a_step_too_fine_for_the_numbers_is_refused_and_a_huge_count_is_not_quoted() {
    let error = "x=9007199254740993..9007199254740999:0.5"
        .parse::<Sweep>()
        .unwrap_err();
    assert!(matches!(error, SweepError::StepTooFine { .. }), "{error}");
    let huge = "x=0..1e308:1e-308".parse::<Sweep>().unwrap_err();
    assert!(huge.to_string().contains("over a billion values"), "{huge}");
}
