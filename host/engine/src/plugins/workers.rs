//! Sharing a list out to worker threads: what a replay audit and a
//! backtest both do with an org's leads. Each worker takes the next item
//! until none are left or one fails; the first failure stops every worker
//! after its current item and is what the caller gets.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `work(state, index, item)` over `items` on `workers` threads (at
/// least one), each with its own `state` from `start` (a worker's caches
/// and findings), calling `progress(done, items)` after each item. Answers
/// every worker's state, in no particular order.
///
/// Errors: the first error `work` returned, with how many items were done
/// when it did.
pub(super) fn share_out<T, S, E>(
    items: &[T],
    workers: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
    start: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, usize, &T) -> Result<(), E> + Sync,
) -> Result<Vec<S>, (E, usize)>
where
    T: Sync,
    S: Send,
    E: Send,
{
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let failure: Mutex<Option<(E, usize)>> = Mutex::new(None);
    let states: Vec<S> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut state = start();
                    loop {
                        let at = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(at) else { break };
                        if let Err(error) = work(&mut state, at, item) {
                            let mut failure = failure.lock().unwrap_or_else(|p| p.into_inner());
                            failure.get_or_insert((error, done.load(Ordering::Relaxed)));
                            next.store(items.len(), Ordering::Relaxed);
                            break;
                        }
                        progress(done.fetch_add(1, Ordering::Relaxed) + 1, items.len());
                    }
                    state
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|handle| handle.join().ok())
            .collect()
    });
    match failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(failed) => Err(failed),
        None => Ok(states),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_worked_once_and_progress_reaches_the_end() {
        let items: Vec<u32> = (0..1000).collect();
        let seen = AtomicUsize::new(0);
        let states = share_out(
            &items,
            3,
            &|done, of| {
                assert!(done <= of);
                seen.fetch_max(done, Ordering::Relaxed);
            },
            Vec::new,
            |state: &mut Vec<usize>, at, item| {
                assert_eq!(items[at], *item);
                state.push(at);
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        let mut all: Vec<usize> = states.into_iter().flatten().collect();
        all.sort_unstable();
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
        assert_eq!(seen.load(Ordering::Relaxed), 1000);
    }

    #[test]
    fn the_first_failure_stops_the_run_and_says_how_far_it_got() {
        let items: Vec<u32> = (0..1000).collect();
        let worked = AtomicUsize::new(0);
        let (error, done) = share_out(
            &items,
            2,
            &|_, _| {},
            || (),
            |_, at, _| {
                worked.fetch_add(1, Ordering::Relaxed);
                if at == 10 { Err("item 10") } else { Ok(()) }
            },
        )
        .unwrap_err();
        assert_eq!(error, "item 10");
        assert!((9..1000).contains(&done), "{done}");
        assert!(worked.load(Ordering::Relaxed) < 1000, "the others stop");
    }
}
