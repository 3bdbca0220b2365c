//! The lifecycle engine with the first-party plug-ins on a real store: each
//! path a lead can take, duplicates, and sales feedback.

use chrono::Duration;
use leadhost::engine::{EngineError, Feedback};
use leadhost::model::{Activity, ActivityKind};
use leadhost::runtime::Slot;
use leadhost::store::StageKind::*;
use leadhost::store::{EventKind, LeadStage, OutboxKind, TimelineItem};

use super::support::{TestOrg, almost, assert_provenance, strong, student};

#[test]
fn a_strong_lead_is_qualified_routed_and_assigned_with_provenance() {
    let org = TestOrg::new();
    let ingested = org.ingest(strong("Dana@Northwind.example"));
    assert!(ingested.created);
    let id = ingested.record.id().to_string();
    assert_eq!(
        org.path(&id),
        [New, Qualified, SalesReady, Routed, Assigned]
    );
    let record = org.lead(&id);
    assert_eq!(record.lead.email, "dana@northwind.example");
    let LeadStage::Assigned { rep } = &record.stage else {
        panic!("{:?}", record.stage)
    };
    assert!(
        ["ana", "ben"].contains(&rep.as_str()),
        "a DE rep, not {rep}"
    );
    assert_eq!(record.owner.as_deref(), Some(rep.as_str()));
    assert_eq!(org.rep(rep).open_leads, 1);
    assert_eq!(org.rep(rep).last_assigned_at, Some(org.clock_now()));

    let timeline = org.timeline(&id);
    assert_provenance(&org, &id, &timeline);
    let slots: Vec<Slot> = timeline
        .iter()
        .filter_map(|e| e.decision())
        .map(|d| d.slot)
        .collect();
    assert_eq!(slots, [Slot::LeadDefinition, Slot::RoutingPolicy]);
    let routing = timeline.iter().filter_map(|e| e.decision()).nth(1).unwrap();
    assert_eq!(routing.plugin, "round-robin");
    assert_eq!(
        routing.plugin_hash,
        leadhost::runtime::ContentHash::of(leadhost::builtin::ROUND_ROBIN.bytes)
    );
    assert!(!routing.reasons.is_empty());
    let seqs: Vec<u64> = timeline.iter().map(|entry| entry.seq).collect();
    assert_eq!(
        seqs,
        (0..record.next_seq).collect::<Vec<_>>(),
        "one gap-free sequence"
    );
    let outbox = org.engine.store().outbox(10).unwrap();
    assert!(outbox.iter().any(|m| m.lead == id
        && matches!(&m.kind, OutboxKind::LeadAssigned { rep: to, .. } if to == rep)));
}

#[test]
fn sales_feedback_closes_the_loop_and_frees_the_reps_capacity() {
    let org = TestOrg::new();
    let id = org
        .ingest(strong("dana@northwind.example"))
        .record
        .id()
        .to_string();
    let rep = org.lead(&id).owner.unwrap();
    org.clock.advance(Duration::hours(3));
    let accepted = org
        .engine
        .feedback(org.org, &id, Feedback::Accept { rep: None })
        .unwrap();
    assert_eq!(accepted.stage, LeadStage::Accepted { rep: rep.clone() });
    assert_eq!(
        org.rep(&rep).open_leads,
        1,
        "an accepted lead is still open"
    );
    let won = org.engine.feedback(org.org, &id, Feedback::Won).unwrap();
    assert_eq!(won.stage, LeadStage::Won { rep: rep.clone() });
    assert_eq!(org.rep(&rep).open_leads, 0);
    assert_eq!(org.path(&id).last(), Some(&Won));
}

