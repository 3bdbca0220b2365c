//! Replay: every recorded decision runs again, by the version that made it
//! on the input it saw, and answers the same — or says why not.

use std::path::Path;
use std::sync::Arc;

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::clock::ManualClock;
use leadhost::engine::LeadSubmission;
use leadhost::model::Rep;
use leadhost::plugins::ReplayError;
use leadhost::runtime::{ContentHash, Limits, Slot};
use leadhost::setup::{Host, Options};
use leadhost::store::TimelineItem;
use leadhost_tests::fixtures;

use super::reload::variant;
use super::support::start_time;

fn open(path: &Path, clock: &ManualClock, options: Options) -> Host {
    Host::open_with_clock(path, options, Arc::new(clock.clone())).unwrap()
}

/// Org `acme` with four reps (room for everyone), on a clock the test moves.
fn org(dir: &Path, clock: &ManualClock) -> Host {
    let host = open(dir, clock, Options::default());
    host.create_org("acme", "Acme").unwrap();
    for (id, country) in [("ana", "DE"), ("ben", "DE"), ("cleo", "AT"), ("dev", "US")] {
        let rep = Rep {
            id: id.into(),
            display_name: None,
            email: None,
            team: None,
            territories: vec![country.into()],
            segments: vec![],
            capacity: 10_000,
            open_leads: 0,
            weight: 1,
            available: true,
            out_of_office: vec![],
            last_assigned_at: None,
        };
        host.engine.put_rep("acme", rep).unwrap();
    }
    host
}

/// The `n`th lead of a varied run: strong (routed), researching (nurtured
/// over weeks), weak (discarded), in several countries.
fn submission(n: usize) -> LeadSubmission {
    let country = ["DE", "AT", "US", "FR"][n % 4];
    let json = match n % 3 {
        0 => serde_json::json!({
            "email": format!("buyer{n}@kranwerk.example"), "country": country,
            "budget": 20_000 + (n % 7) * 10_000, "authority": "decision-maker",
            "need": "high", "timeline_days": 30 + n % 60
        }),
        1 => serde_json::json!({
            "email": format!("researcher{n}@institut.example"), "country": country,
            "authority": "user", "need": "high"
        }),
        _ => serde_json::json!({
            "email": format!("student{n}@uni.example"), "country": country,
            "need": "low", "budget": n % 500
        }),
    };
    serde_json::from_value(json).unwrap()
}

fn decisions(host: &Host, lead: &str) -> Vec<u64> {
    host.engine
        .timeline("acme", lead)
        .unwrap()
        .iter()
        .filter(|entry| matches!(entry.item, TimelineItem::Decision(_)))
        .map(|entry| entry.seq)
        .collect()
}

#[test]
fn every_decision_of_a_generated_run_replays_identically() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(start_time());
    let host = org(dir.path(), &clock);
    for n in 0..1_500 {
        host.engine.ingest("acme", submission(n), "test").unwrap();
    }
    // A new lead definition mid-run: the first 1,500 leads' decisions are
    // replayed from its predecessor's kept copy, not from what is active.
    let rebuilt = variant(BANT_QUALIFIER.bytes, 3);
    host.plugins
        .install("acme", Slot::LeadDefinition, "bant-qualifier", &rebuilt)
        .unwrap();
    for n in 1_500..3_000 {
        host.engine.ingest("acme", submission(n), "test").unwrap();
    }
    // Weeks of nurture steps.
    let mut steps = 0;
    for _ in 0..4 {
        clock.advance(chrono::Duration::days(8));
        steps += host.engine.run_due(10_000).unwrap();
    }
    assert!(steps > 500, "{steps} nurture steps");

    let audit = host.plugins.replay_all("acme", 2, &|_, _| {}).unwrap();
    let mut by_slot = std::collections::HashMap::new();
    let mut hashes = std::collections::HashSet::new();
    let mut lead_ids = Vec::new();
    host.engine
        .store()
        .scan_leads("acme", &mut |record| {
            lead_ids.push(record.id().to_string());
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    for lead in &lead_ids {
        for entry in host.engine.timeline("acme", lead).unwrap() {
            if let Some(decision) = entry.decision() {
                *by_slot.entry(decision.slot).or_insert(0u64) += 1;
                hashes.insert((decision.slot, decision.plugin_hash));
            }
        }
    }
    let total: u64 = by_slot.values().sum();
    assert_eq!(audit.total, total, "{by_slot:?}");
    assert!(by_slot.len() == 3, "every slot decided: {by_slot:?}");
    assert!(
        hashes.contains(&(Slot::LeadDefinition, ContentHash::of(BANT_QUALIFIER.bytes)))
            && hashes.contains(&(Slot::LeadDefinition, ContentHash::of(&rebuilt))),
        "two lead-definition versions decided"
    );
    assert_eq!(audit.not_replayable, []);
    assert_eq!(audit.differs, []);
    assert_eq!(audit.identical, total);
}

#[test]
fn a_guest_reading_the_clock_and_random_replays_identically_for_the_sandbox_pins_both() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(start_time());
    let host = org(dir.path(), &clock);
    let probe = std::fs::read(fixtures::FIXTURE_SANDBOX_PROBE_PATH).unwrap();
    host.plugins
        .install("acme", Slot::LeadDefinition, "sandbox-probe", &probe)
        .unwrap();
    let lead = host
        .engine
        .ingest("acme", submission(0), "test")
        .unwrap()
        .record
        .id()
        .to_string();
    let timeline = host.engine.timeline("acme", &lead).unwrap();
    let decision = timeline
        .iter()
        .find_map(|entry| entry.decision().filter(|d| d.plugin == "sandbox-probe"))
        .expect("the probe decided");
    assert!(
        decision
            .reasons
            .iter()
            .any(|reason| reason.starts_with("random=")),
        "the probe read random: {:?}",
        decision.reasons
    );
    let seq = decisions(&host, &lead)[0];
    let replayed = host.plugins.replay("acme", &lead, seq).unwrap();
    assert!(replayed.identical, "{replayed:?}");
}

