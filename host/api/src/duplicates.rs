//! `/v1/orgs/{org}/duplicates`: the leads the org's duplicate rule took
//! for another with a confidence to review, and a person's answer to each.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

use super::extract::OrgAccess;
use super::views::LeadView;
use super::{ApiError, AppState, blocking_in};
use crate::engine::DuplicateReview;

/// Which pair a merge or dismissal is about.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Pair {
    /// The candidate the reviewer was shown (`candidate.id` of the
    /// listing): the request acts only if the lead still waits on that
    /// one, else 409. Left out: whatever the lead waits on now.
    #[serde(default)]
    candidate: Option<String>,
}

/// The pairs waiting on a review, oldest first (at most 200: each merge
/// or dismissal makes room for the next).
#[utoipa::path(get, path = "/v1/orgs/{org}/duplicates", tag = "duplicates",
    params(("org" = String, Path, description = "The org's id")),
    responses((status = 200, body = Vec<DuplicateReview>)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    access: OrgAccess,
) -> Result<Json<Vec<DuplicateReview>>, ApiError> {
    Ok(Json(
        blocking_in(&state, access.org.clone(), move |host| {
            host.engine.duplicate_reviews(&access.org)
        })
        .await?,
    ))
}

/// Merges the held lead into the lead the rule took it for: that lead
/// gains its activities and the fields it lacks; the held one is closed,
/// naming it, and its e-mail finds it from now on. Answers the lead merged
/// into.
#[utoipa::path(post, path = "/v1/orgs/{org}/duplicates/{id}/merge", tag = "duplicates",
    params(("org" = String, Path, description = "The org's id"), ("id" = String, Path, description = "The held lead's id"), Pair),
    responses((status = 200, body = LeadView),
        (status = 404, description = "No such lead", body = super::Problem),
        (status = 409, description = "The lead waits on no duplicate review, on another candidate than `candidate`, or the other lead was merged away since", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn merge(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, id)): Path<(String, String)>,
    query: Result<Query<Pair>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<LeadView>, ApiError> {
    let Query(pair) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    let record = blocking_in(&state, access.org.clone(), move |host| {
        host.engine
            .merge_duplicate(&access.org, &id, pair.candidate.as_deref())
    })
    .await?;
    Ok(Json(LeadView::of(record)))
}

/// Says the two are different people: the pair is never proposed again,
/// and the held lead goes on as the rule says without that candidate
/// (most often to qualification). Answers where the lead went.
#[utoipa::path(post, path = "/v1/orgs/{org}/duplicates/{id}/dismiss", tag = "duplicates",
    params(("org" = String, Path, description = "The org's id"), ("id" = String, Path, description = "The held lead's id"), Pair),
    responses((status = 200, body = LeadView),
        (status = 404, description = "No such lead", body = super::Problem),
        (status = 409, description = "The lead waits on no duplicate review, or on another candidate than `candidate`", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn dismiss(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, id)): Path<(String, String)>,
    query: Result<Query<Pair>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<LeadView>, ApiError> {
    let Query(pair) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    let record = blocking_in(&state, access.org.clone(), move |host| {
        host.engine
            .dismiss_duplicate(&access.org, &id, pair.candidate.as_deref())
    })
    .await?;
    Ok(Json(LeadView::of(record)))
}
