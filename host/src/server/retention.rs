//! The recorded-input retention sweep of a running server: with `[store]
//! input_retention_days` set, inputs of calls older than that are removed
//! once at start and then every hour. Their decisions stay; a replay of one
//! then says its input is no longer kept.

use std::time::Duration;

use tokio::sync::watch;

use crate::setup::Host;

/// How often the sweep runs: retention counts in days, so an hour late is
/// nothing, and a sweep reads every input's header.
const EVERY: Duration = Duration::from_secs(3600);

/// Removes the inputs recorded more than `keep` before the host's clock,
/// now and every [`EVERY`] until `stopped`. `None` keeps them forever.
pub async fn run(host: Host, keep: Option<chrono::Duration>, mut stopped: watch::Receiver<bool>) {
    let Some(keep) = keep else { return };
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.wait_for(|stop| *stop) => break,
        }
        let host = host.clone();
        let swept = tokio::task::spawn_blocking(move || sweep(&host, keep)).await;
        match swept {
            Ok(Ok(0)) => {}
            Ok(Ok(removed)) => {
                tracing::info!(removed, "recorded inputs past their retention removed")
            }
            Ok(Err(error)) => tracing::error!(%error, "the input retention sweep failed"),
            Err(error) => tracing::error!(%error, "the input retention sweep stopped"),
        }
    }
}

/// One sweep: removes the inputs recorded more than `keep` ago; answers how
/// many.
pub fn sweep(host: &Host, keep: chrono::Duration) -> Result<u64, crate::engine::EngineError> {
    host.engine.expire_inputs(keep)
}
