//! Waiting for a commit's flush: on the caller's thread, or on a future
//! that holds no thread while it waits.

use super::SledStore;
use crate::options::Durability;
use std::sync::Arc;

use crate::group_commit::FlushEnd;
use crate::{Applied, DurableFuture, DurableStep, GroupCommit, StoreError};

impl SledStore {
    /// [`crate::Store::wait_durable`]: on this thread, which runs the
    /// flush itself if no other writer is.
    pub(super) fn wait_durable_here(&self, applied: Applied) -> Result<(), StoreError> {
        if self.shared.durability == Durability::Relaxed {
            return Ok(());
        }
        self.shared.group.wait(applied.0, || {
            self.shared.db.flush().map(drop).map_err(StoreError::from)
        })
    }

    /// [`crate::Store::durable`]: a future that waits for the running flush
    /// without a thread, or runs one on a thread of its own.
    pub(super) fn durable_future(&self, applied: Applied) -> DurableFuture {
        let store = self.clone();
        Box::pin(async move {
            if store.shared.durability == Durability::Relaxed {
                return Ok(());
            }
            loop {
                match store.shared.group.next(applied.0) {
                    DurableStep::Durable => return Ok(()),
                    DurableStep::Wait(ended) => {
                        // Sent or dropped, the flush is over: ask again.
                        let _ = ended.await;
                    }
                    DurableStep::Flush { covers } => {
                        let end = FlushEnd::new(store.shared.group.clone(), covers);
                        flush_on_own_thread(store.clone(), end).await?;
                    }
                }
            }
        })
    }
}

/// Runs the flush on a thread of its own, not a runtime's blocking pool: the
/// pool is shared by every org's plug-in calls and by writers waiting on
/// their thread for this very flush, so a full pool would queue the flush
/// behind its own waiters. One flush runs at a time per store. `end` ends
/// it on that thread, even if the waiter (a cancelled request) is gone.
async fn flush_on_own_thread(
    store: SledStore,
    mut end: FlushEnd<Arc<GroupCommit>>,
) -> Result<(), StoreError> {
    let (sender, flushed) = futures_channel::oneshot::channel();
    std::thread::Builder::new()
        .name("leadhost-flush".into())
        .spawn(move || {
            let result = store.shared.db.flush().map(drop);
            end.succeeded(result.is_ok());
            drop(end);
            let _ = sender.send(result);
        })
        // Not spawned: the closure, and `end` with it, is dropped, which
        // ends the flush as failed.
        .map_err(|error| StoreError::Backend(Box::new(error)))?;
    match flushed.await {
        Ok(result) => Ok(result?),
        // The thread dropped the sender without a result: it panicked.
        Err(gone) => Err(StoreError::Backend(Box::new(gone))),
    }
}
