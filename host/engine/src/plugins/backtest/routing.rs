//! Routing-policy backtest: a candidate routing policy run on an org's
//! recorded routing inputs (the lead, its qualification, the reps shown
//! with their load at the time, the account owner), compared with where
//! the live policy sent each lead: the rep each version picks, a
//! destination × destination table, and the load per rep.
//!
//! Each input is run as recorded: the candidate's earlier picks do not
//! change the load later inputs show, so the table says "where would this
//! policy have sent each lead, in the situation live faced", not a
//! simulation of a different quarter. A pick is judged by the host's own
//! checks ([`check_assignment`]) on the reps the input showed, so a pick the
//! server would refuse (an unknown or full rep) is counted as `refused`.

mod tally;

use serde::Serialize;

use super::run::{leads, with_config};
use super::{BacktestError, BacktestSpec, CHANGES_LISTED, SideBySide};
use crate::check_assignment;
use crate::model::{RouteDecision, RouteInput, Time};
use crate::plugins::PluginLoader;
use crate::plugins::workers::share_out;
use crate::runtime::{CallContext, Plugin, Slot};

use super::metrics::Outcome;
use super::recorded::{Read, RecordedCall, recorded_calls};
pub use tally::{
    DESTINATIONS_KEPT, Destination, RepLoad, RoutingCell, RoutingRow, RoutingSide, RoutingSummary,
    RoutingTally,
};

/// A routing call whose destination the candidate changes.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChangedRoute {
    /// The lead.
    pub lead: String,
    /// The routing decision's sequence number in the lead's timeline.
    pub seq: u64,
    /// When live routed it.
    #[schema(value_type = String, format = DateTime)]
    pub at: Time,
    /// Live's answer, with its reasons.
    pub live: RouteDecision,
    /// Why the host refused live's pick of rep, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live_refused: Option<String>,
    /// The candidate's answer on the same input.
    pub candidate: RouteDecision,
    /// Why the host would refuse the candidate's pick of rep (the lead
    /// would go to review), if it would.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidate_refused: Option<String>,
}

/// A routing backtest's result.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RoutingBacktestReport {
    /// The org.
    pub org: String,
    /// The slot (`routing-policy`).
    pub slot: Slot,
    /// The candidate's name.
    pub plugin: String,
    /// The candidate's sha256.
    pub plugin_hash: String,
    /// Recorded routing inputs the candidate ran on.
    pub inputs: u64,
    /// Routing calls whose input is not kept (not counted anywhere else).
    pub inputs_not_kept: u64,
    /// Live routing calls that failed (a trap, a limit): nothing to
    /// compare with, so not counted anywhere else.
    pub live_failed: u64,
    /// Rows, the table, each side's totals and the load per rep.
    #[serde(flatten)]
    pub summary: RoutingSummary,
    /// Not defined for a routing policy (`null` both): the reps a
    /// candidate would pick never worked those leads, so nothing says
    /// whether they would have won them. `load[].won` and `lost` give
    /// each rep's record under live.
    pub precision: SideBySide,
    /// Not defined for a routing policy, as `precision`.
    pub recall: SideBySide,
    /// The calls that change, first [`CHANGES_LISTED`] by lead and seq.
    pub changes: Vec<ChangedRoute>,
    /// What may make the report mean less than it seems.
    pub warnings: Vec<String>,
}

/// What one worker found.
#[derive(Default)]
struct Found {
    tally: RoutingTally,
    read: Read,
    changes: Vec<ChangedRoute>,
}

