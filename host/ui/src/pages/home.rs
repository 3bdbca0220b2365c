//! `GET /`: the sign-in page when signed out, the org's funnel for an
//! org's session, the list of orgs for the admin's.

use axum::extract::{FromRequestParts, Query, Request, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use crate::UiState;
use crate::access::Signed;
use crate::engine::auth::Principal;
use crate::error::UiError;
use crate::layout::{self, Chrome};
use crate::pages::{funnel, sign_in};

/// `GET /`'s query: where to go after signing in.
#[derive(Debug, Default, Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// `GET /`.
pub async fn show(State(state): State<UiState>, request: Request) -> Result<Response, UiError> {
    let (mut parts, _) = request.into_parts();
    let Some(signed) = Signed::of(&parts, &state)? else {
        let Query(next) = Query::<Next>::from_request_parts(&mut parts, &state)
            .await
            .unwrap_or_default();
        return Ok(sign_in::page(next.next.as_deref(), None).into_response());
    };
    let chrome = |org: Option<String>| Chrome {
        org,
        admin: signed.session.principal == Principal::Admin,
        csrf: signed.session.csrf.clone(),
        notice: signed.notice.clone(),
    };
    match &signed.session.principal {
        Principal::Org(org) => {
            let Query(query) =
                Query::<funnel::FunnelQuery>::from_request_parts(&mut parts, &state).await?;
            let page =
                funnel::render(&state, chrome(Some(org.clone())), org.clone(), query).await?;
            Ok(page.into_response())
        }
        Principal::Admin => {
            let engine = state.host.engine.clone();
            let orgs = tokio::task::spawn_blocking(move || engine.orgs())
                .await
                .map_err(|error| UiError::Internal(error.to_string()))??;
            let body = html! {
                h1 { "Orgs" }
                p { "Signed in with the admin token: pick an org." }
                div.scroll { table {
                    thead { tr { th { "Org" } th { "Name" } th { "Created" } } }
                    tbody {
                        @for org in &orgs {
                            tr {
                                td { a href={ "/orgs/" (org.id) "/funnel" } { (org.id) } }
                                td { (org.name) }
                                td { (crate::format::day(org.created_at)) }
                            }
                        }
                    }
                } }
            };
            Ok(layout::page(&chrome(None), "", "Orgs", body).into_response())
        }
    }
}
