//! The outbox's delivery loop of a running server, and its settings.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::delivery::{Dispatcher, ROUND_SIZE, Round};

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
pub async fn deliver(
    dispatcher: Dispatcher,
    interval: Duration,
    mut stopped: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(interval);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.wait_for(|stop| *stop) => return,
        }
        match dispatcher.run_once().await {
            Ok(round) if round != Round::default() => tracing::debug!(?round, "outbox delivered"),
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "outbox delivery failed"),
        }
    }
}
