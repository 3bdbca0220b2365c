//! Hosts on one shared store take up each other's plug-in versions: a
//! version an upload, a rollback or a file dropped on any host made active
//! is the latest entry of its slot's history in the store, and every other
//! host places that same version (component and config, from the store's
//! copy when its data folder lacks one) through the path a rollback takes:
//! checked, written into its org folder, reloaded. The entry is not
//! written again (the slot's last entry already names it).
//!
//! Which orgs to take up is decided by [`SharedVersions::due`] from the
//! store's history marks, read when a notice says a version was added and
//! polled besides (one query for every org). Each org
//! is taken up on its own (one at a time per org), so one org's slow check
//! holds up no other org's.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use super::folder::FolderError;
use super::install::InstallError;
use super::loader::{LoadError, PluginLoader};
use super::org_file::OrgFile;
use crate::model::{ContentHash, Slot};
use crate::store::{PluginVersion, config_digest};

/// How long an org whose version could not be placed here (refused on
/// this host's load, files failing) waits before it is tried again.
pub const RETRY_AFTER: Duration = Duration::from_secs(5);

/// What one host has taken up of the store's plug-in histories: each
/// org's history mark as last taken up, the orgs being taken up now, and
/// those waiting to be tried again.
#[derive(Debug, Default)]
pub struct SharedVersions {
    placed: HashMap<String, u64>,
    retry: HashMap<String, Instant>,
    running: HashSet<String>,
}

impl SharedVersions {
    /// The orgs to take up now, given the store's history marks
    /// ([`crate::store::Store::plugin_history_marks`]): each whose history
    /// moved since it was last taken up (on the first call: every org with
    /// one) or whose retry is due, and that is not being taken up already
    /// (its mark is read again once it ends). They count as running until
    /// [`SharedVersions::finished`].
    pub fn due(&mut self, marks: Vec<(String, u64)>, now: Instant) -> Vec<String> {
        let mut due = Vec::new();
        for (org, mark) in marks {
            if self.running.contains(&org) {
                continue;
            }
            let moved = self.placed.get(&org) != Some(&mark);
            let tried_now = match self.retry.get(&org) {
                Some(at) => *at <= now,
                None => moved,
            };
            self.placed.insert(org.clone(), mark);
            if tried_now {
                self.running.insert(org.clone());
                due.push(org);
            }
        }
        due
    }

    /// Records the end of `org`'s take-up: one that failed is tried again
    /// [`RETRY_AFTER`] from `now`.
    pub fn finished(&mut self, org: &str, result: &Result<usize, InstallError>, now: Instant) {
        self.running.remove(org);
        match result {
            Ok(_) => {
                self.retry.remove(org);
            }
            Err(error) => {
                tracing::warn!(org, %error, retry_in = ?RETRY_AFTER, "the database's plug-in versions cannot all be placed here yet");
                self.retry.insert(org.to_string(), now + RETRY_AFTER);
            }
        }
    }
}

/// Marks a slot as being taken up while it lives (see
/// `PluginLoader::taking_up`).
struct TakingUp<'a> {
    loader: &'a PluginLoader,
    key: (String, Slot),
}

impl<'a> TakingUp<'a> {
    fn new(loader: &'a PluginLoader, org: &str, slot: Slot) -> Self {
        let key = (org.to_string(), slot);
        loader.taking_up_set().insert(key.clone());
        TakingUp { loader, key }
    }
}

impl Drop for TakingUp<'_> {
    fn drop(&mut self) {
        self.loader.taking_up_set().remove(&self.key);
    }
}

