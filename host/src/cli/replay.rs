//! `leadhost replay`: recorded decisions run again — each by the version
//! that made it, on the input it saw — and compared with what they said
//! then. One decision (`--lead ID --decision SEQ`), a lead's decisions
//! (`--lead ID`) or an org's (`--all`, with a progress bar on stderr).

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};

use super::offline::{self, OfflineError};
use crate::engine::normalize_email;
use crate::engine::plugins::{Audit, ReplayError};

/// Arguments of `leadhost replay`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["lead", "all"])))]
pub struct ReplayArgs {
    /// The org whose decisions to replay.
    #[arg(long)]
    pub org: String,
    /// One lead's decisions (by lead id or e-mail).
    #[arg(long, value_name = "ID")]
    pub lead: Option<String>,
    /// Only this decision of the lead (its `seq` in the timeline).
    #[arg(long, value_name = "SEQ", requires = "lead", conflicts_with = "all")]
    pub decision: Option<u64>,
    /// Every decision of the org.
    #[arg(long)]
    pub all: bool,
    /// Print one JSON object: `{"total", "identical", "differs", ...}`.
    #[arg(long)]
    pub json: bool,
    /// The server's settings file (what `leadhost serve --config` reads):
    /// a replay calls under the limits it sets (and `LEADHOST_LIMITS_*`).
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

/// `replay` failed, or found decisions that do not reproduce.
#[derive(Debug, thiserror::Error)]
pub enum ReplayCliError {
    /// The data folder or the settings could not be used.
    #[error(transparent)]
    Open(#[from] OfflineError),
    /// No such org, lead or decision, or the store failed.
    #[error(transparent)]
    Replay(#[from] ReplayError),
    /// Some decisions replayed otherwise than recorded, or could not be
    /// replayed (listed above).
    #[error(
        "of {total} decisions, {differ} did not reproduce and {skipped} could not be replayed (listed above)"
    )]
    Differs {
        /// How many replayed otherwise.
        differ: u64,
        /// How many could not be replayed.
        skipped: u64,
        /// Of how many.
        total: u64,
    },
}

impl ReplayCliError {
    /// 1 when decisions differ or cannot be replayed, or the store failed;
    /// 2 for bad input.
    pub fn exit_code(&self) -> u8 {
        match self {
            ReplayCliError::Differs { .. } | ReplayCliError::Replay(ReplayError::Store(_)) => 1,
            _ => 2,
        }
    }
}

/// Replays what `args` names; the audit, for the caller to print.
pub fn replay(args: &ReplayArgs) -> Result<Audit, ReplayCliError> {
    let host = offline::open(args.settings.as_deref(), &args.data_dir)?;
    let loader = &host.plugins;
    // A lead named by e-mail, as `show` takes it.
    let lead = args.lead.as_ref().map(|lead| {
        normalize_email(lead)
            .ok()
            .and_then(|email| host.engine.store().lead_by_email(&args.org, &email).ok()?)
            .unwrap_or_else(|| lead.clone())
    });
    let audit = match (&lead, args.decision) {
        (Some(lead), Some(seq)) => loader.replay_one(&args.org, lead, seq)?,
        (Some(lead), None) => loader.replay_lead(&args.org, lead)?,
        (None, _) => {
            let bar = ProgressBar::new(0).with_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} leads {elapsed}")
                    .expect("a valid template"),
            );
            let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
            let progress = |done: usize, leads: usize| {
                bar.set_length(leads as u64);
                bar.set_position(done as u64);
            };
            let audit = loader.replay_all(&args.org, workers, &progress);
            bar.finish_and_clear();
            audit?
        }
    };
    Ok(audit)
}

/// The audit as people read it: one line per decision that did not
/// reproduce or could not be replayed, then the count.
pub fn report(audit: &Audit) -> String {
    let mut lines = Vec::new();
    for replayed in &audit.differs {
        let fields: Vec<String> = replayed
            .differences
            .iter()
            .map(|each| format!("{}: {} → {}", each.field, each.recorded, each.replayed))
            .collect();
        lines.push(format!(
            "differs   {} #{} {} {}@{}: {}",
            replayed.lead,
            replayed.seq,
            replayed.slot,
            replayed.plugin,
            &replayed.plugin_hash[..12.min(replayed.plugin_hash.len())],
            fields.join("; ")
        ));
    }
    for skipped in &audit.not_replayable {
        lines.push(format!(
            "skipped   {} #{}: {}",
            skipped.lead, skipped.seq, skipped.reason
        ));
    }
    lines.push(format!(
        "{} of {} decisions reproduced identically{}",
        audit.identical,
        audit.total,
        match audit.not_replayable_count {
            0 => String::new(),
            n => format!("; {n} could not be replayed"),
        }
    ));
    lines.join("\n")
}

/// What the exit code says: `Differs` when a decision did not reproduce or
/// could not be replayed (the audit could not vouch for it).
pub fn outcome(audit: &Audit) -> Result<(), ReplayCliError> {
    let skipped = audit.not_replayable_count;
    let differ = audit.total - audit.identical - skipped;
    match differ + skipped {
        0 => Ok(()),
        _ => Err(ReplayCliError::Differs {
            differ,
            skipped,
            total: audit.total,
        }),
    }
}
