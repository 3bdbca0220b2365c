//! Starting a backtest as people ask for one: a candidate file of the
//! org's folder by name, a window, config and a sweep as text. The API and
//! the dashboard both start backtests here, so both check alike.

use super::{BacktestError, BacktestJob, BacktestJobs, BacktestSpec, BacktestStartError, Sweep};
use crate::model::{Config, Time};
use crate::plugins::PluginLoader;
use crate::runtime::Slot;

/// A backtest asked for by name.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateRun {
    /// `lead-definition` or `routing-policy`.
    pub slot: Slot,
    /// A file in the org's folder (`acme-fit.wasm`, `qualify.rhai`).
    pub candidate: String,
    /// Config laid over each recorded input's config.
    pub config: Config,
    /// Only decisions made at or after this time.
    pub from: Option<Time>,
    /// Only decisions made before this time.
    pub to: Option<Time>,
    /// One config key over a range, `KEY=FROM..TO:STEP`.
    pub sweep: Option<String>,
}

/// A backtest could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartBacktestError {
    /// A field of the request is wrong.
    #[error("{field}: {problem}")]
    Field {
        /// The field (`candidate`, `sweep`, `to`, `slot`).
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// The org or the host runs as many backtests as allowed.
    #[error(transparent)]
    Start(#[from] BacktestStartError),
}

fn field(field: &'static str, problem: impl ToString) -> StartBacktestError {
    StartBacktestError::Field {
        field,
        problem: problem.to_string(),
    }
}

impl PluginLoader {
    /// Checks `run` (the window, the sweep, the candidate's file, that the
    /// candidate compiles and fits the slot) and starts it as one of
    /// `jobs`, for `org`, at `now`. Reads and compiles: call it off the
    /// async threads.
    ///
    /// Errors: [`StartBacktestError::Field`] naming the field at fault;
    /// [`StartBacktestError::Start`] when the org or the host is busy.
    pub fn start_backtest(
        &self,
        jobs: &BacktestJobs,
        org: &str,
        run: CandidateRun,
        now: Time,
    ) -> Result<BacktestJob, StartBacktestError> {
        if let (Some(from), Some(to)) = (run.from, run.to)
            && to <= from
        {
            return Err(field(
                "to",
                format!("{to} is not after `from` {from}: the window is empty"),
            ));
        }
        let sweep = run
            .sweep
            .as_deref()
            .map(str::parse::<Sweep>)
            .transpose()
            .map_err(|error| field("sweep", error))?;
        let (name, bytes) = self
            .candidate_file(org, &run.candidate)
            .map_err(|error| field("candidate", error))?;
        let spec = BacktestSpec {
            slot: run.slot,
            name,
            bytes,
            config: run.config,
            from: run.from,
            to: run.to,
            sweep,
            workers: 1,
            stop: None,
            deadline: None,
        };
        // Refused here, not in a job that would fail a moment later.
        self.check_candidate(&spec).map_err(|error| match error {
            BacktestError::Unsupported {
                field: name,
                problem,
            } => field(name, problem),
            error => field("candidate", error),
        })?;
        let label = (run.candidate, run.sweep);
        Ok(jobs.start(self.clone(), org, spec, label, now)?)
    }
}
