//! A slot's history: each version (component, config) that became active
//! is written once, durably, before it is swapped in, with the component
//! and the sample cases it passed kept beside the history for rollback
//! (in the data folder, and in a shared store for the other hosts).

use super::loader::{LoadError, PluginLoader};
use crate::model::Config;
use crate::runtime::{ContentHash, Plugin, Slot};
use crate::store::{Activation, Impact, PluginVersion, config_changes, config_digest};

impl PluginLoader {
    /// Keeps the bytes and, for a version (component and config) the slot
    /// did not have last, writes a history entry (durably, before the
    /// swap): a `config` one when only the config changed, with the keys
    /// that changed. The sample cases it passed (`cases`, the text of its
    /// cases file) are kept with it. Answers the version and whether it is
    /// new.
    #[allow(clippy::too_many_arguments, reason = "the version's parts, each named")]
    pub(super) fn record(
        &self,
        org: &str,
        slot: Slot,
        plugin: &Plugin,
        bytes: &[u8],
        how: Activation,
        config: &Config,
        cases: Option<&[u8]>,
        impact: Option<Impact>,
    ) -> Result<(PluginVersion, bool), LoadError> {
        let hash = plugin.id().hash;
        let name = plugin.id().name.clone();
        self.folders.keep(&hash, bytes)?;
        let cases_digest = match cases {
            Some(text) => {
                let digest = ContentHash::of(text).to_string();
                self.folders.keep_cases(&digest, text)?;
                digest
            }
            None => String::new(),
        };
        let store = self.engine.store();
        let last = store
            .plugin_versions(org)?
            .into_iter()
            .rev()
            .find(|version| version.slot == slot);
        let digest = config_digest(config);
        let same_component = last
            .as_ref()
            .is_some_and(|last| last.hash == hash && last.name == name);
        if let Some(last) = &last
            && same_component
            && (last.config_digest == digest || last.config_digest.is_empty())
        {
            // The version the slot last had (a restart): active since it
            // first was. An entry from before config was recorded counts
            // as the same version.
            return Ok((last.clone(), false));
        }
        let how = match how {
            Activation::File if same_component => Activation::Config,
            how => how,
        };
        let config_changes = match &last {
            Some(last) if !last.config_digest.is_empty() => config_changes(&last.config, config),
            _ => Vec::new(),
        };
        let version = PluginVersion {
            slot,
            name,
            hash,
            how,
            at: self.engine.now(),
            config: config.clone(),
            config_digest: digest,
            config_changes,
            cases_digest: Some(cases_digest),
            impact,
        };
        let taken_up = self
            .taking_up
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .contains(&(org.to_string(), slot));
        if taken_up {
            return Ok((version, true));
        }
        if store.shared() {
            // Before the entry: a host that sees the entry finds its files.
            store.put_plugin_file(&hash.to_string(), bytes)?;
            if let Some(text) = cases {
                store.put_plugin_file(&ContentHash::of(text).to_string(), text)?;
            }
        }
        store.put_plugin_version(org, &version)?;
        Ok((version, true))
    }

    /// With nothing serving in `slot` (a start-up whose file is unusable),
    /// serves the version the slot last had, from the kept copies.
    pub(super) fn restore(&self, org: &str, slot: Slot, config: &Config) -> Result<(), LoadError> {
        let history = self.engine.store().plugin_versions(org)?;
        let Some(last) = history.iter().rev().find(|version| version.slot == slot) else {
            return Ok(());
        };
        let hash = last.hash;
        // The config it served with, when its entry recorded it.
        let config = if last.config_digest.is_empty() {
            config
        } else {
            &last.config
        };
        let loaded = self
            .kept_copy(&hash)
            .map_err(|error| error.to_string())
            .and_then(|bytes| {
                super::load_plugin(&self.runtime, &last.name, &bytes, Some(slot), config)
                    .map_err(|error| error.to_string())
            });
        match loaded {
            Ok(plugin) => {
                let digest = config_digest(config);
                // Restored again at each start while the folder stays
                // unusable: one entry says so, not one per restart.
                let version = if last.how == Activation::Restore && last.config_digest == digest {
                    last.clone()
                } else {
                    let version = PluginVersion {
                        how: Activation::Restore,
                        at: self.engine.now(),
                        config: config.clone(),
                        config_digest: digest,
                        config_changes: Vec::new(),
                        impact: None,
                        ..last.clone()
                    };
                    self.engine.store().put_plugin_version(org, &version)?;
                    version
                };
                tracing::warn!(org, %slot, plugin = %plugin.id(), config_digest = %version.config_digest, how = "restore", "serving the last good version: the folder's is unusable");
                self.runtime.keep(&plugin);
                self.registry()
                    .activate(org, plugin, config.clone(), version.at);
            }
            Err(error) => {
                tracing::error!(org, %slot, %error, "the last good version cannot be restored; the slot is empty");
            }
        }
        Ok(())
    }

    pub(super) fn restore_all(&self, org: &str) -> Result<(), LoadError> {
        for slot in Slot::ALL {
            self.restore(org, slot, &Config::new())?;
        }
        Ok(())
    }
}
