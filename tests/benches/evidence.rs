//! Replay and backtest throughput on recorded inputs: how fast an org's
//! decisions are audited and a candidate is tried on its history.
//!
//! Run: `cargo bench -p leadhost-tests --bench evidence` (optionally
//! `-- --leads N`, default 20,000). The data folder is a real sled store
//! under `target/`; leads are ingested with relaxed durability (this
//! measures the evidence tools, not the flush), a third each sales-ready,
//! nurtured and discarded, so there is one qualification input per lead.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::engine::LeadSubmission;
use leadhost::model::{Config, Rep};
use leadhost::plugins::BacktestSpec;
use leadhost::setup::{Host, Options};
use leadhost::store::Durability;

fn submission(n: usize) -> LeadSubmission {
    let json = match n % 3 {
        0 => serde_json::json!({"email": format!("lead{n}@northwind.example"), "country": "DE",
            "budget": 50000, "authority": "decision-maker", "need": "high", "timeline_days": 30,
            "activities": [{"kind": "webinar", "at": "2026-11-20T10:00:00Z", "detail": "routing webinar"}]}),
        1 => serde_json::json!({"email": format!("lead{n}@fjord.example"), "country": "NO",
            "need": "medium", "authority": "influencer"}),
        _ => serde_json::json!({"email": format!("lead{n}@uni-hamburg.edu"), "title": "Student"}),
    };
    serde_json::from_value(json).expect("a valid submission")
}

fn spec(name: &str, bytes: &[u8]) -> BacktestSpec {
    BacktestSpec {
        slot: leadhost::model::Slot::LeadDefinition,
        name: name.into(),
        bytes: bytes.to_vec(),
        config: Config::default(),
        from: None,
        to: None,
        sweep: None,
        workers: 2,
        stop: None,
        deadline: None,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let leads = args
        .iter()
        .position(|arg| arg == "--leads")
        .and_then(|at| args.get(at + 1)?.parse().ok())
        .unwrap_or(20_000);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let options = Options {
        durability: Durability::Relaxed,
        ..Options::default()
    };
    let host = Host::open(dir.path(), options).expect("open");
    host.create_org("bench", "Bench").expect("org");
    for (id, country) in [("ana", "DE"), ("ola", "NO")] {
        let rep: Rep = serde_json::from_value(serde_json::json!({
            "id": id, "territories": [country], "capacity": 10_000_000
        }))
        .unwrap();
        host.engine.put_rep("bench", rep).unwrap();
    }
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                while let Some(n) =
                    Some(next.fetch_add(1, Ordering::Relaxed)).filter(|n| *n < leads)
                {
                    host.engine
                        .ingest("bench", submission(n), "bench")
                        .expect("ingest");
                }
            });
        }
    });
    let ingest = started.elapsed();
    println!(
        "evidence on {leads} leads (ingested in {:.1} s, relaxed, 2 threads)",
        ingest.as_secs_f64()
    );

    let started = Instant::now();
    let report = host
        .plugins
        .backtest(
            "bench",
            &spec("bant-qualifier", BANT_QUALIFIER.bytes),
            &|_, _| {},
        )
        .expect("backtest");
    let took = started.elapsed().as_secs_f64();
    println!(
        "  backtest, bant-qualifier (component), 2 workers: {} inputs in {took:.2} s → {:.0} inputs/s",
        report.inputs,
        report.inputs as f64 / took
    );

    let script = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../plugins/script/examples/qualify.rhai"),
    )
    .expect("the example script");
    // The script host's component is compiled once per process (and kept
    // in the compile cache of a server): not a cost of the backtest.
    let started = Instant::now();
    leadhost::plugins::load_plugin(
        &host.runtime,
        "qualify.rhai",
        &script,
        None,
        &Config::default(),
    )
    .expect("the example script loads");
    println!(
        "  (the script host compiled in {:.1} s, once per process)",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let report = host
        .plugins
        .backtest("bench", &spec("qualify.rhai", &script), &|_, _| {})
        .expect("backtest");
    let took = started.elapsed().as_secs_f64();
    println!(
        "  backtest, qualify.rhai (admin script), 2 workers: {} inputs in {took:.2} s → {:.0} inputs/s",
        report.inputs,
        report.inputs as f64 / took
    );

    let started = Instant::now();
    let audit = host
        .plugins
        .replay_all("bench", 2, &|_, _| {})
        .expect("replay");
    let took = started.elapsed().as_secs_f64();
    println!(
        "  replay --all, 2 workers: {} decisions in {took:.2} s → {:.0} decisions/s ({} identical)",
        audit.total,
        audit.total as f64 / took,
        audit.identical
    );
}
