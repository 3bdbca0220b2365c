//! `/v1/orgs/{org}/reports`: the closed-loop funnel and the shared goals.

use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::OrgAccess;
use super::{ApiError, AppState, blocking_in};
use crate::engine::{Funnel, GOAL_PERIODS_MAX, GoalResult, Window};

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

/// How many periods before the current one `GET …/reports/goals` shows.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GoalsQuery {
    /// Periods before the current one, 0 to 23. Default 3.
    pub past: Option<usize>,
}

/// Past periods a goals report shows when not told: a quarter of months.
const PAST_DEFAULT: usize = 3;

/// Each goal of the org (`[[goals]]` in `org.toml`) with its target, actual
/// and projection for the current period and the ones before it.
#[utoipa::path(get, path = "/v1/orgs/{org}/reports/goals", tag = "reports",
    params(("org" = String, Path, description = "The org's id"), GoalsQuery),
    responses((status = 200, body = Vec<GoalResult>),
        (status = 422, description = "`past` out of range", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn goals(
    State(state): State<AppState>,
    access: OrgAccess,
    query: Result<Query<GoalsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<GoalResult>>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    let past = query.past.unwrap_or(PAST_DEFAULT);
    if past >= GOAL_PERIODS_MAX {
        return Err(ApiError::Invalid(vec![crate::engine::FieldError {
            field: "past".into(),
            problem: format!(
                "{past} periods: a report shows at most {} before the current one",
                GOAL_PERIODS_MAX - 1
            ),
        }]));
    }
    Ok(Json(
        blocking_in(&state, access.org.clone(), move |host| {
            host.engine.goal_report(&access.org, past)
        })
        .await?,
    ))
}
