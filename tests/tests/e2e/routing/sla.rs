//! The routing SLA with virtual time, out-of-office windows, and the
//! candidates on the timeline, through the real engine, store and
//! first-party round-robin policy.

use std::time::Duration;

use leadhost::engine::{NurtureSettings, RoutingSettings};
use leadhost::model::{Absence, Time};
use leadhost::store::{EventKind, LeadStage, OutboxKind, TimelineEntry};

use super::super::support::{TestOrg, start_time};

/// The test org with an SLA of four hours.
fn org_with_sla() -> TestOrg {
    let org = TestOrg::new();
    org.engine.settings().set_routing(
        org.org,
        RoutingSettings {
            accept_within: Some(Duration::from_secs(4 * 3600)),
            ..RoutingSettings::default()
        },
    );
    org
}

fn hours(n: i64) -> Time {
    start_time() + chrono::Duration::hours(n)
}

/// A sales-ready lead from Germany (ana and ben cover DE, dev covers US).
fn german_lead(org: &TestOrg, n: u32) -> String {
    org.ingest(serde_json::json!({
        "email": format!("buyer{n}@firm{n}.example"), "country": "DE",
        "budget": 60000, "authority": "decision-maker", "need": "high", "timeline_days": 30
    }))
    .record
    .lead
    .id
}

fn owner(org: &TestOrg, lead: &str) -> Option<String> {
    match org.lead(lead).stage {
        LeadStage::Assigned { rep } => Some(rep),
        _ => None,
    }
}

/// The SLA announcements in the outbox, as `(lapsed, rep, stage)`.
fn escalations(org: &TestOrg) -> Vec<(String, Option<String>, String)> {
    org.engine
        .store()
        .outbox(1_000)
        .unwrap()
        .into_iter()
        .filter_map(|message| match message.kind {
            OutboxKind::SlaEscalation {
                lapsed, rep, stage, ..
            } => Some((lapsed, rep, stage)),
            _ => None,
        })
        .collect()
}

