//! Watches `<data>/orgs` and reloads an org once its files have been quiet
//! for the debounce window. Editors' atomic saves, `cp` + `mv`, renames,
//! deletions and files still being written all arrive as bursts of events
//! on paths; the reload that follows reads whatever is there and compares
//! hashes, so one reload per burst is enough and an extra one is harmless.
//! A half-written file is refused and then, when the writer finishes and
//! the next event comes, taken. Events only queue reloads; they run on the
//! [`Reloader`]'s threads, so one org's slow reload never holds up another's.
//!
//! Only changes count: inotify also reports every open and read, and a
//! reload opens the org's files, so counting those made each reload queue
//! the next, and a refused file was refused again about 20 times a second.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, Event, EventKind};
use notify::{EventHandler, RecommendedWatcher, RecursiveMode, WatcherKind};
use notify_debouncer_mini::{Config, DebounceEventResult, Debouncer, new_debouncer_opt};

use super::loader::PluginLoader;
use super::reloader::{Reloader, reload_once};

/// How long an org's files must be quiet before it is reloaded, unless
/// `leadhost serve` is given `[reload] debounce_ms`. Short, because a
/// window never has to cover a whole write: a rename into place lands
/// whole, and a file caught half-written by a writer that paused is
/// refused (the version before it keeps serving) and taken on the write's
/// next event. 20 ms covers the events of one `cp` + `mv` or an editor's
/// save; it was 100 ms, a third of a reload's time.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(20);

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
    /// Turns file events into reload requests (an event after the pool
    /// stopped asks a pool that no longer runs: nothing happens).
    _debouncer: Debouncer<ChangesOnly>,
    /// Runs the reloads, one per org at a time.
    reloader: Arc<Reloader>,
}

impl Drop for Watcher {
    /// Stops the reloads before anything else goes: an event being handled
    /// at this moment holds the pool past this drop, and its workers must
    /// not keep the store open behind it (a restart in this process would
    /// find the store in use).
    fn drop(&mut self) {
        self.reloader.stop();
    }
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Watcher")
    }
}

/// Starts watching `loader`'s org folders. Reloads run on a small pool of
/// threads, one at a time per org (see [`Reloader`]); an org whose files
/// changed since `loader` was made (after the start-up read, before the
/// watch) is reloaded before this returns (see [`start`] to do that in
/// the background).
pub fn watch(loader: PluginLoader, debounce: Duration) -> Result<Watcher, WatchError> {
    let (watcher, catch_up) = start(loader, debounce)?;
    catch_up.run();
    Ok(watcher)
}

/// What changed in the org folders after the start-up read and before the
/// watch began: it raised no event, so it is reloaded by [`CatchUp::run`].
pub struct CatchUp {
    loader: PluginLoader,
    reloader: Arc<Reloader>,
}

impl CatchUp {
    /// Reloads each org whose files changed since its loader was made.
    /// File times come from a coarse clock (behind `SystemTime::now` by up
    /// to a tick), hence the margin; an org reloaded for nothing finds
    /// every slot unchanged.
    pub fn run(self) {
        let since = self
            .loader
            .opened
            .checked_sub(START_UP_MARGIN)
            .unwrap_or(std::time::UNIX_EPOCH);
        for org in self.loader.folders().orgs_changed_since(since) {
            tracing::debug!(org, "changed while the server started; reloading");
            if reload_once(&self.loader, &org).is_some() {
                self.reloader.reload(&org);
            }
        }
    }
}

