//! One org's sleeping plug-in against another org's latency, on a real
//! server: the `calm` org posts leads from 4 connections, first alone, then
//! while the `hostile` org has 200 requests in flight whose lead definition
//! (the `blocker` fixture) calls `std::thread::sleep` for `--sleep` seconds.
//!
//! Run: `cargo bench -p leadhost-tests --bench containment` (optionally
//! `-- --leads 200 --attackers 200 --sleep 10`). Prints the calm org's
//! p50/p99/max and its failures before and during the attack, and how the
//! hostile requests ended. Client and server share the machine's cores.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use leadhost::api::HttpLimits;
use leadhost::auth;
use leadhost::model::Rep;
use leadhost::runtime::Slot;
use leadhost::setup::{Host, Options};
use leadhost_tests::fixtures;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|arg| arg == name)
        .and_then(|at| args.get(at + 1))
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

struct Setup {
    address: SocketAddr,
    calm: String,
    hostile: String,
}

fn start() -> (
    Setup,
    tokio::sync::oneshot::Sender<()>,
    std::thread::JoinHandle<()>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let host = Host::open(dir.path(), Options::default()).expect("open the data folder");
    let now = host.engine.now();
    let mut tokens = Vec::new();
    for org in ["calm", "hostile"] {
        host.create_org(org, org).expect("create the org");
        let rep: Rep = serde_json::from_value(serde_json::json!({
            "id": "ana", "territories": ["DE"], "capacity": 1_000_000
        }))
        .unwrap();
        host.engine.put_rep(org, rep).expect("add a rep");
        tokens.push(
            auth::issue(host.engine.store().as_ref(), Some(org), now)
                .unwrap()
                .token,
        );
    }
    let blocker = std::fs::read(fixtures::FIXTURE_BLOCKER_PATH).expect("the blocker fixture");
    host.plugins
        .install("hostile", Slot::LeadDefinition, "blocker", &blocker)
        .expect("install the blocker");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (bound, address) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            bound.send(listener.local_addr().unwrap()).unwrap();
            let _ = leadhost::server::run(host, listener, HttpLimits::default(), async move {
                let _ = stopped.await;
            })
            .await;
        });
    });
    let address = address.recv().unwrap();
    let hostile = tokens.pop().unwrap();
    let calm = tokens.pop().unwrap();
    (
        Setup {
            address,
            calm,
            hostile,
        },
        stop,
        thread,
        dir,
    )
}

/// Posts `count` calm leads from 4 connections: sorted latencies and failures.
fn calm_leads(setup: &Setup, run: &str, count: usize) -> (Vec<Duration>, usize) {
    let results: Vec<(Duration, bool)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|worker| {
                scope.spawn(move || {
                    let client = reqwest::blocking::Client::builder()
                        .timeout(Duration::from_secs(120))
                        .build()
                        .unwrap();
                    (worker..count)
                        .step_by(4)
                        .map(|n| {
                            let started = Instant::now();
                            let ok = client
                                .post(format!("http://{}/v1/orgs/calm/leads", setup.address))
                                .bearer_auth(&setup.calm)
                                .json(&serde_json::json!({
                                    "email": format!("{run}{n}@calm.example"), "country": "DE",
                                    "budget": 80000, "authority": "decision-maker",
                                    "need": "high", "timeline_days": 30
                                }))
                                .send()
                                .is_ok_and(|response| response.status().as_u16() == 201);
                            (started.elapsed(), ok)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap())
            .collect()
    });
    let failures = results.iter().filter(|(_, ok)| !ok).count();
    let mut latencies: Vec<Duration> = results.into_iter().map(|(took, _)| took).collect();
    latencies.sort();
    (latencies, failures)
}

fn report(label: &str, (latencies, failures): &(Vec<Duration>, usize)) {
    let at = |q: usize| latencies[(latencies.len() * q / 100).min(latencies.len() - 1)];
    println!(
        "{label:<28} p50 {:>9.1?}  p99 {:>9.1?}  max {:>9.1?}  failed {failures} of {}",
        at(50),
        at(99),
        latencies.last().unwrap(),
        latencies.len()
    );
}

fn main() {
    let (leads, attackers, sleep) = (
        arg("--leads", 200),
        arg("--attackers", 200),
        arg("--sleep", 10),
    );
    let (setup, stop, thread, _dir) = start();
    calm_leads(&setup, "warm", 20);
    let before = calm_leads(&setup, "before", leads);
    let started = Instant::now();
    let (during, hostile) = std::thread::scope(|scope| {
        let attacks: Vec<_> = (0..attackers)
            .map(|n| {
                let setup = &setup;
                scope.spawn(move || {
                    let client = reqwest::blocking::Client::builder()
                        .timeout(Duration::from_secs(300))
                        .build()
                        .unwrap();
                    let started = Instant::now();
                    let status = client
                        .post(format!("http://{}/v1/orgs/hostile/leads", setup.address))
                        .bearer_auth(&setup.hostile)
                        .json(&serde_json::json!({
                            "email": format!("sleeper{n}@hostile.example"),
                            "custom": { "mode": "sleep", "seconds": sleep }
                        }))
                        .send()
                        .map_or(0, |response| response.status().as_u16());
                    (status, started.elapsed())
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(200));
        let during = calm_leads(&setup, "during", leads);
        let hostile: Vec<(u16, Duration)> =
            attacks.into_iter().map(|a| a.join().unwrap()).collect();
        (during, hostile)
    });
    println!(
        "calm org, {leads} leads from 4 connections; hostile org, {attackers} requests sleeping {sleep} s:"
    );
    report("calm, alone", &before);
    report("calm, during the attack", &during);
    let mut statuses = std::collections::BTreeMap::new();
    for (status, _) in &hostile {
        *statuses.entry(*status).or_insert(0) += 1;
    }
    let slowest = hostile
        .iter()
        .map(|(_, took)| *took)
        .max()
        .unwrap_or_default();
    println!(
        "hostile answers by status {statuses:?}, slowest {slowest:.1?}; attack phase {:.1?}",
        started.elapsed()
    );
    let _ = stop.send(());
    let _ = thread.join();
}
