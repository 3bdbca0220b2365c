//! `leadhost plugin`: the plug-in author's tools (`test`, `check`, `new`)
//! and managing an org's plug-in versions from the shell (`rollback`).
//!
//! `rollback` is the API's rollback (`plugins::PluginLoader::rollback`):
//! run here when the store is free, or, while a server holds it, asked of
//! that server through a request file in the org's folder, which its
//! watcher answers. Either way the version is active on return.

use std::path::PathBuf;

use crate::plugins::{InstallError, OrgFolders, RollbackAnswer, is_script, request_rollback};
use crate::runtime::{Runtime, RuntimeConfig, Slot};
use crate::setup::{Host, Options, SetupError};
use crate::store::StoreError;

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

/// How long `plugin rollback` waits for a running server to answer.
const SERVER_ANSWER_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Rolls back with the one rollback the API uses too: here when the store
/// is free, else by a request that the running server's watcher answers.
fn rollback(args: &RollbackArgs) -> Result<RolledBack, PluginCliError> {
    let refused = |error: InstallError| match error {
        InstallError::UnknownVersion { .. } | InstallError::AmbiguousVersion { .. } => {
            PluginCliError::Version(format!(
                "{error} (see GET /v1/orgs/{}/plugins/{}/versions)",
                args.org, args.slot
            ))
        }
        other => PluginCliError::Refused(other.to_string()),
    };
    let (version, note) = match Host::open(&args.data_dir, Options::default()) {
        Ok(host) => {
            host.engine
                .known_org(&args.org)
                .map_err(|error| PluginCliError::Folder(error.to_string()))?;
            let version = host
                .plugins
                .rollback(&args.org, args.slot, &args.to)
                .map_err(refused)?;
            (version, None)
        }
        Err(SetupError::Store {
            source: StoreError::InUse { .. },
            ..
        }) => {
            let folders = OrgFolders::new(&args.data_dir);
            let answer =
                request_rollback(&folders, &args.org, args.slot, &args.to, SERVER_ANSWER_WAIT)
                    .map_err(|error| PluginCliError::Folder(error.to_string()))?;
            match answer {
                RollbackAnswer::Done(version) => (
                    version,
                    Some("a running server holds the store; it rolled back".to_string()),
                ),
                RollbackAnswer::Refused(reason) => {
                    return Err(PluginCliError::Version(reason));
                }
            }
        }
        Err(error) => return Err(PluginCliError::Folder(error.to_string())),
    };
    let file =
        OrgFolders::new(&args.data_dir)
            .org_dir(&args.org)
            .join(if is_script(&version.name) {
                version.name.clone()
            } else {
                format!("{}.wasm", version.name)
            });
    Ok(RolledBack {
        hash: version.hash.to_string(),
        file,
        activated: true,
        note,
    })
}
