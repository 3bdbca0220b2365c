//! Scaling out: durable `POST /v1/orgs/{org}/leads` against 1, 2 and 3
//! hosts on one PostgreSQL database, beside one host on sled, in one run,
//! same plug-ins, same leads. Each host is what `leadhost serve --store`
//! runs (`server::run` on a `Host` opened with the database's URL), on a
//! runtime of its own in this process, all sharing one data folder; the
//! client sends request `n` to host `n mod N`.
//!
//! Run: `cargo bench -p leadhost-tests --bench scaleout -- --database
//! postgres://USER@127.0.0.1:PORT/DB` (an empty database on a server with
//! its durable defaults, so the figures compare with sled flushing; without
//! `--database` a throwaway cluster with `fsync=off` is started and the
//! figures say so). Optionally `--requests N --connections C`. Prints
//! leads/s and p50/p99 per configuration, PostgreSQL's transactions per
//! lead (`pg_stat_database.xact_commit`, each read outside a transaction
//! counting as one) and the hosts' round trips to it per lead (their own
//! count, `leadhost_postgres_round_trips_total`, by kind). On one machine every host shares the same
//! cores with the database and the client: the figures show what the hosts
//! cost each other here, not what three machines would do.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use leadhost::api::HttpLimits;
use leadhost::auth;
use leadhost::model::Rep;
use leadhost::setup::{Host, Options};

/// A lead: sales-ready, nurtured or discarded in equal parts, all new.
/// The kind turns with `n + n / 3`, not `n`: request `n` goes to host
/// `n mod N`, and with three hosts `n mod 3` would send every sales-ready
/// lead to one host, hiding what routing on several hosts at once costs.
fn lead(config: usize, n: usize) -> serde_json::Value {
    match (n + n / 3) % 3 {
        0 => serde_json::json!({
            "email": format!("lead{config}-{n}@northwind{n}.example"), "company": "Northwind",
            "country": "DE", "source": "webinar", "budget": 50000,
            "authority": "decision-maker", "need": "high", "timeline_days": 30
        }),
        1 => serde_json::json!({
            "email": format!("lead{config}-{n}@fjord.example"), "country": "NO",
            "need": "medium", "authority": "influencer", "source": "content"
        }),
        _ => serde_json::json!({
            "email": format!("lead{config}-{n}@uni-hamburg.edu"), "title": "Student",
            "source": "organic"
        }),
    }
}

/// One host serving on its own runtime and thread; stopped when dropped.
struct Serving {
    address: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Serving {
    fn start(host: Host) -> Self {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (bound, address) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind loopback");
                bound.send(listener.local_addr().unwrap()).unwrap();
                leadhost::server::run(host, listener, HttpLimits::default(), async move {
                    let _ = stopped.await;
                })
                .await
                .expect("serve");
            });
        });
        Serving {
            address: address.recv().expect("the server binds"),
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `hosts` hosts on one data folder (and `database`, else sled), with an
/// org of its own for this configuration, its reps and a token.
fn start(
    dir: &std::path::Path,
    database: Option<&str>,
    org: &str,
    hosts: usize,
) -> (Vec<Serving>, String) {
    let options = || Options {
        database: database.map(str::to_string),
        ..Options::default()
    };
    let first = Host::open(dir, options()).expect("open the data folder");
    first.create_org(org, org).expect("create the org");
    for (id, country) in [("ana", "DE"), ("ben", "DE"), ("ola", "NO"), ("dev", "US")] {
        let rep: Rep = serde_json::from_value(serde_json::json!({
            "id": id, "territories": [country], "capacity": 1_000_000
        }))
        .expect("a rep");
        first.engine.put_rep(org, rep).expect("add a rep");
    }
    let now = first.engine.now();
    let token = auth::issue(first.engine.store().as_ref(), Some(org), now)
        .expect("a token")
        .token;
    let mut serving = vec![Serving::start(first)];
    for _ in 1..hosts {
        let host = Host::open(dir, options()).expect("open another host");
        serving.push(Serving::start(host));
    }
    (serving, token)
}

/// What one configuration measured.
struct Measured {
    rate: f64,
    latencies: Vec<Duration>,
    failures: usize,
}

/// Sends `requests` leads over `connections` connections (each one at a
/// time), request `n` to host `n mod hosts`.
async fn drive(
    hosts: &[Serving],
    token: &str,
    org: &str,
    config: usize,
    requests: usize,
    connections: usize,
) -> Measured {
    let urls: Arc<Vec<String>> = Arc::new(
        hosts
            .iter()
            .map(|host| format!("http://{}/v1/orgs/{org}/leads", host.address))
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let client = reqwest::Client::new();
            let (urls, token, next) = (urls.clone(), token.to_string(), next.clone());
            tokio::spawn(async move {
                let (mut latencies, mut failures) = (Vec::new(), 0);
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= requests {
                        break;
                    }
                    let sent = Instant::now();
                    let response = client
                        .post(&urls[n % urls.len()])
                        .bearer_auth(&token)
                        .json(&lead(config, n))
                        .send()
                        .await;
                    match response {
                        Ok(response) if response.status().as_u16() == 201 => {
                            let _ = response.bytes().await;
                            latencies.push(sent.elapsed());
                        }
                        _ => failures += 1,
                    }
                }
                (latencies, failures)
            })
        })
        .collect();
    let (mut latencies, mut failures) = (Vec::with_capacity(requests), 0);
    for task in tasks {
        let (mine, failed) = task.await.expect("a client task");
        latencies.extend(mine);
        failures += failed;
    }
    let rate = latencies.len() as f64 / started.elapsed().as_secs_f64();
    latencies.sort();
    Measured {
        rate,
        latencies,
        failures,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[at].as_secs_f64() * 1000.0
}

