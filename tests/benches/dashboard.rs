//! The dashboard's pages with real volume: a demo org seeded by
//! `leadhost seed-history` with ~100,000 leads over a year, served by the
//! real server on loopback, each page fetched whole (signed in, as a
//! browser's first request for it) and timed. The target: every page ready
//! in under 300 ms.
//!
//! Run: `cargo bench -p leadhost-tests --bench dashboard` (optionally
//! `-- --leads N --rounds R --data DIR`; with `--data` an existing folder
//! is reused, so the seeding, about a minute, runs once). Prints p50 and
//! max per page, with its size.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use leadhost::api::HttpLimits;
use leadhost::auth;
use leadhost::server::Listeners;
use leadhost::setup::{Host, Options};
use reqwest::blocking::Client;

fn arg<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    let at = args.iter().position(|arg| arg == name)?;
    args.get(at + 1)?.parse().ok()
}

/// Seeds `leads` leads over 52 weeks into `dir` (unless it has them).
fn seed(dir: &std::path::Path, leads: u32) {
    if dir.join("orgs").exists() {
        println!("reusing {}", dir.display());
        return;
    }
    let started = Instant::now();
    let seeded = leadhost::cli::seed_history(&leadhost::cli::SeedHistoryArgs {
        org: "demo".into(),
        weeks: 52,
        leads_per_week: leads.div_ceil(52),
        data_dir: dir.to_path_buf(),
    })
    .expect("seed the history");
    println!(
        "seeded {} leads ({} won, {} lost) in {:.0} s",
        seeded.leads,
        seeded.won,
        seeded.lost,
        started.elapsed().as_secs_f64()
    );
}

/// Serves `dir` on loopback until the process ends; its address and the
/// demo org's token.
fn serve(dir: &std::path::Path) -> (SocketAddr, String) {
    let host = Host::open(dir, Options::default()).expect("open the data folder");
    let token = auth::issue(
        host.engine.store().as_ref(),
        Some("demo"),
        host.engine.now(),
    )
    .expect("a token")
    .token;
    let (bound, address) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            bound.send(listener.local_addr().unwrap()).unwrap();
            let listeners = Listeners {
                api: listener,
                metrics: None,
            };
            let forever = std::future::pending::<()>();
            leadhost::server::serve(host, listeners, HttpLimits::default(), None, forever)
                .await
                .expect("serve");
        });
    });
    (address.recv().expect("the server binds"), token)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let leads: u32 = arg(&args, "--leads").unwrap_or(100_000);
    let rounds: usize = arg(&args, "--rounds").unwrap_or(20);
    let temporary = tempfile::tempdir().expect("a temporary folder");
    let dir: PathBuf = arg(&args, "--data").unwrap_or_else(|| temporary.path().to_path_buf());
    seed(&dir, leads);
    let (address, token) = serve(&dir);
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let url = |path: &str| format!("http://{address}{path}");
    let signed_in = client
        .post(url("/"))
        .form(&[("token", &token)])
        .send()
        .unwrap();
    assert_eq!(signed_in.status().as_u16(), 303, "signed in");
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let get = |path: &str| {
        let started = Instant::now();
        let response = client
            .get(url(path))
            .header("cookie", &cookie)
            .send()
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let bytes = response.bytes().unwrap().len();
        (started.elapsed(), bytes)
    };
    // A lead from the middle of the store, for its page and the e-mail search.
    let listing = client
        .get(url("/v1/orgs/demo/leads?limit=1&cursor=ld-0000050000"))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json::<serde_json::Value>()
        .unwrap();
    let lead = &listing["leads"][0];
    let (id, email) = (
        lead["id"].as_str().unwrap(),
        lead["email"].as_str().unwrap(),
    );
    let pages = [
        ("funnel (/)", "/".to_string()),
        (
            "funnel, last 4 weeks",
            "/orgs/demo/funnel?from=2026-11-01".into(),
        ),
        ("leads, first page", "/orgs/demo/leads".into()),
        ("leads, stage won", "/orgs/demo/leads?stage=won".into()),
        (
            "leads, owner no one has (scans all)",
            "/orgs/demo/leads?owner=nobody".into(),
        ),
        (
            "leads, by e-mail",
            format!("/orgs/demo/leads?email={email}"),
        ),
        ("lead page", format!("/orgs/demo/leads/{id}")),
        ("plug-ins", "/orgs/demo/plugins".into()),
        ("backtests & shadows", "/orgs/demo/lab".into()),
        ("reps (scans all for SLA lapses)", "/orgs/demo/reps".into()),
        ("tasks", "/orgs/demo/tasks".into()),
        ("deliveries", "/orgs/demo/deliveries".into()),
    ];
    println!("dashboard pages, {leads} leads, {rounds} rounds each, one at a time on loopback");
    for (name, path) in &pages {
        get(path);
        let mut times: Vec<Duration> = Vec::with_capacity(rounds);
        let mut size = 0;
        for _ in 0..rounds {
            let (took, bytes) = get(path);
            times.push(took);
            size = bytes;
        }
        times.sort();
        println!(
            "  {name:<38} p50 {:>7.1} ms   max {:>7.1} ms   {:>6.1} KiB",
            times[times.len() / 2].as_secs_f64() * 1e3,
            times[times.len() - 1].as_secs_f64() * 1e3,
            size as f64 / 1024.0
        );
    }
}
