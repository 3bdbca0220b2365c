//! A slot's history: each version (component, config) that became active
//! is written once, durably, before it is swapped in, with the component
//! and the sample cases it passed kept beside the history for rollback.

use super::loader::{LoadError, PluginLoader};
use crate::model::Config;
use crate::runtime::{ContentHash, Plugin, Slot};
use crate::store::{Activation, PluginVersion, config_changes, config_digest};

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
        };
        store.put_plugin_version(org, &version)?;
        Ok((version, true))
    }
}
