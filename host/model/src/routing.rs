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
    /// The rep's name as people read it (`Ana Lima`): one line of at most
    /// 200 characters, trimmed. Shown in the UI and carried in the
    /// `lead-assigned` and `sla-escalation` webhooks; never shown to a
    /// routing policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The rep's e-mail address, normalized as a lead's is (lower case,
    /// ASCII domain). Carried like `display_name`; never shown to a routing
    /// policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
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
    /// Whether the rep takes leads at all (an admin's switch). A routing
    /// policy sees `false` also while an out-of-office window is open.
    #[serde(default = "yes")]
    pub available: bool,
    /// Planned absences: no lead is routed to the rep while one is open.
    /// The host folds them into `available` for the policy, so plug-ins
    /// need no calendar logic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_office: Vec<Absence>,
    /// When the rep was last assigned a lead.
    #[serde(default)]
    pub last_assigned_at: Option<DateTime<Utc>>,
}

impl Rep {
    /// Whether the rep can take a lead at `now`: switched on and not away.
    pub fn available_at(&self, now: DateTime<Utc>) -> bool {
        self.available && !self.out_of_office.iter().any(|away| away.covers(now))
    }

    /// The rep as a routing policy sees it at `now`: availability folded
    /// in, absences and contact details left out (a policy routes by load
    /// and coverage, and the recorded input stays what it was before reps
    /// had contact details).
    pub fn as_candidate(&self, now: DateTime<Utc>) -> Rep {
        Rep {
            available: self.available_at(now),
            out_of_office: Vec::new(),
            display_name: None,
            email: None,
            ..self.clone()
        }
    }
}

/// An out-of-office window, `from` inclusive, `until` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Absence {
    /// When the rep leaves.
    pub from: DateTime<Utc>,
    /// When the rep is back.
    pub until: DateTime<Utc>,
}

impl Absence {
    /// Whether the rep is away at `at`.
    pub fn covers(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && at < self.until
    }
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
    /// The campaigns it came from or is targeted by (WIT 0.2.0 plug-ins
    /// see them; the host fills them only for those).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub campaigns: Vec<crate::CampaignContext>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_details_are_optional_skipped_when_unset_and_kept_from_policies() {
        // A record stored before reps had contact details still reads.
        let old: Rep = serde_json::from_str(r#"{"id": "ana", "capacity": 3}"#).unwrap();
        assert_eq!(
            (old.display_name.as_deref(), old.email.as_deref()),
            (None, None)
        );
        let written = serde_json::to_value(&old).unwrap();
        assert!(written.get("display_name").is_none() && written.get("email").is_none());

        let ana: Rep = serde_json::from_str(
            r#"{"id": "ana", "capacity": 3, "display_name": "Ana Lima", "email": "ana@acme.example"}"#,
        )
        .unwrap();
        assert_eq!(ana.display_name.as_deref(), Some("Ana Lima"));
        assert_eq!(ana.email.as_deref(), Some("ana@acme.example"));
        let now = "2026-12-01T00:00:00Z".parse().unwrap();
        assert_eq!(ana.as_candidate(now), old.as_candidate(now));
    }
}
