//! The outbox's delivery loop of a running server, and its settings.

use std::future::Future;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::delivery::{Dispatcher, ROUND_SIZE, Round};
use crate::store::StoreError;

/// `[delivery]`: how often the outbox is looked at, and how much is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeliveryConfig {
    /// How often the outbox is looked at, in ms. Default 250: a webhook
    /// hears of an assignment within a quarter of a second.
    pub interval_ms: u64,
    /// Most messages taken in one round. Default 200 (the engine's
    /// `ROUND_SIZE`).
    pub round_size: usize,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            interval_ms: 250,
            round_size: ROUND_SIZE,
        }
    }
}

impl DeliveryConfig {
    /// The interval as a duration.
    pub fn interval(&self) -> Duration {
        Duration::from_millis(self.interval_ms)
    }
}

/// Delivers the outbox to the orgs' webhooks every `interval`, until stopped.
pub async fn deliver(dispatcher: Dispatcher, interval: Duration, stopped: watch::Receiver<bool>) {
    every(interval, stopped, || {
        let dispatcher = dispatcher.clone();
        async move { dispatcher.run_once().await }
    })
    .await
}

/// Runs `round` every `interval` until stopped, logging what it did.
async fn every<F, R>(interval: Duration, mut stopped: watch::Receiver<bool>, mut round: F)
where
    F: FnMut() -> R,
    R: Future<Output = Result<Round, StoreError>>,
{
    let mut tick = tokio::time::interval(interval);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.wait_for(|stop| *stop) => return,
        }
        match round().await {
            Ok(round) if round != Round::default() => tracing::debug!(?round, "outbox delivered"),
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "outbox delivery failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn the_loop_runs_a_round_every_interval_until_stopped() {
        let config = DeliveryConfig {
            interval_ms: 20,
            ..DeliveryConfig::default()
        };
        let rounds = Arc::new(AtomicUsize::new(0));
        let (stop, stopped) = watch::channel(false);
        let counted = rounds.clone();
        let looping = tokio::spawn(every(config.interval(), stopped, move || {
            counted.fetch_add(1, Ordering::Relaxed);
            async { Ok(Round::default()) }
        }));
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop.send(true).unwrap();
        looping.await.unwrap();
        let rounds = rounds.load(Ordering::Relaxed);
        // Every 250 ms (the default) would be 2 rounds in 300 ms.
        assert!((5..=16).contains(&rounds), "{rounds} rounds in 300 ms");
    }
}
