//! The dashboard's one stylesheet, compiled into the binary so no page
//! fetches anything from elsewhere.

use axum::http::header;
use axum::response::IntoResponse;

/// `assets/style.css`.
const STYLE: &str = include_str!("../assets/style.css");

/// `GET /assets/style.css`: cached for an hour (it changes only with the
/// binary).
pub async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
}
