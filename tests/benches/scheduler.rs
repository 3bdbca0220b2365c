//! The nurture scheduler: `--scheduled` leads (1,000,000 by default) wait
//! on the first-party track in a real sled store; the clock moves so that
//! `--due` of them (20,000) come due, and `run_due` — what the server's wake
//! loop calls — takes them in time order: track plug-in call, touch to the
//! outbox, new state and wake-up, one durable commit each. Prints due leads
//! processed per second, the process's resident memory with the leads
//! scheduled, and the store's size.
//!
//! Run: `cargo bench -p leadhost-tests --bench scheduler` (optionally
//! `-- --scheduled 1000000 --due 20000`). Loading a million leads takes
//! about a minute (written directly to the store, no plug-in calls).

use std::sync::Arc;
use std::time::Instant;

use leadhost::clock::ManualClock;
use leadhost::engine::{Engine, EngineConfig};
use leadhost::model::{Lead, Qualification, Stage, TrackState};
use leadhost::plugins::Registry;
use leadhost::runtime::{Runtime, RuntimeConfig};
use leadhost::store::{
    Commit, Durability, LeadRecord, LeadStage, OrgRecord, SledOptions, SledStore, Store,
};

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| {
            value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .unwrap_or(0.0)
        / 1024.0
}

fn number(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|arg| arg == name)
        .and_then(|at| args.get(at + 1)?.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scheduled = number(&args, "--scheduled", 1_000_000);
    let due = number(&args, "--due", 20_000).min(scheduled);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let start: leadhost::model::Time = "2026-11-24T09:00:00Z".parse().unwrap();

    // Load: every lead on the education track, one wake-up a second apart.
    let loading = Instant::now();
    {
        let store = SledStore::open_with(
            dir.path(),
            SledOptions {
                durability: Durability::Relaxed,
                ..SledOptions::default()
            },
        )
        .expect("open");
        store
            .put_org(&OrgRecord {
                id: "bench".into(),
                name: "Bench".into(),
                created_at: start,
            })
            .expect("org");
        for n in 0..scheduled {
            let id = store.new_lead_id("bench").expect("id");
            let email = format!("lead{n}@fjord.example");
            let lead: Lead = serde_json::from_value(serde_json::json!({
                "id": id, "email": email, "country": "NO", "need": "low",
                "created_at": start
            }))
            .expect("a lead");
            let wake = start + chrono::Duration::seconds(n as i64 + 1);
            let mut record = LeadRecord::new("bench", lead, start);
            record.stage = LeadStage::Nurturing {
                track: "education".into(),
                step: 0,
            };
            record.qualification = Some(Qualification {
                stage: Stage::Nurture,
                score: 20,
                segment: Some("early-interest".into()),
                track: Some("education".into()),
                reasons: vec!["early interest".into()],
            });
            record.track = Some(TrackState {
                track: "education".into(),
                step: 0,
                data: String::new(),
            });
            record.wake_at = Some(wake);
            store
                .commit(Commit {
                    email: Some((email, id)),
                    schedule: vec![wake],
                    lead: Some(record),
                    ..Commit::default()
                })
                .expect("commit");
        }
        store.flush().expect("flush");
    }
    println!(
        "loaded {scheduled} scheduled leads in {:.0} s",
        loading.elapsed().as_secs_f64()
    );

    let store = SledStore::open(dir.path(), Durability::Flush).expect("reopen");
    let runtime = Runtime::new(RuntimeConfig::default()).expect("runtime");
    let plugins = Registry::new();
    plugins
        .activate_builtins("bench", &runtime, start)
        .expect("plug-ins");
    let clock = ManualClock::new(start + chrono::Duration::seconds(due as i64));
    let engine = Engine::new(
        Arc::new(store.clone()),
        plugins,
        Arc::new(clock),
        EngineConfig::default(),
    );
    let rss = rss_mib();
    let processing = Instant::now();
    let mut woken = 0;
    loop {
        let batch = engine.run_due(500).expect("run due");
        woken += batch;
        if batch < 500 {
            break;
        }
    }
    let seconds = processing.elapsed().as_secs_f64();
    println!(
        "scheduler: {woken} due leads of {scheduled} scheduled processed in {seconds:.1} s → {:.0} leads/s (durable, first-party track, one thread)",
        woken as f64 / seconds
    );
    println!(
        "resident memory with {scheduled} leads scheduled: {rss:.0} MiB before the run, {:.0} MiB after; store {:.0} MiB on disk",
        rss_mib(),
        store.size_on_disk().expect("size") as f64 / (1 << 20) as f64
    );
}
