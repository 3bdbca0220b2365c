//! The files behind the plug-ins: each org's folder
//! (`<data>/orgs/<org>/org.toml` and its components) and the kept copy of
//! every version ever activated (`<data>/components/<sha256>.wasm`), which
//! rollbacks and restarts restore from. File operations only; deciding what
//! is active is the loader's job.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::org_file::{ORG_FILE, OrgFile, SlotEntry};
use crate::builtin;
use crate::model::Config;
use crate::runtime::{ContentHash, Slot};

/// A file operation failed.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct FolderError {
    /// The file or folder.
    pub path: PathBuf,
    /// Why.
    pub source: std::io::Error,
}

/// The plug-in files of every org, under a data folder.
#[derive(Debug, Clone)]
pub struct OrgFolders {
    /// `<data>/orgs`.
    orgs: PathBuf,
    /// `<data>/components`.
    kept: PathBuf,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FolderError + '_ {
    move |source| FolderError {
        path: path.to_path_buf(),
        source,
    }
}

/// Longest `org.toml` read, in bytes: a page of settings, not data.
pub const ORG_FILE_MAX: u64 = 1 << 20;

/// Longest sample-cases file read, in bytes (at most [`super::MAX_CASES`]
/// cases of a lead each).
pub const CASES_MAX: u64 = 8 << 20;

/// Reads a file of an org's folder, which its tenant writes: only a
/// regular file, never followed through a link, opened without blocking
/// (a FIFO would hold a reload thread), at most `max` bytes (a sparse
/// 4 GiB `org.toml` took the process down).
///
/// Errors: the file is missing or unreadable; `InvalidInput` for a link, a
/// pipe, a device or a folder; `FileTooLarge` above `max`.
pub fn read_org_file(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|error| match error.raw_os_error() {
            Some(libc::ELOOP) => Error::new(
                ErrorKind::InvalidInput,
                "it is a symbolic link; links in an org's folder are never followed",
            ),
            _ => error,
        })?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "it is not a regular file (a pipe, a device or a folder is never read)",
        ));
    }
    let too_large = |size: u64| {
        Error::new(
            ErrorKind::FileTooLarge,
            format!("it is {size} bytes; at most {max} are read"),
        )
    };
    if meta.len() > max {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Writes `bytes` to `path` so that readers see the old file or the whole
/// new one, never a part: a new hidden file beside it (a random name,
/// created exclusively, so a symlink planted in the folder is never written
/// through), synced, then renamed over `path` (a rename replaces a symlink
/// at `path` itself, it does not follow it).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FolderError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".")
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(io(dir))?;
    file.write_all(bytes).map_err(io(file.path()))?;
    file.as_file().sync_all().map_err(io(path))?;
    file.persist(path).map_err(|error| FolderError {
        path: path.to_path_buf(),
        source: error.error,
    })?;
    Ok(())
}

impl OrgFolders {
    /// The folders of the data folder `data_dir`.
    pub fn new(data_dir: &Path) -> Self {
        OrgFolders {
            orgs: data_dir.join("orgs"),
            kept: data_dir.join("components"),
        }
    }

    /// `<data>/orgs`: what the watcher watches.
    pub fn root(&self) -> &Path {
        &self.orgs
    }

    /// `<data>/orgs/<org>`.
    pub fn org_dir(&self, org: &str) -> PathBuf {
        self.orgs.join(org)
    }

    /// The org a changed path under [`OrgFolders::root`] belongs to, unless
    /// it is a hidden file (an editor's or our own partial write).
    pub fn org_of(&self, path: &Path) -> Option<String> {
        let relative = path.strip_prefix(&self.orgs).ok()?;
        let hidden = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'));
        let org = relative.components().next()?.as_os_str().to_str()?;
        (!hidden && !org.starts_with('.')).then(|| org.to_string())
    }

