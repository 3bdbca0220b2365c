//! Org-level records: the org itself, assignments and outbox messages.

use serde::{Deserialize, Serialize};

use leadhost_model::Time;

/// An org (tenant): everything else it owns is keyed under its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgRecord {
    /// Its id: lowercase letters, digits and `-`, used in URLs and folders.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// When it was created.
    pub created_at: Time,
}

/// An API token. Only the sha256 of its secret is stored (as the key), so
/// the store never holds a usable token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// A public id, to list and revoke it by.
    pub id: String,
    /// The org it reaches; `None` for an admin token.
    pub org: Option<String>,
    /// When it was issued.
    pub created_at: Time,
    /// When it was revoked; a revoked token is refused.
    pub revoked_at: Option<Time>,
}

/// A lead given to a rep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// The lead.
    pub lead: String,
    /// The rep.
    pub rep: String,
    /// When.
    pub at: Time,
    /// The timeline sequence of the routing decision that made it.
    pub decision_seq: u64,
}

/// Something to tell the outside world, written in the same commit as the
/// change that caused it, so it is sent if and only if the change happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// The org.
    pub org: String,
    /// The lead; empty for a message about no one lead (a campaign's
    /// launch).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub lead: String,
    /// When it was written.
    pub at: Time,
    /// What to tell.
    #[serde(flatten)]
    pub kind: OutboxKind,
}

/// What an outbox message says. In JSON, `{"kind": "lead-assigned", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum OutboxKind {
    /// A rep was given a lead.
    LeadAssigned {
        /// The rep.
        rep: String,
        /// The rep's display name when the lead was assigned, if they have
        /// one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rep_display_name: Option<String>,
        /// The rep's e-mail address when the lead was assigned, if they
        /// have one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rep_email: Option<String>,
    },
    /// A lead's owner should hear of new activity on it.
    OwnerActivity {
        /// The rep.
        rep: String,
        /// What happened.
        what: String,
    },
    /// An assignment was not accepted within the org's SLA; the lead was
    /// routed again without the rep who let it lapse.
    SlaEscalation {
        /// The rep who let it lapse.
        lapsed: String,
        /// The lapsed rep's display name, if they have one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lapsed_display_name: Option<String>,
        /// The lapsed rep's e-mail address, if they have one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lapsed_email: Option<String>,
        /// The rep it went to now, if one took it.
        rep: Option<String>,
        /// That rep's display name, if they have one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rep_display_name: Option<String>,
        /// That rep's e-mail address, if they have one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rep_email: Option<String>,
        /// The lead's stage after re-routing (`assigned`, `routed` with a
        /// queue, `needs-review`).
        stage: String,
    },
    /// A campaign launches soon: sales hears of it `[announcements]
    /// campaign_launch` ahead (default 7 days), once.
    CampaignLaunch {
        /// The campaign as announced (boxed: every message is as large as
        /// its largest kind).
        campaign: Box<leadhost_model::Campaign>,
        /// Open leads that reps hold and the campaign targets.
        leads: u64,
        /// Of them, how many each rep holds, by rep id.
        reps: std::collections::BTreeMap<String, u64>,
    },
    /// A nurture touch to send.
    Touch {
        /// The action as the track returned it.
        action: leadhost_model::NurtureAction,
    },
}