fn lapses(timeline: &[TimelineEntry]) -> Vec<String> {
    timeline
        .iter()
        .filter_map(|entry| match &entry.event()?.kind {
            EventKind::SlaLapsed { rep, .. } => Some(rep.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_unaccepted_lead_is_rerouted_without_every_rep_who_let_it_lapse() {
    let org = org_with_sla();
    let lead = german_lead(&org, 1);
    assert_eq!(owner(&org, &lead).as_deref(), Some("ana"));
    assert_eq!(org.lead(&lead).accept_by, Some(hours(4)));
    assert_eq!(org.rep("ana").open_leads, 1);

    // A minute before the SLA runs out nothing happens.
    org.clock.set(hours(4) - chrono::Duration::minutes(1));
    assert_eq!(org.engine.run_due(100).unwrap(), 0);
    assert_eq!(owner(&org, &lead).as_deref(), Some("ana"));

    // At the deadline the lead goes to the other rep covering DE.
    org.clock.set(hours(4));
    assert_eq!(org.engine.run_due(100).unwrap(), 1);
    assert_eq!(owner(&org, &lead).as_deref(), Some("ben"));
    let record = org.lead(&lead);
    assert_eq!(record.lapsed_reps, ["ana"]);
    assert_eq!(record.accept_by, Some(hours(8)), "a new clock for ben");
    assert_eq!(
        (org.rep("ana").open_leads, org.rep("ben").open_leads),
        (0, 1)
    );
    assert_eq!(
        escalations(&org),
        [("ana".into(), Some("ben".into()), "assigned".into())]
    );

    // Ben lets it lapse too: nobody left in DE, so the policy picks dev, and
    // neither ana nor ben is among the candidates it is shown.
    org.clock.set(hours(8));
    assert_eq!(org.engine.run_due(100).unwrap(), 1);
    assert_eq!(owner(&org, &lead).as_deref(), Some("dev"));
    let timeline = org.timeline(&lead);
    assert_eq!(lapses(&timeline), ["ana", "ben"]);
    let last_routing = timeline
        .iter()
        .filter_map(TimelineEntry::decision)
        .filter_map(|decision| decision.routing.as_ref())
        .next_back()
        .expect("routing decisions keep what they saw");
    let seen: Vec<_> = last_routing
        .candidates
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(seen, ["dev"]);

    // Ana's late accept is refused: the lead is dev's now.
    let late = org
        .engine
        .feedback(
            org.org,
            &lead,
            leadhost::engine::Feedback::Accept {
                rep: Some("ana".into()),
            },
        )
        .unwrap_err();
    assert_eq!(
        late.to_string(),
        format!("lead {lead} is not rep ana's: dev holds it")
    );
    assert_eq!(owner(&org, &lead).as_deref(), Some("dev"));

    // Dev accepts: the clock stops, and nothing escalates later.
    org.engine
        .feedback(
            org.org,
            &lead,
            leadhost::engine::Feedback::Accept {
                rep: Some("dev".into()),
            },
        )
        .unwrap();
    assert_eq!(org.lead(&lead).accept_by, None);
    org.clock.set(hours(48));
    assert_eq!(org.engine.run_due(100).unwrap(), 0);
    assert!(matches!(org.lead(&lead).stage, LeadStage::Accepted { .. }));
    assert_eq!(escalations(&org).len(), 2);
}

#[test]
fn when_every_rep_lets_it_lapse_the_lead_waits_in_the_fallback_queue() {
    let org = org_with_sla();
    let lead = german_lead(&org, 2);
    for step in 1..=3 {
        org.clock.set(hours(4 * step));
        assert_eq!(org.engine.run_due(100).unwrap(), 1, "lapse {step}");
    }
    assert_eq!(
        org.lead(&lead).stage,
        LeadStage::Routed {
            queue: Some("unassigned".into())
        }
    );
    let reps = ["ana", "ben", "dev"].map(|id| org.rep(id).open_leads);
    assert_eq!(reps, [0, 0, 0], "every lapsed rep's load is freed");
    let last = escalations(&org).pop().unwrap();
    assert_eq!(last, ("dev".into(), None, "routed".into()));
    // A queued lead has no SLA clock.
    assert_eq!(org.lead(&lead).accept_by, None);
}

#[test]
fn keep_in_touch_follows_the_owner_through_escalations_and_leaves_no_stale_wake_up() {
    let org = org_with_sla();
    org.engine.settings().set_nurture(
        org.org,
        NurtureSettings {
            after_hand_off: Some("stay-in-touch".into()),
            ..NurtureSettings::default()
        },
    );
    let lead = german_lead(&org, 7);
    let record = org.lead(&lead);
    assert_eq!(
        record.wake_at,
        Some(hours(14 * 24)),
        "keep-in-touch for ana"
    );
    assert_eq!(record.accept_by, Some(hours(4)));

    // Ben gets it: keep-in-touch starts again, 14 days from his assignment.
    org.clock.set(hours(4));
    assert_eq!(org.engine.run_due(100).unwrap(), 1);
    assert_eq!(owner(&org, &lead).as_deref(), Some("ben"));
    assert_eq!(org.lead(&lead).wake_at, Some(hours(4 + 14 * 24)));

    // Everyone lapses: the queued lead has no wake-up left at all...
    for step in 2..=3 {
        org.clock.set(hours(4 * step));
        assert_eq!(org.engine.run_due(100).unwrap(), 1);
    }
    let record = org.lead(&lead);
    assert!(matches!(record.stage, LeadStage::Routed { queue: Some(_) }));
    assert_eq!((record.wake_at, record.accept_by), (None, None));
    // ...and nothing of it is left in the schedule to come due.
    let far = hours(400 * 24);
    let due = org.engine.store().due(far, 1_000).unwrap();
    assert!(due.iter().all(|entry| entry.lead != lead), "{due:?}");
    org.clock.set(far);
    assert_eq!(org.engine.run_due(100).unwrap(), 0);
}

#[test]
fn no_sla_means_an_assignment_waits_as_long_as_it_takes() {
    let org = TestOrg::new();
    let lead = german_lead(&org, 3);
    assert_eq!(org.lead(&lead).accept_by, None);
    org.clock.set(hours(24 * 30));
    assert_eq!(org.engine.run_due(100).unwrap(), 0);
    assert_eq!(owner(&org, &lead).as_deref(), Some("ana"));
}

#[test]
fn a_rep_out_of_office_gets_no_leads_until_back_and_the_timeline_shows_why() {
    let org = TestOrg::new();
    let mut ana = org.rep("ana");
    ana.out_of_office = vec![Absence {
        from: hours(-1),
        until: hours(24),
    }];
    org.engine.put_rep(org.org, ana).unwrap();

    let first = german_lead(&org, 4);
    let second = german_lead(&org, 5);
    assert_eq!(owner(&org, &first).as_deref(), Some("ben"));
    assert_eq!(owner(&org, &second).as_deref(), Some("ben"));

    let timeline = org.timeline(&first);
    let decision = timeline
        .iter()
        .filter_map(TimelineEntry::decision)
        .find(|decision| decision.routing.is_some())
        .expect("a routing decision");
    let view = decision.routing.as_ref().unwrap();
    assert_eq!(view.candidates[0].id, "ben", "the chosen rep comes first");
    let ana_seen = view.candidates.iter().find(|c| c.id == "ana").unwrap();
    assert!(!ana_seen.available, "the policy saw ana away");
    assert_eq!((view.total, view.eligible), (3, 2));
    assert!(
        decision.reasons.iter().any(|reason| reason.contains("ben")),
        "{:?}",
        decision.reasons
    );
    assert_eq!(decision.plugin, "round-robin");

    // Back from the absence, ana is first in line again.
    org.clock.set(hours(24));
    let third = german_lead(&org, 6);
    assert_eq!(owner(&org, &third).as_deref(), Some("ana"));
}

#[test]
fn an_absence_that_ends_before_it_starts_is_refused_by_field() {
    let org = TestOrg::new();
    let mut ana = org.rep("ana");
    ana.out_of_office = vec![Absence {
        from: hours(5),
        until: hours(1),
    }];
    let error = org.engine.put_rep(org.org, ana).unwrap_err().to_string();
    assert!(error.contains("out_of_office[0].until"), "{error}");
    assert!(error.contains("must be after `from`"), "{error}");
    assert!(
        org.rep("ana").out_of_office.is_empty(),
        "nothing was stored"
    );
}
