//! A real `leadhost` server on 127.0.0.1 with an ephemeral port, on a data
//! folder of its own; it stops (gracefully) when dropped.

use std::net::SocketAddr;
use std::sync::mpsc;

use leadhost::api::{HttpLimits, MetricsToken};
use leadhost::auth;
use leadhost::server::{Background, Listeners};
use leadhost::setup::{DEMO_ORG, Host, Options};
use reqwest::blocking::{Client, RequestBuilder, Response};
use serde_json::Value;

/// A running server and the tokens to talk to it.
pub struct TestServer {
    /// Where it listens.
    pub address: SocketAddr,
    /// Where it serves `/metrics` alone, when started with a metrics listener.
    pub metrics_address: Option<SocketAddr>,
    /// The admin token.
    pub admin: String,
    /// The demo org's token.
    pub demo: String,
    /// The opened data folder (shared with the server).
    pub host: Host,
    /// A client for it.
    pub client: Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), leadhost::server::ServeError>>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server with default limits.
    pub fn start() -> Self {
        TestServer::start_with(HttpLimits::default())
    }

    /// Starts a server with these request limits.
    pub fn start_with(limits: HttpLimits) -> Self {
        TestServer::start_serving(limits, None, false)
    }

    /// Starts a server with these limits, `/metrics` guarded by
    /// `metrics_token` and, with `metrics_listener`, served on a second
    /// ephemeral port only.
    pub fn start_serving(
        limits: HttpLimits,
        metrics_token: Option<MetricsToken>,
        metrics_listener: bool,
    ) -> Self {
        TestServer::start_on(
            tempfile::tempdir().unwrap(),
            limits,
            metrics_token,
            metrics_listener,
            Background::default(),
        )
    }

    /// Starts a server whose background work (scheduler, delivery) runs
    /// with `background`'s settings.
    pub fn start_with_background(background: Background) -> Self {
        TestServer::start_on(
            tempfile::tempdir().unwrap(),
            HttpLimits::default(),
            None,
            false,
            background,
        )
    }

    /// Starts a server on a data folder that `leadhost seed-history` filled
    /// with `weeks` weeks of the demo org's leads, won and lost among them.
    pub fn start_with_history(weeks: u32) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let args = leadhost::cli::SeedHistoryArgs {
            org: DEMO_ORG.into(),
            weeks,
            leads_per_week: 40,
            data_dir: dir.path().to_path_buf(),
        };
        leadhost::cli::seed_history(&args).expect("seed the demo history");
        TestServer::start_on(
            dir,
            HttpLimits::default(),
            None,
            false,
            Background::default(),
        )
    }

    fn start_on(
        dir: tempfile::TempDir,
        limits: HttpLimits,
        metrics_token: Option<MetricsToken>,
        metrics_listener: bool,
        background: Background,
    ) -> Self {
        let host = Host::open(dir.path(), Options::default()).expect("open the data folder");
        host.ensure_org(DEMO_ORG).unwrap();
        let store = host.engine.store().as_ref();
        let now = host.engine.now();
        let admin = auth::ensure_admin(store, None, now)
            .unwrap()
            .expect("a first admin token")
            .token;
        let demo = auth::issue(store, Some(DEMO_ORG), now).unwrap().token;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (bound, address) = mpsc::channel();
        let serving = host.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let metrics = match metrics_listener {
                    true => Some(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()),
                    false => None,
                };
                let addresses = (
                    listener.local_addr().unwrap(),
                    metrics
                        .as_ref()
                        .map(|metrics| metrics.local_addr().unwrap()),
                );
                bound.send(addresses).unwrap();
                let listeners = Listeners {
                    api: listener,
                    metrics,
                };
                let stop = async move {
                    let _ = stopped.await;
                };
                leadhost::server::serve_with(
                    serving,
                    listeners,
                    limits,
                    metrics_token,
                    background,
                    stop,
                )
                .await
            })
        });
        let (address, metrics_address) = address.recv().expect("the server binds");
        TestServer {
            address,
            metrics_address,
            admin,
            demo,
            host,
            client: Client::new(),
            stop: Some(stop),
            thread: Some(thread),
            _dir: dir,
        }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// A request with `token` as bearer (none when `None`).
    pub fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
    ) -> RequestBuilder {
        let request = self.client.request(method, self.url(path));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Sends JSON with the demo token; returns status and body.
    pub fn demo(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.request(method, path, Some(&self.demo));
        if let Some(body) = body {
            request = request.json(&body);
        }
        read(request.send().expect("the server answers"))
    }

    /// Creates an org with the admin token; returns its id and token.
    pub fn create_org(&self, name: &str) -> (String, String) {
        let response = self
            .request(reqwest::Method::POST, "/v1/orgs", Some(&self.admin))
            .json(&serde_json::json!({ "name": name }))
            .send()
            .unwrap();
        let (status, body) = read(response);
        assert_eq!(status, 201, "{body}");
        (
            body["id"].as_str().unwrap().into(),
            body["token"].as_str().unwrap().into(),
        )
    }

    /// Stops the server gracefully and returns how it ended.
    pub fn stop(mut self) -> Result<(), leadhost::server::ServeError> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), leadhost::server::ServeError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take() {
            Some(thread) => thread.join().expect("the server thread"),
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

/// Status and JSON body (`null` when the body is not JSON).
pub fn read(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}
