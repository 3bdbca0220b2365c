//! Backtests as jobs, for the API: one running per org, at most
//! [`BACKTESTS_RUNNING_MAX`] on the whole host, each on [`BACKTEST_WORKERS`] threads of
//! its own, with progress readable while it runs and each org's last
//! [`BACKTESTS_KEPT`] results kept in memory (a backtest is re-run, not
//! restored, after a restart).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;

use super::{BacktestResult, BacktestSpec};
use crate::model::Time;
use crate::plugins::PluginLoader;

/// Backtests running at once on the host (one per org): each keeps a
/// thread busy for seconds to minutes, at the lowest priority.
pub const BACKTESTS_RUNNING_MAX: usize = 2;

/// How long one job may run before it is stopped: a job that would run for
/// hours (a sweep of a slow candidate over a large history) holds a slot
/// others wait for; split it by `from`/`to` instead.
pub const BACKTEST_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(15 * 60);

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
    /// Stopped by a cancel, or at its time limit; `error` says which.
    Stopped,
}

/// A backtest job as `GET …/backtests/{id}` shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BacktestJob {
    /// The job's id.
    pub id: String,
    /// The slot backtested.
    pub slot: crate::runtime::Slot,
    /// The candidate, as the request named it.
    pub candidate: String,
    /// The sweep, as the request gave it.
    pub sweep: Option<String>,
    /// The config laid over each recorded config, as the request gave it
    /// (so two jobs of one candidate can be told apart).
    #[schema(value_type = Object)]
    pub config: crate::model::Config,
    /// Only qualifications made at or after this time, if the request said.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub from: Option<Time>,
    /// Only qualifications made before this time, if the request said.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub to: Option<Time>,
    /// Where it is.
    pub state: BacktestState,
    /// Leads looked at so far.
    pub done: usize,
    /// Leads of the org (known once the job has listed them).
    pub leads: usize,
    /// When it started.
    #[schema(value_type = String, format = DateTime)]
    pub started_at: Time,
    /// When it finished (done or failed).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<Time>,
    /// The report, once done (the shape `leadhost backtest --json` prints;
    /// its `slot` says which kind).
    #[schema(value_type = Option<Object>)]
    pub result: Option<BacktestResult>,
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

/// One job, updated by its thread and read by requests, and its stop flag.
type Shared = Arc<(Mutex<BacktestJob>, Arc<AtomicBool>)>;

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
        (candidate, sweep): (String, Option<String>),
        now: Time,
    ) -> Result<BacktestJob, BacktestStartError> {
        let job = {
            let mut jobs = lock(&self.jobs);
            let running = |job: &Shared| {
                let job = lock(&job.0);
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
            let job = Arc::new((
                Mutex::new(BacktestJob {
                    id: format!(
                        "bt-{:012x}{:04x}",
                        now.timestamp_millis().max(0),
                        fastrand::u16(..)
                    ),
                    slot: spec.slot,
                    candidate,
                    sweep,
                    config: spec.config.clone(),
                    from: spec.from,
                    to: spec.to,
                    state: BacktestState::Running,
                    done: 0,
                    leads: 0,
                    started_at: now,
                    finished_at: None,
                    result: None,
                    error: None,
                }),
                Arc::new(AtomicBool::new(false)),
            ));
            let kept = jobs.entry(org.to_string()).or_default();
            kept.push_front(job.clone());
            kept.truncate(BACKTESTS_KEPT);
            job
        };
        spec.workers = BACKTEST_WORKERS;
        spec.stop = Some(job.1.clone());
        spec.deadline = Some(std::time::Instant::now() + BACKTEST_TIME_LIMIT);
        let view = lock(&job.0).clone();
        let org = org.to_string();
        let stop = job.1.clone();
        std::thread::spawn(move || {
            crate::priority::lowest();
            let progress = |done: usize, leads: usize| {
                let mut view = lock(&job.0);
                (view.done, view.leads) = (done, leads);
            };
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                loader.run_backtest(&org, &spec, &progress)
            }));
            let finished = loader.engine.now();
            let mut job = lock(&job.0);
            job.finished_at = Some(finished);
            match outcome {
                Ok(Err(super::BacktestError::Stopped { .. })) => {
                    job.state = BacktestState::Stopped;
                    let why = match stop.load(Ordering::Relaxed) {
                        true => "cancelled".to_string(),
                        false => format!(
                            "stopped at its time limit of {} minutes: backtest a shorter window (`from`, `to`)",
                            BACKTEST_TIME_LIMIT.as_secs() / 60
                        ),
                    };
                    job.error = Some(format!("{why} (after {} of {} leads)", job.done, job.leads));
                }
                Ok(Ok(report)) => {
                    let (total, failed, first) = report.failures();
                    if total > 0 && failed == total {
                        job.state = BacktestState::Failed;
                        let rows = match spec.slot {
                            crate::runtime::Slot::RoutingPolicy => "routing inputs",
                            _ => "leads",
                        };
                        job.error = Some(format!(
                            "the candidate failed on all {total} {rows}: {}",
                            first.unwrap_or("")
                        ));
                    } else {
                        job.state = BacktestState::Done;
                    }
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

    /// `org`'s jobs kept, newest first, without their reports (`get` one
    /// for its `result`).
    pub fn list(&self, org: &str) -> Vec<BacktestJob> {
        let jobs = lock(&self.jobs);
        jobs.get(org)
            .into_iter()
            .flatten()
            .map(|job| BacktestJob {
                result: None,
                ..lock(&job.0).clone()
            })
            .collect()
    }

    /// `org`'s job `id`, as it stands.
    pub fn get(&self, org: &str, id: &str) -> Option<BacktestJob> {
        let jobs = lock(&self.jobs);
        jobs.get(org)?
            .iter()
            .map(|job| lock(&job.0).clone())
            .find(|job| job.id == id)
    }

    /// Asks `org`'s job `id` to stop (between leads); answers it as it
    /// stands, `None` when there is no such job.
    pub fn cancel(&self, org: &str, id: &str) -> Option<BacktestJob> {
        let jobs = lock(&self.jobs);
        let job = jobs.get(org)?.iter().find(|job| lock(&job.0).id == id)?;
        job.1.store(true, Ordering::Relaxed);
        Some(lock(&job.0).clone())
    }
}
