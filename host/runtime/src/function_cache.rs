//! Cranelift's result for each function, on disk, so a rebuilt component
//! recompiles only the functions that changed: a plug-in rebuilt after an
//! edit to one rule shares almost all of its functions with the version
//! before it. Cranelift keys each entry by a SHA-256 of the function's
//! code as it compiles it and of the target and settings, and each entry
//! carries Cranelift's version: an entry from another version, or one that
//! does not decode, is compiled afresh. Each file also holds a SHA-256 of
//! its key and entry, so a damaged file is never loaded.
//!
//! The host and its compile worker share the folder (`<cache
//! dir>/functions`). A worker writes what it compiles into a staging
//! folder of its own, merged into the cache only once its compile
//! succeeded: a compile stopped at its CPU-time budget leaves nothing to
//! resume from. Entries are machine code, so, like the precompiled code
//! beside them, the folder must be writable by the host alone, never by
//! plug-in authors. Deleting it is safe at any time.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use wasmtime::CacheStore;

/// The folder's name under the runtime's cache folder.
pub const FOLDER: &str = "functions";

/// Disk the folder's entries may take, counting each file in whole 4 KiB
/// blocks; a fixed bound, checked by [`trim`] after each compile. Past it,
/// the entries used least recently go first (their functions are compiled
/// again, once). A rule plug-in's ~650 functions take ~3 MiB; one tenant's
/// big uploads can push out another's entries, which costs that tenant a
/// full compile, never a wrong answer.
pub const FUNCTION_CACHE_BYTES: u64 = 256 << 20;

/// Files the folder keeps at most (an inode each), checked with
/// [`FUNCTION_CACHE_BYTES`].
pub const FUNCTION_CACHE_FILES: usize = 65_536;

/// New entries one compile may write: a component of a million tiny
/// functions caches its first 16,384 and compiles the rest each time.
pub const NEW_PER_COMPILE: u64 = 16_384;

/// Prefix of a worker's staging folder inside the cache folder.
const STAGING: &str = ".staging-";

/// A staging folder or partial file this old has no writer left.
const STALE: Duration = Duration::from_secs(3600);

/// The folder of entries, as Cranelift's [`CacheStore`].
#[derive(Debug)]
pub struct FunctionCache {
    /// One file per entry, named by the key in hex.
    dir: PathBuf,
    /// Where new entries go instead, when set (a compile worker's).
    staging: Option<PathBuf>,
    /// Entries written since the compile began (see [`NEW_PER_COMPILE`]);
    /// also tells partial files apart.
    writes: AtomicU64,
    /// Staging folders of this process's workers still compiling: never
    /// trimmed, however long they run. Held while trimming, so trims do
    /// not run at once (two would each evict the same bytes).
    live: Mutex<HashSet<PathBuf>>,
}

