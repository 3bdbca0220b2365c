//! `/v1/orgs/{org}/reports`: the closed-loop funnel.

use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::OrgAccess;
use super::{ApiError, AppState, blocking_in};
use crate::engine::{Funnel, Window};

/// The window of leads a report covers.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WindowQuery {
    /// Leads created at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Leads created before this time.
    pub to: Option<DateTime<Utc>>,
}

/// The funnel of the leads the org took in during the window.
#[utoipa::path(get, path = "/v1/orgs/{org}/reports/funnel", tag = "reports",
    params(("org" = String, Path, description = "The org's id"), WindowQuery),
    responses((status = 200, body = Funnel)), security(("bearer" = [])))]
pub async fn funnel(
    State(state): State<AppState>,
    access: OrgAccess,
    query: Result<Query<WindowQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Funnel>, ApiError> {
    let Query(window) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    let window = Window {
        from: window.from,
        to: window.to,
    };
    Ok(Json(
        blocking_in(&state, access.org.clone(), move |host| {
            host.engine.funnel(&access.org, window)
        })
        .await?,
    ))
}
