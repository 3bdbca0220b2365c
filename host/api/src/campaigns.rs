//! `/v1/orgs/{org}/campaigns`: what marketing runs, and what sales sees
//! coming (`?upcoming=14d`).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::extract::{JsonBody, OrgAccess};
use super::{ApiError, AppState, blocking_in};
use crate::engine::{CampaignQuery, NewCampaign, RepCampaign, parse_window};
use crate::model::{Campaign, CampaignTarget};

/// Which campaigns `GET …/campaigns` lists.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CampaignListing {
    /// Only those launching within this window from now (`14d`, `36h`,
    /// `2w`; at most 366 days), soonest first.
    #[serde(default)]
    upcoming: Option<String>,
    /// `true`: archived campaigns too.
    #[serde(default)]
    archived: bool,
}

/// Lists the org's campaigns, soonest launch first; archived ones only
/// when asked for.
#[utoipa::path(get, path = "/v1/orgs/{org}/campaigns", tag = "campaigns",
    params(("org" = String, Path, description = "The org's id"), CampaignListing),
    responses((status = 200, body = Vec<Campaign>),
        (status = 422, description = "`upcoming` is not a window", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    access: OrgAccess,
    query: Result<Query<CampaignListing>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<Campaign>>, ApiError> {
    let Query(listing) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    let upcoming = listing
        .upcoming
        .as_deref()
        .map(parse_window)
        .transpose()
        .map_err(|error| ApiError::Invalid(vec![error]))?;
    let query = CampaignQuery {
        upcoming,
        archived: listing.archived,
    };
    Ok(Json(
        blocking_in(&state, access.org.clone(), move |host| {
            host.engine.campaigns(&access.org, query)
        })
        .await?,
    ))
}

/// The window `GET …/reps/{id}/campaigns` looks ahead when not told: a
/// month, so a rep sees what lands on their leads in time to prepare.
const REP_WINDOW_DEFAULT: chrono::Duration = chrono::Duration::days(30);

/// How far ahead `GET …/reps/{id}/campaigns` looks.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RepWindow {
    /// Campaigns launching within this window from now (`14d`, `36h`,
    /// `2w`; at most 366 days). Default `30d`.
    #[serde(default)]
    upcoming: Option<String>,
}

/// The upcoming campaigns that target open leads this rep holds, soonest
/// first, each with those leads.
#[utoipa::path(get, path = "/v1/orgs/{org}/reps/{id}/campaigns", tag = "campaigns",
    params(("org" = String, Path, description = "The org's id"),
        ("id" = String, Path, description = "The rep's id"), RepWindow),
    responses((status = 200, body = Vec<RepCampaign>),
        (status = 404, description = "No such rep", body = super::Problem),
        (status = 422, description = "`upcoming` is not a window", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn for_rep(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, rep)): Path<(String, String)>,
    query: Result<Query<RepWindow>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<RepCampaign>>, ApiError> {
    let Query(window) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    let within = window
        .upcoming
        .as_deref()
        .map(parse_window)
        .transpose()
        .map_err(|error| ApiError::Invalid(vec![error]))?
        .unwrap_or(REP_WINDOW_DEFAULT);
    Ok(Json(
        blocking_in(&state, access.org.clone(), move |host| {
            host.engine.rep_campaigns(&access.org, &rep, within)
        })
        .await?,
    ))
}

/// Creates a campaign; an `id` left out is made from the name.
#[utoipa::path(post, path = "/v1/orgs/{org}/campaigns", tag = "campaigns",
    params(("org" = String, Path, description = "The org's id")),
    request_body = NewCampaign,
    responses((status = 201, body = Campaign),
        (status = 409, description = "The org has a campaign with this id", body = super::Problem),
        (status = 422, body = super::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    access: OrgAccess,
    JsonBody(new): JsonBody<NewCampaign>,
) -> Result<(StatusCode, Json<Campaign>), ApiError> {
    let campaign = blocking_in(&state, access.org.clone(), move |host| {
        host.engine.create_campaign(&access.org, new)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(campaign)))
}

/// One campaign, archived or not.
#[utoipa::path(get, path = "/v1/orgs/{org}/campaigns/{id}", tag = "campaigns",
    params(("org" = String, Path, description = "The org's id"), ("id" = String, Path, description = "The campaign's id")),
    responses((status = 200, body = Campaign), (status = 404, body = super::Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, id)): Path<(String, String)>,
) -> Result<Json<Campaign>, ApiError> {
    Ok(Json(
        blocking_in(&state, access.org.clone(), move |host| {
            host.engine.campaign(&access.org, &id)
        })
        .await?,
    ))
}

/// Changes to a campaign; absent fields stay as they are, `null` clears
/// an optional one and is refused for `name`, `launch_at` and `target`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignUpdate {
    /// Its name.
    #[serde(default, deserialize_with = "super::patch::not_null")]
    pub name: Option<String>,
    /// The channel it runs on; `null` removes it.
    #[serde(default, deserialize_with = "super::patch::present")]
    #[schema(value_type = Option<String>, nullable)]
    pub channel: Option<Option<String>>,
    /// What it offers; `null` removes it.
    #[serde(default, deserialize_with = "super::patch::present")]
    #[schema(value_type = Option<String>, nullable)]
    pub offer: Option<Option<String>>,
    /// When it launches (RFC 3339).
    #[serde(default, deserialize_with = "super::patch::not_null")]
    pub launch_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When it ends (RFC 3339); `null` removes it.
    #[serde(default, deserialize_with = "super::patch::present")]
    #[schema(value_type = Option<chrono::DateTime<chrono::Utc>>, nullable)]
    pub end_at: Option<Option<chrono::DateTime<chrono::Utc>>>,
    /// Who runs it; `null` removes it.
    #[serde(default, deserialize_with = "super::patch::present")]
    #[schema(value_type = Option<String>, nullable)]
    pub owner: Option<Option<String>>,
    /// What it costs; `null` removes it.
    #[serde(default, deserialize_with = "super::patch::present")]
    #[schema(value_type = Option<f64>, nullable)]
    pub budget: Option<Option<f64>>,
    /// Whom it targets (replaces the whole target).
    #[serde(default, deserialize_with = "super::patch::not_null")]
    pub target: Option<CampaignTarget>,
}

/// Changes a campaign's name, dates, offer, budget or target.
#[utoipa::path(patch, path = "/v1/orgs/{org}/campaigns/{id}", tag = "campaigns",
    params(("org" = String, Path, description = "The org's id"), ("id" = String, Path, description = "The campaign's id")),
    request_body = CampaignUpdate,
    responses((status = 200, body = Campaign), (status = 404, body = super::Problem), (status = 422, body = super::Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, id)): Path<(String, String)>,
    JsonBody(update): JsonBody<CampaignUpdate>,
) -> Result<Json<Campaign>, ApiError> {
    Ok(Json(
        blocking_in(&state, access.org.clone(), move |host| {
            host.engine.update_campaign(&access.org, &id, |campaign| {
                let CampaignUpdate {
                    name,
                    channel,
                    offer,
                    launch_at,
                    end_at,
                    owner,
                    budget,
                    target,
                } = update.clone();
                campaign.name = name.unwrap_or(std::mem::take(&mut campaign.name));
                campaign.channel = channel.unwrap_or(campaign.channel.take());
                campaign.offer = offer.unwrap_or(campaign.offer.take());
                campaign.launch_at = launch_at.unwrap_or(campaign.launch_at);
                campaign.end_at = end_at.unwrap_or(campaign.end_at);
                campaign.owner = owner.unwrap_or(campaign.owner.take());
                campaign.budget = budget.unwrap_or(campaign.budget);
                campaign.target = target.unwrap_or(std::mem::take(&mut campaign.target));
            })
        })
        .await?,
    ))
}

/// Archives a campaign: kept (leads still name it) but left out of
/// listings; archiving it again changes nothing.
#[utoipa::path(post, path = "/v1/orgs/{org}/campaigns/{id}/archive", tag = "campaigns",
    params(("org" = String, Path, description = "The org's id"), ("id" = String, Path, description = "The campaign's id")),
    responses((status = 200, body = Campaign), (status = 404, body = super::Problem)),
    security(("bearer" = [])))]
pub async fn archive(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, id)): Path<(String, String)>,
) -> Result<Json<Campaign>, ApiError> {
    Ok(Json(
        blocking_in(&state, access.org.clone(), move |host| {
            host.engine.archive_campaign(&access.org, &id)
        })
        .await?,
    ))
}
