//! The host's own checks on a routing policy's choice, without a plug-in.
use super::*;
use crate::model::{Absence, Lead};
use crate::store::LeadRecord;

fn rep(id: &str, open_leads: u32, available: bool) -> Rep {
    Rep {
        id: id.into(),
        display_name: None,
        email: None,
        team: None,
        territories: vec![],
        segments: vec![],
        capacity: 2,
        open_leads,
        weight: 1,
        available,
        out_of_office: vec![],
        last_assigned_at: None,
    }
}

fn routed() -> Change {
    let now = "2026-11-24T09:00:00Z".parse().unwrap();
    let lead: Lead = serde_json::from_value(serde_json::json!({
        "id": "ld-1", "email": "a@b.example", "created_at": "2026-11-24T09:00:00Z"
    }))
    .unwrap();
    let mut record = LeadRecord::new("acme", lead, now);
    record.stage = LeadStage::Routed { queue: None };
    Change::new(record, now)
}

#[test]
fn the_host_refuses_a_rep_who_cannot_take_the_lead() {
    let mut on_holiday = rep("holiday", 0, true);
    on_holiday.out_of_office = vec![
        Absence {
            from: "2026-11-20T00:00:00Z".parse().unwrap(),
            until: "2026-11-30T00:00:00Z".parse().unwrap(),
        },
        // Over, so it does not count.
        Absence {
            from: "2026-10-01T00:00:00Z".parse().unwrap(),
            until: "2026-10-08T00:00:00Z".parse().unwrap(),
        },
    ];
    let reps = [
        rep("full", 2, true),
        rep("away", 0, false),
        rep("free", 1, true),
        rep("lapsed", 0, true),
        on_holiday,
    ];
    for (chosen, problem) in [
        ("ghost", "rep `ghost` does not exist in org acme"),
        ("away", "rep `away` is not available"),
        ("full", "rep `full` is at capacity (2/2 open leads)"),
        ("lapsed", "rep `lapsed` already let this lead's SLA lapse"),
        (
            "holiday",
            "rep `holiday` is out of office until 2026-11-30T00:00:00+00:00",
        ),
    ] {
        let mut change = routed();
        change.record.lapsed_reps = vec!["lapsed".into()];
        assert_eq!(check_rep(&mut change, &reps, chosen).unwrap(), None);
        let LeadStage::NeedsReview { slot, code, error } = &change.record.stage else {
            panic!("{:?}", change.record.stage)
        };
        assert_eq!(
            (*slot, code.as_str()),
            (Slot::RoutingPolicy, "refused-assignment")
        );
        assert!(error.ends_with(problem), "{error}");
    }
    let mut change = routed();
    assert_eq!(
        check_rep(&mut change, &reps, "free")
            .unwrap()
            .map(|rep| rep.id),
        Some("free".into())
    );
    assert_eq!(change.record.stage, LeadStage::Routed { queue: None });
}

#[test]
fn an_absence_makes_a_rep_unavailable_only_while_it_lasts() {
    let mut ana = rep("ana", 0, true);
    let away = Absence {
        from: "2026-12-01T00:00:00Z".parse().unwrap(),
        until: "2026-12-08T00:00:00Z".parse().unwrap(),
    };
    ana.out_of_office = vec![away];
    let at = |text: &str| text.parse().unwrap();
    assert!(ana.available_at(at("2026-11-30T23:59:59Z")));
    assert!(!ana.available_at(at("2026-12-01T00:00:00Z")));
    assert!(!ana.as_candidate(at("2026-12-07T23:59:59Z")).available);
    assert!(ana.available_at(at("2026-12-08T00:00:00Z")));
    // The policy sees the folded flag, not the calendar.
    assert!(
        ana.as_candidate(at("2026-12-02T00:00:00Z"))
            .out_of_office
            .is_empty()
    );
    ana.available = false;
    assert!(!ana.available_at(at("2026-11-30T00:00:00Z")));
}

#[test]
fn a_choice_outside_the_candidates_is_refused_by_the_shared_check() {
    let now = "2026-11-24T09:00:00Z".parse().unwrap();
    let reps = [rep("free", 0, true)];
    let refusal = check_assignment(&reps, &[], "ghost", now).unwrap_err();
    assert_eq!(refusal, Refusal::Unknown("ghost".into()));
    assert_eq!(
        refusal.to_string(),
        "rep `ghost` is not one of the candidates"
    );
    assert_eq!(
        check_assignment(&reps, &[], "free", now).unwrap().id,
        "free"
    );
}
