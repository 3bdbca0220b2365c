//! Engine throughput with the first-party plug-ins: leads per second from
//! ingest to a durable decision, on 1 and 2 threads, and the store's size
//! per 100,000 leads.
//!
//! Run: `cargo bench -p leadhost-tests --bench engine` (optionally
//! `-- --leads N`). The store is a real sled folder under `target/`, every
//! lead is flushed before it counts (group commit), and the leads mix
//! sales-ready, nurture and discard verdicts in equal parts, a tenth of them
//! duplicates of earlier ones.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use leadhost::clock::SystemClock;
use leadhost::engine::{Engine, EngineConfig, LeadSubmission};
use leadhost::model::Rep;
use leadhost::plugins::Registry;
use leadhost::runtime::{Runtime, RuntimeConfig};
use leadhost::store::{Durability, SledOptions, SledStore, Store};

fn submission(n: usize) -> LeadSubmission {
    let k = if n % 10 == 9 { n / 2 } else { n };
    let json = match k % 3 {
        0 => {
            serde_json::json!({"email": format!("lead{k}@northwind.example"), "domain": format!("d{k}.example"),
            "country": "DE", "source": "webinar", "budget": 50000, "authority": "decision-maker", "need": "high", "timeline_days": 30,
            "activities": [{"kind": "webinar", "at": "2026-11-20T10:00:00Z", "detail": "routing webinar"}]})
        }
        1 => {
            serde_json::json!({"email": format!("lead{k}@fjord.example"), "country": "NO", "need": "medium",
            "authority": "influencer", "source": "content", "campaign": "guide"})
        }
        _ => {
            serde_json::json!({"email": format!("lead{k}@uni-hamburg.edu"), "title": "Student", "source": "organic"})
        }
    };
    serde_json::from_value(json).expect("a valid submission")
}

struct Run {
    engine: Engine,
    store: SledStore,
    _dir: tempfile::TempDir,
}

fn open(runtime: &Runtime, durability: Durability, compression: bool) -> Run {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let options = SledOptions {
        durability,
        compression,
        ..SledOptions::default()
    };
    let store = SledStore::open_with(dir.path(), options).expect("open store");
    let plugins = Registry::new();
    let now = leadhost::clock::Clock::now(&SystemClock);
    plugins
        .activate_builtins("bench", runtime, now)
        .expect("load plug-ins");
    let engine = Engine::new(
        Arc::new(store.clone()),
        plugins,
        Arc::new(SystemClock),
        EngineConfig::default(),
    );
    engine.create_org("bench", "Bench").unwrap();
    for (id, country) in [("ana", "DE"), ("ben", "DE"), ("ola", "NO"), ("dev", "US")] {
        let rep: Rep = serde_json::from_value(serde_json::json!({
            "id": id, "territories": [country], "capacity": 1_000_000
        }))
        .unwrap();
        engine.put_rep("bench", rep).unwrap();
    }
    Run {
        engine,
        store,
        _dir: dir,
    }
}

/// How the submitters wait for durability.
#[derive(Clone, Copy)]
enum Waiting {
    /// Each lead is acknowledged (durable) before its thread takes the next.
    EachLead,
    /// Each thread applies this many leads, then waits once: the leads of
    /// a batch, or of as many HTTP connections, share one flush.
    InFlight(usize),
}

/// Ingests `leads` submissions with `threads` threads; returns leads/s.
fn ingest(run: &Run, leads: usize, threads: usize, waiting: Waiting) -> f64 {
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let depth = match waiting {
                    Waiting::EachLead => 1,
                    Waiting::InFlight(depth) => depth,
                };
                let mut pending = Vec::with_capacity(depth);
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n < leads {
                        pending.push(
                            run.engine
                                .ingest_pending("bench", submission(n), "bench")
                                .expect("ingest"),
                        );
                    }
                    if pending.len() == depth || (n >= leads && !pending.is_empty()) {
                        for lead in pending.drain(..) {
                            run.engine.durable(lead).expect("durable");
                        }
                    }
                    if n >= leads {
                        break;
                    }
                }
            });
        }
    });
    leads as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let leads = args
        .iter()
        .position(|arg| arg == "--leads")
        .and_then(|at| args.get(at + 1)?.parse().ok())
        .unwrap_or(5_000);
    // `--quick`: the durable rows of one store only (for profiling),
    // compressed unless `--uncompressed`.
    let quick = args.iter().any(|arg| arg == "--quick");
    let uncompressed = args.iter().any(|arg| arg == "--uncompressed");
    let runtime = Runtime::new(RuntimeConfig::default()).expect("runtime");
    println!(
        "engine throughput, first-party plug-ins, {leads} leads per run (ingest → durable decision)"
    );
    let rows = [
        (
            1,
            Waiting::EachLead,
            "each lead acknowledged before the next",
        ),
        (
            2,
            Waiting::EachLead,
            "each lead acknowledged before the next",
        ),
        (2, Waiting::InFlight(32), "32 leads in flight a thread"),
        (64, Waiting::EachLead, "64 submitters, as 64 connections"),
    ];
    let stores: &[bool] = match (quick, uncompressed) {
        (false, _) => &[true, false],
        (true, false) => &[true],
        (true, true) => &[false],
    };
    for &compression in stores {
        let label = if compression {
            "compressed"
        } else {
            "uncompressed"
        };
        for (threads, waiting, how) in rows {
            let run = open(&runtime, Durability::Flush, compression);
            let rate = ingest(&run, leads, threads, waiting);
            println!(
                "  {label:>12}, durable, {threads:>2} thread(s), {how:<40} {rate:>6.0} leads/s  ({:.1} leads a flush)",
                leads as f64 / run.store.flushes().max(1) as f64
            );
        }
        if quick {
            continue;
        }
        for threads in [1, 2] {
            let run = open(&runtime, Durability::Relaxed, compression);
            let rate = ingest(&run, leads, threads, Waiting::EachLead);
            println!(
                "  {label:>12}, relaxed, {threads:>2} thread(s), acknowledged before the flush {rate:>14.0} leads/s"
            );
        }
    }
    if quick {
        return;
    }
    for compression in [true, false] {
        store_size(&runtime, (leads * 4).max(20_000), compression);
    }
}

/// Prints the store's size on disk after `submissions`, and its live records' size.
fn store_size(runtime: &Runtime, submissions: usize, compression: bool) {
    let run = open(runtime, Durability::Relaxed, compression);
    ingest(&run, submissions, 2, Waiting::InFlight(32));
    run.store.flush().expect("flush");
    let bytes = run.store.size_on_disk().expect("size");
    let mut count = 0usize;
    run.store
        .scan_leads("bench", &mut |_| {
            count += 1;
            std::ops::ControlFlow::Continue(())
        })
        .expect("scan");
    let live = run.store.live_bytes().expect("live bytes");
    let total: u64 = live.iter().map(|(_, bytes)| bytes).sum();
    let per_tree: Vec<String> = live
        .iter()
        .filter(|(_, bytes)| *bytes > 0)
        .map(|(tree, bytes)| format!("{tree} {:.0}", *bytes as f64 / count as f64))
        .collect();
    if !compression {
        println!(
            "live records: {:.0} bytes a lead ({})",
            total as f64 / count as f64,
            per_tree.join(", ")
        );
    }
    let label = if compression {
        "compressed"
    } else {
        "uncompressed"
    };
    println!(
        "store size, {label}: {:.1} MiB for {count} leads ({submissions} submissions) → {:.0} MiB per 100k leads",
        bytes as f64 / (1 << 20) as f64,
        bytes as f64 / (1 << 20) as f64 * 100_000.0 / count as f64
    );
}
