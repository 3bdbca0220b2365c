//! Group commit: many writers, one flush. A writer takes a ticket after its
//! write is applied and waits until a flush that started after the ticket
//! has finished; whoever finds no flush running starts one for everybody.
//!
//! A writer waits on its thread ([`GroupCommit::wait`]) or, holding no
//! thread, on a future ([`GroupCommit::next`] and [`GroupCommit::finish`]):
//! an HTTP request that waits for its lead's flush must not hold one of
//! the blocking threads every org shares.

use std::ops::Deref;
use std::sync::{Condvar, Mutex, MutexGuard};

use futures_channel::oneshot;

/// Coalesces concurrent flushes.
#[derive(Debug, Default)]
pub struct GroupCommit {
    /// Tickets and flush progress.
    state: Mutex<State>,
    /// Wakes writers waiting on their thread when a flush ends.
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
    /// Writers waiting on a future for the running flush to end.
    waiting: Vec<oneshot::Sender<()>>,
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
    /// A flush is running: wait for it to end (the sender is dropped or
    /// sends), then ask again.
    Wait(oneshot::Receiver<()>),
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
            let mut end = FlushEnd::new(self, Self::start(&mut state));
            drop(state);
            let result = flush();
            end.succeeded(result.is_ok());
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
            // Registered under the lock that `finish` takes: the end of the
            // running flush cannot slip between this check and the wait.
            let (sender, ended) = oneshot::channel();
            state.waiting.push(sender);
            return DurableStep::Wait(ended);
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
        for waiter in state.waiting.drain(..) {
            // A waiter that went away needs no word.
            let _ = waiter.send(());
        }
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

/// Ends the flush started for `covers` ([`DurableStep::Flush`]) when
/// dropped: after it ran, or, as failed, if it panicked or never ran. A
/// flush so never stays marked running with every writer waiting for it,
/// whether it runs on a writer's thread (`C` a borrow) or on a thread of
/// its own (`C` an `Arc`) whose waiter may be gone.
pub(crate) struct FlushEnd<C: Deref<Target = GroupCommit>> {
    commit: C,
    covers: u64,
    succeeded: bool,
}

impl<C: Deref<Target = GroupCommit>> FlushEnd<C> {
    /// The end of the flush for `covers`, failed unless [`FlushEnd::succeeded`].
    pub(crate) fn new(commit: C, covers: u64) -> Self {
        FlushEnd {
            commit,
            covers,
            succeeded: false,
        }
    }

    /// Records the flush's outcome, for when `self` drops.
    pub(crate) fn succeeded(&mut self, succeeded: bool) {
        self.succeeded = succeeded;
    }
}

impl<C: Deref<Target = GroupCommit>> Drop for FlushEnd<C> {
    fn drop(&mut self) {
        self.commit.finish(self.covers, self.succeeded);
    }
}

/// Runs `future` to its end on this thread, parking between polls: the
/// store's tests drive its futures without a runtime (the store knows none).
#[cfg(test)]
pub(crate) fn block_on<F: std::future::Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::task::Waker::from(std::sync::Arc::new(Unpark(std::thread::current())));
    let mut context = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        std::thread::park();
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
                DurableStep::Wait(ended) => {
                    let _ = ended.await;
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

    #[test]
    fn writers_waiting_on_futures_and_on_threads_share_flushes() {
        let commit = Arc::new(GroupCommit::default());
        let threads: Vec<_> = (0..64)
            .map(|n| {
                let commit = commit.clone();
                let ticket = commit.ticket();
                std::thread::spawn(move || {
                    if n % 4 == 0 {
                        commit.wait(ticket, || {
                            std::thread::sleep(Duration::from_millis(2));
                            Ok::<(), ()>(())
                        })
                    } else {
                        block_on(wait_async(commit, ticket, false))
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap().unwrap();
        }
        assert!(commit.flushes() < 64, "{} flushes", commit.flushes());
        assert_eq!(commit.lock().durable, 64);
    }

    #[test]
    fn a_failed_flush_fails_the_future_that_ran_it_and_the_next_one_retries() {
        let commit = Arc::new(GroupCommit::default());
        let ticket = commit.ticket();
        assert_eq!(block_on(wait_async(commit.clone(), ticket, true)), Err(()));
        assert!(!commit.lock().flushing, "a failed flush is over");
        assert_eq!(block_on(wait_async(commit.clone(), ticket, false)), Ok(()));
        assert_eq!(commit.flushes(), 2);
    }

    #[test]
    fn a_thousand_writers_wait_for_one_flush_on_one_thread() {
        // Everything on this thread: a writer that held its thread while it
        // waited could not even be asked to wait a second time.
        let commit = GroupCommit::default();
        let first = commit.ticket();
        let DurableStep::Flush { covers } = commit.next(first) else {
            panic!("nobody flushes yet");
        };
        let tickets: Vec<u64> = (0..1000).map(|_| commit.ticket()).collect();
        let mut waits: Vec<_> = tickets
            .iter()
            .map(|&ticket| match commit.next(ticket) {
                DurableStep::Wait(ended) => ended,
                other => panic!("a flush is running, not {other:?}"),
            })
            .collect();
        assert!(waits.iter_mut().all(|ended| ended.try_recv() == Ok(None)));
        commit.finish(covers, true);
        assert!(
            waits
                .iter_mut()
                .all(|ended| ended.try_recv() == Ok(Some(()))),
            "the end of the flush reaches every waiter"
        );
        // The thousand came after the first flush started: one more covers
        // them all.
        let DurableStep::Flush { covers } = commit.next(tickets[0]) else {
            panic!("the first to ask flushes");
        };
        assert_eq!(covers, 1001);
        commit.finish(covers, true);
        assert!(
            tickets
                .iter()
                .all(|&ticket| matches!(commit.next(ticket), DurableStep::Durable))
        );
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