    /// The orgs whose folder, or a file in it, changed at or after `since`
    /// (by inode change time: a write, a rename into place or a deletion),
    /// hidden names aside as in [`OrgFolders::org_of`]. The watcher asks
    /// this once it watches, for what changed between the start-up read and
    /// its first event. Stats only; unreadable entries are skipped.
    pub fn orgs_changed_since(&self, since: SystemTime) -> Vec<String> {
        fn changed(path: &Path) -> Option<SystemTime> {
            use std::os::unix::fs::MetadataExt;
            let meta = std::fs::symlink_metadata(path).ok()?;
            let nanos = u32::try_from(meta.ctime_nsec()).unwrap_or(0);
            let seconds = u64::try_from(meta.ctime()).ok()?;
            Some(SystemTime::UNIX_EPOCH + Duration::new(seconds, nanos))
        }
        let Ok(orgs) = std::fs::read_dir(&self.orgs) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for org in orgs.flatten() {
            let dir = org.path();
            let Some(name) = self.org_of(&dir) else {
                continue;
            };
            let entries = std::fs::read_dir(&dir).into_iter().flatten().flatten();
            let newest = std::iter::once(dir.clone())
                .chain(entries.map(|entry| entry.path()))
                .filter_map(|path| changed(&path))
                .max();
            if newest.is_some_and(|at| at >= since) {
                found.push(name);
            }
        }
        found.sort();
        found
    }

    /// Gives a new org's folder the first-party plug-ins, an `org.toml`
    /// naming the default of each slot, and the other routing policies, unless it already has an `org.toml` (an admin may
    /// prepare the folder before creating the org).
    pub fn init_org(&self, org: &str) -> Result<(), FolderError> {
        let dir = self.org_dir(org);
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        if dir.join(ORG_FILE).exists() {
            return Ok(());
        }
        let mut file = OrgFile::default();
        for plugin in builtin::ALL {
            let component = format!("{}.wasm", plugin.name);
            write_atomically(&dir.join(&component), plugin.bytes)?;
            file.plugins.set(
                plugin.slot,
                SlotEntry {
                    component,
                    config: Default::default(),
                    shadow: None,
                    max_change: None,
                    shadow_config: Default::default(),
                },
            );
        }
        // The other first-party routing policies sit beside them, so an
        // admin can switch by naming one in org.toml.
        for plugin in builtin::OTHER_ROUTING_POLICIES {
            write_atomically(&dir.join(format!("{}.wasm", plugin.name)), plugin.bytes)?;
        }
        self.write_org_file(org, &file)
    }

    /// Replaces `org.toml` atomically.
    pub fn write_org_file(&self, org: &str, file: &OrgFile) -> Result<(), FolderError> {
        write_atomically(&self.org_dir(org).join(ORG_FILE), file.to_text().as_bytes())
    }

    /// Points `org.toml`'s entry for `slot` at `component` with `config`,
    /// leaving the rest of the file as written (see `org_file/edit.rs`).
    ///
    /// Errors: the file cannot be read or written, or is not TOML of the
    /// expected shape (nothing is written then).
    pub fn set_slot_entry(
        &self,
        org: &str,
        slot: Slot,
        component: &str,
        config: &Config,
    ) -> Result<(), FolderError> {
        let path = self.org_dir(org).join(ORG_FILE);
        let invalid = |message: String| FolderError {
            path: path.clone(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, message),
        };
        let bytes = read_org_file(&path, ORG_FILE_MAX).map_err(io(&path))?;
        let text = String::from_utf8(bytes).map_err(|error| invalid(error.to_string()))?;
        let edited =
            super::org_file::edit::set_slot(&text, slot, component, config).map_err(invalid)?;
        OrgFile::parse(&path, &edited).map_err(|error| invalid(error.to_string()))?;
        // Never written larger than it may be read back: the org would be
        // locked out of every change until someone edits the file by hand.
        if edited.len() as u64 > ORG_FILE_MAX {
            return Err(invalid(format!(
                "the edited file would be {} bytes; at most {ORG_FILE_MAX} are read",
                edited.len()
            )));
        }
        write_atomically(&path, edited.as_bytes())
    }

    /// `<data>/components/<hash>.wasm`.
    pub fn kept_path(&self, hash: &ContentHash) -> PathBuf {
        self.kept.join(format!("{hash}.wasm"))
    }

