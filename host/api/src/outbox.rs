//! `/v1/orgs/{org}/tasks` and `/v1/orgs/{org}/dead-letters`: the call tasks
//! nurture tracks asked for, and the messages no webhook would take.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::OrgAccess;
use super::{ApiError, AppState, blocking_in};
use crate::engine::records::{CallTask, DeadLetter};

/// Which tasks.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// Only tasks not yet done (`true`), only done ones (`false`), or all.
    pub open: Option<bool>,
}

/// The org's call tasks, oldest first.
#[utoipa::path(get, path = "/v1/orgs/{org}/tasks", tag = "nurture",
    params(("org" = String, Path, description = "The org's id"), TaskQuery),
    responses((status = 200, body = Vec<CallTask>)), security(("bearer" = [])))]
pub async fn tasks(
    State(state): State<AppState>,
    access: OrgAccess,
    query: Result<Query<TaskQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<CallTask>>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    let org = access.org.clone();
    let tasks = blocking_in(&state, org.clone(), move |host| {
        host.engine.call_tasks(&org, query.open)
    })
    .await?;
    Ok(Json(tasks))
}

/// Marks a call task done.
#[utoipa::path(post, path = "/v1/orgs/{org}/tasks/{id}/done", tag = "nurture",
    params(("org" = String, Path, description = "The org's id"), ("id" = String, Path, description = "The task's id")),
    responses((status = 200, body = CallTask), (status = 404, body = super::Problem)),
    security(("bearer" = [])))]
pub async fn task_done(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, id)): Path<(String, String)>,
) -> Result<Json<CallTask>, ApiError> {
    let org = access.org.clone();
    let task = blocking_in(&state, org.clone(), move |host| {
        host.engine.complete_call_task(&org, &id)
    })
    .await?;
    Ok(Json(task))
}

/// The org's dead letters: outbox messages that failed every attempt.
#[utoipa::path(get, path = "/v1/orgs/{org}/dead-letters", tag = "nurture",
    params(("org" = String, Path, description = "The org's id")),
    responses((status = 200, body = Vec<DeadLetter>)), security(("bearer" = [])))]
pub async fn dead_letters(
    State(state): State<AppState>,
    access: OrgAccess,
) -> Result<Json<Vec<DeadLetter>>, ApiError> {
    let org = access.org.clone();
    let letters = blocking_in(&state, org.clone(), move |host| {
        host.engine.dead_letters(&org)
    })
    .await?;
    Ok(Json(letters))
}

/// Puts a dead letter back in the outbox, its attempts reset; it keeps its
/// id, so its idempotency key is the one the receiver may already know.
#[utoipa::path(post, path = "/v1/orgs/{org}/dead-letters/{id}/replay", tag = "nurture",
    params(("org" = String, Path, description = "The org's id"), ("id" = u64, Path, description = "The message's id")),
    responses((status = 202, description = "Back in the outbox"), (status = 404, body = super::Problem)),
    security(("bearer" = [])))]
pub async fn replay(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, id)): Path<(String, String)>,
) -> Result<axum::http::StatusCode, ApiError> {
    let org = access.org.clone();
    blocking_in(&state, org.clone(), move |host| {
        host.engine.replay_dead_letter(&org, &id)
    })
    .await?;
    Ok(axum::http::StatusCode::ACCEPTED)
}
