//! `leadhost import`: a CSV file of leads into an org as an import job —
//! the same job the API runs for a large file — in batches, with a progress
//! bar that reads the job's own counts; skipped columns are listed once,
//! rejected rows by line.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

use super::ImportArgs;
use crate::import::{self, ColumnWarning, Decimal, ImportError, ImportSettings};
use crate::jobs::ImportJob;
use crate::setup::{Host, Options, SetupError};
use crate::store::{ImportJobRecord, JobState};

/// `import` failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ImportCliError {
    /// The file cannot be read.
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    /// The header row cannot be mapped.
    #[error(transparent)]
    Mapping(#[from] ImportError),
    /// The data folder cannot be opened.
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// The job stopped early (the store failed); the rows counted as done
    /// are stored.
    #[error("import job {job} {state} after {done} of {rows} rows: {why}")]
    Stopped {
        /// The job's id.
        job: String,
        /// How it ended.
        state: &'static str,
        /// Rows stored or refused before it stopped.
        done: usize,
        /// Rows in the file.
        rows: usize,
        /// Why.
        why: String,
    },
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// The import job's id, as `GET /v1/orgs/{org}/imports/{job}` shows it.
    pub job: String,
    /// Columns skipped (each said once, before the rows).
    pub warnings: Vec<ColumnWarning>,
    /// New leads.
    pub created: usize,
    /// Rows merged into existing leads, each bringing something new.
    pub merged: usize,
    /// Rows the existing lead had received before: nothing changed.
    pub unchanged: usize,
    /// Rows refused.
    pub rejected: usize,
}

fn read(path: &Path) -> Result<BufReader<File>, ImportCliError> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|error| ImportCliError::Read(path.display().to_string(), error))
}

/// Imports the file as an import job, committing every `--batch` rows with
/// one flush. The file is read three times: to count its rows (the job's
/// total and the bar's length), to settle the order of its dates, and to
/// store them.
pub fn import(args: &ImportArgs) -> Result<ImportSummary, ImportCliError> {
    let path = args.file.display().to_string();
    let settings = ImportSettings {
        map: args.map.clone(),
        decimal: if args.decimal_comma {
            Decimal::Comma
        } else {
            args.decimal
        },
        dates: args.dates,
    };
    let (mut counting, _) = import::open(read(&args.file)?, None::<BufReader<File>>, &settings)?;
    let total = counting.byte_records().count();
    let (mut reader, mapping) =
        import::open(read(&args.file)?, Some(read(&args.file)?), &settings)?;
    let warnings = mapping.warnings().to_vec();
    let progress = ProgressBar::new(total as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows {msg}").expect("a valid template"),
    );
    for warning in &warnings {
        progress.suspend(|| eprintln!("{path}: column `{}`: {}", warning.column, warning.problem));
    }
    let options = Options {
        database: args.store.url.clone(),
        ..Options::default()
    };
    let host = Host::open(&args.data_dir, options)?;
    host.ensure_org(&args.org)?;
    let job = ImportJob::new(&args.org, total, "import", &warnings, host.engine.now());
    let mut row = csv::StringRecord::new();
    let rows = std::iter::from_fn(|| import::next_row(&mut reader, &mapping, &mut row));
    let end = job.run(&host.engine, rows, args.batch, |record, refused| {
        for rejected in refused {
            for error in &rejected.errors {
                progress.suspend(|| {
                    eprintln!(
                        "{path}:{}: {}: {}",
                        rejected.line, error.field, error.problem
                    )
                });
            }
        }
        show(&progress, record);
    });
    progress.finish_and_clear();
    match end.state {
        JobState::Done => Ok(ImportSummary {
            job: end.id,
            warnings,
            created: end.created,
            merged: end.merged,
            unchanged: end.unchanged,
            rejected: end.rejected,
        }),
        state => Err(ImportCliError::Stopped {
            job: end.id,
            state: state.name(),
            done: end.done,
            rows: end.rows,
            why: end
                .error
                .unwrap_or_else(|| "the rows counted as done are stored".into()),
        }),
    }
}

/// The bar as the job stands: rows done of all, and its counts.
fn show(progress: &ProgressBar, record: &ImportJobRecord) {
    progress.set_length(record.rows.max(record.done) as u64);
    progress.set_position(record.done as u64);
    progress.set_message(format!(
        "{} new, {} merged, {} unchanged, {} rejected",
        record.created, record.merged, record.unchanged, record.rejected
    ));
}
