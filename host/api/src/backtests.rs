//! `/v1/orgs/{org}/backtests`: a candidate lead definition or routing
//! policy run on the org's recorded inputs of its slot, as a job to follow.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::extract::{JsonBody, OrgAccess};
use super::{ApiError, AppState, blocking_in};
use crate::engine::FieldError;
use crate::engine::plugins::{BacktestJob, CandidateRun, StartBacktestError};
use crate::model::{Config, Slot};

/// What to backtest.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BacktestRequest {
    /// The slot: `lead-definition` (the default) or `routing-policy`.
    #[serde(default = "lead_definition")]
    pub slot: Slot,
    /// The candidate: a file in the org's folder (`acme-fit.wasm`, or an
    /// admin script `qualify.rhai`), dropped there without naming it in
    /// `org.toml`.
    pub candidate: String,
    /// Config values laid over each recorded input's config.
    #[serde(default)]
    pub config: Config,
    /// Only qualifications made at or after this day (`2026-09-01`,
    /// midnight UTC) or RFC 3339 time.
    #[serde(default, deserialize_with = "day_or_time")]
    #[schema(value_type = Option<String>, example = "2026-09-01")]
    pub from: Option<DateTime<Utc>>,
    /// Only qualifications made before this day or time.
    #[serde(default, deserialize_with = "day_or_time")]
    #[schema(value_type = Option<String>, example = "2026-12-01T00:00:00Z")]
    pub to: Option<DateTime<Utc>>,
    /// One config key over a range, `KEY=FROM..TO:STEP`
    /// (`sales-ready-score=50..90:5`): `result.sweep` gets a point per value.
    pub sweep: Option<String>,
}

/// A day (`2026-09-01`, midnight UTC) or an RFC 3339 time, as the CLI's
/// `--from` and `--to` take them.
fn day_or_time<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    if let Ok(day) = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        return Ok(Some(day.and_time(chrono::NaiveTime::MIN).and_utc()));
    }
    text.parse::<DateTime<Utc>>().map(Some).map_err(|_| {
        serde::de::Error::custom(format!(
            "`{text}` is neither a day (2026-09-01) nor an RFC 3339 time (2026-09-01T00:00:00Z)"
        ))
    })
}

fn lead_definition() -> Slot {
    Slot::LeadDefinition
}

fn invalid(field: &str, problem: String) -> ApiError {
    ApiError::Invalid(vec![FieldError {
        field: field.into(),
        problem,
    }])
}

/// Starts a backtest; answers 202 with the job, and `Location` to follow.
#[utoipa::path(post, path = "/v1/orgs/{org}/backtests", tag = "backtests",
    params(("org" = String, Path, description = "The org's id")),
    request_body = BacktestRequest,
    responses((status = 202, body = BacktestJob),
        (status = 409, description = "The org has a backtest running", body = super::Problem),
        (status = 422, description = "A field is wrong (which, and why)", body = super::Problem),
        (status = 503, description = "The host runs as many backtests as it allows (each stops within 15 minutes); send it again later", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn start(
    State(state): State<AppState>,
    access: OrgAccess,
    JsonBody(request): JsonBody<BacktestRequest>,
) -> Result<Response, ApiError> {
    let org = access.org.clone();
    let jobs = state.backtests.clone();
    let run = CandidateRun {
        slot: request.slot,
        candidate: request.candidate,
        config: request.config,
        from: request.from,
        to: request.to,
        sweep: request.sweep,
    };
    let job = blocking_in(&state, org.clone(), move |host| {
        host.plugins
            .start_backtest(&jobs, &org, run, host.engine.now())
            .map_err(|error| match error {
                StartBacktestError::Field { field, problem } => invalid(field, problem),
                StartBacktestError::Start(error) => ApiError::from(error),
            })
    })
    .await?;
    let location = format!("/v1/orgs/{}/backtests/{}", access.org, job.id);
    let mut response = (StatusCode::ACCEPTED, Json(job)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// A backtest: its progress while it runs, then its report (`result`).
#[utoipa::path(get, path = "/v1/orgs/{org}/backtests/{id}", tag = "backtests",
    params(("org" = String, Path, description = "The org's id"),
        ("id" = String, Path, description = "The job's id")),
    responses((status = 200, body = BacktestJob),
        (status = 404, description = "No such backtest in this org (or no longer kept)", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, id)): Path<(String, String)>,
) -> Result<Json<BacktestJob>, ApiError> {
    state
        .backtests
        .get(&access.org, &id)
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("org {} has no backtest {id}", access.org)))
}

/// The org's backtests kept (the last 10), newest first, without their
/// reports: `GET` one for its `result`.
#[utoipa::path(get, path = "/v1/orgs/{org}/backtests", tag = "backtests",
    params(("org" = String, Path, description = "The org's id")),
    responses((status = 200, body = Vec<BacktestJob>)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, access: OrgAccess) -> Json<Vec<BacktestJob>> {
    Json(state.backtests.list(&access.org))
}

/// Stops a running backtest between two leads; it ends `stopped`.
#[utoipa::path(post, path = "/v1/orgs/{org}/backtests/{id}/cancel", tag = "backtests",
    params(("org" = String, Path, description = "The org's id"),
        ("id" = String, Path, description = "The job's id")),
    responses((status = 200, body = BacktestJob),
        (status = 404, description = "No such backtest in this org", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, id)): Path<(String, String)>,
) -> Result<Json<BacktestJob>, ApiError> {
    state
        .backtests
        .cancel(&access.org, &id)
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("org {} has no backtest {id}", access.org)))
}
