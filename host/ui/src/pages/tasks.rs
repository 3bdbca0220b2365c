//! The tasks page: calls nurture tracks asked people to make, open ones
//! first, each marked done from here.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use crate::access::{OrgPage, Posted};
use crate::error::UiError;
use crate::format;
use crate::layout::{self, csrf_field};
use crate::pages::done;
use crate::{UiState, in_org};

/// Most done tasks shown, newest first.
const DONE_SHOWN: usize = 50;
/// Most open tasks shown, oldest first: a page stays small however many
/// calls a track has asked for.
const OPEN_SHOWN: usize = 200;

/// `GET /orgs/{org}/tasks`.
pub async fn show(State(state): State<UiState>, page: OrgPage) -> Result<Markup, UiError> {
    let org = page.org.clone();
    let tasks = in_org(&state, &org, move |host, org| {
        host.engine.call_tasks(org, None)
    })
    .await?;
    let (open, mut closed): (Vec<_>, Vec<_>) =
        tasks.into_iter().partition(|task| task.done_at.is_none());
    closed.sort_by_key(|task| std::cmp::Reverse(task.done_at));
    let mut open = open;
    open.sort_by_key(|task| task.at);
    let chrome = page.chrome();
    let org = &page.org;
    let body = html! {
        h1 { "Tasks" }
        h2 { "Open calls (" (open.len()) ")" }
        @if open.is_empty() { p { "No open call task." } } @else {
            div.scroll { table #open-tasks {
                thead { tr { th { "Task" } th { "Lead" } th { "For" } th { "Why" } th { "Since" } th { span.visually-hidden { "Action" } } } }
                tbody { @for task in open.iter().take(OPEN_SHOWN) { tr {
                    td { (task.id) }
                    td { a href={ "/orgs/" (org) "/leads/" (task.lead) } { (task.lead) } }
                    td { (task.assignee.clone().unwrap_or_else(|| "default queue".into())) }
                    td { (task.reason) }
                    td { (format::time(task.at)) }
                    td { form.inline method="post" action={ "/orgs/" (org) "/tasks/" (task.id) "/done" } {
                        (csrf_field(&chrome))
                        button type="submit" aria-label={ "Mark task " (task.id) " done" } { "Mark done" }
                    } }
                } } }
            } }
        }
        @if open.len() > OPEN_SHOWN { p.meta { "The oldest " (OPEN_SHOWN) " shown; `GET /v1/orgs/" (org) "/tasks?open=true` lists them all." } }
        h2 { "Done lately" }
        @if closed.is_empty() { p.meta { "None yet." } } @else {
            div.scroll { table {
                thead { tr { th { "Task" } th { "Lead" } th { "Why" } th { "Done" } } }
                tbody { @for task in closed.iter().take(DONE_SHOWN) { tr {
                    td { (task.id) }
                    td { a href={ "/orgs/" (org) "/leads/" (task.lead) } { (task.lead) } }
                    td { (task.reason) }
                    td { (task.done_at.map(format::time).unwrap_or_default()) }
                } } }
            } }
        }
    };
    Ok(layout::page(&chrome, "tasks", "Tasks", body))
}

/// No fields besides `csrf`.
#[derive(Debug, Deserialize)]
pub struct Empty {}

/// `POST /orgs/{org}/tasks/{id}/done`.
pub async fn done_task(
    State(state): State<UiState>,
    Path((_, id)): Path<(String, String)>,
    posted: Posted<Empty>,
) -> Result<Response, UiError> {
    let org = posted.page.org.clone();
    let task = id.clone();
    in_org(&state, &org, move |host, org| {
        host.engine.complete_call_task(org, &task)
    })
    .await?;
    let to = format!("/orgs/{}/tasks", posted.page.org);
    Ok(done(
        &state,
        &posted.page.signed.id,
        to,
        format!("Task {id} done."),
    ))
}
