//! What the `leadhost plugin` commands share: their error, reading a slot's
//! name, loading a plug-in file and `--config` values. It sits below the
//! commands (`plugin_*.rs`) and calls none of them.

use std::path::PathBuf;

use crate::runtime::{Runtime, RuntimeConfig, Slot};

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