impl FunctionCache {
    /// The cache in `dir`, created if missing and made owner-only (also
    /// when it was not: an older host made it readable by all). Errors:
    /// the folder cannot be made or its mode set (the runtime then does
    /// not start).
    pub fn open(dir: &Path) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        owner_only(dir)?;
        Ok(FunctionCache {
            dir: dir.to_path_buf(),
            staging: None,
            writes: AtomicU64::new(0),
            live: Mutex::default(),
        })
    }

    /// The cache in `dir`, writing new entries to `staging` (a compile
    /// worker's, made by [`FunctionCache::stage`]).
    pub fn open_staged(dir: &Path, staging: &Path) -> io::Result<Self> {
        Ok(FunctionCache {
            staging: Some(staging.to_path_buf()),
            ..FunctionCache::open(dir)?
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Starts a compile's count of new entries (in-process compiles; a
    /// worker's cache is its own).
    pub fn begin_compile(&self) {
        self.writes.store(0, Ordering::Relaxed);
    }

    /// A new staging folder inside the cache folder, for one worker: a
    /// random name, made afresh (owner-only), never one a killed host or
    /// another compile left.
    pub fn stage(&self) -> io::Result<PathBuf> {
        let staging = tempfile::Builder::new()
            .prefix(STAGING)
            .tempdir_in(&self.dir)?
            .keep();
        owner_only(&staging)?;
        self.live().insert(staging.clone());
        Ok(staging)
    }

    /// Moves a succeeded worker's entries into the cache and removes its
    /// staging folder; `keep: false` (a failed compile) only removes it.
    pub fn merge(&self, staging: &Path, keep: bool) {
        if keep && let Ok(entries) = fs::read_dir(staging) {
            for entry in entries.flatten() {
                let _ = fs::rename(entry.path(), self.dir.join(entry.file_name()));
            }
        }
        let _ = fs::remove_dir_all(staging);
        self.live().remove(staging);
    }

    /// Keeps the folder within [`FUNCTION_CACHE_BYTES`] and
    /// [`FUNCTION_CACHE_FILES`] (see [`trim`]), sparing live staging
    /// folders. Answers the entries removed.
    pub fn trim(&self) -> usize {
        let live = self.live();
        trim(&self.dir, FUNCTION_CACHE_BYTES, FUNCTION_CACHE_FILES, &live)
    }

    fn live(&self) -> std::sync::MutexGuard<'_, HashSet<PathBuf>> {
        self.live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn path(&self, dir: &Path, key: &[u8]) -> PathBuf {
        dir.join(hex::encode(key))
    }

    fn read(&self, dir: &Path, key: &[u8]) -> Option<Vec<u8>> {
        let mut file = fs::File::open(self.path(dir, key)).ok()?;
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut file, &mut bytes).ok()?;
        if bytes.len() < 32 || bytes[..32] != checksum(key, &bytes[32..])[..] {
            return None;
        }
        // Used now: [`trim`] removes the entries used least recently. An
        // entry the host cannot touch (another user's) is then trimmed as
        // if last used when written: a slower compile at worst.
        let _ = file.set_modified(SystemTime::now());
        bytes.drain(..32);
        Some(bytes)
    }
}

impl CacheStore for FunctionCache {
    fn get(&self, key: &[u8]) -> Option<Cow<'_, [u8]>> {
        let staged = self.staging.as_deref().and_then(|dir| self.read(dir, key));
        staged.or_else(|| self.read(&self.dir, key)).map(Cow::Owned)
    }

    fn insert(&self, key: &[u8], value: Vec<u8>) -> bool {
        let n = self.writes.fetch_add(1, Ordering::Relaxed);
        if n >= NEW_PER_COMPILE {
            return false;
        }
        let dir = self.staging.as_deref().unwrap_or(&self.dir);
        // Written then renamed: a reader never sees half an entry, and two
        // writers of one key write the same bytes.
        let partial = dir.join(format!(
            ".{}.{}.{n}.partial",
            hex::encode(key),
            std::process::id()
        ));
        let mut file = checksum(key, &value).to_vec();
        file.extend_from_slice(&value);
        let written =
            fs::write(&partial, file).and_then(|()| fs::rename(&partial, self.path(dir, key)));
        if written.is_err() {
            let _ = fs::remove_file(&partial);
        }
        written.is_ok()
    }
}

/// Makes `dir` readable and writable by its owner only (unix).
fn owner_only(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// SHA-256 of an entry's key and value, stored before the value.
fn checksum(key: &[u8], value: &[u8]) -> [u8; 32] {
    let mut sha = Sha256::new();
    sha.update((key.len() as u64).to_le_bytes());
    sha.update(key);
    sha.update(value);
    sha.finalize().into()
}

/// Removes the entries of `dir` used least recently until they take at
/// most `bytes` (in whole 4 KiB blocks) and `files`, and the staging
/// folders (but `live` ones) and partial files of writers gone for an
/// hour; a folder that cannot be read is left as it is. Answers the
/// entries removed.
fn trim(dir: &Path, bytes: u64, files: usize, live: &HashSet<PathBuf>) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let stale = SystemTime::now() - STALE;
    let mut kept: Vec<(SystemTime, u64, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let Ok(metadata) = entry.metadata() else {
            continue;
        };
        let modified = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(STAGING) || name.ends_with(".partial") {
            // In use by a writer, or left by one that is gone.
            if modified < stale && !live.contains(&entry.path()) {
                let _ = fs::remove_dir_all(entry.path()).or_else(|_| fs::remove_file(entry.path()));
            }
        } else if metadata.is_file() {
            kept.push((modified, metadata.len().div_ceil(4096) * 4096, entry.path()));
        }
    }
    let mut total: u64 = kept.iter().map(|(_, size, _)| size).sum();
    let mut count = kept.len();
    if total <= bytes && count <= files {
        return 0;
    }
    kept.sort();
    let mut removed = 0;
    for (_, size, path) in kept {
        if total <= bytes && count <= files {
            break;
        }
        if fs::remove_file(&path).is_ok() {
            total -= size;
            count -= 1;
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests;
