//! Replaying every decision of an org: the audit that says how many
//! reproduce. Leads are shared out to worker threads (each loads a version
//! once); the caller sees progress lead by lead.

use std::ops::ControlFlow;

use serde::Serialize;

use super::{ReplayError, Replayed, Versions};
use crate::plugins::PluginLoader;
use crate::plugins::workers::share_out;

/// Most non-identical decisions an audit lists; the counts cover them all.
pub const DIFFERS_LISTED: usize = 1_000;

/// A decision an audit could not replay, and why.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct NotReplayable {
    /// The lead.
    pub lead: String,
    /// The decision.
    pub seq: u64,
    /// Why (its input or version is not kept, ...).
    pub reason: String,
}

/// What replaying every decision of an org found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Audit {
    /// Decisions looked at.
    pub total: u64,
    /// Decisions that replayed exactly as recorded.
    pub identical: u64,
    /// Decisions that replayed otherwise, in lead and timeline order (at
    /// most [`DIFFERS_LISTED`]; `total - identical - not_replayable` counts
    /// them all).
    pub differs: Vec<Replayed>,
    /// Decisions that could not be replayed, with why (at most
    /// [`DIFFERS_LISTED`]).
    pub not_replayable: Vec<NotReplayable>,
    /// How many could not be replayed.
    pub not_replayable_count: u64,
}

impl Audit {
    fn merge(&mut self, other: Audit) {
        self.total += other.total;
        self.identical += other.identical;
        self.differs.extend(other.differs);
        self.not_replayable.extend(other.not_replayable);
        self.not_replayable_count += other.not_replayable_count;
    }

    fn add(&mut self, result: Result<Replayed, (String, u64, ReplayError)>) {
        self.total += 1;
        match result {
            Ok(replayed) if replayed.identical => self.identical += 1,
            Ok(replayed) => self.differs.push(replayed),
            Err((lead, seq, error)) => {
                self.not_replayable_count += 1;
                self.not_replayable.push(NotReplayable {
                    lead,
                    seq,
                    reason: error.to_string(),
                });
            }
        }
    }
}

impl PluginLoader {
    /// Replays every decision of `org` on `workers` threads (at least one),
    /// calling `progress(done, leads)` after each lead.
    ///
    /// Errors: the org is unknown, or the store fails; a decision that
    /// cannot be replayed is counted in [`Audit::not_replayable`] instead.
    pub fn replay_all(
        &self,
        org: &str,
        workers: usize,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Audit, ReplayError> {
        if self.engine.store().org(org)?.is_none() {
            return Err(crate::EngineError::UnknownOrg(org.to_string()).into());
        }
        let mut leads = Vec::new();
        self.engine.store().scan_leads(org, &mut |record| {
            leads.push(record.id().to_string());
            ControlFlow::Continue(())
        })?;
        let parts = share_out(
            &leads,
            workers,
            progress,
            || (Versions::default(), Vec::new()),
            |(versions, found), at, lead| {
                found.push((at, self.replay_lead_with(org, lead, versions)?));
                Ok(())
            },
        )
        .map_err(|(error, _): (ReplayError, usize)| error)?;
        let mut parts: Vec<(usize, Audit)> =
            parts.into_iter().flat_map(|(_, found)| found).collect();
        parts.sort_by_key(|(at, _)| *at);
        let mut audit = Audit::default();
        for (_, part) in parts {
            audit.merge(part);
        }
        audit.differs.truncate(DIFFERS_LISTED);
        audit.not_replayable.truncate(DIFFERS_LISTED);
        Ok(audit)
    }

    /// Replays decision `seq` of `lead` as an audit of one (`total` 1).
    ///
    /// Errors: an unknown org, lead or decision, or the store failed; a
    /// decision that cannot be replayed is counted in `not_replayable`.
    pub fn replay_one(&self, org: &str, lead: &str, seq: u64) -> Result<Audit, ReplayError> {
        let mut audit = Audit::default();
        match self.replay(org, lead, seq) {
            Err(
                error @ (ReplayError::Engine(_)
                | ReplayError::NoDecision { .. }
                | ReplayError::Store(_)),
            ) => return Err(error),
            result => audit.add(result.map_err(|error| (lead.to_string(), seq, error))),
        }
        Ok(audit)
    }

    /// Replays every decision of `org`'s lead `lead`.
    ///
    /// Errors: an unknown org or lead, or the store failed.
    pub fn replay_lead(&self, org: &str, lead: &str) -> Result<Audit, ReplayError> {
        self.engine.lead(org, lead)?;
        self.replay_lead_with(org, lead, &mut Versions::default())
    }

    /// Every decision of one lead replayed; an error only when the store
    /// fails (a lead removed since the scan has nothing to replay).
    fn replay_lead_with(
        &self,
        org: &str,
        lead: &str,
        versions: &mut Versions,
    ) -> Result<Audit, ReplayError> {
        let mut audit = Audit::default();
        let timeline = match self.engine.timeline(org, lead) {
            Ok(timeline) => timeline,
            Err(error) if error.kind() == crate::ErrorKind::NotFound => return Ok(audit),
            Err(error) => return Err(error.into()),
        };
        for entry in &timeline {
            let Some(decision) = entry.decision() else {
                continue;
            };
            match self.replay_decision(entry.seq, decision, versions) {
                Err(ReplayError::Store(error)) => return Err(ReplayError::Store(error)),
                result => audit.add(result.map_err(|error| (lead.to_string(), entry.seq, error))),
            }
        }
        Ok(audit)
    }
}
