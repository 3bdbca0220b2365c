//! The funnel page's plan: the shared goals (as `GET …/reports/goals`
//! gives them) and what each budgeted campaign paid per lead (the
//! funnel's `campaign_costs`).

use std::collections::BTreeMap;

use maud::{Markup, html};

use crate::engine::{CampaignCost, GoalMetric, GoalPeriod, GoalResult};
use crate::format;

/// Past periods the page shows beside the current one.
pub const PAST_PERIODS: usize = 2;

/// A goal's metric as a heading reads it.
fn metric(metric: GoalMetric) -> &'static str {
    match metric {
        GoalMetric::Leads => "Leads",
        GoalMetric::SalesReady => "Sales-ready leads",
        GoalMetric::Assigned => "Assigned leads",
        GoalMetric::Won => "Won leads",
        GoalMetric::SalesReadyOfLeads => "Sales-ready of leads",
        GoalMetric::WonOfAssigned => "Won of assigned",
    }
}

fn period(period: GoalPeriod) -> &'static str {
    match period {
        GoalPeriod::Week => "week",
        GoalPeriod::Month => "month",
        GoalPeriod::Quarter => "quarter",
    }
}

/// A figure of `goal`: a share as a percentage, a count with no decimals
/// (a projection with one).
fn figure(goal: GoalMetric, value: Option<f64>) -> String {
    match value {
        None => "–".into(),
        Some(value) if goal.is_share() => format::percent(Some(value)),
        Some(value) if value.fract() == 0.0 => format!("{value:.0}"),
        Some(value) => format!("{value:.1}"),
    }
}

/// The goals table: one row per goal and period, the current period
/// first; each row's `data-goal` is `<metric>/<period start day>`.
pub fn goals(results: &[GoalResult]) -> Markup {
    html! {
        h2 { "Goals" }
        @if results.is_empty() {
            p.meta { "No goal set: add `[[goals]]` to the org's org.toml (see the README, “Campaigns and goals”)." }
        } @else {
            div.scroll { table {
                thead { tr {
                    th { "Goal" } th { "Owner" } th { "Period" } th.num { "Target" }
                    th.num { "Actual" } th.num { "Projection" } th { "On track" }
                } }
                tbody { @for result in results { @for row in result.periods.iter().rev() {
                    @let goal = &result.goal;
                    tr data-goal={ (serde_plain(goal.metric)) "/" (format::day(row.start)) } {
                        td { (metric(goal.metric)) " a " (period(goal.period)) }
                        td { (goal.owner.as_deref().unwrap_or("–")) }
                        td { (format::day(row.start)) @if row.current { " (now)" } }
                        td.num { (figure(goal.metric, Some(goal.target))) }
                        td.num { (figure(goal.metric, row.actual)) }
                        td.num { (figure(goal.metric, row.projection)) }
                        td { @if row.on_track { "yes" } @else { "no" } }
                    }
                } } }
            } }
        }
    }
}

/// The metric's name in JSON (`won-of-assigned`).
fn serde_plain(metric: GoalMetric) -> String {
    serde_json::to_value(metric)
        .ok()
        .and_then(|value| value.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Cost per sales-ready and per won lead of each budgeted campaign.
pub fn campaign_costs(costs: &BTreeMap<String, CampaignCost>) -> Markup {
    if costs.is_empty() {
        return html! {};
    }
    let money =
        |value: Option<f64>| value.map_or_else(|| "–".to_string(), |value| format!("{value:.2}"));
    html! {
        h2 { "Cost per lead, by campaign" }
        div.scroll { table {
            thead { tr {
                th { "Campaign" } th.num { "Budget" } th.num { "Sales-ready" } th.num { "Per sales-ready" }
                th.num { "Won" } th.num { "Per won" }
            } }
            tbody { @for (id, cost) in costs { tr data-campaign=(id) {
                td { (id) } td.num { (money(Some(cost.budget))) } td.num { (cost.sales_ready) }
                td.num { (money(cost.per_sales_ready)) } td.num { (cost.won) } td.num { (money(cost.per_won)) }
            } } }
        } }
    }
}
