//! Cranelift's result for each function, on disk, so a rebuilt component
//! recompiles only the functions that changed: a plug-in rebuilt after an
//! edit to one rule shares almost all of its functions with the version
//! before it. Cranelift keys each entry by a SHA-256 of the function's
//! code as it compiles it and of the target and settings, and each entry
//! carries Cranelift's version: an entry from another version, or one that
//! does not decode, is compiled afresh. The host and its compile worker
//! share the folder (`<cache dir>/functions`), which belongs to the host
//! like the precompiled code beside it.

use std::borrow::Cow;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use wasmtime::CacheStore;

/// The folder's name under the runtime's cache folder.
pub const FOLDER: &str = "functions";

/// Bytes of entries the folder keeps: past it, those used least recently
/// go first (their
/// functions are compiled again, once). A rule plug-in's functions take
/// ~1 MB; an interpreter's tens of MB, so one tenant's big uploads can
/// push out another's entries, which costs that tenant a full compile,
/// never a wrong answer.
pub const FUNCTION_CACHE_BYTES: u64 = 256 << 20;

/// The folder of entries, as Cranelift's [`CacheStore`].
#[derive(Debug)]
pub struct FunctionCache {
    /// One file per entry, named by the key in hex.
    dir: PathBuf,
    /// Tells this process's partial files apart.
    writes: AtomicU64,
}

impl FunctionCache {
    /// The cache in `dir`, created if missing.
    pub fn open(dir: &Path) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        Ok(FunctionCache {
            dir: dir.to_path_buf(),
            writes: AtomicU64::new(0),
        })
    }

    fn path(&self, key: &[u8]) -> PathBuf {
        self.dir.join(hex::encode(key))
    }
}

impl CacheStore for FunctionCache {
    fn get(&self, key: &[u8]) -> Option<Cow<'_, [u8]>> {
        let mut file = fs::File::open(self.path(key)).ok()?;
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut file, &mut bytes).ok()?;
        // Used now: [`trim`] removes the entries used least recently.
        let _ = file.set_modified(std::time::SystemTime::now());
        Some(Cow::Owned(bytes))
    }

    fn insert(&self, key: &[u8], value: Vec<u8>) -> bool {
        let path = self.path(key);
        // Written then renamed: a reader never sees half an entry, and two
        // writers of one key write the same bytes.
        let partial = self.dir.join(format!(
            ".{}.{}.{}.partial",
            hex::encode(key),
            std::process::id(),
            self.writes.fetch_add(1, Ordering::Relaxed)
        ));
        let written = fs::write(&partial, value).and_then(|()| fs::rename(&partial, &path));
        if written.is_err() {
            let _ = fs::remove_file(&partial);
        }
        written.is_ok()
    }
}

/// Removes the entries of `dir` used least recently until they take at most `bytes`,
/// and partial files a crashed writer left; a folder that cannot be read
/// is left as it is. Answers the bytes removed.
pub fn trim(dir: &Path, bytes: u64) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut files: Vec<(std::time::SystemTime, u64, PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let metadata = entry
                .metadata()
                .ok()
                .filter(|metadata| metadata.is_file())?;
            Some((metadata.modified().ok()?, metadata.len(), entry.path()))
        })
        .collect();
    let mut total: u64 = files.iter().map(|(_, len, _)| len).sum();
    let mut removed = 0;
    // An hour-old partial file has no writer left.
    let stale = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    files.retain(|(modified, len, path)| {
        let partial = path.extension().is_some_and(|ext| ext == "partial");
        if partial && *modified < stale && fs::remove_file(path).is_ok() {
            total -= len;
            removed += len;
            return false;
        }
        !partial
    });
    if total <= bytes {
        return removed;
    }
    files.sort();
    for (_, len, path) in files {
        if total <= bytes {
            break;
        }
        if fs::remove_file(&path).is_ok() {
            total -= len;
            removed += len;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_reads_back_and_a_missing_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let cache = FunctionCache::open(&dir.path().join("functions")).unwrap();
        assert!(cache.get(b"key").is_none());
        assert!(cache.insert(b"key", b"compiled".to_vec()));
        assert_eq!(cache.get(b"key").as_deref(), Some(&b"compiled"[..]));
        // Overwriting a key (two writers of one function) keeps one entry.
        assert!(cache.insert(b"key", b"compiled".to_vec()));
        let files: Vec<_> = fs::read_dir(&cache.dir).unwrap().flatten().collect();
        assert_eq!(files.len(), 1, "no partial file is left behind");
    }

    #[test]
    fn trim_removes_the_entries_used_least_recently_past_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let cache = FunctionCache::open(dir.path()).unwrap();
        for key in 0u8..10 {
            assert!(cache.insert(&[key], vec![key; 100]));
            // File times are coarse: set them apart.
            let at = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(key.into());
            fs::File::options()
                .write(true)
                .open(cache.path(&[key]))
                .unwrap()
                .set_modified(at)
                .unwrap();
        }
        assert_eq!(trim(dir.path(), 1_000), 0, "within the bound: nothing goes");
        assert_eq!(trim(dir.path(), 450), 600);
        let kept: Vec<u8> = (0u8..10)
            .filter(|key| cache.get(&[*key]).is_some())
            .collect();
        assert_eq!(kept, vec![6, 7, 8, 9], "the newest stay");
    }
}
