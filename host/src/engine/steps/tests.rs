//! The host's own checks in the steps, without a plug-in.
use super::*;
use crate::model::Lead;
use crate::store::LeadRecord;

fn rep(id: &str, open_leads: u32, available: bool) -> Rep {
    Rep {
        id: id.into(),
        team: None,
        territories: vec![],
        segments: vec![],
        capacity: 2,
        open_leads,
        weight: 1,
        available,
        last_assigned_at: None,
    }
}

fn routed() -> Change<'static> {
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
    let reps = [
        rep("full", 2, true),
        rep("away", 0, false),
        rep("free", 1, true),
    ];
    for (chosen, problem) in [
        ("ghost", "rep `ghost` does not exist in org acme"),
        ("away", "rep `away` is not available"),
        ("full", "rep `full` is at capacity (2/2 open leads)"),
    ] {
        let mut change = routed();
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
