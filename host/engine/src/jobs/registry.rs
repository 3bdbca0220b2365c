//! The server's import jobs: at most one running per org, each org's latest
//! job in memory, older ones read back from the store.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};

use super::{BATCH_ROWS, ImportJob, Row};
use crate::import::ColumnWarning;
use crate::store::{ImportJobRecord, JobState, StoreError};
use crate::{Engine, EngineError};

/// Jobs kept per org in the store (the newest); older finished ones are
/// forgotten as new ones start, so an org that imports every hour keeps
/// most of a day's worth.
pub const JOBS_KEPT: usize = 20;

/// A job cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The org already has a job running; one at a time per org keeps an
    /// org's imports from taking every blocking thread, and keeps two files
    /// with the same e-mails from racing each other.
    #[error(
        "org {org} already has import job {job} running: follow it at /v1/orgs/{org}/imports/{job}, or cancel it with POST /v1/orgs/{org}/imports/{job}/cancel, then send the file again"
    )]
    Busy {
        /// The org.
        org: String,
        /// Its running job.
        job: String,
    },
}

/// The server's import jobs. Cheap to clone; every clone shares the jobs.
#[derive(Clone)]
pub struct ImportJobs {
    /// Runs the jobs and keeps their records.
    engine: Engine,
    /// Each org's latest job (running or not), by org.
    latest: Arc<Mutex<HashMap<String, ImportJob>>>,
}

impl ImportJobs {
    /// No jobs yet, over `engine`.
    pub fn new(engine: Engine) -> Self {
        ImportJobs {
            engine,
            latest: Arc::default(),
        }
    }

    fn latest(&self) -> MutexGuard<'_, HashMap<String, ImportJob>> {
        // A map of handles: a panic elsewhere cannot leave it torn.
        self.latest
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts importing `rows` into `org` on a blocking thread of the
    /// current tokio runtime and returns the job as it starts; `warnings`
    /// are the file's skipped columns, kept with the job.
    pub fn start(
        &self,
        org: &str,
        rows: Vec<Row>,
        via: &str,
        warnings: &[ColumnWarning],
    ) -> Result<ImportJobRecord, StartError> {
        let job = {
            let mut latest = self.latest();
            if let Some(running) = latest.get(org).map(ImportJob::snapshot)
                && !running.state.is_final()
            {
                return Err(StartError::Busy {
                    org: org.to_string(),
                    job: running.id,
                });
            }
            let job = ImportJob::new(org, rows.len(), via, warnings, self.engine.now());
            latest.insert(org.to_string(), job.clone());
            job
        };
        let started = job.snapshot();
        let engine = self.engine.clone();
        tokio::task::spawn_blocking(move || {
            forget_old(&engine, job.org(), &job.id());
            let run = std::panic::catch_unwind(AssertUnwindSafe(|| {
                job.run(&engine, rows, BATCH_ROWS, |_, _| {})
            }));
            if run.is_err() {
                job.abandon(&engine, "the import stopped on an internal error");
            }
        });
        Ok(started)
    }

    /// One of the org's jobs; `None` when it has none by that id.
    ///
    /// Errors: the store's failure.
    pub fn get(&self, org: &str, id: &str) -> Result<Option<ImportJobRecord>, EngineError> {
        if let Some(job) = self.live(org, id) {
            return Ok(Some(job.snapshot()));
        }
        Ok(self.engine.store().import_job(org, id)?.map(settled))
    }

    /// The org's jobs, newest first.
    ///
    /// Errors: the store's failure.
    pub fn list(&self, org: &str) -> Result<Vec<ImportJobRecord>, EngineError> {
        let latest = self.latest().get(org).map(ImportJob::snapshot);
        let latest_id = latest.as_ref().map(|job| job.id.clone());
        let mut jobs: Vec<ImportJobRecord> = self
            .engine
            .store()
            .import_jobs(org)?
            .into_iter()
            .filter(|job| latest_id.as_ref() != Some(&job.id))
            .map(settled)
            .chain(latest)
            .collect();
        jobs.sort_by(|a, b| b.id.cmp(&a.id));
        Ok(jobs)
    }

    /// Asks the org's job `id` to stop (see [`ImportJob::cancel`]); returns
    /// it as it stands, or `None` when the org has no such job. A job that
    /// has already ended is returned unchanged.
    ///
    /// Errors: the store's failure.
    pub fn cancel(&self, org: &str, id: &str) -> Result<Option<ImportJobRecord>, EngineError> {
        match self.live(org, id) {
            Some(job) => Ok(Some(job.cancel())),
            None => self.get(org, id),
        }
    }

    /// Asks every running job to stop, for a shutdown: each finishes its
    /// batch in flight and ends `interrupted`.
    pub fn interrupt_all(&self) {
        for job in self.latest().values() {
            job.interrupt();
        }
    }

    /// Waits, up to `within`, until no job is running (polling: a shutdown
    /// waits for at most one batch per job).
    pub async fn wait_stopped(&self, within: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let running = self
                .latest()
                .values()
                .any(|job| !job.snapshot().state.is_final());
            if !running {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    fn live(&self, org: &str, id: &str) -> Option<ImportJob> {
        self.latest().get(org).filter(|job| job.id() == id).cloned()
    }
}

/// A stored job that is not this process's latest: if its record says it
/// is still running, the process that ran it stopped first.
fn settled(mut job: ImportJobRecord) -> ImportJobRecord {
    if !job.state.is_final() {
        job.state = JobState::Interrupted;
    }
    job
}

/// Forgets the org's oldest jobs so that, with the one starting, at most
/// [`JOBS_KEPT`] are kept.
pub(super) fn forget_old(engine: &Engine, org: &str, starting: &str) {
    let forget = |engine: &Engine| -> Result<(), StoreError> {
        let jobs = engine.store().import_jobs(org)?;
        let old = jobs.iter().filter(|job| job.id != starting);
        let extra = old.clone().count().saturating_sub(JOBS_KEPT - 1);
        for job in old.take(extra) {
            engine.store().remove_import_job(org, &job.id)?;
        }
        Ok(())
    };
    if let Err(error) = forget(engine) {
        tracing::warn!(%error, org, "cannot forget old import jobs");
    }
}
