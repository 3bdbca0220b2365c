//! The one path by which a plug-in version becomes active. A file dropped
//! into an org's folder, an edit of `org.toml`, an API upload, a rollback
//! and a start-up all end in [`PluginLoader::reload`]: read `org.toml`,
//! check each slot's component (compiles, a supported world for the slot,
//! grants-only imports, sample cases pass), keep a copy and a history entry,
//! then swap it in. Anything refused leaves the version before it serving.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::cases::{cases_path, parse_cases};
use super::check::{CheckFailure, checked_digest_of};
use super::folder::{CASES_MAX, FolderError, ORG_FILE_MAX, OrgFolders, read_org_file};
use super::org_file::{ORG_FILE, OrgFile, OrgFileError, SlotEntry};
use super::{Refusal, Registry};
use crate::model::Config;
use crate::runtime::{Cancel, ContentHash, Runtime, Slot};
use crate::store::{Activation, PluginVersion, StoreError, config_digest};
use crate::{Engine, EngineError};

mod org_locks;
mod settings;

/// A reload could not finish (a refused component is not an error: it is
/// an outcome, and the old version serves on).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file could not be written.
    #[error(transparent)]
    Folder(#[from] FolderError),
    /// The history could not be written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The org's reps from `org.toml` could not be applied.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// What a reload did to one slot.
#[derive(Debug, Clone, PartialEq)]
pub enum SlotOutcome {
    /// The same component and config as before.
    Unchanged,
    /// A new version, or new config, is active.
    Activated(PluginVersion),
    /// The component was refused; the version before it serves on.
    Refused(Refusal),
    /// `org.toml` names no component for the slot: it is empty now.
    Empty,
}

/// What a reload did.
#[derive(Debug, Clone, PartialEq)]
pub struct Reload {
    /// Each slot's outcome; empty when `org.toml` could not be used.
    pub slots: Vec<(Slot, SlotOutcome)>,
    /// Why `org.toml` could not be used, if it could not.
    pub org_file: Option<OrgFileError>,
    /// When a slot stays refused for a cause of the moment (a deadline
    /// under load): how soon to reload the org to check it again.
    pub retry_in: Option<Duration>,
}

impl Reload {
    /// The outcome for `slot`.
    pub fn slot(&self, slot: Slot) -> Option<&SlotOutcome> {
        self.slots
            .iter()
            .find_map(|(each, outcome)| (*each == slot).then_some(outcome))
    }
}

/// Answers whether another reload of the org named waits.
pub type NewerReload = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// Loads and swaps plug-in versions. Cheap to clone.
#[derive(Clone)]
pub struct PluginLoader {
    /// Compiles and checks components (one compiled copy per hash).
    pub(super) runtime: Runtime,
    /// The engine whose registry is swapped and whose store keeps history.
    pub(super) engine: Engine,
    /// The files.
    pub(super) folders: OrgFolders,
    /// One reload at a time per org.
    locks: Arc<Mutex<HashMap<String, Arc<Mutex<()>>>>>,
    /// Longest admin script taken, in bytes.
    pub(super) max_script_bytes: usize,
    /// Each org's bound on its plug-in files, in bytes (`[limits] org_disk_mib`).
    pub(super) org_disk_bytes: u64,
    /// Recorded inputs a new version's impact is measured on (`[reload]
    /// impact_sample`; 0: none).
    pub(super) impact_sample: usize,
    /// The impact last measured, reused by the reload right after.
    pub(super) impact_memo: Arc<super::impact::ImpactMemo>,
    /// Whether a newer reload of an org waits (see
    /// [`PluginLoader::with_newer_reload`]).
    pub(super) newer_reload: Option<NewerReload>,
    /// The hash of each slot's file as last read for `GET …/plugins`.
    pub(super) file_hashes: super::drift::FileHashes,
    /// The slots whose version is being placed from a shared store's
    /// history (`sync.rs`): their reload writes no entry — the history has
    /// it, and a newer one may have landed since the placement began.
    pub(super) taking_up: Arc<Mutex<std::collections::HashSet<(String, Slot)>>>,
    /// When this loader was made, before it first read the org folders:
    /// the watcher reloads what changed since (see [`super::watch`]).
    pub(super) opened: std::time::SystemTime,
}

impl PluginLoader {
    /// The files.
    pub fn folders(&self) -> &OrgFolders {
        &self.folders
    }

    pub(super) fn registry(&self) -> &Registry {
        self.engine.plugins()
    }

    /// Reads `org`'s folder and makes what it names active, slot by slot.
    pub fn reload(&self, org: &str, how: Activation) -> Result<Reload, LoadError> {
        self.locked(org, || self.reload_locked(org, how))
    }

    /// [`PluginLoader::reload`], the org's lock already held.
    pub(super) fn reload_locked(&self, org: &str, how: Activation) -> Result<Reload, LoadError> {
        let dir = self.folders.org_dir(org);
        // The digest of the text read below (a write in between is one more
        // change, read again on its own event).
        let text =
            ContentHash::of(&read_org_file(&dir.join(ORG_FILE), ORG_FILE_MAX).unwrap_or_default());
        let file = match OrgFile::read(&dir) {
            Ok(file) => file,
            Err(error) if self.registry().org_file_refused(org, text) => {
                // Refused before, unchanged since: said once already.
                return Ok(Reload {
                    slots: Vec::new(),
                    org_file: Some(error),
                    retry_in: None,
                });
            }
            Err(error) => {
                tracing::warn!(org, %error, "org.toml refused; everything active keeps serving");
                metrics::counter!("leadhost_org_file_refusals_total", "org" => org.to_string())
                    .increment(1);
                self.registry()
                    .set_org_file_error(org, Some((error.to_string(), text)));
                if self.registry().active(org, Slot::LeadDefinition).is_none() {
                    self.restore_all(org)?;
                }
                return Ok(Reload {
                    slots: Vec::new(),
                    org_file: Some(error),
                    retry_in: None,
                });
            }
        };
        self.registry().set_org_file_error(org, None);
        self.engine
            .settings()
            .set_nurture(org, file.nurture.clone());
        self.engine
            .settings()
            .set_routing(org, file.routing.clone());
        self.engine
            .settings()
            .set_webhooks(org, file.webhooks.clone());
        self.engine
            .settings()
            .set_announcements(org, file.announcements.clone());
        self.engine.settings().set_goals(org, file.goals.clone());
        self.engine
            .settings()
            .set_matching(org, file.matching.clone());
        for rep in &file.reps {
            self.engine.put_rep(org, rep.clone())?;
        }
        for campaign in &file.campaigns {
            self.engine.put_file_campaign(org, campaign.clone())?;
        }
        let mut slots = Vec::new();
        for slot in Slot::ALL {
            let outcome = match file.plugins.get(slot) {
                Some(entry) => self.reload_slot(org, &dir, slot, entry, how)?,
                None => {
                    if self.registry().deactivate(org, slot).is_some() {
                        tracing::warn!(org, %slot, "org.toml names no component: the slot is empty");
                    }
                    SlotOutcome::Empty
                }
            };
            slots.push((slot, outcome));
            self.reload_shadow(org, &dir, slot, file.plugins.get(slot));
        }
        Ok(Reload {
            slots,
            org_file: None,
            retry_in: self.registry().next_retry(org),
        })
    }

    fn reload_slot(
        &self,
        org: &str,
        dir: &Path,
        slot: Slot,
        entry: &SlotEntry,
        how: Activation,
    ) -> Result<SlotOutcome, LoadError> {
        let path = dir.join(&entry.component);
        let name = entry.component.trim_end_matches(".wasm").to_string();
        let max = self.runtime.max_component_bytes() as u64;
        let bytes = match read_org_file(&path, max) {
            Ok(bytes) => bytes,
            Err(error) => {
                let reason = if error.kind() == std::io::ErrorKind::NotFound {
                    format!("{} is missing", entry.component)
                } else {
                    format!("cannot read {}: {error}", entry.component)
                };
                let checked = ContentHash::of(reason.as_bytes());
                let failure = CheckFailure {
                    reason,
                    transient: false,
                };
                return self.refuse(org, slot, (&name, None, checked), failure, &entry.config);
            }
        };
        let hash = ContentHash::of(&bytes);
        let active = self.registry().active(org, slot);
        if let Some(active) = &active {
            let same = active.plugin.id().hash == hash && active.plugin.id().name == name;
            if same && active.config == entry.config {
                self.registry().clear_refusal(org, slot);
                return Ok(SlotOutcome::Unchanged);
            }
        }
        // The cases beside it, read once (as any file of the folder is: no
        // link, no pipe, bounded): the text read is the text checked, keyed
        // and kept with the version.
        let cases_file = cases_path(&path);
        let cases_text = match read_org_file(&cases_file, CASES_MAX) {
            Ok(text) => Some(text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => {
                let reason = format!("cannot read {}: {error}", cases_file.display());
                let checked = ContentHash::of(reason.as_bytes());
                let failure = CheckFailure {
                    reason,
                    transient: false,
                };
                let refused = (name.as_str(), Some(hash), checked);
                return self.refuse(org, slot, refused, failure, &entry.config);
            }
        };
        let text = cases_text.as_deref().unwrap_or_default();
        let checked = checked_digest_of(&name, hash, &entry.config, text);
        // A refusal for impact holds for this bound only: raising it is a
        // change to check again.
        let checked = match entry.max_change {
            Some(max) => ContentHash::of(format!("{checked}:max_change={max}").as_bytes()),
            None => checked,
        };
        if let Some(refusal) = self.registry().refused(org, slot, checked) {
            // The same content was refused already: not checked, logged or
            // counted again until something in it changes.
            return Ok(SlotOutcome::Refused(refusal));
        }
        // What the history last recorded for the slot, found again with
        // nothing serving (a start-up): it passed its cases when it was
        // recorded; run them again at the next change, not while every org
        // waits for the server to start.
        let recorded = active.is_none()
            && self
                .engine
                .store()
                .plugin_versions(org)?
                .iter()
                .rev()
                .find(|version| version.slot == slot)
                .is_some_and(|last| last.is(&name, hash, &config_digest(&entry.config)));
        let cases = match &cases_text {
            Some(text) if !recorded => {
                parse_cases(&cases_file, text).map_err(|error| CheckFailure {
                    reason: error.to_string(),
                    transient: false,
                })
            }
            _ => Ok(Vec::new()),
        };
        let checked_plugin = cases.and_then(|cases| {
            self.check_with_cases(
                &name,
                &bytes,
                slot,
                &path,
                &entry.config,
                Some(&cases),
                &Cancel::new(),
            )
        });
        let checked_plugin = checked_plugin.and_then(|plugin| {
            self.config_still_answers(org, &plugin, &entry.config)
                .map(|()| plugin)
        });
        let plugin = match checked_plugin {
            Ok(plugin) => plugin,
            Err(failure) => {
                let refused = (name.as_str(), Some(hash), checked);
                return self.refuse(org, slot, refused, failure, &entry.config);
            }
        };
        // Sample cases first, then the impact (not at a start-up serving
        // what the history recorded: nothing changes then). Without a
        // `max_change` to pass, the version serves first and its impact is
        // measured right after (unless the upload that wrote the file has
        // just measured it): a reload is then a compile, not a compile and
        // two calls on each of up to 1,000 recorded inputs.
        let after = !recorded
            && entry.max_change.is_none()
            && self
                .memoized(&super::impact::Candidate {
                    org,
                    slot,
                    plugin: &plugin,
                    config: &entry.config,
                    serving: active.as_ref(),
                })
                .is_none();
        let impact = match recorded || after {
            true => Ok(None),
            false => self.within_max_change(org, slot, &plugin, &entry.config, entry.max_change),
        };
        let impact = match impact {
            Ok(impact) => impact,
            Err(failure) => {
                let refused = (name.as_str(), Some(hash), checked);
                return self.refuse(org, slot, refused, failure, &entry.config);
            }
        };
        let (version, new) = self.record(
            org,
            slot,
            &plugin,
            &bytes,
            how,
            &entry.config,
            cases_text.as_deref(),
            impact,
        )?;
        self.runtime.keep(&plugin);
        self.registry()
            .activate(org, plugin.clone(), entry.config.clone(), version.at);
        self.registry().clear_refusal(org, slot);
        if new {
            metrics::counter!("leadhost_plugin_activations_total", "org" => org.to_string(), "slot" => slot.world(), "how" => version.how.label())
                .increment(1);
            tracing::info!(org, %slot, name = %version.name, hash = %version.hash, config_digest = %version.config_digest, how = version.how.label(), "plug-in version active");
        } else {
            // A start-up serving what the history last recorded: no new
            // version, so no activation to count or announce.
            tracing::debug!(org, %slot, name = %version.name, hash = %version.hash, "plug-in version serving again");
        }
        // Announced first: it serves now, whatever its figure.
        let version = match after && new {
            true => self.measure_after(org, &plugin, version, active.as_ref()),
            false => version,
        };
        Ok(SlotOutcome::Activated(version))
    }

    /// Refuses `(name, component hash, digest of what was checked)` for
    /// `org`'s `slot`.
    fn refuse(
        &self,
        org: &str,
        slot: Slot,
        (name, hash, checked): (&str, Option<ContentHash>, ContentHash),
        CheckFailure { reason, transient }: CheckFailure,
        config: &Config,
    ) -> Result<SlotOutcome, LoadError> {
        let serving = self.registry().active(org, slot);
        let refusal = Refusal {
            name: name.to_string(),
            hash: hash.map(|hash| hash.to_string()).unwrap_or_default(),
            reason: match &serving {
                Some(active) => format!("{reason}; {} keeps serving", active.plugin.id()),
                None => reason,
            },
            at: self.engine.now(),
        };
        // Restored first: a reader never sees the refusal with nothing serving.
        if serving.is_none() {
            self.restore(org, slot, config)?;
        }
        self.registry()
            .refuse(org, slot, refusal.clone(), checked, transient);
        Ok(SlotOutcome::Refused(refusal))
    }
}
