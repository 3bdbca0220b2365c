//! Backtest: a candidate lead definition run on an org's recorded
//! qualification inputs, compared with the live verdicts and with what
//! sales fed back (won, lost), and optionally swept over one config key to
//! lay out the quantity/quality trade-off.
//!
//! One row per lead: a lead's verdict, for either side, is sales-ready if
//! any of its recorded qualifications in the window is, else the verdict on
//! its latest one — "would this definition have sent the lead to sales?".
//! The candidate runs with the recorded config (the org's, at the time)
//! with the spec's keys laid over it, so a threshold can be tried on the
//! live plug-in by its config alone.

mod jobs;
mod metrics;
mod recorded;
mod report;
mod routing;
mod run;
mod start;
mod sweep;

use super::loader::PluginLoader;
use super::script::load_plugin_with;
use crate::EngineError;
use crate::model::{Config, Scalar, Time};
use crate::runtime::{Cancel, ContentHash, Plugin, PluginError, Slot};
use crate::store::StoreError;

pub use jobs::{
    BACKTEST_TIME_LIMIT, BACKTEST_WORKERS, BACKTESTS_KEPT, BACKTESTS_RUNNING_MAX, BacktestJob,
    BacktestJobs, BacktestStartError, BacktestState,
};
pub use metrics::{Matrix, MatrixCell, Outcome, Quality, Summary, Tally, WeekVolume};
pub use report::{BacktestReport, BacktestResult, ChangedLead, Counts, SideBySide, SweepPoint};
pub use routing::{
    ChangedRoute, DESTINATIONS_KEPT, Destination, RepLoad, RoutingBacktestReport, RoutingCell,
    RoutingSide, RoutingSummary,
};
pub use start::{CandidateRun, StartBacktestError};
pub use sweep::{MAX_SWEEP_VALUES, Sweep, SweepError, render_value};

/// Leads whose verdict changes, listed in a report (the counts cover all).
pub const CHANGES_LISTED: usize = 200;

/// What to backtest.
#[derive(Debug, Clone)]
pub struct BacktestSpec {
    /// The slot: `lead-definition` or `routing-policy`.
    pub slot: Slot,
    /// The candidate's file name (`acme-fit.wasm`, `qualify.rhai`): a
    /// `.rhai` name is an admin script.
    pub name: String,
    /// The candidate's bytes.
    pub bytes: Vec<u8>,
    /// Config keys laid over each recorded input's config.
    pub config: Config,
    /// Only qualifications made at or after this time.
    pub from: Option<Time>,
    /// Only qualifications made before this time.
    pub to: Option<Time>,
    /// Try each value of one config key (after `config`); lead
    /// definitions only.
    pub sweep: Option<Sweep>,
    /// Worker threads (at least one).
    pub workers: usize,
    /// Set to stop the run (a cancel), checked before every call.
    pub stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// When the run stops of itself, checked before every call.
    pub deadline: Option<std::time::Instant>,
}

/// Bounds a worker's list of changes as it grows: past twice
/// [`CHANGES_LISTED`], only the first [`CHANGES_LISTED`] by `key` are kept
/// (all a report lists), so a history of changes, each with answers of up
/// to 64 KiB, is never held whole.
pub(super) fn keep_first<T, K: Ord>(changes: &mut Vec<T>, key: impl Fn(&T) -> K) {
    if changes.len() > 2 * CHANGES_LISTED {
        changes.sort_by_key(|change| key(change));
        changes.truncate(CHANGES_LISTED);
    }
}

/// Whether a run must stop: `stop` is set (a cancel) or `deadline` passed.
pub(super) fn must_stop(
    stop: Option<&std::sync::atomic::AtomicBool>,
    deadline: Option<std::time::Instant>,
) -> bool {
    stop.is_some_and(|stop| stop.load(std::sync::atomic::Ordering::Relaxed))
        || deadline.is_some_and(|deadline| std::time::Instant::now() > deadline)
}

/// A worker's error as the run reports it: a stop says how far the run got
/// (`done` of `leads`).
pub(super) fn stopped_after(error: BacktestError, done: usize, leads: usize) -> BacktestError {
    match error {
        BacktestError::Stopped { .. } => BacktestError::Stopped { done, leads },
        error => error,
    }
}

/// For a candidate of another slot, which slot to backtest it as.
fn slot_hint(cause: &crate::runtime::Cause) -> String {
    match cause {
        crate::runtime::Cause::WrongWorld { found, .. } => {
            format!(" (it is a {found}: backtest it with slot {found})")
        }
        _ => String::new(),
    }
}

