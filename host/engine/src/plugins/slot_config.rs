//! Changing a slot's config over the API, as an `org.toml` edit would but
//! checked first: the plug-in serving now is checked under the new config
//! (its sample cases, the org's config run), and only when it passes is
//! the config written into `org.toml`'s entry and activated as a `config`
//! version. A refused config leaves the file and the version serving as
//! they were.

use super::folder::FolderError;
use super::install::{CasesChange, InstallError, Place};
use super::loader::{LoadError, PluginLoader};
use crate::model::{Config, Slot};
use crate::runtime::Cancel;
use crate::store::{Activation, PluginVersion};

impl PluginLoader {
    /// Serves `org`'s `slot` with `config` (the whole config: keys left
    /// out are removed), keeping the plug-in that serves it now.
    ///
    /// Errors: [`InstallError::EmptySlot`] when nothing serves it;
    /// [`InstallError::Refused`] when the plug-in fails its check under the
    /// config (nothing changed); `org.toml` broken; files or the store
    /// failing.
    pub fn set_config(
        &self,
        org: &str,
        slot: Slot,
        config: Config,
    ) -> Result<PluginVersion, InstallError> {
        self.locked(org, || {
            let active = self
                .registry()
                .active(org, slot)
                .ok_or(InstallError::EmptySlot(slot))?;
            let id = active.plugin.id();
            let path = self.folders.kept_path(&id.hash);
            let bytes = std::fs::read(&path)
                .map_err(|source| LoadError::Folder(FolderError { path, source }))?;
            let place = Place {
                name: &id.name,
                bytes: &bytes,
                how: Activation::Config,
                config: Some(config),
                cases: CasesChange::Keep,
            };
            self.place(org, slot, place, &Cancel::new())
        })
    }
}
