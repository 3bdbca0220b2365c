//! The campaign launch announcements of a running server: every
//! `[scheduler] launch_check_ms`, each org's campaigns due an announcement
//! get their `campaign-launch` message (see
//! [`crate::engine::Engine::announce_launches`]), one org at a time within
//! that org's share of the workers. An org whose share is all taken at
//! that moment is looked at again next round: a busy org delays its own
//! announcements, not every org's after it.

use std::time::Duration;

use tokio::sync::watch;

use crate::setup::Host;

/// Announces due campaign launches every `every` until `stopped`.
pub async fn run(host: Host, every: Duration, mut stopped: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(every);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.wait_for(|stop| *stop) => break,
        }
        let host = host.clone();
        let round = tokio::task::spawn_blocking(move || announce_all(&host)).await;
        if let Err(error) = round {
            tracing::error!(%error, "the launch announcement round stopped");
        }
    }
}

/// One round over every org; an org whose round fails is logged and the
/// others go on, and a busy one is left to the next round.
fn announce_all(host: &Host) {
    let orgs = match host.engine.store().orgs() {
        Ok(orgs) => orgs,
        Err(error) => {
            tracing::error!(%error, "cannot list the orgs; no launch announcements this round");
            return;
        }
    };
    for org in orgs {
        let Some(_turn) = host.engine.shares().try_turn(&org.id) else {
            tracing::debug!(org = %org.id, "the org's share is busy; its launches wait a round");
            continue;
        };
        if let Err(error) = host.engine.announce_launches(&org.id) {
            tracing::error!(org = %org.id, %error, "campaign launches not announced");
        }
    }
}