#[test]
fn a_lost_lead_keeps_its_reason_and_a_reason_is_required() {
    let org = TestOrg::new();
    let id = org
        .ingest(strong("dana@northwind.example"))
        .record
        .id()
        .to_string();
    org.engine
        .feedback(org.org, &id, Feedback::Accept { rep: None })
        .unwrap();
    let error = org
        .engine
        .feedback(
            org.org,
            &id,
            Feedback::Lost {
                reason: "  ".into(),
            },
        )
        .unwrap_err();
    assert!(
        matches!(&error, EngineError::Invalid(fields) if fields[0].field == "reason"),
        "{error}"
    );
    let lost = org
        .engine
        .feedback(
            org.org,
            &id,
            Feedback::Lost {
                reason: "price".into(),
            },
        )
        .unwrap();
    assert!(matches!(lost.stage, LeadStage::Lost { ref reason, .. } if reason == "price"));
}

#[test]
fn a_lead_passed_back_is_recycled_into_nurture() {
    let org = TestOrg::new();
    let id = org
        .ingest(strong("dana@northwind.example"))
        .record
        .id()
        .to_string();
    let rep = org.lead(&id).owner.unwrap();
    let back = org
        .engine
        .feedback(
            org.org,
            &id,
            Feedback::PassBack {
                reason: "no project this year".into(),
            },
        )
        .unwrap();
    assert_eq!(org.path(&id)[5..], [Recycled, Nurturing]);
    assert!(
        matches!(&back.stage, LeadStage::Nurturing { track, .. } if track == "education"),
        "{:?}",
        back.stage
    );
    assert_eq!(back.owner, None);
    assert_eq!(org.rep(&rep).open_leads, 0);
    assert!(back.wake_at.is_some(), "the track wakes it later");
    assert_provenance(&org, &id, &org.timeline(&id));
}

#[test]
fn a_nurtured_lead_steps_on_when_due_and_activity_makes_it_sales_ready() {
    let org = TestOrg::new();
    let record = org.ingest(almost("kai@fjord.example")).record;
    let id = record.id().to_string();
    let LeadStage::Nurturing { track, step } = &record.stage else {
        panic!("{:?}", record.stage)
    };
    let wake = record.wake_at.expect("a wake-up time");
    assert!(wake > org.clock_now());
    assert_eq!(org.engine.run_due(100).unwrap(), 0, "nothing is due yet");
    org.clock.set(wake);
    assert_eq!(org.engine.run_due(100).unwrap(), 1);
    let stepped = org.lead(&id);
    assert!(
        matches!(&stepped.stage, LeadStage::Nurturing { track: t, step: s } if t == track && *s > *step),
        "{:?}",
        stepped.stage
    );
    assert!(stepped.wake_at > Some(wake));

    let webinar = Activity {
        kind: ActivityKind::Webinar,
        at: org.clock_now(),
        detail: "pricing webinar".into(),
    };
    let ready = org.engine.record_activity(org.org, &id, webinar).unwrap();
    assert!(
        matches!(ready.stage, LeadStage::Assigned { .. }),
        "{:?}",
        ready.stage
    );
    assert_eq!(ready.wake_at, None, "no more nurture wake-ups");
    assert!(
        org.engine
            .store()
            .due(org.clock_now() + Duration::days(400), 10)
            .unwrap()
            .is_empty()
    );
    assert_provenance(&org, &id, &org.timeline(&id));
}

#[test]
fn a_discarded_lead_stays_discarded_until_the_definition_changes_its_mind() {
    let org = TestOrg::new();
    let id = org.ingest(student("lee")).record.id().to_string();
    let record = org.lead(&id);
    assert_eq!(org.path(&id), [New, Qualified, Discarded]);
    let LeadStage::Discarded { reason } = &record.stage else {
        panic!()
    };
    assert!(reason.contains("edu"), "{reason}");
    let visit = Activity {
        kind: ActivityKind::PageVisit,
        at: org.clock_now(),
        detail: "/pricing".into(),
    };
    let again = org.engine.record_activity(org.org, &id, visit).unwrap();
    assert_eq!(again.stage.kind(), Discarded);
    let decisions = org
        .timeline(&id)
        .iter()
        .filter(|e| e.decision().is_some())
        .count();
    assert_eq!(decisions, 2, "the activity re-qualified the lead");
}

