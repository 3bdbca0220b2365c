//! Hosts on one shared store (PostgreSQL) take up each other's plug-in
//! versions ([`SharedVersions`]): at once on a notice that one was added
//! (`LISTEN`), and polled every [`EVERY`] for what a lost notice missed,
//! until the server stops. A store one process holds has nothing to take
//! up.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::plugins::SharedVersions;
use crate::setup::Host;

/// How often the store's plug-in histories are polled (one query for every
/// org) besides the notices: a version whose notice was lost is seen
/// within this (the bound for the fallback: 1 s).
pub const EVERY: Duration = Duration::from_millis(500);

/// Takes up the versions other hosts made active until `stopped`: the
/// marks read on a blocking thread each [`EVERY`], then each org due taken
/// up on a blocking thread of its own (at most one per org at a time, so a
/// slow org holds up no other).
pub async fn run(host: Host, mut stopped: watch::Receiver<bool>) {
    if !host.store.shared() {
        return;
    }
    let versions = Arc::new(Mutex::new(SharedVersions::default()));
    // A version added on any host wakes the poll at once (notices coalesce:
    // one poll reads every org's mark).
    let noticed = Arc::new(tokio::sync::Notify::new());
    let listening = {
        let (store, noticed) = (host.store.clone(), noticed.clone());
        tokio::task::spawn_blocking(move || {
            store.plugin_version_notices(Box::new(move |_org| noticed.notify_one()))
        })
        .await
        .unwrap_or(false)
    };
    tracing::info!(listening, every = ?EVERY, "taking up other hosts' plug-in versions");
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = noticed.notified() => {}
            _ = stopped.wait_for(|stop| *stop) => break,
        }
        let store = host.store.clone();
        let marks = match tokio::task::spawn_blocking(move || store.plugin_history_marks()).await {
            Ok(Ok(marks)) => marks,
            Ok(Err(error)) => {
                // The database down: the next poll tries again.
                tracing::debug!(%error, "the plug-in histories could not be read");
                continue;
            }
            Err(error) => {
                tracing::error!(%error, "taking up other hosts' plug-in versions stopped");
                break;
            }
        };
        let due = lock(&versions).due(marks, Instant::now());
        for org in due {
            let (loader, versions) = (host.plugins.clone(), versions.clone());
            tokio::task::spawn_blocking(move || {
                let result = loader.take_up(&org);
                lock(&versions).finished(&org, &result, Instant::now());
            });
        }
    }
}

fn lock(versions: &Mutex<SharedVersions>) -> std::sync::MutexGuard<'_, SharedVersions> {
    versions
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
