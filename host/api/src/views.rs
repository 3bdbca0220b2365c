//! What the API shows of the engine's records.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use std::collections::BTreeMap;

use crate::engine::records::{LeadRecord, LeadStage, RecordedInput, StageKind, TimelineEntry};
use crate::model::Slot;
use crate::model::{ActivityKind, Lead, Qualification};

/// A lead with where it stands; with its timeline when one lead is asked for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeadView {
    /// The lead's fields, `id` included; `campaign` is the first campaign
    /// that brought it in.
    #[serde(flatten)]
    pub lead: Lead,
    /// The campaign of its latest submission that named one (its latest
    /// touch; equal to `campaign` until another campaign brings it back).
    pub latest_campaign: Option<String>,
    /// Its lifecycle stage.
    pub stage: StageKind,
    /// The rep holding it (or who closed it), if any.
    pub owner: Option<String>,
    /// The queue it waits in, when routed to one.
    pub queue: Option<String>,
    /// Why it was lost, discarded or recycled.
    pub reason: Option<String>,
    /// Its nurture track, when nurtured.
    pub track: Option<String>,
    /// The step reached on the track.
    pub step: Option<u32>,
    /// When the track wakes it next.
    pub next_wake_at: Option<DateTime<Utc>>,
    /// While assigned: when the routing SLA lapses unless the rep accepts.
    pub accept_by: Option<DateTime<Utc>>,
    /// Reps who let its SLA lapse; it is not routed to them again.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lapsed_reps: Vec<String>,
    /// Why it waits in needs-review.
    pub review: Option<Review>,
    /// The lead it was merged into, as a duplicate of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
    /// The latest qualification.
    pub qualification: Option<Qualification>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Activities, events and decisions, in order (one lead only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineEntry>>,
    /// With `?inputs=true`: the input each decision's plug-in saw, by the
    /// decisions' `input_digest` (decisions with the same input share one).
    /// A decision whose digest is missing here has no input kept (made
    /// before inputs were recorded, or past `[store] input_retention_days`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inputs: Option<BTreeMap<String, InputView>>,
}

/// A decision's input as the plug-in saw it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InputView {
    /// The slot called.
    pub slot: Slot,
    /// The call's time (the input's `now`).
    pub at: DateTime<Utc>,
    /// The input: the lead, the config, `now`, and for a routing policy
    /// the candidates and the account owner; `activities` is the number of
    /// the lead's activities the call saw (the first that many of its
    /// timeline, which lists them), not the activities again.
    #[schema(value_type = Object)]
    pub input: serde_json::Value,
}

impl InputView {
    /// The view of a recorded input (`None` if its JSON does not parse,
    /// which the store's own digest rules out short of damage).
    pub fn of(recorded: RecordedInput) -> Option<Self> {
        Some(InputView {
            slot: recorded.slot,
            at: recorded.at,
            input: serde_json::from_slice(&recorded.json).ok()?,
        })
    }
}

/// Why a lead waits in needs-review.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Review {
    /// The slot whose plug-in failed or is missing.
    pub slot: Slot,
    /// A short, stable code (`trap`, `out-of-fuel`, `none-configured`, ...).
    pub code: String,
    /// What went wrong.
    pub error: String,
}

impl LeadView {
    /// The view of a record, without its timeline.
    pub fn of(record: LeadRecord) -> Self {
        let (mut queue, mut reason, mut review) = (None, None, None);
        match &record.stage {
            LeadStage::Routed { queue: waiting } => queue = waiting.clone(),
            LeadStage::Lost { reason: why, .. }
            | LeadStage::Discarded { reason: why }
            | LeadStage::Recycled { reason: why } => reason = Some(why.clone()),
            LeadStage::NeedsReview { slot, code, error } => {
                review = Some(Review {
                    slot: *slot,
                    code: code.clone(),
                    error: error.clone(),
                })
            }
            _ => {}
        }
        let nurtured = record.stage.kind() == StageKind::Nurturing;
        let state = record.track.as_ref().filter(|_| nurtured);
        LeadView {
            stage: record.stage.kind(),
            owner: record.owner,
            queue,
            reason,
            track: state.map(|state| state.track.clone()),
            step: state.map(|state| state.step),
            next_wake_at: record.wake_at,
            accept_by: record.accept_by,
            lapsed_reps: record.lapsed_reps,
            review,
            merged_into: record.matching.merged_into,
            qualification: record.qualification,
            updated_at: record.updated_at,
            latest_campaign: record.latest_campaign,
            lead: record.lead,
            timeline: None,
            inputs: None,
        }
    }
}

/// A page of leads.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeadPage {
    /// The leads, in id order.
    pub leads: Vec<LeadView>,
    /// Pass as `cursor` for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

/// An activity (or an answer) to record on a lead.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    /// What kind of activity (`answer` for an answer: `detail` is `question-id: answer`).
    pub kind: ActivityKind,
    /// When it happened; now when absent.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
    /// The page, the content, the answer, ...
    #[serde(default)]
    pub detail: String,
}

/// One item of a batch: a lead submission (`LeadSubmission`).
/// Any JSON value is taken: an item that is not a valid submission is
/// refused in its own result (`status` 422, `errors`), never the batch.
#[derive(Debug, Clone, ToSchema)]
#[allow(dead_code, reason = "it only names the items' schema in the document")]
pub struct BatchItem(serde_json::Value);

/// The outcome of one item of a batch or import.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemResult {
    /// The item's position: index in a batch (from 0), line in a CSV file.
    pub item: usize,
    /// 201 created, 200 merged into an existing lead, 422 refused.
    pub status: u16,
    /// The lead's id, when accepted.
    pub id: Option<String>,
    /// The lead's stage, when accepted.
    pub stage: Option<StageKind>,
    /// What was wrong, when refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<crate::engine::FieldError>,
}

/// The outcome of a batch or import.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct BatchResult {
    /// New leads.
    pub created: usize,
    /// Items merged into existing leads, each bringing something new.
    pub merged: usize,
    /// Items the existing lead had received before, unchanged: nothing was
    /// written (status 200, like a merge).
    pub unchanged: usize,
    /// Items refused.
    pub rejected: usize,
    /// Every item's outcome, in order.
    pub results: Vec<ItemResult>,
    /// Columns of an imported file that were skipped, each named once with
    /// why (the rows still imported); absent when none was.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<crate::import::ColumnWarning>,
}
