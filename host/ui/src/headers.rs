//! What every dashboard page tells the browser beside its HTML: fetch
//! nothing from elsewhere, run no script, never be framed, keep no copy.

use axum::http::{HeaderValue, header};
use axum::response::Response;

/// The pages' content security policy: the one stylesheet, inline SVG, and
/// forms that post only to this host; no script at all, and no framing
/// (the one-click forms cannot be clicked through another site's page).
const POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
                      form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the security headers to a page; HTML is also kept out of caches
/// (it holds leads' personal data).
pub async fn protect(mut response: Response) -> Response {
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if html {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
