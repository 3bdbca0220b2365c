//! Re-sending data a lead already has: an identical submission changes
//! nothing (no activity, no score, no write), one with new information
//! counts once, and a re-send of that is again nothing.

use chrono::Duration;
use leadhost::model::ActivityKind;
use leadhost::store::{LeadRecord, StageKind, TimelineItem};

use super::support::{TestOrg, almost};

/// What must not move: the whole record (stage, score, path, sequence,
/// last change) and the timeline's length.
fn standing(org: &TestOrg, id: &str) -> (LeadRecord, usize) {
    (org.lead(id), org.timeline(id).len())
}

fn forms(org: &TestOrg, id: &str) -> usize {
    org.timeline(id)
        .iter()
        .filter(|entry| matches!(&entry.item, TimelineItem::Activity(a) if a.kind == ActivityKind::Form))
        .count()
}

#[test]
fn an_identical_resubmission_changes_nothing_however_it_is_spelled() {
    let org = TestOrg::new();
    // 65 of the 70 points a lead needs: one more `form` activity would
    // make it sales-ready, as the re-run did.
    let mut submission = almost("kai@fjord.example");
    submission["activities"] = serde_json::json!([
        {"kind": "page-visit", "at": "2026-11-20T10:00:00Z", "detail": "/pricing"}
    ]);
    let first = org.ingest(submission.clone());
    assert!(first.created);
    let id = first.record.id().to_string();
    assert_eq!(first.record.stage.kind(), StageKind::Nurturing);
    let before = standing(&org, &id);
    let score = before.0.qualification.as_ref().map(|q| q.score);

    let mut respelled = submission.clone();
    respelled["email"] = " KAI@Fjord.Example ".into();
    respelled["source"] = " content ".into();
    respelled["budget"] = 5000.0.into();
    for (run, again) in [
        submission.clone(),
        respelled,
        submission.clone(),
        submission,
    ]
    .into_iter()
    .enumerate()
    {
        org.clock.advance(Duration::hours(1));
        let ingested = org.ingest(again);
        assert!(
            !ingested.created && ingested.unchanged,
            "re-send {run} is known"
        );
        assert_eq!(
            ingested.record, before.0,
            "re-send {run} answers the lead as it is"
        );
        assert_eq!(
            standing(&org, &id),
            before,
            "re-send {run} changed the lead"
        );
    }
    assert_eq!(org.lead(&id).qualification.map(|q| q.score), score);
    assert_eq!(forms(&org, &id), 0, "no `form` activity was recorded");
}

#[test]
fn new_information_counts_once_and_its_resend_is_nothing() {
    let org = TestOrg::new();
    let visit = serde_json::json!({"kind": "page-visit", "at": "2026-11-20T10:00:00Z", "detail": "/pricing"});
    let download =
        serde_json::json!({"kind": "download", "at": "2026-11-21T10:00:00Z", "detail": "guide"});
    let mut original = almost("lea@fjord.example");
    original["activities"] = serde_json::json!([visit]);
    let id = org.ingest(original.clone()).record.id().to_string();

    // One new field (and the visit sent before, plus a download).
    let mut richer = original.clone();
    richer["name"] = "Lea Lund".into();
    richer["activities"] = serde_json::json!([visit, download]);
    org.clock.advance(Duration::hours(1));
    let merged = org.ingest(richer.clone());
    assert!(!merged.created && !merged.unchanged);
    assert_eq!(merged.record.lead.name.as_deref(), Some("Lea Lund"));
    assert_eq!(forms(&org, &id), 1, "the merge counts once");
    let activities: Vec<ActivityKind> = org
        .timeline(&id)
        .iter()
        .filter_map(|entry| match &entry.item {
            TimelineItem::Activity(activity) => Some(activity.kind),
            _ => None,
        })
        .collect();
    assert_eq!(
        activities,
        [
            ActivityKind::PageVisit,
            ActivityKind::Form,
            ActivityKind::Download
        ],
        "the visit sent again is not recorded twice"
    );
    let after = standing(&org, &id);

    for (run, again) in [richer, original].into_iter().enumerate() {
        org.clock.advance(Duration::hours(1));
        let ingested = org.ingest(again);
        assert!(ingested.unchanged, "re-send {run} is known");
        assert_eq!(standing(&org, &id), after, "re-send {run}");
    }

    // A different campaign is news too, once.
    let mut other_campaign = almost("lea@fjord.example");
    other_campaign["campaign"] = "spring-fair".into();
    assert!(!org.ingest(other_campaign.clone()).unchanged);
    assert_eq!(forms(&org, &id), 2);
    assert!(org.ingest(other_campaign).unchanged);
    assert_eq!(forms(&org, &id), 2);
}
