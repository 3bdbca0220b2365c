//! Uploads (and rollbacks, see `rollback.rs`): both write into the org's
//! folder and then reload it, the same path a file drop takes, under the org's reload lock so the
//! watcher cannot take the change for a plain file edit.

use super::loader::{LoadError, PluginLoader, SlotOutcome};
use super::org_file::{OrgFile, OrgFileError, SlotEntry};
use super::{Refusal, folder::write_atomically};
use crate::runtime::{Cancel, ContentHash, Slot};
use crate::store::{Activation, PluginVersion};

/// An upload or rollback was not done.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// The component was refused; the previous version keeps serving.
    #[error("{}", .0.reason)]
    Refused(Refusal),
    /// The name cannot be a file name.
    #[error("`{0}` is not a plug-in name: use 1 to 64 letters, digits, `-` or `_`")]
    BadName(String),
    /// No version of the slot has a hash starting with this.
    #[error("no version of {slot} has a hash starting with `{prefix}`")]
    UnknownVersion {
        /// The slot.
        slot: Slot,
        /// The prefix asked for.
        prefix: String,
    },
    /// More than one version matches.
    #[error("`{prefix}` matches {count} versions of {slot}: give more of the hash")]
    AmbiguousVersion {
        /// The slot.
        slot: Slot,
        /// The prefix asked for.
        prefix: String,
        /// How many matched.
        count: usize,
    },
    /// `org.toml` is broken: fix it first.
    #[error(transparent)]
    OrgFile(#[from] OrgFileError),
    /// Files or the store failed.
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// Whether `name` can name a plug-in (and its file).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl PluginLoader {
    /// Checks `bytes` for `org`'s `slot`; only if they pass, writes them
    /// into the folder as `<name>.wasm`, points `org.toml` at them and
    /// reloads. A refused upload touches no file.
    pub fn install(
        &self,
        org: &str,
        slot: Slot,
        name: &str,
        bytes: &[u8],
    ) -> Result<PluginVersion, InstallError> {
        self.install_with(org, slot, name, bytes, &Cancel::new())
    }

    /// [`PluginLoader::install`] for a request: its compile stops once
    /// `cancel` is cancelled (the request timed out or its client left).
    pub fn install_with(
        &self,
        org: &str,
        slot: Slot,
        name: &str,
        bytes: &[u8],
        cancel: &Cancel,
    ) -> Result<PluginVersion, InstallError> {
        if !valid_name(name) {
            return Err(InstallError::BadName(name.into()));
        }
        self.locked(org, || {
            self.place(org, slot, name, bytes, Activation::Upload, cancel)
        })
    }

    /// Checks, writes and reloads; the org's lock is held.
    pub(super) fn place(
        &self,
        org: &str,
        slot: Slot,
        name: &str,
        bytes: &[u8],
        how: Activation,
        cancel: &Cancel,
    ) -> Result<PluginVersion, InstallError> {
        let dir = self.folders.org_dir(org);
        let mut file = OrgFile::read(&dir)?;
        // A script keeps its own name (`qualify.rhai`); a component's name
        // is its file's stem.
        let component = if super::script::is_script(name) {
            name.to_string()
        } else {
            format!("{name}.wasm")
        };
        let config = file
            .plugins
            .get(slot)
            .map(|entry| entry.config.clone())
            .unwrap_or_default();
        let path = dir.join(&component);
        let checked = self.check(name, bytes, slot, &path, &config, cancel);
        if let Ok(plugin) = &checked {
            // It passed every check: keep its compiled code, so the reload
            // below does not compile it again.
            self.runtime.keep(plugin);
        }
        if let Err(reason) = checked {
            let refusal = Refusal {
                name: name.into(),
                hash: ContentHash::of(bytes).to_string(),
                reason,
                at: self.engine.now(),
            };
            self.engine.plugins().refuse(org, slot, refusal.clone());
            return Err(InstallError::Refused(refusal));
        }
        write_atomically(&path, bytes).map_err(LoadError::from)?;
        if file.plugins.get(slot).map(|entry| &entry.component) != Some(&component) {
            file.plugins.set(slot, SlotEntry { component, config });
            self.folders
                .write_org_file(org, &file)
                .map_err(LoadError::from)?;
        }
        let reload = self.reload_locked(org, how)?;
        match reload.slot(slot) {
            Some(SlotOutcome::Activated(version)) => Ok(version.clone()),
            Some(SlotOutcome::Refused(refusal)) => Err(InstallError::Refused(refusal.clone())),
            _ => {
                // Already active with this content: report the active version.
                let active = self.engine.plugins().active(org, slot);
                Ok(PluginVersion {
                    slot,
                    name: name.into(),
                    hash: active
                        .map_or_else(|| ContentHash::of(bytes), |active| active.plugin.id().hash),
                    how,
                    at: self.engine.now(),
                })
            }
        }
    }
}
