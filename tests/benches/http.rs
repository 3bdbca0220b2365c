//! HTTP load: `POST /v1/orgs/{org}/leads` from many concurrent keep-alive
//! connections on loopback against a real server (the same `server::run`
//! that `leadhost serve` runs) on a real sled folder with durability on:
//! a 201 is sent only after the lead and its decisions are flushed.
//!
//! Run: `cargo bench -p leadhost-tests --bench http` (optionally
//! `-- --requests N --connections 1,16,64`). Prints requests/s and the
//! p50/p99/max latency per level of concurrency. Client and server share
//! the machine's cores, so the figures are a floor for a server alone.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use leadhost::api::HttpLimits;
use leadhost::auth;
use leadhost::engine::LeadSubmission;
use leadhost::model::Rep;
use leadhost::setup::{Host, Options};

/// The body of the `n`th request: sales-ready, nurture and discard verdicts
/// in equal parts, every lead new (duplicates are the engine bench's job).
fn lead(run: usize, n: usize) -> serde_json::Value {
    match n % 3 {
        0 => serde_json::json!({
            "email": format!("lead{run}-{n}@northwind.example"), "company": "Northwind",
            "country": "DE", "source": "webinar", "budget": 50000,
            "authority": "decision-maker", "need": "high", "timeline_days": 30
        }),
        1 => serde_json::json!({
            "email": format!("lead{run}-{n}@fjord.example"), "country": "NO",
            "need": "medium", "authority": "influencer", "source": "content"
        }),
        _ => serde_json::json!({
            "email": format!("lead{run}-{n}@uni-hamburg.edu"), "title": "Student",
            "source": "organic"
        }),
    }
}

/// The product, or one of the ceilings beside it: the same stack (axum,
/// tokio, serde, sled) doing less, so the figures say how close leadhost
/// is to its own stack's limit.
#[derive(Clone, Copy, PartialEq)]
enum Serving {
    /// `server::run`, what `leadhost serve` runs.
    Leadhost,
    /// An axum handler that parses the submission and answers 201 without
    /// storing it.
    ParseOnly,
    /// The same, storing the submission's JSON in sled and answering after
    /// a flush covering it.
    SledFlush,
}

