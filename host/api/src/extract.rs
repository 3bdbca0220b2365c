//! Request extractors: who is calling (and may they reach this org), and
//! JSON bodies that name the field at fault when they are wrong.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::{ApiError, AppState};
use crate::auth::Principal;
use crate::engine::FieldError;

/// The token of an `Authorization: Bearer <token>` header, if any.
pub(super) fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn principal(parts: &Parts, state: &AppState) -> Result<Principal, ApiError> {
    Ok(state.host.engine.authenticate(bearer(parts))?)
}

/// A caller allowed to reach the org in the path: its own token, or the
/// admin's. Another org's token gets the same 404 as a missing org, so it
/// learns nothing of what exists.
#[derive(Debug, Clone)]
pub struct OrgAccess {
    /// The org in the path.
    pub org: String,
}

impl FromRequestParts<AppState> for OrgAccess {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let principal = principal(parts, state)?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
        let org = params.get("org").cloned().unwrap_or_default();
        let allowed = match &principal {
            Principal::Admin => true,
            Principal::Org(own) => *own == org,
        };
        if !allowed {
            return Err(ApiError::NotFound(format!("org {org} does not exist")));
        }
        state.host.engine.known_org(&org)?;
        Ok(OrgAccess { org })
    }
}

/// A caller with the admin token.
#[derive(Debug, Clone, Copy)]
pub struct AdminAccess;

impl FromRequestParts<AppState> for AdminAccess {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match principal(parts, state)? {
            Principal::Admin => Ok(AdminAccess),
            Principal::Org(_) => Err(ApiError::Forbidden),
        }
    }
}

/// A JSON body. Malformed JSON is a 400 with its line and column; JSON of
/// the wrong shape is a 422 naming the field (`activities[0].kind`).
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_none_or(|value| value.starts_with("application/json"));
        if !json {
            return Err(ApiError::UnsupportedMediaType(
                "send the body as `Content-Type: application/json`".into(),
            ));
        }
        let bytes = read_body(request, state).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Reads a request's body within the route's size limit.
pub async fn read_body<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge(
                    "the body is larger than this endpoint accepts (the server's `[http]` limits: \
                     `body_kib` for one item, `bulk_mib` for batches, imports and uploads)"
                        .into(),
                )
            } else {
                ApiError::BadRequest(rejection.body_text())
            }
        })
}

/// Parses JSON, naming the field at fault.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() || inner.is_io() {
            ApiError::BadRequest(format!("the body is not valid JSON: {inner}"))
        } else {
            let field = if path == "." || path == "?" {
                "(body)".into()
            } else {
                path
            };
            ApiError::Invalid(vec![FieldError {
                field,
                problem: inner.to_string(),
            }])
        }
    })
}