/// The round trips every host of this process has made to the database so
/// far, by kind (`read`, `transaction`, `prepare`), from the process's
/// metrics (`leadhost_postgres_round_trips_total`): the hosts' own count
/// of each wait on the database, the background work (delivery, the
/// nurture scheduler, plug-in notices) included.
fn round_trips() -> std::collections::BTreeMap<String, f64> {
    let mut kinds = std::collections::BTreeMap::new();
    for line in leadhost::api::recorder().render().lines() {
        let Some(rest) = line.strip_prefix("leadhost_postgres_round_trips_total{kind=\"") else {
            continue;
        };
        let Some((kind, value)) = rest.split_once("\"} ") else {
            continue;
        };
        if let Ok(value) = value.trim().parse::<f64>() {
            kinds.insert(kind.to_string(), value);
        }
    }
    kinds
}

/// Transactions committed in the database so far.
async fn transactions(url: &str) -> i64 {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect to count transactions");
    tokio::spawn(connection);
    client
        .query_one(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
            &[],
        )
        .await
        .expect("pg_stat_database")
        .get(0)
}

fn arg<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    args.iter()
        .position(|arg| arg == name)
        .and_then(|at| args.get(at + 1)?.parse().ok())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let requests: usize = arg(&args, "--requests").unwrap_or(3_000);
    let connections: usize = arg(&args, "--connections").unwrap_or(16);
    let (url, durable) = match arg::<String>(&args, "--database") {
        Some(url) => (url, true),
        None => (leadhost_store_postgres::test_server::database(), false),
    };
    let client = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    println!(
        "Scaling out: POST /v1/orgs/{{org}}/leads on loopback, durable, {requests} requests over {connections} connections, first-party plug-ins; PostgreSQL {}",
        if durable {
            "as given (--database)"
        } else {
            "throwaway with fsync=off: NOT comparable with sled"
        }
    );
    let configs: [(&str, Option<&str>, usize); 4] = [
        ("sled, 1 host", None, 1),
        ("postgres, 1 host", Some(&url), 1),
        ("postgres, 2 hosts", Some(&url), 2),
        ("postgres, 3 hosts", Some(&url), 3),
    ];
    for (config, (name, database, hosts)) in configs.into_iter().enumerate() {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
        // An org of its own per run too: a database given with
        // `--database` keeps the orgs of earlier runs.
        let org = format!("scale{config}-{}", std::process::id());
        let (serving, token) = start(dir.path(), database, &org, hosts);
        // Warm up: connections, plug-in instances, prepared statements.
        client.block_on(drive(&serving, &token, &org, config + 100, 300, 4));
        let before = database.map(|url| client.block_on(transactions(url)));
        let trips_before = round_trips();
        let measured =
            client.block_on(drive(&serving, &token, &org, config, requests, connections));
        let trips = round_trips();
        let per_lead = before.map(|before| {
            let after = client.block_on(transactions(database.unwrap()));
            (after - before) as f64 / requests as f64
        });
        let trips: Vec<(String, f64)> = trips
            .into_iter()
            .map(|(kind, after)| {
                let before = trips_before.get(&kind).copied().unwrap_or(0.0);
                (kind, (after - before) / requests as f64)
            })
            .collect();
        let trips_per_lead: f64 = trips.iter().map(|(_, per_lead)| per_lead).sum();
        println!(
            "  {name:<18} {:>6.0} leads/s   p50 {:>6.2} ms   p99 {:>7.2} ms   failed {}{}",
            measured.rate,
            percentile(&measured.latencies, 0.50),
            percentile(&measured.latencies, 0.99),
            measured.failures,
            per_lead
                .map(|per_lead| format!(
                    "   {per_lead:.1} transactions/lead   {trips_per_lead:.2} round trips/lead ({})",
                    trips
                        .iter()
                        .map(|(kind, per_lead)| format!("{kind} {per_lead:.2}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .unwrap_or_default()
        );
        drop(serving);
    }
}
