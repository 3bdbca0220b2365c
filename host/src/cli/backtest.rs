//! `leadhost backtest`: a candidate lead definition (a component or an
//! admin script) run on an org's recorded qualification inputs, beside the
//! live verdicts and sales' won/lost outcomes; `--sweep` tries one config
//! key over a range of values.

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};

use super::offline::{self, OfflineError};
use super::plugin_common::parse_slot;
use crate::engine::plugins::{
    BacktestError, BacktestReport, BacktestSpec, CHANGES_LISTED, Sweep, render_value,
};
use crate::model::{Slot, Time};

/// Arguments of `leadhost backtest`.
#[derive(Debug, clap::Args)]
pub struct BacktestArgs {
    /// The org whose recorded inputs to run on.
    #[arg(long)]
    pub org: String,
    /// The slot (lead-definition).
    #[arg(long, value_parser = parse_slot, default_value = "lead-definition")]
    pub slot: Slot,
    /// The candidate: a component (`.wasm`) or an admin script (`.rhai`).
    #[arg(long, value_name = "FILE")]
    pub candidate: PathBuf,
    /// A config value for the candidate over the recorded config (`true`,
    /// `false` and numbers are typed); repeatable.
    #[arg(long = "config", value_name = "KEY=VALUE")]
    pub config: Vec<String>,
    /// Only qualifications made on or after this day (`2026-09-01`) or time.
    #[arg(long, value_name = "DATE", value_parser = parse_time)]
    pub from: Option<Time>,
    /// Only qualifications made before this day or time.
    #[arg(long, value_name = "DATE", value_parser = parse_time)]
    pub to: Option<Time>,
    /// Runs once per value of one config key: `KEY=FROM..TO:STEP`
    /// (e.g. `sales-ready-score=50..90:5`), and prints a table.
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
pub fn backtest(args: &BacktestArgs) -> Result<BacktestReport, BacktestCliError> {
    if args.slot != Slot::LeadDefinition {
        return Err(BacktestCliError::Usage(format!(
            "backtests of {} are not supported yet: only lead-definition",
            args.slot
        )));
    }
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
    let report = host.plugins.backtest(&args.org, &spec, &progress);
    bar.finish_and_clear();
    Ok(report?)
}

/// Changed leads the text report shows (`--json` has up to [`CHANGES_LISTED`]).
const CHANGES_SHOWN: usize = 20;

/// A stage as the API spells it (`sales-ready`).
fn word(stage: crate::model::Stage) -> String {
    serde_json::to_value(stage)
        .ok()
        .and_then(|value| value.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |value| format!("{:.1}%", value * 100.0))
}

/// What the exit code says: the candidate failing on every lead is a
/// failed backtest, whatever else it reports.
pub fn outcome(report: &BacktestReport) -> Result<(), BacktestCliError> {
    let summary = &report.summary;
    match summary.total > 0 && summary.failed == summary.total {
        true => Err(BacktestCliError::AllFailed(summary.total)),
        false => Ok(()),
    }
}

/// The report as people read it: the matrix, quality side by side, weekly
/// volume, the first changed leads, and the sweep's table.
pub fn report(report: &BacktestReport) -> String {
    let summary = &report.summary;
    let mut out = vec![format!(
        "{} leads ({} recorded inputs) of org {}: the candidate changes {} verdicts and failed on {}{}",
        summary.total,
        report.inputs,
        report.org,
        summary.changed,
        summary.failed,
        match report.inputs_not_kept {
            0 => String::new(),
            n => format!("; {n} qualifications had no input kept"),
        }
    )];
    out.push(String::new());
    out.push(format!(
        "{:<14} {:>12} {:>12} {:>12}",
        "live \\ cand.", "sales-ready", "nurture", "discard"
    ));
    for row in summary.matrix.cells().chunks(3) {
        out.push(format!(
            "{:<14} {:>12} {:>12} {:>12}",
            word(row[0].live),
            row[0].count,
            row[1].count,
            row[2].count
        ));
    }
    out.push(String::new());
    out.push(format!("{:<24} {:>10} {:>10}", "", "live", "candidate"));
    let (live, candidate) = (&summary.live, &summary.candidate);
    let lines: [(&str, String, String); 6] = [
        (
            "precision (won/ready)",
            percent(live.precision),
            percent(candidate.precision),
        ),
        (
            "recall (ready/won)",
            percent(live.recall),
            percent(candidate.recall),
        ),
        (
            "sales-ready with outcome",
            live.sales_ready_with_outcome.to_string(),
            candidate.sales_ready_with_outcome.to_string(),
        ),
        (
            "discarded but won",
            live.discarded_but_won.to_string(),
            candidate.discarded_but_won.to_string(),
        ),
        (
            "sales-ready but lost",
            live.sales_ready_but_lost.to_string(),
            candidate.sales_ready_but_lost.to_string(),
        ),
        (
            "failed (not sales-ready)",
            live.failed_with_outcome.to_string(),
            candidate.failed_with_outcome.to_string(),
        ),
    ];
    for (label, live, candidate) in lines {
        out.push(format!("{label:<24} {live:>10} {candidate:>10}"));
    }
    if !summary.weekly.is_empty() {
        out.push(String::new());
        out.push(format!(
            "{:<12} {:>10} {:>10}",
            "week of", "live", "candidate"
        ));
        for week in &summary.weekly {
            out.push(format!(
                "{:<12} {:>10} {:>10}",
                week.week.to_string(),
                week.live,
                week.candidate
            ));
        }
    }
    for (lead, error) in &summary.first_errors {
        out.push(format!("failed    {lead}: {error}"));
    }
    let unlisted = summary
        .failed
        .saturating_sub(summary.first_errors.len() as u64);
    if unlisted > 0 {
        out.push(format!(
            "          ... and {unlisted} more failed (the first {} are listed)",
            summary.first_errors.len()
        ));
    }
    for change in report.changes.iter().take(CHANGES_SHOWN) {
        out.push(format!(
            "changed   {}: {} → {}\n          live:      {}\n          candidate: {}",
            change.lead,
            word(change.live),
            word(change.candidate),
            change.live_reasons.first().map_or("", String::as_str),
            change.candidate_reasons.first().map_or("", String::as_str)
        ));
    }
    let unlisted = summary.changed.saturating_sub(CHANGES_SHOWN as u64);
    if unlisted > 0 {
        out.push(format!(
            "          ... and {unlisted} more changed (`--json` lists the first {CHANGES_LISTED} by lead id)"
        ));
    }
    if let Some(points) = &report.sweep {
        out.push(String::new());
        out.push(
            "sweep (each value laid over --config; the figures above are for --config alone):"
                .into(),
        );
        out.push(format!(
            "{:>10} {:>12} {:>10} {:>10} {:>8}",
            "value", "sales-ready", "precision", "recall", "changed"
        ));
        for point in points {
            out.push(format!(
                "{:>10} {:>12} {:>10} {:>10} {:>8}",
                render_value(point.value),
                point.sales_ready,
                percent(point.precision),
                percent(point.recall),
                point.changed
            ));
        }
    }
    for warning in &report.warnings {
        out.push(format!("warning: {warning}"));
    }
    out.join("\n")
}
