//! `/v1/orgs/{org}/imports/{job}`: follow and cancel large CSV imports.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::OrgAccess;
use super::{ApiError, AppState};
use crate::engine::records::{ImportJobRecord, JobState};

/// The org's import jobs.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportJobList {
    /// Newest first, the last 20 at most. Each without its `rejected_rows`
    /// (GET the job for them); `rejected` still counts them.
    pub jobs: Vec<ImportJobRecord>,
}

fn not_found(org: &str, job: &str) -> ApiError {
    ApiError::NotFound(format!("org {org} has no import job {job}"))
}

/// Lists the org's import jobs: running, and the last ones finished.
#[utoipa::path(get, path = "/v1/orgs/{org}/imports", tag = "leads",
    params(("org" = String, Path, description = "The org's id")),
    responses((status = 200, description = "The org's import jobs, newest first", body = ImportJobList)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    access: OrgAccess,
) -> Result<Json<ImportJobList>, ApiError> {
    let mut jobs = state.imports.list(&access.org)?;
    for job in &mut jobs {
        job.rejected_rows = Vec::new();
    }
    Ok(Json(ImportJobList { jobs }))
}

/// An import job: where it stands (`running`, `cancelling`, `done`,
/// `cancelled`, `failed`, `interrupted`), rows done of all, leads created
/// and merged, and the refused rows by line with their errors (the first
/// 1,000; `rejected` counts all). In a job that stopped early, the rows
/// counted as `done` are stored and the others are not: send those again.
#[utoipa::path(get, path = "/v1/orgs/{org}/imports/{job}", tag = "leads",
    params(("org" = String, Path, description = "The org's id"),
        ("job" = String, Path, description = "The job's id")),
    responses((status = 200, description = "The job", body = ImportJobRecord),
        (status = 404, description = "The org has no such job", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, job)): Path<(String, String)>,
) -> Result<Json<ImportJobRecord>, ApiError> {
    state
        .imports
        .get(&access.org, &job)?
        .map(Json)
        .ok_or_else(|| not_found(&access.org, &job))
}

/// Cancels an import job: the batch in flight (up to 500 rows) is stored,
/// no later batch starts, and the job ends `cancelled`. Answers 202 with
/// the job while it is `cancelling`, 200 once it has stopped, and 409 for a
/// job that had already ended otherwise.
#[utoipa::path(post, path = "/v1/orgs/{org}/imports/{job}/cancel", tag = "leads",
    params(("org" = String, Path, description = "The org's id"),
        ("job" = String, Path, description = "The job's id")),
    responses((status = 202, description = "Stopping after its batch in flight", body = ImportJobRecord),
        (status = 200, description = "Already cancelled", body = ImportJobRecord),
        (status = 404, description = "The org has no such job", body = super::Problem),
        (status = 409, description = "The job had already ended", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, job)): Path<(String, String)>,
) -> Result<(StatusCode, Json<ImportJobRecord>), ApiError> {
    let record = state
        .imports
        .cancel(&access.org, &job)?
        .ok_or_else(|| not_found(&access.org, &job))?;
    match record.state {
        JobState::Running | JobState::Cancelling => Ok((StatusCode::ACCEPTED, Json(record))),
        JobState::Cancelled => Ok((StatusCode::OK, Json(record))),
        ended => Err(ApiError::Conflict(format!(
            "import job {job} has already ended ({}): nothing to cancel",
            ended.name()
        ))),
    }
}
