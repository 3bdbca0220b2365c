//! Each org's bounded share of the host's workers: how many of its
//! operations (each may call its plug-ins) run at once, and how many more
//! may wait for a turn. Waiting is asynchronous, so a waiting request holds
//! no thread; an org over its queue is told to come back later, while every
//! other org keeps its own share. Without this, one org whose plug-in burns
//! its full fuel on every call (or that simply sends more than the host can
//! take) would occupy every blocking thread and every instance slot of the
//! pooling allocator, and the other orgs' calls would wait or fail.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake};

use serde::{Deserialize, Serialize};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How big each org's share is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShareLimits {
    /// Operations of one org running at once (each one plug-in call at a
    /// time). 4 on a 2-core machine leaves other orgs most of the CPU even
    /// when one org's every call burns its whole fuel budget.
    pub calls: u32,
    /// Operations of one org waiting for a turn before more are refused
    /// (HTTP 503 with `Retry-After`).
    pub queue: u32,
}

impl Default for ShareLimits {
    fn default() -> Self {
        ShareLimits {
            calls: 4,
            queue: 256,
        }
    }
}

/// An org has more operations waiting than its queue holds.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "org {org} is busy: {calls} operations run at once and its queue of {queue} is full \
     (`[limits] org_calls`, `org_queue`); retry shortly"
)]
pub struct ShareFull {
    /// The org.
    pub org: String,
    /// Its running share.
    pub calls: u32,
    /// Its queue.
    pub queue: u32,
}

/// The orgs' shares. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct OrgShares {
    limits: ShareLimits,
    /// org → its share; made on first use.
    orgs: Arc<Mutex<HashMap<String, Arc<Share>>>>,
}

/// One org's share.
#[derive(Debug)]
struct Share {
    /// One permit per operation that may run at once.
    running: Arc<Semaphore>,
    /// Turns asked for and not yet given back: running plus waiting.
    asked: AtomicUsize,
}

/// Counts a turn as asked for until dropped, granted or not (a request
/// dropped while it waits gives its place back).
#[derive(Debug)]
struct Asked(Arc<Share>);

impl Drop for Asked {
    fn drop(&mut self) {
        self.0.asked.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A turn in an org's share; the next waiter goes when it is dropped.
#[derive(Debug)]
pub struct Turn {
    _permit: OwnedSemaphorePermit,
    _asked: Asked,
}

/// What is left of a [`Turn`] whose work is done but not yet durable: it
/// no longer runs (the next waiter goes), but it still holds its place in
/// the org's queue, so an org's operations waiting for a flush count
/// against `queue` like those waiting to run.
#[derive(Debug)]
pub struct Flushing {
    _asked: Asked,
}

impl Turn {
    /// Gives the running place to the next waiter, keeping the queue place
    /// until the returned [`Flushing`] is dropped.
    pub fn done_running(self) -> Flushing {
        Flushing {
            _asked: self._asked,
        }
    }
}

impl OrgShares {
    /// Shares of the given size.
    pub fn new(limits: ShareLimits) -> Self {
        OrgShares {
            limits: ShareLimits {
                calls: limits.calls.max(1),
                ..limits
            },
            orgs: Arc::default(),
        }
    }

    /// The size of each share.
    pub fn limits(&self) -> ShareLimits {
        self.limits
    }

    fn share(&self, org: &str) -> Arc<Share> {
        self.orgs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(org.to_string())
            .or_insert_with(|| {
                Arc::new(Share {
                    running: Arc::new(Semaphore::new(self.limits.calls as usize)),
                    asked: AtomicUsize::new(0),
                })
            })
            .clone()
    }

    /// Waits for a turn in `org`'s share; refuses at once when the org's
    /// queue is full. Waiters are served in arrival order.
    pub async fn turn(&self, org: &str) -> Result<Turn, ShareFull> {
        let share = self.share(org);
        let most = (self.limits.calls + self.limits.queue) as usize;
        if share.asked.fetch_add(1, Ordering::Relaxed) >= most {
            share.asked.fetch_sub(1, Ordering::Relaxed);
            metrics::counter!("leadhost_org_share_refusals_total").increment(1);
            return Err(self.full(org));
        }
        let asked = Asked(share.clone());
        let permit = share
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| self.full(org))?;
        Ok(Turn {
            _permit: permit,
            _asked: asked,
        })
    }

    /// Takes a turn in `org`'s share from a thread that may block (the
    /// scheduler, the CLI), waiting as long as it takes; it is never refused.
    pub fn turn_blocking(&self, org: &str) -> Turn {
        let share = self.share(org);
        share.asked.fetch_add(1, Ordering::Relaxed);
        let asked = Asked(share.clone());
        let permit = block_on(share.running.clone().acquire_owned())
            .expect("org semaphores are never closed");
        Turn {
            _permit: permit,
            _asked: asked,
        }
    }

    /// A turn in `org`'s share if one is free now, without waiting: for
    /// background rounds that had better come back later than hold a
    /// thread (and every org after this one) while a busy org works.
    pub fn try_turn(&self, org: &str) -> Option<Turn> {
        let share = self.share(org);
        let permit = share.running.clone().try_acquire_owned().ok()?;
        share.asked.fetch_add(1, Ordering::Relaxed);
        Some(Turn {
            _permit: permit,
            _asked: Asked(share),
        })
    }

    fn full(&self, org: &str) -> ShareFull {
        ShareFull {
            org: org.to_string(),
            calls: self.limits.calls,
            queue: self.limits.queue,
        }
    }
}

/// Runs `future` on this thread, parking it while the future waits.
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Arc::new(Unpark(std::thread::current())).into();
    let mut context = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn a_turn_waiting_for_its_flush_frees_its_run_but_keeps_its_queue_place() {
        let shares = OrgShares::new(ShareLimits { calls: 1, queue: 1 });
        runtime().block_on(async {
            let flushing = shares.turn("acme").await.unwrap().done_running();
            // The running place is free at once...
            let running = shares.turn("acme").await.unwrap();
            // ...but the flushing one still counts: the queue is full.
            assert!(shares.turn("acme").await.is_err());
            drop(flushing);
            let waiting = tokio::spawn({
                let shares = shares.clone();
                async move { shares.turn("acme").await.map(drop) }
            });
            drop(running);
            waiting.await.unwrap().unwrap();
        });
    }

