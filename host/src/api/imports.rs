//! `POST /v1/orgs/{org}/imports`: a CSV file of leads, every row answered —
//! at once for a small file, through an import job for a large one.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::extract::{OrgAccess, read_body};
use super::leads::batch_result;
use super::views::BatchResult;
use super::{ApiError, AppState, blocking_in};
use crate::engine::FieldError;
use crate::import::{self, ImportQuery, ImportSettings};
use crate::jobs::Row;
use crate::store::ImportJobRecord;

/// Imports a CSV file (header row first). Columns map to lead fields by
/// name (`email`, `company`, `budget`, ...) or the headers of common CRM
/// exports (`First Name` + `Last Name`, `Company Name`, `No. of Employees`,
/// `Country/Region`, `Lead Source`, `Created Date`, ...), others become
/// custom fields; `map` overrides. A column that cannot be used is skipped
/// and named once in `warnings`. A file of up to `[http] import_sync_rows`
/// data rows (1,000 by default) is stored while the request waits and
/// answered 200 with each row's result by line. A larger one becomes an
/// import job, answered 202 with the job and its URL in `Location`: follow
/// it there (progress, counts, refused rows by line), cancel it at
/// `…/cancel`. One job runs per org at a time; another large file
/// meanwhile is a 409.
#[utoipa::path(post, path = "/v1/orgs/{org}/imports", tag = "leads",
    params(("org" = String, Path, description = "The org's id"), ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "A small file: every row's outcome, by line", body = BatchResult),
        (status = 202, description = "A large file: the import job started; `Location` is its URL",
            body = ImportJobRecord,
            headers(("Location" = String, description = "`/v1/orgs/{org}/imports/{job}`"))),
        (status = 409, description = "The org's previous import job is still running", body = super::Problem),
        (status = 422, description = "The header row cannot be mapped", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    access: OrgAccess,
    query: Result<Query<ImportQuery>, QueryRejection>,
    request: Request,
) -> Result<Response, ApiError> {
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
    let rows: Vec<Row> =
        std::iter::from_fn(|| import::next_row(&mut reader, &mapping, &mut row)).collect();
    if rows.len() > state.limits.import_sync_rows {
        let job = state
            .imports
            .start(&access.org, rows, "import", &warnings)
            .map_err(|error| ApiError::Conflict(error.to_string()))?;
        let location = format!("/v1/orgs/{}/imports/{}", access.org, job.id);
        return Ok((
            StatusCode::ACCEPTED,
            [(header::LOCATION, location)],
            Json(job),
        )
            .into_response());
    }
    let (lines, rows): (Vec<usize>, Vec<_>) = rows.into_iter().unzip();
    let results = blocking_in(&state, access.org.clone(), move |host| {
        host.engine.ingest_batch(&access.org, rows, "import")
    })
    .await?;
    let mut result = batch_result(lines.into_iter().zip(results));
    result.warnings = warnings;
    Ok(Json(result).into_response())
}
