//! `leadhost nurture run --days N`: runs, in time order, every nurture step
//! that comes due in the next N days, as if that time had come. For demos
//! and dry runs on a copy of the data: the steps are real (touches go to
//! the outbox, the timeline records them at their due time), so do not run
//! it on data a live server sends from. Several runs on one PostgreSQL
//! store take each step once: a step commits only on the lead revision it
//! read, and the run that loses finds the step gone.

use std::path::PathBuf;
use std::sync::Arc;

use crate::clock::{Clock, ManualClock, SystemClock};
use crate::engine::EngineError;
use crate::setup::{Host, Options, SetupError};

/// Arguments of `leadhost nurture`.
#[derive(Debug, clap::Args)]
pub struct NurtureArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: NurtureCommand,
}

/// The `nurture` commands.
#[derive(Debug, clap::Subcommand)]
pub enum NurtureCommand {
    /// Runs the steps due in the next N days, in order, at their due times.
    Run(RunArgs),
}

/// Arguments of `leadhost nurture run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// How many days ahead to run.
    #[arg(long)]
    pub days: u32,
    /// The data folder.
    #[arg(
        long,
        value_name = "DIR",
        env = "LEADHOST_DATA_DIR",
        default_value = "leadhost-data"
    )]
    pub data_dir: PathBuf,
    /// The store, when not sled in the data folder.
    #[command(flatten)]
    pub store: super::StoreArg,
}

/// `nurture` failed.
#[derive(Debug, thiserror::Error)]
pub enum NurtureCliError {
    /// The data folder cannot be opened.
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// A step failed in the store.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// What a run did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NurtureRun {
    /// Steps taken.
    pub steps: usize,
    /// The time the run reached.
    pub until: crate::model::Time,
}

/// Runs a `nurture` command.
pub fn nurture(args: &NurtureArgs) -> Result<NurtureRun, NurtureCliError> {
    let NurtureCommand::Run(args) = &args.command;
    let clock = ManualClock::new(SystemClock.now());
    let until = SystemClock.now() + chrono::Duration::days(i64::from(args.days));
    let options = Options {
        database: args.store.url.clone(),
        ..Options::default()
    };
    let host = Host::open_with_clock(&args.data_dir, options, Arc::new(clock.clone()))?;
    let store = host.engine.store().clone();
    let mut steps = 0;
    while let Some(next) = store.due(until, 1).map_err(EngineError::from)?.pop() {
        if next.at > clock.now() {
            clock.set(next.at);
        }
        let ran = host.engine.run_due(500)?;
        if ran == 0 {
            // Due entries that no longer match their lead: nothing to run.
            break;
        }
        steps += ran;
    }
    Ok(NurtureRun { steps, until })
}
