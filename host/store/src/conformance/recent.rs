//! A slot's latest decisions: newest first by the time they were made for,
//! per org and slot; a lead's decisions alone, in timeline order.

use leadhost_model::{ContentHash, Slot};

use super::{Harness, at, create, record};
use crate::{Commit, Decision, Outcome, Store};

pub(super) fn decision(org: &str, lead: &str, slot: Slot, when: &str) -> Decision {
    Decision {
        org: org.into(),
        lead: lead.into(),
        slot,
        plugin: "bant-qualifier".into(),
        plugin_hash: ContentHash::of(b"bant"),
        wit_version: "0.1.0".into(),
        input_digest: format!("{lead}-{when}"),
        config_digest: String::new(),
        outcome: Outcome::Decided {
            output: serde_json::json!({"stage": "nurture"}),
        },
        reasons: Vec::new(),
        routing: None,
        duration_us: 1,
        fuel_used: 1,
        at: at(when),
    }
}

/// The latest decisions of a slot come newest first, across leads, and
/// never another slot's or another org's.
pub fn a_slots_latest_decisions_come_newest_first(harness: &mut impl Harness) {
    let store = harness.fresh();
    let times = [
        ("ld-1", "2026-11-24T09:00:00Z", 1),
        ("ld-2", "2026-11-24T11:00:00Z", 1),
        ("ld-1", "2026-11-24T10:00:00Z", 2),
    ];
    for (lead, when, seq) in times {
        let mut record = record("acme", lead, None);
        let create_it = seq == 1;
        record.revision = u64::from(!create_it);
        let commit = Commit {
            decisions: vec![
                (seq, decision("acme", lead, Slot::LeadDefinition, when)),
                (seq + 10, decision("acme", lead, Slot::RoutingPolicy, when)),
            ],
            ..if create_it {
                create(record)
            } else {
                Commit {
                    lead: Some(record),
                    ..Commit::default()
                }
            }
        };
        store.commit(commit).unwrap();
    }
    store
        .commit(Commit {
            decisions: vec![(
                1,
                decision(
                    "acme-2",
                    "ld-9",
                    Slot::LeadDefinition,
                    "2026-11-25T00:00:00Z",
                ),
            )],
            ..create(record("acme-2", "ld-9", None))
        })
        .unwrap();
    let latest = store
        .latest_decisions("acme", Slot::LeadDefinition, 2)
        .unwrap();
    let seen: Vec<(&str, u64)> = latest
        .iter()
        .map(|(lead, seq, _)| (lead.as_str(), *seq))
        .collect();
    assert_eq!(seen, [("ld-2", 1), ("ld-1", 2)]);
    assert!(
        latest
            .iter()
            .all(|(_, _, decision)| decision.slot == Slot::LeadDefinition)
    );
    assert_eq!(
        store
            .latest_decisions("acme", Slot::RoutingPolicy, 10)
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        store
            .latest_decisions("acme-2", Slot::LeadDefinition, 10)
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .latest_decisions("acme", Slot::NurtureTrack, 10)
            .unwrap()
            .is_empty()
    );
    // A lead's decisions alone are its timeline's decisions, in order,
    // and never another lead's (`ld-1` is a prefix of no other id here,
    // `ld-2` of none either) or another org's.
    for lead in ["ld-1", "ld-2"] {
        let from_timeline: Vec<(u64, Decision)> = store
            .timeline("acme", lead)
            .unwrap()
            .into_iter()
            .filter_map(|entry| Some((entry.seq, entry.decision()?.clone())))
            .collect();
        let alone = store.decisions("acme", lead).unwrap();
        assert_eq!(alone, from_timeline);
        assert!(alone.iter().all(|(_, decision)| decision.lead == lead));
    }
    assert_eq!(store.decisions("acme", "ld-1").unwrap().len(), 4);
    assert!(store.decisions("acme-2", "ld-1").unwrap().is_empty());
    assert_eq!(store.decisions("acme-2", "ld-9").unwrap().len(), 1);
}
