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

/// One compiled copy per content hash, shared by every org that uses it.
/// Only components the host accepted are kept ([`CompileCache::keep`]): a
/// refused upload leaves nothing behind, in memory or on disk.
pub struct CompileCache {
    /// `<cache dir>/<engine fingerprint>`: code from another wasmtime
    /// version or engine setting lives elsewhere and is never loaded.
    dir: Option<PathBuf>,
    /// Compiled in this process.
    compiled: Mutex<HashMap<ContentHash, Component>>,
}

impl CompileCache {
    /// A cache keeping precompiled code under `dir` (created if missing), or
    /// in memory only when `dir` is `None`.
    pub fn new(dir: Option<&Path>, fingerprint: &str) -> io::Result<Self> {
        let dir = dir.map(|dir| dir.join(fingerprint));
        if let Some(dir) = &dir {
            fs::create_dir_all(dir)?;
        }
        Ok(CompileCache {
            dir,
            compiled: Mutex::new(HashMap::new()),
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
            return Ok((component.clone(), CacheSource::Memory));
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
        let mut compiled = self.compiled.lock().expect("cache lock");
        if compiled.contains_key(&hash) {
            return false;
        }
        compiled.insert(hash, component.clone());
        true
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
    }
}
