//! `POST /v1/orgs/{org}/imports`: a CSV file of leads, every row answered —
//! at once for a small file, through an import job for a large one.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::extract::OrgAccess;
use super::leads::batch_result;
use super::views::BatchResult;
use super::{ApiError, AppState, bulk_in};
use crate::engine::Cancel;
use crate::engine::FieldError;
use crate::engine::records::ImportJobRecord;
use crate::import::{self, ImportQuery, ImportSettings};
use crate::jobs::Row;

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
    let settings = ImportSettings::from(query);
    let (imports, sync_rows) = (state.imports.clone(), state.limits.import_sync_rows);
    let org = access.org.clone();
    // A request answered 408 (or dropped by its client) while its file was
    // parsed stores nothing and starts no job nobody would know of.
    let gone = Cancel::new();
    let _gone_when_dropped = gone.on_drop();
    let deadline = state.limits.timeout;
    let imported = bulk_in(&state, access.org.clone(), request, move |host, body| {
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
        if gone.is_cancelled() {
            return Err(ApiError::Timeout(deadline));
        }
        if rows.len() > sync_rows {
            let job = imports
                .start(&org, rows, "import", &warnings)
                .map_err(|error| ApiError::Conflict(error.to_string()))?;
            return Ok(Imported::Job(job));
        }
        let (lines, rows): (Vec<usize>, Vec<_>) = rows.into_iter().unzip();
        let results = host.engine.ingest_batch(&org, rows, "import")?;
        let mut result = batch_result(lines.into_iter().zip(results));
        result.warnings = warnings;
        Ok::<_, ApiError>(Imported::Now(result))
    })
    .await?;
    Ok(match imported {
        Imported::Now(result) => Json(result).into_response(),
        Imported::Job(job) => {
            let location = format!("/v1/orgs/{}/imports/{}", access.org, job.id);
            (
                StatusCode::ACCEPTED,
                [(header::LOCATION, location)],
                Json(job),
            )
                .into_response()
        }
    })
}

/// How an import was answered.
enum Imported {
    /// Every row stored or refused while the request waited.
    Now(BatchResult),
    /// A job started for a large file.
    Job(ImportJobRecord),
}
