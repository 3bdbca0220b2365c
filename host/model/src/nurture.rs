//! The nurture track's input and answer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Activity, Config, Lead, Qualification};

/// Where a lead stands on its nurture track.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackState {
    /// The track's name.
    pub track: String,
    /// The step reached; 0 before the first.
    #[serde(default)]
    pub step: u32,
    /// The plug-in's own state, opaque to the host.
    #[serde(default)]
    pub data: String,
}

/// The input of `next-step`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NurtureInput {
    /// The lead.
    pub lead: Lead,
    /// Its activity, oldest first.
    #[serde(default)]
    pub activities: Vec<Activity>,
    /// Its latest qualification.
    pub qualification: Qualification,
    /// The campaigns it came from or is targeted by (WIT 0.2.0 plug-ins
    /// see them; the host fills them only for those).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub campaigns: Vec<crate::CampaignContext>,
    /// Where it stands on its track.
    pub state: TrackState,
    /// The org's config for the plug-in.
    #[serde(default)]
    pub config: Config,
    /// The time of the call.
    pub now: DateTime<Utc>,
}

/// A question asked in a touch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable id, echoed in the answer.
    pub id: String,
    /// The question as the lead reads it.
    pub text: String,
}

/// One thing a nurture track wants done. In JSON, `{"action": "send-touch", ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "kebab-case", deny_unknown_fields)]
pub enum NurtureAction {
    /// Send a touch.
    SendTouch {
        /// How to reach the lead.
        channel: String,
        /// Template or content id.
        content: String,
        /// The question asked, if any.
        #[serde(default)]
        question: Option<Question>,
    },
    /// Create a call task.
    CreateCallTask {
        /// Rep id or team; none for the org's default queue.
        #[serde(default)]
        assignee: Option<String>,
        /// What the call is for.
        reason: String,
    },
    /// Do nothing until the wake time.
    Wait,
    /// Move to another track.
    MoveToTrack {
        /// The track's name.
        track: String,
    },
    /// Hand to sales.
    HandToSales {
        /// Why.
        reason: String,
    },
    /// Discard the lead.
    Discard {
        /// Why.
        reason: String,
    },
    /// The track is done with the lead.
    Finish {
        /// Why.
        reason: String,
    },
}

/// A nurture track's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NurtureStep {
    /// Actions, in order.
    pub actions: Vec<NurtureAction>,
    /// The state to persist.
    pub state: TrackState,
    /// When to call the track again; none waits for new activity.
    #[serde(default)]
    pub wake_at: Option<DateTime<Utc>>,
}
