//! `leadhost import`: a CSV file of leads into an org, in batches, with a
//! progress bar; skipped columns are listed once, rejected rows by line.

use std::fs::File;
use std::io::BufReader;

use indicatif::{ProgressBar, ProgressStyle};

use super::ImportArgs;
use crate::engine::EngineError;
use crate::import::{self, ColumnWarning, Decimal, ImportError, ImportSettings};
use crate::setup::{Host, Options, SetupError};

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
    /// The store failed; the batches before were committed.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
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

/// Imports the file, committing every `--batch` rows with one flush.
pub fn import(args: &ImportArgs) -> Result<ImportSummary, ImportCliError> {
    let path = args.file.display().to_string();
    let file = File::open(&args.file).map_err(|error| ImportCliError::Read(path.clone(), error))?;
    let size = file.metadata().map(|meta| meta.len()).unwrap_or(0);
    let progress = ProgressBar::new(size).with_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg}")
            .expect("a valid template"),
    );
    let settings = ImportSettings {
        map: args.map.clone(),
        decimal: if args.decimal_comma {
            Decimal::Comma
        } else {
            args.decimal
        },
        dates: args.dates,
    };
    // A second pass over the file settles the order of its dates.
    let rescan =
        File::open(&args.file).map_err(|error| ImportCliError::Read(path.clone(), error))?;
    let (mut reader, mapping) = import::open(
        progress.wrap_read(BufReader::new(file)),
        Some(BufReader::new(rescan)),
        &settings,
    )?;
    let mut summary = ImportSummary {
        warnings: mapping.warnings().to_vec(),
        ..ImportSummary::default()
    };
    for warning in &summary.warnings {
        progress.suspend(|| eprintln!("{path}: column `{}`: {}", warning.column, warning.problem));
    }
    let host = Host::open(&args.data_dir, Options::default())?;
    host.ensure_org(&args.org)?;
    let mut row = csv::StringRecord::new();
    loop {
        let rows: Vec<_> = std::iter::from_fn(|| import::next_row(&mut reader, &mapping, &mut row))
            .take(args.batch.max(1))
            .collect();
        if rows.is_empty() {
            break;
        }
        let (lines, submissions): (Vec<usize>, Vec<_>) = rows.into_iter().unzip();
        let results = host.engine.ingest_batch(&args.org, submissions, "import")?;
        for (line, result) in lines.into_iter().zip(results) {
            match result {
                Ok(ingested) if ingested.created => summary.created += 1,
                Ok(ingested) if ingested.unchanged => summary.unchanged += 1,
                Ok(_) => summary.merged += 1,
                Err(error) => {
                    summary.rejected += 1;
                    let fields = error.into_field_errors("(row)");
                    for field in fields {
                        progress.suspend(|| eprintln!("{path}:{line}: {field}"));
                    }
                }
            }
        }
        progress.set_message(format!(
            "{} new, {} merged, {} unchanged, {} rejected",
            summary.created, summary.merged, summary.unchanged, summary.rejected
        ));
    }
    progress.finish_and_clear();
    Ok(summary)
}
