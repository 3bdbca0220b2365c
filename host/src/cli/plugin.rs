//! `leadhost plugin`: the plug-in author's tools (`test`, `check`, `new`)
//! and managing an org's plug-in versions from the shell (`rollback`).
//!
//! `rollback` takes the same path as a file drop: it writes the kept copy
//! of an earlier version into the org's folder, where a running server's
//! watcher checks and activates it. With no server running it reloads the
//! org itself, so the change and its history entry are there on return.

use std::path::PathBuf;

use crate::plugins::{OrgFile, OrgFolders, write_atomically};
use crate::runtime::{ContentHash, Runtime, RuntimeConfig, Slot};
use crate::setup::{Host, Options};
use crate::store::Activation;

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
    /// and call time) and why the host would refuse it, if it would.
    Check(super::plugin_check::PluginCheckArgs),
    /// Makes an earlier version of an org's slot active again.
    Rollback(RollbackArgs),
}

/// Arguments of `leadhost plugin new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The language.
    #[arg(long, value_enum)]
    pub lang: super::scaffold::Lang,
    /// The slot: `lead-definition`, `nurture-track` or `routing-policy`.
    #[arg(long, value_parser = parse_slot)]
    pub slot: Slot,
    /// The plug-in's name (lowercase letters, digits and `-`): the folder,
    /// crate and component are named after it.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Where to make the `NAME` folder.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

/// Arguments of `leadhost plugin rollback`.
#[derive(Debug, clap::Args)]
pub struct RollbackArgs {
    /// The org.
    #[arg(long)]
    pub org: String,
    /// The slot: `lead-definition`, `nurture-track` or `routing-policy`.
    #[arg(long, value_parser = parse_slot)]
    pub slot: Slot,
    /// The version's sha256, or enough of its start to name one version.
    #[arg(long, value_name = "HASH")]
    pub to: String,
    /// The data folder.
    #[arg(
        long,
        value_name = "DIR",
        env = "LEADHOST_DATA_DIR",
        default_value = "leadhost-data"
    )]
    pub data_dir: PathBuf,
}

/// Parses a slot by its world name.
pub(super) fn parse_slot(text: &str) -> Result<Slot, String> {
    Slot::ALL
        .into_iter()
        .find(|slot| slot.world() == text)
        .ok_or_else(|| "expected lead-definition, nurture-track or routing-policy".into())
}

