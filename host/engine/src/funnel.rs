//! The closed-loop funnel: for the leads an org took in during a window,
//! how far each got and where each is now.
//!
//! Every lead is counted exactly once in where it is now:
//! `leads = won + lost + discarded + active`, and `active` splits by stage.
//! The milestone counts (`qualified`, `sales_ready`, `assigned`, `recycled`)
//! count leads that ever reached that stage.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};

use super::{Engine, EngineError};
use crate::model::Time;
use crate::store::{LeadStage, LeadSummary, StageKind};

/// Which leads a report covers: those created in `[from, to)`; an open end
/// is unbounded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Window {
    /// First instant included.
    pub from: Option<DateTime<Utc>>,
    /// First instant excluded.
    pub to: Option<DateTime<Utc>>,
}

impl Window {
    fn contains(&self, at: Time) -> bool {
        self.from.is_none_or(|from| at >= from) && self.to.is_none_or(|to| at < to)
    }
}

/// An org's funnel, overall and by source and campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Funnel {
    /// The org.
    pub org: String,
    /// The window covered.
    pub window: Window,
    /// All leads of the window.
    #[serde(flatten)]
    pub total: FunnelSection,
    /// The same, by the lead's source (`(none)` when it has none).
    pub by_source: BTreeMap<String, FunnelSection>,
    /// The same, by the lead's campaign (`(none)` when it has none).
    pub by_campaign: BTreeMap<String, FunnelSection>,
    /// What each campaign with a budget paid per lead, by campaign id: its
    /// budget over the window's leads it brought in first (a lead's
    /// `campaign`) that became sales-ready, and that were won. Leave the
    /// window open to divide a campaign's whole budget by all its leads.
    pub campaign_costs: BTreeMap<String, CampaignCost>,
    /// The window's leads by the week they were created in (weeks start on
    /// Monday, 00:00 UTC), oldest first, with how far each week's leads got
    /// so far; weeks without leads are left out.
    pub weekly: Vec<FunnelWeek>,
}

/// A campaign's budget against what its leads became.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CampaignCost {
    /// The campaign's budget, in the org's currency.
    pub budget: f64,
    /// Its leads ever sales-ready.
    pub sales_ready: u64,
    /// Its leads won.
    pub won: u64,
    /// `budget / sales_ready`; `None` when none became sales-ready.
    pub per_sales_ready: Option<f64>,
    /// `budget / won`; `None` when none was won.
    pub per_won: Option<f64>,
}

impl CampaignCost {
    /// `budget` over `section`'s sales-ready and won leads.
    fn of(budget: f64, section: &FunnelSection) -> Self {
        let per = |count: u64| (count > 0).then(|| budget / count as f64);
        CampaignCost {
            budget,
            sales_ready: section.sales_ready,
            won: section.won,
            per_sales_ready: per(section.sales_ready),
            per_won: per(section.won),
        }
    }
}

/// The leads created in one week and how far they got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FunnelWeek {
    /// The Monday the week starts on (UTC).
    pub week: chrono::NaiveDate,
    /// Leads created that week.
    pub leads: u64,
    /// Of them, leads ever sales-ready.
    pub sales_ready: u64,
    /// Of them, leads won.
    pub won: u64,
    /// Of them, leads discarded now.
    pub discarded: u64,
}

/// The funnel of one group of leads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FunnelSection {
    /// Leads taken in.
    pub leads: u64,
    /// Leads the lead definition ever answered for.
    pub qualified: u64,
    /// Leads that were ever sales-ready.
    pub sales_ready: u64,
    /// Leads ever assigned to a rep.
    pub assigned: u64,
    /// Leads a rep ever accepted.
    pub accepted: u64,
    /// Leads ever passed back to marketing.
    pub recycled: u64,
    /// Leads won.
    pub won: u64,
    /// Leads lost.
    pub lost: u64,
    /// Lost leads by reason.
    pub lost_by_reason: BTreeMap<String, u64>,
    /// Leads discarded now.
    pub discarded: u64,
    /// Discarded leads by reason.
    pub discarded_by_reason: BTreeMap<String, u64>,
    /// Leads neither closed nor discarded.
    pub active: u64,
    /// Active leads by stage (`nurturing`, `assigned`, `needs-review`, ...).
    pub active_by_stage: BTreeMap<String, u64>,
    /// Nurturing leads by `track/step`.
    pub active_by_nurture_step: BTreeMap<String, u64>,
    /// Conversion between milestones.
    pub conversion: Conversion,
    /// Median hours spent in each stage, over stays that have ended.
    pub median_hours_in_stage: BTreeMap<String, f64>,
}

