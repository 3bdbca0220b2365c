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
    /// The digest of `config`, as decisions and version entries record it.
    pub config_digest: String,
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
                config_digest: active.config_digest,
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

#[cfg(test)]
mod tests {
    use crate::model::Slot;
    use crate::setup::{Host, Options};
    use crate::store::Activation;

    /// A new org's slots show their first-party versions, each slot its own
    /// history; an upload adds a version and becomes the active one; a
    /// refused upload is the slot's last refusal and changes nothing else.
    #[test]
    fn a_slot_shows_its_active_version_its_history_and_its_last_refusal() {
        let dir = tempfile::tempdir().unwrap();
        let host = Host::open(dir.path(), Options::default()).unwrap();
        host.ensure_org("acme").unwrap();
        let engine = &host.engine;

        let first = engine.slot_status("acme", Slot::LeadDefinition);
        let active = first.active.expect("a first-party definition");
        let history = engine
            .plugin_versions("acme", Slot::LeadDefinition)
            .unwrap();
        assert_eq!(history.len(), 1, "{history:?}");
        assert_eq!(history[0].how, Activation::FirstParty);
        assert_eq!(history[0].name, active.name);
        assert_eq!(history[0].hash.to_string(), active.hash);
        assert_eq!(active.wit_version, "0.1.0");
        assert!(first.last_refusal.is_none() && first.org_file_error.is_none());
        let routing = engine.plugin_versions("acme", Slot::RoutingPolicy).unwrap();
        assert!(
            routing
                .iter()
                .all(|version| version.slot == Slot::RoutingPolicy)
        );
        assert!(
            engine
                .plugin_versions("nobody", Slot::LeadDefinition)
                .unwrap()
                .is_empty()
        );

        let weighted = crate::builtin::OTHER_ROUTING_POLICIES
            .iter()
            .find(|plugin| plugin.name == "weighted")
            .expect("the weighted policy is first-party");
        let uploaded = host
            .plugins
            .install("acme", Slot::RoutingPolicy, "weighted", weighted.bytes)
            .unwrap();
        let now = engine.slot_status("acme", Slot::RoutingPolicy);
        let active = now.active.expect("the upload serves");
        assert_eq!(
            (active.name.as_str(), active.hash.as_str()),
            ("weighted", uploaded.hash.to_string().as_str())
        );
        assert_eq!(active.config_digest, uploaded.config_digest);
        let history = engine.plugin_versions("acme", Slot::RoutingPolicy).unwrap();
        assert_eq!(history.len(), routing.len() + 1);
        assert_eq!(history.last().unwrap().how, Activation::Upload);
        assert!(active.since >= history[0].at);

        host.plugins
            .install("acme", Slot::RoutingPolicy, "broken", b"not a component")
            .unwrap_err();
        let after = engine.slot_status("acme", Slot::RoutingPolicy);
        let refusal = after.last_refusal.expect("the refusal is kept");
        assert_eq!(refusal.name, "broken");
        assert_eq!(after.active.expect("still serving").name, "weighted");
        assert_eq!(
            engine
                .plugin_versions("acme", Slot::RoutingPolicy)
                .unwrap()
                .len(),
            routing.len() + 1,
            "a refusal is not a version"
        );
        assert!(
            engine
                .slot_status("acme", Slot::LeadDefinition)
                .last_refusal
                .is_none(),
            "another slot's refusal is its own"
        );
    }
}
