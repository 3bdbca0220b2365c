//! Group commit: many writers, one flush. A writer takes a ticket after its
//! write is applied and waits until a flush that started after the ticket
//! has finished; whoever finds no flush running starts one for everybody.
//!
//! A writer waits on its thread ([`GroupCommit::wait`]) or, holding no
//! thread, on a future ([`GroupCommit::next`] and [`GroupCommit::finish`]):
//! an HTTP request that waits for its lead's flush must not hold one of
//! the blocking threads every org shares.

use std::sync::{Condvar, Mutex, MutexGuard};

use tokio::sync::watch;

/// Coalesces concurrent flushes.
#[derive(Debug)]
pub struct GroupCommit {
    /// Tickets and flush progress.
    state: Mutex<State>,
    /// Wakes writers waiting on their thread when a flush ends.
    flushed: Condvar,
    /// Counts the flushes ended, to wake writers waiting on a future.
    ended: watch::Sender<u64>,
}

impl Default for GroupCommit {
    fn default() -> Self {
        GroupCommit {
            state: Mutex::default(),
            flushed: Condvar::new(),
            ended: watch::Sender::new(0),
        }
    }
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

/// What a writer waiting for its ticket does next (see [`GroupCommit::next`]).
#[derive(Debug)]
pub enum DurableStep {
    /// The ticket is durable.
    Durable,
    /// No flush is running: run one, then call [`GroupCommit::finish`] with
    /// `covers`, whatever the flush's outcome (even if the waiter is gone).
    Flush {
        /// Every ticket up to this one was applied before the flush starts.
        covers: u64,
    },
    /// A flush is running: wait for it to end (`changed()`), then ask again.
    Wait(watch::Receiver<u64>),
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
            let mut end = End {
                commit: self,
                covers: Self::start(&mut state),
                succeeded: false,
            };
            drop(state);
            let result = flush();
            end.succeeded = result.is_ok();
            // Ends the flush here, and also if `flush` panicked.
            drop(end);
            result?;
            state = self.lock();
        }
    }

    /// What the writer behind `ticket` does next, for a writer that waits
    /// without holding a thread. [`DurableStep::Flush`] makes it the flusher:
    /// until it calls [`GroupCommit::finish`], every other writer waits.
    pub fn next(&self, ticket: u64) -> DurableStep {
        let mut state = self.lock();
        if state.durable >= ticket {
            return DurableStep::Durable;
        }
        if state.flushing {
            // Subscribed under the lock that `finish` takes: the end of the
            // running flush cannot slip between this check and the wait.
            return DurableStep::Wait(self.ended.subscribe());
        }
        DurableStep::Flush {
            covers: Self::start(&mut state),
        }
    }

    /// Ends the flush started for `covers` ([`DurableStep::Flush`]): its tickets
    /// are durable if it succeeded. Wakes every waiter; after a failed
    /// flush the next one to ask runs another.
    pub fn finish(&self, covers: u64, succeeded: bool) {
        let mut state = self.lock();
        state.flushing = false;
        state.flushes += 1;
        if succeeded {
            state.durable = state.durable.max(covers);
        }
        self.flushed.notify_all();
        self.ended.send_replace(state.flushes);
    }

    /// How many flushes have run: fewer than writes when writers overlap.
    pub fn flushes(&self) -> u64 {
        self.lock().flushes
    }

    /// Marks a flush running; returns the last ticket it covers. Every
    /// ticket issued so far was applied before the flush starts, so the
    /// flush makes all of them durable.
    fn start(state: &mut State) -> u64 {
        state.flushing = true;
        state.issued
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Ends a flush started on a writer's thread when dropped, so a flush that
/// panics does not stay marked running and leave every writer waiting.
struct End<'a> {
    commit: &'a GroupCommit,
    covers: u64,
    succeeded: bool,
}