/// Conversion rates between milestones, as fractions; `None` when nothing
/// reached the earlier milestone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Conversion {
    /// Qualified of leads.
    pub qualified_of_leads: Option<f64>,
    /// Sales-ready of qualified.
    pub sales_ready_of_qualified: Option<f64>,
    /// Assigned of sales-ready.
    pub assigned_of_sales_ready: Option<f64>,
    /// Accepted of assigned.
    pub accepted_of_assigned: Option<f64>,
    /// Won of assigned.
    pub won_of_assigned: Option<f64>,
    /// Won of leads.
    pub won_of_leads: Option<f64>,
}

/// Counts leads into a section and collects their stays in each stage.
#[derive(Default)]
struct Tally {
    section: FunnelSection,
    /// Milliseconds of every ended stay, by stage.
    stays: BTreeMap<StageKind, Vec<i64>>,
}

impl Tally {
    fn add(&mut self, record: &LeadSummary) {
        let section = &mut self.section;
        section.leads += 1;
        let reached = |stage| u64::from(record.reached(stage));
        section.qualified += reached(StageKind::Qualified);
        section.sales_ready += reached(StageKind::SalesReady);
        section.assigned += reached(StageKind::Assigned);
        section.accepted += reached(StageKind::Accepted);
        section.recycled += reached(StageKind::Recycled);
        match &record.stage {
            LeadStage::Won { .. } => section.won += 1,
            LeadStage::Lost { reason, .. } => {
                section.lost += 1;
                bump(&mut section.lost_by_reason, reason);
            }
            LeadStage::Discarded { reason } => {
                section.discarded += 1;
                bump(&mut section.discarded_by_reason, reason);
            }
            stage => {
                section.active += 1;
                bump(&mut section.active_by_stage, stage.kind().as_str());
                if let LeadStage::Nurturing { track, step } = stage {
                    *section
                        .active_by_nurture_step
                        .entry(format!("{track}/{step}"))
                        .or_default() += 1;
                }
            }
        }
        for pair in record.path.windows(2) {
            let ((stage, entered), (_, left)) = (pair[0], pair[1]);
            self.stays.entry(stage).or_default().push(left - entered);
        }
    }

    fn finish(mut self) -> FunnelSection {
        let section = &mut self.section;
        let rate = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
        section.conversion = Conversion {
            qualified_of_leads: rate(section.qualified, section.leads),
            sales_ready_of_qualified: rate(section.sales_ready, section.qualified),
            assigned_of_sales_ready: rate(section.assigned, section.sales_ready),
            accepted_of_assigned: rate(section.accepted, section.assigned),
            won_of_assigned: rate(section.won, section.assigned),
            won_of_leads: rate(section.won, section.leads),
        };
        for (stage, stays) in &mut self.stays {
            let hours = median(stays) / 3_600_000.0;
            section
                .median_hours_in_stage
                .insert(stage.to_string(), hours);
        }
        self.section
    }
}

/// The Monday (UTC) of the week `at` falls in.
fn week_of(at: Time) -> chrono::NaiveDate {
    use chrono::Datelike;
    let day = at.date_naive();
    day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// Counts one more of `key`, allocating it only the first time.
fn bump(counts: &mut BTreeMap<String, u64>, key: &str) {
    match counts.get_mut(key) {
        Some(count) => *count += 1,
        None => {
            counts.insert(key.to_string(), 1);
        }
    }
}

/// The tally of group `name` (`(none)` for leads without one); a key is
/// allocated only for a group's first lead, not for each of 100,000.
fn group<'a>(groups: &'a mut BTreeMap<String, Tally>, name: Option<&str>) -> &'a mut Tally {
    let name = name.unwrap_or("(none)");
    if !groups.contains_key(name) {
        groups.insert(name.to_string(), Tally::default());
    }
    groups.get_mut(name).expect("inserted above")
}