    #[test]
    fn an_org_runs_its_share_queues_the_next_and_refuses_past_the_queue() {
        let shares = OrgShares::new(ShareLimits { calls: 2, queue: 1 });
        runtime().block_on(async {
            let first = shares.turn("busy").await.unwrap();
            let _second = shares.turn("busy").await.unwrap();
            // The third waits (queued)...
            let third = tokio::spawn({
                let shares = shares.clone();
                async move { shares.turn("busy").await.map(drop) }
            });
            tokio::task::yield_now().await;
            assert!(!third.is_finished());
            // ...the fourth is refused, naming the org and its share...
            let refused = shares.turn("busy").await.unwrap_err();
            assert_eq!(
                (refused.org.as_str(), refused.calls, refused.queue),
                ("busy", 2, 1)
            );
            // ...and another org is not touched by any of it.
            let _calm = shares.turn("calm").await.unwrap();
            drop(first);
            third.await.unwrap().unwrap();
        });
    }

    #[test]
    fn a_waiter_that_gives_up_frees_its_place() {
        let shares = OrgShares::new(ShareLimits { calls: 1, queue: 1 });
        runtime().block_on(async {
            let _running = shares.turn("org").await.unwrap();
            let waiting =
                tokio::time::timeout(std::time::Duration::from_millis(10), shares.turn("org"))
                    .await;
            assert!(waiting.is_err(), "the share is taken");
            // Its place in the queue is free again.
            let again =
                tokio::time::timeout(std::time::Duration::from_millis(10), shares.turn("org"))
                    .await;
            assert!(again.is_err(), "still waiting, not refused");
        });
    }

    #[test]
    fn a_tried_turn_is_had_only_when_the_share_is_free_and_holds_it() {
        let shares = OrgShares::new(ShareLimits { calls: 1, queue: 0 });
        let held = shares.try_turn("busy").expect("a free share");
        assert!(shares.try_turn("busy").is_none(), "the share is taken");
        assert!(
            shares.try_turn("calm").is_some(),
            "another org's share is its own"
        );
        drop(held);
        assert!(shares.try_turn("busy").is_some(), "free again");
    }

    #[test]
    fn a_blocking_turn_waits_for_the_share() {
        let shares = OrgShares::new(ShareLimits { calls: 1, queue: 0 });
        let held = shares.turn_blocking("org");
        let waiter = std::thread::spawn({
            let shares = shares.clone();
            move || drop(shares.turn_blocking("org"))
        });
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(!waiter.is_finished());
        drop(held);
        waiter.join().unwrap();
    }
}
