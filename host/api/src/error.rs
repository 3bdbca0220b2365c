//! The API's one error type. Every failure becomes an
//! `application/problem+json` body here, with its status code chosen in one
//! place; a 5xx is logged in full and shows the client nothing internal.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::auth::AuthError;
use crate::engine::plugins::{BacktestStartError, InstallError, LoadError, ReplayError};
use crate::engine::{EngineError, ErrorKind, FieldError};
use crate::setup::SetupError;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No or an invalid token.
    #[error("{0}")]
    Unauthorized(AuthError),
    /// An org token on an admin endpoint.
    #[error("this endpoint needs the admin token")]
    Forbidden,
    /// No such resource (or one the token may not see).
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with the resource's state.
    #[error("{0}")]
    Conflict(String),
    /// What the request needs existed once and is no longer kept (an
    /// expired recorded input, a removed version).
    #[error("{0}")]
    Gone(String),
    /// The body is not what the endpoint takes; every bad field is listed.
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    /// The body or query cannot be read at all.
    #[error("{0}")]
    BadRequest(String),
    /// The body is larger than the endpoint accepts.
    #[error("{0}")]
    TooLarge(String),
    /// The body's media type is not one the endpoint reads.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Writing it would take the org past its share of the disk.
    #[error("{0}")]
    InsufficientStorage(String),
    /// A plug-in upload was refused; the previous version keeps serving.
    #[error("{0}")]
    PluginRefused(String),
    /// The route exists, but not with this method.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The request took longer than the server's limit.
    #[error(
        "the request took longer than {} ms; the work it had started still finishes and is stored, so look before sending it again (a CSV file of more than `import_sync_rows` rows runs as an import job you can follow instead)",
        .0.as_millis()
    )]
    Timeout(std::time::Duration),
    /// The server is shutting down or not ready.
    #[error("{0}")]
    Unavailable(String),
    /// The org has as much work waiting as its share allows; retry shortly.
    #[error(transparent)]
    Busy(#[from] crate::engine::ShareFull),
    /// The store failed; nothing of the request was written, so it may be
    /// sent again. The details are in the log only.
    #[error("the store failed: {0}")]
    StoreFailed(#[source] Failure),
    /// The store failed part-way through a batch, some of it stored: the
    /// detail says how much (the cause is in the log only).
    #[error("{0}")]
    PartlyStored(String),
    /// Something failed inside; the details are in the log only.
    #[error("internal error: {0}")]
    Internal(#[source] Failure),
}

/// A failure whose details go to the log, with its whole chain of causes.
pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// `error` and each of its causes, outermost first, joined by `: `; a
/// cause whose text is said already is left out (a transparent wrapper
/// shows its cause's text, and a driver's error often repeats its own:
/// what is left is what names the database, the role or the refusal).
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`/problems/invalid`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short, stable summary of the kind.
    pub title: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong in this request.
    pub detail: String,
    /// For invalid input: each field and its problem.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ApiError {
    fn status(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized", "Unauthorized"),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden", "Forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict", "Conflict"),
            ApiError::Gone(_) => (StatusCode::GONE, "gone", "No longer kept"),
            ApiError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid", "Invalid input"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad-request", "Bad request"),
            ApiError::Timeout(_) => (StatusCode::REQUEST_TIMEOUT, "timeout", "Request timeout"),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too-large", "Body too large"),
            ApiError::UnsupportedMediaType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
            ),
            ApiError::PluginRefused(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "plugin-refused",
                "Plug-in refused",
            ),
            ApiError::InsufficientStorage(_) => (
                StatusCode::INSUFFICIENT_STORAGE,
                "org-disk-full",
                "Org's disk share full",
            ),
            ApiError::MethodNotAllowed(_) => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
            ),
            ApiError::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Unavailable",
            ),
            ApiError::Busy(_) => (StatusCode::SERVICE_UNAVAILABLE, "busy", "Org busy"),
            ApiError::StoreFailed(_) | ApiError::PartlyStored(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "store-failed",
                "Store failed",
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
            ),
        }
    }

    /// The problem document for this error.
    pub fn problem(&self) -> Problem {
        let (status, kind, title) = self.status();
        let detail = match self {
            ApiError::Internal(_) => "the server failed; the error is in its log".to_string(),
            ApiError::StoreFailed(_) => {
                "the store failed; nothing of this request was stored, so it may be sent again"
                    .to_string()
            }
            other => other.to_string(),
        };
        let errors = match self {
            ApiError::Invalid(errors) => errors.clone(),
            _ => Vec::new(),
        };
        Problem {
            kind: format!("/problems/{kind}"),
            title,
            status: status.as_u16(),
            detail,
            errors,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(failure) | ApiError::StoreFailed(failure) = &self {
            let error = chain(failure.as_ref());
            tracing::error!(%error, "request failed");
        }
        let problem = self.problem();
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// The one mapping of engine errors to answers: by [`ErrorKind`], whose
/// status the batch and import paths report per item too.
impl From<EngineError> for ApiError {
    fn from(error: EngineError) -> Self {
        match error.kind() {
            ErrorKind::Invalid => match error {
                EngineError::Invalid(fields) => ApiError::Invalid(fields),
                other => ApiError::Invalid(other.into_field_errors("(request)")),
            },
            ErrorKind::NotFound => ApiError::NotFound(error.to_string()),
            ErrorKind::Conflict => ApiError::Conflict(error.to_string()),
            ErrorKind::Unavailable => match error {
                EngineError::PartlyStored { ref source, .. } => {
                    tracing::error!(error = %source, "the store failed part-way through a batch");
                    // Its text names the counts, not the store's internals.
                    ApiError::PartlyStored(error.to_string())
                }
                other => ApiError::StoreFailed(Box::new(other)),
            },
        }
    }
}

impl From<ReplayError> for ApiError {
    fn from(error: ReplayError) -> Self {
        match error {
            ReplayError::Engine(error) => error.into(),
            ReplayError::NoDecision { .. } => ApiError::NotFound(error.to_string()),
            ReplayError::InputNotKept { .. } | ReplayError::VersionNotKept { .. } => {
                ApiError::Gone(error.to_string())
            }
            ReplayError::VersionDoesNotLoad(_) => ApiError::Conflict(error.to_string()),
            ReplayError::Store(_) => ApiError::StoreFailed(Box::new(error)),
            ReplayError::Unreadable(_) => ApiError::Internal(Box::new(error)),
        }
    }
}

impl From<BacktestStartError> for ApiError {
    fn from(error: BacktestStartError) -> Self {
        match error {
            BacktestStartError::OrgBusy { .. } => ApiError::Conflict(error.to_string()),
            BacktestStartError::HostBusy => ApiError::Unavailable(error.to_string()),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::Store(error) => ApiError::StoreFailed(Box::new(error)),
            other => ApiError::Unauthorized(other),
        }
    }
}

impl From<InstallError> for ApiError {
    fn from(error: InstallError) -> Self {
        match error {
            InstallError::Refused(refusal) => ApiError::PluginRefused(refusal.reason),
            InstallError::Interrupted(_) => ApiError::Unavailable(error.to_string()),
            InstallError::OrgDiskFull { .. } => ApiError::InsufficientStorage(error.to_string()),
            InstallError::ConfigTooLarge { .. } => ApiError::TooLarge(error.to_string()),
            InstallError::BadName(_) | InstallError::NameTaken { .. } => {
                ApiError::Invalid(vec![FieldError {
                    field: "name".into(),
                    problem: error.to_string(),
                }])
            }
            InstallError::UnknownVersion { .. } => ApiError::NotFound(error.to_string()),
            InstallError::AmbiguousVersion { .. } | InstallError::BadVersion(_) => {
                ApiError::Invalid(vec![FieldError {
                    field: "to".into(),
                    problem: error.to_string(),
                }])
            }
            InstallError::Cases(_) => ApiError::Invalid(vec![FieldError {
                field: "cases".into(),
                problem: error.to_string(),
            }]),
            InstallError::EmptySlot(_)
            | InstallError::NoShadow(_)
            | InstallError::ShadowChanged { .. } => ApiError::Conflict(error.to_string()),
            InstallError::OrgFile(_) => ApiError::Conflict(error.to_string()),
            InstallError::Load(error) => error.into(),
        }
    }
}

impl From<LoadError> for ApiError {
    fn from(error: LoadError) -> Self {
        match error {
            LoadError::Store(error) => ApiError::StoreFailed(Box::new(error)),
            LoadError::Engine(error) => error.into(),
            LoadError::Folder(error) => ApiError::Internal(Box::new(error)),
        }
    }
}

impl From<SetupError> for ApiError {
    fn from(error: SetupError) -> Self {
        match error {
            SetupError::Engine(error) => error.into(),
            SetupError::Plugins(error) => error.into(),
            other => ApiError::Internal(Box::new(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A single request and a batch item or import row (which report
    /// `ErrorKind::status`) answer every kind of engine error alike.
    #[test]
    fn an_engine_error_gets_the_status_its_kind_names() {
        let errors = [
            EngineError::Invalid(vec![FieldError {
                field: "email".into(),
                problem: "missing".into(),
            }]),
            EngineError::UnknownOrg("acme".into()),
            EngineError::UnknownLead {
                org: "acme".into(),
                lead: "ld-1".into(),
            },
            EngineError::OrgExists("acme".into()),
            EngineError::NotOwner {
                lead: "ld-1".into(),
                rep: "rep-1".into(),
                owner: None,
            },
        ];
        let mut kinds = Vec::new();
        for error in errors {
            let kind = error.kind();
            let (status, _, _) = ApiError::from(error).status();
            assert_eq!(status.as_u16(), kind.status(), "{kind:?}");
            kinds.push(kind);
        }
        // A store failure (which this crate cannot make) is answered as
        // `StoreFailed`.
        let (status, _, _) = ApiError::StoreFailed("disk".into()).status();
        assert_eq!(status.as_u16(), ErrorKind::Unavailable.status());
        kinds.push(ErrorKind::Unavailable);
        for kind in [
            ErrorKind::Invalid,
            ErrorKind::NotFound,
            ErrorKind::Conflict,
            ErrorKind::Unavailable,
        ] {
            assert!(kinds.contains(&kind), "{kind:?} is covered");
        }
    }
}
