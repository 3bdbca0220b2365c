//! The dashboard's pages, one file each; every handler reads through the
//! engine's methods, as the API's handlers do.

pub mod deliveries;
pub mod funnel;
pub mod home;
pub mod lab;
pub mod lead;
pub mod leads;
pub mod plugins;
pub mod reps;
pub mod sign_in;
pub mod tasks;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::UiState;
use crate::session::Notice;

/// The answer to a form post that worked: a notice for the next page and a
/// redirect to `to` (303, so a reload does not post again).
pub(crate) fn done(state: &UiState, session_id: &str, to: String, text: String) -> Response {
    state.sessions.notify(session_id, Notice { ok: true, text });
    (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
}
