//! `leadhost backtest`: a candidate lead definition or routing policy (a
//! component or an admin script) run on an org's recorded inputs of its
//! slot. A lead definition is compared with the live verdicts and sales'
//! won/lost outcomes, and `--sweep` tries one config key over a range of
//! values; a routing policy with where live sent each lead.

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};

mod definition;
mod routing;

use super::offline::{self, OfflineError};
use super::plugin_common::parse_slot;
use crate::engine::plugins::{BacktestError, BacktestResult, BacktestSpec, Sweep};
use crate::model::{Slot, Time};

/// Arguments of `leadhost backtest`.
#[derive(Debug, clap::Args)]
pub struct BacktestArgs {
    /// The org whose recorded inputs to run on.
    #[arg(long)]
    pub org: String,
    /// The slot: lead-definition or routing-policy.
    #[arg(long, value_parser = parse_slot, default_value = "lead-definition")]
    pub slot: Slot,
    /// The candidate: a component (`.wasm`) or an admin script (`.rhai`).
    #[arg(long, value_name = "FILE")]
    pub candidate: PathBuf,
    /// A config value for the candidate over the recorded config (`true`,
    /// `false` and numbers are typed); repeatable.
    #[arg(long = "config", value_name = "KEY=VALUE")]
    pub config: Vec<String>,
    /// Only calls (qualifications, routings) made on or after this day
    /// (`2026-09-01`) or time.
    #[arg(long, value_name = "DATE", value_parser = parse_time)]
    pub from: Option<Time>,
    /// Only calls made before this day or time.
    #[arg(long, value_name = "DATE", value_parser = parse_time)]
    pub to: Option<Time>,
    /// Runs once per value of one config key: `KEY=FROM..TO:STEP`
    /// (e.g. `sales-ready-score=50..90:5`), and prints a table (lead
    /// definitions only).
    #[arg(long, value_name = "KEY=FROM..TO:STEP")]
    pub sweep: Option<Sweep>,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The server's settings file (what `leadhost serve --config` reads):
    /// the candidate runs under the limits it sets (and `LEADHOST_LIMITS_*`).
    #[arg(long, value_name = "FILE")]
    pub settings: Option<PathBuf>,
    /// The data folder.
    #[arg(
        long,
        value_name = "DIR",
        env = "LEADHOST_DATA_DIR",
        default_value = "leadhost-data"
    )]
    pub data_dir: PathBuf,
}

/// A day (midnight UTC) or an RFC 3339 time.
fn parse_time(text: &str) -> Result<Time, String> {
    if let Ok(day) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    text.parse::<Time>()
        .map_err(|_| format!("`{text}` is neither a day (2026-09-01) nor an RFC 3339 time"))
}

/// `backtest` failed.
#[derive(Debug, thiserror::Error)]
pub enum BacktestCliError {
    /// The data folder or the settings could not be used.
    #[error(transparent)]
    Open(#[from] OfflineError),
    /// The candidate failed on every lead (its first errors are listed).
    #[error("the candidate failed on all {0} leads (its first errors are listed above)")]
    AllFailed(u64),
    /// The candidate file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A `--config` argument is not `KEY=VALUE`, or the window is empty.
    #[error("{0}")]
    Usage(String),
    /// The org is unknown, the candidate refused, or the store failed.
    #[error(transparent)]
    Backtest(#[from] BacktestError),
}

impl BacktestCliError {
    /// 1 when the store failed or the candidate failed on every lead, 2
    /// for bad input (a refused candidate too).
    pub fn exit_code(&self) -> u8 {
        match self {
            BacktestCliError::Backtest(BacktestError::Store(_))
            | BacktestCliError::AllFailed(_) => 1,
            _ => 2,
        }
    }
}

/// Runs the backtest `args` describe, with a progress bar on stderr.
pub fn backtest(args: &BacktestArgs) -> Result<BacktestResult, BacktestCliError> {
    if let (Some(from), Some(to)) = (args.from, args.to)
        && to <= from
    {
        return Err(BacktestCliError::Usage(format!(
            "--to {to} is not after --from {from}: the window is empty"
        )));
    }
    let config = super::eval::parse_overrides(&args.config)
        .map_err(|error| BacktestCliError::Usage(error.to_string()))?;
    let bytes = std::fs::read(&args.candidate).map_err(|source| BacktestCliError::Read {
        path: args.candidate.clone(),
        source,
    })?;
    let name = args
        .candidate
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match name.strip_suffix(".wasm") {
        Some(stem) => stem.to_string(),
        None => name,
    };
    let host = offline::open(args.settings.as_deref(), &args.data_dir)?;
    let spec = BacktestSpec {
        slot: args.slot,
        name,
        bytes,
        config,
        from: args.from,
        to: args.to,
        sweep: args.sweep.clone(),
        workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
        stop: None,
        deadline: None,
    };
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} leads {elapsed}")
            .expect("a valid template"),
    );
    let progress = |done: usize, leads: usize| {
        bar.set_length(leads as u64);
        bar.set_position(done as u64);
    };
    let report = host.plugins.run_backtest(&args.org, &spec, &progress);
    bar.finish_and_clear();
    report.map_err(|error| match error {
        BacktestError::Unsupported { field, problem } => {
            BacktestCliError::Usage(format!("--{field}: {problem}"))
        }
        error => error.into(),
    })
}

/// Changed leads (or routing calls) a text report shows (`--json` has up
/// to [`crate::engine::plugins::CHANGES_LISTED`]).
const CHANGES_SHOWN: usize = 20;

/// The first failures, `[lead, error]`, and how many more of `failed`
/// there were, as report lines.
fn failures(out: &mut Vec<String>, first_errors: &[(String, String)], failed: u64) {
    for (lead, error) in first_errors {
        out.push(format!("failed    {lead}: {error}"));
    }
    let unlisted = failed.saturating_sub(first_errors.len() as u64);
    if unlisted > 0 {
        out.push(format!(
            "          ... and {unlisted} more failed (the first {} are listed)",
            first_errors.len()
        ));
    }
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |value| format!("{:.1}%", value * 100.0))
}

/// What the exit code says: the candidate failing on every row is a
/// failed backtest, whatever else it reports.
pub fn outcome(result: &BacktestResult) -> Result<(), BacktestCliError> {
    match result.failures() {
        (total, failed, _) if total > 0 && failed == total => {
            Err(BacktestCliError::AllFailed(total))
        }
        _ => Ok(()),
    }
}

/// The report as people read it, for its slot.
pub fn report(result: &BacktestResult) -> String {
    match result {
        BacktestResult::LeadDefinition(report) => definition::report(report),
        BacktestResult::RoutingPolicy(report) => routing::report(report),
    }
}
