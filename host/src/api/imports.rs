//! `POST /v1/orgs/{org}/imports`: a CSV file of leads, every row answered.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};

use super::extract::{OrgAccess, read_body};
use super::leads::batch_result;
use super::views::BatchResult;
use super::{ApiError, AppState, blocking_in};
use crate::engine::FieldError;
use crate::import::{self, ImportQuery, ImportSettings};

/// Imports a CSV file (header row first). Columns map to lead fields by
/// name (`email`, `company`, `budget`, ...) or the headers of common CRM
/// exports (`First Name` + `Last Name`, `Company Name`, `No. of Employees`,
/// `Country/Region`, `Lead Source`, `Created Date`, ...), others become
/// custom fields; `map` overrides. A column that cannot be used is skipped
/// and named once in `warnings`. Each row's result carries its line number.
#[utoipa::path(post, path = "/v1/orgs/{org}/imports", tag = "leads",
    params(("org" = String, Path, description = "The org's id"), ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "Every row's outcome, by line", body = BatchResult),
        (status = 422, description = "The header row cannot be mapped", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    access: OrgAccess,
    query: Result<Query<ImportQuery>, QueryRejection>,
    request: Request,
) -> Result<Json<BatchResult>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    let body = read_body(request, &state).await?;
    let settings = ImportSettings::from(query);
    let (mut reader, mapping) =
        import::open(&body[..], Some(&body[..]), &settings).map_err(|error| {
            ApiError::Invalid(vec![FieldError {
                field: "(header)".into(),
                problem: error.to_string(),
            }])
        })?;
    let warnings = mapping.warnings().to_vec();
    let mut row = csv::StringRecord::new();
    let (lines, rows): (Vec<usize>, Vec<_>) =
        std::iter::from_fn(|| import::next_row(&mut reader, &mapping, &mut row)).unzip();
    let results = blocking_in(&state, access.org.clone(), move |host| {
        host.engine.ingest_batch(&access.org, rows, "import")
    })
    .await?;
    let mut result = batch_result(lines.into_iter().zip(results));
    result.warnings = warnings;
    Ok(Json(result))
}
