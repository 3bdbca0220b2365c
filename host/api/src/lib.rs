//! leadhost's HTTP API: `/v1` JSON endpoints over the engine, bearer tokens
//! read from each request and checked by the engine (its [`auth`]) with orgs
//! walled off, problem+json errors, probes, metrics and the OpenAPI document
//! generated from the same handlers.
//!
//! It owns the wire: routes, request parsing with the field at fault named,
//! status codes (one mapping, `error.rs`), and the JSON views. It must not
//! know how leads are kept or how plug-ins run: every handler calls an
//! engine method; it does not name the store or the runtime's wasmtime
//! types.
//!
//! [`router`] builds the whole app; tests drive it on a real socket.

pub use leadhost_engine::auth;

mod backtests;
mod campaigns;
mod deadline;
mod duplicates;
mod error;
mod extract;
mod health;
mod import_jobs;
mod imports;
mod leads;
mod openapi;
mod orgs;
mod outbox;
mod patch;
mod plugin_cases;
mod plugin_config;
mod plugins;
mod replay;
mod reports;
mod reps;
mod scrape;
mod shadow;
mod views;

use std::sync::Arc;

use leadhost_engine as engine;
use leadhost_engine::{import, jobs, setup};
use leadhost_model as model;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use metrics_exporter_prometheus::PrometheusHandle;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::{ApiError, Failure, Problem, chain as error_chain};
pub use health::recorder;
pub use leads::{BATCH_MAX, batch_result};
pub use openapi::document;
pub use scrape::{MetricsAccess, MetricsToken, MetricsTokenError};
pub use views::{BatchResult, ItemResult, LeadPage, LeadView};

use crate::jobs::ImportJobs;
use crate::setup::Host;
use leadhost_engine::{Flushing, Pending, Turn};

/// Limits on requests and connections, from the server's config (`[http]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// Largest JSON body of a single-item endpoint.
    pub body_bytes: usize,
    /// Largest body of a batch, an import or a plug-in upload.
    pub bulk_bytes: usize,
    /// Longest a request may take before it is answered 408.
    pub timeout: Duration,
    /// Longest a client may take to send a request's headers, counted from
    /// when the server starts waiting for them (the connection accepted, or
    /// the previous response sent); then the connection is closed. So it
    /// also bounds a keep-alive connection waiting for its next request.
    pub header_read_timeout: Duration,
    /// A connection with no request in flight on which no byte moves for
    /// this long is closed (a client that stops reading its response, or an
    /// idle keep-alive connection when this is below `header_read_timeout`).
    pub idle_timeout: Duration,
    /// Most connections open at once, per listener; at the limit the server
    /// stops accepting (new ones wait in the kernel's backlog) until one
    /// closes. Keep it below the process's open-file limit.
    pub max_connections: usize,
    /// Most data rows a CSV import stores while the request waits; a larger
    /// file becomes an import job (202 and a job to follow).
    pub import_sync_rows: usize,
    /// Most items one `/leads/batch` request may hold (413 above);
    /// `[http] batch_max`, default [`BATCH_MAX`].
    pub batch_max: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            body_bytes: 256 << 10,
            bulk_bytes: 32 << 20,
            timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
            import_sync_rows: IMPORT_SYNC_ROWS,
            batch_max: BATCH_MAX,
        }
    }
}

/// The default of [`HttpLimits::import_sync_rows`]: as many rows as one
/// synchronous batch takes ([`BATCH_MAX`]), so both bulk endpoints promise
/// the same. With the first-party plug-ins a debug build on a busy 2-core
/// machine stored ~180 rows/s (the e2e import test), so 1,000 rows stay
/// well inside the default 30 s limit, and the answer (a result per row)
/// stays small; anything larger is a job whose progress can be followed
/// instead of a request that can time out. A server with a much shorter
/// `timeout_ms` should lower it to match.
pub const IMPORT_SYNC_ROWS: usize = BATCH_MAX;

