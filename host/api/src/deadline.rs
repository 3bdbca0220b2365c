//! The per-request time limit, answered as a problem like every other error.

use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ApiError;

/// Runs the request, or answers 408 once `limit` has passed. Work already
/// handed to the engine finishes and is stored even so (a blocking task is
/// not cancelled half-way), so a client that retries merges into the same
/// lead rather than losing or doubling it.
pub async fn deadline(limit: Duration, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout(limit).into_response(),
    }
}