impl PluginLoader {
    /// Backtests `spec`'s candidate routing policy on `org`'s recorded
    /// routing inputs; `progress(done, leads)` after each lead.
    ///
    /// Errors: the org is unknown, the candidate does not load, the store
    /// failed, the run was stopped. A candidate that traps or runs past a
    /// limit on some inputs is counted (`failed`, `first_errors`), never
    /// stops the run. A sweep is refused before this (`spec.sweep` is
    /// ignored here): it is for lead definitions.
    pub fn backtest_routing(
        &self,
        org: &str,
        spec: &BacktestSpec,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<RoutingBacktestReport, BacktestError> {
        let candidate = self.load_candidate(org, spec, Slot::RoutingPolicy)?;
        let candidate = with_config(&candidate, &spec.config);
        let leads = leads(self, org)?;
        let job = Job {
            loader: self,
            org,
            candidate: &candidate,
            spec,
        };
        let parts = share_out(
            &leads,
            spec.workers,
            progress,
            Found::default,
            |found, _, (lead, outcome)| job.lead(lead, *outcome, found),
        )
        .map_err(|(error, done)| super::stopped_after(error, done, leads.len()))?;
        let mut all = Found::default();
        for part in parts {
            all.tally.merge(part.tally);
            all.read.merge(part.read);
            all.changes.extend(part.changes);
        }
        all.changes
            .sort_by(|a, b| (&a.lead, a.seq).cmp(&(&b.lead, b.seq)));
        all.changes.truncate(CHANGES_LISTED);
        let summary = all.tally.finish();
        let mut warnings = super::unread_config(
            &spec.config,
            (summary.changed, summary.failed),
            &all.read.config_keys,
        );
        if summary.total == 0 {
            warnings.push(format!(
                "org {org} has no recorded routing inputs{}: nothing was compared",
                match (spec.from, spec.to) {
                    (None, None) => String::new(),
                    _ => " in the window".to_string(),
                }
            ));
        }
        if summary
            .matrix
            .iter()
            .any(|cell| cell.live == Destination::Other || cell.candidate == Destination::Other)
        {
            warnings.push(format!(
                "more than {DESTINATIONS_KEPT} destinations on one side: the rest are counted as `other`"
            ));
        }
        Ok(RoutingBacktestReport {
            org: org.to_string(),
            slot: Slot::RoutingPolicy,
            plugin: spec.name.clone(),
            plugin_hash: crate::runtime::ContentHash::of(&spec.bytes).to_string(),
            inputs: all.read.inputs,
            inputs_not_kept: all.read.not_kept,
            live_failed: all.read.live_failed,
            summary,
            precision: SideBySide {
                live: None,
                candidate: None,
            },
            recall: SideBySide {
                live: None,
                candidate: None,
            },
            changes: all.changes,
            warnings,
        })
    }
}

/// One routing backtest's fixed parts.
struct Job<'a> {
    loader: &'a PluginLoader,
    org: &'a str,
    candidate: &'a Plugin,
    spec: &'a BacktestSpec,
}

/// Where the host would send a lead on `decision`, given the reps `input`
/// showed the policy, and why it would refuse a pick of rep.
fn destination(decision: &RouteDecision, input: &RouteInput) -> (Destination, Option<String>) {
    match decision {
        RouteDecision::Assign { rep, .. } => {
            match check_assignment(&input.candidates, &[], rep, input.now) {
                Ok(_) => (Destination::Rep(rep.clone()), None),
                Err(refusal) => (Destination::Refused, Some(refusal.to_string())),
            }
        }
        RouteDecision::Queue { queue, .. } => (Destination::Queue(queue.clone()), None),
        RouteDecision::ReturnToMarketing { .. } => (Destination::ReturnToMarketing, None),
    }
}

impl Job<'_> {
    /// Whether the run must stop: cancelled, or past its deadline.
    fn stopped(&self) -> bool {
        super::must_stop(self.spec.stop.as_deref(), self.spec.deadline)
    }

    /// One lead's routing calls, a row each.
    fn lead(&self, lead: &str, outcome: Outcome, found: &mut Found) -> Result<(), BacktestError> {
        let store = self.loader.engine.store();
        let calls = recorded_calls::<RouteDecision, RouteInput>(
            &**store,
            (self.org, lead),
            Slot::RoutingPolicy,
            (self.spec.from, self.spec.to),
            &mut found.read,
        )?;
        let mut rows = Vec::new();
        for RecordedCall {
            seq,
            at,
            live,
            input,
        } in calls
        {
            if self.stopped() {
                return Err(BacktestError::Stopped { done: 0, leads: 0 });
            }
            let answer = self
                .candidate
                .route(&CallContext::for_org(self.org), &input)
                .map(|called| called.value)
                .map_err(|error| error.cause.to_string());
            let (live_to, live_refused) = destination(&live, &input);
            let candidate_to = answer
                .as_ref()
                .map(|answer| destination(answer, &input))
                .map_err(Clone::clone);
            let row = RoutingRow {
                lead: lead.to_string(),
                at,
                live: live_to,
                candidate: candidate_to
                    .as_ref()
                    .map(|(to, _)| to.clone())
                    .map_err(Clone::clone),
                outcome: Outcome::Open,
            };
            if let (Ok((candidate, candidate_refused)), Ok(answer)) = (candidate_to, answer)
                && candidate != row.live
            {
                found.changes.push(ChangedRoute {
                    lead: lead.to_string(),
                    seq,
                    at,
                    live,
                    live_refused,
                    candidate: answer,
                    candidate_refused,
                });
                super::keep_first(&mut found.changes, |change| {
                    (change.lead.clone(), change.seq)
                });
            }
            rows.push(row);
        }
        // Won or lost is the last routed rep's record: earlier reps let the
        // lead lapse and did not work it to its end.
        if let Some(last) = rows.last_mut() {
            last.outcome = outcome;
        }
        for row in &rows {
            found.tally.add(row);
        }
        Ok(())
    }
}
