//! Which plug-in version fills each org's slots right now.
//!
//! The engine looks a slot up for every call and keeps the [`Active`] it got
//! for that call, so a swap never changes a call already running.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::builtin::{self, Builtin};
use crate::model::{Config, Time};
use crate::runtime::{Plugin, PluginError, Runtime, Slot};

/// A plug-in version active in an org's slot, with the org's config for it.
#[derive(Debug, Clone)]
pub struct Active {
    /// The loaded plug-in.
    pub plugin: Plugin,
    /// The org's config values for it.
    pub config: Config,
    /// When it became active.
    pub since: Time,
}

/// The active plug-ins of every org. Cheap to clone; clones share the table.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// `(org, slot)` → active version.
    slots: Arc<RwLock<HashMap<(String, Slot), Active>>>,
}

impl Registry {
    /// An empty registry: every slot of every org is unfilled.
    pub fn new() -> Self {
        Registry::default()
    }

    /// Makes `plugin` the active version of its slot for `org`; calls that
    /// start from now on use it.
    pub fn activate(&self, org: &str, plugin: Plugin, config: Config, since: Time) {
        let slot = plugin.slot();
        let active = Active {
            plugin,
            config,
            since,
        };
        self.write().insert((org.to_string(), slot), active);
    }

    /// Empties a slot of `org`: leads needing it go to needs-review.
    pub fn deactivate(&self, org: &str, slot: Slot) -> Option<Active> {
        self.write().remove(&(org.to_string(), slot))
    }

    /// The active version of `org`'s `slot`.
    pub fn active(&self, org: &str, slot: Slot) -> Option<Active> {
        self.slots
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&(org.to_string(), slot))
            .cloned()
    }

    /// Fills all three slots of `org` with the first-party plug-ins, default config.
    pub fn activate_builtins(
        &self,
        org: &str,
        runtime: &Runtime,
        since: Time,
    ) -> Result<(), PluginError> {
        for Builtin {
            name, slot, bytes, ..
        } in builtin::ALL
        {
            let plugin = runtime.load(name, bytes, Some(slot))?;
            self.activate(org, plugin, Config::new(), since);
        }
        Ok(())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<(String, Slot), Active>> {
        self.slots
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
