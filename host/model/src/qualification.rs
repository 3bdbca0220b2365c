//! The lead definition's input and answer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Activity, CampaignContext, Config, Lead};

/// The input of `qualify`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualifyInput {
    /// The lead.
    pub lead: Lead,
    /// Its activity, oldest first.
    #[serde(default)]
    pub activities: Vec<Activity>,
    /// The campaigns it came from or is targeted by (WIT 0.2.0 plug-ins
    /// see them; the host fills them only for those).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub campaigns: Vec<CampaignContext>,
    /// Its qualification before this call, if any (WIT 0.2.0 plug-ins see
    /// it; the host fills it only for those).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<Qualification>,
    /// The org's config for the plug-in.
    #[serde(default)]
    pub config: Config,
    /// The time of the call.
    pub now: DateTime<Utc>,
}

/// A lead definition's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Route to sales.
    SalesReady,
    /// Keep warm on a nurture track.
    Nurture,
    /// Not wanted.
    Discard,
}

/// A lead definition's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Qualification {
    /// The verdict.
    pub stage: Stage,
    /// How warm the lead is; higher is warmer.
    pub score: i32,
    /// The segment, if the definition assigns one.
    #[serde(default)]
    pub segment: Option<String>,
    /// The suggested nurture track, if any.
    #[serde(default)]
    pub track: Option<String>,
    /// Why, most important first.
    #[serde(default)]
    pub reasons: Vec<String>,
}
