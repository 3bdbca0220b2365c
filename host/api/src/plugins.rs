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
use crate::setup::Host;

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
    /// How the org's folder differs from what serves the slot (another
    /// component or file, config values, a refused `org.toml`), and why it
    /// is not serving; `null` when the folder says what serves.
    pub org_file_differs: Option<String>,
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
    /// When it became active: this component with this config.
    pub since: DateTime<Utc>,
    /// The org's config values for it, from `org.toml`.
    pub config: Config,
    /// The sha256 of the config as JSON, hex: what each decision records,
    /// and the version entry's `config_digest`.
    pub config_digest: String,
}

/// The slot's view; reads the org's folder (call it off the async threads).
pub(crate) fn slot_view(host: &Host, org: &str, slot: Slot) -> SlotView {
    let status = host.engine.slot_status(org, slot);
    SlotView {
        org_file_differs: host.plugins.folder_differs(org, slot),
        slot,
        active: status.active.map(|active| ActiveView {
            name: active.name,
            hash: active.hash,
            wit_version: active.wit_version,
            since: active.since,
            config: active.config,
            config_digest: active.config_digest,
        }),
        last_refusal: status.last_refusal,
        org_file_error: status.org_file_error,
    }
}

/// The slot named by a path segment.
pub(crate) fn parse_slot(slot: &str) -> Result<Slot, ApiError> {
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
pub async fn list(
    State(state): State<AppState>,
    access: OrgAccess,
) -> Result<Json<Vec<SlotView>>, ApiError> {
    let org = access.org.clone();
    let slots = blocking_in(&state, org.clone(), move |host| {
        Ok::<_, ApiError>(
            Slot::ALL
                .into_iter()
                .map(|slot| slot_view(host, &org, slot))
                .collect(),
        )
    })
    .await?;
    Ok(Json(slots))
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

/// Uploads a component for a slot: the body as `application/wasm`, or as
/// `multipart/form-data` with a `component` part and, optionally, a
/// `cases` part (the plug-in's sample cases, a JSON array) that replaces
/// its cases in the same step. It is checked exactly as a file dropped in
/// the org's folder would be (against the cases it brings); only a
/// component that loads for the slot and passes is written there and
/// activated.
#[utoipa::path(put, path = "/v1/orgs/{org}/plugins/{slot}", tag = "plugins",
    params(("org" = String, Path, description = "The org's id"),
        ("slot" = Slot, Path, description = "`lead-definition`, `nurture-track` or `routing-policy`"), UploadQuery),
    request_body(content = ComponentBytes, content_type = "application/wasm"),
    responses((status = 200, body = SlotView),
        (status = 422, description = "Refused; the previous version keeps serving", body = super::Problem),
        (status = 503, description = "The check could not finish on the host's load at that moment (a deadline, no instance slot free); nothing was changed: send it again after `Retry-After`", body = super::Problem),
        (status = 507, description = "The org's plug-in files and history are at their bound (`[limits] org_disk_mib`); nothing was written", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, slot)): Path<(String, String)>,
    query: Result<Query<UploadQuery>, axum::extract::rejection::QueryRejection>,
    request: Request,
) -> Result<Json<SlotView>, ApiError> {
    let slot = parse_slot(&slot)?;
    let query = match query {
        Ok(Query(query)) => query,
        Err(rejection) => {
            drain(request).await;
            return Err(query_refused(&rejection));
        }
    };
    let org = access.org.clone();
    let boundary = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .filter(|value| value.starts_with("multipart/"))
        .map(|value| {
            multer::parse_boundary(value).map_err(|error| {
                ApiError::BadRequest(format!("a multipart body needs its boundary: {error}"))
            })
        })
        .transpose()?;
    // A request dropped at its deadline (or by its client) stops its compile.
    let cancel = Cancel::new();
    let _stop_when_gone = cancel.on_drop();
    let view = bulk_in(&state, org.clone(), request, move |host, body| {
        let (component, cases) = match boundary {
            Some(boundary) => upload_parts(body, boundary)?,
            None => (body, None),
        };
        host.plugins
            .install_with_cases(
                &org,
                slot,
                &query.name,
                &component,
                cases.as_deref(),
                &cancel,
            )
            .map(|_| slot_view(host, &org, slot))
            .map_err(ApiError::from)
    })
    .await?;
    Ok(Json(view))
}

/// The error for an upload's query that does not parse: the parameter it
/// does not take, or the missing `name`.
fn query_refused(rejection: &axum::extract::rejection::QueryRejection) -> ApiError {
    let text = rejection.body_text();
    // serde names an unknown parameter between backticks.
    match text.split('`').nth(1).filter(|_| text.contains("unknown field")) {
        Some(unknown) => ApiError::Invalid(vec![FieldError {
            field: unknown.to_string(),
            problem: "an upload's query takes only `name`; the version serves with the config org.toml gives its plug-in (or the config it last served with), so set config there after the upload".into(),
        }]),
        None => ApiError::Invalid(vec![FieldError {
            field: "name".into(),
            problem: "the query needs `?name=<plug-in name>`".into(),
        }]),
    }
}

/// How much of a refused upload's body is read before the answer, and for
/// how long at most: a client still sending a small body when a refusal
/// closed the connection would see a broken pipe instead of the answer; a
/// large or slow one is cut off after this.
const DRAIN_BYTES: usize = 64 * 1024;
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(1);

/// Reads (and drops) what the client is still sending of `request`'s body,
/// up to [`DRAIN_BYTES`] within [`DRAIN_TIME`], before a refusal answers.
async fn drain(request: Request) {
    let _ = tokio::time::timeout(
        DRAIN_TIME,
        axum::body::to_bytes(request.into_body(), DRAIN_BYTES),
    )
    .await;
}

/// Every version the slot has had, oldest first: name, hash, config and
/// its digest, how it came (`first-party`, `file`, `upload`, `config`,
/// `rollback`, `restore`), what changed in the config, and when.
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
    /// The version: its component's sha256, or enough of its start to name
    /// one; to pick one of the configs it served with, followed by `:` and
    /// (a start of) that entry's `config_digest` (`cc1a7bf2:9e01`).
    /// Without one, the component's latest config.
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
        (status = 422, description = "Refused; the active version keeps serving", body = super::Problem),
        (status = 503, description = "The check could not finish on the host's load at that moment; nothing was changed: send it again after `Retry-After`", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn rollback(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, slot)): Path<(String, String)>,
    JsonBody(request): JsonBody<RollbackRequest>,
) -> Result<Json<SlotView>, ApiError> {
    let slot = parse_slot(&slot)?;
    let org = access.org.clone();
    let view = blocking_in(&state, org.clone(), move |host| {
        host.plugins
            .rollback(&org, slot, &request.to)
            .map(|_| slot_view(host, &org, slot))
    })
    .await?;
    Ok(Json(view))
}

