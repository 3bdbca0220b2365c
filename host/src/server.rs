//! `leadhost serve`: the API on a socket, the nurture wake-ups in the
//! background, and a graceful stop that drains requests and flushes the store.

mod config;
mod delivery;
mod launches;
mod listener;
mod plugin_sync;
mod retention;
mod scheduler;

use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use config::{
    ConfigError, Flags, HttpConfig, LimitsConfig, MetricsSettings, ReloadConfig, ServerConfig,
    Settings, StoreConfig,
};
pub use delivery::DeliveryConfig;
pub use scheduler::SchedulerConfig;

use crate::api::{self, AppState, HttpLimits, MetricsAccess, MetricsToken};
use crate::delivery::{Dispatcher, RetryPolicy};
use crate::setup::Host;
use crate::store::StoreError;

/// How long a stop waits for requests in flight before it gives up on
/// them, unless set (`[http] drain_timeout_ms`).
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// The settings of a server's background work and of its stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Background {
    /// The nurture wake-ups (`[scheduler]`).
    pub scheduler: SchedulerConfig,
    /// The outbox (`[delivery]`).
    pub delivery: DeliveryConfig,
    /// How long an org's files must be quiet before it is reloaded
    /// (`[reload] debounce_ms`; default 20 ms).
    pub debounce: Duration,
    /// How long a stop waits for requests in flight and import jobs
    /// (`[http] drain_timeout_ms`; default [`DRAIN_TIMEOUT`]).
    pub drain_timeout: Duration,
    /// How long recorded inputs are kept (`[store]
    /// input_retention_days`); `None`, the default, keeps them forever.
    pub input_retention: Option<chrono::Duration>,
}

impl Default for Background {
    fn default() -> Self {
        Background {
            scheduler: SchedulerConfig::default(),
            delivery: DeliveryConfig::default(),
            debounce: crate::plugins::DEFAULT_DEBOUNCE,
            drain_timeout: DRAIN_TIMEOUT,
            input_retention: None,
        }
    }
}

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

/// [`serve_with`] the default [`Background`] settings.
pub async fn serve(
    host: Host,
    listeners: Listeners,
    http: HttpLimits,
    metrics_token: Option<MetricsToken>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let background = Background::default();
    serve_with(host, listeners, http, metrics_token, background, shutdown).await
}

/// Serves `host` on `listeners`, watching its org folders for new plug-in
/// versions, until `shutdown` resolves; then stops accepting, lets requests
/// in flight finish (up to `background.drain_timeout`), stops the
/// background work and flushes the store. `metrics_token` (`[http]
/// metrics_token`) guards `/metrics` wherever it is served.
pub async fn serve_with(
    host: Host,
    listeners: Listeners,
    http: HttpLimits,
    metrics_token: Option<MetricsToken>,
    background: Background,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let Background {
        scheduler,
        delivery,
        debounce,
        drain_timeout,
        input_retention,
    } = background;
    let (watcher, catch_up) = crate::plugins::start_watching(host.plugins.clone(), debounce)?;
    // Beside the first requests: an org changed during start-up may take
    // seconds to compile, and the server answers meanwhile.
    let catching_up = tokio::task::spawn_blocking(move || catch_up.run());
    let (api_access, scrape_access) = metrics_access(&host, &listeners, metrics_token);
    let state = AppState::new(host.clone()).with_metrics_access(api_access);
    let draining = state.draining.clone();
    let imports = state.imports.clone();
    let (stop, stopped) = watch::channel(false);
    let waker = tokio::spawn(scheduler::run(host.clone(), scheduler, stopped.clone()));
    let sweeper = tokio::spawn(retention::run(
        host.clone(),
        input_retention,
        stopped.clone(),
    ));
    let syncing = tokio::spawn(plugin_sync::run(host.clone(), stopped.clone()));
    let announcing = tokio::spawn(launches::run(
        host.clone(),
        Duration::from_millis(scheduler.launch_check_ms.max(1)),
        stopped.clone(),
    ));
    let dispatcher = Dispatcher::new(host.engine.clone(), RetryPolicy::default())
        .with_round_size(delivery.round_size);
    let delivering = tokio::spawn(delivery::deliver(
        dispatcher,
        delivery.interval(),
        stopped.clone(),
    ));
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
    let dashboard =
        leadhost_ui::UiState::new(host.clone(), state.backtests.clone(), http.bulk_bytes);
    let app = api::router(state, http).merge(leadhost_ui::router(dashboard, http.timeout));
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
            if tokio::time::timeout(drain_timeout, &mut server).await.is_err() {
                tracing::warn!(timeout = ?drain_timeout, "requests still in flight at the drain timeout were dropped");
            }
        }
    }
    let _ = stop.send(true);
    imports.interrupt_all();
    if !imports.wait_stopped(drain_timeout).await {
        tracing::warn!(timeout = ?drain_timeout, "an import job was still storing its last batch at the drain timeout");
    }
    let _ = waker.await;
    let _ = sweeper.await;
    let _ = syncing.await;
    let _ = announcing.await;
    let _ = delivering.await;
    let _ = catching_up.await;
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
