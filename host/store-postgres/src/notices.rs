//! Plug-in history notices: after a version is added to an org's history,
//! `pg_notify` names the org on [`CHANNEL`]; a host `LISTEN`ing there takes
//! the version up at once instead of at its next poll. Best effort both
//! ways: a database without `LISTEN`/`NOTIFY` (CockroachDB) or a lost
//! connection leaves the poll, which stays.

use std::time::Duration;

use futures_util::StreamExt;
use tokio_postgres::AsyncMessage;

use crate::PostgresStore;

/// The channel a version's org is notified on.
pub(crate) const CHANNEL: &str = "leadhost_plugin_versions";

/// How long a lost `LISTEN` connection waits before connecting again.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// Called with an org each time a version is added to its history.
pub(crate) type Notice = Box<dyn Fn(&str) + Send + Sync>;

impl PostgresStore {
    /// Listens on [`CHANNEL`] on a connection of its own for as long as
    /// the store lives, calling `notice` with each org named, connecting
    /// again after [`RECONNECT_AFTER`] when the connection is lost.
    /// Answers whether the first `LISTEN` succeeded (within the connect
    /// timeout); when it did not, nothing more is tried.
    pub(crate) fn listen(&self, notice: Notice) -> bool {
        let (config, tls) = (self.shared.config.clone(), self.shared.tls.clone());
        let (ready, first) = std::sync::mpsc::sync_channel(1);
        self.runtime().spawn(async move {
            let mut ready = Some(ready);
            loop {
                let listened = listen_once(&config, tls.clone(), &notice, &mut ready).await;
                if let Some(ready) = ready.take() {
                    // The first try failed: polling alone, as without LISTEN.
                    let _ = ready.send(false);
                    return;
                }
                // Lost (the database restarted): the poll covers the gap.
                drop(listened);
                tokio::time::sleep(RECONNECT_AFTER).await;
            }
        });
        first
            .recv_timeout(crate::CONNECT_TIMEOUT * 2)
            .unwrap_or(false)
    }
}

/// One connection's `LISTEN`, until it is lost; `ready` is answered once
/// `LISTEN` succeeded.
async fn listen_once(
    config: &tokio_postgres::Config,
    tls: tokio_postgres_rustls::MakeRustlsConnect,
    notice: &Notice,
    ready: &mut Option<std::sync::mpsc::SyncSender<bool>>,
) -> Result<(), tokio_postgres::Error> {
    let (client, mut connection) = config.connect(tls).await?;
    let (orgs, mut named) = tokio::sync::mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(note)) => {
                    let _ = orgs.send(note.payload().to_string());
                }
                Ok(_) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    if let Some(ready) = ready.take() {
        let _ = ready.send(true);
    }
    while let Some(org) = named.recv().await {
        notice(&org);
    }
    drop(client);
    driver.await.unwrap_or(Ok(()))
}
