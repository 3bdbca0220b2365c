//! Signing in with a token and out again.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};
use maud::{Markup, html};
use serde::Deserialize;

use crate::UiState;
use crate::access::{self, Signed};
use crate::engine::auth;
use crate::error::UiError;
use crate::layout;
use crate::session::COOKIE;

/// The sign-in form's fields.
#[derive(Debug, Deserialize)]
pub struct SignIn {
    /// An org's token, or the admin's.
    #[serde(default)]
    token: String,
    /// Where to go after signing in (a path of this host).
    #[serde(default)]
    next: Option<String>,
}

/// The sign-in page; `problem` is why the last try failed.
pub fn page(next: Option<&str>, problem: Option<&str>) -> Markup {
    layout::bare(
        "Sign in",
        html! {
            h1 { "Sign in" }
            p { "Use your org's API token, or the admin token (which can open every org). "
                "The token stays on this server: the browser gets a session cookie only." }
            @if let Some(problem) = problem {
                p role="alert" #sign-in-problem { (problem) }
            }
            form method="post" action="/" {
                label for="token" { "Token" }
                input #token type="password" name="token" autocomplete="off" required
                    aria-describedby=[problem.map(|_| "sign-in-problem")];
                @if let Some(next) = next.filter(|next| safe_next(next)) {
                    input type="hidden" name="next" value=(next);
                }
                p { button type="submit" { "Sign in" } }
            }
        },
    )
}

/// Whether `next` is a path of this host: it starts with one `/` and has
/// only the characters the dashboard's own paths and queries use. So no
/// `//host`, no `\`, and no tab or newline, which browsers drop from a
/// URL (`/<TAB>/host` would become `//host`).
fn safe_next(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && next
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"/-._~%?&=+".contains(&byte))
}

/// `POST /`: a token for a session cookie, then on to `next` (or the home
/// page). A wrong token answers 401 with the form again.
pub async fn submit(State(state): State<UiState>, request: Request) -> Result<Response, UiError> {
    let (parts, body) = request.into_parts();
    access::same_site(&parts)?;
    let body =
        access::read_body(Request::from_parts(parts.clone(), body), access::FORM_BYTES).await?;
    let form: SignIn = serde_urlencoded::from_bytes(&body)
        .map_err(|error| UiError::Invalid(format!("The sign-in form is not complete: {error}.")))?;
    let next = form.next.as_deref().filter(|next| safe_next(next));
    let token = form.token.trim();
    if token.is_empty() {
        let page = page(next, Some("Enter a token."));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let principal = match state.host.engine.authenticate(Some(token)) {
        Ok(principal) => principal,
        Err(auth::AuthError::Store(error)) => return Err(UiError::Engine(error.into())),
        Err(_) => {
            let page = page(
                next,
                Some("That token is not valid: it is unknown or was revoked."),
            );
            return Ok((StatusCode::UNAUTHORIZED, page).into_response());
        }
    };
    let id = state
        .sessions
        .start(principal, auth::hash(token), Instant::now());
    let cookie = Cookie::build((COOKIE, id))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(behind_https(&parts))
        .build();
    let to = next.unwrap_or("/").to_string();
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
    set_cookie(&mut response, &cookie);
    Ok(response)
}

/// Whether the request reached a proxy over HTTPS: then the cookie is
/// `Secure` too.
fn behind_https(parts: &Parts) -> bool {
    parts
        .headers
        .get("x-forwarded-proto")
        .is_some_and(|proto| proto.as_bytes().eq_ignore_ascii_case(b"https"))
}

fn set_cookie(response: &mut Response, cookie: &Cookie) {
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// The sign-out form's field.
#[derive(Debug, Deserialize)]
pub struct SignOut {
    #[serde(default)]
    csrf: String,
}

/// `POST /sign-out`: ends the session and clears its cookie.
pub async fn sign_out(State(state): State<UiState>, request: Request) -> Result<Response, UiError> {
    let (parts, body) = request.into_parts();
    access::same_site(&parts)?;
    let signed = Signed::of(&parts, &state)?;
    let body = access::read_body(Request::from_parts(parts, body), access::FORM_BYTES).await?;
    let form: SignOut = serde_urlencoded::from_bytes(&body).map_err(|error| {
        UiError::Invalid(format!("The sign-out form is not complete: {error}."))
    })?;
    if let Some(signed) = signed {
        access::check_csrf(&signed.session, &form.csrf)?;
        state.sessions.end(&signed.id);
    }
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    let mut gone = Cookie::build((COOKIE, ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .build();
    gone.make_removal();
    set_cookie(&mut response, &gone);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_a_path_of_this_host_is_a_place_to_go_back_to() {
        for good in [
            "/",
            "/orgs/demo/leads?stage=won&owner=ana",
            "/orgs/demo/leads/ld-1",
        ] {
            assert!(safe_next(good), "{good}");
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=1",
            "evil.example",
            "",
            "/ /x",
        ] {
            assert!(!safe_next(bad), "{bad:?}");
        }
    }
}