/// What every handler gets. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The opened data folder: engine, store, runtime, org folders.
    pub host: Host,
    /// Renders `/metrics`.
    pub metrics: PrometheusHandle,
    /// Set once shutdown begins: `/readyz` answers 503 from then on.
    pub draining: Arc<AtomicBool>,
    /// Who may read `/metrics` on this listener.
    pub metrics_access: MetricsAccess,
    /// Large CSV imports, running and recent.
    pub imports: ImportJobs,
    /// Backtests, running and recent.
    pub backtests: crate::engine::plugins::BacktestJobs,
    /// The request limits the router was built with.
    pub limits: HttpLimits,
}

impl AppState {
    /// The state of a server over `host`.
    pub fn new(host: Host) -> Self {
        AppState {
            imports: ImportJobs::new(host.engine.clone()),
            backtests: crate::engine::plugins::BacktestJobs::default(),
            host,
            metrics: recorder(),
            draining: Arc::new(AtomicBool::new(false)),
            metrics_access: MetricsAccess::default(),
            limits: HttpLimits::default(),
        }
    }

    /// The same state with `/metrics` guarded by `access`.
    pub fn with_metrics_access(mut self, access: MetricsAccess) -> Self {
        self.metrics_access = access;
        self
    }
}

/// Runs blocking engine work for `org` (plug-in calls, store flushes) off
/// the async threads, within the org's share of the host (see
/// [`crate::engine::OrgShares`]): the request waits for a turn without
/// holding a thread, and is answered 503 when the org's queue is full. The
/// turn is held by the work itself, so work that outlives its request (a
/// 408) still counts against the org until it ends.
async fn blocking_in<T, E>(
    state: &AppState,
    org: String,
    work: impl FnOnce(&Host) -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    blocking_turn_in(state, org, move |host, _turn| work(host)).await
}

/// Like [`blocking_in`], for work that ends applied but not yet durable
/// (an ingest): the org's running place goes to its next operation before
/// the wait for the flush, which needs no worker and no instance — so
/// many of an org's leads share one flush instead of four at most. The
/// wait holds no thread ([`durably`]) but still a place in the org's
/// queue (`[limits] org_queue`).
async fn durably_in<T, E>(
    state: &AppState,
    org: String,
    work: impl FnOnce(&Host) -> Result<Pending<T>, E> + Send + 'static,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    let (flushing, pending) = blocking_turn_in(state, org, move |host, turn| {
        let pending = work(host).map_err(Into::into)?;
        Ok::<_, ApiError>((turn.done_running(), pending))
    })
    .await?;
    durably(state, flushing, pending).await
}

/// [`blocking_in`] handing `work` the turn itself, for work that gives it
/// back before its end (see [`durably_in`]).
async fn blocking_turn_in<T, E>(
    state: &AppState,
    org: String,
    work: impl FnOnce(&Host, Turn) -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    let turn = state.host.engine.shares().turn(&org).await?;
    blocking(state, move |host| work(host, turn)).await
}

/// Waits until `pending` is durable, keeping the org's queue place
/// (`flushing`, from [`Turn::done_running`]) until then. The wait holds no
/// thread: an org's leads waiting for their flush (up to its `org_queue`)
/// must not take the blocking threads every org's work runs on.
async fn durably<T>(
    state: &AppState,
    flushing: Flushing,
    pending: Pending<T>,
) -> Result<T, ApiError> {
    let value = state.host.engine.durable_async(pending).await?;
    drop(flushing);
    Ok(value)
}

/// Like [`blocking_in`], for a request with a bulk body (a batch, a CSV
/// import, a component upload): the turn in the org's share is taken
/// *before* the body is read, and `work` gets the body on a blocking
/// thread. So an org holds at most `org_calls` bulk bodies in memory at
/// once (its waiters hold none), and parsing megabytes of JSON or CSV never
/// runs on the async threads that serve every org's requests and deadlines.
async fn bulk_in<T, E>(
    state: &AppState,
    org: String,
    request: axum::extract::Request,
    work: impl FnOnce(&Host, bytes::Bytes) -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    bulk_turn_in(state, org, request, move |host, body, _turn| {
        work(host, body)
    })
    .await
}

