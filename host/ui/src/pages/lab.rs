//! The lab: backtests (start one, watch it, read the live × candidate
//! table, precision and recall, a sweep's quantity/quality curve) and each
//! slot's shadow (agreement, disagreements, promote).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use crate::access::{OrgPage, Posted};
use crate::chart::{self, Series};
use crate::engine::ShadowReport;
use crate::engine::plugins::{
    BacktestJob, BacktestReport, BacktestResult, BacktestState, CandidateRun, StartBacktestError,
};
use crate::error::UiError;
use crate::format;
use crate::layout::{self, Chrome, csrf_field};
use crate::model::Slot;
use crate::pages::done;
use crate::pages::tasks::Empty;
use crate::{UiState, in_org};

/// `GET /orgs/{org}/lab`.
pub async fn show(State(state): State<UiState>, page: OrgPage) -> Result<Markup, UiError> {
    let org = page.org.clone();
    let shadows = in_org(&state, &org, move |host, org| {
        Slot::ALL
            .into_iter()
            .map(|slot| host.engine.shadow_report(org, slot))
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    let jobs = state.backtests.list(&page.org);
    let chrome = page.chrome();
    let org = &page.org;
    let body = html! {
        h1 { "Backtests & shadows" }
        h2 { "Start a backtest" }
        p { "Runs a candidate on the org's recorded inputs of its slot and compares it with what the live versions decided. "
            "The candidate is a file dropped in the org's folder without naming it in org.toml." }
        form.filters method="post" action={ "/orgs/" (org) "/backtests" } {
            (csrf_field(&chrome))
            label { "Slot" select name="slot" {
                option value="lead-definition" { "lead-definition" }
                option value="routing-policy" { "routing-policy" }
            } }
            label { "Candidate file" input name="candidate" required placeholder="acme-fit.wasm"; }
            label { "From (day)" input type="date" name="from"; }
            label { "To (day, not included)" input type="date" name="to"; }
            label { "Sweep (KEY=FROM..TO:STEP)" input name="sweep" placeholder="sales-ready-score=50..90:5"; }
            button type="submit" { "Start" }
        }
        h2 { "Backtests" }
        @if jobs.is_empty() { p.meta { "None yet." } } @else {
            div.scroll { table #backtests {
                thead { tr { th { "Job" } th { "Slot" } th { "Candidate" } th { "Sweep" } th { "State" } th { "Progress" } th { "Started" } } }
                tbody { @for job in &jobs { tr {
                    td { a href={ "/orgs/" (org) "/backtests/" (job.id) } { (job.id) } }
                    td { (job.slot.world()) } td { (job.candidate) } td { (job.sweep.clone().unwrap_or_default()) }
                    td { (state_name(job.state)) } td { (job.done) " of " (job.leads) }
                    td { (format::time(job.started_at)) }
                } } }
            } }
        }
        h2 { "Shadows" }
        @for report in shadows.iter().filter(|report| report.shadow.is_some() || report.refused.is_some()) {
            (shadow_section(&chrome, org, report))
        }
        @if shadows.iter().all(|report| report.shadow.is_none() && report.refused.is_none()) {
            p.meta { "No slot runs a shadow. Name one with `shadow = \"file.wasm\"` in the slot's table of org.toml." }
        }
    };
    Ok(layout::page(&chrome, "lab", "Backtests & shadows", body))
}

fn state_name(state: BacktestState) -> String {
    serde_json::to_value(state)
        .ok()
        .and_then(|value| value.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn shadow_section(chrome: &Chrome, org: &str, report: &ShadowReport) -> Markup {
    let world = report.slot.world();
    html! {
        section.slot {
            h3 { (world) }
            @if let Some(refused) = &report.refused { p role="alert" { "The shadow is refused: " (refused) } }
            @if let Some(shadow) = &report.shadow {
                p { "Shadow " strong { (shadow.name) } " " code.hash { (format::short_hash(&shadow.hash)) } " since " (format::time(shadow.since)) }
                p { "Agreement: " strong.agreement { (format::percent(report.agreement)) } " of " (report.total) " calls ("
                    (report.agree) " agree, " (report.failed) " failed, " (report.dropped) " dropped)." }
                @if !report.matrix.is_empty() {
                    div.scroll { table {
                        thead { tr { th { "Live" } th { "Shadow" } th.num { "Calls" } } }
                        tbody { @for cell in &report.matrix { tr { td { (cell.live) } td { (cell.shadow) } td.num { (cell.count) } } } }
                    } }
                }
                @if !report.disagreements.is_empty() {
                    h4 { "Latest disagreements" }
                    ul { @for one in &report.disagreements { li {
                        a href={ "/orgs/" (org) "/leads/" (one.lead) } { (one.lead) } " · " (format::time(one.at)) ": live "
                        (one.live_reasons.join("; ")) " / shadow " (one.shadow_reasons.join("; "))
                    } } }
                }
                form.inline method="post" action={ "/orgs/" (org) "/shadows/" (world) "/promote" } {
                    (csrf_field(chrome))
                    button type="submit" { "Promote the shadow to live" }
                }
            }
        }
    }
}

/// The backtest form's fields.
#[derive(Debug, Deserialize)]
pub struct StartForm {
    slot: String,
    candidate: String,
    from: Option<String>,
    to: Option<String>,
    sweep: Option<String>,
}

/// `POST /orgs/{org}/backtests`.
pub async fn start(
    State(state): State<UiState>,
    posted: Posted<StartForm>,
) -> Result<Response, UiError> {
    let form = &posted.form;
    let slot = Slot::ALL
        .into_iter()
        .find(|slot| slot.world() == form.slot)
        .ok_or_else(|| UiError::Invalid(format!("`slot`: there is no slot `{}`", form.slot)))?;
    let run = CandidateRun {
        slot,
        candidate: form.candidate.trim().to_string(),
        config: Default::default(),
        from: format::parse_day("from", form.from.as_deref()).map_err(UiError::Invalid)?,
        to: format::parse_day("to", form.to.as_deref()).map_err(UiError::Invalid)?,
        sweep: form
            .sweep
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    };
    let org = posted.page.org.clone();
    let jobs = state.backtests.clone();
    let job = in_org(&state, &org, move |host, org| {
        host.plugins
            .start_backtest(&jobs, org, run, host.engine.now())
            .map_err(|error| match error {
                StartBacktestError::Field { field, problem } => {
                    UiError::Invalid(format!("`{field}`: {problem}"))
                }
                StartBacktestError::Start(error) => {
                    UiError::Plugin(axum::http::StatusCode::CONFLICT, error.to_string())
                }
            })
    })
    .await?;
    let to = format!("/orgs/{}/backtests/{}", posted.page.org, job.id);
    Ok(done(
        &state,
        &posted.page.signed.id,
        to,
        format!("Backtest {} started.", job.id),
    ))
}

/// `GET /orgs/{org}/backtests/{id}`: progress, refreshed every 2 s while
/// it runs, then the report.
pub async fn backtest(
    State(state): State<UiState>,
    page: OrgPage,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, UiError> {
    let job = state.backtests.get(&page.org, &id).ok_or_else(|| {
        UiError::NotFound(format!(
            "There is no backtest {id} here (the last 10 are kept)."
        ))
    })?;
    let title = format!("Backtest {}", job.id);
    let body = html! {
        h1 { (title) }
        p { (job.candidate) " on " (job.slot.world()) ": " strong #backtest-state { (state_name(job.state)) }
            ", " (job.done) " of " (job.leads) " leads looked at."
            @if let Some(error) = &job.error { " " span role="alert" { (error) } } }
        @if job.state == BacktestState::Running {
            progress max=(job.leads.max(1)) value=(job.done) aria-label="Progress" {}
        }
        (report(&job))
    };
    let page = layout::page(&page.chrome(), "lab", &title, body);
    // A refresh without script: the page reloads itself while the job runs.
    let refresh = (job.state == BacktestState::Running).then_some([(header::REFRESH, "2")]);
    Ok((refresh, page).into_response())
}

fn report(job: &BacktestJob) -> Markup {
    match &job.result {
        None => html! {},
        Some(BacktestResult::LeadDefinition(report)) => {
            definition_report(report, job.sweep.as_deref())
        }
        Some(BacktestResult::RoutingPolicy(report)) => html! {
            h2 { "Routing" }
            p { (report.summary.total) " leads compared, " (report.summary.changed) " routed elsewhere, "
                (report.summary.failed) " failed." }
            p { "Precision: live " (format::percent(report.precision.live)) ", candidate " (format::percent(report.precision.candidate)) "." }
        },
    }
}

fn definition_report(report: &BacktestReport, sweep_text: Option<&str>) -> Markup {
    let stages = ["sales-ready", "nurture", "discard"];
    let cells = report.summary.matrix.cells();
    let count = |live: &str, candidate: &str| {
        cells
            .iter()
            .filter(|cell| {
                format::name(&cell.live) == live && format::name(&cell.candidate) == candidate
            })
            .map(|cell| cell.count)
            .sum::<u64>()
    };
    html! {
        h2 { "Result" }
        p { (report.summary.total) " leads compared: " strong { (report.summary.changed) } " change verdict, "
            (report.summary.failed) " failed. Sales-ready: live " (report.sales_ready.live) ", candidate " (report.sales_ready.candidate) "." }
        div.scroll { table.compact #matrix {
            caption { "Live (rows) × candidate (columns)" }
            thead { tr { th { "Live \\ candidate" } @for stage in stages { th.num { (stage) } } } }
            tbody { @for live in stages { tr { th { (live) } @for candidate in stages { td.num { (count(live, candidate)) } } } } }
        } }
        div.scroll { table.compact {
            thead { tr { th {} th.num { "Live" } th.num { "Candidate" } } }
            tbody {
                tr { th { "Precision" } td.num #precision-live { (format::percent(report.precision.live)) } td.num { (format::percent(report.precision.candidate)) } }
                tr { th { "Recall" } td.num { (format::percent(report.recall.live)) } td.num { (format::percent(report.recall.candidate)) } }
            }
        } }
        p.meta { "Measured against the leads' outcomes: precision is the share of the sales-ready leads with an outcome that were won; recall the share of won leads that were sales-ready." }
        @for warning in &report.warnings { p role="note" { (warning) } }
        @if let Some(sweep) = &report.sweep && !sweep.is_empty() {
            h2 { "Quantity and quality over the sweep" }
            @if let Some(text) = sweep_text { p { "Swept: " code { (text) } "; the rest of the report is for the candidate's config alone." } }
            @let xs: Vec<f64> = sweep.iter().map(|point| point.value).collect();
            (chart::lines(
                "Sales-ready leads (quantity) at each value of the swept key",
                &xs,
                &[Series { name: "sales-ready", color: "#1f5fbf", values: sweep.iter().map(|p| p.sales_ready as f64).collect() }],
                None,
                |value| format!("{value:.0}"),
            ))
            (chart::lines(
                "Precision and recall (quality) at each value of the swept key",
                &xs,
                &[
                    Series { name: "precision", color: "#1d7a3a", values: sweep.iter().map(|p| p.precision.unwrap_or(0.0)).collect() },
                    Series { name: "recall", color: "#b3261e", values: sweep.iter().map(|p| p.recall.unwrap_or(0.0)).collect() },
                ],
                Some(1.0),
                |value| format!("{:.0} %", value * 100.0),
            ))
        }
        @if !report.changes.is_empty() {
            h2 { "Leads that change (first " (report.changes.len()) ")" }
            div.scroll { table {
                thead { tr { th { "Lead" } th { "Live" } th { "Candidate" } th { "Candidate's reasons" } } }
                tbody { @for change in &report.changes { tr {
                    td { (change.lead) } td { (format::name(&change.live)) } td { (format::name(&change.candidate)) }
                    td { (change.candidate_reasons.join("; ")) }
                } } }
            } }
        }
    }
}

/// `POST /orgs/{org}/shadows/{slot}/promote`.
pub async fn promote(
    State(state): State<UiState>,
    Path((_, world)): Path<(String, String)>,
    posted: Posted<Empty>,
) -> Result<Response, UiError> {
    let slot = Slot::ALL
        .into_iter()
        .find(|slot| slot.world() == world)
        .ok_or_else(|| UiError::NotFound(format!("There is no slot {world}.")))?;
    let org = posted.page.org.clone();
    let version = in_org(&state, &org, move |host, org| {
        host.plugins.promote_shadow(org, slot)
    })
    .await?;
    let to = format!("/orgs/{}/plugins#{world}", posted.page.org);
    let text = format!("{} promoted: it serves {world} now.", version.name);
    Ok(done(&state, &posted.page.signed.id, to, text))
}
