//! `/v1/orgs/{org}/leads`: take leads in, read them back with their
//! timeline, record activity and sales feedback, re-run failed steps.

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};

use super::extract::{JsonBody, OrgAccess, parse_json};
use super::views::{ActivityInput, BatchResult, InputView, ItemResult, LeadPage, LeadView};
use super::{ApiError, AppState, blocking_in, bulk_turn_in, durably, durably_in};
use crate::engine::Cancel;
use crate::engine::{EngineError, Feedback, FieldError, Ingested, LeadQuery, LeadSubmission};
use crate::model::Activity;

/// Most items in one batch by default (`[http] batch_max`): what the
/// README and the OpenAPI description promise unless a server sets less.
pub const BATCH_MAX: usize = 1000;

/// Creates a lead, or merges it into the org's lead with the same e-mail.
#[utoipa::path(post, path = "/v1/orgs/{org}/leads", tag = "leads",
    params(("org" = String, Path, description = "The org's id")),
    request_body = LeadSubmission,
    responses(
        (status = 201, description = "A new lead, qualified and acted on", body = LeadView),
        (status = 200, description = "Merged into the existing lead with this e-mail (a submission it had received before changes nothing)", body = LeadView),
        (status = 422, description = "Invalid fields", body = super::Problem),
    ),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    access: OrgAccess,
    JsonBody(submission): JsonBody<LeadSubmission>,
) -> Result<(StatusCode, Json<LeadView>), ApiError> {
    let ingested = durably_in(&state, access.org.clone(), move |host| {
        host.engine.ingest_pending(&access.org, submission, "api")
    })
    .await?;
    let status = if ingested.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(LeadView::of(ingested.record))))
}

/// Creates many leads: a JSON array, or NDJSON (`Content-Type:
/// application/x-ndjson`, one lead a line). Each item gets its own result;
/// the batch is acknowledged once, after one flush.
#[utoipa::path(post, path = "/v1/orgs/{org}/leads/batch", tag = "leads",
    params(("org" = String, Path, description = "The org's id")),
    request_body(content = Vec<super::views::BatchItem>,
        description = "A JSON array of lead submissions (at most 1000); or the same as NDJSON lines with `Content-Type: application/x-ndjson`"),
    responses((status = 200, description = "Every item's outcome", body = BatchResult),
        (status = 413, description = "More than 1000 items, or a body over `[http] bulk_mib`", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn batch(
    State(state): State<AppState>,
    access: OrgAccess,
    request: Request,
) -> Result<Json<BatchResult>, ApiError> {
    let ndjson = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-ndjson"));
    // A batch answered 408 (or dropped by its client) while it was parsed
    // is not stored: its client will send it again.
    let gone = Cancel::new();
    let _gone_when_dropped = gone.on_drop();
    let (deadline, max) = (state.limits.timeout, state.limits.batch_max);
    let (flushing, pending) = bulk_turn_in(
        &state,
        access.org.clone(),
        request,
        move |host, body, turn| {
            let items = batch_items(&body, ndjson, max)?;
            if gone.is_cancelled() {
                return Err(ApiError::Timeout(deadline));
            }
            let pending = host
                .engine
                .ingest_batch_pending(&access.org, items, "api")?;
            Ok((turn.done_running(), pending))
        },
    )
    .await?;
    let results = durably(&state, flushing, pending).await?;
    Ok(Json(batch_result(results.into_iter().enumerate())))
}

/// A batch's items, each parsed on its own (a bad item fails alone); more
/// than `max` (`[http] batch_max`) is refused before any is parsed where
/// the count is known first (NDJSON lines).
fn batch_items(
    body: &[u8],
    ndjson: bool,
    max: usize,
) -> Result<Vec<Result<LeadSubmission, Vec<FieldError>>>, ApiError> {
    let too_many = |count: usize| {
        ApiError::TooLarge(format!(
            "a batch holds at most {max} leads and this one has {count}: split it"
        ))
    };
    if ndjson {
        let text = std::str::from_utf8(body)
            .map_err(|_| ApiError::BadRequest("the body is not UTF-8".into()))?;
        let lines = || text.lines().filter(|line| !line.trim().is_empty());
        let count = lines().count();
        if count > max {
            return Err(too_many(count));
        }
        return Ok(lines()
            .map(|line| LeadSubmission::from_json(line).map_err(|error| vec![error]))
            .collect());
    }
    let values: Vec<serde_json::Value> = parse_json(body)?;
    if values.len() > max {
        return Err(too_many(values.len()));
    }
    Ok(values
        .into_iter()
        .map(|value| {
            serde_json::from_value(value).map_err(|error| {
                vec![FieldError {
                    field: "(item)".into(),
                    problem: error.to_string(),
                }]
            })
        })
        .collect())
}

/// Sums up per-item results, numbered by `item`.
pub fn batch_result(
    results: impl Iterator<Item = (usize, Result<Ingested, EngineError>)>,
) -> BatchResult {
    let mut batch = BatchResult::default();
    for (item, result) in results {
        let outcome = match result {
            Ok(ingested) => {
                if ingested.created {
                    batch.created += 1
                } else if ingested.unchanged {
                    batch.unchanged += 1
                } else {
                    batch.merged += 1
                }
                ItemResult {
                    item,
                    status: if ingested.created { 201 } else { 200 },
                    id: Some(ingested.record.id().to_string()),
                    stage: Some(ingested.record.stage.kind()),
                    errors: Vec::new(),
                }
            }
            Err(error) => {
                batch.rejected += 1;
                let status = error.kind().status();
                let errors = error.into_field_errors("(item)");
                ItemResult {
                    item,
                    status,
                    id: None,
                    stage: None,
                    errors,
                }
            }
        };
        batch.results.push(outcome);
    }
    batch
}

/// A lead with its timeline: activities, events and decisions in order.
#[utoipa::path(get, path = "/v1/orgs/{org}/leads/{id}", tag = "leads",
    params(("org" = String, Path, description = "The org's id"), ("id" = String, Path, description = "The lead's id"), LeadDetail),
    responses((status = 200, body = LeadView), (status = 400, body = super::Problem), (status = 404, body = super::Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, id)): Path<(String, String)>,
    query: Result<Query<LeadDetail>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<LeadView>, ApiError> {
    let Query(detail) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    let view = blocking_in(&state, access.org.clone(), move |host| {
        let record = host.engine.lead(&access.org, &id)?;
        let timeline = host.engine.timeline(&access.org, &id)?;
        let mut view = LeadView::of(record);
        if detail.inputs {
            let inputs = host.engine.decision_inputs(&access.org, &timeline)?;
            view.inputs = Some(
                inputs
                    .into_iter()
                    .filter_map(|(digest, input)| Some((digest, InputView::of(input?)?)))
                    .collect(),
            );
        }
        view.timeline = Some(timeline);
        Ok::<_, EngineError>(view)
    })
    .await?;
    Ok(Json(view))
}

/// What `GET …/leads/{id}` shows besides the lead and its timeline.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LeadDetail {
    /// `true`: also each decision's recorded input, by its digest.
    #[serde(default)]
    inputs: bool,
}

/// The org's leads, in id order, filtered, a page at a time.
#[utoipa::path(get, path = "/v1/orgs/{org}/leads", tag = "leads",
    params(("org" = String, Path, description = "The org's id"), LeadQuery),
    responses((status = 200, body = LeadPage),
        (status = 422, description = "`limit` is out of range", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    access: OrgAccess,
    query: Result<Query<LeadQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<LeadPage>, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    let page = blocking_in(&state, access.org.clone(), move |host| {
        host.engine.leads(&access.org, &query)
    })
    .await?;
    let page = LeadPage {
        leads: page.leads.into_iter().map(LeadView::of).collect(),
        next_cursor: page.next_cursor,
    };
    Ok(Json(page))
}

/// Records an activity or an answer; a lead marketing holds is re-qualified,
/// the owner of a lead sales holds is told.
#[utoipa::path(post, path = "/v1/orgs/{org}/leads/{id}/activities", tag = "leads",
    params(("org" = String, Path, description = "The org's id"), ("id" = String, Path, description = "The lead's id")),
    request_body = ActivityInput,
    responses((status = 200, body = LeadView), (status = 404, body = super::Problem), (status = 422, body = super::Problem)),
    security(("bearer" = [])))]
