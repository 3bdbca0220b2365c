//! Hot reload and start-up:
//! - latency from the rename of a rebuilt component into an org's folder to
//!   the first decision made by it (the real watcher, its debounce window
//!   included), p50/p99 over `--swaps` swaps;
//! - start-up time and resident memory of a process opening a data folder
//!   with `--orgs` orgs that share the three first-party plug-ins (and, for
//!   comparison, one org), compiled code coming from the disk cache.
//!
//! Run: `cargo bench -p leadhost-tests --bench reload` (optionally
//! `-- --swaps 60 --orgs 1000`).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::engine::LeadSubmission;
use leadhost::plugins::{DEFAULT_DEBOUNCE, watch};
use leadhost::runtime::{ContentHash, Slot};
use leadhost::setup::{Host, Options};
use leadhost::store::TimelineItem;

/// `bytes` with a custom section holding `n`: the same plug-in, another hash.
fn variant(bytes: &[u8], n: u32) -> Vec<u8> {
    let name = b"leadhost-bench-variant";
    let mut out = bytes.to_vec();
    out.push(0);
    out.push((1 + name.len() + 4) as u8);
    out.push(name.len() as u8);
    out.extend_from_slice(name);
    out.extend_from_slice(&n.to_le_bytes());
    out
}

/// Qualifies one lead; the hash of the plug-in that decided.
fn decided_by(host: &Host, n: usize) -> ContentHash {
    let submission: LeadSubmission = serde_json::from_value(serde_json::json!({
        "email": format!("lead{n}@northwind.example"), "country": "DE", "budget": 60000,
        "authority": "decision-maker", "need": "high", "timeline_days": 30
    }))
    .expect("a submission");
    let ingested = host
        .engine
        .ingest("bench", submission, "bench")
        .expect("ingest");
    let timeline = host
        .engine
        .timeline("bench", ingested.record.id())
        .expect("timeline");
    timeline
        .iter()
        .find_map(|entry| match &entry.item {
            TimelineItem::Decision(decision) if decision.slot == Slot::LeadDefinition => {
                Some(decision.plugin_hash)
            }
            _ => None,
        })
        .expect("a qualification")
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[at].as_secs_f64() * 1000.0
}

fn reload_latency(swaps: usize) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let host = Host::open(dir.path(), Options::default()).expect("open");
    host.create_org("bench", "Bench").expect("org");
    let _watcher = watch(host.plugins.clone(), DEFAULT_DEBOUNCE).expect("watch");
    let folder = host.plugins.folders().org_dir("bench");
    let mut latencies = Vec::with_capacity(swaps);
    let mut leads = 0;
    for swap in 1..=swaps as u32 {
        let bytes = variant(BANT_QUALIFIER.bytes, swap);
        let hash = ContentHash::of(&bytes);
        let hidden = folder.join(".bant-qualifier.wasm.tmp");
        std::fs::write(&hidden, &bytes).expect("write");
        let renamed = Instant::now();
        std::fs::rename(&hidden, folder.join("bant-qualifier.wasm")).expect("rename");
        loop {
            leads += 1;
            if decided_by(&host, leads) == hash {
                break;
            }
            assert!(renamed.elapsed() < Duration::from_secs(30), "never swapped");
        }
        latencies.push(renamed.elapsed());
    }
    latencies.sort();
    println!(
        "hot reload, rename → first decision by the new version ({swaps} swaps, debounce {} ms): p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        DEFAULT_DEBOUNCE.as_millis(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0)
    );
}

/// In the child: opens the data folder, prints start-up ms and VmRSS KiB.
fn child(data: &Path) {
    let started = Instant::now();
    let host = Host::open(data, Options::default()).expect("open");
    let elapsed = started.elapsed();
    let orgs = host.engine.store().orgs().expect("orgs").len();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| {
            value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .unwrap_or(0);
    println!("{orgs} {} {rss}", elapsed.as_millis());
}

fn startup(orgs: usize) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    {
        let host = Host::open(dir.path(), Options::default()).expect("open");
        for n in 0..orgs {
            host.create_org(&format!("org-{n:04}"), "Org").expect("org");
        }
    }
    // The first open after creation is warm in the page cache; measure the
    // second and third, in fresh processes.
    for _ in 0..2 {
        let output = Command::new(std::env::current_exe().expect("this binary"))
            .arg("--startup-child")
            .arg(dir.path())
            .output()
            .expect("run the child");
        let text = String::from_utf8_lossy(&output.stdout);
        let figures: Vec<u64> = text
            .split_whitespace()
            .filter_map(|word| word.parse().ok())
            .collect();
        if let [orgs, ms, rss] = figures[..] {
            println!(
                "start-up with {orgs} org(s) sharing the three first-party plug-ins: {ms} ms, resident memory {:.1} MiB",
                rss as f64 / 1024.0
            );
        } else {
            println!(
                "the start-up child failed: {text} {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|arg| arg == "--startup-child") {
        child(Path::new(&args[at + 1]));
        return;
    }
    let number = |name: &str, default: usize| {
        args.iter()
            .position(|arg| arg == name)
            .and_then(|at| args.get(at + 1)?.parse().ok())
            .unwrap_or(default)
    };
    reload_latency(number("--swaps", 60));
    startup(1);
    startup(number("--orgs", 1000));
}
