//! A lead's summary: the few fields reports and listings read of every
//! lead, kept beside the full record so a report over an org's 100,000
//! leads decodes ~150 bytes per lead rather than the whole record (its
//! lead's fields, qualification, track state and fingerprints: 1–3 KB).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{LeadRecord, LeadStage, StageKind};
use leadhost_model::Time;

/// What the funnel, the SLA report and lead listings read of a lead.
/// Written in the same commit as its [`LeadRecord`], so the two never
/// disagree; [`LeadSummary::of`] is the only way one is made.
///
/// Times are whole milliseconds since the Unix epoch (UTC): decoding an
/// integer costs a fraction of parsing an RFC 3339 text, and the engine's
/// times are whole milliseconds already.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadSummary {
    /// The lead's id.
    pub id: String,
    /// When the lead was created, ms since the epoch.
    pub created_ms: i64,
    /// Where it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Its campaign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    /// The segment of its latest qualification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// The rep who holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Where it stands now.
    pub stage: LeadStage,
    /// Every stage it entered with when, ms since the epoch, oldest first.
    pub path: Vec<(StageKind, i64)>,
    /// While assigned: when the routing SLA lapses, ms since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_by_ms: Option<i64>,
    /// Reps who let this lead's SLA lapse.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lapsed_reps: Vec<String>,
}

impl LeadSummary {
    /// The summary of `record`.
    pub fn of(record: &LeadRecord) -> Self {
        LeadSummary {
            id: record.lead.id.clone(),
            created_ms: record.lead.created_at.timestamp_millis(),
            source: record.lead.source.clone(),
            campaign: record.lead.campaign.clone(),
            segment: record
                .qualification
                .as_ref()
                .and_then(|qualification| qualification.segment.clone()),
            owner: record.owner.clone(),
            stage: record.stage.clone(),
            path: record
                .path
                .iter()
                .map(|entry| (entry.stage, entry.at.timestamp_millis()))
                .collect(),
            accept_by_ms: record.accept_by.map(|at| at.timestamp_millis()),
            lapsed_reps: record.lapsed_reps.clone(),
        }
    }

    /// When the lead was created (to the millisecond).
    pub fn created_at(&self) -> Time {
        from_millis(self.created_ms)
    }

    /// While assigned: when the routing SLA lapses.
    pub fn accept_by(&self) -> Option<Time> {
        self.accept_by_ms.map(from_millis)
    }

    /// Whether it ever entered `stage`.
    pub fn reached(&self, stage: StageKind) -> bool {
        self.path.iter().any(|(entered, _)| *entered == stage)
    }
}

/// A time from ms since the epoch; out of chrono's range (no time the
/// engine writes) reads as the epoch rather than failing a whole report.
fn from_millis(millis: i64) -> Time {
    DateTime::<Utc>::from_timestamp_millis(millis).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_keeps_what_reports_read_and_round_trips() {
        let lead: leadhost_model::Lead = serde_json::from_value(serde_json::json!({
            "id": "ld-7", "email": "a@b.example", "source": "webinar",
            "campaign": "q4", "created_at": "2026-11-24T09:00:00.250Z"
        }))
        .unwrap();
        let at: Time = "2026-11-24T09:00:00.250Z".parse().unwrap();
        let mut record = LeadRecord::new("acme", lead, at);
        record.stage = LeadStage::Lost {
            rep: "r1".into(),
            reason: "price".into(),
        };
        record.owner = Some("r1".into());
        record.lapsed_reps = vec!["r2".into()];
        let summary = LeadSummary::of(&record);
        assert_eq!(summary.created_at(), at, "milliseconds survive");
        assert!(summary.reached(StageKind::New));
        assert!(!summary.reached(StageKind::Won));
        let bytes = crate::codec::encode(&summary);
        let back: LeadSummary = crate::codec::decode("lead_summaries", &bytes).unwrap();
        assert_eq!(back, summary);
        assert!(bytes.len() < 200, "{} bytes", bytes.len());
    }
}
