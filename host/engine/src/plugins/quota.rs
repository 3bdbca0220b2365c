//! Each org's bound on the disk its plug-in files take: what an org token
//! can write (uploads, sample cases) must not fill the disk every org
//! shares. Counted: the regular files of the org's folder, and the kept
//! copy (`components/<sha256>.wasm`, for rollback and replay) of every
//! component its history names and of the sample cases each passed, each
//! once, and the history's records themselves. A file dropped into the folder
//! by hand is not refused (whoever writes there has the disk already) but
//! counts toward the next upload.

use std::collections::BTreeSet;

use super::folder::FolderError;
use super::install::InstallError;
use super::loader::{LoadError, PluginLoader};
use crate::runtime::ContentHash;

/// The default bound, `[limits] org_disk_mib`: 512 MiB, about 3,000
/// versions of a 168 KB first-party component.
pub const ORG_DISK_BYTES: u64 = 512 << 20;

impl PluginLoader {
    /// Bytes `org`'s plug-in files take now (see the module's doc).
    ///
    /// Errors: the folder or the history cannot be read.
    pub fn org_disk_used(&self, org: &str) -> Result<u64, LoadError> {
        let dir = self.folders.org_dir(org);
        let mut used = 0;
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(source) => return Err(FolderError { path: dir, source }.into()),
        };
        for entry in entries.flatten() {
            // Not followed: a link's target is not the org's file.
            if let Ok(meta) = std::fs::symlink_metadata(entry.path())
                && meta.is_file()
            {
                used += meta.len();
            }
        }
        let history = self.engine.store().plugin_versions(org)?;
        // The history's own records (each version's config and changes),
        // as their JSON: a config change writes no file but grows them.
        used += serde_json::to_vec(&history).map_or(0, |json| json.len() as u64);
        let components: BTreeSet<ContentHash> =
            history.iter().map(|version| version.hash).collect();
        let cases: BTreeSet<&str> = history
            .iter()
            .filter_map(|version| version.cases_digest.as_deref())
            .filter(|digest| !digest.is_empty())
            .collect();
        let kept = components
            .iter()
            .map(|hash| self.folders.kept_path(hash))
            .chain(
                cases
                    .iter()
                    .map(|digest| self.folders.kept_cases_path(digest)),
            );
        for path in kept {
            if let Ok(meta) = std::fs::symlink_metadata(path) {
                used += meta.len();
            }
        }
        Ok(used)
    }

    /// Refuses to write `adding` more bytes for `org` past its bound.
    ///
    /// Errors: [`InstallError::OrgDiskFull`]; the folder or history failing.
    pub(super) fn check_quota(&self, org: &str, adding: u64) -> Result<(), InstallError> {
        let used = self.org_disk_used(org)?;
        if used.saturating_add(adding) > self.org_disk_bytes {
            return Err(InstallError::OrgDiskFull {
                used,
                adding,
                limit: self.org_disk_bytes,
            });
        }
        Ok(())
    }
}
