//! `leadhost serve`: the API on a socket, the nurture wake-ups in the
//! background, and a graceful stop that drains requests and flushes the store.

mod config;

use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use config::{ConfigError, HttpConfig, LimitsConfig, ServerConfig, Settings};

use crate::api::{self, AppState, HttpLimits};
use crate::delivery::{Dispatcher, RetryPolicy, Round};
use crate::setup::Host;
use crate::store::StoreError;

/// How long a stop waits for requests in flight before it gives up on them.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// How often due nurture wake-ups are looked for.
const WAKE_INTERVAL: Duration = Duration::from_secs(1);

/// Wake-ups run per store scan.
const WAKE_BATCH: usize = 500;

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

/// Serves `host` on `listener`, watching its org folders for new plug-in
/// versions, until `shutdown` resolves; then stops accepting, lets requests
/// in flight finish (up to [`DRAIN_TIMEOUT`]), stops the background work and
/// flushes the store.
pub async fn run(
    host: Host,
    listener: TcpListener,
    http: HttpLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let watcher = crate::plugins::watch(host.plugins.clone(), crate::plugins::DEFAULT_DEBOUNCE)?;
    let state = AppState::new(host.clone());
    let draining = state.draining.clone();
    let imports = state.imports.clone();
    let (stop, stopped) = watch::channel(false);
    let waker = tokio::spawn(wake_due(host.clone(), stopped.clone()));
    let dispatcher = Dispatcher::new(host.engine.clone(), RetryPolicy::default());
    let delivering = tokio::spawn(deliver(dispatcher, stopped.clone()));
    let app = api::router(state, http);
    let mut stopping = stopped.clone();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = stopping.wait_for(|stop| *stop).await;
    });
    let mut server = std::pin::pin!(server.into_future());
    tokio::select! {
        result = &mut server => result?,
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

/// Calls the nurture track for leads whose wake-up time has come, until stopped.
async fn wake_due(host: Host, mut stopped: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(WAKE_INTERVAL);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.wait_for(|stop| *stop) => return,
        }
        // Drain what is due, a batch at a time, before sleeping again.
        loop {
            let engine = host.engine.clone();
            match tokio::task::spawn_blocking(move || engine.run_due(WAKE_BATCH)).await {
                Ok(Ok(woken)) if woken == WAKE_BATCH && !*stopped.borrow() => continue,
                Ok(Ok(0)) => {}
                Ok(Ok(woken)) => tracing::debug!(woken, "nurture wake-ups run"),
                Ok(Err(error)) => tracing::error!(%error, "nurture wake-ups failed"),
                Err(error) => tracing::error!(%error, "the wake-up task failed"),
            }
            break;
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
