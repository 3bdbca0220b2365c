//! leadhost's dashboard: HTML pages served by the host at `/`, beside the
//! JSON API under `/v1`, for the people who run the rules: the funnel, the
//! leads and their timelines, the plug-ins with their history and
//! rollback, backtests and shadows, reps, call tasks and deliveries.
//!
//! Pages are rendered on the server ([`maud`]: HTML written as Rust,
//! escaped by default, checked when compiled) from the same engine methods
//! the API calls, with the same per-org turns ([`crate::engine::OrgShares`]),
//! so a page shows what the API answers and costs what it costs. Charts are
//! inline SVG; the one stylesheet is compiled into the binary. No page
//! needs JavaScript; nothing is fetched from elsewhere.
//!
//! Sign-in exchanges a token for a session ([`session`]); every form
//! carries the session's CSRF secret and every post is also refused when
//! the browser says it comes from another site ([`access`]).

pub mod session;

mod access;
mod assets;
mod chart;
mod error;
mod format;
mod headers;
mod layout;
mod pages;

use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use leadhost_engine as engine;
use leadhost_engine::plugins::BacktestJobs;
use leadhost_engine::setup::Host;
use leadhost_model as model;

pub use error::UiError;
pub use session::{SessionLimits, Sessions};

/// What every page handler gets. Cheap to clone.
#[derive(Clone)]
pub struct UiState {
    /// The opened data folder: engine, store, runtime, org folders.
    pub host: Host,
    /// Signed-in browsers.
    pub sessions: Sessions,
    /// Backtests, running and recent: the same jobs the API lists.
    pub backtests: BacktestJobs,
    /// Largest form post or upload, bytes (the API's `bulk_bytes`).
    pub upload_bytes: usize,
}

impl UiState {
    /// The dashboard over `host`, sharing the API's backtest jobs.
    pub fn new(host: Host, backtests: BacktestJobs, upload_bytes: usize) -> Self {
        UiState {
            host,
            sessions: Sessions::default(),
            backtests,
            upload_bytes,
        }
    }
}

/// The dashboard's routes, with no fallback (the API's answers what is
/// unknown): merge it into the API's router. Every request ends within
/// `timeout`, as the API's do.
pub fn router(state: UiState, timeout: Duration) -> Router {
    Router::new()
        .route("/", get(pages::home::show).post(pages::sign_in::submit))
        .route("/sign-out", post(pages::sign_in::sign_out))
        .route("/assets/style.css", get(assets::style))
        .route("/orgs/{org}", get(pages::funnel::show))
        .route("/orgs/{org}/funnel", get(pages::funnel::show))
        .route("/orgs/{org}/leads", get(pages::leads::list))
        .route("/orgs/{org}/leads/{id}", get(pages::lead::show))
        .route(
            "/orgs/{org}/leads/{id}/feedback",
            post(pages::lead::feedback),
        )
        .route("/orgs/{org}/plugins", get(pages::plugins::show))
        .route(
            "/orgs/{org}/plugins/{slot}/rollback",
            post(pages::plugins::rollback),
        )
        .route(
            "/orgs/{org}/plugins/{slot}/upload",
            post(pages::plugins::upload),
        )
        .route("/orgs/{org}/lab", get(pages::lab::show))
        .route("/orgs/{org}/backtests", post(pages::lab::start))
        .route("/orgs/{org}/backtests/{id}", get(pages::lab::backtest))
        .route(
            "/orgs/{org}/shadows/{slot}/promote",
            post(pages::lab::promote),
        )
        .route("/orgs/{org}/reps", get(pages::reps::show))
        .route("/orgs/{org}/tasks", get(pages::tasks::show))
        .route("/orgs/{org}/tasks/{id}/done", post(pages::tasks::done_task))
        .route("/orgs/{org}/deliveries", get(pages::deliveries::show))
        .route(
            "/orgs/{org}/deliveries/{id}/replay",
            post(pages::deliveries::replay),
        )
        .layer(axum::middleware::map_response(headers::protect))
        .layer(axum::middleware::from_fn(move |request, next| {
            error::deadline(timeout, request, next)
        }))
        .with_state(state)
}

/// Runs blocking engine work for `org` (handed to `work`) off the async threads, within the
/// org's share of the host: the page waits for a turn as an API request
/// does, and is answered 503 when the org's queue is full.
async fn in_org<T, E>(
    state: &UiState,
    org: &str,
    work: impl FnOnce(&Host, &str) -> Result<T, E> + Send + 'static,
) -> Result<T, UiError>
where
    T: Send + 'static,
    E: Into<UiError> + Send + 'static,
{
    let turn = state.host.engine.shares().turn(org).await?;
    let org = org.to_string();
    in_turn(state, turn, move |host| work(host, &org)).await
}

/// [`in_org`] with the org's turn already taken (before reading an
/// upload's body).
async fn in_turn<T, E>(
    state: &UiState,
    turn: engine::Turn,
    work: impl FnOnce(&Host) -> Result<T, E> + Send + 'static,
) -> Result<T, UiError>
where
    T: Send + 'static,
    E: Into<UiError> + Send + 'static,
{
    let host = state.host.clone();
    let result = tokio::task::spawn_blocking(move || {
        let _turn = turn;
        work(&host)
    })
    .await;
    match result {
        Ok(result) => result.map_err(Into::into),
        Err(error) => Err(UiError::Internal(error.to_string())),
    }
}
