//! Who is asking, and may they: the session behind a request's cookie, the
//! org in its path, and the checks every post passes (same site, the
//! session's CSRF secret) before its form is read.

use std::collections::HashMap;
use std::time::Instant;

use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::UiState;
use crate::engine::auth::Principal;
use crate::error::UiError;
use crate::layout::Chrome;
use crate::session::{COOKIE, Notice, Session, csrf_matches};

/// A request with a live session whose token is still live.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The session id, from the cookie.
    pub id: String,
    /// The session.
    pub session: Session,
    /// The notice left for this page, if any.
    pub notice: Option<Notice>,
}

/// The value of the session cookie, if the request sent one.
pub(crate) fn session_cookie(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == COOKIE)
        .map(|cookie| cookie.value().to_string())
}

impl Signed {
    /// The session of `parts`, if it has a live one.
    pub(crate) fn of(parts: &Parts, state: &UiState) -> Result<Option<Signed>, UiError> {
        let Some(id) = session_cookie(parts) else {
            return Ok(None);
        };
        let Some((session, notice)) = state.sessions.find(&id, Instant::now()) else {
            return Ok(None);
        };
        match state.host.engine.authenticate_digest(&session.token_digest) {
            Ok(principal) if principal == session.principal => Ok(Some(Signed {
                id,
                session,
                notice,
            })),
            Ok(_) | Err(crate::engine::auth::AuthError::Invalid) => {
                // The token was revoked: its sessions end with it.
                state.sessions.end(&id);
                Ok(None)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Whether this session may see `org`.
    pub fn reaches(&self, org: &str) -> bool {
        match &self.session.principal {
            Principal::Admin => true,
            Principal::Org(own) => own == org,
        }
    }
}

impl FromRequestParts<UiState> for Signed {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &UiState) -> Result<Self, UiError> {
        Signed::of(parts, state)?.ok_or_else(|| signed_out(parts))
    }
}

fn signed_out(parts: &Parts) -> UiError {
    let read = parts.method == Method::GET || parts.method == Method::HEAD;
    UiError::SignedOut {
        next: read.then(|| {
            parts
                .uri
                .path_and_query()
                .map_or("/", |path| path.as_str())
                .to_string()
        }),
    }
}

/// A signed-in request for a page of the org in its path. Another org's
/// session gets the same 404 as an org that does not exist.
#[derive(Debug, Clone)]
pub struct OrgPage {
    /// The org in the path.
    pub org: String,
    /// The session.
    pub signed: Signed,
}

impl OrgPage {
    /// The page's frame: menu, session, notice.
    pub fn chrome(&self) -> Chrome {
        Chrome {
            org: Some(self.org.clone()),
            admin: self.signed.session.principal == Principal::Admin,
            csrf: self.signed.session.csrf.clone(),
            notice: self.signed.notice.clone(),
        }
    }
}

impl FromRequestParts<UiState> for OrgPage {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &UiState) -> Result<Self, UiError> {
        let signed = Signed::from_request_parts(parts, state).await?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| UiError::NotFound("Not found.".into()))?;
        let org = params.get("org").cloned().unwrap_or_default();
        if !signed.reaches(&org) || state.host.engine.known_org(&org).is_err() {
            return Err(UiError::NotFound(format!("There is no org {org} here.")));
        }
        Ok(OrgPage { org, signed })
    }
}

/// Refuses a post the browser says comes from another site
/// (`Sec-Fetch-Site`) or whose `Origin` is not this host: a second wall
/// behind `SameSite=Strict` and the CSRF secret.
pub(crate) fn same_site(parts: &Parts) -> Result<(), UiError> {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return Err(UiError::Forbidden(format!(
            "This form was sent from another site ({site}); send it from the dashboard itself."
        )));
    }
    if let Some(origin) = header("origin") {
        let host = header("host").unwrap_or_default();
        let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
        if origin_host != host {
            return Err(UiError::Forbidden(format!(
                "This form was sent from {origin}, not from this host; send it from the dashboard itself."
            )));
        }
    }
    Ok(())
}

/// A form posted to an org's page: signed in, reaching the org, from this
/// site, with the session's CSRF secret in the field `csrf`; the rest of
/// the fields read as `T`.
#[derive(Debug)]
pub struct Posted<T> {
    /// Who posted, and to which org.
    pub page: OrgPage,
    /// The form's fields.
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<UiState> for Posted<T> {
    type Rejection = UiError;

    async fn from_request(request: Request, state: &UiState) -> Result<Self, UiError> {
        let (mut parts, body) = request.into_parts();
        same_site(&parts)?;
        let page = OrgPage::from_request_parts(&mut parts, state).await?;
        let body = read_body(Request::from_parts(parts, body), FORM_BYTES).await?;
        let csrf = form_urlencoded::parse(&body)
            .find(|(name, _)| name == "csrf")
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default();
        check_csrf(&page.signed.session, &csrf)?;
        let form = serde_urlencoded::from_bytes(&body)
            .map_err(|error| UiError::Invalid(format!("The form is not complete: {error}.")))?;
        Ok(Posted { page, form })
    }
}

/// Refuses a post without the session's CSRF secret.
pub(crate) fn check_csrf(session: &Session, given: &str) -> Result<(), UiError> {
    if csrf_matches(session, given) {
        Ok(())
    } else {
        Err(UiError::Forbidden(
            "This form is not from your session (its CSRF field is missing or stale); reload the page and send it again."
                .into(),
        ))
    }
}

/// Largest form post but an upload: the longest form (a backtest's) is
/// well under 1 KiB; 16 KiB leaves room and bounds what a post costs.
pub(crate) const FORM_BYTES: usize = 16 << 10;

/// A request's body, at most `limit` bytes.
pub(crate) async fn read_body(request: Request, limit: usize) -> Result<Bytes, UiError> {
    let body = axum::body::to_bytes(request.into_body(), limit).await;
    body.map_err(|_| {
        UiError::TooLarge(if limit >= 1 << 20 {
            format!(
                "The upload is larger than the host takes ({} MiB, `[http] bulk_mib`).",
                limit >> 20
            )
        } else {
            format!(
                "The form is larger than the host takes ({} KiB).",
                limit >> 10
            )
        })
    })
}
