//! Shadow decisions: per org and slot, newest first, walled off.

use std::ops::ControlFlow;

use leadhost_model::{ContentHash, Slot};

use super::{Harness, at};
use crate::{Outcome, ShadowDecision, ShadowStore};

pub(super) fn shadow(lead: &str, slot: Slot, agree: bool) -> ShadowDecision {
    ShadowDecision {
        lead: lead.into(),
        slot,
        at: at("2026-11-24T09:00:00Z"),
        input_digest: format!("digest-{lead}"),
        live_plugin: "bant-qualifier".into(),
        live_hash: ContentHash::of(b"live"),
        live: Outcome::Decided {
            output: serde_json::json!({"stage": "nurture"}),
        },
        live_reasons: vec!["live".into()],
        shadow_plugin: "strict".into(),
        shadow_hash: ContentHash::of(b"shadow"),
        wit_version: "0.1.0".into(),
        config_digest: String::new(),
        shadow: Outcome::Failed {
            code: "trap".into(),
            error: "boom".into(),
        },
        shadow_reasons: Vec::new(),
        agree,
        duration_us: 12,
    }
}

fn leads(store: &impl ShadowStore, org: &str, slot: Slot) -> Vec<String> {
    let mut found = Vec::new();
    store
        .shadows(org, slot, &mut |decision| {
            found.push(decision.lead);
            ControlFlow::Continue(())
        })
        .unwrap();
    found
}

/// Shadow decisions read back newest first, per org and per slot, and
/// survive a restart whole.
pub fn shadow_decisions_read_back_newest_first_per_org_and_slot(harness: &mut impl Harness) {
    let store = harness.fresh();
    for lead in ["ld-1", "ld-2", "ld-3"] {
        store
            .put_shadow("acme", &shadow(lead, Slot::LeadDefinition, lead != "ld-2"))
            .unwrap();
    }
    store
        .put_shadow("acme", &shadow("ld-9", Slot::RoutingPolicy, true))
        .unwrap();
    store
        .put_shadow("acme-2", &shadow("ld-7", Slot::LeadDefinition, true))
        .unwrap();
    assert_eq!(
        leads(&store, "acme", Slot::LeadDefinition),
        ["ld-3", "ld-2", "ld-1"]
    );
    assert_eq!(leads(&store, "acme", Slot::RoutingPolicy), ["ld-9"]);
    assert_eq!(leads(&store, "acme-2", Slot::LeadDefinition), ["ld-7"]);
    assert!(leads(&store, "acme", Slot::NurtureTrack).is_empty());
    let store = harness.reopen(store);
    let mut first = None;
    store
        .shadows("acme", Slot::LeadDefinition, &mut |decision| {
            first = Some(decision);
            ControlFlow::Break(())
        })
        .unwrap();
    assert_eq!(first, Some(shadow("ld-3", Slot::LeadDefinition, true)));
}