/// [`bulk_in`] handing `work` the turn itself, for work that gives it
/// back before its end (see [`durably_in`]).
async fn bulk_turn_in<T, E>(
    state: &AppState,
    org: String,
    request: axum::extract::Request,
    work: impl FnOnce(&Host, bytes::Bytes, Turn) -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    let turn = state.host.engine.shares().turn(&org).await?;
    let body = extract::read_body(request, state).await?;
    blocking(state, move |host| work(host, body, turn)).await
}

/// Runs blocking engine work (plug-in calls, store flushes) off the async
/// threads.
async fn blocking<T, E>(
    state: &AppState,
    work: impl FnOnce(&Host) -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    let host = state.host.clone();
    match tokio::task::spawn_blocking(move || work(&host)).await {
        Ok(result) => result.map_err(Into::into),
        Err(error) => Err(ApiError::Internal(Box::new(error))),
    }
}

/// The routes and the OpenAPI document, built from the same registrations
/// so neither can drift from the other.
fn routes(limits: HttpLimits) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let bulk = DefaultBodyLimit::max(limits.bulk_bytes);
    let single = OpenApiRouter::with_openapi(openapi::base())
        .routes(routes!(orgs::create))
        .routes(routes!(orgs::issue_token))
        .routes(routes!(orgs::revoke_token))
        .routes(routes!(leads::create, leads::list))
        .routes(routes!(leads::get))
        .routes(routes!(leads::activity))
        .routes(routes!(leads::feedback))
        .routes(routes!(leads::retry))
        .routes(routes!(replay::replay))
        .routes(routes!(backtests::start, backtests::list))
        .routes(routes!(backtests::get))
        .routes(routes!(backtests::cancel))
        .routes(routes!(reps::list, reps::create))
        .routes(routes!(reps::update))
        .routes(routes!(campaigns::list, campaigns::create))
        .routes(routes!(campaigns::get, campaigns::update))
        .routes(routes!(campaigns::archive))
        .routes(routes!(campaigns::for_rep))
        .routes(routes!(duplicates::list))
        .routes(routes!(duplicates::merge))
        .routes(routes!(duplicates::dismiss))
        .routes(routes!(plugins::list))
        .routes(routes!(plugins::versions))
        .routes(routes!(plugin_config::put))
        .routes(routes!(shadow::report))
        .routes(routes!(shadow::promote))
        .routes(routes!(reports::funnel))
        .routes(routes!(reports::goals))
        .routes(routes!(outbox::tasks))
        .routes(routes!(outbox::task_done))
        .routes(routes!(outbox::dead_letters))
        .routes(routes!(outbox::replay))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
        .routes(routes!(import_jobs::get))
        .routes(routes!(import_jobs::cancel))
        .layer(DefaultBodyLimit::max(limits.body_bytes));
    let bulk = OpenApiRouter::new()
        .routes(routes!(leads::batch))
        .routes(routes!(plugins::upload))
        .routes(routes!(plugins::rollback))
        .routes(routes!(plugin_cases::get, plugin_cases::replace))
        .routes(routes!(imports::create, import_jobs::list))
        .layer(bulk);
    single.merge(bulk).split_for_parts()
}

/// The whole app: routes, errors for unknown routes and methods, request
/// timeouts, metrics.
pub fn router(mut state: AppState, limits: HttpLimits) -> Router {
    state.limits = limits;
    let (routes, _) = routes(limits);
    let timeout = limits.timeout;
    routes
        .route("/openapi.json", axum::routing::get(health::openapi))
        .fallback(health::not_found)
        .method_not_allowed_fallback(health::wrong_method)
        .layer(axum::middleware::from_fn(health::track))
        .layer(axum::middleware::from_fn(move |request, next| {
            deadline::deadline(timeout, request, next)
        }))
        .with_state(state)
}

/// The app of the `metrics_listen` address: `/metrics` and nothing else.
pub fn metrics_router(state: AppState, limits: HttpLimits) -> Router {
    let timeout = limits.timeout;
    Router::new()
        .route("/metrics", axum::routing::get(health::metrics))
        .fallback(health::not_found)
        .method_not_allowed_fallback(health::wrong_method)
        .layer(axum::middleware::from_fn(health::track))
        .layer(axum::middleware::from_fn(move |request, next| {
            deadline::deadline(timeout, request, next)
        }))
        .with_state(state)
}
