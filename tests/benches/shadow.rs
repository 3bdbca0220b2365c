//! The live path's latency with a shadow version beside it: each lead's
//! ingest (to a durable decision) timed on one thread, p50 and p99, with no
//! shadow, with a shadow component, and with a shadow admin script (the
//! script host, ~10× the component's cost a call). A shadow runs after the
//! live decision on a worker of its own and never on the acknowledgement's
//! path, so live p99 should not move beyond noise.
//!
//! Run: `cargo bench -p leadhost-tests --bench shadow` (optionally
//! `-- --leads N`, default 3,000). The store is a real sled folder under
//! `target/`, durable (group commit) as a server runs it.

use std::time::{Duration, Instant};

use leadhost::builtin::BANT_QUALIFIER;
use leadhost::engine::LeadSubmission;
use leadhost::runtime::Slot;
use leadhost::setup::{Host, Options};
use leadhost::store::Activation;

fn submission(n: usize) -> LeadSubmission {
    let json = match n % 3 {
        0 => serde_json::json!({"email": format!("lead{n}@northwind.example"), "country": "DE",
            "budget": 50000, "authority": "decision-maker", "need": "high", "timeline_days": 30}),
        1 => serde_json::json!({"email": format!("lead{n}@fjord.example"), "country": "NO",
            "budget": 50000, "need": "high", "authority": "influencer"}),
        _ => serde_json::json!({"email": format!("lead{n}@uni-hamburg.edu"), "title": "Student"}),
    };
    serde_json::from_value(json).expect("a valid submission")
}

/// Org `bench` with, when `shadow` names a file and its bytes, that file
/// as its lead definition's shadow.
fn open(dir: &std::path::Path, shadow: ShadowFile) -> Host {
    let host = Host::open(dir, Options::default()).expect("open");
    host.create_org("bench", "Bench").expect("org");
    if let Some((file, bytes)) = shadow {
        let folder = host.plugins.folders().org_dir("bench");
        std::fs::write(folder.join(file), bytes).expect("write the shadow");
        let org_file = std::fs::read_to_string(folder.join("org.toml")).expect("org.toml");
        let edited = org_file.replace(
            "component = \"bant-qualifier.wasm\"",
            &format!(
                "component = \"bant-qualifier.wasm\"\nshadow = \"{file}\"\nshadow_config = {{ sales-ready-score = 85 }}"
            ),
        );
        assert_ne!(edited, org_file, "the lead definition's entry is found");
        std::fs::write(folder.join("org.toml"), edited).expect("edit org.toml");
        host.plugins
            .reload("bench", Activation::File)
            .expect("reload");
    }
    host
}

/// A shadow file's name and bytes.
type ShadowFile<'a> = Option<(&'a str, &'a [u8])>;

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * fraction).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let leads = args
        .iter()
        .position(|arg| arg == "--leads")
        .and_then(|at| args.get(at + 1)?.parse().ok())
        .unwrap_or(3_000);
    let script = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../plugins/script/examples/qualify.rhai"),
    )
    .expect("the example script");
    // The same component under another name: a shadow of the live rule
    // with a stricter threshold (its config), so verdicts differ.
    let runs: [(&str, ShadowFile); 3] = [
        ("no shadow", None),
        (
            "shadow component",
            Some(("strict-bant.wasm", BANT_QUALIFIER.bytes)),
        ),
        ("shadow script", Some(("qualify.rhai", &script))),
    ];
    println!("live ingest latency, one thread, durable, {leads} leads per run");
    for (label, shadow) in runs {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
        let host = open(dir.path(), shadow);
        // Warm the compile cache and the store before timing.
        for n in 0..50 {
            host.engine
                .ingest("bench", submission(leads + n), "bench")
                .expect("ingest");
        }
        let started = Instant::now();
        let mut times: Vec<Duration> = (0..leads)
            .map(|n| {
                let call = Instant::now();
                host.engine
                    .ingest("bench", submission(n), "bench")
                    .expect("ingest");
                call.elapsed()
            })
            .collect();
        let took = started.elapsed();
        times.sort_unstable();
        let shadowed = match shadow {
            None => String::new(),
            Some(_) => {
                // Let the shadow worker catch up, then read what it did.
                std::thread::sleep(Duration::from_millis(500));
                let report = host
                    .engine
                    .shadow_report("bench", Slot::LeadDefinition)
                    .expect("report");
                assert!(report.shadow.is_some(), "the shadow runs: {report:?}");
                format!(
                    "; shadow decisions {} (last 10,000 kept), dropped {}",
                    report.total, report.dropped
                )
            }
        };
        println!(
            "  {label:<18} p50 {:>6.0} µs  p99 {:>6.0} µs  {:>6.0} leads/s{shadowed}",
            percentile(&times, 0.5).as_secs_f64() * 1e6,
            percentile(&times, 0.99).as_secs_f64() * 1e6,
            leads as f64 / took.as_secs_f64()
        );
    }
}