#[test]
fn a_decision_that_no_longer_reproduces_is_reported_with_the_field_that_changed() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(start_time());
    let lead = {
        let host = org(dir.path(), &clock);
        let ingested = host.engine.ingest("acme", submission(0), "test").unwrap();
        ingested.record.id().to_string()
    };
    // The same data on a host whose fuel per call is below what the
    // lead definition burned: the decision cannot be made again.
    let starved = Options {
        limits: Limits {
            fuel: 2_000,
            ..Limits::default()
        },
        ..Options::default()
    };
    let host = open(dir.path(), &clock, starved);
    let seq = decisions(&host, &lead)[0];
    let replayed = host.plugins.replay("acme", &lead, seq).unwrap();
    assert!(!replayed.identical);
    assert_eq!(replayed.differences.len(), 1, "{replayed:?}");
    let difference = &replayed.differences[0];
    assert_eq!(difference.field, "outcome");
    assert_eq!(difference.recorded["outcome"], "decided");
    assert_eq!(difference.replayed["outcome"], "failed");
    assert_eq!(difference.replayed["code"], "out-of-fuel");
    // Its routing decision too: every call of the lead is starved.
    let audit = host.plugins.replay_lead("acme", &lead).unwrap();
    assert_eq!(audit.identical, 0, "{audit:?}");
    assert_eq!(audit.differs.len() as u64, audit.total, "{audit:?}");
    assert!(audit.total >= 2, "{audit:?}");
}

#[test]
fn an_expired_input_or_a_missing_decision_is_named_and_the_rest_still_replay() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(start_time());
    let host = org(dir.path(), &clock);
    let old = host.engine.ingest("acme", submission(0), "test").unwrap();
    let old = old.record.id().to_string();
    clock.advance(chrono::Duration::days(40));
    let new = host.engine.ingest("acme", submission(3), "test").unwrap();
    let new = new.record.id().to_string();
    // Keep 30 days: the first lead's inputs go, the second's stay.
    assert!(
        host.engine
            .expire_inputs(chrono::Duration::days(30))
            .unwrap()
            > 0
    );
    let seq = decisions(&host, &old)[0];
    match host.plugins.replay("acme", &old, seq) {
        Err(error @ ReplayError::InputNotKept { .. }) => {
            assert!(error.to_string().contains("not kept"), "{error}")
        }
        other => panic!("expected InputNotKept, got {other:?}"),
    }
    assert!(matches!(
        host.plugins.replay("acme", &old, 999),
        Err(ReplayError::NoDecision { seq: 999, .. })
    ));
    assert!(matches!(
        host.plugins.replay("acme", "ld-404", 1),
        Err(ReplayError::Engine(_))
    ));
    assert!(matches!(
        host.plugins.replay("other", &old, seq),
        Err(ReplayError::Engine(_))
    ));
    let audit = host.plugins.replay_all("acme", 2, &|_, _| {}).unwrap();
    let old_decisions = decisions(&host, &old).len() as u64;
    assert_eq!(audit.not_replayable_count, old_decisions);
    assert_eq!(
        audit.identical,
        decisions(&host, &new).len() as u64,
        "{audit:?}"
    );
    assert!(
        host.plugins
            .replay("acme", &new, decisions(&host, &new)[0])
            .unwrap()
            .identical
    );
}

#[test]
fn a_lead_with_many_activities_is_recorded_without_copying_them_and_replays_whole() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(start_time());
    let host = org(dir.path(), &clock);
    let lead = host
        .engine
        .ingest("acme", submission(1), "test")
        .unwrap()
        .record
        .id()
        .to_string();
    for n in 0..40 {
        clock.advance(chrono::Duration::hours(1));
        let activity: leadhost::model::Activity = serde_json::from_value(serde_json::json!({
            "kind": "page-visit", "at": clock_now(&clock), "detail": format!("/pricing/{n}/{}", "x".repeat(500))
        }))
        .unwrap();
        host.engine
            .record_activity("acme", &lead, activity)
            .unwrap();
    }
    let timeline = host.engine.timeline("acme", &lead).unwrap();
    let last = timeline
        .iter()
        .rev()
        .find_map(|entry| entry.decision())
        .unwrap();
    // Shown in outline: the count of the lead's activities, not them again.
    let outline = host.engine.decision_inputs("acme", &timeline).unwrap();
    let shown = outline[&last.input_digest].as_ref().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&shown.json).unwrap();
    assert_eq!(json["activities"], 40, "{json}");
    // Whole for a replay: every decision, each with the activities it saw.
    let audit = host.plugins.replay_lead("acme", &lead).unwrap();
    assert!(audit.total > 40, "{audit:?}");
    assert_eq!(audit.identical, audit.total, "{audit:?}");
    // Whole, it holds all 40 again, spliced back from the timeline (the
    // store keeps them once: `recorded_input.rs` checks the stored value).
    let whole = host
        .engine
        .store()
        .input("acme", &last.input_digest)
        .unwrap()
        .unwrap();
    assert!(
        whole.json.len() > 40 * 500,
        "{} bytes whole",
        whole.json.len()
    );
}

fn clock_now(clock: &ManualClock) -> String {
    leadhost::clock::Clock::now(clock).to_rfc3339()
}
