//! Whether an org's folder says what its slots serve: after a refused edit,
//! `org.toml` (or the file it names) differs from the version serving, and
//! an admin reading the slot must see that, and why, without comparing
//! files by hand.

use super::loader::PluginLoader;
use super::org_file::OrgFile;
use crate::model::Slot;
use crate::runtime::ContentHash;
use crate::store::config_changes;

impl PluginLoader {
    /// How `org`'s folder differs from what serves `slot` (`None` when it
    /// names the serving component, unchanged, with the serving config):
    /// each difference, then why the folder's version is not serving.
    pub fn folder_differs(&self, org: &str, slot: Slot) -> Option<String> {
        let registry = self.registry();
        let active = registry.active(org, slot);
        let why = registry
            .last_refusal(org, slot)
            .map(|refusal| format!("; refused: {}", refusal.reason))
            .unwrap_or_default();
        let dir = self.folders.org_dir(org);
        let file = match OrgFile::read(&dir) {
            Ok(file) => file,
            Err(error) => return Some(format!("org.toml is refused: {error}")),
        };
        let (entry, active) = match (file.plugins.get(slot), active) {
            (None, None) => return None,
            (None, Some(active)) => {
                return Some(format!(
                    "org.toml names no component; {} serves",
                    active.plugin.id().name
                ));
            }
            (Some(entry), None) => {
                return Some(format!(
                    "org.toml names {}; nothing serves{why}",
                    entry.component
                ));
            }
            (Some(entry), Some(active)) => (entry, active),
        };
        let serving = &active.plugin.id().name;
        let name = entry.component.trim_end_matches(".wasm");
        let mut differences = Vec::new();
        if name != serving {
            differences.push(format!(
                "org.toml names {}, {serving} serves",
                entry.component
            ));
        } else {
            let max = self.runtime.max_component_bytes() as u64;
            let hash = super::folder::read_org_file(&dir.join(&entry.component), max)
                .map(|bytes| ContentHash::of(&bytes))
                .ok();
            if hash != Some(active.plugin.id().hash) {
                differences.push(format!(
                    "{} in the folder is not the version serving ({})",
                    entry.component,
                    active.plugin.id().hash.short()
                ));
            }
        }
        for change in config_changes(&active.config, &entry.config) {
            let shown = |value: Option<crate::model::Scalar>| {
                value.map_or("unset".to_string(), |value| {
                    serde_json::to_string(&value).unwrap_or_default()
                })
            };
            differences.push(format!(
                "config {}: {} in org.toml, {} serving",
                change.key,
                shown(change.after),
                shown(change.before)
            ));
        }
        (!differences.is_empty()).then(|| format!("{}{why}", differences.join("; ")))
    }
}
