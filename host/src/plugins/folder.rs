//! An org's plug-in folder: `<data>/orgs/<org>/<slot>/<name>.wasm`, one
//! component per slot. Uploads are written here and loaded from here, so
//! a restart serves what was last activated.

use std::path::{Path, PathBuf};

use super::{Refusal, Registry};
use crate::builtin;
use crate::model::{Config, Time};
use crate::runtime::{Plugin, PluginError, Runtime, Slot};

/// A component could not be installed.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// The component was refused; the previous version keeps serving.
    #[error(transparent)]
    Refused(#[from] PluginError),
    /// The name cannot be a file name.
    #[error("`{0}` is not a plug-in name: use 1 to 64 letters, digits, `-` or `_`")]
    BadName(String),
    /// The folder cannot be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The plug-in folders of every org, under `<data>/orgs`.
#[derive(Debug, Clone)]
pub struct OrgFolders {
    /// `<data>/orgs`.
    root: PathBuf,
}

impl OrgFolders {
    /// The folders under `<data>/orgs`.
    pub fn new(data_dir: &Path) -> Self {
        OrgFolders {
            root: data_dir.join("orgs"),
        }
    }

    /// `<data>/orgs/<org>/<slot>`.
    pub fn slot_dir(&self, org: &str, slot: Slot) -> PathBuf {
        self.root.join(org).join(slot.world())
    }

    /// The component filling `slot` for `org`, if the folder has one.
    fn component(&self, org: &str, slot: Slot) -> Option<PathBuf> {
        let entries = std::fs::read_dir(self.slot_dir(org, slot)).ok()?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "wasm"))
            .collect();
        files.sort();
        files.pop()
    }

    /// Checks `bytes` as a component for `slot` and, only if it loads,
    /// writes it into the org's folder (atomically, replacing the slot's
    /// previous file) and makes it the active version.
    #[allow(clippy::too_many_arguments)]
    pub fn install(
        &self,
        runtime: &Runtime,
        registry: &Registry,
        org: &str,
        slot: Slot,
        name: &str,
        bytes: &[u8],
        now: Time,
    ) -> Result<Plugin, InstallError> {
        let valid = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(InstallError::BadName(name.into()));
        }
        let plugin = runtime.load(name, bytes, Some(slot)).inspect_err(|error| {
            registry.refuse(
                org,
                slot,
                Refusal {
                    name: name.into(),
                    hash: error.plugin.hash.to_string(),
                    reason: error.cause.to_string(),
                    at: now,
                },
            );
        })?;
        let dir = self.slot_dir(org, slot);
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| InstallError::Io { path, source }
        };
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let target = dir.join(format!("{name}.wasm"));
        let partial = dir.join(format!(".{name}.wasm.partial"));
        std::fs::write(&partial, bytes).map_err(io(&partial))?;
        std::fs::rename(&partial, &target).map_err(io(&target))?;
        for entry in std::fs::read_dir(&dir).map_err(io(&dir))?.flatten() {
            let path = entry.path();
            if path != target && path.extension().is_some_and(|ext| ext == "wasm") {
                std::fs::remove_file(&path).map_err(io(&path))?;
            }
        }
        registry.activate(org, plugin.clone(), Config::new(), now);
        Ok(plugin)
    }

    /// Activates `org`'s plug-ins from its folder; a slot without a
    /// component gets the first-party one, written into the folder. A
    /// component that no longer loads is logged and its slot left empty, so
    /// leads needing it wait in needs-review rather than meet another rule.
    pub fn activate_org(
        &self,
        runtime: &Runtime,
        registry: &Registry,
        org: &str,
        now: Time,
    ) -> Result<(), InstallError> {
        for builtin in builtin::ALL {
            let slot = builtin.slot;
            match self.component(org, slot) {
                Some(path) => match runtime.load_file(&path, Some(slot)) {
                    Ok(plugin) => registry.activate(org, plugin, Config::new(), now),
                    Err(error) => {
                        tracing::error!(org, %slot, path = %path.display(), %error, "plug-in refused at start; the slot is empty");
                    }
                },
                None => {
                    self.install(
                        runtime,
                        registry,
                        org,
                        slot,
                        builtin.name,
                        builtin.bytes,
                        now,
                    )?;
                }
            }
        }
        Ok(())
    }
}
