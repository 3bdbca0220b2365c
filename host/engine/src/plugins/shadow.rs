//! Shadows from the org folder: `[plugins.<slot>] shadow = "candidate.wasm"`
//! (with `shadow_config` laid over the slot's config) loads the candidate
//! beside the live version on every reload; promoting it makes it live
//! through the one activation path.

use std::path::Path;

use super::folder::read_org_file;
use super::install::{CasesChange, InstallError, Place};
use super::loader::{LoadError, PluginLoader};
use super::org_file::{OrgFile, SlotEntry};
use super::script::{is_script, load_plugin_with};
use crate::model::Config;
use crate::registry::{Shadow, ShadowSlot};
use crate::runtime::{Cancel, ContentHash, Slot};
use crate::store::{Activation, PluginVersion};

/// `config` with `overlay`'s keys laid over it.
fn overlaid(config: &Config, overlay: &Config) -> Config {
    let mut all = config.clone();
    all.extend(
        overlay
            .iter()
            .map(|(key, value)| (key.clone(), value.clone())),
    );
    all
}

/// The name a plug-in file loads under: a script's file name, a
/// component's stem.
fn plugin_name(file: &str) -> String {
    match file.strip_suffix(".wasm") {
        Some(stem) if !is_script(file) => stem.to_string(),
        _ => file.to_string(),
    }
}

impl PluginLoader {
    /// Loads (or clears) `org`'s `slot`'s shadow as `entry` names it; the
    /// org's lock is held. A shadow that does not load is recorded as
    /// refused, and the live version is untouched either way.
    pub(super) fn reload_shadow(
        &self,
        org: &str,
        dir: &Path,
        slot: Slot,
        entry: Option<&SlotEntry>,
    ) {
        let registry = self.registry();
        let Some((entry, file)) = entry.and_then(|entry| Some((entry, entry.shadow.as_ref()?)))
        else {
            if registry.shadow_slot(org, slot).is_some() {
                tracing::info!(org, %slot, "shadow stopped");
            }
            registry.set_shadow(org, slot, None);
            return;
        };
        let refuse = |reason: String| {
            tracing::warn!(org, %slot, file, %reason, "shadow refused; the live version is untouched");
            registry.set_shadow(
                org,
                slot,
                Some(ShadowSlot::Refused {
                    file: file.clone(),
                    reason,
                    at: self.engine.now(),
                }),
            );
        };
        let max = self.runtime.max_component_bytes() as u64;
        let bytes = match read_org_file(&dir.join(file), max) {
            Ok(bytes) => bytes,
            Err(error) => return refuse(format!("cannot read {file}: {error}")),
        };
        let hash = ContentHash::of(&bytes);
        if let Some(running) = registry.shadow(org, slot)
            && running.plugin.id().hash == hash
            && running.config == entry.shadow_config
            && running.file == *file
        {
            return;
        }
        let config = overlaid(&entry.config, &entry.shadow_config);
        let name = plugin_name(file);
        let loaded = load_plugin_with(
            &self.runtime,
            &name,
            &bytes,
            Some(slot),
            &config,
            self.max_script_bytes,
            &Cancel::new(),
        );
        match loaded {
            Ok(plugin) => {
                // Not kept in components/: that copy is a version's, counted
                // in the org's disk share once it serves; a promotion reads
                // the folder's file (and checks it is what shadowed).
                tracing::info!(org, %slot, file, %hash, "shadow running");
                registry.set_shadow(
                    org,
                    slot,
                    Some(ShadowSlot::Running(Shadow {
                        plugin,
                        file: file.clone(),
                        config: entry.shadow_config.clone(),
                        since: self.engine.now(),
                    })),
                );
            }
            Err(error) => refuse(error.cause.to_string()),
        }
    }

    /// Makes `org`'s `slot`'s shadow its live version, with the slot's
    /// config and the shadow's `shadow_config` laid over it: written into
    /// `org.toml` as the slot's component (the shadow entry removed),
    /// checked like any new version (its sample cases first), activated as
    /// a `promote` version in the history.
    ///
    /// Errors: [`InstallError::NoShadow`] when no shadow runs (none named,
    /// or refused); [`InstallError::ShadowChanged`] when its file was
    /// replaced since it started shadowing; the check's refusal (nothing
    /// changed); `org.toml` unusable.
    pub fn promote_shadow(&self, org: &str, slot: Slot) -> Result<PluginVersion, InstallError> {
        self.locked(org, || {
            let dir = self.folders.org_dir(org);
            let file = OrgFile::read(&dir)?;
            let entry = file.plugins.get(slot).ok_or(InstallError::NoShadow(slot))?;
            let shadow = entry.shadow.clone().ok_or(InstallError::NoShadow(slot))?;
            // Only what actually shadowed: not a refused shadow, nor a file
            // replaced since (its answers are not the ones reported).
            let running = self
                .registry()
                .shadow(org, slot)
                .filter(|running| running.file == shadow)
                .ok_or(InstallError::NoShadow(slot))?;
            let max = self.runtime.max_component_bytes() as u64;
            let path = dir.join(&shadow);
            let bytes = read_org_file(&path, max)
                .map_err(|source| LoadError::Folder(super::FolderError { path, source }))?;
            if ContentHash::of(&bytes) != running.plugin.id().hash {
                return Err(InstallError::ShadowChanged {
                    file: shadow,
                    shadowed: running.plugin.id().hash.to_string(),
                });
            }
            let place = Place {
                name: &plugin_name(&shadow),
                bytes: &bytes,
                how: Activation::Promote,
                config: Some(overlaid(&entry.config, &entry.shadow_config)),
                cases: CasesChange::Keep,
            };
            self.place(org, slot, place, &Cancel::new())
        })
    }
}