/// Starts watching as [`watch`] does, leaving the catch-up to the caller:
/// `serve` runs it beside its first requests (a changed org's compile may
/// take seconds), tests run it before writing.
pub fn start(loader: PluginLoader, debounce: Duration) -> Result<(Watcher, CatchUp), WatchError> {
    let root = loader.folders().root().to_path_buf();
    std::fs::create_dir_all(&root).map_err(|error| WatchError {
        path: root.clone(),
        source: error.into(),
    })?;
    let folders = loader.folders().clone();
    let catch_up = loader.clone();
    let recheck = loader.registry().orgs_to_recheck();
    let reloader = Arc::new(Reloader::start(loader));
    // What start-up refused for a cause of the moment is checked again
    // (the reload schedules the later tries).
    for org in recheck {
        reloader.reload(&org);
    }
    let handler = {
        let folders = folders.clone();
        let reloader = Arc::downgrade(&reloader);
        move |result: DebounceEventResult| match result {
            Ok(events) => {
                let Some(reloader) = reloader.upgrade() else {
                    return;
                };
                let orgs: BTreeSet<String> = events
                    .iter()
                    .filter_map(|event| folders.org_of(&event.path))
                    .collect();
                for org in orgs {
                    reloader.reload(&org);
                }
            }
            Err(error) => tracing::error!(%error, "the plug-in watcher failed"),
        }
    };
    // Not batched: each org's events go out `debounce` after its last one,
    // not at the deadline set by the first event of a burst (which could
    // double the wait).
    let config = Config::default()
        .with_timeout(debounce)
        .with_batch_mode(false);
    let mut debouncer =
        new_debouncer_opt::<_, ChangesOnly>(config, handler).map_err(|source| WatchError {
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
    let catch_up = CatchUp {
        loader: catch_up,
        reloader: reloader.clone(),
    };
    let watcher = Watcher {
        _debouncer: debouncer,
        reloader,
    };
    Ok((watcher, catch_up))
}

/// How far before the loader was made a file change still counts as
/// made during start-up (file times lag the wall clock by a timer tick).
const START_UP_MARGIN: Duration = Duration::from_secs(1);

/// The platform's watcher, passing on only events that change a file: a
/// file opened, read or closed unwritten changes nothing (and the reload's
/// own reads would otherwise trigger the next reload).
pub struct ChangesOnly(RecommendedWatcher);

/// Whether `event` may have changed what is in the folder.
fn changes(event: &Event) -> bool {
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

impl notify::Watcher for ChangesOnly {
    fn new<F: EventHandler>(mut handler: F, config: notify::Config) -> notify::Result<Self> {
        let filtered = move |event: notify::Result<Event>| {
            let pass = match &event {
                Ok(event) => changes(event),
                Err(_) => true,
            };
            if pass {
                handler.handle_event(event);
            }
        };
        RecommendedWatcher::new(filtered, config).map(ChangesOnly)
    }

    fn watch(&mut self, path: &std::path::Path, mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, mode)
    }

    fn unwatch(&mut self, path: &std::path::Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn configure(&mut self, option: notify::Config) -> notify::Result<bool> {
        self.0.configure(option)
    }

    fn kind() -> WatcherKind {
        RecommendedWatcher::kind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind};

    #[test]
    fn opening_and_reading_a_file_is_no_change_writing_one_is() {
        let of = |kind| changes(&Event::new(kind));
        assert!(!of(EventKind::Access(AccessKind::Open(AccessMode::Any))));
        assert!(!of(EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(!of(EventKind::Access(AccessKind::Read)));
        assert!(of(EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(of(EventKind::Modify(ModifyKind::Any)));
        assert!(of(EventKind::Create(CreateKind::File)));
        assert!(of(EventKind::Remove(notify::event::RemoveKind::Any)));
    }

    /// Dropping the watcher stops its reloads at once, even while an event
    /// being handled holds the pool (as the handler's upgraded reference
    /// does): the store is free for the next open, as a restart needs.
    #[test]
    fn dropping_the_watcher_frees_the_store_while_an_event_holds_the_pool() {
        let dir = tempfile::tempdir().unwrap();
        let open = || crate::setup::Host::open(dir.path(), Default::default());
        let host = open().unwrap();
        let watcher = watch(host.plugins.clone(), Duration::from_millis(50)).unwrap();
        let handling = Arc::clone(&watcher.reloader);
        drop(watcher);
        drop(host);
        let again = open();
        drop(handling);
        again.expect("the store is free once the watcher is dropped");
    }
}
