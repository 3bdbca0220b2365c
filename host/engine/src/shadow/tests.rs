//! The shadow queue's bounds, with no worker taking calls: one org fills
//! its own share only, the queue's bound holds for all, and every call
//! that does not fit is counted per org and slot.

use super::{SHADOW_ORG_QUEUE, ShadowCall, ShadowRunner, lock, verdict};
use crate::builtin::BANT_QUALIFIER;
use crate::registry::Shadow;
use crate::runtime::{ContentHash, Runtime, RuntimeConfig, Slot};
use crate::store::{Decision, Outcome};

fn call(org: &str, shadow: &Shadow) -> ShadowCall {
    ShadowCall {
        org: org.into(),
        live: Decision {
            org: org.into(),
            lead: "ld-1".into(),
            slot: Slot::LeadDefinition,
            plugin: "bant-qualifier".into(),
            plugin_hash: ContentHash::of(b"live"),
            wit_version: "0.1.0".into(),
            input_digest: "d".into(),
            config_digest: String::new(),
            outcome: Outcome::Decided {
                output: serde_json::json!({"stage": "nurture"}),
            },
            reasons: Vec::new(),
            routing: None,
            duration_us: 1,
            fuel_used: 1,
            at: "2026-11-24T09:00:00Z".parse().unwrap(),
        },
        input: b"{}".to_vec(),
        shadow: shadow.clone(),
    }
}

fn shadow() -> Shadow {
    let runtime = Runtime::new(RuntimeConfig::default()).unwrap();
    let plugin = runtime
        .load(
            "bant-qualifier",
            BANT_QUALIFIER.bytes,
            Some(Slot::LeadDefinition),
        )
        .unwrap();
    Shadow {
        plugin,
        file: "strict.wasm".into(),
        config: Default::default(),
        since: "2026-11-24T09:00:00Z".parse().unwrap(),
    }
}

#[test]
fn one_org_fills_its_share_only_and_the_rest_is_dropped_and_counted() {
    let shadow = shadow();
    let runner = ShadowRunner::unstarted(SHADOW_ORG_QUEUE + 10);
    runner.submit(
        (0..SHADOW_ORG_QUEUE + 30)
            .map(|_| call("noisy", &shadow))
            .collect(),
    );
    assert_eq!(runner.dropped("noisy", Slot::LeadDefinition), 30);
    // Another org still gets in, up to the queue's own bound.
    runner.submit((0..20).map(|_| call("quiet", &shadow)).collect());
    assert_eq!(runner.dropped("quiet", Slot::LeadDefinition), 10);
    assert_eq!(lock(&runner.shared.queue).total, SHADOW_ORG_QUEUE + 10);
    assert_eq!(runner.dropped("noisy", Slot::RoutingPolicy), 0);
}

#[test]
fn a_busy_orgs_waiting_calls_do_not_hold_up_another_orgs() {
    let shadow = shadow();
    let runner = ShadowRunner::unstarted(SHADOW_ORG_QUEUE * 4);
    runner.submit(
        (0..SHADOW_ORG_QUEUE)
            .map(|_| call("noisy", &shadow))
            .collect(),
    );
    runner.submit(vec![call("quiet", &shadow)]);
    let mut queue = lock(&runner.shared.queue);
    let order: Vec<String> = std::iter::from_fn(|| queue.take())
        .take(3)
        .map(|call| call.org)
        .collect();
    assert_eq!(
        order,
        ["noisy", "quiet", "noisy"],
        "in turn, not in arrival order"
    );
    assert_eq!(queue.total, SHADOW_ORG_QUEUE - 2);
}

#[test]
fn verdicts_compare_what_each_slot_decides() {
    let decided = |output: serde_json::Value| Outcome::Decided { output };
    let stage = decided(serde_json::json!({"stage": "sales-ready", "score": 90}));
    assert_eq!(verdict(Slot::LeadDefinition, &stage), "sales-ready");
    let assign = decided(serde_json::json!({"decision": "assign", "rep": "ana", "reasons": []}));
    assert_eq!(verdict(Slot::RoutingPolicy, &assign), "assign ana");
    let failed = Outcome::Failed {
        code: "trap".into(),
        error: "boom".into(),
    };
    assert_eq!(verdict(Slot::NurtureTrack, &failed), "failed: trap");
}
