//! Opening a data folder for the commands that run its plug-ins offline
//! (`replay`, `backtest`): with the server's settings (`--config FILE`,
//! `LEADHOST_*`), so a call runs under the limits `serve` would give it,
//! and never creating a folder that is not there.

use std::path::{Path, PathBuf};

use crate::server::{ConfigError, Flags, ServerConfig};
use crate::setup::{Host, SetupError};

/// The data folder could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OfflineError {
    /// The folder holds no leadhost store (a mistyped `--data-dir`?).
    #[error("{} holds no leadhost data (no store/ folder): check --data-dir", .0.display())]
    NoData(PathBuf),
    /// The settings are wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The store could not be opened (in use by a running server, ...).
    #[error(transparent)]
    Setup(#[from] SetupError),
}

/// Opens `data_dir` with the settings of `config` and the environment;
/// with a PostgreSQL store (`LEADHOST_STORE`, `[store] url`), its database,
/// which works while servers run on it.
pub fn open(config: Option<&Path>, data_dir: &Path) -> Result<Host, OfflineError> {
    let flags = Flags {
        listen: None,
        data_dir: Some(data_dir.to_path_buf()),
        store: None,
    };
    // `vars_os`: a variable that is not UTF-8 (no setting's) must not panic.
    let vars = std::env::vars_os()
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)));
    let settings = ServerConfig::load(config, vars, &flags)?.resolve();
    if settings.options.database.is_none() && !data_dir.join("store").is_dir() {
        return Err(OfflineError::NoData(data_dir.to_path_buf()));
    }
    Ok(Host::open(data_dir, settings.options)?)
}
