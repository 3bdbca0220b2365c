//! What a page answers when it cannot show what was asked: one mapping of
//! failures to status codes, each rendered as a short HTML page (never
//! JSON, never a stack).

use std::time::Duration;

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::engine::auth::AuthError;
use crate::engine::plugins::{InstallError, LoadError};
use crate::engine::{EngineError, ShareFull};
use crate::layout;

/// A page or form post that failed.
#[derive(Debug, thiserror::Error)]
pub enum UiError {
    /// No live session: a page read is sent to sign in (and back after),
    /// a post is refused.
    #[error("sign in first")]
    SignedOut {
        /// The path to come back to after signing in (reads only).
        next: Option<String>,
    },
    /// What the URL names does not exist, or belongs to another org:
    /// both answer alike, so no org learns what another has (404).
    #[error("{0}")]
    NotFound(String),
    /// A post without this session's CSRF secret, or from another site (403).
    #[error("{0}")]
    Forbidden(String),
    /// The input is wrong; says which field and why (422).
    #[error("{0}")]
    Invalid(String),
    /// The engine refused or failed; its kind gives the status.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The org has as much work running and waiting as its share allows (503).
    #[error(transparent)]
    Busy(#[from] ShareFull),
    /// The request's body was larger than the dashboard takes (413).
    #[error("{0}")]
    TooLarge(String),
    /// A plug-in change refused or failed, with the status the API gives
    /// the same failure (`From<InstallError>` below keeps the two alike).
    #[error("{1}")]
    Plugin(StatusCode, String),
    /// Something broke inside the host (500); logged, not shown.
    #[error("{0}")]
    Internal(String),
}

impl From<AuthError> for UiError {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::Store(error) => UiError::Engine(EngineError::Store(error)),
            _ => UiError::SignedOut { next: None },
        }
    }
}

impl From<InstallError> for UiError {
    fn from(error: InstallError) -> Self {
        let status = match &error {
            InstallError::Load(LoadError::Engine(engine)) => {
                StatusCode::from_u16(engine.kind().status())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            InstallError::Load(LoadError::Folder(_)) => {
                return UiError::Internal(error.to_string());
            }
            InstallError::Load(LoadError::Store(_)) | InstallError::Interrupted(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            InstallError::OrgDiskFull { .. } => StatusCode::INSUFFICIENT_STORAGE,
            InstallError::ConfigTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            InstallError::UnknownVersion { .. } => StatusCode::NOT_FOUND,
            InstallError::EmptySlot(_)
            | InstallError::NoShadow(_)
            | InstallError::ShadowChanged { .. }
            | InstallError::OrgFile(_) => StatusCode::CONFLICT,
            InstallError::Refused(_)
            | InstallError::BadName(_)
            | InstallError::NameTaken { .. }
            | InstallError::AmbiguousVersion { .. }
            | InstallError::BadVersion(_)
            | InstallError::Cases(_) => StatusCode::UNPROCESSABLE_ENTITY,
        };
        let text = match error {
            InstallError::Refused(refusal) => format!("Refused: {}", refusal.reason),
            other => other.to_string(),
        };
        UiError::Plugin(status, text)
    }
}

impl From<axum::extract::rejection::QueryRejection> for UiError {
    fn from(rejection: axum::extract::rejection::QueryRejection) -> Self {
        UiError::Invalid(format!(
            "The address's query is wrong: {}.",
            rejection.body_text()
        ))
    }
}

impl UiError {
    /// The HTTP status this failure is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            UiError::SignedOut { .. } => StatusCode::UNAUTHORIZED,
            UiError::NotFound(_) => StatusCode::NOT_FOUND,
            UiError::Forbidden(_) => StatusCode::FORBIDDEN,
            UiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            UiError::Engine(error) => StatusCode::from_u16(error.kind().status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            UiError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            UiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            UiError::Plugin(status, _) => *status,
            UiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(&self) -> String {
        match self {
            UiError::Engine(EngineError::Store(_)) => {
                "The store could not answer; nothing was changed. Try again in a moment.".into()
            }
            UiError::Engine(EngineError::UnknownOrg(_)) => "Not found.".into(),
            UiError::Internal(_) => "Something broke inside the host; it was logged.".into(),
            other => other.to_string(),
        }
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        if let UiError::SignedOut { next: Some(next) } = &self {
            let to = format!(
                "/?{}",
                form_urlencoded::Serializer::new(String::new())
                    .append_pair("next", next)
                    .finish()
            );
            return (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
        }
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "a dashboard page failed");
        }
        let title = status.canonical_reason().unwrap_or("Error");
        let body = html! {
            h1 { (title) }
            p role="alert" { (self.message()) }
            p { a href="/" { "Back to the dashboard" } }
        };
        let mut response = (status, layout::bare(title, body)).into_response();
        if matches!(self, UiError::Busy(_)) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        }
        response
    }
}

/// Answers 408 when a page takes longer than `timeout`, as the API does.
pub(crate) async fn deadline(timeout: Duration, request: Request, next: Next) -> Response {
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let body = html! {
                h1 { "Request Timeout" }
                p role="alert" { "The page took longer than the host allows (" (timeout.as_secs()) " s). Try a narrower filter or window." }
            };
            (
                StatusCode::REQUEST_TIMEOUT,
                layout::bare("Request Timeout", body),
            )
                .into_response()
        }
    }
}
