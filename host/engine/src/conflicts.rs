//! Commits that lose a race: every change commits on the condition that
//! its lead is still as it was loaded (see `leadhost_store::Precondition`).
//! In one process the per-lead locks make that certain; with several hosts
//! on one database it may not hold, and the operation runs again on the
//! lead as it now is. Likewise for a rep's load (a lead assigned to the
//! rep by another host).

use crate::store::StoreError;
use crate::{Engine, EngineError};

/// How many times an operation runs again after its commit found its lead
/// changed. Each run re-reads the lead, so a second conflict needs yet
/// another writer in between; three in a row means something keeps writing
/// the lead and the caller gets the conflict (a 503: send it again).
pub const CONFLICT_RETRIES: u32 = 3;

/// How many times an operation runs again after its commit found a rep's
/// load changed by another host ([`StoreError::RepChanged`]). Each such
/// conflict means another host assigned a lead meanwhile, so a run loses
/// only while others make progress; with every host routing the same
/// org's leads to the same few reps, several in a row are ordinary (each
/// retry waits a random moment first: see [`Engine::retrying`]).
pub const REP_CONFLICT_RETRIES: u32 = 10;

impl Engine {
    /// Runs `operation`, and again (up to [`CONFLICT_RETRIES`] more times)
    /// while it fails on a [`StoreError::Conflict`]. `operation` must load
    /// what it changes itself, so a new run sees the other writer's change.
    pub(crate) fn retrying<T>(
        &self,
        mut operation: impl FnMut() -> Result<T, EngineError>,
    ) -> Result<T, EngineError> {
        let (mut retries, mut rep_retries) = (0, 0);
        loop {
            match operation() {
                Err(EngineError::Store(StoreError::RepChanged { org, rep }))
                    if rep_retries < REP_CONFLICT_RETRIES =>
                {
                    rep_retries += 1;
                    self.shared.rosters.forget(&org);
                    // Hosts routing one org's leads at once read the same
                    // roster and pick the same rep, so the one that lost
                    // would race the other for the next rep in step: a
                    // random pause of up to 1, 2, 4 … 32 ms breaks the step.
                    let most = 1u64 << rep_retries.min(5);
                    std::thread::sleep(std::time::Duration::from_millis(fastrand::u64(0..=most)));
                    metrics::counter!("leadhost_rep_conflicts_total").increment(1);
                    tracing::debug!(
                        org,
                        rep,
                        rep_retries,
                        "a rep's load changed under a commit; again"
                    );
                }
                Err(EngineError::Store(StoreError::Conflict { org, lead, .. }))
                    if retries < CONFLICT_RETRIES =>
                {
                    retries += 1;
                    metrics::counter!("leadhost_commit_conflicts_total").increment(1);
                    tracing::debug!(org, lead, retries, "the lead changed under a commit; again");
                }
                result => return result,
            }
        }
    }
}
