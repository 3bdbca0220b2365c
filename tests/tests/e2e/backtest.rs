//! Backtests on a seeded history with known outcomes: the matrix,
//! precision and recall computed by hand here, the sweep's volume
//! monotone, a failing candidate counted and not fatal.

use std::sync::Arc;

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::clock::ManualClock;
use leadhost::engine::{Feedback, LeadSubmission};
use leadhost::model::{Config, Rep, Scalar, Stage};
use leadhost::plugins::{BacktestReport, BacktestSpec, Sweep};
use leadhost::setup::{Host, Options};
use leadhost_tests::fixtures;

use super::support::start_time;

/// A lead's profile and what sales said of it.
struct Seeded {
    /// Score under bant-qualifier: 90 (decision-maker, high need), 80
    /// (influencer, high need), 70 (influencer, medium need); 0 = a
    /// discard (a university address).
    score: u32,
    /// `Some(true)` won, `Some(false)` lost, `None` still open.
    won: Option<bool>,
}

/// 14 leads: 5 at 90 (4 won, 1 lost), 4 at 80 (1 won, 3 lost), 3 at 70
/// (2 lost, 1 open), 2 discards.
fn history() -> Vec<Seeded> {
    let mut leads = Vec::new();
    let mut add = |score, outcomes: &[Option<bool>]| {
        for &won in outcomes {
            leads.push(Seeded { score, won });
        }
    };
    add(
        90,
        &[Some(true), Some(true), Some(true), Some(true), Some(false)],
    );
    add(80, &[Some(true), Some(false), Some(false), Some(false)]);
    add(70, &[Some(false), Some(false), None]);
    add(0, &[None, None]);
    leads
}

fn submission(n: usize, seeded: &Seeded) -> LeadSubmission {
    let (authority, need) = match seeded.score {
        90 => ("decision-maker", "high"),
        80 => ("influencer", "high"),
        70 => ("influencer", "medium"),
        _ => ("user", "low"),
    };
    let domain = if seeded.score == 0 {
        "uni.edu"
    } else {
        "kranwerk.example"
    };
    serde_json::from_value(serde_json::json!({
        "email": format!("lead{n}@{domain}"), "country": "DE", "budget": 50_000,
        "authority": authority, "need": need, "timeline_days": 30
    }))
    .unwrap()
}

/// The seeded org, its leads taken to their outcomes a day apart.
fn seeded(dir: &std::path::Path) -> Host {
    let clock = ManualClock::new(start_time());
    let host = Host::open_with_clock(dir, Options::default(), Arc::new(clock.clone())).unwrap();
    host.create_org("acme", "Acme").unwrap();
    let rep = Rep {
        id: "ana".into(),
        display_name: None,
        email: None,
        team: None,
        territories: vec!["DE".into()],
        segments: vec![],
        capacity: 1_000,
        open_leads: 0,
        weight: 1,
        available: true,
        out_of_office: vec![],
        last_assigned_at: None,
    };
    host.engine.put_rep("acme", rep).unwrap();
    for (n, lead) in history().iter().enumerate() {
        let record = host
            .engine
            .ingest("acme", submission(n, lead), "test")
            .unwrap()
            .record;
        let expected = match lead.score {
            0 => Stage::Discard,
            _ => Stage::SalesReady,
        };
        assert_eq!(
            record.qualification.as_ref().unwrap().stage,
            expected,
            "lead {n}"
        );
        if let Some(won) = lead.won {
            let id = record.id();
            host.engine
                .feedback(
                    "acme",
                    id,
                    Feedback::Accept {
                        rep: Some("ana".into()),
                    },
                )
                .unwrap();
            let last = match won {
                true => Feedback::Won,
                false => Feedback::Lost {
                    reason: "budget cut".into(),
                },
            };
            host.engine.feedback("acme", id, last).unwrap();
        }
        clock.advance(chrono::Duration::days(1));
    }
    host
}

fn spec(config: &[(&str, f64)], sweep: Option<&str>) -> BacktestSpec {
    BacktestSpec {
        slot: leadhost::model::Slot::LeadDefinition,
        name: "bant-qualifier".into(),
        bytes: BANT_QUALIFIER.bytes.to_vec(),
        config: config
            .iter()
            .map(|(key, value)| (key.to_string(), Scalar::Number(*value)))
            .collect::<Config>(),
        from: None,
        to: None,
        sweep: sweep.map(|text| text.parse::<Sweep>().unwrap()),
        workers: 2,
        stop: None,
        deadline: None,
    }
}

fn run(host: &Host, spec: &BacktestSpec) -> BacktestReport {
    host.plugins.backtest("acme", spec, &|_, _| {}).unwrap()
}

