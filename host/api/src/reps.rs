//! `/v1/orgs/{org}/reps`: the org's reps and their live load.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::extract::{JsonBody, OrgAccess};
use super::patch::{not_null, present};
use super::{ApiError, AppState, blocking_in};
use crate::model::Rep;

/// Lists the org's reps with their open leads and last assignment.
#[utoipa::path(get, path = "/v1/orgs/{org}/reps", tag = "reps",
    params(("org" = String, Path, description = "The org's id")),
    responses((status = 200, body = Vec<Rep>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    access: OrgAccess,
) -> Result<Json<Vec<Rep>>, ApiError> {
    Ok(Json(
        blocking_in(&state, access.org.clone(), move |host| {
            host.engine.reps(&access.org)
        })
        .await?,
    ))
}

/// Creates a rep (or replaces one with the same id; the host keeps its load).
#[utoipa::path(post, path = "/v1/orgs/{org}/reps", tag = "reps",
    params(("org" = String, Path, description = "The org's id")),
    request_body = Rep, responses((status = 201, body = Rep), (status = 422, body = super::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    access: OrgAccess,
    JsonBody(rep): JsonBody<Rep>,
) -> Result<(StatusCode, Json<Rep>), ApiError> {
    let rep = blocking_in(&state, access.org.clone(), move |host| {
        host.engine.put_rep(&access.org, rep)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(rep)))
}

/// Changes to a rep; absent fields stay as they are, `null` clears an
/// optional one and is refused for the others.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepUpdate {
    /// The rep's display name; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub display_name: Option<Option<String>>,
    /// The rep's e-mail address; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub email: Option<Option<String>>,
    /// The rep's team; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub team: Option<Option<String>>,
    /// Territories covered.
    #[serde(default, deserialize_with = "not_null")]
    pub territories: Option<Vec<String>>,
    /// Segments covered.
    #[serde(default, deserialize_with = "not_null")]
    pub segments: Option<Vec<String>>,
    /// Most open leads the rep may hold.
    #[serde(default, deserialize_with = "not_null")]
    pub capacity: Option<u32>,
    /// Relative share for weighted policies.
    #[serde(default, deserialize_with = "not_null")]
    pub weight: Option<u32>,
    /// Whether the rep takes leads at all.
    #[serde(default, deserialize_with = "not_null")]
    pub available: Option<bool>,
    /// Planned absences (replaces the list).
    #[serde(default, deserialize_with = "not_null")]
    pub out_of_office: Option<Vec<crate::model::Absence>>,
}

/// Updates a rep's contact details, capacity, availability, territories, ...
#[utoipa::path(patch, path = "/v1/orgs/{org}/reps/{id}", tag = "reps",
    params(("org" = String, Path, description = "The org's id"), ("id" = String, Path, description = "The rep's id")),
    request_body = RepUpdate, responses((status = 200, body = Rep), (status = 404, body = super::Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, id)): Path<(String, String)>,
    JsonBody(update): JsonBody<RepUpdate>,
) -> Result<Json<Rep>, ApiError> {
    let rep = blocking_in(&state, access.org.clone(), move |host| {
        let engine = &host.engine;
        let Some(mut rep) = engine
            .reps(&access.org)?
            .into_iter()
            .find(|rep| rep.id == id)
        else {
            return Err(ApiError::NotFound(format!(
                "rep {id} does not exist in org {}",
                access.org
            )));
        };
        rep.display_name = update.display_name.unwrap_or(rep.display_name);
        rep.email = update.email.unwrap_or(rep.email);
        rep.team = update.team.unwrap_or(rep.team);
        rep.territories = update.territories.unwrap_or(rep.territories);
        rep.segments = update.segments.unwrap_or(rep.segments);
        rep.capacity = update.capacity.unwrap_or(rep.capacity);
        rep.weight = update.weight.unwrap_or(rep.weight);
        rep.available = update.available.unwrap_or(rep.available);
        rep.out_of_office = update.out_of_office.unwrap_or(rep.out_of_office);
        Ok(engine.put_rep(&access.org, rep)?)
    })
    .await?;
    Ok(Json(rep))
}
