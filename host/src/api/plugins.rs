//! `/v1/orgs/{org}/plugins`: which version fills each slot, and uploads.

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{OrgAccess, read_body};
use super::{ApiError, AppState, blocking};
use crate::engine::FieldError;
use crate::plugins::Refusal;
use crate::runtime::Slot;

/// A slot of an org: its active version and the last refused one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SlotView {
    /// The slot.
    pub slot: Slot,
    /// The active version; `null` when the slot is empty.
    pub active: Option<ActiveView>,
    /// The last component refused for the slot.
    pub last_refusal: Option<Refusal>,
}

/// A plug-in version serving a slot.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActiveView {
    /// Its name.
    pub name: String,
    /// The sha256 of the component.
    pub hash: String,
    /// The WIT version it was built against.
    pub wit_version: String,
    /// When it became active.
    pub since: DateTime<Utc>,
}

fn slot_view(state: &AppState, org: &str, slot: Slot) -> SlotView {
    let registry = state.host.engine.plugins();
    SlotView {
        slot,
        active: registry.active(org, slot).map(|active| ActiveView {
            name: active.plugin.id().name.clone(),
            hash: active.plugin.id().hash.to_string(),
            wit_version: active.plugin.wit_version().to_string(),
            since: active.since,
        }),
        last_refusal: registry.last_refusal(org, slot),
    }
}

/// The org's three slots.
#[utoipa::path(get, path = "/v1/orgs/{org}/plugins", tag = "plugins",
    params(("org" = String, Path, description = "The org's id")),
    responses((status = 200, body = Vec<SlotView>)), security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, access: OrgAccess) -> Json<Vec<SlotView>> {
    Json(
        Slot::ALL
            .into_iter()
            .map(|slot| slot_view(&state, &access.org, slot))
            .collect(),
    )
}

/// The upload's name.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The plug-in's name (letters, digits, `-`, `_`).
    pub name: String,
}

/// Uploads a component (the body, `application/wasm`) for a slot. It is
/// checked exactly as a file dropped in the org's folder would be; only a
/// component that loads for the slot is written there and activated.
#[utoipa::path(put, path = "/v1/orgs/{org}/plugins/{slot}", tag = "plugins",
    params(("org" = String, Path, description = "The org's id"),
        ("slot" = Slot, Path, description = "`lead-definition`, `nurture-track` or `routing-policy`"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/wasm"),
    responses((status = 200, body = SlotView),
        (status = 422, description = "Refused; the previous version keeps serving", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, slot)): Path<(String, String)>,
    query: Result<Query<UploadQuery>, axum::extract::rejection::QueryRejection>,
    request: Request,
) -> Result<Json<SlotView>, ApiError> {
    let slot = Slot::ALL
        .into_iter()
        .find(|known| known.world() == slot)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "no slot `{slot}`: use lead-definition, nurture-track or routing-policy"
            ))
        })?;
    let Query(query) = query.map_err(|_| {
        ApiError::Invalid(vec![FieldError {
            field: "name".into(),
            problem: "the query needs `?name=<plug-in name>`".into(),
        }])
    })?;
    let bytes = read_body(request, &state).await?;
    let org = access.org.clone();
    blocking(&state, move |host| {
        host.folders
            .install(
                &host.runtime,
                host.engine.plugins(),
                &org,
                slot,
                &query.name,
                &bytes,
                host.engine.now(),
            )
            .map(drop)
    })
    .await?;
    Ok(Json(slot_view(&state, &access.org, slot)))
}
