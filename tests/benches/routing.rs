//! Routing decisions per second with 50 and with 5,000 reps in one org, for
//! each first-party policy.
//!
//! Three figures per roster:
//! - **policy call**: `route` alone on a fresh instance with the candidates
//!   the engine shows it (the roster narrowed to a shortlist of at most
//!   16 reps, `[routing] candidates`), the answer read back;
//! - **whole roster**: the same call with every rep passed in (what a call
//!   cost before the shortlist, and what `candidates = 0` costs);
//! - **routed**: sales-ready leads through the real engine: qualification,
//!   the roster read from sled, the routing call, the host's checks, the
//!   assignment, the rep's load and the decision written in one durable
//!   commit (group commit, one thread).
//!
//! Run: `cargo bench -p leadhost-tests --bench routing` (optionally
//! `-- --leads N`, default 2,000 a roster and policy).

use std::sync::Arc;
use std::time::{Duration, Instant};

use leadhost::builtin::{Builtin, CAPACITY_AWARE, ROUND_ROBIN, WEIGHTED};
use leadhost::clock::SystemClock;
use leadhost::engine::{
    Engine, EngineConfig, LeadSubmission, SHORTLIST_DEFAULT, Wanted, shortlist,
};
use leadhost::model::{Config, Rep, RouteInput};
use leadhost::plugins::Registry;
use leadhost::runtime::{CallContext, Runtime, RuntimeConfig, Slot};
use leadhost::store::{Durability, SledStore};

fn number(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|arg| arg == name)
        .and_then(|at| args.get(at + 1)?.parse().ok())
        .unwrap_or(default)
}

/// `count` reps over eight territories, weights 1–4, room for every lead.
fn roster(count: usize) -> Vec<Rep> {
    const TERRITORIES: [&str; 8] = ["DE", "AT", "CH", "FR", "NO", "SE", "US", "GB"];
    (0..count)
        .map(|n| {
            serde_json::from_value(serde_json::json!({
                "id": format!("rep-{n:05}"),
                "team": format!("team-{}", n % 25),
                "territories": [TERRITORIES[n % 8], TERRITORIES[(n + 3) % 8]],
                "segments": ["mid-market"],
                "capacity": 1_000_000,
                "weight": 1 + n % 4,
            }))
            .expect("a valid rep")
        })
        .collect()
}

/// A sales-ready lead; the domains differ, so no account owner short-cuts.
fn submission(n: usize) -> LeadSubmission {
    let country = ["DE", "FR", "US", "NO"][n % 4];
    serde_json::from_value(serde_json::json!({
        "email": format!("buyer{n}@company{n}.example"), "domain": format!("company{n}.example"),
        "country": country, "budget": 60000,
        "authority": "decision-maker", "need": "high", "timeline_days": 30
    }))
    .expect("a valid submission")
}

fn per_second(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

/// Policy calls a second with `candidates`, and the mean call in
/// microseconds.
fn policy_calls(
    runtime: &Runtime,
    policy: Builtin,
    candidates: Vec<Rep>,
    calls: usize,
) -> (f64, f64) {
    let plugin = runtime
        .load(policy.name, policy.bytes, Some(Slot::RoutingPolicy))
        .expect("load the policy");
    let mut input: RouteInput = leadhost_tests::example("eval/route/route.json");
    input.candidates = candidates;
    let context = CallContext::for_org("bench");
    let started = Instant::now();
    for _ in 0..calls {
        plugin.call(&context, &input).expect("the policy answers");
    }
    let elapsed = started.elapsed();
    (
        per_second(calls, elapsed),
        elapsed.as_secs_f64() * 1e6 / calls as f64,
    )
}

/// The candidates the engine shows a policy for the example lead.
fn shown(reps: &[Rep]) -> Vec<Rep> {
    let input: RouteInput = leadhost_tests::example("eval/route/route.json");
    let wanted = Wanted {
        country: input.lead.country.as_deref(),
        account_owner: input.account_owner.as_deref(),
        lapsed: &[],
        now: input.now,
        most: SHORTLIST_DEFAULT,
    };
    shortlist(reps, &wanted).candidates
}

/// Leads routed a second through the engine, with `reps` in the org.
fn routed(runtime: &Runtime, policy: Builtin, reps: &[Rep], leads: usize) -> f64 {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let store = SledStore::open(dir.path(), Durability::Flush).expect("open the store");
    let plugins = Registry::new();
    let now = chrono::Utc::now();
    plugins
        .activate_builtins("bench", runtime, now)
        .expect("first-party plug-ins");
    let routing = runtime
        .load(policy.name, policy.bytes, Some(Slot::RoutingPolicy))
        .expect("load the policy");
    plugins.activate("bench", routing, Config::new(), now);
    let engine = Engine::new(
        Arc::new(store),
        plugins,
        Arc::new(SystemClock),
        EngineConfig::default(),
    );
    engine.create_org("bench", "Bench").expect("create the org");
    for rep in reps {
        engine.put_rep("bench", rep.clone()).expect("add a rep");
    }
    let started = Instant::now();
    for n in 0..leads {
        let record = engine
            .ingest("bench", submission(n), "bench")
            .expect("ingest")
            .record;
        assert!(record.owner.is_some(), "lead {n} was not assigned");
    }
    per_second(leads, started.elapsed())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let leads = number(&args, "--leads", 2_000);
    let runtime = Runtime::new(RuntimeConfig::default()).expect("start the runtime");
    println!(
        "{:<16} {:>6} {:>6} {:>16} {:>10} {:>18} {:>10}",
        "policy", "reps", "shown", "policy calls/s", "µs a call", "µs, whole roster", "routed/s"
    );
    for count in [50, 5_000] {
        let reps = roster(count);
        let candidates = shown(&reps);
        for policy in [ROUND_ROBIN, WEIGHTED, CAPACITY_AWARE] {
            let shown = candidates.len();
            let (calls, micros) = policy_calls(&runtime, policy, candidates.clone(), leads);
            let whole = policy_calls(&runtime, policy, reps.clone(), leads.min(500)).1;
            let routed = routed(&runtime, policy, &reps, leads);
            println!(
                "{:<16} {:>6} {:>6} {:>16.0} {:>10.1} {:>18.0} {:>10.0}",
                policy.name, count, shown, calls, micros, whole, routed
            );
        }
    }
    println!(
        "({leads} calls and {leads} leads a row; routed = qualify + route + durable commit, one thread)"
    );
}
