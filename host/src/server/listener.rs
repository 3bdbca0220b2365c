//! The accept loop: HTTP/1.1 connections served by hyper with a
//! header-read timeout, an idle timeout and a limit on open connections,
//! so slow or idle clients cannot hold the server's sockets; a stop signal
//! closes the socket and drains the connections.
//!
//! hyper's `header_read_timeout` starts whenever a connection waits for a
//! request head, the first one or the next on a keep-alive connection
//! (hyper 1.12 `proto/h1/conn.rs`: `poll_read_head` arms it, and going idle
//! asks for a read that re-arms it). What it does not see is a connection
//! that stalls elsewhere: a client that stops reading its response. The
//! idle timer here covers that: no request in flight and no byte moving
//! for `idle_timeout` closes the connection.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::Service;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use crate::api::HttpLimits;

/// Serves `app` on `listener` until `stop` turns true; then closes the
/// socket, lets each connection finish the request it is on (an idle one
/// closes at once), and returns when all are closed. `name` labels this
/// listener in the metrics and the log (`api`, `metrics`).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: HttpLimits,
    name: &'static str,
    mut stop: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    loop {
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                // At the limit: accept nothing until a connection closes; new
                // ones wait in the kernel's backlog meanwhile.
                metrics::counter!("leadhost_http_connection_limit_reached_total", "listener" => name)
                    .increment(1);
                tracing::debug!(
                    listener = name,
                    max_connections = limits.max_connections,
                    "connection limit reached; not accepting until one closes"
                );
                tokio::select! {
                    slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
                    _ = stop.wait_for(|stop| *stop) => break,
                }
            }
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            _ = stop.wait_for(|stop| *stop) => break,
        };
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(Watched {
            inner: stream,
            activity: activity.clone(),
        });
        // Each request counts as in flight until its response head is ready
        // (hyper then writes the body, which counts as bytes moving).
        let router = TowerToHyperService::new(app.clone());
        let marked = activity.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let busy = InFlight::begin(&marked);
            let call = router.call(request);
            async move {
                let response = call.await;
                drop(busy);
                response
            }
        });
        let connection = graceful.watch(builder.serve_connection(io, service));
        let idle_timeout = limits.idle_timeout;
        tokio::spawn(async move {
            let _slot = slot;
            let _open = Open::count(name);
            tokio::select! {
                served = connection => {
                    if let Err(error) = served {
                        if error.is_timeout() {
                            timed_out(name, "header-read");
                        } else {
                            tracing::debug!(listener = name, %error, "connection ended with an error");
                        }
                    }
                }
                () = idle(&activity, idle_timeout) => timed_out(name, "idle"),
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Counts a connection closed because its client was too slow.
fn timed_out(listener: &'static str, reason: &'static str) {
    metrics::counter!("leadhost_http_connections_timed_out_total", "listener" => listener, "reason" => reason)
        .increment(1);
    tracing::debug!(
        listener,
        reason,
        "connection closed: the client was too slow"
    );
}

/// An accept that failed. A connection that died in the backlog is nobody's
/// problem; anything else (out of file descriptors, mostly) is logged and
/// accepting pauses a second so the loop does not spin.
async fn accept_failed(error: io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "accepting a connection failed; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// The open-connections gauge, up while this lives.
struct Open(&'static str);

impl Open {
    fn count(listener: &'static str) -> Self {
        metrics::gauge!("leadhost_http_connections_open", "listener" => listener).increment(1.0);
        Open(listener)
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        metrics::gauge!("leadhost_http_connections_open", "listener" => self.0).decrement(1.0);
    }
}

/// What one connection has been doing: when a byte last moved, and how
/// many requests are being handled.
struct Activity {
    opened: Instant,
    /// Milliseconds after `opened` a byte last moved either way.
    last_ms: AtomicU64,
    in_flight: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Activity {
            opened: Instant::now(),
            last_ms: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn touch(&self) {
        self.last_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    /// How long no byte has moved.
    fn quiet_for(&self) -> Duration {
        Duration::from_millis(
            self.now_ms()
                .saturating_sub(self.last_ms.load(Ordering::Relaxed)),
        )
    }
}

/// Resolves once the connection has had no request in flight and no byte
/// moving for `timeout`. A request being handled (however long it takes;
/// the request timeout bounds it) keeps the connection.
async fn idle(activity: &Activity, timeout: Duration) {
    loop {
        let wait = if activity.in_flight.load(Ordering::Relaxed) > 0 {
            timeout
        } else {
            let quiet = activity.quiet_for();
            if quiet >= timeout {
                return;
            }
            timeout - quiet
        };
        tokio::time::sleep(wait).await;
    }
}

/// Marks a request in flight on its connection until dropped.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn begin(activity: &Arc<Activity>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(activity.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A socket that records when bytes move through it.
struct Watched<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
