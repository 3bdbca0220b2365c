//! `/v1/orgs/{org}/plugins/{slot}/shadow`: how the slot's shadow compares
//! with the live version, and promoting it.

use axum::Json;
use axum::extract::{Path, State};

use super::extract::OrgAccess;
use super::plugins::{SlotView, parse_slot, slot_view};
use super::{ApiError, AppState, blocking_in};
use crate::engine::ShadowReport;
use crate::model::Slot;

/// The slot's shadow: which candidate runs beside the live version, how
/// often they agree, the live × shadow table of verdicts and the latest
/// disagreements with both sides' reasons.
#[utoipa::path(get, path = "/v1/orgs/{org}/plugins/{slot}/shadow", tag = "plugins",
    params(("org" = String, Path, description = "The org's id"),
        ("slot" = Slot, Path, description = "`lead-definition`, `nurture-track` or `routing-policy`")),
    responses((status = 200, body = ShadowReport), (status = 404, body = super::Problem)),
    security(("bearer" = [])))]
pub async fn report(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, slot)): Path<(String, String)>,
) -> Result<Json<ShadowReport>, ApiError> {
    let slot = parse_slot(&slot)?;
    let org = access.org.clone();
    let report = blocking_in(&state, org.clone(), move |host| {
        host.engine.shadow_report(&org, slot)
    })
    .await?;
    Ok(Json(report))
}

/// Makes the slot's shadow its live version, through the one activation
/// path: written into `org.toml` as the slot's component (the shadow entry
/// gone, its `shadow_config` laid over the slot's config), checked against
/// its sample cases, activated as a `promote` version (in the history, and
/// rolled back like any other).
#[utoipa::path(post, path = "/v1/orgs/{org}/plugins/{slot}/shadow/promote", tag = "plugins",
    params(("org" = String, Path, description = "The org's id"),
        ("slot" = Slot, Path, description = "`lead-definition`, `nurture-track` or `routing-policy`")),
    responses((status = 200, body = SlotView),
        (status = 409, description = "The slot has no shadow, or org.toml cannot be used", body = super::Problem),
        (status = 422, description = "The shadow was refused as the live version; the live version keeps serving", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn promote(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, slot)): Path<(String, String)>,
) -> Result<Json<SlotView>, ApiError> {
    let slot = parse_slot(&slot)?;
    let org = access.org.clone();
    let view = blocking_in(&state, org.clone(), move |host| {
        host.plugins
            .promote_shadow(&org, slot)
            .map(|_| slot_view(host, &org, slot))
            .map_err(ApiError::from)
    })
    .await?;
    Ok(Json(view))
}
