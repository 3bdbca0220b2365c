//! Goals sales and marketing share: so many sales-ready leads a month, such
//! a share of assigned leads won. Set per org in `org.toml` (`[[goals]]`);
//! [`Engine::goal_report`] gives each goal's target, actual and projection
//! for the current period and the ones before it.
//!
//! Each metric counts a lead in the period in which the lead did the thing
//! (a lead sales-ready in March counts for March, whenever it came in),
//! once per lead; a share is over the leads that entered its base in the
//! period (`won-of-assigned`: of the leads first assigned in the period,
//! those won since).

use std::ops::ControlFlow;

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::model::Time;
use crate::store::{LeadSummary, StageKind};
use crate::{Engine, EngineError};

/// Most goals an org sets: a handful per team in practice; the report
/// scans the org's leads once for all of them.
pub const GOALS_MAX: usize = 50;

/// Most periods a report covers (current included): two years of months.
pub const GOAL_PERIODS_MAX: usize = 24;

/// What a goal measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GoalMetric {
    /// Leads taken in during the period.
    Leads,
    /// Leads first sales-ready during the period.
    SalesReady,
    /// Leads first assigned to a rep during the period.
    Assigned,
    /// Leads won during the period.
    Won,
    /// Of the leads taken in during the period, the share sales-ready since
    /// (0 to 1).
    SalesReadyOfLeads,
    /// Of the leads first assigned during the period, the share won since
    /// (0 to 1).
    WonOfAssigned,
}

impl GoalMetric {
    /// Whether the metric is a share (0 to 1) rather than a count.
    pub fn is_share(self) -> bool {
        matches!(
            self,
            GoalMetric::SalesReadyOfLeads | GoalMetric::WonOfAssigned
        )
    }
}

/// How long a goal's period is; periods start at 00:00 UTC on a Monday,
/// the 1st of a month, or the 1st of January, April, July or October.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GoalPeriod {
    /// A week, Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
    /// A calendar quarter.
    Quarter,
}

/// A goal of an org (`[[goals]]` in `org.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// What it measures.
    pub metric: GoalMetric,
    /// What the period should reach: a count, or a share from 0 to 1.
    pub target: f64,
    /// Per what.
    pub period: GoalPeriod,
    /// Whose goal it is (`marketing`, `sales`, `both`), free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// Checks an org file's goals; the message names the entry
/// (`goals[1].target: …`).
pub(crate) fn check_goals(goals: &[Goal]) -> Result<(), String> {
    if goals.len() > GOALS_MAX {
        return Err(format!(
            "goals: {} entries; an org sets at most {GOALS_MAX}",
            goals.len()
        ));
    }
    for (at, goal) in goals.iter().enumerate() {
        let problem = if !goal.target.is_finite() || goal.target < 0.0 {
            Some("must be a number of 0 or more".to_string())
        } else if goal.metric.is_share() && goal.target > 1.0 {
            Some(format!(
                "`{}` is a share: give it from 0 to 1 (0.25 for a quarter)",
                serde_json::to_value(goal.metric)
                    .unwrap_or_default()
                    .as_str()
                    .unwrap_or_default()
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(format!("goals[{at}].target = {}: {problem}", goal.target));
        }
        if let Some(owner) = &goal.owner
            && (owner.chars().count() > 100 || owner.contains(['\n', '\r']))
        {
            return Err(format!(
                "goals[{at}].owner: one line of at most 100 characters"
            ));
        }
    }
    Ok(())
}

/// One period of a goal.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GoalPeriodResult {
    /// Its first instant.
    #[schema(value_type = String, format = DateTime)]
    pub start: Time,
    /// The first instant after it.
    #[schema(value_type = String, format = DateTime)]
    pub end: Time,
    /// Whether it is the period now runs in.
    pub current: bool,
    /// What it has reached: a count, or a share (`None`: the share's base
    /// is empty).
    pub actual: Option<f64>,
    /// Where it will end at this pace: a count scaled by the time left; a
    /// share as it stands. For a past period, the actual.
    pub projection: Option<f64>,
    /// Whether the projection reaches the target.
    pub on_track: bool,
}

/// A goal and how it stands.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GoalResult {
    /// The goal as set.
    #[serde(flatten)]
    pub goal: Goal,
    /// Its periods, oldest first; the last is the current one.
    pub periods: Vec<GoalPeriodResult>,
}

/// The period of `kind` that holds `at`: `[start, end)`.
pub fn period_of(kind: GoalPeriod, at: Time) -> (Time, Time) {
    let day = at.date_naive();
    let (start, end) = match kind {
        GoalPeriod::Week => {
            let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
            (monday, monday + Duration::days(7))
        }
        GoalPeriod::Month => {
            let first = first_of(day.year(), day.month());
            (first, months_after(first, 1))
        }
        GoalPeriod::Quarter => {
            let first = first_of(day.year(), (day.month0() / 3) * 3 + 1);
            (first, months_after(first, 3))
        }
    };
    (midnight(start), midnight(end))
}

fn first_of(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).expect("the 1st of a month exists")
}

fn months_after(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(chrono::Months::new(months))
        .expect("within chrono's range")
}

fn midnight(day: NaiveDate) -> Time {
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight exists"))
}

/// When `summary` first entered `stage`, if it did.
fn first_entered(summary: &LeadSummary, stage: StageKind) -> Option<i64> {
    summary
        .path
        .iter()
        .find(|(kind, _)| *kind == stage)
        .map(|(_, at)| *at)
}

/// A goal's counts in one period as the scan adds them up.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    /// The count, or the share's part.
    count: u64,
    /// The share's base.
    base: u64,
}