/// A server on its own runtime, stopped when dropped.
struct Server {
    address: SocketAddr,
    token: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Runs `serve` on its own multi-threaded runtime and thread, with a
    /// listener on a loopback port and the signal to stop.
    fn on_thread<F, Fut>(dir: tempfile::TempDir, token: String, serve: F) -> Self
    where
        F: FnOnce(tokio::net::TcpListener, tokio::sync::oneshot::Receiver<()>) -> Fut
            + Send
            + 'static,
        Fut: std::future::Future<Output = ()>,
    {
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
                serve(listener, stopped).await;
            });
        });
        Server {
            address: address.recv().expect("the server binds"),
            token,
            stop: Some(stop),
            thread: Some(thread),
            _dir: dir,
        }
    }

    /// A ceiling server (see [`Serving`]) on the same kind of runtime.
    fn ceiling(serving: Serving) -> Self {
        use axum::routing::post;
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
        let db = sled::open(dir.path().join("ceiling")).expect("open sled");
        let store = serving == Serving::SledFlush;
        Server::on_thread(dir, String::new(), move |listener, stopped| async move {
            let app = axum::Router::new().route(
                "/v1/orgs/bench/leads",
                post(move |axum::Json(lead): axum::Json<LeadSubmission>| {
                    let db = db.clone();
                    async move {
                        if store {
                            let key = db.generate_id().expect("an id").to_be_bytes();
                            let value = serde_json::to_vec(&lead).expect("JSON");
                            db.insert(key, value).expect("insert");
                            // `flush_async` from many tasks at once never
                            // completed here (sled 0.34): a blocking flush
                            // each, as the product's.
                            tokio::task::spawn_blocking(move || db.flush())
                                .await
                                .expect("the flush thread")
                                .expect("flush");
                        }
                        (axum::http::StatusCode::CREATED, axum::Json(lead))
                    }
                }),
            );
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
                .expect("serve");
        })
    }

    fn start() -> Self {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
        let host = Host::open(dir.path(), Options::default()).expect("open the data folder");
        host.create_org("bench", "Bench").expect("create the org");
        for (id, country) in [("ana", "DE"), ("ben", "DE"), ("ola", "NO"), ("dev", "US")] {
            let rep: Rep = serde_json::from_value(serde_json::json!({
                "id": id, "territories": [country], "capacity": 1_000_000
            }))
            .expect("a rep");
            host.engine.put_rep("bench", rep).expect("add a rep");
        }
        let now = host.engine.now();
        let token = auth::issue(host.engine.store().as_ref(), Some("bench"), now)
            .expect("a token")
            .token;
        Server::on_thread(dir, token, move |listener, stopped| async move {
            leadhost::server::run(host, listener, HttpLimits::default(), async move {
                let _ = stopped.await;
            })
            .await
            .expect("serve");
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What one level of concurrency measured.
struct Level {
    rate: f64,
    latencies: Vec<Duration>,
    failures: usize,
}

/// Sends `requests` leads over `connections` connections, each connection
/// one request at a time (a closed loop, as a client pool would).
async fn drive(server: &Server, run: usize, requests: usize, connections: usize) -> Level {
    let url = format!("http://{}/v1/orgs/bench/leads", server.address);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        // One client per task: one keep-alive connection each.
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()
            .expect("client");
        let (url, token, next) = (url.clone(), server.token.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0;
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= requests {
                    break;
                }
                let sent = Instant::now();
                let response = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&lead(run, n))
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
        }));
    }
    let mut latencies = Vec::with_capacity(requests);
    let mut failures = 0;
    for task in tasks {
        let (mine, failed) = task.await.expect("a client task");
        latencies.extend(mine);
        failures += failed;
    }
    let rate = latencies.len() as f64 / started.elapsed().as_secs_f64();
    latencies.sort();
    Level {
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

fn arg<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    args.iter()
        .position(|arg| arg == name)
        .and_then(|at| args.get(at + 1)?.parse().ok())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let requests: usize = arg(&args, "--requests").unwrap_or(3_000);
    let levels: Vec<usize> = arg::<String>(&args, "--connections")
        .unwrap_or_else(|| "1,16,64".into())
        .split(',')
        .filter_map(|level| level.trim().parse().ok())
        .collect();
    let client = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    println!(
        "HTTP load: POST /v1/orgs/bench/leads on loopback, durable (flushed before 201), {requests} requests a level, first-party plug-ins"
    );
    for (serving, name) in [
        (Serving::Leadhost, "leadhost"),
        (Serving::ParseOnly, "ceiling: parse and answer"),
        (Serving::SledFlush, "ceiling: parse, sled insert, flush"),
    ] {
        if serving != Serving::Leadhost && args.iter().any(|arg| arg == "--no-ceiling") {
            continue;
        }
        println!("{name}");
        let server = match serving {
            Serving::Leadhost => Server::start(),
            ceiling => Server::ceiling(ceiling),
        };
        // Warm up: connections, the plug-ins' instances, sled's first segments.
        client.block_on(drive(&server, 0, 200, 4));
        for (run, &connections) in levels.iter().enumerate() {
            let level = client.block_on(drive(&server, run + 1, requests, connections));
            println!(
                "  {connections:>4} connection(s): {:>6.0} req/s   p50 {:>6.2} ms   p99 {:>7.2} ms   max {:>7.2} ms   failed {}",
                level.rate,
                percentile(&level.latencies, 0.50),
                percentile(&level.latencies, 0.99),
                percentile(&level.latencies, 1.0),
                level.failures
            );
        }
        if serving == Serving::Leadhost {
            let batch = client.block_on(batches(&server, requests.max(10_000)));
            println!(
                "  POST …/leads/batch, 1,000 leads a request, 2 connections: {batch:>6.0} leads/s"
            );
        }
    }
}

/// Sends `leads` new leads as batches of 1,000 over two connections;
/// returns leads/s (every item checked created).
async fn batches(server: &Server, leads: usize) -> f64 {
    let url = format!("http://{}/v1/orgs/bench/leads/batch", server.address);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let (url, token, next) = (url.clone(), server.token.clone(), next.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                loop {
                    let first = next.fetch_add(1_000, Ordering::Relaxed);
                    if first >= leads {
                        break;
                    }
                    let items: Vec<_> = (first..(first + 1_000).min(leads))
                        .map(|n| lead(999, n))
                        .collect();
                    let response = client
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&items)
                        .send()
                        .await
                        .expect("a batch answer");
                    assert_eq!(response.status().as_u16(), 200, "a batch failed");
                    let body: serde_json::Value = response.json().await.expect("JSON");
                    assert_eq!(body["created"], items.len(), "{body}");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a batch task");
    }
    leads as f64 / started.elapsed().as_secs_f64()
}
