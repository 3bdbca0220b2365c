//! The HTTP API: `/v1` JSON endpoints over the engine, bearer-token auth
//! with orgs walled off, problem+json errors, probes, metrics and the
//! OpenAPI document generated from the same handlers.
//!
//! [`router`] builds the whole app; tests drive it on a real socket.

mod deadline;
mod error;
mod extract;
mod health;
mod import_jobs;
mod imports;
mod leads;
mod openapi;
mod orgs;
mod outbox;
mod plugins;
mod reports;
mod reps;
mod views;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use metrics_exporter_prometheus::PrometheusHandle;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::{ApiError, Problem};
pub use health::recorder;
pub use leads::{BATCH_MAX, batch_result};
pub use openapi::document;
pub use views::{BatchResult, ItemResult, LeadPage, LeadView};

use crate::jobs::ImportJobs;
use crate::setup::Host;
use crate::store::Store;

/// Limits on requests, from the server's config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// Largest JSON body of a single-item endpoint.
    pub body_bytes: usize,
    /// Largest body of a batch, an import or a plug-in upload.
    pub bulk_bytes: usize,
    /// Longest a request may take before it is answered 408.
    pub timeout: Duration,
    /// Most data rows a CSV import stores while the request waits; a larger
    /// file becomes an import job (202 and a job to follow).
    pub import_sync_rows: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            body_bytes: 256 << 10,
            bulk_bytes: 32 << 20,
            timeout: Duration::from_secs(30),
            import_sync_rows: IMPORT_SYNC_ROWS,
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
    /// Large CSV imports, running and recent.
    pub imports: ImportJobs,
    /// The request limits the router was built with.
    pub limits: HttpLimits,
}

impl AppState {
    /// The state of a server over `host`.
    pub fn new(host: Host) -> Self {
        AppState {
            imports: ImportJobs::new(host.engine.clone()),
            host,
            metrics: recorder(),
            draining: Arc::new(AtomicBool::new(false)),
            limits: HttpLimits::default(),
        }
    }

    fn store(&self) -> &dyn Store {
        self.host.engine.store().as_ref()
    }
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
        Err(error) => Err(ApiError::Internal(format!(
            "a blocking task failed: {error}"
        ))),
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
        .routes(routes!(reps::list, reps::create))
        .routes(routes!(reps::update))
        .routes(routes!(plugins::list))
        .routes(routes!(plugins::versions))
        .routes(routes!(reports::funnel))
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
        .routes(routes!(imports::create, import_jobs::list))
        .layer(bulk);
    single.merge(bulk).split_for_parts()
}

/// The whole app: routes, errors for unknown routes and methods, request
/// timeouts, metrics.
pub fn router(mut state: AppState, limits: HttpLimits) -> Router {
    state.limits = limits;
    let (routes, _) = routes(limits);
    routes
        .route("/openapi.json", axum::routing::get(health::openapi))
        .fallback(health::not_found)
        .method_not_allowed_fallback(health::wrong_method)
        .layer(axum::middleware::from_fn(health::track))
        .layer(axum::middleware::from_fn(move |request, next| {
            deadline::deadline(limits.timeout, request, next)
        }))
        .with_state(state)
}