impl Tally {
    fn add(&mut self, metric: GoalMetric, summary: &LeadSummary, within: impl Fn(i64) -> bool) {
        let entered = |stage| first_entered(summary, stage).is_some_and(&within);
        let counted = match metric {
            GoalMetric::Leads => within(summary.created_ms),
            GoalMetric::SalesReady => entered(StageKind::SalesReady),
            GoalMetric::Assigned => entered(StageKind::Assigned),
            GoalMetric::Won => entered(StageKind::Won),
            GoalMetric::SalesReadyOfLeads => {
                let based = within(summary.created_ms);
                self.base += u64::from(based);
                based && first_entered(summary, StageKind::SalesReady).is_some()
            }
            GoalMetric::WonOfAssigned => {
                let based = entered(StageKind::Assigned);
                self.base += u64::from(based);
                based && first_entered(summary, StageKind::Won).is_some()
            }
        };
        self.count += u64::from(counted);
    }

    /// The actual and the projection, `elapsed` of the period's `length`
    /// gone.
    fn result(
        self,
        metric: GoalMetric,
        elapsed: Duration,
        length: Duration,
    ) -> (Option<f64>, Option<f64>) {
        if metric.is_share() {
            let share = (self.base > 0).then(|| self.count as f64 / self.base as f64);
            return (share, share);
        }
        let actual = self.count as f64;
        let gone = elapsed.num_milliseconds().max(1) as f64;
        let whole = length.num_milliseconds() as f64;
        (Some(actual), Some(actual * (whole / gone).max(1.0)))
    }
}

impl Engine {
    /// `org`'s goals, each over its current period and the `past` periods
    /// before it (at most [`GOAL_PERIODS_MAX`] in all), in one scan of the
    /// org's lead summaries.
    ///
    /// Errors: [`EngineError::UnknownOrg`]; the store's.
    pub fn goal_report(&self, org: &str, past: usize) -> Result<Vec<GoalResult>, EngineError> {
        self.known_org(org)?;
        let goals = self.settings().goals(org);
        let now = self.now();
        let count = (past + 1).min(GOAL_PERIODS_MAX);
        // Each goal's periods, oldest first.
        let periods: Vec<Vec<(Time, Time)>> = goals
            .iter()
            .map(|goal| {
                let mut periods = vec![period_of(goal.period, now)];
                while periods.len() < count {
                    let before =
                        periods.last().expect("one at least").0 - Duration::milliseconds(1);
                    periods.push(period_of(goal.period, before));
                }
                periods.reverse();
                periods
            })
            .collect();
        let mut tallies: Vec<Vec<Tally>> = periods
            .iter()
            .map(|periods| vec![Tally::default(); periods.len()])
            .collect();
        if !goals.is_empty() {
            self.shared.store.scan_lead_summaries(org, &mut |summary| {
                for ((goal, periods), tallies) in goals.iter().zip(&periods).zip(&mut tallies) {
                    for ((start, end), tally) in periods.iter().zip(tallies.iter_mut()) {
                        let (start, end) = (start.timestamp_millis(), end.timestamp_millis());
                        tally.add(goal.metric, &summary, |at| at >= start && at < end);
                    }
                }
                ControlFlow::Continue(())
            })?;
        }
        Ok(goals
            .into_iter()
            .zip(periods)
            .zip(tallies)
            .map(|((goal, periods), tallies)| {
                let periods = periods
                    .into_iter()
                    .zip(tallies)
                    .map(|((start, end), tally)| {
                        let current = start <= now && now < end;
                        let elapsed = if current { now - start } else { end - start };
                        let (actual, projection) = tally.result(goal.metric, elapsed, end - start);
                        GoalPeriodResult {
                            start,
                            end,
                            current,
                            actual,
                            projection,
                            on_track: projection
                                .is_some_and(|projection| projection >= goal.target),
                        }
                    })
                    .collect();
                GoalResult { goal, periods }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Time {
        text.parse().unwrap()
    }

    #[test]
    fn periods_start_on_monday_the_first_and_the_quarter() {
        let now = at("2026-12-02T18:00:00Z");
        assert_eq!(
            period_of(GoalPeriod::Week, now),
            (at("2026-11-30T00:00:00Z"), at("2026-12-07T00:00:00Z"))
        );
        assert_eq!(
            period_of(GoalPeriod::Month, now),
            (at("2026-12-01T00:00:00Z"), at("2027-01-01T00:00:00Z"))
        );
        assert_eq!(
            period_of(GoalPeriod::Quarter, now),
            (at("2026-10-01T00:00:00Z"), at("2027-01-01T00:00:00Z"))
        );
        assert_eq!(
            period_of(GoalPeriod::Quarter, at("2026-03-31T23:59:59Z")).0,
            at("2026-01-01T00:00:00Z")
        );
    }

    #[test]
    fn a_share_goal_above_one_or_a_negative_target_is_refused_naming_it() {
        let goal = |metric, target| Goal {
            metric,
            target,
            period: GoalPeriod::Month,
            owner: None,
        };
        assert!(check_goals(&[goal(GoalMetric::SalesReady, 400.0)]).is_ok());
        let error = check_goals(&[
            goal(GoalMetric::SalesReady, 400.0),
            goal(GoalMetric::WonOfAssigned, 25.0),
        ])
        .unwrap_err();
        assert!(error.starts_with("goals[1].target = 25"), "{error}");
        assert!(error.contains("won-of-assigned"), "{error}");
        let error = check_goals(&[goal(GoalMetric::Won, -1.0)]).unwrap_err();
        assert!(error.contains("0 or more"), "{error}");
        let error = check_goals(&[goal(GoalMetric::Won, f64::NAN)]).unwrap_err();
        assert!(error.starts_with("goals[0]"), "{error}");
    }
}
