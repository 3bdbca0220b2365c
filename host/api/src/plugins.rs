//! `/v1/orgs/{org}/plugins`: which version fills each slot, uploads,
//! history and rollback.

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{JsonBody, OrgAccess};
use super::{ApiError, AppState, blocking_in, bulk_in};
use crate::engine::Cancel;
use crate::engine::FieldError;
use crate::engine::plugins::Refusal;
use crate::engine::records::PluginVersion;
use crate::model::Config;
use crate::model::Slot;

/// A slot of an org: its active version and the last refused one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SlotView {
    /// The slot.
    pub slot: Slot,
    /// The active version; `null` when the slot is empty.
    pub active: Option<ActiveView>,
    /// The last component refused for the slot (a bad file, a failed
    /// sample case, a missing file); the active version served on.
    pub last_refusal: Option<Refusal>,
    /// Why the org's `org.toml` is refused, while it is (the active
    /// versions keep serving).
    pub org_file_error: Option<String>,
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
    /// The org's config values for it, from `org.toml`.
    pub config: Config,
}

fn slot_view(state: &AppState, org: &str, slot: Slot) -> SlotView {
    let status = state.host.engine.slot_status(org, slot);
    SlotView {
        slot,
        active: status.active.map(|active| ActiveView {
            name: active.name,
            hash: active.hash,
            wit_version: active.wit_version,
            since: active.since,
            config: active.config,
        }),
        last_refusal: status.last_refusal,
        org_file_error: status.org_file_error,
    }
}

/// The slot named by a path segment.
fn parse_slot(slot: &str) -> Result<Slot, ApiError> {
    Slot::ALL
        .into_iter()
        .find(|known| known.world() == slot)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "no slot `{slot}`: use lead-definition, nurture-track or routing-policy"
            ))
        })
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
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The plug-in's name (letters, digits, `-`, `_`).
    pub name: String,
}

/// The bytes of a WebAssembly component, as an upload's body.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code, reason = "it only names the body's schema in the document")]
struct ComponentBytes(Vec<u8>);

/// Uploads a component (the body, `application/wasm`) for a slot. It is
/// checked exactly as a file dropped in the org's folder would be; only a
/// component that loads for the slot is written there and activated.
#[utoipa::path(put, path = "/v1/orgs/{org}/plugins/{slot}", tag = "plugins",
    params(("org" = String, Path, description = "The org's id"),
        ("slot" = Slot, Path, description = "`lead-definition`, `nurture-track` or `routing-policy`"), UploadQuery),
    request_body(content = ComponentBytes, content_type = "application/wasm"),
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
    let slot = parse_slot(&slot)?;
    let Query(query) = query.map_err(|_| {
        ApiError::Invalid(vec![FieldError {
            field: "name".into(),
            problem: "the query needs `?name=<plug-in name>`".into(),
        }])
    })?;
    let org = access.org.clone();
    // A request dropped at its deadline (or by its client) stops its compile.
    let cancel = Cancel::new();
    let _stop_when_gone = cancel.on_drop();
    bulk_in(&state, org.clone(), request, move |host, bytes| {
        host.plugins
            .install_with(&org, slot, &query.name, &bytes, &cancel)
    })
    .await?;
    Ok(Json(slot_view(&state, &access.org, slot)))
}

/// Every version the slot has had, oldest first: name, hash, how it came
/// (`first-party`, `file`, `upload`, `rollback`, `restored`) and when.
#[utoipa::path(get, path = "/v1/orgs/{org}/plugins/{slot}/versions", tag = "plugins",
    params(("org" = String, Path, description = "The org's id"),
        ("slot" = Slot, Path, description = "`lead-definition`, `nurture-track` or `routing-policy`")),
    responses((status = 200, body = Vec<PluginVersion>)),
    security(("bearer" = [])))]
pub async fn versions(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, slot)): Path<(String, String)>,
) -> Result<Json<Vec<PluginVersion>>, ApiError> {
    let slot = parse_slot(&slot)?;
    let org = access.org.clone();
    let versions = blocking_in(&state, org.clone(), move |host| {
        host.engine.plugin_versions(&org, slot)
    })
    .await?;
    Ok(Json(versions))
}

/// Which version to go back to.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackRequest {
    /// The version's sha256, or enough of its start to name one version.
    pub to: String,
}

/// Makes an earlier version of the slot active again. It goes through the
/// same path as a file drop: written into the org's folder, checked, swapped.
#[utoipa::path(post, path = "/v1/orgs/{org}/plugins/{slot}/rollback", tag = "plugins",
    params(("org" = String, Path, description = "The org's id"),
        ("slot" = Slot, Path, description = "`lead-definition`, `nurture-track` or `routing-policy`")),
    request_body = RollbackRequest,
    responses((status = 200, body = SlotView),
        (status = 404, description = "No such version", body = super::Problem),
        (status = 422, description = "Refused; the active version keeps serving", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn rollback(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, slot)): Path<(String, String)>,
    JsonBody(request): JsonBody<RollbackRequest>,
) -> Result<Json<SlotView>, ApiError> {
    let slot = parse_slot(&slot)?;
    let org = access.org.clone();
    blocking_in(&state, org.clone(), move |host| {
        host.plugins.rollback(&org, slot, &request.to)
    })
    .await?;
    Ok(Json(slot_view(&state, &access.org, slot)))
}
