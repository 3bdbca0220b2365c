//! Campaigns: what marketing runs and sales must see coming — when it
//! launches, whom it targets, what it offers. A lead's `campaign` names
//! one by id.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Lead, Time};

/// Whom a campaign targets, in the words leads and reps use. Every list
/// may be empty (no constraint of that kind).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignTarget {
    /// Segments, as reps cover them (`enterprise`, `mid-market`).
    #[serde(default)]
    pub segments: Vec<String>,
    /// Industries, as a lead's `industry`.
    #[serde(default)]
    pub industries: Vec<String>,
    /// Countries, as a lead's `country` (ISO 3166-1 alpha-2, `DE`).
    #[serde(default)]
    pub countries: Vec<String>,
    /// Least company size (employees), inclusive.
    #[serde(default)]
    pub company_size_min: Option<u32>,
    /// Greatest company size (employees), inclusive.
    #[serde(default)]
    pub company_size_max: Option<u32>,
    /// Job titles, as a lead's `title`.
    #[serde(default)]
    pub titles: Vec<String>,
}

/// How a campaign bears on a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CampaignTouch {
    /// The campaign that first brought the lead in (its `campaign`).
    First,
    /// The campaign of the lead's latest submission that named one.
    Latest,
    /// A campaign running now or launching soon whose target includes the
    /// lead.
    Targeted,
}

/// A campaign as it bears on one lead: what plug-ins of WIT 0.2.0 are
/// handed (`campaign-context`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignContext {
    /// The campaign's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The channel it runs on.
    #[serde(default)]
    pub channel: Option<String>,
    /// What it offers.
    #[serde(default)]
    pub offer: Option<String>,
    /// When it launches.
    pub launch_at: DateTime<Utc>,
    /// When it ends, if planned.
    #[serde(default)]
    pub end_at: Option<DateTime<Utc>>,
    /// How it touches the lead, in the order of [`CampaignTouch`].
    pub touches: Vec<CampaignTouch>,
}

impl CampaignContext {
    /// `campaign` as it touches a lead `touches`-wise.
    pub fn of(campaign: &Campaign, touches: Vec<CampaignTouch>) -> Self {
        CampaignContext {
            id: campaign.id.clone(),
            name: campaign.name.clone(),
            channel: campaign.channel.clone(),
            offer: campaign.offer.clone(),
            launch_at: campaign.launch_at,
            end_at: campaign.end_at,
            touches,
        }
    }
}

impl CampaignTarget {
    /// Whether `lead`, of `segment` (its qualification's), is among those
    /// targeted: see [`TargetMatcher::matches`]. To test many leads, make
    /// the [`TargetMatcher`] once and a [`TargetProbe`] per lead.
    pub fn matches(&self, lead: &Lead, segment: Option<&str>) -> bool {
        self.matcher().matches(&TargetProbe::of(lead, segment))
    }

    /// The target made ready to test many leads: its words trimmed, its
    /// titles lower-cased once and searched for together in one pass over
    /// a lead's title (Aho–Corasick), not one pass per title.
    pub fn matcher(&self) -> TargetMatcher {
        let trimmed = |list: &[String]| list.iter().map(|entry| entry.trim().to_string()).collect();
        let titles: Vec<String> = self
            .titles
            .iter()
            .map(|title| title.trim().to_lowercase())
            .collect();
        TargetMatcher {
            segments: trimmed(&self.segments),
            industries: trimmed(&self.industries),
            countries: trimmed(&self.countries),
            company_size_min: self.company_size_min,
            company_size_max: self.company_size_max,
            // Checked lists of at most 100 short entries always build.
            titles: (!titles.is_empty())
                .then(|| aho_corasick::AhoCorasick::new(&titles).ok())
                .flatten(),
        }
    }
}

/// A lead as targets test it: its segment and its title lower-cased once,
/// for every campaign it is tested against.
#[derive(Debug, Clone)]
pub struct TargetProbe<'a> {
    lead: &'a Lead,
    segment: Option<&'a str>,
    title: Option<String>,
}

impl<'a> TargetProbe<'a> {
    /// `lead`, of `segment` (its qualification's).
    pub fn of(lead: &'a Lead, segment: Option<&'a str>) -> Self {
        TargetProbe {
            lead,
            segment,
            title: lead.title.as_deref().map(str::to_lowercase),
        }
    }
}

/// A [`CampaignTarget`] ready to test leads (from
/// [`CampaignTarget::matcher`]).
#[derive(Debug, Clone)]
pub struct TargetMatcher {
    segments: Vec<String>,
    industries: Vec<String>,
    countries: Vec<String>,
    company_size_min: Option<u32>,
    company_size_max: Option<u32>,
    /// The titles' automaton; `None` when the target names no title.
    titles: Option<aho_corasick::AhoCorasick>,
}

