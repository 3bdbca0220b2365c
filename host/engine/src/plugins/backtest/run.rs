//! Running a backtest: leads shared out to worker threads; each reads a
//! lead's recorded qualifications, runs the candidate on each (once per
//! config), and tallies one row per lead and config.

use std::ops::ControlFlow;

use super::metrics::{Outcome, Row, Tally};
use super::recorded::{Read, recorded_calls};
use super::{BacktestError, CHANGES_LISTED, ChangedLead};
use crate::model::{Config, Qualification, QualifyInput, Stage, Time};
use crate::plugins::PluginLoader;
use crate::plugins::workers::share_out;
use crate::runtime::{CallContext, Plugin, Slot};
use crate::store::StageKind;

/// One backtest's fixed parts.
pub(super) struct Job<'a> {
    pub loader: &'a PluginLoader,
    pub org: &'a str,
    /// The candidate once per run (the first is the report's; the rest are
    /// a sweep's values), each with its run's config fixed over the
    /// recorded one (see [`with_config`]).
    pub candidates: &'a [Plugin],
    /// `[from, to)` of the qualifications used.
    pub window: (Option<Time>, Option<Time>),
    /// Set when the run must stop (a cancel).
    pub stop: Option<&'a std::sync::atomic::AtomicBool>,
    /// When it must stop of itself.
    pub deadline: Option<std::time::Instant>,
}

/// What the workers found, merged.
pub(super) struct Found {
    /// One tally per config.
    pub tallies: Vec<Tally>,
    /// What reading the recorded calls counted.
    pub read: Read,
    /// Leads the first config changes, by lead id.
    pub changes: Vec<ChangedLead>,
}

impl Found {
    fn new(configs: usize) -> Self {
        Found {
            tallies: vec![Tally::new(); configs],
            read: Read::default(),
            changes: Vec::new(),
        }
    }

    fn merge(&mut self, other: Found) {
        for (mine, theirs) in self.tallies.iter_mut().zip(other.tallies) {
            mine.merge(theirs);
        }
        self.read.merge(other.read);
        self.changes.extend(other.changes);
    }
}

/// The org's leads, in id order, each with what sales fed back (read
/// here once, not again per lead).
pub(super) fn leads(
    loader: &PluginLoader,
    org: &str,
) -> Result<Vec<(String, Outcome)>, BacktestError> {
    let mut leads = Vec::new();
    loader.engine.store().scan_leads(org, &mut |record| {
        let outcome = match record.stage.kind() {
            StageKind::Won => Outcome::Won,
            StageKind::Lost => Outcome::Lost,
            _ => Outcome::Open,
        };
        leads.push((record.id().to_string(), outcome));
        ControlFlow::Continue(())
    })?;
    Ok(leads)
}

/// `candidate` with `config` laid over every call's recorded config, its
/// own fixed entries (a script's text) kept over both: each input is then
/// passed as it was recorded, not copied per run.
pub(super) fn with_config(candidate: &Plugin, config: &Config) -> Plugin {
    let mut fixed = config.clone();
    fixed.extend(
        candidate
            .fixed_config()
            .iter()
            .map(|(key, value)| (key.clone(), value.clone())),
    );
    candidate.with_fixed_config(fixed)
}

/// One side's answer on one input.
type Verdict = Result<(Stage, Vec<String>), String>;

impl Job<'_> {
    /// Runs over `leads` on `workers` threads.
    pub(super) fn run(
        &self,
        leads: &[(String, Outcome)],
        workers: usize,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Found, BacktestError> {
        let parts = share_out(
            leads,
            workers,
            progress,
            || Found::new(self.candidates.len()),
            |found, _, (lead, outcome)| {
                if self.stopped() {
                    return Err(BacktestError::Stopped { done: 0, leads: 0 });
                }
                self.lead(lead, *outcome, found)
            },
        )
        .map_err(|(error, done)| super::stopped_after(error, done, leads.len()))?;
        let mut all = Found::new(self.candidates.len());
        for part in parts {
            all.merge(part);
        }
        all.changes.sort_by(|a, b| a.lead.cmp(&b.lead));
        all.changes.truncate(CHANGES_LISTED);
        Ok(all)
    }

    /// Whether the run must stop: cancelled, or past its deadline.
    fn stopped(&self) -> bool {
        super::must_stop(self.stop, self.deadline)
    }

    /// One lead's row per config.
    fn lead(&self, lead: &str, outcome: Outcome, found: &mut Found) -> Result<(), BacktestError> {
        let store = self.loader.engine.store();
        let mut live: Vec<(Stage, Vec<String>)> = Vec::new();
        let mut candidate: Vec<Vec<Verdict>> = vec![Vec::new(); self.candidates.len()];
        let mut first_at: Option<Time> = None;
        let calls = recorded_calls::<Qualification, QualifyInput>(
            &**store,
            (self.org, lead),
            Slot::LeadDefinition,
            self.window,
            &mut found.read,
        )?;
        for call in calls {
            first_at.get_or_insert(call.at);
            live.push((call.live.stage, call.live.reasons));
            for (plugin, answers) in self.candidates.iter().zip(candidate.iter_mut()) {
                // Checked before every call: one lead with many inputs, over
                // a long sweep, must not outlast a cancel or the deadline
                // (`run` says how far it got).
                if self.stopped() {
                    return Err(BacktestError::Stopped { done: 0, leads: 0 });
                }
                answers.push(self.call(plugin, &call.input));
            }
        }
        let (Some(at), Some(Ok(live))) = (first_at, lead_verdict(live.into_iter().map(Ok))) else {
            return Ok(());
        };
        for (index, answers) in candidate.into_iter().enumerate() {
            let Some(verdict) = lead_verdict(answers.into_iter()) else {
                continue;
            };
            let row = Row {
                lead: lead.to_string(),
                at,
                live: live.0,
                candidate: verdict
                    .as_ref()
                    .map(|(stage, _)| *stage)
                    .map_err(Clone::clone),
                outcome,
            };
            found.tallies[index].add(&row);
            if let (0, Ok((stage, reasons))) = (index, &verdict)
                && *stage != live.0
            {
                found.changes.push(ChangedLead {
                    lead: lead.to_string(),
                    live: live.0,
                    live_reasons: live.1.clone(),
                    candidate: *stage,
                    candidate_reasons: reasons.clone(),
                });
                super::keep_first(&mut found.changes, |change| change.lead.clone());
            }
        }
        Ok(())
    }

    /// One run's candidate on `input`.
    fn call(&self, candidate: &Plugin, input: &QualifyInput) -> Verdict {
        candidate
            .qualify(&CallContext::for_org(self.org), input)
            .map(|called| (called.value.stage, called.value.reasons))
            .map_err(|error| error.cause.to_string())
    }
}

/// A lead's verdict from its answers in time order: the first failure if
/// any failed, else sales-ready if any answer is, else the latest answer.
/// `None` with no answers.
fn lead_verdict(answers: impl Iterator<Item = Verdict>) -> Option<Verdict> {
    let (mut ready, mut latest) = (None, None);
    for answer in answers {
        let answer = match answer {
            Err(error) => return Some(Err(error)),
            Ok(answer) => answer,
        };
        if answer.0 == Stage::SalesReady && ready.is_none() {
            ready = Some(answer.clone());
        }
        latest = Some(answer);
    }
    ready.or(latest).map(Ok)
}
