//! Which plug-in version fills each org's slots right now.
//!
//! The engine looks a slot up for every call and keeps the [`Active`] it got
//! for that call, so a swap never changes a call already running. The
//! plug-in layer above (`crate::plugins`: org folders, uploads, reloads)
//! fills it; the engine only reads it.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::builtin::{self, Builtin};
use crate::model::{Config, Time};
use crate::runtime::{ContentHash, Plugin, PluginError, Runtime, Slot};

/// A plug-in version active in an org's slot, with the org's config for it.
#[derive(Debug, Clone)]
pub struct Active {
    /// The loaded plug-in.
    pub plugin: Plugin,
    /// The org's config values for it.
    pub config: Config,
    /// The digest of `config` ([`crate::store::config_digest`]), which
    /// every decision records.
    pub config_digest: String,
    /// When it became active.
    pub since: DateTime<Utc>,
}

/// A component that was refused for a slot: the version before it serves on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Refusal {
    /// The name it came under.
    pub name: String,
    /// Its sha256.
    pub hash: String,
    /// Why it was refused.
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A slot's refusal and the digest of the content refused.
type Refused = (Refusal, ContentHash);

/// The active plug-ins of every org. Cheap to clone; clones share the table.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// `(org, slot)` → active version.
    slots: Arc<RwLock<HashMap<(String, Slot), Active>>>,
    /// `(org, slot)` → the last component refused for it, with the digest
    /// of what was checked (component, config, cases).
    refusals: Arc<RwLock<HashMap<(String, Slot), Refused>>>,
    /// org → why its `org.toml` was last refused, while it stays broken,
    /// with the digest of the refused text.
    org_file_errors: Arc<RwLock<HashMap<String, (String, ContentHash)>>>,
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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
            config_digest: crate::store::config_digest(&config),
            config,
            since,
        };
        write(&self.slots).insert((org.to_string(), slot), active);
    }

    /// Empties a slot of `org`: leads needing it go to needs-review.
    pub fn deactivate(&self, org: &str, slot: Slot) -> Option<Active> {
        write(&self.slots).remove(&(org.to_string(), slot))
    }

    /// The active version of `org`'s `slot`.
    pub fn active(&self, org: &str, slot: Slot) -> Option<Active> {
        read(&self.slots).get(&(org.to_string(), slot)).cloned()
    }

    /// Records that a component was refused for `org`'s `slot`: kept for
    /// `GET …/plugins`, logged, and counted in `/metrics`. `checked` is the
    /// digest of what was checked, so the same content is not checked,
    /// logged and counted again ([`Registry::refused`]).
    pub fn refuse(&self, org: &str, slot: Slot, refusal: Refusal, checked: ContentHash) {
        tracing::warn!(org, %slot, name = %refusal.name, reason = %refusal.reason, "plug-in refused; the previous version keeps serving");
        metrics::counter!("leadhost_plugin_refusals_total", "org" => org.to_string(), "slot" => slot.world())
            .increment(1);
        write(&self.refusals).insert((org.to_string(), slot), (refusal, checked));
    }

    /// The refusal of `org`'s `slot`, if it was of exactly the content
    /// whose digest is `checked`.
    pub fn refused(&self, org: &str, slot: Slot, checked: ContentHash) -> Option<Refusal> {
        read(&self.refusals)
            .get(&(org.to_string(), slot))
            .filter(|(_, digest)| *digest == checked)
            .map(|(refusal, _)| refusal.clone())
    }

    /// Forgets `org`'s `slot`'s refusal: what the folder names serves now.
    pub fn clear_refusal(&self, org: &str, slot: Slot) {
        write(&self.refusals).remove(&(org.to_string(), slot));
    }

    /// The last component refused for `org`'s `slot`, while nothing the
    /// folder named since has served.
    pub fn last_refusal(&self, org: &str, slot: Slot) -> Option<Refusal> {
        read(&self.refusals)
            .get(&(org.to_string(), slot))
            .map(|(refusal, _)| refusal.clone())
    }

    /// Records why `org`'s `org.toml`, whose text has the digest `text`, is
    /// refused; or, with `None`, clears it.
    pub fn set_org_file_error(&self, org: &str, error: Option<(String, ContentHash)>) {
        match error {
            Some(error) => write(&self.org_file_errors).insert(org.to_string(), error),
            None => write(&self.org_file_errors).remove(org),
        };
    }

    /// Why `org`'s `org.toml` is refused, while it is.
    pub fn org_file_error(&self, org: &str) -> Option<String> {
        read(&self.org_file_errors)
            .get(org)
            .map(|(error, _)| error.clone())
    }

    /// Whether `org`'s `org.toml` was refused with exactly the text whose
    /// digest is `text`.
    pub fn org_file_refused(&self, org: &str, text: ContentHash) -> bool {
        read(&self.org_file_errors)
            .get(org)
            .is_some_and(|(_, digest)| *digest == text)
    }

    /// Fills all three slots of `org` with the first-party plug-ins, default config.
    pub fn activate_builtins(
        &self,
        org: &str,
        runtime: &Runtime,
        since: DateTime<Utc>,
    ) -> Result<(), PluginError> {
        for Builtin {
            name, slot, bytes, ..
        } in builtin::ALL
        {
            let plugin = runtime.load(name, bytes, Some(slot))?;
            runtime.keep(&plugin);
            self.activate(org, plugin, Config::new(), since);
        }
        Ok(())
    }
}