impl PluginLoader {
    fn taking_up_set(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashSet<(String, Slot)>> {
        self.taking_up
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Places the latest version of each of `org`'s slots from the store's
    /// history where this host serves another (or none); answers how many.
    /// An org without a folder here (a host started on an empty data
    /// folder) gets one first, as a new org does; a host starting takes
    /// up before it reads its folders, so the database's versions win
    /// over files left from before.
    pub fn take_up(&self, org: &str) -> Result<usize, InstallError> {
        self.locked(org, || {
            if !self.folders.org_dir(org).join(super::ORG_FILE).is_file() {
                self.folders.init_org(org).map_err(LoadError::from)?;
            }
            let history = self
                .engine
                .store()
                .plugin_versions(org)
                .map_err(LoadError::from)?;
            let (mut placed, mut failed) = (0, None);
            for slot in Slot::ALL {
                let Some(latest) = history.iter().rev().find(|version| version.slot == slot)
                else {
                    continue;
                };
                let serving = match self.registry().active(org, slot) {
                    Some(active) => {
                        active.plugin.id().hash == latest.hash
                            && (latest.config_digest.is_empty()
                                || config_digest(&active.config) == latest.config_digest)
                    }
                    // At start nothing serves yet: a folder already holding
                    // the version is left to the reload that follows.
                    None => self.folder_holds(org, slot, latest),
                };
                if serving {
                    continue;
                }
                let reference = match latest.config_digest.as_str() {
                    "" => latest.hash.to_string(),
                    digest => format!("{}:{digest}", latest.hash),
                };
                // One slot that cannot be placed leaves the others to be.
                let _taking_up = TakingUp::new(self, org, slot);
                match self.rollback_locked(org, slot, &reference) {
                    Ok(version) => {
                        tracing::info!(org, %slot, hash = %version.hash, config_digest = %version.config_digest, "placed the database's version");
                        placed += 1;
                    }
                    Err(error) => {
                        tracing::warn!(org, %slot, %error, "the database's version cannot be placed here");
                        failed.get_or_insert(error);
                    }
                }
            }
            failed.map_or(Ok(placed), Err)
        })
    }

    /// Whether `org`'s folder names `version` for `slot`: the same
    /// component bytes and the same config.
    fn folder_holds(&self, org: &str, slot: Slot, version: &PluginVersion) -> bool {
        let dir = self.folders.org_dir(org);
        let Ok(file) = OrgFile::read(&dir) else {
            return false;
        };
        let Some(entry) = file.plugins.get(slot) else {
            return false;
        };
        std::fs::read(dir.join(&entry.component)).is_ok_and(|bytes| {
            ContentHash::of(&bytes) == version.hash
                && (version.config_digest.is_empty()
                    || config_digest(&entry.config) == version.config_digest)
        })
    }

    /// The kept copy of component `hash`: the data folder's, else a shared
    /// store's (then kept in the folder as well). Errors: neither has it,
    /// the store's copy is not what its hash says, or files failing.
    pub(super) fn kept_copy(&self, hash: &ContentHash) -> Result<Vec<u8>, LoadError> {
        let path = self.folders.kept_path(hash);
        self.kept_or_fetched(&path, &hash.to_string(), |bytes| {
            self.folders.keep(hash, bytes)
        })
    }

    /// The kept text of the sample cases whose sha256 is `digest`, the same
    /// way as [`PluginLoader::kept_copy`].
    pub(super) fn kept_cases_copy(&self, digest: &str) -> Result<Vec<u8>, LoadError> {
        let path = self.folders.kept_cases_path(digest);
        self.kept_or_fetched(&path, digest, |text| self.folders.keep_cases(digest, text))
    }

    fn kept_or_fetched(
        &self,
        path: &std::path::Path,
        digest: &str,
        keep: impl FnOnce(&[u8]) -> Result<(), FolderError>,
    ) -> Result<Vec<u8>, LoadError> {
        let missing = match std::fs::read(path) {
            Ok(bytes) => return Ok(bytes),
            Err(error) => error,
        };
        // A first-party component is in the binary: a store migrated from
        // sled has no copy of it.
        if let Some(builtin) = crate::builtin::ALL
            .iter()
            .chain(&crate::builtin::OTHER_ROUTING_POLICIES)
            .find(|builtin| ContentHash::of(builtin.bytes).to_string() == digest)
        {
            keep(builtin.bytes)?;
            return Ok(builtin.bytes.to_vec());
        }
        let store = self.engine.store();
        let fetched = match store.plugin_file(digest)? {
            // A copy that does not hash to its key is not used.
            Some(bytes) if ContentHash::of(&bytes).to_string() == digest => bytes,
            _ => {
                return Err(LoadError::Folder(FolderError {
                    path: path.to_path_buf(),
                    source: missing,
                }));
            }
        };
        keep(&fetched)?;
        Ok(fetched)
    }
}

#[cfg(test)]
mod tests;
