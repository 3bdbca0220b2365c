//! Import jobs as the store keeps them: a large CSV import's progress, its
//! counts and the rows it refused, so a job can be followed, and still be
//! read after a restart (one that was running shows as interrupted).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::StoreError;

/// Where an import job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum JobState {
    /// Storing rows, a batch at a time.
    Running,
    /// Asked to stop: the batch in flight finishes, no later batch starts.
    Cancelling,
    /// Every row was stored or refused.
    Done,
    /// Stopped on request; the rows counted as done are stored, the rest not.
    Cancelled,
    /// The store failed; the rows counted as done are stored, the rest not.
    Failed,
    /// The server stopped (shut down or crashed) while the job ran; the rows
    /// counted as done are stored, the rest not.
    Interrupted,
}

impl JobState {
    /// Whether the job has stopped for good.
    pub fn is_final(self) -> bool {
        !matches!(self, JobState::Running | JobState::Cancelling)
    }

    /// Its name, as JSON spells it.
    pub fn name(self) -> &'static str {
        match self {
            JobState::Running => "running",
            JobState::Cancelling => "cancelling",
            JobState::Done => "done",
            JobState::Cancelled => "cancelled",
            JobState::Failed => "failed",
            JobState::Interrupted => "interrupted",
        }
    }
}

/// One problem of a refused row (same shape as the API's field errors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowProblem {
    /// The field at fault (`email`, `budget`, `custom.plan`), or `(row)`
    /// when the row as a whole is.
    pub field: String,
    /// What is wrong with it.
    pub problem: String,
}

/// A row an import refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RejectedRow {
    /// Its line in the file (the header is line 1).
    pub line: usize,
    /// 422 invalid, 409 refused by the lifecycle, 503 the store failed.
    pub status: u16,
    /// Why.
    pub errors: Vec<RowProblem>,
}

/// A column an import skips (a header that cannot be used).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SkippedColumn {
    /// The column's header, as the file writes it.
    pub column: String,
    /// Why it is skipped, and how to import it anyway.
    pub problem: String,
}

/// An import job: what it is doing or did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportJobRecord {
    /// The job's id (`imp-…`); ids sort by start time.
    pub id: String,
    /// Where it stands.
    pub state: JobState,
    /// The channel its leads' timelines name (`import`).
    pub via: String,
    /// Data rows in the file (the header not counted).
    pub rows: usize,
    /// Rows handled so far: stored or refused.
    pub done: usize,
    /// New leads.
    pub created: usize,
    /// Rows merged into existing leads, each bringing something new.
    pub merged: usize,
    /// Rows the existing lead had received before: nothing changed.
    #[serde(default)]
    pub unchanged: usize,
    /// Rows refused.
    pub rejected: usize,
    /// The refused rows, by line, up to the first
    /// [`REJECTED_ROWS_KEPT`]; beyond that only `rejected` counts them.
    pub rejected_rows: Vec<RejectedRow>,
    /// Columns the import skips, each said once for the file (the same
    /// as a synchronous import's `warnings`).
    #[serde(default)]
    pub warnings: Vec<SkippedColumn>,
    /// Why the job failed, when it did.
    pub error: Option<String>,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When its progress last changed.
    pub updated_at: DateTime<Utc>,
    /// When it stopped, once it has.
    pub finished_at: Option<DateTime<Utc>>,
}

/// Refused rows a job keeps with their errors. A file that is wrong
/// throughout (a bad column) would otherwise keep one entry per row; the
/// first thousand show the pattern, and `rejected` still counts them all.
pub const REJECTED_ROWS_KEPT: usize = 1000;

/// Where import jobs are kept.
pub trait ImportJobStore {
    /// Writes a job's record (replacing the previous one); durable on return.
    fn put_import_job(&self, org: &str, job: &ImportJobRecord) -> Result<(), StoreError>;
    /// One job of the org.
    fn import_job(&self, org: &str, id: &str) -> Result<Option<ImportJobRecord>, StoreError>;
    /// The org's jobs, oldest first.
    fn import_jobs(&self, org: &str) -> Result<Vec<ImportJobRecord>, StoreError>;
    /// Forgets a job.
    fn remove_import_job(&self, org: &str, id: &str) -> Result<(), StoreError>;
}
