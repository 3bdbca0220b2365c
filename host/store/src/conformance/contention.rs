//! Many writers on one lead: the store, not an in-process lock, decides
//! which of two writers that read the same revision wins.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Harness, create, record};
use crate::{Commit, Precondition, Store, StoreError};

/// Threads that each read a lead, change it and commit with the revision
/// they read as precondition, retrying on a conflict, all land: no update
/// is lost, the revision counts every one, and some writers did lose a race
/// (else the check proves nothing about the store).
pub fn same_lead_writers_serialise_by_revision(harness: &mut impl Harness) {
    const THREADS: usize = 4;
    const UPDATES: usize = 25;
    let store = harness.fresh();
    store
        .commit(create(record("acme", "ld-1", None)))
        .expect("create");
    let conflicts = AtomicUsize::new(0);
    let barrier = std::sync::Barrier::new(THREADS);
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            let (store, conflicts, barrier) = (&store, &conflicts, &barrier);
            scope.spawn(move || {
                barrier.wait();
                for _ in 0..UPDATES {
                    loop {
                        let mut lead = store.lead("acme", "ld-1").expect("read").expect("lead");
                        let read = lead.revision;
                        let size = lead.lead.company_size.unwrap_or(0);
                        lead.lead.company_size = Some(size + 1);
                        lead.revision = read + 1;
                        // Widen the window between read and write.
                        std::thread::yield_now();
                        match store.commit(Commit {
                            lead: Some(lead),
                            expect: Some(Precondition::Revision(read)),
                            ..Commit::default()
                        }) {
                            Ok(()) => break,
                            Err(StoreError::Conflict { .. }) => {
                                conflicts.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(error) => panic!("{error}"),
                        }
                    }
                }
            });
        }
    });
    let total = (THREADS * UPDATES) as u32;
    let mut seen = Vec::new();
    store
        .scan_leads("acme", &mut |lead| {
            seen.push((lead.lead.company_size, lead.revision));
            ControlFlow::Continue(())
        })
        .expect("scan");
    assert_eq!(seen, [(Some(total), u64::from(total))], "no update lost");
    assert!(
        conflicts.load(Ordering::Relaxed) > 0,
        "{THREADS} threads on one lead never conflicted: the check did not race"
    );
}
