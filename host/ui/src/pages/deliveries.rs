//! The deliveries page: messages the outbox gave up on (webhooks, touches),
//! each replayed from here once its receiver is fixed.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};

use crate::access::{OrgPage, Posted};
use crate::error::UiError;
use crate::format;
use crate::layout::{self, csrf_field};
use crate::pages::done;
use crate::pages::tasks::Empty;
use crate::{UiState, in_org};

/// Most dead letters shown, newest first.
const SHOWN: usize = 200;

/// `GET /orgs/{org}/deliveries`.
pub async fn show(State(state): State<UiState>, page: OrgPage) -> Result<Markup, UiError> {
    let org = page.org.clone();
    let mut letters = in_org(&state, &org, move |host, org| host.engine.dead_letters(org)).await?;
    letters.sort_by_key(|letter| std::cmp::Reverse(letter.dead_at));
    let chrome = page.chrome();
    let org = &page.org;
    let body = html! {
        h1 { "Deliveries" }
        p { "Messages that failed every attempt. Replay one once its receiver works again: it goes back to the outbox with the same idempotency key." }
        @if letters.is_empty() { p { "No dead letter: everything was delivered." } } @else {
            p.meta { (letters.len()) " dead letters" @if letters.len() > SHOWN { ", the newest " (SHOWN) " shown" } "." }
            div.scroll { table #dead-letters {
                thead { tr { th { "Message" } th { "Kind" } th { "Lead" } th.num { "Attempts" } th { "Last error" } th { "Given up" } th { span.visually-hidden { "Action" } } } }
                tbody { @for letter in letters.iter().take(SHOWN) { tr {
                    td { (letter.id) }
                    td { (kind_name(&letter.message.kind)) }
                    td { a href={ "/orgs/" (org) "/leads/" (letter.message.lead) } { (letter.message.lead) } }
                    td.num { (letter.attempts) }
                    td { (letter.last_error) }
                    td { (format::time(letter.dead_at)) }
                    td { form.inline method="post" action={ "/orgs/" (org) "/deliveries/" (letter.id) "/replay" } {
                        (csrf_field(&chrome))
                        button type="submit" aria-label={ "Replay message " (letter.id) } { "Replay" }
                    } }
                } } }
            } }
        }
    };
    Ok(layout::page(&chrome, "deliveries", "Deliveries", body))
}

/// The message kind's name as its JSON gives it (`lead-assigned`).
fn kind_name(kind: &impl serde::Serialize) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|value| {
            value
                .get("kind")
                .and_then(|kind| kind.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| "message".into())
}

/// `POST /orgs/{org}/deliveries/{id}/replay`.
pub async fn replay(
    State(state): State<UiState>,
    Path((_, id)): Path<(String, String)>,
    posted: Posted<Empty>,
) -> Result<Response, UiError> {
    let org = posted.page.org.clone();
    let letter = id.clone();
    in_org(&state, &org, move |host, org| {
        host.engine.replay_dead_letter(org, &letter)
    })
    .await?;
    let to = format!("/orgs/{}/deliveries", posted.page.org);
    Ok(done(
        &state,
        &posted.page.signed.id,
        to,
        format!("Message {id} is back in the outbox."),
    ))
}
