//! `/v1/orgs`: orgs and their tokens (admin token only).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{AdminAccess, JsonBody};
use super::{ApiError, AppState, blocking};
use crate::auth::Issued;
use crate::engine::{EngineError, FieldError};
use crate::setup::SetupError;

/// A new org.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrg {
    /// Its display name.
    pub name: String,
    /// Its id (lowercase letters, digits, `-`); made from the name when absent.
    #[serde(default)]
    pub id: Option<String>,
}

/// An org just created, with its first token (shown once).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedOrg {
    /// Its id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Its first token's secret: send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Its first token's id, to revoke it by.
    pub token_id: String,
}

/// Longest org id.
const ID_MAX: usize = 40;

/// An org id made from its name (see [`crate::engine::slug`]).
fn slug(name: &str) -> String {
    crate::engine::slug(name, ID_MAX)
}

/// Creates an org with the first-party plug-ins active in its folder.
#[utoipa::path(post, path = "/v1/orgs", tag = "orgs", request_body = NewOrg,
    responses((status = 201, body = CreatedOrg), (status = 409, description = "The id is taken", body = super::Problem),
        (status = 403, description = "Not the admin token", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    _admin: AdminAccess,
    JsonBody(new): JsonBody<NewOrg>,
) -> Result<(StatusCode, Json<CreatedOrg>), ApiError> {
    let name = new.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::Invalid(vec![FieldError {
            field: "name".into(),
            problem: "needs 1 to 200 characters".into(),
        }]));
    }
    // An id the client did not send is made from the name, so every
    // problem with it is reported against `name`.
    let (id, derived) = match new.id {
        Some(id) => (id, false),
        None => (slug(&name), true),
    };
    if derived && id.is_empty() {
        return Err(ApiError::Invalid(vec![FieldError {
            field: "name".into(),
            problem: format!(
                "`{name}` has no letters or digits to make the org's id from; send an `id` too (1 to {ID_MAX} lowercase letters, digits or `-`)"
            ),
        }]));
    }
    let created = blocking(&state, move |host| {
        let org = host.create_org(&id, &name).map_err(|error| match error {
            SetupError::Engine(EngineError::OrgExists(_)) if derived => ApiError::Conflict(
                format!("the id made from the name, `{id}`, is taken by another org; send an `id`"),
            ),
            other => other.into(),
        })?;
        let token = host.engine.issue_token(Some(&org.id))?;
        Ok::<_, ApiError>(CreatedOrg {
            id: org.id,
            name: org.name,
            created_at: org.created_at,
            token: token.token,
            token_id: token.id,
        })
    })
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Issues another token for an org.
#[utoipa::path(post, path = "/v1/orgs/{org}/tokens", tag = "orgs",
    params(("org" = String, Path, description = "The org's id")),
    responses((status = 201, body = Issued), (status = 404, body = super::Problem)),
    security(("bearer" = [])))]
pub async fn issue_token(
    State(state): State<AppState>,
    _admin: AdminAccess,
    Path(org): Path<String>,
) -> Result<(StatusCode, Json<Issued>), ApiError> {
    let issued = blocking(&state, move |host| host.engine.issue_token(Some(&org))).await?;
    Ok((StatusCode::CREATED, Json(issued)))
}

/// Revokes one of an org's tokens; requests with it are refused from now on.
#[utoipa::path(delete, path = "/v1/orgs/{org}/tokens/{id}", tag = "orgs",
    params(("org" = String, Path, description = "The org's id"), ("id" = String, Path, description = "The token's id")),
    responses((status = 204, description = "Revoked"), (status = 404, body = super::Problem)),
    security(("bearer" = [])))]
pub async fn revoke_token(
    State(state): State<AppState>,
    _admin: AdminAccess,
    Path((org, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    blocking(&state, move |host| {
        host.engine.revoke_token(&org, &id)?;
        Ok::<_, ApiError>(StatusCode::NO_CONTENT)
    })
    .await
}
