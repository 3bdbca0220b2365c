//! Reloads orgs on a small pool of threads, one reload at a time per org:
//! an org whose reload is slow (a big component compiling, many sample
//! cases) holds up only its own later reloads, never another org's.
//!
//! An org asked for while it is being reloaded is reloaded once more after
//! (its files changed again); asked for many times while waiting, it is
//! reloaded once. An org left with a slot refused for a cause of the moment
//! (a deadline under load) is reloaded again when the registry says that
//! refusal is due; it has at most one such reload pending, and the
//! registry bounds how many there are per change
//! ([`TRANSIENT_TRIES`](crate::registry::TRANSIENT_TRIES)).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::loader::PluginLoader;
use crate::store::Activation;

/// Reload threads: one org's slow reload leaves the other free.
const WORKERS: usize = 2;

/// How soon an org is tried again when its lock was held (an upload or a
/// rollback of that org running).
const BUSY_WAIT: Duration = Duration::from_millis(250);

/// How long dropping a [`Reloader`] waits for reloads in progress.
const STOP_WAIT: Duration = Duration::from_secs(5);

/// The reload pool; stops when dropped.
pub struct Reloader {
    shared: Arc<Shared>,
    /// One message per worker that has stopped.
    stopped: Mutex<mpsc::Receiver<()>>,
}

struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
    stop: AtomicBool,
}

#[derive(Default)]
struct Queue {
    /// Orgs to reload, in the order they were asked for.
    waiting: VecDeque<String>,
    /// Orgs being reloaded now.
    running: HashSet<String>,
    /// Orgs asked for again while being reloaded.
    again: HashSet<String>,
    /// Orgs to reload at a later time: one entry per org, the earliest.
    later: HashMap<String, Instant>,
}

impl Queue {
    /// Moves every org whose time has come from `later` to `waiting`;
    /// answers how long until the next one is due.
    fn take_due(&mut self, now: Instant) -> Option<Duration> {
        let due: Vec<String> = self
            .later
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(org, _)| org.clone())
            .collect();
        for org in due {
            self.later.remove(&org);
            self.ask(org);
        }
        self.later
            .values()
            .map(|at| at.saturating_duration_since(now))
            .min()
    }

    /// Queues `org` unless it is queued already; marks it for once more if
    /// it is running. Answers whether it was queued.
    fn ask(&mut self, org: String) -> bool {
        if self.running.contains(&org) {
            self.again.insert(org);
            false
        } else if !self.waiting.contains(&org) {
            self.waiting.push_back(org);
            true
        } else {
            false
        }
    }
}

impl Reloader {
    /// Starts the pool over `loader`.
    pub fn start(loader: PluginLoader) -> Self {
        let shared = Arc::new(Shared {
            queue: Mutex::default(),
            ready: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let (done, stopped) = mpsc::channel();
        // An org asked for again while being reloaded: its last version's
        // impact, measured after it began serving, stops for it.
        let loader = loader.with_newer_reload(Arc::new({
            let shared = Arc::downgrade(&shared);
            move |org: &str| {
                shared
                    .upgrade()
                    .is_some_and(|shared| lock(&shared.queue).again.contains(org))
            }
        }));
        for worker in 0..WORKERS {
            let (shared, loader, done) = (shared.clone(), loader.clone(), done.clone());
            std::thread::Builder::new()
                .name(format!("leadhost-reload-{worker}"))
                .spawn(move || {
                    work(&shared, &loader);
                    drop(loader);
                    let _ = done.send(());
                })
                .expect("spawn a reload thread");
        }
        Reloader {
            shared,
            stopped: Mutex::new(stopped),
        }
    }

    /// Asks for `org` to be reloaded.
    pub fn reload(&self, org: &str) {
        let mut queue = lock(&self.shared.queue);
        if queue.ask(org.to_string()) {
            self.shared.ready.notify_one();
        }
    }
}

impl Reloader {
    /// Stops the pool: each worker ends after the reload it is running
    /// (waiting up to [`STOP_WAIT`] for it, never hanging a shutdown on
    /// one) and releases its loader, and with it the store. Later calls
    /// return at once. Called on drop, and by the [`Watcher`](super::Watcher)
    /// as it is dropped, which may not be the pool's last owner.
    pub fn stop(&self) {
        {
            // Under the queue's lock: a worker between its check of the
            // flag and its wait would otherwise miss the wake-up.
            let _queue = lock(&self.shared.queue);
            if self.shared.stop.swap(true, Ordering::SeqCst) {
                return;
            }
            self.shared.ready.notify_all();
        }
        let stopped = self
            .stopped
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for _ in 0..WORKERS {
            if stopped.recv_timeout(STOP_WAIT).is_err() {
                tracing::warn!("a reload still running at shutdown was left to finish on its own");
                break;
            }
        }
    }
}

impl Drop for Reloader {
    fn drop(&mut self) {
        self.stop();
    }
}

fn work(shared: &Shared, loader: &PluginLoader) {
    loop {
        let org = {
            let mut queue = lock(&shared.queue);
            loop {
                if shared.stop.load(Ordering::SeqCst) {
                    return;
                }
                let next_due = queue.take_due(Instant::now());
                if let Some(org) = queue.waiting.pop_front() {
                    queue.running.insert(org.clone());
                    break org;
                }
                queue = match next_due {
                    Some(wait) => {
                        shared
                            .ready
                            .wait_timeout(queue, wait)
                            .unwrap_or_else(|poisoned| poisoned.into_inner())
                            .0
                    }
                    None => shared
                        .ready
                        .wait(queue)
                        .unwrap_or_else(|poisoned| poisoned.into_inner()),
                };
            }
        };
        let retry_in = reload_once(loader, &org);
        let mut queue = lock(&shared.queue);
        queue.running.remove(&org);
        if let Some(wait) = retry_in {
            let at = Instant::now() + wait;
            let earliest = queue.later.get(&org).map_or(at, |before| (*before).min(at));
            queue.later.insert(org.clone(), earliest);
            // A worker asleep without a timeout must learn of it.
            shared.ready.notify_one();
        }
        if queue.again.remove(&org) {
            queue.waiting.push_back(org);
            shared.ready.notify_one();
        }
    }
}

/// Reloads `org` (a folder of no org is ignored) and answers its rollback
/// requests; answers how soon to reload it again, to re-check a refusal of
/// the moment or because an upload or rollback held the org.
pub(super) fn reload_once(loader: &PluginLoader, org: &str) -> Option<Duration> {
    match loader.engine.store().org(org) {
        Ok(Some(_)) => {}
        Ok(None) => {
            tracing::debug!(org, "a folder for no org changed; ignored");
            return None;
        }
        Err(error) => {
            tracing::error!(org, %error, "cannot look the org up; not reloaded");
            return None;
        }
    }
    tracing::debug!(org, "reload started");
    // Never waits on the org's lock: a worker held by one org's long
    // upload would hold up every other org's reloads.
    let reloaded = loader.try_locked(org, || {
        let reload = loader.reload_locked(org, Activation::File);
        loader.answer_rollback_requests_locked(org);
        reload
    });
    match reloaded {
        None => Some(BUSY_WAIT),
        Some(Ok(reload)) => reload.retry_in,
        Some(Err(error)) => {
            tracing::error!(org, %error, "reload failed; the active versions keep serving");
            None
        }
    }
}

fn lock(queue: &Mutex<Queue>) -> MutexGuard<'_, Queue> {
    queue
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
