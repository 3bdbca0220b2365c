//! A lead as the host keeps it: the lead, where it stands in its lifecycle,
//! and the path it took to get there.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use leadhost_model::Slot;
use leadhost_model::{Lead, Qualification, Time, TrackState};

/// Where a lead stands in its lifecycle. In JSON, `{"stage": "nurturing", ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "stage", rename_all = "kebab-case")]
pub enum LeadStage {
    /// Accepted, not yet qualified.
    New,
    /// The lead definition has answered; the host is acting on its verdict.
    Qualified,
    /// Ready for sales, waiting for the routing policy.
    SalesReady,
    /// The routing policy has decided; the lead waits in a queue, or for
    /// the host to check and record the rep the policy chose.
    Routed {
        /// The queue, when the policy chose one rather than a rep.
        queue: Option<String>,
    },
    /// A rep holds it and has not yet accepted it.
    Assigned {
        /// The rep's id.
        rep: String,
    },
    /// The rep accepted it and is working it.
    Accepted {
        /// The rep's id.
        rep: String,
    },
    /// Closed as won.
    Won {
        /// The rep who won it.
        rep: String,
    },
    /// Closed as lost.
    Lost {
        /// The rep who lost it.
        rep: String,
        /// Why it was lost.
        reason: String,
    },
    /// Passed back to marketing; it is nurtured again next.
    Recycled {
        /// Why it came back.
        reason: String,
    },
    /// On a nurture track.
    Nurturing {
        /// The track.
        track: String,
        /// The step reached on it.
        step: u32,
    },
    /// Not wanted, for now.
    Discarded {
        /// Why.
        reason: String,
    },
    /// A plug-in call failed; the lead waits for someone to re-run it.
    NeedsReview {
        /// The slot whose plug-in failed or is missing.
        slot: Slot,
        /// A short, stable code (`trap`, `out-of-fuel`, `none-configured`, ...).
        code: String,
        /// What went wrong, naming the plug-in version.
        error: String,
    },
}

/// A [`LeadStage`] without its details: what transitions and reports are about.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum StageKind {
    /// See [`LeadStage::New`].
    New,
    /// See [`LeadStage::Qualified`].
    Qualified,
    /// See [`LeadStage::SalesReady`].
    SalesReady,
    /// See [`LeadStage::Routed`].
    Routed,
    /// See [`LeadStage::Assigned`].
    Assigned,
    /// See [`LeadStage::Accepted`].
    Accepted,
    /// See [`LeadStage::Won`].
    Won,
    /// See [`LeadStage::Lost`].
    Lost,
    /// See [`LeadStage::Recycled`].
    Recycled,
    /// See [`LeadStage::Nurturing`].
    Nurturing,
    /// See [`LeadStage::Discarded`].
    Discarded,
    /// See [`LeadStage::NeedsReview`].
    NeedsReview,
}

impl StageKind {
    /// Every kind, in lifecycle order.
    pub const ALL: [StageKind; 12] = [
        StageKind::New,
        StageKind::Qualified,
        StageKind::SalesReady,
        StageKind::Routed,
        StageKind::Assigned,
        StageKind::Accepted,
        StageKind::Won,
        StageKind::Lost,
        StageKind::Recycled,
        StageKind::Nurturing,
        StageKind::Discarded,
        StageKind::NeedsReview,
    ];

    /// The name used in JSON and query strings (`sales-ready`).
    pub fn as_str(self) -> &'static str {
        match self {
            StageKind::New => "new",
            StageKind::Qualified => "qualified",
            StageKind::SalesReady => "sales-ready",
            StageKind::Routed => "routed",
            StageKind::Assigned => "assigned",
            StageKind::Accepted => "accepted",
            StageKind::Won => "won",
            StageKind::Lost => "lost",
            StageKind::Recycled => "recycled",
            StageKind::Nurturing => "nurturing",
            StageKind::Discarded => "discarded",
            StageKind::NeedsReview => "needs-review",
        }
    }

    /// Whether a lead here is with sales: it is never routed again, and
    /// news of it goes to its owner.
    pub fn with_sales(self) -> bool {
        matches!(
            self,
            StageKind::Routed
                | StageKind::Assigned
                | StageKind::Accepted
                | StageKind::Won
                | StageKind::Lost
        )
    }
}

impl std::fmt::Display for StageKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl LeadStage {
    /// The stage without its details.
    pub fn kind(&self) -> StageKind {
        match self {
            LeadStage::New => StageKind::New,
            LeadStage::Qualified => StageKind::Qualified,
            LeadStage::SalesReady => StageKind::SalesReady,
            LeadStage::Routed { .. } => StageKind::Routed,
            LeadStage::Assigned { .. } => StageKind::Assigned,
            LeadStage::Accepted { .. } => StageKind::Accepted,
            LeadStage::Won { .. } => StageKind::Won,
            LeadStage::Lost { .. } => StageKind::Lost,
            LeadStage::Recycled { .. } => StageKind::Recycled,
            LeadStage::Nurturing { .. } => StageKind::Nurturing,
            LeadStage::Discarded { .. } => StageKind::Discarded,
            LeadStage::NeedsReview { .. } => StageKind::NeedsReview,
        }
    }
}

/// The moment a lead entered a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageEntry {
    /// The stage entered.
    pub stage: StageKind,
    /// When.
    pub at: DateTime<Utc>,
}

/// How many submission fingerprints a lead keeps (33 bytes each in the
/// record): enough for every distinct file or form that feeds a lead in
/// practice, and a re-send of one older than that counts once more.
pub const SUBMISSIONS_KEPT: usize = 64;

