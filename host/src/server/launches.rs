//! The campaign launch announcements of a running server: every
//! `[scheduler] launch_check_ms`, each org's campaigns due an announcement
//! get their `campaign-launch` message (see
//! [`crate::engine::Engine::announce_launches`]). Each org's round is a task
//! of its own within that org's share of the workers, one at a time per
//! org: an org with many campaigns and leads delays its own announcements,
//! never another org's. An org whose share is all taken, or whose last
//! round is still running, is looked at again next time.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use crate::setup::Host;

/// Orgs whose announcement round is running.
type Running = Arc<Mutex<HashSet<String>>>;

/// Announces due campaign launches every `every` until `stopped`.
pub async fn run(host: Host, every: Duration, mut stopped: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(every);
    let running = Running::default();
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.wait_for(|stop| *stop) => break,
        }
        let listed = {
            let host = host.clone();
            tokio::task::spawn_blocking(move || host.engine.store().orgs()).await
        };
        let orgs = match listed {
            Ok(Ok(orgs)) => orgs,
            Ok(Err(error)) => {
                tracing::error!(%error, "cannot list the orgs; no launch announcements this round");
                continue;
            }
            Err(error) => {
                tracing::error!(%error, "the launch announcement round stopped");
                continue;
            }
        };
        for org in orgs {
            if !lock(&running).insert(org.id.clone()) {
                tracing::debug!(org = %org.id, "the org's last launch round still runs");
                continue;
            }
            let host = host.clone();
            let done = Done(running.clone(), org.id.clone());
            tokio::task::spawn_blocking(move || {
                announce(&host, &done.1);
                drop(done);
            });
        }
    }
}

/// Marks an org's round over when dropped, a panicked one too: the org is
/// looked at again next time.
struct Done(Running, String);

impl Drop for Done {
    fn drop(&mut self) {
        lock(&self.0).remove(&self.1);
    }
}

fn lock(running: &Running) -> std::sync::MutexGuard<'_, HashSet<String>> {
    // A set of names: a panic elsewhere cannot leave it torn.
    running
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One org's round, in a turn of its share if one is free now; a failure
/// is logged.
fn announce(host: &Host, org: &str) {
    let Some(_turn) = host.engine.shares().try_turn(org) else {
        tracing::debug!(org, "the org's share is busy; its launches wait a round");
        return;
    };
    if let Err(error) = host.engine.announce_launches(org) {
        tracing::error!(org, %error, "campaign launches not announced");
    }
}
