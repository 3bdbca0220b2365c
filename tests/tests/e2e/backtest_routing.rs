//! Routing-policy backtests on a seeded history: where each candidate
//! would have sent the leads live routed, counted by hand here — the table,
//! the load per rep with each rep's won/lost record, a pick the host
//! refuses, a candidate that fails on some inputs, the live policy itself
//! changing nothing.

use std::sync::Arc;

use leadhost::builtin::ROUND_ROBIN;
use leadhost::clock::ManualClock;
use leadhost::engine::{Feedback, LeadSubmission};
use leadhost::model::{Rep, Slot, Stage};
use leadhost::plugins::{BacktestError, BacktestSpec, RoutingBacktestReport, Sweep};
use leadhost::setup::{Host, Options};

use super::support::start_time;

fn rep(id: &str, territory: &str) -> Rep {
    Rep {
        id: id.into(),
        display_name: None,
        email: None,
        team: None,
        territories: vec![territory.into()],
        segments: vec![],
        capacity: 100,
        open_leads: 0,
        weight: 1,
        available: true,
        out_of_office: vec![],
        last_assigned_at: None,
    }
}

fn submission(n: usize, country: &str) -> LeadSubmission {
    serde_json::from_value(serde_json::json!({
        "email": format!("lead{n}@kranwerk{n}.example"), "country": country, "budget": 50_000,
        "authority": "decision-maker", "need": "high", "timeline_days": 30
    }))
    .unwrap()
}

/// Org `acme`, reps `ana` (DE) and `ben` (US), six sales-ready leads a day
/// apart routed live by round-robin to the rep of their territory: four DE
/// (to ana: one won, one lost), two US (to ben: one won).
fn seeded(dir: &std::path::Path) -> Host {
    let clock = ManualClock::new(start_time());
    let host = Host::open_with_clock(dir, Options::default(), Arc::new(clock.clone())).unwrap();
    host.create_org("acme", "Acme").unwrap();
    host.engine.put_rep("acme", rep("ana", "DE")).unwrap();
    host.engine.put_rep("acme", rep("ben", "US")).unwrap();
    let leads = [
        ("DE", Some(true)),
        ("DE", Some(false)),
        ("DE", None),
        ("DE", None),
        ("US", Some(true)),
        ("US", None),
    ];
    for (n, (country, won)) in leads.into_iter().enumerate() {
        let record = host
            .engine
            .ingest("acme", submission(n, country), "test")
            .unwrap()
            .record;
        assert_eq!(
            record.qualification.as_ref().unwrap().stage,
            Stage::SalesReady
        );
        let owner = if country == "DE" { "ana" } else { "ben" };
        assert_eq!(record.owner.as_deref(), Some(owner), "lead {n}");
        if let Some(won) = won {
            let id = record.id();
            let accept = Feedback::Accept {
                rep: Some(owner.into()),
            };
            host.engine.feedback("acme", id, accept).unwrap();
            let last = match won {
                true => Feedback::Won,
                false => Feedback::Lost {
                    reason: "no budget".into(),
                },
            };
            host.engine.feedback("acme", id, last).unwrap();
        }
        clock.advance(chrono::Duration::days(1));
    }
    host
}

fn spec(name: &str, bytes: &[u8]) -> BacktestSpec {
    BacktestSpec {
        slot: Slot::RoutingPolicy,
        name: name.into(),
        bytes: bytes.to_vec(),
        config: Default::default(),
        from: None,
        to: None,
        sweep: None,
        workers: 2,
        stop: None,
        deadline: None,
    }
}

fn script(text: &str) -> BacktestSpec {
    spec("candidate.rhai", text.as_bytes())
}

fn run(host: &Host, spec: &BacktestSpec) -> RoutingBacktestReport {
    host.plugins
        .backtest_routing("acme", spec, &|_, _| {})
        .unwrap()
}

/// The table as `(live, candidate, count)` strings.
fn cells(report: &RoutingBacktestReport) -> Vec<(String, String, u64)> {
    report
        .summary
        .matrix
        .iter()
        .map(|cell| {
            (
                cell.live.to_string(),
                cell.candidate.to_string(),
                cell.count,
            )
        })
        .collect()
}

/// The load as `(rep, live, candidate, won, lost)`.
fn load(report: &RoutingBacktestReport) -> Vec<(String, u64, u64, u64, u64)> {
    report
        .summary
        .load
        .iter()
        .map(|load| {
            (
                load.rep.clone(),
                load.live,
                load.candidate,
                load.won,
                load.lost,
            )
        })
        .collect()
}

