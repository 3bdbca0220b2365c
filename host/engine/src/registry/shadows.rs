//! Each slot's shadow: a candidate version run beside the live one on every
//! call, whose answers are recorded and never acted on (`[plugins.<slot>]
//! shadow` in `org.toml`).

use super::{Registry, read, write};
use crate::model::{Config, Time};
use crate::runtime::{Plugin, Slot};

/// A slot's shadow as the registry keeps it.
#[derive(Debug, Clone)]
pub enum ShadowSlot {
    /// Loaded: every live call of the slot is run by it too.
    Running(Shadow),
    /// The file `org.toml` names could not be loaded; no shadow runs.
    Refused {
        /// The file.
        file: String,
        /// Why.
        reason: String,
        /// When.
        at: Time,
    },
}

/// A loaded shadow version.
#[derive(Debug, Clone)]
pub struct Shadow {
    /// The candidate.
    pub plugin: Plugin,
    /// Its file in the org's folder.
    pub file: String,
    /// `shadow_config`: laid over each live input's config for it.
    pub config: Config,
    /// When it started shadowing.
    pub since: Time,
}

impl Registry {
    /// Sets or clears (`None`) `org`'s `slot`'s shadow.
    pub fn set_shadow(&self, org: &str, slot: Slot, shadow: Option<ShadowSlot>) {
        let key = (org.to_string(), slot);
        match shadow {
            Some(shadow) => {
                write(&self.shadows).insert(key, shadow);
            }
            None => {
                write(&self.shadows).remove(&key);
            }
        }
    }

    /// `org`'s `slot`'s shadow, loaded or refused.
    pub fn shadow_slot(&self, org: &str, slot: Slot) -> Option<ShadowSlot> {
        read(&self.shadows).get(&(org.to_string(), slot)).cloned()
    }

    /// `org`'s `slot`'s running shadow.
    pub fn shadow(&self, org: &str, slot: Slot) -> Option<Shadow> {
        match read(&self.shadows).get(&(org.to_string(), slot)) {
            Some(ShadowSlot::Running(shadow)) => Some(shadow.clone()),
            _ => None,
        }
    }
}
