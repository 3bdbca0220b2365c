//! Hosts on one shared store (PostgreSQL) take up each other's plug-in
//! versions: a round of [`SharedVersions`] now and every [`EVERY`] until
//! the server stops. A store one process holds has nothing to take up.

use std::time::Duration;

use tokio::sync::watch;

use crate::plugins::SharedVersions;
use crate::setup::Host;

/// How often the store's plug-in histories are polled (one query for every
/// org). An upload on one host decides on another within this plus the
/// version's check (the bound: 1 s to see it, 2 s to decide).
pub const EVERY: Duration = Duration::from_millis(500);

/// Takes up the versions other hosts made active, on a blocking thread,
/// until `stopped`.
pub async fn run(host: Host, mut stopped: watch::Receiver<bool>) {
    if !host.store.shared() {
        return;
    }
    let mut versions = Some(SharedVersions::default());
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.wait_for(|stop| *stop) => break,
        }
        let Some(mut taken) = versions.take() else {
            break;
        };
        let loader = host.plugins.clone();
        let round = tokio::task::spawn_blocking(move || {
            let result = taken.round(&loader);
            (taken, result)
        })
        .await;
        match round {
            Ok((taken, result)) => {
                versions = Some(taken);
                if let Err(error) = result {
                    // The database down: the next round tries again.
                    tracing::debug!(%error, "the plug-in histories could not be read");
                }
            }
            Err(error) => {
                tracing::error!(%error, "taking up other hosts' plug-in versions stopped");
                break;
            }
        }
    }
}