pub async fn activity(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, id)): Path<(String, String)>,
    JsonBody(input): JsonBody<ActivityInput>,
) -> Result<Json<LeadView>, ApiError> {
    let record = blocking_in(&state, access.org.clone(), move |host| {
        let activity = Activity {
            kind: input.kind,
            at: input.at.unwrap_or_else(|| host.engine.now()),
            detail: input.detail,
        };
        host.engine.record_activity(&access.org, &id, activity)
    })
    .await?;
    Ok(Json(LeadView::of(record)))
}

/// Sales feedback: accept, won, lost (with a reason) or pass back (with a reason).
#[utoipa::path(post, path = "/v1/orgs/{org}/leads/{id}/feedback", tag = "leads",
    params(("org" = String, Path, description = "The org's id"), ("id" = String, Path, description = "The lead's id")),
    request_body = Feedback,
    responses((status = 200, body = LeadView), (status = 409, description = "Not allowed from the lead's stage", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn feedback(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, id)): Path<(String, String)>,
    JsonBody(feedback): JsonBody<Feedback>,
) -> Result<Json<LeadView>, ApiError> {
    let record = blocking_in(&state, access.org.clone(), move |host| {
        host.engine.feedback(&access.org, &id, feedback)
    })
    .await?;
    Ok(Json(LeadView::of(record)))
}

/// Re-runs the failed step of a lead in needs-review with the plug-in now active.
#[utoipa::path(post, path = "/v1/orgs/{org}/leads/{id}/retry", tag = "leads",
    params(("org" = String, Path, description = "The org's id"), ("id" = String, Path, description = "The lead's id")),
    responses((status = 200, body = LeadView), (status = 409, description = "The lead is not in needs-review", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn retry(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, id)): Path<(String, String)>,
) -> Result<Json<LeadView>, ApiError> {
    let record = blocking_in(&state, access.org.clone(), move |host| {
        host.engine.retry(&access.org, &id)
    })
    .await?;
    Ok(Json(LeadView::of(record)))
}
