//! What fills an org's slots: the active version of each, the last refused
//! one, and the version history.

use crate::model::{Config, Slot, Time};
use crate::registry::Refusal;
use crate::store::PluginVersion;
use crate::{Engine, EngineError};

/// One slot of an org, as the registry holds it now.
#[derive(Debug, Clone)]
pub struct SlotStatus {
    /// The slot.
    pub slot: Slot,
    /// The version serving it; `None` while the slot is empty.
    pub active: Option<ActiveVersion>,
    /// The last version refused for the slot; the active one served on.
    pub last_refusal: Option<Refusal>,
    /// Why the org's `org.toml` is refused, while it is.
    pub org_file_error: Option<String>,
}

/// The version serving a slot.
#[derive(Debug, Clone)]
pub struct ActiveVersion {
    /// Its name.
    pub name: String,
    /// The sha256 of the component (of the script's text, for a script), hex.
    pub hash: String,
    /// The WIT version it was built against.
    pub wit_version: String,
    /// When it became active.
    pub since: Time,
    /// The org's config values for it.
    pub config: Config,
}

impl Engine {
    /// What fills `org`'s `slot` now.
    pub fn slot_status(&self, org: &str, slot: Slot) -> SlotStatus {
        let registry = self.plugins();
        SlotStatus {
            slot,
            active: registry.active(org, slot).map(|active| ActiveVersion {
                name: active.plugin.id().name.clone(),
                hash: active.plugin.id().hash.to_string(),
                wit_version: active.plugin.wit_version().to_string(),
                since: active.since,
                config: active.config,
            }),
            last_refusal: registry.last_refusal(org, slot),
            org_file_error: registry.org_file_error(org),
        }
    }

    /// Every version `org`'s `slot` has had, oldest first.
    ///
    /// Errors: the store's failure.
    pub fn plugin_versions(
        &self,
        org: &str,
        slot: Slot,
    ) -> Result<Vec<PluginVersion>, EngineError> {
        Ok(self
            .store()
            .plugin_versions(org)?
            .into_iter()
            .filter(|version| version.slot == slot)
            .collect())
    }
}
