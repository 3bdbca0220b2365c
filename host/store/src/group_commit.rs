//! Group commit: many writers, one flush. A writer takes a ticket after its
//! write is applied and waits until a flush that started after the ticket
//! has finished; whoever finds no flush running starts one for everybody.

use std::sync::{Condvar, Mutex, MutexGuard};

/// Coalesces concurrent flushes.
#[derive(Debug, Default)]
pub struct GroupCommit {
    /// Tickets and flush progress.
    state: Mutex<State>,
    /// Wakes writers when a flush ends.
    flushed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    /// The last ticket handed out.
    issued: u64,
    /// Every ticket up to this one is durable.
    durable: u64,
    /// A writer is flushing now.
    flushing: bool,
    /// Flushes run so far.
    flushes: u64,
}

impl GroupCommit {
    /// A ticket for a write that has just been applied.
    pub fn ticket(&self) -> u64 {
        let mut state = self.lock();
        state.issued += 1;
        state.issued
    }

    /// Returns once the write behind `ticket` is durable, running `flush`
    /// itself if no other writer is.
    pub fn wait<E>(&self, ticket: u64, flush: impl Fn() -> Result<(), E>) -> Result<(), E> {
        let mut state = self.lock();
        loop {
            if state.durable >= ticket {
                return Ok(());
            }
            if state.flushing {
                state = self
                    .flushed
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                continue;
            }
            // Every ticket issued so far was applied before this flush starts,
            // so the flush makes all of them durable.
            let covers = state.issued;
            state.flushing = true;
            drop(state);
            let result = flush();
            state = self.lock();
            state.flushing = false;
            state.flushes += 1;
            if result.is_ok() {
                state.durable = state.durable.max(covers);
            }
            self.flushed.notify_all();
            result?;
        }
    }

    /// How many flushes have run: fewer than writes when writers overlap.
    pub fn flushes(&self) -> u64 {
        self.lock().flushes
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    use super::*;

    #[test]
    fn concurrent_writers_share_flushes_and_all_become_durable() {
        let commit = Arc::new(GroupCommit::default());
        let applied = Arc::new(AtomicU64::new(0));
        let flushed_upto = Arc::new(AtomicU64::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (commit, applied, flushed_upto) =
                    (commit.clone(), applied.clone(), flushed_upto.clone());
                std::thread::spawn(move || {
                    for _ in 0..25 {
                        applied.fetch_add(1, Ordering::SeqCst);
                        let ticket = commit.ticket();
                        commit
                            .wait(ticket, || {
                                let upto = applied.load(Ordering::SeqCst);
                                std::thread::sleep(Duration::from_millis(2));
                                flushed_upto.fetch_max(upto, Ordering::SeqCst);
                                Ok::<(), ()>(())
                            })
                            .unwrap();
                        // The flush that released us saw our write.
                        assert!(flushed_upto.load(Ordering::SeqCst) >= ticket);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert!(commit.flushes() < 200, "{} flushes", commit.flushes());
        assert!(commit.flushes() > 0);
    }

    #[test]
    fn a_failed_flush_fails_its_writers_and_the_next_one_retries() {
        let commit = GroupCommit::default();
        let ticket = commit.ticket();
        assert_eq!(commit.wait(ticket, || Err("disk full")), Err("disk full"));
        assert_eq!(commit.wait(ticket, || Ok::<(), &str>(())), Ok(()));
        assert_eq!(commit.flushes(), 2);
    }
}
