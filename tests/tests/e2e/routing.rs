//! The first-party routing policies at volume, through the real engine:
//! round robin stays fair over 10,000 leads, weighted shares follow the
//! weights, and capacity holds under routing from two threads. The SLA,
//! absences and the timeline's explanation are in `sla`; account
//! ownership by e-mail domain in `accounts`.

mod accounts;
mod shortlist;
mod sla;

use std::collections::BTreeMap;
use std::sync::Arc;

use leadhost::builtin::{Builtin, CAPACITY_AWARE, ROUND_ROBIN, WEIGHTED};
use leadhost::clock::ManualClock;
use leadhost::engine::{Engine, EngineConfig, LeadSubmission};
use leadhost::model::{Config, Rep};
use leadhost::plugins::Registry;
use leadhost::store::{Durability, LeadStage, SledStore};

use super::support::{runtime, start_time};

/// An org routed by `policy`, with `reps` as `(id, weight, capacity)`. The
/// clock never moves, so every assignment ties on time: the policies must
/// be fair without it.
fn org(policy: Builtin, reps: &[(&str, u32, u32)]) -> (Engine, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    // Relaxed: these tests are about choices, not durability (tested elsewhere).
    let store = SledStore::open(&dir.path().join("store"), Durability::Relaxed).unwrap();
    let plugins = Registry::new();
    plugins
        .activate_builtins("acme", runtime(), start_time())
        .unwrap();
    let routing = runtime()
        .load(policy.name, policy.bytes, Some(policy.slot))
        .unwrap();
    plugins.activate("acme", routing, Config::new(), start_time());
    let engine = Engine::new(
        Arc::new(store),
        plugins,
        Arc::new(ManualClock::new(start_time())),
        EngineConfig::default(),
    );
    engine.create_org("acme", "Acme").unwrap();
    for (id, weight, capacity) in reps {
        let rep: Rep = serde_json::from_value(serde_json::json!({
            "id": id, "weight": weight, "capacity": capacity
        }))
        .unwrap();
        engine.put_rep("acme", rep).unwrap();
    }
    (engine, dir)
}

/// A sales-ready lead with no country (every rep is a candidate).
fn strong(n: usize) -> LeadSubmission {
    serde_json::from_value(serde_json::json!({
        "email": format!("lead{n}@company{n}.example"), "budget": 60000,
        "authority": "decision-maker", "need": "high", "timeline_days": 30
    }))
    .unwrap()
}

#[test]
fn round_robin_over_10000_leads_keeps_every_rep_within_one_lead() {
    let reps = [
        ("ana", 1, 1_000_000),
        ("ben", 1, 1_000_000),
        ("cai", 1, 1_000_000),
        ("dev", 1, 1_000_000),
        ("eli", 1, 1_000_000),
        ("fay", 1, 1_000_000),
        ("gus", 1, 1_000_000),
    ];
    let (engine, _dir) = org(ROUND_ROBIN, &reps);
    let mut counts: BTreeMap<String, usize> = reps.iter().map(|r| (r.0.to_string(), 0)).collect();
    for n in 0..10_000 {
        let record = engine.ingest("acme", strong(n), "test").unwrap().record;
        let owner = record.owner.expect("assigned");
        *counts.get_mut(&owner).unwrap() += 1;
        let max = counts.values().max().unwrap();
        let min = counts.values().min().unwrap();
        assert!(max - min <= 1, "after lead {n}: {counts:?}");
    }
}

#[test]
fn weighted_shares_are_within_two_percent_of_the_weights() {
    let reps = [
        ("ana", 1, 1_000_000),
        ("ben", 2, 1_000_000),
        ("cai", 3, 1_000_000),
        ("dev", 4, 1_000_000),
    ];
    let (engine, _dir) = org(WEIGHTED, &reps);
    let leads = 3_000;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for n in 0..leads {
        let record = engine.ingest("acme", strong(n), "test").unwrap().record;
        *counts.entry(record.owner.expect("assigned")).or_default() += 1;
    }
    for (id, weight, _) in reps {
        let share = counts[id] as f64 / leads as f64;
        let expected = f64::from(weight) / 10.0;
        assert!(
            (share - expected).abs() <= 0.02 * expected,
            "{id}: {share:.4} of the leads for {expected:.2} of the weight ({counts:?})"
        );
    }
}

#[test]
fn capacity_is_never_exceeded_when_two_threads_route_at_once() {
    let reps = [
        ("ana", 1, 7),
        ("ben", 1, 20),
        ("cai", 1, 13),
        ("dev", 1, 10),
    ];
    let (engine, _dir) = org(CAPACITY_AWARE, &reps);
    let outcomes: Vec<LeadStage> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..2)
            .map(|thread| {
                let engine = &engine;
                scope.spawn(move || {
                    (0..40)
                        .map(|n| {
                            engine
                                .ingest("acme", strong(thread * 1000 + n), "test")
                                .unwrap()
                                .record
                                .stage
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|thread| thread.join().unwrap())
            .collect()
    });
    let assigned = outcomes
        .iter()
        .filter(|stage| matches!(stage, LeadStage::Assigned { .. }))
        .count();
    let queued = outcomes
        .iter()
        .filter(|stage| matches!(stage, LeadStage::Routed { queue: Some(_) }))
        .count();
    assert_eq!(assigned, 50, "exactly the total capacity: {outcomes:?}");
    assert_eq!(queued, 30, "the rest wait in the fallback queue");
    for rep in engine.reps("acme").unwrap() {
        assert_eq!(rep.open_leads, rep.capacity, "{} is full, not over", rep.id);
    }
}
