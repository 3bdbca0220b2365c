//! Probes and metrics: `/healthz`, `/readyz`, `/metrics`, `/openapi.json`.

use std::sync::OnceLock;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use super::scrape::{MetricsReader, method_label, route_label};
use super::{ApiError, AppState};

/// The process's metrics recorder. The `metrics` facade is process-wide by
/// design (the engine records plug-in calls through it), so it is installed
/// once; every server in the process renders the same registry.
pub fn recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let buckets = [
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ];
            PrometheusBuilder::new()
                .set_buckets(&buckets)
                .expect("non-empty buckets")
                .install_recorder()
                .expect("the first metrics recorder of the process")
        })
        .clone()
}

/// Alive: answers as soon as the server is serving.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, description = "Serving", body = String, content_type = "text/plain")))]
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready for traffic: the store answers and the server is not shutting down.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses((status = 200, description = "Ready", body = String, content_type = "text/plain"),
        (status = 503, description = "Shutting down or the store fails", body = super::Problem)))]
pub async fn readyz(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    if state.draining.load(Ordering::Relaxed) {
        return Err(ApiError::Unavailable("the server is shutting down".into()));
    }
    state.host.engine.org_count().map_err(|error| {
        tracing::error!(%error, "readiness: the store does not answer");
        ApiError::Unavailable("the store does not answer".into())
    })?;
    Ok("ready\n")
}

/// Prometheus metrics: requests and latencies by route and status, plug-in
/// calls and failures by org and slot. Who may read them depends on the
/// `[http]` settings (see [`super::MetricsAccess`]).
#[utoipa::path(get, path = "/metrics", tag = "health",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
        (status = 401, description = "The host serves several orgs (or has a metrics token) and the request has neither the metrics nor the admin token", body = super::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Served on its own address (`[http] metrics_listen`)", body = super::Problem, content_type = "application/problem+json")))]
pub async fn metrics(_reader: MetricsReader, State(state): State<AppState>) -> Response {
    let mut response = state.metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    response
}

/// The OpenAPI document, generated from the handlers and types.
pub async fn openapi() -> Response {
    let mut response = super::openapi::document().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Counts every request and times it. Every label comes from a bounded set
/// whatever the client sends: the method only if it is a standard one, the
/// route pattern (never the raw path), the status.
pub async fn track(request: Request, next: Next) -> Response {
    let route = route_label(request.extensions().get::<MatchedPath>());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!("leadhost_http_request_duration_seconds", "method" => method, "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("leadhost_http_requests_total", "method" => method, "route" => route, "status" => status)
        .increment(1);
    response
}

/// Unknown routes.
pub async fn not_found(request: Request) -> ApiError {
    ApiError::NotFound(format!(
        "no route {} {}",
        request.method(),
        request.uri().path()
    ))
}

/// Known routes with the wrong method.
pub async fn wrong_method(request: Request) -> ApiError {
    ApiError::MethodNotAllowed(format!(
        "{} is not allowed on {}",
        request.method(),
        request.uri().path()
    ))
}
