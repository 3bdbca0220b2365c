//! What happened to a lead: its activities, the host's events and the
//! plug-ins' decisions, sharing one sequence so they read back in order.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::LeadStage;
use leadhost_model::Activity;
use leadhost_model::{ContentHash, Slot};

/// Something the host did to a lead. In JSON, `{"event": "moved", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum EventKind {
    /// The lead was accepted for the first time.
    Created {
        /// Where it came from (`api`, `import`, ...).
        via: String,
    },
    /// The same e-mail was submitted again and merged into this lead.
    Merged {
        /// The fields the submission filled in (they were empty before).
        filled: Vec<String>,
    },
    /// The lead moved from one stage to another.
    Moved {
        /// The stage it left.
        from: LeadStage,
        /// The stage it entered.
        to: LeadStage,
        /// What moved it.
        cause: String,
    },
    /// The lead's owner should hear of new activity (sent through the outbox).
    OwnerNotified {
        /// The rep.
        rep: String,
        /// What happened.
        what: String,
    },
    /// Someone asked for the failed step to run again.
    RetryRequested,
    /// Another lead, the same person by the org's duplicate rule or a
    /// reviewer, was merged into this one: what it brought is here now.
    DuplicateMerged {
        /// The lead merged in (left discarded, naming this one).
        duplicate: String,
        /// Its e-mail address, which now finds this lead.
        email: String,
        /// How sure the rule was, 0 to 1.
        confidence: f64,
        /// The rule's reasons.
        reasons: Vec<String>,
        /// Who merged: `rule` (above the org's `merge_at`) or `review`.
        by: String,
    },
    /// A reviewer said the candidate the rule proposed is someone else.
    DuplicateDismissed {
        /// The candidate turned down.
        candidate: String,
    },
    /// The rep did not accept the lead within the org's SLA: it goes back
    /// to routing without them.
    SlaLapsed {
        /// The rep who let it lapse.
        rep: String,
        /// When they were given it.
        assigned_at: DateTime<Utc>,
        /// When the SLA ran out.
        accept_by: DateTime<Utc>,
    },
    /// A nurture touch went to the outbox.
    TouchSent {
        /// The channel.
        channel: String,
        /// Template or content id.
        content: String,
        /// The question asked, if any.
        question: Option<leadhost_model::Question>,
    },
    /// A nurture track asked for a call.
    CallTaskCreated {
        /// The task's id (`GET /v1/orgs/{org}/tasks`).
        task: String,
        /// Rep id or team, if the track named one.
        assignee: Option<String>,
        /// What the call is for.
        reason: String,
    },
}

/// A host event with its time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Event {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// How a plug-in call ended. In JSON, `{"outcome": "decided", "output": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// The plug-in answered; `output` is its answer as the API shows it.
    Decided {
        /// The answer.
        #[schema(value_type = Object)]
        output: serde_json::Value,
    },
    /// The call failed; nothing it said was acted on.
    Failed {
        /// A short, stable code (`trap`, `out-of-fuel`, ...).
        code: String,
        /// What went wrong.
        error: String,
    },
}

/// The provenance of one plug-in call: enough to say exactly which version
/// decided what, from which input, at what cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
// Read through `DecisionWire`, the same JSON with the outcome's fields
// inline: serde reads a flattened, tagged field by buffering the whole
// object first, which made decoding decisions a third of a backtest's time.
#[serde(try_from = "decision_wire::DecisionWire")]
pub struct Decision {
    /// The org the call was made for.
    pub org: String,
    /// The lead it was about.
    pub lead: String,
    /// The slot called.
    pub slot: Slot,
    /// The plug-in's name.
    pub plugin: String,
    /// The sha256 of the component that answered.
    #[schema(value_type = String)]
    pub plugin_hash: ContentHash,
    /// The WIT version the component was built against.
    pub wit_version: String,
    /// The sha256 of the input as JSON: the same digest means the same input.
    pub input_digest: String,
    /// The digest of the slot's config the plug-in version served with
    /// (`config_digest` of its entry in the slot's versions): the same
    /// component with other config is another version. Empty in decisions
    /// recorded before config was.
    #[serde(default)]
    pub config_digest: String,
    /// What came of it.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The plug-in's reasons (empty when the call failed).
    pub reasons: Vec<String>,
    /// For a routing policy: the candidates it saw, with their load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing: Option<super::RoutingView>,
    /// Wall-clock time of the call, in microseconds.
    pub duration_us: u64,
    /// Fuel the call used.
    pub fuel_used: u64,
    /// The time the call was made for (the input's `now`).
    pub at: DateTime<Utc>,
}

mod decision_wire;

/// One entry of a lead's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[allow(
    clippy::large_enum_variant,
    reason = "a lead's timeline is short and read whole; boxing decisions would cost an allocation each for nothing"
)]
pub enum TimelineItem {
    /// Something the lead did.
    Activity(Activity),
    /// Something the host did.
    Event(Event),
    /// Something a plug-in decided.
    Decision(Decision),
}

/// A timeline entry with its place in the lead's sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    /// Its position: entries of one lead never share a number.
    pub seq: u64,
    /// The entry.
    #[serde(flatten)]
    pub item: TimelineItem,
}

impl TimelineEntry {
    /// The decision, when this entry is one.
    pub fn decision(&self) -> Option<&Decision> {
        match &self.item {
            TimelineItem::Decision(decision) => Some(decision),
            _ => None,
        }
    }

    /// The event, when this entry is one.
    pub fn event(&self) -> Option<&Event> {
        match &self.item {
            TimelineItem::Event(event) => Some(event),
            _ => None,
        }
    }
}
