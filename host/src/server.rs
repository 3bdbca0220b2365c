//! `leadhost serve`: the API on a socket, the nurture wake-ups in the
//! background, and a graceful stop that drains requests and flushes the store.

mod config;
mod listener;
mod scheduler;

use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use config::{ConfigError, HttpConfig, LimitsConfig, MetricsSettings, ServerConfig, Settings};

use crate::api::{self, AppState, HttpLimits, MetricsAccess, MetricsToken};
use crate::delivery::{Dispatcher, RetryPolicy, Round};
use crate::setup::Host;
use crate::store::StoreError;

/// How long a stop waits for requests in flight before it gives up on them.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// How often the outbox is looked at.
const DELIVERY_INTERVAL: Duration = Duration::from_millis(250);

/// The server stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The socket failed.
    #[error("the server failed: {0}")]
    Io(#[from] std::io::Error),
    /// The org folders cannot be watched.
    #[error(transparent)]
    Watch(#[from] crate::plugins::WatchError),
    /// The final flush failed: the last writes may not be durable.
    #[error("the final flush failed: {0}")]
    Flush(#[from] StoreError),
}

/// The sockets a server answers on.
#[derive(Debug)]
pub struct Listeners {
    /// The API (and `/metrics`, unless `metrics` is given).
    pub api: TcpListener,
    /// `[http] metrics_listen`: serves `/metrics` and nothing else.
    pub metrics: Option<TcpListener>,
}

/// [`serve`] on one listener, `/metrics` guarded by the default rule (open
/// while the host serves one org, the admin token once it serves more).
pub async fn run(
    host: Host,
    listener: TcpListener,
    http: HttpLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let listeners = Listeners {
        api: listener,
        metrics: None,
    };
    serve(host, listeners, http, None, shutdown).await
}

/// Serves `host` on `listeners`, watching its org folders for new plug-in
/// versions, until `shutdown` resolves; then stops accepting, lets requests
/// in flight finish (up to [`DRAIN_TIMEOUT`]), stops the background work and
/// flushes the store. `metrics_token` (`[http] metrics_token`) guards
/// `/metrics` wherever it is served.
pub async fn serve(
    host: Host,
    listeners: Listeners,
    http: HttpLimits,
    metrics_token: Option<MetricsToken>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let watcher = crate::plugins::watch(host.plugins.clone(), crate::plugins::DEFAULT_DEBOUNCE)?;
    let (api_access, scrape_access) = metrics_access(&host, &listeners, metrics_token);
    let state = AppState::new(host.clone()).with_metrics_access(api_access);
    let draining = state.draining.clone();
    let imports = state.imports.clone();
    let (stop, stopped) = watch::channel(false);
    let waker = tokio::spawn(scheduler::run(host.clone(), stopped.clone()));
    let dispatcher = Dispatcher::new(host.engine.clone(), RetryPolicy::default());
    let delivering = tokio::spawn(deliver(dispatcher, stopped.clone()));
    let metrics = listeners.metrics.map(|metrics| {
        let state = state.clone().with_metrics_access(scrape_access);
        listener::serve(
            metrics,
            api::metrics_router(state, http),
            http,
            "metrics",
            stopped.clone(),
        )
    });
    let app = api::router(state, http);
    let api = listener::serve(listeners.api, app, http, "api", stopped.clone());
    let server = async move {
        match metrics {
            Some(metrics) => tokio::join!(api, metrics).0,
            None => api.await,
        }
    };
    let mut server = std::pin::pin!(server);
    tokio::select! {
        () = &mut server => {}
        () = shutdown => {
            tracing::info!("shutting down: draining requests in flight");
            draining.store(true, Ordering::Relaxed);
            // Import jobs stop after their batch in flight and end
            // `interrupted`, with what they stored.
            imports.interrupt_all();
            let _ = stop.send(true);
            if tokio::time::timeout(DRAIN_TIMEOUT, &mut server).await.is_err() {
                tracing::warn!(timeout = ?DRAIN_TIMEOUT, "requests still in flight at the drain timeout were dropped");
            }
        }
    }
    let _ = stop.send(true);
    imports.interrupt_all();
    if !imports.wait_stopped(DRAIN_TIMEOUT).await {
        tracing::warn!(timeout = ?DRAIN_TIMEOUT, "an import job was still storing its last batch at the drain timeout");
    }
    let _ = waker.await;
    let _ = delivering.await;
    drop(watcher);
    let store = host.store.clone();
    tokio::task::spawn_blocking(move || store.flush())
        .await
        .map_err(|error| std::io::Error::other(error.to_string()))??;
    tracing::info!("stopped; the store is flushed");
    Ok(())
}

/// Who may read `/metrics` on the API listener and on the metrics listener;
/// warns when the default rule locks it because the host serves several orgs.
fn metrics_access(
    host: &Host,
    listeners: &Listeners,
    token: Option<MetricsToken>,
) -> (MetricsAccess, MetricsAccess) {
    match (listeners.metrics.is_some(), token) {
        (true, Some(token)) => (MetricsAccess::Elsewhere, MetricsAccess::Token(token)),
        (true, None) => (MetricsAccess::Elsewhere, MetricsAccess::Open),
        (false, Some(token)) => (
            MetricsAccess::Token(token.clone()),
            MetricsAccess::Token(token),
        ),
        (false, None) => {
            let orgs = host.engine.store().orgs().map_or(0, |orgs| orgs.len());
            if orgs > 1 {
                tracing::warn!(
                    orgs,
                    "this host serves several orgs and neither `[http] metrics_token` nor \
                     `[http] metrics_listen` is set: /metrics (every org's activity) answers only \
                     the admin token; set one of them for a Prometheus scraper"
                );
            }
            (
                MetricsAccess::OpenWhileOneOrg,
                MetricsAccess::OpenWhileOneOrg,
            )
        }
    }
}

/// Delivers the outbox to the orgs' webhooks, until stopped.
async fn deliver(dispatcher: Dispatcher, mut stopped: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(DELIVERY_INTERVAL);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.wait_for(|stop| *stop) => return,
        }
        match dispatcher.run_once().await {
            Ok(round) if round != Round::default() => tracing::debug!(?round, "outbox delivered"),
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "outbox delivery failed"),
        }
    }
}

/// Listens for SIGTERM and Ctrl-C (SIGINT) from now on; the future resolves
/// on the first of them. The handlers are installed before this returns, so
/// a signal that arrives while the server is still starting is not lost
/// (nor does it kill the process the default way). Call it inside a tokio
/// runtime.
#[cfg(unix)]
pub fn signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
    })
}

/// Listens for Ctrl-C from now on; the future resolves on it.
#[cfg(not(unix))]
pub fn signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