/// The median of a non-empty list.
fn median(values: &mut [i64]) -> f64 {
    values.sort_unstable();
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        values[middle] as f64
    } else {
        (values[middle - 1] + values[middle]) as f64 / 2.0
    }
}

impl Engine {
    /// The funnel of the leads `org` took in during `window`.
    pub fn funnel(&self, org: &str, window: Window) -> Result<Funnel, EngineError> {
        self.known_org(org)?;
        let mut total = Tally::default();
        let mut by_source: BTreeMap<String, Tally> = BTreeMap::new();
        let mut by_campaign: BTreeMap<String, Tally> = BTreeMap::new();
        let mut weekly: BTreeMap<chrono::NaiveDate, FunnelWeek> = BTreeMap::new();
        self.shared.store.scan_lead_summaries(org, &mut |record| {
            let created_at = record.created_at();
            if window.contains(created_at) {
                total.add(&record);
                group(&mut by_source, record.source.as_deref()).add(&record);
                group(&mut by_campaign, record.campaign.as_deref()).add(&record);
                let week = week_of(created_at);
                let counts = weekly.entry(week).or_insert_with(|| FunnelWeek {
                    week,
                    leads: 0,
                    sales_ready: 0,
                    won: 0,
                    discarded: 0,
                });
                counts.leads += 1;
                counts.sales_ready += u64::from(record.reached(StageKind::SalesReady));
                counts.won += u64::from(matches!(record.stage, LeadStage::Won { .. }));
                counts.discarded += u64::from(matches!(record.stage, LeadStage::Discarded { .. }));
            }
            ControlFlow::Continue(())
        })?;
        let finish = |groups: BTreeMap<String, Tally>| {
            groups
                .into_iter()
                .map(|(name, tally)| (name, tally.finish()))
                .collect()
        };
        let by_campaign: BTreeMap<String, FunnelSection> = finish(by_campaign);
        let campaign_costs = self
            .shared
            .store
            .campaigns(org)?
            .into_iter()
            .filter_map(|campaign| {
                let budget = campaign.budget?;
                let section = by_campaign.get(&campaign.id)?;
                Some((campaign.id, CampaignCost::of(budget, section)))
            })
            .collect();
        Ok(Funnel {
            org: org.into(),
            window,
            total: total.finish(),
            by_source: finish(by_source),
            by_campaign,
            campaign_costs,
            weekly: weekly.into_values().collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_lists() {
        assert_eq!(median(&mut [5, 1, 3]), 3.0);
        assert_eq!(median(&mut [4, 1, 3, 2]), 2.5);
    }

    #[test]
    fn a_week_starts_on_monday() {
        let at = |text: &str| text.parse::<Time>().unwrap();
        let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(week_of(at("2026-11-30T00:00:00Z")), monday);
        assert_eq!(week_of(at("2026-12-06T23:59:59Z")), monday);
        assert_eq!(
            week_of(at("2026-12-07T00:00:00Z")),
            monday + chrono::Days::new(7)
        );
        assert_eq!(
            week_of(at("2026-11-29T23:59:59Z")),
            monday - chrono::Days::new(7)
        );
    }

    #[test]
    fn a_window_includes_its_start_and_excludes_its_end() {
        let at = |text: &str| text.parse::<Time>().unwrap();
        let window = Window {
            from: Some(at("2026-03-01T00:00:00Z")),
            to: Some(at("2026-04-01T00:00:00Z")),
        };
        assert!(window.contains(at("2026-03-01T00:00:00Z")));
        assert!(!window.contains(at("2026-04-01T00:00:00Z")));
        assert!(Window::default().contains(at("1999-01-01T00:00:00Z")));
    }
}
