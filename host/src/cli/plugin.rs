//! `leadhost plugin`: the plug-in author's tools (`new`, `test`, `check`)
//! and managing an org's plug-in versions from the shell (`rollback`). This
//! file holds the command line and the dispatch; each command has a file
//! of its own (`scaffold.rs`, `plugin_test.rs`, `plugin_check.rs`,
//! `plugin_rollback.rs`) and what they share is in `plugin_common.rs`.

use std::path::PathBuf;

use super::plugin_common::{PluginCliError, parse_slot};
use super::plugin_rollback::{RollbackArgs, RolledBack, rollback};
use crate::runtime::Slot;

/// Arguments of `leadhost plugin`.
#[derive(Debug, clap::Args)]
pub struct PluginArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: PluginCommand,
}

/// The `plugin` commands.
#[derive(Debug, clap::Subcommand)]
pub enum PluginCommand {
    /// Makes a new plug-in folder (sources, build script, sample cases,
    /// README) that builds and passes its own cases out of the box.
    New(NewArgs),
    /// Runs a plug-in's sample cases and prints a pass/fail table.
    Test(super::plugin_test::PluginTestArgs),
    /// Says what a component is (world, WIT version, imports, size, compile
    /// and call time), or which slot an admin script (`.rhai`) fills, and
    /// why the host would refuse it, if it would.
    Check(super::plugin_check::PluginCheckArgs),
    /// Makes a recorded version of an org's slot active again: its name,
    /// component and config (through a running server, or the folder).
    Rollback(RollbackArgs),
}

/// Arguments of `leadhost plugin new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The language.
    #[arg(long, value_enum)]
    pub lang: super::scaffold::Lang,
    /// The slot: `lead-definition`, `nurture-track`, `routing-policy` or
    /// `duplicate-rule` (Rust with `--wit 0.2` only: the world is new in 0.2.0).
    #[arg(long, value_parser = parse_slot)]
    pub slot: Slot,
    /// The plug-in's name (lowercase letters, digits and `-`): the folder,
    /// crate and component are named after it.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Where to make the `NAME` folder.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// The WIT version to build against: `0.1` (`leadhost:plugin@0.1.0`),
    /// or `0.2` (0.2.0: the inputs carry the lead's campaign context, and
    /// the duplicate-rule world is new; Rust, Python and JavaScript).
    #[arg(long, value_enum, default_value = "0.1")]
    pub wit: super::scaffold::ScaffoldWit,
}

/// What a `plugin` command prints.
#[derive(Debug)]
pub enum PluginOutput {
    /// A report for people (`test`, `check`).
    Text(String),
    /// A result for scripts (`rollback`).
    RolledBack(RolledBack),
}

/// Runs a `plugin` command.
pub fn plugin(args: &PluginArgs) -> Result<PluginOutput, PluginCliError> {
    match &args.command {
        PluginCommand::New(args) => {
            let made = super::scaffold::scaffold_for(
                args.lang, args.slot, args.wit, &args.name, &args.dir,
            )?;
            Ok(PluginOutput::Text(format!(
                "made {} ({} files)\nnext:\n{}",
                made.folder.display(),
                made.files.len(),
                made.next_steps.trim_end()
            )))
        }
        PluginCommand::Test(args) => super::plugin_test::test(args).map(PluginOutput::Text),
        PluginCommand::Check(args) => super::plugin_check::check(args).map(PluginOutput::Text),
        PluginCommand::Rollback(args) => rollback(args).map(PluginOutput::RolledBack),
    }
}