    /// Where the sample cases whose text has the sha256 `digest` are kept.
    pub fn kept_cases_path(&self, digest: &str) -> PathBuf {
        self.kept.join(format!("{digest}.cases.json"))
    }

    /// Keeps a copy of the sample cases a version passed (once per text).
    pub fn keep_cases(&self, digest: &str, text: &[u8]) -> Result<(), FolderError> {
        let path = self.kept_cases_path(digest);
        if path.exists() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.kept).map_err(io(&self.kept))?;
        write_atomically(&path, text)
    }

    /// Keeps a copy of a version about to be activated (once per hash).
    pub fn keep(&self, hash: &ContentHash, bytes: &[u8]) -> Result<(), FolderError> {
        let path = self.kept_path(hash);
        if path.exists() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.kept).map_err(io(&self.kept))?;
        write_atomically(&path, bytes)
    }

    /// The kept versions whose hash starts with `prefix` (hex).
    pub fn find_kept(&self, prefix: &str) -> Vec<ContentHash> {
        let prefix = prefix.trim().to_ascii_lowercase();
        let Ok(entries) = std::fs::read_dir(&self.kept) else {
            return Vec::new();
        };
        let mut found: Vec<ContentHash> = entries
            .filter_map(|entry| {
                let name = entry.ok()?.file_name().to_string_lossy().into_owned();
                let hash = name.strip_suffix(".wasm")?;
                hash.starts_with(&prefix).then(|| hash.parse().ok())?
            })
            .collect();
        found.sort_by_key(ToString::to_string);
        found
    }
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn an_atomic_write_never_writes_through_a_planted_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "untouched").unwrap();
        let path = dir.path().join("org.toml");
        // The old fixed temp name, and the target itself, both planted.
        std::os::unix::fs::symlink(&victim, dir.path().join(".org.toml.partial")).unwrap();
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
        assert!(std::fs::symlink_metadata(&path).unwrap().is_file());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }

    use super::*;

    #[test]
    fn a_new_org_gets_the_first_party_plugins_and_an_org_file() {
        let dir = tempfile::tempdir().unwrap();
        let folders = OrgFolders::new(dir.path());
        folders.init_org("acme").unwrap();
        let file = OrgFile::read(&folders.org_dir("acme")).unwrap();
        for plugin in builtin::ALL {
            let entry = file.plugins.get(plugin.slot).unwrap();
            let bytes = std::fs::read(folders.org_dir("acme").join(&entry.component)).unwrap();
            assert_eq!(bytes, plugin.bytes);
        }
        let hidden = folders.org_dir("acme").join(".x.wasm.partial");
        assert_eq!(folders.org_of(&hidden), None);
        let component = folders.org_dir("acme").join("x.wasm");
        assert_eq!(folders.org_of(&component).as_deref(), Some("acme"));
    }

    #[test]
    fn kept_versions_are_found_by_hash_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let folders = OrgFolders::new(dir.path());
        let hash = ContentHash::of(b"one");
        folders.keep(&hash, b"one").unwrap();
        assert_eq!(folders.find_kept(&hash.short()), [hash]);
        assert!(folders.find_kept("zz").is_empty());
    }

    #[test]
    fn only_regular_files_within_their_size_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("org.toml");
        std::fs::write(&file, "x = 1\n").unwrap();
        assert_eq!(read_org_file(&file, 100).unwrap(), b"x = 1\n");
        let large = read_org_file(&file, 3).unwrap_err();
        assert_eq!(large.kind(), std::io::ErrorKind::FileTooLarge, "{large}");
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let error = read_org_file(&link, 100).unwrap_err();
        assert!(error.to_string().contains("symbolic link"), "{error}");
        let fifo = dir.path().join("fifo.toml");
        let path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
        let error = read_org_file(&fifo, 100).unwrap_err();
        assert!(error.to_string().contains("not a regular file"), "{error}");
        assert!(read_org_file(&dir.path().join("missing"), 100).is_err());
    }
}
