//! The funnel page: how far the window's leads got, from the same report
//! as `GET /v1/orgs/{org}/reports/funnel`, with a weekly chart and the
//! breakdowns by reason, source and campaign, and the shared goals
//! (`GET …/reports/goals`) with each budgeted campaign's cost per lead.

mod plan;

use std::collections::BTreeMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use maud::{Markup, html};
use serde::Deserialize;

use crate::access::OrgPage;
use crate::chart::{self, Series};
use crate::engine::{Funnel, FunnelSection, Window};
use crate::error::UiError;
use crate::format;
use crate::layout::{self, Chrome};
use crate::{UiState, in_org};

/// The window, as the form's day fields give it: `from` and `to` both
/// included (`to` is the last day counted).
#[derive(Debug, Default, Deserialize)]
pub struct FunnelQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /orgs/{org}/funnel` (and `/orgs/{org}`).
pub async fn show(
    State(state): State<UiState>,
    page: OrgPage,
    query: Result<Query<FunnelQuery>, QueryRejection>,
) -> Result<Markup, UiError> {
    let Query(query) = query?;
    render(&state, page.chrome(), page.org, query).await
}

/// The funnel page of `org`.
pub async fn render(
    state: &UiState,
    chrome: Chrome,
    org: String,
    query: FunnelQuery,
) -> Result<Markup, UiError> {
    let from = format::parse_day("from", query.from.as_deref()).map_err(UiError::Invalid)?;
    let to = format::parse_last_day("to", query.to.as_deref()).map_err(UiError::Invalid)?;
    if let (Some(from), Some(to)) = (from, to)
        && to <= from
    {
        return Err(UiError::Invalid(
            "`to` is before `from`: the window is empty".into(),
        ));
    }
    let window = Window { from, to };
    let (funnel, goals) = in_org(state, &org, move |host, org| {
        let funnel = host.engine.funnel(org, window)?;
        let goals = host.engine.goal_report(org, plan::PAST_PERIODS)?;
        Ok::<_, crate::engine::EngineError>((funnel, goals))
    })
    .await?;
    let body = html! {
        h1 { "Funnel" }
        form.filters method="get" action={ "/orgs/" (org) "/funnel" } {
            label { "Created from (day)" input type="date" name="from" value=[query.from.as_deref()]; }
            label { "Created to (day, included)" input type="date" name="to" value=[query.to.as_deref()]; }
            button type="submit" { "Show" }
        }
        p.meta { (window_text(&funnel.window)) }
        (tiles(&funnel.total))
        (plan::goals(&goals))
        (weekly(&funnel))
        h2 { "Conversion" }
        (conversion(&funnel.total))
        div.columns {
            (counts("Lost, by reason", "Reason", &funnel.total.lost_by_reason))
            (counts("Discarded, by reason", "Reason", &funnel.total.discarded_by_reason))
            (counts("Active, by stage", "Stage", &funnel.total.active_by_stage))
        }
        h2 { "Median time in stage" }
        (median_hours(&funnel.total))
        (groups("By source", &funnel.by_source))
        (groups("By campaign", &funnel.by_campaign))
        (plan::campaign_costs(&funnel.campaign_costs))
    };
    Ok(layout::page(&chrome, "funnel", "Funnel", body))
}

fn window_text(window: &Window) -> String {
    match (window.from, window.to) {
        (None, None) => "All leads, whenever created.".into(),
        (Some(from), None) => format!("Leads created from {}.", format::time(from)),
        (None, Some(to)) => format!("Leads created before {}.", format::time(to)),
        (Some(from), Some(to)) => format!(
            "Leads created from {} up to (not including) {}.",
            format::time(from),
            format::time(to)
        ),
    }
}

/// The milestone figures, each in an element with its `data-metric` (an
/// outside check reads them).
fn tiles(total: &FunnelSection) -> Markup {
    let of = |part: u64, whole: u64| {
        (whole > 0).then(|| {
            format!(
                "{} of {}",
                format::percent(Some(part as f64 / whole as f64)),
                "leads"
            )
        })
    };
    let tiles: [(&str, &str, u64, Option<String>); 9] = [
        ("leads", "Leads", total.leads, None),
        (
            "qualified",
            "Qualified",
            total.qualified,
            of(total.qualified, total.leads),
        ),
        (
            "sales-ready",
            "Sales-ready",
            total.sales_ready,
            of(total.sales_ready, total.leads),
        ),
        (
            "assigned",
            "Assigned",
            total.assigned,
            of(total.assigned, total.leads),
        ),
        (
            "accepted",
            "Accepted",
            total.accepted,
            of(total.accepted, total.leads),
        ),
        ("won", "Won", total.won, of(total.won, total.leads)),
        ("lost", "Lost", total.lost, None),
        ("discarded", "Discarded", total.discarded, None),
        ("active", "Active", total.active, None),
    ];
    html! {
        dl.tiles {
            @for (metric, label, value, share) in tiles {
                div {
                    dt { (label) }
                    dd { span data-metric=(metric) { (value) } @if let Some(share) = share { small { (share) } } }
                }
            }
        }
    }
}

fn weekly(funnel: &Funnel) -> Markup {
    // The last year of weeks: older ones make bars too thin to read.
    let weeks = &funnel.weekly[funnel.weekly.len().saturating_sub(52)..];
    if weeks.is_empty() {
        return html! { p { "No leads in this window yet." } };
    }
    let labels: Vec<String> = weeks.iter().map(|week| week.week.to_string()).collect();
    let series = |name, color, pick: fn(&crate::engine::FunnelWeek) -> u64| Series {
        name,
        color,
        values: weeks.iter().map(|week| pick(week) as f64).collect(),
    };
    html! {
        h2 { "By week created" }
        (chart::bars(
            "Leads created each week (weeks start Monday, UTC), and how many of them became sales-ready and were won so far",
            &labels,
            &[
                series("leads", "#9db7e0", |week| week.leads),
                series("sales-ready", "#1f5fbf", |week| week.sales_ready),
                series("won", "#1d7a3a", |week| week.won),
            ],
        ))
    }
}

fn conversion(total: &FunnelSection) -> Markup {
    let rates = [
        ("Qualified of leads", total.conversion.qualified_of_leads),
        (
            "Sales-ready of qualified",
            total.conversion.sales_ready_of_qualified,
        ),
        (
            "Assigned of sales-ready",
            total.conversion.assigned_of_sales_ready,
        ),
        (
            "Accepted of assigned",
            total.conversion.accepted_of_assigned,
        ),
        ("Won of assigned", total.conversion.won_of_assigned),
        ("Won of leads", total.conversion.won_of_leads),
    ];
    html! {
        div.scroll { table {
            thead { tr { th { "Step" } th.num { "Conversion" } } }
            tbody { @for (step, rate) in rates { tr { td { (step) } td.num { (format::percent(rate)) } } } }
        } }
    }
}

/// Most rows a breakdown shows: the largest first. Names come from the
/// org's data (a source, a reason), so their number has no bound of its own.
const ROWS: usize = 50;

fn counts(title: &str, what: &str, counts: &BTreeMap<String, u64>) -> Markup {
    let mut rows: Vec<(&String, &u64)> = counts.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let more = rows.len().saturating_sub(ROWS);
    rows.truncate(ROWS);
    html! {
        section {
            h2 { (title) }
            @if counts.is_empty() { p.meta { "None." } } @else {
                table {
                    thead { tr { th { (what) } th.num { "Leads" } } }
                    tbody { @for (name, count) in rows { tr { td { (name) } td.num { (count) } } } }
                }
                @if more > 0 { p.meta { "And " (more) " more, each with fewer leads." } }
            }
        }
    }
}

fn median_hours(total: &FunnelSection) -> Markup {
    if total.median_hours_in_stage.is_empty() {
        return html! { p.meta { "No stay in a stage has ended yet." } };
    }
    html! {
        div.scroll { table {
            thead { tr { th { "Stage" } th.num { "Median stay" } } }
            tbody { @for (stage, hours) in &total.median_hours_in_stage {
                tr { td { (stage) } td.num { (format::hours(*hours)) } }
            } }
        } }
    }
}

fn groups(title: &str, groups: &BTreeMap<String, FunnelSection>) -> Markup {
    let mut rows: Vec<(&String, &FunnelSection)> = groups.iter().collect();
    rows.sort_by(|a, b| b.1.leads.cmp(&a.1.leads).then(a.0.cmp(b.0)));
    let more = rows.len().saturating_sub(ROWS);
    rows.truncate(ROWS);
    html! {
        h2 { (title) }
        div.scroll { table {
            thead { tr {
                th { "Name" } th.num { "Leads" } th.num { "Sales-ready" } th.num { "Assigned" }
                th.num { "Won" } th.num { "Lost" } th.num { "Discarded" } th.num { "Won of leads" }
            } }
            tbody { @for (name, section) in rows { tr {
                td { (name) } td.num { (section.leads) } td.num { (section.sales_ready) }
                td.num { (section.assigned) } td.num { (section.won) } td.num { (section.lost) }
                td.num { (section.discarded) } td.num { (format::percent(section.conversion.won_of_leads)) }
            } } }
        } }
        @if more > 0 { p.meta { "And " (more) " more, each with fewer leads." } }
    }
}
