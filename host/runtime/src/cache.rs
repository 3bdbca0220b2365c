//! Compiled components by content hash: in memory for the process, on disk
//! across restarts. Compilation costs tens of milliseconds (seconds for big
//! interpreters); loading precompiled code costs a fraction of one.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use wasmtime::Engine;
use wasmtime::component::Component;

use super::ContentHash;

/// Where a compiled component came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CacheSource {
    /// Already compiled in this process.
    Memory,
    /// Precompiled code from the disk cache.
    Disk,
    /// Compiled now.
    Compiled,
}

/// How many compiled components the cache holds in memory: the ones used
/// least recently go first. A version that serves holds its own copy, so
/// this bounds only what nothing serves (each tenant's old uploads, ~0.6 MB
/// each for a small component), not what runs.
pub const MEMORY_ENTRIES: usize = 256;

/// How many precompiled files the cache keeps on disk: the oldest go first
/// (a version needed again is compiled again, once).
pub const DISK_ENTRIES: usize = 2048;

/// One compiled copy per content hash, shared by every org that uses it.
/// Only components the host accepted are kept ([`CompileCache::keep`]): a
/// refused upload leaves no compiled component behind, in memory or on
/// disk (the functions Cranelift compiled for one that compiled and was
/// refused after may stay in the bounded per-function cache,
/// `function_cache`). Both are
/// bounded ([`MEMORY_ENTRIES`], [`DISK_ENTRIES`]): tenants' uploads must
/// not grow the process or the disk without end.
pub struct CompileCache {
    /// `<cache dir>/<engine fingerprint>`: code from another wasmtime
    /// version or engine setting lives elsewhere and is never loaded.
    dir: Option<PathBuf>,
    /// Compiled in this process, each with when it was last used.
    compiled: Mutex<Memory>,
    /// The bounds.
    memory_entries: usize,
    disk_entries: usize,
}

/// The in-memory entries and a use counter (the order of use).
#[derive(Default)]
struct Memory {
    entries: HashMap<ContentHash, (Component, u64)>,
    uses: u64,
}

impl Memory {
    fn get(&mut self, hash: &ContentHash) -> Option<Component> {
        self.uses += 1;
        let uses = self.uses;
        self.entries.get_mut(hash).map(|(component, used)| {
            *used = uses;
            component.clone()
        })
    }

    /// Inserts unless present (`false` then), dropping the entry used
    /// least recently when over `bound`.
    fn insert(&mut self, hash: ContentHash, component: &Component, bound: usize) -> bool {
        if self.entries.contains_key(&hash) {
            return false;
        }
        self.uses += 1;
        self.entries.insert(hash, (component.clone(), self.uses));
        while self.entries.len() > bound.max(1) {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(hash, _)| *hash);
            match oldest {
                Some(oldest) => self.entries.remove(&oldest),
                None => break,
            };
        }
        true
    }
}

impl CompileCache {
    /// A cache keeping precompiled code under `dir` (created if missing), or
    /// in memory only when `dir` is `None`.
    pub fn new(dir: Option<&Path>, fingerprint: &str) -> io::Result<Self> {
        Self::bounded(dir, fingerprint, MEMORY_ENTRIES, DISK_ENTRIES)
    }

    /// [`CompileCache::new`] holding at most `memory_entries` components in
    /// memory and `disk_entries` files on disk.
    pub fn bounded(
        dir: Option<&Path>,
        fingerprint: &str,
        memory_entries: usize,
        disk_entries: usize,
    ) -> io::Result<Self> {
        let dir = dir.map(|dir| dir.join(fingerprint));
        if let Some(dir) = &dir {
            fs::create_dir_all(dir)?;
        }
        Ok(CompileCache {
            dir,
            compiled: Mutex::default(),
            memory_entries,
            disk_entries,
        })
    }

    /// The compiled component for `bytes` (whose hash is `hash`): from the
    /// cache, or compiled now (and not kept until [`CompileCache::keep`]).
    pub fn get_or_compile<E>(
        &self,
        engine: &Engine,
        hash: ContentHash,
        compile: impl FnOnce() -> Result<Component, E>,
    ) -> Result<(Component, CacheSource), E> {
        if let Some(component) = self.compiled.lock().expect("cache lock").get(&hash) {
            return Ok((component, CacheSource::Memory));
        }
        let (component, source) = match self.load_precompiled(engine, hash) {
            Some(component) => (component, CacheSource::Disk),
            None => (compile()?, CacheSource::Compiled),
        };
        if source == CacheSource::Disk {
            self.remember(hash, &component);
        }
        Ok((component, source))
    }