/// The `component` and `cases` parts of a multipart upload (already read:
/// parsing runs on the upload's blocking thread).
///
/// Errors: a malformed body (400); a part of another name, a repeated
/// part or no `component` (422, naming the part).
fn upload_parts(
    body: bytes::Bytes,
    boundary: String,
) -> Result<(bytes::Bytes, Option<bytes::Bytes>), ApiError> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let malformed = |error: multer::Error| ApiError::BadRequest(format!("multipart body: {error}"));
    let invalid = |field: &str, problem: String| {
        ApiError::Invalid(vec![FieldError {
            field: field.into(),
            problem,
        }])
    };
    tokio::runtime::Handle::current().block_on(async move {
        let (mut component, mut cases) = (None, None);
        while let Some(field) = multipart.next_field().await.map_err(malformed)? {
            let name = field.name().unwrap_or_default().to_string();
            let place = match name.as_str() {
                "component" => &mut component,
                "cases" => &mut cases,
                other => {
                    return Err(invalid(
                        other,
                        "unknown part: send `component` (the .wasm) and optionally `cases` (JSON)"
                            .into(),
                    ));
                }
            };
            if place.is_some() {
                return Err(invalid(&name, "given twice".into()));
            }
            *place = Some(field.bytes().await.map_err(malformed)?);
        }
        let component = component.ok_or_else(|| {
            invalid(
                "component",
                "missing: the part with the component's bytes".into(),
            )
        })?;
        Ok((component, cases))
    })
}