#[test]
fn a_candidate_that_sends_every_lead_to_one_rep_shows_the_changed_table_and_load() {
    let dir = tempfile::tempdir().unwrap();
    let host = seeded(dir.path());
    let report = run(
        &host,
        &script(
            r#"fn route(input) { #{ decision: "assign", rep: "ben", reasons: ["ben takes every lead"] } }"#,
        ),
    );
    assert_eq!(report.slot, Slot::RoutingPolicy);
    assert_eq!(
        (report.inputs, report.summary.total),
        (6, 6),
        "a row per routing call"
    );
    assert_eq!((report.summary.changed, report.summary.failed), (4, 0));
    assert_eq!(
        cells(&report),
        [
            ("rep:ana".to_string(), "rep:ben".to_string(), 4),
            ("rep:ben".into(), "rep:ben".into(), 2),
        ]
    );
    assert_eq!(
        load(&report),
        [
            ("ana".to_string(), 4, 0, 1, 1),
            ("ben".to_string(), 2, 6, 1, 0)
        ]
    );
    assert_eq!(
        (
            report.summary.live.assigned,
            report.summary.candidate.assigned
        ),
        (6, 6)
    );
    assert_eq!(report.changes.len(), 4);
    for change in &report.changes {
        let live = serde_json::to_value(&change.live).unwrap();
        let candidate = serde_json::to_value(&change.candidate).unwrap();
        assert_eq!(live["rep"], "ana", "{live}");
        assert_eq!(
            candidate["reasons"][0], "ben takes every lead",
            "{candidate}"
        );
        assert!(
            !live["reasons"].as_array().unwrap().is_empty(),
            "live's reasons: {live}"
        );
    }
    assert_eq!(report.precision.live, None, "not defined for routing");

    // The live policy itself changes nothing.
    let same = run(&host, &spec("round-robin", ROUND_ROBIN.bytes));
    assert_eq!(
        (same.summary.total, same.summary.changed),
        (6, 0),
        "{same:?}"
    );
}

#[test]
fn a_pick_the_host_refuses_and_a_failure_are_counted_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let host = seeded(dir.path());
    let unknown = run(
        &host,
        &script(r#"fn route(input) { #{ decision: "assign", rep: "zoe", reasons: ["zoe"] } }"#),
    );
    assert_eq!(
        unknown.summary.candidate.refused, 6,
        "zoe is no rep of acme"
    );
    assert_eq!(unknown.summary.changed, 6);
    for change in &unknown.changes {
        let why = change.candidate_refused.as_deref().unwrap_or_default();
        assert!(
            why.contains("`zoe` is not one of the candidates"),
            "{change:?}"
        );
        assert_eq!(change.live_refused, None);
    }
    assert!(
        load(&unknown)
            .iter()
            .all(|(_, _, candidate, _, _)| *candidate == 0),
        "a refused pick is no rep's load: {:?}",
        load(&unknown)
    );

    let picky = run(
        &host,
        &script(
            r#"fn route(input) {
                if input.lead.country == "US" { throw "no US leads"; }
                #{ decision: "queue", queue: "dach", reason: "every DE lead to the team queue" }
            }"#,
        ),
    );
    assert_eq!(
        (
            picky.summary.total,
            picky.summary.failed,
            picky.summary.changed
        ),
        (6, 2, 4)
    );
    assert_eq!(picky.summary.first_errors.len(), 2);
    assert!(
        picky
            .summary
            .first_errors
            .iter()
            .all(|(_, error)| error.contains("no US leads")),
        "{:?}",
        picky.summary.first_errors
    );
    assert_eq!(
        cells(&picky),
        [("rep:ana".to_string(), "queue:dach".to_string(), 4)]
    );
    assert_eq!(picky.summary.candidate.queued, 4);

    // A window before the history: nothing compared, and said so.
    let mut early =
        script(r#"fn route(input) { #{ decision: "return-to-marketing", reason: "x" } }"#);
    early.to = Some(start_time());
    let early = run(&host, &early);
    assert_eq!(early.summary.total, 0);
    assert!(
        early.warnings[0].contains("no recorded routing inputs in the window"),
        "{:?}",
        early.warnings
    );
}

#[test]
fn a_sweep_of_a_routing_policy_and_a_nurture_backtest_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let host = seeded(dir.path());
    let mut sweep = spec("round-robin", ROUND_ROBIN.bytes);
    sweep.sweep = Some("weight=1..3:1".parse::<Sweep>().unwrap());
    let Err(BacktestError::Unsupported { field, .. }) = host.plugins.check_candidate(&sweep) else {
        panic!("a routing sweep is refused");
    };
    assert_eq!(field, "sweep");
    let mut nurture = spec("round-robin", ROUND_ROBIN.bytes);
    nurture.slot = Slot::NurtureTrack;
    let Err(BacktestError::Unsupported { field, problem }) =
        host.plugins.run_backtest("acme", &nurture, &|_, _| {})
    else {
        panic!("a nurture backtest is refused");
    };
    assert_eq!(field, "slot");
    assert!(
        problem.contains("only lead-definition and routing-policy"),
        "{problem}"
    );
    // A lead definition offered as a routing policy does not load, and
    // the refusal says which slot it is.
    let wrong = spec("bant", leadhost::builtin::BANT_QUALIFIER.bytes);
    let error = host
        .plugins
        .backtest_routing("acme", &wrong, &|_, _| {})
        .unwrap_err();
    assert!(matches!(error, BacktestError::Candidate(_)));
    assert!(
        error
            .to_string()
            .contains("backtest it with slot lead-definition"),
        "{error}"
    );
    // A config key that is in no recorded config and changes nothing.
    let mut typo = spec("round-robin", ROUND_ROBIN.bytes);
    typo.config.insert(
        "fallback-qeue".into(),
        leadhost::model::Scalar::Text("x".into()),
    );
    let report = run(&host, &typo);
    assert_eq!(report.summary.changed, 0);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("`fallback-qeue` changed nothing")),
        "{:?}",
        report.warnings
    );
}
