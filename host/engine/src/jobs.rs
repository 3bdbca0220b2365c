//! Import jobs: a CSV file's rows stored a batch at a time, with progress
//! anyone can read while it runs, a cancel that takes effect between
//! batches, and a record in the store that outlives the process.
//!
//! `POST /v1/orgs/{org}/imports` (for a large file) and `leadhost import`
//! both run an [`ImportJob`], so they store the same rows the same way and
//! report the same numbers. [`ImportJobs`] keeps the server's jobs: one
//! running per org, the latest ones readable.

mod registry;

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

pub use registry::{ImportJobs, JOBS_KEPT, StartError};

use crate::import::ColumnWarning;
use crate::model::Time;
use crate::store::{
    ImportJobRecord, JobState, REJECTED_ROWS_KEPT, RejectedRow, RowProblem, SkippedColumn,
};
use crate::{Engine, EngineError, FieldError, LeadSubmission};

/// Rows stored per batch: one `ingest_batch`, one flush, one progress
/// update, one chance to cancel. 500 rows take a fraction of a second, so a
/// cancel stops storing promptly, while the flush is shared widely enough
/// that it costs little per row.
pub const BATCH_ROWS: usize = 500;

/// One row of a file: its line and its submission, or what is wrong with it.
pub type Row = (usize, Result<LeadSubmission, Vec<FieldError>>);

/// No stop asked for.
const GO: u8 = 0;
/// Stop: asked for by the job's owner.
const CANCEL: u8 = 1;
/// Stop: the server is shutting down.
const INTERRUPT: u8 = 2;

/// A running or finished import. Cheap to clone; every clone is the same job.
#[derive(Clone)]
pub struct ImportJob {
    shared: Arc<Shared>,
}

struct Shared {
    /// The org the rows go to.
    org: String,
    /// The progress, as the store will get it after the next batch.
    record: Mutex<ImportJobRecord>,
    /// [`GO`], [`CANCEL`] or [`INTERRUPT`]: read between batches.
    stop: AtomicU8,
}

impl ImportJob {
    /// A job for `rows` data rows into `org`, their timelines naming `via`
    /// (`import`) as the channel, with the file's skipped columns in
    /// `warnings`; it stores nothing until [`ImportJob::run`].
    pub fn new(org: &str, rows: usize, via: &str, warnings: &[ColumnWarning], now: Time) -> Self {
        let id = format!(
            "imp-{:012x}{:04x}",
            now.timestamp_millis().max(0),
            fastrand::u16(..)
        );
        ImportJob {
            shared: Arc::new(Shared {
                org: org.to_string(),
                record: Mutex::new(ImportJobRecord {
                    id,
                    state: JobState::Running,
                    via: via.to_string(),
                    rows,
                    done: 0,
                    created: 0,
                    merged: 0,
                    unchanged: 0,
                    rejected: 0,
                    rejected_rows: Vec::new(),
                    warnings: warnings
                        .iter()
                        .map(|warning| SkippedColumn {
                            column: warning.column.clone(),
                            problem: warning.problem.clone(),
                        })
                        .collect(),
                    error: None,
                    started_at: now,
                    updated_at: now,
                    finished_at: None,
                }),
                stop: AtomicU8::new(GO),
            }),
        }
    }

    /// The job's id.
    pub fn id(&self) -> String {
        self.record().id.clone()
    }

    /// The org the rows go to.
    pub fn org(&self) -> &str {
        &self.shared.org
    }

    /// The job as it stands.
    pub fn snapshot(&self) -> ImportJobRecord {
        self.record().clone()
    }

    /// Asks the job to stop: the batch in flight finishes, no later batch
    /// starts, and the job ends `cancelled`. A job that has already ended
    /// is left alone. Returns the job as it stands.
    pub fn cancel(&self) -> ImportJobRecord {
        self.request_stop(CANCEL)
    }

    /// Like [`ImportJob::cancel`], for a server that is shutting down: the
    /// job ends `interrupted`.
    pub fn interrupt(&self) -> ImportJobRecord {
        self.request_stop(INTERRUPT)
    }

    fn request_stop(&self, why: u8) -> ImportJobRecord {
        let mut record = self.record();
        if !record.state.is_final() {
            // A cancel already asked for is not turned into an interrupt.
            let _ = self
                .shared
                .stop
                .compare_exchange(GO, why, Ordering::SeqCst, Ordering::SeqCst);
            record.state = JobState::Cancelling;
        }
        record.clone()
    }

