//! Campaigns: what marketing runs and sales must see coming — when it
//! launches, whom it targets, what it offers. A lead's `campaign` names
//! one by id.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Time;

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
}