#[test]
fn a_stricter_threshold_gives_the_precision_and_recall_computed_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let host = seeded(dir.path());
    let report = run(&host, &spec(&[("sales-ready-score", 85.0)], None));
    let summary = &report.summary;
    assert_eq!(summary.total, 14, "a row per lead");
    assert_eq!(report.inputs, 14, "one qualification each");
    // Live (70 needed): sales-ready with an outcome = 5 + 4 + 2 = 11, won
    // among them 4 + 1 = 5, won in all 5: precision 5/11, recall 5/5.
    assert_eq!(summary.live.sales_ready_with_outcome, 11);
    assert_eq!(report.precision.live, Some(5.0 / 11.0));
    assert_eq!(report.recall.live, Some(1.0));
    assert_eq!(summary.live.sales_ready_but_lost, 6);
    // Candidate (85 needed): only the 90s, 4 won of 5; the 80 that was won
    // is missed: precision 4/5, recall 4/5.
    assert_eq!(summary.candidate.sales_ready_with_outcome, 5);
    assert_eq!(
        (report.sales_ready.live, report.sales_ready.candidate),
        (12, 5)
    );
    assert_eq!(report.precision.candidate, Some(0.8));
    assert_eq!(report.recall.candidate, Some(0.8));
    assert_eq!(summary.candidate.sales_ready_but_lost, 1);
    assert_eq!(summary.candidate.discarded_but_won, 0);
    // The matrix: 5 stay sales-ready, 7 (the 80s and 70s) go to nurture,
    // 2 stay discarded.
    assert_eq!(
        summary.matrix.count(Stage::SalesReady, Stage::SalesReady),
        5
    );
    assert_eq!(summary.matrix.count(Stage::SalesReady, Stage::Nurture), 7);
    assert_eq!(summary.matrix.count(Stage::Discard, Stage::Discard), 2);
    assert_eq!(summary.changed, 7);
    assert_eq!(report.changes.len(), 7);
    assert!(
        report
            .changes
            .iter()
            .all(|change| change.live == Stage::SalesReady
                && change.candidate == Stage::Nurture
                && change.candidate_reasons[0].starts_with("nurture:")),
        "{:?}",
        report.changes
    );
    // Two weeks of leads, a day apart: volume per week for both sides.
    let live: u64 = summary.weekly.iter().map(|week| week.live).sum();
    let candidate: u64 = summary.weekly.iter().map(|week| week.candidate).sum();
    assert_eq!((live, candidate), (12, 5));

    // The live version itself changes nothing.
    let same = run(&host, &spec(&[], None));
    assert_eq!(same.summary.changed, 0);
    assert_eq!(same.precision.candidate, same.precision.live);
}

#[test]
fn raising_the_threshold_never_raises_volume_and_a_window_narrows_the_leads() {
    let dir = tempfile::tempdir().unwrap();
    let host = seeded(dir.path());
    let report = run(&host, &spec(&[], Some("sales-ready-score=50..95:5")));
    let points = report.sweep.as_ref().unwrap();
    assert_eq!(points.len(), 10);
    let volumes: Vec<u64> = points.iter().map(|point| point.sales_ready).collect();
    assert!(
        volumes.windows(2).all(|pair| pair[1] <= pair[0]),
        "{volumes:?}"
    );
    // 12 sales-ready up to 70, 9 up to 80, 5 up to 90, none above.
    assert_eq!(volumes, [12, 12, 12, 12, 12, 9, 9, 5, 5, 0]);
    let at = |value: f64| points.iter().find(|point| point.value == value).unwrap();
    assert_eq!(at(85.0).precision, Some(0.8));
    assert_eq!(at(95.0).recall, Some(0.0));

    let mut windowed = spec(&[], None);
    windowed.from = Some(start_time() + chrono::Duration::days(5));
    windowed.to = Some(start_time() + chrono::Duration::days(9));
    let report = run(&host, &windowed);
    assert_eq!(
        report.summary.total, 4,
        "leads 5 to 8, qualified on days 5 to 8"
    );
}

#[test]
fn a_candidate_that_traps_is_counted_with_its_first_errors_and_the_run_completes() {
    let dir = tempfile::tempdir().unwrap();
    let host = seeded(dir.path());
    let panic = std::fs::read(fixtures::FIXTURE_PANIC_PATH).unwrap();
    let mut trapping = spec(&[], None);
    trapping.name = "panic".into();
    trapping.bytes = panic;
    let report = run(&host, &trapping);
    assert_eq!(report.summary.total, 14);
    assert_eq!(report.summary.failed, 14);
    assert_eq!(report.summary.first_errors.len(), 5);
    assert!(
        report.summary.first_errors[0]
            .1
            .contains("no scoring table"),
        "{:?}",
        report.summary.first_errors
    );
    assert_eq!(report.precision.candidate, None);
    assert_eq!(
        report.precision.live,
        Some(5.0 / 11.0),
        "live is judged whatever the candidate does"
    );
    assert_eq!(
        report.recall.candidate,
        Some(0.0),
        "a won lead the candidate fails on is a won lead it misses"
    );
    assert_eq!(report.summary.candidate.won, report.summary.live.won);
}

#[test]
fn live_qualifications_that_failed_are_counted_apart_not_skipped_silently() {
    let dir = tempfile::tempdir().unwrap();
    let host = seeded(dir.path());
    // A live definition that panics on every lead, for two new leads.
    let panic = std::fs::read(fixtures::FIXTURE_PANIC_PATH).unwrap();
    host.plugins
        .install(
            "acme",
            leadhost::model::Slot::LeadDefinition,
            "panic",
            &panic,
        )
        .unwrap();
    for n in 100..102 {
        let seeded = Seeded {
            score: 90,
            won: None,
        };
        let record = host
            .engine
            .ingest("acme", submission(n, &seeded), "test")
            .unwrap()
            .record;
        assert!(record.qualification.is_none(), "the live call failed");
    }
    let report = run(&host, &spec(&[], None));
    assert_eq!(report.live_failed, 2, "{report:?}");
    assert_eq!(
        report.summary.total, 14,
        "a lead with no live verdict is no row"
    );
    assert_eq!(report.inputs, 14);
}