    fn record(&self) -> MutexGuard<'_, ImportJobRecord> {
        // The record is plain data: a panic elsewhere cannot leave it torn.
        self.shared
            .record
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stores `rows` through `engine`, `batch` rows at a time, each batch
    /// flushed before the next starts, each in a turn of the org's share
    /// ([`crate::OrgShares`]); checks for a stop between batches.
    /// The record goes to the store as the job starts, after every batch
    /// and at the end (a failure to write it is logged, the import goes
    /// on). `on_batch` sees the job after each batch and that batch's
    /// refused rows (all of them, even past [`REJECTED_ROWS_KEPT`]).
    /// Returns the job as it ended: `done`, `cancelled`, `interrupted`, or
    /// `failed` when the store failed (its `error` says so; the rows
    /// counted as done are stored).
    pub fn run(
        &self,
        engine: &Engine,
        rows: impl IntoIterator<Item = Row>,
        batch: usize,
        mut on_batch: impl FnMut(&ImportJobRecord, &[RejectedRow]),
    ) -> ImportJobRecord {
        let org = self.org().to_string();
        let via = self.record().via.clone();
        self.save(engine);
        let mut rows = rows.into_iter();
        let end = loop {
            let chunk: Vec<Row> = rows.by_ref().take(batch.max(1)).collect();
            if chunk.is_empty() {
                break (JobState::Done, None);
            }
            match self.shared.stop.load(Ordering::SeqCst) {
                CANCEL => break (JobState::Cancelled, None),
                INTERRUPT => break (JobState::Interrupted, None),
                _ => {}
            }
            let (lines, submissions): (Vec<usize>, Vec<_>) = chunk.into_iter().unzip();
            // Each batch takes a turn in the org's share like any request
            // of the org, so a job is one of its calls, never more.
            let turn = engine.shares().turn_blocking(&org);
            let results = engine.ingest_batch(&org, submissions, &via);
            drop(turn);
            let results = match results {
                Ok(results) => results,
                Err(error) => break (JobState::Failed, Some(failure(&org, error))),
            };
            let refused = self.count(engine.now(), lines.into_iter().zip(results));
            self.save(engine);
            on_batch(&self.snapshot(), &refused);
        };
        {
            let mut record = self.record();
            let now = engine.now();
            (record.state, record.error) = end;
            record.updated_at = now;
            record.finished_at = Some(now);
        }
        self.save(engine);
        self.snapshot()
    }

    /// Adds a batch's results to the record; returns its refused rows.
    fn count(
        &self,
        now: Time,
        results: impl Iterator<Item = (usize, Result<crate::Ingested, EngineError>)>,
    ) -> Vec<RejectedRow> {
        let mut refused = Vec::new();
        let mut record = self.record();
        for (line, result) in results {
            record.done += 1;
            match result {
                Ok(ingested) if ingested.created => record.created += 1,
                Ok(ingested) if ingested.unchanged => record.unchanged += 1,
                Ok(_) => record.merged += 1,
                Err(error) => {
                    record.rejected += 1;
                    refused.push(rejected_row(line, error));
                }
            }
        }
        let room = REJECTED_ROWS_KEPT.saturating_sub(record.rejected_rows.len());
        record
            .rejected_rows
            .extend(refused.iter().take(room).cloned());
        record.updated_at = now;
        refused
    }

    /// Ends a job whose run stopped without ending it (a panic), as
    /// `failed` with `why`, so its org can start another.
    pub(crate) fn abandon(&self, engine: &Engine, why: &str) {
        {
            let mut record = self.record();
            let now = engine.now();
            record.state = JobState::Failed;
            record.error = Some(why.to_string());
            record.updated_at = now;
            record.finished_at = Some(now);
        }
        self.save(engine);
    }

    fn save(&self, engine: &Engine) {
        let record = self.snapshot();
        if let Err(error) = engine.store().put_import_job(self.org(), &record) {
            tracing::error!(%error, org = self.org(), job = record.id, "cannot record an import job's progress");
        }
    }
}

/// A refused row, with the status the batch endpoint would give it.
fn rejected_row(line: usize, error: EngineError) -> RejectedRow {
    let status = error.kind().status();
    RejectedRow {
        line,
        status,
        errors: error
            .into_field_errors("(row)")
            .into_iter()
            .map(|error| RowProblem {
                field: error.field,
                problem: error.problem,
            })
            .collect(),
    }
}

/// What a failed job tells its reader: a store failure without internals
/// (they go to the log), anything else as it is.
fn failure(org: &str, error: EngineError) -> String {
    match error {
        EngineError::Store(error) => {
            tracing::error!(%error, org, "the store failed during an import");
            "the store failed; the rows counted as done are stored, the rest may be partly stored"
                .into()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;