impl TargetMatcher {
    /// Whether `lead` is among those targeted: every constraint set must
    /// hold, and a lead that does not say (no country, no size) is not
    /// counted in. Industries and segments compare without case; a title
    /// is targeted when it contains one of `titles` without case (`Head of
    /// Sales` targets `Head of Sales DACH`); countries are upper-case codes
    /// on both sides. Costs one pass over the lead's title at most.
    pub fn matches(&self, lead: &TargetProbe<'_>) -> bool {
        let among = |wanted: &[String], value: Option<&str>| {
            wanted.is_empty()
                || value.is_some_and(|value| {
                    let value = value.trim();
                    wanted
                        .iter()
                        .any(|wanted| wanted.eq_ignore_ascii_case(value))
                })
        };
        let sized = |bound: Option<u32>, holds: fn(u32, u32) -> bool| {
            bound.is_none_or(|bound| {
                lead.lead
                    .company_size
                    .is_some_and(|size| holds(size, bound))
            })
        };
        among(&self.segments, lead.segment)
            && among(&self.industries, lead.lead.industry.as_deref())
            && among(&self.countries, lead.lead.country.as_deref())
            && sized(self.company_size_min, |size, min| size >= min)
            && sized(self.company_size_max, |size, max| size <= max)
            && self.titles.as_ref().is_none_or(|titles| {
                lead.title
                    .as_deref()
                    .is_some_and(|title| titles.is_match(title))
            })
    }
}

/// A campaign of an org.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// Its id within the org: what a lead's `campaign` names.
    pub id: String,
    /// Its name as people read it.
    pub name: String,
    /// The channel it runs on (`email`, `webinar`, `paid-social`).
    #[serde(default)]
    pub channel: Option<String>,
    /// What it offers (`free audit`, `20% off the first year`).
    #[serde(default)]
    pub offer: Option<String>,
    /// When it launches.
    pub launch_at: DateTime<Utc>,
    /// When it ends, if planned.
    #[serde(default)]
    pub end_at: Option<DateTime<Utc>>,
    /// Who runs it (a person or team, free text).
    #[serde(default)]
    pub owner: Option<String>,
    /// What it costs, in the org's currency: the funnel's cost per
    /// sales-ready and per won lead divide it.
    #[serde(default)]
    pub budget: Option<f64>,
    /// Whom it targets.
    #[serde(default)]
    pub target: CampaignTarget,
    /// When it was archived: left out of listings unless asked for.
    #[serde(default)]
    pub archived_at: Option<DateTime<Utc>>,
    /// When the host last announced its launch (the `campaign-launch`
    /// outbox message). Set by the host only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_announced_at: Option<DateTime<Utc>>,
    /// The launch that announcement named: a launch moved away from it is
    /// announced again, one moved back to it is not. Set by the host only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced_launch_at: Option<DateTime<Utc>>,
}

impl Campaign {
    /// Whether it launches after `now` and no later than `until`, and is
    /// not archived: what sales should see coming.
    pub fn upcoming(&self, now: Time, until: Time) -> bool {
        self.archived_at.is_none() && self.launch_at > now && self.launch_at <= until
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Time {
        text.parse().unwrap()
    }

    #[test]
    fn a_campaign_reads_from_its_least_json_and_is_upcoming_within_its_window() {
        let campaign: Campaign = serde_json::from_value(serde_json::json!({
            "id": "spring-webinar", "name": "Spring webinar", "launch_at": "2026-12-10T09:00:00Z"
        }))
        .unwrap();
        assert_eq!(campaign.target, CampaignTarget::default());
        let now = at("2026-12-02T09:00:00Z");
        assert!(campaign.upcoming(now, at("2026-12-16T09:00:00Z")));
        assert!(
            !campaign.upcoming(now, at("2026-12-09T09:00:00Z")),
            "too far out"
        );
        assert!(
            !campaign.upcoming(at("2026-12-10T09:00:00Z"), at("2026-12-30T09:00:00Z")),
            "launched"
        );
        let archived = Campaign {
            archived_at: Some(now),
            ..campaign
        };
        assert!(!archived.upcoming(now, at("2026-12-16T09:00:00Z")));
        let unknown = serde_json::from_value::<Campaign>(serde_json::json!({
            "id": "x", "name": "x", "launch_at": "2026-12-10T09:00:00Z", "audience": []
        }));
        assert!(unknown.unwrap_err().to_string().contains("audience"));
    }

    #[test]
    fn a_target_holds_each_constraint_it_sets_and_counts_out_a_lead_that_does_not_say() {
        let lead: Lead = serde_json::from_value(serde_json::json!({
            "email": "jonas@acme.example", "title": "Head of Sales DACH",
            "industry": "Software", "country": "DE", "company_size": 120,
            "created_at": "2026-12-01T09:00:00Z"
        }))
        .unwrap();
        let target = CampaignTarget {
            segments: vec!["Enterprise".into()],
            industries: vec!["software".into()],
            countries: vec!["AT".into(), "DE".into()],
            company_size_min: Some(50),
            company_size_max: Some(500),
            titles: vec!["head of sales".into()],
        };
        assert!(target.matches(&lead, Some("enterprise")));
        assert!(!target.matches(&lead, None), "no segment said");
        assert!(!target.matches(&lead, Some("smb")));
        assert!(
            CampaignTarget::default().matches(&lead, None),
            "no constraint"
        );
        let small = Lead {
            company_size: Some(20),
            ..lead.clone()
        };
        assert!(!target.matches(&small, Some("enterprise")));
        let no_size = Lead {
            company_size: None,
            ..lead.clone()
        };
        assert!(!target.matches(&no_size, Some("enterprise")));
        let elsewhere = Lead {
            country: Some("FR".into()),
            ..lead.clone()
        };
        assert!(!target.matches(&elsewhere, Some("enterprise")));
        let other_job = Lead {
            title: Some("CFO".into()),
            ..lead
        };
        assert!(!target.matches(&other_job, Some("enterprise")));
    }
}
