//! `/v1/orgs/{org}/plugins/{slot}/cases`: the sample cases of the plug-in
//! serving a slot, read and replaced without file access.

use axum::Json;
use axum::extract::{Path, Request, State};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::extract::OrgAccess;
use super::plugins::parse_slot;
use super::{ApiError, AppState, blocking_in, bulk_in};

/// A plug-in's sample cases.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CasesView {
    /// The plug-in they belong to (the one serving the slot).
    pub plugin: String,
    /// The cases, as written: `[{name, input, expect}]`.
    #[schema(value_type = Vec<Object>)]
    pub cases: Value,
}

/// `GET`'s answer sent back to `PUT`: its `cases` are taken.
#[derive(serde::Deserialize)]
struct CasesBody {
    cases: Value,
}

/// The sample cases of the plug-in serving the slot (`[]` when it has none).
#[utoipa::path(get, path = "/v1/orgs/{org}/plugins/{slot}/cases", tag = "plugins",
    params(("org" = String, Path, description = "The org's id"),
        ("slot" = String, Path, description = "`lead-definition`, `nurture-track` or `routing-policy`")),
    responses((status = 200, body = CasesView),
        (status = 409, description = "Nothing serves the slot", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, slot)): Path<(String, String)>,
) -> Result<Json<CasesView>, ApiError> {
    let slot = parse_slot(&slot)?;
    let org = access.org.clone();
    let (plugin, cases) = blocking_in(&state, org.clone(), move |host| {
        host.plugins.cases(&org, slot)
    })
    .await?;
    Ok(Json(CasesView { plugin, cases }))
}

/// Replaces the sample cases of the plug-in serving the slot (the body: a
/// JSON array of `{name, input, expect}`, 1 to 1,000 of them, or what `GET`
/// answers, `{"plugin", "cases": [...]}`). Every case must
/// pass on the serving version with its config; otherwise nothing changes
/// and the answer names each failing case (1-based).
#[utoipa::path(put, path = "/v1/orgs/{org}/plugins/{slot}/cases", tag = "plugins",
    params(("org" = String, Path, description = "The org's id"),
        ("slot" = String, Path, description = "`lead-definition`, `nurture-track` or `routing-policy`")),
    request_body(content = Vec<Object>, content_type = "application/json"),
    responses((status = 200, body = CasesView),
        (status = 409, description = "Nothing serves the slot", body = super::Problem),
        (status = 422, description = "Unreadable cases, or cases the plug-in fails", body = super::Problem),
        (status = 503, description = "Another version became active while the cases ran; send them again", body = super::Problem),
        (status = 507, description = "The org's plug-in files and history are at their bound (`[limits] org_disk_mib`); nothing was written", body = super::Problem)),
    security(("bearer" = [])))]
pub async fn replace(
    State(state): State<AppState>,
    access: OrgAccess,
    Path((_, slot)): Path<(String, String)>,
    request: Request,
) -> Result<Json<CasesView>, ApiError> {
    let slot = parse_slot(&slot)?;
    let org = access.org.clone();
    let (plugin, cases) = bulk_in(&state, org.clone(), request, move |host, body| {
        // What `GET` answers may be sent back as it is: `{"plugin", "cases"}`.
        // (Only an object: serde would also read a one-case array as one.)
        let object = body.iter().find(|byte| !byte.is_ascii_whitespace()) == Some(&b'{');
        let body = match serde_json::from_slice::<CasesBody>(&body) {
            Ok(CasesBody { cases }) if object => {
                serde_json::to_vec(&cases).unwrap_or_default().into()
            }
            _ => body,
        };
        host.plugins.replace_cases(&org, slot, &body)?;
        host.plugins.cases(&org, slot)
    })
    .await?;
    Ok(Json(CasesView { plugin, cases }))
}