#[test]
fn a_duplicate_merges_into_the_lead_and_fills_its_gaps() {
    let org = TestOrg::new();
    let first = org.ingest(almost("kai@fjord.example")).record;
    let again = org.ingest(serde_json::json!({
        "email": " KAI@Fjord.Example ", "name": "Kai Berg", "budget": 99999, "custom": {"seats": 12}
    }));
    assert!(!again.created);
    assert_eq!(again.record.id(), first.id());
    assert_eq!(again.record.lead.name.as_deref(), Some("Kai Berg"));
    assert_eq!(
        again.record.lead.budget,
        Some(5000.0),
        "known fields are kept"
    );
    let mut count = 0;
    org.engine
        .store()
        .scan_leads(org.org, &mut |_| {
            count += 1;
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(count, 1);
    let timeline = org.timeline(first.id());
    let merged = timeline
        .iter()
        .find_map(|e| match e.event().map(|e| &e.kind) {
            Some(EventKind::Merged { filled }) => Some(filled.clone()),
            _ => None,
        });
    assert_eq!(
        merged,
        Some(vec!["name".to_string(), "custom.seats".to_string()])
    );
    assert!(
        timeline
            .iter()
            .any(|e| matches!(&e.item, TimelineItem::Activity(a) if a.kind == ActivityKind::Form))
    );
}

#[test]
fn a_duplicate_of_a_lead_sales_has_is_never_routed_again() {
    let org = TestOrg::new();
    let id = org
        .ingest(strong("dana@northwind.example"))
        .record
        .id()
        .to_string();
    let rep = org.lead(&id).owner.unwrap();
    let before = org
        .timeline(&id)
        .iter()
        .filter(|e| e.decision().is_some())
        .count();
    // A duplicate with news (a name it did not have).
    let mut news = strong("dana@northwind.example");
    news["name"] = "Dana Fischer".into();
    let again = org.ingest(news.clone());
    assert!(!again.created && !again.unchanged);
    assert_eq!(again.record.stage, LeadStage::Assigned { rep: rep.clone() });
    assert_eq!(org.rep(&rep).open_leads, 1, "not counted twice");
    let timeline = org.timeline(&id);
    assert_eq!(
        timeline.iter().filter(|e| e.decision().is_some()).count(),
        before,
        "no new routing"
    );
    assert!(timeline.iter().any(|e| matches!(e.event().map(|e| &e.kind), Some(EventKind::OwnerNotified { rep: r, .. }) if *r == rep)));
    let told = |org: &TestOrg| {
        let outbox = org.engine.store().outbox(100).unwrap();
        outbox
            .iter()
            .filter(|m| matches!(&m.kind, OutboxKind::OwnerActivity { rep: r, .. } if *r == rep))
            .count()
    };
    assert_eq!(told(&org), 1);
    // The same again is no news: the owner is not told twice.
    assert!(org.ingest(news).unchanged);
    assert_eq!(told(&org), 1);
}

#[test]
fn concurrent_duplicates_make_one_lead() {
    let org = TestOrg::new();
    // Eight distinct submissions, each sent twice at once.
    std::thread::scope(|scope| {
        for n in 0..16 {
            let org = &org;
            scope.spawn(move || {
                let mut submission = almost("race@fjord.example");
                submission["custom"] = serde_json::json!({ "visit": n % 8 });
                org.ingest(submission)
            });
        }
    });
    let mut leads = Vec::new();
    org.engine
        .store()
        .scan_leads(org.org, &mut |lead| {
            leads.push(lead);
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(leads.len(), 1);
    let merges = org
        .timeline(leads[0].id())
        .iter()
        .filter(|e| matches!(e.event().map(|e| &e.kind), Some(EventKind::Merged { .. })))
        .count();
    assert_eq!(merges, 7, "each distinct one after the first, once");
}
