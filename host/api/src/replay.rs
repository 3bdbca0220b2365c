//! Replaying a recorded decision: the version that made it, on the input
//! it saw, compared field by field with what it answered then.

use axum::Json;
use axum::extract::{Path, State};

use super::extract::OrgAccess;
use super::{ApiError, AppState, blocking_in};
use crate::engine::plugins::Replayed;

/// Runs decision `seq` of the lead again — the recorded version (by hash,
/// from the kept components) on the recorded input — and answers
/// `identical: true` or each field that differs. The call runs in a fresh
/// sandbox within the org's share, as live calls do; nothing is stored.
#[utoipa::path(post, path = "/v1/orgs/{org}/leads/{id}/decisions/{seq}/replay", tag = "leads",
    params(("org" = String, Path, description = "The org's id"),
        ("id" = String, Path, description = "The lead's id"),
        ("seq" = u64, Path, description = "The decision's `seq` in the lead's timeline")),
    responses((status = 200, body = Replayed),
        (status = 400, description = "`seq` is not a whole number", body = super::Problem),
        (status = 404, description = "No such lead, or no decision with that `seq`", body = super::Problem),
        (status = 409, description = "The version that decided no longer loads in this host", body = super::Problem),
        (status = 410, description = "The decision's input or version is no longer kept", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn replay(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, id, seq)): Path<(String, String, String)>,
) -> Result<Json<Replayed>, ApiError> {
    let seq: u64 = seq.parse().map_err(|_| {
        ApiError::BadRequest(format!(
            "the decision number `{seq}` is not a whole number: use a decision's `seq` from the lead's timeline"
        ))
    })?;
    let replayed = blocking_in(&state, access.org.clone(), move |host| {
        host.plugins.replay(&access.org, &id, seq)
    })
    .await?;
    Ok(Json(replayed))
}