    /// Keeps `component` (accepted by the host) in memory and on disk.
    pub fn keep(&self, hash: ContentHash, component: &Component) {
        if self.remember(hash, component) {
            self.store_precompiled(hash, component);
        }
    }

    /// Keeps `component` in memory; `false` if it already was.
    fn remember(&self, hash: ContentHash, component: &Component) -> bool {
        self.compiled
            .lock()
            .expect("cache lock")
            .insert(hash, component, self.memory_entries)
    }

    /// Removes the oldest precompiled files past [`DISK_ENTRIES`].
    fn trim_disk(&self) {
        let Some(dir) = &self.dir else { return };
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
            .flatten()
            .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "cwasm"))
            .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
            .collect();
        if files.len() <= self.disk_entries {
            return;
        }
        files.sort();
        for (_, path) in &files[..files.len() - self.disk_entries] {
            let _ = fs::remove_file(path);
        }
    }

    fn path(&self, hash: ContentHash) -> Option<PathBuf> {
        self.dir
            .as_ref()
            .map(|dir| dir.join(format!("{hash}.cwasm")))
    }

    fn load_precompiled(&self, engine: &Engine, hash: ContentHash) -> Option<Component> {
        let path = self.path(hash)?;
        // Read into memory rather than map the file: a mapped file rewritten
        // in place by anyone else would kill the process with SIGBUS.
        let code = fs::read(&path).ok()?;
        // SAFETY: the file was written by `store_precompiled` from code this
        // engine compiled; the cache folder belongs to the host (see the
        // README: it must not be writable by plug-in authors). wasmtime also
        // checks the header against this engine's version and settings.
        match unsafe { Component::deserialize(engine, &code) } {
            Ok(component) => Some(component),
            Err(error) => {
                tracing::warn!(path = %path.display(), "discarding unusable precompiled code: {error:#}");
                let _ = fs::remove_file(&path);
                None
            }
        }
    }

    fn store_precompiled(&self, hash: ContentHash, component: &Component) {
        let Some(path) = self.path(hash) else { return };
        let written = component
            .serialize()
            .map_err(io::Error::other)
            .and_then(|code| {
                // Write then rename, so a crash never leaves half a file under the real name.
                let partial = path.with_extension(format!("cwasm.{}.partial", std::process::id()));
                fs::write(&partial, code)?;
                fs::rename(&partial, &path)
            });
        if let Err(error) = written {
            tracing::warn!(path = %path.display(), "could not keep precompiled code: {error}");
        }
        self.trim_disk();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component(engine: &Engine) -> Component {
        // An empty component: the magic number and the component layer's
        // version, nothing else.
        let empty = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
        Component::new(engine, empty).expect("an empty component")
    }

    #[test]
    fn memory_and_disk_keep_the_most_recently_used_within_their_bounds() {
        let engine = Engine::default();
        let dir = tempfile::tempdir().unwrap();
        let cache = CompileCache::bounded(Some(dir.path()), "fp", 2, 3).unwrap();
        let hashes: Vec<ContentHash> = (0..4u8).map(|n| ContentHash::of(&[n])).collect();
        let compiled = std::cell::Cell::new(0);
        let compile = || {
            compiled.set(compiled.get() + 1);
            Ok::<_, ()>(component(&engine))
        };
        for hash in &hashes[..2] {
            cache.keep(*hash, &component(&engine));
        }
        // Used now: the first stays, the second is the least recent.
        let (_, source) = cache.get_or_compile(&engine, hashes[0], compile).unwrap();
        assert_eq!(source, CacheSource::Memory);
        cache.keep(hashes[2], &component(&engine));
        assert_eq!(cache.compiled.lock().unwrap().entries.len(), 2);
        assert!(
            cache
                .compiled
                .lock()
                .unwrap()
                .entries
                .contains_key(&hashes[0])
        );
        // Out of memory, still on disk.
        let (_, source) = cache.get_or_compile(&engine, hashes[1], compile).unwrap();
        assert_eq!(source, CacheSource::Disk);
        // The disk keeps three files: the fourth kept pushes one out.
        std::thread::sleep(std::time::Duration::from_millis(20));
        cache.keep(hashes[3], &component(&engine));
        let files = std::fs::read_dir(dir.path().join("fp")).unwrap().count();
        assert_eq!(files, 3);
        assert_eq!(compiled.get(), 0, "nothing was compiled");
    }
}