/// Warnings for `config` keys that changed nothing and are in no recorded
/// config (`recorded`): likely mistyped, or a key the candidate never reads.
pub(super) fn unread_config(
    config: &Config,
    (changed, failed): (u64, u64),
    recorded: &std::collections::BTreeSet<String>,
) -> Vec<String> {
    config
        .keys()
        .filter(|key| changed == 0 && failed == 0 && !recorded.contains(*key))
        .map(|key| format!(
            "config `{key}` changed nothing and is in no recorded config: check it is a key the candidate reads"
        ))
        .collect()
}

/// Refuses a backtest that cannot run: a slot other than a lead
/// definition or routing policy, a sweep of a routing policy.
fn supported(spec: &BacktestSpec) -> Result<(), BacktestError> {
    match spec.slot {
        Slot::LeadDefinition => Ok(()),
        Slot::RoutingPolicy if spec.sweep.is_some() => Err(BacktestError::Unsupported {
            field: "sweep",
            problem: "a sweep is for lead definitions (volume, precision and recall per value); backtest a routing policy once per config instead".into(),
        }),
        Slot::RoutingPolicy => Ok(()),
        slot => Err(BacktestError::Unsupported {
            field: "slot",
            problem: format!(
                "backtests of {slot} are not supported: only lead-definition and routing-policy (a nurture track's next touches depend on answers a backtest cannot know)"
            ),
        }),
    }
}

/// A backtest could not run.
#[derive(Debug, thiserror::Error)]
pub enum BacktestError {
    /// The org is unknown.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The candidate does not load (not a component for this slot, a
    /// script that does not parse, ...).
    #[error("the candidate is refused: {}{}", .0.cause, slot_hint(&.0.cause))]
    Candidate(#[source] PluginError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The slot cannot be backtested (a nurture track), or not this way
    /// (a sweep of a routing policy).
    #[error("{problem}")]
    Unsupported {
        /// The field of the request at fault (`slot`, `sweep`).
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// Stopped before its end (cancelled, or past its time limit).
    #[error("stopped after {done} of {leads} leads")]
    Stopped {
        /// Leads looked at.
        done: usize,
        /// Of how many.
        leads: usize,
    },
}

/// A candidate file named for a backtest cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CandidateError {
    /// The name is not a plain file name of the org's folder.
    #[error("`{0}` is not a file name of the org's folder (no folders, no leading dot)")]
    BadName(String),
    /// The file cannot be read.
    #[error("cannot read {name} in the org's folder: {source}")]
    Read {
        /// The name.
        name: String,
        /// Why.
        source: std::io::Error,
    },
}

impl PluginLoader {
    /// Loads a candidate as a backtest would, to refuse one that does not
    /// load (or a backtest that cannot run) before a job is started for it.
    ///
    /// Errors: [`BacktestError::Unsupported`] for a slot or sweep that
    /// cannot be backtested; [`BacktestError::Candidate`], naming why.
    pub fn check_candidate(&self, spec: &BacktestSpec) -> Result<(), BacktestError> {
        supported(spec)?;
        // Not kept in the compile cache: a candidate is not an accepted
        // version, and one org's candidates must not push other orgs'
        // compiled plug-ins out of the shared cache (the job compiles it
        // again, within the same CPU budget).
        self.load(spec, spec.slot).map(drop)
    }

    /// `spec`'s candidate, loaded for `slot`, once `org` is known.
    fn load_candidate(
        &self,
        org: &str,
        spec: &BacktestSpec,
        slot: Slot,
    ) -> Result<Plugin, BacktestError> {
        if self.engine.store().org(org)?.is_none() {
            return Err(EngineError::UnknownOrg(org.to_string()).into());
        }
        self.load(spec, slot)
    }

    /// `spec`'s candidate, loaded for `slot`.
    fn load(&self, spec: &BacktestSpec, slot: Slot) -> Result<Plugin, BacktestError> {
        load_plugin_with(
            &self.runtime,
            &spec.name,
            &spec.bytes,
            Some(slot),
            &spec.config,
            self.max_script_bytes,
            &Cancel::new(),
        )
        .map_err(BacktestError::Candidate)
    }

