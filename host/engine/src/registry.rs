//! Which plug-in version fills each org's slots right now.
//!
//! The engine looks a slot up for every call and keeps the [`Active`] it got
//! for that call, so a swap never changes a call already running. The
//! plug-in layer above (`crate::plugins`: org folders, uploads, reloads)
//! fills it; the engine only reads it.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

mod shadows;

pub use shadows::{Shadow, ShadowSlot};

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

/// A slot's refusal, the digest of the content refused and, for a refusal
/// of the moment, when that content may be checked again.
#[derive(Debug, Clone)]
struct Refused {
    refusal: Refusal,
    checked: ContentHash,
    retry: Option<Retry>,
}

/// A refusal of the moment (a deadline under load, no instance slot free):
/// the same content is checked again at `at`, at most [`TRANSIENT_TRIES`]
/// times in all, so a component that always runs out of time costs a
/// bounded number of checks per change, and a busy moment does not leave
/// a good version refused until someone touches its file.
#[derive(Debug, Clone, Copy)]
struct Retry {
    at: Instant,
    tries: u32,
}

/// How many times the same content is checked when each check fails for a
/// cause of the moment; after that it stays refused until it changes.
pub const TRANSIENT_TRIES: u32 = 5;

/// The wait before the first re-check of a transient refusal; it doubles
/// with each try (1, 2, 4, 8 s: 15 s in all).
pub const TRANSIENT_FIRST_WAIT: Duration = Duration::from_secs(1);

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
    /// `(org, slot)` → its shadow, loaded or refused.
    shadows: Arc<RwLock<HashMap<(String, Slot), ShadowSlot>>>,
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
    ///
    /// A `transient` refusal (the check failed on the host's load, not on
    /// the component) is checked again: the answer is how long to wait
    /// before reloading, doubling from [`TRANSIENT_FIRST_WAIT`]; after
    /// [`TRANSIENT_TRIES`] checks of the same content it stays refused
    /// (`None`) until the content changes. Either way the reason says so.
    pub fn refuse(
        &self,
        org: &str,
        slot: Slot,
        mut refusal: Refusal,
        checked: ContentHash,
        transient: bool,
    ) -> Option<Duration> {
        let key = (org.to_string(), slot);
        let mut refusals = write(&self.refusals);
        let retry = transient.then(|| {
            let tries = refusals
                .get(&key)
                .filter(|before| before.checked == checked)
                .and_then(|before| before.retry)
                .map_or(1, |before| before.tries + 1);
            let wait = TRANSIENT_FIRST_WAIT * 2u32.pow(tries.saturating_sub(1).min(16));
            Retry {
                at: Instant::now() + wait,
                tries,
            }
        });
        let wait = retry
            .filter(|retry| retry.tries < TRANSIENT_TRIES)
            .map(|retry| retry.at.saturating_duration_since(Instant::now()));
        match (transient, wait) {
            (true, Some(wait)) => refusal.reason.push_str(&format!(
                " (a failure of the moment: checked again in {} s)",
                wait.as_secs_f64().round()
            )),
            (true, None) => refusal.reason.push_str(&format!(
                " (failed the same way {TRANSIENT_TRIES} times: not checked again until it changes)"
            )),
            (false, _) => {}
        }
        tracing::warn!(org, %slot, name = %refusal.name, reason = %refusal.reason, "plug-in refused; the previous version keeps serving");
        metrics::counter!("leadhost_plugin_refusals_total", "org" => org.to_string(), "slot" => slot.world())
            .increment(1);
        let retry = retry.filter(|_| wait.is_some());
        refusals.insert(
            key,
            Refused {
                refusal,
                checked,
                retry,
            },
        );
        wait
    }

    /// The refusal of `org`'s `slot`, if it was of exactly the content
    /// whose digest is `checked` and that content is not due to be
    /// checked again.
    pub fn refused(&self, org: &str, slot: Slot, checked: ContentHash) -> Option<Refusal> {
        read(&self.refusals)
            .get(&(org.to_string(), slot))
            .filter(|refused| refused.checked == checked)
            .filter(|refused| refused.retry.is_none_or(|retry| Instant::now() < retry.at))
            .map(|refused| refused.refusal.clone())
    }

    /// How soon the next of `org`'s transient refusals is due to be
    /// checked again (zero if it is due now); `None` if none is.
    pub fn next_retry(&self, org: &str) -> Option<Duration> {
        read(&self.refusals)
            .iter()
            .filter(|((each, _), _)| each == org)
            .filter_map(|(_, refused)| refused.retry)
            .map(|retry| retry.at.saturating_duration_since(Instant::now()))
            .min()
    }

    /// The orgs with a transient refusal still to be checked again (a
    /// start-up under load), for the reloader to take up.
    pub fn orgs_to_recheck(&self) -> std::collections::BTreeSet<String> {
        read(&self.refusals)
            .iter()
            .filter(|(_, refused)| refused.retry.is_some())
            .map(|((org, _), _)| org.clone())
            .collect()
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
            .map(|refused| refused.refusal.clone())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal() -> Refusal {
        Refusal {
            name: "fit".into(),
            hash: "ab".into(),
            reason: "sample case 1 failed: the call failed: ran past its deadline of 1s".into(),
            at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_transient_refusal_is_checked_again_a_bounded_number_of_times_then_kept() {
        let registry = Registry::new();
        let slot = Slot::LeadDefinition;
        let checked = ContentHash::of(b"component, config, cases");
        let mut waits = Vec::new();
        for _ in 0..TRANSIENT_TRIES {
            waits.push(registry.refuse("acme", slot, refusal(), checked, true));
        }
        let seconds: Vec<Option<u64>> = waits
            .iter()
            .map(|wait| wait.map(|wait| wait.as_secs_f64().round() as u64))
            .collect();
        assert_eq!(seconds, [Some(1), Some(2), Some(4), Some(8), None]);
        // Given up on: memoized until the content changes, and said so.
        let kept = registry.refused("acme", slot, checked).expect("kept");
        assert!(
            kept.reason.contains("failed the same way 5 times"),
            "{}",
            kept.reason
        );
        assert_eq!(registry.next_retry("acme"), None);
        assert!(registry.orgs_to_recheck().is_empty());
        // Other content starts counting again.
        let other = ContentHash::of(b"changed");
        let wait = registry.refuse("acme", slot, refusal(), other, true);
        assert_eq!(wait.map(|wait| wait.as_secs_f64().round() as u64), Some(1));
        assert!(registry.refused("acme", slot, checked).is_none());
    }

    #[test]
    fn a_transient_refusal_holds_until_due_and_names_its_org_for_a_recheck() {
        let registry = Registry::new();
        let slot = Slot::RoutingPolicy;
        let checked = ContentHash::of(b"x");
        let wait = registry
            .refuse("acme", slot, refusal(), checked, true)
            .unwrap();
        let refused = registry
            .refused("acme", slot, checked)
            .expect("not due yet");
        assert!(
            refused
                .reason
                .ends_with("(a failure of the moment: checked again in 1 s)"),
            "{}",
            refused.reason
        );
        assert!(registry.next_retry("acme").unwrap() <= wait);
        assert_eq!(registry.next_retry("acme-2"), None);
        assert_eq!(
            registry.orgs_to_recheck().into_iter().collect::<Vec<_>>(),
            ["acme"]
        );
    }

    #[test]
    fn a_lasting_refusal_is_kept_as_it_was_said() {
        let registry = Registry::new();
        let slot = Slot::LeadDefinition;
        let checked = ContentHash::of(b"x");
        assert_eq!(
            registry.refuse("acme", slot, refusal(), checked, false),
            None
        );
        assert_eq!(registry.refused("acme", slot, checked), Some(refusal()));
        assert_eq!(registry.next_retry("acme"), None);
    }
}
