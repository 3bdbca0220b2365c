//! Which open leads that reps hold a campaign targets: what a rep sees
//! coming (`GET …/reps/{id}/campaigns`) and what a launch announcement
//! counts.

use std::ops::ControlFlow;

use serde::Serialize;

use super::CampaignQuery;
use crate::model::{Campaign, TargetMatcher, TargetProbe};
use crate::store::{LeadRecord, StageKind};
use crate::{Engine, EngineError};

/// Most leads a campaign of the per-rep view lists; `leads_total` counts
/// them all. A rep reads a list, and a response stays small whatever a
/// rep holds.
pub const REP_LEADS_SHOWN_MAX: usize = 100;

/// An upcoming campaign and the open leads of one rep it targets.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RepCampaign {
    /// The campaign.
    pub campaign: Campaign,
    /// The rep's open leads it targets, by id, at most
    /// [`REP_LEADS_SHOWN_MAX`] (100).
    pub leads: Vec<TargetedLead>,
    /// How many of the rep's open leads it targets, those listed or not.
    pub leads_total: u64,
}

/// A lead a campaign targets, as a rep needs to recognise it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TargetedLead {
    /// The lead's id.
    pub id: String,
    /// Its e-mail address.
    pub email: String,
    /// Its name, if known.
    pub name: Option<String>,
    /// Its company, if known.
    pub company: Option<String>,
    /// Where it stands (`assigned`, `accepted`, …).
    pub stage: StageKind,
}

impl TargetedLead {
    fn of(record: &LeadRecord) -> Self {
        TargetedLead {
            id: record.lead.id.clone(),
            email: record.lead.email.clone(),
            name: record.lead.name.clone(),
            company: record.lead.company.clone(),
            stage: record.stage.kind(),
        }
    }
}

/// Whether a lead at `stage` is still open: neither won, lost nor
/// discarded.
fn open(stage: StageKind) -> bool {
    !matches!(
        stage,
        StageKind::Won | StageKind::Lost | StageKind::Discarded
    )
}

/// `record`'s lead as targets test it, its qualification's segment
/// standing for the lead's.
pub(super) fn probe(record: &LeadRecord) -> TargetProbe<'_> {
    let segment = record
        .qualification
        .as_ref()
        .and_then(|qualification| qualification.segment.as_deref());
    TargetProbe::of(&record.lead, segment)
}

/// Whether `target` (a campaign's, made ready) takes in `record`'s lead.
pub(super) fn targets(target: &TargetMatcher, record: &LeadRecord) -> bool {
    target.matches(&probe(record))
}

impl Engine {
    /// The campaigns of `org` launching within `within` from now that
    /// target an open lead rep `rep` holds, soonest first, each with those
    /// leads; campaigns that target none of them are left out.
    ///
    /// Reads the org's lead summaries (~150 bytes each) and the full
    /// records of the rep's open leads only; each campaign lists at most
    /// [`REP_LEADS_SHOWN_MAX`] leads, soonest created first.
    ///
    /// Errors: [`EngineError::UnknownRep`]; [`EngineError::UnknownOrg`].
    pub fn rep_campaigns(
        &self,
        org: &str,
        rep: &str,
        within: chrono::Duration,
    ) -> Result<Vec<RepCampaign>, EngineError> {
        self.known_org(org)?;
        if !self
            .shared
            .store
            .reps(org)?
            .iter()
            .any(|known| known.id == rep)
        {
            return Err(EngineError::UnknownRep {
                org: org.into(),
                rep: rep.into(),
            });
        }
        let query = CampaignQuery {
            upcoming: Some(within),
            archived: false,
        };
        let campaigns = self.campaigns(org, query)?;
        if campaigns.is_empty() {
            return Ok(Vec::new());
        }
        let held = self.held_open_leads(org, Some(rep))?;
        // Each lead prepared once (its title lower-cased) for every
        // campaign, each campaign's target once for every lead.
        let targets: Vec<TargetMatcher> = campaigns
            .iter()
            .map(|campaign| campaign.target.matcher())
            .collect();
        let mut found: Vec<(Vec<TargetedLead>, u64)> = vec![(Vec::new(), 0); campaigns.len()];
        for record in &held {
            let lead = probe(record);
            for (target, (leads, total)) in targets.iter().zip(found.iter_mut()) {
                if target.matches(&lead) {
                    *total += 1;
                    if leads.len() < REP_LEADS_SHOWN_MAX {
                        leads.push(TargetedLead::of(record));
                    }
                }
            }
        }
        Ok(campaigns
            .into_iter()
            .zip(found)
            .filter(|(_, (_, total))| *total > 0)
            .map(|(campaign, (leads, leads_total))| RepCampaign {
                campaign,
                leads,
                leads_total,
            })
            .collect())
    }

    /// The open leads of `org` that a rep holds (`rep`, or any rep when
    /// `None`), by id.
    pub(super) fn held_open_leads(
        &self,
        org: &str,
        rep: Option<&str>,
    ) -> Result<Vec<LeadRecord>, EngineError> {
        let mut ids = Vec::new();
        self.shared.store.scan_lead_summaries(org, &mut |summary| {
            let held = match (&summary.owner, rep) {
                (Some(owner), Some(rep)) => owner == rep,
                (Some(_), None) => true,
                (None, _) => false,
            };
            if held && open(summary.stage.kind()) {
                ids.push(summary.id);
            }
            ControlFlow::Continue(())
        })?;
        let mut records = Vec::with_capacity(ids.len());
        for id in ids {
            // Gone or moved on since the scan: not held open any more.
            if let Some(record) = self.shared.store.lead(org, &id)?
                && open(record.stage.kind())
                && record.owner.is_some()
            {
                records.push(record);
            }
        }
        Ok(records)
    }
}