    /// Backtests `spec` for its slot: [`Self::backtest`] for a lead
    /// definition, [`Self::backtest_routing`] for a routing policy.
    ///
    /// Errors: as those, and [`BacktestError::Unsupported`].
    pub fn run_backtest(
        &self,
        org: &str,
        spec: &BacktestSpec,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<BacktestResult, BacktestError> {
        supported(spec)?;
        match spec.slot {
            Slot::RoutingPolicy => self
                .backtest_routing(org, spec, progress)
                .map(BacktestResult::RoutingPolicy),
            _ => self
                .backtest(org, spec, progress)
                .map(BacktestResult::LeadDefinition),
        }
    }

    /// The bytes of `name`, a file in `org`'s folder (a component up to the
    /// compile limit, or an admin script), with the plug-in name it loads
    /// under (a component's name without `.wasm`).
    ///
    /// Errors: a name with a folder or a leading dot; a file that is
    /// missing, not a regular file or too large.
    pub fn candidate_file(
        &self,
        org: &str,
        name: &str,
    ) -> Result<(String, Vec<u8>), CandidateError> {
        let plain = !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\', '\0']);
        if !plain {
            return Err(CandidateError::BadName(name.to_string()));
        }
        let path = self.folders.org_dir(org).join(name);
        let max = self.runtime.max_component_bytes() as u64;
        let bytes =
            super::folder::read_org_file(&path, max).map_err(|source| CandidateError::Read {
                name: name.to_string(),
                source,
            })?;
        let plugin = name.strip_suffix(".wasm").unwrap_or(name).to_string();
        Ok((plugin, bytes))
    }

    /// Backtests `spec`'s candidate lead definition on `org`'s recorded
    /// qualification inputs; `progress(done, leads)` after each lead.
    ///
    /// Errors: the org is unknown, the candidate does not load, the store
    /// failed. A candidate that traps or runs past a limit on some inputs
    /// is counted (`failed`, `first_errors`), never stops the run.
    pub fn backtest(
        &self,
        org: &str,
        spec: &BacktestSpec,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<BacktestReport, BacktestError> {
        let slot = Slot::LeadDefinition;
        let candidate = self.load_candidate(org, spec, slot)?;
        let leads = run::leads(self, org)?;
        // The candidate as given first, then one run per swept value.
        let mut configs = vec![spec.config.clone()];
        let values: Vec<f64> = spec
            .sweep
            .as_ref()
            .map(|sweep| sweep.values.clone())
            .unwrap_or_default();
        if let Some(sweep) = &spec.sweep {
            for value in &values {
                let mut config = spec.config.clone();
                config.insert(sweep.key.clone(), Scalar::Number(*value));
                configs.push(config);
            }
        }
        let candidates: Vec<_> = configs
            .iter()
            .map(|config| run::with_config(&candidate, config))
            .collect();
        let job = run::Job {
            loader: self,
            org,
            candidates: &candidates,
            window: (spec.from, spec.to),
            stop: spec.stop.as_deref(),
            deadline: spec.deadline,
        };
        let outcome = job.run(&leads, spec.workers, progress)?;
        let mut tallies = outcome.tallies.into_iter().map(Tally::finish);
        let summary = tallies.next().unwrap_or_default();
        let sweep: Option<Vec<SweepPoint>> = spec.sweep.as_ref().map(|_| {
            values
                .iter()
                .zip(tallies)
                .map(|(value, summary)| SweepPoint {
                    value: *value,
                    sales_ready: summary.weekly.iter().map(|week| week.candidate).sum(),
                    precision: summary.candidate.precision,
                    recall: summary.candidate.recall,
                    changed: summary.changed,
                    failed: summary.failed,
                })
                .collect()
        });
        let mut warnings = unread_config(
            &spec.config,
            (summary.changed, summary.failed),
            &outcome.read.config_keys,
        );
        if let (Some(sweep), Some(points)) = (&spec.sweep, &sweep)
            && points.len() > 1
            && points.windows(2).all(|pair| {
                (pair[0].sales_ready, pair[0].changed) == (pair[1].sales_ready, pair[1].changed)
            })
        {
            warnings.push(format!(
                "every value of `{}` gives the same verdicts: check it is a key the candidate reads, and the range",
                sweep.key
            ));
        }
        Ok(BacktestReport {
            org: org.to_string(),
            slot,
            plugin: spec.name.clone(),
            plugin_hash: ContentHash::of(&spec.bytes).to_string(),
            inputs: outcome.read.inputs,
            inputs_not_kept: outcome.read.not_kept,
            live_failed: outcome.read.live_failed,
            sales_ready: Counts {
                live: summary.weekly.iter().map(|week| week.live).sum(),
                candidate: summary.weekly.iter().map(|week| week.candidate).sum(),
            },
            precision: SideBySide {
                live: summary.live.precision,
                candidate: summary.candidate.precision,
            },
            recall: SideBySide {
                live: summary.live.recall,
                candidate: summary.candidate.recall,
            },
            summary,
            changes: outcome.changes,
            sweep,
            warnings,
        })
    }
}
