//! Shared goals against a history made with a virtual clock: each period's
//! actual and projection worked out here by hand.

use chrono::Duration;
use leadhost::engine::{Feedback, Goal, GoalMetric, GoalPeriod, GoalResult};
use leadhost::model::Time;

use super::support::{TestOrg, almost, start_time, strong};

fn at(text: &str) -> Time {
    text.parse().unwrap()
}

fn goal(metric: GoalMetric, target: f64, period: GoalPeriod) -> Goal {
    Goal {
        metric,
        target,
        period,
        owner: None,
    }
}

/// Ingests a strong lead of its own company (so routing spreads them);
/// returns its id.
fn strong_lead(org: &TestOrg, n: usize) -> String {
    let mut lead = strong(&format!("p@c{n}.example"));
    lead["domain"] = format!("c{n}.example").into();
    org.ingest(lead).record.id().to_string()
}

/// Each period of `result` as (start, actual, projection, on track).
fn periods(result: &GoalResult) -> Vec<(Time, Option<f64>, Option<f64>, bool)> {
    result
        .periods
        .iter()
        .map(|period| {
            (
                period.start,
                period.actual,
                period.projection,
                period.on_track,
            )
        })
        .collect()
}

#[test]
fn each_goal_shows_its_target_actual_and_projection_per_period() {
    let org = TestOrg::new();
    assert_eq!(start_time(), at("2026-11-24T09:00:00Z"), "a Tuesday");
    org.engine.settings().set_goals(
        org.org,
        vec![
            goal(GoalMetric::SalesReady, 4.0, GoalPeriod::Month),
            goal(GoalMetric::WonOfAssigned, 0.25, GoalPeriod::Month),
            goal(GoalMetric::Leads, 3.0, GoalPeriod::Week),
        ],
    );
    // November: three sales-ready (and assigned) leads and one to nurture.
    let november: Vec<String> = (0..3).map(|n| strong_lead(&org, n)).collect();
    org.ingest(almost("nurture@fjord.example"));
    let feedback = |id: &str, feedback| org.engine.feedback(org.org, id, feedback).unwrap();
    org.clock.advance(Duration::days(1));
    feedback(&november[0], Feedback::Accept { rep: None });
    feedback(&november[0], Feedback::Won);

    // December 2nd, 09:00: two more sales-ready leads; one of them and one
    // of November's are won.
    org.clock.set(at("2026-12-02T09:00:00Z"));
    let december: Vec<String> = (3..5).map(|n| strong_lead(&org, n)).collect();
    for id in [&december[0], &november[1]] {
        feedback(id, Feedback::Accept { rep: None });
        feedback(id, Feedback::Won);
    }
    org.clock.set(at("2026-12-02T10:00:00Z"));

    let report = org.engine.goal_report(org.org, 1).unwrap();
    assert_eq!(report.len(), 3);

    // Sales-ready per month: 3 in November (short of 4); 2 in December so
    // far, 34 h into its 744 h: 2 × 744 / 34 at this pace.
    let december_pace = 2.0 * 744.0 / 34.0;
    assert_eq!(
        periods(&report[0]),
        [
            (at("2026-11-01T00:00:00Z"), Some(3.0), Some(3.0), false),
            (
                at("2026-12-01T00:00:00Z"),
                Some(2.0),
                Some(december_pace),
                true
            ),
        ]
    );
    assert!(report[0].periods[1].current && !report[0].periods[0].current);
    assert_eq!(report[0].periods[1].end, at("2027-01-01T00:00:00Z"));

    // Won of assigned, by the month each lead was assigned in: November's
    // three, two won since (one of them in December); December's two, one
    // won. A share projects as it stands.
    assert_eq!(
        periods(&report[1]),
        [
            (
                at("2026-11-01T00:00:00Z"),
                Some(2.0 / 3.0),
                Some(2.0 / 3.0),
                true
            ),
            (at("2026-12-01T00:00:00Z"), Some(0.5), Some(0.5), true),
        ]
    );

    // Leads per week (Monday to Monday): four in the week of November
    // 23rd; two in this one, 58 h into its 168 h.
    assert_eq!(
        periods(&report[2]),
        [
            (at("2026-11-23T00:00:00Z"), Some(4.0), Some(4.0), true),
            (
                at("2026-11-30T00:00:00Z"),
                Some(2.0),
                Some(2.0 * 168.0 / 58.0),
                true
            ),
        ]
    );

    // Four periods back: the months before the history have nothing; a
    // share over no lead is none, and not on track.
    let report = org.engine.goal_report(org.org, 3).unwrap();
    assert_eq!(report[0].periods.len(), 4);
    assert_eq!(report[0].periods[0].start, at("2026-09-01T00:00:00Z"));
    assert_eq!(report[0].periods[0].actual, Some(0.0));
    assert_eq!(report[1].periods[0].actual, None);
    assert!(!report[1].periods[0].on_track);
    org.engine.settings().set_goals(org.org, Vec::new());
    assert!(org.engine.goal_report(org.org, 3).unwrap().is_empty());
}
