//! Who may read `/metrics`, and the bounded label values requests are
//! counted under. `/metrics` shows every org's id and activity, so on a
//! host with more than one org it is not for anyone who can reach the port.

use std::fmt;
use std::str::FromStr;

use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::Method;
use axum::http::request::Parts;
use serde::Deserialize;

use super::{ApiError, AppState};
use crate::auth::{self, AuthError, Principal};

/// A bearer token that reads `/metrics` and nothing else
/// (`[http] metrics_token`). Held as its sha256, like the API tokens, and
/// never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct MetricsToken {
    hash: String,
}

/// A `metrics_token` that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a metrics token needs at least {} characters, all visible ASCII (no spaces): it is sent as \
     `Authorization: Bearer <token>`",
    MetricsToken::MIN_LEN
)]
pub struct MetricsTokenError;

impl MetricsToken {
    /// Shortest token accepted: a short one could be guessed by a scraper
    /// of the same network.
    pub const MIN_LEN: usize = 16;

    /// The token `secret`, if it can be sent in a header and is long enough.
    pub fn new(secret: &str) -> Result<Self, MetricsTokenError> {
        let usable = secret.len() >= Self::MIN_LEN && secret.bytes().all(|b| b.is_ascii_graphic());
        if !usable {
            return Err(MetricsTokenError);
        }
        Ok(MetricsToken {
            hash: auth::hash(secret),
        })
    }

    /// Whether `secret` is this token; compares the digests in constant time.
    fn matches(&self, secret: &str) -> bool {
        let given = auth::hash(secret);
        given.len() == self.hash.len()
            && given
                .bytes()
                .zip(self.hash.bytes())
                .fold(0u8, |differ, (a, b)| differ | (a ^ b))
                == 0
    }
}

impl fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MetricsToken(<secret>)")
    }
}

impl FromStr for MetricsToken {
    type Err = MetricsTokenError;

    fn from_str(secret: &str) -> Result<Self, MetricsTokenError> {
        MetricsToken::new(secret)
    }
}

impl<'de> Deserialize<'de> for MetricsToken {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let secret = String::deserialize(deserializer)?;
        MetricsToken::new(&secret).map_err(serde::de::Error::custom)
    }
}

/// Who may read `/metrics` on one listener.
#[derive(Debug, Clone, Default)]
pub enum MetricsAccess {
    /// Neither `metrics_token` nor `metrics_listen` is set: open while the
    /// host serves one org, the admin token once it serves two or more.
    #[default]
    OpenWhileOneOrg,
    /// The metrics token or the admin token.
    Token(MetricsToken),
    /// Anyone: the listener of `metrics_listen` without a token, which the
    /// operator has put where only the scraper reaches it.
    Open,
    /// Not here: `metrics_listen` serves it; this listener answers 404.
    Elsewhere,
}

/// A caller allowed to read `/metrics` under the listener's
/// [`MetricsAccess`]. A missing or wrong token is a 401 saying which token
/// is needed and why.
#[derive(Debug, Clone, Copy)]
pub struct MetricsReader;

impl FromRequestParts<AppState> for MetricsReader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let secret = super::extract::bearer(parts);
        let refused = |detail: String| Err(ApiError::Unauthorized(AuthError::NotAccepted(detail)));
        match &state.metrics_access {
            MetricsAccess::Open => Ok(MetricsReader),
            MetricsAccess::Elsewhere => Err(ApiError::NotFound(
                "/metrics is served on its own address (`[http] metrics_listen`), not here".into(),
            )),
            MetricsAccess::Token(token) => {
                if secret.is_some_and(|secret| token.matches(secret)) || is_admin(state, secret)? {
                    Ok(MetricsReader)
                } else {
                    refused(
                        "/metrics needs `Authorization: Bearer <token>` with the metrics token \
                         (`[http] metrics_token`) or the admin token"
                            .into(),
                    )
                }
            }
            MetricsAccess::OpenWhileOneOrg => {
                let orgs = state.host.engine.org_count()?;
                if orgs <= 1 || is_admin(state, secret)? {
                    Ok(MetricsReader)
                } else {
                    // Not how many: that is the host's business, not the caller's.
                    refused(
                        "this host serves more than one org and /metrics shows each org's \
                         activity, so it needs `Authorization: Bearer <admin token>`; for a \
                         scraper, set `[http] metrics_token` or serve it on its own address with \
                         `[http] metrics_listen`"
                            .into(),
                    )
                }
            }
        }
    }
}

/// Whether `secret` is a live admin token. An unknown token is `false`, a
/// store failure an error.
fn is_admin(state: &AppState, secret: Option<&str>) -> Result<bool, ApiError> {
    let Some(secret) = secret else {
        return Ok(false);
    };
    match state.host.engine.authenticate(Some(secret)) {
        Ok(principal) => Ok(principal == Principal::Admin),
        Err(error @ AuthError::Store(_)) => Err(error.into()),
        Err(_) => Ok(false),
    }
}

/// The `method` label: the standard methods by name, anything else
/// (a client may send any token as a method) `other`, so the label set
/// stays bounded.
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The `route` label: the matched route pattern (never the raw path, so
/// ids and typos do not grow the label set), else `unmatched`.
pub fn route_label(matched: Option<&MatchedPath>) -> String {
    matched.map_or_else(|| "unmatched".to_string(), |path| path.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_standard_methods_have_their_own_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::OPTIONS), "OPTIONS");
        for odd in ["FOO", "get", "TRACE", "CONNECT", "X-12345"] {
            let method = Method::from_bytes(odd.as_bytes()).unwrap();
            assert_eq!(method_label(&method), "other", "{odd}");
        }
    }

    #[test]
    fn a_metrics_token_is_checked_and_never_shown() {
        assert_eq!(MetricsToken::new("short"), Err(MetricsTokenError));
        assert_eq!(
            MetricsToken::new("sixteen chars ok"),
            Err(MetricsTokenError),
            "a space"
        );
        let token = MetricsToken::new("scrape-0123456789").unwrap();
        assert!(token.matches("scrape-0123456789"));
        assert!(!token.matches("scrape-0123456780"));
        assert!(!format!("{token:?}").contains("scrape"));
        let parsed: MetricsToken = "scrape-0123456789".parse().unwrap();
        assert_eq!(parsed, token);
    }
}