impl Drop for End<'_> {
    fn drop(&mut self) {
        self.commit.finish(self.covers, self.succeeded);
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

    /// A writer waiting without a thread: its future, driven as the sled
    /// store drives it (the flush on another thread).
    async fn wait_async(commit: Arc<GroupCommit>, ticket: u64, fail: bool) -> Result<(), ()> {
        loop {
            match commit.next(ticket) {
                DurableStep::Durable => return Ok(()),
                DurableStep::Wait(mut ended) => {
                    let _ = ended.changed().await;
                }
                DurableStep::Flush { covers } => {
                    let flusher = commit.clone();
                    let succeeded = std::thread::spawn(move || {
                        std::thread::sleep(Duration::from_millis(2));
                        flusher.finish(covers, !fail);
                        !fail
                    })
                    .join()
                    .unwrap();
                    if !succeeded {
                        return Err(());
                    }
                }
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writers_waiting_on_futures_and_on_threads_share_flushes() {
        let commit = Arc::new(GroupCommit::default());
        let mut tasks = Vec::new();
        for n in 0..64 {
            let commit = commit.clone();
            let ticket = commit.ticket();
            if n % 4 == 0 {
                tasks.push(tokio::task::spawn_blocking(move || {
                    commit.wait(ticket, || {
                        std::thread::sleep(Duration::from_millis(2));
                        Ok::<(), ()>(())
                    })
                }));
            } else {
                tasks.push(tokio::spawn(wait_async(commit, ticket, false)));
            }
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert!(commit.flushes() < 64, "{} flushes", commit.flushes());
        assert_eq!(commit.lock().durable, 64);
    }

    #[tokio::test]
    async fn a_failed_flush_fails_the_future_that_ran_it_and_the_next_one_retries() {
        let commit = Arc::new(GroupCommit::default());
        let ticket = commit.ticket();
        assert_eq!(wait_async(commit.clone(), ticket, true).await, Err(()));
        assert!(!commit.lock().flushing, "a failed flush is over");
        assert_eq!(wait_async(commit.clone(), ticket, false).await, Ok(()));
        assert_eq!(commit.flushes(), 2);
    }

    #[test]
    fn a_waiter_subscribed_while_a_flush_runs_is_woken_by_its_end() {
        let commit = GroupCommit::default();
        let first = commit.ticket();
        let DurableStep::Flush { covers } = commit.next(first) else {
            panic!("nobody flushes yet");
        };
        let second = commit.ticket();
        let DurableStep::Wait(ended) = commit.next(second) else {
            panic!("a flush is running");
        };
        commit.finish(covers, true);
        assert!(ended.has_changed().unwrap(), "the end of the flush is seen");
        assert!(matches!(commit.next(first), DurableStep::Durable));
        // The second ticket came after the flush started: it needs its own.
        assert!(matches!(
            commit.next(second),
            DurableStep::Flush { covers: 2 }
        ));
    }

    #[test]
    fn a_thousand_writers_wait_for_one_flush_on_one_thread() {
        // One thread for everything: a writer that held its thread while
        // it waited would never let the flush end.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let commit = Arc::new(GroupCommit::default());
        let first = commit.ticket();
        let DurableStep::Flush { covers } = commit.next(first) else {
            panic!("nobody flushes yet");
        };
        let tickets: Vec<u64> = (0..1000).map(|_| commit.ticket()).collect();
        runtime.block_on(async {
            let tasks: Vec<_> = tickets
                .iter()
                .map(|&ticket| tokio::spawn(wait_async(commit.clone(), ticket, false)))
                .collect();
            tokio::task::yield_now().await;
            commit.finish(covers, true);
            for task in tasks {
                task.await.unwrap().unwrap();
            }
        });
        // The first flush, then one for all thousand.
        assert_eq!(commit.flushes(), 2);
    }

    #[test]
    fn a_flush_that_panics_on_a_writers_thread_is_over_for_the_others() {
        let commit = Arc::new(GroupCommit::default());
        let ticket = commit.ticket();
        let panicking = commit.clone();
        let outcome = std::thread::spawn(move || {
            panicking.wait(ticket, || -> Result<(), ()> {
                panic!("the disk went away")
            })
        })
        .join();
        assert!(outcome.is_err(), "the flusher panicked");
        assert!(!commit.lock().flushing, "its flush is over");
        assert_eq!(commit.wait(ticket, || Ok::<(), ()>(())), Ok(()));
    }
}
