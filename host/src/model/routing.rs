//! The routing policy's input and answer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Config, Lead, Qualification};

fn one() -> u32 {
    1
}

fn yes() -> bool {
    true
}

/// A rep a lead may be routed to, with live load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rep {
    /// The rep's id within the org.
    pub id: String,
    /// The rep's team.
    #[serde(default)]
    pub team: Option<String>,
    /// Territories covered.
    #[serde(default)]
    pub territories: Vec<String>,
    /// Segments covered.
    #[serde(default)]
    pub segments: Vec<String>,
    /// Most open leads the rep may hold.
    pub capacity: u32,
    /// Open leads held now.
    #[serde(default)]
    pub open_leads: u32,
    /// Relative share for weighted policies.
    #[serde(default = "one")]
    pub weight: u32,
    /// Whether the rep can take leads now.
    #[serde(default = "yes")]
    pub available: bool,
    /// When the rep was last assigned a lead.
    #[serde(default)]
    pub last_assigned_at: Option<DateTime<Utc>>,
}

/// The input of `route`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteInput {
    /// The sales-ready lead.
    pub lead: Lead,
    /// Its qualification.
    pub qualification: Qualification,
    /// The org's reps.
    #[serde(default)]
    pub candidates: Vec<Rep>,
    /// The rep who owns the lead's domain, if any.
    #[serde(default)]
    pub account_owner: Option<String>,
    /// The org's config for the plug-in.
    #[serde(default)]
    pub config: Config,
    /// The time of the call.
    pub now: DateTime<Utc>,
}

/// A routing policy's answer. In JSON, `{"decision": "assign", ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "decision", rename_all = "kebab-case", deny_unknown_fields)]
pub enum RouteDecision {
    /// Give the lead to a rep.
    Assign {
        /// The rep's id.
        rep: String,
        /// Why this rep.
        reasons: Vec<String>,
    },
    /// Put the lead in a queue.
    Queue {
        /// The queue's name.
        queue: String,
        /// Why.
        reason: String,
    },
    /// Pass the lead back to marketing.
    ReturnToMarketing {
        /// Why.
        reason: String,
    },
}
