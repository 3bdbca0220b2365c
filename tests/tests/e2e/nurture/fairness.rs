//! The nurture schedule is shared by every org, so no org may take it: a
//! track asking to wake its leads in the past is held to the minimum
//! interval, and one org's due backlog never hides another org's due step.

use leadhost::model::Config;
use leadhost::runtime::Slot;
use leadhost::store::{Outcome, TimelineItem};
use leadhost_tests::fixtures;

use crate::e2e::support::{TestOrg, almost, load, runtime};

/// How many times the lead's nurture track was called.
fn track_calls(org: &TestOrg, lead: &str) -> usize {
    org.timeline(lead)
        .into_iter()
        .filter(|entry| match &entry.item {
            TimelineItem::Decision(decision) => {
                decision.slot == Slot::NurtureTrack
                    && matches!(decision.outcome, Outcome::Decided { .. })
            }
            _ => false,
        })
        .count()
}

#[test]
fn a_track_that_wakes_its_leads_in_the_past_is_held_to_the_minimum_interval() {
    let org = TestOrg::new();
    let waker = load(
        runtime(),
        fixtures::FIXTURE_PAST_WAKER_PATH,
        Slot::NurtureTrack,
    );
    org.activate(waker, Config::new());
    let lead = org.ingest(almost("lina@kranwerk.example")).record;
    let id = lead.id().to_string();
    assert_eq!(track_calls(&org, &id), 1, "the first step runs at ingest");

    // One quick wake-up is allowed (a track moving a lead asks for one)...
    assert_eq!(org.engine.run_due(100).unwrap(), 1);
    assert_eq!(track_calls(&org, &id), 2);
    // ...but from the second in a row, the lead sleeps the minimum interval.
    let minimum = leadhost::engine::EngineConfig::default().min_wake;
    for _ in 0..20 {
        org.clock.advance(chrono::Duration::seconds(1));
        org.engine.run_due(100).unwrap();
    }
    assert_eq!(track_calls(&org, &id), 2, "no step ran in 20 s");
    assert_eq!(
        org.lead(&id).wake_at,
        Some(org.clock_now() - chrono::Duration::seconds(20) + minimum)
    );
    org.clock.advance(minimum);
    assert_eq!(org.engine.run_due(100).unwrap(), 1);
    assert_eq!(track_calls(&org, &id), 3);
}

#[test]
fn one_orgs_backlog_never_hides_another_orgs_due_step() {
    let org = TestOrg::new();
    org.engine.create_org("calm", "Calm").unwrap();
    org.engine
        .plugins()
        .activate_builtins("calm", runtime(), org.clock_now())
        .unwrap();
    // 300 of acme's leads fall due before calm's one lead does...
    for n in 0..300 {
        org.ingest(almost(&format!("lead{n}@acme.example")));
    }
    let calm = org
        .engine
        .ingest(
            "calm",
            serde_json::from_value(almost("jo@calm.example")).unwrap(),
            "test",
        )
        .unwrap()
        .record;
    let due_at = calm.wake_at.expect("calm's lead is nurtured");
    org.clock
        .advance(due_at - org.clock_now() + chrono::Duration::days(1));
    // ...and the oldest-first scan of a few hundred sees only acme's...
    let first = org.engine.store().due(org.clock_now(), 100).unwrap();
    assert!(first.iter().all(|due| due.org == "acme"));
    // ...while calm's share of the schedule is its own.
    assert_eq!(org.engine.run_due_in("calm", 100).unwrap(), 1);
    assert_ne!(
        org.engine.lead("calm", calm.id()).unwrap().wake_at,
        Some(due_at)
    );
}