/// A lead and everything the engine needs to move it on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadRecord {
    /// The org it belongs to.
    pub org: String,
    /// The lead, normalized; `lead.id` is its id.
    pub lead: Lead,
    /// Where it stands now.
    pub stage: LeadStage,
    /// The latest successful qualification.
    pub qualification: Option<Qualification>,
    /// Its nurture track's state, once it has been nurtured.
    pub track: Option<TrackState>,
    /// The rep who holds it (set from assignment until it is recycled).
    pub owner: Option<String>,
    /// When the nurture track wants to be called again.
    pub wake_at: Option<DateTime<Utc>>,
    /// While assigned: when the routing SLA lapses unless the rep accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_by: Option<DateTime<Utc>>,
    /// Reps who let this lead's SLA lapse: it is never routed to them again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lapsed_reps: Vec<String>,
    /// Nurture steps in a row that asked to wake the lead again sooner
    /// than the engine's minimum interval (see `steps::earliest_wake`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub quick_wakes: u32,
    /// The campaign of the latest submission that named one: the lead's
    /// latest touch (`lead.campaign` keeps the first). Records written
    /// before this field existed read as none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_campaign: Option<String>,
    /// What duplicate matching knows of it (a review waiting, candidates
    /// turned down, the lead it was merged into). Records written before
    /// this field existed read as empty.
    #[serde(default, skip_serializing_if = "crate::MatchState::is_empty")]
    pub matching: crate::MatchState,
    /// Every stage it entered, oldest first: the funnel's raw material.
    pub path: Vec<StageEntry>,
    /// Fingerprints of the distinct submissions it received (the one that
    /// created it included), oldest first, at most [`SUBMISSIONS_KEPT`]: a
    /// submission whose fingerprint is here changes nothing. Records
    /// written before this field existed read as having none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub submissions: Vec<String>,
    /// The sequence number the next activity, event or decision gets; the
    /// timeline is ordered by it.
    pub next_seq: u64,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
    /// How many times the record has been written: each commit that
    /// changes it stores the next one, and may expect this one (see
    /// `Precondition`). Records written before this field existed read as 0.
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub revision: u64,
}

fn is_zero_u64(value: &u64) -> bool {
    *value == 0
}

impl LeadRecord {
    /// A lead just accepted, in stage `new`.
    pub fn new(org: &str, lead: Lead, now: Time) -> Self {
        let latest_campaign = lead.campaign.clone();
        LeadRecord {
            org: org.to_string(),
            lead,
            stage: LeadStage::New,
            qualification: None,
            track: None,
            owner: None,
            wake_at: None,
            accept_by: None,
            lapsed_reps: Vec::new(),
            quick_wakes: 0,
            latest_campaign,
            matching: crate::MatchState::default(),
            path: vec![StageEntry {
                stage: StageKind::New,
                at: now,
            }],
            submissions: Vec::new(),
            next_seq: 0,
            updated_at: now,
            revision: 0,
        }
    }

    /// Every time the store must wake the lead at (one schedule entry each):
    /// its nurture step and its SLA check.
    pub fn wake_ups(&self) -> Vec<DateTime<Utc>> {
        let mut wakes: Vec<_> = self.wake_at.into_iter().chain(self.accept_by).collect();
        wakes.dedup();
        wakes
    }

    /// Remembers a submission's fingerprint; returns `false` when it was
    /// already known (the submission brings nothing new). The oldest is
    /// forgotten beyond [`SUBMISSIONS_KEPT`].
    pub fn remember_submission(&mut self, fingerprint: String) -> bool {
        if self.submissions.contains(&fingerprint) {
            return false;
        }
        if self.submissions.len() >= SUBMISSIONS_KEPT {
            let excess = self.submissions.len() + 1 - SUBMISSIONS_KEPT;
            self.submissions.drain(..excess);
        }
        self.submissions.push(fingerprint);
        true
    }

    /// The lead's id.
    pub fn id(&self) -> &str {
        &self.lead.id
    }

    /// Whether it ever entered `stage`.
    pub fn reached(&self, stage: StageKind) -> bool {
        self.path.iter().any(|entry| entry.stage == stage)
    }

    /// When it entered its current stage.
    pub fn stage_since(&self) -> Time {
        self.path
            .last()
            .map_or(self.lead.created_at, |entry| entry.at)
    }
}

fn is_zero(count: &u32) -> bool {
    *count == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> LeadRecord {
        let lead: Lead = serde_json::from_value(serde_json::json!({
            "id": "ld-1", "email": "a@b.example", "created_at": "2026-11-24T09:00:00Z"
        }))
        .unwrap();
        LeadRecord::new("acme", lead, "2026-11-24T09:00:00Z".parse().unwrap())
    }

    #[test]
    fn submissions_are_remembered_once_and_bounded() {
        let mut record = record();
        assert!(record.remember_submission("a".into()));
        assert!(!record.remember_submission("a".into()), "known already");
        for n in 0..SUBMISSIONS_KEPT {
            assert!(record.remember_submission(n.to_string()));
        }
        assert_eq!(record.submissions.len(), SUBMISSIONS_KEPT);
        assert_eq!(record.submissions[0], "0", "the oldest went first");
        assert!(record.remember_submission("a".into()), "forgotten, so new");
    }

    #[test]
    fn a_record_written_before_fingerprints_reads_with_none() {
        let mut json = serde_json::to_value(record()).unwrap();
        assert!(json.get("submissions").is_none(), "empty is not written");
        json.as_object_mut().unwrap().remove("submissions");
        let old: LeadRecord = serde_json::from_value(json).unwrap();
        assert!(old.submissions.is_empty());
    }
}
