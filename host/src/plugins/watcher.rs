//! Watches `<data>/orgs` and reloads an org once its files have been quiet
//! for the debounce window. Editors' atomic saves, `cp` + `mv`, renames,
//! deletions and files still being written all arrive as bursts of events
//! on paths; the reload that follows reads whatever is there and compares
//! hashes, so one reload per burst is enough and an extra one is harmless.
//! A half-written file is refused and then, when the writer finishes and
//! the next event comes, taken.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};

use super::loader::PluginLoader;
use crate::store::Activation;

/// How long an org's files must be quiet before it is reloaded.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(100);

/// The watcher could not start.
#[derive(Debug, thiserror::Error)]
#[error("cannot watch {path}: {source}")]
pub struct WatchError {
    /// The folder.
    pub path: std::path::PathBuf,
    /// Why.
    pub source: notify::Error,
}

/// A running watcher; it stops when dropped.
pub struct Watcher {
    /// The loader, shared with the event thread until the watcher stops;
    /// taking it out (which waits for a reload in progress) releases the
    /// store even though the debouncer's thread ends on its own time.
    loader: Arc<Mutex<Option<PluginLoader>>>,
    _debouncer: Debouncer<notify::RecommendedWatcher>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.loader
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
    }
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Watcher")
    }
}

/// Starts watching `loader`'s org folders. Reloads run on the watcher's own
/// thread, one at a time.
pub fn watch(loader: PluginLoader, debounce: Duration) -> Result<Watcher, WatchError> {
    let root = loader.folders().root().to_path_buf();
    std::fs::create_dir_all(&root).map_err(|error| WatchError {
        path: root.clone(),
        source: error.into(),
    })?;
    let shared = Arc::new(Mutex::new(Some(loader)));
    let handler = {
        let shared = shared.clone();
        move |result: DebounceEventResult| match result {
            Ok(events) => {
                let guard = shared
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let Some(loader) = guard.as_ref() else {
                    return;
                };
                let orgs: BTreeSet<String> = events
                    .iter()
                    .filter_map(|event| loader.folders().org_of(&event.path))
                    .collect();
                for org in orgs {
                    reload(loader, &org);
                }
            }
            Err(error) => tracing::error!(%error, "the plug-in watcher failed"),
        }
    };
    let mut debouncer = new_debouncer(debounce, handler).map_err(|source| WatchError {
        path: root.clone(),
        source,
    })?;
    debouncer
        .watcher()
        .watch(&root, RecursiveMode::Recursive)
        .map_err(|source| WatchError {
            path: root.clone(),
            source,
        })?;
    tracing::info!(path = %root.display(), ?debounce, "watching the org folders");
    Ok(Watcher {
        loader: shared,
        _debouncer: debouncer,
    })
}

fn reload(loader: &PluginLoader, org: &str) {
    match loader.engine.store().org(org) {
        Ok(Some(_)) => {}
        Ok(None) => {
            tracing::debug!(org, "a folder for no org changed; ignored");
            return;
        }
        Err(error) => {
            tracing::error!(org, %error, "cannot look the org up; not reloaded");
            return;
        }
    }
    if let Err(error) = loader.reload(org, Activation::File) {
        tracing::error!(org, %error, "reload failed; the active versions keep serving");
    }
}
