//! Whether an org's folder says what its slots serve: after a refused edit,
//! `org.toml` (or the file it names) differs from the version serving, and
//! an admin reading the slot must see that, and why, without comparing
//! files by hand.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use super::loader::PluginLoader;
use super::org_file::OrgFile;
use crate::model::Slot;
use crate::runtime::ContentHash;
use crate::store::config_changes;

/// The hash of the file each org's slot names, as last read, with what
/// identified the file then: a `GET …/plugins` hashes a component (up to
/// the compile limit, per slot) only when its file changed, not on every
/// request. One entry per org and slot.
#[derive(Clone, Default)]
pub(super) struct FileHashes(Arc<Mutex<HashMap<(String, Slot), Hashed>>>);

/// A file's stamp when it was read, and its hash.
type Hashed = (Stamp, ContentHash);

/// What tells a file's versions apart without reading it: its inode (a
/// rename into place), size and modification time (an edit in place).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    inode: u64,
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::symlink_metadata(path).ok()?;
        Some(Stamp {
            inode: meta.ino(),
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

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
            let hash = self.file_hash(org, slot, &dir.join(&entry.component));
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

    /// The hash of `path`, `org`'s `slot`'s file, read only if it changed
    /// since it was last hashed; `None` when it cannot be read.
    fn file_hash(&self, org: &str, slot: Slot, path: &Path) -> Option<ContentHash> {
        let stamp = Stamp::of(path)?;
        let key = (org.to_string(), slot);
        let known = self.file_hashes.0.lock().ok()?.get(&key).copied();
        if let Some((known, hash)) = known
            && known == stamp
        {
            return Some(hash);
        }
        let max = self.runtime.max_component_bytes() as u64;
        let hash = super::folder::read_org_file(path, max)
            .map(|bytes| ContentHash::of(&bytes))
            .ok()?;
        // A file changed in the last moments may change again within the
        // same timestamp tick (a few ms) with the same size: its stamp is
        // not trusted until it has been quiet (git's "racy clean" rule).
        let settled = stamp.modified.is_some_and(|modified| {
            modified
                .elapsed()
                .is_ok_and(|quiet| quiet >= std::time::Duration::from_secs(2))
        });
        if settled && let Ok(mut hashes) = self.file_hashes.0.lock() {
            hashes.insert(key, (stamp, hash));
        }
        Some(hash)
    }
}