/// `plugin` failed.
#[derive(Debug, thiserror::Error)]
pub enum PluginCliError {
    /// The plug-in file cannot be read.
    #[error("{0}")]
    Read(String),
    /// A `--config` argument is not `KEY=VALUE`.
    #[error("{0}")]
    Config(String),
    /// The cases file is missing or unusable.
    #[error("{0}")]
    Cases(String),
    /// Some sample cases failed; the table says which and how.
    #[error("{failed} sample case(s) failed")]
    CasesFailed {
        /// The pass/fail table.
        report: String,
        /// How many failed.
        failed: usize,
    },
    /// `check`: the host would refuse the component; the report says why.
    #[error("the host would refuse it")]
    CheckRefused(String),
    /// `new` could not make the folder.
    #[error(transparent)]
    Scaffold(#[from] super::scaffold::ScaffoldError),
    /// No kept version matches, or more than one does.
    #[error("{0}")]
    Version(String),
    /// The org's folder or `org.toml` is unusable.
    #[error("{0}")]
    Folder(String),
    /// The version does not load for the slot (any more).
    #[error("{0}")]
    Refused(String),
}

/// What a rollback did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RolledBack {
    /// The version now in the org's folder.
    pub hash: String,
    /// The file it was written to.
    pub file: PathBuf,
    /// `true` when this command activated it (no server running);
    /// `false` when a running server's watcher will.
    pub activated: bool,
    /// Why this command could not activate it itself, when it could not.
    pub note: Option<String>,
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
            let made = super::scaffold::scaffold(args.lang, args.slot, &args.name, &args.dir)?;
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

/// Loads a plug-in file for `test`: a component, or an admin script run
/// by the first-party script component of its slot.
pub(super) fn load_plugin_file(
    file: &std::path::Path,
    slot: Option<Slot>,
    cache_dir: Option<PathBuf>,
    config: &crate::model::Config,
) -> Result<crate::runtime::Plugin, PluginCliError> {
    let runtime = Runtime::new(RuntimeConfig {
        cache_dir,
        ..RuntimeConfig::default()
    })
    .map_err(|error| PluginCliError::Refused(error.to_string()))?;
    crate::plugins::load_plugin_file(&runtime, file, slot, config).map_err(|error| match error {
        crate::runtime::LoadFileError::Read { .. } => PluginCliError::Read(error.to_string()),
        other => PluginCliError::Refused(other.to_string()),
    })
}

/// Parses `--config KEY=VALUE` arguments as `eval` does.
pub(super) fn parse_config(arguments: &[String]) -> Result<crate::model::Config, PluginCliError> {
    super::eval::parse_overrides(arguments)
        .map_err(|error| PluginCliError::Config(error.to_string()))
}

fn rollback(args: &RollbackArgs) -> Result<RolledBack, PluginCliError> {
    let folders = OrgFolders::new(&args.data_dir);
    let hash: ContentHash = match folders.find_kept(&args.to).as_slice() {
        [one] => *one,
        [] => {
            return Err(PluginCliError::Version(format!(
                "no kept version has a hash starting with `{}` (see GET /v1/orgs/{}/plugins/{}/versions)",
                args.to, args.org, args.slot
            )));
        }
        many => {
            return Err(PluginCliError::Version(format!(
                "`{}` matches {} versions: give more of the hash",
                args.to,
                many.len()
            )));
        }
    };
    let bytes = std::fs::read(folders.kept_path(&hash))
        .map_err(|error| PluginCliError::Version(error.to_string()))?;
    let dir = folders.org_dir(&args.org);
    let file = OrgFile::read(&dir).map_err(|error| PluginCliError::Folder(error.to_string()))?;
    let entry = file.plugins.get(args.slot).ok_or_else(|| {
        PluginCliError::Folder(format!(
            "{}/org.toml names no component for {}",
            dir.display(),
            args.slot
        ))
    })?;
    // The version goes into the file the slot names, so it must be of the
    // same kind: a component for a `.wasm`, a script for a `.rhai`.
    let is_component = bytes.starts_with(b"\0asm");
    if is_component == crate::plugins::is_script(&entry.component) {
        let kind = if is_component {
            "a component"
        } else {
            "an admin script"
        };
        return Err(PluginCliError::Refused(format!(
            "version {hash} is {kind} and org.toml names {} for {}: point org.toml at a file of that kind, or roll back through the API",
            entry.component, args.slot
        )));
    }
    let runtime = Runtime::new(RuntimeConfig {
        cache_dir: Some(args.data_dir.join("cache")),
        ..RuntimeConfig::default()
    })
    .map_err(|error| PluginCliError::Refused(error.to_string()))?;
    crate::plugins::load_plugin(
        &runtime,
        &entry.component,
        &bytes,
        Some(args.slot),
        &entry.config,
    )
    .map_err(|error| PluginCliError::Refused(error.to_string()))?;
    let path = dir.join(&entry.component);
    write_atomically(&path, &bytes).map_err(|error| PluginCliError::Folder(error.to_string()))?;
    // With no server holding the store, apply it here; otherwise the
    // server's watcher has already seen the file.
    let (activated, note) = match Host::open(&args.data_dir, Options::default()) {
        Ok(host) => match host.plugins.reload(&args.org, Activation::Rollback) {
            Ok(_) => {
                let active = host.engine.plugins().active(&args.org, args.slot);
                let serving = active.is_some_and(|active| active.plugin.id().hash == hash);
                (serving, None)
            }
            Err(error) => (false, Some(error.to_string())),
        },
        Err(error) => (
            false,
            Some(format!(
                "the store is in use ({error}); a running server's watcher activates the file"
            )),
        ),
    };
    Ok(RolledBack {
        hash: hash.to_string(),
        file: path,
        activated,
        note,
    })
}
