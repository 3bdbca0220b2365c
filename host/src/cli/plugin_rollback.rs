//! `leadhost plugin rollback`: the API's rollback
//! (`plugins::PluginLoader::rollback`), run here when the store is free, or,
//! while a server holds it, asked of that server through a request file in
//! the org's folder, which its watcher answers. Either way the version is
//! active on return. With `--store` (a database servers share) it rolls
//! back in the database itself; each server takes the version up within a
//! second (see `plugins::SharedVersions`).

use std::path::PathBuf;

use super::plugin_common::{PluginCliError, parse_slot};
use crate::plugins::{InstallError, OrgFolders, RollbackAnswer, is_script, request_rollback};
use crate::runtime::Slot;
use crate::setup::{Host, Options, SetupError};
use crate::store::StoreError;

/// Arguments of `leadhost plugin rollback`.
#[derive(Debug, clap::Args)]
pub struct RollbackArgs {
    /// The org.
    #[arg(long)]
    pub org: String,
    /// The slot: `lead-definition`, `nurture-track`, `routing-policy` or
    /// `duplicate-rule`.
    #[arg(long, value_parser = parse_slot)]
    pub slot: Slot,
    /// The version: its sha256, or enough of its start to name one; add
    /// `:CONFIG` (a start of its `config_digest`) to pick one of the
    /// configs it served with, else its latest.
    #[arg(long, value_name = "HASH[:CONFIG]")]
    pub to: String,
    /// The data folder.
    #[arg(
        long,
        value_name = "DIR",
        env = "LEADHOST_DATA_DIR",
        default_value = "leadhost-data"
    )]
    pub data_dir: PathBuf,
    /// The store: a PostgreSQL database that servers share, rolled back
    /// through directly (each server takes the version up within a
    /// second); sled in the data folder when not given.
    #[command(flatten)]
    pub store: super::StoreArg,
}

/// What a rollback did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RolledBack {
    /// The plug-in's name, as its version recorded it.
    pub name: String,
    /// The version now in the org's folder.
    pub hash: String,
    /// The digest of the recorded config it serves with again.
    pub config_digest: String,
    /// The file it was written to.
    pub file: PathBuf,
    /// Always `true` once the command succeeds: the version serves (it
    /// activated it itself, or the running server did and answered); an
    /// error is returned otherwise. Kept for scripts that read it.
    pub activated: bool,
    /// When the running server did the rollback: says so.
    pub note: Option<String>,
}

/// How long `plugin rollback` waits for a running server to answer.
const SERVER_ANSWER_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Rolls back with the one rollback the API uses too: here when the store
/// is free, else by a request that the running server's watcher answers.
pub(super) fn rollback(args: &RollbackArgs) -> Result<RolledBack, PluginCliError> {
    let refused = |error: InstallError| match error {
        InstallError::UnknownVersion { .. }
        | InstallError::AmbiguousVersion { .. }
        | InstallError::BadVersion(_) => PluginCliError::Version(format!(
            "{error} (see GET /v1/orgs/{}/plugins/{}/versions)",
            args.org, args.slot
        )),
        other => PluginCliError::Refused(other.to_string()),
    };
    // Neither a mistyped data folder is created, nor a request left for an
    // org that has no folder. On a shared database the org's folder here
    // is made from the database when missing.
    let folders = OrgFolders::new(&args.data_dir);
    if args.store.url.is_none()
        && !folders
            .org_dir(&args.org)
            .join(crate::plugins::ORG_FILE)
            .is_file()
    {
        return Err(PluginCliError::Folder(format!(
            "org {} does not exist in the data folder {}",
            args.org,
            args.data_dir.display()
        )));
    }
    let options = Options {
        database: args.store.url.clone(),
        ..Options::default()
    };
    let (version, note) = match Host::open(&args.data_dir, options) {
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
            let answer =
                request_rollback(&folders, &args.org, args.slot, &args.to, SERVER_ANSWER_WAIT)
                    .map_err(|error| PluginCliError::Folder(error.to_string()))?;
            match answer {
                RollbackAnswer::Done(version) => (
                    *version,
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
        name: version.name.clone(),
        hash: version.hash.to_string(),
        config_digest: version.config_digest.clone(),
        file,
        activated: true,
        note,
    })
}
