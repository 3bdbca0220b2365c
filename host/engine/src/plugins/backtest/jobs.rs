//! Backtests as jobs, for the API: one running per org, at most
//! [`BACKTESTS_RUNNING_MAX`] on the whole host, each on [`BACKTEST_WORKERS`] threads of
//! its own, with progress readable while it runs and each org's last
//! [`BACKTESTS_KEPT`] results kept in memory (a backtest is re-run, not
//! restored, after a restart).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;

use super::{BacktestReport, BacktestSpec};
use crate::model::Time;
use crate::plugins::PluginLoader;

/// Backtests running at once on the host: a backtest keeps its threads
/// busy for seconds to minutes, and live calls must keep their cores.
pub const BACKTESTS_RUNNING_MAX: usize = 1;

/// Threads one job runs on: one core of this 2-core machine's two, the
/// other left to live traffic.
pub const BACKTEST_WORKERS: usize = 1;

/// Finished backtests kept per org, newest first.
pub const BACKTESTS_KEPT: usize = 10;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BacktestState {
    /// Running; `done` of `leads` looked at.
    Running,
    /// Finished; `result` holds the report.
    Done,
    /// Stopped by an error; `error` says which.
    Failed,
}

/// A backtest job as `GET …/backtests/{id}` shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BacktestJob {
    /// The job's id.
    pub id: String,
    /// Where it is.
    pub state: BacktestState,
    /// Leads looked at so far.
    pub done: usize,
    /// Leads of the org (known once the job has listed them).
    pub leads: usize,
    /// When it started.
    #[schema(value_type = String, format = DateTime)]
    pub started_at: Time,
    /// The report, once done (the shape `leadhost backtest --json` prints).
    #[schema(value_type = Option<Object>)]
    pub result: Option<BacktestReport>,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

/// A job cannot start.
#[derive(Debug, thiserror::Error)]
pub enum BacktestStartError {
    /// The org has a backtest running.
    #[error(
        "org {org} already has backtest {job} running: follow it at /v1/orgs/{org}/backtests/{job} and send this one when it is done"
    )]
    OrgBusy {
        /// The org.
        org: String,
        /// Its running job.
        job: String,
    },
    /// The host runs as many backtests as it allows.
    #[error(
        "the host is running {BACKTESTS_RUNNING_MAX} backtest(s) already; send this one again shortly"
    )]
    HostBusy,
}

/// One job, updated by its thread and read by requests.
type Shared = Arc<Mutex<BacktestJob>>;

/// The server's backtest jobs. Cheap to clone; every clone shares them.
#[derive(Clone, Default)]
pub struct BacktestJobs {
    /// Each org's jobs, newest first.
    jobs: Arc<Mutex<HashMap<String, VecDeque<Shared>>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl BacktestJobs {
    /// Starts backtesting `spec` for `org` on a thread of its own.
    ///
    /// Errors: the org, or the host, already runs as many as allowed.
    pub fn start(
        &self,
        loader: PluginLoader,
        org: &str,
        mut spec: BacktestSpec,
        now: Time,
    ) -> Result<BacktestJob, BacktestStartError> {
        let job = {
            let mut jobs = lock(&self.jobs);
            let running = |job: &Shared| {
                let job = lock(job);
                (job.state == BacktestState::Running).then(|| job.id.clone())
            };
            if let Some(job) = jobs.get(org).and_then(|kept| kept.iter().find_map(running)) {
                return Err(BacktestStartError::OrgBusy {
                    org: org.to_string(),
                    job,
                });
            }
            let busy = jobs
                .values()
                .flatten()
                .filter(|job| running(job).is_some())
                .count();
            if busy >= BACKTESTS_RUNNING_MAX {
                return Err(BacktestStartError::HostBusy);
            }
            let job = Arc::new(Mutex::new(BacktestJob {
                id: format!(
                    "bt-{:012x}{:04x}",
                    now.timestamp_millis().max(0),
                    fastrand::u16(..)
                ),
                state: BacktestState::Running,
                done: 0,
                leads: 0,
                started_at: now,
                result: None,
                error: None,
            }));
            let kept = jobs.entry(org.to_string()).or_default();
            kept.push_front(job.clone());
            kept.truncate(BACKTESTS_KEPT);
            job
        };
        spec.workers = BACKTEST_WORKERS;
        let view = lock(&job).clone();
        let org = org.to_string();
        std::thread::spawn(move || {
            let progress = |done: usize, leads: usize| {
                let mut job = lock(&job);
                (job.done, job.leads) = (done, leads);
            };
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                loader.backtest(&org, &spec, &progress)
            }));
            let mut job = lock(&job);
            match outcome {
                Ok(Ok(report)) => {
                    job.state = BacktestState::Done;
                    job.result = Some(report);
                }
                Ok(Err(error)) => {
                    job.state = BacktestState::Failed;
                    job.error = Some(error.to_string());
                }
                Err(_) => {
                    job.state = BacktestState::Failed;
                    job.error =
                        Some("the backtest stopped on an internal error (in the log)".into());
                }
            }
        });
        Ok(view)
    }

    /// `org`'s job `id`, as it stands.
    pub fn get(&self, org: &str, id: &str) -> Option<BacktestJob> {
        let jobs = lock(&self.jobs);
        jobs.get(org)?
            .iter()
            .map(|job| lock(job).clone())
            .find(|job| job.id == id)
    }
}
